//! `init` / `activate`: creates the database and its key file and activates the
//! terminal. A new database is built in a hidden folder beside its destination and
//! linked into place only once activation succeeded, so a refused merchant number or
//! secret leaves nothing behind; links never replace an existing file.

use std::path::{Path, PathBuf};

use voidguard::{KeyFileWrapper, KeyWrapperError, TerminalStatus, VoidGuardError};

use super::{outln, Ctx};
use crate::args::InitArgs;
use crate::error::CliError;
use crate::secrets::{self, Secret};
use crate::session::{self, Paths};

pub fn run(ctx: &mut Ctx, args: &InitArgs) -> Result<(), CliError> {
    let lang = ctx.lang;
    let paths = session::paths(&ctx.global)?;
    let secret = secrets::terminal_secret(args.secret_file.as_deref(), &mut ctx.input, lang)?;
    let status = if session::exists(&paths.db) {
        let keys = session::lazy_key_file(&paths.key);
        let terminal = session::open_with(&ctx.global, &paths.db, &keys, Some(&paths.key))
            .map_err(|e| e.with_key_file(&paths.key))?;
        activate(&terminal, args, &secret)?
    } else if paths.db.exists() {
        // An empty file: someone else's placeholder, not ours to fill.
        return Err(CliError::AlreadyExists(paths.db));
    } else {
        create(ctx, &paths, args, &secret)?
    };
    let merchant = status.merchant_no.unwrap_or_default();
    let terminal = status.terminal_id.unwrap_or_default();
    let (db, key) = (paths.db.display(), paths.key.display());
    outln(&lang.fill(
        crate::messages::key::CLI_ACTIVATED,
        &[&merchant, &terminal, &status.batch_no, &db, &key],
    ))
}

fn activate(
    terminal: &voidguard::Terminal,
    args: &InitArgs,
    secret: &Secret,
) -> Result<TerminalStatus, CliError> {
    Ok(terminal.activate(
        args.merchant_no.clone(),
        args.terminal_id.clone(),
        String::clone(secret),
    )?)
}

fn key_error(e: KeyWrapperError) -> CliError {
    CliError::Core(match e {
        KeyWrapperError::Unavailable { reason } => VoidGuardError::KeyUnavailable { reason },
        KeyWrapperError::Rejected => VoidGuardError::WrongKey,
    })
}

fn folder_of(path: &Path) -> &Path {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    }
}

/// Creates `dir` and its missing parents; returns those it created, outermost first.
fn make_dirs(dir: &Path) -> Result<Vec<PathBuf>, CliError> {
    let missing: Vec<PathBuf> = dir
        .ancestors()
        .take_while(|d| !d.as_os_str().is_empty() && !d.exists())
        .map(Path::to_path_buf)
        .collect();
    std::fs::create_dir_all(dir).map_err(|e| CliError::io(Some(dir), &e))?;
    Ok(missing.into_iter().rev().collect())
}

/// The journal and sealed vault are the merchant's alone, like the key file (0600).
fn owner_only(path: &Path) -> Result<(), CliError> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600))
            .map_err(|e| CliError::io(Some(path), &e))?;
    }
    #[cfg(not(unix))]
    let _ = path;
    Ok(())
}

/// Hard-links `from` to `to`: fails instead of replacing a file that appeared meanwhile.
fn link(from: &Path, to: &Path) -> Result<(), CliError> {
    std::fs::hard_link(from, to).map_err(|e| match e.kind() {
        std::io::ErrorKind::AlreadyExists => CliError::AlreadyExists(to.to_path_buf()),
        _ => CliError::io(Some(to), &e),
    })
}

fn create(
    ctx: &Ctx,
    paths: &Paths,
    args: &InitArgs,
    secret: &Secret,
) -> Result<TerminalStatus, CliError> {
    let mut made = make_dirs(folder_of(&paths.db))?;
    let result = make_dirs(folder_of(&paths.key)).and_then(|more| {
        made.extend(more);
        stage_and_link(ctx, paths, args, secret)
    });
    if result.is_err() {
        // Only folders this run created, and only if they stayed empty.
        for dir in made.iter().rev() {
            let _ = std::fs::remove_dir(dir);
        }
    }
    result
}

fn stage_and_link(
    ctx: &Ctx,
    paths: &Paths,
    args: &InitArgs,
    secret: &Secret,
) -> Result<TerminalStatus, CliError> {
    let stage_in = |dir: &Path| {
        tempfile::Builder::new()
            .prefix(".voidguard-init-")
            .tempdir_in(dir)
            .map_err(|e| CliError::io(Some(dir), &e))
    };
    let db_stage = stage_in(folder_of(&paths.db))?;
    let staged_db = db_stage.path().join("voidguard.db");
    let key_stage = if paths.key.exists() {
        None
    } else {
        Some(stage_in(folder_of(&paths.key))?)
    };
    let staged_key = key_stage.as_ref().map(|s| s.path().join("voidguard.key"));
    let keys = match &staged_key {
        Some(k) => KeyFileWrapper::open_or_create(k),
        None => KeyFileWrapper::open(&paths.key),
    }
    .map_err(|e| key_error(e).with_key_file(&paths.key))?;
    let status = {
        // No mark while staged: the first open of the linked database binds it.
        let terminal = session::open_with(&ctx.global, &staged_db, &keys, None)?;
        activate(&terminal, args, secret)?
        // The terminal closes here, which checkpoints and removes its WAL files.
    };
    owner_only(&staged_db)?;
    if let Some(k) = &staged_key {
        link(k, &paths.key)?;
    }
    if let Err(e) = link(&staged_db, &paths.db) {
        if staged_key.is_some() {
            let _ = std::fs::remove_file(&paths.key);
        }
        return Err(e);
    }
    Ok(status)
}
