// RUN: nnc-opt %s -nnc-cpu-pipeline \
// RUN: | mlir-cpu-runner -e main -entry-point-result=void -shared-libs=%mlir_runner_libs \
// RUN: | FileCheck %s
// Reductions with and without keepdim, over one, several and all axes, on
// floats and integers; layer_norm and batch_norm. Expected numbers: NumPy
// (float64, printed with %g), Inputs/reference.py.

func.func @reduce(%x: tensor<?x3xf32>, %t: tensor<2x3x2xf32>, %i: tensor<?x3xi32>)
    -> (tensor<?x1xf32>, tensor<f32>, tensor<3xf32>, tensor<?x1xf32>, tensor<1x3x1xf32>, tensor<3xi32>, tensor<3xi32>) {
  %0 = nn.sum %x axes = [1] keepdim : tensor<?x3xf32> -> tensor<?x1xf32>
  %1 = nn.mean %x axes = [] : tensor<?x3xf32> -> tensor<f32>
  %2 = nn.max %x axes = [0] : tensor<?x3xf32> -> tensor<3xf32>
  %3 = nn.min %x axes = [-1] keepdim : tensor<?x3xf32> -> tensor<?x1xf32>
  %4 = nn.sum %t axes = [0, 2] keepdim : tensor<2x3x2xf32> -> tensor<1x3x1xf32>
  %5 = nn.sum %i axes = [0] : tensor<?x3xi32> -> tensor<3xi32>
  %6 = nn.argmax %i axis = 0 : tensor<?x3xi32> -> tensor<3xi32>
  return %0, %1, %2, %3, %4, %5, %6 : tensor<?x1xf32>, tensor<f32>, tensor<3xf32>, tensor<?x1xf32>, tensor<1x3x1xf32>, tensor<3xi32>, tensor<3xi32>
}

func.func @norms(%x: tensor<?x3xf32>, %f: tensor<?x2x1x2xf32>, %mu: tensor<2xf32>, %var: tensor<2xf32>)
    -> (tensor<?x3xf32>, tensor<?x2x1x2xf32>) {
  %0 = nn.layer_norm %x : tensor<?x3xf32>
  %1 = nn.batch_norm %f, %mu, %var : tensor<?x2x1x2xf32>, tensor<2xf32>, tensor<2xf32>
  return %0, %1 : tensor<?x3xf32>, tensor<?x2x1x2xf32>
}

func.func private @printMemrefF32(tensor<*xf32>)
func.func private @printMemrefI32(tensor<*xi32>)

func.func @main() {
  %x = arith.constant dense<[[1.0, -2.0, 3.0], [4.0, 5.0, -6.0]]> : tensor<2x3xf32>
  %t = arith.constant dense<[[[0.0, 1.0], [2.0, 3.0], [4.0, 5.0]], [[6.0, 7.0], [8.0, 9.0], [10.0, 11.0]]]> : tensor<2x3x2xf32>
  %i = arith.constant dense<[[3, -1, 7], [3, 4, -7]]> : tensor<2x3xi32>
  %xd = tensor.cast %x : tensor<2x3xf32> to tensor<?x3xf32>
  %id = tensor.cast %i : tensor<2x3xi32> to tensor<?x3xi32>
  %r:7 = call @reduce(%xd, %t, %id) : (tensor<?x3xf32>, tensor<2x3x2xf32>, tensor<?x3xi32>)
      -> (tensor<?x1xf32>, tensor<f32>, tensor<3xf32>, tensor<?x1xf32>, tensor<1x3x1xf32>, tensor<3xi32>, tensor<3xi32>)
  %r0 = tensor.cast %r#0 : tensor<?x1xf32> to tensor<*xf32>
  call @printMemrefF32(%r0) : (tensor<*xf32>) -> ()
  %r1 = tensor.cast %r#1 : tensor<f32> to tensor<*xf32>
  call @printMemrefF32(%r1) : (tensor<*xf32>) -> ()
  %r2 = tensor.cast %r#2 : tensor<3xf32> to tensor<*xf32>
  call @printMemrefF32(%r2) : (tensor<*xf32>) -> ()
  %r3 = tensor.cast %r#3 : tensor<?x1xf32> to tensor<*xf32>
  call @printMemrefF32(%r3) : (tensor<*xf32>) -> ()
  %r4 = tensor.cast %r#4 : tensor<1x3x1xf32> to tensor<*xf32>
  call @printMemrefF32(%r4) : (tensor<*xf32>) -> ()
  %r5 = tensor.cast %r#5 : tensor<3xi32> to tensor<*xi32>
  call @printMemrefI32(%r5) : (tensor<*xi32>) -> ()
  %r6 = tensor.cast %r#6 : tensor<3xi32> to tensor<*xi32>
  call @printMemrefI32(%r6) : (tensor<*xi32>) -> ()

  %f = arith.constant dense<[[[[1.0, 2.0]], [[3.0, 4.0]]], [[[5.0, 6.0]], [[7.0, 8.0]]]]> : tensor<2x2x1x2xf32>
  %mu = arith.constant dense<[3.0, 5.0]> : tensor<2xf32>
  %var = arith.constant dense<[4.0, 0.25]> : tensor<2xf32>
  %fd = tensor.cast %f : tensor<2x2x1x2xf32> to tensor<?x2x1x2xf32>
  %n:2 = call @norms(%xd, %fd, %mu, %var) : (tensor<?x3xf32>, tensor<?x2x1x2xf32>, tensor<2xf32>, tensor<2xf32>)
      -> (tensor<?x3xf32>, tensor<?x2x1x2xf32>)
  %n0 = tensor.cast %n#0 : tensor<?x3xf32> to tensor<*xf32>
  call @printMemrefF32(%n0) : (tensor<*xf32>) -> ()
  %n1 = tensor.cast %n#1 : tensor<?x2x1x2xf32> to tensor<*xf32>
  call @printMemrefF32(%n1) : (tensor<*xf32>) -> ()
  return
}

// What @main prints, in order; the numbers are Inputs/reference.py's.
// sum axis 1 keepdim:
// CHECK: data =
// CHECK-NEXT: {{\[\[}}2],
// CHECK-NEXT: [3]]
// mean all:
// CHECK: data =
// CHECK-NEXT: [0.833333]
// max axis 0:
// CHECK: data =
// CHECK-NEXT: [4, 5, 3]
// min axis minus 1 keepdim:
// CHECK: data =
// CHECK-NEXT: {{\[\[}}-2],
// CHECK-NEXT: [-6]]
// sum axes 0 2 keepdim:
// CHECK: data =
// CHECK-NEXT: {{\[\[\[}}14],
// CHECK-NEXT: [22],
// CHECK-NEXT: [30]]]
// integer sum axis 0:
// CHECK: data =
// CHECK-NEXT: [6, 3, 0]
// integer argmax axis 0:
// CHECK: data =
// CHECK-NEXT: [0, 1, 0]
// layer norm:
// CHECK: data =
// CHECK-NEXT: {{\[\[}}0.162221, -1.29777, 1.13555],
// CHECK-NEXT: [0.60404, 0.805387, -1.40943]]
// batch norm:
// CHECK: data =
// CHECK-NEXT: {{\[\[\[\[}}-0.999999, -0.499999]],
// CHECK-NEXT: {{\[\[}}-3.99992, -1.99996]]],
// CHECK-NEXT: {{\[\[\[}}0.999999, 1.5]],
// CHECK-NEXT: {{\[\[}}3.99992, 5.99988]]]]
