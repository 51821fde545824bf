//! The shareable link: a plan and the page's settings written into the URL fragment and
//! read back. Everything that writes a link (the page's fragment, the JS API's
//! `getPlan().link`) writes version 2; version 1 is still read.
//!
//! Format, version 2 ([`PageLink`]: `;`-separated `key=value` pairs after a version tag):
//!
//! ```text
//! #v2;total=48000;ch.paid_search=16777;ch.email=3000.5;…;lock=email;confidence=0.8;weeks=13;budget=624000;scenario=Q3%20push
//! ```
//!
//! * `total`: the weekly total, read like a typed total: an amount above 0, and (checked by
//!   [`PlanLink::resolve`]) in the planner's [`BudgetRange`] for the data on the page.
//! * one `ch.<channel id>=<amount>` per channel (the data's column names), read like a typed
//!   amount: finite, `0 ≤ amount ≤` the range's top, adding up to the total (unless the
//!   locks alone exceed it, as the page allows); at most two decimals are written. The `ch.`
//!   prefix keeps channel ids apart from the other keys (a data column may well be called
//!   `budget`).
//! * `lock`: the locked channels' ids, comma-separated (absent when none is locked).
//! * `confidence`: the recommendation's confidence setting, in `[MIN_CONFIDENCE,
//!   MAX_CONFIDENCE]`.
//! * `weeks`, `budget`: the "Planning ahead" horizon, 1–52 weeks and a total budget ≥ 0,
//!   read like the typed fields (absent while a field does not hold a valid value).
//! * `scenario`: the name of the saved scenario being viewed, percent-encoded (UTF-8,
//!   everything but `A–Z a–z 0–9 - _ . ~` escaped), checked like a typed name.
//! * `carryover`: the model's carryover form (`weibull-cdf`, `weibull-pdf`; `geometric`
//!   is read too). The page writes it only for a Weibull form, so a link without it —
//!   every link made before the choice existed — means geometric carryover.
//! * `form`: the model's form (`multiplicative`; `additive` is read too). Written only for
//!   the multiplicative form, so a link without it means the additive form.
//!
//! Version 1 (read only, the plan without settings, channel ids without a prefix):
//!
//! ```text
//! #v1;total=48000;paid_search=16777;email=3000.5;display=…;lock=paid_search,social
//! ```
//!
//! Keys this build does not know are ignored (a later mixplan may add some); a known key
//! with a bad value refuses the whole link with a message, and the page keeps its defaults.
//! A tag this build does not know is refused as [`LinkError::UnknownVersion`], never
//! guessed at. The fragment never reaches a server: browsers do not send it. Version 1
//! links still open (their settings are the defaults).
//!
//! Parsing ([`PageLink::parse`]) checks the syntax; [`PlanLink::resolve`] checks the plan
//! against the channels and the budget range of the data on the page (a link made with
//! other data is stale).

use mixplan_core::model::ModelForm;
use mixplan_core::transform::CarryoverForm;
use thiserror::Error;

use crate::format::{currency, parse_money};
use crate::planner::budget::{BALANCE_TOLERANCE, BudgetRange, BudgetState};
use crate::planner::horizon::parse_weeks;
use crate::planner::recommendation::{MAX_CONFIDENCE, MIN_CONFIDENCE};
use crate::planner::scenario::ChannelInfo;
use crate::planner::scenario_store::checked_name;

/// The tag of the plan-only format of earlier builds (still read, no longer written).
pub const VERSION_TAG: &str = "v1";
/// The tag of the plan-and-settings format every link is written in ([`PageLink::format`]).
pub const PAGE_VERSION_TAG: &str = "v2";
/// Prefix of a channel's amount key in version 2.
pub const CHANNEL_PREFIX: &str = "ch.";

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
    /// The total is not an amount above 0.
    #[error("The plan has a weekly total the planner cannot use ({0}).")]
    BadTotal(String),
    /// The total is outside the weekly totals the planner offers for the data on the page.
    #[error(
        "The plan's weekly total of {} is outside what the planner offers for this data ({} to {}).",
        currency(*total), currency(*min), currency(*max)
    )]
    TotalOutOfRange {
        /// The link's total.
        total: f64,
        /// The smallest total offered.
        min: f64,
        /// The largest total offered.
        max: f64,
    },
    /// A channel amount is not an amount, is negative, or is above the top of the budget
    /// range.
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
    /// The confidence setting is not a number in the control's range.
    #[error(
        "The link's confidence setting (\"{0}\") is not a number from {min} to {max}.",
        min = MIN_CONFIDENCE,
        max = MAX_CONFIDENCE
    )]
    BadConfidence(String),
    /// The horizon's weeks are not a plan period the page offers.
    #[error("The link's plan period is not usable: {0}")]
    BadWeeks(String),
    /// The horizon's budget is not an amount of $0 or more.
    #[error("The link's budget for the plan period (\"{0}\") is not an amount of $0 or more.")]
    BadHorizonBudget(String),
    /// The scenario name is not valid percent-encoded UTF-8 or not a usable name.
    #[error("The link's scenario name is not usable (\"{0}\").")]
    BadScenarioName(String),
    /// The carryover form is not one the page offers.
    #[error(
        "The link's carryover form (\"{0}\") is not one of geometric, weibull-cdf, weibull-pdf."
    )]
    BadCarryover(String),
    /// The model form is not one the page offers.
    #[error("The link's model form (\"{0}\") is not one of additive, multiplicative.")]
    BadForm(String),
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

    /// Reads a fragment of either version (with or without the leading `#`), keeping the
    /// plan only. Checks the syntax and every number; [`PlanLink::resolve`] then checks it
    /// against the page's channels.
    pub fn parse(fragment: &str) -> Result<Self, LinkError> {
        PageLink::parse(fragment).map(|link| link.plan)
    }

    /// Version 1's `key=value` parts (after the tag, already unescaped).
    fn parse_v1<'a>(parts: impl Iterator<Item = &'a str>) -> Result<Self, LinkError> {
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
        Self::checked(total, amounts, locked)
    }

    /// Checks the raw values of a plan's keys.
    fn checked(
        total: Option<&str>,
        amounts: Vec<(String, String)>,
        locked: Option<&str>,
    ) -> Result<Self, LinkError> {
        let total_text = total.ok_or(LinkError::MissingTotal)?;
        let total = parse_money(total_text)
            .ok()
            .filter(|v| *v > 0.0)
            .ok_or_else(|| LinkError::BadTotal(total_text.into()))?;
        let amounts = amounts
            .into_iter()
            .map(|(channel, text)| match parse_money(&text) {
                Ok(v) if v >= 0.0 => Ok((channel, v)),
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

    /// Checks the link against the page's channels (in model order) and budget range: one
    /// amount per channel, no other, locks naming known channels, the total in `range`, no
    /// amount above its top, amounts adding up to the total. Returns the budget it describes.
    pub fn resolve(
        &self,
        channels: &[ChannelInfo],
        range: &BudgetRange,
    ) -> Result<BudgetState, LinkError> {
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
        if !range.contains(self.total) {
            return Err(LinkError::TotalOutOfRange {
                total: self.total,
                min: range.min(),
                max: range.max(),
            });
        }
        if let Some((channel, amount)) = self.amounts.iter().find(|(_, v)| *v > range.max()) {
            return Err(LinkError::BadAmount {
                channel: channel.clone(),
                text: plain(*amount),
            });
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

/// The page's settings a version 2 link carries besides the plan; `None` where the link
/// has no value (the page's default is used).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct LinkSettings {
    /// The recommendation's confidence setting.
    pub confidence: Option<f64>,
    /// The horizon's plan period, weeks.
    pub horizon_weeks: Option<usize>,
    /// The horizon's total budget.
    pub horizon_budget: Option<f64>,
    /// The name of the saved scenario being viewed.
    pub scenario: Option<String>,
    /// The model's carryover form (`None`: geometric, the default).
    pub carryover: Option<CarryoverForm>,
    /// The model's form (`None`: additive, the default).
    pub form: Option<ModelForm>,
}

/// A version 2 link: the plan and the page's settings.
#[derive(Debug, Clone, PartialEq)]
pub struct PageLink {
    /// The plan.
    pub plan: PlanLink,
    /// Confidence, horizon and the scenario being viewed.
    pub settings: LinkSettings,
}

/// `text` percent-encoded: every byte of its UTF-8 but `A–Z a–z 0–9 - _ . ~` as `%XX`.
pub fn escape(text: &str) -> String {
    text.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
                char::from(b).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

/// `text` with every `%XX` decoded; `None` when a `%` is not followed by two hex digits or
/// the bytes are not UTF-8 (as `decodeURIComponent` refuses them).
pub fn unescape(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = std::str::from_utf8(bytes.get(i + 1..i + 3)?).ok()?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

impl PageLink {
    /// The link of a plan with the default settings.
    pub fn plan_only(plan: PlanLink) -> Self {
        Self {
            plan,
            settings: LinkSettings::default(),
        }
    }

    /// The fragment, without the leading `#`:
    /// `v2;total=…;ch.<id>=…;…[;lock=a,b][;confidence=…][;weeks=…][;budget=…][;scenario=…][;carryover=…]`.
    pub fn format(&self) -> String {
        let plan = &self.plan;
        let mut parts = vec![
            PAGE_VERSION_TAG.to_string(),
            format!("total={}", plain(plan.total)),
        ];
        parts.extend(
            plan.amounts
                .iter()
                .map(|(id, amount)| format!("{CHANNEL_PREFIX}{id}={}", plain(*amount))),
        );
        if !plan.locked.is_empty() {
            parts.push(format!("lock={}", plan.locked.join(",")));
        }
        let settings = &self.settings;
        if let Some(confidence) = settings.confidence {
            parts.push(format!("confidence={}", plain(confidence)));
        }
        if let Some(weeks) = settings.horizon_weeks {
            parts.push(format!("weeks={weeks}"));
        }
        if let Some(budget) = settings.horizon_budget {
            parts.push(format!("budget={}", plain(budget)));
        }
        if let Some(name) = &settings.scenario {
            parts.push(format!("scenario={}", escape(name)));
        }
        if let Some(form) = settings.carryover {
            parts.push(format!("carryover={}", form.name()));
        }
        if let Some(form) = settings.form {
            parts.push(format!("form={form}"));
        }
        parts.join(";")
    }

    /// Reads a fragment of version 1 or 2 (with or without the leading `#`). Version 1 is
    /// unescaped as a whole, as browsers escape a typed fragment; version 2 value by value,
    /// so that an escaped `;` in a scenario name stays in the name.
    pub fn parse(fragment: &str) -> Result<Self, LinkError> {
        let fragment = fragment.strip_prefix('#').unwrap_or(fragment);
        let tag = fragment.split(';').next().unwrap_or_default();
        if !tag.starts_with('v') || tag.len() < 2 || !tag[1..].chars().all(|c| c.is_ascii_digit()) {
            return Err(LinkError::NotAPlan);
        }
        match tag {
            VERSION_TAG => {
                let text = unescape(fragment).unwrap_or_else(|| fragment.to_string());
                Ok(Self {
                    plan: PlanLink::parse_v1(text.split(';').skip(1))?,
                    settings: LinkSettings::default(),
                })
            }
            PAGE_VERSION_TAG => Self::parse_v2(fragment.split(';').skip(1)),
            _ => Err(LinkError::UnknownVersion(tag.to_string())),
        }
    }

    fn parse_v2<'a>(parts: impl Iterator<Item = &'a str>) -> Result<Self, LinkError> {
        let mut values: [Option<String>; 8] = Default::default();
        const KEYS: [&str; 8] = [
            "total",
            "lock",
            "confidence",
            "weeks",
            "budget",
            "scenario",
            "carryover",
            "form",
        ];
        let mut amounts: Vec<(String, String)> = Vec::new();
        for part in parts.filter(|p| !p.is_empty()) {
            let Some((key, raw)) = part.split_once('=') else {
                return Err(LinkError::Malformed(part.to_string()));
            };
            let malformed = || LinkError::Malformed(part.to_string());
            let value = unescape(raw);
            if let Some(id) = key.strip_prefix(CHANNEL_PREFIX) {
                if !is_plain_id(id) || amounts.iter().any(|(k, _)| k == id) {
                    return Err(malformed());
                }
                amounts.push((id.to_string(), value.ok_or_else(malformed)?));
            } else if let Some(slot) = KEYS.iter().position(|k| *k == key) {
                let value = match value {
                    Some(value) => value,
                    None if key == "scenario" => {
                        return Err(LinkError::BadScenarioName(raw.into()));
                    }
                    None => return Err(malformed()),
                };
                if values[slot].replace(value).is_some() {
                    return Err(malformed());
                }
            }
            // Any other key is a later version's: ignored.
        }
        let [
            total,
            locked,
            confidence,
            weeks,
            budget,
            scenario,
            carryover,
            form,
        ] = values;
        let plan = PlanLink::checked(total.as_deref(), amounts, locked.as_deref())?;
        let confidence = confidence
            .map(|text| match text.trim().parse::<f64>() {
                Ok(v) if (MIN_CONFIDENCE..=MAX_CONFIDENCE).contains(&v) => Ok(v),
                _ => Err(LinkError::BadConfidence(text)),
            })
            .transpose()?;
        let horizon_weeks = weeks
            .map(|text| parse_weeks(&text).map_err(LinkError::BadWeeks))
            .transpose()?;
        let horizon_budget = budget
            .map(|text| match parse_money(&text) {
                Ok(v) if v >= 0.0 => Ok(v),
                _ => Err(LinkError::BadHorizonBudget(text)),
            })
            .transpose()?;
        let scenario = scenario
            .map(|name| {
                checked_name(&name, None, &[]).map_err(|_| LinkError::BadScenarioName(name))
            })
            .transpose()?;
        let carryover = carryover
            .map(|text| {
                text.parse::<CarryoverForm>()
                    .map_err(|_| LinkError::BadCarryover(text))
            })
            .transpose()?;
        let form = form
            .map(|text| match text.as_str() {
                "additive" => Ok(ModelForm::Additive),
                "multiplicative" => Ok(ModelForm::Multiplicative),
                _ => Err(LinkError::BadForm(text)),
            })
            .transpose()?;
        Ok(Self {
            plan,
            settings: LinkSettings {
                confidence,
                horizon_weeks,
                horizon_budget,
                scenario,
                carryover,
                form,
            },
        })
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;
    use crate::planner::recommendation::{MAX_CONFIDENCE, MIN_CONFIDENCE};
    use proptest::prelude::*;

    /// The range the tests resolve against: $10,000 to $100,000.
    const RANGE: BudgetRange = BudgetRange::FALLBACK;
    const MIN_TOTAL: f64 = 10_000.0;
    const MAX_TOTAL: f64 = 100_000.0;

    /// The version 2 fragment of a plan with no settings.
    fn format(plan: &PlanLink) -> String {
        PageLink::plan_only(plan.clone()).format()
    }

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
            format(&link),
            "v2;total=48000;ch.ps=12000;ch.em=12000;ch.so=24000;lock=so"
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
            format(&PlanLink::from_budget(&budget, &ch))
        ))
        .unwrap()
        .resolve(&ch, &RANGE)
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
            PlanLink::parse("#v3;total=1"),
            Err(LinkError::UnknownVersion("v3".into()))
        );
        assert_eq!(PlanLink::parse("v1;ps=1"), Err(LinkError::MissingTotal));
        for total in ["0", "-5", "lots"] {
            assert_eq!(
                PlanLink::parse(&format!("v1;total={total};ps=1")),
                Err(LinkError::BadTotal(total.into()))
            );
        }
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
        for text in ["-5", "abc", "1.500", "NaN", "inf", ""] {
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
    fn totals_and_amounts_outside_the_datas_range_are_refused_on_resolve() {
        let ch = channels(&["ps"]);
        let low = PlanLink::parse("v2;total=5;ch.ps=5").unwrap();
        assert_eq!(
            low.resolve(&ch, &RANGE),
            Err(LinkError::TotalOutOfRange {
                total: 5.0,
                min: 10_000.0,
                max: 100_000.0
            })
        );
        assert_eq!(
            low.resolve(&ch, &RANGE).unwrap_err().to_string(),
            "The plan's weekly total of $5 is outside what the planner offers for this data ($10,000 to $100,000)."
        );
        // The same link opens with data whose weekly spend is a few dollars.
        let tiny = BudgetRange::around(20.0);
        assert_eq!(low.resolve(&ch, &tiny).unwrap().spend(), &[5.0]);
        let big = PlanLink::parse("v2;total=90000;ch.ps=100000.01;lock=ps").unwrap();
        assert_eq!(
            big.resolve(&ch, &RANGE),
            Err(LinkError::BadAmount {
                channel: "ps".into(),
                text: "100000.01".into()
            })
        );
    }

    #[test]
    fn links_from_other_data_or_that_do_not_add_up_are_refused() {
        let ch = channels(&["ps", "em"]);
        let stale = PlanLink::parse("v1;total=20000;ps=10000;tv=10000").unwrap();
        assert_eq!(
            stale.resolve(&ch, &RANGE),
            Err(LinkError::Stale("tv".into()))
        );
        let missing = PlanLink::parse("v1;total=20000;ps=20000").unwrap();
        assert_eq!(
            missing.resolve(&ch, &RANGE),
            Err(LinkError::Stale("em".into()))
        );
        let lock = PlanLink::parse("v1;total=20000;ps=10000;em=10000;lock=tv").unwrap();
        assert_eq!(
            lock.resolve(&ch, &RANGE),
            Err(LinkError::Stale("tv".into()))
        );
        let short = PlanLink::parse("v1;total=20000;ps=10000;em=5000").unwrap();
        assert_eq!(
            short.resolve(&ch, &RANGE),
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
        let text = format(&PlanLink::from_budget(&budget, &ch));
        assert_eq!(text, "v2;total=12000;ch.ps=15000;ch.em=0;lock=ps");
        let restored = PlanLink::parse(&text)
            .unwrap()
            .resolve(&ch, &RANGE)
            .unwrap();
        // The same plan from a version 1 link.
        assert_eq!(
            PlanLink::parse("v1;total=12000;ps=15000;em=0;lock=ps")
                .unwrap()
                .resolve(&ch, &RANGE)
                .unwrap(),
            restored
        );
        assert_eq!(restored.spend(), budget.spend());
        assert_eq!(restored.total(), 12_000.0);
        assert_eq!(restored.balance(), budget.balance());
    }

    fn settings() -> LinkSettings {
        LinkSettings {
            confidence: Some(0.85),
            horizon_weeks: Some(26),
            horizon_budget: Some(1_250_000.5),
            scenario: Some("Q3 push; 50% search".into()),
            carryover: Some(CarryoverForm::WeibullPdf),
            form: Some(ModelForm::Multiplicative),
        }
    }

    #[test]
    fn a_page_link_carries_the_plan_and_the_settings() {
        let mut budget = BudgetState::from_mix(48_000.0, &[1.0, 1.0, 2.0]);
        budget.set_locked(2, true);
        let ch = channels(&["ps", "em", "so"]);
        let link = PageLink {
            plan: PlanLink::from_budget(&budget, &ch),
            settings: settings(),
        };
        let text = link.format();
        assert_eq!(
            text,
            "v2;total=48000;ch.ps=12000;ch.em=12000;ch.so=24000;lock=so;confidence=0.85;weeks=26;budget=1250000.5;scenario=Q3%20push%3B%2050%25%20search;carryover=weibull-pdf;form=multiplicative"
        );
        let parsed = PageLink::parse(&format!("#{text}")).unwrap();
        assert_eq!(parsed, link);
        assert_eq!(parsed.plan.resolve(&ch, &RANGE).unwrap(), budget);
        // The plan-only reader takes the plan of a version 2 link.
        assert_eq!(PlanLink::parse(&text).unwrap(), link.plan);
        // No settings: only the plan's keys.
        let bare = PageLink::plan_only(link.plan.clone());
        assert_eq!(
            bare.format(),
            "v2;total=48000;ch.ps=12000;ch.em=12000;ch.so=24000;lock=so"
        );
    }

    #[test]
    fn version_1_links_still_open_with_default_settings() {
        let parsed = PageLink::parse("#v1;total=30000;ps=20000;em=10000;lock=em").unwrap();
        assert_eq!(parsed.settings, LinkSettings::default());
        assert_eq!(
            parsed.plan.amounts,
            vec![("ps".to_string(), 20_000.0), ("em".to_string(), 10_000.0)]
        );
        assert_eq!(parsed.plan.locked, vec!["em".to_string()]);
        // A version 1 link escaped as a whole by the browser reads as before.
        assert_eq!(
            PageLink::parse("v1;total=30000;ps=20000;em=10000;lock=em").unwrap(),
            PageLink::parse("v1;total=30000;ps=20000;em=10000;lock%3Dem").unwrap()
        );
    }

    #[test]
    fn unknown_version_2_keys_are_ignored_and_channel_ids_cannot_clash_with_keys() {
        let parsed = PageLink::parse(
            "v2;total=20000;ch.budget=15000;ch.weeks=5000;theme=dark;x.y=%ZZ;weeks=4",
        )
        .unwrap();
        assert_eq!(
            parsed.plan.amounts,
            vec![
                ("budget".to_string(), 15_000.0),
                ("weeks".to_string(), 5_000.0)
            ]
        );
        assert_eq!(parsed.settings.horizon_weeks, Some(4));
        assert_eq!(parsed.settings.horizon_budget, None);
        // A link without a carryover form (every link made before the choice) means
        // geometric carryover; without a model form, the additive form.
        assert_eq!(parsed.settings.carryover, None);
        assert_eq!(parsed.settings.form, None);
        assert_eq!(
            PageLink::parse("v2;total=20000;ch.ps=20000;form=multiplicative")
                .unwrap()
                .settings
                .form,
            Some(ModelForm::Multiplicative)
        );
        assert_eq!(
            PageLink::parse("v2;total=20000;ch.ps=20000;form=log"),
            Err(LinkError::BadForm("log".into()))
        );
        let weibull = PageLink::parse("v2;total=20000;ch.ps=20000;carryover=weibull-cdf");
        assert_eq!(
            weibull.unwrap().settings.carryover,
            Some(CarryoverForm::WeibullCdf)
        );
        assert_eq!(
            parsed
                .plan
                .resolve(&channels(&["budget", "weeks"]), &RANGE)
                .unwrap()
                .spend(),
            &[15_000.0, 5_000.0]
        );
    }

    #[test]
    fn bad_version_2_values_refuse_the_link_with_a_message() {
        let base = "v2;total=20000;ch.ps=20000";
        for (extra, error) in [
            ("confidence=0.3", LinkError::BadConfidence("0.3".into())),
            ("confidence=abc", LinkError::BadConfidence("abc".into())),
            ("confidence=NaN", LinkError::BadConfidence("NaN".into())),
            (
                "carryover=weibull",
                LinkError::BadCarryover("weibull".into()),
            ),
            ("budget=-5", LinkError::BadHorizonBudget("-5".into())),
            ("budget=lots", LinkError::BadHorizonBudget("lots".into())),
            ("scenario=%20%20", LinkError::BadScenarioName("  ".into())),
            (
                "scenario=%E2%28",
                LinkError::BadScenarioName("%E2%28".into()),
            ),
            ("scenario=%4", LinkError::BadScenarioName("%4".into())),
            ("weeks=2;weeks=3", LinkError::Malformed("weeks=3".into())),
            ("ch.ps=1", LinkError::Malformed("ch.ps=1".into())),
            ("ch.<b>=1", LinkError::Malformed("ch.<b>=1".into())),
            ("weeks", LinkError::Malformed("weeks".into())),
        ] {
            assert_eq!(
                PageLink::parse(&format!("{base};{extra}")),
                Err(error),
                "{extra}"
            );
        }
        for weeks in ["0", "53", "four"] {
            let error = PageLink::parse(&format!("{base};weeks={weeks}")).unwrap_err();
            assert!(
                matches!(error, LinkError::BadWeeks(_)),
                "{weeks}: {error:?}"
            );
            assert!(error.to_string().contains("1 to 52 weeks"), "{error}");
        }
        let long = escape(&"é".repeat(61));
        assert!(matches!(
            PageLink::parse(&format!("{base};scenario={long}")),
            Err(LinkError::BadScenarioName(_))
        ));
        let message = PageLink::parse(&format!("{base};confidence=2"))
            .unwrap_err()
            .to_string();
        assert!(
            message.contains("confidence") && message.contains("0.5"),
            "{message}"
        );
        assert_eq!(PageLink::parse("v2;ch.ps=1"), Err(LinkError::MissingTotal));
    }

    #[test]
    fn names_are_escaped_and_unescaped() {
        for name in ["Q3 push", "a;b=c%d#e", "Été 2026 — 🚀", "~._-", ""] {
            let escaped = escape(name);
            assert!(
                escaped
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || "-_.~%".contains(c)),
                "{escaped}"
            );
            assert_eq!(unescape(&escaped).as_deref(), Some(name));
        }
        assert_eq!(unescape("%zz"), None);
        assert_eq!(unescape("%C3"), None);
        assert_eq!(unescape("a%2"), None);
    }

    fn cents(value: f64) -> f64 {
        (value * 100.0).round() / 100.0
    }

    /// `total` split over channels `ch_0, ch_1, …` in proportion to `weights`, each to the cent.
    fn amounts_in_proportion(total: f64, weights: &[f64]) -> Vec<(String, f64)> {
        let weight_sum: f64 = weights.iter().sum::<f64>().max(1e-9);
        weights
            .iter()
            .enumerate()
            .map(|(i, w)| (format!("ch_{i}"), cents(total * w / weight_sum)))
            .collect()
    }

    proptest! {
        #[test]
        fn format_then_parse_is_the_identity(
            weights in prop::collection::vec(0.0f64..1.0, 1..8),
            total in MIN_TOTAL..MAX_TOTAL,
            locks in prop::collection::vec(any::<bool>(), 8),
        ) {
            let total = cents(total);
            let amounts = amounts_in_proportion(total, &weights);
            let locked: Vec<String> = amounts
                .iter()
                .zip(&locks)
                .filter(|(_, l)| **l)
                .map(|((id, _), _)| id.clone())
                .collect();
            let link = PlanLink { total, amounts, locked };
            let text = format(&link);
            let parsed = PlanLink::parse(&text).unwrap();
            prop_assert_eq!(&parsed, &link);
            prop_assert_eq!(format(&parsed), text);
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
            let restored = PlanLink::parse(&format(&PlanLink::from_budget(&budget, &ch)))
                .unwrap()
                .resolve(&ch, &RANGE)
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
        fn a_page_link_survives_the_round_trip(
            weights in prop::collection::vec(0.0f64..1.0, 1..6),
            total in MIN_TOTAL..MAX_TOTAL,
            confidence in prop::option::of(MIN_CONFIDENCE..=MAX_CONFIDENCE),
            weeks in prop::option::of(1usize..=52),
            horizon_budget in prop::option::of(0.0f64..1e8),
            name in prop::option::of("[^\\p{C}]{0,59}[a-zA-Zé;%#=&🚀 ]"),
            carryover in prop::option::of(prop::sample::select(CarryoverForm::ALL.to_vec())),
            form in prop::option::of(prop::sample::select(vec![ModelForm::Additive, ModelForm::Multiplicative])),
        ) {
            let total = cents(total);
            let amounts = amounts_in_proportion(total, &weights);
            let scenario = name.map(|n| n.trim().to_string()).filter(|n| !n.is_empty());
            let link = PageLink {
                plan: PlanLink { total, amounts, locked: Vec::new() },
                settings: LinkSettings {
                    confidence: confidence.map(cents),
                    horizon_weeks: weeks,
                    horizon_budget: horizon_budget.map(cents),
                    scenario,
                    carryover,
                    form,
                },
            };
            let text = link.format();
            let parsed = PageLink::parse(&text).unwrap();
            prop_assert_eq!(&parsed, &link);
            prop_assert_eq!(parsed.format(), text);
        }

        #[test]
        fn any_version_2_text_parses_or_is_refused_without_panicking(text in ".{0,80}") {
            let _ = PageLink::parse(&format!("v2;total=20000;{text}"));
            let _ = PageLink::parse(&format!("v2;{text}"));
        }

        #[test]
        fn any_text_parses_or_is_refused_without_panicking(text in ".{0,80}") {
            let _ = PlanLink::parse(&text);
            let _ = PlanLink::parse(&format!("v1;{text}"));
        }
    }
}
