//! Saved scenarios: named plans kept in the browser (`localStorage`), versioned, and their
//! side-by-side comparison. Plain Rust (the storage glue is in
//! `components/plan_ahead/storage.rs`), so it is tested natively.
//!
//! Stored text: `{"version": 1, "scenarios": [{"id", "name", "channels", "spend"}, …]}`.
//! Reading never fails: text that is not this format, or of another version, is dropped
//! with a message; a scenario that is not valid (no name, a negative or non-finite spend,
//! channels and spend of different lengths) is dropped alone, also with a message.

use mixplan_core::optimize::Uplift;
use serde::{Deserialize, Serialize};
use thiserror::Error;

use super::draws::PosteriorDraws;
use super::intervals::Comparison;
use super::scenario::{ChannelInfo, Planner, Scenario};

/// The `localStorage` key the scenarios are kept under.
pub const STORAGE_KEY: &str = "mixplan.scenarios";
/// Version of the stored format.
pub const STORE_VERSION: u32 = 1;
/// Longest scenario name, in characters.
pub const MAX_NAME_CHARS: usize = 60;

/// One saved plan: a weekly spend per channel, keyed by the channels' ids so that a plan
/// saved for other data is recognised as such.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SavedScenario {
    /// Unique within the store (never reused after a delete while the page is open).
    pub id: u64,
    /// The name the user gave it.
    pub name: String,
    /// Channel ids, in the order of `spend`.
    pub channels: Vec<String>,
    /// Weekly spend per channel.
    pub spend: Vec<f64>,
}

impl SavedScenario {
    /// Weekly total.
    pub fn total(&self) -> f64 {
        self.spend.iter().sum()
    }

    /// The spend in `channels`' order, when this scenario has exactly these channels
    /// (in any order); `None` when it was saved for other data.
    pub fn spend_for(&self, channels: &[ChannelInfo]) -> Option<Vec<f64>> {
        if channels.len() != self.channels.len() {
            return None;
        }
        channels
            .iter()
            .map(|c| {
                self.channels
                    .iter()
                    .position(|id| *id == c.id)
                    .map(|i| self.spend[i])
            })
            .collect()
    }

    fn is_valid(&self) -> bool {
        !self.name.trim().is_empty()
            && self.name.chars().count() <= MAX_NAME_CHARS
            && self.channels.len() == self.spend.len()
            && !self.spend.is_empty()
            && self.spend.iter().all(|x| x.is_finite() && *x >= 0.0)
    }
}

#[derive(Serialize, Deserialize)]
struct StoredText<T> {
    version: u32,
    scenarios: Vec<T>,
}

/// What [`load`] read.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Loaded {
    /// The valid scenarios.
    pub scenarios: Vec<SavedScenario>,
    /// What was dropped and why, when anything was.
    pub note: Option<String>,
}

/// Reads the stored text (`None`: nothing stored yet).
pub fn load(text: Option<&str>) -> Loaded {
    let Some(text) = text else {
        return Loaded::default();
    };
    let dropped_all = |why: &str| Loaded {
        scenarios: Vec::new(),
        note: Some(format!(
            "The scenarios saved in this browser could not be read ({why}), so they were removed. Save your plans again."
        )),
    };
    let stored: StoredText<serde_json::Value> = match serde_json::from_str(text) {
        Ok(stored) => stored,
        Err(_) => return dropped_all("they are not in mixplan's format"),
    };
    if stored.version != STORE_VERSION {
        return dropped_all(&format!(
            "they were saved in format version {}, this page reads version {STORE_VERSION}",
            stored.version
        ));
    }
    let total = stored.scenarios.len();
    let mut scenarios: Vec<SavedScenario> = Vec::with_capacity(total);
    for value in stored.scenarios {
        if let Ok(s) = serde_json::from_value::<SavedScenario>(value)
            && s.is_valid()
            && scenarios.iter().all(|kept| kept.id != s.id)
        {
            scenarios.push(s);
        }
    }
    let dropped = total - scenarios.len();
    Loaded {
        note: (dropped > 0).then(|| {
            format!(
                "{dropped} saved scenario{} could not be read (damaged or incomplete) and {} removed; the others are kept.",
                if dropped == 1 { "" } else { "s" },
                if dropped == 1 { "was" } else { "were" }
            )
        }),
        scenarios,
    }
}

/// The text to store for `scenarios`.
pub fn to_text(scenarios: &[SavedScenario]) -> String {
    serde_json::to_string(&StoredText {
        version: STORE_VERSION,
        scenarios: scenarios.to_vec(),
    })
    .unwrap_or_default()
}

/// Why a name cannot be used. Each message says what to type instead.
#[derive(Debug, Clone, PartialEq, Error)]
pub enum NameError {
    /// Nothing but spaces.
    #[error("Type a name for the scenario, e.g. \"Q3 search push\".")]
    Empty,
    /// Longer than [`MAX_NAME_CHARS`].
    #[error("Names are at most 60 characters: shorten it.")]
    TooLong,
    /// Another scenario has this name.
    #[error("A scenario called \"{0}\" exists already: choose another name or rename that one.")]
    Taken(String),
}

/// Checks a new name for the scenario `id` (`None` for a new one): trimmed, non-empty, at
/// most [`MAX_NAME_CHARS`], and not another scenario's name (case-insensitive).
///
/// # Errors
/// [`NameError`].
pub fn checked_name(
    name: &str,
    id: Option<u64>,
    existing: &[SavedScenario],
) -> Result<String, NameError> {
    let name = name.trim();
    if name.is_empty() {
        return Err(NameError::Empty);
    }
    if name.chars().count() > MAX_NAME_CHARS {
        return Err(NameError::TooLong);
    }
    if existing
        .iter()
        .any(|s| Some(s.id) != id && s.name.to_lowercase() == name.to_lowercase())
    {
        return Err(NameError::Taken(name.to_string()));
    }
    Ok(name.to_string())
}

/// A name not yet used: `Scenario 1`, `Scenario 2`, …
pub fn next_default_name(existing: &[SavedScenario]) -> String {
    (1..)
        .map(|n| format!("Scenario {n}"))
        .find(|name| checked_name(name, None, existing).is_ok())
        .unwrap_or_default()
}

/// Saves the current split of `planner`'s channels under `name` (already checked).
pub fn new_scenario(
    id: u64,
    name: String,
    channels: &[ChannelInfo],
    spend: &[f64],
) -> SavedScenario {
    SavedScenario {
        id,
        name,
        channels: channels.iter().map(|c| c.id.clone()).collect(),
        spend: spend.to_vec(),
    }
}

/// The saved scenario last opened (or named by the opened link), with the split it put on
/// the page. It is "being viewed" while the page's split is still that split.
#[derive(Debug, Clone, PartialEq)]
pub struct OpenedScenario {
    /// The scenario's name.
    pub name: String,
    /// The split on the page right after opening it.
    pub spend: Vec<f64>,
}

impl OpenedScenario {
    /// The name while `spend` is still the opened split (each channel within a cent,
    /// `BALANCE_TOLERANCE`), `None` once the plan was changed.
    pub fn viewed(&self, spend: &[f64]) -> Option<&str> {
        let same = spend.len() == self.spend.len()
            && spend
                .iter()
                .zip(&self.spend)
                .all(|(a, b)| (a - b).abs() <= super::budget::BALANCE_TOLERANCE);
        same.then_some(self.name.as_str())
    }
}

/// One column of the comparison.
#[derive(Debug, Clone, PartialEq)]
pub struct ComparedPlan {
    /// The scenario's name.
    pub name: String,
    /// Weekly spend per channel, in the planner's order.
    pub spend: Vec<f64>,
    /// Weekly total.
    pub total: f64,
    /// Predicted weekly revenue `R(x)` in the model's form ([`Planner::evaluate`]:
    /// `baseline + Σ f_c(x_c)`, or `baseline·exp(Σ g_c(x_c))`).
    pub revenue: f64,
    /// Media ROAS (media revenue ÷ spend).
    pub roas: f64,
    /// Revenue vs the current plan (`relative` on the current plan's total revenue).
    pub uplift: Uplift,
    /// This plan against the current one over the posterior draws: expected uplift, its
    /// interval and the probability of gain `#{d: R_d(scenario) − R_d(current) > 0} / D`
    /// (the page recommendation's definition, so the current plan never beats itself: 0).
    /// `None` until the model has a posterior (or when an uplift is not finite).
    pub odds: Option<Comparison>,
}

/// Compares the scenarios (those saved for these channels) with the current plan; with
/// `draws`, each also over the posterior ([`Comparison::of`] at the credible `level`).
pub fn compare(
    planner: &Planner,
    current: &Scenario,
    scenarios: &[SavedScenario],
    draws: Option<&PosteriorDraws>,
    level: f64,
) -> Vec<ComparedPlan> {
    scenarios
        .iter()
        .filter_map(|s| {
            let spend = s
                .spend_for(planner.channels())
                .filter(|spend| spend.iter().all(|x| x.is_finite() && *x >= 0.0))?;
            let plan = planner.evaluate(&spend);
            let uplift = plan
                .uplift_over(&current.current)
                .with_baseline(current.baseline);
            Some(ComparedPlan {
                name: s.name.clone(),
                total: plan.budget(),
                revenue: current.baseline + plan.media_revenue(),
                roas: plan.roas(),
                uplift,
                odds: draws.and_then(|d| Comparison::of(d, current.current.spend(), &spend, level)),
                spend,
            })
        })
        .collect()
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;
    use crate::planner::budget::BudgetState;
    use crate::planner::scenario::fitted_planner;
    use mixplan_core::response::HillResponse;

    fn saved(id: u64, name: &str, spend: &[f64]) -> SavedScenario {
        new_scenario(id, name.into(), fitted_planner().channels(), spend)
    }

    #[test]
    fn scenarios_round_trip_through_the_stored_text() {
        let list = vec![
            saved(1, "Base", &[1.0, 2.0, 3.0, 4.0, 5.0]),
            saved(2, "Search push", &[10.0, 0.0, 3.5, 4.0, 5.0]),
        ];
        let loaded = load(Some(&to_text(&list)));
        assert_eq!(
            loaded,
            Loaded {
                scenarios: list,
                note: None
            }
        );
        assert_eq!(load(None), Loaded::default());
    }

    #[test]
    fn corrupt_text_is_dropped_with_a_message() {
        for (text, why) in [
            ("not json", "not in mixplan's format"),
            ("{\"version\":7,\"scenarios\":[]}", "format version 7"),
            ("[1,2]", "not in mixplan's format"),
        ] {
            let loaded = load(Some(text));
            assert!(loaded.scenarios.is_empty());
            let note = loaded.note.unwrap();
            assert!(
                note.contains(why) && note.ends_with("Save your plans again."),
                "{note}"
            );
        }
        let good = saved(1, "Good", &[1.0, 2.0, 3.0, 4.0, 5.0]);
        let text = format!(
            "{{\"version\":1,\"scenarios\":[{},{{\"id\":2,\"name\":\"\",\"channels\":[\"a\"],\"spend\":[1]}},{{\"id\":3,\"name\":\"x\",\"channels\":[\"a\"],\"spend\":[-1]}},{{\"id\":4}}]}}",
            serde_json::to_string(&good).unwrap()
        );
        let loaded = load(Some(&text));
        assert_eq!(loaded.scenarios, vec![good]);
        assert_eq!(
            loaded.note.as_deref(),
            Some(
                "3 saved scenarios could not be read (damaged or incomplete) and were removed; the others are kept."
            )
        );
    }

    #[test]
    fn names_are_checked() {
        let list = vec![saved(1, "Base", &[1.0; 5])];
        assert_eq!(checked_name("  Q3  ", None, &list).unwrap(), "Q3");
        assert_eq!(checked_name(" ", None, &list), Err(NameError::Empty));
        assert_eq!(
            checked_name("base", None, &list),
            Err(NameError::Taken("base".into()))
        );
        assert_eq!(checked_name("base", Some(1), &list).unwrap(), "base");
        assert_eq!(
            checked_name(&"x".repeat(61), None, &list),
            Err(NameError::TooLong)
        );
        assert_eq!(next_default_name(&list), "Scenario 1");
        let list = vec![saved(1, "Scenario 1", &[1.0; 5])];
        assert_eq!(next_default_name(&list), "Scenario 2");
    }

    #[test]
    fn a_scenario_for_other_channels_is_not_compared() {
        let p = fitted_planner();
        let mut other = saved(1, "Other", &[1.0; 5]);
        other.channels[0] = "tv".into();
        assert_eq!(other.spend_for(p.channels()), None);
        // Same channels in another order are matched by id.
        let mut shuffled = saved(2, "Shuffled", &[1.0, 2.0, 3.0, 4.0, 5.0]);
        shuffled.channels.swap(0, 1);
        shuffled.spend.swap(0, 1);
        assert_eq!(
            shuffled.spend_for(p.channels()).unwrap(),
            vec![1.0, 2.0, 3.0, 4.0, 5.0]
        );
        let current = p.scenario(&BudgetState::from_mix(40_000.0, p.historical_mix()));
        assert_eq!(compare(p, &current, &[other, shuffled], None, 0.9).len(), 1);
    }

    #[test]
    fn the_comparison_agrees_with_the_planner() {
        let p = fitted_planner();
        let current = p.scenario(&BudgetState::from_mix(40_000.0, p.historical_mix()));
        let optimal = current.optimal.as_ref().unwrap().spend().to_vec();
        let list = vec![
            saved(1, "Now", current.current.spend()),
            saved(2, "Optimal", &optimal),
        ];
        let columns = compare(p, &current, &list, None, 0.9);
        assert_eq!(columns.len(), 2);
        assert!((columns[0].revenue - current.revenue).abs() < 1e-9 * current.revenue);
        assert!(columns[0].uplift.absolute.abs() < 1e-9);
        assert!((columns[1].revenue - current.optimal_revenue().unwrap()).abs() < 1e-6);
        assert!((columns[1].uplift.absolute - current.gap_to_optimal().unwrap()).abs() < 1e-6);
        assert!((columns[1].total - 40_000.0).abs() < 1e-6);
        assert_eq!(columns[1].roas, current.optimal.as_ref().unwrap().roas());
        assert_eq!(columns[1].odds, None);
    }

    #[test]
    fn multiplicative_columns_are_the_revenue_the_model_predicts_and_their_odds_its_draws() {
        let p = crate::planner::scenario::fitted_multiplicative_planner();
        let current = p.scenario(&BudgetState::from_mix(40_000.0, p.historical_mix()));
        let optimal = current.optimal.as_ref().unwrap().spend().to_vec();
        let mut shifted = current.current.spend().to_vec();
        shifted[0] *= 1.5;
        let list = vec![
            saved(1, "Now", current.current.spend()),
            saved(2, "Optimal", &optimal),
            saved(3, "More search", &shifted),
        ];
        let draws = spread_draws(p, 100);
        let columns = compare(p, &current, &list, Some(&draws), 0.9);
        assert_eq!(columns.len(), 3);
        let now = p.model().predict(current.current.spend()).unwrap().revenue;
        for (column, spend) in columns
            .iter()
            .zip([current.current.spend(), &optimal, &shifted])
        {
            let revenue = p.model().predict(spend).unwrap().revenue;
            assert!(
                (column.revenue - revenue).abs() < 1e-9 * revenue,
                "{}",
                column.name
            );
            assert!((column.uplift.absolute - (revenue - now)).abs() < 1e-6 * revenue);
            let roas = (revenue - p.baseline()) / spend.iter().sum::<f64>();
            assert!((column.roas - roas).abs() < 1e-9 * roas, "{}", column.name);
            // Odds over the draws: each draw's revenue B̄_d·exp(Σ g_{c,d}), by hand.
            let gains: Vec<f64> = (0..draws.draws())
                .map(|d| {
                    let sum = |x: &[f64]| -> f64 {
                        (0..draws.channels())
                            .map(|c| draws.curves(c)[d].value(x[c]))
                            .sum()
                    };
                    let base = draws.bases().unwrap()[d];
                    base * sum(spend).exp() - base * sum(current.current.spend()).exp()
                })
                .collect();
            let odds = column.odds.unwrap();
            let mean = gains.iter().sum::<f64>() / 100.0;
            assert!(
                (odds.expected_uplift - mean).abs() <= 1e-6 * mean.abs().max(1.0),
                "{}: {} vs {mean}",
                column.name,
                odds.expected_uplift
            );
        }
        assert!(columns[1].uplift.absolute > 0.0);
    }

    #[test]
    fn an_opened_scenario_is_viewed_until_the_plan_changes() {
        let opened = OpenedScenario {
            name: "Q3".into(),
            spend: vec![100.0, 200.0],
        };
        assert_eq!(opened.viewed(&[100.0, 200.0]), Some("Q3"));
        assert_eq!(opened.viewed(&[100.004, 199.996]), Some("Q3"));
        assert_eq!(opened.viewed(&[150.0, 150.0]), None);
        assert_eq!(opened.viewed(&[100.0]), None);
    }

    /// Posterior-like draws around the fitted curves: channel `c`'s coefficient scaled by
    /// `1 + 1.6 (d/(D−1) − 1/2)` (0.2 to 1.8) in draw `d` for even `c`, the reverse for odd `c`, so that
    /// the draws disagree about which channel pays more. A multiplicative planner's draws
    /// have its base in every draw.
    fn spread_draws(planner: &Planner, draws: usize) -> PosteriorDraws {
        let curves = planner
            .curves()
            .iter()
            .enumerate()
            .map(|(c, f)| {
                (0..draws)
                    .map(|d| {
                        let t = d as f64 / (draws - 1) as f64 - 0.5;
                        let scale = 1.0 + 1.6 * if c % 2 == 0 { t } else { -t };
                        HillResponse::new(f.coefficient() * scale, f.half_saturation(), f.shape())
                            .unwrap()
                    })
                    .collect()
            })
            .collect::<Vec<Vec<_>>>();
        let roi = vec![vec![1.0; draws]; curves.len()];
        let diagnostics = crate::planner::draws::tests::diagnostics(0, true);
        if planner.revenue_form().is_multiplicative() {
            let bases = vec![planner.baseline(); draws];
            PosteriorDraws::new_multiplicative(curves, roi, bases, diagnostics).unwrap()
        } else {
            PosteriorDraws::new(curves, roi, diagnostics).unwrap()
        }
    }

    #[test]
    fn with_draws_each_scenario_gets_its_odds_against_the_current_plan() {
        let p = fitted_planner();
        let draws = spread_draws(p, 200);
        let current = p.scenario(&BudgetState::from_mix(40_000.0, p.historical_mix()));
        let optimal = current.optimal.as_ref().unwrap().spend().to_vec();
        // Half of search and social moved to the other channels: some draws gain, some lose.
        let mut shifted = current.current.spend().to_vec();
        let moved = 0.5 * (shifted[0] + shifted[2]);
        shifted[0] *= 0.5;
        shifted[2] *= 0.5;
        for x in shifted.iter_mut().skip(1).step_by(2) {
            *x += moved / 2.0;
        }
        let list = vec![
            saved(1, "Now", current.current.spend()),
            saved(2, "Optimal", &optimal),
            saved(3, "Shifted", &shifted),
        ];
        let columns = compare(p, &current, &list, Some(&draws), 0.9);
        assert_eq!(columns.len(), 3);
        // The plan on the page never beats itself.
        let itself = columns[0].odds.unwrap();
        assert_eq!(itself.probability_of_gain, 0.0);
        assert_eq!(itself.expected_uplift, 0.0);
        assert_eq!((itself.uplift.low, itself.uplift.high), (0.0, 0.0));
        // Each probability is the share of draws whose revenue difference is positive,
        // counted here by hand from the curves.
        for (column, spend) in columns
            .iter()
            .zip([current.current.spend(), &optimal, &shifted])
        {
            let odds = column.odds.unwrap();
            let gains: Vec<f64> = (0..draws.draws())
                .map(|d| {
                    (0..draws.channels())
                        .map(|c| {
                            let f = draws.curves(c)[d];
                            f.value(spend[c]) - f.value(current.current.spend()[c])
                        })
                        .sum()
                })
                .collect();
            let by_hand = gains.iter().filter(|g| **g > 0.0).count() as f64 / 200.0;
            assert_eq!(odds.probability_of_gain, by_hand, "{}", column.name);
            let mean = gains.iter().sum::<f64>() / 200.0;
            assert!((odds.expected_uplift - mean).abs() <= 1e-9 * mean.abs().max(1.0));
            assert!(
                odds.uplift.low <= odds.expected_uplift && odds.expected_uplift <= odds.uplift.high
            );
        }
        // The draws disagree about the shifted plan, and the optimum gains in most draws.
        let shifted_odds = columns[2].odds.unwrap().probability_of_gain;
        assert!(0.0 < shifted_odds && shifted_odds < 1.0, "{shifted_odds}");
        assert!(columns[1].odds.unwrap().probability_of_gain > 0.5);
    }
}
