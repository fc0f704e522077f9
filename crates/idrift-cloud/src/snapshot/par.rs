//! Reading a large Graph export on all cores, a block at a time.
//!
//! The common shape of a big export is one page object, `{"@odata.context":...,"value":[{...},{...},...]}`
//! (what Graph returns, what `snapshot take` writes). [`read_stream`] reads it in blocks of about
//! [`BLOCK`] bytes, cuts each block's part of the `value` array into runs of items and parses the runs on
//! all cores, each item exactly as the serial driver ([`super::de`]) parses an item of a page: by the item
//! type's byte scanner where it has one and is sure of the result ([`Item::scan`]; the comparison's users,
//! [`super::fast`]), else by serde. The object
//! around the array (its `@odata.*` annotations, anything after the array) is read by the serial driver
//! itself, from a copy with an empty `value` array, so paging annotations and checks stay the same.
//!
//! Where a run starts is a guess: the next place where the text that separates the first two items (`}`,
//! the comma, `{` and the first property name, spacing included) occurs again. A property name holds
//! quotes, which a JSON string cannot hold unescaped, so the guess is never inside a string, but it may be
//! inside an item (an array of objects whose first property has that name). Each run is therefore checked
//! against the end of the run before it, and parsed again from there when the guess was wrong: the items
//! come out in input order, exactly as a serial read gives them.
//!
//! Anything else (another shape, an error, text that is not UTF-8, an object that does not fit in memory
//! bounds) makes [`read_stream`] give up with `None`; the caller then reads the file with the serial driver,
//! which names the error with its line and JSON path.

use std::io::Read;
use std::marker::PhantomData;

use rayon::prelude::*;
use serde::de::{Deserialize, DeserializeSeed, Deserializer};

use super::de::{Item, ItemSeed, Key, PageMeta, Tracker, read_slice};

/// The size of the blocks read from the input.
pub(crate) const BLOCK: usize = 8 << 20;

/// The largest item accepted on this path (a larger one goes to the serial driver).
const MAX_ITEM: usize = 64 << 20;

/// The most text before the `value` array and after it (the object's annotations) read on this path.
const MAX_ENVELOPE: usize = 1 << 20;

/// Reads the items of a single page object from `reader` (UTF-8, a byte-order mark allowed), handing each
/// to `sink` in input order; the page's annotations are returned. `None` when the input is not of that
/// shape or not valid: `sink` may have been called for some items then, and the caller reads the input
/// again with the serial driver.
pub(crate) fn read_stream<T: Item + Send, R: Read>(
    reader: R,
    sink: &mut dyn FnMut(T),
) -> Option<PageMeta> {
    read_blocks(reader, BLOCK, sink)
}

/// [`read_stream`] with blocks of about `block` bytes.
pub(crate) fn read_blocks<T: Item + Send, R: Read>(
    reader: R,
    block: usize,
    sink: &mut dyn FnMut(T),
) -> Option<PageMeta> {
    let block = block.max(1);
    let mut input = Input {
        reader,
        buf: Vec::new(),
        eof: false,
    };
    // The first read holds the text before the array (a few hundred bytes in a Graph page).
    input.fill(block.max(64 << 10))?;
    let start = if input.buf.starts_with(b"\xEF\xBB\xBF") {
        3
    } else {
        0
    };
    let open = array_start::<T>(&input.buf, start)?;
    let prefix = input.buf.get(start..open)?.to_vec();
    let mut pos = skip_ws(&input.buf, open);
    let mut sep: Option<Vec<u8>> = None;
    loop {
        if input.buf.len() - pos < block && !input.eof {
            input.buf.drain(..pos);
            pos = 0;
            input.fill(block)?;
        }
        let data = &input.buf;
        if pos >= data.len() {
            // The input ends inside the array: the serial driver names it.
            return None;
        }
        if data.get(pos) == Some(&b']') {
            return finish(input, pos, prefix, sink);
        }
        let sep = match &sep {
            Some(s) => s,
            None => {
                // A page of one item has no separator to find: it is read whole.
                let first = Run::<T>::parse(data, pos, pos + 1);
                if !first.failed && first.array_end {
                    let end = first.end;
                    for item in first.items.into_iter().flatten() {
                        sink(item);
                    }
                    return finish(input, end, prefix, sink);
                }
                let found = separator::<T>(data, pos)?;
                sep.insert(found)
            }
        };
        let finder = memchr::memmem::Finder::new(sep.as_slice());
        // The block's run ends where the last item that starts in it starts (the input is read on); at the
        // end of the input, at its end.
        let cut = if input.eof {
            data.len()
        } else {
            match memchr::memmem::rfind(data.get(pos + 1..)?, sep) {
                Some(i) => pos + 1 + i + sep_brace(sep),
                None if data.len() - pos > MAX_ITEM => return None,
                None => {
                    let want = data.len() + block.max(data.len() - pos);
                    input.fill(want)?;
                    continue;
                }
            }
        };
        let starts = run_starts(data, pos, cut, sep, &finder);
        let runs: Vec<Run<T>> = starts
            .par_windows(2)
            .map(|w| Run::parse(data, w[0], w[1]))
            .collect();
        let mut expected = pos;
        let mut array_end = None;
        let mut truncated = false;
        for (run, w) in runs.into_iter().zip(starts.windows(2)) {
            let run = if w[0] == expected {
                run
            } else {
                Run::parse(data, expected, w[1])
            };
            if run.failed {
                if run.truncated && !input.eof {
                    // An item reaches past the text read so far (the block's cut was inside an item):
                    // read on and parse again from the last item boundary.
                    truncated = true;
                    break;
                }
                return None;
            }
            for item in run.items.into_iter().flatten() {
                sink(item);
            }
            expected = run.end;
            if run.array_end {
                array_end = Some(run.end);
                break;
            }
        }
        if let Some(end) = array_end {
            return finish(input, end, prefix, sink);
        }
        pos = expected;
        if truncated {
            if input.buf.len() - pos > MAX_ITEM {
                return None;
            }
            let want = input.buf.len() + block;
            input.fill(want)?;
        }
    }
}

/// The input, read into `buf` as needed.
struct Input<R> {
    reader: R,
    buf: Vec<u8>,
    eof: bool,
}

impl<R: Read> Input<R> {
    /// Reads until `buf` holds at least `want` bytes or the input ends; `None` on a read error.
    fn fill(&mut self, want: usize) -> Option<()> {
        while self.buf.len() < want && !self.eof {
            let have = self.buf.len();
            self.buf.resize(want, 0);
            let got = loop {
                match self.reader.read(&mut self.buf[have..]) {
                    Ok(n) => break n,
                    Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                    Err(_) => {
                        self.buf.truncate(have);
                        return None;
                    }
                }
            };
            self.buf.truncate(have + got);
            self.eof = got == 0;
        }
        Some(())
    }
}

/// After the items: the object around the array is read by the serial driver, from a copy holding the
/// text before the array and everything after it (so an empty `value` array).
fn finish<T: Item, R: Read>(
    mut input: Input<R>,
    close: usize,
    mut envelope: Vec<u8>,
    sink: &mut dyn FnMut(T),
) -> Option<PageMeta> {
    let rest = input.buf.get(close..)?;
    if rest.len() > MAX_ENVELOPE {
        return None;
    }
    envelope.extend_from_slice(rest);
    input.buf = Vec::new();
    let mut tail = Vec::new();
    input
        .reader
        .take((MAX_ENVELOPE + 1) as u64)
        .read_to_end(&mut tail)
        .ok()?;
    if envelope.len() + tail.len() > 2 * MAX_ENVELOPE {
        return None;
    }
    envelope.extend_from_slice(&tail);
    std::str::from_utf8(&envelope).ok()?;
    read_slice::<T>(&envelope, sink).ok()
}

/// One run of items, parsed on its own.
struct Run<T> {
    /// The items (`None` for an item the reader drops, such as a delta `@removed` entry).
    items: Vec<Option<T>>,
    /// Where the item after the run starts, or the `]` that closes the array.
    end: usize,
    /// The run ends at the `]` closing the array.
    array_end: bool,
    /// An item did not parse, or the text between items was not `,`: the guess of the run's start was
    /// wrong, or the input is not valid (the serial driver says why).
    failed: bool,
    /// The run failed where the text read so far ends (more of the input may complete it).
    truncated: bool,
}

impl<T: Item> Run<T> {
    /// Parses the items starting at `start` (where an item's `{` is) until one starts at or after `bound`,
    /// or the array ends. Items may reach up to the end of `data`; one cut off there fails the run. Every
    /// byte of the run is checked to be UTF-8 (text that is not goes through the shared decoder).
    fn parse(data: &[u8], start: usize, bound: usize) -> Run<T> {
        let mut run = Self::parse_items(data, start, bound);
        if !run.failed && std::str::from_utf8(data.get(start..run.end).unwrap_or_default()).is_err()
        {
            run.failed = true;
        }
        run
    }

    fn parse_items(data: &[u8], start: usize, bound: usize) -> Run<T> {
        let mut run = Run {
            // A Graph user takes a few hundred bytes at the least: the items rarely outgrow this.
            items: Vec::with_capacity(bound.saturating_sub(start) / 400 + 1),
            end: start,
            array_end: false,
            failed: false,
            truncated: false,
        };
        let mut pos = start;
        while pos < bound {
            let end = if let Some((item, end)) = T::scan(data, pos) {
                run.items.push(item);
                end
            } else {
                let Some(rest) = data.get(pos..) else {
                    run.failed = true;
                    return run;
                };
                let mut stream =
                    serde_json::Deserializer::from_slice(rest).into_iter::<ParItem<T>>();
                match stream.next() {
                    Some(Ok(ParItem(item))) => run.items.push(item),
                    Some(Err(e)) => {
                        run.failed = true;
                        run.truncated = e.is_eof();
                        return run;
                    }
                    None => {
                        run.failed = true;
                        run.truncated = true;
                        return run;
                    }
                }
                pos + stream.byte_offset()
            };
            pos = skip_ws(data, end);
            match data.get(pos) {
                Some(b',') => {
                    pos = skip_ws(data, pos + 1);
                    if data.get(pos) != Some(&b'{') {
                        run.failed = true;
                        run.truncated = data.get(pos).is_none();
                        return run;
                    }
                }
                Some(b']') => {
                    run.end = pos;
                    run.array_end = true;
                    return run;
                }
                other => {
                    run.failed = true;
                    run.truncated = other.is_none();
                    return run;
                }
            }
        }
        run.end = pos;
        run
    }
}

/// One item of a page, parsed as the serial driver parses it (its JSON path is not followed: an error
/// sends the whole input to the serial driver, which names it).
struct ParItem<T>(Option<T>);

impl<'de, T: Item> Deserialize<'de> for ParItem<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let tracker = Tracker::default();
        ItemSeed::<T>(PhantomData, &tracker)
            .deserialize(d)
            .map(ParItem)
    }
}

/// The starts of the runs of `data[pos..cut]` (about one per thread and a few more, so uneven runs even
/// out), each where `sep` next occurs, then `cut`.
fn run_starts(
    data: &[u8],
    pos: usize,
    cut: usize,
    sep: &[u8],
    finder: &memchr::memmem::Finder<'_>,
) -> Vec<usize> {
    let runs = rayon::current_num_threads().max(1) * 4;
    let step = ((cut - pos) / runs).max(4 << 10);
    let mut starts = vec![pos];
    let mut at = pos + step;
    while at < cut {
        let Some(found) = data.get(at..cut).and_then(|d| finder.find(d)) else {
            break;
        };
        let start = at + found + sep_brace(sep);
        if start >= cut {
            break;
        }
        starts.push(start);
        at = start + step;
    }
    starts.push(cut);
    starts
}

/// The offset of the `{` in a separator (after the `}`, the comma and spacing).
fn sep_brace(sep: &[u8]) -> usize {
    sep.iter().position(|&b| b == b'{').unwrap_or(0)
}

/// The text that separates the first item at `pos` from the second: from the first item's closing `}`
/// through the second's first property name and its closing quote. `None` when the array does not hold
/// two objects this path reads (the serial driver reads it).
fn separator<T: Item>(data: &[u8], pos: usize) -> Option<Vec<u8>> {
    if data.get(pos) != Some(&b'{') {
        return None;
    }
    let run = Run::<T>::parse(data, pos, pos + 1);
    if run.failed || run.array_end {
        return None;
    }
    // `run.end` is the second item's `{`; its closing `}` is the first non-space byte before the comma.
    let comma = data.get(..run.end)?.iter().rposition(|&b| b == b',')?;
    let close = data.get(..comma)?.iter().rposition(|&b| b == b'}')?;
    let key = skip_ws(data, run.end + 1);
    if data.get(key) != Some(&b'"') {
        return None;
    }
    let key_end = key + 1 + memchr::memchr2(b'"', b'\\', data.get(key + 1..)?)?;
    if data.get(key_end) != Some(&b'"') {
        return None;
    }
    Some(data.get(close..=key_end)?.to_vec())
}

fn skip_ws(data: &[u8], mut pos: usize) -> usize {
    while let Some(b' ' | b'\t' | b'\n' | b'\r') = data.get(pos) {
        pos += 1;
    }
    pos
}

/// Where the items of the top-level page object start (just after the `[` of its `value` array), when
/// `data` starts (at `start`) with an object whose properties before `value` are plain: keys without
/// escapes, values that are strings, numbers, `true`, `false` or `null`.
fn array_start<T: Item>(data: &[u8], start: usize) -> Option<usize> {
    let mut pos = skip_ws(data, start);
    if data.get(pos) != Some(&b'{') {
        return None;
    }
    pos += 1;
    loop {
        pos = skip_ws(data, pos);
        let (key, after) = plain_string(data, pos)?;
        pos = skip_ws(data, after);
        if data.get(pos) != Some(&b':') {
            return None;
        }
        pos = skip_ws(data, pos + 1);
        if matches!(T::classify(key), Key::Page) {
            return (data.get(pos) == Some(&b'[')).then_some(pos + 1);
        }
        pos = match data.get(pos)? {
            b'"' => plain_string(data, pos)?.1,
            b'[' | b'{' => return None,
            _ => {
                pos + data
                    .get(pos..)?
                    .iter()
                    .position(|&b| matches!(b, b',' | b'}' | b' ' | b'\t' | b'\n' | b'\r'))?
            }
        };
        pos = skip_ws(data, pos);
        match data.get(pos)? {
            b',' => pos += 1,
            _ => return None,
        }
    }
}

/// The string starting at the `"` at `pos` when it holds no escape, and the offset after its closing quote.
fn plain_string(data: &[u8], pos: usize) -> Option<(&str, usize)> {
    if data.get(pos) != Some(&b'"') {
        return None;
    }
    let body = data.get(pos + 1..)?;
    let len = memchr::memchr2(b'"', b'\\', body)?;
    if body.get(len) != Some(&b'"') {
        return None;
    }
    let text = std::str::from_utf8(body.get(..len)?).ok()?;
    Some((text, pos + 1 + len + 1))
}

#[cfg(test)]
mod tests;
