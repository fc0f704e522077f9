//! What the dispatcher's tests share: one request in, the status and the decoded body out; the text of a
//! string field; a file written into a test directory.
use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::dispatch::handle;
use crate::wire::Status;

/// Sends `request` through the dispatcher and decodes the response body.
pub(crate) fn call(request: &Value) -> (Status, Value) {
    call_text(&request.to_string())
}

/// Sends the request text as it is (for requests that are not valid JSON, or not of the usual shape).
pub(crate) fn call_text(request: &str) -> (Status, Value) {
    let (status, body) = handle(request.as_bytes());
    (status, serde_json::from_slice(&body).unwrap())
}

/// The text of a string field; panics, showing the field, when it is not a string.
#[track_caller]
pub(crate) fn text(field: &Value) -> &str {
    field
        .as_str()
        .unwrap_or_else(|| panic!("not a string: {field}"))
}

/// Whether `v` is an array of which every element satisfies `f`.
pub(crate) fn every(v: &Value, f: impl Fn(&Value) -> bool) -> bool {
    v.as_array().is_some_and(|a| a.iter().all(f))
}

/// Writes `contents` to `dir/name` and returns the file's path.
#[track_caller]
pub(crate) fn write_file(dir: &Path, name: &str, contents: impl AsRef<[u8]>) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, contents).unwrap();
    path
}

/// Asserts that a call failed (showing the response when not) and returns its error message.
#[track_caller]
pub(crate) fn error_message(status: Status, v: &Value) -> &str {
    assert_eq!(status, Status::Error, "{v}");
    text(&v["Err"]["Message"])
}

/// A new temporary directory holding the file `name` with `contents`, and the file's path.
#[track_caller]
pub(crate) fn temp_file(name: &str, contents: impl AsRef<[u8]>) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let path = write_file(dir.path(), name, contents);
    (dir, path)
}
