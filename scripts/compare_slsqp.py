#!/usr/bin/env python3
"""Compare mixplan's exact budget optimiser with scipy's SLSQP on the same problem.

Common MMM tools (PyMC-Marketing's budget optimiser, Robyn's nloptr SLSQP) maximise the
sum of the channel response curves with SLSQP from an equal split. This script solves the
problem that `mixplan optimize --export-problem FILE` wrote (the fitted Hill curves, the
bounds, the budget and mixplan's own answer and solve time) with SLSQP the same way, and
prints both objective values and times.

Usage (from the repository root):

    pip install -r scripts/requirements.txt
    # 1. let the script run the CLI (one fit per budget) and compare:
    python3 scripts/compare_slsqp.py --data data_processed/mmm_data.csv \
        --budgets 10000,25000,50000,100000
    # 2. or compare problems exported earlier:
    cargo run --release --bin mixplan -- optimize data_processed/mmm_data.csv \
        --budget 50000 --time --export-problem /tmp/problem.json
    python3 scripts/compare_slsqp.py /tmp/problem.json
    # 3. or random problems with strongly S-shaped curves (mixplan solves each problem file
    #    with `mixplan optimize FILE.json`, skipping the fit):
    python3 scripts/compare_slsqp.py --random 20 --seed 1

Extra arguments after `--` go to `mixplan optimize` (e.g. `-- --min email=2000`).
mixplan's time is the median of 101 cold solves inside the CLI (`--time`; the model fit is not timed);
SLSQP's is the median of `--repeats` runs of `scipy.optimize.minimize` in this process.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import subprocess
import sys
import random
import tempfile
import time

import numpy as np
from scipy.optimize import minimize


def hill(beta: np.ndarray, k: np.ndarray, s: np.ndarray, x: np.ndarray) -> np.ndarray:
    """f(x) = beta / (1 + (K/x)^s), 0 for x <= 0 (as mixplan_core::response)."""
    x = np.asarray(x, dtype=float)
    out = np.zeros_like(x)
    pos = x > 0
    out[pos] = beta[pos] / (1.0 + (k[pos] / x[pos]) ** s[pos])
    return out


def hill_grad(beta: np.ndarray, k: np.ndarray, s: np.ndarray, x: np.ndarray) -> np.ndarray:
    """f'(x) = beta * s * r / (x (1 + r)^2), r = (K/x)^s; the one-sided limit at 0."""
    x = np.asarray(x, dtype=float)
    out = np.where(s < 1, np.inf, np.where(s == 1, beta / k, 0.0))
    pos = x > 0
    r = (k[pos] / x[pos]) ** s[pos]
    out = out.astype(float)
    out[pos] = beta[pos] * s[pos] * r / (x[pos] * (1.0 + r) ** 2)
    # SLSQP needs finite gradients: cap the infinite slope at 0 of shapes < 1.
    return np.minimum(out, 1e12)


def solve_slsqp(problem: dict, repeats: int) -> dict:
    ch = problem["channels"]
    beta = np.array([c["coefficient"] for c in ch], dtype=float)
    k = np.array([c["half_saturation"] for c in ch], dtype=float)
    s = np.array([c["shape"] for c in ch], dtype=float)
    budget = float(problem["budget"])
    bounds = [(c["min"], c["max"]) for c in ch]  # max None = unbounded
    n = len(ch)
    x0 = np.full(n, budget / n)  # the equal split the usual tools start from

    def objective(x):
        return -float(hill(beta, k, s, x).sum())

    def gradient(x):
        return -hill_grad(beta, k, s, x)

    constraint = {"type": "eq", "fun": lambda x: float(x.sum() - budget), "jac": lambda x: np.ones(n)}
    times = []
    result = None
    for _ in range(repeats):
        start = time.perf_counter()
        result = minimize(
            objective,
            x0,
            jac=gradient,
            method="SLSQP",
            bounds=bounds,
            constraints=[constraint],
            options={"maxiter": 500, "ftol": 1e-12},
        )
        times.append(time.perf_counter() - start)
    x = np.asarray(result.x, dtype=float)
    lo = np.array([b[0] for b in bounds], dtype=float)
    hi = np.array([math.inf if b[1] is None else b[1] for b in bounds], dtype=float)
    return {
        "x": x,
        "value": float(hill(beta, k, s, x).sum()),
        "time_ms": float(np.median(times) * 1e3),
        "success": bool(result.success),
        "message": str(result.message),
        "iterations": int(result.nit),
        "sum_error": float(x.sum() - budget),
        "bound_violation": float(max(0.0, np.max(lo - x), np.max(x - hi))),
        "mixplan_value_check": float(hill(beta, k, s, np.asarray(problem["mixplan"]["allocation"])).sum()),
    }


def report(name: str, problem: dict, slsqp: dict, brief: bool) -> float:
    ours = problem["mixplan"]
    names = [c["name"] for c in problem["channels"]]
    budget = problem["budget"]
    shapes = ", ".join(f"{c['name']} s={c['shape']:.2f}" for c in problem["channels"])
    gap = (ours["media_revenue"] - slsqp["value"]) / max(abs(ours["media_revenue"]), 1e-300)
    if brief:
        print(f"{name:<34}{budget:>12,.0f}{ours['media_revenue']:>15,.2f}{slsqp['value']:>15,.2f}"
              f"{gap:>+11.2e}{ours['solve_us']:>10.1f}{slsqp['time_ms'] * 1e3:>10.0f}"
              f"  {'ok' if slsqp['success'] else 'FAILED'}")
        return gap
    print(f"== {name}: budget {budget:,.2f} ({shapes})")
    print(f"   {'channel':<16}{'mixplan':>14}{'SLSQP':>14}")
    for i, c in enumerate(names):
        print(f"   {c:<16}{ours['allocation'][i]:>14,.2f}{slsqp['x'][i]:>14,.2f}")
    print(f"   media revenue  mixplan {ours['media_revenue']:,.4f}   SLSQP {slsqp['value']:,.4f}"
          f"   (mixplan ahead by {gap:+.2e} relative)")
    print(f"   check: mixplan's split evaluated here gives {slsqp['mixplan_value_check']:,.4f}")
    print(f"   time           mixplan {ours['solve_us']:.1f} µs   SLSQP {slsqp['time_ms']:.2f} ms"
          f"   ({slsqp['time_ms'] * 1e3 / max(ours['solve_us'], 1e-9):,.0f}x)")
    print(f"   SLSQP: success={slsqp['success']} iterations={slsqp['iterations']} "
          f"'{slsqp['message']}', sum error {slsqp['sum_error']:.2e}, "
          f"bound violation {slsqp['bound_violation']:.2e}")
    return gap


def export_with_cli(data: str, budget: float | None, extra: list[str], mixplan: list[str]) -> dict:
    """Runs `mixplan optimize DATA [--budget B] --time --export-problem FILE` and reads FILE."""
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "problem.json")
        cmd = [*mixplan, "optimize", data, "--time", "--export-problem", path, *extra]
        if budget is not None:
            cmd += ["--budget", str(budget)]
        subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
        with open(path, encoding="utf-8") as f:
            return json.load(f)


def random_problem(rng: random.Random, index: int) -> dict:
    """Five channels: two concave, three S-shaped; sometimes a minimum or a maximum."""
    channels = []
    for c in range(5):
        shape = rng.uniform(0.5, 1.0) if c < 2 else rng.uniform(1.5, 4.0)
        k = 10 ** rng.uniform(3.0, 4.5)
        channel = {"name": f"ch{c}", "coefficient": 10 ** rng.uniform(3.5, 5.0),
                   "half_saturation": k, "shape": shape, "min": 0.0, "max": None}
        roll = rng.random()
        if roll < 0.15:
            channel["min"] = rng.uniform(0.0, 0.5) * k
        elif roll < 0.3:
            channel["max"] = rng.uniform(0.5, 2.0) * k
        channels.append(channel)
    total_k = sum(c["half_saturation"] for c in channels)
    lo = sum(c["min"] for c in channels)
    budget = lo + rng.uniform(0.1, 2.0) * total_k
    hi = sum(math.inf if c["max"] is None else c["max"] for c in channels)
    budget = min(budget, 0.5 * (lo + hi)) if math.isfinite(hi) else budget
    return {"channels": channels, "budget": budget, "name": f"random #{index}"}


def solve_random_with_cli(problem: dict, mixplan: list[str]) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "random.json")
        with open(path, "w", encoding="utf-8") as f:
            json.dump(problem, f)
        return export_with_cli(path, None, [], mixplan)


def main() -> int:
    argv = sys.argv[1:]
    passthrough: list[str] = []
    if "--" in argv:
        cut = argv.index("--")
        argv, passthrough = argv[:cut], argv[cut + 1:]
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("problems", nargs="*", help="JSON files written by mixplan optimize --export-problem")
    parser.add_argument("--data", help="weekly CSV: run `mixplan optimize` on it for each budget")
    parser.add_argument("--budgets", default="10000,25000,50000,100000", help="comma-separated weekly budgets (with --data)")
    parser.add_argument("--mixplan", default="cargo run --release -q --bin mixplan --",
                        help="how to invoke the CLI (default: %(default)s)")
    parser.add_argument("--repeats", type=int, default=20, help="SLSQP runs timed per problem")
    parser.add_argument("--random", type=int, default=0, metavar="N",
                        help="also compare N random problems with S-shaped curves")
    parser.add_argument("--seed", type=int, default=1, help="seed of --random")
    parser.add_argument("--brief", action="store_true", help="one line per problem")
    args = parser.parse_args(argv)

    problems: list[tuple[str, dict]] = []
    for path in args.problems:
        with open(path, encoding="utf-8") as f:
            problems.append((path, json.load(f)))
    if args.data:
        for b in args.budgets.split(","):
            budget = float(b)
            problems.append((f"{args.data} @ {budget:,.0f}",
                             export_with_cli(args.data, budget, passthrough, args.mixplan.split())))
    rng = random.Random(args.seed)
    for i in range(args.random):
        problem = random_problem(rng, i + 1)
        problems.append((problem["name"], solve_random_with_cli(problem, args.mixplan.split())))
    if not problems:
        parser.error("give exported problem files, --data or --random")

    print(f"scipy SLSQP from an equal split (scipy {__import__('scipy').__version__}) vs mixplan\n")
    gaps = []
    if args.brief:
        print(f"{'problem':<34}{'budget':>12}{'mixplan':>15}{'SLSQP':>15}{'ahead by':>11}"
              f"{'µs':>10}{'SLSQP µs':>10}  SLSQP status")
    for name, problem in problems:
        gaps.append(report(name, problem, solve_slsqp(problem, args.repeats), args.brief))
        if not args.brief:
            print()
    worst = min(gaps)
    behind = sum(g < -1e-9 for g in gaps)
    ahead = sum(g > 1e-6 for g in gaps)
    print(f"{len(gaps)} problems: mixplan ahead of SLSQP by more than 1e-6 on {ahead}, "
          f"behind by more than 1e-9 on {behind}; largest advantage {max(gaps):+.2%}, "
          f"worst {worst:+.2e}")
    return 0 if worst >= -1e-6 else 1


if __name__ == "__main__":
    sys.exit(main())
