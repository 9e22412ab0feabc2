"""`make run`, end to end: the supervisor starts the whole platform on embedded defaults
(SQLite, SQLite time series, the embedded MQTT broker, Celery on SQLite) on spare ports; a
real MQTT client publishes as a device would; the values come back through the API; Ctrl-C
stops every process."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import orjson
import paho.mqtt.client as paho
import pytest

ROOT = Path(__file__).resolve().parents[3]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def eventually(check, within: float = 60, interval: float = 0.25):
    deadline = time.monotonic() + within
    last = None
    while time.monotonic() < deadline:
        try:
            last = check()
        except (httpx.HTTPError, KeyError, IndexError, TypeError):
            last = None
        if last:
            return last
        time.sleep(interval)
    raise AssertionError(f"not within {within} s (last: {last!r})")


@pytest.fixture(scope="module")
def platform(tmp_path_factory):
    data = tmp_path_factory.mktemp("run")
    port, mqtt_port = free_port(), free_port()
    env = {key: value for key, value in os.environ.items()
           if not key.startswith(("TEST_", "DATABASE_", "REDIS_", "INFLUX_", "MQTT_",
                                  "CELERY_", "TSDB_", "S3_", "JWT_", "ENVIRONMENT",
                                  "LOGIN_", "PUBLIC_"))}
    env.update({"FACTORYOPS_PORT": str(port), "FACTORYOPS_MQTT_PORT": str(mqtt_port),
                "DATA_DIR": str(data), "INGEST_METRICS_PORT": "0"})
    log_path = data / "platform.log"
    proc = subprocess.Popen([sys.executable, str(ROOT / "scripts" / "run_platform.py"),
                             "--no-spa", "--machines", "4"], env=env, cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    output: list[str] = []
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            line = proc.stdout.readline()
            if not line and proc.poll() is not None:
                raise AssertionError("make run exited:\n" + "".join(output[-40:]))
            output.append(line)
            if "Press Ctrl-C to stop." in line:
                break
        banner = "".join(output)
        assert f"http://127.0.0.1:{port}" in banner and f"mqtt://127.0.0.1:{mqtt_port}" in banner
        assert "admin@demo.factoryops.io / demo-admin-2026" in banner
        api_key = re.search(r"API key:\s+(fo_live_\w+)", banner)
        assert api_key, banner
        # Keep reading the platform's output (into a file a failing test can show), so that
        # a full pipe never blocks it.
        import threading

        def drain() -> None:
            with open(log_path, "a") as log:
                for line in proc.stdout:
                    log.write(line)

        threading.Thread(target=drain, daemon=True).start()
        yield {"base": f"http://127.0.0.1:{port}/api/v1", "mqtt_port": mqtt_port, "proc": proc,
               "data": data, "log": log_path, "api_key": api_key.group(1)}
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGINT)
            try:
                proc.wait(60)
            except subprocess.TimeoutExpired:
                proc.kill()


@pytest.fixture(scope="module")
def api(platform):
    r = httpx.post(platform["base"] + "/auth/login", json={
        "factory_slug": "demo", "email": "admin@demo.factoryops.io",
        "password": "demo-admin-2026"})
    assert r.status_code == 200, r.text
    token = r.json()["data"]["access_token"]
    with httpx.Client(base_url=platform["base"],
                      headers={"Authorization": f"Bearer {token}"}, timeout=15) as client:
        yield client


def test_a_device_publishes_and_its_values_come_back_through_the_api(platform, api):
    r = api.post("/devices", json={"device_key": "press-7", "name": "Press 7"})
    assert r.status_code == 201, r.text
    credentials = r.json()["data"]["credentials"]
    device_id = r.json()["data"]["device"]["id"]
    assert credentials["mqtt_port"] == platform["mqtt_port"]

    publisher = paho.Client(paho.CallbackAPIVersion.VERSION2, client_id="press-7",
                            protocol=paho.MQTTv311)
    publisher.username_pw_set(credentials["username"], credentials["password"])
    publisher.connect("127.0.0.1", platform["mqtt_port"])
    publisher.loop_start()
    now_ms = int(time.time() * 1000)
    for i in range(5):
        info = publisher.publish(credentials["topic"], orjson.dumps(
            {"ts": now_ms - (4 - i) * 1000, "metrics": {"power kW": 40.0 + i, "cycles": i}}),
            qos=1)
        info.wait_for_publish(10)
    publisher.disconnect()
    publisher.loop_stop()

    def parameters():
        body = api.get(f"/devices/{device_id}/parameters").json()
        values = {p["parameter_key"]: (p["latest"] or {}).get("value") for p in body["data"]}
        return values if values.get("power kW") == 44.0 else None

    values = eventually(parameters)
    assert values["cycles"] == 4.0
    device = api.get(f"/devices/{device_id}").json()["data"]
    assert device["online"] is True


def test_a_rule_fires_on_published_telemetry(platform, api):
    device = api.post("/devices", json={"device_key": "oven-3", "name": "Oven 3"}).json()["data"]
    credentials, device_id = device["credentials"], device["device"]["id"]
    rule = api.post("/rules", json={
        "name": "Oven overload", "severity": "critical", "cooldown_minutes": 0,
        "scope": {"kind": "devices", "device_ids": [device_id]},
        "condition": {"parameter": "power kW", "operator": ">", "value": 100},
        "allow_unseen_parameters": True, "channels": []})
    assert rule.status_code == 201, rule.text

    publisher = paho.Client(paho.CallbackAPIVersion.VERSION2, client_id="oven-3",
                            protocol=paho.MQTTv311)
    publisher.username_pw_set(credentials["username"], credentials["password"])
    publisher.connect("127.0.0.1", platform["mqtt_port"])
    publisher.loop_start()
    publisher.publish(credentials["topic"], orjson.dumps({"metrics": {"power kW": 150.0}}),
                      qos=1).wait_for_publish(10)
    publisher.disconnect()
    publisher.loop_stop()

    def alerts():
        return api.get("/alerts", params={"device_id": device_id}).json()["data"]

    fired = eventually(alerts)
    assert fired[0]["severity"] == "critical" and fired[0]["status"] == "open"
    assert fired[0]["values"]["power kW"] == 150.0


def test_the_simulated_demo_machine_reports(api):
    def compressor():
        devices = api.get("/devices", params={"q": "compressor-1"}).json()["data"]
        return devices[0] if devices and devices[0]["last_seen_at"] else None

    device = eventually(compressor)
    params = api.get(f"/devices/{device['id']}/parameters", params={"per_page": 100}).json()
    roles = {p["parameter_key"]: p["role"] for p in params["data"]}
    assert roles["energy_kwh"] == "energy_counter" and roles["active_power_kw"] == "active_power"
    assert any(p["latest"] for p in params["data"])


def test_the_demo_energy_page_has_its_tree_unmetered_loss_shifts_and_baseline(api):
    tree = api.get("/assets/tree").json()["data"]
    [site] = tree["roots"]
    assert site["name"] == "Plant"
    lines = {n["name"]: n for n in site["children"]}
    assert list(lines) == ["Utilities", "Line 1", "Line 2"]
    assert lines["Line 1"]["production_unit"] == "parts" and lines["Line 1"]["device_ids"]
    [meter] = api.get("/virtual-meters").json()["data"]
    assert meter["name"] == "Unmetered" and meter["node_id"] == site["id"]
    assert meter["formula"].startswith("Main incomer − Air Compressor 1 − CNC Line 1")
    shifts = api.get("/shifts").json()["data"]
    assert [s["name"] for s in shifts] == ["Early", "Late", "Night"]

    def measured():
        analysis = api.get("/energy/analysis").json()["data"]
        rows = {m["name"]: m for m in analysis["meters"]}
        unmetered = rows["Unmetered"]["energy_kwh"]
        return analysis if unmetered and unmetered > 0 else None

    # The simulator's main meter draws what the machines draw plus losses and lighting: the
    # unmetered loss is positive, and the factory's total is the supply meter's.
    analysis = eventually(measured, within=240, interval=3)
    main = next(m for m in analysis["meters"] if m["name"] == "Main incomer")
    assert main["supply"] is True
    assert analysis["totals"]["energy_kwh"] == pytest.approx(main["energy_kwh"])
    assert [row["name"] for row in analysis["by_node"]][0] == "Plant"

    # Line 1's counter counts parts, and the baseline over its hours fits once the history is
    # in: energy grows with production.
    [baseline] = api.get("/baselines").json()["data"]
    assert baseline["node_id"] == lines["Line 1"]["id"] and baseline["granularity"] == "hour"

    def fitted():
        r = api.get(f"/baselines/{baseline['id']}/performance")
        return r.json()["data"] if r.status_code == 200 else None

    model = eventually(fitted, within=240, interval=5)["baseline"]["model"]
    assert model["coefficients"]["production"] > 0 and model["r2"] > 0.5, model


def test_the_demo_factory_has_rollups_and_shows_its_retention(api):
    """The worker's minute run rolls up the simulator's day of history."""
    def rolled_up():
        # The simulator publishes its day of history while the minute runs roll it up: wait
        # for the storage count to pass a day's worth of one machine's readings (1,440),
        # not only for the first hour rows of every series.
        data = api.get("/factories/current/data-lifecycle").json()["data"]
        storage = data["storage"]
        done = data["rollups"] and storage["hour_rows"] >= 24 and storage["raw_points"] > 1440
        return data if done else None

    data = eventually(rolled_up, within=240, interval=2)
    assert data["rollups"]["backfilled"] is True
    assert data["retention"]["raw_days"] == 90 and data["retention"]["hour_days"] == 3650


def test_the_demo_factory_shows_its_alert_channels(api):
    """The demo receiver's endpoint, switched on by make run, and a WhatsApp template."""
    [hook] = [w for w in api.get("/webhooks").json()["data"] if w["name"] == "Demo receiver"]
    assert hook["is_active"] is True and hook["url"].startswith("http://127.0.0.1:")
    assert set(hook["events"]) == {"raised", "acknowledged", "resolved", "escalated"}
    setup = api.get("/whatsapp/setup").json()["data"]
    assert setup["templates"][0]["configured"] and setup["templates"][0]["meta_name"]


def test_alert_events_reach_the_demo_receiver_signed(platform, api):
    """The alert raised above and its acknowledgement arrive at the receiver make run
    started, and the receiver (which checks signatures on its own) finds them signed."""
    [fired] = api.get("/alerts", params={"status": "open"}).json()["data"][:1]
    assert api.post(f"/alerts/{fired['id']}/acknowledge").status_code == 200
    log = platform["data"] / "webhook-receiver.log"

    def received():
        if not log.is_file():
            return None
        lines = [orjson.loads(line) for line in log.read_text().splitlines()]
        events = {line["event"] for line in lines if line["verified"]}
        return lines if {"alert.raised", "alert.acknowledged"} <= events else None

    lines = eventually(received, within=90, interval=1)
    assert all(line["verified"] for line in lines), lines
    log_api = api.get("/notifications/deliveries", params={"channel": "webhook"}).json()
    assert {d["status"] for d in log_api["data"]} >= {"sent"}


def test_the_demo_api_key_printed_at_start_reads_the_factory(platform):
    r = httpx.get(platform["base"] + "/devices", headers={"X-API-Key": platform["api_key"]})
    assert r.status_code == 200, r.text
    assert {d["device_key"] for d in r.json()["data"]} >= {"compressor-1"}
    keys = httpx.get(platform["base"] + "/api-keys", headers={"X-API-Key": platform["api_key"]})
    assert keys.status_code == 403  # a key is never a super admin


def test_ctrl_c_stops_every_process(platform, api):
    proc = platform["proc"]
    children = subprocess.run(["pgrep", "-P", str(proc.pid)], capture_output=True,
                              text=True).stdout.split()
    assert len(children) >= 4, "api, broker, ingester, worker and simulator run as children"
    proc.send_signal(signal.SIGINT)
    assert proc.wait(60) == 0
    time.sleep(0.5)
    for pid in children:
        assert not Path(f"/proc/{pid}").exists() or "zombie" in Path(
            f"/proc/{pid}/status").read_text().lower(), f"child {pid} still running"
