// RUN: nnc-opt %s -split-input-file -convert-nn-to-linalg | FileCheck %s
// conv2d and pooling to the named linalg ops on padded NCHW inputs.

// CHECK-LABEL: func.func @conv2d_padding
//  CHECK-SAME:   (%[[X:.+]]: tensor<?x1x28x28xf32>, %[[W:.+]]: tensor<6x1x5x5xf32>)
//       CHECK:   %[[ZERO:.+]] = arith.constant 0.000000e+00 : f32
//       CHECK:   %[[PAD:.+]] = tensor.pad %[[X]] low[0, 0, 2, 2] high[0, 0, 2, 2]
//       CHECK:     tensor.yield %[[ZERO]] : f32
//       CHECK:   } : tensor<?x1x28x28xf32> to tensor<?x1x32x32xf32>
//       CHECK:   %[[EMPTY:.+]] = tensor.empty(%{{.+}}) : tensor<?x6x28x28xf32>
//       CHECK:   %[[ACC:.+]] = linalg.fill ins(%[[ZERO]] : f32) outs(%[[EMPTY]] : tensor<?x6x28x28xf32>)
//       CHECK:   %[[Y:.+]] = linalg.conv_2d_nchw_fchw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
//  CHECK-SAME:     ins(%[[PAD]], %[[W]] : tensor<?x1x32x32xf32>, tensor<6x1x5x5xf32>) outs(%[[ACC]] : tensor<?x6x28x28xf32>)
//       CHECK:   return %[[Y]]
func.func @conv2d_padding(%x: tensor<?x1x28x28xf32>, %w: tensor<6x1x5x5xf32>) -> tensor<?x6x28x28xf32> {
  %0 = nn.conv2d %x, %w {padding = 2 : i64} : tensor<?x1x28x28xf32>, tensor<6x1x5x5xf32> -> tensor<?x6x28x28xf32>
  return %0 : tensor<?x6x28x28xf32>
}

// -----

// groups = 2: channels [6] as [2, 3], outputs [8] as [2, 4].
// CHECK-LABEL: func.func @conv2d_groups
//  CHECK-SAME:   (%[[X:.+]]: tensor<?x6x28x28xf32>, %[[W:.+]]: tensor<8x3x3x3xf32>)
//       CHECK:   %[[PAD:.+]] = tensor.pad %[[X]] low[0, 0, 1, 1] high[0, 0, 1, 1]
//       CHECK:   %[[XG:.+]] = tensor.expand_shape %[[PAD]] {{\[}}[0], [1, 2], [3], [4]] output_shape [%{{.+}}, 2, 3, 30, 30] : tensor<?x6x30x30xf32> into tensor<?x2x3x30x30xf32>
//       CHECK:   %[[WG:.+]] = tensor.expand_shape %[[W]] {{\[}}[0, 1], [2], [3], [4]] output_shape [2, 4, 3, 3, 3] : tensor<8x3x3x3xf32> into tensor<2x4x3x3x3xf32>
//       CHECK:   %[[ACC:.+]] = linalg.fill {{.+}} -> tensor<?x2x4x13x13xf32>
//       CHECK:   %[[Y:.+]] = linalg.conv_2d_ngchw_gfchw {dilations = dense<2> : tensor<2xi64>, strides = dense<2> : tensor<2xi64>}
//  CHECK-SAME:     ins(%[[XG]], %[[WG]] : tensor<?x2x3x30x30xf32>, tensor<2x4x3x3x3xf32>) outs(%[[ACC]] : tensor<?x2x4x13x13xf32>)
//       CHECK:   %[[R:.+]] = tensor.collapse_shape %[[Y]] {{\[}}[0], [1, 2], [3], [4]] : tensor<?x2x4x13x13xf32> into tensor<?x8x13x13xf32>
//       CHECK:   return %[[R]]
func.func @conv2d_groups(%x: tensor<?x6x28x28xf32>, %w: tensor<8x3x3x3xf32>) -> tensor<?x8x13x13xf32> {
  %0 = nn.conv2d %x, %w {stride = 2 : i64, padding = 1 : i64, dilation = 2 : i64, groups = 2 : i64} : tensor<?x6x28x28xf32>, tensor<8x3x3x3xf32> -> tensor<?x8x13x13xf32>
  return %0 : tensor<?x8x13x13xf32>
}

// -----

// CHECK-LABEL: func.func @max_pool2d
//  CHECK-SAME:   (%[[X:.+]]: tensor<?x6x28x28xf32>)
//       CHECK:   %[[NEG_INF:.+]] = arith.constant 0xFF800000 : f32
//       CHECK:   %[[ACC:.+]] = linalg.fill ins(%[[NEG_INF]] : f32) outs(%{{.+}} : tensor<?x6x14x14xf32>)
//       CHECK:   %[[WIN:.+]] = tensor.empty() : tensor<2x2xf32>
//       CHECK:   %[[Y:.+]] = linalg.pooling_nchw_max {dilations = dense<1> : tensor<2xi64>, strides = dense<2> : tensor<2xi64>}
//  CHECK-SAME:     ins(%[[X]], %[[WIN]] : tensor<?x6x28x28xf32>, tensor<2x2xf32>) outs(%[[ACC]] : tensor<?x6x14x14xf32>)
//       CHECK:   return %[[Y]]
func.func @max_pool2d(%x: tensor<?x6x28x28xf32>) -> tensor<?x6x14x14xf32> {
  %0 = nn.max_pool2d %x {kernel = 2 : i64, stride = 2 : i64} : tensor<?x6x28x28xf32> -> tensor<?x6x14x14xf32>
  return %0 : tensor<?x6x14x14xf32>
}

// -----

// Max pooling pads with -inf.
// CHECK-LABEL: func.func @max_pool2d_padding
//       CHECK:   %[[NEG_INF:.+]] = arith.constant 0xFF800000 : f32
//       CHECK:   tensor.pad %{{.+}} low[0, 0, 1, 1] high[0, 0, 1, 1]
//       CHECK:     tensor.yield %[[NEG_INF]] : f32
//       CHECK:   linalg.pooling_nchw_max {{.+}} outs(%{{.+}} : tensor<1x2x3x3xf32>)
func.func @max_pool2d_padding(%x: tensor<1x2x5x5xf32>) -> tensor<1x2x3x3xf32> {
  %0 = nn.max_pool2d %x {kernel = 3 : i64, stride = 2 : i64, padding = 1 : i64} : tensor<1x2x5x5xf32> -> tensor<1x2x3x3xf32>
  return %0 : tensor<1x2x3x3xf32>
}

// -----

// The sum over each zero-padded window, divided by k*k = 9.
// CHECK-LABEL: func.func @avg_pool2d
//       CHECK:   %[[ZERO:.+]] = arith.constant 0.000000e+00 : f32
//       CHECK:   tensor.pad %{{.+}} low[0, 0, 1, 1] high[0, 0, 1, 1]
//       CHECK:     tensor.yield %[[ZERO]] : f32
//       CHECK:   %[[SUM:.+]] = linalg.pooling_nchw_sum {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
//       CHECK:   %[[AREA:.+]] = arith.constant 9.000000e+00 : f32
//       CHECK:   linalg.generic
//  CHECK-SAME:     ins(%[[SUM]] : tensor<?x6x28x28xf32>)
//       CHECK:     arith.divf %{{.+}}, %[[AREA]] : f32
func.func @avg_pool2d(%x: tensor<?x6x28x28xf32>) -> tensor<?x6x28x28xf32> {
  %0 = nn.avg_pool2d %x {kernel = 3 : i64, stride = 1 : i64, padding = 1 : i64} : tensor<?x6x28x28xf32> -> tensor<?x6x28x28xf32>
  return %0 : tensor<?x6x28x28xf32>
}
