//! Number formatting shared by error messages here and the app's display.

/// Inserts thousands separators into a string of decimal digits: `"1234567"` → `"1,234,567"`.
pub fn group_thousands(digits: &str) -> String {
    let mut grouped = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            grouped.push(',');
        }
        grouped.push(ch);
    }
    grouped
}

/// Below this every whole `f64` is exact as a `u64`: `2^53`.
const EXACT_WHOLE: f64 = 9_007_199_254_740_992.0;

/// The decimal digits of a whole, non-negative `value`, as `format!("{value:.0}")` writes them.
/// Below `2^53` through the integer formatter: the float one takes its exact-precision path,
/// which for some values falls back to a slow arbitrary-precision loop, and the page formats
/// a few dozen amounts on every slider move (docs/performance.md).
pub fn whole_digits(value: f64) -> String {
    if value < EXACT_WHOLE {
        // Whole and below 2^53: the conversion is exact.
        (value as u64).to_string()
    } else {
        format!("{value:.0}")
    }
}

/// Formats an amount of money with thousands separators and two decimals (`12,345.60`);
/// non-finite values as Rust prints them.
pub fn money(amount: f64) -> String {
    if !amount.is_finite() {
        return format!("{amount}");
    }
    let cents = (amount.abs() * 100.0).round();
    let whole = (cents / 100.0).trunc();
    let fraction = cents - whole * 100.0;
    let sign = if amount < 0.0 && cents > 0.0 { "-" } else { "" };
    format!(
        "{sign}{}.{fraction:02.0}",
        group_thousands(&whole_digits(whole))
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn groups_thousands() {
        assert_eq!(group_thousands(""), "");
        assert_eq!(group_thousands("999"), "999");
        assert_eq!(group_thousands("1000"), "1,000");
        assert_eq!(group_thousands("1234567"), "1,234,567");
    }

    #[test]
    fn whole_digits_are_what_the_float_formatter_writes() {
        for value in [
            0.0,
            1.0,
            999.0,
            1e15,
            EXACT_WHOLE - 1.0,
            EXACT_WHOLE,
            1e20,
            1.5e300,
        ] {
            assert_eq!(whole_digits(value), format!("{value:.0}"), "{value}");
        }
    }

    #[test]
    fn money_groups_thousands() {
        assert_eq!(money(0.0), "0.00");
        assert_eq!(money(12.5), "12.50");
        assert_eq!(money(1234.567), "1,234.57");
        assert_eq!(money(1_000_000.0), "1,000,000.00");
        assert_eq!(money(-2500.0), "-2,500.00");
        assert_eq!(money(999.999), "1,000.00");
    }
}
