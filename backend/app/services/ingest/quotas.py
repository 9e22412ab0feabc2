"""Per-device intake quotas, shared by the MQTT ingester and HTTP ingest so that a device gets
the same limits whichever way it sends.

A factory may override the platform defaults (`INGEST_QUOTA_*`) in its settings under
`device_quotas`; the payload size can never exceed the platform ceiling
(`INGEST_MAX_PAYLOAD_BYTES`), which the ingester checks before it holds a message (the
factory's own limit applies once the device is known).

The pieces are pure: `DeviceQuota` (the limits that apply to one factory's devices),
`TokenBucket` (messages per second, one per device) and `admit_parameters` (the cap on distinct
parameters per device). Callers count and report what they refuse."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from app.core.config import Settings

# Reasons, as counted by the ingester and answered by HTTP ingest.
RATE_LIMITED = "rate_limited"  # a whole message, over the device's messages per second
PARAMETER_QUOTA = "parameter_quota"  # a value whose new parameter is over the device's cap

# Key of the overrides in a factory's settings JSON.
FACTORY_SETTINGS_KEY = "device_quotas"


@dataclass(frozen=True, slots=True)
class DeviceQuota:
    payload_bytes: int
    values_per_message: int
    parameters_per_device: int
    messages_per_second: float
    burst_messages: int

    @classmethod
    def for_factory(cls, settings: Settings,
                    factory_settings: Mapping[str, Any] | None) -> DeviceQuota:
        """The platform defaults with the factory's overrides applied (unknown or unusable
        override values are ignored: a bad row must not stop intake)."""
        raw = (factory_settings or {}).get(FACTORY_SETTINGS_KEY)
        overrides = raw if isinstance(raw, Mapping) else {}

        def pick(name: str, default: float, kind: type) -> Any:
            value = overrides.get(name)
            if isinstance(value, bool) or not isinstance(value, int | float) or value <= 0:
                return default
            return kind(value)

        return cls(
            payload_bytes=min(pick("payload_bytes", settings.ingest_quota_payload_bytes, int),
                              settings.ingest_max_payload_bytes),
            values_per_message=pick("values_per_message",
                                    settings.ingest_quota_values_per_message, int),
            parameters_per_device=pick("parameters_per_device",
                                       settings.ingest_quota_parameters_per_device, int),
            messages_per_second=pick("messages_per_second",
                                     settings.ingest_quota_messages_per_second, float),
            burst_messages=pick("burst_messages", settings.ingest_quota_burst_messages, int),
        )

    def bucket(self, now: float) -> TokenBucket:
        return TokenBucket(self.messages_per_second, self.burst_messages, now)


class TokenBucket:
    """Messages per second with a burst allowance: `take` answers whether one more message
    fits. Time is whatever monotonic clock the caller passes, in seconds."""

    __slots__ = ("rate", "burst", "tokens", "updated")

    def __init__(self, rate: float, burst: int, now: float) -> None:
        self.rate = rate
        self.burst = float(burst)
        self.tokens = float(burst)
        self.updated = now

    def take(self, now: float) -> bool:
        elapsed = now - self.updated
        if elapsed > 0:
            tokens = self.tokens + elapsed * self.rate
            self.tokens = tokens if tokens < self.burst else self.burst
            self.updated = now
        if self.tokens >= 1.0:
            self.tokens -= 1.0
            return True
        return False

    def grant(self, seconds: float) -> None:
        """Allowance for time in which the device could not be heard (the ingester was down
        or not reading): what it sent then arrives at once from the broker's queue and must
        not count as a burst. May exceed the burst allowance, by design."""
        if seconds > 0:
            self.tokens += seconds * self.rate

    def retune(self, rate: float, burst: int) -> None:
        """New limits (the factory changed them) without forgetting the device's state."""
        self.rate = rate
        self.burst = float(burst)


def admit_parameters(keys: Iterable[str], known: set[str], limit: int
                     ) -> tuple[list[str], list[str]]:
    """Split parameter keys new to a device (in order of appearance) into those its quota of
    distinct parameters still admits and those refused. Known keys always pass: a device at
    its cap keeps reporting what it already reports."""
    room = limit - len(known)
    admitted: list[str] = []
    refused: list[str] = []
    for key in dict.fromkeys(keys):
        if key in known:
            continue
        if room > 0:
            admitted.append(key)
            room -= 1
        else:
            refused.append(key)
    return admitted, refused


__all__ = ["FACTORY_SETTINGS_KEY", "PARAMETER_QUOTA", "RATE_LIMITED", "DeviceQuota",
           "TokenBucket", "admit_parameters"]
