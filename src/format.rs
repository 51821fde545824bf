//! Number formatting for display, and reading amounts as people type them. Plain Rust, so it
//! is tested natively.
//!
//! Display rules for every number on the page: a value that is not finite shows as `—`
//! (never `NaN` or `inf`), and a value that rounds to zero shows without a sign (never
//! `-0.0%` or `-$0`).

use mixplan_core::format::{group_thousands, whole_digits};
use thiserror::Error;

/// What the page shows for a number that has no finite value.
pub const NO_VALUE: &str = "—";

/// Formats an amount as whole US dollars with thousands separators: `1234567.4` → `$1,234,567`.
/// Negative amounts get a leading minus (`-$1,200`); non-finite values show as `—`.
pub fn currency(amount: f64) -> String {
    if !amount.is_finite() {
        return NO_VALUE.to_string();
    }
    let rounded = amount.round();
    let sign = if rounded < 0.0 { "-" } else { "" };
    format!("{sign}${}", group_thousands(&whole_digits(rounded.abs())))
}

/// Formats a count with thousands separators: `1600` → `1,600`.
pub fn count(n: usize) -> String {
    group_thousands(&n.to_string())
}

/// Like [`currency`] with an explicit sign: `+$1,200`, `-$300`, `$0`.
pub fn signed_currency(amount: f64) -> String {
    if amount.is_finite() && amount.round() > 0.0 {
        format!("+{}", currency(amount))
    } else {
        currency(amount)
    }
}

/// The sign of a change as the page shows it: the sign of `amount` rounded to whole dollars,
/// so a change that shows as `$0` is neither a gain nor a loss.
pub fn change_sign(amount: f64) -> std::cmp::Ordering {
    let rounded = if amount.is_finite() {
        amount.round()
    } else {
        0.0
    };
    rounded
        .partial_cmp(&0.0)
        .unwrap_or(std::cmp::Ordering::Equal)
}

/// Formats `value` with `places` decimals, `—` when it is not finite, and no sign when it
/// rounds to zero: `decimal(-0.0004, 2)` → `0.00`.
pub fn decimal(value: f64, places: usize) -> String {
    if !value.is_finite() {
        return NO_VALUE.to_string();
    }
    let text = format!("{value:.places$}");
    match text.strip_prefix('-') {
        Some(unsigned) if unsigned.chars().all(|c| c == '0' || c == '.') => unsigned.to_string(),
        _ => text,
    }
}

/// Formats a ratio as a percentage with one decimal: `0.1234` → `12.3%`; never `-0.0%`.
pub fn percent(ratio: f64) -> String {
    if !ratio.is_finite() {
        return NO_VALUE.to_string();
    }
    format!("{}%", decimal(ratio * 100.0, 1))
}

/// Like [`percent`] with an explicit sign on changes: `+1.2%`, `-0.4%`, `0.0%`.
pub fn signed_percent(ratio: f64) -> String {
    let shown = percent(ratio);
    if ratio.is_finite() && shown != "0.0%" && ratio > 0.0 {
        format!("+{shown}")
    } else {
        shown
    }
}

/// Why typed text is not an amount. Each message says what to type instead.
#[derive(Debug, Clone, PartialEq, Error)]
pub enum MoneyError {
    /// Nothing was typed.
    #[error("Type an amount, e.g. 12500.")]
    Empty,
    /// The text is not a number at all (or not a finite one).
    #[error("\"{0}\" is not an amount: type digits, e.g. 12500 or $12,500.")]
    NotANumber(String),
    /// The separators allow two readings, e.g. `1.500` (one thousand five hundred, or one and
    /// a half) or `12,5` (twelve and a half, or a mistyped thousands separator).
    #[error(
        "\"{text}\" could mean {} or {}: type {} or {} so there is no doubt (a dot for cents, commas only between groups of three digits).",
        plain(*first), plain(*second), plain(*first), plain(*second)
    )]
    Ambiguous {
        /// What was typed.
        text: String,
        /// One reading.
        first: f64,
        /// The other reading.
        second: f64,
    },
    /// Commas and dots in an order no reading explains, e.g. `1.234,56`.
    #[error(
        "\"{0}\" mixes separators: use commas only between groups of three digits and a dot for cents, e.g. 12,500.50."
    )]
    MixedSeparators(String),
}

/// A number as someone would type it back: no grouping, at most two decimals, no trailing
/// zeros (`1500`, `1.5`, `12.25`).
fn plain(value: f64) -> String {
    let text = format!("{value:.2}");
    text.trim_end_matches('0').trim_end_matches('.').to_string()
}

/// True when `groups` (split on the thousands separator) are thousands groups: the first has
/// one to three digits, every other exactly three.
fn thousands_groups(groups: &[&str]) -> bool {
    let digits = |g: &str| !g.is_empty() && g.chars().all(|c| c.is_ascii_digit());
    groups.len() > 1
        && groups.iter().all(|g| digits(g))
        && groups[0].len() <= 3
        && groups[1..].iter().all(|g| g.len() == 3)
}

/// Parses an amount the way people type money in the page's convention: `$12,500`, `12500`,
/// ` 12 500 `, `12,500.50`, `1e3`. Text whose separators allow two readings (`1.500`, `12,5`)
/// is refused with [`MoneyError::Ambiguous`] rather than guessed; the result is always finite.
pub fn parse_money(text: &str) -> Result<f64, MoneyError> {
    let typed = text.trim();
    let cleaned: String = typed
        .chars()
        .filter(|c| !matches!(c, '$' | ' ' | '\u{a0}' | '\u{202f}'))
        .collect();
    if cleaned.is_empty() {
        return Err(MoneyError::Empty);
    }
    let (sign, unsigned) = match cleaned.strip_prefix('-') {
        Some(rest) => (-1.0, rest),
        None => (1.0, cleaned.as_str()),
    };
    if unsigned.starts_with(['-', '+']) {
        return Err(MoneyError::NotANumber(typed.to_string()));
    }
    // `magnitude` reads digits without the sign; `number` applies it.
    let magnitude = |digits: &str| -> Result<f64, MoneyError> {
        digits
            .parse::<f64>()
            .ok()
            .filter(|v| v.is_finite())
            .ok_or_else(|| MoneyError::NotANumber(typed.to_string()))
    };
    let number = |digits: &str| magnitude(digits).map(|v| sign * v);
    let ambiguous = |first: f64, second: f64| MoneyError::Ambiguous {
        text: typed.to_string(),
        first: sign * first,
        second: sign * second,
    };
    let (whole, cents) = match unsigned.split_once('.') {
        Some((whole, cents)) if !cents.contains(['.', ',']) => (whole, Some(cents)),
        Some(_) => {
            // Several dots (`1.500.000`) or a comma after a dot (`1.234,56`).
            return Err(MoneyError::MixedSeparators(typed.to_string()));
        }
        None => (unsigned, None),
    };
    if whole.contains(',') {
        let groups: Vec<&str> = whole.split(',').collect();
        if !thousands_groups(&groups) {
            // `12,5` / `12,50`: a decimal comma, or a slip in a thousands separator?
            if cents.is_none() && groups.len() == 2 && thousands_groups(&[groups[0], "000"]) {
                let decimal = magnitude(&format!("{}.{}", groups[0], groups[1]))?;
                let joined = magnitude(&groups.concat())?;
                return Err(ambiguous(decimal, joined));
            }
            return Err(MoneyError::MixedSeparators(typed.to_string()));
        }
        let digits = groups.concat();
        return match cents {
            Some(cents) => number(&format!("{digits}.{cents}")),
            None => number(&digits),
        };
    }
    if let Some(cents) = cents {
        // `1.500`: a thousands dot or three decimals? (`0.125` has no thousands reading.)
        let thousands_reading = cents.len() == 3
            && cents.chars().all(|c| c.is_ascii_digit())
            && thousands_groups(&[whole, cents])
            && !whole.starts_with('0');
        if thousands_reading {
            let decimal = magnitude(unsigned)?;
            let joined = magnitude(&format!("{whole}{cents}"))?;
            return Err(ambiguous(joined, decimal));
        }
    }
    number(unsigned)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_group_thousands() {
        assert_eq!(count(0), "0");
        assert_eq!(count(800), "800");
        assert_eq!(count(1600), "1,600");
        assert_eq!(count(1_234_567), "1,234,567");
    }

    #[test]
    fn currency_groups_thousands_and_rounds() {
        assert_eq!(currency(0.0), "$0");
        assert_eq!(currency(-0.0), "$0");
        assert_eq!(currency(-0.4), "$0");
        assert_eq!(currency(999.5), "$1,000");
        assert_eq!(currency(1_234_567.4), "$1,234,567");
        assert_eq!(currency(-1200.0), "-$1,200");
        assert_eq!(currency(f64::NAN), "—");
        assert_eq!(currency(f64::INFINITY), "—");
    }

    #[cfg(not(target_arch = "wasm32"))]
    proptest::proptest! {
        #[test]
        fn currency_reads_as_the_float_formatter_writes(amount in -1e18f64..1e18, scale in 0i32..12) {
            let amount = amount / 10f64.powi(scale);
            let rounded = amount.round();
            let sign = if rounded < 0.0 { "-" } else { "" };
            let expected = format!("{sign}${}", group_thousands(&format!("{:.0}", rounded.abs())));
            proptest::prop_assert_eq!(currency(amount), expected);
        }
    }

    #[test]
    fn signed_currency_marks_gains() {
        assert_eq!(signed_currency(1200.0), "+$1,200");
        assert_eq!(signed_currency(-300.0), "-$300");
        assert_eq!(signed_currency(0.2), "$0");
        assert_eq!(signed_currency(-0.2), "$0");
        assert_eq!(signed_currency(f64::NEG_INFINITY), "—");
    }

    #[test]
    fn a_change_that_shows_as_zero_is_neither_gain_nor_loss() {
        use std::cmp::Ordering::*;
        assert_eq!(change_sign(0.6), Greater);
        assert_eq!(change_sign(-0.6), Less);
        assert_eq!(change_sign(-0.4), Equal);
        assert_eq!(change_sign(0.4), Equal);
        assert_eq!(change_sign(f64::NAN), Equal);
    }

    #[test]
    fn decimals_have_no_negative_zero_and_no_nan() {
        assert_eq!(decimal(1.234, 2), "1.23");
        assert_eq!(decimal(-1.234, 2), "-1.23");
        assert_eq!(decimal(-0.004, 2), "0.00");
        assert_eq!(decimal(-0.0, 2), "0.00");
        assert_eq!(decimal(f64::NAN, 2), "—");
        assert_eq!(decimal(f64::INFINITY, 3), "—");
    }

    #[test]
    fn percent_has_one_decimal_and_no_negative_zero() {
        assert_eq!(percent(0.1234), "12.3%");
        assert_eq!(percent(-0.05), "-5.0%");
        assert_eq!(percent(-0.0001), "0.0%");
        assert_eq!(percent(-0.0), "0.0%");
        assert_eq!(percent(f64::NAN), "—");
        assert_eq!(percent(f64::INFINITY), "—");
        assert_eq!(signed_percent(0.012), "+1.2%");
        assert_eq!(signed_percent(-0.004), "-0.4%");
        assert_eq!(signed_percent(0.0004), "0.0%");
        assert_eq!(signed_percent(-0.0004), "0.0%");
    }

    #[test]
    fn money_parses_as_typed() {
        assert_eq!(parse_money("$12,500"), Ok(12_500.0));
        assert_eq!(parse_money(" 12 500 "), Ok(12_500.0));
        assert_eq!(parse_money("1,234,567.5"), Ok(1_234_567.5));
        assert_eq!(parse_money("12.5"), Ok(12.5));
        assert_eq!(parse_money("12.50"), Ok(12.5));
        assert_eq!(parse_money("0.125"), Ok(0.125));
        assert_eq!(parse_money("1e3"), Ok(1_000.0));
        assert_eq!(parse_money("-5"), Ok(-5.0));
        assert_eq!(
            parse_money("inf"),
            Err(MoneyError::NotANumber("inf".into()))
        );
        assert_eq!(
            parse_money("NaN"),
            Err(MoneyError::NotANumber("NaN".into()))
        );
        assert_eq!(
            parse_money("twelve"),
            Err(MoneyError::NotANumber("twelve".into()))
        );
        assert_eq!(parse_money("  "), Err(MoneyError::Empty));
    }

    #[test]
    fn ambiguous_separators_are_refused_with_both_readings() {
        assert_eq!(
            parse_money("1.500"),
            Err(MoneyError::Ambiguous {
                text: "1.500".into(),
                first: 1_500.0,
                second: 1.5
            })
        );
        assert_eq!(
            parse_money("$12,5"),
            Err(MoneyError::Ambiguous {
                text: "$12,5".into(),
                first: 12.5,
                second: 125.0
            })
        );
        let message = parse_money("1.500").unwrap_err().to_string();
        assert!(message.contains("could mean 1500 or 1.5"), "{message}");
        assert!(matches!(
            parse_money("1.234,56"),
            Err(MoneyError::MixedSeparators(_))
        ));
        assert!(matches!(
            parse_money("1.500.000"),
            Err(MoneyError::MixedSeparators(_))
        ));
        assert!(matches!(
            parse_money("12,34,567"),
            Err(MoneyError::MixedSeparators(_))
        ));
    }
}
