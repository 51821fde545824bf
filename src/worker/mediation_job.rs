//! The "Social → search" estimate as an on-demand worker job (issue #14 item 3): the core's
//! two-stage mediation and both budget splits, computed in the worker so that none of it is in
//! the first visit's wasm (issue #13: the panel cost 36 KB of `mixplan.html` on the page).

use mixplan_core::data::WeeklyData;
use mixplan_core::mediation::{
    MediationError, MediationParams, MediationReport, MediationSplits, estimate_mediation,
};
use mixplan_core::model::FittedModel;
use mixplan_core::response::HillResponse;
use serde::{Deserialize, Serialize};

/// The mediation of a fitted model and the splits of `budget` on its curves.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MediationJob {
    /// The data the model was fitted on.
    pub data: WeeklyData,
    /// The fitted model.
    pub model: FittedModel,
    /// The planner's steady-state curves, in model order.
    pub curves: Vec<HillResponse>,
    /// The channels' ids, in model order.
    pub ids: Vec<String>,
    /// The weekly budget to split.
    pub budget: f64,
    /// The settings (mediator, metric, level, …).
    pub params: MediationParams,
}

/// What the panel shows.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MediationOutcome {
    /// Effects and intervals.
    pub report: MediationReport,
    /// Both splits.
    pub splits: MediationSplits,
}

/// Runs the job: the estimate, then both splits; a message in the page's words otherwise.
pub fn run(job: MediationJob) -> Result<MediationOutcome, String> {
    let valid = job
        .params
        .check(&job.data, None)
        .map_err(|error| match error {
            MediationError::NoSource { available } => format!(
                "No social channel in the data (channels: {available}): the panel needs a channel whose name contains \"social\"."
            ),
            other => format!("Cannot estimate the mediation: {other}."),
        })?;
    let report = estimate_mediation(&job.data, &job.model, &valid)
        .map_err(|e| format!("Cannot estimate the mediation: {e}."))?;
    let splits = report
        .splits(&job.curves, &job.ids, job.budget)
        .map_err(|e| format!("Cannot split the budget: {e}."))?;
    Ok(MediationOutcome { report, splits })
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;
    use crate::planner::scenario::fitted_planner;
    use mixplan_core::mediation::MediatorMetric;

    fn job(params: MediationParams) -> MediationJob {
        let planner = fitted_planner();
        MediationJob {
            data: planner.data().clone(),
            model: planner.model().clone(),
            curves: planner.curves().to_vec(),
            ids: planner.channels().iter().map(|c| c.id.clone()).collect(),
            budget: planner.historical_mix().iter().sum(),
            params,
        }
    }

    #[test]
    fn the_store_with_spend_as_the_mediator_gives_both_splits_of_its_budget() {
        let params = MediationParams {
            metric: MediatorMetric::Spend,
            ..MediationParams::default()
        };
        let budget = job(params.clone()).budget;
        let outcome = run(job(params)).expect("mediation");
        assert_eq!(outcome.report.sources[0].channel, "social");
        for spend in [
            outcome.splits.channels.iter().map(|c| c.plain).sum::<f64>(),
            outcome
                .splits
                .channels
                .iter()
                .map(|c| c.mediation_aware)
                .sum::<f64>(),
        ] {
            assert!((spend - budget).abs() < 1e-6 * budget);
        }
    }

    #[test]
    fn no_social_channel_is_said_in_the_pages_words() {
        let params = MediationParams {
            metric: MediatorMetric::Spend,
            sources: vec![],
            mediator: "social".into(),
            ..MediationParams::default()
        };
        let message = run(job(params)).expect_err("no other social channel");
        assert!(
            message.starts_with("No social channel in the data"),
            "{message}"
        );
    }
}
