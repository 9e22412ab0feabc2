"""Energy figures and KPIs: energy per period with cost and CO2 (service, over the pure
calculator), live KPIs and history (kpis), the dashboard summary, forecasts, and the cache of
past aggregates they share."""

from __future__ import annotations

from app.services.energy.dashboard import DashboardService
from app.services.energy.kpis import HistoryQuery, KpiService
from app.services.energy.service import EnergyService

__all__ = ["DashboardService", "EnergyService", "HistoryQuery", "KpiService"]
