//! Independent implementations of the core's formulas, to check the core against: written
//! from the formulas of the docs, sharing no code with the crate.

/// Weekly media contributions `m_w = β · a_w^s / (a_w^s + K^s)` of spend `x`, with the
/// normalised geometric adstock `a_w = θ·a_{w−1} + (1 − θ)·x_w`, `a_{−1} = 0`
/// (`θ` = `decay`, `K` = `k`, `s` = `s`, `β` = `beta`); 0 while `a_w = 0`.
pub fn contributions_by_hand(x: &[f64], decay: f64, k: f64, s: f64, beta: f64) -> Vec<f64> {
    let mut a = 0.0;
    x.iter()
        .map(|&v| {
            a = decay * a + (1.0 - decay) * v;
            if a > 0.0 {
                beta * a.powf(s) / (a.powf(s) + k.powf(s))
            } else {
                0.0
            }
        })
        .collect()
}
