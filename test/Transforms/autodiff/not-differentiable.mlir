// RUN: nnc-opt %s -split-input-file -nn-autodiff -verify-diagnostics

func.func @pool(%x: tensor<1x1x4x4xf32>) -> tensor<f32>
    attributes {nn.differentiate} {
  // expected-error @+1 {{'nn.max_pool2d' is not differentiable}}
  %0 = nn.max_pool2d %x {kernel = 2 : i64, stride = 2 : i64} : tensor<1x1x4x4xf32> -> tensor<1x1x2x2xf32>
  %1 = nn.sum %0 axes = [] : tensor<1x1x2x2xf32> -> tensor<f32>
  return %1 : tensor<f32>
}

// -----

// An argmax off the float path is not an error: it passes no gradient.
func.func @argmax_off_path(%x: tensor<4xf32>) -> tensor<f32>
    attributes {nn.differentiate} {
  %i = nn.argmax %x axis = 0 : tensor<4xf32> -> tensor<i32>
  %s = nn.sum %x axes = [] : tensor<4xf32> -> tensor<f32>
  return %s : tensor<f32>
}

// -----

// expected-error @+1 {{a function to differentiate must return one rank-0 float tensor (the loss)}}
func.func @not_scalar(%x: tensor<4xf32>) -> tensor<4xf32>
    attributes {nn.differentiate} {
  return %x : tensor<4xf32>
}
