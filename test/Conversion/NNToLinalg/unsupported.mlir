// RUN: nnc-opt %s -split-input-file -convert-nn-to-linalg -verify-diagnostics
// The random ops have no lowering yet: the pass names the op and fails
// rather than leaving it behind.

func.func @dropout(%x: tensor<?x10xf32>) -> tensor<?x10xf32> {
  // expected-error @+1 {{'nn.dropout' op has no lowering to linalg yet: random ops need the runtime's counter-based generator}}
  %0 = nn.dropout %x {p = 0.5 : f64, seed_offset = 7 : i64} : tensor<?x10xf32>
  return %0 : tensor<?x10xf32>
}

// -----

func.func @normal(%b: index) -> tensor<?x64xf32> {
  // expected-error @+1 {{'nn.normal' op has no lowering to linalg yet}}
  %0 = nn.normal [%b] {seed_offset = 1 : i64} : tensor<?x64xf32>
  return %0 : tensor<?x64xf32>
}

// -----

func.func @uniform() -> tensor<4x4xf32> {
  // expected-error @+1 {{'nn.uniform' op has no lowering to linalg yet}}
  %0 = nn.uniform {lo = -1.0 : f64, hi = 1.0 : f64, seed_offset = 3 : i64} : tensor<4x4xf32>
  return %0 : tensor<4x4xf32>
}

// -----

func.func @bernoulli(%b: index) -> tensor<?x128xi1> {
  // expected-error @+1 {{'nn.bernoulli' op has no lowering to linalg yet}}
  %0 = nn.bernoulli [%b] {p = 0.5 : f64, seed_offset = 4 : i64} : tensor<?x128xi1>
  return %0 : tensor<?x128xi1>
}
