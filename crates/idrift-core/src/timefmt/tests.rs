//! Tests of civil-time formatting against known instants.

use super::*;

#[test]
fn formats_known_instants() {
    // 2026-11-25T14:30:05Z
    assert_eq!(adsynctools_stamp(1_795_617_005), "2026Nov25-143005");
    assert_eq!(iso8601(0), "1970-01-01T00:00:00Z");
    // Leap day.
    assert_eq!(iso8601(951_782_400), "2000-02-29T00:00:00Z");
    assert_eq!(adsynctools_stamp(-1), "1969Dec31-235959");
}
