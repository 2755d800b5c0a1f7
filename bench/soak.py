"""Memory soak: young people's submissions at half the measured capacity, watching worker RSS.

    .venv/bin/python bench/soak.py                    # 10 minutes, then the mixed workload
    .venv/bin/python bench/soak.py --minutes 2 --rate 5
    .venv/bin/python bench/soak.py --minutes 0        # the mixed workload alone

Starts gunicorn (same settings as bench/submit.py, but with max_requests off so a recycled
worker cannot hide a leak) on a fresh SQLite database, measures capacity (unless --rate is
given), then sends submissions at half of it for the given time, sampling every worker's
resident memory. Fails when memory grows more than 10% from the end of the warm-up to the
end of the run, on any error, or when rows stored differ from the 2xx responses.

Then, on the same workers, a mixed workload: more journeys, a lead's results pages, dashboard
and live figures, one summary PDF and one research pack (which writes the SPSS file). It
reports each worker's resident memory afterwards (target: none above 150 MiB) and whether
the PDF renderer (WeasyPrint, Pango) or the SPSS writer (pyreadstat, pandas) is loaded in a
web worker.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

import common
from sqlalchemy import update
from sqlalchemy.orm import Session
from submit import Phone, drive

from participation.accounts.passwords import hash_password
from participation.db import make_engine
from participation.models import Activity, Staff, Submission

MAX_GROWTH = 0.10
MAX_WORKER_MIB = 150
LEAD_EMAIL = "lead@soak.example.org"
LEAD_PASSWORD = "soak-lead-password-2026-ok"
# Shared objects whose presence in a worker means the library was loaded there.
HEAVY = {"PDF renderer": ("weasyprint", "libpango"), "SPSS writer": ("pyreadstat", "pandas")}


def add_lead(url: str, activity_id: int) -> None:
    """A participation lead of the activity's service, for the staff pages."""
    engine = make_engine(url)
    with Session(engine) as session:
        service_id = session.get(Activity, activity_id).service_id
        session.add(
            Staff(
                email=LEAD_EMAIL,
                password_hash=hash_password(LEAD_PASSWORD),
                role="lead",
                service_id=service_id,
            )
        )
        session.commit()
    engine.dispose()


def share_for_research(url: str, activity_id: int) -> None:
    """Say the activity's young people agreed to share with researchers (synthetic data)."""
    engine = make_engine(url)
    with Session(engine) as session:
        session.execute(
            update(Submission)
            .where(Submission.activity_id == activity_id)
            .values(research_consent=True)
        )
        session.commit()
    engine.dispose()


def proportional_mib(pid: int) -> float:
    """A process's proportional set size: shared pages counted once across the processes."""
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def loaded_heavy(pid: int) -> list[str]:
    """Which heavy libraries a process has mapped into memory."""
    try:
        maps = Path(f"/proc/{pid}/maps").read_text()
    except OSError:
        return []
    return [name for name, marks in HEAVY.items() if any(mark in maps for mark in marks)]


def mixed_workload(server: common.Gunicorn, url: str, activity_id: int, code: str) -> dict:
    """Journeys, results pages, one summary PDF and one research pack; then worker memory."""
    journeys = drive([server.port], code, "one-page", 20, 5, 0, [server])
    add_lead(url, activity_id)
    share_for_research(url, activity_id)
    common.release_for_research(url, activity_id)
    lead = common.Client("127.0.0.1", server.port)
    _, page = lead.request("GET", "/staff/sign-in")
    token = common.CSRF_RE.search(page).group(1)
    status, _ = lead.request(
        "POST",
        "/staff/sign-in",
        {"csrf_token": token, "email": LEAD_EMAIL, "password": LEAD_PASSWORD},
    )
    errors = [] if status == 302 else [f"sign-in -> {status}"]
    cookie = lead.cookie
    pages = [
        f"/results/activities/{activity_id}",
        "/results/",
        f"/results/activities/{activity_id}/live.json",
    ]
    downloads = [
        f"/research/activities/{activity_id}/summary.pdf",
        f"/research/activities/{activity_id}/pack.zip",
    ]
    for path in pages * 10 + downloads:
        # Each request on a new connection, so gunicorn's workers share them out.
        lead.close()
        lead = common.Client("127.0.0.1", server.port)
        lead.cookie = cookie
        try:
            got, _ = lead.request("GET", path)
        except Exception as exc:
            errors.append(f"{path} -> {exc}")
            continue
        if got != 200:
            errors.append(f"{path} -> {got}")
        cookie = lead.cookie
    time.sleep(2)
    workers = {pid: common.process_rss_kib(pid) / 1024 for pid in server.worker_pids()}
    return {
        "worker_pss_mib": {pid: proportional_mib(pid) for pid in workers},
        "journeys": journeys.total_submissions,
        "errors": errors + journeys.errors,
        "worker_rss_mib": workers,
        "heavy": {pid: loaded_heavy(pid) for pid in workers},
    }


class PacedPhone(Phone):
    """A phone that starts a journey every `interval` seconds (open loop) instead of at once."""

    def __init__(self, port: int, code: str, interval: float, stop_at: float, seed: int) -> None:
        super().__init__([port], code, "one-page", stop_at, seed)
        self.interval = interval

    def run(self) -> None:
        client = common.Client("127.0.0.1", self.ports[0])
        next_start = time.perf_counter() + self.rng.random() * self.interval
        while next_start < self.stop_at:
            time.sleep(max(0.0, next_start - time.perf_counter()))
            try:
                self.journey(client)
            except Exception as exc:
                self.tally.errors.append(str(exc)[:200])
                client.close()
                client = common.Client("127.0.0.1", self.ports[0])
            next_start += self.interval
        client.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--minutes", type=float, default=10, help="soak length (default 10)")
    parser.add_argument("--rate", type=float, help="submissions/s (default: half the capacity)")
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--phones", type=int, default=40, help="paced phones sharing the rate")
    parser.add_argument("--sample-seconds", type=float, default=10)
    args = parser.parse_args(argv)
    settings = common.ServerSettings(workers=args.workers, threads=args.threads)
    seconds = args.minutes * 60
    warmup = min(60.0, seconds * 0.2)
    with (
        tempfile.TemporaryDirectory(prefix="participation-soak-") as logs,
        common.fresh_sqlite() as url,
    ):
        activity_id, code = common.create_open_activity(url)
        server = common.Gunicorn(
            None,
            settings,
            {"PARTICIPATION_DATABASE_URL": url},
            Path(logs),
            extra=["--max-requests", "0"],
        )
        try:
            server.wait_ready("/join")
            capacity = None
            probe_submissions = 0
            if args.rate is None:
                print("measuring capacity (15 s, 50 phones) ...", flush=True)
                probe = drive([server.port], code, "one-page", 50, 15, 3, [server])
                if probe.errors:
                    print(f"capacity probe had errors: {probe.errors[:3]}")
                    return 1
                capacity = probe.sps
                probe_submissions = probe.total_submissions
            rate = args.rate or capacity / 2
            print(
                f"soaking at {rate:.1f} submissions/s for {args.minutes:g} min "
                f"({settings.describe()}, max_requests off) ...",
                flush=True,
            )
            stop_at = time.perf_counter() + seconds
            phones = [
                PacedPhone(server.port, code, args.phones / rate, stop_at, seed)
                for seed in range(args.phones)
            ]
            samples: list[tuple[float, dict[int, int]]] = []
            started = time.perf_counter()
            for phone in phones:
                phone.start()
            while time.perf_counter() < stop_at:
                pids = server.worker_pids()
                samples.append(
                    (
                        time.perf_counter() - started,
                        {pid: common.process_rss_kib(pid) for pid in pids},
                    )
                )
                threading.Event().wait(
                    min(args.sample_seconds, max(0, stop_at - time.perf_counter()))
                )
            for phone in phones:
                phone.join(timeout=120)
            pids_at_end = set(server.worker_pids())
            stored, answers = common.count_rows(url)
            print("mixed workload: journeys, results pages, a summary PDF, a research pack ...")
            mixed = mixed_workload(server, url, activity_id, code)
        finally:
            server.stop()
    sent = sum(len(p.tally.submissions) for p in phones)
    errors = [e for p in phones for e in p.tally.errors]
    latencies = [lat for p in phones for _, lat in p.tally.latencies]
    after_warmup = [s for s in samples if s[0] >= warmup]
    baseline = sum(after_warmup[0][1].values()) if after_warmup else 0
    final = sum(samples[-1][1].values()) if samples else 0
    growth = (final - baseline) / baseline if baseline else 0.0
    replaced = bool(samples) and set(samples[0][1]) != pids_at_end
    print()
    print("time     total worker RSS   per worker (MiB)")
    for at, rss in samples[:: max(1, len(samples) // 20)] + samples[-1:]:
        per = " ".join(f"{v / 1024:5.1f}" for v in rss.values())
        print(f"{at:6.0f} s  {sum(rss.values()) / 1024:8.1f} MiB    {per}")
    achieved = sent / seconds if seconds else 0.0
    biggest = max(mixed["worker_rss_mib"].values(), default=0.0)
    print()
    print("after the mixed workload (each worker):")
    for pid, mib in mixed["worker_rss_mib"].items():
        heavy = ", ".join(mixed["heavy"][pid]) or "no PDF renderer or SPSS writer loaded"
        pss = mixed["worker_pss_mib"][pid]
        print(f"  worker {pid}: RSS {mib:6.1f} MiB, PSS {pss:6.1f} MiB  ({heavy})")
    for error in mixed["errors"][:5]:
        print(f"  error: {error}")
    checks = {
        "worker_rss_le_150_mib": biggest <= MAX_WORKER_MIB,
        "mixed_workload_ok": not mixed["errors"],
        "rss_growth_le_10pct": growth <= MAX_GROWTH,
        "zero_errors": not errors,
        "rows_equal_2xx": stored - probe_submissions == sent,
        "workers_not_replaced": not replaced,
    }
    print()
    print(
        f"rate asked {rate:.1f}/s, achieved {achieved:.1f}/s; capacity {capacity:.1f}/s"
        if capacity
        else f"rate asked {rate:.1f}/s, achieved {achieved:.1f}/s"
    )
    print(
        f"worker RSS after warm-up {baseline / 1024:.1f} MiB -> end {final / 1024:.1f} MiB: "
        f"growth {growth * 100:+.1f}% (limit +{MAX_GROWTH * 100:.0f}%)"
    )
    print(
        f"p50 {statistics.median(latencies) * 1000 if latencies else 0:.0f} ms; errors {len(errors)}"
    )
    for error in sorted(set(errors))[:5]:
        print(f"  error: {error}")
    print("checks: " + ", ".join(f"{k} {'PASS' if ok else 'MISS'}" for k, ok in checks.items()))
    common.print_json(
        "soak",
        {
            "minutes": args.minutes,
            "settings": settings.describe(),
            "capacity_per_s": round(capacity, 2) if capacity else None,
            "rate_per_s": round(rate, 2),
            "achieved_per_s": round(achieved, 2),
            "submissions": sent,
            "stored": stored - probe_submissions,
            "answers": answers,
            "errors": len(errors),
            "rss_baseline_mib": round(baseline / 1024, 1),
            "rss_final_mib": round(final / 1024, 1),
            "rss_growth_pct": round(growth * 100, 2),
            "mixed_worker_rss_mib": [round(v, 1) for v in mixed["worker_rss_mib"].values()],
            "mixed_worker_pss_mib": [round(v, 1) for v in mixed["worker_pss_mib"].values()],
            "mixed_heavy_loaded": sorted({h for v in mixed["heavy"].values() for h in v}),
            "checks": {k: "PASS" if ok else "MISS" for k, ok in checks.items()},
            **common.machine(),
        },
    )
    return 0 if all(checks.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
