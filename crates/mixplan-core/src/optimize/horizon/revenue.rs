//! A plan's media revenue through the model's dynamics, with its gradient and Hessian, under
//! the true Hill curves or their concave envelopes.
//!
//! **Geometric carryover.** For one channel with decay θ, `w = 1 − θ`, carry-in `a_{−1}` and
//! spend `x_0 … x_{N−1}` (zero after the period):
//!
//! ```text
//! a_k = θ·a_{k−1} + w·x_k   (k < N),      a_k = θ·a_{k−1}   (k ≥ N, the tail)
//! F   = Σ_{k=0}^{N−1+M} g_k(a_k)                              (g_k = β·hill, or its envelope)
//! ∂F/∂x_j = w·R_j,            R_k = g_k'(a_k) + θ·R_{k+1}
//! ∂²F/∂x_i∂x_j = w²·θ^|i−j|·D_max(i,j),   D_k = g_k''(a_k) + θ²·D_{k+1}
//! ```
//!
//! since `∂a_k/∂x_j = w·θ^(k−j)` for `k ≥ j`. The tail is summed to `M` weeks past the period,
//! where `M` is the first week whose remainder bound
//! `Σ_{m>M} β·hill(θ^m·a) ≤ β·(θ^(M+1)·a/K)^s / (1 − θ^s)` (from `hill(a) ≤ (a/K)^s`) is below
//! `1e-12·β·hill(a)` at the largest reachable adstock `a` (at most [`MAX_TAIL`] weeks; the
//! bound left over is added to the certificate's upper bound).
//!
//! **Finite kernel** `W_0 … W_{L−1}` (Weibull): with `h_k` the history's part of week `k`'s
//! adstock (0 for `k ≥ L − 1`),
//!
//! ```text
//! a_k = h_k + Σ_{l<L, 0 ≤ k−l < N} W_l·x_{k−l}                (k = 0 … N + L − 2)
//! F   = Σ_{k=0}^{N+L−2} g_k(a_k)
//! ∂F/∂x_j = Σ_{l<L} W_l·g'_{j+l}(a_{j+l})
//! ∂²F/∂x_i∂x_j = Σ_{k=max(i,j)}^{min(i,j)+L−1} W_{k−i}·W_{k−j}·g''_k(a_k)   (0 when |i−j| ≥ L)
//! ```
//!
//! since `∂a_k/∂x_j = W_{k−j}` for `0 ≤ k − j < L`. The tail is exactly the `L − 1` weeks
//! after the period: spend in the last week acts until week `N + L − 2` and nothing remains
//! after it, so no remainder is left over. The reachable adstock of week `k` is
//! `[h_k + Σ_l W_l·lo_{k−l}, h_k + Σ_l W_l·hi_{k−l}]` (`W_l ≥ 0`), where the envelopes are built.
//!
//! **Time weights** (optional, [`TimeWeights`]): a weight `ω_k ≥ 0` per time index of the path
//! (period and tail, common to all channels) replaces `g_k` by `ω_k·g_k` everywhere — value,
//! slope `ω_k·g_k'`, curvature `ω_k·g_k''` — so every formula above holds with `g_k` read as
//! `ω_k·g_k`. The concave envelope of `ω·g` on an interval is `ω·envelope(g)` for `ω ≥ 0`, so
//! the chords are built unweighted and scaled with the curve. The tail remainder bound is
//! multiplied by the largest weight past the path's end (`sup_{k ≥ len} ω_k`). Without weights
//! (`None`) nothing is multiplied: results are bit-identical to the unweighted objective.

use crate::optimize::ResponseCurve;
use crate::response::HillResponse;

/// Longest tail summed past the plan period, weeks.
pub(crate) const MAX_TAIL: usize = 4000;
/// Relative size of the dropped tail remainder.
const TAIL_TOLERANCE: f64 = 1e-12;

/// The concave envelope of `g` on `[from, ∞)` restricted to a reachable interval: the chord
/// from `(from, g(from))` with slope `slope` up to `end`, then the curve.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Chord {
    from: f64,
    end: f64,
    base: f64,
    slope: f64,
}

/// Which curve the objective uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Curves {
    /// `β·hill`, the model.
    True,
    /// The concave envelopes: an upper bound, concave in the plan.
    Envelope,
    /// `β·hill` with its second derivative clipped to `≤ 0` (a concave model of the true
    /// curve for Newton steps; values and slopes are the true ones).
    TrueClipped,
}

/// A channel's carryover on the plan's time axis (amounts scaled, see the solver).
#[derive(Debug, Clone)]
pub(crate) enum PathKernel {
    /// θ and `a_{−1}`.
    Geometric { decay: f64, carry_in: f64 },
    /// `W_0 … W_{L−1}` and the history's part `h_k` of the first `L − 1` weeks.
    Finite {
        weights: Vec<f64>,
        history: Vec<f64>,
    },
}

/// Per-time weights `ω_k ≥ 0` of the objective `Σ_k ω_k·g_k(a_k)`: `values[k]` for the
/// indices it lists, `beyond` for every later one.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct TimeWeights {
    pub values: Vec<f64>,
    pub beyond: f64,
}

impl TimeWeights {
    /// `ω_k`.
    #[inline]
    pub fn at(&self, k: usize) -> f64 {
        self.values.get(k).copied().unwrap_or(self.beyond)
    }

    /// `sup_{k ≥ from} ω_k`.
    pub fn max_from(&self, from: usize) -> f64 {
        self.values
            .iter()
            .skip(from)
            .copied()
            .fold(self.beyond, f64::max)
    }

    /// `sup_k ω_k`.
    pub fn max(&self) -> f64 {
        self.max_from(0)
    }
}

/// One channel on the plan's time axis (all amounts scaled, see the solver).
#[derive(Debug, Clone)]
pub(crate) struct ChannelPath {
    pub response: HillResponse,
    pub kernel: PathKernel,
    /// `N + M` (geometric) or `N + L − 1` (kernel): weeks in the period plus the tail.
    pub len: usize,
    /// The envelope's chord for each time `k` (`None`: the curve is its own envelope there).
    pub chords: Vec<Option<Chord>>,
    /// The bound on the tail dropped after `len`, same units as `g` (weighted).
    pub remainder: f64,
    /// `ω_k` of the objective `Σ_k ω_k·g_k` (`None`: all 1, nothing multiplied).
    pub weights: Option<TimeWeights>,
}

impl ChannelPath {
    /// Builds the path for a channel with geometric carryover whose adstock at time `k` can
    /// range over `[low[k], high[k]]` for `k < N` (from the spend bounds); the tail follows
    /// by decay.
    pub fn geometric(
        response: HillResponse,
        decay: f64,
        carry_in: f64,
        low: &[f64],
        high: &[f64],
    ) -> Self {
        let weeks = low.len();
        let last_high = high.last().copied().unwrap_or(carry_in);
        let (tail, remainder) = tail_length(&response, decay, last_high);
        let len = weeks + tail;
        let mut chords = Vec::with_capacity(len);
        let (mut lo, mut hi) = (0.0, 0.0);
        for k in 0..len {
            if k < weeks {
                lo = low[k];
                hi = high[k];
            } else {
                lo *= decay;
                hi *= decay;
            }
            chords.push(envelope_chord(&response, lo, hi));
        }
        Self {
            response,
            kernel: PathKernel::Geometric { decay, carry_in },
            len,
            chords,
            remainder,
            weights: None,
        }
    }

    /// Builds the path for a channel with the finite kernel `weights` (`W_l ≥ 0`), the
    /// history's part `history[k]` of week `k`'s adstock (`k < L − 1`) and cell bounds
    /// `lower[h] ≤ x_h ≤ upper[h]` (`h < N`): `N + L − 1` weeks, the envelope of week `k`
    /// over `[h_k + Σ_l W_l·lower_{k−l}, h_k + Σ_l W_l·upper_{k−l}]`; no remainder.
    pub fn finite(
        response: HillResponse,
        weights: Vec<f64>,
        history: Vec<f64>,
        lower: &[f64],
        upper: &[f64],
    ) -> Self {
        let weeks = lower.len();
        let len = weeks + weights.len().saturating_sub(1);
        let mut low = Vec::new();
        let mut high = Vec::new();
        convolve(&weights, &history, lower.iter().copied(), len, &mut low);
        convolve(&weights, &history, upper.iter().copied(), len, &mut high);
        let chords = low
            .iter()
            .zip(&high)
            .map(|(&lo, &hi)| envelope_chord(&response, lo, hi))
            .collect();
        Self {
            response,
            kernel: PathKernel::Finite { weights, history },
            len,
            chords,
            remainder: 0.0,
            weights: None,
        }
    }

    /// The same path with the objective weighted by `ω_k` (see the module docs): the
    /// remainder bound is multiplied by the largest weight past the path's end.
    pub fn with_weights(mut self, weights: TimeWeights) -> Self {
        self.remainder *= weights.max_from(self.len);
        self.weights = Some(weights);
        self
    }

    /// The adstock path `a_0 … a_{len−1}` for the spend `x_0 … x_{N−1}`.
    pub fn adstock(&self, spend: impl Iterator<Item = f64>, out: &mut Vec<f64>) {
        match &self.kernel {
            PathKernel::Geometric { decay, carry_in } => {
                out.clear();
                let w = 1.0 - decay;
                let mut a = *carry_in;
                for x in spend {
                    a = decay * a + w * x;
                    out.push(a);
                }
                while out.len() < self.len {
                    a *= decay;
                    out.push(a);
                }
            }
            PathKernel::Finite { weights, history } => {
                convolve(weights, history, spend, self.len, out);
            }
        }
    }

    /// Whether the spend of week `week` moves an adstock that is at zero in `adstock` (where
    /// [`ChannelPath::curve`] reports slope 0, wrong for a curve with infinite slope there).
    pub fn feeds_zero_adstock(&self, week: usize, adstock: &[f64]) -> bool {
        match &self.kernel {
            PathKernel::Geometric { .. } => adstock[week] <= 0.0,
            PathKernel::Finite { weights, .. } => weights
                .iter()
                .enumerate()
                .any(|(l, &w)| w > 0.0 && adstock.get(week + l).is_some_and(|&a| a <= 0.0)),
        }
    }

    /// `ω_k·g_k(a)`, `ω_k·g_k'(a)`, `ω_k·g_k''(a)` (`ω_k = 1` without weights).
    #[inline]
    pub fn curve(&self, k: usize, a: f64, curves: Curves) -> (f64, f64, f64) {
        let (value, slope, curvature) = self.unweighted_curve(k, a, curves);
        match &self.weights {
            None => (value, slope, curvature),
            Some(weights) => {
                let w = weights.at(k);
                if w == 0.0 {
                    // Not 0·∞ = NaN where `g''` overflows (a tail week's tiny adstock).
                    (0.0, 0.0, 0.0)
                } else {
                    (w * value, w * slope, w * curvature)
                }
            }
        }
    }

    /// `g_k(a)`, `g_k'(a)`, `g_k''(a)`.
    #[inline]
    fn unweighted_curve(&self, k: usize, a: f64, curves: Curves) -> (f64, f64, f64) {
        if curves == Curves::Envelope
            && let Some(chord) = self.chords[k]
            && a < chord.end
        {
            return (
                chord.base + chord.slope * (a - chord.from),
                chord.slope,
                0.0,
            );
        }
        if a <= 0.0 {
            // Only reached when every cell up to k is fixed at zero: no free variable sees it.
            return (0.0, 0.0, 0.0);
        }
        let value = self.response.value(a);
        let slope = self.response.marginal(a);
        let mut curvature = ResponseCurve::curvature(&self.response, a);
        if curves == Curves::TrueClipped {
            curvature = curvature.min(0.0);
        }
        (value, slope, curvature)
    }

    /// `Σ_k g_k(a_k)` for an adstock path.
    pub fn value(&self, adstock: &[f64], curves: Curves) -> f64 {
        adstock
            .iter()
            .enumerate()
            .map(|(k, &a)| self.curve(k, a, curves).0)
            .sum()
    }

    /// Fills `slopes[j] = ∂F/∂x_j` (`j < N`) and the curvature the Hessian is built from
    /// ([`ChannelPath::hessian_row`]): `curvature[j] = D_j` (`j < N`, geometric) or
    /// `curvature[k] = g_k''(a_k)` (`k < len`, kernel; `curvature` must hold `len` values).
    pub fn derivatives(
        &self,
        adstock: &[f64],
        curves: Curves,
        weeks: usize,
        slopes: &mut [f64],
        curvature: &mut [f64],
    ) {
        match &self.kernel {
            PathKernel::Geometric { decay, .. } => {
                let (theta, w) = (*decay, 1.0 - decay);
                let (mut r, mut d) = (0.0, 0.0);
                for k in (0..self.len).rev() {
                    let (_, g1, g2) = self.curve(k, adstock[k], curves);
                    r = g1 + theta * r;
                    d = g2 + theta * theta * d;
                    if k < weeks {
                        slopes[k] = w * r;
                        curvature[k] = d;
                    }
                }
            }
            PathKernel::Finite { weights, .. } => {
                slopes[..weeks].fill(0.0);
                for k in 0..self.len {
                    let (_, g1, g2) = self.curve(k, adstock[k], curves);
                    // A kernel's last weights can be ~1e-290 (a narrow Weibull PDF), so a tail
                    // week's adstock too, where `g''` of a curve with `s < 1` overflows to ∞
                    // (`a^(s−2)`) while its Hessian term `W²·g''` is ~1e-220: keep `g''`
                    // finite so that the term is its (underflowed) product, not ∞·0.
                    curvature[k] = g2.clamp(-f64::MAX, f64::MAX);
                    // ∂F/∂x_j gets W_{k−j}·g_k' from every week k it acts on.
                    for (l, w) in weights.iter().enumerate().take(k + 1) {
                        if k - l < weeks {
                            slopes[k - l] += w * g1;
                        }
                    }
                }
            }
        }
    }

    /// Row `i` of the Hessian from the right of the diagonal: `add(j, ∂²F/∂x_i∂x_j)` for
    /// `i ≤ j < weeks` (only the band `j < i + L` for a kernel), from the `curvature` of
    /// [`ChannelPath::derivatives`].
    pub fn hessian_row(
        &self,
        i: usize,
        weeks: usize,
        curvature: &[f64],
        mut add: impl FnMut(usize, f64),
    ) {
        match &self.kernel {
            PathKernel::Geometric { decay, .. } => {
                let (theta, w) = (*decay, 1.0 - decay);
                let mut power = 1.0;
                for (j, &d) in curvature.iter().enumerate().take(weeks).skip(i) {
                    // ∂²F/∂x_i∂x_j = w²·θ^|i−j|·D_max(i,j)
                    add(j, w * w * power * d);
                    power *= theta;
                }
            }
            PathKernel::Finite { weights, .. } => {
                let lags = weights.len();
                for j in i..weeks.min(i + lags) {
                    // Σ_{k=j}^{i+L−1} W_{k−i}·W_{k−j}·g_k''
                    let h: f64 = (j..i + lags)
                        .filter(|&k| k < self.len)
                        .map(|k| weights[k - i] * weights[k - j] * curvature[k])
                        .sum();
                    add(j, h);
                }
            }
        }
    }
}

/// `out[k] = history[k] + Σ_{l<L, 0 ≤ k−l} W_l·x_{k−l}` for `k < len` (history 0 past its
/// end, spend past `len` ignored).
fn convolve(
    weights: &[f64],
    history: &[f64],
    spend: impl Iterator<Item = f64>,
    len: usize,
    out: &mut Vec<f64>,
) {
    out.clear();
    out.resize(len, 0.0);
    for (a, &h) in out.iter_mut().zip(history) {
        *a = h;
    }
    for (j, x) in spend.enumerate() {
        for (a, w) in out.iter_mut().skip(j).zip(weights) {
            *a += w * x;
        }
    }
}

/// The chord of the concave envelope of `response` over the reachable adstock `[lo, hi]`
/// (`None` where the curve is concave there: it is its own envelope).
fn envelope_chord(response: &HillResponse, lo: f64, hi: f64) -> Option<Chord> {
    match response.inflection() {
        Some(p) if response.shape() > 1.0 && response.coefficient() > 0.0 && lo < p && hi > lo => {
            let end = response.tangent_from(lo, hi);
            let base = response.value(lo);
            (end > lo).then(|| Chord {
                from: lo,
                end,
                base,
                slope: (response.value(end) - base) / (end - lo),
            })
        }
        _ => None,
    }
}

/// Tail length `M` past the period and the remainder bound left after it, for the largest
/// reachable adstock `a` at the period's last week.
fn tail_length(response: &HillResponse, decay: f64, a: f64) -> (usize, f64) {
    let beta = response.coefficient();
    if decay == 0.0 || a <= 0.0 || beta == 0.0 {
        return (0, 0.0);
    }
    let (k, s) = (response.half_saturation(), response.shape());
    // remainder(M) = β·(θ^(M+1)·a/K)^s / (1 − θ^s)
    let log_theta_s = s * decay.ln();
    let denominator = -(log_theta_s.exp_m1());
    let log_head = s * (a / k).ln() - denominator.ln() + beta.ln();
    let target = (TAIL_TOLERANCE * response.value(a)).ln();
    // M + 1 ≥ (target − log_head) / log_theta_s   (log_theta_s < 0)
    let needed = ((target - log_head) / log_theta_s).ceil();
    let tail = if needed.is_finite() {
        needed.clamp(1.0, (MAX_TAIL + 1) as f64) as usize - 1
    } else {
        MAX_TAIL
    };
    let remainder = (log_head + (tail + 1) as f64 * log_theta_s).exp();
    (tail, remainder)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn path(s: f64, decay: f64) -> ChannelPath {
        let response = HillResponse::new(2.0, 1.5, s).unwrap();
        ChannelPath::geometric(response, decay, 0.4, &[0.1, 0.1, 0.0], &[3.0, 3.0, 3.0])
    }

    /// What the path's summed tail leaves out for a spend of 3 in each of 3 weeks: the next
    /// 200,000 weeks' `weight·g(a)` as the adstock decays.
    fn dropped_tail(p: &ChannelPath, decay: f64, weight: f64) -> f64 {
        let mut a = Vec::new();
        p.adstock([3.0, 3.0, 3.0].into_iter(), &mut a);
        let mut last = *a.last().unwrap();
        let mut dropped = 0.0;
        for _ in 0..200_000 {
            last *= decay;
            dropped += weight * p.response.value(last);
        }
        dropped
    }

    #[test]
    fn tail_remainder_bounds_the_dropped_terms() {
        for &(s, decay) in &[(0.5, 0.8), (1.0, 0.5), (2.5, 0.9), (0.3, 0.95)] {
            let p = path(s, decay);
            let dropped = dropped_tail(&p, decay, 1.0);
            assert!(
                dropped <= p.remainder * (1.0 + 1e-9),
                "s={s} θ={decay}: {dropped} > {}",
                p.remainder
            );
            assert!(p.remainder <= 1e-11 * 2.0, "remainder {}", p.remainder);
        }
    }

    #[test]
    fn weighted_tail_remainder_bounds_the_dropped_weighted_terms() {
        let weights = TimeWeights {
            values: vec![1.0; 3],
            beyond: 2.5,
        };
        for &(s, decay) in &[(0.5, 0.8), (2.5, 0.9)] {
            let plain = path(s, decay);
            let p = path(s, decay).with_weights(weights.clone());
            assert_eq!(p.remainder, plain.remainder * 2.5);
            let dropped = dropped_tail(&p, decay, weights.beyond);
            assert!(dropped <= p.remainder * (1.0 + 1e-9));
        }
    }

    #[test]
    fn unit_weights_change_no_bit_and_weights_scale_values_and_envelopes() {
        let plain = path(3.0, 0.5);
        let ones = path(3.0, 0.5).with_weights(TimeWeights {
            values: Vec::new(),
            beyond: 1.0,
        });
        let weighted = path(3.0, 0.5).with_weights(uneven_weights());
        for curves in [Curves::True, Curves::Envelope, Curves::TrueClipped] {
            for k in 0..plain.len {
                for a in [0.0, 0.05, 0.3, 1.0, 2.7] {
                    let base = plain.curve(k, a, curves);
                    assert_eq!(ones.curve(k, a, curves), base);
                    let w = uneven_weights().at(k);
                    let (v, g1, g2) = weighted.curve(k, a, curves);
                    assert_eq!((v, g1, g2), (w * base.0, w * base.1, w * base.2));
                }
            }
        }
        assert_eq!(ones.remainder, plain.remainder);
    }

    /// Asserts that `gradient[j]` is the central difference of `f` along `x_j` at `x`
    /// (step 1e-6) to 1e-6; `case` names the case in the failure message.
    fn assert_gradient_entry<const N: usize>(
        mut f: impl FnMut(&[f64]) -> f64,
        x: [f64; N],
        gradient: &[f64],
        j: usize,
        case: &str,
    ) {
        let h = 1e-6;
        let (mut up, mut down) = (x, x);
        up[j] += h;
        down[j] -= h;
        let numeric = (f(&up) - f(&down)) / (2.0 * h);
        assert!(
            (numeric - gradient[j]).abs() < 1e-6,
            "{case} j={j}: {numeric} vs {}",
            gradient[j]
        );
    }

    /// Uneven weights over the period and the first tail weeks, `beyond` after them.
    fn uneven_weights() -> TimeWeights {
        TimeWeights {
            values: vec![0.5, 2.0, 1.3, 0.0, 3.0, 0.2],
            beyond: 0.7,
        }
    }

    #[test]
    fn gradient_and_hessian_match_finite_differences() {
        for curves in [Curves::True, Curves::Envelope] {
            for (&(s, decay), weighted) in [(0.7, 0.6), (2.5, 0.5)]
                .iter()
                .flat_map(|case| [(case, false), (case, true)])
            {
                let p = if weighted {
                    path(s, decay).with_weights(uneven_weights())
                } else {
                    path(s, decay)
                };
                let x = [0.9, 1.7, 0.4];
                let mut a = Vec::new();
                let f = |x: &[f64], a: &mut Vec<f64>| {
                    p.adstock(x.iter().copied(), a);
                    p.value(a, curves)
                };
                p.adstock(x.iter().copied(), &mut a);
                let (mut g, mut d) = ([0.0; 3], [0.0; 3]);
                p.derivatives(&a, curves, 3, &mut g, &mut d);
                let case = format!("{curves:?} s={s} weighted={weighted}");
                for j in 0..3 {
                    assert_gradient_entry(|y| f(y, &mut a), x, &g, j, &case);
                    // Hessian entry (j, j): w²·D_j (a wider step: the value is a sum of many
                    // terms, so rounding dominates a second difference at 1e-6).
                    let h = 1e-4;
                    let (mut up, mut down) = (x, x);
                    up[j] += h;
                    down[j] -= h;
                    let mid = f(&x, &mut a);
                    let second = (f(&up, &mut a) - 2.0 * mid + f(&down, &mut a)) / (h * h);
                    let w = 1.0 - decay;
                    assert!(
                        (second - w * w * d[j]).abs() < 1e-3,
                        "{case} j={j}: {second} vs {}",
                        w * w * d[j]
                    );
                }
            }
        }
    }

    /// A Weibull-kernel path (scaled units): 4 weeks, history part on the first `L − 1`.
    fn kernel_path(s: f64, form: crate::transform::WeibullForm) -> ChannelPath {
        let response = HillResponse::new(2.0, 1.5, s).unwrap();
        let kernel = crate::transform::WeibullAdstock::new(1.8, 2.5, 5, form).unwrap();
        let weights = kernel.weights().to_vec();
        let history = vec![0.6, 0.3, 0.1, 0.05];
        ChannelPath::finite(response, weights, history, &[0.1, 0.0, 0.2, 0.0], &[3.0; 4])
    }

    #[test]
    fn kernel_adstock_is_the_convolution_with_the_history_and_ends_after_l_minus_1_weeks() {
        let p = kernel_path(0.7, crate::transform::WeibullForm::Pdf);
        let PathKernel::Finite { weights, history } = &p.kernel else {
            panic!("a kernel path");
        };
        assert_eq!(p.len, 4 + 4);
        assert_eq!(p.remainder, 0.0);
        let x = [0.9, 1.7, 0.4, 2.0];
        let mut a = Vec::new();
        p.adstock(x.iter().copied(), &mut a);
        for (k, &value) in a.iter().enumerate() {
            let mut direct = history.get(k).copied().unwrap_or(0.0);
            for (l, w) in weights.iter().enumerate() {
                if l <= k && k - l < 4 {
                    direct += w * x[k - l];
                }
            }
            assert!((value - direct).abs() < 1e-15, "k={k}: {value} vs {direct}");
        }
    }

    #[test]
    fn kernel_gradient_and_full_hessian_match_finite_differences() {
        use crate::transform::WeibullForm;
        for curves in [Curves::True, Curves::Envelope] {
            for form in [WeibullForm::Cdf, WeibullForm::Pdf] {
                for (s, weighted) in [(0.7, false), (2.5, false), (0.7, true), (2.5, true)] {
                    let p = if weighted {
                        kernel_path(s, form).with_weights(uneven_weights())
                    } else {
                        kernel_path(s, form)
                    };
                    let x = [0.9, 1.7, 0.4, 2.0];
                    let mut a = Vec::new();
                    let f = |x: &[f64], a: &mut Vec<f64>| {
                        p.adstock(x.iter().copied(), a);
                        p.value(a, curves)
                    };
                    p.adstock(x.iter().copied(), &mut a);
                    let mut g = [0.0; 4];
                    let mut d = vec![0.0; p.len];
                    p.derivatives(&a, curves, 4, &mut g, &mut d);
                    // The upper triangle from the rows; `entry` mirrors it.
                    let mut hessian = [[0.0; 4]; 4];
                    for (i, row) in hessian.iter_mut().enumerate() {
                        p.hessian_row(i, 4, &d, |j, h| row[j] = h);
                    }
                    let entry = |i: usize, j: usize| hessian[i.min(j)][i.max(j)];
                    let case = format!("{curves:?} {form:?} s={s} weighted={weighted}");
                    for j in 0..4 {
                        assert_gradient_entry(|y| f(y, &mut a), x, &g, j, &case);
                        for i in 0..4 {
                            // Mixed second difference, a wider step (see the geometric test).
                            let h = 1e-4;
                            let at = |di: f64, dj: f64, a: &mut Vec<f64>| {
                                let mut y = x;
                                y[i] += di;
                                y[j] += dj;
                                f(&y, a)
                            };
                            let second = (at(h, h, &mut a) - at(h, -h, &mut a) - at(-h, h, &mut a)
                                + at(-h, -h, &mut a))
                                / (4.0 * h * h);
                            assert!(
                                (second - entry(i, j)).abs() < 1e-3,
                                "{case} ({i}, {j}): {second} vs {}",
                                entry(i, j)
                            );
                        }
                    }
                }
            }
        }
    }

    /// Asserts that `p` has a chord in some week and that, in every week with one, the
    /// envelope is above the curve over `[chord.from, 1.5·chord.end]` (101 points).
    fn assert_envelope_above_the_curve(p: &ChannelPath) {
        let mut any_chord = false;
        for k in 0..p.len {
            if let Some(chord) = p.chords[k] {
                any_chord = true;
                for i in 0..=100 {
                    let a = chord.from + (chord.end * 1.5 - chord.from) * i as f64 / 100.0;
                    let (env, _, _) = p.curve(k, a, Curves::Envelope);
                    assert!(env >= p.response.value(a) - 1e-12);
                }
            }
        }
        assert!(any_chord);
    }

    #[test]
    fn kernel_envelope_is_above_the_curve_over_the_reachable_adstock() {
        assert_envelope_above_the_curve(&kernel_path(3.0, crate::transform::WeibullForm::Cdf));
    }

    #[test]
    fn envelope_is_above_the_curve_and_concave() {
        assert_envelope_above_the_curve(&path(3.0, 0.5));
    }
}
