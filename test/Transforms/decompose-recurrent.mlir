// dlc-decompose unrolls RNN, GRU and LSTM over the sequence into core ops:
// one input MatMul for all steps with the biases folded in, split into the
// steps' rows by one Split (its gradient is one Concat), then per step the
// recurrent MatMul(s), a Split into gates and the gate arithmetic; a zero
// initial state is never materialized.
// RUN: dlc-opt %s -dlc-decompose -split-input-file | FileCheck %s

// LSTM, layout 1, no initial state, only Y_h used (Y is not assembled).
// CHECK-LABEL: func.func @lstm_yh
// CHECK-SAME: (%[[X:.*]]: tensor<2x3x4xf32>, %[[W:.*]]: tensor<1x20x4xf32>, %[[R:.*]]: tensor<1x20x5xf32>, %[[B:.*]]: tensor<1x40xf32>)
// CHECK-NOT: dlc.LSTM
// Batch-first X to time-major rows [S*N, I].
// CHECK: %[[XT:.*]] = dlc.Transpose %[[X]] {perm = array<i64: 1, 0, 2>} : (tensor<2x3x4xf32>) -> tensor<3x2x4xf32>
// CHECK: %[[XF:.*]] = dlc.Reshape %[[XT]] {shape = array<i64: 6, 4>}
// CHECK: %[[WT:.*]] = dlc.Transpose %{{.*}} {perm = array<i64: 1, 0>} : (tensor<20x4xf32>) -> tensor<4x20xf32>
// Wb + Rb, added once to the whole projection.
// CHECK: %[[WB:.*]] = dlc.Slice %[[BD:.*]] {axes = array<i64: 0>, ends = array<i64: 20>, starts = array<i64: 0>} : (tensor<40xf32>) -> tensor<20xf32>
// CHECK: %[[RB:.*]] = dlc.Slice %[[BD]] {axes = array<i64: 0>, ends = array<i64: 40>, starts = array<i64: 20>}
// CHECK: %[[BIAS:.*]] = dlc.Add %[[WB]], %[[RB]]
// CHECK: %[[XW:.*]] = dlc.MatMul %[[XF]], %[[WT]] : (tensor<6x4xf32>, tensor<4x20xf32>) -> tensor<6x20xf32>
// CHECK: %[[PROJ:.*]] = dlc.Add %[[XW]], %[[BIAS]]
// CHECK: %[[RT:.*]] = dlc.Transpose %{{.*}} {perm = array<i64: 1, 0>} : (tensor<20x5xf32>) -> tensor<5x20xf32>
// The steps' rows of the projection: one Split along axis 0.
// CHECK: %[[XS:.*]]:3 = dlc.Split %[[PROJ]] {num_outputs = 3 : si64} : (tensor<6x20xf32>) -> (tensor<2x20xf32>, tensor<2x20xf32>, tensor<2x20xf32>)
// Step 0: rows 0-1 of the projection, no recurrent product, no forget gate.
// CHECK-NEXT: %[[G0:.*]]:4 = dlc.Split %[[XS]]#0 {axis = 1 : si64, num_outputs = 4 : si64}
// CHECK-NEXT: %[[I0:.*]] = dlc.Sigmoid %[[G0]]#0
// CHECK-NEXT: %[[CC0:.*]] = dlc.Tanh %[[G0]]#3
// CHECK-NEXT: %[[C0:.*]] = dlc.Mul %[[I0]], %[[CC0]]
// CHECK-NEXT: %[[O0:.*]] = dlc.Sigmoid %[[G0]]#1
// CHECK-NEXT: %[[TC0:.*]] = dlc.Tanh %[[C0]]
// CHECK-NEXT: %[[H0:.*]] = dlc.Mul %[[O0]], %[[TC0]]
// Step 1: H_0 R^T joins the projection; f . C_0 + i . c.
// CHECK-NEXT: %[[HR1:.*]] = dlc.MatMul %[[H0]], %[[RT]] : (tensor<2x5xf32>, tensor<5x20xf32>) -> tensor<2x20xf32>
// CHECK-NEXT: %[[A1:.*]] = dlc.Add %[[XS]]#1, %[[HR1]]
// CHECK-NEXT: %[[G1:.*]]:4 = dlc.Split %[[A1]]
// CHECK-NEXT: %[[I1:.*]] = dlc.Sigmoid %[[G1]]#0
// CHECK-NEXT: %[[CC1:.*]] = dlc.Tanh %[[G1]]#3
// CHECK-NEXT: %[[IC1:.*]] = dlc.Mul %[[I1]], %[[CC1]]
// CHECK-NEXT: %[[F1:.*]] = dlc.Sigmoid %[[G1]]#2
// CHECK-NEXT: %[[FC1:.*]] = dlc.Mul %[[F1]], %[[C0]]
// CHECK-NEXT: %[[C1:.*]] = dlc.Add %[[FC1]], %[[IC1]]
// CHECK-NEXT: %[[O1:.*]] = dlc.Sigmoid %[[G1]]#1
// CHECK-NEXT: %[[TC1:.*]] = dlc.Tanh %[[C1]]
// CHECK-NEXT: %[[H1:.*]] = dlc.Mul %[[O1]], %[[TC1]]
// Step 2 likewise; Y_h is the last H, [N, D, H] in layout 1.
// CHECK: %[[HR2:.*]] = dlc.MatMul %[[H1]], %[[RT]]
// CHECK-NEXT: dlc.Add %[[XS]]#2, %[[HR2]]
// CHECK: %[[YH:.*]] = dlc.Reshape %{{.*}} {shape = array<i64: 1, 2, 5>}
// CHECK-NEXT: %[[YHT:.*]] = dlc.Transpose %[[YH]] {perm = array<i64: 1, 0, 2>} : (tensor<1x2x5xf32>) -> tensor<2x1x5xf32>
// CHECK-NOT: dlc.Concat
// CHECK: return %[[YHT]]
func.func @lstm_yh(%x: tensor<2x3x4xf32>, %w: tensor<1x20x4xf32>, %r: tensor<1x20x5xf32>, %b: tensor<1x40xf32>) -> tensor<2x1x5xf32> {
  %y, %yh, %yc = dlc.LSTM %x, %w, %r B(%b) {hidden_size = 5 : si64, layout = 1 : si64}
      : (tensor<2x3x4xf32>, tensor<1x20x4xf32>, tensor<1x20x5xf32>, tensor<1x40xf32>)
      -> (tensor<2x3x1x5xf32>, tensor<2x1x5xf32>, tensor<2x1x5xf32>)
  return %yh : tensor<2x1x5xf32>
}

// -----

// GRU, reverse, linear_before_reset = 0, with initial_h: steps run t = 2, 1, 0;
// Rz, Rr multiply H in one MatMul, Rh multiplies r . H; Y is in time order.
// CHECK-LABEL: func.func @gru_reverse
// CHECK-SAME: %[[H0:[^:]*]]: tensor<1x2x5xf32>)
// CHECK: %[[RD:.*]] = dlc.Reshape %{{.*}} {shape = array<i64: 15, 5>}
// CHECK: %[[PROJ:.*]] = dlc.Add %{{.*}} : (tensor<6x15xf32>, tensor<15xf32>) -> tensor<6x15xf32>
// CHECK: %[[RZR:.*]] = dlc.Slice %[[RD]] {axes = array<i64: 0>, ends = array<i64: 10>, starts = array<i64: 0>}
// CHECK-NEXT: %[[RZRT:.*]] = dlc.Transpose %[[RZR]] {perm = array<i64: 1, 0>} : (tensor<10x5xf32>) -> tensor<5x10xf32>
// CHECK-NEXT: %[[RH:.*]] = dlc.Slice %[[RD]] {axes = array<i64: 0>, ends = array<i64: 15>, starts = array<i64: 10>}
// CHECK-NEXT: %[[RHT:.*]] = dlc.Transpose %[[RH]]
// CHECK: %[[H:.*]] = dlc.Reshape %{{.*}} {shape = array<i64: 2, 5>} : (tensor<1x2x5xf32>) -> tensor<2x5xf32>
// CHECK-NEXT: %[[XS:.*]]:3 = dlc.Split %[[PROJ]] {num_outputs = 3 : si64}
// CHECK-NEXT: %[[XG:.*]]:3 = dlc.Split %[[XS]]#2
// CHECK-NEXT: %[[HZR:.*]] = dlc.MatMul %[[H]], %[[RZRT]] : (tensor<2x5xf32>, tensor<5x10xf32>) -> tensor<2x10xf32>
// CHECK-NEXT: %[[HG:.*]]:2 = dlc.Split %[[HZR]]
// CHECK-NEXT: %[[ZA:.*]] = dlc.Add %[[XG]]#0, %[[HG]]#0
// CHECK-NEXT: %[[Z:.*]] = dlc.Sigmoid %[[ZA]]
// CHECK-NEXT: %[[RA:.*]] = dlc.Add %[[XG]]#1, %[[HG]]#1
// CHECK-NEXT: %[[RG:.*]] = dlc.Sigmoid %[[RA]]
// CHECK-NEXT: %[[RHP:.*]] = dlc.Mul %[[RG]], %[[H]]
// CHECK-NEXT: %[[HR:.*]] = dlc.MatMul %[[RHP]], %[[RHT]]
// CHECK-NEXT: %[[HA:.*]] = dlc.Add %[[XG]]#2, %[[HR]]
// CHECK-NEXT: %[[HH:.*]] = dlc.Tanh %[[HA]]
// H = hh + z . (H_prev - hh)
// CHECK-NEXT: %[[D:.*]] = dlc.Sub %[[H]], %[[HH]]
// CHECK-NEXT: %[[ZD:.*]] = dlc.Mul %[[Z]], %[[D]]
// CHECK-NEXT: %[[HT2:.*]] = dlc.Add %[[HH]], %[[ZD]]
// CHECK-NEXT: %[[Y2:.*]] = dlc.Reshape %[[HT2]] {shape = array<i64: 1, 1, 2, 5>}
// CHECK-NEXT: dlc.Split %[[XS]]#1
// CHECK: %[[Y1:.*]] = dlc.Reshape %{{.*}} {shape = array<i64: 1, 1, 2, 5>}
// CHECK-NEXT: dlc.Split %[[XS]]#0
// CHECK: %[[Y0:.*]] = dlc.Reshape %[[HT0:.*]] {shape = array<i64: 1, 1, 2, 5>}
// CHECK-NEXT: %[[Y:.*]] = dlc.Concat %[[Y0]], %[[Y1]], %[[Y2]] {axis = 0 : si64}
// CHECK-NEXT: %[[YH:.*]] = dlc.Reshape %[[HT0]] {shape = array<i64: 1, 2, 5>}
// CHECK-NEXT: return %[[Y]], %[[YH]]
func.func @gru_reverse(%x: tensor<3x2x4xf32>, %w: tensor<1x15x4xf32>, %r: tensor<1x15x5xf32>, %b: tensor<1x30xf32>, %h0: tensor<1x2x5xf32>) -> (tensor<3x1x2x5xf32>, tensor<1x2x5xf32>) {
  %y, %yh = dlc.GRU %x, %w, %r B(%b) initial_h(%h0) {hidden_size = 5 : si64, direction = "reverse"}
      : (tensor<3x2x4xf32>, tensor<1x15x4xf32>, tensor<1x15x5xf32>, tensor<1x30xf32>, tensor<1x2x5xf32>)
      -> (tensor<3x1x2x5xf32>, tensor<1x2x5xf32>)
  return %y, %yh : tensor<3x1x2x5xf32>, tensor<1x2x5xf32>
}

// -----

// GRU with linear_before_reset = 1: Rbh stays out of the projection's bias
// and is added to H Rh^T inside the step, where r multiplies both.
// CHECK-LABEL: func.func @gru_linear_before_reset
// CHECK: %[[WB:.*]] = dlc.Slice %[[BD:.*]] {axes = array<i64: 0>, ends = array<i64: 6>, starts = array<i64: 0>} : (tensor<12xf32>) -> tensor<6xf32>
// CHECK-NEXT: %[[RB:.*]] = dlc.Slice %[[BD]] {axes = array<i64: 0>, ends = array<i64: 12>, starts = array<i64: 6>}
// CHECK-NEXT: %[[WBZR:.*]] = dlc.Slice %[[WB]] {axes = array<i64: 0>, ends = array<i64: 4>, starts = array<i64: 0>}
// CHECK-NEXT: %[[RBZR:.*]] = dlc.Slice %[[RB]] {axes = array<i64: 0>, ends = array<i64: 4>, starts = array<i64: 0>}
// CHECK-NEXT: %[[BZR:.*]] = dlc.Add %[[WBZR]], %[[RBZR]]
// CHECK-NEXT: %[[WBH:.*]] = dlc.Slice %[[WB]] {axes = array<i64: 0>, ends = array<i64: 6>, starts = array<i64: 4>}
// CHECK-NEXT: %[[XB:.*]] = dlc.Concat %[[BZR]], %[[WBH]] {axis = 0 : si64}
// CHECK-NEXT: %[[RBH:.*]] = dlc.Slice %[[RB]] {axes = array<i64: 0>, ends = array<i64: 6>, starts = array<i64: 4>}
// CHECK: %[[PROJ:.*]] = dlc.Add %{{.*}}, %[[XB]]
// Step 0 without a state: h = g(x_h + r . Rbh).
// CHECK: %[[XG:.*]]:3 = dlc.Split
// CHECK-NEXT: %[[Z0:.*]] = dlc.Sigmoid %[[XG]]#0
// CHECK-NEXT: %[[R0:.*]] = dlc.Sigmoid %[[XG]]#1
// CHECK-NEXT: %[[RR0:.*]] = dlc.Mul %[[R0]], %[[RBH]]
// CHECK-NEXT: dlc.Add %[[XG]]#2, %[[RR0]]
// Step 1: r . (H Rh^T + Rbh) from one [N, H] x [H, 3H] product.
// CHECK: %[[HR:.*]] = dlc.MatMul %{{.*}} : (tensor<1x2xf32>, tensor<2x6xf32>) -> tensor<1x6xf32>
// CHECK-NEXT: %[[HG:.*]]:3 = dlc.Split %[[HR]]
// CHECK-NEXT: %[[HH:.*]] = dlc.Add %[[HG]]#2, %[[RBH]]
// CHECK-NEXT: dlc.Add %{{.*}}#0, %[[HG]]#0
// CHECK-NEXT: dlc.Sigmoid
// CHECK-NEXT: %[[RA1:.*]] = dlc.Add %{{.*}}#1, %[[HG]]#1
// CHECK-NEXT: %[[R1:.*]] = dlc.Sigmoid %[[RA1]]
// CHECK-NEXT: %[[RH1:.*]] = dlc.Mul %[[R1]], %[[HH]]
func.func @gru_linear_before_reset(%x: tensor<2x1x3xf32>, %w: tensor<1x6x3xf32>, %r: tensor<1x6x2xf32>, %b: tensor<1x12xf32>) -> tensor<1x1x2xf32> {
  %y, %yh = dlc.GRU %x, %w, %r B(%b) {hidden_size = 2 : si64, linear_before_reset = 1 : si64}
      : (tensor<2x1x3xf32>, tensor<1x6x3xf32>, tensor<1x6x2xf32>, tensor<1x12xf32>)
      -> (tensor<2x1x1x2xf32>, tensor<1x1x2xf32>)
  return %yh : tensor<1x1x2xf32>
}

// -----

// Bidirectional RNN: each direction its own slice of W, R and projection;
// Relu after a clip; Y joins the directions on axis 1.
// CHECK-LABEL: func.func @rnn_bidirectional
// CHECK: dlc.Slice %{{.*}} {axes = array<i64: 0>, ends = array<i64: 1>, starts = array<i64: 0>} : (tensor<2x3x4xf32>) -> tensor<1x3x4xf32>
// CHECK: %[[P0:.*]] = dlc.MatMul %{{.*}} : (tensor<4x4xf32>, tensor<4x3xf32>) -> tensor<4x3xf32>
// CHECK: %[[C:.*]] = dlc.Clip %{{.*}} {max = 1.500000e+00 : f64, min = -1.500000e+00 : f64}
// CHECK-NEXT: dlc.Relu %[[C]]
// CHECK: dlc.Slice %{{.*}} {axes = array<i64: 0>, ends = array<i64: 2>, starts = array<i64: 1>} : (tensor<2x3x4xf32>) -> tensor<1x3x4xf32>
// The reverse direction starts at the last step (rows 2-3).
// CHECK: %[[P1:.*]] = dlc.MatMul %{{.*}} : (tensor<4x4xf32>, tensor<4x3xf32>) -> tensor<4x3xf32>
// CHECK: %[[PS1:.*]]:2 = dlc.Split %[[P1]] {num_outputs = 2 : si64}
// CHECK: dlc.Clip %[[PS1]]#1
// CHECK: dlc.Sigmoid
// CHECK: %[[Y:.*]] = dlc.Concat %{{.*}}, %{{.*}} {axis = 1 : si64} : (tensor<2x1x2x3xf32>, tensor<2x1x2x3xf32>) -> tensor<2x2x2x3xf32>
// CHECK: %[[YH:.*]] = dlc.Concat %{{.*}}, %{{.*}} {axis = 0 : si64} : (tensor<1x2x3xf32>, tensor<1x2x3xf32>) -> tensor<2x2x3xf32>
// CHECK: return %[[Y]], %[[YH]]
func.func @rnn_bidirectional(%x: tensor<2x2x4xf32>, %w: tensor<2x3x4xf32>, %r: tensor<2x3x3xf32>) -> (tensor<2x2x2x3xf32>, tensor<2x2x3xf32>) {
  %y, %yh = dlc.RNN %x, %w, %r {hidden_size = 3 : si64, direction = "bidirectional",
                                activations = ["Relu", "Sigmoid"], clip = 1.5 : f64}
      : (tensor<2x2x4xf32>, tensor<2x3x4xf32>, tensor<2x3x3xf32>)
      -> (tensor<2x2x2x3xf32>, tensor<2x2x3xf32>)
  return %y, %yh : tensor<2x2x2x3xf32>, tensor<2x2x3xf32>
}
