"""Configuration precedence: defaults, then ivr.toml, then IVR_* variables, then flags."""
from __future__ import annotations

from pathlib import Path

import pytest

from ivr import ROOT
from ivr import config as config_mod
from ivr.errors import ConfigError


def test_defaults(tmp_path: Path) -> None:
    cfg = config_mod.load(env={}, path=None) if not Path("ivr.toml").exists() else None
    if cfg is None:
        pytest.skip("an ivr.toml in the working directory would change the defaults")
    assert cfg.sip_port == 5060
    assert cfg.asr_engine == "auto"
    assert cfg.flows_dir == ROOT / "callflows"
    assert cfg.db_url == f"sqlite:///{ROOT / 'var' / 'ivr.sqlite3'}"


def test_file_then_env_then_overrides(tmp_path: Path) -> None:
    toml = tmp_path / "ivr.toml"
    toml.write_text('[ivr]\nsip_port = 5070\nadmin_port = 9000\nworkers = 3\n', encoding="utf-8")
    env = {"IVR_CONFIG": str(toml), "IVR_ADMIN_PORT": "9100", "IVR_DATA_DIR": str(tmp_path / "d"),
           "UNRELATED": "x"}
    cfg = config_mod.load(env=env)
    assert (cfg.sip_port, cfg.admin_port, cfg.workers) == (5070, 9100, 3)
    assert cfg.data_dir == tmp_path / "d"
    assert cfg.db_url == f"sqlite:///{tmp_path / 'd' / 'ivr.sqlite3'}"
    cfg = config_mod.load(env=env, admin_port=9200, sip_port=None)
    assert (cfg.sip_port, cfg.admin_port) == (5070, 9200)
    assert cfg.source == ("defaults", str(toml), "IVR_ADMIN_PORT", "IVR_DATA_DIR")


def test_explicit_path_wins_over_env(tmp_path: Path) -> None:
    a, b = tmp_path / "a.toml", tmp_path / "b.toml"
    a.write_text("sip_port = 5001\n", encoding="utf-8")
    b.write_text("sip_port = 5002\n", encoding="utf-8")
    assert config_mod.load(a, env={"IVR_CONFIG": str(b)}).sip_port == 5001


def test_postgresql_pool_sizes_and_roles_that_are_accepted() -> None:
    cfg = config_mod.load(env={"IVR_DATABASE_URL": "postgresql+psycopg://ivr:pw@10.0.0.2:5432/ivr",
                               "IVR_DATABASE_POOL_SIZE": "3", "IVR_DATABASE_MAX_OVERFLOW": "0",
                               "IVR_ROLE": "worker", "IVR_SIP_FRONT": "10.0.0.2:5060", "IVR_WORKER_INDEX_BASE": "4"})
    assert (cfg.database_pool_size, cfg.database_max_overflow, cfg.role, cfg.sip_front, cfg.worker_index_base) == (
        3, 0, "worker", "10.0.0.2:5060", 4)
    assert config_mod.load(env={}).role == "all"


@pytest.mark.parametrize(("env", "message"), [
    ({"IVR_SIP_PORT": "abc"}, "config: key 'sip_port': expected an integer, got 'abc'"),
    ({"IVR_SIP_PORT": "70000"}, "config: key 'sip_port': expected a port from 1 to 65535, got 70000"),
    ({"IVR_ASR_ENGINE": "whisper"}, "config: key 'asr_engine': expected one of auto, vosk, vietasr, got 'whisper'"),
    ({"IVR_WORKERS": "0"}, "config: key 'workers': expected a positive integer, got 0"),
    ({"IVR_CONFIG": "/nonexistent/ivr.toml"}, "config: file '/nonexistent/ivr.toml': not found"),
])
def test_invalid_values_name_the_key(env: dict[str, str], message: str) -> None:
    with pytest.raises(ConfigError) as info:
        config_mod.load(env=env)
    assert str(info.value) == message


def test_unknown_key_in_file(tmp_path: Path) -> None:
    toml = tmp_path / "ivr.toml"
    toml.write_text("sip_prot = 5070\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"^config: key 'sip_prot': unknown setting$"):
        config_mod.load(toml, env={})


def test_broken_toml(tmp_path: Path) -> None:
    toml = tmp_path / "ivr.toml"
    toml.write_text("sip_port = = 1\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"^config: file '.*ivr.toml': "):
        config_mod.load(toml, env={})


def test_cli_reports_one_line_and_exit_2(tmp_path: Path) -> None:
    import subprocess

    res = subprocess.run([str(ROOT / ".venv/bin/ivr"), "flows", "validate", str(ROOT / "callflows/covid_f0.yaml")],
                         capture_output=True, text=True, env={"IVR_SIP_PORT": "x", "PATH": "/usr/bin:/bin"},
                         cwd=tmp_path, timeout=60)
    assert res.returncode == 2
    assert res.stderr == "ivr: config: key 'sip_port': expected an integer, got 'x'\n"


@pytest.mark.parametrize("url", ["redis://127.0.0.1:6390/0", "redis://:s3cret@redis:6379/2", "rediss://r.example",
                                 "redis://hotline:s3cret@10.0.0.9", "unix:///run/redis/redis.sock"])
def test_redis_urls_that_are_accepted(url: str) -> None:
    assert config_mod.load(env={"IVR_REDIS_URL": url}).redis == url


@pytest.mark.parametrize(("env", "message"), [
    ({"IVR_REDIS_URL": "localhost:6379"}, "config: key 'redis_url': expected redis://[:PASSWORD@]HOST[:PORT][/DB], "
                                          "rediss://... or unix:///PATH, got 'localhost:6379'"),
    ({"IVR_REDIS_URL": "redis://:s3cret@redis:99999/0"}, "config: key 'redis_url': expected redis://[:PASSWORD@]HOST"
                                                         "[:PORT][/DB], rediss://... or unix:///PATH, "
                                                         "got 'redis://:***@redis:99999/0'"),
    ({"IVR_REDIS_URL": "redis://redis/zero"}, "config: key 'redis_url': expected redis://[:PASSWORD@]HOST[:PORT]"
                                              "[/DB], rediss://... or unix:///PATH, got 'redis://redis/zero'"),
    ({"IVR_DATABASE_URL": "mysql://u:pw@db/ivr"}, "config: key 'database_url': unsupported database 'mysql': "
                                                  "expected sqlite:///PATH or postgresql+psycopg://USER@HOST/DB, "
                                                  "got 'mysql://u:***@db/ivr'"),
    ({"IVR_DATABASE_URL": "/srv/ivr.sqlite3"}, "config: key 'database_url': not a database URL: expected "
                                               "sqlite:///PATH or postgresql+psycopg://USER@HOST/DB, "
                                               "got '/srv/ivr.sqlite3'"),
    ({"IVR_DATABASE_URL": "postgresql+psycopg://ivr@/ivr"}, "config: key 'database_url': expected sqlite:///PATH or "
                                                            "postgresql+psycopg://USER@HOST/DB, "
                                                            "got 'postgresql+psycopg://ivr@/ivr'"),
    ({"IVR_SESSION_MINUTES": "-5"}, "config: key 'session_minutes': expected a positive integer, got -5"),
    ({"IVR_PBX_PORT": "0"}, "config: key 'pbx_port': expected a port from 1 to 65535, got 0"),
    ({"IVR_DATABASE_POOL_SIZE": "0"}, "config: key 'database_pool_size': expected 1 to 1000, got 0"),
    ({"IVR_DATABASE_MAX_OVERFLOW": "-1"}, "config: key 'database_max_overflow': expected 0 to 1000, got -1"),
    ({"IVR_ROLE": "edge"}, "config: key 'role': expected one of all, front, worker, got 'edge'"),
    ({"IVR_ROLE": "worker"}, "config: key 'sip_front': role 'worker' needs the front's Kamailio as HOST:PORT"),
    ({"IVR_ROLE": "worker", "IVR_SIP_FRONT": "front.example:5060"},
     "config: key 'sip_front': expected HOST:PORT (HOST an IPv4 address), got 'front.example:5060'"),
    ({"IVR_SIP_WORKER_HOSTS": "10.0.0.3,box4"}, "config: key 'sip_worker_hosts': expected an IPv4 address, "
                                                "got 'box4'"),
    ({"IVR_WORKER_INDEX_BASE": "99"}, "config: key 'worker_index_base': expected 0 to 98, got 99"),
])
def test_bad_urls_and_values_name_the_key_and_hide_passwords(env: dict[str, str], message: str) -> None:
    with pytest.raises(ConfigError) as info:
        config_mod.load(env=env)
    assert str(info.value) == message


def test_start_up_paths_name_the_key(cfg: config_mod.Config, tmp_path: Path) -> None:
    config_mod.check_paths(cfg)  # the checkout's flows, prompts and rules
    with pytest.raises(ConfigError, match=r"^config: key 'flow': file .*/callflows/nope\.yaml not found: "):
        config_mod.check_paths(cfg.replace(flow="nope"))
    config_mod.check_paths(cfg.replace(flow="nope"), flow_published=True)  # published in the admin: no file needed
    with pytest.raises(ConfigError, match=r"^config: key 'triage_rules_dir': folder .* not found: "):
        config_mod.check_paths(cfg.replace(triage_rules_dir=tmp_path / "none"))


def test_a_number_setting_reads_numbers_and_refuses_the_rest() -> None:
    assert config_mod.load(env={"IVR_PROMPT_RECORDING_MAX_WER": "0.3"}).prompt_recording_max_wer == 0.3
    assert config_mod.load(env={}, prompt_recording_max_wer=0).prompt_recording_max_wer == 0.0
    for bad, why in (("lots", "expected a number, got 'lots'"), ("nan", "expected a number, got 'nan'"),
                     ("1.5", "expected a share from 0 to below 1, got 1.5")):
        with pytest.raises(ConfigError, match=f"^config: key 'prompt_recording_max_wer': {why}"):
            config_mod.load(env={"IVR_PROMPT_RECORDING_MAX_WER": bad})


def test_decoders_per_worker_share_the_boxs_cores(monkeypatch: pytest.MonkeyPatch) -> None:
    """More decode processes than cores only fight over them: by default a box's cores are shared among its
    workers (one each at least, four at most); ``asr_decode_processes`` sets the number."""
    from ivr.cli.sipworker import _decode_threads

    monkeypatch.setattr("os.cpu_count", lambda: 2)
    assert _decode_threads(config_mod.Config(workers=2)) == 1
    assert _decode_threads(config_mod.Config(workers=1)) == 2
    assert _decode_threads(config_mod.Config(workers=4)) == 1
    monkeypatch.setattr("os.cpu_count", lambda: 16)
    assert _decode_threads(config_mod.Config(workers=2)) == 4
    assert _decode_threads(config_mod.Config(workers=2, asr_decode_processes=3)) == 3
    with pytest.raises(ConfigError, match="key 'asr_decode_processes': expected 0 \\(automatic\\) to 64, got 65"):
        config_mod.load(env={"IVR_ASR_DECODE_PROCESSES": "65"}, path=None)
