//! The posterior's recommendation for `mixplan optimize` (issue #11, items 3 and 7): samples
//! the posterior after the point fit and applies the core's recommendation rule
//! (`model::posterior::recommend`): the split with the highest posterior expected revenue,
//! moved only as far from the current split as `--confidence` allows. In the multiplicative
//! form (`--form`) the rule judges each draw's whole revenue `B̄_d·exp(Σ_c g_{c,d}(x_c))`
//! (`MultiplicativePosterior::recommend`), so its uplifts are in revenue too.

use super::Args;
use crate::commands::posterior_args::ConvergenceOut;
use crate::error::CliError;
use mixplan_core::data::WeeklyData;
use mixplan_core::model::PlanningModel;
use mixplan_core::model::posterior::{
    PartialStep, RecommendError, RecommendParams, Recommendation, SplitAssessment, Verdict,
    feasible_current,
};
use mixplan_core::optimize::SpendBounds;
use serde::Serialize;

/// A split judged by the posterior, per channel by name.
#[derive(Debug, Serialize)]
pub struct AssessedOut {
    /// Weekly spend per channel.
    pub allocation: serde_json::Map<String, serde_json::Value>,
    /// Posterior-expected weekly media revenue.
    pub expected_media_revenue: f64,
    /// Mean weekly uplift over the current split.
    pub expected_uplift: f64,
    /// Its 90 % interval.
    pub uplift_interval: (f64, f64),
    /// Share of draws in which it beats the current split.
    pub probability_of_gain: f64,
}

impl AssessedOut {
    fn new(names: &[String], a: &SplitAssessment) -> Self {
        Self {
            allocation: names
                .iter()
                .zip(&a.allocation)
                .map(|(n, &x)| (n.clone(), serde_json::Value::from(x)))
                .collect(),
            expected_media_revenue: a.expected_media_revenue,
            expected_uplift: a.expected_uplift,
            uplift_interval: a.uplift_interval,
            probability_of_gain: a.probability_of_gain,
        }
    }
}

/// What the rule adds to the output.
pub struct RuleOutcome {
    /// The rule's answer.
    pub recommendation: Recommendation,
    /// The current split it was judged against.
    pub current: Vec<f64>,
    /// The sampler's convergence.
    pub convergence: ConvergenceOut,
    /// Where a partial move stopped (`--partial-step`).
    pub partial_step: PartialStep,
}

/// The rule's fields of the JSON output.
#[derive(Debug, Serialize)]
pub struct RuleOut {
    /// What the rule concluded: `optimum`, `partial_step` or `keep_current`.
    pub verdict: Verdict,
    /// The conclusion in a sentence.
    pub verdict_text: String,
    /// How far along current → candidate the recommendation moved.
    pub step: f64,
    /// The confidence level asked for.
    pub confidence: f64,
    /// The margin asked for (`--margin`).
    pub margin: f64,
    /// Where a move not supported in full stops: `largest_supported` (default) or
    /// `highest_lower_bound` (`--partial-step safest`).
    pub partial_step: PartialStep,
    /// The split with the highest posterior expected revenue (the full move).
    pub candidate: AssessedOut,
    /// The point-estimate optimum, judged by the posterior.
    pub point_optimum_posterior: AssessedOut,
    /// Whether the candidate is the proven optimum of the posterior-mean curves.
    pub exact: bool,
    /// Posterior draws used.
    pub draws: usize,
}

/// Samples the posterior and runs the rule on `budget` within `bounds`, judged against the
/// historical `mix` moved into the bounds (`feasible_current`). `None` with
/// `--no-posterior`.
///
/// # Errors
/// [`CliError::Recommend`] for a `--confidence` out of range or a budget the bounds cannot
/// meet; the sampler's errors ([`CliError::Posterior`], [`CliError::LiftTests`]).
pub fn recommend(
    args: &Args,
    data: &WeeklyData,
    model: &PlanningModel,
    mix: &[f64],
    bounds: &[SpendBounds],
    budget: f64,
) -> Result<Option<RuleOutcome>, CliError> {
    let rule = RecommendParams::new()
        .confidence(args.confidence)
        .partial_step(args.partial_step)
        .lower_bound_share(args.margin)
        .check()
        .map_err(|e| CliError::Recommend {
            asked: match e {
                RecommendError::InvalidLowerBoundShare(_) => format!("--margin {}", args.margin),
                _ => format!("--confidence {}", args.confidence),
            },
            source: e.into(),
        })?;
    let explain = |e: mixplan_core::model::posterior::RecommendError| CliError::Recommend {
        asked: format!("--budget {budget}"),
        source: e.into(),
    };
    let (recommendation, current, convergence) = match model {
        PlanningModel::Additive(model) => {
            let Some(sampled) = args.posterior.sample(data, model)? else {
                return Ok(None);
            };
            let current = feasible_current(mix, bounds, budget).map_err(explain)?;
            let recommendation = rule
                .recommend(
                    &sampled.posterior,
                    &model.responses(),
                    &current,
                    bounds,
                    budget,
                )
                .map_err(explain)?;
            (recommendation, current, sampled.convergence)
        }
        PlanningModel::Multiplicative(model) => {
            let Some((posterior, convergence)) =
                args.posterior.sample_multiplicative(data, model)?
            else {
                return Ok(None);
            };
            let current = feasible_current(mix, bounds, budget).map_err(explain)?;
            let recommendation = posterior
                .recommend(&rule, model, &current, bounds, budget)
                .map_err(explain)?;
            (recommendation, current, convergence)
        }
    };
    Ok(Some(RuleOutcome {
        recommendation,
        current,
        convergence,
        partial_step: args.partial_step,
    }))
}

impl RuleOutcome {
    /// The rule's fields for the output.
    pub fn output(&self, names: &[String]) -> RuleOut {
        let r = &self.recommendation;
        RuleOut {
            verdict: r.verdict,
            verdict_text: r.verdict_text.clone(),
            step: r.step,
            confidence: r.confidence,
            margin: r.lower_bound_share,
            partial_step: self.partial_step,
            candidate: AssessedOut::new(names, &r.candidate),
            point_optimum_posterior: AssessedOut::new(names, &r.point_optimum),
            exact: r.exact,
            draws: r.draws,
        }
    }
}
