//! "Plan the next weeks" for a multiplicative model, as a job of the on-demand worker
//! ([`super::on_demand`]): the core's minorise–maximise horizon solve
//! ([`crate::planner::horizon::plan_multiplicative_period`]) re-solves a weighted horizon
//! problem several times — about 30 ms for a quarter and a second for a year natively — so it
//! runs off the page's thread, and the horizon panel shows the last plan until the new one
//! arrives. (The additive plan takes milliseconds and is solved on the page.) Plain Rust,
//! tested natively.

use mixplan_core::data::WeeklyData;
use mixplan_core::model::MultiplicativeModel;
use serde::{Deserialize, Serialize};

use crate::planner::horizon::{HorizonInputs, HorizonOutcome, plan_multiplicative_period};
use crate::planner::scenario::Planner;

/// Page → worker: plan the period the horizon form asks for with this model.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HorizonJob {
    /// The fitted multiplicative model.
    pub model: MultiplicativeModel,
    /// The data it was fitted on.
    pub data: WeeklyData,
    /// The plan period, budget, caps and fixed amounts.
    pub inputs: HorizonInputs,
}

impl HorizonJob {
    /// The job for `planner`'s multiplicative model and its data; `None` for an additive
    /// model (planned on the page).
    pub fn for_planner(planner: &Planner, inputs: HorizonInputs) -> Option<Self> {
        Some(Self {
            model: planner.model().multiplicative()?.clone(),
            data: planner.data().clone(),
            inputs,
        })
    }

    /// The plan and its forecast, or what to change in the form's words.
    pub fn run(&self) -> Result<HorizonOutcome, String> {
        plan_multiplicative_period(&self.model, &self.data, &self.inputs)
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;
    use crate::planner::horizon::{HorizonPlanning, horizon_planning};
    use crate::planner::scenario::fitted_multiplicative_planner;
    use crate::worker::on_demand::{Job, JobResult, run};

    #[test]
    fn the_job_in_the_worker_is_the_plan_made_directly() {
        let p = fitted_multiplicative_planner();
        assert!(matches!(
            horizon_planning(p),
            Ok(HorizonPlanning::Multiplicative)
        ));
        let inputs = HorizonInputs::new(8, 8.0 * 30_000.0, p.channels().len());
        let direct = plan_multiplicative_period(
            p.model()
                .multiplicative()
                .expect("a multiplicative planner"),
            p.data(),
            &inputs,
        );
        assert!(direct.is_ok(), "{direct:?}");
        let job = HorizonJob::for_planner(p, inputs).expect("a multiplicative planner");
        assert_eq!(
            run(Job::Horizon(Box::new(job))),
            JobResult::Horizon(Box::new(direct))
        );
    }
}
