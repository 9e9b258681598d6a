// RUN: nnc-opt %s --approximate-math | FileCheck %s

// f32 transcendental functions become arithmetic (no libm call per
// element); f64 ones stay for libm.

// CHECK-LABEL: func.func @f32_ops
// CHECK-NOT: math.tanh
// CHECK-NOT: math.exp
// CHECK-NOT: math.log
// CHECK: arith.mulf
// CHECK: return
func.func @f32_ops(%x: f32) -> (f32, f32, f32, f32) {
  %t = math.tanh %x : f32
  %e = math.exp %x : f32
  %m = math.expm1 %x : f32
  %l = math.log %x : f32
  return %t, %e, %m, %l : f32, f32, f32, f32
}

// CHECK-LABEL: func.func @f64_ops
// CHECK: math.tanh %{{.+}} : f64
// CHECK: math.exp %{{.+}} : f64
func.func @f64_ops(%x: f64) -> (f64, f64) {
  %t = math.tanh %x : f64
  %e = math.exp %x : f64
  return %t, %e : f64, f64
}
