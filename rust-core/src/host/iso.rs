//! `Iso8583HostLink`: the host link that talks ISO 8583 in the UnionPay POS dialect
//! (crate `voidguard-iso8583`) to an acquirer host over TCP, one connection per
//! exchange, with connect and read timeouts. It signs on by itself when it has no
//! working keys or the host answers A0 (MAC error: keys out of step), MACs every
//! request and verifies every answer; an answer whose MAC fails is `HostError::BadMac`,
//! which the host-leg engine counts as unknown and reverses with reason A0.
//!
//! Besides the legs, the link sends the two network-management messages of the
//! dialect (0820, answered 0830, both MAC'd): sign-out (60.3 = 002), after which the
//! next leg signs on again, and echo (60.3 = 301), a test of the line and the keys.
//!
//! Settlement (结算, 0500) is answered 00 with the host's comparison of the totals in
//! F48 (对账应答代码: 1 balanced, 2 not balanced, 3 error), as the UnionPay POS
//! terminal specification has it and public terminal code reads it (the
//! `ucRmbSettRsp` of `PosSettleTran` in CaoEnXin/LiaoYang_POS `Src/tranproc.c`, which
//! then runs `PosBatchUp`: records eight a message, then the 202 end with the count;
//! see `voidguard_iso8583::messages`). Balanced, the settlement
//! is approved. Not balanced, the link uploads the batch (批上送) the driver offers
//! (`host::upload`): its transactions in 0320s of 60.3 = 201, eight records a message
//! as the specification allows, each MAC'd, then the 0320 of 60.3 = 202 (批上送结束)
//! with the number of records; the settlement is approved when the host approves the
//! end, the acquirer then having settled with the terminal's figures. Any upload
//! message unanswered or failing its MAC leaves the settlement unknown: asked again
//! (`reverse`), the host answers balanced if the upload ended there, or not balanced,
//! and the link uploads the whole batch again. Code 3, or a refused upload, declines
//! the settlement: the batch stays open. The specification's other record kinds
//! (60.3 = 203 to 207: chip and offline records, notifications, and 207, the end
//! some platforms also ask for after a balanced settlement) are for acts this
//! terminal does not make, and it sends none after "balanced"; its records carry F60.1 and no card number (see
//! `voidguard_iso8583::messages`).
//!
//! The terminal master key comes from the caller (a key file or the platform's key
//! store); it is never part of the configuration.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream, ToSocketAddrs};
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::Mutex;
use std::time::Duration;

/// The key algorithm of [`IsoLinkConfig::algorithm`], named here so a caller needs no
/// codec crate of its own.
pub use voidguard_iso8583::crypto::Algorithm;
/// The master key type the link takes.
pub use voidguard_iso8583::crypto::Key;
use voidguard_iso8583::crypto::WorkingKeys;
use voidguard_iso8583::messages::{
    Answer, Kind, Original, Request, Station, Totals, Uploaded, BALANCED, NOT_BALANCED,
    UPLOAD_PER_MESSAGE,
};
use voidguard_iso8583::{IsoError, Message};
use zeroize::Zeroizing;

use super::{
    iso_card, presented, upload, HostError, HostLink, HostReply, HostRequest, LegDetail,
    ReversalReason, ReversalReply,
};

/// Where the host is and how long to wait for it.
#[derive(Debug, Clone)]
pub struct IsoLinkConfig {
    /// `host:port`, or `tcp://host:port`.
    pub address: String,
    pub connect_timeout: Duration,
    pub read_timeout: Duration,
    /// The cashier reported in the sign-on (F63).
    pub operator_no: String,
    /// The algorithm of the master and working keys: 3DES (sign-on F60.3 = 004) or
    /// SM4, the national-algorithm variant (006); see `voidguard_iso8583::crypto`.
    /// The master key given to the link must be of this algorithm.
    pub algorithm: Algorithm,
}

impl IsoLinkConfig {
    pub fn new(address: impl Into<String>) -> Self {
        Self {
            address: address.into(),
            connect_timeout: Duration::from_secs(5),
            read_timeout: Duration::from_secs(30),
            operator_no: "01".into(),
            algorithm: Algorithm::Tdes,
        }
    }
}

/// Where the app's settings point the ISO 8583 link: the acquirer's host and how long
/// to wait for it. The master key is not here: it comes wrapped, from the key store
/// ([`super::master_key`]), and chooses the algorithm.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct AcquirerHost {
    /// `host:port` (a name or an address; `tcp://` in front is allowed).
    pub address: String,
    pub connect_timeout_ms: u32,
    /// How long an answer is waited for before the leg is unknown (then reversed).
    pub read_timeout_ms: u32,
    /// The cashier reported in the sign-on (F63), two digits.
    pub operator_no: String,
}

/// The longest wait the settings allow: a minute and a half covers a slow dial-up
/// line's answer, and a cashier waits no longer at the counter.
const MAX_WAIT_MS: u32 = 90_000;

impl AcquirerHost {
    /// The settings a terminal ships with for `address`: 5 s to connect, 30 s for the
    /// answer (the timeouts UnionPay terminal applications commonly configure).
    pub fn new(address: impl Into<String>) -> Self {
        Self {
            address: address.into(),
            connect_timeout_ms: 5_000,
            read_timeout_ms: 30_000,
            operator_no: "01".into(),
        }
    }

    /// Refuses what no link can use, with the field at fault. The name is not
    /// resolved here: that needs the network, and a host down now may be up later.
    pub fn check(&self) -> Result<(), crate::VoidGuardError> {
        use crate::error::{Field, Problem};
        let refuse = |field, problem| Err(crate::VoidGuardError::InvalidInput { field, problem });
        let address = self.address.trim();
        let bare = address.strip_prefix("tcp://").unwrap_or(address);
        let Some((host, port)) = bare.rsplit_once(':') else {
            return refuse(
                Field::HostAddress,
                if bare.is_empty() {
                    Problem::Empty
                } else {
                    Problem::Malformed
                },
            );
        };
        let host_ok = !host.is_empty()
            && host.len() <= 253
            && host
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '[' | ']' | ':'));
        if !host_ok || port.parse::<u16>().map_or(true, |p| p == 0) {
            return refuse(Field::HostAddress, Problem::Malformed);
        }
        for wait in [self.connect_timeout_ms, self.read_timeout_ms] {
            if wait == 0 {
                return refuse(Field::Config, Problem::Zero);
            }
            if wait > MAX_WAIT_MS {
                return refuse(Field::Config, Problem::OverCap);
            }
        }
        if self.operator_no.len() != 2 || !self.operator_no.bytes().all(|b| b.is_ascii_digit()) {
            return refuse(Field::OperatorNo, Problem::Malformed);
        }
        Ok(())
    }

    /// The link's configuration for keys of `algorithm`, once [`check`](Self::check)ed.
    pub fn link_config(
        &self,
        algorithm: Algorithm,
    ) -> Result<IsoLinkConfig, crate::VoidGuardError> {
        self.check()?;
        Ok(IsoLinkConfig {
            address: self.address.trim().to_owned(),
            connect_timeout: Duration::from_millis(u64::from(self.connect_timeout_ms)),
            read_timeout: Duration::from_millis(u64::from(self.read_timeout_ms)),
            operator_no: self.operator_no.clone(),
            algorithm,
        })
    }
}

/// The settings screen's check of an acquirer host, the same the terminal makes.
#[uniffi::export]
pub fn check_acquirer_host(host: AcquirerHost) -> Result<(), crate::VoidGuardError> {
    host.check()
}

/// The settings a terminal ships with for a host at `address`.
#[uniffi::export]
pub fn default_acquirer_host(address: String) -> AcquirerHost {
    AcquirerHost::new(address)
}

pub struct Iso8583HostLink {
    config: IsoLinkConfig,
    master: Key,
    keys: Mutex<Option<WorkingKeys>>,
    /// Trace numbers for network messages (sign-on, settlement), which have no
    /// voucher of their own.
    network_stan: AtomicU32,
    /// The terminal's audit head for F59, when the caller supplies one.
    audit_head: Mutex<Option<String>>,
}

impl std::fmt::Debug for Iso8583HostLink {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Iso8583HostLink")
            .field("address", &self.config.address)
            .finish_non_exhaustive()
    }
}

fn protocol(e: IsoError) -> HostError {
    match e {
        IsoError::BadMac => HostError::BadMac,
        other => HostError::Protocol {
            reason: other.to_string(),
        },
    }
}

/// What a sign-out or an echo can meet, beside what any exchange can.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NetworkMessageError {
    #[error("the link is not signed on: there are no working keys to sign out")]
    NotSignedOn,
    #[error("the host refused with response code {response_code}")]
    Refused { response_code: String },
    #[error(transparent)]
    Host(#[from] HostError),
}

/// Who a network message (sign-out, echo) is sent for: F41, F42 and the batch in
/// F60.2, as a leg's request carries them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NetworkStation {
    pub terminal_id: String,
    pub merchant_no: String,
    pub batch_no: String,
}

impl NetworkStation {
    fn request(&self, stan: String, audit_head: Option<String>, kind: Kind) -> Request {
        Request {
            station: Station {
                terminal_id: self.terminal_id.clone(),
                merchant_no: self.merchant_no.clone(),
            },
            stan,
            batch_no: self.batch_no.clone(),
            amount: 0,
            audit_head,
            kind,
            card: None,
        }
    }
}

/// Reads a 3DES master key file: 32 hex characters. The key never appears in an error.
pub fn read_master_key(path: &std::path::Path) -> Result<Key, HostError> {
    read_master_key_as(path, Algorithm::Tdes)
}

/// Reads a master key file of `algorithm` (the file does not say which).
pub fn read_master_key_as(path: &std::path::Path, algorithm: Algorithm) -> Result<Key, HostError> {
    let text = zeroize::Zeroizing::new(std::fs::read_to_string(path).map_err(|e| {
        HostError::Unreachable {
            reason: format!("master key file: {}", e.kind()),
        }
    })?);
    Key::from_hex_as(algorithm, &text).map_err(|_| HostError::Unreachable {
        reason: "master key file: not 32 hex characters".into(),
    })
}

impl Iso8583HostLink {
    pub fn new(config: IsoLinkConfig, master: Key) -> Self {
        Self {
            config,
            master,
            keys: Mutex::new(None),
            network_stan: AtomicU32::new(900_000),
            audit_head: Mutex::new(None),
        }
    }

    /// Sets the audit head (sequence number and MAC) sent in F59 of later requests.
    pub fn set_audit_head(&self, head: Option<String>) {
        if let Ok(mut h) = self.audit_head.lock() {
            *h = head;
        }
    }

    pub fn is_signed_on(&self) -> bool {
        self.keys.lock().map(|k| k.is_some()).unwrap_or(false)
    }

    fn address(&self) -> Result<SocketAddr, HostError> {
        let a = self.config.address.trim_start_matches("tcp://");
        a.to_socket_addrs()
            .ok()
            .and_then(|mut it| it.next())
            .ok_or_else(|| HostError::Unreachable {
                reason: "the host address does not resolve".into(),
            })
    }

    fn next_network_stan(&self) -> String {
        let n = self.network_stan.fetch_add(1, Ordering::Relaxed) % 1_000_000;
        format!("{n:06}")
    }

    /// One request, one answer on a fresh connection.
    fn exchange(&self, frame: &[u8]) -> Result<Vec<u8>, HostError> {
        let addr = self.address()?;
        let mut stream =
            TcpStream::connect_timeout(&addr, self.config.connect_timeout).map_err(|e| {
                HostError::Unreachable {
                    reason: format!("connect: {}", e.kind()),
                }
            })?;
        let io = |e: std::io::Error| match e.kind() {
            std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut => HostError::Timeout,
            kind => HostError::Unreachable {
                reason: format!("connection: {kind}"),
            },
        };
        stream
            .set_read_timeout(Some(self.config.read_timeout))
            .map_err(io)?;
        stream
            .set_write_timeout(Some(self.config.read_timeout))
            .map_err(io)?;
        stream.write_all(frame).map_err(io)?;
        read_frame(&mut stream).map_err(|e| match e.kind() {
            std::io::ErrorKind::UnexpectedEof => HostError::Protocol {
                reason: "the host closed the connection mid-frame".into(),
            },
            _ => io(e),
        })
    }

    fn station(request: &HostRequest) -> Station {
        Station {
            terminal_id: request.terminal_id.clone(),
            merchant_no: request.merchant_no.clone(),
        }
    }

    fn sign_on(&self, station: &Station, batch_no: &str) -> Result<(), HostError> {
        // Keys unwrapped under a master key of the other algorithm would come out of
        // that algorithm: refused before anything is sent.
        if self.master.algorithm() != self.config.algorithm {
            return Err(protocol(IsoError::WrongAlgorithm {
                wanted: self.config.algorithm,
                found: self.master.algorithm(),
            }));
        }
        let request = Request {
            station: station.clone(),
            stan: self.next_network_stan(),
            batch_no: batch_no.to_owned(),
            amount: 0,
            audit_head: None,
            kind: Kind::SignOn {
                operator_no: self.config.operator_no.clone(),
                algorithm: self.config.algorithm,
            },
            card: None,
        };
        let frame = request.to_message().pack().map_err(protocol)?;
        let answer = Message::unpack(&self.exchange(&frame)?).map_err(protocol)?;
        let answer = Answer::from_message(&answer).map_err(protocol)?;
        if answer.mti != "0810" || answer.stan != request.stan {
            return Err(HostError::Protocol {
                reason: "the sign-on answer does not match the request".into(),
            });
        }
        if !answer.approved() {
            // 40: the host does not hand out keys of the algorithm asked for.
            let what = if answer.response_code == "40" {
                format!(" (the host does not accept {} keys)", self.config.algorithm)
            } else {
                String::new()
            };
            return Err(HostError::Unreachable {
                reason: format!("sign-on refused with {}{what}", answer.response_code),
            });
        }
        let f62 = answer.keys.ok_or(HostError::Protocol {
            reason: "the sign-on answer has no working keys".into(),
        })?;
        let keys = WorkingKeys::from_f62(&self.master, &f62).map_err(protocol)?;
        if let Ok(mut k) = self.keys.lock() {
            *k = Some(keys);
        }
        Ok(())
    }

    fn mac_key(&self) -> Option<Key> {
        self.keys
            .lock()
            .ok()
            .and_then(|k| k.as_ref().map(|k| k.mac.clone()))
    }

    fn current_audit_head(&self) -> Option<String> {
        self.audit_head.lock().ok().and_then(|h| h.clone())
    }

    /// Signs the terminal out (0820, 60.3 = 002). The working keys are dropped once
    /// the host answers 00 (signed out) or A0 (it holds other keys: these are done
    /// with either way), so the next leg signs on first. When the answer is lost they
    /// are kept: if the host did sign out, the next leg's A0 makes the link sign on.
    pub fn sign_out(&self, station: &NetworkStation) -> Result<(), NetworkMessageError> {
        let key = self.mac_key().ok_or(NetworkMessageError::NotSignedOn)?;
        let request = station.request(
            self.next_network_stan(),
            self.current_audit_head(),
            Kind::SignOut,
        );
        let answer = self.mac_exchange(&request, &key)?;
        if answer.approved() || answer.response_code == "A0" {
            self.forget_keys();
        }
        if !answer.approved() {
            return Err(NetworkMessageError::Refused {
                response_code: answer.response_code,
            });
        }
        Ok(())
    }

    fn forget_keys(&self) {
        if let Ok(mut k) = self.keys.lock() {
            *k = None;
        }
    }

    /// An echo test (0820, 60.3 = 301): the host is there and the keys agree. Signs
    /// on first when there are no keys, and again when the host answers A0, as any
    /// leg does.
    pub fn echo(&self, station: &NetworkStation) -> Result<(), NetworkMessageError> {
        let request = station.request(self.next_network_stan(), None, Kind::Echo);
        let answer = self.send_request(&request)?;
        if !answer.approved() {
            return Err(NetworkMessageError::Refused {
                response_code: answer.response_code,
            });
        }
        Ok(())
    }

    /// One MAC'd request, its answer verified under the same key and matched to it
    /// (MTI + 10, same trace number).
    fn mac_exchange(&self, request: &Request, key: &Key) -> Result<Answer, HostError> {
        let mut message = request.to_message();
        // The frame may hold the card (F2, F35, F52): wiped once written.
        let frame = Zeroizing::new(message.pack_with_mac(key).map_err(protocol)?);
        let reply = self.exchange(&frame)?;
        let answer = Message::unpack_verified(&reply, key).map_err(protocol)?;
        let answer = Answer::from_message(&answer).map_err(protocol)?;
        let expected = voidguard_iso8583::messages::answer_mti(&message.mti).map_err(protocol)?;
        if answer.mti != expected || answer.stan != request.stan {
            return Err(HostError::Protocol {
                reason: "the answer does not match the request".into(),
            });
        }
        Ok(answer)
    }

    /// Sends a MACed request and returns its verified answer, signing on first when
    /// there are no keys, and once more when the host reports a MAC error (A0).
    fn send_request(&self, request: &Request) -> Result<Answer, HostError> {
        for attempt in 0..2 {
            let key = match self.mac_key() {
                Some(k) => k,
                None => {
                    self.sign_on(&request.station, &request.batch_no)?;
                    self.mac_key().ok_or(HostError::Protocol {
                        reason: "no MAC key after sign-on".into(),
                    })?
                }
            };
            let mut request = request.clone();
            if request.audit_head.is_none() {
                request.audit_head = self.current_audit_head();
            }
            let answer = self.mac_exchange(&request, &key)?;
            if answer.response_code == "A0" && attempt == 0 {
                self.forget_keys();
                continue;
            }
            return Ok(answer);
        }
        Err(HostError::BadMac)
    }
}

impl Iso8583HostLink {
    /// A settlement's reply from its 0510: approved when balanced, after the batch
    /// upload when not (see the module's comment).
    fn settle(&self, settlement: &Request) -> Result<HostReply, HostError> {
        let answer = self.send_request(settlement)?;
        if !answer.approved() {
            return Ok(reply_of(answer));
        }
        match answer.settlement_flag {
            Some(BALANCED) => Ok(reply_of(answer)),
            Some(NOT_BALANCED) => {
                let batch = upload::offered().ok_or(HostError::Protocol {
                    reason: "the host does not balance and there is no batch to upload".into(),
                })?;
                match self.upload(settlement, &batch)? {
                    None => Ok(reply_of(answer)),
                    Some(refusal) => Ok(HostReply::Declined {
                        response_code: refusal,
                    }),
                }
            }
            // 3 (对账出错): the host could not compare; the batch stays open.
            Some(flag) => Ok(HostReply::Declined {
                response_code: format!("F48-{flag}"),
            }),
            None => Err(HostError::Protocol {
                reason: "the settlement answer carries no F48".into(),
            }),
        }
    }

    /// Uploads `batch` and ends the upload; the response code of a refusal, if any.
    fn upload(
        &self,
        settlement: &Request,
        batch: &[crate::journal::BatchItem],
    ) -> Result<Option<String>, HostError> {
        let records: Vec<Uploaded> = batch
            .iter()
            .map(|i| Uploaded {
                type_code: match i.kind.as_str() {
                    "void" => "23",
                    "refund" => "25",
                    _ => "22",
                }
                .into(),
                voucher_no: i.voucher_no.clone(),
                amount: u64::try_from(i.amount.0).unwrap_or(0),
            })
            .collect();
        let message = |kind| Request {
            stan: self.next_network_stan(),
            amount: 0,
            audit_head: None,
            card: None,
            kind,
            ..settlement.clone()
        };
        for chunk in records.chunks(UPLOAD_PER_MESSAGE) {
            let answer = self.send_request(&message(Kind::BatchUpload {
                items: chunk.to_vec(),
            }))?;
            if !answer.approved() {
                return Ok(Some(answer.response_code));
            }
        }
        let count = u32::try_from(records.len()).map_err(|_| HostError::Protocol {
            reason: "a batch too large to upload".into(),
        })?;
        let end = self.send_request(&message(Kind::BatchUploadEnd { count }))?;
        Ok((!end.approved()).then_some(end.response_code))
    }
}

/// Reads one length-prefixed frame (length included in the result).
pub fn read_frame(stream: &mut impl Read) -> std::io::Result<Vec<u8>> {
    let mut len = [0u8; 2];
    stream.read_exact(&mut len)?;
    let body = usize::from(u16::from_be_bytes(len));
    let mut frame = vec![0u8; 2 + body];
    frame[..2].copy_from_slice(&len);
    stream.read_exact(&mut frame[2..])?;
    Ok(frame)
}

fn amount(request: &HostRequest) -> Result<u64, HostError> {
    u64::try_from(request.amount.0).map_err(|_| HostError::Protocol {
        reason: "a negative amount cannot be sent".into(),
    })
}

/// MMDD of a business date `YYYY-MM-DD`.
fn mmdd(date: &str) -> String {
    date.get(5..7).unwrap_or("00").to_owned() + date.get(8..10).unwrap_or("00")
}

/// The ISO request for a host request, and its F60.1.
fn to_iso(request: &HostRequest) -> Result<(Request, &'static str), HostError> {
    let (stan, kind, type_code) = match &request.detail {
        LegDetail::Sale { voucher_no, .. } => (voucher_no.clone(), Kind::Sale, "22"),
        LegDetail::Void {
            voucher_no,
            original,
        } => (
            voucher_no.clone(),
            Kind::Void {
                original: Original {
                    rrn: original.rrn.clone(),
                    auth_code: original.auth_code.clone(),
                    batch_no: original.batch_no.clone(),
                    voucher_no: original.voucher_no.clone(),
                    date: mmdd(&original.business_date),
                },
            },
            "23",
        ),
        // UnionPay: a refund names its original by RRN and date only (F61 zeros +
        // MMDD); the local voucher and batch, where known, are not sent.
        LegDetail::Refund {
            voucher_no,
            original_rrn,
            original_business_date,
            original_auth_code,
            ..
        } => (
            voucher_no.clone(),
            Kind::Refund {
                original: Original {
                    rrn: original_rrn.clone(),
                    auth_code: original_auth_code.clone().unwrap_or_default(),
                    batch_no: "000000".into(),
                    voucher_no: "000000".into(),
                    date: mmdd(original_business_date),
                },
            },
            "25",
        ),
        LegDetail::Settlement { totals } => {
            let fen = |f: crate::money::Fen| u64::try_from(f.0).unwrap_or(0);
            (
                // A settlement's trace number is its batch's: the same on a retry,
                // so the host can answer it idempotently.
                request.batch_no.clone(),
                Kind::Settlement {
                    totals: Totals {
                        debit_count: totals.sale_count,
                        debit_amount: fen(totals.sale_total),
                        // Money going back to cardholders: voids and refunds.
                        credit_count: totals.void_count + totals.refund_count,
                        credit_amount: fen(totals.void_total) + fen(totals.refund_total),
                    },
                },
                "00",
            )
        }
    };
    let amount = match kind {
        Kind::Settlement { .. } => 0,
        _ => amount(request)?,
    };
    Ok((
        Request {
            station: Iso8583HostLink::station(request),
            stan,
            batch_no: request.batch_no.clone(),
            amount,
            audit_head: None,
            kind,
            // The persisted request is card-free; `send` adds the card read for the
            // call, a reversal never has one.
            card: None,
        },
        type_code,
    ))
}

fn reply_of(answer: Answer) -> HostReply {
    if answer.approved() {
        HostReply::Approved {
            rrn: answer.rrn.unwrap_or_default(),
            auth_code: answer.auth_code.unwrap_or_default(),
        }
    } else {
        HostReply::Declined {
            response_code: answer.response_code,
        }
    }
}

impl HostLink for Iso8583HostLink {
    fn send(&self, request: HostRequest) -> Result<HostReply, HostError> {
        let (mut iso, _) = to_iso(&request)?;
        if let Kind::Settlement { .. } = iso.kind {
            return self.settle(&iso);
        }
        if matches!(
            iso.kind,
            Kind::Sale | Kind::Void { .. } | Kind::Refund { .. }
        ) {
            iso.card = presented::with_presented(|card| card.map(iso_card::card_data));
        }
        self.send_request(&iso).map(reply_of)
    }

    fn reverse(
        &self,
        request: HostRequest,
        reason: ReversalReason,
    ) -> Result<ReversalReply, HostError> {
        let (iso, type_code) = to_iso(&request)?;
        if let Kind::Settlement { .. } = iso.kind {
            // A settlement is not reversed: asked again, the host says whether the
            // batch is closed (balanced, or not balanced and uploaded now).
            return match self.settle(&iso)? {
                HostReply::Approved { rrn, auth_code } => {
                    Ok(ReversalReply::Approved { rrn, auth_code })
                }
                _ => Ok(ReversalReply::Reversed),
            };
        }
        // Built from the persisted request, so without the card (F2, F14, F22, F35,
        // F52): nothing of it is kept to send again. The acquirer finds the original
        // by what the reversal repeats of it — F11 (the original's trace number) with
        // F41/F42 (terminal, merchant), F60.2 (batch), F3 and F4 — as public UnionPay
        // host code looks a reversal's original up by the original terminal trace
        // number (e.g. the 原终端流水号 lookup of a bank's POS void-reversal handler),
        // and `voidguard-host` keys its ledger by terminal, batch and trace number.
        let reversal = Request {
            kind: Kind::Reversal {
                original_type: type_code.to_owned(),
                processing_code: request.processing_code.clone(),
                reason: reason.code().to_owned(),
            },
            ..iso
        };
        // UnionPay terminals take any answer to a reversal as closing it.
        self.send_request(&reversal)?;
        Ok(ReversalReply::Reversed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::host::LegKind;
    use crate::money::Fen;
    use std::net::TcpListener;

    fn sale() -> HostRequest {
        HostRequest {
            processing_code: LegKind::Sale.processing_code().into(),
            amount: Fen(100),
            currency: 156,
            batch_no: "000001".into(),
            business_date: "2026-12-02".into(),
            merchant_no: "898000000000001".into(),
            terminal_id: "10000001".into(),
            operator_no: "01".into(),
            detail: LegDetail::Sale {
                voucher_no: "000001".into(),
                masked_pan: "622202******0123".into(),
                card_scheme: "CUP".into(),
            },
        }
    }

    #[test]
    fn acquirer_host_settings_are_checked_field_by_field() {
        use crate::error::{Field, Problem};
        let refused = |host: AcquirerHost| match host.check() {
            Err(crate::VoidGuardError::InvalidInput { field, problem }) => Some((field, problem)),
            _ => None,
        };
        for ok in [
            "127.0.0.1:5000",
            "tcp://acquirer.example:65535",
            "[::1]:9000",
        ] {
            assert_eq!(AcquirerHost::new(ok).check(), Ok(()), "{ok}");
        }
        for (address, problem) in [
            ("", Problem::Empty),
            ("acquirer", Problem::Malformed),
            ("acquirer:0", Problem::Malformed),
            ("acquirer:65536", Problem::Malformed),
            (":5000", Problem::Malformed),
            ("bad host:5000", Problem::Malformed),
        ] {
            assert_eq!(
                refused(AcquirerHost::new(address)),
                Some((Field::HostAddress, problem)),
                "{address:?}"
            );
        }
        let mut slow = AcquirerHost::new("127.0.0.1:5000");
        slow.read_timeout_ms = MAX_WAIT_MS + 1;
        assert_eq!(
            refused(slow.clone()),
            Some((Field::Config, Problem::OverCap))
        );
        slow.read_timeout_ms = MAX_WAIT_MS;
        slow.connect_timeout_ms = 0;
        assert_eq!(refused(slow.clone()), Some((Field::Config, Problem::Zero)));
        slow.connect_timeout_ms = 1;
        slow.operator_no = "1".into();
        assert_eq!(
            refused(slow.clone()),
            Some((Field::OperatorNo, Problem::Malformed))
        );
        slow.operator_no = "07".into();
        let config = slow.link_config(Algorithm::Sm4).unwrap();
        assert_eq!(
            config.read_timeout,
            Duration::from_millis(u64::from(MAX_WAIT_MS))
        );
        assert_eq!(
            (config.operator_no.as_str(), config.algorithm),
            ("07", Algorithm::Sm4)
        );
    }

    fn link(addr: String) -> Iso8583HostLink {
        let mut config = IsoLinkConfig::new(addr);
        config.connect_timeout = Duration::from_millis(500);
        config.read_timeout = Duration::from_millis(300);
        Iso8583HostLink::new(config, Key::from_bytes(&[0x11; 16]).unwrap())
    }

    #[test]
    fn nobody_listening_is_unreachable() {
        let l = TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = l.local_addr().unwrap().to_string();
        drop(l);
        assert!(matches!(
            link(addr).send(sale()),
            Err(HostError::Unreachable { .. })
        ));
    }

    #[test]
    fn a_host_that_never_answers_times_out() {
        let l = TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = l.local_addr().unwrap().to_string();
        let held = std::thread::spawn(move || {
            let (s, _) = l.accept().unwrap();
            std::thread::sleep(Duration::from_millis(800));
            drop(s);
        });
        assert_eq!(link(addr).send(sale()), Err(HostError::Timeout));
        held.join().unwrap();
    }

    #[test]
    fn a_connection_closed_mid_frame_is_a_protocol_error() {
        let l = TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = l.local_addr().unwrap().to_string();
        let host = std::thread::spawn(move || {
            let (mut s, _) = l.accept().unwrap();
            let _ = read_frame(&mut s).unwrap();
            s.write_all(&[0x00, 0x40, 0x60]).unwrap();
        });
        assert!(matches!(
            link(addr).send(sale()),
            Err(HostError::Protocol { .. })
        ));
        host.join().unwrap();
    }

    #[test]
    fn the_master_key_appears_in_no_debug_output_or_error() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("tmk.key");
        // One character short: refused without echoing what the file holds.
        std::fs::write(&path, "0123456789ABCDEFFEDCBA987654321").unwrap();
        let err = read_master_key(&path).unwrap_err().to_string();
        assert!(!err.contains("0123456789"), "{err}");
        std::fs::write(&path, "0123456789ABCDEFFEDCBA9876543210\n").unwrap();
        let key = read_master_key(&path).unwrap();
        let shown = format!(
            "{:?}",
            Iso8583HostLink::new(IsoLinkConfig::new("127.0.0.1:1"), key)
        );
        assert!(
            !shown.contains("0123") && !shown.contains("[1, 35"),
            "{shown}"
        );
    }

    fn settlement(sale_count: u32) -> HostRequest {
        HostRequest {
            processing_code: LegKind::Settlement.processing_code().into(),
            amount: Fen(100 * i64::from(sale_count)),
            detail: LegDetail::Settlement {
                totals: crate::journal::BatchTotals {
                    sale_count,
                    sale_total: Fen(100 * i64::from(sale_count)),
                    ..Default::default()
                },
            },
            ..sale()
        }
    }

    fn batch(n: u32) -> Vec<crate::journal::BatchItem> {
        (1..=n)
            .map(|i| crate::journal::BatchItem {
                kind: "sale".into(),
                voucher_no: format!("{i:06}"),
                amount: Fen(100),
            })
            .collect()
    }

    /// A `voidguard-host` behind a relay that notes every request's MTI and F60.3.
    fn noting_host() -> (String, std::sync::mpsc::Receiver<(String, String)>) {
        let l = TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = l.local_addr().unwrap().to_string();
        let host =
            voidguard_host::AcquirerHost::new(Key::from_bytes(&[0x11; 16]).unwrap()).unwrap();
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            for mut s in l.incoming().flatten() {
                let Ok(frame) = read_frame(&mut s) else {
                    continue;
                };
                let m = Message::unpack(&frame).unwrap();
                let f60 = m.text(60).unwrap_or("").to_owned();
                let _ = tx.send((m.mti.clone(), f60.get(8..11).unwrap_or("").to_owned()));
                if let Some(answer) = host.handle(&frame) {
                    let _ = s.write_all(&answer);
                }
            }
        });
        (addr, rx)
    }

    #[test]
    fn a_settlement_not_balanced_uploads_eight_records_a_message_then_ends() {
        let (addr, noted) = noting_host();
        let link = link(addr);
        // The host knows no sale: seventeen do not balance.
        let reply = upload::offering(batch(17), || link.send(settlement(17))).unwrap();
        assert!(matches!(reply, HostReply::Approved { .. }), "{reply:?}");
        let sent: Vec<_> = noted.try_iter().filter(|(mti, _)| mti != "0800").collect();
        let codes: Vec<_> = sent.iter().map(|(m, c)| format!("{m}/{c}")).collect();
        assert_eq!(
            codes,
            ["0500/201", "0320/201", "0320/201", "0320/201", "0320/202"]
        );
    }

    #[test]
    fn a_settlement_that_balances_uploads_nothing() {
        let (addr, noted) = noting_host();
        let link = link(addr);
        let reply = upload::offering(batch(0), || link.send(settlement(0))).unwrap();
        assert!(matches!(reply, HostReply::Approved { .. }));
        assert!(noted.try_iter().all(|(mti, _)| mti != "0320"));
    }

    #[test]
    fn not_balanced_with_no_batch_offered_leaves_the_settlement_unknown() {
        let (addr, noted) = noting_host();
        let link = link(addr);
        assert!(matches!(
            link.send(settlement(3)),
            Err(HostError::Protocol { .. })
        ));
        assert!(noted.try_iter().all(|(mti, _)| mti != "0320"));
        // Asked again with its batch, it uploads and is confirmed.
        let again = upload::offering(batch(3), || {
            link.reverse(settlement(3), ReversalReason::Other)
        });
        assert!(
            matches!(again, Ok(ReversalReply::Approved { .. })),
            "{again:?}"
        );
    }

    #[test]
    fn business_dates_become_mmdd() {
        assert_eq!(mmdd("2026-12-02"), "1202");
    }
}
