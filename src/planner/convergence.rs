//! The sampler's convergence report in plain language, for the model panel and the
//! recommendation.

use mixplan_core::model::posterior::{Diagnostics, RunLength};

use crate::format::decimal;

/// What went wrong with the sampling, one plain sentence per problem; empty when the run
/// met every threshold ([`Diagnostics::converged`]).
///
/// * divergent transitions > allowed: the sampler could not follow the posterior everywhere;
/// * max R̂ > allowed (or undefined): the chains disagree;
/// * min bulk ESS < `min_bulk_ess_per_chain · chains`: too few effectively independent draws.
pub fn convergence_problems(diagnostics: &Diagnostics) -> Vec<String> {
    let t = diagnostics.thresholds;
    let mut problems = Vec::new();
    if diagnostics.divergences > t.max_divergences {
        problems.push(format!(
            "the sampler hit {} divergent transition{}, so it may have missed part of the plausible range",
            diagnostics.divergences,
            if diagnostics.divergences == 1 { "" } else { "s" }
        ));
    }
    if diagnostics.max_r_hat.is_nan() || diagnostics.max_r_hat > t.max_r_hat {
        problems.push(format!(
            "its chains did not agree (R̂ {} above {})",
            decimal(diagnostics.max_r_hat, 3),
            decimal(t.max_r_hat, 2)
        ));
    }
    let needed = t.min_bulk_ess_per_chain * diagnostics.chains as f64;
    if diagnostics.min_bulk_ess.is_nan() || diagnostics.min_bulk_ess < needed {
        problems.push(format!(
            "it has only about {} independent draws for some parameter (at least {} are needed)",
            decimal(diagnostics.min_bulk_ess.max(0.0), 0),
            decimal(needed, 0)
        ));
    }
    problems
}

/// One warning for the page when the run did not converge, `None` when it did: what went
/// wrong, what it means for the numbers, and what would help (a longer run first, unless
/// this was the longer run).
pub fn convergence_warning(diagnostics: &Diagnostics) -> Option<String> {
    let problems = convergence_problems(diagnostics);
    if diagnostics.converged && problems.is_empty() {
        return None;
    }
    let what = if problems.is_empty() {
        "it did not meet its convergence checks".to_string()
    } else {
        problems.join("; ")
    };
    let remedies =
        if RunLength::of_draws_per_chain(diagnostics.draws_per_chain) == Some(RunLength::Longer) {
            "lift tests, what you know about a channel's ROI or more weeks of data"
        } else {
            "a longer run (Sample longer, in the model panel), lift tests or more weeks of data"
        };
    Some(format!(
        "The uncertainty estimate is not reliable: {what}. Treat the intervals and the odds as rough; {remedies} would firm them up."
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::planner::draws::tests::diagnostics;

    #[test]
    fn a_converged_run_has_no_warning() {
        assert_eq!(convergence_warning(&diagnostics(0, true)), None);
        assert!(convergence_problems(&diagnostics(0, true)).is_empty());
    }

    #[test]
    fn each_problem_is_named_in_plain_words() {
        let mut d = diagnostics(3, false);
        d.max_r_hat = 1.0412;
        d.min_bulk_ess = 57.4;
        let problems = convergence_problems(&d);
        assert_eq!(
            problems,
            vec![
                "the sampler hit 3 divergent transitions, so it may have missed part of the plausible range".to_string(),
                "its chains did not agree (R̂ 1.041 above 1.01)".to_string(),
                "it has only about 57 independent draws for some parameter (at least 200 are needed)".to_string(),
            ]
        );
        let warning = convergence_warning(&d).unwrap();
        assert!(
            warning.starts_with("The uncertainty estimate is not reliable: the sampler hit 3"),
            "{warning}"
        );
        assert!(warning.ends_with("would firm them up."), "{warning}");
        assert!(warning.contains("a longer run (Sample longer"), "{warning}");
        // After the longer run, the warning no longer offers it.
        d.draws_per_chain = RunLength::Longer.iterations().1;
        let after_longer = convergence_warning(&d).unwrap();
        assert!(!after_longer.contains("longer run"), "{after_longer}");
        assert!(after_longer.contains("lift tests"), "{after_longer}");
        // One divergence, singular; an undefined R̂ is a problem, not a pass.
        let mut one = diagnostics(1, false);
        one.max_r_hat = f64::NAN;
        let problems = convergence_problems(&one);
        assert!(
            problems[0].contains("1 divergent transition,"),
            "{problems:?}"
        );
        assert!(
            problems[1].starts_with("its chains did not agree"),
            "{problems:?}"
        );
    }
}
