// RUN: nnc-opt %s -split-input-file -convert-nn-to-linalg | FileCheck %s
// Elementwise nn ops to linalg.generic: the scalar body of each op, and the
// indexing maps that broadcast the operands.

//   CHECK-DAG: #[[ID:.+]] = affine_map<(d0, d1) -> (d0, d1)>
//   CHECK-DAG: #[[ROW:.+]] = affine_map<(d0, d1) -> (d1)>
// CHECK-LABEL: func.func @add_bias
//  CHECK-SAME:   (%[[X:.+]]: tensor<?x10xf32>, %[[B:.+]]: tensor<10xf32>)
//       CHECK:   %[[N:.+]] = tensor.dim %[[X]], %{{.+}} : tensor<?x10xf32>
//       CHECK:   %[[EMPTY:.+]] = tensor.empty(%[[N]]) : tensor<?x10xf32>
//       CHECK:   %[[Y:.+]] = linalg.generic {indexing_maps = [#[[ID]], #[[ROW]], #[[ID]]], iterator_types = ["parallel", "parallel"]}
//  CHECK-SAME:     ins(%[[X]], %[[B]] : tensor<?x10xf32>, tensor<10xf32>) outs(%[[EMPTY]] : tensor<?x10xf32>)
//       CHECK:   ^bb0(%[[A:.+]]: f32, %[[C:.+]]: f32, %{{.+}}: f32):
//       CHECK:     %[[S:.+]] = arith.addf %[[A]], %[[C]] : f32
//       CHECK:     linalg.yield %[[S]]
//       CHECK:   return %[[Y]]
func.func @add_bias(%x: tensor<?x10xf32>, %b: tensor<10xf32>) -> tensor<?x10xf32> {
  %0 = nn.add %x, %b : tensor<?x10xf32>, tensor<10xf32> -> tensor<?x10xf32>
  return %0 : tensor<?x10xf32>
}

// -----

// A scalar operand reads with a map to no dims.
//   CHECK-DAG: #[[ID:.+]] = affine_map<(d0, d1) -> (d0, d1)>
//   CHECK-DAG: #[[NONE:.+]] = affine_map<(d0, d1) -> ()>
// CHECK-LABEL: func.func @mul_scalar
//       CHECK:   linalg.generic {indexing_maps = [#[[ID]], #[[NONE]], #[[ID]]]
//       CHECK:     arith.mulf
func.func @mul_scalar(%x: tensor<?x10xf32>, %s: tensor<f32>) -> tensor<?x10xf32> {
  %0 = nn.mul %x, %s : tensor<?x10xf32>, tensor<f32> -> tensor<?x10xf32>
  return %0 : tensor<?x10xf32>
}

// -----

// [B, 1] with [3]: the unit dim reads index 0. Integer mod takes the sign
// of the divisor (floor division), as Python.
//   CHECK-DAG: #[[COL:.+]] = affine_map<(d0, d1) -> (d0, 0)>
//   CHECK-DAG: #[[ROW:.+]] = affine_map<(d0, d1) -> (d1)>
//   CHECK-DAG: #[[ID:.+]] = affine_map<(d0, d1) -> (d0, d1)>
// CHECK-LABEL: func.func @mod_outer
//       CHECK:   tensor.empty(%{{.+}}) : tensor<?x3xi32>
//       CHECK:   linalg.generic {indexing_maps = [#[[COL]], #[[ROW]], #[[ID]]]
//       CHECK:   ^bb0(%[[A:.+]]: i32, %[[B:.+]]: i32, %{{.+}}: i32):
//       CHECK:     %[[R:.+]] = arith.remsi %[[A]], %[[B]] : i32
//       CHECK:     %[[FIXED:.+]] = arith.addi %[[R]], %[[B]] : i32
//       CHECK:     arith.select %{{.+}}, %[[FIXED]], %[[R]] : i32
func.func @mod_outer(%i: tensor<?x1xi32>, %j: tensor<3xi32>) -> tensor<?x3xi32> {
  %0 = nn.mod %i, %j : tensor<?x1xi32>, tensor<3xi32> -> tensor<?x3xi32>
  return %0 : tensor<?x3xi32>
}

// -----

// A result type less static than the operands: the generic is static and
// a tensor.cast gives the op's type.
// CHECK-LABEL: func.func @result_more_dynamic
//       CHECK:   %[[EMPTY:.+]] = tensor.empty() : tensor<10xf32>
//       CHECK:   %[[Y:.+]] = linalg.generic
//  CHECK-SAME:     outs(%[[EMPTY]] : tensor<10xf32>)
//       CHECK:   %[[CAST:.+]] = tensor.cast %[[Y]] : tensor<10xf32> to tensor<?xf32>
//       CHECK:   return %[[CAST]]
func.func @result_more_dynamic(%b: tensor<10xf32>) -> tensor<?xf32> {
  %0 = nn.add %b, %b : tensor<10xf32>, tensor<10xf32> -> tensor<?xf32>
  return %0 : tensor<?xf32>
}

// -----

// CHECK-LABEL: func.func @activations
//       CHECK:   arith.maximumf %{{.+}}, %{{.+}} : f32
//       CHECK:   %[[NEG:.+]] = arith.negf
//       CHECK:   %[[E:.+]] = math.exp %[[NEG]]
//       CHECK:   %[[DEN:.+]] = arith.addf %{{.+}}, %[[E]]
//       CHECK:   arith.divf %{{.+}}, %[[DEN]]
//       CHECK:   math.tanh
//       CHECK:   math.exp
//       CHECK:   math.log
//       CHECK:   math.sqrt
//       CHECK:   math.rsqrt
//       CHECK:   math.erf
//       CHECK:   arith.constant 2.000000e-01 : f32
//       CHECK:   arith.cmpf ogt
//       CHECK:   arith.select
func.func @activations(%x: tensor<4xf32>) -> (tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>) {
  %0 = nn.relu %x : tensor<4xf32>
  %1 = nn.sigmoid %x : tensor<4xf32>
  %2 = nn.tanh %x : tensor<4xf32>
  %3 = nn.exp %x : tensor<4xf32>
  %4 = nn.log %x : tensor<4xf32>
  %5 = nn.sqrt %x : tensor<4xf32>
  %6 = nn.rsqrt %x : tensor<4xf32>
  %7 = nn.erf %x : tensor<4xf32>
  %8 = nn.leaky_relu %x {alpha = 0.2 : f64} : tensor<4xf32>
  return %0, %1, %2, %3, %4, %5, %6, %7, %8 : tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>
}

// -----

// CHECK-LABEL: func.func @signed_ops
//       CHECK:   math.absf
//       CHECK:   math.absi
//       CHECK:   arith.negf
//       CHECK:   %[[ZERO:.+]] = arith.constant 0 : i32
//       CHECK:   arith.subi %[[ZERO]], %{{.+}} : i32
//       CHECK:   arith.cmpf ogt
//       CHECK:   arith.cmpf olt
//       CHECK:   arith.select
//       CHECK:   arith.select
func.func @signed_ops(%x: tensor<4xf32>, %i: tensor<4xi32>) -> (tensor<4xf32>, tensor<4xi32>, tensor<4xf32>, tensor<4xi32>, tensor<4xf32>) {
  %0 = nn.abs %x : tensor<4xf32>
  %1 = nn.abs %i : tensor<4xi32>
  %2 = nn.neg %x : tensor<4xf32>
  %3 = nn.neg %i : tensor<4xi32>
  %4 = nn.sign %x : tensor<4xf32>
  return %0, %1, %2, %3, %4 : tensor<4xf32>, tensor<4xi32>, tensor<4xf32>, tensor<4xi32>, tensor<4xf32>
}

// -----

// Integer clamp bounds are rounded inwards: [0.5, 6.5] is [1, 6].
// CHECK-LABEL: func.func @clamp
//       CHECK:   %[[LO:.+]] = arith.constant 0.000000e+00 : f32
//       CHECK:   %[[MAX:.+]] = arith.maximumf %{{.+}}, %[[LO]] : f32
//       CHECK:   %[[HI:.+]] = arith.constant 6.000000e+00 : f32
//       CHECK:   arith.minimumf %[[MAX]], %[[HI]] : f32
//       CHECK:   %[[ILO:.+]] = arith.constant 1 : i32
//       CHECK:   %[[IMAX:.+]] = arith.maxsi %{{.+}}, %[[ILO]] : i32
//       CHECK:   %[[IHI:.+]] = arith.constant 6 : i32
//       CHECK:   arith.minsi %[[IMAX]], %[[IHI]] : i32
func.func @clamp(%x: tensor<4xf32>, %i: tensor<4xi32>) -> (tensor<4xf32>, tensor<4xi32>) {
  %0 = nn.clamp %x {lo = 0.0 : f64, hi = 6.0 : f64} : tensor<4xf32>
  %1 = nn.clamp %i {lo = 0.5 : f64, hi = 6.5 : f64} : tensor<4xi32>
  return %0, %1 : tensor<4xf32>, tensor<4xi32>
}

// -----

// CHECK-LABEL: func.func @arithmetic
//       CHECK:   arith.subf
//       CHECK:   arith.divf
//       CHECK:   arith.floordivsi
//       CHECK:   math.powf
//       CHECK:   math.ipowi
//       CHECK:   arith.maximumf
//       CHECK:   arith.minsi
//       CHECK:   arith.remf
func.func @arithmetic(%x: tensor<4xf32>, %y: tensor<4xf32>, %i: tensor<4xi32>, %j: tensor<4xi32>) -> (tensor<4xf32>, tensor<4xf32>, tensor<4xi32>, tensor<4xf32>, tensor<4xi32>, tensor<4xf32>, tensor<4xi32>, tensor<4xf32>) {
  %0 = nn.sub %x, %y : tensor<4xf32>, tensor<4xf32> -> tensor<4xf32>
  %1 = nn.div %x, %y : tensor<4xf32>, tensor<4xf32> -> tensor<4xf32>
  %2 = nn.div %i, %j : tensor<4xi32>, tensor<4xi32> -> tensor<4xi32>
  %3 = nn.pow %x, %y : tensor<4xf32>, tensor<4xf32> -> tensor<4xf32>
  %4 = nn.pow %i, %j : tensor<4xi32>, tensor<4xi32> -> tensor<4xi32>
  %5 = nn.maximum %x, %y : tensor<4xf32>, tensor<4xf32> -> tensor<4xf32>
  %6 = nn.minimum %i, %j : tensor<4xi32>, tensor<4xi32> -> tensor<4xi32>
  %7 = nn.mod %x, %y : tensor<4xf32>, tensor<4xf32> -> tensor<4xf32>
  return %0, %1, %2, %3, %4, %5, %6, %7 : tensor<4xf32>, tensor<4xf32>, tensor<4xi32>, tensor<4xf32>, tensor<4xi32>, tensor<4xf32>, tensor<4xi32>, tensor<4xf32>
}

// -----

// Float `ne` is unordered (true for NaN); bools compare unsigned.
// CHECK-LABEL: func.func @compare
//       CHECK:   arith.cmpf oeq
//       CHECK:   arith.cmpf une
//       CHECK:   arith.cmpf olt
//       CHECK:   arith.cmpi sle
//       CHECK:   arith.cmpi ugt
//       CHECK:   arith.cmpi uge
func.func @compare(%x: tensor<?x10xf32>, %s: tensor<f32>, %i: tensor<4xi32>, %m: tensor<?x10xi1>, %n: tensor<10xi1>) -> (tensor<?x10xi1>, tensor<?x10xi1>, tensor<?x10xi1>, tensor<4xi1>, tensor<?x10xi1>, tensor<?x10xi1>) {
  %0 = nn.compare eq, %x, %s : tensor<?x10xf32>, tensor<f32> -> tensor<?x10xi1>
  %1 = nn.compare ne, %x, %x : tensor<?x10xf32>, tensor<?x10xf32> -> tensor<?x10xi1>
  %2 = nn.compare lt, %x, %s : tensor<?x10xf32>, tensor<f32> -> tensor<?x10xi1>
  %3 = nn.compare le, %i, %i : tensor<4xi32>, tensor<4xi32> -> tensor<4xi1>
  %4 = nn.compare gt, %m, %n : tensor<?x10xi1>, tensor<10xi1> -> tensor<?x10xi1>
  %5 = nn.compare ge, %m, %n : tensor<?x10xi1>, tensor<10xi1> -> tensor<?x10xi1>
  return %0, %1, %2, %3, %4, %5 : tensor<?x10xi1>, tensor<?x10xi1>, tensor<?x10xi1>, tensor<4xi1>, tensor<?x10xi1>, tensor<?x10xi1>
}

// -----

//   CHECK-DAG: #[[ID:.+]] = affine_map<(d0, d1) -> (d0, d1)>
//   CHECK-DAG: #[[NONE:.+]] = affine_map<(d0, d1) -> ()>
// CHECK-LABEL: func.func @where_and_logic
//  CHECK-SAME:   (%[[M:.+]]: tensor<?x10xi1>, %[[X:.+]]: tensor<?x10xf32>, %[[S:.+]]: tensor<f32>, %[[N:.+]]: tensor<10xi1>)
//       CHECK:   linalg.generic {indexing_maps = [#[[ID]], #[[ID]], #[[NONE]], #[[ID]]]
//  CHECK-SAME:     ins(%[[M]], %[[X]], %[[S]] :
//       CHECK:   ^bb0(%[[C:.+]]: i1, %[[A:.+]]: f32, %[[B:.+]]: f32, %{{.+}}: f32):
//       CHECK:     arith.select %[[C]], %[[A]], %[[B]] : f32
//       CHECK:   arith.andi
//       CHECK:   arith.ori
//       CHECK:   %[[TRUE:.+]] = arith.constant true
//       CHECK:   arith.xori %{{.+}}, %[[TRUE]] : i1
func.func @where_and_logic(%m: tensor<?x10xi1>, %x: tensor<?x10xf32>, %s: tensor<f32>, %n: tensor<10xi1>) -> (tensor<?x10xf32>, tensor<?x10xi1>, tensor<?x10xi1>, tensor<?x10xi1>) {
  %0 = nn.where %m, %x, %s : tensor<?x10xi1>, tensor<?x10xf32>, tensor<f32> -> tensor<?x10xf32>
  %1 = nn.and %m, %n : tensor<?x10xi1>, tensor<10xi1> -> tensor<?x10xi1>
  %2 = nn.or %n, %m : tensor<10xi1>, tensor<?x10xi1> -> tensor<?x10xi1>
  %3 = nn.not %m : tensor<?x10xi1>
  return %0, %1, %2, %3 : tensor<?x10xf32>, tensor<?x10xi1>, tensor<?x10xi1>, tensor<?x10xi1>
}
