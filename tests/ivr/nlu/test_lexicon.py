"""The NLU vocabulary data files (ivr/nlu/data/*.yaml): loaded once, read-only, refused with exact messages."""
from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from ivr.errors import IvrError
from ivr.nlu import lexicon as lx
from ivr.nlu.loader import DATA_DIR, SCHEMA, LexiconError, load_lexicon


def test_the_shipped_files_load_and_keep_the_names_other_packages_import() -> None:
    assert set(SCHEMA) == {p.stem for p in DATA_DIR.glob("*.yaml")}
    assert lx.RISK_FACTORS == (
        "age_65_plus", "diabetes", "hypertension", "heart_disease", "lung_disease", "kidney_disease",
        "liver_disease", "cancer", "obesity", "immunosuppression", "pregnancy", "unvaccinated",
    )
    assert lx.RISK_AGE == 65
    assert lx.EXTRA_SIGNS == ("severe_breathlessness", "cannot_eat_drink", "exhaustion", "prolonged_fever",
                              "low_blood_pressure", "coughing_blood", "caller_concern", "model_warning")
    assert lx.SYMPTOM_PHRASES["fever"][:3] == ("sốt", "sốt cao", "sốt nhẹ")


def test_the_vocabulary_is_read_only() -> None:
    with pytest.raises(TypeError):
        lx.SYMPTOM_PHRASES["fever"] = ("nóng",)  # type: ignore[index]
    with pytest.raises(TypeError):
        lx.LEXICON.entries["answers"]["yes_words"] = ()  # type: ignore[index]
    assert isinstance(lx.YES_WORDS, tuple)


def _broken(tmp_path: Path, change: Callable[[Path], None]) -> list[str]:
    """The problems reported for a copy of the data files after ``change``, with the copy's path as D."""
    d = tmp_path / "data"
    shutil.copytree(DATA_DIR, d)
    change(d)
    with pytest.raises(LexiconError) as err:
        load_lexicon(d)
    assert str(err.value) == "\n".join(err.value.problems)
    return [p.replace(str(d), "D") for p in err.value.problems]


def _edit(name: str, old: str, new: str) -> Callable[[Path], None]:
    def change(d: Path) -> None:
        path = d / name
        text = path.read_text(encoding="utf-8")
        assert old in text, old
        path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return change


@pytest.mark.parametrize("name, old, new, problems", [
    ("answers.yaml", "hedges: [", "hedges: [[,",
     ["D/answers.yaml: not valid YAML at line 13: expected the node content, but found ','"]),
    ("answers.yaml", "clause_yes: [rồi, có]", "clause_yes: [rồi, có]\ncolour: [đỏ]",
     ["D/answers.yaml: unknown key 'colour'"]),
    ("answers.yaml", "clause_yes: [rồi, có]", "clause_yes: []",
     ["D/answers.yaml: entry 'clause_yes': must be a non-empty list of phrases"]),
    ("answers.yaml", "clause_yes: [rồi, có]", "clause_yes: [rồi, có, rồi]",
     ["D/answers.yaml: entry 'clause_yes': duplicate phrase 'rồi'"]),
    ("answers.yaml", "clause_yes: [rồi, có]", "clause_yes: [rồi, có]\nclause_yes: [có]",
     ["D/answers.yaml: not valid YAML at line 24: duplicate key 'clause_yes'"]),
    ("answers.yaml", "yes_words:", "yes:",
     ["D/answers.yaml: unknown key True (YAML reads yes/no/on/off as true/false: quote the key)",
      "D/answers.yaml: missing 'yes_words'"]),
    ("risk_factors.yaml", "cancer: [", "cancer: [xơ gan, ",
     ["D/risk_factors.yaml: entry 'phrases.cancer': phrase 'xơ gan' is already under 'liver_disease'"]),
    ("risk_factors.yaml", "risk_age: 65", "risk_age: sáu lăm",
     ["D/risk_factors.yaml: entry 'risk_age': must be a whole number, not 'sáu lăm'"]),
    ("symptoms.yaml", "  fever: [", "  fevr: [",
     ["D/symptoms.yaml: entry 'phrases': unknown symptom or sign 'fevr'"]),
    ("symptoms.yaml", "  cough: [ho, ", "  cough: [ho, '', ",
     ["D/symptoms.yaml: entry 'phrases.cough': phrase must be non-empty text, not ''"]),
    ("vitals.yaml", "  pulse: [30, 220]", "  pulse: [220, 30]",
     ["D/vitals.yaml: entry 'ranges.pulse': must be [low, high] with low < high, not [220, 30]",
      "D/vitals.yaml: entry 'ranges': missing pulse"]),
    ("intents.yaml", "strong_goodbye: [", "strong_goodbye: [hẹn gặp lại, ",
     ["D/intents.yaml: entry 'strong_goodbye': unknown goodbye phrase 'hẹn gặp lại'"]),
    ("numbers.yaml", "bẩy: 7", "bẩy: 17",
     ["D/numbers.yaml: entry 'digits.bẩy': must be a digit 0-9, not 17"]),
    ("normalize.yaml", "  - ['bác", "  - ['(bác",
     [("D/normalize.yaml: entry 'phrase_rewrites': item 10: bad regular expression: "
       "missing ), unterminated subpattern at position 0")]),
])
def test_a_broken_file_is_refused_naming_the_file_and_the_entry(
        tmp_path: Path, name: str, old: str, new: str, problems: list[str]) -> None:
    assert _broken(tmp_path, _edit(name, old, new)) == problems


def test_every_problem_of_every_file_is_reported_at_once(tmp_path: Path) -> None:
    def change(d: Path) -> None:
        (d / "grammar.yaml").unlink()
        _edit("negation.yaml", "list_ends: [", "list_ends: [nào, ")(d)
        (d / "matching.yaml").write_text("- strict_words\n", encoding="utf-8")
    assert _broken(tmp_path, change) == [
        "D/grammar.yaml: lexicon file not found",
        "D/matching.yaml: a lexicon file must be a mapping of entries",
        "D/negation.yaml: entry 'list_ends': duplicate phrase 'nào'",
    ]


def test_the_error_is_a_hotline_error() -> None:
    assert issubclass(LexiconError, IvrError)


def test_phrases_are_read_in_nfc(tmp_path: Path) -> None:
    import unicodedata
    d = tmp_path / "data"
    shutil.copytree(DATA_DIR, d)
    _edit("answers.yaml", "clause_yes: [rồi, có]", "clause_yes: [" + unicodedata.normalize("NFD", "rồi, có") + "]")(d)
    assert load_lexicon(d).words("answers", "clause_yes") == ("rồi", "có")
