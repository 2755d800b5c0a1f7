"""Young people's submissions under load: the app against the same-stack floor and a bare "hello".

    .venv/bin/python bench/submit.py                  # SQLite, 100 phones, 3 rounds of 10 s
    .venv/bin/python bench/submit.py --rounds 5       # more rounds, steadier medians
    .venv/bin/python bench/submit.py --postgres       # the app on PostgreSQL + Redis (no floor)
    .venv/bin/python bench/submit.py --paged          # one question per page (13 requests)

Three servers run under the same gunicorn settings (participation/gunicorn_conf.py): the
bare hello app (bench/hello_app.py), the floor (bench/floor_app.py: the same journey on the
same stack with nothing extra) and the real app, each on its own fresh database holding the
same open activity of ten questions. The phases are interleaved: every round drives each
server in turn (in a rotating order), so whatever else the machine is doing falls on all
three alike. Each phone does the whole journey: GET /j/<code> (consent page), POST "yes" with
the CSRF token, then the answers (all ten on one page by default), and expects the thanks
page. See bench/README.md.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import random
import resource
import statistics
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
    """The figures of one phase (hello, floor or app) in one round."""

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
    load_average: float = 0.0
    restarts: int = 0  # workers started during the phase (gunicorn's max_requests recycling)

    @property
    def rps(self) -> float:
        return self.requests / self.seconds

    @property
    def sps(self) -> float:
        return self.submissions / self.seconds

    @property
    def cpu_ms_per_request(self) -> float:
        """Server CPU per request over the whole phase (warm-up included: no edge effects)."""
        return 1000 * self.total_server_cpu / max(self.total_requests, 1)

    @property
    def cpu_ms_per_submission(self) -> float:
        """Server CPU per stored submission over the whole phase."""
        return 1000 * self.total_server_cpu / max(self.total_submissions, 1)

    def percentile_ms(self, share: float) -> float:
        """A request latency percentile inside the measured window, in milliseconds."""
        return common.percentile(self.latencies, share) * 1000


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
    workers_before = {pid for server in servers for pid in server.cpu_seen}
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
    workers_after = {pid for server in servers for pid in server.cpu_seen}
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
        restarts=len(workers_after - workers_before),
    )


@dataclass
class Server:
    """One of the three servers of a run, with what it is driven with."""

    name: str  # hello, floor or app
    instances: list[common.Gunicorn]
    mode: str  # the phones' mode: hello, one-page or paged
    target: str  # the join code ("" for hello)
    url: str | None = None  # its database
    rounds: list[Phase] = field(default_factory=list)
    warm_up: Phase | None = None  # the first seconds, not counted in the figures
    form_bytes: int = 0  # the answering form's page, as a phone receives it

    @property
    def phases(self) -> list[Phase]:
        """Every phase driven, warm-up included (for errors and stored = thanks)."""
        return [self.warm_up, *self.rounds] if self.warm_up else list(self.rounds)

    @property
    def ports(self) -> list[int]:
        return [instance.port for instance in self.instances]


def form_page_bytes(server: Server) -> int:
    """The size of the page a phone gets after saying yes (the ten-question form)."""
    client = common.Client("127.0.0.1", server.ports[0])
    try:
        _, page = client.request("GET", f"/j/{server.target}")
        token = common.CSRF_RE.search(page).group(1)
        _, page = client.request(
            "POST", f"/j/{server.target}", {"csrf_token": token, "choice": "yes"}
        )
    finally:
        client.close()
    return len(page.encode())


def start(name: str, app: str | None, env: dict[str, str], count: int, args, log_dir: Path):
    """Start `count` gunicorn instances of one app and wait until they answer."""
    settings = server_settings(args)
    instances = [common.Gunicorn(app, settings, env, log_dir) for _ in range(count)]
    for instance in instances:
        instance.wait_ready("/" if app else "/join")
    print(f"{name}: {settings.describe()} × {count} instance(s) ready", flush=True)
    return instances


def server_settings(args: argparse.Namespace) -> common.ServerSettings:
    """The gunicorn settings every server of the run gets."""
    # Defaults chosen on the 2-core machine (see bench/README.md): 4 sync workers for one
    # instance; two instances share the same 2 cores, so 2 workers each.
    return common.ServerSettings(
        workers=args.workers or (4 if args.instances == 1 else 2),
        threads=args.threads or 1,
        worker_class=args.worker_class,
    )


def median(values: list[float]) -> float:
    """The median (0 for none)."""
    return statistics.median(values) if values else 0.0


@dataclass
class Round:
    """The comparisons within one round."""

    app_cpu: float
    floor_cpu: float | None
    hello_cpu: float
    app_sps: float
    floor_sps: float | None
    hello_rps: float

    @property
    def floor_ratio(self) -> float | None:
        """App CPU per submission ÷ floor CPU per submission."""
        return self.app_cpu / self.floor_cpu if self.floor_cpu else None

    @property
    def hello_ratio_cpu(self) -> float:
        """Hello CPU per request ÷ app CPU per submission (how many hellos one send costs)."""
        return self.hello_cpu / self.app_cpu if self.app_cpu else 0.0

    @property
    def hello_ratio_rate(self) -> float:
        """App submissions/s ÷ hello requests/s."""
        return self.app_sps / self.hello_rps if self.hello_rps else 0.0


def compare(servers: dict[str, Server], number: int) -> Round:
    """The ratios of round `number`."""
    hello, app = servers["hello"].rounds[number], servers["app"].rounds[number]
    floor = servers["floor"].rounds[number] if "floor" in servers else None
    return Round(
        app_cpu=app.cpu_ms_per_submission,
        floor_cpu=floor.cpu_ms_per_submission if floor else None,
        hello_cpu=hello.cpu_ms_per_request,
        app_sps=app.sps,
        floor_sps=floor.sps if floor else None,
        hello_rps=hello.rps,
    )


def _fmt(value: float | None, pattern: str) -> str:
    return "-" if value is None else format(value, pattern)


def print_rounds(servers: dict[str, Server], rounds: list[Round]) -> None:
    """One line per round and server, then the round's ratios."""
    rows = []
    for number, ratios in enumerate(rounds):
        for server in servers.values():
            phase = server.rounds[number]
            rows.append(
                [
                    number + 1,
                    server.name,
                    f"{phase.rps:.0f}",
                    "-" if server.name == "hello" else f"{phase.sps:.1f}",
                    f"{phase.cpu_ms_per_request:.2f}"
                    if server.name == "hello"
                    else f"{phase.cpu_ms_per_submission:.2f}",
                    f"{phase.percentile_ms(0.50):.0f}",
                    f"{phase.percentile_ms(0.95):.0f}",
                    f"{phase.percentile_ms(0.99):.0f}",
                    len(phase.errors),
                    f"{phase.server_cpu / phase.seconds:.2f}",
                    f"{phase.client_cpu / phase.seconds:.2f}",
                    f"{phase.load_average:.2f}",
                    phase.restarts,
                ]
            )
        rows.append(
            [
                number + 1,
                "ratios",
                f"app/floor CPU {_fmt(ratios.floor_ratio, '.2f')}",
                f"hello by CPU {ratios.hello_ratio_cpu:.3f}",
                f"by rate {ratios.hello_ratio_rate:.3f}",
                "",
                "",
                "",
                "",
                "",
                "",
                "",
                "",
            ]
        )
    common.print_table(
        [
            "round",
            "server",
            "req/s",
            "subm/s",
            "CPU ms/op",
            "p50 ms",
            "p95 ms",
            "p99 ms",
            "errors",
            "server CPUs",
            "client CPUs",
            "load",
            "restarts",
        ],
        rows,
    )


def report(servers: dict[str, Server], args: argparse.Namespace, backend: str) -> int:
    """Print the rounds, the medians and the checks; the exit status (0 when all hold)."""
    rounds = [compare(servers, number) for number in range(args.rounds)]
    settings = server_settings(args)
    print()
    print(
        f"{backend}, {settings.describe()} per instance, {args.instances} instance(s), "
        f"{args.clients} phones, {args.rounds} rounds of {args.seconds:.0f} s "
        f"(+{args.warmup:.0f} s warm-up) per server, {common.machine()['cpus']} CPUs"
    )
    print_rounds(servers, rounds)
    floor_ratios = [r.floor_ratio for r in rounds if r.floor_ratio is not None]
    figures: dict[str, Any] = {
        "app_cpu_ms_per_submission": median([r.app_cpu for r in rounds]),
        "floor_cpu_ms_per_submission": median([r.floor_cpu for r in rounds if r.floor_cpu]),
        "hello_cpu_ms_per_request": median([r.hello_cpu for r in rounds]),
        "app_over_floor": median(floor_ratios) if floor_ratios else None,
        "hello_ratio_cpu": median([r.hello_ratio_cpu for r in rounds]),
        "hello_ratio_rate": median([r.hello_ratio_rate for r in rounds]),
        "app_submissions_per_s": median([r.app_sps for r in rounds]),
        "floor_submissions_per_s": median([r.floor_sps for r in rounds if r.floor_sps]),
        "hello_rps": median([r.hello_rps for r in rounds]),
    }
    for server in servers.values():
        figures[f"{server.name}_p50_ms"] = median([p.percentile_ms(0.50) for p in server.rounds])
        figures[f"{server.name}_p95_ms"] = median([p.percentile_ms(0.95) for p in server.rounds])
        figures[f"{server.name}_p99_ms"] = median([p.percentile_ms(0.99) for p in server.rounds])
    if "floor" in servers:
        figures["form_page_bytes"] = {
            "app": servers["app"].form_bytes,
            "floor": servers["floor"].form_bytes,
        }
    errors = [e for server in servers.values() for p in server.phases for e in p.errors]
    stored = {}
    for server in servers.values():
        if server.url is not None:
            thanks = sum(p.total_submissions for p in server.phases)
            rows, answers = common.count_rows(server.url)
            stored[server.name] = (rows, answers, thanks)
    lost = sum(thanks - rows for rows, _, thanks in stored.values())
    print()
    print("medians over the rounds:")
    if figures["app_over_floor"] is not None:
        print(
            f"  server CPU per submission: app {figures['app_cpu_ms_per_submission']:.2f} ms, "
            f"floor {figures['floor_cpu_ms_per_submission']:.2f} ms -> app ÷ floor "
            f"{figures['app_over_floor']:.2f}  (target ≤ 1.2)"
        )
    print(
        f"  hello ratio by CPU: {figures['hello_cpu_ms_per_request']:.3f} ms per hello ÷ "
        f"{figures['app_cpu_ms_per_submission']:.2f} ms per submission = "
        f"{figures['hello_ratio_cpu']:.3f}  (target ≥ 0.06); by rate "
        f"{figures['hello_ratio_rate']:.3f}"
    )
    print(
        f"  submissions/s: app {figures['app_submissions_per_s']:.1f}  (target ≥ 100), floor "
        f"{_fmt(figures['floor_submissions_per_s'] or None, '.1f')}; hello "
        f"{figures['hello_rps']:.0f} req/s"
    )
    for server in servers.values():
        print(
            f"  {server.name} latency p50/p95/p99: {figures[server.name + '_p50_ms']:.0f} / "
            f"{figures[server.name + '_p95_ms']:.0f} / {figures[server.name + '_p99_ms']:.0f} ms"
        )
    for name, (rows, answers, thanks) in stored.items():
        print(f"  {name}: stored {rows} submissions ({answers} answers) = {thanks} thanks pages")
    print(
        "  worker restarts (gunicorn's max_requests) in the rounds: "
        + ", ".join(f"{s.name} {sum(p.restarts for p in s.rounds)}" for s in servers.values())
    )
    if "floor" in servers:
        print(
            f"  the answering form's page: app {servers['app'].form_bytes:,} B, floor "
            f"{servers['floor'].form_bytes:,} B (the floor's must be within 10%)"
        )
    print(f"  errors: {len(errors)}; lost: {lost}")
    for error in sorted(set(errors))[:10]:
        print(f"    error: {error}")
    checks = {
        "floor_page_within_10%": "floor" not in servers
        or abs(servers["floor"].form_bytes - servers["app"].form_bytes)
        <= 0.1 * servers["app"].form_bytes,
        "app_cpu_within_1.2x_floor": figures["app_over_floor"] is None
        or figures["app_over_floor"] <= 1.2,
        "hello_ratio_cpu_0.06": figures["hello_ratio_cpu"] >= 0.06,
        "100_submissions_per_s": figures["app_submissions_per_s"] >= 100,
        "zero_errors": not errors,
        "zero_lost": all(rows == thanks for rows, _, thanks in stored.values()),
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
            "rounds": args.rounds,
            "seconds": args.seconds,
            "paged": args.paged,
            **{k: round(v, 4) if isinstance(v, float) else v for k, v in figures.items()},
            "errors": len(errors),
            "stored": {name: list(values) for name, values in stored.items()},
            "lost": lost,
            "load_averages": [
                round(p.load_average, 2) for server in servers.values() for p in server.rounds
            ],
            "restarts": {s.name: [p.restarts for p in s.rounds] for s in servers.values()},
            "checks": {name: "PASS" if ok else "MISS" for name, ok in checks.items()},
            **common.machine(),
        },
    )
    return 0 if all(checks.values()) else 1


def parse(argv: list[str] | None) -> argparse.Namespace:
    """The command line."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--clients", type=int, default=50, help="concurrent phones (default 50)")
    parser.add_argument("--rounds", type=int, default=3, help="rounds (default 3)")
    parser.add_argument(
        "--seconds", type=float, default=10, help="measured seconds per server and round"
    )
    parser.add_argument("--warmup", type=float, default=2, help="seconds before measuring")
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
        "--postgres", action="store_true", help="the app on PostgreSQL and Redis (no floor)"
    )
    parser.add_argument("--instances", type=int, default=None, help="gunicorn instances of the app")
    parser.add_argument(
        "--redis", default=common.DEFAULT_REDIS, help="Redis for --postgres rate limits"
    )
    parser.add_argument("--logs", type=Path, help="keep gunicorn's logs in this folder")
    args = parser.parse_args(argv)
    args.instances = args.instances or (2 if args.postgres else 1)
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse(argv)
    mode = "paged" if args.paged else "one-page"
    with contextlib.ExitStack() as stack:
        logs = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="participation-bench-")))
        log_dir = args.logs or logs
        log_dir.mkdir(parents=True, exist_ok=True)
        servers: dict[str, Server] = {}
        hello = start("hello", "hello_app:app", {}, args.instances, args, log_dir)
        servers["hello"] = Server("hello", hello, "hello", "")
        if not args.postgres:
            url = stack.enter_context(common.fresh_sqlite())
            _, code = common.create_open_activity(url, one_page=not args.paged)
            env = {"PARTICIPATION_DATABASE_URL": url}
            floor = start("floor", "floor_app:app", env, args.instances, args, log_dir)
            servers["floor"] = Server("floor", floor, mode, code, url)
        database = common.fresh_postgres() if args.postgres else common.fresh_sqlite()
        url = stack.enter_context(database)
        _, code = common.create_open_activity(url, one_page=not args.paged)
        env = {"PARTICIPATION_DATABASE_URL": url}
        if args.postgres:
            env["PARTICIPATION_RATELIMIT_STORAGE_URI"] = args.redis
        servers["app"] = Server(
            "app", start("app", None, env, args.instances, args, log_dir), mode, code, url
        )
        for server in servers.values():
            stack.callback(lambda s=server: [i.stop() for i in s.instances])
        order = list(servers.values())
        print(f"load average at the start: {common.machine()['load_average']}", flush=True)
        # Each worker's first requests import modules and compile templates: not counted.
        for server in order:
            server.warm_up = drive(
                server.ports, server.target, server.mode, args.clients, 3, 0, server.instances
            )
        print("warmed up every server", flush=True)
        for server in order:
            if server.mode != "hello":
                server.form_bytes = form_page_bytes(server)
        for number in range(args.rounds):
            turn = order[number % len(order) :] + order[: number % len(order)]
            for server in turn:
                load = os.getloadavg()[0]
                phase = drive(
                    server.ports,
                    server.target,
                    server.mode,
                    args.clients,
                    args.seconds,
                    args.warmup,
                    server.instances,
                )
                phase.load_average = load
                server.rounds.append(phase)
                print(
                    f"round {number + 1} {server.name}: {phase.total_requests} requests, "
                    f"load average {load:.2f}",
                    flush=True,
                )
        return report(servers, args, "PostgreSQL + Redis" if args.postgres else "SQLite")


if __name__ == "__main__":
    sys.exit(main())
