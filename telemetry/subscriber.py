"""The MQTT side: a persistent QoS 1 subscription that reconnects with backoff.

Messages go straight to the handler, never through an asyncio queue and an async iterator:
PUBLISH packets are taken off the socket by telemetry.mqtt_fastpath, and anything paho still
delivers itself arrives through the queue class aiomqtt lets us choose, which calls the
handler instead of queueing."""

from __future__ import annotations

import asyncio
import os
import socket
from collections.abc import Callable

import aiomqtt

from app.core.config import Settings
from app.core.logging import get_logger
from telemetry.metrics import IngestStats
from telemetry.mqtt_fastpath import IngestSocket

log = get_logger("telemetry.subscriber")

TELEMETRY_TOPIC = "factories/+/devices/+/telemetry"
BACKOFF_SECONDS = (0.2, 0.5, 1, 2, 5, 10)

Handler = Callable[[str, bytes], None]


def subscription_topic(settings: Settings) -> str:
    if settings.mqtt_shared_group:
        return f"$share/{settings.mqtt_shared_group}/{TELEMETRY_TOPIC}"
    return TELEMETRY_TOPIC


def client_id(settings: Settings) -> str:
    """Fixed, so the broker keeps our session (and queues for us) across restarts. Ingesters
    sharing a subscription need distinct ids: each adds its host name, which is stable for a
    container across restarts."""
    if settings.mqtt_shared_group:
        host = os.environ.get("HOSTNAME") or socket.gethostname()
        return f"{settings.mqtt_client_id}-{host}"[:64]
    return settings.mqtt_client_id


class IngestClient(aiomqtt.Client):
    """aiomqtt's client, with the broker socket wrapped so that PUBLISH packets take the
    ingester's own path (telemetry.mqtt_fastpath) instead of paho's per-message one."""

    def __init__(self, *args, handler: Handler, **kwargs) -> None:
        self._ingest_handler = handler
        super().__init__(*args, **kwargs)

    def _on_socket_open(self, client, userdata, sock) -> None:
        wrapped = IngestSocket(sock, client, self._ingest_handler)
        client._sock = wrapped  # paho reads and writes through this attribute only
        super()._on_socket_open(client, userdata, wrapped)


def inline_queue(handler: Handler) -> type[asyncio.Queue]:
    class InlineQueue(asyncio.Queue):
        def put_nowait(self, message: aiomqtt.Message) -> None:
            handler(message.topic.value, message.payload)

    return InlineQueue


class Subscriber:
    def __init__(self, settings: Settings, handler: Handler, stats: IngestStats) -> None:
        self.settings = settings
        self.handler = handler
        self.stats = stats
        self.connected = asyncio.Event()

    def _client(self) -> aiomqtt.Client:
        s = self.settings
        return IngestClient(
            s.mqtt_host, s.mqtt_port,
            handler=self.handler,
            identifier=client_id(s),
            username=s.mqtt_username,
            password=s.mqtt_password.get_secret_value() if s.mqtt_password else None,
            protocol=aiomqtt.ProtocolVersion.V311,
            clean_session=False,
            keepalive=30,
            queue_type=inline_queue(self.handler),
            tls_params=aiomqtt.TLSParameters() if s.mqtt_tls else None,
            timeout=10,
        )

    async def run(self) -> None:
        """Until cancelled: connect, subscribe, receive; on any connection loss, reconnect."""
        attempt = 0
        topic = subscription_topic(self.settings)
        while True:
            try:
                async with self._client() as client:
                    await client.subscribe(topic, qos=1)
                    attempt = 0
                    self.connected.set()
                    log.info("telemetry.subscribed", topic=topic,
                             broker=f"{self.settings.mqtt_host}:{self.settings.mqtt_port}",
                             client_id=client_id(self.settings))
                    # Messages arrive through the inline queue; this only waits for the
                    # connection to end (the iterator raises MqttError on disconnect).
                    async for _ in client.messages:
                        pass
            except aiomqtt.MqttError as exc:
                self.connected.clear()
                self.stats.reconnects += 1
                delay = BACKOFF_SECONDS[min(attempt, len(BACKOFF_SECONDS) - 1)]
                attempt += 1
                log.warning("telemetry.broker_connection_lost", error=str(exc)[:200],
                            retry_in_s=delay)
                await asyncio.sleep(delay)


__all__ = ["Subscriber", "client_id", "subscription_topic"]
