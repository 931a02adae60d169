"""A real uvicorn server on a loopback ephemeral port, in a thread, for the server and browser tests."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

import uvicorn


@contextmanager
def uvicorn_server(app) -> Iterator[str]:
    """Serve the ASGI `app` on 127.0.0.1 (ephemeral port) while the block runs; yields the root URL."""
    # proto IPPROTO_TCP, not 0: asyncio sets TCP_NODELAY only then, and without it Nagle plus delayed
    # ACKs add ~40 ms to every response whose headers and body go out in separate writes
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.bind(("127.0.0.1", 0))
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="off"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.01)
    try:
        yield f"http://127.0.0.1:{sock.getsockname()[1]}"
    finally:
        server.should_exit = True
        thread.join(10)
        sock.close()
