// RUN: nnc-opt %s -nn-autodiff -nnc-cpu-pipeline \
// RUN: | mlir-cpu-runner -e main -entry-point-result=void -shared-libs=%mlir_runner_libs \
// RUN: | FileCheck %s
// The gradients of a two-layer MLP's loss on a dynamic batch of 2,
//   mean(cross_entropy(relu(x @ w1.T + b1) @ w2.T + b2, labels)),
// built by nn-autodiff and run through the CPU pipeline. Expected numbers:
// central finite differences in float64 (Inputs/mlp_grad_reference.py),
// printed with %g. The CHECK lines are what the runner prints, checked
// against the reference to 2e-6 relative (the allowed error is 1e-3). The
// last digit printed for dw1[0][1] and dw2[0][0] depends on the order in
// which the matmul sums (loops, or the runtime's blocked kernel).

func.func @loss(%x: tensor<?x3xf32>, %w1: tensor<4x3xf32>, %b1: tensor<4xf32>,
                %w2: tensor<3x4xf32>, %b2: tensor<3xf32>, %y: tensor<?xi32>)
    -> tensor<f32> attributes {nn.differentiate} {
  %w1t = nn.transpose %w1, [1, 0] : tensor<4x3xf32> -> tensor<3x4xf32>
  %0 = nn.matmul %x, %w1t : tensor<?x3xf32>, tensor<3x4xf32> -> tensor<?x4xf32>
  %1 = nn.add %0, %b1 : tensor<?x4xf32>, tensor<4xf32> -> tensor<?x4xf32>
  %h = nn.relu %1 : tensor<?x4xf32>
  %w2t = nn.transpose %w2, [1, 0] : tensor<3x4xf32> -> tensor<4x3xf32>
  %2 = nn.matmul %h, %w2t : tensor<?x4xf32>, tensor<4x3xf32> -> tensor<?x3xf32>
  %logits = nn.add %2, %b2 : tensor<?x3xf32>, tensor<3xf32> -> tensor<?x3xf32>
  %ce = nn.cross_entropy %logits, %y : tensor<?x3xf32>, tensor<?xi32> -> tensor<f32>
  %l = nn.mean %ce axes = [] : tensor<f32> -> tensor<f32>
  return %l : tensor<f32>
}

// Defined by nn-autodiff; declared so that @main can call it.
func.func private @loss_grad(tensor<?x3xf32>, tensor<4x3xf32>, tensor<4xf32>,
                             tensor<3x4xf32>, tensor<3xf32>, tensor<?xi32>)
    -> (tensor<f32>, tensor<?x3xf32>, tensor<4x3xf32>, tensor<4xf32>,
        tensor<3x4xf32>, tensor<3xf32>)
func.func private @printMemrefF32(tensor<*xf32>)

func.func @main() {
  %x = arith.constant dense<[[1.0, 2.0, 3.0], [-1.0, 0.5, 2.0]]> : tensor<2x3xf32>
  %w1 = arith.constant dense<[[0.1, 0.5, 0.9], [0.2, -0.6, 1.0], [-0.3, 0.7, -1.1], [0.4, -0.8, 1.2]]> : tensor<4x3xf32>
  %b1 = arith.constant dense<[0.1, -0.1, 0.2, -0.2]> : tensor<4xf32>
  %w2 = arith.constant dense<[[0.3, 0.0, 0.6, -0.3], [-0.2, 0.5, -0.1, 0.2], [0.1, -0.4, 0.2, 0.4]]> : tensor<3x4xf32>
  %b2 = arith.constant dense<[0.05, -0.05, 0.0]> : tensor<3xf32>
  %y = arith.constant dense<[2, 0]> : tensor<2xi32>
  %xd = tensor.cast %x : tensor<2x3xf32> to tensor<?x3xf32>
  %yd = tensor.cast %y : tensor<2xi32> to tensor<?xi32>
  %l, %dx, %dw1, %db1, %dw2, %db2 = call @loss_grad(%xd, %w1, %b1, %w2, %b2, %yd)
      : (tensor<?x3xf32>, tensor<4x3xf32>, tensor<4xf32>, tensor<3x4xf32>, tensor<3xf32>, tensor<?xi32>)
      -> (tensor<f32>, tensor<?x3xf32>, tensor<4x3xf32>, tensor<4xf32>, tensor<3x4xf32>, tensor<3xf32>)
  %0 = tensor.cast %l : tensor<f32> to tensor<*xf32>
  call @printMemrefF32(%0) : (tensor<*xf32>) -> ()
  %1 = tensor.cast %dx : tensor<?x3xf32> to tensor<*xf32>
  call @printMemrefF32(%1) : (tensor<*xf32>) -> ()
  %2 = tensor.cast %dw1 : tensor<4x3xf32> to tensor<*xf32>
  call @printMemrefF32(%2) : (tensor<*xf32>) -> ()
  %3 = tensor.cast %db1 : tensor<4xf32> to tensor<*xf32>
  call @printMemrefF32(%3) : (tensor<*xf32>) -> ()
  %4 = tensor.cast %dw2 : tensor<3x4xf32> to tensor<*xf32>
  call @printMemrefF32(%4) : (tensor<*xf32>) -> ()
  %5 = tensor.cast %db2 : tensor<3xf32> to tensor<*xf32>
  call @printMemrefF32(%5) : (tensor<*xf32>) -> ()
  return
}

// loss:
// CHECK: data =
// CHECK-NEXT: [1.15962]
// dx:
// CHECK: data =
// CHECK-NEXT: {{\[\[}}-0.0186363, -0.0186363, 0.0220247],
// CHECK-NEXT: [0.0765984, -0.252376, 0.168667]]
// dw1:
// CHECK: data =
// CHECK-NEXT: {{\[\[}}0.112802, -0.098756{{1?}}, -0.310314],
// CHECK-NEXT: [0.178452, 0.461392, 0.744331],
// CHECK-NEXT: [0, 0, 0],
// CHECK-NEXT: [-0.355513, -0.20344, -0.0513675]]
// db1:
// CHECK: data =
// CHECK-NEXT: [-0.146686, 0.262042, 0, 0.0505557]
// dw2:
// CHECK: data =
// CHECK-NEXT: {{\[\[}}-0.05150{{29|3}}, -0.164511, 0, -0.113685],
// CHECK-NEXT: [1.07249, 0.603096, 0, 0.653923],
// CHECK-NEXT: [-1.02099, -0.438585, 0, -0.540238]]
// db2:
// CHECK: data =
// CHECK-NEXT: [-0.178015, 0.370276, -0.19226]
