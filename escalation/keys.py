"""Redis key templates and rq queue names of the escalation service.

Keys follow ``ivr:<kind>:<id>``; rq's own keys (``rq:*``) are rq's business.
"""
from __future__ import annotations

#: rq queues, most urgent first: a worker drains ``urgent`` before ``notify``.
QUEUE_URGENT = "ivr-urgent"  # notifications of emergency and high-risk cases
QUEUE_NOTIFY = "ivr-notify"  # everything else
QUEUE_CHECKIN = "ivr-checkin"  # check-in calls: planning windows, dispatching attempts, SMS notices, summaries
QUEUES: tuple[str, ...] = (QUEUE_URGENT, QUEUE_NOTIFY, QUEUE_CHECKIN)

#: Incremented on every board notification; the admin board may poll it cheaply.
BOARD_VERSION = "ivr:board:version"
#: Pub/sub channel carrying one JSON message per board notification.
BOARD_CHANNEL = "ivr:board:events"
#: Held (SET NX EX) by the one sweeper that runs at a time.
SWEEPER_LOCK = "ivr:lock:sweeper"
#: Sweeper heartbeat: the time of its last completed sweep (ISO 8601, UTC).
SWEEPER_HEARTBEAT = "ivr:sweeper:heartbeat"


def round_job_id(escalation_id: int, round_: int, generation: int) -> str:
    """rq job id of the ``generation``-th enqueue of one notification round (letters, digits, dashes only)."""
    return f"ivr-escalation-{escalation_id}-round-{round_}-{generation}"


def idempotency_key(escalation_id: int, round_: int) -> str:
    """What receivers de-duplicate on: the same for every retry and re-enqueue of one round."""
    return f"ivr-escalation-{escalation_id}-round-{round_}"


#: The dial list: ids of check-in attempts due now (RPUSH by the dispatch job, BLPOP by the SIP workers' desk).
CHECKIN_DIAL = "ivr:checkin:dial"


def checkin_job_id(kind: str, *parts: object) -> str:
    """rq job id of one timed check-in job, e.g. ``ivr-checkin-dispatch-42``: the same for every re-scheduling,
    so a restart that schedules it again replaces it instead of adding a second one."""
    return "-".join(["ivr-checkin", kind, *(str(p) for p in parts)])


def checkin_idempotency_key(kind: str, *parts: object) -> str:
    """What an SMS gateway or webhook receiver de-duplicates a check-in message on."""
    return checkin_job_id(kind, *parts)
