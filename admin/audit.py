"""Audit log screen (admins): every staff action on patient data, newest first."""
from __future__ import annotations

from flask import Blueprint, render_template, request
from sqlalchemy import func, select

from ivr.store.models import AuditLog

from .web import admin_only, dbs, page_arg

bp = Blueprint("audit", __name__, url_prefix="/audit")
PAGE = 100

ACTION_LABELS = {
    "login": "Đăng nhập", "login_failed": "Đăng nhập sai", "login_blocked": "Bị chặn đăng nhập", "logout": "Đăng xuất",
    "escalation_view": "Xem ca chuyển bác sĩ", "escalation.pick": "Nhận ca", "escalation.note": "Ghi chú ca",
    "escalation.resolve": "Kết thúc ca", "escalation.start_call": "Bắt đầu gọi", "escalation.cancelled": "Huỷ ca",
    "escalation.expired": "Ca hết hạn", "escalation.schedule_callback": "Hẹn gọi lại",
    "patient.transferred": "Chuyển tầng", "patient.discharged": "Cho ra viện/khỏi",
    "patient.home": "Theo dõi tại nhà trở lại", "staff.on_duty": "Bắt đầu trực", "staff.off_duty": "Kết thúc trực",
    "escalation_pick": "Nhận ca", "escalation_note": "Ghi chú ca",
    "escalation_resolve": "Kết thúc ca", "recording_listen": "Nghe ghi âm", "duty_on": "Bắt đầu trực",
    "duty_off": "Kết thúc trực", "call_view": "Xem cuộc gọi", "patient_view": "Xem bệnh nhân",
    "patient_import": "Nhập danh sách F0", "patient_transfer": "Chuyển tầng", "patient_discharge": "Cho ra viện/khỏi",
    "patient_search": "Tìm bệnh nhân", "flow_save": "Lưu nháp kịch bản", "flow_publish": "Xuất bản kịch bản",
    "flow_rollback": "Khôi phục kịch bản", "prompt_edit": "Sửa lời nhắc", "prompt_upload": "Tải ghi âm lời nhắc",
    "prompt_revert": "Dùng lại giọng tổng hợp", "user_create": "Tạo tài khoản", "user_update": "Sửa tài khoản",
    "user_password": "Đặt mật khẩu", "user_api_token": "Tạo mã API", "stats_export": "Xuất thống kê CSV",
    "user_phone_pin": "Đặt mã PIN điện thoại", "studio_login": "Vào tổng đài ghi âm",
    "studio_refused": "Bị từ chối vào tổng đài ghi âm", "studio_pin_failed": "Nhập sai mã PIN ghi âm",
    "checkin.pause": "Tạm dừng gọi hỏi thăm", "checkin.resume": "Tiếp tục gọi hỏi thăm",
    "patient.opt_out": "Ngừng nhận cuộc gọi hỏi thăm", "patient.opt_in": "Nhận lại cuộc gọi hỏi thăm",
    "patient.checkins_stopped": "Dừng gọi hỏi thăm vì người bệnh không còn ở nhà",
    "checkin_sms_text": "Sửa tin nhắn báo trước cuộc gọi", "checkin_sms_text_revert": "Dùng lại tin nhắn mặc định",
    "notify_target_create": "Thêm nơi nhận thông báo", "notify_target_active": "Bật/tắt nơi nhận thông báo",
    "notify_target_test": "Gửi thử thông báo", "knowledge_save": "Lưu nháp câu trả lời",
    "knowledge_submit": "Gửi duyệt câu trả lời", "knowledge_reject": "Trả lại câu trả lời",
    "knowledge_publish": "Xuất bản câu trả lời", "knowledge_publish_refused": "Từ chối xuất bản câu trả lời",
    "knowledge_recording": "Tải ghi âm câu trả lời",
}


@bp.route("/")
@admin_only
def index():  # type: ignore[no-untyped-def]
    q = request.args.get("q", "").strip()
    page = page_arg()
    stmt = select(AuditLog)
    if q:
        like = f"%{q}%"
        stmt = stmt.where(AuditLog.actor.ilike(like) | AuditLog.action.ilike(like) | AuditLog.target.ilike(like))
    total = dbs().scalar(select(func.count()).select_from(stmt.subquery())) or 0
    rows = dbs().scalars(stmt.order_by(AuditLog.id.desc()).offset((page - 1) * PAGE).limit(PAGE)).all()
    return render_template("audit/index.html", rows=rows, q=q, page=page, total=total, PAGE=PAGE,
                           ACTION_LABELS=ACTION_LABELS)
