//===- NNOpsTest.cpp - Tests of the nn ops' C++ API -----------------------===//
//
// The builders that infer result types (what VJP rules and MLIRGen call),
// the axis helpers the lowerings use, and the effects that keep random ops
// in place. Expected types are derived by hand (NumPy semantics).
//
//===----------------------------------------------------------------------===//

#include "nnc/Dialect/NN/NNOps.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/Verifier.h"

#include <gtest/gtest.h>

using namespace mlir;
using namespace nnc::nn;

namespace {

/// A module whose body receives the ops under test, fed by block arguments.
class NNOpsTest : public ::testing::Test {
protected:
  NNOpsTest() : b(&ctx) {
    ctx.loadDialect<NNDialect>();
    module = ModuleOp::create(b.getUnknownLoc());
    b.setInsertionPointToEnd(module.getBody());
  }
  ~NNOpsTest() override { module->erase(); }

  /// `tensor<dims x f32>` (kDynamic for `?`).
  RankedTensorType type(ArrayRef<int64_t> dims) {
    return RankedTensorType::get(dims, b.getF32Type());
  }
  /// A value of type `tensor<dims x f32>`: a new argument of the body.
  Value tensor(ArrayRef<int64_t> dims) {
    return module.getBody()->addArgument(type(dims), loc);
  }
  std::string str(Type t) {
    std::string s;
    llvm::raw_string_ostream os(s);
    os << t;
    return s;
  }

  MLIRContext ctx;
  OpBuilder b;
  ModuleOp module;
  Location loc = UnknownLoc::get(&ctx);
  static constexpr int64_t dyn = ShapedType::kDynamic;
};

TEST_F(NNOpsTest, BinaryBuilderInfersBroadcastType) {
  auto mul = b.create<MulOp>(loc, tensor({dyn, 10}), tensor({10}));
  EXPECT_EQ(str(mul.getType()), "tensor<?x10xf32>");
  EXPECT_TRUE(succeeded(verify(mul)));
  auto add = b.create<AddOp>(loc, tensor({4, 1}), tensor({3}));
  EXPECT_EQ(str(add.getType()), "tensor<4x3xf32>");
}

TEST_F(NNOpsTest, CompareBuilderGivesBool) {
  auto cmp = b.create<CompareOp>(loc, ComparePredicate::gt, tensor({dyn, 10}),
                                 tensor({}));
  EXPECT_EQ(str(cmp.getType()), "tensor<?x10xi1>");
  EXPECT_EQ(stringifyComparePredicate(cmp.getPredicate()), "gt");
}

TEST_F(NNOpsTest, MatmulBuilderInfersType) {
  auto mm = b.create<MatmulOp>(loc, tensor({dyn, 784}), tensor({784, 128}));
  EXPECT_EQ(str(mm.getType()), "tensor<?x128xf32>");
  auto batched =
      b.create<MatmulOp>(loc, tensor({dyn, 4, 16, 8}), tensor({4, 8, 16}));
  EXPECT_EQ(str(batched.getType()), "tensor<?x4x16x16xf32>");
}

TEST_F(NNOpsTest, UnaryBuilderKeepsType) {
  auto sig = b.create<SigmoidOp>(loc, tensor({dyn, 10}));
  EXPECT_EQ(str(sig.getType()), "tensor<?x10xf32>");
}

TEST_F(NNOpsTest, DefaultAttributesAndAxes) {
  Value x = tensor({dyn, 10});
  auto softmax = b.create<SoftmaxOp>(loc, x);
  EXPECT_EQ(softmax.getAxis(), -1);
  EXPECT_EQ(softmax.getNormalizedAxis(), 1);
  auto sum = b.create<SumOp>(loc, type({}), x, ArrayRef<int64_t>{},
                             /*keepdim=*/false);
  EXPECT_EQ(sum.getReducedAxes(), (SmallVector<int64_t>{0, 1}));
  auto max = b.create<MaxOp>(loc, type({dyn, 1}), x, ArrayRef<int64_t>{-1},
                             /*keepdim=*/true);
  EXPECT_EQ(max.getReducedAxes(), (SmallVector<int64_t>{1}));
  auto conv =
      b.create<Conv2dOp>(loc, type({dyn, 6, 24, 24}), tensor({dyn, 1, 28, 28}),
                         tensor({6, 1, 5, 5}));
  EXPECT_EQ(conv.getStride(), 1);
  EXPECT_EQ(conv.getGroups(), 1);
  EXPECT_TRUE(succeeded(verify(conv)));
}

TEST_F(NNOpsTest, RandomOpsAreNotPure) {
  auto normal =
      b.create<NormalOp>(loc, type({4}), ValueRange{}, b.getF64FloatAttr(1.0),
                         b.getI64IntegerAttr(0));
  EXPECT_FALSE(isMemoryEffectFree(normal));
  EXPECT_TRUE(normal->hasTrait<NotDifferentiable>());
  auto relu = b.create<ReluOp>(loc, tensor({4}));
  EXPECT_TRUE(isMemoryEffectFree(relu));
  EXPECT_FALSE(relu->hasTrait<NotDifferentiable>());
}

TEST_F(NNOpsTest, ShapeConversions) {
  auto type = RankedTensorType::get({dyn, 784}, b.getF32Type());
  nnc::shape::Shape s = toShape(type);
  ASSERT_EQ(s.size(), 2u);
  EXPECT_TRUE(s[0].isUnknown());
  EXPECT_EQ(s[1].value(), 784);
  EXPECT_EQ(toTensorType(s, b.getF32Type()), type);
}

} // namespace
