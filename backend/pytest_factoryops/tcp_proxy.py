"""A TCP proxy for fault tests: it sits between a process under test and a real server and
can slow the traffic down, stall it, or cut it, without touching the server (which other
tests may share).

    proxy = TcpProxy("127.0.0.1", 8096)
    await proxy.start()            # proxy.port now forwards to 127.0.0.1:8096
    proxy.delay = 0.5              # every chunk waits half a second, in order
    proxy.pause()                  # hold every byte, connections stay open (a hung server)
    await proxy.cut()              # drop every connection, refuse new ones
    proxy.restore()                # accept and forward again (what was held flows on)
    proxy.first_bytes              # what each client sent first (a protocol's hello)

It runs in the test's event loop: the test must await something (sleep, poll) for traffic
to flow."""

from __future__ import annotations

import asyncio
import contextlib


class TcpProxy:
    def __init__(self, target_host: str, target_port: int, *, delay: float = 0.0) -> None:
        self.target = (target_host, target_port)
        self.delay = delay
        self.port = 0
        self.refusing = False
        self.first_bytes: list[bytes] = []
        self._server: asyncio.base_events.Server | None = None
        self._connections: set[asyncio.Task] = set()
        self._writers: set[asyncio.StreamWriter] = set()
        self._flowing = asyncio.Event()
        self._flowing.set()

    async def start(self, port: int = 0) -> int:
        self._server = await asyncio.start_server(self._accept, "127.0.0.1", port or self.port)
        self.port = self._server.sockets[0].getsockname()[1]
        return self.port

    async def close(self) -> None:
        await self.cut()
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()
            self._server = None

    async def cut(self) -> None:
        """Close every open connection (both sides) and refuse new ones until `restore`."""
        self.refusing = True
        for writer in list(self._writers):
            writer.transport.abort()
        for task in list(self._connections):
            task.cancel()
        await asyncio.gather(*self._connections, return_exceptions=True)

    def pause(self) -> None:
        """Stop forwarding in both directions while keeping every connection open and
        accepting new ones: requests hang as they would on a stalled server."""
        self._flowing.clear()

    def restore(self) -> None:
        self.refusing = False
        self._flowing.set()

    async def _accept(self, client_reader: asyncio.StreamReader,
                      client_writer: asyncio.StreamWriter) -> None:
        if self.refusing:
            client_writer.transport.abort()
            return
        try:
            server_reader, server_writer = await asyncio.open_connection(*self.target)
        except OSError:
            client_writer.transport.abort()
            return
        self._writers.update((client_writer, server_writer))
        upstream = asyncio.create_task(self._pipe(client_reader, server_writer, sniff=True))
        downstream = asyncio.create_task(self._pipe(server_reader, client_writer))
        self._connections.update((upstream, downstream))
        try:
            await asyncio.wait({upstream, downstream}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for task in (upstream, downstream):
                task.cancel()
            with contextlib.suppress(Exception):
                await asyncio.gather(upstream, downstream, return_exceptions=True)
            for writer in (client_writer, server_writer):
                writer.transport.abort()
                self._writers.discard(writer)
            self._connections.difference_update((upstream, downstream))

    async def _pipe(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter, *,
                    sniff: bool = False) -> None:
        first = sniff
        while True:
            data = await reader.read(65536)
            if not data:
                return
            if first:
                self.first_bytes.append(data)
                first = False
            if self.delay:
                await asyncio.sleep(self.delay)
            await self._flowing.wait()
            writer.write(data)
            await writer.drain()
