//! The plain and the mediation-aware budget split (see [`super`]).

use super::MediationReport;
use super::error::MediationError;
use crate::model::ModelForm;
use crate::optimize::{RevenueForm, SpendBounds, optimize};
use crate::response::HillResponse;
use serde::{Deserialize, Serialize};

/// One channel in both splits.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SplitChannel {
    /// The channel.
    pub channel: String,
    /// Weekly spend with each source valued at its direct effect.
    pub plain: f64,
    /// Weekly spend with each source valued at its total effect.
    pub mediation_aware: f64,
}

/// The two splits of one weekly budget.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MediationSplits {
    /// The weekly budget.
    pub budget: f64,
    /// Per channel, in the model's order.
    pub channels: Vec<SplitChannel>,
    /// Weekly media revenue of the plain split under the plain valuation (in the
    /// multiplicative form `B̄·(exp(Σ_c curve_c(x_c)) − 1)`, [`RevenueForm::media_revenue`]).
    pub plain_revenue: f64,
    /// Weekly media revenue of the mediation-aware split under the total-effect valuation.
    pub mediation_aware_revenue: f64,
    /// Weekly media revenue of the plain split under the total-effect valuation: what the
    /// plain split really earns if the indirect effect is real.
    pub plain_revenue_at_total_effect: f64,
}

impl MediationReport {
    /// The response curves the optimiser sees: `curves` (the fitted model's, one per
    /// channel: revenue curves `f_c` in the additive form, log curves `g_c` in the
    /// multiplicative) with each source's replaced by `β_s·hill_s(x)` (`total = false`) or
    /// `(β_s + δπ_s·G_s/H_s)·hill_s(x)` (`total = true`: the indirect path spread on the
    /// model's curve, `H_s = Σ_t h_{s,t}`, so that it sums to the source's direct plus indirect
    /// effect on stage 2's scale; `I_s/H_s` in the additive form), the model's `K_s`, `s_s`
    /// kept. A negative coefficient (possible in a noisy OLS fit) is taken as 0: the
    /// optimiser's curves cannot lose revenue.
    ///
    /// # Errors
    /// [`MediationError::Curve`] when `curves` does not hold every source.
    pub fn curves(
        &self,
        curves: &[HillResponse],
        total: bool,
    ) -> Result<Vec<HillResponse>, MediationError> {
        let mut adjusted = curves.to_vec();
        for source in &self.sources {
            let curve =
                adjusted
                    .get_mut(source.channel_index)
                    .ok_or_else(|| MediationError::Curve {
                        channel: source.channel.clone(),
                        reason: format!("{} curves given", curves.len()),
                    })?;
            let through = if total {
                source.indirect_coefficient
            } else {
                0.0
            };
            let coefficient = (source.direct_coefficient + through).max(0.0);
            *curve =
                HillResponse::with_saturation(coefficient, *curve.saturation()).map_err(|e| {
                    MediationError::Curve {
                        channel: source.channel.clone(),
                        reason: e.to_string(),
                    }
                })?;
        }
        Ok(adjusted)
    }

    /// Both splits of the weekly `budget` (no bounds beyond `x ≥ 0`) on an additive model's
    /// curves `curves` with channel names `names`, by the exact optimiser: media revenue is
    /// the curves' sum ([`MediationReport::splits_in_form`] with an additive form).
    ///
    /// # Errors
    /// As [`MediationReport::splits_in_form`].
    pub fn splits(
        &self,
        curves: &[HillResponse],
        names: &[String],
        budget: f64,
    ) -> Result<MediationSplits, MediationError> {
        self.splits_in_form(curves, names, budget, RevenueForm::Additive { base: 0.0 })
    }

    /// Both splits of the weekly `budget` (no bounds beyond `x ≥ 0`) on the model's curves
    /// `curves` (`f_c`, or the log curves `g_c` for a multiplicative `form`) with channel
    /// names `names`, by the exact optimiser. Revenue increases with the curves' sum in both
    /// forms ([`RevenueForm`]), so the split that maximises the sum maximises revenue; the
    /// revenues are the form's media revenue, `S` or `B̄·(e^S − 1)` with `S = Σ_c curve_c(x_c)`.
    ///
    /// # Errors
    /// [`MediationError::FormMismatch`] when `form` is not the estimate's form; as
    /// [`MediationReport::curves`]; [`MediationError::Optimize`] for an invalid budget.
    pub fn splits_in_form(
        &self,
        curves: &[HillResponse],
        names: &[String],
        budget: f64,
        form: RevenueForm,
    ) -> Result<MediationSplits, MediationError> {
        let asked = if form.is_multiplicative() {
            ModelForm::Multiplicative
        } else {
            ModelForm::Additive
        };
        if asked != self.form {
            return Err(MediationError::FormMismatch {
                estimated: self.form,
                asked,
            });
        }
        let plain_curves = self.curves(curves, false)?;
        let aware_curves = self.curves(curves, true)?;
        let solve = |c: &[HillResponse]| {
            optimize(c, &vec![SpendBounds::FREE; c.len()], budget)
                .map_err(|e| MediationError::Optimize(e.to_string()))
        };
        let plain = solve(&plain_curves)?;
        let aware = solve(&aware_curves)?;
        let revenue = |c: &[HillResponse], x: &[f64]| -> f64 {
            form.media_revenue(c.iter().zip(x).map(|(r, &v)| r.value(v)).sum())
        };
        Ok(MediationSplits {
            budget,
            channels: names
                .iter()
                .zip(plain.spend().iter().zip(aware.spend()))
                .map(|(name, (&p, &a))| SplitChannel {
                    channel: name.clone(),
                    plain: p,
                    mediation_aware: a,
                })
                .collect(),
            plain_revenue: revenue(&plain_curves, plain.spend()),
            mediation_aware_revenue: revenue(&aware_curves, aware.spend()),
            plain_revenue_at_total_effect: revenue(&aware_curves, plain.spend()),
        })
    }
}
