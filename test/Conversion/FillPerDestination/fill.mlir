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

// A pad by a constant becomes a fill and an insertion; the op computing
// the padded tensor moves down to the insertion, before its other reader
// (which comes after the pad), and with empty tensor elimination writes
// into the padded tensor's interior. Dynamic sizes come from the op's
// destination.
// CHECK-LABEL: func.func @pad
// CHECK-NOT:     tensor.pad
// CHECK:         %[[INIT:.*]] = tensor.empty(%{{.*}}) : tensor<?x4xf32>
// CHECK:         %[[DIM:.*]] = tensor.dim %[[INIT]], %{{.*}}
// CHECK:         %[[SIZE:.*]] = arith.addi %[[DIM]], %{{.*}}
// CHECK:         %[[EMPTY:.*]] = tensor.empty(%[[SIZE]]) : tensor<?x6xf32>
// CHECK:         %[[FILL:.*]] = linalg.fill ins(%{{.*}} : f32) outs(%[[EMPTY]] : tensor<?x6xf32>)
// CHECK:         %[[G:.*]] = linalg.generic
// CHECK:         tensor.insert_slice %[[G]] into %[[FILL]][1, 1] [%[[DIM]], 4] [1, 1]
// ELIM-LABEL: func.func @pad
// ELIM:          %[[FILL:.*]] = linalg.fill
// ELIM:          %[[S:.*]] = tensor.extract_slice %[[FILL]][1, 1]
// ELIM:          linalg.generic {{.*}} outs(%[[S]] : tensor<?x4xf32>)
func.func @pad(%a: tensor<?x4xf32>) -> (tensor<?x6xf32>, tensor<?x4xf32>) {
  %c0 = arith.constant 0 : index
  %zero = arith.constant 0.0 : f32
  %n = tensor.dim %a, %c0 : tensor<?x4xf32>
  %e = tensor.empty(%n) : tensor<?x4xf32>
  %g = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]}
      ins(%a : tensor<?x4xf32>) outs(%e : tensor<?x4xf32>) {
  ^bb0(%x: f32, %o: f32):
    %r = arith.mulf %x, %x : f32
    linalg.yield %r : f32
  } -> tensor<?x4xf32>
  %p = tensor.pad %g low[1, 1] high[1, 1] {
  ^bb0(%i: index, %j: index):
    tensor.yield %zero : f32
  } : tensor<?x4xf32> to tensor<?x6xf32>
  %other = arith.negf %g : tensor<?x4xf32>
  return %p, %other : tensor<?x6xf32>, tensor<?x4xf32>
}
