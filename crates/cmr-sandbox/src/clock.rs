//! Wall time, the virtual clock's arithmetic, and RFC 3339 formatting.
//!
//! Virtual now = real now + an offset that `POST /__sandbox/clock/advance`
//! grows. Times are milliseconds since the Unix epoch.

use std::time::{SystemTime, UNIX_EPOCH};

pub const SEC: i64 = 1000;
pub const MIN: i64 = 60 * SEC;
pub const HOUR: i64 = 60 * MIN;
pub const DAY: i64 = 24 * HOUR;

pub fn real_now_ms() -> i64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_millis() as i64).unwrap_or(0)
}

/// Days since the epoch -> (year, month, day) (H. Hinnant's civil_from_days).
fn civil(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400);
    let mp = (m as i64 + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d as i64 - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// `2026-11-23T08:53:31.000Z`
pub fn rfc3339(ms: i64) -> String {
    let secs = ms.div_euclid(1000);
    let millis = ms.rem_euclid(1000);
    let (y, mo, d) = civil(secs.div_euclid(86_400));
    let s = secs.rem_euclid(86_400);
    format!("{y:04}-{mo:02}-{d:02}T{:02}:{:02}:{:02}.{millis:03}Z", s / 3600, s / 60 % 60, s % 60)
}

#[allow(dead_code)]
/// Parse `YYYY-MM-DDTHH:MM:SS[.fff]Z` (what [`rfc3339`] writes) or a bare date.
pub fn parse_rfc3339(s: &str) -> Option<i64> {
    let b = s.as_bytes();
    let num = |r: std::ops::Range<usize>| -> Option<i64> { s.get(r)?.parse().ok() };
    let (y, mo, d) = (num(0..4)?, num(5..7)? as u32, num(8..10)? as u32);
    if b.get(4) != Some(&b'-') || !(1..=12).contains(&mo) || !(1..=31).contains(&d) {
        return None;
    }
    let mut ms = days_from_civil(y, mo, d) * 86_400_000;
    if s.len() > 10 {
        let (h, mi, se) = (num(11..13)?, num(14..16)?, num(17..19)?);
        ms += (h * 3600 + mi * 60 + se) * 1000;
        if b.get(19) == Some(&b'.') {
            let frac: String = s[20..].chars().take_while(|c| c.is_ascii_digit()).take(3).collect();
            if !frac.is_empty() {
                ms += frac.parse::<i64>().ok()? * 10_i64.pow(3 - frac.len() as u32);
            }
        }
    }
    Some(ms)
}

/// Add calendar months (day clamped to the target month's length).
pub fn add_months(ms: i64, months: i64) -> i64 {
    let day_ms = ms.rem_euclid(86_400_000);
    let (y, m, d) = civil(ms.div_euclid(86_400_000));
    let total = y * 12 + (m as i64 - 1) + months;
    let (ny, nm) = (total.div_euclid(12), (total.rem_euclid(12) + 1) as u32);
    let mut nd = d;
    while nd > 28 && civil(days_from_civil(ny, nm, nd)).1 != nm {
        nd -= 1;
    }
    days_from_civil(ny, nm, nd) * 86_400_000 + day_ms
}

#[cfg(test)]
mod tests {
    use super::*;
    #[test]
    fn round_trips() {
        for ms in [0, 1_763_888_011_123, 951_782_400_000] {
            assert_eq!(parse_rfc3339(&rfc3339(ms)), Some(ms));
        }
        assert_eq!(rfc3339(0), "1970-01-01T00:00:00.000Z");
        let jan31 = parse_rfc3339("2026-01-31T10:00:00Z").unwrap();
        assert_eq!(rfc3339(add_months(jan31, 1)), "2026-02-28T10:00:00.000Z");
        assert_eq!(rfc3339(add_months(jan31, 12)), "2027-01-31T10:00:00.000Z");
    }
}
