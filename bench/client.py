"""A keep-alive HTTP client that times each request to its last byte, and the timing loops built on it."""

from __future__ import annotations

import http.client
import threading
import time
from dataclasses import dataclass, field

from bench.common import median, percentile

# A kept-alive connection the server has since closed (idle timeout, worker recycled by max_requests)
# fails on first use; a browser or any HTTP library then reconnects once, and so do we.
STALE_CONNECTION = (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError)


@dataclass
class Reply:
    status: int
    seconds: float
    body: bytes
    headers: dict

    @property
    def queries(self) -> int | None:
        raw = self.headers.get("x-bench-queries")
        return int(raw) if raw is not None else None

    @property
    def worker_pid(self) -> int | None:
        raw = self.headers.get("x-bench-worker-pid")
        return int(raw) if raw is not None else None


class Client:
    def __init__(self, host: str, port: int, timeout: float = 120.0):
        self.host, self.port, self.timeout = host, port, timeout
        self.conn: http.client.HTTPConnection | None = None
        self.reconnects = 0

    def _connection(self) -> http.client.HTTPConnection:
        if self.conn is None:
            self.conn = http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)
        return self.conn

    def close(self) -> None:
        if self.conn is not None:
            self.conn.close()
            self.conn = None

    def request(self, path: str, headers: dict | None = None) -> http.client.HTTPResponse:
        """Send a GET and return the response with its body unread (for streams)."""
        for attempt in (1, 2):
            conn = self._connection()
            try:
                conn.request("GET", path, headers={"Accept-Encoding": "identity", **(headers or {})})
                return conn.getresponse()
            except STALE_CONNECTION:
                self.close()
                if attempt == 2:
                    raise
                self.reconnects += 1
        raise AssertionError("unreachable")

    def get(self, path: str, headers: dict | None = None) -> Reply:
        started = time.perf_counter()
        response = self.request(path, headers)
        body = response.read()
        seconds = time.perf_counter() - started
        if response.will_close:
            self.close()
        return Reply(response.status, seconds, body, {k.lower(): v for k, v in response.getheaders()})


@dataclass
class Samples:
    """Latencies (seconds), statuses and query counts of a series of requests."""

    seconds: list[float] = field(default_factory=list)
    statuses: dict = field(default_factory=dict)
    queries: list[int] = field(default_factory=list)
    db_ms: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    refusals: dict = field(default_factory=dict)  # status → the first body answered with it

    def add(self, reply: Reply) -> None:
        self.seconds.append(reply.seconds)
        self.statuses[reply.status] = self.statuses.get(reply.status, 0) + 1
        if reply.status >= 400:
            self.refusals.setdefault(reply.status, reply.body[:300].decode("utf-8", "replace"))
        if reply.queries is not None:
            self.queries.append(reply.queries)
        if "x-bench-db-ms" in reply.headers:
            self.db_ms.append(float(reply.headers["x-bench-db-ms"]))

    @property
    def bad(self) -> int:
        return sum(n for status, n in self.statuses.items() if status >= 400) + len(self.errors)

    def summary(self) -> dict:
        ms = [s * 1000 for s in self.seconds]
        return {
            "requests": len(self.seconds),
            "p50_ms": _round(percentile(ms, 50)),
            "p95_ms": _round(percentile(ms, 95)),
            "p99_ms": _round(percentile(ms, 99)),
            "max_ms": _round(max(ms) if ms else None),
            "statuses": {str(k): v for k, v in sorted(self.statuses.items())},
            "errors": self.errors[:5],
            "refusals": {str(k): v for k, v in self.refusals.items()},
            "queries": median(self.queries),
            "queries_max": max(self.queries) if self.queries else None,
            "db_ms": _round(median(self.db_ms)),
        }


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 2)


def sequential(client: Client, paths: list[str], count: int, max_seconds: float) -> Samples:
    """`count` requests one after another, cycling through `paths`; fewer (but at least 30) if that
    would take longer than `max_seconds`."""
    samples = Samples()
    deadline = time.perf_counter() + max_seconds
    for i in range(count):
        if i >= 30 and time.perf_counter() > deadline:
            break
        try:
            samples.add(client.get(paths[i % len(paths)]))
        except OSError as error:
            samples.errors.append(f"{type(error).__name__}: {error}")
            client.close()
    return samples


def concurrent(host: str, port: int, paths: list[str], clients: int, seconds: float) -> dict:
    """`clients` threads, each with its own keep-alive connection, requesting for `seconds`."""
    results = [Samples() for _ in range(clients)]
    barrier = threading.Barrier(clients + 1)

    def run(n: int) -> None:
        client = Client(host, port)
        barrier.wait()
        deadline = time.perf_counter() + seconds
        i = n
        while time.perf_counter() < deadline:
            try:
                results[n].add(client.get(paths[i % len(paths)]))
            except OSError as error:
                results[n].errors.append(f"{type(error).__name__}: {error}")
                client.close()
            i += clients
        client.close()

    threads = [threading.Thread(target=run, args=(n,), daemon=True) for n in range(clients)]
    for thread in threads:
        thread.start()
    barrier.wait()
    started = time.perf_counter()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    merged = Samples()
    for part in results:
        merged.seconds += part.seconds
        merged.queries += part.queries
        merged.db_ms += part.db_ms
        merged.errors += part.errors
        for status, body in part.refusals.items():
            merged.refusals.setdefault(status, body)
        for status, n in part.statuses.items():
            merged.statuses[status] = merged.statuses.get(status, 0) + n
    ok = sum(n for status, n in merged.statuses.items() if status < 400)
    return {"clients": clients, "seconds": round(elapsed, 2), "req_per_s": round(ok / elapsed, 1), **merged.summary()}
