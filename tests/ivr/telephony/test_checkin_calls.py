"""Check-in calls over real SIP peers: the worker's dialer claims a call from a check-in desk, dials the
patient's phone through the project's Kamailio and its trunk (sipp on 127.0.0.3 standing for the patients'
phones), runs callflows/checkin_outbound.yaml on the answered leg and reports the result.

The worker runs in this process (its real ``WorkerPhone``, ``Runtime`` and ``Dialer``) so that the desk can
be ``ListDesk``: a real, list-backed implementation of the ``CheckinDesk`` protocol (the queue-backed one is
c1's). The patients press keys only; the recognizer stands in as one that hears no words.
"""
from __future__ import annotations

import subprocess
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from ivr.config import Config
from ivr.store.database import Database
from ivr.store.models import Call, Escalation, Patient
from ivr.telephony.checkin import OutboundCall, OutboundPatient, OutboundResult

from ...escalation.checkins.conftest import open_window_cfg
from . import pcap
from .conftest import SIPP_SHARE, Front, SippPeer, port_block, render_scenario, run_sipp

pytestmark = pytest.mark.slow

PATIENT_HOST = "127.0.0.3"
PHONE = "+84912345678"
CLI = "02873001234"  # the published number the patients see
STATION = "Trạm y tế xã Tân Hòa"


class ListDesk:
    """A check-in desk backed by a list: ``claim`` pops the next call (waiting up to ``timeout``), ``finish``
    appends the result. Thread-safe, like the real one must be (the dialer and call threads use it)."""

    def __init__(self, calls: list[OutboundCall] | None = None):
        self.calls = list(calls or [])
        self.results: list[OutboundResult] = []
        self.claims: list[tuple[str, int]] = []
        self._cond = threading.Condition()

    def add(self, call: OutboundCall) -> None:
        with self._cond:
            self.calls.append(call)
            self._cond.notify_all()

    def claim(self, worker: str, timeout: float) -> OutboundCall | None:
        with self._cond:
            if not self.calls:
                self._cond.wait(timeout)
            if not self.calls:
                return None
            call = self.calls.pop(0)
            self.claims.append((worker, call.attempt_id))
            return call

    def finish(self, result: OutboundResult) -> None:
        with self._cond:
            self.results.append(result)
            self._cond.notify_all()

    def wait_results(self, n: int, timeout_s: float) -> list[OutboundResult]:
        deadline = time.monotonic() + timeout_s
        with self._cond:
            while len(self.results) < n and (left := deadline - time.monotonic()) > 0:
                self._cond.wait(left)
            return list(self.results)


class Patient_(SippPeer):
    """sipp as one patient's phone behind the trunk (one call)."""

    tail_chars = 5000

    def __init__(self, cfg: Config, port: int, *, actions: str, ending: str = "wait_bye", scenario: str =
                 "uas_patient.xml", calls: int = 1, user_re: str = r"\+" + PHONE[1:]):
        self.folder = cfg.data_dir / f"patient-{port}"
        self.folder.mkdir(parents=True, exist_ok=True)
        ruri = rf"^INVITE sip:{user_re}@{PATIENT_HOST.replace('.', chr(92) + '.')}:{port} SIP/2\.0"
        sf = render_scenario(scenario, self.folder, {
            "SHARE": str(SIPP_SHARE), "RURI_RE": ruri, "CLI_RE": rf"sip:{CLI}@", "ACTIONS": actions,
            "ENDING": ENDINGS[ending]})
        self.out = (self.folder / "sipp.out").open("wb")
        self.proc = subprocess.Popen(
            ["sipp", "-sf", str(sf), "-i", PATIENT_HOST, "-p", str(port), "-mp", str(port_block(4)), "-m", str(calls),
             "-nostdin", "-trace_err", "-trace_msg", "-timeout", "150s", "-timeout_error"],
            cwd=self.folder, stdout=self.out, stderr=subprocess.STDOUT)
        time.sleep(0.3)


ENDINGS = {
    "wait_bye": """<recv request="BYE" crlf="true"/>
  <send><![CDATA[
      SIP/2.0 200 OK
      [last_Via:]
      [last_From:]
      [last_To:]
      [last_Call-ID:]
      [last_CSeq:]
      Content-Length: 0

  ]]></send>""",
    "hangup": """<send retrans="500"><![CDATA[
      BYE [next_url] SIP/2.0
      Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
      [routes]
      From: [$to];tag=[pid]SIPpTag01[call_number]
      To: [$from]
      [last_Call-ID:]
      CSeq: 101 BYE
      Contact: <sip:[local_ip]:[local_port];transport=[transport]>
      Max-Forwards: 70
      Content-Length: 0

  ]]></send>
  <recv response="200" crlf="true"/>""",
}


def keys(folder: Path, *steps: tuple[int, str]) -> str:
    """sipp actions: for each (pause in ms, key) a pause then the key's RFC 4733 packets (each press with
    its own RTP timestamp, as phones send them: the same key twice is two presses)."""
    folder.mkdir(parents=True, exist_ok=True)
    out = []
    for i, (pause_ms, key) in enumerate(steps):
        out.append(f'<pause milliseconds="{pause_ms}"/>')
        if key:
            path = folder / f"key{i}-{key}.pcap"
            path.write_bytes(pcap.dtmf_pcap(key, ts=16000 * (i + 1)))
            out.append(f'<nop><action><exec play_pcap_audio="{path}"/></action></nop>')
    return "\n  ".join(out)


@pytest.fixture
def trunk_port() -> int:
    return port_block(4)


@pytest.fixture
def sip_cfg(sip_cfg: Config, trunk_port: int) -> Config:
    # a window open now, far from the local midnight whatever the hour the suite runs (retries fit in it)
    return open_window_cfg(sip_cfg.replace(sip_trunk_uri=f"sip:{PATIENT_HOST}:{trunk_port}", checkin_ring_s=4,
                                           workers=1, worker_max_calls=4, hold_limit_s=20, checkin_caller_id=CLI))


class InProcessWorker:
    """worker0 in this process: its phone registered to the test's Kamailio, its runtime, its dialer."""

    def __init__(self, cfg: Config, desk: ListDesk):
        from ivr.cli.sipworker import Runtime, rtp_range, start_dialer
        from ivr.telephony.phone import WorkerPhone

        self.runtime = Runtime.build(cfg, transcribe=lambda *_a, **_k: ("", 0.0))
        low, high = rtp_range(cfg, 0)
        self.inbound: list[str] = []
        self.phone = WorkerPhone(server=cfg.sip_advertise, port=cfg.sip_port, username="worker0", password="",
                                 my_ip=cfg.sip_advertise, sip_port=cfg.worker_port_base, rtp_low=low, rtp_high=high,
                                 max_calls=cfg.worker_max_calls, on_call=self._inbound)
        self.phone.start_registered()
        self.dialer = start_dialer(cfg, self.runtime, self.phone, "worker0", desk=desk)

    def _inbound(self, line: object) -> None:
        self.inbound.append(self.runtime.run_call(line, worker="worker0"))

    def stop(self) -> None:
        if self.dialer is not None:
            self.dialer.stop()
        self.phone.stop()
        self.runtime.close()


@pytest.fixture
def worker(kamailio_front: Front, db: Database, redis_url: str) -> Iterator[tuple[InProcessWorker, ListDesk]]:
    cfg = kamailio_front.cfg.replace(redis_url=redis_url)
    desk = ListDesk()
    w = InProcessWorker(cfg, desk)
    try:
        yield w, desk
    finally:
        w.stop()


def _patient(db: Database, name: str = "Nguyễn Thị Lan", phone: str = PHONE) -> int:
    with db.session() as s:
        p = Patient(name=name, phone=phone)
        s.add(p)
        s.flush()
        return int(p.id)


def _call(attempt_id: int, *patients: OutboundPatient) -> OutboundCall:
    return OutboundCall(attempt_id=attempt_id, phone=PHONE, patients=patients, station=STATION, caller_id=CLI)


def test_answered_with_keys_is_reached_and_a_warning_sign_escalates(worker: tuple[InProcessWorker, ListDesk],
                                                                     db: Database, trunk_port: int) -> None:
    w, desk = worker
    pid = _patient(db)
    # 1 at the gate; 1 "it is the patient"; 1 "khó thở" at the how-are-you question; then hang up
    phone = Patient_(w.runtime.cfg, trunk_port, actions=keys(w.runtime.cfg.data_dir / "keys",
                                                              (2500, "1"), (14000, "1"), (5000, "1"), (9000, "")),
                     ending="hangup")
    desk.add(_call(101, OutboundPatient(id=pid, name="Nguyễn Thị Lan", address_as="bác Lan")))
    try:
        results = desk.wait_results(1, 90)
        assert phone.wait(30) == 0, phone.text()
    finally:
        phone.stop()
    assert results, "no result reported"
    r = results[0]
    assert (r.status, r.answered_by, r.answered_patient_id) == ("reached", "patient", pid), r
    assert r.call_id is not None and r.sip_code == 200
    with db.session() as s:
        call = s.get(Call, r.call_id)
        assert call is not None
        assert call.caller == PHONE and call.patient_id == pid and call.flow_name == "checkin_outbound"
        assert call.slots["direction"] == "outbound" and call.slots["started"] is True
        esc = s.scalars(select(Escalation).where(Escalation.call_id == r.call_id)).all()
        assert esc and esc[0].patient_id == pid and esc[0].risk in ("high", "emergency")


def test_busy_phone_is_reported_busy(worker: tuple[InProcessWorker, ListDesk], trunk_port: int) -> None:
    w, desk = worker
    phone = Patient_(w.runtime.cfg, trunk_port, actions="", scenario="uas_trunk_busy.xml")
    desk.add(_call(102, OutboundPatient(id=1, name="Lan")))
    try:
        results = desk.wait_results(1, 30)
        assert phone.wait(20) == 0, phone.text()
    finally:
        phone.stop()
    assert [(r.status, r.sip_code, r.call_id) for r in results] == [("busy", 486, None)]


def test_a_phone_nobody_answers_is_cancelled_after_the_ring_time(worker: tuple[InProcessWorker, ListDesk],
                                                                   trunk_port: int) -> None:
    w, desk = worker
    phone = Patient_(w.runtime.cfg, trunk_port, actions="", scenario="uas_doctor_no_answer.xml")
    desk.add(_call(103, OutboundPatient(id=1, name="Lan")))
    started = time.monotonic()
    try:
        results = desk.wait_results(1, 30)
        assert phone.wait(20) == 0, phone.text()
    finally:
        phone.stop()
    assert [(r.status, r.call_id) for r in results] == [("no_answer", None)]
    assert 3.5 <= time.monotonic() - started <= 15


def test_answered_but_silent_is_not_reached(worker: tuple[InProcessWorker, ListDesk], db: Database,
                                            trunk_port: int) -> None:
    w, desk = worker
    pid = _patient(db)
    phone = Patient_(w.runtime.cfg, trunk_port, actions="", ending="wait_bye")
    desk.add(_call(104, OutboundPatient(id=pid, name="Nguyễn Thị Lan", address_as="bác Lan")))
    try:
        results = desk.wait_results(1, 120)
        assert phone.wait(30) == 0, phone.text()
    finally:
        phone.stop()
    assert [(r.status, r.answered_by, r.answered_patient_id) for r in results] == [("not_reached", "", None)]
    with db.session() as s:
        call = s.get(Call, results[0].call_id)
        assert call is not None and "started" not in call.slots
        prompts = [st.prompt_id for st in call.steps if st.prompt_id]
        # asked three times to press 1, then told it will be called again: nothing about the patient was said
        assert prompts.count("checkin_start") == 3 and prompts.count("checkin_start_again") == 2, prompts
        assert prompts[-1] == "checkin_not_reached" and "checkin_greet" not in prompts, prompts


def test_hanging_up_at_the_first_prompt_is_not_reached(worker: tuple[InProcessWorker, ListDesk],
                                                       trunk_port: int) -> None:
    w, desk = worker
    phone = Patient_(w.runtime.cfg, trunk_port, actions=keys(w.runtime.cfg.data_dir / "keys", (1500, "")),
                     ending="hangup")
    desk.add(_call(105, OutboundPatient(id=1, name="Lan")))
    try:
        results = desk.wait_results(1, 30)
        assert phone.wait(20) == 0, phone.text()
    finally:
        phone.stop()
    assert [r.status for r in results] == ["not_reached"]


def test_inbound_calls_are_answered_at_once_while_a_campaign_runs(worker: tuple[InProcessWorker, ListDesk],
                                                                   trunk_port: int) -> None:
    """worker_max_calls 4, share 0.5: at most 2 calls of any kind when a check-in call starts, so a caller
    always finds a free slot; the campaign starts no new call while the caller is on the line."""
    w, desk = worker
    phones = Patient_(w.runtime.cfg, trunk_port, actions=keys(w.runtime.cfg.data_dir / "keys", (12000, "")),
                      ending="hangup", calls=4)
    most = [0]
    stop = threading.Event()

    def watch() -> None:
        while not stop.is_set():
            assert w.dialer is not None
            most[0] = max(most[0], w.dialer.in_progress)
            time.sleep(0.05)

    watcher = threading.Thread(target=watch, daemon=True)
    watcher.start()
    for i in range(4):
        desk.add(_call(200 + i, OutboundPatient(id=1, name="Lan")))
    try:
        deadline = time.monotonic() + 20
        while w.phone.active_calls() < 2 and time.monotonic() < deadline:
            time.sleep(0.1)
        assert w.phone.active_calls() == 2, "the campaign did not fill its share"
        started = time.monotonic()
        inbound = run_sipp(w.runtime.cfg, "uac_hangup_after.xml", timeout_s=20, values={"HOLD_MS": "3000"})
        took = time.monotonic() - started
        assert inbound.rc == 0, inbound.out
        print(f"inbound call during the campaign: {took:.2f} s from INVITE to the end of its 3 s call")
        assert took < 10, f"the inbound call took {took:.1f} s"
        results = desk.wait_results(4, 120)
        assert phones.wait(30) == 0, phones.text()
    finally:
        stop.set()
        phones.stop()
    assert w.inbound == ["abandoned"]
    assert [r.status for r in results] == ["not_reached"] * 4
    assert most[0] == 2, f"at most {most[0]} check-in calls at once (share: 2)"


# ---------------------------------------------------------------------------------------- through c1's desk
@pytest.fixture
def queue_worker(kamailio_front: Front, db: Database, redis_url: str) -> Iterator[InProcessWorker]:
    """worker0 with the installed check-in desk (``escalation.checkins.desk.QueueCheckinDesk``: the
    ``ivr.checkin_desk`` entry point), the rq-less part of c1's campaign putting the window's calls on the
    dial list (``campaign.run_now``, as ``ivr checkins run`` does)."""
    from ivr.telephony.checkin import load_desk

    cfg = kamailio_front.cfg.replace(redis_url=redis_url)
    desk = load_desk(None, cfg)  # checked: the entry point is installed and loads
    assert type(desk).__name__ == "QueueCheckinDesk"
    w = InProcessWorker.__new__(InProcessWorker)
    from ivr.cli.sipworker import Runtime, rtp_range, start_dialer
    from ivr.telephony.phone import WorkerPhone

    w.runtime = Runtime.build(cfg, transcribe=lambda *_a, **_k: ("", 0.0))
    w.inbound = []
    low, high = rtp_range(cfg, 0)
    w.phone = WorkerPhone(server=cfg.sip_advertise, port=cfg.sip_port, username="worker0", password="",
                          my_ip=cfg.sip_advertise, sip_port=cfg.worker_port_base, rtp_low=low, rtp_high=high,
                          max_calls=cfg.worker_max_calls, on_call=w._inbound)
    w.phone.start_registered()
    w.dialer = start_dialer(cfg, w.runtime, w.phone, "worker0")  # loads the desk itself
    try:
        yield w
    finally:
        w.stop()


def _attempts(db: Database) -> list[Any]:
    from ivr.store.models import CheckinAttempt

    with db.session() as s:
        rows = list(s.scalars(select(CheckinAttempt).order_by(CheckinAttempt.id)))
        s.expunge_all()
        return rows


def test_a_household_window_through_the_queue_desk(queue_worker: InProcessWorker, db: Database, redis_url: str,
                                                    trunk_port: int) -> None:
    """Two elderly patients on one phone: one attempt for the phone; the relative who answers picks bác Hùng
    (2), says they answer for him (2), and the attempt is recorded reached, by a relative, for Hùng.
    Merged from c1-checkin: the plan, the dial list and the result handling are c1's."""
    import redis

    from escalation.checkins import campaign
    from ivr.store.models import utcnow

    w = queue_worker
    with db.session() as s:
        for name in ("Nguyễn Thị Lan", "Trần Văn Hùng"):
            s.add(Patient(name=name, phone=PHONE, birth_year=1940, commune="xã Tân Hòa"))
    lan, hung = (p.id for p in _patients(db))
    phone = Patient_(w.runtime.cfg, trunk_port, ending="hangup", actions=keys(
        w.runtime.cfg.data_dir / "keys", (2500, "1"), (4000, "2"), (14000, "2"), (4000, "")))
    conn = redis.Redis.from_url(redis_url)
    try:
        started = campaign.run_now(db, w.runtime.cfg, conn, now=utcnow())
        assert started["queued"] == 1, started
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline and not (w.dialer.results if w.dialer else []):
            time.sleep(0.2)
        assert phone.wait(30) == 0, phone.text()
    finally:
        phone.stop()
        conn.close()
    attempts = _attempts(db)
    assert len(attempts) == 2, [(x.attempt, x.status) for x in attempts]
    a, retry = attempts
    # c1's desk: bác Lan was not checked in by this call, so her retry is planned (on the same phone)
    assert (retry.attempt, retry.status, retry.patient_ids) == (2, "planned", [lan]), retry.patient_ids
    assert (a.status, a.answered_by, a.answered_patient_id, a.worker) == ("reached", "relative", hung, "worker0")
    assert a.call_id is not None and a.sip_code == 200
    with db.session() as s:
        call = s.get(Call, a.call_id)
        assert call is not None and call.patient_id == hung and call.slots["patient"] == 2
        texts = " ".join(st.prompt_id for st in call.steps if st.prompt_id)
        assert "checkin_household" in texts and "checkin_greet" in texts


def _patients(db: Database) -> list[Any]:
    with db.session() as s:
        rows = list(s.scalars(select(Patient).order_by(Patient.id)))
        s.expunge_all()
        return rows


# ---------------------------------------------------------------------------------------- the SIP front
def _burst(cfg: Config, source: tuple[str, int], users: list[str], *, from_user: str, timeout_s: float = 15
           ) -> dict[int, int]:
    """Send one INVITE per user from ``source``, 100 a second; final status -> how many got it."""
    import socket

    from ivr.ops import sipprobe

    finals: dict[str, int] = {}
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        sock.bind(source)
        for i, user in enumerate(users):
            sock.sendto(sipprobe.build_request("INVITE", f"sip:{user}@127.0.0.1", local=source, from_user=from_user,
                                               call_id=f"burst{i}", extra=(f"P-Asserted-Identity: <sip:{from_user}@"
                                                                           "127.0.0.1>",), sdp=True).encode(),
                        ("127.0.0.1", cfg.sip_port))
            time.sleep(0.01)  # 100 a second: far above the flood limit, gentle on the loopback's buffers
        deadline = time.monotonic() + timeout_s
        while len(finals) < len(users) and (left := deadline - time.monotonic()) > 0:
            sock.settimeout(left)
            try:
                data = sock.recvfrom(65535)[0]
                reply = sipprobe.parse_reply(data)
            except (TimeoutError, ValueError):
                continue
            call_id = next((line.split(":", 1)[1].strip() for line in data.decode(errors="replace").split("\r\n")
                            if line.lower().startswith("call-id:")), "")
            if reply.status >= 200:
                finals[call_id] = reply.status
    counts: dict[int, int] = {}
    for status in finals.values():
        counts[status] = counts.get(status, 0) + 1
    return counts


def test_a_campaign_burst_from_a_worker_passes_the_flood_check_with_its_caller_id(kamailio_front: Front,
                                                                                   trunk_port: int) -> None:
    """Three times the flood limit of check-in INVITEs within 2 s from a worker's address, From the published
    number: every one reaches the trunk (which answers 486) - the flood and sanity checks do not stop a
    campaign. The same burst from an address that is not a worker is cut by the flood check."""
    cfg = kamailio_front.cfg
    n = 3 * cfg.sip_flood_limit
    users = [f"+8491{i:07d}" for i in range(n)]
    trunk = Patient_(cfg, trunk_port, actions="", scenario="uas_trunk_busy.xml", calls=n, user_re=r"\+8491[0-9]{7}")
    try:
        counts = _burst(cfg, ("127.0.0.1", cfg.worker_port_base), users, from_user=CLI)
    finally:
        trunk.stop()
    assert counts == {486: n}, counts
    stranger = _burst(cfg, ("127.0.0.5", port_block(2)), [f"hotline{i}" for i in range(n)], from_user="x",
                      timeout_s=5)
    assert sum(stranger.values()) < n, stranger


def test_nine_opts_out_through_the_queue_desk(queue_worker: InProcessWorker, db: Database, redis_url: str,
                                              trunk_port: int) -> None:
    """1 to start, 9 at the first question, 1 to confirm: the flow says so and hangs up, the attempt is
    opted_out and c1's desk records the patient's opt-out (no more calls)."""
    import redis

    from escalation.checkins import campaign
    from ivr.store.models import utcnow

    w = queue_worker
    pid = _patient(db)
    with db.session() as s:
        p = s.get(Patient, pid)
        assert p is not None
        p.commune = "xã Tân Hòa"
    phone = Patient_(w.runtime.cfg, trunk_port, ending="wait_bye", actions=keys(
        w.runtime.cfg.data_dir / "keys", (2500, "1"), (12000, "9"), (4000, "1")))
    conn = redis.Redis.from_url(redis_url)
    try:
        assert campaign.run_now(db, w.runtime.cfg, conn, now=utcnow())["queued"] == 1
        assert phone.wait(90) == 0, phone.text()
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline and not (w.dialer.results if w.dialer else []):
            time.sleep(0.2)
    finally:
        phone.stop()
        conn.close()
    [a] = _attempts(db)
    assert (a.status, a.answered_patient_id) == ("opted_out", pid)
    [p] = _patients(db)
    assert p.opted_out_at is not None
    with db.session() as s:
        call = s.get(Call, a.call_id)
        assert call is not None
        prompts = [st.prompt_id for st in call.steps if st.prompt_id]
        assert prompts[-2:] == ["checkin_opt_out_confirm", "checkin_opted_out"], prompts


def test_a_worker_stopping_mid_call_hangs_up_and_still_reports(worker: tuple[InProcessWorker, ListDesk],
                                                               trunk_port: int) -> None:
    """SIGTERM's path (``Dialer.stop``): no new claims, the call in progress gets a BYE, and its result is
    reported before the worker exits (a lost result is an attempt stuck in dialing)."""
    w, desk = worker
    phone = Patient_(w.runtime.cfg, trunk_port, actions=keys(w.runtime.cfg.data_dir / "keys", (2500, "1")),
                     ending="wait_bye")
    desk.add(_call(301, OutboundPatient(id=1, name="Lan")))
    try:
        deadline = time.monotonic() + 20
        while w.phone.active_calls() < 1 and time.monotonic() < deadline:
            time.sleep(0.1)
        time.sleep(5)  # past the gate: the patient pressed 1
        assert w.dialer is not None
        w.dialer.stop()
        desk.add(_call(302, OutboundPatient(id=1, name="Lan")))  # never claimed: the dialer has stopped
        assert phone.wait(20) == 0, phone.text()  # the BYE came
    finally:
        phone.stop()
    assert [(r.attempt_id, r.status) for r in desk.results] == [(301, "reached")]
    assert [c for _, c in desk.claims] == [301]
