//! Raw daily records of the simulated store, as an e-commerce back office and its ad
//! platforms would export them, and their CSV form.
//!
//! | file | columns | one row per |
//! |---|---|---|
//! | [`CHANNELS_FILE`] | `id,name,kind` | marketing channel |
//! | [`DAILY_SALES_FILE`] | `date,revenue,orders,price_index,discount,holiday,customers,cogs,average_price,promotion` | day |
//! | [`DAILY_SPEND_FILE`] | `date,channel,spend,impressions,clicks,platform_revenue,conversions` (channel = display name) | day × channel |
//!
//! Money is held in integer cents and written with two decimals, the price index in basis
//! points (`10000` = 1.0000) and the discount in whole percent (`25` = 0.25), so that the
//! files round-trip exactly and weekly sums are exact. Counts (orders, customers,
//! impressions, clicks, conversions) are integers; `promotion` is `1` on a day with a
//! site-wide discount, else `0`.

use chrono::NaiveDate;
use thiserror::Error;

/// Why raw records could not be read from, or written to, their CSV files.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum RawError {
    /// A raw CSV is malformed.
    #[error("{file}, line {line}: malformed CSV: {message}")]
    Csv {
        /// The raw file.
        file: &'static str,
        /// 1-based line.
        line: u64,
        /// The CSV reader's message.
        message: String,
    },
    /// A raw CSV has an unexpected header.
    #[error("{file}: header must be `{expected}`, found `{found}`")]
    Header {
        /// The raw file.
        file: &'static str,
        /// The expected header.
        expected: String,
        /// The header found.
        found: String,
    },
    /// A raw field does not parse or is out of range.
    #[error(
        "{file}, line {line}: bad {column} `{value}` (dates are YYYY-MM-DD; money has at most 2 decimals and is >= 0; price_index has at most 4 decimals; counts are whole numbers >= 0; promotion is 0 or 1)"
    )]
    BadField {
        /// The raw file.
        file: &'static str,
        /// 1-based line.
        line: u64,
        /// The column.
        column: &'static str,
        /// The field as written.
        value: String,
    },
    /// Writing an output failed (a bug: writing to memory does not fail).
    #[error("could not write output: {0}")]
    Write(String),
}

/// File name of the channel dimension in a raw directory.
pub const CHANNELS_FILE: &str = "channels.csv";
/// File name of the daily sales records in a raw directory.
pub const DAILY_SALES_FILE: &str = "daily_sales.csv";
/// File name of the daily spend records in a raw directory.
pub const DAILY_SPEND_FILE: &str = "daily_spend.csv";
/// File name of the simulator's ground truth in a raw directory.
pub const TRUTH_FILE: &str = "ground_truth.json";

/// Columns of [`CHANNELS_FILE`], written and expected in this order.
pub const CHANNELS_COLUMNS: [&str; 3] = ["id", "name", "kind"];
/// Columns of [`DAILY_SALES_FILE`], written and expected in this order.
pub const DAILY_SALES_COLUMNS: [&str; 10] = [
    "date",
    "revenue",
    "orders",
    "price_index",
    "discount",
    "holiday",
    "customers",
    "cogs",
    "average_price",
    "promotion",
];
/// Columns of [`DAILY_SPEND_FILE`], written and expected in this order.
pub const DAILY_SPEND_COLUMNS: [&str; 7] = [
    "date",
    "channel",
    "spend",
    "impressions",
    "clicks",
    "platform_revenue",
    "conversions",
];

/// A marketing channel as the business names it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RawChannel {
    /// Stable snake_case id, e.g. `paid_search` (used as column name downstream).
    pub id: String,
    /// Display name, e.g. `Paid Search` (as it appears in [`DailySpend::channel`]).
    pub name: String,
    /// Broad kind: `search`, `owned`, `display`, `social`, `partner`.
    pub kind: String,
}

/// One day of the shop's sales.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DailySales {
    /// The day.
    pub date: NaiveDate,
    /// Net revenue, cents.
    pub revenue_cents: i64,
    /// Orders placed.
    pub orders: u32,
    /// Price index relative to the list price at launch, basis points (10000 = 1.0).
    pub price_index_bp: u32,
    /// Site-wide promotional discount that day, whole percent (0 = no promotion).
    pub discount_pct: u32,
    /// Name of a retail holiday falling on that day (`Black Friday`, `Cyber Monday`,
    /// `Super Saturday`), empty otherwise.
    pub holiday: String,
    /// Distinct customers who ordered that day (≤ [`DailySales::orders`]).
    pub customers: u32,
    /// Cost of the goods sold, cents (< revenue).
    pub cogs_cents: i64,
    /// Average selling price before any discount, cents: price index × list price.
    pub average_price_cents: i64,
    /// 1 on a day with a site-wide discount, else 0.
    pub promotion: u8,
}

/// One day of one channel's spend.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DailySpend {
    /// The day.
    pub date: NaiveDate,
    /// The channel's display name ([`RawChannel::name`]).
    pub channel: String,
    /// Spend, cents (≥ 0).
    pub spend_cents: i64,
    /// Ad impressions (or, for email, messages delivered) the platform reports.
    pub impressions: u64,
    /// Clicks the platform reports (≤ impressions).
    pub clicks: u64,
    /// Revenue the platform attributes to itself, cents (its own attribution, not the truth).
    pub platform_revenue_cents: i64,
    /// Conversions (new customers) the platform attributes to itself.
    pub conversions: u64,
}

/// Everything the back office exports: the channel list, daily sales, daily spend.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct RawStore {
    /// Marketing channels.
    pub channels: Vec<RawChannel>,
    /// One row per day, consecutive.
    pub sales: Vec<DailySales>,
    /// One row per day and channel (days with no row count as zero spend).
    pub spend: Vec<DailySpend>,
}

/// The raw store as CSV texts (what `mixplan simulate` writes and `mixplan prepare` reads).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RawFiles {
    /// [`CHANNELS_FILE`].
    pub channels: String,
    /// [`DAILY_SALES_FILE`].
    pub daily_sales: String,
    /// [`DAILY_SPEND_FILE`].
    pub daily_spend: String,
}

/// Writes `units / 10^decimals` with exactly `decimals` decimals (exact, no float).
pub(crate) fn fixed(units: i64, decimals: u32) -> String {
    let scale = 10i64.pow(decimals);
    let sign = if units < 0 { "-" } else { "" };
    let abs = units.unsigned_abs();
    let (int, frac) = (abs / scale as u64, abs % scale as u64);
    if decimals == 0 {
        format!("{sign}{int}")
    } else {
        format!("{sign}{int}.{frac:0width$}", width = decimals as usize)
    }
}

/// Parses a decimal with at most `decimals` decimals into integer units, exactly.
pub(crate) fn parse_fixed(text: &str, decimals: u32) -> Option<i64> {
    let text = text.trim();
    let (negative, digits) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text),
    };
    let (int, frac) = digits.split_once('.').unwrap_or((digits, ""));
    if int.is_empty()
        || frac.len() > decimals as usize
        || !int.bytes().all(|b| b.is_ascii_digit())
        || !frac.bytes().all(|b| b.is_ascii_digit())
    {
        return None;
    }
    let scale = 10i64.checked_pow(decimals)?;
    let mut value = int.parse::<i64>().ok()?.checked_mul(scale)?;
    if !frac.is_empty() {
        let f: i64 = frac.parse().ok()?;
        value = value.checked_add(f.checked_mul(10i64.pow(decimals - frac.len() as u32))?)?;
    }
    Some(if negative { -value } else { value })
}

fn csv_writer() -> csv::Writer<Vec<u8>> {
    csv::WriterBuilder::new()
        .terminator(csv::Terminator::Any(b'\n'))
        .from_writer(Vec::new())
}

/// Finishes a CSV writer into a string. Writing to memory cannot fail for valid UTF-8
/// fields, so an error here is a bug; it is still reported, not panicked on.
pub(crate) fn csv_rows<I, R>(rows: I) -> Result<String, RawError>
where
    I: IntoIterator<Item = R>,
    R: IntoIterator,
    R::Item: AsRef<[u8]>,
{
    let mut w = csv_writer();
    for row in rows {
        w.write_record(row)
            .map_err(|e| RawError::Write(e.to_string()))?;
    }
    let bytes = w.into_inner().map_err(|e| RawError::Write(e.to_string()))?;
    String::from_utf8(bytes).map_err(|e| RawError::Write(e.to_string()))
}

impl RawStore {
    /// The three CSV texts.
    pub fn to_files(&self) -> Result<RawFiles, RawError> {
        let channels = csv_rows(
            std::iter::once(CHANNELS_COLUMNS.map(String::from).to_vec()).chain(
                self.channels
                    .iter()
                    .map(|c| vec![c.id.clone(), c.name.clone(), c.kind.clone()]),
            ),
        )?;
        let daily_sales = csv_rows(
            std::iter::once(DAILY_SALES_COLUMNS.map(String::from)).chain(self.sales.iter().map(
                |s| {
                    [
                        s.date.to_string(),
                        fixed(s.revenue_cents, 2),
                        s.orders.to_string(),
                        fixed(i64::from(s.price_index_bp), 4),
                        fixed(i64::from(s.discount_pct), 2),
                        s.holiday.clone(),
                        s.customers.to_string(),
                        fixed(s.cogs_cents, 2),
                        fixed(s.average_price_cents, 2),
                        s.promotion.to_string(),
                    ]
                },
            )),
        )?;
        let daily_spend = csv_rows(
            std::iter::once(DAILY_SPEND_COLUMNS.map(String::from)).chain(self.spend.iter().map(
                |s| {
                    [
                        s.date.to_string(),
                        s.channel.clone(),
                        fixed(s.spend_cents, 2),
                        s.impressions.to_string(),
                        s.clicks.to_string(),
                        fixed(s.platform_revenue_cents, 2),
                        s.conversions.to_string(),
                    ]
                },
            )),
        )?;
        Ok(RawFiles {
            channels,
            daily_sales,
            daily_spend,
        })
    }

    /// Parses the three CSV texts. Checks the format of every field (dates, fixed-decimal
    /// numbers, non-negative money); the consistency between files is checked by
    /// [`super::prepare::aggregate_weekly`].
    pub fn from_files(files: &RawFiles) -> Result<Self, RawError> {
        let channels = read_table(CHANNELS_FILE, &files.channels, &CHANNELS_COLUMNS)?
            .into_iter()
            .map(|(_, f)| RawChannel {
                id: f[0].clone(),
                name: f[1].clone(),
                kind: f[2].clone(),
            })
            .collect();
        let file = DAILY_SALES_FILE;
        let mut sales = Vec::new();
        for (line, f) in read_table(file, &files.daily_sales, &DAILY_SALES_COLUMNS)? {
            let discount = field(file, line, "discount", &f[4], |t| parse_fixed(t, 2))?;
            sales.push(DailySales {
                date: field(file, line, "date", &f[0], parse_date)?,
                revenue_cents: non_negative(
                    file,
                    line,
                    "revenue",
                    &f[1],
                    field(file, line, "revenue", &f[1], |t| parse_fixed(t, 2))?,
                )?,
                orders: field(file, line, "orders", &f[2], |t| t.parse().ok())?,
                price_index_bp: field(file, line, "price_index", &f[3], |t| {
                    parse_fixed(t, 4).and_then(|v| u32::try_from(v).ok())
                })?,
                discount_pct: u32::try_from(discount).map_err(|_| RawError::BadField {
                    file,
                    line,
                    column: "discount",
                    value: f[4].clone(),
                })?,
                holiday: f[5].clone(),
                customers: field(file, line, "customers", &f[6], |t| t.parse().ok())?,
                cogs_cents: non_negative(
                    file,
                    line,
                    "cogs",
                    &f[7],
                    field(file, line, "cogs", &f[7], |t| parse_fixed(t, 2))?,
                )?,
                average_price_cents: non_negative(
                    file,
                    line,
                    "average_price",
                    &f[8],
                    field(file, line, "average_price", &f[8], |t| parse_fixed(t, 2))?,
                )?,
                promotion: field(file, line, "promotion", &f[9], |t| {
                    t.parse().ok().filter(|&p: &u8| p <= 1)
                })?,
            });
        }
        let file = DAILY_SPEND_FILE;
        let mut spend = Vec::new();
        for (line, f) in read_table(file, &files.daily_spend, &DAILY_SPEND_COLUMNS)? {
            spend.push(DailySpend {
                date: field(file, line, "date", &f[0], parse_date)?,
                channel: f[1].clone(),
                spend_cents: non_negative(
                    file,
                    line,
                    "spend",
                    &f[2],
                    field(file, line, "spend", &f[2], |t| parse_fixed(t, 2))?,
                )?,
                impressions: field(file, line, "impressions", &f[3], |t| t.parse().ok())?,
                clicks: field(file, line, "clicks", &f[4], |t| t.parse().ok())?,
                platform_revenue_cents: non_negative(
                    file,
                    line,
                    "platform_revenue",
                    &f[5],
                    field(file, line, "platform_revenue", &f[5], |t| parse_fixed(t, 2))?,
                )?,
                conversions: field(file, line, "conversions", &f[6], |t| t.parse().ok())?,
            });
        }
        Ok(Self {
            channels,
            sales,
            spend,
        })
    }
}

fn parse_date(text: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").ok()
}

fn field<T>(
    file: &'static str,
    line: u64,
    column: &'static str,
    text: &str,
    parse: impl Fn(&str) -> Option<T>,
) -> Result<T, RawError> {
    parse(text).ok_or_else(|| RawError::BadField {
        file,
        line,
        column,
        value: text.chars().take(40).collect(),
    })
}

fn non_negative(
    file: &'static str,
    line: u64,
    column: &'static str,
    text: &str,
    value: i64,
) -> Result<i64, RawError> {
    if value < 0 {
        return Err(RawError::BadField {
            file,
            line,
            column,
            value: text.to_string(),
        });
    }
    Ok(value)
}

/// Reads a CSV whose header must be exactly `columns`; returns each row's 1-based line
/// and fields.
fn read_table(
    file: &'static str,
    text: &str,
    columns: &[&'static str],
) -> Result<Vec<(u64, Vec<String>)>, RawError> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .trim(csv::Trim::All)
        .from_reader(text.as_bytes());
    let csv_err = |e: csv::Error| RawError::Csv {
        file,
        line: e.position().map_or(0, csv::Position::line),
        message: e.to_string(),
    };
    let header: Vec<String> = reader
        .headers()
        .map_err(csv_err)?
        .iter()
        .map(str::to_string)
        .collect();
    if header != columns {
        return Err(RawError::Header {
            file,
            expected: columns.join(","),
            found: header.join(","),
        });
    }
    let mut rows = Vec::new();
    for record in reader.records() {
        let record = record.map_err(csv_err)?;
        let line = record.position().map_or(0, csv::Position::line);
        rows.push((line, record.iter().map(str::to_string).collect()));
    }
    Ok(rows)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fixed_point_round_trips() {
        for (units, d, text) in [
            (0, 2, "0.00"),
            (5, 2, "0.05"),
            (123_456, 2, "1234.56"),
            (-7, 2, "-0.07"),
            (10_350, 4, "1.0350"),
            (25, 2, "0.25"),
            (3, 0, "3"),
        ] {
            assert_eq!(fixed(units, d), text);
            assert_eq!(parse_fixed(text, d), Some(units));
        }
        assert_eq!(parse_fixed("1.5", 2), Some(150));
        assert_eq!(parse_fixed("12", 2), Some(1200));
        for bad in [
            "",
            ".5",
            "1.234",
            "1e3",
            "abc",
            "1.2.3",
            "--1",
            "99999999999999999999",
        ] {
            assert_eq!(parse_fixed(bad, 2), None, "{bad}");
        }
    }

    #[test]
    fn files_round_trip() {
        let d = NaiveDate::from_ymd_opt(2024, 11, 29).unwrap();
        let store = RawStore {
            channels: vec![RawChannel {
                id: "paid_search".into(),
                name: "Paid Search, Brand".into(),
                kind: "search".into(),
            }],
            sales: vec![
                DailySales {
                    date: d,
                    revenue_cents: 1_234_567,
                    orders: 150,
                    price_index_bp: 10_350,
                    discount_pct: 30,
                    holiday: "Black Friday".into(),
                    customers: 140,
                    cogs_cents: 600_000,
                    average_price_cents: 4_037,
                    promotion: 1,
                },
                DailySales {
                    date: d.succ_opt().unwrap(),
                    revenue_cents: 0,
                    orders: 0,
                    price_index_bp: 9_999,
                    discount_pct: 0,
                    holiday: String::new(),
                    customers: 0,
                    cogs_cents: 0,
                    average_price_cents: 3_900,
                    promotion: 0,
                },
            ],
            spend: vec![DailySpend {
                date: d,
                channel: "Paid Search, Brand".into(),
                spend_cents: 99,
                impressions: 25,
                clicks: 1,
                platform_revenue_cents: 4_100,
                conversions: 1,
            }],
        };
        let files = store.to_files().unwrap();
        assert!(
            files
                .daily_sales
                .contains("2024-11-29,12345.67,150,1.0350,0.30,Black Friday,140,6000.00,40.37,1\n")
        );
        assert!(
            files
                .daily_sales
                .ends_with("2024-11-30,0.00,0,0.9999,0.00,,0,0.00,39.00,0\n")
        );
        assert!(
            files
                .daily_spend
                .contains("\"Paid Search, Brand\",0.99,25,1,41.00,1\n")
        );
        assert_eq!(RawStore::from_files(&files).unwrap(), store);
    }

    #[test]
    fn bad_fields_are_located() {
        let files = RawFiles {
            channels: "id,name,kind\n".into(),
            daily_sales:
                "date,revenue,orders,price_index,discount,holiday,customers,cogs,average_price,promotion\n\
                 2024-01-01,-1.00,3,1.0,0,,3,0.50,39.00,0\n"
                    .into(),
            daily_spend: "date,channel,spend,impressions,clicks,platform_revenue,conversions\n"
                .into(),
        };
        let err = RawStore::from_files(&files).unwrap_err();
        assert!(
            matches!(
                err,
                RawError::BadField {
                    line: 2,
                    column: "revenue",
                    ..
                }
            ),
            "{err:?}"
        );
        let files = RawFiles {
            daily_sales: "date,revenue\n".into(),
            ..files
        };
        assert!(matches!(
            RawStore::from_files(&files).unwrap_err(),
            RawError::Header { .. }
        ));
    }
}
