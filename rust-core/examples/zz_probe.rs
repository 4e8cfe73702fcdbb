use rusqlite::{params, Connection, StatementStatus};
fn main() {
    let conn = Connection::open("/tmp/fx/voidguard.db").unwrap();
    conn.query_row("PRAGMA journal_mode=WAL", [], |r| r.get::<_, String>(0))
        .unwrap();
    for sql in [
        "SELECT j.id, j.original_voucher_no FROM journal j WHERE j.batch_no = (SELECT batch_no FROM counters WHERE id = 1) AND j.voucher_no = ?1",
        "SELECT j.id, j.original_voucher_no FROM journal j WHERE j.batch_no = ?2 AND j.voucher_no = ?1",
    ] {
        let s = std::time::Instant::now();
        for i in 0..3000u32 {
            let mut st = conn.prepare_cached(sql).unwrap();
            let _: Option<i64> = if sql.contains("?2") { st.query_row(params![1000 + i % 15000, 1], |r| r.get(0)).ok() } else { st.query_row(params![1000 + i % 15000], |r| r.get(0)).ok() };
        }
        let st = conn.prepare_cached(sql).unwrap();
        println!("{:?}/call reprepare={} {}", s.elapsed() / 3000, st.get_status(StatementStatus::RePrepare), &sql[..60]);
    }
    let keys = voidguard::KeyFileWrapper::open_or_create("/tmp/fx/voidguard.key").unwrap();
    let mut c = voidguard::TerminalConfig::new("/tmp/fx/voidguard.db");
    c.kdf_iterations = 1000;
    let t =
        voidguard::Terminal::open_with(c, &keys, None, std::sync::Arc::new(voidguard::SystemClock))
            .unwrap();
    let s = std::time::Instant::now();
    for i in 0..5000u32 {
        t.find_transaction(format!("{:06}", 1000 + i % 15000))
            .unwrap();
    }
    println!("find {:?}/call", s.elapsed() / 5000);
}
