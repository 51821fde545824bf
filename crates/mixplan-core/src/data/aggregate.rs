//! The last step of loading a user's file: a read [`Table`] and a confirmed
//! [`ColumnMapping`] → a [`WeeklyData`], aggregating daily or multi-row data to weeks.
//!
//! For week `w` (the rows whose date `d` falls in `[start_w, start_w + 7)`, after the
//! dimension filters):
//!
//! ```text
//! target_w  = Σ_rows target            spend_w,c = Σ_rows spend_c
//! control_w,k = (1 / rows_w) Σ_rows control_k
//! metric_w,m  = Σ_rows metric_m        (the average price: (1 / rows_w) Σ_rows average_price)
//! start_w   = d − ((weekday(d) − week_start) mod 7) days
//! ```
//!
//! With daily data (distinct dates less than 7 days apart), a first or last week with
//! fewer than 7 distinct days is partial and dropped, with a note in the
//! [`AggregationReport`]. Weeks must then follow each other without a gap.

use super::error::{ColumnList, ColumnRole, DataError};
use super::loader::dates::{
    DetectedDates, ambiguous_order, best_partial, detect_date_format, parse_date,
};
use super::loader::table::Table;
use super::loader::{LoadOptions, MAX_WEEKS, MIN_WEEKS, number_cell, shorten};
use super::mapping::ColumnMapping;
use super::metric::{MetricKind, MetricSeries, metric_name};
use super::weekly::{Series, WeeklyData};
use chrono::{Datelike, Days, NaiveDate, Weekday};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

/// The weekly matrix built from a mapping, and how the rows became weeks.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WeeklyBuild {
    /// The weekly matrix.
    pub data: WeeklyData,
    /// How it was aggregated.
    pub report: AggregationReport,
}

/// A first or last week dropped for having fewer than 7 days of data.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PartialWeek {
    /// The week's first day.
    pub week: NaiveDate,
    /// Distinct days of data it had.
    pub days: usize,
}

/// How rows became weeks.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AggregationReport {
    /// First day of every week.
    pub week_start: Weekday,
    /// True when the dates are less than 7 days apart (daily data).
    pub daily: bool,
    /// Rows kept by the dimension filters.
    pub rows_used: usize,
    /// Rows left out by the dimension filters.
    pub rows_filtered_out: usize,
    /// Rows summed into each week, aligned with [`WeeklyData::weeks`].
    pub rows_per_week: Vec<usize>,
    /// Partial first and last weeks that were dropped.
    pub dropped_partial_weeks: Vec<PartialWeek>,
    /// Weeks kept with fewer than 7 days of daily data (gaps inside the data).
    pub incomplete_weeks: Vec<PartialWeek>,
}

impl AggregationReport {
    /// Sentences for the user: what was summed and what was dropped.
    pub fn notes(&self) -> Vec<String> {
        let mut notes = Vec::new();
        let weeks = self.rows_per_week.len();
        if self.rows_per_week.iter().any(|&r| r > 1) {
            let min = self.rows_per_week.iter().min().copied().unwrap_or(0);
            let max = self.rows_per_week.iter().max().copied().unwrap_or(0);
            notes.push(format!(
                "{} rows aggregated into {weeks} weeks starting on {:?} ({min}–{max} rows per week)",
                self.rows_used, self.week_start
            ));
        }
        if self.rows_filtered_out > 0 {
            notes.push(format!(
                "{} rows left out by the dimension filters",
                self.rows_filtered_out
            ));
        }
        for p in &self.dropped_partial_weeks {
            notes.push(format!(
                "partial week of {} dropped: only {} of 7 days",
                p.week, p.days
            ));
        }
        for p in &self.incomplete_weeks {
            notes.push(format!(
                "week of {} has only {} of 7 days of data; its sums are low",
                p.week, p.days
            ));
        }
        notes
    }
}

/// One week's running sums.
struct WeekSums {
    first_line: u64,
    rows: usize,
    days: u8,
    target: f64,
    channels: Vec<f64>,
    controls: Vec<f64>,
    metrics: Vec<f64>,
}

/// Column indexes of a mapping.
struct Indexes {
    date: usize,
    target: usize,
    channels: Vec<usize>,
    controls: Vec<usize>,
    metrics: Vec<usize>,
    filters: Vec<(usize, String)>,
}

fn resolve(table: &Table, mapping: &ColumnMapping) -> Result<Indexes, DataError> {
    // The role checks of the weekly loader: names non-empty, no column in two roles.
    LoadOptions::new()
        .date_column(mapping.date.clone())
        .target(mapping.target.clone())
        .channels(mapping.channels.clone())
        .controls(mapping.controls.clone())
        .validate()?;
    let used: Vec<String> = [&mapping.date, &mapping.target]
        .into_iter()
        .chain(&mapping.channels)
        .chain(&mapping.controls)
        .map(|n| n.trim().to_lowercase())
        .collect();
    let mut filters = Vec::new();
    for d in &mapping.dimensions {
        let index = table.require(&d.column, ColumnRole::Dimension)?;
        if let Some(k) = used
            .iter()
            .position(|u| *u == d.column.trim().to_lowercase())
        {
            let first = match k {
                0 => ColumnRole::Date,
                1 => ColumnRole::Target,
                k if k < 2 + mapping.channels.len() => ColumnRole::Channel,
                _ => ColumnRole::Control,
            };
            return Err(DataError::ColumnInTwoRoles {
                column: d.column.clone(),
                first,
                second: ColumnRole::Dimension,
            });
        }
        if let Some(value) = &d.filter {
            let value = value.trim().to_string();
            if !table.column(index).any(|(_, c)| c == value) {
                let values: BTreeSet<&str> =
                    table.column(index).map(|(_, c)| c).take(10_000).collect();
                return Err(DataError::UnknownDimensionValue {
                    column: table.header[index].clone(),
                    value,
                    available: ColumnList(values.iter().take(20).map(|v| v.to_string()).collect()),
                });
            }
            filters.push((index, value));
        }
    }
    for (k, metric) in mapping.metrics.iter().enumerate() {
        let key = metric.trim().to_lowercase();
        let dimension = mapping
            .dimensions
            .iter()
            .any(|d| d.column.trim().to_lowercase() == key);
        let earlier_metric = mapping.metrics[..k]
            .iter()
            .any(|m| m.trim().to_lowercase() == key);
        let first = match used.iter().position(|u| *u == key) {
            Some(0) => Some(ColumnRole::Date),
            Some(1) => Some(ColumnRole::Target),
            Some(k) if k < 2 + mapping.channels.len() => Some(ColumnRole::Channel),
            Some(_) => Some(ColumnRole::Control),
            None if dimension => Some(ColumnRole::Dimension),
            None if earlier_metric => Some(ColumnRole::Metric),
            None => None,
        };
        if let Some(first) = first {
            return Err(DataError::ColumnInTwoRoles {
                column: metric.clone(),
                first,
                second: ColumnRole::Metric,
            });
        }
    }
    let require_all = |names: &[String], role| -> Result<Vec<usize>, DataError> {
        names.iter().map(|n| table.require(n, role)).collect()
    };
    Ok(Indexes {
        date: table.require(&mapping.date, ColumnRole::Date)?,
        target: table.require(&mapping.target, ColumnRole::Target)?,
        channels: require_all(&mapping.channels, ColumnRole::Channel)?,
        controls: require_all(&mapping.controls, ColumnRole::Control)?,
        metrics: require_all(&mapping.metrics, ColumnRole::Metric)?,
        filters,
    })
}

fn date_format(table: &Table, mapping: &ColumnMapping, index: usize) -> Result<String, DataError> {
    if let Some(f) = &mapping.date_format {
        return Ok(f.trim().to_string());
    }
    match detect_date_format(table, index, table.date_order) {
        DetectedDates::Format(f) => Ok(f),
        DetectedDates::AmbiguousOrder { example } => {
            Err(ambiguous_order(&table.header[index], example))
        }
        DetectedDates::NotDates => Ok(best_partial(table, index, table.date_order).0.to_string()),
    }
}

/// Builds the weekly matrix `mapping` describes from `table` (see the [module docs](self)).
///
/// # Errors
/// A [`DataError`] naming the first problem: a column missing or in two roles, a filter
/// value absent from its column ([`DataError::UnknownDimensionValue`]), a bad date or
/// number (with its line and column), negative spend, missing weeks, fewer than
/// [`MIN_WEEKS`] or more than [`MAX_WEEKS`] weeks.
pub fn build_weekly(table: &Table, mapping: &ColumnMapping) -> Result<WeeklyBuild, DataError> {
    let ix = resolve(table, mapping)?;
    let format = date_format(table, mapping, ix.date)?;
    let date_name = &table.header[ix.date];

    // Pass 1: the date of every kept row.
    let mut dates: Vec<Option<NaiveDate>> = Vec::with_capacity(table.len());
    let mut filtered_out = 0usize;
    for row in 0..table.len() {
        if ix.filters.iter().any(|(i, v)| table.cell(row, *i) != v) {
            dates.push(None);
            filtered_out += 1;
            continue;
        }
        let cell = table.cell(row, ix.date);
        let date = parse_date(cell, &format).ok_or_else(|| DataError::BadDate {
            column: date_name.clone(),
            line: table.line(row),
            value: shorten(cell),
            format: format.clone(),
            example: NaiveDate::from_ymd_opt(2024, 1, 29)
                .map(|d| d.format("%Y-%m-%d").to_string())
                .unwrap_or_default(),
        })?;
        dates.push(Some(date));
    }
    let distinct: BTreeSet<NaiveDate> = dates.iter().flatten().copied().collect();
    let step = distinct
        .iter()
        .zip(distinct.iter().skip(1))
        .map(|(a, b)| (*b - *a).num_days())
        .min()
        .unwrap_or(7);
    let daily = step < 7;
    let week_start = mapping
        .week_start
        .unwrap_or_else(|| match distinct.first() {
            Some(d) if !daily => d.weekday(),
            _ => Weekday::Mon,
        });

    // Pass 2: sums per week.
    let mut weeks: BTreeMap<NaiveDate, WeekSums> = BTreeMap::new();
    for (row, date) in dates.iter().enumerate() {
        let Some(date) = *date else { continue };
        let line = table.line(row);
        let offset =
            (date.weekday().num_days_from_monday() + 7 - week_start.num_days_from_monday()) % 7;
        let start = date - Days::new(u64::from(offset));
        let sums = weeks.entry(start).or_insert_with(|| WeekSums {
            first_line: line,
            rows: 0,
            days: 0,
            target: 0.0,
            channels: vec![0.0; ix.channels.len()],
            controls: vec![0.0; ix.controls.len()],
            metrics: vec![0.0; ix.metrics.len()],
        });
        let number = |i: usize| number_cell(table, table.cell(row, i), &table.header[i], row, line);
        sums.rows += 1;
        sums.days |= 1 << offset;
        sums.target += number(ix.target)?;
        for (sum, &i) in sums.channels.iter_mut().zip(&ix.channels) {
            let value = number(i)?;
            if value < 0.0 {
                return Err(DataError::NegativeSpend {
                    column: table.header[i].clone(),
                    week: row,
                    line: Some(line),
                    value,
                });
            }
            *sum += value;
        }
        for (sum, &i) in sums.controls.iter_mut().zip(&ix.controls) {
            *sum += number(i)?;
        }
        for (sum, &i) in sums.metrics.iter_mut().zip(&ix.metrics) {
            let value = number(i)?;
            if value < 0.0 {
                return Err(DataError::NegativeMetric {
                    column: table.header[i].clone(),
                    week: row,
                    line: Some(line),
                    value,
                });
            }
            *sum += value;
        }
    }

    let mut dropped = Vec::new();
    if daily {
        for edge in [
            weeks.keys().next().copied(),
            weeks.keys().next_back().copied(),
        ]
        .into_iter()
        .flatten()
        {
            if let Some(days) = weeks.get(&edge).map(|s| s.days.count_ones() as usize)
                && days < 7
            {
                weeks.remove(&edge);
                dropped.push(PartialWeek { week: edge, days });
            }
        }
    }
    let incomplete: Vec<PartialWeek> = if daily {
        weeks
            .iter()
            .filter(|(_, s)| s.days.count_ones() < 7)
            .map(|(w, s)| PartialWeek {
                week: *w,
                days: s.days.count_ones() as usize,
            })
            .collect()
    } else {
        Vec::new()
    };
    if weeks.len() > MAX_WEEKS {
        return Err(DataError::TooManyWeeks {
            found: weeks.len(),
            limit: MAX_WEEKS,
        });
    }
    let mut previous: Option<NaiveDate> = None;
    for (week, sums) in &weeks {
        if let Some(p) = previous {
            let days = (*week - p).num_days();
            if days != 7 {
                return Err(DataError::MissingWeeks {
                    previous: p,
                    date: *week,
                    line: sums.first_line,
                    missing: days / 7 - 1,
                });
            }
        }
        previous = Some(*week);
    }
    if weeks.len() < MIN_WEEKS {
        return Err(DataError::TooFewWeeks {
            found: weeks.len(),
            minimum: MIN_WEEKS,
        });
    }

    let series = |names: &[usize], pick: &dyn Fn(&WeekSums, usize) -> f64| -> Vec<Series> {
        names
            .iter()
            .enumerate()
            .map(|(k, &i)| Series {
                name: table.header[i].clone(),
                values: weeks.values().map(|s| pick(s, k)).collect(),
            })
            .collect()
    };
    let channels = series(&ix.channels, &|s, k| s.channels[k]);
    let controls = series(&ix.controls, &|s, k| s.controls[k] / s.rows as f64);
    let metrics = metric_series(table, &ix.metrics, &weeks);
    let report = AggregationReport {
        week_start,
        daily,
        rows_used: table.len() - filtered_out,
        rows_filtered_out: filtered_out,
        rows_per_week: weeks.values().map(|s| s.rows).collect(),
        dropped_partial_weeks: dropped,
        incomplete_weeks: incomplete,
    };
    let data = WeeklyData::new(
        weeks.keys().copied().collect(),
        table.header[ix.target].clone(),
        weeks.values().map(|s| s.target).collect(),
        channels,
        controls,
    )?
    .with_metrics(metrics)?;
    Ok(WeeklyBuild { data, report })
}

/// Each metric column's weekly values: sums, or the mean of the week's rows for the
/// average price. A column the user chose as a metric without a conventional name is
/// [`MetricKind::Other`] (summed, read by no view), with no channel.
fn metric_series(
    table: &Table,
    columns: &[usize],
    weeks: &BTreeMap<NaiveDate, WeekSums>,
) -> Vec<MetricSeries> {
    columns
        .iter()
        .enumerate()
        .map(|(k, &i)| {
            let name = table.header[i].clone();
            let read = metric_name(&name);
            let kind = read.as_ref().map_or(MetricKind::Other, |m| m.kind);
            MetricSeries {
                channel: read.and_then(|m| m.channel),
                kind,
                values: weeks
                    .values()
                    .map(|s| {
                        if kind.averaged() {
                            s.metrics[k] / s.rows as f64
                        } else {
                            s.metrics[k]
                        }
                    })
                    .collect(),
                name,
            }
        })
        .collect()
}
