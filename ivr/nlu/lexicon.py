"""The Vietnamese vocabulary the NLU recognises, loaded once from ``ivr/nlu/data/*.yaml``.

The data files are the one home of every word list (see each file's comments);
``ivr.nlu.loader`` validates them at import, so a broken file stops the hotline
with a message naming the file and the entry. Phrases are written with
diacritics in standard (northern) spelling; regional variants and spellings are
folded to these by ``ivr.nlu.normalize``, and text without diacritics matches
through ``ivr.nlu.normalize.token_matches``. Everything here is read-only
(tuples and read-only mappings) and shared by every call.
"""
from __future__ import annotations

from collections.abc import Mapping

from ivr.nlu.loader import Lexicon, load_lexicon

LEXICON: Lexicon = load_lexicon()
_w, _t = LEXICON.words, LEXICON.table

# --- symptoms.yaml
#: Signs from the MoH warning list and the hotline's risk levels that the shared
#: symptom taxonomy has no name for; escalation rule packs declare them too.
EXTRA_SIGNS: tuple[str, ...] = _w("symptoms", "extra_signs")
SYMPTOM_PHRASES: Mapping[str, tuple[str, ...]] = _t("symptoms", "phrases")
SYMPTOM_IMPLIES: Mapping[str, tuple[str, ...]] = _t("symptoms", "implies")
PHRASE_IMPLIES: Mapping[str, tuple[str, ...]] = _t("symptoms", "phrase_implies")
SYMPTOM_BLOCKERS = _w("symptoms", "blockers")
INTENSIFIERS = _w("symptoms", "intensifiers")
NEAR = LEXICON.near("symptoms", "near")
NEAR_SIMILE = _w("symptoms", "near_simile")
OTHER_COMPLAINTS = _w("symptoms", "other_complaints")
LONG_FEVER = _w("symptoms", "long_fever")
WEEK_QUANTIFIERS = _w("symptoms", "week_quantifiers")
WAKE_CALLS = _w("symptoms", "wake_calls")
WAKE_OUTCOMES = _w("symptoms", "wake_outcomes")
WAKE_GAP = _w("symptoms", "wake_gap")
#: "con giận dỗi, gọi không thèm thưa": a wilful no-answer in a mood is no sign (session 12, n16).
WILFUL_GAP = _w("symptoms", "wilful_gap")
#: "kêu không nghe": not hearing a call to the patient, never the caller not hearing (session 12, n16).
HEARING_OUTCOMES = _w("symptoms", "hearing_outcomes")
#: "ngủ hoài, gọi không được": a call that cannot wake a sleeper (session 12, n16).
UNABLE_ENDS = _w("symptoms", "unable_ends")
SLEEP_WORDS = _w("symptoms", "sleep_words")
HEARING_CALLS = _w("symptoms", "hearing_calls")
HEARING_NOT_BEFORE = _w("symptoms", "hearing_not_before")
MOODS = _w("symptoms", "moods")
#: "bà ơi bà ơi, bà không trả lời con": calling the patient by name is a wake call (session 6).
VOCATIVE_PERSONS = _w("symptoms", "vocative_persons")
VOCATIVE_SUBJECT_WORDS = _w("symptoms", "vocative_subject_words")
FIRST_PERSONS = _w("symptoms", "first_persons")
#: "lây mãi không dậy": a wake call with a slip of its vowel marks, the negator within this many words.
WAKE_SLIP_WINDOW: int = LEXICON.number("symptoms", "wake_slip_window")
WAKE_SLIP_CALLS = _w("symptoms", "wake_slip_calls")
#: "gọi điện cho con mà nó không trả lời": a phone call, not a wake call (session 6).
PHONE_WORDS = _w("symptoms", "phone_words")
WAKE_WINDOW: int = LEXICON.number("symptoms", "wake_window")
#: "chẳng nuốt nổi" as "không nuốt nổi": other negators for a phrase that starts with "không" (session 6).
NEGATOR_VARIANTS = _w("symptoms", "negator_variants")
#: "không còn nhận ra ai", "không thở ra hơi": the other wordings of a phrase of inability (session 12, n16).
NEGATOR_INSERTS = _w("symptoms", "negator_inserts")
NEGATOR_INSERT_SIGNS = frozenset(_w("symptoms", "negator_insert_signs"))
INABILITY_VERBS = frozenset(_w("symptoms", "inability_verbs"))
INABILITY_ENDS = _w("symptoms", "inability_ends")
# session 18 (n29-node-signs): breathlessness then an inability; chest pain with a cold sweat
BREATH_FAIL_ENDS = _w("symptoms", "breath_fail_ends")
COLD_SWEAT = _w("symptoms", "cold_sweat")
# session 21 (n51-calls8): breath too short to speak, said with a negator ("nói chẳng hết câu")
SPEECH_CUT_FILLERS = _w("symptoms", "speech_cut_fillers")
SPEECH_CUT_ENDS = _w("symptoms", "speech_cut_ends")
SPEECH_CUT_BARE = _w("symptoms", "speech_cut_bare")
SPEECH_CUT_WORDS = _w("symptoms", "speech_cut_words")
#: "bé sốt cao, mắt đỏ, môi nứt nẻ, nổi ban": signs of multisystem inflammation in a child (session 6).
CHILD_WORDS = _w("symptoms", "child_words")
CHILD_AGE_BELOW: int = LEXICON.number("symptoms", "child_age_below")
INFLAMMATION_SIGNS: Mapping[str, tuple[str, ...]] = _t("symptoms", "inflammation_signs")
#: "đau bụng, ói mửa, chướng bụng": an acute belly (session 6).
ACUTE_ABDOMEN: Mapping[str, tuple[str, ...]] = _t("symptoms", "acute_abdomen")
#: "cái máy đo màu tím": a colour said of a thing, not of the patient.
COLOUR_OBJECTS = _w("symptoms", "colour_objects")
DIM_WORDS = _w("symptoms", "dim_words")
#: Calm senses of sign-like words, masked from the n-gram model's text ("thờ cúng", "áo tím"; session 16, n23).
MODEL_LOOKALIKES = _w("symptoms", "model_lookalikes")
#: "trời ơi gọi gì gọi hoài vậy": annoyance at the calls, no distress (session 16, n23).
INTERJECTIONS = _w("symptoms", "interjections")
CALL_COMPLAINTS = _w("symptoms", "call_complaints")
#: "không ăn được đồ cứng vì niềng răng": an inability with a reason that is no illness (session 16, n23).
OTHER_REASONS = _w("mention", "other_reasons")
EVERYTHING_WORDS = _w("mention", "everything_words")
# session 18 (n30-hedged-emerg): worn out by a chore, no sign ("mệt xỉu vì dọn nhà cả ngày")
CHORE_CAUSES = _w("mention", "chore_causes")
CAUSE_LINKS = _w("mention", "cause_links")
DIM_OBJECTS = _w("symptoms", "dim_objects")
WAKE_RELAPSE = _w("symptoms", "wake_relapse")
#: "bả nằm hoài hổng dậy": lying or sleeping on and on, then not waking (session 7); "không dậy nổi" is exhaustion.
LYING_CALLS = _w("symptoms", "lying_calls")
LYING_UNABLE = _w("symptoms", "lying_unable")
BLOOD_WORDS = _w("symptoms", "blood_words")
BLOOD_SOURCES = _w("symptoms", "blood_sources")
DRINK_WORDS = _w("symptoms", "drink_words")
VOMIT_WORDS = _w("symptoms", "vomit_words")
EAT_WORDS = _w("symptoms", "eat_words")
EACH_WORDS = _w("symptoms", "each_words")
EFFORT_WORDS = _w("symptoms", "effort_words")
UNABLE_AFTER = _w("symptoms", "unable_after")
#: "nói được vài chữ là thở dốc": breath too short to talk, said as a sequence (session 8).
SPEECH_WORDS = _w("symptoms", "speech_words")
SPEECH_UNITS = _w("symptoms", "speech_units")
SPEECH_BREATH = _w("symptoms", "speech_breath")
#: "nói ít câu là thở": a bare breath ending its clause (session 11, n14).
SPEECH_BREATH_AT_END = _w("symptoms", "speech_breath_at_end")
#: "ông gọi tên tôi thành tên bố tôi": the family called by another's name (session 12, n16).
MISNAME_CALLS = _w("symptoms", "misname_calls")
#: "giận tím mặt": a face dark with anger, no cyanosis (session 12, n16).
EMOTION_WORDS = _w("symptoms", "emotion_words")
EMOTION_SPARED_PARTS = _w("symptoms", "emotion_spared_parts")
MISNAME_AS = _w("symptoms", "misname_as")
#: "câu nào cũng đứt quãng": every sentence, the speech word left unsaid (session 12, n16).
SPEECH_EVERY = _w("symptoms", "speech_every")
#: "thở như cá mắc cạn", "thở mà bụng hóp vào": the breath likened to a dying one or drawn in (session 12, n16).
BREATH_WORDS = _w("symptoms", "breath_words")
BREATH_IMAGES = _w("symptoms", "breath_images")
INDRAWING_WORDS = _w("symptoms", "indrawing_words")
POSTURE_WORDS = _w("symptoms", "posture_words")
POSTURE_BREATH = _w("symptoms", "posture_breath")
#: A negator right before one of these is a universal ("câu đâu cũng đứt hơi"), no denial (session 10).
UNIVERSAL_AFTER = _w("symptoms", "universal_after")
#: "đi tiểu chỉ được vài giọt": very little urine said as a sequence (session 10).
URINE_WORDS = _w("symptoms", "urine_words")
SCANT_WORDS = _w("symptoms", "scant_words")
#: Distress said without a sign ("trời ơi", "sợ quá"): the understanding's ``concern`` flag.
DISTRESS = _w("symptoms", "distress")
#: Half-understood worry ("bà cứ thở khác khác"): the ``concern`` flag when no sign was found.
WORRY_WORDS = _w("symptoms", "worry_words")
CALM_WORDS = _w("symptoms", "calm_words")
#: "hơi thở ông nghe yếu dần": a decision-261 area with a worsening word no sign took (session 12, n16).
WARNING_AREAS = _w("symptoms", "warning_areas")
WORSENING_WORDS = _w("symptoms", "worsening_words")
#: "... chứ mẹ tôi vẫn hồng hào": the patient said to be fine, so distress raises no concern.
REASSURANCE = _w("symptoms", "reassurance")

# --- risk_factors.yaml
RISK_FACTORS: tuple[str, ...] = _w("risk_factors", "names")
#: Age at which a caller counts as a risk factor (triage.md: age ≥ 65).
RISK_AGE: int = LEXICON.number("risk_factors", "risk_age")
RISK_FACTOR_PHRASES: Mapping[str, tuple[str, ...]] = _t("risk_factors", "phrases")
RISK_BLOCKERS = _w("risk_factors", "blockers")
AGE_WORDS = _w("risk_factors", "age_words")
AGE_APPROX = _w("risk_factors", "age_approx")
AGE_PERSONS = _w("risk_factors", "age_persons")

# --- intents.yaml
INTENT_PHRASES: Mapping[str, tuple[str, ...]] = _t("intents", "phrases")
GREETINGS = _w("intents", "greetings")
STRONG_GOODBYE = frozenset(_w("intents", "strong_goodbye"))
WEAK_HOME_CARE = _w("intents", "weak_home_care")
QUESTION_WORDS = _w("intents", "question_words")
QUESTION_ENDINGS = _w("intents", "question_endings")
HELP_VERBS = _w("intents", "help_verbs")
WHAT_WORDS = _w("intents", "what_words")
#: "khi nào thì phải đi cấp cứu?": an emergency phrase inside a conditional question is no request.
CONDITIONAL_QUESTIONS = _w("intents", "conditional_questions")
#: session 22 (n58-calls10): "có cần gặp bác sĩ không": asked whether, not asked for (also ``ivr.nlu.mention``)
WHETHER_WORDS = _w("intents", "whether_words")

# --- answers.yaml
YES_WORDS = _w("answers", "yes_words")
NO_WORDS = _w("answers", "no_words")
HEDGES = _w("answers", "hedges")
YES_OPENERS = _w("answers", "yes_openers")
YES_ALONE = _w("answers", "yes_alone")
CLAUSE_YES = _w("answers", "clause_yes")
#: "chắc cũng có, tôi không rõ lắm": unsure, no request to repeat (session 11, n14).
UNSURE_AFTER = _w("answers", "unsure_after")
# session 19 (n39-signs-yesno): answers at the warning-sign questions (``ivr.nlu.yesno``)
FILLER_YES = _w("answers", "filler_yes")
NO_CLOSERS = _w("answers", "no_closers")
ANSWER_STATES: Mapping[str, tuple[str, ...]] = _t("answers", "answer_states")
STATE_BLOCKERS_BEFORE = _w("answers", "state_blockers_before")
STATE_BLOCKERS_AFTER = _w("answers", "state_blockers_after")
NOW_AND_THEN = _w("answers", "now_and_then")
NOW_AND_THEN_TWICE = _w("answers", "now_and_then_twice")
UNKNOWING_VERBS = _w("answers", "unknowing_verbs")
UNKNOWING_NOT_BEFORE = _w("answers", "unknowing_not_before")
LOOK_VERBS = _w("answers", "look_verbs")
HESITATION_WORDS = _w("answers", "hesitation_words")

# --- vitals.yaml
VITAL_CUES: Mapping[str, tuple[str, ...]] = _t("vitals", "cues")
CUE_BLOCKERS = _w("vitals", "cue_blockers")
VITAL_RANGES: Mapping[str, tuple[float, float]] = LEXICON.ranges("vitals", "ranges")
PER_MINUTE = _w("vitals", "per_minute")
COUNT_UNITS = _w("vitals", "count_units")
#: "đo hai lần, lần nào cũng chín chín": a count of measurements before the value.
REPEAT_COUNTS = _w("vitals", "repeat_counts")
DAY_WORDS = _w("vitals", "day_words")
NOT_TENTHS_BEFORE = (*DAY_WORDS, *_w("vitals", "not_tenths_before"))
VALUE_JOINERS = _w("vitals", "value_joiners")
LOW_WORDS = _w("vitals", "low_words")
BREATHING_WORDS = _w("vitals", "breathing_words")
PULSE_WORDS = _w("vitals", "pulse_words")
BLOOD_PRESSURE_SEPARATORS = _w("vitals", "blood_pressure_separators")
BLOOD_PRESSURE_NAMES = _w("vitals", "blood_pressure_names")
DATE_BEFORE = _w("vitals", "date_before")
UNNAMED_MEASURE_WORDS = _w("vitals", "unnamed_measure_words")
UNNAMED_SPO2_MIN: int = LEXICON.number("vitals", "unnamed_spo2_min")
UNNAMED_SPO2_MAX: int = LEXICON.number("vitals", "unnamed_spo2_max")
CORRECTIONS = _w("vitals", "corrections")
RETRACTIONS = _w("vitals", "retractions")
BP_QUESTION_SEPARATORS = _w("vitals", "bp_question_separators")
OXIMETER_PAIR_JOINERS = _w("vitals", "oximeter_pair_joiners")
CLOCK_BEFORE = _w("vitals", "clock_before")
CLOCK_HOURS_MAX: int = LEXICON.number("vitals", "clock_hours_max")
UNNAMED_BLOCKERS = _w("vitals", "unnamed_blockers")
CUE_REACH: int = LEXICON.number("vitals", "cue_reach")
UNNAMED_REACH: int = LEXICON.number("vitals", "unnamed_reach")
UNNAMED_DISPLAY_WORDS = _w("vitals", "unnamed_display_words")
KINSHIP_NUMBER_WORDS = _w("vitals", "kinship_number_words")
THRESHOLD_WORDS = _w("vitals", "threshold_words")
FLOOR_WORDS = _w("vitals", "floor_words")  # session 19 (n41-set13-calm)
NEVER_WORDS = _w("vitals", "never_words")
THEN_WORDS = _w("vitals", "then_words")
VALUE_IS_WORDS = _w("vitals", "value_is_words")

# --- negation.yaml
#: One-word negators before a symptom: "không sốt", "hết ho", "chưa bị khó thở", "đâu có ho".
NEGATORS = _w("negation", "negators")
PLAIN_NEGATORS = _w("negation", "plain_negators")
NEGATION_SKIP = _w("negation", "skip")
NEED_WORDS = _w("negation", "need_words")
NEGATION_JOIN = _w("negation", "join")
NEGATION_AFTER = _w("negation", "after")
LIST_JOINERS = _w("negation", "list_joiners")
LIST_ENDS = _w("negation", "list_ends")
PURPOSE_NEGATORS = _w("negation", "purpose_negators")
PURPOSE_WORDS = _w("negation", "purpose_words")
#: Signs that a trailing "hết rồi" makes worse ("tím hết rồi": all blue), not absent.
INTENSIFIED_SIGNS = frozenset(_w("negation", "intensified_signs"))
INTENSIFYING_AFTER = _w("negation", "intensifying_after")
#: "nếu khó thở thì...": a supposition, not a report.
HYPOTHETICAL = _w("negation", "hypothetical")
#: "lỡ khó thở ban đêm thì gọi ai": a supposition said so by a "thì" after the sign (session 16, n23).
SUPPOSED_THEN = _w("negation", "supposed_then")
SUPPOSED_THEN_WORDS = _w("negation", "supposed_then_words")
SUPPOSITION_CLOSERS = _w("negation", "supposition_closers")
SUPPOSED_NOT_BETWEEN = _w("negation", "supposed_not_between")
SUPPOSED_NOT_AFTER = _w("negation", "supposed_not_after")
#: "tuần trước có khó thở, giờ hết rồi": a past sign said to be over.
PAST_MARKERS = _w("negation", "past_markers")
#: "khó thở từ hôm qua": a past marker after one of these is a start, not a time the sign was over (session 10).
SINCE_WORDS = _w("negation", "since_words")
RESOLVED_WORDS = _w("negation", "resolved_words")
#: "giờ đỡ hẳn rồi": over for a past warning sign, never for an emergency sign (session 17, n27).
RELIEVED_WORDS = _w("negation", "relieved_words")
#: "cho hỏi khi nào hết cách ly": a resolved word asked about, not said (session 17, n27).
RESOLVED_ASKED = _w("negation", "resolved_asked")
RESOLVED_OBJECTS = _w("negation", "resolved_objects")
#: "giờ tỉnh như sáo": resolved words of a past altered consciousness only (session 12, n16).
LUCID_WORDS = _w("negation", "lucid_words")
STILL_WORDS = _w("negation", "still_words")
#: "giờ đi lại bình thường", "nay ăn uống lại bình thường": no still word (session 11, n14).
STILL_COMPOUNDS = _w("negation", "still_compounds")
BACK_TO = _w("negation", "back_to")
BACK_TO_KEPT = frozenset(_w("negation", "back_to_kept"))
#: "nghe tin hàng xóm đi cấp cứu": hearsay, not the patient.
HEARSAY = _w("negation", "hearsay")
#: "môi tím là dấu hiệu gì": a sign asked about, not reported.
ASKED_ABOUT = _w("negation", "asked_about")
PERSONS = _w("negation", "persons")
#: "tuần trước có khó thở giờ hết rồi": over, said in the same run of words (session 6).
NOW_WORDS = _w("negation", "now_words")
PAST_RESOLVED_WORDS = _w("negation", "past_resolved_words")
#: "không ai trong nhà bị khó thở": nobody has the sign.
NOBODY = _w("negation", "nobody")
NOBODY_LINKS = _w("negation", "nobody_links")
#: "xem ti vi thấy người ta bị tím tái": someone else, up to a contrast word ("chứ mẹ tôi...").
OTHERS = _w("negation", "others")
ALONE_WORDS = _w("negation", "alone_words")
OTHERS_WITH_DIACRITICS = _w("negation", "others_with_diacritics")
CONTRAST_WORDS = _w("negation", "contrast_words")
#: "... thấy mẹ môi tím": a member of the family after one of others is the sign's subject (session 12, n16).
PATIENTS_AFTER_OTHERS = _w("negation", "patients_after_others")
OWNER_WORDS = _w("negation", "owner_words")
# session 18 (n30-hedged-emerg): a person of the household watching, then taken ill ("ông coi ti vi thì thở không nổi")
WATCHING_WORDS = _w("negation", "watching_words")
WATCHING_THEN = _w("negation", "watching_then")
WATCHING_SEEN = _w("negation", "watching_seen")
#: "dặn là thấy khó thở thì gọi": advice, a condition.
ADVICE = _w("negation", "advice")
ADVICE_THEN = _w("negation", "advice_then")
#: "có cần đi viện khi bị khó thở không": a sign asked about in general.
GENERAL_QUESTION = _w("negation", "general_question")
#: "có cần đi viện khi khó thở không": "khi" right before the sign, in a question (session 16, n23).
GENERAL_QUESTION_BARE = _w("negation", "general_question_bare")
#: "con sợ bà trở nặng": a feared sign.
FEARED = _w("negation", "feared")
FEARED_GAP = _w("negation", "feared_gap")
#: "ông nói ngọng từ nhỏ": a sign had all along, not a new one (session 6).
CHRONIC_SIGNS = frozenset(_w("negation", "chronic_signs"))
CHRONIC_MARKERS = _w("negation", "chronic_markers")
CHRONIC_CHANGES = _w("negation", "chronic_changes")
CHANGE_DENIALS = _w("negation", "change_denials")
#: "hàng xóm bị khó thở, nhà tôi thì không ai bị gì": a bystander's sign (session 6).
BYSTANDERS = _w("negation", "bystanders")
OWN_FINE = _w("negation", "own_fine")
#: "..., đang nằm viện rồi, tôi ở nhà vẫn ổn": someone already in a hospital (session 16, n23).
IN_HOSPITAL = _w("negation", "in_hospital")
ONLY_ASKING = _w("negation", "only_asking")
#: "làm sao biết người nhà bị lơ mơ": how to tell a sign, asked about (session 6).
HOW_TO_TELL = _w("negation", "how_to_tell")
# session 18 (n35-indirect261): calm twins of signs said indirectly (``ivr.nlu.ordinary``)
EXERTION_WORDS = _w("negation", "exertion_words")
USUAL_MARKERS = _w("negation", "usual_markers")
REST_WORDS = _w("negation", "rest_words")
REST_OVER = _w("negation", "rest_over")
BLED_WORDS = _w("negation", "bled_words")
BLEEDING_STOPPED = _w("negation", "bleeding_stopped")
BLEEDING_AGAIN = _w("negation", "bleeding_again")
SWEAT_WORDS = _w("negation", "sweat_words")
SWEAT_COLD = _w("negation", "sweat_cold")
FEVER_BROKE = _w("negation", "fever_broke")
DRINK_WELL_WORDS = _w("negation", "drink_well_words")
DRINK_WELL_ENDS = _w("negation", "drink_well_ends")

# --- matching.yaml
STRICT_WORDS = frozenset(_w("matching", "strict_words"))
GAP_WORDS = frozenset(_w("matching", "gap_words"))
GAP_KIN = frozenset(_w("matching", "gap_kin"))
GAP_POSSESSIVE = frozenset(_w("matching", "gap_possessive"))
FUZZY_PROTECTED = frozenset(_w("matching", "fuzzy_protected"))
LISTED_SLIPS_EXCLUDED = frozenset(_w("matching", "listed_slips_excluded"))
CONFUSABLE_INITIALS: Mapping[str, str] = LEXICON.rewrites("matching", "confusable_initials")
CONFUSABLE_FINALS: Mapping[str, str] = LEXICON.rewrites("matching", "confusable_finals")
#: "khó thửa" for "khó thở": vowels a recognizer confuses in the last word of a phrase (session 6).
CONFUSABLE_VOWELS: Mapping[str, str] = LEXICON.rewrites("matching", "confusable_vowels")

# --- grammar.yaml
CLOSED_GRAMMARS: Mapping[str, tuple[str, ...]] = _t("grammar", "closed")
NUMBER_EXTRA = _w("grammar", "number_extra")
OPEN_INTENTS: tuple[str, ...] = _w("grammar", "open_intents")

# --- numbers.yaml
DIGITS: Mapping[str, int] = LEXICON.values("numbers", "digits")
UNIT_ONLY: Mapping[str, int] = LEXICON.values("numbers", "unit_only")
TEN = _w("numbers", "ten")
TENS = _w("numbers", "tens")
HUNDRED = _w("numbers", "hundred")
THOUSAND = _w("numbers", "thousand")
ZERO_TENS = _w("numbers", "zero_tens")
HALF = _w("numbers", "half")
POINT = _w("numbers", "point")
DEGREE = _w("numbers", "degree")
NOT_DECIMAL_AFTER = _w("numbers", "not_decimal_after")
YEAR_AFTER = _w("numbers", "year_after")
YEAR_OR_AGE_AFTER = (*YEAR_AFTER, *_w("numbers", "year_after_also"))
YEAR_BEFORE = _w("numbers", "year_before")
KINSHIP_AFTER = _w("numbers", "kinship_after")
KINSHIP_BEFORE = _w("numbers", "kinship_before")
NUMBER_UNITS = _w("numbers", "number_units")
SOME = _w("numbers", "some")
SOME_MAX_TENS: int = LEXICON.number("numbers", "some_max_tens")
DIGIT_SLIPS: Mapping[str, int] = LEXICON.values("numbers", "digit_slips")
DIGIT_SLIPS_BEFORE_UNIT: Mapping[str, int] = LEXICON.values("numbers", "digit_slips_before_unit")
UNIT_SLIPS: Mapping[str, int] = LEXICON.values("numbers", "unit_slips")
UNIT_SLIPS_NOT_AFTER = _w("numbers", "unit_slips_not_after")
SLIP_NOT_AFTER = _w("numbers", "slip_not_after")
# session 19 (n42-set11-miss)
SLIP_AFTER_MEASURE = _w("numbers", "slip_after_measure")
SLIP_NOT_BEFORE = _w("numbers", "slip_not_before")
TENS_SLIPS_PROTECTED = _w("numbers", "tens_slips_protected")
THIRTY_SLIPS = frozenset(_w("numbers", "thirty_slips"))
THIRTY_SLIP_DIGITS = frozenset(_w("numbers", "thirty_slip_digits"))
NUMBER_WORDS_FOR_SLIPS = frozenset(_w("numbers", "number_words_for_slips"))
HUNDRED_AFTER_ONE = _w("numbers", "hundred_after_one")
TONE_SLIPS_PROTECTED = _w("numbers", "tone_slips_protected")
SOUTHERN_TENS_FOLDED: Mapping[str, int] = LEXICON.values("numbers", "southern_tens_folded")
SOUTHERN_TENS_NOT_BEFORE = _w("numbers", "southern_tens_not_before")

# --- normalize.yaml
PHRASE_REWRITES = LEXICON.patterns("normalize", "phrase_rewrites")
WORD_REWRITES: Mapping[str, str] = LEXICON.rewrites("normalize", "word_rewrites")
FILLERS = frozenset(_w("normalize", "fillers"))
YES_FILLERS = frozenset(_w("normalize", "yes_fillers"))
FOLDED_FILLERS = frozenset(_w("normalize", "folded_fillers"))
FILLERS_KEPT_AFTER = frozenset(_w("normalize", "fillers_kept_after"))
#: "gọi chẳng buồn thưa": a filler kept after a negator and one of these (session 12, n16).
FILLERS_KEPT_AFTER_GAP = frozenset(_w("normalize", "fillers_kept_after_gap"))
#: "ú ớ": a filler kept after the word it makes a word with (session 12, n16).
FILLERS_KEPT_IN: Mapping[str, str] = LEXICON.rewrites("normalize", "fillers_kept_in")
#: "oi" typed without diacritics after one of these is "ói" (vomits), not the vocative (session 10).
VOMIT_OI_AFTER = frozenset(_w("normalize", "vomit_oi_after"))

# --- urgency.yaml (session 16, n24-urgent-calm): urgent-sounding talk that is calm
HASTE = _w("urgency", "haste")
CALM_MATTERS = _w("urgency", "calm_matters")
FAR_AWAY = _w("urgency", "far_away")
UNANSWERED = _w("urgency", "unanswered")
DOOR_UNANSWERED = _w("urgency", "door_unanswered")
KNOCK_WORDS = _w("urgency", "knock_words")
MISSED_CALL = _w("urgency", "missed_call")
OWN_NEWS = _w("urgency", "own_news")
WEAK_THINGS = _w("urgency", "weak_things")
STAFF = _w("urgency", "staff")

# --- neuro.yaml (session 17, n26-neuro): stroke signs in everyday words
NEURO_SPEECH_VERBS = _w("neuro", "speech_verbs")
NEURO_UNCLEAR = _w("neuro", "unclear")
NEURO_UNITS = _w("neuro", "units")
NEURO_SPEECH_REACH: int = LEXICON.number("neuro", "speech_reach")
NEURO_CONTENT_AFTER = _w("neuro", "content_after")
NEURO_OTHER_SPEAKERS = _w("neuro", "other_speakers")
NEURO_LINE_WORDS = _w("neuro", "line_words")
NEURO_GAIT = _w("neuro", "gait")
NEURO_CLUMSY_CONTEXTS = _w("neuro", "clumsy_contexts")
NEURO_WORST_HEADACHE = _w("neuro", "worst_headache")
NEURO_WORST_EVER = _w("neuro", "worst_ever")
NEURO_ALONE_AFTER = _w("neuro", "alone_after")
# session 18 (n34-none-probes): a patient's state in a word or two ("ông mê", "bé bị lên cơn"; ivr/nlu/fragments.py)
FRAG_BETWEEN = _w("neuro", "frag_between")
FRAG_CLOSERS = _w("neuro", "frag_closers")
FRAG_UNCONSCIOUS = _w("neuro", "frag_unconscious")
FRAG_EXHAUSTED = _w("neuro", "frag_exhausted")
FRAG_PARENTS = _w("neuro", "frag_parents")
FRAG_PERSONS = _w("neuro", "frag_persons")
FRAG_THINGS = _w("neuro", "frag_things")
SHOCK_WORDS = _w("neuro", "shock_words")
SHOCK_NEWS = _w("neuro", "shock_news")

# --- session 18 (n28-far-calm): calm callers who sound worried (urgency.yaml)
IDIOM_SIGNS = _w("urgency", "idiom_signs")
HASSLE_CAUSES = _w("urgency", "hassle_causes")
HASSLES = _w("urgency", "hassles")
EXCLAMATIONS = _w("urgency", "exclamations")
ENTRY_THINGS = _w("urgency", "entry_things")
DOSE_MATTERS = _w("urgency", "dose_matters")
PANIC_WORDS = _w("urgency", "panic_words")
PANIC_OPENERS = _w("urgency", "panic_openers")
NOTHING_ODD = _w("urgency", "nothing_odd")
#: Session 19 (n38-mild-checkin): the words of a calm hedged answer and the mild signs whose phrases count with them
#: (``ivr.nlu.understander.calm_hedged``).
MODEL_CALM_WORDS = _w("urgency", "model_calm_words")
MODEL_CALM_SIGNS = frozenset(_w("urgency", "model_calm_signs"))
PERCEIVE_WORDS = _w("urgency", "perceive_words")
ONLY_LEFT = _w("urgency", "only_left")
NOW_REPORTS = _w("urgency", "now_reports")
