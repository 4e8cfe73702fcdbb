//! A short, deterministic run of the fuzz target's body: mutations of real frames of
//! every kind plus random bytes (a xorshift stream, so a failure reproduces).

use voidguard_iso8583::crypto::{Algorithm, Key};
use voidguard_iso8583::fuzz::check_frame;
use voidguard_iso8583::messages::{Kind, Original, Request, Station, Totals};

struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
}

fn seeds() -> Vec<Vec<u8>> {
    let key = Key::from_bytes(&[0x5Cu8; 16]).unwrap();
    let original = Original {
        rrn: "123456789012".into(),
        auth_code: "A1B2C3".into(),
        batch_no: "000001".into(),
        voucher_no: "000041".into(),
        date: "1202".into(),
    };
    [
        Kind::SignOn {
            operator_no: "01".into(),
            algorithm: Algorithm::Tdes,
        },
        Kind::Sale,
        Kind::Void {
            original: original.clone(),
        },
        Kind::Refund { original },
        Kind::Settlement {
            totals: Totals::default(),
        },
    ]
    .into_iter()
    .map(|kind| {
        let r = Request {
            station: Station {
                terminal_id: "10000001".into(),
                merchant_no: "898000000000001".into(),
            },
            stan: "000042".into(),
            batch_no: "000001".into(),
            amount: 100,
            audit_head: Some("5:00ff".into()),
            kind,
            card: None,
        };
        r.to_message().pack_with_mac(&key).unwrap()
    })
    .collect()
}

#[test]
fn twenty_thousand_inputs_break_no_property() {
    let seeds = seeds();
    for s in &seeds {
        check_frame(s);
    }
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    for i in 0..20_000u32 {
        let mut data = seeds[i as usize % seeds.len()].clone();
        match rng.next() % 4 {
            0 => {
                let at = rng.next() as usize % data.len();
                data[at] = rng.next() as u8;
            }
            1 => data.truncate(rng.next() as usize % data.len()),
            2 => data.push(rng.next() as u8),
            _ => {
                let len = rng.next() as usize % 200;
                data = (0..len).map(|_| rng.next() as u8).collect();
            }
        }
        check_frame(&data);
    }
}
