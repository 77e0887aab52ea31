"""Check-in window benchmark on loopback: a real window over N patients, really dialled.

Runs, all on loopback and stopped at the end: a private Redis, the project's Kamailio, the rq job
worker (``ivr worker``: rq's scheduler times the retries), ``--workers`` SIP workers (each its real
``WorkerPhone``, ``Runtime``, ``Dialer`` and the installed ``QueueCheckinDesk`` on SQLite, in its own
process, as ``ivr sip-worker`` builds them), and one sipp UAS on 127.0.0.3 standing for every
patient's phone behind the trunk (``bench/scenarios/uas_patients_mix.xml``: the behaviour is chosen by
the digit after +849 of the number, so the mix is deterministic by phone number: 70 % answer and go
through the check-in by keys, 15 % never answer, 10 % busy 486, 5 % answer and stay silent).

The window is started as ``ivr checkins run`` does (``campaign.run_now``). While it runs, sipp callers
(bench/sip_load.py's speech scenario) call the hotline at a steady rate; their turn latency (end of the
caller's speech -> first frame of the reply, logged by the workers) is compared with the same calls
made before the campaign on the idle system.

Fast path, said out loud in the output: the workers' recognizer hears no words (the test harness's
``transcribe`` stub): the patients answer by keys, and the inbound latency measured is the worker's
turn latency without speech decoding (no Vosk model is installed on this machine).
``--retry-minutes`` (default 0.1) replaces ``checkin_retry_minutes`` in the workers' configuration so
that a window's retries finish in minutes.

    .venv/bin/python bench/checkin.py [--patients 500] [--workers 2] [--retry-minutes 0.1]
"""
from __future__ import annotations

import argparse
import dataclasses
import json
import os
import random
import re
import signal
import subprocess
import sys
import tempfile
import threading
import time
from datetime import datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from ivr import config as config_mod  # noqa: E402
from ivr.config import Config  # noqa: E402

IVR = str(Path(sys.executable).with_name("ivr"))
SHARE = "/usr/share/sip-tester"
PATIENT_HOST = "127.0.0.3"
CLI = "02873001234"
# the mix, by patient index modulo 20: digit after +849 -> behaviour
MIX = [0] * 14 + [1] * 3 + [2] * 2 + [3]
KINDS = {0: "answer+keys", 1: "no answer", 2: "busy 486", 3: "silent"}
# 1 to start, 1 "it is the patient", 2 no warning sign, 2 no oximeter, 2 no thermometer, 2 cannot count
# breaths, 2 no blood-pressure monitor, 1 goodbye at the closing question (pauses: the prompts' length)
KEYS = [(3000, "1"), (14000, "1"), (9000, "2"), (7000, "2"), (7000, "2"), (7000, "2"), (7000, "2"),
        (20000, "1")]


def make_cfg(spec: dict[str, Any]) -> Config:
    tmp = Path(spec["tmp"])
    return config_mod.load(env={}, data_dir=tmp, **spec["keys"])


def toml_value(v: Any) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, (list, tuple)):
        return "[" + ", ".join(toml_value(x) for x in v) + "]"
    if isinstance(v, str):
        return json.dumps(v, ensure_ascii=False)
    return repr(v)


def proc_cpu(pid: int) -> float:
    try:
        f = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(f[11]) + int(f[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, IndexError, ValueError):
        return 0.0


def session_cpu(sid: int) -> float:
    """CPU seconds of every live process of session ``sid`` (a process started with start_new_session and
    its children), plus what its reaped children used (cutime/cstime of the leader)."""
    total = 0.0
    for d in Path("/proc").iterdir():
        if not d.name.isdigit():
            continue
        try:
            f = (d / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(f[3]) == sid:
            total += (int(f[11]) + int(f[12])) / os.sysconf("SC_CLK_TCK")
    return total


# ------------------------------------------------------------------------------------- the SIP worker
def run_worker(spec_path: Path, index: int) -> int:
    """One SIP worker as ``ivr sip-worker`` builds it, with the bench's retry delay and a stub recognizer."""
    import logging

    from ivr.cli.sipworker import Runtime, rtp_range, start_dialer
    from ivr.telephony.phone import WorkerPhone

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s",
                        stream=sys.stdout)
    spec = json.loads(spec_path.read_text())
    # checkin_retry_minutes is an integer key (minutes, default 20): the bench sets a fraction of a minute
    # past the config's validation, only in its own workers (outcome.finish uses it in a timedelta)
    cfg = dataclasses.replace(make_cfg(spec), checkin_retry_minutes=spec["retry_minutes"])
    name = f"worker{index}"
    runtime = Runtime.build(cfg, transcribe=lambda *_a, **_k: ("", 0.0))
    low, high = rtp_range(cfg, index)

    def inbound(line: Any) -> None:
        runtime.run_call(line, worker=name)

    phone = WorkerPhone(server=cfg.sip_advertise, port=cfg.sip_port, username=name, password="",
                        my_ip=cfg.sip_advertise, sip_port=cfg.worker_port_base + index, rtp_low=low, rtp_high=high,
                        max_calls=cfg.worker_max_calls,
                        on_call=lambda line: inbound(line))
    phone.start_registered()
    dialer = start_dialer(cfg, runtime, phone, name)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    print(f"{name} ready (dialer: {type(dialer).__name__})", flush=True)
    while not stop.wait(0.5):
        pass
    if dialer is not None:
        dialer.stop()
    phone.stop()
    runtime.close()
    print(f"{name} stopped", flush=True)
    sys.stdout.flush()
    os._exit(0)


# ------------------------------------------------------------------------------------- the bench
class Bench:
    def __init__(self, args: argparse.Namespace):
        self.args = args
        self.tmp = Path(tempfile.mkdtemp(prefix="checkin-bench-"))
        self.procs: list[subprocess.Popen[bytes]] = []
        base = random.randrange(31000, 39000, 50)
        self.base = base
        self.trunk_port = base + 30
        w = args.workers
        self.spec: dict[str, Any] = {"tmp": str(self.tmp), "retry_minutes": args.retry_minutes, "keys": {
            "sip_host": "127.0.0.1", "sip_port": base, "worker_sip_port_base": base + 2, "workers": w,
            "worker_max_calls": args.max_calls, "redis_port": base + 40, "rtp_port_low": 40000,
            "rtp_port_high": 40000 + 400 * w - 1, "sip_trunk_uri": f"sip:{PATIENT_HOST}:{self.trunk_port}",
            "checkin_caller_id": CLI, "checkin_windows": ["bench=00:00-23:59"], "timezone": args.timezone,
            "checkin_ring_s": args.ring_s, "checkin_cps": args.cps, "checkin_capacity_share": args.share,
            "checkin_attempts": 3, "checkin_max_calls_per_day": 4}}
        (self.tmp / "spec.json").write_text(json.dumps(self.spec))
        (self.tmp / "ivr.toml").write_text("[ivr]\n" + "".join(f"{k} = {toml_value(v)}\n"
                                                                for k, v in self.spec["keys"].items()))
        self.cfg = make_cfg(self.spec)

    def spawn(self, argv: list[str], log: str, **kw: Any) -> subprocess.Popen[bytes]:
        with (self.tmp / log).open("wb") as out:
            kw.setdefault("cwd", str(ROOT))
            p = subprocess.Popen(argv, stdout=out, stderr=subprocess.STDOUT, start_new_session=True, **kw)
        self.procs.append(p)
        return p

    def wait_for(self, log: str, text: str, proc: subprocess.Popen[bytes], timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while text not in (self.tmp / log).read_text(errors="replace"):
            if time.monotonic() > deadline or proc.poll() is not None:
                raise RuntimeError(f"{log}: no {text!r}:\n" + (self.tmp / log).read_text(errors="replace")[-3000:])
            time.sleep(0.5)

    def stop_all(self) -> None:
        for p in reversed(self.procs):
            if p.poll() is None:
                try:
                    os.killpg(p.pid, signal.SIGTERM)
                    p.wait(timeout=20)
                except ProcessLookupError:
                    pass
                except subprocess.TimeoutExpired:
                    os.killpg(p.pid, signal.SIGKILL)
                    p.wait(timeout=5)

    # ---------------------------------------------------------------------------------- pieces
    def import_patients(self) -> dict[int, int]:
        """N home-care patients, one phone each; the digit after +849 encodes the phone's behaviour."""
        from ivr.store.database import Database
        from ivr.store.models import Patient

        db = Database(self.cfg.db_url)
        kinds: dict[int, int] = {}
        with db.session() as s:
            for i in range(self.args.patients):
                kind = MIX[i % len(MIX)]
                kinds[kind] = kinds.get(kind, 0) + 1
                s.add(Patient(name=f"Bệnh nhân {i + 1}", phone=f"+849{kind}{i:07d}", birth_year=1950 + i % 50,
                              commune="xã Tân Hòa", district="huyện Bình Chánh", province="TP Hồ Chí Minh"))
        return kinds

    def start_patients(self) -> subprocess.Popen[bytes]:
        from tests.ivr.telephony import pcap  # test-only helper: RTP pcaps for sipp

        folder = self.tmp / "patients"
        folder.mkdir()
        acts = []
        for i, (pause_ms, key) in enumerate(KEYS):
            path = folder / f"key{i}-{key}.pcap"
            path.write_bytes(pcap.dtmf_pcap(key, ts=16000 * (i + 1)))
            acts.append(f'<pause milliseconds="{pause_ms}"/>\n  '
                        f'<nop><action><exec play_pcap_audio="{path}"/></action></nop>')
        text = (ROOT / "bench" / "scenarios" / "uas_patients_mix.xml").read_text(encoding="iso-8859-1")
        sf = folder / "uas_patients_mix.xml"
        sf.write_text(text.replace("@ACTIONS@", "\n  ".join(acts)), encoding="iso-8859-1")
        return self.spawn(["sipp", "-sf", str(sf), "-i", PATIENT_HOST, "-p", str(self.trunk_port), "-mp",
                           str(self.base + 1000), "-nostdin", "-trace_err", "-trace_stat", "-fd", "5",
                           "-timeout_error"], "patients/sipp.out", cwd=str(folder))

    def inbound(self, calls: int, period_ms: int, tag: str) -> subprocess.Popen[bytes]:
        """sipp callers to the hotline, one every ``period_ms`` (bench/sip_load.py's speech scenario)."""
        sf = self.tmp / "uac_load.xml"
        if not sf.exists():
            from ivr.tts.render import PromptRenderer
            from tests.ivr.telephony import pcap

            pcaps = self.tmp / "pcaps"
            pcaps.mkdir(exist_ok=True)
            speech = PromptRenderer(self.cfg).pcm("bench_speech", "Tôi bị sốt ba mươi tám độ và ho khan.")
            (pcaps / "speech.pcap").write_bytes(pcap.audio_pcap(speech, "PCMU", lead_silence_ms=200,
                                                                trail_silence_ms=600))
            scen = ROOT / "tests" / "ivr" / "telephony" / "scenarios" / "uac_load.xml"
            sf.write_text(scen.read_text(encoding="iso-8859-1").replace("@PCAPS@", str(pcaps))
                          .replace("@SPEECH@", "speech.pcap").replace("@SHARE@", SHARE), encoding="iso-8859-1")
        folder = self.tmp / f"inbound-{tag}"
        folder.mkdir()
        port = self.base + 45 + (0 if tag == "idle" else 1)
        return self.spawn(["sipp", f"127.0.0.1:{self.base}", "-sf", str(sf), "-m", str(calls), "-r", "1", "-rp",
                           str(period_ms), "-i", "127.0.0.1", "-p", str(port), "-mp",
                           str(46000 + (0 if tag == "idle" else 500)), "-s", "hotline", "-nostdin", "-timeout",
                           "600s", "-timeout_error", "-trace_stat", "-fd", "5", "-trace_rtt", "-rtt_freq", "1"],
                          f"inbound-{tag}/sipp.out", cwd=str(folder))

    @staticmethod
    def answer_ms(folder: Path) -> list[float]:
        """Per inbound call: INVITE sent -> 200 OK received (sipp's response-time 1, -trace_rtt)."""
        out: list[float] = []
        for f in folder.glob("*_rtt.csv"):
            for line in f.read_text().splitlines()[1:]:
                parts = line.split(";")
                if len(parts) >= 2:
                    try:
                        out.append(float(parts[1]))
                    except ValueError:
                        continue
        return sorted(out)

    def log_sizes(self) -> list[int]:
        return [(self.tmp / f"worker{i}.log").stat().st_size for i in range(self.args.workers)]

    def latencies(self, since: list[int], until: list[int] | None, exclude: set[str]) -> list[float]:
        out: list[float] = []
        for i in range(self.args.workers):
            raw = (self.tmp / f"worker{i}.log").read_bytes()
            data = raw[since[i]:until[i] if until else None].decode(errors="replace")
            out += [float(ms) for cid, ms in re.findall(r"call (\S+) turn_latency_ms=(\d+)", data)
                    if cid not in exclude]
        return sorted(out)

    # ---------------------------------------------------------------------------------- the run
    def run(self) -> int:
        import redis as redis_mod
        from sqlalchemy import select

        from escalation.checkins import campaign
        from ivr.ops import kamailio
        from ivr.store.database import Database, upgrade
        from ivr.store.models import Call, CheckinAttempt, utcnow

        a = self.args
        upgrade(self.cfg.db_url)
        kinds = self.import_patients()
        self.spawn(["redis-server", "--port", str(self.base + 40), "--bind", "127.0.0.1", "--save", "",
                    "--appendonly", "no"], "redis.log")
        db = Database(self.cfg.db_url)
        # the job worker plans the current window by itself when it starts (rq's schedule): paused until
        # the idle baseline is measured; campaign.run_now (``ivr checkins run``) resumes it
        occ = campaign.window_for(self.cfg, utcnow(), "bench")
        campaign.set_paused(db, occ, True, actor="bench", now=utcnow())
        files = kamailio.write(self.cfg)
        kam = self.spawn(kamailio.command(self.cfg, files), "kamailio.log")
        time.sleep(1)
        jobw = self.spawn([IVR, "--config", str(self.tmp / "ivr.toml"), "--data-dir", str(self.tmp), "worker",
                           "--processes", "1"], "jobworker.log")
        patients = self.start_patients()
        workers = [self.spawn([sys.executable, str(Path(__file__).resolve()), "--_worker", str(i), "--_spec",
                               str(self.tmp / "spec.json")], f"worker{i}.log") for i in range(a.workers)]
        for i, w in enumerate(workers):
            self.wait_for(f"worker{i}.log", f"worker{i} ready", w, 300)
        time.sleep(2)  # registrations and the first readiness reports
        conn = redis_mod.Redis.from_url(self.cfg.redis)

        # 1. inbound alone (the baseline)
        idle_from = self.log_sizes()
        t = time.monotonic()
        sipp_idle = self.inbound(a.inbound_calls, int(a.inbound_period * 1000), "idle")
        sipp_idle.wait(timeout=900)
        time.sleep(2)
        idle_until = self.log_sizes()
        idle_wall = time.monotonic() - t

        # 2. the window, with inbound callers at the same steady rate
        sids = {"workers": [w.pid for w in workers], "kamailio": [kam.pid], "job worker": [jobw.pid],
                "sipp patients": [patients.pid]}
        cpu0 = {k: sum(session_cpu(p) for p in v) for k, v in sids.items()}
        load0 = os.getloadavg()
        camp_from = self.log_sizes()
        t0 = time.monotonic()
        started = campaign.run_now(db, self.cfg, conn, now=utcnow())
        print(f"window started: {started}", flush=True)
        many = 10_000
        sipp_busy = self.inbound(many, int(a.inbound_period * 1000), "campaign")
        loads = []
        done_at = None
        last_print = 0.0
        while time.monotonic() - t0 < a.max_minutes * 60:
            c = campaign.counts(db, occ)
            with db.session() as s:
                open_ = s.scalar(select(CheckinAttempt.id).where(
                    CheckinAttempt.status.in_(("planned", "queued", "dialing"))).limit(1))
            if time.monotonic() - last_print > 30:
                loads.append(os.getloadavg()[0])
                print(f"  {time.monotonic() - t0:6.0f} s  {c}", flush=True)
                last_print = time.monotonic()
            if open_ is None:
                done_at = time.monotonic()
                break
            time.sleep(1)
        wall = (done_at or time.monotonic()) - t0
        cpu1 = {k: sum(session_cpu(p) for p in v) for k, v in sids.items()}
        load1 = os.getloadavg()
        os.killpg(sipp_busy.pid, signal.SIGUSR1)  # sipp: stop placing calls, finish... (or SIGTERM below)
        time.sleep(1)
        if sipp_busy.poll() is None:
            os.killpg(sipp_busy.pid, signal.SIGTERM)
        camp_until = self.log_sizes()

        with db.session() as s:
            attempts = list(s.scalars(select(CheckinAttempt).order_by(CheckinAttempt.id)))
            s.expunge_all()
            outbound_ids = {str(x.call_id) for x in attempts if x.call_id is not None}
            flows = dict(s.execute(select(Call.id, Call.flow_name)).all())
        outbound_ids |= {str(i) for i, f in flows.items() if f == "checkin_outbound"}
        counts = campaign.counts(db, occ)
        stats = campaign.stats(db, self.cfg, [occ])
        by_status: dict[str, int] = {}
        for x in attempts:
            by_status[x.status] = by_status.get(x.status, 0) + 1
        dialled = [x for x in attempts if x.claimed_at is not None]
        claims = [x.claimed_at for x in dialled if x.claimed_at is not None]
        edges = sorted([(c, 1) for c in claims] + [(x.finished_at, -1) for x in dialled if x.finished_at])
        conc = peak = 0
        for _, step in edges:
            conc += step
            peak = max(peak, conc)
        span = (max(claims) - min(claims)).total_seconds() if claims else 0.0
        idle_lat = self.latencies(idle_from, idle_until, outbound_ids)
        camp_lat = self.latencies(camp_from, camp_until, outbound_ids)
        cap = a.workers * max(1, int(a.max_calls * a.share))

        def pct(xs: list[float], q: float) -> str:
            return f"{xs[min(len(xs) - 1, int(len(xs) * q))]:.0f} ms" if xs else "-"

        print()
        print(f"patients: {a.patients} ({', '.join(f'{KINDS[k]} {n}' for k, n in sorted(kinds.items()))}); "
              f"workers {a.workers}, worker_max_calls {a.max_calls}, capacity share {a.share} -> at most {cap} "
              f"check-in calls at once; checkin_cps {a.cps}; ring {a.ring_s} s; retry after {a.retry_minutes} min")
        print("fast path: recognizer stub (keys only, no speech decoding); patients imported straight into "
              "the database")
        state = "finished" if done_at else f"NOT finished after {a.max_minutes} min"
        print(f"window {state}: {wall:.0f} s ({wall / 60:.1f} min)")
        print(f"attempts: {len(attempts)} by status {by_status}")
        print(f"window counts: {counts}")
        print(f"reach: {stats}")
        print(f"calls per hour: {3600 * len(dialled) / wall:.0f} dialled ({len(dialled)} in {wall:.0f} s); "
              f"first to last dial {span:.0f} s -> {len(dialled) / span if span else 0:.2f} new calls/s")
        print(f"peak check-in calls at once: {peak} (cap {cap})")
        idle_ans = self.answer_ms(self.tmp / "inbound-idle")
        camp_ans = self.answer_ms(self.tmp / "inbound-campaign")
        print(f"inbound answer time (INVITE -> 200 OK, sipp), idle (n={len(idle_ans)}, {idle_wall:.0f} s): "
              f"p50 {pct(idle_ans, 0.5)}  p95 {pct(idle_ans, 0.95)}  max {pct(idle_ans, 1.0)}")
        print(f"inbound answer time during the window (n={len(camp_ans)}): p50 {pct(camp_ans, 0.5)}  "
              f"p95 {pct(camp_ans, 0.95)}  max {pct(camp_ans, 1.0)}")
        # the workers' turn latency (bench/sip_load.py's measure) with the stub recognizer only covers key turns
        # and is counted in whole ticks: shown for completeness, not a speech-turn figure
        print(f"worker turn latency (key turns, tick-granular), idle n={len(idle_lat)} p95 {pct(idle_lat, 0.95)}; "
              f"during the window n={len(camp_lat)} p95 {pct(camp_lat, 0.95)}")
        inb = (self.tmp / "inbound-campaign" / "sipp.out")
        print(f"inbound sipp during the window: {self._sipp_counts(self.tmp / 'inbound-campaign')}; "
              f"idle: {self._sipp_counts(self.tmp / 'inbound-idle')}  ({inb.parent})")
        for k in sids:
            used = cpu1[k] - cpu0[k]
            print(f"CPU {k}: {used:.0f} s over {wall:.0f} s = {100 * used / wall:.0f} % of one core")
        print(f"load average: at start {load0[0]:.2f}, during {loads}, at end {load1[0]:.2f} "
              f"({os.cpu_count()} cores)")
        print(f"uptime: {subprocess.run(['uptime'], capture_output=True, text=True).stdout.strip()}")
        conn.close()
        return 0 if done_at else 1

    @staticmethod
    def _sipp_counts(folder: Path) -> str:
        stat = sorted(folder.glob("*_.csv"))
        if not stat:
            return "no stats"
        rows = [r.split(";") for r in stat[0].read_text().splitlines()]
        head, last = rows[0], rows[-1]
        return (f"{last[head.index('SuccessfulCall(C)')]} ok, {last[head.index('FailedCall(C)')]} failed of "
                f"{last[head.index('OutgoingCall(C)')]}")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--patients", type=int, default=500)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--max-calls", type=int, default=30, help="worker_max_calls")
    ap.add_argument("--share", type=float, default=0.5, help="checkin_capacity_share")
    ap.add_argument("--cps", type=float, default=1.0, help="checkin_cps")
    ap.add_argument("--ring-s", type=int, default=30, help="checkin_ring_s")
    ap.add_argument("--retry-minutes", type=float, default=0.1, help="checkin_retry_minutes (a float here)")
    ap.add_argument("--inbound-calls", type=int, default=12, help="inbound calls of the idle baseline")
    ap.add_argument("--inbound-period", type=float, default=5.0, help="seconds between inbound calls")
    ap.add_argument("--timezone", default="UTC", help="the window is 00:00-23:59 in this zone")
    ap.add_argument("--max-minutes", type=float, default=30)
    ap.add_argument("--_worker", type=int, default=None, help=argparse.SUPPRESS)
    ap.add_argument("--_spec", type=Path, default=None, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args._worker is not None:
        return run_worker(args._spec, args._worker)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))  # stopped from outside: still stop everything
    bench = Bench(args)
    print(f"bench folder: {bench.tmp}  started {datetime.now():%H:%M:%S}", flush=True)
    try:
        return bench.run()
    finally:
        bench.stop_all()
        print(f"logs: {bench.tmp}")


if __name__ == "__main__":
    sys.exit(main())
