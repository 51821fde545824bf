//! The constructed store the mediation tests share (additive and multiplicative forms): the
//! spend of paid search, email and social (fixed, seed 1), their known saturated columns,
//! weekly dates, a price index, and weekly clicks caused by paid search's spend and by
//! social. Each test adds its own revenue equation.

use chrono::{Duration, NaiveDate};
use mixplan_core::data::{Series, WeeklyData};
use mixplan_core::model::Term;
use mixplan_core::transform::{GeometricAdstock, Hill};
use rand_chacha::ChaCha8Rng;
use rand_chacha::rand_core::{Rng, SeedableRng};

/// Weeks of data.
pub const WEEKS: usize = 156;
/// `π_social`: clicks per week at social's saturation.
pub const CLICKS_AT_SATURATION: f64 = 6_000.0;
/// Clicks per dollar of paid search.
pub const CLICKS_PER_DOLLAR: f64 = 0.8;
/// `(decay, K, s)` of paid search, email, social.
pub const TRANSFORMS: [(f64, f64, f64); 3] = [
    (0.15, 5_000.0, 1.0),
    (0.3, 6_000.0, 1.0),
    (0.7, 9_000.0, 1.2),
];
/// The fixed terms the estimate is given.
pub const TERMS: [Term; 3] = [Term::Trend, Term::Sin(1), Term::Cos(1)];

/// A standard normal draw (Box–Muller).
pub fn normal(rng: &mut ChaCha8Rng) -> f64 {
    let u = |rng: &mut ChaCha8Rng| (rng.next_u64() >> 11) as f64 / (1u64 << 53) as f64;
    let (a, b) = (u(rng).max(1e-300), u(rng));
    (-2.0 * a.ln()).sqrt() * (std::f64::consts::TAU * b).cos()
}

/// `hill(adstock(x))` with the channel's known transform.
pub fn saturate(spend: &[f64], (decay, k, s): (f64, f64, f64)) -> Vec<f64> {
    let adstock = GeometricAdstock::new(decay)
        .and_then(|a| a.apply(spend))
        .expect("valid adstock");
    let hill = Hill::new(k, s).expect("valid hill");
    adstock.iter().map(|&a| hill.value(a)).collect()
}

/// Everything but revenue.
pub struct Inputs {
    /// Monday of each week.
    pub weeks: Vec<NaiveDate>,
    /// Spend of paid search, email, social.
    pub spend: [Vec<f64>; 3],
    /// Their true saturated columns `h_{c,t}`.
    pub saturated: Vec<Vec<f64>>,
    /// The yearly phase `2π·days/365.25` of each week.
    pub phase: Vec<f64>,
    /// The price index.
    pub price: Vec<f64>,
    /// Weekly clicks.
    pub clicks: Vec<f64>,
    /// The noise generator, after the clicks' noise (the revenue's noise continues it).
    pub noise: ChaCha8Rng,
}

impl Inputs {
    /// The spend, dates and price, and clicks with noise of standard deviation
    /// `click_noise` from `noise_seed`.
    pub fn new(noise_seed: u64, click_noise: f64) -> Self {
        let mut rng = ChaCha8Rng::seed_from_u64(1);
        let mut spend = |level: f64, off_every: usize| -> Vec<f64> {
            (0..WEEKS)
                .map(|t| {
                    let u = (rng.next_u64() >> 11) as f64 / (1u64 << 53) as f64;
                    if off_every > 0 && (t / 6) % off_every == 0 {
                        0.0
                    } else {
                        level * (0.3 + 1.4 * u)
                    }
                })
                .collect()
        };
        let search = spend(15_000.0, 0);
        let email = spend(5_000.0, 5);
        let social = spend(9_000.0, 4);
        let saturated: Vec<Vec<f64>> = [&search, &email, &social]
            .iter()
            .zip(TRANSFORMS)
            .map(|(x, transform)| saturate(x, transform))
            .collect();
        let start = NaiveDate::from_ymd_opt(2022, 1, 3).expect("date");
        let weeks: Vec<NaiveDate> = (0..WEEKS)
            .map(|t| start + Duration::weeks(t as i64))
            .collect();
        let epoch = NaiveDate::from_ymd_opt(1970, 1, 1).expect("epoch");
        let phase: Vec<f64> = weeks
            .iter()
            .map(|w| std::f64::consts::TAU * (*w - epoch).num_days() as f64 / 365.25)
            .collect();
        let price: Vec<f64> = (0..WEEKS)
            .map(|t| 1.0 + 0.04 * (1.7 * t as f64).sin())
            .collect();
        let mut noise = ChaCha8Rng::seed_from_u64(noise_seed);
        let clicks: Vec<f64> = (0..WEEKS)
            .map(|t| {
                let trend = t as f64 / WEEKS as f64;
                (2_000.0
                    + 500.0 * trend
                    + 300.0 * phase[t].sin()
                    + CLICKS_AT_SATURATION * saturated[2][t]
                    + CLICKS_PER_DOLLAR * search[t]
                    + click_noise * normal(&mut noise))
                .max(0.0)
            })
            .collect();
        Self {
            weeks,
            spend: [search, email, social],
            saturated,
            phase,
            price,
            clicks,
            noise,
        }
    }

    /// The weekly data with `revenue`: the three channels and the price index as a control.
    pub fn data(&self, revenue: Vec<f64>) -> WeeklyData {
        let series = |name: &str, values: &[f64]| Series {
            name: name.into(),
            values: values.to_vec(),
        };
        WeeklyData::new(
            self.weeks.clone(),
            "revenue".into(),
            revenue,
            vec![
                series("paid_search", &self.spend[0]),
                series("email", &self.spend[1]),
                series("social", &self.spend[2]),
            ],
            vec![series("price_index", &self.price)],
        )
        .expect("valid weekly data")
    }
}

/// The simulated store of `data_processed/`: its weekly data, paid search's weekly clicks
/// (from `fact_marketing.csv`) and its truth (`ground_truth.json`).
pub struct Store {
    /// `mmm_data.csv`.
    pub data: WeeklyData,
    /// Paid search's clicks, one per week of `data`.
    pub clicks: Vec<f64>,
    /// `ground_truth.json`.
    pub truth: serde_json::Value,
}

impl Store {
    /// Reads the store's files.
    pub fn read() -> Self {
        use std::collections::HashMap;
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../data_processed");
        let read = |name: &str| std::fs::read_to_string(root.join(name)).expect("store file");
        let truth = serde_json::from_str(&read("ground_truth.json")).expect("truth");
        let data = mixplan_core::data::load_weekly_csv(&read("mmm_data.csv"), &Default::default())
            .expect("store");
        let facts = read("fact_marketing.csv");
        let mut lines = facts.lines();
        let header: Vec<&str> = lines.next().expect("header").split(',').collect();
        let at = |name: &str| header.iter().position(|h| *h == name).expect("column");
        let clicks_by_week: HashMap<String, f64> = lines
            .map(|l| l.split(',').collect::<Vec<_>>())
            .filter(|f| f[at("channel_id")] == "paid_search")
            .map(|f| (f[0].to_string(), f[at("clicks")].parse().expect("clicks")))
            .collect();
        let clicks = data
            .weeks()
            .iter()
            .map(|w| clicks_by_week[&w.format("%Y-%m-%d").to_string()])
            .collect();
        Self {
            data,
            clicks,
            truth,
        }
    }
}
