"""Notification targets screen (admins): each area's chat-group webhooks and SMS numbers, a test send,
the delivery history, and the text of the SMS notice sent before a check-in call.

Register with ``app.register_blueprint(notify_targets.bp)`` (``admin.create_app``).
"""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from escalation import jobs
from escalation.checkins import jobs as checkin_jobs
from escalation.checkins import schedule
from ivr.config import is_http_url, parse_targets
from ivr.store.models import (
    AreaLevel,
    AreaNotification,
    EscalationNotification,
    NotificationStatus,
    NotifyTarget,
    Prompt,
    utcnow,
)
from ivr.store.phonenumber import normalize_phone

from .web import admin_only, audit, cfg, dbs, local_time

bp = Blueprint("notify_targets", __name__, url_prefix="/notify-targets")
CHANNEL_LABELS = {"webhook": "Webhook (nhóm chat)", "sms": "Tin nhắn SMS"}
STATUS_VI = {"pending": "Đang gửi", "sent": "Đã gửi", "failed": "Lỗi", "skipped": "Bỏ qua"}
HISTORY = 100


class TargetError(ValueError):
    """A target staff typed that cannot be used (the message says why, in Vietnamese)."""


def check_target(level: str, province: str, district: str, commune: str, channel: str, target: str
                 ) -> tuple[AreaLevel, str, str, str, str, str]:
    """The target as stored, or ``TargetError``."""
    try:
        lvl = AreaLevel(level)
    except ValueError:
        raise TargetError("Cấp địa bàn không hợp lệ.") from None
    province, district, commune = (" ".join(x.split()) for x in (province, district, commune))
    need = {"province": (province,), "district": (province, district), "commune": (province, district, commune)}
    if not all(need[lvl.value]):
        raise TargetError("Cần ghi đủ tỉnh, huyện và xã theo cấp địa bàn đã chọn.")
    if lvl == AreaLevel.PROVINCE:
        district = commune = ""
    elif lvl == AreaLevel.DISTRICT:
        commune = ""
    target = target.strip()
    if channel == "webhook":
        if not is_http_url(target):
            raise TargetError("Địa chỉ webhook không hợp lệ (cần dạng https://máy-chủ/đường-dẫn).")
    elif channel == "sms":
        number = normalize_phone(target)
        if number is None:
            raise TargetError(f"Số điện thoại '{target}' không hợp lệ.")
        target = number
    else:
        raise TargetError("Kênh gửi không hợp lệ.")
    return lvl, province, district, commune, channel, target


@bp.route("/")
@admin_only
def index():  # type: ignore[no-untyped-def]
    s = dbs()
    targets = s.scalars(select(NotifyTarget).order_by(NotifyTarget.province, NotifyTarget.district,
                                                      NotifyTarget.commune, NotifyTarget.id)).all()
    area_rows = s.scalars(select(AreaNotification).order_by(AreaNotification.id.desc()).limit(HISTORY)).all()
    case_rows = s.scalars(select(EscalationNotification).where(EscalationNotification.kind != "board")
                          .order_by(EscalationNotification.id.desc()).limit(HISTORY)).all()
    history = sorted([{"at": r.sent_at or r.created_at, "what": "Tổng kết ngày" if r.kind == "daily_summary" else
                       "Gửi thử" if r.kind == "test" else r.kind, "channel": r.channel, "target": r.target,
                       "status": r.status.value, "attempts": r.attempts, "error": r.last_error} for r in area_rows]
                     + [{"at": r.sent_at or r.created_at, "what": f"Ca #{r.escalation_id} (lượt {r.round})",
                         "channel": r.kind, "target": r.target, "status": r.status.value, "attempts": r.attempts,
                         "error": r.last_error} for r in case_rows], key=lambda h: h["at"], reverse=True)[:HISTORY]
    prompt = s.get(Prompt, checkin_jobs.SMS_PROMPT)
    return render_template("notify_targets/index.html", targets=targets, configured=parse_targets(cfg().notify_targets),
                           history=history, levels=list(AreaLevel), CHANNEL_LABELS=CHANNEL_LABELS,
                           STATUS_VI=STATUS_VI, sms_text=prompt.text if prompt else cfg().checkin_sms_text,
                           sms_custom=prompt is not None, vn=local_time)


@bp.route("/new", methods=["POST"])
@admin_only
def create():  # type: ignore[no-untyped-def]
    f = request.form
    try:
        lvl, province, district, commune, channel, target = check_target(
            f.get("level", ""), f.get("province", ""), f.get("district", ""), f.get("commune", ""),
            f.get("channel", ""), f.get("target", ""))
    except TargetError as exc:
        flash(str(exc), "error")
        return redirect(url_for("notify_targets.index"))
    row = NotifyTarget(level=lvl, province=province, district=district, commune=commune, channel=channel,
                       target=target, label=f.get("label", "").strip()[:200], active=True, created_at=utcnow())
    dbs().add(row)
    try:
        dbs().flush()
    except IntegrityError:
        dbs().rollback()
        flash("Địa bàn này đã có nơi nhận này rồi.", "error")
        return redirect(url_for("notify_targets.index"))
    audit("notify_target_create", f"notify_target:{row.id}", level=lvl.value, channel=channel, address=target)
    dbs().commit()
    flash("Đã thêm nơi nhận thông báo.", "success")
    return redirect(url_for("notify_targets.index"))


def _target(target_id: int) -> NotifyTarget:
    row = dbs().get(NotifyTarget, target_id)
    if row is None:
        abort(404)
    return row


@bp.route("/<int:target_id>/toggle", methods=["POST"])
@admin_only
def toggle(target_id: int):  # type: ignore[no-untyped-def]
    row = _target(target_id)
    row.active = not row.active
    audit("notify_target_active" if row.active else "notify_target_inactive", f"notify_target:{row.id}")
    dbs().commit()
    flash("Đã bật nơi nhận." if row.active else "Đã tắt nơi nhận.", "success")
    return redirect(url_for("notify_targets.index"))


@bp.route("/<int:target_id>/test", methods=["POST"])
@admin_only
def test_send(target_id: int):  # type: ignore[no-untyped-def]
    row = _target(target_id)
    now = utcnow()
    area = ", ".join(x for x in (row.commune, row.district, row.province) if x)
    text = f"Tin nhắn thử từ tổng đài hỗ trợ F0 lúc {local_time(now, '%H:%M %d/%m/%Y')} tới nơi nhận của {area}."
    note = AreaNotification(kind="test", channel=row.channel, target=row.target, target_id=row.id,
                            province=row.province, district=row.district, commune=row.commune,
                            idempotency_key=f"ivr-test-{row.id}-{int(now.timestamp())}",
                            body={"event": "notify.test", "text": text}, status=NotificationStatus.PENDING,
                            attempts=0, last_error="", created_at=now)
    dbs().add(note)
    audit("notify_target_test", f"notify_target:{row.id}")
    dbs().commit()
    try:
        schedule.area_deliveries(jobs.connect(cfg().redis), cfg(), [note.id])
        flash("Đã gửi tin thử; kết quả hiện trong lịch sử gửi.", "success")
    except Exception:  # noqa: BLE001 - Redis down: the row stays pending and is sent once the worker is back
        flash("Chưa gửi được ngay (hàng đợi không chạy); tin thử sẽ được gửi khi hệ thống hoạt động lại.", "warning")
    return redirect(url_for("notify_targets.index"))


@bp.route("/sms-text", methods=["POST"])
@admin_only
def sms_text():  # type: ignore[no-untyped-def]
    text = " ".join(request.form.get("text", "").split())
    s = dbs()
    row = s.get(Prompt, checkin_jobs.SMS_PROMPT)
    if request.form.get("action") == "revert" or not text:
        if row is not None:
            s.delete(row)
        audit("checkin_sms_text_revert", checkin_jobs.SMS_PROMPT)
        s.commit()
        flash("Đã dùng lại nội dung tin nhắn mặc định.", "success")
        return redirect(url_for("notify_targets.index"))
    try:
        text.format(station="", name="", caller_id="")
    except (KeyError, IndexError, ValueError):
        flash("Nội dung chỉ được dùng các chỗ điền {station}, {name} và {caller_id}.", "error")
        return redirect(url_for("notify_targets.index"))
    if row is None:
        row = Prompt(id=checkin_jobs.SMS_PROMPT, text=text)
        s.add(row)
    row.text, row.updated_at = text, utcnow()
    audit("checkin_sms_text", checkin_jobs.SMS_PROMPT, text=text)
    s.commit()
    flash("Đã lưu nội dung tin nhắn báo trước cuộc gọi.", "success")
    return redirect(url_for("notify_targets.index"))



