"""SQLAlchemy 2 models: the database is the hotline's source of truth.

Schema changes go through Alembic migrations in ``ivr/store/migrations``.
"""
from __future__ import annotations

import enum
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    Enum,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship, validates

from ivr.store.folding import fold
from ivr.vocabulary import CallOutcome, CheckinStatus, EscalationKind, EscalationMode, EscalationStatus, RiskLevel


def utcnow() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


class Base(DeclarativeBase):
    type_annotation_map = {dict[str, Any]: JSON, list[Any]: JSON}


class CareStatus(str, enum.Enum):
    HOME = "home"
    TRANSFERRED = "transferred"
    DISCHARGED = "discharged"


class AreaLevel(str, enum.Enum):
    COMMUNE = "commune"
    DISTRICT = "district"
    PROVINCE = "province"


class Role(str, enum.Enum):
    ADMIN = "admin"
    DOCTOR = "doctor"
    VIEWER = "viewer"


def _enum(cls: type[enum.Enum]) -> Enum:
    return Enum(cls, values_callable=lambda e: [m.value for m in e], native_enum=False, length=32,
                validate_strings=True)


class Patient(Base):
    __tablename__ = "patients"
    id: Mapped[int] = mapped_column(primary_key=True)
    # not unique: several patients of one household may share a phone (the check-in calls ask who answers)
    phone: Mapped[str] = mapped_column(String(32), index=True)
    name: Mapped[str] = mapped_column(String(200), default="")
    #: ``name`` folded for search (``ivr.store.folding.fold``), kept in step by ``_fold_name``
    name_folded: Mapped[str] = mapped_column(String(200), default="", server_default="")
    birth_year: Mapped[int | None] = mapped_column(Integer)
    risk_factors: Mapped[list[Any]] = mapped_column(default=list)
    province: Mapped[str] = mapped_column(String(100), default="", index=True)
    district: Mapped[str] = mapped_column(String(100), default="", index=True)
    commune: Mapped[str] = mapped_column(String(100), default="", index=True)
    care_status: Mapped[CareStatus] = mapped_column(_enum(CareStatus), default=CareStatus.HOME)
    care_note: Mapped[str] = mapped_column(Text, default="")
    # the patient asked not to be called for check-ins (pressed 9 in a call, or staff recorded it)
    opted_out_at: Mapped[datetime | None] = mapped_column(DateTime)
    opt_out_source: Mapped[str] = mapped_column(String(32), default="")  # "call" | "staff" | "sms" ...
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    # indexed: the newest change is part of the admin board's cheap "has the queue changed?" check
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow, index=True)
    calls: Mapped[list[Call]] = relationship(back_populates="patient")
    assessments: Mapped[list[Assessment]] = relationship(back_populates="patient")

    @validates("name")
    def _fold_name(self, _key: str, value: str) -> str:
        self.name_folded = fold(value or "")[:200]
        return value

    def triage_factors(self, year: int) -> tuple[str, ...]:
        """The risk factors triage weighs for this patient in ``year``: the recorded ones, and
        ``age_65_plus`` when the birth year says so (staff rarely tick what the birth year already tells)."""
        factors = [str(f) for f in self.risk_factors or () if str(f).strip()]
        if self.birth_year and year - int(self.birth_year) >= 65 and "age_65_plus" not in factors:
            factors.append("age_65_plus")
        return tuple(factors)


class Call(Base):
    __tablename__ = "calls"
    id: Mapped[int] = mapped_column(primary_key=True)
    sip_call_id: Mapped[str] = mapped_column(String(255), default="", index=True)
    caller: Mapped[str] = mapped_column(String(64), default="", index=True)
    patient_id: Mapped[int | None] = mapped_column(ForeignKey("patients.id"), index=True)
    flow_name: Mapped[str] = mapped_column(String(100), default="")
    flow_version_id: Mapped[int | None] = mapped_column(ForeignKey("flow_versions.id"))
    worker: Mapped[str] = mapped_column(String(64), default="")
    started_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, index=True)
    ended_at: Mapped[datetime | None] = mapped_column(DateTime)
    outcome: Mapped[str] = mapped_column(String(32), default=CallOutcome.IN_PROGRESS, index=True)  # a CallOutcome
    recording_path: Mapped[str] = mapped_column(String(500), default="")
    slots: Mapped[dict[str, Any]] = mapped_column(default=dict)
    patient: Mapped[Patient | None] = relationship(back_populates="calls")
    steps: Mapped[list[CallStep]] = relationship(back_populates="call", order_by="CallStep.seq",
                                                   cascade="all, delete-orphan")

    @property
    def duration_s(self) -> float | None:
        if self.ended_at is None:
            return None
        return (self.ended_at - self.started_at).total_seconds()


class CallStep(Base):
    __tablename__ = "call_steps"
    id: Mapped[int] = mapped_column(primary_key=True)
    call_id: Mapped[int] = mapped_column(ForeignKey("calls.id", ondelete="CASCADE"), index=True)
    seq: Mapped[int] = mapped_column(Integer)
    at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    node: Mapped[str] = mapped_column(String(100))
    prompt_id: Mapped[str] = mapped_column(String(100), default="")
    transcript: Mapped[str] = mapped_column(Text, default="")
    digits: Mapped[str] = mapped_column(String(64), default="")
    intent: Mapped[str] = mapped_column(String(64), default="")
    confidence: Mapped[float | None] = mapped_column(Float)
    event: Mapped[str] = mapped_column(String(32), default="")  # speech|dtmf|no_input|no_match|...
    call: Mapped[Call] = relationship(back_populates="steps")


class Assessment(Base):
    __tablename__ = "assessments"
    id: Mapped[int] = mapped_column(primary_key=True)
    patient_id: Mapped[int | None] = mapped_column(ForeignKey("patients.id"), index=True)
    call_id: Mapped[int | None] = mapped_column(ForeignKey("calls.id"), index=True)
    at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    symptoms: Mapped[list[Any]] = mapped_column(default=list)
    vitals: Mapped[dict[str, Any]] = mapped_column(default=dict)
    risk_factors: Mapped[list[Any]] = mapped_column(default=list)
    risk: Mapped[str] = mapped_column(String(16), default=RiskLevel.NONE, index=True)  # a RiskLevel
    reasons: Mapped[list[Any]] = mapped_column(default=list)
    rule_pack: Mapped[str] = mapped_column(String(100), default="")
    patient: Mapped[Patient | None] = relationship(back_populates="assessments")


class Escalation(Base):
    __tablename__ = "escalations"
    id: Mapped[int] = mapped_column(primary_key=True)
    patient_id: Mapped[int | None] = mapped_column(ForeignKey("patients.id"), index=True)
    call_id: Mapped[int | None] = mapped_column(ForeignKey("calls.id"), index=True)
    assessment_id: Mapped[int | None] = mapped_column(ForeignKey("assessments.id"))
    caller: Mapped[str] = mapped_column(String(64), default="")
    risk: Mapped[str] = mapped_column(String(16), index=True)  # a RiskLevel
    reasons: Mapped[list[Any]] = mapped_column(default=list)
    reason: Mapped[str] = mapped_column(String(200), default="")
    status: Mapped[EscalationStatus] = mapped_column(_enum(EscalationStatus), default=EscalationStatus.WAITING,
                                                     index=True)
    mode: Mapped[str] = mapped_column(String(16), default=EscalationMode.CALLBACK)  # an EscalationMode
    kind: Mapped[str] = mapped_column(String(16), default=EscalationKind.CLINICAL)  # an EscalationKind
    tier: Mapped[AreaLevel] = mapped_column(_enum(AreaLevel), default=AreaLevel.COMMUNE)
    province: Mapped[str] = mapped_column(String(100), default="")
    district: Mapped[str] = mapped_column(String(100), default="")
    commune: Mapped[str] = mapped_column(String(100), default="")
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, index=True)
    # indexed: the newest change is the admin board's cheap "has the queue changed?" check
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow, index=True)
    tier_changed_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    # when the caller now on the line started holding for this (live) case: the hold limit counts from here
    hold_started_at: Mapped[datetime | None] = mapped_column(DateTime)
    picked_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"))
    picked_at: Mapped[datetime | None] = mapped_column(DateTime)
    resolved_at: Mapped[datetime | None] = mapped_column(DateTime)
    outcome: Mapped[str] = mapped_column(String(32), default="")
    notes: Mapped[str] = mapped_column(Text, default="")
    recording_path: Mapped[str] = mapped_column(String(500), default="")
    job_id: Mapped[str] = mapped_column(String(64), default="")
    notified_at: Mapped[datetime | None] = mapped_column(DateTime)
    version: Mapped[int] = mapped_column(Integer, default=1)  # optimistic locking for picks
    __table_args__ = (Index("ix_escalations_open", "status", "risk", "created_at"),)


class EscalationEvent(Base):
    """Every transition of an escalation, stamped."""

    __tablename__ = "escalation_events"
    id: Mapped[int] = mapped_column(primary_key=True)
    escalation_id: Mapped[int] = mapped_column(ForeignKey("escalations.id", ondelete="CASCADE"), index=True)
    at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    from_status: Mapped[str] = mapped_column(String(32), default="")
    to_status: Mapped[str] = mapped_column(String(32))
    actor: Mapped[str] = mapped_column(String(100), default="system")
    detail: Mapped[str] = mapped_column(Text, default="")


class NotificationStatus(str, enum.Enum):
    PENDING = "pending"
    SENT = "sent"
    FAILED = "failed"
    SKIPPED = "skipped"  # a re-notification for a case that was picked before it went out


class EscalationNotification(Base):
    """One notification of one escalation to one target (the admin board or a webhook URL).

    The row is written with the escalation, before any rq job exists; the sweeper
    re-enqueues pending rows whose job was lost.
    """

    __tablename__ = "escalation_notifications"
    id: Mapped[int] = mapped_column(primary_key=True)
    escalation_id: Mapped[int] = mapped_column(ForeignKey("escalations.id", ondelete="CASCADE"), index=True)
    round: Mapped[int] = mapped_column(Integer, default=0)  # 0: new case; 1, 2...: re-notifications
    kind: Mapped[str] = mapped_column(String(16))  # board | webhook
    target: Mapped[str] = mapped_column(String(500), default="")
    idempotency_key: Mapped[str] = mapped_column(String(100), index=True)
    status: Mapped[NotificationStatus] = mapped_column(_enum(NotificationStatus), default=NotificationStatus.PENDING,
                                                      index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str] = mapped_column(Text, default="")
    job_id: Mapped[str] = mapped_column(String(100), default="")
    enqueues: Mapped[int] = mapped_column(Integer, default=0)
    enqueued_at: Mapped[datetime | None] = mapped_column(DateTime)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(DateTime)
    __table_args__ = (UniqueConstraint("escalation_id", "round", "kind", "target"),)


class StaffUser(Base):
    __tablename__ = "staff_users"
    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    full_name: Mapped[str] = mapped_column(String(200), default="")
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[Role] = mapped_column(_enum(Role), default=Role.VIEWER)
    area_level: Mapped[AreaLevel] = mapped_column(_enum(AreaLevel), default=AreaLevel.PROVINCE)
    province: Mapped[str] = mapped_column(String(100), default="")
    district: Mapped[str] = mapped_column(String(100), default="")
    commune: Mapped[str] = mapped_column(String(100), default="")
    phone: Mapped[str] = mapped_column(String(64), default="")  # number or SIP extension for live bridges
    on_duty: Mapped[bool] = mapped_column(Boolean, default=False)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    api_token_hash: Mapped[str] = mapped_column(String(255), default="")
    # the PIN an admin keys in at the studio extension to record prompts by phone (ivr.engine.studio.hash_pin)
    phone_pin_hash: Mapped[str] = mapped_column(String(255), default="")
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class AdminSession(Base):
    """A signed-in admin session; the cookie carries only a random token whose SHA-256 is ``id``.

    Checked on every request: logging out deletes the row; a password change or disabling the
    user deletes all of that user's rows, so a saved cookie stops working at once.
    """

    __tablename__ = "admin_sessions"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("staff_users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(DateTime, index=True)
    ip: Mapped[str] = mapped_column(String(64), default="")


class FlowVersion(Base):
    __tablename__ = "flow_versions"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), index=True)
    version: Mapped[int] = mapped_column(Integer)
    yaml_text: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16), default="draft")  # draft | published | archived
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    created_by: Mapped[str] = mapped_column(String(64), default="")
    published_at: Mapped[datetime | None] = mapped_column(DateTime)
    __table_args__ = (UniqueConstraint("name", "version"),)


class Prompt(Base):
    """Admin edits of the prompt catalog; rows override ``prompts/vi.yaml``."""

    __tablename__ = "prompts"
    id: Mapped[str] = mapped_column(String(100), primary_key=True)
    text: Mapped[str] = mapped_column(Text)
    recording_path: Mapped[str] = mapped_column(String(500), default="")
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)
    updated_by: Mapped[str] = mapped_column(String(64), default="")


class AuditLog(Base):
    __tablename__ = "audit_log"
    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, index=True)
    actor: Mapped[str] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(64))
    target: Mapped[str] = mapped_column(String(200), default="")
    detail: Mapped[dict[str, Any]] = mapped_column(default=dict)
    ip: Mapped[str] = mapped_column(String(64), default="")


class CheckinWindow(Base):
    """One check-in window of one day (e.g. "sang" on 2026-12-05, 08:00-11:00 local): the campaign staff
    pause and resume. Rows are made when the window is planned; times are naive UTC."""

    __tablename__ = "checkin_windows"
    id: Mapped[int] = mapped_column(primary_key=True)
    window_date: Mapped[date] = mapped_column(Date, index=True)  # the local date (deployment time zone)
    window: Mapped[str] = mapped_column(String(32))
    starts_at: Mapped[datetime] = mapped_column(DateTime)
    ends_at: Mapped[datetime] = mapped_column(DateTime)
    paused: Mapped[bool] = mapped_column(Boolean, default=False)
    planned_at: Mapped[datetime | None] = mapped_column(DateTime)
    closed_at: Mapped[datetime | None] = mapped_column(DateTime)  # the window's end was processed
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    __table_args__ = (UniqueConstraint("window_date", "window"),)


class CheckinAttempt(Base):
    """One check-in call to one phone in one window: attempt 1, then retries 2..N.

    A household phone has one attempt listing all its patients (``patient_ids``; ``patient_id`` is the
    first of them). The status moves planned -> queued -> dialing -> a result (``CheckinStatus``).
    """

    __tablename__ = "checkin_attempts"
    id: Mapped[int] = mapped_column(primary_key=True)
    patient_id: Mapped[int | None] = mapped_column(ForeignKey("patients.id"), index=True)
    patient_ids: Mapped[list[Any]] = mapped_column(default=list)
    phone: Mapped[str] = mapped_column(String(32), index=True)  # E.164
    window_date: Mapped[date] = mapped_column(Date, index=True)
    window: Mapped[str] = mapped_column(String(32))
    attempt: Mapped[int] = mapped_column(Integer, default=1)
    not_before: Mapped[datetime] = mapped_column(DateTime, index=True)  # UTC
    status: Mapped[str] = mapped_column(String(16), default=CheckinStatus.PLANNED, index=True)  # a CheckinStatus
    call_id: Mapped[int | None] = mapped_column(ForeignKey("calls.id"))
    sip_code: Mapped[int | None] = mapped_column(Integer)
    answered_by: Mapped[str] = mapped_column(String(16), default="")  # "patient" | "relative" | ""
    answered_patient_id: Mapped[int | None] = mapped_column(ForeignKey("patients.id"))
    worker: Mapped[str] = mapped_column(String(100), default="")
    # the SMS notice before the day's first call: "" (none), pending, sent, failed
    notice_status: Mapped[str] = mapped_column(String(16), default="")
    notice_error: Mapped[str] = mapped_column(Text, default="")
    queued_at: Mapped[datetime | None] = mapped_column(DateTime)
    claimed_at: Mapped[datetime | None] = mapped_column(DateTime)
    finished_at: Mapped[datetime | None] = mapped_column(DateTime)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)
    __table_args__ = (UniqueConstraint("window_date", "window", "phone", "attempt"),
                      Index("ix_checkin_attempts_window", "window_date", "window", "status"))


class NotifyTarget(Base):
    """Where one area's staff are told about cases, missed check-ins and the daily summary.

    ``level`` commune needs province, district and commune; district needs province and district;
    province needs the province. ``channel`` webhook (``target`` an http(s) URL) or sms (an E.164 number).
    """

    __tablename__ = "notify_targets"
    id: Mapped[int] = mapped_column(primary_key=True)
    level: Mapped[AreaLevel] = mapped_column(_enum(AreaLevel), default=AreaLevel.COMMUNE)
    province: Mapped[str] = mapped_column(String(100), default="")
    district: Mapped[str] = mapped_column(String(100), default="")
    commune: Mapped[str] = mapped_column(String(100), default="")
    channel: Mapped[str] = mapped_column(String(16), default="webhook")  # webhook | sms
    target: Mapped[str] = mapped_column(String(500))
    label: Mapped[str] = mapped_column(String(200), default="")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    __table_args__ = (UniqueConstraint("level", "province", "district", "commune", "channel", "target"),)


class AreaNotification(Base):
    """One message to one area target that is not an escalation round: a daily summary, an SMS notice of
    a check-in call, a test send. The delivery history of the targets; retried like webhooks."""

    __tablename__ = "area_notifications"
    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(32), index=True)  # daily_summary | test
    channel: Mapped[str] = mapped_column(String(16))  # webhook | sms
    target: Mapped[str] = mapped_column(String(500))
    target_id: Mapped[int | None] = mapped_column(ForeignKey("notify_targets.id", ondelete="SET NULL"), index=True)
    province: Mapped[str] = mapped_column(String(100), default="")
    district: Mapped[str] = mapped_column(String(100), default="")
    commune: Mapped[str] = mapped_column(String(100), default="")
    idempotency_key: Mapped[str] = mapped_column(String(150), index=True)
    body: Mapped[dict[str, Any]] = mapped_column(default=dict)
    status: Mapped[NotificationStatus] = mapped_column(_enum(NotificationStatus), default=NotificationStatus.PENDING,
                                                      index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, index=True)
    sent_at: Mapped[datetime | None] = mapped_column(DateTime)
    __table_args__ = (UniqueConstraint("idempotency_key", "channel", "target"),)
class KnowledgeVersion(Base):
    """A version of one knowledge-base entry (``callflows/knowledge``) edited in the admin.

    Lifecycle: ``draft`` (saved, validated) -> ``review`` (sent for review) -> ``published`` by a second
    staff member (not ``created_by``); a published version replaces the file's entry of its topic for
    new calls, the previous published one becomes ``archived``; a reviewer may send it back
    (``rejected``). History is every row of a topic, newest first.
    """

    __tablename__ = "knowledge_versions"
    id: Mapped[int] = mapped_column(primary_key=True)
    topic: Mapped[str] = mapped_column(String(64), index=True)
    version: Mapped[int] = mapped_column(Integer)
    yaml_text: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16), default="draft")  # draft|review|published|archived|rejected
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    created_by: Mapped[str] = mapped_column(String(64), default="")
    reviewed_by: Mapped[str] = mapped_column(String(64), default="")
    reviewed_at: Mapped[datetime | None] = mapped_column(DateTime)
    published_at: Mapped[datetime | None] = mapped_column(DateTime)
    note: Mapped[str] = mapped_column(Text, default="")
    __table_args__ = (UniqueConstraint("topic", "version"),)
