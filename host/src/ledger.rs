//! The host's books in SQLite: working keys per terminal, ledger entries, settled
//! batches and the highest audit head per terminal. The host works on the copy in
//! memory ([`Books`]) and writes what an answer changed in one transaction before the
//! answer goes out, so a host killed after answering still knows what it approved and
//! one killed before committing never answered. Without a file the same code runs on
//! an in-memory database.
//!
//! A batch whose settlement was not balanced gets the terminal's batch upload
//! (`upload_item`, one row per record, and `settlement.upload_ended` once the
//! 批上送结束 came), each record with its verdict against the ledger for the
//! acquirer's reconciliation.
//!
//! Of a card, an entry keeps only the keyed digest of its number (`card`), never the
//! number or track data.
//!
//! Working keys are kept as the sign-on hands them out (F62: each key under the
//! terminal master key with its check value), so the file alone does not give them
//! away, and a file opened with another master key is refused instead of MAC-checking
//! against keys that cannot be right.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use rusqlite::{params, Connection, ErrorCode, Transaction};
use voidguard_iso8583::crypto::{Algorithm, Key, WorkingKeys};
use voidguard_iso8583::messages::Totals;

use crate::{Entry, EntryKey, Status, UploadVerdict, UploadedItem};

/// `PRAGMA user_version` of the schema below.
const SCHEMA_VERSION: i64 = 4;

/// From version 1: the keyed digest of a sale's card number (`card`), NULL for the
/// entries of before, which carry no card to compare.
const UPGRADE_FROM_1: &str = "ALTER TABLE entry ADD COLUMN pan_digest BLOB
    CHECK (pan_digest IS NULL OR length(pan_digest) = 32);";

/// From version 2: the batch upload of a settlement not balanced. Settlements of
/// before had no upload (0).
const UPGRADE_FROM_2: &str = "ALTER TABLE settlement ADD COLUMN upload_ended INTEGER NOT NULL
    DEFAULT 0;
CREATE TABLE upload_item (
    terminal_id TEXT NOT NULL,
    batch_no TEXT NOT NULL,
    voucher_no TEXT NOT NULL,
    type_code TEXT NOT NULL,
    amount INTEGER NOT NULL,
    verdict TEXT,
    PRIMARY KEY (terminal_id, batch_no, voucher_no)
);";

/// From version 3: the algorithm of a terminal's working keys; every key of before
/// was 3DES.
const UPGRADE_FROM_3: &str = "ALTER TABLE working_keys ADD COLUMN algorithm TEXT NOT NULL
    DEFAULT '3des' CHECK (algorithm IN ('3des', 'sm4'));";

/// The upgrade from version N is `UPGRADES[N - 1]`; one more step with each version.
const UPGRADES: [&str; (SCHEMA_VERSION - 1) as usize] =
    [UPGRADE_FROM_1, UPGRADE_FROM_2, UPGRADE_FROM_3];

const SCHEMA: &str = "
CREATE TABLE working_keys (
    terminal_id TEXT PRIMARY KEY,
    f62 BLOB NOT NULL,
    signed_out INTEGER NOT NULL,
    algorithm TEXT NOT NULL DEFAULT '3des' CHECK (algorithm IN ('3des', 'sm4'))
);
CREATE TABLE audit_head (
    terminal_id TEXT PRIMARY KEY,
    seq INTEGER NOT NULL
);
CREATE TABLE entry (
    terminal_id TEXT NOT NULL,
    batch_no TEXT NOT NULL,
    stan TEXT NOT NULL,
    type_code TEXT NOT NULL,
    amount INTEGER NOT NULL,
    rrn TEXT NOT NULL,
    auth_code TEXT NOT NULL,
    status TEXT NOT NULL,
    original_stan TEXT,
    original_rrn TEXT,
    reversal_reason TEXT,
    pan_digest BLOB CHECK (pan_digest IS NULL OR length(pan_digest) = 32),
    PRIMARY KEY (terminal_id, batch_no, stan)
);
CREATE TABLE settlement (
    terminal_id TEXT NOT NULL,
    batch_no TEXT NOT NULL,
    debit_count INTEGER NOT NULL,
    debit_amount INTEGER NOT NULL,
    credit_count INTEGER NOT NULL,
    credit_amount INTEGER NOT NULL,
    flag INTEGER NOT NULL,
    upload_ended INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (terminal_id, batch_no)
);
CREATE TABLE upload_item (
    terminal_id TEXT NOT NULL,
    batch_no TEXT NOT NULL,
    voucher_no TEXT NOT NULL,
    type_code TEXT NOT NULL,
    amount INTEGER NOT NULL,
    verdict TEXT,
    PRIMARY KEY (terminal_id, batch_no, voucher_no)
);
";

#[derive(Debug, thiserror::Error)]
pub enum LedgerError {
    #[error("the ledger file {path} is not a SQLite database")]
    NotADatabase { path: String },
    #[error("the ledger file {path} is a SQLite database, but not a host ledger")]
    NotALedger { path: String },
    #[error("the ledger file {path} has schema version {found}; this host knows {SCHEMA_VERSION}")]
    UnknownVersion { path: String, found: i64 },
    #[error("the ledger holds an unreadable {what}")]
    BadRow { what: &'static str },
    #[error("the ledger holds working keys for terminal {terminal_id} that are not under this master key")]
    ForeignKeys { terminal_id: String },
    #[error("the ledger cannot be read or written: {0}")]
    Sqlite(#[from] rusqlite::Error),
}

/// What the host knows, as it is on disk.
#[derive(Default)]
pub(crate) struct Books {
    pub keys: BTreeMap<String, TerminalKeys>,
    pub ledger: BTreeMap<EntryKey, Entry>,
    pub settled: BTreeMap<(String, String), (Totals, u8)>,
    pub audit_heads: BTreeMap<String, u64>,
    /// (terminal, batch, voucher) → the record uploaded (or, verdict
    /// `NotUploaded`, the ledger's entry the upload lacked).
    pub uploads: BTreeMap<EntryKey, UploadedItem>,
    /// Settlements whose upload ended: settled with the terminal's figures.
    pub upload_ended: BTreeSet<(String, String)>,
}

/// A terminal's working keys. After a sign-out they no longer serve a transaction,
/// but they still MAC the A0 that refuses one: a refusal without a MAC the terminal
/// could not tell from a forged one.
#[derive(Clone)]
pub(crate) struct TerminalKeys {
    pub keys: WorkingKeys,
    pub signed_out: bool,
}

/// The rows an answer changed, written (or deleted, when gone from [`Books`]) at
/// its commit.
#[derive(Default)]
pub(crate) struct Changed {
    pub keys: BTreeSet<String>,
    pub entries: BTreeSet<EntryKey>,
    pub settled: BTreeSet<(String, String)>,
    pub audit_heads: BTreeSet<String>,
    pub uploads: BTreeSet<EntryKey>,
}

impl Changed {
    pub fn is_empty(&self) -> bool {
        self.keys.is_empty()
            && self.entries.is_empty()
            && self.settled.is_empty()
            && self.audit_heads.is_empty()
            && self.uploads.is_empty()
    }
}

pub(crate) struct Store {
    conn: Connection,
}

fn status_code(s: Status) -> &'static str {
    match s {
        Status::Approved => "approved",
        Status::Voided => "voided",
        Status::Reversed => "reversed",
    }
}

fn verdict_code(v: UploadVerdict) -> &'static str {
    match v {
        UploadVerdict::Agrees => "agrees",
        UploadVerdict::Unknown => "unknown",
        UploadVerdict::Differs => "differs",
        UploadVerdict::NotUploaded => "not_uploaded",
    }
}

fn verdict_of(code: &str) -> Option<UploadVerdict> {
    Some(match code {
        "agrees" => UploadVerdict::Agrees,
        "unknown" => UploadVerdict::Unknown,
        "differs" => UploadVerdict::Differs,
        "not_uploaded" => UploadVerdict::NotUploaded,
        _ => return None,
    })
}

fn status_of(code: &str) -> Option<Status> {
    Some(match code {
        "approved" => Status::Approved,
        "voided" => Status::Voided,
        "reversed" => Status::Reversed,
        _ => return None,
    })
}

impl Store {
    /// Opens (creating when new or empty) the ledger at `path`; `None` for one in
    /// memory.
    pub fn open(path: Option<&Path>) -> Result<Self, LedgerError> {
        let shown = path.map_or_else(|| ":memory:".to_owned(), |p| p.display().to_string());
        let conn = match path {
            Some(p) => Connection::open(p)?,
            None => Connection::open_in_memory()?,
        };
        // SQLite reads the header only when first asked: a file that is no database
        // shows here, as SQLITE_NOTADB.
        let version: i64 = match conn.query_row("PRAGMA user_version", [], |r| r.get(0)) {
            Ok(v) => v,
            Err(e) if e.sqlite_error_code() == Some(ErrorCode::NotADatabase) => {
                return Err(LedgerError::NotADatabase { path: shown })
            }
            Err(e) => return Err(e.into()),
        };
        // FULL: a commit is on disk when it returns, which is what answering after
        // the commit relies on.
        conn.pragma_update(None, "synchronous", "FULL")?;
        let tables: i64 = conn.query_row("SELECT count(*) FROM sqlite_master", [], |r| r.get(0))?;
        match version {
            0 if tables == 0 => {
                conn.execute_batch(&format!(
                    "BEGIN; {SCHEMA} PRAGMA user_version = {SCHEMA_VERSION}; COMMIT;"
                ))?;
            }
            0 => return Err(LedgerError::NotALedger { path: shown }),
            found @ 1.. if found < SCHEMA_VERSION => {
                // Every step from the version found on, in order, in one transaction.
                let steps = UPGRADES
                    .get(usize::try_from(found - 1).unwrap_or(usize::MAX)..)
                    .unwrap_or_default()
                    .concat();
                conn.execute_batch(&format!(
                    "BEGIN; {steps} PRAGMA user_version = {SCHEMA_VERSION}; COMMIT;"
                ))?;
            }
            SCHEMA_VERSION => {}
            found => return Err(LedgerError::UnknownVersion { path: shown, found }),
        }
        Ok(Self { conn })
    }

    pub fn load(&self, master: &Key) -> Result<Books, LedgerError> {
        let mut books = Books::default();
        let mut q = self
            .conn
            .prepare("SELECT terminal_id, f62, signed_out, algorithm FROM working_keys")?;
        let rows = q.query_map([], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, Vec<u8>>(1)?,
                r.get::<_, bool>(2)?,
                r.get::<_, String>(3)?,
            ))
        })?;
        for row in rows {
            let (tid, f62, signed_out, algorithm) = row?;
            // Keys of the other algorithm are under another master key, whatever
            // their check values would say.
            if Algorithm::from_name(&algorithm) != Some(master.algorithm()) {
                return Err(LedgerError::ForeignKeys { terminal_id: tid });
            }
            let keys =
                WorkingKeys::from_f62(master, &f62).map_err(|_| LedgerError::ForeignKeys {
                    terminal_id: tid.clone(),
                })?;
            books.keys.insert(tid, TerminalKeys { keys, signed_out });
        }
        let mut q = self
            .conn
            .prepare("SELECT terminal_id, seq FROM audit_head")?;
        let rows = q.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?)))?;
        for row in rows {
            let (tid, seq) = row?;
            let seq = u64::try_from(seq).map_err(|_| LedgerError::BadRow { what: "audit head" })?;
            books.audit_heads.insert(tid, seq);
        }
        let mut q = self.conn.prepare(
            "SELECT terminal_id, batch_no, stan, type_code, amount, rrn, auth_code, status,
                    original_stan, original_rrn, reversal_reason, pan_digest FROM entry",
        )?;
        let mut rows = q.query([])?;
        while let Some(r) = rows.next()? {
            let bad = LedgerError::BadRow { what: "entry" };
            let status = status_of(&r.get::<_, String>(7)?).ok_or(bad)?;
            let amount = u64::try_from(r.get::<_, i64>(4)?)
                .map_err(|_| LedgerError::BadRow { what: "entry" })?;
            books.ledger.insert(
                (r.get(0)?, r.get(1)?, r.get(2)?),
                Entry {
                    type_code: r.get(3)?,
                    amount,
                    rrn: r.get(5)?,
                    auth_code: r.get(6)?,
                    status,
                    original_stan: r.get(8)?,
                    original_rrn: r.get(9)?,
                    reversal_reason: r.get(10)?,
                    pan_digest: match r.get::<_, Option<Vec<u8>>>(11)? {
                        Some(d) => Some(
                            <[u8; 32]>::try_from(d.as_slice())
                                .map_err(|_| LedgerError::BadRow { what: "entry" })?,
                        ),
                        None => None,
                    },
                },
            );
        }
        let mut q = self.conn.prepare(
            "SELECT terminal_id, batch_no, debit_count, debit_amount, credit_count,
                    credit_amount, flag, upload_ended FROM settlement",
        )?;
        let mut rows = q.query([])?;
        while let Some(r) = rows.next()? {
            let bad = || LedgerError::BadRow { what: "settlement" };
            let totals = Totals {
                debit_count: u32::try_from(r.get::<_, i64>(2)?).map_err(|_| bad())?,
                debit_amount: u64::try_from(r.get::<_, i64>(3)?).map_err(|_| bad())?,
                credit_count: u32::try_from(r.get::<_, i64>(4)?).map_err(|_| bad())?,
                credit_amount: u64::try_from(r.get::<_, i64>(5)?).map_err(|_| bad())?,
            };
            let flag = u8::try_from(r.get::<_, i64>(6)?).map_err(|_| bad())?;
            let key: (String, String) = (r.get(0)?, r.get(1)?);
            if r.get::<_, bool>(7)? {
                books.upload_ended.insert(key.clone());
            }
            books.settled.insert(key, (totals, flag));
        }
        let mut q = self.conn.prepare(
            "SELECT terminal_id, batch_no, voucher_no, type_code, amount, verdict
             FROM upload_item",
        )?;
        let mut rows = q.query([])?;
        while let Some(r) = rows.next()? {
            let bad = || LedgerError::BadRow {
                what: "upload item",
            };
            let verdict = match r.get::<_, Option<String>>(5)? {
                Some(v) => Some(verdict_of(&v).ok_or_else(bad)?),
                None => None,
            };
            books.uploads.insert(
                (r.get(0)?, r.get(1)?, r.get(2)?),
                UploadedItem {
                    type_code: r.get(3)?,
                    amount: u64::try_from(r.get::<_, i64>(4)?).map_err(|_| bad())?,
                    verdict,
                },
            );
        }
        Ok(books)
    }

    /// Writes the changed rows in one transaction.
    pub fn commit(
        &mut self,
        books: &Books,
        changed: &Changed,
        master: &Key,
    ) -> Result<(), LedgerError> {
        if changed.is_empty() {
            return Ok(());
        }
        let tx = self.conn.transaction()?;
        write(&tx, books, changed, master)?;
        tx.commit()?;
        Ok(())
    }
}

fn sql_u64(v: u64) -> Result<i64, LedgerError> {
    i64::try_from(v).map_err(|_| LedgerError::BadRow { what: "amount" })
}

fn write(
    tx: &Transaction<'_>,
    books: &Books,
    changed: &Changed,
    master: &Key,
) -> Result<(), LedgerError> {
    for tid in &changed.keys {
        match books.keys.get(tid) {
            Some(s) => tx.execute(
                "INSERT OR REPLACE INTO working_keys (terminal_id, f62, signed_out, algorithm)
                 VALUES (?1, ?2, ?3, ?4)",
                params![
                    tid,
                    s.keys
                        .to_f62(master)
                        .map_err(|_| LedgerError::ForeignKeys {
                            terminal_id: tid.clone()
                        })?,
                    s.signed_out,
                    s.keys.algorithm().name()
                ],
            )?,
            None => tx.execute("DELETE FROM working_keys WHERE terminal_id = ?1", [tid])?,
        };
    }
    for tid in &changed.audit_heads {
        if let Some(seq) = books.audit_heads.get(tid) {
            tx.execute(
                "INSERT OR REPLACE INTO audit_head (terminal_id, seq) VALUES (?1, ?2)",
                params![tid, sql_u64(*seq)?],
            )?;
        }
    }
    for key in &changed.entries {
        let (tid, batch, stan) = key;
        if let Some(e) = books.ledger.get(key) {
            tx.execute(
                "INSERT OR REPLACE INTO entry (terminal_id, batch_no, stan, type_code, amount,
                     rrn, auth_code, status, original_stan, original_rrn, reversal_reason,
                     pan_digest)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
                params![
                    tid,
                    batch,
                    stan,
                    e.type_code,
                    sql_u64(e.amount)?,
                    e.rrn,
                    e.auth_code,
                    status_code(e.status),
                    e.original_stan,
                    e.original_rrn,
                    e.reversal_reason,
                    e.pan_digest.as_ref().map(|d| &d[..])
                ],
            )?;
        }
    }
    for key in &changed.settled {
        if let Some((t, flag)) = books.settled.get(key) {
            tx.execute(
                "INSERT OR REPLACE INTO settlement (terminal_id, batch_no, debit_count,
                     debit_amount, credit_count, credit_amount, flag, upload_ended)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                params![
                    key.0,
                    key.1,
                    t.debit_count,
                    sql_u64(t.debit_amount)?,
                    t.credit_count,
                    sql_u64(t.credit_amount)?,
                    flag,
                    books.upload_ended.contains(key)
                ],
            )?;
        }
    }
    for key in &changed.uploads {
        let (tid, batch, voucher) = key;
        match books.uploads.get(key) {
            Some(u) => tx.execute(
                "INSERT OR REPLACE INTO upload_item (terminal_id, batch_no, voucher_no,
                     type_code, amount, verdict)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                params![
                    tid,
                    batch,
                    voucher,
                    u.type_code,
                    sql_u64(u.amount)?,
                    u.verdict.map(verdict_code)
                ],
            )?,
            None => tx.execute(
                "DELETE FROM upload_item
                 WHERE terminal_id = ?1 AND batch_no = ?2 AND voucher_no = ?3",
                params![tid, batch, voucher],
            )?,
        };
    }
    Ok(())
}

/// The next RRN after the highest one handed out, so a restarted host never hands
/// one out twice.
pub(crate) fn next_rrn(books: &Books) -> u64 {
    books
        .ledger
        .values()
        .filter_map(|e| e.rrn.parse::<u64>().ok())
        .max()
        .map_or(1, |n| n + 1)
}
