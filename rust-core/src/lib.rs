//! VoidGuard core: the transaction journal, the void password vault and the void
//! flow of a smart-POS terminal, kept in SQLite and exported to Kotlin by UniFFI.
//!
//! Only [`terminal`] exports objects and functions; the domain modules hold the rules
//! and own their tables.

uniffi::setup_scaffolding!();

#[cfg(feature = "testing")]
pub mod approvals;
#[cfg(not(feature = "testing"))]
mod approvals;
mod audit;
pub mod backoffice;
mod card_reader;
pub mod config;
mod context;
pub mod crypto;
pub mod dates;
pub mod error;
pub mod host;
mod host_leg;
mod integrity;
pub mod journal;
mod keys;
#[cfg(feature = "testing")]
pub mod money;
#[cfg(not(feature = "testing"))]
mod money;
pub mod operators;
#[cfg(feature = "testing")]
pub mod platform;
#[cfg(not(feature = "testing"))]
mod platform;
mod profile;
mod receipt;
mod refund;
mod sales;
mod settlement;
mod store;
mod terminal;
mod text;
pub mod vault;
mod void_flow;

pub use approvals::{Application, RequestKind, RequestStatus, RequestTicket};
pub use audit::{AuditEntry, AuditHead, AuditProblem, AuditReport};
pub use card_reader::{CardPurpose, CardRead, CardReadFailure, CardReader, CardReaderError};
pub use config::TerminalConfig;
pub use error::{Field, Problem, VoidGuardError};
pub use host::simulator::{HostSimulator, SimulatorMode};
pub use host::{
    HostError, HostLink, HostReply, HostRequest, LegDetail, LegKind, OriginalSale, ReversalReason,
    ReversalReply,
};
pub use host_leg::legs::{HostLeg, LegState};
pub use host_leg::manual::Resolution;
pub use journal::query::{JournalPage, JournalQuery, OperatorVoids};
pub use journal::BatchTotals;
pub use journal::{Transaction, TransactionKind, TransactionStatus};
pub use money::Fen;
pub use operators::accounts::{Operator, Role};
pub use platform::{
    Clock, KeyFileWrapper, KeyWrapper, KeyWrapperError, MarkFile, RollbackMark, SystemClock,
};
pub use receipt::{Locale, Receipt, ReceiptLine};
pub use refund::{RefundLookup, RefundOutcome, RefundPreview, RefundRequest};
pub use settlement::SettlementReport;
pub use terminal::{
    default_config, intent_processing_code, processing_code, reversal_reason_code, ReconcileReport,
    SaleRequest, Session, Terminal, TerminalStatus, VaultStatus,
};
pub use void_flow::{VoidLookup, VoidOutcome, VoidPreview, VoidRequest};
