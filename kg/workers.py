"""A bounded, ordered process pool: results come back in submission order and at most `window` tasks wait."""

from __future__ import annotations

import multiprocessing
from collections import deque
from collections.abc import Callable, Iterator


class _Done:
    def __init__(self, value):
        self.value = value

    def get(self):
        return self.value


class Workers:
    """Runs tasks in `n` processes (or inline when n <= 1). Memory stays flat: submit() blocks, by
    handing back finished results, once `window` tasks are outstanding."""

    def __init__(self, n: int, window_per_worker: int = 3, initializer: Callable | None = None, initargs: tuple = ()):
        self.n = max(1, n)
        self._init = (initializer, initargs)  # run once in each worker (inline: not at all)
        self.window = self.n * window_per_worker
        self._pool = None
        self._pending: deque = deque()

    def __enter__(self) -> Workers:
        if self.n > 1:
            # forkserver: workers fork from a clean process that imported the pipeline once, not from
            # this one (which may hold threads, an open store and sockets).
            ctx = multiprocessing.get_context("forkserver")
            ctx.set_forkserver_preload(["kg.stages", "kg.warm"])  # warm: KB + gazetteer once, not per worker
            self._pool = ctx.Pool(self.n, *self._init)
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        if self._pool is not None:
            if exc_type is None:
                self._pool.close()
            else:
                self._pool.terminate()
            self._pool.join()

    def submit(self, fn: Callable, *args, tag=None) -> Iterator[tuple[object, object]]:
        """Queue fn(*args); yields (tag, result) of tasks that had to finish to make room."""
        if self._pool is None:
            self._pending.append((tag, _Done(fn(*args))))
        else:
            self._pending.append((tag, self._pool.apply_async(fn, args)))
        while len(self._pending) > self.window:
            tag_, res = self._pending.popleft()
            yield tag_, res.get()

    def marker(self, tag) -> Iterator[tuple[object, object]]:
        """A tag that comes back, with result None, once every task submitted before it is done."""
        self._pending.append((tag, _Done(None)))
        if self._pool is None:
            yield from self.drain()

    def drain(self) -> Iterator[tuple[object, object]]:
        """Every outstanding (tag, result), in order."""
        while self._pending:
            tag, res = self._pending.popleft()
            yield tag, res.get()
