//! An LDIF export (or a snapshot's `ad.ldif`) as a [`LintTarget`]: `lint apply` rehearsed offline.
//!
//! The file is kept as its entries' text. A write changes only the value lines of the one attribute of the one
//! entry it names (the lines of every other attribute and entry stay byte for byte, folding, base64 and line
//! ends included) and rewrites the file atomically before it returns, so the journal's record of the write
//! and the file agree.

use std::path::{Path, PathBuf};
use std::sync::Mutex;

use async_trait::async_trait;
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use idrift_core::ports::SourceError;

use super::fix::{LintTarget, ValuesEdit, ldif_line};
use crate::AppError;

/// One entry (or the text before the first one): its text, with the blank lines after it.
#[derive(Debug, Clone)]
struct Block {
    text: String,
    dn: Option<String>,
}

/// One physical-line group of an entry: a logical line with its folded continuations.
struct Line<'a> {
    raw: &'a str,
    name: String,
    value: Vec<u8>,
}

/// The line end the file uses.
fn eol_of(text: &str) -> &'static str {
    if text.contains("\r\n") { "\r\n" } else { "\n" }
}

/// Splits an entry's text into logical lines (comments and `version:` lines have an empty name).
fn lines(text: &str) -> Result<Vec<Line<'_>>, String> {
    let bytes = text.as_bytes();
    // A logical line starts at every line start that is not a continuation (a leading space).
    let mut starts: Vec<usize> = (0..bytes.len())
        .filter(|&i| (i == 0 || bytes[i - 1] == b'\n') && bytes[i] != b' ')
        .collect();
    starts.push(bytes.len());
    let mut out: Vec<Line<'_>> = Vec::new();
    for w in starts.windows(2) {
        let raw = text.get(w[0]..w[1]).unwrap_or("");
        let logical: String = raw
            .split('\n')
            .map(|l| l.strip_suffix('\r').unwrap_or(l))
            .enumerate()
            .map(|(k, l)| {
                if k == 0 {
                    l
                } else {
                    l.strip_prefix(' ').unwrap_or(l)
                }
            })
            .collect();
        if logical.trim().is_empty() || logical.starts_with('#') {
            out.push(Line {
                raw,
                name: String::new(),
                value: Vec::new(),
            });
            continue;
        }
        let Some((name, rest)) = logical.split_once(':') else {
            return Err(format!("expected `attribute: value`, found {logical:?}"));
        };
        let value = if let Some(b64) = rest.strip_prefix(':') {
            STANDARD
                .decode(b64.trim())
                .map_err(|e| format!("{name}: bad base64 value: {e}"))?
        } else {
            rest.strip_prefix(' ').unwrap_or(rest).as_bytes().to_vec()
        };
        let name = if name.eq_ignore_ascii_case("version") {
            String::new()
        } else {
            name.to_owned()
        };
        out.push(Line { raw, name, value });
    }
    Ok(out)
}

/// A DN as compared here: lower case, without spaces around the separating commas.
fn normalize_dn(dn: &str) -> String {
    let mut out = String::with_capacity(dn.len());
    let mut escaped = false;
    for part in dn.trim().split_inclusive(',') {
        let keep = if escaped { part } else { part.trim_start() };
        let body = keep.strip_suffix(',').unwrap_or(keep);
        let trailing_backslashes = body.chars().rev().take_while(|c| *c == '\\').count();
        let sep_escaped = keep.ends_with(',') && trailing_backslashes % 2 == 1;
        if keep.ends_with(',') && !sep_escaped {
            out.push_str(&body.trim_end().to_lowercase());
            out.push(',');
        } else {
            out.push_str(&keep.to_lowercase());
        }
        escaped = sep_escaped;
    }
    out
}

fn dn_of(text: &str) -> Option<String> {
    let ls = lines(text).ok()?;
    ls.into_iter()
        .find(|l| l.name.eq_ignore_ascii_case("dn"))
        .map(|l| String::from_utf8_lossy(&l.value).into_owned())
}

/// Splits a file into entries at blank lines.
fn blocks(text: &str) -> Vec<Block> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut in_blank = false;
    for piece in text.split_inclusive('\n') {
        let blank = piece.trim_end_matches(['\r', '\n']).is_empty();
        if !blank && in_blank {
            let dn = dn_of(&cur);
            out.push(Block {
                text: std::mem::take(&mut cur),
                dn,
            });
        }
        in_blank = blank;
        cur.push_str(piece);
    }
    if !cur.is_empty() {
        let dn = dn_of(&cur);
        out.push(Block { text: cur, dn });
    }
    out
}

fn base_name(name: &str) -> &str {
    name.split(';').next().unwrap_or(name)
}

/// The entry's text with `remove` taken out of `attribute` and `add` put in after its last value.
fn rewrite(
    text: &str,
    attribute: &str,
    remove: &[String],
    add: &[String],
    eol: &str,
) -> Result<String, String> {
    let ls = lines(text)?;
    let is_attr = |l: &Line<'_>| base_name(&l.name).eq_ignore_ascii_case(attribute);
    for r in remove {
        if !ls.iter().any(|l| is_attr(l) && l.value == r.as_bytes()) {
            return Err(format!("{attribute} no longer holds {r:?}"));
        }
    }
    for a in add {
        if ls.iter().any(|l| is_attr(l) && l.value == a.as_bytes()) {
            return Err(format!("{attribute} already holds {a:?}"));
        }
    }
    // New values go after the attribute's last value, else after the last attribute line of the entry.
    let anchor = ls
        .iter()
        .rposition(&is_attr)
        .or_else(|| ls.iter().rposition(|l| !l.name.is_empty()));
    let mut out = String::with_capacity(text.len() + 64);
    for (i, l) in ls.iter().enumerate() {
        let drop = is_attr(l) && remove.iter().any(|r| l.value == r.as_bytes());
        if !drop {
            out.push_str(l.raw);
        }
        if Some(i) == anchor {
            if !out.ends_with('\n') {
                out.push_str(eol);
            }
            for a in add {
                out.push_str(&ldif_line(attribute, a));
                out.push_str(eol);
            }
        }
    }
    Ok(out)
}

/// An LDIF file edited in place by `lint apply` (a rehearsal).
#[derive(Debug)]
pub struct LdifFileTarget {
    path: PathBuf,
    blocks: Mutex<Vec<Block>>,
    eol: &'static str,
    /// This run's exclusive lock on the file, held while the target is open.
    _lock: crate::lock::TargetLock,
}

impl LdifFileTarget {
    /// Takes the file's lock (`.NAME.lock` beside it; a second run waits briefly, then is refused), then
    /// reads the file.
    ///
    /// # Errors
    /// [`AppError::Read`] or [`AppError::Parse`] (not UTF-8) naming the file; as for
    /// [`crate::lock::acquire`].
    pub fn open(path: &Path) -> Result<Self, AppError> {
        if !path.is_file() {
            // The reader names what is missing; no lock file is made beside a file that is not there.
            crate::files::read_text(path)?;
        }
        let lock = crate::lock::acquire_file(path, &[path.to_path_buf()])?;
        Self::open_locked(path, lock)
    }

    /// Reads the file, holding `lock` (taken before the read) while the target is open.
    ///
    /// # Errors
    /// [`AppError::Read`] or [`AppError::Parse`] (not UTF-8) naming the file.
    pub fn open_locked(path: &Path, lock: crate::lock::TargetLock) -> Result<Self, AppError> {
        let text = crate::files::read_text(path)?;
        Ok(LdifFileTarget {
            path: path.to_owned(),
            eol: eol_of(&text),
            blocks: Mutex::new(blocks(&text)),
            _lock: lock,
        })
    }

    fn find(blocks: &[Block], dn: &str) -> Option<usize> {
        let want = normalize_dn(dn);
        blocks
            .iter()
            .position(|b| b.dn.as_deref().is_some_and(|d| normalize_dn(d) == want))
    }
}

fn poisoned() -> SourceError {
    SourceError::InvalidData("the LDIF target's state was lost by a failed write".to_owned())
}

#[async_trait]
impl LintTarget for LdifFileTarget {
    async fn read_values(
        &self,
        dn: &str,
        attribute: &str,
    ) -> Result<Option<Vec<String>>, SourceError> {
        let blocks = self.blocks.lock().map_err(|_| poisoned())?;
        let Some(i) = Self::find(&blocks, dn) else {
            return Ok(None);
        };
        let text = blocks.get(i).map(|b| b.text.as_str()).unwrap_or_default();
        let ls = lines(text).map_err(|m| {
            SourceError::InvalidData(format!("{}: entry {dn}: {m}", self.path.display()))
        })?;
        Ok(Some(
            ls.into_iter()
                .filter(|l| base_name(&l.name).eq_ignore_ascii_case(attribute))
                .map(|l| String::from_utf8_lossy(&l.value).into_owned())
                .collect(),
        ))
    }

    async fn replace_values(&self, edit: &ValuesEdit<'_>) -> Result<(), SourceError> {
        let dn = edit.dn;
        let mut blocks = self.blocks.lock().map_err(|_| poisoned())?;
        let i = Self::find(&blocks, dn)
            .ok_or_else(|| SourceError::NotFound(format!("{dn} in {}", self.path.display())))?;
        let old = blocks.get(i).map(|b| b.text.clone()).unwrap_or_default();
        let new = rewrite(&old, edit.attribute, edit.remove, edit.add, self.eol)
            .map_err(|m| SourceError::Conflict(format!("{dn}: {m}")))?;
        if let Some(b) = blocks.get_mut(i) {
            b.text = new;
        }
        let all: String = blocks.iter().map(|b| b.text.as_str()).collect();
        let written = crate::files::write_atomic(&self.path, |f| {
            f.write_all(all.as_bytes())
                .map_err(crate::files::write_err(&self.path))
        });
        if let Err(e) = written {
            if let Some(b) = blocks.get_mut(i) {
                b.text = old;
            }
            return Err(SourceError::InvalidData(e.to_string()));
        }
        Ok(())
    }

    fn description(&self) -> String {
        format!(
            "the AD export {} (rehearsal: edited in place, only the values written change)",
            self.path.display()
        )
    }
}

#[cfg(test)]
mod tests;
