//! The posterior as the page needs it: per draw and channel the steady-state Hill response
//! (β, K, s), the whole-history ROI, and the sampler's convergence report. Compact (a few
//! numbers per draw and channel), so it crosses from the worker to the page cheaply.
//!
//! Built in the worker from the core's [`Posterior`]; everything the page shows about
//! uncertainty is computed from it ([`super::intervals`]).

use mixplan_core::model::MultiplicativePosterior;
use mixplan_core::model::posterior::{Diagnostics, Posterior};
use mixplan_core::response::HillResponse;
use serde::{Deserialize, Serialize};

/// Why draws could not be used.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum DrawsError {
    /// The posterior has no draws, or no channels.
    #[error("the posterior has no draws")]
    Empty,
    /// The channels do not all have the same number of draws.
    #[error("channel {channel} has {found} draws where the others have {expected}")]
    Ragged {
        /// The channel's index.
        channel: usize,
        /// Draws of the first channel.
        expected: usize,
        /// Draws of this channel.
        found: usize,
    },
}

/// Posterior draws of every channel's steady-state response and ROI, with diagnostics.
/// `curves[c][d]` is channel `c`'s response `f_{c,d}(x) = β_{c,d} x^{s_{c,d}} / (x^{s_{c,d}} + K_{c,d}^{s_{c,d}})`
/// under draw `d`. Every channel has the same number of draws `D ≥ 1` (checked by
/// [`PosteriorDraws::new`]).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PosteriorDraws {
    curves: Vec<Vec<HillResponse>>,
    roi: Vec<Vec<f64>>,
    diagnostics: Diagnostics,
    /// Per draw `B̄_d`, the weekly revenue without media, when channels multiply revenue
    /// (`curves` are then the log curves `g_{c,d}`); `None` when they add to it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    bases: Option<Vec<f64>>,
    /// Leapfrog steps (gradient evaluations) of the whole run, warm-up included: its cost.
    /// 0 when the draws were not built from a sampler's run.
    #[serde(default)]
    leapfrog_steps: u64,
}

impl PosteriorDraws {
    /// Draws from per-channel curves and ROIs.
    ///
    /// # Errors
    /// [`DrawsError::Empty`] with no channel or no draw; [`DrawsError::Ragged`] when the
    /// channels (curves or ROIs) do not all have the same number of draws.
    pub fn new(
        curves: Vec<Vec<HillResponse>>,
        roi: Vec<Vec<f64>>,
        diagnostics: Diagnostics,
    ) -> Result<Self, DrawsError> {
        let expected = curves.first().map_or(0, Vec::len);
        if expected == 0 || roi.len() != curves.len() {
            return Err(DrawsError::Empty);
        }
        for (channel, (c, r)) in curves.iter().zip(&roi).enumerate() {
            for found in [c.len(), r.len()] {
                if found != expected {
                    return Err(DrawsError::Ragged {
                        channel,
                        expected,
                        found,
                    });
                }
            }
        }
        Ok(Self {
            curves,
            roi,
            diagnostics,
            bases: None,
            leapfrog_steps: 0,
        })
    }

    /// The page's draws of a multiplicative model's posterior: per draw the log curves
    /// `g_{c,d}`, the revenue ROIs (removal effect ÷ spend) and `B̄_d`.
    ///
    /// # Errors
    /// As [`PosteriorDraws::new`], and [`DrawsError::Ragged`] when the bases are not one per
    /// draw.
    pub fn from_multiplicative(posterior: &MultiplicativePosterior) -> Result<Self, DrawsError> {
        let log = posterior.log_posterior();
        let channels = log.channels().len();
        let roi = (0..channels)
            .map(|c| posterior.roi_draws(c).map(<[f64]>::to_vec))
            .collect::<Result<Vec<_>, _>>()
            .map_err(|_| DrawsError::Empty)?;
        let mut draws = Self::new_multiplicative(
            log.channels().iter().map(|c| c.responses.clone()).collect(),
            roi,
            posterior.base_levels().to_vec(),
            log.diagnostics().clone(),
        )?;
        draws.leapfrog_steps = log.leapfrog_steps();
        Ok(draws)
    }

    /// Draws of a model whose channels multiply revenue: `curves[c][d]` is channel `c`'s log
    /// curve `g_{c,d}` (in units of ln revenue) under draw `d`, `roi[c][d]` its revenue ROI,
    /// `bases[d]` the draw's weekly revenue without media `B̄_d`, so that the draw's revenue
    /// of a split is `R_d(x) = B̄_d·exp(Σ_c g_{c,d}(x_c))`.
    ///
    /// # Errors
    /// As [`PosteriorDraws::new`], and [`DrawsError::Ragged`] (channel 0) when the bases are
    /// not one per draw.
    pub fn new_multiplicative(
        curves: Vec<Vec<HillResponse>>,
        roi: Vec<Vec<f64>>,
        bases: Vec<f64>,
        diagnostics: Diagnostics,
    ) -> Result<Self, DrawsError> {
        let mut draws = Self::new(curves, roi, diagnostics)?;
        if bases.len() != draws.draws() {
            return Err(DrawsError::Ragged {
                channel: 0,
                expected: draws.draws(),
                found: bases.len(),
            });
        }
        draws.bases = Some(bases);
        Ok(draws)
    }

    /// Per draw `B̄_d`, the weekly revenue without media, when channels multiply revenue;
    /// `None` when they add to it.
    pub fn bases(&self) -> Option<&[f64]> {
        self.bases.as_deref()
    }

    /// Whether channels multiply revenue (the curves are log curves).
    pub fn is_multiplicative(&self) -> bool {
        self.bases.is_some()
    }

    /// The page's draws of the core's posterior.
    ///
    /// # Errors
    /// As [`PosteriorDraws::new`].
    pub fn from_posterior(posterior: &Posterior) -> Result<Self, DrawsError> {
        let channels = posterior.channels();
        let mut draws = Self::new(
            channels.iter().map(|c| c.responses.clone()).collect(),
            channels.iter().map(|c| c.roi.clone()).collect(),
            posterior.diagnostics().clone(),
        )?;
        draws.leapfrog_steps = posterior.leapfrog_steps();
        Ok(draws)
    }

    /// Number of channels.
    pub fn channels(&self) -> usize {
        self.curves.len()
    }

    /// Number of draws `D` (all chains).
    pub fn draws(&self) -> usize {
        self.curves.first().map_or(0, Vec::len)
    }

    /// Channel `c`'s response curve under every draw (empty for an unknown channel).
    pub fn curves(&self, channel: usize) -> &[HillResponse] {
        self.curves.get(channel).map_or(&[], Vec::as_slice)
    }

    /// Channel `c`'s whole-history ROI (total contribution ÷ total spend) under every draw.
    pub fn roi(&self, channel: usize) -> &[f64] {
        self.roi.get(channel).map_or(&[], Vec::as_slice)
    }

    /// R̂, bulk ESS, divergences and the converged flag of the run.
    pub fn diagnostics(&self) -> &Diagnostics {
        &self.diagnostics
    }

    /// Leapfrog steps of the run that drew these (warm-up included; 0 when unknown).
    pub fn leapfrog_steps(&self) -> u64 {
        self.leapfrog_steps
    }

    /// Media revenue of the split `spend` under every draw `d`, `R_d(x) − B_d`: `Σ_c f_{c,d}(x_c)`
    /// when channels add revenue, `B̄_d·(exp(Σ_c g_{c,d}(x_c)) − 1)` when they multiply it.
    /// The difference of two splits' media revenue is the difference of their revenue under
    /// the same draw, in both forms. A missing, negative or non-finite spend counts as none.
    pub fn media_revenue(&self, spend: &[f64]) -> Vec<f64> {
        self.media_of_sums(self.curve_sums(spend))
    }

    /// Media revenue per draw from the curve sums `S_d` ([`PosteriorDraws::curve_sums`]):
    /// `S_d` itself (additive), `B̄_d·(exp(S_d) − 1)` (multiplicative). What
    /// [`PosteriorDraws::media_revenue`] returns, to the bit.
    pub(crate) fn media_of_sums(&self, sums: Vec<f64>) -> Vec<f64> {
        match &self.bases {
            None => sums,
            Some(bases) => sums
                .iter()
                .zip(bases)
                .map(|(s, base)| base * s.exp_m1())
                .collect(),
        }
    }

    /// Weekly revenue of the split `spend` under every draw: `baseline + Σ_c f_{c,d}(x_c)`
    /// when channels add revenue (`baseline` is the point fit's base, which the draws share),
    /// `B̄_d·exp(Σ_c g_{c,d}(x_c))` when they multiply it (each draw's own base; `baseline`
    /// unused).
    pub fn revenue(&self, spend: &[f64], baseline: f64) -> Vec<f64> {
        let sums = self.curve_sums(spend);
        match &self.bases {
            None => sums.iter().map(|s| baseline + s).collect(),
            Some(bases) => sums.iter().zip(bases).map(|(s, b)| b * s.exp()).collect(),
        }
    }

    /// `Σ_c curve_{c,d}(x_c)` under every draw `d`, summed in channel order (a channel
    /// without spend adds nothing).
    pub(crate) fn curve_sums(&self, spend: &[f64]) -> Vec<f64> {
        let mut totals = vec![0.0; self.draws()];
        for (c, curves) in self.curves.iter().enumerate() {
            let x = clean_spend(spend.get(c).copied());
            if x == 0.0 {
                continue;
            }
            for (total, curve) in totals.iter_mut().zip(curves) {
                *total += curve.value(x);
            }
        }
        totals
    }
}

/// A spend as the curves take it: missing, negative or non-finite is 0.
pub(crate) fn clean_spend(spend: Option<f64>) -> f64 {
    spend.filter(|x| x.is_finite() && *x > 0.0).unwrap_or(0.0)
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use mixplan_core::model::posterior::ConvergenceThresholds;

    /// A converged-looking report with `divergences`.
    pub fn diagnostics(divergences: usize, converged: bool) -> Diagnostics {
        Diagnostics {
            parameters: Vec::new(),
            chains: 2,
            draws_per_chain: 2,
            divergences,
            max_r_hat: 1.001,
            min_bulk_ess: 400.0,
            thresholds: ConvergenceThresholds::default(),
            converged,
        }
    }

    /// Draws that scale every fitted curve of `planner` by `β · (0.8 + step · i)`,
    /// `i = 0 … last` (ROI draws: the same factors), converged. For a multiplicative planner
    /// the curves are its log curves and every draw has the point fit's base `B̄`. For the
    /// native tests that fit the planner.
    #[cfg(not(target_arch = "wasm32"))]
    pub fn scaled_draws(
        planner: &crate::planner::scenario::Planner,
        step: f64,
        last: u32,
    ) -> PosteriorDraws {
        let scales: Vec<f64> = (0..=last).map(|i| 0.8 + step * f64::from(i)).collect();
        let curves = planner
            .curves()
            .iter()
            .map(|f| {
                scales
                    .iter()
                    .map(|k| {
                        HillResponse::new(k * f.coefficient(), f.half_saturation(), f.shape())
                            .unwrap()
                    })
                    .collect()
            })
            .collect();
        let roi = vec![scales; planner.curves().len()];
        if planner.revenue_form().is_multiplicative() {
            let bases = vec![planner.baseline(); roi[0].len()];
            PosteriorDraws::new_multiplicative(curves, roi, bases, diagnostics(0, true)).unwrap()
        } else {
            PosteriorDraws::new(curves, roi, diagnostics(0, true)).unwrap()
        }
    }

    /// Two channels, `draws` draws: channel 0 `β = 1000 + 10 d`, channel 1 `β = 500`.
    pub fn two_channels(draws: usize) -> PosteriorDraws {
        let curve = |beta: f64| HillResponse::new(beta, 1000.0, 1.0).unwrap();
        PosteriorDraws::new(
            vec![
                (0..draws)
                    .map(|d| curve(1000.0 + 10.0 * d as f64))
                    .collect(),
                (0..draws).map(|_| curve(500.0)).collect(),
            ],
            vec![vec![1.0; draws], vec![2.0; draws]],
            diagnostics(0, true),
        )
        .unwrap()
    }

    #[test]
    fn draws_must_be_non_empty_and_the_same_length_for_every_channel() {
        let curve = HillResponse::new(1.0, 1.0, 1.0).unwrap();
        assert_eq!(
            PosteriorDraws::new(Vec::new(), Vec::new(), diagnostics(0, true)),
            Err(DrawsError::Empty)
        );
        assert_eq!(
            PosteriorDraws::new(
                vec![vec![curve; 3], vec![curve; 2]],
                vec![vec![1.0; 3]; 2],
                diagnostics(0, true)
            ),
            Err(DrawsError::Ragged {
                channel: 1,
                expected: 3,
                found: 2
            })
        );
        assert_eq!(
            PosteriorDraws::new(
                vec![vec![curve; 3]],
                vec![vec![1.0; 2]],
                diagnostics(0, true)
            ),
            Err(DrawsError::Ragged {
                channel: 0,
                expected: 3,
                found: 2
            })
        );
    }

    #[test]
    fn media_revenue_sums_the_channels_per_draw() {
        let draws = two_channels(3);
        // f(1000) = β/2 for K = 1000, s = 1.
        let revenue = draws.media_revenue(&[1000.0, 1000.0]);
        assert_eq!(revenue, vec![750.0, 755.0, 760.0]);
        // Negative, NaN and missing spends count as none.
        assert_eq!(draws.media_revenue(&[-5.0, f64::NAN]), vec![0.0; 3]);
        assert_eq!(draws.media_revenue(&[1000.0]), vec![500.0, 505.0, 510.0]);
        assert!(!draws.is_multiplicative() && draws.bases().is_none());
    }

    #[test]
    fn multiplicative_draws_make_revenue_from_their_own_base() {
        // g(1000) = β/2 for K = 1000, s = 1: β = 0.2 and 0.4 give ln-uplifts 0.1 and 0.2.
        let curve = |beta: f64| HillResponse::new(beta, 1000.0, 1.0).unwrap();
        let draws = PosteriorDraws::new_multiplicative(
            vec![vec![curve(0.2), curve(0.4)]],
            vec![vec![1.0, 2.0]],
            vec![100.0, 200.0],
            diagnostics(0, true),
        )
        .unwrap();
        assert!(draws.is_multiplicative());
        assert_eq!(draws.bases(), Some([100.0, 200.0].as_slice()));
        let revenue = draws.revenue(&[1000.0], 7.0);
        let media = draws.media_revenue(&[1000.0]);
        for (d, (base, log)) in [(100.0, 0.1f64), (200.0, 0.2)].into_iter().enumerate() {
            assert!((revenue[d] - base * log.exp()).abs() < 1e-9, "{revenue:?}");
            assert!(
                (media[d] - base * (log.exp() - 1.0)).abs() < 1e-9,
                "{media:?}"
            );
        }
        assert_eq!(draws.revenue(&[0.0], 7.0), vec![100.0, 200.0]);
        assert_eq!(
            PosteriorDraws::new_multiplicative(
                vec![vec![curve(0.2), curve(0.4)]],
                vec![vec![1.0, 2.0]],
                vec![100.0],
                diagnostics(0, true),
            ),
            Err(DrawsError::Ragged {
                channel: 0,
                expected: 2,
                found: 1
            })
        );
    }
}
