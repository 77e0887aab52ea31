"""The flow validator's problems in Vietnamese, for the admin's flow editor (the CLI keeps the English).

Translated by the problem's kind (``ivr.engine.flow.MESSAGES`` keys) with the same parameters; a kind
this table does not know yet shows the English text after a Vietnamese lead-in rather than nothing.
"""
from __future__ import annotations

from typing import Any

from ivr.engine.flow import FILE, MESSAGES, TEXT, FlowProblem

VI: dict[str, str] = {
    "invalid_yaml": "YAML không hợp lệ{where}: {what}",
    "not_mapping": "nội dung phải là một bảng có “flow”, “start” và “nodes”",
    "missing_name": "thiếu tên kịch bản (“flow”)",
    "defaults_not_mapping": "“defaults” phải là một bảng",
    "pair_prompt_needs_pair": "“pair_prompt” cần “pair” (nó hỏi số thứ hai của một cặp số)",
    "wait_phrases_not_list": "“wait_phrases” phải là một danh sách từ",
    "correction_phrases_not_list": "“correction_phrases” phải là một danh sách từ",
    "wait_needs_prompt": "“wait_phrases” cần lời nhắc vai trò “wait” (điều người gọi xin đợi một chút sẽ nghe)",
    # session 23 (n66-calls12)
    "complaint_phrases_not_list": "“complaint_phrases” phải là một danh sách từ",
    "complaint_needs_prompt": "“complaint_phrases” cần lời nhắc vai trò “complaint” (lời xin lỗi người gọi đang phàn "
                              "nàn về tổng đài nghe trước khi được hỏi lại)",
    "missing_nodes": "thiếu bảng các bước (“nodes”)",
    "prompt_role_missing": "cần khai báo prompts.{role} (lời nhắc người gọi nghe lại khi chưa trả lời được)",
    "prompt_role_unknown": "prompts.{role}: không có lời nhắc “{pid}”",
    "node_not_mapping": "bước phải là một bảng có “kind”",
    "start_undefined": "bước bắt đầu “{start}” chưa được định nghĩa",
    "global_unknown_intent": "global: không có ý định “{intent}”",
    "on_risk_unknown": "on_risk: không có mức nguy cơ “{risk}”",
    # session 21b (n54-calls9)
    "on_away_unknown": "on_away: không có tình trạng vắng nhà “{away}” (chỉ có {known})",
    # session 22 (n58-calls10)
    "on_need_unknown": "on_need: không có nhu cầu cần người xử lý ngay “{need}” (chỉ có {known})",
    "on_unclear_not_id": "on_unclear phải là tên một bước, đang là “{value}”",
    "dangling": "chuyển tiếp “{trigger}” trỏ tới bước “{target}” không tồn tại",
    "missing_fallback": "thiếu “fallback” (bước loại “{kind}” cần “fallback” hoặc defaults.fallback)",
    "fallback_hangs_up": "“fallback” “{fallback}” gác máy: người gọi gặp khó khăn phải được nối tới người thật",
    "fallback_no_human": "“fallback” “{fallback}” không bao giờ tới người thật: {path} {ending} (người gọi gặp "
                         "khó khăn phải tới bước chuyển bác sĩ/chuyển máy, hoặc một câu hỏi có fallback như vậy)",
    "on_unclear_not_escalate": "on_unclear “{target}” phải là bước chuyển bác sĩ (“escalate”), đang là loại “{kind}”",
    "unreachable": "không đi tới được từ bước bắt đầu “{start}”",
    "unknown_kind": "loại bước “{kind}” không có (dùng một trong: {kinds})",
    "unknown_field": "trường “{key}” không dùng được cho loại bước “{kind}”",
    "missing_field": "thiếu “{key}”",
    "unknown_prompt": "không có lời nhắc “{pid}”",
    "not_number": "“{key}” phải là một số ≥ {low:g}, đang là “{value}”",
    "missing_next": "thiếu “next” (bước tiếp theo)",
    "needs_choices": "cần “choices” (hoặc “capture: true” để ghi lại lời nói tự do)",
    "capture_needs_next": "“capture: true” cần “next”",
    "unknown_vital": "chỉ số “{vital}” không có (dùng một trong: {vitals})",
    "missing_slot": "thiếu “slot” (hoặc “vital”)",
    "min_max": "“min” {low:g} phải nhỏ hơn “max” {high:g}",
    "missing_else": "thiếu “else” (nhánh rẽ phải luôn dẫn tới một bước)",
    "unknown_risk": "mức nguy cơ “{risk}” không có",
    "bad_mode": "mode phải là “live” (giữ máy) hoặc “callback” (gọi lại), đang là “{mode}”",
    "choices_not_list": "“choices” phải là một danh sách",
    "choice_needs_next": "lựa chọn {i} thiếu “next”",
    "choice_bad_dtmf": "lựa chọn {i}: phím phải là một phím 0-9, # hoặc A-D (“*” là nghe lại), đang là “{dtmf}”",
    "choice_dtmf_twice": "lựa chọn {i}: phím {dtmf} bị dùng hai lần",
    "choice_menu_needs_dtmf": "lựa chọn {i}: lựa chọn của menu cần một phím (“dtmf”)",
    "choice_unknown_intent": "lựa chọn {i}: không có ý định “{intent}”",
    "choice_unknown_symptom": "lựa chọn {i}: không có triệu chứng, dấu hiệu “{symptom}” (dùng một trong: {symptoms})",
    "choice_needs_trigger": "lựa chọn {i} cần “dtmf”, “intent” hoặc “phrases”",
    "cases_not_list": "“cases” phải là một danh sách",
    "case_needs_when": "trường hợp {i} cần “when” (một bảng) và “next”",
    "case_unknown_condition": "trường hợp {i}: điều kiện không có: {names}",
    "case_unknown_risk": "trường hợp {i}: mức nguy cơ “{level}” không có",
    "case_unknown_status": "trường hợp {i}: tình trạng bệnh nhân “{status}” không có",
    "case_unknown_intent": "trường hợp {i}: không có ý định “{intent}”",
    "case_unknown_op": "trường hợp {i}: phép so sánh “{op}” không có",
    "case_empty_when": "trường hợp {i}: “when” đang trống",
    "bad_pair": "“pair” phải là một chỉ số khác (một trong: {vitals}), đang là “{pair}”",
    "pair_min_max": "“pair_min” {low:g} phải nhỏ hơn “pair_max” {high:g}",
    "unsure_not_question": "“unsure” “{target}” phải là một câu hỏi (“checklist” hoặc “ask”), đang là loại “{kind}”",
    "on_yes_not_escalate": "{where} “{target}” phải là bước chuyển bác sĩ (“escalate”): trả lời “có” với một dấu "
                           "hiệu cảnh báo là chuyển bác sĩ; đang là loại “{kind}”",
    "unsure_needs_capture": "“unsure” cần “capture: true” (đó là nơi câu trả lời tự do chưa hiểu chắc chắn đi tới)",
    "unsure_below_range": "“unsure_below” phải là độ tin cậy từ 0 đến 1, đang là {below:g}",
    "missing_on_yes": "thiếu “on_yes” (bước chuyển bác sĩ khi người gọi trả lời “có”)",
    "items_not_list": "“items” phải là danh sách (không trống) các câu hỏi có/không",
    "item_unknown_field": "câu hỏi {i}: trường “{key}” không dùng được",
    "item_needs_prompt": "câu hỏi {i} cần “prompt” (câu hỏi có/không)",
    "item_unknown_prompt": "câu hỏi {i}: không có lời nhắc “{pid}”",
    "item_unknown_symptom": "câu hỏi {i}: không có triệu chứng hay dấu hiệu “{symptom}” (dùng một trong: {symptoms})",
    "item_unknown_risk": "câu hỏi {i}: mức nguy cơ “{risk}” không có",
    "global_key_bad": "keys: “{key}” phải là một phím 0-9, # hoặc A-D",
    "choose_missing_options": "thiếu “options” (biến chứa danh sách để chọn)",
    "bad_slot": "“slot” phải là tên một biến, đang là “{slot}”",
    "gate_bad_key": "“key” phải là một phím 0-9, # hoặc A-D, đang là “{key}”",
    "gate_missing_unanswered": "thiếu “unanswered” (cuộc gọi đi đâu khi không ai bấm phím)",
    "answer_bad_source": "“source” phải là một trong: {sources}; đang là “{source}”",
    "answer_topic_source": "cần “topic” khi và chỉ khi “source” là “topic”",
    "answer_bad_topic": "“topic” phải là mã chủ đề viết thường, nối bằng dấu gạch dưới; đang là “{topic}”",
    "answer_missing_next": "thiếu “next” (bước tiếp theo sau khi trả lời)",
    "answer_missing_else": "thiếu “else” (bước khi không có câu trả lời đủ chắc chắn)",
    "choose_key_is_option": "phím {dtmf} đã dùng để chọn người/chủ đề ở bước chọn (1-{most}); hãy dùng 0, 9 hoặc #",
    "answer_bad_choose": "“choose” là tên một bước, và chỉ dùng khi trả lời câu hỏi của người gọi (source: question)",
}
_ENDINGS = {"hangs up": "rồi gác máy", "loops": "rồi lặp vòng"}


def _params(problem: FlowProblem) -> dict[str, Any]:
    params = dict(problem.params)
    if "where" in params:
        params["where"] = f" ở dòng {problem.line}" if problem.line else ""
    if "ending" in params:
        params["ending"] = _ENDINGS.get(str(params["ending"]), str(params["ending"]))
    if "path" in params:
        params["path"] = " → ".join(str(n) for n in params.get("nodes", ()) or ()) or params["path"]
    return params


def vietnamese(problem: FlowProblem) -> str:
    """What the flow editor shows for one problem: where (the file or the step) and what, in Vietnamese."""
    where = "Kịch bản" if problem.node == FILE else f"Bước “{problem.node}”"
    template = VI.get(problem.code)
    text = template.format(**_params(problem)) if template is not None else f"(chưa dịch) {problem.text}"
    return f"{where}: {text}"


def untranslated() -> set[str]:
    """Kinds the validator may report that this table does not translate (a test keeps it empty)."""
    return set(MESSAGES) - set(VI) - {TEXT}
