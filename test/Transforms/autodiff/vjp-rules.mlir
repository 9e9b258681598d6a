// RUN: nnc-opt %s -split-input-file -nn-autodiff | FileCheck %s

// The structure of a few VJP rules; Inputs/gradcheck.py checks their numbers.

// conv2d, input gradient: dy zero-dilated by the stride (a strided
// insert_slice into zeros, at d(k-1) - p) convolved with the weight regrouped
// to [C, O/G, kh, kw] and flipped (split and concat reversed), with the
// forward's dilation and groups. Weight gradient: x and dy with batch and
// channel swapped per group, convolved with stride and dilation exchanged.

// CHECK-LABEL: func.func @conv2d_grad
//  CHECK-SAME:   (%[[X:.+]]: tensor<?x4x9x8xf32>, %[[W:.+]]: tensor<6x2x3x2xf32>)
//       CHECK:   %[[DY:.+]] = nn.broadcast_to
//       CHECK:   %[[W5:.+]] = nn.reshape %[[W]] : tensor<6x2x3x2xf32> -> tensor<2x3x2x3x2xf32>
//       CHECK:   %[[WT:.+]] = nn.transpose %[[W5]], [0, 2, 1, 3, 4]
//       CHECK:   %[[WR:.+]] = nn.reshape %[[WT]] : tensor<2x2x3x3x2xf32> -> tensor<4x3x3x2xf32>
//       CHECK:   %[[ROWS:.+]]:3 = nn.split %[[WR]] axis = 2
//       CHECK:   %[[FR:.+]] = nn.concat %[[ROWS]]#2, %[[ROWS]]#1, %[[ROWS]]#0 axis = 2
//       CHECK:   %[[COLS:.+]]:2 = nn.split %[[FR]] axis = 3
//       CHECK:   %[[FLIP:.+]] = nn.concat %[[COLS]]#1, %[[COLS]]#0 axis = 3
//       CHECK:   %[[Z:.+]] = nn.fill 0.000000e+00 [%{{.+}}] : tensor<?x6x13x10xf32>
//       CHECK:   %[[DIL:.+]] = tensor.insert_slice %[[DY]] into %[[Z]][0, 0, 3, 1] [%{{.+}}, 6, 4, 4] [1, 1, 2, 2]
//       CHECK:   %[[DX:.+]] = nn.conv2d %[[DIL]], %[[FLIP]] {dilation = 2 : i64, groups = 2 : i64} : tensor<?x6x13x10xf32>, tensor<4x3x3x2xf32> -> tensor<?x4x9x8xf32>
//       CHECK:   %[[XG:.+]] = nn.reshape %[[X]] [%[[N:.+]]] : tensor<?x4x9x8xf32> -> tensor<?x2x2x9x8xf32>
//       CHECK:   %[[XP:.+]] = nn.transpose %[[XG]], [2, 1, 0, 3, 4]
//       CHECK:   %[[GN:.+]] = arith.muli %[[N]], %c2
//       CHECK:   %[[XT:.+]] = nn.reshape %[[XP]] [%[[GN]]] : tensor<2x2x?x9x8xf32> -> tensor<2x?x9x8xf32>
//       CHECK:   %[[DG:.+]] = nn.reshape %[[DY]] [%[[N]]] : tensor<?x6x4x4xf32> -> tensor<?x2x3x4x4xf32>
//       CHECK:   %[[DP:.+]] = nn.transpose %[[DG]], [1, 2, 0, 3, 4]
//       CHECK:   %[[DT:.+]] = nn.reshape %[[DP]] [%[[N]]] : tensor<2x3x?x4x4xf32> -> tensor<6x?x4x4xf32>
//       CHECK:   %[[CW:.+]] = nn.conv2d %[[XT]], %[[DT]] {dilation = 2 : i64, groups = 2 : i64, padding = 1 : i64, stride = 2 : i64} : tensor<2x?x9x8xf32>, tensor<6x?x4x4xf32> -> tensor<2x6x3x2xf32>
//       CHECK:   %[[DW:.+]] = nn.transpose %[[CW]], [1, 0, 2, 3] : tensor<2x6x3x2xf32> -> tensor<6x2x3x2xf32>
//       CHECK:   return %{{.+}}, %[[DX]], %[[DW]]
func.func @conv2d(%x: tensor<?x4x9x8xf32>, %w: tensor<6x2x3x2xf32>) -> tensor<f32> attributes {nn.differentiate} {
  %0 = nn.conv2d %x, %w {stride = 2 : i64, padding = 1 : i64, dilation = 2 : i64, groups = 2 : i64} : tensor<?x4x9x8xf32>, tensor<6x2x3x2xf32> -> tensor<?x6x4x4xf32>
  %1 = nn.sum %0 axes = [] : tensor<?x6x4x4xf32> -> tensor<f32>
  return %1 : tensor<f32>
}

// -----

// dropout: the same mask, drawn again from the same seed_offset.

// CHECK-LABEL: func.func @dropout_grad
//       CHECK:   %[[DY:.+]] = nn.broadcast_to
//       CHECK:   %[[DX:.+]] = nn.dropout %[[DY]] {p = 2.500000e-01 : f64, seed_offset = 7 : i64} : tensor<?x8xf32>
//       CHECK:   return %{{.+}}, %[[DX]]
func.func @dropout(%x: tensor<?x8xf32>) -> tensor<f32> attributes {nn.differentiate} {
  %0 = nn.dropout %x {p = 2.500000e-01 : f64, seed_offset = 7 : i64} : tensor<?x8xf32>
  %1 = nn.sum %0 axes = [] : tensor<?x8xf32> -> tensor<f32>
  return %1 : tensor<f32>
}

// -----

// embedding: onehot(clamp(ids))^T @ dy sums each position's gradient into
// its row; the ids get none.

// CHECK-LABEL: func.func @embedding_grad
//  CHECK-SAME:   (%[[T:.+]]: tensor<10x4xf32>, %[[IDS:.+]]: tensor<?x3xi32>) -> (tensor<f32>, tensor<10x4xf32>)
//       CHECK:   %[[DY:.+]] = nn.broadcast_to
//       CHECK:   %[[P:.+]] = arith.muli %{{.+}}, %c3
//       CHECK:   %[[FLAT:.+]] = nn.reshape %[[IDS]] [%[[P]]] : tensor<?x3xi32> -> tensor<?xi32>
//       CHECK:   %[[G:.+]] = nn.reshape %[[DY]] [%[[P]]] : tensor<?x3x4xf32> -> tensor<?x4xf32>
//       CHECK:   %[[C:.+]] = nn.clamp %[[FLAT]] {hi = 9.000000e+00 : f64, lo = 0.000000e+00 : f64}
//       CHECK:   %[[R:.+]] = nn.arange : tensor<10xi32>
//       CHECK:   %[[RC:.+]] = nn.unsqueeze %[[R]] axis = 1
//       CHECK:   %[[CR:.+]] = nn.unsqueeze %[[C]] axis = 0
//       CHECK:   %[[EQ:.+]] = nn.compare eq, %[[RC]], %[[CR]] : tensor<10x1xi32>, tensor<1x?xi32> -> tensor<10x?xi1>
//       CHECK:   %[[OH:.+]] = nn.where %[[EQ]]
//       CHECK:   %[[DT:.+]] = nn.matmul %[[OH]], %[[G]] : tensor<10x?xf32>, tensor<?x4xf32> -> tensor<10x4xf32>
//       CHECK:   return %{{.+}}, %[[DT]]
func.func @embedding(%t: tensor<10x4xf32>, %ids: tensor<?x3xi32>) -> tensor<f32> attributes {nn.differentiate} {
  %0 = nn.embedding %t, %ids : tensor<10x4xf32>, tensor<?x3xi32> -> tensor<?x3x4xf32>
  %1 = nn.sum %0 axes = [] : tensor<?x3x4xf32> -> tensor<f32>
  return %1 : tensor<f32>
}

// -----

// where: dy to each branch where it was picked, summed over the axes it was
// broadcast along; nothing to the mask.

// CHECK-LABEL: func.func @where_grad
//  CHECK-SAME:   (%[[M:.+]]: tensor<4xi1>, %[[A:.+]]: tensor<3x4xf32>, %[[B:.+]]: tensor<f32>) -> (tensor<f32>, tensor<3x4xf32>, tensor<f32>)
//       CHECK:   %[[DY:.+]] = nn.broadcast_to
//       CHECK:   %[[ZERO:.+]] = nn.fill 0.000000e+00 : tensor<f32>
//       CHECK:   %[[DA:.+]] = nn.where %[[M]], %[[DY]], %[[ZERO]] : tensor<4xi1>, tensor<3x4xf32>, tensor<f32> -> tensor<3x4xf32>
//       CHECK:   %[[NB:.+]] = nn.where %[[M]], %[[ZERO]], %[[DY]] : tensor<4xi1>, tensor<f32>, tensor<3x4xf32> -> tensor<3x4xf32>
//       CHECK:   %[[SB:.+]] = nn.sum %[[NB]] axes = [0, 1] keepdim
//       CHECK:   %[[DB:.+]] = nn.reshape %[[SB]] : tensor<1x1xf32> -> tensor<f32>
//       CHECK:   return %{{.+}}, %[[DA]], %[[DB]]
func.func @where(%m: tensor<4xi1>, %a: tensor<3x4xf32>, %b: tensor<f32>) -> tensor<f32> attributes {nn.differentiate} {
  %0 = nn.where %m, %a, %b : tensor<4xi1>, tensor<3x4xf32>, tensor<f32> -> tensor<3x4xf32>
  %1 = nn.sum %0 axes = [] : tensor<3x4xf32> -> tensor<f32>
  return %1 : tensor<f32>
}

// -----

// concat: each input's slice of dy.

// CHECK-LABEL: func.func @concat_grad
//       CHECK:   %[[DY:.+]] = nn.broadcast_to
//       CHECK:   %[[DA:.+]] = tensor.extract_slice %[[DY]][0, 0] [%{{.+}}, 3] [1, 1] : tensor<?x8xf32> to tensor<?x3xf32>
//       CHECK:   %[[DB:.+]] = tensor.extract_slice %[[DY]][0, 3] [%{{.+}}, 5] [1, 1] : tensor<?x8xf32> to tensor<?x5xf32>
//       CHECK:   return %{{.+}}, %[[DA]], %[[DB]]
func.func @concat(%a: tensor<?x3xf32>, %b: tensor<?x5xf32>) -> tensor<f32> attributes {nn.differentiate} {
  %0 = nn.concat %a, %b axis = 1 : tensor<?x3xf32>, tensor<?x5xf32> -> tensor<?x8xf32>
  %1 = nn.sum %0 axes = [] : tensor<?x8xf32> -> tensor<f32>
  return %1 : tensor<f32>
}

// -----

// max: dy to the maxima, divided by their count; softmax: y * (dy - sum(dy y)).

// CHECK-LABEL: func.func @softmax_max_grad
//       CHECK:   %[[Y:.+]] = nn.softmax
//       CHECK:   %[[M:.+]] = nn.max %[[Y]] axes = [1]
//       CHECK:   %[[DM:.+]] = nn.broadcast_to
//       CHECK:   %[[MK:.+]] = nn.unsqueeze %[[M]] axis = 1
//       CHECK:   %[[DMK:.+]] = nn.unsqueeze %[[DM]] axis = 1
//       CHECK:   %[[EQ:.+]] = nn.compare eq, %[[Y]], %[[MK]]
//       CHECK:   %[[HITS:.+]] = nn.where %[[EQ]]
//       CHECK:   %[[COUNT:.+]] = nn.sum %[[HITS]] axes = [1] keepdim
//       CHECK:   %[[SHARE:.+]] = nn.div %[[DMK]], %[[COUNT]]
//       CHECK:   %[[DY:.+]] = nn.mul %[[HITS]], %[[SHARE]]
//       CHECK:   %[[P:.+]] = nn.mul %[[DY]], %[[Y]]
//       CHECK:   %[[S:.+]] = nn.sum %[[P]] axes = [1] keepdim
//       CHECK:   %[[D:.+]] = nn.sub %[[DY]], %[[S]]
//       CHECK:   %[[DX:.+]] = nn.mul %[[Y]], %[[D]]
//       CHECK:   return %{{.+}}, %[[DX]]
func.func @softmax_max(%x: tensor<?x5xf32>) -> tensor<f32> attributes {nn.differentiate} {
  %0 = nn.softmax %x axis = -1 : tensor<?x5xf32>
  %1 = nn.max %0 axes = [1] : tensor<?x5xf32> -> tensor<?xf32>
  %2 = nn.sum %1 axes = [] : tensor<?xf32> -> tensor<f32>
  return %2 : tensor<f32>
}
