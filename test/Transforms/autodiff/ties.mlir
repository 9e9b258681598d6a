// RUN: nnc-opt %s -nn-autodiff -nnc-cpu-pipeline \
// RUN: | mlir-cpu-runner -e main -entry-point-result=void -shared-libs=%mlir_runner_libs \
// RUN: | FileCheck %s
// Gradients at ties, where finite differences cannot check them: max and min
// reductions split dy evenly among equal maxima (as torch.amax), maximum and
// minimum give each equal operand half (as torch.maximum), max_pool2d gives
// each window's dy to its first maximum in row-major order (as PyTorch on the
// CPU); relu, abs and clamp take PyTorch's side of their kinks.

func.func @max_ties(%x: tensor<2x4xf32>) -> tensor<f32> attributes {nn.differentiate} {
  %0 = nn.max %x axes = [1] : tensor<2x4xf32> -> tensor<2xf32>
  %1 = nn.min %x axes = [] : tensor<2x4xf32> -> tensor<f32>
  %2 = nn.sum %0 axes = [] : tensor<2xf32> -> tensor<f32>
  %3 = nn.add %2, %1 : tensor<f32>, tensor<f32> -> tensor<f32>
  return %3 : tensor<f32>
}
func.func private @max_ties_grad(tensor<2x4xf32>) -> (tensor<f32>, tensor<2x4xf32>)

func.func @maximum_ties(%x: tensor<3xf32>, %y: tensor<3xf32>) -> tensor<f32> attributes {nn.differentiate} {
  %0 = nn.maximum %x, %y : tensor<3xf32>, tensor<3xf32> -> tensor<3xf32>
  %1 = nn.minimum %x, %y : tensor<3xf32>, tensor<3xf32> -> tensor<3xf32>
  %c = arith.constant dense<10.0> : tensor<f32>
  %2 = nn.mul %1, %c : tensor<3xf32>, tensor<f32> -> tensor<3xf32>
  %3 = nn.add %0, %2 : tensor<3xf32>, tensor<3xf32> -> tensor<3xf32>
  %4 = nn.sum %3 axes = [] : tensor<3xf32> -> tensor<f32>
  return %4 : tensor<f32>
}
func.func private @maximum_ties_grad(tensor<3xf32>, tensor<3xf32>) -> (tensor<f32>, tensor<3xf32>, tensor<3xf32>)

func.func @pool_ties(%x: tensor<1x1x2x3xf32>) -> tensor<f32> attributes {nn.differentiate} {
  %0 = nn.max_pool2d %x {kernel = 2 : i64, stride = 1 : i64, padding = 1 : i64} : tensor<1x1x2x3xf32> -> tensor<1x1x3x4xf32>
  %1 = nn.sum %0 axes = [] : tensor<1x1x3x4xf32> -> tensor<f32>
  return %1 : tensor<f32>
}
func.func private @pool_ties_grad(tensor<1x1x2x3xf32>) -> (tensor<f32>, tensor<1x1x2x3xf32>)

func.func @kinks(%x: tensor<5xf32>) -> tensor<f32> attributes {nn.differentiate} {
  %0 = nn.relu %x : tensor<5xf32>
  %1 = nn.abs %x : tensor<5xf32>
  %2 = nn.clamp %x {hi = 1.000000e+00 : f64, lo = -1.000000e+00 : f64} : tensor<5xf32>
  %c10 = arith.constant dense<10.0> : tensor<f32>
  %c100 = arith.constant dense<100.0> : tensor<f32>
  %3 = nn.mul %1, %c10 : tensor<5xf32>, tensor<f32> -> tensor<5xf32>
  %4 = nn.mul %2, %c100 : tensor<5xf32>, tensor<f32> -> tensor<5xf32>
  %5 = nn.add %0, %3 : tensor<5xf32>, tensor<5xf32> -> tensor<5xf32>
  %6 = nn.add %5, %4 : tensor<5xf32>, tensor<5xf32> -> tensor<5xf32>
  %7 = nn.sum %6 axes = [] : tensor<5xf32> -> tensor<f32>
  return %7 : tensor<f32>
}
func.func private @kinks_grad(tensor<5xf32>) -> (tensor<f32>, tensor<5xf32>)

func.func private @printMemrefF32(tensor<*xf32>)

func.func @main() {
  %x = arith.constant dense<[[1.0, 3.0, 3.0, 2.0], [5.0, 5.0, 5.0, 1.0]]> : tensor<2x4xf32>
  %l0, %dx = call @max_ties_grad(%x) : (tensor<2x4xf32>) -> (tensor<f32>, tensor<2x4xf32>)
  %0 = tensor.cast %dx : tensor<2x4xf32> to tensor<*xf32>
  call @printMemrefF32(%0) : (tensor<*xf32>) -> ()

  %a = arith.constant dense<[1.0, 2.0, 3.0]> : tensor<3xf32>
  %b = arith.constant dense<[1.0, 3.0, 2.0]> : tensor<3xf32>
  %l1, %da, %db = call @maximum_ties_grad(%a, %b) : (tensor<3xf32>, tensor<3xf32>) -> (tensor<f32>, tensor<3xf32>, tensor<3xf32>)
  %1 = tensor.cast %da : tensor<3xf32> to tensor<*xf32>
  call @printMemrefF32(%1) : (tensor<*xf32>) -> ()
  %2 = tensor.cast %db : tensor<3xf32> to tensor<*xf32>
  call @printMemrefF32(%2) : (tensor<*xf32>) -> ()

  %p = arith.constant dense<1.0> : tensor<1x1x2x3xf32>
  %l2, %dp = call @pool_ties_grad(%p) : (tensor<1x1x2x3xf32>) -> (tensor<f32>, tensor<1x1x2x3xf32>)
  %3 = tensor.cast %dp : tensor<1x1x2x3xf32> to tensor<*xf32>
  call @printMemrefF32(%3) : (tensor<*xf32>) -> ()

  %k = arith.constant dense<[-1.0, 0.0, 1.0, 2.0, -2.0]> : tensor<5xf32>
  %l3, %dk = call @kinks_grad(%k) : (tensor<5xf32>) -> (tensor<f32>, tensor<5xf32>)
  %4 = tensor.cast %dk : tensor<5xf32> to tensor<*xf32>
  call @printMemrefF32(%4) : (tensor<*xf32>) -> ()
  return
}

// max over rows: [0, .5, .5, 0] and [1/3, 1/3, 1/3, 0]; min over all: the
// single 1.0 in row 0 and the one in row 1 share 1 (0.5 each).
// CHECK: data =
// CHECK-NEXT: {{\[\[}}0.5, 0.5, 0.5, 0],
// CHECK-NEXT:  [0.333333, 0.333333, 0.333333, 0.5]]
// maximum + 10 * minimum: a tie gives 0.5 + 5 to each side.
// CHECK: data =
// CHECK-NEXT: [5.5, 10, 1]
// CHECK: data =
// CHECK-NEXT: [5.5, 1, 10]
// All ones, padded: each of the 12 windows sends 1 to its first real element.
// Windows at output (i, j) cover rows i-1..i and columns j-1..j: the first
// real element is (max(i-1, 0), max(j-1, 0)).
// CHECK: data =
// CHECK-NEXT: {{\[\[\[\[}}4, 2, 2],
// CHECK-NEXT:     [2, 1, 1]]]]
// relu: 0 at 0; abs: sign, 0 at 0; clamp: 1 on [lo, hi], bounds included.
// CHECK: data =
// CHECK-NEXT: [90, 100, 111, 11, -10]
