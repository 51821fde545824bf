//! The pipeline: raw daily records ([`RawStore`]) → weekly aggregates → the star schema
//! committed under `data_processed/`.
//!
//! | file | grain | columns |
//! |---|---|---|
//! | `dim_channel.csv` | channel | `id,name,kind` |
//! | `fact_marketing.csv` | week × channel | `week,channel_id,spend,impressions,clicks,platform_revenue,conversions` |
//! | `fact_revenue.csv` | week | `week,revenue,orders,price_index,promotion,holiday,customers,cogs,average_price` |
//! | `fact_marketing_daily.csv` | day × channel | `date,channel_id,spend,impressions,clicks,platform_revenue,conversions` |
//! | `fact_sales_daily.csv` | day | `date,revenue,orders,customers,cogs,average_price,price_index,promotion,holiday` |
//! | `mmm_data.csv` | week | `week,<channel ids…>,price_index,promotion,holiday,revenue` |
//! | `ground_truth.json` | — | the simulator's [`GroundTruth`], checked against the data |
//!
//! # Weekly aggregation
//!
//! Weeks are consecutive 7-day blocks starting on the first day of the sales records (the
//! simulated store starts on a Monday); the records must cover whole weeks. For week `w`
//! with days `d ∈ w`:
//!
//! | weekly value | definition | written as |
//! |---|---|---|
//! | spend of channel `c` | `Σ_d spend_{c,d}` | currency, 2 decimals |
//! | `revenue` | `Σ_d revenue_d` | currency, 2 decimals |
//! | `orders` | `Σ_d orders_d` | integer |
//! | `price_index` | `(1/7) Σ_d price_index_d` | 4 decimals |
//! | `promotion` | `(1/7) Σ_d discount_d`: mean site-wide discount depth, 0 … 1 | 4 decimals |
//! | `holiday` | 1 if a named retail holiday falls in the week, else 0 | `0` / `1` |
//! | `impressions`, `clicks`, `conversions` of channel `c` | `Σ_d` of the day's | integer |
//! | `platform_revenue` of channel `c` | `Σ_d platform_revenue_{c,d}` | currency, 2 decimals |
//! | `customers` | `Σ_d customers_d` | integer |
//! | `cogs` | `Σ_d cogs_d` | currency, 2 decimals |
//! | `average_price` | `(1/7) Σ_d average_price_d` | currency, 2 decimals |
//!
//! The daily tables keep every day (a day × channel grid; a missing spend row is a row of
//! zeros) and are written compactly: trailing zeros of decimals are dropped (`12.5`, `0`,
//! `1.035`), counts are integers, `promotion` is the day's discount depth (`0.25`, `0` on
//! most days) and `holiday` is `0`/`1`.
//!
//! All sums are exact (integer cents, basis points, percent); the two means are rounded
//! half-up to 4 decimals, and the rounded value is the one the ground truth uses.
//!
//! Load `mmm_data.csv` with [`mmm_load_options`] (or default [`LoadOptions`]: the names are
//! chosen so that auto-detection finds the same roles).

use super::raw::{DailySpend, RawChannel, RawError, RawStore, csv_rows, fixed};
use super::truth::GroundTruth;
use super::{DataError, LoadOptions, MIN_WEEKS, Series, WeeklyData};
use chrono::{Days, NaiveDate};
use std::collections::{BTreeMap, HashMap};
use thiserror::Error;

/// Name of the weekly price-index control.
pub const PRICE_INDEX: &str = "price_index";
/// Name of the weekly promotion-intensity control.
pub const PROMOTION: &str = "promotion";
/// Name of the weekly holiday indicator control.
pub const HOLIDAY: &str = "holiday";
/// The controls of `mmm_data.csv`, in column order.
pub const CONTROLS: [&str; 3] = [PRICE_INDEX, PROMOTION, HOLIDAY];

/// Why raw records could not be turned into the star schema.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum PrepareError {
    /// A raw file is malformed, or writing an output table failed.
    #[error(transparent)]
    Raw(#[from] RawError),
    /// No daily sales records.
    #[error("no daily sales records: nothing to aggregate")]
    NoDays,
    /// Daily sales records are not one per day, in order.
    #[error(
        "daily sales: {date} follows {previous}; there must be exactly one row per day, in date order, with no gaps"
    )]
    DaysNotConsecutive {
        /// Previous row's date.
        previous: NaiveDate,
        /// This row's date.
        date: NaiveDate,
    },
    /// The records do not cover whole weeks.
    #[error(
        "daily sales cover {days} days, which is not a whole number of weeks; trim the records to whole 7-day weeks"
    )]
    PartialWeek {
        /// Number of days.
        days: usize,
    },
    /// Too few weeks to model.
    #[error("only {found} whole weeks of records; at least {minimum} are needed")]
    TooFewWeeks {
        /// Weeks found.
        found: usize,
        /// [`MIN_WEEKS`].
        minimum: usize,
    },
    /// A channel id is not snake_case, or an id or name repeats.
    #[error(
        "channel `{id}` ({name}): ids must be unique snake_case (a-z, 0-9, _) and names unique"
    )]
    BadChannel {
        /// The id.
        id: String,
        /// The name.
        name: String,
    },
    /// No channels.
    #[error("no channels in the channel list")]
    NoChannels,
    /// A spend row names a channel not in the channel list.
    #[error("daily spend on {date}: unknown channel `{channel}`; add it to channels.csv")]
    UnknownChannel {
        /// The day.
        date: NaiveDate,
        /// The channel name.
        channel: String,
    },
    /// A spend row is outside the days covered by sales.
    #[error("daily spend on {date} for `{channel}` is outside the sales records' date range")]
    SpendOutsideRange {
        /// The day.
        date: NaiveDate,
        /// The channel name.
        channel: String,
    },
    /// Two spend rows for the same day and channel.
    #[error("daily spend: two rows for `{channel}` on {date}; sum them into one")]
    DuplicateSpend {
        /// The day.
        date: NaiveDate,
        /// The channel name.
        channel: String,
    },
    /// Weekly sums overflow.
    #[error("weekly sums overflow: values are unrealistically large")]
    Overflow,
    /// The ground truth does not describe these records.
    #[error(
        "ground_truth.json does not match the raw records: {0}; regenerate both with `mixplan simulate`"
    )]
    TruthMismatch(String),
    /// The ground truth JSON does not parse.
    #[error("ground_truth.json: {0}")]
    Json(#[from] serde_json::Error),
}

/// The raw records aggregated to weeks. Money in cents, means in units of 1e-4.
#[derive(Debug, Clone, PartialEq)]
pub struct WeeklyAggregate {
    /// First day of each week.
    pub weeks: Vec<NaiveDate>,
    /// The channels, in the order of the channel list.
    pub channels: Vec<RawChannel>,
    /// `spend_cents[c][w]`.
    pub spend_cents: Vec<Vec<i64>>,
    /// Weekly revenue, cents.
    pub revenue_cents: Vec<i64>,
    /// Weekly orders.
    pub orders: Vec<u64>,
    /// Weekly mean price index, units of 1e-4.
    pub price_index_e4: Vec<i64>,
    /// Weekly mean discount depth, units of 1e-4.
    pub promotion_e4: Vec<i64>,
    /// 1 if a named holiday falls in the week.
    pub holiday: Vec<u8>,
    /// `impressions[c][w]`: platform-reported impressions.
    pub impressions: Vec<Vec<u64>>,
    /// `clicks[c][w]`: platform-reported clicks.
    pub clicks: Vec<Vec<u64>>,
    /// `platform_revenue_cents[c][w]`: platform-attributed revenue, cents.
    pub platform_revenue_cents: Vec<Vec<i64>>,
    /// `conversions[c][w]`: platform-reported conversions.
    pub conversions: Vec<Vec<u64>>,
    /// Weekly distinct customers (sum of the days').
    pub customers: Vec<u64>,
    /// Weekly cost of goods, cents.
    pub cogs_cents: Vec<i64>,
    /// Weekly mean of the daily average price, cents.
    pub average_price_cents: Vec<i64>,
}

impl WeeklyAggregate {
    /// Channel `c`'s weekly spend in currency.
    pub fn spend(&self, c: usize) -> Vec<f64> {
        self.spend_cents
            .get(c)
            .map(|s| s.iter().map(|&v| v as f64 / 100.0).collect())
            .unwrap_or_default()
    }

    /// Weekly revenue in currency.
    pub fn revenue(&self) -> Vec<f64> {
        self.revenue_cents
            .iter()
            .map(|&v| v as f64 / 100.0)
            .collect()
    }

    /// The controls as series named [`PRICE_INDEX`], [`PROMOTION`], [`HOLIDAY`].
    pub fn controls(&self) -> Vec<Series> {
        let e4 = |v: &[i64]| v.iter().map(|&x| x as f64 / 1e4).collect();
        vec![
            Series {
                name: PRICE_INDEX.into(),
                values: e4(&self.price_index_e4),
            },
            Series {
                name: PROMOTION.into(),
                values: e4(&self.promotion_e4),
            },
            Series {
                name: HOLIDAY.into(),
                values: self.holiday.iter().map(|&h| f64::from(h)).collect(),
            },
        ]
    }

    /// The weekly matrix exactly as `mmm_data.csv` loads (channels named by id).
    ///
    /// # Errors
    /// A [`DataError`] if the aggregates break an invariant of [`WeeklyData`] (no channel,
    /// negative spend).
    pub fn to_weekly_data(&self) -> Result<WeeklyData, DataError> {
        WeeklyData::new(
            self.weeks.clone(),
            "revenue".into(),
            self.revenue(),
            self.channels
                .iter()
                .enumerate()
                .map(|(c, ch)| Series {
                    name: ch.id.clone(),
                    values: self.spend(c),
                })
                .collect(),
            self.controls(),
        )
    }
}

fn is_snake_case(id: &str) -> bool {
    !id.is_empty()
        && id
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
        && id.as_bytes()[0].is_ascii_lowercase()
}

/// `round(num / den)` half-up for non-negative integers.
fn div_round(num: i64, den: i64) -> i64 {
    (2 * num + den) / (2 * den)
}

/// Aggregates raw daily records to weeks (see the [module docs](self) for the rules),
/// checking their consistency: one sales row per consecutive day, whole weeks, at least
/// [`MIN_WEEKS`] weeks, unique snake_case channel ids, spend rows only for known channels
/// inside the date range and at most one per day and channel (a missing row is zero spend).
pub fn aggregate_weekly(raw: &RawStore) -> Result<WeeklyAggregate, PrepareError> {
    if raw.channels.is_empty() {
        return Err(PrepareError::NoChannels);
    }
    for (i, c) in raw.channels.iter().enumerate() {
        let repeated = raw.channels[..i]
            .iter()
            .any(|o| o.id == c.id || o.name == c.name);
        if !is_snake_case(&c.id) || c.name.trim().is_empty() || repeated {
            return Err(PrepareError::BadChannel {
                id: c.id.clone(),
                name: c.name.clone(),
            });
        }
    }
    let first = raw.sales.first().ok_or(PrepareError::NoDays)?.date;
    for pair in raw.sales.windows(2) {
        if pair[0].date.succ_opt() != Some(pair[1].date) {
            return Err(PrepareError::DaysNotConsecutive {
                previous: pair[0].date,
                date: pair[1].date,
            });
        }
    }
    let days = raw.sales.len();
    if !days.is_multiple_of(7) {
        return Err(PrepareError::PartialWeek { days });
    }
    let n = days / 7;
    if n < MIN_WEEKS {
        return Err(PrepareError::TooFewWeeks {
            found: n,
            minimum: MIN_WEEKS,
        });
    }
    let weeks: Vec<NaiveDate> = (0..n).map(|w| first + Days::new(7 * w as u64)).collect();

    let mut revenue_cents = vec![0i64; n];
    let mut orders = vec![0u64; n];
    let mut price_bp = vec![0i64; n];
    let mut discount = vec![0i64; n];
    let mut holiday = vec![0u8; n];
    let mut customers = vec![0u64; n];
    let mut cogs_cents = vec![0i64; n];
    let mut average_price = vec![0i64; n];
    for (d, s) in raw.sales.iter().enumerate() {
        let w = d / 7;
        customers[w] += u64::from(s.customers);
        cogs_cents[w] = cogs_cents[w]
            .checked_add(s.cogs_cents)
            .ok_or(PrepareError::Overflow)?;
        average_price[w] = average_price[w]
            .checked_add(s.average_price_cents)
            .ok_or(PrepareError::Overflow)?;
        revenue_cents[w] = revenue_cents[w]
            .checked_add(s.revenue_cents)
            .ok_or(PrepareError::Overflow)?;
        orders[w] += u64::from(s.orders);
        price_bp[w] += i64::from(s.price_index_bp);
        discount[w] += i64::from(s.discount_pct);
        if !s.holiday.trim().is_empty() {
            holiday[w] = 1;
        }
    }

    let index: HashMap<&str, usize> = raw
        .channels
        .iter()
        .enumerate()
        .map(|(i, c)| (c.name.as_str(), i))
        .collect();
    let mut spend_cents = vec![vec![0i64; n]; raw.channels.len()];
    let mut impressions = vec![vec![0u64; n]; raw.channels.len()];
    let mut clicks = vec![vec![0u64; n]; raw.channels.len()];
    let mut platform_revenue_cents = vec![vec![0i64; n]; raw.channels.len()];
    let mut conversions = vec![vec![0u64; n]; raw.channels.len()];
    let mut seen: HashMap<(usize, NaiveDate), ()> = HashMap::new();
    for s in &raw.spend {
        let c = *index
            .get(s.channel.as_str())
            .ok_or_else(|| PrepareError::UnknownChannel {
                date: s.date,
                channel: s.channel.clone(),
            })?;
        let d = (s.date - first).num_days();
        if d < 0 || d as usize >= days {
            return Err(PrepareError::SpendOutsideRange {
                date: s.date,
                channel: s.channel.clone(),
            });
        }
        if seen.insert((c, s.date), ()).is_some() {
            return Err(PrepareError::DuplicateSpend {
                date: s.date,
                channel: s.channel.clone(),
            });
        }
        let w = d as usize / 7;
        spend_cents[c][w] = spend_cents[c][w]
            .checked_add(s.spend_cents)
            .ok_or(PrepareError::Overflow)?;
        platform_revenue_cents[c][w] = platform_revenue_cents[c][w]
            .checked_add(s.platform_revenue_cents)
            .ok_or(PrepareError::Overflow)?;
        let add = |total: &mut u64, v: u64| -> Result<(), PrepareError> {
            *total = total.checked_add(v).ok_or(PrepareError::Overflow)?;
            Ok(())
        };
        add(&mut impressions[c][w], s.impressions)?;
        add(&mut clicks[c][w], s.clicks)?;
        add(&mut conversions[c][w], s.conversions)?;
    }

    Ok(WeeklyAggregate {
        weeks,
        channels: raw.channels.clone(),
        spend_cents,
        revenue_cents,
        orders,
        // Mean over 7 days of basis points is already in units of 1e-4.
        price_index_e4: price_bp.iter().map(|&v| div_round(v, 7)).collect(),
        // Mean of whole percent, in units of 1e-4: Σ pct · 100 / 7.
        promotion_e4: discount.iter().map(|&v| div_round(v * 100, 7)).collect(),
        holiday,
        impressions,
        clicks,
        platform_revenue_cents,
        conversions,
        customers,
        cogs_cents,
        average_price_cents: average_price.iter().map(|&v| div_round(v, 7)).collect(),
    })
}

/// The five output files' contents.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StarSchema {
    /// `dim_channel.csv`.
    pub dim_channel: String,
    /// `fact_marketing.csv`.
    pub fact_marketing: String,
    /// `fact_revenue.csv`.
    pub fact_revenue: String,
    /// `fact_marketing_daily.csv`.
    pub fact_marketing_daily: String,
    /// `fact_sales_daily.csv`.
    pub fact_sales_daily: String,
    /// `mmm_data.csv`.
    pub mmm_data: String,
    /// `ground_truth.json`.
    pub ground_truth: String,
}

/// The columns of the marketing facts after their date column: one row per channel and
/// week (`fact_marketing.csv`) or day (`fact_marketing_daily.csv`).
const MARKETING_FACT_COLUMNS: [&str; 6] = [
    "channel_id",
    "spend",
    "impressions",
    "clicks",
    "platform_revenue",
    "conversions",
];

/// `date_column` followed by [`MARKETING_FACT_COLUMNS`].
const fn marketing_fact_columns(date_column: &'static str) -> [&'static str; 7] {
    let c = MARKETING_FACT_COLUMNS;
    [date_column, c[0], c[1], c[2], c[3], c[4], c[5]]
}

/// Columns of `fact_marketing.csv` (weekly).
pub const FACT_MARKETING_COLUMNS: [&str; 7] = marketing_fact_columns("week");
/// Columns of `fact_revenue.csv` (weekly).
pub const FACT_REVENUE_COLUMNS: [&str; 9] = [
    "week",
    "revenue",
    "orders",
    PRICE_INDEX,
    PROMOTION,
    HOLIDAY,
    "customers",
    "cogs",
    "average_price",
];
/// Columns of `fact_marketing_daily.csv`.
pub const FACT_MARKETING_DAILY_COLUMNS: [&str; 7] = marketing_fact_columns("date");
/// Columns of `fact_sales_daily.csv`.
pub const FACT_SALES_DAILY_COLUMNS: [&str; 9] = [
    "date",
    "revenue",
    "orders",
    "customers",
    "cogs",
    "average_price",
    PRICE_INDEX,
    PROMOTION,
    HOLIDAY,
];

impl StarSchema {
    /// `(file name, contents)` for each output, in a fixed order.
    pub fn files(&self) -> [(&'static str, &str); 7] {
        [
            ("dim_channel.csv", &self.dim_channel),
            ("fact_marketing.csv", &self.fact_marketing),
            ("fact_revenue.csv", &self.fact_revenue),
            ("fact_marketing_daily.csv", &self.fact_marketing_daily),
            ("fact_sales_daily.csv", &self.fact_sales_daily),
            ("mmm_data.csv", &self.mmm_data),
            ("ground_truth.json", &self.ground_truth),
        ]
    }
}

/// `units / 10^decimals` without needless decimals: `fixed` with trailing zeros (and a
/// trailing point) dropped, e.g. `1250, 2` → `12.5`, `0, 2` → `0`, `10350, 4` → `1.035`.
fn compact(units: i64, decimals: u32) -> String {
    let text = fixed(units, decimals);
    if text.contains('.') {
        text.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        text
    }
}

/// The [`LoadOptions`] that load `mmm_data.csv` produced from these channels: date
/// `week`, target `revenue`, the channel ids in order, controls [`CONTROLS`].
pub fn mmm_load_options<S: AsRef<str>>(channel_ids: &[S]) -> LoadOptions {
    LoadOptions::new()
        .date_column("week")
        .target("revenue")
        .channels(channel_ids.iter().map(|s| s.as_ref().to_string()))
        .controls(CONTROLS)
}

/// Raw records + their ground truth → the star schema. The truth must describe these
/// records: same weeks, channels and weekly revenue, and weekly contributions that the
/// truth's own parameters reproduce from the aggregated spend (to within a cent).
pub fn prepare(raw: &RawStore, truth: &GroundTruth) -> Result<StarSchema, PrepareError> {
    let agg = &aggregate_weekly(raw)?;
    check_truth(agg, truth)?;
    let n = agg.weeks.len();

    let dim_channel = csv_rows(
        std::iter::once(["id", "name", "kind"].map(String::from)).chain(
            agg.channels
                .iter()
                .map(|c| [c.id.clone(), c.name.clone(), c.kind.clone()]),
        ),
    )?;
    let fact_marketing = csv_rows(
        std::iter::once(FACT_MARKETING_COLUMNS.map(String::from)).chain((0..n).flat_map(|w| {
            agg.channels.iter().enumerate().map(move |(c, ch)| {
                [
                    agg.weeks[w].to_string(),
                    ch.id.clone(),
                    fixed(agg.spend_cents[c][w], 2),
                    agg.impressions[c][w].to_string(),
                    agg.clicks[c][w].to_string(),
                    fixed(agg.platform_revenue_cents[c][w], 2),
                    agg.conversions[c][w].to_string(),
                ]
            })
        })),
    )?;
    let control_cells = |w: usize| {
        [
            fixed(agg.price_index_e4[w], 4),
            fixed(agg.promotion_e4[w], 4),
            agg.holiday[w].to_string(),
        ]
    };
    let fact_revenue = csv_rows(
        std::iter::once(FACT_REVENUE_COLUMNS.map(String::from).to_vec()).chain((0..n).map(|w| {
            let mut row = vec![
                agg.weeks[w].to_string(),
                fixed(agg.revenue_cents[w], 2),
                agg.orders[w].to_string(),
            ];
            row.extend(control_cells(w));
            row.extend([
                agg.customers[w].to_string(),
                fixed(agg.cogs_cents[w], 2),
                fixed(agg.average_price_cents[w], 2),
            ]);
            row
        })),
    )?;
    let (fact_marketing_daily, fact_sales_daily) = daily_facts(raw, agg)?;
    let mut header = vec!["week".to_string()];
    header.extend(agg.channels.iter().map(|c| c.id.clone()));
    header.extend(CONTROLS.iter().map(|c| c.to_string()));
    header.push("revenue".into());
    let mmm_data = csv_rows(std::iter::once(header).chain((0..n).map(|w| {
        let mut row = vec![agg.weeks[w].to_string()];
        row.extend(agg.spend_cents.iter().map(|s| fixed(s[w], 2)));
        row.extend(control_cells(w));
        row.push(fixed(agg.revenue_cents[w], 2));
        row
    })))?;
    let mut ground_truth = serde_json::to_string_pretty(truth)?;
    ground_truth.push('\n');
    Ok(StarSchema {
        dim_channel,
        fact_marketing,
        fact_revenue,
        fact_marketing_daily,
        fact_sales_daily,
        mmm_data,
        ground_truth,
    })
}

/// The star schema's two daily tables alone, `(fact_marketing_daily.csv,
/// fact_sales_daily.csv)`, exactly as [`prepare`] writes them, without the ground truth:
/// the app's on-demand worker regenerates the store's tables with this from
/// `simulate(seed 42)` rather than downloading them.
///
/// # Errors
/// The checks of [`aggregate_weekly`] on the records.
pub fn daily_tables(raw: &RawStore) -> Result<(String, String), PrepareError> {
    let agg = aggregate_weekly(raw)?;
    daily_facts(raw, &agg)
}

/// `fact_marketing_daily.csv` (every day × channel, channels in list order) and
/// `fact_sales_daily.csv`, compact (see the [module docs](self)). The records were checked
/// by [`aggregate_weekly`].
fn daily_facts(raw: &RawStore, agg: &WeeklyAggregate) -> Result<(String, String), PrepareError> {
    let first = agg.weeks[0];
    let days = raw.sales.len();
    let index: HashMap<&str, usize> = raw
        .channels
        .iter()
        .enumerate()
        .map(|(i, c)| (c.name.as_str(), i))
        .collect();
    let mut grid: Vec<Vec<Option<&DailySpend>>> = vec![vec![None; agg.channels.len()]; days];
    for s in &raw.spend {
        let d = (s.date - first).num_days();
        if let (Some(&c), Ok(d)) = (index.get(s.channel.as_str()), usize::try_from(d))
            && d < days
        {
            grid[d][c] = Some(s);
        }
    }
    let marketing = csv_rows(
        std::iter::once(FACT_MARKETING_DAILY_COLUMNS.map(String::from)).chain(
            raw.sales.iter().zip(&grid).flat_map(|(day, row)| {
                agg.channels.iter().zip(row).map(move |(ch, s)| {
                    let (spend, impressions, clicks, platform, conversions) =
                        s.map_or((0, 0, 0, 0, 0), |s| {
                            (
                                s.spend_cents,
                                s.impressions,
                                s.clicks,
                                s.platform_revenue_cents,
                                s.conversions,
                            )
                        });
                    [
                        day.date.to_string(),
                        ch.id.clone(),
                        compact(spend, 2),
                        impressions.to_string(),
                        clicks.to_string(),
                        compact(platform, 2),
                        conversions.to_string(),
                    ]
                })
            }),
        ),
    )?;
    let sales = csv_rows(
        std::iter::once(FACT_SALES_DAILY_COLUMNS.map(String::from)).chain(raw.sales.iter().map(
            |s| {
                [
                    s.date.to_string(),
                    compact(s.revenue_cents, 2),
                    s.orders.to_string(),
                    s.customers.to_string(),
                    compact(s.cogs_cents, 2),
                    compact(s.average_price_cents, 2),
                    compact(i64::from(s.price_index_bp), 4),
                    compact(i64::from(s.discount_pct), 2),
                    u8::from(!s.holiday.trim().is_empty()).to_string(),
                ]
            },
        )),
    )?;
    Ok((marketing, sales))
}

fn check_truth(agg: &WeeklyAggregate, truth: &GroundTruth) -> Result<(), PrepareError> {
    let mismatch = |what: String| Err(PrepareError::TruthMismatch(what));
    if truth.weekly.len() != agg.weeks.len() || truth.first_week != agg.weeks[0] {
        return mismatch(format!(
            "it covers {} weeks from {}, the records {} weeks from {}",
            truth.weekly.len(),
            truth.first_week,
            agg.weeks.len(),
            agg.weeks[0]
        ));
    }
    let ids: Vec<&str> = agg.channels.iter().map(|c| c.id.as_str()).collect();
    let truth_ids: Vec<&str> = truth.channels.iter().map(|c| c.id.as_str()).collect();
    if ids != truth_ids {
        return mismatch(format!("channels {truth_ids:?} vs {ids:?}"));
    }
    let spend: Vec<Vec<f64>> = (0..ids.len()).map(|c| agg.spend(c)).collect();
    let contributions = truth
        .contributions(&spend)
        .map_err(|e| PrepareError::TruthMismatch(e.to_string()))?;
    for (w, week) in truth.weekly.iter().enumerate() {
        if week.week != agg.weeks[w] {
            return mismatch(format!(
                "week {} is {} in the truth",
                agg.weeks[w], week.week
            ));
        }
        if (week.revenue * 100.0).round() as i64 != agg.revenue_cents[w] {
            return mismatch(format!(
                "revenue in week {}: {} vs {}",
                week.week,
                week.revenue,
                fixed(agg.revenue_cents[w], 2)
            ));
        }
        let recomputed: BTreeMap<&str, f64> = ids
            .iter()
            .enumerate()
            .map(|(c, id)| (*id, contributions[c][w]))
            .collect();
        for (id, value) in &week.contributions {
            let expected = recomputed.get(id.as_str()).copied().unwrap_or(f64::NAN);
            let close = (value - expected).abs() <= 0.01;
            if !close {
                return mismatch(format!(
                    "{id} contribution in week {}: {value} vs {expected} recomputed",
                    week.week
                ));
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::compact;

    #[test]
    fn compact_drops_needless_decimals() {
        for (units, decimals, text) in [
            (0, 2, "0"),
            (1_250, 2, "12.5"),
            (1_205, 2, "12.05"),
            (1_200, 2, "12"),
            (10_350, 4, "1.035"),
            (10_000, 4, "1"),
            (25, 2, "0.25"),
            (-150, 2, "-1.5"),
            (7, 0, "7"),
        ] {
            assert_eq!(compact(units, decimals), text);
        }
    }
}
