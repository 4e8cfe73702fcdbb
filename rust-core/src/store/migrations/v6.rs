//! Schema version 6: the keyed hash of a sale's card number (PCI DSS 3.5.1.1), so a
//! void or refund can check that the card presented is the sale's without the number
//! ever being stored. It is a column of the journal row, not a table of its own: the
//! journal is covered by the audit chain already, so the hash is part of the sale's
//! row digest like its amount, and an edited, swapped, added or removed hash is the
//! sale's row failing its entry (`RowAltered`, `TamperedRow` before a void) with no
//! new covered table, list in the head or check to add. A row's digest leaves out
//! NULL columns, so the rows of earlier versions keep their digests and entries. The
//! host legs carry the hash too, from the sale's begin to its approval, which may
//! come in a later commit; they are covered the same way. The journal's trigger is
//! made again with the new column among those that never change. Frozen once
//! released.

pub const DDL: &[&str] = &["
ALTER TABLE journal ADD COLUMN pan_hash BLOB CHECK (pan_hash IS NULL OR length(pan_hash) = 32);
ALTER TABLE host_legs ADD COLUMN pan_hash BLOB CHECK (pan_hash IS NULL OR length(pan_hash) = 32);

DROP TRIGGER journal_rows_change_only_by_status_moves;
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
  OR NEW.pan_hash IS NOT OLD.pan_hash
  OR (NEW.status IS NOT OLD.status AND NOT (OLD.status = 'approved'
      AND (NEW.status = 'voided' OR NEW.status = 'settled' OR NEW.status = 'reversed')))
  OR (NEW.status = 'voided' AND NEW.kind IS NOT 'sale')
  OR (NEW.audit_seq IS NOT OLD.audit_seq AND NEW.audit_seq <= coalesce(OLD.audit_seq, 0))
BEGIN SELECT RAISE(ABORT, 'journal rows change only by a status move'); END;
"];
