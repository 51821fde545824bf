//! The arguments that say which weekly file to read and how ([`DataArgs`]), flattened into
//! [`super::common::ModelArgs`]: separator, decimal mark, date order, weekly aggregation,
//! dimension filters, Excel sheet, and the column roles.

use crate::error::CliError;
use mixplan_core::data::quality::{self, QualityReport};
use mixplan_core::data::{
    ColumnMapping, DataError, DateOrder, DecimalSeparator, LoadOptions, ReadOptions, Separator,
    WeeklyData, build_weekly, inspect, is_xlsx, load_weekly_csv, read_table, xlsx_to_csv,
};
use std::path::PathBuf;

/// The field separator, as typed on the command line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum SeparatorArg {
    /// `,`
    Comma,
    /// `;`
    Semicolon,
    /// a tab
    Tab,
}

/// The order of day and month in dates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum DateOrderArg {
    /// dd/mm/yyyy
    Dmy,
    /// mm/dd/yyyy
    Mdy,
}

/// How rows are aggregated.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum AggregateArg {
    /// Sum daily or multi-row data (regions, brands…) into weeks.
    Weekly,
}

/// First day of a week.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum WeekdayArg {
    /// Monday
    Mon,
    /// Tuesday
    Tue,
    /// Wednesday
    Wed,
    /// Thursday
    Thu,
    /// Friday
    Fri,
    /// Saturday
    Sat,
    /// Sunday
    Sun,
}

impl From<WeekdayArg> for chrono::Weekday {
    fn from(day: WeekdayArg) -> Self {
        match day {
            WeekdayArg::Mon => Self::Mon,
            WeekdayArg::Tue => Self::Tue,
            WeekdayArg::Wed => Self::Wed,
            WeekdayArg::Thu => Self::Thu,
            WeekdayArg::Fri => Self::Fri,
            WeekdayArg::Sat => Self::Sat,
            WeekdayArg::Sun => Self::Sun,
        }
    }
}

/// `COLUMN=VALUE` of `--filter`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FilterArg {
    /// The dimension column.
    pub column: String,
    /// The value kept.
    pub value: String,
}

/// Parses `COLUMN=VALUE`.
pub fn parse_filter(text: &str) -> Result<FilterArg, String> {
    match text.split_once('=') {
        Some((column, value)) if !column.trim().is_empty() && !value.trim().is_empty() => {
            Ok(FilterArg {
                column: column.trim().to_owned(),
                value: value.trim().to_owned(),
            })
        }
        _ => Err(format!(
            "'{text}' is not COLUMN=VALUE (for example region=US: keep the rows whose region is US)"
        )),
    }
}

/// Which CSV to read, how, and which column plays which role. Every role is auto-detected
/// when not given (date = first column of dates, target = `revenue`, controls = numeric
/// columns named like price/promo/holiday/event/trend…, channels = every other numeric column).
/// With `--aggregate weekly` or `--filter`, daily or multi-row data is summed into weeks
/// (spend and target summed, controls averaged) after the column roles are detected as the
/// page's mapping step does (counts, rates and time indexes are not spend).
#[derive(Debug, Clone, clap::Args)]
pub struct DataArgs {
    /// Weekly CSV: one row per week, a date column, the target, one spend column per channel.
    #[arg(value_name = "CSV")]
    pub path: PathBuf,
    /// Name of the date column (default: the first column holding dates).
    #[arg(long, value_name = "COLUMN")]
    pub date: Option<String>,
    /// Date format in chrono/strftime syntax, e.g. %d/%m/%Y (default: detected).
    #[arg(long, value_name = "FORMAT")]
    pub date_format: Option<String>,
    /// Name of the target column.
    #[arg(long, value_name = "COLUMN", default_value = mixplan_core::data::DEFAULT_TARGET)]
    pub target: String,
    /// Channel (spend) columns, comma-separated (default: every numeric column that is not
    /// the target or a control).
    #[arg(long, value_name = "A,B,…", value_delimiter = ',')]
    pub channels: Option<Vec<String>>,
    /// Control columns, comma-separated; pass `--controls ''` for none (default: numeric
    /// columns whose names say price, promo, holiday, event, trend, season, …).
    #[arg(long, value_name = "C,D,…", value_delimiter = ',')]
    pub controls: Option<Vec<String>>,
    /// Field separator (default: detected among comma, semicolon and tab).
    #[arg(long, value_enum, value_name = "SEP")]
    pub separator: Option<SeparatorArg>,
    /// Numbers use a decimal comma: 1.234,56 (default: detected).
    #[arg(long, conflicts_with = "decimal_point")]
    pub decimal_comma: bool,
    /// Numbers use a decimal point: 1,234.56 (default: detected).
    #[arg(long)]
    pub decimal_point: bool,
    /// Order of day and month in dates such as 03/04/2024 (default: detected from the data).
    #[arg(long, value_enum, value_name = "ORDER")]
    pub date_order: Option<DateOrderArg>,
    /// Aggregate daily or multi-row data (regions, brands…) into weeks.
    #[arg(long, value_enum, value_name = "PERIOD")]
    pub aggregate: Option<AggregateArg>,
    /// First day of a week when aggregating (default: Monday for daily data, the dates' own
    /// weekday for weekly data).
    #[arg(long, value_enum, value_name = "DAY")]
    pub week_start: Option<WeekdayArg>,
    /// Keep only the rows whose COLUMN is VALUE (repeatable), e.g. --filter region=US; other
    /// dimensions are summed.
    #[arg(long, value_name = "COLUMN=VALUE", value_parser = parse_filter)]
    pub filter: Vec<FilterArg>,
    /// Sheet of an .xlsx file (default: the first).
    #[arg(long, value_name = "NAME")]
    pub sheet: Option<String>,
}

impl DataArgs {
    /// How the text is read.
    pub fn read_options(&self) -> ReadOptions {
        ReadOptions {
            separator: self.separator.map(|s| match s {
                SeparatorArg::Comma => Separator::Comma,
                SeparatorArg::Semicolon => Separator::Semicolon,
                SeparatorArg::Tab => Separator::Tab,
            }),
            decimal: if self.decimal_comma {
                Some(DecimalSeparator::Comma)
            } else if self.decimal_point {
                Some(DecimalSeparator::Dot)
            } else {
                None
            },
            date_order: self.date_order.map(|o| match o {
                DateOrderArg::Dmy => DateOrder::DayFirst,
                DateOrderArg::Mdy => DateOrder::MonthFirst,
            }),
        }
    }

    /// True when rows are aggregated to weeks (asked, or implied by a filter or a week start).
    pub fn aggregates(&self) -> bool {
        self.aggregate.is_some() || !self.filter.is_empty() || self.week_start.is_some()
    }

    /// The loader options these arguments describe.
    pub fn options(&self) -> LoadOptions {
        let clean = |v: &Option<Vec<String>>| {
            v.as_ref().map(|names| {
                names
                    .iter()
                    .map(|n| n.trim().to_string())
                    .filter(|n| !n.is_empty())
                    .collect()
            })
        };
        LoadOptions {
            date_column: self.date.clone(),
            date_format: self.date_format.clone(),
            target: Some(self.target.clone()),
            channels: clean(&self.channels),
            controls: clean(&self.controls),
            read: self.read_options(),
        }
    }

    /// The mapping for `--aggregate weekly`: the roles detected as in the page's mapping
    /// step, overridden by the options given, with the filters.
    fn mapping(&self, table: &mixplan_core::data::Table) -> Result<ColumnMapping, DataError> {
        let options = self.options();
        let detected = inspect(table)?.suggested_mapping().ok();
        let date = match (&options.date_column, &detected) {
            (Some(d), _) => d.clone(),
            (None, Some(m)) => m.date.clone(),
            (None, None) => {
                return Err(DataError::NoDateColumn {
                    available: mixplan_core::data::ColumnList(table.header().to_vec()),
                });
            }
        };
        let date_format = match (&options.date_format, &detected) {
            (Some(f), _) => Some(f.clone()),
            (None, Some(m)) if m.date.eq_ignore_ascii_case(&date) => m.date_format.clone(),
            _ => None,
        };
        let target = self.target.clone();
        let given_channels = options.channels.clone();
        let given_controls = options.controls.clone();
        let taken: Vec<String> = [date.clone(), target.clone()]
            .into_iter()
            .chain(given_channels.iter().flatten().cloned())
            .chain(given_controls.iter().flatten().cloned())
            .map(|n| n.to_lowercase())
            .collect();
        // Detected names keep out of the roles the user gave.
        let free = |names: Option<&Vec<String>>| -> Vec<String> {
            names
                .into_iter()
                .flatten()
                .filter(|n| !taken.contains(&n.to_lowercase()))
                .cloned()
                .collect()
        };
        let mut mapping = ColumnMapping {
            channels: given_channels
                .clone()
                .unwrap_or_else(|| free(detected.as_ref().map(|m| &m.channels))),
            controls: given_controls
                .clone()
                .unwrap_or_else(|| free(detected.as_ref().map(|m| &m.controls))),
            date,
            date_format,
            target,
            dimensions: Vec::new(),
            week_start: self.week_start.map(Into::into),
            metrics: free(detected.as_ref().map(|m| &m.metrics)),
        };
        for f in &self.filter {
            mapping = mapping.filter(f.column.clone(), f.value.clone());
        }
        Ok(mapping)
    }

    /// The file's text and how to read it: a CSV as it is, an `.xlsx` sheet converted
    /// (commas and decimal points, whatever the flags say about separators).
    fn text(&self) -> Result<(String, ReadOptions), DataError> {
        let io = |source| DataError::Io {
            path: self.path.display().to_string(),
            source,
        };
        let bytes = std::fs::read(&self.path).map_err(io)?;
        if is_xlsx(&bytes) {
            let read = ReadOptions {
                date_order: self.read_options().date_order,
                ..mixplan_core::data::xlsx_read_options()
            };
            return Ok((xlsx_to_csv(&bytes, self.sheet.as_deref())?, read));
        }
        if self.sheet.is_some() {
            return Err(DataError::Excel {
                message: format!(
                    "`{}` is not an .xlsx file and --sheet reads Excel sheets only",
                    self.path.display()
                ),
            });
        }
        let text = String::from_utf8(bytes).map_err(|e| {
            io(std::io::Error::new(
                std::io::ErrorKind::InvalidData,
                format!("{e}: save the file as UTF-8 text"),
            ))
        })?;
        Ok((text, self.read_options()))
    }

    /// Reads and validates the CSV or `.xlsx` sheet (aggregating it to weeks when asked),
    /// and assesses its quality (with the weeks aggregated from fewer than 7 days of data
    /// under `--aggregate weekly`).
    pub fn load_assessed(&self) -> Result<(WeeklyData, QualityReport), CliError> {
        let error = |source: DataError| CliError::LoadData {
            path: self.path.clone(),
            source: source.into(),
        };
        let (text, read) = self.text().map_err(error)?;
        if !self.aggregates() {
            let options = LoadOptions {
                read,
                ..self.options()
            };
            let data = load_weekly_csv(&text, &options).map_err(error)?;
            let quality = quality::assess(&data);
            return Ok((data, quality));
        }
        let table = read_table(&text, &read).map_err(error)?;
        let mapping = self.mapping(&table).map_err(error)?;
        let built = build_weekly(&table, &mapping).map_err(error)?;
        for note in built.report.notes() {
            eprintln!("note: {note}");
        }
        let quality = quality::assess_build(&built);
        Ok((built.data, quality))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    #[derive(Debug, Parser)]
    struct Cli {
        #[command(flatten)]
        data: DataArgs,
    }

    #[test]
    fn parses_lists_and_defaults() {
        let cli = Cli::parse_from([
            "x",
            "data.csv",
            "--channels",
            "paid_search, email",
            "--controls",
            "",
        ]);
        let o = cli.data.options();
        assert_eq!(o.target.as_deref(), Some("revenue"));
        assert_eq!(
            o.channels,
            Some(vec!["paid_search".to_string(), "email".to_string()])
        );
        assert_eq!(o.controls, Some(vec![]));
        assert_eq!(o.date_column, None);
        let cli = Cli::parse_from(["x", "d.csv", "--date", "week", "--target", "sales"]);
        let o = cli.data.options();
        assert_eq!(o.date_column.as_deref(), Some("week"));
        assert_eq!(o.target.as_deref(), Some("sales"));
        assert_eq!(o.channels, None);
        assert_eq!(o.controls, None);
    }

    #[test]
    fn reading_flags_map_to_read_options() {
        let cli = Cli::parse_from([
            "x",
            "d.csv",
            "--separator",
            "tab",
            "--decimal-comma",
            "--date-order",
            "mdy",
            "--filter",
            "region = US",
            "--filter",
            "brand=A=B",
        ]);
        let read = cli.data.read_options();
        assert_eq!(read.separator, Some(Separator::Tab));
        assert_eq!(read.decimal, Some(DecimalSeparator::Comma));
        assert_eq!(read.date_order, Some(DateOrder::MonthFirst));
        assert_eq!(cli.data.options().read, read);
        assert!(cli.data.aggregates());
        assert_eq!(
            cli.data.filter,
            [
                FilterArg {
                    column: "region".into(),
                    value: "US".into()
                },
                FilterArg {
                    column: "brand".into(),
                    value: "A=B".into()
                }
            ]
        );
        let plain = Cli::parse_from(["x", "d.csv"]);
        assert_eq!(plain.data.read_options(), ReadOptions::default());
        assert!(!plain.data.aggregates());
        assert!(Cli::try_parse_from(["x", "d.csv", "--decimal-comma", "--decimal-point"]).is_err());
        for bad in ["region", "=US", "region="] {
            assert!(parse_filter(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn load_reports_missing_file() {
        let cli = Cli::parse_from(["x", "/nonexistent/weekly.csv"]);
        let err = crate::error::report(&cli.data.load_assessed().unwrap_err());
        assert!(err.starts_with("error: /nonexistent/weekly.csv: "), "{err}");
        assert!(err.contains("\nhint: "), "{err}");
    }
}
