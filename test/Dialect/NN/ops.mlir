// RUN: nnc-opt %s | nnc-opt | FileCheck %s
// Round trip of every nn op; `?` dims stand for the batch and other
// symbolic sizes.

// CHECK-LABEL: func.func @unary_dynamic_batch
//  CHECK-SAME:   (%[[X:.+]]: tensor<?x10xf32>, %[[I:.+]]: tensor<?x10xi32>, %[[M:.+]]: tensor<?x10xi1>)
func.func @unary_dynamic_batch(%x: tensor<?x10xf32>, %i: tensor<?x10xi32>,
                               %m: tensor<?x10xi1>) {
  // CHECK: nn.relu %[[X]] : tensor<?x10xf32>
  %0 = nn.relu %x : tensor<?x10xf32>
  // CHECK: nn.sigmoid %[[X]] : tensor<?x10xf32>
  %1 = nn.sigmoid %x : tensor<?x10xf32>
  // CHECK: nn.tanh %[[X]] : tensor<?x10xf32>
  %2 = nn.tanh %x : tensor<?x10xf32>
  // CHECK: nn.exp %[[X]] : tensor<?x10xf32>
  %3 = nn.exp %x : tensor<?x10xf32>
  // CHECK: nn.log %[[X]] : tensor<?x10xf32>
  %4 = nn.log %x : tensor<?x10xf32>
  // CHECK: nn.sqrt %[[X]] : tensor<?x10xf32>
  %5 = nn.sqrt %x : tensor<?x10xf32>
  // CHECK: nn.rsqrt %[[X]] : tensor<?x10xf32>
  %6 = nn.rsqrt %x : tensor<?x10xf32>
  // CHECK: nn.erf %[[X]] : tensor<?x10xf32>
  %7 = nn.erf %x : tensor<?x10xf32>
  // CHECK: nn.abs %[[I]] : tensor<?x10xi32>
  %8 = nn.abs %i : tensor<?x10xi32>
  // CHECK: nn.neg %[[I]] : tensor<?x10xi32>
  %9 = nn.neg %i : tensor<?x10xi32>
  // CHECK: nn.sign %[[X]] : tensor<?x10xf32>
  %10 = nn.sign %x : tensor<?x10xf32>
  // CHECK: nn.not %[[M]] : tensor<?x10xi1>
  %11 = nn.not %m : tensor<?x10xi1>
  // CHECK: nn.leaky_relu %[[X]] {alpha = 2.000000e-01 : f64} : tensor<?x10xf32>
  %12 = nn.leaky_relu %x {alpha = 0.2 : f64} : tensor<?x10xf32>
  // The default alpha (0.01) is not printed.
  // CHECK: nn.leaky_relu %[[X]] : tensor<?x10xf32>
  %13 = nn.leaky_relu %x {alpha = 0.01 : f64} : tensor<?x10xf32>
  // CHECK: nn.clamp %[[X]] {hi = 6.000000e+00 : f64, lo = 0.000000e+00 : f64} : tensor<?x10xf32>
  %14 = nn.clamp %x {lo = 0.0 : f64, hi = 6.0 : f64} : tensor<?x10xf32>
  return
}

// CHECK-LABEL: func.func @binary_broadcast
//  CHECK-SAME:   (%[[X:.+]]: tensor<?x10xf32>, %[[B:.+]]: tensor<10xf32>, %[[S:.+]]: tensor<f32>, %[[I:.+]]: tensor<?x1xi32>, %[[J:.+]]: tensor<3xi32>)
func.func @binary_broadcast(%x: tensor<?x10xf32>, %b: tensor<10xf32>,
                            %s: tensor<f32>, %i: tensor<?x1xi32>,
                            %j: tensor<3xi32>) {
  // CHECK: nn.add %[[X]], %[[B]] : tensor<?x10xf32>, tensor<10xf32> -> tensor<?x10xf32>
  %0 = nn.add %x, %b : tensor<?x10xf32>, tensor<10xf32> -> tensor<?x10xf32>
  // CHECK: nn.sub %[[B]], %[[X]] : tensor<10xf32>, tensor<?x10xf32> -> tensor<?x10xf32>
  %1 = nn.sub %b, %x : tensor<10xf32>, tensor<?x10xf32> -> tensor<?x10xf32>
  // CHECK: nn.mul %[[X]], %[[S]] : tensor<?x10xf32>, tensor<f32> -> tensor<?x10xf32>
  %2 = nn.mul %x, %s : tensor<?x10xf32>, tensor<f32> -> tensor<?x10xf32>
  // CHECK: nn.div %[[X]], %[[X]] : tensor<?x10xf32>, tensor<?x10xf32> -> tensor<?x10xf32>
  %3 = nn.div %x, %x : tensor<?x10xf32>, tensor<?x10xf32> -> tensor<?x10xf32>
  // An outer product of integers: [?, 1] with [3].
  // CHECK: nn.mod %[[I]], %[[J]] : tensor<?x1xi32>, tensor<3xi32> -> tensor<?x3xi32>
  %4 = nn.mod %i, %j : tensor<?x1xi32>, tensor<3xi32> -> tensor<?x3xi32>
  // CHECK: nn.pow %[[X]], %[[S]] : tensor<?x10xf32>, tensor<f32> -> tensor<?x10xf32>
  %5 = nn.pow %x, %s : tensor<?x10xf32>, tensor<f32> -> tensor<?x10xf32>
  // CHECK: nn.maximum %[[X]], %[[S]] : tensor<?x10xf32>, tensor<f32> -> tensor<?x10xf32>
  %6 = nn.maximum %x, %s : tensor<?x10xf32>, tensor<f32> -> tensor<?x10xf32>
  // CHECK: nn.minimum %[[X]], %[[B]] : tensor<?x10xf32>, tensor<10xf32> -> tensor<?x10xf32>
  %7 = nn.minimum %x, %b : tensor<?x10xf32>, tensor<10xf32> -> tensor<?x10xf32>
  // A result type may keep a dim dynamic that the rule knows.
  // CHECK: nn.add %[[B]], %[[B]] : tensor<10xf32>, tensor<10xf32> -> tensor<?xf32>
  %8 = nn.add %b, %b : tensor<10xf32>, tensor<10xf32> -> tensor<?xf32>
  return
}

// CHECK-LABEL: func.func @compare_where_logical
//  CHECK-SAME:   (%[[X:.+]]: tensor<?x10xf32>, %[[S:.+]]: tensor<f32>, %[[M:.+]]: tensor<?x10xi1>, %[[N:.+]]: tensor<10xi1>)
func.func @compare_where_logical(%x: tensor<?x10xf32>, %s: tensor<f32>,
                                 %m: tensor<?x10xi1>, %n: tensor<10xi1>) {
  // CHECK: nn.compare eq, %[[X]], %[[S]] : tensor<?x10xf32>, tensor<f32> -> tensor<?x10xi1>
  %0 = nn.compare eq, %x, %s : tensor<?x10xf32>, tensor<f32> -> tensor<?x10xi1>
  // CHECK: nn.compare ne, %[[X]], %[[X]]
  %1 = nn.compare ne, %x, %x : tensor<?x10xf32>, tensor<?x10xf32> -> tensor<?x10xi1>
  // CHECK: nn.compare lt, %[[X]], %[[S]]
  %2 = nn.compare lt, %x, %s : tensor<?x10xf32>, tensor<f32> -> tensor<?x10xi1>
  // CHECK: nn.compare le, %[[X]], %[[S]]
  %3 = nn.compare le, %x, %s : tensor<?x10xf32>, tensor<f32> -> tensor<?x10xi1>
  // CHECK: nn.compare gt, %[[X]], %[[S]]
  %4 = nn.compare gt, %x, %s : tensor<?x10xf32>, tensor<f32> -> tensor<?x10xi1>
  // CHECK: nn.compare ge, %[[M]], %[[N]] : tensor<?x10xi1>, tensor<10xi1> -> tensor<?x10xi1>
  %5 = nn.compare ge, %m, %n : tensor<?x10xi1>, tensor<10xi1> -> tensor<?x10xi1>
  // CHECK: nn.where %[[M]], %[[X]], %[[S]] : tensor<?x10xi1>, tensor<?x10xf32>, tensor<f32> -> tensor<?x10xf32>
  %6 = nn.where %m, %x, %s : tensor<?x10xi1>, tensor<?x10xf32>, tensor<f32> -> tensor<?x10xf32>
  // CHECK: nn.and %[[M]], %[[N]] : tensor<?x10xi1>, tensor<10xi1> -> tensor<?x10xi1>
  %7 = nn.and %m, %n : tensor<?x10xi1>, tensor<10xi1> -> tensor<?x10xi1>
  // CHECK: nn.or %[[N]], %[[M]] : tensor<10xi1>, tensor<?x10xi1> -> tensor<?x10xi1>
  %8 = nn.or %n, %m : tensor<10xi1>, tensor<?x10xi1> -> tensor<?x10xi1>
  return
}

// CHECK-LABEL: func.func @matmul_dynamic_batch
//  CHECK-SAME:   (%[[X:.+]]: tensor<?x784xf32>, %[[W:.+]]: tensor<784x128xf32>, %[[Q:.+]]: tensor<?x4x16x8xf32>, %[[K:.+]]: tensor<4x8x16xf32>, %[[V:.+]]: tensor<784xf32>)
func.func @matmul_dynamic_batch(%x: tensor<?x784xf32>, %w: tensor<784x128xf32>,
                                %q: tensor<?x4x16x8xf32>, %k: tensor<4x8x16xf32>,
                                %v: tensor<784xf32>) {
  // CHECK: nn.matmul %[[X]], %[[W]] : tensor<?x784xf32>, tensor<784x128xf32> -> tensor<?x128xf32>
  %0 = nn.matmul %x, %w : tensor<?x784xf32>, tensor<784x128xf32> -> tensor<?x128xf32>
  // Batch dims broadcast: [?, 4] with [4].
  // CHECK: nn.matmul %[[Q]], %[[K]] : tensor<?x4x16x8xf32>, tensor<4x8x16xf32> -> tensor<?x4x16x16xf32>
  %1 = nn.matmul %q, %k : tensor<?x4x16x8xf32>, tensor<4x8x16xf32> -> tensor<?x4x16x16xf32>
  // A 1-d rhs is a column vector whose axis is dropped again.
  // CHECK: nn.matmul %[[X]], %[[V]] : tensor<?x784xf32>, tensor<784xf32> -> tensor<?xf32>
  %2 = nn.matmul %x, %v : tensor<?x784xf32>, tensor<784xf32> -> tensor<?xf32>
  // CHECK: nn.transpose %[[X]], [1, 0] : tensor<?x784xf32> -> tensor<784x?xf32>
  %3 = nn.transpose %x, [1, 0] : tensor<?x784xf32> -> tensor<784x?xf32>
  // CHECK: nn.transpose %[[Q]], [0, 1, -1, -2] : tensor<?x4x16x8xf32> -> tensor<?x4x8x16xf32>
  %4 = nn.transpose %q, [0, 1, -1, -2] : tensor<?x4x16x8xf32> -> tensor<?x4x8x16xf32>
  return
}

// CHECK-LABEL: func.func @reductions
//  CHECK-SAME:   (%[[X:.+]]: tensor<?x10xf32>, %[[I:.+]]: tensor<?x10xi32>)
func.func @reductions(%x: tensor<?x10xf32>, %i: tensor<?x10xi32>) {
  // CHECK: nn.sum %[[X]] axes = [1] : tensor<?x10xf32> -> tensor<?xf32>
  %0 = nn.sum %x axes = [1] : tensor<?x10xf32> -> tensor<?xf32>
  // CHECK: nn.sum %[[I]] axes = [0] keepdim : tensor<?x10xi32> -> tensor<1x10xi32>
  %1 = nn.sum %i axes = [0] keepdim : tensor<?x10xi32> -> tensor<1x10xi32>
  // No axes: all of them.
  // CHECK: nn.mean %[[X]] axes = [] : tensor<?x10xf32> -> tensor<f32>
  %2 = nn.mean %x axes = [] : tensor<?x10xf32> -> tensor<f32>
  // CHECK: nn.max %[[X]] axes = [-1] keepdim : tensor<?x10xf32> -> tensor<?x1xf32>
  %3 = nn.max %x axes = [-1] keepdim : tensor<?x10xf32> -> tensor<?x1xf32>
  // CHECK: nn.min %[[X]] axes = [0, 1] : tensor<?x10xf32> -> tensor<f32>
  %4 = nn.min %x axes = [0, 1] : tensor<?x10xf32> -> tensor<f32>
  // CHECK: nn.logsumexp %[[X]] axes = [1] : tensor<?x10xf32> -> tensor<?xf32>
  %5 = nn.logsumexp %x axes = [1] : tensor<?x10xf32> -> tensor<?xf32>
  // CHECK: nn.argmax %[[X]] axis = -1 : tensor<?x10xf32> -> tensor<?xi32>
  %6 = nn.argmax %x axis = -1 : tensor<?x10xf32> -> tensor<?xi32>
  // CHECK: nn.argmax %[[I]] axis = 0 keepdim : tensor<?x10xi32> -> tensor<1x10xi32>
  %7 = nn.argmax %i axis = 0 keepdim : tensor<?x10xi32> -> tensor<1x10xi32>
  return
}

// CHECK-LABEL: func.func @neural
//  CHECK-SAME:   (%[[X:.+]]: tensor<?x1x28x28xf32>, %[[W:.+]]: tensor<6x1x5x5xf32>, %[[G:.+]]: tensor<8x3x3x3xf32>, %[[Y:.+]]: tensor<?x6x28x28xf32>)
func.func @neural(%x: tensor<?x1x28x28xf32>, %w: tensor<6x1x5x5xf32>,
                  %g: tensor<8x3x3x3xf32>, %y: tensor<?x6x28x28xf32>) {
  // Default stride, dilation and groups are not printed.
  // CHECK: nn.conv2d %[[X]], %[[W]] {padding = 2 : i64} : tensor<?x1x28x28xf32>, tensor<6x1x5x5xf32> -> tensor<?x6x28x28xf32>
  %0 = nn.conv2d %x, %w {padding = 2 : i64, stride = 1 : i64} : tensor<?x1x28x28xf32>, tensor<6x1x5x5xf32> -> tensor<?x6x28x28xf32>
  // (28 + 2 - 2*(5-1) - 1)/2 + 1 = 11; groups = 2: 6 channels, 3 per group.
  // CHECK: nn.conv2d %[[Y]], %[[G]] {dilation = 2 : i64, groups = 2 : i64, padding = 1 : i64, stride = 2 : i64} : tensor<?x6x28x28xf32>, tensor<8x3x3x3xf32> -> tensor<?x8x13x13xf32>
  %1 = nn.conv2d %y, %g {stride = 2 : i64, padding = 1 : i64, dilation = 2 : i64, groups = 2 : i64} : tensor<?x6x28x28xf32>, tensor<8x3x3x3xf32> -> tensor<?x8x13x13xf32>
  // CHECK: nn.max_pool2d %[[Y]] {kernel = 2 : i64, stride = 2 : i64} : tensor<?x6x28x28xf32> -> tensor<?x6x14x14xf32>
  %2 = nn.max_pool2d %y {kernel = 2 : i64, stride = 2 : i64} : tensor<?x6x28x28xf32> -> tensor<?x6x14x14xf32>
  // CHECK: nn.avg_pool2d %[[Y]] {kernel = 3 : i64, padding = 1 : i64, stride = 1 : i64} : tensor<?x6x28x28xf32> -> tensor<?x6x28x28xf32>
  %3 = nn.avg_pool2d %y {kernel = 3 : i64, stride = 1 : i64, padding = 1 : i64} : tensor<?x6x28x28xf32> -> tensor<?x6x28x28xf32>
  return
}

// CHECK-LABEL: func.func @normalize_and_losses
//  CHECK-SAME:   (%[[X:.+]]: tensor<?x10xf32>, %[[Y:.+]]: tensor<?xi32>, %[[T:.+]]: tensor<1000x64xf32>, %[[IDS:.+]]: tensor<?x16xi64>, %[[F:.+]]: tensor<?x6x28x28xf32>, %[[MU:.+]]: tensor<6xf32>, %[[VAR:.+]]: tensor<6xf32>)
func.func @normalize_and_losses(%x: tensor<?x10xf32>, %y: tensor<?xi32>,
                                %t: tensor<1000x64xf32>, %ids: tensor<?x16xi64>,
                                %f: tensor<?x6x28x28xf32>, %mu: tensor<6xf32>,
                                %var: tensor<6xf32>) {
  // CHECK: nn.softmax %[[X]] axis = -1 : tensor<?x10xf32>
  %0 = nn.softmax %x axis = -1 : tensor<?x10xf32>
  // CHECK: nn.log_softmax %[[X]] axis = 1 : tensor<?x10xf32>
  %1 = nn.log_softmax %x axis = 1 : tensor<?x10xf32>
  // CHECK: nn.embedding %[[T]], %[[IDS]] : tensor<1000x64xf32>, tensor<?x16xi64> -> tensor<?x16x64xf32>
  %2 = nn.embedding %t, %ids : tensor<1000x64xf32>, tensor<?x16xi64> -> tensor<?x16x64xf32>
  // CHECK: nn.dropout %[[X]] {p = 5.000000e-01 : f64, seed_offset = 7 : i64} : tensor<?x10xf32>
  %3 = nn.dropout %x {p = 0.5 : f64, seed_offset = 7 : i64} : tensor<?x10xf32>
  // CHECK: nn.batch_norm %[[F]], %[[MU]], %[[VAR]] : tensor<?x6x28x28xf32>, tensor<6xf32>, tensor<6xf32>
  %4 = nn.batch_norm %f, %mu, %var {eps = 1.0e-5 : f64} : tensor<?x6x28x28xf32>, tensor<6xf32>, tensor<6xf32>
  // CHECK: nn.layer_norm %[[X]] {eps = 1.000000e-03 : f64} : tensor<?x10xf32>
  %5 = nn.layer_norm %x {eps = 1.0e-3 : f64} : tensor<?x10xf32>
  // CHECK: nn.cross_entropy %[[X]], %[[Y]] : tensor<?x10xf32>, tensor<?xi32> -> tensor<f32>
  %6 = nn.cross_entropy %x, %y : tensor<?x10xf32>, tensor<?xi32> -> tensor<f32>
  // CHECK: nn.cross_entropy %[[X]], %[[Y]] {label_smoothing = 1.000000e-01 : f64} : tensor<?x10xf32>, tensor<?xi32> -> tensor<f32>
  %7 = nn.cross_entropy %x, %y {label_smoothing = 0.1 : f64} : tensor<?x10xf32>, tensor<?xi32> -> tensor<f32>
  return
}

// CHECK-LABEL: func.func @shape_ops
//  CHECK-SAME:   (%[[X:.+]]: tensor<?x1x28x28xf32>, %[[A:.+]]: tensor<?x4xf32>, %[[B:.+]]: tensor<?x6xf32>, %[[V:.+]]: tensor<10xf32>, %[[N:.+]]: index)
func.func @shape_ops(%x: tensor<?x1x28x28xf32>, %a: tensor<?x4xf32>,
                     %b: tensor<?x6xf32>, %v: tensor<10xf32>, %n: index) {
  // CHECK: nn.reshape %[[X]] [%[[N]]] : tensor<?x1x28x28xf32> -> tensor<?x784xf32>
  %0 = nn.reshape %x [%n] : tensor<?x1x28x28xf32> -> tensor<?x784xf32>
  // CHECK: nn.reshape %[[V]] : tensor<10xf32> -> tensor<2x5xf32>
  %1 = nn.reshape %v : tensor<10xf32> -> tensor<2x5xf32>
  // CHECK: nn.flatten %[[X]] : tensor<?x1x28x28xf32> -> tensor<?x784xf32>
  %2 = nn.flatten %x : tensor<?x1x28x28xf32> -> tensor<?x784xf32>
  // CHECK: nn.concat %[[A]], %[[B]] axis = 1 : tensor<?x4xf32>, tensor<?x6xf32> -> tensor<?x10xf32>
  %3 = nn.concat %a, %b axis = 1 : tensor<?x4xf32>, tensor<?x6xf32> -> tensor<?x10xf32>
  // Concatenating along the dynamic axis gives a dynamic size.
  // CHECK: nn.concat %[[A]], %[[A]] axis = 0 : tensor<?x4xf32>, tensor<?x4xf32> -> tensor<?x4xf32>
  %4 = nn.concat %a, %a axis = 0 : tensor<?x4xf32>, tensor<?x4xf32> -> tensor<?x4xf32>
  // CHECK: nn.split %[[B]] axis = -1 : tensor<?x6xf32> -> tensor<?x2xf32>, tensor<?x2xf32>, tensor<?x2xf32>
  %5:3 = nn.split %b axis = -1 : tensor<?x6xf32> -> tensor<?x2xf32>, tensor<?x2xf32>, tensor<?x2xf32>
  // CHECK: nn.stack %[[A]], %[[A]] axis = 1 : tensor<?x4xf32>, tensor<?x4xf32> -> tensor<?x2x4xf32>
  %6 = nn.stack %a, %a axis = 1 : tensor<?x4xf32>, tensor<?x4xf32> -> tensor<?x2x4xf32>
  // CHECK: nn.squeeze %[[X]] axis = 1 : tensor<?x1x28x28xf32> -> tensor<?x28x28xf32>
  %7 = nn.squeeze %x axis = 1 : tensor<?x1x28x28xf32> -> tensor<?x28x28xf32>
  // CHECK: nn.unsqueeze %[[V]] axis = -1 : tensor<10xf32> -> tensor<10x1xf32>
  %8 = nn.unsqueeze %v axis = -1 : tensor<10xf32> -> tensor<10x1xf32>
  // CHECK: nn.broadcast_to %[[V]] [%[[N]]] : tensor<10xf32> -> tensor<?x10xf32>
  %9 = nn.broadcast_to %v [%n] : tensor<10xf32> -> tensor<?x10xf32>
  // CHECK: nn.broadcast_to %[[V]] : tensor<10xf32> -> tensor<3x10xf32>
  %10 = nn.broadcast_to %v : tensor<10xf32> -> tensor<3x10xf32>
  return
}

// CHECK-LABEL: func.func @constructors
//  CHECK-SAME:   (%[[B:.+]]: index, %[[N:.+]]: index)
func.func @constructors(%b: index, %n: index) {
  // CHECK: nn.fill 0.000000e+00 [%[[B]]] : tensor<?x128xf32>
  %0 = nn.fill 0.0 [%b] : tensor<?x128xf32>
  // CHECK: nn.fill 1.000000e+00 [%[[B]], %[[N]]] : tensor<?x?xi32>
  %1 = nn.fill 1.0 [%b, %n] : tensor<?x?xi32>
  // CHECK: nn.fill 2.500000e-01 : tensor<f32>
  %2 = nn.fill 0.25 : tensor<f32>
  // CHECK: nn.arange [%[[N]]] : tensor<?xi32>
  %3 = nn.arange [%n] : tensor<?xi32>
  // CHECK: nn.arange : tensor<10xi64>
  %4 = nn.arange : tensor<10xi64>
  // CHECK: nn.normal [%[[B]]] {seed_offset = 1 : i64} : tensor<?x64xf32>
  %5 = nn.normal [%b] {std = 1.0 : f64, seed_offset = 1 : i64} : tensor<?x64xf32>
  // CHECK: nn.normal {seed_offset = 2 : i64, std = 2.000000e-02 : f64} : tensor<4x4xf32>
  %6 = nn.normal {std = 0.02 : f64, seed_offset = 2 : i64} : tensor<4x4xf32>
  // CHECK: nn.uniform {hi = 1.000000e+00 : f64, lo = -1.000000e+00 : f64, seed_offset = 3 : i64} : tensor<4x4xf32>
  %7 = nn.uniform {lo = -1.0 : f64, hi = 1.0 : f64, seed_offset = 3 : i64} : tensor<4x4xf32>
  // CHECK: nn.bernoulli [%[[B]]] {p = 5.000000e-01 : f64, seed_offset = 4 : i64} : tensor<?x128xi1>
  %8 = nn.bernoulli [%b] {p = 0.5 : f64, seed_offset = 4 : i64} : tensor<?x128xi1>
  // CHECK: nn.bernoulli {p = 1.000000e-01 : f64, seed_offset = 5 : i64} : tensor<8xf32>
  %9 = nn.bernoulli {p = 0.1 : f64, seed_offset = 5 : i64} : tensor<8xf32>
  return
}
