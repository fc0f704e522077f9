//! `GET /domains`: the tenant's domains as the emulator keeps them, read by `GraphClient::list_domains`,
//! through a transient fault and back to a clear error when the service keeps failing.

use idrift_cloud::CloudError;
use idrift_cloud_emulator::{Fault, FaultRule};
use idrift_core::model::TenantDomain;

use super::*;

fn domain(id: &str, verified: bool) -> TenantDomain {
    TenantDomain {
        id: id.to_owned(),
        is_verified: verified,
        ..TenantDomain::default()
    }
}

#[tokio::test]
async fn list_domains_reads_the_initial_and_added_domains() {
    let e = start().await;
    let g = graph(&e);
    let initial = g.list_domains().await.unwrap();
    assert_eq!(
        initial,
        vec![TenantDomain {
            id: "contoso.onmicrosoft.com".into(),
            is_verified: true,
            is_default: true,
            is_initial: true,
        }]
    );
    e.add_domain(domain("contoso.com", true));
    e.add_domain(domain("fabrikam.com", false));
    let ids: Vec<(String, bool)> = g
        .list_domains()
        .await
        .unwrap()
        .into_iter()
        .map(|d| (d.id, d.is_verified))
        .collect();
    assert_eq!(
        ids,
        vec![
            ("contoso.onmicrosoft.com".into(), true),
            ("contoso.com".into(), true),
            ("fabrikam.com".into(), false),
        ]
    );
    // Verifying fabrikam.com later is seen by the next read.
    e.add_domain(domain("Fabrikam.com", true));
    assert!(
        g.list_domains()
            .await
            .unwrap()
            .iter()
            .all(|d| d.is_verified)
    );
}

#[tokio::test]
async fn list_domains_retries_a_throttled_read_and_fails_clearly_when_the_service_stays_down() {
    let e = start().await;
    e.add_domain(domain("contoso.com", true));
    let g = graph(&e);
    e.inject(FaultRule::new(Fault::GatewayTimeout, "/v1.0/domains", 1));
    assert_eq!(g.list_domains().await.unwrap().len(), 2);
    assert_eq!(e.request_count("/v1.0/domains"), 2, "one retry");
    e.inject(FaultRule::new(Fault::GatewayTimeout, "/v1.0/domains", 50));
    let err = g.list_domains().await.unwrap_err();
    assert!(!matches!(err, CloudError::Config(_)), "{err}");
    assert!(err.to_string().contains("domains"), "names the call: {err}");
    e.clear_faults();
}
