// RUN: nnc-opt %s -nnc-cpu-pipeline \
// RUN: | mlir-cpu-runner -e main -entry-point-result=void -shared-libs=%mlir_runner_libs \
// RUN: | FileCheck %s
// Shape ops, embedding and the matmul variants through the whole CPU
// pipeline: reshapes by collapse/expand and by tensor.reshape (two dynamic
// dims), concat, split, stack, transpose and broadcast_to on a dynamic
// batch; batched matmuls by collapsing, by batch_matmul and by broadcasting;
// a vector-matrix product. Expected numbers: NumPy (float64, printed with
// %g), Inputs/reference.py.

func.func @reshapes(%x: tensor<2x6xf32>, %a: index, %b: index) -> (tensor<4x3xf32>, tensor<?x?xf32>) {
  %0 = nn.reshape %x : tensor<2x6xf32> -> tensor<3x4xf32>
  %1 = nn.transpose %0, [-1, 0] : tensor<3x4xf32> -> tensor<4x3xf32>
  %2 = nn.reshape %x [%a, %b] : tensor<2x6xf32> -> tensor<?x?xf32>
  return %1, %2 : tensor<4x3xf32>, tensor<?x?xf32>
}

func.func @joins(%a: tensor<?x2xf32>, %b: tensor<?x3xf32>, %bias: tensor<3xf32>, %n: index)
    -> (tensor<?x5xf32>, tensor<?x2xf32>, tensor<?x1xf32>, tensor<2x?x2xf32>, tensor<?x3xf32>) {
  %0 = nn.concat %a, %b axis = 1 : tensor<?x2xf32>, tensor<?x3xf32> -> tensor<?x5xf32>
  %1 = nn.concat %a, %a axis = 0 : tensor<?x2xf32>, tensor<?x2xf32> -> tensor<?x2xf32>
  %2:3 = nn.split %b axis = -1 : tensor<?x3xf32> -> tensor<?x1xf32>, tensor<?x1xf32>, tensor<?x1xf32>
  %3 = nn.stack %a, %a axis = 0 : tensor<?x2xf32>, tensor<?x2xf32> -> tensor<2x?x2xf32>
  %4 = nn.broadcast_to %bias [%n] : tensor<3xf32> -> tensor<?x3xf32>
  %5 = nn.add %4, %b : tensor<?x3xf32>, tensor<?x3xf32> -> tensor<?x3xf32>
  return %0, %1, %2#1, %3, %5 : tensor<?x5xf32>, tensor<?x2xf32>, tensor<?x1xf32>, tensor<2x?x2xf32>, tensor<?x3xf32>
}

// Ids out of [0, 4) are clamped into it.
func.func @embed(%t: tensor<4x2xf32>, %ids: tensor<?x3xi32>) -> tensor<?x3x2xf32> {
  %0 = nn.embedding %t, %ids : tensor<4x2xf32>, tensor<?x3xi32> -> tensor<?x3x2xf32>
  return %0 : tensor<?x3x2xf32>
}

func.func @products(%q: tensor<?x2x3xf32>, %k: tensor<?x3x2xf32>, %w: tensor<3x2xf32>,
                    %r: tensor<2x1x1x2xf32>, %s: tensor<3x2x1xf32>, %v: tensor<3xf32>)
    -> (tensor<?x2x2xf32>, tensor<?x2x2xf32>, tensor<2x3x1x1xf32>, tensor<2xf32>) {
  %0 = nn.matmul %q, %k : tensor<?x2x3xf32>, tensor<?x3x2xf32> -> tensor<?x2x2xf32>
  %1 = nn.matmul %q, %w : tensor<?x2x3xf32>, tensor<3x2xf32> -> tensor<?x2x2xf32>
  %2 = nn.matmul %r, %s : tensor<2x1x1x2xf32>, tensor<3x2x1xf32> -> tensor<2x3x1x1xf32>
  %3 = nn.matmul %v, %w : tensor<3xf32>, tensor<3x2xf32> -> tensor<2xf32>
  return %0, %1, %2, %3 : tensor<?x2x2xf32>, tensor<?x2x2xf32>, tensor<2x3x1x1xf32>, tensor<2xf32>
}

func.func private @printMemrefF32(tensor<*xf32>)

func.func @main() {
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %c12 = arith.constant 12 : index
  // x = arange(12).
  %x = arith.constant dense<[[0.0, 1.0, 2.0, 3.0, 4.0, 5.0], [6.0, 7.0, 8.0, 9.0, 10.0, 11.0]]> : tensor<2x6xf32>
  %s:2 = call @reshapes(%x, %c1, %c12) : (tensor<2x6xf32>, index, index) -> (tensor<4x3xf32>, tensor<?x?xf32>)
  %s0 = tensor.cast %s#0 : tensor<4x3xf32> to tensor<*xf32>
  call @printMemrefF32(%s0) : (tensor<*xf32>) -> ()
  %s1 = tensor.cast %s#1 : tensor<?x?xf32> to tensor<*xf32>
  call @printMemrefF32(%s1) : (tensor<*xf32>) -> ()

  %a = arith.constant dense<[[1.0, 2.0], [3.0, 4.0]]> : tensor<2x2xf32>
  %b = arith.constant dense<[[5.0, 6.0, 7.0], [8.0, 9.0, 10.0]]> : tensor<2x3xf32>
  %bias = arith.constant dense<[0.5, -0.5, 1.5]> : tensor<3xf32>
  %ad = tensor.cast %a : tensor<2x2xf32> to tensor<?x2xf32>
  %bd = tensor.cast %b : tensor<2x3xf32> to tensor<?x3xf32>
  %j:5 = call @joins(%ad, %bd, %bias, %c2) : (tensor<?x2xf32>, tensor<?x3xf32>, tensor<3xf32>, index)
      -> (tensor<?x5xf32>, tensor<?x2xf32>, tensor<?x1xf32>, tensor<2x?x2xf32>, tensor<?x3xf32>)
  %j0 = tensor.cast %j#0 : tensor<?x5xf32> to tensor<*xf32>
  call @printMemrefF32(%j0) : (tensor<*xf32>) -> ()
  %j1 = tensor.cast %j#1 : tensor<?x2xf32> to tensor<*xf32>
  call @printMemrefF32(%j1) : (tensor<*xf32>) -> ()
  %j2 = tensor.cast %j#2 : tensor<?x1xf32> to tensor<*xf32>
  call @printMemrefF32(%j2) : (tensor<*xf32>) -> ()
  %j3 = tensor.cast %j#3 : tensor<2x?x2xf32> to tensor<*xf32>
  call @printMemrefF32(%j3) : (tensor<*xf32>) -> ()
  %j4 = tensor.cast %j#4 : tensor<?x3xf32> to tensor<*xf32>
  call @printMemrefF32(%j4) : (tensor<*xf32>) -> ()

  %t = arith.constant dense<[[0.0, 0.5], [1.0, 1.5], [2.0, 2.5], [3.0, 3.5]]> : tensor<4x2xf32>
  %ids = arith.constant dense<[[3, 0, 1], [7, -1, 2]]> : tensor<2x3xi32>
  %idsd = tensor.cast %ids : tensor<2x3xi32> to tensor<?x3xi32>
  %e = call @embed(%t, %idsd) : (tensor<4x2xf32>, tensor<?x3xi32>) -> tensor<?x3x2xf32>
  %e0 = tensor.cast %e : tensor<?x3x2xf32> to tensor<*xf32>
  call @printMemrefF32(%e0) : (tensor<*xf32>) -> ()

  // q = arange(12) / 2 as [2, 2, 3], k = 1 - arange(12) / 4 as [2, 3, 2].
  %q = arith.constant dense<[[[0.0, 0.5, 1.0], [1.5, 2.0, 2.5]], [[3.0, 3.5, 4.0], [4.5, 5.0, 5.5]]]> : tensor<2x2x3xf32>
  %k = arith.constant dense<[[[1.0, 0.75], [0.5, 0.25], [0.0, -0.25]], [[-0.5, -0.75], [-1.0, -1.25], [-1.5, -1.75]]]> : tensor<2x3x2xf32>
  %w = arith.constant dense<[[1.0, -1.0], [2.0, 0.0], [-0.5, 3.0]]> : tensor<3x2xf32>
  %r = arith.constant dense<[[[[1.0, 2.0]]], [[[-1.0, 0.5]]]]> : tensor<2x1x1x2xf32>
  %sm = arith.constant dense<[[[1.0], [1.0]], [[2.0], [-1.0]], [[0.0], [4.0]]]> : tensor<3x2x1xf32>
  %v = arith.constant dense<[1.0, 2.0, 3.0]> : tensor<3xf32>
  %qd = tensor.cast %q : tensor<2x2x3xf32> to tensor<?x2x3xf32>
  %kd = tensor.cast %k : tensor<2x3x2xf32> to tensor<?x3x2xf32>
  %p:4 = call @products(%qd, %kd, %w, %r, %sm, %v)
      : (tensor<?x2x3xf32>, tensor<?x3x2xf32>, tensor<3x2xf32>, tensor<2x1x1x2xf32>, tensor<3x2x1xf32>, tensor<3xf32>)
      -> (tensor<?x2x2xf32>, tensor<?x2x2xf32>, tensor<2x3x1x1xf32>, tensor<2xf32>)
  %p0 = tensor.cast %p#0 : tensor<?x2x2xf32> to tensor<*xf32>
  call @printMemrefF32(%p0) : (tensor<*xf32>) -> ()
  %p1 = tensor.cast %p#1 : tensor<?x2x2xf32> to tensor<*xf32>
  call @printMemrefF32(%p1) : (tensor<*xf32>) -> ()
  %p2 = tensor.cast %p#2 : tensor<2x3x1x1xf32> to tensor<*xf32>
  call @printMemrefF32(%p2) : (tensor<*xf32>) -> ()
  %p3 = tensor.cast %p#3 : tensor<2xf32> to tensor<*xf32>
  call @printMemrefF32(%p3) : (tensor<*xf32>) -> ()
  return
}

// What @main prints, in order; the numbers are Inputs/reference.py's.
// reshape transpose:
// CHECK: data =
// CHECK-NEXT: {{\[\[}}0, 4, 8],
// CHECK-NEXT: [1, 5, 9],
// CHECK-NEXT: [2, 6, 10],
// CHECK-NEXT: [3, 7, 11]]
// reshape two dynamic dims:
// CHECK: data =
// CHECK-NEXT: {{\[\[}}0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]]
// concat axis 1:
// CHECK: data =
// CHECK-NEXT: {{\[\[}}1, 2, 5, 6, 7],
// CHECK-NEXT: [3, 4, 8, 9, 10]]
// concat axis 0:
// CHECK: data =
// CHECK-NEXT: {{\[\[}}1, 2],
// CHECK-NEXT: [3, 4],
// CHECK-NEXT: [1, 2],
// CHECK-NEXT: [3, 4]]
// split middle part:
// CHECK: data =
// CHECK-NEXT: {{\[\[}}6],
// CHECK-NEXT: [9]]
// stack axis 0:
// CHECK: data =
// CHECK-NEXT: {{\[\[\[}}1, 2],
// CHECK-NEXT: [3, 4]],
// CHECK-NEXT: {{\[\[}}1, 2],
// CHECK-NEXT: [3, 4]]]
// broadcast to plus b:
// CHECK: data =
// CHECK-NEXT: {{\[\[}}5.5, 5.5, 8.5],
// CHECK-NEXT: [8.5, 8.5, 11.5]]
// embedding clamped:
// CHECK: data =
// CHECK-NEXT: {{\[\[\[}}3, 3.5],
// CHECK-NEXT: [0, 0.5],
// CHECK-NEXT: [1, 1.5]],
// CHECK-NEXT: {{\[\[}}3, 3.5],
// CHECK-NEXT: [0, 0.5],
// CHECK-NEXT: [2, 2.5]]]
// batch matmul:
// CHECK: data =
// CHECK-NEXT: {{\[\[\[}}0.25, -0.125],
// CHECK-NEXT: [2.5, 1]],
// CHECK-NEXT: {{\[\[}}-11, -13.625],
// CHECK-NEXT: [-15.5, -19.25]]]
// batched times matrix:
// CHECK: data =
// CHECK-NEXT: {{\[\[\[}}0.5, 3],
// CHECK-NEXT: [4.25, 6]],
// CHECK-NEXT: {{\[\[}}8, 9],
// CHECK-NEXT: [11.75, 12]]]
// broadcast batch matmul:
// CHECK: data =
// CHECK-NEXT: {{\[\[\[\[}}3]],
// CHECK-NEXT: {{\[\[}}0]],
// CHECK-NEXT: {{\[\[}}8]]],
// CHECK-NEXT: {{\[\[\[}}-0.5]],
// CHECK-NEXT: {{\[\[}}-2.5]],
// CHECK-NEXT: {{\[\[}}2]]]]
// vector times matrix:
// CHECK: data =
// CHECK-NEXT: [3.5, 8]
