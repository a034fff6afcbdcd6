// Diagnostics of the RNN, GRU and LSTM shape rules, one per split; each
// names the offending values.
// RUN: dlc-opt %s -split-input-file -verify-diagnostics

func.func @rnn_w_shape(%x: tensor<5x3x4xf32>, %w: tensor<1x7x4xf32>, %r: tensor<1x6x6xf32>) {
  // expected-error @+2 {{failed to infer returned types}}
  // expected-error @+1 {{W has shape [1, 7, 4], expected [1, 6, 4] (direction "forward", hidden_size 6, layout 0, X [5, 3, 4])}}
  %o0, %o1 = dlc.RNN %x, %w, %r {hidden_size = 6 : si64} : (tensor<5x3x4xf32>, tensor<1x7x4xf32>, tensor<1x6x6xf32>) -> (tensor<5x1x3x6xf32>, tensor<1x3x6xf32>)
  return
}

// -----

func.func @gru_r_shape_gates(%x: tensor<5x3x4xf32>, %w: tensor<1x18x4xf32>, %r: tensor<1x6x6xf32>) {
  // expected-error @+2 {{failed to infer returned types}}
  // expected-error @+1 {{R has shape [1, 6, 6], expected [1, 18, 6] (direction "forward", hidden_size 6, layout 0, X [5, 3, 4])}}
  %o0, %o1 = dlc.GRU %x, %w, %r {hidden_size = 6 : si64} : (tensor<5x3x4xf32>, tensor<1x18x4xf32>, tensor<1x6x6xf32>) -> (tensor<5x1x3x6xf32>, tensor<1x3x6xf32>)
  return
}

// -----

func.func @lstm_w_directions(%x: tensor<5x3x4xf32>, %w: tensor<1x24x4xf32>, %r: tensor<1x24x6xf32>) {
  // expected-error @+2 {{failed to infer returned types}}
  // expected-error @+1 {{W has shape [1, 24, 4], expected [2, 24, 4] (direction "bidirectional", hidden_size 6, layout 0, X [5, 3, 4])}}
  %o0, %o1, %o2 = dlc.LSTM %x, %w, %r {hidden_size = 6 : si64, direction = "bidirectional"} : (tensor<5x3x4xf32>, tensor<1x24x4xf32>, tensor<1x24x6xf32>) -> (tensor<5x2x3x6xf32>, tensor<2x3x6xf32>, tensor<2x3x6xf32>)
  return
}

// -----

func.func @rnn_b_shape(%x: tensor<5x3x4xf32>, %w: tensor<1x6x4xf32>, %r: tensor<1x6x6xf32>, %b: tensor<1x6xf32>) {
  // expected-error @+2 {{failed to infer returned types}}
  // expected-error @+1 {{B has shape [1, 6], expected [1, 12] (direction "forward", hidden_size 6, layout 0, X [5, 3, 4])}}
  %o0, %o1 = dlc.RNN %x, %w, %r B(%b) {hidden_size = 6 : si64} : (tensor<5x3x4xf32>, tensor<1x6x4xf32>, tensor<1x6x6xf32>, tensor<1x6xf32>) -> (tensor<5x1x3x6xf32>, tensor<1x3x6xf32>)
  return
}

// -----

func.func @gru_initial_h_layout(%x: tensor<5x3x4xf32>, %w: tensor<1x18x4xf32>, %r: tensor<1x18x6xf32>, %h: tensor<1x3x6xf32>) {
  // expected-error @+2 {{failed to infer returned types}}
  // expected-error @+1 {{initial_h has shape [1, 3, 6], expected [5, 1, 6] (direction "forward", hidden_size 6, layout 1, X [5, 3, 4])}}
  %o0, %o1 = dlc.GRU %x, %w, %r initial_h(%h) {hidden_size = 6 : si64, layout = 1 : si64} : (tensor<5x3x4xf32>, tensor<1x18x4xf32>, tensor<1x18x6xf32>, tensor<1x3x6xf32>) -> (tensor<5x3x1x6xf32>, tensor<5x1x6xf32>)
  return
}

// -----

func.func @lstm_initial_c_shape(%x: tensor<5x3x4xf32>, %w: tensor<1x24x4xf32>, %r: tensor<1x24x6xf32>, %c: tensor<1x3x5xf32>) {
  // expected-error @+2 {{failed to infer returned types}}
  // expected-error @+1 {{initial_c has shape [1, 3, 5], expected [1, 3, 6] (direction "forward", hidden_size 6, layout 0, X [5, 3, 4])}}
  %o0, %o1, %o2 = dlc.LSTM %x, %w, %r initial_c(%c) {hidden_size = 6 : si64} : (tensor<5x3x4xf32>, tensor<1x24x4xf32>, tensor<1x24x6xf32>, tensor<1x3x5xf32>) -> (tensor<5x1x3x6xf32>, tensor<1x3x6xf32>, tensor<1x3x6xf32>)
  return
}

// -----

func.func @lstm_peephole_shape(%x: tensor<5x3x4xf32>, %w: tensor<1x24x4xf32>, %r: tensor<1x24x6xf32>, %p: tensor<1x24xf32>) {
  // expected-error @+2 {{failed to infer returned types}}
  // expected-error @+1 {{P has shape [1, 24], expected [1, 18] (direction "forward", hidden_size 6, layout 0, X [5, 3, 4])}}
  %o0, %o1, %o2 = dlc.LSTM %x, %w, %r P(%p) {hidden_size = 6 : si64} : (tensor<5x3x4xf32>, tensor<1x24x4xf32>, tensor<1x24x6xf32>, tensor<1x24xf32>) -> (tensor<5x1x3x6xf32>, tensor<1x3x6xf32>, tensor<1x3x6xf32>)
  return
}

// -----

func.func @rnn_hidden_size(%x: tensor<5x3x4xf32>, %w: tensor<1x6x4xf32>, %r: tensor<1x6x6xf32>) {
  // expected-error @+2 {{failed to infer returned types}}
  // expected-error @+1 {{hidden_size must be positive, got 0}}
  %o0, %o1 = dlc.RNN %x, %w, %r {hidden_size = 0 : si64} : (tensor<5x3x4xf32>, tensor<1x6x4xf32>, tensor<1x6x6xf32>) -> (tensor<5x1x3x0xf32>, tensor<1x3x0xf32>)
  return
}

// -----

func.func @rnn_direction(%x: tensor<5x3x4xf32>, %w: tensor<1x6x4xf32>, %r: tensor<1x6x6xf32>) {
  // expected-error @+2 {{failed to infer returned types}}
  // expected-error @+1 {{direction must be "forward", "reverse" or "bidirectional", got "backward"}}
  %o0, %o1 = dlc.RNN %x, %w, %r {hidden_size = 6 : si64, direction = "backward"} : (tensor<5x3x4xf32>, tensor<1x6x4xf32>, tensor<1x6x6xf32>) -> (tensor<5x1x3x6xf32>, tensor<1x3x6xf32>)
  return
}

// -----

func.func @gru_layout(%x: tensor<5x3x4xf32>, %w: tensor<1x18x4xf32>, %r: tensor<1x18x6xf32>) {
  // expected-error @+2 {{failed to infer returned types}}
  // expected-error @+1 {{layout must be 0 ([seq, batch, ...]) or 1 ([batch, seq, ...]), got 2}}
  %o0, %o1 = dlc.GRU %x, %w, %r {hidden_size = 6 : si64, layout = 2 : si64} : (tensor<5x3x4xf32>, tensor<1x18x4xf32>, tensor<1x18x6xf32>) -> (tensor<5x1x3x6xf32>, tensor<1x3x6xf32>)
  return
}

// -----

func.func @rnn_rank(%x: tensor<15x4xf32>, %w: tensor<1x6x4xf32>, %r: tensor<1x6x6xf32>) {
  // expected-error @+2 {{failed to infer returned types}}
  // expected-error @+1 {{input X must have rank 3 ([seq, batch, input] or [batch, seq, input]), got [15, 4]}}
  %o0, %o1 = dlc.RNN %x, %w, %r {hidden_size = 6 : si64} : (tensor<15x4xf32>, tensor<1x6x4xf32>, tensor<1x6x6xf32>) -> (tensor<5x1x3x6xf32>, tensor<1x3x6xf32>)
  return
}

// -----

func.func @rnn_element_type(%x: tensor<5x3x4xf32>, %w: tensor<1x6x4xf64>, %r: tensor<1x6x6xf32>) {
  // expected-error @+2 {{failed to infer returned types}}
  // expected-error @+1 {{W has element type 'f64', X has 'f32'}}
  %o0, %o1 = dlc.RNN %x, %w, %r {hidden_size = 6 : si64} : (tensor<5x3x4xf32>, tensor<1x6x4xf64>, tensor<1x6x6xf32>) -> (tensor<5x1x3x6xf32>, tensor<1x3x6xf32>)
  return
}

// -----

func.func @gru_linear_before_reset(%x: tensor<5x3x4xf32>, %w: tensor<1x18x4xf32>, %r: tensor<1x18x6xf32>) {
  // expected-error @+2 {{failed to infer returned types}}
  // expected-error @+1 {{linear_before_reset must be 0 or 1, got 2}}
  %o0, %o1 = dlc.GRU %x, %w, %r {hidden_size = 6 : si64, linear_before_reset = 2 : si64} : (tensor<5x3x4xf32>, tensor<1x18x4xf32>, tensor<1x18x6xf32>) -> (tensor<5x1x3x6xf32>, tensor<1x3x6xf32>)
  return
}

// -----

func.func @lstm_activations_count(%x: tensor<5x3x4xf32>, %w: tensor<1x24x4xf32>, %r: tensor<1x24x6xf32>) {
  // expected-error @+2 {{failed to infer returned types}}
  // expected-error @+1 {{activations has 2 entries, expected 3 (3 per direction)}}
  %o0, %o1, %o2 = dlc.LSTM %x, %w, %r {hidden_size = 6 : si64, activations = ["Sigmoid", "Tanh"]} : (tensor<5x3x4xf32>, tensor<1x24x4xf32>, tensor<1x24x6xf32>) -> (tensor<5x1x3x6xf32>, tensor<1x3x6xf32>, tensor<1x3x6xf32>)
  return
}

// -----

func.func @rnn_activations_name(%x: tensor<5x3x4xf32>, %w: tensor<1x6x4xf32>, %r: tensor<1x6x6xf32>) {
  // expected-error @+2 {{failed to infer returned types}}
  // expected-error @+1 {{activation "Softsign" is not supported (Tanh, Sigmoid, Relu)}}
  %o0, %o1 = dlc.RNN %x, %w, %r {hidden_size = 6 : si64, activations = ["Softsign"]} : (tensor<5x3x4xf32>, tensor<1x6x4xf32>, tensor<1x6x6xf32>) -> (tensor<5x1x3x6xf32>, tensor<1x3x6xf32>)
  return
}

// -----

func.func @rnn_clip(%x: tensor<5x3x4xf32>, %w: tensor<1x6x4xf32>, %r: tensor<1x6x6xf32>) {
  // expected-error @+2 {{failed to infer returned types}}
  // expected-error @+1 {{clip must be positive, got -1}}
  %o0, %o1 = dlc.RNN %x, %w, %r {hidden_size = 6 : si64, clip = -1.0 : f64} : (tensor<5x3x4xf32>, tensor<1x6x4xf32>, tensor<1x6x6xf32>) -> (tensor<5x1x3x6xf32>, tensor<1x3x6xf32>)
  return
}

// -----

func.func @rnn_sequence_lens(%x: tensor<5x3x4xf32>, %w: tensor<1x6x4xf32>, %r: tensor<1x6x6xf32>, %l: tensor<3xi32>) {
  // expected-error @+2 {{failed to infer returned types}}
  // expected-error @+1 {{sequence_lens is not supported yet: every sequence has the full length; omit it}}
  %o0, %o1 = dlc.RNN %x, %w, %r sequence_lens(%l) {hidden_size = 6 : si64} : (tensor<5x3x4xf32>, tensor<1x6x4xf32>, tensor<1x6x6xf32>, tensor<3xi32>) -> (tensor<5x1x3x6xf32>, tensor<1x3x6xf32>)
  return
}

// -----

func.func @rnn_result_type(%x: tensor<5x3x4xf32>, %w: tensor<1x6x4xf32>, %r: tensor<1x6x6xf32>) {
  // expected-error @+2 {{failed to infer returned types}}
  // expected-error @+1 {{inferred type(s) 'tensor<5x1x3x6xf32>', 'tensor<1x3x6xf32>' are incompatible with return type(s) of operation 'tensor<5x3x1x6xf32>', 'tensor<1x3x6xf32>'}}
  %o0, %o1 = dlc.RNN %x, %w, %r {hidden_size = 6 : si64} : (tensor<5x3x4xf32>, tensor<1x6x4xf32>, tensor<1x6x6xf32>) -> (tensor<5x3x1x6xf32>, tensor<1x3x6xf32>)
  return
}
