"""The simulated energy meter (pure logic): physics that rules and KPIs rely on."""

import random

import orjson
import pytest

from telemetry.simulator import (
    MAIN_BASE_KW,
    MAIN_LOSS_SHARE,
    NOMINAL_VOLTAGE,
    PARAMETERS,
    MainMeter,
    backfill,
    backfill_messages,
    encode,
    main,
    make_machines,
    step_all,
    stopped_keys,
)

START = 1_800_000_000.0


def run(machine, steps, **kw):
    return [machine.step(START + 5 * i, **kw) for i in range(steps)]


def test_every_parameter_is_reported_and_the_counter_never_goes_back():
    machine = make_machines("m-", 1, seed=3)[0]
    readings = run(machine, 500, anomaly_probability=0.05)
    assert all(set(r) == set(PARAMETERS) for r in readings)
    energy = [r["energy_kwh"] for r in readings]
    assert energy == sorted(energy) and energy[-1] > energy[0]
    assert all(0.5 <= r["power_factor"] <= 0.999 for r in readings)


def test_without_anomalies_voltages_stay_near_nominal():
    machine = make_machines("m-", 1, seed=11)[0]
    voltages = [r["voltage_l1"] for r in run(machine, 1000, anomaly_probability=0.0)]
    assert min(voltages) > NOMINAL_VOLTAGE * 0.95
    assert max(voltages) < NOMINAL_VOLTAGE * 1.05


def test_a_forced_sag_drops_the_voltage_well_below_nominal():
    machine = make_machines("m-", 1, seed=11)[0]
    readings = run(machine, 5, anomaly_probability=1.0, anomaly_kinds=("sag",))
    assert all(r["voltage_l1"] < NOMINAL_VOLTAGE * 0.9 for r in readings)


@pytest.mark.parametrize("shape", ["envelope", "flat", "array"])
def test_payload_shapes_carry_the_timestamp_in_milliseconds(shape):
    decoded = orjson.loads(encode({"a": 1.0, "b": 2.0}, START, shape, parameters=1))
    record = decoded[0] if shape == "array" else decoded
    values = record.get("metrics", {k: v for k, v in record.items() if k != "ts"})
    assert record["ts"] == int(START * 1000)
    assert values == {"a": 1.0}


def test_unknown_anomaly_kinds_are_refused_before_connecting(capsys):
    assert main(["--anomaly-kinds", "sag,meltdown", "--port", "1"]) == 2
    assert "--anomaly-kinds" in capsys.readouterr().err


def test_machines_listed_in_the_stopped_file_are_silent(tmp_path):
    stopped = tmp_path / "stopped"
    assert stopped_keys(str(stopped)) == set(), "no file: every machine runs"
    stopped.write_text("chiller-1\n\n  cnc-line-1 \n")
    assert stopped_keys(str(stopped)) == {"chiller-1", "cnc-line-1"}
    assert stopped_keys("") == set()


def test_a_producing_machine_counts_parts_only_while_it_works():
    machine = make_machines("m-", 1, seed=5)[0]
    machine.parts_per_kwh = 4.0
    # 1 800 000 000 s is a Friday 08:00 UTC; 36 hours of readings every 5 minutes cover both
    # shifts and a night.
    readings = [machine.step(START + 300 * i, 0.0) for i in range(36 * 12)]
    counts = [r["production_count"] for r in readings]
    assert counts == sorted(counts) and counts[-1] > 0
    nights = [counts[i + 1] - counts[i] for i in range(len(counts) - 1)
              if readings[i]["active_power_kw"] < machine.rated_kw * 0.1]
    assert nights and max(nights) == 0, "an idling machine makes nothing"
    assert "production_count" not in make_machines("m-", 1, seed=5)[0].step(START, 0.0)
    published = orjson.loads(encode(readings[-1], START, "envelope"))["metrics"]
    assert published["production_count"] == counts[-1], "published with every other value"


def test_the_main_meter_sees_every_machine_plus_the_losses():
    machines = make_machines("m-", 3, seed=9)
    main_meter = MainMeter("main", random.Random(1))
    for i in range(50):
        round_ = dict(step_all(machines, main_meter, START + 5 * i, 0.0))
    drawn = sum(round_[m.key]["active_power_kw"] for m in machines)
    expected = drawn * (1 + MAIN_LOSS_SHARE) + MAIN_BASE_KW
    assert abs(round_["main"]["active_power_kw"] - expected) < 1.5
    assert set(round_["main"]) == set(PARAMETERS)
    silent = dict(step_all(machines, main_meter, START + 300, 0.0, stopped={"m-001"}))
    assert "m-001" not in silent and "main" in silent


def test_a_day_of_backfill_fits_the_default_device_quotas_and_parses_whole():
    """make run's demo backfills a day at one reading a minute: grouped many to a message it
    stays within the per-device quotas (values per message, payload size, the burst of the
    message rate), so the ingester keeps every reading, in order."""
    from app.core.config import Settings
    from app.services.ingest.payload import parse_payload

    settings = Settings(_env_file=None)
    machines = make_machines("m-", 3, seed=5)
    main_meter = MainMeter("main", random.Random(1))
    now = START
    readings = list(backfill(machines, main_meter, 24, 60.0, now))
    messages = list(backfill_messages(iter(readings), None))
    per_device: dict[str, list[tuple[int, dict]]] = {}
    for key, payload in messages:
        assert len(payload) <= settings.ingest_quota_payload_bytes
        parsed = parse_payload(payload, received_ms=int(now * 1000),
                               max_past_ms=settings.ingest_max_past_seconds * 1000,
                               max_future_ms=0,
                               max_values=settings.ingest_quota_values_per_message)
        assert parsed.dropped is None and parsed.timestamps_replaced is None
        per_device.setdefault(key, []).extend((ts, v) for _, ts, v in parsed.values)
    counts = {key: sum(1 for k, _ in messages if k == key) for key in per_device}
    assert max(counts.values()) <= settings.ingest_quota_burst_messages
    for key in per_device:
        sent = [(int(ts * 1000), values) for k, ts, values in readings if k == key]
        stored = per_device[key]
        assert len(stored) == sum(len(v) for _, v in sent)  # every value of every reading
        assert [ts for ts, _ in stored] == sorted(ts for ts, _ in stored)
        assert {ts for ts, _ in stored} == {ts for ts, _ in sent}
