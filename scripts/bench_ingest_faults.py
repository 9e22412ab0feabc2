"""The fault phases of `make bench-ingest` (the telemetry suite runs shorter versions of the
same faults). Each streams for `--fault-seconds` (20 by default, so that the benchmark takes
minutes; the figures settle within seconds, since backpressure engages as soon as the
high-water marks are reached):
  kill        — SIGKILL of the ingester while 5,000 msg/s of QoS 1 messages stream in, then
                a restart under the same client id: points lost (expected − found).
  slow store  — InfluxDB behind a proxy that delays every chunk of its traffic while 5,000
                msg/s arrive (the store then takes points several times slower than they
                come): the ingester's peak resident memory, and points lost.
  flood       — one device of one factory sends 10,000 keys a message at 500 msg/s (default
                quotas) while a probe device of another factory publishes every 20 ms: p99
                of the probe's publish → readable."""

from __future__ import annotations

import time
from dataclasses import dataclass

from benchlib import drop_session, log
from ingest_bench_support import (
    DEVICES,
    PARAMETERS,
    IngesterProcess,
    Publisher,
    ThreadedProxy,
    count_between,
    loadgen_result,
    p99,
    probe_latencies,
    start_loadgen,
    wait_count,
)

FAULT_RATE = 5000
FAULT_SECONDS = 20
# Per chunk of 64 KiB or less, in each direction: a 20,000-point batch then takes seconds.
SLOW_STORE_DELAY_SECONDS = 0.1
FLOOD_RATE = 500
FLOOD_KEYS = 10_000


@dataclass
class Bench:
    """What every phase needs: the test servers' addresses and the benchmark's factories."""

    env: dict[str, str]
    db_url: str
    slug: str
    factory_id: int
    flood_slug: str
    victim_slug: str
    victim_id: int

    @property
    def host(self) -> str:
        return self.env["TEST_MQTT_HOST"]

    @property
    def port(self) -> int:
        return int(self.env["TEST_MQTT_PORT"])

    @property
    def influx(self) -> str:
        return self.env["TEST_INFLUX_URL"]


def _stream(bench: Bench, base_ms: int, per_device: int, rate: int):
    return start_loadgen(bench.port, bench.slug, rate=rate, devices=DEVICES,
                         per_device=per_device, parameters=PARAMETERS, base_ms=base_ms)


def kill_phase(bench: Bench, base_ms: int, seconds: float = FAULT_SECONDS) -> int:
    per_device = int(FAULT_RATE * seconds / DEVICES)
    expected = per_device * DEVICES * PARAMETERS
    log(f"5/7 kill: SIGKILL while {FAULT_RATE} msg/s stream in for {seconds:.0f} s, restart")
    ingester = IngesterProcess(bench.env, bench.db_url)
    ingester.start()
    try:
        load = _stream(bench, base_ms, per_device, FAULT_RATE)
        ingester.wait_written(expected // 3, seconds=300)
        ingester.kill()
        killed_with = count_between(bench.influx, bench.factory_id, base_ms,
                                    base_ms + per_device * 1000)
        ingester.start()
        loadgen_result(load)
        found = wait_count(bench.influx, bench.factory_id, base_ms,
                           base_ms + per_device * 1000, expected, seconds=300)
        redelivered = ingester.metrics().get("redeliveries_total", 0)
    finally:
        ingester.stop()
        drop_session(bench.host, bench.port, ingester.client_id)
    log(f"    killed with {killed_with:,} of {expected:,} points stored; after the restart "
        f"{found:,} ({redelivered:,.0f} messages redelivered)")
    return expected - found


def slow_store_phase(bench: Bench, base_ms: int,
                     seconds: float = FAULT_SECONDS) -> tuple[float, int]:
    per_device = int(FAULT_RATE * seconds / DEVICES)
    expected = per_device * DEVICES * PARAMETERS
    log(f"6/7 slow store: every chunk to InfluxDB delayed {SLOW_STORE_DELAY_SECONDS} s while "
        f"{FAULT_RATE} msg/s arrive for {seconds:.0f} s")
    influx_host, influx_port = bench.influx.removeprefix("http://").split(":")
    proxy = ThreadedProxy(influx_host, int(influx_port), delay=SLOW_STORE_DELAY_SECONDS)
    ingester = IngesterProcess(bench.env, bench.db_url,
                               INFLUX_URL=f"http://127.0.0.1:{proxy.port}")
    ingester.start()
    try:
        started = time.monotonic()
        loadgen_result(_stream(bench, base_ms, per_device, FAULT_RATE))
        found = wait_count(bench.influx, bench.factory_id, base_ms,
                           base_ms + per_device * 1000, expected, seconds=900)
        rss = ingester.peak_rss_mb()
        metrics = ingester.metrics()
    finally:
        ingester.stop()
        proxy.close()
        drop_session(bench.host, bench.port, ingester.client_id)
    log(f"    {found:,} of {expected:,} points in {time.monotonic() - started:.0f} s; peak "
        f"RSS {rss:.0f} MB; intake paused {metrics.get('intake_pauses_total', 0):.0f} times, "
        f"{metrics.get('points_spooled_total', 0):,.0f} points spooled")
    return rss, expected - found


def flood_phase(bench: Bench, seconds: float = FAULT_SECONDS) -> float:
    log(f"7/7 flood: {FLOOD_KEYS} keys a message at {FLOOD_RATE} msg/s from one device for "
        f"{seconds:.0f} s, a probe device of another factory every 20 ms")
    ingester = IngesterProcess(bench.env, bench.db_url)
    ingester.start()
    probe = Publisher(bench.host, bench.port)
    try:
        flood = start_loadgen(bench.port, bench.flood_slug, flood_key="noisy",
                              flood_count=int(FLOOD_RATE * seconds), flood_keys=FLOOD_KEYS,
                              rate=FLOOD_RATE)
        time.sleep(1)  # the flood is on
        latencies = probe_latencies(bench.influx, probe, bench.victim_slug, bench.victim_id,
                                    seconds - 2)
        loadgen_result(flood)
        metrics = ingester.metrics()
    finally:
        probe.close()
        ingester.stop()
        drop_session(bench.host, bench.port, ingester.client_id)
    refused = {k: v for k, v in metrics.items() if "{" in k and v}
    log(f"    probe p99 {p99(latencies):.0f} ms over {len(latencies)} readings; the flood: "
        + ", ".join(f"{k} {v:,.0f}" for k, v in sorted(refused.items())))
    return p99(latencies)
