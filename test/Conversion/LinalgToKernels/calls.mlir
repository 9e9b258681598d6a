// RUN: nnc-opt %s --convert-linalg-to-kernels | FileCheck %s

// f32 matmuls and convolutions on memrefs become calls of the runtime's
// kernels on fully dynamic strided memrefs; other element types stay. The
// last i64 is 1 (add to the output) unless the output was zero-filled for
// the kernel alone: the fill is then dropped and the kernel overwrites.

// CHECK-LABEL: func.func @matmul
// CHECK-SAME: (%[[A:.+]]: memref<64x784xf32>, %[[B:.+]]: memref<784x256xf32, strided<[1, 784]>>, %[[C:.+]]: memref<64x256xf32>)
func.func @matmul(%a: memref<64x784xf32>, %b: memref<784x256xf32, strided<[1, 784]>>,
                  %c: memref<64x256xf32>) {
  // CHECK: %[[CA:.+]] = memref.cast %[[A]] : memref<64x784xf32> to memref<?x?xf32, strided<[?, ?], offset: ?>>
  // CHECK: %[[CB:.+]] = memref.cast %[[B]] : memref<784x256xf32, strided<[1, 784]>> to memref<?x?xf32, strided<[?, ?], offset: ?>>
  // CHECK: %[[CC:.+]] = memref.cast %[[C]]
  // CHECK: %[[ACC:.+]] = arith.constant 1 : i64
  // CHECK: call @nnrt_matmul_f32(%[[CA]], %[[CB]], %[[CC]], %[[ACC]])
  // CHECK-NOT: linalg.matmul
  linalg.matmul ins(%a, %b : memref<64x784xf32>, memref<784x256xf32, strided<[1, 784]>>)
                outs(%c : memref<64x256xf32>)
  return
}

// CHECK-LABEL: func.func @batch
func.func @batch(%a: memref<?x4x8xf32>, %b: memref<?x8x3xf32>, %c: memref<?x4x3xf32>) {
  // CHECK: call @nnrt_batch_matmul_f32
  linalg.batch_matmul ins(%a, %b : memref<?x4x8xf32>, memref<?x8x3xf32>)
                      outs(%c : memref<?x4x3xf32>)
  return
}

// CHECK-LABEL: func.func @conv
func.func @conv(%x: memref<?x1x32x32xf32>, %w: memref<6x1x5x5xf32>, %y: memref<?x6x14x14xf32>) {
  // Strides (2, 2), then dilations (1, 1).
  // CHECK: %[[SH:.+]] = arith.constant 2 : i64
  // CHECK: %[[SW:.+]] = arith.constant 2 : i64
  // CHECK: %[[DH:.+]] = arith.constant 1 : i64
  // CHECK: %[[DW:.+]] = arith.constant 1 : i64
  // CHECK: %[[ACC:.+]] = arith.constant 1 : i64
  // CHECK: call @nnrt_conv2d_nchw_fchw_f32({{.+}}, {{.+}}, {{.+}}, %[[SH]], %[[SW]], %[[DH]], %[[DW]], %[[ACC]])
  linalg.conv_2d_nchw_fchw {dilations = dense<1> : tensor<2xi64>, strides = dense<2> : tensor<2xi64>}
    ins(%x, %w : memref<?x1x32x32xf32>, memref<6x1x5x5xf32>) outs(%y : memref<?x6x14x14xf32>)
  return
}

// A zero fill of the output with nothing else between it and the kernel is
// dropped, and the kernel overwrites; a fill read in between, or of a value
// other than zero, stays.
// CHECK-LABEL: func.func @zero_filled
func.func @zero_filled(%a: memref<4x8xf32>, %b: memref<8x3xf32>, %c: memref<4x3xf32>,
                       %d: memref<4x3xf32>, %e: memref<4x3xf32>, %x: memref<4x3xf32>) {
  %zero = arith.constant 0.0 : f32
  %one = arith.constant 1.0 : f32
  // CHECK-NOT: linalg.fill ins(%{{.*}} : f32) outs(%arg2
  // CHECK: %[[OW:.+]] = arith.constant 0 : i64
  // CHECK: call @nnrt_matmul_f32({{.+}}, {{.+}}, {{.+}}, %[[OW]])
  linalg.fill ins(%zero : f32) outs(%c : memref<4x3xf32>)
  linalg.matmul ins(%a, %b : memref<4x8xf32>, memref<8x3xf32>) outs(%c : memref<4x3xf32>)
  // CHECK: linalg.fill ins(%{{.*}} : f32) outs(%arg3
  // CHECK: memref.copy %arg3, %arg5
  // CHECK: %[[ACC1:.+]] = arith.constant 1 : i64
  // CHECK: call @nnrt_matmul_f32({{.+}}, {{.+}}, {{.+}}, %[[ACC1]])
  linalg.fill ins(%zero : f32) outs(%d : memref<4x3xf32>)
  memref.copy %d, %x : memref<4x3xf32> to memref<4x3xf32>
  linalg.matmul ins(%a, %b : memref<4x8xf32>, memref<8x3xf32>) outs(%d : memref<4x3xf32>)
  // CHECK: linalg.fill ins(%{{.*}} : f32) outs(%arg4
  // CHECK: %[[ACC2:.+]] = arith.constant 1 : i64
  // CHECK: call @nnrt_matmul_f32({{.+}}, {{.+}}, {{.+}}, %[[ACC2]])
  linalg.fill ins(%one : f32) outs(%e : memref<4x3xf32>)
  linalg.matmul ins(%a, %b : memref<4x8xf32>, memref<8x3xf32>) outs(%e : memref<4x3xf32>)
  return
}

// CHECK-LABEL: func.func @f64_stays
func.func @f64_stays(%a: memref<2x3xf64>, %b: memref<3x2xf64>, %c: memref<2x2xf64>) {
  // CHECK: linalg.matmul
  linalg.matmul ins(%a, %b : memref<2x3xf64>, memref<3x2xf64>) outs(%c : memref<2x2xf64>)
  return
}

// CHECK-DAG: func.func private @nnrt_matmul_f32(memref<?x?xf32, strided<[?, ?], offset: ?>>, memref<?x?xf32, strided<[?, ?], offset: ?>>, memref<?x?xf32, strided<[?, ?], offset: ?>>, i64) attributes {llvm.emit_c_interface}
// CHECK-DAG: func.func private @nnrt_batch_matmul_f32(memref<?x?x?xf32, strided<[?, ?, ?], offset: ?>>, {{.+}}) attributes {llvm.emit_c_interface}
// CHECK-DAG: func.func private @nnrt_conv2d_nchw_fchw_f32({{.+}}, i64, i64, i64, i64, i64) attributes {llvm.emit_c_interface}
