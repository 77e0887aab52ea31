"""The Kamailio SIP front: render its configuration from ``Config`` and check it.

The template (``ivr/ops/templates/kamailio.cfg``) holds ``{{NAME}}`` placeholders.
Only numbers, validated IPv4 addresses, paths checked for safe characters and
the trunk's host:port (``ivr.config.sip_trunk``: IPv4 or DNS name) are substituted, so no
configuration text can inject Kamailio script. The ``kamailio`` binary is always run with an argument
list, never a shell string.
"""
from __future__ import annotations

import hashlib
import ipaddress
import os
import re
import shutil
import subprocess
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from ivr.config import STAFF_HA1, Config, sip_trunk
from ivr.errors import SipError
from ivr.ops import sipprobe

TEMPLATE = Path(__file__).resolve().parent / "templates" / "kamailio.cfg"
MODULE_DIRS = (
    Path("/usr/lib/x86_64-linux-gnu/kamailio/modules"),
    Path("/usr/lib/aarch64-linux-gnu/kamailio/modules"),
    Path("/usr/lib/kamailio/modules"),
    Path("/usr/local/lib64/kamailio/modules"),
    Path("/usr/local/lib/kamailio/modules"),
)
DOWN_S = 30  # a worker that did not reply at all is tried last this long (or until it registers again)
CHILDREN = 4  # UDP receiver processes
REALM = "f0-hotline"  # digest realm of doctors' phones (part of their HA1)
# A worker answers ~1.0 s after its 180 Ringing (pyVoIP's fixed delay): no answer within this long after
# a provisional reply means the worker died while the call rang, and the next worker takes the call
# (kill -> answer by the other worker measured at ~2.5 s, tests/ivr/telephony/test_remote_peers.py).
ANSWER_MS = 1500
AUTH_FAIL_LIMIT = 5  # failed digest attempts from one address before its staff registrations are refused
AUTH_BLOCK_S = 300  # ... until this long after its last failure
_PLACEHOLDER = re.compile(r"\{\{([A-Z_]+)\}\}")
_SAFE_PATH = re.compile(r"^[A-Za-z0-9_./+@:,=-]+$")


class KamailioError(SipError):
    """Kamailio is missing, or its rendered configuration does not pass ``kamailio -c``."""


@dataclass(frozen=True, kw_only=True)
class KamailioFiles:
    """Where one instance's Kamailio files live, all under ``<data_dir>/kamailio``."""

    folder: Path
    config: Path
    ctl_socket: Path

    @classmethod
    def for_config(cls, cfg: Config) -> KamailioFiles:
        folder = cfg.data_dir / "kamailio"
        return cls(folder=folder, config=folder / "kamailio.cfg", ctl_socket=folder / "kamailio.ctl")


def executable() -> str:
    exe = shutil.which("kamailio") or next(
        (p for p in ("/usr/sbin/kamailio", "/usr/local/sbin/kamailio") if Path(p).exists()), None)
    if exe is None:
        raise KamailioError("kamailio is not installed: apt-get install kamailio")
    return exe


def module_dir() -> Path:
    for folder in MODULE_DIRS:
        if (folder / "tm.so").exists():
            return folder
    raise KamailioError("kamailio modules not found (looked for tm.so in "
                        + ", ".join(str(d) for d in MODULE_DIRS) + ")")


def _safe_path(path: Path) -> str:
    text = str(path)
    if not _SAFE_PATH.match(text):
        raise KamailioError(f"kamailio: path {text!r} has characters not allowed in the generated config")
    return text


def _trusted_condition(hosts: tuple[str, ...]) -> str:
    parts = [f'$si == "{ipaddress.IPv4Address(h)}"' for h in hosts]
    return "(" + " || ".join(parts) + ")" if parts else "(0)"


def staff_ha1(user: str, password: str) -> str:
    """The digest HA1 of a doctor's phone for ``sip_staff_ha1`` (``USER:`` + this): md5(user:realm:password)."""
    return hashlib.md5(f"{user}:{REALM}:{password}".encode()).hexdigest()  # SIP digest is MD5


def _staff_ha1_table(entries: tuple[str, ...]) -> str:
    lines = []
    for entry in entries:
        if not STAFF_HA1.fullmatch(entry):
            raise KamailioError("kamailio: sip_staff_ha1: expected USER:HA1 entries")
        user, ha1 = entry.split(":")
        lines.append(f'    $sht(staffha1=>{user}) = "{ha1}";')
    return "\n".join(lines) or "    $var(none) = 0;"


def _advertise(cfg: Config) -> str:
    """The listen line's ``advertise`` clause: bound to every address (0.0.0.0), Kamailio would put
    0.0.0.0 into its Record-Route and Via, and a caller on another host could not send its ACK or BYE
    back; it names ``sip_advertise`` (the address callers and workers reach this box at) instead."""
    if ipaddress.IPv4Address(cfg.sip_host).is_unspecified:
        return f" advertise {ipaddress.IPv4Address(cfg.sip_advertise)}:{int(cfg.sip_port)}"
    return ""


def values(cfg: Config, *, files: KamailioFiles | None = None, debug: int = 2) -> dict[str, str]:
    """The placeholder values for one instance."""
    files = files or KamailioFiles.for_config(cfg)
    try:  # workers bind and register from sip_advertise (docs/sip.md)
        workers = tuple(dict.fromkeys(("127.0.0.1", str(ipaddress.IPv4Address(cfg.sip_advertise)),
                                       *(str(ipaddress.IPv4Address(h)) for h in cfg.sip_worker_hosts))))
    except ValueError:
        raise KamailioError(f"kamailio: sip_advertise must be an IPv4 address, got {cfg.sip_advertise!r}") from None
    # a front (role front) takes workers of other boxes: `workers` is their total there (worker0..N-1)
    limit = 99 if cfg.role == "front" else 30
    if cfg.workers > limit:
        raise KamailioError(f"kamailio: at most {limit} workers {'in all' if limit == 99 else 'per machine'}, "
                            f"got {cfg.workers}")
    try:
        trunk = sip_trunk(cfg.sip_trunk_uri)
    except ValueError as exc:
        raise KamailioError(f"kamailio: sip_trunk_uri: {exc}") from None
    return {
        "DEBUG": str(int(debug)),
        "CHILDREN": str(CHILDREN),
        "SIP_HOST": str(ipaddress.IPv4Address(cfg.sip_host)),
        "SIP_ADVERTISE": _advertise(cfg),
        "SIP_PORT": str(int(cfg.sip_port)),
        "MODULE_DIR": _safe_path(module_dir()) + "/",
        "CTL_SOCKET": _safe_path(files.ctl_socket),
        "WORKERS": str(int(cfg.workers)),
        "MAX_CALLS": str(int(cfg.worker_max_calls)),
        "FAILOVER_MS": str(int(cfg.sip_failover_ms)),
        "FLOOD_LIMIT": str(int(cfg.sip_flood_limit)),
        "DOWN_S": str(DOWN_S),
        "ANSWER_MS": str(ANSWER_MS),
        "AUTH_FAIL_LIMIT": str(AUTH_FAIL_LIMIT),
        "AUTH_BLOCK_S": str(AUTH_BLOCK_S),
        "TRUSTED_SOURCE": _trusted_condition(tuple(dict.fromkeys((*cfg.sip_trusted_hosts, *workers)))),
        "WORKER_SOURCE": _trusted_condition(workers),
        # workers' own SIP ports: only they may call a doctor's phone through the front
        "WORKER_PORT_LOW": str(int(cfg.worker_port_base)),
        "WORKER_PORT_HIGH": str(int(cfg.worker_port_base) + int(cfg.workers) - 1),
        # doctors' phones without a digest secret (sip_staff_ha1) register only from these hosts
        "STAFF_SOURCE": _trusted_condition(tuple(dict.fromkeys((*cfg.sip_trusted_hosts, *workers)))),
        # doctors' numbers outside Kamailio go out through this gateway (host:port checked by config.sip_trunk)
        # doctors' phones with a digest secret (user and HA1 checked by config.STAFF_HA1)
        "REALM": REALM,
        "STAFF_SECRETS": _staff_ha1_table(cfg.sip_staff_ha1),
        "STUDIO_EXTENSION": cfg.studio_extension,  # checked by config.STUDIO_EXTENSION: [a-z0-9_-]
        "TRUNK_ENABLED": "1" if trunk else "0",
        "TRUNK_HOSTPORT": f"{trunk[0]}:{trunk[1]}" if trunk else "0.0.0.0:5060",
    }


def render_text(template: str, vals: Mapping[str, str]) -> str:
    """Fill ``{{NAME}}`` placeholders; every placeholder must have a value and every value a use."""
    used: set[str] = set()

    def fill(match: re.Match[str]) -> str:
        name = match.group(1)
        if name not in vals:
            raise KamailioError(f"kamailio template: no value for {{{{{name}}}}}")
        used.add(name)
        return vals[name]

    text = _PLACEHOLDER.sub(fill, template)
    unused = sorted(set(vals) - used)
    if unused:
        raise KamailioError(f"kamailio template: unused values {', '.join(unused)}")
    return text


def render(cfg: Config, *, files: KamailioFiles | None = None, debug: int = 2) -> str:
    """The Kamailio configuration text for ``cfg``."""
    return render_text(TEMPLATE.read_text(encoding="utf-8"), values(cfg, files=files, debug=debug))


def check(path: Path) -> None:
    """Run ``kamailio -c`` on a configuration file; raise ``KamailioError`` with its complaint."""
    proc = subprocess.run([executable(), "-c", "-f", str(path)], check=False, capture_output=True, text=True,
                          timeout=60)
    if proc.returncode != 0:
        lines = [ln for ln in (proc.stderr + proc.stdout).splitlines() if "ERROR" in ln or "CRITICAL" in ln]
        detail = "; ".join(lines[-5:]) or proc.stderr.strip()[-500:]
        raise KamailioError(f"kamailio: config {path} does not pass 'kamailio -c': {detail}")


def write(cfg: Config, *, debug: int = 2, verify: bool = True) -> KamailioFiles:
    """Render the configuration into ``<data_dir>/kamailio/kamailio.cfg`` and check it."""
    files = KamailioFiles.for_config(cfg)
    files.folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    text = render(cfg, files=files, debug=debug)
    tmp = files.config.with_suffix(".cfg.new")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)  # it holds the staff phones' HA1
    os.fchmod(fd, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        f.write(text)
    if verify:
        check(tmp)
    tmp.replace(files.config)
    return files


def command(cfg: Config, files: KamailioFiles, *, shm_mb: int = 64, pkg_mb: int = 8) -> list[str]:
    """The argument list that runs Kamailio in the foreground with the rendered configuration."""
    return [executable(), "-DD", "-E", "-f", str(files.config), "-m", str(shm_mb), "-M", str(pkg_mb),
            "-P", str(files.folder / "kamailio.pid"), "-Y", str(files.folder)]


def _probe_host(cfg: Config) -> str:
    return "127.0.0.1" if cfg.sip_host == "0.0.0.0" else cfg.sip_host


def wait_answering(cfg: Config, proc: subprocess.Popen[bytes] | None = None, *, timeout: float = 20.0) -> None:
    """Wait until Kamailio answers an OPTIONS (any status); raise if it exits or stays silent."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            raise KamailioError(f"kamailio exited with status {proc.returncode} while starting")
        if sipprobe.options(_probe_host(cfg), cfg.sip_port, timeout=0.5) is not None:
            return
    raise KamailioError(f"kamailio did not answer on {cfg.sip_host}:{cfg.sip_port} within {timeout:.0f} s")


@contextmanager
def running(cfg: Config, *, log: Path | None = None, debug: int = 2) -> Iterator[subprocess.Popen[bytes]]:
    """Kamailio in the foreground for ``cfg`` (tests, benchmarks); stopped and reaped on exit."""
    files = write(cfg, debug=debug)
    log = log or files.folder / "kamailio.log"
    with open(log, "ab") as out:
        proc = subprocess.Popen(command(cfg, files), stdout=out, stderr=subprocess.STDOUT,
                                stdin=subprocess.DEVNULL, start_new_session=True)
    try:
        wait_answering(cfg, proc)
        yield proc
    finally:
        stop(proc)


def stop(proc: subprocess.Popen[bytes], *, timeout: float = 10.0) -> None:
    """SIGTERM, then SIGKILL, to Kamailio's process group (its children included)."""
    import os
    import signal

    if proc.poll() is None:
        try:
            os.killpg(proc.pid, signal.SIGTERM)
        except ProcessLookupError:
            pass
        try:
            proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=timeout)
    try:  # children left behind in the group (should be none)
        os.killpg(proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


def rpc(files: KamailioFiles, *args: str, timeout: float = 10.0) -> str:
    """Run one ``kamcmd`` RPC command (e.g. ``ul.lookup location worker0``) against a running instance."""
    exe = shutil.which("kamcmd") or "/usr/sbin/kamcmd"
    proc = subprocess.run([exe, "-s", f"unix:{files.ctl_socket}", *args], check=False, capture_output=True,
                          text=True, timeout=timeout)
    if proc.returncode != 0:
        raise KamailioError(f"kamcmd {' '.join(args)}: {(proc.stderr or proc.stdout).strip()[:300]}")
    return proc.stdout
