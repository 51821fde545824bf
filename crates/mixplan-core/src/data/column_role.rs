//! The role a column can play in the mapping step ([`MappedRole`]) and why one was
//! suggested ([`RoleReason`], shown to the user next to the suggestion), with the word lists
//! the suggestions read column names with.

use serde::{Deserialize, Serialize};
use std::fmt;

/// What a column becomes in the weekly matrix.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum MappedRole {
    /// The date of each row (a day, or the start of a week).
    Date,
    /// The outcome modelled: revenue, or a KPI such as conversions.
    Target,
    /// Money spent on a media channel.
    Spend,
    /// A non-media driver (price, promotion, holiday, …): averaged over a week.
    Control,
    /// A text column such as region, brand or country: rows are summed over its values, or
    /// filtered to one value.
    Dimension,
    /// A figure carried with the data for the views (clicks, orders, cost of goods, …) but
    /// never fitted as a channel or a control.
    Metric,
    /// Not used.
    Ignore,
}

impl fmt::Display for MappedRole {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            MappedRole::Date => "date",
            MappedRole::Target => "target",
            MappedRole::Spend => "spend",
            MappedRole::Control => "control",
            MappedRole::Dimension => "dimension",
            MappedRole::Metric => "metric",
            MappedRole::Ignore => "ignore",
        })
    }
}

/// Why a role was suggested for a column.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum RoleReason {
    /// Every value is a date in this format (the first such column).
    AllDates {
        /// The chrono format the dates were read with.
        format: String,
    },
    /// Every value is a date, but another column already is the date.
    AnotherDateColumn,
    /// The name contains a word that marks the role.
    NameContains {
        /// The word.
        word: String,
    },
    /// Every value is 0 or 1: a flag such as a holiday or a promotion.
    AllZeroOne,
    /// Most values are not numbers, and too many are distinct for a dimension.
    NotNumeric,
    /// A count (impressions, clicks, orders, sessions, …), by name and by integer values.
    Count {
        /// The word of the name.
        word: String,
    },
    /// Integers with no spend word in the name: probably a count, not money.
    IntegersWithoutSpendWord,
    /// `0, 1, 2, …` or `1, 2, 3, …` in date order: a trend or time index, which the model
    /// makes itself.
    TimeIndex,
    /// Named like a yearly seasonality term (`yearly_sin_1`, `fourier_2`, `dayofyear`): the
    /// model makes its own seasonality (`data::model_terms`).
    Seasonality {
        /// The word of the name.
        word: String,
    },
    /// Text with few distinct values (region, brand, country).
    FewDistinctValues {
        /// How many distinct values.
        distinct: usize,
    },
    /// The same value in every row.
    Constant,
    /// No value at all.
    Empty,
    /// Some values are negative, which money spent cannot be.
    HasNegativeValues,
    /// Numeric with decimals and no other clue: taken as spend (check it).
    NumericWithDecimals,
    /// Named like a figure the views read (`<channel>_clicks`, `orders`, `cogs`, …): carried,
    /// never fitted.
    MetricName {
        /// What it measures.
        kind: super::metric::MetricKind,
        /// The channel it belongs to, for platform figures.
        channel: Option<String>,
    },
}

impl fmt::Display for RoleReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RoleReason::AllDates { format } => write!(f, "every value is a date ({format})"),
            RoleReason::AnotherDateColumn => f.write_str("dates, but another column is the date"),
            RoleReason::NameContains { word } if word.chars().count() == 1 => {
                write!(f, "name ends in '_{}' (Robyn's suffix)", word.to_uppercase())
            }
            RoleReason::NameContains { word } => write!(f, "name contains '{word}'"),
            RoleReason::AllZeroOne => f.write_str("all values 0/1"),
            RoleReason::NotNumeric => f.write_str("not numeric"),
            RoleReason::Count { word } => write!(
                f,
                "a count (impressions/clicks/orders/sessions by name, integers): name {} '{}'",
                if word.chars().count() == 1 { "ends in" } else { "contains" },
                if word.chars().count() == 1 { format!("_{}", word.to_uppercase()) } else { word.clone() }
            ),
            RoleReason::IntegersWithoutSpendWord => f.write_str(
                "whole numbers and no spend word (spend, cost) in the name: looks like a count; choose spend if it is money",
            ),
            RoleReason::TimeIndex => f.write_str(
                "a time index (0, 1, 2, … in date order): the model fits its own trend, so it is left out; choose control to add it anyway",
            ),
            RoleReason::Seasonality { word } => write!(
                f,
                "a seasonality term (name contains '{word}'): the model makes its own yearly seasonality from the dates, with as many terms as cross-validation chooses, so it is left out; choose control to force it in"
            ),
            RoleReason::FewDistinctValues { distinct } => {
                write!(f, "text with {distinct} distinct values (sum all or filter to one)")
            }
            RoleReason::Constant => f.write_str("the same value in every row"),
            RoleReason::Empty => f.write_str("no values"),
            RoleReason::HasNegativeValues => f.write_str("has negative values, so not spend"),
            RoleReason::NumericWithDecimals => {
                f.write_str("numeric with decimals, no other clue: assumed to be spend")
            }
            RoleReason::MetricName {
                kind,
                channel: Some(channel),
            } => write!(
                f,
                "named like {channel}'s {kind}: carried for the performance views, never fitted"
            ),
            RoleReason::MetricName {
                kind,
                channel: None,
            } => write!(
                f,
                "named like the business's {kind}: carried for the performance views, never fitted"
            ),
        }
    }
}

/// Words naming a target, most specific first: the first column named exactly one of them,
/// else the first whose name contains one as a word, is the suggested target.
pub(crate) const TARGET_WORDS: &[&str] = &[
    "revenue",
    "sales",
    "turnover",
    "gmv",
    "conversions",
    "signups",
    "kpi",
    "target",
    "y",
];

/// Words naming money spent.
pub(crate) const SPEND_WORDS: &[&str] = &["spend", "spends", "cost", "costs", "budget", "s"];

/// Words naming counts of people or events, not money.
pub(crate) const COUNT_WORDS: &[&str] = &[
    "impression",
    "impressions",
    "i",
    "click",
    "clicks",
    "order",
    "orders",
    "purchase",
    "purchases",
    "session",
    "sessions",
    "visit",
    "visits",
    "view",
    "views",
    "users",
    "installs",
    "reach",
    "frequency",
    "grp",
    "grps",
    "p",
];

/// Words naming organic (unpaid) activity: a driver, not spend.
pub(crate) const ORGANIC_WORDS: &[&str] = &["organic", "newsletter", "newsletters"];

/// Words naming rates, ratios and context figures: neither spend nor a driver to average.
pub(crate) const RATE_WORDS: &[&str] = &[
    "per",
    "rate",
    "ratio",
    "share",
    "pct",
    "percent",
    "avg",
    "average",
    "population",
    "unnamed",
    "id",
];

/// The words of a column name, lower case, split on anything that is not a letter
/// (`tv_S` → `tv`, `s`; `Channel0_impression` → `channel`, `impression`).
pub(crate) fn name_words(name: &str) -> Vec<String> {
    name.split(|c: char| !c.is_alphabetic())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect()
}

/// The first word of `words` that the name contains as a word.
pub(crate) fn name_has(name: &str, words: &[&str]) -> Option<String> {
    let own = name_words(name);
    words
        .iter()
        .find(|w| own.iter().any(|o| o == *w))
        .map(|w| w.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reasons_read_as_sentences() {
        assert_eq!(
            RoleReason::NameContains {
                word: "price".into()
            }
            .to_string(),
            "name contains 'price'"
        );
        assert_eq!(RoleReason::AllZeroOne.to_string(), "all values 0/1");
        assert_eq!(
            RoleReason::NameContains { word: "s".into() }.to_string(),
            "name ends in '_S' (Robyn's suffix)"
        );
        assert_eq!(RoleReason::NotNumeric.to_string(), "not numeric");
        assert!(
            RoleReason::Count {
                word: "clicks".into()
            }
            .to_string()
            .starts_with("a count (impressions/clicks/orders/sessions by name, integers)")
        );
    }

    #[test]
    fn words_of_names() {
        assert_eq!(name_words("tv_S"), ["tv", "s"]);
        assert_eq!(
            name_has("Channel0_impression", COUNT_WORDS).as_deref(),
            Some("impression")
        );
        assert_eq!(
            name_has("revenue_per_conversion", RATE_WORDS).as_deref(),
            Some("per")
        );
        assert_eq!(
            name_has("spend_meta", SPEND_WORDS).as_deref(),
            Some("spend")
        );
        assert_eq!(name_has("paid_search", SPEND_WORDS), None);
    }
}
