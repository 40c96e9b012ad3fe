"""``python -m benchmarks [--load] [--upload] [--only NAMES] [--steps N] [--out PATH] …``

Runs the benchmarks (scale, server, export, browser: cold start + scrubbing vs naive), with
``--load`` the load test (8 sessions stepping dates on the live map) and with ``--upload`` the
worst upload while 7 sessions step (``--sessions``, ``--load-seconds``, ``--upload-seconds``
and ``--upload-features`` make them smaller); prints a table with each target met or missed and
writes everything to ``benchmarks/results/latest.json``. The app server's peak memory (RSS,
children included) is sampled during the browser and load phases.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import math
import os
import platform
import resource
import subprocess
import sys
import time
from pathlib import Path

from benchmarks import TARGETS, met
from benchmarks.stats import Row, RssSampler

RESULTS = Path(__file__).resolve().parent / "results"
PHASES = ("scale", "server", "export", "browser")


def machine() -> dict:
    info = {
        "python": platform.python_version(),
        "platform": platform.platform(),
        "cpus": os.cpu_count(),
        "load_average_at_start": os.getloadavg(),
    }
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                info["cpu"] = line.split(":", 1)[1].strip()
                break
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                info["memory_gb"] = round(int(line.split()[1]) / 2**20, 1)
    except OSError:
        pass
    try:
        out = subprocess.run(
            ["/usr/bin/chromium", "--version"], capture_output=True, text=True, timeout=20
        )
        info["chromium"] = out.stdout.strip()
    except (OSError, subprocess.SubprocessError):
        info["chromium"] = None
    return info


def fmt_value(value: float, unit: str) -> str:
    if isinstance(value, float) and math.isnan(value):
        return "—"
    if unit == "bool":
        return "yes" if value else "no"
    if unit == "B":
        return f"{value / 1024:.1f} KB"
    if unit in ("errors",):
        return f"{value:.0f}"
    if abs(value) >= 100:
        return f"{value:.0f} {unit}"
    if abs(value) >= 1:
        return f"{value:.2f} {unit}"
    return f"{value:.3f} {unit}"


def table(rows: list[Row]) -> str:
    lines = [
        f"| {'measure':<58} | {'value':>12} | {'target':>10} | {'':6} |",
        f"|{'-' * 60}|{'-' * 14}|{'-' * 12}|{'-' * 8}|",
    ]
    for row in rows:
        target, verdict = "", ""
        if row.target:
            op, bound, unit = TARGETS[row.target]
            target = f"{op} {fmt_value(bound, unit)}" if unit != "bool" else "yes"
            ok = met(row.target, row.value)
            verdict = "met" if ok else "MISSED"
        value = fmt_value(row.value, row.unit)
        lines.append(f"| {row.name:<58} | {value:>12} | {target:>10} | {verdict:6} |")
        if row.note:
            lines.append(f"|   {row.note[:56]:<56} | {'':>12} | {'':>10} | {'':6} |")
    return "\n".join(lines)


def markdown(result: dict) -> str:
    """The rows of a saved result as a Markdown table (measure, result, target)."""
    lines = ["| measure | result | target |", "|---|---|---|"]
    for row in result["rows"]:
        value = float("nan") if row["value"] is None else row["value"]
        shown = fmt_value(value, row["unit"])
        if row["note"]:
            shown += f" ({row['note']})"
        target = ""
        if row["target"]:
            op, bound, unit = result["targets"][row["target"]]
            if unit == "bool":
                target = "yes: "
            else:
                target = f"{op.replace('<=', '≤').replace('>=', '≥')} {fmt_value(bound, unit)}: "
            target += "met" if row["met"] else "**missed**"
        lines.append(f"| {row['name']} | {shown} | {target} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    parser.add_argument("--load", action="store_true", help="also run the load test")
    parser.add_argument(
        "--upload",
        action="store_true",
        help="also run the worst upload while the other sessions step",
    )
    parser.add_argument("--only", default="", help=f"comma-separated subset of {PHASES}")
    parser.add_argument("--steps", type=int, default=30, help="scrubbing steps (≥ 30)")
    parser.add_argument("--load-seconds", type=float, default=60.0)
    parser.add_argument(
        "--sessions", type=int, default=8, help="load: sessions; upload: one uploads, the rest step"
    )
    parser.add_argument("--upload-seconds", type=float, default=45.0)
    parser.add_argument(
        "--upload-features", type=int, default=0, help="features of the upload (default: the most)"
    )
    parser.add_argument("--out", type=Path, default=RESULTS / "latest.json")
    parser.add_argument(
        "--markdown", action="store_true", help="print the saved results as a Markdown table"
    )
    args = parser.parse_args(argv)
    if args.markdown:
        print(markdown(json.loads(args.out.read_text(encoding="utf-8"))))
        return 0
    only = [p for p in args.only.split(",") if p] or list(PHASES)
    unknown = set(only) - set(PHASES) - {"load", "upload"}
    if unknown:
        parser.error(f"unknown phase(s): {', '.join(sorted(unknown))}")

    started = time.perf_counter()
    info = machine()
    sampler = RssSampler().start()
    rows: list[Row] = []
    details: dict = {}
    for phase in PHASES:
        if phase not in only:
            continue
        print(f"… {phase}", file=sys.stderr, flush=True)
        t0 = time.perf_counter()
        try:
            if phase == "scale":
                from benchmarks import scale

                phase_rows, detail = scale.run()
            elif phase == "server":
                from benchmarks import server

                phase_rows, detail = server.run()
            elif phase == "export":
                from benchmarks import export

                phase_rows, detail = export.run()
            else:
                from benchmarks import browser

                phase_rows, detail = browser.run(sampler, steps=max(args.steps, 1))
        except Exception as exc:  # report and go on with the other phases
            phase_rows, detail = [Row(f"{phase}: FAILED", float("nan"), "", None, repr(exc))], {}
        detail["seconds"] = time.perf_counter() - t0
        rows += phase_rows
        details[phase] = detail
    if "browser" in only:
        rows.append(
            Row(
                "memory: app server peak RSS (cold start + scrubbing)",
                sampler.peak_mb,
                "MB",
                "server_peak_rss_mb",
                "psutil, server process and its children",
            )
        )
        details["memory"] = {"server_peak_rss_mb": sampler.peak_mb}
    if args.load or "load" in only:
        print("… load", file=sys.stderr, flush=True)
        from benchmarks import load

        load_sampler = RssSampler().start()
        try:
            load_rows, detail = load.run(
                load_sampler, duration=args.load_seconds, sessions=args.sessions
            )
        finally:
            load_sampler.stop()
        rows += load_rows
        details["load"] = detail
    if args.upload or "upload" in only:
        print("… upload", file=sys.stderr, flush=True)
        from benchmarks import upload

        upload_rows, detail = upload.run(
            args.upload_seconds,
            max(args.sessions - 1, 1),
            args.upload_features or upload.MAX_FEATURES,
        )
        rows += upload_rows
        details["upload"] = detail
    sampler.stop()
    in_process = [p for p in ("scale", "server", "export") if p in only]
    if in_process:
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        rows.append(
            Row(
                "memory: peak RSS of the process running " + ", ".join(in_process),
                peak,
                "MB",
                "server_peak_rss_mb",
                "the app's library code run in-process (resource.getrusage)",
            )
        )
        details["benchmark_process_peak_rss_mb"] = peak

    info["load_average_at_end"] = os.getloadavg()
    print(table(rows))
    print(
        f"\n{info.get('cpu', '?')}, {info['cpus']} CPUs, {info.get('memory_gb', '?')} GB; "
        f"load average at start {info['load_average_at_start'][0]:.1f}, "
        f"at end {info['load_average_at_end'][0]:.1f}"
    )
    result = {
        "when": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "machine": info,
        "seconds": time.perf_counter() - started,
        "targets": {k: list(v) for k, v in TARGETS.items()},
        "rows": [
            {
                "name": r.name,
                "value": None if isinstance(r.value, float) and math.isnan(r.value) else r.value,
                "unit": r.unit,
                "target": r.target,
                "met": met(r.target, r.value) if r.target else None,
                "note": r.note,
            }
            for r in rows
        ],
        "details": details,
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    tmp = args.out.with_suffix(".json.tmp")
    tmp.write_text(json.dumps(result, indent=1, default=_jsonable) + "\n", encoding="utf-8")
    tmp.replace(args.out)
    print(f"\nwritten {args.out} ({result['seconds']:.0f} s)", file=sys.stderr)
    return 0


def _jsonable(value):
    if isinstance(value, float) and math.isnan(value):
        return None
    if hasattr(value, "tolist"):
        return value.tolist()
    return str(value)


if __name__ == "__main__":
    sys.exit(main())
