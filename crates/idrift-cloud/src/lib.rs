//! idrift-cloud (being built).
