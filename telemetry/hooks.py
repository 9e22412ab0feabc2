"""The paho and aiomqtt internals the ingester relies on, checked at start-up.

The fast path (telemetry.mqtt_fastpath) wraps the socket paho reads from and queues its
acknowledgements through paho's output queue; pausing intake re-registers the socket's
reader the way aiomqtt does. None of that is public API, so an upgrade could silently turn
the fast path off or, worse, break acknowledgements. `fast_path_problems` names every hook
that is missing or has another shape; the ingester then takes the stock aiomqtt path (paho in
manual-acknowledgement mode, public API only) and logs an error. `stock_path_problems`
names what even the stock path needs; without it the ingester refuses to start rather than
acknowledge messages before they are durable."""

from __future__ import annotations

import inspect

import aiomqtt
import paho.mqtt.client as paho

# name -> the parameter names (after self) it must take
PAHO_FAST_PATH_METHODS = {
    "_packet_queue": ("command", "packet", "mid", "qos", "info"),
}
PAHO_PUBLIC_METHODS = {
    "socket": (),
    "loop_read": ("max_packets",),
    "want_write": (),
    "manual_ack_set": ("on",),
    "ack": ("mid", "qos"),
}
AIOMQTT_FAST_PATH_METHODS = {
    "_on_socket_open": ("client", "userdata", "sock"),
}
# Instance attributes: of a paho client, and of an aiomqtt client.
# `_last_bytes_received`: the fast path tells paho's keep-alive that bytes arrived.
PAHO_ATTRIBUTES = ("_sock", "_out_packet", "_last_bytes_received")
AIOMQTT_ATTRIBUTES = ("_client", "_disconnected", "_loop")


def _signature_problems(owner: type, methods: dict[str, tuple[str, ...]]) -> list[str]:
    problems = []
    for name, expected in methods.items():
        method = getattr(owner, name, None)
        if not callable(method):
            problems.append(f"{owner.__module__}.{owner.__name__}.{name} is missing")
            continue
        parameters = tuple(inspect.signature(method).parameters)[1:]
        if parameters != expected:
            problems.append(f"{owner.__module__}.{owner.__name__}.{name}{parameters} "
                            f"instead of {expected}")
    return problems


def _attribute_problems(instance: object, names: tuple[str, ...]) -> list[str]:
    kind = type(instance)
    return [f"{kind.__module__}.{kind.__name__} instances have no {name}"
            for name in names if not hasattr(instance, name)]


def stock_path_problems() -> list[str]:
    """What the stock path needs: paho's public manual-acknowledgement API, and the paho
    client inside aiomqtt's to switch it on."""
    problems = _signature_problems(paho.Client, PAHO_PUBLIC_METHODS)
    client = aiomqtt.Client("127.0.0.1", identifier="factoryops-hook-check")
    problems += _attribute_problems(client, AIOMQTT_ATTRIBUTES)
    return problems


def fast_path_problems() -> list[str]:
    """Every difference from what the fast path was written against (empty: use it). Must
    run inside the event loop (an aiomqtt client is built to look at it)."""
    problems = _signature_problems(paho.Client, PAHO_FAST_PATH_METHODS)
    problems += _signature_problems(aiomqtt.Client, AIOMQTT_FAST_PATH_METHODS)
    problems += _attribute_problems(paho.Client(paho.CallbackAPIVersion.VERSION2),
                                    PAHO_ATTRIBUTES)
    return problems + stock_path_problems()
