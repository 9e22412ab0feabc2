"""`factoryops-simulator`: energy meters publishing realistic telemetry over MQTT.

Each simulated machine has a rated power and works shifts: running at a varying load on
shift, idling in breaks and at night, with three-phase voltages and currents, active and
reactive power, power factor, frequency, harmonic distortion and a cumulative kWh counter
that only ever grows. Now and then a machine misbehaves (a load spike, a voltage sag) so
that rules and anomaly detection have something to find.

Machines named with --production-keys also count the parts they make (`production_count`,
a counter like the energy counter: parts come with the load above idle, so energy per part
is worse at low load, as on a real line). A --main-meter measures the site's supply: every
machine's power plus the losses and lighting no sub-meter sees."""

from __future__ import annotations

import argparse
import json
import math
import random
import signal
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import orjson
import paho.mqtt.client as paho

NOMINAL_VOLTAGE = 230.0
NOMINAL_FREQUENCY = 50.0
SQRT3 = math.sqrt(3)
# The load below which a machine makes nothing (it idles), and what a main meter sees on top
# of its machines: cable and transformer losses, and lighting and offices.
IDLE_LOAD = 0.12
MAIN_LOSS_SHARE = 0.04
MAIN_BASE_KW = 3.5
# A load spike (x1.7), a voltage sag (-14 %) or a power-factor drop (-0.2).
ANOMALY_KINDS = ("spike", "sag", "pf_drop")

PARAMETERS = (
    "active_power_kw", "energy_kwh", "power_factor", "voltage_l1", "voltage_l2",
    "voltage_l3", "current_l1", "current_l2", "current_l3", "frequency_hz",
    "reactive_power_kvar", "thd_voltage_pct", "thd_current_pct",
)


@dataclass
class Machine:
    key: str
    rated_kw: float
    rng: random.Random
    energy_kwh: float = 0.0
    load: float = 0.5
    anomaly_left: int = 0
    anomaly_kind: str = ""
    shift_start_hour: int = 6
    last_ts: float | None = None
    extra: dict = field(default_factory=dict)
    # Parts per kWh drawn above idle; None: the machine counts no production.
    parts_per_kwh: float | None = None
    production_count: float = 0.0

    def _on_shift(self, moment: datetime) -> bool:
        hour = moment.hour + moment.minute / 60
        # Two eight-hour shifts, one on Sundays: any day of history holds working hours.
        hours = 8 if moment.weekday() == 6 else 16
        on = (hour - self.shift_start_hour) % 24 < hours
        lunch = 12 <= hour < 12.5 or 20 <= hour < 20.5
        return on and not lunch

    def step(self, ts: float, anomaly_probability: float,
             anomaly_kinds: tuple[str, ...] = ANOMALY_KINDS) -> dict[str, float]:
        moment = datetime.fromtimestamp(ts, UTC)
        dt_h = 0.0 if self.last_ts is None else max(0.0, ts - self.last_ts) / 3600
        self.last_ts = ts
        target = (0.55 + 0.35 * math.sin(ts / 1800 + self.rated_kw)
                  if self._on_shift(moment) else 0.06)
        # The load drifts towards its target with noise, as a real process does.
        self.load += (target - self.load) * 0.3 + self.rng.gauss(0, 0.03)
        self.load = min(1.15, max(0.02, self.load))
        if self.anomaly_left == 0 and self.rng.random() < anomaly_probability:
            self.anomaly_left = self.rng.randint(3, 12)
            self.anomaly_kind = self.rng.choice(anomaly_kinds)
        load = self.load
        voltage_factor = 1.0
        pf = 0.78 + 0.18 * min(1.0, load) + self.rng.gauss(0, 0.005)
        if self.anomaly_left:
            self.anomaly_left -= 1
            if self.anomaly_kind == "spike":
                load *= 1.7
            elif self.anomaly_kind == "sag":
                voltage_factor = 0.86
            else:
                pf -= 0.2
        pf = min(0.999, max(0.5, pf))
        power_kw = self.rated_kw * load * (1 + self.rng.gauss(0, 0.01))
        self.energy_kwh += power_kw * dt_h
        voltages = [NOMINAL_VOLTAGE * voltage_factor * (1 + self.rng.gauss(0, 0.006))
                    for _ in range(3)]
        line_voltage = sum(voltages) / 3 * SQRT3
        current = power_kw * 1000 / (SQRT3 * line_voltage * pf)
        values = {
            "active_power_kw": round(power_kw, 3),
            "energy_kwh": round(self.energy_kwh, 4),
            "power_factor": round(pf, 4),
            "voltage_l1": round(voltages[0], 2),
            "voltage_l2": round(voltages[1], 2),
            "voltage_l3": round(voltages[2], 2),
            "current_l1": round(current * (1 + self.rng.gauss(0, 0.01)), 2),
            "current_l2": round(current * (1 + self.rng.gauss(0, 0.01)), 2),
            "current_l3": round(current * (1 + self.rng.gauss(0, 0.01)), 2),
            "frequency_hz": round(NOMINAL_FREQUENCY + self.rng.gauss(0, 0.015), 3),
            "reactive_power_kvar": round(power_kw * math.tan(math.acos(pf)), 3),
            "thd_voltage_pct": round(2.2 + self.rng.gauss(0, 0.3) + 2 * (load > 1), 2),
            "thd_current_pct": round(6 + 8 * (1 - min(load, 1)) + self.rng.gauss(0, 0.5), 2),
        }
        if self.parts_per_kwh is not None:
            productive_kw = max(0.0, load - IDLE_LOAD) * self.rated_kw
            self.production_count += productive_kw * dt_h * self.parts_per_kwh
            values["production_count"] = math.floor(self.production_count)
        return values


@dataclass
class MainMeter:
    """The site's supply meter: what the machines draw plus what no sub-meter measures."""

    key: str
    rng: random.Random
    energy_kwh: float = 0.0
    last_ts: float | None = None

    def step(self, ts: float, machines: list[dict[str, float]]) -> dict[str, float]:
        dt_h = 0.0 if self.last_ts is None else max(0.0, ts - self.last_ts) / 3600
        self.last_ts = ts
        drawn = sum(m["active_power_kw"] for m in machines)
        reactive = sum(m["reactive_power_kvar"] for m in machines)
        power_kw = drawn * (1 + MAIN_LOSS_SHARE) + MAIN_BASE_KW + self.rng.gauss(0, 0.2)
        self.energy_kwh += power_kw * dt_h
        pf = power_kw / math.hypot(power_kw, reactive) if power_kw > 0 else 1.0
        voltages = [NOMINAL_VOLTAGE * (1 + self.rng.gauss(0, 0.004)) for _ in range(3)]
        current = power_kw * 1000 / (SQRT3 * sum(voltages) / 3 * SQRT3 * pf)
        return {
            "active_power_kw": round(power_kw, 3),
            "energy_kwh": round(self.energy_kwh, 4),
            "power_factor": round(pf, 4),
            "voltage_l1": round(voltages[0], 2),
            "voltage_l2": round(voltages[1], 2),
            "voltage_l3": round(voltages[2], 2),
            "current_l1": round(current, 2),
            "current_l2": round(current, 2),
            "current_l3": round(current, 2),
            "frequency_hz": round(NOMINAL_FREQUENCY + self.rng.gauss(0, 0.015), 3),
            "reactive_power_kvar": round(reactive, 3),
            "thd_voltage_pct": round(2.0 + self.rng.gauss(0, 0.2), 2),
            "thd_current_pct": round(5.0 + self.rng.gauss(0, 0.4), 2),
        }


def make_machines(prefix: str, count: int, seed: int, start_energy: bool = True
                  ) -> list[Machine]:
    rng = random.Random(seed)
    machines = []
    for i in range(count):
        machine_rng = random.Random(rng.random())
        rated = round(machine_rng.uniform(15, 160), 1)
        machine = Machine(f"{prefix}{i + 1:03d}" if count > 1 or prefix.endswith("-")
                          else prefix, rated, machine_rng,
                          shift_start_hour=machine_rng.choice((5, 6, 7)))
        if start_energy:
            machine.energy_kwh = round(machine_rng.uniform(1_000, 90_000), 1)
        machines.append(machine)
    return machines


def encode(values: dict[str, float], ts: float, shape: str, parameters: int | None = None
           ) -> bytes:
    if parameters is not None and parameters < len(values):
        values = dict(list(values.items())[:parameters])
    ts_ms = int(ts * 1000)
    if shape == "flat":
        return orjson.dumps({"ts": ts_ms, **values})
    if shape == "array":
        return orjson.dumps([{"ts": ts_ms, "metrics": values}])
    return orjson.dumps({"ts": ts_ms, "metrics": values})


# A reading of the backfill takes about a dozen values; many go in one message (the array
# shape) so that a day of history stays inside the per-device quotas (values per message,
# messages per second) instead of arriving as a flood the ingester refuses.
BACKFILL_VALUES_PER_MESSAGE = 900
BACKFILL_READINGS_PER_MESSAGE = 60


def encode_readings(readings: list[tuple[float, dict[str, float]]],
                    parameters: int | None = None) -> bytes:
    """Several readings of one device in one message (the array shape)."""
    items = []
    for ts, values in readings:
        if parameters is not None and parameters < len(values):
            values = dict(list(values.items())[:parameters])
        items.append({"ts": int(ts * 1000), "metrics": values})
    return orjson.dumps(items)


def backfill_messages(readings: Iterator[tuple[str, float, dict]], parameters: int | None
                      ) -> Iterator[tuple[str, bytes]]:
    """Past readings grouped per device into messages of several readings each, in order
    per device."""
    pending: dict[str, list[tuple[float, dict[str, float]]]] = {}
    for key, ts, values in readings:
        batch = pending.setdefault(key, [])
        batch.append((ts, values))
        width = min(len(values), parameters or len(values)) or 1
        per_message = max(1, min(BACKFILL_READINGS_PER_MESSAGE,
                                 BACKFILL_VALUES_PER_MESSAGE // width))
        if len(batch) >= per_message:
            yield key, encode_readings(batch, parameters)
            pending[key] = []
    for key, batch in pending.items():
        if batch:
            yield key, encode_readings(batch, parameters)


def topic(factory: str, device_key: str) -> str:
    return f"factories/{factory}/devices/{device_key}/telemetry"


class Publisher:
    """A paho client with a network thread; QoS 1 publishes are acknowledged by the broker
    asynchronously, and `acked` counts them."""

    def __init__(self, host: str, port: int, client_id: str, username: str | None,
                 password: str | None, max_inflight: int = 1000) -> None:
        self.client = paho.Client(paho.CallbackAPIVersion.VERSION2, client_id=client_id,
                                  protocol=paho.MQTTv311, clean_session=True)
        if username:
            self.client.username_pw_set(username, password)
        self.client.max_inflight_messages_set(max_inflight)
        self.client.max_queued_messages_set(0)
        self.acked = 0
        self._lock = threading.Lock()
        self.client.on_publish = self._on_publish
        self.client.connect(host, port, keepalive=30)
        self.client.loop_start()

    def _on_publish(self, _client, _userdata, _mid, _reason, _properties) -> None:
        with self._lock:
            self.acked += 1

    def publish(self, topic_name: str, payload: bytes, qos: int) -> None:
        self.client.publish(topic_name, payload, qos=qos)

    def wait_acked(self, expected: int, timeout: float = 60) -> bool:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.acked >= expected:
                return True
            time.sleep(0.02)
        return False

    def close(self) -> None:
        self.client.disconnect()
        self.client.loop_stop()


def step_all(machines: list[Machine], main_meter: MainMeter | None, ts: float,
             anomaly_probability: float, anomaly_kinds: tuple[str, ...] = ANOMALY_KINDS,
             stopped: set[str] = frozenset()) -> Iterator[tuple[str, dict]]:
    """One round: every running machine's readings, then the main meter's, which sees them
    all (a stopped machine draws nothing)."""
    drawn = []
    for machine in machines:
        if machine.key in stopped:
            continue
        values = machine.step(ts, anomaly_probability, anomaly_kinds)
        drawn.append(values)
        yield machine.key, values
    if main_meter is not None and main_meter.key not in stopped:
        yield main_meter.key, main_meter.step(ts, drawn)


def backfill(machines: list[Machine], main_meter: MainMeter | None, hours: float,
             step_s: float, now: float) -> Iterator[tuple[str, float, dict]]:
    """Past readings, oldest first, so charts have history the moment the demo starts."""
    steps = int(hours * 3600 / step_s)
    for machine in machines:
        machine.energy_kwh = max(0.0, machine.energy_kwh - machine.rated_kw * 0.5 * hours)
    for i in range(steps, 0, -1):
        ts = now - i * step_s
        for key, values in step_all(machines, main_meter, ts, 0.0):
            yield key, ts, values


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=1883)
    p.add_argument("--factory", default="demo", help="factory slug in the topic")
    p.add_argument("--devices", type=int, default=3)
    p.add_argument("--prefix", default="meter-", help="device key prefix")
    p.add_argument("--keys", default="", help="comma-separated device keys (overrides "
                   "--devices/--prefix)")
    p.add_argument("--production-keys", default="",
                   help="comma-separated keys of machines that also count the parts they "
                        "make (production_count)")
    p.add_argument("--main-meter", default="",
                   help="key of a supply meter measuring every machine plus the site's losses")
    p.add_argument("--interval", type=float, default=5.0,
                   help="seconds between readings of one device")
    p.add_argument("--qos", type=int, choices=(0, 1), default=1)
    p.add_argument("--shape", choices=("envelope", "flat", "array"), default="envelope")
    p.add_argument("--parameters", type=int, default=None,
                   help="publish only the first N parameters (default: all, with the "
                        "production counter of producing machines)")
    p.add_argument("--anomaly-probability", type=float, default=0.002)
    p.add_argument("--anomaly-kinds", default=",".join(ANOMALY_KINDS),
                   help="comma-separated subset of " + ", ".join(ANOMALY_KINDS))
    p.add_argument("--backfill-hours", type=float, default=0.0,
                   help="first publish this much history at --backfill-step")
    p.add_argument("--backfill-step", type=float, default=60.0)
    p.add_argument("--duration", type=float, default=0.0, help="seconds; 0 = until stopped")
    p.add_argument("--seed", type=int, default=7)
    p.add_argument("--username")
    p.add_argument("--password")
    p.add_argument("--client-id", default="")
    p.add_argument("--stopped-file", default="",
                   help="device keys listed in this file (one per line) send nothing while "
                        "they are listed: how to see a silent-device alarm")
    p.add_argument("--state-file", default="",
                   help="keep energy counters here across restarts (and skip the backfill "
                        "when it exists: the history is already there)")
    return p.parse_args(argv)


def load_state(path: str, meters: list[Machine | MainMeter]) -> bool:
    """Counters only ever grow, across restarts too: a counter that jumped back would read as
    a meter reset."""
    file = Path(path)
    if not path or not file.is_file():
        return False
    state = json.loads(file.read_text())
    for meter in meters:
        if meter.key in state:
            meter.energy_kwh = float(state[meter.key]["energy_kwh"])
            if isinstance(meter, Machine):
                meter.production_count = float(state[meter.key].get("production_count", 0.0))
    return True


def save_state(path: str, meters: list[Machine | MainMeter]) -> None:
    if not path:
        return
    file = Path(path)
    tmp = file.with_suffix(".tmp")
    tmp.write_text(json.dumps({m.key: {"energy_kwh": m.energy_kwh,
                                       "production_count": getattr(m, "production_count", 0.0)}
                               for m in meters}))
    tmp.replace(file)


def stopped_keys(path: str) -> set[str]:
    """The machines switched off by hand, read every round so an edit takes effect at once."""
    if not path:
        return set()
    try:
        return {line.strip() for line in Path(path).read_text().splitlines() if line.strip()}
    except OSError:
        return set()


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    anomaly_kinds = tuple(k.strip() for k in args.anomaly_kinds.split(",") if k.strip())
    if not anomaly_kinds or not set(anomaly_kinds) <= set(ANOMALY_KINDS):
        print(f"simulator: --anomaly-kinds takes some of {', '.join(ANOMALY_KINDS)}",
              file=sys.stderr)
        return 2
    if args.keys:
        keys = [k.strip() for k in args.keys.split(",") if k.strip()]
        machines = make_machines("m", len(keys), args.seed)
        for machine, key in zip(machines, keys, strict=True):
            machine.key = key
    else:
        machines = make_machines(args.prefix, args.devices, args.seed)
    producing = {k.strip() for k in args.production_keys.split(",") if k.strip()}
    for machine in machines:
        if machine.key in producing:
            # Between 2 and 6 parts per kWh, fixed per machine like its rated power.
            machine.parts_per_kwh = round(machine.rng.uniform(2, 6), 2)
    main_meter = (MainMeter(args.main_meter, random.Random(args.seed + 1),
                            energy_kwh=sum(m.energy_kwh for m in machines) * 1.1)
                  if args.main_meter else None)
    meters: list[Machine | MainMeter] = [*machines, *([main_meter] if main_meter else [])]
    client_id = args.client_id or f"factoryops-simulator-{args.factory}-{int(time.time())}"
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    for attempt in range(60):
        try:
            publisher = Publisher(args.host, args.port, client_id, args.username, args.password)
            break
        except OSError as exc:
            if attempt == 59 or stop.is_set():
                print(f"simulator: cannot reach the broker: {exc}", file=sys.stderr)
                return 1
            time.sleep(0.5)
    sent = 0
    resumed = load_state(args.state_file, meters)
    last_saved = time.monotonic()
    try:
        if args.backfill_hours > 0 and not resumed:
            past = backfill(machines, main_meter, args.backfill_hours, args.backfill_step,
                            time.time())
            for key, payload in backfill_messages(past, args.parameters):
                publisher.publish(topic(args.factory, key), payload, args.qos)
                sent += 1
                if sent % 500 == 0 and not publisher.wait_acked(sent - 2000, timeout=30):
                    break
        started = time.monotonic()
        next_round = started
        while not stop.is_set():
            if args.duration and time.monotonic() - started >= args.duration:
                break
            now = time.time()
            stopped = stopped_keys(args.stopped_file)
            for key, values in step_all(machines, main_meter, now, args.anomaly_probability,
                                        anomaly_kinds, stopped):
                payload = encode(values, now, args.shape, args.parameters)
                publisher.publish(topic(args.factory, key), payload, args.qos)
                sent += 1
            next_round += args.interval
            if time.monotonic() - last_saved > 30:
                save_state(args.state_file, meters)
                last_saved = time.monotonic()
            stop.wait(max(0.0, next_round - time.monotonic()))
        if args.qos:
            publisher.wait_acked(sent, timeout=10)
    finally:
        save_state(args.state_file, meters)
        publisher.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
