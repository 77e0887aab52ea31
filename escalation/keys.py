"""Redis key templates and rq queue names of the escalation service.

Keys follow ``ivr:<kind>:<id>``; rq's own keys (``rq:*``) are rq's business.
"""
from __future__ import annotations

#: rq queues, most urgent first: a worker drains ``urgent`` before ``notify``.
QUEUE_URGENT = "ivr-urgent"  # notifications of emergency and high-risk cases
QUEUE_NOTIFY = "ivr-notify"  # everything else
QUEUES: tuple[str, ...] = (QUEUE_URGENT, QUEUE_NOTIFY)

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
