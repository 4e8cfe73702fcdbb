//! The host-leg table: every online act's exact request is persisted before anything
//! leaves the terminal, and the row records how the leg ended. Rows are never
//! deleted; the few open ones are found through a partial index.

use rusqlite::types::Type;
use rusqlite::{params, Connection, OptionalExtension, Row, Transaction};

use crate::audit::rows::Table;
use crate::context::Ctx;
use crate::dates::BusinessDate;
use crate::error::{Error, Result};
use crate::host::{HostRequest, LegDetail, LegKind, ReversalReason};
use crate::money::Fen;
use crate::store::codes::stored_code;

#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum LegState {
    /// Sent (or about to be); the answer is not recorded yet.
    AwaitingAnswer,
    /// The answer was lost; a reversal is due.
    AwaitingReversal,
    /// Reversals kept failing: the supervisor must settle it with the acquirer.
    NeedsManualHandling,
    Approved,
    Declined,
    Reversed,
}

stored_code!(LegState {
    AwaitingAnswer => "awaiting_answer",
    AwaitingReversal => "awaiting_reversal",
    NeedsManualHandling => "manual",
    Approved => "approved",
    Declined => "declined",
    Reversed => "reversed",
});

impl LegState {
    pub fn is_resolved(self) -> bool {
        matches!(self, Self::Approved | Self::Declined | Self::Reversed)
    }
}

/// One online act as the screens and the desktop tool show it.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct HostLeg {
    pub leg_id: i64,
    pub kind: LegKind,
    pub state: LegState,
    pub request: HostRequest,
    pub amount: Fen,
    /// The leg's own voucher number; a settlement has none.
    pub voucher_no: Option<String>,
    /// For a void: the sale's voucher number.
    pub original_voucher_no: Option<String>,
    /// Who keyed it.
    pub operator_no: String,
    /// Whose password authorised it, where one did (a void: 00).
    pub authoriser_no: Option<String>,
    /// A void's reason code.
    pub reason: Option<String>,
    /// Reversals sent and failed.
    pub attempts: u32,
    /// Why a reversal is due or was sent.
    pub reversal_reason: Option<ReversalReason>,
    /// The business date it was keyed on: what it is dated and charged to.
    pub business_date: String,
    pub created_at_ms: i64,
    pub response_code: Option<String>,
}

/// The row plus what only the core needs.
#[derive(Debug, Clone)]
pub struct Stored {
    pub public: HostLeg,
    /// The sale a void points at.
    pub original_id: Option<i64>,
    /// What the approval produced: a journal row, or for a settlement its row.
    pub result_id: Option<i64>,
    /// A sale's keyed card-number hash, for the journal row its approval makes.
    pub pan_hash: Option<[u8; 32]>,
    /// Whether the leg has its row. One the built-in simulator answered in the
    /// commit that began it has none: nothing left the terminal, so there is nothing
    /// to reverse and the audit entry of its end says everything.
    pub saved: bool,
}

impl Stored {
    /// A leg about to be sent in the commit that begins it, before any row is written.
    pub fn unsaved(new: &NewLeg, ctx: &Ctx<'_>) -> Self {
        Self {
            public: public(
                0,
                new.request.clone(),
                LegState::AwaitingAnswer,
                new.request.operator_no.clone(),
                new.authoriser_no.map(str::to_owned),
                new.reason.clone(),
                ctx.now_ms,
            ),
            original_id: new.original_id,
            result_id: None,
            pan_hash: new.pan_hash,
            saved: false,
        }
    }

    pub fn begun_on(&self) -> Result<BusinessDate> {
        BusinessDate::from_iso(&self.public.business_date)
            .ok_or(Error::Corrupt("host leg business date"))
    }
}

const SELECT: &str = "SELECT id, kind, request, original_id, operator_no, authoriser_no, reason,
    state, attempts, reversal_reason, business_date, created_at_ms, response_code, result_id,
    pan_hash FROM host_legs";

const REQUEST_COLUMN: usize = 2;

fn from_row(r: &Row<'_>) -> rusqlite::Result<Stored> {
    let request: HostRequest =
        serde_json::from_str(r.get_ref(REQUEST_COLUMN)?.as_str()?).map_err(|e| {
            rusqlite::Error::FromSqlConversionFailure(REQUEST_COLUMN, Type::Text, Box::new(e))
        })?;
    let kind = LegKind::from_db(r.get_ref(1)?.as_str()?)?;
    if kind != request.kind() {
        return Err(rusqlite::Error::FromSqlConversionFailure(
            REQUEST_COLUMN,
            Type::Text,
            "kind differs from the request's".into(),
        ));
    }
    let reversal_reason = match r.get_ref(9)?.as_str_or_null()? {
        Some(code) => Some(ReversalReason::from_db(code)?),
        None => None,
    };
    let mut public = public(
        r.get(0)?,
        request,
        LegState::from_db(r.get_ref(7)?.as_str()?)?,
        r.get(4)?,
        r.get(5)?,
        r.get(6)?,
        r.get(11)?,
    );
    public.attempts = r.get(8)?;
    public.reversal_reason = reversal_reason;
    public.business_date = r.get(10)?;
    public.response_code = r.get(12)?;
    Ok(Stored {
        public,
        original_id: r.get(3)?,
        result_id: r.get(13)?,
        pan_hash: match r.get_ref(14)?.as_blob_or_null()? {
            Some(bytes) => Some(bytes.try_into().map_err(|_| {
                rusqlite::Error::FromSqlConversionFailure(14, Type::Blob, "pan hash length".into())
            })?),
            None => None,
        },
        saved: true,
    })
}

/// The leg as shown, with what follows from its request.
fn public(
    leg_id: i64,
    request: HostRequest,
    state: LegState,
    operator_no: String,
    authoriser_no: Option<String>,
    reason: Option<String>,
    created_at_ms: i64,
) -> HostLeg {
    let original_voucher_no = match &request.detail {
        LegDetail::Void { original, .. } => Some(original.voucher_no.clone()),
        LegDetail::Refund {
            original_voucher_no,
            ..
        } => original_voucher_no.clone(),
        _ => None,
    };
    HostLeg {
        leg_id,
        kind: request.kind(),
        state,
        amount: request.amount,
        voucher_no: request.voucher_no().map(str::to_owned),
        original_voucher_no,
        business_date: request.business_date.clone(),
        request,
        operator_no,
        authoriser_no,
        reason,
        attempts: 0,
        reversal_reason: None,
        created_at_ms,
        response_code: None,
    }
}

/// A stored request that no longer decodes was edited outside VoidGuard.
fn decoded(e: rusqlite::Error) -> Error {
    match e {
        rusqlite::Error::FromSqlConversionFailure(REQUEST_COLUMN, ..) => {
            Error::Corrupt("host leg request")
        }
        other => other.into(),
    }
}

pub struct NewLeg {
    pub request: HostRequest,
    pub original_id: Option<i64>,
    pub authoriser_no: Option<&'static str>,
    pub reason: Option<String>,
    /// A sale's keyed card-number hash, kept with the leg until the approval
    /// journals it (possibly in a later commit).
    pub pan_hash: Option<[u8; 32]>,
}

pub fn insert(tx: &Transaction<'_>, ctx: &Ctx<'_>, leg: &NewLeg) -> Result<Stored> {
    crate::store::exec(
        tx,
        "INSERT INTO host_legs (kind, request, original_id, operator_no, authoriser_no, reason,
             state, business_date, created_at_ms, pan_hash)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, 'awaiting_answer', ?7, ?8, ?9)",
        params![
            leg.request.kind().as_str(),
            serde_json::to_string(&leg.request)?,
            leg.original_id,
            leg.request.operator_no,
            leg.authoriser_no,
            leg.reason,
            leg.request.business_date,
            ctx.now_ms,
            leg.pan_hash.as_ref().map(|h| &h[..])
        ],
    )?;
    let id = tx.last_insert_rowid();
    ctx.cover(tx, Table::HostLegs, id)?;
    get(tx, id)?.ok_or(Error::Corrupt("inserted host leg vanished"))
}

pub fn get(conn: &Connection, id: i64) -> Result<Option<Stored>> {
    crate::store::row(conn, &format!("{SELECT} WHERE id = ?1"), [id], from_row)
        .optional()
        .map_err(decoded)
}

/// Unresolved legs, oldest first. Every online act checks for them, and resolved ones
/// pile up for years, so the few open ones are read through their index (`ORDER BY
/// id` would have SQLite walk the whole table in rowid order) and sorted here.
pub fn unresolved(conn: &Connection) -> Result<Vec<Stored>> {
    let mut stmt = conn.prepare_cached(&unresolved_sql())?;
    let rows = stmt.query_map([], from_row)?;
    let mut open = rows
        .collect::<rusqlite::Result<Vec<_>>>()
        .map_err(decoded)?;
    open.sort_by_key(|p| p.public.leg_id);
    Ok(open)
}

fn unresolved_sql() -> String {
    format!("{SELECT} INDEXED BY host_legs_open WHERE resolved_at_ms IS NULL")
}

const OPEN_VOID_OF_SALE: &str = "SELECT EXISTS (SELECT 1 FROM host_legs INDEXED BY host_legs_open
    WHERE original_id = ?1 AND resolved_at_ms IS NULL AND kind = 'void')";

/// Whether a void of this sale is open. Checked in the write that would open another,
/// so two open voids of one sale cannot both be stored.
pub fn void_open_for(conn: &Connection, original_id: i64) -> Result<bool> {
    Ok(crate::store::row(
        conn,
        OPEN_VOID_OF_SALE,
        [original_id],
        |r| r.get(0),
    )?)
}

pub fn resolve(
    tx: &Transaction<'_>,
    ctx: &Ctx<'_>,
    id: i64,
    state: LegState,
    response_code: Option<&str>,
    result_id: Option<i64>,
) -> Result<()> {
    crate::store::exec(
        tx,
        "UPDATE host_legs SET state = ?2, response_code = ?3, result_id = ?4, resolved_at_ms = ?5
         WHERE id = ?1",
        params![id, state.as_str(), response_code, result_id, ctx.now_ms],
    )?;
    ctx.cover(tx, Table::HostLegs, id)?;
    Ok(())
}

/// Why a leg awaits its reversal.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unanswered {
    /// Its answer was lost (for this reason); no reversal was tried yet.
    AnswerLost(ReversalReason),
    /// A reversal was sent and failed.
    ReversalFailed,
    /// A reversal failed for a leg begun on an earlier business day: it goes to
    /// manual handling at once, whatever attempts are left (UnionPay terminal
    /// practice: a reversal left from an earlier day is escalated, not retried).
    StaleReversalFailed,
}

/// Marks an unanswered leg for reversal, counting a failed attempt; out of attempts
/// (or stale) it is handed to manual handling.
pub fn await_reversal(
    tx: &Transaction<'_>,
    ctx: &Ctx<'_>,
    id: i64,
    why: Unanswered,
) -> Result<LegState> {
    let max_attempts = ctx.config.max_reversal_attempts;
    let (failed, reason) = match why {
        Unanswered::AnswerLost(reason) => (false, Some(reason.as_str())),
        Unanswered::ReversalFailed | Unanswered::StaleReversalFailed => (true, None),
    };
    let escalate = why == Unanswered::StaleReversalFailed;
    crate::store::exec(
        tx,
        "UPDATE host_legs SET attempts = attempts + ?2,
             reversal_reason = coalesce(?5, reversal_reason),
             state = CASE WHEN attempts + ?2 >= ?3 OR ?4 THEN 'manual' ELSE 'awaiting_reversal' END
         WHERE id = ?1",
        params![id, i64::from(failed), max_attempts, escalate, reason],
    )?;
    ctx.cover(tx, Table::HostLegs, id)?;
    let state: String =
        crate::store::row(tx, "SELECT state FROM host_legs WHERE id = ?1", [id], |r| {
            r.get(0)
        })?;
    Ok(LegState::from_db(&state)?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::context::test_env::Env;
    use crate::host::OriginalSale;
    use crate::journal::{
        self,
        numbering::{BatchNo, VoucherNo},
    };
    use crate::money::CNY;

    fn db(env: &Env, sales: u32) -> Connection {
        let mut conn = Connection::open_in_memory().unwrap();
        crate::store::create_for_test(&mut conn);
        let tx = conn.transaction().unwrap();
        let ctx = env.ctx(0);
        for voucher in 1..=sales {
            let sale = journal::NewEntry {
                kind: journal::TransactionKind::Sale,
                voucher_no: VoucherNo::new(voucher).unwrap(),
                batch_no: BatchNo::FIRST,
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
                original: None,
                pan_hash: None,
            };
            journal::insert(&tx, &ctx, &sale).unwrap();
        }
        tx.commit().unwrap();
        conn
    }

    fn void_of(voucher: i64) -> NewLeg {
        NewLeg {
            request: HostRequest {
                processing_code: LegKind::Void.processing_code().into(),
                amount: Fen(100),
                currency: CNY,
                batch_no: "000001".into(),
                business_date: "2026-11-29".into(),
                merchant_no: "898340157220001".into(),
                terminal_id: "LKL00042".into(),
                operator_no: "01".into(),
                detail: LegDetail::Void {
                    voucher_no: format!("{:06}", voucher + 500),
                    original: OriginalSale {
                        voucher_no: format!("{voucher:06}"),
                        batch_no: "000001".into(),
                        rrn: "000000000001".into(),
                        auth_code: "000001".into(),
                        business_date: "2026-11-29".into(),
                    },
                },
            },
            original_id: Some(voucher),
            authoriser_no: Some("00"),
            reason: Some("customer_request".into()),
            pan_hash: None,
        }
    }

    fn begin(tx: &Transaction<'_>, env: &Env, original_id: i64) -> i64 {
        insert(tx, &env.ctx(original_id), &void_of(original_id))
            .unwrap()
            .public
            .leg_id
    }

    #[test]
    fn only_open_legs_are_listed_oldest_first() {
        let mut env = Env::new();
        env.config.max_reversal_attempts = 1;
        let mut conn = db(&env, 6);
        let tx = conn.transaction().unwrap();
        let ids: Vec<i64> = (1..=6).map(|sale| begin(&tx, &env, sale)).collect();
        let ctx = env.ctx(10);
        resolve(&tx, &ctx, ids[0], LegState::Approved, None, Some(1)).unwrap();
        resolve(&tx, &ctx, ids[2], LegState::Declined, Some("05"), None).unwrap();
        resolve(&tx, &ctx, ids[5], LegState::Reversed, None, None).unwrap();
        let lost = Unanswered::AnswerLost(ReversalReason::NoAnswer);
        assert_eq!(
            await_reversal(&tx, &ctx, ids[4], lost).unwrap(),
            LegState::AwaitingReversal
        );
        let manual = await_reversal(&tx, &ctx, ids[4], Unanswered::ReversalFailed).unwrap();
        assert_eq!(manual, LegState::NeedsManualHandling);

        let open: Vec<Stored> = unresolved(&tx).unwrap();
        let open_ids: Vec<i64> = open.iter().map(|p| p.public.leg_id).collect();
        assert_eq!(open_ids, vec![ids[1], ids[3], ids[4]]);
        assert_eq!(
            open[2].public.reversal_reason,
            Some(ReversalReason::NoAnswer)
        );
        assert_eq!(open[2].public.attempts, 1);
        assert!(void_open_for(&tx, 2).unwrap());
        assert!(!void_open_for(&tx, 1).unwrap());
    }

    #[test]
    fn a_resolution_carries_its_time_and_the_kind_its_request() {
        let env = Env::new();
        let mut conn = db(&env, 1);
        let tx = conn.transaction().unwrap();
        let id = begin(&tx, &env, 1);
        let untimed = tx.execute(
            "UPDATE host_legs SET state = 'approved' WHERE id = ?1",
            [id],
        );
        assert!(
            untimed.is_err(),
            "a resolved leg without its time was stored"
        );
        let timed_open = tx.execute(
            "UPDATE host_legs SET resolved_at_ms = 5 WHERE id = ?1",
            [id],
        );
        assert!(
            timed_open.is_err(),
            "an open leg with a resolution time was stored"
        );
        tx.execute("UPDATE host_legs SET kind = 'sale' WHERE id = ?1", [id])
            .unwrap();
        assert!(matches!(get(&tx, id), Err(Error::Corrupt(_))));
    }

    /// Every online act asks for open legs; resolved ones pile up for years, so these
    /// queries must go through the partial index, never walk the table.
    #[test]
    fn open_leg_queries_read_the_index_not_the_history() {
        let conn = db(&Env::new(), 0);
        for sql in [unresolved_sql().as_str(), OPEN_VOID_OF_SALE] {
            let mut explain = conn.prepare(&format!("EXPLAIN QUERY PLAN {sql}")).unwrap();
            let args = vec![1; explain.parameter_count()];
            let plan: Vec<String> = explain
                .query_map(rusqlite::params_from_iter(args), |r| r.get::<_, String>(3))
                .unwrap()
                .collect::<rusqlite::Result<_>>()
                .unwrap();
            let touching: Vec<&String> = plan.iter().filter(|d| d.contains("host_legs")).collect();
            assert!(!touching.is_empty(), "{sql}: {plan:?}");
            assert!(
                touching.iter().all(|d| d.contains("host_legs_open")),
                "{sql} walks the table: {plan:?}"
            );
        }
    }
}
