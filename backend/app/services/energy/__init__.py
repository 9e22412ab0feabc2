"""Energy figures and KPIs: energy per period with cost and CO2 (service, over the pure
calculator), live KPIs and history (kpis), the dashboard summary, forecasts, the cache of
past aggregates they share; the asset tree and virtual meters (assets, tree, meters), the
energy page's analysis and its export, production, baselines and performance, and shifts."""

from __future__ import annotations

from app.services.energy.analysis import EnergyAnalysisService
from app.services.energy.assets import AssetService
from app.services.energy.baselines import BaselineService
from app.services.energy.dashboard import DashboardService
from app.services.energy.export import export_analysis
from app.services.energy.kpis import HistoryQuery, KpiService
from app.services.energy.production import ProductionService
from app.services.energy.service import EnergyService
from app.services.energy.shifts import ShiftService

__all__ = ["AssetService", "BaselineService", "DashboardService", "EnergyAnalysisService",
           "EnergyService", "HistoryQuery", "KpiService", "ProductionService", "ShiftService",
           "export_analysis"]
