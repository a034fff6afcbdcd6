// RNN, GRU and LSTM parse, infer their result types (both layouts, all
// directions, any subset of the optional operands) and print back.
// RUN: dlc-opt %s | dlc-opt | FileCheck %s

// CHECK-LABEL: func.func @rnn
func.func @rnn(%x: tensor<5x3x4xf32>, %w: tensor<1x6x4xf32>, %r: tensor<1x6x6xf32>,
               %b: tensor<1x12xf32>, %h0: tensor<1x3x6xf32>)
    -> (tensor<5x1x3x6xf32>, tensor<1x3x6xf32>, tensor<1x3x6xf32>) {
  // CHECK: %Y, %Y_h = dlc.RNN %{{.*}}, %{{.*}}, %{{.*}} B(%{{.*}}) initial_h(%{{.*}}) {activations = ["Relu"], clip = 2.500000e+00 : f64, hidden_size = 6 : si64}
  // CHECK-SAME: -> (tensor<5x1x3x6xf32>, tensor<1x3x6xf32>)
  %y, %yh = dlc.RNN %x, %w, %r B(%b) initial_h(%h0)
      {hidden_size = 6 : si64, activations = ["Relu"], clip = 2.5 : f64}
      : (tensor<5x3x4xf32>, tensor<1x6x4xf32>, tensor<1x6x6xf32>, tensor<1x12xf32>, tensor<1x3x6xf32>)
      -> (tensor<5x1x3x6xf32>, tensor<1x3x6xf32>)
  // No bias, initial state only: the operand groups are independent.
  // CHECK: dlc.RNN %{{.*}}, %{{.*}}, %{{.*}} initial_h(%{{.*}}) {direction = "reverse", hidden_size = 6 : si64}
  %y2, %yh2 = dlc.RNN %x, %w, %r initial_h(%h0) {hidden_size = 6 : si64, direction = "reverse"}
      : (tensor<5x3x4xf32>, tensor<1x6x4xf32>, tensor<1x6x6xf32>, tensor<1x3x6xf32>)
      -> (tensor<5x1x3x6xf32>, tensor<1x3x6xf32>)
  return %y, %yh, %yh2 : tensor<5x1x3x6xf32>, tensor<1x3x6xf32>, tensor<1x3x6xf32>
}

// Layout 1 moves the batch first: X [N, S, I], Y [N, S, D, H], Y_h [N, D, H].
// CHECK-LABEL: func.func @gru_bidirectional_layout1
func.func @gru_bidirectional_layout1(%x: tensor<3x5x4xf64>, %w: tensor<2x15x4xf64>,
                                     %r: tensor<2x15x5xf64>, %b: tensor<2x30xf64>,
                                     %h0: tensor<3x2x5xf64>)
    -> (tensor<3x5x2x5xf64>, tensor<3x2x5xf64>) {
  // CHECK: dlc.GRU {{.*}} {direction = "bidirectional", hidden_size = 5 : si64, layout = 1 : si64, linear_before_reset = 1 : si64}
  // CHECK-SAME: -> (tensor<3x5x2x5xf64>, tensor<3x2x5xf64>)
  %y, %yh = dlc.GRU %x, %w, %r B(%b) initial_h(%h0)
      {hidden_size = 5 : si64, direction = "bidirectional", layout = 1 : si64, linear_before_reset = 1 : si64}
      : (tensor<3x5x4xf64>, tensor<2x15x4xf64>, tensor<2x15x5xf64>, tensor<2x30xf64>, tensor<3x2x5xf64>)
      -> (tensor<3x5x2x5xf64>, tensor<3x2x5xf64>)
  return %y, %yh : tensor<3x5x2x5xf64>, tensor<3x2x5xf64>
}

// CHECK-LABEL: func.func @lstm
func.func @lstm(%x: tensor<7x2x3xf32>, %w: tensor<2x16x3xf32>, %r: tensor<2x16x4xf32>,
                %c0: tensor<2x2x4xf32>, %p: tensor<2x12xf32>)
    -> (tensor<7x2x2x4xf32>, tensor<2x2x4xf32>, tensor<2x2x4xf32>) {
  // CHECK: %Y, %Y_h, %Y_c = dlc.LSTM %{{.*}}, %{{.*}}, %{{.*}} initial_c(%{{.*}}) P(%{{.*}}) {direction = "bidirectional", hidden_size = 4 : si64}
  // CHECK-SAME: -> (tensor<7x2x2x4xf32>, tensor<2x2x4xf32>, tensor<2x2x4xf32>)
  %y, %yh, %yc = dlc.LSTM %x, %w, %r initial_c(%c0) P(%p)
      {hidden_size = 4 : si64, direction = "bidirectional"}
      : (tensor<7x2x3xf32>, tensor<2x16x3xf32>, tensor<2x16x4xf32>, tensor<2x2x4xf32>, tensor<2x12xf32>)
      -> (tensor<7x2x2x4xf32>, tensor<2x2x4xf32>, tensor<2x2x4xf32>)
  return %y, %yh, %yc : tensor<7x2x2x4xf32>, tensor<2x2x4xf32>, tensor<2x2x4xf32>
}
