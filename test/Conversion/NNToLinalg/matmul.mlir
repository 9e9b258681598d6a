// RUN: nnc-opt %s -split-input-file -convert-nn-to-linalg | FileCheck %s
// nn.matmul to linalg.matmul / batch_matmul / a broadcasting generic, with
// NumPy's 1-d operands; nn.transpose to linalg.transpose.

// CHECK-LABEL: func.func @matmul_dynamic_batch
//  CHECK-SAME:   (%[[X:.+]]: tensor<?x784xf32>, %[[W:.+]]: tensor<784x128xf32>)
//       CHECK:   %[[N:.+]] = tensor.dim %[[X]], %{{.+}} : tensor<?x784xf32>
//       CHECK:   %[[EMPTY:.+]] = tensor.empty(%[[N]]) : tensor<?x128xf32>
//       CHECK:   %[[ACC:.+]] = linalg.fill ins(%{{.+}} : f32) outs(%[[EMPTY]] : tensor<?x128xf32>)
//       CHECK:   %[[MM:.+]] = linalg.matmul ins(%[[X]], %[[W]] : tensor<?x784xf32>, tensor<784x128xf32>) outs(%[[ACC]] : tensor<?x128xf32>)
//       CHECK:   return %[[MM]]
func.func @matmul_dynamic_batch(%x: tensor<?x784xf32>, %w: tensor<784x128xf32>) -> tensor<?x128xf32> {
  %0 = nn.matmul %x, %w : tensor<?x784xf32>, tensor<784x128xf32> -> tensor<?x128xf32>
  return %0 : tensor<?x128xf32>
}

// -----

// [B, 16, 64] @ [64, 32]: the batch dims fold into the rows of one matmul.
// CHECK-LABEL: func.func @matmul_batched_lhs
//  CHECK-SAME:   (%[[X:.+]]: tensor<?x16x64xf32>, %[[W:.+]]: tensor<64x32xf32>)
//       CHECK:   %[[B:.+]] = tensor.dim %[[X]], %{{.+}} : tensor<?x16x64xf32>
//       CHECK:   %[[ROWS:.+]] = tensor.collapse_shape %[[X]] {{\[}}[0, 1], [2]] : tensor<?x16x64xf32> into tensor<?x64xf32>
//       CHECK:   %[[MM:.+]] = linalg.matmul ins(%[[ROWS]], %[[W]] : tensor<?x64xf32>, tensor<64x32xf32>)
//       CHECK:   %[[Y:.+]] = tensor.expand_shape %[[MM]] {{\[}}[0, 1], [2]] output_shape [%[[B]], 16, 32] : tensor<?x32xf32> into tensor<?x16x32xf32>
//       CHECK:   return %[[Y]]
func.func @matmul_batched_lhs(%x: tensor<?x16x64xf32>, %w: tensor<64x32xf32>) -> tensor<?x16x32xf32> {
  %0 = nn.matmul %x, %w : tensor<?x16x64xf32>, tensor<64x32xf32> -> tensor<?x16x32xf32>
  return %0 : tensor<?x16x32xf32>
}

// -----

// Equal batch dims [B, 4] fold into one for linalg.batch_matmul.
// CHECK-LABEL: func.func @matmul_same_batch
//  CHECK-SAME:   (%[[Q:.+]]: tensor<?x4x16x8xf32>, %[[K:.+]]: tensor<?x4x8x16xf32>)
//       CHECK:   %[[B:.+]] = tensor.dim %[[Q]], %{{.+}} : tensor<?x4x16x8xf32>
//       CHECK:   %[[Q3:.+]] = tensor.collapse_shape %[[Q]] {{\[}}[0, 1], [2], [3]] : tensor<?x4x16x8xf32> into tensor<?x16x8xf32>
//       CHECK:   %[[K3:.+]] = tensor.collapse_shape %[[K]] {{\[}}[0, 1], [2], [3]] : tensor<?x4x8x16xf32> into tensor<?x8x16xf32>
//       CHECK:   %[[BMM:.+]] = linalg.batch_matmul ins(%[[Q3]], %[[K3]] : tensor<?x16x8xf32>, tensor<?x8x16xf32>)
//       CHECK:   %[[Y:.+]] = tensor.expand_shape %[[BMM]] {{\[}}[0, 1], [2], [3]] output_shape [%[[B]], 4, 16, 16]
//       CHECK:   return %[[Y]]
func.func @matmul_same_batch(%q: tensor<?x4x16x8xf32>, %k: tensor<?x4x8x16xf32>) -> tensor<?x4x16x16xf32> {
  %0 = nn.matmul %q, %k : tensor<?x4x16x8xf32>, tensor<?x4x8x16xf32> -> tensor<?x4x16x16xf32>
  return %0 : tensor<?x4x16x16xf32>
}

// -----

// Batch dims [B, 4] and [4] broadcast: a generic over (b0, b1, m, n, k)
// whose rhs map drops b0.
//   CHECK-DAG: #[[LHS:.+]] = affine_map<(d0, d1, d2, d3, d4) -> (d0, d1, d2, d4)>
//   CHECK-DAG: #[[RHS:.+]] = affine_map<(d0, d1, d2, d3, d4) -> (d1, d4, d3)>
//   CHECK-DAG: #[[OUT:.+]] = affine_map<(d0, d1, d2, d3, d4) -> (d0, d1, d2, d3)>
// CHECK-LABEL: func.func @matmul_broadcast_batch
//  CHECK-SAME:   (%[[Q:.+]]: tensor<?x4x16x8xf32>, %[[K:.+]]: tensor<4x8x16xf32>)
//       CHECK:   linalg.generic {indexing_maps = [#[[LHS]], #[[RHS]], #[[OUT]]], iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction"]}
//  CHECK-SAME:     ins(%[[Q]], %[[K]] :
//       CHECK:     arith.mulf
//       CHECK:     arith.addf
func.func @matmul_broadcast_batch(%q: tensor<?x4x16x8xf32>, %k: tensor<4x8x16xf32>) -> tensor<?x4x16x16xf32> {
  %0 = nn.matmul %q, %k : tensor<?x4x16x8xf32>, tensor<4x8x16xf32> -> tensor<?x4x16x16xf32>
  return %0 : tensor<?x4x16x16xf32>
}

// -----

// A 1-d rhs is a column [K, 1], a 1-d lhs a row [1, K]; the unit dims go
// again, down to a scalar for a dot product.
// CHECK-LABEL: func.func @matmul_vector
//  CHECK-SAME:   (%[[X:.+]]: tensor<?x784xf32>, %[[V:.+]]: tensor<784xf32>, %[[U:.+]]: tensor<?xf32>)
//       CHECK:   %[[COL:.+]] = tensor.expand_shape %[[V]] {{\[}}[0, 1]] output_shape [784, 1] : tensor<784xf32> into tensor<784x1xf32>
//       CHECK:   %[[MV:.+]] = linalg.matmul ins(%[[X]], %[[COL]] : tensor<?x784xf32>, tensor<784x1xf32>)
//       CHECK:   %[[Y:.+]] = tensor.collapse_shape %[[MV]] {{\[}}[0, 1]] : tensor<?x1xf32> into tensor<?xf32>
//       CHECK:   %[[ROW:.+]] = tensor.expand_shape %[[U]] {{\[}}[0, 1]] output_shape [1, %{{.+}}] : tensor<?xf32> into tensor<1x?xf32>
//       CHECK:   %[[DOT:.+]] = linalg.matmul ins(%[[ROW]], %{{.+}} : tensor<1x?xf32>, tensor<?x1xf32>) outs(%{{.+}} : tensor<1x1xf32>)
//       CHECK:   %[[D1:.+]] = tensor.collapse_shape %[[DOT]] {{\[}}[0, 1]] : tensor<1x1xf32> into tensor<1xf32>
//       CHECK:   %[[D0:.+]] = tensor.collapse_shape %[[D1]] [] : tensor<1xf32> into tensor<f32>
//       CHECK:   return %[[Y]], %[[D0]]
func.func @matmul_vector(%x: tensor<?x784xf32>, %v: tensor<784xf32>, %u: tensor<?xf32>) -> (tensor<?xf32>, tensor<f32>) {
  %0 = nn.matmul %x, %v : tensor<?x784xf32>, tensor<784xf32> -> tensor<?xf32>
  %1 = nn.matmul %u, %0 : tensor<?xf32>, tensor<?xf32> -> tensor<f32>
  return %0, %1 : tensor<?xf32>, tensor<f32>
}

// -----

// CHECK-LABEL: func.func @transpose_negative_axes
//  CHECK-SAME:   (%[[Q:.+]]: tensor<?x4x16x8xf32>)
//       CHECK:   %[[EMPTY:.+]] = tensor.empty(%{{.+}}) : tensor<?x4x8x16xf32>
//       CHECK:   linalg.transpose ins(%[[Q]] : tensor<?x4x16x8xf32>) outs(%[[EMPTY]] : tensor<?x4x8x16xf32>) permutation = [0, 1, 3, 2]
func.func @transpose_negative_axes(%q: tensor<?x4x16x8xf32>) -> tensor<?x4x8x16xf32> {
  %0 = nn.transpose %q, [0, 1, -1, -2] : tensor<?x4x16x8xf32> -> tensor<?x4x8x16xf32>
  return %0 : tensor<?x4x8x16xf32>
}

// -----

// Two dynamic batch dims could not be split again after batch_matmul (an
// expand_shape group holds one dynamic size): a generic instead.
// CHECK-LABEL: func.func @matmul_two_dynamic_batch_dims
//   CHECK-NOT:   linalg.batch_matmul
//       CHECK:   linalg.generic
//  CHECK-SAME:     iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction"]
func.func @matmul_two_dynamic_batch_dims(%a: tensor<?x?x2x3xf32>, %b: tensor<?x?x3x2xf32>) -> tensor<?x?x2x2xf32> {
  %0 = nn.matmul %a, %b : tensor<?x?x2x3xf32>, tensor<?x?x3x2xf32> -> tensor<?x?x2x2xf32>
  return %0 : tensor<?x?x2x2xf32>
}
