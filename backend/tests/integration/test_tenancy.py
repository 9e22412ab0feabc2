"""Cross-factory access answers 404, everywhere.

The sweep walks every route of the OpenAPI schema that has a path id, fills each id with a
resource that belongs to ANOTHER factory, and calls it as a super admin of the first factory
(who passes every permission check). Every answer must be 404. A route with a path
parameter the sweep cannot fill fails the sweep, so new routes are covered or noticed."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest

from app.core.database import session_scope

PATH_PARAM = re.compile(r"{([^}]+)}")


async def _insert(obj):
    async with session_scope() as session:
        session.add(obj)
        await session.commit()
        return obj


async def _foreign_resources(make, owner) -> dict[str, int | str]:
    """One resource of each kind, all in factory `owner`; keyed by path parameter name."""
    from app.models import (
        Alert,
        AnalyticsJob,
        AssetNode,
        Device,
        DeviceParameter,
        EnergyBaseline,
        MaintenanceWindow,
        ProductionEntry,
        ReportJob,
        ReportSchedule,
        Rule,
        Shift,
        VirtualMeter,
        WebhookEndpoint,
    )

    now = datetime.now(UTC)
    fid = owner.id
    device = await _insert(Device(factory_id=fid, device_key="sweep-meter", name="Sweep"))
    parameter = await _insert(DeviceParameter(factory_id=fid, device_id=device.id,
                                              parameter_key="power_kw"))
    rule = await _insert(Rule(factory_id=fid, name="r", condition={
        "parameter": "power_kw", "operator": ">", "value": 1}))
    alert = await _insert(Alert(factory_id=fid, rule_id=rule.id, device_id=device.id,
                                severity="warning", title="t", triggered_at=now,
                                last_triggered_at=now))
    analytics = await _insert(AnalyticsJob(factory_id=fid, kind="anomaly"))
    schedule = await _insert(ReportSchedule(factory_id=fid, name="s", kind="energy_summary",
                                            format="pdf", cadence="daily", next_run_at=now))
    report = await _insert(ReportJob(factory_id=fid, kind="energy_summary", format="pdf"))
    user = await make.user(owner.factory)
    node = await _insert(AssetNode(factory_id=fid, name="Sweep site", kind="site",
                                   path="/"))
    meter = await _insert(VirtualMeter(factory_id=fid, name="Sweep meter"))
    entry = await _insert(ProductionEntry(factory_id=fid, node_id=node.id, day=now.date(),
                                          quantity=1.0))
    baseline = await _insert(EnergyBaseline(factory_id=fid, node_id=node.id, name="b",
                                            period_start=now.date(), period_end=now.date()))
    shift = await _insert(Shift(factory_id=fid, name="Early", start_time="06:00",
                                end_time="14:00", days=[0]))
    api_key = await make.api_key(owner)
    webhook = await _insert(WebhookEndpoint(factory_id=fid, name="Sweep hook",
                                            url="https://hooks.example.com/x",
                                            secret="whsec_sweep", events=["raised"]))
    window = await _insert(MaintenanceWindow(factory_id=fid, device_id=device.id,
                                             starts_at=now, ends_at=now))
    return {
        "window_id": window.id,
        "webhook_id": webhook.id,
        "api_key_id": api_key.row.id,
        "device_id": device.id,
        "parameter_id": parameter.id,
        "parameter_key": "power_kw",
        "rule_id": rule.id,
        "alert_id": alert.id,
        "job_id": analytics.id,
        "report_id": report.id,
        "schedule_id": schedule.id,
        "user_id": user.id,
        "node_id": node.id,
        "meter_id": meter.id,
        "entry_id": entry.id,
        "baseline_id": baseline.id,
        "shift_id": shift.id,
        "object_key": f"factories/{fid}/reports/{report.id}/report.pdf",
    }


async def test_every_route_with_a_path_id_answers_404_across_factories(app, client, make):
    attacker = await make.tenant()
    victim = await make.tenant()
    ids = await _foreign_resources(make, victim)
    schema = app.openapi()
    checked = []
    for path, operations in schema["paths"].items():
        params = PATH_PARAM.findall(path)
        if not params:
            continue
        missing = [p for p in params if p not in ids]
        assert not missing, f"{path}: the sweep has no foreign resource for {missing}"
        url = PATH_PARAM.sub(lambda m: str(ids[m.group(1)]), path)
        for method in operations:
            if method not in ("get", "post", "put", "patch", "delete"):
                continue
            kwargs = {"json": {}} if method in ("post", "put", "patch") else {}
            r = await client.request(method.upper(), url, headers=attacker.headers, **kwargs)
            assert r.status_code == 404, f"{method.upper()} {path} answered {r.status_code}"
            assert r.json()["error"]["code"].endswith("NOT_FOUND"), r.text
            checked.append(f"{method.upper()} {path}")
    # Evidence in the test log of what the sweep covered.
    print(f"cross-factory sweep covered {len(checked)} operations: {checked}")


@pytest.mark.parametrize("path", ["/api/v1/devices/{device_id}"])
async def test_cross_factory_access_denied(app, client, make, path):
    """The guide's mandatory test: factory A's user must not see factory B's device."""
    attacker = await make.tenant()
    victim = await make.tenant()
    ids = await _foreign_resources(make, victim)
    if path not in app.openapi()["paths"]:
        pytest.fail(f"{path} is not a route yet")
    r = await client.get(path.format(**ids), headers=attacker.headers)
    assert r.status_code == 404
