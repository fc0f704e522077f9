//! Tests of the Graph client's configuration checks (the requests are tested against the emulator).

use super::*;
use crate::config::Credential;
use secrecy::SecretString;

fn config(graph_url: &str, authority: &str) -> CloudConfig {
    let mut c = CloudConfig::new(
        "contoso.onmicrosoft.com",
        "app",
        Credential::Secret(SecretString::from("s")),
    );
    c.graph_url = graph_url.to_owned();
    c.authority_url = authority.to_owned();
    c
}

#[test]
fn https_and_loopback_http_are_accepted() {
    for (g, a) in [
        (
            "https://graph.microsoft.us/v1.0",
            "https://login.microsoftonline.us",
        ),
        ("http://127.0.0.1:8080/v1.0/", "http://127.0.0.1:8080"),
        ("http://[::1]:8080/v1.0", "http://localhost:8080/"),
    ] {
        assert!(GraphClient::new(&config(g, a)).is_ok(), "{g} {a}");
    }
}

#[test]
fn plain_http_to_another_host_and_other_schemes_are_refused() {
    let err = GraphClient::new(&config(
        "http://graph.example.com/v1.0",
        "https://login.microsoftonline.com",
    ))
    .unwrap_err();
    assert!(err.to_string().contains("plain http"), "{err}");
    let err = GraphClient::new(&config(
        "https://graph.microsoft.com/v1.0",
        "http://10.0.0.5",
    ))
    .unwrap_err();
    assert!(err.to_string().contains("authority URL"), "{err}");
    assert!(
        GraphClient::new(&config("ftp://x/v1.0", "https://login.microsoftonline.com")).is_err()
    );
    assert!(GraphClient::new(&config("not a url", "https://login.microsoftonline.com")).is_err());
}

#[test]
fn the_scope_is_the_service_origin() {
    let base = parse_base("https://graph.microsoft.com/v1.0", "Graph URL").unwrap();
    assert_eq!(scope_for(&base), "https://graph.microsoft.com/.default");
    let base = parse_base("http://127.0.0.1:4000/v1.0", "Graph URL").unwrap();
    assert_eq!(scope_for(&base), "http://127.0.0.1:4000/.default");
}

#[test]
fn the_select_names_every_graph_property_of_the_model() {
    for p in [
        "id",
        "userPrincipalName",
        "onPremisesImmutableId",
        "onPremisesSyncEnabled",
        "mobilePhone",
        "proxyAddresses",
        "assignedLicenses",
        "onPremisesProvisioningErrors",
        "serviceProvisioningErrors",
    ] {
        assert!(USER_SELECT.split(',').any(|s| s == p), "{p}");
    }
    assert!(
        !USER_SELECT.contains("alternateMobilePhones"),
        "Graph has no such property"
    );
}

#[test]
fn synced_object_refusals_are_recognized() {
    assert!(is_synced_object_refusal(
        "Unable to update the specified properties for on-premises mastered Directory Sync objects or objects currently undergoing migration."
    ));
    assert!(!is_synced_object_refusal(
        "Invalid value specified for property 'mobilePhone' of resource 'User'."
    ));
}
