//! Safe file output: every file is written to a temporary sibling and renamed into place, so a failure
//! never leaves a half-written CSV, journal or snapshot behind.

use std::fs::{self, File};
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use crate::AppError;

/// Writes `path` atomically: `fill` writes into a temporary file next to it, which is flushed, synced and
/// renamed over `path` only when `fill` succeeded. On any error the temporary file is removed.
///
/// # Errors
/// [`AppError::Write`] naming `path` when the file cannot be created, written or renamed; or the error
/// `fill` returned.
pub fn write_atomic<F>(path: &Path, fill: F) -> Result<(), AppError>
where
    F: FnOnce(&mut dyn Write) -> Result<(), AppError>,
{
    let tmp = temp_sibling(path);
    let result = (|| {
        let file = File::create(&tmp).map_err(|source| AppError::Write {
            path: path.to_path_buf(),
            source,
        })?;
        let mut w = BufWriter::new(file);
        fill(&mut w)?;
        let file = w.into_inner().map_err(|e| AppError::Write {
            path: path.to_path_buf(),
            source: e.into_error(),
        })?;
        file.sync_all().map_err(|source| AppError::Write {
            path: path.to_path_buf(),
            source,
        })?;
        fs::rename(&tmp, path).map_err(|source| AppError::Write {
            path: path.to_path_buf(),
            source,
        })
    })();
    if result.is_err() {
        // Best effort: the temporary file is ours and holds nothing the user asked for.
        let _ = fs::remove_file(&tmp);
    }
    result
}

/// The text encoding of a CSV file: UTF-8 (the default, what scripts and most tools expect), or UTF-8 with a
/// byte order mark, so Excel opens non-ASCII names (Zoë, 山田) intact.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Deserialize)]
pub enum CsvEncoding {
    /// UTF-8 without a byte order mark.
    #[default]
    Utf8,
    /// UTF-8 with a byte order mark.
    Utf8Bom,
}

/// Writes a CSV file atomically (see [`write_atomic`]): the byte order mark first for
/// [`CsvEncoding::Utf8Bom`], then what `fill` writes.
///
/// # Errors
/// [`AppError::Write`] naming `path`, or the error `fill` returned.
pub fn write_csv_atomic<F>(path: &Path, encoding: CsvEncoding, fill: F) -> Result<(), AppError>
where
    F: FnOnce(&mut dyn Write) -> Result<(), AppError>,
{
    write_atomic(path, |w| {
        if encoding == CsvEncoding::Utf8Bom {
            w.write_all("\u{feff}".as_bytes())
                .map_err(write_err(path))?;
        }
        fill(w)
    })
}

/// A CSV writer as idrift writes its CSV files (every field quoted, CRLF line ends), `columns` written
/// first.
///
/// # Errors
/// The writer's I/O error.
pub fn csv_writer<'w>(
    w: &'w mut dyn Write,
    columns: &[&str],
) -> std::io::Result<csv::Writer<&'w mut dyn Write>> {
    let mut csv = csv::WriterBuilder::new()
        .quote_style(csv::QuoteStyle::Always)
        .terminator(csv::Terminator::CRLF)
        .from_writer(w);
    csv.write_record(columns).map_err(std::io::Error::other)?;
    Ok(csv)
}

/// Writes a CSV file atomically in `encoding` through `write` (see [`write_csv_atomic`]), an I/O error
/// naming the file.
///
/// # Errors
/// [`AppError::Write`] naming `path`.
pub fn write_csv_file(
    path: &Path,
    encoding: CsvEncoding,
    write: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> Result<(), AppError> {
    write_csv_atomic(path, encoding, |w| write(w).map_err(write_err(path)))
}

/// Maps an I/O error while writing `path` into [`AppError::Write`].
pub fn write_err(path: &Path) -> impl FnOnce(std::io::Error) -> AppError + '_ {
    move |source| AppError::Write {
        path: path.to_path_buf(),
        source,
    }
}

/// Reads a whole text file and decodes it with the shared decoder ([`idrift_core::text`]): UTF-8 with or
/// without a BOM, UTF-16 LE/BE, or Windows-1252 when the bytes are not UTF-8. Every reader of an admin's
/// export opens it through this function (or [`read_text`]), so all take the same encodings.
///
/// # Errors
/// [`AppError::Read`] when it cannot be read, [`AppError::Parse`] naming the file when it cannot be decoded.
pub fn read_decoded(path: &Path) -> Result<idrift_core::text::Decoded, AppError> {
    let bytes = fs::read(path).map_err(|source| AppError::Read {
        path: path.to_path_buf(),
        source,
    })?;
    idrift_core::text::decode_vec(bytes).map_err(|e| AppError::parse(path, e.message))
}

/// Opens a text file to be read as a stream when it may be UTF-8 (see [`idrift_core::text::maybe_utf8`]),
/// with its size in bytes; `None` when it is UTF-16 and must be read whole through [`read_decoded`]. The
/// reader of the stream must still check that the text is UTF-8 and fall back to [`read_decoded`] when
/// it is not (a Windows-1252 export), so every reader takes the same encodings.
///
/// # Errors
/// [`AppError::Read`] when it cannot be opened or read.
pub fn open_utf8_stream(path: &Path) -> Result<Option<(impl std::io::Read, u64)>, AppError> {
    use std::io::Read as _;
    let read_err = |source| AppError::Read {
        path: path.to_path_buf(),
        source,
    };
    let mut file = File::open(path).map_err(read_err)?;
    let len = file.metadata().map_err(read_err)?.len();
    let mut head = [0u8; 2];
    let n = read_head(&mut file, &mut head).map_err(read_err)?;
    let head = head.get(..n).unwrap_or_default().to_vec();
    if !idrift_core::text::maybe_utf8(&head) {
        return Ok(None);
    }
    Ok(Some((std::io::Cursor::new(head).chain(file), len)))
}

/// Reads up to `buf.len()` bytes from the start of `r`.
pub(crate) fn read_head(r: &mut impl std::io::Read, buf: &mut [u8]) -> std::io::Result<usize> {
    let mut n = 0;
    while n < buf.len() {
        match r.read(&mut buf[n..]) {
            Ok(0) => break,
            Ok(k) => n += k,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(n)
}

/// Reads a whole text file as a string ([`read_decoded`]: any encoding an export comes in, BOM removed).
///
/// # Errors
/// [`AppError::Read`] when it cannot be read, [`AppError::Parse`] when it cannot be decoded.
pub fn read_text(path: &Path) -> Result<String, AppError> {
    read_decoded(path).map(idrift_core::text::Decoded::into_string)
}

fn temp_sibling(path: &Path) -> PathBuf {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "output".to_owned());
    path.with_file_name(format!(".{name}.partial-{}", std::process::id()))
}
