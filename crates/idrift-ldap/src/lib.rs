//! idrift-ldap (being built).
