//! Schema version 5: the refund permission (退货权限) and lifting the daily refund
//! limits. The profile gains the time refunds were permitted: a terminal upgraded
//! from version 4, where refunds rode on the void permission, applies for it like a
//! new one (the acquirer opens refunds apart from voids). The requests table is
//! rebuilt (SQLite cannot change a CHECK in place) with the kind `permit_refund`;
//! every row keeps its id, its column order and so its audit entry. `refund_lifts`
//! keeps, per business date, the refunds already counted when a lift was redeemed:
//! the day's allowance starts afresh from there. Frozen once released.

pub const DDL: &[&str] = &["
ALTER TABLE profile ADD COLUMN refund_permitted_at_ms INTEGER;

CREATE TABLE requests_v5 (
    id               INTEGER PRIMARY KEY,
    request_code     TEXT    NOT NULL UNIQUE,
    -- ORs, not IN lists: see the journal's status.
    kind             TEXT    NOT NULL CHECK (kind = 'permit' OR kind = 'permit_refund'
                                             OR kind = 'reset' OR kind = 'lift'),
    status           TEXT    NOT NULL CHECK (status = 'open' OR status = 'redeemed'
                                             OR status = 'closed'),
    reason           TEXT    NOT NULL,
    id_type          TEXT    NOT NULL,
    id_number_masked TEXT    NOT NULL,
    licence_no       TEXT    NOT NULL,
    contact          TEXT    NOT NULL,
    created_at_ms    INTEGER NOT NULL,
    expires_at_ms    INTEGER NOT NULL,
    failed_codes     INTEGER NOT NULL DEFAULT 0,
    redeemed_at_ms   INTEGER,
    audit_seq        INTEGER
) STRICT;
INSERT INTO requests_v5 (id, request_code, kind, status, reason, id_type, id_number_masked,
        licence_no, contact, created_at_ms, expires_at_ms, failed_codes, redeemed_at_ms,
        audit_seq)
    SELECT id, request_code, kind, status, reason, id_type, id_number_masked,
        licence_no, contact, created_at_ms, expires_at_ms, failed_codes, redeemed_at_ms,
        audit_seq
    FROM requests;
DROP TABLE requests;
ALTER TABLE requests_v5 RENAME TO requests;
CREATE UNIQUE INDEX requests_one_open_per_kind ON requests (kind) WHERE status = 'open';

CREATE TABLE refund_lifts (
    business_date TEXT    PRIMARY KEY,
    count         INTEGER NOT NULL CHECK (count >= 0),
    amount_fen    INTEGER NOT NULL CHECK (amount_fen >= 0),
    audit_seq     INTEGER
) STRICT;
"];
