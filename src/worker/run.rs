//! The worker's side of a fit, in plain Rust: step the core's
//! [`mixplan_core::model::Fitter`] to the end, posting throttled progress, then the outcome.
//!
//! Nothing here touches the browser: the clock and the way replies are posted are passed in,
//! so the loop is tested natively.

use super::messages::{FitReply, FitRequest};

/// Shortest time between two progress replies, in milliseconds.
pub const PROGRESS_INTERVAL_MS: f64 = 50.0;

/// Lets a progress reply through at most once every `interval_ms`.
#[derive(Debug, Clone, PartialEq)]
pub struct ProgressThrottle {
    interval_ms: f64,
    last_ms: f64,
}

impl ProgressThrottle {
    /// A throttle whose first reply is due `interval_ms` after `start_ms`.
    pub fn new(start_ms: f64, interval_ms: f64) -> Self {
        Self {
            interval_ms,
            last_ms: start_ms,
        }
    }

    /// Whether a reply may be posted at `now_ms` (`now_ms − last ≥ interval`); if so, `now_ms`
    /// becomes the last time.
    pub fn due(&mut self, now_ms: f64) -> bool {
        if now_ms - self.last_ms >= self.interval_ms {
            self.last_ms = now_ms;
            true
        } else {
            false
        }
    }
}

/// Fits `request` to the end, calling `post` with [`FitReply::Progress`] at most every
/// [`PROGRESS_INTERVAL_MS`] by `clock_ms`, then once with [`FitReply::Fitted`] or
/// [`FitReply::Failed`]. Never panics on what the request holds: invalid parameters or data
/// that cannot be fitted become [`FitReply::Failed`].
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
    let mut fitter = match params.start(&request.data) {
        Ok(fitter) => fitter,
        Err(e) => return post(fail(format!("The model could not be fitted: {e}"))),
    };
    let mut throttle = ProgressThrottle::new(clock_ms(), PROGRESS_INTERVAL_MS);
    while !fitter.is_finished() {
        let (done, total) = fitter.step();
        if throttle.due(clock_ms()) {
            post(FitReply::Progress { id, done, total });
        }
    }
    post(match fitter.finish() {
        Ok(model) => FitReply::Fitted {
            id,
            model: Box::new(model),
        },
        Err(e) => fail(format!("The model could not be fitted: {e}")),
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::embedded;
    use mixplan_core::model::ModelParams;

    #[test]
    fn the_throttle_lets_one_reply_through_per_interval() {
        let mut throttle = ProgressThrottle::new(100.0, 50.0);
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
        };
        // A clock that advances 20 ms per reading: progress may be posted every third step.
        let mut now = 0.0;
        let clock = || {
            now += 20.0;
            now
        };
        let mut replies = Vec::new();
        run_fit(&request, clock, |reply| replies.push(reply));
        let (last, progress) = replies.split_last().expect("replies");
        let expected = ModelParams::new()
            .check()
            .unwrap()
            .fit(&data, |_, _| {})
            .unwrap();
        assert_eq!(
            last,
            &FitReply::Fitted {
                id: 7,
                model: Box::new(expected)
            }
        );
        assert!(progress.len() >= 2, "{} progress replies", progress.len());
        let mut previous = 0;
        for reply in progress {
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
        };
        let mut replies = Vec::new();
        run_fit(&bad_params, || 0.0, |reply| replies.push(reply));
        assert!(
            matches!(&replies[..], [FitReply::Failed { id: 1, message }] if message.starts_with("The model settings are invalid")),
            "{replies:?}"
        );
    }
}
