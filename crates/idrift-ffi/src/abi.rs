//! The C ABI: the four exports and the buffer type they hand out. This is the only module with `unsafe`.
//!
//! ```c
//! typedef struct { uint8_t *ptr; size_t len; size_t cap; } IdriftBuf;
//! int32_t  idrift_call(const uint8_t *req, size_t req_len, IdriftBuf *out); /* 0 ok, 1 error, 2 internal */
//! int32_t  idrift_progress(const uint8_t *token, size_t token_len, IdriftBuf *out); /* 0, or 2 */
//! void     idrift_buf_free(IdriftBuf buf);
//! uint32_t idrift_abi_version(void);
//! ```
//!
//! Ownership follows one rule: Rust allocates every response, and only [`idrift_buf_free`] releases it.
//! The host never frees a buffer with its own allocator and never hands Rust a buffer it did not get
//! from [`idrift_call`]. No Rust object other than these bytes crosses the boundary.
#![allow(
    unsafe_code,
    reason = "the C ABI: the host's raw pointers are turned into Rust values here and nowhere else"
)]

use std::mem::ManuallyDrop;
use std::panic::{self, AssertUnwindSafe};

use crate::error::CallError;
use crate::wire::{MAX_REQUEST_BYTES, Status};
use crate::{dispatch, panics, progress};

/// The ABI version [`idrift_abi_version`] reports. It changes when an export is added or its signature or
/// the ownership rules change; the JSON envelope has its own version (`"V"`). Version 2 added
/// [`idrift_progress`].
pub const ABI_VERSION: u32 = 2;

/// Rust-owned response bytes (UTF-8 JSON), laid out as `{ptr, len, cap}`.
///
/// A buffer filled by [`idrift_call`] MUST be released with [`idrift_buf_free`], exactly once, and never by
/// the caller's allocator; `cap` is only for that function. A buffer that was never filled (from
/// [`IdriftBuf::empty`]) may be passed to [`idrift_buf_free`] too, which does nothing with it.
#[repr(C)]
#[derive(Debug)]
pub struct IdriftBuf {
    ptr: *mut u8,
    len: usize,
    cap: usize,
}

impl IdriftBuf {
    /// An empty buffer (null pointer), to initialise the `out` argument of [`idrift_call`].
    pub const fn empty() -> Self {
        IdriftBuf {
            ptr: std::ptr::null_mut(),
            len: 0,
            cap: 0,
        }
    }

    fn from_vec(bytes: Vec<u8>) -> Self {
        let mut bytes = ManuallyDrop::new(bytes);
        IdriftBuf {
            ptr: bytes.as_mut_ptr(),
            len: bytes.len(),
            cap: bytes.capacity(),
        }
    }

    /// The bytes of the response.
    pub fn as_bytes(&self) -> &[u8] {
        if self.ptr.is_null() || self.len == 0 {
            return &[];
        }
        // SAFETY: the fields are private, so a non-null `ptr` comes from `from_vec`: it points to `len`
        // initialised bytes of a live `Vec` that only `idrift_buf_free` (which takes `self` by value) releases.
        unsafe { std::slice::from_raw_parts(self.ptr, self.len) }
    }

    /// The number of bytes.
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether the buffer holds no bytes.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }
}

/// Runs one request and writes the response to `*out`.
///
/// `req` points to `req_len` bytes of UTF-8 JSON (`{"V":1,"Op":...,"Args":{...}}`, no terminating NUL).
/// Returns 0 when the response holds `Ok`, 1 when it holds `Err` the caller can act on, 2 when it holds
/// `Err` of kind `Internal` (a panic or a failure of the library itself). In all three cases `*out` holds a
/// response that MUST be released with [`idrift_buf_free`]. Only when `out` is null is nothing written, and
/// 2 is returned. Requests longer than [`MAX_REQUEST_BYTES`] are refused (status 1) without being read.
/// The call blocks the calling thread; it may be made from several threads at once.
///
/// # Safety
/// `req` must point to `req_len` readable bytes that stay unchanged during the call (it may be null when
/// `req_len` is 0); `out` must be null or valid for one write of an [`IdriftBuf`].
#[unsafe(no_mangle)]
pub unsafe extern "C" fn idrift_call(req: *const u8, req_len: usize, out: *mut IdriftBuf) -> i32 {
    if out.is_null() {
        return Status::Internal.code();
    }
    let (status, body) = panics::guard(|| {
        if req_len > MAX_REQUEST_BYTES {
            return dispatch::reject(&CallError::TooLarge(req_len));
        }
        let bytes: &[u8] = if req_len == 0 {
            &[]
        } else if req.is_null() {
            return dispatch::reject(&CallError::NullRequest(req_len));
        } else {
            // SAFETY: the caller guarantees `req` points to `req_len` readable bytes for the whole call;
            // `req_len` is at most MAX_REQUEST_BYTES, far below isize::MAX.
            unsafe { std::slice::from_raw_parts(req, req_len) }
        };
        dispatch::handle(bytes)
    });
    // SAFETY: `out` is not null, and the caller guarantees it is valid for one write.
    unsafe { out.write(IdriftBuf::from_vec(body)) };
    status.code()
}

/// Writes the progress of the running call whose request carried `"Progress": "<token>"` to `*out`: UTF-8
/// JSON `{"Seq":n,"Read":{"Source","Pages","Items"}|null,"Waiting":{"What","Seconds","Cause"}|null,
/// "Step":{"Done","Total","Target"}|null}`, or `null` when no running call has that token (it has not
/// started, or it has returned). Returns 0, or 2 when `out` is null (nothing written) or the library failed.
/// `*out` MUST be released with [`idrift_buf_free`]. Meant to be called from another thread than the call's,
/// while [`idrift_call`] blocks that one.
///
/// # Safety
/// `token` must point to `token_len` readable bytes (it may be null when `token_len` is 0); `out` must be
/// null or valid for one write of an [`IdriftBuf`].
#[unsafe(no_mangle)]
pub unsafe extern "C" fn idrift_progress(
    token: *const u8,
    token_len: usize,
    out: *mut IdriftBuf,
) -> i32 {
    if out.is_null() {
        return Status::Internal.code();
    }
    let body = panic::catch_unwind(|| {
        let bytes: &[u8] =
            if token_len == 0 || token.is_null() || token_len > progress::MAX_TOKEN_LEN {
                &[]
            } else {
                // SAFETY: the caller guarantees `token` points to `token_len` readable bytes for the call;
                // `token_len` is at most MAX_TOKEN_LEN.
                unsafe { std::slice::from_raw_parts(token, token_len) }
            };
        let snapshot = std::str::from_utf8(bytes).ok().and_then(progress::snapshot);
        serde_json::to_vec(&snapshot).ok()
    });
    let (status, body) = match body {
        Ok(Some(body)) => (Status::Ok, body),
        _ => (Status::Internal, b"null".to_vec()),
    };
    // SAFETY: `out` is not null, and the caller guarantees it is valid for one write.
    unsafe { out.write(IdriftBuf::from_vec(body)) };
    status.code()
}

/// Releases a buffer filled by [`idrift_call`] or [`idrift_progress`]. A buffer with a null pointer is ignored.
///
/// # Safety
/// `buf` must be a buffer [`idrift_call`] wrote (or [`IdriftBuf::empty`]), unchanged, and not released
/// before. Releasing it twice is undefined behaviour.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn idrift_buf_free(buf: IdriftBuf) {
    if buf.ptr.is_null() {
        return;
    }
    // Dropping a `Vec<u8>` does not panic, but nothing may unwind into the host, so catch anyway.
    let _ = panic::catch_unwind(AssertUnwindSafe(|| {
        // SAFETY: the caller guarantees `buf` is exactly what `IdriftBuf::from_vec` produced from a
        // `Vec<u8>` (pointer, length and capacity unchanged) and that it has not been released before.
        drop(unsafe { Vec::from_raw_parts(buf.ptr, buf.len, buf.cap) });
    }));
}

/// The ABI version of this library ([`ABI_VERSION`]). Hosts check it once after loading the library.
#[unsafe(no_mangle)]
pub extern "C" fn idrift_abi_version() -> u32 {
    panic::catch_unwind(|| ABI_VERSION).unwrap_or(ABI_VERSION)
}
