//! Lift tests (experiments) that calibrate the posterior: a small form, CSV text, the
//! built-in store's two tests, and the tests in use.

use leptos::prelude::*;
use mixplan_core::model::posterior::{
    LIFT_TEST_COLUMNS, LiftTest, read_lift_tests, write_lift_tests,
};

use super::form_fields::{channel_select, text_field};
use crate::format::currency;
use crate::planner::scenario::{ChannelInfo, channel_name};

/// The built-in store's two lift tests (`data_processed/lift_tests.csv`, from its truth).
pub const STORE_LIFT_TESTS_CSV: &str = include_str!("../../data_processed/lift_tests.csv");

/// The lift tests in `csv` (a header `channel,start,end,lift,spend,std_error`, one row per
/// test), checked against the data's channel ids.
///
/// # Errors
/// A message in the page's words: what is wrong (line and field, as the core's reader says)
/// or which channel the data does not have, and how to fix it.
pub fn parse_lift_tests(csv: &str, channels: &[ChannelInfo]) -> Result<Vec<LiftTest>, String> {
    let tests = read_lift_tests(csv.trim().as_bytes())
        .map_err(|e| format!("The lift tests could not be used: {e}."))?;
    if let Some(unknown) = tests
        .iter()
        .find(|t| !channels.iter().any(|c| c.id == t.channel))
    {
        let ids: Vec<&str> = channels.iter().map(|c| c.id.as_str()).collect();
        return Err(format!(
            "The lift tests could not be used: the data has no channel `{}`; use one of {}.",
            unknown.channel,
            ids.join(", ")
        ));
    }
    Ok(tests)
}

/// One test as the page lists it: `"Paid Search, 2024-01-01 – 2024-02-19: lift $236,842 ±
/// $23,684 on $191,172 of spend"`.
pub fn lift_test_text(test: &LiftTest, channels: &[ChannelInfo]) -> String {
    let name = channel_name(channels, &test.channel);
    format!(
        "{name}, {} – {}: lift {} ± {} on {} of spend",
        test.start,
        test.end,
        currency(test.lift),
        currency(test.std_error),
        currency(test.spend)
    )
}

/// The lift-test panel. The form adds one test as a CSV row to the text below it (checked
/// first); the text can also be pasted from a CSV file or filled with the store's two tests.
/// "Calibrate with these tests" checks them and, when they are valid, re-runs the fit and
/// the posterior with them (`on_calibrate`); a message says what is wrong otherwise, and the
/// model on screen stays. `data-testid`s: `lift-channel`, `lift-start`, `lift-end`,
/// `lift-lift`, `lift-spend`, `lift-std-error`, `lift-add`, `lift-csv`, `lift-store`,
/// `lift-calibrate`, `lift-clear`, `lift-error`, `lift-tests-active`.
#[component]
pub fn LiftTestsPanel(
    /// Channels in model order (ids are what the CSV names).
    channels: Vec<ChannelInfo>,
    /// The lift tests the current posterior is calibrated by.
    #[prop(into)]
    active: Signal<Vec<LiftTest>>,
    /// Re-runs the fit and posterior with these tests (none: the data alone).
    on_calibrate: Callback<Vec<LiftTest>>,
    /// Offers the built-in store's two tests (only when the store's data are in use).
    #[prop(optional)]
    offer_store_tests: bool,
) -> impl IntoView {
    let initial = active.with_untracked(|tests| {
        if tests.is_empty() {
            String::new()
        } else {
            write_lift_tests(tests)
        }
    });
    let csv = RwSignal::new(initial);
    let error = RwSignal::new(String::new());
    let field = |_: &str| RwSignal::new(String::new());
    let (start, end, lift, spend, std_error) = (
        field("start"),
        field("end"),
        field("lift"),
        field("spend"),
        field("std_error"),
    );
    let channel = RwSignal::new(channels.first().map(|c| c.id.clone()).unwrap_or_default());
    let known = StoredValue::new(channels.clone());
    let add = move |_| {
        let row = [
            channel.get(),
            start.get(),
            end.get(),
            lift.get(),
            spend.get(),
            std_error.get(),
        ]
        .map(|v| v.trim().to_string())
        .join(",");
        let one = format!("{}\n{row}\n", LIFT_TEST_COLUMNS.join(","));
        match known.with_value(|c| parse_lift_tests(&one, c)) {
            Ok(_) => {
                csv.update(|text| {
                    if text.trim().is_empty() {
                        text.push_str(&format!("{}\n", LIFT_TEST_COLUMNS.join(",")));
                    } else if !text.ends_with('\n') {
                        text.push('\n');
                    }
                    text.push_str(&row);
                    text.push('\n');
                });
                error.set(String::new());
            }
            Err(message) => error.set(message),
        }
    };
    let calibrate = move |_| match known.with_value(|c| parse_lift_tests(&csv.get(), c)) {
        Ok(tests) => {
            error.set(String::new());
            on_calibrate.run(tests);
        }
        Err(message) => error.set(message),
    };
    let listed = move || {
        known.with_value(|c| {
            active.with(|tests| {
                tests
                    .iter()
                    .map(|t| lift_test_text(t, c))
                    .collect::<Vec<_>>()
            })
        })
    };
    view! {
        <section class="card lift-tests" aria-labelledby="lift-heading">
            <h2 id="lift-heading">"Lift tests"</h2>
            <p class="footnote">
                "An experiment's measured lift (a channel's incremental revenue over its test weeks) tells the model what the data alone cannot. Each test enters the posterior's likelihood; the intervals and the recommendation update."
            </p>
            <p data-testid="lift-tests-active">
                {move || {
                    let tests = listed();
                    if tests.is_empty() {
                        "Not calibrated: the model uses the data alone.".to_string()
                    } else {
                        format!("Calibrated by {} lift test{}: {}.", tests.len(), if tests.len() == 1 { "" } else { "s" }, tests.join("; "))
                    }
                }}
            </p>
            <div class="lift-form">
                {channel_select(&channels, channel, "lift-channel")}
                {text_field(start, "lift-start", "2024-01-01", "Start")}
                {text_field(end, "lift-end", "2024-02-19", "End")}
                {text_field(lift, "lift-lift", "236842", "Lift ($)")}
                {text_field(spend, "lift-spend", "191172", "Spend ($)")}
                {text_field(std_error, "lift-std-error", "23684", "Std. error ($)")}
                <button type="button" data-testid="lift-add" on:click=add>"Add test"</button>
            </div>
            <label class="lift-field lift-csv">
                <span>"Tests as CSV (channel,start,end,lift,spend,std_error; paste a file's contents here)"</span>
                <textarea rows="4" data-testid="lift-csv" prop:value=move || csv.get() on:input=move |ev| csv.set(event_target_value(&ev))></textarea>
            </label>
            <p class="warning" class:hidden=move || error.with(String::is_empty) role="alert" data-testid="lift-error">{move || error.get()}</p>
            <div class="lift-actions">
                {offer_store_tests.then(|| view! {
                    <button type="button" data-testid="lift-store" on:click=move |_| csv.set(STORE_LIFT_TESTS_CSV.to_string())>"Use the store's two lift tests"</button>
                })}
                <button type="button" class="apply" data-testid="lift-calibrate" on:click=calibrate>"Calibrate with these tests"</button>
                <button type="button" data-testid="lift-clear" prop:disabled=move || active.with(Vec::is_empty) on:click=move |_| on_calibrate.run(Vec::new())>"Remove the calibration"</button>
            </div>
        </section>
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;

    fn channels() -> Vec<ChannelInfo> {
        crate::embedded::load().expect("embedded data").channels
    }

    #[test]
    fn the_store_lift_tests_parse_for_the_store_and_list_in_words() {
        let tests = parse_lift_tests(STORE_LIFT_TESTS_CSV, &channels()).unwrap();
        assert_eq!(tests.len(), 2);
        assert_eq!(tests[0].channel, "paid_search");
        let text = lift_test_text(&tests[0], &channels());
        assert!(
            text.starts_with("Paid Search, 2024-01-01 – 2024-02-19: lift $224,454 ± $22,445"),
            "{text}"
        );
    }

    #[test]
    fn bad_lift_tests_say_what_is_wrong_and_how_to_fix_it() {
        let unknown =
            "channel,start,end,lift,spend,std_error\ntv,2024-01-01,2024-02-19,100,100,10\n";
        let message = parse_lift_tests(unknown, &channels()).unwrap_err();
        assert!(
            message.contains("the data has no channel `tv`; use one of paid_search"),
            "{message}"
        );
        let no_header = "paid_search,2024-01-01,2024-02-19,100,100,10\n";
        let message = parse_lift_tests(no_header, &channels()).unwrap_err();
        assert!(
            message.starts_with("The lift tests could not be used: lift tests:"),
            "{message}"
        );
    }
}
