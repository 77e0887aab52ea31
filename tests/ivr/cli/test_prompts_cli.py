"""``ivr prompts render|list`` end to end, through the installed console script."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from ivr import ROOT, audio
from ivr.cli import main

CATALOG = """\
language: vi
prompts:
  greeting: Xin chào, đây là tổng đài hỗ trợ người mắc Covid-19.
  confirm_spo2: Ông bà vừa báo SpO2 là {value} phần trăm.
  goodbye: Cảm ơn ông bà đã gọi. Tạm biệt.
"""


@pytest.fixture
def setup(tmp_path: Path) -> dict[str, Path]:
    paths = {"catalog": tmp_path / "vi.yaml", "cache": tmp_path / "cache", "recordings": tmp_path / "recordings",
             "config": tmp_path / "ivr.toml"}
    paths["catalog"].write_text(CATALOG, encoding="utf-8")
    paths["config"].write_text(
        f"[ivr]\ndata_dir = '{tmp_path / 'data'}'\nprompts_catalog = '{paths['catalog']}'\n"
        f"prompt_cache_dir = '{paths['cache']}'\nrecordings_dir = '{paths['recordings']}'\n", encoding="utf-8")
    return paths


def console(setup: dict[str, Path], *args: str) -> subprocess.CompletedProcess[str]:
    """The installed ``ivr`` console script in a child process."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("IVR_")}
    exe = Path(sys.executable).with_name("ivr")
    return subprocess.run([str(exe), *args, "--config", str(setup["config"])], check=False, capture_output=True,
                          text=True, env=env, cwd=setup["catalog"].parent, timeout=120)


@pytest.fixture
def ivr(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    """``ivr`` in this process (the same ``main`` the console script runs; faster than a child)."""
    for key in [k for k in os.environ if k.startswith("IVR_")]:
        monkeypatch.delenv(key)

    def run(setup: dict[str, Path], *args: str) -> subprocess.CompletedProcess[str]:
        capsys.readouterr()
        code = main([*args, "--config", str(setup["config"])])
        out, err = capsys.readouterr()
        return subprocess.CompletedProcess(args, code, out, err)

    return run


def test_render_then_cached_then_forced(setup: dict[str, Path], ivr) -> None:  # type: ignore[no-untyped-def]
    first = ivr(setup, "prompts", "render")
    assert first.returncode == 0, first.stderr
    lines = first.stdout.splitlines()
    assert lines[0].split()[:2] == ["greeting", "synthesized"]
    assert lines[1].split()[:2] == ["goodbye", "synthesized"]
    assert lines[2].split()[:2] == ["confirm_spo2", "at"]
    assert lines[3].startswith("espeak: 2 prompts: 0 recorded, 0 from cache, 2 synthesized, 1 filled in during calls;")
    assert first.stderr == ""
    wavs = sorted(setup["cache"].glob("*.wav"))
    assert len(wavs) == 2 and all(audio.wav_info(w).rate == 8000 for w in wavs)
    second = ivr(setup, "prompts", "render")
    assert [line.split()[1] for line in second.stdout.splitlines()[:2]] == ["cache", "cache"]
    forced = ivr(setup, "prompts", "render", "--force", "goodbye")
    assert forced.stdout.splitlines()[0].split()[:2] == ["goodbye", "synthesized"]
    assert "1 prompts: 0 recorded, 0 from cache, 1 synthesized" in forced.stdout


def test_recording_is_listed_and_used(setup: dict[str, Path], ivr) -> None:  # type: ignore[no-untyped-def]
    setup["recordings"].mkdir()
    (setup["recordings"] / "goodbye.wav").write_bytes(audio.wav_bytes(b"\x10\x20" * 8000, 8000))
    listing = ivr(setup, "prompts", "list")
    assert listing.returncode == 0
    rows = {line.split()[0]: line.split()[1] for line in listing.stdout.splitlines()[:-1]}
    assert rows == {"greeting": "synthesis", "confirm_spo2": "synthesis*", "goodbye": "recording"}
    rendered = ivr(setup, "prompts", "render", "goodbye")
    assert rendered.stdout.splitlines()[0].split()[:3] == ["goodbye", "recording", "1.0"]


def test_unknown_prompt_id_fails_with_one_line(setup: dict[str, Path]) -> None:  # the real console script
    result = console(setup, "prompts", "render", "greeting", "nope")
    assert result.returncode == 2
    assert result.stderr == "ivr: unknown prompt id 'nope'\n"
    assert not setup["cache"].exists() or list(setup["cache"].iterdir()) == []


def test_unwritable_cache_dir_fails_with_one_line(setup: dict[str, Path], tmp_path: Path,
                                                  ivr) -> None:  # type: ignore[no-untyped-def]
    blocker = tmp_path / "blocker"
    blocker.write_text("")
    cfg_text = setup["config"].read_text(encoding="utf-8").replace(str(setup["cache"]), str(blocker / "cache"))
    setup["config"].write_text(cfg_text, encoding="utf-8")
    result = ivr(setup, "prompts", "render")
    assert result.returncode == 2
    assert result.stderr == f"ivr: prompt cache folder '{blocker / 'cache'}' is not writable: Not a directory\n"
    assert result.stdout == ""


def test_bad_catalog_and_missing_piper_voice(setup: dict[str, Path], tmp_path: Path,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("prompts:\n  greeting: [unclosed\n", encoding="utf-8")
    assert main(["prompts", "render", "--catalog", str(bad), "--config", str(setup["config"])]) == 2
    assert capsys.readouterr().err == f"ivr: {bad}: invalid YAML at line 3\n"
    assert main(["prompts", "render", "--engine", "piper", "--config", str(setup["config"])]) == 2
    err = capsys.readouterr().err
    assert err.startswith("ivr: Piper voice not found: ") and "run `ivr models fetch piper-vi`" in err
    assert err.count("\n") == 1


@pytest.mark.slow
def test_default_catalog_renders_every_static_prompt(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    toml = tmp_path / "ivr.toml"
    toml.write_text(f"[ivr]\ndata_dir = '{tmp_path}'\nprompt_cache_dir = '{tmp_path / 'cache'}'\n"
                    f"recordings_dir = '{tmp_path / 'rec'}'\n", encoding="utf-8")
    assert main(["prompts", "render", "--config", str(toml), "--catalog", str(ROOT / "prompts" / "vi.yaml")]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[-1].startswith("espeak: ") and " 0 from cache" in out[-1]
    durations = [float(line.split()[2]) for line in out[:-1] if line.split()[1] == "synthesized"]
    assert durations and min(durations) > 1.0


def test_render_with_the_admins_edited_texts(setup: dict[str, Path], ivr, db) -> None:  # type: ignore[no-untyped-def]
    from ivr import config as config_mod
    from ivr.store.models import Prompt
    from ivr.tts.render import PromptRenderer
    from ivr.tts.verbalize import verbalize

    with db.session() as s:
        s.add(Prompt(id="goodbye", text="Chào ông bà, hẹn gặp lại."))
    result = ivr(setup, "prompts", "render", "--db", "goodbye")
    assert result.returncode == 0, result.stderr
    cfg = config_mod.load(setup["config"], env={})
    with PromptRenderer(cfg) as renderer:
        key = renderer.cache_key(verbalize("Chào ông bà, hẹn gặp lại."))
    assert [p.stem for p in setup["cache"].glob("*.wav")] == [key]


def test_render_with_db_needs_a_schema(setup: dict[str, Path], ivr) -> None:  # type: ignore[no-untyped-def]
    result = ivr(setup, "prompts", "render", "--db")
    assert result.returncode == 2
    assert result.stderr.startswith("ivr: database ") and "run 'ivr db upgrade'" in result.stderr


def test_status_json_reports_recording_coverage(setup: dict[str, Path], ivr) -> None:  # type: ignore[no-untyped-def]
    import json

    first = json.loads(ivr(setup, "prompts", "status", "--json").stdout)
    assert first == {"prompts": 3, "recordable": 2, "recorded": 0, "synthesized": 2, "stale": 0, "dynamic": 1,
                     "coverage": 0.0, "complete": False, "missing": ["greeting", "goodbye"],
                     "items": [{"id": "greeting", "source": "synthesis", "dynamic": False},
                               {"id": "confirm_spo2", "source": "synthesis", "dynamic": True},
                               {"id": "goodbye", "source": "synthesis", "dynamic": False}]}
    setup["recordings"].mkdir()
    (setup["recordings"] / "goodbye.wav").write_bytes(audio.wav_bytes(b"\x10\x00" * 8000, 8000))  # placed by hand
    after = json.loads(ivr(setup, "prompts", "status", "--json").stdout)
    assert (after["recorded"], after["coverage"], after["missing"]) == (1, 0.5, ["greeting"])
    text = ivr(setup, "prompts", "status")
    assert text.returncode == 0 and text.stdout.splitlines() == [
        "recorded 1 of 2 fixed prompts (50%); 0 recorded for older words; "
        "1 filled in during calls (always synthesized)",
        "  still synthesized: greeting"]
