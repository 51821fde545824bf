//! The shareable link: a plan written into the URL fragment and read back.
//!
//! Format, version 1 (`;`-separated `key=value` pairs after a version tag):
//!
//! ```text
//! #v1;total=48000;paid_search=16777;email=3000.5;display=…;lock=paid_search,social
//! ```
//!
//! * `total`: the weekly total, in `[MIN_TOTAL, MAX_TOTAL]`, read like a typed total.
//! * one `<channel id>=<amount>` per channel (the data's column names), read like a typed
//!   amount: finite, `0 ≤ amount ≤ MAX_TOTAL`, adding up to the total (unless the locks
//!   alone exceed it, as the page allows); at most two decimals are written.
//! * `lock`: the locked channels' ids, comma-separated (absent when none is locked).
//!
//! Later versions add keys (confidence setting, horizon, scenario name) under a new version
//! tag; a link whose tag this build does not know is refused as [`LinkError::UnknownVersion`],
//! never guessed at. The fragment never reaches a server: browsers do not send it.
//!
//! Parsing ([`PlanLink::parse`]) checks the syntax; [`PlanLink::resolve`] checks the link
//! against the channels of the data on the page (a link made with other data is stale).

use thiserror::Error;

use crate::components::budget_panel::{MAX_TOTAL, parse_total};
use crate::format::{currency, parse_money};
use crate::planner::budget::{BALANCE_TOLERANCE, BudgetState};
use crate::planner::scenario::ChannelInfo;

/// The version tag this build writes.
pub const VERSION_TAG: &str = "v1";

/// Why a link's fragment cannot be restored. The page shows the message and keeps its plan.
#[derive(Debug, Clone, PartialEq, Error)]
pub enum LinkError {
    /// The fragment does not start with a version tag.
    #[error("The text is not a mixplan plan.")]
    NotAPlan,
    /// A version this build cannot read (a newer mixplan made the link).
    #[error("The plan is in format \"{0}\", which this version of mixplan cannot read.")]
    UnknownVersion(String),
    /// A `key=value` pair is malformed or repeated.
    #[error("The plan has a damaged part (\"{0}\").")]
    Malformed(String),
    /// The total is missing.
    #[error("The plan has no weekly total.")]
    MissingTotal,
    /// The total is not a weekly budget the planner offers.
    #[error("The plan has a weekly total the planner cannot use ({0}).")]
    BadTotal(String),
    /// A channel amount is not an amount, is negative or above the total.
    #[error("The plan's amount for {channel} is not usable (\"{text}\").")]
    BadAmount {
        /// The channel id.
        channel: String,
        /// What the link says.
        text: String,
    },
    /// The link names a channel the data on the page does not have, or lacks one it has.
    #[error("The plan was made with other data (channel \"{0}\" does not match this data).")]
    Stale(String),
    /// The amounts do not add up to the total.
    #[error(
        "The plan's amounts add up to {}, not its total of {}.",
        currency(*allocated), currency(*total)
    )]
    DoesNotAddUp {
        /// `Σ amounts`.
        allocated: f64,
        /// The link's total.
        total: f64,
    },
}

/// A plan as a link carries it: the total, an amount per channel id, the locked ids.
#[derive(Debug, Clone, PartialEq)]
pub struct PlanLink {
    /// The weekly total.
    pub total: f64,
    /// `(channel id, weekly spend)`, in the order written.
    pub amounts: Vec<(String, f64)>,
    /// Ids of the locked channels.
    pub locked: Vec<String>,
}

/// `value` with at most two decimals and no trailing zeros: `1500`, `1.5`, `12.25`.
fn plain(value: f64) -> String {
    let text = format!("{value:.2}");
    text.trim_end_matches('0').trim_end_matches('.').to_string()
}

/// True when `id` can stand in a fragment as it is: ASCII letters, digits, `_` and `-`.
fn is_plain_id(id: &str) -> bool {
    !id.is_empty()
        && id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
}

impl PlanLink {
    /// The link of a budget for `channels` (in model order).
    pub fn from_budget(budget: &BudgetState, channels: &[ChannelInfo]) -> Self {
        Self {
            total: budget.total(),
            amounts: channels
                .iter()
                .zip(budget.spend())
                .map(|(c, s)| (c.id.clone(), *s))
                .collect(),
            locked: channels
                .iter()
                .zip(budget.locked())
                .filter(|(_, l)| **l)
                .map(|(c, _)| c.id.clone())
                .collect(),
        }
    }

    /// The fragment, without the leading `#`: `v1;total=…;<id>=…;…[;lock=a,b]`. Amounts are
    /// rounded to cents.
    pub fn format(&self) -> String {
        let mut parts = vec![
            VERSION_TAG.to_string(),
            format!("total={}", plain(self.total)),
        ];
        parts.extend(
            self.amounts
                .iter()
                .map(|(id, amount)| format!("{id}={}", plain(*amount))),
        );
        if !self.locked.is_empty() {
            parts.push(format!("lock={}", self.locked.join(",")));
        }
        parts.join(";")
    }

    /// Reads a fragment (with or without the leading `#`). Checks the syntax and every
    /// number; [`PlanLink::resolve`] then checks it against the page's channels.
    pub fn parse(fragment: &str) -> Result<Self, LinkError> {
        let fragment = fragment.strip_prefix('#').unwrap_or(fragment);
        let mut parts = fragment.split(';');
        let tag = parts.next().unwrap_or_default();
        if !tag.starts_with('v') || tag.len() < 2 || !tag[1..].chars().all(|c| c.is_ascii_digit()) {
            return Err(LinkError::NotAPlan);
        }
        if tag != VERSION_TAG {
            return Err(LinkError::UnknownVersion(tag.to_string()));
        }
        let mut total = None;
        let mut amounts: Vec<(String, String)> = Vec::new();
        let mut locked = None;
        for part in parts.filter(|p| !p.is_empty()) {
            let Some((key, value)) = part.split_once('=') else {
                return Err(LinkError::Malformed(part.to_string()));
            };
            let repeated = match key {
                "total" => total.replace(value).is_some(),
                "lock" => locked.replace(value).is_some(),
                id if is_plain_id(id) => {
                    let seen = amounts.iter().any(|(k, _)| k == id);
                    amounts.push((id.to_string(), value.to_string()));
                    seen
                }
                _ => true,
            };
            if repeated {
                return Err(LinkError::Malformed(part.to_string()));
            }
        }
        let total_text = total.ok_or(LinkError::MissingTotal)?;
        let total = parse_total(total_text).map_err(|_| LinkError::BadTotal(total_text.into()))?;
        let amounts = amounts
            .into_iter()
            .map(|(channel, text)| match parse_money(&text) {
                Ok(v) if (0.0..=MAX_TOTAL).contains(&v) => Ok((channel, v)),
                _ => Err(LinkError::BadAmount { channel, text }),
            })
            .collect::<Result<Vec<_>, _>>()?;
        let locked = match locked {
            None | Some("") => Vec::new(),
            Some(list) => list
                .split(',')
                .map(|id| {
                    if is_plain_id(id) {
                        Ok(id.to_string())
                    } else {
                        Err(LinkError::Malformed(format!("lock={list}")))
                    }
                })
                .collect::<Result<Vec<_>, _>>()?,
        };
        Ok(Self {
            total,
            amounts,
            locked,
        })
    }

    /// Checks the link against the page's channels (in model order): one amount per channel,
    /// no other, locks naming known channels, amounts adding up to the total. Returns the
    /// budget it describes.
    pub fn resolve(&self, channels: &[ChannelInfo]) -> Result<BudgetState, LinkError> {
        if let Some((unknown, _)) = self
            .amounts
            .iter()
            .find(|(id, _)| !channels.iter().any(|c| &c.id == id))
        {
            return Err(LinkError::Stale(unknown.clone()));
        }
        if let Some(unknown) = self
            .locked
            .iter()
            .find(|id| !channels.iter().any(|c| &c.id == *id))
        {
            return Err(LinkError::Stale(unknown.clone()));
        }
        let spend = channels
            .iter()
            .map(|c| {
                self.amounts
                    .iter()
                    .find(|(id, _)| id == &c.id)
                    .map(|(_, v)| *v)
                    .ok_or_else(|| LinkError::Stale(c.id.clone()))
            })
            .collect::<Result<Vec<f64>, _>>()?;
        let allocated: f64 = spend.iter().sum();
        let is_locked: Vec<bool> = channels
            .iter()
            .map(|c| self.locked.contains(&c.id))
            .collect();
        let locked_spend: f64 = spend
            .iter()
            .zip(&is_locked)
            .filter(|(_, l)| **l)
            .map(|(s, _)| s)
            .sum();
        // A plan the page itself cannot balance is shared as it is: every channel locked, or
        // the locked ones above the total with the others at zero.
        let explained_imbalance = is_locked.iter().all(|l| *l)
            || (locked_spend >= self.total
                && spend.iter().zip(&is_locked).all(|(s, l)| *l || *s == 0.0));
        // Amounts are written to the cent: allow half a cent of rounding per channel.
        let adds_up =
            (allocated - self.total).abs() <= BALANCE_TOLERANCE * (channels.len() as f64 + 1.0);
        if !adds_up && !explained_imbalance {
            return Err(LinkError::DoesNotAddUp {
                allocated,
                total: self.total,
            });
        }
        let mut budget = BudgetState::from_mix(allocated, &spend);
        budget.apply(&spend);
        for (c, _) in is_locked.iter().enumerate().filter(|(_, l)| **l) {
            budget.set_locked(c, true);
        }
        // The cents lost in rounding go back to the unlocked channels, in proportion.
        // With every channel locked nothing can take them: the total is then their sum.
        let all_locked = is_locked.iter().all(|l| *l);
        if budget.total() != self.total && !(adds_up && all_locked) {
            budget.set_total(self.total);
        }
        Ok(budget)
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;
    use crate::components::budget_panel::MIN_TOTAL;
    use proptest::prelude::*;

    fn channels(ids: &[&str]) -> Vec<ChannelInfo> {
        ids.iter()
            .map(|id| ChannelInfo {
                id: id.to_string(),
                name: id.to_uppercase(),
            })
            .collect()
    }

    #[test]
    fn a_budget_is_written_with_its_total_amounts_and_locks() {
        let mut budget = BudgetState::from_mix(48_000.0, &[1.0, 1.0, 2.0]);
        budget.set_locked(2, true);
        let link = PlanLink::from_budget(&budget, &channels(&["ps", "em", "so"]));
        assert_eq!(
            link.format(),
            "v1;total=48000;ps=12000;em=12000;so=24000;lock=so"
        );
    }

    #[test]
    fn a_link_restores_the_budget_it_was_made_from() {
        let ch = channels(&["paid_search", "email", "social"]);
        let mut budget = BudgetState::from_mix(30_000.0, &[3.0, 1.0, 2.0]);
        budget.set_channel(0, 12_345.67);
        budget.set_locked(1, true);
        let restored = PlanLink::parse(&format!(
            "#{}",
            PlanLink::from_budget(&budget, &ch).format()
        ))
        .unwrap()
        .resolve(&ch)
        .unwrap();
        assert_eq!(restored.locked(), budget.locked());
        assert_eq!(restored.total(), budget.total());
        for (a, b) in restored.spend().iter().zip(budget.spend()) {
            assert!((a - b).abs() <= 0.005, "{a} vs {b}");
        }
        assert!(restored.balance().is_balanced());
    }

    #[test]
    fn unknown_versions_and_junk_are_refused_with_a_message() {
        assert_eq!(PlanLink::parse(""), Err(LinkError::NotAPlan));
        assert_eq!(PlanLink::parse("#section-2"), Err(LinkError::NotAPlan));
        assert_eq!(
            PlanLink::parse("#v2;total=1"),
            Err(LinkError::UnknownVersion("v2".into()))
        );
        assert_eq!(PlanLink::parse("v1;ps=1"), Err(LinkError::MissingTotal));
        assert_eq!(
            PlanLink::parse("v1;total=5;ps=1"),
            Err(LinkError::BadTotal("5".into()))
        );
        assert_eq!(
            PlanLink::parse("v1;total=20000;total=30000"),
            Err(LinkError::Malformed("total=30000".into()))
        );
        assert_eq!(
            PlanLink::parse("v1;total=20000;ps"),
            Err(LinkError::Malformed("ps".into()))
        );
        assert_eq!(
            PlanLink::parse("v1;total=20000;<b>=1"),
            Err(LinkError::Malformed("<b>=1".into()))
        );
        let message = PlanLink::parse("#v9").unwrap_err().to_string();
        assert!(message.contains("cannot read"), "{message}");
    }

    #[test]
    fn amounts_are_validated_like_typed_amounts() {
        for text in ["-5", "abc", "1.500", "NaN", "inf", "100000.01", ""] {
            assert_eq!(
                PlanLink::parse(&format!("v1;total=30000;ps={text}")),
                Err(LinkError::BadAmount {
                    channel: "ps".into(),
                    text: text.into()
                }),
                "{text}"
            );
        }
        assert_eq!(
            PlanLink::parse("v1;total=30000;ps=1,500.25")
                .unwrap()
                .amounts,
            vec![("ps".to_string(), 1_500.25)]
        );
    }

    #[test]
    fn links_from_other_data_or_that_do_not_add_up_are_refused() {
        let ch = channels(&["ps", "em"]);
        let stale = PlanLink::parse("v1;total=20000;ps=10000;tv=10000").unwrap();
        assert_eq!(stale.resolve(&ch), Err(LinkError::Stale("tv".into())));
        let missing = PlanLink::parse("v1;total=20000;ps=20000").unwrap();
        assert_eq!(missing.resolve(&ch), Err(LinkError::Stale("em".into())));
        let lock = PlanLink::parse("v1;total=20000;ps=10000;em=10000;lock=tv").unwrap();
        assert_eq!(lock.resolve(&ch), Err(LinkError::Stale("tv".into())));
        let short = PlanLink::parse("v1;total=20000;ps=10000;em=5000").unwrap();
        assert_eq!(
            short.resolve(&ch),
            Err(LinkError::DoesNotAddUp {
                allocated: 15_000.0,
                total: 20_000.0
            })
        );
    }

    #[test]
    fn a_plan_whose_locks_exceed_the_total_is_restored_as_it_was() {
        let ch = channels(&["ps", "em"]);
        let mut budget = BudgetState::from_mix(20_000.0, &[3.0, 1.0]);
        budget.set_locked(0, true);
        budget.set_total(12_000.0);
        assert!(!budget.balance().is_balanced());
        let text = PlanLink::from_budget(&budget, &ch).format();
        assert_eq!(text, "v1;total=12000;ps=15000;em=0;lock=ps");
        let restored = PlanLink::parse(&text).unwrap().resolve(&ch).unwrap();
        assert_eq!(restored.spend(), budget.spend());
        assert_eq!(restored.total(), 12_000.0);
        assert_eq!(restored.balance(), budget.balance());
    }

    fn cents(value: f64) -> f64 {
        (value * 100.0).round() / 100.0
    }

    proptest! {
        #[test]
        fn format_then_parse_is_the_identity(
            weights in prop::collection::vec(0.0f64..1.0, 1..8),
            total in MIN_TOTAL..MAX_TOTAL,
            locks in prop::collection::vec(any::<bool>(), 8),
        ) {
            let total = cents(total);
            let weight_sum: f64 = weights.iter().sum::<f64>().max(1e-9);
            let amounts: Vec<(String, f64)> = weights
                .iter()
                .enumerate()
                .map(|(i, w)| (format!("ch_{i}"), cents(total * w / weight_sum)))
                .collect();
            let locked: Vec<String> = amounts
                .iter()
                .zip(&locks)
                .filter(|(_, l)| **l)
                .map(|((id, _), _)| id.clone())
                .collect();
            let link = PlanLink { total, amounts, locked };
            let text = link.format();
            let parsed = PlanLink::parse(&text).unwrap();
            prop_assert_eq!(&parsed, &link);
            prop_assert_eq!(parsed.format(), text);
        }

        #[test]
        fn a_budget_survives_the_round_trip(
            mix in prop::collection::vec(0.0f64..10.0, 2..7),
            total in MIN_TOTAL..MAX_TOTAL,
            locks in prop::collection::vec(any::<bool>(), 7),
        ) {
            let ids: Vec<String> = (0..mix.len()).map(|i| format!("c{i}")).collect();
            let ch: Vec<ChannelInfo> = ids.iter().map(|id| ChannelInfo { id: id.clone(), name: id.clone() }).collect();
            let mut budget = BudgetState::from_mix(total, &mix);
            for (c, lock) in locks.iter().take(mix.len()).enumerate() {
                budget.set_locked(c, *lock);
            }
            let restored = PlanLink::parse(&PlanLink::from_budget(&budget, &ch).format())
                .unwrap()
                .resolve(&ch)
                .unwrap();
            prop_assert_eq!(restored.locked(), budget.locked());
            // Each amount and the total are written to the cent; the rounding goes back to
            // the unlocked channels (or, all locked, to the total), so each figure moves by
            // at most half a cent per channel.
            let slack = BALANCE_TOLERANCE * (mix.len() as f64 + 1.0);
            prop_assert!((restored.total() - budget.total()).abs() <= slack);
            for (a, b) in restored.spend().iter().zip(budget.spend()) {
                prop_assert!((a - b).abs() <= slack, "{} vs {}", a, b);
            }
            prop_assert_eq!(restored.balance().is_balanced(), budget.balance().is_balanced());
        }

        #[test]
        fn any_text_parses_or_is_refused_without_panicking(text in ".{0,80}") {
            let _ = PlanLink::parse(&text);
            let _ = PlanLink::parse(&format!("v1;{text}"));
        }
    }
}
