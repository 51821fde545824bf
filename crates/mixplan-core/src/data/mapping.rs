//! The user's confirmed choice of which column plays which role ([`ColumnMapping`]), the
//! input of [`super::build_weekly`]; usually [`super::Inspection::suggested_mapping`] edited
//! in the mapping step.

use chrono::Weekday;
use serde::{Deserialize, Serialize};

/// What to do with a dimension column (region, brand, country).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DimensionChoice {
    /// The column.
    pub column: String,
    /// `None`: sum all its values; `Some(value)`: keep only the rows with this value.
    pub filter: Option<String>,
}

/// Which column plays which role, and how rows become weeks.
///
/// | field | meaning |
/// |---|---|
/// | `date` | the date column (days or week starts) |
/// | `date_format` | chrono format of the dates; `None`: detected |
/// | `target` | the outcome, summed over each week |
/// | `channels` | spend columns, summed over each week, ≥ 0 |
/// | `controls` | control columns, averaged over each week's rows |
/// | `dimensions` | text columns summed over (`filter: None`) or filtered to one value |
/// | `week_start` | first day of a week; `None`: Monday for daily data, the dates' own weekday for weekly data |
/// | `metrics` | figures carried but never fitted (clicks, orders, …), named as in [`super::metric`]: summed over each week, the average price averaged |
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ColumnMapping {
    /// The date column.
    pub date: String,
    /// chrono format of the dates (`None`: detected).
    pub date_format: Option<String>,
    /// The target column.
    pub target: String,
    /// Spend columns, in the order wanted.
    pub channels: Vec<String>,
    /// Control columns, in the order wanted.
    pub controls: Vec<String>,
    /// Dimension columns and what to do with each.
    pub dimensions: Vec<DimensionChoice>,
    /// First day of a week.
    pub week_start: Option<Weekday>,
    /// Metric columns (never fitted), in the order wanted; absent in older mappings.
    #[serde(default)]
    pub metrics: Vec<String>,
}

impl ColumnMapping {
    /// A mapping with the date and target columns and the given channels; no controls or
    /// dimensions, weeks as detected.
    pub fn new<S: Into<String>>(
        date: impl Into<String>,
        target: impl Into<String>,
        channels: impl IntoIterator<Item = S>,
    ) -> Self {
        Self {
            date: date.into(),
            date_format: None,
            target: target.into(),
            channels: channels.into_iter().map(Into::into).collect(),
            controls: Vec::new(),
            dimensions: Vec::new(),
            week_start: None,
            metrics: Vec::new(),
        }
    }

    /// Carries `columns` as metrics (never fitted; see [`super::metric`]).
    pub fn metrics<S: Into<String>>(mut self, columns: impl IntoIterator<Item = S>) -> Self {
        self.metrics = columns.into_iter().map(Into::into).collect();
        self
    }

    /// Keeps only the rows whose `column` is `value` (replacing an earlier choice for it).
    pub fn filter(mut self, column: impl Into<String>, value: impl Into<String>) -> Self {
        let column = column.into();
        self.dimensions.retain(|d| d.column != column);
        self.dimensions.push(DimensionChoice {
            column,
            filter: Some(value.into()),
        });
        self
    }
}
