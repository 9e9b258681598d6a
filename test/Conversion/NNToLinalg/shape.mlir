// RUN: nnc-opt %s -split-input-file -convert-nn-to-linalg | FileCheck %s
// Shape ops to tensor reshapes and slices; broadcast_to to a generic.

// CHECK-LABEL: func.func @reshape_collapse
//  CHECK-SAME:   (%[[X:.+]]: tensor<?x1x28x28xf32>, %{{.+}}: index)
//       CHECK:   %[[Y:.+]] = tensor.collapse_shape %[[X]] {{\[}}[0], [1, 2, 3]] : tensor<?x1x28x28xf32> into tensor<?x784xf32>
//       CHECK:   return %[[Y]]
func.func @reshape_collapse(%x: tensor<?x1x28x28xf32>, %n: index) -> tensor<?x784xf32> {
  %0 = nn.reshape %x [%n] : tensor<?x1x28x28xf32> -> tensor<?x784xf32>
  return %0 : tensor<?x784xf32>
}

// -----

// The op's dynamic size becomes the expand's output size.
// CHECK-LABEL: func.func @reshape_expand
//  CHECK-SAME:   (%[[X:.+]]: tensor<?x784xf32>, %[[N:.+]]: index)
//       CHECK:   tensor.expand_shape %[[X]] {{\[}}[0], [1, 2]] output_shape [%[[N]], 28, 28] : tensor<?x784xf32> into tensor<?x28x28xf32>
func.func @reshape_expand(%x: tensor<?x784xf32>, %n: index) -> tensor<?x28x28xf32> {
  %0 = nn.reshape %x [%n] : tensor<?x784xf32> -> tensor<?x28x28xf32>
  return %0 : tensor<?x28x28xf32>
}

// -----

// Dims that do not regroup go through 1-d.
// CHECK-LABEL: func.func @reshape_regroup
//       CHECK:   %[[FLAT:.+]] = tensor.collapse_shape %{{.+}} {{\[}}[0, 1]] : tensor<2x6xf32> into tensor<12xf32>
//       CHECK:   tensor.expand_shape %[[FLAT]] {{\[}}[0, 1]] output_shape [3, 4] : tensor<12xf32> into tensor<3x4xf32>
func.func @reshape_regroup(%x: tensor<2x6xf32>) -> tensor<3x4xf32> {
  %0 = nn.reshape %x : tensor<2x6xf32> -> tensor<3x4xf32>
  return %0 : tensor<3x4xf32>
}

// -----

// Two dynamic dims in one group: tensor.reshape with a shape tensor.
// CHECK-LABEL: func.func @reshape_two_dynamic
//  CHECK-SAME:   (%[[X:.+]]: tensor<?x10xf32>, %[[A:.+]]: index, %[[B:.+]]: index)
//       CHECK:   %[[SHAPE:.+]] = tensor.from_elements %[[A]], %[[B]] : tensor<2xindex>
//       CHECK:   tensor.reshape %[[X]](%[[SHAPE]]) : (tensor<?x10xf32>, tensor<2xindex>) -> tensor<?x?xf32>
func.func @reshape_two_dynamic(%x: tensor<?x10xf32>, %a: index, %b: index) -> tensor<?x?xf32> {
  %0 = nn.reshape %x [%a, %b] : tensor<?x10xf32> -> tensor<?x?xf32>
  return %0 : tensor<?x?xf32>
}

// -----

// CHECK-LABEL: func.func @reshape_scalar
//       CHECK:   tensor.expand_shape %{{.+}} [] output_shape [1, 1] : tensor<f32> into tensor<1x1xf32>
func.func @reshape_scalar(%x: tensor<f32>) -> tensor<1x1xf32> {
  %0 = nn.reshape %x : tensor<f32> -> tensor<1x1xf32>
  return %0 : tensor<1x1xf32>
}

// -----

// CHECK-LABEL: func.func @flatten
//  CHECK-SAME:   (%[[X:.+]]: tensor<?x1x28x28xf32>, %[[V:.+]]: tensor<?xf32>)
//       CHECK:   tensor.collapse_shape %[[X]] {{\[}}[0], [1, 2, 3]] : tensor<?x1x28x28xf32> into tensor<?x784xf32>
//       CHECK:   %[[N:.+]] = tensor.dim %[[V]]
//       CHECK:   tensor.expand_shape %[[V]] {{\[}}[0, 1]] output_shape [%[[N]], 1] : tensor<?xf32> into tensor<?x1xf32>
func.func @flatten(%x: tensor<?x1x28x28xf32>, %v: tensor<?xf32>) -> (tensor<?x784xf32>, tensor<?x1xf32>) {
  %0 = nn.flatten %x : tensor<?x1x28x28xf32> -> tensor<?x784xf32>
  %1 = nn.flatten %v : tensor<?xf32> -> tensor<?x1xf32>
  return %0, %1 : tensor<?x784xf32>, tensor<?x1xf32>
}

// -----

// CHECK-LABEL: func.func @concat
//  CHECK-SAME:   (%[[A:.+]]: tensor<?x4xf32>, %[[B:.+]]: tensor<?x6xf32>)
//       CHECK:   %[[NA:.+]] = tensor.dim %[[A]]
//       CHECK:   %[[NB:.+]] = tensor.dim %[[B]]
//       CHECK:   %[[EMPTY:.+]] = tensor.empty(%[[NA]]) : tensor<?x10xf32>
//       CHECK:   %[[R0:.+]] = tensor.insert_slice %[[A]] into %[[EMPTY]][0, 0] [%[[NA]], 4] [1, 1] : tensor<?x4xf32> into tensor<?x10xf32>
//       CHECK:   %[[R1:.+]] = tensor.insert_slice %[[B]] into %[[R0]][0, 4] [%[[NB]], 6] [1, 1] : tensor<?x6xf32> into tensor<?x10xf32>
//       CHECK:   return %[[R1]]
func.func @concat(%a: tensor<?x4xf32>, %b: tensor<?x6xf32>) -> tensor<?x10xf32> {
  %0 = nn.concat %a, %b axis = 1 : tensor<?x4xf32>, tensor<?x6xf32> -> tensor<?x10xf32>
  return %0 : tensor<?x10xf32>
}

// -----

// Along the dynamic axis the offsets and the size are sums of dims.
// CHECK-LABEL: func.func @concat_dynamic_axis
//  CHECK-SAME:   (%[[A:.+]]: tensor<?x4xf32>)
//       CHECK:   %[[N:.+]] = tensor.dim %[[A]]
//       CHECK:   %[[M:.+]] = tensor.dim %[[A]]
//       CHECK:   %[[TOTAL:.+]] = arith.addi %[[N]], %[[M]] : index
//       CHECK:   %[[EMPTY:.+]] = tensor.empty(%[[TOTAL]]) : tensor<?x4xf32>
//       CHECK:   %[[R0:.+]] = tensor.insert_slice %[[A]] into %[[EMPTY]][0, 0]
//       CHECK:   tensor.insert_slice %[[A]] into %[[R0]][%[[N]], 0] [%[[M]], 4]
func.func @concat_dynamic_axis(%a: tensor<?x4xf32>) -> tensor<?x4xf32> {
  %0 = nn.concat %a, %a axis = 0 : tensor<?x4xf32>, tensor<?x4xf32> -> tensor<?x4xf32>
  return %0 : tensor<?x4xf32>
}

// -----

// CHECK-LABEL: func.func @split
//  CHECK-SAME:   (%[[X:.+]]: tensor<?x6xf32>)
//       CHECK:   %[[N:.+]] = tensor.dim %[[X]]
//       CHECK:   %[[P0:.+]] = tensor.extract_slice %[[X]][0, 0] [%[[N]], 2] [1, 1] : tensor<?x6xf32> to tensor<?x2xf32>
//       CHECK:   %[[P1:.+]] = tensor.extract_slice %[[X]][0, 2] [%[[N]], 2] [1, 1]
//       CHECK:   %[[P2:.+]] = tensor.extract_slice %[[X]][0, 4] [%[[N]], 2] [1, 1]
//       CHECK:   return %[[P0]], %[[P1]], %[[P2]]
func.func @split(%x: tensor<?x6xf32>) -> (tensor<?x2xf32>, tensor<?x2xf32>, tensor<?x2xf32>) {
  %0:3 = nn.split %x axis = -1 : tensor<?x6xf32> -> tensor<?x2xf32>, tensor<?x2xf32>, tensor<?x2xf32>
  return %0#0, %0#1, %0#2 : tensor<?x2xf32>, tensor<?x2xf32>, tensor<?x2xf32>
}

// -----

// CHECK-LABEL: func.func @split_dynamic_axis
//       CHECK:   %[[N:.+]] = tensor.dim
//       CHECK:   %[[TWO:.+]] = arith.constant 2 : index
//       CHECK:   %[[HALF:.+]] = arith.divui %[[N]], %[[TWO]] : index
//       CHECK:   tensor.extract_slice %{{.+}}[0, 0] [%[[HALF]], 6] [1, 1]
//       CHECK:   %[[AT:.+]] = arith.muli %[[HALF]], %{{.+}} : index
//       CHECK:   tensor.extract_slice %{{.+}}[%[[AT]], 0] [%[[HALF]], 6] [1, 1]
func.func @split_dynamic_axis(%x: tensor<?x6xf32>) -> (tensor<?x6xf32>, tensor<?x6xf32>) {
  %0:2 = nn.split %x axis = 0 : tensor<?x6xf32> -> tensor<?x6xf32>, tensor<?x6xf32>
  return %0#0, %0#1 : tensor<?x6xf32>, tensor<?x6xf32>
}

// -----

// Each input fills a slice of size 1 along the new axis.
// CHECK-LABEL: func.func @stack
//  CHECK-SAME:   (%[[A:.+]]: tensor<?x4xf32>, %[[B:.+]]: tensor<?x4xf32>)
//       CHECK:   %[[EMPTY:.+]] = tensor.empty(%{{.+}}) : tensor<?x2x4xf32>
//       CHECK:   %[[R0:.+]] = tensor.insert_slice %[[A]] into %[[EMPTY]][0, 0, 0] [%{{.+}}, 1, 4] [1, 1, 1] : tensor<?x4xf32> into tensor<?x2x4xf32>
//       CHECK:   tensor.insert_slice %[[B]] into %[[R0]][0, 1, 0] [%{{.+}}, 1, 4] [1, 1, 1] : tensor<?x4xf32> into tensor<?x2x4xf32>
func.func @stack(%a: tensor<?x4xf32>, %b: tensor<?x4xf32>) -> tensor<?x2x4xf32> {
  %0 = nn.stack %a, %b axis = 1 : tensor<?x4xf32>, tensor<?x4xf32> -> tensor<?x2x4xf32>
  return %0 : tensor<?x2x4xf32>
}

// -----

// CHECK-LABEL: func.func @squeeze_unsqueeze
//  CHECK-SAME:   (%[[X:.+]]: tensor<?x1x28x28xf32>, %[[V:.+]]: tensor<10xf32>, %[[S:.+]]: tensor<1xf32>)
//       CHECK:   tensor.collapse_shape %[[X]] {{\[}}[0], [1, 2], [3]] : tensor<?x1x28x28xf32> into tensor<?x28x28xf32>
//       CHECK:   tensor.expand_shape %[[V]] {{\[}}[0, 1]] output_shape [10, 1] : tensor<10xf32> into tensor<10x1xf32>
//       CHECK:   tensor.collapse_shape %[[S]] [] : tensor<1xf32> into tensor<f32>
//       CHECK:   tensor.expand_shape %{{.+}} [] output_shape [1] : tensor<f32> into tensor<1xf32>
func.func @squeeze_unsqueeze(%x: tensor<?x1x28x28xf32>, %v: tensor<10xf32>, %s: tensor<1xf32>) -> (tensor<?x28x28xf32>, tensor<10x1xf32>, tensor<1xf32>) {
  %0 = nn.squeeze %x axis = 1 : tensor<?x1x28x28xf32> -> tensor<?x28x28xf32>
  %1 = nn.unsqueeze %v axis = -1 : tensor<10xf32> -> tensor<10x1xf32>
  %2 = nn.squeeze %s axis = 0 : tensor<1xf32> -> tensor<f32>
  %3 = nn.unsqueeze %2 axis = 0 : tensor<f32> -> tensor<1xf32>
  return %0, %1, %3 : tensor<?x28x28xf32>, tensor<10x1xf32>, tensor<1xf32>
}

// -----

//   CHECK-DAG: #[[ROW:.+]] = affine_map<(d0, d1) -> (d1)>
//   CHECK-DAG: #[[ID:.+]] = affine_map<(d0, d1) -> (d0, d1)>
// CHECK-LABEL: func.func @broadcast_to
//  CHECK-SAME:   (%[[V:.+]]: tensor<10xf32>, %[[N:.+]]: index)
//       CHECK:   %[[EMPTY:.+]] = tensor.empty(%[[N]]) : tensor<?x10xf32>
//       CHECK:   linalg.generic {indexing_maps = [#[[ROW]], #[[ID]]], iterator_types = ["parallel", "parallel"]}
//  CHECK-SAME:     ins(%[[V]] : tensor<10xf32>) outs(%[[EMPTY]] : tensor<?x10xf32>)
//       CHECK:   ^bb0(%[[IN:.+]]: f32, %{{.+}}: f32):
//       CHECK:     linalg.yield %[[IN]] : f32
func.func @broadcast_to(%v: tensor<10xf32>, %n: index) -> tensor<?x10xf32> {
  %0 = nn.broadcast_to %v [%n] : tensor<10xf32> -> tensor<?x10xf32>
  return %0 : tensor<?x10xf32>
}

// -----

// Rank 0 to and from a dynamic shape goes through static unit dims: the
// memref forms of these ops accept nothing else.
// CHECK-LABEL: func.func @reshape_rank0
//  CHECK-SAME:   (%[[S:.+]]: tensor<f32>, %{{.+}}: index, %[[V:.+]]: tensor<?xf32>)
//       CHECK:   %[[E:.+]] = tensor.expand_shape %[[S]] [] output_shape [1] : tensor<f32> into tensor<1xf32>
//       CHECK:   tensor.cast %[[E]] : tensor<1xf32> to tensor<?xf32>
//       CHECK:   %[[ONE:.+]] = tensor.cast %[[V]] : tensor<?xf32> to tensor<1xf32>
//       CHECK:   tensor.collapse_shape %[[ONE]] [] : tensor<1xf32> into tensor<f32>
func.func @reshape_rank0(%s: tensor<f32>, %n: index, %v: tensor<?xf32>) -> (tensor<?xf32>, tensor<f32>) {
  %0 = nn.reshape %s [%n] : tensor<f32> -> tensor<?xf32>
  %1 = nn.reshape %v : tensor<?xf32> -> tensor<f32>
  return %0, %1 : tensor<?xf32>, tensor<f32>
}

// -----

// Squeezing a dynamic dim (1 at run time) makes it a static 1 first.
// CHECK-LABEL: func.func @squeeze_dynamic
//  CHECK-SAME:   (%[[X:.+]]: tensor<?x10xf32>)
//       CHECK:   %[[ONE:.+]] = tensor.cast %[[X]] : tensor<?x10xf32> to tensor<1x10xf32>
//       CHECK:   tensor.collapse_shape %[[ONE]] {{\[}}[0, 1]] : tensor<1x10xf32> into tensor<10xf32>
func.func @squeeze_dynamic(%x: tensor<?x10xf32>) -> tensor<10xf32> {
  %0 = nn.squeeze %x axis = 0 : tensor<?x10xf32> -> tensor<10xf32>
  return %0 : tensor<10xf32>
}
