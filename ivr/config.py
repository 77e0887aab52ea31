"""Configuration: defaults, then ``ivr.toml``, then ``IVR_*`` environment variables.

Read once at start-up by the CLI and passed down; nothing else reads the
environment. An invalid value raises ``ConfigError`` with one line naming the key.
"""
from __future__ import annotations

import dataclasses
import ipaddress
import os
import re
import tomllib
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any, Mapping
from urllib.parse import urlsplit

from ivr import ROOT
from ivr.errors import ConfigError

ENV_PREFIX = "IVR_"
CONFIG_ENV = "IVR_CONFIG"
DEFAULT_CONFIG_FILE = "ivr.toml"
# written by `ivr up` into the data folder: the running instance's ports, so that
# `ivr <command> --data-dir DIR` talks to that instance (see docs/operations.md)
INSTANCE_FILE = Path("run") / "instance.toml"

_CHOICES: dict[str, tuple[str, ...]] = {
    "asr_engine": ("auto", "vosk", "vietasr"),
    "tts_engine": ("espeak", "piper"),
    "log_level": ("DEBUG", "INFO", "WARNING", "ERROR"),
}
_PORTS = ("sip_port", "admin_port", "redis_port", "worker_sip_port_base", "rtp_port_low", "rtp_port_high",
          "pbx_port")
_POSITIVE = ("workers", "worker_max_calls", "tts_rate", "hold_limit_s", "bridge_ring_s", "max_upload_bytes",
             "priority_gap_s", "tier_emergency_s", "tier_high_s", "tier_medium_s", "tier_low_s",
             "webhook_timeout_s", "webhook_attempts", "webhook_backoff_s", "sweep_interval_s",
             "sip_flood_limit", "sip_failover_ms", "escalation_processes", "session_minutes")


@dataclass(frozen=True)
class Config:
    """Every setting of one hotline instance. Paths are absolute after ``load``."""

    data_dir: Path = ROOT / "var"
    database_url: str = ""  # default: SQLite (WAL) at <data_dir>/ivr.sqlite3
    redis_url: str = ""  # default: the local Redis that `ivr up` starts on redis_port
    redis_port: int = 0  # 0: sip_port + 1330 (6390 with the default SIP port), so instances do not collide
    # SIP front (Kamailio) and IVR workers (pyVoIP)
    sip_host: str = "0.0.0.0"
    sip_advertise: str = "127.0.0.1"
    sip_port: int = 5060
    workers: int = 2
    worker_max_calls: int = 30
    worker_sip_port_base: int = 0  # 0: sip_port + 100
    rtp_port_low: int = 20000
    rtp_port_high: int = 29999
    pbx_host: str = ""  # register workers to an existing PBX instead of Kamailio
    pbx_port: int = 5060
    pbx_user: str = ""
    pbx_password: str = ""
    sip_trusted_hosts: tuple[str, ...] = ("127.0.0.1",)  # source IPs exempt from flood limiting (add the trunk/PBX)
    # outbound trunk (gateway) for doctors' phone numbers outside Kamailio: "sip:HOST[:PORT]"; "" = none
    sip_trunk_uri: str = ""
    # doctors' SIP phones that register with digest authentication, from any address: "USER:HA1" each,
    # HA1 = md5("USER:f0-hotline:PASSWORD") (ivr.ops.kamailio.staff_ha1); other phones only from sip_trusted_hosts
    sip_staff_ha1: tuple[str, ...] = ()
    sip_flood_limit: int = 60  # requests per 2 s from one untrusted source IP before Kamailio drops it
    sip_failover_ms: int = 3000  # no reply from a worker within this time: the call goes to another worker
    # Admin
    admin_host: str = "127.0.0.1"
    admin_port: int = 8080
    secret_key: str = ""  # default: generated once into <data_dir>/secret_key
    session_minutes: int = 480
    max_upload_bytes: int = 12_000_000  # a 60 s 44.1 kHz stereo WAV is ~10.6 MB
    admin_secure_cookies: bool = False  # set true behind HTTPS: cookies get the Secure flag
    # Call flows and prompts
    flows_dir: Path = ROOT / "callflows"
    flow: str = "covid_f0"
    prompts_catalog: Path = ROOT / "prompts" / "vi.yaml"
    recordings_dir: Path = ROOT / "prompts" / "recordings"
    prompt_cache_dir: Path = ROOT / "prompts" / "cache"
    tts_engine: str = "espeak"
    tts_voice: str = "vi"
    tts_rate: int = 130
    piper_voice: str = ""  # path to a Piper .onnx voice
    # Speech recognition
    asr_engine: str = "auto"
    asr_models_dir: Path = ROOT / "asr_models"
    vosk_model: str = "vosk-model-small-vn-0.4"  # a name in asr_models/ or a path
    # Escalation
    triage_rules_dir: Path = ROOT / "escalation" / "rules"  # versioned rule packs (*.yaml); the one in force by date
    hold_limit_s: int = 90
    bridge_ring_s: int = 30  # a doctor's phone rung for a live bridge this long without answer: back to hold
    webhook_urls: tuple[str, ...] = ()
    webhook_secret: str = ""
    webhook_timeout_s: int = 5  # connect and read timeout of one POST
    webhook_attempts: int = 5  # then the notification is recorded as failed
    webhook_backoff_s: int = 2  # retry n waits backoff * 2**(n-1) seconds (capped at 5 min)
    # Priority: each risk level above another is worth this much waiting time (call-centre score)
    priority_gap_s: int = 900
    # A case not picked within this long moves up a tier (commune -> district -> province) and is re-notified
    tier_emergency_s: int = 120
    tier_high_s: int = 600
    tier_medium_s: int = 7200
    tier_low_s: int = 86400
    sweep_interval_s: int = 2  # how often `ivr worker` runs the escalation sweeper
    escalation_processes: int = 2  # rq worker processes `ivr worker` runs (one job also delivers up to 32 queued rounds)
    log_level: str = "INFO"
    source: tuple[str, ...] = field(default=(), compare=False)

    @property
    def db_url(self) -> str:
        return self.database_url or f"sqlite:///{self.data_dir / 'ivr.sqlite3'}"

    @property
    def redis(self) -> str:
        return self.redis_url or f"redis://127.0.0.1:{self.redis_listen_port}/0"

    @property
    def redis_listen_port(self) -> int:
        """The port of the local Redis that `ivr up` starts."""
        return self.redis_port or self.sip_port + 1330

    @property
    def worker_port_base(self) -> int:
        return self.worker_sip_port_base or self.sip_port + 100

    @property
    def recordings_path(self) -> Path:
        """Where callers' audio is recorded, per call."""
        return self.data_dir / "recordings"

    def replace(self, **changes: Any) -> "Config":
        return load_mapping({**_as_raw(self), **changes}, source=self.source + ("override",))


def _as_raw(cfg: Config) -> dict[str, Any]:
    return {f.name: getattr(cfg, f.name) for f in fields(cfg) if f.name != "source"}


def _coerce(name: str, kind: Any, value: Any) -> Any:
    default = Config.__dataclass_fields__[name].default
    try:
        if isinstance(default, bool):
            if isinstance(value, str):
                if value.lower() in ("1", "true", "yes", "on"):
                    return True
                if value.lower() in ("0", "false", "no", "off"):
                    return False
                raise ValueError
            return bool(value)
        if isinstance(default, int):
            if isinstance(value, bool) or (isinstance(value, float) and not value.is_integer()):
                raise ValueError
            return int(value)
        if isinstance(default, Path):
            if not isinstance(value, (str, Path)) or str(value) == "":
                raise ValueError
            return Path(value).expanduser()
        if isinstance(default, tuple):
            if isinstance(value, str):
                return tuple(v.strip() for v in value.split(",") if v.strip())
            if isinstance(value, (list, tuple)) and all(isinstance(v, str) for v in value):
                return tuple(value)
            raise ValueError
        if not isinstance(value, (str, int, float)) or isinstance(value, bool):
            raise ValueError
        return str(value)
    except (TypeError, ValueError):
        want = {bool: "true or false", int: "an integer", Path: "a path", tuple: "a list of strings"}
        kind_name = next((w for t, w in want.items() if isinstance(default, t)), "a string")
        raise ConfigError(f"config: key '{name}': expected {kind_name}, got {value!r}") from None


def is_http_url(url: str) -> bool:
    """An absolute http(s) URL with a host and no white space (webhook targets)."""
    try:
        parts = urlsplit(url)
        ok = parts.scheme in ("http", "https") and bool(parts.hostname) and parts.port != 0
    except ValueError:
        return False
    return ok and not any(c.isspace() for c in url)


#: a staff phone's user (as Kamailio accepts it) and its digest HA1
STAFF_USER = r"doctor-[a-z0-9_.-]+|[0-9]{2,15}"
STAFF_HA1 = re.compile(rf"(?:{STAFF_USER}):[0-9a-f]{{32}}")

_HOSTNAME = re.compile(r"^(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
                       r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$")


def sip_trunk(uri: str) -> tuple[str, int] | None:
    """``sip_trunk_uri`` as (host, port): ``sip:HOST[:PORT]``, HOST an IPv4 address or a DNS name; None if empty.

    Raises ``ValueError`` for anything else (users, parameters, IPv6, ``sips:``): the value goes into the
    Kamailio configuration, so only these characters are let through.
    """
    if not uri:
        return None
    m = re.fullmatch(r"sip:([^:;@/?\s]+)(?::([0-9]{1,5}))?", uri)
    host = m.group(1) if m else ""
    if m is None or not (_is_ipv4(host) or (_HOSTNAME.match(host) and not re.fullmatch(r"[0-9.]+", host))):
        raise ValueError(f"expected sip:HOST or sip:HOST:PORT (HOST an IPv4 address or a DNS name), got {uri!r}")
    port = int(m.group(2) or 5060)
    if not 1 <= port <= 65535:
        raise ValueError(f"expected a port from 1 to 65535 in {uri!r}")
    return host, port


def _is_ipv4(host: str) -> bool:
    try:
        ipaddress.IPv4Address(host)
    except ValueError:
        return False
    return True


def _validate(cfg: Config) -> None:
    for name in _PORTS:
        value = getattr(cfg, name)
        if name in ("worker_sip_port_base", "redis_port") and value == 0:
            continue
        if not 1 <= value <= 65535:
            raise ConfigError(f"config: key '{name}': expected a port from 1 to 65535, got {value}")
    for name in _POSITIVE:
        if getattr(cfg, name) < 1:
            raise ConfigError(f"config: key '{name}': expected a positive integer, got {getattr(cfg, name)}")
    for name, choices in _CHOICES.items():
        if getattr(cfg, name) not in choices:
            raise ConfigError(
                f"config: key '{name}': expected one of {', '.join(choices)}, got {getattr(cfg, name)!r}"
            )
    for name in ("sip_host", "sip_trusted_hosts"):
        for host in (getattr(cfg, name),) if isinstance(getattr(cfg, name), str) else getattr(cfg, name):
            try:
                ipaddress.IPv4Address(host)
            except ValueError:
                raise ConfigError(f"config: key '{name}': expected an IPv4 address, got {host!r}") from None
    if cfg.rtp_port_low >= cfg.rtp_port_high:
        raise ConfigError("config: key 'rtp_port_high': must be above rtp_port_low")
    for url in cfg.webhook_urls:
        if not is_http_url(url):
            raise ConfigError(f"config: key 'webhook_urls': not an http(s) URL: {url!r}")
    try:
        sip_trunk(cfg.sip_trunk_uri)
    except ValueError as exc:
        raise ConfigError(f"config: key 'sip_trunk_uri': {exc}") from None
    for entry in cfg.sip_staff_ha1:
        if not STAFF_HA1.fullmatch(entry):
            shown = repr(entry.split(":", 1)[0] + ":...") if ":" in entry else "an entry without USER:"
            raise ConfigError("config: key 'sip_staff_ha1': expected USER:HA1 (USER doctor-<name> or 2-15 digits, "
                              f"HA1 32 lower-case hex digits), got {shown}")
    _validate_database_url(cfg.database_url)
    _validate_redis_url(cfg.redis_url)


# --- URLs: checked at load, so a typo is one line naming the key, not a driver's traceback later ---------------

DATABASE_URL_HINT = "expected sqlite:///PATH or postgresql+psycopg://USER@HOST/DB"
REDIS_URL_HINT = "expected redis://[:PASSWORD@]HOST[:PORT][/DB], rediss://... or unix:///PATH"


def shown_url(url: str) -> str:
    """``url`` for a message: a password in it replaced by ``***``."""
    try:
        parts = urlsplit(url)
        password = parts.password
    except ValueError:
        return repr(url)
    if password:
        return repr(url.replace(":" + password + "@", ":***@", 1))
    return repr(url)


def _validate_database_url(url: str) -> None:
    if not url:
        return
    scheme = url.split("://", 1)[0] if "://" in url else ""
    dialect = scheme.split("+", 1)[0]
    if dialect not in ("sqlite", "postgresql"):
        what = f"unsupported database {dialect!r}" if dialect else "not a database URL"
        raise ConfigError(f"config: key 'database_url': {what}: {DATABASE_URL_HINT}, got {shown_url(url)}")
    if dialect == "sqlite" and not url.startswith("sqlite:///"):
        raise ConfigError(f"config: key 'database_url': {DATABASE_URL_HINT}, got {shown_url(url)}")
    if dialect == "postgresql":
        try:
            parts = urlsplit(url)
            host, _port = parts.hostname, parts.port
        except ValueError:
            host = None
        if not host or not parts.path.strip("/"):
            raise ConfigError(f"config: key 'database_url': {DATABASE_URL_HINT}, got {shown_url(url)}")


def _validate_redis_url(url: str) -> None:
    if not url:
        return
    try:
        parts = urlsplit(url)
        host, port = parts.hostname, parts.port
    except ValueError:
        raise ConfigError(f"config: key 'redis_url': {REDIS_URL_HINT}, got {shown_url(url)}") from None
    if parts.scheme == "unix":
        ok = bool(parts.path)
    else:
        db = parts.path.strip("/")
        ok = parts.scheme in ("redis", "rediss") and bool(host) and port != 0 and (db == "" or db.isdigit()) \
            and not any(c.isspace() for c in url)
    if not ok:
        raise ConfigError(f"config: key 'redis_url': {REDIS_URL_HINT}, got {shown_url(url)}")


# --- paths: checked when the hotline starts (`ivr up`, its --dry-run, `ivr sip-worker`) ------------------------

def check_paths(cfg: Config, *, flow_published: bool = False) -> None:
    """Raise ``ConfigError`` with one line naming the first configured path that does not exist.

    ``flow_published``: the database holds a published version of ``cfg.flow`` (the admin's flow
    editor), so the flow needs no file. Not part of ``load``: ``ivr calls list`` must work on a
    machine without the call flows.
    """
    flow_file = cfg.flows_dir / f"{cfg.flow}.yaml"
    checks = (
        ("flows_dir", cfg.flows_dir, "dir", "the folder of call flows (callflows/ in the checkout)"),
        ("flow", flow_file, "file", f"a flow named {cfg.flow!r} in flows_dir ({cfg.flows_dir}/<flow>.yaml)"),
        ("prompts_catalog", cfg.prompts_catalog, "file", "the prompt catalog (prompts/vi.yaml in the checkout)"),
        ("triage_rules_dir", cfg.triage_rules_dir, "dir", "the triage rule packs (escalation/rules/ in the checkout)"),
    )
    for key, path, kind, what in checks:
        if key == "flow" and flow_published:
            continue
        exists = path.is_dir() if kind == "dir" else path.is_file()
        if not exists:
            noun = "folder" if kind == "dir" else "file"
            raise ConfigError(f"config: key '{key}': {noun} {path} not found: set {key} to {what}")


def load_mapping(raw: Mapping[str, Any], *, source: tuple[str, ...] = ()) -> Config:
    known = {f.name for f in fields(Config)} - {"source"}
    values: dict[str, Any] = {}
    for key, value in raw.items():
        if key not in known:
            raise ConfigError(f"config: key '{key}': unknown setting")
        values[key] = _coerce(key, None, value)
    cfg = Config(**values, source=source)
    _validate(cfg)
    return cfg


def _read_toml(file: Path) -> dict[str, Any]:
    try:
        data = tomllib.loads(file.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"config: file '{file}': {exc}") from None
    section = data.get("ivr", data)
    if not isinstance(section, dict):
        raise ConfigError(f"config: file '{file}': expected a table of settings")
    return section


def load(path: str | Path | None = None, env: Mapping[str, str] | None = None, *, read_instance: bool = True,
         **overrides: Any) -> Config:
    """Defaults, then the TOML file, then the data folder's ``run/instance.toml`` (written by ``ivr up``;
    skipped with ``read_instance=False``), then ``IVR_*`` variables, then explicit overrides (CLI flags)."""
    env = os.environ if env is None else env
    raw: dict[str, Any] = {}
    source: list[str] = ["defaults"]
    explicit = path is not None or CONFIG_ENV in env
    file = Path(path if path is not None else env.get(CONFIG_ENV, DEFAULT_CONFIG_FILE))
    if file.exists():
        raw.update(_read_toml(file))
        source.append(str(file))
    elif explicit:
        raise ConfigError(f"config: file '{file}': not found")
    known = {f.name for f in fields(Config)} - {"source"}
    if read_instance:
        # only for a data folder named explicitly (flag, variable or file), never the default one
        data_dir = overrides.get("data_dir") or env.get(ENV_PREFIX + "DATA_DIR") or raw.get("data_dir")
        instance = Path(data_dir).expanduser() / INSTANCE_FILE if data_dir else None
        if instance is not None and instance.exists():
            raw.update({k: v for k, v in _read_toml(instance).items() if k != "data_dir"})
            source.append(str(instance))
    for key, value in env.items():
        if key.startswith(ENV_PREFIX) and key != CONFIG_ENV:
            name = key[len(ENV_PREFIX):].lower()
            if name in known:
                raw[name] = value
                source.append(key)
    raw.update({k: v for k, v in overrides.items() if v is not None})
    cfg = load_mapping(raw, source=tuple(source))
    return dataclasses.replace(cfg, data_dir=cfg.data_dir.resolve())
