//! Convergence diagnostics: rank-normalised split R-hat and bulk effective sample size
//! (Vehtari, Gelman, Simpson, Carpenter & Bürkner 2021, "Rank-normalization, folding, and
//! localization: an improved R̂ for assessing convergence of MCMC"), as Stan and ArviZ
//! compute them.
//!
//! For `M` chains of `N` draws of one parameter:
//!
//! 1. **Split**: each chain is cut into its first and last `⌊N/2⌋` draws, giving `2M`
//!    chains of `n = ⌊N/2⌋` (a chain that drifts then disagrees with itself).
//! 2. **Rank-normalise**: pool all `S = 2Mn` draws, rank them (ties get their average
//!    rank `r`), and replace each by `z = Φ⁻¹((r − 3/8)/(S + 1/4))`.
//! 3. **R-hat** of chains `z_{m,i}`: `W` = mean of the within-chain variances, `B/n` =
//!    variance of the chain means, `var⁺ = (n−1)/n · W + B/n`, `R̂ = √(var⁺/W)`.
//!    The reported R̂ is the larger of the bulk value (on `z`) and the tail value (the same
//!    on the folded draws `|x − median x|`).
//! 4. **Bulk ESS** on the rank-normalised split chains: with the autocovariances `γ_m(t)`,
//!    `ρ̂_t = 1 − (W − mean_m γ_m(t))/var⁺`, summed in pairs `ρ̂_{2k} + ρ̂_{2k+1}` while
//!    positive, made monotone (Geyer's initial monotone sequence), `τ = −1 + 2Σρ̂_t`,
//!    `ESS = 2Mn/τ`.
//!
//! # Convergence thresholds ([`ConvergenceThresholds::default`])
//!
//! * `R̂ ≤ 1.01` for every parameter: the threshold Vehtari et al. recommend (the older 1.1
//!   lets visibly unmixed chains pass);
//! * bulk ESS `≥ 100` per chain (`400` for 4 chains) for every parameter: their
//!   recommendation, so that R̂ itself and the Monte-Carlo error of the posterior means are
//!   reliable;
//! * no divergent transitions after warm-up: a divergence means NUTS could not follow the
//!   posterior's geometry somewhere, and the draws may miss that region.

use serde::{Deserialize, Serialize};

/// The limits a run must meet to be called converged.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct ConvergenceThresholds {
    /// Largest R̂ allowed for any parameter.
    pub max_r_hat: f64,
    /// Smallest bulk ESS allowed for any parameter, per chain.
    pub min_bulk_ess_per_chain: f64,
    /// Largest number of divergent transitions after warm-up.
    pub max_divergences: usize,
}

impl Default for ConvergenceThresholds {
    /// R̂ ≤ 1.01, bulk ESS ≥ 100 per chain, no divergences (see the [module docs](self)).
    fn default() -> Self {
        Self {
            max_r_hat: 1.01,
            min_bulk_ess_per_chain: 100.0,
            max_divergences: 0,
        }
    }
}

/// R̂ and bulk ESS of one parameter.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ParameterDiagnostics {
    /// Parameter name (see [`super::PosteriorModel::parameter_names`]).
    pub name: String,
    /// Rank-normalised split R̂ (the larger of bulk and tail).
    pub r_hat: f64,
    /// Bulk effective sample size over all chains.
    pub bulk_ess: f64,
}

/// Convergence report of a sampling run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Diagnostics {
    /// Per unconstrained parameter.
    pub parameters: Vec<ParameterDiagnostics>,
    /// Chains run.
    pub chains: usize,
    /// Draws kept per chain.
    pub draws_per_chain: usize,
    /// Divergent transitions after warm-up, over all chains.
    pub divergences: usize,
    /// Largest R̂ over the parameters.
    pub max_r_hat: f64,
    /// Smallest bulk ESS over the parameters.
    pub min_bulk_ess: f64,
    /// The thresholds applied.
    pub thresholds: ConvergenceThresholds,
    /// `true` when every threshold is met.
    pub converged: bool,
}

impl Diagnostics {
    /// Diagnoses `draws[parameter][chain][draw]` with `divergences` after warm-up.
    pub fn new(
        names: &[String],
        draws: &[Vec<Vec<f64>>],
        divergences: usize,
        thresholds: ConvergenceThresholds,
    ) -> Self {
        let parameters: Vec<ParameterDiagnostics> = names
            .iter()
            .zip(draws)
            .map(|(name, chains)| ParameterDiagnostics {
                name: name.clone(),
                r_hat: split_r_hat(chains),
                bulk_ess: bulk_ess(chains),
            })
            .collect();
        let chains = draws.first().map_or(0, Vec::len);
        let draws_per_chain = draws.first().and_then(|c| c.first()).map_or(0, Vec::len);
        let max_r_hat = parameters
            .iter()
            .map(|p| p.r_hat)
            .fold(f64::NEG_INFINITY, nan_max);
        let min_bulk_ess = parameters
            .iter()
            .map(|p| p.bulk_ess)
            .fold(f64::INFINITY, nan_min);
        let converged = max_r_hat <= thresholds.max_r_hat
            && min_bulk_ess >= thresholds.min_bulk_ess_per_chain * chains as f64
            && divergences <= thresholds.max_divergences;
        Self {
            parameters,
            chains,
            draws_per_chain,
            divergences,
            max_r_hat,
            min_bulk_ess,
            thresholds,
            converged,
        }
    }
}

/// `max` that lets a NaN win (so an undefined R̂ is never hidden).
fn nan_max(a: f64, b: f64) -> f64 {
    if a.is_nan() || b.is_nan() {
        f64::NAN
    } else {
        a.max(b)
    }
}

/// `min` that lets a NaN win.
fn nan_min(a: f64, b: f64) -> f64 {
    if a.is_nan() || b.is_nan() {
        f64::NAN
    } else {
        a.min(b)
    }
}

/// Rank-normalised split R̂ of `chains[chain][draw]`: the larger of the bulk and tail
/// values (see the [module docs](self)). NaN with fewer than 4 draws per chain or when
/// every draw is equal.
pub fn split_r_hat(chains: &[Vec<f64>]) -> f64 {
    let split = split_chains(chains);
    if split.is_empty() || split[0].len() < 2 {
        return f64::NAN;
    }
    let bulk = r_hat(&rank_normalise(&split));
    let median = median(split.iter().flatten().copied().collect());
    let folded: Vec<Vec<f64>> = split
        .iter()
        .map(|c| c.iter().map(|v| (v - median).abs()).collect())
        .collect();
    let tail = r_hat(&rank_normalise(&folded));
    nan_max(bulk, tail)
}

/// Bulk effective sample size of `chains[chain][draw]` (see the [module docs](self)). NaN
/// with fewer than 4 draws per chain or when every draw is equal.
pub fn bulk_ess(chains: &[Vec<f64>]) -> f64 {
    let split = split_chains(chains);
    if split.is_empty() || split[0].len() < 2 {
        return f64::NAN;
    }
    ess(&rank_normalise(&split))
}

/// The first and last `⌊N/2⌋` draws of every chain (chains cut to the shortest).
fn split_chains(chains: &[Vec<f64>]) -> Vec<Vec<f64>> {
    let n = chains.iter().map(Vec::len).min().unwrap_or(0);
    let half = n / 2;
    chains
        .iter()
        .flat_map(|c| [c[..half].to_vec(), c[n - half..n].to_vec()])
        .collect()
}

fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    let n = values.len();
    if n == 0 {
        f64::NAN
    } else if n % 2 == 1 {
        values[n / 2]
    } else {
        0.5 * (values[n / 2 - 1] + values[n / 2])
    }
}

/// Replaces every draw by `Φ⁻¹((r − 3/8)/(S + 1/4))`, `r` its average rank among all `S`.
fn rank_normalise(chains: &[Vec<f64>]) -> Vec<Vec<f64>> {
    let mut pooled: Vec<(f64, usize, usize)> = chains
        .iter()
        .enumerate()
        .flat_map(|(c, v)| v.iter().enumerate().map(move |(i, &x)| (x, c, i)))
        .collect();
    pooled.sort_by(|a, b| a.0.total_cmp(&b.0));
    let total = pooled.len() as f64;
    let mut out: Vec<Vec<f64>> = chains.iter().map(|c| vec![0.0; c.len()]).collect();
    let mut start = 0;
    while start < pooled.len() {
        let mut end = start + 1;
        while end < pooled.len() && pooled[end].0 == pooled[start].0 {
            end += 1;
        }
        // Ranks start + 1 … end share their average.
        let rank = 0.5 * ((start + 1) + end) as f64;
        let z = inverse_normal_cdf((rank - 0.375) / (total + 0.25));
        for &(_, c, i) in &pooled[start..end] {
            out[c][i] = z;
        }
        start = end;
    }
    out
}

/// `(chain means, within-chain variances)` (variances with denominator `n − 1`).
fn means_and_variances(chains: &[Vec<f64>]) -> (Vec<f64>, Vec<f64>) {
    chains
        .iter()
        .map(|c| {
            let n = c.len() as f64;
            let mean = c.iter().sum::<f64>() / n;
            let var = c.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / (n - 1.0);
            (mean, var)
        })
        .unzip()
}

/// `(W, var⁺)` of equal-length chains.
fn within_and_pooled_variance(chains: &[Vec<f64>]) -> (f64, f64) {
    let n = chains[0].len() as f64;
    let m = chains.len() as f64;
    let (means, vars) = means_and_variances(chains);
    let within = vars.iter().sum::<f64>() / m;
    let grand = means.iter().sum::<f64>() / m;
    let between_over_n = if chains.len() > 1 {
        means.iter().map(|v| (v - grand).powi(2)).sum::<f64>() / (m - 1.0)
    } else {
        0.0
    };
    (within, (n - 1.0) / n * within + between_over_n)
}

/// `√(var⁺/W)`; NaN when `W = 0`.
fn r_hat(chains: &[Vec<f64>]) -> f64 {
    let (within, pooled) = within_and_pooled_variance(chains);
    if within > 0.0 {
        (pooled / within).sqrt()
    } else {
        f64::NAN
    }
}

/// Multi-chain ESS with Geyer's initial monotone sequence (Stan's `ess`).
fn ess(chains: &[Vec<f64>]) -> f64 {
    let n = chains[0].len();
    let m = chains.len();
    let (within, pooled) = within_and_pooled_variance(chains);
    if pooled.is_nan() || pooled <= 0.0 {
        return f64::NAN;
    }
    // Mean over chains of the autocovariance at lag t (denominator n).
    let autocovariance = |t: usize| -> f64 {
        chains
            .iter()
            .map(|c| {
                let mean = c.iter().sum::<f64>() / n as f64;
                (0..n - t)
                    .map(|i| (c[i] - mean) * (c[i + t] - mean))
                    .sum::<f64>()
                    / n as f64
            })
            .sum::<f64>()
            / m as f64
    };
    let rho = |t: usize| 1.0 - (within - autocovariance(t)) / pooled;
    let mut rho_hat = vec![0.0; n + 1];
    rho_hat[0] = 1.0;
    let mut even = 1.0;
    let mut odd = rho(1);
    rho_hat[1] = odd;
    let mut t = 1;
    while t + 3 < n && even + odd > 0.0 {
        even = rho(t + 1);
        odd = rho(t + 2);
        if even + odd >= 0.0 {
            rho_hat[t + 1] = even;
            rho_hat[t + 2] = odd;
        }
        t += 2;
    }
    let max_t = t;
    if even > 0.0 {
        rho_hat[max_t + 1] = even;
    }
    let mut t = 1;
    while t + 2 <= max_t {
        if rho_hat[t + 1] + rho_hat[t + 2] > rho_hat[t - 1] + rho_hat[t] {
            rho_hat[t + 1] = 0.5 * (rho_hat[t - 1] + rho_hat[t]);
            rho_hat[t + 2] = rho_hat[t + 1];
        }
        t += 2;
    }
    let total = (m * n) as f64;
    let tau = (-1.0 + 2.0 * rho_hat[..=max_t].iter().sum::<f64>() + rho_hat[max_t + 1])
        .max(1.0 / total.log10());
    total / tau
}

/// `Φ⁻¹(p)` for `p ∈ (0, 1)` (Acklam's rational approximation, relative error < 1.2e-9).
pub(crate) fn inverse_normal_cdf(p: f64) -> f64 {
    const A: [f64; 6] = [
        -3.969_683_028_665_376e1,
        2.209_460_984_245_205e2,
        -2.759_285_104_469_687e2,
        1.383_577_518_672_69e2,
        -3.066_479_806_614_716e1,
        2.506_628_277_459_239,
    ];
    const B: [f64; 5] = [
        -5.447_609_879_822_406e1,
        1.615_858_368_580_409e2,
        -1.556_989_798_598_866e2,
        6.680_131_188_771_972e1,
        -1.328_068_155_288_572e1,
    ];
    const C: [f64; 6] = [
        -7.784_894_002_430_293e-3,
        -3.223_964_580_411_365e-1,
        -2.400_758_277_161_838,
        -2.549_732_539_343_734,
        4.374_664_141_464_968,
        2.938_163_982_698_783,
    ];
    const D: [f64; 4] = [
        7.784_695_709_041_462e-3,
        3.224_671_290_700_398e-1,
        2.445_134_137_142_996,
        3.754_408_661_907_416,
    ];
    const LOW: f64 = 0.02425;
    let tail = |q: f64| {
        (((((C[0] * q + C[1]) * q + C[2]) * q + C[3]) * q + C[4]) * q + C[5])
            / ((((D[0] * q + D[1]) * q + D[2]) * q + D[3]) * q + 1.0)
    };
    if p <= 0.0 {
        f64::NEG_INFINITY
    } else if p >= 1.0 {
        f64::INFINITY
    } else if p < LOW {
        tail((-2.0 * p.ln()).sqrt())
    } else if p > 1.0 - LOW {
        -tail((-2.0 * (1.0 - p).ln()).sqrt())
    } else {
        let q = p - 0.5;
        let r = q * q;
        (((((A[0] * r + A[1]) * r + A[2]) * r + A[3]) * r + A[4]) * r + A[5]) * q
            / (((((B[0] * r + B[1]) * r + B[2]) * r + B[3]) * r + B[4]) * r + 1.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inverse_normal_cdf_matches_known_quantiles() {
        for (p, z) in [
            (0.5, 0.0),
            (0.975, 1.959_963_984_540_054),
            (0.025, -1.959_963_984_540_054),
            (0.95, 1.644_853_626_951_472_2),
            (0.001, -3.090_232_306_167_813_6),
        ] {
            assert!((inverse_normal_cdf(p) - z).abs() < 1e-8, "p = {p}");
        }
    }
}
