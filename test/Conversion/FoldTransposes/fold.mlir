// RUN: nnc-opt %s --fold-transposes-into-matmuls | FileCheck %s

// x @ w.T: the matmul reads w through a transposed view.
// CHECK-LABEL: func.func @forward
// CHECK-NOT:     linalg.transpose
// CHECK:         linalg.matmul_transpose_b ins(%arg0, %arg1 : tensor<8x4xf32>, tensor<3x4xf32>)
func.func @forward(%x: tensor<8x4xf32>, %w: tensor<3x4xf32>, %init: tensor<8x3xf32>) -> tensor<8x3xf32> {
  %e = tensor.empty() : tensor<4x3xf32>
  %wt = linalg.transpose ins(%w : tensor<3x4xf32>) outs(%e : tensor<4x3xf32>) permutation = [1, 0]
  %y = linalg.matmul ins(%x, %wt : tensor<8x4xf32>, tensor<4x3xf32>) outs(%init : tensor<8x3xf32>) -> tensor<8x3xf32>
  return %y : tensor<8x3xf32>
}

// g @ (w.T).T is g @ w; x.T @ g reads x transposed.
// CHECK-LABEL: func.func @backward
// CHECK-NOT:     linalg.transpose
// CHECK:         %[[DX:.*]] = linalg.matmul ins(%arg1, %arg2 : tensor<8x3xf32>, tensor<3x4xf32>)
// CHECK:         %[[DW:.*]] = linalg.matmul_transpose_a ins(%arg0, %arg1 : tensor<8x4xf32>, tensor<8x3xf32>)
func.func @backward(%x: tensor<8x4xf32>, %g: tensor<8x3xf32>, %w: tensor<3x4xf32>,
                    %i1: tensor<8x4xf32>, %i2: tensor<4x3xf32>) -> (tensor<8x4xf32>, tensor<4x3xf32>) {
  %e = tensor.empty() : tensor<4x3xf32>
  %wt = linalg.transpose ins(%w : tensor<3x4xf32>) outs(%e : tensor<4x3xf32>) permutation = [1, 0]
  %e2 = tensor.empty() : tensor<3x4xf32>
  %wtt = linalg.transpose ins(%wt : tensor<4x3xf32>) outs(%e2 : tensor<3x4xf32>) permutation = [1, 0]
  %dx = linalg.matmul ins(%g, %wtt : tensor<8x3xf32>, tensor<3x4xf32>) outs(%i1 : tensor<8x4xf32>) -> tensor<8x4xf32>
  %e3 = tensor.empty() : tensor<4x8xf32>
  %xt = linalg.transpose ins(%x : tensor<8x4xf32>) outs(%e3 : tensor<4x8xf32>) permutation = [1, 0]
  %dw = linalg.matmul ins(%xt, %g : tensor<4x8xf32>, tensor<8x3xf32>) outs(%i2 : tensor<4x3xf32>) -> tensor<4x3xf32>
  return %dx, %dw : tensor<8x4xf32>, tensor<4x3xf32>
}

// (x.T @ g).T, the gradient of w in its own [3, 4] layout, is g.T @ x,
// accumulated into zeros of that shape.
// CHECK-LABEL: func.func @weight_grad
// CHECK-NOT:     linalg.transpose
// CHECK:         %[[Z:.*]] = linalg.fill ins(%{{.*}} : f32) outs(%{{.*}} : tensor<3x4xf32>)
// CHECK:         linalg.matmul_transpose_a ins(%arg1, %arg0 : tensor<8x3xf32>, tensor<8x4xf32>) outs(%[[Z]] : tensor<3x4xf32>)
func.func @weight_grad(%x: tensor<8x4xf32>, %g: tensor<8x3xf32>) -> tensor<3x4xf32> {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<4x3xf32>
  %z = linalg.fill ins(%zero : f32) outs(%e : tensor<4x3xf32>) -> tensor<4x3xf32>
  %e3 = tensor.empty() : tensor<4x8xf32>
  %xt = linalg.transpose ins(%x : tensor<8x4xf32>) outs(%e3 : tensor<4x8xf32>) permutation = [1, 0]
  %p = linalg.matmul ins(%xt, %g : tensor<4x8xf32>, tensor<8x3xf32>) outs(%z : tensor<4x3xf32>) -> tensor<4x3xf32>
  %e4 = tensor.empty() : tensor<3x4xf32>
  %t = linalg.transpose ins(%p : tensor<4x3xf32>) outs(%e4 : tensor<3x4xf32>) permutation = [1, 0]
  return %t : tensor<3x4xf32>
}

// Attention scores q @ k^T over a batch; a transpose of the batch dims is
// not a swap of the last two and stays.
// CHECK-LABEL: func.func @batch
// CHECK:         linalg.batch_matmul_transpose_b ins(%arg0, %arg1 : tensor<2x5x4xf32>, tensor<2x5x4xf32>)
// CHECK:         linalg.transpose
// CHECK:         linalg.batch_matmul ins
func.func @batch(%q: tensor<2x5x4xf32>, %k: tensor<2x5x4xf32>, %i: tensor<2x5x5xf32>,
                 %v: tensor<5x2x5xf32>) -> (tensor<2x5x5xf32>, tensor<2x5x5xf32>) {
  %e = tensor.empty() : tensor<2x4x5xf32>
  %kt = linalg.transpose ins(%k : tensor<2x5x4xf32>) outs(%e : tensor<2x4x5xf32>) permutation = [0, 2, 1]
  %s = linalg.batch_matmul ins(%q, %kt : tensor<2x5x4xf32>, tensor<2x4x5xf32>) outs(%i : tensor<2x5x5xf32>) -> tensor<2x5x5xf32>
  %e2 = tensor.empty() : tensor<2x5x5xf32>
  %vt = linalg.transpose ins(%v : tensor<5x2x5xf32>) outs(%e2 : tensor<2x5x5xf32>) permutation = [1, 0, 2]
  %o = linalg.batch_matmul ins(%s, %vt : tensor<2x5x5xf32>, tensor<2x5x5xf32>) outs(%i : tensor<2x5x5xf32>) -> tensor<2x5x5xf32>
  return %s, %o : tensor<2x5x5xf32>, tensor<2x5x5xf32>
}
