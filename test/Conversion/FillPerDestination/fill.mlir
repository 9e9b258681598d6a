// RUN: nnc-opt %s --fill-per-destination | FileCheck %s

// One zero fill (as CSE leaves it) is the destination of two ops and read
// by a third: each destination gets a fill of its own; the reader keeps the
// original.
// CHECK-LABEL: func.func @shared
// CHECK:         %[[EMPTY:.*]] = tensor.empty()
// CHECK:         %[[FILL:.*]] = linalg.fill ins(%{{.*}} : f32) outs(%[[EMPTY]] : tensor<4x4xf32>)
// CHECK:         %[[FILL1:.*]] = linalg.fill ins(%{{.*}} : f32) outs(%[[EMPTY]] : tensor<4x4xf32>)
// CHECK:         %[[M1:.*]] = linalg.matmul ins(%arg0, %arg1 : {{.*}}) outs(%[[FILL1]] : tensor<4x4xf32>)
// CHECK:         %[[FILL2:.*]] = linalg.fill ins(%{{.*}} : f32) outs(%[[EMPTY]] : tensor<4x4xf32>)
// CHECK:         %[[M2:.*]] = linalg.matmul ins(%arg1, %arg0 : {{.*}}) outs(%[[FILL2]] : tensor<4x4xf32>)
// CHECK:         %[[S:.*]] = arith.addf
// CHECK:         return %[[M1]], %[[M2]], %[[FILL]]
func.func @shared(%a: tensor<4x4xf32>, %b: tensor<4x4xf32>)
    -> (tensor<4x4xf32>, tensor<4x4xf32>, tensor<4x4xf32>) {
  %zero = arith.constant 0.0 : f32
  %empty = tensor.empty() : tensor<4x4xf32>
  %fill = linalg.fill ins(%zero : f32) outs(%empty : tensor<4x4xf32>) -> tensor<4x4xf32>
  %m1 = linalg.matmul ins(%a, %b : tensor<4x4xf32>, tensor<4x4xf32>) outs(%fill : tensor<4x4xf32>) -> tensor<4x4xf32>
  %m2 = linalg.matmul ins(%b, %a : tensor<4x4xf32>, tensor<4x4xf32>) outs(%fill : tensor<4x4xf32>) -> tensor<4x4xf32>
  %s = arith.addf %zero, %zero : f32
  return %m1, %m2, %fill : tensor<4x4xf32>, tensor<4x4xf32>, tensor<4x4xf32>
}

// A fill with one destination is left alone.
// CHECK-LABEL: func.func @single
// CHECK-COUNT-1: linalg.fill
// CHECK-NOT:     linalg.fill
func.func @single(%a: tensor<4x4xf32>, %b: tensor<4x4xf32>) -> tensor<4x4xf32> {
  %zero = arith.constant 0.0 : f32
  %empty = tensor.empty() : tensor<4x4xf32>
  %fill = linalg.fill ins(%zero : f32) outs(%empty : tensor<4x4xf32>) -> tensor<4x4xf32>
  %m = linalg.matmul ins(%a, %b : tensor<4x4xf32>, tensor<4x4xf32>) outs(%fill : tensor<4x4xf32>) -> tensor<4x4xf32>
  return %m : tensor<4x4xf32>
}
