//! Weekly marketing data: the matrix every model and chart starts from.
//!
//! | module | what it holds |
//! |---|---|
//! | `weekly` | [`WeeklyData`] and [`Series`], valid by construction |
//! | `error` | [`DataError`]: what is wrong with the data, where, and how to fix it |
//! | [`loader`] | CSV text → [`WeeklyData`], with column detection; reading options and limits |
//! | [`inspect`](mod@inspect) | a user's file, step 1: [`read_table`], then [`inspect()`] suggests a role per column, with its reason |
//! | [`column_role`] | [`MappedRole`] and [`RoleReason`], and the name words suggestions use |
//! | [`mapping`] | [`ColumnMapping`]: the roles the user confirmed |
//! | `model_terms` | columns holding what the model makes itself (a time index, yearly seasonality terms): suggested left out, skipped by auto-detection |
//! | [`metric`] | [`MetricSeries`]: figures carried but never fitted (clicks, orders, cost of goods, …) and the column names read as them |
//! | [`excel`] | an `.xlsx` sheet → the same [`Table`] ([`read_xlsx_table`], [`xlsx_sheet_names`]) |
//! | [`daily_regions`] | the simulated store as one daily, multi-region CSV (a large test file) |
//! | [`aggregate`] | step 2: [`build_weekly`] aggregates daily or multi-row data to weeks |
//! | [`raw`] | the simulated store's raw daily records and their CSV files |
//! | [`simulate`] | the simulated store, generated with a known ground truth |
//! | [`truth`] | the ground truth (`ground_truth.json`) |
//! | [`quality`] | a data-quality report before fitting: empty weeks, mostly-zero and correlated channels, outlier weeks |
//! | [`prepare`] | raw daily records → the star schema committed under `data_processed/` |

pub mod aggregate;
pub mod column_role;
pub mod daily_regions;
mod error;
pub mod excel;
pub mod inspect;
pub mod loader;
pub mod mapping;
pub mod metric;
mod model_terms;
pub mod prepare;
pub mod quality;
pub mod raw;
pub mod simulate;
pub mod truth;
mod weekly;
pub mod worlds;

pub use aggregate::{AggregationReport, PartialWeek, WeeklyBuild, build_weekly};
pub use column_role::{MappedRole, RoleReason};
pub use error::{ColumnList, ColumnRole, DataError};
pub use excel::{
    MAX_SHEET_ROWS, is_xlsx, read_xlsx_table, xlsx_read_options, xlsx_sheet_names, xlsx_to_csv,
};
pub use inspect::{
    ColumnInspection, DateSummary, Inspection, MAX_DIMENSION_VALUES, PREVIEW_ROWS, inspect,
    read_table,
};
pub use loader::Table;
#[cfg(not(target_arch = "wasm32"))]
pub use loader::load_weekly_csv_from_path;
pub use loader::{
    DEFAULT_TARGET, DateOrder, DecimalSeparator, LoadOptions, MAX_COLUMNS, MAX_FILE_BYTES,
    MAX_WEEKS, MIN_WEEKS, ReadOptions, Separator, load_weekly_csv,
};
pub use mapping::{ColumnMapping, DimensionChoice};
pub use metric::{MetricKind, MetricName, MetricSeries, metric_name};
pub use quality::{Finding, FindingKind, QualityReport, Severity, assess, assess_build};
pub use weekly::{Series, WeeklyData};
