// RUN: nnc-opt %s --fill-per-destination | FileCheck %s
// RUN: nnc-opt %s --fill-per-destination --eliminate-empty-tensors | FileCheck %s --check-prefix=ELIM

// One zero fill (as CSE leaves it) is the destination of two ops and read
// by a third: each destination gets a fill of its own; the reader keeps the
// original.
// The fills' shared tensor.empty is then cloned for each fill.
// CHECK-LABEL: func.func @shared
// CHECK:         %[[EMPTY1:.*]] = tensor.empty()
// CHECK:         %[[EMPTY2:.*]] = tensor.empty()
// CHECK:         %[[EMPTY:.*]] = tensor.empty()
// CHECK:         %[[FILL:.*]] = linalg.fill ins(%{{.*}} : f32) outs(%[[EMPTY]] : tensor<4x4xf32>)
// CHECK:         %[[FILL1:.*]] = linalg.fill ins(%{{.*}} : f32) outs(%[[EMPTY1]] : tensor<4x4xf32>)
// CHECK:         %[[M1:.*]] = linalg.matmul ins(%arg0, %arg1 : {{.*}}) outs(%[[FILL1]] : tensor<4x4xf32>)
// CHECK:         %[[FILL2:.*]] = linalg.fill ins(%{{.*}} : f32) outs(%[[EMPTY2]] : tensor<4x4xf32>)
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

// A concatenation of two elementwise results that share one tensor.empty
// (as CSE leaves it): each op gets its own empty and is moved down to its
// insertion, so that empty tensor elimination makes both write straight
// into slices of the concatenation (no copies after bufferization).
// ELIM-LABEL: func.func @concat
// ELIM:          %[[DEST:.*]] = tensor.empty() : tensor<4x8xf32>
// ELIM:          %[[S0:.*]] = tensor.extract_slice %[[DEST]][0, 0] [4, 4] [1, 1]
// ELIM:          %[[G0:.*]] = linalg.generic {{.*}} outs(%[[S0]] : tensor<4x4xf32>)
// ELIM:          %[[I0:.*]] = tensor.insert_slice %[[G0]] into %[[DEST]][0, 0]
// ELIM:          %[[S1:.*]] = tensor.extract_slice %[[I0]][0, 4] [4, 4] [1, 1]
// ELIM:          %[[G1:.*]] = linalg.generic {{.*}} outs(%[[S1]] : tensor<4x4xf32>)
// ELIM:          tensor.insert_slice %[[G1]] into %[[I0]][0, 4]
#id = affine_map<(d0, d1) -> (d0, d1)>
func.func @concat(%a: tensor<4x4xf32>, %b: tensor<4x4xf32>) -> tensor<4x8xf32> {
  %e = tensor.empty() : tensor<4x4xf32>
  %g0 = linalg.generic {indexing_maps = [#id, #id, #id], iterator_types = ["parallel", "parallel"]}
      ins(%a, %b : tensor<4x4xf32>, tensor<4x4xf32>) outs(%e : tensor<4x4xf32>) {
  ^bb0(%x: f32, %y: f32, %o: f32):
    %r = arith.addf %x, %y : f32
    linalg.yield %r : f32
  } -> tensor<4x4xf32>
  %g1 = linalg.generic {indexing_maps = [#id, #id, #id], iterator_types = ["parallel", "parallel"]}
      ins(%a, %b : tensor<4x4xf32>, tensor<4x4xf32>) outs(%e : tensor<4x4xf32>) {
  ^bb0(%x: f32, %y: f32, %o: f32):
    %r = arith.mulf %x, %y : f32
    linalg.yield %r : f32
  } -> tensor<4x4xf32>
  %dest = tensor.empty() : tensor<4x8xf32>
  %i0 = tensor.insert_slice %g0 into %dest[0, 0] [4, 4] [1, 1] : tensor<4x4xf32> into tensor<4x8xf32>
  %i1 = tensor.insert_slice %g1 into %i0[0, 4] [4, 4] [1, 1] : tensor<4x4xf32> into tensor<4x8xf32>
  return %i1 : tensor<4x8xf32>
}
