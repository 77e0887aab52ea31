"""espeak-ng through pyttsx3: the only module that imports pyttsx3.

pyttsx3's espeak driver on Linux has known pitfalls, each handled here:

* ``runAndWait()`` can return before the file is written (espeak's retrieval
  mode is asynchronous): the worker waits for the ``finished-utterance``
  callback, then for a complete, readable WAV file.
* Rare empty WAVs: the parent checks the frames and retries a bounded number of
  times, then raises ``SynthesisError``.
* The driver prints ("Audio saved to ...") to stdout: the worker runs in a child
  process whose file descriptor 1 points at /dev/null; replies travel on a
  duplicate of the original pipe.
* Only the last ``save_to_file`` per run is written: one file per run.
* Not thread-safe, and espeak initialises once per process: all synthesis goes
  through one child process, one request at a time under a lock. A worker that
  hangs or dies is killed and restarted on the next attempt.
"""
from __future__ import annotations

import contextlib
import json
import os
import selectors
import subprocess
import sys
import tempfile
import threading
import time
import wave
from typing import IO, Any

from ivr.errors import SynthesisError
from ivr.tts.pronunciation import Pronunciations, load_pronunciations
from ivr.tts.synthesizer import Synthesizer

#: Attempts per text before giving up (empty WAV, worker crash, timeout).
ATTEMPTS = 3
#: Seconds one utterance may take in the worker; espeak needs ~50 ms per sentence.
TIMEOUT_S = 30.0


class EspeakSynthesizer(Synthesizer):
    """Vietnamese espeak-ng voice at a slow rate (words per minute) for elderly callers."""

    name = "espeak"

    def __init__(self, voice: str = "vi", rate: int = 130, *, attempts: int = ATTEMPTS,
                 timeout_s: float = TIMEOUT_S, pronunciations: Pronunciations | None = None):
        if rate < 1:
            raise ValueError("rate must be positive")
        #: respellings applied to the text given to espeak-ng only (prompts/espeak_pronunciations.yaml)
        self.pronunciations = pronunciations if pronunciations is not None else load_pronunciations()
        self.voice = voice
        self.rate = rate
        self.attempts = attempts
        self.timeout_s = timeout_s
        # call threads share one espeak child process; the lock serialises requests to it
        self._lock = threading.Lock()
        self._proc: subprocess.Popen[bytes] | None = None

    @property
    def voice_id(self) -> str:
        return f"{self.voice}@{self.rate}wpm"

    @property
    def pronunciation_id(self) -> str:
        """Hash of the pronunciation entries in use ('' for none): the prompt cache key includes it."""
        return self.pronunciations.digest

    def synthesize(self, text: str) -> tuple[bytes, int]:
        if not text.strip():
            raise SynthesisError("espeak: nothing to say (empty text)")
        said = self.pronunciations.apply(text)
        problems: list[str] = []
        with self._lock:
            for attempt in range(self.attempts):
                try:
                    pcm, rate = self._request(said)
                except _Retry as exc:  # the worker answered; a second failure gets a fresh worker
                    problems.append(str(exc))
                    if attempt >= 1:
                        self._stop_worker()
                    continue
                except _WorkerFailed as exc:
                    problems.append(str(exc))
                    self._stop_worker()
                    continue
                except _Rejected as exc:
                    raise SynthesisError(f"espeak: {exc}") from None
                if len(pcm) >= 2 and any(pcm):
                    return pcm, rate
                problems.append("empty audio")
        raise SynthesisError(
            f"espeak: no audio for {_clip(text)!r} after {self.attempts} attempts ({'; '.join(problems)})"
        )

    def close(self) -> None:
        with self._lock:
            self._stop_worker()

    def __del__(self) -> None:
        with contextlib.suppress(Exception):  # interpreter shutdown: best effort
            self._stop_worker()

    # -- parent side -----------------------------------------------------

    def _worker(self) -> subprocess.Popen[bytes]:
        if self._proc is None or self._proc.poll() is not None:
            self._proc = subprocess.Popen(
                [sys.executable, "-m", "ivr.tts.espeak"],
                stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
            )
        return self._proc

    def _stop_worker(self) -> None:
        proc, self._proc = self._proc, None
        if proc is None:
            return
        for stream in (proc.stdin, proc.stdout):
            try:
                if stream is not None:
                    stream.close()
            except OSError:
                pass
        try:
            proc.wait(timeout=2)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=5)

    def _request(self, text: str) -> tuple[bytes, int]:
        proc = self._worker()
        assert proc.stdin is not None and proc.stdout is not None
        request = json.dumps({"text": text, "voice": self.voice, "rate": self.rate}, ensure_ascii=False)
        try:
            proc.stdin.write(request.encode("utf-8") + b"\n")
            proc.stdin.flush()
        except (BrokenPipeError, OSError):
            raise _WorkerFailed(f"worker exited with code {proc.poll()}") from None
        deadline = time.monotonic() + self.timeout_s
        header = json.loads(_read_exact(proc, deadline, line=True))
        if not header.get("ok"):
            if header.get("retry"):
                raise _Retry(str(header.get("error")))
            raise _Rejected(str(header.get("error")))
        pcm = _read_exact(proc, deadline, size=int(header["bytes"]))
        return pcm, int(header["rate"])


class _WorkerFailed(Exception):
    """The worker died, hung or produced nothing: retry with a fresh worker."""


class _Retry(Exception):
    """The worker answered but produced no usable audio for this utterance: try again."""


class _Rejected(Exception):
    """The request itself is bad (unknown voice): retrying will not help."""


def _read_exact(proc: subprocess.Popen[bytes], deadline: float, *, line: bool = False, size: int = 0) -> bytes:
    """Read one line or ``size`` bytes from the worker, failing at ``deadline``."""
    assert proc.stdout is not None
    fd = proc.stdout.fileno()
    buf = bytearray()
    with selectors.DefaultSelector() as sel:
        sel.register(fd, selectors.EVENT_READ)
        while True:
            if line and b"\n" in buf:
                return bytes(buf)
            if not line and len(buf) >= size:
                return bytes(buf)
            remaining = deadline - time.monotonic()
            if remaining <= 0 or not sel.select(remaining):
                raise _WorkerFailed("worker timed out")
            chunk = os.read(fd, 1 if line else min(65536, size - len(buf)))
            if not chunk:
                raise _WorkerFailed(f"worker exited with code {proc.poll()}")
            buf += chunk


def _clip(text: str, n: int = 40) -> str:
    return text if len(text) <= n else text[: n - 1] + "…"


# -- worker side (child process) ------------------------------------------


def _wait_for_wav(path: str, timeout_s: float) -> tuple[bytes, int]:
    """Frames of a WAV file once it is completely written (header length matches the data)."""
    deadline = time.monotonic() + timeout_s
    while True:
        try:
            with wave.open(path, "rb") as w:
                frames = w.readframes(w.getnframes())
                if len(frames) == w.getnframes() * w.getsampwidth() * w.getnchannels():
                    if w.getsampwidth() != 2 or w.getnchannels() != 1:
                        raise ValueError("unexpected WAV format from espeak")
                    return frames, w.getframerate()
        except (FileNotFoundError, EOFError, wave.Error):
            pass
        if time.monotonic() >= deadline:
            raise TimeoutError("the WAV file was not completely written")
        time.sleep(0.01)


def _serve(requests: IO[bytes], replies: IO[bytes]) -> None:
    import pyttsx3  # the only import of pyttsx3 in the project
    from pyttsx3.drivers import _espeak

    engine = pyttsx3.init("espeak")
    _accept_phonemes(_espeak)
    outcomes: list[bool] = []  # finished-utterance callbacks of the current run: completed or cancelled

    def on_finished(name: Any = None, completed: bool = True, **_: Any) -> None:
        outcomes.append(bool(completed))

    def wait_idle() -> None:
        # In espeak's asynchronous mode, parameter changes and the tail of an utterance count
        # as "playing"; a run starting then would have its utterance cancelled by runAndWait's
        # own endLoop (the driver calls Cancel when IsPlaying). Start runs only when idle.
        idle_by = time.monotonic() + 2.0
        while _espeak.IsPlaying() and time.monotonic() < idle_by:
            time.sleep(0.002)

    engine.connect("finished-utterance", on_finished)
    workdir = tempfile.mkdtemp(prefix="ivr-espeak-")
    known: set[str] = set()
    for v in engine.getProperty("voices"):
        known |= {v.id.lower(), v.id.lower().rsplit("/", 1)[-1], v.name.lower(),
                  *(lang.lower() for lang in v.languages)}
    current: tuple[str, int] | None = None

    def reply(header: dict[str, Any], body: bytes = b"") -> None:
        replies.write(json.dumps(header).encode("utf-8") + b"\n" + body)
        replies.flush()

    try:
        for n, raw in enumerate(requests):
            req = json.loads(raw)
            voice, rate = str(req["voice"]), int(req["rate"])
            if voice.split("+")[0].lower() not in known:
                reply({"ok": False, "error": f"unknown espeak-ng voice {voice!r}"})
                continue
            if current != (voice, rate):
                engine.setProperty("voice", voice)
                engine.setProperty("rate", rate)
                current = (voice, rate)
            wait_idle()
            path = os.path.join(workdir, f"utterance-{n}.wav")
            outcomes.clear()
            engine.save_to_file(req["text"], path)  # one file per run
            engine.runAndWait()  # may return before espeak has finished: wait for the callback
            try:
                _wait_completed(outcomes)
                pcm, rate_hz = _wait_for_wav(path, 5.0)
            except (TimeoutError, ValueError) as exc:
                reply({"ok": False, "retry": True, "error": str(exc)})
                continue
            finally:
                wait_idle()
                if os.path.exists(path):
                    os.unlink(path)
            reply({"ok": True, "rate": rate_hz, "bytes": len(pcm)}, pcm)
    finally:
        try:
            os.rmdir(workdir)
        except OSError:
            pass


def _accept_phonemes(espeak_lib: Any) -> None:
    """Let ``[[...]]`` in a text be read as espeak-ng phoneme codes (pronunciation entries use them).

    pyttsx3's driver calls ``Synth`` with fixed flags; phoneme input needs ``PHONEMES`` added. Text
    without ``[[`` is read exactly as before.
    """
    synth = espeak_lib.Synth
    if getattr(synth, "ivr_phonemes", False):
        return

    def with_phonemes(text: bytes, *args: Any, flags: int = 0, **kwargs: Any) -> Any:
        return synth(text, *args, flags=flags | espeak_lib.PHONEMES, **kwargs)

    with_phonemes.ivr_phonemes = True  # type: ignore[attr-defined]
    espeak_lib.Synth = with_phonemes


def _wait_completed(outcomes: list[bool]) -> None:
    """Until a completed finished-utterance arrives; a cancelled one alone gives up after a grace period."""
    deadline = time.monotonic() + TIMEOUT_S
    cancelled_at: float | None = None
    while True:
        if True in outcomes:
            return
        now = time.monotonic()
        if False in outcomes and cancelled_at is None:
            cancelled_at = now
        if cancelled_at is not None and now - cancelled_at > 0.5:
            raise TimeoutError("the utterance was cancelled")
        if now >= deadline:
            raise TimeoutError("no finished-utterance callback")
        time.sleep(0.002)


def main() -> None:
    """Worker entry point: JSON requests on stdin, replies on the original stdout, driver noise to /dev/null."""
    replies = os.fdopen(os.dup(1), "wb")
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 1)
    os.close(devnull)
    sys.stdout = open(1, "w", closefd=False)  # noqa: SIM115 - lives as long as the worker
    try:
        _serve(sys.stdin.buffer, replies)
    except (BrokenPipeError, KeyboardInterrupt):
        pass


if __name__ == "__main__":
    main()
