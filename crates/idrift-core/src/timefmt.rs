//! Civil-time formatting of a Unix timestamp, for file names such as `ADSyncTools-DirSyncOverrides_2026Nov25-143005.csv`,
//! journals and reports, and the `/Date(...)/` values Windows PowerShell writes in snapshots.
//!
//! The clock is read by the front ends; this module only formats the seconds it is given (UTC).

const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

/// A UTC civil date and time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Civil {
    /// Year, e.g. 2026.
    pub year: i64,
    /// Month, 1..=12.
    pub month: u32,
    /// Day of month, 1..=31.
    pub day: u32,
    /// Hour, 0..=23.
    pub hour: u32,
    /// Minute, 0..=59.
    pub minute: u32,
    /// Second, 0..=59.
    pub second: u32,
}

/// Converts seconds since the Unix epoch to a UTC civil time (Howard Hinnant's days-to-civil algorithm).
pub fn civil_from_unix(secs: i64) -> Civil {
    let days = secs.div_euclid(86_400);
    let rem = secs.rem_euclid(86_400);
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = if m <= 2 { y + 1 } else { y };
    Civil {
        year,
        month: u32::try_from(m).unwrap_or(1),
        day: u32::try_from(d).unwrap_or(1),
        hour: u32::try_from(rem / 3600).unwrap_or(0),
        minute: u32::try_from((rem % 3600) / 60).unwrap_or(0),
        second: u32::try_from(rem % 60).unwrap_or(0),
    }
}

/// `yyyyMMMdd-HHmmss`, as ADSyncTools names its files (e.g. `2026Nov25-143005`).
pub fn adsynctools_stamp(secs: i64) -> String {
    let c = civil_from_unix(secs);
    let month = MONTHS
        .get(usize::try_from(c.month.saturating_sub(1)).unwrap_or(0))
        .copied()
        .unwrap_or("Jan");
    format!(
        "{:04}{}{:02}-{:02}{:02}{:02}",
        c.year, month, c.day, c.hour, c.minute, c.second
    )
}

/// ISO 8601 UTC (`2026-11-25T14:30:05Z`), for journals and reports.
pub fn iso8601(secs: i64) -> String {
    let c = civil_from_unix(secs);
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z",
        c.year, c.month, c.day, c.hour, c.minute, c.second
    )
}

#[cfg(test)]
mod tests;
