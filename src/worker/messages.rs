//! The messages between the page and the fit worker: serde types, the same on both sides.
//!
//! The page sends a [`FitRequest`]; the worker answers with [`FitReply`]s carrying the
//! request's [`RequestId`]: [`FitReply::Progress`] at most every
//! [`super::run::PROGRESS_INTERVAL_MS`], then exactly one [`FitReply::Fitted`] or
//! [`FitReply::Failed`]. When the request asks for the posterior, a [`FitReply::Fitted`] is
//! followed by [`FitReply::Sampling`] progress (same throttle) and exactly one
//! [`FitReply::Sampled`] or [`FitReply::SamplingFailed`]: the point fit reaches the page as
//! soon as it is ready, the posterior when it is. [`FitReply::Ready`] (no id) says the worker's wasm is running and
//! listening; requests are only posted after it (a message posted before the worker's
//! handler exists would be lost).
//!
//! New kinds of work (user data, posterior sampling) add variants here; the transport
//! ([`super::wire`]) and the scheduling ([`super::schedule`]) stay as they are.

use mixplan_core::data::WeeklyData;
use mixplan_core::model::posterior::{LiftTest, RoiBelief, SamplerParams};
use mixplan_core::model::{ModelForm, ModelParams, PlanningModel};
use serde::{Deserialize, Serialize};

use crate::planner::draws::PosteriorDraws;

/// Identifies one request; the page numbers its requests 1, 2, 3, … A `u32`, so it crosses
/// to JavaScript as a plain number.
pub type RequestId = u32;

/// How the page asks for a model: the parameters and the form.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct FitSettings {
    /// The model parameters.
    pub params: ModelParams,
    /// The model's form.
    pub form: ModelForm,
}

impl From<ModelParams> for FitSettings {
    /// `params` in the additive form.
    fn from(params: ModelParams) -> Self {
        Self {
            params,
            form: ModelForm::Additive,
        }
    }
}

/// Page → worker: fit `params` to `data`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FitRequest {
    /// Echoed in every reply to this request.
    pub id: RequestId,
    /// The weekly matrix to fit.
    pub data: WeeklyData,
    /// The model parameters (checked by the worker before any work).
    pub params: ModelParams,
    /// The model's form: additive (the default) or multiplicative (fitted to `ln y`).
    #[serde(default)]
    pub form: ModelForm,
    /// After the point fit, sample the posterior as this job says; `None`: the point fit
    /// only.
    pub posterior: Option<PosteriorJob>,
}

/// How to sample the posterior after the point fit.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PosteriorJob {
    /// Sampler settings (checked by the worker).
    pub sampler: SamplerParams,
    /// Lift tests that calibrate the posterior (each adds a likelihood term); none: the data
    /// alone.
    pub lift_tests: Vec<LiftTest>,
    /// At most this many draws go to the page, evenly thinned over the chains
    /// (`Posterior::thinned`; the convergence report stays the whole run's); none: all.
    #[serde(default)]
    pub keep_draws: Option<usize>,
    /// The user's beliefs about channels' ROIs: each replaces that channel's default ROI
    /// prior (`PriorParams::roi_beliefs`); none: the default priors.
    #[serde(default)]
    pub roi_beliefs: Vec<RoiBelief>,
}

impl PosteriorJob {
    /// Sampling with `sampler` and no lift tests, every draw kept.
    pub fn new(sampler: SamplerParams) -> Self {
        Self {
            sampler,
            lift_tests: Vec::new(),
            keep_draws: None,
            roi_beliefs: Vec::new(),
        }
    }

    /// The same job sending at most `draws` draws to the page.
    pub fn keeping(mut self, draws: usize) -> Self {
        self.keep_draws = Some(draws);
        self
    }

    /// The same job calibrated by `lift_tests`.
    pub fn with_lift_tests(mut self, lift_tests: Vec<LiftTest>) -> Self {
        self.lift_tests = lift_tests;
        self
    }

    /// The same job with the user's ROI beliefs as priors.
    pub fn with_roi_beliefs(mut self, roi_beliefs: Vec<RoiBelief>) -> Self {
        self.roi_beliefs = roi_beliefs;
        self
    }
}

/// Worker → page.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum FitReply {
    /// The worker is running and listening for requests.
    Ready,
    /// Request `id` has done `done` of `total` units of work.
    Progress {
        /// The request this is about.
        id: RequestId,
        /// Units done.
        done: usize,
        /// Units in all.
        total: usize,
    },
    /// Request `id` is fitted.
    Fitted {
        /// The request this is about.
        id: RequestId,
        /// The fitted model, in the form asked for.
        model: Box<PlanningModel>,
    },
    /// Request `id` failed; `message` says why, in the page's words.
    Failed {
        /// The request this is about.
        id: RequestId,
        /// Why, and what to do.
        message: String,
    },
    /// Request `id`'s posterior sampler has run `done` of `total` iterations.
    Sampling {
        /// The request this is about.
        id: RequestId,
        /// Iterations done (all chains).
        done: usize,
        /// Iterations in all.
        total: usize,
    },
    /// Request `id`'s posterior is sampled.
    Sampled {
        /// The request this is about.
        id: RequestId,
        /// The draws the page needs, with diagnostics.
        draws: Box<PosteriorDraws>,
        /// Wall time of the sampling in the worker, milliseconds.
        sampling_ms: f64,
    },
    /// Request `id`'s posterior could not be sampled (the point fit stands).
    SamplingFailed {
        /// The request this is about.
        id: RequestId,
        /// Why, and what to do.
        message: String,
    },
}

impl FitReply {
    /// The request the reply is about (`None` for [`FitReply::Ready`]).
    pub fn request_id(&self) -> Option<RequestId> {
        match self {
            Self::Ready => None,
            Self::Progress { id, .. }
            | Self::Fitted { id, .. }
            | Self::Failed { id, .. }
            | Self::Sampling { id, .. }
            | Self::Sampled { id, .. }
            | Self::SamplingFailed { id, .. } => Some(*id),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::embedded;

    fn json_round_trip<T: Serialize + serde::de::DeserializeOwned>(value: &T) -> T {
        let json = serde_json::to_string(value).expect("serialises");
        serde_json::from_str(&json).expect("deserialises")
    }

    #[test]
    fn a_request_survives_a_json_round_trip() {
        let request = FitRequest {
            id: 3,
            data: embedded::load().expect("embedded data").data,
            params: ModelParams::new().seed(u64::MAX).max_sweeps(2),
            form: ModelForm::Multiplicative,
            posterior: Some(PosteriorJob::new(
                SamplerParams::new().chains(2).seed(u64::MAX),
            )),
        };
        assert_eq!(json_round_trip(&request), request);
    }

    #[test]
    fn every_reply_survives_a_json_round_trip() {
        let data = embedded::load().expect("embedded data").data;
        let model = crate::worker::test_support::default_fit(&data);
        let replies = [
            FitReply::Ready,
            FitReply::Progress {
                id: 1,
                done: 4,
                total: 11,
            },
            FitReply::Fitted {
                id: 2,
                model: Box::new(model.into()),
            },
            FitReply::Failed {
                id: 3,
                message: "The model could not be fitted: too few weeks".into(),
            },
            FitReply::Sampling {
                id: 4,
                done: 25,
                total: 1200,
            },
            FitReply::Sampled {
                id: 4,
                draws: Box::new(crate::planner::draws::tests::two_channels(3)),
                sampling_ms: 1234.5,
            },
            FitReply::SamplingFailed {
                id: 4,
                message: "no".into(),
            },
        ];
        for reply in replies {
            assert_eq!(json_round_trip(&reply), reply);
        }
    }

    #[test]
    fn replies_name_their_request() {
        assert_eq!(FitReply::Ready.request_id(), None);
        let progress = FitReply::Progress {
            id: 9,
            done: 0,
            total: 1,
        };
        assert_eq!(progress.request_id(), Some(9));
        let failed = FitReply::Failed {
            id: 4,
            message: String::new(),
        };
        assert_eq!(failed.request_id(), Some(4));
    }
}
