// RUN: nnc-opt %s -nnc-cpu-pipeline \
// RUN: | mlir-cpu-runner -e main -entry-point-result=void -shared-libs=%mlir_runner_libs \
// RUN: | FileCheck %s
// conv2d with padding, with stride + groups, with dilation; max_pool2d
// with and without padding (padding is -inf: the inputs are negative);
// avg_pool2d with padding counted as PyTorch's count_include_pad=True.
// Expected numbers: a direct NumPy loop over PyTorch's definitions
// (float64, printed with %g), Inputs/reference.py.

func.func @conv(%x: tensor<?x1x4x4xf32>, %w: tensor<2x1x3x3xf32>) -> tensor<?x2x4x4xf32> {
  %0 = nn.conv2d %x, %w {padding = 1 : i64} : tensor<?x1x4x4xf32>, tensor<2x1x3x3xf32> -> tensor<?x2x4x4xf32>
  return %0 : tensor<?x2x4x4xf32>
}

func.func @conv_grouped(%x: tensor<?x2x5x5xf32>, %w: tensor<4x1x3x3xf32>) -> tensor<?x4x3x3xf32> {
  %0 = nn.conv2d %x, %w {stride = 2 : i64, padding = 1 : i64, groups = 2 : i64} : tensor<?x2x5x5xf32>, tensor<4x1x3x3xf32> -> tensor<?x4x3x3xf32>
  return %0 : tensor<?x4x3x3xf32>
}

func.func @conv_dilated(%x: tensor<1x1x5x5xf32>, %w: tensor<1x1x2x2xf32>) -> tensor<1x1x3x3xf32> {
  %0 = nn.conv2d %x, %w {dilation = 2 : i64} : tensor<1x1x5x5xf32>, tensor<1x1x2x2xf32> -> tensor<1x1x3x3xf32>
  return %0 : tensor<1x1x3x3xf32>
}

func.func @pools(%x: tensor<?x1x4x4xf32>, %neg: tensor<?x1x4x4xf32>)
    -> (tensor<?x1x2x2xf32>, tensor<?x1x2x2xf32>, tensor<?x1x4x4xf32>) {
  %0 = nn.max_pool2d %x {kernel = 2 : i64, stride = 2 : i64} : tensor<?x1x4x4xf32> -> tensor<?x1x2x2xf32>
  %1 = nn.max_pool2d %neg {kernel = 3 : i64, stride = 2 : i64, padding = 1 : i64} : tensor<?x1x4x4xf32> -> tensor<?x1x2x2xf32>
  %2 = nn.avg_pool2d %x {kernel = 3 : i64, stride = 1 : i64, padding = 1 : i64} : tensor<?x1x4x4xf32> -> tensor<?x1x4x4xf32>
  return %0, %1, %2 : tensor<?x1x2x2xf32>, tensor<?x1x2x2xf32>, tensor<?x1x4x4xf32>
}

func.func private @printMemrefF32(tensor<*xf32>)

func.func @main() {
  // x = arange(16), w = arange(18) / 10 - 0.8.
  %x = arith.constant dense<[[[[0.0, 1.0, 2.0, 3.0], [4.0, 5.0, 6.0, 7.0], [8.0, 9.0, 10.0, 11.0], [12.0, 13.0, 14.0, 15.0]]]]> : tensor<1x1x4x4xf32>
  %w = arith.constant dense<[[[[-0.8, -0.7, -0.6], [-0.5, -0.4, -0.3], [-0.2, -0.1, 0.0]]], [[[0.1, 0.2, 0.3], [0.4, 0.5, 0.6], [0.7, 0.8, 0.9]]]]> : tensor<2x1x3x3xf32>
  %xd = tensor.cast %x : tensor<1x1x4x4xf32> to tensor<?x1x4x4xf32>
  %c = call @conv(%xd, %w) : (tensor<?x1x4x4xf32>, tensor<2x1x3x3xf32>) -> tensor<?x2x4x4xf32>
  %c0 = tensor.cast %c : tensor<?x2x4x4xf32> to tensor<*xf32>
  call @printMemrefF32(%c0) : (tensor<*xf32>) -> ()

  // x = arange(50) / 10, w = (arange(36) % 5 - 2) / 2.
  %gx = arith.constant dense<[[[[0.0, 0.1, 0.2, 0.3, 0.4], [0.5, 0.6, 0.7, 0.8, 0.9], [1.0, 1.1, 1.2, 1.3, 1.4], [1.5, 1.6, 1.7, 1.8, 1.9], [2.0, 2.1, 2.2, 2.3, 2.4]],
                                [[2.5, 2.6, 2.7, 2.8, 2.9], [3.0, 3.1, 3.2, 3.3, 3.4], [3.5, 3.6, 3.7, 3.8, 3.9], [4.0, 4.1, 4.2, 4.3, 4.4], [4.5, 4.6, 4.7, 4.8, 4.9]]]]> : tensor<1x2x5x5xf32>
  %gw = arith.constant dense<[[[[-1.0, -0.5, 0.0], [0.5, 1.0, -1.0], [-0.5, 0.0, 0.5]]], [[[1.0, -1.0, -0.5], [0.0, 0.5, 1.0], [-1.0, -0.5, 0.0]]],
                              [[[0.5, 1.0, -1.0], [-0.5, 0.0, 0.5], [1.0, -1.0, -0.5]]], [[[0.0, 0.5, 1.0], [-1.0, -0.5, 0.0], [0.5, 1.0, -1.0]]]]> : tensor<4x1x3x3xf32>
  %gxd = tensor.cast %gx : tensor<1x2x5x5xf32> to tensor<?x2x5x5xf32>
  %g = call @conv_grouped(%gxd, %gw) : (tensor<?x2x5x5xf32>, tensor<4x1x3x3xf32>) -> tensor<?x4x3x3xf32>
  %g0 = tensor.cast %g : tensor<?x4x3x3xf32> to tensor<*xf32>
  call @printMemrefF32(%g0) : (tensor<*xf32>) -> ()

  // x = arange(25), w = [[1, -1], [2, 0.5]].
  %dx = arith.constant dense<[[[[0.0, 1.0, 2.0, 3.0, 4.0], [5.0, 6.0, 7.0, 8.0, 9.0], [10.0, 11.0, 12.0, 13.0, 14.0], [15.0, 16.0, 17.0, 18.0, 19.0], [20.0, 21.0, 22.0, 23.0, 24.0]]]]> : tensor<1x1x5x5xf32>
  %dw = arith.constant dense<[[[[1.0, -1.0], [2.0, 0.5]]]]> : tensor<1x1x2x2xf32>
  %d = call @conv_dilated(%dx, %dw) : (tensor<1x1x5x5xf32>, tensor<1x1x2x2xf32>) -> tensor<1x1x3x3xf32>
  %d0 = tensor.cast %d : tensor<1x1x3x3xf32> to tensor<*xf32>
  call @printMemrefF32(%d0) : (tensor<*xf32>) -> ()

  // neg = -1 - arange(16).
  %neg = arith.constant dense<[[[[-1.0, -2.0, -3.0, -4.0], [-5.0, -6.0, -7.0, -8.0], [-9.0, -10.0, -11.0, -12.0], [-13.0, -14.0, -15.0, -16.0]]]]> : tensor<1x1x4x4xf32>
  %negd = tensor.cast %neg : tensor<1x1x4x4xf32> to tensor<?x1x4x4xf32>
  %p:3 = call @pools(%xd, %negd) : (tensor<?x1x4x4xf32>, tensor<?x1x4x4xf32>)
      -> (tensor<?x1x2x2xf32>, tensor<?x1x2x2xf32>, tensor<?x1x4x4xf32>)
  %p0 = tensor.cast %p#0 : tensor<?x1x2x2xf32> to tensor<*xf32>
  call @printMemrefF32(%p0) : (tensor<*xf32>) -> ()
  %p1 = tensor.cast %p#1 : tensor<?x1x2x2xf32> to tensor<*xf32>
  call @printMemrefF32(%p1) : (tensor<*xf32>) -> ()
  %p2 = tensor.cast %p#2 : tensor<?x1x4x4xf32> to tensor<*xf32>
  call @printMemrefF32(%p2) : (tensor<*xf32>) -> ()
  return
}

// What @main prints, in order; the numbers are Inputs/reference.py's.
// conv2d padding 1:
// CHECK: data =
// CHECK-NEXT: {{\[\[\[\[}}-0.7, -2.3, -3.8, -4.1],
// CHECK-NEXT: [-4.5, -10.2, -13.8, -12.6],
// CHECK-NEXT: [-12.9, -24.6, -28.2, -23.4],
// CHECK-NEXT: [-19.7, -34.1, -37.4, -28.7]],
// CHECK-NEXT: {{\[\[}}8.3, 13.9, 17.8, 12.1],
// CHECK-NEXT: [19.8, 30.3, 34.8, 22.5],
// CHECK-NEXT: [33, 48.3, 52.8, 33.3],
// CHECK-NEXT: [18.1, 25.3, 27.4, 16.3]]]]
// conv2d stride 2 padding 1 groups 2:
// CHECK: data =
// CHECK-NEXT: {{\[\[\[\[}}0.2, 0.05, 0.15],
// CHECK-NEXT: [0.45, -0.4, -0.1],
// CHECK-NEXT: [-0.85, -1.5, 0.8]],
// CHECK-NEXT: {{\[\[}}-0.15, -0.55, -1.05],
// CHECK-NEXT: [0.05, -1.05, -2.15],
// CHECK-NEXT: [0.8, 2.4, 1.1]],
// CHECK-NEXT: {{\[\[}}-3.25, -1.65, -1.5],
// CHECK-NEXT: [-4.35, -0.7, 3.05],
// CHECK-NEXT: [2.2, 2.05, 4.15]],
// CHECK-NEXT: {{\[\[}}-1.35, -2.5, 0.8],
// CHECK-NEXT: [2.75, 1.4, 2.5],
// CHECK-NEXT: [3.85, -0.55, -5.05]]]]
// conv2d dilation 2:
// CHECK: data =
// CHECK-NEXT: {{\[\[\[\[}}24, 26.5, 29],
// CHECK-NEXT: [36.5, 39, 41.5],
// CHECK-NEXT: [49, 51.5, 54]]]]
// max pool2d k2 s2:
// CHECK: data =
// CHECK-NEXT: {{\[\[\[\[}}5, 7],
// CHECK-NEXT: [13, 15]]]]
// max pool2d k3 s2 p1:
// CHECK: data =
// CHECK-NEXT: {{\[\[\[\[}}-1, -2],
// CHECK-NEXT: [-5, -6]]]]
// avg pool2d k3 s1 p1:
// CHECK: data =
// CHECK-NEXT: {{\[\[\[\[}}1.11111, 2, 2.66667, 2],
// CHECK-NEXT: [3, 5, 6, 4.33333],
// CHECK-NEXT: [5.66667, 9, 10, 7],
// CHECK-NEXT: [4.66667, 7.33333, 8, 5.55556]]]]
