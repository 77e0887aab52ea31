"""Patients: scoping, search (incl. SQL injection attempts), CSV import all-or-nothing, care status."""
from __future__ import annotations

import io

from sqlalchemy import func, select

from admin.patient_import import parse_csv
from escalation import queue
from ivr.store.models import CareStatus, EscalationStatus, Patient
from ivr.store.phonenumber import normalize_phone

HEADER = "so_dien_thoai,ho_ten,nam_sinh,tinh,huyen,xa,benh_nen\n"


def upload(auth, text, name="f0.csv"):
    return auth.post("/patients/import", {"file": (io.BytesIO(text.encode("utf-8")), name)},
                     content_type="multipart/form-data")


def test_doctor_sees_only_own_commune(client, auth, patients):
    auth.login("bs_a")
    html = client.get("/patients/").get_data(as_text=True)
    assert "Phạm Văn Hùng" in html and "Đỗ Thị Lan" not in html
    assert client.get(f"/patients/{patients['a']}").status_code == 200
    assert client.get(f"/patients/{patients['b']}").status_code == 404


def test_admin_sees_all(client, auth, patients):
    auth.login("admin")
    html = client.get("/patients/").get_data(as_text=True)
    assert "Phạm Văn Hùng" in html and "Đỗ Thị Lan" in html


def test_search_and_injection(client, auth, patients):
    auth.login("admin")
    assert "Đỗ Thị Lan" in client.get("/patients/?q=Lan").get_data(as_text=True)
    assert "Phạm Văn Hùng" not in client.get("/patients/?q=Lan").get_data(as_text=True)
    for q in ("' OR '1'='1", "%' OR 1=1 --", "\"; DROP TABLE patients; --"):
        resp = client.get("/patients/", query_string={"q": q})
        assert resp.status_code == 200
        assert "Không có bệnh nhân nào." in resp.get_data(as_text=True), q
    calls = client.get("/calls/", query_string={"q": "' OR 1=1 --"})
    assert calls.status_code == 200 and "Không có cuộc gọi nào." in calls.get_data(as_text=True)
    assert "Phạm Văn Hùng" in client.get("/patients/").get_data(as_text=True)  # table still there


def test_normalize_phone():
    assert normalize_phone("0912 345 678") == "+84912345678"
    assert normalize_phone("+84-912.345.678") == "+84912345678"
    assert normalize_phone("84912345678") == "+84912345678"
    assert normalize_phone("12345") is None and normalize_phone("00912345678") is None


def test_parse_csv_reports_every_bad_row():
    text = (HEADER + "0912345678,Nguyễn A,1960,Hà Nội,Cầu Giấy,Dịch Vọng,tiểu đường;tăng huyết áp\n"
            "abc,Nguyễn B,1990,Hà Nội,Cầu Giấy,Dịch Vọng,\n"
            "0912345678,Nguyễn C,3000,Hà Nội,Cầu Giấy,,\n"
            "0912999999,Nguyễn D\n")
    report = parse_csv(text.encode())
    assert [line for line, _ in report.errors] == [3, 4, 5]
    msgs = dict(report.errors)
    assert "Số điện thoại 'abc' không hợp lệ" in msgs[3]
    assert "trùng với dòng 2" in msgs[4] and "thiếu xã" in msgs[4] and "năm sinh '3000'" in msgs[4]
    assert "Có 2 ô, cần đúng 7 ô" in msgs[5]
    assert report.rows[0].risk_factors == ("diabetes", "hypertension", "age_65_plus")


def test_risk_factors_become_triage_codes():
    text = HEADER + ("0912345678,A,1990,X,Y,Z,Đái tháo đường|bệnh tim; obesity\n"
                     "0912345679,B,1990,X,Y,Z,bị ma nhập\n")
    report = parse_csv(text.encode())
    assert report.rows[0].risk_factors == ("diabetes", "heart_disease", "obesity")
    assert report.errors == [(3, ("Bệnh nền 'bị ma nhập' không có trong danh mục (≥ 65 tuổi, tiểu đường, "
                                 "tăng huyết áp, bệnh tim, bệnh phổi, bệnh thận, bệnh gan, ung thư, béo phì, "
                                 "suy giảm miễn dịch, mang thai, chưa tiêm vắc xin)."))]


def test_parse_csv_header_and_encoding():
    assert "Thiếu cột: ho_ten" in parse_csv(b"so_dien_thoai,tinh,huyen,xa\n").errors[0][1]
    assert "UTF-8" in parse_csv("tên".encode("utf-16")).errors[0][1]
    semicolons = parse_csv(b"phone;name;province;district;commune\n0912345678;A;X;Y;Z\n")
    assert semicolons.ok and semicolons.rows[0].phone == "+84912345678"


def test_import_is_all_or_nothing(client, auth, db, patients):
    auth.login("bs_a")
    bad = HEADER + ("0913000001,Người Một,1970,Hà Nội,Cầu Giấy,Dịch Vọng,\n"
                    "0913000002,Người Hai,1970,Hà Nội,Cầu Giấy,Nghĩa Đô,\n")  # commune B: not bs_a's area
    resp = upload(auth, bad)
    assert resp.status_code == 400
    html = resp.get_data(as_text=True)
    assert "Không nhập dòng nào: 1 lỗi" in html and "ngoài địa bàn" in html
    with db.session() as s:
        assert s.scalar(select(func.count()).select_from(Patient)) == 2
    good = HEADER + ("0913000001,Người Một,1970,Hà Nội,Cầu Giấy,Dịch Vọng,\n"
                     "0912000001,Phạm Văn Hùng (sửa),1950,Hà Nội,Cầu Giấy,Dịch Vọng,bệnh tim\n")
    resp = upload(auth, good)
    assert resp.status_code == 302
    assert "Đã nhập 1 bệnh nhân mới, cập nhật 1 bệnh nhân." in client.get("/patients/").get_data(as_text=True)
    with db.session() as s:
        hung = s.get(Patient, patients["a"])
        assert hung.name == "Phạm Văn Hùng (sửa)" and hung.risk_factors == ["heart_disease", "age_65_plus"]
        assert s.scalar(select(Patient).where(Patient.phone == "+84913000001")).commune == "Dịch Vọng"


def test_import_refuses_other_file_types_and_viewers(client, auth):
    auth.login("bs_a")
    assert upload(auth, "x", name="f0.xlsx").status_code == 400
    auth.logout()
    auth.login("xem_a")
    assert client.get("/patients/import").status_code == 403


def test_upload_size_limit(app, client, auth, admin_cfg):
    auth.login("bs_a")
    big = HEADER + "x" * (admin_cfg.max_upload_bytes + 100_000)
    assert upload(auth, big).status_code == 413


def test_transfer_closes_open_cases(client, auth, db, patients):
    esc = queue.create(db, risk="high", reason="Khó thở", patient_id=patients["a"])
    auth.login("bs_a")
    resp = auth.post(f"/patients/{patients['a']}/care", {"action": "transfer", "note": "Chuyển BV Thanh Nhàn"},
                     follow_redirects=True)
    assert "Đã chuyển tầng điều trị." in resp.get_data(as_text=True)
    with db.session() as s:
        p = s.get(Patient, patients["a"])
        assert p.care_status == CareStatus.TRANSFERRED and p.care_note == "Chuyển BV Thanh Nhàn"
    assert queue.get(db, esc).status == EscalationStatus.CANCELLED
    resp = auth.post(f"/patients/{patients['a']}/care", {"action": "transfer"}, follow_redirects=True)
    assert "đã ở trạng thái này rồi" in resp.get_data(as_text=True)
    assert "Theo dõi tại nhà trở lại" in resp.get_data(as_text=True)
    auth.post(f"/patients/{patients['a']}/care", {"action": "readmit"})
    with db.session() as s:
        assert s.get(Patient, patients["a"]).care_status == CareStatus.HOME


def test_care_change_needs_role_and_area(client, auth, patients):
    auth.login("xem_a")
    assert auth.post(f"/patients/{patients['a']}/care", {"action": "discharge"}).status_code == 403
    auth.logout()
    auth.login("bs_a")
    assert auth.post(f"/patients/{patients['b']}/care", {"action": "discharge"}).status_code == 404
