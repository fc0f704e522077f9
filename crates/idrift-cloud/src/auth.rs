//! OAuth2 client credentials: a client secret or a certificate (RS256 JWT client assertion with the
//! `x5t#S256` thumbprint header), with tokens cached per scope and refreshed before they expire.
//!
//! Secrets stay wrapped: the client secret, the private key and every access token are
//! [`SecretString`]s or zeroizing buffers, exposed only to build the request that needs them.

use std::collections::HashMap;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::time::Duration;

use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use secrecy::zeroize::Zeroizing;
use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use tokio::sync::Mutex;
use tokio::time::Instant;
use url::Url;

use crate::clock;
use crate::config::Credential;
use crate::error::CloudError;
use crate::http::{Body, Kind, Request, Transport};

/// The longest a token is kept before its expiry: refresh this long before it runs out (or a tenth of
/// its lifetime when that is shorter).
const REFRESH_MARGIN: Duration = Duration::from_secs(300);

/// Lifetime of a client assertion.
const ASSERTION_LIFETIME_SECS: u64 = 600;

/// A boxed, sendable future.
type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// The application credential in the form the token request needs.
enum Proof {
    Secret(SecretString),
    Certificate {
        key: EncodingKey,
        /// Base64url SHA-256 thumbprint of the certificate (DER).
        x5t_s256: String,
    },
}

impl fmt::Debug for Proof {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Proof::Secret(_) => f.write_str("Secret([REDACTED])"),
            Proof::Certificate { x5t_s256, .. } => {
                write!(f, "Certificate {{ x5t#S256: {x5t_s256}, key: [REDACTED] }}")
            }
        }
    }
}

struct Cached {
    token: SecretString,
    refresh_at: Instant,
}

/// Gets, caches and refreshes access tokens for one application.
pub(crate) struct TokenSource {
    token_url: Url,
    client_id: String,
    proof: Proof,
    cache: Mutex<HashMap<String, Cached>>,
}

impl fmt::Debug for TokenSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TokenSource")
            .field("token_url", &self.token_url.as_str())
            .field("client_id", &self.client_id)
            .field("proof", &self.proof)
            .finish_non_exhaustive()
    }
}

#[derive(Deserialize)]
struct TokenResponse {
    access_token: String,
    #[serde(default)]
    expires_in: Option<serde_json::Value>,
}

#[derive(Serialize)]
struct AssertionClaims<'a> {
    aud: &'a str,
    iss: &'a str,
    sub: &'a str,
    jti: String,
    nbf: u64,
    iat: u64,
    exp: u64,
}

impl TokenSource {
    /// Prepares the credential; a certificate is parsed here so that a bad PEM fails early.
    pub(crate) fn new(
        authority_url: &Url,
        tenant: &str,
        client_id: &str,
        credential: &Credential,
    ) -> Result<TokenSource, CloudError> {
        let token_url = token_url(authority_url, tenant)?;
        let proof = match credential {
            Credential::Secret(s) => Proof::Secret(s.clone()),
            Credential::Certificate { pem } => {
                let (key, x5t_s256) = parse_certificate(pem)?;
                Proof::Certificate { key, x5t_s256 }
            }
        };
        Ok(TokenSource {
            token_url,
            client_id: client_id.to_owned(),
            proof,
            cache: Mutex::new(HashMap::new()),
        })
    }

    /// A valid access token for `scope`, from the cache or freshly requested.
    pub(crate) async fn get(
        &self,
        transport: &Transport,
        scope: &str,
    ) -> Result<SecretString, CloudError> {
        let mut cache = self.cache.lock().await;
        if let Some(c) = cache.get(scope)
            && Instant::now() < c.refresh_at
        {
            return Ok(c.token.clone());
        }
        let (token, lifetime) = self.request(transport, scope).await?;
        let margin = REFRESH_MARGIN.min(lifetime / 10);
        let refresh_at = Instant::now() + lifetime.saturating_sub(margin);
        cache.insert(
            scope.to_owned(),
            Cached {
                token: token.clone(),
                refresh_at,
            },
        );
        Ok(token)
    }

    /// Forgets the cached token for `scope` if it is still `rejected` (the service refused it).
    pub(crate) async fn invalidate(&self, scope: &str, rejected: &SecretString) {
        let mut cache = self.cache.lock().await;
        if cache
            .get(scope)
            .is_some_and(|c| c.token.expose_secret() == rejected.expose_secret())
        {
            cache.remove(scope);
        }
    }

    /// The token request body (client credentials with the secret or a fresh assertion).
    fn form(&self, scope: &str) -> Result<SecretString, CloudError> {
        let mut form = url::form_urlencoded::Serializer::new(String::new());
        form.append_pair("grant_type", "client_credentials");
        form.append_pair("client_id", &self.client_id);
        form.append_pair("scope", scope);
        match &self.proof {
            Proof::Secret(s) => {
                form.append_pair("client_secret", s.expose_secret());
            }
            Proof::Certificate { key, x5t_s256 } => {
                let assertion = Zeroizing::new(self.assertion(key, x5t_s256, clock::unix_now())?);
                form.append_pair(
                    "client_assertion_type",
                    "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
                );
                form.append_pair("client_assertion", &assertion);
            }
        }
        Ok(SecretString::from(form.finish()))
    }

    /// Asks the token endpoint for a token (boxed: the transport calls back into the token source).
    fn request<'a>(
        &'a self,
        transport: &'a Transport,
        scope: &'a str,
    ) -> BoxFuture<'a, Result<(SecretString, Duration), CloudError>> {
        Box::pin(self.request_inner(transport, scope))
    }

    async fn request_inner(
        &self,
        transport: &Transport,
        scope: &str,
    ) -> Result<(SecretString, Duration), CloudError> {
        let body = self.form(scope)?;
        let req = Request {
            method: reqwest::Method::POST,
            url: self.token_url.clone(),
            headers: Vec::new(),
            body: Body::Form(body),
            idempotent: true,
            what: "token request".to_owned(),
            kind: Kind::Token,
        };
        transport
            .send(&req, None, |body, _| {
                let t: TokenResponse = serde_json::from_slice(body)
                    .map_err(|e| format!("the token response is not the expected JSON ({e})"))?;
                let secs = match &t.expires_in {
                    Some(serde_json::Value::Number(n)) => n.as_u64(),
                    Some(serde_json::Value::String(s)) => s.parse().ok(),
                    _ => None,
                }
                .unwrap_or(3599);
                if t.access_token.is_empty() {
                    return Err("the token response has an empty access_token".to_owned());
                }
                Ok((
                    SecretString::from(t.access_token),
                    Duration::from_secs(secs),
                ))
            })
            .await
    }

    /// Builds and signs the client assertion (RFC 7523) for a token request at wall-clock `now`.
    fn assertion(&self, key: &EncodingKey, x5t_s256: &str, now: u64) -> Result<String, CloudError> {
        let mut header = Header::new(Algorithm::RS256);
        header.x5t_s256 = Some(x5t_s256.to_owned());
        let claims = AssertionClaims {
            aud: self.token_url.as_str(),
            iss: &self.client_id,
            sub: &self.client_id,
            jti: uuid::Uuid::new_v4().to_string(),
            nbf: now,
            iat: now,
            exp: now + ASSERTION_LIFETIME_SECS,
        };
        jsonwebtoken::encode(&header, &claims, key)
            .map_err(|e| CloudError::Config(format!("cannot sign the client assertion: {e}")))
    }
}

/// `{authority}/{tenant}/oauth2/v2.0/token`.
fn token_url(authority: &Url, tenant: &str) -> Result<Url, CloudError> {
    if tenant.is_empty() || tenant.contains(['/', '?', '#']) {
        return Err(CloudError::Config(format!(
            "the tenant {tenant:?} is not a tenant id or domain"
        )));
    }
    let base = authority.as_str().trim_end_matches('/');
    Url::parse(&format!("{base}/{tenant}/oauth2/v2.0/token"))
        .map_err(|e| CloudError::Config(format!("bad authority URL: {e}")))
}

/// One `-----BEGIN label-----` block of a PEM text.
struct PemBlock {
    label: String,
    text: Zeroizing<String>,
}

fn pem_blocks(pem: &str) -> Vec<PemBlock> {
    let mut out = Vec::new();
    let mut current: Option<PemBlock> = None;
    for line in pem.lines() {
        let line = line.trim();
        if let Some(label) = line
            .strip_prefix("-----BEGIN ")
            .and_then(|l| l.strip_suffix("-----"))
        {
            let mut text = Zeroizing::new(String::new());
            text.push_str(line);
            text.push('\n');
            current = Some(PemBlock {
                label: label.to_owned(),
                text,
            });
        } else if let Some(mut block) = current.take() {
            block.text.push_str(line);
            block.text.push('\n');
            if line.starts_with("-----END ") {
                out.push(block);
            } else {
                current = Some(block);
            }
        }
    }
    out
}

/// The signing key and the certificate thumbprint from a PEM holding both.
fn parse_certificate(pem: &SecretString) -> Result<(EncodingKey, String), CloudError> {
    let blocks = pem_blocks(pem.expose_secret());
    let cert = blocks
        .iter()
        .find(|b| b.label == "CERTIFICATE")
        .ok_or_else(|| {
            CloudError::Config("the certificate file has no CERTIFICATE block".to_owned())
        })?;
    let b64: String = cert
        .text
        .lines()
        .filter(|l| !l.starts_with("-----"))
        .collect();
    let der = STANDARD.decode(b64.as_bytes()).map_err(|e| {
        CloudError::Config(format!("the CERTIFICATE block is not valid base64: {e}"))
    })?;
    let x5t_s256 = URL_SAFE_NO_PAD.encode(Sha256::digest(&der));
    if blocks.iter().any(|b| b.label == "ENCRYPTED PRIVATE KEY") {
        return Err(CloudError::Config(
            "the private key is encrypted; export it unencrypted (for example `openssl pkcs12 -in app.pfx -nodes`) \
             and protect the file instead"
                .to_owned(),
        ));
    }
    let key_block = blocks
        .iter()
        .find(|b| b.label == "PRIVATE KEY" || b.label == "RSA PRIVATE KEY")
        .ok_or_else(|| {
            CloudError::Config(
                "the certificate file has no PRIVATE KEY or RSA PRIVATE KEY block (certificate authentication \
                 needs the certificate and its private key in one PEM file)"
                    .to_owned(),
            )
        })?;
    let key = EncodingKey::from_rsa_pem(key_block.text.as_bytes()).map_err(|e| {
        CloudError::Config(format!(
            "the private key is not an RSA key this tool can use: {e}"
        ))
    })?;
    Ok((key, x5t_s256))
}

#[cfg(test)]
mod tests;
