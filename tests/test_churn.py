"""Tests of calc.churn: the churn check's conversions, verdict and cost."""

import numpy as np
import pytest
from scipy.special import roots_jacobi

from calc.churn import alive_after, beta_rule, churn_by_period, churn_cost
from calc.errors import InputError
from calc.models.bgnbd import BGNBDModel

#: HubSpot's 5-7% a year: the lines of software sold by subscription.
SAAS = "saas_small"


def test_monthly_three_percent_is_thirty_point_six_a_year_not_thirty_six():
    """Hand-worked: 1 - 0.97**12 = 0.30616 (compounding), 1 - 0.97**3 = 0.08733."""
    table = churn_by_period(0.03, "month").set_index("period")
    assert table.loc["year", "churn"] == pytest.approx(0.30616, abs=5e-6)
    assert table.loc["quarter", "churn"] == pytest.approx(0.087327, abs=5e-7)


def test_thresholds_are_converted_with_the_churn():
    """The 7%-a-year act line is 1 - 0.93**(1/12) = 0.603% a month."""
    table = churn_by_period(0.06, "year", business=SAAS).set_index("period")
    assert table.loc["year", "act"] == pytest.approx(0.07)
    assert table.loc["month", "act"] == pytest.approx(1 - 0.93 ** (1 / 12))
    assert set(table["level"]) == {"watch"}  # 6% a year: between 5% and 7%


def test_verdict_does_not_depend_on_the_period_typed():
    monthly = churn_by_period(0.005, "month", business=SAAS)["level"].iloc[0]
    yearly = churn_by_period(1 - 0.995**12, "year", business=SAAS)["level"].iloc[0]
    assert monthly == yearly == "watch"


def test_cost_hand_worked():
    """2,000 customers, 4% a year, margin 150: 80 lost, 12,000 of margin a year.

    The watch line is 5% a year: already below it, nothing to save there.
    """
    cost = churn_cost(0.04, "year", 2000, 150, business=SAAS)
    assert cost.customers_lost == pytest.approx(80)
    assert cost.margin_lost == pytest.approx(12_000)
    assert cost.customers_kept_at_watch_line == 0
    assert cost.verdict.level == "healthy"


def test_cost_saved_at_watch_line():
    """2% a month: 1 - 0.98**12 = 21.53% a year vs the 5% line: 1,000 x 0.1653 = 165 kept."""
    cost = churn_cost(0.02, "month", 1000, 100, business=SAAS)
    assert cost.customers_kept_at_watch_line == pytest.approx(1000 * ((1 - 0.98**12) - 0.05))
    assert cost.verdict.level == "act"


def test_negative_customers_are_refused():
    with pytest.raises(InputError, match="cannot be negative") as err:
        churn_cost(0.1, "month", -1, 100)
    assert err.value.field == "customers"


def test_negative_margin_is_refused():
    with pytest.raises(InputError, match="cannot be negative") as err:
        churn_cost(0.1, "month", 100, -5)
    assert err.value.field == "margin_per_customer"


def test_churn_above_100_percent_is_refused():
    with pytest.raises(InputError) as err:
        churn_by_period(1.5, "month")
    assert err.value.field == "churn_rate"


def test_a_cafe_losing_35_percent_a_year_is_not_told_to_act():
    """Issue 12: Statista (2018) puts hospitality's yearly retention at 55% (45% churn)."""
    cafe = churn_by_period(0.35, "year", business="cafe").set_index("period")
    assert set(cafe["level"]) == {"healthy"}
    assert cafe.loc["year", "watch"] == pytest.approx(0.45)
    saas = churn_cost(0.35, "year", 100, 10, business="saas_small")
    assert saas.verdict.level == "act"


def test_the_watch_line_saved_is_the_business_own():
    """A café at 55% a year against its 45% line: 1,000 x (0.55 - 0.45) = 100 kept."""
    cost = churn_cost(0.55, "year", 1000, 100, business="cafe")
    assert cost.customers_kept_at_watch_line == pytest.approx(100)
    assert cost.verdict.level == "watch"


def test_a_subscription_box_is_judged_per_month():
    """Recurly (2017): about 10% of box subscribers cancel a month; act above 15%."""
    table = churn_by_period(0.12, "month", business="subscription_box").set_index("period")
    assert table.loc["month", "watch"] == pytest.approx(0.10)
    assert table.loc["month", "act"] == pytest.approx(0.15)
    assert set(table["level"]) == {"watch"}


def test_alive_after_matches_direct_integration_and_simulation():
    """P(active at T + t) = P(alive) E_p[(1 + p t / (alpha + T))^-(r + x)].

    Oracles: scipy's adaptive quadrature of the same expectation, and a
    Monte Carlo draw of lambda ~ Gamma(r + x, alpha + T), p ~ Beta(a, b + x)
    (seeded), on the CDNOW parameters of Fader, Hardie and Lee (2005).
    """
    import numpy as np
    from scipy import integrate, stats

    from calc.churn import alive_after
    from calc.models.bgnbd import _cdnow

    m = _cdnow()
    x, tx, age = np.array([0, 2, 7]), np.array([0.0, 30.0, 35.0]), np.array([38.0, 38.0, 39.0])
    got = alive_after(m, x, tx, age, 52.0)
    alive = m.p_alive(x, tx, age)
    rng = np.random.default_rng(12)
    for i in range(3):
        r, beta_b, base = m.r + x[i], m.b + x[i], m.alpha + age[i]

        def f(p, r=r, beta_b=beta_b, base=base):
            return stats.beta.pdf(p, m.a, beta_b) * (1 + p * 52.0 / base) ** -r

        assert got[i] == pytest.approx(alive[i] * integrate.quad(f, 0, 1, limit=200)[0], abs=1e-6)
        lam = rng.gamma(r, 1 / base, 200_000)
        p = rng.beta(m.a, beta_b, 200_000)
        assert got[i] == pytest.approx(alive[i] * np.exp(-lam * p * 52.0).mean(), abs=3e-3)
    assert np.all(got <= alive)
    assert alive_after(m, x, tx, age, 0.0) == pytest.approx(alive)


def test_alive_after_refuses_a_negative_horizon():
    from calc.churn import alive_after
    from calc.models.bgnbd import _cdnow

    with pytest.raises(InputError) as err:
        alive_after(_cdnow(), [1], [2.0], [3.0], -1.0)
    assert err.value.field == "t"


# ---------------------------------------------------------------- beta_rule


@pytest.mark.parametrize(
    ("a", "b"), [(0.5, 3.0), (1.2, 0.8), (2.0, 40.0), (0.3, 500.0), (0.5, 0.5)]
)
def test_beta_rule_is_scipys_gauss_jacobi_rule_normalised(a, b):
    p, w = beta_rule(24, a, b)
    nodes, weights = roots_jacobi(24, b - 1.0, a - 1.0)
    assert np.sort(p) == pytest.approx(np.sort((1 + nodes) / 2), abs=1e-13)
    expected = (weights / weights.sum())[np.argsort(nodes)]
    assert w[np.argsort(p)] == pytest.approx(expected, abs=1e-10)


@pytest.mark.parametrize("b", [1e3, 5e4, 1e7])
def test_beta_rule_stays_exact_where_scipys_weights_overflow(b):
    # E[p] = a / (a + b) and E[p^2] = a (a + 1) / ((a + b)(a + b + 1)) for p ~ Beta(a, b).
    a = 0.7
    p, w = beta_rule(24, a, b)
    assert np.all(np.isfinite(w)) and w.sum() == pytest.approx(1.0, abs=1e-12)
    assert w @ p == pytest.approx(a / (a + b), rel=1e-10)
    assert w @ p**2 == pytest.approx(a * (a + 1) / ((a + b) * (a + b + 1)), rel=1e-9)


def test_alive_after_a_held_fit_with_a_huge_b_is_a_share_not_nan():
    # A small regular shop (issue 14) holds BG/NBD's b near 5e4: scipy's rule gave NaN.
    model = BGNBDModel(
        r=2.0, alpha=3.0, a=0.8, b=5e4, log_likelihood=0.0, n_customers=60, distinct_rows=60,
        covariance=np.eye(4) * 1e-4,
    )  # fmt: skip
    x, tx, age = np.array([0, 3, 8]), np.array([0.0, 40.0, 80.0]), np.array([86.0, 86.0, 86.0])
    now = model.p_alive(x, tx, age)
    later = alive_after(model, x, tx, age, 52.0)
    assert np.all(np.isfinite(later)) and np.all(later <= now) and np.all(later > 0.99 * now)
