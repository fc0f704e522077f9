//! Crash safety of `idrift dirsync persist --apply` on a snapshot (issue 13 item 3): the process is killed
//! with SIGKILL in the middle of its batches, after the journal holds some applied writes; then `--resume`
//! completes the run, no `.partial-*` file is left, and `undo` puts `ad.ldif` back byte for byte.
//! It lives here because only this package's integration tests get the built binary.
#![cfg(unix)]
#![expect(
    clippy::expect_used,
    clippy::unwrap_used,
    reason = "test: a step that cannot run is a failed test"
)]
#![expect(
    clippy::disallowed_methods,
    clippy::print_stderr,
    reason = "the test polls the journal of a child process with thread::sleep (no async runtime here) and \
              says where the kill landed"
)]

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use idrift_app::snapshot::{AD_FILE, ENTRA_USERS_FILE, Parts, load_dir, write_dir};
use idrift_core::Guid;
use idrift_core::anchor::immutable_id_from_guid;
use idrift_core::model::{CloudUser, OnPremUser, Snapshot};

/// Enough users for several batches (a batch is at least 4,096 users), so a kill lands between them.
const USERS: u32 = 12_000;

fn idrift() -> Command {
    let mut cmd = Command::new(PathBuf::from(env!("CARGO_BIN_EXE_idrift")));
    cmd.stdin(Stdio::null()).env("NO_COLOR", "1");
    cmd
}

fn guid(i: u32) -> Guid {
    let mut b = [0x42u8; 16];
    b[..4].copy_from_slice(&i.to_le_bytes());
    Guid::from_bytes_le(b)
}

/// Every user's Entra number differs from AD's (a DirSyncOverride), so persist writes every user.
fn drifted() -> Snapshot {
    let mut snap = Snapshot::default();
    for i in 0..USERS {
        snap.on_prem.push(OnPremUser {
            distinguished_name: format!("CN=user{i},OU=Users,DC=example,DC=com"),
            object_guid: Some(guid(i)),
            user_principal_name: Some(format!("user{i}@example.com")),
            mobile: Some(format!("+1 617 555 {:04}", i % 10_000)),
            ..OnPremUser::default()
        });
        snap.cloud.push(CloudUser {
            id: format!("00000000-0000-0000-0000-{i:012}"),
            user_principal_name: Some(format!("user{i}@example.com")),
            on_premises_immutable_id: Some(immutable_id_from_guid(&guid(i))),
            on_premises_sync_enabled: Some(true),
            mobile_phone: Some(format!("+1 425 555 {:04}", i % 10_000)),
            ..CloudUser::default()
        });
    }
    snap
}

/// The number of `Started` and `Outcome` lines in the journal.
fn journal_lines(journal: &Path) -> (usize, usize) {
    let text = std::fs::read_to_string(journal).unwrap_or_default();
    let count = |t: &str| text.lines().filter(|l| l.contains(t)).count();
    (count(r#""Type":"Started""#), count(r#""Type":"Outcome""#))
}

/// A batch writes at least this many users (`idrift_app::dirsync_ops::snapshot_target::AD_BATCH`).
const BATCH: usize = 4096;

fn partial_files(dir: &Path) -> Vec<String> {
    std::fs::read_dir(dir)
        .unwrap()
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains(".partial-"))
        .collect()
}

fn run_ok(args: &[&str]) -> String {
    let out = idrift().args(args).output().expect("idrift runs");
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        out.status.success(),
        "idrift {args:?} failed ({}):\n{text}\n{}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    text
}

/// Kills the run in the middle of its batches, resumes it and undoes it (see the module documentation).
/// Returns whether the kill landed while a file rewrite was under way (its temporary file left behind).
fn kill_resume_undo() -> bool {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("snap");
    write_dir(&dir, &drifted(), Parts::BOTH).unwrap();
    // What idrift does not model stays: a comment and a description on every user.
    let ad_path = dir.join(AD_FILE);
    let text = std::fs::read_to_string(&ad_path).unwrap();
    let rich = format!(
        "# exported for the kill test\n{}",
        text.replace(
            "objectClass: user\n",
            &format!(
                "objectClass: user\ndescription: kept as it is\ninfo: {}\n",
                "x".repeat(2000)
            )
        )
    );
    std::fs::write(&ad_path, &rich).unwrap();
    let original_ad = std::fs::read(&ad_path).unwrap();
    let original_entra = std::fs::read(dir.join(ENTRA_USERS_FILE)).unwrap();
    let journal = tmp.path().join("persist.jsonl");
    let (d, j) = (dir.to_str().unwrap(), journal.to_str().unwrap());

    let mut child = idrift()
        .args([
            "dirsync",
            "persist",
            "--snapshot",
            d,
            "--apply",
            "--yes",
            "--journal",
            j,
        ])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("idrift starts");
    // Kill during a later batch's file rewrite: once the first batch's writes are journaled as applied,
    // watch for the temporary file of the next rewrite and kill at its sight.
    let mut done = 0;
    let killed_at = loop {
        if done >= BATCH && !partial_files(&dir).is_empty() {
            child.kill().expect("SIGKILL");
            break done;
        }
        if done < BATCH {
            done = journal_lines(&journal).1;
            std::thread::sleep(std::time::Duration::from_millis(1));
        }
        if let Some(status) = child.try_wait().unwrap() {
            // The run was quicker than the watch: this attempt interrupted nothing.
            eprintln!("persist ended ({status}) before the kill");
            return false;
        }
    };
    child.wait().unwrap();
    let at_kill = journal_lines(&journal).1;
    let left = partial_files(&dir);
    eprintln!("killed after {killed_at} outcome line(s); {at_kill} at exit; left behind: {left:?}");
    assert!(
        at_kill < USERS as usize,
        "the kill came after the last write ({killed_at} then {at_kill} outcomes): nothing was interrupted"
    );

    // Resume completes the run and cleans what the kill left.
    let out = run_ok(&[
        "dirsync",
        "persist",
        "--resume",
        j,
        "--snapshot",
        d,
        "--apply",
        "--yes",
    ]);
    assert!(out.contains(&format!("{USERS} applied")), "{out}");
    assert!(
        partial_files(&dir).is_empty(),
        "left after the resumed run: {:?}",
        partial_files(&dir)
    );
    let snap = load_dir(&dir).unwrap().snapshot;
    assert_eq!(snap.on_prem.len(), USERS as usize);
    for (ad, cloud) in snap.on_prem.iter().zip(&snap.cloud) {
        assert_eq!(ad.mobile, cloud.mobile_phone, "{}", ad.distinguished_name);
    }
    let after = std::fs::read_to_string(&ad_path).unwrap();
    assert!(after.starts_with("# exported for the kill test\n"));
    assert_eq!(
        after.matches("description: kept as it is\n").count(),
        USERS as usize
    );

    // Undo restores the file byte for byte; the Entra file was never written.
    run_ok(&["undo", j, "--snapshot", d, "--apply", "--yes"]);
    assert!(
        std::fs::read(&ad_path).unwrap() == original_ad,
        "ad.ldif differs after undo"
    );
    assert!(std::fs::read(dir.join(ENTRA_USERS_FILE)).unwrap() == original_entra);
    assert!(partial_files(&dir).is_empty());
    !left.is_empty()
}

#[test]
fn persist_killed_mid_batch_resumes_and_undoes_byte_for_byte() {
    // Each attempt checks resume and undo; the kill must land in a file rewrite in one of them, so the
    // next run's removal of the temporary file is exercised too.
    let landed = (1..=5).any(|_| kill_resume_undo());
    assert!(
        landed,
        "no kill of 5 landed while a file rewrite was under way"
    );
}
