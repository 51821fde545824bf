//! Lift tests (experiments) that calibrate the posterior (issue #11, item 4).
//!
//! A lift test says: over the weeks `start ..= end`, channel `channel` brought `lift` of
//! incremental revenue (standard error `std_error`) while `spend` was spent on it. In the
//! model, `lift` is the channel's contribution summed over those weeks, so each test adds
//!
//! ```text
//! lift_i ~ Normal(Σ_{t ∈ weeks_i} m_{c_i,t}, std_error_i²),    m_{c,t} = β_c h_{c,t}
//! ```
//!
//! to the likelihood ([`super::density`] has the term and its gradient). A week belongs to
//! a test when its start date lies in `[start, end]`.
//!
//! # CSV
//!
//! A header row with the columns `channel,start,end,lift,spend,std_error` (any order, case
//! and surrounding spaces ignored), one test a row, dates as `YYYY-MM-DD`, amounts as plain
//! numbers (`1234.5`):
//!
//! ```text
//! channel,start,end,lift,spend,std_error
//! paid_search,2023-03-06,2023-04-24,61234.5,48000,6123.45
//! ```
//!
//! Validation ([`LiftTest::check`]): a channel name, `start ≤ end`, `lift` finite, `spend`
//! finite and `≥ 0`, `std_error` finite and `> 0`. Errors name the line and the field.
//! Against the data ([`super::PosteriorModel::with_lift_tests`]): the channel must be one of
//! the data's, and at least one week must fall in the window.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::io::Read;
use thiserror::Error;

/// The CSV columns, in the order [`write_lift_tests`] writes them.
pub const LIFT_TEST_COLUMNS: [&str; 6] = ["channel", "start", "end", "lift", "spend", "std_error"];

/// One lift test (experiment) result.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LiftTest {
    /// The channel tested (a channel name of the data).
    pub channel: String,
    /// First day of the test window.
    pub start: NaiveDate,
    /// Last day of the test window (inclusive).
    pub end: NaiveDate,
    /// Incremental revenue the channel brought over the window (currency).
    pub lift: f64,
    /// The channel's spend over the window (currency); kept for reporting (`lift / spend` is
    /// the test's ROI), not used by the likelihood.
    pub spend: f64,
    /// Standard error of `lift` (currency).
    pub std_error: f64,
}

/// What is wrong with a lift test or a lift-test file. `line` is the line of the CSV file
/// (the header is line 1), or the test's position (from 1) when it did not come from a file.
#[derive(Debug, Clone, PartialEq, Error)]
#[non_exhaustive]
pub enum LiftTestError {
    /// The file could not be read as CSV.
    #[error("lift tests: line {line}: {message}; save the file as comma-separated text")]
    Csv {
        /// Line of the problem.
        line: u64,
        /// What the CSV reader said.
        message: String,
    },
    /// A required column is missing from the header.
    #[error(
        "lift tests: the header has no `{0}` column; the columns are channel, start, end, lift, \
         spend, std_error"
    )]
    MissingColumn(&'static str),
    /// The file has no tests.
    #[error("lift tests: the file has a header but no tests; add one row per test")]
    Empty,
    /// A field could not be read or is out of range.
    #[error("lift tests: line {line}, field `{field}`: got `{value}`, expected {expected}")]
    InvalidField {
        /// Line (or position) of the test.
        line: u64,
        /// The column.
        field: &'static str,
        /// What was there.
        value: String,
        /// What it must be.
        expected: &'static str,
    },
    /// The window ends before it starts.
    #[error(
        "lift tests: line {line}: the window ends ({end}) before it starts ({start}); swap \
         `start` and `end`"
    )]
    EndBeforeStart {
        /// Line (or position) of the test.
        line: u64,
        /// `start`.
        start: NaiveDate,
        /// `end`.
        end: NaiveDate,
    },
    /// The channel is not one of the data's.
    #[error("lift tests: line {line}: unknown channel `{channel}`; the channels are: {channels}")]
    UnknownChannel {
        /// Line (or position) of the test.
        line: u64,
        /// The name given.
        channel: String,
        /// The data's channels, comma-separated.
        channels: String,
    },
    /// No week of the data falls in the window.
    #[error(
        "lift tests: line {line}: no week of the data starts between {start} and {end}; the \
         data covers {first} to {last}"
    )]
    NoWeeks {
        /// Line (or position) of the test.
        line: u64,
        /// `start`.
        start: NaiveDate,
        /// `end`.
        end: NaiveDate,
        /// First week of the data.
        first: NaiveDate,
        /// Last week of the data.
        last: NaiveDate,
    },
}

impl LiftTest {
    /// Checks the fields on their own (not against the data); `line` names the test in the
    /// error.
    ///
    /// # Errors
    /// [`LiftTestError::InvalidField`], [`LiftTestError::EndBeforeStart`].
    pub fn check(&self, line: u64) -> Result<(), LiftTestError> {
        let invalid = |field, value: f64, expected| {
            Err(LiftTestError::InvalidField {
                line,
                field,
                value: value.to_string(),
                expected,
            })
        };
        if self.channel.trim().is_empty() {
            return Err(LiftTestError::InvalidField {
                line,
                field: "channel",
                value: self.channel.clone(),
                expected: "a channel name",
            });
        }
        if self.end < self.start {
            return Err(LiftTestError::EndBeforeStart {
                line,
                start: self.start,
                end: self.end,
            });
        }
        if !self.lift.is_finite() {
            return invalid("lift", self.lift, "a finite amount");
        }
        if !(self.spend.is_finite() && self.spend >= 0.0) {
            return invalid("spend", self.spend, "a finite amount of at least 0");
        }
        if !(self.std_error.is_finite() && self.std_error > 0.0) {
            return invalid("std_error", self.std_error, "a finite amount above 0");
        }
        Ok(())
    }

    /// The test's ROI, `lift / spend` (`None` when nothing was spent).
    pub fn roi(&self) -> Option<f64> {
        (self.spend > 0.0).then(|| self.lift / self.spend)
    }
}

/// Reads and checks lift tests from CSV (module docs for the format).
///
/// # Errors
/// [`LiftTestError::Csv`], [`LiftTestError::MissingColumn`], [`LiftTestError::Empty`],
/// [`LiftTestError::InvalidField`], [`LiftTestError::EndBeforeStart`].
pub fn read_lift_tests(reader: impl Read) -> Result<Vec<LiftTest>, LiftTestError> {
    let mut csv = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .flexible(false)
        .from_reader(reader);
    let csv_error = |e: csv::Error| LiftTestError::Csv {
        line: e.position().map_or(1, csv::Position::line),
        message: e.to_string(),
    };
    let header = csv.headers().map_err(csv_error)?.clone();
    let mut columns = [0usize; 6];
    for (slot, name) in columns.iter_mut().zip(LIFT_TEST_COLUMNS) {
        *slot = header
            .iter()
            .position(|h| h.trim().eq_ignore_ascii_case(name))
            .ok_or(LiftTestError::MissingColumn(name))?;
    }
    let mut tests = Vec::new();
    for record in csv.records() {
        let record = record.map_err(csv_error)?;
        let line = record.position().map_or(0, csv::Position::line);
        let field = |i: usize| record.get(columns[i]).unwrap_or("").trim();
        let date = |i: usize| {
            NaiveDate::parse_from_str(field(i), "%Y-%m-%d").map_err(|_| {
                LiftTestError::InvalidField {
                    line,
                    field: LIFT_TEST_COLUMNS[i],
                    value: field(i).to_string(),
                    expected: "a date as YYYY-MM-DD",
                }
            })
        };
        let number = |i: usize| {
            field(i)
                .parse::<f64>()
                .map_err(|_| LiftTestError::InvalidField {
                    line,
                    field: LIFT_TEST_COLUMNS[i],
                    value: field(i).to_string(),
                    expected: "a plain number such as 1234.5",
                })
        };
        let test = LiftTest {
            channel: field(0).to_string(),
            start: date(1)?,
            end: date(2)?,
            lift: number(3)?,
            spend: number(4)?,
            std_error: number(5)?,
        };
        test.check(line)?;
        tests.push(test);
    }
    if tests.is_empty() {
        return Err(LiftTestError::Empty);
    }
    Ok(tests)
}

/// Writes lift tests as CSV in [`LIFT_TEST_COLUMNS`] order (amounts to the cent).
pub fn write_lift_tests(tests: &[LiftTest]) -> String {
    let mut out = LIFT_TEST_COLUMNS.join(",");
    out.push('\n');
    for t in tests {
        out.push_str(&format!(
            "{},{},{},{:.2},{:.2},{:.2}\n",
            t.channel, t.start, t.end, t.lift, t.spend, t.std_error
        ));
    }
    out
}

/// How [`lift_tests_from_truth`] makes lift tests from a simulated truth.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TruthLiftTests {
    /// How many channels get a test: the largest by total spend.
    pub channels: usize,
    /// Index of the window's first week.
    pub first_week: usize,
    /// Length of the window in weeks.
    pub weeks: usize,
    /// Standard error as a share of the lift.
    pub relative_std_error: f64,
    /// `None`: the lift is the true contribution exactly. `Some(seed)`: the true
    /// contribution plus one seeded Normal(0, std_error²) draw per test, as a real
    /// experiment's estimate would scatter.
    pub noise_seed: Option<u64>,
}

/// Lift tests on the `spec.channels` largest channels (by total spend) of a simulated
/// `data`, computed from its `truth`: over the weeks `first_week .. first_week + weeks`
/// (cut to the data), `lift` = the channel's true contribution summed over the window (plus
/// noise if asked), `spend` its spend there, `std_error = relative_std_error · lift` (of
/// the true lift). Channels are matched by the data's series names = the truth's ids; a
/// channel with no contribution in the window gets no test.
pub fn lift_tests_from_truth(
    truth: &crate::data::truth::GroundTruth,
    data: &crate::data::WeeklyData,
    spec: TruthLiftTests,
) -> Vec<LiftTest> {
    use rand::SeedableRng;
    use rand_distr::{Distribution, StandardNormal};
    let weeks = data.weeks();
    let first = spec.first_week.min(weeks.len());
    let last = (spec.first_week + spec.weeks).min(weeks.len());
    if first >= last {
        return Vec::new();
    }
    let mut by_spend: Vec<(usize, f64)> = data
        .channels()
        .iter()
        .enumerate()
        .map(|(c, s)| (c, s.values.iter().sum::<f64>()))
        .collect();
    by_spend.sort_by(|a, b| b.1.total_cmp(&a.1));
    let mut rng = spec.noise_seed.map(rand_chacha::ChaCha8Rng::seed_from_u64);
    by_spend
        .iter()
        .take(spec.channels)
        .filter_map(|&(c, _)| {
            let series = &data.channels()[c];
            let lift: f64 = truth
                .weekly
                .get(first..last)?
                .iter()
                .map(|w| w.contributions.get(&series.name).copied().unwrap_or(0.0))
                .sum();
            let spend: f64 = series.values[first..last].iter().sum();
            let std_error = spec.relative_std_error * lift;
            if !(lift > 0.0 && std_error > 0.0) {
                return None;
            }
            let noise = rng.as_mut().map_or(0.0, |r| {
                let z: f64 = StandardNormal.sample(r);
                z * std_error
            });
            Some(LiftTest {
                channel: series.name.clone(),
                start: weeks[first],
                end: weeks[last - 1],
                lift: lift + noise,
                spend,
                std_error,
            })
        })
        .collect()
}

/// A lift test placed on the data: channel index and the weeks `first ..= last`, in the
/// model's units (divided by the target scale).
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct PlacedLiftTest {
    pub channel: usize,
    pub first: usize,
    pub last: usize,
    pub lift: f64,
    pub std_error: f64,
}

/// Places `tests` on the data's `weeks` and `channels`, dividing amounts by `scale`.
///
/// # Errors
/// [`LiftTestError::UnknownChannel`], [`LiftTestError::NoWeeks`], and the field checks.
pub(crate) fn place(
    tests: &[LiftTest],
    weeks: &[NaiveDate],
    channels: &[String],
    scale: f64,
) -> Result<Vec<PlacedLiftTest>, LiftTestError> {
    tests
        .iter()
        .enumerate()
        .map(|(i, test)| {
            let line = i as u64 + 1;
            test.check(line)?;
            let channel = channels
                .iter()
                .position(|c| c == &test.channel)
                .ok_or_else(|| LiftTestError::UnknownChannel {
                    line,
                    channel: test.channel.clone(),
                    channels: channels.join(", "),
                })?;
            let inside: Vec<usize> = weeks
                .iter()
                .enumerate()
                .filter(|(_, w)| **w >= test.start && **w <= test.end)
                .map(|(t, _)| t)
                .collect();
            let (Some(&first), Some(&last)) = (inside.first(), inside.last()) else {
                return Err(LiftTestError::NoWeeks {
                    line,
                    start: test.start,
                    end: test.end,
                    first: weeks.first().copied().unwrap_or(test.start),
                    last: weeks.last().copied().unwrap_or(test.end),
                });
            };
            Ok(PlacedLiftTest {
                channel,
                first,
                last,
                lift: test.lift / scale,
                std_error: test.std_error / scale,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_checks_and_writes_back() {
        let text = "Channel, start ,end,lift,spend,std_error\n\
                    paid_search,2023-03-06,2023-04-24,61234.5,48000,6123.45\n\
                    email,2023-05-01,2023-05-29,9000,2500,900\n";
        let tests = read_lift_tests(text.as_bytes()).unwrap();
        assert_eq!(tests.len(), 2);
        assert_eq!(tests[0].channel, "paid_search");
        assert_eq!(tests[1].std_error, 900.0);
        let again = read_lift_tests(write_lift_tests(&tests).as_bytes()).unwrap();
        assert_eq!(again, tests);
    }

    #[test]
    fn errors_name_the_line_and_the_field() {
        let header = "channel,start,end,lift,spend,std_error\n";
        // The bad row is the second test, on line 3.
        let cases = [
            (
                "email,2023-05-01,2023-05-29,9000,2500,0\n",
                "line 3, field `std_error`",
            ),
            (
                "email,2023-05-01,2023-05-29,9000,-1,90\n",
                "line 3, field `spend`",
            ),
            (
                "email,01/05/2023,2023-05-29,9000,2500,90\n",
                "line 3, field `start`",
            ),
            (
                "email,2023-05-01,2023-05-29,lots,2500,90\n",
                "line 3, field `lift`",
            ),
            (
                "email,2023-05-29,2023-05-01,9000,2500,90\n",
                "line 3: the window ends",
            ),
        ];
        for (row, expected) in cases {
            let text = format!("{header}email,2023-01-02,2023-01-30,1,1,1\n{row}");
            let err = read_lift_tests(text.as_bytes()).unwrap_err().to_string();
            assert!(err.contains(expected), "{err} should contain {expected}");
        }
        let err = read_lift_tests("channel,start,end,lift,spend\n".as_bytes()).unwrap_err();
        assert_eq!(err, LiftTestError::MissingColumn("std_error"));
        assert_eq!(
            read_lift_tests(header.as_bytes()),
            Err(LiftTestError::Empty)
        );
    }

    #[test]
    fn placing_finds_the_weeks_and_the_channel() {
        let weeks: Vec<NaiveDate> = (0..10)
            .map(|i| NaiveDate::from_ymd_opt(2024, 1, 1).unwrap() + chrono::Duration::weeks(i))
            .collect();
        let channels = vec!["a".to_string(), "b".to_string()];
        let test = LiftTest {
            channel: "b".into(),
            start: NaiveDate::from_ymd_opt(2024, 1, 3).unwrap(),
            end: NaiveDate::from_ymd_opt(2024, 1, 29).unwrap(),
            lift: 500.0,
            spend: 100.0,
            std_error: 50.0,
        };
        let placed = place(std::slice::from_ref(&test), &weeks, &channels, 10.0).unwrap();
        assert_eq!(
            (placed[0].channel, placed[0].first, placed[0].last),
            (1, 1, 4)
        );
        assert_eq!((placed[0].lift, placed[0].std_error), (50.0, 5.0));
        let unknown = LiftTest {
            channel: "tv".into(),
            ..test.clone()
        };
        let err = place(&[unknown], &weeks, &channels, 1.0)
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("unknown channel `tv`; the channels are: a, b"),
            "{err}"
        );
        let late = LiftTest {
            start: NaiveDate::from_ymd_opt(2025, 1, 1).unwrap(),
            end: NaiveDate::from_ymd_opt(2025, 2, 1).unwrap(),
            ..test
        };
        assert!(matches!(
            place(&[late], &weeks, &channels, 1.0),
            Err(LiftTestError::NoWeeks { line: 1, .. })
        ));
    }
}
