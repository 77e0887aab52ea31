"""A SIP worker's scheduling priority (ivr.ops.priority): raised at start when permitted, explained when not,
and decode processes stay nicer than everything else whatever their worker's value."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from ivr import config as config_mod
from ivr.errors import ConfigError
from ivr.ops.priority import nice_rlimit, raise_priority

ROOT = Path(__file__).resolve().parents[3]
as_root = pytest.mark.skipif(os.geteuid() != 0, reason="changing priorities for real needs root here")


class Fake:
    """A process's nice value and its autogroup file, as the kernel would keep them."""

    def __init__(self, tmp: Path, nice: int = 0, group: int = 0, allowed: bool = True, leader: bool = True):
        self.nice, self.allowed, self.leader = nice, allowed, leader
        self.group = tmp / "autogroup"
        self.group.write_text(f"/autogroup-42 nice {group}\n")

    def set(self, value: int) -> None:
        if not self.allowed and value < self.nice:
            raise PermissionError(1, "Operation not permitted")
        self.nice = value

    def run(self, nice: int):  # noqa: ANN201 - PriorityResult
        return raise_priority(nice, getpriority=lambda: self.nice, setpriority=self.set,
                              session_leader=lambda: self.leader, autogroup=self.group)


def test_a_session_leading_worker_raises_itself_and_its_group(tmp_path: Path) -> None:
    fake = Fake(tmp_path)
    result = fake.run(-10)
    assert (fake.nice, result.nice, result.refused) == (-10, -10, "")
    assert fake.group.read_text() == "-10"  # the kernel would show "/autogroup-42 nice -10"
    assert result.describe().startswith("nice -10")


def test_a_worker_in_a_shared_session_leaves_the_group_alone(tmp_path: Path) -> None:
    """Under supervisord every program shares one session: raising its group raises them all."""
    fake = Fake(tmp_path, leader=False)
    result = fake.run(-10)
    assert (result.nice, result.autogroup_nice, result.refused) == (-10, 0, "")
    assert fake.group.read_text() == "/autogroup-42 nice 0\n"


def test_a_refusal_is_explained_and_the_worker_keeps_running(tmp_path: Path) -> None:
    fake = Fake(tmp_path, allowed=False)
    result = fake.run(-10)
    assert fake.nice == 0 and result.nice == 0
    assert result.refused.startswith("not permitted to lower the nice value to -10: run the worker as root, "
                                     "give it CAP_SYS_NICE, or raise its RLIMIT_NICE to 30")
    assert "(not permitted" in result.describe()


def test_never_made_nicer_and_zero_changes_nothing(tmp_path: Path) -> None:
    already = Fake(tmp_path, nice=-15, group=-15)
    assert already.run(-10).nice == -15 and already.nice == -15  # the operator's stronger value stays
    unchanged = Fake(tmp_path, nice=5)
    result = unchanged.run(0)
    assert (unchanged.nice, result.nice, result.autogroup_nice) == (5, 5, 0)


def test_no_autogroups_plain_nice_still_applies(tmp_path: Path) -> None:
    fake = Fake(tmp_path)
    fake.group.unlink()
    result = fake.run(-5)
    assert (result.nice, result.autogroup_nice, result.refused) == (-5, None, "")


def test_rlimit_and_config_bounds() -> None:
    assert (nice_rlimit(0), nice_rlimit(-10), nice_rlimit(-20)) == (20, 30, 40)
    assert config_mod.Config().worker_nice == -10
    with pytest.raises(ConfigError, match=r"key 'worker_nice': expected -20 \(first\) to 0 \(unchanged\), got 3"):
        config_mod.load(env={"IVR_WORKER_NICE": "3"}, path=None)


PROBE = """
import json, os, sys
from ivr.ops.priority import raise_priority
r = raise_priority(int(sys.argv[1]))
print(json.dumps({"nice": os.getpriority(os.PRIO_PROCESS, 0), "group": open("/proc/self/autogroup").read().split()[-1],
                  "refused": r.refused}))
"""


def _probe(nice: int, **popen: object) -> dict[str, object]:
    out = subprocess.run([sys.executable, "-c", PROBE, str(nice)], capture_output=True, text=True, check=True,
                         timeout=60, cwd=ROOT, start_new_session=True, **popen)  # type: ignore[call-overload]
    return json.loads(out.stdout)


@pytest.mark.skipif(not Path("/proc/self/autogroup").exists(), reason="kernel without autogroups")
def test_for_real_a_worker_started_in_its_own_session() -> None:
    seen = _probe(-7)
    if os.geteuid() == 0:
        assert seen == {"nice": -7, "group": "-7", "refused": ""}
    else:
        assert seen["nice"] == os.getpriority(os.PRIO_PROCESS, 0)
        assert str(seen["refused"]).startswith("not permitted to lower the nice value to -7")


def _can_raise_nice_limit() -> bool:
    import resource

    soft, hard = resource.getrlimit(resource.RLIMIT_NICE)
    try:  # in a child: the test process's own limit stays as it is
        return subprocess.run([sys.executable, "-c", "import resource; resource.setrlimit(resource.RLIMIT_NICE, "
                               "(30, 30))"], capture_output=True, timeout=60, check=False).returncode == 0
    except OSError:
        return False


@pytest.mark.skipif(not shutil.which("setpriv"), reason="util-linux setpriv not installed")
@as_root
def test_for_real_without_cap_sys_nice_only_the_rlimit_ivr_up_sets_allows_it() -> None:
    """A worker without CAP_SYS_NICE (the service user ``ivr up`` drops to) is refused and says how to grant
    it; with the RLIMIT_NICE ``ivr up`` sets as root before supervisord drops privileges, it gets its value."""
    import resource

    drop = ["setpriv", "--bounding-set", "-sys_nice", "--inh-caps", "-sys_nice"]

    def probe(limit: int) -> dict[str, object]:
        def preexec() -> None:
            resource.setrlimit(resource.RLIMIT_NICE, (limit, limit))

        out = subprocess.run(drop + [sys.executable, "-c", PROBE, "-10"], capture_output=True, text=True,
                             check=True, timeout=60, cwd=ROOT, start_new_session=True, preexec_fn=preexec)
        return json.loads(out.stdout)

    refused = probe(0)
    assert refused["nice"] == 0 and refused["group"] == "0"
    assert str(refused["refused"]).startswith("not permitted to lower the nice value to -10: run the worker as root")
    if not _can_raise_nice_limit():
        pytest.skip("root without CAP_SYS_RESOURCE here: RLIMIT_NICE cannot be raised (refusal checked above)")
    granted = probe(nice_rlimit(-10))
    assert granted == {"nice": -10, "group": "-10", "refused": ""}


@as_root
def test_decode_processes_stay_nice_under_a_raised_worker() -> None:
    """A decode process of a worker at -10 runs at nice 10 (not 0) in a session of its own."""
    code = ("import os; os.setpriority(os.PRIO_PROCESS, 0, -10)\n"
            "from ivr.speech.streampool import _lower_priority; _lower_priority()\n"
            "print(os.getpriority(os.PRIO_PROCESS, 0), open('/proc/self/autogroup').read().split()[-1])")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60,
                         cwd=ROOT).stdout.split()
    assert out == ["10", "10"]
