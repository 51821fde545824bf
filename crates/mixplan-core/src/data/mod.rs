//! Weekly marketing data: the matrix every model and chart starts from.
//!
//! | module | what it holds |
//! |---|---|
//! | `weekly` | [`WeeklyData`] and [`Series`], valid by construction |
//! | `error` | [`DataError`]: what is wrong with the data, where, and how to fix it |
//! | [`loader`] | CSV text → [`WeeklyData`], with column detection |
//! | [`raw`] | the simulated store's raw daily records and their CSV files |
//! | [`simulate`] | the simulated store, generated with a known ground truth |
//! | [`truth`] | the ground truth (`ground_truth.json`) |
//! | [`prepare`] | raw daily records → the star schema committed under `data_processed/` |

mod error;
pub mod loader;
pub mod prepare;
pub mod raw;
pub mod simulate;
pub mod truth;
mod weekly;

pub use error::{ColumnList, ColumnRole, DataError};
#[cfg(not(target_arch = "wasm32"))]
pub use loader::load_weekly_csv_from_path;
pub use loader::{
    DEFAULT_TARGET, DateOrder, DecimalSeparator, LoadOptions, MAX_COLUMNS, MAX_FILE_BYTES,
    MAX_WEEKS, MIN_WEEKS, ReadOptions, Separator, load_weekly_csv,
};
pub use weekly::{Series, WeeklyData};
