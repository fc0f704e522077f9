//! Property-based tests of every reader and writer (issue 13 item 9), with `proptest`.
//!
//! - Round trips: LDIF write then read is the identity (folded anywhere too); the DirSyncOverrides CSV
//!   (`dirsync compare` writes it, `persist --from-csv` reads it) likewise, the OWASP apostrophe removed
//!   exactly where it was added; the Graph users and Exchange recipients JSON likewise.
//! - No panic on arbitrary bytes, random or mutated from a valid file, for every reader: LDIF (users, lint
//!   objects, the in-place patcher), the JSON readers (Graph users, tenant sync, EXO recipients and users, the
//!   in-place JSON patcher, the strict duplicate-key check), journals (plan files are journals), scan JSON,
//!   DirSyncOverrides CSV, lint fix CSV, move reports (CLIXML, JSON, Format-List), profiles, the text decoder.
//! - Deep nesting (JSON, CLIXML) and long LDIF folding at 100,000 levels or lines: no stack overflow, and
//!   the work grows linearly, measured as the bytes allocated by the reader (not as wall time).
//!
//! Each property runs [`DEFAULT_CASES`] cases in `cargo test`, or `IDRIFT_FUZZ_CASES` cases when set
//! (`cargo xtask fuzz --cases N`). When `IDRIFT_FUZZ_REPORT` names a file, each property appends its name and
//! the number of cases it ran to it (the fuzz command prints them).

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::io::Write as _;
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};

use idrift_core::Guid;
use idrift_core::dirsync::DirSyncOverrideRow;
use idrift_core::migration::InputFormat;
use idrift_core::model::{AssignedLicense, CloudUser, ExoRecipient, OnPremUser};
use proptest::collection::vec;
use proptest::prelude::*;
use proptest::test_runner::{Config, TestCaseError, TestRunner};

/// Cases per property in an ordinary test run.
const DEFAULT_CASES: u32 = 2_000;

/// The number of cases to run: `IDRIFT_FUZZ_CASES` when set, else `default`.
#[expect(clippy::disallowed_methods, reason = "the fuzz command's case count")]
fn cases(default: u32) -> u32 {
    std::env::var("IDRIFT_FUZZ_CASES")
        .ok()
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(default)
}

/// Runs `test` on `cases()` values of `strategy`, records the count, and fails with the shrunk input.
fn check<S: Strategy>(name: &str, strategy: S, test: impl Fn(S::Value) -> Result<(), TestCaseError>)
where
    S::Value: std::fmt::Debug,
{
    let n = cases(DEFAULT_CASES);
    let mut runner = TestRunner::new(Config {
        cases: n,
        failure_persistence: None,
        ..Config::default()
    });
    let ran = AtomicU64::new(0);
    let result = runner.run(&strategy, |v| {
        ran.fetch_add(1, Ordering::Relaxed);
        test(v)
    });
    record(name, ran.load(Ordering::Relaxed));
    if let Err(e) = result {
        panic!("property {name} failed: {e}");
    }
}

/// Appends `name<TAB>count` to the file `IDRIFT_FUZZ_REPORT` names, if any.
#[expect(clippy::disallowed_methods, reason = "the fuzz command's report file")]
fn record(name: &str, count: u64) {
    if let Some(path) = std::env::var_os("IDRIFT_FUZZ_REPORT") {
        let mut f = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(path)
            .unwrap();
        f.write_all(format!("{name}\t{count}\n").as_bytes())
            .unwrap();
    }
}

// ---------------------------------------------------------------------------------------------------------
// Strategies
// ---------------------------------------------------------------------------------------------------------

/// Characters that matter to the formats (separators, line ends, LDIF's special first characters, CSV
/// formula starters, quotes, escapes, non-ASCII), mixed with any character but NUL (every reader refuses NUL).
fn tricky_char() -> impl Strategy<Value = char> {
    prop_oneof![
        3 => proptest::sample::select(vec![
            ' ', ':', '<', '\n', '\r', '\t', '=', '@', '+', '-', '\'', ';', ',', '"', '\\', 'a', 'Z', '1', '0',
            'é', '\u{1b}', '#', '{', '}', '[', ']', '\u{feff}', '\u{2028}', '😀',
        ]),
        1 => any::<char>(),
    ]
    .prop_filter("no NUL", |c| *c != '\0')
}

fn text(max: usize) -> impl Strategy<Value = String> {
    vec(tricky_char(), 0..max).prop_map(|v| v.into_iter().collect())
}

fn non_empty(max: usize) -> impl Strategy<Value = String> {
    vec(tricky_char(), 1..max).prop_map(|v| v.into_iter().collect())
}

fn guid() -> impl Strategy<Value = Guid> {
    any::<[u8; 16]>().prop_map(Guid::from_bytes_le)
}

fn opt_text() -> impl Strategy<Value = Option<String>> {
    proptest::option::of(text(20))
}

/// Users as the LDIF writer gets them; DNs are unique (the reader refuses a duplicate DN).
fn on_prem_users() -> impl Strategy<Value = Vec<OnPremUser>> {
    let user = (
        (
            text(24),
            proptest::option::of(guid()),
            proptest::option::of(guid()),
            proptest::option::of(guid()),
        ),
        (
            opt_text(),
            opt_text(),
            opt_text(),
            opt_text(),
            opt_text(),
            opt_text(),
        ),
        (vec(text(16), 0..4), vec(text(16), 0..3)),
        (
            any::<Option<i64>>(),
            any::<Option<i64>>(),
            any::<Option<i32>>(),
        ),
    );
    vec(user, 0..6).prop_map(|users| {
        users
            .into_iter()
            .enumerate()
            .map(
                |(
                    i,
                    (
                        (dn, og, cg, mg),
                        (sam, upn, mail, target, mobile, when),
                        (proxies, others),
                        (rtd, rrt, rdt),
                    ),
                )| {
                    OnPremUser {
                        distinguished_name: format!("CN=u{i},{dn}"),
                        object_guid: og,
                        consistency_guid: cg,
                        sam_account_name: sam,
                        user_principal_name: upn,
                        mail,
                        proxy_addresses: proxies,
                        target_address: target,
                        mobile,
                        other_mobile: others,
                        mailbox_guid: mg,
                        recipient_type_details: rtd,
                        remote_recipient_type: rrt,
                        recipient_display_type: rdt,
                        when_changed: when,
                        critical_system_object: i % 3 == 0,
                        custom_anchor: None,
                    }
                },
            )
            .collect()
    })
}

/// A value of a DirSyncOverrides CSV cell list: no `;` (the CSV joins lists with it) and not empty.
fn list_item() -> impl Strategy<Value = String> {
    non_empty(14).prop_filter("no ;", |s| !s.contains(';'))
}

fn dirsync_rows() -> impl Strategy<Value = Vec<DirSyncOverrideRow>> {
    let upn = non_empty(20).prop_filter("a trimmed UPN", |s| !s.trim().is_empty() && s.trim() == s);
    let row = (
        upn,
        proptest::option::of(non_empty(16)),
        proptest::option::of(non_empty(16)),
        vec(list_item(), 0..3),
        proptest::option::of(vec(list_item(), 1..3)),
        (text(12), text(12), text(20), any::<bool>()),
    );
    vec(row, 0..5).prop_map(|rows| {
        rows.into_iter()
            .map(
                |(upn, mad, men, other, alt, (imm, oid, dn, fo))| DirSyncOverrideRow {
                    user_principal_name: upn,
                    mobile_in_ad: mad,
                    mobile_in_entra: men,
                    other_mobile_in_ad: other,
                    alternate_mobile_phones_in_entra: alt,
                    on_premises_immutable_id: imm,
                    object_id: oid,
                    distinguished_name: dn,
                    format_only: fo,
                },
            )
            .collect()
    })
}

fn cloud_users() -> impl Strategy<Value = Vec<CloudUser>> {
    // The sku id may be empty: the reader refuses such a license, so the writer must refuse it too.
    let license =
        (text(10), vec(text(8), 0..3)).prop_map(|(sku_id, disabled_plans)| AssignedLicense {
            sku_id,
            disabled_plans,
        });
    let user = (
        (
            opt_text(),
            opt_text(),
            opt_text(),
            opt_text(),
            any::<Option<bool>>(),
            opt_text(),
        ),
        (
            proptest::option::of(vec(text(12), 0..3)),
            vec(text(12), 0..3),
            vec(text(12), 0..3),
        ),
        vec(license, 0..3),
    );
    vec(user, 0..5).prop_map(|users| {
        users
            .into_iter()
            .enumerate()
            .map(
                |(
                    i,
                    ((upn, name, mail, imm, sync, mobile), (alt, business, proxies), licenses),
                )| CloudUser {
                    id: format!("00000000-0000-0000-0000-{i:012}"),
                    user_principal_name: upn,
                    display_name: name,
                    mail,
                    on_premises_immutable_id: imm,
                    on_premises_sync_enabled: sync,
                    mobile_phone: mobile,
                    alternate_mobile_phones: alt,
                    business_phones: business,
                    proxy_addresses: proxies,
                    assigned_licenses: licenses,
                    on_premises_provisioning_errors: Vec::new(),
                    service_provisioning_errors: Vec::new(),
                },
            )
            .collect()
    })
}

fn exo_recipients() -> impl Strategy<Value = Vec<ExoRecipient>> {
    let r = (
        (opt_text(), opt_text(), opt_text(), opt_text()),
        (
            proptest::option::of(guid()),
            proptest::option::of(guid()),
            vec(text(12), 0..3),
        ),
        (any::<Option<bool>>(), any::<Option<bool>>(), any::<bool>()),
    );
    vec(r, 0..5).prop_map(|rs| {
        rs.into_iter()
            .enumerate()
            .map(
                |(i, ((identity, upn, smtp, prev), (exg, arg, addrs), (sku, synced, soft)))| {
                    ExoRecipient {
                        identity,
                        external_directory_object_id: Some(format!(
                            "00000000-0000-0000-0000-{i:012}"
                        )),
                        user_principal_name: upn,
                        primary_smtp_address: smtp,
                        recipient_type: Some("UserMailbox".to_owned()),
                        recipient_type_details: Some("UserMailbox".to_owned()),
                        previous_recipient_type_details: prev,
                        exchange_guid: exg,
                        archive_guid: arg,
                        email_addresses: addrs,
                        sku_assigned: sku,
                        is_dir_synced: synced,
                        is_soft_deleted: soft,
                    }
                },
            )
            .collect()
    })
}

/// Arbitrary bytes, and `seeds` mutated: bytes flipped, inserted, removed, and format pieces spliced in.
fn inputs(seeds: Vec<Vec<u8>>, pieces: &'static [&'static [u8]]) -> impl Strategy<Value = Vec<u8>> {
    let edit = (
        any::<prop::sample::Index>(),
        0u8..4,
        any::<u8>(),
        0..pieces.len().max(1),
    );
    let mutated =
        (prop::sample::select(seeds), vec(edit, 1..10)).prop_map(move |(mut v, edits)| {
            for (at, op, byte, piece) in edits {
                let at = at.index(v.len() + 1);
                match op {
                    0 if at < v.len() => v[at] = byte,
                    1 => v.insert(at, byte),
                    2 if at < v.len() => {
                        v.remove(at);
                    }
                    _ => {
                        if let Some(p) = pieces.get(piece) {
                            v.splice(at..at, p.iter().copied());
                        }
                    }
                }
            }
            v
        });
    prop_oneof![
        1 => vec(any::<u8>(), 0..200),
        3 => mutated,
    ]
}

fn fixture(path: &str) -> Vec<u8> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    std::fs::read(root.join(path)).unwrap()
}

const LDIF_PIECES: &[&[u8]] = &[
    b"\ndn: CN=x,DC=y\n",
    b"\n ",
    b"\r\n",
    b":: ",
    b":< file:///etc/passwd",
    b"objectGUID:: AAAA\n",
    b"changetype: modify\n",
    b"-\n",
    b"# comment\n",
    b"mobile: +1 555\n",
    b"\n\n",
    b"\xff\xfe",
    b"version: 1\n",
];

const JSON_PIECES: &[&[u8]] = &[
    b"{",
    b"}",
    b"[",
    b"]",
    b",",
    b":",
    b"\"",
    b"\\u0000",
    b"\\ud800",
    b"null",
    b"1e999",
    b"\"id\":",
    b"\"value\":[",
    b"\"@odata.nextLink\":\"x\"",
    b"\xef\xbb\xbf",
    b"\xff\xfe",
];

const CSV_PIECES: &[&[u8]] = &[
    b"\"",
    b",",
    b"\r\n",
    b"\n",
    b"'=",
    b"\"\"",
    b"UserPrincipalName",
    b";",
    b"\xef\xbb\xbf",
];

const XML_PIECES: &[&[u8]] = &[
    b"<Obj RefId=\"0\">",
    b"</Obj>",
    b"<S N=\"x\">",
    b"</S>",
    b"<Ref RefId=\"0\"/>",
    b"_x0000_",
    b"&#0;",
    b"<!DOCTYPE x [",
    b"&amp;",
    b"<![CDATA[",
    b"]]>",
    b"<TN RefId=\"0\"><T>x</T></TN>",
    b"<TNRef RefId=\"9\"/>",
];

// ---------------------------------------------------------------------------------------------------------
// Round trips
// ---------------------------------------------------------------------------------------------------------

#[test]
fn ldif_write_then_read_is_identity() {
    check("ldif_write_read_identity", on_prem_users(), |users| {
        let mut text = Vec::new();
        idrift_ldap::ldif::write_users(&mut text, &users).unwrap();
        let back = idrift_ldap::ldif::read_users(text.as_slice())
            .map_err(|e| TestCaseError::fail(format!("written LDIF does not read back: {e}")))?;
        prop_assert_eq!(&back.users, &users);
        Ok(())
    });
}

/// Folds every line of `text` at the byte offsets in `cuts` (continuation lines start with one space).
fn fold(text: &[u8], cuts: &[prop::sample::Index]) -> Vec<u8> {
    let mut out = Vec::with_capacity(text.len() * 2);
    for (n, line) in text.split_inclusive(|b| *b == b'\n').enumerate() {
        let body = line.strip_suffix(b"\n").unwrap_or(line);
        let cut = cuts
            .get(n % cuts.len().max(1))
            .map_or(0, |c| c.index(body.len().max(1)));
        // A cut at 0 would make the first character a continuation; fold after it, at `cut` bytes per piece.
        let width = cut.max(1);
        let mut pieces = body.chunks(width);
        if let Some(first) = pieces.next() {
            out.extend_from_slice(first);
        }
        for p in pieces {
            out.extend_from_slice(b"\n ");
            out.extend_from_slice(p);
        }
        if line.ends_with(b"\n") {
            out.push(b'\n');
        }
    }
    out
}

#[test]
fn ldif_folded_anywhere_reads_the_same() {
    check(
        "ldif_folded_read_identity",
        (
            on_prem_users(),
            vec(any::<prop::sample::Index>(), 1..8),
            any::<bool>(),
        ),
        |(users, cuts, crlf)| {
            let mut text = Vec::new();
            idrift_ldap::ldif::write_users(&mut text, &users).unwrap();
            let mut folded = fold(&text, &cuts);
            if crlf {
                folded = folded
                    .split_inclusive(|b| *b == b'\n')
                    .flat_map(|l| match l.strip_suffix(b"\n") {
                        Some(body) => [body, b"\r\n"].concat(),
                        None => l.to_vec(),
                    })
                    .collect();
            }
            let back = idrift_ldap::ldif::read_users(folded.as_slice())
                .map_err(|e| TestCaseError::fail(format!("folded LDIF does not read: {e}")))?;
            prop_assert_eq!(&back.users, &users);
            // The lint reader sees the same number of entries.
            let n = idrift_app::lint::read_objects(folded.as_slice(), |_| {})
                .map_err(|e| TestCaseError::fail(format!("lint reader: {e:?}")))?;
            prop_assert_eq!(n, users.len() as u64);
            Ok(())
        },
    );
}

#[test]
fn dirsync_csv_write_then_read_is_identity() {
    let path = Path::new("compare.csv");
    check("dirsync_csv_write_read_identity", dirsync_rows(), |rows| {
        let mut bytes = Vec::new();
        idrift_app::dirsync::write_csv(&mut bytes, &rows).unwrap();
        let text = String::from_utf8(bytes).unwrap();
        // No cell a spreadsheet would run reaches the file.
        let mut raw = csv::ReaderBuilder::new()
            .has_headers(false)
            .from_reader(text.as_bytes());
        for record in raw.records() {
            for cell in record.unwrap().iter() {
                let first = cell.chars().next();
                prop_assert!(
                    !matches!(first, Some('=' | '@' | '\t' | '\r')),
                    "formula-like cell: {cell:?}"
                );
            }
        }
        let back = idrift_app::dirsync::parse_csv(path, &text)
            .map_err(|e| TestCaseError::fail(format!("written CSV does not read back: {e}")))?;
        prop_assert_eq!(&back, &rows);
        Ok(())
    });
}

/// What the Graph users reader refuses in a user: no id, a license without a sku id, a NUL in any value.
fn unreadable(u: &CloudUser) -> bool {
    let nul = |s: &str| s.contains('\0');
    let opt = |s: &Option<String>| s.as_deref().is_some_and(nul);
    u.id.is_empty()
        || u.assigned_licenses.iter().any(|l| {
            l.sku_id.is_empty() || nul(&l.sku_id) || l.disabled_plans.iter().any(|p| nul(p))
        })
        || nul(&u.id)
        || [
            &u.user_principal_name,
            &u.display_name,
            &u.mail,
            &u.on_premises_immutable_id,
            &u.mobile_phone,
        ]
        .into_iter()
        .any(opt)
        || u.alternate_mobile_phones
            .iter()
            .flatten()
            .chain(&u.business_phones)
            .chain(&u.proxy_addresses)
            .any(|s| nul(s))
}

/// Users for the Graph writer, some with what the reader refuses: an empty id, or a NUL put into one value.
fn cloud_users_some_unreadable() -> impl Strategy<Value = Vec<CloudUser>> {
    (cloud_users(), 0..12usize, any::<usize>()).prop_map(|(mut users, defect, at)| {
        let n = users.len().max(1);
        if let Some(u) = users.get_mut(at % n) {
            let nul = |s: &mut String| {
                let k = at % (s.chars().count() + 1);
                let i = s.char_indices().nth(k).map_or(s.len(), |(i, _)| i);
                s.insert(i, '\0');
            };
            let nul_opt = |s: &mut Option<String>| nul(s.get_or_insert_with(String::new));
            match defect {
                0 => u.id.clear(),
                1 => nul(&mut u.id),
                2 => nul_opt(&mut u.mobile_phone),
                3 => nul_opt(&mut u.display_name),
                4 => u.proxy_addresses.push("smtp:a\0b@x".to_owned()),
                5 => u.business_phones.push("\0".to_owned()),
                6 => {
                    if let Some(l) = u.assigned_licenses.first_mut() {
                        nul(&mut l.sku_id);
                    }
                }
                // Most cases keep the users as generated.
                _ => {}
            }
        }
        users
    })
}

/// The Graph users writer never writes a file its reader refuses: what it writes reads back to the same
/// users, and users the reader could not read back (an empty sku id, no id, a NUL) are refused before a byte
/// is written. Before, a license with an empty sku id was written and the file could not be read.
#[test]
fn graph_users_json_write_then_read_is_identity() {
    check(
        "graph_users_json_write_read_identity",
        cloud_users_some_unreadable(),
        |users| {
            let mut bytes = Vec::new();
            match idrift_cloud::snapshot::write_users(&mut bytes, &users) {
                Ok(()) => {
                    prop_assert!(
                        !users.iter().any(unreadable),
                        "wrote what the reader refuses"
                    );
                    let back =
                        idrift_cloud::snapshot::read_users(bytes.as_slice()).map_err(|e| {
                            TestCaseError::fail(format!("written JSON does not read back: {e}"))
                        })?;
                    prop_assert_eq!(&back, &users);
                }
                Err(e) => {
                    prop_assert!(
                        users.iter().any(unreadable),
                        "refused readable users: {}",
                        e
                    );
                    prop_assert_eq!(e.kind(), std::io::ErrorKind::InvalidData);
                    prop_assert!(
                        bytes.is_empty(),
                        "a refused write left {} bytes",
                        bytes.len()
                    );
                }
            }
            Ok(())
        },
    );
}

/// Pieces spliced into Graph pages for the comparison's streamed read: escapes (surrogate pairs, lone
/// surrogates, NUL), values of other types, wrappers, duplicate and escaped property names, deep nesting,
/// whitespace, numbers of every spelling.
const GRAPH_PIECES: &[&[u8]] = &[
    b"\\u00e9",
    b"\\ud83d\\ude00",
    b"\\ud800",
    b"\\u0000",
    b"\\\"",
    b"\\/",
    b" \n\t",
    b"\"id\":\"dup\",",
    b"\"ID\":\"dup\",",
    b"\"i\\u0064\":\"esc\",",
    b"\"mobilePhone\":null,",
    b"\"mobilePhone\":5,",
    b"\"proxyAddresses\":{\"value\":[\"SMTP:w@x\"],\"Count\":1},",
    b"\"businessPhones\":\"System.Object[]\",",
    b"\"AdditionalProperties\":{\"mail\":\"m@x\"},",
    b"\"LastDirSyncTime\":\"2024-01-01T00:00:00Z\",",
    b"\"@removed\":{\"reason\":\"changed\"},",
    b"\"x\":[[[{\"a\":[1,-2.5e3,0,true,null]}]]],",
    b"\"onPremisesProvisioningErrors\":[{\"category\":\"PropertyConflict\"}],",
    b"\"assignedLicenses\":[{\"skuId\":\"\"}],",
    b"\"assignedLicenses\":{\"skuId\":\"s\"},",
    b"01",
    b"1.",
    b"1e999",
    b"{",
    b"}",
    b"[",
    b"]",
    b",",
    b"\"",
];

/// The comparison's streamed read of a Graph page (the byte-scanning user reader, serde for what it is not
/// sure of, on all cores) gives exactly what the serial serde reader gives once the comparison's load
/// profile has dropped what it does not read, and gives up (for the serial reader, which names the error)
/// wherever the serial reader refuses the input.
#[test]
fn graph_users_streamed_for_the_comparison_read_as_the_serial_reader() {
    let pages = (
        cloud_users(),
        vec((any::<prop::sample::Index>(), 0..GRAPH_PIECES.len()), 0..4),
    );
    check(
        "graph_users_stream_compare_equals_serial",
        pages,
        |(users, edits)| {
            let mut bytes = Vec::new();
            if idrift_cloud::snapshot::write_users(&mut bytes, &users).is_err() {
                return Ok(());
            }
            let clean = edits.is_empty();
            for (at, piece) in edits {
                let at = at.index(bytes.len() + 1);
                bytes.splice(at..at, GRAPH_PIECES[piece].iter().copied());
            }
            let profile = idrift_app::snapshot::LoadProfile::Phones;
            let mut streamed = Vec::new();
            let read = idrift_cloud::snapshot::read_users_each_stream(
                bytes.as_slice(),
                idrift_cloud::snapshot::UsersKeep::Compare,
                |mut u| {
                    profile.project_cloud(&mut u);
                    streamed.push(u);
                },
            );
            let serial = std::str::from_utf8(&bytes).ok().map(|text| {
                let mut out = Vec::new();
                idrift_cloud::snapshot::read_users_each_str(text, |mut u| {
                    profile.project_cloud(&mut u);
                    out.push(u);
                })
                .map(|r| (out, r))
            });
            match (read, serial) {
                (Some(read), Some(Ok((want, want_read)))) => {
                    prop_assert_eq!(&streamed, &want);
                    prop_assert_eq!(read, want_read);
                }
                (Some(read), other) => {
                    return Err(TestCaseError::fail(format!(
                        "the streamed read gave {read:?} where the serial reader gives {other:?}"
                    )));
                }
                (None, _) => prop_assert!(!clean, "the streamed read gave up on a written page"),
            }
            Ok(())
        },
    );
}

#[test]
fn exo_recipients_json_write_then_read_is_identity() {
    check(
        "exo_recipients_json_write_read_identity",
        exo_recipients(),
        |rs| {
            let mut bytes = Vec::new();
            idrift_cloud::snapshot::write_exo_recipients(&mut bytes, &rs).unwrap();
            let back =
                idrift_cloud::snapshot::read_exo_recipients(bytes.as_slice()).map_err(|e| {
                    TestCaseError::fail(format!("written JSON does not read back: {e}"))
                })?;
            prop_assert_eq!(&back, &rs);
            Ok(())
        },
    );
}

// ---------------------------------------------------------------------------------------------------------
// No panic on arbitrary input
// ---------------------------------------------------------------------------------------------------------

#[test]
fn ldif_readers_never_panic() {
    let seeds = vec![fixture("examples/demo/ad.ldif")];
    check(
        "ldif_readers_no_panic",
        inputs(seeds, LDIF_PIECES),
        |bytes| {
            let read = idrift_ldap::ldif::read_users(bytes.as_slice());
            let _ = idrift_app::lint::read_objects(bytes.as_slice(), |_| {});
            // The in-place patcher reads the same input; edit the first DN it has, if any.
            let dn = read
                .as_ref()
                .ok()
                .and_then(|r| r.users.first())
                .map_or_else(|| "CN=x,DC=y".to_owned(), |u| u.distinguished_name.clone());
            let edit = idrift_ldap::ldif_patch::EntryEdit {
                dn,
                attrs: vec![idrift_ldap::ldif_patch::AttrValues {
                    name: "mobile".to_owned(),
                    values: vec![b"+1 555 0100".to_vec()],
                    at: None,
                    lines: Vec::new(),
                }],
            };
            if let Ok(patched) = idrift_ldap::ldif_patch::patch(&bytes, std::slice::from_ref(&edit))
            {
                // A patched file that read before still reads, with the new value.
                if let Ok(before) = &read {
                    let after = idrift_ldap::ldif::read_users(patched.as_slice()).map_err(|e| {
                        TestCaseError::fail(format!("patched LDIF does not read: {e}"))
                    })?;
                    prop_assert_eq!(after.users.len(), before.users.len());
                }
            }
            Ok(())
        },
    );
}

#[test]
fn json_readers_never_panic() {
    let seeds = [
        "examples/demo/entra-users.json",
        "examples/demo/entra-sync.json",
        "examples/demo/exo-recipients.json",
        "examples/demo/exo-users.json",
        "examples/demo/report/previous-scan.json",
        "tests/fixtures/golden/compare-demo.json",
    ]
    .map(fixture)
    .to_vec();
    let path = Path::new("x.json");
    check(
        "json_readers_no_panic",
        inputs(seeds, JSON_PIECES),
        |bytes| {
            let lossy = String::from_utf8_lossy(&bytes);
            let _ = idrift_core::strict::check_json(&lossy);
            let _ = idrift_cloud::snapshot::read_users(bytes.as_slice());
            let _ = idrift_cloud::snapshot::read_users_each_str(&lossy, |_| {});
            let _ = idrift_cloud::snapshot::read_tenant_sync(&lossy);
            let _ = idrift_cloud::snapshot::read_exo_recipients(bytes.as_slice());
            let _ = idrift_app::diff::parse_scan_json(path, &lossy);
            let edit = idrift_cloud::snapshot::patch::JsonEdit {
                id: "00000000-0000-0000-0000-000000000001".to_owned(),
                path: vec!["mobilePhone".to_owned()],
                value: serde_json::Value::String("+1 555 0100".to_owned()),
                spelling: None,
            };
            let _ = idrift_cloud::snapshot::patch::patch(&bytes, &[edit]);
            Ok(())
        },
    );
}

#[test]
fn journal_reader_never_panics() {
    let seeds = [
        "examples/demo/report/persist-edsger.jsonl",
        "examples/demo/report/persist-grace.jsonl",
        "examples/demo/report/undo-grace.jsonl",
    ]
    .map(fixture)
    .to_vec();
    let path = Path::new("x.jsonl");
    check(
        "journal_reader_no_panic",
        inputs(seeds, JSON_PIECES),
        |bytes| {
            let lossy = String::from_utf8_lossy(&bytes);
            if let Ok(log) = idrift_app::journal::parse(path, &lossy) {
                let _ = idrift_app::remediate::undo_spec(&log);
                let _ = idrift_app::remediate::remediation_note(&log);
            }
            Ok(())
        },
    );
}

#[test]
fn csv_readers_never_panic() {
    let seeds = vec![fixture("tests/fixtures/golden/compare-demo.csv")];
    let path = Path::new("x.csv");
    check("csv_readers_no_panic", inputs(seeds, CSV_PIECES), |bytes| {
        let lossy = String::from_utf8_lossy(&bytes);
        let _ = idrift_app::dirsync::parse_csv(path, &lossy);
        let _ = idrift_app::lint::fix::parse_fix_csv(&bytes);
        Ok(())
    });
}

#[test]
fn move_report_readers_never_panic() {
    let seeds = [
        "tests/fixtures/migration/exchange2016-move.clixml.xml",
        "tests/fixtures/migration/short-folder.clixml.xml",
        "tests/fixtures/migration/article.convertto.json",
        "tests/fixtures/migration/article.invokecommand.json",
        "tests/fixtures/migration/no-report.formatlist.txt",
        "tests/fixtures/migration/article-log.txt",
    ]
    .map(fixture)
    .to_vec();
    check(
        "move_report_readers_no_panic",
        inputs(seeds, XML_PIECES),
        |bytes| {
            let text = idrift_app::migration::decode_text(&bytes)
                .unwrap_or_else(|_| String::from_utf8_lossy(&bytes).into_owned());
            for format in [
                InputFormat::Clixml,
                InputFormat::Json,
                InputFormat::FormatList,
            ] {
                let _ = idrift_core::migration::parse(&text, format);
            }
            let _ = idrift_core::migration::analyze_log(&text.lines().collect::<Vec<_>>());
            Ok(())
        },
    );
}

#[test]
fn profile_and_text_readers_never_panic() {
    let seeds = vec![b"[default]\nad = \"snap/ad.ldif\"\nredirect_hosts = [\"a\"]\n".to_vec()];
    let path = Path::new("profile.toml");
    check(
        "profile_text_readers_no_panic",
        inputs(seeds, CSV_PIECES),
        |bytes| {
            let _ = idrift_core::text::decode(&bytes);
            let lossy = String::from_utf8_lossy(&bytes);
            let _ = idrift_app::profile::parse(path, &lossy, "default");
            Ok(())
        },
    );
}

// ---------------------------------------------------------------------------------------------------------
// Deep nesting and long folding: no stack overflow, linear work
// ---------------------------------------------------------------------------------------------------------

/// Counts the bytes allocated on threads that opted in ([`COUNTING`]), so a reader's work can be compared
/// between an input and one four times as deep without timing anything.
struct CountingAlloc;

thread_local! {
    static COUNTING: Cell<bool> = const { Cell::new(false) };
}
static ALLOCATED: AtomicU64 = AtomicU64::new(0);

fn count(size: usize) {
    if COUNTING.try_with(Cell::get).unwrap_or(false) {
        ALLOCATED.fetch_add(size as u64, Ordering::Relaxed);
    }
}

// SAFETY: every call is passed on unchanged to the system allocator; counting touches no memory it returns.
unsafe impl GlobalAlloc for CountingAlloc {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        count(layout.size());
        // SAFETY: the caller's contract is the system allocator's.
        unsafe { System.alloc(layout) }
    }
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        count(layout.size());
        // SAFETY: as above.
        unsafe { System.alloc_zeroed(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: as above.
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        count(new_size);
        // SAFETY: as above.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static GLOBAL: CountingAlloc = CountingAlloc;

/// One pool thread (the readers use rayon) whose allocations are counted; the measurements run one at a time.
fn measured<T: Send>(f: impl FnOnce() -> T + Send) -> (T, u64) {
    static ONE_AT_A_TIME: std::sync::Mutex<()> = std::sync::Mutex::new(());
    let _guard = ONE_AT_A_TIME
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .start_handler(|_| COUNTING.with(|c| c.set(true)))
        .build()
        .unwrap();
    pool.install(|| {
        let before = ALLOCATED.load(Ordering::Relaxed);
        let out = f();
        (out, ALLOCATED.load(Ordering::Relaxed) - before)
    })
}

/// Runs `read` on the input for depth `n` and `4 n`: both finish (no stack overflow), and the work beyond
/// that of depth 0 (buffers every read allocates) for `4 n` is at most 6 times that for `n` (linear, with room
/// for buffer doubling; quadratic would be 16).
fn assert_linear(what: &str, make: impl Fn(usize) -> Vec<u8>, read: impl Fn(usize, &[u8]) + Sync) {
    const DEEP: usize = 100_000;
    let (empty, small, big) = (make(0), make(DEEP / 4), make(DEEP));
    let ((), base) = measured(|| read(0, &empty));
    let ((), a) = measured(|| read(DEEP / 4, &small));
    let ((), b) = measured(|| read(DEEP, &big));
    let (a, b) = (a.saturating_sub(base), b.saturating_sub(base));
    let slack = 64 * 1024;
    assert!(
        b <= 6 * a + slack,
        "{what}: {b} bytes allocated at depth {DEEP} against {a} at depth {}: not linear",
        DEEP / 4
    );
    record(&format!("deep_{what}"), 3);
}

#[test]
fn deep_json_is_refused_linearly_without_overflow() {
    let arrays = |n: usize| ["[".repeat(n), "]".repeat(n)].concat().into_bytes();
    let objects = |n: usize| {
        [r#"{"a":"#.repeat(n), "1".to_owned(), "}".repeat(n)]
            .concat()
            .into_bytes()
    };
    let path = Path::new("deep.json");
    for (shape, make) in [
        ("arrays", &arrays as &dyn Fn(usize) -> Vec<u8>),
        ("objects", &objects),
    ] {
        assert_linear(&format!("json_{shape}"), make, |depth, bytes| {
            let text = std::str::from_utf8(bytes).unwrap();
            // The duplicate-key check walks any depth without recursion; the readers refuse the depth.
            let _ = idrift_core::strict::check_json(text);
            let refused = [
                idrift_cloud::snapshot::read_users(bytes).is_err(),
                idrift_cloud::snapshot::read_exo_recipients(bytes).is_err(),
                idrift_cloud::snapshot::read_tenant_sync(text).is_err(),
                idrift_app::journal::parse(path, text).is_err(),
                idrift_app::diff::parse_scan_json(path, text).is_err(),
                idrift_core::migration::parse(text, InputFormat::Json).is_err(),
            ];
            assert!(depth == 0 || refused.iter().all(|r| *r), "{refused:?}");
        });
    }
}

#[test]
fn deep_clixml_is_refused_linearly_without_overflow() {
    let make = |n: usize| {
        let mut s = String::from(
            "<Objs Version=\"1.1.0.1\" xmlns=\"http://schemas.microsoft.com/powershell/2004/04\">",
        );
        for i in 0..n {
            s.push_str(&format!("<Obj RefId=\"{i}\"><MS>"));
        }
        for _ in 0..n {
            s.push_str("</MS></Obj>");
        }
        s.push_str("</Objs>");
        s.into_bytes()
    };
    assert_linear("clixml", make, |_, bytes| {
        let text = std::str::from_utf8(bytes).unwrap();
        assert!(idrift_core::migration::parse(text, InputFormat::Clixml).is_err());
    });
}

#[test]
fn long_ldif_folding_reads_linearly() {
    // One user whose `description` and `mobile` are folded over `n` continuation lines each.
    let make = |n: usize| {
        let mut s = String::from(
            "version: 1\n\ndn: CN=Long,OU=Users,DC=example,DC=com\nobjectClass: user\n",
        );
        s.push_str("description: x");
        for _ in 0..n {
            s.push_str("\n y");
        }
        s.push_str("\nmobile: +1");
        for _ in 0..n {
            s.push_str("\n 5");
        }
        s.push_str("\nsAMAccountName: long\n");
        s.into_bytes()
    };
    assert_linear("ldif_folding", make, |depth, bytes| {
        let read = idrift_ldap::ldif::read_users(bytes).unwrap();
        assert_eq!(read.users.len(), 1);
        let mobile = read.users[0].mobile.as_deref().unwrap_or_default();
        assert_eq!(mobile.len(), 2 + depth);
        assert!(mobile.starts_with("+1") && mobile.bytes().skip(2).all(|b| b == b'5'));
        assert_eq!(idrift_app::lint::read_objects(bytes, |_| {}).unwrap(), 1);
        let edit = idrift_ldap::ldif_patch::EntryEdit {
            dn: "CN=Long,OU=Users,DC=example,DC=com".to_owned(),
            attrs: vec![idrift_ldap::ldif_patch::AttrValues {
                name: "mobile".to_owned(),
                values: vec![b"+1 555 0100".to_vec()],
                at: None,
                lines: Vec::new(),
            }],
        };
        let patched = idrift_ldap::ldif_patch::patch(bytes, &[edit]).unwrap();
        // Only the mobile lines changed: the folded description is still there, byte for byte.
        let description_end = bytes.windows(7).position(|w| w == b"\nmobile").unwrap();
        assert!(patched.starts_with(&bytes[..description_end]));
        assert!(depth == 0 || patched.len() < bytes.len());
    });
}
