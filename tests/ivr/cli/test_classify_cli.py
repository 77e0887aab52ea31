"""``ivr classify`` as a real subprocess."""
from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from ivr import ROOT

IVR = ROOT / ".venv" / "bin" / "ivr"
KEYS = ["text", "intent", "confidence", "symptoms", "vitals", "risk_factors", "risk", "reasons", "topic"]


def run(args: list[str], stdin: bytes, tmp_path: Path, **extra_env: str) -> subprocess.CompletedProcess[bytes]:
    env = {"PATH": "/usr/bin:/bin", "LANG": "C.UTF-8", "HOME": str(tmp_path), **extra_env}
    return subprocess.run([str(IVR), "--data-dir", str(tmp_path / "data"), "classify", *args], input=stdin,
                          capture_output=True, cwd=tmp_path, env=env, timeout=120, check=False)


pytestmark = pytest.mark.slow  # each run starts the real `ivr` (a few seconds under load)


@pytest.fixture(scope="module")
def raw_jsonl(tmp_path_factory: pytest.TempPathFactory) -> str:
    tmp = tmp_path_factory.mktemp("classify")
    lines = [
        "tôi bị sốt 39 độ, khó thở",
        "",
        "\x00\x01 ### garbage",
        "spo2 chín tư",
        "mẹ tôi lơ mơ, môi tím",
        "không sốt, không ho",
        "tui 70 tuổi bị tiểu đường, ho quá",
    ]
    data = "\n".join(lines).encode() + b"\n\xff\xfe not utf-8\n"
    proc = run(["--jsonl"], data, tmp)
    assert proc.returncode == 0, proc.stderr.decode()
    out = proc.stdout.decode("utf-8")
    assert len(out.splitlines()) == len(lines) + 1
    return out


@pytest.fixture(scope="module")
def jsonl(raw_jsonl: str) -> list[dict]:
    return [json.loads(line) for line in raw_jsonl.splitlines()]


def test_each_line_is_one_json_object_with_the_exact_keys(jsonl: list[dict]) -> None:
    for obj in jsonl:
        assert list(obj) == KEYS


def test_symptoms_vitals_and_risk(jsonl: list[dict]) -> None:
    first = jsonl[0]
    assert first["text"] == "tôi bị sốt 39 độ, khó thở"
    assert (first["intent"], first["symptoms"], first["vitals"], first["risk"]) == (
        "report_symptoms", ["fever", "shortness_of_breath"], {"temperature": 39}, "high")
    assert first["reasons"][0] == "Khó thở, hụt hơi: dấu hiệu 1, QĐ 261/QĐ-BYT"
    assert jsonl[3]["vitals"] == {"spo2": 94} and jsonl[3]["risk"] == "high"
    assert jsonl[3]["reasons"] == ["SpO2 94% ≤ 96%: dấu hiệu 3, QĐ 261/QĐ-BYT"]
    # signs described: a report whose risk is an emergency (the intent "emergency" is a request for urgent help)
    assert (jsonl[4]["intent"], jsonl[4]["risk"]) == ("report_symptoms", "emergency")
    assert (jsonl[5]["symptoms"], jsonl[5]["risk"]) == ([], "none")
    assert jsonl[6]["risk_factors"] == ["diabetes", "age_65_plus"] and jsonl[6]["risk"] == "medium"


def test_empty_garbage_and_undecodable_lines_are_unknown(jsonl: list[dict]) -> None:
    for obj in (jsonl[1], jsonl[2], jsonl[7]):
        assert (obj["intent"], obj["risk"], obj["symptoms"], obj["vitals"]) == ("unknown", "none", [], {})
    assert jsonl[1]["text"] == ""
    assert "\ufffd" in jsonl[7]["text"]


def test_output_keeps_vietnamese_unescaped(raw_jsonl: str) -> None:
    assert '"text": "tôi bị sốt 39 độ, khó thở"' in raw_jsonl


def test_readable_summary_for_text_arguments(tmp_path: Path) -> None:
    proc = run(["tôi bị ho", "spo2 chín hai"], b"", tmp_path)
    assert proc.returncode == 0, proc.stderr.decode()
    out = proc.stdout.decode()
    assert "« tôi bị ho »" in out and "ho (cough)" in out and "mức nguy cơ / risk: THẤP (low)" in out
    assert "mức nguy cơ / risk: CẤP CỨU (emergency)" in out
    assert "SpO2 92% < 94%" in out


def test_rule_pack_by_date_and_expect(tmp_path: Path) -> None:
    proc = run(["--jsonl", "--date", "2021-12-01", "--expect", "spo2"], "chín sáu\n".encode(), tmp_path)
    old = json.loads(proc.stdout)
    assert (old["vitals"], old["risk"]) == ({"spo2": 96}, "none")  # 4038: SpO2 < 96 is the sign
    proc = run(["--jsonl", "--date", "2022-02-01", "--expect", "spo2"], "chín sáu\n".encode(), tmp_path)
    assert json.loads(proc.stdout)["risk"] == "high"  # 261: SpO2 <= 96


def test_a_rules_folder_without_packs_is_a_clear_error(tmp_path: Path) -> None:
    empty = tmp_path / "rules"
    empty.mkdir()
    proc = run(["--jsonl"], b"ho\n", tmp_path, IVR_TRIAGE_RULES_DIR=str(empty))
    assert proc.returncode == 2
    assert proc.stderr.decode().strip() == f"ivr: {empty}: no rule packs (*.yaml)"
    assert proc.stdout == b""
