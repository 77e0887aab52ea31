"""Knowledge base screen: list by topic with sources and dates, edit with validation, draft, review by a
second staff member, publish (a broken entry is refused and the live base keeps serving), history,
answer audio, unanswered questions (words only) and topics per week."""
from __future__ import annotations

import dataclasses
import datetime as dt

import yaml

from admin.knowledge import entry_yaml
from ivr.nlu.knowledge import load_knowledge
from ivr.nlu.topics import published_knowledge
from ivr.store.models import Call, CallStep, KnowledgeVersion, utcnow


def _live(db, admin_cfg):
    with db.session() as s:
        knowledge, _ = published_knowledge(admin_cfg.flows_dir / "knowledge", s)
    return knowledge


def _edited_text(admin_cfg, topic="isolation_end", new_answer="Ông bà cách ly theo hướng dẫn của trạm y tế.",
                 **changes):
    data = load_knowledge(admin_cfg.flows_dir / "knowledge")[topic].to_data()
    data.update(answer=new_answer, **changes)
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False)


def test_the_editor_shows_an_entry_as_yaml_that_validates_back(admin_cfg):
    from ivr.nlu.knowledge import parse_entry

    entry = load_knowledge(admin_cfg.flows_dir / "knowledge")["fever_medicine"]
    assert dataclasses.replace(parse_entry(entry_yaml(entry)), group="medicine") == entry


def test_viewer_cannot_see_it(client, auth):
    auth.login("xem_a")
    assert client.get("/knowledge/").status_code == 403


def test_list_by_topic_with_sources_and_dates(client, auth):
    auth.login("bs_a")
    html = client.get("/knowledge/").get_data(as_text=True)
    for topic in ("isolation_end", "fever_medicine", "smoking_alcohol", "home_care_eligibility"):
        assert f"<code>{topic}</code>" in html
    assert "QĐ 261/QĐ-BYT ngày 31/01/2022" in html and "từ 31/01/2022" in html
    edit = client.get("/knowledge/isolation_end").get_data(as_text=True)
    assert "topic: isolation_end" in edit and "Thời gian cách ly tại nhà ít nhất 7 ngày." in edit
    assert client.get("/knowledge/khong_co").status_code == 404


def test_draft_review_by_a_second_member_publish_and_history(client, auth, db, admin_cfg):
    new_answer = "Ông bà cách ly theo hướng dẫn của trạm y tế. Hỏi thêm thì bấm phím 0 để gặp bác sĩ."
    text = _edited_text(admin_cfg, new_answer=new_answer)
    auth.login("bs_a")
    resp = auth.post("/knowledge/isolation_end/save", {"yaml": text, "action": "draft"}, follow_redirects=True)
    assert "Đã lưu nháp phiên bản 1" in resp.get_data(as_text=True)
    assert _live(db, admin_cfg)["isolation_end"].answer.startswith("Thời gian cách ly")  # a draft is not live
    auth.post("/knowledge/isolation_end/submit/1")
    resp = auth.post("/knowledge/isolation_end/publish/1", follow_redirects=True)
    assert "Người viết không tự duyệt được" in resp.get_data(as_text=True)
    assert _live(db, admin_cfg)["isolation_end"].answer.startswith("Thời gian cách ly")
    auth.logout()
    auth.login("bs_b")
    resp = auth.post("/knowledge/isolation_end/publish/1", follow_redirects=True)
    assert "Đã duyệt và xuất bản phiên bản 1" in resp.get_data(as_text=True)
    assert _live(db, admin_cfg)["isolation_end"].answer == new_answer
    with db.session() as s:
        kv = s.query(KnowledgeVersion).one()
        assert (kv.status, kv.created_by, kv.reviewed_by) == ("published", "bs_a", "bs_b")
    history = client.get("/knowledge/isolation_end/history").get_data(as_text=True)
    assert "Đang dùng" in history and "bs_a" in history and "bs_b" in history


def test_invalid_entry_is_not_saved_with_the_validator_messages(client, auth, db, admin_cfg):
    auth.login("bs_a")
    too_long = "Ông bà hãy hỏi bác sĩ. " + " ".join(["Uống nước ấm mỗi ngày."] * 16)
    resp = auth.post("/knowledge/isolation_end/save", {"yaml": _edited_text(admin_cfg, new_answer=too_long)})
    assert resp.status_code == 400
    html = resp.get_data(as_text=True)
    assert "Chưa lưu: mục có 1 lỗi." in html
    assert "knowledge:isolation_end: topic &#39;isolation_end&#39;: &#39;answer&#39; takes 34.4 s to say" in html
    with db.session() as s:
        assert s.query(KnowledgeVersion).count() == 0


def test_a_broken_entry_is_refused_at_publish_and_the_live_base_keeps_serving(client, auth, db, admin_cfg):
    before = _live(db, admin_cfg)["fever_medicine"].answer
    broken = _edited_text(admin_cfg, "fever_medicine", "Uống 2 viên paracetamol mỗi 4 tiếng, hỏi bác sĩ.",
                          related=["khong_co_chu_de"])
    with db.session() as s:  # a version sent for review that does not validate (edited outside the editor)
        s.add(KnowledgeVersion(topic="fever_medicine", version=1, yaml_text=broken, status="review",
                               created_by="bs_a", created_at=utcnow(), reviewed_by="", note=""))
    auth.login("bs_b")
    resp = auth.post("/knowledge/fever_medicine/publish/1")
    assert resp.status_code == 400
    html = resp.get_data(as_text=True)
    assert "Không thể xuất bản phiên bản 1: mục có 1 lỗi. Cơ sở hỏi đáp đang dùng không thay đổi." in html
    assert "related topic &#39;khong_co_chu_de&#39; is not in the knowledge base" in html
    with db.session() as s:
        assert s.query(KnowledgeVersion).one().status == "review"
    assert _live(db, admin_cfg)["fever_medicine"].answer == before


def test_a_published_row_broken_afterwards_does_not_break_the_phone_line(db, admin_cfg):
    with db.session() as s:
        s.add(KnowledgeVersion(topic="pregnancy", version=1, yaml_text="topic: pregnancy\n", status="published",
                               created_by="x", created_at=utcnow(), reviewed_by="y", note=""))
    assert _live(db, admin_cfg)["pregnancy"].answer.startswith("Phụ nữ mang thai")


def test_answer_audio_is_synthesized_without_a_recording(client, auth):
    auth.login("bs_a")
    resp = client.get("/knowledge/children/audio")
    assert resp.status_code == 200 and resp.mimetype == "audio/wav"
    assert resp.data[:4] == b"RIFF" and len(resp.data) > 8000


def _calls(db):
    now = utcnow()
    with db.session() as s:
        for i, (intent, words) in enumerate([("isolation_end", "bao giờ hết cách ly"), ("isolation_end", ""),
                                             ("fever_medicine", "sốt uống gì"), ("", "giá vàng hôm nay")]):
            c = Call(caller="0912345678", started_at=now - dt.timedelta(minutes=i), outcome="completed")
            s.add(c)
            s.flush()
            s.add(CallStep(call_id=c.id, seq=0, node="faq_answer", event="answer", intent=intent,
                           transcript=words))


def test_unanswered_questions_show_the_words_never_the_number(client, auth, db):
    _calls(db)
    auth.login("bs_a")
    html = client.get("/knowledge/unanswered").get_data(as_text=True)
    assert "giá vàng hôm nay" in html
    assert "0912345678" not in html and "bao giờ hết cách ly" not in html


def test_topics_per_week(client, auth, db):
    _calls(db)
    auth.login("bs_a")
    html = client.get("/knowledge/stats").get_data(as_text=True)
    week = "{}-W{:02d}".format(*utcnow().isocalendar()[:2])
    assert f"Tuần {week} · 3 câu trả lời" in html
    assert html.index("isolation_end") < html.index("fever_medicine")
