//! Schema version 1, frozen: the DDL every table had when the first release shipped,
//! verbatim. Never edit it; later versions change the schema in their own steps.

pub const DDL: &[&str] = &[
    // keys.rs
    "
CREATE TABLE keyring (
    id            INTEGER PRIMARY KEY CHECK (id = 1),
    wrapped_key   BLOB    NOT NULL,
    canary        BLOB    NOT NULL,
    created_at_ms INTEGER NOT NULL
) STRICT;
",
    // profile.rs
    "
CREATE TABLE profile (
    id               INTEGER PRIMARY KEY CHECK (id = 1),
    merchant_no      TEXT    NOT NULL,
    terminal_id      TEXT    NOT NULL,
    sealed_secret    BLOB    NOT NULL,
    activated_at_ms  INTEGER NOT NULL,
    void_permitted_at_ms INTEGER
) STRICT;
",
    // journal/mod.rs
    "
CREATE TABLE journal (
    id                  INTEGER PRIMARY KEY,
    kind                TEXT    NOT NULL CHECK (kind IN ('sale', 'void')),
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
    -- Constant lists are spelled as ORs: SQLite tests an IN list of more than two
    -- constants through a temporary table built on every insert and update.
    status              TEXT    NOT NULL CHECK (status = 'approved' OR status = 'voided'
                                                OR status = 'reversed' OR status = 'settled'),
    original_id         INTEGER REFERENCES journal (id),
    -- Kept beside the id: slips and lists show it, and it never changes.
    original_voucher_no INTEGER,
    CHECK ((kind = 'void') = (original_id IS NOT NULL))
) STRICT;
CREATE UNIQUE INDEX journal_voucher ON journal (batch_no, voucher_no);
CREATE INDEX journal_voucher_any_batch ON journal (voucher_no);
-- A sale is voided at most once, whatever the code above does.
CREATE UNIQUE INDEX journal_one_void_per_sale ON journal (original_id) WHERE original_id IS NOT NULL;
CREATE TRIGGER journal_rows_are_never_deleted BEFORE DELETE ON journal
BEGIN SELECT RAISE(ABORT, 'journal rows are never deleted'); END;
",
    // journal/numbering.rs
    "
CREATE TABLE counters (
    id              INTEGER PRIMARY KEY CHECK (id = 1),
    next_voucher_no INTEGER NOT NULL CHECK (next_voucher_no BETWEEN 1 AND 999999),
    batch_no        INTEGER NOT NULL CHECK (batch_no BETWEEN 1 AND 999999)
) STRICT;
INSERT INTO counters (id, next_voucher_no, batch_no) VALUES (1, 1, 1);
",
    // vault/mod.rs
    "
CREATE TABLE vault (
    id        INTEGER PRIMARY KEY CHECK (id = 1),
    sealed    BLOB    NOT NULL
) STRICT;
",
    // vault/lockout.rs
    "
CREATE TABLE lockout (
    id              INTEGER PRIMARY KEY CHECK (id = 1),
    failures        INTEGER NOT NULL,
    locked_until_ms INTEGER,
    needs_lift      INTEGER NOT NULL,
    mac             BLOB
) STRICT;
INSERT INTO lockout (id, failures, locked_until_ms, needs_lift, mac) VALUES (1, 0, NULL, 0, NULL);
",
    // approvals.rs
    "
CREATE TABLE requests (
    id               INTEGER PRIMARY KEY,
    request_code     TEXT    NOT NULL UNIQUE,
    -- ORs, not IN lists: see the journal's status.
    kind             TEXT    NOT NULL CHECK (kind = 'permit' OR kind = 'reset' OR kind = 'lift'),
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
    redeemed_at_ms   INTEGER
) STRICT;
CREATE UNIQUE INDEX requests_one_open_per_kind ON requests (kind) WHERE status = 'open';
",
    // void_flow/pending.rs
    "
CREATE TABLE pending_voids (
    id             INTEGER PRIMARY KEY,
    original_id    INTEGER NOT NULL REFERENCES journal (id),
    request        TEXT    NOT NULL,
    operator_no    TEXT    NOT NULL,
    authoriser_no  TEXT    NOT NULL,
    reason         TEXT    NOT NULL,
    -- ORs, not IN lists: SQLite tests an IN list of more than two constants through a
    -- temporary table built on every insert and update.
    state          TEXT    NOT NULL CHECK (state = 'awaiting_answer' OR state = 'awaiting_reversal'
                                           OR state = 'manual' OR state = 'approved'
                                           OR state = 'declined' OR state = 'reversed'),
    session        TEXT    NOT NULL,
    attempts       INTEGER NOT NULL DEFAULT 0,
    created_at_ms  INTEGER NOT NULL,
    -- Set exactly when the void is resolved, so the open ones are those without it.
    resolved_at_ms INTEGER CHECK ((resolved_at_ms IS NULL) = (state = 'awaiting_answer'
                                  OR state = 'awaiting_reversal' OR state = 'manual')),
    response_code  TEXT,
    void_id        INTEGER REFERENCES journal (id)
) STRICT;
CREATE UNIQUE INDEX pending_voids_open ON pending_voids (original_id)
    WHERE resolved_at_ms IS NULL;
",
    // void_flow/limits.rs
    "
CREATE TABLE void_limits (
    business_date TEXT    PRIMARY KEY,
    count         INTEGER NOT NULL,
    amount_fen    INTEGER NOT NULL
) STRICT;
",
    // settlement.rs
    "
CREATE TABLE settlements (
    batch_no       INTEGER NOT NULL,
    settled_at_ms  INTEGER NOT NULL,
    business_date  TEXT    NOT NULL,
    operator_no    TEXT    NOT NULL,
    sale_count     INTEGER NOT NULL,
    sale_total_fen INTEGER NOT NULL,
    void_count     INTEGER NOT NULL,
    void_total_fen INTEGER NOT NULL
) STRICT;
",
    // audit.rs
    "
CREATE TABLE audit (
    seq         INTEGER PRIMARY KEY,
    at_ms       INTEGER NOT NULL,
    kind        TEXT    NOT NULL,
    operator_no TEXT,
    detail      TEXT    NOT NULL,
    mac         BLOB    NOT NULL
) STRICT;
CREATE TABLE audit_head (
    id       INTEGER PRIMARY KEY CHECK (id = 1),
    seq      INTEGER NOT NULL,
    mac      BLOB    NOT NULL,
    head_mac BLOB    NOT NULL
) STRICT;
",
];
