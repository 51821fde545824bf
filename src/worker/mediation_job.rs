//! The "Social → search" panel's job for the on-demand worker ([`super::on_demand`]): the
//! core's two-stage mediation estimate ([`mixplan_core::mediation`]) in the model's form
//! (additive, or on ln revenue for a multiplicative model). Its stage-1 curve
//! search and the bootstrap that repeats it take a few hundred milliseconds, so they run
//! off the page's thread; the panel computes the two budget splits from the report (the
//! exact optimiser, microseconds). Plain Rust, tested natively.

use mixplan_core::data::WeeklyData;
use mixplan_core::mediation::{
    MediationError, MediationParams, MediationReport, estimate_mediation_in_form,
};
use mixplan_core::model::PlanningModel;
use serde::{Deserialize, Serialize};

/// Page → worker: estimate the mediation of the planner's model.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MediationJob {
    /// The data the model was fitted on.
    pub data: WeeklyData,
    /// The fitted model in its form (its carryover, saturation and fixed terms; for the
    /// multiplicative form those of its model of ln revenue).
    pub model: PlanningModel,
    /// The mediator, the metric and the bootstrap's settings.
    pub params: MediationParams,
    /// The mediator's weekly clicks, one per week of `data` (for the clicks metric).
    pub clicks: Option<Vec<f64>>,
}

impl MediationJob {
    /// The report, or what was wrong in plain language.
    pub fn run(&self) -> Result<MediationReport, String> {
        let valid = self
            .params
            .check(&self.data, self.clicks.as_deref())
            .map_err(|error| match error {
                MediationError::NoSource { available } => format!(
                    "No social channel in the data (channels: {available}): the panel needs a channel whose name contains \"social\"."
                ),
                other => format!("Cannot estimate the mediation: {other}."),
            })?;
        estimate_mediation_in_form(&self.data, &self.model, &valid)
            .map_err(|e| format!("Cannot estimate the mediation: {e}."))
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;
    use crate::planner::scenario::{fitted_multiplicative_planner, fitted_planner};
    use mixplan_core::mediation::{MediatorMetric, estimate_mediation};
    use mixplan_core::model::ModelForm;

    #[test]
    fn the_job_is_the_cores_estimate_on_the_store() {
        let planner = fitted_planner();
        let clicks = crate::embedded::search_clicks_for(planner.data().weeks());
        assert!(clicks.is_some(), "the store's clicks are embedded");
        let job = MediationJob {
            data: planner.data().clone(),
            model: planner.model().clone(),
            params: MediationParams::default(),
            clicks,
        };
        let report = job.run().expect("the store has social and paid search");
        let valid = MediationParams::default()
            .check(planner.data(), job.clicks.as_deref())
            .expect("valid");
        let direct = estimate_mediation(planner.data(), planner.model().linear_model(), &valid)
            .expect("direct");
        assert_eq!(report, direct);
        assert_eq!(report.metric, MediatorMetric::Clicks);
        assert_eq!(report.form, ModelForm::Additive);
    }

    #[test]
    fn a_multiplicative_model_is_estimated_on_ln_revenue() {
        let planner = fitted_multiplicative_planner();
        let job = MediationJob {
            data: planner.data().clone(),
            model: planner.model().clone(),
            params: MediationParams::default(),
            clicks: crate::embedded::search_clicks_for(planner.data().weeks()),
        };
        let report = job.run().expect("the store has social and paid search");
        assert_eq!(report.form, ModelForm::Multiplicative);
        let social = &report.sources[0];
        assert!(social.direct.estimate + social.indirect.estimate > social.total.estimate);
        // The panel's splits in the planner's form; the additive split refuses this report.
        let ids: Vec<String> = planner.channels().iter().map(|c| c.id.clone()).collect();
        let budget: f64 = planner.historical_mix().iter().sum();
        let splits = report
            .splits_in_form(planner.curves(), &ids, budget, planner.revenue_form())
            .expect("splits");
        let social_split = &splits.channels[social.channel_index];
        assert!(
            social_split.mediation_aware > social_split.plain,
            "{social_split:?}"
        );
        assert!(report.splits(planner.curves(), &ids, budget).is_err());
    }

    #[test]
    fn data_without_a_social_channel_are_named() {
        let planner = fitted_planner();
        let job = MediationJob {
            data: planner.data().clone(),
            model: planner.model().clone(),
            params: MediationParams {
                metric: MediatorMetric::Spend,
                sources: Vec::new(),
                mediator: "email".into(),
                ..MediationParams::default()
            },
            clicks: None,
        };
        // "social" exists in the store, so ask for an unknown source instead.
        let job = MediationJob {
            params: MediationParams {
                sources: vec!["tv".into()],
                ..job.params
            },
            ..job
        };
        let message = job.run().expect_err("tv is not a channel");
        assert!(
            message.contains("tv") && message.contains("paid_search"),
            "{message}"
        );
    }
}
