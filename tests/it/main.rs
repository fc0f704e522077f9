//! The one integration-test binary (house style: one binary links once).
//!
//! Each module covers one area through the public APIs: the CLI in-process, the readers, the live adapters
//! against the Samba DC and the cloud emulator, and the C ABI.

mod ad_live;
mod cli;
mod cli_cloud;
mod cloud_emulator;
mod cloud_live;
mod diff;
mod dirsync_e2e;
mod ffi_abi;
mod inputs;
mod lint;
mod lint_apply;
mod lint_cloud;
mod lint_live;
mod migration;
mod properties;
mod remediate;
mod report;
mod scan;
mod support;
