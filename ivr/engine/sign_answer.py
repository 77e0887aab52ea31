"""Whether a spoken state answers the yes/no question asked (session 19, n39-signs-yesno).

A state said instead of a yes/no ("vẫn tỉnh", "môi hồng", "bình thường": ``Understanding.state_answer``)
is a "no" only at a warning-sign question about a sign it speaks to: "vẫn tỉnh" answers "Người bệnh có lơ
mơ, khó gọi dậy không?" but not "Môi hay đầu ngón tay có tím không?" (asked again), and no state answers
"có máy đo không?" or a read-back.
"""
from __future__ import annotations

from dataclasses import replace

from ivr.engine.understanding import Understanding

#: The family of a state that says every sign is absent ("bình thường", "ổn").
ANY = "any"


def as_answer(u: Understanding, sign: str | None) -> Understanding:
    """``u`` as the answer to a question about ``sign``: a checklist item's symptom, "" for an item about no
    one sign ("gia đình có thấy bất ổn không?": only a state of every sign answers it), None for any other
    question. A state's "no" that does not speak to the sign becomes "unknown" (the question is asked again)."""
    if not u.state_answer or u.intent != "no":
        return u
    if sign is not None and (ANY in u.state_answer or (sign and sign in u.state_answer)):
        return u
    return replace(u, intent="unknown")
