"""SIP load benchmark on loopback: sipp callers -> Kamailio -> N `ivr sip-worker` processes.

Each call speaks over the greeting (a synthesized Vietnamese symptom report as a PCMU pcap),
presses 2, speaks again and hangs up, with recognition on. Prints: calls attempted/succeeded,
outcomes stored, RTP send jitter of the workers (max gap between packets per stream, from a
tshark capture on lo), p50/p95 turn latency (end of caller speech -> first frame of the reply,
logged by the workers) and where it goes (end-of-turn wait, last chunk decoded, reply start),
CPU and memory per call. Everything runs on 127.0.0.1 and is stopped
at the end.

    .venv/bin/python bench/sip_load.py [--calls 40] [--workers 2] [--max-calls 30]
"""
from __future__ import annotations

import argparse
import os
import random
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from ivr import config as config_mod
from ivr.ops import kamailio
from ivr.store.database import Database, upgrade
from tests.ivr.telephony import pcap  # test-only helper: RTP pcaps for sipp

IVR = str(Path(sys.executable).with_name("ivr"))
SCENARIO = ROOT / "tests" / "ivr" / "telephony" / "scenarios" / "uac_load.xml"


def rss_kb(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def cpu_s(pid: int) -> float:
    try:
        f = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(f[11]) + int(f[12])) / os.sysconf("SC_CLK_TCK")
    except OSError:
        return 0.0


def fair_share(worker_pid: int) -> None:
    """A worker's session at autogroup nice -10 and its decode processes' sessions at 0 (see --fair-share)."""
    group = Path(f"/proc/{worker_pid}/autogroup").read_text().split()[0]
    # the decode processes have sessions of their own; a helper in the worker's session (multiprocessing's
    # resource tracker) shares the worker's group and is left alone
    children = [int(c) for c in Path(f"/proc/{worker_pid}/task/{worker_pid}/children").read_text().split()
                if Path(f"/proc/{c}/autogroup").read_text().split()[0] != group]
    for pid, nice in [(worker_pid, -10)] + [(c, 0) for c in children]:
        try:
            Path(f"/proc/{pid}/autogroup").write_text(str(nice))
            print(f"autogroup of {pid} ({'worker' if pid == worker_pid else 'decode process'}): "
                  f"{Path(f'/proc/{pid}/autogroup').read_text().strip()}")
        except OSError as exc:
            print(f"autogroup of {pid} not changed: {exc}")


def log_times(path: Path, pattern: str) -> list[tuple[float, str]]:
    """(epoch seconds, line) of a worker log's lines matching ``pattern`` (logging's asctime, local time)."""
    found = []
    for line in path.read_text(errors="replace").splitlines():
        m = re.match(r"(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d),(\d{3}) ", line)
        if m and re.search(pattern, line):
            found.append((time.mktime(time.strptime(m.group(1), "%Y-%m-%d %H:%M:%S")) + int(m.group(2)) / 1000,
                          line[m.end():]))
    return found


def attribute_gaps(tmp: Path, workers: int, gap_at: dict[str, list[tuple[float, float]]],
                   first_t: dict[str, float], last_t: dict[str, float], worker_of: dict[str, int],
                   threshold_ms: float = 30.0) -> None:
    """Where each call's largest RTP gap happened, and what its worker was doing then.

    A gap every stream of a worker shows at the same moment is the worker's RTP pacer thread
    running late (the worker not scheduled, or another of its threads holding the GIL: the
    stall watch logs which, with the CPU the worker got meanwhile); a gap in one stream alone
    is that call's. Phases: ``arrivals`` while new calls were still starting, ``call start`` in
    a call's first 2 s (the greeting being prepared), else ``in call``. Every call's row goes to
    ``rtp_gaps.tsv`` beside the logs; the largest ones and the gap events are printed.
    """
    t0 = min(first_t.values())
    arrivals_end = max(first_t.values())
    stalls = {w: log_times(tmp / f"worker{w}.log", r"stall: \d+ ms late") for w in range(workers)}
    rows = []
    for ssrc, items in gap_at.items():
        gap, end = max(items)
        rows.append((gap, ssrc, worker_of.get(ssrc, -1), end - gap / 1000 - first_t[ssrc], end - gap / 1000 - t0))
    rows.sort(reverse=True)
    with (tmp / "rtp_gaps.tsv").open("w") as f:
        f.write("ssrc\tworker\tmax_gap_ms\tinto_call_s\tinto_run_s\n")
        for gap, ssrc, w, into_call, into_run in rows:
            f.write(f"{ssrc}\t{w}\t{gap:.1f}\t{into_call:.2f}\t{into_run:.2f}\n")

    def phase(ssrc: str, at: float) -> str:
        if at - first_t[ssrc] < 2.0:
            return "call start"
        return "arrivals" if at < arrivals_end else "in call"

    print(f"RTP gap per call (max, where; all calls in {tmp / 'rtp_gaps.tsv'}):")
    for gap, ssrc, w, into_call, into_run in rows[:5]:
        print(f"  call stream {ssrc} (worker{w}): {gap:.1f} ms at {into_call:.1f} s into the call, "
              f"{into_run:.1f} s into the run ({phase(ssrc, t0 + into_run)})")
    # events: gaps over the threshold that start within 10 ms of each other on one worker
    spikes = sorted((end - gap / 1000, gap, ssrc, worker_of.get(ssrc, -1))
                    for ssrc, items in gap_at.items() for gap, end in items if gap > threshold_ms)
    events: list[list[tuple[float, float, str, int]]] = []
    for spike in spikes:
        for event in events:
            if event[0][3] == spike[3] and abs(event[0][0] - spike[0]) < 0.01:
                event.append(spike)
                break
        else:
            events.append([spike])
    print(f"RTP gap events > {threshold_ms:.0f} ms: {len(events)}")
    for event in sorted(events, key=lambda e: -max(g for _, g, _, _ in e))[:8]:
        start, w = event[0][0], event[0][3]
        live = sum(1 for ssrc in first_t if worker_of.get(ssrc) == w and first_t[ssrc] <= start <= last_t[ssrc])
        worst = max(g for _, g, _, _ in event)
        near = [line for at, line in stalls.get(w, []) if start - 0.05 <= at <= start + worst / 1000 + 0.3]
        scope = "all streams of the worker: its pacer was late" if len(event) >= max(2, live) else \
            f"{len(event)} of {live} streams of the worker"
        clock = time.strftime("%H:%M:%S", time.localtime(start)) + f".{int(start * 1000) % 1000:03d}"
        print(f"  {start - t0:6.2f} s ({clock}) worker{w} {worst:.1f} ms, {scope}; {phase(event[0][2], start)}; "
              f"stall watch: {near[0] if near else 'nothing logged'}")


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--calls", type=int, default=40)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--max-calls", type=int, default=30)
    ap.add_argument("--rate", type=float, default=10.0, help="new calls per second")
    ap.add_argument("--fair-share", action="store_true",
                    help="on a machine shared with other jobs: give each decode process the scheduling weight of "
                         "any other session (autogroup nice 0 instead of 10) and the workers nice -10 (still 10 "
                         "ahead of their decoders, as on a dedicated box); needs root")
    args = ap.parse_args()
    print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    tmp = Path(tempfile.mkdtemp(prefix="sip-load-"))
    base = random.randrange(31000, 39000, 50)
    cfg = config_mod.load(env={}, data_dir=tmp, sip_host="127.0.0.1", sip_port=base, worker_sip_port_base=base + 2,
                          workers=args.workers, worker_max_calls=args.max_calls, redis_port=base + 40,
                          rtp_port_low=40000, rtp_port_high=40000 + 200 * args.workers - 1)
    upgrade(cfg.db_url)
    (tmp / "ivr.toml").write_text("[ivr]\n" + "".join(
        f"{k} = {v!r}\n".replace("'", '"') for k, v in {
            "sip_host": "127.0.0.1", "sip_port": base, "worker_sip_port_base": base + 2, "workers": args.workers,
            "worker_max_calls": args.max_calls, "redis_port": base + 40, "rtp_port_low": 40000,
            "rtp_port_high": 40000 + 200 * args.workers - 1}.items()))
    procs: list[subprocess.Popen[bytes]] = []

    def spawn(argv: list[str], log: Path) -> subprocess.Popen[bytes]:
        with log.open("wb") as out:
            p = subprocess.Popen(argv, stdout=out, stderr=subprocess.STDOUT, start_new_session=True, cwd=str(ROOT))
        procs.append(p)
        return p

    try:
        redis = spawn(["redis-server", "--port", str(base + 40), "--bind", "127.0.0.1", "--save", "",
                       "--appendonly", "no"], tmp / "redis.log")
        files = kamailio.write(cfg)
        spawn(kamailio.command(cfg, files), tmp / "kamailio.log")
        time.sleep(1)
        workers = [spawn([IVR, "--config", str(tmp / "ivr.toml"), "--data-dir", str(tmp), "sip-worker", "--index",
                          str(i)], tmp / f"worker{i}.log") for i in range(args.workers)]
        deadline = time.monotonic() + 300
        for i in range(args.workers):
            while f"worker{i} ready" not in (tmp / f"worker{i}.log").read_text(errors="replace"):
                if time.monotonic() > deadline or workers[i].poll() is not None:
                    print((tmp / f"worker{i}.log").read_text()[-3000:])
                    return 1
                time.sleep(0.5)
        if args.fair_share:
            for w in workers:
                fair_share(w.pid)
        from ivr.tts.render import PromptRenderer

        pcaps = tmp / "pcaps"
        pcaps.mkdir()
        speech = PromptRenderer(cfg).pcm("bench_speech", "Tôi bị sốt ba mươi tám độ và ho khan.")
        (pcaps / "speech.pcap").write_bytes(pcap.audio_pcap(speech, "PCMU", lead_silence_ms=200,
                                                            trail_silence_ms=600))
        sf = tmp / "uac_load.xml"
        sf.write_text(SCENARIO.read_text(encoding="iso-8859-1").replace("@PCAPS@", str(pcaps))
                      .replace("@SPEECH@", "speech.pcap").replace("@SHARE@", "/usr/share/sip-tester"),
                      encoding="iso-8859-1")
        base_rss = {w.pid: rss_kb(w.pid) for w in workers}
        base_cpu = {w.pid: cpu_s(w.pid) for w in workers}
        cap = None
        if shutil.which("tshark"):
            cap = spawn(["tshark", "-i", "lo", "-q", "-w", str(tmp / "rtp.pcapng"), "-f",
                         f"udp src portrange 40000-{40000 + 200 * args.workers - 1}"], tmp / "tshark.log")
            time.sleep(2)
        peak_rss = dict(base_rss)
        t0 = time.monotonic()
        sipp = subprocess.Popen(["sipp", f"127.0.0.1:{base}", "-sf", str(sf), "-m", str(args.calls), "-l",
                                 str(args.calls), "-r", str(args.rate), "-i", "127.0.0.1", "-p", str(base + 45),
                                 "-mp", "46000", "-s", "hotline", "-nostdin", "-timeout", "180s", "-timeout_error",
                                 "-trace_stat", "-fd", "1"], cwd=tmp, stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL)
        while sipp.poll() is None:
            for w in workers:
                peak_rss[w.pid] = max(peak_rss[w.pid], rss_kb(w.pid))
            time.sleep(0.5)
        wall = time.monotonic() - t0
        cpu_used = sum(cpu_s(w.pid) - base_cpu[w.pid] for w in workers)
        time.sleep(2)
        if cap is not None:
            cap.send_signal(signal.SIGINT)
            cap.wait(timeout=20)
        stat = sorted(tmp.glob("uac_load_*_.csv"))
        ok = failed = -1
        if stat:
            rows = [r.split(";") for r in stat[0].read_text().splitlines()]
            head, last = rows[0], rows[-1]
            ok = int(last[head.index("SuccessfulCall(C)")])
            failed = int(last[head.index("FailedCall(C)")])
        db = Database(cfg.db_url)
        from sqlalchemy import func, select

        from ivr.store.models import Call

        for _ in range(60):  # calls still hearing their last words finish within seconds
            with db.session() as s:
                if not s.scalar(select(func.count()).select_from(Call).where(Call.outcome == "in_progress")):
                    break
            time.sleep(0.5)
        with db.session() as s:
            outcomes = dict(s.execute(select(Call.outcome, func.count()).group_by(Call.outcome)).all())
            spans = s.execute(select(Call.started_at, Call.ended_at)).all()
        edges = sorted([(a, 1) for a, b in spans if a] + [(b, -1) for a, b in spans if a and b])
        concurrent = peak = 0
        for _, step in edges:
            concurrent += step
            peak = max(peak, concurrent)
        lat: list[float] = []
        stalls: list[tuple[float, float]] = []  # (ms late, process CPU ms meanwhile) from ivr.telephony.stall
        keys_only = 0
        decoded_lat: list[float] = []  # turns that were heard (decoded), without the keys-only answers
        batching: list[tuple[float, float, float, float]] = []  # (runs, mean chunks per run, busy %, CPU %)
        speeds: list[float] = []
        parts_ms: dict[str, list[float]] = defaultdict(list)  # where a turn's time goes
        kinds: dict[str, int] = defaultdict(int)
        backchannels = 0
        for i in range(args.workers):
            log_text = (tmp / f"worker{i}.log").read_text()
            lat += [float(m) for m in re.findall(r"turn_latency_ms=(\d+)", log_text)]
            decoded_lat += [float(m) for m in re.findall(r"turn_latency_ms=(\d+) eot_wait_ms", log_text)]
            for runs, mean, busy_pct, cpu_pct, speed in re.findall(
                    r"decode \d+: (\d+) model runs of ([\d.]+) chunks .*? busy (\d+)% \(CPU (\d+)%\), speed ([\d.]+)",
                    log_text):
                batching.append((float(runs), float(mean), float(busy_pct), float(cpu_pct)))
                speeds.append(float(speed))
            for wait, chunk, reply, kind in re.findall(
                    r"eot_wait_ms=(-?\d+) last_chunk_ms=(-?\d+) reply_ms=(-?\d+) eot=(\w+)", log_text):
                parts_ms["end-of-turn wait"].append(float(wait))
                parts_ms["last chunk (segment end -> transcript)"].append(float(chunk))
                parts_ms["reply start (end of turn -> first frame)"].append(float(reply))
                kinds[kind] += 1
            backchannels += log_text.count("backchannel")
            stalls += [(float(a), float(b)) for a, b in
                       re.findall(r"stall: (\d+) ms late \(process CPU (\d+) ms", log_text)]
            keys_only += log_text.count("keys only")
        gaps: dict[str, list[float]] = defaultdict(list)
        gap_at: dict[str, list[tuple[float, float]]] = defaultdict(list)  # (gap ms, when it ended: epoch s)
        first_t: dict[str, float] = {}
        worker_of: dict[str, int] = {}
        if cap is not None:
            out = subprocess.run(["tshark", "-r", str(tmp / "rtp.pcapng"), "-d",
                                  f"udp.port==40000-{40000 + 200 * args.workers - 1},rtp", "-T", "fields", "-e",
                                  "frame.time_epoch", "-e", "rtp.ssrc", "-e", "udp.srcport"], capture_output=True,
                                 text=True, check=False, timeout=300).stdout
            last_t: dict[str, float] = {}
            for line in out.splitlines():
                parts = line.split("\t")
                if len(parts) != 3 or not parts[1]:
                    continue
                t, ssrc = float(parts[0]), parts[1]
                if ssrc in last_t:
                    gaps[ssrc].append((t - last_t[ssrc]) * 1000)
                    gap_at[ssrc].append(((t - last_t[ssrc]) * 1000, t))
                else:
                    first_t[ssrc] = t
                    worker_of[ssrc] = (int(parts[2]) - 40000) // 200 if parts[2].isdigit() else -1
                last_t[ssrc] = t
            if gaps:
                attribute_gaps(tmp, args.workers, gap_at, first_t, last_t, worker_of)
        all_gaps = [g for v in gaps.values() for g in v]
        print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
        print(f"calls attempted: {args.calls}  succeeded (sipp): {ok}  failed (sipp): {failed}  wall {wall:.1f} s")
        print(f"stored outcomes: {outcomes}  peak concurrent calls: {peak}")
        if all_gaps:
            mx = [max(v) for v in gaps.values() if v]
            print(f"RTP streams: {len(gaps)}  mean gap {statistics.mean(all_gaps):.1f} ms  max gap {max(mx):.1f} ms"
                  f"  p99 gap {sorted(all_gaps)[int(len(all_gaps) * 0.99)]:.1f} ms")
        if lat:
            lat.sort()
            print(f"turn latency: n={len(lat)} p50 {lat[len(lat) // 2]:.0f} ms  p95 "
                  f"{lat[min(len(lat) - 1, int(len(lat) * 0.95))]:.0f} ms  max {lat[-1]:.0f} ms")
        if decoded_lat:
            decoded_lat.sort()
            print(f"  heard turns (decoded, no keys-only answers): n={len(decoded_lat)} p50 "
                  f"{decoded_lat[len(decoded_lat) // 2]:.0f} ms  p95 "
                  f"{decoded_lat[min(len(decoded_lat) - 1, int(len(decoded_lat) * 0.95))]:.0f} ms")
        for name, values in parts_ms.items():
            values.sort()
            print(f"  {name}: p50 {values[len(values) // 2]:.0f} ms  p95 "
                  f"{values[min(len(values) - 1, int(len(values) * 0.95))]:.0f} ms")
        if kinds:
            print(f"  turns ended by: {dict(kinds)}; backchannels let pass: {backchannels}")
        print(f"utterances answered 'press the keys' because the decoders were saturated: {keys_only}")
        if batching:
            runs = sum(r for r, _, _, _ in batching)
            print(f"decode processes (5 s reports while busy): {runs:.0f} model runs, "
                  f"{sum(r * m for r, m, _, _ in batching) / max(1, runs):.1f} chunks per run on average, "
                  f"busy {statistics.mean(b for _, _, b, _ in batching):.0f}% of wall time with CPU "
                  f"{statistics.mean(c for _, _, _, c in batching):.0f}% (lower: starved by other processes), "
                  f"speed {min(speeds):.3f}-{max(speeds):.3f} s per audio s")
        hiccups = [(ms, cpu) for ms, cpu in stalls if ms <= 200]  # the worker's stall watch logs from 30 ms on
        if hiccups:
            late = sum(1 for ms, cpu in hiccups if cpu < 0.5 * ms)
            print(f"worker hiccups 30-200 ms: {len(hiccups)} (max {max(ms for ms, _ in hiccups):.0f} ms); {late} not "
                  f"scheduled, {len(hiccups) - late} busy in the worker (GIL)")
        stalls = [(ms, cpu) for ms, cpu in stalls if ms > 200]
        starved = [ms for ms, cpu in stalls if cpu < 0.5 * ms]
        print(f"worker stalls > 200 ms: {len(stalls)} (max {max((ms for ms, _ in stalls), default=0):.0f} ms); "
              f"{len(starved)} of them with the worker not scheduled (machine overloaded), "
              f"{len(stalls) - len(starved)} busy in the worker")
        conc = min(args.calls, args.max_calls * args.workers)
        extra_mb = sum(peak_rss[p] - base_rss[p] for p in base_rss) / 1024
        print(f"worker RSS at rest {sum(base_rss.values()) / 1024:.0f} MB, peak extra {extra_mb:.0f} MB "
              f"-> {extra_mb / max(1, conc):.1f} MB per concurrent call")
        print(f"worker CPU {cpu_used:.1f} s over {wall:.1f} s ({100 * cpu_used / wall:.0f}% of one core)"
              f" -> {100 * cpu_used / wall / max(1, conc):.1f}% of a core per call")
        _ = redis
        return 0 if failed == 0 else 1
    finally:
        for p in reversed(procs):
            if p.poll() is None:
                try:
                    os.killpg(p.pid, signal.SIGTERM)
                    p.wait(timeout=15)
                except (ProcessLookupError, subprocess.TimeoutExpired):
                    os.killpg(p.pid, signal.SIGKILL)
        print(f"logs: {tmp}")


if __name__ == "__main__":
    sys.exit(main())
