//! Pending voids: the host request is persisted before anything leaves the terminal,
//! and the row records how the host leg ended. A void whose answer was lost is
//! reversed or confirmed before any other void or settlement.

use rusqlite::types::Type;
use rusqlite::{params, Connection, OptionalExtension, Row, Transaction};

use crate::audit::rows::Table;
use crate::context::Ctx;
use crate::error::{Error, Result};
use crate::host::HostRequest;
use crate::money::Fen;
use crate::store::codes::stored_code;

#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum PendingState {
    /// Sent (or about to be); the answer is not recorded yet.
    AwaitingAnswer,
    /// The answer was lost; a reversal is due.
    AwaitingReversal,
    /// Reversals kept failing: the merchant must settle it with the acquirer.
    NeedsManualHandling,
    Approved,
    Declined,
    Reversed,
}

stored_code!(PendingState {
    AwaitingAnswer => "awaiting_answer",
    AwaitingReversal => "awaiting_reversal",
    NeedsManualHandling => "manual",
    Approved => "approved",
    Declined => "declined",
    Reversed => "reversed",
});

impl PendingState {
    pub fn is_resolved(self) -> bool {
        matches!(self, Self::Approved | Self::Declined | Self::Reversed)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct PendingVoid {
    pub pending_id: i64,
    pub state: PendingState,
    pub request: HostRequest,
    pub amount: Fen,
    pub original_voucher_no: String,
    pub void_voucher_no: String,
    pub operator_no: String,
    pub authoriser_no: String,
    pub reason: String,
    pub attempts: u32,
    pub created_at_ms: i64,
    pub response_code: Option<String>,
}

/// The row plus what only the core needs.
#[derive(Debug, Clone)]
pub struct Stored {
    pub public: PendingVoid,
    pub original_id: i64,
    pub session: String,
    pub void_id: Option<i64>,
}

const SELECT: &str = "SELECT id, original_id, request, operator_no, authoriser_no, reason, state,
    session, attempts, created_at_ms, response_code, void_id FROM pending_voids";

const REQUEST_COLUMN: usize = 2;

fn from_row(r: &Row<'_>) -> rusqlite::Result<Stored> {
    let request: HostRequest =
        serde_json::from_str(r.get_ref(REQUEST_COLUMN)?.as_str()?).map_err(|e| {
            rusqlite::Error::FromSqlConversionFailure(REQUEST_COLUMN, Type::Text, Box::new(e))
        })?;
    Ok(Stored {
        public: PendingVoid {
            pending_id: r.get(0)?,
            state: PendingState::from_db(r.get_ref(6)?.as_str()?)?,
            amount: request.amount,
            original_voucher_no: request.original_voucher_no.clone(),
            void_voucher_no: request.voucher_no.clone(),
            request,
            operator_no: r.get(3)?,
            authoriser_no: r.get(4)?,
            reason: r.get(5)?,
            attempts: r.get(8)?,
            created_at_ms: r.get(9)?,
            response_code: r.get(10)?,
        },
        original_id: r.get(1)?,
        session: r.get(7)?,
        void_id: r.get(11)?,
    })
}

/// A stored request that no longer decodes was edited outside VoidGuard.
fn decoded(e: rusqlite::Error) -> Error {
    match e {
        rusqlite::Error::FromSqlConversionFailure(REQUEST_COLUMN, ..) => {
            Error::Corrupt("pending void request")
        }
        other => other.into(),
    }
}

pub struct NewPending<'a> {
    pub original_id: i64,
    pub request: &'a HostRequest,
    pub operator_no: &'a str,
    pub authoriser_no: &'a str,
    pub reason: &'a str,
    pub session: &'a str,
    pub now_ms: i64,
}

pub fn insert(tx: &Transaction<'_>, ctx: &Ctx<'_>, p: &NewPending<'_>) -> Result<Stored> {
    crate::store::exec(tx,
        "INSERT INTO pending_voids (original_id, request, operator_no, authoriser_no, reason, state,
             session, created_at_ms)
         VALUES (?1, ?2, ?3, ?4, ?5, 'awaiting_answer', ?6, ?7)",
        params![
            p.original_id,
            serde_json::to_string(p.request)?,
            p.operator_no,
            p.authoriser_no,
            p.reason,
            p.session,
            p.now_ms
        ],
    )?;
    let id = tx.last_insert_rowid();
    ctx.cover(tx, Table::PendingVoids, id)?;
    get(tx, id)?.ok_or(Error::Corrupt("inserted pending void vanished"))
}

pub fn get(conn: &Connection, id: i64) -> Result<Option<Stored>> {
    crate::store::row(conn, &format!("{SELECT} WHERE id = ?1"), [id], from_row)
        .optional()
        .map_err(decoded)
}

/// Unresolved voids, oldest first. Every void checks for them, and resolved ones pile
/// up for years, so the few open ones are read through their index (`ORDER BY id`
/// would have SQLite walk the whole table in rowid order) and sorted here.
pub fn unresolved(conn: &Connection) -> Result<Vec<Stored>> {
    let mut stmt = conn.prepare_cached(&unresolved_sql())?;
    let rows = stmt.query_map([], from_row)?;
    let mut open = rows
        .collect::<rusqlite::Result<Vec<_>>>()
        .map_err(decoded)?;
    open.sort_by_key(|p| p.public.pending_id);
    Ok(open)
}

fn unresolved_sql() -> String {
    format!("{SELECT} INDEXED BY pending_voids_open WHERE resolved_at_ms IS NULL")
}

const OPEN_COUNT: &str = "SELECT count(*) FROM pending_voids WHERE resolved_at_ms IS NULL";

const OPEN_FOR_SALE: &str = "SELECT EXISTS (SELECT 1 FROM pending_voids WHERE original_id = ?1
    AND resolved_at_ms IS NULL)";

pub fn unresolved_count(conn: &Connection) -> Result<u32> {
    Ok(crate::store::row(conn, OPEN_COUNT, [], |r| r.get(0))?)
}

pub fn unresolved_for(conn: &Connection, original_id: i64) -> Result<bool> {
    Ok(crate::store::row(
        conn,
        OPEN_FOR_SALE,
        [original_id],
        |r| r.get(0),
    )?)
}

pub fn resolve(
    tx: &Transaction<'_>,
    ctx: &Ctx<'_>,
    id: i64,
    state: PendingState,
    response_code: Option<&str>,
    void_id: Option<i64>,
) -> Result<()> {
    crate::store::exec(
        tx,
        "UPDATE pending_voids SET state = ?2, response_code = ?3, void_id = ?4, resolved_at_ms = ?5
         WHERE id = ?1",
        params![id, state.as_str(), response_code, void_id, ctx.now_ms],
    )?;
    ctx.cover(tx, Table::PendingVoids, id)?;
    Ok(())
}

/// Why a void awaits its reversal.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unanswered {
    /// Its answer was lost; no reversal was tried yet.
    AnswerLost,
    /// A reversal was sent and failed.
    ReversalFailed,
    /// A reversal failed for a void begun on an earlier business day: it goes to
    /// manual handling at once, whatever attempts are left (UnionPay terminal
    /// practice: a reversal left from an earlier day is escalated, not retried).
    StaleReversalFailed,
}

/// Marks an unanswered void for reversal, counting a failed attempt; out of attempts
/// (or stale) it is handed to manual handling.
pub fn await_reversal(
    tx: &Transaction<'_>,
    ctx: &Ctx<'_>,
    id: i64,
    why: Unanswered,
) -> Result<PendingState> {
    let max_attempts = ctx.config.max_reversal_attempts;
    let failed = why != Unanswered::AnswerLost;
    let escalate = why == Unanswered::StaleReversalFailed;
    crate::store::exec(
        tx,
        "UPDATE pending_voids SET attempts = attempts + ?2,
             state = CASE WHEN attempts + ?2 >= ?3 OR ?4 THEN 'manual' ELSE 'awaiting_reversal' END
         WHERE id = ?1",
        params![id, i64::from(failed), max_attempts, escalate],
    )?;
    ctx.cover(tx, Table::PendingVoids, id)?;
    let state: String = crate::store::row(
        tx,
        "SELECT state FROM pending_voids WHERE id = ?1",
        [id],
        |r| r.get(0),
    )?;
    Ok(PendingState::from_db(&state)?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::context::test_env::Env;
    use crate::dates::BusinessDate;
    use crate::journal::{self, numbering::SixDigits};
    use crate::money::CNY;

    fn db(env: &Env, sales: u32) -> Connection {
        let mut conn = Connection::open_in_memory().unwrap();
        crate::store::create_for_test(&mut conn);
        let tx = conn.transaction().unwrap();
        let ctx = env.ctx(0);
        for voucher in 1..=sales {
            let sale = journal::NewEntry {
                kind: journal::TransactionKind::Sale,
                voucher_no: SixDigits::new(voucher).unwrap(),
                batch_no: SixDigits::FIRST,
                rrn: "000000000001".into(),
                auth_code: "000001".into(),
                amount: Fen(100),
                masked_pan: "622202******0123".into(),
                card_scheme: "UnionPay".into(),
                operator_no: "01".into(),
                authoriser_no: None,
                void_reason: None,
                business_date: BusinessDate::new(2026, 11, 29).unwrap(),
                created_at_ms: 0,
                original_id: None,
            };
            journal::insert(&tx, &ctx, &sale).unwrap();
        }
        tx.commit().unwrap();
        conn
    }

    fn request(voucher: i64) -> HostRequest {
        HostRequest {
            processing_code: "200000".into(),
            amount: Fen(100),
            currency: CNY,
            voucher_no: format!("{:06}", voucher + 500),
            batch_no: "000001".into(),
            original_voucher_no: format!("{voucher:06}"),
            original_rrn: "000000000001".into(),
            original_auth_code: "000001".into(),
            original_business_date: "2026-11-29".into(),
            merchant_no: "898340157220001".into(),
            terminal_id: "LKL00042".into(),
        }
    }

    fn begin(tx: &Transaction<'_>, env: &Env, original_id: i64) -> i64 {
        let req = request(original_id);
        let new = NewPending {
            original_id,
            request: &req,
            operator_no: "01",
            authoriser_no: "00",
            reason: "customer_request",
            session: "s",
            now_ms: original_id,
        };
        insert(tx, &env.ctx(original_id), &new)
            .unwrap()
            .public
            .pending_id
    }

    #[test]
    fn only_open_voids_are_listed_oldest_first() {
        let mut env = Env::new();
        env.config.max_reversal_attempts = 1;
        let mut conn = db(&env, 6);
        let tx = conn.transaction().unwrap();
        let ids: Vec<i64> = (1..=6).map(|sale| begin(&tx, &env, sale)).collect();
        let ctx = env.ctx(10);
        resolve(&tx, &ctx, ids[0], PendingState::Approved, None, Some(1)).unwrap();
        resolve(&tx, &ctx, ids[2], PendingState::Declined, Some("05"), None).unwrap();
        resolve(&tx, &ctx, ids[5], PendingState::Reversed, None, None).unwrap();
        let manual = await_reversal(&tx, &ctx, ids[4], Unanswered::ReversalFailed).unwrap();
        assert_eq!(manual, PendingState::NeedsManualHandling);

        let open: Vec<i64> = unresolved(&tx)
            .unwrap()
            .iter()
            .map(|p| p.public.pending_id)
            .collect();
        assert_eq!(open, vec![ids[1], ids[3], ids[4]]);
        assert_eq!(unresolved_count(&tx).unwrap(), 3);
        assert!(unresolved_for(&tx, 2).unwrap());
        assert!(!unresolved_for(&tx, 1).unwrap());
    }

    #[test]
    fn a_sale_has_one_open_void_and_a_resolution_carries_its_time() {
        let env = Env::new();
        let mut conn = db(&env, 1);
        let tx = conn.transaction().unwrap();
        let id = begin(&tx, &env, 1);
        let second = tx.execute(
            "INSERT INTO pending_voids (original_id, request, operator_no, authoriser_no, reason,
                 state, session, created_at_ms)
             SELECT original_id, request, operator_no, authoriser_no, reason, state, session, 1
             FROM pending_voids WHERE id = ?1",
            [id],
        );
        assert!(second.is_err(), "a second open void of one sale was stored");
        let untimed = tx.execute(
            "UPDATE pending_voids SET state = 'approved' WHERE id = ?1",
            [id],
        );
        assert!(
            untimed.is_err(),
            "a resolved void without its time was stored"
        );
        let timed_open = tx.execute(
            "UPDATE pending_voids SET resolved_at_ms = 5 WHERE id = ?1",
            [id],
        );
        assert!(
            timed_open.is_err(),
            "an open void with a resolution time was stored"
        );
    }

    /// Every void asks for open voids; resolved ones pile up for years, so these
    /// queries must go through the partial index, never walk the table.
    #[test]
    fn open_void_queries_read_the_index_not_the_history() {
        let conn = db(&Env::new(), 0);
        for sql in [unresolved_sql().as_str(), OPEN_COUNT, OPEN_FOR_SALE] {
            let mut explain = conn.prepare(&format!("EXPLAIN QUERY PLAN {sql}")).unwrap();
            let args = vec![1; explain.parameter_count()];
            let plan: Vec<String> = explain
                .query_map(rusqlite::params_from_iter(args), |r| r.get::<_, String>(3))
                .unwrap()
                .collect::<rusqlite::Result<_>>()
                .unwrap();
            let touching: Vec<&String> = plan
                .iter()
                .filter(|d| d.contains("pending_voids"))
                .collect();
            assert!(!touching.is_empty(), "{sql}: {plan:?}");
            assert!(
                touching.iter().all(|d| d.contains("pending_voids_open")),
                "{sql} walks the table: {plan:?}"
            );
        }
    }
}
