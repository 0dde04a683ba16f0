"""Speed and accuracy of the customer models on simulated data.

Run from the repository root::

    python3 benchmarks/models.py                  # 10k, 100k and 1M customers
    python3 benchmarks/models.py --sizes 10000    # a quick run

For every size it simulates customers from known BG/NBD and Gamma-Gamma
parameters (fixed seeds, purchase times rounded to whole days, weekly units),
then times BG/NBD + Gamma-Gamma + per-customer CLV (12 months, 10% a year,
ranges included) in this process, after imports. It prints the median of
three runs, the split between the steps, the peak memory traced by
``tracemalloc`` in a separate run, and how far the fitted parameters are from
the true ones. It also times the per-customer summary of an order log and the
sBG fit. Targets on the 2-core reference machine: 1M customers under 2 s,
100k under 0.3 s. Timings vary with other load on the machine: check
``os.getloadavg()`` printed at the top.
"""

from __future__ import annotations

import time

_PROCESS_START = time.perf_counter()

import argparse  # noqa: E402
import os  # noqa: E402
import resource  # noqa: E402
import statistics  # noqa: E402
import sys  # noqa: E402
import tracemalloc  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from calc.models import bgnbd, clv, gamma_gamma, sbg, summary  # noqa: E402

_IMPORTED = time.perf_counter()

TRUE_BGNBD = {"r": 0.5, "alpha": 5.0, "a": 0.8, "b": 2.5}
TRUE_SPEND = {"p": 6.0, "q": 4.0, "gamma": 15.0}
TRUE_SBG = {"alpha": 0.7, "beta": 1.2}


def simulated_summary(n: int) -> summary.CustomerSummary:
    """Customers simulated from the true parameters, a year of history in weeks."""
    x, t_x, age = bgnbd.simulate(n, **TRUE_BGNBD, max_age=52.0, resolution=1 / 7, seed=1)
    value = gamma_gamma.simulate(x, **TRUE_SPEND, seed=2)
    return summary.CustomerSummary(
        customer_id=np.arange(n),
        frequency=x.astype(np.int64),
        recency=t_x,
        age=age,
        mean_value=value,
        total_value=value * x,
        first_purchase=np.zeros(n, dtype="datetime64[D]"),
        unit="W",
        observation_end=np.datetime64("2024-12-31"),
    )


def value(s: summary.CustomerSummary) -> clv.ModelValuation:
    """The timed work: both fits and every customer's CLV with ranges."""
    return clv.value_customers(
        s, horizon=12, horizon_unit="M", annual_discount_rate=0.10, margin=0.30
    )


def timed(fun, repeat: int) -> tuple[float, object]:
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fun()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def peak_mb(fun) -> float:
    tracemalloc.start()
    fun()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return peak / 2**20


def recovery(fitted: dict[str, float], true: dict[str, float]) -> str:
    return ", ".join(f"{k} {fitted[k]:.3f} ({(fitted[k] - v) / v:+.1%})" for k, v in true.items())


def bench_models(n: int, repeat: int) -> None:
    s = simulated_summary(n)
    seconds, result = timed(lambda: value(s), repeat)
    steps = {}
    start = time.perf_counter()
    fit = bgnbd.fit(s.frequency, s.recency, s.age)
    steps["BG/NBD fit"] = time.perf_counter() - start
    start = time.perf_counter()
    spend = gamma_gamma.fit(s.frequency, s.mean_value)
    steps["Gamma-Gamma fit"] = time.perf_counter() - start
    start = time.perf_counter()
    clv.customer_value(
        fit, spend, s.frequency, s.recency, s.age, s.mean_value,
        time_unit="W", horizon=12, annual_discount_rate=0.10, margin=0.30,
    )  # fmt: skip
    steps["CLV per customer"] = time.perf_counter() - start
    memory = peak_mb(lambda: value(s))
    p, g = result.purchases, result.spend
    total = result.values.total_clv
    print(f"\n{n:,} customers ({p.distinct_rows:,} distinct frequency/recency/age rows)")
    print(f"  BG/NBD + Gamma-Gamma + CLV: {seconds:.3f} s (median of {repeat}), "
          f"peak traced memory {memory:.0f} MB")  # fmt: skip
    print("  steps, one run each: " + ", ".join(f"{k} {v:.3f} s" for k, v in steps.items()))
    print("  BG/NBD recovery:      " + recovery(vars(p), TRUE_BGNBD))
    print("  Gamma-Gamma recovery: " + recovery(vars(g), TRUE_SPEND))
    print(f"  total 12-month CLV at 30% margin: {total.likely:,.0f} "
          f"(range {total.low:,.0f} - {total.high:,.0f})")  # fmt: skip


def bench_summary(n: int) -> None:
    rng = np.random.default_rng(3)
    orders = int(2.4 * n)
    ids = np.char.add("C", rng.integers(0, n, orders).astype(str)).astype(object)
    dates = np.datetime64("2023-01-01") + rng.integers(0, 730, orders)
    amounts = rng.gamma(2.0, 25.0, orders)
    seconds, s = timed(lambda: summary.summarize(ids, dates, amounts, unit="W"), 3)
    print(f"  order-log summary, {orders:,} orders with text ids -> {s.n_customers:,} "
          f"customers: {seconds:.3f} s (median of 3)")  # fmt: skip


def bench_sbg() -> None:
    published = [1000, 869, 743, 653, 593, 551, 517, 491]
    seconds, model = timed(lambda: sbg.fit(published), 5)
    print(f"\nsBG, Fader & Hardie (2007) High End, 8 points: {seconds * 1000:.1f} ms, "
          f"alpha {model.alpha:.3f}, beta {model.beta:.3f} (published 0.668, 3.806)")  # fmt: skip
    rng = np.random.default_rng(4)
    theta = rng.beta(TRUE_SBG["alpha"], TRUE_SBG["beta"], 1_000_000)
    lifetime = rng.geometric(theta)
    active = [int(np.sum(lifetime > t)) for t in range(25)]
    seconds, model = timed(lambda: sbg.fit(active), 5)
    memory = peak_mb(lambda: sbg.fit(active))
    print(f"sBG, simulated cohort of 1,000,000 over 24 periods: {seconds * 1000:.1f} ms, "
          f"peak traced memory {memory:.1f} MB; recovery "
          + recovery({"alpha": model.alpha, "beta": model.beta}, TRUE_SBG))  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000, 1_000_000])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    load = ", ".join(f"{v:.1f}" for v in os.getloadavg())
    print(f"imports: {_IMPORTED - _PROCESS_START:.2f} s; load average {load} "
          f"on {os.cpu_count()} cores")  # fmt: skip
    for n in args.sizes:
        bench_models(n, args.repeat)
        bench_summary(n)
    bench_sbg()
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"\nwhole script: {time.perf_counter() - _PROCESS_START:.1f} s, "
          f"max resident memory {rss:.0f} MB")  # fmt: skip


if __name__ == "__main__":
    main()
