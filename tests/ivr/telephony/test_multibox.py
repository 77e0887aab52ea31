"""Past one box: ``ivr up`` on PostgreSQL, and a front with worker boxes on other addresses (roles).

Each "box" is a separate ``ivr up`` bound to its own loopback address (127.0.0.2 the front,
127.0.0.3 and 127.0.0.4 worker boxes), all sharing the test PostgreSQL cluster and the test Redis
(both authenticated); the caller, sipp, is on 127.0.0.5. Calls go to the front's Kamailio, which
gives them to the workers registered from either box; SIGKILL of every process of one box
mid-call moves new calls to the other box and loses no escalation; the admin on the front shows
cases from calls handled on both boxes.
"""
from __future__ import annotations

import os
import random
import re
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from werkzeug.security import generate_password_hash

from ivr.config import Config
from ivr.errors import ConfigError
from ivr.store.database import Database
from ivr.store.models import AreaLevel, Call, Escalation, Role, StaffUser

from ...conftest import ARTIFACTS, free_port
from .conftest import SCENARIOS, SIPP_SHARE, port_block
from .test_up import free_base, processes_mentioning

FRONT, BOX_B, BOX_C, CALLER = "127.0.0.2", "127.0.0.3", "127.0.0.4", "127.0.0.5"


def wait_for(what: str, check: Callable[[], Any], timeout: float, interval: float = 0.3) -> Any:
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value:
            return value
        if time.monotonic() > deadline:
            pytest.fail(f"timed out after {timeout:.0f} s waiting for {what}")
        time.sleep(interval)


@dataclass
class Box:
    name: str
    data: Path
    proc: subprocess.Popen[bytes]
    out: Path
    err: Path

    def log(self, program: str) -> str:
        path = self.data / "logs" / f"{program}.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def stdout(self) -> str:
        return self.out.read_text(errors="replace")

    def ready(self) -> bool:
        if self.proc.poll() is not None:
            pytest.fail(f"`ivr up` of {self.name} exited with {self.proc.returncode}: "
                        f"{self.err.read_text(errors='replace')[-3000:]}")
        return "ivr: ready" in self.stdout()

    def kill(self) -> None:
        """SIGKILL every process of the box (supervisord, workers, decode processes): a box that disappears."""
        for pid in processes_mentioning(str(self.data)):
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        try:
            self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            pass


@dataclass
class Boxes:
    tmp: Path
    pg_url: str
    redis_url: str
    sip_port: int = field(default_factory=free_base)
    started: list[Box] = field(default_factory=list)
    rtp: int = field(default_factory=lambda: random.randrange(40000, 50000, 600))

    def start(self, name: str, address: str, **ivr: str) -> Box:
        data = self.tmp / name
        data.mkdir()
        low = self.rtp + 200 * len(self.started)  # instances on one machine: their own RTP ranges
        env = {k: v for k, v in os.environ.items() if not k.startswith("IVR_")}
        settings = {"data_dir": str(data), "database_url": self.pg_url, "redis_url": self.redis_url,
                    "sip_port": str(self.sip_port), "sip_host": address, "sip_advertise": address,
                    "admin_host": address, "admin_port": str(free_port()), "service_user": "root",
                    "rtp_port_low": str(low), "rtp_port_high": str(low + 199), "sip_failover_ms": "2000", **ivr}
        env.update({f"IVR_{k.upper()}": v for k, v in settings.items()})
        out, err = self.tmp / f"{name}-up.out", self.tmp / f"{name}-up.err"
        with out.open("ab") as o, err.open("ab") as e:
            proc = subprocess.Popen([sys.executable, "-m", "ivr.cli", "up"], cwd=self.tmp, env=env, stdout=o,
                                    stderr=e, start_new_session=True)
        box = Box(name=name, data=data, proc=proc, out=out, err=err)
        box.admin_port = int(settings["admin_port"])  # type: ignore[attr-defined]
        self.started.append(box)
        return box

    def stop_all(self) -> None:
        keep = ARTIFACTS / "multibox"  # every box's logs, for a reviewer (pytest's tmp folders rotate)
        shutil.rmtree(keep, ignore_errors=True)
        for box in self.started:
            shutil.copytree(box.data / "logs", keep / box.name, dirs_exist_ok=True)
            for f in (box.out, box.err):
                if f.exists():
                    shutil.copyfile(f, keep / f.name)
        for sipp_dir in self.tmp.glob("sipp-*"):
            shutil.copytree(sipp_dir, keep / sipp_dir.name, dirs_exist_ok=True)
        for box in self.started:
            if box.proc.poll() is None:
                os.killpg(box.proc.pid, signal.SIGTERM)
                try:
                    box.proc.wait(timeout=40)
                except subprocess.TimeoutExpired:
                    pass
            box.kill()


@pytest.fixture
def boxes(tmp_path: Path, pg_url: str, redis_url: str) -> Iterator[Boxes]:
    b = Boxes(tmp=tmp_path, pg_url=pg_url, redis_url=redis_url)
    yield b
    b.stop_all()


def sipp(boxes: Boxes, host: str, scenario: str, *, hold_ms: int = 1500, calls: int = 1,
         timeout_s: float = 60, number: str = "0912345678") -> subprocess.Popen[bytes]:
    """sipp as a caller on ``CALLER`` with phone ``number``, calling the front at ``host``; started, not waited
    for. (A second emergency from the same number re-triages that caller's open case instead of a new one.)"""
    text = (SCENARIOS / scenario).read_text(encoding="iso-8859-1").replace("@HOLD_MS@", str(hold_ms))
    text = text.replace("@SHARE@", str(SIPP_SHARE)).replace("0912345678", number)  # sipp's RFC 2833 key pcaps
    folder = boxes.tmp / f"sipp-{port_block(4)}"
    folder.mkdir()
    sf = folder / scenario
    sf.write_text(text, encoding="iso-8859-1")
    argv = ["sipp", f"{host}:{boxes.sip_port}", "-sf", str(sf), "-m", str(calls), "-r", "10", "-l", str(calls),
            "-i", CALLER, "-p", str(free_port_udp(CALLER)), "-mp", str(random.randrange(20000, 29000, 20)),
            "-s", "hotline", "-nostdin", "-trace_err", "-trace_msg", "-timeout", f"{int(timeout_s)}s", "-timeout_error"]
    return subprocess.Popen(argv, cwd=folder, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def free_port_udp(host: str) -> int:
    import socket

    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.bind((host, 0))
        return int(s.getsockname()[1])


def calls(db: Database) -> list[Call]:
    with db.session() as s:
        return list(s.scalars(select(Call).order_by(Call.id)))


def escalations(db: Database) -> list[tuple[int, str]]:
    """(escalation id, worker that handled its call)."""
    with db.session() as s:
        rows = s.execute(select(Escalation.id, Call.worker).outerjoin(Call, Call.id == Escalation.call_id)
                         .order_by(Escalation.id)).all()
        return [(int(r[0]), str(r[1])) for r in rows]


@pytest.mark.slow
def test_ivr_up_runs_the_whole_hotline_on_postgresql(boxes: Boxes) -> None:
    one = boxes.start("one", "127.0.0.1", workers="1")
    wait_for("the ready line", one.ready, timeout=240)
    proc = sipp(boxes, "127.0.0.1", "uac_hangup_mid_prompt.xml", timeout_s=30)
    assert proc.wait(timeout=60) == 0
    db = Database(boxes.pg_url)
    try:
        stored = wait_for("the call in PostgreSQL", lambda: [c for c in calls(db) if c.ended_at is not None], 20)
        assert [(c.worker, c.caller, c.outcome) for c in stored] == [("worker0", "0912345678", "abandoned")]
    finally:
        db.dispose()
    assert "postgresql+psycopg://ivr_test:***@127.0.0.1" in one.err.read_text()  # the password never shown


def _login(base: str) -> Any:
    import requests
    from requests.adapters import HTTPAdapter

    class _FromCaller(HTTPAdapter):  # the doctor's browser is on another host too
        def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
            kwargs["source_address"] = (CALLER, 0)
            super().init_poolmanager(*args, **kwargs)

    http = requests.Session()
    http.mount("http://", _FromCaller())
    page = http.get(base + "/login", timeout=10).text
    token = re.search(r'<meta name="csrf-token" content="([^"]+)"', page)
    assert token, page[:500]
    resp = http.post(base + "/login", data={"username": "bacsi", "password": "mat-khau-du-dai-1",
                                            "csrf_token": token.group(1)}, allow_redirects=False, timeout=10)
    assert resp.status_code == 302, resp.text[:500]
    return http


@pytest.mark.slow
def test_a_front_and_two_worker_boxes_share_the_calls_and_survive_a_box_killed_mid_call(boxes: Boxes) -> None:
    db = Database(boxes.pg_url)
    with db.session() as s:
        s.add(StaffUser(username="bacsi", full_name="BS Nguyễn Văn An", role=Role.ADMIN,
                        area_level=AreaLevel.PROVINCE, active=True,
                        password_hash=generate_password_hash("mat-khau-du-dai-1", method="pbkdf2:sha256:1000")))
    front = boxes.start("front", FRONT, role="front", workers="2", sip_worker_hosts=f"{BOX_B},{BOX_C}")
    wait_for("the front's ready line", front.ready, timeout=120)
    front_at = f"{FRONT}:{boxes.sip_port}"
    b = boxes.start("box-b", BOX_B, role="worker", workers="1", worker_index_base="0", sip_front=front_at)
    c = boxes.start("box-c", BOX_C, role="worker", workers="1", worker_index_base="1", sip_front=front_at)
    for box, worker, address in ((b, "worker0", BOX_B), (c, "worker1", BOX_C)):
        wait_for(f"{box.name}'s ready line", box.ready, timeout=300)
        assert f"ivr: ready — {worker} registered to the SIP front {front_at}" in box.stdout()
        wait_for(f"{worker} registered at the front from {address}",
                 lambda w=worker, a=address: f"worker {w} registered from {a}:" in front.log("kamailio"), 30)
    try:
        # two calls at once: the least-loaded worker takes each, one on each box
        assert sipp(boxes, FRONT, "uac_hangup_after.xml", hold_ms=4000, calls=2).wait(timeout=90) == 0
        assert sorted(c.worker for c in calls(db)) == ["worker0", "worker1"]

        # a long call on one box, then an emergency call (the other, least-loaded box) that escalates
        long_call = sipp(boxes, FRONT, "uac_hangup_after.xml", hold_ms=15000)
        busy = wait_for("the long call", lambda: [x.worker for x in calls(db)[2:] if x.outcome == "in_progress"], 20)
        emergency = sipp(boxes, FRONT, "uac_emergency_key.xml", timeout_s=40)
        first = wait_for("the escalation of the emergency call", lambda: escalations(db), 40)[0]
        doomed = first[1]
        assert doomed != busy[0]  # the other box took it
        victim, survivor = (b, c) if doomed == "worker0" else (c, b)
        victim.kill()  # mid-call: the emergency caller is on hold on that box
        emergency.kill()
        emergency.wait(timeout=10)
        assert long_call.wait(timeout=60) == 0  # the survivor's call goes on to its end
        alive = "worker1" if doomed == "worker0" else "worker0"

        # new calls go to the surviving box (the dead worker times out once, then is suspect)
        assert sipp(boxes, FRONT, "uac_hangup_mid_prompt.xml", timeout_s=30).wait(timeout=60) == 0
        assert sipp(boxes, FRONT, "uac_emergency_key.xml", timeout_s=40, number="0987654321").wait(timeout=70) == 0
        later = [x for x in calls(db) if x.id > max(y.id for y in calls(db) if y.worker == doomed)]
        assert later and {x.worker for x in later} == {alive}, [(x.id, x.worker) for x in calls(db)]

        # no escalation lost: the one made on the killed box is in the shared database and on the front's
        # admin board, with the one made on the surviving box
        cases = wait_for("two escalations", lambda: escalations(db) if len(escalations(db)) >= 2 else None, 30)
        assert cases[0] == first and {w for _, w in cases} == {doomed, alive}
        http = _login(f"http://{FRONT}:{front.admin_port}")  # type: ignore[attr-defined]
        board = http.get(f"http://{FRONT}:{front.admin_port}/board/", timeout=10).text
        listed = {r["id"] for r in http.get(f"http://{FRONT}:{front.admin_port}/api/escalations",  # type: ignore
                                             timeout=10).json()["escalations"]}
        for eid, _ in cases:
            assert f'data-id="{eid}"' in board  # a row of the duty doctors' board
            assert eid in listed
        assert survivor.proc.poll() is None
    finally:
        db.dispose()


# --- fast: what each role runs -------------------------------------------------------------------------------------

ALL_COMMANDS = ("sip-worker", "worker", "admin serve")


def test_a_front_runs_kamailio_the_job_worker_the_admin_and_its_redis_but_no_sip_worker(cfg: Config) -> None:
    from ivr.ops import supervisor

    front = cfg.replace(role="front", workers=4, sip_worker_hosts=(BOX_B, BOX_C))
    progs, skipped = supervisor.programs(front, ALL_COMMANDS)
    assert [p.name for p in progs] == ["redis", "kamailio", "job-worker", "admin"] and skipped == []
    shared = front.replace(redis_url="redis://:pw@10.0.0.9:6379/0")
    assert [p.name for p in supervisor.programs(shared, ALL_COMMANDS)[0]] == ["kamailio", "job-worker", "admin"]
    plan = supervisor.port_plan(front, progs)
    assert [u.what for u in plan] == ["SIP (Kamailio)", "Redis", "admin"]


def test_a_worker_box_runs_only_its_sip_workers_numbered_from_its_base(cfg: Config) -> None:
    from ivr.ops import supervisor

    box = cfg.replace(role="worker", workers=2, worker_index_base=4, sip_front=f"{FRONT}:5060",
                      sip_advertise=BOX_C, redis_url="redis://:pw@127.0.0.2:6390/0")
    progs, _ = supervisor.programs(box, ALL_COMMANDS)
    assert [p.name for p in progs] == ["sip-worker-4", "sip-worker-5"]
    assert progs[0].argv[-4:] == ("--index", "4", "--data-dir", str(box.data_dir))
    plan = supervisor.port_plan(box, progs)  # no Kamailio, no Redis, no admin; workers bind sip_advertise
    assert [(u.host, u.port) for u in plan] == [(BOX_C, box.worker_port_base + 4), (BOX_C, box.worker_port_base + 5)]
    assert supervisor.ready_line(box) == f"ivr: ready — worker4, worker5 registered to the SIP front {FRONT}:5060"


def test_the_front_s_kamailio_takes_workers_from_the_worker_boxes_only(cfg: Config) -> None:
    from ivr.ops import kamailio

    vals = kamailio.values(cfg.replace(role="front", workers=40, sip_worker_hosts=(BOX_B, BOX_C)))
    assert vals["WORKER_SOURCE"] == (f'($si == "127.0.0.1" || $si == "{BOX_B}" || $si == "{BOX_C}")')
    assert vals["WORKERS"] == "40"  # a front counts every box's workers: worker0..worker39
    assert kamailio.values(cfg)["WORKER_SOURCE"] == '($si == "127.0.0.1")'  # one box: its own workers only
    with pytest.raises(kamailio.KamailioError, match="at most 30 workers per machine"):
        kamailio.values(cfg.replace(workers=40))


def test_front_and_worker_roles_need_a_shared_database_and_redis(cfg: Config) -> None:
    from ivr.cli.up import check_role

    with pytest.raises(ConfigError, match=r"^config: key 'database_url': role 'front' shares the database"):
        check_role(cfg.replace(role="front"))
    pg = "postgresql+psycopg://ivr:pw@10.0.0.2/ivr"
    check_role(cfg.replace(role="front", database_url=pg))
    with pytest.raises(ConfigError, match=r"^config: key 'redis_url': role 'worker' uses the front's Redis"):
        check_role(cfg.replace(role="worker", database_url=pg, sip_front="10.0.0.2:5060"))
    check_role(cfg.replace(role="worker", database_url=pg, sip_front="10.0.0.2:5060",
                           redis_url="redis://:pw@10.0.0.2:6390/0"))
