"""What espeak-ng gets wrong, syllable by syllable, as the hotline's recognizer hears it.

    .venv/bin/python bench/espeak_words.py [--min-count N] [--limit N] [--json PATH]
    .venv/bin/python bench/espeak_words.py --search [--min-count N] [--limit N] [--words W ...]

Every word (syllable) of the catalog prompts (prompts/vi.yaml, slots filled as bench/tts_wer.py
fills them) and of the knowledge answers (callflows/knowledge), verbalized as the espeak
synthesizer reads it, is said by espeak-ng in three short carrier phrases; the recognizer
(viet-asr, through the call path) transcribes each, the heard words are aligned with the said
ones by the word edit distance of ``ivr.tts.hearing`` and the word heard at the syllable's
place is reported. A syllable heard right in at most one carrier is "misheard"; the table says
what it was heard as and whether the tone, the vowel or the initial consonant differs.

``--search`` looks for respellings of the misheard syllables that espeak-ng reads so that the
recognizer hears the intended syllable (other spellings of the same sound, and espeak-ng phoneme
codes ``[[...]]`` with a tone contour a checked syllable (final p, t, c, ch) can never carry, so that
the respelling is never another real word; spellings that are, or sound exactly like, another word
of the project's texts are refused too). A candidate is tried in the carriers and
in up to ``--contexts`` real sentences of the catalog that contain the syllable; it is kept when
it is heard right in at least two more places (carriers or sentences, at least one a sentence)
than the plain spelling, and the places have fewer word errors in total. Kept candidates are printed as YAML for
prompts/espeak_pronunciations.yaml (the file is written by hand from them, with the reason).

The pronunciation entries already in prompts/espeak_pronunciations.yaml are NOT applied here
(``--with-entries`` applies them, to see what is still misheard). Not run in CI.
"""
from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from tts_wer import SAMPLE_VALUES  # noqa: E402

from ivr import ROOT, audio  # noqa: E402
from ivr import config as config_mod  # noqa: E402
from ivr.engine.prompts import load_catalog  # noqa: E402
from ivr.speech.recognizer import Recognizer, open_recognizer  # noqa: E402
from ivr.tts.espeak import EspeakSynthesizer  # noqa: E402
from ivr.tts.hearing import OFFENSIVE, edit_distance, words  # noqa: E402
from ivr.tts.pronunciation import Entry, Pronunciations, load_pronunciations, split_tone  # noqa: E402
from ivr.tts.verbalize import verbalize  # noqa: E402

#: Carrier phrases: the syllable alone, after words the voice says clearly, between them.
CARRIERS = ("{w}.", "bấm phím {w} nhé.", "cảm ơn {w}, cảm ơn.")


def alignment(ref: list[str], hyp: list[str]) -> list[list[str]]:
    """For each reference word, the hypothesis words aligned with it (empty: deleted).

    Same costs as ``ivr.tts.hearing.edit_distance``; inserted words go to the preceding reference word.
    """
    n, m = len(ref), len(hyp)
    d = [[0] * (m + 1) for _ in range(n + 1)]
    for i in range(n + 1):
        d[i][0] = i
    for j in range(m + 1):
        d[0][j] = j
    for i in range(1, n + 1):
        for j in range(1, m + 1):
            d[i][j] = min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (ref[i - 1] != hyp[j - 1]))
    out: list[list[str]] = [[] for _ in ref]
    i, j = n, m
    while i > 0 or j > 0:
        if i > 0 and j > 0 and d[i][j] == d[i - 1][j - 1] + (ref[i - 1] != hyp[j - 1]):
            out[i - 1].insert(0, hyp[j - 1])
            i, j = i - 1, j - 1
        elif j > 0 and (i == 0 or d[i][j] == d[i][j - 1] + 1):
            out[max(0, i - 1)].insert(0, hyp[j - 1])
            j -= 1
        else:
            i -= 1
    return out


class Ear:
    """espeak-ng (the hotline's synthesizer, 8 kHz) into the recognizer; remembers what it heard."""

    def __init__(self, rate: int | None = None, pronunciations: Pronunciations | None = None):
        cfg = config_mod.load(tts_rate=rate)
        self.synth = EspeakSynthesizer(voice=cfg.tts_voice, rate=cfg.tts_rate,
                                       pronunciations=pronunciations or Pronunciations.empty())
        started = time.perf_counter()
        self.rec: Recognizer = open_recognizer(cfg, "vietasr")
        print(f"recognizer loaded in {time.perf_counter() - started:.1f} s; voice {self.synth.voice_id}",
              file=sys.stderr, flush=True)
        self._memo: dict[str, list[str]] = {}
        self.calls = 0

    def hear(self, text: str, respelled: tuple[str, str] | None = None) -> list[str]:
        """What the recognizer hears in ``text``; ``respelled`` (word, spelling) as one pronunciation entry."""
        key = f"{text}\0{respelled}"
        if key not in self._memo:
            base = self.synth.pronunciations
            if respelled:
                word, say = respelled
                self.synth.pronunciations = Pronunciations({**base.entries, word: Entry(word, say, "search")}, "search")
            try:
                pcm, rate = self.synth.synthesize(text)
            finally:
                self.synth.pronunciations = base
            self._memo[key] = words(self.rec.transcribe_all(audio.resample(pcm, rate, audio.TELEPHONE_RATE),
                                                             audio.TELEPHONE_RATE))
            self.calls += 1
        return self._memo[key]

    def heard_at(self, said: str, ref: list[str], index: int) -> tuple[str, list[str]]:
        """What was heard at word ``index`` of ``ref`` when ``said`` (ref, possibly respelled) was spoken."""
        hyp = self.hear(said)
        return " ".join(alignment(ref, hyp)[index]), hyp

    def close(self) -> None:
        self.synth.close()


def sources() -> dict[str, str]:
    """Every spoken text: catalog prompts (sample slot values) and knowledge answers (and follow-ups)."""
    from ivr.nlu.knowledge import load_knowledge

    cfg = config_mod.load()
    catalog = load_catalog(cfg.prompts_catalog)
    texts = {pid: catalog.text(pid, SAMPLE_VALUES.get(pid, {n: "một" for n in catalog.placeholders(pid)}))
             for pid in catalog.texts}
    for entry in load_knowledge().entries.values():
        texts[f"kb_{entry.topic}"] = entry.answer
        follow = getattr(entry, "follow_up", None)
        if follow:
            texts[f"kb_{entry.topic}_more"] = follow
    return texts


def sentences(texts: Iterable[str]) -> list[str]:
    """Verbalized sentences (split at . ? ! ;), as the synthesizer receives them."""
    out: list[str] = []
    for text in texts:
        for s in re.split(r"(?<=[.?!;])\s+", verbalize(text)):
            if words(s) and s not in out:
                out.append(s)
    return out


def syllable_counts(texts: Iterable[str]) -> Counter[str]:
    return Counter(w for t in texts for w in words(verbalize(t)))


def difference(said: str, heard: str) -> str:
    """What differs between two syllables: tone, vowel/final (rhyme), initial consonant."""
    if not heard:
        return "dropped"
    if " " in heard:
        return "split"
    if said == heard:
        return ""
    (s_base, s_tone), (h_base, h_tone) = split_tone(said), split_tone(heard)
    parts = []
    s_init, s_rhyme = _initial(s_base)
    h_init, h_rhyme = _initial(h_base)
    if s_init != h_init:
        parts.append("initial")
    if s_rhyme != h_rhyme:
        parts.append("rhyme")
    if s_tone != h_tone:
        parts.append("tone")
    return "+".join(parts) or "spelling"


_INITIALS = sorted(["ngh", "ng", "nh", "gh", "gi", "kh", "ph", "th", "tr", "ch", "qu", "b", "c", "d", "đ", "g", "h",
                    "k", "l", "m", "n", "p", "r", "s", "t", "v", "x"], key=len, reverse=True)


def _initial(base: str) -> tuple[str, str]:
    for init in _INITIALS:
        if base.startswith(init) and len(base) > len(init):
            return init, base[len(init):]
    return "", base


def survey(ear: Ear, counts: Counter[str], min_count: int, limit: int | None) -> list[dict[str, Any]]:
    rows = []
    chosen = [w for w, c in counts.most_common() if c >= min_count][:limit]
    for n, w in enumerate(chosen, 1):
        heard = []
        for carrier in CARRIERS:
            said = carrier.format(w=w)
            ref = words(said)
            heard.append(ear.heard_at(said, ref, ref.index(w))[0])
        right = sum(h == w for h in heard)
        diffs = Counter(difference(w, h) for h in heard if h != w)
        rows.append({"word": w, "count": counts[w], "right": right, "heard": heard,
                     "what": diffs.most_common(1)[0][0] if diffs else ""})
        if n % 25 == 0:
            print(f"  {n}/{len(chosen)} syllables", file=sys.stderr, flush=True)
    return rows


def print_table(rows: list[dict[str, Any]]) -> None:
    print(f"{'syllable':<10} {'count':>5} {'right':>5}  {'what differs':<16} heard in: " + " | ".join(CARRIERS))
    for r in sorted(rows, key=lambda r: (r["right"], -r["count"])):
        print(f"{r['word']:<10} {r['count']:>5} {r['right']:>3}/3  {r['what']:<16} " + " | ".join(
            h or "-" for h in r["heard"]))
    misheard = [r for r in rows if r["right"] <= 1]
    tokens = sum(r["count"] for r in rows)
    bad_tokens = sum(r["count"] for r in misheard)
    kinds = Counter(r["what"] for r in misheard)
    print(f"\n{len(misheard)} of {len(rows)} syllables misheard (right in at most 1 of 3 carriers), "
          f"{bad_tokens} of {tokens} spoken syllables; what differs: "
          + ", ".join(f"{k or '?'} {v}" for k, v in kinds.most_common()))


# -- respelling search ------------------------------------------------------------------


def phonemes(word: str, voice: str = "vi") -> str:
    """espeak-ng's phoneme codes for one word (``espeak-ng -x``), e.g. 'bác' -> "b'a:3c"."""
    out = subprocess.run(["espeak-ng", "-v", voice, "-q", "-x", word], capture_output=True, text=True,
                         check=True).stdout
    return out.strip().replace("_|", " ").replace("_", "").strip()


_TONE_DIGIT = re.compile(r"([1-7])")
#: Spellings of the same sound that Vietnamese orthography does not use, so never another real word
#: (gi/d/r, s/x and tr/ch are left out: in the standard spelling those pairs are different words).
_SPELLING_SWAPS = (("qu", "kw"), ("c", "k"), ("k", "c"), ("y", "i"), ("i", "y"), ("oa", "wa"), ("uy", "wi"))


def candidates(word: str) -> list[str]:
    """Other ways to have espeak-ng say ``word``: spellings of the same sound and phoneme codes."""
    from ivr.tts.pronunciation import move_tone_mark

    out: list[str] = []
    moved = move_tone_mark(word)
    if moved != word:
        out.append(moved)
    base, tone = split_tone(word)
    init, rhyme = _initial(base)
    for a, b in _SPELLING_SWAPS:
        if init == a and a in ("qu", "c", "k") and (a != "c" or rhyme[:1] in "aăâoôơuư") and (
                a != "k" or rhyme[:1] in "ieêy"):
            out.append(_with_tone(b + rhyme, tone))
        elif (a in ("y", "i") and rhyme == a) or (a in ("oa", "uy") and a in rhyme):  # sĩ/sỹ, not máy/mái
            out.append(_with_tone(init + rhyme.replace(a, b, 1), tone))
    code = phonemes(word)
    match = _TONE_DIGIT.search(code)
    if code and " " not in code and match and checked(word):
        # A checked syllable (final p, t, c, ch) only ever carries sắc or nặng: espeak-ng's level, falling,
        # hỏi or ngã contour on it cannot be another real word, only another way of saying this one.
        for t in "1245":
            if t != match.group(1):
                out.append(f"[[{code[:match.start()]}{t}{code[match.end():]}]]")
    return [c for c in dict.fromkeys(out) if c != word and c not in OFFENSIVE]


def checked(word: str) -> bool:
    """Ends in a stop (p, t, c, ch): Vietnamese allows only the sắc and nặng tones there."""
    return split_tone(word)[0].endswith(("p", "t", "c", "ch"))


def _with_tone(base: str, tone: str) -> str:
    from ivr.tts.pronunciation import add_tone

    return add_tone(base, tone)


def lexicon() -> set[str]:
    """Vietnamese words the project writes or hears (catalog, knowledge, rules, labelled caller utterances).

    No general Vietnamese lexicon is installed; this one covers the hotline's domain, so the real-word guard
    below catches the likely confusions, not every word of the language.
    """
    found: set[str] = set()
    files = [*(ROOT / "prompts").glob("*.yaml"), *(ROOT / "callflows").rglob("*.yaml"),
             *(ROOT / "escalation" / "rules").glob("*.yaml"), *(ROOT / "tests" / "data").glob("*.jsonl"),
             *(ROOT / "tests" / "data" / "heldout").rglob("*.jsonl")]
    for f in files:
        if f.name != "espeak_pronunciations.yaml":
            found |= {w for w in words(f.read_text(encoding="utf-8")) if w.isalpha()}
    return found


def sound(code: str) -> str:
    """A phoneme code compared by sound: stress marks dropped, clause-final level tone 7 as level tone 1."""
    return code.replace("'", "").replace(",", "").replace("7", "1")


class RealWordGuard:
    """Refuses a respelling that is, or sounds exactly like (same espeak-ng phonemes), another known word."""

    def __init__(self, known: set[str]):
        self.known = known
        ordered = sorted(known)
        out = subprocess.run(["espeak-ng", "-v", "vi", "-q", "-x", "--stdin"], input="\n".join(ordered),
                             capture_output=True, text=True, check=True).stdout
        codes = [c.replace("_|", " ").replace("_", "").strip() for c in out.splitlines() if c.strip()]
        self.by_sound: dict[str, set[str]] = {}
        if len(codes) == len(ordered):
            for w, c in zip(ordered, codes, strict=True):
                self.by_sound.setdefault(sound(c), set()).add(w)
        else:  # espeak-ng merged lines: one word at a time
            for w in ordered:
                self.by_sound.setdefault(sound(phonemes(w)), set()).add(w)

    def other_word(self, word: str, spelling: str) -> str | None:
        """The known word other than ``word`` that ``spelling`` is or sounds like, else None."""
        from ivr.tts.pronunciation import move_tone_mark

        same = {word, move_tone_mark(word)}
        if not spelling.startswith("[["):
            if spelling in self.known and spelling not in same:
                return spelling
            code = phonemes(spelling)
        else:
            code = spelling[2:-2]
        others = self.by_sound.get(sound(code), set()) - same
        return min(others) if others else None


def contexts(word: str, all_sentences: list[str], n: int) -> list[str]:
    having = [s for s in all_sentences if word in words(s)]
    return sorted(having, key=lambda s: len(words(s)))[:n]


def try_word(ear: Ear, word: str, ctx: list[str], guard: RealWordGuard | None = None) -> dict[str, Any]:
    """Each candidate spelling of ``word`` in the carriers and in the context sentences."""
    places = [c.format(w=word) for c in CARRIERS] + ctx

    def score(spelling: str) -> tuple[list[bool], int]:
        right, errors = [], 0
        for sentence in places:
            ref = words(sentence)
            hyp = ear.hear(sentence, None if spelling == word else (word, spelling))
            aligned = alignment(ref, hyp)
            right.append(all(" ".join(aligned[i]) == word for i, w in enumerate(ref) if w == word))
            errors += edit_distance(ref, hyp)
        return right, errors

    base_right, base_errors = score(word)
    tried: list[dict[str, Any]] = []
    refused = {}
    for cand in candidates(word):
        other = guard.other_word(word, cand) if guard else None
        if other:
            refused[cand] = other
            continue
        right, errors = score(cand)
        gained = [i for i, (r, b) in enumerate(zip(right, base_right, strict=True)) if r and not b]
        lost = [i for i, (r, b) in enumerate(zip(right, base_right, strict=True)) if b and not r]
        tried.append({"spelling": cand, "right": sum(right), "errors": errors,
                      "gained_contexts": len([i for i in gained if i >= len(CARRIERS)]),
                      "gained_carriers": len([i for i in gained if i < len(CARRIERS)]),
                      "lost": len(lost)})
    tried.sort(key=lambda t: (-t["right"], t["errors"]))
    best = tried[0] if tried else None
    # kept: heard right in at least two more places than the plain spelling (places lost count against it),
    # one of them a real sentence, and fewer word errors over all the places
    keep = bool(best and best["errors"] < base_errors and best["right"] > sum(base_right)
                and best["gained_contexts"] + best["gained_carriers"] - best["lost"] >= 2
                and best["gained_contexts"] >= 1)
    return {"word": word, "places": len(places), "base_right": sum(base_right), "base_errors": base_errors,
            "best": best, "keep": keep, "tried": tried, "refused_real_words": refused}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--min-count", type=int, default=1, help="only syllables spoken at least N times")
    parser.add_argument("--limit", type=int, help="only the N most frequent syllables")
    parser.add_argument("--search", action="store_true", help="search respellings for misheard syllables")
    parser.add_argument("--words", nargs="*", help="--search: only these syllables")
    parser.add_argument("--survey", type=Path, help="--search: reuse the syllable table of an earlier --json")
    parser.add_argument("--contexts", type=int, default=4, help="--search: real sentences per syllable")
    parser.add_argument("--with-entries", action="store_true",
                        help="apply prompts/espeak_pronunciations.yaml (see what is still misheard)")
    parser.add_argument("--rate", type=int, help="speaking rate (default: tts_rate)")
    parser.add_argument("--json", type=Path, default=ROOT / "bench" / "out" / "espeak_words.json")
    args = parser.parse_args(argv)
    texts = sources()
    counts = syllable_counts(texts.values())
    ear = Ear(args.rate, load_pronunciations() if args.with_entries else None)
    started = time.perf_counter()
    try:
        if args.words:
            rows = [{"word": w, "count": counts[w], "right": 0} for w in args.words]
        elif args.survey:
            rows = [r for r in json.loads(args.survey.read_text(encoding="utf-8"))["syllables"]
                    if r["count"] >= args.min_count][:args.limit]
        else:
            rows = survey(ear, counts, args.min_count, args.limit)
            print_table(rows)
        result: dict[str, Any] = {"carriers": list(CARRIERS), "syllables": rows}
        if args.search:
            all_sentences = sentences(texts.values())
            found = []
            guard = RealWordGuard(lexicon())
            print(f"real-word guard: {len(guard.known)} known words", flush=True)
            targets = [r["word"] for r in sorted(rows, key=lambda r: -r["count"]) if r["right"] <= 1]
            print(f"\nsearching respellings for {len(targets)} syllables", flush=True)
            for w in targets:
                res = try_word(ear, w, contexts(w, all_sentences, args.contexts), guard)
                found.append(res)
                b = res["best"]
                print(f"  {w:<8} plain right {res['base_right']}/{res['places']} errors {res['base_errors']:>3}"
                      + (f"  best {b['spelling']:<16} right {b['right']}/{res['places']} errors {b['errors']:>3}"
                         f" (+{b['gained_contexts']} sentences, +{b['gained_carriers']} carriers, -{b['lost']})"
                         if b else "  no candidates") + ("  KEEP" if res["keep"] else ""), flush=True)
            result["search"] = found
            print("\n# kept (for prompts/espeak_pronunciations.yaml):")
            for res in found:
                if res["keep"]:
                    b = res["best"]
                    print(f"{res['word']}: \"{b['spelling']}\"  # right in {b['right']}/{res['places']} "
                          f"(plain {res['base_right']}), errors {res['base_errors']} -> {b['errors']}")
    finally:
        ear.close()
    print(f"\n{ear.calls} renderings heard in {time.perf_counter() - started:.0f} s", file=sys.stderr)
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(result, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"details: {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

