//! The **on-demand worker**: a wasm module of its own (`src/bin/on_demand.rs`) for the work
//! the page needs only when the user asks for it — reading a file (the `.xlsx` and CSV
//! readers, inspection, aggregation to weeks: [`crate::data_source::reader`]) and the model
//! checks (the core's `diagnose`, which refits the model on rolling windows), the performance
//! view, the mediation estimate and the multiplicative model's horizon plan. The page starts
//! it at the first such request ([`super::on_demand_client`]), so none of that code is in the
//! first visit's download (README "Offline", sizes); the worker runs [`super::on_demand_entry`].
//!
//! Plain Rust, the same on both sides: the [`Job`]s, their [`JobResult`]s, the messages that
//! carry them, and [`run`] (tested natively). The worker keeps nothing between jobs, so a
//! restarted worker answers as the first did.

use mixplan_core::data::WeeklyData;
use mixplan_core::diagnose::{Diagnosis, DiagnosisParams, diagnose_planning};
use mixplan_core::model::{ModelParams, PlanningModel};
use serde::{Deserialize, Serialize};

use crate::data_source::reader::{self, ReadJob, ReadResult};
use crate::planner::horizon::HorizonOutcome;
use crate::worker::horizon_job::HorizonJob;
use crate::worker::mediation_job::MediationJob;
use crate::worker::performance_job::{PerformanceJob, PerformanceOutcome};
use mixplan_core::mediation::MediationReport;

/// Identifies one job; the page numbers its jobs 1, 2, 3, … (a `u32`: a plain JS number).
pub type JobId = u32;

/// The model checks of a fitted model, in its form: [`diagnose_planning`] with these
/// arguments.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CheckJob {
    /// The data the model was fitted on.
    pub data: WeeklyData,
    /// The fitted model, in its form.
    pub model: PlanningModel,
    /// The baseline form (Fourier order, trend, holdout) of the rolling-window refits.
    pub params: ModelParams,
    /// The checks' settings.
    pub checks: DiagnosisParams,
}

/// Page → worker: what to do.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Job {
    /// Read a file ([`crate::data_source::reader`]; boxed like the checks).
    Read(Box<ReadJob>),
    /// Run the model checks (boxed: a fitted model is large).
    Check(Box<CheckJob>),
    /// Compute the performance view for a period
    /// ([`crate::worker::performance_job`]).
    Performance(Box<PerformanceJob>),
    /// Estimate social → search → revenue ([`crate::worker::mediation_job`]).
    Mediation(Box<MediationJob>),
    /// Plan the next weeks with a multiplicative model ([`crate::worker::horizon_job`]).
    Horizon(Box<HorizonJob>),
}

/// Worker → page: the outcome of a [`Job`], of the job's kind.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum JobResult {
    /// Of [`Job::Read`].
    Read(ReadResult),
    /// Of [`Job::Check`]: the diagnosis, or the core's message saying why there is none.
    Check(Result<Diagnosis, String>),
    /// Of [`Job::Performance`].
    Performance(Box<PerformanceOutcome>),
    /// Of [`Job::Mediation`]: the report, or what was wrong in plain language.
    Mediation(Box<Result<MediationReport, String>>),
    /// Of [`Job::Horizon`]: the plan and its forecast, or what to change.
    Horizon(Box<Result<HorizonOutcome, String>>),
}

/// Page → worker: a job and its id.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct JobRequest {
    /// Echoed in the reply.
    pub id: JobId,
    /// What to do.
    pub job: Job,
}

/// Worker → page.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum JobReply {
    /// The worker's wasm runs and listens: requests may be posted (one posted earlier would
    /// reach no handler).
    Ready,
    /// The outcome of request `id`.
    Done {
        /// The request's id.
        id: JobId,
        /// Its outcome (boxed: `Ready` carries nothing).
        result: Box<JobResult>,
    },
}

/// Does `job` (in the worker).
pub fn run(job: Job) -> JobResult {
    match job {
        Job::Read(job) => JobResult::Read(reader::run(*job)),
        Job::Check(job) => JobResult::Check(
            diagnose_planning(&job.data, &job.model, &job.params, &job.checks)
                .map_err(|e| e.to_string()),
        ),
        Job::Performance(job) => JobResult::Performance(Box::new(job.run())),
        Job::Mediation(job) => JobResult::Mediation(Box::new(job.run())),
        Job::Horizon(job) => JobResult::Horizon(Box::new(job.run())),
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;
    use crate::planner::scenario::fitted_planner;

    #[test]
    fn the_checks_in_the_worker_are_the_checks_run_directly() {
        let planner = fitted_planner();
        let params = ModelParams::new();
        let job = CheckJob {
            data: planner.data().clone(),
            model: planner.model().clone(),
            params: params.clone(),
            checks: DiagnosisParams::default(),
        };
        let direct = diagnose_planning(
            planner.data(),
            planner.model(),
            &params,
            &DiagnosisParams::default(),
        )
        .map_err(|e| e.to_string());
        assert!(direct.is_ok(), "{direct:?}");
        assert_eq!(run(Job::Check(Box::new(job))), JobResult::Check(direct));
    }

    #[test]
    fn a_model_that_does_not_fit_the_data_gets_the_cores_message() {
        use crate::data_source::choices::MappingChoices;
        use crate::data_source::dataset::UserDataset;
        use crate::data_source::file::SourceFile;
        use crate::data_source::template::template_csv;
        let planner = fitted_planner();
        // The template's 26 weeks, not the 156 the model was fitted on.
        let file = SourceFile::text("template.csv", &template_csv());
        let (table, found) = file.read(None, None).unwrap();
        let mapping = MappingChoices::default().mapping(&found).unwrap();
        let short = UserDataset::build(&file.name, &table, mapping, Default::default()).unwrap();
        let job = CheckJob {
            data: short.data,
            model: planner.model().clone(),
            params: ModelParams::new(),
            checks: DiagnosisParams::default(),
        };
        let JobResult::Check(Err(message)) = run(Job::Check(Box::new(job))) else {
            panic!("refused");
        };
        assert!(message.contains("26"), "{message}");
    }
}
