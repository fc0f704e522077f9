//! `Reply`: a response as the handlers build it, with the Graph, Exchange and token-endpoint error
//! shapes Microsoft documents.

use serde_json::{Value, json};

/// A response before it becomes a wiremock `ResponseTemplate`.
#[derive(Debug, Clone)]
pub(crate) struct Reply {
    pub(crate) status: u16,
    pub(crate) headers: Vec<(String, String)>,
    pub(crate) content_type: &'static str,
    pub(crate) body: Vec<u8>,
}

/// Graph's content type for JSON.
pub(crate) const GRAPH_JSON: &str = "application/json;odata.metadata=minimal;odata.streaming=true;IEEE754Compatible=false;charset=utf-8";

impl Reply {
    /// A JSON body.
    pub(crate) fn json(status: u16, v: &Value) -> Reply {
        Reply {
            status,
            headers: Vec::new(),
            content_type: GRAPH_JSON,
            body: v.to_string().into_bytes(),
        }
    }

    /// No content.
    pub(crate) fn no_content() -> Reply {
        Reply {
            status: 204,
            headers: Vec::new(),
            content_type: "text/plain",
            body: Vec::new(),
        }
    }

    /// Adds a header.
    pub(crate) fn header(mut self, name: &str, value: impl Into<String>) -> Reply {
        self.headers.push((name.to_owned(), value.into()));
        self
    }

    /// A Graph error: `{"error":{"code":…,"message":…,"innerError":{…}}}`.
    pub(crate) fn graph_error(status: u16, code: &str, message: &str) -> Reply {
        let request_id = uuid::Uuid::new_v4().to_string();
        Reply::json(
            status,
            &json!({
                "error": {
                    "code": code,
                    "message": message,
                    "innerError": {
                        "date": "2026-11-25T14:30:05",
                        "request-id": request_id,
                        "client-request-id": request_id,
                    }
                }
            }),
        )
    }

    /// An Exchange admin API error with the message in `error.details[0].message`.
    pub(crate) fn exo_error_details(status: u16, exception: &str, message: &str) -> Reply {
        Reply::json(
            status,
            &json!({
                "error": {
                    "code": "BadRequest",
                    "message": "Error executing cmdlet",
                    "details": [{ "code": exception, "target": "", "message": message }],
                    "innererror": { "message": message, "type": exception }
                }
            }),
        )
    }

    /// An Exchange admin API error with the message only in `error.innererror.internalException`.
    pub(crate) fn exo_error_internal(status: u16, exception: &str, message: &str) -> Reply {
        Reply::json(
            status,
            &json!({
                "error": {
                    "code": "InternalServerError",
                    "message": "An error has occurred.",
                    "innererror": {
                        "message": "Error executing request.",
                        "type": "Microsoft.Exchange.Admin.OData.Core.ODataServiceException",
                        "internalException": { "message": message, "type": exception }
                    }
                }
            }),
        )
    }

    /// A token endpoint error (`{"error":…,"error_description":"AADSTS…"}`).
    pub(crate) fn token_error(status: u16, error: &str, code: u32, description: &str) -> Reply {
        let id = uuid::Uuid::new_v4().to_string();
        Reply::json(
            status,
            &json!({
                "error": error,
                "error_description": format!("AADSTS{code}: {description} Trace ID: {id} Correlation ID: {id} Timestamp: 2026-11-25 14:30:05Z"),
                "error_codes": [code],
                "timestamp": "2026-11-25 14:30:05Z",
                "trace_id": id,
                "correlation_id": id,
            }),
        )
    }
}
