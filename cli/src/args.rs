//! The command line: global options and one subcommand per merchant task.
//! Secrets (passwords, approval codes, card numbers, the terminal secret) are never
//! taken from argv, where `ps` and the shell history show them: they come from a
//! no-echo prompt, standard input or a file.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::messages::Lang;

#[derive(Debug, Parser)]
#[command(
    name = "voidguard",
    version,
    about = "VoidGuard desktop tool: the terminal's journal, void password and void flow",
    long_about = "VoidGuard desktop tool: the terminal's journal, void password and void flow.\n\n\
                  Exit codes: 0 success, 1 refused by a business rule, 2 usage or invalid \
                  input, 3 storage or key error.\n\n\
                  Passwords, approval codes, card numbers and the terminal secret are never \
                  taken as arguments: they are asked without echo, or read from standard \
                  input or a file.\n\n\
                  VOIDGUARD_KDF_ITERATIONS sets the PBKDF2 iterations of passwords set in \
                  this run (at least 1000; for tests and demos, not for a real terminal)."
)]
pub struct Cli {
    #[command(flatten)]
    pub global: Global,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Args)]
#[command(next_help_heading = "Global options")]
pub struct Global {
    /// The terminal database [default: <data folder>/voidguard/voidguard.db]
    #[arg(long, global = true, env = "VOIDGUARD_DB", value_name = "PATH")]
    pub db: Option<PathBuf>,

    /// The key file that wraps the database's data key [default: the database path with
    /// the extension .key]
    #[arg(long, global = true, env = "VOIDGUARD_KEY_FILE", value_name = "PATH")]
    pub key_file: Option<PathBuf>,

    /// Language of messages and slips
    #[arg(long, global = true, value_enum, default_value_t = Lang::En, env = "VOIDGUARD_LANG")]
    pub lang: Lang,

    /// How the built-in host simulator answers the online transactions of this run
    /// (sales, voids, settlement) and their reversals
    #[arg(long, global = true, value_enum, default_value_t = HostMode::Approve,
          env = "VOIDGUARD_SIMULATOR", value_name = "MODE")]
    pub simulator: HostMode,

    /// The acquirer's host to send online transactions to in ISO 8583 (CUPS POS),
    /// `tcp://HOST:PORT`, instead of the built-in simulator; needs --master-key-file
    #[arg(
        long,
        global = true,
        env = "VOIDGUARD_HOST",
        value_name = "tcp://HOST:PORT"
    )]
    pub host: Option<String>,

    /// The terminal master key (32 hex characters) the host's working keys come under
    /// at sign-on; a file, never an argument
    #[arg(
        long,
        global = true,
        env = "VOIDGUARD_MASTER_KEY_FILE",
        value_name = "PATH"
    )]
    pub master_key_file: Option<PathBuf>,

    /// The algorithm of the master key and of the working keys asked for at sign-on:
    /// 3DES, or SM4 (the national-algorithm variant, sign-on F60.3 006)
    #[arg(long, global = true, value_enum, default_value_t = KeyAlgorithm::Tdes,
          env = "VOIDGUARD_KEY_ALGORITHM", value_name = "ALGORITHM")]
    pub key_algorithm: KeyAlgorithm,

    /// PBKDF2 iterations for passwords set in this run (at least 1000; for tests)
    #[arg(long, global = true, hide = true, env = "VOIDGUARD_KDF_ITERATIONS",
          value_parser = clap::value_parser!(u32).range(1000..=10_000_000))]
    pub kdf_iterations: Option<u32>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum KeyAlgorithm {
    #[value(name = "3des")]
    Tdes,
    Sm4,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum HostMode {
    Approve,
    Decline,
    Timeout,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Create the database and key file and activate the terminal (商户号, 终端号, secret)
    #[command(visible_alias = "activate")]
    Init(InitArgs),
    /// A card sale (消费) through the host, which issues its reference number and
    /// authorisation code; the operator signs in first
    Sale(SaleArgs),
    /// Show the journal, newest first, one page at a time
    Journal(JournalArgs),
    /// Void a same-batch sale (消费撤销); the operator signs in first, then what is not
    /// given as flags is asked
    Void(VoidArgs),
    /// Refund (退货) a sale of an earlier batch or day, by its reference number and
    /// date or its voucher; partial and repeated, never more than the sale
    Refund(RefundArgs),
    /// Close the open batch (结算); the operator signs in first
    Settle(SettleArgs),
    /// Set or change the void password
    Password {
        #[command(subcommand)]
        action: PasswordAction,
    },
    /// Operators (操作员): the administrator's password, adding, removing and resetting
    /// cashiers, each operator's own password
    Operator {
        #[command(subcommand)]
        action: OperatorAction,
    },
    /// Apply to the back office: void permission, password reset, lifting a restriction
    Request {
        #[command(subcommand)]
        action: RequestAction,
    },
    /// Redeem the back office's approval code for a request
    Redeem(RedeemArgs),
    /// Play the acquirer's back office (simulation; not part of the terminal)
    Backoffice {
        #[command(subcommand)]
        action: BackofficeAction,
    },
    /// Show the audit trail, or verify its chain
    Audit(AuditArgs),
    /// Print the slip (签购单) of a voucher
    Receipt(ReceiptArgs),
    /// Stream the whole journal as CSV
    Export(ExportArgs),
    /// Show the terminal's state
    Status(JsonFlag),
    /// Reverse or confirm the online transactions (sales, voids, settlement) whose host
    /// answer was lost (冲正)
    Reconcile,
    /// List the online transactions that need manual handling, or close one with what
    /// the acquirer says happened (人工处理): reads the signing-in operator's password,
    /// then the void password
    Resolve(ResolveArgs),
    /// Walk a scripted merchant day on a fresh database in a temporary folder
    Demo,
}

#[derive(Debug, Args)]
pub struct JsonFlag {
    /// Print JSON instead of text
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct InitArgs {
    /// Merchant number (商户号), 15 digits
    #[arg(long, value_name = "DIGITS")]
    pub merchant_no: String,
    /// Terminal id (终端号), 8 letters or digits
    #[arg(long, value_name = "ID")]
    pub terminal_id: String,
    /// File holding the terminal secret as hex [default: read from standard input]
    #[arg(long, value_name = "FILE")]
    pub secret_file: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct SaleArgs {
    /// Amount in yuan, e.g. 12.34
    #[arg(long)]
    pub amount: String,
    #[command(flatten)]
    pub card: CardSource,
    /// The card number as an argument: refused, as `ps` and the shell history show it
    #[arg(long = "card", hide = true, num_args = 0..=1, default_missing_value = "",
          value_name = "PAN")]
    pub card_on_argv: Option<String>,
    /// Card scheme as the acquirer names it; left out, it is read off the card's BIN
    #[arg(long, default_value = "")]
    pub scheme: String,
    /// Operator who signs in and keys the sale (01–98 a cashier, 00 the supervisor);
    /// their password is read first, then the card number
    #[arg(long, default_value = "01", value_name = "NO")]
    pub operator: String,
    #[command(flatten)]
    pub password: PasswordSource,
    #[command(flatten)]
    pub json: JsonFlag,
}

/// Where the card number of a sale comes from. Without either flag it is asked on the
/// terminal without echo; it is never accepted as an argument. A full PAN is masked at
/// once (first 6 + last 4), a masked one is kept.
#[derive(Debug, Args)]
pub struct CardSource {
    /// Read the card number (a full or masked PAN) from one line of standard input
    /// (the second, after the operator's password, with --password-stdin)
    #[arg(long, conflicts_with = "card_file")]
    pub card_stdin: bool,
    /// Read the card number (a full or masked PAN) from the first line of this file
    #[arg(long, value_name = "FILE")]
    pub card_file: Option<PathBuf>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Kind {
    Sale,
    Void,
    Refund,
}

#[derive(Debug, Args)]
pub struct JournalFilter {
    /// Only this batch (6 digits)
    #[arg(long)]
    pub batch: Option<String>,
    /// Only this business date (YYYY-MM-DD, YYYYMMDD or MMDD)
    #[arg(long)]
    pub date: Option<String>,
    /// Only sales, only voids or only refunds
    #[arg(long, value_enum)]
    pub kind: Option<Kind>,
    /// Only rows keyed by this operator
    #[arg(long, value_name = "NO")]
    pub operator: Option<String>,
    /// Only this voucher number
    #[arg(long)]
    pub voucher: Option<String>,
}

#[derive(Debug, Args)]
pub struct JournalArgs {
    #[command(flatten)]
    pub filter: JournalFilter,
    /// Rows per page (1–500)
    #[arg(long, default_value_t = 20)]
    pub limit: u32,
    /// Start after this cursor (printed under the previous page)
    #[arg(long)]
    pub cursor: Option<i64>,
    #[command(flatten)]
    pub json: JsonFlag,
}

/// Where a password comes from. Without either flag it is asked on the terminal
/// without echo; it is never accepted as an argument.
#[derive(Debug, Args)]
pub struct PasswordSource {
    /// Read the password(s) from standard input, one per line
    #[arg(long, conflicts_with = "password_file")]
    pub password_stdin: bool,
    /// Read the password(s) from this file, one per line
    #[arg(long, value_name = "FILE")]
    pub password_file: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct RefundArgs {
    /// Reference number (参考号, 12 characters) of the original sale
    #[arg(long)]
    pub rrn: Option<String>,
    /// Date of the original sale (MMDD, YYYYMMDD or YYYY-MM-DD), with --rrn
    #[arg(long)]
    pub date: Option<String>,
    /// Voucher number (凭证号) of the original sale in this journal, instead of --rrn
    #[arg(long, conflicts_with = "rrn")]
    pub voucher: Option<String>,
    /// Batch of that voucher [default: the latest batch holding it]
    #[arg(long, requires = "voucher")]
    pub batch: Option<String>,
    /// The original sale's amount, for a sale not in this journal (when the terminal
    /// allows refunds of originals not verified locally)
    #[arg(long, requires = "rrn")]
    pub original_amount: Option<String>,
    /// Amount to refund
    #[arg(long)]
    pub amount: Option<String>,
    /// Refund reason code [default: goods_returned]
    #[arg(long)]
    pub reason: Option<String>,
    /// Operator who signs in and keys the refund; their password is read first, the
    /// void password (the supervisor's, who authorises every refund) last
    #[arg(long, default_value = "01", value_name = "NO")]
    pub operator: String,
    /// Skip the confirmation question of the interactive flow
    #[arg(long, short = 'y')]
    pub yes: bool,
    #[command(flatten)]
    pub password: PasswordSource,
}

#[derive(Debug, Args)]
pub struct VoidArgs {
    /// Voucher number (凭证号) of the original sale
    #[arg(long)]
    pub voucher: Option<String>,
    /// Date of the original sale (YYYY-MM-DD, YYYYMMDD or MMDD)
    #[arg(long)]
    pub date: Option<String>,
    /// Amount of the original sale
    #[arg(long)]
    pub amount: Option<String>,
    /// Void reason code [default: customer_request]
    #[arg(long)]
    pub reason: Option<String>,
    /// Operator who signs in and keys the void (01–98 a cashier, 00 the supervisor);
    /// their password is read first, the void password (the supervisor's, who
    /// authorises every void) last
    #[arg(long, default_value = "01", value_name = "NO")]
    pub operator: String,
    /// Skip the confirmation question of the interactive flow
    #[arg(long, short = 'y')]
    pub yes: bool,
    #[command(flatten)]
    pub password: PasswordSource,
}

#[derive(Debug, Args)]
pub struct ResolveArgs {
    /// The online transaction to close (a sale, void or settlement); without it those
    /// that need manual handling are listed
    #[arg(value_name = "ID")]
    pub leg_id: Option<i64>,
    /// The acquirer confirms it went through: its reference number (参考号)
    #[arg(long, requires = "auth_code", conflicts_with = "never_happened")]
    pub rrn: Option<String>,
    /// The acquirer's authorisation code (授权码) for it
    #[arg(long, requires = "rrn")]
    pub auth_code: Option<String>,
    /// The acquirer confirms it went through (with --rrn and --auth-code for a sale or
    /// void; a settlement the acquirer closed may have neither)
    #[arg(long, conflicts_with = "never_happened")]
    pub approved: bool,
    /// The acquirer has no record of it, or reversed it: a sale is not journaled, a
    /// voided sale stands, a batch stays open
    #[arg(long)]
    pub never_happened: bool,
    /// Who at the acquirer said so, and when (kept in the audit trail)
    #[arg(long)]
    pub note: Option<String>,
    /// Operator who signs in to record it (00 the supervisor by default)
    #[arg(long, default_value = "00", value_name = "NO")]
    pub operator: String,
    #[command(flatten)]
    pub password: PasswordSource,
    #[command(flatten)]
    pub json: JsonFlag,
}

#[derive(Debug, Args)]
pub struct SettleArgs {
    /// Operator who signs in and closes the batch (00 the supervisor, with the void
    /// password, or a cashier 01–98 with their own)
    #[arg(long, default_value = "00", value_name = "NO")]
    pub operator: String,
    #[command(flatten)]
    pub password: PasswordSource,
    #[command(flatten)]
    pub json: JsonFlag,
}

#[derive(Debug, Subcommand)]
pub enum PasswordAction {
    /// Set the first void password of the terminal
    Set(PasswordSource),
    /// Change the void password (the current one first, then the new one)
    Change(PasswordSource),
}

/// The administrator's acts sign in as the administrator first, so the administrator's
/// password is always the first secret read; a new password comes second.
#[derive(Debug, Subcommand)]
pub enum OperatorAction {
    /// Set the administrator's (99) 8-digit password, once, on an activated terminal
    /// (asked twice on a terminal, one line from stdin or a file)
    AdminPassword(PasswordSource),
    /// List every operator: number, role, active or removed, failures, lock
    List(JsonFlag),
    /// Add a cashier (01–98); reads the administrator's password, then the cashier's
    /// first password (4 to 8 digits)
    Add(ManageArgs),
    /// Remove a cashier, whom the journal keeps naming; reads the administrator's password
    Remove(ManageArgs),
    /// Give a cashier a new password, which also opens a lock; reads the administrator's
    /// password, then the cashier's new password
    Reset(ManageArgs),
    /// Change your own password as a cashier or the administrator; reads the current
    /// password, then the new one
    Password(OwnPasswordArgs),
}

#[derive(Debug, Args)]
pub struct ManageArgs {
    /// The cashier's operator number (01–98)
    #[arg(value_name = "NO")]
    pub operator_no: String,
    /// Who signs in to do it (only the administrator may)
    #[arg(long, default_value = "99", value_name = "NO")]
    pub by: String,
    #[command(flatten)]
    pub password: PasswordSource,
}

#[derive(Debug, Args)]
pub struct OwnPasswordArgs {
    /// Your operator number: 01–98 a cashier, 99 the administrator (the supervisor 00
    /// changes the void password with `password change`)
    #[arg(long, value_name = "NO")]
    pub operator: String,
    #[command(flatten)]
    pub password: PasswordSource,
}

#[derive(Debug, Args)]
pub struct ApplicationArgs {
    /// Why the merchant applies
    #[arg(long)]
    pub reason: String,
    /// Identity document type
    #[arg(long, default_value = "resident_id")]
    pub id_type: String,
    /// Identity document number (only a masked form is stored)
    #[arg(long)]
    pub id_number: String,
    /// Business licence number (15 or 18 characters)
    #[arg(long)]
    pub licence_no: String,
    /// Contact telephone
    #[arg(long)]
    pub contact: String,
}

#[derive(Debug, Subcommand)]
pub enum RequestAction {
    /// Apply for the right to void (申请撤销权限)
    Permission(ApplicationArgs),
    /// Apply for the right to refund (申请退货权限)
    RefundPermission(ApplicationArgs),
    /// Apply for a password reset (重置密码)
    Reset(ApplicationArgs),
    /// Apply to lift a lockout or a reached daily limit (解除限制)
    Lift(ApplicationArgs),
    /// List the newest requests and their standing
    List(JsonFlag),
}

#[derive(Debug, Args)]
pub struct RedeemArgs {
    /// The request code the terminal showed
    pub request_code: String,
    /// The approval code as an argument: refused, as `ps` and the shell history show it
    #[arg(hide = true, value_name = "APPROVAL_CODE")]
    pub approval_on_argv: Option<String>,
    #[command(flatten)]
    pub approval: ApprovalSource,
    /// For a reset: where the new password comes from
    #[command(flatten)]
    pub password: PasswordSource,
}

/// Where the back office's approval code comes from. Without either flag it is asked
/// on the terminal without echo; it is never accepted as an argument. When a reset
/// reads both from standard input, the approval code is the first line and the new
/// password the second.
#[derive(Debug, Args)]
pub struct ApprovalSource {
    /// Read the approval code from standard input (the first line, before a reset's
    /// new password)
    #[arg(long, conflicts_with = "approval_code_file")]
    pub approval_code_stdin: bool,
    /// Read the approval code from the first line of this file
    #[arg(long, value_name = "FILE")]
    pub approval_code_file: Option<PathBuf>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ApprovalAction {
    Permit,
    PermitRefund,
    Reset,
    Lift,
}

#[derive(Debug, Subcommand)]
pub enum BackofficeAction {
    /// Compute the approval code for a request, as the acquirer would
    Approve {
        /// The request code the merchant quoted
        request_code: String,
        /// What the approval allows
        #[arg(long, value_enum)]
        action: ApprovalAction,
        /// File holding the terminal secret as hex
        #[arg(long, value_name = "FILE")]
        secret_file: PathBuf,
        /// Print only the code
        #[arg(long)]
        code_only: bool,
    },
}

#[derive(Debug, Args)]
#[command(args_conflicts_with_subcommands = true)]
pub struct AuditArgs {
    #[command(subcommand)]
    pub action: Option<AuditAction>,
    /// Entries to show (1–500)
    #[arg(long, default_value_t = 50)]
    pub limit: u32,
    /// Show entries older than this sequence number
    #[arg(long, value_name = "SEQ")]
    pub before: Option<u64>,
    #[command(flatten)]
    pub json: JsonFlag,
}

#[derive(Debug, Subcommand)]
pub enum AuditAction {
    /// Check the whole HMAC chain; names the first bad entry
    Verify(JsonFlag),
}

#[derive(Debug, Args)]
pub struct ReceiptArgs {
    /// Voucher number of the slip
    pub voucher: String,
}

#[derive(Debug, Args)]
pub struct ExportArgs {
    /// Export as CSV (the only format)
    #[arg(long, required = true)]
    pub csv: bool,
    /// Write to this file instead of standard output
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
    #[command(flatten)]
    pub filter: JournalFilter,
}
