"""Session 22 (n58-calls10): a need that a person must handle now, said in any answer.

* ``oxygen_supply``: the patient breathes from home oxygen and is losing it: the cylinder is nearly empty or empty
  ("bình ô xy tui đang thở sắp hết rồi, còn chút xíu"), the concentrator broke or lost power while the patient
  breathes from it ("máy tạo ô xy hư rồi, mạ tui đang thở máy"). Needing oxygen at home is itself a mark of severe
  illness (SpO2 < 94% without it, MoH treatment guideline: triage.md), so a patient about to lose it needs a doctor
  now, whatever the patient said of his health before ("khỏe"). Only a supply the patient depends on now counts: a
  spare cylinder, a question about buying one, a device the patient no longer needs ("máy tạo ô xy hư rồi, mà mẹ tôi
  khỏi rồi không cần thở nữa") or oxygen only supposed ("nếu hết ô xy thì sao") say nothing urgent (the knowledge
  base answers them; a calm broken device is ``ivr.nlu.others``'s kind).

Pure token patterns over ``ivr.nlu.normalize.tokenize`` ("ô xi", "ôxy" already rewritten to "oxy").
"""
from __future__ import annotations

from collections.abc import Sequence

from ivr.nlu.normalize import BREAK, fold, token_matches, tokenize

# session 22 (n58-calls10): oxygen supply
#: the supply failing: nearly empty or empty, broken, no power ("sắp hết", "hư rồi", "cúp điện")
_FAILING = (("sắp", "hết"), ("gần", "hết"), ("hết", "oxy"), ("hết", "bình"), ("bình", "hết"), ("hết", "sạch"),
            ("còn", "chút"), ("còn", "ít"), ("còn", "xíu"), ("cạn",), ("hư",), ("hỏng",), ("không", "chạy"),
            ("không", "lên"), ("mất", "điện"), ("cúp", "điện"), ("chết", "máy"), ("máy", "chết"), ("đứng", "máy"))
#: the patient breathes from it now ("đang thở", "thở oxy", "thở máy", "phải thở", "đang dùng")
_DEPENDS = (("đang", "thở"), ("thở", "oxy"), ("thở", "máy"), ("phải", "thở"), ("cần", "thở"), ("thở", "bằng"),
            ("đang", "dùng"), ("đang", "xài"), ("đang", "chạy"), ("đang", "cắm"), ("thở", "bình"))
#: no dependence now: a spare, no need, stopped needing it, a supposition or a plan
_NOT_NOW = (("dự", "phòng"), ("không", "cần"), ("hổng", "cần"), ("chẳng", "cần"), ("không", "còn", "thở"),
            ("không", "thở", "oxy"), ("hết", "thở"), ("thôi", "thở"), ("không", "dùng"), ("không", "xài"),
            ("nếu",), ("lỡ",), ("giả", "sử"), ("phòng", "khi"), ("để", "sẵn"), ("mua", "sẵn"), ("khỏi", "rồi"),
            ("hết", "bệnh"), ("khỏe", "rồi", "không"))
_NEGATORS = ("không", "chưa", "chẳng", "chả")


def _at(toks: Sequence[str], i: int, words: Sequence[str]) -> bool:
    return i + len(words) <= len(toks) and all(token_matches(toks[i + k], w) for k, w in enumerate(words))


def _finds(toks: Sequence[str], words: Sequence[str]) -> list[int]:
    return [i for i in range(len(toks)) if _at(toks, i, words)]


def _said(toks: Sequence[str], patterns: Sequence[Sequence[str]]) -> bool:
    """One of ``patterns`` said, and not denied by a negator within two words before it ("không hư")."""
    for words in patterns:
        for i in _finds(toks, words):
            if words[0] in _NEGATORS or not any(
                    any(token_matches(t, n) for n in _NEGATORS) for t in toks[max(0, i - 2):i]):
                return True
    return False


def oxygen_supply(text: str) -> bool:
    """Does the caller say the patient breathes from home oxygen and is losing it (empty, broken, no power)?"""
    folded = fold(text or "")
    if "oxy" not in folded and "o xy" not in folded and "oxi" not in folded and "o xi" not in folded:
        return False
    toks = [t for t in tokenize(text or "") if t != BREAK]
    if not any(token_matches(t, "oxy") for t in toks):
        return False
    if any(_finds(toks, w) for w in _NOT_NOW):
        return False
    return _said(toks, _FAILING) and _said(toks, _DEPENDS)


def urgent_need(text: str) -> str:
    """The need a person must handle now that ``text`` says ("oxygen_supply"), or ""."""
    return "oxygen_supply" if oxygen_supply(text) else ""
