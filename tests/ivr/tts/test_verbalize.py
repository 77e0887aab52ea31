"""Vietnamese text normalisation before synthesis (pure)."""
from __future__ import annotations

import pytest

from ivr import ROOT
from ivr.engine.prompts import load_catalog
from ivr.tts.verbalize import read_decimal, read_digits, read_number, verbalize


@pytest.mark.parametrize(("text", "spoken"), [
    ("Covid-19", "cô-vít mười chín"),
    ("COVID-19", "cô-vít mười chín"),
    ("covid 19", "cô-vít mười chín"),
    ("SpO2", "ét-pê-ô-hai"),
    ("SPO2 dưới 94%", "ét-pê-ô-hai dưới chín mươi tư phần trăm"),
    ("F0", "ép không"),
    ("bệnh nhân F0, F1", "bệnh nhân ép không, ép một"),
    ("Theo BYT", "Theo Bộ Y tế"),
    ("38,5°C", "ba mươi tám phẩy năm độ C"),
    ("Sốt 38,5 độ", "Sốt ba mươi tám phẩy năm độ"),
    ("37.5", "ba mươi bảy phẩy năm"),
    ("36,05", "ba mươi sáu phẩy không năm"),
    ("Gọi ngay 115.", "Gọi ngay một một năm."),
    ("số 115 để được cấp cứu", "số một một năm để được cấp cứu"),
    ("gọi 113 hoặc 114", "gọi một một ba hoặc một một bốn"),
    ("mạch 115 lần một phút", "mạch một trăm mười lăm lần một phút"),
    ("Đường dây nóng 1900 9095", "Đường dây nóng một chín không không chín không chín năm"),
    ("0912345678", "không chín một hai ba bốn năm sáu bảy tám"),
    ("0912.345.678", "không chín một hai ba bốn năm sáu bảy tám"),
    ("1.000.000 đồng", "một triệu đồng"),
    ("20 lần/phút", "hai mươi lần mỗi phút"),
    ("120/80 mmHg", "một trăm hai mươi trên tám mươi mi-li-mét thủy ngân"),
    ("cách nhau 4-6 tiếng", "cách nhau bốn đến sáu tiếng"),
    ("bấm phím * để nghe lại", "bấm phím sao để nghe lại"),
    ("rồi bấm phím #", "rồi bấm phím thăng"),
    ("lúc 8h30", "lúc tám giờ ba mươi"),
    ("TP.HCM", "thành phố Hồ Chí Minh"),
    ("500 mg", "năm trăm mi-li-gam"),
    ("Báo kết quả test nhanh", "Báo kết quả tét nhanh"),
    ("từ ngày 22/11", "từ ngày hai mươi hai tháng mười một"),
    ("hẹn 1/12/2026", "hẹn ngày một tháng mười hai năm hai nghìn không trăm hai mươi sáu"),
    ("uống paracetamol hoặc oresol", "uống pa-ra-xê-ta-mon hoặc ô-rê-dôn"),
    ("Xin chào, đây là tổng đài.", "Xin chào, đây là tổng đài."),
])
def test_verbalize(text: str, spoken: str) -> None:
    assert verbalize(text) == spoken


@pytest.mark.parametrize(("n", "words"), [
    (0, "không"), (5, "năm"), (10, "mười"), (11, "mười một"), (14, "mười bốn"), (15, "mười lăm"),
    (20, "hai mươi"), (21, "hai mươi mốt"), (24, "hai mươi tư"), (25, "hai mươi lăm"), (94, "chín mươi tư"),
    (100, "một trăm"), (105, "một trăm lẻ năm"), (110, "một trăm mười"), (115, "một trăm mười lăm"),
    (1000, "một nghìn"), (1005, "một nghìn không trăm lẻ năm"), (2021, "hai nghìn không trăm hai mươi mốt"),
    (10_500, "mười nghìn năm trăm"), (1_000_000, "một triệu"), (2_000_000_000, "hai tỷ"),
])
def test_read_number(n: int, words: str) -> None:
    assert read_number(n) == words


def test_read_digits_and_decimal() -> None:
    assert read_digits("115") == "một một năm"
    assert read_decimal("38", "5") == "ba mươi tám phẩy năm"
    assert read_decimal("39", "25") == "ba mươi chín phẩy hai mươi lăm"


def test_verbalize_is_idempotent_and_leaves_no_digits_in_the_catalog() -> None:
    catalog = load_catalog(ROOT / "prompts" / "vi.yaml")
    for pid, text in catalog.texts.items():
        spoken = verbalize(text)
        assert not any(ch.isdigit() for ch in spoken), (pid, spoken)
        assert "%" not in spoken and "*" not in spoken and "#" not in spoken, (pid, spoken)
        assert verbalize(spoken) == spoken, pid


def test_filled_slot_values_are_read_as_words() -> None:
    catalog = load_catalog(ROOT / "prompts" / "vi.yaml")
    text = catalog.text("confirm_temperature", {"value": 38.5})
    assert "ba mươi tám phẩy năm độ" in verbalize(text)
