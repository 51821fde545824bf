//! The simulated store's daily records split across regions, as one CSV of
//! `date,region,<channel>_spend…,price_index,revenue` rows: a large daily, multi-row file
//! to test loading and weekly aggregation on (`mixplan simulate --daily-regions N`).
//!
//! Each day's spend and revenue (in cents) are split across the regions in proportion to
//! weights `1, 2, …, N`, rounding down, the last region taking the remainder, so the regions
//! of a day sum exactly to the day. Every region's row carries the day's price index.
//! Summed over regions and weeks, the file gives back the weekly spend and revenue of
//! [`super::prepare::aggregate_weekly`], to the cent.

use super::raw::{RawStore, fixed};
use chrono::NaiveDate;
use std::collections::HashMap;
use std::fmt::Write as _;

/// Splits `cents` across `regions` regions by weights `1..=regions`.
fn split(cents: i64, regions: usize) -> impl Iterator<Item = i64> {
    let total_weight = (regions * (regions + 1) / 2) as i64;
    let mut given = 0i64;
    (1..=regions).map(move |r| {
        let share = if r == regions {
            cents - given
        } else {
            cents * r as i64 / total_weight
        };
        given += share;
        share
    })
}

/// Name of region `r` (0-based): `R001`, `R002`, ….
pub fn region_name(r: usize) -> String {
    format!("R{:03}", r + 1)
}

/// The CSV described in the [module docs](self); `regions` is at least 1 (0 is read as 1).
/// Spend rows of unknown channels are left out.
pub fn daily_regions_csv(raw: &RawStore, regions: usize) -> String {
    let regions = regions.max(1);
    let channel_of: HashMap<&str, usize> = raw
        .channels
        .iter()
        .enumerate()
        .map(|(i, c)| (c.name.as_str(), i))
        .collect();
    let mut spend: HashMap<NaiveDate, Vec<i64>> = HashMap::new();
    for s in &raw.spend {
        if let Some(&c) = channel_of.get(s.channel.as_str()) {
            spend
                .entry(s.date)
                .or_insert_with(|| vec![0; raw.channels.len()])[c] += s.spend_cents;
        }
    }
    let mut out = String::from("date,region,");
    for c in &raw.channels {
        out += &format!("{}_spend,", c.id);
    }
    out += "price_index,revenue\n";
    let zeros = vec![0i64; raw.channels.len()];
    for day in &raw.sales {
        let day_spend = spend.get(&day.date).unwrap_or(&zeros);
        let mut shares: Vec<Vec<i64>> = day_spend
            .iter()
            .map(|&v| split(v, regions).collect())
            .collect();
        shares.push(split(day.revenue_cents, regions).collect());
        let price = fixed(i64::from(day.price_index_bp), 4);
        for r in 0..regions {
            let _ = write!(out, "{},{},", day.date, region_name(r));
            for channel in shares.iter().take(raw.channels.len()) {
                let _ = write!(out, "{},", fixed(channel[r], 2));
            }
            let revenue = shares.last().map_or(0, |s| s[r]);
            let _ = writeln!(out, "{price},{}", fixed(revenue, 2));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_sum_to_the_whole() {
        for (cents, regions) in [(0, 3), (1, 3), (100, 1), (12_345, 7), (999_999, 80)] {
            let parts: Vec<i64> = split(cents, regions).collect();
            assert_eq!(parts.len(), regions);
            assert_eq!(parts.iter().sum::<i64>(), cents);
            assert!(parts.iter().all(|&p| p >= 0));
        }
    }
}
