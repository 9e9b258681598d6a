// RUN: nnc-opt %s -split-input-file -nn-autodiff -verify-diagnostics

// Every float nn op has a rule; an op of another dialect on the path has none.
func.func @sin(%x: tensor<4xf32>) -> tensor<f32>
    attributes {nn.differentiate} {
  // expected-error @+1 {{cannot differentiate the loss: 'sin' has no gradient rule yet}}
  %0 = math.sin %x : tensor<4xf32>
  %1 = nn.sum %0 axes = [] : tensor<4xf32> -> tensor<f32>
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

// expected-error @+1 {{a function to differentiate must return a rank-0 float tensor (the loss) first}}
func.func @not_scalar(%x: tensor<4xf32>) -> tensor<4xf32>
    attributes {nn.differentiate} {
  return %x : tensor<4xf32>
}

// -----

// A rule that does not cover its case reports it.

func.func @conv2d_dynamic_channels(%x: tensor<1x?x5x5xf32>, %w: tensor<2x?x3x3xf32>) -> tensor<f32> attributes {nn.differentiate} {
  // expected-error @+1 {{'nn.conv2d' op gradient needs static channels, spatial sizes and kernel}}
  %0 = nn.conv2d %x, %w : tensor<1x?x5x5xf32>, tensor<2x?x3x3xf32> -> tensor<1x2x3x3xf32>
  %1 = nn.sum %0 axes = [] : tensor<1x2x3x3xf32> -> tensor<f32>
  return %1 : tensor<f32>
}
