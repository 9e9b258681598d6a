// RUN: nnc-opt %s -nnc-cpu-pipeline | FileCheck %s --check-prefix=IR
// RUN: nnc-opt %s -nnc-cpu-pipeline \
// RUN: | env NNRT_THREADS=3 mlir-cpu-runner -e main -entry-point-result=void -shared-libs=%mlir_runner_libs \
// RUN: | FileCheck %s
// Parallelized generics through the whole CPU pipeline and the runtime's
// thread pool (3 threads, so chunks start at rows other than 0): an iota
// over a dynamic number of rows (linalg.index of the split dim offset by the
// chunk's start), then row and column sums of (i + j) mod 8, checked by
// serial full reductions that count mismatches.

// The casts of the outlined functions' operands cancel in the LLVM lowering.
//  IR-NOT: unrealized_conversion_cast
//      IR: llvm.func @iota
//      IR:   llvm.mlir.addressof @iota_par0
//      IR:   llvm.call @nnrt_parallel_range
//      IR: llvm.func internal @iota_par0(%{{.+}}: !llvm.ptr, %{{.+}}: i64, %{{.+}}: i64)

#id = affine_map<(d0, d1) -> (d0, d1)>
#row = affine_map<(d0, d1) -> (d0)>
#col = affine_map<(d0, d1) -> (d1)>
#all = affine_map<(d0, d1) -> ()>
#id1 = affine_map<(d0) -> (d0)>
#all1 = affine_map<(d0) -> ()>

func.func private @printMemrefF32(tensor<*xf32>)

// a[i][j] = i * 256 + j
func.func @iota(%n: index) -> tensor<?x256xf32> {
  %c256 = arith.constant 256 : index
  %e = tensor.empty(%n) : tensor<?x256xf32>
  %r = linalg.generic {indexing_maps = [#id], iterator_types = ["parallel", "parallel"]}
      outs(%e : tensor<?x256xf32>) {
  ^bb0(%out: f32):
    %i = linalg.index 0 : index
    %j = linalg.index 1 : index
    %0 = arith.muli %i, %c256 : index
    %1 = arith.addi %0, %j : index
    %2 = arith.index_cast %1 : index to i64
    %3 = arith.sitofp %2 : i64 to f32
    linalg.yield %3 : f32
  } -> tensor<?x256xf32>
  return %r : tensor<?x256xf32>
}

// The number of elements of `a` that are not i * 256 + j.
func.func @iota_errors(%a: tensor<?x256xf32>) -> tensor<f32> {
  %c256 = arith.constant 256 : index
  %zero = arith.constant 0.0 : f32
  %one = arith.constant 1.0 : f32
  %e = tensor.empty() : tensor<f32>
  %z = linalg.fill ins(%zero : f32) outs(%e : tensor<f32>) -> tensor<f32>
  %r = linalg.generic {indexing_maps = [#id, #all], iterator_types = ["reduction", "reduction"]}
      ins(%a : tensor<?x256xf32>) outs(%z : tensor<f32>) {
  ^bb0(%in: f32, %acc: f32):
    %i = linalg.index 0 : index
    %j = linalg.index 1 : index
    %0 = arith.muli %i, %c256 : index
    %1 = arith.addi %0, %j : index
    %2 = arith.index_cast %1 : index to i64
    %3 = arith.sitofp %2 : i64 to f32
    %bad = arith.cmpf une, %in, %3 : f32
    %4 = arith.select %bad, %one, %zero : f32
    %5 = arith.addf %acc, %4 : f32
    linalg.yield %5 : f32
  } -> tensor<f32>
  return %r : tensor<f32>
}

// Row sums (split d0) and column sums (split d1) of (i + j) mod 8 over
// 512 x 256: 896 and 1792 everywhere.
func.func @sums() -> (tensor<512xf32>, tensor<256xf32>) {
  %c8 = arith.constant 8 : index
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<512x256xf32>
  %b = linalg.generic {indexing_maps = [#id], iterator_types = ["parallel", "parallel"]}
      outs(%e : tensor<512x256xf32>) {
  ^bb0(%out: f32):
    %i = linalg.index 0 : index
    %j = linalg.index 1 : index
    %0 = arith.addi %i, %j : index
    %1 = arith.remui %0, %c8 : index
    %2 = arith.index_cast %1 : index to i64
    %3 = arith.sitofp %2 : i64 to f32
    linalg.yield %3 : f32
  } -> tensor<512x256xf32>
  %er = tensor.empty() : tensor<512xf32>
  %zr = linalg.fill ins(%zero : f32) outs(%er : tensor<512xf32>) -> tensor<512xf32>
  %rows = linalg.generic {indexing_maps = [#id, #row], iterator_types = ["parallel", "reduction"]}
      ins(%b : tensor<512x256xf32>) outs(%zr : tensor<512xf32>) {
  ^bb0(%in: f32, %acc: f32):
    %0 = arith.addf %acc, %in : f32
    linalg.yield %0 : f32
  } -> tensor<512xf32>
  %ec = tensor.empty() : tensor<256xf32>
  %zc = linalg.fill ins(%zero : f32) outs(%ec : tensor<256xf32>) -> tensor<256xf32>
  %cols = linalg.generic {indexing_maps = [#id, #col], iterator_types = ["reduction", "parallel"]}
      ins(%b : tensor<512x256xf32>) outs(%zc : tensor<256xf32>) {
  ^bb0(%in: f32, %acc: f32):
    %0 = arith.addf %acc, %in : f32
    linalg.yield %0 : f32
  } -> tensor<256xf32>
  return %rows, %cols : tensor<512xf32>, tensor<256xf32>
}

// The number of elements of `v` that are not `want`.
func.func @errors(%v: tensor<?xf32>, %want: f32) -> tensor<f32> {
  %zero = arith.constant 0.0 : f32
  %one = arith.constant 1.0 : f32
  %e = tensor.empty() : tensor<f32>
  %z = linalg.fill ins(%zero : f32) outs(%e : tensor<f32>) -> tensor<f32>
  %r = linalg.generic {indexing_maps = [#id1, #all1], iterator_types = ["reduction"]}
      ins(%v : tensor<?xf32>) outs(%z : tensor<f32>) {
  ^bb0(%in: f32, %acc: f32):
    %bad = arith.cmpf une, %in, %want : f32
    %0 = arith.select %bad, %one, %zero : f32
    %1 = arith.addf %acc, %0 : f32
    linalg.yield %1 : f32
  } -> tensor<f32>
  return %r : tensor<f32>
}

func.func @main() {
  %n = arith.constant 517 : index
  %a = call @iota(%n) : (index) -> tensor<?x256xf32>
  %ea = call @iota_errors(%a) : (tensor<?x256xf32>) -> tensor<f32>
  %pa = tensor.cast %ea : tensor<f32> to tensor<*xf32>
  // CHECK: [0]
  call @printMemrefF32(%pa) : (tensor<*xf32>) -> ()
  %last = tensor.extract_slice %a[516, 254] [1, 2] [1, 1] : tensor<?x256xf32> to tensor<2xf32>
  %pl = tensor.cast %last : tensor<2xf32> to tensor<*xf32>
  // CHECK: [132350,  132351]
  call @printMemrefF32(%pl) : (tensor<*xf32>) -> ()

  %rows, %cols = call @sums() : () -> (tensor<512xf32>, tensor<256xf32>)
  %c896 = arith.constant 896.0 : f32
  %c1792 = arith.constant 1792.0 : f32
  %rd = tensor.cast %rows : tensor<512xf32> to tensor<?xf32>
  %cd = tensor.cast %cols : tensor<256xf32> to tensor<?xf32>
  %er = call @errors(%rd, %c896) : (tensor<?xf32>, f32) -> tensor<f32>
  %ec = call @errors(%cd, %c1792) : (tensor<?xf32>, f32) -> tensor<f32>
  %pr = tensor.cast %er : tensor<f32> to tensor<*xf32>
  %pc = tensor.cast %ec : tensor<f32> to tensor<*xf32>
  // CHECK: [0]
  call @printMemrefF32(%pr) : (tensor<*xf32>) -> ()
  // CHECK: [0]
  call @printMemrefF32(%pc) : (tensor<*xf32>) -> ()
  %first = tensor.extract_slice %cols[0] [3] [1] : tensor<256xf32> to tensor<3xf32>
  %pf = tensor.cast %first : tensor<3xf32> to tensor<*xf32>
  // CHECK: [1792,  1792,  1792]
  call @printMemrefF32(%pf) : (tensor<*xf32>) -> ()
  return
}
