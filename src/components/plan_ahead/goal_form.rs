//! `<GoalForm>`: one goal-seek question — a labelled text field and the answer in words.

use leptos::prelude::*;

/// An answer to show: the sentence, and the number tests read (`data-value`).
#[derive(Debug, Clone, PartialEq)]
pub struct GoalAnswer {
    /// The answer in plain language.
    pub sentence: String,
    /// The headline number (a budget, a revenue gain), exact.
    pub value: f64,
}

/// A question with one typed input. The answer is derived (a `Memo`) from the committed
/// text and whatever reactive state `answer` reads (the plan, its locks), so it follows the
/// planner; nothing is computed while the field is empty.
///
/// ```text
/// <div class="goal-form">
///   <label>{label}</label> <input data-testid={test_id}-input>
///   <p data-testid={test_id}-answer data-value=…>{sentence}</p>  or  <p class="field-error">{error}</p>
/// </div>
/// ```
#[component]
pub fn GoalForm<F>(
    /// The question, e.g. "Smallest budget reaching a weekly revenue of".
    #[prop(into)]
    label: String,
    /// Prefix of the `data-testid`s (`{test_id}-input`, `{test_id}-answer`).
    #[prop(into)]
    test_id: String,
    /// Example value shown in the empty field.
    #[prop(into)]
    placeholder: String,
    /// Text the field starts with (empty: no answer until the user types).
    #[prop(into, optional)]
    initial: String,
    /// Answers the typed text: the sentence and its number, or what to fix.
    answer: F,
) -> impl IntoView
where
    F: Fn(&str) -> Result<GoalAnswer, String> + Send + Sync + 'static,
{
    let text = RwSignal::new(initial);
    let result =
        Memo::new(move |_| text.with(|t| (!t.trim().is_empty()).then(|| answer(t.trim()))));
    let input_id = format!("{test_id}-input");
    let error_id = format!("{test_id}-error");
    view! {
        <div class="goal-form">
            <label for=input_id.clone()>{label}</label>
            <input
                id=input_id.clone()
                class="money-input"
                type="text"
                inputmode="decimal"
                placeholder=placeholder
                data-testid=input_id
                aria-describedby=error_id.clone()
                aria-invalid=move || result.with(|r| matches!(r, Some(Err(_)))).to_string()
                prop:value=move || text.get()
                on:change=move |ev| text.set(event_target_value(&ev))
            />
            <p
                class="goal-answer"
                aria-live="polite"
                data-testid=format!("{test_id}-answer")
                data-value=move || result.with(|r| match r {
                    Some(Ok(a)) => a.value.to_string(),
                    _ => String::new(),
                })
            >
                {move || result.with(|r| match r {
                    Some(Ok(a)) => a.sentence.clone(),
                    _ => String::new(),
                })}
            </p>
            <p id=error_id class="field-error" role="alert" data-testid=format!("{test_id}-error")>
                {move || result.with(|r| match r {
                    Some(Err(e)) => e.clone(),
                    _ => String::new(),
                })}
            </p>
        </div>
    }
}
