//! idrift-app (being built).
