"""The redis queue's overhead: the STOP recipe on a Redis list, lab against a bare script.

    python bench/redis.py [--items 100000] [--workers 3] [--pairs 5] [--json]

One redis-server of the benchmark's own (a Unix socket in a temporary
directory, a random password, no persistence) serves both sides. Each pair
runs, each in a fresh process and in alternating order:

- bare: redis-py with no instruments. The main process RPUSHes each item
  as JSON, then one "STOP" per worker; W spawned processes each BLMOVE
  from the list into their own processing list (the LPOP of the previous
  item in the same trip), exactly the commands the lab's queue sends, until
  "STOP"; the main process joins them.
- lab: core.run() of sentinel-per-worker with --queue redis on that server.

Both time the same span (the queue's first put to the last worker joined;
the lab's elapsed_s), and each pair's ratio is lab / bare; the figure is
the median ratio (target <= 1.15).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import multiprocessing
import os
import secrets
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
# Run as a script, this file's directory comes first on the path, and this
# file would shadow the redis package it measures.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

TARGET = 1.15
KEY = "bench:q"


def _client(url: str, password: str, name: str = "") -> Any:
    import redis

    return redis.Redis.from_url(url, password=password, client_name=name or None)


def _worker(url: str, password: str, index: int) -> None:
    client = _client(url, password)
    processing = f"{KEY}:proc:{index}"
    holding = False
    while True:
        if holding:
            pipe = client.pipeline(transaction=False)
            pipe.lpop(processing)
            pipe.blmove(KEY, processing, 0, "LEFT", "LEFT")
            raw = pipe.execute()[1]
        else:
            raw = client.blmove(KEY, processing, 0, "LEFT", "LEFT")
        holding = True
        data = json.loads(raw)
        if data == "STOP":
            break
    client.lpop(processing)
    client.close()


def bare(url: str, password: str, items: int, workers: int) -> float:
    ctx = multiprocessing.get_context("spawn")
    client = _client(url, password)
    started = time.monotonic()
    for i in range(items):
        client.rpush(KEY, json.dumps(i))
    for _ in range(workers):
        client.rpush(KEY, json.dumps("STOP"))
    processes = [ctx.Process(target=_worker, args=(url, password, w)) for w in range(workers)]
    for process in processes:
        process.start()
    for process in processes:
        process.join()
    elapsed = time.monotonic() - started
    client.close()
    return elapsed


def lab(url: str, password: str, items: int, workers: int) -> float:
    from core.backends import get_backend
    from core.backends.redis_server import ServerAddress
    from core.engine import run
    from core.params import RunParams

    backend = get_backend("redis")
    backend.use_server(ServerAddress(url, password))  # type: ignore[attr-defined]
    params = RunParams(
        strategy="sentinel-per-worker",
        items=items,
        workers=workers,
        queue_kind="redis",
        start_method="spawn",
    )
    result = run(params)
    if result.outcome != "ok":
        raise SystemExit(f"the lab's run ended {result.outcome}: {result.diagnosis}")
    return float(result.elapsed_s)


@contextlib.contextmanager
def server() -> Iterator[tuple[str, str]]:
    binary = shutil.which("redis-server")
    if binary is None:
        raise SystemExit("redis-server is not installed (apt-get install redis-server)")
    directory = tempfile.mkdtemp(prefix="queuescope-bench-redis-")
    password = secrets.token_hex(16)
    socket_path = os.path.join(directory, "redis.sock")
    config = os.path.join(directory, "redis.conf")
    with open(os.open(config, os.O_CREAT | os.O_WRONLY, 0o600), "w") as out:
        out.write(
            f"port 0\nunixsocket {socket_path}\nunixsocketperm 700\nrequirepass {password}\n"
            f'save ""\nappendonly no\ndir {directory}\n'
        )
    process = subprocess.Popen([binary, config], stdout=subprocess.DEVNULL)
    url = f"unix://{socket_path}"
    try:
        deadline = time.monotonic() + 10
        while True:
            try:
                _client(url, password).ping()
                break
            except Exception:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.02)
        yield url, password
    finally:
        process.terminate()
        process.wait(10)
        shutil.rmtree(directory, ignore_errors=True)


def _measure(side: str, url: str, password: str, items: int, workers: int) -> float:
    """One side in a fresh process (the password through the environment)."""
    sizes = ["--items", str(items), "--workers", str(workers)]
    done = subprocess.run(
        [sys.executable, str(Path(__file__)), "--one", side, "--url", url, *sizes],
        env={**os.environ, "QUEUESCOPE_REDIS_PASSWORD": password},
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    return float(json.loads(done.stdout)["elapsed_s"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--items", type=int, default=100_000)
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--pairs", type=int, default=5)
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--one", choices=("bare", "lab"), help=argparse.SUPPRESS)
    parser.add_argument("--url", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        password = os.environ.get("QUEUESCOPE_REDIS_PASSWORD", "")
        measure = bare if args.one == "bare" else lab
        print(json.dumps({"elapsed_s": measure(args.url, password, args.items, args.workers)}))
        return
    times: dict[str, list[float]] = {"bare": [], "lab": []}
    with server() as (url, password):
        for pair in range(args.pairs):
            order = ("bare", "lab") if pair % 2 == 0 else ("lab", "bare")
            for side in order:
                times[side].append(_measure(side, url, password, args.items, args.workers))
    ratios = [lab_s / bare_s for lab_s, bare_s in zip(times["lab"], times["bare"], strict=True)]
    report = {
        "items": args.items,
        "workers": args.workers,
        "pairs": args.pairs,
        "median_s": {side: statistics.median(values) for side, values in times.items()},
        "ratios": ratios,
        "median_ratio": statistics.median(ratios),
        "target": TARGET,
    }
    if args.json:
        print(json.dumps(report, indent=2))
    else:
        print(
            f"redis, STOP recipe, {args.items:,} items, {args.workers} workers, "
            f"{args.pairs} pairs: lab {report['median_s']['lab']:.2f} s, "
            f"bare {report['median_s']['bare']:.2f} s, median ratio {report['median_ratio']:.3f} "
            f"(target <= {TARGET})"
        )


if __name__ == "__main__":
    main()
