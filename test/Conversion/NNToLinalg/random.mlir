// RUN: nnc-opt %s -split-input-file -convert-nn-to-linalg | FileCheck %s
// RUN: nnc-opt %s -split-input-file -convert-nn-to-linalg -canonicalize \
// RUN:   -linalg-fuse-elementwise-ops -canonicalize -cse \
// RUN:   | FileCheck %s --check-prefix=FUSED
// The random ops: a linalg.generic over the result computes the row-major
// flat index and calls the runtime's generator with the op's seed_offset as
// the site; the function is declared once per module.

//       CHECK: func.func private @nnrt_rand_uniform(i64, i64) -> f32
//   CHECK-NOT: func.func private @nnrt_rand_uniform
// CHECK-LABEL: func.func @uniform
//       CHECK:   %[[EMPTY:.+]] = tensor.empty() : tensor<4x4xf32>
//       CHECK:   linalg.generic {{.+}} iterator_types = ["parallel", "parallel"]} outs(%[[EMPTY]] : tensor<4x4xf32>)
//       CHECK:     %[[I:.+]] = linalg.index 0 : index
//       CHECK:     %[[J:.+]] = linalg.index 1 : index
//       CHECK:     %[[ROW:.+]] = arith.muli %[[I]], %{{.+}} : index
//       CHECK:     %[[FLAT:.+]] = arith.addi %[[ROW]], %[[J]] : index
//       CHECK:     %[[IDX:.+]] = arith.index_cast %[[FLAT]] : index to i64
//       CHECK:     %[[SITE:.+]] = arith.constant 3 : i64
//       CHECK:     %[[U:.+]] = func.call @nnrt_rand_uniform(%[[SITE]], %[[IDX]]) : (i64, i64) -> f32
//       CHECK:     %[[LO:.+]] = arith.constant -1.000000e+00 : f32
//       CHECK:     %[[SPAN:.+]] = arith.constant 2.000000e+00 : f32
//       CHECK:     %[[S:.+]] = arith.mulf %[[SPAN]], %[[U]] : f32
//       CHECK:     %[[X:.+]] = arith.addf %[[LO]], %[[S]] : f32
//       CHECK:     %[[HI:.+]] = arith.constant 1.000000e+00 : f32
//       CHECK:     %[[IN:.+]] = arith.cmpf olt, %[[X]], %[[HI]] : f32
//       CHECK:     %[[BELOW:.+]] = arith.constant 0.99999994 : f32
//       CHECK:     %[[R:.+]] = arith.select %[[IN]], %[[X]], %[[BELOW]] : f32
//       CHECK:     linalg.yield %[[R]] : f32
// CHECK-LABEL: func.func @uniform_again
//       CHECK:   func.call @nnrt_rand_uniform
func.func @uniform() -> tensor<4x4xf32> {
  %0 = nn.uniform {lo = -1.0 : f64, hi = 1.0 : f64, seed_offset = 3 : i64} : tensor<4x4xf32>
  return %0 : tensor<4x4xf32>
}
func.func @uniform_again() -> tensor<4xf32> {
  %0 = nn.uniform {lo = 0.0 : f64, hi = 1.0 : f64, seed_offset = 4 : i64} : tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

// A dynamic batch: the empty tensor and the flat index use the size operand.
//       CHECK: func.func private @nnrt_rand_normal(i64, i64) -> f32
// CHECK-LABEL: func.func @normal
//  CHECK-SAME:   (%[[B:.+]]: index)
//       CHECK:   %[[C64:.+]] = arith.constant 64 : index
//       CHECK:   %[[EMPTY:.+]] = tensor.empty(%[[B]]) : tensor<?x64xf32>
//       CHECK:   linalg.generic {{.+}} outs(%[[EMPTY]] : tensor<?x64xf32>)
//       CHECK:     %[[I:.+]] = linalg.index 0 : index
//       CHECK:     %[[J:.+]] = linalg.index 1 : index
//       CHECK:     %[[ROW:.+]] = arith.muli %[[I]], %[[C64]] : index
//       CHECK:     %[[FLAT:.+]] = arith.addi %[[ROW]], %[[J]] : index
//       CHECK:     %[[IDX:.+]] = arith.index_cast %[[FLAT]] : index to i64
//       CHECK:     %[[SITE:.+]] = arith.constant 1 : i64
//       CHECK:     %[[N:.+]] = func.call @nnrt_rand_normal(%[[SITE]], %[[IDX]]) : (i64, i64) -> f32
//       CHECK:     %[[STD:.+]] = arith.constant 5.000000e-01 : f32
//       CHECK:     %[[R:.+]] = arith.mulf %[[STD]], %[[N]] : f32
//       CHECK:     linalg.yield %[[R]] : f32
func.func @normal(%b: index) -> tensor<?x64xf32> {
  %0 = nn.normal [%b] {std = 0.5 : f64, seed_offset = 1 : i64} : tensor<?x64xf32>
  return %0 : tensor<?x64xf32>
}

// -----

// A bool result is the comparison itself.
// CHECK-LABEL: func.func @bernoulli_bool
//       CHECK:   linalg.generic {{.+}} outs(%{{.+}} : tensor<?x128xi1>)
//       CHECK:     %[[U:.+]] = func.call @nnrt_rand_uniform(%{{.+}}, %{{.+}}) : (i64, i64) -> f32
//       CHECK:     %[[P:.+]] = arith.constant 3.000000e-01 : f32
//       CHECK:     %[[HIT:.+]] = arith.cmpf olt, %[[U]], %[[P]] : f32
//       CHECK:     linalg.yield %[[HIT]] : i1
func.func @bernoulli_bool(%b: index) -> tensor<?x128xi1> {
  %0 = nn.bernoulli [%b] {p = 0.3 : f64, seed_offset = 4 : i64} : tensor<?x128xi1>
  return %0 : tensor<?x128xi1>
}

// -----

// A float result is 1.0 or 0.0; a rank-1 result indexes by its only dim.
// CHECK-LABEL: func.func @bernoulli_f16
//       CHECK:   linalg.generic {{.+}} outs(%{{.+}} : tensor<8xf16>)
//       CHECK:     %[[I:.+]] = linalg.index 0 : index
//       CHECK:     %[[IDX:.+]] = arith.index_cast %[[I]] : index to i64
//       CHECK:     %[[SITE:.+]] = arith.constant 5 : i64
//       CHECK:     %[[U:.+]] = func.call @nnrt_rand_uniform(%[[SITE]], %[[IDX]])
//       CHECK:     %[[HIT:.+]] = arith.cmpf olt, %[[U]], %{{.+}} : f32
//       CHECK:     %[[R:.+]] = arith.uitofp %[[HIT]] : i1 to f16
//       CHECK:     linalg.yield %[[R]] : f16
func.func @bernoulli_f16() -> tensor<8xf16> {
  %0 = nn.bernoulli {p = 0.25 : f64, seed_offset = 5 : i64} : tensor<8xf16>
  return %0 : tensor<8xf16>
}

// -----

// dropout keeps x / (1 - p) where u >= p, else 0; the sizes come from x.
// CHECK-LABEL: func.func @dropout
//  CHECK-SAME:   (%[[X:.+]]: tensor<?x10xf32>)
//       CHECK:   %[[DIM:.+]] = tensor.dim %[[X]], %{{.+}} : tensor<?x10xf32>
//       CHECK:   %[[EMPTY:.+]] = tensor.empty(%[[DIM]]) : tensor<?x10xf32>
//       CHECK:   linalg.generic {{.+}} ins(%[[X]] : tensor<?x10xf32>) outs(%[[EMPTY]] : tensor<?x10xf32>)
//       CHECK:   ^bb0(%[[IN:.+]]: f32, %{{.+}}: f32):
//       CHECK:     %[[SITE:.+]] = arith.constant 7 : i64
//       CHECK:     %[[U:.+]] = func.call @nnrt_rand_uniform(%[[SITE]], %{{.+}}) : (i64, i64) -> f32
//       CHECK:     %[[P:.+]] = arith.constant 2.500000e-01 : f32
//       CHECK:     %[[KEEP:.+]] = arith.cmpf oge, %[[U]], %[[P]] : f32
//       CHECK:     %[[SCALE:.+]] = arith.constant 1.33333337 : f32
//       CHECK:     %[[SCALED:.+]] = arith.mulf %[[IN]], %[[SCALE]] : f32
//       CHECK:     %[[ZERO:.+]] = arith.constant 0.000000e+00 : f32
//       CHECK:     %[[R:.+]] = arith.select %[[KEEP]], %[[SCALED]], %[[ZERO]] : f32
//       CHECK:     linalg.yield %[[R]] : f32
func.func @dropout(%x: tensor<?x10xf32>) -> tensor<?x10xf32> {
  %0 = nn.dropout %x {p = 0.25 : f64, seed_offset = 7 : i64} : tensor<?x10xf32>
  return %0 : tensor<?x10xf32>
}

// -----

// Elementwise fusion moves a single-use random generic into its consumer
// and does not duplicate one with two consumers: one call each time.
// FUSED-LABEL: func.func @fused_once
//       FUSED:   linalg.generic
//       FUSED:     func.call @nnrt_rand_uniform
//       FUSED:     math.exp
//   FUSED-NOT:   func.call
// FUSED-LABEL: func.func @two_uses
//       FUSED:     func.call @nnrt_rand_uniform
//   FUSED-NOT:     func.call
//       FUSED:   return
func.func @fused_once(%b: index) -> tensor<?x8xf32> {
  %0 = nn.uniform [%b] {lo = 0.0 : f64, hi = 1.0 : f64, seed_offset = 0 : i64} : tensor<?x8xf32>
  %1 = nn.exp %0 : tensor<?x8xf32>
  return %1 : tensor<?x8xf32>
}
func.func @two_uses(%b: index) -> (tensor<?x8xf32>, tensor<?x8xf32>) {
  %0 = nn.uniform [%b] {lo = 0.0 : f64, hi = 1.0 : f64, seed_offset = 1 : i64} : tensor<?x8xf32>
  %1 = nn.exp %0 : tensor<?x8xf32>
  %2 = nn.neg %0 : tensor<?x8xf32>
  return %1, %2 : tensor<?x8xf32>, tensor<?x8xf32>
}
