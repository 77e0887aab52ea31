"""Vietnamese labels of the understanding vocabulary (symptoms, risk factors, vitals) and of the engine's
identifiers (flow steps, intents, step events, actors, the phone line's own reasons, flow names).

What staff read and the reasons callers' cases carry ("Có triệu chứng (sốt, ho) ..."): one table
each, used by the triage rule pack, the CLI and the admin.
"""
from __future__ import annotations

import re

#: Vietnamese names for reasons ("Có triệu chứng (sốt, ho) ...").
SYMPTOM_LABELS: dict[str, str] = {
    "fever": "sốt", "cough": "ho", "sore_throat": "đau họng", "runny_nose": "sổ mũi",
    "shortness_of_breath": "khó thở", "chest_pain": "đau tức ngực", "loss_of_taste_smell": "mất vị giác/khứu giác",
    "fatigue": "mệt mỏi", "headache": "đau đầu", "muscle_ache": "đau nhức cơ", "diarrhea": "tiêu chảy",
    "vomiting": "nôn", "altered_consciousness": "rối loạn ý thức", "cyanosis": "tím tái", "low_spo2": "SpO2 thấp",
    "coughing_blood": "ho ra máu",
    "severe_breathlessness": "khó thở nặng", "cannot_eat_drink": "không ăn uống được", "exhaustion": "kiệt sức",
    "prolonged_fever": "sốt kéo dài", "low_blood_pressure": "huyết áp thấp",
    "caller_concern": "người nhà/người bệnh lo có bất thường", "model_warning": "mô hình nghi dấu hiệu cảnh báo",
}
RISK_FACTOR_LABELS: dict[str, str] = {
    "age_65_plus": "≥ 65 tuổi", "diabetes": "tiểu đường", "hypertension": "tăng huyết áp",
    "heart_disease": "bệnh tim", "lung_disease": "bệnh phổi", "kidney_disease": "bệnh thận",
    "liver_disease": "bệnh gan", "cancer": "ung thư", "obesity": "béo phì",
    "immunosuppression": "suy giảm miễn dịch", "pregnancy": "mang thai", "unvaccinated": "chưa tiêm vắc xin",
}
VITAL_LABELS: dict[str, str] = {"spo2": "SpO2", "temperature": "nhiệt độ", "breathing_rate": "nhịp thở",
                                "systolic_bp": "huyết áp tâm thu", "diastolic_bp": "huyết áp tâm trương",
                                "pulse": "mạch"}

# --- What staff read for the engine's own identifiers (call-flow steps, intents, step events, actors) ---
# Doctor-facing pages never show an identifier: each has a Vietnamese label here, and an identifier not in a
# table (a node an admin added to a flow, an intent of a newer understander) reads as the table's generic label.

#: The default flow's steps (callflows/covid_f0.yaml node ids).
NODE_LABELS: dict[str, str] = {
    "greeting": "Lời chào, hỏi nhu cầu", "main_menu": "Menu chính", "emergency": "Chuyển cấp cứu",
    "escalate_high": "Chuyển bác sĩ: có dấu hiệu cảnh báo", "escalate_unclear": "Chuyển bác sĩ: tổng đài không hiểu",
    # session 22 (n58-calls10): on_need oxygen_supply
    "escalate_oxygen": "Chuyển bác sĩ: người bệnh thở ô xy sắp hết ô xy",
    "escalate_medium": "Chuyển bác sĩ gọi lại", "record_message": "Ghi âm lời nhắn",
    "request_doctor": "Người gọi xin gặp bác sĩ", "handoff_doctor": "Chuyển máy cho bác sĩ",
    "symptoms": "Hỏi triệu chứng", "checkin": "Báo cáo sức khỏe hằng ngày", "positive_test": "Báo test dương tính",
    "ask_has_oximeter": "Hỏi có máy đo SpO2", "spo2": "Đo SpO2", "ask_has_thermometer": "Hỏi có nhiệt kế",
    "temperature": "Đo nhiệt độ", "ask_can_count_breath": "Hỏi có đếm được nhịp thở",
    "breathing_rate": "Đếm nhịp thở", "pulse": "Đo mạch", "assess": "Đánh giá nguy cơ",
    "escalate_new_f0": "Chuyển bác sĩ: F0 mới",
    "after_symptoms": "Sau câu hỏi triệu chứng", "advice_home_care": "Dặn dò chăm sóc tại nhà",
    "advice_no_symptoms": "Dặn dò khi không có triệu chứng", "faq_menu": "Hỏi đáp", "faq_medication": "Hỏi đáp: thuốc",
    "faq_isolation": "Hỏi đáp: cách ly", "faq_home_care": "Hỏi đáp: chăm sóc tại nhà",
    "anything_else": "Hỏi còn cần gì khác", "goodbye": "Chào kết thúc",
    "warning_signs": "Hỏi các dấu hiệu cảnh báo (có/không)",
    "escalate_worried": "Chuyển bác sĩ: người bệnh thấy bất ổn",
    "ask_pulse_shown": "Hỏi máy đo có hiện mạch", "ask_has_bp_monitor": "Hỏi có máy đo huyết áp",
    "blood_pressure": "Đo huyết áp",
    "faq_answer": "Trả lời câu hỏi thường gặp", "faq_fever": "Hỏi đáp: thuốc hạ sốt",
    "faq_isolation_end": "Hỏi đáp: khi nào hết cách ly", "faq_spo2": "Hỏi đáp: cách đo SpO2",
    "faq_warning_signs": "Hỏi đáp: khi nào cần cấp cứu", "faq_children": "Hỏi đáp: trẻ em mắc COVID-19",
    "faq_package": "Hỏi đáp: túi thuốc điều trị tại nhà", "faq_after": "Hỏi còn câu hỏi nào khác",
    "faq_again": "Trả lời câu hỏi tiếp theo", "faq_related": "Gợi ý câu hỏi liên quan",
    "faq_decline": "Chưa có câu trả lời: mời gặp bác sĩ",
    "faq_callback": "Chuyển bác sĩ gọi lại: câu hỏi chưa có trả lời",
    "faq_which": "Hỏi người gọi muốn hỏi chủ đề nào", "faq_chosen": "Trả lời chủ đề người gọi chọn",
    # session 22b (n62-calls11)
    "slow_menu": "Người gọi ít biết tiếng Việt: mời bấm phím hoặc nói chậm",
}
NODE_GENERIC = "Bước khác của kịch bản"

#: What the caller wanted, as understanding names it (``ivr.engine.understanding.INTENTS``).
INTENT_LABELS: dict[str, str] = {
    "report_symptoms": "Báo triệu chứng", "emergency": "Cần cấp cứu", "daily_checkin": "Báo cáo sức khỏe hằng ngày",
    "report_positive_test": "Báo test dương tính", "ask_medication": "Hỏi về thuốc", "ask_isolation": "Hỏi về cách ly",
    "ask_home_care": "Hỏi cách chăm sóc tại nhà", "request_doctor": "Xin gặp bác sĩ", "yes": "Có", "no": "Không",
    "repeat": "Xin nghe lại", "goodbye": "Chào tạm biệt", "unknown": "Chưa hiểu",
}
INTENT_GENERIC = "Ý định khác"

#: The kinds of step a call records (``ivr.engine.session.Step.event``).
EVENT_LABELS: dict[str, str] = {
    "prompt": "máy nói", "speech": "người gọi nói", "dtmf": "bấm phím", "no_input": "im lặng",
    "no_match": "không hiểu", "repeat": "xin nghe lại", "escalate": "chuyển bác sĩ (tạo ca)",
    "handoff": "nối máy trực tiếp", "hangup": "gác máy", "record": "ghi âm",
    "volunteered": "trả lời luôn con số (coi như có)",
    "no_reading": "chưa có số đo (chưa đo, không có máy), hỏi tiếp câu sau",
    "other_reading": "đọc luôn số đo khác khi được hỏi lại số vừa đọc",
    "wait": "xin chờ để đo, tổng đài đợi",
    "partial": "mới đọc số trên, được hỏi số dưới",
    "corrected": "sửa lại số đo khi được hỏi lại, số mới là dấu hiệu nặng nên chuyển ngay",
    "misshapen": "đọc con số không giống chỉ số được hỏi (như nhiệt độ khi hỏi nhịp thở), được giải thích và hỏi lại",
    "reading_with_sign": "đọc số đo kèm dấu hiệu nặng, số đo được tính luôn khi chuyển bác sĩ",
    # session 22b (n62-calls11)
    "confused": "nhiều lần trong cuộc gọi không nghe rõ hoặc trả lời không đúng câu hỏi, chuyển người thật",
    # session 23 (n66-calls12)
    "complaint": "phàn nàn về tổng đài, được xin lỗi và hỏi lại",
}
EVENT_GENERIC = "sự kiện khác"

#: Who made a move on a case when it was not a staff member.
ACTOR_LABELS: dict[str, str] = {"system": "Hệ thống", "anonymous": "Chưa đăng nhập", "": "Hệ thống"}

#: Reasons the phone line itself gives a case (not from a flow's ``reason:`` text nor a triage rule).
REASON_LABELS: dict[str, str] = {
    "transfer": "Người gọi xin chuyển máy gặp bác sĩ",
    "fallback": "Tổng đài không hỏi tiếp được, chuyển bác sĩ",
    "unclear": "Tổng đài không hiểu lời người gọi",
}

REASON_GENERIC = "Lý do khác (do tổng đài ghi)"
_IDENTIFIER = re.compile(r"[a-z][a-z0-9]*(?:_[a-z0-9]+)+|[a-z]+")

#: Call flows by name (``callflows/<name>.yaml``).
FLOW_LABELS: dict[str, str] = {"covid_f0": "Tổng đài F0 COVID-19"}
FLOW_GENERIC = "Kịch bản khác"


def label(table: dict[str, str], key: object, generic: str) -> str:
    """``table[key]``, or ``generic`` for an identifier the table does not name (never the raw identifier)."""
    return table.get(str(getattr(key, "value", key) or ""), generic)


def node_label(node: object) -> str:
    return label(NODE_LABELS, node, NODE_GENERIC)


def intent_label(intent: object) -> str:
    """An intent's label; an empty intent is empty (the step had none)."""
    return label(INTENT_LABELS, intent, INTENT_GENERIC) if intent else ""


def event_label(event: object) -> str:
    return label(EVENT_LABELS, event, EVENT_GENERIC) if event else ""


def actor_label(actor: object) -> str:
    """A staff member's user name is shown as it is; the system's own moves read "Hệ thống"."""
    text = str(actor or "")
    return ACTOR_LABELS.get(text, text)


def reason_label(reason: object) -> str:
    """A case's reason: Vietnamese text as it is; an identifier the phone line gave, by its label."""
    text = str(reason or "")
    if text in REASON_LABELS:
        return REASON_LABELS[text]
    return REASON_GENERIC if _IDENTIFIER.fullmatch(text) else text


def event_detail_label(detail: object) -> str:
    """A case event's detail, whose first part may be the reason the case was opened with (``transfer — …``)."""
    head, sep, rest = str(detail or "").partition(" — ")
    return reason_label(head) + sep + rest


def flow_label(name: object) -> str:
    return label(FLOW_LABELS, name, FLOW_GENERIC)
