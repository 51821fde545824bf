//! The worker's side of a fit, in plain Rust: step the core's
//! [`mixplan_core::model::Fitter`] to the end, posting throttled progress, then the outcome.
//!
//! Nothing here touches the browser: the clock and the way replies are posted are passed in,
//! so the loop is tested natively.

use super::messages::{FitReply, FitRequest};

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
    let mut throttle = ProgressThrottle::new(PROGRESS_INTERVAL_MS);
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
        };
        let mut replies = Vec::new();
        run_fit(&bad_params, || 0.0, |reply| replies.push(reply));
        assert!(
            matches!(&replies[..], [FitReply::Failed { id: 1, message }] if message.starts_with("The model settings are invalid")),
            "{replies:?}"
        );
    }
}
