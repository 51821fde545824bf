//! The posterior arguments `fit` and `optimize` share ([`PosteriorArgs`]): lift tests, ROI
//! priors (`--roi-prior CHANNEL=LOW..HIGH`), the sampler's size and seed, and
//! `--no-posterior`; and the run that samples the posterior after the point fit.
//!
//! The output has no timings, so a run is reproducible (same data, same seed, same JSON).
//!
//! Defaults: 4 chains × (500 warm-up + 500 draws), the core's defaults (measured to meet the
//! convergence thresholds on the simulated store in 4–7 s natively, `docs/posterior.md`).

use crate::error::CliError;
use mixplan_core::data::WeeklyData;
use mixplan_core::model::multiplicative::sample_log_posterior;
use mixplan_core::model::posterior::{
    Diagnostics, LiftTest, MassMatrix, Posterior, PosteriorError, PosteriorModel, PriorParams,
    Priors, RoiBelief, SamplerParams, ValidSamplerParams, read_lift_tests,
};
use mixplan_core::model::{FittedModel, MultiplicativeModel, MultiplicativePosterior};
use serde::Serialize;
use std::path::PathBuf;

/// Posterior settings on the command line.
#[derive(Debug, Clone, clap::Args)]
pub struct PosteriorArgs {
    /// Lift tests (experiments) that calibrate the posterior: a CSV with the columns
    /// channel,start,end,lift,spend,std_error (see data_processed/lift_tests.csv).
    #[arg(long, value_name = "FILE.csv")]
    pub lift_tests: Option<PathBuf>,
    /// Kept posterior draws per chain.
    #[arg(long, default_value_t = 500, value_name = "N")]
    pub draws: usize,
    /// Warm-up (adaptation) iterations per chain.
    #[arg(long, default_value_t = 500, value_name = "N")]
    pub warmup: usize,
    /// Number of chains (run one after another).
    #[arg(long, default_value_t = 4, value_name = "N")]
    pub chains: usize,
    /// Seed of the sampler.
    #[arg(long, default_value_t = 42, value_name = "N")]
    pub posterior_seed: u64,
    /// Skip the posterior: point estimate only (no intervals, no recommendation rule).
    #[arg(long, conflicts_with = "lift_tests")]
    pub no_posterior: bool,
    /// Use the diagonal mass-matrix adaptation, the page's (the default here is low-rank,
    /// which the page does not build): with the page's `--chains 2 --warmup 300 --draws
    /// 800 --keep-draws 400` this runs the sampler the page runs.
    #[arg(long)]
    pub diagonal_mass: bool,
    /// The step-size adaptation's target acceptance rate, strictly between 0 and 1: higher
    /// takes smaller steps, slower but with fewer divergent transitions. The page's "Sample
    /// longer" run is `--chains 2 --warmup 500 --draws 1600 --target-accept 0.95
    /// --diagonal-mass --keep-draws 400`.
    #[arg(long, default_value_t = 0.9, value_name = "P", value_parser = parse_target_accept)]
    pub target_accept: f64,
    /// Keep at most N of the draws, evenly spaced over all chains, as the page does (it
    /// samples 1,600 and keeps 400); the convergence report still covers every draw.
    #[arg(long, value_name = "N")]
    pub keep_draws: Option<usize>,
    /// Your belief about a channel's ROI (its revenue per unit of spend over the data), as a
    /// 90 % interval: `--roi-prior email=2..8` says "90 % sure email's ROI is between 2 and
    /// 8". It replaces that channel's default prior, LogNormal(0.2, 0.9); repeat the flag for
    /// more channels.
    #[arg(long = "roi-prior", value_name = "CHANNEL=LOW..HIGH", value_parser = parse_roi_prior)]
    pub roi_priors: Vec<RoiBelief>,
}

/// Parses a target acceptance rate in `(0, 1)`.
fn parse_target_accept(text: &str) -> Result<f64, String> {
    text.trim()
        .parse::<f64>()
        .ok()
        .filter(|p| *p > 0.0 && *p < 1.0)
        .ok_or(format!(
            "`{text}` is not a rate strictly between 0 and 1: give e.g. 0.9 (the default) or 0.95 (fewer divergences, slower)"
        ))
}

/// Parses `CHANNEL=LOW..HIGH` with `0 < LOW < HIGH`.
fn parse_roi_prior(text: &str) -> Result<RoiBelief, String> {
    let usage = "give CHANNEL=LOW..HIGH, a 90 % interval of the channel's ROI, e.g. email=2..8";
    let (channel, interval) = text
        .rsplit_once('=')
        .ok_or(format!("`{text}` has no `=`: {usage}"))?;
    let channel = channel.trim();
    if channel.is_empty() {
        return Err(format!("`{text}` names no channel: {usage}"));
    }
    let (low, high) = interval.split_once("..").ok_or(format!(
        "`{interval}` is not an interval LOW..HIGH: {usage}"
    ))?;
    let number = |s: &str| {
        s.trim()
            .parse::<f64>()
            .ok()
            .filter(|v| v.is_finite())
            .ok_or(format!("`{}` is not a number: {usage}", s.trim()))
    };
    let belief = RoiBelief::new(channel, number(low)?, number(high)?);
    if belief.prior().is_err() {
        return Err(format!(
            "`{interval}`: the interval must have 0 < LOW < HIGH (an ROI is positive): {usage}"
        ));
    }
    Ok(belief)
}

/// Convergence facts for the JSON output.
#[derive(Debug, Serialize)]
pub struct ConvergenceOut {
    /// True when every threshold is met.
    pub converged: bool,
    /// Largest rank-normalised split R̂ over the parameters.
    pub max_r_hat: f64,
    /// Smallest bulk effective sample size over the parameters.
    pub min_bulk_ess: f64,
    /// Divergent transitions after warm-up.
    pub divergences: usize,
    /// Kept draws (all chains).
    pub draws: usize,
    /// Chains.
    pub chains: usize,
    /// The thresholds: R̂ at most this.
    pub r_hat_threshold: f64,
    /// Bulk ESS at least this (all chains together).
    pub min_ess_threshold: f64,
    /// Lift tests in the likelihood.
    pub lift_tests: usize,
}

/// A sampled posterior and its convergence summary.
pub struct Sampled {
    /// The draws.
    pub posterior: Posterior,
    /// For the output.
    pub convergence: ConvergenceOut,
}

impl PosteriorArgs {
    /// The default priors with the `--roi-prior` intervals.
    ///
    /// # Errors
    /// [`CliError::RoiPrior`] for a channel the data does not have.
    pub fn priors(&self, data: &WeeklyData) -> Result<Priors, CliError> {
        if let Some(unknown) = self
            .roi_priors
            .iter()
            .find(|b| !data.channels().iter().any(|c| c.name == b.channel))
        {
            return Err(CliError::RoiPrior {
                channel: unknown.channel.clone(),
                channels: data.channels().iter().map(|c| c.name.clone()).collect(),
            });
        }
        PriorParams::default()
            .roi_beliefs(&self.roi_priors)
            .and_then(PriorParams::check)
            .map_err(|e| CliError::Posterior { source: e.into() })
    }

    /// The lift tests of `--lift-tests`, read and checked (empty without the flag).
    ///
    /// # Errors
    /// [`CliError::ReadFile`], [`CliError::LiftTests`].
    pub fn lift_tests(&self) -> Result<Vec<LiftTest>, CliError> {
        let Some(path) = &self.lift_tests else {
            return Ok(Vec::new());
        };
        let file = std::fs::File::open(path).map_err(|source| CliError::ReadFile {
            path: path.clone(),
            hint: Some("check the path of --lift-tests".into()),
            source,
        })?;
        read_lift_tests(std::io::BufReader::new(file)).map_err(|source| CliError::LiftTests {
            path: path.clone(),
            source: source.into(),
        })
    }

    /// Samples the posterior of `model` on `data` (with the lift tests), or `None` with
    /// `--no-posterior`.
    ///
    /// # Errors
    /// [`CliError::LiftTests`] for a lift test that does not fit the data,
    /// [`CliError::Posterior`] for sampler settings out of range or a failed run.
    pub fn sample(
        &self,
        data: &WeeklyData,
        model: &FittedModel,
    ) -> Result<Option<Sampled>, CliError> {
        if self.no_posterior {
            return Ok(None);
        }
        let tests = self.lift_tests()?;
        let posterior_error = |e: mixplan_core::model::posterior::PosteriorError| {
            CliError::Posterior { source: e.into() }
        };
        let priors = self.priors(data)?;
        let params = self.sampler_params()?;
        let mut density = PosteriorModel::new(data, model, &priors).map_err(posterior_error)?;
        if !tests.is_empty() {
            density =
                density
                    .with_lift_tests(data, &tests)
                    .map_err(|source| CliError::LiftTests {
                        path: self.lift_tests.clone().unwrap_or_default(),
                        source: source.into(),
                    })?;
        }
        let mut posterior = params.sample(density, |_, _| {}).map_err(posterior_error)?;
        if let Some(keep) = self.keep_draws {
            posterior = posterior.thinned(keep);
        }
        let convergence = convergence(
            posterior.diagnostics(),
            posterior.draws(),
            self.chains,
            tests.len(),
        );
        Ok(Some(Sampled {
            posterior,
            convergence,
        }))
    }

    /// The sampler of the flags.
    ///
    /// # Errors
    /// [`CliError::Posterior`] for settings out of range.
    fn sampler_params(&self) -> Result<ValidSamplerParams, CliError> {
        SamplerParams::new()
            .draws(self.draws)
            .warmup(self.warmup)
            .chains(self.chains)
            .seed(self.posterior_seed)
            .target_accept(self.target_accept)
            .mass_matrix(if self.diagonal_mass {
                MassMatrix::Diagonal
            } else {
                MassMatrix::LowRank
            })
            .check()
            .map_err(|e| CliError::Posterior { source: e.into() })
    }

    /// [`PosteriorArgs::sample`] for the multiplicative form: the posterior of the model of
    /// `ln y` with the ROI priors in revenue, in revenue terms
    /// (`mixplan_core::model::multiplicative`); `None` with `--no-posterior`.
    ///
    /// # Errors
    /// As [`PosteriorArgs::sample`].
    pub fn sample_multiplicative(
        &self,
        data: &WeeklyData,
        model: &MultiplicativeModel,
    ) -> Result<Option<(MultiplicativePosterior, ConvergenceOut)>, CliError> {
        if self.no_posterior {
            return Ok(None);
        }
        let tests = self.lift_tests()?;
        let priors = self.priors(data)?;
        let params = self.sampler_params()?;
        let log_posterior = sample_log_posterior(&params, model, data, &priors, &tests, |_, _| {})
            .map_err(|source| match source {
                PosteriorError::LiftTest(_) => CliError::LiftTests {
                    path: self.lift_tests.clone().unwrap_or_default(),
                    source: source.into(),
                },
                other => CliError::Posterior {
                    source: other.into(),
                },
            })?;
        // Thinned before the draws are turned into revenue, so only the kept ones are.
        let kept = match self.keep_draws {
            Some(keep) => log_posterior.thinned(keep),
            None => log_posterior,
        };
        // The whole run's diagnostics, the kept draws' count (as the additive form reports).
        let convergence = convergence(kept.diagnostics(), kept.draws(), self.chains, tests.len());
        let posterior = MultiplicativePosterior::new(model, data, kept)
            .map_err(|e| CliError::Posterior { source: e.into() })?;
        Ok(Some((posterior, convergence)))
    }
}

fn convergence(d: &Diagnostics, draws: usize, chains: usize, lift_tests: usize) -> ConvergenceOut {
    ConvergenceOut {
        converged: d.converged,
        max_r_hat: d.max_r_hat,
        min_bulk_ess: d.min_bulk_ess,
        divergences: d.divergences,
        draws,
        chains,
        r_hat_threshold: d.thresholds.max_r_hat,
        min_ess_threshold: d.thresholds.min_bulk_ess_per_chain * chains as f64,
        lift_tests,
    }
}
