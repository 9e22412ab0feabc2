"""Which rows other processes keep copies of, and which epoch each change makes stale
(app.core.cache_epochs explains epochs). Imported by app.models, so the watch is in place
wherever a model is."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from app.core.cache_epochs import changed, watch_stale_keys
from app.models.device import Device
from app.models.device_parameter import DeviceParameter
from app.models.user import User

# What a cached principal holds; a change to anything else of a user (name, last sign-in)
# leaves copies valid.
_USER_FIELDS = ("is_active", "role", "permissions", "token_version")
_DEVICE_SEEN = frozenset({"last_seen_at"})
_DEVICE_UNCACHED = frozenset({"last_seen_at", "updated_at"})
_PARAMETER_UNCACHED = frozenset({"last_seen_at"})


def user_epoch(factory_id: int, user_id: int) -> str:
    return f"fo:epoch:user:{factory_id}:{user_id}"


def device_epoch(factory_id: int, device_id: int) -> str:
    """One epoch for a device and its parameters, its last-seen time aside."""
    return f"fo:epoch:device:{factory_id}:{device_id}"


def device_seen_epoch(factory_id: int, device_id: int) -> str:
    """The device's last-seen time, renewed by every ingester sync that moves it: apart from
    the rest of the device, whose copies would otherwise be reloaded every second."""
    return f"fo:epoch:device-seen:{factory_id}:{device_id}"


def stale_epochs_of(obj: Any, created: bool, deleted: bool) -> Iterator[str]:
    # A row created now has no copy anywhere: nothing to renew for it.
    if isinstance(obj, User):
        if deleted or (not created and changed(obj, only=_USER_FIELDS)):
            yield user_epoch(obj.factory_id, obj.id)
    elif isinstance(obj, Device):
        if deleted or (not created and changed(obj, ignore=_DEVICE_UNCACHED)):
            yield device_epoch(obj.factory_id, obj.id)
        if deleted or (not created and changed(obj, only=_DEVICE_SEEN)):
            yield device_seen_epoch(obj.factory_id, obj.id)
    elif isinstance(obj, DeviceParameter):
        if created or deleted or changed(obj, ignore=_PARAMETER_UNCACHED):
            yield device_epoch(obj.factory_id, obj.device_id)


watch_stale_keys(stale_epochs_of)
