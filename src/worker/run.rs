//! The worker's side of a fit, in plain Rust: step the core's
//! [`mixplan_core::model::Fitter`] to the end, posting throttled progress, then the outcome;
//! then, when asked, step the core's NUTS [`PosteriorSampler`] from that fit the same way
//! and post the draws ([`PosteriorDraws`]).
//!
//! Nothing here touches the browser: the clock and the way replies are posted are passed in,
//! so the loop is tested natively.

use mixplan_core::data::WeeklyData;
use mixplan_core::model::multiplicative::{log_posterior_model, log_target};
use mixplan_core::model::posterior::{LiftTest, PosteriorModel, PosteriorSampler, PriorParams};
use mixplan_core::model::{ModelForm, MultiplicativeModel, MultiplicativePosterior, PlanningModel};

use super::messages::{FitReply, FitRequest, PosteriorJob, RequestId};
use crate::planner::draws::PosteriorDraws;

/// Shortest time between two progress replies, in milliseconds.
pub const PROGRESS_INTERVAL_MS: f64 = 50.0;

/// Lets a progress reply through at once (the page learns the fit has started and its
/// size), then at most once every `interval_ms`.
#[derive(Debug, Clone, PartialEq)]
pub struct ProgressThrottle {
    interval_ms: f64,
    last_ms: Option<f64>,
}

impl ProgressThrottle {
    /// A throttle that has let nothing through yet.
    pub fn new(interval_ms: f64) -> Self {
        Self {
            interval_ms,
            last_ms: None,
        }
    }

    /// Whether a reply may be posted at `now_ms`: the first time, or when
    /// `now_ms − last ≥ interval`; if so, `now_ms` becomes the last time.
    pub fn due(&mut self, now_ms: f64) -> bool {
        let due = self
            .last_ms
            .is_none_or(|last| now_ms - last >= self.interval_ms);
        if due {
            self.last_ms = Some(now_ms);
        }
        due
    }
}

/// Fits `request` to the end, calling `post` with [`FitReply::Progress`] after the first step
/// and then at most every [`PROGRESS_INTERVAL_MS`] by `clock_ms`, then once with [`FitReply::Fitted`] or
/// [`FitReply::Failed`]. When the request asks for the posterior and the fit succeeded, then
/// samples it ([`run_posterior`]). Never panics on what the request holds: invalid
/// parameters or data that cannot be fitted become [`FitReply::Failed`].
pub fn run_fit(
    request: &FitRequest,
    mut clock_ms: impl FnMut() -> f64,
    mut post: impl FnMut(FitReply),
) {
    let id = request.id;
    let fail = |message: String| FitReply::Failed { id, message };
    let params = match request.params.clone().check() {
        Ok(params) => params,
        Err(e) => return post(fail(format!("The model settings are invalid: {e}"))),
    };
    // The multiplicative form is the same search on ln y.
    let logged = match request.form {
        ModelForm::Additive => None,
        ModelForm::Multiplicative => match log_target(&request.data) {
            Ok(logged) => Some(logged),
            Err(e) => {
                return post(fail(format!(
                    "The multiplicative model could not be fitted: {e}. Choose the additive model form."
                )));
            }
        },
    };
    let mut fitter = match params.start(logged.as_ref().unwrap_or(&request.data)) {
        Ok(fitter) => fitter,
        Err(e) => return post(fail(format!("The model could not be fitted: {e}"))),
    };
    let mut throttle = ProgressThrottle::new(PROGRESS_INTERVAL_MS);
    while !fitter.is_finished() {
        let (done, total) = fitter.step();
        if throttle.due(clock_ms()) {
            post(FitReply::Progress { id, done, total });
        }
    }
    let model: PlanningModel = match fitter.finish().and_then(|fitted| match logged {
        None => Ok(fitted.into()),
        Some(_) => MultiplicativeModel::from_log_model(fitted, &request.data).map(Into::into),
    }) {
        Ok(model) => model,
        Err(e) => return post(fail(format!("The model could not be fitted: {e}"))),
    };
    // The point fit goes to the page first; sampling needs a copy of it.
    let sampling = request
        .posterior
        .clone()
        .map(|settings| (settings, model.clone()));
    post(FitReply::Fitted {
        id,
        model: Box::new(model),
    });
    if let Some((job, model)) = sampling {
        run_posterior(id, &request.data, &model, job, clock_ms, post);
    }
}

/// Samples the posterior of `model` (fitted to `data`) as `job` says (sampler settings, lift
/// tests) with the default priors, calling `post` with [`FitReply::Sampling`] progress (throttled as the fit's), then
/// once with [`FitReply::Sampled`] (the draws and the sampling's wall time by `clock_ms`) or
/// [`FitReply::SamplingFailed`].
pub fn run_posterior(
    id: RequestId,
    data: &WeeklyData,
    model: &PlanningModel,
    job: PosteriorJob,
    mut clock_ms: impl FnMut() -> f64,
    mut post: impl FnMut(FitReply),
) {
    let started_ms = clock_ms();
    let fail = |detail: String| FitReply::SamplingFailed {
        id,
        message: format!(
            "The uncertainty of the model could not be computed ({detail}); the point estimates are shown without intervals. Refit or reload the page to try again."
        ),
    };
    let keep_draws = job.keep_draws;
    let mut sampler = match start_sampler(data, model, job) {
        Ok(sampler) => sampler,
        Err(detail) => return post(fail(detail)),
    };
    let mut throttle = ProgressThrottle::new(PROGRESS_INTERVAL_MS);
    while !sampler.is_finished() {
        match sampler.step() {
            Ok((done, total)) => {
                if throttle.due(clock_ms()) {
                    post(FitReply::Sampling { id, done, total });
                }
            }
            Err(e) => return post(fail(e.to_string())),
        }
    }
    let draws = sampler
        .finish()
        .map_err(|e| e.to_string())
        .and_then(|posterior| {
            let posterior = match keep_draws {
                Some(draws) => posterior.thinned(draws),
                None => posterior,
            };
            match model {
                PlanningModel::Additive(_) => {
                    PosteriorDraws::from_posterior(&posterior).map_err(|e| e.to_string())
                }
                PlanningModel::Multiplicative(model) => {
                    MultiplicativePosterior::new(model, data, posterior)
                        .map_err(|e| e.to_string())
                        .and_then(|p| {
                            PosteriorDraws::from_multiplicative(&p).map_err(|e| e.to_string())
                        })
                }
            }
        });
    post(match draws {
        Ok(draws) => FitReply::Sampled {
            id,
            draws: Box::new(draws),
            sampling_ms: clock_ms() - started_ms,
        },
        Err(detail) => fail(detail),
    });
}

/// The sampler for `model`'s posterior on `data` with the default priors, calibrated by the
/// job's lift tests: the additive model's, or the multiplicative model's model of `ln y`
/// (ROI priors and lift tests stated in revenue, see `mixplan_core::model::multiplicative`).
fn start_sampler(
    data: &WeeklyData,
    model: &PlanningModel,
    job: PosteriorJob,
) -> Result<PosteriorSampler, String> {
    let settings = job.sampler.check().map_err(|e| e.to_string())?;
    let priors = PriorParams::new()
        .roi_beliefs(&job.roi_beliefs)
        .and_then(PriorParams::check)
        .map_err(|e| e.to_string())?;
    let posterior = match model {
        PlanningModel::Additive(model) => {
            let posterior = PosteriorModel::new(data, model, &priors).map_err(|e| e.to_string())?;
            calibrated(posterior, data, &job.lift_tests)?
        }
        PlanningModel::Multiplicative(model) => {
            log_posterior_model(model, data, &priors, &job.lift_tests).map_err(|e| e.to_string())?
        }
    };
    Ok(settings.start(posterior))
}

/// `posterior` with the lift tests' likelihood terms (unchanged for none).
fn calibrated(
    posterior: PosteriorModel,
    data: &WeeklyData,
    tests: &[LiftTest],
) -> Result<PosteriorModel, String> {
    if tests.is_empty() {
        return Ok(posterior);
    }
    posterior
        .with_lift_tests(data, tests)
        .map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::embedded;
    use mixplan_core::model::ModelParams;
    use mixplan_core::model::posterior::SamplerParams;
    use mixplan_core::transform::CarryoverForm;

    #[test]
    fn the_throttle_lets_the_first_reply_through_then_one_per_interval() {
        let mut throttle = ProgressThrottle::new(50.0);
        assert!(throttle.due(100.0), "the first reply goes at once");
        assert!(!throttle.due(100.0));
        assert!(!throttle.due(149.9));
        assert!(throttle.due(150.0));
        assert!(!throttle.due(199.0));
        assert!(throttle.due(260.0));
        assert!(!throttle.due(309.0));
        assert!(throttle.due(310.0));
    }

    #[test]
    fn a_fit_posts_throttled_progress_then_the_fitted_model() {
        let data = embedded::load().expect("embedded data").data;
        let request = FitRequest {
            id: 7,
            data: data.clone(),
            params: ModelParams::new(),
            form: ModelForm::Additive,
            posterior: None,
        };
        // A clock that advances 20 ms per reading (one reading per step).
        let now = std::cell::Cell::new(0.0);
        let clock = || {
            now.set(now.get() + 20.0);
            now.get()
        };
        let mut replies = Vec::new();
        run_fit(&request, clock, |reply| replies.push((now.get(), reply)));
        let ((_, last), progress) = replies.split_last().expect("replies");
        let expected = crate::worker::test_support::default_fit(&data);
        assert_eq!(
            last,
            &FitReply::Fitted {
                id: 7,
                model: Box::new(expected.into())
            }
        );
        assert!(progress.len() >= 3, "{} progress replies", progress.len());
        assert_eq!(
            progress[0].0, 20.0,
            "the first progress follows the first step"
        );
        for pair in progress.windows(2) {
            assert!(pair[1].0 - pair[0].0 >= PROGRESS_INTERVAL_MS, "{pair:?}");
        }
        let mut previous = 0;
        for (_, reply) in progress {
            let FitReply::Progress { id, done, total } = reply else {
                panic!("only progress before the outcome: {reply:?}");
            };
            assert_eq!(*id, 7);
            assert!(
                *done > previous && done <= total,
                "{done}/{total} after {previous}"
            );
            previous = *done;
        }
    }

    #[test]
    fn invalid_parameters_fail_with_a_message_and_no_work() {
        let data = embedded::load().expect("embedded data").data;
        let bad_params = FitRequest {
            id: 1,
            data: data.clone(),
            params: ModelParams::new().holdout(0.9),
            form: ModelForm::Additive,
            posterior: Some(PosteriorJob::new(SamplerParams::new())),
        };
        let mut replies = Vec::new();
        run_fit(&bad_params, || 0.0, |reply| replies.push(reply));
        assert!(
            matches!(&replies[..], [FitReply::Failed { id: 1, message }] if message.starts_with("The model settings are invalid")),
            "{replies:?}"
        );
    }

    #[test]
    fn a_posterior_request_posts_the_fit_then_sampling_progress_then_the_draws() {
        let data = embedded::load().expect("embedded data").data;
        let settings = SamplerParams::new().chains(2).warmup(30).draws(20).seed(3);
        let request = FitRequest {
            id: 5,
            data: data.clone(),
            params: ModelParams::new(),
            form: ModelForm::Additive,
            posterior: Some(PosteriorJob::new(settings.clone())),
        };
        let now = std::cell::Cell::new(0.0);
        let clock = || {
            now.set(now.get() + 20.0);
            now.get()
        };
        let mut replies = Vec::new();
        run_fit(&request, clock, |reply| replies.push(reply));
        let fitted_at = replies
            .iter()
            .position(|r| matches!(r, FitReply::Fitted { id: 5, .. }))
            .expect("the point fit is posted");
        let after: Vec<&FitReply> = replies[fitted_at + 1..].iter().collect();
        let (last, progress) = after.split_last().expect("sampling replies");
        assert!(!progress.is_empty());
        let mut previous = 0;
        for reply in progress {
            let FitReply::Sampling { id: 5, done, total } = reply else {
                panic!("only sampling progress after the fit: {reply:?}");
            };
            assert_eq!(*total, 2 * (30 + 20));
            assert!(*done > previous && done <= total);
            previous = *done;
        }
        let FitReply::Sampled {
            id: 5,
            draws,
            sampling_ms,
        } = last
        else {
            panic!("the draws come last: {last:?}");
        };
        assert_eq!(draws.draws(), 2 * 20);
        assert_eq!(draws.channels(), data.channels().len());
        assert!(*sampling_ms > 0.0);
        // The same draws as the core's sampler run directly from the same fit.
        let FitReply::Fitted { model, .. } = &replies[fitted_at] else {
            unreachable!()
        };
        let direct = start_sampler(&data, model, PosteriorJob::new(settings)).unwrap();
        let mut direct = direct;
        while !direct.is_finished() {
            direct.step().unwrap();
        }
        let expected = PosteriorDraws::from_posterior(&direct.finish().unwrap()).unwrap();
        assert_eq!(**draws, expected);
    }

    /// The page's own job ([`crate::fitting::page_posterior_job`]) on the embedded store, run
    /// natively with the diagonal mass matrix the wasm32 build uses: it converges and sends
    /// [`crate::fitting::PAGE_DRAWS`] draws with the whole run's convergence report. (The
    /// settings before converged in 0 of 20 sampler seeds; these in 18 of 20, see
    /// [`crate::fitting::page_sampler`].)
    #[test]
    fn the_pages_posterior_job_converges_on_the_store_and_keeps_its_draws() {
        use crate::fitting::{PAGE_DRAWS, page_posterior_job};
        let data = embedded::load().expect("embedded data").data;
        let model = crate::worker::test_support::default_fit(&data);
        let job = page_posterior_job(crate::fitting::PosteriorRequest::default());
        let mut replies = Vec::new();
        run_posterior(
            1,
            &data,
            &model.clone().into(),
            job,
            || 1.0,
            |reply| replies.push(reply),
        );
        let Some(FitReply::Sampled { draws, .. }) = replies.last() else {
            panic!("no draws: {:?}", replies.last());
        };
        assert_eq!(draws.draws(), PAGE_DRAWS);
        let d = draws.diagnostics();
        assert_eq!(d.draws_per_chain, 800, "the report covers the whole run");
        // At least one step per iteration of each chain: the page's benchmark reads it.
        assert!(draws.leapfrog_steps() >= 2 * (300 + 800));
        assert!(
            d.converged,
            "R-hat {:.4}, bulk ESS {:.0}, divergences {}",
            d.max_r_hat, d.min_bulk_ess, d.divergences
        );
    }

    #[test]
    fn a_weibull_request_fits_and_samples_that_form() {
        let data = embedded::load().expect("embedded data").data;
        let params = ModelParams::new().carryover(CarryoverForm::WeibullCdf);
        let request = FitRequest {
            id: 6,
            data: data.clone(),
            params: params.clone(),
            form: ModelForm::Additive,
            posterior: Some(PosteriorJob::new(
                SamplerParams::new().chains(1).warmup(20).draws(10).seed(5),
            )),
        };
        let mut replies = Vec::new();
        run_fit(&request, || 0.0, |reply| replies.push(reply));
        let model = replies
            .iter()
            .find_map(|r| match r {
                FitReply::Fitted { id: 6, model } => Some(model),
                _ => None,
            })
            .expect("the point fit is posted");
        // The model the CLI's `fit --carryover weibull-cdf` fits: same settings, same kernels.
        let expected = params.check().unwrap().fit(&data, |_, _| {}).unwrap();
        // (Compared as JSON: a Weibull channel's `decay` is NaN, which is not equal to itself.)
        assert_eq!(
            serde_json::to_string(model.linear_model()).unwrap(),
            serde_json::to_string(&expected).unwrap()
        );
        assert_eq!(model.carryover_form(), CarryoverForm::WeibullCdf);
        assert!(
            model
                .linear_model()
                .channels()
                .iter()
                .all(|c| c.weibull.is_some())
        );
        assert!(
            matches!(replies.last(), Some(FitReply::Sampled { id: 6, draws, .. }) if draws.draws() == 10),
            "{:?}",
            replies.last()
        );
    }

    #[test]
    fn invalid_sampler_settings_fail_the_posterior_but_keep_the_fit() {
        let data = embedded::load().expect("embedded data").data;
        let request = FitRequest {
            id: 2,
            data,
            params: ModelParams::new(),
            form: ModelForm::Additive,
            posterior: Some(PosteriorJob::new(SamplerParams::new().chains(0))),
        };
        let mut replies = Vec::new();
        run_fit(&request, || 0.0, |reply| replies.push(reply));
        let n = replies.len();
        assert!(matches!(replies[n - 2], FitReply::Fitted { id: 2, .. }));
        assert!(
            matches!(&replies[n - 1], FitReply::SamplingFailed { id: 2, message } if message.starts_with("The uncertainty of the model could not be computed (")),
            "{:?}",
            replies[n - 1]
        );
    }

    /// The job's ROI beliefs reach the posterior: a belief on Email changes its draws; a
    /// belief whose range is not `0 < low < high` fails the posterior with why, keeping the
    /// fit.
    #[test]
    fn roi_beliefs_in_the_job_become_priors() {
        use mixplan_core::model::posterior::RoiBelief;
        let data = embedded::load().expect("embedded data").data;
        let settings = SamplerParams::new().chains(1).warmup(40).draws(30).seed(9);
        let request = |job: PosteriorJob| FitRequest {
            id: 3,
            data: data.clone(),
            params: ModelParams::new(),
            form: ModelForm::Additive,
            posterior: Some(job),
        };
        let draws = |job: PosteriorJob| {
            let mut replies = Vec::new();
            run_fit(&request(job), || 0.0, |reply| replies.push(reply));
            replies.pop().expect("a last reply")
        };
        let plain = draws(PosteriorJob::new(settings.clone()));
        let believed = draws(
            PosteriorJob::new(settings.clone())
                .with_roi_beliefs(vec![RoiBelief::new("email", 4.0, 6.0)]),
        );
        let (
            FitReply::Sampled { draws: plain, .. },
            FitReply::Sampled {
                draws: believed, ..
            },
        ) = (&plain, &believed)
        else {
            panic!("both sampled: {plain:?} {believed:?}");
        };
        assert_ne!(plain, believed);
        let bad = draws(
            PosteriorJob::new(settings).with_roi_beliefs(vec![RoiBelief::new("email", 6.0, 4.0)]),
        );
        assert!(
            matches!(&bad, FitReply::SamplingFailed { message, .. } if message.contains("interval.high")),
            "{bad:?}"
        );
    }
}
