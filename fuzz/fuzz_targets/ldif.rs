//! Fuzz target: the LDIF reader must never panic, and whatever it reads must survive a write/read round
//! trip unchanged.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(read) = idrift_ldap::ldif::read_users(data) else {
        return;
    };
    let mut text = Vec::new();
    if idrift_ldap::ldif::write_users(&mut text, &read.users).is_err() {
        return;
    }
    match idrift_ldap::ldif::read_users(text.as_slice()) {
        Ok(back) => assert_eq!(back.users, read.users, "round trip changed the users"),
        Err(e) => panic!("written LDIF does not read back: {e}"),
    }
});
