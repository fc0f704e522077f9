//! `cargo xtask dist`: build the release cdylib, put it into the PowerShell module's `bin/<rid>/`, stage the
//! module in `target/dist/IdentityDrift/`, and zip it as `target/dist/IdentityDrift-<version>-<rid>.zip`.
//!
//! The runtime identifier is the host's, in .NET's spelling (`linux-x64`, `win-x64`, `osx-arm64`), because
//! that is what `Private/Native.ps1` looks for. The zip is written by the small writer below (stored entries
//! with CRC-32, a fixed 1980-01-01 timestamp so the same inputs give the same bytes); the module is a few
//! text files and one library, so compression would save little.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{Context as _, bail};

use crate::util;

/// The .NET runtime identifier of the host (xtask is built for the host).
pub(crate) fn host_rid() -> anyhow::Result<&'static str> {
    let os = if cfg!(target_os = "windows") {
        "win"
    } else if cfg!(target_os = "macos") {
        "osx"
    } else if cfg!(target_os = "linux") && !cfg!(target_env = "musl") {
        "linux"
    } else {
        bail!(
            "no .NET runtime identifier for this host; IdentityDrift's module supports Windows, glibc Linux and macOS"
        )
    };
    let arch = if cfg!(target_arch = "x86_64") {
        "x64"
    } else if cfg!(target_arch = "aarch64") {
        "arm64"
    } else if cfg!(target_arch = "x86") && os == "win" {
        "x86"
    } else {
        bail!("no .NET runtime identifier for this CPU architecture")
    };
    Ok(match (os, arch) {
        ("win", "x64") => "win-x64",
        ("win", "arm64") => "win-arm64",
        ("win", _) => "win-x86",
        ("osx", "x64") => "osx-x64",
        ("osx", _) => "osx-arm64",
        ("linux", "x64") => "linux-x64",
        _ => "linux-arm64",
    })
}

/// The file name cargo gives the cdylib on the host.
pub(crate) fn library_file_name() -> &'static str {
    if cfg!(target_os = "windows") {
        "idrift_ffi.dll"
    } else if cfg!(target_os = "macos") {
        "libidrift_ffi.dylib"
    } else {
        "libidrift_ffi.so"
    }
}

/// Where `cargo xtask dist` put things.
#[derive(Debug)]
pub(crate) struct Staged {
    /// `target/dist/IdentityDrift`: the importable module folder.
    pub(crate) module: PathBuf,
    /// The zip of that folder.
    pub(crate) zip: PathBuf,
}

/// `cargo xtask dist`.
pub(crate) fn run(args: &[String]) -> anyhow::Result<bool> {
    if let Some(extra) = args.first() {
        bail!("cargo xtask dist takes no arguments (got {extra:?}); it builds for this host")
    }
    let staged = dist()?;
    println!("Module folder: {}", staged.module.display());
    println!("Zip:           {}", staged.zip.display());
    println!(
        "Try it:        Import-Module {}",
        staged.module.join("IdentityDrift.psd1").display()
    );
    Ok(true)
}

fn target_dir(root: &Path) -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| root.join("target"))
}

/// Builds, copies and stages; see the module documentation.
pub(crate) fn dist() -> anyhow::Result<Staged> {
    let root = util::root();
    let rid = host_rid()?;
    util::step("cargo build --release -p idrift-ffi")?;
    // The release profile keeps line tables for backtraces in development; the shipped library drops
    // them (about 55 MB to 8 MB on linux-x64). Exported symbols and panic locations are not debug info.
    let strip = [(
        "CARGO_PROFILE_RELEASE_STRIP".to_owned(),
        "debuginfo".to_owned(),
    )];
    util::cargo(
        &root,
        &["build", "--release", "-p", "idrift-ffi", "--lib"],
        &strip,
    )?;

    let built = target_dir(&root).join("release").join(library_file_name());
    if !built.is_file() {
        bail!("{} was not produced by the release build", built.display());
    }
    let module_src = root.join("powershell").join("IdentityDrift");
    let bin = module_src.join("bin").join(rid);
    fs::create_dir_all(&bin).with_context(|| format!("cannot create {}", bin.display()))?;
    let installed = bin.join(library_file_name());
    copy_replacing(&built, &installed)?;
    util::step(&format!(
        "copied {} to {}",
        built.display(),
        installed.display()
    ))?;

    let dist = target_dir(&root).join("dist");
    let module = dist.join("IdentityDrift");
    if module.exists() {
        fs::remove_dir_all(&module)
            .with_context(|| format!("cannot remove the old {}", module.display()))?;
    }
    copy_tree(&module_src, &module, &|rel: &Path| {
        // Ship only this host's library; other RIDs' files may be stale leftovers.
        let mut parts = rel.components();
        match (parts.next(), parts.next()) {
            (Some(first), Some(second)) if first.as_os_str() == "bin" => second.as_os_str() == rid,
            _ => true,
        }
    })?;

    let version = module_version(&fs::read_to_string(module_src.join("IdentityDrift.psd1"))?)
        .context("IdentityDrift.psd1 has no ModuleVersion")?;
    let zip = dist.join(format!("IdentityDrift-{version}-{rid}.zip"));
    let mut entries = Vec::new();
    collect_files(&module, &module, &mut entries)?;
    entries.sort();
    let mut zip_entries = Vec::new();
    for rel in &entries {
        let name = format!("IdentityDrift/{}", rel.replace('\\', "/"));
        let data = fs::read(module.join(rel)).with_context(|| format!("cannot read {rel}"))?;
        let executable = rel.ends_with(".so") || rel.ends_with(".dylib");
        zip_entries.push(ZipEntry {
            name,
            data,
            mode: if executable { 0o755 } else { 0o644 },
        });
    }
    let bytes = write_zip(&zip_entries)?;
    let tmp = zip.with_extension("zip.partial");
    fs::write(&tmp, &bytes).with_context(|| format!("cannot write {}", tmp.display()))?;
    fs::rename(&tmp, &zip).with_context(|| format!("cannot write {}", zip.display()))?;
    util::step(&format!(
        "staged {} ({} files) and {}",
        module.display(),
        entries.len(),
        zip.display()
    ))?;
    Ok(Staged { module, zip })
}

/// Copies `from` over `to` through a temporary sibling and a rename, so a PowerShell session that has the old
/// library mapped keeps a valid file.
fn copy_replacing(from: &Path, to: &Path) -> anyhow::Result<()> {
    let tmp = to.with_extension("partial");
    fs::copy(from, &tmp)
        .with_context(|| format!("cannot copy {} to {}", from.display(), tmp.display()))?;
    if cfg!(windows) && to.exists() {
        // Windows cannot rename over a loaded DLL; say so instead of failing obscurely.
        fs::remove_file(to).with_context(|| {
            format!(
                "cannot replace {}: close PowerShell sessions that imported the module",
                to.display()
            )
        })?;
    }
    fs::rename(&tmp, to).with_context(|| format!("cannot move {} into place", to.display()))?;
    Ok(())
}

fn copy_tree(from: &Path, to: &Path, keep: &dyn Fn(&Path) -> bool) -> anyhow::Result<()> {
    let mut files = Vec::new();
    collect_files(from, from, &mut files)?;
    for rel in files {
        let rel_path = PathBuf::from(&rel);
        if !keep(&rel_path) {
            continue;
        }
        let dest = to.join(&rel_path);
        if let Some(parent) = dest.parent() {
            fs::create_dir_all(parent)
                .with_context(|| format!("cannot create {}", parent.display()))?;
        }
        fs::copy(from.join(&rel_path), &dest).with_context(|| format!("cannot copy {rel}"))?;
    }
    Ok(())
}

/// Relative paths of the files under `dir`, skipping dot files and temporary `.partial` files.
fn collect_files(base: &Path, dir: &Path, out: &mut Vec<String>) -> anyhow::Result<()> {
    for entry in fs::read_dir(dir).with_context(|| format!("cannot list {}", dir.display()))? {
        let path = entry?.path();
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        if name.starts_with('.') || name.ends_with(".partial") {
            continue;
        }
        if path.is_dir() {
            collect_files(base, &path, out)?;
        } else {
            let rel = path
                .strip_prefix(base)
                .context("a listed file is outside its folder")?;
            out.push(rel.to_string_lossy().into_owned());
        }
    }
    Ok(())
}

/// `ModuleVersion = '1.2.3'` from a manifest.
fn module_version(psd1: &str) -> Option<String> {
    let line = psd1
        .lines()
        .find(|l| l.trim_start().starts_with("ModuleVersion"))?;
    let value = line.split_once('=')?.1.trim();
    let value = value.trim_matches(|c| c == '\'' || c == '"');
    (!value.is_empty() && value.chars().all(|c| c.is_ascii_digit() || c == '.'))
        .then(|| value.to_owned())
}

/// One file of a zip archive.
#[derive(Debug, Clone)]
pub(crate) struct ZipEntry {
    /// The path inside the archive, with `/` separators.
    pub(crate) name: String,
    /// The content.
    pub(crate) data: Vec<u8>,
    /// Unix permission bits.
    pub(crate) mode: u32,
}

/// CRC-32 (IEEE 802.3, reflected, polynomial 0xEDB88320), as zip uses.
pub(crate) fn crc32(data: &[u8]) -> u32 {
    const fn table() -> [u32; 256] {
        let mut t = [0_u32; 256];
        let mut i = 0;
        while i < 256 {
            let mut c = i as u32;
            let mut k = 0;
            while k < 8 {
                c = if c & 1 != 0 {
                    0xEDB8_8320 ^ (c >> 1)
                } else {
                    c >> 1
                };
                k += 1;
            }
            t[i] = c;
            i += 1;
        }
        t
    }
    const TABLE: [u32; 256] = table();
    let mut crc = 0xFFFF_FFFF_u32;
    for &b in data {
        crc = TABLE[((crc ^ u32::from(b)) & 0xFF) as usize] ^ (crc >> 8);
    }
    !crc
}

/// Writes a zip archive of stored (uncompressed) entries. No ZIP64: each entry and the archive must stay
/// below 4 GiB, and there may be at most 65 535 entries.
pub(crate) fn write_zip(entries: &[ZipEntry]) -> anyhow::Result<Vec<u8>> {
    const DOS_DATE_1980_01_01: u16 = (1 << 5) | 1;
    const VERSION: u16 = 20;
    const UTF8_NAMES: u16 = 1 << 11;
    let count =
        u16::try_from(entries.len()).context("more than 65 535 files for a zip without ZIP64")?;
    let mut out: Vec<u8> = Vec::new();
    let mut central: Vec<u8> = Vec::new();
    for e in entries {
        let name = e.name.as_bytes();
        let name_len = u16::try_from(name.len()).context("a file name longer than 65 535 bytes")?;
        let size = u32::try_from(e.data.len())
            .with_context(|| format!("{} is 4 GiB or larger", e.name))?;
        let offset = u32::try_from(out.len()).context("the archive grew past 4 GiB")?;
        let crc = crc32(&e.data);

        out.write_all(&0x0403_4b50_u32.to_le_bytes())?;
        out.write_all(&VERSION.to_le_bytes())?;
        out.write_all(&UTF8_NAMES.to_le_bytes())?;
        out.write_all(&0_u16.to_le_bytes())?; // stored
        out.write_all(&0_u16.to_le_bytes())?; // time 00:00:00
        out.write_all(&DOS_DATE_1980_01_01.to_le_bytes())?;
        out.write_all(&crc.to_le_bytes())?;
        out.write_all(&size.to_le_bytes())?; // compressed size
        out.write_all(&size.to_le_bytes())?; // uncompressed size
        out.write_all(&name_len.to_le_bytes())?;
        out.write_all(&0_u16.to_le_bytes())?; // extra field length
        out.write_all(name)?;
        out.write_all(&e.data)?;

        central.write_all(&0x0201_4b50_u32.to_le_bytes())?;
        central.write_all(&((3_u16 << 8) | VERSION).to_le_bytes())?; // made by: Unix, so the mode is kept
        central.write_all(&VERSION.to_le_bytes())?;
        central.write_all(&UTF8_NAMES.to_le_bytes())?;
        central.write_all(&0_u16.to_le_bytes())?;
        central.write_all(&0_u16.to_le_bytes())?;
        central.write_all(&DOS_DATE_1980_01_01.to_le_bytes())?;
        central.write_all(&crc.to_le_bytes())?;
        central.write_all(&size.to_le_bytes())?;
        central.write_all(&size.to_le_bytes())?;
        central.write_all(&name_len.to_le_bytes())?;
        central.write_all(&0_u16.to_le_bytes())?; // extra
        central.write_all(&0_u16.to_le_bytes())?; // comment
        central.write_all(&0_u16.to_le_bytes())?; // disk number
        central.write_all(&0_u16.to_le_bytes())?; // internal attributes
        central.write_all(&((0o100_000 | e.mode) << 16).to_le_bytes())?; // regular file + permissions
        central.write_all(&offset.to_le_bytes())?;
        central.write_all(name)?;
    }
    let central_offset = u32::try_from(out.len()).context("the archive grew past 4 GiB")?;
    let central_size =
        u32::try_from(central.len()).context("the central directory grew past 4 GiB")?;
    out.extend_from_slice(&central);
    out.write_all(&0x0605_4b50_u32.to_le_bytes())?;
    out.write_all(&0_u16.to_le_bytes())?; // this disk
    out.write_all(&0_u16.to_le_bytes())?; // disk with the central directory
    out.write_all(&count.to_le_bytes())?;
    out.write_all(&count.to_le_bytes())?;
    out.write_all(&central_size.to_le_bytes())?;
    out.write_all(&central_offset.to_le_bytes())?;
    out.write_all(&0_u16.to_le_bytes())?; // comment length
    Ok(out)
}

#[cfg(test)]
mod tests;
