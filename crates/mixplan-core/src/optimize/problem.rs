//! Problem definitions: unchecked [`SpendBounds`] in, validated [`BudgetProblem`] and
//! [`RoasProblem`] out. Nothing is solved here; every check runs before any work.

use super::curve::ResponseCurve;
use super::error::OptimizeError;
use super::plan::RevenueForm;

/// One channel's allowed weekly spend `[min, max]`: the unchecked parameters.
///
/// | field | meaning | default | range |
/// |---|---|---|---|
/// | `min` | smallest allowed spend | `0` | finite, ≥ 0 |
/// | `max` | largest allowed spend | `+∞` | ≥ `min` (may be `+∞`) |
///
/// A **locked** channel has `min = max`. Checked when a problem is built.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SpendBounds {
    /// Smallest allowed weekly spend.
    pub min: f64,
    /// Largest allowed weekly spend (`f64::INFINITY` for none).
    pub max: f64,
}

impl Default for SpendBounds {
    fn default() -> Self {
        Self::FREE
    }
}

impl SpendBounds {
    /// `[0, ∞)`: no constraint beyond the budget.
    pub const FREE: Self = Self {
        min: 0.0,
        max: f64::INFINITY,
    };

    /// `[min, max]`.
    pub fn new(min: f64, max: f64) -> Self {
        Self { min, max }
    }

    /// Spend fixed at `spend` (`min = max`).
    pub fn locked(spend: f64) -> Self {
        Self {
            min: spend,
            max: spend,
        }
    }

    /// `[min, ∞)`.
    pub fn at_least(min: f64) -> Self {
        Self {
            min,
            max: f64::INFINITY,
        }
    }

    /// `[0, max]`.
    pub fn at_most(max: f64) -> Self {
        Self { min: 0.0, max }
    }

    /// True when `min = max`.
    pub fn is_locked(&self) -> bool {
        self.min == self.max
    }

    fn check(self, channel: usize) -> Result<Self, OptimizeError> {
        let ok = self.min.is_finite() && self.min >= 0.0 && self.max >= self.min;
        if ok {
            Ok(self)
        } else {
            Err(OptimizeError::InvalidBounds {
                channel,
                min: self.min,
                max: self.max,
            })
        }
    }
}

/// Checks the bounds (one per curve, or none for all [`SpendBounds::FREE`]) and returns them.
fn checked_bounds(n: usize, bounds: &[SpendBounds]) -> Result<Vec<SpendBounds>, OptimizeError> {
    if n == 0 {
        return Err(OptimizeError::NoChannels);
    }
    if bounds.is_empty() {
        return Ok(vec![SpendBounds::FREE; n]);
    }
    if bounds.len() != n {
        return Err(OptimizeError::LengthMismatch {
            what: "bounds",
            expected: n,
            found: bounds.len(),
        });
    }
    bounds.iter().enumerate().map(|(c, b)| b.check(c)).collect()
}

/// `(Σ min, Σ max)` of checked bounds.
fn bound_sums(bounds: &[SpendBounds]) -> (f64, f64) {
    bounds
        .iter()
        .fold((0.0, 0.0), |(lo, hi), b| (lo + b.min, hi + b.max))
}

/// The validated problem: maximise `Σ f_c(x_c)` subject to `Σ x_c = B` and
/// `min_c ≤ x_c ≤ max_c`.
///
/// Built by [`BudgetProblem::new`] (plain budget, with any mix of minimums, maximums and
/// locks) or [`BudgetProblem::extra_budget`] (where should `X` more go, given the current
/// plan). Construction guarantees `Σ min ≤ B ≤ Σ max`, so a built problem always has a
/// solution that places the whole budget. Borrows the curves; owns its `n` bounds.
#[derive(Debug, Clone)]
pub struct BudgetProblem<'a, C> {
    curves: &'a [C],
    bounds: Vec<SpendBounds>,
    budget: f64,
}

impl<'a, C: ResponseCurve> BudgetProblem<'a, C> {
    /// Checks and builds the problem.
    ///
    /// `bounds` has one entry per curve, or is empty for "all free".
    ///
    /// # Errors
    /// [`OptimizeError::NoChannels`], [`OptimizeError::LengthMismatch`],
    /// [`OptimizeError::InvalidBounds`], [`OptimizeError::InvalidBudget`] (negative or not
    /// finite), and when the bounds cannot meet the budget
    /// [`OptimizeError::MinimumsExceedBudget`] or [`OptimizeError::MaximumsBelowBudget`],
    /// which carry the gap.
    pub fn new(
        curves: &'a [C],
        bounds: &[SpendBounds],
        budget: f64,
    ) -> Result<Self, OptimizeError> {
        let bounds = checked_bounds(curves.len(), bounds)?;
        Self::from_checked(curves, bounds, budget)
    }

    /// Extra-budget mode: given the current plan `current` and `extra` more to spend, the
    /// problem whose minimums are `max(min_c, current_c)` and whose budget is
    /// `Σ current + extra`, so nothing already spent is taken away.
    ///
    /// # Errors
    /// As [`BudgetProblem::new`], plus [`OptimizeError::InvalidSpend`] for a bad current
    /// spend, [`OptimizeError::InvalidExtraBudget`] and
    /// [`OptimizeError::CurrentAboveMaximum`].
    pub fn extra_budget(
        curves: &'a [C],
        bounds: &[SpendBounds],
        current: &[f64],
        extra: f64,
    ) -> Result<Self, OptimizeError> {
        let mut bounds = checked_bounds(curves.len(), bounds)?;
        if current.len() != curves.len() {
            return Err(OptimizeError::LengthMismatch {
                what: "current spend",
                expected: curves.len(),
                found: current.len(),
            });
        }
        if !(extra.is_finite() && extra >= 0.0) {
            return Err(OptimizeError::InvalidExtraBudget(extra));
        }
        let mut spent = 0.0;
        for (channel, (b, &x)) in bounds.iter_mut().zip(current).enumerate() {
            if !(x.is_finite() && x >= 0.0) {
                return Err(OptimizeError::InvalidSpend { channel, value: x });
            }
            if x > b.max {
                return Err(OptimizeError::CurrentAboveMaximum {
                    channel,
                    current: x,
                    max: b.max,
                });
            }
            b.min = b.min.max(x);
            spent += x;
        }
        Self::from_checked(curves, bounds, spent + extra)
    }

    fn from_checked(
        curves: &'a [C],
        bounds: Vec<SpendBounds>,
        budget: f64,
    ) -> Result<Self, OptimizeError> {
        if !(budget.is_finite() && budget >= 0.0) {
            return Err(OptimizeError::InvalidBudget(budget));
        }
        let (minimums, maximums) = bound_sums(&bounds);
        // A relative slack of a few ulps so that bounds typed to add up to the budget exactly
        // are not rejected for rounding.
        let slack = 1e-12 * budget.max(minimums);
        if minimums > budget + slack {
            return Err(OptimizeError::MinimumsExceedBudget {
                minimums,
                budget,
                excess: minimums - budget,
            });
        }
        if maximums < budget - slack {
            return Err(OptimizeError::MaximumsBelowBudget {
                maximums,
                budget,
                shortfall: budget - maximums,
            });
        }
        Ok(Self {
            curves,
            bounds,
            budget,
        })
    }

    /// The curves, one per channel.
    pub fn curves(&self) -> &'a [C] {
        self.curves
    }

    /// The checked bounds, one per channel (in extra-budget mode, minimums raised to the
    /// current plan).
    pub fn bounds(&self) -> &[SpendBounds] {
        &self.bounds
    }

    /// The budget `B` to place.
    pub fn budget(&self) -> f64 {
        self.budget
    }

    /// Number of channels.
    pub fn len(&self) -> usize {
        self.curves.len()
    }

    /// Always false: a built problem has at least one channel.
    pub fn is_empty(&self) -> bool {
        self.curves.is_empty()
    }
}

/// The validated target-ROAS problem: the **largest** budget `B ≤ max_budget` whose optimal
/// media ROAS `φ(S*(B))/B` is at least `target`, where `S*(B)` is the optimal curve sum
/// `Σ_c f_c(x_c)` of the [`BudgetProblem`] with budget `B` and the same bounds, and
/// `φ(S) = revenue(S) − revenue(0)` the media revenue of the model's [`RevenueForm`]
/// ([`RevenueForm::media_revenue`]):
///
/// | form | media revenue `φ(S)` | set by |
/// |---|---|---|
/// | additive (default) | `S` | [`RoasProblem::new`] |
/// | multiplicative, base `B̄ > 0` | `B̄·(e^S − 1)` | [`RoasProblem::with_form`] |
///
/// Revenue increases with `S` in both forms, so the split that maximises `S` for a budget
/// maximises its media revenue and its ROAS: `φ(S*(B))/B` is the optimal media ROAS.
#[derive(Debug, Clone)]
pub struct RoasProblem<'a, C> {
    pub(crate) curves: &'a [C],
    pub(crate) bounds: Vec<SpendBounds>,
    pub(crate) target: f64,
    /// How the curves make revenue (additive unless [`RoasProblem::with_form`] says).
    pub(crate) form: RevenueForm,
    /// Smallest budget the bounds allow (Σ min).
    pub(crate) floor: f64,
    /// min(Σ max, max budget): the budget limit before the saturation bound.
    limit: f64,
    /// Σ sup f_c: no split's curve sum exceeds it.
    saturation: f64,
    /// Largest budget worth searching: min(Σ max, max budget, φ(Σ sup f) / target).
    pub(crate) ceiling: f64,
}

impl<'a, C: ResponseCurve> RoasProblem<'a, C> {
    /// Checks and builds the problem in the additive form (media revenue = the curves' sum).
    /// `max_budget` optionally caps the budget (`None`: only the channel maximums and the
    /// curves' saturation levels cap it).
    ///
    /// # Errors
    /// [`OptimizeError::NoChannels`], [`OptimizeError::LengthMismatch`],
    /// [`OptimizeError::InvalidBounds`], [`OptimizeError::InvalidTargetRoas`],
    /// [`OptimizeError::InvalidBudget`] for a bad cap, [`OptimizeError::MinimumsExceedBudget`]
    /// when the minimums exceed the cap, and [`OptimizeError::UnboundedRoasSearch`] when
    /// nothing bounds the search.
    pub fn new(
        curves: &'a [C],
        bounds: &[SpendBounds],
        target: f64,
        max_budget: Option<f64>,
    ) -> Result<Self, OptimizeError> {
        let bounds = checked_bounds(curves.len(), bounds)?;
        if !(target.is_finite() && target > 0.0) {
            return Err(OptimizeError::InvalidTargetRoas(target));
        }
        let cap = match max_budget {
            Some(b) if !(b.is_finite() && b >= 0.0) => return Err(OptimizeError::InvalidBudget(b)),
            Some(b) => b,
            None => f64::INFINITY,
        };
        let (floor, maximums) = bound_sums(&bounds);
        if floor > cap {
            return Err(OptimizeError::MinimumsExceedBudget {
                minimums: floor,
                budget: cap,
                excess: floor - cap,
            });
        }
        let saturation: f64 = curves.iter().map(ResponseCurve::supremum).sum();
        let mut problem = Self {
            curves,
            bounds,
            target,
            form: RevenueForm::Additive { base: 0.0 },
            floor,
            limit: cap.min(maximums),
            saturation,
            ceiling: f64::NAN,
        };
        problem.ceiling = problem.checked_ceiling()?;
        Ok(problem)
    }

    /// The same problem with its media revenue in `form` ([`RevenueForm::media_revenue`]):
    /// in the multiplicative form the ROAS is `B̄·(e^{S*(B)} − 1)/B`, and the search ceiling
    /// uses `B̄·(e^{Σ sup f} − 1)`. The additive form (any base: media revenue does not
    /// depend on it) is [`RoasProblem::new`]'s.
    ///
    /// # Errors
    /// [`OptimizeError::InvalidRevenueBase`] for a multiplicative base that is not a finite
    /// amount above zero (no split raises such a revenue, and its media revenue is not an
    /// increasing convex function of the curve sum), [`OptimizeError::UnboundedRoasSearch`]
    /// when nothing bounds the search in this form.
    pub fn with_form(mut self, form: RevenueForm) -> Result<Self, OptimizeError> {
        if let RevenueForm::Multiplicative { base } = form
            && !(base.is_finite() && base > 0.0)
        {
            return Err(OptimizeError::InvalidRevenueBase(base));
        }
        self.form = form;
        self.ceiling = self.checked_ceiling()?;
        Ok(self)
    }

    /// `max(floor, min(limit, φ(Σ sup f) / target))`: `S*(B) ≤ Σ sup f_c` and `φ` increases,
    /// so `φ(S*(B))/B ≥ target` needs `B ≤ φ(Σ sup f_c) / target`.
    fn checked_ceiling(&self) -> Result<f64, OptimizeError> {
        let most = self.form.media_revenue(self.saturation);
        let ceiling = self.limit.min(most / self.target).max(self.floor);
        if ceiling.is_finite() {
            Ok(ceiling)
        } else {
            Err(OptimizeError::UnboundedRoasSearch)
        }
    }

    /// The target media ROAS.
    pub fn target(&self) -> f64 {
        self.target
    }

    /// The checked bounds.
    pub fn bounds(&self) -> &[SpendBounds] {
        &self.bounds
    }

    /// How the curves make revenue, hence what media revenue is (additive unless set by
    /// [`RoasProblem::with_form`]).
    pub fn form(&self) -> RevenueForm {
        self.form
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::response::HillResponse;

    fn curves() -> Vec<HillResponse> {
        vec![
            HillResponse::new(1000.0, 100.0, 1.0).unwrap(),
            HillResponse::new(2000.0, 300.0, 2.0).unwrap(),
        ]
    }

    #[test]
    fn rejects_bad_input_with_the_fix() {
        let c = curves();
        let none: [HillResponse; 0] = [];
        assert_eq!(
            BudgetProblem::new(&none, &[], 1.0).unwrap_err(),
            OptimizeError::NoChannels
        );
        assert!(matches!(
            BudgetProblem::new(&c, &[SpendBounds::FREE], 1.0),
            Err(OptimizeError::LengthMismatch {
                expected: 2,
                found: 1,
                ..
            })
        ));
        for budget in [-1.0, f64::NAN, f64::INFINITY] {
            assert!(matches!(
                BudgetProblem::new(&c, &[], budget),
                Err(OptimizeError::InvalidBudget(_))
            ));
        }
        for bad in [
            SpendBounds::new(-1.0, 5.0),
            SpendBounds::new(5.0, 1.0),
            SpendBounds::new(f64::NAN, 1.0),
            SpendBounds::new(0.0, f64::NAN),
            SpendBounds::new(f64::INFINITY, f64::INFINITY),
        ] {
            assert!(matches!(
                BudgetProblem::new(&c, &[SpendBounds::FREE, bad], 10.0),
                Err(OptimizeError::InvalidBounds { channel: 1, .. })
            ));
        }
        let e = BudgetProblem::new(
            &c,
            &[SpendBounds::at_least(700.0), SpendBounds::locked(500.0)],
            1000.0,
        )
        .unwrap_err();
        assert_eq!(
            e,
            OptimizeError::MinimumsExceedBudget {
                minimums: 1200.0,
                budget: 1000.0,
                excess: 200.0
            }
        );
        let e = BudgetProblem::new(
            &c,
            &[SpendBounds::at_most(100.0), SpendBounds::at_most(200.0)],
            1000.0,
        )
        .unwrap_err();
        assert!(e.to_string().contains("700.00 less than the budget"), "{e}");
    }

    #[test]
    fn extra_budget_raises_minimums() {
        let c = curves();
        let p = BudgetProblem::extra_budget(&c, &[], &[100.0, 200.0], 50.0).unwrap();
        assert_eq!(p.budget(), 350.0);
        assert_eq!(p.bounds()[0].min, 100.0);
        assert_eq!(p.bounds()[1].min, 200.0);
        assert!(matches!(
            BudgetProblem::extra_budget(&c, &[], &[100.0, -1.0], 50.0),
            Err(OptimizeError::InvalidSpend { channel: 1, .. })
        ));
        assert!(matches!(
            BudgetProblem::extra_budget(&c, &[], &[100.0, 1.0], -5.0),
            Err(OptimizeError::InvalidExtraBudget(_))
        ));
        assert!(matches!(
            BudgetProblem::extra_budget(
                &c,
                &[SpendBounds::at_most(50.0), SpendBounds::FREE],
                &[100.0, 1.0],
                5.0
            ),
            Err(OptimizeError::CurrentAboveMaximum { channel: 0, .. })
        ));
    }

    #[test]
    fn roas_problem_checks_target_and_ceiling() {
        let c = curves();
        for bad in [0.0, -1.0, f64::NAN, f64::INFINITY] {
            assert!(matches!(
                RoasProblem::new(&c, &[], bad, None),
                Err(OptimizeError::InvalidTargetRoas(_))
            ));
        }
        let p = RoasProblem::new(&c, &[], 2.0, None).unwrap();
        assert_eq!(p.ceiling, 1500.0);
        let p = RoasProblem::new(&c, &[], 2.0, Some(800.0)).unwrap();
        assert_eq!(p.ceiling, 800.0);
    }
}
