//! One module per top-level command.

pub(crate) mod dirsync;
pub(crate) mod migration;
pub(crate) mod snapshot;
pub(crate) mod undo;
