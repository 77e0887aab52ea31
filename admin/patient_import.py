"""Importing the F0 list from CSV: every row validated, a per-row error report, all or nothing.

Columns (header row required, UTF-8, comma or semicolon separated):
``so_dien_thoai, ho_ten, nam_sinh, tinh, huyen, xa, benh_nen`` (Vietnamese) or
``phone, name, birth_year, province, district, commune, risk_factors`` (English).
``benh_nen`` lists risk factors separated by ``;`` or ``|``, each a triage code (``diabetes``) or its
Vietnamese name (``tiểu đường``, ``đái tháo đường``); they are stored as codes, which the triage reads.
A birth year 65 or more years ago adds ``age_65_plus``.
"""
from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from escalation.triage import RISK_FACTOR_LABELS
from ivr.nlu.lexicon import RISK_AGE, RISK_FACTORS
from ivr.store.models import Patient, StaffUser
from ivr.store.phonenumber import normalize_phone

from .scope import can_see

#: Limits on an uploaded F0 list, each refused with its own Vietnamese message (the page states them).
MAX_BYTES = 5_000_000  # 20,000 rows of ~100 bytes is ~2 MB
MAX_ROWS = 20_000
MAX_COLUMNS = 30  # seven known columns, plus room for a spreadsheet's empty ones
MAX_FIELD = 1_000  # characters in one cell (the longest column, a name, may have 200)
COLUMNS: dict[str, str] = {
    "so_dien_thoai": "phone", "ho_ten": "name", "nam_sinh": "birth_year", "tinh": "province",
    "huyen": "district", "xa": "commune", "benh_nen": "risk_factors",
    "phone": "phone", "name": "name", "birth_year": "birth_year", "province": "province",
    "district": "district", "commune": "commune", "risk_factors": "risk_factors",
}
VI_NAMES = {"phone": "so_dien_thoai", "name": "ho_ten", "province": "tinh", "district": "huyen", "commune": "xa"}
REQUIRED = ("phone", "name", "province", "district", "commune")
_FACTOR_ALIASES = {
    "đái tháo đường": "diabetes", "cao huyết áp": "hypertension", "huyết áp cao": "hypertension",
    "tim mạch": "heart_disease", "bệnh tim mạch": "heart_disease", "hen": "lung_disease",
    "hen suyễn": "lung_disease", "copd": "lung_disease", "phổi tắc nghẽn mạn tính": "lung_disease",
    "suy thận": "kidney_disease", "xơ gan": "liver_disease", "có thai": "pregnancy", "chưa tiêm": "unvaccinated",
    "chưa tiêm vaccine": "unvaccinated", "chưa tiêm vắc-xin": "unvaccinated", "≥ 65 tuổi": "age_65_plus",
    "trên 65 tuổi": "age_65_plus",
}


def _key(text: str) -> str:
    return unicodedata.normalize("NFC", " ".join(text.split())).casefold()


FACTOR_NAMES: dict[str, str] = {
    **{_key(code): code for code in RISK_FACTORS},
    **{_key(label): code for code, label in RISK_FACTOR_LABELS.items()},
    **{_key(alias): code for alias, code in _FACTOR_ALIASES.items()},
}


def risk_factor_code(name: str) -> str | None:
    """The triage code of a risk factor written as a code or in Vietnamese, or None."""
    return FACTOR_NAMES.get(_key(name))



def _text(value: str) -> str:
    return unicodedata.normalize("NFC", " ".join(value.split()))


@dataclass(frozen=True, kw_only=True)
class PatientRow:
    line: int
    phone: str
    name: str
    birth_year: int | None
    province: str
    district: str
    commune: str
    risk_factors: tuple[str, ...] = ()


@dataclass
class ImportReport:
    rows: list[PatientRow] = field(default_factory=list)
    errors: list[tuple[int, str]] = field(default_factory=list)  # (line number, Vietnamese message)
    created: int = 0
    updated: int = 0

    @property
    def ok(self) -> bool:
        return not self.errors


def parse_csv(data: bytes) -> ImportReport:
    """Parses and validates the file; nothing is written."""
    report = ImportReport()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        report.errors.append((0, "Tệp không phải văn bản UTF-8. Hãy lưu lại dưới dạng CSV UTF-8."))
        return report
    if not text.strip():
        report.errors.append((0, "Tệp trống."))
        return report
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") > first.count(",") else ","
    if first.count(delimiter) >= MAX_COLUMNS:  # counted before parsing: a million columns cost nothing
        report.errors.append((1, f"Dòng tiêu đề có quá nhiều cột (tối đa {MAX_COLUMNS} cột)."))
        return report
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    try:
        header = next(reader)
    except csv.Error as exc:
        report.errors.append((1, _csv_problem(exc)))
        return report
    columns: list[str | None] = []
    for name in header:
        key = unicodedata.normalize("NFC", name.strip().lower())
        columns.append(COLUMNS.get(key))
        if key and key not in COLUMNS:
            report.errors.append((1, f"Cột không hợp lệ: '{name.strip()}'."))
    missing = [c for c in REQUIRED if c not in columns]
    if missing:
        report.errors.append((1, "Thiếu cột: " + ", ".join(VI_NAMES[c] for c in missing) + "."))
    if report.errors:
        return report
    seen: dict[str, int] = {}
    this_year = date.today().year
    for line, values in enumerate(_rows(reader, report), start=2):
        if len(values) > MAX_COLUMNS:
            report.errors.append((line, f"Dòng có quá nhiều ô (tối đa {MAX_COLUMNS} cột)."))
            continue
        if not any(v.strip() for v in values):
            continue
        if len(report.rows) + len(report.errors) >= MAX_ROWS:
            report.errors.append((line, f"Tệp có quá {MAX_ROWS} dòng."))
            break
        if any(len(v) > MAX_FIELD for v in values):
            report.errors.append((line, f"Ô quá dài (tối đa {MAX_FIELD} ký tự mỗi ô)."))
            continue
        if len(values) != len(columns):
            report.errors.append((line, f"Có {len(values)} ô, cần đúng {len(columns)} ô như dòng tiêu đề."))
            continue
        rec = {col: _text(v) for col, v in zip(columns, values) if col}
        problems: list[str] = []
        phone = normalize_phone(rec.get("phone", ""))
        if phone is None:
            problems.append(f"số điện thoại '{rec.get('phone', '')}' không hợp lệ")
        elif phone in seen:
            problems.append(f"số điện thoại trùng với dòng {seen[phone]}")
        for col, label in (("name", "họ tên"), ("province", "tỉnh"), ("district", "huyện"), ("commune", "xã")):
            if not rec.get(col):
                problems.append(f"thiếu {label}")
            elif len(rec[col]) > (200 if col == "name" else 100):
                problems.append(f"{label} quá dài")
        birth_year = None
        if rec.get("birth_year"):
            if rec["birth_year"].isdigit() and 1900 <= int(rec["birth_year"]) <= this_year:
                birth_year = int(rec["birth_year"])
            else:
                problems.append(f"năm sinh '{rec['birth_year']}' không hợp lệ")
        factors: list[str] = []
        for name in (x.strip() for x in re.split(r"[;|]", rec.get("risk_factors", ""))):
            if not name:
                continue
            code = risk_factor_code(name)
            if code is None:
                problems.append(f"bệnh nền '{name}' không có trong danh mục "
                                f"({', '.join(RISK_FACTOR_LABELS.values())})")
            elif code not in factors:
                factors.append(code)
        if birth_year is not None and this_year - birth_year >= RISK_AGE and "age_65_plus" not in factors:
            factors.append("age_65_plus")
        if problems:
            report.errors.append((line, "; ".join(problems).capitalize() + "."))
            continue
        assert phone is not None
        seen[phone] = line
        report.rows.append(PatientRow(line=line, phone=phone, name=rec["name"], birth_year=birth_year,
                                      province=rec["province"], district=rec["district"], commune=rec["commune"],
                                      risk_factors=tuple(factors)))
    if not report.rows and not report.errors:
        report.errors.append((0, "Tệp không có dòng dữ liệu nào."))
    return report


def _csv_problem(exc: csv.Error) -> str:
    if "field larger than field limit" in str(exc):  # the csv module's own limit (128 KiB) on one cell
        return f"Ô quá dài (tối đa {MAX_FIELD} ký tự mỗi ô)."
    return "Tệp CSV bị lỗi định dạng từ dòng này (dấu ngoặc kép không khớp hoặc ký tự lạ). Hãy lưu lại tệp CSV."


def _rows(reader: Any, report: ImportReport) -> Iterator[list[str]]:
    """The reader's rows; a row the csv module cannot read ends the file with an error on its line."""
    while True:
        try:
            values = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            report.errors.append((reader.line_num, _csv_problem(exc)))
            return
        yield values


def apply_import(s: Session, report: ImportReport, staff: StaffUser) -> ImportReport:
    """Checks each row against the importer's area and existing records, then adds/updates them in ``s``.

    Adds nothing when any row has an error (the caller commits only when ``report.ok``).
    """
    existing = {p.phone: p for p in s.scalars(select(Patient).where(Patient.phone.in_([r.phone for r in report.rows])))}
    for r in report.rows:
        if not can_see(staff, r):
            report.errors.append((r.line, "Bệnh nhân ở ngoài địa bàn tài khoản của bạn."))
        old = existing.get(r.phone)
        if old is not None and not can_see(staff, old):
            report.errors.append((r.line, "Số điện thoại đã thuộc một bệnh nhân ở địa bàn khác."))
    if report.errors:
        report.errors.sort()
        return report
    for r in report.rows:
        p = existing.get(r.phone)
        if p is None:
            s.add(Patient(phone=r.phone, name=r.name, birth_year=r.birth_year, province=r.province,
                          district=r.district, commune=r.commune, risk_factors=list(r.risk_factors)))
            report.created += 1
        else:
            p.name, p.birth_year = r.name, r.birth_year if r.birth_year is not None else p.birth_year
            p.province, p.district, p.commune = r.province, r.district, r.commune
            if r.risk_factors:
                p.risk_factors = list(r.risk_factors)
            report.updated += 1
    s.flush()
    return report
