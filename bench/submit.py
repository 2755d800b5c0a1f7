"""Young people's submissions under load, against a bare Flask "hello" under the same gunicorn.

    .venv/bin/python bench/submit.py                  # SQLite, 200 phones, 20 s per phase
    .venv/bin/python bench/submit.py --postgres       # two instances, PostgreSQL + Redis
    .venv/bin/python bench/submit.py --paged          # one question per page (13 requests)

Each phone does the whole journey: GET /j/<code> (consent page), POST "yes" with the CSRF
token, then the answers (all ten on one page by default, as DESIGN.md's target says: "GET
form + POST 10 answers"), and expects the thanks page. See bench/README.md.
"""

from __future__ import annotations

import argparse
import random
import resource
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import common

THANKS_MARKER = "Your answers have been sent."


@dataclass
class Tally:
    """What one phone saw (merged at the end; no locks on the hot path)."""

    latencies: list[tuple[float, float]] = field(default_factory=list)  # (finished at, seconds)
    submissions: list[float] = field(default_factory=list)  # finished at, 2xx thanks pages
    errors: list[str] = field(default_factory=list)


class Phone(threading.Thread):
    """One young person going through the journey again and again until the time is up."""

    def __init__(
        self, ports: list[int], path_or_code: str, mode: str, stop_at: float, seed: int
    ) -> None:
        super().__init__(daemon=True)
        self.ports, self.target, self.mode, self.stop_at = ports, path_or_code, mode, stop_at
        self.rng = random.Random(seed)
        self.tally = Tally()
        self.seed = seed

    def timed(
        self, client: common.Client, method: str, path: str, form: Any = None
    ) -> tuple[int, str]:
        started = time.perf_counter()
        status, body = client.request(method, path, form)
        now = time.perf_counter()
        self.tally.latencies.append((now, now - started))
        if status >= 400:
            raise RuntimeError(f"{method} {path.split('?')[0]} -> {status}")
        return status, body

    def run(self) -> None:
        port = self.ports[self.seed % len(self.ports)]
        client = common.Client("127.0.0.1", port)
        while time.perf_counter() < self.stop_at:
            try:
                if self.mode == "hello":
                    self.timed(client, "GET", "/")
                else:
                    self.journey(client)
            except Exception as exc:
                self.tally.errors.append(str(exc)[:200])
                client.close()
                client = common.Client("127.0.0.1", port)
        client.close()

    def journey(self, client: common.Client) -> None:
        code = self.target
        client.cookie = None
        _, page = self.timed(client, "GET", f"/j/{code}")
        token = common.CSRF_RE.search(page).group(1)
        _, page = self.timed(client, "POST", f"/j/{code}", {"csrf_token": token, "choice": "yes"})
        # One question per page: answer each and press Next, until the check page.
        while self.mode == "paged" and common.FORM_ACTION_RE.search(page).group(1) == "/answers":
            form = [*common.answer_form(page, self.rng), ("go", "next")]
            _, page = self.timed(client, "POST", "/answers", form)
        form = common.answer_form(page, self.rng)
        if self.mode == "paged":
            form.append(("go", "send"))
        status, page = self.timed(client, "POST", "/answers/send", form)
        if status == 200 and THANKS_MARKER in page:
            self.tally.submissions.append(time.perf_counter())
        else:
            self.tally.errors.append(f"send -> {status} without the thanks page")


@dataclass
class Phase:
    """The figures of one phase (hello or app)."""

    name: str
    seconds: float
    requests: int
    submissions: int
    total_submissions: int
    errors: list[str]
    latencies: list[float]
    server_cpu: float
    client_cpu: float
    # Over the whole phase (warm-up and the last journeys too), free of edge effects:
    total_requests: int
    total_server_cpu: float
    total_client_cpu: float

    @property
    def rps(self) -> float:
        return self.requests / self.seconds

    @property
    def sps(self) -> float:
        return self.submissions / self.seconds


def drive(
    ports: list[int],
    target: str,
    mode: str,
    clients: int,
    seconds: float,
    warmup: float,
    servers: list[common.Gunicorn],
) -> Phase:
    """Run `clients` phones for warmup + seconds; count only what finished inside the window."""
    start = time.perf_counter()
    window_start = start + warmup
    stop_at = window_start + seconds
    phones = [Phone(ports, target, mode, stop_at, seed) for seed in range(clients)]
    cpu_start = sum(server.cpu_seconds() for server in servers)
    client_start = resource.getrusage(resource.RUSAGE_SELF)
    for phone in phones:
        phone.start()
    time.sleep(max(0.0, window_start - time.perf_counter()))
    cpu_before = sum(server.cpu_seconds() for server in servers)
    client_mid = resource.getrusage(resource.RUSAGE_SELF)
    time.sleep(max(0.0, stop_at - time.perf_counter()))
    cpu_after = sum(server.cpu_seconds() for server in servers)
    client_after = resource.getrusage(resource.RUSAGE_SELF)
    for phone in phones:
        phone.join(timeout=180)
    cpu_end = sum(server.cpu_seconds() for server in servers)
    client_end = resource.getrusage(resource.RUSAGE_SELF)
    stuck = sum(phone.is_alive() for phone in phones)
    in_window = [
        latency
        for phone in phones
        for finished, latency in phone.tally.latencies
        if window_start <= finished < stop_at
    ]
    errors = [error for phone in phones for error in phone.tally.errors]
    if stuck:
        errors.append(f"{stuck} phones did not finish")
    return Phase(
        name=mode,
        seconds=seconds,
        requests=len(in_window),
        submissions=sum(
            window_start <= t < stop_at for phone in phones for t in phone.tally.submissions
        ),
        total_submissions=sum(len(phone.tally.submissions) for phone in phones),
        errors=errors,
        latencies=in_window,
        server_cpu=cpu_after - cpu_before,
        client_cpu=(client_after.ru_utime + client_after.ru_stime)
        - (client_mid.ru_utime + client_mid.ru_stime),
        total_requests=sum(len(phone.tally.latencies) for phone in phones),
        total_server_cpu=cpu_end - cpu_start,
        total_client_cpu=(client_end.ru_utime + client_end.ru_stime)
        - (client_start.ru_utime + client_start.ru_stime),
    )


def run_phase(
    app: str | None,
    env: dict[str, str],
    instances: int,
    settings: common.ServerSettings,
    mode: str,
    target: str,
    args: argparse.Namespace,
    log_dir: Path,
) -> Phase:
    """Start the servers, drive them, stop them."""
    servers = [common.Gunicorn(app, settings, env, log_dir) for _ in range(instances)]
    try:
        for server in servers:
            server.wait_ready("/" if app else "/join")
        return drive(
            [s.port for s in servers],
            target,
            mode,
            args.clients,
            args.seconds,
            args.warmup,
            servers,
        )
    finally:
        for server in servers:
            server.stop()


def report(
    hello: Phase,
    real: Phase,
    stored: tuple[int, int],
    settings: common.ServerSettings,
    args: argparse.Namespace,
    backend: str,
) -> int:
    """Print the table and the JSON line; the exit status (0 when every check holds)."""
    per_submission = 13 if args.paged else 3
    rows = []
    for phase in (hello, real):
        rows.append(
            [
                "hello" if phase is hello else f"journey ({'paged' if args.paged else 'one page'})",
                f"{phase.rps:.0f}",
                "-" if phase is hello else f"{phase.sps:.1f}",
                f"{percentile_ms(phase.latencies, 0.50):.0f}",
                f"{percentile_ms(phase.latencies, 0.95):.0f}",
                f"{percentile_ms(phase.latencies, 0.99):.0f}",
                len(phase.errors),
                f"{phase.server_cpu / phase.seconds:.2f}",
                f"{phase.client_cpu / phase.seconds:.2f}",
            ]
        )
    print()
    print(
        f"{backend}, {settings.describe()} per instance, {args.instances} instance(s), {args.clients} phones, {args.seconds:.0f} s (+{args.warmup:.0f} s warm-up), {common.machine()['cpus']} CPUs, load average {common.machine()['load_average']}"
    )
    common.print_table(
        [
            "phase",
            "req/s",
            "subm/s",
            "p50 ms",
            "p95 ms",
            "p99 ms",
            "errors",
            "server CPUs",
            "client CPUs",
        ],
        rows,
    )
    ratio = real.sps / hello.rps if hello.rps else 0.0
    submissions, answers = stored
    lost = real.total_submissions - submissions
    print()
    print(
        f"submissions/s ÷ hello requests/s = {real.sps:.1f} / {hello.rps:.0f} = {ratio:.3f}  (target ≥ 0.25)"
    )
    print(
        f"request-for-request: journey req/s ÷ hello req/s = {real.rps / hello.rps:.3f}  ({per_submission} requests per submission)"
    )
    # CPU per operation does not depend on what else the machine is doing, unlike rates.
    hello_cpu_ms = 1000 * hello.total_server_cpu / max(hello.total_requests, 1)
    journey_cpu_ms = 1000 * real.total_server_cpu / max(real.total_submissions, 1)
    cpu_ratio = hello_cpu_ms / journey_cpu_ms if journey_cpu_ms else 0.0
    print(
        f"server CPU: {hello_cpu_ms:.2f} ms per hello request, {journey_cpu_ms:.1f} ms per submission "
        f"-> CPU-bound ratio {cpu_ratio:.3f}"
    )
    print(
        f"stored: {submissions} submissions, {answers} answers; thanks pages (2xx) received: {real.total_submissions}; lost: {lost}"
    )
    for error in sorted(set(real.errors + hello.errors))[:10]:
        print(f"  error: {error}")
    checks = {
        "ratio": ratio >= 0.25,
        "zero_errors": not real.errors and not hello.errors,
        "rows_equal_2xx": submissions == real.total_submissions,
    }
    print(
        "checks: " + ", ".join(f"{name} {'PASS' if ok else 'MISS'}" for name, ok in checks.items())
    )
    common.print_json(
        "submit",
        {
            "backend": backend,
            "settings": settings.describe(),
            "instances": args.instances,
            "clients": args.clients,
            "seconds": args.seconds,
            "paged": args.paged,
            "hello_rps": round(hello.rps, 1),
            "journey_rps": round(real.rps, 1),
            "submissions_per_s": round(real.sps, 2),
            "ratio": round(ratio, 4),
            "p50_ms": round(percentile_ms(real.latencies, 0.50), 1),
            "p95_ms": round(percentile_ms(real.latencies, 0.95), 1),
            "p99_ms": round(percentile_ms(real.latencies, 0.99), 1),
            "hello_p99_ms": round(percentile_ms(hello.latencies, 0.99), 1),
            "errors": len(real.errors) + len(hello.errors),
            "submissions_2xx": real.total_submissions,
            "submissions_stored": submissions,
            "answers_stored": answers,
            "lost": lost,
            "server_cpus_busy": round(real.server_cpu / real.seconds, 2),
            "server_cpu_ms_per_hello": round(hello_cpu_ms, 3),
            "server_cpu_ms_per_submission": round(journey_cpu_ms, 2),
            "cpu_bound_ratio": round(cpu_ratio, 4),
            "client_cpus_busy": round(real.client_cpu / real.seconds, 2),
            "checks": {name: "PASS" if ok else "MISS" for name, ok in checks.items()},
            **common.machine(),
        },
    )
    return 0 if all(checks.values()) else 1


def percentile_ms(values: list[float], share: float) -> float:
    return common.percentile(values, share) * 1000


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--clients", type=int, default=200, help="concurrent phones (default 200)")
    parser.add_argument(
        "--seconds", type=float, default=20, help="measured seconds per phase (default 20)"
    )
    parser.add_argument(
        "--warmup", type=float, default=3, help="seconds before measuring (default 3)"
    )
    parser.add_argument("--workers", type=int, default=None, help="gunicorn workers per instance")
    parser.add_argument(
        "--threads", type=int, default=None, help="threads per worker (>1 means gthread)"
    )
    parser.add_argument(
        "--worker-class", default="sync", help="gunicorn worker class when threads is 1"
    )
    parser.add_argument(
        "--paged", action="store_true", help="one question per page (13 requests a submission)"
    )
    parser.add_argument(
        "--postgres", action="store_true", help="two instances sharing PostgreSQL and Redis"
    )
    parser.add_argument(
        "--instances",
        type=int,
        default=None,
        help="gunicorn instances (default 1, or 2 with --postgres)",
    )
    parser.add_argument(
        "--redis", default=common.DEFAULT_REDIS, help="Redis for --postgres rate limits"
    )
    parser.add_argument("--logs", type=Path, help="keep gunicorn's logs in this folder")
    args = parser.parse_args(argv)
    args.instances = args.instances or (2 if args.postgres else 1)
    # Defaults chosen on the 2-core machine (see bench/README.md): 4 sync workers for one
    # instance; two instances share the same 2 cores, so 2 workers each.
    settings = common.ServerSettings(
        workers=args.workers or (4 if args.instances == 1 else 2),
        threads=args.threads or 1,
        worker_class=args.worker_class,
    )
    mode = "paged" if args.paged else "one-page"
    with tempfile.TemporaryDirectory(prefix="participation-bench-logs-") as logs:
        log_dir = args.logs or Path(logs)
        log_dir.mkdir(parents=True, exist_ok=True)
        print(f"hello: {settings.describe()} × {args.instances} instance(s) ...", flush=True)
        hello = run_phase("hello_app:app", {}, args.instances, settings, "hello", "", args, log_dir)
        database = common.fresh_postgres() if args.postgres else common.fresh_sqlite()
        with database as url:
            _, code = common.create_open_activity(url, one_page=not args.paged)
            env = {"PARTICIPATION_DATABASE_URL": url}
            if args.postgres:
                env["PARTICIPATION_RATELIMIT_STORAGE_URI"] = args.redis
            print(
                f"app ({'PostgreSQL' if args.postgres else 'SQLite'}): {settings.describe()} × {args.instances} instance(s) ...",
                flush=True,
            )
            real = run_phase(None, env, args.instances, settings, mode, code, args, log_dir)
            stored = common.count_rows(url)
    return report(
        hello, real, stored, settings, args, "PostgreSQL + Redis" if args.postgres else "SQLite"
    )


if __name__ == "__main__":
    sys.exit(main())
