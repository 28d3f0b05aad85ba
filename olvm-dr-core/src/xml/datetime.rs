//! `xsd:dateTime` values as the Engine writes them: `2016-12-12T12:22:25.866+01:00` (the
//! offset of the Engine's time zone; `Z` for UTC).

use std::time::SystemTime;

use crate::civil::LocalDateTime;
use crate::engine::EngineTime;

/// Reads an `xsd:dateTime`. The offset is required (`Z` or `±hh:mm`): a local time without one
/// does not name an instant. Fractions of a second of any length are accepted.
pub fn parse_date_time(text: &str) -> Option<EngineTime> {
    let text = text.trim();
    let (date, rest) = text.split_once('T')?;
    let mut parts = date.splitn(3, '-');
    // A negative year would start with '-'; the Engine never writes one.
    let year: i64 = digits(parts.next()?, 4)?;
    let month: u32 = digits(parts.next()?, 2)?;
    let day: u32 = digits(parts.next()?, 2)?;
    let (time, offset) = split_offset(rest)?;
    let (hms, fraction) = match time.split_once('.') {
        Some((hms, f)) => (hms, Some(f)),
        None => (time, None),
    };
    let mut hms = hms.split(':');
    let hour: u32 = digits(hms.next()?, 2)?;
    let minute: u32 = digits(hms.next()?, 2)?;
    let second: u32 = digits(hms.next()?, 2)?;
    if hms.next().is_some() {
        return None;
    }
    let nanos = match fraction {
        None => 0,
        Some(f) if !f.is_empty() && f.bytes().all(|b| b.is_ascii_digit()) => {
            let kept: String = f.chars().take(9).collect();
            kept.parse::<u32>().ok()? * 10u32.pow(9 - kept.len() as u32)
        }
        Some(_) => return None,
    };
    let local = LocalDateTime {
        year,
        month,
        day,
        hour,
        minute,
        second,
        nanos,
    };
    Some(EngineTime {
        at: local.at_offset(offset)?,
        utc_offset: offset,
    })
}

/// Writes an `xsd:dateTime` with milliseconds, in the offset `t` carries, as the Engine does.
pub fn format_date_time(t: &EngineTime) -> String {
    crate::civil::format_date_time_millis(t.at, t.utc_offset)
}

/// `now` in UTC, as an [`EngineTime`].
pub fn utc(now: SystemTime) -> EngineTime {
    EngineTime {
        at: now,
        utc_offset: 0,
    }
}

/// Exactly `len` ASCII digits.
fn digits<T: std::str::FromStr>(s: &str, len: usize) -> Option<T> {
    if s.len() == len && s.bytes().all(|b| b.is_ascii_digit()) {
        s.parse().ok()
    } else {
        None
    }
}

/// `hh:mm:ss[.f]` and the offset after it, in seconds east of UTC.
fn split_offset(rest: &str) -> Option<(&str, i32)> {
    if let Some(time) = rest.strip_suffix('Z') {
        return Some((time, 0));
    }
    let at = rest.rfind(['+', '-'])?;
    let (time, offset) = rest.split_at(at);
    let sign = if offset.starts_with('-') { -1 } else { 1 };
    let (h, m) = offset[1..].split_once(':')?;
    let (h, m): (i32, i32) = (digits(h, 2)?, digits(m, 2)?);
    if h > 14 || m > 59 {
        return None;
    }
    Some((time, sign * (h * 3600 + m * 60)))
}

#[cfg(test)]
mod tests {
    use std::time::{Duration, UNIX_EPOCH};

    use super::*;

    #[test]
    fn reads_the_engine_shape() {
        // The example of ovirt-engine-api-model types/Api.java.
        let t = parse_date_time("2016-12-12T12:22:25.866+01:00").unwrap();
        assert_eq!(t.utc_offset, 3600);
        assert_eq!(
            t.at,
            UNIX_EPOCH + Duration::from_millis(1_481_541_745_866),
            "11:22:25.866 UTC"
        );
        assert_eq!(format_date_time(&t), "2016-12-12T12:22:25.866+01:00");
        let z = parse_date_time("2025-01-30T13:18:47.671Z").unwrap();
        assert_eq!(z.utc_offset, 0);
        assert_eq!(format_date_time(&z), "2025-01-30T13:18:47.671Z");
        let west = parse_date_time("2019-02-26T06:56:01-05:00").unwrap();
        assert_eq!(west.at, UNIX_EPOCH + Duration::from_secs(1_551_182_161));
        assert_eq!(format_date_time(&west), "2019-02-26T06:56:01.000-05:00");
        let nanos = parse_date_time("2019-02-26T11:56:01.123456789123Z").unwrap();
        assert_eq!(
            nanos.at,
            UNIX_EPOCH + Duration::new(1_551_182_161, 123_456_789)
        );
    }

    #[test]
    fn refuses_what_names_no_instant() {
        for bad in [
            "",
            "2019-02-26",
            "2019-02-26T11:56:01",
            "2019-02-30T11:56:01Z",
            "2019-2-26T11:56:01Z",
            "2019-02-26T25:00:00Z",
            "2019-02-26T11:56:01.Z",
            "2019-02-26T11:56:01+1:00",
            "2019-02-26T11:56:01+15:00",
            "2019-02-26T11:56Z",
        ] {
            assert_eq!(parse_date_time(bad), None, "{bad}");
        }
    }
}
