//! One authenticated LDAP connection: transport security, the simple bind, and the search primitives.
//!
//! `ldaps://` speaks TLS from the start and `ldap://` is upgraded with StartTLS; both verify the server
//! certificate with rustls against the CA file or the system store. Plain `ldap://` needs
//! `allow_plaintext` and logs a warning. A bind is attempted exactly once: a refused bind is an error, never
//! retried. Searches page with the Paged Results control (parsed here, so a malformed reply is an error,
//! not a panic), skip search references, and fail as a whole when any page fails.

use std::sync::Arc;
use std::time::Duration;

use ldap3::asn1::{PL, StructureTag};
use ldap3::controls::{PagedResults, RawControl};
use ldap3::{Ldap, LdapConnAsync, LdapConnSettings, LdapResult, Scope};
use rustls::pki_types::CertificateDer;
use rustls::pki_types::pem::PemObject;
use rustls::{ClientConfig, RootCertStore};
use secrecy::ExposeSecret;
use tokio::task::JoinHandle;

use crate::config::LdapConfig;
use crate::error::{LdapError, bind_reason, result_name};

const PAGED_RESULTS_OID: &str = "1.2.840.113556.1.4.319";

/// An open, bound connection and the task driving it.
pub(crate) struct Session {
    ldap: Ldap,
    driver: JoinHandle<()>,
    timeout: Duration,
    page_size: i32,
    /// Where paged searches report their progress.
    progress: idrift_core::ports::ProgressHook,
}

impl Drop for Session {
    fn drop(&mut self) {
        self.driver.abort();
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Transport {
    Ldaps,
    StartTls,
    Plain,
    Socket,
}

fn transport(cfg: &LdapConfig) -> Result<Transport, LdapError> {
    let url = cfg.url.trim();
    let scheme = url
        .split_once("://")
        .map(|(s, _)| s.to_ascii_lowercase())
        .unwrap_or_default();
    match scheme.as_str() {
        "ldaps" => Ok(Transport::Ldaps),
        "ldap" if cfg.allow_plaintext => Ok(Transport::Plain),
        "ldap" => Ok(Transport::StartTls),
        "ldapi" => Ok(Transport::Socket),
        _ => Err(LdapError::InvalidConfig(format!(
            "URL {url:?} must start with ldaps://, ldap:// (StartTLS) or ldapi://"
        ))),
    }
}

/// The rustls configuration: the CA file's certificates, or the system store, and the ring provider.
fn tls_config(cfg: &LdapConfig) -> Result<Arc<ClientConfig>, LdapError> {
    let mut roots = RootCertStore::empty();
    if let Some(path) = &cfg.ca_file {
        let ca_err = |message: String| LdapError::CaFile {
            path: path.display().to_string(),
            message,
        };
        let certs = CertificateDer::pem_file_iter(path)
            .map_err(|e| ca_err(format!("cannot read it ({e})")))?
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| ca_err(format!("not a PEM certificate file ({e})")))?;
        if certs.is_empty() {
            return Err(ca_err("holds no PEM certificate".to_owned()));
        }
        for cert in certs {
            roots
                .add(cert)
                .map_err(|e| ca_err(format!("unusable certificate ({e})")))?;
        }
    } else {
        let found = rustls_native_certs::load_native_certs();
        let (added, _ignored) = roots.add_parsable_certificates(found.certs);
        if added == 0 {
            return Err(LdapError::InvalidConfig(
                "the system store holds no CA certificate; name the domain's CA with a CA file"
                    .to_owned(),
            ));
        }
    }
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| LdapError::InvalidConfig(format!("TLS setup: {e}")))?
        .with_root_certificates(roots)
        .with_no_client_auth();
    Ok(Arc::new(config))
}

/// The TLS library's complaint inside an I/O error, if that is what it is.
fn tls_cause(e: &std::io::Error) -> Option<String> {
    let inner = e.get_ref()?;
    let rustls_err = inner.downcast_ref::<rustls::Error>()?;
    let hint = match rustls_err {
        rustls::Error::InvalidCertificate(_) => {
            "; the server certificate is not trusted: check the CA file (or the system store) and the host name"
        }
        _ => "",
    };
    Some(format!("{rustls_err}{hint}"))
}

/// Maps an error of connection set-up.
fn connect_error(url: &str, e: ldap3::LdapError, secs: u64) -> LdapError {
    let url = url.to_owned();
    match e {
        ldap3::LdapError::Io { source } => match tls_cause(&source) {
            Some(message) => LdapError::Tls { url, message },
            None => LdapError::Connect {
                url,
                message: source.to_string(),
            },
        },
        ldap3::LdapError::Rustls { source } => LdapError::Tls {
            url,
            message: source.to_string(),
        },
        ldap3::LdapError::DNSName { source } => LdapError::InvalidConfig(format!(
            "host of {url} is not a valid TLS server name ({source})"
        )),
        ldap3::LdapError::LdapResult { result } => LdapError::Tls {
            url,
            message: format!(
                "the server refused StartTLS: LDAP result {} ({}): {}",
                result.rc,
                result_name(result.rc),
                result.text
            ),
        },
        ldap3::LdapError::Timeout { .. } => LdapError::Connect {
            url,
            message: format!("no answer within {secs} s"),
        },
        ldap3::LdapError::UrlParsing { source } => {
            LdapError::InvalidConfig(format!("URL {url:?}: {source}"))
        }
        ldap3::LdapError::UnknownScheme(s) => {
            LdapError::InvalidConfig(format!("URL scheme {s:?} is not supported"))
        }
        other => LdapError::Connect {
            url,
            message: other.to_string(),
        },
    }
}

/// Maps an error of an operation on an open connection.
pub(crate) fn op_error(op: &'static str, timeout: Duration, e: ldap3::LdapError) -> LdapError {
    match e {
        ldap3::LdapError::Timeout { .. } => LdapError::Timeout {
            op,
            secs: timeout.as_secs(),
        },
        ldap3::LdapError::EndOfStream => LdapError::ConnectionLost {
            op,
            message: "the server closed the connection".to_owned(),
        },
        ldap3::LdapError::Io { source } => LdapError::ConnectionLost {
            op,
            message: source.to_string(),
        },
        ldap3::LdapError::OpSend { .. }
        | ldap3::LdapError::ResultRecv { .. }
        | ldap3::LdapError::IdScrubSend { .. } => LdapError::ConnectionLost {
            op,
            message: "the connection is closed".to_owned(),
        },
        ldap3::LdapError::FilterParsing => {
            LdapError::InvalidConfig("the LDAP filter does not parse".to_owned())
        }
        ldap3::LdapError::LdapResult { result } => result_error(op, "", &result),
        other => LdapError::ConnectionLost {
            op,
            message: other.to_string(),
        },
    }
}

/// Maps a non-success LDAP result.
pub(crate) fn result_error(op: &'static str, target: &str, res: &LdapResult) -> LdapError {
    let message = res.text.trim().to_owned();
    match res.rc {
        50 => LdapError::AccessDenied {
            op,
            target: target.to_owned(),
            message,
        },
        code => LdapError::Server {
            op,
            target: target.to_owned(),
            code,
            name: result_name(code),
            message,
        },
    }
}

/// Opens a connection as `cfg` says, binds once, and returns the session.
///
/// # Errors
/// [`LdapError::InvalidConfig`], [`LdapError::CaFile`], [`LdapError::Connect`], [`LdapError::Tls`] or
/// [`LdapError::Bind`].
pub(crate) async fn open(cfg: &LdapConfig) -> Result<Session, LdapError> {
    let transport = transport(cfg)?;
    let password = match (&cfg.bind, &cfg.password) {
        (Some(who), None) => {
            return Err(LdapError::InvalidConfig(format!(
                "no password for bind as {who} (an empty password would bind anonymously)"
            )));
        }
        (Some(who), Some(p)) if p.expose_secret().is_empty() => {
            return Err(LdapError::InvalidConfig(format!(
                "empty password for bind as {who} (AD treats it as an anonymous bind)"
            )));
        }
        (None, Some(_)) => {
            return Err(LdapError::InvalidConfig(
                "a password was given without a bind name".to_owned(),
            ));
        }
        (Some(who), Some(p)) => Some((who.as_str(), p)),
        (None, None) => None,
    };
    if cfg.page_size < 1 {
        return Err(LdapError::InvalidConfig(format!(
            "page size must be at least 1, not {}",
            cfg.page_size
        )));
    }
    let mut settings = LdapConnSettings::new().set_conn_timeout(cfg.connect_timeout);
    match transport {
        Transport::Ldaps => settings = settings.set_config(tls_config(cfg)?),
        Transport::StartTls => settings = settings.set_config(tls_config(cfg)?).set_starttls(true),
        Transport::Plain => tracing::warn!(
            url = %cfg.url,
            "connecting without TLS (allow_plaintext): the password and directory data cross the network in clear text"
        ),
        Transport::Socket => {}
    }
    let url = cfg.url.trim();
    let (conn, mut ldap) = LdapConnAsync::with_settings(settings, url)
        .await
        .map_err(|e| connect_error(url, e, cfg.connect_timeout.as_secs()))?;
    let driver = tokio::spawn(async move {
        if let Err(e) = conn.drive().await {
            tracing::debug!(error = %e, "LDAP connection ended");
        }
    });
    let session = Session {
        ldap: ldap.clone(),
        driver,
        timeout: cfg.op_timeout,
        page_size: cfg.page_size,
        progress: cfg.progress.clone(),
    };
    if let Some((who, password)) = password {
        let res = ldap
            .with_timeout(cfg.op_timeout)
            .simple_bind(who, password.expose_secret())
            .await
            .map_err(|e| match op_error("bind", cfg.op_timeout, e) {
                LdapError::ConnectionLost { message, .. } => LdapError::Connect {
                    url: url.to_owned(),
                    message,
                },
                other => other,
            })?;
        match res.rc {
            0 => {}
            49 => {
                return Err(LdapError::Bind {
                    who: who.to_owned(),
                    message: bind_reason(&res.text),
                });
            }
            code => {
                return Err(LdapError::Bind {
                    who: who.to_owned(),
                    message: format!(
                        "LDAP result {code} ({}): {}",
                        result_name(code),
                        res.text.trim()
                    ),
                });
            }
        }
    }
    Ok(session)
}

/// The cookie of a Paged Results response control: `SEQUENCE { size INTEGER, cookie OCTET STRING }`.
fn paged_cookie(ctrls: &[ldap3::controls::Control]) -> Result<Vec<u8>, String> {
    let Some(raw) = ctrls
        .iter()
        .map(|c| &c.1)
        .find(|raw| raw.ctype == PAGED_RESULTS_OID)
    else {
        return Ok(Vec::new());
    };
    let val = raw.val.as_deref().unwrap_or_default();
    let seq = parse_sequence(val).ok_or("malformed Paged Results control in the reply")?;
    match seq.get(1).map(|t| &t.payload) {
        Some(PL::P(cookie)) => Ok(cookie.clone()),
        _ => Err("malformed Paged Results control in the reply".to_owned()),
    }
}

/// The elements of a BER `SEQUENCE`.
pub(crate) fn parse_sequence(val: &[u8]) -> Option<Vec<StructureTag>> {
    let (_, tag) = ldap3::asn1::parse_tag(val).ok()?;
    tag.expect_constructed()
}

/// A BER INTEGER's value (two's complement, big-endian).
pub(crate) fn ber_integer(tag: &StructureTag) -> Option<i64> {
    let PL::P(bytes) = &tag.payload else {
        return None;
    };
    if bytes.is_empty() || bytes.len() > 8 {
        return None;
    }
    let mut v: i64 = if bytes[0] & 0x80 != 0 { -1 } else { 0 };
    for &b in bytes {
        v = (v << 8) | i64::from(b);
    }
    Some(v)
}

impl Session {
    fn handle(&self) -> Ldap {
        let mut ldap = self.ldap.clone();
        ldap.with_timeout(self.timeout);
        ldap
    }

    pub(crate) fn timeout(&self) -> Duration {
        self.timeout
    }

    /// Runs one search request (no paging) with `controls`, handing each entry to `each`, and returns the
    /// response controls. Search references and intermediate messages are skipped.
    ///
    /// # Errors
    /// A lost connection, a timeout, an error result, or `each`'s error.
    pub(crate) async fn search_once<F>(
        &self,
        base: &str,
        scope: Scope,
        filter: &str,
        attrs: &[&str],
        controls: Vec<RawControl>,
        each: &mut F,
    ) -> Result<Vec<ldap3::controls::Control>, LdapError>
    where
        F: FnMut(StructureTag) -> Result<(), LdapError>,
    {
        let mut ldap = self.handle();
        if !controls.is_empty() {
            ldap.with_controls(controls);
        }
        let timeout = self.timeout;
        let mut stream = ldap
            .streaming_search(base, scope, filter, attrs.to_vec())
            .await
            .map_err(|e| op_error("search", timeout, e))?;
        loop {
            match stream.next().await {
                Ok(Some(entry)) => {
                    // 4: SearchResultEntry; 19 (reference) and 25 (intermediate) are skipped.
                    if entry.0.id == 4
                        && let Err(e) = each(entry.0)
                    {
                        let msgid = stream.ldap_handle().last_id();
                        let _ = stream.finish().await;
                        if let Err(abandon) = ldap.abandon(msgid).await {
                            tracing::debug!(error = %abandon, "abandoning a search failed");
                        }
                        return Err(e);
                    }
                }
                Ok(None) => break,
                Err(e) => return Err(op_error("search", timeout, e)),
            }
        }
        let res = stream.finish().await;
        if res.rc != 0 {
            return Err(result_error("search", base, &res));
        }
        Ok(res.ctrls)
    }

    /// A paged search: every page of `filter` under `base`, each entry handed to `each`. Any failed page
    /// fails the whole search.
    ///
    /// # Errors
    /// As for [`Session::search_once`], plus [`LdapError::InvalidData`] for a malformed paging control.
    pub(crate) async fn search_paged<F>(
        &self,
        base: &str,
        scope: Scope,
        filter: &str,
        attrs: &[&str],
        each: &mut F,
    ) -> Result<(), LdapError>
    where
        F: FnMut(StructureTag) -> Result<(), LdapError>,
    {
        let mut cookie = Vec::new();
        let mut pages = 0usize;
        let entries = std::sync::atomic::AtomicUsize::new(0);
        let mut counted = |tag: StructureTag| {
            entries.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            each(tag)
        };
        loop {
            let control: RawControl = PagedResults {
                size: self.page_size,
                cookie: std::mem::take(&mut cookie),
            }
            .into();
            let ctrls = self
                .search_once(base, scope, filter, attrs, vec![control], &mut counted)
                .await?;
            pages += 1;
            self.progress.get().read(
                "Active Directory",
                pages,
                entries.load(std::sync::atomic::Ordering::Relaxed),
            );
            cookie = paged_cookie(&ctrls).map_err(|message| LdapError::InvalidData {
                dn: base.to_owned(),
                message,
            })?;
            if cookie.is_empty() {
                return Ok(());
            }
        }
    }

    /// The entries of a small search (no paging): lookups by name, the rootDSE.
    ///
    /// # Errors
    /// As for [`Session::search_once`].
    pub(crate) async fn search_small(
        &self,
        base: &str,
        scope: Scope,
        filter: &str,
        attrs: &[&str],
    ) -> Result<Vec<StructureTag>, LdapError> {
        let mut found = Vec::new();
        self.search_once(base, scope, filter, attrs, Vec::new(), &mut |tag| {
            found.push(tag);
            Ok(())
        })
        .await?;
        Ok(found)
    }

    /// The entry at `dn` if it matches `filter` (a base search): none when there is no such object
    /// (noSuchObject, 32); a DN the server cannot parse (invalidDNSyntax, 34) is bad input.
    ///
    /// # Errors
    /// [`LdapError::InvalidInput`] for a malformed DN; otherwise as for [`Session::search_once`].
    pub(crate) async fn search_base(
        &self,
        dn: &str,
        filter: &str,
        attrs: &[&str],
    ) -> Result<Vec<StructureTag>, LdapError> {
        match self.search_small(dn, Scope::Base, filter, attrs).await {
            Err(LdapError::Server { code: 32, .. }) => Ok(Vec::new()),
            Err(LdapError::Server {
                code: 34, message, ..
            }) => Err(LdapError::InvalidInput(format!(
                "{dn:?} is not a valid DN ({message})"
            ))),
            found => found,
        }
    }

    /// A clone of the connection handle with the operation timeout set, for writes.
    pub(crate) fn writer(&self) -> Ldap {
        self.handle()
    }
}

#[cfg(test)]
mod tests;
