"""The escalation queue: the database is the source of truth, rq does the work around it.

Every function takes a ``Database`` and commits its own transaction; a case is committed
before any job is enqueued. Moves are conditional UPDATEs on (status, version), so two
doctors picking one case at once cannot both win. Times are naive UTC ``datetime``s;
``now`` is injectable everywhere.
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from typing import Any, Protocol, TypeVar, cast

from redis import Redis
from sqlalchemy import Table, bindparam, insert, select, text, update
from sqlalchemy.orm import Session

from ivr.config import Config
from ivr.engine.labels import SYMPTOM_LABELS, intent_label
from ivr.store.database import Database
from ivr.store.models import (
    AreaLevel,
    AuditLog,
    Escalation,
    EscalationEvent,
    EscalationNotification,
    EscalationStatus,
    Patient,
    Role,
    StaffUser,
    utcnow,
)
from ivr.vocabulary import MODE_LABELS, RISK_LABELS, RISK_LEVELS, EscalationKind, EscalationMode

from . import area, groupcommit, jobs, notify, priority
from .errors import EscalationConflict, EscalationError, EscalationNotFound
from .transitions import CLOSED, OPEN, TRANSITIONS, UNPICKED, Action

S = EscalationStatus
MODES: tuple[EscalationMode, ...] = tuple(EscalationMode)

#: Outcomes a doctor records when resolving a case, with what staff read.
OUTCOMES: dict[str, str] = {
    "advice_given": "Đã tư vấn",
    "transferred": "Đã chuyển tuyến",
    "ambulance_called": "Đã gọi cấp cứu 115",
    "unreachable": "Không liên lạc được",
}

STATUS_LABELS: dict[str, str] = {
    "waiting": "Đang chờ",
    "offered": "Đang mời bác sĩ",
    "picked": "Đã có bác sĩ nhận",
    "in_call": "Đang gọi",
    "callback_scheduled": "Hẹn gọi lại",
    "resolved": "Đã xử lý xong",
    "expired": "Hết hạn",
    "cancelled": "Đã hủy",
}


def _now(now: datetime | None) -> datetime:
    if now is None:
        return utcnow()
    return now.astimezone(UTC).replace(tzinfo=None) if now.tzinfo is not None else now


def _status(value: EscalationStatus | str) -> str:
    return value.value if isinstance(value, EscalationStatus) else str(value)


def _check_mode(mode: str) -> None:
    if mode not in MODES:
        raise EscalationError(f"Cách liên hệ không hợp lệ: {mode!r} (cần 'live' hoặc 'callback').")


def _load(s: Session, escalation_id: int) -> Escalation:
    esc = s.get(Escalation, escalation_id, populate_existing=True)
    if esc is None:
        raise EscalationNotFound(f"Không tìm thấy ca #{escalation_id}.")
    return esc


def _staff(s: Session, staff_id: int) -> StaffUser:
    staff = s.get(StaffUser, staff_id)
    if staff is None:
        raise EscalationNotFound(f"Không tìm thấy nhân viên #{staff_id}.")
    return staff


def staff_name(staff: StaffUser | None) -> str:
    if staff is None:
        return "không rõ"
    return staff.full_name or staff.username


def _event(s: Session, esc_id: int, *, frm: str, to: str, actor: str, detail: str, at: datetime) -> None:
    s.add(EscalationEvent(escalation_id=esc_id, at=at, from_status=frm, to_status=to, actor=actor, detail=detail))


def _audit(s: Session, staff: StaffUser | str, action: str, esc_id: int, at: datetime, **detail: Any) -> None:
    actor = staff if isinstance(staff, str) else staff.username
    s.add(AuditLog(at=at, actor=actor, action=action, target=f"escalation:{esc_id}", detail=detail))


def _conflict(s: Session, esc: Escalation, action: Action) -> EscalationConflict:
    status = _status(esc.status)
    if action is Action.PICK and esc.status in (S.PICKED, S.IN_CALL, S.CALLBACK_SCHEDULED) \
            and esc.picked_by_id is not None:
        who = staff_name(s.get(StaffUser, esc.picked_by_id))
        at = notify.local_hhmm(esc.picked_at) if esc.picked_at else "?"
        return EscalationConflict(f"Ca #{esc.id} đã được bác sĩ {who} nhận lúc {at}.")
    doing = TRANSITIONS[action].doing
    return EscalationConflict(
        f"Ca #{esc.id} đang ở trạng thái '{STATUS_LABELS.get(status, status)}', không thể {doing}.")


def _move(s: Session, esc_id: int, action: Action, *, actor: str, detail: str, now: datetime,
          **values: Any) -> Escalation:
    """Atomically make ``action`` on ``esc_id`` as ``TRANSITIONS`` says (``EscalationConflict`` if it may not)."""
    allowed, to, _ = TRANSITIONS[action]
    esc = _load(s, esc_id)
    if esc.status not in allowed:
        raise _conflict(s, esc, action)
    frm = _status(esc.status)
    target = to if to is not None else esc.status
    result = s.execute(
        update(Escalation)
        .where(Escalation.id == esc_id, Escalation.version == esc.version, Escalation.status.in_(allowed))
        .values(status=target, version=Escalation.version + 1, updated_at=now, **values)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        s.rollback()
        raise _conflict(s, _load(s, esc_id), action)
    _event(s, esc_id, frm=frm, to=_status(target), actor=actor, detail=detail, at=now)
    s.flush()
    return _load(s, esc_id)


# -- creating ------------------------------------------------------------------------------------------------

def _lock_caller(s: Session, caller: str) -> None:
    """Cases of one caller without a patient record, one transaction at a time across processes and boxes,
    so the duplicate check in ``create`` cannot race. SQLite: the writer lock already orders them (and a
    patient's case takes the patient's row first). PostgreSQL: a transaction-level advisory lock on the
    number, released at commit or rollback."""
    if s.get_bind().dialect.name == "postgresql":
        s.execute(text("SELECT pg_advisory_xact_lock(hashtextextended(:key, 0))"),
                  {"key": f"f0-hotline:escalation-caller:{caller}"})


def create(db: Database, *, risk: str, reason: str, reasons: Sequence[str] = (), caller: str = "",
           patient_id: int | None = None, call_id: int | None = None, assessment_id: int | None = None,
           mode: str = EscalationMode.CALLBACK, recording_path: str = "", redis: Redis | None = None,
           now: datetime | None = None, cfg: Config | None = None, kind: str = EscalationKind.CLINICAL) -> int:
    """Queue a case for a doctor and return its id.

    The case (and its notification rows) is committed first; then its jobs are enqueued on
    ``redis``. With Redis down (or ``redis=None``) the case is still saved and the sweeper
    enqueues later. A patient (or, without a patient, a caller number) with an open case gets
    that case re-triaged — risk raised, reasons merged — instead of a duplicate; a live call gets
    its own hold clock (``hold_started_at``) whatever the open case's age, and when every open case
    of the patient is already picked (a doctor will call back, or is in a call) a live call opens a
    new case that the doctors on duty can connect at once. ``kind``: a clinical case, or a patient the
    check-in calls could not reach (merged into an open case, a clinical escalation makes it clinical). Pass ``cfg``
    so the configured webhooks are notified without waiting for the worker to expand them.
    A live case with nobody on duty anywhere in its area becomes a callback at once.
    """
    if risk not in RISK_LEVELS:
        raise EscalationError(f"Mức nguy cơ không hợp lệ: {risk!r} (cần một trong: {', '.join(RISK_LEVELS)}).")
    _check_mode(mode)
    if kind not in tuple(EscalationKind):
        raise EscalationError(f"Loại ca không hợp lệ: {kind!r}.")
    reasons = [str(r) for r in reasons]
    now = _now(now)
    webhooks = cfg.webhook_urls if cfg is not None else ()

    def write(s: Session, staff: Sequence[StaffUser]) -> tuple[int, list[jobs.Planned]]:
        area_row: Any = None
        if patient_id is not None:
            # a write first: takes SQLite's write lock, so the duplicate check below cannot race
            area_row = s.connection().execute(_TOUCH_PATIENT, {"pid": patient_id, "now": now}).first()
            if area_row is None:
                raise EscalationNotFound(f"Không tìm thấy bệnh nhân #{patient_id}.")
            open_cases = s.connection().execute(_OPEN_OF_PATIENT, {"pid": patient_id}).all()
        elif caller:
            _lock_caller(s, caller)
            open_cases = s.execute(select(Escalation.id, Escalation.status).where(
                Escalation.patient_id.is_(None), Escalation.caller == caller, Escalation.status.in_(OPEN))
                .order_by(Escalation.id)).all()
        else:
            open_cases = []
        existing = _merge_into(open_cases, mode)
        if existing is None and open_cases and not _anyone_on_duty(staff, area_row):
            existing = int(open_cases[0][0])  # nobody could connect a new live case: re-triage the open one
        if existing is not None:
            return existing, _retriage(s, _load(s, existing), risk=risk, reason=reason, reasons=reasons,
                                       call_id=call_id, assessment_id=assessment_id, mode=mode,
                                       recording_path=recording_path, webhooks=webhooks, now=now, kind=kind)
        made = _insert(s, staff, patient_id=patient_id, call_id=call_id, assessment_id=assessment_id, caller=caller,
                       risk=risk, reasons=reasons, reason=reason, mode=mode, area_row=area_row,
                       recording_path=recording_path, webhooks=webhooks, now=now, kind=kind)
        for old_id, old_status in open_cases:  # the picked cases say where the caller holds now
            _event(s, int(old_id), frm=_status(old_status), to=_status(old_status), actor="system", at=now,
                   detail=f"Người bệnh gọi lại ({RISK_LABELS.get(risk, risk)}) và đang giữ máy: xem ca #{made[0]}")
        return made

    # committed (with the cases of other calls escalating at the same moment) before anything is enqueued;
    # who is on duty is read before the write lock is taken
    esc_id, planned = groupcommit.run(db, write, prepare=area._on_duty_pickers, writer=jobs.writer)
    jobs.try_enqueue(redis, planned, cfg)
    return esc_id


def _table(model: type[Any]) -> Table:
    table = model.__table__
    assert isinstance(table, Table)
    return table


# The statements of ``create``, built once (executed with parameters: no per-call statement building,
# which was most of a case's CPU time in a burst).
_PATIENTS, _ESCALATIONS = _table(Patient), _table(Escalation)
_TOUCH_PATIENT = (update(_PATIENTS).where(_PATIENTS.c.id == bindparam("pid")).values(updated_at=bindparam("now"))
                  .returning(_PATIENTS.c.province, _PATIENTS.c.district, _PATIENTS.c.commune))
_OPEN_OF_PATIENT = (select(_ESCALATIONS.c.id, _ESCALATIONS.c.status)
                    .where(_ESCALATIONS.c.patient_id == bindparam("pid"), _ESCALATIONS.c.status.in_(OPEN))
                    .order_by(_ESCALATIONS.c.id))
_INSERT_ESCALATION = insert(_ESCALATIONS).returning(_ESCALATIONS.c.id)
_INSERT_EVENTS = insert(_table(EscalationEvent))
_INSERT_NOTIFICATIONS = insert(_table(EscalationNotification))


def _merge_into(open_cases: Sequence[Any], mode: str) -> int | None:
    """The open case a new escalation is merged into (re-triaged), from (id, status) rows by id.

    The oldest case nobody has picked yet, else the oldest open case; but a live call (the caller
    holds on the line) never merges into a case a doctor already picked: that doctor calls back,
    or is on another call, and nobody on duty could connect this caller. It gets a new case.
    """
    unpicked = [row[0] for row in open_cases if _status(row[1]) in {u.value for u in UNPICKED}]
    if unpicked:
        return int(unpicked[0])
    if open_cases and mode != EscalationMode.LIVE:
        return int(open_cases[0][0])
    return None


def _anyone_on_duty(staff: Sequence[StaffUser], area_row: Any) -> bool:
    """Whether a doctor on duty anywhere in the province of ``area_row`` could pick a live case."""
    probe = Escalation(province=area_row[0] if area_row else "", district=area_row[1] if area_row else "",
                       commune=area_row[2] if area_row else "")
    return any(area.covers(u, probe, AreaLevel.PROVINCE) for u in staff)


def _insert(s: Session, staff: Sequence[StaffUser], *, patient_id: int | None, call_id: int | None,
            assessment_id: int | None, caller: str, risk: str, reasons: list[str], reason: str, mode: str,
            area_row: Any, recording_path: str, webhooks: Sequence[str],
            now: datetime, kind: str = EscalationKind.CLINICAL) -> tuple[int, list[jobs.Planned]]:
    """A new case, its first events and its first notification round: three INSERTs (Core, no unit of work)."""
    values: dict[str, Any] = {
        "patient_id": patient_id, "call_id": call_id, "assessment_id": assessment_id, "caller": caller, "risk": risk,
        "reasons": reasons, "reason": reason[:200], "status": S.WAITING, "mode": mode,
        "province": area_row[0] if area_row else "", "district": area_row[1] if area_row else "",
        "commune": area_row[2] if area_row else "", "created_at": now, "updated_at": now, "tier_changed_at": now,
        "recording_path": recording_path, "version": 1, "outcome": "", "notes": "", "job_id": "", "kind": kind}
    probe = Escalation(**values)  # not added: only for the area checks
    start = area.start_tier(probe)
    values["tier"] = area.first_staffed(staff, probe, start)
    detail = reason
    if mode == EscalationMode.LIVE and not any(area.covers(u, probe, AreaLevel.PROVINCE) for u in staff):
        values["mode"] = EscalationMode.CALLBACK
        detail += " — không có bác sĩ trực: chuyển sang gọi lại"
    values["hold_started_at"] = now if values["mode"] == EscalationMode.LIVE else None
    c = s.connection()  # Core on the tables: no ORM statement machinery
    esc_id = c.execute(_INSERT_ESCALATION, values).scalar_one()
    events = [{"escalation_id": esc_id, "at": now, "from_status": "", "to_status": S.WAITING.value,
               "actor": "system", "detail": detail}]
    if values["tier"] != start:
        events.append({"escalation_id": esc_id, "at": now, "from_status": S.WAITING.value,
                       "to_status": S.WAITING.value, "actor": "system",
                       "detail": f"Chuyển lên tuyến {area.TIER_LABELS[values['tier'].value]}: "
                                 "tuyến dưới không có ai trực"})
    c.execute(_INSERT_EVENTS, events)
    rows = notify.round_rows(esc_id, 0, webhooks, now=now)
    c.execute(_INSERT_NOTIFICATIONS, rows)
    return esc_id, [jobs.Planned(escalation_id=esc_id, round=0, job_id=rows[0]["job_id"], queue=jobs.queue_for(risk),
                                 targets=len(rows))]


def _retriage(s: Session, esc: Escalation, *, risk: str, reason: str, reasons: list[str], call_id: int | None,
              assessment_id: int | None, mode: str, recording_path: str, webhooks: Sequence[str],
              now: datetime, kind: str = EscalationKind.CLINICAL) -> list[jobs.Planned]:
    new_risk = priority.more_urgent(esc.risk, risk)
    raised = new_risk != esc.risk
    values: dict[str, Any] = {
        "risk": new_risk,
        "reasons": priority.merge_reasons(esc.reasons or [], reasons),
        "reason": (reason if priority.rank(risk) <= priority.rank(esc.risk) and reason else esc.reason)[:200],
    }
    if call_id is not None:
        values["call_id"] = call_id
    if assessment_id is not None:
        values["assessment_id"] = assessment_id
    if recording_path:
        values["recording_path"] = recording_path
    if kind == EscalationKind.CLINICAL and esc.kind != EscalationKind.CLINICAL:
        values["kind"] = EscalationKind.CLINICAL  # a clinical reason outranks "not reached"
    if mode == EscalationMode.LIVE and esc.status in UNPICKED:
        # the caller is on the line again: a new hold, counted from now, not from the case's creation
        values["mode"] = EscalationMode.LIVE
        values["hold_started_at"] = now
    detail = f"Gọi lại, phân loại lại: {RISK_LABELS.get(risk, risk)} — {reason}"
    if raised:
        detail += f" (nâng từ {RISK_LABELS.get(esc.risk, esc.risk)})"
    esc = _move(s, esc.id, Action.RETRIAGE, actor="system", detail=detail, now=now, **values)
    if raised and esc.status in UNPICKED:
        return jobs.planned(notify.add_round(s, esc, webhooks, now=now), new_risk)
    return []


# -- reading -------------------------------------------------------------------------------------------------

def get(db: Database, escalation_id: int) -> Escalation:
    with db.session() as s:
        return _load(s, escalation_id)


def list_open(db: Database, *, staff: StaffUser | int | None = None, now: datetime | None = None,
              cfg: Config | None = None) -> list[Escalation]:
    """Open cases, unpicked ones first, each group by priority; ``staff``: only cases in their area and tier."""
    now = _now(now)
    gap = (cfg or Config()).priority_gap_s
    with db.session() as s:
        if isinstance(staff, int):
            staff = _staff(s, staff)
        cases = list(s.scalars(select(Escalation).where(Escalation.status.in_(OPEN))))
    return order_open(cases, staff=staff, now=now, gap_s=gap)


class OpenCase(priority.Ranked, Protocol):
    """What scope and order read of a case: an ``Escalation`` or a row of these columns."""

    status: EscalationStatus
    tier: AreaLevel
    province: str
    district: str
    commune: str


C = TypeVar("C", bound=OpenCase)


def order_open(cases: Iterable[C], *, staff: StaffUser | None, now: datetime, gap_s: float) -> list[C]:
    """``list_open``'s scope and order for cases already loaded (the board reads plain column rows)."""
    if staff is not None:
        cases = [c for c in cases if area.covers(staff, cast(Escalation, c))]
    unpicked = [c for c in cases if c.status in UNPICKED]
    picked = [c for c in cases if c.status not in UNPICKED]
    return priority.order(unpicked, now=now, gap_s=gap_s) + priority.order(picked, now=now, gap_s=gap_s)


def events(db: Database, escalation_id: int) -> list[EscalationEvent]:
    with db.session() as s:
        _load(s, escalation_id)
        return list(s.scalars(select(EscalationEvent).where(EscalationEvent.escalation_id == escalation_id)
                              .order_by(EscalationEvent.id)))


def on_duty_staff(db: Database, escalation_id: int) -> list[StaffUser]:
    """Who may pick the case now (its tier and area), e.g. to ring for a live bridge."""
    with db.session() as s:
        return area.on_duty(s, _load(s, escalation_id))


# -- moving --------------------------------------------------------------------------------------------------

def offer(db: Database, escalation_id: int, *, now: datetime | None = None) -> Escalation:
    """Doctors are being offered the case (a live call is ringing them). Idempotent."""
    now = _now(now)
    with db.session() as s:
        if _load(s, escalation_id).status == S.OFFERED:
            return _load(s, escalation_id)
        return _move(s, escalation_id, Action.OFFER, actor="system", detail="Đang mời bác sĩ trực nhận ca", now=now)


def pick(db: Database, escalation_id: int, *, staff_id: int, mode: str | None = None,
         now: datetime | None = None) -> Escalation:
    """``staff_id`` takes the case. Exactly one of several simultaneous picks wins; the others get
    ``EscalationConflict`` naming the winner. ``mode`` (live or callback) defaults to the case's."""
    now = _now(now)
    if mode is not None:
        _check_mode(mode)
    with db.session() as s:
        staff = _staff(s, staff_id)
        if not staff.active or staff.role not in area.PICKERS:
            raise EscalationError(f"Tài khoản {staff.username} không có quyền nhận ca.")
        values: dict[str, Any] = {"picked_by_id": staff.id, "picked_at": now}
        if mode is not None:
            values["mode"] = mode
        esc = _move(s, escalation_id, Action.PICK, actor=staff.username,
                    detail=f"Bác sĩ {staff_name(staff)} nhận ca ({MODE_LABELS[mode or _load(s, escalation_id).mode]})",
                    now=now, **values)
        _audit(s, staff, "escalation.pick", escalation_id, now, mode=esc.mode)
        return esc


def _staff_move(db: Database, escalation_id: int, staff_id: int | None, action: Action, *, detail: str,
                now: datetime, **values: Any) -> Escalation:
    with db.session() as s:
        staff = _staff(s, staff_id) if staff_id is not None else None
        actor = staff.username if staff else "system"
        esc = _move(s, escalation_id, action, actor=actor, detail=detail, now=now, **values)
        if staff is not None:
            _audit(s, staff, f"escalation.{action.value}", escalation_id, now,
                   **{k: v for k, v in values.items() if k in ("outcome",)})
        return esc


def start_call(db: Database, escalation_id: int, *, staff_id: int | None = None,
               now: datetime | None = None) -> Escalation:
    """The doctor and the patient are on the phone (a live bridge or a callback)."""
    return _staff_move(db, escalation_id, staff_id, Action.START_CALL, detail="Bắt đầu cuộc gọi", now=_now(now))


def schedule_callback(db: Database, escalation_id: int, *, staff_id: int | None = None,
                      now: datetime | None = None) -> Escalation:
    return _staff_move(db, escalation_id, staff_id, Action.SCHEDULE_CALLBACK, detail="Hẹn gọi lại", now=_now(now))


def resolve(db: Database, escalation_id: int, *, staff_id: int, outcome: str, notes: str = "",
            now: datetime | None = None) -> Escalation:
    if outcome not in OUTCOMES:
        raise EscalationError(f"Kết quả xử lý không hợp lệ: {outcome!r} (cần một trong: {', '.join(OUTCOMES)}).")
    now = _now(now)
    with db.session() as s:
        staff = _staff(s, staff_id)
        old = _load(s, escalation_id).notes
        text = f"{old}\n{_note_line(staff, notes, now)}".strip() if notes.strip() else old
        esc = _move(s, escalation_id, Action.RESOLVE, actor=staff.username, detail=f"Kết quả: {OUTCOMES[outcome]}",
                    now=now, outcome=outcome, resolved_at=now, notes=text)
        _audit(s, staff, "escalation.resolve", escalation_id, now, outcome=outcome)
        return esc


def _note_line(staff: StaffUser, text: str, now: datetime) -> str:
    return f"[{notify.local_hhmm(now)} {staff_name(staff)}] {text.strip()}"


def add_note(db: Database, escalation_id: int, *, staff_id: int, text: str,
             now: datetime | None = None) -> Escalation:
    if not text.strip():
        raise EscalationError("Ghi chú không được để trống.")
    now = _now(now)
    with db.session() as s:
        staff = _staff(s, staff_id)
        old = _load(s, escalation_id).notes
        esc = _move(s, escalation_id, Action.NOTE, actor=staff.username, detail=f"Ghi chú: {text.strip()}", now=now,
                    notes=f"{old}\n{_note_line(staff, text, now)}".strip())
        _audit(s, staff, "escalation.note", escalation_id, now, text=text.strip())
        return esc


def _close(db: Database, escalation_id: int, action: Action, *, reason: str, actor: str,
           now: datetime | None) -> Escalation:
    now = _now(now)
    with db.session() as s:
        esc = _move(s, escalation_id, action, actor=actor, detail=reason, now=now, resolved_at=now)
        if actor != "system":
            _audit(s, actor, f"escalation.{_status(esc.status)}", escalation_id, now, reason=reason)
        return esc


def expire(db: Database, escalation_id: int, *, reason: str, actor: str = "system",
           now: datetime | None = None) -> Escalation:
    return _close(db, escalation_id, Action.EXPIRE, reason=reason, actor=actor, now=now)


def cancel(db: Database, escalation_id: int, *, reason: str, actor: str = "system",
           now: datetime | None = None) -> Escalation:
    return _close(db, escalation_id, Action.CANCEL, reason=reason, actor=actor, now=now)


def hold_expired(db: Database, escalation_id: int, *, now: datetime | None = None) -> Escalation:
    """Nobody picked a live case within the hold limit: it becomes a callback. A picked or
    callback case is returned unchanged (check ``.status``/``.mode``)."""
    now = _now(now)
    with db.session() as s:
        esc = _load(s, escalation_id)
        if esc.mode != EscalationMode.LIVE or esc.status not in UNPICKED:
            return esc
        try:
            return _move(s, escalation_id, Action.HOLD_EXPIRED, actor="system",
                         detail="Hết thời gian giữ máy: bác sĩ sẽ gọi lại", now=now, mode=EscalationMode.CALLBACK)
        except EscalationConflict:
            return _load(s, escalation_id)  # picked meanwhile


# session 20 (n48-hold-listen): a caller who gets worse while holding for a doctor
def sign_labels(signs: Sequence[str]) -> str:
    """The signs heard, as staff read them ("rối loạn ý thức, tím tái")."""
    return ", ".join(SYMPTOM_LABELS.get(s) or HOLD_SIGN_LABELS.get(s) or intent_label(s) for s in signs)


#: what a holding caller's words or keys can be besides a symptom
HOLD_SIGN_LABELS: dict[str, str] = {"emergency": "xin cấp cứu", "emergency_key": "bấm phím cấp cứu"}


def raise_on_hold(db: Database, escalation_id: int, *, risk: str, signs: Sequence[str], reasons: Sequence[str] = (),
                  words: str = "", redis: Redis | None = None, cfg: Config | None = None,
                  now: datetime | None = None) -> Escalation:
    """The caller holding for this case got worse (a warning sign heard, or the emergency key): its risk is
    raised to ``risk``, the new reasons merged, the history and the audit say what was heard. Committed first;
    an unpicked case then gets a new notification round at the new level (enqueued on ``redis``, else by the
    sweeper), as a re-triage does. A picked case keeps its doctor (the status and the doctor do not move).
    Never lowers a risk: a case already at ``risk`` or above is returned unchanged. ``EscalationConflict``
    for a closed case."""
    if risk not in RISK_LEVELS:
        raise EscalationError(f"Mức nguy cơ không hợp lệ: {risk!r} (cần một trong: {', '.join(RISK_LEVELS)}).")
    now = _now(now)
    webhooks = cfg.webhook_urls if cfg is not None else ()
    with db.session() as s:
        esc = _load(s, escalation_id)
        old = str(esc.risk)
        if priority.more_urgent(old, risk) == old and esc.status in OPEN:
            return esc
        heard = sign_labels(signs) or "dấu hiệu nặng"
        detail = (f"Nặng lên khi đang giữ máy: {heard} — nâng từ {RISK_LABELS.get(old, old)} "
                  f"lên {RISK_LABELS.get(risk, risk)}")
        if words.strip():
            detail += f" (người gọi nói: “{words.strip()[:120]}”)"
        # the case's headline and first reason say it too (the doctors' board, the notifications): most urgent first
        headline = f"Nặng lên khi đang giữ máy: {heard}"
        esc = _move(s, escalation_id, Action.RAISE_ON_HOLD, actor="system", detail=detail, now=now, risk=risk,
                    reason=headline[:200],
                    reasons=priority.merge_reasons([headline, *(str(r) for r in reasons)], esc.reasons or []))
        _audit(s, "system", "escalation.raise_on_hold", escalation_id, now, risk_from=old, risk=risk,
               signs=list(signs), words=words.strip()[:200])
        planned = jobs.planned(notify.add_round(s, esc, webhooks, now=now), risk) if esc.status in UNPICKED else []
    jobs.try_enqueue(redis, planned, cfg)
    return esc


def unpick(db: Database, escalation_id: int, *, reason: str, now: datetime | None = None) -> Escalation:
    """A live bridge to the doctor who picked the case failed (no answer, busy, unreachable): the case
    goes back to waiting, still live, for other doctors. Stamped and audited like every move."""
    now = _now(now)
    with db.session() as s:
        esc = _load(s, escalation_id)
        who = staff_name(s.get(StaffUser, esc.picked_by_id)) if esc.picked_by_id is not None else "không rõ"
        esc = _move(s, escalation_id, Action.UNPICK, actor="system",
                    detail=f"Không nối máy được với bác sĩ {who}: {reason}; trả ca về hàng chờ",
                    now=now, picked_by_id=None, picked_at=None)
        _audit(s, "system", "escalation.unpick", escalation_id, now, reason=reason)
        return esc


def no_bridge(db: Database, escalation_id: int, *, reason: str, now: datetime | None = None) -> Escalation:
    """A live case was picked, but the doctor's phone cannot be dialled from here (e.g. a mobile number
    and no outbound trunk): the doctor who picked it calls back (picked -> callback_scheduled, mode
    callback). Stamped with the reason, which the case's history shows, and audited."""
    now = _now(now)
    with db.session() as s:
        esc = _load(s, escalation_id)
        who = staff_name(s.get(StaffUser, esc.picked_by_id)) if esc.picked_by_id is not None else "không rõ"
        esc = _move(s, escalation_id, Action.NO_BRIDGE, actor="system",
                    detail=f"Không nối máy trực tiếp được với bác sĩ {who}: {reason}; bác sĩ gọi lại cho người bệnh",
                    now=now, mode=EscalationMode.CALLBACK)
        _audit(s, "system", "escalation.no_bridge", escalation_id, now, reason=reason)
        return esc


def set_on_duty(db: Database, staff_id: int, on: bool, *, now: datetime | None = None) -> StaffUser:
    now = _now(now)
    with db.session() as s:
        staff = _staff(s, staff_id)
        staff.on_duty = bool(on)
        s.add(AuditLog(at=now, actor=staff.username, action="staff.on_duty" if on else "staff.off_duty",
                       target=f"staff:{staff.id}", detail={"on_duty": bool(on)}))
        s.flush()
        return staff


def close_for_patient(s: Session, patient_id: int, *, reason: str, actor: str, now: datetime) -> list[int]:
    """Cancel every open case of a patient (inside the caller's transaction)."""
    ids = list(s.scalars(select(Escalation.id).where(Escalation.patient_id == patient_id,
                                                     Escalation.status.in_(OPEN))))
    for esc_id in ids:
        _move(s, esc_id, Action.CANCEL, actor=actor, detail=reason, now=now, resolved_at=now)
        _audit(s, actor, "escalation.cancelled", esc_id, now, reason=reason)
    return ids


__all__ = [
    "CLOSED",
    "MODE_LABELS",
    "OPEN",
    "OUTCOMES",
    "STATUS_LABELS",
    "UNPICKED",
    "Role",
    "add_note",
    "cancel",
    "create",
    "events",
    "expire",
    "get",
    "hold_expired",
    "list_open",
    "no_bridge",
    "offer",
    "on_duty_staff",
    "order_open",
    "pick",
    "resolve",
    "schedule_callback",
    "set_on_duty",
    "start_call",
    "unpick",
]
