//! Which column plays which role: the [`LoadOptions`] a caller gives, and the detection of
//! the roles it leaves open (see the [loader's docs](super) for the rules).

use super::dates::{
    DetectedDates, ambiguous_order, best_partial, column_parses, detect_date_format,
    most_dates_column,
};
use super::number::DecimalSeparator;
use super::read_options::{DateOrder, ReadOptions, Separator};
use super::table::{Table, normalise};
use crate::data::error::{ColumnList, ColumnRole, DataError};
use crate::data::metric::{MetricName, metric_name};
use crate::data::model_terms::{is_time_index, seasonality_word};

/// Target column used when [`LoadOptions::target`] is `None`.
pub const DEFAULT_TARGET: &str = "revenue";

/// Words that mark a numeric column as a control when controls are auto-detected.
const CONTROL_WORDS: &[&str] = &[
    "price",
    "prices",
    "promo",
    "promos",
    "promotion",
    "promotions",
    "discount",
    "holiday",
    "holidays",
    "event",
    "events",
    "trend",
    "season",
    "seasonal",
    "seasonality",
    "control",
    "competitor",
    "sentiment",
    "bfcm",
    "blackfriday",
    "weekday",
    "month",
];

/// Which column plays which role. Every field is optional; `None` means auto-detect (see the
/// [loader docs](super)).
///
/// | field | default (`None`) | meaning |
/// |---|---|---|
/// | `date_column` | first column of dates | week start (or any fixed day of the week) |
/// | `date_format` | detected from [`super::DATE_FORMATS`] | chrono `strftime` format of the dates |
/// | `target` | `revenue` | the outcome to model; must be finite |
/// | `channels` | every other numeric column, except those named like metrics | media spend per week, currency, ≥ 0 |
/// | `controls` | numeric columns named like controls | non-media drivers; `Some(vec![])` for none |
/// | `read` | all detected | field and decimal separators, date order ([`ReadOptions`]) |
///
/// Build it with struct-literal syntax or the chained setters:
/// `LoadOptions::new().date_column("time").target("conversions").channels(["a", "b"])`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LoadOptions {
    /// Name of the date column.
    pub date_column: Option<String>,
    /// chrono `strftime` format of the dates, e.g. `"%d/%m/%Y"`.
    pub date_format: Option<String>,
    /// Name of the target column.
    pub target: Option<String>,
    /// Names of the channel (spend) columns, in the order wanted.
    pub channels: Option<Vec<String>>,
    /// Names of the control columns, in the order wanted.
    pub controls: Option<Vec<String>>,
    /// How the text is read: separators and date order.
    pub read: ReadOptions,
}

impl LoadOptions {
    /// All roles auto-detected.
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets the date column.
    pub fn date_column(mut self, name: impl Into<String>) -> Self {
        self.date_column = Some(name.into());
        self
    }

    /// Sets the date format (chrono `strftime` syntax, e.g. `"%m/%d/%Y"`).
    pub fn date_format(mut self, format: impl Into<String>) -> Self {
        self.date_format = Some(format.into());
        self
    }

    /// Sets the target column.
    pub fn target(mut self, name: impl Into<String>) -> Self {
        self.target = Some(name.into());
        self
    }

    /// Sets the channel columns.
    pub fn channels<S: Into<String>>(mut self, names: impl IntoIterator<Item = S>) -> Self {
        self.channels = Some(names.into_iter().map(Into::into).collect());
        self
    }

    /// Sets the control columns (an empty list means "no controls").
    pub fn controls<S: Into<String>>(mut self, names: impl IntoIterator<Item = S>) -> Self {
        self.controls = Some(names.into_iter().map(Into::into).collect());
        self
    }

    /// Sets the field separator.
    pub fn separator(mut self, separator: Separator) -> Self {
        self.read.separator = Some(separator);
        self
    }

    /// Sets the decimal separator.
    pub fn decimal(mut self, decimal: DecimalSeparator) -> Self {
        self.read.decimal = Some(decimal);
        self
    }

    /// Sets the order of day and month in dates.
    pub fn date_order(mut self, order: DateOrder) -> Self {
        self.read.date_order = Some(order);
        self
    }

    /// Checks the options themselves (before any data is read): names are non-empty and no
    /// column is given two roles.
    pub fn validate(&self) -> Result<(), DataError> {
        let mut named: Vec<(String, ColumnRole)> = Vec::new();
        let mut push = |name: &str, role: ColumnRole| -> Result<(), DataError> {
            let key = normalise(name);
            if key.is_empty() {
                return Err(DataError::EmptyOptionName { role });
            }
            if let Some((_, first)) = named.iter().find(|(n, _)| *n == key) {
                return Err(DataError::ColumnInTwoRoles {
                    column: name.trim().to_string(),
                    first: *first,
                    second: role,
                });
            }
            named.push((key, role));
            Ok(())
        };
        if let Some(d) = &self.date_column {
            push(d, ColumnRole::Date)?;
        }
        if let Some(t) = &self.target {
            push(t, ColumnRole::Target)?;
        }
        for c in self.channels.iter().flatten() {
            push(c, ColumnRole::Channel)?;
        }
        for c in self.controls.iter().flatten() {
            push(c, ColumnRole::Control)?;
        }
        if self.channels.as_ref().is_some_and(Vec::is_empty) {
            return Err(DataError::NoChannels {
                available: ColumnList(Vec::new()),
            });
        }
        if let Some(f) = &self.date_format
            && f.trim().is_empty()
        {
            return Err(DataError::EmptyOptionName {
                role: ColumnRole::Date,
            });
        }
        Ok(())
    }
}

/// Column indexes per role, after detection.
pub(super) struct Roles {
    pub(super) date: usize,
    pub(super) date_format: String,
    pub(super) target: usize,
    pub(super) channels: Vec<usize>,
    pub(super) controls: Vec<usize>,
    /// Columns named like metrics (`paid_search_clicks`, `orders`, …): carried, never fitted.
    pub(super) metrics: Vec<(usize, MetricName)>,
}

pub(super) fn resolve_roles(table: &Table, options: &LoadOptions) -> Result<Roles, DataError> {
    let (date, date_format) = resolve_date(table, options)?;
    let target_name = options.target.as_deref().unwrap_or(DEFAULT_TARGET);
    let target = table.require(target_name, ColumnRole::Target)?;
    if target == date {
        return Err(DataError::ColumnInTwoRoles {
            column: table.header[target].clone(),
            first: ColumnRole::Date,
            second: ColumnRole::Target,
        });
    }

    let explicit = |names: &Option<Vec<String>>, role| -> Result<Option<Vec<usize>>, DataError> {
        names
            .as_ref()
            .map(|names| {
                names
                    .iter()
                    .map(|n| {
                        let i = table.require(n, role)?;
                        if i == date || i == target {
                            return Err(DataError::ColumnInTwoRoles {
                                column: table.header[i].clone(),
                                first: if i == date {
                                    ColumnRole::Date
                                } else {
                                    ColumnRole::Target
                                },
                                second: role,
                            });
                        }
                        Ok(i)
                    })
                    .collect()
            })
            .transpose()
    };
    let explicit_channels = explicit(&options.channels, ColumnRole::Channel)?;
    let explicit_controls = explicit(&options.controls, ColumnRole::Control)?;

    let taken: Vec<usize> = explicit_channels
        .iter()
        .chain(explicit_controls.iter())
        .flatten()
        .copied()
        .collect();
    // Columns the model makes itself (a time index, seasonality terms) are detected as
    // nothing: the model's own trend and seasonality stand in for them (`model_terms`).
    let free = |i: usize| {
        i != date
            && i != target
            && !taken.contains(&i)
            && table.is_numeric(i)
            && !made_by_the_model(table, i)
    };
    let controls = match explicit_controls {
        Some(c) => c,
        None => (0..table.header.len())
            .filter(|&i| free(i) && looks_like_control(&table.header[i]))
            .collect(),
    };
    // Named like a platform or business figure: carried as a metric, never a channel.
    let channel_given = |i: usize| explicit_channels.as_ref().is_some_and(|c| c.contains(&i));
    let metrics: Vec<(usize, MetricName)> = (0..table.header.len())
        .filter(|&i| free(i) && !controls.contains(&i) && !channel_given(i))
        .filter_map(|i| metric_name(&table.header[i]).map(|m| (i, m)))
        .collect();
    let channels = match explicit_channels {
        Some(c) => c,
        None => (0..table.header.len())
            .filter(|&i| free(i) && !controls.contains(&i) && !metrics.iter().any(|m| m.0 == i))
            .collect(),
    };
    if channels.is_empty() {
        return Err(DataError::NoChannels {
            available: table.available(),
        });
    }
    Ok(Roles {
        date,
        date_format,
        target,
        channels,
        controls,
        metrics,
    })
}

/// A time index (`0, 1, 2, …` in row order; the loader requires the rows in date order) or a
/// column named like a yearly seasonality term ([`crate::data::model_terms`]).
fn made_by_the_model(table: &Table, index: usize) -> bool {
    if seasonality_word(&table.header[index]).is_some() {
        return true;
    }
    is_time_index(&table.numbers(index), None)
}

/// True when a column name contains one of the control words (price, promo, promotion,
/// discount, holiday, event, trend, season, control, competitor, sentiment, bfcm,
/// black friday, weekday, month) as a whole word, words being separated
/// by anything that is not a letter or digit (and digits split from letters: `event1` has the
/// word `event`).
pub fn looks_like_control(name: &str) -> bool {
    control_word(name).is_some()
}

/// The control word a column name contains (see [`looks_like_control`]), if any.
pub(crate) fn control_word(name: &str) -> Option<String> {
    let lower = name.to_lowercase();
    let squashed: String = lower.chars().filter(|c| c.is_alphanumeric()).collect();
    for phrase in ["blackfriday", "cybermonday"] {
        if squashed.contains(phrase) {
            return Some(phrase.to_string());
        }
    }
    lower
        .split(|c: char| !c.is_alphabetic())
        .find(|w| CONTROL_WORDS.contains(w))
        .map(str::to_string)
}

/// The date column and its format: named or detected (see [`super::dates`]). When no
/// column is all dates, the one with the most dates is taken, so that its first bad cell is
/// reported with its line rather than as "no date column".
fn resolve_date(table: &Table, options: &LoadOptions) -> Result<(usize, String), DataError> {
    let order = options.read.date_order;
    let given_format = options.date_format.as_deref().map(str::trim);
    let detect = |i: usize| -> Result<Option<String>, DataError> {
        match detect_date_format(table, i, order) {
            DetectedDates::NotDates => Ok(None),
            DetectedDates::Format(f) => Ok(Some(f)),
            DetectedDates::AmbiguousOrder { example } => {
                Err(ambiguous_order(&table.header[i], example))
            }
        }
    };
    if let Some(name) = &options.date_column {
        let index = table.require(name, ColumnRole::Date)?;
        let format = match given_format {
            Some(f) => f.to_string(),
            None => match detect(index)? {
                Some(f) => f,
                None => best_partial(table, index, order).0.to_string(),
            },
        };
        return Ok((index, format));
    }
    for i in 0..table.header.len() {
        let format = match given_format {
            Some(f) => column_parses(table, i, f).then(|| f.to_string()),
            None => detect(i)?,
        };
        if let Some(f) = format {
            return Ok((i, f));
        }
    }
    if given_format.is_none()
        && let Some((i, f)) = most_dates_column(table, order)
    {
        return Ok((i, f.to_string()));
    }
    Err(DataError::NoDateColumn {
        available: table.available(),
    })
}
