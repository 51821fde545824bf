//! What the page shows for one budget: predicted revenue, contributions, the historical mix
//! and the optimal split for the same total. Recomputed on every slider move, so it does
//! only closed-form evaluations and at most one exact optimisation (none while only the
//! split of the same total and locks changes: [`Planner::scenario_against`]).
//!
//! Every split (current, historical, optimal) is evaluated once by the optimiser's
//! [`Plan::evaluate`]: contributions `f_c(x_c)`, marginal returns `f'_c(x_c)`, media revenue
//! `Σ f_c(x_c)` and ROAS come from there, never re-derived here.

use mixplan_core::data::WeeklyData;
use mixplan_core::model::{FittedModel, PlanningModel};
use mixplan_core::optimize::{
    self, OptimizeError, Plan, RevenueForm, SpendBounds, Uplift, scale_mix,
};
use mixplan_core::response::HillResponse;

use super::budget::{BudgetRange, BudgetState};

/// A channel as the page names it.
#[derive(Debug, Clone, PartialEq)]
pub struct ChannelInfo {
    /// Stable id (the data's column name, e.g. `paid_search`); used in `data-testid`s.
    pub id: String,
    /// Display name, e.g. "Paid Search".
    pub name: String,
}

/// The display name of the channel with id `id` in `channels`, or `id` itself when none
/// has it.
pub fn channel_name<'a>(channels: &'a [ChannelInfo], id: &'a str) -> &'a str {
    channels
        .iter()
        .find(|c| c.id == id)
        .map_or(id, |c| c.name.as_str())
}

/// The fitted model plus what planning needs from the data.
///
/// The weekly planner works on steady-state curves `f_c(x) = β_c·hill(x; K_c, s_c)` of a
/// sustained weekly spend `x`, whatever the model's carryover form: every kernel is
/// normalised (`Σ_l W_l = 1`, geometric `W_l = (1 − θ)θ^l` or a Weibull window), so a spend
/// `x` held every week has adstock `Σ_l W_l·x = x` (exactly once a Weibull window has
/// filled, in the limit for geometric) and the steady-state response is identical in form;
/// only the fitted `β, K, s` differ between forms. The week-by-week horizon follows the
/// kernel itself, week by week: see `planner::horizon::horizon_model`.
///
/// `PartialEq` compares by value (no identity tricks), so it can sit in a plain `Memo`.
/// (A Weibull model's channels carry `decay = NaN`, so such a planner never equals
/// itself: a `Memo` of it notifies on every recomputation, which only redraws.)
#[derive(Debug, Clone, PartialEq)]
pub struct Planner {
    model: PlanningModel,
    form: RevenueForm,
    curves: Vec<HillResponse>,
    channels: Vec<ChannelInfo>,
    historical_mix: Vec<f64>,
    observed_max: Vec<f64>,
    data: WeeklyData,
}

/// What the page says where `what` (e.g. "Planning ahead") is built for the additive model
/// form only and the model in use is multiplicative.
pub fn additive_only(what: &str) -> String {
    format!(
        "{what} is built for the additive model form only so far, and this model is multiplicative. Choose “Additive” under Model form in the model panel to use it."
    )
}

/// One row of the channel table.
#[derive(Debug, Clone, PartialEq)]
pub struct ChannelRow {
    /// Weekly spend in the current plan.
    pub spend: f64,
    /// Share of the spend actually placed, `x_c / Σ x` (the total only when the plan
    /// balances, so the shares add up to 100 % even when locks exceed the total); `None`
    /// when nothing is placed.
    pub share: Option<f64>,
    /// Weekly revenue contribution `f_c(x_c)`.
    pub contribution: f64,
    /// Contribution of the historical mix at the same total, for the gain/loss colouring.
    pub historical_contribution: f64,
    /// `f_c(x_c) / x_c` (0 for no spend).
    pub roi: f64,
    /// `f'_c(x_c)`: revenue from the next dollar. `None` where it has no finite value: at zero
    /// spend on a curve with shape `s < 1`, which starts vertically (`f'(0) = +∞`, see
    /// [`HillResponse::marginal`]); the page shows "—".
    pub marginal_roi: Option<f64>,
    /// Spend in the optimal split, when there is one.
    pub optimal_spend: Option<f64>,
    /// Highest weekly spend in the data: above it the model extrapolates.
    pub observed_max: f64,
}

impl ChannelRow {
    /// True when the optimal spend is above anything the data has seen.
    pub fn optimal_extrapolates(&self) -> bool {
        self.optimal_spend
            .is_some_and(|x| x > self.observed_max + 0.5)
    }
}

/// The historical mix and the optimal split for one total and set of locks
/// ([`Planner::references`]).
#[derive(Debug, Clone, PartialEq)]
pub struct References {
    total: f64,
    bounds: Vec<SpendBounds>,
    historical: Plan,
    optimal: Result<Plan, OptimizeError>,
}

impl References {
    /// Whether these are the references of `total` within `bounds`.
    fn fit(&self, total: f64, bounds: &[SpendBounds]) -> bool {
        self.total == total && self.bounds == bounds
    }
}

/// Everything the results panel shows for one budget state.
#[derive(Debug, Clone, PartialEq)]
pub struct Scenario {
    /// Weekly total.
    pub total: f64,
    /// Predicted weekly revenue (baseline + media) for the current split.
    pub revenue: f64,
    /// Non-media weekly revenue.
    pub baseline: f64,
    /// Predicted weekly revenue of the historical mix scaled to the total.
    pub historical_revenue: f64,
    /// The current split, evaluated.
    pub current: Plan,
    /// The historical mix scaled to the total, evaluated.
    pub historical: Plan,
    /// The optimal split of the total (locked channels held), or why there is none.
    pub optimal: Result<Plan, OptimizeError>,
    /// Per channel.
    pub rows: Vec<ChannelRow>,
}

impl Scenario {
    /// Media revenue of the current split, `Σ f_c(x_c)`.
    pub fn media(&self) -> f64 {
        self.current.media_revenue()
    }

    /// Media ROAS of the current split: media revenue ÷ the spend actually placed
    /// ([`Plan::roas`]; equal to the total when the budget balances, 0 for no spend).
    pub fn roas(&self) -> f64 {
        self.current.roas()
    }

    /// Predicted weekly revenue of the optimal split.
    pub fn optimal_revenue(&self) -> Option<f64> {
        self.optimal
            .as_ref()
            .ok()
            .map(|p| self.baseline + p.media_revenue())
    }

    /// How much more per week the optimal split would earn (≥ 0 up to rounding).
    pub fn gap_to_optimal(&self) -> Option<f64> {
        self.optimal
            .as_ref()
            .ok()
            .map(|p| p.uplift_over(&self.current).absolute)
    }

    /// The current split against the historical mix at the same total, on total revenue:
    /// `absolute = revenue − historical_revenue`, `relative = absolute / historical_revenue`.
    pub fn uplift_vs_historical(&self) -> Uplift {
        self.current
            .uplift_over(&self.historical)
            .with_baseline(self.baseline)
    }

    /// Change of the current split's revenue vs the historical mix.
    pub fn change_vs_historical(&self) -> f64 {
        self.uplift_vs_historical().absolute
    }
}

impl Planner {
    /// Builds the planner from a fitted model, the channels' display names (in model order)
    /// and the data it was fitted on. The historical mix is the model's mean weekly spend per
    /// channel; the data gives the highest weekly spend seen per channel.
    pub fn new(
        model: impl Into<PlanningModel>,
        channels: Vec<ChannelInfo>,
        data: &WeeklyData,
    ) -> Self {
        let model = model.into();
        let curves = model.curves();
        let form = model.revenue_form();
        let historical_mix = model.mix();
        let observed_max = data
            .channels()
            .iter()
            .map(|c| c.values.iter().copied().fold(0.0, f64::max))
            .collect();
        Self {
            model,
            form,
            curves,
            channels,
            historical_mix,
            observed_max,
            data: data.clone(),
        }
    }

    /// The data the model was fitted on (for the horizon plan's carry-in and forecast).
    pub fn data(&self) -> &WeeklyData {
        &self.data
    }

    /// The fitted model, in its form.
    pub fn model(&self) -> &PlanningModel {
        &self.model
    }

    /// The additive model, when that is the model's form: for what is built for a model
    /// whose channels add revenue only ([`additive_only`] says so to the user otherwise).
    pub fn additive_model(&self) -> Option<&FittedModel> {
        match &self.model {
            PlanningModel::Additive(model) => Some(model),
            PlanningModel::Multiplicative(_) => None,
        }
    }

    /// How the curves make revenue ([`RevenueForm`]): what every revenue figure of a split
    /// comes from.
    pub fn revenue_form(&self) -> RevenueForm {
        self.form
    }

    /// Weekly revenue without media: what the model predicts with no spend at all.
    pub fn baseline(&self) -> f64 {
        self.form.base()
    }

    /// The channels, in model order.
    pub fn channels(&self) -> &[ChannelInfo] {
        &self.channels
    }

    /// Steady-state response curves, in model order: the channels' revenue `f_c` (additive)
    /// or log revenue `g_c` (multiplicative). Revenue increases with their sum in both forms,
    /// so the optimiser runs on them; a split's revenue figures come from
    /// [`Planner::evaluate`].
    pub fn curves(&self) -> &[HillResponse] {
        &self.curves
    }

    /// Historical mean weekly spend per channel.
    pub fn historical_mix(&self) -> &[f64] {
        &self.historical_mix
    }

    /// Historical mean weekly total spend.
    pub fn historical_total(&self) -> f64 {
        self.historical_mix.iter().sum()
    }

    /// The weekly totals the planner offers for this data: [`BudgetRange::around`] the
    /// historical mean weekly total.
    pub fn budget_range(&self) -> BudgetRange {
        BudgetRange::around(self.historical_total())
    }

    /// Evaluates a split in the model's form ([`RevenueForm::evaluate`]): contributions,
    /// marginal ROIs and media revenue `R(x) − baseline`. A spend that is missing, negative
    /// or not finite counts as none (a [`BudgetState`] built for this planner has none such).
    pub fn evaluate(&self, spend: &[f64]) -> Plan {
        let clean: Vec<f64> = (0..self.curves.len())
            .map(|c| {
                spend
                    .get(c)
                    .copied()
                    .filter(|x| x.is_finite() && *x >= 0.0)
                    .unwrap_or(0.0)
            })
            .collect();
        self.form
            .evaluate(&self.curves, &clean)
            .expect("one finite, non-negative spend per curve is a valid split")
    }

    /// The exact best split of `total` within `bounds` (revenue is increasing in the
    /// curves' sum in both forms, so the optimum of the curves is the revenue optimum),
    /// evaluated in the model's form.
    ///
    /// # Errors
    /// As [`optimize::optimize`].
    pub fn optimum(&self, bounds: &[SpendBounds], total: f64) -> Result<Plan, OptimizeError> {
        optimize::optimize(&self.curves, bounds, total)
            .map(|allocation| self.evaluate(allocation.spend()))
    }

    /// What a budget state is compared with: the historical mix scaled to `total` and the
    /// exact optimal split of `total` within `bounds`, both evaluated. They depend on the
    /// total and the locks only, not on how the unlocked spend is split, so the page keeps
    /// them while a channel slider moves ([`Planner::scenario_against`]).
    pub fn references(&self, bounds: &[SpendBounds], total: f64) -> References {
        References {
            total,
            bounds: bounds.to_vec(),
            historical: self.evaluate(&scale_mix(&self.historical_mix, total)),
            optimal: self.optimum(bounds, total),
        }
    }

    /// Evaluates a budget state: `revenue = baseline + media` (`R(x)` of the model's form),
    /// the historical mix scaled to the same total, and the exact optimal split of the total
    /// with locked channels held at their spend.
    pub fn scenario(&self, budget: &BudgetState) -> Scenario {
        self.scenario_against(budget, &self.references(&budget.bounds(), budget.total()))
    }

    /// [`Planner::scenario`] with its references computed beforehand; `references` for
    /// another total or other locks than `budget`'s are not used (they are recomputed), so
    /// the result is always `scenario(budget)`.
    pub fn scenario_against(&self, budget: &BudgetState, references: &References) -> Scenario {
        let total = budget.total();
        let bounds = budget.bounds();
        let References {
            historical,
            optimal,
            ..
        } = if references.fit(total, &bounds) {
            references.clone()
        } else {
            self.references(&bounds, total)
        };
        let baseline = self.baseline();
        let current = self.evaluate(budget.spend());
        let placed = current.budget();
        let rows = (0..self.curves.len())
            .map(|c| {
                let spend = current.spend()[c];
                let contribution = current.contributions()[c];
                ChannelRow {
                    spend,
                    share: (placed > 0.0).then(|| spend / placed),
                    contribution,
                    historical_contribution: historical.contributions()[c],
                    roi: if spend > 0.0 {
                        contribution / spend
                    } else {
                        0.0
                    },
                    marginal_roi: Some(current.marginal_roi()[c]).filter(|m| m.is_finite()),
                    optimal_spend: optimal.as_ref().ok().map(|p| p.spend()[c]),
                    observed_max: self.observed_max.get(c).copied().unwrap_or(f64::INFINITY),
                }
            })
            .collect();
        Scenario {
            total,
            revenue: baseline + current.media_revenue(),
            baseline,
            historical_revenue: baseline + historical.media_revenue(),
            current,
            historical,
            optimal,
            rows,
        }
    }
}

/// The planner in `cell`, fitted by `fit` on the embedded data the first time it is asked
/// for: each of the shared planners of the native tests below is one call of this.
#[cfg(all(test, not(target_arch = "wasm32")))]
fn fitted_once<M: Into<PlanningModel>>(
    cell: &'static std::sync::OnceLock<Planner>,
    fit: impl FnOnce(&WeeklyData) -> M,
) -> &'static Planner {
    cell.get_or_init(|| {
        let e = crate::embedded::load().expect("embedded data loads");
        Planner::new(fit(&e.data), e.channels, &e.data)
    })
}

/// The planner fitted once on the embedded data with Weibull CDF carryover, shared by the
/// native tests.
#[cfg(all(test, not(target_arch = "wasm32")))]
pub(crate) fn fitted_weibull_planner() -> &'static Planner {
    static PLANNER: std::sync::OnceLock<Planner> = std::sync::OnceLock::new();
    fitted_once(&PLANNER, |data| {
        mixplan_core::model::ModelParams::new()
            .carryover(mixplan_core::transform::CarryoverForm::WeibullCdf)
            .check()
            .expect("Weibull parameters are valid")
            .fit(data, |_, _| {})
            .expect("model fits")
    })
}

/// The planner fitted once on the embedded data, shared by the native tests.
#[cfg(all(test, not(target_arch = "wasm32")))]
pub(crate) fn fitted_planner() -> &'static Planner {
    static PLANNER: std::sync::OnceLock<Planner> = std::sync::OnceLock::new();
    fitted_once(&PLANNER, |data| {
        mixplan_core::model::ModelParams::new()
            .check()
            .expect("default parameters are valid")
            .fit(data, |_, _| {})
            .expect("model fits")
    })
}

/// The planner fitted once on the embedded data in the multiplicative form (channels
/// multiply revenue; fitted to ln revenue), shared by the native tests.
#[cfg(all(test, not(target_arch = "wasm32")))]
pub(crate) fn fitted_multiplicative_planner() -> &'static Planner {
    static PLANNER: std::sync::OnceLock<Planner> = std::sync::OnceLock::new();
    fitted_once(&PLANNER, |data| {
        mixplan_core::model::ModelParams::new()
            .check()
            .expect("default parameters are valid")
            .fit_multiplicative(data, |_, _| {})
            .expect("the store's revenue is above zero every week")
    })
}

#[cfg(all(test, not(target_arch = "wasm32")))]
impl Planner {
    /// The same planner with other display names (tests of how names are shown).
    pub(crate) fn renamed(&self, names: &[&str]) -> Planner {
        let mut planner = self.clone();
        for (channel, name) in planner.channels.iter_mut().zip(names) {
            channel.name = (*name).to_owned();
        }
        planner
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use proptest::prelude::*;

    use super::*;

    fn planner() -> &'static Planner {
        fitted_planner()
    }

    /// A budget of `total` split in proportion to `weights`, channel `c` locked when
    /// `locks[c]`.
    fn locked_mix(total: f64, weights: &[f64], locks: &[bool]) -> BudgetState {
        let mut budget = BudgetState::from_mix(total, weights);
        for (c, lock) in locks.iter().enumerate() {
            budget.set_locked(c, *lock);
        }
        budget
    }

    #[test]
    fn the_historical_mix_at_its_own_total_matches_the_model() {
        let p = planner();
        let budget = BudgetState::from_mix(p.historical_total(), p.historical_mix());
        let s = p.scenario(&budget);
        assert!(s.change_vs_historical().abs() < 1e-6);
        let direct = p.model().predict(budget.spend()).unwrap();
        assert!((s.revenue - direct.revenue).abs() < 1e-6 * direct.revenue);
        for (row, c) in s.rows.iter().zip(&direct.contributions) {
            assert!((row.contribution - c).abs() < 1e-9 * (1.0 + c.abs()));
        }
        // The simulated store is built so that reallocating matters (issue #3: >= 10 %
        // of media revenue at the historical budget).
        let gap = s.gap_to_optimal().unwrap();
        assert!(
            gap > 0.05 * s.media(),
            "optimum gains {gap} over media revenue {}",
            s.media()
        );
    }

    #[test]
    fn shares_are_of_the_spend_actually_placed_even_when_locks_exceed_the_total() {
        // 30,000 + 20,000 locked, then the total lowered to 40,000: 50,000 is placed.
        let mut budget = BudgetState::from_mix(50_000.0, &[30_000.0, 20_000.0, 0.0, 0.0, 0.0]);
        budget.set_locked(0, true);
        budget.set_locked(1, true);
        budget.set_total(40_000.0);
        let s = planner().scenario(&budget);
        let placed: f64 = s.rows.iter().map(|r| r.spend).sum();
        assert!((placed - 50_000.0).abs() < 1e-6, "placed {placed}");
        assert_eq!(s.rows[0].share, Some(s.rows[0].spend / placed));
        assert_eq!(s.rows[1].share, Some(s.rows[1].spend / placed));
        let sum: f64 = s.rows.iter().filter_map(|r| r.share).sum();
        assert!((sum - 1.0).abs() < 1e-12, "shares add up to {sum}");

        let nothing = BudgetState::from_mix(0.0, &[1.0; 5]);
        let s = planner().scenario(&nothing);
        assert!(
            s.rows.iter().all(|r| r.share.is_none()),
            "no share of nothing"
        );
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]
        #[test]
        fn the_optimum_beats_the_current_split_and_holds_the_locks(
            total in 10_000.0f64..100_000.0,
            weights in prop::collection::vec(0.0f64..1.0, 5),
            locks in prop::collection::vec(any::<bool>(), 5),
        ) {
            let budget = locked_mix(total, &weights, &locks);
            let s = planner().scenario(&budget);
            let optimal = s.optimal.as_ref().expect("locks come from a balanced split, so an optimum exists");
            prop_assert!((optimal.spend().iter().sum::<f64>() - total).abs() <= 1e-9 * total);
            for (c, locked) in locks.iter().enumerate() {
                if *locked {
                    prop_assert_eq!(optimal.spend()[c], budget.spend()[c]);
                }
            }
            prop_assert!(s.optimal_revenue().unwrap() >= s.revenue - 1e-9 * s.revenue);
        }
    }

    /// Every number a row or the headline shows, for the "never NaN or inf" rule.
    fn shown_numbers(s: &Scenario) -> Vec<(String, f64)> {
        let mut numbers = vec![
            ("revenue".to_string(), s.revenue),
            ("historical revenue".to_string(), s.historical_revenue),
            ("roas".to_string(), s.roas()),
            ("change".to_string(), s.change_vs_historical()),
        ];
        numbers.extend(
            s.optimal_revenue()
                .map(|v| ("optimal revenue".to_string(), v)),
        );
        numbers.extend(s.gap_to_optimal().map(|v| ("gap".to_string(), v)));
        for (c, r) in s.rows.iter().enumerate() {
            let mut row = vec![
                ("spend", r.spend),
                ("contribution", r.contribution),
                ("historical contribution", r.historical_contribution),
                ("roi", r.roi),
            ];
            row.extend(r.share.map(|s| ("share", s)));
            row.extend(r.marginal_roi.map(|m| ("marginal roi", m)));
            row.extend(r.optimal_spend.map(|o| ("optimal spend", o)));
            numbers.extend(
                row.into_iter()
                    .map(|(what, v)| (format!("{what} of channel {c}"), v)),
            );
        }
        numbers
    }

    #[test]
    fn a_channel_at_zero_has_no_marginal_roi_only_if_its_curve_starts_vertically() {
        let p = planner();
        // The fitted store has a channel whose curve starts vertically (s < 1).
        assert!(p.curves().iter().any(|f| f.shape() < 1.0));
        for c in 0..p.channels().len() {
            let mut budget = BudgetState::from_mix(p.historical_total(), p.historical_mix());
            let mut spend = budget.spend().to_vec();
            spend[c] = 0.0;
            budget.apply(&spend);
            let s = p.scenario(&budget);
            let (row, curve) = (&s.rows[c], &p.curves()[c]);
            assert_eq!(row.spend, 0.0, "channel {c}");
            assert_eq!(row.contribution, 0.0);
            assert_eq!(row.roi, 0.0);
            let vertical = curve.shape() < 1.0 && curve.coefficient() > 0.0;
            assert_eq!(row.marginal_roi.is_none(), vertical, "channel {c}: {row:?}");
            for (what, v) in shown_numbers(&s) {
                assert!(v.is_finite(), "{what} = {v} with channel {c} at zero");
            }
        }
    }

    #[test]
    fn a_scenario_against_kept_references_is_the_scenario_and_stale_ones_are_not_used() {
        let p = planner();
        let before = BudgetState::from_mix(40_000.0, &[1.0, 2.0, 0.0, 3.0, 4.0]);
        let kept = p.references(&before.bounds(), before.total());
        // Another split of the same total, no locks: the kept references are this budget's.
        let moved = BudgetState::from_mix(40_000.0, &[4.0, 1.0, 1.0, 2.0, 2.0]);
        assert!(kept.fit(moved.total(), &moved.bounds()));
        assert_eq!(p.scenario_against(&moved, &kept), p.scenario(&moved));
        // Another total: the references are recomputed, not reused.
        let larger = BudgetState::from_mix(60_000.0, &[4.0, 1.0, 1.0, 2.0, 2.0]);
        assert!(!kept.fit(larger.total(), &larger.bounds()));
        let s = p.scenario_against(&larger, &kept);
        assert_eq!(s, p.scenario(&larger));
        assert_ne!(s.historical, kept.historical);
        // A lock: the optimum must hold it, so the kept references do not fit either.
        let mut locked = moved.clone();
        locked.set_locked(0, true);
        assert!(!kept.fit(locked.total(), &locked.bounds()));
        assert_eq!(p.scenario_against(&locked, &kept), p.scenario(&locked));
    }

    #[test]
    fn the_scenario_reuses_the_plan_evaluation() {
        let p = planner();
        let budget = BudgetState::from_mix(40_000.0, &[1.0, 2.0, 0.0, 3.0, 4.0]);
        let s = p.scenario(&budget);
        let plan = Plan::evaluate(p.curves(), budget.spend()).unwrap();
        assert_eq!(s.current, plan);
        assert_eq!(s.media(), plan.media_revenue());
        assert_eq!(s.roas(), plan.roas());
        for (c, row) in s.rows.iter().enumerate() {
            assert_eq!(row.contribution, plan.contributions()[c]);
            let m = plan.marginal_roi()[c];
            assert_eq!(row.marginal_roi, m.is_finite().then_some(m));
        }
        let uplift = s.uplift_vs_historical();
        assert!((uplift.absolute - (s.revenue - s.historical_revenue)).abs() < 1e-9 * s.revenue);
        assert_eq!(
            uplift.relative,
            Some(uplift.absolute / s.historical_revenue)
        );
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]
        /// Whatever the budget — zero total, channels at zero, locks — every number shown is
        /// finite.
        #[test]
        fn every_number_shown_is_finite(
            total in prop_oneof![Just(0.0), 0.0f64..200_000.0],
            weights in prop::collection::vec(prop_oneof![Just(0.0), 0.0f64..1.0], 5),
            locks in prop::collection::vec(any::<bool>(), 5),
        ) {
            let budget = locked_mix(total, &weights, &locks);
            let s = planner().scenario(&budget);
            for (what, v) in shown_numbers(&s) {
                prop_assert!(v.is_finite(), "{} = {}", what, v);
            }
        }
    }

    #[test]
    fn a_multiplicative_planner_evaluates_revenue_as_its_model_predicts() {
        let p = fitted_multiplicative_planner();
        assert!(p.revenue_form().is_multiplicative());
        let total = p.historical_total();
        let budget = locked_mix(total, p.historical_mix(), &vec![false; p.curves().len()]);
        let s = p.scenario(&budget);
        let direct = p.model().predict(budget.spend()).unwrap();
        assert!((s.revenue - direct.revenue).abs() < 1e-6 * direct.revenue);
        assert!((s.baseline - direct.baseline).abs() < 1e-9 * direct.baseline);
        for (row, expected) in s.rows.iter().zip(&direct.contributions) {
            assert!((row.contribution - expected).abs() < 1e-6 * expected.abs().max(1.0));
        }
        // The optimum beats the historical mix in revenue, as predicted by the model itself.
        let optimal = s.optimal.as_ref().expect("an optimum");
        let best = p.model().predict(optimal.spend()).unwrap().revenue;
        assert!(
            best >= s.historical_revenue - 1e-6,
            "{best} < {}",
            s.historical_revenue
        );
        assert!((s.optimal_revenue().unwrap() - best).abs() < 1e-6 * best);
    }

    #[test]
    fn spends_above_the_data_are_flagged() {
        let row = ChannelRow {
            spend: 1.0,
            share: Some(0.1),
            contribution: 1.0,
            historical_contribution: 1.0,
            roi: 1.0,
            marginal_roi: Some(1.0),
            optimal_spend: Some(5_000.0),
            observed_max: 4_000.0,
        };
        assert!(row.optimal_extrapolates());
        assert!(
            !ChannelRow {
                optimal_spend: Some(4_000.0),
                ..row.clone()
            }
            .optimal_extrapolates()
        );
        assert!(
            !ChannelRow {
                optimal_spend: None,
                ..row
            }
            .optimal_extrapolates()
        );
    }
}
