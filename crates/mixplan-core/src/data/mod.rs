//! Weekly marketing data: the matrix every model and chart starts from.
//!
//! Submodules (issue #3): `loader` (CSV → [`WeeklyData`], with column detection and typed
//! errors), `simulate` (the simulated store with a known ground truth) and `prepare` (raw
//! daily records → the star schema committed under `data_processed/`).

pub mod loader;
pub mod prepare;
pub mod raw;
pub mod simulate;

#[cfg(not(target_arch = "wasm32"))]
pub use loader::load_weekly_csv_from_path;
pub use loader::{ColumnRole, DEFAULT_TARGET, DataError, LoadOptions, MIN_WEEKS, load_weekly_csv};

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

/// A validated weekly matrix: consecutive weeks, a target (revenue), non-negative channel
/// spend and optional controls, all of the same length.
///
/// Invariants (established by the loader, relied on by the model): at least one channel;
/// every series has `weeks.len()` finite values; spend ≥ 0; weeks strictly increasing,
/// 7 days apart.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WeeklyData {
    /// Week start dates, strictly increasing by 7 days.
    pub weeks: Vec<NaiveDate>,
    /// Name of the target column (usually `revenue`).
    pub target_name: String,
    /// The target, one value per week.
    pub target: Vec<f64>,
    /// Media channels: weekly spend, currency.
    pub channels: Vec<Series>,
    /// Non-media controls (price, promotions, holidays, events).
    pub controls: Vec<Series>,
}

impl WeeklyData {
    /// Number of weeks.
    pub fn len(&self) -> usize {
        self.weeks.len()
    }

    /// True when there are no weeks.
    pub fn is_empty(&self) -> bool {
        self.weeks.is_empty()
    }

    /// Channel names in column order.
    pub fn channel_names(&self) -> Vec<&str> {
        self.channels.iter().map(|c| c.name.as_str()).collect()
    }

    /// The channel named `name` (exact match), if any.
    pub fn channel(&self, name: &str) -> Option<&Series> {
        self.channels.iter().find(|c| c.name == name)
    }

    /// The control named `name` (exact match), if any.
    pub fn control(&self, name: &str) -> Option<&Series> {
        self.controls.iter().find(|c| c.name == name)
    }
}
