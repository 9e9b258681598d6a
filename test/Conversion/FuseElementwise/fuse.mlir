// RUN: nnc-opt %s --fuse-elementwise | FileCheck %s

#id = affine_map<(d0, d1) -> (d0, d1)>

// A matmul whose result is reshaped (a dense layer's input gradient turned
// back into an image) stays a linalg.matmul: folding the reshape would make
// it a generic of rank 5.
// CHECK-LABEL: func.func @matmul_reshaped
// CHECK:         linalg.matmul
// CHECK-NOT:     linalg.generic
// CHECK:         tensor.expand_shape
func.func @matmul_reshaped(%a: tensor<4x6xf32>, %b: tensor<6x8xf32>,
                           %init: tensor<4x8xf32>) -> tensor<4x2x4xf32> {
  %m = linalg.matmul ins(%a, %b : tensor<4x6xf32>, tensor<6x8xf32>)
      outs(%init : tensor<4x8xf32>) -> tensor<4x8xf32>
  %r = tensor.expand_shape %m [[0], [1, 2]] output_shape [4, 2, 4]
      : tensor<4x8xf32> into tensor<4x2x4xf32>
  return %r : tensor<4x2x4xf32>
}

// An elementwise op's reshape is still folded, and elementwise producers
// are still fused into their consumers.
// CHECK-LABEL: func.func @elementwise_reshaped
// CHECK:         %[[A:.*]] = tensor.expand_shape %arg0
// CHECK:         %[[G:.*]] = linalg.generic {{.*}} ins(%[[A]] : tensor<4x2x4xf32>)
// CHECK:           arith.mulf
// CHECK:           arith.addf
// CHECK-NOT:     linalg.generic
// CHECK:         return %[[G]]
func.func @elementwise_reshaped(%a: tensor<4x8xf32>) -> tensor<4x2x4xf32> {
  %e = tensor.empty() : tensor<4x8xf32>
  %sq = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]}
      ins(%a : tensor<4x8xf32>) outs(%e : tensor<4x8xf32>) {
  ^bb0(%x: f32, %o: f32):
    %y = arith.mulf %x, %x : f32
    linalg.yield %y : f32
  } -> tensor<4x8xf32>
  %inc = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]}
      ins(%sq : tensor<4x8xf32>) outs(%e : tensor<4x8xf32>) {
  ^bb0(%x: f32, %o: f32):
    %y = arith.addf %x, %x : f32
    linalg.yield %y : f32
  } -> tensor<4x8xf32>
  %r = tensor.expand_shape %inc [[0], [1, 2]] output_shape [4, 2, 4]
      : tensor<4x8xf32> into tensor<4x2x4xf32>
  return %r : tensor<4x2x4xf32>
}
