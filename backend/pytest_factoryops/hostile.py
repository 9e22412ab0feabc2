"""Hostile device payloads with the outcome each must have, shared by the suites of both
transports (the MQTT ingester's and HTTP ingest's): the same parser must treat them alike
whichever way they arrive."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

import orjson

# Recent enough for the accepted window whenever the suites run.
_T0 = datetime.now(UTC).replace(microsecond=0) - timedelta(hours=1)


def ts(i: int) -> int:
    return int((_T0 + timedelta(seconds=i)).timestamp() * 1000)


def hostile_payloads(rng: random.Random):
    """(payload, expected outcome) pairs. Outcome: ("reject", reason) or
    ("store", stored_values, {drop_reason: n}, {timestamp_reason: n})."""
    cases = [
        (b"{not json", ("reject", "bad_json")),
        (b"", ("reject", "bad_json")),
        (b"\xff\xfe\x00", ("reject", "bad_json")),
        (b'{"metrics": {"a": 1}', ("reject", "bad_json")),
        (b"[" * 3000 + b"]" * 3000, ("reject", "bad_json")),
        (b'{"a":' * 3000 + b"1" + b"}" * 3000, ("reject", "bad_json")),
        (b"[1, \"x\", null, [2]]", ("reject", "bad_shape")),
        (b"12345", ("reject", "bad_shape")),
        (b'{"metrics": {"s": "on", "n": null, "o": {"x": 1}}}', ("reject", "no_values")),
        (b"[]", ("reject", "no_values")),
        (b'{"pad": "' + b"x" * 300_000 + b'"}', ("reject", "payload_too_large")),
        (orjson.dumps([{"v": 1}] * 1001), ("reject", "payload_too_large")),
        (b'{"device": "someone-else", "v": 1}', ("reject", "device_mismatch")),
    ]
    out = []
    for i in range(1000):
        payload, outcome = cases[i % len(cases)]
        out.append((payload, outcome))
    # Partly valid messages: bad values and keys dropped, the rest stored. Each uses its
    # own parameter so that receive-time timestamps cannot overwrite each other.
    for i in range(150):
        key = f"partial {i}"
        kind = i % 5
        if kind == 0:
            out.append((b'{"metrics": {"%s": NaN, "%s": 1.5}}' % (b"nan" + str(i).encode(),
                                                                key.encode()),
                        ("store", 1, {"not_finite": 1}, {})))
        elif kind == 1:
            out.append((orjson.dumps({"ts": ts(i), "metrics": {
                "_hidden": 1, "x" * 70: 2, "tab\tkey": 3, key: 4}}),
                        ("store", 1, {"invalid_key": 3}, {})))
        elif kind == 2:
            out.append((orjson.dumps({"ts": "not a time", key: 7}),
                        ("store", 1, {}, {"bad_timestamp": 1})))
        elif kind == 3:
            out.append((orjson.dumps({"ts": 12, key: 8}),
                        ("store", 1, {}, {"timestamp_out_of_window": 1})))
        else:
            out.append((orjson.dumps([{"ts": ts(i), key: 9}, "junk", {"metrics": "bad"}]),
                        ("store", 1, {"bad_shape": 2}, {})))
    rng.shuffle(out)
    return out
