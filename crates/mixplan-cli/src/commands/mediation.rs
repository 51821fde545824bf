//! `mixplan mediation DATA.csv [--mediator CHANNEL] [--source CHANNEL]… [--metric
//! clicks|spend] [--facts fact_marketing.csv] [--draws N] [--level L] [--form
//! additive|multiplicative|auto]` (and the data arguments of `fit`)
//!
//! Fits the model as `mixplan fit` does, then the two-stage mediation of
//! [`mixplan_core::mediation`], and prints [`mixplan_core::mediation::MediationReport`] as
//! JSON (`form`; `value_per_unit`; per source `direct`, `indirect`, `total`,
//! `indirect_share`, their ROIs, each interval as `estimate`, `lower`, `upper`, `level`),
//! where the clicks came from (`clicks_from`), and `splits`: the plain and the
//! mediation-aware split of the historical weekly budget (mean total weekly spend).
//! Method: `docs/mediation.md`.
//!
//! `--form` chooses the model form as `mixplan fit --form` does (`additive` by default;
//! `auto` adds `form_comparison`). In the multiplicative form stage 2 explains ln revenue,
//! the effects are removal effects (direct + indirect do not add up to total), and the
//! splits' revenues are the form's `B̄·(e^S − 1)`.
//!
//! Clicks (`--metric clicks`, the default) are read, in this order, from `--facts` (the
//! store's weekly `fact_marketing.csv`: `week,channel_id,…,clicks,…`), from a column
//! `<mediator>_clicks` of the data file, or from a `fact_marketing.csv` next to the data file.

use super::CommandResult;
use super::common::{ModelArgs, channel_names};
use super::fit::{FormChoice, FormComparisonOut, choose_form};
use super::output::print_json;
use crate::error::CliError;
use chrono::NaiveDate;
use mixplan_core::mediation::{
    MediationError, MediationParams, MediationReport, MediationSplits, MediatorMetric,
    estimate_mediation_in_form,
};
use mixplan_core::model::{ModelForm, PlanningModel};
use mixplan_core::transform::CarryoverForm;
use serde::Serialize;
use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// What measures the mediator, as typed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum MetricArg {
    /// Weekly clicks of the mediator.
    Clicks,
    /// The mediator's own weekly spend.
    Spend,
}

/// Arguments of `mixplan mediation`.
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    model: ModelArgs,
    /// The channel the effect flows through.
    #[arg(long, default_value = "paid_search", value_name = "CHANNEL")]
    mediator: String,
    /// A channel whose effect may flow through the mediator (repeat for several; default:
    /// every channel whose name contains "social").
    #[arg(long = "source", value_name = "CHANNEL")]
    sources: Vec<String>,
    /// What measures the mediator.
    #[arg(long, value_enum, default_value_t = MetricArg::Clicks)]
    metric: MetricArg,
    /// The store's weekly fact_marketing.csv to read the mediator's clicks from.
    #[arg(long, value_name = "CSV")]
    facts: Option<PathBuf>,
    /// Bootstrap resamples of the intervals.
    #[arg(long, default_value_t = 500, value_name = "N")]
    draws: usize,
    /// Coverage of the intervals, in (0, 1).
    #[arg(long, default_value_t = 0.9, value_name = "L")]
    level: f64,
    /// Model form: additive (default; each channel adds revenue), multiplicative (a model of
    /// ln revenue: stage 2 explains ln revenue, effects are removal effects) or auto (chosen
    /// by a rolling-origin evaluation inside the training weeks).
    #[arg(long, default_value = "additive", value_enum, value_name = "FORM")]
    form: FormChoice,
}

/// The whole output.
#[derive(Debug, Serialize)]
struct Output {
    #[serde(flatten)]
    report: MediationReport,
    /// The file the clicks were read from (none for `--metric spend`).
    #[serde(skip_serializing_if = "Option::is_none")]
    clicks_from: Option<String>,
    /// With `--form auto`, the comparison that chose the form.
    #[serde(skip_serializing_if = "Option::is_none")]
    form_comparison: Option<FormComparisonOut>,
    /// Both splits of the historical weekly budget.
    splits: MediationSplits,
}

/// One CSV file's header and rows, split on commas (the store's files and plain wide files).
fn read_csv(path: &Path) -> Result<(Vec<String>, Vec<Vec<String>>), String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let mut lines = text.lines().filter(|l| !l.trim().is_empty());
    let header = lines
        .next()
        .ok_or_else(|| format!("{} is empty", path.display()))?
        .split(',')
        .map(|h| h.trim().trim_matches('"').to_string())
        .collect();
    let rows = lines
        .map(|l| {
            l.split(',')
                .map(|f| f.trim().trim_matches('"').to_string())
                .collect()
        })
        .collect();
    Ok((header, rows))
}

/// Values of `column` by week (first column a `YYYY-MM-DD` date), from the rows whose
/// `filter` column equals the given value (when given).
fn weekly_column(
    path: &Path,
    column: &str,
    filter: Option<(&str, &str)>,
) -> Result<Option<HashMap<NaiveDate, f64>>, String> {
    let (header, rows) = read_csv(path)?;
    let Some(at) = header.iter().position(|h| h == column) else {
        return Ok(None);
    };
    let filter_at = match filter {
        Some((name, value)) => Some((
            header
                .iter()
                .position(|h| h == name)
                .ok_or_else(|| format!("{} has no column '{name}'", path.display()))?,
            value,
        )),
        None => None,
    };
    let mut values = HashMap::new();
    for (line, row) in rows.iter().enumerate() {
        if let Some((f, value)) = filter_at
            && row.get(f).map(String::as_str) != Some(value)
        {
            continue;
        }
        let field = |j: usize| row.get(j).map(String::as_str).unwrap_or("");
        let week = NaiveDate::parse_from_str(field(0), "%Y-%m-%d").map_err(|_| {
            format!(
                "{} line {}: '{}' is not a YYYY-MM-DD week",
                path.display(),
                line + 2,
                field(0)
            )
        })?;
        let value: f64 = field(at).parse().map_err(|_| {
            format!(
                "{} line {}: '{}' in column '{column}' is not a number",
                path.display(),
                line + 2,
                field(at)
            )
        })?;
        values.insert(week, value);
    }
    Ok(Some(values))
}

/// The mediator's weekly clicks aligned with `weeks`, and the file they came from.
fn read_clicks(
    args: &Args,
    mediator: &str,
    weeks: &[NaiveDate],
) -> Result<(Vec<f64>, PathBuf), String> {
    let data_path = &args.model.data.path;
    let sibling = data_path
        .parent()
        .map(|d| d.join("fact_marketing.csv"))
        .filter(|p| p.is_file());
    let wide_column = format!("{mediator}_clicks");
    let mut tried = Vec::new();
    let mut found = None;
    if let Some(facts) = &args.facts {
        found = weekly_column(facts, "clicks", Some(("channel_id", mediator)))?
            .map(|v| (v, facts.clone()));
        if found.is_none() {
            return Err(format!(
                "{} has no column 'clicks'; give the store's weekly fact_marketing.csv with clicks, or use --metric spend",
                facts.display()
            ));
        }
    }
    if found.is_none() {
        tried.push(format!(
            "no column '{wide_column}' in {}",
            data_path.display()
        ));
        found = weekly_column(data_path, &wide_column, None)
            .ok()
            .flatten()
            .map(|v| (v, data_path.clone()));
    }
    if found.is_none()
        && let Some(facts) = sibling
    {
        tried.push(format!("no column 'clicks' in {}", facts.display()));
        found = weekly_column(&facts, "clicks", Some(("channel_id", mediator)))?
            .map(|v| (v, facts.clone()));
    }
    let Some((values, from)) = found else {
        return Err(format!(
            "{}; add a column '{wide_column}' with weekly clicks, name the store's fact_marketing.csv with --facts, or use --metric spend",
            tried.join(", ")
        ));
    };
    let clicks = weeks
        .iter()
        .map(|w| {
            values.get(w).copied().ok_or_else(|| {
                format!(
                    "{} has no clicks of {mediator} for the week of {w}; give one value per week of the data",
                    from.display()
                )
            })
        })
        .collect::<Result<Vec<f64>, String>>()?;
    Ok((clicks, from))
}

/// Runs `mixplan mediation`.
pub fn run(args: Args) -> CommandResult {
    let path = args.model.data.path.clone();
    let mediation_error = |source: MediationError| CliError::Mediation {
        path: path.clone(),
        source: source.into(),
    };
    let (data, quality) = args.model.data.load_assessed()?;
    let (form, comparison) = choose_form(&args.model, &data, CarryoverForm::Geometric, args.form)?;
    let (model, data): (PlanningModel, _) = match form {
        ModelForm::Additive => {
            let fit = args
                .model
                .fit_loaded(data, quality, CarryoverForm::Geometric)?;
            (fit.model.into(), fit.data)
        }
        ModelForm::Multiplicative => {
            let (model, _) = args
                .model
                .fit_multiplicative(&data, CarryoverForm::Geometric)?;
            (model.into(), data)
        }
    };
    let names = channel_names(model.linear_model());
    let mediator_name = names
        .iter()
        .find(|n| n.eq_ignore_ascii_case(&args.mediator))
        .cloned()
        .unwrap_or_else(|| args.mediator.clone());
    let metric = match args.metric {
        MetricArg::Clicks => MediatorMetric::Clicks,
        MetricArg::Spend => MediatorMetric::Spend,
    };
    let params = MediationParams {
        mediator: args.mediator.clone(),
        sources: args.sources.clone(),
        metric,
        level: args.level,
        draws: args.draws,
        ..MediationParams::default()
    };
    let clicks = if metric == MediatorMetric::Clicks && names.contains(&mediator_name) {
        Some(
            read_clicks(&args, &mediator_name, data.weeks()).map_err(|how| {
                mediation_error(MediationError::MissingClicks {
                    mediator: mediator_name.clone(),
                    how,
                })
            })?,
        )
    } else {
        None
    };
    let valid = params
        .check(&data, clicks.as_ref().map(|(c, _)| c.as_slice()))
        .map_err(mediation_error)?;
    let report = estimate_mediation_in_form(&data, &model, &valid).map_err(mediation_error)?;
    let weeks = data.len() as f64;
    let budget: f64 = data
        .channels()
        .iter()
        .map(|c| c.values.iter().sum::<f64>() / weeks)
        .sum();
    let splits = report
        .splits_in_form(&model.curves(), &names, budget, model.revenue_form())
        .map_err(mediation_error)?;
    print_json(&Output {
        report,
        clicks_from: clicks.map(|(_, from)| from.display().to_string()),
        form_comparison: comparison.as_ref().map(FormComparisonOut::from),
        splits,
    })?;
    Ok(())
}
