//! Write-behind for one write transaction. Inside a [`Scope`] the audit head is read
//! once, kept in memory while entries are appended and written once before the
//! commit, and every covered row the transaction changed is covered once, with its
//! final content, at the end — a void changes the counters row twice but records
//! it once. Outside a scope (migrations, activation) every write goes straight to
//! the file, as before.
//!
//! The scope lives on the thread that holds the connection's lock for the whole
//! transaction (`Terminal::write_verdict`), and is tied to the connection's file,
//! so a write through any other connection is never held back. Dropping a scope
//! without [`Scope::finish`] (an error, a rollback) discards what it held; the
//! rolled-back transaction wrote none of it.

use std::cell::RefCell;
use std::marker::PhantomData;

use rusqlite::{Connection, Transaction};

use super::rows::Table;
use super::Head;
use crate::crypto::SecretKey;
use crate::error::Result;

struct Held {
    db: String,
    /// The head as this transaction has advanced it; `None` until it first does.
    head: Option<Head>,
    /// Rows to cover at the end, in the order first changed.
    covers: Vec<(Table, i64)>,
    /// The transaction's time (one per call), which the covers are dated with.
    at_ms: i64,
}

thread_local! {
    static HELD: RefCell<Option<Held>> = const { RefCell::new(None) };
}

fn db_of(conn: &Connection) -> String {
    conn.path().unwrap_or_default().to_owned()
}

/// Runs `f` on what the scope holds for `conn`, if a scope is open for its file.
fn with_held<T>(conn: &Connection, f: impl FnOnce(&mut Held) -> T) -> Option<T> {
    HELD.with(|cell| {
        let mut held = cell.borrow_mut();
        match held.as_mut() {
            Some(h) if h.db == db_of(conn) => Some(f(h)),
            _ => None,
        }
    })
}

/// The open write-behind of one transaction. Not `Send`: it belongs to the thread
/// running the transaction.
pub(crate) struct Scope {
    _thread: PhantomData<*const ()>,
}

impl Scope {
    pub(crate) fn open(tx: &Transaction<'_>) -> Self {
        HELD.with(|cell| {
            *cell.borrow_mut() = Some(Held {
                db: db_of(tx),
                head: None,
                covers: Vec::new(),
                at_ms: 0,
            })
        });
        Self {
            _thread: PhantomData,
        }
    }

    /// Covers the rows changed and writes the head: call just before the commit.
    pub(crate) fn finish(self, tx: &Transaction<'_>, key: &SecretKey) -> Result<()> {
        let (covers, at_ms) =
            with_held(tx, |h| (std::mem::take(&mut h.covers), h.at_ms)).unwrap_or_default();
        for (table, row_id) in covers {
            super::rows::cover_now(tx, key, at_ms, table, row_id)?;
        }
        let head = with_held(tx, |h| h.head.take()).flatten();
        if let Some(head) = head {
            super::write_head(tx, key, &head)?;
        }
        Ok(())
    }
}

impl Drop for Scope {
    fn drop(&mut self) {
        HELD.with(|cell| cell.borrow_mut().take());
    }
}

/// The head this transaction has advanced to, if a scope holds one.
pub(super) fn head(conn: &Connection) -> Option<Head> {
    with_held(conn, |h| h.head.clone()).flatten()
}

/// Keeps `head` for the end of the transaction; false when no scope is open, and the
/// caller writes it at once.
pub(super) fn keep_head(conn: &Connection, head: &Head) -> bool {
    with_held(conn, |h| {
        h.head = Some(head.clone());
    })
    .is_some()
}

/// Notes a changed row to cover at the end; false when no scope is open, and the
/// caller covers it at once.
pub(super) fn defer_cover(conn: &Connection, table: Table, row_id: i64, at_ms: i64) -> bool {
    with_held(conn, |h| {
        if !h.covers.contains(&(table, row_id)) {
            h.covers.push((table, row_id));
        }
        h.at_ms = at_ms;
    })
    .is_some()
}

#[cfg(test)]
mod tests {
    use super::super::{append, head, rows, verify, Act};
    use super::*;
    use serde_json::json;

    fn counters_db() -> (Connection, SecretKey) {
        let mut conn = Connection::open_in_memory().unwrap();
        crate::store::create_for_test(&mut conn);
        let key = SecretKey::random().unwrap();
        let tx = conn.transaction().unwrap();
        // The schema holds the counters and lockout rows from the start.
        rows::cover_everything(&tx, &key, 0).unwrap();
        tx.commit().unwrap();
        (conn, key)
    }

    fn entries(conn: &Connection) -> i64 {
        conn.query_row("SELECT count(*) FROM audit", [], |r| r.get(0))
            .unwrap()
    }

    fn bump(tx: &Transaction<'_>, key: &SecretKey) {
        tx.execute(
            "UPDATE counters SET next_voucher_no = next_voucher_no + 1",
            [],
        )
        .unwrap();
        rows::cover(tx, key, 1, Table::Counters, 1).unwrap();
    }

    #[test]
    fn a_row_changed_twice_in_a_scope_is_covered_once_with_its_final_content() {
        let (mut conn, key) = counters_db();
        let before = entries(&conn);
        let tx = conn.transaction().unwrap();
        let scope = Scope::open(&tx);
        bump(&tx, &key);
        append(&tx, &key, 1, Act::RestrictionLifted, None, json!({})).unwrap();
        bump(&tx, &key);
        // Nothing of the head reaches the file before the end of the scope.
        let stored: i64 = tx
            .query_row("SELECT seq FROM audit_head", [], |r| r.get(0))
            .unwrap();
        assert_eq!(stored, before);
        scope.finish(&tx, &key).unwrap();
        tx.commit().unwrap();
        assert_eq!(entries(&conn), before + 2, "one act and one cover");
        let report = verify(&conn, &key).unwrap();
        assert!(report.ok, "{report:?}");
        let (h, authentic) = head(&conn, &key).unwrap().unwrap();
        assert!(authentic);
        assert_eq!(h.seq, u64::try_from(before + 2).unwrap());
    }

    #[test]
    fn a_scope_dropped_without_finishing_holds_nothing_back_from_the_next_transaction() {
        let (mut conn, key) = counters_db();
        let before = entries(&conn);
        {
            let tx = conn.transaction().unwrap();
            let _scope = Scope::open(&tx);
            bump(&tx, &key);
            append(&tx, &key, 1, Act::RestrictionLifted, None, json!({})).unwrap();
            // Rolled back: an error, say.
        }
        let tx = conn.transaction().unwrap();
        bump(&tx, &key);
        tx.commit().unwrap();
        assert_eq!(entries(&conn), before + 1);
        let report = verify(&conn, &key).unwrap();
        assert!(report.ok, "{report:?}");
    }
}
