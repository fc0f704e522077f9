//! One module per top-level command.

pub(crate) mod diff;
pub(crate) mod dirsync;
pub(crate) mod lint;
pub(crate) mod migration;
pub(crate) mod plan;
pub(crate) mod report;
pub(crate) mod scan;
pub(crate) mod snapshot;
pub(crate) mod undo;
pub(crate) mod write;
