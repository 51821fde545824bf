//! Number formatting for display. Plain Rust, so it is tested natively.

use mixplan_core::format::group_thousands;

/// Formats an amount as whole US dollars with thousands separators: `1234567.4` → `$1,234,567`.
/// Negative amounts get a leading minus (`-$1,200`); non-finite values show as `—`.
pub fn currency(amount: f64) -> String {
    if !amount.is_finite() {
        return "—".to_string();
    }
    let rounded = amount.round();
    let sign = if rounded < 0.0 { "-" } else { "" };
    format!(
        "{sign}${}",
        group_thousands(&format!("{:.0}", rounded.abs()))
    )
}

/// Like [`currency`] with an explicit sign: `+$1,200`, `-$300`, `$0`.
pub fn signed_currency(amount: f64) -> String {
    if amount.is_finite() && amount.round() > 0.0 {
        format!("+{}", currency(amount))
    } else {
        currency(amount)
    }
}

/// Formats a ratio as a percentage with one decimal: `0.1234` → `12.3%`.
pub fn percent(ratio: f64) -> String {
    if !ratio.is_finite() {
        return "—".to_string();
    }
    format!("{:.1}%", ratio * 100.0)
}

/// Parses an amount the way people type money: `$12,500`, `12500`, ` 12 500 `. `None`
/// unless the result is a finite number.
pub fn parse_money(text: &str) -> Option<f64> {
    let cleaned: String = text
        .chars()
        .filter(|c| !matches!(c, '$' | ',' | ' '))
        .collect();
    cleaned.parse::<f64>().ok().filter(|v| v.is_finite())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn currency_groups_thousands_and_rounds() {
        assert_eq!(currency(0.0), "$0");
        assert_eq!(currency(999.5), "$1,000");
        assert_eq!(currency(1_234_567.4), "$1,234,567");
        assert_eq!(currency(-1200.0), "-$1,200");
        assert_eq!(currency(f64::NAN), "—");
    }

    #[test]
    fn signed_currency_marks_gains() {
        assert_eq!(signed_currency(1200.0), "+$1,200");
        assert_eq!(signed_currency(-300.0), "-$300");
        assert_eq!(signed_currency(0.2), "$0");
    }

    #[test]
    fn money_parses_as_typed() {
        assert_eq!(parse_money("$12,500"), Some(12_500.0));
        assert_eq!(parse_money(" 12 500 "), Some(12_500.0));
        assert_eq!(parse_money("1e3"), Some(1_000.0));
        assert_eq!(parse_money("inf"), None);
        assert_eq!(parse_money("twelve"), None);
    }

    #[test]
    fn percent_has_one_decimal() {
        assert_eq!(percent(0.1234), "12.3%");
        assert_eq!(percent(-0.05), "-5.0%");
    }
}
