//! A tiny LDAP server on 127.0.0.1 that behaves like Active Directory where Samba does not: it caps every
//! search at `max_page` entries (AD's MaxPageSize), answers an unpaged search that would return more with
//! `sizeLimitExceeded` (4), and can return a search reference, fail a page, or cut the connection.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use ldap3::asn1::{PL, StructureTag};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

use crate::changes::tlv;

/// How the fake server misbehaves.
#[derive(Clone, Debug, Default)]
pub(super) struct Behaviour {
    /// Users in the directory.
    pub(super) users: usize,
    /// AD's MaxPageSize: the most entries one search request returns.
    pub(super) max_page: usize,
    /// Send a search reference before the first entry of every page.
    pub(super) reference: bool,
    /// Answer the page starting at this offset with this result code instead of entries.
    pub(super) fail_page_at: Option<(usize, u32)>,
    /// Close the connection after sending this many entries in total.
    pub(super) cut_after_entries: Option<usize>,
    /// Send a malformed entry as entry number N.
    pub(super) malformed_at: Option<usize>,
}

/// What the server saw.
#[derive(Default, Debug)]
pub(super) struct Seen {
    pub(super) connections: AtomicUsize,
    pub(super) binds: AtomicUsize,
    pub(super) searches: AtomicUsize,
}

pub(super) async fn start(behaviour: Behaviour) -> (String, Arc<Seen>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("ldap://{}", listener.local_addr().unwrap());
    let seen = Arc::new(Seen::default());
    let seen2 = Arc::clone(&seen);
    tokio::spawn(async move {
        loop {
            let Ok((sock, _)) = listener.accept().await else {
                return;
            };
            seen2.connections.fetch_add(1, Ordering::SeqCst);
            tokio::spawn(serve(sock, behaviour.clone(), Arc::clone(&seen2)));
        }
    });
    (url, seen)
}

fn int(v: u32) -> Vec<u8> {
    let b = v.to_be_bytes();
    let mut content = b.to_vec();
    while content.len() > 1 && content[0] == 0 && content[1] & 0x80 == 0 {
        content.remove(0);
    }
    tlv(0x02, &content)
}

fn message(id: u32, op: Vec<u8>, controls: Option<Vec<u8>>) -> Vec<u8> {
    let mut body = int(id);
    body.extend(op);
    if let Some(c) = controls {
        body.extend(tlv(0xa0, &c));
    }
    tlv(0x30, &body)
}

fn result(app: u8, rc: u32, text: &str) -> Vec<u8> {
    let mut c = tlv(0x0a, &[rc as u8]);
    c.extend(tlv(0x04, b""));
    c.extend(tlv(0x04, text.as_bytes()));
    tlv(app, &c)
}

fn attribute(name: &str, values: &[&[u8]]) -> Vec<u8> {
    let mut vals = Vec::new();
    for v in values {
        vals.extend(tlv(0x04, v));
    }
    let mut c = tlv(0x04, name.as_bytes());
    c.extend(tlv(0x31, &vals));
    tlv(0x30, &c)
}

fn entry(dn: &str, attrs: &[Vec<u8>]) -> Vec<u8> {
    let mut c = tlv(0x04, dn.as_bytes());
    c.extend(tlv(0x30, &attrs.concat()));
    tlv(0x64, &c)
}

/// The user number `i`: its objectGUID bytes are all printable ASCII (valid UTF-8) on purpose.
pub(super) fn user_entry(i: usize) -> Vec<u8> {
    let guid = format!("GUID{i:012}");
    entry(
        &format!("CN=User {i},OU=Fake,DC=fake,DC=test"),
        &[
            attribute("objectGUID", &[guid.as_bytes()]),
            attribute(
                "userPrincipalName",
                &[format!("user{i}@fake.test").as_bytes()],
            ),
            attribute("otherMobile", &[b"+1 1", b"+1 2"]),
            attribute("msExchRecipientTypeDetails", &[b"2147483648"]),
            attribute("msExchRecipientDisplayType", &[b"-2147483642"]),
            attribute("description", &[b"ignored"]),
        ],
    )
}

fn children(tag: &StructureTag) -> &[StructureTag] {
    match &tag.payload {
        PL::C(items) => items,
        PL::P(_) => &[],
    }
}

fn bytes(tag: &StructureTag) -> &[u8] {
    match &tag.payload {
        PL::P(b) => b,
        PL::C(_) => &[],
    }
}

/// The paged-results request of a message: (size, cookie), if present.
fn paged(msg: &StructureTag) -> Option<(usize, usize)> {
    let controls = children(msg)
        .iter()
        .find(|t| t.id == 0 && matches!(t.payload, PL::C(_)))?;
    for control in children(controls) {
        let parts = children(control);
        if bytes(parts.first()?) == b"1.2.840.113556.1.4.319" {
            let value = bytes(parts.last()?);
            let (_, seq) = ldap3::asn1::parse_tag(value).ok()?;
            let seq = children(&seq).to_vec();
            let size = bytes(&seq[0])
                .iter()
                .fold(0usize, |a, &b| a * 256 + b as usize);
            let cookie = std::str::from_utf8(bytes(&seq[1]))
                .ok()?
                .parse()
                .unwrap_or(0);
            return Some((size, cookie));
        }
    }
    None
}

async fn read_message(sock: &mut TcpStream, buf: &mut Vec<u8>) -> Option<StructureTag> {
    loop {
        if buf.len() >= 2 {
            let (len, header) = if buf[1] & 0x80 == 0 {
                (buf[1] as usize, 2)
            } else {
                let n = (buf[1] & 0x7f) as usize;
                if buf.len() < 2 + n {
                    (usize::MAX, 0)
                } else {
                    (
                        buf[2..2 + n]
                            .iter()
                            .fold(0usize, |a, &b| a * 256 + b as usize),
                        2 + n,
                    )
                }
            };
            if len != usize::MAX && buf.len() >= header + len {
                let frame: Vec<u8> = buf.drain(..header + len).collect();
                return ldap3::asn1::parse_tag(&frame).ok().map(|(_, t)| t);
            }
        }
        let mut chunk = [0u8; 4096];
        let n = sock.read(&mut chunk).await.ok()?;
        if n == 0 {
            return None;
        }
        buf.extend_from_slice(&chunk[..n]);
    }
}

async fn serve(mut sock: TcpStream, b: Behaviour, seen: Arc<Seen>) {
    let mut buf = Vec::new();
    let mut sent_entries = 0usize;
    while let Some(msg) = read_message(&mut sock, &mut buf).await {
        let parts = children(&msg);
        let id = bytes(&parts[0])
            .iter()
            .fold(0u32, |a, &x| a * 256 + u32::from(x));
        let op = &parts[1];
        let mut out = Vec::new();
        match op.id {
            0 => {
                seen.binds.fetch_add(1, Ordering::SeqCst);
                let password = children(op).get(2).map(bytes).unwrap_or_default();
                let rc = if password == b"right" { 0 } else { 49 };
                out.extend(message(id, result(0x61, rc, if rc == 0 { "" } else { "80090308: LdapErr: DSID-0C0903A9, comment: AcceptSecurityContext error, data 52e, v1db1" }), None));
            }
            3 => {
                seen.searches.fetch_add(1, Ordering::SeqCst);
                let base = String::from_utf8_lossy(bytes(&children(op)[0])).into_owned();
                if base.is_empty() {
                    out.extend(message(
                        id,
                        entry(
                            "",
                            &[attribute("defaultNamingContext", &[b"DC=fake,DC=test"])],
                        ),
                        None,
                    ));
                    out.extend(message(id, result(0x65, 0, ""), None));
                } else {
                    let (size, offset, is_paged) = match paged(&msg) {
                        Some((size, cookie)) => (size.min(b.max_page), cookie, true),
                        None => (b.max_page, 0, false),
                    };
                    if b.reference {
                        let uri = tlv(
                            0x04,
                            b"ldap://elsewhere.fake.test/CN=Configuration,DC=fake,DC=test",
                        );
                        out.extend(message(id, tlv(0x73, &uri), None));
                    }
                    if let Some((at, rc)) = b.fail_page_at
                        && at == offset
                    {
                        out.extend(message(
                            id,
                            result(0x65, rc, "00002024: simulated failure"),
                            None,
                        ));
                    } else {
                        let end = (offset + size).min(b.users);
                        for i in offset..end {
                            if b.cut_after_entries == Some(sent_entries) {
                                sock.write_all(&out).await.ok();
                                return;
                            }
                            if b.malformed_at == Some(i) {
                                out.extend(message(id, tlv(0x64, &tlv(0x04, b"CN=broken")), None));
                            } else {
                                out.extend(message(id, user_entry(i), None));
                            }
                            sent_entries += 1;
                        }
                        let more = end < b.users;
                        let rc = if more && !is_paged { 4 } else { 0 };
                        let controls = is_paged.then(|| {
                            let cookie = if more { end.to_string() } else { String::new() };
                            let mut value = int(0);
                            value.extend(tlv(0x04, cookie.as_bytes()));
                            let mut control = tlv(0x04, b"1.2.840.113556.1.4.319");
                            control.extend(tlv(0x04, &tlv(0x30, &value)));
                            tlv(0x30, &control)
                        });
                        out.extend(message(
                            id,
                            result(0x65, rc, if rc == 4 { "Size limit exceeded" } else { "" }),
                            controls,
                        ));
                    }
                }
            }
            2 => return,
            // ExtendedRequest (StartTLS): this fake speaks no TLS.
            23 => out.extend(message(
                id,
                result(0x78, 2, "unsupported extended operation"),
                None,
            )),
            _ => {}
        }
        if sock.write_all(&out).await.is_err() {
            return;
        }
    }
}
