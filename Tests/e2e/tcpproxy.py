"""A loopback TCP proxy a test can cut: models a network partition between one process and a server.

Each failover sidecar in the end-to-end tests reaches the Kubernetes API server through its own
proxy. `blackhole()` makes the link silently drop everything, as a partition does: connections
stay open but no byte crosses, and new connections are accepted but go nowhere, so the client sees
timeouts, not errors. `heal()` restores forwarding; connections held during the partition are
closed (a real partition long enough to matter would have timed them out).
"""

from __future__ import annotations

import asyncio
import contextlib
import ssl
import threading


class TCPProxy:
    """`upstream_tls`: speak TLS to the target (trusting that context's CAs) and plain TCP to clients,
    e.g. so a client that cannot trust a private CA (URLSession on Linux) reaches a test API server."""

    def __init__(self, target_host: str, target_port: int, listen_host: str = "127.0.0.1",
                 upstream_tls: ssl.SSLContext | None = None) -> None:
        self.target = (target_host, target_port)
        self._upstream_tls = upstream_tls
        self._loop = asyncio.new_event_loop()
        self._blackholed = False
        self._held: set[asyncio.StreamWriter] = set()
        self._active: set[asyncio.StreamWriter] = set()
        self._thread = threading.Thread(target=self._loop.run_forever, name="tcpproxy", daemon=True)
        self._thread.start()
        self._server = self._call(asyncio.start_server(self._accept, listen_host, 0))
        self.port: int = self._server.sockets[0].getsockname()[1]
        self.address = f"{listen_host}:{self.port}"

    def _call(self, coroutine):
        return asyncio.run_coroutine_threadsafe(coroutine, self._loop).result(30)

    @property
    def blackholed(self) -> bool:
        return self._blackholed

    def blackhole(self) -> None:
        """From now on nothing crosses; every open connection is frozen."""
        self._blackholed = True

    def heal(self) -> None:
        async def close_held() -> None:
            self._blackholed = False
            for writer in list(self._held | self._active):
                writer.close()
            self._held.clear()
            self._active.clear()

        self._call(close_held())

    def close(self) -> None:
        async def shutdown() -> None:
            self._server.close()
            for writer in list(self._held | self._active):
                writer.close()
            # Connection handlers end by themselves once their sockets are closed; waiting for
            # them here leaves none pending when the loop stops (asyncio complains about each at
            # exit). One that still hangs is cancelled.
            pending = [task for task in asyncio.all_tasks() if task is not asyncio.current_task()]
            if pending:
                _, stuck = await asyncio.wait(pending, timeout=2)
                for task in stuck:
                    task.cancel()

        with contextlib.suppress(Exception):
            self._call(shutdown())
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(5)
        if not self._thread.is_alive():
            self._loop.close()

    async def _accept(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        if self._blackholed:
            self._held.add(writer)
            return
        try:
            if self._upstream_tls is None:
                upstream_reader, upstream_writer = await asyncio.open_connection(*self.target)
            else:
                upstream_reader, upstream_writer = await asyncio.open_connection(
                    *self.target, ssl=self._upstream_tls, server_hostname=self.target[0])
        except (OSError, ssl.SSLError):
            writer.close()
            return
        self._active.update((writer, upstream_writer))
        await asyncio.gather(self._pump(reader, upstream_writer), self._pump(upstream_reader, writer),
                             return_exceptions=True)
        for each in (writer, upstream_writer):
            self._active.discard(each)
            each.close()

    async def _pump(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        while True:
            data = await reader.read(65536)
            if not data:
                break
            if self._blackholed:
                continue  # dropped, like packets in a partition
            writer.write(data)
            await writer.drain()
        with contextlib.suppress(Exception):
            if writer.can_write_eof():
                writer.write_eof()
            else:
                writer.close()
