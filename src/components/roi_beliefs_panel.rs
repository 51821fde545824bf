//! Beliefs about channels' ROIs: a business prior stated as a 90 % interval ("90 % sure
//! Email's ROI is between 2 and 8"), which replaces that channel's default ROI prior in the
//! posterior (issue #11, item 1).

use leptos::prelude::*;
use mixplan_core::model::posterior::{Priors, ROI_BELIEF_LEVEL, RoiBelief};

use super::form_fields::{channel_select, text_field};
use crate::format::decimal;
use crate::planner::scenario::{ChannelInfo, channel_name};

/// A belief from the form's texts, checked against the data's channel ids.
///
/// # Errors
/// A message in the page's words: which value is wrong and what to give.
pub fn parse_belief(
    channel: &str,
    low: &str,
    high: &str,
    channels: &[ChannelInfo],
) -> Result<RoiBelief, String> {
    if !channels.iter().any(|c| c.id == channel) {
        return Err(format!(
            "The data has no channel `{channel}`: choose one from the list."
        ));
    }
    let number = |text: &str, end: &str| {
        text.trim()
            .parse::<f64>()
            .ok()
            .filter(|v| v.is_finite() && *v > 0.0)
            .ok_or(format!(
                "The {end} end `{}` is not an ROI: give a number above 0, such as 2 or 0.5.",
                text.trim()
            ))
    };
    let belief = RoiBelief::new(channel, number(low, "low")?, number(high, "high")?);
    // Both ends are positive numbers here: the belief's own check fails only when the high
    // end is not above the low one.
    if belief.prior().is_err() {
        return Err(format!(
            "The high end ({}) must be above the low end ({}): the two are the range you are 90 % sure the ROI lies in.",
            decimal(belief.high, 2),
            decimal(belief.low, 2)
        ));
    }
    Ok(belief)
}

/// One belief as the page lists it: `"Email: ROI 4 – 6 (90 %)"`.
pub fn belief_text(belief: &RoiBelief, channels: &[ChannelInfo]) -> String {
    let name = channel_name(channels, &belief.channel);
    format!(
        "{name}: ROI {} – {} (90 %)",
        decimal(belief.low, 2),
        decimal(belief.high, 2)
    )
}

/// The default ROI prior's 90 % interval, in words.
fn default_prior_text() -> String {
    let (low, high) = Priors::default().roi().central_interval(ROI_BELIEF_LEVEL);
    format!(
        "Without beliefs every channel's ROI prior is weak: 90 % between {} and {}.",
        decimal(low, 2),
        decimal(high, 1)
    )
}

/// The ROI-beliefs panel. The form adds one belief to a draft list (checked first; a second
/// belief for a channel replaces the first); "Use these beliefs" re-runs the fit and the
/// posterior with them as priors (`on_believe`), "Remove the beliefs" with the default
/// prior. The model on screen stays until that fit is in. `data-testid`s: `belief-channel`,
/// `belief-low`, `belief-high`, `belief-add`, `belief-draft`, `belief-use`, `belief-clear`,
/// `belief-error`, `beliefs-active`.
#[component]
pub fn RoiBeliefsPanel(
    /// Channels in model order (ids are what a belief names).
    channels: Vec<ChannelInfo>,
    /// The beliefs the current posterior has as priors.
    #[prop(into)]
    active: Signal<Vec<RoiBelief>>,
    /// Re-runs the fit and posterior with these beliefs (none: the default prior).
    on_believe: Callback<Vec<RoiBelief>>,
) -> impl IntoView {
    let draft = RwSignal::new(active.get_untracked());
    let error = RwSignal::new(String::new());
    let channel = RwSignal::new(channels.first().map(|c| c.id.clone()).unwrap_or_default());
    let low = RwSignal::new(String::new());
    let high = RwSignal::new(String::new());
    let known = StoredValue::new(channels.clone());
    let add = move |_| match known
        .with_value(|c| parse_belief(&channel.get(), &low.get(), &high.get(), c))
    {
        Ok(belief) => {
            draft.update(|list| {
                list.retain(|b| b.channel != belief.channel);
                list.push(belief);
            });
            low.set(String::new());
            high.set(String::new());
            error.set(String::new());
        }
        Err(message) => error.set(message),
    };
    let listed = move |beliefs: &[RoiBelief]| {
        known.with_value(|c| {
            beliefs
                .iter()
                .map(|b| belief_text(b, c))
                .collect::<Vec<_>>()
                .join("; ")
        })
    };
    view! {
        <section class="card lift-tests" aria-labelledby="beliefs-heading">
            <h2 id="beliefs-heading">"What you already know about ROI"</h2>
            <p class="footnote">
                {default_prior_text()}
                " If you know more (from earlier studies, an attribution audit, a platform's own experiment), give the range you are 90 % sure a channel's ROI lies in; it replaces that channel's prior, and the intervals and the recommendation update. A wrong belief pulls the model toward it, so give a range you would defend."
            </p>
            <p data-testid="beliefs-active">
                {move || active.with(|beliefs| {
                    if beliefs.is_empty() {
                        "No beliefs in use: the ROI priors are the defaults.".to_string()
                    } else {
                        format!("In use: {}.", listed(beliefs))
                    }
                })}
            </p>
            <div class="lift-form">
                {channel_select(&channels, channel, "belief-channel")}
                {text_field(low, "belief-low", "2", "ROI at least (5 %)")}
                {text_field(high, "belief-high", "8", "ROI at most (95 %)")}
                <button type="button" data-testid="belief-add" on:click=add>"Add belief"</button>
            </div>
            <p data-testid="belief-draft">
                {move || draft.with(|beliefs| {
                    if beliefs.is_empty() {
                        "No beliefs added.".to_string()
                    } else {
                        format!("To use: {}.", listed(beliefs))
                    }
                })}
            </p>
            <p class="warning" class:hidden=move || error.with(String::is_empty) role="alert" data-testid="belief-error">{move || error.get()}</p>
            <div class="lift-actions">
                <button type="button" class="apply" data-testid="belief-use" prop:disabled=move || draft.with(Vec::is_empty) on:click=move |_| on_believe.run(draft.get())>"Use these beliefs"</button>
                <button type="button" data-testid="belief-clear" prop:disabled=move || active.with(Vec::is_empty) && draft.with(Vec::is_empty) on:click=move |_| { draft.set(Vec::new()); on_believe.run(Vec::new()) }>"Remove the beliefs"</button>
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
    fn a_belief_parses_and_lists_in_words() {
        let belief = parse_belief("email", " 4 ", "6", &channels()).unwrap();
        assert_eq!(belief, RoiBelief::new("email", 4.0, 6.0));
        assert_eq!(
            belief_text(&belief, &channels()),
            "Email: ROI 4.00 – 6.00 (90 %)"
        );
        // The prior it states has the interval's ends as its 5 % and 95 % quantiles.
        let prior = belief.prior().unwrap();
        assert!((prior.median - 24f64.sqrt()).abs() < 1e-12);
    }

    #[test]
    fn bad_beliefs_say_what_is_wrong_and_what_to_give() {
        let c = channels();
        let message = parse_belief("tv", "1", "2", &c).unwrap_err();
        assert!(message.contains("no channel `tv`"), "{message}");
        let message = parse_belief("email", "", "2", &c).unwrap_err();
        assert!(
            message.contains("The low end `` is not an ROI"),
            "{message}"
        );
        let message = parse_belief("email", "-1", "2", &c).unwrap_err();
        assert!(message.contains("give a number above 0"), "{message}");
        let message = parse_belief("email", "3", "2", &c).unwrap_err();
        assert!(
            message.starts_with("The high end (2.00) must be above the low end (3.00)"),
            "{message}"
        );
    }

    #[test]
    fn the_default_prior_is_described_by_its_90_percent_interval() {
        // Meridian's LogNormal(0.2, 0.9): 90 % between 0.28 and 5.4.
        assert_eq!(
            default_prior_text(),
            "Without beliefs every channel's ROI prior is weak: 90 % between 0.28 and 5.4."
        );
    }
}
