//! Dates as `java.util.Date.toString()` writes them: `EEE MMM dd HH:mm:ss zzz yyyy`, e.g.
//! `Tue Feb 26 11:56:01 UTC 2019`, in the time zone of the Engine's JVM. The Engine writes the
//! `Last Updated` of an OVF_STORE disk this way and reads it back with the pattern
//! `EEE MMM d HH:mm:ss zzz yyyy` (ovirt-engine `OvfParser.formatStrFromDiskDescription`).
//!
//! Day and month names are always English (`Date.toString()` does not localise them); the
//! zone is the JVM's short display name (`TimeZone.getDisplayName(daylight, SHORT, Locale.US)`).
//! Those abbreviations are not unique: `IST` is India, Israel or Irish summer time, `CST` US
//! central, China or Cuba. An abbreviation with one meaning is read with it; one with several
//! is resolved only when exactly one of its meanings belongs to a zone that has the Engine's
//! current UTC offset at some time of the year (the Engine writes both with its JVM's zone);
//! anything else is an error that names the zone, never a guess.

use std::fmt;
use std::time::SystemTime;

use crate::civil::{LocalDateTime, MONTHS, days_from_civil, weekday};

/// Why a date could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum JavaDateError {
    /// Not `EEE MMM dd HH:mm:ss zzz yyyy`, or an impossible date.
    Malformed(String),
    /// A zone abbreviation this reader does not know.
    UnknownZone(String),
    /// A zone abbreviation with several meanings that the Engine's offset does not decide.
    AmbiguousZone {
        /// The abbreviation.
        zone: String,
        /// Its meanings, in seconds east of UTC.
        offsets: Vec<i32>,
    },
}

impl fmt::Display for JavaDateError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            JavaDateError::Malformed(why) => f.write_str(why),
            JavaDateError::UnknownZone(zone) => write!(
                f,
                "the time zone '{zone}' is not one whose UTC offset is known without guessing"
            ),
            JavaDateError::AmbiguousZone { zone, offsets } => {
                let list: Vec<String> = offsets.iter().map(|o| offset_text(*o)).collect();
                write!(
                    f,
                    "the time zone '{zone}' is ambiguous (UTC{}) and the Engine's own offset does not tell which",
                    list.join(" or UTC")
                )
            }
        }
    }
}

impl std::error::Error for JavaDateError {}

fn offset_text(seconds: i32) -> String {
    let sign = if seconds < 0 { '-' } else { '+' };
    let a = seconds.unsigned_abs();
    format!("{sign}{:02}:{:02}", a / 3600, a % 3600 / 60)
}

const H: i32 = 3600;

/// Abbreviations the JVM writes (Locale.US short names) with one meaning, and their UTC
/// offsets. Only the commonest zones are listed; an Engine in another zone reads as
/// [`JavaDateError::UnknownZone`].
const ZONES: &[(&str, i32)] = &[
    ("UTC", 0),
    ("GMT", 0),
    ("UT", 0),
    ("Z", 0),
    ("WET", 0),
    ("WEST", H),
    ("CET", H),
    ("CEST", 2 * H),
    ("MET", H),
    ("MEST", 2 * H),
    ("EET", 2 * H),
    ("EEST", 3 * H),
    ("MSK", 3 * H),
    ("SAST", 2 * H),
    ("EST", -5 * H),
    ("EDT", -4 * H),
    ("MST", -7 * H),
    ("MDT", -6 * H),
    ("PDT", -7 * H),
    ("AKST", -9 * H),
    ("AKDT", -8 * H),
    ("HST", -10 * H),
    ("ADT", -3 * H),
    ("NST", -3 * H - 1800),
    ("NDT", -2 * H - 1800),
    ("JST", 9 * H),
    ("KST", 9 * H),
    ("HKT", 8 * H),
    ("SGT", 8 * H),
    ("AWST", 8 * H),
    ("ACST", 9 * H + 1800),
    ("ACDT", 10 * H + 1800),
    ("AEST", 10 * H),
    ("AEDT", 11 * H),
    ("NZST", 12 * H),
    ("NZDT", 13 * H),
];

/// One meaning of an ambiguous abbreviation: the offset it denotes, and the offsets its zone
/// has over the year (standard and daylight-saving time).
struct Meaning {
    offset: i32,
    zone: &'static [i32],
}

const fn meaning(offset: i32, zone: &'static [i32]) -> Meaning {
    Meaning { offset, zone }
}

/// Abbreviations with several meanings.
const AMBIGUOUS: &[(&str, &[Meaning])] = &[
    // India; Israel; Irish summer time.
    (
        "IST",
        &[
            meaning(5 * H + 1800, &[5 * H + 1800]),
            meaning(2 * H, &[2 * H, 3 * H]),
            meaning(H, &[0, H]),
        ],
    ),
    // US central; China; Cuba.
    (
        "CST",
        &[
            meaning(-6 * H, &[-6 * H, -5 * H]),
            meaning(8 * H, &[8 * H]),
            meaning(-5 * H, &[-5 * H, -4 * H]),
        ],
    ),
    // US central daylight; Cuba daylight.
    (
        "CDT",
        &[
            meaning(-5 * H, &[-6 * H, -5 * H]),
            meaning(-4 * H, &[-5 * H, -4 * H]),
        ],
    ),
    // British summer time; Bangladesh.
    ("BST", &[meaning(H, &[0, H]), meaning(6 * H, &[6 * H])]),
    // Atlantic; Arabia.
    (
        "AST",
        &[meaning(-4 * H, &[-4 * H, -3 * H]), meaning(3 * H, &[3 * H])],
    ),
    // US Pacific; Philippines.
    (
        "PST",
        &[meaning(-8 * H, &[-8 * H, -7 * H]), meaning(8 * H, &[8 * H])],
    ),
];

/// The offset of zone `zone`, seconds east of UTC. `engine_offset` (the Engine's current UTC
/// offset, when known) decides between the meanings of an ambiguous abbreviation: the one
/// whose zone has that offset at some time of the year, when only one does.
pub fn zone_offset(zone: &str, engine_offset: Option<i32>) -> Result<i32, JavaDateError> {
    if let Some(rest) = zone.strip_prefix("GMT").filter(|r| !r.is_empty()) {
        // A custom zone: `GMT+01:00` (`TimeZone.getTimeZone("GMT+1")` displays so).
        return custom_offset(rest).ok_or_else(|| JavaDateError::UnknownZone(zone.to_owned()));
    }
    if let Some((_, offset)) = ZONES.iter().find(|(name, _)| *name == zone) {
        return Ok(*offset);
    }
    let Some((_, meanings)) = AMBIGUOUS.iter().find(|(name, _)| *name == zone) else {
        return Err(JavaDateError::UnknownZone(zone.to_owned()));
    };
    let fitting: Vec<i32> = engine_offset
        .map(|e| {
            meanings
                .iter()
                .filter(|m| m.zone.contains(&e))
                .map(|m| m.offset)
                .collect()
        })
        .unwrap_or_default();
    match fitting.as_slice() {
        [one] => Ok(*one),
        _ => Err(JavaDateError::AmbiguousZone {
            zone: zone.to_owned(),
            offsets: meanings.iter().map(|m| m.offset).collect(),
        }),
    }
}

fn custom_offset(rest: &str) -> Option<i32> {
    let sign = match rest.as_bytes().first()? {
        b'+' => 1,
        b'-' => -1,
        _ => return None,
    };
    let (h, m) = rest[1..].split_once(':')?;
    if h.is_empty() || h.len() > 2 || m.len() != 2 {
        return None;
    }
    let (h, m): (i32, i32) = (h.parse().ok()?, m.parse().ok()?);
    (h <= 23 && m <= 59).then_some(sign * (h * H + m * 60))
}

/// Reads a `java.util.Date.toString()` text (see the module documentation for zones).
pub fn parse_java_date(
    text: &str,
    engine_offset: Option<i32>,
) -> Result<SystemTime, JavaDateError> {
    let malformed = || {
        JavaDateError::Malformed(format!(
            "'{text}' is not a date like 'Tue Feb 26 11:56:01 UTC 2019'"
        ))
    };
    let parts: Vec<&str> = text.split_whitespace().collect();
    let [dow, month, day, time, zone, year] = parts.as_slice() else {
        return Err(malformed());
    };
    let month = MONTHS
        .iter()
        .position(|m| m == month)
        .ok_or_else(malformed)? as u32
        + 1;
    let number = |s: &str, max_len: usize| -> Option<u32> {
        (!s.is_empty() && s.len() <= max_len && s.bytes().all(|b| b.is_ascii_digit()))
            .then(|| s.parse().ok())
            .flatten()
    };
    let day = number(day, 2).ok_or_else(malformed)?;
    let year = i64::from(number(year, 4).ok_or_else(malformed)?);
    let hms: Vec<&str> = time.split(':').collect();
    let [h, m, s] = hms.as_slice() else {
        return Err(malformed());
    };
    let (hour, minute, second) = (
        number(h, 2).ok_or_else(malformed)?,
        number(m, 2).ok_or_else(malformed)?,
        number(s, 2).ok_or_else(malformed)?,
    );
    let days = days_from_civil(year, month, day).ok_or_else(malformed)?;
    if weekday(days) != *dow {
        return Err(JavaDateError::Malformed(format!(
            "'{text}': {year}-{month:02}-{day:02} is not a {dow}"
        )));
    }
    let offset = zone_offset(zone, engine_offset)?;
    LocalDateTime {
        year,
        month,
        day,
        hour,
        minute,
        second,
        nanos: 0,
    }
    .at_offset(offset)
    .ok_or_else(malformed)
}

#[cfg(test)]
mod tests {
    use std::time::{Duration, UNIX_EPOCH};

    use super::*;

    /// 2019-02-26T11:56:01Z.
    fn instant() -> SystemTime {
        UNIX_EPOCH + Duration::from_secs(1_551_182_161)
    }

    #[test]
    fn reads_utc_and_gmt() {
        assert_eq!(
            parse_java_date("Tue Feb 26 11:56:01 UTC 2019", None),
            Ok(instant())
        );
        assert_eq!(
            parse_java_date("Tue Feb 26 11:56:01 GMT 2019", None),
            Ok(instant())
        );
        // SimpleDateFormat's `d` also reads a day without its leading zero.
        assert_eq!(
            parse_java_date("Fri Mar 1 00:00:00 UTC 2019", None),
            Ok(UNIX_EPOCH + Duration::from_secs(1_551_398_400))
        );
    }

    #[test]
    fn reads_unambiguous_zones_and_custom_offsets() {
        for text in [
            "Tue Feb 26 12:56:01 CET 2019",
            "Tue Feb 26 06:56:01 EST 2019",
            "Tue Feb 26 20:56:01 JST 2019",
            "Tue Feb 26 12:56:01 GMT+01:00 2019",
            "Tue Feb 26 06:26:01 GMT-05:30 2019",
        ] {
            assert_eq!(parse_java_date(text, None), Ok(instant()), "{text}");
        }
    }

    #[test]
    fn ambiguous_zones_need_the_engine_offset() {
        let text = "Tue Feb 26 17:26:01 IST 2019";
        let e = parse_java_date(text, None).unwrap_err();
        assert!(matches!(e, JavaDateError::AmbiguousZone { .. }));
        assert!(e.to_string().contains("UTC+05:30 or UTC+02:00"), "{e}");
        // An Engine in Kolkata (+05:30) decides it.
        assert_eq!(parse_java_date(text, Some(5 * H + 1800)), Ok(instant()));
        // An Engine in Dublin (+00:00 now): its IST is Irish summer time.
        assert_eq!(
            parse_java_date("Tue Feb 26 12:56:01 IST 2019", Some(0)),
            Ok(instant())
        );
        // No zone with an IST has +01:30.
        assert!(parse_java_date(text, Some(H + 1800)).is_err());
        // Chicago (-06:00 in winter) and Shanghai (+08:00) both write CST.
        assert_eq!(
            parse_java_date("Tue Feb 26 05:56:01 CST 2019", Some(-6 * H)),
            Ok(instant())
        );
        // At -05:00 it is Chicago's summer or Cuba's winter: not decided.
        assert!(matches!(
            parse_java_date("Tue Feb 26 05:56:01 CST 2019", Some(-5 * H)),
            Err(JavaDateError::AmbiguousZone { .. })
        ));
        assert_eq!(
            parse_java_date("Tue Feb 26 19:56:01 CST 2019", Some(8 * H)),
            Ok(instant())
        );
    }

    #[test]
    fn refuses_unknown_zones_and_malformed_text() {
        assert_eq!(
            parse_java_date("Tue Feb 26 11:56:01 XYZT 2019", None),
            Err(JavaDateError::UnknownZone("XYZT".into()))
        );
        assert!(matches!(
            parse_java_date("Tue Feb 26 11:56:01 GMT+1 2019", None),
            Err(JavaDateError::UnknownZone(_))
        ));
        for bad in [
            "",
            "2019-02-26T11:56:01Z",
            "Tue Feb 26 11:56 UTC 2019",
            "Tue Fév 26 11:56:01 UTC 2019",
            "Tue Feb 30 11:56:01 UTC 2019",
            "Tue Feb 26 24:56:01 UTC 2019",
            "Tue Feb 26 11:56:01 UTC 2019 extra",
        ] {
            assert!(
                matches!(parse_java_date(bad, None), Err(JavaDateError::Malformed(_))),
                "{bad}"
            );
        }
        let e = parse_java_date("Wed Feb 26 11:56:01 UTC 2019", None).unwrap_err();
        assert!(e.to_string().contains("is not a Wed"), "{e}");
    }
}
