//! Schema version 2: coverage of every row that grants, limits or records money by
//! the audit chain (`audit::rows`), the terminal-wide guard against guessing approval
//! codes, and a trigger that lets journal rows change only by a legal status move.
//! Frozen once released.

pub const DDL: &[&str] = &["
ALTER TABLE audit ADD COLUMN row_table TEXT;
ALTER TABLE audit ADD COLUMN row_id INTEGER;
ALTER TABLE audit ADD COLUMN row_digest BLOB;
ALTER TABLE audit_head ADD COLUMN state_digest BLOB;
ALTER TABLE audit_head ADD COLUMN marked INTEGER NOT NULL DEFAULT 0;

ALTER TABLE profile ADD COLUMN audit_seq INTEGER;
ALTER TABLE vault ADD COLUMN audit_seq INTEGER;
ALTER TABLE lockout ADD COLUMN audit_seq INTEGER;
ALTER TABLE void_limits ADD COLUMN audit_seq INTEGER;
ALTER TABLE counters ADD COLUMN audit_seq INTEGER;
ALTER TABLE requests ADD COLUMN audit_seq INTEGER;
ALTER TABLE pending_voids ADD COLUMN audit_seq INTEGER;
ALTER TABLE journal ADD COLUMN audit_seq INTEGER;
ALTER TABLE settlements ADD COLUMN audit_seq INTEGER;

CREATE TABLE approval_guard (
    id               INTEGER PRIMARY KEY CHECK (id = 1),
    window_start_ms  INTEGER NOT NULL,
    wrong_codes      INTEGER NOT NULL,
    trips            INTEGER NOT NULL,
    blocked_until_ms INTEGER,
    opened_day       TEXT    NOT NULL,
    opened_count     INTEGER NOT NULL,
    audit_seq        INTEGER
) STRICT;
INSERT INTO approval_guard (id, window_start_ms, wrong_codes, trips, blocked_until_ms, opened_day, opened_count)
    VALUES (1, 0, 0, 0, NULL, '', 0);

-- Operator accounts: the administrator 99 and cashiers 01-98 (the supervisor 00 is
-- the void password's holder and has no row). Never deleted: removed_at_ms marks it.
CREATE TABLE operators (
    id              INTEGER PRIMARY KEY,
    operator_no     TEXT    NOT NULL UNIQUE,
    role            TEXT    NOT NULL CHECK (role = 'admin' OR role = 'cashier'),
    sealed          BLOB    NOT NULL,
    failures        INTEGER NOT NULL,
    locked_until_ms INTEGER,
    needs_reset     INTEGER NOT NULL,
    created_at_ms   INTEGER NOT NULL,
    removed_at_ms   INTEGER,
    audit_seq       INTEGER
) STRICT;
CREATE TRIGGER operators_are_never_deleted BEFORE DELETE ON operators
BEGIN SELECT RAISE(ABORT, 'operators are never deleted'); END;

-- A row changes only by a legal status move (approved -> voided, settled or reversed)
-- or by being bound to a newer audit entry; anything else is refused.
CREATE TRIGGER journal_rows_change_only_by_status_moves BEFORE UPDATE ON journal
WHEN NEW.id IS NOT OLD.id OR NEW.kind IS NOT OLD.kind OR NEW.voucher_no IS NOT OLD.voucher_no
  OR NEW.batch_no IS NOT OLD.batch_no OR NEW.rrn IS NOT OLD.rrn OR NEW.auth_code IS NOT OLD.auth_code
  OR NEW.amount_fen IS NOT OLD.amount_fen OR NEW.currency IS NOT OLD.currency
  OR NEW.masked_pan IS NOT OLD.masked_pan OR NEW.card_scheme IS NOT OLD.card_scheme
  OR NEW.operator_no IS NOT OLD.operator_no OR NEW.authoriser_no IS NOT OLD.authoriser_no
  OR NEW.void_reason IS NOT OLD.void_reason OR NEW.business_date IS NOT OLD.business_date
  OR NEW.created_at_ms IS NOT OLD.created_at_ms OR NEW.original_id IS NOT OLD.original_id
  OR NEW.original_voucher_no IS NOT OLD.original_voucher_no
  OR (NEW.status IS NOT OLD.status AND NOT (OLD.status = 'approved'
      AND (NEW.status = 'voided' OR NEW.status = 'settled' OR NEW.status = 'reversed')))
  OR (NEW.audit_seq IS NOT OLD.audit_seq AND NEW.audit_seq <= coalesce(OLD.audit_seq, 0))
BEGIN SELECT RAISE(ABORT, 'journal rows change only by a status move'); END;

CREATE TRIGGER audit_entries_are_never_changed BEFORE UPDATE ON audit
BEGIN SELECT RAISE(ABORT, 'audit entries are never changed'); END;
CREATE TRIGGER audit_entries_are_never_deleted BEFORE DELETE ON audit
BEGIN SELECT RAISE(ABORT, 'audit entries are never deleted'); END;
"];
