"""Session 22b (n59-s19-elderly): an old person's fall with a faint (data: ``ivr/nlu/data/elderly.yaml``).

"Tôi chín mươi hai tuổi, sáng nay ngã trong nhà tắm, nằm đó một lúc mới tỉnh", "ông té cái rầm, một hồi mới hoàn
hồn": a fall, then a while before coming to, is a loss of consciousness (``altered_consciousness``, decision 261 sign
7), even when the caller never says "xỉu". ``fall_faint(toks)``: one of ``fall_words``, then in its clause or the
next one of ``fall_waits`` ("một lúc", "mấy phút") followed within three words by "mới" and one of ``came_to``. Calm
twins: "trượt chân ngã, đứng dậy được ngay", "ngủ một giấc mới tỉnh" (no fall).
"""
from __future__ import annotations

from collections.abc import Iterator, Sequence

from ivr.nlu import lexicon as lx
from ivr.nlu.matcher import Match, Matcher, table
from ivr.nlu.normalize import BREAK

SIGN = "altered_consciousness"
_w = lx.LEXICON.words
_FALLS = Matcher(table(*_w("elderly", "fall_words")))
_WAITS = Matcher(table(*_w("elderly", "fall_waits")))
_CAME_TO = Matcher(table(*_w("elderly", "came_to")))
_RELIEVERS = Matcher(table(*_w("elderly", "relievers")))
_FAILED = Matcher(table(*_w("elderly", "reliever_failed")))
_LUNG = Matcher(table(*_w("elderly", "lung_words")))
_BREATH_LINKS = Matcher(table(*_w("elderly", "breath_links")))
_BREATH_FINE = Matcher(table(*_w("elderly", "breath_fine")))
_BREATH_FINE_BARE = Matcher(table(*_w("elderly", "breath_fine_bare")))
_BREATH_NOT_BEFORE = frozenset(_w("elderly", "breath_not_before"))
_SOMEONE = Matcher(table(*_w("elderly", "someone_openers")))
_HOUSEHOLD = Matcher(table(*_w("elderly", "someone_household"), *lx.PERSONS))
_ASKING = ("hỏi", "muốn", "xin", "định")
_SOMEONE_ASKS = Matcher(table(*_w("elderly", "someone_asks")))
_SOMEONE_NOW = Matcher(table(*_w("elderly", "someone_now")))
#: how many words may stand between a reliever and its failure ("xịt thuốc năm sáu lần rồi mà vẫn không đỡ")
_RELIEVER_REACH = 7
#: how many words may stand between the while and "mới" ("một lúc lâu sau mới tỉnh")
_REACH = 3


def fall_faint(toks: Sequence[str]) -> Match | None:
    """The fall, then a while before the patient came to (see the module), as a match of the sign, or None."""
    falls = _FALLS.find(toks)
    if not falls:
        return None
    for f in falls:
        for k in _ahead(toks, f.end, len(toks)):
            w = _WAITS.at(toks, k)
            end = _came_to_after(toks, w.end) if w is not None else 0
            if end:
                return Match(f.start, end, SIGN, " ".join(toks[f.start:end]))
    return None


def _ahead(toks: Sequence[str], start: int, stop: int) -> Iterator[int]:
    """The word positions from ``start`` to ``stop`` in the clause and the next one (a second break ends them)."""
    breaks = 0
    for k in range(start, stop):
        if toks[k] == BREAK:
            breaks += 1
            if breaks > 1:
                return
            continue
        yield k


def _came_to_after(toks: Sequence[str], i: int) -> int:
    """The end of "mới" and a came-to word within reach after ``i``, or 0."""
    for k in range(i, min(i + _REACH + 1, len(toks) - 1)):
        if toks[k] == BREAK:
            return 0
        c = _CAME_TO.at(toks, k + 1) if toks[k] == "mới" else None
        if c is not None:
            return c.end
    return 0


def reliever_failed(toks: Sequence[str]) -> Match | None:
    """A lung patient's reliever said not to help ("xịt thuốc năm sáu lần không đỡ", "xịt mãi không ăn thua"), as a
    match of ``shortness_of_breath`` from the reliever to the failure, or None (elderly.yaml ``relievers``)."""
    relievers = _RELIEVERS.find(toks)
    if not relievers or not _LUNG.find(toks):
        return None
    for r in relievers:
        for k in _ahead(toks, r.end, min(r.end + _RELIEVER_REACH + 1, len(toks))):
            f = _FAILED.at(toks, k)
            if f is not None:
                return Match(r.start, f.end, "shortness_of_breath", " ".join(toks[r.start:f.end]))
    return None


def breath_fine(toks: Sequence[str]) -> Match | None:
    """Breathing said to be fine ("thở thì được", "thở vẫn được", "thở thì bình thường", "thở êm"), as a match of
    ``shortness_of_breath`` to be read as denied, or None (elderly.yaml ``breath_fine``)."""
    for i, t in enumerate(toks):
        if t == "thở" and i > 0 and toks[i - 1] == "dễ" and not (i > 1 and toks[i - 2] in _BREATH_NOT_BEFORE) and (
                i + 1 >= len(toks) or toks[i + 1] not in ("hơn", "nhưng", "mà", "chút", "tí")):
            # session 22b (lead): the ease said first ("tháo khẩu trang ra là dễ thở ngay"), never "không dễ thở",
            # nor "dễ thở hơn" (better than before: the sign may remain)
            return Match(i - 1, i + 1, "shortness_of_breath", f"dễ {t}")
        if t != "thở" or (i > 0 and toks[i - 1] in _BREATH_NOT_BEFORE) or (
                i > 1 and f"{toks[i - 2]} {toks[i - 1]}" in _BREATH_NOT_BEFORE):
            continue
        link = _BREATH_LINKS.at(toks, i + 1) if i + 1 < len(toks) else None
        k = link.end if link is not None else i + 1
        fine = (_BREATH_FINE if link is not None else _BREATH_FINE_BARE).at(toks, k) if k < len(toks) else None
        if fine is not None and (fine.end >= len(toks) or toks[fine.end] not in ("nhưng", "mà", "chút", "tí")):
            return Match(i, fine.end, "shortness_of_breath", " ".join(toks[i:fine.end]))
    return None


def someone_supposed(before: Sequence[str], sign: Sequence[str], after: Sequence[str]) -> bool:
    """A question about anyone with the sign, not about the household ("ở rẫy xa, có người bệnh thở mệt thì gọi số
    nào"): ``before`` the sign's clause words before it, ``sign`` its words, ``after`` those after it (elderly.yaml
    ``someone_openers``)."""
    opener = next(iter(_SOMEONE.find(before)), None)
    pre = before[:opener.start] if opener is not None else ()
    # the caller who asks is no patient ("tôi hỏi trước ngoài đảo có người ...")
    household = [h for h in _HOUSEHOLD.find(pre) if not (h.end < len(pre) and pre[h.end] in _ASKING)]
    if opener is None or household or _SOMEONE_NOW.find([*before[opener.end:], *sign, *after]):
        return False
    then = next((k for k, t in enumerate(after) if t == "thì"), None)
    return then is not None and bool(_SOMEONE_ASKS.find(after[then + 1:]))
