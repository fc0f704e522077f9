//! Tests of the credential handling: PEM parsing, the client assertion's header and claims (checked
//! with the certificate's public key), and redaction.

use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use secrecy::SecretString;
use url::Url;

use super::*;

const CERT: &str = include_str!("../../../idrift-cloud-emulator/fixtures/cert.pem");
const CERT_AND_KEY: &str =
    include_str!("../../../idrift-cloud-emulator/fixtures/test-app-cert-and-key.pem");
const CERT_AND_PKCS1: &str =
    include_str!("../../../idrift-cloud-emulator/fixtures/test-app-cert-and-pkcs1-key.pem");

fn source_with(tenant: &str, client_id: &str, credential: &Credential) -> TokenSource {
    let authority = Url::parse("https://login.microsoftonline.com").unwrap();
    TokenSource::new(&authority, tenant, client_id, credential).unwrap()
}

fn source(pem: &str) -> TokenSource {
    let pem = SecretString::from(pem);
    source_with(
        "contoso.onmicrosoft.com",
        "app-id",
        &Credential::Certificate { pem },
    )
}

/// A source for tenant `t` and application `c` with a client secret.
fn secret_source(secret: &str) -> TokenSource {
    source_with("t", "c", &Credential::Secret(SecretString::from(secret)))
}

#[derive(serde::Deserialize, Debug)]
struct Claims {
    aud: String,
    iss: String,
    sub: String,
    jti: String,
    nbf: u64,
    exp: u64,
}

#[test]
fn the_token_url_is_built_from_authority_and_tenant() {
    let s = source(CERT_AND_KEY);
    assert_eq!(
        s.token_url.as_str(),
        "https://login.microsoftonline.com/contoso.onmicrosoft.com/oauth2/v2.0/token"
    );
    let authority = Url::parse("http://127.0.0.1:8080/").unwrap();
    let url = token_url(&authority, "6babcaad-604b-40ac-a9d7-9fd97c0b779f").unwrap();
    assert_eq!(
        url.as_str(),
        "http://127.0.0.1:8080/6babcaad-604b-40ac-a9d7-9fd97c0b779f/oauth2/v2.0/token"
    );
    assert!(token_url(&authority, "a/b").is_err());
    assert!(token_url(&authority, "").is_err());
}

#[test]
fn the_assertion_is_rs256_with_x5t_s256_and_the_documented_claims() {
    for pem in [CERT_AND_KEY, CERT_AND_PKCS1] {
        let s = source(pem);
        let Proof::Certificate { key, x5t_s256 } = &s.proof else {
            panic!("expected a certificate proof");
        };
        let now = 1_800_000_000;
        let jwt = s.assertion(key, x5t_s256, now).unwrap();
        let header = jsonwebtoken::decode_header(&jwt).unwrap();
        assert_eq!(header.alg, Algorithm::RS256);
        // SHA-256 of the DER certificate, base64url without padding: 43 characters.
        let thumb = header.x5t_s256.unwrap();
        assert_eq!(thumb.len(), 43);
        assert_eq!(&thumb, x5t_s256);
        let mut v = Validation::new(Algorithm::RS256);
        v.set_audience(&[s.token_url.as_str()]);
        v.validate_exp = false;
        v.validate_nbf = false;
        let data = jsonwebtoken::decode::<Claims>(
            &jwt,
            &DecodingKey::from_rsa_pem(CERT.as_bytes()).unwrap(),
            &v,
        )
        .unwrap();
        let c = data.claims;
        assert_eq!(c.aud, s.token_url.as_str());
        assert_eq!(c.iss, "app-id");
        assert_eq!(c.sub, "app-id");
        assert!(uuid::Uuid::parse_str(&c.jti).is_ok());
        assert_eq!(c.nbf, now);
        assert_eq!(c.exp, now + ASSERTION_LIFETIME_SECS);
        // A second assertion has a fresh jti.
        let again = s.assertion(key, x5t_s256, now).unwrap();
        assert_ne!(jwt, again);
    }
}

#[test]
fn both_key_forms_give_the_same_thumbprint() {
    let a = source(CERT_AND_KEY);
    let b = source(CERT_AND_PKCS1);
    let (Proof::Certificate { x5t_s256: x, .. }, Proof::Certificate { x5t_s256: y, .. }) =
        (&a.proof, &b.proof)
    else {
        panic!("expected certificate proofs");
    };
    assert_eq!(x, y);
}

#[test]
fn a_key_that_is_not_rsa_is_refused() {
    let cert = CERT_AND_KEY
        .split("-----BEGIN PRIVATE KEY-----")
        .next()
        .unwrap();
    let bogus = format!(
        "{cert}-----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2VwBCIEIAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\n-----END PRIVATE KEY-----\n"
    );
    let err = parse_certificate(&SecretString::from(bogus))
        .map(|_| ())
        .unwrap_err();
    assert!(err.to_string().contains("not an RSA key"), "{err}");
}

#[test]
fn debug_never_shows_the_secret_or_the_key() {
    let s = secret_source("s3cr3t-value-xyz");
    let text = format!("{s:?}");
    assert!(!text.contains("s3cr3t-value-xyz"), "{text}");
    assert!(text.contains("REDACTED"), "{text}");
    let text = format!("{:?}", source(CERT_AND_KEY));
    assert!(!text.contains("MII"), "{text}");
}

#[test]
fn the_token_form_carries_the_credential_and_scope() {
    let s = secret_source("a&b=c");
    let form = s.form("https://graph.microsoft.com/.default").unwrap();
    assert_eq!(
        form.expose_secret(),
        "grant_type=client_credentials&client_id=c&scope=https%3A%2F%2Fgraph.microsoft.com%2F.default&client_secret=a%26b%3Dc"
    );
    let form = source(CERT_AND_KEY).form("s/.default").unwrap();
    let text = form.expose_secret();
    assert!(text.contains(
        "client_assertion_type=urn%3Aietf%3Aparams%3Aoauth%3Aclient-assertion-type%3Ajwt-bearer"
    ));
    assert!(text.contains("&client_assertion=ey"));
    assert!(!text.contains("client_secret"));
}
