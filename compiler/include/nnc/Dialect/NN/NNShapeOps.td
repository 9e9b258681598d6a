//===- NNShapeOps.td - nn shape ops, constructors, random --*- tablegen -*-===//
//
// The ops that move elements without computing on them (reshape, concat,
// ...) and the ops that make tensors (fill, arange, random). Where a result
// dim is dynamic and cannot be derived from the operands' shapes (a
// constructor's, a reshape's or a broadcast_to's), the op takes one index
// operand per dynamic dim of its result, in order, as tensor.empty does.
// Included from NNOps.td.
//
//===----------------------------------------------------------------------===//

#ifndef NNC_DIALECT_NN_NNSHAPEOPS_TD
#define NNC_DIALECT_NN_NNSHAPEOPS_TD

//===----------------------------------------------------------------------===//
// Shape
//===----------------------------------------------------------------------===//

def NN_ReshapeOp : NN_Op<"reshape", [Pure,
    DeclareOpInterfaceMethods<NN_VJPOpInterface>,
    AllElementTypesMatch<["input", "result"]>]> {
  let summary = "the same elements in row-major order, in the result's shape";
  let description = [{
    `%y = nn.reshape %x [%b] : tensor<?x784xf32> -> tensor<?x28x28xf32>`
    (the language's -1 is resolved by MLIRGen into the result type)
  }];
  let arguments = (ins NN_AnyTensor:$input, Variadic<Index>:$dynamic_sizes);
  let results = (outs NN_AnyTensor:$result);
  let assemblyFormat = [{
    $input (` ` `[` $dynamic_sizes^ `]`)? attr-dict `:` type($input) `->`
    type($result)
  }];
  let hasVerifier = 1;
}

def NN_FlattenOp : NN_Op<"flatten", [Pure, SameOperandsAndResultElementType,
    DeclareOpInterfaceMethods<NN_VJPOpInterface>]> {
  let summary = "[N, rest...] -> [N, prod(rest)]";
  let description = [{
    `%y = nn.flatten %x : tensor<?x1x28x28xf32> -> tensor<?x784xf32>`
  }];
  let arguments = (ins NN_AnyTensor:$input);
  let results = (outs NN_AnyTensor:$result);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($result)";
  let hasVerifier = 1;
}

def NN_ConcatOp : NN_Op<"concat", [Pure, SameOperandsAndResultElementType,
    DeclareOpInterfaceMethods<NN_VJPOpInterface>]> {
  let summary = "joins tensors along an existing axis";
  let description = [{
    `%y = nn.concat %a, %b axis = 1
        : tensor<?x4xf32>, tensor<?x6xf32> -> tensor<?x10xf32>`
  }];
  let arguments = (ins Variadic<NN_AnyTensor>:$inputs,
                       DefaultValuedAttr<NN_I64Attr, "0">:$axis);
  let results = (outs NN_AnyTensor:$result);
  let assemblyFormat = [{
    $inputs `axis` `=` $axis attr-dict `:` type($inputs) `->` type($result)
  }];
  let extraClassDeclaration = [{
    /// `axis` in [0, rank).
    int64_t getNormalizedAxis() {
      return normalizedAxis(getAxis(), getResult().getType().getRank());
    }
  }];
  let hasVerifier = 1;
}

def NN_SplitOp : NN_Op<"split", [Pure, SameOperandsAndResultElementType,
    DeclareOpInterfaceMethods<NN_VJPOpInterface>]> {
  let summary = "cuts a tensor into equal parts along an axis, one per result";
  let description = [{
    `%a, %b = nn.split %x axis = 1
        : tensor<?x8xf32> -> tensor<?x4xf32>, tensor<?x4xf32>`
  }];
  let arguments = (ins NN_AnyTensor:$input,
                       DefaultValuedAttr<NN_I64Attr, "0">:$axis);
  let results = (outs Variadic<NN_AnyTensor>:$results);
  let assemblyFormat = [{
    $input `axis` `=` $axis attr-dict `:` type($input) `->` type($results)
  }];
  let extraClassDeclaration = [{
    /// `axis` in [0, rank).
    int64_t getNormalizedAxis() {
      return normalizedAxis(getAxis(), getInput().getType().getRank());
    }
  }];
  let hasVerifier = 1;
}

def NN_StackOp : NN_Op<"stack", [Pure, SameOperandsAndResultElementType,
    DeclareOpInterfaceMethods<NN_VJPOpInterface>]> {
  let summary = "joins equal-shaped tensors along a new axis";
  let description = [{
    `%y = nn.stack %a, %b axis = 0
        : tensor<?x4xf32>, tensor<?x4xf32> -> tensor<2x?x4xf32>`
  }];
  let arguments = (ins Variadic<NN_AnyTensor>:$inputs,
                       DefaultValuedAttr<NN_I64Attr, "0">:$axis);
  let results = (outs NN_AnyTensor:$result);
  let assemblyFormat = [{
    $inputs `axis` `=` $axis attr-dict `:` type($inputs) `->` type($result)
  }];
  let extraClassDeclaration = [{
    /// `axis` in [0, rank of the result).
    int64_t getNormalizedAxis() {
      return normalizedAxis(getAxis(), getResult().getType().getRank());
    }
  }];
  let hasVerifier = 1;
}

def NN_SqueezeOp : NN_Op<"squeeze", [Pure, SameOperandsAndResultElementType,
    DeclareOpInterfaceMethods<NN_VJPOpInterface>]> {
  let summary = "removes an axis of size 1";
  let description = [{
    `%y = nn.squeeze %x axis = 1 : tensor<?x1x10xf32> -> tensor<?x10xf32>`
  }];
  let arguments = (ins NN_AnyTensor:$input, NN_I64Attr:$axis);
  let results = (outs NN_AnyTensor:$result);
  let assemblyFormat = [{
    $input `axis` `=` $axis attr-dict `:` type($input) `->` type($result)
  }];
  let extraClassDeclaration = [{
    /// `axis` in [0, rank).
    int64_t getNormalizedAxis() {
      return normalizedAxis(getAxis(), getInput().getType().getRank());
    }
  }];
  let hasVerifier = 1;
}

def NN_UnsqueezeOp : NN_Op<"unsqueeze", [Pure,
    DeclareOpInterfaceMethods<NN_VJPOpInterface>,
                                         SameOperandsAndResultElementType]> {
  let summary = "inserts an axis of size 1";
  let description = [{
    `%y = nn.unsqueeze %x axis = 0 : tensor<10xf32> -> tensor<1x10xf32>`
  }];
  let arguments = (ins NN_AnyTensor:$input, NN_I64Attr:$axis);
  let results = (outs NN_AnyTensor:$result);
  let assemblyFormat = [{
    $input `axis` `=` $axis attr-dict `:` type($input) `->` type($result)
  }];
  let extraClassDeclaration = [{
    /// `axis` in [0, rank of the result).
    int64_t getNormalizedAxis() {
      return normalizedAxis(getAxis(), getResult().getType().getRank());
    }
  }];
  let hasVerifier = 1;
}

def NN_BroadcastToOp : NN_Op<"broadcast_to", [Pure,
    DeclareOpInterfaceMethods<NN_VJPOpInterface>,
    AllElementTypesMatch<["input", "result"]>]> {
  let summary = "NumPy-broadcasts a tensor to exactly the result's shape";
  let description = [{
    `%y = nn.broadcast_to %b [%n] : tensor<10xf32> -> tensor<?x10xf32>`
  }];
  let arguments = (ins NN_AnyTensor:$input, Variadic<Index>:$dynamic_sizes);
  let results = (outs NN_AnyTensor:$result);
  let assemblyFormat = [{
    $input (` ` `[` $dynamic_sizes^ `]`)? attr-dict `:` type($input) `->`
    type($result)
  }];
  let hasVerifier = 1;
}

//===----------------------------------------------------------------------===//
// Constructors
//===----------------------------------------------------------------------===//

def NN_FillOp : NN_ConstructorOp<"fill", NN_AnyTensor, (ins F64Attr:$value),
                                 [Pure]> {
  let summary = "every element `value` (zeros, ones, full, *_like)";
  let description = [{
    `%z = nn.fill 0.000000e+00 [%b] : tensor<?x128xf32>`
    (for integer and bool results `value` must be integral, 0 or 1 for bool)
  }];
  let assemblyFormat = [{
    $value (` ` `[` $dynamic_sizes^ `]`)? attr-dict `:` type($result)
  }];
}

def NN_ArangeOp : NN_ConstructorOp<"arange", NN_NumericTensor, (ins), [Pure]> {
  let summary = "0, 1, ..., n-1 where n is the size of the 1-d result";
  let description = "`%i = nn.arange [%n] : tensor<?xi32>`";
}

//===----------------------------------------------------------------------===//
// Random (counter-based: the run's seed, the step counter and `seed_offset`,
// which MLIRGen numbers per call site, pick the stream)
//===----------------------------------------------------------------------===//

def NN_NormalOp : NN_ConstructorOp<"normal", NN_FloatTensor,
    (ins DefaultValuedAttr<F64Attr, "1.0">:$std, NN_I64Attr:$seed_offset),
    [NN_Random]> {
  let summary = "samples of N(0, std^2)";
  let description = [{
    `%z = nn.normal [%b] {seed_offset = 1
        : i64, std = 1.000000e+00 : f64} : tensor<?x64xf32>`
  }];
}
def NN_UniformOp : NN_ConstructorOp<"uniform", NN_FloatTensor,
    (ins F64Attr:$lo, F64Attr:$hi, NN_I64Attr:$seed_offset), [NN_Random]> {
  let summary = "samples of U[lo, hi)";
  let description = [{
    `%u = nn.uniform {hi = 1.000000e+00 : f64, lo = -1.000000e+00 : f64,
        seed_offset = 2 : i64} : tensor<4x4xf32>`
  }];
}
def NN_BernoulliOp : NN_ConstructorOp<"bernoulli",
    RankedTensorOf<[F16, BF16, F32, F64, I1]>,
    (ins F64Attr:$p, NN_I64Attr:$seed_offset), [NN_Random]> {
  let summary = "1 with probability p, else 0 (float or bool)";
  let description = [{
    `%m = nn.bernoulli [%b] {p = 5.000000e-01
        : f64, seed_offset = 3 : i64} : tensor<?x128xi1>`
  }];
}

#endif // NNC_DIALECT_NN_NNSHAPEOPS_TD
