"""End-to-end cases of RNN, GRU and LSTM (recurrent-*.test): models run with
`dlc run` and compared with an independent float64 numpy implementation of
the ONNX equations (ref_recurrent below, written gate by gate and step by
step, unlike dlc's decomposition that folds biases and batches the input
projection).

  recurrent.py --op rnn|gru|lstm WORKDIR
  recurrent.py --case NAME WORKDIR
  recurrent.py --list

The cases register into ops.py's table and run with its driver. To keep the
number of compilations down, one model holds several nodes: for each cell
and layout, every direction both with everything given (B, initial_h,
initial_c) and with nothing optional, each node's every output compared.
"""

import os
import sys

import numpy as np

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import dlctest as T  # noqa: E402
import ops as O  # noqa: E402

F32, F64 = np.float32, np.float64
GATES = {"RNN": 1, "GRU": 3, "LSTM": 4}
DEFAULT_ACTS = {"RNN": ["Tanh"], "GRU": ["Sigmoid", "Tanh"],
                "LSTM": ["Sigmoid", "Tanh", "Tanh"]}
ACT = {"Tanh": np.tanh, "Sigmoid": lambda v: 1.0 / (1.0 + np.exp(-v)),
       "Relu": lambda v: np.maximum(v, 0.0)}


def ref_recurrent(op, X, W, R, B=None, h0=None, c0=None, P=None, hidden_size=None,
                  direction="forward", layout=0, activations=None, clip=None,
                  linear_before_reset=0):
    """ONNX RNN/GRU/LSTM in float64; returns [Y, Y_h] (+ [Y_c] for LSTM)."""
    X, W, R = T.f64(X), T.f64(W), T.f64(R)
    if layout == 1:
        X = X.transpose(1, 0, 2)
        h0 = None if h0 is None else T.f64(h0).transpose(1, 0, 2)
        c0 = None if c0 is None else T.f64(c0).transpose(1, 0, 2)
    S, N, _ = X.shape
    H, G = hidden_size, GATES[op]
    D = 2 if direction == "bidirectional" else 1
    nacts = len(DEFAULT_ACTS[op])
    acts = activations or DEFAULT_ACTS[op] * D
    cl = (lambda v: np.clip(v, -clip, clip)) if clip else (lambda v: v)
    Y = np.zeros((S, D, N, H))
    Yh, Yc = np.zeros((D, N, H)), np.zeros((D, N, H))
    for d in range(D):
        f, g = ACT[acts[d * nacts]], ACT[acts[d * nacts + 1]] if nacts > 1 else None
        hact = ACT[acts[d * nacts + 2]] if nacts > 2 else None
        w, r = W[d], R[d]
        b = np.zeros(2 * G * H) if B is None else T.f64(B)[d]
        wb, rb = b[:G * H], b[G * H:]
        h = np.zeros((N, H)) if h0 is None else T.f64(h0)[d]
        c = np.zeros((N, H)) if c0 is None else T.f64(c0)[d]
        p = np.zeros(3 * H) if P is None else T.f64(P)[d]
        part = lambda a, k: a[k * H:(k + 1) * H]  # noqa: E731
        steps = range(S - 1, -1, -1) if (direction == "reverse" or d == 1) else range(S)
        for t in steps:
            x = X[t]
            if op == "RNN":
                h = f(cl(x @ w.T + h @ r.T + wb + rb))
            elif op == "GRU":
                z = f(cl(x @ part(w, 0).T + h @ part(r, 0).T + part(wb, 0) + part(rb, 0)))
                rr = f(cl(x @ part(w, 1).T + h @ part(r, 1).T + part(wb, 1) + part(rb, 1)))
                if linear_before_reset:
                    hh = g(cl(x @ part(w, 2).T + rr * (h @ part(r, 2).T + part(rb, 2))
                              + part(wb, 2)))
                else:
                    hh = g(cl(x @ part(w, 2).T + (rr * h) @ part(r, 2).T + part(rb, 2)
                              + part(wb, 2)))
                h = (1 - z) * hh + z * h
            else:  # LSTM: gates i, o, f, c; peepholes i, o, f
                def gate(k):
                    return x @ part(w, k).T + h @ part(r, k).T + part(wb, k) + part(rb, k)
                i = f(cl(gate(0) + part(p, 0) * c))
                fg = f(cl(gate(2) + part(p, 2) * c))
                cc = g(cl(gate(3)))
                c = fg * c + i * cc
                o = f(cl(gate(1) + part(p, 1) * c))
                h = o * hact(c)
            Y[t, d] = h
        Yh[d], Yc[d] = h, c
    if layout == 1:
        Y, Yh, Yc = Y.transpose(2, 0, 1, 3), Yh.transpose(1, 0, 2), Yc.transpose(1, 0, 2)
    return [Y, Yh, Yc] if op == "LSTM" else [Y, Yh]


class Node:
    """One recurrent node of a case: its operands (None: omitted) and attrs."""

    def __init__(self, tag, op, rng, S, N, I, H, dt, direction="forward", layout=0,
                 bias=True, h0=True, c0=True, peep=False, outputs=None, **attrs):
        G, D = GATES[op], 2 if direction == "bidirectional" else 1
        self.tag, self.op, self.H = tag, op, H
        self.attrs = dict(attrs, hidden_size=H)
        if direction != "forward":
            self.attrs["direction"] = direction
        if layout:
            self.attrs["layout"] = layout
        state = [N, D, H] if layout else [D, N, H]
        scale = 1.0 / np.sqrt(H)
        u = lambda shape: rng.uniform(-1.5 * scale, 1.5 * scale, shape).astype(dt)  # noqa
        self.X = O.rnd(rng, [N, S, I] if layout else [S, N, I], dt)
        self.operands = [("X", self.X), ("W", u([D, G * H, I])), ("R", u([D, G * H, H])),
                         ("B", u([D, 2 * G * H]) if bias else None), ("sequence_lens", None),
                         ("initial_h", O.rnd(rng, state, dt, 0.5) if h0 else None)]
        if op == "LSTM":
            self.operands += [("initial_c", O.rnd(rng, state, dt, 0.5) if c0 else None),
                              ("P", u([D, 3 * H]) if peep else None)]
        names = ["Y", "Y_h", "Y_c"][:3 if op == "LSTM" else 2]
        # Which outputs the node names (None: all); "" omits one.
        self.outputs = outputs or names
        self.layout = layout

    def node(self):
        ins = ["" if a is None else "%s_%s" % (self.tag, n) for n, a in self.operands]
        while ins and ins[-1] == "":
            ins.pop()
        outs = ["%s_%s" % (self.tag, o) if o else "" for o in self.outputs]
        return {"name": self.tag, "op": self.op, "inputs": ins, "outputs": outs,
                "attrs": self.attrs}

    def refs(self):
        kw = {n.lower() if n in ("W", "R") else n: a for n, a in self.operands}
        got = ref_recurrent(self.op, self.X, kw["w"], kw["r"], kw["B"], kw["initial_h"],
                            kw.get("initial_c"), kw.get("P"), self.H,
                            self.attrs.get("direction", "forward"), self.layout,
                            self.attrs.get("activations"), self.attrs.get("clip"),
                            self.attrs.get("linear_before_reset", 0))
        names = ["Y", "Y_h", "Y_c"]
        return {"%s_%s" % (self.tag, o): got[names.index(o)] for o in self.outputs if o}


def add_case(group, cname, dt, make_nodes):
    """make_nodes(rng) -> [Node]; node TAG's operands are the inputs TAG_X, TAG_W..."""
    @O.case(group, cname)
    def build(rng, name):
        nodes = make_nodes(rng)
        feeds, refs = [], {}
        for n in nodes:
            feeds += [("%s_%s" % (n.tag, k), a) for k, a in n.operands if a is not None]
            refs.update(n.refs())
        # float64 rounding of tanh/sigmoid/exp and the sums: a few ulps of the
        # O(1) values per step; float32 likewise, scaled to its precision.
        extra = 1e-10 if dt == F64 else 2e-6
        model = {"version": 1, "name": name,
                 "inputs": [{"name": k, "dtype": T.dtype_name(a.dtype), "shape": list(a.shape)}
                            for k, a in feeds],
                 "nodes": [n.node() for n in nodes],
                 "outputs": list(refs)}
        return O.Case(model, dict(feeds), {k: (v, dt, extra) for k, v in refs.items()})


# Every cell x layout: each direction with all optional operands given and
# with none of them.
CELLS = [("rnn", "RNN", {}), ("gru", "GRU", {}),
         ("gru", "GRU", {"linear_before_reset": 1}), ("lstm", "LSTM", {})]
for group, op, extra in CELLS:
    for layout in (0, 1):
        lbr = "_lbr" if extra.get("linear_before_reset") else ""
        cname = "%s%s_layout%d" % (group, lbr, layout)

        def make(rng, op=op, extra=extra, layout=layout):
            nodes = []
            for direction in ("forward", "reverse", "bidirectional"):
                for full in (True, False):
                    tag = "%s_%s" % (direction[:3], "full" if full else "bare")
                    nodes.append(Node(tag, op, rng, S=4, N=3, I=5, H=4, dt=F64,
                                      direction=direction, layout=layout, bias=full,
                                      h0=full, c0=full, **extra))
            return nodes
        add_case(group, cname, F64, make)

# Mixed optional operands, omitted outputs, activations, clip, peepholes, f32.
add_case("rnn", "rnn_activations_clip", F64, lambda rng: [
    Node("relu", "RNN", rng, 5, 2, 3, 4, F64, activations=["Relu"], clip=0.8, h0=False),
    Node("sig_bi", "RNN", rng, 3, 2, 3, 4, F64, direction="bidirectional",
         activations=["Sigmoid", "Relu"], bias=False),
    Node("yh_only", "RNN", rng, 3, 2, 3, 4, F64, outputs=["", "Y_h"])])
add_case("rnn", "rnn_f32", F32, lambda rng: [
    Node("f32", "RNN", rng, 6, 3, 4, 5, F32, direction="bidirectional", layout=1)])
add_case("gru", "gru_activations_clip", F64, lambda rng: [
    Node("acts", "GRU", rng, 4, 2, 3, 4, F64, activations=["Sigmoid", "Relu"], clip=0.7),
    Node("acts_lbr", "GRU", rng, 4, 2, 3, 4, F64, direction="bidirectional",
         activations=["Sigmoid", "Tanh", "Tanh", "Relu"], linear_before_reset=1,
         clip=1.2, h0=False),
    Node("y_only", "GRU", rng, 3, 2, 3, 4, F64, outputs=["Y"], linear_before_reset=1,
         bias=True, h0=False)])
add_case("gru", "gru_f32", F32, lambda rng: [
    Node("f32", "GRU", rng, 6, 3, 4, 5, F32, layout=1, linear_before_reset=1),
    Node("f32_lbr0", "GRU", rng, 6, 3, 4, 5, F32, direction="reverse", bias=False)])
add_case("lstm", "lstm_peepholes_clip", F64, lambda rng: [
    Node("peep", "LSTM", rng, 4, 2, 3, 4, F64, peep=True),
    Node("peep_bi_l1", "LSTM", rng, 4, 2, 3, 4, F64, peep=True, layout=1,
         direction="bidirectional", c0=False),
    Node("clip", "LSTM", rng, 4, 2, 3, 4, F64, clip=0.5, h0=False),
    Node("acts", "LSTM", rng, 4, 2, 3, 4, F64, direction="reverse",
         activations=["Sigmoid", "Relu", "Sigmoid"]),
    Node("h_only", "LSTM", rng, 3, 2, 3, 4, F64, c0=False, bias=False),
    Node("c_only", "LSTM", rng, 3, 2, 3, 4, F64, h0=False, outputs=["", "", "Y_c"])])
add_case("lstm", "lstm_f32", F32, lambda rng: [
    Node("f32", "LSTM", rng, 6, 3, 4, 5, F32, direction="bidirectional", layout=1)])


if __name__ == "__main__":
    for g in list(O.GROUPS):
        if g not in ("rnn", "gru", "lstm"):
            del O.GROUPS[g]
    sys.exit(O.main())
