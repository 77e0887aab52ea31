"""SQLAlchemy 2 models: the database is the hotline's source of truth.

Schema changes go through Alembic migrations in ``ivr/store/migrations``.
"""
from __future__ import annotations

import enum
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
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
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from ivr.vocabulary import CallOutcome, EscalationMode, EscalationStatus, RiskLevel


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
    phone: Mapped[str] = mapped_column(String(32), unique=True, index=True)
    name: Mapped[str] = mapped_column(String(200), default="")
    birth_year: Mapped[int | None] = mapped_column(Integer)
    risk_factors: Mapped[list[Any]] = mapped_column(default=list)
    province: Mapped[str] = mapped_column(String(100), default="", index=True)
    district: Mapped[str] = mapped_column(String(100), default="", index=True)
    commune: Mapped[str] = mapped_column(String(100), default="", index=True)
    care_status: Mapped[CareStatus] = mapped_column(_enum(CareStatus), default=CareStatus.HOME)
    care_note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)
    calls: Mapped[list[Call]] = relationship(back_populates="patient")
    assessments: Mapped[list[Assessment]] = relationship(back_populates="patient")


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
    tier: Mapped[AreaLevel] = mapped_column(_enum(AreaLevel), default=AreaLevel.COMMUNE)
    province: Mapped[str] = mapped_column(String(100), default="")
    district: Mapped[str] = mapped_column(String(100), default="")
    commune: Mapped[str] = mapped_column(String(100), default="")
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, index=True)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)
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
