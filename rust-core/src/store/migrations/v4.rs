//! Schema version 4: refunds (退货). The journal is rebuilt (SQLite cannot change a
//! CHECK in place) with the kind `refund`, a refund's pointer at its original by RRN,
//! date and amount (`original_id` stays for an original in this journal, and many
//! refunds may point at one sale), and the indexes a refund's lookups probe; every
//! row keeps its id and audit entry (a row's digest leaves out NULL columns, so the
//! new ones change no old digest). Settlements gain their refund totals. Frozen once
//! released.

pub const DDL: &[&str] = &["
CREATE TABLE journal_v4 (
    id                  INTEGER PRIMARY KEY,
    -- ORs, not IN lists: SQLite tests an IN list of more than two constants through a
    -- temporary table built on every insert and update.
    kind                TEXT    NOT NULL CHECK (kind = 'sale' OR kind = 'void' OR kind = 'refund'),
    voucher_no          INTEGER NOT NULL,
    batch_no            INTEGER NOT NULL,
    rrn                 TEXT    NOT NULL,
    auth_code           TEXT    NOT NULL,
    amount_fen          INTEGER NOT NULL CHECK (amount_fen > 0),
    currency            INTEGER NOT NULL,
    masked_pan          TEXT    NOT NULL,
    card_scheme         TEXT    NOT NULL,
    operator_no         TEXT    NOT NULL,
    authoriser_no       TEXT,
    void_reason         TEXT,
    business_date       TEXT    NOT NULL,
    created_at_ms       INTEGER NOT NULL,
    status              TEXT    NOT NULL CHECK (status = 'approved' OR status = 'voided'
                                                OR status = 'reversed' OR status = 'settled'),
    original_id         INTEGER REFERENCES journal (id),
    -- Kept beside the id: slips and lists show it, and it never changes.
    original_voucher_no INTEGER,
    audit_seq           INTEGER,
    -- A refund's original as the host knows it (原参考号, 原交易日期) and its amount:
    -- found in this journal, or keyed for an original not verified locally
    -- (original_id NULL).
    original_rrn           TEXT,
    original_business_date TEXT,
    original_amount_fen    INTEGER,
    CHECK (kind = 'refund' OR (kind = 'void') = (original_id IS NOT NULL)),
    CHECK ((kind = 'refund') = (original_rrn IS NOT NULL)),
    CHECK ((kind = 'refund') = (original_business_date IS NOT NULL)),
    CHECK ((kind = 'refund') = (original_amount_fen IS NOT NULL))
) STRICT;

INSERT INTO journal_v4 (id, kind, voucher_no, batch_no, rrn, auth_code, amount_fen, currency,
        masked_pan, card_scheme, operator_no, authoriser_no, void_reason, business_date,
        created_at_ms, status, original_id, original_voucher_no, audit_seq)
    SELECT id, kind, voucher_no, batch_no, rrn, auth_code, amount_fen, currency,
        masked_pan, card_scheme, operator_no, authoriser_no, void_reason, business_date,
        created_at_ms, status, original_id, original_voucher_no, audit_seq
    FROM journal;
DROP TABLE journal;
ALTER TABLE journal_v4 RENAME TO journal;

CREATE UNIQUE INDEX journal_voucher ON journal (batch_no, voucher_no);
CREATE UNIQUE INDEX journal_one_void_per_sale ON journal (original_id) WHERE kind = 'void';
-- A refund's original by RRN and date; refunds by original, by RRN (not verified
-- locally) and by day (the daily limits). Partial: a void writes none of them.
CREATE INDEX journal_sale_rrn ON journal (rrn) WHERE kind = 'sale';
CREATE INDEX journal_refunds_of ON journal (original_id) WHERE kind = 'refund';
CREATE INDEX journal_refunds_by_rrn ON journal (original_rrn) WHERE kind = 'refund';
CREATE INDEX journal_refunds_by_day ON journal (business_date) WHERE kind = 'refund';

CREATE TRIGGER journal_rows_are_never_deleted BEFORE DELETE ON journal
BEGIN SELECT RAISE(ABORT, 'journal rows are never deleted'); END;
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
  OR NEW.original_rrn IS NOT OLD.original_rrn
  OR NEW.original_business_date IS NOT OLD.original_business_date
  OR NEW.original_amount_fen IS NOT OLD.original_amount_fen
  OR (NEW.status IS NOT OLD.status AND NOT (OLD.status = 'approved'
      AND (NEW.status = 'voided' OR NEW.status = 'settled' OR NEW.status = 'reversed')))
  OR (NEW.status = 'voided' AND NEW.kind IS NOT 'sale')
  OR (NEW.audit_seq IS NOT OLD.audit_seq AND NEW.audit_seq <= coalesce(OLD.audit_seq, 0))
BEGIN SELECT RAISE(ABORT, 'journal rows change only by a status move'); END;

ALTER TABLE settlements ADD COLUMN refund_count INTEGER;
ALTER TABLE settlements ADD COLUMN refund_total_fen INTEGER;
"];
