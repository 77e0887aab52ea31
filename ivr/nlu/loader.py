"""Load and validate the NLU's vocabulary data files (``ivr/nlu/data/*.yaml``).

Every file and key the NLU reads is declared in ``SCHEMA`` with its kind; a file
with bad YAML, a missing or unknown key, an empty list, a repeated entry, a phrase
under two names or a name the rest of the hotline does not know is refused with a
``LexiconError`` whose lines read ``PATH: entry 'KEY': problem`` (``PATH: problem``
for the file itself). Phrases are NFC-normalised. The loaded values are tuples and
read-only mappings: ``ivr.nlu.lexicon`` loads them once and shares them.
"""
from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Any

import yaml

from ivr.engine.understanding import INTENTS, SYMPTOMS, VITALS
from ivr.errors import IvrError

DATA_DIR = Path(__file__).resolve().parent / "data"

# Kinds of entry
WORDS = "words"          # non-empty list of distinct phrases
NAMES = "names"          # non-empty list of distinct lower_snake_case names
TABLE = "table"          # name -> phrases; no phrase under two names
LINKS = "links"          # name or phrase -> names it implies
NEAR = "near"            # name -> {parts: phrases, complaints: phrases}
RANGES = "ranges"        # name -> [low, high]
NUMBER = "number"        # a whole number
VALUES = "values"        # word -> digit 0-9
REWRITES = "rewrites"    # word -> replacement text
PATTERNS = "patterns"    # list of [regular expression, replacement]

SCHEMA: dict[str, dict[str, str]] = {
    "answers": {"yes_words": WORDS, "no_words": WORDS, "hedges": WORDS, "yes_openers": WORDS, "yes_alone": WORDS,
                "clause_yes": WORDS, "unsure_after": WORDS,
                # session 19 (n39-signs-yesno): answers at the warning-sign questions (ivr/nlu/yesno.py)
                **{key: WORDS for key in ("filler_yes", "no_closers", "state_blockers_before", "state_blockers_after",
                                          "now_and_then", "now_and_then_twice", "unknowing_verbs",
                                          "unknowing_not_before", "look_verbs", "hesitation_words")},
                "answer_states": TABLE},
    "grammar": {"closed": TABLE, "number_extra": WORDS, "open_intents": NAMES},
    # session 16 (n24-urgent-calm): urgent-sounding talk that is calm (ivr/nlu/urgency.py)
    "urgency": {key: WORDS for key in ("haste", "calm_matters", "far_away", "unanswered", "door_unanswered",
                                       "knock_words", "missed_call", "own_news", "weak_things",
                                       "staff",
                                       # session 18 (n28-far-calm): calm callers who sound worried
                                       "idiom_signs", "hassle_causes", "hassles", "exclamations", "entry_things",
                                       "dose_matters", "panic_words", "panic_openers",
                                       "nothing_odd", "perceive_words", "only_left", "now_reports",
                                       # session 19 (n38-mild-checkin): calm hedged check-in answers
                                       "model_calm_words", "model_calm_signs")},
    # session 17 (n26-neuro): stroke signs in everyday words (ivr/nlu/neuro.py)
    "neuro": {**{key: WORDS for key in ("speech_verbs", "unclear", "units", "content_after", "other_speakers",
                                        "line_words", "gait", "clumsy_contexts", "worst_headache",
                                        "worst_ever", "alone_after",
                                        # session 18 (n34-none-probes): states said in a word or two
                                        "frag_between", "frag_closers", "frag_unconscious", "frag_exhausted",
                                        "frag_parents", "frag_persons", "frag_things", "shock_words", "shock_news")},
              "speech_reach": NUMBER},
    # session 18 (n32-timeline): timelines, households and medicine talk (ivr/nlu/timeline.py)
    "timeline": {"series_times": WORDS, "series_gap": WORDS, "series_min": NUMBER, "appetite_back": WORDS,
                 "nausea_before": WORDS, "kin_contrast": WORDS, "only_before": WORDS, "dose_before": WORDS,
                 "earlier_today": WORDS, "other_sign_heads": WORDS},
    # session 19 (n40-calm-lookalikes): calm talk that sounds like a sign (ivr/nlu/everyday.py)
    "everyday": {**{key: WORDS for key in ("same_markers", "since_markers", "worse_words", "idiom_causes", "fine_words",
                                           "sound_things", "owner_words", "colour_causes", "colour_back", "sulk_words",
                                           "sulk_over", "tender_words", "strain_words", "spread_words", "mind_words",
                                           "mind_gap", "fog_words", "at_rest", "wake_links", "body_causes",
                                           "fine_all", "joke_words", "never_baseline",
                                           # session 19 (n41-set13-calm)
                                           "belief_words", "reveal_words", "not_it_words", "it_is_words",
                                           "clause_fillers", "sound_likes", "likened", "links_after", "causes_after",
                                           "not_ill", "episode_past", "episode_turns", "episode_now",
                                           "episode_over", "call_fillers", "woke_outcomes", "spit_up",
                                           "small_amounts", "feeds_again", "spit_much", "usual_before",
                                           "doctor_said", "doctor_calm",
                                           # session 19 (n43-set14)
                                           "leave_words", "leave_over", "animals", "animal_parts",
                                           # session 20 (n45-benign-cause)
                                           "cause_links", "ordinary_causes", "passed_words", "passed_not_before",
                                           "usual_causes", "cause_not_ill", "persist_words", "cause_body_before",
                                           "cause_turns", "cause_severity", "anger_before", "anger_with",
                                           "draw_words", "draw_tools", "passed_past", "still_sign_heads",
                                           "anger_targets", "thing_gap_persons", "passed_heads",
                                           "effort_causes",
                                           # session 21 (n49-calm-context)
                                           "ctx_word_markers", "ctx_deep_colours", "ctx_deep_words",
                                           "ctx_deep_not_before", "ctx_fever_words", "ctx_linger_words", "ctx_awake",
                                           "ctx_awake_not_with", "ctx_habits", "ctx_habit_fine", "ctx_play_causes",
                                           "ctx_play_over", "ctx_cold_words", "ctx_cold_causes", "ctx_warm_again",
                                           "ctx_not_it_links", "ctx_breath_heads", "ctx_up_words", "ctx_up_fine",
                                           "ctx_news", "ctx_news_others", "ctx_emotion_links",
                                           "ctx_emotion_causes", "ctx_food_colours", "ctx_screens",
                                           "ctx_screen_persons",
                                           # session 21b (n53-s17-calm)
                                           "ctx_folk_care", "ctx_folk_parts", "ctx_folk_not_parts", "ctx_ask_words",
                                           "ctx_relayed_denials", "ctx_denial_not_before", "ctx_now_links",
                                           "ctx_now_fine", "attack_in_sign", "ctx_pale_conditions",
                                           "cause_clear_concern", "relief_only_causes",
                                           # session 22 (n57-s18-calm)
                                           "lying_flat_causes", "lying_flat_needs", "s22_relay_words",
                                           "s22_check_words", "s22_turned_out", "s22_confirm_words",
                                           "s22_fine_words", "s22_negator_ok_after", "s22_bruise_words",
                                           "s22_bump_words", "s22_dye_words", "s22_dye_not_parts", "s22_deaf_words",
                                           "s22_deaf_sounds", "s22_care_words", "s22_later_words", "s22_well_now",
                                           "s22_devices", "s22_device_faults", "s22_lying_flat",
                                           "s22_propped_up", "s22_grave_after", "s22_bedridden",
                                           # session 22b (n61-s19-calm)
                                           "s22b_over_words", "s22b_now_words", "s22b_start_words",
                                           "s22b_worse_words", "s22b_cramps", "s22b_loose", "s22b_drinks_well",
                                           "s22b_gut_grave", "s22b_nose_noises", "s22b_baby_words",
                                           "s22b_feeds_well", "s22b_baby_grave", "s22b_said_links",
                                           "s22b_startles", "s22b_bleeds", "s22b_bleed_causes", "s22b_bleed_grave",
                                           "s22b_said_not_after",
                                           # session 23 (n64-s20-usual)
                                           "episode_again", "s23_long_past", "s23_now_words", "s23_faint_answers",
                                           "s23_back_to_sleep", "s23_sleep_links", "s23_plain_activities",
                                           "s23_activity_fine", "s23_effort_links", "s23_bought", "s23_usual_worse",
                                           # session 23 (n63-s20-emotion)
                                           "s23_anger", "s23_idiom_marks", "s23_bursts", "s23_fears", "s23_conditions",
                                           "s23_questions", "s23_real_after", "s23_emotion_cues", "s23_wish",
                                           "s23_fine_after", "s23_panic", "s23_over", "s23_unlike", "s23_cries",
                                           "s23_cry_over", "s23_cry_grave", "s23_media", "s23_home_fine", "s23_also",
                                           "s23_stains", "s23_stain_links", "s23_mood_drink_words", "s23_relay_yes",
                                           # session 23b (n67-s21-child)
                                           "s23b_milk", "s23b_milk_grave", "s23b_purr_noises", "s23b_purr_likes",
                                           "s23b_sleeps_well", "s23b_purr_grave", "s23b_picky_foods",
                                           "s23b_child_words", "s23b_dry_grave", "s23b_croup", "s23b_settled",
                                           "s23b_croup_grave", "s23b_fit_signs", "s23b_long_ago", "s23b_fit_now",
                                           "s23b_fit_again", "s23b_far", "s23b_far_cared", "s23b_home_fine",
                                           "s23b_hold", "s23b_tantrum", "s23b_hold_over", "s23b_hold_grave",
                                           "s23b_after_covid", "s23b_misc_signs")},
                 **{key: NAMES for key in ("baseline_signs", "idiom_signs", "sound_signs", "episode_mild_now",
                                           "cause_clear_signs", "cause_mask_signs",
                                           "s23b_far_signs",  # session 23b (n67-s21-child)
                                           "ctx_animal_signs", "ctx_play_signs",
                                           # session 22 (n57-s18-calm)
                                           "s22_check_signs", "s22_care_signs",
                                           # session 22b (n61-s19-calm)
                                           "s22b_over_signs", "s22b_said_signs",
                                           # session 23 (n63-s20-emotion)
                                           "s23_idiom_signs", "s23_panic_signs")},
                 "cause_link_reach": NUMBER, "cause_before_reach": NUMBER},
    # session 18 (n36-calm-slang): calm callers whose words sound like signs (ivr/nlu/slang.py)
    "slang": {**{key: WORDS for key in ("wish_words", "feelings", "causes", "body_words", "slang_tails", "exertions",
                                        "rest_words", "rest_links", "rest_over", "rest_over_not_before",
                                        "transports", "done_words", "waiting_words", "meaning_questions",
                                        "meaning_not_before")},
              "cause_reach": NUMBER, "exertion_reach": NUMBER, "rest_reach": NUMBER},
    # session 22 (n55-correction): callers who correct themselves (ivr/nlu/correction.py)
    "correction": {key: WORDS for key in ("markers", "clause_markers", "marker_fillers", "not_before", "result_words",
                                           "particles", "warning_signs")},
    # session 20 (n46-others): people alone and unreachable, bystanders, routine changes, folk talk (ivr/nlu/others.py)
    # session 22b (n59-s19-elderly): an echoed question, a fall with a faint (ivr/nlu/echo_question.py, elderly.py)
    "elderly": {key: WORDS for key in ("echo_leads", "echo_particles", "echo_marks", "echo_fillers", "echo_denials",
                                       "echo_unsure", "echo_keep", "fall_words", "fall_waits", "came_to",
                                       "relievers", "reliever_failed", "lung_words",
                                       "breath_links", "breath_fine", "breath_fine_bare", "breath_not_before",
                                       "someone_openers", "someone_household", "someone_asks", "someone_now")},
    "others": {key: WORDS for key in ("alone_words", "unseen_words", "ordinary_reasons", "bystanders", "likened_words",
                                      "routine_markers", "reason_links", "better_words", "worse_changes",
                                      "folk_words", "reached_words")},
    "mention": {key: WORDS for key in (
        "asked_links", "asked_after", "generic_persons", "how_to_know", "reading", "outsiders", "call_for", "present",
        "taken_away", "long_past", "now_still", "now_denied", "help_after", "not_help", "hear_words", "say_words",
        "denied_after", "echo_marks", "echo_words", "echo_denials",
        "denied_close", "medicine_after", "inability_words", "reported_later", "present_exact",
        "yesno_open", "yesno_close", "yesno_tail", "yesno_or", "relayed_ask", "other_reasons", "everything_words",
        "chore_causes", "cause_links",
        "read_devices",  # session 18 (n33-helpers)
        "ride_verbs", "ride_over", "ride_waiting", "service_asks",  # session 18 (n37-device-115)
        "number_places_before", "number_places_after",  # session 21b (n52-s17-readings)
        "number_vitals_before", "number_vitals_after", "number_call_right_before")},  # session 21 (lead)
    "intents": {"phrases": TABLE, "greetings": WORDS, "strong_goodbye": WORDS, "weak_home_care": WORDS,
                "question_words": WORDS, "question_endings": WORDS, "help_verbs": WORDS, "what_words": WORDS,
                "conditional_questions": WORDS, "whether_words": WORDS},
    "matching": {"strict_words": WORDS, "gap_words": WORDS, "gap_kin": WORDS, "gap_possessive": WORDS,
                 "fuzzy_protected": WORDS, "listed_slips_excluded": WORDS,
                 "confusable_initials": REWRITES,
                 "confusable_finals": REWRITES, "confusable_vowels": REWRITES},
    "negation": {"negators": WORDS, "plain_negators": WORDS, "skip": WORDS, "need_words": WORDS,
                 "owner_words": WORDS, "watching_words": WORDS, "watching_then": WORDS, "watching_seen": WORDS,
                 "join": WORDS, "after": WORDS,
                 "list_joiners": WORDS, "list_ends": WORDS, "purpose_negators": WORDS, "purpose_words": WORDS,
                 "intensified_signs": NAMES, "intensifying_after": WORDS, "hypothetical": WORDS,
                 "past_markers": WORDS, "since_words": WORDS,
                 "resolved_words": WORDS, "relieved_words": WORDS, "resolved_asked": WORDS, "resolved_objects": WORDS,
                 "lucid_words": WORDS, "still_words": WORDS,
                 "still_compounds": WORDS,
                 "back_to": WORDS,
                 "back_to_kept": NAMES, "hearsay": WORDS,
                 "asked_about": WORDS, "persons": WORDS, "now_words": WORDS, "past_resolved_words": WORDS,
                 "nobody": WORDS, "nobody_links": WORDS, "alone_words": WORDS, "others": WORDS, "contrast_words": WORDS,
                 "others_with_diacritics": WORDS,  # session 18 (n33-helpers)
                 "patients_after_others": WORDS,
                 "advice": WORDS, "advice_then": WORDS, "general_question": WORDS, "feared": WORDS,
                 "feared_gap": WORDS, "chronic_signs": NAMES, "chronic_markers": WORDS, "chronic_changes": WORDS,
                 "change_denials": WORDS,  # session 18 (n33-helpers)
                 "bystanders": WORDS, "own_fine": WORDS, "how_to_tell": WORDS,
                 "supposed_then": WORDS, "supposed_then_words": WORDS, "general_question_bare": WORDS,
                 "in_hospital": WORDS, "supposition_closers": WORDS, "only_asking": WORDS,
                 "supposed_not_between": WORDS, "supposed_not_after": WORDS,
                 # session 18 (n35-indirect261)
                 "exertion_words": WORDS, "usual_markers": WORDS, "rest_words": WORDS, "rest_over": WORDS,
                 "bled_words": WORDS, "bleeding_stopped": WORDS, "bleeding_again": WORDS, "sweat_words": WORDS,
                 "sweat_cold": WORDS, "fever_broke": WORDS, "drink_well_words": WORDS, "drink_well_ends": WORDS},
    "normalize": {"phrase_rewrites": PATTERNS, "word_rewrites": REWRITES, "fillers": WORDS, "yes_fillers": WORDS,
                  "folded_fillers": WORDS, "fillers_kept_after": WORDS,
                  "fillers_kept_after_gap": WORDS, "fillers_kept_in": REWRITES,
                  "vomit_oi_after": WORDS},
    "numbers": {"digits": VALUES, "unit_only": VALUES, "ten": WORDS, "tens": WORDS, "hundred": WORDS,
                "thousand": WORDS, "zero_tens": WORDS, "half": WORDS, "point": WORDS, "degree": WORDS,
                "not_decimal_after": WORDS, "year_after": WORDS, "year_after_also": WORDS, "year_before": WORDS,
                "kinship_after": WORDS, "kinship_before": WORDS, "number_units": WORDS, "some": WORDS,
                "some_max_tens": NUMBER, "digit_slips": VALUES, "digit_slips_before_unit": VALUES,
                "unit_slips": VALUES, "slip_after_measure": WORDS,
                "unit_slips_not_after": WORDS, "slip_not_after": WORDS, "slip_not_before": WORDS,
                "hundred_after_one": WORDS,
                "tone_slips_protected": WORDS, "tens_slips_protected": WORDS,
                "southern_tens_folded": VALUES, "southern_tens_not_before": WORDS,
                "southern_tens_guarded": WORDS, "southern_tens_slips": VALUES, "thirty_slips": WORDS,
                "thirty_slip_digits": WORDS, "number_words_for_slips": WORDS, "vowel_slips": VALUES,
                "vowel_slips_not_before": WORDS,
                "tens_slips_between": WORDS, "ordinal_before": WORDS, "ten_slips": WORDS,
                "ten_slips_not_after": WORDS, "hesitations": WORDS, "glued_fillers": WORDS, "tu_slips": WORDS,
                "value_end_units": WORDS, "doubled_digit_not": WORDS, "point_slips": WORDS, "point_slip_min": NUMBER,
                "point_slip_max": NUMBER, "tenths_slips": VALUES, "first_digit_slips": VALUES,
                "beside_digit_slips": VALUES,
                # session 21 (n50-readings)
                "first_digit_slips_before_units": VALUES, "first_digit_units_after": WORDS,
                "slip_units_before": WORDS, "hundred_slip_after": WORDS, "hundred_slip_units": WORDS,
                "ripe_after": WORDS, "persons_counted_after": WORDS,  # session 21b (n52)
                "cut_short": REWRITES, "line_noise": WORDS,
                "clipped": REWRITES, "cut_start": REWRITES, "alone_slips": REWRITES, "alone_first_slips": REWRITES,
                "alone_first_before": WORDS, "alone_fillers": WORDS, "alone_words": WORDS,
                "alone_vocatives": WORDS, "alone_not": WORDS},
    "risk_factors": {"names": NAMES, "risk_age": NUMBER, "phrases": TABLE, "blockers": WORDS, "age_words": WORDS,
                     "age_approx": WORDS, "age_persons": WORDS},
    "symptoms": {"extra_signs": NAMES, "phrases": TABLE, "implies": LINKS, "phrase_implies": LINKS,
                 "blockers": WORDS, "intensifiers": WORDS, "near": NEAR, "near_simile": WORDS,
                 "other_complaints": WORDS,
                 "long_fever": WORDS, "week_quantifiers": WORDS, "wake_calls": WORDS, "wake_outcomes": WORDS,
                 "wake_gap": WORDS, "colour_objects": WORDS, "dim_words": WORDS, "dim_objects": WORDS,
                 "model_lookalikes": WORDS,
                 "interjections": WORDS, "call_complaints": WORDS,
                 "vocative_persons": WORDS,
                 "vocative_subject_words": WORDS, "first_persons": WORDS, "wake_slip_window": NUMBER,
                 "wake_slip_calls": WORDS, "child_words": WORDS, "child_age_below": NUMBER, "inflammation_signs": TABLE,
                 "acute_abdomen": TABLE, "phone_words": WORDS, "wake_window": NUMBER, "negator_variants": WORDS,
                 "negator_inserts": WORDS, "negator_insert_signs": NAMES, "inability_verbs": WORDS,
                 "inability_ends": WORDS,
                 "breath_fail_ends": WORDS, "cold_sweat": WORDS,  # session 18 (n29-node-signs)
                 # session 21 (n51-calls8): breath too short to speak, said with a negator
                 "speech_cut_fillers": WORDS, "speech_cut_ends": WORDS, "speech_cut_bare": WORDS,
                 "speech_cut_words": WORDS,
                 "wake_relapse": WORDS, "blood_words": WORDS, "blood_sources": WORDS, "drink_words": WORDS,
                 "vomit_words": WORDS, "eat_words": WORDS, "each_words": WORDS, "effort_words": WORDS,
                 "unable_after": WORDS, "lying_calls": WORDS, "lying_unable": WORDS,
                 "speech_words": WORDS, "speech_units": WORDS, "speech_breath": WORDS, "speech_breath_at_end": WORDS,
                 "universal_after": WORDS, "urine_words": WORDS, "scant_words": WORDS,
                 "speech_every": WORDS, "emotion_words": WORDS, "emotion_spared_parts": WORDS,
                 "misname_calls": WORDS, "misname_as": WORDS,
                 "breath_words": WORDS, "breath_images": WORDS, "indrawing_words": WORDS,
                 "posture_words": WORDS, "posture_breath": WORDS,  # session 18 (n33-helpers)
                 "warning_areas": WORDS, "worsening_words": WORDS, "wilful_gap": WORDS, "moods": WORDS,
                 "hearing_outcomes": WORDS, "unable_ends": WORDS, "sleep_words": WORDS,
                 "hearing_calls": WORDS, "hearing_not_before": WORDS,
                 "distress": WORDS, "worry_words": WORDS, "calm_words": WORDS, "reassurance": WORDS},
    "vitals": {"floor_words": WORDS, "never_words": WORDS,  # session 19 (n41-set13-calm)
               "rule_phrases": WORDS, "per_minute_said": WORDS,  # session 19 (n43-set14)
               "cues": TABLE, "cue_blockers": WORDS, "ranges": RANGES, "per_minute": WORDS, "count_units": WORDS,
               "repeat_counts": WORDS,
               "day_words": WORDS, "not_tenths_before": WORDS, "value_joiners": WORDS, "low_words": WORDS,
               "breathing_words": WORDS, "pulse_words": WORDS, "blood_pressure_separators": WORDS,
               "blood_pressure_names": WORDS, "cmhg_alone_not_after": WORDS,
               "date_before": WORDS, "unnamed_measure_words": WORDS,
               "unnamed_spo2_min": NUMBER, "unnamed_spo2_max": NUMBER,
               "corrections": WORDS, "retractions": WORDS, "bp_question_separators": WORDS,
               "oximeter_pair_joiners": WORDS, "clock_before": WORDS, "clock_hours_max": NUMBER,
               "unnamed_blockers": WORDS, "cue_reach": NUMBER, "unnamed_reach": NUMBER,
               "unnamed_display_words": WORDS, "kinship_number_words": WORDS,
               "threshold_words": WORDS, "then_words": WORDS, "value_is_words": WORDS,
               "time_words": WORDS, "range_words": WORDS, "hesitations": WORDS,
               "swing_words": WORDS, "limit_words": WORDS, "limit_fillers": WORDS, "oximeter_device_cues": WORDS,
               "cmhg_ranges": RANGES, "after_correction": WORDS,
               "percent_of_other": WORDS, "change_from": WORDS, "change_to": WORDS,
               "vague_normal": RANGES, "continues_before": WORDS,
               "remeasure_words": WORDS, "record_words": WORDS, "bare_fillers": WORDS, "bare_not_after": WORDS,
               "correction_negators": WORDS,
               "correction_joiners": WORDS, "strong_corrections": WORDS, "relook_words": WORDS, "flicker_words": WORDS,
               "series_joiners": WORDS,
               # session 21 (n50-readings)
               "weather_words": WORDS, "place_of_person": WORDS, "animal_subjects": WORDS, "everyone_said": WORDS,
               "outside_places": WORDS,
               "recheck_at_once": WORDS, "recheck_band": RANGES, "reading_apart": WORDS,
               "span_range_words": WORDS, "series_all_before": WORDS,
               "service_call_words": WORDS,  # session 21 (lead)
               # session 21b (n52-s17-readings)
               "another_day_words": WORDS, "today_words": WORDS, "trusted_recount": WORDS, "bp_later_words": WORDS,
               "dead_display": WORDS, "own_clause_measures": WORDS,
               "compact_temperature_end": WORDS, "chill_words": WORDS, "count_words": WORDS,
               "threshold_asked_before": WORDS, "question_frames": WORDS,
               "still_before_value": WORDS, "household_all": WORDS, "call_words": WORDS,
               "pulse_alone_before_value": WORDS, "display_rows": TABLE,
               "displayed_pulse_gap": NUMBER, "two_rows_shown": WORDS, "beside_joiners": WORDS,
               "now_after_value": WORDS, "birth_order_titles": WORDS,
               # session 18 (n31-approx-vitals): strict bounds
               "bound_under": WORDS, "bound_over": WORDS, "bound_inclusive_before": WORDS,
               "bound_not_after": WORDS, "bound_under_vitals": WORDS, "bound_over_vitals": WORDS,
               # session 18 (n37-device-115): calm device talk
               "measure_artifacts": WORDS, "artifact_remeasures": WORDS,
               # session 22 (n56-s18-readings): readings by kind in retired set 18
               "fahrenheit_marks": WORDS, "fahrenheit_range": RANGES, "bp_machine_rows": TABLE,
               "oximeter_labels": TABLE, "object_classifiers": WORDS, "object_nouns": WORDS, "room_before": WORDS,
               "room_not_after": WORDS, "fever_over_words": WORDS, "round_after": WORDS,
               "illness_day_before": WORDS,
               # session 22b (n60-s19-readings)
               "digit_first": WORDS, "digit_next": WORDS, "digit_third": WORDS, "borrowed_devices": WORDS,
               "own_devices": WORDS, "range_risk_bands": RANGES,
               # session 23 (n65-s20-readings): a usual value before today's, several people's bare values
               "usual_value_words": WORDS, "elder_persons": WORDS},
}

_NAME = re.compile(r"^[a-z][a-z0-9_]*$")


class LexiconError(IvrError):
    """A vocabulary data file failed to load or validate.

    ``problems`` holds one line per problem, formatted ``PATH: entry 'KEY': problem``
    (or ``PATH: problem`` for the file itself).
    """

    def __init__(self, problems: list[str]):
        self.problems = list(problems)
        super().__init__("\n".join(self.problems))


class UniqueKeyLoader(yaml.SafeLoader):
    """A safe loader that refuses a key given twice in one mapping (PyYAML keeps the last)."""


def _mapping(loader: UniqueKeyLoader, node: yaml.MappingNode) -> dict[Any, Any]:
    seen: set[Any] = set()
    for key_node, _ in node.value:
        key = loader.construct_object(key_node)
        if key in seen:
            raise yaml.constructor.ConstructorError(None, None, f"duplicate key {key!r}", key_node.start_mark)
        seen.add(key)
    return dict(loader.construct_pairs(node))


UniqueKeyLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _mapping)


@dataclass(frozen=True)
class Lexicon:
    """The validated data files: ``entries[file][key]`` (tuples and read-only mappings)."""

    directory: Path
    entries: Mapping[str, Mapping[str, Any]]

    def _get(self, file: str, key: str, *kinds: str) -> Any:
        if SCHEMA[file][key] not in kinds:
            raise TypeError(f"{file}.yaml '{key}' is a {SCHEMA[file][key]} entry, not {' or '.join(kinds)}")
        return self.entries[file][key]

    def words(self, file: str, key: str) -> tuple[str, ...]:
        value: tuple[str, ...] = self._get(file, key, WORDS, NAMES)
        return value

    def table(self, file: str, key: str) -> Mapping[str, tuple[str, ...]]:
        value: Mapping[str, tuple[str, ...]] = self._get(file, key, TABLE, LINKS)
        return value

    def near(self, file: str, key: str) -> tuple[tuple[str, tuple[str, ...], tuple[str, ...]], ...]:
        value: tuple[tuple[str, tuple[str, ...], tuple[str, ...]], ...] = self._get(file, key, NEAR)
        return value

    def ranges(self, file: str, key: str) -> Mapping[str, tuple[float, float]]:
        value: Mapping[str, tuple[float, float]] = self._get(file, key, RANGES)
        return value

    def number(self, file: str, key: str) -> int:
        value: int = self._get(file, key, NUMBER)
        return value

    def values(self, file: str, key: str) -> Mapping[str, int]:
        value: Mapping[str, int] = self._get(file, key, VALUES)
        return value

    def rewrites(self, file: str, key: str) -> Mapping[str, str]:
        value: Mapping[str, str] = self._get(file, key, REWRITES)
        return value

    def patterns(self, file: str, key: str) -> tuple[tuple[str, str], ...]:
        value: tuple[tuple[str, str], ...] = self._get(file, key, PATTERNS)
        return value


class _File:
    """Validation of one data file; problems are collected, not raised one by one."""

    def __init__(self, path: Path, problems: list[str]):
        self.path = path
        self.problems = problems

    def problem(self, key: str, text: str) -> None:
        self.problems.append(f"{self.path}: entry '{key}': {text}")

    def text(self, key: str, value: Any, what: str = "phrase") -> str | None:
        if not isinstance(value, str) or not value.strip():
            self.problem(key, f"{what} must be non-empty text, not {value!r}")
            return None
        if value != value.strip() and what == "phrase":
            self.problem(key, f"{what} {value!r} has spaces at an end")
            return None
        return unicodedata.normalize("NFC", value)

    def words(self, key: str, value: Any, *, names: bool = False) -> tuple[str, ...] | None:
        if not isinstance(value, list) or not value:
            self.problem(key, f"must be a non-empty list of {'names' if names else 'phrases'}")
            return None
        out: list[str] = []
        for item in value:
            word = self.text(key, item, "name" if names else "phrase")
            if word is None:
                continue
            if names and not _NAME.match(word):
                self.problem(key, f"name {word!r} must be lower_snake_case")
            elif word in out:
                self.problem(key, f"duplicate {'name' if names else 'phrase'} {word!r}")
            else:
                out.append(word)
        return tuple(out)

    def mapping(self, key: str, value: Any, what: str) -> dict[Any, Any] | None:
        if not isinstance(value, dict) or not value:
            self.problem(key, f"must be a non-empty mapping of {what}")
            return None
        return value

    def entry(self, key: str, kind: str, value: Any) -> Any:
        if kind in (WORDS, NAMES):
            return self.words(key, value, names=kind == NAMES)
        if kind == NUMBER:
            if isinstance(value, bool) or not isinstance(value, int):
                self.problem(key, f"must be a whole number, not {value!r}")
                return None
            return value
        if kind == PATTERNS:
            return self.patterns(key, value)
        what = {TABLE: "names to phrases", LINKS: "entries to the names they imply",
                NEAR: "names to parts and complaints", RANGES: "names to [low, high]", VALUES: "words to digits",
                REWRITES: "words to their standard form"}[kind]
        raw = self.mapping(key, value, what)
        if raw is None:
            return None
        out: dict[str, Any] = {}
        owner: dict[str, str] = {}
        for name, item in raw.items():
            label = self.text(key, name, "name" if kind in (TABLE, NEAR, RANGES) else "phrase")
            if label is None:
                continue
            sub = f"{key}.{label}"
            if kind in (TABLE, NEAR, RANGES) and not _NAME.match(label):
                self.problem(key, f"name {label!r} must be lower_snake_case")
                continue
            if kind == TABLE:
                phrases = self.words(sub, item)
                for p in phrases or ():
                    if p in owner:
                        self.problem(sub, f"phrase {p!r} is already under '{owner[p]}'")
                    owner.setdefault(p, label)
                out[label] = phrases
            elif kind == LINKS:
                out[label] = self.words(sub, item, names=True)
            elif kind == NEAR:
                if not isinstance(item, dict) or set(item) != {"parts", "complaints"}:
                    self.problem(sub, "must map 'parts' and 'complaints' to phrases")
                    continue
                parts, complaints = self.words(f"{sub}.parts", item["parts"]), self.words(f"{sub}.complaints",
                                                                                        item["complaints"])
                out[label] = (label, parts, complaints)
            elif kind == RANGES:
                if (not isinstance(item, list) or len(item) != 2
                        or any(isinstance(v, bool) or not isinstance(v, (int, float)) for v in item)
                        or item[0] >= item[1]):
                    self.problem(sub, f"must be [low, high] with low < high, not {item!r}")
                    continue
                out[label] = (item[0], item[1])
            elif kind == VALUES:
                if isinstance(item, bool) or not isinstance(item, int) or not 0 <= item <= 9:
                    self.problem(sub, f"must be a digit 0-9, not {item!r}")
                    continue
                out[label] = item
            elif kind == REWRITES:
                rep = self.text(sub, item, "replacement")
                if rep is not None:
                    out[label] = rep
        if kind == NEAR:
            return tuple(out.values())
        return MappingProxyType(out)

    def patterns(self, key: str, value: Any) -> tuple[tuple[str, str], ...] | None:
        if not isinstance(value, list) or not value:
            self.problem(key, "must be a non-empty list of [regular expression, replacement]")
            return None
        out: list[tuple[str, str]] = []
        for i, item in enumerate(value, 1):
            if (not isinstance(item, list) or len(item) != 2 or not all(isinstance(x, str) for x in item)
                    or not item[0]):
                self.problem(key, f"item {i} must be [regular expression, replacement], not {item!r}")
                continue
            try:
                re.compile(item[0])
            except re.error as exc:
                self.problem(key, f"item {i}: bad regular expression: {exc}")
                continue
            pair = (unicodedata.normalize("NFC", item[0]), unicodedata.normalize("NFC", item[1]))
            if pair in out:
                self.problem(key, f"item {i} repeats an earlier rewrite")
                continue
            out.append(pair)
        return tuple(out)


def _read(path: Path, problems: list[str]) -> dict[Any, Any] | None:
    try:
        raw = yaml.load(path.read_text(encoding="utf-8"), Loader=UniqueKeyLoader)
    except FileNotFoundError:
        problems.append(f"{path}: lexicon file not found")
        return None
    except OSError as exc:
        problems.append(f"{path}: cannot read lexicon file: {exc.strerror or exc}")
        return None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark is not None else ""
        what = getattr(exc, "problem", None)
        problems.append(f"{path}: not valid YAML{where}" + (f": {what}" if what else ""))
        return None
    if not isinstance(raw, dict):
        problems.append(f"{path}: a lexicon file must be a mapping of entries")
        return None
    return raw


def _check_names(lex: dict[str, dict[str, Any]], directory: Path, problems: list[str]) -> None:
    """Names that must be known to the rest of the hotline, and subsets of other entries."""

    def check(file: str, key: str, names: Any, known: tuple[str, ...] | frozenset[str], what: str) -> None:
        for name in names or ():
            if name not in known:
                problems.append(f"{directory / (file + '.yaml')}: entry '{key}': unknown {what} {name!r}")

    sym, risk, intent = lex.get("symptoms", {}), lex.get("risk_factors", {}), lex.get("intents", {})
    signs = (*SYMPTOMS, *(sym.get("extra_signs") or ()))
    check("symptoms", "phrases", sym.get("phrases"), signs, "symptom or sign")
    for key in ("implies", "near"):
        check("symptoms", key, [n[0] if key == "near" else n for n in sym.get(key) or ()], signs, "symptom or sign")
    check("symptoms", "negator_insert_signs", sym.get("negator_insert_signs"), signs, "symptom or sign")
    for name, implied in (sym.get("implies") or {}).items():
        check("symptoms", f"implies.{name}", implied, signs, "symptom or sign")
    symptom_phrases = frozenset(p for ps in (sym.get("phrases") or {}).values() for p in ps or ())
    check("symptoms", "phrase_implies", sym.get("phrase_implies"), symptom_phrases, "symptom phrase")
    for phrase, implied in (sym.get("phrase_implies") or {}).items():
        check("symptoms", f"phrase_implies.{phrase}", implied, signs, "symptom or sign")
    check("risk_factors", "phrases", risk.get("phrases"), tuple(risk.get("names") or ()), "risk factor")
    check("intents", "phrases", intent.get("phrases"), INTENTS, "intent")
    phrases = intent.get("phrases") or {}
    check("intents", "strong_goodbye", intent.get("strong_goodbye"), tuple(phrases.get("goodbye") or ()),
          "goodbye phrase")
    check("intents", "weak_home_care", intent.get("weak_home_care"), tuple(phrases.get("ask_home_care") or ()),
          "ask_home_care phrase")
    vitals = lex.get("vitals", {})
    check("vitals", "display_rows", vitals.get("display_rows"), VITALS, "vital")
    for key in ("cues", "ranges"):
        check("vitals", key, vitals.get(key), VITALS, "vital")
        missing = [v for v in VITALS if vitals.get(key) is not None and v not in vitals[key]]
        if missing:
            problems.append(f"{directory / 'vitals.yaml'}: entry '{key}': missing {', '.join(missing)}")
    grammar = lex.get("grammar", {})
    check("grammar", "closed", grammar.get("closed"), INTENTS, "intent")
    check("grammar", "open_intents", grammar.get("open_intents"), INTENTS, "intent")


def load_lexicon(directory: str | Path = DATA_DIR) -> Lexicon:
    """Every data file of ``SCHEMA`` in ``directory``, validated; raises LexiconError listing every problem."""
    d = Path(directory)
    problems: list[str] = []
    lex: dict[str, dict[str, Any]] = {}
    for file, keys in SCHEMA.items():
        path = d / f"{file}.yaml"
        raw = _read(path, problems)
        if raw is None:
            continue
        checker = _File(path, problems)
        for key in raw:
            if key not in keys:
                hint = " (YAML reads yes/no/on/off as true/false: quote the key)" if isinstance(key, bool) else ""
                problems.append(f"{path}: unknown key {key!r}{hint}" if not isinstance(key, str) else
                                f"{path}: unknown key '{key}'")
        entries: dict[str, Any] = {}
        for key, kind in keys.items():
            if key not in raw:
                problems.append(f"{path}: missing '{key}'")
                continue
            entries[key] = checker.entry(key, kind, raw[key])
        lex[file] = entries
    _check_names(lex, d, problems)
    if problems:
        raise LexiconError(problems)
    return Lexicon(directory=d, entries=MappingProxyType({f: MappingProxyType(e) for f, e in lex.items()}))
