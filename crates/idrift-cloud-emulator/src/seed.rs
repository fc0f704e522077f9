//! Deterministic generated tenants: the same `n` always gives the same users, so tests and benchmarks
//! can seed 100k users and know what to expect.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use idrift_core::Guid;
use idrift_core::model::{AssignedLicense, CloudUser};

/// The Microsoft 365 E3 SKU id, used for generated licenses.
pub const E3_SKU: &str = "05e9a617-0261-4cee-bb44-138d3ef5d965";

fn splitmix(mut x: u64) -> u64 {
    x = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
    x = (x ^ (x >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    x ^ (x >> 31)
}

/// A deterministic GUID for `(salt, i)`.
pub fn guid(salt: u64, i: u64) -> Guid {
    let a = splitmix(salt.wrapping_mul(0x1000_0000_0000_0001) ^ i);
    let b = splitmix(a ^ 0x5555_5555_5555_5555);
    let mut bytes = [0u8; 16];
    bytes[..8].copy_from_slice(&a.to_be_bytes());
    bytes[8..].copy_from_slice(&b.to_be_bytes());
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    Guid::from_bytes(bytes)
}

/// `n` generated users of `domain`: nine in ten synced (with an ImmutableId from a generated objectGUID),
/// one in ten cloud-only; most with a mobile phone; every third with an E3 license.
pub fn generate_users(n: usize, domain: &str) -> Vec<CloudUser> {
    (0..n)
        .map(|i| {
            let k = i as u64;
            let id = guid(1, k).to_string();
            let synced = i % 10 != 0;
            let upn = format!("user{i:07}@{domain}");
            let anchor = guid(2, k);
            CloudUser {
                id,
                user_principal_name: Some(upn.clone()),
                display_name: Some(format!("User {i:07}")),
                mail: Some(upn.clone()),
                on_premises_immutable_id: synced.then(|| STANDARD.encode(anchor.to_bytes_le())),
                on_premises_sync_enabled: synced.then_some(true),
                mobile_phone: (i % 7 != 0).then(|| format!("+1 425 555 {:04}", i % 10_000)),
                alternate_mobile_phones: None,
                business_phones: vec![format!("+1 206 555 {:04}", (i * 7) % 10_000)],
                proxy_addresses: vec![
                    format!("SMTP:{upn}"),
                    format!(
                        "smtp:user{i:07}@{}",
                        domain.replace(".onmicrosoft.com", ".mail.onmicrosoft.com")
                    ),
                ],
                assigned_licenses: if i % 3 == 0 {
                    vec![AssignedLicense {
                        sku_id: E3_SKU.to_owned(),
                        disabled_plans: Vec::new(),
                    }]
                } else {
                    Vec::new()
                },
                on_premises_provisioning_errors: Vec::new(),
                service_provisioning_errors: Vec::new(),
            }
        })
        .collect()
}
