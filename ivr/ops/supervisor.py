"""What ``ivr up`` runs on one machine, and the supervisord configuration that runs it.

``programs(cfg, available)`` is the process list (Redis, Kamailio, N IVR
workers, the job worker, the admin); ``write_config`` turns it into a
supervisord configuration under ``<data_dir>/run``. supervisord (from PyPI)
restarts crashed programs (with a growing delay while one fails to start) and
stops every process group on SIGTERM/SIGINT; docs/operations.md says why it
was chosen over honcho.

Every argument list is built here from the configuration; nothing is passed
through a shell.
"""
from __future__ import annotations

import errno
import json
import os
import pwd
import secrets
import shlex
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, fields
from pathlib import Path

from ivr.config import REDIS_PASSWORD_FILE, Config
from ivr.errors import SupervisorError
from ivr.ops import kamailio, sipprobe

# command name in the CLI -> how `ivr up` runs it
OPTIONAL_COMMANDS = ("sip-worker", "worker", "admin serve")


@dataclass(frozen=True, kw_only=True)
class Program:
    """One supervised process."""

    name: str
    argv: tuple[str, ...]
    priority: int  # lower starts first and stops last
    startsecs: int = 2  # must stay up this long to count as started
    stopwaitsecs: int = 10  # SIGTERM, then SIGKILL after this long
    oneshot: bool = False  # runs once (not restarted); its stdout/stderr go to supervisord's, i.e. `ivr up`'s


@dataclass(frozen=True, kw_only=True)
class RunFiles:
    """Where one instance's supervisor files live."""

    run_dir: Path
    log_dir: Path
    config: Path
    socket: Path
    pidfile: Path

    @classmethod
    def for_config(cls, cfg: Config) -> RunFiles:
        run = cfg.data_dir / "run"
        return cls(run_dir=run, log_dir=cfg.data_dir / "logs", config=run / "supervisord.conf",
                   socket=run / "supervisor.sock", pidfile=run / "supervisord.pid")


def ivr_argv(*args: str) -> tuple[str, ...]:
    """Run an ``ivr`` sub-command with this interpreter (works in a venv without PATH set)."""
    return (sys.executable, "-m", "ivr.cli", *args)


def redis_auth_file(cfg: Config) -> Path:
    """The local Redis's ``requirepass`` line (mode 0600), included by redis-server: the password stays out of
    its command line, which every local user can read in /proc."""
    return cfg.data_dir / "redis" / "auth.conf"


def redis_argv(cfg: Config) -> tuple[str, ...]:
    exe = shutil.which("redis-server")
    if exe is None:
        raise SupervisorError("redis-server is not installed: apt-get install redis-server")
    folder = cfg.data_dir / "redis"
    argv = (exe, "--port", str(cfg.redis_listen_port), "--bind", "127.0.0.1", "--protected-mode", "yes",
            "--dir", str(folder), "--appendonly", "yes", "--save", "60", "1", "--daemonize", "no")
    return argv + ("--include", str(redis_auth_file(cfg))) if cfg.redis_password else argv


def ensure_redis_password(cfg: Config) -> Config:
    """``cfg`` with the local Redis's password: the configured one, the data folder's, or a new one written
    there (mode 0600) on the first start. An explicit ``redis_url`` carries its own (or none): unchanged."""
    if cfg.redis_url or cfg.redis_password:
        return cfg
    path = cfg.data_dir / REDIS_PASSWORD_FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        password = path.read_text(encoding="ascii").strip()
    else:
        password = secrets.token_hex(32)
        with os.fdopen(fd, "w", encoding="ascii") as f:
            f.write(password + "\n")
    if not password:
        raise SupervisorError(f"ivr up: {path} is empty: delete it (a new Redis password is generated) "
                              "or set redis_password (IVR_REDIS_PASSWORD)")
    return cfg.replace(redis_password=password)


def write_redis_auth(cfg: Config) -> Path | None:
    """Write ``redis_auth_file`` for the local Redis (None: no password, nothing written)."""
    if not cfg.redis_password:
        return None
    path = redis_auth_file(cfg)
    path.parent.mkdir(parents=True, exist_ok=True)
    _write_private(path, f'requirepass "{cfg.redis_password}"\n')
    return path


def _write_private(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` with mode 0600 (also when the file existed with another mode)."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.fchmod(fd, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        f.write(text)


# --- the service user and private files ---------------------------------------------------------------------

@dataclass(frozen=True, kw_only=True)
class ServiceAccount:
    """The unprivileged user every process runs as when ``ivr up`` is started as root."""

    name: str
    uid: int
    gid: int


#: the service user when ``service_user`` is not set (scripts/bootstrap creates it)
DEFAULT_SERVICE_USER = "f0hotline"


def service_account(cfg: Config, *, euid: int | None = None) -> ServiceAccount | None:
    """``cfg.service_user`` when ``ivr up`` runs as root; None when it does not (every process runs as the
    user who started it) or when ``service_user`` is root. Raises SupervisorError for a missing user."""
    if (os.geteuid() if euid is None else euid) != 0 or cfg.service_user == "root":
        return None
    name = cfg.service_user or DEFAULT_SERVICE_USER
    try:
        entry = pwd.getpwnam(name)
    except KeyError:
        raise SupervisorError(
            f"ivr up: the service user '{name}' does not exist: create it with 'useradd --system --no-create-home "
            f"--home-dir /nonexistent --shell /usr/sbin/nologin {name}' (scripts/bootstrap does), or set "
            "service_user (IVR_SERVICE_USER)") from None
    if entry.pw_uid == 0:
        raise SupervisorError(f"ivr up: the service user '{name}' has uid 0: it must be an unprivileged user")
    return ServiceAccount(name=name, uid=entry.pw_uid, gid=entry.pw_gid)


def check_service_account(account: ServiceAccount) -> None:
    """Refuse to start when ``account`` cannot run the hotline (this interpreter and the code must be readable
    by it): every program would fail to start, over and over."""
    why = ""
    try:
        proc = subprocess.run([sys.executable, "-c", "import ivr.cli"], user=account.uid, group=account.gid,
                              extra_groups=[], cwd="/", env={"PATH": os.environ.get("PATH", "/usr/bin:/bin")},
                              check=False, capture_output=True, text=True, timeout=120)
        if proc.returncode != 0:
            why = (proc.stderr.strip().splitlines() or [f"exit status {proc.returncode}"])[-1]
    except OSError as exc:
        why = f"{exc.strerror or exc}: {exc.filename or sys.executable}"
    if why:
        raise SupervisorError(
            f"ivr up: the service user '{account.name}' cannot run {sys.executable} ({why}): install the hotline "
            "and its Python where that user can read them (e.g. under /opt), or set service_user = \"root\" "
            "(IVR_SERVICE_USER=root) to run every process as root (not recommended)")


def secure_files(cfg: Config, account: ServiceAccount | None) -> None:
    """Make the data folder private: folders 0700, files without group or other bits (the database,
    recordings, kamailio.cfg with the staff phones' HA1, the Redis password, the admin's secret key);
    with a service account, everything in it (and the prompt cache outside it) is the account's."""
    roots = [cfg.data_dir]
    cache = Path(cfg.prompt_cache_dir)
    if account is not None and not cache.is_relative_to(cfg.data_dir):
        cache.mkdir(parents=True, exist_ok=True)  # the workers render prompts into it
        roots.append(cache)
    for root in roots:
        root.mkdir(parents=True, exist_ok=True)
        for folder, _dirs, names in os.walk(root):  # symbolic links are neither followed nor changed
            _private(Path(folder), account, directory=True)
            for name in names:
                if not (Path(folder) / name).is_symlink():
                    _private(Path(folder) / name, account, directory=False)


def _private(path: Path, account: ServiceAccount | None, *, directory: bool) -> None:
    st = path.lstat()
    if directory:
        os.chmod(path, 0o700)
    elif (st.st_mode & 0o170000) == 0o100000 and st.st_mode & 0o077:  # regular files only (not sockets)
        os.chmod(path, st.st_mode & 0o700)
    if account is not None and (st.st_uid, st.st_gid) != (account.uid, account.gid):
        os.chown(path, account.uid, account.gid, follow_symlinks=False)


def programs(cfg: Config, available: Iterable[str]) -> tuple[list[Program], list[str]]:
    """The process list for ``cfg`` and the names of the programs skipped because their command is missing.

    ``cfg.role``: ``all`` runs everything on this box; ``front`` the SIP front (Kamailio), the job worker,
    the admin and the embedded Redis (when no ``redis_url``); ``worker`` only the SIP workers, numbered
    from ``worker_index_base``, which register to the front at ``sip_front`` (docs/scaling.md).
    """
    have = set(available)
    progs: list[Program] = []
    skipped: list[str] = []
    front, sip_workers = cfg.role in ("all", "front"), cfg.role in ("all", "worker")
    if front and not cfg.redis_url:
        progs.append(Program(name="redis", argv=redis_argv(cfg), priority=10, startsecs=1))
    if front:
        files = kamailio.KamailioFiles.for_config(cfg)
        progs.append(Program(name="kamailio", argv=tuple(kamailio.command(cfg, files)), priority=20))
    data = ("--data-dir", str(cfg.data_dir))
    if sip_workers and "sip-worker" in have:
        for i in worker_numbers(cfg):
            progs.append(Program(name=f"sip-worker-{i}", argv=ivr_argv("sip-worker", "--index", str(i), *data),
                                 priority=30, startsecs=10))
    elif sip_workers:
        skipped.append("sip-worker")
    if not front:
        return progs, skipped
    if "worker" in have:
        progs.append(Program(name="job-worker", argv=ivr_argv("worker", *data), priority=30, startsecs=5))
    else:
        skipped.append("worker")
    if "admin serve" in have:
        progs.append(Program(name="admin", argv=ivr_argv("admin", "serve", *data), priority=40, startsecs=5))
    else:
        skipped.append("admin serve")
    return progs, skipped


def worker_numbers(cfg: Config) -> range:
    """The numbers of this box's SIP workers (worker<N> in Kamailio): unique over every box behind one front."""
    return range(cfg.worker_index_base, cfg.worker_index_base + cfg.workers)


def ready_program(cfg: Config) -> Program:
    """The one-shot program that prints ``ready_line`` once the instance takes calls (``ivr up --wait-ready``)."""
    return Program(name="ready", argv=ivr_argv("up", "--wait-ready", "--data-dir", str(cfg.data_dir)),
                   priority=50, startsecs=0, stopwaitsecs=2, oneshot=True)


def child_environment(cfg: Config, base: Mapping[str, str]) -> dict[str, str]:
    """``base`` plus every setting of ``cfg`` as an IVR_* variable, so children see the same configuration."""
    env = {k: v for k, v in base.items() if not k.startswith("IVR_")}
    for f in fields(cfg):
        if f.name == "source":
            continue
        value = getattr(cfg, f.name)
        if isinstance(value, tuple):
            text = ",".join(value)
        elif isinstance(value, bool):
            text = "true" if value else "false"
        else:
            text = str(value)
        env["IVR_" + f.name.upper()] = text
    env["PYTHONUNBUFFERED"] = "1"
    return env


def _ini_value(text: str) -> str:
    if "\n" in text or "\r" in text:
        raise SupervisorError(f"ivr up: a value contains a line break: {text!r}")
    return text.replace("%", "%%")


def render_config(cfg: Config, progs: list[Program], files: RunFiles, *, user: str | None = None) -> str:
    """supervisord's configuration. With ``user`` (``ivr up`` started as root) supervisord drops to that user
    before it opens anything, and every program runs as it: no process of the instance stays root (a root
    supervisord would open logs and re-read its configuration in a folder the user owns). Every process
    gets umask 077: what it creates is its user's alone."""
    lines = [
        "; generated by `ivr up` (ivr/ops/supervisor.py); rewritten at every start",
        "[supervisord]",
        "nodaemon=true",
        f"logfile={_ini_value(str(files.log_dir / 'supervisord.log'))}",
        "logfile_maxbytes=10MB",
        "logfile_backups=3",
        "loglevel=info",
        f"pidfile={_ini_value(str(files.pidfile))}",
        f"childlogdir={_ini_value(str(files.log_dir))}",
        f"directory={_ini_value(str(cfg.data_dir))}",
        "umask=077",
        *([f"user={_ini_value(user)}"] if user is not None else []),
        "",
        "[unix_http_server]",
        f"file={_ini_value(str(files.socket))}",
        "chmod=0700",
        "",
        "[rpcinterface:supervisor]",
        "supervisor.rpcinterface_factory = supervisor.rpcinterface:make_main_rpcinterface",
        "",
        "[supervisorctl]",
        f"serverurl=unix://{_ini_value(str(files.socket))}",
        "",
    ]
    for p in progs:
        lines += [
            f"[program:{p.name}]",
            f"command={_ini_value(' '.join(shlex.quote(a) for a in p.argv))}",
            f"priority={p.priority}",
            "autostart=true",
            f"autorestart={'false' if p.oneshot else 'true'}",
            f"startsecs={p.startsecs}",
            f"startretries={0 if p.oneshot else 20}",
            "stopsignal=TERM",
            f"stopwaitsecs={p.stopwaitsecs}",
            "stopasgroup=true",
            "killasgroup=true",
            "umask=077",
        ]
        if user is not None:
            home = _ini_value(str(cfg.data_dir)).replace('"', "")
            lines += [f"user={_ini_value(user)}", f'environment=HOME="{home}",USER="{user}",LOGNAME="{user}"']
        if p.oneshot:  # supervisord's own stdout/stderr (reopened: unrotatable, so maxbytes=0)
            lines += ["redirect_stderr=false", "stdout_logfile=/dev/stdout", "stdout_logfile_maxbytes=0",
                      "stderr_logfile=/dev/stderr", "stderr_logfile_maxbytes=0", ""]
        else:
            lines += [
                "redirect_stderr=true",
                f"stdout_logfile={_ini_value(str(files.log_dir / (p.name + '.log')))}",
                "stdout_logfile_maxbytes=10MB",
                "stdout_logfile_backups=3",
                "",
            ]
    return "\n".join(lines)


def write_config(cfg: Config, progs: list[Program], *, user: str | None = None) -> RunFiles:
    files = RunFiles.for_config(cfg)
    for folder in (files.run_dir, files.log_dir, cfg.data_dir / "redis"):
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    if any(p.name == "redis" for p in progs):
        write_redis_auth(cfg)
    _write_private(files.config, render_config(cfg, progs, files, user=user))
    return files


def supervisord_argv(files: RunFiles) -> list[str]:
    return [sys.executable, "-m", "supervisor.supervisord", "-n", "-c", str(files.config)]


def supervisorctl_argv(files: RunFiles, *args: str) -> list[str]:
    return [sys.executable, "-m", "supervisor.supervisorctl", "-c", str(files.config), *args]


@dataclass(frozen=True, kw_only=True)
class PortUse:
    port: int
    kind: int  # socket.SOCK_STREAM or SOCK_DGRAM
    host: str
    what: str
    option: str  # how to change it

    @property
    def label(self) -> str:
        return f"{self.port}/{'tcp' if self.kind == socket.SOCK_STREAM else 'udp'}"


def port_plan(cfg: Config, progs: list[Program]) -> list[PortUse]:
    """Every port the instance will listen on."""
    names = {p.name for p in progs}
    plan = []
    if "kamailio" in names:
        plan.append(PortUse(port=cfg.sip_port, kind=socket.SOCK_DGRAM, host=cfg.sip_host, what="SIP (Kamailio)",
                            option="--sip-port"))
    if "redis" in names:
        plan.append(PortUse(port=cfg.redis_listen_port, kind=socket.SOCK_STREAM, host="127.0.0.1", what="Redis",
                            option="redis_port (IVR_REDIS_PORT)"))
    if any(n.startswith("sip-worker-") for n in names):
        host = "127.0.0.1" if cfg.role == "all" else cfg.sip_advertise  # where the workers bind (sip_advertise)
        for i in worker_numbers(cfg):
            plan.append(PortUse(port=cfg.worker_port_base + i, kind=socket.SOCK_DGRAM, host=host,
                                what=f"SIP worker {i}", option="worker_sip_port_base (IVR_WORKER_SIP_PORT_BASE)"))
    if "admin" in names:
        plan.append(PortUse(port=cfg.admin_port, kind=socket.SOCK_STREAM, host=cfg.admin_host, what="admin",
                            option="--admin-port"))
    return plan


def check_ports(plan: list[PortUse]) -> None:
    """Raise SupervisorError naming every port that collides or is already in use."""
    problems: list[str] = []
    seen: dict[tuple[int, int], PortUse] = {}
    for use in plan:
        key = (use.port, use.kind)
        if key in seen:
            problems.append(f"port {use.label} is planned twice: {seen[key].what} and {use.what}")
            continue
        seen[key] = use
        if not 1 <= use.port <= 65535:
            problems.append(f"port {use.port} for {use.what} is out of range; change {use.option}")
            continue
        with socket.socket(socket.AF_INET, use.kind) as s:
            if use.kind == socket.SOCK_STREAM:
                # a listener, not the connections of one that just stopped: with SO_REUSEADDR (as the
                # admin's waitress and Redis bind) Linux refuses only a port some socket listens on, not
                # one held by closing connections (FIN_WAIT/TIME_WAIT, up to a minute after Ctrl-C)
                s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            try:
                s.bind((use.host, use.port))
            except OSError as exc:
                why = "is in use" if exc.errno == errno.EADDRINUSE else f"cannot be bound ({exc.strerror})"
                problems.append(f"port {use.label} for {use.what} {why}: another instance? change {use.option}")
    if problems:
        raise SupervisorError("ivr up: " + "; ".join(problems))


# --- instances on this machine ------------------------------------------------------------------------------------

REGISTRY = Path(tempfile.gettempdir()) / "f0-hotline-instances"


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def check_other_instances(cfg: Config, *, registry: Path = REGISTRY) -> None:
    """Refuse to start on a data folder or RTP range that a running instance uses.

    (Fixed ports are checked by binding them; RTP ports are taken per call, so they are
    compared with what the other running instances recorded.)
    """
    problems: list[str] = []
    for record in sorted(registry.glob("*.json")) if registry.exists() else []:
        try:
            other = json.loads(record.read_text(encoding="utf-8"))
            pid = int(other["pid"])
        except (OSError, ValueError, KeyError, TypeError):
            continue
        if pid == os.getpid() or not _alive(pid):
            record.unlink(missing_ok=True)
            continue
        if other.get("data_dir") == str(cfg.data_dir):
            problems.append(f"data folder {cfg.data_dir} is used by the running instance with pid {pid}")
        low, high = int(other.get("rtp_port_low", 0)), int(other.get("rtp_port_high", -1))
        if low <= cfg.rtp_port_high and cfg.rtp_port_low <= high:
            problems.append(f"RTP ports {cfg.rtp_port_low}-{cfg.rtp_port_high} overlap {low}-{high} of the instance "
                            f"in {other.get('data_dir')} (pid {pid}); set rtp_port_low and rtp_port_high "
                            "(IVR_RTP_PORT_LOW, IVR_RTP_PORT_HIGH)")
    if problems:
        raise SupervisorError("ivr up: " + "; ".join(problems))


def record_instance(cfg: Config, *, registry: Path = REGISTRY) -> Path:
    """Note this instance (this pid stays supervisord's after exec) for check_other_instances."""
    registry.mkdir(parents=True, exist_ok=True)
    path = registry / f"{os.getpid()}.json"
    path.write_text(json.dumps({"pid": os.getpid(), "data_dir": str(cfg.data_dir), "sip_port": cfg.sip_port,
                                "rtp_port_low": cfg.rtp_port_low, "rtp_port_high": cfg.rtp_port_high}),
                    encoding="utf-8")
    return path


INSTANCE_KEYS = ("sip_host", "sip_port", "sip_advertise", "workers", "worker_sip_port_base", "rtp_port_low",
                 "rtp_port_high", "redis_url", "redis_port", "database_url", "admin_host", "admin_port")


def write_instance_file(cfg: Config) -> Path:
    """``<data_dir>/run/instance.toml``: this instance's wiring, read by ``ivr <command> --data-dir DIR``."""
    from ivr.config import INSTANCE_FILE

    path = cfg.data_dir / INSTANCE_FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    lines = ["# written by `ivr up`: the ports of the instance using this data folder", "[ivr]"]
    for key in INSTANCE_KEYS:
        value = cfg.redis_listen_port if key == "redis_port" else getattr(cfg, key)
        lines.append(f"{key} = {value}" if isinstance(value, int) else f"{key} = {json.dumps(str(value))}")
    _write_private(path, "\n".join(lines) + "\n")
    return path


# --- readiness ---------------------------------------------------------------------------------------------------

def _local(host: str) -> str:
    return "127.0.0.1" if host == "0.0.0.0" else host


def sip_uri(cfg: Config) -> str:
    """What to dial: any user at Kamailio (every initial INVITE goes to a worker), or at the PBX."""
    if cfg.pbx_host:
        return f"sip:{cfg.pbx_user or 'hotline'}@{cfg.pbx_host}:{cfg.pbx_port}"
    return f"sip:hotline@{cfg.sip_advertise if cfg.sip_host == '0.0.0.0' else cfg.sip_host}:{cfg.sip_port}"


def admin_url(cfg: Config) -> str:
    return f"http://{_local(cfg.admin_host)}:{cfg.admin_port}/"


def ready_line(cfg: Config) -> str:
    """The one line ``ivr up`` prints to stdout when the instance takes calls (a worker box: when its
    workers are registered to the front)."""
    if cfg.role == "worker":
        names = ", ".join(f"worker{i}" for i in worker_numbers(cfg))
        return f"ivr: ready — {names} registered to the SIP front {cfg.sip_front or cfg.pbx_host}"
    return f"ivr: ready — call {sip_uri(cfg)} (admin: {admin_url(cfg)})"


def _admin_answers(cfg: Config) -> bool:
    try:
        with urllib.request.urlopen(admin_url(cfg) + "login", timeout=2) as resp:
            return 200 <= resp.status < 500
    except urllib.error.HTTPError as exc:  # an HTTP answer all the same
        return exc.code < 500
    except (OSError, ValueError):
        return False


def _registered(files: kamailio.KamailioFiles, user: str) -> bool:
    try:
        kamailio.rpc(files, "ul.lookup", "location", user, timeout=5)
    except (kamailio.KamailioError, OSError, subprocess.SubprocessError):
        return False
    return True


def _said_ready(log: Path, name: str) -> bool:
    """Whether a SIP worker's log has its "<name> ready" line (printed once it registered)."""
    try:
        return f"{name} ready\n" in log.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return False


def not_ready(cfg: Config, names: Iterable[str]) -> list[str]:
    """What the instance still waits for, given its program names (empty: it takes calls).

    Kamailio must answer OPTIONS with 200 (a registered worker has room), every worker must be
    registered in Kamailio's location table, and the admin must answer HTTP.
    """
    names = set(names)
    waiting: list[str] = []
    if cfg.role == "worker":  # registered to a front on another box: each worker says so once it is
        log_dir = RunFiles.for_config(cfg).log_dir
        for n in sorted(names):
            if n.startswith("sip-worker-") and not _said_ready(log_dir / f"{n}.log", f"worker{n.rsplit('-', 1)[1]}"):
                waiting.append(f"worker{n.rsplit('-', 1)[1]} to register to {cfg.sip_front or cfg.pbx_host}")
        return waiting
    status = sipprobe.options(_local(cfg.sip_host), cfg.sip_port, timeout=1.0)
    if cfg.role == "front":  # its workers are on other boxes and may come later: Kamailio must answer
        if status is None:
            waiting.append(f"Kamailio to answer on {cfg.sip_host}:{cfg.sip_port}")
    elif cfg.pbx_host:  # workers register at the PBX, which this instance cannot ask; Kamailio must still answer
        if status is None:
            waiting.append(f"Kamailio to answer on {cfg.sip_host}:{cfg.sip_port}")
    else:
        if status != 200:
            waiting.append(f"Kamailio to answer OPTIONS with 200 (now {status or 'no answer'})")
        files = kamailio.KamailioFiles.for_config(cfg)
        workers = sorted(int(n.rsplit("-", 1)[1]) for n in names if n.startswith("sip-worker-"))
        waiting += [f"worker{i} to register" for i in workers if not _registered(files, f"worker{i}")]
    if "admin" in names and not _admin_answers(cfg):
        waiting.append(f"the admin to answer on {admin_url(cfg)}")
    return waiting


def write_line(line: str, fd: int = 1) -> None:
    """Write ``line`` and its newline to ``fd`` in one write(2).

    Children run with PYTHONUNBUFFERED, where ``print`` writes the text and the newline
    separately; supervisord logs to the same stdout, and its line could land between them.
    """
    sys.stdout.flush()
    data = (line + "\n").encode()
    while data:
        data = data[os.write(fd, data):]


def wait_ready(cfg: Config, names: Iterable[str], *, hint_after_s: float = 120.0, poll_s: float = 0.5,
               out: Callable[[str], None] = write_line,
               err: Callable[[str], None] = lambda line: print(line, file=sys.stderr, flush=True)) -> None:
    """Poll ``not_ready`` until it is empty, then write ``ready_line`` once to ``out``.

    Waits as long as it takes (workers load speech models; a busy machine is slow); after
    ``hint_after_s`` it says once on ``err`` what it is still waiting for.
    """
    names = list(names)
    start = time.monotonic()
    hinted = False
    while waiting := not_ready(cfg, names):
        if not hinted and time.monotonic() - start > hint_after_s:
            err(f"ivr: not ready after {hint_after_s:.0f} s, still waiting for: {'; '.join(waiting)} "
                f"(logs in {RunFiles.for_config(cfg).log_dir})")
            hinted = True
        time.sleep(poll_s)
    out(ready_line(cfg))
