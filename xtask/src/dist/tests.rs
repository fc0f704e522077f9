//! Tests of the dist helpers: CRC-32 vectors, a zip that reads back, the manifest version.

use super::*;

#[test]
fn crc32_matches_the_standard_check_values() {
    assert_eq!(crc32(b""), 0);
    assert_eq!(crc32(b"123456789"), 0xCBF4_3926);
    assert_eq!(
        crc32(b"The quick brown fox jumps over the lazy dog"),
        0x414F_A339
    );
}

fn u16_at(b: &[u8], at: usize) -> u16 {
    u16::from_le_bytes([b[at], b[at + 1]])
}

fn u32_at(b: &[u8], at: usize) -> u32 {
    u32::from_le_bytes([b[at], b[at + 1], b[at + 2], b[at + 3]])
}

/// Reads a stored-only archive through its central directory, checking every CRC.
fn read_zip(bytes: &[u8]) -> Vec<(String, Vec<u8>, u32)> {
    let eocd = bytes.len() - 22;
    assert_eq!(u32_at(bytes, eocd), 0x0605_4b50);
    let count = usize::from(u16_at(bytes, eocd + 10));
    let mut at = u32_at(bytes, eocd + 16) as usize;
    let mut out = Vec::new();
    for _ in 0..count {
        assert_eq!(u32_at(bytes, at), 0x0201_4b50);
        let crc = u32_at(bytes, at + 16);
        let size = u32_at(bytes, at + 24) as usize;
        let name_len = usize::from(u16_at(bytes, at + 28));
        let mode = u32_at(bytes, at + 38) >> 16;
        let local = u32_at(bytes, at + 42) as usize;
        let name = String::from_utf8(bytes[at + 46..at + 46 + name_len].to_vec()).unwrap();
        assert_eq!(u32_at(bytes, local), 0x0403_4b50);
        let data_at = local
            + 30
            + usize::from(u16_at(bytes, local + 26))
            + usize::from(u16_at(bytes, local + 28));
        let data = bytes[data_at..data_at + size].to_vec();
        assert_eq!(crc32(&data), crc, "{name}");
        out.push((name, data, mode & 0o777));
        at += 46 + name_len;
    }
    out
}

#[test]
fn a_written_zip_reads_back() {
    let entries = vec![
        ZipEntry {
            name: "IdentityDrift/IdentityDrift.psd1".into(),
            data: b"@{}".to_vec(),
            mode: 0o644,
        },
        ZipEntry {
            name: "IdentityDrift/bin/linux-x64/libidrift_ffi.so".into(),
            data: vec![0, 1, 2, 255],
            mode: 0o755,
        },
        ZipEntry {
            name: "IdentityDrift/empty.txt".into(),
            data: Vec::new(),
            mode: 0o644,
        },
    ];
    let bytes = write_zip(&entries).unwrap();
    let back = read_zip(&bytes);
    assert_eq!(back.len(), 3);
    for (e, (name, data, mode)) in entries.iter().zip(&back) {
        assert_eq!((&e.name, &e.data, e.mode), (name, data, *mode));
    }
    assert_eq!(
        write_zip(&entries).unwrap(),
        bytes,
        "the same inputs give the same bytes"
    );

    if crate::util::have("unzip") {
        let dir = std::env::temp_dir().join(format!("xtask-zip-{}", std::process::id()));
        fs::create_dir_all(&dir).unwrap();
        let path = dir.join("t.zip");
        fs::write(&path, &bytes).unwrap();
        let status = std::process::Command::new("unzip")
            .arg("-tq")
            .arg(&path)
            .status()
            .unwrap();
        let _ = fs::remove_dir_all(&dir);
        assert!(status.success(), "unzip -t rejected the archive");
    }
}

#[test]
fn module_version_is_read_from_the_manifest() {
    assert_eq!(
        module_version("@{\n    ModuleVersion        = '0.1.0'\n}"),
        Some("0.1.0".to_owned())
    );
    assert_eq!(module_version("@{ RootModule = 'x' }"), None);
    assert_eq!(module_version("    ModuleVersion = '$(evil)'"), None);
    let real = fs::read_to_string(util::root().join("powershell/IdentityDrift/IdentityDrift.psd1"))
        .unwrap();
    assert!(module_version(&real).is_some());
}

#[test]
fn the_host_has_a_runtime_identifier_native_ps1_knows() {
    let rid = host_rid().unwrap();
    let native =
        fs::read_to_string(util::root().join("powershell/IdentityDrift/Private/Native.ps1"))
            .unwrap();
    let (os, arch) = rid.split_once('-').unwrap();
    assert!(
        native.contains(&format!("'{os}'")) || native.contains(&format!("'{rid}'")),
        "{rid}"
    );
    assert!(native.contains(&format!("-{arch}")), "{rid}");
    if cfg!(all(target_os = "linux", target_arch = "x86_64")) {
        assert_eq!(rid, "linux-x64");
        assert_eq!(library_file_name(), "libidrift_ffi.so");
    }
}
