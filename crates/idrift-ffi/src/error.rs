//! `CallError`: why a call failed, and how that maps to a wire kind and a status.

use idrift_app::AppError;
use idrift_core::ports::SourceError;

use crate::wire::{MAX_REQUEST_BYTES, Status, WIRE_VERSION};

/// Why `idrift_call` could not produce an `Ok` response.
#[derive(Debug, thiserror::Error)]
pub(crate) enum CallError {
    /// `req` was null although `len` was not zero.
    #[error("the request pointer is null but its length is {0}")]
    NullRequest(usize),
    /// The request is longer than [`MAX_REQUEST_BYTES`].
    #[error("the request is {0} bytes; the limit is {MAX_REQUEST_BYTES} bytes")]
    TooLarge(usize),
    /// The request is not a UTF-8 JSON envelope.
    #[error("the request is not a valid envelope: {0}")]
    Malformed(String),
    /// The request's `V` is one this library does not speak.
    #[error("wire version {0} is not supported; this library speaks V {WIRE_VERSION}")]
    UnsupportedVersion(u64),
    /// `Op` names no operation of this library.
    #[error("unknown operation {op:?}; this library serves: {known}")]
    UnknownOp {
        /// The name sent.
        op: String,
        /// The names served, comma-separated.
        known: String,
    },
    /// `Args` does not fit the operation.
    #[error("invalid Args for {op}: {message}")]
    InvalidArgs {
        /// The operation.
        op: &'static str,
        /// Serde's account, naming the field.
        message: String,
    },
    /// The operation failed.
    #[error(transparent)]
    App(#[from] AppError),
    /// A failure of this library itself (the runtime could not start, a result could not be encoded).
    #[error("internal error: {0}")]
    Internal(String),
}

impl CallError {
    /// [`CallError::InvalidArgs`] for `op`, with a message naming the field.
    pub(crate) fn invalid(op: &'static str, message: impl Into<String>) -> Self {
        CallError::InvalidArgs {
            op,
            message: message.into(),
        }
    }

    /// The wire `Kind`.
    pub(crate) fn kind(&self) -> &'static str {
        match self {
            CallError::NullRequest(_) | CallError::Malformed(_) => "BadRequest",
            CallError::TooLarge(_) => "RequestTooLarge",
            CallError::UnsupportedVersion(_) => "UnsupportedVersion",
            CallError::UnknownOp { .. } => "UnknownOp",
            CallError::InvalidArgs { .. } => "InvalidArgs",
            CallError::Internal(_) => "Internal",
            CallError::App(e) => app_kind(e),
        }
    }

    /// The status `idrift_call` returns with this error.
    pub(crate) fn status(&self) -> Status {
        match self {
            CallError::Internal(_) => Status::Internal,
            _ => Status::Error,
        }
    }
}

/// The wire kind of an application error.
pub(crate) fn app_kind(e: &AppError) -> &'static str {
    match e {
        AppError::Read { .. } => "Read",
        AppError::Write { .. } => "Write",
        AppError::Parse { .. } => "Parse",
        AppError::MissingFile { .. } => "MissingFile",
        // An unknown user keeps the kind PowerShell callers have always seen.
        AppError::Invalid(_) | AppError::NotFound(_) => "Invalid",
        // Wrong source settings are wrong arguments, as the wire has always said.
        AppError::Settings(_) => "InvalidArgs",
        AppError::Source(s) | AppError::Live { source: s, .. } => source_kind(s),
    }
}

fn source_kind(e: &SourceError) -> &'static str {
    match e {
        SourceError::Unauthorized(_) => "Source.Unauthorized",
        SourceError::Throttled(_) => "Source.Throttled",
        SourceError::Unavailable(_) => "Source.Unavailable",
        SourceError::Tls(_) => "Source.Tls",
        SourceError::Incomplete(_) => "Source.Incomplete",
        SourceError::InvalidData(_) => "Source.InvalidData",
        SourceError::NotFound(_) => "Source.NotFound",
        SourceError::Refused(_) => "Source.Refused",
        SourceError::Conflict(_) => "Source.Conflict",
        SourceError::Other(_) => "Source.Other",
    }
}
