"""One utterance analysed: tokens, numbers, symptoms (with negation), vitals, risk factors and intent phrases."""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from ivr.nlu import lexicon as lx
from ivr.nlu.child import (
    after_covid_inflammation,
    child_quiet,
    far_clause,
    may_be_set23b,
    milk_in,
    set23b_kind,
    set23b_span,
)
from ivr.nlu.context import answered_no, context_calm, context_span, may_be_context, plea_not_now
from ivr.nlu.elderly import breath_fine, fall_faint, reliever_failed
from ivr.nlu.emotion import (
    anger_quiet,
    anger_speech,
    may_be_set23,
    relayed_yes,
    set23_kind,
    set23_span,
    wish_tightness,
)
from ivr.nlu.everyday import (
    angry_tightness,
    calm_worry,
    cause_passed,
    cause_span,
    everyday_calm,
    everyday_span,
    kind_calm,
    may_be_cause,
    may_be_everyday,
    may_be_kind,
    past_episode_over,
    rousable,
    set14_kind,
    set20_kind,
    small_spit_up,
    sore_muscle,
    woke_when_called,
)
from ivr.nlu.fragments import fond_of, fragment_signs
from ivr.nlu.habit import (
    dementia_usual,
    may_be_habit,
    past_one_off,
    past_one_off_span,
    picky_eater,
    poor_intake_alert,
    roused_action,
    urine_with_fluids,
)
from ivr.nlu.harmless import bleed_quiet, harmless_span, may_be_set22b, set22b_kind
from ivr.nlu.matcher import BLOCK, Match, Matcher, table, word_in
from ivr.nlu.mention import asked_whether, negated, not_a_call, ride_over_or_service
from ivr.nlu.negation import advised, clause_end, clause_start, hearsay
from ivr.nlu.neuro import clumsy_context, clumsy_gait, unclear_on_line, unclear_speech, worst_headache
from ivr.nlu.ngram import NgramModel
from ivr.nlu.normalize import BREAK, content_tokens, fold, has_diacritics, tokenize
from ivr.nlu.numbers import Number, answer_alone, find_numbers
from ivr.nlu.others import alone_unreachable, bystander_subject, reached_now
from ivr.nlu.relayed import kept_for_later, may_be_set22, model_quiet, orthopnoea, set22_kind, set22_span
from ivr.nlu.slang import already_taken, may_be_calm, meaning_asked, rest_end, rested_off, slang_sign
from ivr.nlu.timeline import day_series_spo2, dose_number, nausea
from ivr.nlu.urgency import (
    exclaimed,
    hassle_idiom,
    haste_only,
    may_be_hassle,
    nothing_odd,
    thing_not_in,
    unreachable,
    weak_line,
    worry_without_sign,
)
from ivr.nlu.usual import (
    barely_rousable,
    bought,
    effort_only,
    may_be_usual,
    past_low,
    past_readings,
    up_and_well_later,
    usual_baseline,
    usual_quiet,
)
from ivr.nlu.vitals import BLOOD_PRESSURE_VITALS, CUES, ages, cold_hand_remeasured, find_readings, low_blood_pressure

QUESTION_INTENTS = ("ask_medication", "ask_isolation", "ask_home_care")
GREETING = "_greeting"



def _negator_variants(phrases_by_label: Mapping[str, Sequence[str]]) -> dict[str, tuple[str, ...]]:
    """Each phrase also said the other ways of its kind (symptoms.yaml), when no label lists that wording already:
    one that starts with "không" with the other negators of ``negator_variants`` ("không nuốt nổi": "chẳng nuốt
    nổi"), and, of three words or more of a sign of ``negator_insert_signs``, with a word of ``negator_inserts`` after
    "không" or with "còn" after another negator ("không còn nhận ra ai", "chẳng còn nhận ra ai", "không thể nằm xuống
    được"); an inability of one of ``inability_verbs`` ending in one of
    ``inability_ends`` in the other order ("thở không ra hơi": "không thở ra hơi"; "không ăn nổi": "ăn không
    nổi"); one of three words or more that starts with "nói" also with "nói chuyện" ("nói chuyện không ra hơi")."""
    listed = {p for phrases in phrases_by_label.values() for p in phrases}
    out = {}
    for label, phrases in phrases_by_label.items():
        extra: list[str] = []
        for p in phrases:
            words = p.split(" ")
            if words[0] == "không":
                rest = " ".join(words[1:])
                negs = ("không", *lx.NEGATOR_VARIANTS)
                extra.extend(f"{v} {rest}" for v in lx.NEGATOR_VARIANTS)
                if len(words) >= 3 and label in lx.NEGATOR_INSERT_SIGNS:
                    extra.extend(f"{v} {w} {rest}" for v in negs for w in lx.NEGATOR_INSERTS
                                 if v == "không" or w == "còn")
                if len(words) >= 3 and words[1] in lx.INABILITY_VERBS and _ends_in(words[2:], lx.INABILITY_ENDS):
                    extra.append(f"{words[1]} không {' '.join(words[2:])}")
            elif (len(words) >= 3 and words[0] in lx.INABILITY_VERBS and words[1] == "không"
                  and _ends_in(words[2:], lx.INABILITY_ENDS)):
                extra.append(f"không {words[0]} {' '.join(words[2:])}")
            if len(words) >= 3 and words[0] == "nói" and words[1] not in ("chuyện", "năng"):
                extra.append(f"nói chuyện {' '.join(words[1:])}")
        out[label] = tuple(dict.fromkeys((*phrases, *(e for e in extra if e not in listed))))
    return out


def _ends_in(words: Sequence[str], ends: Sequence[str]) -> bool:
    """Is ``words`` (a phrase's tail) one of ``ends``, or a word then one of them ("ra hơi", "xuống được")?"""
    tail = " ".join(words)
    return tail in ends or (len(words) >= 2 and " ".join(words[1:]) in ends)


_SYMPTOMS = Matcher({BLOCK: lx.SYMPTOM_BLOCKERS, **_negator_variants(lx.SYMPTOM_PHRASES)}, gaps=True, fuzzy=True)
_WAKE_CALLS = Matcher(table(*lx.WAKE_CALLS))
_LYING_CALLS = Matcher(table(*lx.LYING_CALLS))
_WAKE_OUTCOMES = Matcher(table(*lx.WAKE_OUTCOMES))
_WAKE_RELAPSE = Matcher(table(*lx.WAKE_RELAPSE))
_PHONE = Matcher(table(*lx.PHONE_WORDS))
_EFFORT = Matcher(table(*lx.EFFORT_WORDS))
_UNABLE = Matcher(table(*lx.UNABLE_AFTER))
_SPEECH = Matcher(table(*lx.SPEECH_WORDS))
_SPEECH_UNITS = Matcher(table(*lx.SPEECH_UNITS))
_SPEECH_BREATH = Matcher(table(*lx.SPEECH_BREATH))
_SPEECH_BREATH_AT_END = Matcher(table(*lx.SPEECH_BREATH_AT_END))
_AREAS = Matcher(table(*lx.WARNING_AREAS))
_WORSENING = Matcher(table(*lx.WORSENING_WORDS))
_HYPO = Matcher(table(*lx.HYPOTHETICAL, *lx.CHRONIC_MARKERS))
_MOODS = Matcher(table(*lx.MOODS))
_SLEEP = Matcher(table(*lx.SLEEP_WORDS))
_HEARING_NOT_BEFORE = Matcher(table(*lx.HEARING_NOT_BEFORE))
_EMOTION = Matcher(table(*lx.EMOTION_WORDS))
_MISNAME_CALLS = Matcher(table(*lx.MISNAME_CALLS))
_MISNAME_AS = Matcher(table(*lx.MISNAME_AS))
_SPEECH_EVERY = Matcher(table(*lx.SPEECH_EVERY))
_BREATH = Matcher(table(*lx.BREATH_WORDS))
_BREATH_IMAGES = Matcher(table(*lx.BREATH_IMAGES))
_INDRAWING = Matcher(table(*lx.INDRAWING_WORDS))
_POSTURES = Matcher(table(*lx.POSTURE_WORDS))
_POSTURE_BREATH = Matcher(table(*lx.POSTURE_BREATH))
_URINE = Matcher(table(*lx.URINE_WORDS))
_SCANT = Matcher(table(*lx.SCANT_WORDS))
_RISKS = Matcher({**lx.RISK_FACTOR_PHRASES, BLOCK: lx.RISK_BLOCKERS})
_INTENSE = Matcher(table(*lx.INTENSIFIERS))
_INTENTS = Matcher({**lx.INTENT_PHRASES, GREETING: lx.GREETINGS}, gaps=True)
_OTHER = Matcher(table(*lx.OTHER_COMPLAINTS))
_LONG = Matcher(table(*lx.LONG_FEVER))
_DISTRESS = Matcher(table(*lx.DISTRESS))
_CALL_COMPLAINTS = Matcher(table(*lx.CALL_COMPLAINTS))
_CONDITIONAL = Matcher(table(*lx.CONDITIONAL_QUESTIONS))
_WORRY = Matcher(table(*lx.WORRY_WORDS))
_QUESTION_WORDS = Matcher(table(*lx.QUESTION_WORDS))
_CALM = Matcher(table(*lx.CALM_WORDS))
_COLOUR_OBJECTS = Matcher(table(*lx.COLOUR_OBJECTS))
_DIM_OBJECTS = Matcher(table(*lx.DIM_OBJECTS))
_REASSURANCE = Matcher(table(*lx.REASSURANCE))
_PAST = Matcher(table(*lx.PAST_MARKERS))
_CHILD = Matcher(table(*lx.CHILD_WORDS))
_INFLAMMATION = Matcher(lx.INFLAMMATION_SIGNS)
_ABDOMEN = Matcher(lx.ACUTE_ABDOMEN)
_BODY_PARTS = tuple(dict.fromkeys(p for label, parts, _ in lx.NEAR if label == "cyanosis" for p in parts))
#: The sign the statistical second opinion adds, and the sign of worried talk (symptoms.yaml).
MODEL_SIGN = "model_warning"
CONCERN_SIGN = "caller_concern"
#: session 21 (n49-calm-context): the phrases of a relative not answering or not seen (``reached_now``)
_UNANSWERED = Matcher(table(*lx.UNANSWERED))
_UNSEEN = Matcher(table(*lx.LEXICON.words("others", "unseen_words")))


@dataclass(frozen=True)
class Analysis:
    tokens: tuple[str, ...]
    numbers: tuple[Number, ...]
    symptoms: tuple[str, ...]
    negated: tuple[str, ...]
    vitals: dict[str, float]
    #: A worse reading said before the one in ``vitals`` (``Understanding.earlier_worse``).
    earlier_worse: dict[str, float]
    risk_factors: tuple[str, ...]
    intents: dict[str, list[Match]]
    #: The n-gram model's score (0..1), or None without a model.
    model_score: float | None = None
    #: The model says high and the rules found no warning sign: ``model_warning`` is to be added.
    model_high: bool = False
    #: Worried talk: a concern phrase ("không ổn", "khác thường") or distress ("trời ơi", "sợ quá").
    concern: bool = False



def _thirty_at_the_temperature_question(toks: tuple[str, ...]) -> tuple[str, ...]:
    """At the temperature question, "ba" (thirty) heard with a tone as the answer's first word before a digit of
    thirty-five to thirty-nine and nothing but number words after ("bà bảy độ" 37, "bá tám độ rưỡi" 38.5): a
    grandmother is never a temperature's first word there; "bà ba tám độ" (grandma, 38) keeps her."""
    if len(toks) < 2 or toks[0] not in lx.THIRTY_SLIPS or toks[1] not in lx.THIRTY_SLIP_DIGITS:
        return toks
    if any(t not in lx.NUMBER_WORDS_FOR_SLIPS for t in toks[2:]):
        return toks
    return ("ba", *toks[1:])


def analyse(text: str, expect_vital: str | None, model: NgramModel | None = None) -> Analysis:
    """``model``: the statistical second opinion; ``model_high`` when it says high and the rules found no
    warning sign (the understander then adds the sign ``model_warning``: the model only ever raises risk)."""
    raw = tokenize(text)
    if expect_vital is not None:
        # an answer said alone at a number question: its number words a recognizer wrote as other words ("chín bà"
        # 93, "chăm hai lăm" 125) are those number words; read with its fillers, a vocative "bà ạ" stays a person
        # (session 14, n22)
        raw = answer_alone(raw, {j for c in CUES.find(raw) if c.label != BLOCK for j in range(c.start, c.end)},
                           pair=expect_vital in BLOOD_PRESSURE_VITALS)
    toks = content_tokens(raw)
    if expect_vital == "temperature":
        toks = _thirty_at_the_temperature_question(toks)
    numbers = tuple(find_numbers(toks))
    age_idx, age = ages(toks, numbers)
    # symptoms with negation
    spans: list[tuple[Match, bool]] = []
    blocked: set[int] = set()
    quiet: set[int] = set()  # session 20 (n45-benign-cause): the clauses of a sign read as passed, no worry there
    # session 22 (n57-s18-calm): a chest pain of the chest wall (tender when pressed, after a knock or an effort:
    # ``ivr.nlu.everyday.sore_muscle``) is a muscle ache, low ("ấn vô chỗ xương sườn mới đau, hôm qua ông té")
    chest_wall = False
    blocker_neg: list[str] = []
    for m in _SYMPTOMS.find(toks):
        if m.label == BLOCK:
            blocked.update(range(m.start, m.end))
            # "không khó thở" (a blocker so that no part of it matches): a sign said to be absent
            if word_in(toks[m.start], lx.PLAIN_NEGATORS):
                inner = [x for x in _SYMPTOMS.find(toks[m.start + 1:m.end]) if x.label != BLOCK]
                blocker_neg.extend(x.label for x in inner)
            continue
        if m.label == "cyanosis" and (_thing_colour(toks, m) or _anger_colour(toks, m)):
            blocked.update(range(m.start, m.end))
            if set23_kind(toks, m, _SYMPTOMS):
                quiet.update(set23_span(toks, m))  # session 23 (n63-s20-emotion): "môi cu Tí dính mực tím"
            continue
        if m.label == "altered_consciousness" and _dim_thing(toks, m):
            blocked.update(range(m.start, m.end))
            continue
        if m.label == "altered_consciousness" and (clumsy_gait(toks, m) or unclear_on_line(toks, m)):
            # "bé đang tập đi nên đi loạng choạng", "máy nói không rõ chữ" (session 17, ``ivr.nlu.neuro``)
            blocked.update(range(m.start, m.end))
            continue
        if m.label == CONCERN_SIGN and cold_hand_remeasured(toks, m.start, m.end):
            blocked.update(range(m.start, m.end))  # session 22 (n56-s18-readings): a cold hand warmed and re-measured
            continue
        if m.label == CONCERN_SIGN and weak_line(toks, m):
            blocked.update(range(m.start, m.end))  # "tín hiệu yếu quá" (session 16, ``ivr.nlu.urgency``)
            continue
        if hassle_idiom(toks, m) or (m.label == "cannot_eat_drink" and thing_not_in(toks, m)) or (
                m.label == CONCERN_SIGN and m.start > 0 and nothing_odd(toks, m.start - 1)):
            # "nghẹt thở vì kẹt xe", "xe phát thuốc không vào được", "không thấy mẹ nói gì khác thường" (session 18,
            # n28, ``ivr.nlu.urgency``)
            blocked.update(range(m.start, m.end))
            continue
        if calm_look_alike(toks, m):
            chest_wall = chest_wall or (m.label == "chest_pain" and sore_muscle(toks, m))  # session 22 (n57)
            # "chán muốn xỉu", "chạy bộ về thở dốc, nghỉ chút là hết", "lơ mơ khác ngủ say như thế nào" (session 18,
            # n36-calm-slang, ``ivr.nlu.slang``)
            blocked.update(range(m.start, m.end))
            quiet.update(_passed_span(toks, m))  # session 20 (n45-benign-cause)
            if set21_kind(toks, m):
                quiet.update(context_span(toks, m))  # session 21 (n49-calm-context): no worry word there either
            if set22_kind(toks, m, _SYMPTOMS):
                quiet.update(set22_span(toks, m, _SYMPTOMS))  # session 22 (n57-s18-calm): nor after a check
            if set22b_kind(toks, m, _SYMPTOMS):
                quiet.update(harmless_span(toks, m))  # session 22b (n61-s19-calm)
            if set23_kind(toks, m, _SYMPTOMS):
                quiet.update(set23_span(toks, m))  # session 23 (n63-s20-emotion)
            if set23b_kind(toks, m):
                quiet.update(set23b_span(toks, m))  # session 23b (n67-s21-child)
            continue
        # session 23 (n63-s20-emotion): a question put to the patient, then the patient's yes ("ba nói tức lắm")
        spans.append((m, negated(toks, m, spans) and not relayed_yes(toks, m)))
    spans.extend(_sign_from_last_word(toks, spans))
    pos: list[str] = []
    neg: list[str] = list(blocker_neg)
    covered_sym = blocked | {i for m, _ in spans for i in range(m.start, m.end)}
    # body part and complaint a few words apart: "ngực trái tôi đau tức", "họng tôi hôm nay rát"
    quiet.update(_angry_span(toks))  # session 20 (n45-benign-cause): "bực tức muốn nổ ngực"
    quiet.update(bleed_quiet(toks))  # session 22b (n61-s19-calm): "môi nẻ nên rớm máu, bôi son dưỡng là đỡ"
    quiet.update(anger_quiet(toks))  # session 23 (n63-s20-emotion): "bực thằng chồng quá muốn nổ cả ngực"
    quiet.update(child_quiet(toks))  # session 23b (n67-s21-child): "nín thở khi ăn vạ, rồi thở lại ngay"
    for label, parts, words in lx.NEAR:
        for i, t in enumerate(toks):
            if i in covered_sym or not word_in(t, parts):
                continue
            lo, hi = max(0, i - 3), min(len(toks), i + 4 + _simile_words(toks, i))
            for j in range(lo, hi):
                if (j != i and j not in covered_sym and word_in(toks[j], words)
                        and BREAK not in toks[min(i, j):max(i, j)]
                        and not angry_tightness(toks, j)  # session 20 (n45): "bực tức muốn nổ ngực"
                        and not wish_tightness(toks, j)):  # session 23 (n63-s20-emotion): "tức muốn nổ ngực"
                    m = Match(min(i, j), max(i, j) + 1, label, f"{t} {toks[j]}")
                    if label == "chest_pain" and milk_in(toks, m):
                        covered_sym.update(range(m.start, m.end))  # session 23b (n67-s21-child): "sữa về căng tức ngực"
                        break
                    if label == "chest_pain" and sore_muscle(toks, m):
                        chest_wall = True  # session 22 (n57-s18-calm): "đau bên ngực, ấn vào xương sườn mới đau"
                        covered_sym.update(range(m.start, m.end))
                        break
                    inner_neg = any(word_in(x, lx.NEGATORS) for x in toks[m.start + 1:m.end - 1])
                    spans.append((m, inner_neg or negated(toks, m, spans)))
                    covered_sym.update(range(m.start, m.end))
                    break
    for m in unclear_speech(toks):
        # "bố tôi đi đứng loạng choạng, nói không rõ": slurred speech (session 17, ``ivr.nlu.neuro``)
        if not any(i in covered_sym for i in range(m.start, m.end)):
            spans.append((m, negated(toks, m, spans)))
            covered_sym.update(range(m.start, m.end))
    for m in fragment_signs(toks):
        # "bà mê rồi", "bé bị lên cơn", "bà nằm đó gọi không được", "ông bị sốc sau khi tiêm" (session 18, n34,
        # ``ivr.nlu.fragments``)
        if not any(i in covered_sym for i in range(m.start, m.end)):
            spans.append((m, negated(toks, m, spans)))
            covered_sym.update(range(m.start, m.end))
    # a sequence sign is calm talk like a phrase's (session 18, n36-calm-slang: "thở rút lõm lồng ngực là như thế nào")
    spans.extend(s for s in _sequences(toks, spans, _vocative(tokenize(text))) if not calm_look_alike(toks, s[0]))
    for m, is_neg in spans:
        names = (m.label, *lx.SYMPTOM_IMPLIES.get(m.label, ()), *lx.PHRASE_IMPLIES.get(m.phrase, ()))
        if m.label == "shortness_of_breath" and m.end < len(toks) and _INTENSE.at(toks, m.end) is not None:
            names = (*names, "severe_breathlessness")  # "thở khó lắm", "khó thở quá trời"
        if m.label == "shortness_of_breath" and _breath_fails(toks, m.end):
            names = (*names, "severe_breathlessness")  # "thở dốc không ra hơi" (session 18, n29)
        for name in names:
            (neg if is_neg else pos).append(name)
    if "shortness_of_breath" not in pos and orthopnoea(toks, _SYMPTOMS):
        pos.append("shortness_of_breath")  # session 22 (n57-s18-calm): "hễ nằm thẳng ra là khó thở, kê cao thì đỡ"
    if chest_wall and "muscle_ache" not in pos and "chest_pain" not in pos:
        pos.append("muscle_ache")  # session 22 (n57-s18-calm): the chest wall's pain, a muscle ache
    if ("severe_breathlessness" not in pos and _speech_cut(toks, breathless="shortness_of_breath" in pos)
            and not anger_speech(toks)):  # session 23 (n63-s20-emotion): "giận quá nói hông ra hơi" is an idiom
        pos.append("severe_breathlessness")  # "thở hụt hơi nói chẳng hết câu" (session 21, n51-calls8)
    if "altered_consciousness" not in pos and worst_headache(toks, pos):
        pos.append("altered_consciousness")  # "đau đầu như búa bổ, nôn ói liên tục" (session 17, ``ivr.nlu.neuro``)
    relief = reliever_failed(toks) if "shortness_of_breath" not in pos else None
    if relief is not None:  # session 22b (n59-s19-elderly): "bị phổi tắc nghẽn, xịt thuốc năm sáu lần không đỡ"
        (neg if negated(toks, relief, spans) else pos).append(relief.label)
    fine = breath_fine(toks) if "shortness_of_breath" not in pos and "shortness_of_breath" not in neg else None
    if fine is not None:  # session 22b (n59-s19-elderly): "mà thở thì được con nờ", a denial
        neg.append(fine.label)
    if "altered_consciousness" not in pos and barely_rousable(toks) is not None:
        pos.append("altered_consciousness")  # session 23 (n64-s20-usual): "gọi dạ nhỏ xíu rồi ngủ tiếp"
    faint = fall_faint(toks) if "altered_consciousness" not in pos else None
    if faint is not None:  # session 22b (n59-s19-elderly): "ngã, nằm đó một lúc mới tỉnh" (``ivr.nlu.elderly``)
        (neg if negated(toks, faint, spans) else pos).append(faint.label)
    if "fever" in pos and CONCERN_SIGN not in pos and _child_inflammation(toks, age):
        pos.append(CONCERN_SIGN)  # "bé sốt cao, mắt đỏ, môi nứt nẻ, nổi ban"
    if "vomiting" in pos and CONCERN_SIGN not in pos and _kinds(_ABDOMEN, toks) >= len(lx.ACUTE_ABDOMEN):
        pos.append(CONCERN_SIGN)  # "lên cơn đau bụng ói mửa, chướng bụng"
    if CONCERN_SIGN not in pos and unreachable(toks) and not reached_now(toks, _UNANSWERED):
        pos.append(CONCERN_SIGN)  # "mẹ em không bắt máy từ sáng" (session 16, ``ivr.nlu.urgency``)
    if CONCERN_SIGN not in pos and alone_unreachable(toks) and not reached_now(toks, _UNSEEN):
        # session 20 (n46-others): "bà là F0 sống một mình, gọi điện không bắt máy" (``ivr.nlu.others``)
        pos.append(CONCERN_SIGN)
    # "spo2 của tôi thấp": a spo2 cue followed by a "low" word, no number between
    cue_matches = CUES.find(toks)
    low_at = -1  # session 23 (n64-s20-usual): where a low SpO2 was said in words
    for c in cue_matches:
        if c.label == "spo2":
            # session 19 (n41-set13-calm): past a possessor ("ô xi của ba tôi chưa bao giờ thấp vậy")
            reach = c.end + 4 + (_possessor(toks, c.end) or 0)
            for j in range(c.end, min(reach, len(toks))):
                if toks[j] == BREAK or any(n.start <= j < n.end for n in numbers):
                    break
                if word_in(toks[j], lx.LOW_WORDS):
                    # "nếu oxy tụt thì làm gì": supposed, no report (negation.yaml ``hypothetical``; session 16)
                    low = Match(c.start, j + 1, "low_spo2", " ".join(toks[c.start:j + 1]))
                    denied = (negated(toks, low, spans) or _low_denied(toks[c.end:j])) and not _unprecedented(toks, j)
                    if far_clause(toks, c.start, j + 1):
                        break  # session 23b (n67-s21-child): "chị gái em bên mỹ phải nhập viện, ô xi tụt"
                    (neg if denied else pos).append("low_spo2")
                    low_at = j if not denied else low_at
                    break
    vitals, earlier_worse = find_readings(toks, numbers, age_idx, expect_vital)
    # session 23 (n64-s20-usual): the readings and the low SpO2 of a past episode, today's reading said after
    # ("lần trước bị thì ô xi có lúc xuống chín ba, giờ khỏi rồi đo lại chín tám": ``ivr.nlu.usual``)
    earlier_worse, turn = past_readings(toks, numbers, vitals, earlier_worse)
    lows = [m.start for m, negd in spans if m.label == "low_spo2" and not negd] + ([low_at] if low_at >= 0 else [])
    if "low_spo2" in pos and past_low(turn, lows, vitals):
        pos[:] = [s for s in pos if s != "low_spo2"]
    if not vitals and expect_vital is None:
        series = day_series_spo2(toks, numbers, age_idx)  # "hôm kia chín sáu, hôm qua chín bốn, nay chín mốt"
        if series is not None:
            vitals = {"spo2": series}  # session 18 (``ivr.nlu.timeline``): the last of the days' readings
    if low_blood_pressure(toks, numbers):
        pos.append("low_blood_pressure")
    # fever for three days or more
    if "fever" in pos:
        long = bool(_LONG.find(toks))
        for n in numbers:
            if n.end < len(toks) and word_in(toks[n.end], lx.DAY_WORDS) and n.value >= 3 and not dose_number(toks, n):
                long = True  # not "tiêm mũi ba hôm qua" (session 18, ``ivr.nlu.timeline``)
        if any(word_in(t, ("tuần",)) for t in toks) and not long:
            long = any(word_in(toks[i], ("tuần",)) and i > 0 and word_in(toks[i - 1], lx.WEEK_QUANTIFIERS)
                       for i in range(len(toks)))
        if long:
            pos.append("prolonged_fever")
    if CONCERN_SIGN not in pos and after_covid_inflammation(toks, pos, age):
        pos.append(CONCERN_SIGN)  # session 23b (n67-s21-child): MIS-C, weeks after COVID ("hết covid được bốn tuần")
    # risk factors
    rspans: list[tuple[Match, bool]] = []
    for m in _RISKS.find(toks):
        negd = m.label != "unvaccinated" and negated(toks, m, rspans)
        rspans.append((m, negd))
    risks = [m.label for m, negd in rspans if not negd and m.label != BLOCK]
    if age is not None and age >= lx.RISK_AGE:
        risks.append("age_65_plus")
    intents: dict[str, list[Match]] = {}
    covered = {i for m, _ in spans for i in range(m.start, m.end)}
    conditionals = _CONDITIONAL.find(toks)
    asked: set[int] = set()
    exclamations: list[Match] = []
    for m in _INTENTS.find(toks):
        if m.label == "emergency" and exclaimed(toks, m):
            exclamations.append(m)  # "trời ơi chết mất thôi": panic, not a plea (session 18, n28)
            continue
        # "ăn gì cũng nôn" is a symptom, not "ăn gì?" (home care)
        if m.label != "emergency" and any(i in covered for i in range(m.start, m.end)):
            continue
        # "tôi không cần cấp cứu", "chưa phải cấp cứu": not a request for help
        if m.label == "emergency" and m.start >= 2 and word_in(toks[m.start - 1], lx.HELP_VERBS) and word_in(
                toks[m.start - 2], lx.PLAIN_NEGATORS):
            continue
        # "khi nào thì phải đi cấp cứu?", "nếu khó thở thì gọi 115 à?": a question about emergencies; "y tá dặn
        # thấy môi tím thì gọi 115": advice; "sơ cứu", or what was read or someone else's (``ivr.nlu.mention``)
        if m.label == "emergency" and ride_over_or_service(toks, m):
            asked.update(range(m.start, m.end))  # "xe 115 chở bà đi rồi": a ride over, its "cứu" no distress (n37)
            continue
        if m.label == "emergency" and asked_whether(toks, m):
            asked.update(range(m.start, m.end))  # "có cần gọi cấp cứu ... không": asked about, its "cứu" no distress
            continue
        if m.label == "emergency" and may_be_context(toks) and plea_not_now(toks, m):
            asked.update(range(m.start, m.end))  # session 21 (n49-calm-context): a film's plea, a past episode's
            continue
        if m.label == "emergency" and not pos and may_be_set22(toks) and kept_for_later(toks):
            asked.update(range(m.start, m.end))  # session 22 (n57-s18-calm): "xin số xe cấp cứu để dành, giờ bà khỏe"
            continue
        if m.label == "emergency" and already_taken(toks, m):
            continue  # "xe cấp cứu đã chở bà đi rồi, nhà tôi có cần test không" (session 18, n36-calm-slang)
        if m.label == "emergency" and (
                hearsay(toks, m.start) or advised(toks, m.start) or not_a_call(toks, m)
                or any(c.end <= m.start and BREAK not in toks[c.end:m.start] for c in conditionals)):
            continue
        # "không uống gì" is "did not drink anything", not "uống gì?" (what to take)
        if m.label in QUESTION_INTENTS and any(word_in(t, lx.WHAT_WORDS) for t in toks[m.start:m.end]) and any(
                word_in(t, lx.PLAIN_NEGATORS) for t in toks[max(0, m.start - 3):m.start]):
            continue
        intents.setdefault(m.label, []).append(m)
    if not pos and not vitals and haste_only(toks, intents.get("emergency", ())):
        del intents["emergency"]  # "gấp lắm, giấy ra viện của mẹ em bao giờ có" (session 16, ``ivr.nlu.urgency``)
    sweat = _cold_sweat_with_chest_pain(toks, pos, spans)
    if sweat is not None:
        intents.setdefault("emergency", []).append(sweat)  # "đau thắt ngực vã mồ hôi" (session 18, n29)
    if not any(k != GREETING for k in intents) and not positive_any(spans) and _OTHER.find(toks):
        intents["_complaint"] = []
    score, model_high = None, False
    if model is not None:
        score = model.score(text)
        model_high = score >= model.threshold and not set(pos) & model.escalating_signs
    positive = tuple(dict.fromkeys(pos))
    # distress words, but not "cứu" inside a question about emergencies ("khi nào thì phải gọi cấp cứu")
    distress = [d for d in _DISTRESS.find(toks) if d.start not in asked and not any(
        c.end <= d.start and BREAK not in toks[c.end:d.start] for c in conditionals)]
    if not distress and not asked:
        # "trời ơi", "giời ơi": distress phrases whose filler word ("ơi") the content tokens drop
        raw = tokenize(text)
        raw_cond = _CONDITIONAL.find(raw)
        distress = [d for d in _DISTRESS.find(raw) if not any(
            c.end <= d.start and BREAK not in raw[c.end:d.start] for c in raw_cond)]
    distress.extend(exclamations)
    if distress and all(d.phrase in lx.INTERJECTIONS for d in distress) and _annoyed_at_calls(toks):
        distress = []  # "trời ơi gọi gì gọi hoài vậy": annoyance at the calls (session 16, n23)
    # the patient said to be fine ("... chứ mẹ tôi vẫn hồng hào"): distress or a worry word raises no concern
    reassured = any(_fine_now(toks, r) for r in _REASSURANCE.find(toks))
    concern = CONCERN_SIGN in positive or (bool(distress) and not reassured)
    if concern and not positive and not vitals and "emergency" not in intents and worry_without_sign(toks):
        concern = False  # "con ở xa lo quá, không biết mẹ ở nhà sao" (session 16, ``ivr.nlu.urgency``)
    if not concern and not positive and not neg and not reassured and not any(k in intents for k in QUESTION_INTENTS):
        # "con bé đang tập đi, té hoài" (session 17, ``ivr.nlu.neuro``)
        concern = not vitals and "?" not in text and _half_understood_worry(
            toks, cue_matches, blocked | quiet) and not clumsy_context(toks)
    if not positive and not vitals and not any(k in intents for k in QUESTION_INTENTS) and _unclaimed_warning(
            toks, {i for m, _ in spans for i in range(m.start, m.end)} | blocked, cue_matches):
        # an area of decision 261 with a worsening word that no sign took, whatever the other clauses say ("bình
        # thường cả, chỉ có điều môi ông đổi màu sậm lại"): the family's worry (decision 261, sign 11) and the flag
        positive, concern = (CONCERN_SIGN,), True
    return Analysis(
        tokens=toks, numbers=numbers,
        symptoms=positive,
        negated=tuple(s for s in dict.fromkeys(neg) if s not in positive),
        vitals=vitals,
        earlier_worse=earlier_worse,
        risk_factors=tuple(dict.fromkeys(risks)),
        intents=intents,
        model_score=score,
        model_high=model_high,
        concern=concern,
    )


def _sign_from_last_word(toks: Sequence[str], spans: Sequence[tuple[Match, bool]]) -> list[tuple[Match, bool]]:
    """A longer sign that starts at the last word of a phrase matched before it (session 18, n30-hedged-emerg).

    Phrases match leftmost-longest, so "nằm thở" (lying there, exhaustion) took the "thở" of "ông nằm thở không nổi",
    "nằm thở ngáp ngáp", "nằm thở phều phào" and hid the breath that cannot be drawn (an emergency scored high only).
    The sign read again from that last word is kept too; "nằm thở" alone stays exhaustion."""
    out: list[tuple[Match, bool]] = []
    for m, _ in spans:
        if m.end - m.start < 2:
            continue
        x = _SYMPTOMS.at(toks, m.end - 1) or _SYMPTOMS.fuzzy_at(toks, m.end - 1)
        if x is None or x.label in (BLOCK, m.label) or x.end <= m.end:
            continue
        out.append((x, negated(toks, x, [*spans, *out])))
    return out


def _sequences(toks: Sequence[str], spans: Sequence[tuple[Match, bool]], vocative: int = 0) -> list[tuple[Match, bool]]:
    """Signs said as a short sequence of words rather than one phrase (symptoms.yaml): a call that
    gets no answer ("gọi mãi không dậy"), blood after a cough ("khạc ra đờm có lẫn máu"), a drink
    that comes back up ("uống ngụm nào nôn ngụm đó"). ``vocative``: the patient was called by name ("bà ơi"),
    before the content token ``vocative - 1`` (0: not called; ``_vocative``)."""
    out: list[tuple[Match, bool]] = []
    have = {m.label for m, neg in spans if not neg}

    def clause(i: int, j: int) -> bool:
        return BREAK not in toks[i:j]

    if "altered_consciousness" not in have:
        for i in range(len(toks)):
            call = _WAKE_CALLS.at(toks, i)
            lying = None if call is not None else _LYING_CALLS.at(toks, i)
            if lying is not None:
                # "bả nằm hoài hổng dậy": lies on and on and does not wake; "nằm suốt không dậy nổi" is no strength
                j = lying.end
                if j + 1 < len(toks) and word_in(toks[j], lx.PLAIN_NEGATORS):
                    outcome = _wake_outcome(toks, j)
                    if outcome is not None and not (outcome.end < len(toks)
                                                    and word_in(toks[outcome.end], lx.LYING_UNABLE)) \
                            and not _moody(toks, i, outcome.end):
                        m = Match(i, outcome.end, "altered_consciousness", "nằm hoài không dậy")
                        out.append((m, negated(toks, m, spans)))
                        break
                continue
            slipped = call is None and _slipped_call(toks[i])
            if call is None and not slipped:
                continue
            end = i + 1 if call is None else call.end
            window = lx.WAKE_SLIP_WINDOW if slipped else lx.WAKE_WINDOW
            for j in range(end, min(end + window, len(toks) - 1)):
                if toks[j] == BREAK or _said_exactly(_PHONE.at(toks, j), toks):
                    break  # "gọi điện cho con mà nó không trả lời": a phone call nobody answered
                if word_in(toks[j], lx.PLAIN_NEGATORS):
                    if call is not None and answered_no(toks, j):
                        continue  # session 21b (n53-s17-calm): "tui hỏi thở mệt hông ổng nói hông": a question's close
                    outcome = _wake_outcome(toks, j)
                    if outcome is not None and _wilful(toks, i, j):
                        break  # "thằng bé giận dỗi, gọi không thèm thưa": a mood, no lost consciousness
                    if outcome is not None and outcome.phrase in lx.HEARING_OUTCOMES and not _call_unheard(
                            toks, call, outcome):
                        continue  # "cháu nói gì bà không nghe", "kêu mãi không nghe rõ": the caller's hearing
                    if outcome is None and not slipped and _sleeper_unwoken(toks, i, j):
                        outcome = Match(j + 1, j + 2, "x", toks[j + 1])  # "ngủ hoài, gọi không được"
                    if outcome is not None and (not slipped or _said_exactly(outcome, toks)):
                        m = Match(i, outcome.end, "altered_consciousness", "gọi không dậy")
                        out.append((m, negated(toks, m, spans)))
                        break
            if not out and call is not None:
                # wakes only briefly or barely answers: "gọi to mới hé mắt rồi lại ngủ", "lay mãi cũng chỉ ú ớ"
                relapse = _within_clause(toks, _WAKE_RELAPSE, call.end, 9)
                # session 23 (n64-s20-usual): not a nap's sleeper said up and well later ("..., tới chiều dậy chơi")
                if relapse is not None and not up_and_well_later(toks, relapse.end):
                    m = Match(i, relapse.end, "altered_consciousness", "gọi mới tỉnh rồi lại ngủ")
                    out.append((m, negated(toks, m, spans)))
            if out:
                break
        if not out:
            # "ông gọi tên tôi thành tên bố tôi": the family called by another's name
            misnamed = _head_then_tail(toks, _MISNAME_CALLS, _MISNAME_AS, 5, "altered_consciousness", "gọi thành tên",
                                       negator_breaks=True)
            if misnamed is not None:
                out.append((misnamed, negated(toks, misnamed, spans)))
        if not out and vocative:
            # "bà ơi bà ơi, bà không trả lời con": the patient called by name does not answer
            for j, t in enumerate(toks[:-1]):
                if j >= vocative and word_in(t, lx.PLAIN_NEGATORS) and _patient_subject(toks, j):
                    outcome = _wake_outcome(toks, j)
                    if outcome is not None:
                        m = Match(j, outcome.end, "altered_consciousness", "gọi không trả lời")
                        out.append((m, negated(toks, m, spans)))
                        break
    if "coughing_blood" not in have:
        for j, t in enumerate(toks):
            if not word_in(t, lx.BLOOD_WORDS):
                continue
            src = [i for i in range(max(0, j - 4), j) if word_in(toks[i], lx.BLOOD_SOURCES) and clause(i, j)]
            if src:
                m = Match(src[0], j + 1, "coughing_blood", "ho ra máu")
                out.append((m, _blood_denied(toks, src[0], j) or negated(toks, m, spans)))
                if any(word_in(toks[i], ("ho", "khạc", "đờm")) for i in src) and "cough" not in have:
                    out.append((Match(src[0], src[0] + 1, "cough", "ho"), out[-1][1]))
                break
    if "cannot_eat_drink" not in have:
        for i, t in enumerate(toks):
            if not word_in(t, lx.DRINK_WORDS):
                continue
            vomit = [j for j in range(i + 1, min(i + 7, len(toks))) if word_in(toks[j], lx.VOMIT_WORDS)
                     and clause(i, j)]
            # "uống được bình thường, không nôn ói gì": the vomit word itself denied is no sign
            vomit = [j for j in vomit if not any(word_in(x, lx.NEGATORS) for x in toks[max(i + 1, j - 2):j])
                     and not nausea(toks, j)]  # "uống thuốc xong hơi buồn nôn" (session 18, ``ivr.nlu.timeline``)
            # session 19 (n41-set13-calm): "bú no rồi trớ ra một chút, sau đó lại bú tiếp" (``ivr.nlu.everyday``)
            vomit = [j for j in vomit if not small_spit_up(toks, Match(j, j + 1, "vomiting", toks[j]))]
            vomit = [j for j in vomit if not bought(toks, j)]  # session 23 (n64-s20-usual): "làm sao mua thuốc"
            if vomit and not any(word_in(x, lx.PLAIN_NEGATORS) for x in toks[max(0, i - 2):i]):
                m = Match(i, vomit[0] + 1, "cannot_eat_drink", "uống vào là nôn")
                out.append((m, negated(toks, m, spans)))
                break
    if "cannot_eat_drink" not in have and not any(m.label == "cannot_eat_drink" for m, _ in out):
        # "ăn miếng nào nôn miếng ấy": whatever is eaten comes back
        for i, t in enumerate(toks):
            if not word_in(t, lx.EAT_WORDS):
                continue
            each = [j for j in range(i + 1, min(i + 4, len(toks))) if word_in(toks[j], lx.EACH_WORDS) and clause(i, j)]
            vomit = [j for j in range(i + 1, min(i + 9, len(toks))) if word_in(toks[j], lx.VOMIT_WORDS)
                     and clause(i, j)]
            if each and vomit and each[0] < vomit[0]:
                m = Match(i, vomit[0] + 1, "cannot_eat_drink", "ăn gì nôn nấy")
                out.append((m, negated(toks, m, spans)))
                break
    if "severe_breathlessness" not in have:
        # "nói được vài chữ là thở dốc", "nói một câu phải nghỉ mấy lần để thở": breath too short to talk
        for i in range(len(toks)):
            speech = _SPEECH.at(toks, i)
            # "câu nào cũng đứt quãng", "mỗi câu phải dừng lấy hơi": every sentence, the speech word left unsaid
            unit = _SPEECH_EVERY.at(toks, i) if speech is None else _within_clause(toks, _SPEECH_UNITS, speech.end, 4)
            if unit is None:
                continue
            breath = _within_clause(toks, _SPEECH_BREATH, unit.end, i + 10 - unit.end)
            if breath is None:  # "nói ít câu là thở": a bare breath only at the end of its clause
                breath = _within_clause(toks, _SPEECH_BREATH_AT_END, unit.end, i + 10 - unit.end)
                if breath is not None and breath.end < len(toks) and toks[breath.end] != BREAK:
                    breath = None
            if breath is not None and not any(word_in(toks[k], lx.NEGATORS) and not _universal(toks, k)
                                              for k in range(unit.end, breath.start)):
                m = Match(i, breath.end, "severe_breathlessness", "nói vài chữ là thở dốc")
                out.append((m, negated(toks, m, spans)))
                break
    if "severe_breathlessness" not in have and not any(m.label == "severe_breathlessness" for m, _ in out):
        # "thở như cá mắc cạn", "thở kéo như ống bễ": the breath likened to a dying one; "thở mà bụng hóp vào sâu
        # dưới sườn", "mỗi lần thở là ngực lõm xuống": drawn in on each breath (no negator between)
        image = _head_then_tail(toks, _BREATH, _BREATH_IMAGES, 4, "severe_breathlessness", "thở như cá mắc cạn",
                                negator_breaks=True)
        drawn = image or _head_then_tail(toks, _BREATH, _INDRAWING, 6, "severe_breathlessness", "thở hóp sườn",
                                         negator_breaks=True)
        drawn = drawn or _posture_to_breathe(toks)
        if drawn is not None:
            out.append((drawn, negated(toks, drawn, spans)))
    if CONCERN_SIGN not in have:
        # "đi tiểu chỉ được vài giọt", "nước tiểu ra có tí xíu": very little urine (a worry, decision 261 sign 11)
        scant = _head_then_tail(toks, _URINE, _SCANT, 4, CONCERN_SIGN, "tiểu vài giọt", negator_breaks=True)
        if scant is not None:
            out.append((scant, negated(toks, scant, spans)))
    if "exhaustion" not in have:
        # "cầm bát cơm cũng không nổi": no strength for an everyday effort
        unable = _head_then_tail(toks, _EFFORT, _UNABLE, 6, "exhaustion", "cầm không nổi", negator_breaks=False)
        if unable is not None:
            out.append((unable, negated(toks, unable, spans)))
    return out


def _posture_to_breathe(toks: Sequence[str]) -> Match | None:
    """Session 18 (n33-helpers): "phải ngồi gục trên bàn để thở", "chống tay lên gối mới thở được": a posture taken in
    order to breathe (symptoms.yaml ``posture_words`` then ``posture_breath``), severe breathlessness."""
    return _head_then_tail(toks, _POSTURES, _POSTURE_BREATH, 5, "severe_breathlessness", "ngồi gục để thở",
                           negator_breaks=True)


def _blood_denied(toks: Sequence[str], src: int, j: int) -> bool:
    """Session 18 (n35-indirect261): "đờm trắng không có máu", "đờm không lẫn máu": a negator between the phlegm
    and the blood denies the blood."""
    return any(word_in(t, lx.PLAIN_NEGATORS) for t in toks[src + 1:j])


def _head_then_tail(toks: Sequence[str], head: Matcher, tail: Matcher, reach: int, label: str, phrase: str, *,
                    negator_breaks: bool) -> Match | None:
    """The first phrase of ``head`` followed within ``reach`` words of its clause by one of ``tail``, as one match
    of ``label`` ("cầm bát cơm cũng không nổi"); ``negator_breaks``: not with a negator between them."""
    for i in range(len(toks)):
        first = head.at(toks, i)
        if first is None:
            continue
        last = _within_clause(toks, tail, first.end, reach)
        if last is not None and not (negator_breaks and any(word_in(x, lx.NEGATORS)
                                                            for x in toks[first.end:last.start])):
            return Match(i, last.end, label, phrase)
    return None


def _universal(toks: Sequence[str], k: int) -> bool:
    """Is the negator at ``k`` a universal ("câu đâu cũng đứt hơi", "câu nào cũng"): one of universal_after next?"""
    return k + 1 < len(toks) and word_in(toks[k + 1], lx.UNIVERSAL_AFTER)


def _call_unheard(toks: Sequence[str], call: Match | None, outcome: Match) -> bool:
    """Is "không nghe" (``outcome``) a call to the patient unheard: the call one of symptoms.yaml ``hearing_calls``
    ("kêu không nghe"), never a word said to the caller ("cháu nói gì bà không nghe"), and no word of
    ``hearing_not_before`` after it ("kêu mãi không nghe rõ")?"""
    if call is None or call.phrase not in lx.HEARING_CALLS:
        return False
    return outcome.end >= len(toks) or _HEARING_NOT_BEFORE.at(toks, outcome.end) is None


def _sleeper_unwoken(toks: Sequence[str], call: int, neg: int) -> bool:
    """"ngủ hoài, gọi không được": one of symptoms.yaml ``unable_ends`` right after the negator at ``neg`` ending its
    clause, and one of ``sleep_words`` in the clause of the call at ``call`` or the clause before (a phone call that
    does not get through names no sleep)."""
    end = neg + 2
    if end > len(toks) or not word_in(toks[neg + 1], lx.UNABLE_ENDS) or (end < len(toks) and toks[end] != BREAK):
        return False
    lo = clause_start(toks, call)
    if lo > 0:
        lo = clause_start(toks, lo - 1)
    return bool(_SLEEP.find(toks[lo:call]))


def _wilful(toks: Sequence[str], call: int, neg: int) -> bool:
    """Is the no-answer after the negator at ``neg`` wilful: one of symptoms.yaml ``wilful_gap`` right after it ("không
    thèm", "không buồn") and one of ``moods`` in the clause of the call at ``call`` or the clause before ("con mê game
    quá, gọi không thèm trả lời")?"""
    if neg + 1 >= len(toks) or not word_in(toks[neg + 1], lx.WILFUL_GAP):
        return False
    lo = clause_start(toks, call)
    if lo > 0:
        lo = clause_start(toks, lo - 1)
    return bool(_MOODS.find(toks[lo:neg]))


# session 21 (n51-calls8): a lying patient's no-answer in a mood; breath too short to speak said with a negator
_SPEECH_CUT_WORDS = Matcher(table(*lx.SPEECH_CUT_WORDS))
_SPEECH_CUT_ENDS = Matcher(table(*lx.SPEECH_CUT_ENDS))
_SPEECH_CUT_BARE = Matcher(table(*lx.SPEECH_CUT_BARE))


def _moody(toks: Sequence[str], start: int, end: int) -> bool:
    """Is one of symptoms.yaml ``moods`` said in the clause of ``start`` or the one before, up to ``end`` ("thằng bé
    nằm lăn dưới sàn ăn vạ, không chịu dậy")? A tantrum, no lost consciousness."""
    lo = clause_start(toks, start)
    if lo > 0:
        lo = clause_start(toks, lo - 1)
    return bool(_MOODS.find(toks[lo:end]))


def _speech_denied(toks: Sequence[str], i: int) -> bool:
    """Is the speech word at ``i`` denied ("không nói ...") or said as a degree not reached ("chưa đến mức nói ...")?"""
    window = toks[max(clause_start(toks, i), i - 3):i]
    if i > 0 and word_in(toks[i - 1], lx.PLAIN_NEGATORS):
        return True
    return any(word_in(t, lx.PLAIN_NEGATORS) for t in window) and any(word_in(t, ("mức", "nỗi")) for t in window)


def _speech_cut(toks: Sequence[str], *, breathless: bool) -> bool:
    """Is speech cut short by a negator said ("nói chẳng hết câu", "nói chuyện không ra hơi", "nói không được câu
    nào"; symptoms.yaml ``speech_cut_ends``), or, with a breathlessness sign said (``breathless``), a bare one ("thở
    nhanh, nói không được hết"; ``speech_cut_bare``)? Not after a negator or a supposition before the speech word
    ("chưa tới mức nói không hết câu")."""
    for i in range(len(toks)):
        word = _SPEECH_CUT_WORDS.at(toks, i)
        if word is None or _speech_denied(toks, i):
            continue
        j = word.end
        if j < len(toks) and word_in(toks[j], lx.SPEECH_CUT_FILLERS):
            j += 1
        if j + 1 >= len(toks) or not word_in(toks[j], lx.PLAIN_NEGATORS):
            continue
        if _SPEECH_CUT_ENDS.at(toks, j + 1) is not None:
            return True
        bare = _SPEECH_CUT_BARE.at(toks, j + 1)
        if breathless and bare is not None and (bare.end >= len(toks) or toks[bare.end] == BREAK):
            return True  # the bare end closes its clause: "nói không được hết." (not "nói không hết chuyện")
    return False


def _said_exactly(m: Match | None, toks: Sequence[str]) -> bool:
    """Is ``m`` a phrase said with its own diacritics (not its letters alone: "may" may be "mấy", not "máy")?"""
    return m is not None and " ".join(toks[m.start:m.end]) == m.phrase


def _wake_outcome(toks: Sequence[str], j: int) -> Match | None:
    """A wake outcome after the negator at ``j`` ("không dậy"); "thấy"/"nghe" and a person may come between
    ("gõ cửa mãi không thấy bà lên tiếng")."""
    k = j + 1
    while k < min(j + 3, len(toks)) and (word_in(toks[k], lx.WAKE_GAP) or word_in(toks[k], lx.PERSONS)):
        k += 1
    # past the gap words first: "không nghe ông trả lời" answers nothing, whoever called ("nghe" is an outcome too)
    later = _WAKE_OUTCOMES.at(toks, k) if j + 1 < k < len(toks) else None
    outcome = later or _WAKE_OUTCOMES.at(toks, j + 1) or (_WAKE_OUTCOMES.at(toks, k) if k < len(toks) else None)
    if outcome is not None and outcome.end < len(toks) and _said_exactly(_PHONE.at(toks, outcome.end), toks):
        return None  # "gọi mãi nó không mở máy": a phone left off, not a patient who does not open their eyes
    if outcome is not None and nothing_odd(toks, outcome.end):
        return None  # "gọi cho bố không thấy bố nói gì lạ": nothing strange said (session 18, n28)
    return outcome


def _slipped_call(tok: str) -> bool:
    """Is ``tok`` a wake call said with a slip of its vowel marks ("lây" for "lay")? (symptoms.yaml
    ``wake_slip_calls``)"""
    return has_diacritics(tok) and tok not in lx.WAKE_SLIP_CALLS and fold(tok) in {fold(c) for c in lx.WAKE_SLIP_CALLS}


def _vocative(raw: Sequence[str]) -> int:
    """One past the first call of the patient by name in the raw tokens ("bà ơi"), as a count of content tokens
    before it (fillers dropped), or 0 when there is none."""
    seen = 0
    for k, t in enumerate(raw[:-1]):
        if raw[k + 1] in ("ơi", "oi") and word_in(t, lx.VOCATIVE_PERSONS):
            return seen + 1
        if t not in lx.FILLERS and t not in lx.FOLDED_FILLERS:
            seen += 1
    return 0


def _patient_subject(toks: Sequence[str], j: int) -> bool:
    """Is what comes before the negator at ``j`` in its clause only the patient ("bà không", "mẹ vẫn không",
    nothing), never a first person first ("con không") nor another subject ("tổng đài không")?"""
    before = toks[clause_start(toks, j):j]
    if before and word_in(before[0], lx.FIRST_PERSONS):
        return False
    return all(word_in(t, lx.VOCATIVE_PERSONS) or word_in(t, lx.PERSONS) or word_in(t, lx.VOCATIVE_SUBJECT_WORDS)
               for t in before)


def _simile_words(toks: Sequence[str], i: int) -> int:
    """How many words of a simile (symptoms.yaml ``near_simile``: "như", "có", "ai") follow the body part at ``i``,
    whose person may come first ("ngực ba như có ai bóp"), in the next six words before a clause break: they take no
    room of the near window ("ngực như có ai bóp chặt")."""
    k = i + 1
    if k < len(toks) and word_in(toks[k], lx.PERSONS):
        k += 1
    if k >= len(toks) or not word_in(toks[k], ("như",)):
        return 0
    n = 0
    for t in toks[k:i + 7]:
        if t == BREAK or not word_in(t, lx.NEAR_SIMILE):
            break
        n += 1
    return n


def _child_inflammation(toks: Sequence[str], age: float | None = None) -> bool:
    """Signs of multisystem inflammation in a child (symptoms.yaml ``inflammation_signs``): a child word or a stated
    ``age`` below ``child_age_below``, and two kinds of signs said present ("cháu bé mắt đỏ, môi nứt nẻ"; the caller
    checks the fever)."""
    child = bool(_CHILD.find(toks)) or (age is not None and age < lx.CHILD_AGE_BELOW)
    return child and _kinds(_INFLAMMATION, toks) >= 2


def _kinds(matcher: Matcher, toks: Sequence[str]) -> int:
    """How many kinds (labels) of ``matcher``'s phrases are said, and not denied, in ``toks``."""
    return len({m.label for m in matcher.find(toks) if not negated(toks, m, ())})


def _within_clause(toks: Sequence[str], matcher: Matcher, start: int, window: int) -> Match | None:
    """The first phrase of ``matcher`` starting in the ``window`` words from ``start``, before a clause break."""
    for j in range(start, min(start + window, len(toks))):
        if toks[j] == BREAK:
            return None
        found = matcher.at(toks, j)
        if found is not None:
            return found
    return None


def _fine_now(toks: Sequence[str], r: Match) -> bool:
    """Is the reassurance ``r`` said of now: no negator right before ("không bình thường"), no past marker or
    "còn" (was still) in the three words before ("hôm qua còn bình thường")?"""
    if r.start > 0 and word_in(toks[r.start - 1], lx.NEGATORS):
        return False
    before = toks[max(0, r.start - 3):r.start]
    return not (_PAST.find(before) or any(word_in(t, ("còn", "mới")) for t in before))


def _annoyed_at_calls(toks: Sequence[str]) -> bool:
    """A complaint about the hotline's calls (symptoms.yaml ``call_complaints``: "gọi hoài", "phiền quá"), not followed
    by a negator ("gọi hoài không được": a caller who could not get through)."""
    return any(not (c.end < len(toks) and word_in(toks[c.end], lx.NEGATORS)) for c in _CALL_COMPLAINTS.find(toks))


def _dim_thing(toks: Sequence[str], m: Match) -> bool:
    """A thing that is dim, not a drowsy patient ("màn hình lờ mờ", "số nó lờ mờ"): a dim word (symptoms.yaml
    ``dim_words``) with a thing (``dim_objects``) before it in its clause, and between them no body part and no
    person but "nó" (the thing itself)."""
    if " ".join(toks[m.start:m.end]) not in lx.DIM_WORDS:
        return False
    window = toks[clause_start(toks, m.start):m.start]
    objs = _DIM_OBJECTS.find(window)
    # session 21b (n53-s17-calm): a contrast word between turns to the patient ("uống nước đường rồi mà vẫn lơ mơ")
    return bool(objs) and not any(word_in(t, _BODY_PARTS) or (word_in(t, lx.PERSONS) and t != "nó")
                                  or word_in(t, _DIM_TURNS) for t in window[objs[-1].end:]) and not _user_then_dim(
        window, objs[-1])


_DIM_TURNS = ("mà", "nhưng", "chứ", "nhưng mà")


def _user_then_dim(window: Sequence[str], obj: Match) -> bool:
    """"bà ngồi xem ti vi rồi lịm đi": a person of the household before the thing (who uses it) and a then-word
    (negation.yaml ``watching_then``) between the thing and the dim word: the person grew drowsy, not the screen
    ("cái ti vi lịm đi", "màn hình lờ mờ" stay things). Session 18 (n30-hedged-emerg)."""
    return (any(word_in(t, lx.PATIENTS_AFTER_OTHERS) for t in window[:obj.start])
            and any(word_in(t, lx.WATCHING_THEN) for t in window[obj.end:]))


def _thing_colour(toks: Sequence[str], m: Match) -> bool:
    """A colour said of a thing ("cái máy đo màu tím"): a colour phrase naming no body part, with an object word
    (symptoms.yaml ``colour_objects``) within three words before it in its clause and no body part between."""
    if any(word_in(t, _BODY_PARTS) for t in toks[m.start:m.end]):
        return False
    lo = max(0, m.start - 4)
    while lo < m.start and BREAK in toks[lo:m.start]:
        lo += 1
    window = toks[lo:m.start]
    objs = _COLOUR_OBJECTS.find(window)
    return bool(objs) and not any(word_in(t, _BODY_PARTS) or word_in(t, lx.PERSONS)
                                  for t in window[objs[-1].end:])


def _unclaimed_warning(toks: Sequence[str], claimed: set[int], cues: Sequence[Match]) -> bool:
    """The structural guard of an emergency in words no rule knows (the caller then gets ``caller_concern`` and the
    concern flag): a decision-261 area or function (symptoms.yaml ``warning_areas``: "hơi thở", "môi", "nuốt") said
    with its diacritics and, within four words of its clause, a word of worsening or inability (``worsening_words``:
    "yếu dần", "đổi màu", "không nổi"), in a clause where no sign phrase was found or denied (``claimed``), no vital cue
    ("nhịp thở"), calm word or chronic marker ("từ lâu") was said and nothing is supposed ("nếu ... thì")."""
    in_cue = {i for c in cues if c.end - c.start > 1 for i in range(c.start, c.end)}
    for area in _AREAS.find(toks):
        if " ".join(toks[area.start:area.end]) != area.phrase or any(i in in_cue for i in range(area.start, area.end)):
            continue
        lo, hi = clause_start(toks, area.start), clause_end(toks, area.end)
        clause = toks[lo:hi]
        if any(lo <= i < hi for i in claimed) or _HYPO.find(clause):
            continue
        worse = [w for w in _WORSENING.find(clause) if lo + w.end > area.start - 4 and lo + w.start < area.end + 4
                 and not (area.start <= lo + w.start < area.end) and " ".join(clause[w.start:w.end]) == w.phrase]
        if not worse:
            continue
        used = {lo + i for w in worse for i in range(w.start, w.end)}
        if any(not any(lo + i in used for i in range(c.start, c.end)) for c in _CALM.find(clause)):
            continue
        return True
    return False


def _anger_colour(toks: Sequence[str], m: Match) -> bool:
    """A face dark with anger or shame ("cay cú tới mức mặt tím lại", "giận tím mặt"): an emotion word (symptoms.yaml
    ``emotion_words``) in the colour's clause before its end, and no lips, fingers or tongue in that clause."""
    lo, hi = clause_start(toks, m.start), clause_end(toks, m.end)
    clause = toks[lo:hi]
    return bool(_EMOTION.find(toks[lo:m.end])) and not any(word_in(t, lx.EMOTION_SPARED_PARTS) for t in clause)


def _half_understood_worry(toks: Sequence[str], cues: Sequence[Match], blocked: set[int] | frozenset[int] = frozenset()
                           ) -> bool:
    """A worry word (symptoms.yaml ``worry_words``) in a clause with no negator before it and no calm word,
    in an utterance that asks nothing and reads no vital: "bà cứ thở khác khác", "môi ông nhìn lạ". Only
    words written with their diacritics count ("tinh" may be "tính"), and not inside a vital cue ("nhịp thở") nor a
    symptom blocker (``blocked``: "chưa tỉnh ngủ", "máy thở", "trận đấu nghẹt thở"; session 12, n16)."""
    if (any(word_in(t, lx.QUESTION_ENDINGS) for t in toks[-1:]) or _CONDITIONAL.find(toks)
            or _QUESTION_WORDS.find(toks)):
        return False
    in_cue = {i for c in cues if c.end - c.start > 1 for i in range(c.start, c.end)}  # "nhịp thở", not "thở"
    for w in _WORRY.find(toks):
        if (any(i in in_cue or i in blocked for i in range(w.start, w.end))
                or " ".join(toks[w.start:w.end]) != w.phrase):
            continue
        lo, hi = clause_start(toks, w.start), clause_end(toks, w.end)
        if any(word_in(t, lx.NEGATORS) for t in toks[lo:w.start]) or _CALM.find(toks[lo:hi]):
            continue
        if fond_of(toks, w):
            continue  # "ông mê phim chưởng", "thằng nhỏ giựt đồ chơi" (session 18, n34, ``ivr.nlu.fragments``)
        if may_be_everyday(toks) and calm_worry(toks, w):
            continue  # "ống nước cứ rít lên như người thở" (session 19, n40-calm-lookalikes, ``ivr.nlu.everyday``)
        return True
    return False


# session 18 (n29-node-signs): an emergency sign at any question of a call
_BREATH_FAIL_ENDS = Matcher(table(*lx.BREATH_FAIL_ENDS))
_COLD_SWEAT = Matcher(table(*lx.COLD_SWEAT))


def _breath_fails(toks: Sequence[str], j: int) -> bool:
    """Does a negator then an inability end (symptoms.yaml ``breath_fail_ends``) follow a breathlessness phrase
    ending at ``j`` ("thở dốc | không ra hơi", "thở hổn hển | chẳng nổi")? The breath fails: severe."""
    return j + 1 < len(toks) and word_in(toks[j], lx.PLAIN_NEGATORS) and _BREATH_FAIL_ENDS.at(toks, j + 1) is not None


def _cold_sweat_with_chest_pain(toks: Sequence[str], pos: Sequence[str],
                                spans: Sequence[tuple[Match, bool]]) -> Match | None:
    """A cold sweat (symptoms.yaml ``cold_sweat``), not denied, in an utterance that reports chest pain ("đau tức
    ngực vã mồ hôi", "tức ngực, mồ hôi lạnh"): a heart attack's sign, an emergency."""
    if "chest_pain" not in pos:
        return None
    for m in _COLD_SWEAT.find(toks):
        if not negated(toks, m, spans):
            return m
    return None


def positive_any(spans: Sequence[tuple[Match, bool]]) -> bool:
    return any(not neg for _, neg in spans)


_NOT_DENIAL = ("hiểu", "biết", "rõ")  # "không hiểu sao tụt", "không biết sao xuống": a report


def _low_denied(between: Sequence[str]) -> bool:
    """Session 19 (n41-set13-calm): a negator between a SpO2 cue and its "low" word ("ô xi không xuống dưới chín bảy
    bao giờ", "spo2 chưa bao giờ tụt"), not "không hiểu sao"."""
    return any(word_in(t, lx.NEGATORS) for t in between) and not any(word_in(t, _NOT_DENIAL) for t in between)


def _possessor(toks: Sequence[str], i: int) -> int:
    """Session 19 (n41-set13-calm): the length of "của <person> [<person>]" at ``i`` ("của ba tôi"), else 0."""
    if i >= len(toks) or not word_in(toks[i], ("của",)):
        return 0
    k = i + 1
    while k < len(toks) and k - i <= 2 and word_in(toks[k], lx.PERSONS):
        k += 1
    return k - i if k > i + 1 else 0


_SO_LOW = ("vậy", "thế", "vầy", "như vậy", "như thế", "đến vậy", "đến thế", "tới vậy", "cỡ này", "như này")


def _unprecedented(toks: Sequence[str], j: int) -> bool:
    """Session 19 (n41-set13-calm): "ô xi của ba tôi chưa bao giờ thấp vậy": never this low is low now (a word of
    degree right after the low word ``j``); errs toward the sign."""
    nxt = toks[j + 1:j + 3]
    return bool(nxt) and (word_in(nxt[0], _SO_LOW) or " ".join(nxt) in _SO_LOW)


def calm_look_alike(toks: Sequence[str], m: Match) -> bool:
    """Session 18 (n36-calm-slang): is the sign ``m`` calm talk that sounds like it: slang, an effort's breath that a
    rest ended, or a sign asked about (``ivr.nlu.slang``)?"""
    # session 19 (n40-calm-lookalikes): an unchanged baseline, a breath idiom, a thing's sound, a colour gone back, a
    # tantrum, a sore muscle, brain fog (``ivr.nlu.everyday``)
    if slang_sign(toks, m) or rested_off(toks, m) or meaning_asked(toks, m):
        return True
    # session 20 (n46-others): a bystander opening the sign's clause has the sign, not a thing named before ("xe khách
    # dừng giữa đường vì có người trên xe lên cơn khó thở", ``ivr.nlu.others``); session 20 (n45-benign-cause): a mild
    # sign with an ordinary cause that has passed (``set20_kind``)
    # session 21 (n49-calm-context): a sign of no person now, read by its context whoever has it ("chỉ có thằng cháu
    # nội chạy dởn ngoài sân dìa thở như cá mắc cạn, uống miếng nước là hết": ``ivr.nlu.context``)
    # session 22 (n57-s18-calm): a relayed alarm checked, a bump's bruise, a dye, a deaf person's sounds, a care
    # question (``ivr.nlu.relayed``)
    # session 22b (n61-s19-calm): a sign over now, cramps while drinking well, a baby's noises asleep, "nói do"
    # (``ivr.nlu.harmless``)
    # session 23 (n64-s20-usual): breathlessness only on an effort, plain activity fine (``ivr.nlu.usual``)
    if (may_be_usual(toks) and effort_only(toks, m)) or (may_be_everyday(toks) and usual_baseline(toks, m, _SYMPTOMS)):
        return True
    # session 23 (n63-s20-emotion): an anger idiom, a feared sign asked about, a figure of speech, a panic attack or a
    # crying spell over, a story on a screen, a stain, low mood while drinking, a relayed no (``ivr.nlu.emotion``)
    # session 23b (n68-s21-elderly): dementia at its usual state, a drunk sleeper roused who acts, one food refused
    # while another is eaten, a sign once weeks ago and not since, urine passed while drinking, a poor appetite of a
    # patient still alert (``ivr.nlu.habit``)
    # session 23b (n67-s21-child): milk coming in, a baby's purr, a picky eater, a fit long ago, a relative far away
    # in hospital (``ivr.nlu.child``)
    if (dementia_usual(toks, m) or roused_action(toks, m) or picky_eater(toks, m) or past_one_off(toks, m)
            or urine_with_fluids(toks, m) or poor_intake_alert(toks, m) or set23b_kind(toks, m)):
        return True
    return set21_kind(toks, m) or set22_kind(toks, m, _SYMPTOMS) or set22b_kind(toks, m, _SYMPTOMS) or (
        set23_kind(toks, m, _SYMPTOMS)) or (
        not bystander_subject(toks, m) and (
        everyday_calm(toks, m) or set13_kind(toks, m) or set14_kind(toks, m) or set20_kind(toks, m)))


def set21_kind(toks: Sequence[str], m: Match) -> bool:
    """Session 21 (n49-calm-context): a word asked about, an animal's sign, a deep colour, a fever's li bì with the
    patient awake, a habit and the person fine, a child's play over, cold hands warmed up, a breath word said to be no
    breathlessness, a nap and up and well, fear after the news (``ivr.nlu.context``)."""
    return may_be_context(toks) and context_calm(toks, m)


_OVER_DENIALS = ("hết", "khỏi")
#: session 19 (n43-set14): mild signs a caller may say are left now after a past episode (everyday.yaml)
_MILD_NOW = frozenset(lx.LEXICON.words("everyday", "episode_mild_now"))


def set13_kind(toks: Sequence[str], m: Match) -> bool:
    """Session 19 (n41-set13-calm): a mistaken belief, a sign put on a thing, an everyday cause after the sign, or a
    past episode over now with no sign said after the now word but denied ("giờ hết tím rồi", "không sốt lại")
    (``ivr.nlu.everyday``)."""
    if not may_be_kind(toks):
        return False
    if kind_calm(toks, m):
        return True
    now = past_episode_over(toks, m)
    if now is None:
        now = woke_when_called(toks, m)
    if now is None:
        return False
    for later in _SYMPTOMS.find(toks[now:]):
        if later.label == BLOCK or later.label in _MILD_NOW:  # session 19 (n43-set14): "giờ chỉ ho lụ khụ"
            continue
        before = toks[max(0, now + later.start - 2):now + later.start]
        if not any(word_in(t, lx.NEGATORS) or word_in(t, _OVER_DENIALS) for t in before):
            return False
    return True


def _passed_span(toks: Sequence[str], m: Match) -> range:
    """Session 20 (n45-benign-cause): the tokens of a sign read as passed after an ordinary cause, with its cause and
    the clause that says it passed (no worry word there: "mệt lử, ngủ một giấc dậy tươi tỉnh")."""
    passed = cause_passed(toks, m) if may_be_cause(toks) else None
    return range(0) if passed is None else cause_span(toks, m, passed)


def _angry_span(toks: Sequence[str]) -> set[int]:
    """Session 20 (n45-benign-cause): the clauses of a "tức" of anger ("bực tức muốn nổ ngực luôn nè")."""
    if not may_be_cause(toks):
        return set()
    return {k for i in range(len(toks)) if angry_tightness(toks, i)
            for k in range(clause_start(toks, i), clause_end(toks, i + 1))}


def calm_senses(toks: Sequence[str]) -> set[int]:
    """Session 18 (n36-calm-slang): the tokens of sign phrases ``calm_look_alike`` reads as calm ("chán muốn xỉu",
    "thở dốc, nghỉ chút là hết"), masked from the n-gram model's text (``ivr.nlu.understander.model_text``)."""
    masked: set[int] = set()
    effort_calm = False
    idioms = may_be_hassle(toks)
    causes = may_be_cause(toks)
    if (not may_be_calm(toks) and not may_be_everyday(toks) and not may_be_kind(toks) and not idioms and not causes
            and not may_be_context(toks) and not may_be_set22(toks)
            and not may_be_set22b(toks) and not may_be_set23(toks) and not may_be_set23b(toks)
            and not may_be_habit(toks)):  # session 23b (n67-s21-child, n68-s21-elderly)
        return rousable(toks)
    for m in _SYMPTOMS.find(toks):
        # session 19 (lead): an idiom of exasperation the rules clear ("thở không ra hơi vì tiền nhà") is hidden from
        # the model too, as the other calm senses are
        if m.label != BLOCK and ((idioms and hassle_idiom(toks, m)) or calm_look_alike(toks, m)):
            masked.update(range(m.start, rest_end(toks, m) or m.end))
            # session 23 (n64-s20-usual): a sign only on an effort
            effort_calm = effort_calm or rest_end(toks, m) is not None or (may_be_usual(toks) and effort_only(toks, m))
            if everyday_calm(toks, m) or set13_kind(toks, m) or set14_kind(toks, m):
                masked.update(everyday_span(toks, m))  # session 19 (n40-calm-lookalikes, n41-set13-calm)
            if set21_kind(toks, m):
                masked.update(context_span(toks, m))  # session 21 (n49-calm-context)
            if set22_kind(toks, m, _SYMPTOMS):
                masked.update(set22_span(toks, m, _SYMPTOMS))  # session 22 (n57-s18-calm)
            if set22b_kind(toks, m, _SYMPTOMS):
                masked.update(harmless_span(toks, m))  # session 22b (n61-s19-calm)
            if set23_kind(toks, m, _SYMPTOMS):
                masked.update(set23_span(toks, m))  # session 23 (n63-s20-emotion)
            masked.update(past_one_off_span(toks, m))  # session 23b (n68-s21-elderly): a one-off story weeks ago
            if set23b_kind(toks, m):
                masked.update(set23b_span(toks, m))  # session 23b (n67-s21-child)
        if causes and m.label != BLOCK:
            # session 20 (n45-benign-cause): a mild sign with an ordinary cause that has passed, with its cause and
            # the clause that says it passed ("..., ngồi một chút là êm"; "ho mấy tiếng do bụi rơm, ổng nói vậy hoài")
            passed = cause_passed(toks, m, mask=True)
            if passed is not None:
                masked.update(cause_span(toks, m, passed))
    masked.update(_angry_span(toks))
    if may_be_everyday(toks):
        masked.update(i for w in _WORRY.find(toks) if calm_worry(toks, w) for i in everyday_span(toks, w))
    # session 22 (n57-s18-calm): a broken device, a deaf sleeper; session 22b (n61-s19-calm): a small bleed explained
    # session 23 (n64-s20-usual): a chronic disease's name when its sign is said as usual
    usual = usual_quiet(toks, [r for r in _RISKS.find(toks) if r.label != BLOCK], _SYMPTOMS,
                                effort_calm=effort_calm) if (
        effort_calm or may_be_everyday(toks)) else set()
    # session 23 (n63-s20-emotion): an anger idiom
    # session 23b (n67-s21-child): a croup cough that settled, a breath held in a tantrum let go at once
    return (masked | rousable(toks) | model_quiet(toks) | bleed_quiet(toks) | usual | anger_quiet(toks)
            | child_quiet(toks))


def mild_spans(toks: Sequence[str]) -> set[int]:
    """Session 19 (n38-mild-checkin): the tokens of the mild complaints the rules read (urgency.yaml
    ``model_calm_signs``: "mệt", "ho", "đau họng"), for ``ivr.nlu.understander.calm_hedged``."""
    return {i for m in _SYMPTOMS.find(toks) if m.label in lx.MODEL_CALM_SIGNS for i in range(m.start, m.end)}
