"""Kamailio as the hotline's SIP front under call load, with sipp stand-ins for the workers.

Measures what the front itself costs and how evenly it spreads calls: calls
attempted/succeeded, INVITE->200 time through the proxy, calls per worker, the
503s once every worker is at its limit, and Kamailio's CPU. The workers are sipp
UAS processes (no speech), so the numbers are the front's, not the IVR's
(see bench/sip_load.py for calls with recognition on).

    .venv/bin/python bench/sip_front.py [--calls 400] [--rate 40] [--hold-ms 2000] [--workers 4] [--max-calls 30]
"""
from __future__ import annotations

import argparse
import csv
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from ivr import config as config_mod
from ivr.ops import kamailio, sipprobe

FRONT = ROOT / "tests" / "ivr" / "telephony" / "front"
HOST = "127.0.0.1"


def udp_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.bind((HOST, 0))
        return int(s.getsockname()[1])


def cpu_seconds(pids: list[int]) -> float:
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])
    return total / os.sysconf("SC_CLK_TCK")


def group_pids(pgid: int) -> list[int]:
    pids = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if os.getpgid(int(entry.name)) == pgid:
                    pids.append(int(entry.name))
            except OSError:
                pass
    return pids


def last_stats(path: Path) -> dict[str, str]:
    rows = list(csv.reader(path.read_text().splitlines(), delimiter=";"))
    return dict(zip(rows[0], rows[-1])) if len(rows) > 1 else {}


def run(calls: int, rate: int, hold_ms: int, workers: int, max_calls: int, limit: int) -> None:
    folder = Path(tempfile.mkdtemp(prefix="sip-front-bench-"))
    cfg = config_mod.load(env={}, data_dir=folder / "data", sip_host=HOST, sip_port=udp_port(), workers=workers,
                          worker_max_calls=max_calls)
    uas: list[subprocess.Popen[bytes]] = []
    with kamailio.running(cfg, debug=2) as proc:
        kam_pids = group_pids(proc.pid)
        try:
            for i in range(workers):
                port = udp_port()
                uas.append(subprocess.Popen(
                    ["sipp", "-sf", str(FRONT / "uas_answer.xml"), "-i", HOST, "-p", str(port), "-nostdin",
                     "-mp", str(udp_port()), "-max_socket", "2000"],
                    cwd=folder, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True))
                time.sleep(0.1)
                assert sipprobe.register(HOST, cfg.sip_port, user=f"worker{i}",
                                         contact=f"sip:worker{i}@{HOST}:{port}") == 200
            assert sipprobe.options(HOST, cfg.sip_port) == 200
            cpu0, t0 = cpu_seconds(kam_pids), time.monotonic()
            stat = folder / "uac_stat.csv"
            uac = subprocess.run(
                ["sipp", f"{HOST}:{cfg.sip_port}", "-sf", str(FRONT / "uac_call.xml"), "-s", "hotline", "-i", HOST,
                 "-p", str(udp_port()), "-mp", str(udp_port()), "-m", str(calls), "-r", str(rate), "-l", str(limit),
                 "-d", str(hold_ms), "-nostdin", "-timeout", "300s", "-trace_stat", "-stf", str(stat), "-fd", "1",
                 "-trace_err"],
                cwd=folder, capture_output=True, text=True, timeout=400, check=False)
            wall, cpu = time.monotonic() - t0, cpu_seconds(kam_pids) - cpu0
        finally:
            for p in uas:
                os.killpg(p.pid, signal.SIGTERM)
                p.wait(timeout=10)
    log = (cfg.data_dir / "kamailio" / "kamailio.log").read_text(errors="replace")
    per_worker = [len(re.findall(rf" to worker{i} at ", log)) for i in range(workers)]
    busy = log.count("all workers busy")
    s = last_stats(stat)
    print(f"calls attempted {calls}, rate {rate}/s, hold {hold_ms} ms, concurrency limit {limit}, "
          f"{workers} workers x {max_calls} calls")
    print(f"succeeded {s.get('SuccessfulCall(C)', '?')}, failed {s.get('FailedCall(C)', '?')}, "
          f"sipp exit {uac.returncode}")
    print(f"INVITE->200 through the proxy: mean {s.get('ResponseTime1(C)', '?')} (hh:mm:ss:us)")
    print(f"calls per worker (INVITEs routed): {per_worker}; 503 All Workers Busy: {busy}")
    print(f"kamailio CPU {cpu:.2f} s over {wall:.1f} s wall = {100 * cpu / wall:.1f} % of one core "
          f"({1000 * cpu / max(1, calls):.2f} ms per call)")
    print(f"artifacts: {folder}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--calls", type=int, default=400)
    ap.add_argument("--rate", type=int, default=40)
    ap.add_argument("--hold-ms", type=int, default=2000)
    ap.add_argument("--workers", type=int, default=4)
    ap.add_argument("--max-calls", type=int, default=30)
    ap.add_argument("--limit", type=int, default=0, help="sipp concurrency limit (default: workers x max-calls)")
    a = ap.parse_args()
    run(a.calls, a.rate, a.hold_ms, a.workers, a.max_calls, a.limit or a.workers * a.max_calls)


if __name__ == "__main__":
    main()
