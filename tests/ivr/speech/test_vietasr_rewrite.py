"""The load-time int8 rewrite of viet-asr's graph: what it rewrites, and that it hears what the shipped model hears."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import onnx
import onnxruntime as ort
import pytest
from onnx import TensorProto, helper, numpy_helper

from ivr import audio
from ivr.speech.vietasr import rewrite
from ivr.speech.vietasr.engine import CHUNK_FRAMES, OUTPUTS_PER_CHUNK, STRIDE_FRAMES, VietAsrEngine
from ivr.speech.vietasr.fbank import Fbank

DATA = Path(__file__).resolve().parents[2] / "data" / "audio"


@pytest.fixture(scope="module")
def engines() -> tuple[VietAsrEngine, VietAsrEngine]:
    return VietAsrEngine(rewrite=False), VietAsrEngine()


def best_tokens(engine: VietAsrEngine, pcm16k: bytes) -> np.ndarray:
    feats = Fbank(16000).accept(np.frombuffer(pcm16k, "<i2"))
    state = engine.initial_state()
    out = []
    for i, start in enumerate(range(0, len(feats) - CHUNK_FRAMES + 1, STRIDE_FRAMES)):
        logprobs, state = engine.run(feats[start:start + CHUNK_FRAMES], i * OUTPUTS_PER_CHUNK, state)
        out.append(logprobs.argmax(1))
    return np.concatenate(out)


def test_every_rewrite_finds_its_places(engines: tuple[VietAsrEngine, VietAsrEngine]) -> None:
    shipped, rewritten = engines
    assert shipped.rewrites == {}
    assert rewritten.rewrites == {"int8_subsampling_conv": 1, "int8_pointwise_convs": 24, "int8_position_matmuls": 12,
                                  "fold_constant_quantization": 62, "fuse_layer_norms": 73}
    assert shipped.folded == rewritten.folded == 38


@pytest.mark.slow
def test_rewritten_model_picks_the_same_tokens(engines: tuple[VietAsrEngine, VietAsrEngine]) -> None:
    shipped, rewritten = engines
    same = frames = 0
    for name in ("sentence_doan.wav", "sentence_ly.wav", "muoi_chin.wav", "duoc.wav", "co.wav", "khong.wav"):
        pcm, rate = audio.read_wav(DATA / name)
        wide = audio.resample(pcm, rate, 16000)
        a, b = best_tokens(shipped, wide), best_tokens(rewritten, wide)
        same += int((a == b).sum())
        frames += len(a)
    assert frames > 300
    assert same / frames >= 0.98  # measured 99.7 % here; bench/asr.py --rewrite on every slice


def _run(model: onnx.ModelProto, feeds: dict[str, np.ndarray]) -> np.ndarray:
    options = ort.SessionOptions()
    options.log_severity_level = 3
    session = ort.InferenceSession(model.SerializeToString(), options, providers=["CPUExecutionProvider"])
    return session.run(None, feeds)[0]


def _dequant(name: str, w: np.ndarray, scale: np.ndarray, axis: int | None) -> tuple[onnx.NodeProto, list]:
    inits = [numpy_helper.from_array(w, f"{name}_q"), numpy_helper.from_array(scale, f"{name}_s"),
             numpy_helper.from_array(np.zeros(scale.shape, np.int8), f"{name}_z")]
    kwargs = {"axis": axis} if axis is not None else {}
    return helper.make_node("DequantizeLinear", [f"{name}_q", f"{name}_s", f"{name}_z"], [name], **kwargs), inits


def test_pointwise_and_im2col_convolutions_compute_the_same_as_float() -> None:
    rng = np.random.default_rng(3)
    w1 = rng.integers(-127, 128, (24, 32, 3, 3), dtype=np.int8)
    w2 = rng.integers(-127, 128, (16, 24, 1, 1), dtype=np.int8)
    dq1, i1 = _dequant("w1", w1, np.full(24, 0.002, np.float32), 0)
    dq2, i2 = _dequant("w2", w2, np.full(16, 0.003, np.float32), 0)
    b1 = numpy_helper.from_array(rng.normal(size=24).astype(np.float32), "b1")
    b2 = numpy_helper.from_array(rng.normal(size=16).astype(np.float32), "b2")
    nodes = [dq1, dq2,
             helper.make_node("Conv", ["x", "w1", "b1"], ["c1"], kernel_shape=[3, 3], strides=[2, 2]),
             helper.make_node("Conv", ["c1", "w2", "b2"], ["y"], kernel_shape=[1, 1], strides=[1, 1])]
    graph = helper.make_graph(nodes, "t", [helper.make_tensor_value_info("x", TensorProto.FLOAT, [None, 32, 21, 19])],
                              [helper.make_tensor_value_info("y", TensorProto.FLOAT, None)], i1 + i2 + [b1, b2])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)], ir_version=9)
    x = rng.normal(size=(2, 32, 21, 19)).astype(np.float32)
    expected = _run(model, {"x": x})
    assert rewrite.int8_subsampling_conv(model) == 1
    assert rewrite.int8_pointwise_convs(model) == 1
    assert "Conv" not in {n.op_type for n in model.graph.node}
    got = _run(model, {"x": x})
    assert got.shape == expected.shape == (2, 16, 10, 9)
    assert np.abs(got - expected).max() < 0.02 * np.abs(expected).max()  # int8 activations: ~1 % error


def test_layer_norm_pattern_becomes_one_operator_with_the_same_output() -> None:
    rng = np.random.default_rng(4)
    c = 8
    inits = [numpy_helper.from_array(np.array(1e-5, np.float32), "eps"),
             numpy_helper.from_array(rng.normal(size=(1, 1, c)).astype(np.float32), "gamma"),
             numpy_helper.from_array(rng.normal(size=(1, 1, c)).astype(np.float32), "beta")]
    nodes = [helper.make_node("GlobalAveragePool", ["x"], ["m"]), helper.make_node("Sub", ["x", "m"], ["d"]),
             helper.make_node("Mul", ["d", "d"], ["d2"]), helper.make_node("GlobalAveragePool", ["d2"], ["v"]),
             helper.make_node("Add", ["v", "eps"], ["ve"]), helper.make_node("Sqrt", ["ve"], ["s"]),
             helper.make_node("Reciprocal", ["s"], ["r"]), helper.make_node("Mul", ["d", "r"], ["n"]),
             helper.make_node("Mul", ["n", "gamma"], ["ng"]), helper.make_node("Add", ["ng", "beta"], ["y"])]
    graph = helper.make_graph(nodes, "ln", [helper.make_tensor_value_info("x", TensorProto.FLOAT, [None, 5, c])],
                              [helper.make_tensor_value_info("y", TensorProto.FLOAT, None)], inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)], ir_version=9)
    x = rng.normal(size=(3, 5, c)).astype(np.float32)
    expected = _run(model, {"x": x})
    assert rewrite.fuse_layer_norms(model) == 1
    assert [n.op_type for n in model.graph.node] == ["LayerNormalization"]
    np.testing.assert_allclose(_run(model, {"x": x}), expected, rtol=1e-4, atol=1e-5)
