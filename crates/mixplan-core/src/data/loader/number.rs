//! Number cells as people write them: `1234.5`, `"1,234.50"`, `$ 1,234`, `1.234,56 €`,
//! `12,5`, `(300)`, `-£5`, `1e5`; and the detection of a file's decimal separator.
//!
//! A cell is cleaned (currency signs `$ € £` and spaces around the number dropped, a sign or
//! accounting parentheses read), then read under one [`DecimalSeparator`]: the other of `.`
//! and `,` (and a space, a no-break space or an apostrophe) may only group thousands, in
//! groups of exactly three digits after a first group of one to three (`1,234,567.8`).

use serde::{Deserialize, Serialize};
use std::fmt;

/// Which character separates a number's decimals.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum DecimalSeparator {
    /// `1,234.56`: a dot for decimals, commas (or spaces) group thousands.
    Dot,
    /// `1.234,56`: a comma for decimals, dots (or spaces) group thousands.
    Comma,
}

impl fmt::Display for DecimalSeparator {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            DecimalSeparator::Dot => "decimal point (1,234.56)",
            DecimalSeparator::Comma => "decimal comma (1.234,56)",
        })
    }
}

impl DecimalSeparator {
    fn decimal_char(self) -> char {
        match self {
            DecimalSeparator::Dot => '.',
            DecimalSeparator::Comma => ',',
        }
    }
}

/// Currency signs dropped around a number.
const CURRENCY_SIGNS: &[char] = &['$', '€', '£'];

/// Characters that may group thousands besides the non-decimal one of `.` and `,`.
const GROUPING_SPACES: &[char] = &[' ', '\u{a0}', '\u{202f}', '\'', '’'];

/// The number written in `cell` when decimals are separated by `decimal`, or `None` when the
/// cell is not a number in that convention. `inf`, `-inf` and `NaN` are read as the
/// non-finite values they name (the caller reports them).
pub fn parse_number(cell: &str, decimal: DecimalSeparator) -> Option<f64> {
    // Fast path for the common plain form (`-1234.5`): the standard parser reads exactly
    // what the general path below would.
    if decimal == DecimalSeparator::Dot
        && cell
            .bytes()
            .all(|b| b.is_ascii_digit() || b == b'.' || b == b'-')
    {
        return cell.parse().ok();
    }
    let mut body = cell.trim_matches(|c: char| c.is_whitespace() || CURRENCY_SIGNS.contains(&c));
    let mut negative = false;
    if let Some(inner) = body.strip_prefix('(').and_then(|b| b.strip_suffix(')')) {
        negative = true;
        body = inner;
    }
    body = body.trim_matches(|c: char| c.is_whitespace() || CURRENCY_SIGNS.contains(&c));
    if let Some(rest) = body.strip_prefix(['-', '−']) {
        if negative {
            return None;
        }
        negative = true;
        body = rest;
    } else if let Some(rest) = body.strip_prefix('+') {
        body = rest;
    }
    // A currency sign may also sit between the sign and the digits: `-$5`.
    body = body.trim_start_matches(|c: char| c.is_whitespace() || CURRENCY_SIGNS.contains(&c));
    let value = parse_unsigned(body, decimal)?;
    Some(if negative { -value } else { value })
}

fn parse_unsigned(body: &str, decimal: DecimalSeparator) -> Option<f64> {
    if body.is_empty() {
        return None;
    }
    if body.chars().any(|c| c.is_ascii_alphabetic()) {
        // Scientific notation (`1.5e3`, `2,5E-3`) or inf/NaN: no thousands grouping.
        let plain = match decimal {
            DecimalSeparator::Dot if !body.contains(',') => body.to_string(),
            DecimalSeparator::Comma if !body.contains('.') => body.replace(',', "."),
            _ => return None,
        };
        let lower = plain.to_ascii_lowercase();
        let allowed = lower
            .chars()
            .all(|c| c.is_ascii_digit() || ".e-+".contains(c))
            || matches!(lower.as_str(), "inf" | "infinity" | "nan");
        return if allowed { plain.parse().ok() } else { None };
    }
    let decimal_char = decimal.decimal_char();
    let (integer, fraction) = match body.split_once(decimal_char) {
        Some((i, f)) => (i, Some(f)),
        None => (body, None),
    };
    let fraction = fraction.unwrap_or("");
    if !fraction.chars().all(|c| c.is_ascii_digit()) || (integer.is_empty() && fraction.is_empty())
    {
        return None;
    }
    let digits = integer_digits(integer, decimal)?;
    format!("{digits}.{fraction}").parse().ok()
}

/// The integer part without its grouping characters, when grouped correctly.
fn integer_digits(integer: &str, decimal: DecimalSeparator) -> Option<String> {
    let other = match decimal {
        DecimalSeparator::Dot => ',',
        DecimalSeparator::Comma => '.',
    };
    let is_group = |c: char| c == other || GROUPING_SPACES.contains(&c);
    if !integer.contains(is_group) {
        return integer.chars().all(|c| c.is_ascii_digit()).then(|| {
            if integer.is_empty() {
                "0".into()
            } else {
                integer.into()
            }
        });
    }
    let mut groups = integer.split(is_group);
    let first = groups.next()?;
    let first_ok = (1..=3).contains(&first.len())
        && first.chars().all(|c| c.is_ascii_digit())
        && !first.starts_with('0');
    if !first_ok {
        return None;
    }
    let mut digits = String::from(first);
    for g in groups {
        if g.len() != 3 || !g.chars().all(|c| c.is_ascii_digit()) {
            return None;
        }
        digits.push_str(g);
    }
    Some(digits)
}

/// What one cell says about the file's decimal separator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum DecimalEvidence {
    /// A number under both conventions, with the same value (`1234`, `-5`).
    Neutral,
    /// A number only with a decimal point (`12.5`, `1,234.5`).
    Dot,
    /// A number only with a decimal comma (`12,5`, `1.234,5`).
    Comma,
    /// A number under both, with different values (`1.234`, `1,234`).
    Ambiguous,
    /// Not a number under either.
    NotANumber,
}

pub(crate) fn decimal_evidence(cell: &str) -> DecimalEvidence {
    match (
        parse_number(cell, DecimalSeparator::Dot),
        parse_number(cell, DecimalSeparator::Comma),
    ) {
        (Some(a), Some(b)) if a == b || (a.is_nan() && b.is_nan()) => DecimalEvidence::Neutral,
        (Some(_), Some(_)) => DecimalEvidence::Ambiguous,
        (Some(_), None) => DecimalEvidence::Dot,
        (None, Some(_)) => DecimalEvidence::Comma,
        (None, None) => DecimalEvidence::NotANumber,
    }
}

/// Counts of each kind of evidence over a file's cells.
#[derive(Debug, Default, Clone)]
pub(crate) struct DecimalVotes {
    pub(crate) dot: usize,
    pub(crate) comma: usize,
    /// The first ambiguous cell and its column index.
    pub(crate) first_ambiguous: Option<(usize, String)>,
}

impl DecimalVotes {
    pub(crate) fn add(&mut self, column: usize, cell: &str) {
        match decimal_evidence(cell) {
            DecimalEvidence::Dot => self.dot += 1,
            DecimalEvidence::Comma => self.comma += 1,
            DecimalEvidence::Ambiguous if self.first_ambiguous.is_none() => {
                self.first_ambiguous = Some((column, cell.to_string()));
            }
            _ => {}
        }
    }

    /// The decision: the convention most cells can only be read in (a cell that disagrees
    /// is then reported as a bad number, with its line); with no such cell, `fallback` when
    /// there is no ambiguous cell or `comma_is_field_separator` (a comma-separated file
    /// rarely has decimal commas), else `None`: ask.
    pub(crate) fn decide(&self, comma_is_field_separator: bool) -> Option<DecimalSeparator> {
        if self.dot > 0 || self.comma > 0 {
            return Some(if self.comma > self.dot {
                DecimalSeparator::Comma
            } else {
                DecimalSeparator::Dot
            });
        }
        if self.first_ambiguous.is_none() || comma_is_field_separator {
            Some(DecimalSeparator::Dot)
        } else {
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::DecimalSeparator::{Comma, Dot};
    use super::*;

    #[test]
    fn reads_the_ways_people_write_numbers() {
        for (cell, decimal, value) in [
            ("1234.5", Dot, 1234.5),
            ("1,234.50", Dot, 1234.5),
            ("$ 1,234", Dot, 1234.0),
            ("1.234,56 €", Comma, 1234.56),
            ("12,5", Comma, 12.5),
            ("(300)", Dot, -300.0),
            ("-£5", Dot, -5.0),
            ("£-5", Dot, -5.0),
            ("1e5", Dot, 1e5),
            ("2,5E-3", Comma, 2.5e-3),
            ("1 234 567,8", Comma, 1_234_567.8),
            (".5", Dot, 0.5),
            ("7.", Dot, 7.0),
            ("1'000", Dot, 1000.0),
        ] {
            assert_eq!(parse_number(cell, decimal), Some(value), "{cell}");
        }
    }

    #[test]
    fn refuses_what_is_not_a_number() {
        for (cell, decimal) in [
            ("12..5", Dot),
            ("1,23.4", Dot),
            ("01,234", Dot),
            ("1.234.5", Comma),
            ("abc", Dot),
            ("", Dot),
            ("$", Dot),
            ("-(5)", Dot),
            ("1,5", Dot),
            ("1.5", Comma),
            ("1e5,000", Dot),
            ("2024-01-01", Dot),
        ] {
            assert_eq!(parse_number(cell, decimal), None, "{cell}");
        }
        assert!(parse_number("inf", Dot).is_some_and(f64::is_infinite));
        assert!(parse_number("NaN", Comma).is_some_and(f64::is_nan));
    }

    #[test]
    fn evidence_per_cell() {
        use DecimalEvidence as E;
        for (cell, evidence) in [
            ("1234", E::Neutral),
            ("12.5", E::Dot),
            ("1,234.5", E::Dot),
            ("0.123", E::Dot),
            ("12,5", E::Comma),
            ("1.234,5", E::Comma),
            ("1.234", E::Ambiguous),
            ("1,234", E::Ambiguous),
            ("x", E::NotANumber),
        ] {
            assert_eq!(decimal_evidence(cell), evidence, "{cell}");
        }
    }

    #[test]
    fn votes_decide_or_ask() {
        let votes = |cells: &[&str]| {
            let mut v = DecimalVotes::default();
            for c in cells {
                v.add(0, c);
            }
            v
        };
        assert_eq!(votes(&["1.234", "12,5"]).decide(false), Some(Comma));
        assert_eq!(votes(&["1.234", "12.5"]).decide(false), Some(Dot));
        assert_eq!(votes(&["1.234", "5"]).decide(false), None);
        assert_eq!(votes(&["1.234", "5"]).decide(true), Some(Dot));
        assert_eq!(votes(&["1", "5"]).decide(false), Some(Dot));
    }
}
