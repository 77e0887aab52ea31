"""Load-time rewrites of viet-asr's ONNX graph: int8 where the model leaves float, fused layer norms.

The model ships as int8 weights behind ``DequantizeLinear`` nodes. ONNX Runtime fuses the
weights of 74 of its MatMuls (the ones fed by ``DynamicQuantizeLinear``) into
``DynamicQuantizeMatMul``; everything else it runs in float on weights it de-quantises on
every chunk, or re-quantises constants on every chunk. These rewrites, applied once when the
model is loaded (``ivr.speech.vietasr.engine``), keep the model's own int8 weights and scales:

- ``int8_pointwise_convs``: the 24 pointwise (1x1) convolutions of the convolution modules
  become ``DynamicQuantizeMatMul`` over channels-last activations (the transposes the
  exporter put around each convolution are dropped where they only converted layouts);
- ``int8_subsampling_conv``: the second 3x3 stride-2 subsampling convolution (448 -> 448
  channels, the single most expensive operator in float) becomes an im2col
  ``DynamicQuantizeMatMul``: nine strided slices, concatenated, one int8 matrix multiply;
- ``int8_position_matmuls``: the 12 relative-position projections, which read one shared
  de-quantised gather of the int8 position table and so escape ONNX Runtime's fusion, become
  ``DynamicQuantizeMatMul`` with their int8 weights (``MatMulIntegerToFloat`` straight on the
  int8 gather was measured slower: int8 x int8 has no fast kernel here);
- ``fold_constant_quantization``: ``DynamicQuantizeLinear`` + ``DequantizeLinear`` applied to
  constant biases (62 of them, re-run on every chunk) are evaluated once;
- ``fuse_layer_norms``: the 73 layer norms, exported as ~10 elementwise operators each
  (``GlobalAveragePool`` mean, variance, ``Sqrt``, ``Reciprocal``...), become one
  ``LayerNormalization`` (opset 17) each.

Every function returns how many places it rewrote; a graph that does not have the expected
shape is left as it is (count 0), so a different model version still loads, only slower.
"""
from __future__ import annotations

from collections import defaultdict
from typing import Any

import numpy as np
import onnx
from onnx import helper, numpy_helper

INT64_MAX = np.iinfo(np.int64).max
MS_DOMAIN = "com.microsoft"


class _Graph:
    """Producers, consumers and constants of a graph, rebuilt after each rewrite pass."""

    def __init__(self, model: onnx.ModelProto):
        self.model = model
        self.graph = model.graph
        self.constants = {init.name: init for init in self.graph.initializer}
        self.producer = {out: node for node in self.graph.node for out in node.output}
        self.consumers: dict[str, list[onnx.NodeProto]] = defaultdict(list)
        for node in self.graph.node:
            for name in node.input:
                self.consumers[name].append(node)
        self.outputs = {o.name for o in self.graph.output}
        self._names = 0

    def array(self, name: str) -> np.ndarray:
        return numpy_helper.to_array(self.constants[name])

    def is_const(self, name: str) -> bool:
        return name in self.constants

    def add_constant(self, array: np.ndarray, hint: str) -> str:
        name = self.fresh(hint)
        self.graph.initializer.append(numpy_helper.from_array(array, name))
        self.constants[name] = self.graph.initializer[-1]
        return name

    def fresh(self, hint: str) -> str:
        self._names += 1
        return f"ivr_rewrite/{hint}_{self._names}"

    def weight_dequant(self, name: str) -> tuple[np.ndarray, np.ndarray] | None:
        """(int8 weight, float scale) when ``name`` is a constant symmetric ``DequantizeLinear``."""
        node = self.producer.get(name)
        if node is None or node.op_type != "DequantizeLinear" or not all(self.is_const(i) for i in node.input):
            return None
        w = self.array(node.input[0])
        if w.dtype != np.int8:
            return None
        if len(node.input) > 2 and np.any(self.array(node.input[2])):
            return None  # asymmetric: not what this model uses
        return w, self.array(node.input[1]).astype(np.float32)


def _attr(node: onnx.NodeProto, name: str, default: Any = None) -> Any:
    for a in node.attribute:
        if a.name == name:
            return helper.get_attribute_value(a)
    return default


def _ensure_ms_opset(model: onnx.ModelProto) -> None:
    if not any(o.domain == MS_DOMAIN for o in model.opset_import):
        model.opset_import.append(helper.make_opsetid(MS_DOMAIN, 1))


def _replace_nodes(model: onnx.ModelProto, replacements: dict[int, list[onnx.NodeProto]],
                   removed: set[int]) -> None:
    """Rebuild the node list: ``replacements[id(node)]`` stand where ``node`` stood; ``removed`` go."""
    nodes = []
    for node in model.graph.node:
        if id(node) in replacements:
            nodes.extend(replacements[id(node)])
        elif id(node) not in removed:
            nodes.append(node)
    del model.graph.node[:]
    model.graph.node.extend(nodes)


def _rename_input(model: onnx.ModelProto, old: str, new: str) -> None:
    for node in model.graph.node:
        for i, name in enumerate(node.input):
            if name == old:
                node.input[i] = new


def remove_dead_nodes(model: onnx.ModelProto) -> int:
    """Drop nodes none of whose outputs are used, and initializers no node reads."""
    removed = 0
    while True:
        used = {o.name for o in model.graph.output}
        for node in model.graph.node:
            used.update(node.input)
        kept = [n for n in model.graph.node if any(o in used for o in n.output)]
        if len(kept) == len(model.graph.node):
            break
        removed += len(model.graph.node) - len(kept)
        del model.graph.node[:]
        model.graph.node.extend(kept)
    used = {i for n in model.graph.node for i in n.input}
    kept_init = [i for i in model.graph.initializer if i.name in used]
    del model.graph.initializer[:]
    model.graph.initializer.extend(kept_init)
    return removed


def int8_pointwise_convs(model: onnx.ModelProto) -> int:
    """1x1 convolutions with int8 weights -> ``DynamicQuantizeMatMul`` on channels-last input."""
    g = _Graph(model)
    replacements: dict[int, list[onnx.NodeProto]] = {}
    removed: set[int] = set()
    renames: list[tuple[str, str]] = []
    count = 0
    for node in g.graph.node:
        if node.op_type != "Conv" or _attr(node, "kernel_shape") != [1, 1] or _attr(node, "group", 1) != 1:
            continue
        if any(s != 1 for s in _attr(node, "strides", [1, 1])) or any(_attr(node, "pads", [0, 0, 0, 0])):
            continue
        weight = g.weight_dequant(node.input[1])
        if weight is None or len(node.input) < 3 or not g.is_const(node.input[2]):
            continue
        w, scale = weight
        new: list[onnx.NodeProto] = []
        source = g.producer.get(node.input[0])
        if (source is not None and source.op_type == "Transpose" and _attr(source, "perm") == [0, 3, 1, 2]):
            x_last = source.input[0]  # the exporter's NHWC -> NCHW: read the NHWC tensor itself
        else:
            x_last = g.fresh("nhwc")
            new.append(helper.make_node("Transpose", [node.input[0]], [x_last], perm=[0, 2, 3, 1]))
        b = np.ascontiguousarray(w[:, :, 0, 0].T)  # (in, out) int8
        y_last = g.fresh("pointwise")
        new.append(helper.make_node(
            "DynamicQuantizeMatMul",
            [x_last, g.add_constant(b, "pointwise_w"), g.add_constant(scale.reshape(-1), "pointwise_scale"), "",
             g.add_constant(g.array(node.input[2]).astype(np.float32), "pointwise_bias")],
            [y_last], domain=MS_DOMAIN))
        after = g.consumers[node.output[0]]
        if (node.output[0] not in g.outputs and after
                and all(c.op_type == "Transpose" and _attr(c, "perm") == [0, 2, 3, 1] for c in after)):
            for c in after:  # NCHW -> NHWC right after: the matmul's output already is NHWC
                removed.add(id(c))
                renames.append((c.output[0], y_last))
        else:
            new.append(helper.make_node("Transpose", [y_last], [node.output[0]], perm=[0, 3, 1, 2]))
        replacements[id(node)] = new
        count += 1
    if count:
        _ensure_ms_opset(model)
        _replace_nodes(model, replacements, removed)
        for old, new_name in renames:
            if old in g.outputs:
                raise AssertionError("a graph output was bypassed")  # excluded above
            _rename_input(model, old, new_name)
        remove_dead_nodes(model)
    return count


def int8_subsampling_conv(model: onnx.ModelProto) -> int:
    """3x3 stride-2 unpadded convolutions with int8 weights and many input channels -> im2col int8 matmul."""
    g = _Graph(model)
    replacements: dict[int, list[onnx.NodeProto]] = {}
    count = 0
    for node in g.graph.node:
        if (node.op_type != "Conv" or _attr(node, "kernel_shape") != [3, 3] or _attr(node, "group", 1) != 1
                or _attr(node, "strides") != [2, 2] or any(_attr(node, "pads", [0, 0, 0, 0]))
                or _attr(node, "auto_pad", b"NOTSET") not in (b"NOTSET", "NOTSET")
                or any(d != 1 for d in _attr(node, "dilations", [1, 1]))):
            continue
        weight = g.weight_dequant(node.input[1])
        if weight is None or len(node.input) < 3 or not g.is_const(node.input[2]):
            continue
        w, scale = weight  # (out, in, 3, 3)
        if w.shape[1] < 16:
            continue  # the first convolution (one input channel) is cheap in float
        new: list[onnx.NodeProto] = []
        x_last = g.fresh("im2col_nhwc")
        new.append(helper.make_node("Transpose", [node.input[0]], [x_last], perm=[0, 2, 3, 1]))
        axes = g.add_constant(np.array([1, 2], np.int64), "im2col_axes")
        steps = g.add_constant(np.array([2, 2], np.int64), "im2col_steps")
        patches = []
        for kh in range(3):
            for kw in range(3):
                # rows kh, kh+2, ... while a whole 3-row window fits: ends at -(2 - k) (k < 2) or the end
                ends = [k - 2 if k < 2 else INT64_MAX for k in (kh, kw)]
                out = g.fresh(f"im2col_{kh}{kw}")
                new.append(helper.make_node(
                    "Slice", [x_last, g.add_constant(np.array([kh, kw], np.int64), "im2col_starts"),
                              g.add_constant(np.array(ends, np.int64), "im2col_ends"), axes, steps], [out]))
                patches.append(out)
        cols = g.fresh("im2col")
        new.append(helper.make_node("Concat", patches, [cols], axis=3))
        b = np.ascontiguousarray(w.transpose(2, 3, 1, 0).reshape(9 * w.shape[1], w.shape[0]))  # (kh, kw, in) x out
        y_last = g.fresh("im2col_out")
        new.append(helper.make_node(
            "DynamicQuantizeMatMul",
            [cols, g.add_constant(b, "im2col_w"), g.add_constant(scale.reshape(-1), "im2col_scale"), "",
             g.add_constant(g.array(node.input[2]).astype(np.float32), "im2col_bias")],
            [y_last], domain=MS_DOMAIN))
        new.append(helper.make_node("Transpose", [y_last], [node.output[0]], perm=[0, 3, 1, 2]))
        replacements[id(node)] = new
        count += 1
    if count:
        _ensure_ms_opset(model)
        _replace_nodes(model, replacements, set())
        remove_dead_nodes(model)
    return count


def int8_position_matmuls(model: onnx.ModelProto) -> int:
    """MatMul(de-quantised activations shared by several MatMuls, DequantizeLinear(int8 weights)) ->
    ``DynamicQuantizeMatMul`` with the model's int8 weights.

    In this model: the 12 relative-position projections, which all read one de-quantised gather
    of the int8 position table (ONNX Runtime fuses de-quantised activations only when the
    ``DequantizeLinear`` has a single consumer, so these ran in float on float copies of the weights).
    """
    g = _Graph(model)
    replacements: dict[int, list[onnx.NodeProto]] = {}
    count = 0
    for node in g.graph.node:
        if node.op_type != "MatMul":
            continue
        a = g.producer.get(node.input[0])
        if (a is None or a.op_type != "DequantizeLinear" or g.is_const(a.input[0])
                or len(g.consumers[a.output[0]]) < 2):
            continue
        weight = g.weight_dequant(node.input[1])
        if weight is None or weight[0].ndim != 2:
            continue
        w, scale = weight
        replacements[id(node)] = [helper.make_node(
            "DynamicQuantizeMatMul",
            [node.input[0], g.add_constant(w, "position_w"), g.add_constant(scale, "position_scale")],
            [node.output[0]], domain=MS_DOMAIN)]
        count += 1
    if count:
        _ensure_ms_opset(model)
        _replace_nodes(model, replacements, set())
        remove_dead_nodes(model)
    return count


def fold_constant_quantization(model: onnx.ModelProto) -> int:
    """``DequantizeLinear(DynamicQuantizeLinear(constant))`` -> its value, computed once with ONNX Runtime."""
    import onnxruntime as ort

    g = _Graph(model)
    targets: list[onnx.NodeProto] = []
    needed: list[onnx.NodeProto] = []
    for node in g.graph.node:
        if node.op_type != "DynamicQuantizeLinear" or not g.is_const(node.input[0]):
            continue
        users = {id(c): c for out in node.output for c in g.consumers[out]}
        if not users or any(c.op_type != "DequantizeLinear" or c.input[:3] != node.output[:3]
                            for c in users.values()):
            continue
        needed.append(node)
        targets.extend(users.values())
    if not targets:
        return 0
    inits = {name for n in needed for name in n.input}
    small = helper.make_model(
        helper.make_graph(needed + targets, "fold", [],
                          [helper.make_tensor_value_info(t.output[0], onnx.TensorProto.FLOAT, None) for t in targets],
                          [g.constants[name] for name in sorted(inits)]),
        opset_imports=[helper.make_opsetid("", 17)], ir_version=model.ir_version)
    options = ort.SessionOptions()
    options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_DISABLE_ALL
    options.log_severity_level = 3
    values = ort.InferenceSession(small.SerializeToString(), options, providers=["CPUExecutionProvider"]).run(None, {})
    removed = {id(n) for n in needed} | {id(t) for t in targets}
    for t, value in zip(targets, values, strict=True):
        g.graph.initializer.append(numpy_helper.from_array(np.asarray(value, np.float32), t.output[0]))
    _replace_nodes(model, {}, removed)
    remove_dead_nodes(model)
    return len(targets)


def _other(node: onnx.NodeProto, name: str) -> str | None:
    """The other input of a two-input node, when ``name`` is one of them."""
    if len(node.input) != 2 or name not in node.input:
        return None
    return node.input[1] if node.input[0] == name else node.input[0]


def fuse_layer_norms(model: onnx.ModelProto) -> int:
    """mean, x - mean, mean of squares, + eps, Sqrt, Reciprocal, *, * gamma, + beta -> ``LayerNormalization``.

    ``GlobalAveragePool`` averages over every axis after the second; the pattern is taken only
    when gamma and beta are (1, 1, C) constants, i.e. a (batch, time, C) input normalised over C.
    """
    g = _Graph(model)
    replacements: dict[int, list[onnx.NodeProto]] = {}
    removed: set[int] = set()
    count = 0

    def single(name: str, op: str) -> onnx.NodeProto | None:
        users = g.consumers[name]
        if len(users) == 1 and users[0].op_type == op and name not in g.outputs:
            return users[0]
        return None

    for mean in g.graph.node:
        if mean.op_type != "GlobalAveragePool":
            continue
        x = mean.input[0]
        sub = single(mean.output[0], "Sub")
        if sub is None or list(sub.input) != [x, mean.output[0]]:
            continue
        d = sub.output[0]
        users = list({id(u): u for u in g.consumers[d]}.values())  # the square reads d twice
        square = next((u for u in users if u.op_type == "Mul" and list(u.input) == [d, d]), None)
        scale = next((u for u in users if u.op_type == "Mul" and u is not square), None)
        if square is None or scale is None or len(users) != 2:
            continue
        var = single(square.output[0], "GlobalAveragePool")
        eps_add = single(var.output[0], "Add") if var else None
        if var is None or eps_add is None:
            continue
        eps_name = _other(eps_add, var.output[0])
        if not eps_name or not g.is_const(eps_name) or g.array(eps_name).size != 1:
            continue
        sqrt = single(eps_add.output[0], "Sqrt")
        recip = single(sqrt.output[0], "Reciprocal") if sqrt else None
        if sqrt is None or recip is None or single(recip.output[0], "Mul") is not scale:
            continue
        gamma_mul = single(scale.output[0], "Mul")
        beta_add = single(gamma_mul.output[0], "Add") if gamma_mul else None
        if gamma_mul is None or beta_add is None:
            continue
        gamma, beta = _other(gamma_mul, scale.output[0]), _other(beta_add, gamma_mul.output[0])
        if not gamma or not beta or not g.is_const(gamma) or not g.is_const(beta):
            continue
        gamma_v, beta_v = g.array(gamma), g.array(beta)
        if gamma_v.ndim != 3 or gamma_v.shape[:2] != (1, 1) or beta_v.shape != gamma_v.shape:
            continue
        chain = [mean, sub, square, var, eps_add, sqrt, recip, scale, gamma_mul]
        removed.update(id(n) for n in chain)
        replacements[id(beta_add)] = [helper.make_node(
            "LayerNormalization",
            [x, g.add_constant(gamma_v.reshape(-1).astype(np.float32), "ln_gamma"),
             g.add_constant(beta_v.reshape(-1).astype(np.float32), "ln_beta")],
            [beta_add.output[0]], axis=-1, epsilon=float(g.array(eps_name).reshape(-1)[0]))]
        count += 1
    if count:
        _replace_nodes(model, replacements, removed)
        remove_dead_nodes(model)
    return count
