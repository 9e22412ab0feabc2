import pytest
from pydantic import ValidationError

from app.models.factory import Factory
from app.schemas.device import ParameterBulkUpdate, check_device_key
from app.schemas.factory import TouTariff
from app.services.devices.service import mqtt_identity, telemetry_topic
from app.services.factories.service import online_threshold_seconds


@pytest.mark.parametrize("key", ["m", "meter-01", "a:b", "x$y", "Zähler", "温度", "k" * 128])
def test_device_keys_that_are_one_topic_level(key):
    assert check_device_key(key) == key


@pytest.mark.parametrize("key", ["", "k" * 129, "$SYS", "a/b", "a+b", "a#", "a b", "a\u00a0b",
                                 "a\u200bb", "tab\t", "\x00", "\x7f"])
def test_device_keys_that_would_break_a_topic(key):
    with pytest.raises(ValueError):
        check_device_key(key)


def test_topic_and_identity():
    assert telemetry_topic("plant-1", "m:1") == "factories/plant-1/devices/m:1/telemetry"
    assert mqtt_identity("plant-1", "m:1").split("/", 1) == ["plant-1", "m:1"]


@pytest.mark.parametrize("settings,expected", [
    ({}, 120), ({"online_threshold_seconds": 600}, 600), ({"online_threshold_seconds": 0}, 120),
    ({"online_threshold_seconds": True}, 120), ({"online_threshold_seconds": "60"}, 120),
])
def test_online_threshold_falls_back_to_the_platform_default(settings, expected):
    assert online_threshold_seconds(Factory(settings=settings), 120) == expected


def _period(name, start, end, days=(0,)):
    return {"name": name, "days": list(days), "start": start, "end": end, "price_per_kwh": 0.3}


def test_overlap_is_found_whatever_the_order_of_periods():
    periods = [_period("c", "13:00", "14:00"), _period("a", "00:00", "24:00"),
               _period("b", "02:00", "03:00", days=(0, 1))]
    with pytest.raises(ValidationError, match="overlap on day 0"):
        TouTariff(kind="tou", default_price_per_kwh=0.2, periods=periods)
    back_to_back = [_period("a", "00:00", "08:00"), _period("b", "08:00", "24:00")]
    TouTariff(kind="tou", default_price_per_kwh=0.2, periods=back_to_back)


def test_bulk_update_refuses_repeated_ids():
    with pytest.raises(ValidationError, match=r"more than once: \[2\]"):
        ParameterBulkUpdate(items=[{"id": 2}, {"id": 3}, {"id": 2}])
