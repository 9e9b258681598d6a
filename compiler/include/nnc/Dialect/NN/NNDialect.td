//===- NNDialect.td - The nn dialect and op families -------*- tablegen -*-===//
//
// The dialect, the tensor type constraints its ops use, its traits and the
// op family classes (unary and binary elementwise, reductions, ...) that
// NNOps.td instantiates, so that most ops are one line there.
//
//===----------------------------------------------------------------------===//

#ifndef NNC_DIALECT_NN_NNDIALECT_TD
#define NNC_DIALECT_NN_NNDIALECT_TD

include "mlir/IR/OpBase.td"
include "mlir/Interfaces/InferTypeOpInterface.td"
include "mlir/Interfaces/SideEffectInterfaces.td"

def NN_Dialect : Dialect {
  let name = "nn";
  let cppNamespace = "::nnc::nn";
  let summary = "High-level tensor ops of the .nn language";
  let description = [{
    One op per primitive of the `.nn` language (LANGUAGE.md, "Primitive
    operations") on ranked tensors: static dims, plus dynamic ones (`?`) where
    the language has a symbolic size such as the batch `B`. Mnemonics are the
    language's builtin names, attributes its keyword arguments. Every
    verifier calls the shape rule that Sema uses (nnc/Shape/Shape.h), so
    compile-time checks and IR verification agree.
  }];
}

//===----------------------------------------------------------------------===//
// Types: the language's element types on ranked tensors
//===----------------------------------------------------------------------===//

// `f16 bf16 f32 f64`.
def NN_FloatTensor : RankedTensorOf<[F16, BF16, F32, F64]> {
  let summary = "float tensor (f16, bf16, f32 or f64)";
}
// `i32 i64`.
def NN_IntTensor : RankedTensorOf<[I32, I64]> {
  let summary = "integer tensor (i32 or i64)";
}
// Everything arithmetic works on: floats and integers, not bool.
def NN_NumericTensor : RankedTensorOf<[F16, BF16, F32, F64, I32, I64]> {
  let summary = "numeric tensor (f16, bf16, f32, f64, i32 or i64)";
}
// `bool` is i1.
def NN_BoolTensor : RankedTensorOf<[I1]> {
  let summary = "bool tensor (i1)";
}
// Any element type of the language.
def NN_AnyTensor : RankedTensorOf<[F16, BF16, F32, F64, I32, I64, I1]> {
  let summary = "tensor of a language element type";
}
// argmax's indices.
def NN_IndexTensor : RankedTensorOf<[I32]> {
  let summary = "i32 tensor";
}

// An i64 attribute whose getter returns int64_t: I64Attr's returns uint64_t,
// which would turn the language's negative axes into huge numbers.
def NN_I64Attr : TypedSignlessIntegerAttrBase<I64, "int64_t",
                                              "64-bit integer attribute"> {
  let convertFromStorage = "$_self.getValue().getSExtValue()";
}

//===----------------------------------------------------------------------===//
// Traits and resources
//===----------------------------------------------------------------------===//

// An op that has no gradient (comparisons, argmax, constructors): written down
// so that autodiff stops there rather than assuming a missing rule.
def NN_NotDifferentiable : NativeOpTrait<"NotDifferentiable"> {
  let cppNamespace = "::nnc::nn";
}

// The counter-based random state that the random ops and dropout advance.
// Reading and writing it keeps these ops from being hoisted, merged or folded.
def NN_RNGState : Resource<"::nnc::nn::RNGStateResource">;
def NN_Random : MemoryEffects<[MemRead<NN_RNGState>, MemWrite<NN_RNGState>]>;

//===----------------------------------------------------------------------===//
// Op families
//===----------------------------------------------------------------------===//

class NN_Op<string mnemonic, list<Trait> traits = []> :
    Op<NN_Dialect, mnemonic, traits>;

// A family's ops share a verifier: `let hasVerifier = 1` and an
// extraClassDefinition calling the family's C++ function, declared in
// lib/Dialect/NN/NNVerify.h.

// `%y = nn.relu %x : tensor<?x10xf32>`: elementwise, same type in and out.
class NN_UnaryOp<string mnemonic, Type type = NN_FloatTensor,
                 list<Trait> traits = []> :
    NN_Op<mnemonic, !listconcat([Pure, SameOperandsAndResultType], traits)> {
  let arguments = (ins type:$input);
  let results = (outs type:$result);
  let assemblyFormat = "$input attr-dict `:` type($input)";
}

// `%z = nn.add %x, %y : tensor<?x10xf32>, tensor<10xf32> -> tensor<?x10xf32>`:
// elementwise with NumPy broadcasting of the operands.
class NN_BinaryOp<string mnemonic, Type type = NN_NumericTensor,
                  Type resultType = type, list<Trait> traits = []> :
    NN_Op<mnemonic,
          !listconcat([Pure, SameOperandsAndResultElementType], traits)> {
  let arguments = (ins type:$lhs, type:$rhs);
  let results = (outs resultType:$result);
  let assemblyFormat = [{
    $lhs `,` $rhs attr-dict `:` type($lhs) `,` type($rhs) `->` type($result)
  }];
  // The result type: the broadcast shape, the operands' element type.
  let builders = [
    OpBuilder<(ins "::mlir::Value":$lhs, "::mlir::Value":$rhs), [{
      build($_builder, $_state,
            inferBroadcastType(lhs.getType(), rhs.getType()), lhs, rhs);
    }]>
  ];
  let hasVerifier = 1;
  let extraClassDefinition = [{
    ::mlir::LogicalResult $cppClass::verify() {
      return verifyBroadcastOp(*this);
    }
  }];
}

// `%s = nn.sum %x axes = [1] keepdim : tensor<?x10xf32> -> tensor<?x1xf32>`:
// a reduction over `axes` (empty: all of them; a negative axis counts from
// the end), which `keepdim` keeps as size 1.
class NN_ReduceOp<string mnemonic, Type type = NN_NumericTensor,
                  list<Trait> traits = []> :
    NN_Op<mnemonic,
          !listconcat([Pure, SameOperandsAndResultElementType], traits)> {
  let arguments = (ins type:$input, DenseI64ArrayAttr:$axes,
                       UnitAttr:$keepdim);
  let results = (outs type:$result);
  let assemblyFormat = [{
    $input `axes` `=` $axes (`keepdim` $keepdim^)? attr-dict `:` type($input)
    `->` type($result)
  }];
  let extraClassDeclaration = [{
    /// The reduced axes in [0, rank), ascending; all axes when `axes` is empty.
    ::llvm::SmallVector<int64_t> getReducedAxes() {
      return reducedAxes(getAxes(), getInput().getType().getRank());
    }
  }];
  let hasVerifier = 1;
  let extraClassDefinition = [{
    ::mlir::LogicalResult $cppClass::verify() {
      return verifyReduceOp(*this, getAxes(), getKeepdim());
    }
  }];
}

// `%y = nn.softmax %x axis = -1 : tensor<?x10xf32>`: a float op along one
// axis (negative: from the end) that keeps its input's type.
class NN_AxisOp<string mnemonic, list<Trait> traits = []> :
    NN_Op<mnemonic, !listconcat([Pure, SameOperandsAndResultType], traits)> {
  let arguments = (ins NN_FloatTensor:$input,
                       DefaultValuedAttr<NN_I64Attr, "-1">:$axis);
  let results = (outs NN_FloatTensor:$result);
  let assemblyFormat = "$input `axis` `=` $axis attr-dict `:` type($input)";
  let extraClassDeclaration = [{
    /// `axis` in [0, rank).
    int64_t getNormalizedAxis() {
      return normalizedAxis(getAxis(), getInput().getType().getRank());
    }
  }];
  let hasVerifier = 1;
  let extraClassDefinition = [{
    ::mlir::LogicalResult $cppClass::verify() {
      return verifyAxisOp(*this, getAxis());
    }
  }];
}

// `%y = nn.max_pool2d %x {kernel = 2, stride = 2} : ... -> ...`: a `kernel`
// x `kernel` window over NCHW, `padding` on each side.
class NN_PoolOp<string mnemonic, list<Trait> traits = []> :
    NN_Op<mnemonic,
          !listconcat([Pure, SameOperandsAndResultElementType], traits)> {
  let arguments = (ins NN_FloatTensor:$input, NN_I64Attr:$kernel,
                       NN_I64Attr:$stride,
                       DefaultValuedAttr<NN_I64Attr, "0">:$padding);
  let results = (outs NN_FloatTensor:$result);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($result)";
  let hasVerifier = 1;
  let extraClassDefinition = [{
    ::mlir::LogicalResult $cppClass::verify() {
      return verifyPoolOp(*this, getKernel(), getStride(), getPadding());
    }
  }];
}

// `%r = nn.normal [%b] {seed_offset = 3} : tensor<?x64xf32>`: a constructor
// with `attrs`; one index operand per dynamic dim of the result gives its
// size, as for tensor.empty.
class NN_ConstructorOp<string mnemonic, Type type, dag attrs,
                       list<Trait> traits = []> :
    NN_Op<mnemonic, !listconcat([NN_NotDifferentiable], traits)> {
  let arguments = !con((ins Variadic<Index>:$dynamic_sizes), attrs);
  let results = (outs type:$result);
  let assemblyFormat = [{
    (` ` `[` $dynamic_sizes^ `]`)? attr-dict `:` type($result)
  }];
  // Each constructor checks its sizes and attributes in its own verifier.
  let hasVerifier = 1;
}

#endif // NNC_DIALECT_NN_NNDIALECT_TD
