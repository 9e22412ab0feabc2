"""Regression baselines, CUSUM and EnPI on numbers whose answers are known."""

from __future__ import annotations

import numpy as np
import pytest

from app.services.energy import performance as perf


def test_the_fit_recovers_known_coefficients_from_synthetic_days():
    # 60 days of energy = 120 kWh + 2.5 kWh per unit + 4 kWh per degree, plus noise.
    rng = np.random.default_rng(50006)
    production = rng.uniform(200, 900, 60)
    temperature = rng.uniform(-5, 30, 60)
    energy = 120 + 2.5 * production + 4 * temperature + rng.normal(0, 5, 60)
    days = [perf.Observation(float(e), {"production": float(p), "temperature": float(t)})
            for e, p, t in zip(energy, production, temperature, strict=True)]
    model = perf.fit(days, ["production", "temperature"])
    assert model.coefficients["production"] == pytest.approx(2.5, abs=0.02)
    assert model.coefficients["temperature"] == pytest.approx(4.0, abs=0.2)
    assert model.intercept == pytest.approx(120, abs=6)
    assert 0.99 < model.r2 < 1.0
    assert model.points == 60
    assert perf.Model.from_dict(model.as_dict()) == model


def test_an_exact_line_has_r2_one():
    days = [perf.Observation(50 + 3 * p, {"production": p}) for p in (10, 20, 30, 40)]
    model = perf.fit(days, ["production"])
    assert (model.intercept, model.coefficients["production"]) == (pytest.approx(50),
                                                                   pytest.approx(3))
    assert model.r2 == pytest.approx(1.0)


def test_too_few_periods_or_a_constant_variable_refuse_to_fit():
    with pytest.raises(perf.NotEnoughData, match="at least 4"):
        perf.fit([perf.Observation(1, {"production": p}) for p in (1, 2, 3)], ["production"])
    with pytest.raises(perf.NotEnoughData, match="same value"):
        perf.fit([perf.Observation(e, {"production": 5}) for e in (1, 2, 3, 4)],
                 ["production"])
    collinear = [perf.Observation(e, {"production": p, "temperature": 2 * p})
                 for e, p in ((1, 1), (3, 2), (4, 3), (8, 4), (9, 5))]
    with pytest.raises(perf.NotEnoughData, match="move together"):
        perf.fit(collinear, ["production", "temperature"])


def test_cusum_by_hand():
    # Baseline 10 kWh + 2 kWh per unit.
    model = perf.Model(intercept=10, coefficients={"production": 2}, r2=0.9, points=30)
    periods = [perf.Observation(18, {"production": 5}),    # expected 20: saved 2
               perf.Observation(31, {"production": 10}),   # expected 30: lost 1
               perf.Observation(20, {"production": 8}),    # expected 26: saved 6
               perf.Observation(10, {"production": 0})]    # expected 10: even
    rows = perf.track(model, periods)
    assert [r.expected_kwh for r in rows] == [20, 30, 26, 10]
    assert [r.savings_kwh for r in rows] == [2, -1, 6, 0]
    assert [r.cusum_kwh for r in rows] == [-2, -1, -7, -7]


def test_enpi_is_energy_per_unit_and_none_without_production():
    assert perf.enpi(320, 160) == 2.0
    assert perf.enpi(320, 0) is None
    assert perf.enpi(None, 10) is None
