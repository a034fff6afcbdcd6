// dlc-insert-optimizer: state arguments after the parameters, one update op
// per trainable parameter after the backward graph, the step incremented,
// updated parameters and state returned before the loss; RMSprop state;
// clip_grad_norm as GlobalNormScale and Mul before the updates.
// RUN: dlc-opt %s -dlc-insert-optimizer -split-input-file -verify-diagnostics | FileCheck %s

// Adam with amsgrad: m, v, vmax per trainable parameter, in parameter order;
// the frozen parameter %f gets no state and no update.
// CHECK-LABEL: func.func @adam
// CHECK-SAME: (%[[W:arg[0-9]+]]: tensor<3xf32>, %[[F:arg[0-9]+]]: tensor<2xf32>,
// CHECK-SAME: %[[M:arg[0-9]+]]: tensor<3xf32> {bufferization.writable = true},
// CHECK-SAME: %[[V:arg[0-9]+]]: tensor<3xf32> {bufferization.writable = true},
// CHECK-SAME: %[[VMAX:arg[0-9]+]]: tensor<3xf32> {bufferization.writable = true},
// CHECK-SAME: %[[STEP:arg[0-9]+]]: tensor<i64> {bufferization.writable = true},
// CHECK-SAME: %[[X:arg[0-9]+]]: tensor<3xf32>, %[[G:arg[0-9]+]]: tensor<3xf32>)
// CHECK-SAME: -> (tensor<3xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>, tensor<i64>, tensor<f32>)
// CHECK-SAME: dlc.state_names = ["w.adam_m", "w.adam_v", "w.adam_vmax", "optimizer.step"]
// CHECK: %[[LR:.*]] = dlc.LearningRate %[[STEP]] {gamma = 5.000000e-01 : f64, learning_rate = 1.000000e-02 : f64, schedule = "exponential"}
// CHECK: %[[U:.*]]:4 = dlc.AdamUpdate %[[W]], %[[G]], %[[M]], %[[V]] vmax %[[VMAX]], %[[LR]], %[[STEP]] {eps = 9.9999999999999995E-8 : f64}
// CHECK: %[[NEXT:.*]] = dlc.StepIncrement %[[STEP]]
// CHECK: return %[[U]]#0, %[[U]]#1, %[[U]]#2, %[[U]]#3, %[[NEXT]], %{{.*}} :
func.func @adam(%w: tensor<3xf32>, %f: tensor<2xf32>, %x: tensor<3xf32>, %g: tensor<3xf32>) -> (tensor<f32>, tensor<3xf32>)
    attributes {dlc.train_step, dlc.trainable = [true, false, false, false], dlc.num_params = 2 : i64,
                dlc.param_names = ["w", "f"],
                dlc.optimizer = {kind = "adam", learning_rate = 1.0e-2 : f64, amsgrad = true, eps = 1.0e-7 : f64,
                                 schedule = {kind = "exponential", gamma = 0.5 : f64}}} {
  %l = dlc.MeanSquaredError %w, %x : (tensor<3xf32>, tensor<3xf32>) -> tensor<f32>
  return %l, %g : tensor<f32>, tensor<3xf32>
}

// -----

// SGD with momentum: one buffer per parameter; AdamW's decoupled decay is
// not involved.
// CHECK-LABEL: func.func @sgd
// CHECK-SAME: dlc.state_names = ["w.momentum_buffer", "optimizer.step"]
// CHECK: dlc.SGDUpdate %arg0, %arg4 momentum_buffer %arg1, %{{.*}}, %arg2 {momentum = 9.000000e-01 : f64, nesterov = true}
func.func @sgd(%w: tensor<3xf32>, %x: tensor<3xf32>, %g: tensor<3xf32>) -> (tensor<f32>, tensor<3xf32>)
    attributes {dlc.train_step, dlc.trainable = [true, false], dlc.num_params = 1 : i64,
                dlc.param_names = ["w"],
                dlc.optimizer = {kind = "sgd", learning_rate = 0.1 : f64, momentum = 0.9 : f64, nesterov = true}} {
  %l = dlc.MeanSquaredError %w, %x : (tensor<3xf32>, tensor<3xf32>) -> tensor<f32>
  return %l, %g : tensor<f32>, tensor<3xf32>
}

// -----

// AdamW: decoupled weight decay with torch's default 0.01.
// CHECK-LABEL: func.func @adamw
// CHECK: dlc.AdamUpdate {{.*}} {decoupled = true, weight_decay = 1.000000e-02 : f64}
func.func @adamw(%w: tensor<3xf32>, %x: tensor<3xf32>, %g: tensor<3xf32>) -> (tensor<f32>, tensor<3xf32>)
    attributes {dlc.train_step, dlc.trainable = [true, false], dlc.num_params = 1 : i64,
                dlc.param_names = ["w"], dlc.optimizer = {kind = "adamw", learning_rate = 0.1 : f64}} {
  %l = dlc.MeanSquaredError %w, %x : (tensor<3xf32>, tensor<3xf32>) -> tensor<f32>
  return %l, %g : tensor<f32>, tensor<3xf32>
}

// -----

// expected-error @+1 {{optimizer kind 'lbfgs' is not supported yet}}
func.func @unknown(%w: tensor<3xf32>, %g: tensor<3xf32>) -> (tensor<f32>, tensor<3xf32>)
    attributes {dlc.train_step, dlc.trainable = [true], dlc.num_params = 1 : i64,
                dlc.param_names = ["w"], dlc.optimizer = {kind = "lbfgs", learning_rate = 0.1 : f64}} {
  %l = dlc.MeanSquaredError %w, %w : (tensor<3xf32>, tensor<3xf32>) -> tensor<f32>
  return %l, %g : tensor<f32>, tensor<3xf32>
}

// -----

// RMSprop, centered with momentum: square_avg, momentum_buffer, grad_avg per
// trainable parameter (torch's state order), attributes with torch's defaults
// filled in.
// CHECK-LABEL: func.func @rmsprop
// CHECK-SAME: (%[[W:arg[0-9]+]]: tensor<3xf32>,
// CHECK-SAME: %[[SQ:arg[0-9]+]]: tensor<3xf32> {bufferization.writable = true},
// CHECK-SAME: %[[BUF:arg[0-9]+]]: tensor<3xf32> {bufferization.writable = true},
// CHECK-SAME: %[[GA:arg[0-9]+]]: tensor<3xf32> {bufferization.writable = true},
// CHECK-SAME: %[[STEP:arg[0-9]+]]: tensor<i64> {bufferization.writable = true},
// CHECK-SAME: %[[X:arg[0-9]+]]: tensor<3xf32>, %[[G:arg[0-9]+]]: tensor<3xf32>)
// CHECK-SAME: -> (tensor<3xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>, tensor<i64>, tensor<f32>)
// CHECK-SAME: dlc.state_names = ["w.square_avg", "w.momentum_buffer", "w.grad_avg", "optimizer.step"]
// CHECK: %[[LR:.*]] = dlc.LearningRate %[[STEP]]
// CHECK-NOT: dlc.GlobalNormScale
// CHECK: %[[U:.*]]:4 = dlc.RMSPropUpdate %[[W]], %[[G]], %[[SQ]] momentum_buffer %[[BUF]] grad_avg %[[GA]], %[[LR]], %[[STEP]] {alpha = 9.000000e-01 : f64, centered = true, momentum = 5.000000e-01 : f64}
// CHECK: %[[NEXT:.*]] = dlc.StepIncrement %[[STEP]]
// CHECK: return %[[U]]#0, %[[U]]#1, %[[U]]#2, %[[U]]#3, %[[NEXT]], %{{.*}} :
func.func @rmsprop(%w: tensor<3xf32>, %x: tensor<3xf32>, %g: tensor<3xf32>) -> (tensor<f32>, tensor<3xf32>)
    attributes {dlc.train_step, dlc.trainable = [true, false], dlc.num_params = 1 : i64,
                dlc.param_names = ["w"],
                dlc.optimizer = {kind = "rmsprop", learning_rate = 1.0e-2 : f64, alpha = 0.9 : f64,
                                 momentum = 0.5 : f64, centered = true}} {
  %l = dlc.MeanSquaredError %w, %x : (tensor<3xf32>, tensor<3xf32>) -> tensor<f32>
  return %l, %g : tensor<f32>, tensor<3xf32>
}

// -----

// Plain RMSprop: square_avg only.
// CHECK-LABEL: func.func @rmsprop_plain
// CHECK-SAME: dlc.state_names = ["w.square_avg", "optimizer.step"]
// CHECK: %{{.*}}:2 = dlc.RMSPropUpdate %arg0, %arg4, %arg1, %{{.*}}, %arg2 {weight_decay = 1.000000e-03 : f64}
func.func @rmsprop_plain(%w: tensor<3xf32>, %x: tensor<3xf32>, %g: tensor<3xf32>) -> (tensor<f32>, tensor<3xf32>)
    attributes {dlc.train_step, dlc.trainable = [true, false], dlc.num_params = 1 : i64,
                dlc.param_names = ["w"],
                dlc.optimizer = {kind = "rmsprop", learning_rate = 1.0e-2 : f64, weight_decay = 1.0e-3 : f64}} {
  %l = dlc.MeanSquaredError %w, %x : (tensor<3xf32>, tensor<3xf32>) -> tensor<f32>
  return %l, %g : tensor<f32>, tensor<3xf32>
}

// -----

// clip_grad_norm: one GlobalNormScale over every trainable gradient (not the
// frozen %f's), each gradient scaled by it before the first update, and the
// updates use the scaled gradients.
// CHECK-LABEL: func.func @clip
// CHECK-SAME: (%[[W:arg[0-9]+]]: tensor<3xf32>, %[[F:arg[0-9]+]]: tensor<2xf32>, %[[B:arg[0-9]+]]: tensor<2x3xf32>,
// CHECK-SAME: %[[STEP:arg[0-9]+]]: tensor<i64> {bufferization.writable = true},
// CHECK-SAME: %[[X:arg[0-9]+]]: tensor<3xf32>, %[[GW:arg[0-9]+]]: tensor<3xf32>, %[[GB:arg[0-9]+]]: tensor<2x3xf32>)
// CHECK: %[[LR:.*]] = dlc.LearningRate %[[STEP]]
// CHECK: %[[C:.*]] = dlc.GlobalNormScale %[[GW]], %[[GB]] {max_norm = 5.000000e-01 : f64} : (tensor<3xf32>, tensor<2x3xf32>) -> tensor<f32>
// CHECK: %[[SW:.*]] = dlc.Mul %[[GW]], %[[C]] : (tensor<3xf32>, tensor<f32>) -> tensor<3xf32>
// CHECK: %[[SB:.*]] = dlc.Mul %[[GB]], %[[C]] : (tensor<2x3xf32>, tensor<f32>) -> tensor<2x3xf32>
// CHECK: dlc.SGDUpdate %[[W]], %[[SW]], %[[LR]], %[[STEP]]
// CHECK: dlc.SGDUpdate %[[B]], %[[SB]], %[[LR]], %[[STEP]]
func.func @clip(%w: tensor<3xf32>, %f: tensor<2xf32>, %b: tensor<2x3xf32>, %x: tensor<3xf32>, %gw: tensor<3xf32>, %gb: tensor<2x3xf32>) -> (tensor<f32>, tensor<3xf32>, tensor<2x3xf32>)
    attributes {dlc.train_step, dlc.trainable = [true, false, true, false], dlc.num_params = 3 : i64,
                dlc.param_names = ["w", "f", "b"],
                dlc.optimizer = {kind = "sgd", learning_rate = 0.1 : f64, clip_grad_norm = 0.5 : f64}} {
  %l = dlc.MeanSquaredError %w, %x : (tensor<3xf32>, tensor<3xf32>) -> tensor<f32>
  return %l, %gw, %gb : tensor<f32>, tensor<3xf32>, tensor<2x3xf32>
}

// -----

// expected-error @+1 {{clip_grad_norm must be a positive number, got 0.000000e+00 : f64}}
func.func @bad_clip(%w: tensor<3xf32>, %g: tensor<3xf32>) -> (tensor<f32>, tensor<3xf32>)
    attributes {dlc.train_step, dlc.trainable = [true], dlc.num_params = 1 : i64,
                dlc.param_names = ["w"], dlc.optimizer = {kind = "sgd", learning_rate = 0.1 : f64, clip_grad_norm = 0.0 : f64}} {
  %l = dlc.MeanSquaredError %w, %w : (tensor<3xf32>, tensor<3xf32>) -> tensor<f32>
  return %l, %g : tensor<f32>, tensor<3xf32>
}

// -----

// New values of non-trainable parameters (dlc.state_updates, here the
// running statistic %r), returned after the loss, move among the in-place
// results right after the optimizer state and step; the TrainingStep
// placeholder becomes the step argument.
// CHECK-LABEL: func.func @state_updates
// CHECK-SAME: (%[[W:arg[0-9]+]]: tensor<3xf32>, %[[R:arg[0-9]+]]: tensor<3xf32>,
// CHECK-SAME: %[[STEP:arg[0-9]+]]: tensor<i64> {bufferization.writable = true},
// CHECK-SAME: %[[X:arg[0-9]+]]: tensor<3xf32>, %[[G:arg[0-9]+]]: tensor<3xf32>)
// CHECK-SAME: -> (tensor<3xf32>, tensor<i64>, tensor<3xf32>, tensor<f32>)
// CHECK-SAME: dlc.num_in_place_results = 3 : i64
// CHECK-NOT: dlc.TrainingStep
// CHECK: dlc.DropoutMask %[[STEP]]
// CHECK: %[[NEW:.*]] = dlc.MovingAverage %[[R]], %[[X]]
// CHECK: %[[U:.*]] = dlc.SGDUpdate %[[W]], %[[G]]
// CHECK: %[[NEXT:.*]] = dlc.StepIncrement %[[STEP]]
// CHECK: return %[[U]], %[[NEXT]], %[[NEW]], %{{.*}} : tensor<3xf32>, tensor<i64>, tensor<3xf32>, tensor<f32>
func.func @state_updates(%w: tensor<3xf32>, %r: tensor<3xf32>, %x: tensor<3xf32>, %g: tensor<3xf32>)
    -> (tensor<f32>, tensor<3xf32>, tensor<3xf32>)
    attributes {dlc.train_step, dlc.trainable = [true, false, false, false], dlc.num_params = 2 : i64,
                dlc.param_names = ["w", "r"], dlc.state_updates = array<i64: 1>,
                dlc.optimizer = {kind = "sgd", learning_rate = 0.1 : f64}} {
  %step = dlc.TrainingStep : tensor<i64>
  %m = dlc.DropoutMask %step : (tensor<i64>) -> tensor<3xf32>
  %d = dlc.Mul %w, %m : (tensor<3xf32>, tensor<3xf32>) -> tensor<3xf32>
  %l = dlc.MeanSquaredError %d, %x : (tensor<3xf32>, tensor<3xf32>) -> tensor<f32>
  %new = dlc.MovingAverage %r, %x : tensor<3xf32>
  return %l, %new, %g : tensor<f32>, tensor<3xf32>, tensor<3xf32>
}

// -----

// A state update may only replace a non-trainable parameter (the optimizer
// updates the trainable ones).
// expected-error @+1 {{state update of argument 0 must be a non-trainable parameter of type 'tensor<3xf32>'}}
func.func @state_update_trainable(%w: tensor<3xf32>, %g: tensor<3xf32>) -> (tensor<f32>, tensor<3xf32>, tensor<3xf32>)
    attributes {dlc.train_step, dlc.trainable = [true, false], dlc.num_params = 1 : i64,
                dlc.param_names = ["w"], dlc.state_updates = array<i64: 0>,
                dlc.optimizer = {kind = "sgd", learning_rate = 0.1 : f64}} {
  %l = dlc.MeanSquaredError %w, %w : (tensor<3xf32>, tensor<3xf32>) -> tensor<f32>
  return %l, %w, %g : tensor<f32>, tensor<3xf32>, tensor<3xf32>
}
