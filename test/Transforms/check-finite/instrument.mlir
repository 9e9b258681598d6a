// RUN: nnc-opt %s --check-finite | FileCheck %s

// In a function marked nn.check_finite, each op that computes f32 values
// is followed by a call handing them and its .nn locations to the runtime;
// fills, copies and transposes are not; other functions are left alone.

#map = affine_map<(d0) -> (d0)>

// The places as text: "m.nn:3:5", "m.nn:4:1 or m.nn:5:2" (a fused op),
// "m.nn:6:7 (backward)".
// CHECK-DAG: memref.global "private" constant @nn_site_0 : memref<8xi8> = dense<[109, 46, 110, 110, 58, 51, 58, 53]>
// CHECK-DAG: memref.global "private" constant @nn_site_1 : memref<20xi8> = dense<[109, 46, 110, 110, 58, 52, 58, 49, 32, 111, 114, 32, 109, 46, 110, 110, 58, 53, 58, 50]>
// CHECK-DAG: memref.global "private" constant @nn_site_2 : memref<19xi8> = dense<[109, 46, 110, 110, 58, 54, 58, 55, 32, 40, 98, 97, 99, 107, 119, 97, 114, 100, 41]>

// CHECK-LABEL: func.func @step
func.func @step(%a: memref<4xf32>, %b: memref<2x4xf32>, %c: memref<4x2xf32>,
                %out: memref<2x2xf32>) attributes {nn.check_finite} {
  %zero = arith.constant 0.0 : f32
  // CHECK: linalg.fill
  // CHECK-NOT: call @nnrt_check_finite_f32
  linalg.fill ins(%zero : f32) outs(%out : memref<2x2xf32>)
  // CHECK: linalg.generic
  // CHECK: %[[G:.+]] = memref.get_global @nn_site_0 : memref<8xi8>
  // CHECK: %[[T:.+]] = memref.cast %[[G]] : memref<8xi8> to memref<?xi8>
  // CHECK: %[[V:.+]] = memref.cast %arg0 : memref<4xf32> to memref<*xf32>
  // CHECK: call @nnrt_check_finite_f32(%[[V]], %[[T]])
  linalg.generic {indexing_maps = [#map], iterator_types = ["parallel"]}
      outs(%a : memref<4xf32>) {
  ^bb0(%x: f32):
    %y = math.sqrt %x : f32
    linalg.yield %y : f32
  } loc("m.nn":3:5)
  // CHECK: linalg.matmul
  // CHECK: memref.get_global @nn_site_1
  // CHECK: call @nnrt_check_finite_f32
  linalg.matmul ins(%b, %c : memref<2x4xf32>, memref<4x2xf32>)
                outs(%out : memref<2x2xf32>) loc(fused["m.nn":4:1, "m.nn":5:2])
  // CHECK: linalg.generic
  // CHECK: memref.get_global @nn_site_2
  // CHECK: call @nnrt_check_finite_f32
  linalg.generic {indexing_maps = [#map], iterator_types = ["parallel"]}
      outs(%a : memref<4xf32>) {
  ^bb0(%x: f32):
    %y = arith.mulf %x, %x : f32
    linalg.yield %y : f32
  } loc("backward"("m.nn":6:7))
  // CHECK: return
  return
}

// CHECK-LABEL: func.func @other
// CHECK-NOT: call @nnrt_check_finite_f32
func.func @other(%a: memref<4xf32>) {
  linalg.generic {indexing_maps = [#map], iterator_types = ["parallel"]}
      outs(%a : memref<4xf32>) {
  ^bb0(%x: f32):
    %y = math.sqrt %x : f32
    linalg.yield %y : f32
  }
  return
}

// CHECK: func.func private @nnrt_check_finite_f32(memref<*xf32>, memref<?xi8>) attributes {llvm.emit_c_interface}
