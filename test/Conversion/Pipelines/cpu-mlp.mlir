// RUN: nnc-opt %s -nnc-cpu-pipeline \
// RUN: | mlir-cpu-runner -e main -entry-point-result=void -shared-libs=%mlir_runner_libs \
// RUN: | FileCheck %s
// A two-layer MLP on a dynamic batch of 2 through the whole CPU pipeline:
// h = relu(x @ w1 + b1), logits = h @ w2 + b2, softmax and cross_entropy.
// Expected numbers: NumPy (float64, printed with %g), Inputs/reference.py.

func.func @forward(%x: tensor<?x3xf32>, %w1: tensor<3x4xf32>, %b1: tensor<4xf32>,
                   %w2: tensor<4x3xf32>, %b2: tensor<3xf32>, %y: tensor<?xi32>)
    -> (tensor<?x4xf32>, tensor<?x3xf32>, tensor<?x3xf32>, tensor<f32>) {
  %0 = nn.matmul %x, %w1 : tensor<?x3xf32>, tensor<3x4xf32> -> tensor<?x4xf32>
  %1 = nn.add %0, %b1 : tensor<?x4xf32>, tensor<4xf32> -> tensor<?x4xf32>
  %h = nn.relu %1 : tensor<?x4xf32>
  %2 = nn.matmul %h, %w2 : tensor<?x4xf32>, tensor<4x3xf32> -> tensor<?x3xf32>
  %logits = nn.add %2, %b2 : tensor<?x3xf32>, tensor<3xf32> -> tensor<?x3xf32>
  %probs = nn.softmax %logits axis = -1 : tensor<?x3xf32>
  %loss = nn.cross_entropy %logits, %y : tensor<?x3xf32>, tensor<?xi32> -> tensor<f32>
  return %h, %logits, %probs, %loss : tensor<?x4xf32>, tensor<?x3xf32>, tensor<?x3xf32>, tensor<f32>
}

func.func private @printMemrefF32(tensor<*xf32>)

func.func @main() {
  %x = arith.constant dense<[[1.0, 2.0, 3.0], [-1.0, 0.5, 2.0]]> : tensor<2x3xf32>
  %w1 = arith.constant dense<[[0.1, 0.2, -0.3, 0.4], [0.5, -0.6, 0.7, -0.8], [0.9, 1.0, -1.1, 1.2]]> : tensor<3x4xf32>
  %b1 = arith.constant dense<[0.1, -0.1, 0.2, -0.2]> : tensor<4xf32>
  %w2 = arith.constant dense<[[0.3, -0.2, 0.1], [0.0, 0.5, -0.4], [0.6, -0.1, 0.2], [-0.3, 0.2, 0.4]]> : tensor<4x3xf32>
  %b2 = arith.constant dense<[0.05, -0.05, 0.0]> : tensor<3xf32>
  %y = arith.constant dense<[2, 0]> : tensor<2xi32>
  %xd = tensor.cast %x : tensor<2x3xf32> to tensor<?x3xf32>
  %yd = tensor.cast %y : tensor<2xi32> to tensor<?xi32>
  %h, %logits, %probs, %loss = call @forward(%xd, %w1, %b1, %w2, %b2, %yd)
      : (tensor<?x3xf32>, tensor<3x4xf32>, tensor<4xf32>, tensor<4x3xf32>, tensor<3xf32>, tensor<?xi32>)
      -> (tensor<?x4xf32>, tensor<?x3xf32>, tensor<?x3xf32>, tensor<f32>)
  %0 = tensor.cast %h : tensor<?x4xf32> to tensor<*xf32>
  call @printMemrefF32(%0) : (tensor<*xf32>) -> ()
  %1 = tensor.cast %logits : tensor<?x3xf32> to tensor<*xf32>
  call @printMemrefF32(%1) : (tensor<*xf32>) -> ()
  %2 = tensor.cast %probs : tensor<?x3xf32> to tensor<*xf32>
  call @printMemrefF32(%2) : (tensor<*xf32>) -> ()
  %3 = tensor.cast %loss : tensor<f32> to tensor<*xf32>
  call @printMemrefF32(%3) : (tensor<*xf32>) -> ()
  return
}

// What @main prints, in order; the numbers are Inputs/reference.py's.
// h:
// CHECK: data =
// CHECK-NEXT: {{\[\[}}3.9, 1.9, 0, 2.2],
// CHECK-NEXT: [2.05, 1.4, 0, 1.4]]
// logits:
// CHECK: data =
// CHECK-NEXT: {{\[\[}}0.56, 0.56, 0.51],
// CHECK-NEXT: [0.245, 0.52, 0.205]]
// probs:
// CHECK: data =
// CHECK-NEXT: {{\[\[}}0.338842, 0.338842, 0.322316],
// CHECK-NEXT: [0.305127, 0.40171, 0.293163]]
// loss:
// CHECK: data =
// CHECK-NEXT: [1.15962]
