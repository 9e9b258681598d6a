//===- NNOps.td - nn dialect operations --------------------*- tablegen -*-===//
//
// One op per primitive of the `.nn` language, by family, in the order of
// LANGUAGE.md's "Primitive operations". Family classes are in NNDialect.td;
// the verifiers are in lib/Dialect/NN and call the shape rules of
// nnc/Shape/Shape.h. Axes may be negative (counting from the end) as in the
// language; the verifiers check their range.
//
//===----------------------------------------------------------------------===//

#ifndef NNC_DIALECT_NN_NNOPS_TD
#define NNC_DIALECT_NN_NNOPS_TD

include "nnc/Dialect/NN/NNDialect.td"
include "nnc/Dialect/NN/NNInterfaces.td"
include "mlir/IR/EnumAttr.td"

//===----------------------------------------------------------------------===//
// Elementwise
//===----------------------------------------------------------------------===//

def NN_ReluOp : NN_UnaryOp<"relu", NN_FloatTensor,
    [DeclareOpInterfaceMethods<NN_VJPOpInterface>]> {
  let summary = "max(x, 0)";
  let description = "`%y = nn.relu %x : tensor<?x10xf32>`";
}
def NN_SigmoidOp : NN_UnaryOp<"sigmoid", NN_FloatTensor,
    [DeclareOpInterfaceMethods<NN_VJPOpInterface>]> {
  let summary = "1 / (1 + e^-x)";
  let description = "`%y = nn.sigmoid %x : tensor<?x10xf32>`";
}
def NN_TanhOp : NN_UnaryOp<"tanh", NN_FloatTensor,
    [DeclareOpInterfaceMethods<NN_VJPOpInterface>]> {
  let summary = "hyperbolic tangent";
  let description = "`%y = nn.tanh %x : tensor<?x10xf32>`";
}
def NN_ExpOp : NN_UnaryOp<"exp", NN_FloatTensor,
    [DeclareOpInterfaceMethods<NN_VJPOpInterface>]> {
  let summary = "e^x";
  let description = "`%y = nn.exp %x : tensor<?x10xf32>`";
}
def NN_LogOp : NN_UnaryOp<"log", NN_FloatTensor,
    [DeclareOpInterfaceMethods<NN_VJPOpInterface>]> {
  let summary = "natural logarithm";
  let description = "`%y = nn.log %x : tensor<?x10xf32>`";
}
def NN_SqrtOp : NN_UnaryOp<"sqrt", NN_FloatTensor,
    [DeclareOpInterfaceMethods<NN_VJPOpInterface>]> {
  let summary = "square root";
  let description = "`%y = nn.sqrt %x : tensor<?x10xf32>`";
}
def NN_RsqrtOp : NN_UnaryOp<"rsqrt", NN_FloatTensor,
    [DeclareOpInterfaceMethods<NN_VJPOpInterface>]> {
  let summary = "1 / sqrt(x)";
  let description = "`%y = nn.rsqrt %x : tensor<?x10xf32>`";
}
def NN_ErfOp : NN_UnaryOp<"erf", NN_FloatTensor,
    [DeclareOpInterfaceMethods<NN_VJPOpInterface>]> {
  let summary = "Gauss error function";
  let description = "`%y = nn.erf %x : tensor<?x10xf32>`";
}
def NN_AbsOp : NN_UnaryOp<"abs", NN_NumericTensor,
    [DeclareOpInterfaceMethods<NN_VJPOpInterface>]> {
  let summary = "|x|";
  let description = "`%y = nn.abs %x : tensor<?x10xf32>`";
}
def NN_NegOp : NN_UnaryOp<"neg", NN_NumericTensor,
    [DeclareOpInterfaceMethods<NN_VJPOpInterface>]> {
  let summary = "-x";
  let description = "`%y = nn.neg %x : tensor<?x10xi32>`";
}
def NN_SignOp : NN_UnaryOp<"sign", NN_NumericTensor,
    [DeclareOpInterfaceMethods<NN_VJPOpInterface>]> {
  let summary = "-1, 0 or 1 by the sign of x (gradient 0)";
  let description = "`%y = nn.sign %x : tensor<?x10xf32>`";
}
def NN_LeakyReluOp : NN_UnaryOp<"leaky_relu", NN_FloatTensor,
    [DeclareOpInterfaceMethods<NN_VJPOpInterface>]> {
  let summary = "x when x > 0, else alpha * x";
  let description = [{
    `%y = nn.leaky_relu %x {alpha = 1.000000e-02 : f64} : tensor<?x10xf32>`
  }];
  let arguments = (ins NN_FloatTensor:$input,
                       DefaultValuedAttr<F64Attr, "0.01">:$alpha);
}
def NN_ClampOp : NN_UnaryOp<"clamp", NN_NumericTensor,
    [DeclareOpInterfaceMethods<NN_VJPOpInterface>]> {
  let summary = "min(max(x, lo), hi)";
  let description = [{
    `%y = nn.clamp %x {hi = 6.000000e+00 : f64, lo = 0.000000e+00 : f64} :
    tensor<?x10xf32>`
  }];
  let arguments = (ins NN_NumericTensor:$input, F64Attr:$lo, F64Attr:$hi);
  let hasVerifier = 1;
}

def NN_AddOp : NN_BinaryOp<"add", NN_NumericTensor, NN_NumericTensor,
                           [Commutative, DeclareOpInterfaceMethods<NN_VJPOpInterface>]> {
  let summary = "x + y, broadcasting";
  let description = [{
    `%z = nn.add %x, %b : tensor<?x10xf32>, tensor<10xf32> -> tensor<?x10xf32>`
  }];
}
def NN_SubOp : NN_BinaryOp<"sub", NN_NumericTensor,
    NN_NumericTensor, [DeclareOpInterfaceMethods<NN_VJPOpInterface>]> {
  let summary = "x - y, broadcasting";
  let description = [{
    `%z = nn.sub %x, %y
        : tensor<?x10xf32>, tensor<?x10xf32> -> tensor<?x10xf32>`
  }];
}
def NN_MulOp : NN_BinaryOp<"mul", NN_NumericTensor, NN_NumericTensor,
                           [Commutative, DeclareOpInterfaceMethods<NN_VJPOpInterface>]> {
  let summary = "x * y, broadcasting";
  let description = [{
    `%z = nn.mul %x, %s : tensor<?x10xf32>, tensor<f32> -> tensor<?x10xf32>`
  }];
}
def NN_DivOp : NN_BinaryOp<"div", NN_NumericTensor,
    NN_NumericTensor, [DeclareOpInterfaceMethods<NN_VJPOpInterface>]> {
  let summary = "x / y, broadcasting (integers: floor division)";
  let description = [{
    `%z = nn.div %x, %s : tensor<?x10xf32>, tensor<f32> -> tensor<?x10xf32>`
  }];
}
def NN_ModOp : NN_BinaryOp<"mod", NN_NumericTensor,
    NN_NumericTensor, [DeclareOpInterfaceMethods<NN_VJPOpInterface>]> {
  let summary = "x % y, broadcasting; the sign of y, as floor division";
  let description = [{
    `%z = nn.mod %x, %s : tensor<?xi32>, tensor<i32> -> tensor<?xi32>`
  }];
}
def NN_PowOp : NN_BinaryOp<"pow", NN_NumericTensor,
    NN_NumericTensor, [DeclareOpInterfaceMethods<NN_VJPOpInterface>]> {
  let summary = "x ** y, broadcasting";
  let description = [{
    `%z = nn.pow %x, %s : tensor<?x10xf32>, tensor<f32> -> tensor<?x10xf32>`
  }];
}
def NN_MaximumOp : NN_BinaryOp<"maximum", NN_NumericTensor, NN_NumericTensor,
    [Commutative, DeclareOpInterfaceMethods<NN_VJPOpInterface>]> {
  let summary = "elementwise max(x, y), broadcasting";
  let description = [{
    `%z = nn.maximum %x, %y : tensor<4xf32>, tensor<4xf32> -> tensor<4xf32>`
    (where x == y each gets half the gradient, as torch.maximum)
  }];
}
def NN_MinimumOp : NN_BinaryOp<"minimum", NN_NumericTensor, NN_NumericTensor,
    [Commutative, DeclareOpInterfaceMethods<NN_VJPOpInterface>]> {
  let summary = "elementwise min(x, y), broadcasting";
  let description = [{
    `%z = nn.minimum %x, %y : tensor<4xf32>, tensor<4xf32> -> tensor<4xf32>`
    (where x == y each gets half the gradient, as torch.minimum)
  }];
}

def NN_ComparePredicateAttr : I64EnumAttr<"ComparePredicate",
    "comparison predicate", [
      I64EnumAttrCase<"eq", 0>, I64EnumAttrCase<"ne", 1>,
      I64EnumAttrCase<"lt", 2>, I64EnumAttrCase<"le", 3>,
      I64EnumAttrCase<"gt", 4>, I64EnumAttrCase<"ge", 5>]> {
  let cppNamespace = "::nnc::nn";
}

def NN_CompareOp : NN_Op<"compare", [Pure, NN_NotDifferentiable,
                                      AllElementTypesMatch<["lhs", "rhs"]>]> {
  let summary = "x == y, !=, <, <=, >, >=, broadcasting, giving bool";
  let description = [{
    `%m = nn.compare gt, %x, %z
        : tensor<?x10xf32>, tensor<f32> -> tensor<?x10xi1>`
  }];
  let arguments = (ins NN_ComparePredicateAttr:$predicate, NN_AnyTensor:$lhs,
                       NN_AnyTensor:$rhs);
  let results = (outs NN_BoolTensor:$result);
  let assemblyFormat = [{
    $predicate `,` $lhs `,` $rhs attr-dict `:` type($lhs) `,` type($rhs) `->`
    type($result)
  }];
  let builders = [
    OpBuilder<(ins "ComparePredicate":$predicate, "::mlir::Value":$lhs,
                   "::mlir::Value":$rhs), [{
      build($_builder, $_state,
            inferBroadcastType(lhs.getType(), rhs.getType(),
                               $_builder.getI1Type()),
            predicate, lhs, rhs);
    }]>
  ];
  let hasVerifier = 1;
}

def NN_WhereOp : NN_Op<"where", [Pure,
    AllElementTypesMatch<["on_true", "on_false", "result"]>,
    DeclareOpInterfaceMethods<NN_VJPOpInterface>]> {
  let summary = "mask ? a : b elementwise, broadcasting all three";
  let description = [{
    `%y = nn.where %m, %x, %z
        : tensor<?x10xi1>, tensor<?x10xf32>, tensor<f32> -> tensor<?x10xf32>`
    (no gradient flows into the mask)
  }];
  let arguments = (ins NN_BoolTensor:$mask, NN_AnyTensor:$on_true,
                       NN_AnyTensor:$on_false);
  let results = (outs NN_AnyTensor:$result);
  let assemblyFormat = [{
    $mask `,` $on_true `,` $on_false attr-dict `:` type($mask) `,`
    type($on_true) `,` type($on_false) `->` type($result)
  }];
  let hasVerifier = 1;
}

def NN_AndOp : NN_BinaryOp<"and", NN_BoolTensor, NN_BoolTensor,
                           [Commutative, NN_NotDifferentiable]> {
  let summary = "a && b on bool tensors, broadcasting";
  let description = [{
    `%m = nn.and %a, %b : tensor<?x10xi1>, tensor<?x10xi1> -> tensor<?x10xi1>`
  }];
}
def NN_OrOp : NN_BinaryOp<"or", NN_BoolTensor, NN_BoolTensor,
                          [Commutative, NN_NotDifferentiable]> {
  let summary = "a || b on bool tensors, broadcasting";
  let description = [{
    `%m = nn.or %a, %b : tensor<?x10xi1>, tensor<?x10xi1> -> tensor<?x10xi1>`
  }];
}
def NN_NotOp : NN_UnaryOp<"not", NN_BoolTensor, [NN_NotDifferentiable]> {
  let summary = "!a on a bool tensor";
  let description = "`%m = nn.not %a : tensor<?x10xi1>`";
}

//===----------------------------------------------------------------------===//
// Linear algebra
//===----------------------------------------------------------------------===//

def NN_MatmulOp : NN_Op<"matmul", [Pure, SameOperandsAndResultElementType,
    DeclareOpInterfaceMethods<NN_VJPOpInterface>]> {
  let summary = "x @ w, batched over broadcast leading dims (1-d as NumPy)";
  let description = [{
    `%y = nn.matmul %x, %w
        : tensor<?x784xf32>, tensor<784x128xf32> -> tensor<?x128xf32>`
  }];
  let arguments = (ins NN_FloatTensor:$lhs, NN_FloatTensor:$rhs);
  let results = (outs NN_FloatTensor:$result);
  let assemblyFormat = [{
    $lhs `,` $rhs attr-dict `:` type($lhs) `,` type($rhs) `->` type($result)
  }];
  let builders = [
    OpBuilder<(ins "::mlir::Value":$lhs, "::mlir::Value":$rhs), [{
      build($_builder, $_state,
            inferMatmulType(lhs.getType(), rhs.getType()), lhs, rhs);
    }]>
  ];
  let hasVerifier = 1;
}

def NN_TransposeOp : NN_Op<"transpose", [Pure,
    SameOperandsAndResultElementType, DeclareOpInterfaceMethods<NN_VJPOpInterface>]> {
  let summary = "permutes the axes: result dim i is input dim perm[i]";
  let description = [{
    `%y = nn.transpose %x, [1, 0] : tensor<?x10xf32> -> tensor<10x?xf32>`
  }];
  let arguments = (ins NN_AnyTensor:$input, DenseI64ArrayAttr:$perm);
  let results = (outs NN_AnyTensor:$result);
  let assemblyFormat = [{
    $input `,` $perm attr-dict `:` type($input) `->` type($result)
  }];
  let hasVerifier = 1;
}

//===----------------------------------------------------------------------===//
// Reductions
//===----------------------------------------------------------------------===//

def NN_SumOp : NN_ReduceOp<"sum", NN_NumericTensor,
    [DeclareOpInterfaceMethods<NN_VJPOpInterface>]> {
  let summary = "sum over axes";
  let description = [{
    `%s = nn.sum %x axes = [1] : tensor<?x10xf32> -> tensor<?xf32>`
  }];
}
def NN_MeanOp : NN_ReduceOp<"mean", NN_FloatTensor,
    [DeclareOpInterfaceMethods<NN_VJPOpInterface>]> {
  let summary = "mean over axes";
  let description = [{
    `%s = nn.mean %x axes = [] : tensor<?x10xf32> -> tensor<f32>`
  }];
}
def NN_MaxOp : NN_ReduceOp<"max", NN_NumericTensor,
    [DeclareOpInterfaceMethods<NN_VJPOpInterface>]> {
  let summary = "maximum over axes";
  let description = [{
    `%s = nn.max %x axes = [-1] keepdim : tensor<?x10xf32> -> tensor<?x1xf32>`
    (the gradient is split evenly among tied maxima, as torch.amax)
  }];
}
def NN_MinOp : NN_ReduceOp<"min", NN_NumericTensor,
    [DeclareOpInterfaceMethods<NN_VJPOpInterface>]> {
  let summary = "minimum over axes";
  let description = [{
    `%s = nn.min %x axes = [0] : tensor<?x10xf32> -> tensor<10xf32>`
    (the gradient is split evenly among tied minima, as torch.amin)
  }];
}
def NN_LogSumExpOp : NN_ReduceOp<"logsumexp", NN_FloatTensor,
    [DeclareOpInterfaceMethods<NN_VJPOpInterface>]> {
  let summary = "log(sum(exp(x))) over axes, computed stably";
  let description = [{
    `%s = nn.logsumexp %x axes = [1] : tensor<?x10xf32> -> tensor<?xf32>`
  }];
}

def NN_ArgmaxOp : NN_Op<"argmax", [Pure, NN_NotDifferentiable]> {
  let summary = "index of the first maximum along one axis, as i32";
  let description = [{
    `%i = nn.argmax %x axis = -1 : tensor<?x10xf32> -> tensor<?xi32>`
  }];
  let arguments = (ins NN_NumericTensor:$input,
                       DefaultValuedAttr<NN_I64Attr, "-1">:$axis,
                       UnitAttr:$keepdim);
  let results = (outs NN_IndexTensor:$result);
  let assemblyFormat = [{
    $input `axis` `=` $axis (`keepdim` $keepdim^)? attr-dict `:`
    type($input) `->` type($result)
  }];
  let extraClassDeclaration = [{
    /// `axis` in [0, rank).
    int64_t getNormalizedAxis() {
      return normalizedAxis(getAxis(), getInput().getType().getRank());
    }
  }];
  let hasVerifier = 1;
}

//===----------------------------------------------------------------------===//
// Neural
//===----------------------------------------------------------------------===//

def NN_Conv2dOp : NN_Op<"conv2d", [Pure, SameOperandsAndResultElementType,
    DeclareOpInterfaceMethods<NN_VJPOpInterface>]> {
  let summary = "2-d convolution (cross-correlation), NCHW input, OIHW weight";
  let description = [{
    `%y = nn.conv2d %x, %w {padding = 2
        : i64} : tensor<?x1x28x28xf32>, tensor<6x1x5x5xf32>
        -> tensor<?x6x28x28xf32>`
  }];
  let arguments = (ins NN_FloatTensor:$input, NN_FloatTensor:$weight,
                       DefaultValuedAttr<NN_I64Attr, "1">:$stride,
                       DefaultValuedAttr<NN_I64Attr, "0">:$padding,
                       DefaultValuedAttr<NN_I64Attr, "1">:$dilation,
                       DefaultValuedAttr<NN_I64Attr, "1">:$groups);
  let results = (outs NN_FloatTensor:$result);
  let assemblyFormat = [{
    $input `,` $weight attr-dict `:` type($input) `,` type($weight) `->`
    type($result)
  }];
  let hasVerifier = 1;
}

def NN_MaxPool2dOp : NN_PoolOp<"max_pool2d",
    [DeclareOpInterfaceMethods<NN_VJPOpInterface>]> {
  let summary = "maximum over each window (padding counts as -inf)";
  let description = [{
    `%y = nn.max_pool2d %x {kernel = 2
        : i64, stride = 2 : i64} : tensor<?x6x28x28xf32>
        -> tensor<?x6x14x14xf32>`
    (a window's gradient goes to its first maximum in row-major order, as
    PyTorch's)
  }];
}
def NN_AvgPool2dOp : NN_PoolOp<"avg_pool2d",
    [DeclareOpInterfaceMethods<NN_VJPOpInterface>]> {
  let summary = "mean over each window (padding counts as 0)";
  let description = [{
    `%y = nn.avg_pool2d %x {kernel = 2
        : i64, stride = 2 : i64} : tensor<?x6x28x28xf32>
        -> tensor<?x6x14x14xf32>`
  }];
}

def NN_SoftmaxOp : NN_AxisOp<"softmax",
    [DeclareOpInterfaceMethods<NN_VJPOpInterface>]> {
  let summary = "exp(x) / sum(exp(x)) along axis, computed stably";
  let description = "`%y = nn.softmax %x axis = -1 : tensor<?x10xf32>`";
}
def NN_LogSoftmaxOp : NN_AxisOp<"log_softmax",
    [DeclareOpInterfaceMethods<NN_VJPOpInterface>]> {
  let summary = "x - logsumexp(x) along axis";
  let description = "`%y = nn.log_softmax %x axis = -1 : tensor<?x10xf32>`";
}

def NN_EmbeddingOp : NN_Op<"embedding", [Pure,
    AllElementTypesMatch<["table", "result"]>,
    DeclareOpInterfaceMethods<NN_VJPOpInterface>]> {
  let summary = "rows of table[V, D] picked by integer ids[...]: [..., D]";
  let description = [{
    `%e = nn.embedding %t, %ids
        : tensor<1000x64xf32>, tensor<?x16xi32> -> tensor<?x16x64xf32>`
  }];
  let arguments = (ins NN_FloatTensor:$table, NN_IntTensor:$ids);
  let results = (outs NN_FloatTensor:$result);
  let assemblyFormat = [{
    $table `,` $ids attr-dict `:` type($table) `,` type($ids) `->`
    type($result)
  }];
  let hasVerifier = 1;
}

def NN_DropoutOp : NN_Op<"dropout", [NN_Random, SameOperandsAndResultType,
    DeclareOpInterfaceMethods<NN_VJPOpInterface>]> {
  let summary = "zeroes elements with probability p, scales others by 1/(1-p)";
  let description = [{
    `%y = nn.dropout %x {p = 5.000000e-01
        : f64, seed_offset = 0 : i64} : tensor<?x128xf32>`
    (MLIRGen emits it only in training: it is the identity otherwise)
  }];
  let arguments = (ins NN_FloatTensor:$input, F64Attr:$p,
                       NN_I64Attr:$seed_offset);
  let results = (outs NN_FloatTensor:$result);
  let assemblyFormat = "$input attr-dict `:` type($input)";
  let hasVerifier = 1;
}

def NN_BatchNormOp : NN_Op<"batch_norm", [Pure,
    AllTypesMatch<["input", "result"]>,
    AllElementTypesMatch<["input", "mean", "var"]>,
    DeclareOpInterfaceMethods<NN_VJPOpInterface>]> {
  let summary = "(x - mean) / sqrt(var + eps) per channel (axis 1)";
  let description = [{
    `%y = nn.batch_norm %x, %mu, %var {eps = 1.000000e-05
        : f64} : tensor<?x6x28x28xf32>, tensor<6xf32>, tensor<6xf32>`
  }];
  let arguments = (ins NN_FloatTensor:$input, NN_FloatTensor:$mean,
                       NN_FloatTensor:$var,
                       DefaultValuedAttr<F64Attr, "1e-5">:$eps);
  let results = (outs NN_FloatTensor:$result);
  let assemblyFormat = [{
    $input `,` $mean `,` $var attr-dict `:` type($input) `,` type($mean) `,`
    type($var)
  }];
  let hasVerifier = 1;
}

def NN_LayerNormOp : NN_Op<"layer_norm", [Pure, SameOperandsAndResultType,
    DeclareOpInterfaceMethods<NN_VJPOpInterface>]> {
  let summary = "(x - mean) / sqrt(var + eps) over the last axis";
  let description = [{
    `%y = nn.layer_norm %x {eps = 1.000000e-05 : f64} : tensor<?x16x64xf32>`
  }];
  let arguments = (ins NN_FloatTensor:$input,
                       DefaultValuedAttr<F64Attr, "1e-5">:$eps);
  let results = (outs NN_FloatTensor:$result);
  let assemblyFormat = "$input attr-dict `:` type($input)";
  let hasVerifier = 1;
}

def NN_CrossEntropyOp : NN_Op<"cross_entropy", [Pure,
    AllElementTypesMatch<["logits", "result"]>, DeclareOpInterfaceMethods<NN_VJPOpInterface>]> {
  let summary = "mean over the batch of -log softmax(logits)[label], fused";
  let description = [{
    `%l = nn.cross_entropy %logits, %y
        : tensor<?x10xf32>, tensor<?xi32> -> tensor<f32>`
  }];
  let arguments = (ins NN_FloatTensor:$logits, NN_IntTensor:$labels,
                       DefaultValuedAttr<F64Attr, "0.0">:$label_smoothing);
  let results = (outs NN_FloatTensor:$result);
  let assemblyFormat = [{
    $logits `,` $labels attr-dict `:` type($logits) `,` type($labels) `->`
    type($result)
  }];
  let hasVerifier = 1;
}

include "nnc/Dialect/NN/NNShapeOps.td"

#endif // NNC_DIALECT_NN_NNOPS_TD
