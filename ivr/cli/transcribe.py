"""``ivr transcribe FILE.wav [--engine auto|vosk|vietasr] [--json]``: print what a recording says.

Any WAV the audio front end reads works (any rate, width, channel count, µ-law or
A-law). The file is streamed through the same recognizer stream a call uses (voice
gate, endpointing), so silence is skipped and memory stays bounded; files longer
than ``--max-seconds`` are refused from their header.
"""
from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

from ivr import audio
from ivr.config import Config
from ivr.speech.recognizer import ENGINES, Result, open_recognizer


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser("transcribe", help="transcribe a WAV recording", parents=[common])
    p.add_argument("file", type=Path, metavar="FILE.wav")
    p.add_argument("--engine", choices=ENGINES, default=None,
                   help="speech engine (default: the asr_engine setting, normally auto)")
    p.add_argument("--json", action="store_true", help="print one JSON object with utterances and timings")
    p.add_argument("--grammar", action="append", metavar="PHRASE", default=None,
                   help="restrict recognition to these phrases (repeatable)")
    p.add_argument("--max-seconds", type=float, default=3600.0, metavar="S",
                   help="refuse longer recordings (default: 3600)")
    p.set_defaults(run=run)


def transcribe_file(path: Path, cfg: Config, engine: str, grammar: list[str] | None = None,
                    max_seconds: float = 3600.0) -> dict:
    info = audio.wav_info(path)
    if info.duration_s > max_seconds:
        audio.read_wav(path, max_seconds=max_seconds)  # raises the standard AudioError
    rec = open_recognizer(cfg, engine)
    started = time.perf_counter()
    stream = rec.stream(info.rate, grammar)
    finals: list[Result] = []
    for chunk, _rate in audio.iter_wav(path, chunk_seconds=0.5, max_seconds=max_seconds):
        finals.extend(r for r in stream.accept(chunk) if r.final)
    last = stream.finish()
    if last.text and last not in finals:
        finals.append(last)
    elapsed = time.perf_counter() - started
    return {
        "file": str(path),
        "engine": rec.name,
        "text": " ".join(r.text for r in finals),
        "confidence": round(min((r.confidence for r in finals), default=0.0), 3),
        "utterances": [{"text": r.text, "confidence": r.confidence, "start_s": round(r.start_s, 2),
                        "end_s": round(r.end_s, 2)} for r in finals],
        "duration_s": round(info.duration_s, 3),
        "speech_s": round(stream.decoded_s, 3),
        "decode_s": round(elapsed, 3),
        "format": f"{info.encoding} {info.rate} Hz {info.sample_bytes * 8}-bit x{info.channels}",
    }


def run(args: argparse.Namespace, cfg: Config) -> int:
    engine = args.engine or cfg.asr_engine
    out = transcribe_file(args.file, cfg, engine, args.grammar, args.max_seconds)
    if args.json:
        print(json.dumps(out, ensure_ascii=False))
    else:
        print(out["text"])
    return 0
