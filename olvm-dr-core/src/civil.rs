//! Calendar arithmetic for the few dates the Engine writes as text: the API root's `<time>`
//! (`xsd:dateTime`) and the `Last Updated` of an OVF_STORE disk (`java.util.Date.toString()`).
//! Proleptic Gregorian calendar, days counted from 1970-01-01 (H. Hinnant's algorithms).

use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// Days since 1970-01-01 → (year, month 1..=12, day 1..=31).
pub(crate) fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

/// (year, month 1..=12, day 1..=31) → days since 1970-01-01; `None` for a day the month does
/// not have.
pub(crate) fn days_from_civil(y: i64, m: u32, d: u32) -> Option<i64> {
    if !(1..=12).contains(&m) || d == 0 || d > days_in_month(y, m) {
        return None;
    }
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400);
    let mp = i64::from(if m > 2 { m - 3 } else { m + 9 });
    let doy = (153 * mp + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    Some(era * 146_097 + doe - 719_468)
}

fn days_in_month(y: i64, m: u32) -> u32 {
    match m {
        2 if y % 4 == 0 && (y % 100 != 0 || y % 400 == 0) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// A date and a time of day, as written in some zone.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct LocalDateTime {
    pub(crate) year: i64,
    pub(crate) month: u32,
    pub(crate) day: u32,
    pub(crate) hour: u32,
    pub(crate) minute: u32,
    pub(crate) second: u32,
    pub(crate) nanos: u32,
}

impl LocalDateTime {
    /// The instant this local time denotes at `offset` seconds east of UTC; `None` for an
    /// impossible date or time.
    pub(crate) fn at_offset(&self, offset: i32) -> Option<SystemTime> {
        if self.hour > 23 || self.minute > 59 || self.second > 60 || self.nanos >= 1_000_000_000 {
            return None;
        }
        let days = days_from_civil(self.year, self.month, self.day)?;
        // A leap second (60) is read as the next second, as java.time does.
        let secs = days * 86_400
            + i64::from(self.hour) * 3600
            + i64::from(self.minute) * 60
            + i64::from(self.second)
            - i64::from(offset);
        from_unix(secs, self.nanos)
    }

    /// The wall-clock fields of `t` at `offset` seconds east of UTC.
    pub(crate) fn of(t: SystemTime, offset: i32) -> Self {
        let (secs, nanos) = to_unix(t);
        let local = secs + i64::from(offset);
        let (year, month, day) = civil_from_days(local.div_euclid(86_400));
        let rem = local.rem_euclid(86_400);
        Self {
            year,
            month,
            day,
            hour: (rem / 3600) as u32,
            minute: (rem % 3600 / 60) as u32,
            second: (rem % 60) as u32,
            nanos,
        }
    }
}

/// Seconds and nanoseconds since the epoch (negative seconds before 1970).
pub(crate) fn to_unix(t: SystemTime) -> (i64, u32) {
    match t.duration_since(UNIX_EPOCH) {
        Ok(d) => (d.as_secs() as i64, d.subsec_nanos()),
        Err(e) => {
            let d = e.duration();
            let (s, n) = (d.as_secs() as i64, d.subsec_nanos());
            if n == 0 {
                (-s, 0)
            } else {
                (-s - 1, 1_000_000_000 - n)
            }
        }
    }
}

/// The instant `secs` seconds and `nanos` nanoseconds after the epoch.
pub(crate) fn from_unix(secs: i64, nanos: u32) -> Option<SystemTime> {
    if secs >= 0 {
        UNIX_EPOCH.checked_add(Duration::new(secs as u64, nanos))
    } else {
        UNIX_EPOCH
            .checked_sub(Duration::from_secs(secs.unsigned_abs()))?
            .checked_add(Duration::from_nanos(u64::from(nanos)))
    }
}

/// Three-letter English month abbreviations, as Java and HTTP write them.
pub(crate) const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

/// Three-letter English day abbreviations from Thursday (1970-01-01 was a Thursday).
pub(crate) const DAYS_FROM_THURSDAY: [&str; 7] = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"];

/// The English abbreviation of the weekday of day `days` since the epoch.
pub(crate) fn weekday(days: i64) -> &'static str {
    DAYS_FROM_THURSDAY[days.rem_euclid(7) as usize]
}

/// `t` as an RFC 3339 / `xsd:dateTime` with milliseconds, in the zone `offset` seconds east of
/// UTC: `2026-01-10T08:00:00.000Z` for UTC, `…+01:00` otherwise.
pub(crate) fn format_date_time_millis(t: SystemTime, offset: i32) -> String {
    let l = LocalDateTime::of(t, offset);
    let zone = if offset == 0 {
        "Z".to_owned()
    } else {
        let sign = if offset < 0 { '-' } else { '+' };
        let a = offset.unsigned_abs();
        format!("{sign}{:02}:{:02}", a / 3600, a % 3600 / 60)
    };
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}{zone}",
        l.year,
        l.month,
        l.day,
        l.hour,
        l.minute,
        l.second,
        l.nanos / 1_000_000
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_round_trip() {
        for days in [-800_000, -1, 0, 1, 19_782, 2_932_896] {
            let (y, m, d) = civil_from_days(days);
            assert_eq!(days_from_civil(y, m, d), Some(days), "{y}-{m}-{d}");
        }
        assert_eq!(days_from_civil(1970, 1, 1), Some(0));
        assert_eq!(days_from_civil(2024, 2, 29), Some(19_782));
        assert_eq!(days_from_civil(2023, 2, 29), None);
        assert_eq!(days_from_civil(2023, 13, 1), None);
        assert_eq!(days_from_civil(2023, 4, 31), None);
        assert_eq!(weekday(0), "Thu");
    }

    #[test]
    fn local_times_map_to_instants() {
        let t = LocalDateTime {
            year: 2019,
            month: 2,
            day: 26,
            hour: 12,
            minute: 56,
            second: 1,
            nanos: 0,
        };
        let utc = UNIX_EPOCH + Duration::from_secs(1_551_182_161);
        assert_eq!(t.at_offset(3600), Some(utc));
        assert_eq!(LocalDateTime::of(utc, 3600), t);
        let before = LocalDateTime {
            year: 1969,
            month: 12,
            day: 31,
            hour: 23,
            minute: 59,
            second: 59,
            nanos: 500_000_000,
        };
        let instant = before.at_offset(0).unwrap();
        assert_eq!(to_unix(instant), (-1, 500_000_000));
        assert_eq!(LocalDateTime::of(instant, 0), before);
        assert_eq!(
            LocalDateTime { hour: 24, ..t }.at_offset(0),
            None,
            "hour 24"
        );
    }
}
