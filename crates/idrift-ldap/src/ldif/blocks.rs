//! Splitting LDIF input at entry boundaries, so that entries can be parsed on several threads.
//!
//! An entry boundary is an empty line (`\n\n`, or `\n\r\n`) that is not followed by a continuation line
//! (one starting with a space): after it every LDIF reader is between records, whatever came before.
//! [`Blocks`] reads the input in large blocks that end at such a boundary (or at the end of the input),
//! and [`split`] cuts a block into parts of about a given size at boundaries. A part is parsed on its own
//! with line numbers counted from 1; [`newlines`] gives how many lines a part spans, so the caller adds the
//! lines of the parts before it to name the line of the whole input.

use std::io::{self, Read};

/// The largest entry accepted: far above any directory object (a thumbnail photo and fifteen certificates
/// take well under a megabyte), and a bound on what an input without empty lines makes the reader hold.
pub const MAX_ENTRY: usize = 256 << 20;

/// The size of the blocks [`Blocks`] reads.
pub const BLOCK: usize = 8 << 20;

/// Where the entry after the boundary starting at the `\n` at `nl` begins, if that `\n` ends a line and
/// an empty line follows it that is not followed by a continuation line. `None` also when the bytes after
/// `nl` do not tell yet (the input goes on beyond `bytes`) and `at_end` is false.
fn boundary_after(bytes: &[u8], nl: usize, at_end: bool) -> Option<usize> {
    let next = match bytes.get(nl + 1..)? {
        [b'\n', ..] => nl + 2,
        [b'\r', b'\n', ..] => nl + 3,
        _ => return None,
    };
    match bytes.get(next) {
        Some(b' ') => None,
        Some(_) => Some(next),
        None => at_end.then_some(next),
    }
}

/// The first entry boundary at or after `from` (the offset where the next entry starts).
pub fn next_boundary(bytes: &[u8], from: usize, at_end: bool) -> Option<usize> {
    let mut pos = from;
    while pos < bytes.len() {
        let nl = pos + memchr::memchr(b'\n', &bytes[pos..])?;
        if let Some(start) = boundary_after(bytes, nl, at_end) {
            return Some(start);
        }
        pos = nl + 1;
    }
    None
}

/// The last entry boundary in `bytes` (the offset where the entry after it starts), searching backwards.
fn last_boundary(bytes: &[u8], at_end: bool) -> Option<usize> {
    let mut end = bytes.len();
    while let Some(nl) = memchr::memrchr(b'\n', &bytes[..end]) {
        if let Some(start) = boundary_after(bytes, nl, at_end) {
            return Some(start);
        }
        // An empty line ending at `nl` is found when its own `\n` (the one before) is looked at.
        end = nl;
    }
    None
}

/// Where the first line that is neither empty, a comment nor a continuation starts (the input's first
/// record or `version:` line): no part may start before it, so every part after the first starts between
/// records.
fn first_content(bytes: &[u8]) -> usize {
    let mut pos = 0;
    while pos < bytes.len() {
        let line_end = memchr::memchr(b'\n', &bytes[pos..]).map_or(bytes.len(), |i| pos + i);
        let line = &bytes[pos..line_end];
        let line = line
            .strip_prefix(b"\xEF\xBB\xBF".as_slice())
            .unwrap_or(line);
        match line.first() {
            None | Some(b'\r' | b'#' | b' ') => pos = line_end + 1,
            Some(_) => return pos,
        }
    }
    bytes.len()
}

/// Cuts `bytes` (whole entries) into parts of about `part` bytes, each ending at an entry boundary. With
/// `first`, `bytes` is the start of the input and the first part reaches past its first record or
/// `version:` line.
pub fn split(bytes: &[u8], part: usize, first: bool) -> Vec<&[u8]> {
    let mut parts = Vec::with_capacity(bytes.len() / part.max(1) + 1);
    let mut start = 0;
    let mut from = if first { first_content(bytes) } else { 0 };
    while start < bytes.len() {
        let target = (start + part).max(from);
        let end = if target >= bytes.len() {
            bytes.len()
        } else {
            next_boundary(bytes, target, true).unwrap_or(bytes.len())
        };
        parts.push(&bytes[start..end]);
        start = end;
        from = end;
    }
    parts
}

/// The number of `\n` in `bytes`: the lines a part spans before the next part starts.
pub fn newlines(bytes: &[u8]) -> usize {
    memchr::memchr_iter(b'\n', bytes).count()
}

/// Reads an input in blocks of whole entries.
pub struct Blocks<R> {
    reader: R,
    buf: Vec<u8>,
    /// The bytes `start..end` of `buf` are read but not handed out yet.
    start: usize,
    end: usize,
    eof: bool,
    first: bool,
    block: usize,
}

/// One block of whole entries.
#[derive(Debug)]
pub struct Block<'a> {
    /// The bytes.
    pub bytes: &'a [u8],
    /// Whether this is the start of the input.
    pub first: bool,
}

impl<R: Read> Blocks<R> {
    /// A reader of blocks of about [`BLOCK`] bytes.
    pub fn new(reader: R) -> Self {
        Self::with_block(reader, BLOCK)
    }

    /// A reader of blocks of about `block` bytes (at least one entry each).
    pub fn with_block(reader: R, block: usize) -> Self {
        Blocks {
            reader,
            buf: Vec::new(),
            start: 0,
            end: 0,
            eof: false,
            first: true,
            block: block.max(1),
        }
    }

    /// Reads until `buf` holds `want` bytes past `start`, or the input ends.
    fn fill(&mut self, want: usize) -> io::Result<()> {
        if self.start > 0 {
            self.buf.copy_within(self.start..self.end, 0);
            self.end -= self.start;
            self.start = 0;
        }
        if self.buf.len() < want {
            self.buf.resize(want, 0);
        }
        while self.end < want && !self.eof {
            match self.reader.read(&mut self.buf[self.end..want]) {
                Ok(0) => self.eof = true,
                Ok(n) => self.end += n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        }
        Ok(())
    }

    /// The next block, or `None` at the end of the input.
    ///
    /// # Errors
    /// The reader's errors; [`io::ErrorKind::InvalidData`] for an entry longer than [`MAX_ENTRY`].
    pub fn next_block(&mut self) -> io::Result<Option<Block<'_>>> {
        let mut want = self.block;
        let cut = loop {
            self.fill(want)?;
            let avail = &self.buf[..self.end];
            if self.eof {
                break self.end;
            }
            // The first block keeps its first record whole even when blank lines and comments come first.
            let skip = if self.first { first_content(avail) } else { 0 };
            if let Some(cut) = last_boundary(avail, false).filter(|&c| c > skip) {
                break cut;
            }
            if want >= MAX_ENTRY + self.block {
                return Err(io::Error::new(
                    io::ErrorKind::InvalidData,
                    format!(
                        "an entry longer than {} MiB (no empty line between records?)",
                        MAX_ENTRY >> 20
                    ),
                ));
            }
            want = (want * 2).min(MAX_ENTRY + self.block);
        };
        if cut == 0 {
            return Ok(None);
        }
        self.start = cut;
        let first = std::mem::replace(&mut self.first, false);
        Ok(Some(Block {
            bytes: &self.buf[..cut],
            first,
        }))
    }
}
