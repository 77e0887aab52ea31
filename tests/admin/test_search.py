"""Search finds what a nurse types: names without diacritics or in any case, phone numbers in any common form."""
from __future__ import annotations

from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import text

from admin.search import phone_pattern
from ivr.store.database import Database, alembic_config, make_engine
from ivr.store.folding import fold
from ivr.store.models import Call, Patient

from .conftest import AREA_A


def test_fold():
    assert fold("Nguyễn Thị Ánh") == "nguyen thi anh"
    assert fold("ĐỖ ĐỨC  Lựu") == "do duc luu"
    decomposed = "Nguye\u0302\u0303n"  # NFD, as some spreadsheets save it
    assert fold(decomposed) == "nguyen"


@pytest.mark.parametrize("typed, stored", [
    ("0912345678", "+84912345678"), ("0912 345 678", "+84912345678"), ("0912.345.678", "+84912345678"),
    ("84912345678", "+84912345678"), ("+84 912-345-678", "+84912345678"), ("+84912345678", "+84912345678"),
    ("0912 345", "+84912345%"), ("84912", "+84912%"), ("345 678", "%345678%"), ("(028) 3829", "+84283829%"),
])
def test_phone_pattern(typed, stored):
    assert phone_pattern(typed) == stored


@pytest.mark.parametrize("typed", ["nguyen", "hung", "12", "Lan", "0x12"])
def test_words_are_not_phone_numbers(typed):
    assert phone_pattern(typed) is None


@pytest.fixture
def people(db):
    with db.session() as s:
        s.add_all([Patient(phone="+84912345678", name="Nguyễn Văn Hùng", **AREA_A),
                   Patient(phone="+84987000111", name="Trần Thị Ngọc Ánh", **AREA_A),
                   Patient(phone="+84903000222", name="Đỗ Đức Lưu", **AREA_A)])


@pytest.mark.parametrize("typed, expect", [
    ("nguyen", ["Nguyễn Văn Hùng"]), ("NGUYEN VAN", ["Nguyễn Văn Hùng"]), ("nguyễn", ["Nguyễn Văn Hùng"]),
    ("ngoc anh", ["Trần Thị Ngọc Ánh"]), ("do duc", ["Đỗ Đức Lưu"]), ("luu", ["Đỗ Đức Lưu"]),
    ("0912345678", ["Nguyễn Văn Hùng"]), ("0912 345 678", ["Nguyễn Văn Hùng"]), ("84987000111", ["Trần Thị Ngọc Ánh"]),
    ("+84 903 000 222", ["Đỗ Đức Lưu"]), ("0903", ["Đỗ Đức Lưu"]), ("000", ["Trần Thị Ngọc Ánh", "Đỗ Đức Lưu"]),
    ("100%", []), ("n_uyen", []),
])
def test_patient_search(client, auth, people, typed, expect):
    auth.login("bs_a")
    html = client.get("/patients/", query_string={"q": typed}).get_data(as_text=True)
    shown = [n for n in ("Nguyễn Văn Hùng", "Trần Thị Ngọc Ánh", "Đỗ Đức Lưu") if n in html]
    assert shown == expect, typed


def test_renamed_patient_is_found_by_the_new_name(db, people):
    with db.session() as s:
        p = s.query(Patient).filter_by(phone="+84903000222").one()
        p.name = "Lê Thị Huệ"
    with db.session() as s:
        assert s.query(Patient).filter_by(phone="+84903000222").one().name_folded == "le thi hue"


def test_call_search_by_local_number_and_unaccented_name(client, auth, db, people):
    with db.session() as s:
        pid = s.query(Patient).filter_by(phone="+84912345678").one().id
        s.add(Call(caller="+84912345678", patient_id=pid, flow_name="covid_f0", outcome="completed"))
        s.add(Call(caller="+84900000999", flow_name="covid_f0", outcome="completed"))
    auth.login("admin")
    for typed in ("0912 345 678", "nguyen van"):
        html = client.get("/calls/", query_string={"q": typed}).get_data(as_text=True)
        assert "1 cuộc gọi" in html and "Nguyễn Văn Hùng" in html, typed
    assert "1 cuộc gọi" in client.get("/calls/", query_string={"q": "0900000999"}).get_data(as_text=True)


def test_migration_folds_the_names_already_stored(tmp_path: Path):
    url = f"sqlite:///{tmp_path / 'old.sqlite3'}"
    make_engine(url).dispose()
    command.upgrade(alembic_config(url), "0003")
    engine = make_engine(url)
    with engine.begin() as c:
        c.execute(text("INSERT INTO patients (phone, name, risk_factors, province, district, commune, care_status, "
                       "care_note, created_at, updated_at) VALUES ('+84912000009', 'Phạm Thị Thu Hà', '[]', '', '', "
                       "'', 'home', '', '2026-01-01', '2026-01-01')"))
    engine.dispose()
    command.upgrade(alembic_config(url), "head")
    db = Database(url)
    with db.session() as s:
        assert s.query(Patient).one().name_folded == "pham thi thu ha"
    db.dispose()
