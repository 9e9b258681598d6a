// RUN: nnc-opt %s -split-input-file -nn-autodiff | FileCheck %s

// The gradient of sum(relu(x @ w + b)): the relu mask, matmuls with the
// transposed operands, and the bias gradient summed over the batch.

// CHECK-LABEL: func.func @linear_relu(
//   CHECK-NOT:   nn.differentiate
// CHECK-LABEL: func.func @linear_relu_grad
//  CHECK-SAME:   (%[[X:.+]]: tensor<?x3xf32>, %[[W:.+]]: tensor<3x4xf32>, %[[B:.+]]: tensor<4xf32>)
//  CHECK-SAME:   -> (tensor<f32>, tensor<?x3xf32>, tensor<3x4xf32>, tensor<4xf32>)
//       CHECK:   %[[MM:.+]] = nn.matmul %[[X]], %[[W]]
//       CHECK:   %[[PRE:.+]] = nn.add %[[MM]], %[[B]]
//       CHECK:   %[[LOSS:.+]] = nn.sum
//       CHECK:   %[[SEED:.+]] = nn.fill 1.000000e+00 : tensor<f32>
//       CHECK:   %[[U:.+]] = nn.unsqueeze %[[SEED]] axis = 0
//       CHECK:   %[[U2:.+]] = nn.unsqueeze %[[U]] axis = 1
//       CHECK:   %[[DY:.+]] = nn.broadcast_to %[[U2]] [%{{.+}}] : tensor<1x1xf32> -> tensor<?x4xf32>
//       CHECK:   %[[MASK:.+]] = nn.compare gt, %[[PRE]], %[[ZERO:.+]] : tensor<?x4xf32>, tensor<f32> -> tensor<?x4xi1>
//       CHECK:   %[[DPRE:.+]] = nn.where %[[MASK]], %[[DY]], %[[ZERO]]
//       CHECK:   %[[DB_KEEP:.+]] = nn.sum %[[DPRE]] axes = [0] keepdim : tensor<?x4xf32> -> tensor<1x4xf32>
//       CHECK:   %[[DB:.+]] = nn.reshape %[[DB_KEEP]] : tensor<1x4xf32> -> tensor<4xf32>
//       CHECK:   %[[WT:.+]] = nn.transpose %[[W]], [1, 0] : tensor<3x4xf32> -> tensor<4x3xf32>
//       CHECK:   %[[DX:.+]] = nn.matmul %[[DPRE]], %[[WT]] : tensor<?x4xf32>, tensor<4x3xf32> -> tensor<?x3xf32>
//       CHECK:   %[[XT:.+]] = nn.transpose %[[X]], [1, 0] : tensor<?x3xf32> -> tensor<3x?xf32>
//       CHECK:   %[[DW:.+]] = nn.matmul %[[XT]], %[[DPRE]] : tensor<3x?xf32>, tensor<?x4xf32> -> tensor<3x4xf32>
//       CHECK:   return %[[LOSS]], %[[DX]], %[[DW]], %[[DB]]
func.func @linear_relu(%x: tensor<?x3xf32>, %w: tensor<3x4xf32>, %b: tensor<4xf32>)
    -> tensor<f32> attributes {nn.differentiate} {
  %0 = nn.matmul %x, %w : tensor<?x3xf32>, tensor<3x4xf32> -> tensor<?x4xf32>
  %1 = nn.add %0, %b : tensor<?x4xf32>, tensor<4xf32> -> tensor<?x4xf32>
  %2 = nn.relu %1 : tensor<?x4xf32>
  %3 = nn.sum %2 axes = [] : tensor<?x4xf32> -> tensor<f32>
  return %3 : tensor<f32>
}

// -----

// A value used twice gets the sum of its gradients; an argument the loss
// does not depend on gets zeros, and labels (integers) get none.

// CHECK-LABEL: func.func @reuse_grad
//  CHECK-SAME:   (%[[X:.+]]: tensor<?x4xf32>, %[[Y:.+]]: tensor<?xi32>, %[[UNUSED:.+]]: tensor<2xf32>)
//  CHECK-SAME:   -> (tensor<f32>, tensor<?x4xf32>, tensor<2xf32>)
//       CHECK:   nn.cross_entropy
//       CHECK:   nn.softmax
//       CHECK:   nn.arange
//       CHECK:   nn.compare eq
//       CHECK:   %[[D1:.+]] = nn.mul
//       CHECK:   %[[D2:.+]] = nn.mul
//       CHECK:   %[[D3:.+]] = nn.mul
//       CHECK:   %[[SUM:.+]] = nn.add %{{.+}}, %{{.+}} : tensor<?x4xf32>, tensor<?x4xf32> -> tensor<?x4xf32>
//       CHECK:   %[[Z:.+]] = nn.fill 0.000000e+00 : tensor<2xf32>
//       CHECK:   return %{{.+}}, %[[SUM]], %[[Z]]
func.func @reuse(%x: tensor<?x4xf32>, %y: tensor<?xi32>, %unused: tensor<2xf32>)
    -> tensor<f32> attributes {nn.differentiate} {
  %sq = nn.mul %x, %x : tensor<?x4xf32>, tensor<?x4xf32> -> tensor<?x4xf32>
  %l = nn.cross_entropy %sq, %y : tensor<?x4xf32>, tensor<?xi32> -> tensor<f32>
  return %l : tensor<f32>
}
