"""The MQTT side: a persistent QoS 1 subscription (MQTT 3.1.1) that reconnects with backoff.

Messages go straight to the handler, never through an asyncio queue and an async iterator.
On the fast path PUBLISH packets are taken off the socket by telemetry.mqtt_fastpath; on the
stock path (when telemetry.hooks finds paho or aiomqtt internals changed) paho parses them
and delivers them through the queue class aiomqtt lets us choose, which calls the handler
instead of queueing. Either way paho runs in manual-acknowledgement mode: nothing is
acknowledged before the ingester says the message is durable."""

from __future__ import annotations

import asyncio
import contextlib
import math
import time
from collections.abc import Callable

import aiomqtt
import paho.mqtt.client as paho

from app.core.config import Settings
from app.core.logging import get_logger
from telemetry.acks import AckSink, PahoAcks
from telemetry.backpressure import Backpressure
from telemetry.metrics import IngestStats
from telemetry.mqtt_fastpath import IngestSocket

log = get_logger("telemetry.subscriber")

TELEMETRY_TOPIC = "factories/+/devices/+/telemetry"
BACKOFF_SECONDS = (0.2, 0.5, 1, 2, 5, 10)
KEEPALIVE_SECONDS = 60

# (topic, payload, packet id or 0, acknowledgement sink)
Handler = Callable[[str, bytes, int, AckSink], None]


def subscription_topic(settings: Settings) -> str:
    if settings.mqtt_shared_group:
        return f"$share/{settings.mqtt_shared_group}/{TELEMETRY_TOPIC}"
    return TELEMETRY_TOPIC


class IngestClient(aiomqtt.Client):
    """aiomqtt's client in manual-acknowledgement mode, speaking MQTT 3.1.1 (the fast path
    parses its framing), with the broker socket wrapped so that PUBLISH packets take the
    ingester's own path unless `fast_path` is off; it is also the `Valve` backpressure uses
    to stop and resume reading."""

    def __init__(self, *args, handler: Handler, stats: IngestStats,
                 backpressure: Backpressure, fast_path: bool, **kwargs) -> None:
        self._ingest_handler = handler
        self._ingest_stats = stats
        self._backpressure = backpressure
        self._fast_path = fast_path
        self._paho_acks: PahoAcks | None = None
        kwargs["protocol"] = aiomqtt.ProtocolVersion.V311
        kwargs["queue_type"] = self._inline_queue()
        super().__init__(*args, **kwargs)
        if self._client.protocol != paho.MQTTv311:
            raise RuntimeError("the ingester speaks MQTT 3.1.1 only (its packet parser and "
                               "the broker's in-flight window depend on it)")
        self._client.manual_ack_set(True)
        self._count_redeliveries()

    # -- receiving ----------------------------------------------------------------------
    def _on_socket_open(self, client, userdata, sock) -> None:
        if self._fast_path:
            sock = IngestSocket(sock, client, self._ingest_handler, self._ingest_stats,
                                self._must_pause)
            client._sock = sock  # paho reads and writes through this attribute only
        super()._on_socket_open(client, userdata, sock)

    def _count_redeliveries(self) -> None:
        """On the stock path, count DUP messages where paho hands them over (its public
        `on_message` callback): aiomqtt's Message no longer carries the flag."""
        deliver = self._client.on_message
        stats = self._ingest_stats

        def on_message(client, userdata, message: paho.MQTTMessage) -> None:
            if message.dup:
                stats.redeliveries += 1
            deliver(client, userdata, message)

        self._client.on_message = on_message

    def _must_pause(self) -> bool:
        """Asked on the event loop, inside the socket's reader callback, after each piece of
        intake: stop reading here when backpressure is (or just became) on."""
        if self._backpressure.check():
            self.pause_reading()
            return True
        return False

    def _stock_acks(self) -> AckSink:
        acks = self._paho_acks
        if acks is None or acks._socket is not self._client.socket():
            acks = self._paho_acks = PahoAcks(self._client, self._ingest_stats)
        return acks

    def _inline_queue(self) -> type[asyncio.Queue]:
        client = self

        class InlineQueue(asyncio.Queue):
            def put_nowait(self, message: aiomqtt.Message) -> None:
                client._ingest_handler(message.topic.value, message.payload,
                                       message.mid if message.qos == 1 else 0,
                                       client._stock_acks())
                client._must_pause()

        return InlineQueue

    @property
    def fast_path_active(self) -> bool:
        return isinstance(self._client.socket(), IngestSocket)

    # -- Valve: backpressure stops and resumes reading --------------------------------------
    # Both run on the event loop. A pause never comes before the connection's CONNACK was
    # handed to paho (the subscriber connects only while intake is open, and the CONNACK
    # precedes every PUBLISH of the session); the subscription's SUBACK may wait behind
    # queued messages until intake resumes.
    def pause_reading(self) -> None:
        sock = self._client.socket()
        if sock is not None:
            self._loop.remove_reader(sock.fileno())

    def resume_reading(self) -> None:
        sock = self._client.socket()
        if sock is not None:
            self._loop.add_reader(sock.fileno(), self._read_ready)

    def _read_ready(self) -> None:
        # What aiomqtt registers when the socket opens, registered again after a pause.
        client = self._client
        try:
            while True:
                client.loop_read()
                sock = client.socket()
                if sock is not None and hasattr(sock, "pending") and sock.pending() > 0:
                    continue
                break
        except Exception as exc:  # a broken connection: aiomqtt reconnects
            if not self._disconnected.done():
                self._disconnected.set_exception(exc)

    async def flush_output(self, seconds: float) -> None:
        """Wait until paho has written what it queued (acknowledgements at shutdown)."""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if not self._client.want_write():
                return
            await asyncio.sleep(0.01)


class Subscriber:
    def __init__(self, settings: Settings, handler: Handler, stats: IngestStats,
                 backpressure: Backpressure, *, client_id: str, fast_path: bool,
                 on_absence: Callable[[float], None] = lambda _s: None) -> None:
        self.settings = settings
        self.handler = handler
        self.stats = stats
        self.backpressure = backpressure
        self.client_id = client_id
        self.fast_path = fast_path
        self.on_absence = on_absence
        self.connected = asyncio.Event()
        self.client: IngestClient | None = None

    def _client(self) -> IngestClient:
        s = self.settings
        tls = None
        if s.mqtt_tls:
            tls = aiomqtt.TLSParameters(
                ca_certs=str(s.mqtt_tls_ca_file) if s.mqtt_tls_ca_file else None)
        return IngestClient(
            s.mqtt_host, s.mqtt_port,
            handler=self.handler,
            stats=self.stats,
            backpressure=self.backpressure,
            fast_path=self.fast_path,
            identifier=self.client_id,
            username=s.mqtt_username,
            password=s.mqtt_password.get_secret_value() if s.mqtt_password else None,
            clean_session=False,
            keepalive=KEEPALIVE_SECONDS,
            tls_params=tls,
            timeout=10,
        )

    async def run(self) -> None:
        """Until cancelled: connect, subscribe, receive; on any connection loss, reconnect."""
        attempt = 0
        lost_at: float | None = None
        topic = subscription_topic(self.settings)
        while True:
            if self.backpressure.paused:
                await self.backpressure.wait_open()
                lost_at = time.monotonic() if lost_at else None  # the pause was credited
            try:
                async with self._client() as client:
                    self.client = client
                    self.backpressure.attach(client)
                    attempt = 0
                    if lost_at is not None:
                        self.on_absence(time.monotonic() - lost_at)
                        lost_at = None
                    await self._receive(client, topic)
            except aiomqtt.MqttError as exc:
                self.connected.clear()
                self.stats.subscribed = 0
                self.backpressure.attach(None)
                self.client = None
                lost_at = lost_at or time.monotonic()
                self.stats.reconnects += 1
                delay = BACKOFF_SECONDS[min(attempt, len(BACKOFF_SECONDS) - 1)]
                attempt += 1
                log.warning("telemetry.broker_connection_lost", error=str(exc)[:200],
                            retry_in_s=delay)
                await asyncio.sleep(delay)

    async def _receive(self, client: IngestClient, topic: str) -> None:
        """Subscribe and receive until the connection ends (MqttError). A persistent
        session's queued messages start flowing before the SUBACK, and may pause intake
        before it is read: the subscription waits as long as the connection lives."""
        subscribing = asyncio.create_task(client.subscribe(topic, qos=1, timeout=math.inf))
        listening = asyncio.create_task(self._listen(client))
        try:
            done, _ = await asyncio.wait({subscribing, listening},
                                         return_when=asyncio.FIRST_COMPLETED)
            if subscribing in done:
                granted = subscribing.result()
                self._report_path(client)
                self.connected.set()
                self.stats.subscribed = 1
                log.info("telemetry.subscribed", topic=topic, granted=str(granted),
                         broker=f"{self.settings.mqtt_host}:{self.settings.mqtt_port}",
                         client_id=self.client_id, fast_path=client.fast_path_active)
            await listening
        finally:
            for task in (subscribing, listening):
                task.cancel()
            await asyncio.gather(subscribing, listening, return_exceptions=True)

    @staticmethod
    async def _listen(client: IngestClient) -> None:
        # Messages arrive through the socket wrapper or the inline queue; this only waits
        # for the connection to end (the iterator raises MqttError on disconnect).
        async for _ in client.messages:
            pass

    def _report_path(self, client: IngestClient) -> None:
        active = client.fast_path_active
        self.stats.fastpath_enabled = int(active)
        if self.fast_path and not active:
            # The hooks looked right but the socket was not wrapped: messages take paho's
            # path (still acknowledged only once durable), at a fraction of the speed.
            log.error("telemetry.fast_path_not_engaged", client_id=self.client_id)

    def pause(self) -> None:
        """Stop reading for good (shutdown): what arrives stays with the broker."""
        self.backpressure.pause()

    async def finish(self, task: asyncio.Task, seconds: float = 5.0) -> None:
        """After the final acknowledgements were queued: write them, then disconnect."""
        client = self.client
        if client is not None:
            with contextlib.suppress(Exception):
                await client.flush_output(seconds)
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError, aiomqtt.MqttError):
            await task


__all__ = ["Subscriber", "subscription_topic"]
