//! Operations per command: each takes the request's source, its options and a gate, makes every workflow
//! decision, and returns a typed result the front ends render (the FFI serializes it as its wire result).

pub mod compare;
pub mod dirsync_writes;
pub mod lint;
pub mod plan;
pub mod remediation;
pub mod scan;
pub mod trend;
pub mod undo;
pub mod verify;
