// RUN: nnc-opt %s -nnc-cpu-pipeline | FileCheck %s
// RUN: nnc-opt %s -nnc-cpu-pipeline | FileCheck %s --check-prefix=PURE
// What the CPU pipeline leaves for object emission and the runtime: pure
// LLVM dialect; each memref argument expanded into MLIR's descriptor fields
// (allocated, aligned, offset, sizes..., strides...), so a dynamic batch
// size travels with its buffer; results returned as descriptors of buffers
// from the runtime's allocator (_mlir_memref_to_llvm_aligned_alloc, abi.h);
// and, for a function marked llvm.emit_c_interface, a
// _mlir_ciface_ wrapper taking pointers to descriptors (the result first).

// No op of another dialect is left anywhere.
//    PURE-NOT: {{(linalg|tensor|memref|bufferization|affine|scf|cf|arith|math|func)\.}}
//    PURE-NOT: unrealized_conversion_cast

//       CHECK: llvm.func @_mlir_memref_to_llvm_aligned_alloc(i64, i64) -> !llvm.ptr
// CHECK-LABEL: llvm.func @layer
//  CHECK-SAME:   (%{{[^:]+}}: !llvm.ptr, %{{[^:]+}}: !llvm.ptr, %{{[^:]+}}: i64, %{{[^:]+}}: i64, %{{[^:]+}}: i64, %{{[^:]+}}: i64, %{{[^:]+}}: i64,
//  CHECK-SAME:    %{{[^:]+}}: !llvm.ptr, %{{[^:]+}}: !llvm.ptr, %{{[^:]+}}: i64, %{{[^:]+}}: i64, %{{[^:]+}}: i64, %{{[^:]+}}: i64, %{{[^:]+}}: i64,
//  CHECK-SAME:    %{{[^:]+}}: !llvm.ptr, %{{[^:]+}}: !llvm.ptr, %{{[^:]+}}: i64, %{{[^:]+}}: i64, %{{[^:]+}}: i64)
//  CHECK-SAME:   -> !llvm.struct<(ptr, ptr, i64, array<2 x i64>, array<2 x i64>)>
//       CHECK:   llvm.call @_mlir_memref_to_llvm_aligned_alloc
// CHECK-LABEL: llvm.func @_mlir_ciface_layer
//  CHECK-SAME:   (%{{[^:]+}}: !llvm.ptr, %{{[^:]+}}: !llvm.ptr, %{{[^:]+}}: !llvm.ptr, %{{[^:]+}}: !llvm.ptr)
func.func @layer(%x: tensor<?x3xf32>, %w: tensor<3x2xf32>, %b: tensor<2xf32>) -> tensor<?x2xf32>
    attributes {llvm.emit_c_interface} {
  %0 = nn.matmul %x, %w : tensor<?x3xf32>, tensor<3x2xf32> -> tensor<?x2xf32>
  %1 = nn.add %0, %b : tensor<?x2xf32>, tensor<2xf32> -> tensor<?x2xf32>
  %2 = nn.relu %1 : tensor<?x2xf32>
  return %2 : tensor<?x2xf32>
}
