from app.core.config import Settings
from app.stores.latest.base import LatestUpdates, LatestValuesStore
from app.stores.latest.redis_store import RedisLatestValues
from app.stores.latest.timeseries_store import TimeSeriesLatestValues
from app.stores.timeseries.base import TimeSeriesStore


def build_latest_store(settings: Settings, timeseries: TimeSeriesStore) -> LatestValuesStore:
    if settings.redis_url:
        return RedisLatestValues(settings.redis_url)
    return TimeSeriesLatestValues(timeseries)


__all__ = ["LatestUpdates", "LatestValuesStore", "build_latest_store"]
