//! The weekly matrix, valid by construction: [`WeeklyData::new`] checks every invariant.

use super::error::{ColumnList, DataError};
use super::metric::{MetricKind, MetricSeries};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// One named weekly series (a channel's spend, or a control such as price or a promotion flag).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Series {
    /// Column name as the user knows it.
    pub name: String,
    /// One value per week, aligned with [`WeeklyData::weeks`].
    pub values: Vec<f64>,
}

/// A valid weekly matrix: consecutive weeks, a target (revenue), non-negative channel
/// spend and optional controls, all of the same length.
///
/// Invariants, checked by [`WeeklyData::new`] (the only way to build one, deserialising
/// included) and relied on by the model: at least one channel; every series has
/// `weeks.len()` finite values; spend ≥ 0; weeks strictly increasing, 7 days apart.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "UncheckedWeeklyData")]
pub struct WeeklyData {
    weeks: Vec<NaiveDate>,
    target_name: String,
    target: Vec<f64>,
    channels: Vec<Series>,
    controls: Vec<Series>,
    /// Figures carried but never fitted (clicks, orders, …); absent in older payloads.
    #[serde(default)]
    metrics: Vec<MetricSeries>,
}

/// The serialised form of [`WeeklyData`], checked by [`WeeklyData::new`] on the way in.
#[derive(Deserialize)]
struct UncheckedWeeklyData {
    weeks: Vec<NaiveDate>,
    target_name: String,
    target: Vec<f64>,
    channels: Vec<Series>,
    controls: Vec<Series>,
    #[serde(default)]
    metrics: Vec<MetricSeries>,
}

impl TryFrom<UncheckedWeeklyData> for WeeklyData {
    type Error = DataError;

    fn try_from(d: UncheckedWeeklyData) -> Result<Self, DataError> {
        WeeklyData::new(d.weeks, d.target_name, d.target, d.channels, d.controls)?
            .with_metrics(d.metrics)
    }
}

impl WeeklyData {
    /// Builds the weekly matrix from week start dates, the target and its name, the media
    /// channels' weekly spend and the controls.
    ///
    /// # Errors
    /// The first broken invariant: [`DataError::NoChannels`], [`DataError::LengthMismatch`]
    /// (a series without one value per week), [`DataError::NonFinite`] (NaN or infinite
    /// value, target and channels and controls in that order), [`DataError::NegativeSpend`],
    /// or [`DataError::IrregularWeeks`] (weeks not strictly increasing by 7 days).
    pub fn new(
        weeks: Vec<NaiveDate>,
        target_name: String,
        target: Vec<f64>,
        channels: Vec<Series>,
        controls: Vec<Series>,
    ) -> Result<Self, DataError> {
        if channels.is_empty() {
            return Err(DataError::NoChannels {
                available: ColumnList(
                    std::iter::once(target_name.clone())
                        .chain(controls.iter().map(|s| s.name.clone()))
                        .collect(),
                ),
            });
        }
        let n = weeks.len();
        let all = std::iter::once((&target_name, &target))
            .chain(channels.iter().map(|s| (&s.name, &s.values)))
            .chain(controls.iter().map(|s| (&s.name, &s.values)));
        for (name, values) in all {
            if values.len() != n {
                return Err(DataError::LengthMismatch {
                    column: name.clone(),
                    expected: n,
                    found: values.len(),
                });
            }
            if let Some(week) = values.iter().position(|v| !v.is_finite()) {
                return Err(DataError::NonFinite {
                    column: name.clone(),
                    week,
                    line: None,
                    value: values[week].to_string(),
                });
            }
        }
        for ch in &channels {
            if let Some(week) = ch.values.iter().position(|&v| v < 0.0) {
                return Err(DataError::NegativeSpend {
                    column: ch.name.clone(),
                    week,
                    line: None,
                    value: ch.values[week],
                });
            }
        }
        if let Some(i) = weeks.windows(2).position(|w| (w[1] - w[0]).num_days() != 7) {
            return Err(DataError::IrregularWeeks {
                week: i + 1,
                previous: weeks[i],
                date: weeks[i + 1],
            });
        }
        Ok(Self {
            weeks,
            target_name,
            target,
            channels,
            controls,
            metrics: Vec::new(),
        })
    }

    /// The same data carrying `metrics` (replacing any it had): figures the views read
    /// (clicks, orders, cost of goods, …) but the model never fits.
    ///
    /// # Errors
    /// The first broken invariant of a metric: [`DataError::LengthMismatch`] (not one value
    /// per week), [`DataError::NonFinite`], or [`DataError::NegativeMetric`].
    pub fn with_metrics(mut self, metrics: Vec<MetricSeries>) -> Result<Self, DataError> {
        let n = self.weeks.len();
        for m in &metrics {
            if m.values.len() != n {
                return Err(DataError::LengthMismatch {
                    column: m.name.clone(),
                    expected: n,
                    found: m.values.len(),
                });
            }
            if let Some(week) = m.values.iter().position(|v| !v.is_finite()) {
                return Err(DataError::NonFinite {
                    column: m.name.clone(),
                    week,
                    line: None,
                    value: m.values[week].to_string(),
                });
            }
            if let Some(week) = m.values.iter().position(|&v| v < 0.0) {
                return Err(DataError::NegativeMetric {
                    column: m.name.clone(),
                    week,
                    line: None,
                    value: m.values[week],
                });
            }
        }
        self.metrics = metrics;
        Ok(self)
    }

    /// The first `weeks` weeks: dates, target, channels and controls cut to them (the
    /// metrics are not carried). Used to refit on the weeks before a forecast origin.
    ///
    /// # Errors
    /// [`DataError::TooFewWeeks`] when `weeks` is more than the data has; otherwise as
    /// [`WeeklyData::new`] (a channel or control may be constant over the shorter span).
    pub fn first_weeks(&self, weeks: usize) -> Result<WeeklyData, DataError> {
        if weeks > self.len() {
            return Err(DataError::TooFewWeeks {
                found: self.len(),
                minimum: weeks,
            });
        }
        let cut = |s: &Series| Series {
            name: s.name.clone(),
            values: s.values[..weeks].to_vec(),
        };
        WeeklyData::new(
            self.weeks[..weeks].to_vec(),
            self.target_name.clone(),
            self.target[..weeks].to_vec(),
            self.channels.iter().map(cut).collect(),
            self.controls.iter().map(cut).collect(),
        )
    }

    /// Number of weeks.
    pub fn len(&self) -> usize {
        self.weeks.len()
    }

    /// True when there are no weeks.
    pub fn is_empty(&self) -> bool {
        self.weeks.is_empty()
    }

    /// Week start dates, strictly increasing by 7 days.
    pub fn weeks(&self) -> &[NaiveDate] {
        &self.weeks
    }

    /// Name of the target column (usually `revenue`).
    pub fn target_name(&self) -> &str {
        &self.target_name
    }

    /// The target, one value per week.
    pub fn target(&self) -> &[f64] {
        &self.target
    }

    /// Media channels: weekly spend, currency, ≥ 0.
    pub fn channels(&self) -> &[Series] {
        &self.channels
    }

    /// Non-media controls (price, promotions, holidays, events).
    pub fn controls(&self) -> &[Series] {
        &self.controls
    }

    /// Channel names in column order.
    pub fn channel_names(&self) -> Vec<&str> {
        self.channels.iter().map(|c| c.name.as_str()).collect()
    }

    /// The channel named `name` (exact match), if any.
    pub fn channel(&self, name: &str) -> Option<&Series> {
        self.channels.iter().find(|c| c.name == name)
    }

    /// Figures carried but never fitted (clicks, orders, cost of goods, …), in column order.
    pub fn metrics(&self) -> &[MetricSeries] {
        &self.metrics
    }

    /// The first metric of `kind` belonging to `channel` (`None` for business figures such
    /// as orders; channel ids compared without case), if the data carry one.
    pub fn metric(&self, kind: MetricKind, channel: Option<&str>) -> Option<&MetricSeries> {
        self.metrics.iter().find(|m| {
            m.kind == kind
                && match (channel, m.channel.as_deref()) {
                    (None, None) => true,
                    (Some(a), Some(b)) => a.eq_ignore_ascii_case(b),
                    _ => false,
                }
        })
    }

    /// The control named `name` (exact match), if any.
    pub fn control(&self, name: &str) -> Option<&Series> {
        self.controls.iter().find(|c| c.name == name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn weeks(n: usize) -> Vec<NaiveDate> {
        let start = NaiveDate::from_ymd_opt(2024, 1, 1).unwrap();
        (0..n)
            .map(|i| start + chrono::Days::new(7 * i as u64))
            .collect()
    }

    fn series(name: &str, values: &[f64]) -> Series {
        Series {
            name: name.into(),
            values: values.to_vec(),
        }
    }

    fn build(w: Vec<NaiveDate>, y: &[f64], x: &[f64], z: &[f64]) -> Result<WeeklyData, DataError> {
        WeeklyData::new(
            w,
            "revenue".into(),
            y.to_vec(),
            vec![series("tv", x)],
            vec![series("price", z)],
        )
    }

    /// Three valid weeks: revenue 1, 2, 3; `tv` spend 0, 5, 1; `price` 1, 1.1, 0.9.
    fn three_valid_weeks() -> WeeklyData {
        build(
            weeks(3),
            &[1.0, 2.0, 3.0],
            &[0.0, 5.0, 1.0],
            &[1.0, 1.1, 0.9],
        )
        .unwrap()
    }

    #[test]
    fn new_accepts_valid_data_and_exposes_it() {
        let d = three_valid_weeks();
        assert_eq!(d.len(), 3);
        assert_eq!(d.weeks(), &weeks(3)[..]);
        assert_eq!(d.target_name(), "revenue");
        assert_eq!(d.target(), &[1.0, 2.0, 3.0]);
        assert_eq!(d.channel_names(), ["tv"]);
        assert_eq!(d.controls()[0].values, [1.0, 1.1, 0.9]);
    }

    #[test]
    fn new_rejects_each_broken_invariant() {
        let ok = [1.0, 2.0, 3.0];
        let e = WeeklyData::new(weeks(3), "revenue".into(), ok.to_vec(), vec![], vec![]);
        assert!(matches!(e, Err(DataError::NoChannels { .. })));
        let e = build(weeks(3), &ok, &[1.0, 2.0], &ok);
        assert!(
            matches!(&e, Err(DataError::LengthMismatch { column, expected: 3, found: 2 }) if column == "tv")
        );
        let e = build(weeks(3), &ok, &ok, &[1.0, f64::INFINITY, 1.0]);
        assert!(
            matches!(&e, Err(DataError::NonFinite { column, week: 1, line: None, .. }) if column == "price")
        );
        let e = build(weeks(3), &[f64::NAN, 1.0, 1.0], &ok, &ok);
        assert!(
            matches!(&e, Err(DataError::NonFinite { column, week: 0, .. }) if column == "revenue")
        );
        let e = build(weeks(3), &ok, &[1.0, 1.0, -0.5], &ok);
        assert!(matches!(e, Err(DataError::NegativeSpend { week: 2, value, .. }) if value == -0.5));
        let mut gap = weeks(3);
        gap[2] += chrono::Duration::days(1);
        let e = build(gap, &ok, &ok, &ok);
        assert!(matches!(e, Err(DataError::IrregularWeeks { week: 2, .. })));
        let mut backwards = weeks(3);
        backwards.swap(1, 2);
        let e = build(backwards, &ok, &ok, &ok);
        assert!(matches!(e, Err(DataError::IrregularWeeks { week: 1, .. })));
        // Every message names the column and what to do.
        let e = build(weeks(3), &ok, &[1.0, -2.0, 1.0], &ok).unwrap_err();
        assert!(e.to_string().contains("`tv` at week 1 (0-based)"), "{e}");
    }

    fn metric(name: &str, channel: Option<&str>, kind: MetricKind, values: &[f64]) -> MetricSeries {
        MetricSeries {
            name: name.into(),
            channel: channel.map(Into::into),
            kind,
            values: values.to_vec(),
        }
    }

    #[test]
    fn metrics_are_validated_and_found_by_kind_and_channel() {
        let clicks = metric(
            "Paid_Search_clicks",
            Some("paid_search"),
            MetricKind::Clicks,
            &[3.0, 0.0, 7.0],
        );
        let orders = metric("orders", None, MetricKind::Orders, &[1.0, 2.0, 3.0]);
        let d = three_valid_weeks()
            .with_metrics(vec![clicks.clone(), orders.clone()])
            .unwrap();
        assert_eq!(
            d.metric(MetricKind::Clicks, Some("PAID_SEARCH")),
            Some(&clicks)
        );
        assert_eq!(d.metric(MetricKind::Clicks, None), None);
        assert_eq!(d.metric(MetricKind::Clicks, Some("social")), None);
        assert_eq!(d.metric(MetricKind::Orders, None), Some(&orders));
        assert_eq!(d.metrics().len(), 2);
        // The fitted matrix is unchanged.
        assert_eq!(d.channel_names(), ["tv"]);
        let e = three_valid_weeks().with_metrics(vec![metric(
            "orders",
            None,
            MetricKind::Orders,
            &[1.0],
        )]);
        assert!(
            matches!(&e, Err(DataError::LengthMismatch { column, expected: 3, found: 1 }) if column == "orders")
        );
        let e = three_valid_weeks().with_metrics(vec![metric(
            "cogs",
            None,
            MetricKind::CostOfGoods,
            &[1.0, f64::NAN, 1.0],
        )]);
        assert!(matches!(&e, Err(DataError::NonFinite { week: 1, .. })));
        let e = three_valid_weeks()
            .with_metrics(vec![metric(
                "cogs",
                None,
                MetricKind::CostOfGoods,
                &[1.0, 1.0, -2.0],
            )])
            .unwrap_err();
        assert!(matches!(e, DataError::NegativeMetric { week: 2, .. }));
        assert!(
            e.to_string().contains("metric `cogs` at week 2 (0-based)"),
            "{e}"
        );
    }

    #[test]
    fn metrics_round_trip_and_old_payloads_still_load() {
        let d = three_valid_weeks()
            .with_metrics(vec![metric(
                "orders",
                None,
                MetricKind::Orders,
                &[1.0, 2.0, 3.0],
            )])
            .unwrap();
        let json = serde_json::to_string(&d).unwrap();
        let back: WeeklyData = serde_json::from_str(&json).unwrap();
        assert_eq!(back, d);
        let bad = json.replace("[1.0,2.0,3.0]", "[1.0,-2.0,3.0]");
        assert_ne!(bad, json);
        assert!(serde_json::from_str::<WeeklyData>(&bad).is_err());
        // A payload written before metrics existed: no `metrics` key.
        let old = r#"{"weeks":["2024-01-01","2024-01-08","2024-01-15"],"target_name":"revenue","target":[1.0,2.0,3.0],"channels":[{"name":"tv","values":[0.0,5.0,1.0]}],"controls":[{"name":"price","values":[1.0,1.1,0.9]}]}"#;
        let old: WeeklyData = serde_json::from_str(old).unwrap();
        assert_eq!(old, three_valid_weeks());
        assert!(old.metrics().is_empty());
    }

    #[test]
    fn deserialising_goes_through_new() {
        let d = three_valid_weeks();
        let json = serde_json::to_string(&d).unwrap();
        let back: WeeklyData = serde_json::from_str(&json).unwrap();
        assert_eq!(back, d);
        let bad = json.replace("5.0", "-5.0");
        assert_ne!(bad, json);
        let err = serde_json::from_str::<WeeklyData>(&bad).unwrap_err();
        assert!(err.to_string().contains("negative spend"), "{err}");
    }
}
