"""Energy performance the ISO 50006 way, as pure functions: an energy baseline is a linear
regression of energy on its relevant variables (production, optionally a temperature) over a
baseline period; in a reporting period the model gives the energy expected for what was
produced, savings are expected minus actual, and CUSUM is the running sum of actual minus
expected (falling while the plant does better than its baseline). EnPI is energy per unit."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

PRODUCTION = "production"
TEMPERATURE = "temperature"


class NotEnoughData(ValueError):
    """Too few complete periods, or variables that never vary, to fit a model."""


@dataclass(frozen=True)
class Model:
    intercept: float
    coefficients: dict[str, float]
    r2: float | None
    points: int

    def expected(self, variables: Mapping[str, float]) -> float:
        return self.intercept + sum(c * variables[name] for name, c in self.coefficients.items())

    def as_dict(self) -> dict:
        return {"intercept": self.intercept, "coefficients": dict(self.coefficients),
                "r2": self.r2, "points": self.points}

    @classmethod
    def from_dict(cls, data: Mapping) -> Model:
        return cls(intercept=float(data["intercept"]),
                   coefficients={k: float(v) for k, v in data["coefficients"].items()},
                   r2=None if data.get("r2") is None else float(data["r2"]),
                   points=int(data["points"]))


@dataclass(frozen=True)
class Observation:
    """One period of the baseline: its energy and the variables that explain it."""

    energy_kwh: float
    variables: dict[str, float]


def fit(observations: Sequence[Observation], variables: Sequence[str]) -> Model:
    """Ordinary least squares of energy on `variables` with an intercept. Needs at least
    two more observations than unknowns, and each variable must vary."""
    unknowns = len(variables) + 1
    if len(observations) < unknowns + 2:
        raise NotEnoughData(f"{len(observations)} periods with data; the model needs at "
                            f"least {unknowns + 2}.")
    y = np.array([o.energy_kwh for o in observations], dtype=float)
    columns = [np.ones(len(observations))]
    for name in variables:
        column = np.array([o.variables[name] for o in observations], dtype=float)
        if np.ptp(column) == 0:
            raise NotEnoughData(f"{name} has the same value in every period: it cannot "
                                "explain any change in energy.")
        columns.append(column)
    design = np.column_stack(columns)
    solution, _residuals, rank, _sv = np.linalg.lstsq(design, y, rcond=None)
    if rank < unknowns:
        raise NotEnoughData("The variables move together: their effects cannot be told "
                            "apart.")
    fitted = design @ solution
    total = float(np.sum((y - y.mean()) ** 2))
    r2 = None if total == 0 else 1.0 - float(np.sum((y - fitted) ** 2)) / total
    return Model(intercept=float(solution[0]),
                 coefficients={name: float(c) for name, c in zip(variables, solution[1:],
                                                                  strict=True)},
                 r2=r2, points=len(observations))


@dataclass(frozen=True)
class PerformanceRow:
    actual_kwh: float
    expected_kwh: float
    savings_kwh: float       # expected - actual
    cusum_kwh: float         # running sum of actual - expected


def track(model: Model, observations: Sequence[Observation]) -> list[PerformanceRow]:
    """Expected energy, savings and CUSUM for each reporting period, in order."""
    rows: list[PerformanceRow] = []
    running = 0.0
    for observation in observations:
        expected = model.expected(observation.variables)
        running += observation.energy_kwh - expected
        rows.append(PerformanceRow(actual_kwh=observation.energy_kwh, expected_kwh=expected,
                                   savings_kwh=expected - observation.energy_kwh,
                                   cusum_kwh=running))
    return rows


def enpi(energy_kwh: float | None, production: float | None) -> float | None:
    """Energy per unit produced; none without production."""
    if energy_kwh is None or production is None or production <= 0:
        return None
    return energy_kwh / production
