"""Ingester counters, exported in Prometheus format.

The hot path increments plain integers (a Prometheus Counter takes a lock per increment,
which costs more than parsing the message); a custom collector reads them at scrape time."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from prometheus_client import REGISTRY, start_http_server
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, HistogramMetricFamily

# Upper bounds of the write latency histogram, in seconds.
LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)


@dataclass
class IngestStats:
    received: int = 0
    stored: int = 0
    rejected: Counter = field(default_factory=Counter)
    values_dropped: Counter = field(default_factory=Counter)
    timestamps_replaced: Counter = field(default_factory=Counter)
    points_written: int = 0
    write_errors: int = 0
    reconnects: int = 0
    parameters_discovered: int = 0
    devices_registered: int = 0
    rule_batches_sent: int = 0
    rule_batches_failed: int = 0
    buffer_points: int = 0
    spool_points: int = 0
    spool_bytes: int = 0
    spool_full: int = 0
    points_spooled: int = 0
    points_replayed: int = 0
    points_refused: Counter = field(default_factory=Counter)
    held_messages: int = 0
    held_bytes: int = 0
    messages_replayed: int = 0
    # Acknowledgements: sent once durable; dropped when their connection had closed (the
    # broker redelivers those messages).
    unacked_messages: int = 0
    acks_sent: int = 0
    acks_dropped: int = 0
    redeliveries: int = 0
    subscribed: int = 0
    fastpath_enabled: int = 0
    fastpath_packets: int = 0
    intake_paused: int = 0
    intake_pauses: int = 0
    intake_paused_seconds: float = 0.0
    flushes: int = 0
    flush_seconds_total: float = 0.0
    write_latency_counts: list[int] = field(
        default_factory=lambda: [0] * (len(LATENCY_BUCKETS) + 1))
    write_latency_sum: float = 0.0

    def observe_write(self, seconds: float) -> None:
        self.write_latency_sum += seconds
        for i, bound in enumerate(LATENCY_BUCKETS):
            if seconds <= bound:
                self.write_latency_counts[i] += 1
                return
        self.write_latency_counts[-1] += 1

    def snapshot(self) -> dict:
        return {
            "received": self.received, "stored": self.stored,
            "rejected": dict(self.rejected), "values_dropped": dict(self.values_dropped),
            "timestamps_replaced": dict(self.timestamps_replaced),
            "points_written": self.points_written,
            "points_refused": dict(self.points_refused),
            "buffer_points": self.buffer_points, "spool_points": self.spool_points,
            "held_messages": self.held_messages, "reconnects": self.reconnects,
            "unacked_messages": self.unacked_messages, "acks_sent": self.acks_sent,
            "redeliveries": self.redeliveries, "fastpath_packets": self.fastpath_packets,
        }


class _Collector:
    def __init__(self, stats: IngestStats) -> None:
        self.stats = stats

    def collect(self):
        s = self.stats
        simple = [
            ("factoryops_ingest_messages_received", "MQTT messages received", s.received),
            ("factoryops_ingest_messages_stored", "Messages with at least one point kept",
             s.stored),
            ("factoryops_ingest_points_written", "Points written to the time-series store",
             s.points_written),
            ("factoryops_ingest_points_spooled", "Points put in the disk spool",
             s.points_spooled),
            ("factoryops_ingest_points_replayed", "Spooled points written to the store",
             s.points_replayed),
            ("factoryops_ingest_messages_replayed",
             "Messages handled again from the spool after a restart", s.messages_replayed),
            ("factoryops_ingest_acks_sent", "QoS 1 messages acknowledged once durable",
             s.acks_sent),
            ("factoryops_ingest_acks_dropped",
             "Acknowledgements not sent because their connection had closed", s.acks_dropped),
            ("factoryops_ingest_redeliveries", "Messages the broker sent again (DUP flag)",
             s.redeliveries),
            ("factoryops_ingest_fastpath_packets",
             "PUBLISH packets taken off the socket by the fast path", s.fastpath_packets),
            ("factoryops_ingest_intake_pauses", "Times intake stopped at a high-water mark",
             s.intake_pauses),
            ("factoryops_ingest_write_errors", "Failed time-series writes (retried)",
             s.write_errors),
            ("factoryops_ingest_reconnects", "Broker reconnections", s.reconnects),
            ("factoryops_ingest_parameters_discovered", "New parameters registered",
             s.parameters_discovered),
            ("factoryops_ingest_rule_batches_sent", "Rule evaluation batches dispatched",
             s.rule_batches_sent),
            ("factoryops_ingest_rule_batches_failed", "Rule batches that could not be sent",
             s.rule_batches_failed),
            ("factoryops_ingest_flushes", "Buffer flushes", s.flushes),
        ]
        for name, doc, value in simple:
            yield CounterMetricFamily(name, doc, value=value)
        for name, doc, counter in (
            ("factoryops_ingest_messages_rejected", "Messages rejected, by reason", s.rejected),
            ("factoryops_ingest_values_dropped", "Values dropped, by reason", s.values_dropped),
            ("factoryops_ingest_timestamps_replaced", "Timestamps replaced by receive time",
             s.timestamps_replaced),
            ("factoryops_ingest_points_refused",
             "Points the store refused as invalid, isolated from their batch, by reason",
             s.points_refused),
        ):
            family = CounterMetricFamily(name, doc, labels=["reason"])
            for reason, value in sorted(counter.items()):
                family.add_metric([reason], value)
            yield family
        for name, doc, value in (
            ("factoryops_ingest_buffer_points", "Points held in memory awaiting a write",
             s.buffer_points),
            ("factoryops_ingest_spool_points", "Points spooled to disk awaiting a write",
             s.spool_points),
            ("factoryops_ingest_held_messages", "Messages waiting for their device lookup",
             s.held_messages),
            ("factoryops_ingest_spool_bytes", "Bytes in the disk spool", s.spool_bytes),
            ("factoryops_ingest_spool_full", "1 while the spool (or its disk) is full",
             s.spool_full),
            ("factoryops_ingest_unacked_messages",
             "QoS 1 messages received and not yet acknowledged", s.unacked_messages),
            ("factoryops_ingest_intake_paused", "1 while intake is stopped (backpressure)",
             s.intake_paused),
            ("factoryops_ingest_subscribed", "1 while subscribed to the broker", s.subscribed),
            ("factoryops_ingest_fastpath_enabled",
             "1 when PUBLISH packets take the fast path, 0 on the stock client path",
             s.fastpath_enabled),
        ):
            yield GaugeMetricFamily(name, doc, value=value)
        yield CounterMetricFamily("factoryops_ingest_flush_seconds",
                                  "Time spent flushing", value=s.flush_seconds_total)
        cumulative, buckets = 0, []
        for bound, count in zip((*LATENCY_BUCKETS, float("inf")), s.write_latency_counts,
                                strict=True):
            cumulative += count
            buckets.append(("+Inf" if bound == float("inf") else str(bound), cumulative))
        yield HistogramMetricFamily("factoryops_ingest_write_latency_seconds",
                                    "Time-series write latency", buckets=buckets,
                                    sum_value=s.write_latency_sum)


def serve_metrics(stats: IngestStats, port: int, host: str = "0.0.0.0"):  # noqa: S104
    REGISTRY.register(_Collector(stats))
    if port:
        return start_http_server(port, addr=host)
    return None
