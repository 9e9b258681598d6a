// RUN: nnc-opt %s -split-input-file -convert-nn-to-linalg | FileCheck %s
// embedding, cross_entropy, the norms and the constructors.

//   CHECK-DAG: #[[IDMAP:.+]] = affine_map<(d0, d1, d2) -> (d0, d1)>
//   CHECK-DAG: #[[OUT:.+]] = affine_map<(d0, d1, d2) -> (d0, d1, d2)>
// CHECK-LABEL: func.func @embedding
//  CHECK-SAME:   (%[[T:.+]]: tensor<1000x64xf32>, %[[IDS:.+]]: tensor<?x16xi64>)
//       CHECK:   %[[V:.+]] = arith.constant 1000 : index
//       CHECK:   %[[EMPTY:.+]] = tensor.empty(%{{.+}}) : tensor<?x16x64xf32>
//       CHECK:   linalg.generic {indexing_maps = [#[[IDMAP]], #[[OUT]]], iterator_types = ["parallel", "parallel", "parallel"]}
//  CHECK-SAME:     ins(%[[IDS]] : tensor<?x16xi64>) outs(%[[EMPTY]] : tensor<?x16x64xf32>)
//       CHECK:   ^bb0(%[[ID:.+]]: i64, %{{.+}}: f32):
//       CHECK:     %[[I:.+]] = arith.index_cast %[[ID]] : i64 to index
//       CHECK:     %[[LAST:.+]] = arith.subi %[[V]], %{{.+}} : index
//       CHECK:     %[[LOW:.+]] = arith.maxsi %[[I]], %{{.+}} : index
//       CHECK:     %[[ROW:.+]] = arith.minsi %[[LOW]], %[[LAST]] : index
//       CHECK:     %[[COL:.+]] = linalg.index 2 : index
//       CHECK:     %[[E:.+]] = tensor.extract %[[T]][%[[ROW]], %[[COL]]] : tensor<1000x64xf32>
//       CHECK:     linalg.yield %[[E]] : f32
func.func @embedding(%t: tensor<1000x64xf32>, %ids: tensor<?x16xi64>) -> tensor<?x16x64xf32> {
  %0 = nn.embedding %t, %ids : tensor<1000x64xf32>, tensor<?x16xi64> -> tensor<?x16x64xf32>
  return %0 : tensor<?x16x64xf32>
}

// -----

// Row max, sum of exp(x - max), and (with smoothing) the row sum; then one
// generic reduces the per-row losses over the batch, and the mean divides
// by B.
// CHECK-LABEL: func.func @cross_entropy_smoothing
//  CHECK-SAME:   (%[[X:.+]]: tensor<?x10xf32>, %[[Y:.+]]: tensor<?xi32>)
//       CHECK:   %[[MAX:.+]] = linalg.generic {{.+}} ins(%[[X]] : tensor<?x10xf32>)
//       CHECK:     arith.maximumf
//       CHECK:   %[[SUMEXP:.+]] = linalg.generic {{.+}} ins(%[[X]], %[[MAX]] : tensor<?x10xf32>, tensor<?xf32>)
//       CHECK:     math.exp
//       CHECK:   %[[ROWSUM:.+]] = linalg.generic {{.+}} ins(%[[X]] : tensor<?x10xf32>)
//       CHECK:   %[[EPS:.+]] = arith.constant 1.000000e-01 : f32
//       CHECK:   %[[C:.+]] = arith.constant 1.000000e+01 : f32
//       CHECK:   %[[SPREAD:.+]] = arith.divf %[[EPS]], %[[C]] : f32
//       CHECK:   %[[KEEP:.+]] = arith.constant 0.899999976 : f32
//       CHECK:   %[[TOTAL:.+]] = linalg.generic {{.+}} iterator_types = ["reduction"]}
//  CHECK-SAME:     ins(%[[Y]], %[[MAX]], %[[SUMEXP]], %[[ROWSUM]] : tensor<?xi32>, tensor<?xf32>, tensor<?xf32>, tensor<?xf32>) outs(%{{.+}} : tensor<f32>)
//       CHECK:   ^bb0(%[[L:.+]]: i32, %[[M:.+]]: f32, %[[S:.+]]: f32, %[[R:.+]]: f32, %[[ACC:.+]]: f32):
//       CHECK:     %[[I:.+]] = linalg.index 0 : index
//       CHECK:     %[[PICKED:.+]] = tensor.extract %[[X]][%[[I]], %{{.+}}] : tensor<?x10xf32>
//       CHECK:     %[[LOGS:.+]] = math.log %[[S]] : f32
//       CHECK:     %[[LSE:.+]] = arith.addf %[[M]], %[[LOGS]] : f32
//       CHECK:     %[[KX:.+]] = arith.mulf %[[KEEP]], %[[PICKED]] : f32
//       CHECK:     %[[L1:.+]] = arith.subf %[[LSE]], %[[KX]] : f32
//       CHECK:     %[[SR:.+]] = arith.mulf %[[SPREAD]], %[[R]] : f32
//       CHECK:     %[[L2:.+]] = arith.subf %[[L1]], %[[SR]] : f32
//       CHECK:     arith.addf %[[ACC]], %[[L2]] : f32
//       CHECK:   %[[B:.+]] = arith.sitofp %{{.+}} : i64 to f32
//       CHECK:   linalg.generic
//  CHECK-SAME:     ins(%[[TOTAL]] : tensor<f32>)
//       CHECK:     arith.divf %{{.+}}, %[[B]] : f32
func.func @cross_entropy_smoothing(%x: tensor<?x10xf32>, %y: tensor<?xi32>) -> tensor<f32> {
  %0 = nn.cross_entropy %x, %y {label_smoothing = 0.1 : f64} : tensor<?x10xf32>, tensor<?xi32> -> tensor<f32>
  return %0 : tensor<f32>
}

// -----

// Without smoothing there is no row sum.
// CHECK-LABEL: func.func @cross_entropy
//       CHECK:   linalg.generic {{.+}} ins(%{{.+}}, %{{.+}}, %{{.+}} : tensor<4xi64>, tensor<4xf32>, tensor<4xf32>) outs(%{{.+}} : tensor<f32>)
//       CHECK:   arith.constant 4.000000e+00 : f32
func.func @cross_entropy(%x: tensor<4x3xf32>, %y: tensor<4xi64>) -> tensor<f32> {
  %0 = nn.cross_entropy %x, %y : tensor<4x3xf32>, tensor<4xi64> -> tensor<f32>
  return %0 : tensor<f32>
}

// -----

//   CHECK-DAG: #[[ID:.+]] = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
//   CHECK-DAG: #[[CH:.+]] = affine_map<(d0, d1, d2, d3) -> (d1)>
// CHECK-LABEL: func.func @batch_norm
//  CHECK-SAME:   (%[[X:.+]]: tensor<?x6x28x28xf32>, %[[MU:.+]]: tensor<6xf32>, %[[VAR:.+]]: tensor<6xf32>)
//       CHECK:   %[[EPS:.+]] = arith.constant 9.99999974E-6 : f32
//       CHECK:   linalg.generic {indexing_maps = [#[[ID]], #[[CH]], #[[CH]], #[[ID]]]
//  CHECK-SAME:     ins(%[[X]], %[[MU]], %[[VAR]] :
//       CHECK:   ^bb0(%[[A:.+]]: f32, %[[M:.+]]: f32, %[[V:.+]]: f32, %{{.+}}: f32):
//       CHECK:     %[[D:.+]] = arith.subf %[[A]], %[[M]] : f32
//       CHECK:     %[[VE:.+]] = arith.addf %[[V]], %[[EPS]] : f32
//       CHECK:     %[[SD:.+]] = math.sqrt %[[VE]] : f32
//       CHECK:     arith.divf %[[D]], %[[SD]] : f32
func.func @batch_norm(%x: tensor<?x6x28x28xf32>, %mu: tensor<6xf32>, %var: tensor<6xf32>) -> tensor<?x6x28x28xf32> {
  %0 = nn.batch_norm %x, %mu, %var {eps = 1.0e-5 : f64} : tensor<?x6x28x28xf32>, tensor<6xf32>, tensor<6xf32>
  return %0 : tensor<?x6x28x28xf32>
}

// -----

// Mean, then the biased variance around it, then the normalization.
// CHECK-LABEL: func.func @layer_norm
//  CHECK-SAME:   (%[[X:.+]]: tensor<?x10xf32>)
//       CHECK:   %[[D:.+]] = arith.constant 1.000000e+01 : f32
//       CHECK:   %[[SUM:.+]] = linalg.generic {{.+}} iterator_types = ["parallel", "reduction"]
//       CHECK:   %[[MEAN:.+]] = linalg.generic {{.+}} ins(%[[SUM]] : tensor<?xf32>)
//       CHECK:     arith.divf %{{.+}}, %[[D]] : f32
//       CHECK:   %[[SQ:.+]] = linalg.generic {{.+}} ins(%[[X]], %[[MEAN]] : tensor<?x10xf32>, tensor<?xf32>)
//       CHECK:     arith.subf
//       CHECK:     arith.mulf
//       CHECK:     arith.addf
//       CHECK:   linalg.generic {{.+}} ins(%[[X]], %[[MEAN]], %[[SQ]] : tensor<?x10xf32>, tensor<?xf32>, tensor<?xf32>)
//       CHECK:     math.sqrt
//       CHECK:     arith.divf
func.func @layer_norm(%x: tensor<?x10xf32>) -> tensor<?x10xf32> {
  %0 = nn.layer_norm %x {eps = 1.0e-3 : f64} : tensor<?x10xf32>
  return %0 : tensor<?x10xf32>
}

// -----

// CHECK-LABEL: func.func @constructors
//  CHECK-SAME:   (%[[B:.+]]: index, %[[N:.+]]: index)
//       CHECK:   %[[ZERO:.+]] = arith.constant 0.000000e+00 : f32
//       CHECK:   %[[E0:.+]] = tensor.empty(%[[B]]) : tensor<?x128xf32>
//       CHECK:   linalg.fill ins(%[[ZERO]] : f32) outs(%[[E0]] : tensor<?x128xf32>)
//       CHECK:   %[[ONE:.+]] = arith.constant 1 : i32
//       CHECK:   %[[E1:.+]] = tensor.empty(%[[B]], %[[N]]) : tensor<?x?xi32>
//       CHECK:   linalg.fill ins(%[[ONE]] : i32) outs(%[[E1]] : tensor<?x?xi32>)
//       CHECK:   %[[E2:.+]] = tensor.empty(%[[N]]) : tensor<?xi32>
//       CHECK:   linalg.generic {{.+}} outs(%[[E2]] : tensor<?xi32>)
//       CHECK:     %[[I:.+]] = linalg.index 0 : index
//       CHECK:     %[[I32:.+]] = arith.index_cast %[[I]] : index to i32
//       CHECK:     linalg.yield %[[I32]] : i32
//       CHECK:   linalg.generic {{.+}} outs(%{{.+}} : tensor<10xf32>)
//       CHECK:     arith.sitofp %{{.+}} : i64 to f32
//       CHECK:   %[[TRUE:.+]] = arith.constant true
//       CHECK:   linalg.fill ins(%[[TRUE]] : i1) outs(%{{.+}} : tensor<3xi1>)
func.func @constructors(%b: index, %n: index) -> (tensor<?x128xf32>, tensor<?x?xi32>, tensor<?xi32>, tensor<10xf32>, tensor<3xi1>) {
  %0 = nn.fill 0.0 [%b] : tensor<?x128xf32>
  %1 = nn.fill 1.0 [%b, %n] : tensor<?x?xi32>
  %2 = nn.arange [%n] : tensor<?xi32>
  %3 = nn.arange : tensor<10xf32>
  %4 = nn.fill 1.0 : tensor<3xi1>
  return %0, %1, %2, %3, %4 : tensor<?x128xf32>, tensor<?x?xi32>, tensor<?xi32>, tensor<10xf32>, tensor<3xi1>
}
