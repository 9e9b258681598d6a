// RUN: nnc-opt %s -split-input-file -convert-nn-to-linalg | FileCheck %s
// Reductions to linalg.generics with reduction iterators from a filled
// accumulator; keepdim by expand_shape; softmax and logsumexp shifted by
// the maximum.

//   CHECK-DAG: #[[ID:.+]] = affine_map<(d0, d1) -> (d0, d1)>
//   CHECK-DAG: #[[COLS:.+]] = affine_map<(d0, d1) -> (d1)>
// CHECK-LABEL: func.func @sum_keepdim
//  CHECK-SAME:   (%[[X:.+]]: tensor<?x10xi32>)
//       CHECK:   %[[ZERO:.+]] = arith.constant 0 : i32
//       CHECK:   %[[EMPTY:.+]] = tensor.empty() : tensor<10xi32>
//       CHECK:   %[[ACC:.+]] = linalg.fill ins(%[[ZERO]] : i32) outs(%[[EMPTY]] : tensor<10xi32>)
//       CHECK:   %[[SUM:.+]] = linalg.generic {indexing_maps = [#[[ID]], #[[COLS]]], iterator_types = ["reduction", "parallel"]}
//  CHECK-SAME:     ins(%[[X]] : tensor<?x10xi32>) outs(%[[ACC]] : tensor<10xi32>)
//       CHECK:     arith.addi
//       CHECK:   %[[KEPT:.+]] = tensor.expand_shape %[[SUM]] {{\[}}[0, 1]] output_shape [1, 10] : tensor<10xi32> into tensor<1x10xi32>
//       CHECK:   return %[[KEPT]]
func.func @sum_keepdim(%x: tensor<?x10xi32>) -> tensor<1x10xi32> {
  %0 = nn.sum %x axes = [0] keepdim : tensor<?x10xi32> -> tensor<1x10xi32>
  return %0 : tensor<1x10xi32>
}

// -----

// No axes: all of them, into a rank-0 tensor; the count is B * 10.
//   CHECK-DAG: #[[ALL:.+]] = affine_map<(d0, d1) -> ()>
// CHECK-LABEL: func.func @mean_all
//  CHECK-SAME:   (%[[X:.+]]: tensor<?x10xf32>)
//       CHECK:   %[[SUM:.+]] = linalg.generic {indexing_maps = [#{{.+}}, #[[ALL]]], iterator_types = ["reduction", "reduction"]}
//       CHECK:   %[[B:.+]] = tensor.dim %[[X]]
//       CHECK:   %[[C10:.+]] = arith.constant 10 : index
//       CHECK:   %[[N:.+]] = arith.muli %[[B]], %[[C10]] : index
//       CHECK:   %[[N64:.+]] = arith.index_cast %[[N]] : index to i64
//       CHECK:   %[[COUNT:.+]] = arith.sitofp %[[N64]] : i64 to f32
//       CHECK:   linalg.generic
//  CHECK-SAME:     ins(%[[SUM]] : tensor<f32>)
//       CHECK:     arith.divf %{{.+}}, %[[COUNT]] : f32
func.func @mean_all(%x: tensor<?x10xf32>) -> tensor<f32> {
  %0 = nn.mean %x axes = [] : tensor<?x10xf32> -> tensor<f32>
  return %0 : tensor<f32>
}

// -----

// CHECK-LABEL: func.func @max_min
//       CHECK:   %[[NEG_INF:.+]] = arith.constant 0xFF800000 : f32
//       CHECK:   linalg.fill ins(%[[NEG_INF]] : f32)
//       CHECK:     arith.maximumf
//       CHECK:   %[[INT_MAX:.+]] = arith.constant 2147483647 : i32
//       CHECK:   linalg.fill ins(%[[INT_MAX]] : i32)
//       CHECK:     arith.minsi
func.func @max_min(%x: tensor<?x10xf32>, %i: tensor<?x10xi32>) -> (tensor<?x1xf32>, tensor<i32>) {
  %0 = nn.max %x axes = [-1] keepdim : tensor<?x10xf32> -> tensor<?x1xf32>
  %1 = nn.min %i axes = [0, 1] : tensor<?x10xi32> -> tensor<i32>
  return %0, %1 : tensor<?x1xf32>, tensor<i32>
}

// -----

// m = max, shifted to 0 where infinite; m + log(sum(exp(x - m))).
// CHECK-LABEL: func.func @logsumexp
//       CHECK:   %[[MAX:.+]] = linalg.generic
//       CHECK:     arith.maximumf
//       CHECK:   %[[SHIFT:.+]] = linalg.generic
//  CHECK-SAME:     ins(%[[MAX]] : tensor<?xf32>)
//       CHECK:     %[[ABS:.+]] = math.absf
//       CHECK:     %[[INF:.+]] = arith.cmpf oeq, %[[ABS]]
//       CHECK:     arith.select %[[INF]]
//       CHECK:   %[[SUM:.+]] = linalg.generic
//  CHECK-SAME:     ins(%{{.+}}, %[[SHIFT]] : tensor<?x10xf32>, tensor<?xf32>)
//       CHECK:     arith.subf
//       CHECK:     math.exp
//       CHECK:     arith.addf
//       CHECK:   linalg.generic
//  CHECK-SAME:     ins(%[[SHIFT]], %[[SUM]] : tensor<?xf32>, tensor<?xf32>)
//       CHECK:     math.log
//       CHECK:     arith.addf
func.func @logsumexp(%x: tensor<?x10xf32>) -> tensor<?xf32> {
  %0 = nn.logsumexp %x axes = [1] : tensor<?x10xf32> -> tensor<?xf32>
  return %0 : tensor<?xf32>
}

// -----

// Two outputs, the maximum and its index; a strictly greater element (or
// the first NaN) replaces them.
// CHECK-LABEL: func.func @argmax_keepdim
//       CHECK:   %[[R:.+]]:2 = linalg.generic
//  CHECK-SAME:     iterator_types = ["parallel", "reduction"]
//  CHECK-SAME:     outs(%{{.+}}, %{{.+}} : tensor<?xf32>, tensor<?xi32>)
//       CHECK:   ^bb0(%[[X:.+]]: f32, %[[BEST:.+]]: f32, %[[IDX:.+]]: i32):
//       CHECK:     %[[GT:.+]] = arith.cmpf ogt, %[[X]], %[[BEST]] : f32
//       CHECK:     %[[NAN:.+]] = arith.cmpf uno, %[[X]], %[[X]] : f32
//       CHECK:     %[[TAKE:.+]] = arith.ori %[[GT]], %{{.+}} : i1
//       CHECK:     %[[I:.+]] = linalg.index 1 : index
//       CHECK:     %[[I32:.+]] = arith.index_cast %[[I]] : index to i32
//       CHECK:     %[[V:.+]] = arith.select %[[TAKE]], %[[X]], %[[BEST]] : f32
//       CHECK:     %[[J:.+]] = arith.select %[[TAKE]], %[[I32]], %[[IDX]] : i32
//       CHECK:     linalg.yield %[[V]], %[[J]]
//       CHECK:   tensor.expand_shape %[[R]]#1 {{\[}}[0, 1]] output_shape [%{{.+}}, 1] : tensor<?xi32> into tensor<?x1xi32>
func.func @argmax_keepdim(%x: tensor<?x10xf32>) -> tensor<?x1xi32> {
  %0 = nn.argmax %x axis = -1 keepdim : tensor<?x10xf32> -> tensor<?x1xi32>
  return %0 : tensor<?x1xi32>
}

// -----

//   CHECK-DAG: #[[ID:.+]] = affine_map<(d0, d1) -> (d0, d1)>
//   CHECK-DAG: #[[ROWS:.+]] = affine_map<(d0, d1) -> (d0)>
// CHECK-LABEL: func.func @softmax
//  CHECK-SAME:   (%[[X:.+]]: tensor<?x10xf32>)
//       CHECK:   %[[MAX:.+]] = linalg.generic
//       CHECK:     arith.maximumf
//       CHECK:   %[[SUM:.+]] = linalg.generic {indexing_maps = [#[[ID]], #[[ROWS]], #[[ROWS]]], iterator_types = ["parallel", "reduction"]}
//  CHECK-SAME:     ins(%[[X]], %[[MAX]] :
//       CHECK:   %[[Y:.+]] = linalg.generic {indexing_maps = [#[[ID]], #[[ROWS]], #[[ROWS]], #[[ID]]], iterator_types = ["parallel", "parallel"]}
//  CHECK-SAME:     ins(%[[X]], %[[MAX]], %[[SUM]] :
//       CHECK:   ^bb0(%[[A:.+]]: f32, %[[M:.+]]: f32, %[[S:.+]]: f32, %{{.+}}: f32):
//       CHECK:     %[[D:.+]] = arith.subf %[[A]], %[[M]] : f32
//       CHECK:     %[[E:.+]] = math.exp %[[D]] : f32
//       CHECK:     arith.divf %[[E]], %[[S]] : f32
//       CHECK:   return %[[Y]]
func.func @softmax(%x: tensor<?x10xf32>) -> tensor<?x10xf32> {
  %0 = nn.softmax %x axis = -1 : tensor<?x10xf32>
  return %0 : tensor<?x10xf32>
}

// -----

// Along axis 0 of [4, B]: the reduced tensors are indexed by d1.
//   CHECK-DAG: #[[COLS:.+]] = affine_map<(d0, d1) -> (d1)>
// CHECK-LABEL: func.func @log_softmax_axis0
//       CHECK:   linalg.generic {{.+}} iterator_types = ["reduction", "parallel"]
//       CHECK:   linalg.generic {{.+}} iterator_types = ["reduction", "parallel"]
//       CHECK:   linalg.generic {indexing_maps = [#{{.+}}, #[[COLS]], #[[COLS]], #{{.+}}]
//       CHECK:   ^bb0(%[[A:.+]]: f32, %[[M:.+]]: f32, %[[S:.+]]: f32, %{{.+}}: f32):
//       CHECK:     %[[D:.+]] = arith.subf %[[A]], %[[M]] : f32
//       CHECK:     %[[L:.+]] = math.log %[[S]] : f32
//       CHECK:     arith.subf %[[D]], %[[L]] : f32
func.func @log_softmax_axis0(%x: tensor<4x?xf32>) -> tensor<4x?xf32> {
  %0 = nn.log_softmax %x axis = 0 : tensor<4x?xf32>
  return %0 : tensor<4x?xf32>
}
