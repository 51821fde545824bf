//! What `window.mixplan` answers, in plain Rust on JSON values (tested natively;
//! [`super::browser`] only converts to and from JS objects).
//!
//! Every answer is a JSON object; a request that cannot be served answers
//! `{ "error": "<message>" }` instead (never a panic, never a thrown exception).
//!
//! | call | request | answer |
//! |---|---|---|
//! | `predict(spend)` | `{ "<id>": amount, … }` (missing channels spend 0) or an array in channel order | `{ revenue, baseline, media_revenue, roas, channels: { "<id>": { spend, contribution, marginal_roi } } }` |
//! | `optimize(request)` | `{ budget, locks?: { "<id>": amount }, bounds?: { "<id>": { min?, max? } } }` | `{ budget, revenue, media_revenue, roas, spend: { "<id>": amount } }` |
//! | `getPlan()` | — | the plan export ([`PlanExport`]) plus `link`, the page's share fragment (version 2: the plan and the page's settings, as in the address bar) |
//! | `setPlan(plan)` | `{ spend: { "<id>": amount }, locks?: ["<id>", …], total? }` | `{ ok: true }` |
//!
//! Every figure is the planner's, in the model's form ([`Planner::evaluate`]): `revenue` is
//! `R(x)` (`baseline + Σ f_c(x_c)` additive, `baseline·exp(Σ g_c(x_c))` multiplicative),
//! `media_revenue = revenue − baseline`, a channel's `contribution` is `f_c(x_c)` or its
//! removal effect `R(x)·(1 − exp(−g_c(x_c)))`, its `marginal_roi` `f_c'(x_c)` or
//! `R(x)·g_c'(x_c)`.

use mixplan_core::optimize::{Plan, SpendBounds};
use serde_json::{Map, Value, json};
use thiserror::Error;

use super::export::PlanExport;
use super::link::{LinkError, LinkSettings, PageLink, PlanLink};
use crate::planner::budget::BudgetState;
use crate::planner::scenario::Planner;
use crate::planner::validity::no_split_message;

/// Why a JS API request is refused.
#[derive(Debug, Clone, PartialEq, Error)]
pub enum ApiError {
    /// The request is not the JSON shape the call takes.
    #[error("{call}: expected {expected}")]
    Shape {
        /// The call, e.g. `predict`.
        call: &'static str,
        /// What it takes.
        expected: &'static str,
    },
    /// A channel id the data does not have.
    #[error("unknown channel \"{0}\" (known: {1})")]
    UnknownChannel(String, String),
    /// A number that is missing, not finite or out of range.
    #[error("{what} must be a finite number ≥ 0{} (got {got})", at_most(*max))]
    BadNumber {
        /// What the number is.
        what: String,
        /// The largest value allowed (`∞` for none).
        max: f64,
        /// What was given.
        got: String,
    },
    /// There is no split for these constraints.
    #[error("{0}")]
    NoSplit(String),
    /// The plan is refused.
    #[error("{0}")]
    Plan(#[from] LinkError),
}

/// `" and ≤ max"` for a finite `max`, nothing otherwise.
fn at_most(max: f64) -> String {
    if max.is_finite() {
        format!(" and ≤ {max}")
    } else {
        String::new()
    }
}

impl ApiError {
    /// `{ "error": message }`.
    pub fn to_json(&self) -> Value {
        json!({ "error": self.to_string() })
    }
}

/// `value` as an amount in `[0, max]`.
fn amount(what: impl Into<String>, value: &Value, max: f64) -> Result<f64, ApiError> {
    value
        .as_f64()
        .filter(|v| v.is_finite() && (0.0..=max).contains(v))
        .ok_or_else(|| ApiError::BadNumber {
            what: what.into(),
            max,
            got: value.to_string(),
        })
}

/// The index of channel `id`.
fn channel_index(planner: &Planner, id: &str) -> Result<usize, ApiError> {
    planner
        .channels()
        .iter()
        .position(|c| c.id == id)
        .ok_or_else(|| {
            let known: Vec<&str> = planner.channels().iter().map(|c| c.id.as_str()).collect();
            ApiError::UnknownChannel(id.to_string(), known.join(", "))
        })
}

/// `{ "<id>": amount }` → one amount per channel (missing ones 0).
fn spend_by_channel(planner: &Planner, map: &Map<String, Value>) -> Result<Vec<f64>, ApiError> {
    let mut spend = vec![0.0; planner.channels().len()];
    for (id, value) in map {
        spend[channel_index(planner, id)?] =
            amount(format!("spend of {id}"), value, f64::INFINITY)?;
    }
    Ok(spend)
}

/// `{ "<id>": value }` per channel.
fn per_channel(planner: &Planner, values: impl IntoIterator<Item = Value>) -> Value {
    Value::Object(
        planner
            .channels()
            .iter()
            .map(|c| c.id.clone())
            .zip(values)
            .collect(),
    )
}

fn finite(value: f64) -> Value {
    if value.is_finite() {
        json!(value)
    } else {
        Value::Null
    }
}

/// `predict(spend)`: predicted weekly revenue `R(x)` of a split, with its media revenue and
/// per-channel contributions and marginal ROIs, in the model's form.
pub fn predict(planner: &Planner, request: &Value) -> Result<Value, ApiError> {
    let n = planner.channels().len();
    let spend = match request {
        Value::Object(map) => spend_by_channel(planner, map)?,
        Value::Array(values) if values.len() == n => values
            .iter()
            .enumerate()
            .map(|(c, v)| amount(format!("spend[{c}]"), v, f64::INFINITY))
            .collect::<Result<_, _>>()?,
        _ => {
            return Err(ApiError::Shape {
                call: "predict",
                expected: "an object { channel id: weekly spend } or an array with one spend per channel",
            });
        }
    };
    // Every amount was checked finite and ≥ 0, one per channel.
    Ok(plan_json(planner, &planner.evaluate(&spend)))
}

fn plan_json(planner: &Planner, plan: &Plan) -> Value {
    let baseline = planner.baseline();
    json!({
        "revenue": baseline + plan.media_revenue(),
        "baseline": baseline,
        "media_revenue": plan.media_revenue(),
        "roas": finite(plan.roas()),
        "channels": per_channel(planner, plan.spend().iter().zip(plan.contributions()).zip(plan.marginal_roi()).map(
            |((s, f), m)| json!({ "spend": s, "contribution": f, "marginal_roi": finite(*m) }),
        )),
    })
}

/// `optimize({budget, locks, bounds})`: the split of `budget` with the most predicted
/// revenue, locked channels held at their amount and the others within their bounds
/// ([`Planner::optimum`], in the model's form).
pub fn optimize(planner: &Planner, request: &Value) -> Result<Value, ApiError> {
    let shape = ApiError::Shape {
        call: "optimize",
        expected: "{ budget: number, locks?: { channel id: spend }, bounds?: { channel id: { min?, max? } } }",
    };
    let Value::Object(request) = request else {
        return Err(shape);
    };
    let budget = amount(
        "budget",
        request.get("budget").unwrap_or(&Value::Null),
        f64::INFINITY,
    )?;
    let mut bounds = vec![SpendBounds::FREE; planner.channels().len()];
    match request.get("bounds") {
        None | Some(Value::Null) => {}
        Some(Value::Object(map)) => {
            for (id, b) in map {
                let c = channel_index(planner, id)?;
                let side = |key: &str, default: f64| match b.get(key) {
                    None | Some(Value::Null) => Ok(default),
                    Some(v) => amount(format!("bounds.{id}.{key}"), v, f64::INFINITY),
                };
                bounds[c] = SpendBounds::new(side("min", 0.0)?, side("max", f64::INFINITY)?);
            }
        }
        Some(_) => return Err(shape),
    }
    match request.get("locks") {
        None | Some(Value::Null) => {}
        Some(Value::Object(map)) => {
            for (id, v) in map {
                let c = channel_index(planner, id)?;
                bounds[c] = SpendBounds::locked(amount(format!("locks.{id}"), v, f64::INFINITY)?);
            }
        }
        Some(_) => return Err(shape),
    }
    let plan = planner
        .optimum(&bounds, budget)
        .map_err(|e| ApiError::NoSplit(no_split_message(&e)))?;
    let mut answer = plan_json(planner, &plan);
    answer["budget"] = json!(budget);
    answer["spend"] = per_channel(planner, plan.spend().iter().map(|s| json!(s)));
    Ok(answer)
}

/// `getPlan()`: the plan on the page, as exported, with its share fragment: the version 2
/// link of the plan and the page's `settings` (the one the address bar carries).
pub fn get_plan(planner: &Planner, budget: &BudgetState, settings: &LinkSettings) -> Value {
    let scenario = planner.scenario(budget);
    let mut answer = serde_json::to_value(PlanExport::new(planner, &scenario, budget.locked()))
        .unwrap_or_default();
    let link = PageLink {
        plan: PlanLink::from_budget(budget, planner.channels()),
        settings: settings.clone(),
    };
    answer["link"] = json!(format!("#{}", link.format()));
    answer
}

/// `setPlan(plan)`: the budget a plan describes, checked like a shared link (same amounts,
/// locks and total rules). The total defaults to the sum of the amounts.
pub fn set_plan(planner: &Planner, request: &Value) -> Result<BudgetState, ApiError> {
    let shape = ApiError::Shape {
        call: "setPlan",
        expected: "{ spend: { channel id: weekly spend }, locks?: [channel id, …], total?: number }",
    };
    let Some(Value::Object(spend_map)) = request.get("spend") else {
        return Err(shape);
    };
    let range = planner.budget_range();
    let mut amounts = Vec::new();
    for (id, v) in spend_map {
        channel_index(planner, id)?;
        amounts.push((
            id.clone(),
            amount(format!("spend of {id}"), v, range.max())?,
        ));
    }
    let locked = match request.get("locks") {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::Array(ids)) => ids
            .iter()
            .map(|id| match id.as_str() {
                Some(id) => channel_index(planner, id).map(|_| id.to_string()),
                None => Err(shape.clone()),
            })
            .collect::<Result<_, _>>()?,
        Some(_) => return Err(shape),
    };
    let total = match request.get("total") {
        None | Some(Value::Null) => amounts.iter().map(|(_, v)| v).sum(),
        Some(v) => amount("total", v, range.max())?,
    };
    let link = PlanLink {
        total,
        amounts,
        locked,
    };
    // The same checks as an opened link: the total's range, every channel present.
    Ok(link.resolve(planner.channels(), &range)?)
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;
    use crate::planner::scenario::{fitted_multiplicative_planner, fitted_planner};

    #[test]
    fn multiplicative_predict_and_optimize_answer_what_the_model_predicts() {
        let planner = fitted_multiplicative_planner();
        let budget = BudgetState::from_mix(40_000.0, planner.historical_mix());
        let answer = predict(planner, &json!(budget.spend())).unwrap();
        let predicted = planner.model().predict(budget.spend()).unwrap();
        let revenue = answer["revenue"].as_f64().unwrap();
        assert!(
            (revenue - predicted.revenue).abs() < 1e-9 * revenue,
            "{answer}"
        );
        let media = answer["media_revenue"].as_f64().unwrap();
        assert!((media - (predicted.revenue - planner.baseline())).abs() < 1e-6 * media);
        for (c, info) in planner.channels().iter().enumerate() {
            let x = budget.spend()[c];
            let g = planner.curves()[c];
            let removal = revenue * (1.0 - (-g.value(x)).exp());
            let got = answer["channels"][&info.id]["contribution"]
                .as_f64()
                .unwrap();
            assert!(
                (got - removal).abs() < 1e-6 * removal.max(1.0),
                "{}",
                info.id
            );
            let marginal = answer["channels"][&info.id]["marginal_roi"]
                .as_f64()
                .unwrap();
            assert!((marginal - revenue * g.marginal(x)).abs() < 1e-9 * marginal.abs().max(1.0));
        }
        let best = optimize(planner, &json!({"budget": 40000})).unwrap();
        let spend: Vec<f64> = planner
            .channels()
            .iter()
            .map(|info| best["spend"][&info.id].as_f64().unwrap())
            .collect();
        let best_revenue = best["revenue"].as_f64().unwrap();
        let model_says = planner.model().predict(&spend).unwrap().revenue;
        assert!((best_revenue - model_says).abs() < 1e-9 * model_says);
        let page = planner.scenario(&budget).optimal_revenue().unwrap();
        assert!((best_revenue - page).abs() < 1e-9 * page);
        assert!(best_revenue >= revenue);
    }

    #[test]
    fn predict_matches_the_scenario_of_the_same_split() {
        let planner = fitted_planner();
        let budget = BudgetState::from_mix(30_000.0, planner.historical_mix());
        let spend: Map<String, Value> = planner
            .channels()
            .iter()
            .zip(budget.spend())
            .map(|(c, s)| (c.id.clone(), json!(s)))
            .collect();
        let answer = predict(planner, &Value::Object(spend)).unwrap();
        let scenario = planner.scenario(&budget);
        assert!((answer["revenue"].as_f64().unwrap() - scenario.revenue).abs() < 1e-6);
        let by_array = predict(planner, &json!(budget.spend())).unwrap();
        assert_eq!(by_array["revenue"], answer["revenue"]);
        let contribution = answer["channels"]["paid_search"]["contribution"]
            .as_f64()
            .unwrap();
        assert!((contribution - scenario.rows[0].contribution).abs() < 1e-9);
    }

    #[test]
    fn bad_requests_answer_an_error_message() {
        let planner = fitted_planner();
        for request in [
            json!("x"),
            json!({"tv": 1}),
            json!({"email": -1}),
            json!([1, 2]),
        ] {
            let error = predict(planner, &request).unwrap_err();
            assert!(!error.to_string().is_empty());
            assert!(error.to_json()["error"].is_string());
        }
        assert!(matches!(
            predict(planner, &json!({"tv": 1})),
            Err(ApiError::UnknownChannel(..))
        ));
        let missing_budget = optimize(planner, &json!({})).unwrap_err();
        assert_eq!(
            missing_budget.to_string(),
            "budget must be a finite number ≥ 0 (got null)"
        );
        // The planner's range tops out at three times the store's mean weekly total.
        let top = planner.budget_range().max();
        assert!(top < 1e6, "{top}");
        let too_much = set_plan(planner, &json!({"spend": {"email": 1e6}})).unwrap_err();
        assert_eq!(
            too_much.to_string(),
            format!("spend of email must be a finite number ≥ 0 and ≤ {top} (got 1000000.0)")
        );
        let out_of_range = set_plan(
            planner,
            &json!({"spend": {"paid_search": 1000, "email": 1000, "display": 0, "social": 0, "affiliate": 0}}),
        )
        .unwrap_err();
        assert!(
            matches!(
                out_of_range,
                ApiError::Plan(LinkError::TotalOutOfRange { total, .. }) if total == 2_000.0
            ),
            "{out_of_range:?}"
        );
        assert!(matches!(
            optimize(planner, &json!({"budget": 1000, "locks": {"email": 5000}})),
            Err(ApiError::NoSplit(_))
        ));
        assert!(matches!(
            set_plan(planner, &json!({"total": 5})),
            Err(ApiError::Shape { .. })
        ));
        assert!(matches!(
            set_plan(planner, &json!({"spend": {"email": 20000}, "total": 20000})),
            Err(ApiError::Plan(LinkError::Stale(_)))
        ));
    }

    #[test]
    fn optimize_is_the_scenarios_optimal_split_and_honours_locks_and_bounds() {
        let planner = fitted_planner();
        let budget = BudgetState::from_mix(40_000.0, planner.historical_mix());
        let scenario = planner.scenario(&budget);
        let answer = optimize(planner, &json!({"budget": 40000})).unwrap();
        let expected = scenario.optimal.as_ref().unwrap();
        for (c, info) in planner.channels().iter().enumerate() {
            let got = answer["spend"][&info.id].as_f64().unwrap();
            assert!((got - expected.spend()[c]).abs() < 1e-6, "{}", info.id);
        }
        let constrained = optimize(
            planner,
            &json!({"budget": 40000, "locks": {"email": 1234}, "bounds": {"paid_search": {"max": 5000}}}),
        )
        .unwrap();
        assert!((constrained["spend"]["email"].as_f64().unwrap() - 1234.0).abs() < 1e-6);
        assert!(constrained["spend"]["paid_search"].as_f64().unwrap() <= 5000.0 + 1e-6);
        assert!(
            constrained["revenue"].as_f64().unwrap() <= answer["revenue"].as_f64().unwrap() + 1e-6
        );
    }

    #[test]
    fn set_plan_takes_what_get_plan_gives() {
        let planner = fitted_planner();
        let mut budget = BudgetState::from_mix(35_000.0, planner.historical_mix());
        budget.set_locked(1, true);
        let settings = LinkSettings {
            confidence: Some(0.8),
            horizon_weeks: Some(8),
            horizon_budget: Some(300_000.0),
            scenario: Some("Q3 push".into()),
            carryover: None,
            form: None,
        };
        let plan = get_plan(planner, &budget, &settings);
        let link = plan["link"].as_str().unwrap();
        assert!(
            link.starts_with("#v2;total=35000;ch.paid_search="),
            "{link}"
        );
        assert!(
            link.ends_with(";lock=email;confidence=0.8;weeks=8;budget=300000;scenario=Q3%20push"),
            "{link}"
        );
        // The link opens as the page would open it: the same plan and settings.
        let opened = PageLink::parse(link).unwrap();
        assert_eq!(opened.settings, settings);
        let reopened = opened
            .plan
            .resolve(planner.channels(), &planner.budget_range())
            .unwrap();
        assert_eq!(reopened.locked(), budget.locked());
        assert_eq!(reopened.total(), 35_000.0);
        let spend: Map<String, Value> = plan["channels"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| (c["id"].as_str().unwrap().to_string(), c["spend"].clone()))
            .collect();
        let restored = set_plan(
            planner,
            &json!({"spend": spend, "locks": [planner.channels()[1].id], "total": 35000}),
        )
        .unwrap();
        assert_eq!(restored.locked(), budget.locked());
        assert_eq!(restored.total(), 35_000.0);
        for (a, b) in restored.spend().iter().zip(budget.spend()) {
            assert!((a - b).abs() < 0.05, "{a} vs {b}");
        }
    }
}
