//! YAML 1.1 implicit typing of plain scalars, exactly as PyYAML's `SafeLoader` (and so Ansible)
//! does it, and Python's `str()` of the result.
//!
//! The rules are those of PyYAML's `resolver.py` (the `Resolver` implicit resolvers) and
//! `constructor.py` (`SafeConstructor.construct_yaml_*`): YAML 1.1 booleans in three spellings
//! (`yes`, `Yes`, `YES`, `on`, `off`, ...), old-style octal `017`, binary `0b1`, sexagesimal
//! `1:30`, underscores in numbers, floats that need a dot (`1e3` stays text), and dates.

use super::node::{Scalar, ScalarStyle};

/// The value PyYAML gives a scalar.
#[derive(Debug, Clone, PartialEq)]
pub enum Resolved {
    /// `~`, `null`, `Null`, `NULL` or nothing.
    Null,
    /// A YAML 1.1 boolean.
    Bool(bool),
    /// An integer (any size; the decimal digits, with a leading `-` when negative).
    Int(String),
    /// A float.
    Float(f64),
    /// A date or date-time (`2024-01-31`), kept as written.
    Timestamp(String),
    /// Text.
    Str(String),
    /// `=`: PyYAML's `safe_load` has no constructor for the YAML 1.1 value key and fails.
    ValueKey,
}

impl Resolved {
    /// Python's `str()` of the value, which is what an Ansible module receives for a text
    /// option. `None` for null.
    pub fn python_str(&self) -> Option<String> {
        match self {
            Resolved::Null => None,
            Resolved::Bool(true) => Some("True".into()),
            Resolved::Bool(false) => Some("False".into()),
            Resolved::Int(i) => Some(i.clone()),
            Resolved::Float(f) => Some(python_float_repr(*f)),
            Resolved::Timestamp(t) | Resolved::Str(t) => Some(t.clone()),
            Resolved::ValueKey => Some("=".into()),
        }
    }

    /// The YAML type name for messages: `null`, `boolean`, `integer`, `float`, `date`, `text`.
    pub fn type_name(&self) -> &'static str {
        match self {
            Resolved::Null => "null",
            Resolved::Bool(_) => "boolean",
            Resolved::Int(_) => "integer",
            Resolved::Float(_) => "float",
            Resolved::Timestamp(_) => "date",
            Resolved::Str(_) | Resolved::ValueKey => "text",
        }
    }
}

/// Resolves a scalar: explicit core tags first (`!!str`, `!!int`, ...), then plain-scalar
/// implicit typing; quoted and block scalars are text.
pub fn resolve(scalar: &Scalar) -> Resolved {
    if let Some(tag) = scalar.tag.as_deref() {
        if let Some(core) = tag.strip_prefix("tag:yaml.org,2002:") {
            return match core {
                "null" => Resolved::Null,
                "bool" => match resolve_plain(&scalar.text) {
                    r @ Resolved::Bool(_) => r,
                    _ => Resolved::Str(scalar.text.clone()),
                },
                "int" => match resolve_plain(&scalar.text) {
                    r @ Resolved::Int(_) => r,
                    _ => Resolved::Str(scalar.text.clone()),
                },
                "float" => match resolve_plain(&scalar.text) {
                    r @ Resolved::Float(_) => r,
                    Resolved::Int(i) => Resolved::Float(i.parse().unwrap_or(f64::NAN)),
                    _ => Resolved::Str(scalar.text.clone()),
                },
                _ => Resolved::Str(scalar.text.clone()),
            };
        }
        // `!vault`, `!unsafe` and other local tags: the text itself.
        return Resolved::Str(scalar.text.clone());
    }
    if scalar.empty {
        return Resolved::Null;
    }
    match scalar.style {
        ScalarStyle::Plain => resolve_plain(&scalar.text),
        ScalarStyle::Quoted | ScalarStyle::Block => Resolved::Str(scalar.text.clone()),
    }
}

/// Implicit typing of a plain scalar's text.
pub fn resolve_plain(text: &str) -> Resolved {
    match text {
        "" | "~" | "null" | "Null" | "NULL" => return Resolved::Null,
        "yes" | "Yes" | "YES" | "true" | "True" | "TRUE" | "on" | "On" | "ON" => {
            return Resolved::Bool(true);
        }
        "no" | "No" | "NO" | "false" | "False" | "FALSE" | "off" | "Off" | "OFF" => {
            return Resolved::Bool(false);
        }
        "=" => return Resolved::ValueKey,
        _ => {}
    }
    if let Some(i) = int(text) {
        return Resolved::Int(i);
    }
    if let Some(f) = float(text) {
        return Resolved::Float(f);
    }
    if is_timestamp(text) {
        return Resolved::Timestamp(text.to_owned());
    }
    Resolved::Str(text.to_owned())
}

fn split_sign(text: &str) -> (bool, &str) {
    match text.as_bytes().first() {
        Some(b'-') => (true, &text[1..]),
        Some(b'+') => (false, &text[1..]),
        _ => (false, text),
    }
}

fn all(s: &str, f: impl Fn(u8) -> bool) -> bool {
    !s.is_empty() && s.bytes().all(f)
}

/// `[-+]?0b[0-1_]+ | [-+]?0[0-7_]+ | [-+]?(0|[1-9][0-9_]*) | [-+]?0x[0-9a-fA-F_]+ |
/// [-+]?[1-9][0-9_]*(:[0-5]?[0-9])+`, then PyYAML's construction.
fn int(text: &str) -> Option<String> {
    let (neg, body) = split_sign(text);
    let value: u128 = if let Some(bin) = body.strip_prefix("0b") {
        if !all(bin, |b| b == b'0' || b == b'1' || b == b'_') {
            return None;
        }
        radix(bin, 2)?
    } else if let Some(hex) = body.strip_prefix("0x") {
        if !all(hex, |b| b.is_ascii_hexdigit() || b == b'_') {
            return None;
        }
        radix(hex, 16)?
    } else if body == "0" {
        0
    } else if let Some(oct) = body.strip_prefix('0') {
        if !all(oct, |b| (b'0'..=b'7').contains(&b) || b == b'_') {
            return None;
        }
        // `0_` is 0 for PyYAML (underscores are dropped before the base is chosen).
        radix(oct, 8).unwrap_or(0)
    } else if body.contains(':') {
        let mut parts = body.split(':');
        let first = parts.next()?;
        if !first.starts_with(|c: char| ('1'..='9').contains(&c))
            || !all(first, |b| b.is_ascii_digit() || b == b'_')
        {
            return None;
        }
        let mut value = radix(first, 10)?;
        for part in parts {
            if !sexagesimal_digit(part) {
                return None;
            }
            value = value.checked_mul(60)?.checked_add(part.parse().ok()?)?;
        }
        value
    } else {
        if !body.starts_with(|c: char| ('1'..='9').contains(&c))
            || !all(body, |b| b.is_ascii_digit() || b == b'_')
        {
            return None;
        }
        radix(body, 10)?
    };
    Some(if neg && value != 0 {
        format!("-{value}")
    } else {
        value.to_string()
    })
}

/// `[0-5]?[0-9]`
fn sexagesimal_digit(part: &str) -> bool {
    match part.as_bytes() {
        [d] => d.is_ascii_digit(),
        [a, b] => (b'0'..=b'5').contains(a) && b.is_ascii_digit(),
        _ => false,
    }
}

/// Digits with underscores removed. `None` when nothing is left (PyYAML itself fails on
/// `0b_`; we then leave the text alone) or the number does not fit 128 bits.
fn radix(digits: &str, base: u32) -> Option<u128> {
    let clean: String = digits.chars().filter(|c| *c != '_').collect();
    if clean.is_empty() {
        return None;
    }
    u128::from_str_radix(&clean, base).ok()
}

/// `[-+]?([0-9][0-9_]*)?\.[0-9_]*([eE][-+][0-9]+)? | [-+]?[0-9][0-9_]*(:[0-5]?[0-9])+\.[0-9_]* |
/// [-+]?\.(inf|Inf|INF) | \.(nan|NaN|NAN)`, as in PyYAML 5.1 and later.
fn float(text: &str) -> Option<f64> {
    if matches!(text, ".nan" | ".NaN" | ".NAN") {
        return Some(f64::NAN);
    }
    let (neg, body) = split_sign(text);
    let sign = if neg { -1.0 } else { 1.0 };
    if matches!(body, ".inf" | ".Inf" | ".INF") {
        return Some(sign * f64::INFINITY);
    }
    let (int_part, rest) = body.split_once('.')?;
    if int_part.contains(':') {
        let mut parts = int_part.split(':');
        let first = parts.next()?;
        if !all(first, |b| b.is_ascii_digit() || b == b'_') || !first.as_bytes()[0].is_ascii_digit()
        {
            return None;
        }
        if !rest.bytes().all(|b| b.is_ascii_digit() || b == b'_') {
            return None;
        }
        let mut value: f64 = first.replace('_', "").parse().ok()?;
        for part in parts {
            if !sexagesimal_digit(part) {
                return None;
            }
            value = value * 60.0 + part.parse::<f64>().ok()?;
        }
        let frac: String = rest.chars().filter(|c| *c != '_').collect();
        let frac: f64 = format!("0.{frac}0").parse().ok()?;
        // PyYAML adds the fraction to the last sexagesimal digit.
        return Some(sign * (value + frac));
    }
    if !int_part.is_empty()
        && (!int_part.as_bytes()[0].is_ascii_digit()
            || !int_part.bytes().all(|b| b.is_ascii_digit() || b == b'_'))
    {
        return None;
    }
    let (frac, exp) = match rest.find(['e', 'E']) {
        Some(i) => (&rest[..i], Some(&rest[i + 1..])),
        None => (rest, None),
    };
    if !frac.bytes().all(|b| b.is_ascii_digit() || b == b'_') {
        return None;
    }
    // `.5` is a float, `-.5` and `.` are text.
    if int_part.is_empty()
        && (body.len() != text.len() || !frac.as_bytes().first().is_some_and(u8::is_ascii_digit))
    {
        return None;
    }
    if let Some(exp) = exp {
        let digits = exp.strip_prefix(['-', '+'])?;
        if !all(digits, |b| b.is_ascii_digit()) {
            return None;
        }
    }
    let clean: String = body.chars().filter(|c| *c != '_').collect();
    let clean = if clean.starts_with('.') {
        format!("0{clean}")
    } else {
        clean
    };
    clean.parse::<f64>().ok().map(|v| sign * v)
}

/// `YYYY-MM-DD`, or `YYYY-M-D` followed by a time (`T` or blanks, `h:mm:ss`, fraction, zone).
fn is_timestamp(text: &str) -> bool {
    let b = text.as_bytes();
    let d = |i: usize| b.get(i).is_some_and(u8::is_ascii_digit);
    if !(d(0) && d(1) && d(2) && d(3) && b.get(4) == Some(&b'-')) {
        return false;
    }
    if b.len() == 10 && d(5) && d(6) && b[7] == b'-' && d(8) && d(9) {
        return true;
    }
    // The date-time form.
    let mut i = 5;
    let digits = |i: &mut usize, min: usize, max: usize| {
        let start = *i;
        while *i < b.len() && b[*i].is_ascii_digit() && *i - start < max {
            *i += 1;
        }
        *i - start >= min
    };
    if !digits(&mut i, 1, 2) || b.get(i) != Some(&b'-') {
        return false;
    }
    i += 1;
    if !digits(&mut i, 1, 2) {
        return false;
    }
    match b.get(i) {
        Some(b'T' | b't') => i += 1,
        Some(b' ' | b'\t') => {
            while matches!(b.get(i), Some(b' ' | b'\t')) {
                i += 1;
            }
        }
        _ => return false,
    }
    if !digits(&mut i, 1, 2) || b.get(i) != Some(&b':') {
        return false;
    }
    i += 1;
    if !digits(&mut i, 2, 2) || b.get(i) != Some(&b':') {
        return false;
    }
    i += 1;
    if !digits(&mut i, 2, 2) {
        return false;
    }
    if b.get(i) == Some(&b'.') {
        i += 1;
        digits(&mut i, 0, usize::MAX);
    }
    while matches!(b.get(i), Some(b' ' | b'\t')) {
        i += 1;
    }
    match b.get(i) {
        None => true,
        Some(b'Z') => i + 1 == b.len(),
        Some(b'-' | b'+') => {
            i += 1;
            if !digits(&mut i, 1, 2) {
                return false;
            }
            if b.get(i) == Some(&b':') {
                i += 1;
                if !digits(&mut i, 2, 2) {
                    return false;
                }
            }
            i == b.len()
        }
        _ => false,
    }
}

/// Python's `repr(float)`: the shortest digits that round-trip, in fixed notation when the
/// decimal exponent is in `-4..16`, scientific (`1e+16`) otherwise.
pub fn python_float_repr(f: f64) -> String {
    if f.is_nan() {
        return "nan".into();
    }
    if f.is_infinite() {
        return if f > 0.0 { "inf".into() } else { "-inf".into() };
    }
    // Rust's `{:e}` gives the shortest round-trip digits: `-1.2345e3`.
    let sci = format!("{f:e}");
    let (mantissa, exp) = sci.split_once('e').unwrap_or((&sci, "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    let (neg, mantissa) = match mantissa.strip_prefix('-') {
        Some(m) => (true, m),
        None => (false, mantissa),
    };
    let digits: String = mantissa.chars().filter(char::is_ascii_digit).collect();
    let sign = if neg { "-" } else { "" };
    if (-4..16).contains(&exp) {
        let n = i32::try_from(digits.len()).unwrap_or(i32::MAX);
        let text = if exp >= 0 {
            let int_len = exp + 1;
            if n <= int_len {
                let zeros = usize::try_from(int_len - n).unwrap_or(0);
                format!("{digits}{}.0", "0".repeat(zeros))
            } else {
                let at = usize::try_from(int_len).unwrap_or(0);
                format!("{}.{}", &digits[..at], &digits[at..])
            }
        } else {
            let zeros = usize::try_from(-exp - 1).unwrap_or(0);
            format!("0.{}{digits}", "0".repeat(zeros))
        };
        format!("{sign}{text}")
    } else {
        let exp_text = format!("{}{:02}", if exp < 0 { '-' } else { '+' }, exp.abs());
        if digits.len() == 1 {
            format!("{sign}{digits}e{exp_text}")
        } else {
            format!("{sign}{}.{}e{exp_text}", &digits[..1], &digits[1..])
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn r(text: &str) -> Resolved {
        resolve_plain(text)
    }

    #[test]
    fn booleans_and_nulls_follow_yaml_1_1() {
        for t in ["yes", "Yes", "YES", "on", "ON", "True", "true", "TRUE"] {
            assert_eq!(r(t), Resolved::Bool(true), "{t}");
        }
        for t in ["no", "No", "off", "Off", "False", "false"] {
            assert_eq!(r(t), Resolved::Bool(false), "{t}");
        }
        for t in ["y", "n", "yEs", "tRUE", "On1"] {
            assert!(matches!(r(t), Resolved::Str(_)), "{t}");
        }
        for t in ["", "~", "null", "Null", "NULL"] {
            assert_eq!(r(t), Resolved::Null, "{t}");
        }
        assert!(matches!(r("nULL"), Resolved::Str(_)));
    }

    #[test]
    fn integers_like_pyyaml() {
        let cases = [
            ("0", "0"),
            ("-0", "0"),
            ("42", "42"),
            ("+42", "42"),
            ("1_000", "1000"),
            ("017", "15"),
            ("0x1F", "31"),
            ("0b101", "5"),
            ("1:30", "90"),
            ("-1:00:01", "-3601"),
            ("3260", "3260"),
        ];
        for (t, v) in cases {
            assert_eq!(r(t), Resolved::Int(v.into()), "{t}");
        }
        for t in ["08", "0o17", "1:60", "0x", "12a", "-", "0b_"] {
            assert!(!matches!(r(t), Resolved::Int(_)), "{t}");
        }
        assert_eq!(r("1__"), Resolved::Int("1".into()));
        assert_eq!(r("0_"), Resolved::Int("0".into()));
    }

    #[test]
    fn floats_need_a_dot_and_a_signed_exponent() {
        assert_eq!(r("1.5"), Resolved::Float(1.5));
        assert_eq!(r("1."), Resolved::Float(1.0));
        assert_eq!(r(".5"), Resolved::Float(0.5));
        assert_eq!(r("1.0e+3"), Resolved::Float(1000.0));
        assert_eq!(r("-.inf"), Resolved::Float(f64::NEG_INFINITY));
        assert_eq!(r("1:30.5"), Resolved::Float(90.5));
        for t in ["1e3", "1.0e3", "-.5", "10.64.90.1", "."] {
            assert!(matches!(r(t), Resolved::Str(_)), "{t}");
        }
    }

    #[test]
    fn dates_and_times() {
        for t in [
            "2024-01-31",
            "2001-12-14t21:59:43.10-05:00",
            "2001-12-14 21:59:43.10 -5",
            "2001-1-2T1:02:03Z",
        ] {
            assert!(matches!(r(t), Resolved::Timestamp(_)), "{t}");
        }
        for t in ["2024-1-31", "2024-01-31x", "20240131"] {
            assert!(!matches!(r(t), Resolved::Timestamp(_)), "{t}");
        }
    }

    #[test]
    fn python_str_of_values() {
        assert_eq!(r("yes").python_str().unwrap(), "True");
        assert_eq!(r("017").python_str().unwrap(), "15");
        assert_eq!(python_float_repr(1500.0), "1500.0");
        assert_eq!(python_float_repr(1e16), "1e+16");
        assert_eq!(python_float_repr(1.5e-5), "1.5e-05");
        assert_eq!(python_float_repr(0.0001), "0.0001");
        assert_eq!(python_float_repr(-2.5), "-2.5");
        assert_eq!(python_float_repr(123_456_789.125), "123456789.125");
    }
}
