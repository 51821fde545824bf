//! How the simulated store plans its spend and controls (the flighting described in the
//! [parent module's docs](super)): the retail calendar, seeded random streams, weekly
//! budgets per channel with their pauses, regimes and bursts, their spread over days, and
//! the daily price index and discount. The calendar, the random streams and the flighting
//! building blocks are shared with the benchmark worlds ([`crate::data::worlds`]), whose
//! shared budget factor and spend season the store uses in turn.

use crate::data::truth::BaseTruth;
use crate::data::worlds::{shared_budget_factor, spend_season};
use chrono::{Datelike, Days, NaiveDate, Weekday};
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rand_distr::StandardNormal;

/// Total weekly spend is kept within these bounds by scaling all channels.
const MIN_TOTAL_SPEND: f64 = 10_500.0;
const MAX_TOTAL_SPEND: f64 = 97_000.0;
/// Spend growth per year.
const GROWTH_PER_YEAR: f64 = 0.06;
/// Loading `λ_c` of each channel (paid search, email, display, social, affiliate) on the
/// shared budget factor `g_w` (the worlds' range is 0.4–1.3): paid media moves most with
/// the overall budget, owned and partner channels less.
pub(in crate::data) const COMMON_LOADING: [f64; 5] = [1.3, 0.8, 1.3, 1.3, 1.0];
/// Sensitivity `φ_c` of each channel's spend to the spend season (the worlds' range is
/// 0–1; the store's earlier retail-calendar sensitivities, with 0.4 for email).
pub(in crate::data) const SEASON_SENSITIVITY: [f64; 5] = [0.6, 0.4, 0.5, 0.7, 0.4];
/// `α`: how much of a channel's week-to-week variation is its own. The own flighting
/// enters as `(own/mean own)^α`, so pauses stay at zero while its bursts and dips shrink
/// towards the shared plan. Chosen (with the loadings above) so that the largest pairwise
/// correlation of weekly spend is about 0.6, the issue's figure for real plans, measured on
/// the spend alone before any model was fitted (0.53 on seed 42; `α = 1` gave 0.34).
pub(in crate::data) const OWN_FLIGHTING_EXPONENT: f64 = 0.4;

/// `x` rounded to `decimals` decimals.
pub(super) fn round_to(x: f64, decimals: i32) -> f64 {
    let scale = 10f64.powi(decimals);
    (x * scale).round() / scale
}

pub(in crate::data) fn rng_for(seed: u64, stream: u64) -> ChaCha8Rng {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    rng.set_stream(stream);
    rng
}

pub(in crate::data) fn normal(rng: &mut ChaCha8Rng) -> f64 {
    rng.sample(StandardNormal)
}

/// `exp(sd · N(0, 1))`: a lognormal multiplier with median 1.
pub(in crate::data) fn lognormal(rng: &mut ChaCha8Rng, sd: f64) -> f64 {
    (sd * normal(rng)).exp()
}

/// Black Friday (the day after the fourth Thursday of November) of `year`.
fn black_friday(year: i32) -> Option<NaiveDate> {
    NaiveDate::from_weekday_of_month_opt(year, 11, Weekday::Thu, 4).and_then(|d| d.succ_opt())
}

/// The last Saturday before Christmas.
fn super_saturday(year: i32) -> Option<NaiveDate> {
    let christmas = NaiveDate::from_ymd_opt(year, 12, 25)?;
    let back = (christmas.weekday().num_days_from_sunday() + 1) as u64;
    christmas.checked_sub_days(Days::new(back))
}

/// The retail holiday on `date`, if any.
pub(in crate::data) fn holiday_name(date: NaiveDate) -> &'static str {
    let bf = black_friday(date.year());
    if Some(date) == bf {
        "Black Friday"
    } else if bf.and_then(|d| d.checked_add_days(Days::new(3))) == Some(date) {
        "Cyber Monday"
    } else if Some(date) == super_saturday(date.year()) {
        "Super Saturday"
    } else {
        ""
    }
}

/// Budget multiplier of the shared retail calendar, by day of year of the week's middle:
/// January dip, October ramp, Black-Friday peak, December.
pub(in crate::data) fn season_budget(mid_week: NaiveDate) -> f64 {
    let d = f64::from(mid_week.ordinal());
    if d < 15.0 {
        0.8
    } else if d < 274.0 {
        1.0
    } else if d < 318.0 {
        1.0 + 0.5 * (d - 274.0) / 44.0
    } else if d < 340.0 {
        1.7
    } else if d < 357.0 {
        1.3
    } else {
        0.8
    }
}

/// Piecewise-constant lognormal budget levels held `min..=max` weeks.
pub(in crate::data) fn regimes(
    rng: &mut ChaCha8Rng,
    weeks: usize,
    sigma: f64,
    min: usize,
    max: usize,
) -> Vec<f64> {
    let mut out = Vec::with_capacity(weeks);
    while out.len() < weeks {
        let len = rng.random_range(min..=max);
        let level = (sigma * normal(rng)).exp().clamp(0.35, 2.5);
        out.extend(std::iter::repeat_n(level, len));
    }
    out.truncate(weeks);
    out
}

/// Splits `total` cents over days in proportion to `weights` exactly (largest remainder,
/// ties to the earlier day). Zero weights get zero; all-zero weights give all zeros.
pub(super) fn apportion(total: i64, weights: &[f64]) -> Vec<i64> {
    let sum: f64 = weights.iter().sum();
    if total <= 0 || sum.is_nan() || sum <= 0.0 {
        return vec![0; weights.len()];
    }
    let exact: Vec<f64> = weights.iter().map(|w| total as f64 * w / sum).collect();
    let mut out: Vec<i64> = exact.iter().map(|e| e.floor() as i64).collect();
    let mut left = total - out.iter().sum::<i64>();
    let mut order: Vec<usize> = (0..weights.len()).filter(|&i| weights[i] > 0.0).collect();
    order.sort_by(|&a, &b| {
        let fa = exact[a] - exact[a].floor();
        let fb = exact[b] - exact[b].floor();
        fb.total_cmp(&fa).then(a.cmp(&b))
    });
    let mut i = 0;
    while left > 0 && !order.is_empty() {
        out[order[i % order.len()]] += 1;
        left -= 1;
        i += 1;
    }
    out
}

/// Planned weekly budgets (currency) and day weights for each channel.
pub(super) struct Plan {
    /// `weekly[c][w]`: channel `c`'s budget in week `w`, currency.
    pub(super) weekly: Vec<Vec<f64>>,
    /// `day_weights[c][w]`: how that budget is spread over the week's 7 days.
    pub(super) day_weights: Vec<Vec<[f64; 7]>>,
}

/// Weeks between planned pauses: each channel pauses once every half-year.
const PAUSE_PERIOD: usize = 26;

/// Planned pauses: for each channel, one per [`PAUSE_PERIOD`] weeks, at a uniformly random
/// week of the period, never overlapping or touching another channel's pause (so that no
/// two channels go dark together). `lengths[c]` is channel `c`'s range of pause lengths in
/// weeks (`(0, 0)` for none). Longer pauses are placed first; a pause that finds no free
/// window in 100 draws is skipped.
pub(in crate::data) fn planned_pauses(
    rng: &mut ChaCha8Rng,
    n: usize,
    lengths: &[(usize, usize)],
) -> Vec<Vec<(usize, usize)>> {
    let mut out = vec![Vec::new(); lengths.len()];
    let mut taken = vec![false; n];
    let mut order: Vec<usize> = (0..lengths.len()).collect();
    order.sort_by_key(|&c| std::cmp::Reverse(lengths[c].1));
    for period in (0..n).step_by(PAUSE_PERIOD) {
        let end = (period + PAUSE_PERIOD).min(n);
        for &c in &order {
            let (lo, hi) = lengths[c];
            let len = rng.random_range(lo..=hi);
            if len == 0 || end < period + len {
                continue;
            }
            for _ in 0..100 {
                let start = rng.random_range(period..=end - len);
                let before = start.saturating_sub(1);
                let after = (start + len + 1).min(n);
                if !taken[before..after].iter().any(|&t| t) {
                    taken[start..start + len].iter_mut().for_each(|t| *t = true);
                    out[c].push((start, len));
                    break;
                }
            }
        }
    }
    out
}

/// Length in weeks of a flighted channel's next flight (2–6 weeks, uniform) or of the
/// break after it (1–4 weeks).
pub(in crate::data) fn flight_weeks(rng: &mut ChaCha8Rng, on: bool) -> usize {
    if on {
        rng.random_range(2..=6)
    } else {
        rng.random_range(1..=4)
    }
}

/// Launch bursts of a channel that runs in waves: a week outside a burst starts one with
/// probability 0.06; a burst lasts 2–4 weeks at a multiplier drawn from U(1.6, 2.4).
#[derive(Debug)]
pub(in crate::data) struct LaunchBursts {
    weeks_left: i32,
    multiplier: f64,
}

impl LaunchBursts {
    /// No burst running.
    pub(in crate::data) fn new() -> Self {
        Self {
            weeks_left: 0,
            multiplier: 1.0,
        }
    }

    /// This week's multiplier: the burst's while one runs, 1 otherwise.
    pub(in crate::data) fn next_week(&mut self, rng: &mut ChaCha8Rng) -> f64 {
        if self.weeks_left == 0 && rng.random_bool(0.06) {
            self.weeks_left = rng.random_range(2..=4);
            self.multiplier = rng.random_range(1.6..2.4);
        }
        if self.weeks_left > 0 {
            self.weeks_left -= 1;
            self.multiplier
        } else {
            1.0
        }
    }
}

/// A wave channel's multiplier for one week: between waves (a planned pause) only a little
/// retargeting stays on, ×U(0, 0.1); otherwise 1.
pub(in crate::data) fn between_waves(rng: &mut ChaCha8Rng, paused: bool) -> f64 {
    if paused {
        rng.random_range(0.0..0.1)
    } else {
        1.0
    }
}

pub(in crate::data) fn in_pause(pauses: &[(usize, usize)], w: usize) -> bool {
    pauses.iter().any(|&(s, len)| (s..s + len).contains(&w))
}

/// Weekly budgets of the five channels: each channel's own flighting (below) times its
/// shared-plan multiplier ([`shared_plan`]), then the total kept in range.
pub(super) fn plan_spend(seed: u64, weeks: &[NaiveDate], base: &BaseTruth) -> Plan {
    let n = weeks.len();
    let calendar: Vec<f64> = weeks
        .iter()
        .map(|w| season_budget(*w + Days::new(3)))
        .collect();
    let growth = |w: usize| 1.0 + GROWTH_PER_YEAR * w as f64 / 52.0;
    let flat_weights = |rng: &mut ChaCha8Rng, sd: f64| -> [f64; 7] {
        std::array::from_fn(|_| (sd * normal(rng)).exp())
    };
    let mut weekly = vec![vec![0.0; n]; 5];
    let mut day_weights = vec![vec![[0.0; 7]; n]; 5];

    // Planned pauses, twice a year per channel and never two channels at once: a Paid
    // Search geo hold-out test (2–3 weeks), an Email send freeze (2–3 weeks: list clean-up,
    // deliverability fix), none for Display (it is flighted anyway), a Social break of 8–12
    // weeks between waves (only retargeting stays on) and an Affiliate programme pause (2–4
    // weeks: renegotiation), after which commissions ramp back up.
    let pauses = planned_pauses(
        &mut rng_for(seed, 15),
        n,
        &[(2, 3), (2, 3), (0, 0), (8, 12), (2, 4)],
    );

    // Paid Search: always on; bid/budget regimes of 3–8 weeks; weekly pacing noise;
    // budget-cap weeks (×0.05–0.4); the hold-out tests.
    let mut rng = rng_for(seed, 10);
    let levels = regimes(&mut rng, n, 0.4, 3, 8);
    let search_dow = [1.06, 1.04, 1.0, 0.98, 0.94, 0.96, 1.02];
    for w in 0..n {
        let cap = if rng.random_bool(0.1) {
            rng.random_range(0.05..0.4)
        } else {
            1.0
        };
        let pacing = lognormal(&mut rng, 0.2);
        weekly[0][w] = if in_pause(&pauses[0], w) {
            0.0
        } else {
            15_500.0 * levels[w] * growth(w) * pacing * cap
        };
        let noise = flat_weights(&mut rng, 0.07);
        day_weights[0][w] = std::array::from_fn(|d| search_dow[d] * noise[d]);
    }

    // Email: 0–4 sends a week to list segments of varying size (about $1,000 each,
    // lognormal), on fixed send days; an extra send in the Q4 peak; now and then a big
    // campaign send ($3k–$9k) to the whole list; the send freezes.
    let mut rng = rng_for(seed, 11);
    let send_days = [1, 3, 5, 0, 2]; // Tue, Thu, Sat, Mon, Wed (offsets from week start)
    for w in 0..n {
        let u: f64 = rng.random();
        let mut sends = if u < 0.2 {
            0
        } else if u < 0.4 {
            1
        } else if u < 0.65 {
            2
        } else if u < 0.85 {
            3
        } else {
            4
        };
        if calendar[w] > 1.2 {
            sends += 1;
        }
        let mut weights = [0.0; 7];
        for &day in send_days.iter().take(sends) {
            weights[day] = 1_000.0 * lognormal(&mut rng, 0.6) * growth(w);
        }
        if rng.random_bool(0.15) {
            let day = send_days[rng.random_range(0..send_days.len())];
            weights[day] += rng.random_range(3_000.0..9_000.0) * growth(w);
        }
        if in_pause(&pauses[1], w) {
            weights = [0.0; 7];
        }
        weekly[1][w] = weights.iter().sum();
        day_weights[1][w] = weights;
    }

    // Display: flights on for 2–6 weeks at a level of their own, off for 1–4; weekly
    // delivery noise.
    let mut rng = rng_for(seed, 12);
    let mut w = 0;
    let mut on = rng.random_bool(0.5);
    while w < n {
        let len = flight_weeks(&mut rng, on);
        let level = 17_000.0 * lognormal(&mut rng, 0.55);
        let end = (w + len).min(n);
        for (v, x) in weekly[2].iter_mut().enumerate().take(end).skip(w) {
            let delivery = lognormal(&mut rng, 0.15);
            if on {
                *x = level * growth(v) * delivery;
            }
        }
        w += len;
        on = !on;
    }
    for weights in &mut day_weights[2] {
        *weights = flat_weights(&mut rng, 0.1);
    }

    // Social: runs in waves, with budget regimes of 3–8 weeks, weekly pacing noise and
    // bursts of ×1.6–2.4 for 2–4 weeks (launches); between waves (the planned breaks) only a
    // little retargeting stays on (×0–0.1).
    let mut rng = rng_for(seed, 13);
    let levels = regimes(&mut rng, n, 0.45, 3, 8);
    let mut bursts = LaunchBursts::new();
    for w in 0..n {
        let event = bursts.next_week(&mut rng);
        let dark = between_waves(&mut rng, in_pause(&pauses[3], w));
        let pacing = lognormal(&mut rng, 0.2);
        weekly[3][w] = 7_000.0 * levels[w] * growth(w) * pacing * event * dark;
        day_weights[3][w] = flat_weights(&mut rng, 0.1);
    }

    // Affiliate: commissions on partner-driven sales, noisy week to week, with partner
    // campaigns (a cashback or coupon partner's push: +$6k–$18k for 1–2 weeks), short
    // unplanned pauses (1–2 weeks: tracking outages) and the planned programme pauses, after
    // which commissions ramp back over 2–4 weeks.
    let mut rng = rng_for(seed, 14);
    let levels = regimes(&mut rng, n, 0.25, 3, 6);
    let mut campaign_left = 0;
    let mut campaign = 0.0;
    let mut outage_left = 0;
    let mut ramp_len = 0;
    let mut ramp_at = 0;
    for w in 0..n {
        let paused = in_pause(&pauses[4], w);
        if paused {
            ramp_len = rng.random_range(2..=4);
            ramp_at = 0;
            campaign_left = 0;
        } else if campaign_left == 0 && outage_left == 0 && ramp_at >= ramp_len {
            if rng.random_bool(0.09) {
                campaign_left = rng.random_range(1..=2);
                campaign = rng.random_range(6_000.0..18_000.0);
            } else if rng.random_bool(0.02) {
                outage_left = rng.random_range(1..=2);
            }
        }
        let commissions = 7_000.0 * levels[w] * lognormal(&mut rng, 0.35);
        let spend = if paused {
            0.0
        } else if outage_left > 0 {
            outage_left -= 1;
            0.0
        } else if ramp_at < ramp_len {
            ramp_at += 1;
            commissions * ramp_at as f64 / (ramp_len + 1) as f64
        } else if campaign_left > 0 {
            campaign_left -= 1;
            commissions + campaign
        } else {
            commissions
        };
        weekly[4][w] = spend * growth(w);
        day_weights[4][w] = flat_weights(&mut rng, 0.1);
    }

    // The shared plan: the overall budget and the season move every channel.
    for (own, multiplier) in weekly.iter_mut().zip(shared_plan(seed, weeks, base)) {
        *own = with_shared_plan(own, &multiplier);
    }

    // Keep the total weekly budget in range.
    for w in 0..n {
        let total: f64 = weekly.iter().map(|c| c[w]).sum();
        let scale = if total < MIN_TOTAL_SPEND && total > 0.0 {
            MIN_TOTAL_SPEND / total
        } else if total > MAX_TOTAL_SPEND {
            MAX_TOTAL_SPEND / total
        } else {
            1.0
        };
        for c in &mut weekly {
            c[w] *= scale;
        }
    }
    Plan {
        weekly,
        day_weights,
    }
}

/// A channel's weekly budget from its own flighting `own` and its shared-plan multiplier:
///
/// ```text
/// x_w = k · m · (own_w / m)^α · multiplier_w,    m = mean_w(own_w),   α = OWN_FLIGHTING_EXPONENT
/// ```
///
/// with `k` such that `mean_w(x_w) = m`: the channel keeps its planned mean spend.
fn with_shared_plan(own: &[f64], multiplier: &[f64]) -> Vec<f64> {
    let mean_of = |v: &[f64]| v.iter().sum::<f64>() / v.len().max(1) as f64;
    let m = mean_of(own);
    if m <= 0.0 {
        return vec![0.0; own.len()];
    }
    let x: Vec<f64> = own
        .iter()
        .zip(multiplier)
        .map(|(o, u)| m * (o / m).powf(OWN_FLIGHTING_EXPONENT) * u)
        .collect();
    let k = m / mean_of(&x);
    x.iter().map(|v| v * k).collect()
}

/// Each channel's multiplier from the shared plan, normalised to mean 1 over the data:
///
/// ```text
/// u_{c,w} = g_w^{λ_c} · (1 + φ_c · (season_w − 1)),     multiplier_{c,w} = u_{c,w} / mean_w(u_{c,w})
/// ```
///
/// with the worlds' shared budget factor `g_w` ([`shared_budget_factor`], its own random
/// stream 16), their spend season `season_w` ([`spend_season`]: the retail calendar times
/// the base revenue's seasonal shape), loadings [`COMMON_LOADING`] and sensitivities
/// [`SEASON_SENSITIVITY`]. This is what makes the channels move together and with the
/// baseline's season, as real plans do; the normalisation keeps each channel's mean spend
/// at its own plan's.
pub(in crate::data) fn shared_plan(
    seed: u64,
    weeks: &[NaiveDate],
    base: &BaseTruth,
) -> Vec<Vec<f64>> {
    let season = spend_season(weeks, base);
    let common = shared_budget_factor(&mut rng_for(seed, 16), weeks.len());
    COMMON_LOADING
        .iter()
        .zip(SEASON_SENSITIVITY)
        .map(|(&loading, sensitivity)| {
            let u: Vec<f64> = common
                .iter()
                .zip(&season)
                .map(|(g, s)| g.powf(loading) * (1.0 + sensitivity * (s - 1.0)))
                .collect();
            let mean = u.iter().sum::<f64>() / u.len().max(1) as f64;
            if mean > 0.0 {
                u.iter().map(|v| v / mean).collect()
            } else {
                vec![1.0; u.len()]
            }
        })
        .collect()
}

/// Daily price index (basis points) and site-wide discount (percent).
pub(in crate::data) fn daily_controls(seed: u64, days: &[NaiveDate]) -> (Vec<u32>, Vec<u32>) {
    let mut rng = rng_for(seed, 20);
    let mut price = Vec::with_capacity(days.len());
    let mut bp: f64 = 10_000.0;
    let mut since_change = 0;
    for _ in days {
        since_change += 1;
        if since_change > 21 && rng.random_bool(1.0 / 21.0) {
            // Repricing around list price (competitor moves, markdowns, cost pass-through):
            // a new level within ±6 %, independent of the last, so the index has no drift.
            bp = 10_000.0 * (1.0 + rng.random_range(-0.06..0.06));
            since_change = 0;
        }
        price.push(bp.round() as u32);
    }

    let mut rng = rng_for(seed, 21);
    let mut discount = vec![0u32; days.len()];
    // Black Friday sale: Friday to Cyber Monday at 30 %.
    for (i, d) in days.iter().enumerate() {
        if holiday_name(*d) == "Black Friday" {
            for v in discount.iter_mut().skip(i).take(4) {
                *v = 30;
            }
        }
    }
    let mut next = rng.random_range(14..42);
    while next < days.len() {
        let len = rng.random_range(2..=5);
        let depth = [10, 15, 20, 25][rng.random_range(0..4)];
        let clashes = (next..(next + len).min(days.len())).any(|i| {
            let d = days[i];
            discount[i] > 0 || (d.month() == 11 && d.day() >= 15) || d.month() == 12
        });
        if !clashes {
            for v in discount.iter_mut().skip(next).take(len) {
                *v = depth;
            }
        }
        next += len + rng.random_range(28..57);
    }
    (price, discount)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn apportion_is_exact() {
        assert_eq!(apportion(10, &[1.0, 1.0, 1.0]), vec![4, 3, 3]);
        assert_eq!(apportion(7, &[0.0, 2.0, 0.0, 1.0]), vec![0, 5, 0, 2]);
        assert_eq!(apportion(5, &[0.0, 0.0]), vec![0, 0]);
        assert_eq!(apportion(0, &[1.0]), vec![0]);
        let w = [1.04, 1.0, 0.98, 0.97, 0.96, 0.95, 1.1];
        for total in [1, 99, 1_234_567, 987_654_321] {
            assert_eq!(apportion(total, &w).iter().sum::<i64>(), total);
        }
    }

    #[test]
    fn retail_calendar() {
        assert_eq!(black_friday(2024), NaiveDate::from_ymd_opt(2024, 11, 29));
        assert_eq!(black_friday(2022), NaiveDate::from_ymd_opt(2022, 11, 25));
        assert_eq!(super_saturday(2024), NaiveDate::from_ymd_opt(2024, 12, 21));
        // Christmas 2021 is a Saturday: Super Saturday is the week before.
        assert_eq!(super_saturday(2021), NaiveDate::from_ymd_opt(2021, 12, 18));
        let d = |m, day| NaiveDate::from_ymd_opt(2023, m, day).unwrap();
        assert_eq!(holiday_name(d(11, 24)), "Black Friday");
        assert_eq!(holiday_name(d(11, 27)), "Cyber Monday");
        assert_eq!(holiday_name(d(12, 23)), "Super Saturday");
        assert_eq!(holiday_name(d(12, 25)), "");
    }
}
