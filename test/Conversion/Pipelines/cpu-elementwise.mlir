// RUN: nnc-opt %s -nnc-cpu-pipeline \
// RUN: | mlir-cpu-runner -e main -entry-point-result=void -shared-libs=%mlir_runner_libs \
// RUN: | FileCheck %s
// Elementwise ops through the whole CPU pipeline: the activations (erf and
// tanh go to libm), broadcasting [2, 1] against [3], Python's floor
// division and modulo on integers and floats, integer powers, comparisons,
// logic and where. Expected numbers: NumPy (float64, printed with %g) and
// Python's // and % for the integers, Inputs/reference.py.

func.func @unary(%x: tensor<5xf32>) -> (tensor<5xf32>, tensor<5xf32>, tensor<5xf32>, tensor<5xf32>, tensor<5xf32>, tensor<5xf32>, tensor<5xf32>, tensor<5xf32>) {
  %0 = nn.sigmoid %x : tensor<5xf32>
  %1 = nn.tanh %x : tensor<5xf32>
  %2 = nn.erf %x : tensor<5xf32>
  %3 = nn.exp %x : tensor<5xf32>
  %4 = nn.sign %x : tensor<5xf32>
  %5 = nn.leaky_relu %x {alpha = 0.1 : f64} : tensor<5xf32>
  %6 = nn.clamp %x {lo = -1.0 : f64, hi = 1.0 : f64} : tensor<5xf32>
  %a = nn.abs %x : tensor<5xf32>
  %s = nn.sqrt %a : tensor<5xf32>
  %n = nn.neg %s : tensor<5xf32>
  %7 = nn.log %3 : tensor<5xf32>
  %8 = nn.rsqrt %3 : tensor<5xf32>
  %9 = nn.sub %7, %n : tensor<5xf32>, tensor<5xf32> -> tensor<5xf32>
  return %0, %1, %2, %4, %5, %6, %8, %9 : tensor<5xf32>, tensor<5xf32>, tensor<5xf32>, tensor<5xf32>, tensor<5xf32>, tensor<5xf32>, tensor<5xf32>, tensor<5xf32>
}

func.func @binary(%a: tensor<2x1xf32>, %b: tensor<3xf32>, %e: tensor<2x1xf32>, %p: tensor<3xf32>) -> (tensor<2x3xf32>, tensor<2x3xf32>, tensor<2x3xf32>, tensor<2x3xf32>, tensor<2x3xf32>, tensor<2x3xf32>, tensor<2x3xf32>) {
  %0 = nn.add %a, %b : tensor<2x1xf32>, tensor<3xf32> -> tensor<2x3xf32>
  %1 = nn.sub %a, %b : tensor<2x1xf32>, tensor<3xf32> -> tensor<2x3xf32>
  %2 = nn.mul %a, %b : tensor<2x1xf32>, tensor<3xf32> -> tensor<2x3xf32>
  %3 = nn.div %a, %b : tensor<2x1xf32>, tensor<3xf32> -> tensor<2x3xf32>
  %4 = nn.mod %a, %b : tensor<2x1xf32>, tensor<3xf32> -> tensor<2x3xf32>
  %5 = nn.pow %p, %e : tensor<3xf32>, tensor<2x1xf32> -> tensor<2x3xf32>
  %6 = nn.maximum %a, %b : tensor<2x1xf32>, tensor<3xf32> -> tensor<2x3xf32>
  return %0, %1, %2, %3, %4, %5, %6 : tensor<2x3xf32>, tensor<2x3xf32>, tensor<2x3xf32>, tensor<2x3xf32>, tensor<2x3xf32>, tensor<2x3xf32>, tensor<2x3xf32>
}

func.func @integers(%i: tensor<4xi32>, %j: tensor<4xi32>, %e: tensor<4xi32>) -> (tensor<4xi32>, tensor<4xi32>, tensor<4xi32>, tensor<4xi32>, tensor<4xi32>) {
  %0 = nn.div %i, %j : tensor<4xi32>, tensor<4xi32> -> tensor<4xi32>
  %1 = nn.mod %i, %j : tensor<4xi32>, tensor<4xi32> -> tensor<4xi32>
  %2 = nn.pow %i, %e : tensor<4xi32>, tensor<4xi32> -> tensor<4xi32>
  %3 = nn.minimum %i, %j : tensor<4xi32>, tensor<4xi32> -> tensor<4xi32>
  %4 = nn.clamp %i {lo = -5.5 : f64, hi = 5.5 : f64} : tensor<4xi32>
  return %0, %1, %2, %3, %4 : tensor<4xi32>, tensor<4xi32>, tensor<4xi32>, tensor<4xi32>, tensor<4xi32>
}

// Masks are shown as where(mask, 1, 0).
func.func @logic(%x: tensor<?x3xf32>, %s: tensor<f32>, %one: tensor<f32>, %zero: tensor<f32>) -> (tensor<?x3xf32>, tensor<?x3xf32>, tensor<?x3xf32>) {
  %gt = nn.compare gt, %x, %s : tensor<?x3xf32>, tensor<f32> -> tensor<?x3xi1>
  %ne = nn.compare ne, %x, %zero : tensor<?x3xf32>, tensor<f32> -> tensor<?x3xi1>
  %le = nn.compare le, %x, %zero : tensor<?x3xf32>, tensor<f32> -> tensor<?x3xi1>
  %notle = nn.not %le : tensor<?x3xi1>
  %both = nn.and %gt, %notle : tensor<?x3xi1>, tensor<?x3xi1> -> tensor<?x3xi1>
  %either = nn.or %both, %le : tensor<?x3xi1>, tensor<?x3xi1> -> tensor<?x3xi1>
  // Bools order false < true.
  %lt = nn.compare lt, %le, %either : tensor<?x3xi1>, tensor<?x3xi1> -> tensor<?x3xi1>
  %0 = nn.where %gt, %x, %s : tensor<?x3xi1>, tensor<?x3xf32>, tensor<f32> -> tensor<?x3xf32>
  %1 = nn.where %ne, %one, %zero : tensor<?x3xi1>, tensor<f32>, tensor<f32> -> tensor<?x3xf32>
  %2 = nn.where %lt, %one, %zero : tensor<?x3xi1>, tensor<f32>, tensor<f32> -> tensor<?x3xf32>
  return %0, %1, %2 : tensor<?x3xf32>, tensor<?x3xf32>, tensor<?x3xf32>
}

func.func private @printMemrefF32(tensor<*xf32>)
func.func private @printMemrefI32(tensor<*xi32>)

func.func @main() {
  %x = arith.constant dense<[-2.0, -0.5, 0.0, 0.5, 2.0]> : tensor<5xf32>
  %u:8 = call @unary(%x) : (tensor<5xf32>) -> (tensor<5xf32>, tensor<5xf32>, tensor<5xf32>, tensor<5xf32>, tensor<5xf32>, tensor<5xf32>, tensor<5xf32>, tensor<5xf32>)
  %u0 = tensor.cast %u#0 : tensor<5xf32> to tensor<*xf32>
  call @printMemrefF32(%u0) : (tensor<*xf32>) -> ()
  %u1 = tensor.cast %u#1 : tensor<5xf32> to tensor<*xf32>
  call @printMemrefF32(%u1) : (tensor<*xf32>) -> ()
  %u2 = tensor.cast %u#2 : tensor<5xf32> to tensor<*xf32>
  call @printMemrefF32(%u2) : (tensor<*xf32>) -> ()
  %u3 = tensor.cast %u#3 : tensor<5xf32> to tensor<*xf32>
  call @printMemrefF32(%u3) : (tensor<*xf32>) -> ()
  %u4 = tensor.cast %u#4 : tensor<5xf32> to tensor<*xf32>
  call @printMemrefF32(%u4) : (tensor<*xf32>) -> ()
  %u5 = tensor.cast %u#5 : tensor<5xf32> to tensor<*xf32>
  call @printMemrefF32(%u5) : (tensor<*xf32>) -> ()
  %u6 = tensor.cast %u#6 : tensor<5xf32> to tensor<*xf32>
  call @printMemrefF32(%u6) : (tensor<*xf32>) -> ()
  %u7 = tensor.cast %u#7 : tensor<5xf32> to tensor<*xf32>
  call @printMemrefF32(%u7) : (tensor<*xf32>) -> ()

  %a = arith.constant dense<[[5.5], [-5.5]]> : tensor<2x1xf32>
  %b = arith.constant dense<[2.0, -2.0, 3.0]> : tensor<3xf32>
  %e = arith.constant dense<[[2.0], [0.5]]> : tensor<2x1xf32>
  %p = arith.constant dense<[2.0, 4.0, 9.0]> : tensor<3xf32>
  %r:7 = call @binary(%a, %b, %e, %p) : (tensor<2x1xf32>, tensor<3xf32>, tensor<2x1xf32>, tensor<3xf32>) -> (tensor<2x3xf32>, tensor<2x3xf32>, tensor<2x3xf32>, tensor<2x3xf32>, tensor<2x3xf32>, tensor<2x3xf32>, tensor<2x3xf32>)
  %r0 = tensor.cast %r#0 : tensor<2x3xf32> to tensor<*xf32>
  call @printMemrefF32(%r0) : (tensor<*xf32>) -> ()
  %r1 = tensor.cast %r#1 : tensor<2x3xf32> to tensor<*xf32>
  call @printMemrefF32(%r1) : (tensor<*xf32>) -> ()
  %r2 = tensor.cast %r#2 : tensor<2x3xf32> to tensor<*xf32>
  call @printMemrefF32(%r2) : (tensor<*xf32>) -> ()
  %r3 = tensor.cast %r#3 : tensor<2x3xf32> to tensor<*xf32>
  call @printMemrefF32(%r3) : (tensor<*xf32>) -> ()
  %r4 = tensor.cast %r#4 : tensor<2x3xf32> to tensor<*xf32>
  call @printMemrefF32(%r4) : (tensor<*xf32>) -> ()
  %r5 = tensor.cast %r#5 : tensor<2x3xf32> to tensor<*xf32>
  call @printMemrefF32(%r5) : (tensor<*xf32>) -> ()
  %r6 = tensor.cast %r#6 : tensor<2x3xf32> to tensor<*xf32>
  call @printMemrefF32(%r6) : (tensor<*xf32>) -> ()

  %i = arith.constant dense<[7, -7, 7, -7]> : tensor<4xi32>
  %j = arith.constant dense<[3, 3, -3, -3]> : tensor<4xi32>
  %ie = arith.constant dense<[2, 3, 0, 1]> : tensor<4xi32>
  %n:5 = call @integers(%i, %j, %ie) : (tensor<4xi32>, tensor<4xi32>, tensor<4xi32>) -> (tensor<4xi32>, tensor<4xi32>, tensor<4xi32>, tensor<4xi32>, tensor<4xi32>)
  %n0 = tensor.cast %n#0 : tensor<4xi32> to tensor<*xi32>
  call @printMemrefI32(%n0) : (tensor<*xi32>) -> ()
  %n1 = tensor.cast %n#1 : tensor<4xi32> to tensor<*xi32>
  call @printMemrefI32(%n1) : (tensor<*xi32>) -> ()
  %n2 = tensor.cast %n#2 : tensor<4xi32> to tensor<*xi32>
  call @printMemrefI32(%n2) : (tensor<*xi32>) -> ()
  %n3 = tensor.cast %n#3 : tensor<4xi32> to tensor<*xi32>
  call @printMemrefI32(%n3) : (tensor<*xi32>) -> ()
  %n4 = tensor.cast %n#4 : tensor<4xi32> to tensor<*xi32>
  call @printMemrefI32(%n4) : (tensor<*xi32>) -> ()

  %lx = arith.constant dense<[[-1.0, 0.0, 2.0], [3.0, 0.5, -0.25]]> : tensor<2x3xf32>
  %ls = arith.constant dense<0.5> : tensor<f32>
  %one = arith.constant dense<1.0> : tensor<f32>
  %zero = arith.constant dense<0.0> : tensor<f32>
  %lxd = tensor.cast %lx : tensor<2x3xf32> to tensor<?x3xf32>
  %l:3 = call @logic(%lxd, %ls, %one, %zero) : (tensor<?x3xf32>, tensor<f32>, tensor<f32>, tensor<f32>) -> (tensor<?x3xf32>, tensor<?x3xf32>, tensor<?x3xf32>)
  %l0 = tensor.cast %l#0 : tensor<?x3xf32> to tensor<*xf32>
  call @printMemrefF32(%l0) : (tensor<*xf32>) -> ()
  %l1 = tensor.cast %l#1 : tensor<?x3xf32> to tensor<*xf32>
  call @printMemrefF32(%l1) : (tensor<*xf32>) -> ()
  %l2 = tensor.cast %l#2 : tensor<?x3xf32> to tensor<*xf32>
  call @printMemrefF32(%l2) : (tensor<*xf32>) -> ()
  return
}

// What @main prints, in order; the numbers are Inputs/reference.py's.
// sigmoid:
// CHECK: data =
// CHECK-NEXT: [0.119203, 0.377541, 0.5, 0.622459, 0.880797]
// tanh:
// CHECK: data =
// CHECK-NEXT: [-0.964028, -0.462117, 0, 0.462117, 0.964028]
// erf:
// CHECK: data =
// CHECK-NEXT: [-0.995322, -0.5205, 0, 0.5205, 0.995322]
// sign:
// CHECK: data =
// CHECK-NEXT: [-1, -1, 0, 1, 1]
// leaky relu 0 1:
// CHECK: data =
// CHECK-NEXT: [-0.2, -0.05, 0, 0.5, 2]
// clamp minus 1 1:
// CHECK: data =
// CHECK-NEXT: [-1, -0.5, 0, 0.5, 1]
// rsqrt exp:
// CHECK: data =
// CHECK-NEXT: [2.71828, 1.28403, 1, 0.778801, 0.367879]
// log exp plus sqrt abs:
// CHECK: data =
// CHECK-NEXT: [-0.585786, 0.207107, 0, 1.20711, 3.41421]
// add:
// CHECK: data =
// CHECK-NEXT: {{\[\[}}7.5, 3.5, 8.5],
// CHECK-NEXT: [-3.5, -7.5, -2.5]]
// sub:
// CHECK: data =
// CHECK-NEXT: {{\[\[}}3.5, 7.5, 2.5],
// CHECK-NEXT: [-7.5, -3.5, -8.5]]
// mul:
// CHECK: data =
// CHECK-NEXT: {{\[\[}}11, -11, 16.5],
// CHECK-NEXT: [-11, 11, -16.5]]
// div:
// CHECK: data =
// CHECK-NEXT: {{\[\[}}2.75, -2.75, 1.83333],
// CHECK-NEXT: [-2.75, 2.75, -1.83333]]
// mod:
// CHECK: data =
// CHECK-NEXT: {{\[\[}}1.5, -0.5, 2.5],
// CHECK-NEXT: [0.5, -1.5, 0.5]]
// pow:
// CHECK: data =
// CHECK-NEXT: {{\[\[}}4, 16, 81],
// CHECK-NEXT: [1.41421, 2, 3]]
// maximum:
// CHECK: data =
// CHECK-NEXT: {{\[\[}}5.5, 5.5, 5.5],
// CHECK-NEXT: [2, -2, 3]]
// integer div:
// CHECK: data =
// CHECK-NEXT: [2, -3, -3, 2]
// integer mod:
// CHECK: data =
// CHECK-NEXT: [1, 2, -2, -1]
// integer pow:
// CHECK: data =
// CHECK-NEXT: [49, -343, 1, -7]
// integer minimum:
// CHECK: data =
// CHECK-NEXT: [3, -7, -3, -7]
// integer clamp:
// CHECK: data =
// CHECK-NEXT: [5, -5, 5, -5]
// where gt:
// CHECK: data =
// CHECK-NEXT: {{\[\[}}0.5, 0.5, 2],
// CHECK-NEXT: [3, 0.5, 0.5]]
// ne 0:
// CHECK: data =
// CHECK-NEXT: {{\[\[}}1, 0, 1],
// CHECK-NEXT: [1, 1, 1]]
// bool lt:
// CHECK: data =
// CHECK-NEXT: {{\[\[}}0, 0, 1],
// CHECK-NEXT: [1, 0, 0]]
