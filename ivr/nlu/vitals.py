"""Numbers as vital signs (by unit or by the closest cue word), ages, and blood pressure.

Blood pressure is two numbers said as one reading ("huyết áp chín mươi trên sáu mươi", "120/80"): the
systolic (``systolic_bp``) and diastolic (``diastolic_bp``) vitals, read as such when the question asked
for blood pressure. Said anywhere else, a reading below 90/60 is the warning sign ``low_blood_pressure``
(``low_blood_pressure`` below), whatever question was asked."""
from __future__ import annotations

from collections.abc import Callable, Sequence
from itertools import pairwise

from ivr.engine.understanding import worse
from ivr.nlu import lexicon as lx
from ivr.nlu import negation
from ivr.nlu.matcher import BLOCK, Match, Matcher, table, word_in
from ivr.nlu.normalize import BREAK, fold, tokenize
from ivr.nlu.numbers import Number, find_numbers

CUES = Matcher({**lx.VITAL_CUES, BLOCK: lx.CUE_BLOCKERS})
#: The cues of two words or more, one of them misheard (``Matcher`` fuzzy pass: "nhiêt độ", "nhịp thớ"), and the
#: blockers so that a misheard "bệnh tim" is no pulse cue either.
_MULTI_WORD_CUES = Matcher({label: tuple(p for p in phrases if len(tokenize(p)) > 1)
                            for label, phrases in {**lx.VITAL_CUES, BLOCK: lx.CUE_BLOCKERS}.items()},
                           gaps=True, fuzzy=True)
_PER_MIN = Matcher(table(*lx.PER_MINUTE))
_UNNAMED_BLOCKERS = Matcher(table(*lx.UNNAMED_BLOCKERS))
#: A value supposed or asked about ("nếu spo2 dưới chín tư thì...", "khi nào ô xy dưới chín sáu thì gọi").
_SUPPOSED = Matcher(table(*lx.HYPOTHETICAL, *lx.CONDITIONAL_QUESTIONS))
_ASKED = Matcher(table(*lx.QUESTION_WORDS))
_CORRECTIONS = Matcher(table(*lx.CORRECTIONS))
#: Words around two values that make them a range, not a value said again ("chín mươi, chín mốt gì đó").
_RANGE_WORDS = Matcher(table(*lx.LEXICON.words("vitals", "range_words")))
_HESITATIONS = lx.LEXICON.words("vitals", "hesitations")
#: Said before each of two values of one vital, a swing between them ("lúc chín sáu lúc chín bảy"): vitals.yaml.
_SWING = Matcher(table(*lx.LEXICON.words("vitals", "swing_words")))
#: Said before a value after a reading of its vital, a limit of it ("chưa tới hai chục"): vitals.yaml limit_words.
_LIMIT = Matcher(table(*lx.LEXICON.words("vitals", "limit_words")))
_LIMIT_FILLERS = Matcher(table(*lx.LEXICON.words("vitals", "limit_fillers")))
#: The oximeter named only as the device: no SpO2 cue at the pulse question (vitals.yaml oximeter_device_cues).
_OXIMETER_DEVICE_CUES = frozenset(lx.LEXICON.words("vitals", "oximeter_device_cues"))
_PERCENT_OF_OTHER = Matcher(table(*lx.LEXICON.words("vitals", "percent_of_other")))
_CHANGE_FROM = lx.LEXICON.words("vitals", "change_from")
_VAGUE_NORMAL = lx.LEXICON.ranges("vitals", "vague_normal")
_CONTINUES_BEFORE = lx.LEXICON.words("vitals", "continues_before")
_ORDINAL_BEFORE = lx.LEXICON.words("numbers", "ordinal_before")
_CHANGE_TO = Matcher(table(*lx.LEXICON.words("vitals", "change_to")))
_AFTER_CORRECTION = Matcher(table(*lx.LEXICON.words("vitals", "after_correction")))
#: A blood pressure said in cmHg: the plausible (systolic, diastolic) ranges of those numbers.
_CMHG_RANGES = lx.LEXICON.ranges("vitals", "cmhg_ranges")
_CMHG = (_CMHG_RANGES["systolic_bp"], _CMHG_RANGES["diastolic_bp"])
# A lone upper number in cmHg at the blood pressure question, not after these (session 11, n15).
_CMHG_ALONE_NOT_AFTER = lx.LEXICON.words("vitals", "cmhg_alone_not_after")
_RETRACTIONS = Matcher(table(*lx.RETRACTIONS))
_PAST = Matcher(table(*lx.PAST_MARKERS))
_NOW = Matcher(table(*lx.NOW_WORDS))
_RESOLVED = Matcher(table(*lx.RESOLVED_WORDS, *lx.PAST_RESOLVED_WORDS))
_BP_QUESTION_SEPARATORS = Matcher(table(*lx.BLOOD_PRESSURE_SEPARATORS, *lx.BP_QUESTION_SEPARATORS))
#: An unnamed reading in this range after a measuring word is the SpO2 (vitals.yaml ``unnamed_measure_words``).
_UNNAMED_SPO2 = (float(lx.UNNAMED_SPO2_MIN), float(lx.UNNAMED_SPO2_MAX))
#: Below every vital's range: a number this small before "lần" counts measurements.
_LOWEST = min(lo for lo, _ in lx.VITAL_RANGES.values())
#: Above every vital's range: a price, a dose, a house or phone number, never a reading.
_HIGHEST = max(hi for _, hi in lx.VITAL_RANGES.values())
#: The vitals counted per minute ("lần một phút", "nhịp").
_RATE_VITALS = ("breathing_rate", "pulse")
#: A new measure said between two values ("sáng nay sáu giờ đo lại chín bảy"): vitals.yaml remeasure_words.
_REMEASURE = Matcher(table(*lx.LEXICON.words("vitals", "remeasure_words")))
#: Said alone right before a value, a name of the pulse ("spo2 tám bảy, nhịp một trăm mười"): vitals.yaml.
_PULSE_ALONE = lx.LEXICON.words("vitals", "pulse_alone_before_value")
#: The rows of an oximeter's display said by their place ("số trên", "số dưới"): vitals.yaml display_rows.
_DISPLAY_ROWS = Matcher(lx.LEXICON.table("vitals", "display_rows"))
#: How far below a SpO2 the second number an oximeter shows must be to be its pulse: vitals.yaml.
_DISPLAYED_PULSE_GAP = lx.LEXICON.number("vitals", "displayed_pulse_gap")
_TWO_ROWS = Matcher(table(*lx.LEXICON.words("vitals", "two_rows_shown")))
_BARE_ROWS = {"trên": "spo2", "dưới": "pulse"}
_FOR_WHOM = ("cho", "giùm", "hộ", "dùm")
_BESIDE = Matcher(table(*lx.LEXICON.words("vitals", "beside_joiners")))
_PAIR_JOINERS = Matcher(table(*lx.OXIMETER_PAIR_JOINERS))
_NOW_AFTER_VALUE = lx.LEXICON.words("vitals", "now_after_value")
#: Before a digit word, a person named by birth order ("cô Bảy", "chú Tư"): vitals.yaml birth_order_titles.
_BIRTH_ORDER_TITLES = lx.LEXICON.words("vitals", "birth_order_titles")
_DIGIT_WORDS = tuple(lx.DIGITS)
# session 18 (n31-approx-vitals): strict bounds ("dưới chín mươi", "hơn trăm hai")
_BOUND_UNDER = Matcher(table(*lx.LEXICON.words("vitals", "bound_under")))
_BOUND_OVER = Matcher(table(*lx.LEXICON.words("vitals", "bound_over")))
_BOUND_INCLUSIVE_BEFORE = lx.LEXICON.words("vitals", "bound_inclusive_before")
_BOUND_NOT_AFTER = lx.LEXICON.words("vitals", "bound_not_after")
_BOUND_SIDES = ((_BOUND_UNDER, -1, frozenset(lx.LEXICON.words("vitals", "bound_under_vitals"))),
                (_BOUND_OVER, 1, frozenset(lx.LEXICON.words("vitals", "bound_over_vitals"))))
# session 18 (n37-device-115): calm device talk (a first reading blamed on how it was taken, then measured again)
_ARTIFACTS = Matcher(table(*lx.LEXICON.words("vitals", "measure_artifacts")))
_ARTIFACT_REMEASURES = Matcher(table(*lx.LEXICON.words("vitals", "artifact_remeasures")))
_DISPLAY_ROW_PHRASES = frozenset(p for phrases in lx.LEXICON.table("vitals", "display_rows").values() for p in phrases)
#: The two vitals of one blood pressure reading.
SYSTOLIC, DIASTOLIC = "systolic_bp", "diastolic_bp"
BLOOD_PRESSURE_VITALS = (SYSTOLIC, DIASTOLIC)
#: Plausible readings: a systolic value above its diastolic one, each in its own range.
_SYSTOLIC_RANGE, _DIASTOLIC_RANGE = (50.0, 260.0), (20.0, 160.0)


def ages(toks: Sequence[str], numbers: Sequence[Number]) -> tuple[set[int], int | None]:
    """Indexes of numbers that are ages, and the largest age."""
    idx: set[int] = set()
    age: int | None = None
    named = [c for c in CUES.find(toks) if c.label != BLOCK] if numbers else []
    for k, n in enumerate(numbers):
        after = toks[n.end] if n.end < len(toks) else None
        before = toks[max(0, n.start - 4):n.start]
        is_age = word_in(after, lx.AGE_WORDS) or (n.start > 0 and word_in(toks[n.start - 1], lx.AGE_WORDS))
        if not is_age:
            for b in range(len(before) - 1):
                rest = before[b + 2:]  # between "năm nay" and the number: no break nor vital named ("nằm một chỗ
                # năm năm nay, ô xi chín hai" is SpO2 92, no age; session 12, n17)
                if word_in(before[b], ("năm",)) and word_in(before[b + 1], ("nay",)) and BREAK not in rest and not [
                        c for c in CUES.find(rest) if c.label != BLOCK]:
                    is_age = True
        if not is_age and n.start > 0 and word_in(toks[n.start - 1], lx.AGE_APPROX) and 40 <= n.value <= 110:
            # "bà ngoài tám mươi rồi"; but "ô xi của ông hơn chín mươi", "mạch bố hơn một trăm": a vital named before it
            # in its clause, with no value between, makes it that reading said roughly (session 12, n17)
            is_age = any(word_in(t, lx.AGE_PERSONS) for t in before) and not _named_before(toks, numbers, k, named)
        if is_age and 0 < n.value < 120:
            idx.add(k)
            age = max(age or 0, int(n.value))
    return idx, age


def _named_before(toks: Sequence[str], numbers: Sequence[Number], k: int, cues: Sequence[Match]) -> bool:
    """Is a vital named before number ``k`` in its clause with no other number between ("ô xi của ông hơn chín
    mươi")?"""
    n = numbers[k]
    return any(c.end <= n.start and BREAK not in toks[c.end:n.start]
               and not any(c.end <= m.start and m.end <= n.start for m in numbers[:k]) for c in cues)


def blood_pressure_pairs(toks: Sequence[str], numbers: Sequence[Number], skip: set[int],
                         expect_vital: str | None, *, asked: bool = False) -> list[tuple[int, int]]:
    """Indexes (systolic, diastolic) of the numbers said as a blood pressure reading, "A trên B" or "A/B"
    ("chín mươi trên sáu mươi", "huyết áp 120/80"), when the question asked for blood pressure. ``asked``:
    read for the blood pressure question itself, where more ways of joining the two count ("chia", "với",
    "số dưới": vitals.yaml ``bp_question_separators``) and none at all ("120 80", "trăm hai tám chục")."""
    out: list[tuple[int, int]] = []
    if expect_vital not in BLOOD_PRESSURE_VITALS:
        return out
    for k, (a, b) in enumerate(pairwise(numbers)):
        if k in skip or k + 1 in skip or (out and out[-1][1] == k):
            continue
        between = toks[a.end:b.start]
        if BREAK in between and _paused_separator(between) and (asked or _BP_NAMES.find(toks)):
            # session 23 (n65-s20-readings): "tám mươi... trên... năm mươi"
            between = [t for t in between if t != BREAK]
        if asked:
            # a break before the joining words is a pause ("trên một trăm mười, dưới bảy mươi") (session 10)
            if len(between) > 1 and between[0] == BREAK:
                between = between[1:]
            sep = _BP_QUESTION_SEPARATORS.at(between, 0) if between else None
            if between and (sep is None or sep.end != len(between)) and not (
                    list(between) == [BREAK] and BREAK in lx.BP_QUESTION_SEPARATORS):
                continue
        elif len(between) != 1 or not word_in(between[0], lx.BLOOD_PRESSURE_SEPARATORS):
            continue
        if not (_SYSTOLIC_RANGE[0] <= a.value <= _SYSTOLIC_RANGE[1]
                and _DIASTOLIC_RANGE[0] <= b.value <= _DIASTOLIC_RANGE[1] and a.value > b.value):
            continue
        out.append((k, k + 1))
    return out


#: fuzzy: a name misheard in one word ("huyêt áp") still names the blood pressure
_BP_NAMES = Matcher(table(*lx.BLOOD_PRESSURE_NAMES), gaps=True, fuzzy=True)


def _named_blood_pressure(toks: Sequence[str], start: int) -> bool:
    """A blood pressure named before ``start`` ("ông tôi huyết áp cao, hôm nay đo một trăm bốn mươi trên chín
    mươi", also "huyet ap"): the pair is that blood pressure."""
    return bool(_BP_NAMES.find(toks[:start]))


def find_vitals(toks: Sequence[str], numbers: Sequence[Number], skip: set[int],
                expect_vital: str | None) -> dict[str, float]:
    """Each vital's reading in ``toks`` (the reading now when several are said; ``find_readings``)."""
    return find_readings(toks, numbers, skip, expect_vital)[0]


def find_readings(toks: Sequence[str], numbers: Sequence[Number], skip: set[int],
                  expect_vital: str | None) -> tuple[dict[str, float], dict[str, float]]:
    """Each vital's reading in ``toks``, and a worse reading of a vital said before the one kept ("sáng chín ba,
    giờ chín sáu": 96, and 93 for triage; ``Understanding.earlier_worse``)."""
    numbers = _in_mmhg(toks, numbers, expect_vital)
    # session 22 (n56-s18-readings): a thermometer in Fahrenheit (the values converted are temperatures), a restart
    converted = _in_fahrenheit(toks, numbers)
    fahrenheit = {(n.start, n.end) for n, m in zip(converted, numbers) if n.value != m.value}
    numbers = _round_restart(toks, converted)
    joined = _digits_by_position(toks, numbers)  # session 22b (n60-s19-readings): "số đầu là chín, số sau là hai"
    positional = {(n.start, n.end) for n in joined} - {(n.start, n.end) for n in numbers}
    numbers = joined
    original = numbers
    numbers, skip = _counted_seconds(toks, numbers, skip)
    counted = numbers
    cues = find_cues(toks) if numbers else []  # no number, no reading: the fuzzy pass is not worth its time
    if expect_vital == "pulse" and len(numbers) == 1:
        # "máy kẹp tay hiện tám hai" at the pulse question: the device shows the pulse too, the one value said is the
        # one asked for; two values it shows stay its SpO2 and pulse (session 13, n20)
        cues = [c for c in cues if not (c.label == "spo2" and c.phrase in _OXIMETER_DEVICE_CUES)]
    if numbers and expect_vital != "breathing_rate":
        cues = _with_pulse_alone(toks, numbers, cues)
    if numbers and expect_vital not in BLOOD_PRESSURE_VITALS and not _BP_NAMES.find(toks):
        cues = _with_display_rows(toks, numbers, cues)
    unnamed_blocked = bool(_UNNAMED_BLOCKERS.find(toks))
    out: dict[str, float] = {}
    earlier: dict[str, float] = {}
    assigned: dict[int, str] = {}
    numbers, skip = _outside_cues(toks, numbers, skip, cues)
    numbers, skip = _units_after_a_pause(toks, numbers, skip)
    numbers, skip = _hundreds_said_as_digit(toks, numbers, skip, expect_vital)  # session 20 (n44-numbers)
    numbers, skip = _pulse_said_digit_by_digit(toks, numbers, skip, cues)  # session 21b (n52-s17-readings)
    skip |= {k for k, n in enumerate(numbers) if _service_number(toks, n)}  # session 21 (lead)
    # session 22 (n56-s18-readings): a blood-pressure machine's rows, a pressure said digit by digit, an oximeter's
    # two values told apart by a label
    bp_said = bool(numbers) and (expect_vital in BLOOD_PRESSURE_VITALS or bool(_BP_NAMES.find(toks)))
    numbers, skip, compact = _compact_blood_pressure(numbers, skip, bp_said, toks)
    for sys_k, dia_k in compact:
        out[SYSTOLIC], out[DIASTOLIC] = numbers[sys_k].value, numbers[dia_k].value
        skip.update((sys_k, dia_k))
    for k, name in _bp_machine_rows(toks, numbers, skip, bp_said).items():
        out[name] = numbers[k].value
        skip.add(k)
    for k in _systolic_before_vague(toks, numbers, skip, bp_said):
        out[SYSTOLIC] = numbers[k].value
        skip.add(k)
    labelled, said_again = _labelled_pair(toks, numbers, skip)
    for k, name in labelled.items():
        out[name] = numbers[k].value
    skip |= set(labelled) | said_again
    if expect_vital not in BLOOD_PRESSURE_VITALS:
        # "huyết áp một trăm bốn mươi trên chín mươi" when no blood pressure was asked: neither number is
        # another vital (not a pulse of 140, not a SpO2 of 90); a low reading is ``low_blood_pressure``.
        # Named as a blood pressure earlier in the utterance, the pair is also the reading (it reaches the
        # doctor's case); a bare "một trăm bốn mươi trên chín mươi" is not.
        named_end: int | None = None
        usual_pair = False  # session 23 (n65-s20-readings): the pair before was a usual one ("thường ..., mà nay ...")
        for sys_k, dia_k in blood_pressure_pairs(toks, numbers, skip, SYSTOLIC):
            skip.update((sys_k, dia_k))
            if _named_blood_pressure(toks, numbers[sys_k].start):
                # session 21b (n52-s17-readings): "lần đầu ..., lần sau ...": the later pair
                later = named_end is not None and (usual_pair or _bp_later(toks[named_end:numbers[sys_k].start]))
                usual_pair = _usual_before(toks, numbers[sys_k].start)
                for k, name in ((sys_k, SYSTOLIC), (dia_k, DIASTOLIC)):
                    if name == DIASTOLIC and _vague_value(toks, numbers[k]):
                        continue  # session 22 (n56-s18-readings): "năm mươi mấy"
                    out[name] = min(out[name], numbers[k].value) if name in out and not later else numbers[k].value
                named_end = numbers[dia_k].end
    pair_end: int | None = None
    for sys_k, dia_k in blood_pressure_pairs(toks, numbers, skip, expect_vital, asked=True):
        # several readings ("một trăm trên bảy mươi, đo lại tám lăm trên năm lăm"): keep the lowest
        later = pair_end is not None and _bp_later(toks[pair_end:numbers[sys_k].start])  # session 21b (n52)
        for k, name in ((sys_k, SYSTOLIC), (dia_k, DIASTOLIC)):
            value = numbers[k].value
            if name == DIASTOLIC and _vague_value(toks, numbers[k]):
                skip.add(k)
                continue  # session 22 (n56-s18-readings): "tám mươi trên năm mươi mấy": the systolic 80 only
            out[name] = min(out[name], value) if name in out and not later else value
            skip.add(k)
        pair_end = numbers[dia_k].end
    oximeter_pulses: set[int] = set()
    last: dict[str, int] = {}  # end of each vital's last value (what lies between it and the next one)
    last_value: dict[str, Number] = {}  # each vital's last value itself
    prev_end = 0  # end of the last number that could be a value (counts and dates do not hide a cue)
    timed = _time_tokens(toks, numbers)
    targets = _correction_targets(toks, numbers)  # session 20 (n44-numbers)
    # session 23 (n65-s20-readings): a usual value before today's, a stuttered digit, several people's bare values
    usual, now_of = _usual_then_now(toks, numbers, skip, cues)
    stutters = _stutter_digits(toks, numbers)
    skip |= usual | stutters
    series = _person_series(toks, numbers, skip, cues) if expect_vital is None and not unnamed_blocked else set()
    for k, n in enumerate(numbers):
        if k in skip:
            continue
        vital = None
        after = toks[n.end] if n.end < len(toks) else None
        if word_in(after, lx.COUNT_UNITS) and _PER_MIN.at(toks, n.end) is None and not _now_after(
                toks, n, numbers) and not _measured_now_after(toks, n) and not any(  # session 23: "đo chín bảy giờ"
                c.start == n.end and c.phrase in _DISPLAY_ROW_PHRASES for c in cues):
            # "sốt ba bốn ngày", "tiêm 2 mũi", "lúc tám giờ": a count or a time, not a vital ("số trên chín hai số dưới
            # một trăm": "số" starts the next row of the display, session 12)
            continue
        if _counted_object_or_room(toks, n):
            continue  # session 22 (n56-s18-readings): "kê ba bốn cái gối", "phòng 12"
        if word_in(after, lx.REPEAT_COUNTS) and n.value < _LOWEST and _per_minute_len(toks, n.end) <= 1:
            continue  # "đo ô xy hai lần, lần nào cũng chín chín": a count of measurements
        if n.start > 0 and word_in(toks[n.start - 1], _ORDINAL_BEFORE) and (
                n.value < _LOWEST or (n.end - n.start == 1 and n.value <= 9)):
            # "lần một chín tư, lần hai chín sáu": which measure, no value; it uses up no cue and passes the vital
            # of the value before it on to the value after it ("ô xi thứ bảy chín tám": Saturday, any digit; session 12)
            if k - 1 in assigned:
                assigned[k] = assigned[k - 1]
            continue
        if n.start > 0 and word_in(toks[n.start - 1], lx.DATE_BEFORE) and not _at_once(toks, n.start - 1):
            continue  # "có bầu tháng tám": a date
        if n.start > 0 and word_in(toks[n.start - 1], lx.AGE_PERSONS) and any(
                c.start == n.end and _names_next(toks, numbers[k + 1:], c) for c in cues) and not (
                expect_vital is None and _person_then_bare(toks, n, cues)) and not _cue_then_owner(
                toks, n, cues):  # session 22b: "mẹ chín sáu mạch tám tám"; session 23: "sp o2 của bố 89 mạch 110"
            # "ông tám mươi ô xi chín tám, bà bảy lăm ô xi chín bảy": a person, a number, then the name of the next
            # value: that person's age, no value of the vital before it (session 12, n17)
            continue
        if _supposed(toks, n) or _threshold_asked(toks, n):  # session 21b (n52-s17-readings): the second
            continue  # "spo2 dưới chín lăm thì sao", "lỡ mà oxy xuống chín hai thì sao": no measurement
        # session 21 (n50-readings): weather degrees, an animal's reading, what everybody shows: read as a value (the
        # next one may continue its vital), never the patient's
        # session 21b (n52-s17-readings): a frozen display, a calm summary over a household
        not_patients = _not_the_patients(toks, n, cues) or _dead_display(toks, n) or _household_summary(toks, n)
        if n.start > 0 and word_in(toks[n.start - 1], lx.CLOCK_BEFORE) and (
                n.value <= lx.CLOCK_HOURS_MAX or (n.value != int(n.value) and n.value < 24)):
            continue  # "đo oxy lúc bảy rưỡi được chín hai": a clock time, which uses up no cue
        if after == "%" and _percent_of_other(toks, n, cues):
            continue  # "điện thoại hết pin còn chín mươi hai phần trăm": a battery, no SpO2
        inside_degree = any(word_in(t, ("độ",)) for t in toks[n.start:n.end])
        if after == "%":
            vital = "spo2"
        elif inside_degree or (word_in(after, ("độ",)) and (
                lx.VITAL_RANGES["temperature"][0] <= n.value <= lx.VITAL_RANGES["temperature"][1])):
            # "độ" after a value no temperature can have is a loose unit ("ô xi chín bảy độ"): the value's name
            # decides (session 12, n17)
            vital = "temperature"
        per_min = _PER_MIN.at(toks, n.end) if n.end < len(toks) else None
        if per_min is not None and any(c.start == n.end and _names_next(toks, numbers[k + 1:], c) for c in cues):
            # "nhiệt độ 37,8 nhịp thở 22": the "nhịp" that names the next reading is no unit of this one (session 10)
            per_min = None
        if vital is None and expect_vital is None:
            # session 22 (n56-s18-readings): a Fahrenheit value converted; a check-in after the day of the illness
            vital = "temperature" if (n.start, n.end) in fahrenheit else _after_illness_day(toks, numbers, k)
        if vital is None and k in now_of:
            vital = now_of[k]  # session 23 (n65-s20-readings): today's value after the usual one
        if vital is None:
            best = None
            # "tám tám là mạch": the value said to be the cue after it
            said_is = next((c for c in cues if c.start == n.end + 1 and word_in(after, lx.VALUE_IS_WORDS)
                            and not _names_next(toks, numbers[k + 1:], c)), None)
            for c in cues:
                # a clock time or a count between does not take the cue's reach ("con đo ô xy cho mẹ, lúc chín giờ
                # tối được chín hai")
                gap = n.start - c.end - sum(1 for j in range(c.end, n.start) if j in timed)
                if prev_end <= c.start and c.end <= n.start and (gap <= 6 or (
                        gap <= lx.CUE_REACH and BREAK not in toks[c.end:n.start])):
                    best = c
            if said_is is not None:
                best = said_is
            elif best is not None and _measured_after_cue(toks, n, best):
                best = None
            if best is None:
                # "99 % spo2": a cue right after, unless it names the next number ("chín lăm, mạch tám tám" at
                # the SpO2 question is no pulse of 95)
                for c in cues:
                    if c.start >= n.end and c.start - n.end <= 2:
                        if not _names_next(toks, numbers[k + 1:], c) and not _cue_after_cannot_hold(n, c):
                            best = c
                        break
            if best is not None:
                vital = best.label
                if per_min is not None and vital == "temperature":
                    vital = None
            rate = _counted_rate_before(toks, n, cues, vital)  # session 21b (n52-s17-readings)
            if rate is not None:
                vital = rate  # "thở nhanh do nóng ... mà đếm vẫn năm chục cái": 50 breaths
        if vital is None and k - 1 in oximeter_pulses:
            vital = "spo2"  # "một trăm hai mươi với chín sáu": the pulse, then the SpO2 beside it
        # "chín bảy phần trăm, bảy lăm nhịp một phút": a value with a unit of its own per minute is a rate, never
        # the SpO2 or temperature said before it again (session 12, n17)
        own_rate = per_min is not None and (_per_minute_len(toks, n.end) >= 2 or word_in(per_min.phrase,
                                                                                         lx.PULSE_WORDS))
        if vital is None and expect_vital is None and _compact_temperature(toks, numbers, k):
            vital = "temperature"  # session 20 (n44-numbers): "chín tám, ba sáu tám": 36.8 said bare
        if vital is None and expect_vital is None and _chill_temperature(toks, numbers, k):
            vital = "temperature"  # session 21b (n52-s17-readings): "lạnh... run... ba chín" 39
        if vital is None and expect_vital in (None, "breathing_rate") and _bare_body_temperature(
                toks, numbers, k, expect_vital):
            vital = "temperature"  # session 21 (n50-readings): "ba sáu rưỡi" 36.5, "ba sáu bảy" at the breathing rate
        p = _previous_read(toks, numbers, k, assigned, timed)  # k - 1, or before the clock times said since
        if vital is None and p in assigned and not (own_rate and assigned[p] not in _RATE_VITALS):
            gap_words = [t for j, t in enumerate(toks[numbers[p].end:n.start], numbers[p].end) if p == k - 1
                         or j not in timed]
            if all(word_in(t, lx.VALUE_JOINERS) for t in gap_words) or _corrected(gap_words) or (
                    _owner_free(gap_words) <= 5
                    and not any(c.start >= numbers[p].end and c.end <= n.start for c in cues)):
                vital = assigned[p]  # "spo2 chín lăm rồi chín bốn", "96, giờ đo lại 95"
        if vital is None and n.start > 0 and word_in(toks[n.start - 1], _CONTINUES_BEFORE):
            # "ô xi lúc đầu chín tám, đi lại một chút thì còn chín tư": the same vital as the last value read, when
            # no other vital is named between (vitals.yaml ``continues_before``)
            j = max((a for a in assigned if a < k), default=None)
            if j is not None and n.start - numbers[j].end <= lx.CUE_REACH and not any(
                    numbers[j].end <= c.start and c.end <= n.start for c in cues):
                lo_j, hi_j = lx.VITAL_RANGES[assigned[j]]
                if lo_j <= n.value <= hi_j:
                    vital = assigned[j]
        if vital is None and not own_rate:
            vital = _measured_again(toks, numbers, k, assigned, cues, timed) or _measured_today_again(
                toks, numbers, k, assigned, cues)  # session 23 (n65-s20-readings)
        if vital is None and per_min is not None:
            window = toks[max(0, n.start - 6):n.start]
            if any(word_in(t, lx.BREATHING_WORDS) for t in window):
                vital = "breathing_rate"
            elif any(word_in(t, lx.PULSE_WORDS) for t in window):
                vital = "pulse"
            elif expect_vital is None and (_per_minute_len(toks, n.end) >= 2
                                           or word_in(per_min.phrase, lx.PULSE_WORDS)):
                # a rate per minute with no vital named: the one whose range alone holds it ("hai mươi tư lần một
                # phút" breathing, "một trăm hai mươi nhịp" pulse); a bare "lần" counts anything ("đi ngoài 20 lần")
                vital = _only_range(n.value, "breathing_rate", "pulse")
        if vital is None and expect_vital is None and (n.start, n.end) in positional:
            vital = _positional_vital(n.value)  # session 22b (n60-s19-readings): a display read digit by digit
        if (vital is None and expect_vital is None and not unnamed_blocked and per_min is None
                and (_person_then_bare(toks, n, cues) or k in series)):
            vital = "spo2"  # session 22b (n60-s19-readings): "hôm nay mẹ em chín tám nhiệt ba sáu rưỡi"
        if vital is None and expect_vital is not None:
            vital = expect_vital
        if (vital is None and expect_vital is None and _no_cue_before(cues, n, toks) and not unnamed_blocked
                and per_min is None and _unnamed_by_place(toks, numbers, k, targets, timed)):
            vital = "spo2"  # session 20 (n44-numbers): corrected, flickering, over the day, or said bare
        if (vital is None and _no_cue_before(cues, n, toks) and not unnamed_blocked and per_min is None
                and n.value == int(n.value) and _UNNAMED_SPO2[0] <= n.value <= _UNNAMED_SPO2[1]
                and (_measured(toks, n.start) or _now_after_threshold(toks, numbers, k))):
            # "con đo cho mạ được chín mươi lăm thôi": a reading with no vital named is the oximeter's,
            # the one device a home-care F0 patient is given (a pulse is named: "mạch", "nhịp tim")
            vital = "spo2"
        if (vital is None and expect_vital is None and not unnamed_blocked and per_min is None
                and n.value == int(n.value) and _UNNAMED_SPO2[0] <= n.value <= _UNNAMED_SPO2[1]
                and (_measured_in_own_clause(toks, n, cues) or _still_today(toks, n, cues))):
            vital = "spo2"  # session 21b (n52-s17-readings): "'nếu SpO2 dưới 96 ...', mẹ vẫn đo chín tám"
        if vital is None:
            if _LOWEST <= n.value <= _HIGHEST:
                prev_end = n.end
            continue
        lo, hi = lx.VITAL_RANGES[vital]
        father = _without_kinship_word(toks, n, lo, hi)
        if father is not None:
            # "ba chín lăm" (dad: 95), "ba một trăm hai" (dad: 120): "ba" is the father, not the first digit
            n = father
            after = toks[n.end] if n.end < len(toks) else None
            skip.update(j for j in range(k + 1, len(numbers)) if numbers[j].start < n.end)
        if vital == "spo2" and "pulse" not in out and (
                (not lo <= n.value <= hi and _oximeter_pulse(toks, numbers, k, assigned))
                or _displayed_pulse(toks, numbers, k, assigned)):
            # "máy kẹp tay hiện chín bảy với một trăm ba mươi lăm": the second number an oximeter shows
            vital = "pulse"
            lo, hi = lx.VITAL_RANGES[vital]
            oximeter_pulses.add(k)
        lone_father = n.end - n.start == 1 and word_in(toks[n.start], lx.KINSHIP_NUMBER_WORDS)
        if (lo <= n.value <= hi or not (word_in(after, (BREAK, "à", "không", "nhầm")) or after is None)) and not (
                lone_father and not lo <= n.value <= hi) and _LOWEST <= n.value <= _HIGHEST:
            # a lone "ba" its vital cannot have is the father, and keeps the cue ("ô xi ba được chín bốn"); a number
            # no vital can have (a count, a price, a dose: "ô xi hai máy, máy cũ ra chín tư", "máy đo ô xi mua 200
            # nghìn, đo được 98", "pa ra năm trăm") keeps it too (session 12, n17)
            prev_end = n.end
        # else "spo2 hăm… à không, chín mươi lăm": a value its cue cannot have, taken back, keeps the cue
        nxt = numbers[k + 1] if k + 1 < len(numbers) else None
        if (vital == "temperature" and n.value == int(n.value) and lo <= n.value <= hi and nxt is not None
                and nxt.start == n.end and nxt.end == nxt.start + 1 and nxt.value < 10 and nxt.value == int(nxt.value)
                and not (nxt.end < len(toks) and word_in(toks[nxt.end], lx.NOT_TENTHS_BEFORE))):
            # "ba tám năm" / "38 5": the tenths spoken without "độ" or "phẩy"
            n = Number(value=n.value + nxt.value / 10, start=n.start, end=nxt.end)
            skip.add(k + 1)
            # the next reading follows the tenths: "sáng ba sáu tám, chiều ba tám" is 36.8 then 38 (session 7)
            assigned[k + 1] = vital
        tenths = _tenths_word_after(toks, n) if vital == "temperature" and lo <= n.value <= hi else None
        if tenths is not None:
            n = Number(value=n.value + tenths / 10, start=n.start, end=n.end + 1)  # "sốt ba chín tư" 39.4 (n44)
        if lo <= n.value <= hi and _vague_and_normal(toks, n, vital):
            # "mạch tám mươi mấy", "nhịp thở mười mấy": some value of those tens, every one of them calm for
            # its vital (vitals.yaml ``vague_normal``): no reading, as "chín mấy" at the SpO2 question
            prev_end = n.end
            continue
        if lo <= n.value <= hi:
            n = _past_bound(toks, n, cues, vital)
        if lo <= n.value <= hi:
            assigned[k] = vital
            if not_patients or (vital == "temperature" and _fever_over_since(toks, n)):  # session 22 (n56)
                continue
            said = last.get(vital)
            between = toks[said:n.start] if said is not None else ()
            last[vital] = n.end
            before, last_value[vital] = last_value.get(vital), n
            if vital in out and k in targets:
                out[vital] = n.value  # session 20 (n44-numbers): "không phải tám chín mà chín tám": the value kept
                earlier.pop(vital, None)
                continue
            if vital in out and before is not None and _settled(toks, numbers, k, out[vital], vital):
                out[vital] = n.value  # session 20 (n44-numbers): "chín lăm hay chín sáu gì đó, chín sáu"
                continue
            if vital in out and before is not None and (_restarted(toks, before, n) or _restarted_after_stutter(
                    toks, numbers, stutters, before, n)):
                out[vital] = n.value  # "chín mươi… chín mươi bảy", "chín mươi… à chín mốt": said again in full
                continue
            if vital in out and before is not None and _changed(toks, before, n):
                out[vital] = n.value  # "ô xi tăng từ chín mốt lên chín sáu": the value it came to
                continue
            if vital in out and before is not None and _limit(toks[said:n.start]):
                continue  # "mười chín cái, chưa tới hai chục": a limit, the reading said first
            if vital in out and before is not None and _swing(toks, before, n):
                out[vital] = worse(vital, out[vital], n.value)  # "lúc chín sáu lúc chín bảy": its worse end
                continue
            if vital in out and before is not None and _floor_never_crossed(toks, before):
                out[vital] = n.value  # session 19 (n41-set13-calm): "chưa bao giờ dưới chín sáu, nay chín tám"
                earlier.pop(vital, None)
                continue
            if vital in out and _only(_RETRACTIONS, between):
                continue  # "chín bảy chứ không phải chín hai": the later value is the one denied
            if vital in out and _corrected(between):
                out[vital] = n.value  # "chín hai à không chín bốn": the caller corrects the value
                continue
            if (vital in out and said is not None and _NOW.find(between) and _RESOLVED.find(between)
                    and _PAST.find(toks[:said])):
                # "hôm kia sốt ba chín độ, nay hết sốt rồi, đo ba sáu độ bảy": a past reading said to be over, then
                # one now (negation.yaml past_markers, now_words, resolved_words; session 7): the reading now is the
                # patient's. Without a word that it is over ("sáng nay ba chín độ, giờ ba tám độ"), the worse one
                # stays for triage (one of another day is no dip today: ``_not_todays_dip``, session 21b). Every
                # reading before it is over too ("hôm kia ba chín, hôm qua ba tám, hôm nay hết sốt ba sáu độ tám": no
                # 39 for triage, session 12).
                out[vital] = n.value
                earlier.pop(vital, None)
                continue
            if vital in out and _alternatives(between) and not _measures_counted(toks, numbers, before):
                # "chín tư chín lăm", "chín mươi hay chín mốt gì đó": one reading given as a range, the worse end
                if _flickers(toks, n) or _span_or_series(toks, before, n):
                    # session 20 (n44-numbers): a display flickering ("nó nhảy hoài") gives the last value said (the
                    # set-10 convention); the worse end goes to triage
                    if worse(vital, out[vital], n.value) != n.value:
                        earlier[vital] = worse(vital, earlier.get(vital, out[vital]), out[vital])
                    out[vital] = n.value
                    continue
                if _same_risk(vital, out[vital], n.value):
                    # session 22b (n60-s19-readings): both ends in one risk band ("chín mốt chín hai gì đó"): the last
                    # value said (the README convention), the worse end for triage
                    if worse(vital, out[vital], n.value) != n.value:
                        earlier[vital] = worse(vital, earlier.get(vital, out[vital]), out[vital])
                    out[vital] = n.value
                    continue
                out[vital] = worse(vital, out[vital], n.value)
                continue
            if vital in out and said is not None and _rechecked_at_once(vital, min(out[vital], earlier.get(
                    vital, out[vital])), toks[said:n.start]):
                out[vital] = n.value  # session 21 (n50-readings): "tưởng thấp, đo lại thì chín bảy": 97, no dip
                earlier.pop(vital, None)
                continue
            if vital in out and said is not None and _artifact_remeasured(toks, said, n.start):
                out[vital] = n.value  # "lúc đầu tám tám, ủ ấm tay đo lại chín tám": the first was the finger's
                earlier.pop(vital, None)
                continue
            if vital in out and before is not None and _borrowed_device_remeasured(toks, before, n):
                out[vital] = n.value  # session 22b (n60-s19-readings): a neighbour's device, then one's own
                earlier.pop(vital, None)
                continue
            if vital in out and before is not None and _not_todays_dip(toks, before, n, vital):
                out[vital] = n.value  # session 21b (n52-s17-readings): "mạch hôm qua 125, nay còn 88": 88, no dip
                earlier.pop(vital, None)
                continue
            # several readings of one vital ("chín lăm rồi chín bốn", "sáng chín tám, giờ đo lại chín sáu"): the
            # later is the reading now (the record's), a worse one before it is kept for triage (session 9)
            if vital in out and worse(vital, out[vital], n.value) != n.value:
                earlier[vital] = worse(vital, earlier.get(vital, out[vital]), out[vital])
            out[vital] = n.value
    _counted_rate_named_before(counted, original, cues, out)
    return out, {k: v for k, v in earlier.items() if k in out and worse(k, v, out[k]) != out[k]}


_RATE_VITALS = ("breathing_rate", "pulse")


def _counted_rate_named_before(numbers: Sequence[Number], original: Sequence[Number], cues: Sequence[Match],
                               out: dict[str, float]) -> None:
    """Session 19 (n43-set14): a count scaled to a minute (``_counted_seconds``) with no vital of its own, after a
    rate named earlier in the utterance across a break ("đếm nhịp thở theo đồng hồ, ba mươi giây được mười bảy
    cái"): that rate's reading."""
    for n, o in zip(numbers, original, strict=True):
        if n is o:
            continue
        named = [c for c in cues if c.end <= n.start and c.label in _RATE_VITALS]
        if named and named[-1].label not in out:
            out[named[-1].label] = n.value


_TIME_WORDS = lx.LEXICON.words("vitals", "time_words")


def _cue_after_cannot_hold(n: Number, c: Match) -> bool:
    """Session 19 (n42-set11-miss): a cue after a value that its vital cannot have ("máy báo chín sáu, mẹ thở hơi
    cạn": the breathing that follows is a sign, no rate of 96) does not name the value; the unnamed reading's rules
    decide it."""
    rng = lx.VITAL_RANGES.get(c.label)
    return rng is not None and not rng[0] <= n.value <= rng[1]


def _measured_after_cue(toks: Sequence[str], n: Number, c: Match) -> bool:
    """Session 19 (n42-set11-miss): a cue before a value its vital cannot have, with a measuring word between them
    ("thở bình thường không có mệt, đo chín tám": the breathing was a state, the reading is the oximeter's): the
    unnamed reading's rules decide the value."""
    return _cue_after_cannot_hold(n, c) and any(word_in(t, lx.UNNAMED_MEASURE_WORDS) for t in toks[c.end:n.start])


def _no_cue_before(cues: Sequence[Match], n: Number, toks: Sequence[str] = ()) -> bool:
    """Session 18 (n31-approx-vitals): is no vital named before ``n`` (a cue after it names a later value: "máy báo chín
    mốt mạch trăm hai lăm" is the oximeter's SpO2 91, then its pulse)? The cue right after a value that it would name
    took the value before this is asked."""
    return not any(c.start < n.end and not (toks and _measured_after_cue(toks, n, c)) for c in cues)


def _past_bound(toks: Sequence[str], n: Number, cues: Sequence[Match], vital: str) -> Number:
    """Session 18 (n31-approx-vitals): ``n`` read one step past a strict bound said right before it (vitals.yaml
    ``bound_under``/``bound_over``: "dưới chín mươi" 89, "chưa tới 90" 89, "hơn trăm hai" 121, "hơn ba mươi" breaths
    31), the nearest value the words allow, on the ``vital``'s alarming side only ("hơn chín bảy" stays 97) and when
    that value leaves the calm band (vitals.yaml ``vague_normal``: "chưa tới tám lăm" pulse stays 85);
    "không lên quá 92" (``bound_inclusive_before``) stays 92, and so does a
    bound word inside a cue ("số dưới tám tư", a display row) or after a comparison ("đỡ hơn chín tám")."""
    if n.value != int(n.value):
        return n
    for matcher, step, vitals in _BOUND_SIDES:
        if vital not in vitals:
            continue
        for i in range(max(0, n.start - 3), n.start):
            m = matcher.at(toks, i)
            if m is None or m.end != n.start:
                continue
            if any(c.start < m.end and m.start < c.end for c in cues):
                return n
            before = toks[max(0, m.start - 2):m.start]
            if any(word_in(t, _BOUND_INCLUSIVE_BEFORE) for t in before) or (
                    before and word_in(before[-1], _BOUND_NOT_AFTER)):
                return n
            lo, hi = _VAGUE_NORMAL.get(vital, (0.0, 0.0))
            if lo <= n.value + step <= hi:
                return n  # "chưa tới tám lăm" (pulse): every value it allows is calm, the value said
            return Number(value=n.value + step, start=n.start, end=n.end)
    return n


def _with_pulse_alone(toks: Sequence[str], numbers: Sequence[Number], cues: Sequence[Match]) -> list[Match]:
    """``cues`` and a pulse cue for each word of vitals.yaml ``pulse_alone_before_value`` ("nhịp") said alone right
    before a value, or one word before it ("spo2 tám bảy, nhịp một trăm mười", "nhịp là tám tám", "ô xi chín sáu nhịp
    một trăm hai lăm"), outside every cue ("nhịp thở", "nhịp tim"); after a value with none after it, it is that
    value's unit ("bảy lăm nhịp một phút": "một" is no value) (session 12, n17)."""
    covered = {j for c in cues for j in range(c.start, c.end)}
    lo, hi = lx.VITAL_RANGES["pulse"]
    starts = {n.start for n in numbers if lo <= n.value <= hi}

    def after_breathing(i: int) -> bool:
        # the last vital named before it, with no value between, is the breathing ("thở gấp nhịp ba mươi", "đếm nhịp
        # thở, nhịp hai mươi hai"): "nhịp" counts the breaths
        last = max((c for c in cues if c.end <= i), key=lambda c: c.end, default=None)
        return last is not None and last.label == "breathing_rate" and not any(
            last.end <= n.start and n.end <= i for n in numbers)

    extra = [Match(start=i, end=i + 1, label="pulse", phrase=t) for i, t in enumerate(toks)
             if word_in(t, _PULSE_ALONE) and i not in covered
             and (i + 1 in starts or (i + 2 in starts and toks[i + 1] != BREAK)) and not after_breathing(i)]
    return sorted((*cues, *extra), key=lambda m: m.start) if extra else list(cues)


_ROW_REACH = 6


def _with_display_rows(toks: Sequence[str], numbers: Sequence[Number], cues: Sequence[Match]) -> list[Match]:
    """``cues`` and the rows of an oximeter's display said by their place right before a value, or one word before
    it (vitals.yaml ``display_rows``: "số trên chín lăm, số dưới tám tư", "số dưới là tám hai"); the caller keeps them
    off where a blood pressure is named or asked (session 12, n17)."""
    starts = {n.start for n in numbers if n.value >= _LOWEST}
    rows = [m for m in _DISPLAY_ROWS.find(toks) if m.end in starts or (m.end + 1 in starts and toks[m.end] != BREAK)
            or _row_value_later(toks, numbers, m)]
    rows += _bare_rows(toks, starts)
    if not rows:
        return list(cues)
    taken = {j for m in rows for j in range(m.start, m.end)}
    return sorted((*(c for c in cues if not taken.intersection(range(c.start, c.end))), *rows), key=lambda m: m.start)


def _row_value_later(toks: Sequence[str], numbers: Sequence[Number], m: Match) -> bool:
    """Session 19 (n43-set14): a display row described before its value ("số dưới cạnh cái hình trái tim là một trăm
    mười", "số nhỏ ở dưới là một trăm lẻ năm"): the next value within ``row_reach`` words, no break or other number
    between, "là" right before it."""
    nxt = next((n for n in numbers if n.start >= m.end), None)
    if nxt is None or nxt.start - m.end > _ROW_REACH or nxt.start - m.end < 2:
        return False
    gap = toks[m.end:nxt.start]
    return BREAK not in gap and nxt.value >= _LOWEST and word_in(gap[-1], ("là",))


def _bare_rows(toks: Sequence[str], starts: set[int]) -> list[Match]:
    """Session 19 (n42-set11-miss): a bare "trên"/"dưới" right before a value, after the display was said to show two
    numbers (vitals.yaml ``two_rows_shown``): the SpO2's row and the pulse's ("hiện hai số, trên chín chín, dưới tám
    mươi")."""
    shown = _TWO_ROWS.find(toks)
    if not shown:
        return []
    return [Match(i, i + 1, _BARE_ROWS[t], t) for i, t in enumerate(toks)
            if i >= shown[0].end and t in _BARE_ROWS and i + 1 in starts]


def _measured_again(toks: Sequence[str], numbers: Sequence[Number], k: int, assigned: dict[int, str],
                    cues: Sequence[Match], timed: set[int]) -> str | None:
    """The vital of the last value read when number ``k`` is that vital measured again: words of a new measure
    between (vitals.yaml ``remeasure_words``: "chín giờ tối qua ô xi chín tư, sáng nay sáu giờ đo lại chín bảy",
    "ô xi chín mươi, đo lại ngón khác thì chín ba"), no vital named between, at most ``cue_reach`` words apart
    beside times and persons, ``k`` in that vital's range (session 12, n17)."""
    j = max((a for a in assigned if a < k), default=None)
    if j is None:
        return None
    lo_gap, hi_gap = numbers[j].end, numbers[k].start
    gap = toks[lo_gap:hi_gap]
    # a new measure on another finger or hand ("đổi sang ngón giữa ra chín chín": artifact_remeasures, n37)
    if not (_REMEASURE.find(gap) or _ARTIFACT_REMEASURES.find(gap)) or any(
            lo_gap <= c.start and c.end <= hi_gap for c in cues):
        return None
    if sum(1 for i in range(lo_gap, hi_gap) if i not in timed) > lx.CUE_REACH:
        return None
    lo, hi = lx.VITAL_RANGES[assigned[j]]
    return assigned[j] if lo <= numbers[k].value <= hi else None


def find_cues(toks: Sequence[str]) -> list[Match]:
    """The vital cues in ``toks``: exact (``CUES``), then a cue of two words or more with one word misheard by a
    recognizer where no exact cue or blocker is ("nhiêt độ ba chín", "nhịp thớ hai tám")."""
    exact = CUES.find(toks)
    covered = {j for m in exact for j in range(m.start, m.end)}
    bent = [m for m in _MULTI_WORD_CUES.find(toks)
            if m.end - m.start > 1 and not covered.intersection(range(m.start, m.end))]
    return sorted((m for m in (*exact, *bent) if m.label != BLOCK), key=lambda m: m.start)


def _time_tokens(toks: Sequence[str], numbers: Sequence[Number]) -> set[int]:
    """Tokens that take none of a cue's reach: words of when (vitals.yaml ``time_words``), persons (negation.yaml
    ``persons``) and the clock times and counts: a number after "lúc" (``clock_before``) up to ``clock_hours_max`` or
    before a count unit ("giờ", "h", "ngày": ``count_units``), with those words ("lúc chín giờ", "7h"), a count of
    measurements ("một lần") and a number no vital can have (a price, a dose: "hai trăm nghìn")."""
    out = {j for j, t in enumerate(toks) if word_in(t, _TIME_WORDS) or word_in(t, lx.PERSONS)}
    for n in numbers:
        after = toks[n.end] if n.end < len(toks) else None
        clock = n.start > 0 and word_in(toks[n.start - 1], lx.CLOCK_BEFORE) and n.value <= lx.CLOCK_HOURS_MAX
        if clock or (word_in(after, lx.COUNT_UNITS) and not _now_after(toks, n, numbers)):
            out.update(range(n.start - 1 if clock else n.start, n.end + (1 if word_in(after, lx.COUNT_UNITS) else 0)))
        elif word_in(after, lx.REPEAT_COUNTS) and n.value < _LOWEST and _per_minute_len(toks, n.end) <= 1:
            out.update(range(n.start, n.end + 1))  # "đo ô xi một lần, lần mới nhất được chín bảy" (session 12)
        elif not _LOWEST <= n.value <= _HIGHEST:
            out.update(range(n.start, n.end))  # "máy đo ô xi mua hai trăm nghìn, đo được chín tám" (session 12)
    return out


def _now_after(toks: Sequence[str], n: Number, numbers: Sequence[Number]) -> bool:
    """Is the count unit after ``n`` the word "now" between two values ("lúc nãy chín bốn giờ chín bảy": "giờ" is
    "bây giờ")? Only a value above any clock hour (vitals.yaml ``now_after_value``: "giờ") with a value right after
    the word; "sốt ba ngày", "lúc chín giờ chín hai", "mười hai giờ chín tư" stay a count or a time (session 12,
    n17)."""
    return (n.value > 24 and n.end < len(toks) and word_in(toks[n.end], _NOW_AFTER_VALUE)
            and any(m.start == n.end + 1 and m.value >= _LOWEST for m in numbers))


def _owner_free(words: Sequence[str]) -> int:
    """How many of ``words`` are not persons (negation.yaml ``persons``): whose reading it is takes no room between
    two readings ("oxy chín bảy, còn ba tui thì có chín mốt")."""
    return sum(1 for t in words if not word_in(t, lx.PERSONS))


def _outside_cues(toks: Sequence[str], numbers: Sequence[Number], skip: set[int],
                  cues: Sequence[Match]) -> tuple[Sequence[Number], set[int]]:
    """The numbers read again after a cue whose name ends in a number word ("so pe o hai chin hai": the "hai" of
    SpO2 spelled out is no digit of the reading), with ``skip`` (indexes of ``numbers``) moved along."""
    for c in cues:
        if not any(n.start < c.end and c.start < n.end for n in numbers):
            continue
        skipped = {numbers[k] for k in skip}
        rest = [Number(value=n.value, start=n.start + c.end, end=n.end + c.end) for n in find_numbers(toks[c.end:])]
        numbers = [*(n for n in numbers if n.end <= c.start), *rest]
        skip = {k for k, n in enumerate(numbers) if n in skipped}
    return numbers, set(skip)


def _units_after_a_pause(toks: Sequence[str], numbers: Sequence[Number],
                         skip: set[int]) -> tuple[Sequence[Number], set[int]]:
    """``numbers`` with a value said in two goes read whole: its tens ("chín mươi", "ba mươi"), a pause (breaks and
    hesitation sounds only), then its units digit alone ("chín… chín mươi… sáu" 96, "ba mươi, ờ, tám độ" 38), the
    digit one word that ends its clause or has the value's unit after it (never a count, a time or an age: "chín mươi,
    sáu giờ đo lại"); ``skip`` (indexes of ``numbers``) moved along (session 12, n17)."""
    merged: list[Number] = []
    kept_skip: set[int] = set()
    k = 0
    while k < len(numbers):
        a = numbers[k]
        b = numbers[k + 1] if k + 1 < len(numbers) else None
        if b is not None and k not in skip and k + 1 not in skip and _units_of(toks, a, b):
            merged.append(Number(value=a.value + b.value, start=a.start, end=b.end))
            k += 2
            continue
        if k in skip:
            kept_skip.add(len(merged))
        merged.append(a)
        k += 1
    return merged, kept_skip


def _units_of(toks: Sequence[str], a: Number, b: Number) -> bool:
    """Is ``b`` the units digit of the whole tens ``a`` said after a pause (``_units_after_a_pause``)?"""
    if a.value != int(a.value) or a.value % 10 or not 20 <= a.value <= 90 or not word_in(toks[a.end - 1], lx.TENS):
        return False
    if b.end != b.start + 1 or b.value != int(b.value) or not 1 <= b.value <= 9 or toks[b.start].isdigit():
        return False
    between = toks[a.end:b.start]
    if BREAK not in between or any(t != BREAK and not word_in(t, _HESITATIONS) for t in between):
        return False
    after = toks[b.end] if b.end < len(toks) else None
    return after is None or after in (BREAK, "%") or word_in(after, lx.DEGREE) or _per_minute_len(toks, b.end) >= 2


def _not_persons(words: Sequence[str]) -> list[str]:
    """``words`` without the persons (negation.yaml ``persons``): who misread a value takes no part in its correction
    ("chín tám, à không, em nhìn lộn, chín tư")."""
    return [t for t in words if not word_in(t, lx.PERSONS)]


def _in_mmhg(toks: Sequence[str], numbers: Sequence[Number], expect_vital: str | None) -> list[Number]:
    """``numbers`` with a blood pressure said in centimetres of mercury, as older devices and many callers say it
    ("mười hai trên tám", "huyết áp 12/8", "chín trên sáu": 120/80, 90/60), in millimetres: two whole numbers within
    vitals.yaml ``cmhg_ranges``, the first the larger, joined by a blood pressure separator (at its question also
    by nothing or ``bp_question_separators``: "mười hai tám"),
    at the blood pressure question or after a blood pressure name ("ngày 12/8" is a date, "tháng mười hai trên tám
    ngày" no reading)."""
    out = list(numbers)
    for k, (a, b) in enumerate(pairwise(numbers)):
        between = toks[a.end:b.start]
        joined = len(between) == 1 and word_in(between[0], lx.BLOOD_PRESSURE_SEPARATORS)
        if not joined and expect_vital in BLOOD_PRESSURE_VITALS:
            # at the blood pressure question also "mười hai tám", "mười hai với tám" (bp_question_separators)
            sep = _BP_QUESTION_SEPARATORS.at(between, 0) if between else None
            joined = not between or list(between) == [BREAK] or (sep is not None and sep.end == len(between))
        if not joined:
            continue
        if a.value != int(a.value) or b.value != int(b.value) or not a.value > b.value:
            continue
        # "trăm bốn trên chín", "chín chục trên sáu": the upper number in millimetres, the lower one in centimetres
        # (140/90, 90/60): the lower times ten below the upper and a diastolic value (session 13, n20)
        mixed = (_CMHG[0][1] < a.value <= _SYSTOLIC_RANGE[1] and _CMHG[1][0] <= b.value <= _CMHG[1][1]
                 and _DIASTOLIC_RANGE[0] <= b.value * 10 < a.value)
        if not mixed and not (_CMHG[0][0] <= a.value <= _CMHG[0][1] and _CMHG[1][0] <= b.value <= _CMHG[1][1]):
            continue
        if expect_vital not in BLOOD_PRESSURE_VITALS and not _named_blood_pressure(toks, a.start):
            continue
        if a.start > 0 and word_in(toks[a.start - 1], lx.DATE_BEFORE):
            continue
        if mixed:
            out[k + 1] = Number(value=b.value * 10, start=b.start, end=b.end)
            continue
        out[k] = Number(value=a.value * 10, start=a.start, end=a.end)
        out[k + 1] = Number(value=b.value * 10, start=b.start, end=b.end)
    if expect_vital in BLOOD_PRESSURE_VITALS and len(numbers) == 1:
        # "huyết áp cao mười sáu", "có chín thôi": the only value said at the question, the upper number in cmHg;
        # never with a count or time unit after it ("đo hai lần", "mười hai giờ") nor after a person named by birth
        # order, a date or a clock time ("thằng sáu", "mùng mười", "lúc chín") (vitals.yaml cmhg_alone_not_after)
        n = numbers[0]
        nxt = toks[n.end] if n.end < len(toks) else None
        if (n.value == int(n.value) and _CMHG[0][0] <= n.value <= _CMHG[0][1]
                and not (nxt is not None and word_in(nxt, lx.NUMBER_UNITS))
                and not (n.start > 0 and word_in(toks[n.start - 1], _CMHG_ALONE_NOT_AFTER))):
            out[0] = Number(value=n.value * 10, start=n.start, end=n.end)
    return out


def _percent_of_other(toks: Sequence[str], n: Number, cues: Sequence[Match]) -> bool:
    """Is the percentage ``n`` that of something else (vitals.yaml ``percent_of_other``: a battery, a discount: "pin
    còn chín mươi hai phần trăm"), named in its clause before it with no vital named nor "đo" (measure) in between?"""
    lo = n.start
    while lo > 0 and toks[lo - 1] != BREAK:
        lo -= 1
    other = _PERCENT_OF_OTHER.find(toks[lo:n.start])
    if not other:
        return False
    last = lo + other[-1].end
    if any(word_in(toks[j], ("đo",)) and not word_in(toks[j - 1], ("máy",)) for j in range(last, n.start)):
        return False  # "pin yếu mà đo vẫn được chín hai phần trăm": measured after all; "pin máy đo" is the device
    return not any(last <= c.start and c.end <= n.start for c in cues)


def _vague_and_normal(toks: Sequence[str], n: Number, vital: str) -> bool:
    """Is ``n`` a vague value of some tens ("tám mươi mấy" 80-89, read as 85; "mười mấy" 10-19) whose every value
    lies in the ``vital``'s calm band (vitals.yaml ``vague_normal``)? A vague value that may be alarming ("tám mấy"
    at the SpO2 question, "hai mươi mấy" breaths) stays read as its middle."""
    if n.end <= n.start or not word_in(toks[n.end - 1], lx.SOME) or vital not in _VAGUE_NORMAL:
        return False
    low = n.value - 5
    lo, hi = _VAGUE_NORMAL[vital]
    return lo <= low and low + 9 <= hi


def _changed(toks: Sequence[str], before: Number, n: Number) -> bool:
    """Is ``n`` the value ``before`` changed to, said as one change "from ``before`` to ``n``" ("ô xi tăng từ chín mốt
    lên chín sáu", "nhiệt độ giảm từ ba chín xuống ba bảy rưỡi": vitals.yaml ``change_from`` before it and only
    ``change_to`` words between, the unit of ``before`` aside)?"""
    if before.start == 0 or not word_in(toks[before.start - 1], _CHANGE_FROM):
        return False
    rest = [t for t in toks[before.end:n.start] if not word_in(t, (*lx.DEGREE, "%"))]
    return bool(rest) and _run_end(_CHANGE_TO, rest) == len(rest)


def _artifact_remeasured(toks: Sequence[str], said: int, at: int) -> bool:
    """Was the reading before ``said`` blamed on how it was taken (vitals.yaml ``measure_artifacts``: a cold finger,
    nail polish, exercise, a weak battery) and measured again before ``at`` (``remeasure_words`` or
    ``artifact_remeasures`` between: "ủ ấm tay đo lại", "đổi qua ngón giữa")? Then the later value is the reading and
    the earlier one no dip for triage (session 18, n37-device-115)."""
    between = toks[said:at]
    if _cold_with_shock(toks):
        return False  # session 22 (n56-s18-readings)
    return bool(_ARTIFACTS.find(toks[:at])) and bool(_REMEASURE.find(between) or _ARTIFACT_REMEASURES.find(between))


def _now_after_threshold(toks: Sequence[str], numbers: Sequence[Number], k: int) -> bool:
    """Is the unnamed number ``k`` the reading now after a threshold said before it ("bác sĩ dặn dưới 94 thì gọi
    lại, giờ chín ba"): a now word (negation.yaml ``now_words``) right before it, and an earlier number after a
    threshold word (``threshold_words``) in the SpO2's unnamed range? The threshold named the oximeter's value, so
    the number said now is a reading of it (session 18, n37-device-115)."""
    n = numbers[k]
    window = toks[max(0, n.start - 3):n.start]
    if BREAK in window:
        window = window[len(window) - window[::-1].index(BREAK):]
    if not any(len(window) - m.end <= 1 for m in _NOW.find(window)):
        return False  # "giờ chín ba", "giờ còn chín ba"
    return any(b.start > 0 and word_in(toks[b.start - 1], lx.THRESHOLD_WORDS)
               and _UNNAMED_SPO2[0] <= b.value <= _UNNAMED_SPO2[1] for b in numbers[:k])


def _corrected(between: Sequence[str]) -> bool:
    """Are the words between two values of one vital a correction (vitals.yaml ``corrections``: "à không", "nhầm",
    "em nhìn lộn"), persons aside, and after it at most the words of a new look (``after_correction``: "à không,
    đếm lại được hai mươi hai")? A new measure alone ("đo lại") is none: of two measures the later is the reading,
    a worse earlier one is kept for triage."""
    words = _not_persons(between)
    if _only(_CORRECTIONS, words):
        return True
    rest = [t for t in words if t != BREAK and not word_in(t, (*lx.DEGREE, "%"))]  # the unit of the value before
    i = _run_end(_CORRECTIONS, rest)
    return 0 < i < len(rest) and _run_end(_AFTER_CORRECTION, rest, i) == len(rest)


def _ends_with(matcher: Matcher, words: Sequence[str]) -> bool:
    """Do ``words`` end with one of ``matcher``'s phrases (the last three words looked at)?"""
    return any(_run_end(matcher, words, i) == len(words) for i in range(max(0, len(words) - 3), len(words)))


def _limit(between: Sequence[str]) -> bool:
    """Are the words between a reading and the next value of its vital only a limit of that reading (vitals.yaml
    ``limit_words``: "mười chín cái, chưa tới hai chục", "chín lăm thôi, vẫn chưa tới chín sáu"), breaks, hesitations,
    units and ``limit_fillers`` before it aside? (session 13, n20)"""
    rest = [t for t in between if t != BREAK and not word_in(t, (*_HESITATIONS, *lx.DEGREE, "%"))]
    i = 0
    while i < len(rest) and _LIMIT.at(rest, i) is None and (m := _LIMIT_FILLERS.at(rest, i)) is not None:
        i = m.end
    return i < len(rest) and _run_end(_LIMIT, rest, i) == len(rest)


def _swing(toks: Sequence[str], before: Number, n: Number) -> bool:
    """Are ``before`` and ``n`` one vital swinging between two values, a swing word (vitals.yaml ``swing_words``:
    "lúc", "khi", "có lúc") right before each and nothing else between them but breaks, hesitations and units
    ("lúc chín sáu lúc chín bảy", "khi ba tám độ, khi ba tám rưỡi")? (session 13, n20)"""
    rest = [t for t in toks[before.end:n.start] if t != BREAK and not word_in(t, (*_HESITATIONS, *lx.DEGREE, "%"))]
    return bool(rest) and _run_end(_SWING, rest) == len(rest) and _ends_with(_SWING, toks[max(0, before.start - 3):
                                                                                          before.start])


def _alternatives(between: Sequence[str]) -> bool:
    """Are two values of one vital one reading given as a range: nothing between them but breaks, hesitations,
    units and range words (vitals.yaml ``range_words``: "chín tư chín lăm", "chín tư hay chín lăm",
    "ba tám tới ba chín độ")? Any other word ("rồi", "giờ", "đo lại", a person) makes two readings."""
    rest = [t for t in between if t != BREAK and not word_in(t, (*_HESITATIONS, *lx.DEGREE, "%"))]
    return _run_end(_RANGE_WORDS, rest) == len(rest)


def _measures_counted(toks: Sequence[str], numbers: Sequence[Number], first: Number | None) -> bool:
    """Did the caller count two measures or more before the value ``first`` ("đo ô xi hai lần, chín bảy với chín
    tám", "kẹp ba lần: chín sáu, chín bảy, chín tám")? Then the values after it are those measures one after the
    other, no range: the later is the reading, a worse one before it goes to triage (session 12, n17)."""
    if first is None:
        return False
    return any(2 <= m.value < _LOWEST and m.end <= first.start and m.end < len(toks)
               and word_in(toks[m.end], lx.REPEAT_COUNTS) and _per_minute_len(toks, m.end) <= 1 for m in numbers)


def _run_end(matcher: Matcher, words: Sequence[str], i: int = 0) -> int:
    """Where the run of ``matcher``'s phrases one after the other from ``words[i]`` ends (``i``: none there)."""
    while i < len(words) and (m := matcher.at(words, i)) is not None:
        i = m.end
    return i


def _restarted(toks: Sequence[str], before: Number, n: Number) -> bool:
    """Is ``n`` a value ``before`` cut short at its tens and said again in full, after a hesitation ("chín mươi…
    chín mươi bảy", "chín mươi… à chín mốt": the filler "à" is gone before this is read)? Only a break and
    hesitation sounds (vitals.yaml ``hesitations``: "chín mươi, ờ chín mươi lăm") between,
    ``before`` a whole tens ending at its tens word, ``n`` starting with the same digit word and within those tens;
    never a range (vitals.yaml ``range_words`` before ``before`` or after ``n`` in its clause: "khoảng chín mươi,
    chín mốt", "chín mươi, chín mốt gì đó" are a range: its worse end)."""
    between = toks[before.end:n.start]
    if not between or any(t != BREAK and not word_in(t, _HESITATIONS) for t in between) or BREAK not in between \
            or not before.value < n.value < before.value + 10:
        return False
    if before.value % 10 or not word_in(toks[before.end - 1], (*lx.TEN, *lx.TENS)):
        return False
    if not word_in(toks[n.start], (toks[before.start],)):
        return False
    hi = n.end
    while hi < len(toks) and toks[hi] != BREAK:
        hi += 1
    return not _RANGE_WORDS.find([*toks[max(0, before.start - 2):before.start], *toks[n.end:hi]])


def _names_next(toks: Sequence[str], later: Sequence[Number], c: Match) -> bool:
    """Does the cue ``c`` name a number of ``later`` said right after it in its clause ("mạch tám tám", "mạch là
    tám tám")?"""
    return any(c.end <= m.start <= c.end + 2 and BREAK not in toks[c.end:m.start] and m.value >= _LOWEST
               for m in later)  # not the "một" of "một phút"


_SECONDS = ("giây",)
_PER_MINUTE_SAID = Matcher(table(*lx.LEXICON.words("vitals", "per_minute_said")))


def _counted_seconds(toks: Sequence[str], numbers: Sequence[Number],
                     skip: set[int]) -> tuple[list[Number], set[int]]:
    """Session 19 (n43-set14): a count over part of a minute ("ba mươi giây được mười bảy cái": 34 a minute; "mười
    lăm giây đếm được mười nhịp": 40). The seconds are never a value; the count right after them (within
    ``count_after_seconds`` words: "được", "đếm được", "là") is scaled to a minute, unless the caller says the rate
    a minute after it ("..., tức là mười sáu một phút": the count is no value, the rate said is)."""
    out, skip = list(numbers), set(skip)
    for k, n in enumerate(numbers):
        if not (n.end < len(toks) and word_in(toks[n.end], _SECONDS)):
            continue
        skip.add(k)  # "trong ba mươi giây": a duration, never a value
        if not 5 <= n.value < 60 or k + 1 >= len(numbers):
            continue
        c = numbers[k + 1]
        gap = toks[n.end + 1:c.start]
        if len(gap) > 3 or BREAK in gap or c.value >= n.value * 4:
            continue
        if _PER_MINUTE_SAID.find(toks[c.end:c.end + 6]) and k + 2 < len(numbers):
            skip.add(k + 1)
        else:
            out[k + 1] = Number(value=round(c.value * 60 / n.value), start=c.start, end=c.end)
    return out, skip


def _supposed(toks: Sequence[str], n: Number) -> bool:
    """Is ``n`` a value supposed or asked about rather than measured: after a hypothetical or conditional word in
    its clause ("nếu spo2 dưới chín tư thì...", "lỡ mà oxy xuống chín hai thì sao"), or a threshold (vitals.yaml
    ``threshold_words``) followed in its clause by "thì" and a question ("sốt trên ba tám độ rưỡi thì làm sao",
    "nhịp thở trên hai mươi thì có nguy hiểm không")? "oxy của tôi dưới chín lăm" stays a reading."""
    lo, hi = _clause(toks, n.start)
    if _SUPPOSED.find(toks[lo:n.start]) or _heard_of(toks, n) or _rule_value(toks, n):
        return True
    if n.start == 0 or not word_in(toks[n.start - 1], lx.THRESHOLD_WORDS):
        return False
    rest = toks[n.end:hi]
    return any(word_in(t, lx.THEN_WORDS) for t in rest) and bool(
        _ASKED.find(rest) or (rest and word_in(rest[-1], lx.QUESTION_ENDINGS)))


_NEVER = Matcher(table(*lx.NEVER_WORDS))
#: session 19 (n43-set14): a value in a rule or a danger asked about (vitals.yaml ``rule_phrases``)
_RULE = Matcher(table(*lx.LEXICON.words("vitals", "rule_phrases")))


def _rule_value(toks: Sequence[str], n: Number) -> bool:
    """Session 19 (n43-set14): a value in a rule ("ô xy dưới chín sáu là phải báo") or a danger asked about ("có
    phải ô xy chín bốn là nguy hiểm không"): a rule phrase within three words after ``n`` in its clause, and a
    measuring word (vitals.yaml ``unnamed_measure_words``) later in the utterance, before the caller's own reading
    ("..., tôi đo được chín tám"). "ô xy chín hai là nguy hiểm không chị" (no reading after) stays a reading."""
    rules = [r for r in _RULE.find(toks[n.end:n.end + 5]) if r.start <= 2 and BREAK not in toks[n.end:n.end + r.start]]
    if not rules:
        return False
    at = n.end + rules[0].end
    return any(word_in(t, lx.UNNAMED_MEASURE_WORDS) for t in toks[at:])
_NOT_DENIAL = ("hiểu", "biết")


def _floor_never_crossed(toks: Sequence[str], n: Number) -> bool:
    """Session 19 (n41-set13-calm): "ô xi chưa bao giờ xuống dưới chín sáu": a floor word right before ``n``, a
    negator before it in its clause (not "không hiểu sao") and a never word in its clause: a bound, not a reading to
    keep for triage once a reading follows it."""
    if n.start == 0 or not word_in(toks[n.start - 1], lx.FLOOR_WORDS):
        return False
    lo = n.start
    while lo > 0 and toks[lo - 1] != BREAK:
        lo -= 1
    hi = n.end
    while hi < len(toks) and toks[hi] != BREAK:
        hi += 1
    before = toks[lo:n.start - 1]
    return (any(word_in(t, lx.NEGATORS) for t in before) and not any(word_in(t, _NOT_DENIAL) for t in before)
            and bool(_NEVER.find(toks[lo:hi])))


def _heard_of(toks: Sequence[str], n: Number) -> bool:
    """Session 17 (n25): a value read or heard about, not measured ("trên facebook người ta nói spo2 dưới 94 là phải
    đi viện", "đọc báo thấy có người SpO2 tụt xuống tám mươi"): a hearsay phrase earlier in its clause (negation.yaml
    ``hearsay``, up to a contrast word: "... mà mẹ tôi đo được chín hai" stays a reading)."""
    return negation.hearsay(toks, n.start)


def _measured(toks: Sequence[str], i: int) -> bool:
    """A measuring word (vitals.yaml ``unnamed_measure_words``) in the six words before token ``i``, or one of them
    or a display word (``unnamed_display_words``) up to ``unnamed_reach`` words before it in its clause ("con có
    kẹp cái máy vô ngón tay cho ba thì nó hiện tám lăm")."""
    if any(word_in(t, lx.UNNAMED_MEASURE_WORDS) for t in _owner_window(toks, i)) or _measured_times_before(toks, i):
        return True
    lo = i
    while lo > 0 and i - lo < lx.UNNAMED_REACH and toks[lo - 1] != BREAK:
        lo -= 1
    return any(word_in(t, (*lx.UNNAMED_MEASURE_WORDS, *lx.UNNAMED_DISPLAY_WORDS)) for t in toks[lo:i])


def _owner_window(toks: Sequence[str], i: int, size: int = 6) -> Sequence[str]:
    """Session 19 (n42-set11-miss): the ``size`` words before token ``i``, not counting whom it was measured for ("em
    đo cho chồng em mấy lần rồi, dưới chín mươi hết": "cho" and the persons after it take no room)."""
    j, count = i, 0
    while j > 0 and count < size:
        j -= 1
        if word_in(toks[j], lx.PERSONS):
            k = j
            while k > 0 and word_in(toks[k - 1], lx.PERSONS):
                k -= 1
            if k > 0 and word_in(toks[k - 1], _FOR_WHOM):
                j = k - 1
                continue
        count += 1
    return toks[j:i]


def _measured_times_before(toks: Sequence[str], i: int) -> bool:
    """Session 19 (n42-set11-miss): the clause before the reading's says the measuring and how many times ("tôi đo cho
    bà ba lần trong sáng nay rồi, toàn tám tám"), and the reading comes within three words of its own clause's start."""
    lo = i
    while lo > 0 and toks[lo - 1] != BREAK:
        lo -= 1
    if lo == 0 or i - lo > 3:
        return False
    prev = lo - 1
    while prev > 0 and toks[prev - 1] != BREAK:
        prev -= 1
    before = toks[prev:lo - 1]
    # "kẹp hai lần rồi, lần cuối chín tám": the clip said as the measuring (session 20, n44-numbers)
    return any(word_in(t, (*lx.UNNAMED_MEASURE_WORDS, "kẹp")) for t in before) and any(
        word_in(t, lx.REPEAT_COUNTS) for t in before)


def _without_kinship_word(toks: Sequence[str], n: Number, lo: float, hi: float) -> Number | None:
    """The reading ``n`` read again without its first word when that word is "ba" said of the father
    (vitals.yaml ``kinship_number_words``) and the rest is a longer number in the vital's range [lo, hi] that "ba"
    had cut short ("ba một trăm hai": not 31 then 120) or the only reading in range ("ba chín lăm": not 39)."""
    named = n.start > 0 and word_in(toks[n.start - 1], _BIRTH_ORDER_TITLES) and word_in(toks[n.start], _DIGIT_WORDS)
    if n.end - n.start < 2 or not (word_in(toks[n.start], lx.KINSHIP_NUMBER_WORDS) or named):
        # "ô xi cô Bảy chín hai", "nhiệt độ ông Bảy ba chín độ": a person by birth order, no first digit (session 12)
        return None
    if word_in(toks[n.start + 1], lx.TENS):
        return None  # "ba mươi ba lăm": thirty; "mươi ba" alone would read as a misheard "mười ba" (13)
    rest = find_numbers(toks[n.start + 1:])
    if not rest or rest[0].start != 0 or not lo <= rest[0].value <= hi:
        return None
    again = Number(value=rest[0].value, start=n.start + 1, end=n.start + 1 + rest[0].end)
    if again.end > n.end or not lo <= n.value <= hi:
        return again
    return None


def _only(matcher: Matcher, words: Sequence[str]) -> bool:
    """Are ``words`` (clause breaks and the unit of the value before aside: "độ", "%", "lần một phút") nothing
    but phrases of ``matcher``, one or more?"""
    rest = [t for t in words if t != BREAK]
    i, found = 0, False
    while i < len(rest):
        m = matcher.at(rest, i)
        if m is not None:
            i, found = m.end, True
            continue
        if found:
            return False
        unit = _PER_MIN.at(rest, i)
        if unit is not None:
            i = unit.end
        elif word_in(rest[i], (*lx.DEGREE, "%")):
            i += 1
        else:
            return False
    return found


def _oximeter_pulse(toks: Sequence[str], numbers: Sequence[Number], k: int, assigned: dict[int, str]) -> bool:
    """Is number ``k``, read as SpO2 but outside its range, the pulse an oximeter shows beside the SpO2 value said
    just before it (or just after it), with only a joiner between ("chín bảy với một trăm ba mươi lăm")?"""
    lo, hi = lx.VITAL_RANGES["pulse"]
    if not lo <= numbers[k].value <= hi:
        return False
    if assigned.get(k - 1) == "spo2":
        between = toks[numbers[k - 1].end:numbers[k].start]
    elif k + 1 < len(numbers) and lx.VITAL_RANGES["spo2"][0] <= numbers[k + 1].value <= lx.VITAL_RANGES["spo2"][1]:
        between = toks[numbers[k].end:numbers[k + 1].start]  # "một trăm hai mươi với chín sáu": pulse first
    else:
        return False
    return len(between) <= 2 and _pair_joined(between)


def _pair_joined(between: Sequence[str]) -> bool:
    """Only joiners (vitals.yaml ``oximeter_pair_joiners``) between two values, word by word, or one joiner phrase of
    several words ("với lại", "kế bên"; session 19, n42-set11-miss)."""
    if all(word_in(t, lx.OXIMETER_PAIR_JOINERS) for t in between):
        return True
    m = _PAIR_JOINERS.at(between, 0) if between else None
    return m is not None and m.end == len(between)


def _displayed_pulse(toks: Sequence[str], numbers: Sequence[Number], k: int, assigned: dict[int, str]) -> bool:
    """Is number ``k``, in the SpO2 range, the pulse an oximeter shows beside the SpO2 value said just before it: the
    device's display named before them (vitals.yaml ``unnamed_display_words``: "máy kẹp tay hiện chín bảy với tám
    mươi"), only a joiner between (``oximeter_pair_joiners``), a whole value at least ``displayed_pulse_gap`` below a
    SpO2 of 90 or more (no SpO2 falls so far in one breath; "ô xi chín bảy, tám mươi" with no device stays two SpO2
    values, the worse kept) (session 12, n17)?"""
    if k == 0 or assigned.get(k - 1) != "spo2":
        return False
    first, n = numbers[k - 1], numbers[k]
    lo, hi = lx.VITAL_RANGES["pulse"]
    if n.value != int(n.value) or not lo <= n.value <= hi or first.value < 90 \
            or n.value > first.value - _DISPLAYED_PULSE_GAP:
        return False
    between = toks[first.end:n.start]
    if len(between) > 2 or not _pair_joined(between):
        return False
    beside = _BESIDE.at(between, 0) if between else None
    if beside is not None and beside.end == len(between):
        return True  # "chín tám kế bên tám tư": the display's neighbour (session 19, n42-set11-miss)
    return any(word_in(t, lx.UNNAMED_DISPLAY_WORDS) for t in toks[:first.start])


def _only_range(value: float, *vitals: str) -> str | None:
    """The one of ``vitals`` whose plausible range holds ``value``, or None (none or several)."""
    holding = [v for v in vitals if lx.VITAL_RANGES[v][0] <= value <= lx.VITAL_RANGES[v][1]]
    return holding[0] if len(holding) == 1 else None


def _per_minute_len(toks: Sequence[str], i: int) -> int:
    """Words of the per-minute phrase at token ``i`` ("lần một phút": 3, a bare "lần": 1, none: 0)."""
    m = _PER_MIN.at(toks, i) if i < len(toks) else None
    return 0 if m is None else m.end - m.start


def low_blood_pressure(toks: Sequence[str], numbers: Sequence[Number]) -> bool:
    """Blood pressure below 90/60 (MoH 261 sign 5): "huyết áp 85 trên 50", "huyết áp 85/55", "huyết áp 8 trên 5"."""
    numbers = _in_mmhg(toks, numbers, None)
    names = _BP_NAMES.find(toks)
    if names and _low_machine_rows(toks, numbers):
        return True  # session 22 (n56-s18-readings): "số trên tám hai, số giữa năm mươi, số dưới một trăm mười tám"
    if names:
        # "huyết áp tối đa chín mươi lăm tối thiểu năm mươi lăm": each value after its own name (session 10)
        limits = {SYSTOLIC: 90.0, DIASTOLIC: 60.0}
        for c in find_cues(toks[names[0].end:]):
            value = next((n for n in numbers if c.end + names[0].end <= n.start <= c.end + names[0].end + 2), None)
            if c.label in limits and value is not None:
                lo, hi = lx.VITAL_RANGES[c.label]
                if lo <= value.value <= hi and value.value < limits[c.label]:
                    return True
    for name in names:  # "huyết áp", "áp huyết", "ap huyet" (vitals.yaml blood_pressure_names)
        # the reading starts within five words ("huyết áp của mẹ tôi tám mươi trên năm mươi")
        after = [n for n in numbers if n.start >= name.end]
        reach = name.end + 5
        for a, b in pairwise(after):
            if a.start > reach:
                break
            if _usual_before(toks, a.start):
                # session 23 (n65-s20-readings): "huyết áp thường trăm năm chục trên chín chục, mà nay ...": the usual
                # pair is no reading; today's may follow
                reach = max(reach, b.end + _USUAL_NOW_GAP)
                continue

            between = toks[a.end:b.start]
            joined = (len(between) == 1 and word_in(between[0], lx.BLOOD_PRESSURE_SEPARATORS)) or _paused_separator(
                between)  # session 23 (n65-s20-readings): "huyết áp... tám mươi... trên... năm mươi"
            if joined and 50 <= a.value <= 260 and 20 <= b.value <= 160:
                low = a.value < 90 or b.value < 60
                later = _later_bp_pair(toks, numbers, b) if low else None  # session 21b (n52-s17-readings)
                return low if later is None else later[0].value < 90 or later[1].value < 60
    return False


# session 20 (n44-numbers): readings said inside sentences

#: The word "tư" (four) said as the tenths digit of a temperature ("sốt ba chín tư" 39.4, "ba tắm tư" 38.4): alone it
#: is no number ("tư" is also "private", "fourth"), so it is read only right after a whole temperature, its clause
#: ending after it.
_TENTHS_WORDS = {"tư": 4, **{w: 4 for w in lx.LEXICON.words("numbers", "tu_slips")}}
_TEMPERATURE_FIRST_DIGITS = ("ba", "bốn")


def _tenths_word_after(toks: Sequence[str], n: Number) -> int | None:
    """Session 20 (n44-numbers): the tenths digit said as "tư" right after the whole temperature ``n`` ("ba chín tư",
    "ba bảy tư, hết sốt rồi"), the clause ending after it or "độ" following; "ba tám tư ngày" is no tenths."""
    if n.value != int(n.value) or n.end >= len(toks) or toks[n.end] not in _TENTHS_WORDS:
        return None
    after = toks[n.end + 1] if n.end + 1 < len(toks) else None
    # session 21 (n50-readings): or the value said again right after ("ba bảy tư ba bảy tư" 37.4)
    said_twice = tuple(toks[n.end + 1:2 * n.end + 2 - n.start]) == tuple(toks[n.start:n.end + 1])
    return _TENTHS_WORDS[toks[n.end]] if after is None or after == BREAK or word_in(after, lx.DEGREE) or (
        said_twice) or word_in(after, _COMPACT_END) else None  # session 21b: "tối còn ba bảy tư rồi"


def _compact_temperature(toks: Sequence[str], numbers: Sequence[Number], k: int) -> bool:
    """Session 20 (n44-numbers): is number ``k`` a temperature said as three digit words with no name ("chín tám, ba
    sáu tám, không có gì": 36.8; "ba bảy tư" 37.4): two digit words ("ba"/"bốn" first) in the body-temperature range,
    then one digit word (or "tư") right after, and the clause ends there? A count ("ba sáu tám cái") is not one."""
    n = numbers[k]
    lo, hi = lx.VITAL_RANGES["temperature"]
    if n.end - n.start != 2 or not word_in(toks[n.start], _TEMPERATURE_FIRST_DIGITS) or not lo <= n.value <= hi:
        return False
    rest = find_numbers(toks[n.start + 1:])
    if rest and rest[0].start == 0 and _BARE_SPO2[0] <= rest[0].value <= _BARE_SPO2[1]:
        return False  # "ô xi mẹ chín hai, ba chín bảy": dad's 97, no temperature of 39.7
    if any(c.label != "temperature" for c in find_cues(toks[:n.start])):
        # a vital named before: its own rules read the value; a fever named before ("người nóng như hòn than, giờ hết
        # rồi, ba sáu bảy") is the same vital (session 21, n50-readings)
        return False
    nxt = numbers[k + 1] if k + 1 < len(numbers) else None
    if nxt is not None and nxt.start == n.end and nxt.end == n.end + 1 and 0 < nxt.value < 10:
        end = nxt.end
    elif _tenths_word_after(toks, n) is not None:
        end = n.end + 1
    else:
        return False
    # session 21b (n52-s17-readings): or a time word or a change word follows ("sáng ba bảy hai chiều lên ba chín bốn
    # rồi": 37.2 then 39.4)
    return end >= len(toks) or toks[end] == BREAK or word_in(toks[end], _COMPACT_END)


_RECORD = Matcher(table(*lx.LEXICON.words("vitals", "record_words")))
_BARE_FILLERS = lx.LEXICON.words("vitals", "bare_fillers")
_BARE_NOT_AFTER = Matcher(table(*lx.LEXICON.words("vitals", "bare_not_after")))
_CORRECTION_NEGATORS = Matcher(table(*lx.LEXICON.words("vitals", "correction_negators")))
_CORRECTION_JOINERS = lx.LEXICON.words("vitals", "correction_joiners")
_STRONG_CORRECTIONS = Matcher(table(*lx.LEXICON.words("vitals", "strong_corrections")))
_RELOOK = Matcher(table(*lx.LEXICON.words("vitals", "relook_words")))
_FLICKER = Matcher(table(*lx.LEXICON.words("vitals", "flicker_words")))
_SERIES_JOINERS = lx.LEXICON.words("vitals", "series_joiners")
#: An unnamed value said bare, or in a series over the day, is the SpO2 in this range (the session-19 convention);
#: a corrected or flickering pair of display readings in the wider unnamed range.
_BARE_SPO2 = (90.0, 100.0)
_FLICKER_GAP = 3


def _clause(toks: Sequence[str], i: int) -> tuple[int, int]:
    """The span of the clause of token ``i`` (between breaks)."""
    lo, hi = i, i
    while lo > 0 and toks[lo - 1] != BREAK:
        lo -= 1
    while hi < len(toks) and toks[hi] != BREAK:
        hi += 1
    return lo, hi


def _previous_read(toks: Sequence[str], numbers: Sequence[Number], k: int, assigned: dict[int, str],
                   timed: set[int]) -> int:
    """Session 20 (n44-numbers): the number before ``k`` whose vital the value may continue: ``k - 1``, or, when that
    one is a clock time said with its reading ("lúc bảy giờ sáng là chín bảy, lúc năm giờ chiều là chín tám"), the
    value read before the clock times."""
    j = k - 1
    while j >= 0 and j not in assigned and all(t in timed for t in range(numbers[j].start, numbers[j].end)):
        j -= 1
    return j if j in assigned else k - 1


def _correction_targets(toks: Sequence[str], numbers: Sequence[Number]) -> set[int]:
    """Session 20 (n44-numbers): the numbers a caller corrects a reading to. "không phải X mà (là) Y", "X đâu phải Y,
    Y" (vitals.yaml ``correction_negators`` before X, only ``correction_joiners`` and breaks up to Y), or a misreading
    said between X and Y ("em bấm nhầm qua chế độ khác, coi lại đúng là Y", "X hả, không, Y", "nói lộn, Y mới đúng":
    ``strong_corrections``, then only ``relook_words`` or nothing of substance): Y is the reading, X no dip."""
    out: set[int] = set()
    for k in range(len(numbers) - 1):
        x, j = numbers[k], k + 1
        end = x.end
        while j < len(numbers) and numbers[j].start == end and numbers[j].end == end + 1 and numbers[j].value < 10:
            end, j = numbers[j].end, j + 1  # the tenths of a temperature said after it ("ba tám năm")
        if j >= len(numbers):
            break
        y = numbers[j]
        between = [t for t in toks[end:y.start] if t != BREAK]
        before = toks[max(0, x.start - 4):x.start]
        negated = any(m.end == len(before) for m in _CORRECTION_NEGATORS.find(before))
        if negated and (all(word_in(t, (*_CORRECTION_JOINERS, *_BARE_FILLERS, *lx.PERSONS)) for t in between)
                        or _corrected(toks[end:y.start])):
            out.add(j)
            continue
        if len(between) > 12 or any(c.start >= x.end and c.end <= y.start for c in find_cues(between)):
            continue
        strong = _STRONG_CORRECTIONS.find(between)
        if not strong:
            continue
        rest = between[strong[-1].end:]
        relook = _RELOOK.find(rest)
        tail = rest[relook[-1].end:] if relook else rest
        if all(word_in(t, (*_BARE_FILLERS, *lx.PERSONS, *_CORRECTION_JOINERS)) for t in tail) and (
                relook or all(word_in(t, (*_BARE_FILLERS, *lx.PERSONS, *_CORRECTION_JOINERS, "hả", "ủa", "à"))
                              for t in between[:strong[0].start])):
            out.add(j)
    return out


def _unnamed_by_place(toks: Sequence[str], numbers: Sequence[Number], k: int, targets: set[int],
                      timed: set[int]) -> bool:
    """Session 20 (n44-numbers): is the unnamed number ``k`` the oximeter's reading by its place: a value of a
    correction of display readings or one end of a flickering pair (70 to 100), or (90 to 100) one of a series said
    with its times over the day, or said bare as a clause of its own, repeated, or after a word of writing it down?"""
    n = numbers[k]
    if n.value != int(n.value) or not _UNNAMED_SPO2[0] <= n.value <= _UNNAMED_SPO2[1]:
        return False
    if k in targets or _flicker_pair(toks, numbers, k):
        return True
    lo, _ = _clause(toks, n.start)
    if not _BARE_SPO2[0] <= n.value <= _BARE_SPO2[1] or _PAST.find(toks[lo:n.start]):
        return False  # "hôm kia chín bốn, hôm qua chín sáu, nay chín tám": a past day's value is no reading now
    return _bare(toks, numbers, k) or _timed_series(toks, numbers, k, timed)


def _bare(toks: Sequence[str], numbers: Sequence[Number], k: int) -> bool:
    """A value alone in its clause but for fillers (and time words before it), the same value said again beside it, or
    after a record word in its clause ("thôi ghi đi chín tám", "chỉ số hôm nay chín sáu thôi chị")."""
    n = numbers[k]
    lo, hi = _clause(toks, n.start)
    if _RECORD.find(toks[lo:n.start]):
        return True  # "thôi ghi đi chín tám", "chỉ số hôm nay chín sáu"
    said = {j for m in numbers if m.value == n.value for j in range(m.start, m.end)}
    if all(t == BREAK or word_in(t, _BARE_FILLERS) for j, t in enumerate(toks) if j not in said):
        return False  # "chín tư" said alone with no question asked: no reading (the flow's question gives ``expect``)
    if lo > 1 and any(m.end == lo - 1 for m in _BARE_NOT_AFTER.find(toks[:lo - 1])):
        return False  # "ông tôi năm nay, chín hai": his age
    if any(m.value == n.value and (m.start == n.end or m.end == n.start) for m in numbers):
        return True  # "chín tám chín tám chín tám, rõ chưa": said again and again for the record
    same = {j for m in numbers if m.value == n.value and lo <= m.start and m.end <= hi for j in range(m.start, m.end)}
    before = [t for j, t in enumerate(toks[lo:n.start], lo) if j not in same]
    after = [t for j, t in enumerate(toks[n.end:hi], n.end) if j not in same]
    return (all(word_in(t, (*_BARE_FILLERS, *_TIME_WORDS)) for t in before)
            and all(word_in(t, _BARE_FILLERS) for t in after))


def _timed_series(toks: Sequence[str], numbers: Sequence[Number], k: int, timed: set[int]) -> bool:
    """Readings over the day said with their times only ("sáng sáu giờ chín chín, trưa mười hai giờ chín tám"): the
    clause before ``k`` holds a time and only times and ``series_joiners``; another value of 90 to 100 is said so."""
    def timed_value(m: Number) -> bool:
        lo, _ = _clause(toks, m.start)
        words = range(lo, m.start)
        return (m.value == int(m.value) and _BARE_SPO2[0] <= m.value <= _BARE_SPO2[1] and any(j in timed for j in words)
                and all(j in timed or word_in(toks[j], _SERIES_JOINERS) for j in words))
    return timed_value(numbers[k]) and any(timed_value(m) for j, m in enumerate(numbers) if j != k)


def _flicker_pair(toks: Sequence[str], numbers: Sequence[Number], k: int) -> bool:
    """Is ``k`` one end of two close values (at most ``_FLICKER_GAP`` apart, range words only between) with a
    flicker or measuring word after them in their clause or the next ("chín lăm chín sáu gì đó em đo mấy lần nó nhảy
    hoài", "nó cứ chín ba chín bốn nhảy qua nhảy lại")?"""
    n = numbers[k]
    for j in (k - 1, k + 1):
        if not 0 <= j < len(numbers):
            continue
        m = numbers[j]
        a, b = (m, n) if j < k else (n, m)
        if abs(m.value - n.value) > _FLICKER_GAP or m.value != int(m.value) or not _alternatives(toks[a.end:b.start]):
            continue
        if _flickers(toks, b):
            return True
    return False


def _flickers(toks: Sequence[str], last: Number) -> bool:
    """A flicker word (vitals.yaml ``flicker_words``) or a measuring word in the clause after ``last`` or the next."""
    _, hi = _clause(toks, last.end)
    if hi < len(toks):
        _, hi = _clause(toks, hi + 1)
    window = toks[last.end:hi]
    # "gì đó" typed without marks ("chin tu chin lam gi do") is no "đo"
    return bool(_FLICKER.find(window)) or any(word_in(t, lx.UNNAMED_MEASURE_WORDS) and not (
        j > 0 and word_in(window[j - 1], _RANGE_WORDS_FLAT)) for j, t in enumerate(window))


def _settled(toks: Sequence[str], numbers: Sequence[Number], k: int, kept: float, vital: str) -> bool:
    """Session 20 (n44-numbers): is ``k`` one end of the range said just before, said again after a break as the value
    it settled on ("chín lăm hay chín sáu gì đó, chín sáu")?"""
    if k < 2:
        return False
    a, b, n = numbers[k - 2], numbers[k - 1], numbers
    if not _alternatives(toks[a.end:b.start]) or n[k].value not in (a.value, b.value) or n[k].value == kept:
        return False
    between = toks[b.end:n[k].start]
    return BREAK in between and all(t == BREAK or word_in(t, (*_RANGE_WORDS_FLAT, *_BARE_FILLERS)) for t in between)


_RANGE_WORDS_FLAT = lx.LEXICON.words("vitals", "range_words")


def _hundreds_said_as_digit(toks: Sequence[str], numbers: Sequence[Number], skip: set[int],
                            expect_vital: str | None) -> tuple[Sequence[Number], set[int]]:
    """Session 20 (n44-numbers): a systolic pressure with its hundred said as the digit "một" ("huyết áp một ba mươi
    trên tám mươi" 130/80, "một bốn mươi lăm trên chín mươi" at the blood-pressure question): "một", then a value of
    20 to 99 right after it, then a blood-pressure separator ("trên", "/"), named as a blood pressure or asked for."""
    if expect_vital not in BLOOD_PRESSURE_VITALS and not _BP_NAMES.find(toks):
        return numbers, skip
    return _hundred_then(numbers, skip, lambda a, b: (
        20 <= b.value < 100 and b.value == int(b.value) and b.end < len(toks)
        and word_in(toks[b.end], lx.BLOOD_PRESSURE_SEPARATORS)))


def _hundred_then(numbers: Sequence[Number], skip: set[int],
                  fits: Callable[[Number, Number], bool]) -> tuple[Sequence[Number], set[int]]:
    """``numbers`` with each "một" said alone (one word) right before a value ``b`` that ``fits`` read as 100 + b (a
    hundred said as its digit); ``skip`` (indexes of ``numbers``) moved along."""
    out: list[Number] = []
    kept: set[int] = set()
    k = 0
    while k < len(numbers):
        a = numbers[k]
        b = numbers[k + 1] if k + 1 < len(numbers) else None
        if (b is not None and a.value == 1 and a.end - a.start == 1 and b.start == a.end and fits(a, b)
                and k not in skip and k + 1 not in skip):
            out.append(Number(value=100 + b.value, start=a.start, end=b.end))
            k += 2
            continue
        if k in skip:
            kept.add(len(out))
        out.append(a)
        k += 1
    return out, kept



# --- session 21 (n50-readings): readings inside sentences that are not the patient's, and rechecks (vitals.yaml) ---
_WEATHER = Matcher(table(*lx.LEXICON.words("vitals", "weather_words")))
_ANIMALS = Matcher(table(*lx.LEXICON.words("vitals", "animal_subjects")))
_SERVICE_CALL_WORDS = tuple(lx.LEXICON.words("vitals", "service_call_words"))
_EVERYONE = Matcher(table(*lx.LEXICON.words("vitals", "everyone_said")))
_OUTSIDE_PLACES = Matcher(table(*lx.LEXICON.words("vitals", "outside_places")))
_RECHECK_AT_ONCE = Matcher(table(*lx.LEXICON.words("vitals", "recheck_at_once")))
_RECHECK_BAND = lx.LEXICON.ranges("vitals", "recheck_band")
_READING_APART = Matcher(table(*lx.LEXICON.words("vitals", "reading_apart")))
_SPAN_RANGE = lx.LEXICON.words("vitals", "span_range_words")
_SERIES_ALL_BEFORE = lx.LEXICON.words("vitals", "series_all_before")
_NOT_PATIENT_REACH = {"weather": 4, "animal": 5, "everyone": 5}
_IT = ("nó",)  # an animal's pronoun, no person
_PLACE_OF = lx.LEXICON.words("vitals", "place_of_person")  # "bên em", "chỗ tui": a place, no person


def _service_number(toks: Sequence[str], n: Number) -> bool:
    """Is number ``n`` the emergency service 115 called for ("mạch một trăm ba mươi, gọi 115 được không": the pulse
    is 130, not 115)? A call word right before it (vitals.yaml ``service_call_words``). Session 21 (lead)."""
    return n.value == 115 and n.start > 0 and word_in(toks[n.start - 1], _SERVICE_CALL_WORDS)


def _not_the_patients(toks: Sequence[str], n: Number, cues: Sequence[Match]) -> bool:
    """Is number ``n`` said of something other than the patient: the weather or a thermometer in the sun ("nắng bốn
    mươi độ"), a device tried on an animal ("đo thử cho con mèo nó ra tám mươi"), or what everybody shows ("ai đo cũng
    chín tám")? One of those words within reach before it in its clause, with no person and no vital named between."""
    clause = n.start
    while clause > 0 and toks[clause - 1] != BREAK and n.start - clause < 6:
        clause -= 1
    for kind, matcher in (("weather", _WEATHER), ("animal", _ANIMALS), ("everyone", _EVERYONE)):
        # "đo thử cho con mèo, nó ra bảy mươi": the animal may be named in the clause before
        lo = max(0, n.start - 7) if kind == "animal" else clause
        window = toks[lo:n.start]
        found = matcher.find(window)
        if not found:
            continue
        m = found[-1]
        between = [t for t in window[m.end:] if t != BREAK]
        if len(between) > _NOT_PATIENT_REACH[kind]:
            continue
        if any(word_in(t, lx.PERSONS) and not word_in(t, _IT) and not (j > 0 and word_in(between[j - 1], _PLACE_OF))
               for j, t in enumerate(between)):
            continue  # "ai đo cũng chín tám, riêng bà tui chín hai": the person's own value
        if kind == "everyone" and not _OUTSIDE_PLACES.find(toks[:lo + m.start]) and not _everyone_over(between):
            continue  # "cả nhà đo hết rồi, ai cũng chín tám": the household, the patient among them
        if kind == "weather" and any(lo + m.end <= c.start and c.end <= n.start for c in cues):
            continue  # "trời nắng mà con sốt ba chín độ": a fever named after the weather
        return True
    return False


def _everyone_over(between: Sequence[str]) -> bool:
    """Session 23b (n68-s21-elderly): a floor said of everyone in the household ("ô xi ai cũng trên chín bảy"): one
    of vitals.yaml ``bound_over`` right before the value, no one's exact reading; "ai cũng chín tám" is the patient's
    value, and an alarming value under a bound ("ai cũng dưới chín hai") is never a floor (``bound_over`` only)."""
    return any(b.end == len(between) for b in _BOUND_OVER.find(between))


def _rechecked_at_once(vital: str, low: float, between: Sequence[str]) -> bool:
    """Was the value before measured again at once (a remeasure word between, and a word of doubt or haste or no time
    apart: "tưởng thấp, đo lại sau một phút thì chín bảy", "chín lăm, đo lại thì chín bảy"), the lowest value before
    it in the band the re-measure confirms (vitals.yaml ``recheck_band``)?"""
    band = _RECHECK_BAND.get(vital)
    if band is None or not band[0] <= low <= band[1] or not _REMEASURE.find(between):
        return False
    if _RECHECK_AT_ONCE.find(between):
        return True
    return not (_NOW.find(between) or _PAST.find(between) or _READING_APART.find(between))


def _span_or_series(toks: Sequence[str], before: Number | None, n: Number) -> bool:
    """Are the two values a range said with its ends ("chín ba đến chín bốn") or one vital measured many times and
    all the same ("nhiều lần đều chín tám chín chín")? Then the last value is the reading."""
    if before is None:
        return False
    if any(word_in(t, _SPAN_RANGE) for t in toks[before.end:n.start]):
        return True
    return before.start > 0 and word_in(toks[before.start - 1], _SERIES_ALL_BEFORE)


_BODY_TEMPERATURE = (35.0, 41.9)


def _bare_body_temperature(toks: Sequence[str], numbers: Sequence[Number], k: int, expect_vital: str | None) -> bool:
    """Session 21 (n50-readings): is number ``k`` a body temperature said bare where no other vital can be meant: a
    value with tenths ("ba sáu rưỡi" 36.5, "ba bảy phẩy hai") or three digit words ("ba sáu bảy" 36.7, also at the
    breathing-rate question, where no count is said so), "ba"/"bốn" first, 35 to 41.9, and the clause ends there?"""
    n = numbers[k]
    if not word_in(toks[n.start], _TEMPERATURE_FIRST_DIGITS):
        return False
    if expect_vital is not None and _compact_temperature(toks, numbers, k):
        return True
    if n.value == int(n.value) or not _BODY_TEMPERATURE[0] <= n.value <= _BODY_TEMPERATURE[1]:
        return False
    if any(c.label != "temperature" for c in find_cues(toks[:n.start])):
        return False
    return n.end >= len(toks) or toks[n.end] == BREAK


def _at_once(toks: Sequence[str], i: int) -> bool:
    """Session 21 (n50-readings): is token ``i`` "ngay" (at once: "đo lại ngay chín sáu") in text written with its
    marks, where it cannot be "ngày" (a day, typed without them) before a date?"""
    return toks[i] == "ngay" and any(t != fold(t) for t in toks)


# --- session 21b (n52-s17-readings): readings over days, devices that disagree, a later blood pressure ---
_ANOTHER_DAY = Matcher(table(*lx.LEXICON.words("vitals", "another_day_words")))
_TODAY = Matcher(table(*lx.LEXICON.words("vitals", "today_words")))
_TRUSTED_RECOUNT = Matcher(table(*lx.LEXICON.words("vitals", "trusted_recount")))
_BP_LATER = Matcher(table(*lx.LEXICON.words("vitals", "bp_later_words")))


def _not_todays_dip(toks: Sequence[str], before: Number, n: Number, vital: str) -> bool:
    """Is the earlier value ``before`` of a vital no dip measured today, ``n`` being the reading now: said with another
    day ("hôm qua", within six words before it in its clause or right after it) and a word of today between ("mạch
    hôm qua một trăm hai lăm, nay còn tám tám"; "hai tư hôm qua, hôm nay mười tám"), or a device the caller trusts
    said between ("đồng hồ báo mạch một trăm bốn mươi mà em sờ tay đếm thì chín mươi")?"""
    between = toks[before.end:n.start]
    if _TRUSTED_RECOUNT.find(between):
        # an oximeter's value in the emergency band stays for triage whatever device is trusted after it
        return not (vital == "spo2" and before.value < _RECHECK_BAND["spo2"][0])
    lead = toks[max(0, before.start - 6):before.start]  # "bữa qua ô xi má tui chín ba": its clause, six words
    if BREAK in lead:
        lead = lead[len(lead) - lead[::-1].index(BREAK):]
    said_after = _ANOTHER_DAY.at(toks, before.end) if before.end < len(toks) else None
    if not (_ANOTHER_DAY.find(lead) or said_after is not None):
        return False
    rest = toks[said_after.end:n.start] if said_after is not None else between
    return bool(_TODAY.find(rest)) and not _ANOTHER_DAY.find(rest)


def _bp_later(between: Sequence[str]) -> bool:
    """Is a blood pressure pair said after ``between`` the later measure ("lần đầu tám lăm trên năm lăm lần sau một
    trăm mười trên bảy mươi")? Then it is the reading, not the lower of the two."""
    return bool(_BP_LATER.find(between))


def _later_bp_pair(toks: Sequence[str], numbers: Sequence[Number], b: Number) -> tuple[Number, Number] | None:
    """The blood pressure pair said after the diastolic ``b`` as the later measure ("..., lần sau một trăm mười trên
    bảy mươi"): a later word (vitals.yaml ``bp_later_words``) then a pair joined by a separator, or None."""
    after = [n for n in numbers if n.start >= b.end]
    for a, c in pairwise(after):
        if not _bp_later(toks[b.end:a.start]) or a.start - b.end > 6:
            continue
        between = toks[a.end:c.start]
        if len(between) == 1 and word_in(between[0], lx.BLOOD_PRESSURE_SEPARATORS) and 50 <= a.value <= 260 \
                and 20 <= c.value <= 160:
            return a, c
    return None


_OWN_CLAUSE_MEASURES = Matcher(table(*lx.LEXICON.words("vitals", "own_clause_measures")))


def _measured_in_own_clause(toks: Sequence[str], n: Number, cues: Sequence[Match]) -> bool:
    """Is ``n`` measured in a clause of its own after a vital named in an earlier clause (a threshold read from a
    message, a symptom word, a device: "'Nếu SpO2 dưới 96% ...' nhà em thì mẹ vẫn đo chín tám", "lên cơn hoảng, tim
    đập nhanh, ..., đo chín tám", "máy báo lỗi, thay pin xong đo được chín bảy"): a measuring word (vitals.yaml
    ``own_clause_measures``) ending at most one word before it, and no vital named in its clause? Such a value is the
    oximeter's (the unnamed-SpO2 convention)."""
    lo = n.start
    while lo > 0 and toks[lo - 1] != BREAK:
        lo -= 1
    if any(lo <= c.start < n.end for c in cues) or not any(c.end <= lo for c in cues):
        return False
    return any(n.start - (lo + m.end) <= 1 for m in _OWN_CLAUSE_MEASURES.find(toks[lo:n.start]))


_DEAD_DISPLAY = Matcher(table(*lx.LEXICON.words("vitals", "dead_display")))


def _dead_display(toks: Sequence[str], n: Number) -> bool:
    """Session 21b (n52-s17-readings): is ``n`` what a frozen or dead display shows ("hết pin đứng hình ở số chín
    chín", "máy bị treo ở chín tám"): one of vitals.yaml ``dead_display`` within five words before it in its clause?"""
    lo = n.start
    while lo > 0 and toks[lo - 1] != BREAK and n.start - lo < 5:
        lo -= 1
    return bool(_DEAD_DISPLAY.find(toks[lo:n.start]))


_COMPACT_END = lx.LEXICON.words("vitals", "compact_temperature_end")
_CHILL = Matcher(table(*lx.LEXICON.words("vitals", "chill_words")))
_COUNT_WORDS = Matcher(table(*lx.LEXICON.words("vitals", "count_words")))


def _chill_temperature(toks: Sequence[str], numbers: Sequence[Number], k: int) -> bool:
    """Session 21b (n52-s17-readings): is number ``k`` a temperature said in fragments after chills ("lạnh... run...
    ba chín" 39, "ớn lạnh quá, bốn mươi"): two digit words, "ba"/"bốn" first, a whole 37 to 41, a clause of its own at
    the end, a chill word (vitals.yaml ``chill_words``) in the six words before and no vital named?"""
    n = numbers[k]
    if n.end - n.start != 2 or not word_in(toks[n.start], _TEMPERATURE_FIRST_DIGITS) or not 37 <= n.value <= 41 \
            or n.value != int(n.value):
        return False
    if n.end < len(toks) and toks[n.end] != BREAK or (n.start > 0 and toks[n.start - 1] != BREAK):
        return False
    return bool(_CHILL.find(toks[max(0, n.start - 6):n.start])) and not find_cues(toks[:n.start])


def _counted_rate_before(toks: Sequence[str], n: Number, cues: Sequence[Match], vital: str | None) -> str | None:
    """Session 21b (n52-s17-readings): the rate (breathing or pulse) counted in ``n``'s clause after it was named in
    an earlier clause or before another word ("Trường hợp nhịp thở trên hai mươi thì sao? Em đếm cho chồng em được
    mười sáu" 16; "thở nhanh do nóng ... mà đếm vẫn năm chục cái" 50): a counting word (vitals.yaml ``count_words``)
    within six words before it in its clause, the last rate named before it, ``vital`` not a rate (nor a value in its
    range, unless "đếm" is written with its marks), and the value in the rate's range."""
    if vital in _RATE_VITALS:
        return None
    lo = n.start
    while lo > 0 and toks[lo - 1] != BREAK and n.start - lo < 6:
        lo -= 1
    counted = _COUNT_WORDS.find(toks[lo:n.start])
    if not counted or any(lo + counted[0].end <= c.start and c.end <= n.start for c in cues):
        return None  # "em đếm nhiệt độ ba tám": a vital named after the count word
    if vital is not None and lx.VITAL_RANGES[vital][0] <= n.value <= lx.VITAL_RANGES[vital][1] and not any(
            toks[lo + m.start] != fold(toks[lo + m.start]) for m in counted):
        return None  # a count said with its marks ("đếm") is no temperature; typed without, "dem" may be "đêm"
    rates = [c for c in cues if c.end <= n.start and c.label in _RATE_VITALS]
    if not rates:
        return None
    label = rates[-1].label
    lo_r, hi_r = lx.VITAL_RANGES[label]
    return label if lo_r <= n.value <= hi_r else None


def _pulse_said_digit_by_digit(toks: Sequence[str], numbers: Sequence[Number], skip: set[int],
                               cues: Sequence[Match]) -> tuple[Sequence[Number], set[int]]:
    """Session 21b (n52-s17-readings): a pulse over a hundred read off a screen digit by digit ("nhịp tim một hai năm"
    125): a pulse named right before "một", then two digit words right after it, the
    clause ending there. Only after a pulse's own name: "một hai năm" alone is no number."""
    return _hundred_then(numbers, skip, lambda a, b: (
        b.end - b.start == 2 and 0 <= b.value <= 60 and b.value == int(b.value)
        and (b.end >= len(toks) or toks[b.end] == BREAK)
        and any(c.label == "pulse" and 0 <= a.start - c.end <= 1 for c in cues)))


_THRESHOLD_ASKED = Matcher(table(*lx.LEXICON.words("vitals", "threshold_asked_before")))
_QUESTION_FRAMES = Matcher(table(*lx.LEXICON.words("vitals", "question_frames")))


def _threshold_asked(toks: Sequence[str], n: Number) -> bool:
    """Session 21b (n52-s17-readings): is ``n`` a threshold the caller asks about ("Có cần báo khi bé sốt ba tám không
    hay đợi ba tám rưỡi?", "đợi tới chín bốn mới gọi hả chị"): a word of when to call or of waiting (vitals.yaml
    ``threshold_asked_before``) within five words before it in its clause, and the utterance a question about it
    (``question_frames``)? "Con sốt ba chín rồi, có cần báo không hay đợi bốn mươi?" keeps 39."""
    lo = n.start
    while lo > 0 and toks[lo - 1] != BREAK and n.start - lo < 5:
        lo -= 1
    if _threshold_rule(toks, n):
        return True
    window = toks[lo:n.start]
    if not _QUESTION_FRAMES.find(toks):
        return False
    # "có cần báo trạm khi ông sốt ba tám rưỡi không": a call word, then "khi" / "lúc" before the value
    when = [j for j, t in enumerate(window) if word_in(t, _WHEN)]
    return bool(_THRESHOLD_ASKED.find(window)) or bool(when and any(word_in(t, _CALL_WORDS) for t in window[:when[-1]]))


_WHEN = ("khi", "lúc")
_CALL_WORDS = lx.LEXICON.words("vitals", "call_words")


def _threshold_rule(toks: Sequence[str], n: Number) -> bool:
    """Session 21b (n52-s17-readings): is ``n`` a threshold in a rule or a question about one ("trạm nhắn ô xi dưới
    chín sáu thì báo liền"; "trên hai mươi là nhanh hả chị"): a threshold word right before it, and in the rest of
    its clause a "thì" / "là" followed by a call word (vitals.yaml ``call_words``), or ending with a question word?
    "ô xi dưới chín sáu rồi, gọi giúp em" stays a reading."""
    if n.start == 0 or not word_in(toks[n.start - 1], lx.THRESHOLD_WORDS):
        return False
    rest = toks[n.end:_clause(toks, n.start)[1]]
    if not rest or not word_in(rest[0], (*lx.THEN_WORDS, *lx.VALUE_IS_WORDS, *lx.DEGREE, "%")):
        return False
    asked = [t for t in rest[1:] if not word_in(t, _BARE_FILLERS)]  # "... là nhanh hả chị": the address aside
    return any(word_in(t, _CALL_WORDS) for t in rest[1:4]) or bool(asked and word_in(asked[-1], lx.QUESTION_ENDINGS))


_STILL = Matcher(table(*lx.LEXICON.words("vitals", "still_before_value")))
_HOUSEHOLD_ALL = Matcher(table(*lx.LEXICON.words("vitals", "household_all")))
_HOUSEHOLD_CALM_FROM = 96.0  # a summary from here up is calm for every vital it can be (SpO2)


def _still_today(toks: Sequence[str], n: Number, cues: Sequence[Match]) -> bool:
    """Session 21b (n52-s17-readings): is ``n`` a reading said today to be unchanged, with no vital named ("Bác sĩ
    nói chín lăm là mức của ông, hôm nay ông vẫn chín lăm": 95, the pack decides, never hidden): a word of still
    (vitals.yaml ``still_before_value``) right before it, a word of today before that in its clause, the clause ending
    after it and no vital named in the utterance?"""
    at = max(0, n.start - 3)
    if not any(at + m.end == n.start for m in _STILL.find(toks[at:n.start])):
        return False
    lo = n.start
    while lo > 0 and toks[lo - 1] != BREAK:
        lo -= 1
    if any(c.end > lo for c in cues):
        return False  # session 23 (n65-s20-readings): a vital named only in an earlier clause ("bình ô xi giá ...")
    return bool(_TODAY.find(toks[lo:n.start])) and (n.end >= len(toks) or toks[n.end] == BREAK)


def _household_summary(toks: Sequence[str], n: Number) -> bool:
    """Session 21b (n52-s17-readings): is ``n`` part of a calm summary over a household with no one patient ("Nhà em cả
    tuần nay không ai sốt, ..., đo ngày hai lần đều chín tám chín chín"; the labelling convention: a summary over many
    people gives no vital): "đều" (vitals.yaml ``series_all_before``) before the first value of the series, a word of
    everybody (``household_all``) in the utterance, and the values calm (96 and up)? A low one is read."""
    i = n.start
    while i > 0 and toks[i - 1] not in (BREAK,) and not word_in(toks[i - 1], _SERIES_ALL_BEFORE) and n.start - i < 4:
        i -= 1
    if i == 0 or not word_in(toks[i - 1], _SERIES_ALL_BEFORE) or n.value < _HOUSEHOLD_CALM_FROM or n.value > 100:
        return False
    series = find_numbers(toks[i:n.end])
    return all(_HOUSEHOLD_CALM_FROM <= m.value <= 100 for m in series) and bool(_HOUSEHOLD_ALL.find(toks))


# --- session 22 (n56-s18-readings): readings by kind in retired set 18 (vitals.yaml) ---
_FAHRENHEIT = Matcher(table(*lx.LEXICON.words("vitals", "fahrenheit_marks")))
_FAHRENHEIT_RANGE = lx.LEXICON.ranges("vitals", "fahrenheit_range")["temperature"]
_FAHRENHEIT_REACH = 8
_BP_MACHINE_ROWS = Matcher(lx.LEXICON.table("vitals", "bp_machine_rows"))
_BP_ROW_REACH = 2  # words between a row's name and its value ("số trên là tám hai")
_OXIMETER_LABELS = Matcher(lx.LEXICON.table("vitals", "oximeter_labels"))
_LABEL_REACH = 6
_OBJECT_CLASSIFIERS = lx.LEXICON.words("vitals", "object_classifiers")
_OBJECT_NOUNS = lx.LEXICON.words("vitals", "object_nouns")
_ROOM_BEFORE = Matcher(table(*lx.LEXICON.words("vitals", "room_before")))
_ROOM_NOT_AFTER = lx.LEXICON.words("vitals", "room_not_after")
_FEVER_OVER = Matcher(table(*lx.LEXICON.words("vitals", "fever_over_words")))
_ROUND_AFTER = lx.LEXICON.words("vitals", "round_after")
_ILLNESS_DAY_BEFORE = Matcher(table(*lx.LEXICON.words("vitals", "illness_day_before")))
_ILLNESS_DAY_MAX = 30
_DAY_GAP = 3  # "ngày thứ ba rồi chị, chín tám": fillers and a pause between the day and the first value
_DAY_FILLERS = (*_BARE_FILLERS, "rồi")
_VAGUE_AFTER = ("mấy",)
_COMPACT_SYSTOLIC = (100.0, 260.0)  # a systolic said with its hundred, right before the diastolic


def _in_fahrenheit(toks: Sequence[str], numbers: Sequence[Number]) -> Sequence[Number]:
    """Session 22 (n56-s18-readings): ``numbers`` with a thermometer's Fahrenheit value converted to Celsius, rounded to
    a tenth ("nhiệt kế loại độ F ... chỉ một trăm lẻ hai phẩy hai độ F" 39.0, "đơn vị độ ép hiện một trăm phẩy bốn"
    38.0): the first value after a Fahrenheit mark within a few words, or the value right before one, in the range a
    body temperature has in Fahrenheit (vitals.yaml ``fahrenheit_marks``, ``fahrenheit_range``)."""
    marks = _FAHRENHEIT.find(toks) if numbers else []
    if not marks:
        return numbers
    lo, hi = _FAHRENHEIT_RANGE
    chosen: set[int] = set()
    for m in marks:
        after = next((k for k, n in enumerate(numbers) if n.start >= m.end), None)
        if after is not None and numbers[after].start - m.end <= _FAHRENHEIT_REACH:
            chosen.add(after)
        chosen.update(k for k, n in enumerate(numbers) if 0 <= m.start - n.end <= 1)
    return [Number(value=round((n.value - 32) * 5 / 9, 1), start=n.start, end=n.end)
            if k in chosen and lo <= n.value <= hi else n for k, n in enumerate(numbers)]


def _bp_machine_rows(toks: Sequence[str], numbers: Sequence[Number], skip: set[int], bp_said: bool) -> dict[int, str]:
    """Session 22 (n56-s18-readings): the rows of a blood-pressure machine's display, by index of their value ("máy
    huyết áp hiện ba số, số trên tám hai, số giữa năm mươi, số dưới một trăm mười tám": 82/50, pulse 118): named as a
    blood pressure or at its question (``bp_said``), and two rows said (vitals.yaml ``bp_machine_rows``); with a middle
    row the bottom row is the pulse, without one it is the diastolic pressure."""
    if not bp_said:
        return {}
    rows = _BP_MACHINE_ROWS.find(toks)
    if len({r.label for r in rows}) < 2:
        return {}
    middle = any(r.label == DIASTOLIC for r in rows)
    out: dict[int, str] = {}
    for r in rows:
        k = next((k for k, n in enumerate(numbers) if k not in skip and r.end <= n.start <= r.end + _BP_ROW_REACH),
                 None)
        name = r.label if middle or r.label == SYSTOLIC else DIASTOLIC
        if k is not None and k not in out and lx.VITAL_RANGES[name][0] <= numbers[k].value <= lx.VITAL_RANGES[name][1]:
            out[k] = name
    return out if len(out) >= 2 else {}


def _compact_blood_pressure(numbers: Sequence[Number], skip: set[int], bp_said: bool, toks: Sequence[str],
                            ) -> tuple[Sequence[Number], set[int], list[tuple[int, int]]]:
    """Session 22 (n56-s18-readings): a blood pressure said digit by digit with no separator, its hundred as "một"
    ("máy huyết áp hiện một hai tám bảy tám" 128/78, "mm hg là một ba lăm tám lăm" 135/85 at the question): "một",
    a value of 20 to 99 and a diastolic value right after, named as a blood pressure or asked for (``bp_said``).
    Returns the numbers with the hundred merged, ``skip`` moved along and the (systolic, diastolic) index pairs."""
    if not bp_said:
        return numbers, skip, []
    out: list[Number] = []
    kept: set[int] = set()
    pairs: list[tuple[int, int]] = []
    k = 0
    while k < len(numbers):
        a = numbers[k]
        b = numbers[k + 1] if k + 1 < len(numbers) else None
        c = numbers[k + 2] if k + 2 < len(numbers) else None
        if (b is not None and c is not None and not {k, k + 1, k + 2} & skip and a.value == 1 and a.end - a.start == 1
                and b.start == a.end and c.start == b.end and 20 <= b.value < 100 and b.value == int(b.value)
                and _DIASTOLIC_RANGE[0] <= c.value <= _DIASTOLIC_RANGE[1] and c.value < 100 + b.value):
            pairs.append((len(out), len(out) + 1))
            out.extend((Number(value=100 + b.value, start=a.start, end=b.end), c))
            k += 3
            continue
        if (b is not None and not {k, k + 1} & skip and b.start == a.end and a.value == int(a.value)
                and _COMPACT_SYSTOLIC[0] <= a.value <= _COMPACT_SYSTOLIC[1]
                and _DIASTOLIC_RANGE[0] <= b.value <= _DIASTOLIC_RANGE[1] and b.value < a.value
                and _per_minute_len(toks, b.end) == 0):
            # "máy huyết áp hiện 115 bảy lăm": a systolic the recognizer wrote as digits, the diastolic right after it
            pairs.append((len(out), len(out) + 1))
            out.extend((a, b))
            k += 2
            continue
        if k in skip:
            kept.add(len(out))
        out.append(a)
        k += 1
    return out, kept, pairs


def _labelled_pair(toks: Sequence[str], numbers: Sequence[Number], skip: set[int]) -> tuple[dict[int, str], set[int]]:
    """Session 22 (n56-s18-readings): an oximeter's two values told apart by the label or symbol beside one of them,
    said again ("chín sáu với chín mươi, số chín sáu là cái có chữ SpO2": SpO2 96, pulse 90; "máy hiện 99 với 96, cái
    96 là cạnh hình trái tim": SpO2 99, pulse 96): the vital of each value of the pair by index, and the index of the
    value said again (no reading of its own). Labels: vitals.yaml ``oximeter_labels``."""
    labels = _OXIMETER_LABELS.find(toks) if len(numbers) >= 3 else []
    for j, m in enumerate(numbers):
        lab = next((c for c in labels if 0 <= c.start - m.end <= _LABEL_REACH), None)
        if lab is None or j in skip:
            continue
        for i in range(j - 1):
            a, b = numbers[i], numbers[i + 1]
            if {i, i + 1} & skip or a.value == b.value or m.value not in (a.value, b.value) or not _pair_joined(
                    toks[a.end:b.start]):
                continue
            named, other = (i, i + 1) if a.value == m.value else (i + 1, i)
            other_vital = "pulse" if lab.label == "spo2" else "spo2"
            if all(lx.VITAL_RANGES[v][0] <= numbers[x].value <= lx.VITAL_RANGES[v][1]
                   for x, v in ((named, lab.label), (other, other_vital))):
                return {named: lab.label, other: other_vital}, {j}
    return {}, set()


def _counted_object_or_room(toks: Sequence[str], n: Number) -> bool:
    """Session 22 (n56-s18-readings): is ``n`` a count of objects ("kê ba bốn cái gối": no breathing rate 34) or a
    room or bed number ("thằng nhỏ phòng 12 nó thở dốc": no breathing rate 12)? An object classifier and an object
    noun right after it (vitals.yaml ``object_classifiers``, ``object_nouns``), or a room word right before it
    (``room_before``, not "đề phòng", "dự phòng")."""
    if n.end + 1 < len(toks) and word_in(toks[n.end], _OBJECT_CLASSIFIERS) and word_in(toks[n.end + 1], _OBJECT_NOUNS):
        return True
    at = max(0, n.start - 3)
    for m in _ROOM_BEFORE.find(toks[at:n.start]):
        s = at + m.start
        if at + m.end == n.start and not (s > 0 and word_in(toks[s - 1], _ROOM_NOT_AFTER)):
            return True
    return False


def _fever_over_since(toks: Sequence[str], n: Number) -> bool:
    """Session 22 (n56-s18-readings): is the temperature ``n`` a fever of another day said again and over today ("hôm
    qua tôi gọi báo bố sốt ba chín, nay bố hết sốt rồi": no reading)? A word of another day (vitals.yaml
    ``another_day_words``) before it in its clause, and after it a word of today then a word that the fever is over
    (``fever_over_words``)."""
    lo, _ = _clause(toks, n.start)
    if not _ANOTHER_DAY.find(toks[lo:n.start]):
        return False
    rest = toks[n.end:]
    today = _TODAY.find(rest)
    return bool(today) and any(m.start >= today[0].end for m in _FEVER_OVER.find(rest))


def _round_restart(toks: Sequence[str], numbers: Sequence[Number]) -> Sequence[Number]:
    """Session 22 (n56-s18-readings): a round value said again after a restart ("hai mươi hai mười chẵn" 20, not 22
    then 10): a value ending with its unit digit right before a tens word and "chẵn" (vitals.yaml ``round_after``) is
    the value without that digit, then that digit's tens."""
    out = list(numbers)
    for k in range(len(out) - 1):
        a, b = out[k], out[k + 1]
        if not (b.start == a.end and b.end - b.start == 1 and b.value == 10 and a.end - a.start >= 2
                and b.end < len(toks) and word_in(toks[b.end], _ROUND_AFTER)):
            continue
        d = lx.DIGITS.get(toks[a.end - 1])
        if d is not None and d >= 2 and a.value == int(a.value) and a.value % 10 == d:
            out[k] = Number(value=a.value - d, start=a.start, end=a.end - 1)
            out[k + 1] = Number(value=d * 10, start=a.end - 1, end=b.end)
    return out


def _after_illness_day(toks: Sequence[str], numbers: Sequence[Number], k: int) -> str | None:
    """Session 22 (n56-s18-readings): the vital of a bare value in a check-in that starts with the day of the illness
    ("hôm nay ngày thứ sáu chín bảy với ba bảy hai": day 6, SpO2 97, 37.2 °C): a whole value of 90 to 100 right after
    the day's number (vitals.yaml ``illness_day_before`` before it) is the SpO2, and a value of 35 to 42 joined to that
    one (``oximeter_pair_joiners``) the temperature."""
    def spo2_after_day(i: int) -> bool:
        if i < 1:
            return False
        d, n = numbers[i - 1], numbers[i]
        at = max(0, d.start - 2)
        gap = toks[d.end:n.start]
        return (len(gap) <= _DAY_GAP and all(t == BREAK or word_in(t, _DAY_FILLERS) for t in gap)
                and d.end - d.start == 1 and 1 <= d.value <= _ILLNESS_DAY_MAX
                and n.value == int(n.value) and 90 <= n.value <= 100
                and any(at + m.end == d.start for m in _ILLNESS_DAY_BEFORE.find(toks[at:d.start])))
    if spo2_after_day(k):
        return "spo2"
    n = numbers[k]
    if k >= 2 and spo2_after_day(k - 1) and 35 <= n.value <= 42 and _pair_joined(toks[numbers[k - 1].end:n.start]):
        return "temperature"
    return None


def _vague_value(toks: Sequence[str], n: Number) -> bool:
    """Session 22 (n56-s18-readings): is ``n`` said with "mấy" after it ("tám mươi trên năm mươi mấy": the systolic
    80 only, the README's convention for an approximate value)?"""
    return word_in(toks[n.end - 1], _VAGUE_AFTER) or (n.end < len(toks) and word_in(toks[n.end], _VAGUE_AFTER))


def _systolic_before_vague(toks: Sequence[str], numbers: Sequence[Number], skip: set[int], bp_said: bool) -> list[int]:
    """Session 22 (n56-s18-readings): a systolic pressure whose diastolic is said only approximately ("huyết áp bà một
    trăm bốn mươi trên chín mươi mấy": 140, no diastolic; the README's convention for "mấy"): named as a blood
    pressure or asked for, a value then a separator ("trên", "/") and a vague value (no number read) ending in "mấy"
    within three words (``bp_said``: named or asked for). The index of that systolic value, if any."""
    if not bp_said:
        return []
    for k, n in enumerate(numbers):
        if k in skip or not _SYSTOLIC_RANGE[0] <= n.value <= _SYSTOLIC_RANGE[1] or n.end >= len(toks):
            continue
        if not word_in(toks[n.end], lx.BLOOD_PRESSURE_SEPARATORS):
            continue
        rest = toks[n.end + 1:n.end + 4]
        nxt = numbers[k + 1].start if k + 1 < len(numbers) else len(toks)
        if any(word_in(t, _VAGUE_AFTER) for t in rest) and nxt > n.end + len(rest):
            return [k]
    return []


def _low_machine_rows(toks: Sequence[str], numbers: Sequence[Number]) -> bool:
    """Session 22 (n56-s18-readings): a blood-pressure machine's rows (``_bp_machine_rows``) with the systolic below 90
    or the diastolic below 60 (decision 261 sign 5)."""
    rows = _bp_machine_rows(toks, numbers, set(), True)  # the caller found the blood pressure named
    limits = {SYSTOLIC: 90.0, DIASTOLIC: 60.0}
    return any(name in limits and numbers[k].value < limits[name] for k, name in rows.items())


_COLD_WORDS = ("lạnh",)
_COLD_SIGNS_WITH = ("mồ hôi", "vã", "xám", "tím", "tái", "lơ mơ", "li bì")  # a cold body with one of these stays a sign


def cold_hand_remeasured(toks: Sequence[str], start: int, end: int) -> bool:
    """Session 22 (n56-s18-readings): is the cold of ``toks[start:end]`` a hand too cold for the oximeter, measured then
    warmed and measured again ("tay mẹ lạnh ngắt đo ra tám tám, em ủ ấm rồi đo lại được chín bảy"), no sign of shock
    (the README's convention: a cold finger re-measured after warming gives the warm value; cold limbs with cold sweat
    or a grey face stay ``caller_concern``)? A value within six words after it and a new measure after that."""
    if not any(word_in(t, _COLD_WORDS) for t in toks[start:end]) or any(
            word_in(t, ("chân",)) for t in toks[start:end]):
        return False
    text = " ".join(toks)
    if any(w in text for w in _COLD_SIGNS_WITH):
        return False
    ahead = find_numbers(toks[end:end + 6])
    if not ahead and not find_numbers(toks[max(0, start - 6):start]):
        return False  # "tay lạnh ngắt đo ra tám tám", "đo lần đầu chín sáu do tay lạnh ngắt"
    rest = toks[end + ahead[0].end:] if ahead else toks[end:]
    return bool(_REMEASURE.find(rest) or _ARTIFACT_REMEASURES.find(rest))


def _cold_with_shock(toks: Sequence[str]) -> bool:
    """Session 22 (n56-s18-readings): a cold body said with a sign of shock ("tay chân lạnh ngắt vã mồ hôi"): the cold
    is no measuring artifact, a low value before a re-measure stays for triage."""
    text = " ".join(toks)
    return any(word_in(t, _COLD_WORDS) for t in toks) and any(w in text for w in _COLD_SIGNS_WITH)


# --- session 22b (n60-s19-readings): readings in retired set 19 by kind (vitals.yaml) ---
_DIGIT_FIRST = Matcher(table(*lx.LEXICON.words("vitals", "digit_first")))
_DIGIT_NEXT = Matcher(table(*lx.LEXICON.words("vitals", "digit_next")))
_DIGIT_THIRD = Matcher(table(*lx.LEXICON.words("vitals", "digit_third")))
_DIGIT_REACH = 2  # words between a position's name and its digit ("số đầu là chín", "số sau: hai")
_POSITION_GAP = 3  # words between one digit and the next position's name ("chín, rồi số sau là hai")
_BORROWED_DEVICES = Matcher(table(*lx.LEXICON.words("vitals", "borrowed_devices")))
_OWN_DEVICES = Matcher(table(*lx.LEXICON.words("vitals", "own_devices")))
_TEMPERATURE_TENS = (34, 42)  # two digits read so, then a third: a temperature with its tenth ("ba, bảy, năm" 37.5)


def _digit_after(toks: Sequence[str], numbers: Sequence[Number], at: int, reach: int) -> tuple[int, Number] | None:
    """The index of a one-word digit (0 to 9) said within ``reach`` words after token ``at``, and the digit; a digit
    the position's own number word took in ("số thứ hai tư" read 24: the digit is 4) is split off it."""
    for k, n in enumerate(numbers):
        if n.start < at and n.end == at + 1 and n.value == int(n.value) and 10 < n.value < 100:
            return k, Number(value=n.value % 10, start=at, end=at + 1)
        if at <= n.start <= at + reach:
            ok = n.end - n.start == 1 and n.value == int(n.value) and 0 <= n.value <= 9
            return (k, n) if ok else None
    return None


def _digits_by_position(toks: Sequence[str], numbers: Sequence[Number]) -> Sequence[Number]:
    """Session 22b (n60-s19-readings): ``numbers`` with a reading read off a display digit by digit with each digit's
    position joined into one value ("tôi không biết đọc số cái máy, số đầu là chín, số sau là hai": 92; "chữ số đầu
    ba, sau là tám": 38; a third digit after two that make a temperature's degrees: "số đầu ba, số thứ hai bảy, số thứ
    ba năm" 37.5). A name of the first position (vitals.yaml ``digit_first``), its digit, then a name of the next
    (``digit_next``) and its digit, each within a few words; digits alone ("chín, hai") are not joined."""
    firsts = _DIGIT_FIRST.find(toks) if len(numbers) >= 2 else []
    if not firsts:
        return numbers
    out = list(numbers)
    for m in firsts:
        a = _digit_after(toks, out, m.end, _DIGIT_REACH)
        if a is None:
            continue
        nxt = [x for x in _DIGIT_NEXT.find(toks[a[1].end:a[1].end + _POSITION_GAP + 4]) if x.start <= _POSITION_GAP]
        b = _digit_after(toks, out, a[1].end + nxt[0].end, _DIGIT_REACH) if nxt else None
        if b is None:
            continue
        value = a[1].value * 10 + b[1].value
        end, last = b[1].end, b[0]
        third = [x for x in _DIGIT_THIRD.find(toks[end:end + _POSITION_GAP + 4]) if x.start <= _POSITION_GAP]
        c = _digit_after(toks, out, end + third[0].end, _DIGIT_REACH) if third else None
        if c is not None and _TEMPERATURE_TENS[0] <= value <= _TEMPERATURE_TENS[1]:
            value, end, last = value + c[1].value / 10, c[1].end, c[0]
        out[a[0]:last + 1] = [Number(value=value, start=a[1].start, end=end)]
    return out


def _borrowed_device_remeasured(toks: Sequence[str], before: Number, n: Number) -> bool:
    """Session 22b (n60-s19-readings): was the reading ``before`` shown by a neighbour's or a borrowed device
    (vitals.yaml ``borrowed_devices`` before it, in its clause or the one before) and ``n`` measured on the patient's
    own device (``own_devices`` between them: "máy của hàng xóm báo tám tám, em đo lại bằng máy nhà mình ba lần đều
    chín tám": 98, no dip)? The own device's value counts; a borrowed device's value after the own device's low one
    does not clear it ("máy nhà báo tám tám, đo bằng máy hàng xóm chín tám": 88 stays for triage)."""
    lo = max(0, before.start - 10)
    between = toks[before.end:n.start]
    return (bool(_BORROWED_DEVICES.find(toks[lo:before.start])) and bool(_OWN_DEVICES.find(between))
            and not _BORROWED_DEVICES.find(between))


def _positional_vital(value: float) -> str | None:
    """Session 22b (n60-s19-readings): the vital of a display read digit by digit with no vital named: a temperature's
    degrees (34 to 42, with or without its tenth), else a whole value an oximeter shows (the one device a home-care
    patient is given, as for an unnamed reading)."""
    if _TEMPERATURE_TENS[0] <= value <= _TEMPERATURE_TENS[1]:
        return "temperature"
    if value == int(value) and _UNNAMED_SPO2[0] <= value <= _UNNAMED_SPO2[1]:
        return "spo2"
    return None


_TENS_WORDS = ("mươi", "chục", "mấy")
_KIN_SIDES = ("nội", "ngoại", "nhà", "ruột")
_PERSON_BARE_NOT_AFTER = ("tuổi", "rồi", "năm", "cân", "ký", "kí", "kg", "tháng", "ngày", "lần", "người")


def _person_then_bare(toks: Sequence[str], n: Number, cues: Sequence[Match]) -> bool:
    """Session 22b (n60-s19-readings): is ``n`` a bare oximeter value said right after the person it is of ("dạ hôm nay
    mẹ em chín tám nhiệt ba sáu rưỡi": SpO2 98; "bố chín sáu" while the oximeter is talked of): a whole 90 to 100 with
    a person word right before it, no vital named before it, and either another vital named right after it (the
    caller's list of readings) or the oximeter named somewhere in the utterance. An age is not: a word of age or time
    after it ("bà chín hai tuổi", "bà chín hai rồi") or no other reading or oximeter talk ("ông chín mươi")."""
    if n.value != int(n.value) or not _BARE_SPO2[0] <= n.value <= _BARE_SPO2[1] or n.start == 0:
        return False
    person = n.start - 1 - (n.start > 1 and word_in(toks[n.start - 1], _KIN_SIDES))  # "bà nội chín hai"
    if not word_in(toks[person], lx.PERSONS) or (n.end < len(toks) and word_in(toks[n.end], _PERSON_BARE_NOT_AFTER)):
        return False
    if any(c.end <= n.start and n.start - c.end <= lx.CUE_REACH and c.label != BLOCK for c in cues):
        return False
    if any(word_in(t, _TENS_WORDS) for t in toks[n.start:n.end]):
        return False  # "ông chín mươi, nhiệt độ ba bảy": a round age, not the compact way a display is read
    if any(c.label == "spo2" and c.start >= n.end for c in cues):
        return False  # "ông chín hai ô xi chín tám": the SpO2 is named after it, this is his age (session 12)
    after = n.end + (n.end < len(toks) and toks[n.end] == BREAK)
    return any(c.label not in (BLOCK, "spo2") and c.start == after for c in cues) or any(
        c.label == "spo2" and c.end <= n.start for c in cues)


_RISK_BANDS = lx.LEXICON.ranges("vitals", "range_risk_bands")


def _same_risk(vital: str, a: float, b: float) -> bool:
    """Session 22b (n60-s19-readings): do two values of ``vital`` fall in the same risk band (below, inside or above
    its middle band, vitals.yaml ``range_risk_bands``: SpO2 93 and 94 do not, 91 and 92 do)?"""
    lo, hi = _RISK_BANDS.get(vital, (float("-inf"), float("inf")))
    return (a < lo, a > hi) == (b < lo, b > hi)


# --- session 23 (n65-s20-readings): readings of retired set 20 by kind (vitals.yaml) ---
_USUAL = Matcher(table(*lx.LEXICON.words("vitals", "usual_value_words")))
_USUAL_REACH = 3  # words between the usual word and the usual value ("thường là", "mọi khi ô xi")
_USUAL_NOW_GAP = 12  # words between the usual value and today's
_USUAL_NAMED_REACH = 6  # words between a vital named and the usual word after it ("mạch ổng hay chậm, thường ...")
_USUAL_RUN_JOINERS = ("hay", "tới", "đến", "với", "-")  # "mọi khi chín hai chín ba", "thường chín hai tới chín ba"
_ELDERS = lx.LEXICON.words("vitals", "elder_persons")
_SERIES_PERSON_GAP = 4  # words between one person's bare value and the next person's ("vợ tôi")


def _usual_then_now(toks: Sequence[str], numbers: Sequence[Number], skip: set[int],
                    cues: Sequence[Match]) -> tuple[set[int], dict[int, str]]:
    """The usual values said before today's (vitals.yaml ``usual_value_words``: "phổi tắc nghẽn mọi khi chín hai chín
    ba mà nay còn tám lăm"; "mạch thường năm mấy vì uống thuốc, hôm nay năm lăm"), and today's value of each with its
    vital: the one named before the usual word (or between it and the usual value), else a bare 90-100 is the
    oximeter's. Today's value comes after a word of today (``today_words``), with no other vital named between and no
    usual word again. The usual values are no reading; today's is, whatever the usual one was. Today's value of a thing
    that is no vital (a weight, a clock time: a count unit after the usual value, or a blocker named before it) is
    no reading either ("cân nặng thường bảy mươi ký mà giờ còn sáu lăm")."""
    usual: set[int] = set()
    now: dict[int, str] = {}
    words = _USUAL.find(toks) if len(numbers) > 1 else []  # one pass over the utterance: most say no usual word
    k = 0
    while words and k < len(numbers):
        n = numbers[k]
        said = [m for m in words if m.end <= n.start and n.start - m.end <= _USUAL_REACH
                and BREAK not in toks[m.end:n.start]]
        if k in skip or k in usual or not said:
            k += 1
            continue
        word_at = said[-1].start
        j = k  # the run of usual values ("chín hai chín ba")
        while j + 1 < len(numbers) and j + 1 not in skip and all(
                word_in(t, _USUAL_RUN_JOINERS) for t in toks[numbers[j].end:numbers[j + 1].start]) and (
                numbers[j + 1].start - numbers[j].end <= 1):
            j += 1
        w = j + 1
        if w >= len(numbers) or w in skip:
            k = j + 1
            continue
        between = toks[numbers[j].end:numbers[w].start]
        named = [c for c in cues if c.label != BLOCK and word_at - _USUAL_NAMED_REACH <= c.end <= n.start
                 and c.start < n.start]
        run = numbers[k:j + 1]
        unit = toks[numbers[j].end] if numbers[j].end < len(toks) else None
        if _TODAY.find(between) and not named and ((word_in(unit, lx.COUNT_UNITS) and _TODAY.at(toks, numbers[j].end)
                                                    is None) or _UNNAMED_BLOCKERS.find(
                toks[max(0, word_at - _USUAL_NAMED_REACH):n.start])):
            usual.update(range(k, w + 1))  # "cân nặng thường bảy mươi ký mà giờ còn sáu lăm": today's weight, no vital
            k = w + 1
            continue
        vital = named[-1].label if named else (
            "spo2" if all(m.value == int(m.value) and _UNNAMED_SPO2[0] <= m.value <= _UNNAMED_SPO2[1] for m in run)
            else None)
        if (numbers[w].start - numbers[j].end > _USUAL_NOW_GAP or not _TODAY.find(between) or _USUAL.find(between)
                or any(numbers[j].end <= c.start and c.end <= numbers[w].start and c.label not in (BLOCK, vital)
                       for c in cues)):  # "mạch thường bốn tám vì uống thuốc tim, bữa nay bảy hai": the same vital
            k = j + 1
            continue
        if vital is not None and vital in lx.VITAL_RANGES:
            lo_v, hi_v = lx.VITAL_RANGES[vital]
            if lo_v <= numbers[w].value <= hi_v and all(lo_v <= m.value <= hi_v for m in run):
                usual.update(range(k, j + 1))
                now[w] = vital
        k = j + 1
    return usual, now


def _person_series(toks: Sequence[str], numbers: Sequence[Number], skip: set[int], cues: Sequence[Match]) -> set[int]:
    """Several people's bare oximeter values in one breath ("tôi chín chín vợ tôi chín tám đứa con chín sáu"): two or
    more whole values of 90-100, each right after a person word, no vital named before them, no word of age or count
    after them, close to each other, and not all of elders (``elder_persons``: "ông chín hai bà chín sáu" are ages)."""
    found: list[tuple[int, str]] = []
    for k, n in enumerate(numbers):
        if k in skip or n.start == 0 or n.value != int(n.value) or not _BARE_SPO2[0] <= n.value <= _BARE_SPO2[1]:
            continue
        # the person right before, or a person and one word ("con gái", "thằng út" after "con", "bà nội")
        person = next((i for i in (n.start - 1, n.start - 2) if i >= 0 and word_in(toks[i], lx.PERSONS)), None)
        if person is None or any(word_in(t, _TENS_WORDS) for t in toks[n.start:n.end]) or (
                n.end < len(toks) and word_in(toks[n.end], _PERSON_BARE_NOT_AFTER)):
            continue
        if any(c.label != BLOCK and c.end <= n.start for c in cues):
            continue
        found.append((k, toks[person]))
    series = [found[0]] if found else []
    for (a, _), (b, who) in pairwise(found):
        if numbers[b].start - numbers[a].end <= _SERIES_PERSON_GAP:
            series.append((b, who))
    if len(series) < 2 or all(word_in(who, _ELDERS) for _, who in series):
        return set()
    return {k for k, _ in series}


def _cue_then_owner(toks: Sequence[str], n: Number, cues: Sequence[Match]) -> bool:
    """Is ``n`` the value of a vital named right before the person it is of ("sp o2 của bố 89 mạch 110": 89 is the
    father's SpO2, never his age): a cue, then "của"/"cho", then the person word right before the value?"""
    j = n.start - 2 - (n.start > 2 and word_in(toks[n.start - 1], _KIN_SIDES))
    return j > 0 and word_in(toks[j], ("của", "cho")) and any(c.label != BLOCK and c.end == j for c in cues)


def _stutter_digits(toks: Sequence[str], numbers: Sequence[Number]) -> set[int]:
    """A lone digit said again at once as the tens of the next value ("mạch tám tám mươi tám mươi hai": a stutter, then
    80 restarted as 82): the digit is no value and uses up no cue."""
    return {k for k, (a, b) in enumerate(pairwise(numbers)) if a.end - a.start == 1 and a.value < 10
            and b.start == a.end and toks[b.start] == toks[a.start] and b.end - b.start >= 2
            and word_in(toks[b.start + 1], _TENS_WORDS)}


def _paused_separator(between: Sequence[str]) -> bool:
    """A blood pressure's "trên" with pauses around it ("huyết áp... tám mươi... trên... năm mươi")."""
    core = [t for t in between if t != BREAK]
    return len(between) <= 3 and len(core) == 1 and word_in(core[0], lx.BLOOD_PRESSURE_SEPARATORS)


def _measured_now_after(toks: Sequence[str], n: Number) -> bool:
    """Is the "giờ" after ``n`` "now", ``n`` a bare oximeter value right after a measuring word ("tự hết, đo chín bảy
    giờ ngủ được": 97, then "now")? A value of 90-100 is no clock hour, and no count of hours is measured."""
    return (n.start > 0 and word_in(toks[n.start - 1], ("đo", "được")) and n.value == int(n.value)
            and _UNNAMED_SPO2[0] <= n.value <= _UNNAMED_SPO2[1] and n.end < len(toks)
            and word_in(toks[n.end], _NOW_AFTER_VALUE))


def _restarted_after_stutter(toks: Sequence[str], numbers: Sequence[Number], stutters: set[int], before: Number,
                             n: Number) -> bool:
    """Is ``n`` the value restarted after a stutter ("chín chín mươi chín mươi lăm": the digit, its tens, then 95 in
    full): a stuttered digit right before ``before``, ``before`` a whole tens ending at its tens word, ``n`` right after
    it starting with the same digit word and within those tens?"""
    return (any(numbers[s].end == before.start for s in stutters) and n.start == before.end
            and before.value % 10 == 0 and before.value < n.value < before.value + 10
            and word_in(toks[before.end - 1], lx.TENS) and word_in(toks[n.start], (toks[before.start],)))


def _measured_today_again(toks: Sequence[str], numbers: Sequence[Number], k: int, assigned: dict[int, str],
                          cues: Sequence[Match]) -> str | None:
    """The vital of the last value read when number ``k`` is measured again today in a later clause ("ô xi chín bảy,
    bữa nay đo chỉ được chín mốt": 91): a word of today and a measuring word between, no vital named between, at most
    ``cue_reach`` words apart, ``k`` in that vital's range; a bare 90-100 after another vital than the SpO2 is left to
    the unnamed-SpO2 convention."""
    j = max((a for a in assigned if a < k), default=None)
    if j is None:
        return None
    gap = toks[numbers[j].end:numbers[k].start]
    if len(gap) > lx.CUE_REACH or BREAK not in gap or not _TODAY.find(gap) or not any(
            word_in(t, lx.UNNAMED_MEASURE_WORDS) for t in gap) or any(
            numbers[j].end <= c.start and c.end <= numbers[k].start and c.label != BLOCK for c in cues):
        return None
    vital, value = assigned[j], numbers[k].value
    lo, hi = lx.VITAL_RANGES[vital]
    if vital != "spo2" and value == int(value) and _UNNAMED_SPO2[0] <= value <= _UNNAMED_SPO2[1]:
        return None
    return vital if lo <= value <= hi else None


def _usual_before(toks: Sequence[str], i: int) -> bool:
    """Is the value at token ``i`` a usual one: a usual word (vitals.yaml ``usual_value_words``) ending at most
    ``_USUAL_REACH`` words before it in its clause ("huyết áp thường trăm năm chục trên chín chục")?"""
    lo = max(0, i - _USUAL_REACH - 3)
    return any(i - (lo + m.end) <= _USUAL_REACH and BREAK not in toks[lo + m.end:i] for m in _USUAL.find(toks[lo:i]))
