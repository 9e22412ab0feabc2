"""`python -m telemetry.broker`: the embedded MQTT broker `make run` uses on a machine with
no broker of its own (amqtt, MQTT 3.1.1). Production runs EMQX; tests run Mosquitto.

It binds to loopback unless told otherwise: amqtt's own default listens on every
interface, which a development machine should not do silently."""

from __future__ import annotations

import argparse
import asyncio
import logging
import signal

from amqtt.broker import Broker


def broker_config(host: str, port: int) -> dict:
    return {
        "listeners": {"default": {"type": "tcp", "bind": f"{host}:{port}",
                                  "max_connections": 0}},
        "plugins": {
            "amqtt.plugins.authentication.AnonymousAuthPlugin": {"allow_anonymous": True},
        },
    }


async def serve(host: str, port: int) -> None:
    broker = Broker(broker_config(host, port))
    await broker.start()
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)
    await stop.wait()
    await broker.shutdown()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=1883)
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    # amqtt logs every connection at INFO, and a port probe that connects and leaves
    # without a packet as an ERROR.
    logging.getLogger("amqtt").setLevel(logging.CRITICAL)
    asyncio.run(serve(args.host, args.port))


if __name__ == "__main__":
    main()
