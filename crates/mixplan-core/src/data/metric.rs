//! Figures carried alongside the weekly matrix but never fitted (issue #14, item 1): what ad
//! platforms report per channel (impressions, clicks, platform-attributed revenue and
//! conversions) and the business's own figures (orders, customers, cost of goods, average
//! price). The performance, mediation and pricing views read them through
//! [`super::WeeklyData::metric`].
//!
//! # Column names read as metrics
//!
//! | kind | per channel | name (case and separators free) |
//! |---|---|---|
//! | impressions | yes | `<channel>_impressions`, `<channel>_impr` |
//! | clicks | yes | `<channel>_clicks` |
//! | platform revenue | yes | `<channel>_platform_revenue` |
//! | conversions | yes | `<channel>_conversions` |
//! | orders | no | `orders`, `purchases`, `all_purchases` |
//! | customers | no | `customers` |
//! | cost of goods | no | `cogs`, `cost_of_goods` |
//! | average price | no | `average_price`, `aov` |
//!
//! Weekly aggregation: every kind is a sum over the week's rows except the average price,
//! which is their mean:
//!
//! ```text
//! metric_w = Σ_rows metric            (counts and money)
//! average_price_w = (1 / rows_w) Σ_rows average_price
//! ```

use serde::{Deserialize, Serialize};
use std::fmt;

/// What a metric measures.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum MetricKind {
    /// Ad impressions a platform reports for a channel.
    Impressions,
    /// Clicks a platform reports for a channel.
    Clicks,
    /// Revenue a platform attributes to a channel (usually over-credited).
    PlatformRevenue,
    /// Conversions (new customers) a platform attributes to a channel.
    Conversions,
    /// Orders placed.
    Orders,
    /// Distinct customers who ordered.
    Customers,
    /// Cost of the goods sold, in the currency of revenue.
    CostOfGoods,
    /// Average selling price.
    AveragePrice,
    /// A column the user chose as a metric whose name matches none of the above: carried
    /// (summed per week) and listed, but read by no view.
    Other,
}

impl MetricKind {
    /// Every named kind, in the order of the table in the [module docs](self) ([`MetricKind::Other`] aside).
    pub const ALL: [MetricKind; 8] = [
        MetricKind::Impressions,
        MetricKind::Clicks,
        MetricKind::PlatformRevenue,
        MetricKind::Conversions,
        MetricKind::Orders,
        MetricKind::Customers,
        MetricKind::CostOfGoods,
        MetricKind::AveragePrice,
    ];

    /// True for the kinds an ad platform reports per channel.
    pub fn per_channel(self) -> bool {
        matches!(
            self,
            MetricKind::Impressions
                | MetricKind::Clicks
                | MetricKind::PlatformRevenue
                | MetricKind::Conversions
        )
    }

    /// True when a week's value is the mean of its rows (a price), false when it is their sum.
    pub fn averaged(self) -> bool {
        self == MetricKind::AveragePrice
    }

    /// The column-name endings (per-channel kinds) or whole names (business kinds) that mean
    /// this kind, as lower-case words joined by `_`.
    pub fn names(self) -> &'static [&'static str] {
        match self {
            MetricKind::Impressions => &["impressions", "impr"],
            MetricKind::Clicks => &["clicks"],
            MetricKind::PlatformRevenue => &["platform_revenue"],
            MetricKind::Conversions => &["conversions"],
            MetricKind::Orders => &["orders", "purchases", "all_purchases"],
            MetricKind::Customers => &["customers"],
            MetricKind::CostOfGoods => &["cogs", "cost_of_goods"],
            MetricKind::AveragePrice => &["average_price", "aov"],
            MetricKind::Other => &[],
        }
    }
}

impl fmt::Display for MetricKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            MetricKind::Impressions => "impressions",
            MetricKind::Clicks => "clicks",
            MetricKind::PlatformRevenue => "platform revenue",
            MetricKind::Conversions => "conversions",
            MetricKind::Orders => "orders",
            MetricKind::Customers => "customers",
            MetricKind::CostOfGoods => "cost of goods",
            MetricKind::AveragePrice => "average price",
            MetricKind::Other => "other figure",
        })
    }
}

/// A column name read as a metric: its kind and, for a per-channel kind, the channel id
/// (the name before the ending, lower case, words joined by `_`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MetricName {
    /// What it measures.
    pub kind: MetricKind,
    /// The channel it belongs to (per-channel kinds only).
    pub channel: Option<String>,
}

/// Reads `name` as a metric column (see the [module docs](self)): `paid_search_clicks` →
/// clicks of `paid_search`; `COGS` → cost of goods; `clicks` alone (no channel) and
/// `tv_spend` → `None`.
pub fn metric_name(name: &str) -> Option<MetricName> {
    let words: Vec<String> = name
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect();
    let joined = words.join("_");
    for kind in MetricKind::ALL {
        for ending in kind.names() {
            if kind.per_channel() {
                let suffix = format!("_{ending}");
                if let Some(channel) = joined.strip_suffix(&suffix)
                    && !channel.is_empty()
                {
                    return Some(MetricName {
                        kind,
                        channel: Some(channel.to_string()),
                    });
                }
            } else if joined == *ending {
                return Some(MetricName {
                    kind,
                    channel: None,
                });
            }
        }
    }
    None
}

/// One metric's weekly values.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MetricSeries {
    /// Column name as the user knows it.
    pub name: String,
    /// The channel id it belongs to (per-channel kinds), as read from the name.
    pub channel: Option<String>,
    /// What it measures.
    pub kind: MetricKind,
    /// One value per week, aligned with [`super::WeeklyData::weeks`]; finite, ≥ 0.
    pub values: Vec<f64>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_read_as_metrics() {
        let read = |n: &str| metric_name(n).map(|m| (m.kind, m.channel));
        use MetricKind::*;
        assert_eq!(
            read("paid_search_clicks"),
            Some((Clicks, Some("paid_search".into())))
        );
        assert_eq!(
            read("Social Impr"),
            Some((Impressions, Some("social".into())))
        );
        assert_eq!(
            read("display_platform_revenue"),
            Some((PlatformRevenue, Some("display".into())))
        );
        assert_eq!(read("orders"), Some((Orders, None)));
        assert_eq!(read("all_purchases"), Some((Orders, None)));
        assert_eq!(read("Cost of Goods"), Some((CostOfGoods, None)));
        assert_eq!(read("AOV"), Some((AveragePrice, None)));
        assert_eq!(read("clicks"), None);
        assert_eq!(read("platform_revenue"), None);
        assert_eq!(read("tv_spend"), None);
        assert_eq!(read("search_clicks_P"), None);
        assert_eq!(read("revenue"), None);
        assert!(AveragePrice.averaged() && !Orders.averaged());
    }
}
