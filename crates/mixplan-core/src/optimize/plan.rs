//! Results: a [`Plan`] (any split, evaluated), an [`Allocation`] (the optimal split with
//! its solve facts) and the [`Uplift`] between two plans.

use super::curve::ResponseCurve;
use super::error::OptimizeError;
use super::problem::SpendBounds;
use crate::format::money;
use serde::{Deserialize, Serialize};

/// A weekly spend split evaluated on the response curves.
///
/// | field | meaning |
/// |---|---|
/// | `spend[c]` | weekly spend `x_c` |
/// | `contributions[c]` | `f_c(x_c)`, weekly media revenue of the channel |
/// | `marginal_roi[c]` | `f'_c(x_c)`, revenue from the next unit of spend |
/// | `media_revenue` | `Σ f_c(x_c)` (add the model's baseline for total revenue) |
/// | `budget` | `Σ x_c` |
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Plan {
    spend: Vec<f64>,
    contributions: Vec<f64>,
    marginal_roi: Vec<f64>,
    media_revenue: f64,
    budget: f64,
}

impl Plan {
    /// Evaluates a spend split.
    ///
    /// # Errors
    /// [`OptimizeError::LengthMismatch`] when `spend` has not one entry per curve,
    /// [`OptimizeError::InvalidSpend`] for a negative or non-finite spend.
    pub fn evaluate<C: ResponseCurve>(curves: &[C], spend: &[f64]) -> Result<Self, OptimizeError> {
        if spend.len() != curves.len() {
            return Err(OptimizeError::LengthMismatch {
                what: "spend",
                expected: curves.len(),
                found: spend.len(),
            });
        }
        if let Some((channel, &value)) = spend
            .iter()
            .enumerate()
            .find(|&(_, &x)| !(x.is_finite() && x >= 0.0))
        {
            return Err(OptimizeError::InvalidSpend { channel, value });
        }
        Ok(Self::from_valid(curves, spend.to_vec()))
    }

    /// Evaluates a split already known to be valid.
    pub(crate) fn from_valid<C: ResponseCurve>(curves: &[C], spend: Vec<f64>) -> Self {
        let contributions: Vec<f64> = curves
            .iter()
            .zip(&spend)
            .map(|(f, &x)| f.value(x))
            .collect();
        let marginal_roi = curves
            .iter()
            .zip(&spend)
            .map(|(f, &x)| f.marginal(x))
            .collect();
        Self {
            media_revenue: contributions.iter().sum(),
            budget: spend.iter().sum(),
            spend,
            contributions,
            marginal_roi,
        }
    }

    /// The split: weekly spend per channel.
    pub fn spend(&self) -> &[f64] {
        &self.spend
    }

    /// Weekly media revenue per channel, `f_c(x_c)`.
    pub fn contributions(&self) -> &[f64] {
        &self.contributions
    }

    /// Marginal ROI per channel, `f'_c(x_c)`.
    pub fn marginal_roi(&self) -> &[f64] {
        &self.marginal_roi
    }

    /// `Σ f_c(x_c)`.
    pub fn media_revenue(&self) -> f64 {
        self.media_revenue
    }

    /// `Σ x_c`.
    pub fn budget(&self) -> f64 {
        self.budget
    }

    /// Media ROAS `Σ f_c(x_c) / Σ x_c` (0 for an empty budget).
    pub fn roas(&self) -> f64 {
        if self.budget > 0.0 {
            self.media_revenue / self.budget
        } else {
            0.0
        }
    }

    /// How much `self` earns over `current` (media revenue).
    pub fn uplift_over(&self, current: &Plan) -> Uplift {
        Uplift::new(current.media_revenue, self.media_revenue)
    }
}

impl Plan {
    /// Evaluates a valid split of a model whose channels multiply revenue,
    /// `R(x) = base·exp(Σ_c g_c(x_c))` with `curves` the log curves `g_c`: each channel's
    /// contribution is its removal effect `R(x)·(1 − exp(−g_c(x_c)))`, its marginal ROI
    /// `∂R/∂x_c = R(x)·g_c'(x_c)`, and the media revenue `R(x) − base` (which the removal
    /// effects do not add up to: the product's cross terms belong to no channel alone).
    fn multiplicative<C: ResponseCurve>(curves: &[C], spend: Vec<f64>, base: f64) -> Self {
        let logs: Vec<f64> = curves
            .iter()
            .zip(&spend)
            .map(|(g, &x)| g.value(x))
            .collect();
        let revenue = base * logs.iter().sum::<f64>().exp();
        Self {
            contributions: logs.iter().map(|g| revenue * -(-g).exp_m1()).collect(),
            marginal_roi: curves
                .iter()
                .zip(&spend)
                .map(|(g, &x)| revenue * g.marginal(x))
                .collect(),
            media_revenue: revenue - base,
            budget: spend.iter().sum(),
            spend,
        }
    }
}

/// How a model's channel curves make weekly revenue: the one thing the planner needs to know
/// about the model's form besides its curves.
///
/// | form | revenue of a split `x` | channel `c`'s contribution | marginal ROI |
/// |---|---|---|---|
/// | additive | `R(x) = base + Σ_c f_c(x_c)` | `f_c(x_c)` | `f_c'(x_c)` |
/// | multiplicative | `R(x) = base·exp(Σ_c g_c(x_c))` | `R(x)·(1 − exp(−g_c(x_c)))` (removal effect) | `R(x)·g_c'(x_c)` |
///
/// In both, `R` increases with the curves' sum `S(x) = Σ_c curve_c(x_c)`
/// ([`RevenueForm::revenue`]), so the split that maximises revenue for a budget is the one
/// that maximises `S`: the exact optimiser on the curves serves both forms, and a revenue
/// target `T` is the curve-sum target [`RevenueForm::curve_sum_for`]`(T)`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RevenueForm {
    /// Channels add revenue to `base`, the weekly revenue without media.
    Additive {
        /// Weekly revenue without media.
        base: f64,
    },
    /// Channels multiply `base`, the weekly revenue without media (above zero).
    Multiplicative {
        /// Weekly revenue without media.
        base: f64,
    },
}

impl RevenueForm {
    /// Weekly revenue without media.
    pub fn base(&self) -> f64 {
        match *self {
            RevenueForm::Additive { base } | RevenueForm::Multiplicative { base } => base,
        }
    }

    /// Whether channels multiply revenue.
    pub fn is_multiplicative(&self) -> bool {
        matches!(self, RevenueForm::Multiplicative { .. })
    }

    /// Revenue of a split whose curves sum to `curve_sum`: `base + S` or `base·exp(S)`.
    pub fn revenue(&self, curve_sum: f64) -> f64 {
        match *self {
            RevenueForm::Additive { base } => base + curve_sum,
            RevenueForm::Multiplicative { base } => base * curve_sum.exp(),
        }
    }

    /// Media revenue of a split whose curves sum to `curve_sum`, the revenue it adds over no
    /// media: `φ(S) = revenue(S) − revenue(0)`, that is `S` (additive) or `base·(e^S − 1)`
    /// (multiplicative, computed with `exp_m1`). `φ` increases with `S` and, for a base above
    /// zero, is convex, which is what the target-ROAS search
    /// ([`Optimizer::solve_roas`](super::Optimizer::solve_roas)) needs.
    pub fn media_revenue(&self, curve_sum: f64) -> f64 {
        match *self {
            RevenueForm::Additive { .. } => curve_sum,
            RevenueForm::Multiplicative { base } => base * curve_sum.exp_m1(),
        }
    }

    /// The curve sum `S` whose revenue is `revenue` (the inverse of
    /// [`RevenueForm::revenue`]): `revenue − base`, or `ln(revenue / base)`; `None` in the
    /// multiplicative form for a revenue or base at or below zero, which no split reaches.
    pub fn curve_sum_for(&self, revenue: f64) -> Option<f64> {
        match *self {
            RevenueForm::Additive { base } => Some(revenue - base),
            RevenueForm::Multiplicative { base } => {
                (revenue > 0.0 && base > 0.0).then(|| (revenue / base).ln())
            }
        }
    }

    /// Evaluates a split on `curves` in this form (see the table above); the plan's
    /// [`Plan::media_revenue`] is `R(x) − base` in both forms.
    ///
    /// # Errors
    /// As [`Plan::evaluate`].
    pub fn evaluate<C: ResponseCurve>(
        &self,
        curves: &[C],
        spend: &[f64],
    ) -> Result<Plan, OptimizeError> {
        let plan = Plan::evaluate(curves, spend)?;
        Ok(match *self {
            RevenueForm::Additive { .. } => plan,
            RevenueForm::Multiplicative { base } => Plan::multiplicative(curves, plan.spend, base),
        })
    }
}

/// The gain of one plan over another: `absolute = new − current`,
/// `relative = absolute / current` (`None` when `current` is 0).
///
/// Computed on media revenue; [`Uplift::with_baseline`] re-expresses it on total revenue.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Uplift {
    /// Revenue of the plan compared against.
    pub current: f64,
    /// Revenue of the new plan.
    pub new: f64,
    /// `new − current`.
    pub absolute: f64,
    /// `(new − current) / current`, `None` when `current = 0`.
    pub relative: Option<f64>,
}

impl Uplift {
    /// Uplift from `current` to `new`.
    pub fn new(current: f64, new: f64) -> Self {
        let absolute = new - current;
        Self {
            current,
            new,
            absolute,
            relative: (current != 0.0).then(|| absolute / current),
        }
    }

    /// The same uplift on total revenue (media plus a `baseline` that both plans share): the
    /// absolute gain is unchanged, the relative one is taken over `current + baseline`.
    pub fn with_baseline(self, baseline: f64) -> Self {
        let current = self.current + baseline;
        Self {
            current,
            new: self.new + baseline,
            absolute: self.absolute,
            relative: (current != 0.0).then(|| self.absolute / current),
        }
    }
}

/// Where a channel's optimal spend sits relative to its bounds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub enum BoundStatus {
    /// Strictly inside its bounds: its marginal ROI equals the common level λ.
    Interior,
    /// At its minimum (marginal ROI ≤ λ; for an S-shaped channel, not worth funding).
    AtMin,
    /// At its maximum (marginal ROI ≥ λ).
    AtMax,
    /// Locked: minimum = maximum.
    Locked,
}

impl BoundStatus {
    /// Classifies `spend` within `bounds`, with a relative tolerance of 1e-9.
    pub fn classify(spend: f64, bounds: SpendBounds) -> Self {
        let tol = 1e-9 * spend.abs().max(1.0);
        if bounds.is_locked() {
            Self::Locked
        } else if spend <= bounds.min + tol {
            Self::AtMin
        } else if spend >= bounds.max - tol {
            Self::AtMax
        } else {
            Self::Interior
        }
    }
}

/// Statistics of one solve (argmin's "why it stopped", in small).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct SolveStats {
    /// Branch-and-bound nodes solved (1 when no S-shaped channel needed a decision).
    pub nodes: u32,
    /// Evaluations of the total-demand function `S(λ)` over all nodes.
    pub evaluations: u32,
    /// True when the search finished, so the split is optimal (to the documented
    /// tolerances); false only if the node cap was reached, in which case the split is the
    /// best found (still feasible, whole budget placed).
    pub proven_optimal: bool,
}

/// The optimal split of a [`BudgetProblem`](super::BudgetProblem).
///
/// Dereferences to its [`Plan`] (spend, contributions, marginal ROI, media revenue).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Allocation {
    plan: Plan,
    status: Vec<BoundStatus>,
    level: f64,
    stats: SolveStats,
}

impl Allocation {
    pub(crate) fn new(plan: Plan, status: Vec<BoundStatus>, level: f64, stats: SolveStats) -> Self {
        Self {
            plan,
            status,
            level,
            stats,
        }
    }

    /// The evaluated split.
    pub fn plan(&self) -> &Plan {
        &self.plan
    }

    /// Consumes the allocation, returning its plan.
    pub fn into_plan(self) -> Plan {
        self.plan
    }

    /// Per channel: interior, at its minimum, at its maximum or locked.
    pub fn bound_status(&self) -> &[BoundStatus] {
        &self.status
    }

    /// The common marginal return λ of the interior channels (the value of one more unit of
    /// budget); `NaN` when no channel is interior. In revenue, like the plan's marginal ROIs:
    /// for a [`RoasPlan`] in the multiplicative form it is `R(x)·λ`, `λ` the curves' multiplier.
    pub fn level(&self) -> f64 {
        self.level
    }

    /// Solve statistics.
    pub fn stats(&self) -> SolveStats {
        self.stats
    }

    /// The same allocation of `curves` with its figures in `form`: unchanged in the additive
    /// form; in the multiplicative form the plan is [`RevenueForm::evaluate`]d (media revenue
    /// `R(x) − base`, removal effects, marginal ROIs `R(x)·g_c'`) and the level `λ` (a
    /// marginal of the curve sum) becomes the marginal revenue of budget `R(x)·λ`.
    pub(crate) fn in_form<C: ResponseCurve>(self, curves: &[C], form: RevenueForm) -> Self {
        match form {
            RevenueForm::Additive { .. } => self,
            RevenueForm::Multiplicative { base } => {
                let plan = Plan::multiplicative(curves, self.plan.spend, base);
                let revenue = plan.media_revenue + base;
                Self {
                    level: self.level * revenue,
                    plan,
                    ..self
                }
            }
        }
    }

    /// A one-line note on the channels at a bound, e.g.
    /// `"Email is at its maximum (5,000.00); Display is locked at 2,000.00"`, or an empty
    /// string when every channel is interior. `names` has one name per channel (falls back
    /// to `channel N`).
    pub fn bound_note(&self, names: &[&str]) -> String {
        let mut parts = Vec::new();
        for (c, (&status, &spend)) in self.status.iter().zip(&self.plan.spend).enumerate() {
            let name = names
                .get(c)
                .map_or_else(|| format!("channel {c}"), |n| (*n).to_owned());
            let what = match status {
                BoundStatus::Interior => continue,
                BoundStatus::AtMin if spend == 0.0 => "gets nothing".to_owned(),
                BoundStatus::AtMin => format!("is at its minimum ({})", money(spend)),
                BoundStatus::AtMax => format!("is at its maximum ({})", money(spend)),
                BoundStatus::Locked => format!("is locked at {}", money(spend)),
            };
            parts.push(format!("{name} {what}"));
        }
        parts.join("; ")
    }
}

impl std::ops::Deref for Allocation {
    type Target = Plan;

    fn deref(&self) -> &Plan {
        &self.plan
    }
}

/// The answer to a [`RoasProblem`](super::RoasProblem): the largest budget meeting the
/// target and its optimal split.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RoasPlan {
    /// The largest budget whose optimal media ROAS is at least the target.
    pub budget: f64,
    /// The optimal split of that budget, evaluated in the problem's
    /// [`RevenueForm`](super::RoasProblem::form) (its [`Plan::roas`], media revenue of the
    /// form ÷ budget, is ≥ the target).
    pub allocation: Allocation,
    /// Budget problems solved by the search.
    pub solves: u32,
}

/// Scales a mix (e.g. historical average spend per channel) to a budget, keeping its
/// shares: `x_c = B · m_c / Σ m`. An all-zero mix becomes an equal split. Negative or
/// non-finite entries count as zero.
pub fn scale_mix(mix: &[f64], budget: f64) -> Vec<f64> {
    let clean = |m: f64| if m.is_finite() && m > 0.0 { m } else { 0.0 };
    let total: f64 = mix.iter().map(|&m| clean(m)).sum();
    if total > 0.0 {
        mix.iter().map(|&m| budget * clean(m) / total).collect()
    } else if mix.is_empty() {
        Vec::new()
    } else {
        vec![budget / mix.len() as f64; mix.len()]
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::response::HillResponse;

    #[test]
    fn evaluate_checks_and_sums() {
        let c = [
            HillResponse::new(100.0, 10.0, 1.0).unwrap(),
            HillResponse::new(50.0, 10.0, 2.0).unwrap(),
        ];
        let p = Plan::evaluate(&c, &[10.0, 10.0]).unwrap();
        assert_eq!(p.contributions(), &[50.0, 25.0]);
        assert_eq!(p.media_revenue(), 75.0);
        assert_eq!(p.budget(), 20.0);
        assert_eq!(p.roas(), 3.75);
        assert!(matches!(
            Plan::evaluate(&c, &[1.0]),
            Err(OptimizeError::LengthMismatch { .. })
        ));
        assert!(matches!(
            Plan::evaluate(&c, &[1.0, f64::NAN]),
            Err(OptimizeError::InvalidSpend { channel: 1, .. })
        ));
    }

    #[test]
    fn uplift_and_baseline() {
        let u = Uplift::new(100.0, 120.0);
        assert_eq!(u.absolute, 20.0);
        assert_eq!(u.relative, Some(0.2));
        let t = u.with_baseline(100.0);
        assert_eq!(t.absolute, 20.0);
        assert_eq!(t.relative, Some(0.1));
        assert_eq!(Uplift::new(0.0, 5.0).relative, None);
    }

    #[test]
    fn scale_mix_keeps_shares() {
        assert_eq!(scale_mix(&[1.0, 3.0], 100.0), vec![25.0, 75.0]);
        assert_eq!(scale_mix(&[0.0, 0.0], 10.0), vec![5.0, 5.0]);
        assert_eq!(scale_mix(&[f64::NAN, 2.0], 10.0), vec![0.0, 10.0]);
    }

    #[test]
    fn classify_bounds() {
        let b = SpendBounds::new(10.0, 20.0);
        assert_eq!(BoundStatus::classify(10.0, b), BoundStatus::AtMin);
        assert_eq!(BoundStatus::classify(20.0, b), BoundStatus::AtMax);
        assert_eq!(BoundStatus::classify(15.0, b), BoundStatus::Interior);
        assert_eq!(
            BoundStatus::classify(5.0, SpendBounds::locked(5.0)),
            BoundStatus::Locked
        );
    }

    #[test]
    fn the_multiplicative_form_evaluates_removal_effects_and_marginal_revenue() {
        use crate::response::HillResponse;
        let curves = [
            HillResponse::new(0.2, 1_000.0, 1.2).unwrap(),
            HillResponse::new(0.05, 500.0, 0.8).unwrap(),
        ];
        let spend = [1_500.0, 300.0];
        let form = RevenueForm::Multiplicative { base: 10_000.0 };
        let plan = form.evaluate(&curves, &spend).unwrap();
        let g: Vec<f64> = curves
            .iter()
            .zip(&spend)
            .map(|(c, &x)| c.value(x))
            .collect();
        let revenue = 10_000.0 * (g[0] + g[1]).exp();
        assert!((plan.media_revenue() - (revenue - 10_000.0)).abs() < 1e-9);
        assert!((form.revenue(g[0] + g[1]) - revenue).abs() < 1e-9);
        // Media revenue of a curve sum: revenue(S) − revenue(0).
        let media = form.media_revenue(g[0] + g[1]);
        assert!((media - plan.media_revenue()).abs() < 1e-9 * media);
        assert_eq!(form.media_revenue(0.0), 0.0);
        assert_eq!(RevenueForm::Additive { base: 7.0 }.media_revenue(0.3), 0.3);
        for c in 0..2 {
            // Removal effect: revenue lost when the channel alone is switched off.
            let without = 10_000.0 * (g[1 - c]).exp();
            assert!((plan.contributions()[c] - (revenue - without)).abs() < 1e-8);
            // Marginal revenue against a central difference of R.
            let h = 1e-3;
            let mut up = spend;
            up[c] += h;
            let mut down = spend;
            down[c] -= h;
            let r = |x: &[f64]| form.evaluate(&curves, x).unwrap().media_revenue();
            let numeric = (r(&up) - r(&down)) / (2.0 * h);
            assert!((plan.marginal_roi()[c] - numeric).abs() < 1e-6 * numeric.abs().max(1.0));
        }
        // The removal effects add up to more than the media revenue: the cross term
        // R·(1 − e^{−g_1})(1 − e^{−g_2}) is lost whichever channel is switched off.
        let sum: f64 = plan.contributions().iter().sum();
        let cross = revenue * (1.0 - (-g[0]).exp()) * (1.0 - (-g[1]).exp());
        assert!((sum - plan.media_revenue() - cross).abs() < 1e-8);
        // Revenue ↔ curve sum round trip, and what no split reaches.
        let s = form.curve_sum_for(revenue).unwrap();
        assert!((s - (g[0] + g[1])).abs() < 1e-12);
        assert_eq!(form.curve_sum_for(0.0), None);
        let additive = RevenueForm::Additive { base: -50.0 };
        assert_eq!(additive.curve_sum_for(100.0), Some(150.0));
        assert_eq!(
            additive.evaluate(&curves, &spend).unwrap(),
            Plan::evaluate(&curves, &spend).unwrap()
        );
    }
}
