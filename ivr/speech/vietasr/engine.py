"""The viet-asr speech engine: viet-asr's Vietnamese model, run by ONNX Runtime here.

The PyPI wheel ``viet-asr==0.1.0.dev11`` (Apache-2.0) embeds an offline streaming
Vietnamese recognizer: a 12-layer chunked conformer with CTC over 4,968 word pieces,
stored as ONNX bytes in ``vietasr/_native/libvietasr.so``. This module is the only one
touching that model and ONNX Runtime. It reads the model and vocabulary straight out
of the library file (``ivr.speech.vietasr.elf``), never loading the library, and runs it with:

- Kaldi-style 80-bin log mel features (``ivr.speech.vietasr.fbank``), 16 kHz;
- 400 ms chunks: 43 feature frames in (40 new + 3 of right context), 10 output frames
  out, the attention and convolution caches carried from chunk to chunk, so audio is
  decoded while the caller is still speaking and the end of an utterance costs one
  chunk at most;
- greedy CTC (``ivr.speech.vietasr.ctc``) with an acoustic confidence;
- the graph rewritten once at load (``ivr.speech.vietasr.rewrite``): the subsampling and
  pointwise convolutions and the relative-position projections as int8 matrix multiplies
  with the model's own int8 weights, constant re-quantisation folded, layer norms fused
  (model alone about a third faster, >99.5 % of output frames pick the same token:
  ``bench/asr.py --rewrite``); the remaining (depthwise) convolution weights de-quantised
  once: the model stores them as int8 behind ``DequantizeLinear`` nodes that ONNX Runtime
  would otherwise re-run on every chunk (measured 15 % of the time);
- one intra-op thread per session run: calls decode in parallel on their own threads
  or processes instead of fighting over one thread pool.

Measured on this machine (``bench/asr.py``): the library's own decoder, real-time factor
0.31-0.43 per stream on one core and 9-10 % WER on the telephone path; this engine, same
model, RTF ~0.11 and 3.4 % WER.

No grammars in the model: closed questions snap the transcript to the closest grammar
phrase (``ivr.speech.recognizer.snap_to_grammar``); text matching no phrase is returned as said,
so "tôi khó thở" said to a yes/no question still reaches the NLU.
"""
from __future__ import annotations

import importlib.metadata
import importlib.util
import time
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import onnx
import onnxruntime as ort
from onnx import numpy_helper

from ivr.errors import ModelError
from ivr.speech.recognizer import normalize_phrase, snap_to_grammar
from ivr.speech.vietasr.ctc import GreedyDecoder, Vocabulary
from ivr.speech.vietasr.elf import read_symbol
from ivr.speech.vietasr.fbank import Fbank

SAMPLE_RATE = 16000
PACKAGE = "viet-asr"
PINNED = "0.1.0.dev11"
CHUNK_FRAMES = 43  # feature frames per model run
STRIDE_FRAMES = 40  # new frames per run (10 outputs after 4x subsampling)
OUTPUTS_PER_CHUNK = 10
INSTALL_HINT = f"reinstall it with `pip install {PACKAGE}=={PINNED}`"


def library_path() -> Path:
    """``libvietasr.so`` of the installed viet-asr wheel (found without importing the package)."""
    spec = importlib.util.find_spec("vietasr")
    if spec is None or not spec.submodule_search_locations:
        raise ModelError(f"viet-asr is not installed: {INSTALL_HINT}")
    for folder in spec.submodule_search_locations:
        candidate = Path(folder) / "_native" / "libvietasr.so"
        if candidate.is_file():
            return candidate
    raise ModelError(f"viet-asr's model library (vietasr/_native/libvietasr.so) is missing: {INSTALL_HINT}")


def _embedded(lib: Path, name: str) -> bytes:
    """An embedded blob: its bytes are ``name``, its length the uint64 ``name_size``."""
    length = int.from_bytes(read_symbol(lib, f"{name}_size", 8), "little")
    return read_symbol(lib, name, length)


def dequantize_conv_weights(model: onnx.ModelProto) -> int:
    """Replace constant ``DequantizeLinear`` nodes that feed only ``Conv`` with float weights.

    ONNX Runtime keeps such nodes (it fuses int8 weights only into MatMul) and re-runs
    them on every chunk. Returns how many were folded.
    """
    graph = model.graph
    constants = {init.name: init for init in graph.initializer}
    consumers: dict[str, set[str]] = {}
    for node in graph.node:
        for name in node.input:
            consumers.setdefault(name, set()).add(node.op_type)
    kept, folded = [], 0
    for node in graph.node:
        if (node.op_type == "DequantizeLinear" and all(i in constants for i in node.input)
                and consumers.get(node.output[0]) == {"Conv"}):
            x = numpy_helper.to_array(constants[node.input[0]]).astype(np.int32)
            scale = numpy_helper.to_array(constants[node.input[1]]).astype(np.float32)
            zero = (numpy_helper.to_array(constants[node.input[2]]).astype(np.int32)
                    if len(node.input) > 2 else np.zeros(scale.shape, np.int32))
            if scale.ndim == 1 and x.ndim > 1:
                axis = next((a.i for a in node.attribute if a.name == "axis"), 1)
                shape = [1] * x.ndim
                shape[axis] = -1
                scale, zero = scale.reshape(shape), zero.reshape(shape)
            graph.initializer.append(numpy_helper.from_array(((x - zero) * scale).astype(np.float32),
                                                             node.output[0]))
            folded += 1
        else:
            kept.append(node)
    del graph.node[:]
    graph.node.extend(kept)
    return folded


def rewrite_graph(model: onnx.ModelProto, only: Sequence[str] | None = None) -> dict[str, int]:
    """The load-time int8 rewrites and operator fusions of ``ivr.speech.vietasr.rewrite``: {name: places}.

    ``only`` names the steps to apply (all by default; ``bench/asr.py`` measures them one by one).
    """
    from ivr.speech.vietasr import rewrite

    steps = (rewrite.int8_subsampling_conv, rewrite.int8_pointwise_convs, rewrite.int8_position_matmuls,
             rewrite.fold_constant_quantization, rewrite.fuse_layer_norms)
    return {step.__name__: step(model) for step in steps if only is None or step.__name__ in only}


class VietAsrDecoder:
    """One stream's decoding state; ``final`` returns the utterance and resets for the next."""

    def __init__(self, engine: VietAsrEngine, grammar: Sequence[str] | None):
        self.engine = engine
        self.grammar = [g for g in (normalize_phrase(p) for p in grammar or ()) if g] or None
        self._fbank = Fbank(SAMPLE_RATE)
        self._ctc = GreedyDecoder()
        self._reset_model_state()

    def _reset_model_state(self) -> None:
        self._features = np.zeros((0, self._fbank.bins), np.float32)
        self._state = self.engine.initial_state()
        self._offset = 0
        self._frames_seen = 0

    def accept(self, pcm16: bytes) -> None:
        self.push(pcm16)
        while self.chunk_ready:
            self._run(self._next_chunk())

    def push(self, pcm16: bytes) -> None:
        """Add audio without running the model (``VietAsrEngine.run_ready`` batches the chunks)."""
        if not pcm16:
            return
        frames = self._fbank.accept(np.frombuffer(pcm16, "<i2"))
        self._frames_seen += len(frames)
        self._features = np.concatenate([self._features, frames]) if len(self._features) else frames

    @property
    def chunk_ready(self) -> bool:
        return len(self._features) >= CHUNK_FRAMES

    @property
    def pending_frames(self) -> int:
        """Feature frames (10 ms each) pushed but not yet run through the model."""
        return max(0, len(self._features) - (CHUNK_FRAMES - STRIDE_FRAMES))

    @property
    def ready_frames(self) -> int:
        """Pushed frames that model runs can take now: whole chunks (the rest waits for more audio)."""
        return (self.pending_frames // STRIDE_FRAMES) * STRIDE_FRAMES if self.chunk_ready else 0

    @property
    def has_tail(self) -> bool:
        """Less than a chunk is left with new frames in it: ``final`` (or ``finish_ready``) runs it padded."""
        return bool(self._frames_seen) and not self.chunk_ready and len(self._features) > CHUNK_FRAMES - STRIDE_FRAMES

    def _next_chunk(self) -> np.ndarray:
        chunk = self._features[:CHUNK_FRAMES]
        self._features = self._features[STRIDE_FRAMES:]
        return chunk

    def _run(self, chunk: np.ndarray) -> None:
        logprobs, state = self.engine.run(chunk, self._offset, self._state)
        self._take(logprobs, state)

    def _take(self, logprobs: np.ndarray, state: State) -> None:
        self._state = state
        self._offset += OUTPUTS_PER_CHUNK
        self._ctc.step(logprobs)

    def partial(self) -> str:
        return normalize_phrase(self.engine.vocabulary.text(self._ctc.ids))

    def final(self) -> tuple[str, float]:
        while self.chunk_ready:  # pushed audio not yet run
            self._run(self._next_chunk())
        # the frames after the last full chunk (beyond its 3 context frames) still need outputs
        if self._frames_seen and len(self._features) > CHUNK_FRAMES - STRIDE_FRAMES:
            pad = np.zeros((CHUNK_FRAMES - len(self._features), self._fbank.bins), np.float32)
            self._run(np.concatenate([self._features, pad]))
        text = normalize_phrase(self.engine.vocabulary.text(self._ctc.ids))
        confidence = round(self._ctc.confidence, 3)
        self._ctc.reset()
        self._fbank.reset()
        self._reset_model_state()
        if not text:
            return "", 0.0
        if self.grammar:
            phrase, score = snap_to_grammar(text, self.grammar)
            if phrase in self.grammar:
                return phrase, round(score * confidence, 3)
        return text, confidence

    def close(self) -> None:
        self._ctc.reset()
        self._features = np.zeros((0, self._fbank.bins), np.float32)


State = tuple[np.ndarray, np.ndarray]


class VietAsrEngine:
    """viet-asr's model in one ONNX Runtime session, shared by every stream of the process.

    ``run`` is thread-safe (ONNX Runtime sessions are) and releases the GIL while computing.
    """

    name = "vietasr"
    sample_rate = SAMPLE_RATE

    def __init__(self, threads: int = 1, *, rewrite: bool | Sequence[str] = True):
        started = time.perf_counter()
        lib = library_path()
        try:
            self.version = importlib.metadata.version(PACKAGE)
        except importlib.metadata.PackageNotFoundError:
            raise ModelError(f"viet-asr is not installed: {INSTALL_HINT}") from None
        model = onnx.load_from_string(_embedded(lib, "vietasr_asr_model_onnx"))
        self.vocabulary = Vocabulary.parse(_embedded(lib, "vietasr_asr_vocab").decode("utf-8"))
        self.rewrites: dict[str, int] = {}
        if rewrite:
            self.rewrites = rewrite_graph(model, None if rewrite is True else list(rewrite))
        # every int8 convolution weight is handled once here: rewritten as int8 matmuls above, or de-quantised
        self.folded = (self.rewrites.get("int8_pointwise_convs", 0) + self.rewrites.get("int8_subsampling_conv", 0)
                       + dequantize_conv_weights(model))
        options = ort.SessionOptions()
        options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
        options.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
        options.log_severity_level = 3  # warnings about unused initializers are expected
        try:
            self.session = ort.InferenceSession(model.SerializeToString(), options,
                                                providers=["CPUExecutionProvider"])
        except Exception as exc:  # noqa: BLE001 - onnxruntime's Fail, InvalidProtobuf... derive from Exception
            raise ModelError(f"viet-asr's model did not load in ONNX Runtime ({exc}): {INSTALL_HINT}") from None
        shapes = {i.name: i.shape for i in self.session.get_inputs()}
        if set(shapes) != {"chunk", "offset", "att_cache", "cnn_cache"}:
            raise ModelError(f"viet-asr's model has unexpected inputs {sorted(shapes)}: {INSTALL_HINT}")
        self._att_shape = tuple(int(d) for d in shapes["att_cache"][1:])
        self._cnn_shape = tuple(int(d) for d in shapes["cnn_cache"][1:])
        self.threads = threads
        self.load_s = time.perf_counter() - started

    def describe(self) -> str:
        return (f"viet-asr {self.version} model (embedded in the wheel) on ONNX Runtime {ort.__version__}, "
                f"greedy CTC, {self.threads} thread(s) per run")

    def initial_state(self) -> State:
        return (np.zeros((1, *self._att_shape), np.float32), np.zeros((1, *self._cnn_shape), np.float32))

    def run(self, chunk: np.ndarray, offset: int, state: State) -> tuple[np.ndarray, State]:
        """One chunk (43, 80) of features: (10, tokens) log-probabilities and the next state."""
        logprobs, att, cnn = self.session.run(None, {
            "chunk": chunk[None].astype(np.float32, copy=False),
            "offset": np.array([[offset]], np.int64),
            "att_cache": state[0],
            "cnn_cache": state[1],
        })
        return logprobs[0], (att, cnn)

    def run_ready(self, decoders: Sequence[VietAsrDecoder], max_batch: int = 16,
                  max_runs: int | None = None) -> int:
        """Run the full chunks waiting in ``decoders``, one chunk of each per model run, batched.

        Several streams in one run cost much less than one run each (measured per stream on
        one core: 1 stream 0.107 RTF, batches of 4-12 about 0.07-0.10). The streams furthest
        behind go first; ``max_runs`` bounds the work so that a caller waits for at most that
        many runs. Returns the model runs made.
        """
        runs = 0
        while (max_runs is None or runs < max_runs) and (ready := [d for d in decoders if d.chunk_ready]):
            ready.sort(key=lambda d: -d.pending_frames)
            for start in range(0, len(ready), max_batch):
                if max_runs is not None and runs >= max_runs:
                    break
                group = ready[start:start + max_batch]
                chunks = np.stack([d._next_chunk() for d in group])
                logprobs, att, cnn = self.session.run(None, {
                    "chunk": chunks.astype(np.float32, copy=False),
                    "offset": np.array([[d._offset] for d in group], np.int64),
                    "att_cache": np.concatenate([d._state[0] for d in group]),
                    "cnn_cache": np.concatenate([d._state[1] for d in group]),
                })
                for i, d in enumerate(group):
                    d._take(logprobs[i], (att[i:i + 1], cnn[i:i + 1]))
                runs += 1
        return runs

    def finish_ready(self, decoders: Sequence[VietAsrDecoder], max_batch: int = 16) -> int:
        """Run the trailing partial chunk of every ending utterance in ``decoders`` (zero-padded), batched.

        At an end-point each stream has less than a chunk left; ``final`` would run it alone, one
        model run per stream. Run here, all of them share runs, and ``final`` then runs nothing
        (the chunk is decoded once). Full chunks must be run first (``run_ready``). Returns the runs made.
        """
        context = CHUNK_FRAMES - STRIDE_FRAMES
        group = [d for d in decoders if d._frames_seen and not d.chunk_ready and len(d._features) > context]
        runs = 0
        for start in range(0, len(group), max_batch):
            part = group[start:start + max_batch]
            chunks = np.stack([np.concatenate([d._features, np.zeros((CHUNK_FRAMES - len(d._features),
                                                                      d._features.shape[1]), np.float32)])
                               for d in part])
            logprobs, att, cnn = self.session.run(None, {
                "chunk": chunks,
                "offset": np.array([[d._offset] for d in part], np.int64),
                "att_cache": np.concatenate([d._state[0] for d in part]),
                "cnn_cache": np.concatenate([d._state[1] for d in part]),
            })
            for i, d in enumerate(part):
                d._take(logprobs[i], (att[i:i + 1], cnn[i:i + 1]))
                d._features = d._features[:0]  # decoded: ``final`` does not run it again
            runs += 1
        return runs

    def decoder(self, grammar: Sequence[str] | None) -> VietAsrDecoder:
        return VietAsrDecoder(self, grammar)
