//! Readers of the performance facts: the store's daily star-schema tables
//! (`fact_marketing_daily.csv`, `fact_sales_daily.csv`, optionally `dim_channel.csv` for
//! names) and a user's wide table (one row per date, columns named as in
//! `docs/performance.md`).

use super::{BusinessFacts, ChannelFacts, PerformanceData, PerformanceError};
use chrono::NaiveDate;
use std::collections::BTreeMap;
use std::collections::HashMap;

/// The platform figures of a channel, as suffixes of the wide table's column names.
pub const PLATFORM_METRICS: [&str; 4] =
    ["impressions", "clicks", "platform_revenue", "conversions"];

/// The business columns the view needs.
pub const BUSINESS_COLUMNS: [&str; 4] = ["revenue", "orders", "customers", "cogs"];

// The long marketing table's columns: those `prepare` writes.
use crate::data::prepare::FACT_MARKETING_DAILY_COLUMNS as MARKETING_COLUMNS;

/// A parsed CSV: header and records, with errors naming `what`.
struct Csv {
    what: String,
    header: Vec<String>,
    rows: Vec<csv::StringRecord>,
}

impl Csv {
    fn parse(text: &str, what: &str) -> Result<Self, PerformanceError> {
        let mut reader = csv::ReaderBuilder::new()
            .trim(csv::Trim::All)
            .flexible(false)
            .from_reader(text.as_bytes());
        let csv_error = |error: csv::Error| PerformanceError::Csv {
            what: what.to_string(),
            line: error
                .position()
                .map_or(1, |p| usize::try_from(p.line()).unwrap_or(usize::MAX)),
            message: error.to_string(),
        };
        let header = reader
            .headers()
            .map_err(csv_error)?
            .iter()
            .map(|h| h.trim_start_matches('\u{feff}').to_string())
            .collect();
        let rows = reader
            .records()
            .collect::<Result<Vec<_>, _>>()
            .map_err(csv_error)?;
        Ok(Self {
            what: what.to_string(),
            header,
            rows,
        })
    }

    /// The index of each column of `names` (case-insensitive), or every missing name.
    fn columns(&self, names: &[String]) -> Result<Vec<usize>, PerformanceError> {
        let lower: Vec<String> = self.header.iter().map(|h| h.to_lowercase()).collect();
        let mut found = Vec::new();
        let mut missing = Vec::new();
        for name in names {
            match lower.iter().position(|h| *h == name.to_lowercase()) {
                Some(i) => found.push(i),
                None => missing.push(name.clone()),
            }
        }
        if missing.is_empty() {
            Ok(found)
        } else {
            Err(PerformanceError::MissingColumns {
                what: self.what.clone(),
                missing,
            })
        }
    }

    /// Line number (1-based, header on line 1) of record `r`.
    fn line(r: usize) -> usize {
        r + 2
    }

    fn date(&self, r: usize, column: usize) -> Result<NaiveDate, PerformanceError> {
        let text = self.rows[r].get(column).unwrap_or("");
        NaiveDate::parse_from_str(text, "%Y-%m-%d").map_err(|_| PerformanceError::BadDate {
            what: self.what.clone(),
            line: Self::line(r),
            value: text.to_string(),
        })
    }

    /// A finite, non-negative number; an empty cell is 0.
    fn number(&self, r: usize, column: usize) -> Result<f64, PerformanceError> {
        let text = self.rows[r].get(column).unwrap_or("");
        if text.is_empty() {
            return Ok(0.0);
        }
        let value: f64 = text.parse().map_err(|_| PerformanceError::BadNumber {
            what: self.what.clone(),
            line: Self::line(r),
            column: self.header[column].clone(),
            value: text.to_string(),
        })?;
        if !value.is_finite() || value < 0.0 {
            return Err(PerformanceError::BadValue {
                what: self.what.clone(),
                line: Self::line(r),
                column: self.header[column].clone(),
                value,
            });
        }
        Ok(value)
    }
}

/// "paid_search" → "Paid Search".
fn display_name(id: &str) -> String {
    id.split(['_', ' '])
        .filter(|w| !w.is_empty())
        .map(|w| {
            let mut chars = w.chars();
            chars
                .next()
                .map(|first| first.to_uppercase().chain(chars).collect::<String>())
                .unwrap_or_default()
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// Channel names from `dim_channel.csv` (`id,name,…`); ids without a row get a name made
/// from the id.
pub fn read_channel_names(text: &str) -> Result<HashMap<String, String>, PerformanceError> {
    let table = Csv::parse(text, "dim_channel.csv")?;
    let columns = table.columns(&["id".into(), "name".into()])?;
    Ok(table
        .rows
        .iter()
        .filter_map(|row| {
            Some((
                row.get(columns[0])?.to_string(),
                row.get(columns[1])?.to_string(),
            ))
        })
        .collect())
}

/// Reads the store's daily tables: `marketing` is `fact_marketing_daily.csv`
/// (`date,channel_id,spend,impressions,clicks,platform_revenue,conversions`), `sales` is
/// `fact_sales_daily.csv` (`date,revenue,orders,customers,cogs,…`), `names` maps channel ids
/// to display names (from [`read_channel_names`]). A channel without a row on a date had
/// nothing on it (zeros); both tables must cover the same dates.
pub fn read_daily_facts(
    marketing: &str,
    sales: &str,
    names: &HashMap<String, String>,
) -> Result<PerformanceData, PerformanceError> {
    let sales_table = Csv::parse(sales, "fact_sales_daily.csv")?;
    let mut wanted = vec!["date".to_string()];
    wanted.extend(BUSINESS_COLUMNS.iter().map(|c| c.to_string()));
    let sales_columns = sales_table.columns(&wanted)?;
    let mut by_date: BTreeMap<NaiveDate, [f64; 4]> = BTreeMap::new();
    for r in 0..sales_table.rows.len() {
        let date = sales_table.date(r, sales_columns[0])?;
        let mut values = [0.0; 4];
        for (slot, &column) in values.iter_mut().zip(&sales_columns[1..]) {
            *slot = sales_table.number(r, column)?;
        }
        if by_date.insert(date, values).is_some() {
            return Err(PerformanceError::RepeatedDate {
                what: sales_table.what.clone(),
                date,
                channel: None,
            });
        }
    }
    let dates: Vec<NaiveDate> = by_date.keys().copied().collect();
    let index: HashMap<NaiveDate, usize> = dates.iter().enumerate().map(|(i, d)| (*d, i)).collect();
    let n = dates.len();
    let business = BusinessFacts {
        revenue: by_date.values().map(|v| v[0]).collect(),
        orders: by_date.values().map(|v| v[1]).collect(),
        customers: by_date.values().map(|v| v[2]).collect(),
        cogs: by_date.values().map(|v| v[3]).collect(),
    };

    let table = Csv::parse(marketing, "fact_marketing_daily.csv")?;
    let wanted: Vec<String> = MARKETING_COLUMNS.iter().map(|c| c.to_string()).collect();
    let columns = table.columns(&wanted)?;
    let mut channels: Vec<ChannelFacts> = Vec::new();
    let mut seen_dates = vec![false; n];
    let mut filled: Vec<Vec<bool>> = Vec::new();
    for r in 0..table.rows.len() {
        let date = table.date(r, columns[0])?;
        let Some(&t) = index.get(&date) else {
            return Err(PerformanceError::DatesDiffer { date });
        };
        seen_dates[t] = true;
        let id = table.rows[r].get(columns[1]).unwrap_or("").to_string();
        let c = match channels.iter().position(|ch| ch.id == id) {
            Some(c) => c,
            None => {
                channels.push(ChannelFacts {
                    name: names.get(&id).cloned().unwrap_or_else(|| display_name(&id)),
                    id: id.clone(),
                    spend: vec![0.0; n],
                    impressions: vec![0.0; n],
                    clicks: vec![0.0; n],
                    platform_revenue: vec![0.0; n],
                    conversions: vec![0.0; n],
                });
                filled.push(vec![false; n]);
                channels.len() - 1
            }
        };
        if std::mem::replace(&mut filled[c][t], true) {
            return Err(PerformanceError::RepeatedDate {
                what: table.what.clone(),
                date,
                channel: Some(id),
            });
        }
        let channel = &mut channels[c];
        channel.spend[t] = table.number(r, columns[2])?;
        channel.impressions[t] = table.number(r, columns[3])?;
        channel.clicks[t] = table.number(r, columns[4])?;
        channel.platform_revenue[t] = table.number(r, columns[5])?;
        channel.conversions[t] = table.number(r, columns[6])?;
    }
    if let Some(t) = seen_dates.iter().position(|seen| !seen) {
        return Err(PerformanceError::DatesDiffer { date: dates[t] });
    }
    PerformanceData::new(dates, channels, business)
}

/// The columns a wide table needs for `channels`: per channel its spend (`<channel>` or
/// `<channel>_spend`) and `<channel>_impressions`, `_clicks`, `_platform_revenue`,
/// `_conversions`; and `revenue`, `orders`, `customers`, `cogs`. Returns the missing ones
/// (empty when the view can be shown).
pub fn missing_wide_columns(header: &[String], channels: &[String]) -> Vec<String> {
    let has = |name: &str| header.iter().any(|h| h.eq_ignore_ascii_case(name));
    let mut missing = Vec::new();
    for channel in channels {
        if !has(channel) && !has(&format!("{channel}_spend")) {
            missing.push(format!("{channel}_spend"));
        }
        for metric in PLATFORM_METRICS {
            let name = format!("{channel}_{metric}");
            if !has(&name) {
                missing.push(name);
            }
        }
    }
    missing.extend(
        BUSINESS_COLUMNS
            .iter()
            .filter(|c| !has(c))
            .map(|c| c.to_string()),
    );
    missing
}

/// Reads a user's wide table (daily or weekly: one row per date in a `date`, `week` or `day`
/// column) for `channels` (the model's channel columns; when empty, every `<x>_impressions`
/// column names a channel). Missing columns fail with [`PerformanceError::MissingColumns`]
/// listing all of them.
pub fn read_wide_table(
    text: &str,
    channels: &[String],
) -> Result<PerformanceData, PerformanceError> {
    let what = "the data file";
    let table = Csv::parse(text, what)?;
    let lower: Vec<String> = table.header.iter().map(|h| h.to_lowercase()).collect();
    let Some(date_column) = ["date", "week", "day"]
        .iter()
        .find_map(|name| lower.iter().position(|h| h == name))
    else {
        return Err(PerformanceError::MissingColumns {
            what: what.to_string(),
            missing: vec!["date (or week)".to_string()],
        });
    };
    let channels: Vec<String> = if channels.is_empty() {
        table
            .header
            .iter()
            .filter_map(|h| h.strip_suffix("_impressions").map(str::to_string))
            .collect()
    } else {
        channels.to_vec()
    };
    let missing = missing_wide_columns(&table.header, &channels);
    if !missing.is_empty() || channels.is_empty() {
        let mut missing = missing;
        if channels.is_empty() {
            missing.insert(
                0,
                "<channel>_impressions (and the other platform columns)".into(),
            );
        }
        return Err(PerformanceError::MissingColumns {
            what: what.to_string(),
            missing,
        });
    }
    let column = |name: &str| lower.iter().position(|h| *h == name.to_lowercase());
    let mut rows: Vec<(NaiveDate, usize)> = (0..table.rows.len())
        .map(|r| table.date(r, date_column).map(|d| (d, r)))
        .collect::<Result<_, _>>()?;
    rows.sort();
    if let Some(pair) = rows.windows(2).find(|p| p[0].0 == p[1].0) {
        return Err(PerformanceError::RepeatedDate {
            what: what.to_string(),
            date: pair[0].0,
            channel: None,
        });
    }
    let read = |name: &str| -> Result<Vec<f64>, PerformanceError> {
        let Some(c) = column(name) else {
            return Err(PerformanceError::MissingColumns {
                what: what.to_string(),
                missing: vec![name.to_string()],
            });
        };
        rows.iter().map(|&(_, r)| table.number(r, c)).collect()
    };
    let mut facts = Vec::new();
    for channel in &channels {
        let spend_column = if column(channel).is_some() {
            channel.clone()
        } else {
            format!("{channel}_spend")
        };
        facts.push(ChannelFacts {
            id: channel.clone(),
            name: display_name(channel),
            spend: read(&spend_column)?,
            impressions: read(&format!("{channel}_impressions"))?,
            clicks: read(&format!("{channel}_clicks"))?,
            platform_revenue: read(&format!("{channel}_platform_revenue"))?,
            conversions: read(&format!("{channel}_conversions"))?,
        });
    }
    let business = BusinessFacts {
        revenue: read("revenue")?,
        orders: read("orders")?,
        customers: read("customers")?,
        cogs: read("cogs")?,
    };
    PerformanceData::new(rows.iter().map(|(d, _)| *d).collect(), facts, business)
}
