from __future__ import annotations

from datetime import UTC, datetime, timedelta

import redis.asyncio as redis

from app.stores.timeseries.base import Point, to_epoch_ms

MINUTE = timedelta(minutes=1)


def _live(device) -> str:
    return f"/api/v1/devices/{device.id}/kpis/live"


def _history(device) -> str:
    return f"/api/v1/devices/{device.id}/kpis/history"


async def _write_minutes(app, tenant, device, key, start: datetime, minutes: int, value):
    points = [Point(tenant.id, device.id, key, to_epoch_ms(start + i * MINUTE), value(i))
              for i in range(minutes)]
    await app.state.resources.timeseries.write(points)


def _at(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


# --- live ------------------------------------------------------------------------------------
async def test_live_kpis_are_the_selected_parameters_with_their_latest_values(
        app, client, make, tenant, monkeypatch):
    now = datetime.now(UTC).replace(microsecond=0)
    device = await make.device(tenant, last_seen_at=now)
    power = await make.parameter(device, "power_kw", display_name="Power", unit="kW",
                                 role="active_power", is_kpi_selected=True)
    await make.parameter(device, "voltage", is_kpi_selected=True, unit="V")
    await make.parameter(device, "old_reading", display_name="Ambient", is_kpi_selected=True)
    await make.parameter(device, "not_selected")
    await app.state.resources.latest.put_many({(tenant.id, device.id): {
        "power_kw": (to_epoch_ms(now - timedelta(seconds=5)), 42.5),
        "old_reading": (to_epoch_ms(now - timedelta(hours=2)), 21.0),
        "not_selected": (to_epoch_ms(now), 1.0),
    }})
    latest = app.state.resources.latest
    calls = []
    real_get = latest.get

    async def counting_get(factory_id, device_id):
        calls.append((factory_id, device_id))
        return await real_get(factory_id, device_id)

    monkeypatch.setattr(latest, "get", counting_get)

    r = await client.get(_live(device), headers=tenant.headers)
    assert r.status_code == 200, r.text
    data = r.json()["data"]
    assert calls == [(tenant.id, device.id)]
    assert data["device_id"] == device.id and data["online"] is True
    assert datetime.fromisoformat(data["last_seen_at"]) == now
    # Ordered by display name, falling back to the key.
    assert [k["parameter_key"] for k in data["kpis"]] == ["old_reading", "power_kw", "voltage"]
    ambient, power_kpi, voltage = data["kpis"]
    assert power_kpi["parameter_id"] == power.id
    assert (power_kpi["value"], power_kpi["unit"], power_kpi["role"]) == (42.5, "kW",
                                                                          "active_power")
    assert 5 <= power_kpi["age_seconds"] < 60 and power_kpi["stale"] is False
    assert ambient["value"] == 21.0 and ambient["stale"] is True
    assert ambient["age_seconds"] >= 7200
    assert voltage["value"] is None and voltage["ts"] is None
    assert voltage["age_seconds"] is None


async def test_live_kpis_of_a_device_never_seen(client, make, tenant):
    device = await make.device(tenant)
    r = await client.get(_live(device), headers=tenant.headers)
    assert r.status_code == 200
    assert r.json()["data"] == {"device_id": device.id, "online": False,
                                "last_seen_at": None, "kpis": []}


async def test_live_kpis_follow_the_factory_online_threshold(app, client, make):
    tenant = await make.tenant(settings={"online_threshold_seconds": 3600})
    now = datetime.now(UTC)
    device = await make.device(tenant, last_seen_at=now - timedelta(minutes=30))
    await make.parameter(device, "p", is_kpi_selected=True)
    await app.state.resources.latest.put_many({
        (tenant.id, device.id): {"p": (to_epoch_ms(now - timedelta(minutes=30)), 1.0)}})
    data = (await client.get(_live(device), headers=tenant.headers)).json()["data"]
    assert data["online"] is True and data["kpis"][0]["stale"] is False


async def test_any_active_user_of_the_factory_may_read(client, make, tenant):
    device = await make.device(tenant)
    reader = await make.user(tenant.factory)
    r = await client.get(_live(device), headers=make.headers(reader))
    assert r.status_code == 200


async def test_another_factorys_device_is_not_found(client, make, tenant, other_tenant):
    device = await make.device(other_tenant)
    for url in (_live(device), _history(device)):
        r = await client.get(url, headers=tenant.headers)
        assert r.status_code == 404 and r.json()["error"]["code"] == "DEVICE_NOT_FOUND"


# --- history ---------------------------------------------------------------------------------
async def test_history_buckets_each_series(app, client, make, tenant):
    device = await make.device(tenant)
    await make.parameter(device, "power kW", display_name="Power", unit="kW")
    await make.parameter(device, "temp")
    start = _at("2026-02-02T10:00Z")
    await _write_minutes(app, tenant, device, "power kW", start, 60, lambda i: float(i))
    await _write_minutes(app, tenant, device, "temp", start, 60, lambda i: 20.0 + i % 2)

    r = await client.get(_history(device), headers=tenant.headers, params={
        "parameters": ["power kW", "temp"], "start": "2026-02-02T10:00:00Z",
        "end": "2026-02-02T11:00:00Z", "interval": "15m", "agg": "mean"})
    assert r.status_code == 200, r.text
    data = r.json()["data"]
    assert data["interval_seconds"] == 900 and data["agg"] == "mean"
    assert _at(data["start"]) == start and _at(data["end"]) == start + timedelta(hours=1)
    power, temp = data["series"]
    assert (power["parameter_key"], power["display_name"], power["unit"]) == (
        "power kW", "Power", "kW")
    assert [(_at(ts), v) for ts, v in power["points"]] == [
        (start + timedelta(minutes=15 * k), 15 * k + 7.0) for k in range(4)]
    assert [v for _, v in temp["points"]] == [20.466666666666665, 20.533333333333335] * 2

    r = await client.get(_history(device), headers=tenant.headers, params={
        "parameters": "power kW", "start": "2026-02-02T10:00:00Z",
        "end": "2026-02-02T11:00:00Z", "interval": "1h", "agg": "max"})
    assert r.json()["data"]["series"][0]["points"] == [["2026-02-02T10:00:00Z", 59.0]]


async def test_history_defaults_to_kpi_parameters_and_the_last_24_hours(app, client, make,
                                                                        tenant):
    device = await make.device(tenant)
    await make.parameter(device, "b", is_kpi_selected=True)
    await make.parameter(device, "a", display_name="Alpha", is_kpi_selected=True)
    await make.parameter(device, "hidden")
    now = datetime.now(UTC)
    await _write_minutes(app, tenant, device, "b", now - timedelta(minutes=30), 10,
                         lambda i: 1.0)
    r = await client.get(_history(device), headers=tenant.headers)
    assert r.status_code == 200, r.text
    data = r.json()["data"]
    assert [s["parameter_key"] for s in data["series"]] == ["a", "b"]
    span = _at(data["end"]) - _at(data["start"])
    assert span == timedelta(hours=24)
    assert abs((_at(data["end"]) - now).total_seconds()) < 60
    # 24 h in at most a thousand points: two-minute buckets are not "nice", five are.
    assert data["interval_seconds"] == 300
    assert sum(1 for _ in data["series"][1]["points"]) >= 2


async def test_auto_interval_keeps_every_series_under_a_thousand_points(app, client, make,
                                                                        tenant):
    device = await make.device(tenant)
    await make.parameter(device, "p")
    start = _at("2026-01-01T00:00Z")
    points = [Point(tenant.id, device.id, "p", to_epoch_ms(start + i * timedelta(minutes=5)),
                    1.0) for i in range(7 * 288)]
    await app.state.resources.timeseries.write(points)
    cases = {("2026-01-01T00:00:00Z", "2026-01-08T00:00:00Z"): 900,
             ("2026-01-01T00:00:00Z", "2026-01-01T01:00:00Z"): 5,
             ("2026-01-01T00:00:00Z", "2026-01-02T00:00:00Z"): 300,
             # 1001 one-minute buckets overlap this range: one too many.
             ("2026-01-01T00:00:07Z", "2026-01-01T16:40:07Z"): 300,
             ("2026-01-01T00:00:00Z", "2026-01-01T16:40:00Z"): 60}
    for (start_text, end_text), interval in cases.items():
        r = await client.get(_history(device), headers=tenant.headers, params={
            "parameters": "p", "start": start_text, "end": end_text})
        data = r.json()["data"]
        assert data["interval_seconds"] == interval, (start_text, end_text)
        assert len(data["series"][0]["points"]) <= 1000
    assert len(r.json()["data"]["series"][0]["points"]) == 200


async def test_history_reads_the_past_from_cache_with_one_store_query(app, client, make, tenant,
                                                                      monkeypatch):
    device = await make.device(tenant)
    await make.parameter(device, "p")
    await make.parameter(device, "q")
    now = datetime.now(UTC)
    start = (now - timedelta(days=2)).replace(minute=0, second=0, microsecond=0)
    minutes = int((now - start) / MINUTE)
    await _write_minutes(app, tenant, device, "p", start, minutes, lambda i: float(i % 7))
    await _write_minutes(app, tenant, device, "q", start, minutes, lambda i: float(i % 3))
    store = app.state.resources.timeseries
    calls = []
    real_aggregate = store.aggregate

    async def counting(factory_id, series, *args, **kwargs):
        calls.append((args[0], len(series)))
        return await real_aggregate(factory_id, series, *args, **kwargs)

    monkeypatch.setattr(store, "aggregate", counting)
    params = {"parameters": ["p", "q"], "start": start.isoformat(), "interval": "5m",
              "agg": "mean"}
    first = await client.get(_history(device), headers=tenant.headers, params=params)
    second = await client.get(_history(device), headers=tenant.headers, params=params)
    assert first.status_code == second.status_code == 200
    series = [s["points"] for s in first.json()["data"]["series"]]
    assert series == [s["points"] for s in second.json()["data"]["series"]]
    assert len(series[0]) >= 12 * 47
    # One query for both series each time; the second starts at the newest, unfinished block.
    assert [n for _, n in calls] == [2, 2]
    assert calls[1][0] > now - timedelta(hours=7)

    direct = await real_aggregate(tenant.id, [(device.id, "p")],
                                  start, now, 300, "mean")
    assert [(ts.isoformat().replace("+00:00", "Z"), v) for ts, v in direct[(device.id, "p")]
            ] == [tuple(p) for p in series[0]]


async def test_history_naive_timestamps_are_utc(app, client, make, tenant):
    device = await make.device(tenant)
    await make.parameter(device, "p")
    await _write_minutes(app, tenant, device, "p", _at("2026-03-01T12:00Z"), 10,
                         lambda i: 2.0)
    r = await client.get(_history(device), headers=tenant.headers, params={
        "parameters": "p", "start": "2026-03-01T12:00:00", "end": "2026-03-01T13:00:00",
        "interval": "1h", "agg": "last"})
    data = r.json()["data"]
    assert _at(data["start"]) == _at("2026-03-01T12:00Z")
    assert data["series"][0]["points"] == [["2026-03-01T12:00:00Z", 2.0]]


async def test_history_validation_errors_have_clear_codes(client, make, tenant):
    device = await make.device(tenant)
    await make.parameter(device, "p")
    cases = [
        ({"start": "2026-01-02T00:00:00Z", "end": "2026-01-01T00:00:00Z"}, "INVALID_RANGE"),
        ({"start": "2026-01-01T00:00:00Z", "end": "2026-01-01T00:00:00Z"}, "INVALID_RANGE"),
        ({"start": "2024-01-01T00:00:00Z", "end": "2026-01-01T00:00:00Z"}, "INVALID_RANGE"),
        ({"start": "2026-01-01T00:00:00Z", "end": "2026-01-08T00:00:00Z", "interval": "1m"},
         "INTERVAL_TOO_SMALL"),
        ({"interval": "fortnight"}, "INVALID_INTERVAL"),
        ({"interval": "0s"}, "INVALID_INTERVAL"),
        ({"parameters": ["p", "missing"]}, "UNKNOWN_PARAMETER"),
        ({"agg": "median"}, "VALIDATION_ERROR"),
    ]
    for params, code in cases:
        r = await client.get(_history(device), headers=tenant.headers,
                             params={"parameters": "p", **params})
        assert r.status_code == 422, (params, r.text)
        assert r.json()["error"]["code"] == code, (params, r.text)


async def test_history_accepts_explicit_intervals_up_to_five_thousand_points(client, make,
                                                                             tenant):
    device = await make.device(tenant)
    await make.parameter(device, "p")
    r = await client.get(_history(device), headers=tenant.headers, params={
        "parameters": "p", "start": "2026-01-01T00:00:00Z", "end": "2026-01-04T11:20:00Z",
        "interval": "1m"})
    assert r.status_code == 200, r.text
    assert r.json()["data"]["interval_seconds"] == 60


async def test_hours_read_from_the_cache_are_joined_into_their_day(app, client, make, tenant):
    device = await make.device(tenant)
    await make.parameter(device, "p")
    day = (datetime.now(UTC) - timedelta(days=2)).replace(hour=0, minute=0, second=0,
                                                          microsecond=0)
    await _write_minutes(app, tenant, device, "p", day, 24 * 60, lambda i: float(i // 60))

    async def chart(start: datetime, end: datetime):
        r = await client.get(_history(device), headers=tenant.headers, params={
            "parameters": "p", "start": start.isoformat(), "end": end.isoformat(),
            "interval": "1h", "agg": "mean"})
        assert r.status_code == 200, r.text
        return r.json()["data"]["series"][0]["points"]

    noon, midnight = day + timedelta(hours=12), day + timedelta(days=1)
    assert [v for _, v in await chart(day, noon)] == [float(h) for h in range(12)]
    assert [v for _, v in await chart(noon, midnight)] == [float(h) for h in range(12, 24)]
    whole = await chart(day, midnight)
    assert [v for _, v in whole] == [float(h) for h in range(24)]
    day_key = f"fo:chart:{tenant.id}:{device.id}:*:86400000:{to_epoch_ms(day) // 86_400_000}"
    cache = redis.from_url(app.state.resources.settings.redis_url)
    try:
        assert [key async for key in cache.scan_iter(match=day_key)]
    finally:
        await cache.aclose()
    assert await chart(day, midnight) == whole


async def test_a_long_chart_reads_long_blocks_and_joins_days_into_them(app, client, make,
                                                                        tenant):
    device = await make.device(tenant)
    await make.parameter(device, "p")
    long_ms = 32 * 86_400_000
    now_ms = to_epoch_ms(datetime.now(UTC))
    block = now_ms - now_ms % long_ms - 2 * long_ms  # a 32-day block well in the past
    six_hours = 6 * 3_600_000
    await app.state.resources.timeseries.write([
        Point(tenant.id, device.id, "p", block + k * six_hours, float(k))
        for k in range(long_ms // six_hours)])
    long_key = f"fo:chart:{tenant.id}:{device.id}:*:{long_ms}:{block // long_ms}"
    cache = redis.from_url(app.state.resources.settings.redis_url)

    async def chart(days: int) -> list[float]:
        r = await client.get(_history(device), headers=tenant.headers, params={
            "parameters": "p", "interval": "12h", "agg": "mean",
            "start": datetime.fromtimestamp(block / 1000, UTC).isoformat(),
            "end": datetime.fromtimestamp((block + days * 86_400_000) / 1000, UTC).isoformat()})
        assert r.status_code == 200, r.text
        return [v for _, v in r.json()["data"]["series"][0]["points"]]

    async def long_block_cached() -> bool:
        return bool([key async for key in cache.scan_iter(match=long_key)])

    try:
        # The first ten days are cached day by day, the rest of the block after them: no
        # read covers the whole block, so it is not cached whole...
        assert await chart(10) == [2 * j + 0.5 for j in range(20)]
        whole = await chart(32)
        assert whole == [2 * j + 0.5 for j in range(64)]
        assert not await long_block_cached()
        # ...until a chart finds all its days in the cache and joins them.
        assert await chart(32) == whole
        assert await long_block_cached()
        assert await chart(32) == whole
    finally:
        await cache.aclose()


async def test_kpi_history_matches_its_schema(app, client, make, tenant):
    """The history answer is written from cached JSON, not built as a KpiHistory: it must
    still be exactly what the OpenAPI document declares (no field missing, none extra)."""
    from pydantic import ConfigDict

    from app.schemas.common import Envelope
    from app.schemas.kpi import HistorySeries, KpiHistory

    class StrictSeries(HistorySeries):
        model_config = ConfigDict(extra="forbid")

    class StrictHistory(KpiHistory):
        model_config = ConfigDict(extra="forbid")
        series: list[StrictSeries]

    device = await make.device(tenant)
    await make.parameter(device, "power_kw", display_name="Power", unit="kW",
                         is_kpi_selected=True)
    start = datetime.now(UTC).replace(second=0, microsecond=0) - 30 * MINUTE
    await _write_minutes(app, tenant, device, "power_kw", start, 30, lambda i: float(i))
    for _ in range(2):  # computed, then from the chart cache
        r = await client.get(_history(device), headers=tenant.headers,
                             params={"start": start.isoformat(), "interval": "1m"})
        assert r.status_code == 200, r.text
        answer = Envelope[StrictHistory].model_validate_json(r.content).data
        assert [s.parameter_key for s in answer.series] == ["power_kw"]
        assert [v for _, v in answer.series[0].points][:3] == [0.0, 1.0, 2.0]
