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
        group_thousands(&format!("{whole:.0}"))
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
    fn money_groups_thousands() {
        assert_eq!(money(0.0), "0.00");
        assert_eq!(money(12.5), "12.50");
        assert_eq!(money(1234.567), "1,234.57");
        assert_eq!(money(1_000_000.0), "1,000,000.00");
        assert_eq!(money(-2500.0), "-2,500.00");
        assert_eq!(money(999.999), "1,000.00");
    }
}
