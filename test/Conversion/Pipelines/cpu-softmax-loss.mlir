// RUN: nnc-opt %s -nnc-cpu-pipeline \
// RUN: | mlir-cpu-runner -e main -entry-point-result=void -shared-libs=%mlir_runner_libs \
// RUN: | FileCheck %s
// softmax, log_softmax, logsumexp, cross_entropy (with and without label
// smoothing) and argmax, run through the whole CPU pipeline. Large logits
// (1000) check that the max is subtracted before exp; a row of -inf checks
// logsumexp's shift. Expected numbers: NumPy (float64, printed with %g) and
// PyTorch's formulas, Inputs/reference.py.

func.func @probabilities(%x: tensor<?x3xf32>, %m: tensor<2x2xf32>)
    -> (tensor<?x3xf32>, tensor<?x3xf32>, tensor<?x1xf32>, tensor<2xf32>) {
  %0 = nn.softmax %x axis = -1 : tensor<?x3xf32>
  %1 = nn.log_softmax %x axis = 0 : tensor<?x3xf32>
  %2 = nn.logsumexp %x axes = [1] keepdim : tensor<?x3xf32> -> tensor<?x1xf32>
  %3 = nn.logsumexp %m axes = [-1] : tensor<2x2xf32> -> tensor<2xf32>
  return %0, %1, %2, %3 : tensor<?x3xf32>, tensor<?x3xf32>, tensor<?x1xf32>, tensor<2xf32>
}

func.func @losses(%logits: tensor<?x3xf32>, %y: tensor<?xi32>)
    -> (tensor<f32>, tensor<f32>, tensor<?xi32>) {
  %0 = nn.cross_entropy %logits, %y : tensor<?x3xf32>, tensor<?xi32> -> tensor<f32>
  %1 = nn.cross_entropy %logits, %y {label_smoothing = 0.1 : f64} : tensor<?x3xf32>, tensor<?xi32> -> tensor<f32>
  %2 = nn.argmax %logits axis = -1 : tensor<?x3xf32> -> tensor<?xi32>
  return %0, %1, %2 : tensor<f32>, tensor<f32>, tensor<?xi32>
}

func.func private @printMemrefF32(tensor<*xf32>)
func.func private @printMemrefI32(tensor<*xi32>)

func.func @main() {
  %x = arith.constant dense<[[1.0, 2.0, 3.0], [1000.0, 1000.0, 1000.0]]> : tensor<2x3xf32>
  // [[-inf, -inf], [0, -inf]]
  %m = arith.constant dense<[[0xFF800000, 0xFF800000], [0.0, 0xFF800000]]> : tensor<2x2xf32>
  %xd = tensor.cast %x : tensor<2x3xf32> to tensor<?x3xf32>
  %p:4 = call @probabilities(%xd, %m) : (tensor<?x3xf32>, tensor<2x2xf32>)
      -> (tensor<?x3xf32>, tensor<?x3xf32>, tensor<?x1xf32>, tensor<2xf32>)
  %p0 = tensor.cast %p#0 : tensor<?x3xf32> to tensor<*xf32>
  call @printMemrefF32(%p0) : (tensor<*xf32>) -> ()
  %p1 = tensor.cast %p#1 : tensor<?x3xf32> to tensor<*xf32>
  call @printMemrefF32(%p1) : (tensor<*xf32>) -> ()
  %p2 = tensor.cast %p#2 : tensor<?x1xf32> to tensor<*xf32>
  call @printMemrefF32(%p2) : (tensor<*xf32>) -> ()
  %p3 = tensor.cast %p#3 : tensor<2xf32> to tensor<*xf32>
  call @printMemrefF32(%p3) : (tensor<*xf32>) -> ()

  %logits = arith.constant dense<[[1.0, 2.0, 3.0], [1.0, 0.0, -1.0], [0.5, 0.5, -2.0]]> : tensor<3x3xf32>
  %y = arith.constant dense<[2, 0, 1]> : tensor<3xi32>
  %ld = tensor.cast %logits : tensor<3x3xf32> to tensor<?x3xf32>
  %yd = tensor.cast %y : tensor<3xi32> to tensor<?xi32>
  %l:3 = call @losses(%ld, %yd) : (tensor<?x3xf32>, tensor<?xi32>) -> (tensor<f32>, tensor<f32>, tensor<?xi32>)
  %l0 = tensor.cast %l#0 : tensor<f32> to tensor<*xf32>
  call @printMemrefF32(%l0) : (tensor<*xf32>) -> ()
  %l1 = tensor.cast %l#1 : tensor<f32> to tensor<*xf32>
  call @printMemrefF32(%l1) : (tensor<*xf32>) -> ()
  %l2 = tensor.cast %l#2 : tensor<?xi32> to tensor<*xi32>
  call @printMemrefI32(%l2) : (tensor<*xi32>) -> ()
  return
}

// What @main prints, in order; the numbers are Inputs/reference.py's.
// softmax axis minus 1:
// CHECK: data =
// CHECK-NEXT: {{\[\[}}0.0900306, 0.244728, 0.665241],
// CHECK-NEXT: [0.333333, 0.333333, 0.333333]]
// log softmax axis 0:
// CHECK: data =
// CHECK-NEXT: {{\[\[}}-999, -998, -997],
// CHECK-NEXT: [0, 0, 0]]
// logsumexp keepdim:
// CHECK: data =
// CHECK-NEXT: {{\[\[}}3.40761],
// CHECK-NEXT: [1001.1]]
// logsumexp of minus inf:
// CHECK: data =
// CHECK-NEXT: [-inf, 0]
// cross entropy:
// CHECK: data =
// CHECK-NEXT: [0.516194]
// cross entropy smoothing 0 1:
// CHECK: data =
// CHECK-NEXT: [0.610638]
// argmax:
// CHECK: data =
// CHECK-NEXT: [2, 0, 0]
