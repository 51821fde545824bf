//! `<PerformanceView>`: the Performance tab's content. The period's report is computed in the
//! on-demand worker ([`crate::worker::performance_job`]) whenever the source or the period
//! changes, so the facts and the code that reads them are not in the page's first download.

use std::collections::HashMap;
use std::sync::Arc;

use leptos::prelude::*;
use mixplan_core::performance::{Kpi, MetricSeries, PerformanceReport};

use super::alerts_list::AlertsList;
use super::kpi_cards::KpiCards;
use super::perf_channel_table::PerfChannelTable;
use super::period_picker::PeriodPicker;
use crate::charts::performance::{alert_figure, trend_figure};
use crate::components::chart_card::ChartCard;
use crate::worker::on_demand::{Job, JobResult};
use crate::worker::on_demand_client;
use crate::worker::performance_job::{
    PerformanceJob, PerformanceOutcome, PerformanceSource, PeriodChoice,
};

/// The KPIs drawn as trend charts.
const TREND_CHARTS: [Kpi; 3] = [Kpi::Spend, Kpi::Revenue, Kpi::Roas];

/// Runs `job` in the on-demand worker.
async fn compute(job: PerformanceJob) -> PerformanceOutcome {
    match on_demand_client::run(Job::Performance(Box::new(job))).await {
        Ok(JobResult::Performance(outcome)) => *outcome,
        Ok(_) => {
            PerformanceOutcome::Failed("the background worker answered another request".into())
        }
        Err(detail) => PerformanceOutcome::Failed(detail),
    }
}

/// The report's charts, cards, table and alerts.
fn report_view(report: PerformanceReport, highlighted: RwSignal<Option<String>>) -> AnyView {
    let report = Arc::new(report);
    let heading = format!(
        "{} to {} ({} {}), compared with the {} {} before",
        report.start,
        report.end,
        report.rows,
        match report.granularity {
            mixplan_core::performance::Granularity::Daily => "days",
            mixplan_core::performance::Granularity::Weekly => "weeks",
        },
        report.rows,
        match report.granularity {
            mixplan_core::performance::Granularity::Daily => "days",
            mixplan_core::performance::Granularity::Weekly => "weeks",
        },
    );
    let trends = TREND_CHARTS
        .iter()
        .map(|&kpi| {
            let source = Signal::stored(report.clone());
            let figure = move |r: &Arc<PerformanceReport>| trend_figure(&r.trends, kpi);
            view! {
                <ChartCard
                    title=format!("{} trend", kpi.label())
                    caption="trailing means: solid short window, dashed long window"
                    test_id=format!("perf-trend-{}", kpi.name())
                    label=format!("{} over the period, trailing means", kpi.label())
                    source
                    figure
                />
            }
        })
        .collect_view();
    let alert_charts = report
        .alert_series
        .iter()
        .map(|series: &MetricSeries| {
            let chart = series.chart.clone();
            let dates: Vec<chrono::NaiveDate> = report
                .alerts
                .iter()
                .filter(|a| a.chart == chart)
                .map(|a| a.date)
                .collect();
            let source = Signal::stored((series.clone(), dates));
            let figure = |(s, d): &(MetricSeries, Vec<chrono::NaiveDate>)| alert_figure(s, d);
            let is_highlighted = {
                let chart = chart.clone();
                Signal::derive(move || highlighted.get().as_deref() == Some(chart.as_str()))
            };
            view! {
                <div id=chart.clone() class="perf-alert-chart" class:highlighted=is_highlighted
                    data-highlighted=move || is_highlighted.get().to_string()>
                    <ChartCard
                        title=format!("{} {}", series.channel, series.metric.label())
                        caption="daily value, dashed: its usual level, red: alerts"
                        test_id=chart.clone()
                        label=format!("{} {} by day with its usual level", series.channel, series.metric.label())
                        source
                        figure
                    />
                </div>
            }
        })
        .collect_view();
    view! {
        <p class="muted" data-testid="perf-period-label">{heading}</p>
        <div class="kpi-cards">
            <KpiCards cards=report.cards.clone() />
        </div>
        <h3>"Alerts"</h3>
        <AlertsList alerts=report.alerts.clone() highlighted />
        <div class="chart-grid">{trends}</div>
        <PerfChannelTable rows=report.channels.clone() />
        <div class="chart-grid">{alert_charts}</div>
    }
    .into_any()
}

/// The Performance view: a period picker over the report of `source` (computed in the
/// on-demand worker), or the list of missing columns (`perf-missing`) when the data lack them.
#[component]
pub fn PerformanceView(
    /// Where the facts come from (the demo, or the user's file).
    #[prop(into)]
    source: Signal<PerformanceSource>,
    /// The fitted model's ROI per channel id, for the channel table.
    #[prop(into)]
    model_roi: Signal<HashMap<String, f64>>,
) -> impl IntoView {
    let period = RwSignal::new(PeriodChoice::LastDays(30));
    let highlighted = RwSignal::new(None::<String>);
    let outcome = LocalResource::new(move || {
        let job = PerformanceJob {
            source: source.get(),
            period: period.get(),
            model_roi: model_roi.get(),
        };
        compute(job)
    });
    let body = move || {
        match outcome.get() {
        None => view! { <p class="muted" data-testid="perf-loading">"Computing the figures…"</p> }.into_any(),
        Some(PerformanceOutcome::Ready(report)) => report_view(report, highlighted),
        Some(PerformanceOutcome::Missing(missing)) => view! {
            <div class="warning" role="status" data-testid="perf-missing">
                <p>"The performance view needs daily (or weekly) platform and business figures. Your data lack these columns:"</p>
                <ul>{missing.into_iter().map(|m| view! { <li><code>{m}</code></li> }).collect_view()}</ul>
                <p>"Add them to your file (names as listed) and load it again."</p>
            </div>
        }
        .into_any(),
        Some(PerformanceOutcome::Failed(error)) => view! {
            <p class="warning" role="alert" data-testid="perf-error">
                {format!("The performance figures could not be computed: {error}")}
            </p>
        }
        .into_any(),
    }
    };
    view! {
        <section class="performance-view" data-testid="performance-view">
            <PeriodPicker period />
            {body}
        </section>
    }
}
