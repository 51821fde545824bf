//! Small files for the data source's tests.

/// 30 weeks of `week, tv_spend, revenue` from Monday 2024-01-01, with `,` separators and
/// decimal points, or (`decimal_comma`) with `;` separators and decimal commas.
pub fn weekly_csv(decimal_comma: bool) -> String {
    let mut csv = String::from(if decimal_comma {
        "week;tv_spend;revenue\n"
    } else {
        "week,tv_spend,revenue\n"
    });
    for w in 0..30u64 {
        let date = chrono::NaiveDate::from_ymd_opt(2024, 1, 1).unwrap() + chrono::Days::new(7 * w);
        if decimal_comma {
            csv += &format!("{date};1.{:03};{}\n", 100 + w, 5000 + w);
        } else {
            csv += &format!("{date},{}.5,{}\n", 100 + w, 5000 + w);
        }
    }
    csv
}
