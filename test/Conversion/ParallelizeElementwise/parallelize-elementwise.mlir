// RUN: nnc-opt %s --parallelize-elementwise --split-input-file | FileCheck %s
// RUN: nnc-opt %s --parallelize-elementwise=min-work=2000000 --split-input-file \
// RUN: | FileCheck %s --check-prefix=BIG

// Large parallel generics on memrefs are outlined into @<parent>_par<k>,
// which runs the generic on subviews of the rows [begin, end) of its split
// dim, and replaced by a call of nnrt_parallel_range with the operands in a
// stack struct. Constants of the region are cloned; other scalars travel in
// the struct (index as i64).

#id = affine_map<(d0, d1) -> (d0, d1)>
#scalar = affine_map<(d0, d1) -> ()>

// CHECK-LABEL: func.func @update
//  CHECK-SAME: (%[[W:.+]]: memref<256x784xf32>, %[[M:.+]]: memref<256x784xf32>, %[[LR:.+]]: memref<f32>, %[[S:.+]]: f32, %[[N:.+]]: index)
//       CHECK:   %[[FRAME:.+]] = llvm.alloca %{{.+}} x !llvm.struct<(struct<(ptr, ptr, i64, array<2 x i64>, array<2 x i64>)>, struct<(ptr, ptr, i64)>, struct<(ptr, ptr, i64, array<2 x i64>, array<2 x i64>)>, f32, i64)>
//       CHECK:   %[[DM:.+]] = builtin.unrealized_conversion_cast %[[M]] : memref<256x784xf32> to !llvm.struct<(ptr, ptr, i64, array<2 x i64>, array<2 x i64>)>
//       CHECK:   %[[P0:.+]] = llvm.getelementptr %[[FRAME]][0, 0]
//       CHECK:   llvm.store %[[DM]], %[[P0]]
//       CHECK:   builtin.unrealized_conversion_cast %[[LR]] : memref<f32> to !llvm.struct<(ptr, ptr, i64)>
//       CHECK:   builtin.unrealized_conversion_cast %[[W]] : memref<256x784xf32>
//       CHECK:   %[[P3:.+]] = llvm.getelementptr %[[FRAME]][0, 3]
//       CHECK:   llvm.store %[[S]], %[[P3]] : f32, !llvm.ptr
//       CHECK:   %[[N64:.+]] = arith.index_cast %[[N]] : index to i64
//       CHECK:   %[[P4:.+]] = llvm.getelementptr %[[FRAME]][0, 4]
//       CHECK:   llvm.store %[[N64]], %[[P4]] : i64, !llvm.ptr
//       CHECK:   %[[F:.+]] = constant @update_par0 : (!llvm.ptr, i64, i64) -> ()
//   CHECK-DAG:   %[[EXTENT:.+]] = arith.constant 256 : i64
// 784 iterations per row, 7 ops each.
//   CHECK-DAG:   %[[WORK:.+]] = arith.constant 5488 : i64
//       CHECK:   call @nnrt_parallel_range(%[[F]], %[[EXTENT]], %[[WORK]], %[[FRAME]])
//   CHECK-NOT:   linalg.generic
//       CHECK:   return

// CHECK-LABEL: func.func private @update_par0
//  CHECK-SAME: (%[[CTX:.+]]: !llvm.ptr, %[[B64:.+]]: i64, %[[E64:.+]]: i64)
//  CHECK-SAME: llvm.linkage = #llvm.linkage<internal>
//       CHECK:   %[[L0:.+]] = llvm.load %{{.+}} : !llvm.ptr -> !llvm.struct<(ptr, ptr, i64, array<2 x i64>, array<2 x i64>)>
//       CHECK:   %[[MM:.+]] = builtin.unrealized_conversion_cast %[[L0]] : !llvm.struct<(ptr, ptr, i64, array<2 x i64>, array<2 x i64>)> to memref<256x784xf32>
//       CHECK:   %[[MLR:.+]] = builtin.unrealized_conversion_cast %{{.+}} to memref<f32>
//       CHECK:   %[[MW:.+]] = builtin.unrealized_conversion_cast %{{.+}} to memref<256x784xf32>
//       CHECK:   %[[MS:.+]] = llvm.load %{{.+}} : !llvm.ptr -> f32
//       CHECK:   %[[MN64:.+]] = llvm.load %{{.+}} : !llvm.ptr -> i64
//       CHECK:   %[[MN:.+]] = arith.index_cast %[[MN64]] : i64 to index
//       CHECK:   %[[C:.+]] = arith.constant 0.899999976 : f32
//       CHECK:   %[[BEGIN:.+]] = arith.index_cast %[[B64]] : i64 to index
//       CHECK:   %[[END:.+]] = arith.index_cast %[[E64]] : i64 to index
//       CHECK:   %[[LEN:.+]] = arith.subi %[[END]], %[[BEGIN]] : index
//       CHECK:   %[[SM:.+]] = memref.subview %[[MM]][%[[BEGIN]], 0] [%[[LEN]], 784] [1, 1] : memref<256x784xf32> to memref<?x784xf32, strided<[784, 1], offset: ?>>
//       CHECK:   %[[SW:.+]] = memref.subview %[[MW]][%[[BEGIN]], 0] [%[[LEN]], 784] [1, 1]
//       CHECK:   linalg.generic
//  CHECK-SAME:     ins(%[[SM]], %[[MLR]] : memref<?x784xf32, strided<[784, 1], offset: ?>>, memref<f32>)
//  CHECK-SAME:     outs(%[[SW]] : memref<?x784xf32, strided<[784, 1], offset: ?>>)
//       CHECK:     arith.mulf %{{.+}}, %[[C]]
//       CHECK:     arith.mulf %{{.+}}, %[[MS]]
//       CHECK:     arith.index_cast %[[MN]] : index to i64
//       CHECK:   return

//       CHECK: func.func private @nnrt_parallel_range((!llvm.ptr, i64, i64) -> (), i64, i64, !llvm.ptr)

// Below min-work (256 x 784 x 7 ops): untouched.
// BIG-LABEL: func.func @update
//  BIG-NOT:  nnrt_parallel_range
//      BIG:  linalg.generic
func.func @update(%w: memref<256x784xf32>, %m: memref<256x784xf32>, %lr: memref<f32>, %s: f32, %n: index) {
  %c = arith.constant 0.9 : f32
  linalg.generic {indexing_maps = [#id, #scalar, #id], iterator_types = ["parallel", "parallel"]}
      ins(%m, %lr : memref<256x784xf32>, memref<f32>) outs(%w : memref<256x784xf32>) {
  ^bb0(%in: f32, %l: f32, %out: f32):
    %0 = arith.mulf %in, %c : f32
    %1 = arith.mulf %0, %l : f32
    %2 = arith.mulf %1, %s : f32
    %i = arith.index_cast %n : index to i64
    %f = arith.sitofp %i : i64 to f32
    %3 = arith.subf %out, %2 : f32
    %4 = arith.addf %3, %f : f32
    linalg.yield %4 : f32
  }
  return
}

// -----

// A dynamic batch: outlined, the runtime decides from the sizes. The row
// index of a dropout-style counter is offset by the range's start; the
// runtime's random draws may run on several threads.

#id = affine_map<(d0, d1) -> (d0, d1)>
func.func private @nnrt_rand_uniform(i64, i64) -> f32

// CHECK-LABEL: func.func @dropout
//  CHECK-SAME: (%[[X:.+]]: memref<?x128xf32>, %[[Y:.+]]: memref<?x128xf32>)
//       CHECK:   %[[F:.+]] = constant @dropout_par0
//       CHECK:   %[[DIM:.+]] = memref.dim %[[X]], %{{.+}} : memref<?x128xf32>
//       CHECK:   %[[EXTENT:.+]] = arith.index_cast %[[DIM]] : index to i64
//       CHECK:   %[[WORK:.+]] = arith.constant 768 : i64
//       CHECK:   call @nnrt_parallel_range(%[[F]], %[[EXTENT]], %[[WORK]], %{{.+}})

// CHECK-LABEL: func.func private @dropout_par0
//  CHECK-SAME: (%{{.+}}: !llvm.ptr, %[[B64:.+]]: i64, %{{.+}}: i64)
//       CHECK:   %[[BEGIN:.+]] = arith.index_cast %[[B64]] : i64 to index
//       CHECK:   memref.subview %{{.+}}[%[[BEGIN]], 0] [%{{.+}}, 128] [1, 1] : memref<?x128xf32> to memref<?x128xf32, strided<[128, 1], offset: ?>>
//       CHECK:   linalg.generic
//       CHECK:     %[[I:.+]] = linalg.index 0 : index
//       CHECK:     %[[ROW:.+]] = arith.addi %[[I]], %[[BEGIN]] : index
//       CHECK:     %[[J:.+]] = linalg.index 1 : index
//   CHECK-NOT:     arith.addi %[[J]], %[[BEGIN]]
//       CHECK:     arith.muli %[[ROW]], %{{.+}} : index
//       CHECK:     func.call @nnrt_rand_uniform
func.func @dropout(%x: memref<?x128xf32>, %y: memref<?x128xf32>) {
  %c128 = arith.constant 128 : index
  %site = arith.constant 3 : i64
  %half = arith.constant 0.5 : f32
  %zero = arith.constant 0.0 : f32
  linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]}
      ins(%x : memref<?x128xf32>) outs(%y : memref<?x128xf32>) {
  ^bb0(%in: f32, %out: f32):
    %i = linalg.index 0 : index
    %j = linalg.index 1 : index
    %r = arith.muli %i, %c128 : index
    %f = arith.addi %r, %j : index
    %n = arith.index_cast %f : index to i64
    %u = func.call @nnrt_rand_uniform(%site, %n) : (i64, i64) -> f32
    %keep = arith.cmpf oge, %u, %half : f32
    %v = arith.select %keep, %in, %zero : f32
    linalg.yield %v : f32
  }
  return
}

// -----

// Reductions: a column sum (reduction over d0) splits the parallel d1, with
// the operands sliced along their second dim; a row sum splits d0.

#id = affine_map<(d0, d1) -> (d0, d1)>
#col = affine_map<(d0, d1) -> (d1)>
#row = affine_map<(d0, d1) -> (d0)>

// CHECK-LABEL: func.func private @column_sum_par0
//       CHECK:   %[[BEGIN:.+]] = arith.index_cast
//       CHECK:   %[[END:.+]] = arith.index_cast
//       CHECK:   %[[LEN:.+]] = arith.subi %[[END]], %[[BEGIN]]
//       CHECK:   memref.subview %{{.+}}[0, %[[BEGIN]]] [512, %[[LEN]]] [1, 1] : memref<512x256xf32> to memref<512x?xf32, strided<[256, 1], offset: ?>>
//       CHECK:   memref.subview %{{.+}}[%[[BEGIN]]] [%[[LEN]]] [1] : memref<256xf32> to memref<?xf32, strided<[1], offset: ?>>
//       CHECK:   iterator_types = ["reduction", "parallel"]
func.func @column_sum(%x: memref<512x256xf32>, %s: memref<256xf32>) {
  linalg.generic {indexing_maps = [#id, #col], iterator_types = ["reduction", "parallel"]}
      ins(%x : memref<512x256xf32>) outs(%s : memref<256xf32>) {
  ^bb0(%in: f32, %out: f32):
    %0 = arith.addf %in, %out : f32
    linalg.yield %0 : f32
  }
  return
}

// CHECK-LABEL: func.func private @row_sum_par0
//       CHECK:   memref.subview %{{.+}}[%[[BEGIN:.+]], 0] [%[[LEN:.+]], 256] [1, 1] : memref<512x256xf32>
//       CHECK:   memref.subview %{{.+}}[%[[BEGIN]]] [%[[LEN]]] [1] : memref<512xf32>
func.func @row_sum(%x: memref<512x256xf32>, %s: memref<512xf32>) {
  linalg.generic {indexing_maps = [#id, #row], iterator_types = ["parallel", "reduction"]}
      ins(%x : memref<512x256xf32>) outs(%s : memref<512xf32>) {
  ^bb0(%in: f32, %out: f32):
    %0 = arith.addf %in, %out : f32
    linalg.yield %0 : f32
  }
  return
}

// -----

// Left alone: small generics, a full reduction (no parallel dim indexes the
// output), regions with side effects, tensors.

#id = affine_map<(d0, d1) -> (d0, d1)>
#all = affine_map<(d0, d1) -> ()>

// CHECK-LABEL: func.func @untouched
//   CHECK-NOT:   nnrt_parallel_range
//   CHECK-NOT:   _par
//       CHECK:   return
// CHECK-NOT: func.func private @untouched_par
func.func @untouched(%small: memref<64x256xf32>, %x: memref<512x256xf32>, %y: memref<512x256xf32>,
                     %total: memref<f32>, %t: tensor<512x256xf32>) -> tensor<512x256xf32> {
  linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]}
      ins(%small : memref<64x256xf32>) outs(%small : memref<64x256xf32>) {
  ^bb0(%in: f32, %out: f32):
    %0 = arith.addf %in, %in : f32
    linalg.yield %0 : f32
  }
  linalg.generic {indexing_maps = [#id, #all], iterator_types = ["reduction", "reduction"]}
      ins(%x : memref<512x256xf32>) outs(%total : memref<f32>) {
  ^bb0(%in: f32, %out: f32):
    %0 = arith.addf %in, %out : f32
    linalg.yield %0 : f32
  }
  linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]}
      ins(%x : memref<512x256xf32>) outs(%y : memref<512x256xf32>) {
  ^bb0(%in: f32, %out: f32):
    %c0 = arith.constant 0 : index
    %0 = memref.load %total[] : memref<f32>
    memref.store %in, %total[] : memref<f32>
    linalg.yield %0 : f32
  }
  %r = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]}
      ins(%t : tensor<512x256xf32>) outs(%t : tensor<512x256xf32>) {
  ^bb0(%in: f32, %out: f32):
    %0 = arith.addf %in, %in : f32
    linalg.yield %0 : f32
  } -> tensor<512x256xf32>
  return %r : tensor<512x256xf32>
}
