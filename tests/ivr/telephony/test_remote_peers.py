"""Callers on another host: sipp bound to 127.0.0.2 / 127.0.0.3 calls through the project's Kamailio
to real ``ivr sip-worker`` processes (issue 11, findings 1 and 6).

A caller elsewhere follows the dialog's route set: its ACK and BYE must reach the worker through
Kamailio (the worker's 200 echoes the Record-Route), and the worker's BYE must reach the caller
through Kamailio (it carries the route set), however long the call lasted.
"""
from __future__ import annotations

import re
import secrets
import socket
import time

import pytest
from sqlalchemy import select

from ivr.ops import sipprobe
from ivr.store.database import Database
from ivr.store.models import Call, Escalation

from .conftest import Front, Workers, run_sipp

pytestmark = pytest.mark.slow

CALLER_IP = "127.0.0.2"


def _wait_done(db: Database, n: int, timeout_s: float) -> list[Call]:
    deadline = time.monotonic() + timeout_s
    while True:
        with db.session() as s:
            calls = list(s.scalars(select(Call).order_by(Call.id)))
            if sum(c.outcome != "in_progress" for c in calls) >= n or time.monotonic() > deadline:
                return calls
        time.sleep(0.1)


def _escalations(db: Database) -> list[Escalation]:
    with db.session() as s:
        return list(s.scalars(select(Escalation)))


def test_a_caller_on_another_host_hangs_up_and_the_call_is_abandoned(workers: Workers, db: Database) -> None:
    workers.start(0)
    result = run_sipp(workers.cfg, "uac_hangup_after.xml", timeout_s=30, local_ip=CALLER_IP,
                      values={"HOLD_MS": "3000"})
    hung_up = time.monotonic()
    assert result.rc == 0, result.out  # the caller's BYE got its 200 (through Kamailio)
    calls = _wait_done(db, 1, timeout_s=20)
    stored_after = time.monotonic() - hung_up
    print(f"hang-up to stored outcome: {stored_after:.2f} s")
    assert [c.outcome for c in calls] == ["abandoned"], [(c.outcome, c.duration_s) for c in calls]
    assert calls[0].duration_s is not None and calls[0].duration_s < 10
    assert _escalations(db) == []
    assert stored_after < 5


def _advice_wait_ms(workers: Workers) -> int:
    """How long the medication advice plays, plus a margin: key 9 is pressed once it has ended."""
    from ivr.engine.prompts import load_catalog
    from ivr.tts.render import PromptRenderer

    catalog = load_catalog(workers.cfg.prompts_catalog)
    advice = PromptRenderer(workers.cfg).pcm("faq_medication", catalog.text("faq_medication"))
    return int(len(advice) / 16 + 1500)


@pytest.fixture
def short_noack(monkeypatch: pytest.MonkeyPatch) -> int:
    """Kamailio's dialog noack_timeout cut from 60 s to 3 s, so that a ~20 s call outlives it: a dialog
    whose caller's ACK Kamailio never saw is then dropped (the old "~2 minutes" failure, sooner)."""
    from ivr.ops import kamailio

    render = kamailio.render
    anchor = 'modparam("dialog", "default_timeout", 3600)'

    def short(*args: object, **kwargs: object) -> str:
        text = render(*args, **kwargs)  # type: ignore[arg-type]
        assert anchor in text
        return text.replace(anchor, anchor + '\nmodparam("dialog", "noack_timeout", 3)')

    monkeypatch.setattr(kamailio, "render", short)
    return 3


def test_the_hotlines_bye_reaches_a_caller_on_another_host_after_the_dialog_timeouts(
        short_noack: int, workers: Workers, db: Database) -> None:
    """Keys 5, 1 (a long statement), then 9 (goodbye): the hotline hangs up ~20 s in, well past the
    (shortened) noack timeout; sipp at 127.0.0.2 must receive that BYE and its 200 must reach the worker."""
    worker = workers.start(0)
    wait9 = _advice_wait_ms(workers)
    assert wait9 / 1000 > short_noack + 10 + 2  # the call outlives noack_timeout plus the dialog's 10 s grace
    started = time.monotonic()
    result = run_sipp(workers.cfg, "uac_worker_bye.xml", timeout_s=wait9 / 1000 + 25, local_ip=CALLER_IP,
                      values={"WAIT9": str(wait9)})
    print(f"call length {time.monotonic() - started:.1f} s")
    assert result.rc == 0, result.out  # the caller received the hotline's BYE (and answered 200)
    calls = _wait_done(db, 1, timeout_s=20)
    assert calls[0].outcome == "completed"
    deadline = time.monotonic() + 5
    while "BYE answered 200" not in worker.text() and time.monotonic() < deadline:
        time.sleep(0.1)
    assert "BYE answered 200" in worker.text(), worker.text()[-3000:]


def test_a_re_invite_from_a_caller_on_another_host_is_answered(workers: Workers, db: Database) -> None:
    workers.start(0)
    result = run_sipp(workers.cfg, "uac_reinvite.xml", timeout_s=30, local_ip=CALLER_IP)
    assert result.rc == 0, result.out  # the re-INVITE got its 200, the ACK and the BYE went through
    calls = _wait_done(db, 1, timeout_s=20)
    assert [c.outcome for c in calls] == ["abandoned"]
    assert _escalations(db) == []


class RawCaller:
    """A caller at another address speaking SIP over a plain UDP socket (to time each reply)."""

    def __init__(self, front_port: int, ip: str):
        self.front = ("127.0.0.1", front_port)
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.bind((ip, 0))
        self.local = self.sock.getsockname()
        self.invite = ""

    def close(self) -> None:
        self.sock.close()

    def send_invite(self, user: str = "hotline") -> None:
        self.invite = sipprobe.build_request("INVITE", f"sip:{user}@127.0.0.1:{self.front[1]}", local=self.local,
                                             from_user="0912345678", contact=f"sip:0912345678@{self.local[0]}:"
                                             f"{self.local[1]}", sdp=True)
        self.sock.sendto(self.invite.encode(), self.front)

    def reply(self, timeout_s: float) -> sipprobe.Reply | None:
        deadline = time.monotonic() + timeout_s
        while (left := deadline - time.monotonic()) > 0:
            self.sock.settimeout(left)
            try:
                data = self.sock.recvfrom(65535)[0]
            except TimeoutError:
                return None
            try:
                return sipprobe.parse_reply(data)
            except ValueError:
                continue  # a request (none expected here)
        return None

    def in_dialog(self, method: str, answer: sipprobe.Reply, cseq: int) -> None:
        """ACK or BYE for the dialog ``answer`` (a 200) set up: to its Contact, through its route set."""
        contact = re.search(r"<([^>]+)>", answer.header("Contact") or "")
        assert contact, answer.text
        head = self.invite.split("\r\n\r\n", 1)[0].split("\r\n")
        keep = [h for h in head[1:] if h.split(":", 1)[0] in ("From", "Call-ID", "Max-Forwards")]
        routes = [ln.split(":", 1)[1].strip() for ln in answer.text.split("\r\n\r\n", 1)[0].split("\r\n")
                  if ln.lower().startswith("record-route:")]
        lines = [f"{method} {contact.group(1)} SIP/2.0",
                 f"Via: SIP/2.0/UDP {self.local[0]}:{self.local[1]};rport;branch=z9hG4bK{secrets.token_hex(8)}",
                 *keep, f"To: {answer.header('To')}", f"CSeq: {cseq} {method}",
                 *(f"Route: {r}" for r in reversed(routes)), "Content-Length: 0"]
        self.sock.sendto(("\r\n".join(lines) + "\r\n\r\n").encode(), self.front)


def test_a_worker_killed_while_the_call_rings_fails_over_within_3_s(workers: Workers, db: Database,
                                                                     kamailio_front: Front) -> None:
    started = {w.index: w for w in (workers.start(0), workers.start(1))}
    caller = RawCaller(workers.cfg.sip_port, "127.0.0.3")
    try:
        caller.send_invite()
        ringing = None
        while ringing is None or ringing.status != 180:
            ringing = caller.reply(5)
            assert ringing is not None, "no 180 Ringing"
        picked = re.findall(r"INVITE from 127\.0\.0\.3:\d+ to worker(\d+)", kamailio_front.log.read_text())
        assert len(picked) == 1, kamailio_front.log.read_text()[-2000:]
        dead = started[int(picked[0])]
        workers.kill(dead)  # SIGKILL while the caller hears ringing (pyVoIP answers ~1 s after its 180)
        killed = time.monotonic()
        answer = caller.reply(10)
        while answer is not None and answer.status < 200:
            answer = caller.reply(10 - (time.monotonic() - killed))
        failover_s = time.monotonic() - killed
        print(f"worker killed while ringing -> 200 from the other worker: {failover_s:.2f} s")
        assert answer is not None and answer.status == 200, f"no answer {failover_s:.1f} s after the kill"
        other = 1 - dead.index
        assert f"worker{other}@" in (answer.header("Contact") or ""), answer.text
        assert failover_s < 3.0
        caller.in_dialog("ACK", answer, 1)
        time.sleep(1.0)
        caller.in_dialog("BYE", answer, 2)
        bye = caller.reply(5)
        assert bye is not None and bye.status == 200, bye
    finally:
        caller.close()
    calls = _wait_done(db, 1, timeout_s=20)
    assert [(c.outcome, c.worker) for c in calls if c.outcome != "in_progress"] == [("abandoned", f"worker{other}")]
