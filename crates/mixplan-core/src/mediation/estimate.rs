//! The two regressions of [`super`], their block bootstrap, and the report they make, in
//! either form of the model ([`ModelForm`]): stage 2 explains revenue (additive) or its
//! logarithm (multiplicative), and the effects are turned into revenue accordingly.

use super::error::MediationError;
use super::stage1::{Stage1Choice, Stage1Curve, choose_curves};
use super::{Interval, MediatorMetric, ValidMediationParams};
use crate::data::WeeklyData;
use crate::model::design::yearly_phase;
use crate::model::posterior::equal_tailed_interval;
use crate::model::{FittedModel, ModelForm, PlanningModel, Term};
use crate::transform::{GeometricAdstock, Hill};
use rand_chacha::ChaCha8Rng;
use rand_chacha::rand_core::{Rng, SeedableRng};
use serde::{Deserialize, Serialize};

/// One source channel's effects over the data period (see [`super`] for the formulas of
/// both forms). Effects are in currency in both forms; coefficients of stage 2 are in
/// revenue (additive) or ln revenue (multiplicative).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SourceEffect {
    /// The channel.
    pub channel: String,
    /// Its index in the data's channels.
    pub channel_index: usize,
    /// Its spend over the data period `X_s`, currency.
    pub spend: f64,
    /// `β_s`: the direct path's weekly effect at saturation (stage 2): currency
    /// (additive) or the lift of ln revenue (multiplicative).
    pub direct_coefficient: f64,
    /// `π_s`: mediator units (clicks or dollars) per week at saturation of its stage-1
    /// curve `g_s`.
    pub mediator_coefficient: f64,
    /// `g_s`: the curve stage 1 chose for the source's spend (see `stage1`).
    pub stage1_curve: Stage1Curve,
    /// `δ·π_s·G_s / H_s`: the indirect path's weekly effect at saturation spread on the
    /// model's curve `h_s`, so that `(β_s + this)·h_s` sums over the data period to the
    /// source's direct plus indirect effect on stage 2's scale: currency (additive, where
    /// it is `I_s / H_s`) or ln revenue (multiplicative).
    pub indirect_coefficient: f64,
    /// `π_s·G_s`: the mediator units the source caused over the period.
    pub extra_mediator: Interval,
    /// `D_s`, currency over the period: `β_s·H_s` (additive) or the removal effect
    /// `Σ_t ŷ_t(1 − exp(−β_s·h_{s,t}))` (multiplicative).
    pub direct: Interval,
    /// `I_s`, currency over the period: `δ·π_s·G_s` (additive) or the removal effect
    /// `Σ_t ŷ_t(1 − exp(−δ·π_s·g_{s,t}))` (multiplicative).
    pub indirect: Interval,
    /// `T_s`, currency over the period: `D_s + I_s` (additive) or the removal effect of both
    /// paths, `Σ_t ŷ_t(1 − exp(−β_s·h_{s,t} − δ·π_s·g_{s,t}))` (multiplicative, where
    /// `D_s + I_s ≥ T_s`: removal effects do not add up).
    pub total: Interval,
    /// The fraction of the source's effect that goes through the mediator, on stage 2's
    /// scale: `δπ_s·G_s / (β_s·H_s + δπ_s·G_s)`. In the additive form that is `I_s / T_s`; in
    /// the multiplicative form it is the indirect path's share of the source's lift of ln
    /// revenue (the direct and indirect shares add up to 1 there too; `I_s / T_s` would not).
    pub indirect_share: Interval,
    /// `D_s / X_s`.
    pub direct_roi: Interval,
    /// `I_s / X_s`.
    pub indirect_roi: Interval,
    /// `T_s / X_s`.
    pub total_roi: Interval,
}

/// The two-stage estimate (see [`super`]).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MediationReport {
    /// The model form stage 2 was estimated in: revenue (`additive`) or ln revenue
    /// (`multiplicative`).
    pub form: ModelForm,
    /// The mediator channel.
    pub mediator: String,
    /// Its index in the data's channels.
    pub mediator_index: usize,
    /// What measured it.
    pub metric: MediatorMetric,
    /// Weeks used.
    pub weeks: usize,
    /// `δ`: revenue per mediator unit (per click, or per search dollar), with its interval;
    /// in the multiplicative form the lift of ln revenue per unit (`δ·ȳ` is about the
    /// revenue of one more unit at the mean weekly revenue `ȳ`).
    pub value_per_unit: Interval,
    /// The curve stage 1 chose for the mediator's own spend (clicks only).
    pub own_curve: Option<Stage1Curve>,
    /// `π_own`: its coefficient (clicks per dollar when linear, clicks per week at
    /// saturation otherwise).
    pub own_coefficient: Option<f64>,
    /// R² of stage 1 (the mediator).
    pub stage1_r2: f64,
    /// R² of stage 2 (of revenue, or of ln revenue in the multiplicative form).
    pub stage2_r2: f64,
    /// Bootstrap block length, weeks.
    pub block_weeks: usize,
    /// Bootstrap resamples drawn.
    pub draws: usize,
    /// Of which fitted (the others had collinear columns).
    pub fitted_draws: usize,
    /// One entry per source channel.
    pub sources: Vec<SourceEffect>,
}

/// `h_{c,t} = hill(adstock(x_c)_t; K_c, s_c)` for every channel of `data`, with the fitted
/// model's carryover (geometric or Weibull) and saturation.
///
/// # Errors
/// [`MediationError::Curve`] if a channel's transform cannot be applied.
pub fn saturated_columns(
    data: &WeeklyData,
    model: &FittedModel,
) -> Result<Vec<Vec<f64>>, MediationError> {
    model
        .channels()
        .iter()
        .enumerate()
        .map(|(c, channel)| {
            let fail = |reason: String| MediationError::Curve {
                channel: channel.name.clone(),
                reason,
            };
            let spend = &data
                .channel(&channel.name)
                .ok_or_else(|| fail("it is not in the data".into()))?
                .values;
            let adstock = match channel.weibull {
                Some(w) => w
                    .kernel()
                    .and_then(|k| k.apply(spend))
                    .map_err(|e| fail(e.to_string()))?,
                None => GeometricAdstock::new(channel.decay)
                    .and_then(|a| a.apply(spend))
                    .map_err(|e| fail(e.to_string()))?,
            };
            let response = model.response(c).map_err(|e| fail(e.to_string()))?;
            let hill = Hill::new(response.half_saturation(), response.shape())
                .map_err(|e| fail(e.to_string()))?;
            Ok(adstock.iter().map(|&a| hill.value(a)).collect())
        })
        .collect()
}

/// Estimates from a fitted model: its saturated channels ([`saturated_columns`]) and its
/// trend and Fourier terms.
///
/// # Errors
/// As [`estimate_mediation_with`] and [`saturated_columns`].
pub fn estimate_mediation(
    data: &WeeklyData,
    model: &FittedModel,
    params: &ValidMediationParams,
) -> Result<MediationReport, MediationError> {
    estimate_from_model(data, model, params, ModelForm::Additive)
}

/// The estimate in `form` from `model`'s saturated channels ([`saturated_columns`]) and its
/// trend and Fourier terms (`model` is the additive model, or a multiplicative model's model
/// of ln revenue).
fn estimate_from_model(
    data: &WeeklyData,
    model: &FittedModel,
    params: &ValidMediationParams,
    form: ModelForm,
) -> Result<MediationReport, MediationError> {
    let saturated = saturated_columns(data, model)?;
    let terms: Vec<Term> = model
        .coefficients()
        .0
        .iter()
        .copied()
        .filter(|t| matches!(t, Term::Trend | Term::Sin(_) | Term::Cos(_)))
        .collect();
    estimate_mediation_with_form(data, &saturated, &terms, params, form)
}

/// Estimates from a fitted model in either form: [`estimate_mediation`] for the additive
/// form; for the multiplicative form the same with the model of ln revenue's curves and
/// terms ([`crate::model::MultiplicativeModel::log_model`]) and stage 2 on ln revenue
/// ([`estimate_mediation_with_form`]). `data` is the data in revenue in both.
///
/// # Errors
/// As [`estimate_mediation_with_form`] and [`saturated_columns`].
pub fn estimate_mediation_in_form(
    data: &WeeklyData,
    model: &PlanningModel,
    params: &ValidMediationParams,
) -> Result<MediationReport, MediationError> {
    estimate_from_model(data, model.linear_model(), params, model.form())
}

/// The fixed columns `F_t`: the intercept, then `terms` (trend `t/n`, `Sin(k)`/`Cos(k)` of
/// the yearly phase; other terms are ignored).
fn fixed_columns(data: &WeeklyData, terms: &[Term]) -> Vec<Vec<f64>> {
    let n = data.len();
    let phases: Vec<f64> = data.weeks().iter().map(|&d| yearly_phase(d)).collect();
    let mut fixed: Vec<Vec<f64>> = vec![vec![1.0; n]];
    for term in terms {
        match *term {
            Term::Trend => fixed.push((0..n).map(|t| t as f64 / n as f64).collect()),
            Term::Sin(k) => fixed.push(phases.iter().map(|p| (k as f64 * p).sin()).collect()),
            Term::Cos(k) => fixed.push(phases.iter().map(|p| (k as f64 * p).cos()).collect()),
            Term::Intercept | Term::Control(_) | Term::Channel(_) => {}
        }
    }
    fixed
}

/// The two designs: rows are weeks, stage 1's and stage 2's columns, and where the
/// coefficients of interest sit.
#[derive(Clone)]
struct Designs {
    /// Stage 1's columns, one value per week each.
    stage1: Vec<Vec<f64>>,
    /// Stage 2's columns.
    stage2: Vec<Vec<f64>>,
    /// Column of each source's stage-1 curve `g_s` in stage 1.
    stage1_sources: Vec<usize>,
    /// Column of the mediator's own-spend curve in stage 1 (clicks only).
    stage1_own: Option<usize>,
    /// Column of each source's `h_s` in stage 2.
    stage2_sources: Vec<usize>,
    /// Column of `M` in stage 2.
    stage2_mediator: usize,
}

impl Designs {
    fn new(
        data: &WeeklyData,
        saturated: &[Vec<f64>],
        fixed: &[Vec<f64>],
        choice: &Stage1Choice,
        params: &ValidMediationParams,
    ) -> Self {
        let mut two = fixed.to_vec();
        two.extend(data.controls().iter().map(|c| c.values.clone()));
        let mut stage2_sources = vec![0; params.sources.len()];
        for (c, column) in saturated.iter().enumerate() {
            if c == params.mediator {
                continue;
            }
            two.push(column.clone());
            if let Some(i) = params.sources.iter().position(|&s| s == c) {
                stage2_sources[i] = two.len() - 1;
            }
        }
        two.push(params.series.clone());
        let stage2_mediator = two.len() - 1;
        let mut designs = Self {
            stage1: Vec::new(),
            stage2: two,
            stage1_sources: Vec::new(),
            stage1_own: None,
            stage2_sources,
            stage2_mediator,
        };
        designs.set_stage1(fixed, choice);
        designs
    }

    /// Stage 1's columns for the curves `choice`: the fixed columns, the own-spend curve, each
    /// source's curve. Stage 2 does not depend on them and is kept (a bootstrap resample
    /// changes only stage 1's curves).
    fn set_stage1(&mut self, fixed: &[Vec<f64>], choice: &Stage1Choice) {
        let mut one = fixed.to_vec();
        self.stage1_own = choice.own.as_ref().map(|(_, column)| {
            one.push(column.clone());
            one.len() - 1
        });
        self.stage1_sources = choice
            .sources
            .iter()
            .map(|(_, column)| {
                one.push(column.clone());
                one.len() - 1
            })
            .collect();
        self.stage1 = one;
    }
}

/// The residual sum of squares of the least-squares fit of `y` on `x` over the rows `rows`.
fn residual_sum_of_squares(x: &[Vec<f64>], y: &[f64], rows: &[usize]) -> Option<f64> {
    let beta = least_squares(x, y, rows)?;
    Some(
        rows.iter()
            .map(|&t| (y[t] - x.iter().zip(&beta).map(|(c, b)| c[t] * b).sum::<f64>()).powi(2))
            .sum(),
    )
}

/// Least-squares coefficients `(XᵀX)⁻¹Xᵀy` on the rows `rows` of the columns `x` (a row may
/// repeat: a bootstrap resample), through the Cholesky factor `XᵀX = LLᵀ`; `None` when there
/// are no more rows than columns or `XᵀX` is not positive definite. Written out (p ≤ ~20)
/// rather than with nalgebra's dynamic matrices, whose code would weigh on the page's wasm
/// (issue #13).
fn least_squares(x: &[Vec<f64>], y: &[f64], rows: &[usize]) -> Option<Vec<f64>> {
    let p = x.len();
    if rows.len() <= p {
        return None;
    }
    // Lower triangle of XᵀX, row-major, and Xᵀy.
    let mut l = vec![0.0; p * p];
    let mut b = vec![0.0; p];
    for i in 0..p {
        for j in 0..=i {
            l[i * p + j] = rows.iter().map(|&t| x[i][t] * x[j][t]).sum();
        }
        b[i] = rows.iter().map(|&t| x[i][t] * y[t]).sum();
    }
    // In-place Cholesky, with a relative pivot floor for collinear columns.
    for j in 0..p {
        let diagonal = l[j * p + j] - (0..j).map(|k| l[j * p + k].powi(2)).sum::<f64>();
        let scale = rows.iter().map(|&t| x[j][t].powi(2)).sum::<f64>();
        if !(diagonal > 1e-10 * scale && diagonal.is_finite()) {
            return None;
        }
        let pivot = diagonal.sqrt();
        l[j * p + j] = pivot;
        for i in j + 1..p {
            let dot: f64 = (0..j).map(|k| l[i * p + k] * l[j * p + k]).sum();
            l[i * p + j] = (l[i * p + j] - dot) / pivot;
        }
    }
    // L z = b, then Lᵀ β = z.
    for i in 0..p {
        let dot: f64 = (0..i).map(|k| l[i * p + k] * b[k]).sum();
        b[i] = (b[i] - dot) / l[i * p + i];
    }
    for i in (0..p).rev() {
        let dot: f64 = (i + 1..p).map(|k| l[k * p + i] * b[k]).sum();
        b[i] = (b[i] - dot) / l[i * p + i];
    }
    b.iter().all(|v| v.is_finite()).then_some(b)
}

/// `1 − SSE/SST` of the fit `β` on all weeks.
fn r_squared(x: &[Vec<f64>], y: &[f64], beta: &[f64]) -> f64 {
    let n = y.len() as f64;
    let mean = y.iter().sum::<f64>() / n;
    let sst: f64 = y.iter().map(|v| (v - mean).powi(2)).sum();
    let sse: f64 = (0..y.len())
        .map(|t| (y[t] - x.iter().zip(beta).map(|(c, b)| c[t] * b).sum::<f64>()).powi(2))
        .sum();
    if sst > 0.0 { 1.0 - sse / sst } else { f64::NAN }
}

/// The sources' curves of stage 2, `h_{s,t}` (the model's), each with its sum `H_s` over the
/// data period: what turns the coefficients into effects.
struct SourceCurves<'a> {
    /// `h_s`, one column per source.
    columns: Vec<&'a [f64]>,
    /// `H_s = Σ_t h_{s,t}` per source.
    sums: Vec<f64>,
}

/// `1 − exp(−lift)`: the fraction of revenue a log lift accounts for (its removal effect per
/// unit of revenue), without cancellation for small lifts.
fn removal_fraction(lift: f64) -> f64 {
    -(-lift).exp_m1()
}

/// The coefficients of interest of one fit of both stages, and the effects they make.
struct Coefficients {
    /// `π_s` per source.
    pi: Vec<f64>,
    /// `β_s` per source.
    beta: Vec<f64>,
    /// `δ`.
    delta: f64,
    /// `π_own`.
    own: Option<f64>,
    /// `[π_s·G_s, D_s, I_s, T_s, share_s]` per source (see [`SourceEffect`]).
    effects: Vec<[f64; 5]>,
}

impl Coefficients {
    /// Both stages on the rows `rows` (all weeks, or a bootstrap resample) with stage 1's
    /// curves `choice`, stage 2 explaining `target` (revenue, or ln revenue for the
    /// multiplicative `form`), and every source's effects over the data period (all weeks,
    /// whichever rows were fitted):
    ///
    /// ```text
    /// G_s = Σ_t g_{s,t}                               (stage 1's curve of this fit)
    /// additive:        D_s = β_s·H_s,  I_s = δ·π_s·G_s,  T_s = D_s + I_s
    /// multiplicative:  μ_t = stage 2's fitted ln y_t,  σ² = mean squared residual over `rows`,
    ///                  ŷ_t = exp(μ_t + σ²/2)
    ///                  D_s = Σ_t ŷ_t(1 − exp(−β_s·h_{s,t}))
    ///                  I_s = Σ_t ŷ_t(1 − exp(−δ·π_s·g_{s,t}))
    ///                  T_s = Σ_t ŷ_t(1 − exp(−β_s·h_{s,t} − δ·π_s·g_{s,t}))
    /// share_s = δπ_s·G_s / (β_s·H_s + δπ_s·G_s)          (both; = I_s/T_s when additive)
    /// ```
    fn fit(
        designs: &Designs,
        choice: &Stage1Choice,
        mediator: &[f64],
        target: &[f64],
        rows: &[usize],
        form: ModelForm,
        curves: &SourceCurves<'_>,
    ) -> Option<Self> {
        let a = least_squares(&designs.stage1, mediator, rows)?;
        let b = least_squares(&designs.stage2, target, rows)?;
        let pi: Vec<f64> = designs.stage1_sources.iter().map(|&j| a[j]).collect();
        let beta: Vec<f64> = designs.stage2_sources.iter().map(|&j| b[j]).collect();
        let delta = b[designs.stage2_mediator];
        let mean_revenue = match form {
            ModelForm::Additive => Vec::new(),
            ModelForm::Multiplicative => {
                let fitted: Vec<f64> = (0..target.len())
                    .map(|t| designs.stage2.iter().zip(&b).map(|(c, b)| c[t] * b).sum())
                    .collect();
                let variance = rows
                    .iter()
                    .map(|&t| (target[t] - fitted[t]).powi(2))
                    .sum::<f64>()
                    / rows.len() as f64;
                fitted
                    .iter()
                    .map(|mu| (mu + variance / 2.0).exp())
                    .collect()
            }
        };
        let effects = choice
            .sources
            .iter()
            .enumerate()
            .map(|(i, (_, g))| {
                let stage1_sum: f64 = g.iter().sum();
                let extra = pi[i] * stage1_sum;
                let direct_lift = beta[i] * curves.sums[i];
                let indirect_lift = delta * extra;
                let share = indirect_lift / (direct_lift + indirect_lift);
                match form {
                    ModelForm::Additive => {
                        let total = direct_lift + indirect_lift;
                        [extra, direct_lift, indirect_lift, total, share]
                    }
                    ModelForm::Multiplicative => {
                        let (mut direct, mut indirect, mut total) = (0.0, 0.0, 0.0);
                        for (t, y) in mean_revenue.iter().enumerate() {
                            let through = delta * pi[i] * g[t];
                            let own = beta[i] * curves.columns[i][t];
                            direct += y * removal_fraction(own);
                            indirect += y * removal_fraction(through);
                            total += y * removal_fraction(own + through);
                        }
                        [extra, direct, indirect, total, share]
                    }
                }
            })
            .collect();
        Some(Self {
            pi,
            beta,
            delta,
            own: designs.stage1_own.map(|j| a[j]),
            effects,
        })
    }
}

/// Estimates from the given saturated channel columns `saturated` (`h_{c,t}`, one per data
/// channel) and fixed terms `terms` (trend `t/n`, `Sin(k)`/`Cos(k)` of the yearly phase; the
/// intercept is always included, other terms are ignored), in the additive form
/// ([`estimate_mediation_with_form`]). The controls of `data` enter stage 2 as they are.
///
/// # Errors
/// As [`estimate_mediation_with_form`].
pub fn estimate_mediation_with(
    data: &WeeklyData,
    saturated: &[Vec<f64>],
    terms: &[Term],
    params: &ValidMediationParams,
) -> Result<MediationReport, MediationError> {
    estimate_mediation_with_form(data, saturated, terms, params, ModelForm::Additive)
}

/// [`estimate_mediation_with`] in the given model `form`: stage 2 explains revenue
/// (additive) or ln revenue (multiplicative, with `saturated` the curves of the model of
/// ln revenue), and the effects are computed as in [`super`] for that form. Stage 1 and the
/// bootstrap's resampling are the same in both forms.
///
/// # Errors
/// [`MediationError::NonPositiveRevenue`] in the multiplicative form for a week whose
/// revenue is not above zero, [`MediationError::Setting`] when `saturated` does not have one
/// column of one value per week per channel, [`MediationError::Regression`] when a stage has
/// too few weeks or collinear columns, [`MediationError::Bootstrap`] when fewer than 80 % of
/// the resamples can be fitted.
pub fn estimate_mediation_with_form(
    data: &WeeklyData,
    saturated: &[Vec<f64>],
    terms: &[Term],
    params: &ValidMediationParams,
    form: ModelForm,
) -> Result<MediationReport, MediationError> {
    let n = data.len();
    if saturated.len() != data.channels().len() || saturated.iter().any(|c| c.len() != n) {
        return Err(MediationError::Setting(format!(
            "{} saturated columns for {} channels of {n} weeks: give one column per channel and one value per week",
            saturated.len(),
            data.channels().len()
        )));
    }
    let all: Vec<usize> = (0..n).collect();
    let fixed = fixed_columns(data, terms);
    let choice = choose_curves(
        data,
        saturated,
        &fixed,
        &params.sources,
        params.mediator,
        params.metric,
        |x| residual_sum_of_squares(x, &params.series, &all),
    );
    let designs = Designs::new(data, saturated, &fixed, &choice, params);
    let logged: Vec<f64>;
    let target: &[f64] = match form {
        ModelForm::Additive => data.target(),
        ModelForm::Multiplicative => {
            if let Some((t, &value)) = data
                .target()
                .iter()
                .enumerate()
                .find(|(_, y)| !(y.is_finite() && **y > 0.0))
            {
                return Err(MediationError::NonPositiveRevenue {
                    week: data.weeks()[t],
                    value,
                });
            }
            logged = data.target().iter().map(|y| y.ln()).collect();
            &logged
        }
    };
    let curves = SourceCurves {
        columns: params
            .sources
            .iter()
            .map(|&s| saturated[s].as_slice())
            .collect(),
        sums: params
            .sources
            .iter()
            .map(|&s| saturated[s].iter().sum())
            .collect(),
    };
    let mediator = &params.series;
    for (stage, x) in [("stage 1", &designs.stage1), ("stage 2", &designs.stage2)] {
        let y = if stage == "stage 1" { mediator } else { target };
        if least_squares(x, y, &all).is_none() {
            return Err(MediationError::Regression {
                stage,
                reason: if n <= x.len() {
                    format!("{n} weeks for {} coefficients", x.len())
                } else {
                    "its columns are collinear (a channel repeats another, or never changes)".into()
                },
            });
        }
    }
    let point = Coefficients::fit(&designs, &choice, mediator, target, &all, form, &curves)
        .ok_or_else(|| MediationError::Regression {
            stage: "stage 2",
            reason: "its columns are collinear".into(),
        })?;
    let r2 = |x: &[Vec<f64>], y: &[f64]| {
        least_squares(x, y, &all).map_or(f64::NAN, |b| r_squared(x, y, &b))
    };
    let stage1_r2 = r2(&designs.stage1, mediator);
    let stage2_r2 = r2(&designs.stage2, target);

    // Moving-block bootstrap.
    let block = if params.block_weeks > 0 {
        params.block_weeks
    } else {
        ((n as f64).cbrt().round() as usize).max(2)
    };
    let starts = (n - block + 1) as u64;
    let mut rng = ChaCha8Rng::seed_from_u64(params.seed);
    let mut draws: Vec<Coefficients> = Vec::with_capacity(params.draws);
    let mut rows = Vec::with_capacity(n + block);
    let mut resampled = designs.clone();
    for _ in 0..params.draws {
        rows.clear();
        while rows.len() < n {
            let start = (rng.next_u64() % starts) as usize;
            rows.extend(start..start + block);
        }
        rows.truncate(n);
        let redo = choice.resample(data, &fixed, |x| {
            residual_sum_of_squares(x, mediator, &rows)
        });
        resampled.set_stage1(&fixed, &redo);
        if let Some(fit) =
            Coefficients::fit(&resampled, &redo, mediator, target, &rows, form, &curves)
        {
            draws.push(fit);
        }
    }
    if (draws.len() as f64) < 0.8 * params.draws as f64 {
        return Err(MediationError::Bootstrap {
            fitted: draws.len(),
            draws: params.draws,
        });
    }
    let interval = |estimate: f64, values: &[f64]| -> Result<Interval, MediationError> {
        let finite: Vec<f64> = values.iter().copied().filter(|v| v.is_finite()).collect();
        let (lower, upper) = equal_tailed_interval(&finite, params.level)
            .map_err(|e| MediationError::Setting(format!("bootstrap interval: {e}")))?;
        Ok(Interval {
            estimate,
            lower,
            upper,
            level: params.level,
        })
    };
    let deltas: Vec<f64> = draws.iter().map(|d| d.delta).collect();
    let value_per_unit = interval(point.delta, &deltas)?;

    let mut sources = Vec::with_capacity(params.sources.len());
    for (i, &s) in params.sources.iter().enumerate() {
        let saturated_sum = curves.sums[i];
        let stage1_curve = choice.sources[i].0;
        let spend: f64 = data.channels()[s].values.iter().sum();
        let estimate = point.effects[i];
        let sampled: Vec<[f64; 5]> = draws.iter().map(|d| d.effects[i]).collect();
        let column = |k: usize| -> Vec<f64> { sampled.iter().map(|e| e[k]).collect() };
        let per_spend = |k: usize| -> Vec<f64> { sampled.iter().map(|e| e[k] / spend).collect() };
        sources.push(SourceEffect {
            channel: data.channels()[s].name.clone(),
            channel_index: s,
            spend,
            direct_coefficient: point.beta[i],
            mediator_coefficient: point.pi[i],
            stage1_curve,
            // δ·(π_s·G_s) / H_s: `I_s / H_s` in the additive form.
            indirect_coefficient: if saturated_sum > 0.0 {
                point.delta * estimate[0] / saturated_sum
            } else {
                0.0
            },
            extra_mediator: interval(estimate[0], &column(0))?,
            direct: interval(estimate[1], &column(1))?,
            indirect: interval(estimate[2], &column(2))?,
            total: interval(estimate[3], &column(3))?,
            indirect_share: interval(estimate[4], &column(4))?,
            direct_roi: interval(estimate[1] / spend, &per_spend(1))?,
            indirect_roi: interval(estimate[2] / spend, &per_spend(2))?,
            total_roi: interval(estimate[3] / spend, &per_spend(3))?,
        });
    }
    Ok(MediationReport {
        form,
        mediator: data.channels()[params.mediator].name.clone(),
        mediator_index: params.mediator,
        metric: params.metric,
        weeks: n,
        value_per_unit,
        own_curve: choice.own.as_ref().map(|(curve, _)| *curve),
        own_coefficient: point.own,
        stage1_r2,
        stage2_r2,
        block_weeks: block,
        draws: params.draws,
        fitted_draws: draws.len(),
        sources,
    })
}
