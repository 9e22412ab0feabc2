"""The rule batch: the newest values of the devices that changed since the ingester's last
flush, sent to the rule engine once per flush (queue `rule_engine`). This is the one
definition both ends use: the ingester builds it with `RuleBatch.of_changes` and sends
`to_message()`; the rule engine reads the message back with `RuleBatch.from_message`.

On the queue it is JSON, `{factory_id: {device_id: {parameter: [ts_ms, value]}}}` with the
ids as strings. Reading it back drops malformed entries instead of refusing the batch: a
queue message is input like any other, and one bad value must not hold back the alerts of
every other device in it."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from pydantic import RootModel, model_validator

# (epoch milliseconds, value)
Reading = tuple[int, float]
DeviceReadings = dict[str, Reading]
# The JSON form on the queue.
Message = dict[str, dict[str, dict[str, list]]]


class RuleBatch(RootModel[dict[int, dict[int, DeviceReadings]]]):
    """{factory_id: {device_id: {parameter: (ts_ms, value)}}}"""

    @model_validator(mode="before")
    @classmethod
    def _drop_malformed(cls, raw: Any) -> dict[int, dict[int, DeviceReadings]]:
        return _readings(raw)

    @classmethod
    def of_changes(cls, changed: Mapping[tuple[int, int], DeviceReadings]) -> RuleBatch:
        """From the ingester's newest values per (factory_id, device_id)."""
        readings: dict[int, dict[int, DeviceReadings]] = {}
        for (factory_id, device_id), values in changed.items():
            if values:
                readings.setdefault(factory_id, {})[device_id] = values
        # Typed by construction: validating again would only cost time on the hot path.
        return cls.model_construct(readings)

    @classmethod
    def from_message(cls, message: Any) -> RuleBatch:
        """The same result as `model_validate`, in one pass: the values `_readings` converts
        need no second check."""
        return cls.model_construct(_readings(message))

    def to_message(self) -> Message:
        """The JSON form; equal to `model_dump(mode="json")`, built without the serializer,
        which is slower on large batches."""
        return {str(factory_id): {str(device_id): {parameter: [ts_ms, value]
                                                   for parameter, (ts_ms, value)
                                                   in values.items()}
                                  for device_id, values in devices.items()}
                for factory_id, devices in self.root.items()}

    def for_factories(self, factory_ids: Iterable[int]) -> RuleBatch:
        """The part of the batch for these factories (to retry the ones that failed)."""
        return type(self).model_construct(
            {f: self.root[f] for f in factory_ids if f in self.root})

    def device_count(self) -> int:
        return sum(len(devices) for devices in self.root.values())

    def newest_ms(self) -> int:
        return max(ts_ms for devices in self.root.values() for values in devices.values()
                   for ts_ms, _ in values.values())

    def __bool__(self) -> bool:
        return bool(self.root)


def _readings(raw: Any) -> dict[int, dict[int, DeviceReadings]]:
    if isinstance(raw, RuleBatch):
        return raw.root
    readings: dict[int, dict[int, DeviceReadings]] = {}
    if not isinstance(raw, Mapping):
        return readings
    for factory_key, devices in raw.items():
        factory_id = _id(factory_key)
        if factory_id is None or not isinstance(devices, Mapping):
            continue
        for device_key, values in devices.items():
            device_id = _id(device_key)
            if device_id is None or not isinstance(values, Mapping):
                continue
            parsed: DeviceReadings = {}
            for parameter, pair in values.items():
                try:
                    ts_ms, value = pair
                    parsed[str(parameter)] = (int(ts_ms), float(value))
                except (TypeError, ValueError):
                    continue
            if parsed:
                readings.setdefault(factory_id, {})[device_id] = parsed
    return readings


def _id(key: Any) -> int | None:
    try:
        return int(key)
    except (TypeError, ValueError):
        return None
