// RUN: nnc-opt %s -split-input-file -verify-diagnostics
// Every nn verifier message. Shape messages come from the shape rules of
// nnc/Shape, so they read as Sema's.

//===----------------------------------------------------------------------===//
// Element types (ODS constraints)
//===----------------------------------------------------------------------===//

func.func @relu_on_int(%x: tensor<4xi32>) {
  // expected-error @+1 {{operand #0 must be float tensor (f16, bf16, f32 or f64), but got 'tensor<4xi32>'}}
  %0 = nn.relu %x : tensor<4xi32>
  return
}

// -----

func.func @add_mixed_element_types(%x: tensor<4xf32>, %y: tensor<4xf64>) {
  // expected-error @+1 {{requires the same element type for all operands and results}}
  %0 = nn.add %x, %y : tensor<4xf32>, tensor<4xf64> -> tensor<4xf32>
  return
}

// -----

func.func @add_on_bool(%x: tensor<4xi1>) {
  // expected-error @+1 {{operand #0 must be numeric tensor (f16, bf16, f32, f64, i32 or i64), but got 'tensor<4xi1>'}}
  %0 = nn.add %x, %x : tensor<4xi1>, tensor<4xi1> -> tensor<4xi1>
  return
}

// -----

func.func @compare_gives_bool(%x: tensor<4xf32>) {
  // expected-error @+1 {{result #0 must be bool tensor (i1), but got 'tensor<4xf32>'}}
  %0 = nn.compare lt, %x, %x : tensor<4xf32>, tensor<4xf32> -> tensor<4xf32>
  return
}

// -----

func.func @where_mask_not_bool(%m: tensor<4xf32>, %x: tensor<4xf32>) {
  // expected-error @+1 {{operand #0 must be bool tensor (i1), but got 'tensor<4xf32>'}}
  %0 = nn.where %m, %x, %x : tensor<4xf32>, tensor<4xf32>, tensor<4xf32> -> tensor<4xf32>
  return
}

// -----

func.func @cross_entropy_float_labels(%x: tensor<4x10xf32>, %y: tensor<4xf32>) {
  // expected-error @+1 {{operand #1 must be integer tensor (i32 or i64), but got 'tensor<4xf32>'}}
  %0 = nn.cross_entropy %x, %y : tensor<4x10xf32>, tensor<4xf32> -> tensor<f32>
  return
}

// -----

func.func @argmax_gives_i32(%x: tensor<4x10xf32>) {
  // expected-error @+1 {{result #0 must be i32 tensor, but got 'tensor<4xi64>'}}
  %0 = nn.argmax %x axis = 1 : tensor<4x10xf32> -> tensor<4xi64>
  return
}

// -----

func.func @unranked(%x: tensor<*xf32>) {
  // expected-error @+1 {{operand #0 must be float tensor (f16, bf16, f32 or f64), but got 'tensor<*xf32>'}}
  %0 = "nn.exp"(%x) : (tensor<*xf32>) -> tensor<*xf32>
  return
}

//===----------------------------------------------------------------------===//
// Elementwise
//===----------------------------------------------------------------------===//

// -----

func.func @unary_result_type(%x: tensor<4xf32>) {
  // expected-error @+1 {{requires the same type for all operands and results}}
  %0 = "nn.tanh"(%x) : (tensor<4xf32>) -> tensor<5xf32>
  return
}

// -----

func.func @broadcast_mismatch(%x: tensor<?x10xf32>, %y: tensor<5xf32>) {
  // expected-error @+1 {{cannot broadcast [?, 10] with [5]}}
  %0 = nn.mul %x, %y : tensor<?x10xf32>, tensor<5xf32> -> tensor<?x10xf32>
  return
}

// -----

func.func @broadcast_result(%x: tensor<4x10xf32>, %y: tensor<10xf32>) {
  // expected-error @+1 {{expected result shape [4, 10], found [4, 5]}}
  %0 = nn.sub %x, %y : tensor<4x10xf32>, tensor<10xf32> -> tensor<4x5xf32>
  return
}

// -----

func.func @broadcast_result_rank(%x: tensor<4x10xf32>, %y: tensor<10xf32>) {
  // expected-error @+1 {{expected result shape [4, 10], found [10]}}
  %0 = nn.maximum %x, %y : tensor<4x10xf32>, tensor<10xf32> -> tensor<10xf32>
  return
}

// -----

func.func @compare_broadcast(%x: tensor<3xf32>, %y: tensor<4xf32>) {
  // expected-error @+1 {{cannot broadcast [3] with [4]}}
  %0 = nn.compare eq, %x, %y : tensor<3xf32>, tensor<4xf32> -> tensor<4xi1>
  return
}

// -----

func.func @and_result(%x: tensor<3xi1>) {
  // expected-error @+1 {{expected result shape [3], found [1]}}
  %0 = nn.and %x, %x : tensor<3xi1>, tensor<3xi1> -> tensor<1xi1>
  return
}

// -----

func.func @where_values(%m: tensor<4xi1>, %x: tensor<3xf32>, %y: tensor<4xf32>) {
  // expected-error @+1 {{cannot broadcast [3] with [4]}}
  %0 = nn.where %m, %x, %y : tensor<4xi1>, tensor<3xf32>, tensor<4xf32> -> tensor<4xf32>
  return
}

// -----

func.func @where_mask(%m: tensor<2x1xi1>, %x: tensor<3xf32>) {
  // expected-error @+1 {{expected result shape [2, 3], found [3]}}
  %0 = nn.where %m, %x, %x : tensor<2x1xi1>, tensor<3xf32>, tensor<3xf32> -> tensor<3xf32>
  return
}

// -----

func.func @clamp_bounds(%x: tensor<4xf32>) {
  // expected-error @+1 {{clamp needs lo <= hi, found lo = 1 and hi = 0.5}}
  %0 = nn.clamp %x {lo = 1.0 : f64, hi = 0.5 : f64} : tensor<4xf32>
  return
}

//===----------------------------------------------------------------------===//
// Linear algebra
//===----------------------------------------------------------------------===//

// -----

func.func @matmul_inner(%x: tensor<?x784xf32>, %w: tensor<128x10xf32>) {
  // expected-error @+1 {{inner dimensions differ: 784 vs 128}}
  %0 = nn.matmul %x, %w : tensor<?x784xf32>, tensor<128x10xf32> -> tensor<?x10xf32>
  return
}

// -----

func.func @matmul_scalar(%x: tensor<f32>, %w: tensor<4xf32>) {
  // expected-error @+1 {{matmul needs operands of rank >= 1, found []}}
  %0 = nn.matmul %x, %w : tensor<f32>, tensor<4xf32> -> tensor<f32>
  return
}

// -----

func.func @matmul_batch(%x: tensor<2x4x8xf32>, %w: tensor<3x8x5xf32>) {
  // expected-error @+1 {{cannot broadcast batch dimensions [2] with [3]}}
  %0 = nn.matmul %x, %w : tensor<2x4x8xf32>, tensor<3x8x5xf32> -> tensor<2x4x5xf32>
  return
}

// -----

func.func @matmul_result(%x: tensor<?x784xf32>, %w: tensor<784x128xf32>) {
  // expected-error @+1 {{expected result shape [?, 128], found [?, 10]}}
  %0 = nn.matmul %x, %w : tensor<?x784xf32>, tensor<784x128xf32> -> tensor<?x10xf32>
  return
}

// -----

func.func @transpose_rank(%x: tensor<4x8xf32>) {
  // expected-error @+1 {{permutation [0] has 1 axes, expected 2 for [4, 8]}}
  %0 = nn.transpose %x, [0] : tensor<4x8xf32> -> tensor<4xf32>
  return
}

// -----

func.func @transpose_repeated(%x: tensor<4x8xf32>) {
  // expected-error @+1 {{axis -2 is repeated (as 0)}}
  %0 = nn.transpose %x, [0, -2] : tensor<4x8xf32> -> tensor<4x4xf32>
  return
}

// -----

func.func @transpose_result(%x: tensor<4x8xf32>) {
  // expected-error @+1 {{expected result shape [8, 4], found [4, 8]}}
  %0 = nn.transpose %x, [1, 0] : tensor<4x8xf32> -> tensor<4x8xf32>
  return
}

//===----------------------------------------------------------------------===//
// Reductions
//===----------------------------------------------------------------------===//

// -----

func.func @reduce_axis_range(%x: tensor<?x10xf32>) {
  // expected-error @+1 {{axis 2 is out of range for rank 2 [?, 10]}}
  %0 = nn.sum %x axes = [2] : tensor<?x10xf32> -> tensor<?xf32>
  return
}

// -----

func.func @reduce_repeated(%x: tensor<?x10xf32>) {
  // expected-error @+1 {{axis 1 is repeated}}
  %0 = nn.mean %x axes = [1, 1] : tensor<?x10xf32> -> tensor<?xf32>
  return
}

// -----

func.func @reduce_keepdim(%x: tensor<?x10xf32>) {
  // expected-error @+1 {{expected result shape [?, 1], found [?]}}
  %0 = nn.max %x axes = [1] keepdim : tensor<?x10xf32> -> tensor<?xf32>
  return
}

// -----

func.func @reduce_element_type(%x: tensor<4xf32>) {
  // expected-error @+1 {{requires the same element type for all operands and results}}
  %0 = nn.logsumexp %x axes = [] : tensor<4xf32> -> tensor<f64>
  return
}

// -----

func.func @argmax_axis(%x: tensor<4x10xf32>) {
  // expected-error @+1 {{axis -3 is out of range for rank 2 [4, 10]}}
  %0 = nn.argmax %x axis = -3 : tensor<4x10xf32> -> tensor<4xi32>
  return
}

// -----

func.func @argmax_result(%x: tensor<4x10xf32>) {
  // expected-error @+1 {{expected result shape [4], found [10]}}
  %0 = nn.argmax %x axis = 1 : tensor<4x10xf32> -> tensor<10xi32>
  return
}

//===----------------------------------------------------------------------===//
// Neural
//===----------------------------------------------------------------------===//

// -----

func.func @conv_input_rank(%x: tensor<1x28x28xf32>, %w: tensor<6x1x5x5xf32>) {
  // expected-error @+1 {{conv2d input must have rank 4 [N, C, H, W], found rank 3 [1, 28, 28]}}
  %0 = nn.conv2d %x, %w : tensor<1x28x28xf32>, tensor<6x1x5x5xf32> -> tensor<1x6x24x24xf32>
  return
}

// -----

func.func @conv_weight_rank(%x: tensor<?x1x28x28xf32>, %w: tensor<6x5x5xf32>) {
  // expected-error @+1 {{conv2d weight must have rank 4 [O, C/groups, kh, kw], found rank 3 [6, 5, 5]}}
  %0 = nn.conv2d %x, %w : tensor<?x1x28x28xf32>, tensor<6x5x5xf32> -> tensor<?x6x24x24xf32>
  return
}

// -----

func.func @conv_channels(%x: tensor<?x3x28x28xf32>, %w: tensor<6x1x5x5xf32>) {
  // expected-error @+1 {{input channels differ: input has 3, weight expects 1}}
  %0 = nn.conv2d %x, %w : tensor<?x3x28x28xf32>, tensor<6x1x5x5xf32> -> tensor<?x6x24x24xf32>
  return
}

// -----

func.func @conv_groups(%x: tensor<?x6x28x28xf32>, %w: tensor<6x2x5x5xf32>) {
  // expected-error @+1 {{input channels differ: input has 6, weight expects 4 (2 per group, groups=2)}}
  %0 = nn.conv2d %x, %w {groups = 2 : i64} : tensor<?x6x28x28xf32>, tensor<6x2x5x5xf32> -> tensor<?x6x24x24xf32>
  return
}

// -----

func.func @conv_stride(%x: tensor<?x1x28x28xf32>, %w: tensor<6x1x5x5xf32>) {
  // expected-error @+1 {{stride must be at least 1, found 0}}
  %0 = nn.conv2d %x, %w {stride = 0 : i64} : tensor<?x1x28x28xf32>, tensor<6x1x5x5xf32> -> tensor<?x6x24x24xf32>
  return
}

// -----

func.func @conv_empty(%x: tensor<?x1x4x4xf32>, %w: tensor<6x1x5x5xf32>) {
  // expected-error @+1 {{output would be empty: padded height 4 is smaller than kernel 5}}
  %0 = nn.conv2d %x, %w : tensor<?x1x4x4xf32>, tensor<6x1x5x5xf32> -> tensor<?x6x1x1xf32>
  return
}

// -----

func.func @conv_result(%x: tensor<?x1x28x28xf32>, %w: tensor<6x1x5x5xf32>) {
  // expected-error @+1 {{expected result shape [?, 6, 24, 24], found [?, 6, 28, 28]}}
  %0 = nn.conv2d %x, %w : tensor<?x1x28x28xf32>, tensor<6x1x5x5xf32> -> tensor<?x6x28x28xf32>
  return
}

// -----

func.func @pool_rank(%x: tensor<6x28x28xf32>) {
  // expected-error @+1 {{pooling input must have rank 4 [N, C, H, W], found rank 3 [6, 28, 28]}}
  %0 = nn.max_pool2d %x {kernel = 2 : i64, stride = 2 : i64} : tensor<6x28x28xf32> -> tensor<6x14x14xf32>
  return
}

// -----

func.func @pool_kernel(%x: tensor<?x6x28x28xf32>) {
  // expected-error @+1 {{kernel size must be at least 1, found 0}}
  %0 = nn.avg_pool2d %x {kernel = 0 : i64, stride = 1 : i64} : tensor<?x6x28x28xf32> -> tensor<?x6x28x28xf32>
  return
}

// -----

func.func @pool_padding(%x: tensor<?x6x28x28xf32>) {
  // expected-error @+1 {{padding must be at most half the kernel size, found padding 2 for kernel 3}}
  %0 = nn.max_pool2d %x {kernel = 3 : i64, stride = 1 : i64, padding = 2 : i64} : tensor<?x6x28x28xf32> -> tensor<?x6x30x30xf32>
  return
}

// -----

func.func @pool_result(%x: tensor<?x6x28x28xf32>) {
  // expected-error @+1 {{expected result shape [?, 6, 14, 14], found [?, 6, 28, 28]}}
  %0 = nn.max_pool2d %x {kernel = 2 : i64, stride = 2 : i64} : tensor<?x6x28x28xf32> -> tensor<?x6x28x28xf32>
  return
}

// -----

func.func @softmax_axis(%x: tensor<?x10xf32>) {
  // expected-error @+1 {{axis 2 is out of range for rank 2 [?, 10]}}
  %0 = nn.softmax %x axis = 2 : tensor<?x10xf32>
  return
}

// -----

func.func @log_softmax_scalar(%x: tensor<f32>) {
  // expected-error @+1 {{axis -1 is out of range for rank 0 []}}
  %0 = nn.log_softmax %x axis = -1 : tensor<f32>
  return
}

// -----

func.func @embedding_table(%t: tensor<1000xf32>, %ids: tensor<?xi32>) {
  // expected-error @+1 {{embedding table must have rank 2 [V, D], found rank 1 [1000]}}
  %0 = nn.embedding %t, %ids : tensor<1000xf32>, tensor<?xi32> -> tensor<?xf32>
  return
}

// -----

func.func @embedding_result(%t: tensor<1000x64xf32>, %ids: tensor<?x16xi32>) {
  // expected-error @+1 {{expected result shape [?, 16, 64], found [?, 64]}}
  %0 = nn.embedding %t, %ids : tensor<1000x64xf32>, tensor<?x16xi32> -> tensor<?x64xf32>
  return
}

// -----

func.func @dropout_p(%x: tensor<4xf32>) {
  // expected-error @+1 {{dropout probability must be in [0, 1), found 1}}
  %0 = nn.dropout %x {p = 1.0 : f64, seed_offset = 0 : i64} : tensor<4xf32>
  return
}

// -----

func.func @batch_norm_rank(%x: tensor<4xf32>, %s: tensor<4xf32>) {
  // expected-error @+1 {{batch_norm expects [N, C, ...], found f32[4]}}
  %0 = nn.batch_norm %x, %s, %s : tensor<4xf32>, tensor<4xf32>, tensor<4xf32>
  return
}

// -----

func.func @batch_norm_stats(%x: tensor<?x6x28x28xf32>, %m: tensor<6xf32>, %v: tensor<5xf32>) {
  // expected-error @+1 {{batch_norm statistics must be f32[6] (one per channel), found f32[5]}}
  %0 = nn.batch_norm %x, %m, %v : tensor<?x6x28x28xf32>, tensor<6xf32>, tensor<5xf32>
  return
}

// -----

func.func @layer_norm_scalar(%x: tensor<f32>) {
  // expected-error @+1 {{layer_norm needs a tensor of rank >= 1, found f32[]}}
  %0 = nn.layer_norm %x : tensor<f32>
  return
}

// -----

func.func @cross_entropy_logits(%x: tensor<10xf32>, %y: tensor<4xi32>) {
  // expected-error @+1 {{cross_entropy logits must have rank 2 [B, C], found rank 1 [10]}}
  %0 = nn.cross_entropy %x, %y : tensor<10xf32>, tensor<4xi32> -> tensor<f32>
  return
}

// -----

func.func @cross_entropy_labels(%x: tensor<4x10xf32>, %y: tensor<4x1xi32>) {
  // expected-error @+1 {{cross_entropy labels must have rank 1 [B], found rank 2 [4, 1]}}
  %0 = nn.cross_entropy %x, %y : tensor<4x10xf32>, tensor<4x1xi32> -> tensor<f32>
  return
}

// -----

func.func @cross_entropy_batch(%x: tensor<4x10xf32>, %y: tensor<5xi32>) {
  // expected-error @+1 {{batch sizes differ: logits have 4, labels have 5}}
  %0 = nn.cross_entropy %x, %y : tensor<4x10xf32>, tensor<5xi32> -> tensor<f32>
  return
}

// -----

func.func @cross_entropy_result(%x: tensor<?x10xf32>, %y: tensor<?xi32>) {
  // expected-error @+1 {{expected result shape [], found [?]}}
  %0 = nn.cross_entropy %x, %y : tensor<?x10xf32>, tensor<?xi32> -> tensor<?xf32>
  return
}

// -----

func.func @cross_entropy_smoothing(%x: tensor<?x10xf32>, %y: tensor<?xi32>) {
  // expected-error @+1 {{label_smoothing must be in [0, 1], found 1.5}}
  %0 = nn.cross_entropy %x, %y {label_smoothing = 1.5 : f64} : tensor<?x10xf32>, tensor<?xi32> -> tensor<f32>
  return
}

//===----------------------------------------------------------------------===//
// Shape ops
//===----------------------------------------------------------------------===//

// -----

func.func @reshape_count(%x: tensor<4x784xf32>) {
  // expected-error @+1 {{cannot reshape [4, 784] (3136 elements) to [4, 10] (40 elements)}}
  %0 = nn.reshape %x : tensor<4x784xf32> -> tensor<4x10xf32>
  return
}

// -----

func.func @reshape_sizes(%x: tensor<?x784xf32>) {
  // expected-error @+1 {{expected 1 dynamic size for result shape [?, 28, 28], found 0}}
  %0 = nn.reshape %x : tensor<?x784xf32> -> tensor<?x28x28xf32>
  return
}

// -----

func.func @flatten_scalar(%x: tensor<f32>) {
  // expected-error @+1 {{flatten needs rank >= 1, found []}}
  %0 = nn.flatten %x : tensor<f32> -> tensor<1xf32>
  return
}

// -----

func.func @flatten_result(%x: tensor<?x1x28x28xf32>) {
  // expected-error @+1 {{expected result shape [?, 784], found [?, 28]}}
  %0 = nn.flatten %x : tensor<?x1x28x28xf32> -> tensor<?x28xf32>
  return
}

// -----

func.func @concat_dims(%a: tensor<4x3xf32>, %b: tensor<5x3xf32>) {
  // expected-error @+1 {{concat operand 1 differs in dimension 0: expected 4, found 5}}
  %0 = nn.concat %a, %b axis = 1 : tensor<4x3xf32>, tensor<5x3xf32> -> tensor<4x6xf32>
  return
}

// -----

func.func @concat_rank(%a: tensor<4x3xf32>, %b: tensor<3xf32>) {
  // expected-error @+1 {{concat operand 1 has rank 1 [3], expected rank 2 [4, 3]}}
  %0 = nn.concat %a, %b axis = 0 : tensor<4x3xf32>, tensor<3xf32> -> tensor<5x3xf32>
  return
}

// -----

func.func @concat_result(%a: tensor<?x4xf32>, %b: tensor<?x6xf32>) {
  // expected-error @+1 {{expected result shape [?, 10], found [?, 12]}}
  %0 = nn.concat %a, %b axis = -1 : tensor<?x4xf32>, tensor<?x6xf32> -> tensor<?x12xf32>
  return
}

// -----

func.func @concat_none() {
  // expected-error @+1 {{expected 1 or more operands, but found 0}}
  %0 = "nn.concat"() <{axis = 0 : i64}> : () -> tensor<4xf32>
  return
}

// -----

func.func @split_parts(%x: tensor<?x7xf32>) {
  // expected-error @+1 {{cannot split dimension 1 of size 7 into 2 equal parts}}
  %0:2 = nn.split %x axis = 1 : tensor<?x7xf32> -> tensor<?x3xf32>, tensor<?x4xf32>
  return
}

// -----

func.func @split_result(%x: tensor<?x8xf32>) {
  // expected-error @+1 {{expected result shape [?, 4], found [?, 8]}}
  %0:2 = nn.split %x axis = 1 : tensor<?x8xf32> -> tensor<?x4xf32>, tensor<?x8xf32>
  return
}

// -----

func.func @stack_shapes(%a: tensor<4xf32>, %b: tensor<5xf32>) {
  // expected-error @+1 {{stack operand 1 differs in dimension 0: expected 4, found 5}}
  %0 = nn.stack %a, %b axis = 0 : tensor<4xf32>, tensor<5xf32> -> tensor<2x4xf32>
  return
}

// -----

func.func @stack_axis(%a: tensor<4xf32>) {
  // expected-error @+1 {{new axis 2 is out of range for rank 1 [4]}}
  %0 = nn.stack %a, %a axis = 2 : tensor<4xf32>, tensor<4xf32> -> tensor<4x2xf32>
  return
}

// -----

func.func @squeeze_size(%x: tensor<?x3x10xf32>) {
  // expected-error @+1 {{cannot squeeze axis 1 of size 3}}
  %0 = nn.squeeze %x axis = 1 : tensor<?x3x10xf32> -> tensor<?x10xf32>
  return
}

// -----

func.func @unsqueeze_axis(%x: tensor<10xf32>) {
  // expected-error @+1 {{new axis -3 is out of range for rank 1 [10]}}
  %0 = nn.unsqueeze %x axis = -3 : tensor<10xf32> -> tensor<1x10xf32>
  return
}

// -----

func.func @unsqueeze_result(%x: tensor<10xf32>) {
  // expected-error @+1 {{expected result shape [10, 1], found [1, 10]}}
  %0 = nn.unsqueeze %x axis = 1 : tensor<10xf32> -> tensor<1x10xf32>
  return
}

// -----

func.func @broadcast_to_shape(%x: tensor<3xf32>) {
  // expected-error @+1 {{cannot broadcast [3] to [4, 5]}}
  %0 = nn.broadcast_to %x : tensor<3xf32> -> tensor<4x5xf32>
  return
}

// -----

func.func @broadcast_to_sizes(%x: tensor<10xf32>, %n: index) {
  // expected-error @+1 {{expected 0 dynamic sizes for result shape [4, 10], found 1}}
  %0 = nn.broadcast_to %x [%n] : tensor<10xf32> -> tensor<4x10xf32>
  return
}

//===----------------------------------------------------------------------===//
// Constructors and random
//===----------------------------------------------------------------------===//

// -----

func.func @fill_sizes(%n: index) {
  // expected-error @+1 {{expected 2 dynamic sizes for result shape [?, ?], found 1}}
  %0 = nn.fill 0.0 [%n] : tensor<?x?xf32>
  return
}

// -----

func.func @fill_int_value() {
  // expected-error @+1 {{fill value 0.5 is not a valid i32}}
  %0 = nn.fill 0.5 : tensor<4xi32>
  return
}

// -----

func.func @fill_bool_value() {
  // expected-error @+1 {{fill value 2 is not a valid bool}}
  %0 = nn.fill 2.0 : tensor<4xi1>
  return
}

// -----

func.func @arange_rank() {
  // expected-error @+1 {{arange result must have rank 1, found i32[2, 3]}}
  %0 = nn.arange : tensor<2x3xi32>
  return
}

// -----

func.func @arange_sizes() {
  // expected-error @+1 {{expected 1 dynamic size for result shape [?], found 0}}
  %0 = nn.arange : tensor<?xi64>
  return
}

// -----

func.func @normal_std() {
  // expected-error @+1 {{normal std must be non-negative, found -1}}
  %0 = nn.normal {std = -1.0 : f64, seed_offset = 0 : i64} : tensor<4xf32>
  return
}

// -----

func.func @normal_sizes(%b: index) {
  // expected-error @+1 {{expected 1 dynamic size for result shape [?, 64], found 2}}
  %0 = nn.normal [%b, %b] {seed_offset = 0 : i64} : tensor<?x64xf32>
  return
}

// -----

func.func @uniform_bounds() {
  // expected-error @+1 {{uniform needs lo < hi, found lo = 1 and hi = 1}}
  %0 = nn.uniform {lo = 1.0 : f64, hi = 1.0 : f64, seed_offset = 0 : i64} : tensor<4xf32>
  return
}

// -----

func.func @bernoulli_p() {
  // expected-error @+1 {{bernoulli probability must be in [0, 1], found 1.5}}
  %0 = nn.bernoulli {p = 1.5 : f64, seed_offset = 0 : i64} : tensor<4xi1>
  return
}

// -----

func.func @random_needs_seed_offset() {
  // expected-error @+1 {{requires attribute 'seed_offset'}}
  %0 = "nn.uniform"() <{lo = 0.0 : f64, hi = 1.0 : f64}> : () -> tensor<4xf32>
  return
}
