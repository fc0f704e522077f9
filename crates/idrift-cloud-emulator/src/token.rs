//! The token endpoint (`POST /{tenant}/oauth2/v2.0/token`): client credentials with a client secret or a
//! JWT client assertion signed by the registered certificate, with Entra ID's AADSTS errors.

use std::time::Instant;

use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use serde::Deserialize;
use serde_json::json;
use sha2::{Digest, Sha256};

use crate::reply::Reply;
use crate::state::State;

#[derive(Deserialize)]
struct AssertionClaims {
    #[serde(default)]
    jti: String,
    #[serde(default)]
    sub: String,
}

/// Answers a token request for the tenant named in the path.
pub(crate) fn token(state: &mut State, tenant: &str, body: &[u8]) -> Reply {
    let cfg = &state.config;
    if !tenant.eq_ignore_ascii_case(&cfg.tenant_domain)
        && !tenant.eq_ignore_ascii_case(&cfg.tenant_id)
    {
        return Reply::token_error(
            400,
            "invalid_request",
            90002,
            &format!(
                "Tenant '{tenant}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud."
            ),
        );
    }
    let form: Vec<(String, String)> = url::form_urlencoded::parse(body).into_owned().collect();
    let get = |k: &str| form.iter().find(|(n, _)| n == k).map(|(_, v)| v.as_str());
    if get("grant_type") != Some("client_credentials") {
        return Reply::token_error(
            400,
            "unsupported_grant_type",
            70003,
            "The app requested an unsupported grant type.",
        );
    }
    let client_id = get("client_id").unwrap_or_default();
    if client_id != cfg.client_id {
        return Reply::token_error(
            400,
            "unauthorized_client",
            700_016,
            &format!(
                "Application with identifier '{client_id}' was not found in the directory '{}'.",
                cfg.tenant_domain
            ),
        );
    }
    let scope = get("scope").unwrap_or_default();
    if !scope.ends_with("/.default") {
        return Reply::token_error(
            400,
            "invalid_scope",
            1_002_012,
            &format!(
                "The provided value for scope {scope} is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier."
            ),
        );
    }
    match (
        get("client_secret"),
        get("client_assertion"),
        get("client_assertion_type"),
    ) {
        (Some(secret), None, _) => {
            if cfg.client_secret.as_deref() != Some(secret) {
                return Reply::token_error(
                    401,
                    "invalid_client",
                    7_000_215,
                    &format!(
                        "Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '{}'.",
                        cfg.client_id
                    ),
                );
            }
        }
        (None, Some(assertion), Some("urn:ietf:params:oauth:client-assertion-type:jwt-bearer")) => {
            let aud = format!("{}/{tenant}/oauth2/v2.0/token", state.base);
            if let Err(reply) = check_assertion(state, assertion, &aud) {
                return reply;
            }
        }
        _ => {
            return Reply::token_error(
                401,
                "invalid_client",
                7_000_218,
                "The request body must contain the following parameter: 'client_assertion' or 'client_secret'.",
            );
        }
    }
    let token = format!(
        "emu.{}.{}",
        uuid::Uuid::new_v4().simple(),
        uuid::Uuid::new_v4().simple()
    );
    let lifetime = state.config.token_lifetime;
    state
        .tokens
        .insert(token.clone(), Instant::now() + lifetime);
    Reply::json(
        200,
        &json!({
            "token_type": "Bearer",
            "expires_in": lifetime.as_secs(),
            "ext_expires_in": lifetime.as_secs(),
            "access_token": token,
        }),
    )
}

/// Verifies a client assertion: RS256, `x5t#S256` of the registered certificate, its signature, `aud`
/// (the token URL), `iss` = `sub` = client id, `nbf`/`exp`, and a `jti` not seen before.
fn check_assertion(state: &mut State, assertion: &str, aud: &str) -> Result<(), Reply> {
    let invalid = |code: u32, text: &str| Reply::token_error(401, "invalid_client", code, text);
    let Some(cert_pem) = state.config.certificate_pem.clone() else {
        return Err(invalid(
            700_027,
            "Client assertion failed signature validation. No certificate is registered for the application.",
        ));
    };
    let header = jsonwebtoken::decode_header(assertion)
        .map_err(|e| invalid(50027, &format!("JWT token is invalid or malformed ({e}).")))?;
    if header.alg != Algorithm::RS256 {
        return Err(invalid(
            5002738,
            "Invalid JWT token. Unsupported key for the signing algorithm.",
        ));
    }
    let thumbprint = cert_thumbprint(&cert_pem)
        .ok_or_else(|| invalid(700_027, "The registered certificate is unreadable."))?;
    if header.x5t_s256.as_deref() != Some(thumbprint.as_str()) {
        return Err(invalid(
            700_027,
            "Client assertion failed signature validation. The x5t#S256 header does not match a certificate registered for the application.",
        ));
    }
    let key = DecodingKey::from_rsa_pem(cert_pem.as_bytes()).map_err(|e| {
        invalid(
            700_027,
            &format!("The registered certificate is unusable ({e})."),
        )
    })?;
    let mut v = Validation::new(Algorithm::RS256);
    v.set_audience(&[aud]);
    v.set_issuer(&[state.config.client_id.as_str()]);
    v.set_required_spec_claims(&["exp", "nbf", "aud", "iss", "sub"]);
    v.validate_nbf = true;
    v.leeway = 60;
    let data = jsonwebtoken::decode::<AssertionClaims>(assertion, &key, &v).map_err(|e| {
        use jsonwebtoken::errors::ErrorKind;
        match e.kind() {
            ErrorKind::ExpiredSignature | ErrorKind::ImmatureSignature => {
                invalid(700_024, "Client assertion is not within its valid time range.")
            }
            ErrorKind::InvalidAudience => invalid(
                700_212,
                &format!("No matching federated identity record found for presented assertion audience; expected '{aud}'."),
            ),
            ErrorKind::InvalidIssuer => invalid(700_023, "Client assertion audience claim does not match Realm issuer."),
            _ => invalid(700_027, &format!("Client assertion failed signature validation ({e}).")),
        }
    })?;
    if data.claims.sub != state.config.client_id {
        return Err(invalid(
            700_021,
            "Client assertion application identifier doesn't match 'client_id' parameter.",
        ));
    }
    if data.claims.jti.is_empty() || !state.used_assertion_ids.insert(data.claims.jti) {
        return Err(invalid(
            700_025,
            "Client assertion contains an invalid or reused jti.",
        ));
    }
    Ok(())
}

/// Base64url SHA-256 of the first certificate in a PEM text.
pub(crate) fn cert_thumbprint(pem: &str) -> Option<String> {
    let mut inside = false;
    let mut b64 = String::new();
    for line in pem.lines() {
        let line = line.trim();
        if line == "-----BEGIN CERTIFICATE-----" {
            inside = true;
        } else if line == "-----END CERTIFICATE-----" {
            break;
        } else if inside {
            b64.push_str(line);
        }
    }
    let der = STANDARD.decode(b64).ok()?;
    Some(URL_SAFE_NO_PAD.encode(Sha256::digest(&der)))
}
