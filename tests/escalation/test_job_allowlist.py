"""Whoever reaches Redis can write rq jobs: the hotline's worker runs only its own, and loads none as pickle.

A real Redis (with its password) and a real ``ivr worker --burst``: jobs naming ``os.system`` (JSON and
pickled), a pickle that would run a command while being loaded, and a hotline job with a callback are
refused, recorded as failed with the reason and logged; none of their commands runs, and a real case
queued at the same time is still delivered.
"""
from __future__ import annotations

import os
import re
from pathlib import Path

import redis as redis_lib
from rq import Queue
from rq.job import JobStatus
from rq.serializers import JSONSerializer

from escalation import jobs, keys, queue

from .conftest import ARTIFACTS, wait_until


class _RunsOnLoad:
    """Pickled, it runs a shell command the moment it is unpickled."""

    def __init__(self, command: str) -> None:
        self.command = command

    def __reduce__(self):  # type: ignore[no-untyped-def]
        return (os.system, (self.command,))


def test_the_worker_refuses_jobs_that_are_not_the_hotline_s_own(db, cfg, people, redis_url, receiver, workers,
                                                                 tmp_path: Path) -> None:
    cfg = cfg.replace(redis_url=redis_url, escalation_processes=1, webhook_urls=(receiver.url(),))
    conn = redis_lib.Redis.from_url(redis_url)
    marks = {name: tmp_path / f"pwned-{name}" for name in ("json", "pickle", "onload", "callback")}
    hostile = [
        # rq's own JSON, naming a function that is not the hotline's
        Queue(keys.QUEUE_URGENT, connection=conn, serializer=JSONSerializer).enqueue(
            "os.system", f"touch {marks['json']}"),
        # rq's default pickle, naming os.system
        Queue(keys.QUEUE_URGENT, connection=conn).enqueue(os.system, f"touch {marks['pickle']}"),
        # a pickle whose loading alone runs the command (the function named is harmless)
        Queue(keys.QUEUE_NOTIFY, connection=conn).enqueue(print, _RunsOnLoad(f"touch {marks['onload']}")),
        # the hotline's own function, with a callback that is not
        Queue(keys.QUEUE_NOTIFY, connection=conn, serializer=JSONSerializer).enqueue(
            "escalation.jobs.deliver_round", 999999, 0, on_failure="os.system", on_success="os.system"),
    ]
    case = queue.create(db, risk="emergency", reason="khó thở", patient_id=people.patients["lan"], redis=conn,
                        cfg=cfg)

    proc = workers.start(cfg, "--burst")
    assert proc.wait(timeout=120) == 0

    wait_until(lambda: receiver.ids() == {case}, 10, "the real case's notification")
    assert [name for name, path in marks.items() if path.exists()] == []  # nothing the jobs named ran
    for job in hostile:
        again = jobs.HotlineJob.fetch(job.id, connection=conn, serializer=jobs.SERIALIZER)
        assert again.get_status() == JobStatus.FAILED, job.id
        assert re.search(r"\.(JobRefused|UnreadableJob): refused: ", again.latest_result().exc_string or ""), job.id
    log = (ARTIFACTS / f"{workers.name}-worker0.log").read_text(errors="replace")
    for job, why in zip(hostile, ("function 'os.system' is not one of the hotline's jobs",
                                  "its data is not the hotline's JSON",
                                  "its data is not the hotline's JSON",
                                  "it names callbacks (success_callback_name, failure_callback_name)")):
        assert f"refused rq job {job.id} from queue {job.origin}: {why}" in log
    assert cfg.redis_url.split("@")[0] not in log  # the password stays out of the log
