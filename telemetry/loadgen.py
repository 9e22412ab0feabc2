"""A device fleet's worth of QoS 1 publishes from one process, for load tests and the ingest
benchmark (`python -m telemetry.loadgen ...` prints a JSON summary on its last line).

paho spends tens of microseconds of Python per message, which would make the publisher, not
the broker or the ingester, the limit. Here each PUBLISH packet is encoded up front and
written in large chunks over a plain socket, either as fast as the broker acknowledges or
paced at a given rate, and the broker's PUBACKs are counted as they come."""

from __future__ import annotations

import argparse
import asyncio
import itertools
import time
import uuid
from collections.abc import Iterable, Iterator

import orjson

TOPIC = "factories/{slug}/devices/{key}/telemetry"
# Packet ids repeat every 65,535 messages: never have that many unacknowledged.
MAX_UNACKNOWLEDGED = 20_000
TICK_SECONDS = 0.01


def _remaining_length(n: int) -> bytes:
    out = bytearray()
    while True:
        byte, n = n % 128, n // 128
        out.append(byte | (0x80 if n else 0))
        if not n:
            return bytes(out)


def _string(text: str) -> bytes:
    raw = text.encode()
    return len(raw).to_bytes(2, "big") + raw


def encode_publish(topic: str, payload: bytes, packet_id: int) -> bytes:
    rest = _string(topic) + packet_id.to_bytes(2, "big") + payload
    return b"\x32" + _remaining_length(len(rest)) + rest


def fleet_messages(slug: str, devices: int, per_device: int, parameters: int, base_ms: int,
                   step_ms: int = 1000, prefix: str = "dev") -> Iterator[tuple[str, bytes]]:
    """(topic, payload) in round-robin device order; each device's timestamps are unique
    (base, base + step, ...), so every point is distinct and can be counted back."""
    names = [f"p{i}" for i in range(parameters)]
    topics = [TOPIC.format(slug=slug, key=f"{prefix}-{d:03d}") for d in range(devices)]
    for i in range(per_device):
        metrics = {name: round(230.0 + i * 0.01 + j, 3) for j, name in enumerate(names)}
        body = orjson.dumps({"ts": base_ms + i * step_ms, "metrics": metrics})
        for topic in topics:
            yield topic, body


def flood_messages(slug: str, key: str, count: int, keys_per_message: int,
                   variants: int = 20) -> Iterator[tuple[str, bytes]]:
    """A misbehaving device: every message carries `keys_per_message` values under keys that
    keep changing (a few variants, re-used, so that encoding them costs nothing)."""
    topic = TOPIC.format(slug=slug, key=key)
    bodies = [orjson.dumps({f"k{v}_{j}": float(j) for j in range(keys_per_message)})
              for v in range(variants)]
    for i in range(count):
        yield topic, bodies[i % variants]


async def publish(host: str, port: int, messages: Iterable[tuple[str, bytes]], *,
                  rate: float | None = None) -> dict:
    """Publish at QoS 1, as fast as the broker acknowledges (rate None) or `rate` messages a
    second; returns when every message is acknowledged."""
    reader, writer = await asyncio.open_connection(host, port)
    variable = _string("MQTT") + bytes([4, 0x02]) + (60).to_bytes(2, "big")
    body = variable + _string(f"loadgen-{uuid.uuid4().hex[:8]}")
    writer.write(b"\x10" + _remaining_length(len(body)) + body)
    if (await reader.readexactly(4))[3] != 0:
        raise SystemExit("the broker refused the publisher")
    acked = 0
    progress = asyncio.Event()

    async def count_acks() -> None:
        nonlocal acked
        while True:
            header = await reader.readexactly(2)
            await reader.readexactly(header[1])
            if header[0] >> 4 == 4:  # PUBACK
                acked += 1
                progress.set()

    async def until(condition) -> None:
        while not condition():
            progress.clear()
            await progress.wait()

    acks = asyncio.create_task(count_acks())
    step = 500 if rate is None else max(1, round(rate * TICK_SECONDS))
    numbered = enumerate(messages)
    sent = 0
    started = tick = time.time()
    while batch := list(itertools.islice(numbered, step)):
        await until(lambda sent=sent: sent - acked <= MAX_UNACKNOWLEDGED)
        # Encoded as they go: a flood's packets would not fit in memory all at once.
        writer.write(b"".join(encode_publish(topic, payload, i % 65535 + 1)
                              for i, (topic, payload) in batch))
        sent += len(batch)
        await writer.drain()
        if rate is not None:
            tick += len(batch) / rate
            await asyncio.sleep(max(0.0, tick - time.time()))
    sent_by = time.time()
    await until(lambda: acked >= sent)
    finished = time.time()
    acks.cancel()
    writer.write(b"\xe0\x00")  # DISCONNECT
    await writer.drain()
    writer.close()
    return {"sent": sent, "start": started, "sent_by": sent_by, "end": finished}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--slug", required=True)
    parser.add_argument("--rate", type=float, help="messages a second (default: flat out)")
    parser.add_argument("--devices", type=int, default=1)
    parser.add_argument("--per-device", type=int, default=1)
    parser.add_argument("--parameters", type=int, default=10)
    parser.add_argument("--base-ms", type=int, default=0)
    parser.add_argument("--step-ms", type=int, default=1000)
    parser.add_argument("--prefix", default="dev")
    parser.add_argument("--flood-key", help="publish as this one flooding device instead")
    parser.add_argument("--flood-count", type=int, default=0)
    parser.add_argument("--flood-keys", type=int, default=10_000)
    args = parser.parse_args()
    if args.flood_key:
        messages = flood_messages(args.slug, args.flood_key, args.flood_count, args.flood_keys)
    else:
        messages = fleet_messages(args.slug, args.devices, args.per_device, args.parameters,
                                  args.base_ms or int(time.time() * 1000), args.step_ms,
                                  args.prefix)
    result = asyncio.run(publish(args.host, args.port, messages, rate=args.rate))
    print(orjson.dumps(result).decode(), flush=True)


if __name__ == "__main__":
    main()
