"""Hostile input to the admin gets 4xx with a Vietnamese message, never 500: huge ids, huge or wide CSV files."""
from __future__ import annotations

import io
import time

import pytest

HUGE = "99999999999999999999"


@pytest.mark.parametrize("path", [f"/board/{HUGE}", f"/board/{HUGE}/recording", f"/calls/{HUGE}",
                                  f"/calls/{HUGE}/recording", f"/patients/{HUGE}", f"/api/escalations/{HUGE}",
                                  f"/users/{HUGE}", "/board/9223372036854775808"])
def test_out_of_range_ids_are_not_found(client, auth, path):
    auth.login("admin")
    resp = client.get(path)
    assert resp.status_code == 404, path


def test_largest_database_id_still_routes(client, auth):
    auth.login("admin")
    assert client.get("/board/9223372036854775807").status_code == 404  # routed, then simply not there


def test_largest_id_of_an_integer_column_routes_on_every_database(client, auth):
    auth.login("admin")  # PostgreSQL's INTEGER is 32-bit: one more is not routed, never a DataError (500)
    assert client.get("/board/2147483647").status_code == 404
    assert client.get("/board/2147483648").status_code == 404


def _upload(auth, data: bytes, name: str = "f0.csv"):
    return auth.post("/patients/import", {"file": (io.BytesIO(data), name)}, content_type="multipart/form-data")


def test_csv_with_a_huge_field_is_refused_with_a_message(client, auth):
    auth.login("bs_a")
    data = ("so_dien_thoai,ho_ten,tinh,huyen,xa\n0912000009,\"" + "a" * 11_000_000
            + "\",Hà Nội,Cầu Giấy,Dịch Vọng\n").encode()
    resp = _upload(auth, data)
    assert resp.status_code in (400, 413)
    html = resp.get_data(as_text=True)
    assert "quá dài" in html or "quá lớn" in html


def test_csv_field_over_the_field_limit_names_the_line(client, auth):
    from admin.patient_import import MAX_FIELD

    auth.login("bs_a")
    data = ("so_dien_thoai,ho_ten,tinh,huyen,xa\n0912000009,\"" + "a" * 200_000
            + "\",Hà Nội,Cầu Giấy,Dịch Vọng\n").encode()
    resp = _upload(auth, data)
    assert resp.status_code == 400
    html = resp.get_data(as_text=True)
    assert f"<td>2</td><td>Ô quá dài (tối đa {MAX_FIELD} ký tự mỗi ô).</td>" in html


@pytest.mark.parametrize("newline_after_header", [False, True], ids=["in-header", "in-data-row"])
def test_csv_with_a_million_columns_is_refused_quickly(client, auth, newline_after_header):
    from admin.patient_import import MAX_COLUMNS

    auth.login("bs_a")
    header = "so_dien_thoai,ho_ten,tinh,huyen,xa" + ("\n" if newline_after_header else "")
    data = (header + ",x" * 1_000_000 + "\n").encode()
    started = time.process_time()
    resp = _upload(auth, data)
    cpu = time.process_time() - started
    assert resp.status_code == 400
    assert f"tối đa {MAX_COLUMNS} cột" in resp.get_data(as_text=True)
    assert cpu < 1.0, f"{cpu:.2f} s of CPU for a refused file"


def test_csv_over_the_byte_limit_is_refused(client, auth):
    from admin.patient_import import MAX_BYTES

    auth.login("bs_a")
    row = "0912000009,Nguyễn Văn A,Hà Nội,Cầu Giấy,Dịch Vọng\n"
    data = ("so_dien_thoai,ho_ten,tinh,huyen,xa\n" + row * (MAX_BYTES // len(row.encode()) + 2)).encode()
    resp = _upload(auth, data)
    assert resp.status_code == 413
    assert f"tối đa {MAX_BYTES // 1_000_000} MB" in resp.get_data(as_text=True)


@pytest.mark.parametrize("path", [f"/calls/?page={HUGE}", f"/patients/?page={HUGE}", f"/audit/?page={HUGE}",
                                  f"/flows/covid_f0/diff?a={HUGE}&b=1"])
def test_out_of_range_numbers_in_queries(client, auth, path):
    auth.login("admin")
    assert client.get(path).status_code in (200, 404), path


def test_csv_cell_over_max_field_is_refused(client, auth):
    from admin.patient_import import MAX_FIELD

    auth.login("bs_a")
    data = ("so_dien_thoai,ho_ten,tinh,huyen,xa\n0912000009,Nguyễn Văn A,Hà Nội,Cầu Giấy,Dịch Vọng\n"
            f"0912000010,{'b' * (MAX_FIELD + 1)},Hà Nội,Cầu Giấy,Dịch Vọng\n").encode()
    resp = _upload(auth, data)
    assert resp.status_code == 400
    assert f"<td>3</td><td>Ô quá dài (tối đa {MAX_FIELD} ký tự mỗi ô).</td>" in resp.get_data(as_text=True)


def test_import_page_states_the_limits(client, auth):
    auth.login("bs_a")
    html = client.get("/patients/import").get_data(as_text=True)
    assert "Giới hạn: tệp tối đa 5 MB, 20.000 dòng, 30 cột, 1.000 ký tự mỗi ô." in html
