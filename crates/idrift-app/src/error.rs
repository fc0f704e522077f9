//! `AppError`: why an operation of the application layer failed, naming the file, line or field involved.

use std::path::{Path, PathBuf};

use idrift_core::ports::SourceError;

/// The error type of `idrift-app`. Every variant names what the user can act on; none carries a secret.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// A file could not be opened or read.
    #[error("{path}: cannot read: {source}")]
    Read {
        /// The file.
        path: PathBuf,
        /// The operating system's reason.
        #[source]
        source: std::io::Error,
    },
    /// A file could not be written (nothing partial is left behind).
    #[error("{path}: cannot write: {source}")]
    Write {
        /// The file.
        path: PathBuf,
        /// The operating system's reason.
        #[source]
        source: std::io::Error,
    },
    /// A file's content is not what the reader expected (the message has the line or JSON path).
    #[error("{path}: {message}")]
    Parse {
        /// The file.
        path: PathBuf,
        /// Where and what, e.g. "line 12: expected `attribute: value`".
        message: String,
    },
    /// A snapshot directory lacks a required file.
    #[error("{dir}: snapshot directory has no {file}")]
    MissingFile {
        /// The snapshot directory.
        dir: PathBuf,
        /// The missing file name.
        file: &'static str,
    },
    /// A live directory could not be read or written.
    #[error(transparent)]
    Source(#[from] SourceError),
    /// A live service failed; `context` names it (server, endpoint or cmdlet).
    #[error("{context}: {source}")]
    Live {
        /// Which service and operation.
        context: String,
        /// What went wrong.
        #[source]
        source: SourceError,
    },
    /// The request itself is wrong (options that do not fit together, a journal that exists, ...).
    #[error("{0}")]
    Invalid(String),
    /// The source settings are wrong: a missing or unreadable credential, a setting out of range, a source
    /// that names too little. The message names the setting as the front end spells it.
    #[error("{0}")]
    Settings(String),
    /// The user (or object) the request names does not exist in the source read: the input is wrong, not
    /// the command line (exit code 1, not 2).
    #[error("{0}")]
    NotFound(String),
}

impl AppError {
    /// [`AppError::Parse`]: `message` says where in `path` and what is wrong.
    pub fn parse(path: &Path, message: impl Into<String>) -> AppError {
        AppError::Parse {
            path: path.to_path_buf(),
            message: message.into(),
        }
    }

    /// Whether this error is the user's request being wrong (exit code 2) rather than input or a source failing.
    pub fn is_usage(&self) -> bool {
        matches!(self, AppError::Invalid(_) | AppError::Settings(_))
    }

    /// Whether this error stops a run over several users rather than failing only the user it came from:
    /// the settings are wrong, or a source cannot be reached or refuses the credentials (the next user would
    /// fail the same way).
    pub fn stops_batch(&self) -> bool {
        match self {
            AppError::Source(s) | AppError::Live { source: s, .. } => matches!(
                s,
                SourceError::Unauthorized(_)
                    | SourceError::Unavailable(_)
                    | SourceError::Tls(_)
                    | SourceError::Throttled(_)
            ),
            AppError::Settings(_) => true,
            _ => false,
        }
    }
}
