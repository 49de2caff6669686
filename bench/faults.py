"""`make faults`: the archive under load while its cache and its database fail, and what visitors saw.

    python -m bench.faults --phase-seconds 20 --rate 40 --out docs

Everything it breaks is its own: a throwaway PostgreSQL cluster and a Redis server on spare
ports (so it can restart them without disturbing anything else on the machine), filled with
`generate_archive --scale XS`. The app runs under gunicorn with production settings and the
response cache on (ARCHIVE_CACHE_SECONDS=300, in Redis), offered RATE requests a second in
the load test's mix (bench/locustfile.py), while a watcher asks for one published protest's
page and API record four times a second. The phases:

1. baseline — everything up; the watched protest's answers are cached in Redis;
2. redis paused — Redis is stopped (SIGSTOP: connections hang, the worst kind of outage);
   halfway through, an editor withdraws the watched protest (through the write path);
3. redis back — Redis resumes (SIGCONT) with its old contents, the cached protest included;
4. redis killed — Redis is killed outright (connections refused), then started again empty;
5. postgres down — the cluster is stopped for a few seconds, then started again;
6. postgres back.

It fails (exit status 1) on any 5xx other than a 503 while the database is down (a 503 then
must carry Retry-After), any connection error, any request over 10 s, recovery over 10 s after
a fault ends, or the withdrawn protest answered 200 once after its withdrawal. The report goes
to var/bench/faults.json and, as a phase table, into <out>/benchmarks.md.
"""

# ruff: noqa: S603, S607 - runs this machine's PostgreSQL and Redis binaries and the venv's manage.py

from __future__ import annotations

import argparse
import datetime as dt
import http.client
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path

from bench import common
from bench.common import ROOT, write_json
from bench.markdown import faults_section, splice_section
from bench.run import free_port
from bench.server import Server
from bench.targets import discover

DATABASE = "archive_faults"
LONGEST_ALLOWED_S = 10.0
RECOVERY_ALLOWED_S = 10.0
# The load test's mix (bench/locustfile.py): operation name, weight.
MIX = [("record_page", 6), ("html_list", 4), ("search", 4), ("search_api", 2), ("api_list", 3), ("api_detail", 3)]


def _as_postgres(command: list[str]) -> list[str]:
    """PostgreSQL refuses to run as root; CI runs as root."""
    return ["runuser", "-u", "postgres", "--", *command] if os.geteuid() == 0 else command


def _postgres_bin() -> Path:
    found = subprocess.run(["pg_config", "--bindir"], capture_output=True, text=True, check=False)
    if found.returncode == 0 and (Path(found.stdout.strip()) / "initdb").exists():
        return Path(found.stdout.strip())
    candidates = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"))
    if not candidates:
        raise SystemExit("faults: PostgreSQL's initdb was not found (apt-get install postgresql)")
    return candidates[-1].parent


class Cluster:
    """A throwaway PostgreSQL cluster on a spare port: stopping it disturbs nobody else."""

    def __init__(self, root: Path, port: int):
        self.root, self.port = root, port
        self.data, self.log, self.bin = root / "data", root / "postgres.log", _postgres_bin()

    def _pg(self, *args: str) -> None:
        done = subprocess.run(_as_postgres([str(self.bin / args[0]), *args[1:]]), capture_output=True, text=True)
        if done.returncode:
            raise SystemExit(f"faults: {args[0]} failed ({done.returncode}):\n{done.stdout}{done.stderr}")

    def init(self) -> None:
        self.root.mkdir(parents=True, exist_ok=True)
        if os.geteuid() == 0:
            shutil.chown(self.root, "postgres", "postgres")
        self._pg("initdb", "-D", str(self.data), "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync")
        self.start()

    def start(self) -> None:
        options = f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 -c fsync=off"
        self._pg("pg_ctl", "-D", str(self.data), "-o", options, "-l", str(self.log), "-w", "-t", "60", "start")

    def stop(self) -> None:
        self._pg("pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "stop")

    def destroy(self) -> None:
        subprocess.run(
            _as_postgres([str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "stop"]),
            capture_output=True,
            check=False,
        )
        shutil.rmtree(self.root, ignore_errors=True)


class Redis:
    """A Redis server of our own on a spare port, without persistence."""

    def __init__(self, port: int, log: Path):
        self.port, self.log = port, log
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        command = ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]
        self.process = subprocess.Popen(command, stdout=self.log.open("ab"), stderr=subprocess.STDOUT)
        for _ in range(100):
            if subprocess.run(["redis-cli", "-p", str(self.port), "ping"], capture_output=True).returncode == 0:
                return
            time.sleep(0.1)
        raise SystemExit("faults: redis-server did not start")

    def signal(self, sig: int) -> None:
        self.process.send_signal(sig)

    def keys(self) -> int:
        reply = subprocess.run(["redis-cli", "-p", str(self.port), "dbsize"], capture_output=True, text=True)
        return int(reply.stdout.strip() or 0)

    def kill(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGCONT)
            self.process.kill()
            self.process.wait()


@dataclass
class Result:
    op: str
    start: float
    seconds: float
    status: int | None  # None: no HTTP answer at all
    error: str = ""
    retry_after: str | None = None


@dataclass
class Timeline:
    t0: float = field(default_factory=time.monotonic)
    phases: list[tuple[str, float]] = field(default_factory=list)
    events: dict[str, float] = field(default_factory=dict)

    def enter(self, name: str) -> None:
        self.phases.append((name, time.monotonic()))
        print(f"faults: {time.monotonic() - self.t0:6.1f} s  {name}", flush=True)

    def phase_of(self, moment: float) -> str:
        current = self.phases[0][0]
        for name, since in self.phases:
            if moment >= since:
                current = name
        return current


def get(port: int, path: str, op: str) -> Result:
    start = time.monotonic()
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.request("GET", path, headers={"Accept-Language": "en"})
        reply = conn.getresponse()
        reply.read()
        return Result(op, start, time.monotonic() - start, reply.status, retry_after=reply.getheader("Retry-After"))
    except (OSError, http.client.HTTPException) as error:
        return Result(op, start, time.monotonic() - start, None, error=type(error).__name__)
    finally:
        conn.close()


def paths_for(op: str, targets: dict, rng: random.Random) -> str:
    ids = targets["protest_ids"]
    terms = list(targets["search"].values()) or ["Tabriz"]
    query = "&".join(f"{k}={v}" for k, v in targets["list_query"].items())
    html_query = "&".join(f"{k}={v}" for k, v in targets["list_query"].items() if k != "page_size")
    match op:
        case "record_page":
            return f"/en/protests/{rng.choice(ids)}/"
        case "html_list":
            return f"/en/protests/?{html_query}"
        case "search":
            return f"/en/search/?q={urllib.parse.quote(rng.choice(terms))}"
        case "search_api":
            return f"/api/v1/search/?q={urllib.parse.quote(rng.choice(terms))}"
        case "api_list":
            return f"/api/v1/protests/?{query}"
        case _:
            return f"/api/v1/protests/{rng.choice(ids)}/"


class Load:
    """`rate` requests a second in the load test's mix, from `rate` threads at one a second each,
    plus a watcher asking for one protest four times a second."""

    def __init__(self, port: int, targets: dict, rate: int, victim: str, seed: int = 1):
        self.port, self.targets, self.rate, self.victim = port, targets, rate, victim
        self.results: list[Result] = []
        self.lock = threading.Lock()
        self.stopping = threading.Event()
        self.threads = [threading.Thread(target=self.visitor, args=(seed + n,), daemon=True) for n in range(rate)]
        self.threads.append(threading.Thread(target=self.watcher, daemon=True))
        self.ops = [op for op, weight in MIX for _ in range(weight)]

    def keep(self, result: Result) -> None:
        with self.lock:
            self.results.append(result)

    def visitor(self, seed: int) -> None:
        rng = random.Random(seed)  # noqa: S311 - choosing test requests
        next_at = time.monotonic() + rng.random()
        while not self.stopping.is_set():
            self.stopping.wait(max(0.0, next_at - time.monotonic()))
            next_at += 1.0
            op = rng.choice(self.ops)
            self.keep(get(self.port, paths_for(op, self.targets, rng), op))

    def watcher(self) -> None:
        while not self.stopping.is_set():
            self.keep(get(self.port, f"/en/protests/{self.victim}/", "victim_page"))
            self.keep(get(self.port, f"/api/v1/protests/{self.victim}/", "victim_api"))
            self.stopping.wait(0.25)

    def __enter__(self):
        for thread in self.threads:
            thread.start()
        return self

    def __exit__(self, *exc):
        self.stopping.set()
        for thread in self.threads:
            thread.join(timeout=40)


def manage(*args: str, env: dict) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True)


WITHDRAW = """
from django.contrib.auth import get_user_model
from archive import workflow
from archive.models import Protest
editor, _ = get_user_model().objects.get_or_create(
    username="fault-test-editor", defaults={{"is_superuser": True, "is_staff": True}}
)
protest = Protest.objects.get(public_id={victim!r})
workflow.record_withdraw(record=protest, user=editor, reason="Withdrawn by the fault test")
print("withdrawn")
"""


def failure(result: Result, database_down: bool) -> str | None:
    """Why this answer is a failure, or None. While the database is down (and until it has
    recovered, which is timed separately) a 503 with Retry-After is the right answer."""
    if result.status is None:
        return f"no answer ({result.error})"
    if result.status == 503 and database_down:
        return None if result.retry_after else "503 without Retry-After"
    if result.status >= 500:
        return str(result.status)
    if result.seconds > LONGEST_ALLOWED_S:
        return f"slower than {LONGEST_ALLOWED_S:.0f} s"
    return None


def judge(results: list[Result], timeline: Timeline, withdrawn_at: float | None, ends: dict[str, float]) -> dict:
    """Per phase: answers by status, the longest request, failures; per fault: seconds to recover."""
    phases = {name: {"requests": 0, "statuses": {}, "longest_s": 0.0, "failures": {}} for name, _ in timeline.phases}
    database_stopped = dict(timeline.phases).get("postgres down", float("inf"))
    for r in results:
        name = timeline.phase_of(r.start)
        phase = phases[name]
        phase["requests"] += 1
        key = str(r.status) if r.status is not None else r.error
        phase["statuses"][key] = phase["statuses"].get(key, 0) + 1
        phase["longest_s"] = max(phase["longest_s"], round(r.seconds, 2))
        # In flight when the database went away, or after: a 503 with Retry-After is the right answer.
        database_down = name in {"postgres down", "postgres back"} or r.start + r.seconds >= database_stopped
        why = failure(r, database_down=database_down)
        if why:
            phase["failures"][f"{why} ({r.op})"] = phase["failures"].get(f"{why} ({r.op})", 0) + 1
    # Recovered: when the last request that started after the fault ended (in the phase that follows it)
    # and still got no good answer had its answer.
    recovery = {}
    for fault, ended in ends.items():
        after = timeline.phase_of(ended)
        late = [
            r.start + r.seconds - ended
            for r in results
            if r.start >= ended and timeline.phase_of(r.start) == after and (r.status or 500) >= 500
        ]
        recovery[fault] = round(max(late), 2) if late else 0.0
    victim = [r for r in results if r.op.startswith("victim")]
    served_after = [r for r in victim if withdrawn_at is not None and r.start > withdrawn_at and r.status == 200]
    failures = [f"{name}: {why} ×{n}" for name, phase in phases.items() for why, n in phase["failures"].items()]
    failures += [
        f"recovery after {fault}: {seconds} s (limit {RECOVERY_ALLOWED_S:.0f} s)"
        for fault, seconds in recovery.items()
        if seconds > RECOVERY_ALLOWED_S
    ]
    if withdrawn_at is None:
        failures.append("the watched protest could not be withdrawn")
    elif not any(r.status == 200 and r.start < withdrawn_at for r in victim):
        failures.append("the watched protest was never served before its withdrawal: nothing was tested")
    if served_after:
        failures.append(f"the withdrawn protest was served {len(served_after)} times after its withdrawal")
    if not any(r.status == 410 for r in victim):
        failures.append("the withdrawn protest never answered 410 Gone")
    return {
        "phases": phases,
        "recovery_s": recovery,
        "withdrawn_served_after": len(served_after),
        "failures": failures,
        "pass": not failures,
    }


def run(args) -> dict:
    work = common.ROOT / "var" / "bench"
    work.mkdir(parents=True, exist_ok=True)
    scratch = Path(tempfile.mkdtemp(prefix="archive-faults-"))
    scratch.chmod(0o755)  # the cluster's own user must reach its directory inside
    cluster = Cluster(scratch / "pg", free_port())
    redis = Redis(free_port(), scratch / "redis.log")
    common.PG_SERVER = f"postgres://postgres@127.0.0.1:{cluster.port}"
    server = None
    try:
        print(f"faults: PostgreSQL on port {cluster.port}, Redis on {redis.port}, in {scratch}", flush=True)
        cluster.init()
        redis.start()
        env = {
            **os.environ,
            "DATABASE_URL": common.database_url(DATABASE),
            "DEBUG": "0",
            "REDIS_URL": f"redis://127.0.0.1:{redis.port}/0",
        }
        env.pop("ARCHIVE_BENCH", None)
        subprocess.run(
            _as_postgres(
                [str(cluster.bin / "createdb"), "-h", "127.0.0.1", "-p", str(cluster.port), "-U", "postgres", DATABASE]
            ),
            check=True,
        )
        for command in (
            ["migrate", "--no-input", "-v0"],
            ["generate_archive", "--scale", "XS", "--seed", str(args.seed)],
        ):
            done = manage(*command, env=env)
            if done.returncode:
                raise SystemExit(f"faults: manage.py {command[0]} failed:\n{done.stdout}{done.stderr}")
        targets = discover(DATABASE, seed=args.seed)
        victim = targets["protest_ids"][0]
        os.environ.update(BENCH_REDIS_URL=env["REDIS_URL"], BENCH_CACHE_SECONDS="300")
        port = free_port()
        server = Server(DATABASE, port, scratch, bench_middleware=False)
        server.start()
        timeline = Timeline()
        ends: dict[str, float] = {}
        withdrawn_at = None
        with Load(port, targets, args.rate, victim) as load:
            timeline.enter("baseline")
            time.sleep(args.phase_seconds)
            cached_keys = redis.keys()
            timeline.enter("redis paused")
            redis.signal(signal.SIGSTOP)
            time.sleep(args.phase_seconds / 2)
            done = manage("shell", "--no-imports", "-c", WITHDRAW.format(victim=victim), env=env)
            if "withdrawn" in done.stdout:
                withdrawn_at = time.monotonic()
            else:
                print(f"faults: withdrawing failed:\n{done.stdout}{done.stderr}", file=sys.stderr)
            time.sleep(args.phase_seconds / 2)
            redis.signal(signal.SIGCONT)
            ends["redis paused"] = time.monotonic()
            timeline.enter("redis back")
            time.sleep(args.phase_seconds)
            timeline.enter("redis killed")
            redis.kill()
            time.sleep(args.phase_seconds)
            redis.start()
            ends["redis killed"] = time.monotonic()
            timeline.enter("redis restarted")
            time.sleep(args.phase_seconds / 2)
            timeline.enter("postgres down")
            cluster.stop()
            time.sleep(args.postgres_down_seconds)
            cluster.start()
            ends["postgres down"] = time.monotonic()
            timeline.enter("postgres back")
            time.sleep(args.phase_seconds)
            timeline.enter("end")
        results = [r for r in load.results if r.start < timeline.phases[-1][1]]
        timeline.phases.pop()
        verdict = judge(results, timeline, withdrawn_at, ends)
        return {
            **verdict,
            "rate": args.rate,
            "phase_seconds": args.phase_seconds,
            "postgres_down_seconds": args.postgres_down_seconds,
            "requests": len(results),
            "cache_keys_before_outage": cached_keys,
            "victim": victim,
            "withdrawn_at_s": round(withdrawn_at - timeline.t0, 1) if withdrawn_at else None,
            "date": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
            "commit": subprocess.run(
                ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
            ).stdout.strip(),
        }
    finally:
        if server is not None:
            server.stop()
            shutil.copy(server.log, work / "faults-gunicorn.log")  # what the app logged, kept for reading
        redis.kill()
        cluster.destroy()
        shutil.rmtree(scratch, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--phase-seconds", type=float, default=20)
    parser.add_argument("--postgres-down-seconds", type=float, default=5)
    parser.add_argument("--rate", type=int, default=40, help="requests per second offered")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", type=Path, help="where benchmarks.md gets the phase table")
    args = parser.parse_args()
    report = run(args)
    write_json(common.ROOT / "var" / "bench" / "faults.json", report)
    print(json.dumps({k: report[k] for k in ("phases", "recovery_s", "withdrawn_served_after", "failures")}, indent=2))
    if args.out:
        target = args.out / "benchmarks.md"
        text = target.read_text() if target.exists() else "# Benchmarks\n"
        target.write_text(splice_section(text, "## Faults", faults_section(report)))
    sys.exit(0 if report["pass"] else 1)


if __name__ == "__main__":
    main()
