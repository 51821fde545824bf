//! Per-channel numbers for the current split, with their credible intervals, beside the
//! best split under the model.

use leptos::prelude::*;
use mixplan_core::model::ModelForm;

use crate::data_source::choices::TargetKind;
use crate::data_source::wording;
use crate::fitting::PosteriorState;
use crate::format::{NO_VALUE, currency, decimal, percent, signed_currency};
use crate::planner::intervals::{Interval, ScenarioIntervals, currency_range, ratio_range};
use crate::planner::scenario::{ChannelInfo, ChannelRow, Scenario};

/// Spends below this (dollars) show as `$0`, so their ROI shows as `—`.
const SHOWN_AS_ZERO: f64 = 0.5;

/// `name (highest weekly spend seen: $x)` for every row that `extrapolates`.
fn beyond_the_data(
    names: &[String],
    scenario: &Scenario,
    extrapolates: impl Fn(&ChannelRow) -> bool,
    spend: impl Fn(&ChannelRow) -> Option<f64>,
) -> Vec<String> {
    scenario
        .rows
        .iter()
        .zip(names)
        .filter(|(row, _)| extrapolates(row))
        .map(|(row, name)| {
            format!(
                "{name} at {} (highest weekly spend seen: {})",
                spend(row).map(currency).unwrap_or_else(|| NO_VALUE.into()),
                currency(row.observed_max)
            )
        })
        .collect()
}

/// A warning for the optimal spends above the highest weekly spend in the data, where the
/// response curve is an extrapolation; empty when there are none.
pub fn extrapolation_note(names: &[String], scenario: &Scenario) -> String {
    let beyond = beyond_the_data(names, scenario, ChannelRow::optimal_extrapolates, |row| {
        row.optimal_spend
    });
    if beyond.is_empty() {
        String::new()
    } else {
        format!(
            "* The best split under the model puts spend above any weekly spend in the data: {}. The model extrapolates its response curve there, so test such an increase gradually.",
            beyond.join(", ")
        )
    }
}

/// A warning for the current plan's spends above the highest weekly spend in the data;
/// empty when there are none.
pub fn current_extrapolation_warning(names: &[String], scenario: &Scenario) -> String {
    let beyond = beyond_the_data(names, scenario, ChannelRow::current_extrapolates, |row| {
        Some(row.spend)
    });
    if beyond.is_empty() {
        String::new()
    } else {
        format!(
            "* Your plan puts spend above any weekly spend in the data: {}. The model extrapolates its response curve there, so the predicted revenue of this plan is uncertain.",
            beyond.join(", ")
        )
    }
}

/// ROI as the table shows it: `—` for a channel at $0 (no spend, no return per dollar).
pub fn roi_text(row: &ChannelRow) -> String {
    if row.spend < SHOWN_AS_ZERO {
        NO_VALUE.to_string()
    } else {
        decimal(row.roi, 2)
    }
}

/// The text under a point value: its interval, or the posterior's placeholder while there is
/// none ("computing uncertainty…"); empty for a channel with no spend. The posterior is read
/// only for the placeholder, so a cell showing an interval does not follow the posterior's
/// state (its many readers make every re-subscription cost more on each slider move).
pub fn interval_cell_text(
    interval: Option<Interval>,
    has_spend: bool,
    posterior: impl FnOnce() -> String,
    format: fn(Option<Interval>) -> String,
) -> String {
    match (interval, has_spend) {
        (_, false) => String::new(),
        (Some(i), true) => format(Some(i)),
        (None, true) => posterior(),
    }
}

/// How a return's interval is written for `kind`: ROI to two decimals, or cost per KPI.
fn return_range(kind: TargetKind) -> fn(Option<Interval>) -> String {
    match kind {
        TargetKind::Revenue => ratio_range,
        TargetKind::CountKpi => |i| wording::return_range(TargetKind::CountKpi, i),
    }
}

/// The "Revenue" column's tooltip: what a channel's weekly revenue is in `form`, `f_c(x_c)`
/// (additive) or its removal effect `R(x)·(1 − exp(−g_c(x_c)))` (multiplicative);
/// `None` (no tooltip, as before) for the additive form.
pub fn revenue_header_title(form: ModelForm) -> Option<&'static str> {
    match form {
        ModelForm::Additive => None,
        ModelForm::Multiplicative => Some(
            "Weekly revenue lost without the channel (channels multiply revenue in this model, so these amounts overlap and add up to more than the media revenue)",
        ),
    }
}

/// The mark after an interval that does not hold its point value.
pub const OUTSIDE_MARK: &str = " †";

/// The note under the table when some point value lies outside its interval.
pub const OUTSIDE_NOTE: &str = "† The single best fit lies outside the 90% interval here: the fitted model and the posterior (which weighs every plausible model) disagree. Trust the interval more than the point value.";

/// Whether the point value lies outside its interval (both known).
pub fn point_outside(interval: Option<Interval>, point: Option<f64>) -> bool {
    match (interval, point) {
        (Some(i), Some(x)) => {
            let slack = 1e-9 * x.abs().max(1.0);
            x < i.low - slack || x > i.high + slack
        }
        _ => false,
    }
}

/// A row's point values as the table shows them: contribution, ROI and marginal ROI
/// (`None` where the table shows "—").
fn points(row: &ChannelRow) -> [Option<f64>; 3] {
    let spent = row.spend >= SHOWN_AS_ZERO;
    [
        Some(row.contribution),
        spent.then_some(row.roi),
        row.marginal_roi.filter(|_| spent),
    ]
}

/// Whether any channel's point value lies outside its interval.
pub fn any_point_outside(scenario: &Scenario, intervals: Option<&ScenarioIntervals>) -> bool {
    let Some(intervals) = intervals else {
        return false;
    };
    scenario
        .rows
        .iter()
        .zip(&intervals.channels)
        .any(|(row, i)| {
            points(row)
                .into_iter()
                .zip([i.contribution, i.roi, i.marginal_roi])
                .any(|(point, interval)| point_outside(interval, point))
        })
}

/// One interval under a point value: `data-testid="{kind}-interval-{id}"` with `data-low`
/// and `data-high` (empty while there is no interval), marked [`OUTSIDE_MARK`] and
/// `data-point-outside="true"` when it does not hold `point`.
fn interval_view(
    test_id: String,
    interval: impl Fn() -> Option<Interval> + Copy + Send + Sync + 'static,
    point: impl Fn() -> Option<f64> + Copy + Send + Sync + 'static,
    text: impl Fn() -> String + Send + Sync + 'static,
) -> impl IntoView {
    // A Memo: the three places that show it re-run only when it flips, not on every move.
    let outside = Memo::new(move |_| point_outside(interval(), point()));
    view! {
        <small
            class="range"
            class:pending=move || interval().is_none()
            class:outside=outside
            data-testid=test_id
            data-low=move || interval().map(|i| i.low.to_string()).unwrap_or_default()
            data-high=move || interval().map(|i| i.high.to_string()).unwrap_or_default()
            data-point-outside=move || outside.get().to_string()
        >
            {text}
            {move || outside.get().then_some(OUTSIDE_MARK)}
        </small>
    }
}

/// Budget, share, contribution, ROI, marginal ROI (each with its credible interval below),
/// the best split under the model and the change to reach it. Shares are of the spend
/// actually placed; spends above the data are marked `*` in both the current and the best
/// column, with a warning below the table. On a phone each channel is a stacked card with
/// labelled values (`data-label`).
#[component]
pub fn ChannelTable(
    /// Channels in model order.
    channels: Vec<ChannelInfo>,
    /// The evaluated budget.
    #[prop(into)]
    scenario: Signal<Scenario>,
    /// Credible intervals for the scenario (`None` until the posterior is sampled).
    #[prop(optional, into)]
    intervals: Signal<Option<ScenarioIntervals>>,
    /// The posterior's state (what the interval cells show until there are intervals).
    #[prop(optional, into)]
    posterior: Signal<PosteriorState>,
    /// The model's form (additive when not given): a multiplicative model's "Revenue"
    /// column holds removal effects, which its header says ([`revenue_header_title`]).
    #[prop(optional)]
    form: ModelForm,
) -> impl IntoView {
    let names: Vec<String> = channels.iter().map(|c| c.name.clone()).collect();
    // ROI, or cost per KPI when the target is a count (data_source::wording).
    let kind = wording::target_kind();
    let warning_names = StoredValue::new(names.clone());
    let rows = channels
        .into_iter()
        .enumerate()
        .map(|(c, channel)| {
            // The row's figures and intervals, one Memo each: the row's cells subscribe to
            // them instead of each to the whole scenario and intervals, so a move updates
            // five small subscriber lists, not two long ones (the reactive graph removes and
            // re-adds every re-run cell in its sources' lists: linear in their length).
            let row_figures = Memo::new(move |_| scenario.with(|s| s.rows[c].clone()));
            let row_intervals = Memo::new(move |_| {
                intervals.with(|i| i.as_ref().and_then(|i| i.channel(c)).copied())
            });
            let row = move || row_figures.get();
            let share = move || row_figures.with(|r| r.share.map(percent).unwrap_or_else(|| NO_VALUE.into()));
            let of = move |pick: fn(&crate::planner::intervals::ChannelIntervals) -> Option<Interval>| {
                move || row_intervals.with(|i| i.as_ref().and_then(pick))
            };
            let contribution_interval = of(|i| i.contribution);
            let roi_interval = of(|i| i.roi);
            let marginal_interval = of(|i| i.marginal_roi);
            let has_spend = move || row().spend >= SHOWN_AS_ZERO;
            let placeholder = move || posterior.with(|p| p.placeholder().to_string());
            // The best split's spend and whether it is beyond the data: unchanged while a
            // channel slider moves (it depends on the total and the locks), so a Memo keeps
            // its cells from re-running on such moves.
            let best = Memo::new(move |_| {
                row_figures.with(|r| (r.optimal_spend, r.optimal_extrapolates()))
            });
            view! {
                <tr data-testid=format!("channel-row-{}", channel.id)>
                    <th scope="row">{channel.name}</th>
                    <td data-label="Budget" class:extrapolated=move || row().current_extrapolates() data-testid=format!("current-spend-{}", channel.id)>
                        {move || currency(row().spend)}
                        {move || row().current_extrapolates().then_some("*")}
                    </td>
                    <td data-label="Share">{share}</td>
                    <td data-label="Revenue">
                        <span data-testid=format!("contribution-{}", channel.id)>{move || currency(row().contribution)}</span>
                        {interval_view(format!("contribution-interval-{}", channel.id), contribution_interval, move || points(&row())[0], move || interval_cell_text(contribution_interval(), has_spend(), placeholder, currency_range))}
                    </td>
                    <td data-label=move || wording::return_label(kind.get())>
                        <span data-testid=format!("roi-{}", channel.id)>
                            {move || match kind.get() {
                                TargetKind::Revenue => roi_text(&row()),
                                k => wording::return_text(k, row().roi),
                            }}
                        </span>
                        {interval_view(format!("roi-interval-{}", channel.id), roi_interval, move || points(&row())[1], move || interval_cell_text(roi_interval(), has_spend(), placeholder, return_range(kind.get())))}
                    </td>
                    <td data-label=move || wording::marginal_label(kind.get())>
                        <span data-testid=format!("marginal-roi-{}", channel.id)>{move || row().marginal_roi.map_or_else(|| NO_VALUE.into(), |m| wording::return_text(kind.get(), m))}</span>
                        {interval_view(format!("marginal-roi-interval-{}", channel.id), marginal_interval, move || points(&row())[2], move || interval_cell_text(marginal_interval(), has_spend(), placeholder, return_range(kind.get())))}
                    </td>
                    <td data-label="Best (model)" class:extrapolated=move || best.get().1>
                        {move || best.get().0.map(currency).unwrap_or_else(|| NO_VALUE.into())}
                        {move || best.get().1.then_some("*")}
                    </td>
                    <td data-label="Change">{move || row().optimal_spend.map(|o| signed_currency(o - row().spend)).unwrap_or_else(|| NO_VALUE.into())}</td>
                </tr>
            }
        })
        .collect_view();
    let outside_note =
        move || scenario.with(|s| intervals.with(|i| any_point_outside(s, i.as_ref())));
    let current_warning = move || {
        warning_names.with_value(|names| current_extrapolation_warning(names, &scenario.read()))
    };
    view! {
        <section class="card table-card" aria-labelledby="channels-heading">
            <h2 id="channels-heading">"Channels"</h2>
            // Focusable so that a keyboard user can scroll it when the table is wider than the card.
            <div class="table-scroll" tabindex="0" role="region" aria-label="Channel table (scrolls sideways)">
                <table class="channel-table">
                    <thead>
                        <tr>
                            <th scope="col">"Channel"</th>
                            <th scope="col">"Budget"</th>
                            <th scope="col" title="Share of the spend placed">"Share"</th>
                            <th scope="col" title=revenue_header_title(form) data-form=form.to_string() data-testid="revenue-header">"Revenue"</th>
                            <th scope="col" title="Weekly revenue contribution ÷ weekly spend (cost per KPI: its inverse)">{move || wording::return_label(kind.get())}</th>
                            <th scope="col" title="Revenue from the next dollar (cost per KPI: the cost of the next unit)">{move || wording::marginal_label(kind.get())}</th>
                            <th scope="col" title="The best split of the same total under the model">"Best (model)"</th>
                            <th scope="col">"Change"</th>
                        </tr>
                    </thead>
                    <tbody>{rows}</tbody>
                </table>
            </div>
            <p class="warning" class:hidden=move || current_warning().is_empty() role="status" data-testid="extrapolation-warning">
                {current_warning}
            </p>
            <p class="footnote" class:hidden=move || !outside_note() data-testid="interval-disagreement">
                {move || if outside_note() { OUTSIDE_NOTE } else { "" }}
            </p>
            <p class="footnote" data-testid="extrapolation-note">
                {move || extrapolation_note(&names, &scenario.read())}
            </p>
        </section>
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;

    #[test]
    fn the_revenue_header_says_what_a_multiplicative_contribution_is() {
        assert!(
            revenue_header_title(ModelForm::Multiplicative)
                .is_some_and(|t| t.starts_with("Weekly revenue lost without the channel"))
        );
        assert_eq!(revenue_header_title(ModelForm::Additive), None);
        assert_eq!(ModelForm::default(), ModelForm::Additive);
    }

    #[test]
    fn a_point_outside_its_interval_is_flagged_only_when_both_are_known() {
        let i = Some(Interval {
            low: 3.7,
            high: 4.8,
        });
        assert!(!point_outside(i, Some(4.0)));
        assert!(!point_outside(i, Some(4.8)));
        assert!(point_outside(i, Some(4.84)));
        assert!(point_outside(i, Some(3.6)));
        assert!(!point_outside(None, Some(4.84)));
        assert!(!point_outside(i, None));
    }
}
