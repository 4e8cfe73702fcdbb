//! Bulk loading of a large journal, for the benchmarks only (feature `bench`).
//! Rows go through the same journal and audit code as `record_sale`, but many per
//! transaction, so a million-row database builds in seconds rather than hours.

use serde_json::json;

use super::Terminal;
use crate::audit::{self, Act};
use crate::error::VoidGuardError;
use crate::host::HostReply;
use crate::host_leg::{self, legs::Stored};
use crate::journal::{self, numbering, NewEntry, TransactionKind};
use crate::money::Fen;
use crate::settlement;

const ROWS_PER_TRANSACTION: u32 = 20_000;

impl Terminal {
    /// Appends `sales` approved sales, each with an audit entry, settling a batch
    /// every `per_batch` sales. The last batch stays open.
    pub fn bulk_fill(&self, sales: u32, per_batch: u32) -> Result<(), VoidGuardError> {
        let per_batch = per_batch.clamp(1, 999_000);
        let mut done = 0;
        while done < sales {
            let chunk = (sales - done).min(ROWS_PER_TRANSACTION);
            self.write(|tx, ctx| {
                for i in done..done + chunk {
                    if i > 0 && i % per_batch == 0 {
                        // The settlement's own leg, approved at once as the built-in
                        // simulator approves it: the same rules and rows.
                        let new = settlement::begin(tx, ctx, "00", &|_| false)?;
                        let mut leg = Stored::unsaved(&new, ctx);
                        let approval = HostReply::Approved {
                            rrn: String::new(),
                            auth_code: String::new(),
                        };
                        host_leg::close_unsaved(tx, ctx, &mut leg, &approval)?;
                    }
                    let entry = NewEntry {
                        kind: TransactionKind::Sale,
                        voucher_no: numbering::take_voucher(tx, ctx)?,
                        batch_no: numbering::current_batch(tx)?,
                        rrn: format!("{:012}", u64::from(i) * 7 + 100_000_000_000),
                        auth_code: format!("{:06}", i % 1_000_000),
                        amount: Fen(i64::from(i % 50_000) + 100),
                        masked_pan: "622202*********0123".into(),
                        card_scheme: "UnionPay".into(),
                        operator_no: format!("{:02}", i % 98 + 1),
                        authoriser_no: None,
                        void_reason: None,
                        business_date: ctx.today,
                        created_at_ms: ctx.now_ms,
                        original_id: None,
                        original: None,
                        pan_hash: None,
                    };
                    let sale = journal::insert(tx, ctx, &entry)?;
                    audit::append(
                        tx,
                        &ctx.keys.audit,
                        ctx.now_ms,
                        Act::BenchmarkFill,
                        Some(&sale.operator_no),
                        json!({ "bulk_sale": sale.voucher_no }),
                    )?;
                }
                Ok(())
            })?;
            done += chunk;
        }
        self.reload_open_batch()
    }
}
