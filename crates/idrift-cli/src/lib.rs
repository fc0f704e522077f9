//! idrift-cli (being built).
