//===- ShapeTest.cpp - Tests of the shape rules ---------------------------===//
//
// Unit tests of nnc::shape: dim arithmetic, unification, broadcasting and the
// shape rule of each primitive op, including the exact wording of every
// error. Expected shapes are derived by hand (NumPy / PyTorch semantics).
//
//===----------------------------------------------------------------------===//

#include "nnc/Shape/Shape.h"

#include <gtest/gtest.h>

#include <ostream>

namespace nnc::shape {
/// Lets GoogleTest print dims (and so shapes) in failure messages.
void PrintTo(const Dim &d, std::ostream *os) {
  static const char *kinds[] = {"known", "symbol", "expr", "unknown"};
  *os << kinds[static_cast<int>(d.kind())] << " " << d.str();
}
} // namespace nnc::shape

using namespace nnc::shape;

namespace {

Dim kn(int64_t v) { return Dim::known(v); }
Dim sym(const char *name) { return Dim::symbol(name); }
Dim ex(const char *text) { return Dim::expr(text); }
Dim unk() { return Dim::unknown(); }

/// The inferred shape; a failure to infer one fails the test.
Shape shapeOf(const ShapeResult &r) {
  EXPECT_TRUE(r) << "unexpected error: " << r.error;
  return r ? *r.shape : Shape{kn(-999)};
}

/// The error message; an inferred shape fails the test.
std::string errorOf(const ShapeResult &r) {
  EXPECT_FALSE(r) << "unexpectedly inferred " << shapeStr(*r.shape);
  return r.error;
}

ShapePattern pattern(Shape dims, bool ellipsis = false) {
  ShapePattern p;
  p.hasEllipsis = ellipsis;
  p.dims = std::move(dims);
  return p;
}

IndexItem index(std::optional<int64_t> i) {
  IndexItem item;
  item.kind = IndexItem::Kind::Index;
  item.start = i;
  return item;
}

IndexItem slice(std::optional<int64_t> start = std::nullopt,
                std::optional<int64_t> stop = std::nullopt, int64_t step = 1) {
  IndexItem item;
  item.kind = IndexItem::Kind::Slice;
  item.start = start;
  item.stop = stop;
  item.step = step;
  return item;
}

IndexItem newAxis() {
  IndexItem item;
  item.kind = IndexItem::Kind::NewAxis;
  return item;
}

IndexItem ellipsis() {
  IndexItem item;
  item.kind = IndexItem::Kind::Ellipsis;
  return item;
}

} // namespace

//===----------------------------------------------------------------------===//
// Dims
//===----------------------------------------------------------------------===//

TEST(ShapeDim, Str) {
  EXPECT_EQ(kn(784).str(), "784");
  EXPECT_EQ(sym("B").str(), "B");
  EXPECT_EQ(ex("4*hidden").str(), "4*hidden");
  EXPECT_EQ(unk().str(), "?");
}

TEST(ShapeDim, Compatible) {
  EXPECT_TRUE(kn(3).compatible(kn(3)));
  EXPECT_FALSE(kn(3).compatible(kn(4)));
  EXPECT_TRUE(sym("B").compatible(sym("B")));
  EXPECT_FALSE(sym("B").compatible(sym("C")));
  EXPECT_FALSE(sym("B").compatible(kn(3)));
  EXPECT_TRUE(unk().compatible(kn(3)));
  EXPECT_TRUE(sym("B").compatible(unk()));
  EXPECT_TRUE(ex("2*H").compatible(kn(5)));
  EXPECT_TRUE(kn(5).compatible(ex("2*H")));
}

TEST(ShapeDimArith, FoldsKnowns) {
  EXPECT_EQ(addDims(kn(2), kn(3)), kn(5));
  EXPECT_EQ(subDims(kn(2), kn(3)), kn(-1));
  EXPECT_EQ(mulDims(kn(4), kn(6)), kn(24));
  EXPECT_EQ(divDims(kn(7), kn(2)), kn(3));
  EXPECT_EQ(divDims(kn(-7), kn(2)), kn(-4)); // floor, not truncation
  EXPECT_EQ(modDims(kn(-7), kn(2)), kn(1));
  EXPECT_EQ(modDims(kn(7), kn(3)), kn(1));
  EXPECT_EQ(divDims(kn(7), kn(0)), unk());
  EXPECT_EQ(modDims(kn(7), kn(0)), unk());
  EXPECT_EQ(divDims(sym("B"), kn(0)), unk());
}

TEST(ShapeDimArith, BuildsExpressions) {
  EXPECT_EQ(mulDims(kn(4), sym("hidden")), ex("4*hidden"));
  EXPECT_EQ(mulDims(sym("hidden"), kn(4)), ex("4*hidden"));
  EXPECT_EQ(addDims(sym("H"), kn(2)), ex("H+2"));
  EXPECT_EQ(addDims(kn(2), sym("H")), ex("H+2"));
  EXPECT_EQ(divDims(addDims(sym("H"), kn(2)), kn(2)), ex("(H+2)/2"));
  EXPECT_EQ(addDims(sym("H"), kn(-1)), ex("H-1"));
  EXPECT_EQ(subDims(sym("H"), kn(1)), ex("H-1"));
  EXPECT_EQ(subDims(sym("H"), addDims(sym("T"), kn(1))), ex("H-(T+1)"));
  EXPECT_EQ(mulDims(addDims(sym("H"), kn(1)), sym("W")), ex("(H+1)*W"));
  EXPECT_EQ(divDims(sym("B"), mulDims(kn(2), sym("T"))), ex("B/(2*T)"));
  EXPECT_EQ(mulDims(divDims(sym("B"), kn(2)), sym("T")), ex("B/2*T"));
  EXPECT_EQ(modDims(sym("T"), kn(4)), ex("T%4"));
  EXPECT_EQ(subDims(kn(0), sym("B")), ex("-B"));
}

TEST(ShapeDimArith, Simplifies) {
  EXPECT_EQ(mulDims(sym("B"), kn(1)), sym("B"));
  EXPECT_EQ(mulDims(kn(1), sym("B")), sym("B"));
  EXPECT_EQ(mulDims(sym("B"), kn(0)), kn(0));
  EXPECT_EQ(addDims(sym("B"), kn(0)), sym("B"));
  EXPECT_EQ(subDims(sym("B"), kn(0)), sym("B"));
  EXPECT_EQ(subDims(sym("B"), sym("B")), kn(0));
  EXPECT_EQ(divDims(sym("B"), kn(1)), sym("B"));
  EXPECT_EQ(modDims(sym("B"), kn(1)), kn(0));
  EXPECT_EQ(addDims(unk(), kn(3)), unk());
  EXPECT_EQ(mulDims(sym("B"), unk()), unk());
}

TEST(ShapeStr, ShapesAndPatterns) {
  EXPECT_EQ(shapeStr({sym("B"), kn(784)}), "[B, 784]");
  EXPECT_EQ(shapeStr({}), "[]");
  EXPECT_EQ(pattern({sym("inp")}, true).str(), "[..., inp]");
  EXPECT_EQ(pattern({}, true).str(), "[...]");
  EXPECT_EQ(pattern({sym("B"), kn(784)}).str(), "[B, 784]");
}

TEST(ShapeNumElements, KnownAndSymbolic) {
  EXPECT_EQ(numElements({kn(4), kn(6)}), kn(24));
  EXPECT_EQ(numElements({}), kn(1));
  EXPECT_EQ(numElements({sym("B"), kn(1), kn(28), kn(28)}), ex("784*B"));
  EXPECT_EQ(numElements({sym("B"), sym("T")}), ex("B*T"));
  EXPECT_EQ(numElements({sym("B"), unk()}), unk());
  EXPECT_EQ(numElements({unk(), kn(0)}), kn(0));
}

TEST(ShapeNormalizeAxis, Range) {
  EXPECT_EQ(normalizeAxis(0, 2), 0);
  EXPECT_EQ(normalizeAxis(-1, 2), 1);
  EXPECT_EQ(normalizeAxis(-2, 2), 0);
  EXPECT_EQ(normalizeAxis(2, 2), std::nullopt);
  EXPECT_EQ(normalizeAxis(-3, 2), std::nullopt);
  EXPECT_EQ(normalizeAxis(0, 0), std::nullopt);
}

//===----------------------------------------------------------------------===//
// Unification and substitution
//===----------------------------------------------------------------------===//

TEST(ShapeUnify, BindsSymbols) {
  Bindings b;
  EXPECT_EQ(unify(pattern({sym("B"), kn(784)}), {kn(32), kn(784)}, b), "");
  ASSERT_EQ(b.symbols.count("B"), 1u);
  EXPECT_EQ(b.symbols.at("B"), kn(32));
  EXPECT_FALSE(b.ellipsis.has_value());
}

TEST(ShapeUnify, RankMismatch) {
  Bindings b;
  EXPECT_EQ(unify(pattern({sym("B"), kn(784)}), {kn(4), kn(28), kn(28)}, b),
            "expected rank 2 [B, 784], found rank 3 [4, 28, 28]");
  EXPECT_EQ(unify(pattern({}), {kn(3)}, b),
            "expected rank 0 [], found rank 1 [3]");
}

TEST(ShapeUnify, KnownDimMismatch) {
  Bindings b;
  EXPECT_EQ(unify(pattern({sym("B"), kn(784)}), {kn(32), kn(100)}, b),
            "dimension 1 differs: expected 784, found 100");
}

TEST(ShapeUnify, BoundSymbolNamesItself) {
  Bindings b;
  b.symbols.emplace("inp", kn(784));
  EXPECT_EQ(unify(pattern({sym("B"), sym("inp")}), {kn(4), kn(100)}, b),
            "dimension 1 differs: expected 784 (inp), found 100");
}

TEST(ShapeUnify, RepeatedSymbolMustAgree) {
  Bindings b;
  EXPECT_EQ(unify(pattern({sym("B"), sym("B")}), {kn(3), kn(4)}, b),
            "dimension 1 differs: expected 3 (B), found 4");
  Bindings ok;
  EXPECT_EQ(unify(pattern({sym("B"), sym("B")}), {kn(3), kn(3)}, ok), "");
  EXPECT_EQ(ok.symbols.at("B"), kn(3));
}

TEST(ShapeUnify, SymbolConsistentAcrossArguments) {
  Bindings b;
  ASSERT_EQ(unify(pattern({sym("B"), kn(784)}), {kn(32), kn(784)}, b), "");
  EXPECT_EQ(unify(pattern({sym("B")}), {kn(16)}, b),
            "dimension 0 differs: expected 32 (B), found 16");
  EXPECT_EQ(unify(pattern({sym("B")}), {kn(32)}, b), "");
}

TEST(ShapeUnify, FailureLeavesBindingsUntouched) {
  Bindings b;
  EXPECT_NE(unify(pattern({sym("B"), kn(784)}), {kn(32), kn(100)}, b), "");
  EXPECT_TRUE(b.symbols.empty());
}

TEST(ShapeUnify, SymbolicActual) {
  Bindings b;
  EXPECT_EQ(unify(pattern({sym("B"), kn(784)}), {sym("N"), kn(784)}, b), "");
  EXPECT_EQ(b.symbols.at("B"), sym("N"));
  // A known pattern dim does not accept a different symbol.
  EXPECT_EQ(unify(pattern({kn(784)}), {sym("M")}, b),
            "dimension 0 differs: expected 784, found M");
  // Unknown and expression actuals may be anything.
  EXPECT_EQ(unify(pattern({kn(784), kn(10)}), {unk(), ex("2*H")}, b), "");
}

TEST(ShapeUnify, ExprAndUnknownPatternsAcceptAnything) {
  Bindings b;
  EXPECT_EQ(unify(pattern({ex("4*hidden"), unk()}), {kn(7), sym("T")}, b), "");
  EXPECT_TRUE(b.symbols.empty());
}

TEST(ShapeUnify, UnknownBindingIsRefined) {
  Bindings b;
  ASSERT_EQ(unify(pattern({sym("B")}), {unk()}, b), "");
  ASSERT_EQ(unify(pattern({sym("B")}), {kn(8)}, b), "");
  EXPECT_EQ(b.symbols.at("B"), kn(8));
  EXPECT_EQ(unify(pattern({sym("B")}), {kn(9)}, b),
            "dimension 0 differs: expected 8 (B), found 9");
}

TEST(ShapeUnify, EllipsisBindsLeadingDims) {
  Bindings b;
  EXPECT_EQ(unify(pattern({sym("inp")}, true), {kn(4), kn(5), kn(10)}, b), "");
  ASSERT_TRUE(b.ellipsis.has_value());
  EXPECT_EQ(*b.ellipsis, Shape({kn(4), kn(5)}));
  EXPECT_EQ(b.symbols.at("inp"), kn(10));
}

TEST(ShapeUnify, EllipsisMayBeEmpty) {
  Bindings b;
  EXPECT_EQ(unify(pattern({sym("inp")}, true), {kn(10)}, b), "");
  ASSERT_TRUE(b.ellipsis.has_value());
  EXPECT_TRUE(b.ellipsis->empty());
  EXPECT_EQ(unify(pattern({}, true), {kn(2), kn(3)}, b),
            "dimensions matched by '...' differ: expected [], found [2, 3]");
}

TEST(ShapeUnify, EllipsisNeedsEnoughDims) {
  Bindings b;
  EXPECT_EQ(unify(pattern({sym("a"), sym("b")}, true), {kn(3)}, b),
            "expected rank at least 2 [..., a, b], found rank 1 [3]");
}

TEST(ShapeUnify, EllipsisMustAgreeAcrossArguments) {
  Bindings b;
  ASSERT_EQ(unify(pattern({kn(3)}, true), {sym("B"), kn(5), kn(3)}, b), "");
  EXPECT_EQ(unify(pattern({}, true), {sym("B"), kn(6)}, b),
            "dimensions matched by '...' differ: expected [B, 5], found "
            "[B, 6]");
  EXPECT_EQ(unify(pattern({}, true), {sym("B")}, b),
            "dimensions matched by '...' differ: expected [B, 5], found [B]");
  EXPECT_EQ(unify(pattern({kn(7)}, true), {sym("B"), kn(5), kn(7)}, b), "");
}

TEST(ShapeSubstitute, ReplacesBindings) {
  Bindings b;
  b.symbols.emplace("out", kn(10));
  b.ellipsis = Shape{sym("B"), kn(4)};
  EXPECT_EQ(substitute(pattern({sym("out"), sym("hidden")}, true), b),
            Shape({sym("B"), kn(4), kn(10), sym("hidden")}));
  EXPECT_EQ(substitute(pattern({sym("out")}), b), Shape({kn(10)}));
}

TEST(ShapeSubstitute, EvaluatesExpressions) {
  Bindings b;
  b.symbols.emplace("H", kn(6));
  b.symbols.emplace("T", sym("S"));
  EXPECT_EQ(substitute(pattern({ex("2*H"), ex("(H + 2)/2"), ex("T-1"),
                                ex("4 * hidden")}),
                       b),
            Shape({kn(12), kn(4), ex("S-1"), ex("4 * hidden")}));
}

//===----------------------------------------------------------------------===//
// Broadcasting
//===----------------------------------------------------------------------===//

TEST(ShapeBroadcast, SameShape) {
  EXPECT_EQ(shapeOf(broadcast({sym("B"), kn(10)}, {sym("B"), kn(10)})),
            Shape({sym("B"), kn(10)}));
}

TEST(ShapeBroadcast, OnesStretch) {
  EXPECT_EQ(shapeOf(broadcast({sym("B"), kn(1), kn(5)}, {kn(3), kn(1)})),
            Shape({sym("B"), kn(3), kn(5)}));
  EXPECT_EQ(shapeOf(broadcast({kn(1)}, {sym("B")})), Shape({sym("B")}));
}

TEST(ShapeBroadcast, RanksAlignRight) {
  EXPECT_EQ(shapeOf(broadcast({kn(5)}, {sym("B"), kn(10), kn(5)})),
            Shape({sym("B"), kn(10), kn(5)}));
  EXPECT_EQ(shapeOf(broadcast({}, {sym("B"), kn(3)})),
            Shape({sym("B"), kn(3)}));
  EXPECT_EQ(shapeOf(broadcast({}, {})), Shape());
}

TEST(ShapeBroadcast, Mismatch) {
  EXPECT_EQ(errorOf(broadcast({sym("B"), kn(10)}, {kn(5)})),
            "cannot broadcast [B, 10] with [5]");
}

TEST(ShapeBroadcast, SymbolsMustMatch) {
  EXPECT_EQ(errorOf(broadcast({sym("B"), kn(10)}, {sym("C"), kn(10)})),
            "cannot broadcast [B, 10] with [C, 10]");
  EXPECT_EQ(errorOf(broadcast({sym("B")}, {kn(3)})),
            "cannot broadcast [B] with [3]");
  EXPECT_EQ(shapeOf(broadcast({sym("B"), kn(1)}, {kn(1), sym("T")})),
            Shape({sym("B"), sym("T")}));
}

TEST(ShapeBroadcast, UnknownAndExprYield) {
  EXPECT_EQ(shapeOf(broadcast({unk(), kn(4)}, {sym("B"), kn(4)})),
            Shape({sym("B"), kn(4)}));
  EXPECT_EQ(shapeOf(broadcast({ex("2*H")}, {kn(6)})), Shape({kn(6)}));
  EXPECT_EQ(shapeOf(broadcast({sym("T")}, {ex("2*H")})), Shape({sym("T")}));
  EXPECT_EQ(shapeOf(broadcast({kn(1)}, {unk()})), Shape({unk()}));
  EXPECT_EQ(shapeOf(broadcast({ex("2*H")}, {kn(1)})), Shape({ex("2*H")}));
}

//===----------------------------------------------------------------------===//
// Linear algebra and reductions
//===----------------------------------------------------------------------===//

TEST(ShapeMatmul, Matrices) {
  EXPECT_EQ(shapeOf(inferMatmul({sym("B"), kn(784)}, {kn(784), kn(128)})),
            Shape({sym("B"), kn(128)}));
  EXPECT_EQ(shapeOf(inferMatmul({sym("B"), sym("T")}, {sym("T"), sym("D")})),
            Shape({sym("B"), sym("D")}));
}

TEST(ShapeMatmul, InnerDimensionsDiffer) {
  EXPECT_EQ(errorOf(inferMatmul({sym("B"), kn(784)}, {kn(128), kn(10)})),
            "inner dimensions differ: 784 vs 128");
  EXPECT_EQ(errorOf(inferMatmul({sym("B"), sym("T")}, {sym("S"), kn(4)})),
            "inner dimensions differ: T vs S");
  EXPECT_EQ(errorOf(inferMatmul({kn(3)}, {kn(4)})),
            "inner dimensions differ: 3 vs 4");
}

TEST(ShapeMatmul, Vectors) {
  EXPECT_EQ(shapeOf(inferMatmul({kn(3)}, {kn(3)})), Shape());
  EXPECT_EQ(shapeOf(inferMatmul({kn(3)}, {kn(3), kn(4)})), Shape({kn(4)}));
  EXPECT_EQ(shapeOf(inferMatmul({kn(2), kn(3)}, {kn(3)})), Shape({kn(2)}));
  EXPECT_EQ(shapeOf(inferMatmul({sym("B"), kn(2), kn(3)}, {kn(3)})),
            Shape({sym("B"), kn(2)}));
  EXPECT_EQ(shapeOf(inferMatmul({kn(3)}, {sym("B"), kn(3), kn(4)})),
            Shape({sym("B"), kn(4)}));
}

TEST(ShapeMatmul, BatchBroadcast) {
  EXPECT_EQ(
      shapeOf(inferMatmul({kn(2), kn(1), kn(3), kn(4)}, {kn(5), kn(4), kn(6)})),
      Shape({kn(2), kn(5), kn(3), kn(6)}));
  EXPECT_EQ(
      shapeOf(inferMatmul({sym("B"), sym("T"), kn(64)}, {kn(64), kn(10)})),
      Shape({sym("B"), sym("T"), kn(10)}));
  EXPECT_EQ(errorOf(inferMatmul({kn(4), kn(2), kn(3)}, {kn(5), kn(3), kn(2)})),
            "cannot broadcast batch dimensions [4] with [5]");
}

TEST(ShapeMatmul, Scalars) {
  EXPECT_EQ(errorOf(inferMatmul({}, {kn(3)})),
            "matmul needs operands of rank >= 1, found []");
  EXPECT_EQ(errorOf(inferMatmul({kn(3)}, {})),
            "matmul needs operands of rank >= 1, found []");
}

TEST(ShapeTranspose, Permutes) {
  Shape x = {sym("B"), sym("T"), kn(64)};
  EXPECT_EQ(shapeOf(inferTranspose(x, {2, 0, 1})),
            Shape({kn(64), sym("B"), sym("T")}));
  EXPECT_EQ(shapeOf(inferTranspose(x, {0, -1, 1})),
            Shape({sym("B"), kn(64), sym("T")}));
}

TEST(ShapeTranspose, Errors) {
  Shape x = {sym("B"), sym("T"), kn(64)};
  EXPECT_EQ(errorOf(inferTranspose(x, {1, 0})),
            "permutation [1, 0] has 2 axes, expected 3 for [B, T, 64]");
  EXPECT_EQ(errorOf(inferTranspose(x, {0, 1, 1})), "axis 1 is repeated");
  EXPECT_EQ(errorOf(inferTranspose(x, {0, 2, -1})),
            "axis -1 is repeated (as 2)");
  EXPECT_EQ(errorOf(inferTranspose(x, {0, 1, 3})),
            "axis 3 is out of range for rank 3 [B, T, 64]");
}

TEST(ShapeSwapLastTwo, Swaps) {
  EXPECT_EQ(shapeOf(inferSwapLastTwo({sym("B"), kn(3), kn(4)})),
            Shape({sym("B"), kn(4), kn(3)}));
  EXPECT_EQ(errorOf(inferSwapLastTwo({kn(10)})),
            "x.T needs rank >= 2, found rank 1 [10]");
}

TEST(ShapeReduce, Axes) {
  Shape x = {sym("B"), kn(10)};
  EXPECT_EQ(shapeOf(inferReduce(x, {}, false)), Shape());
  EXPECT_EQ(shapeOf(inferReduce(x, {}, true)), Shape({kn(1), kn(1)}));
  EXPECT_EQ(shapeOf(inferReduce(x, {-1}, false)), Shape({sym("B")}));
  EXPECT_EQ(shapeOf(inferReduce(x, {1}, true)), Shape({sym("B"), kn(1)}));
  EXPECT_EQ(shapeOf(inferReduce(x, {0, 1}, false)), Shape());
  EXPECT_EQ(shapeOf(inferReduce({kn(2), kn(3), kn(4)}, {0, 2}, false)),
            Shape({kn(3)}));
}

TEST(ShapeReduce, Errors) {
  Shape x = {sym("B"), kn(10)};
  EXPECT_EQ(errorOf(inferReduce(x, {2}, false)),
            "axis 2 is out of range for rank 2 [B, 10]");
  EXPECT_EQ(errorOf(inferReduce(x, {-3}, false)),
            "axis -3 is out of range for rank 2 [B, 10]");
  EXPECT_EQ(errorOf(inferReduce(x, {1, -1}, false)),
            "axis -1 is repeated (as 1)");
}

//===----------------------------------------------------------------------===//
// Convolution and pooling
//===----------------------------------------------------------------------===//

TEST(ShapeConv2d, KnownSizes) {
  Shape x = {sym("B"), kn(1), kn(28), kn(28)};
  Shape w = {kn(6), kn(1), kn(5), kn(5)};
  EXPECT_EQ(shapeOf(inferConv2d(x, w, 1, 0, 1, 1)),
            Shape({sym("B"), kn(6), kn(24), kn(24)}));
  EXPECT_EQ(shapeOf(inferConv2d(x, w, 1, 2, 1, 1)),
            Shape({sym("B"), kn(6), kn(28), kn(28)}));
  // (28 - 2*(3-1) - 1)/2 + 1 = 12
  EXPECT_EQ(shapeOf(inferConv2d(x, {kn(6), kn(1), kn(3), kn(3)}, 2, 0, 2, 1)),
            Shape({sym("B"), kn(6), kn(12), kn(12)}));
  // Height (32 + 2 - 3)/2 + 1 = 16; a 1-wide kernel: (32 + 2 - 1)/2 + 1 = 17.
  EXPECT_EQ(shapeOf(inferConv2d({kn(1), kn(3), kn(32), kn(32)},
                                {kn(8), kn(3), kn(3), kn(1)}, 2, 1, 1, 1)),
            Shape({kn(1), kn(8), kn(16), kn(17)}));
}

TEST(ShapeConv2d, SymbolicSpatialDims) {
  Shape x = {sym("N"), kn(3), sym("H"), sym("W")};
  Shape w = {kn(8), kn(3), kn(3), kn(3)};
  // floor((H + 2 - 3)/2) + 1 = floor((H + 1)/2)
  EXPECT_EQ(shapeOf(inferConv2d(x, w, 2, 1, 1, 1)),
            Shape({sym("N"), kn(8), ex("(H+1)/2"), ex("(W+1)/2")}));
  EXPECT_EQ(shapeOf(inferConv2d(x, w, 1, 1, 1, 1)),
            Shape({sym("N"), kn(8), sym("H"), sym("W")}));
  EXPECT_EQ(shapeOf(inferConv2d(x, w, 1, 0, 1, 1)),
            Shape({sym("N"), kn(8), ex("H-2"), ex("W-2")}));
}

TEST(ShapeConv2d, Channels) {
  Shape x = {kn(1), kn(3), kn(8), kn(8)};
  EXPECT_EQ(errorOf(inferConv2d(x, {kn(4), kn(1), kn(3), kn(3)}, 1, 0, 1, 1)),
            "input channels differ: input has 3, weight expects 1");
  EXPECT_EQ(errorOf(inferConv2d(x, {kn(4), kn(1), kn(3), kn(3)}, 1, 0, 1, 3)),
            "output channels 4 are not divisible by groups=3");
  EXPECT_EQ(shapeOf(inferConv2d(x, {kn(6), kn(1), kn(3), kn(3)}, 1, 0, 1, 3)),
            Shape({kn(1), kn(6), kn(6), kn(6)}));
  Shape x4 = {kn(1), kn(4), kn(8), kn(8)};
  EXPECT_EQ(errorOf(inferConv2d(x4, {kn(4), kn(1), kn(3), kn(3)}, 1, 0, 1, 2)),
            "input channels differ: input has 4, weight expects 2 (1 per "
            "group, groups=2)");
  EXPECT_EQ(errorOf(inferConv2d(x4, {kn(4), kn(4), kn(3), kn(3)}, 1, 0, 1, 0)),
            "groups must be at least 1, found 0");
}

TEST(ShapeConv2d, EmptyOutput) {
  EXPECT_EQ(errorOf(inferConv2d({kn(1), kn(1), kn(3), kn(3)},
                                {kn(1), kn(1), kn(5), kn(5)}, 1, 0, 1, 1)),
            "output would be empty: padded height 3 is smaller than kernel 5");
  EXPECT_EQ(errorOf(inferConv2d({kn(1), kn(1), kn(9), kn(4)},
                                {kn(1), kn(1), kn(3), kn(3)}, 1, 0, 2, 1)),
            "output would be empty: padded width 4 is smaller than dilated "
            "kernel 5");
  // Padding makes room: (3 + 2*1 - 5)/1 + 1 = 1.
  EXPECT_EQ(shapeOf(inferConv2d({kn(1), kn(1), kn(3), kn(3)},
                                {kn(1), kn(1), kn(5), kn(5)}, 1, 1, 1, 1)),
            Shape({kn(1), kn(1), kn(1), kn(1)}));
}

TEST(ShapeConv2d, BadOperands) {
  Shape w = {kn(6), kn(1), kn(5), kn(5)};
  EXPECT_EQ(errorOf(inferConv2d({kn(1), kn(28), kn(28)}, w, 1, 0, 1, 1)),
            "conv2d input must have rank 4 [N, C, H, W], found rank 3 "
            "[1, 28, 28]");
  EXPECT_EQ(errorOf(inferConv2d({kn(1), kn(1), kn(28), kn(28)}, {kn(6), kn(25)},
                                1, 0, 1, 1)),
            "conv2d weight must have rank 4 [O, C/groups, kh, kw], found "
            "rank 2 [6, 25]");
  EXPECT_EQ(errorOf(inferConv2d({kn(1), kn(1), kn(28), kn(28)}, w, 0, 0, 1, 1)),
            "stride must be at least 1, found 0");
  EXPECT_EQ(
      errorOf(inferConv2d({kn(1), kn(1), kn(28), kn(28)}, w, 1, -1, 1, 1)),
      "padding must be non-negative, found -1");
}

TEST(ShapePool2d, Sizes) {
  EXPECT_EQ(shapeOf(inferPool2d({sym("B"), kn(6), kn(24), kn(24)}, 2, 2, 0)),
            Shape({sym("B"), kn(6), kn(12), kn(12)}));
  // (7 + 2 - 3)/2 + 1 = 4
  EXPECT_EQ(shapeOf(inferPool2d({kn(1), kn(1), kn(7), kn(7)}, 3, 2, 1)),
            Shape({kn(1), kn(1), kn(4), kn(4)}));
  // floor((H - 2)/2) + 1 = floor(H/2)
  EXPECT_EQ(
      shapeOf(inferPool2d({sym("B"), sym("C"), sym("H"), kn(5)}, 2, 2, 0)),
      Shape({sym("B"), sym("C"), ex("H/2"), kn(2)}));
}

TEST(ShapePool2d, Errors) {
  EXPECT_EQ(errorOf(inferPool2d({kn(1), kn(1), kn(2), kn(2)}, 3, 3, 0)),
            "output would be empty: padded height 2 is smaller than kernel 3");
  EXPECT_EQ(errorOf(inferPool2d({kn(6), kn(24)}, 2, 2, 0)),
            "pooling input must have rank 4 [N, C, H, W], found rank 2 "
            "[6, 24]");
  EXPECT_EQ(errorOf(inferPool2d({kn(1), kn(1), kn(4), kn(4)}, 0, 1, 0)),
            "kernel size must be at least 1, found 0");
}

//===----------------------------------------------------------------------===//
// Reshaping
//===----------------------------------------------------------------------===//

TEST(ShapeReshape, KnownSizes) {
  EXPECT_EQ(shapeOf(inferReshape({kn(4), kn(6)}, {kn(3), kn(8)})),
            Shape({kn(3), kn(8)}));
  EXPECT_EQ(shapeOf(inferReshape({kn(4), kn(6)}, {kn(2), kn(-1)})),
            Shape({kn(2), kn(12)}));
  EXPECT_EQ(shapeOf(inferReshape({kn(4), kn(6)}, {kn(-1)})), Shape({kn(24)}));
  EXPECT_EQ(shapeOf(inferReshape({kn(0), kn(6)}, {kn(-1), kn(3)})),
            Shape({kn(0), kn(3)}));
}

TEST(ShapeReshape, CountMismatch) {
  EXPECT_EQ(errorOf(inferReshape({kn(4), kn(6)}, {kn(5), kn(-1)})),
            "cannot reshape [4, 6] (24 elements) to [5, -1]");
  EXPECT_EQ(errorOf(inferReshape({kn(4), kn(6)}, {kn(5), kn(5)})),
            "cannot reshape [4, 6] (24 elements) to [5, 5] (25 elements)");
  EXPECT_EQ(errorOf(inferReshape({kn(4), kn(6)}, {kn(0), kn(-1)})),
            "cannot reshape [4, 6] (24 elements) to [0, -1]");
}

TEST(ShapeReshape, BadTargets) {
  EXPECT_EQ(errorOf(inferReshape({kn(4), kn(6)}, {kn(-1), kn(-1)})),
            "reshape target [-1, -1] has more than one -1");
  EXPECT_EQ(errorOf(inferReshape({kn(4), kn(6)}, {kn(-2), kn(12)})),
            "invalid dimension -2 in reshape target [-2, 12]");
}

TEST(ShapeReshape, SymbolicInference) {
  EXPECT_EQ(shapeOf(inferReshape({sym("B"), kn(1), kn(28), kn(28)},
                                 {sym("B"), kn(-1)})),
            Shape({sym("B"), kn(784)}));
  EXPECT_EQ(
      shapeOf(inferReshape({sym("B"), kn(784)}, {kn(-1), kn(28), kn(28)})),
      Shape({sym("B"), kn(28), kn(28)}));
  EXPECT_EQ(
      shapeOf(inferReshape({sym("B"), sym("T"), kn(64)}, {kn(-1), kn(64)})),
      Shape({ex("B*T"), kn(64)}));
  EXPECT_EQ(shapeOf(inferReshape({sym("B"), sym("T"), kn(64)},
                                 {sym("B"), sym("T"), kn(8), kn(-1)})),
            Shape({sym("B"), sym("T"), kn(8), kn(8)}));
}

TEST(ShapeReshape, SymbolicUndetermined) {
  EXPECT_EQ(shapeOf(inferReshape({sym("B"), kn(6)}, {kn(4), kn(-1)})),
            Shape({kn(4), ex("6*B/4")}));
  EXPECT_EQ(shapeOf(inferReshape({sym("B"), kn(784)}, {sym("C"), kn(-1)})),
            Shape({sym("C"), ex("784*B/C")}));
  EXPECT_EQ(shapeOf(inferReshape({unk(), kn(4)}, {kn(2), kn(-1)})),
            Shape({kn(2), unk()}));
  // Not decidable at compile time, so accepted.
  EXPECT_EQ(shapeOf(inferReshape({sym("B"), kn(4)}, {sym("C"), kn(4)})),
            Shape({sym("C"), kn(4)}));
}

TEST(ShapeReshape, SymbolicCountMismatch) {
  EXPECT_EQ(
      errorOf(inferReshape({sym("B"), kn(784)}, {sym("B"), kn(27), kn(28)})),
      "cannot reshape [B, 784] (784*B elements) to [B, 27, 28] "
      "(756*B elements)");
  EXPECT_EQ(
      errorOf(inferReshape({sym("B"), kn(10)}, {sym("B"), kn(3), kn(-1)})),
      "cannot reshape [B, 10] (10*B elements) to [B, 3, -1]");
}

TEST(ShapeFlatten, Shapes) {
  EXPECT_EQ(shapeOf(inferFlatten({sym("B"), kn(1), kn(28), kn(28)})),
            Shape({sym("B"), kn(784)}));
  EXPECT_EQ(shapeOf(inferFlatten({kn(5)})), Shape({kn(5), kn(1)}));
  EXPECT_EQ(shapeOf(inferFlatten({sym("B"), sym("T"), sym("D")})),
            Shape({sym("B"), ex("T*D")}));
  EXPECT_EQ(errorOf(inferFlatten({})), "flatten needs rank >= 1, found []");
}

TEST(ShapeConcat, Shapes) {
  EXPECT_EQ(shapeOf(inferConcat({{sym("B"), kn(3)}, {sym("B"), kn(5)}}, 1)),
            Shape({sym("B"), kn(8)}));
  EXPECT_EQ(shapeOf(inferConcat(
                {{sym("B"), kn(3)}, {sym("B"), kn(5)}, {sym("B"), kn(1)}}, -1)),
            Shape({sym("B"), kn(9)}));
  EXPECT_EQ(
      shapeOf(inferConcat({{sym("B"), sym("T")}, {sym("B"), sym("S")}}, 1)),
      Shape({sym("B"), ex("T+S")}));
  EXPECT_EQ(shapeOf(inferConcat({{unk(), kn(2)}, {kn(4), kn(2)}}, 1)),
            Shape({kn(4), kn(4)}));
}

TEST(ShapeConcat, Errors) {
  EXPECT_EQ(errorOf(inferConcat({{sym("B"), kn(3)}, {kn(4), kn(5)}}, 1)),
            "concat operand 1 differs in dimension 0: expected B, found 4");
  EXPECT_EQ(errorOf(inferConcat({{sym("B"), kn(3)}, {kn(5)}}, 0)),
            "concat operand 1 has rank 1 [5], expected rank 2 [B, 3]");
  EXPECT_EQ(errorOf(inferConcat({{sym("B"), kn(3)}}, 2)),
            "axis 2 is out of range for rank 2 [B, 3]");
  EXPECT_EQ(errorOf(inferConcat({}, 0)), "concat needs at least one tensor");
}

TEST(ShapeSplit, Parts) {
  EXPECT_EQ(shapeOf(inferSplitPart({sym("B"), kn(12)}, 3, 1)),
            Shape({sym("B"), kn(4)}));
  EXPECT_EQ(shapeOf(inferSplitPart({sym("B"), sym("H")}, 2, -1)),
            Shape({sym("B"), ex("H/2")}));
  EXPECT_EQ(errorOf(inferSplitPart({sym("B"), kn(10)}, 3, 1)),
            "cannot split dimension 1 of size 10 into 3 equal parts");
  EXPECT_EQ(errorOf(inferSplitPart({sym("B"), kn(10)}, 0, 1)),
            "split needs at least 1 part, found 0");
  EXPECT_EQ(errorOf(inferSplitPart({sym("B"), kn(10)}, 2, 2)),
            "axis 2 is out of range for rank 2 [B, 10]");
}

TEST(ShapeStack, Shapes) {
  std::vector<Shape> xs(3, Shape{sym("B"), kn(3)});
  EXPECT_EQ(shapeOf(inferStack(xs, 0)), Shape({kn(3), sym("B"), kn(3)}));
  EXPECT_EQ(shapeOf(inferStack(xs, -1)), Shape({sym("B"), kn(3), kn(3)}));
  EXPECT_EQ(shapeOf(inferStack(xs, 2)), Shape({sym("B"), kn(3), kn(3)}));
  EXPECT_EQ(errorOf(inferStack(xs, 3)),
            "new axis 3 is out of range for rank 2 [B, 3]");
  EXPECT_EQ(errorOf(inferStack({{sym("B"), kn(3)}, {sym("B"), kn(4)}}, 0)),
            "stack operand 1 differs in dimension 1: expected 3, found 4");
}

TEST(ShapeSqueeze, Axes) {
  EXPECT_EQ(shapeOf(inferSqueeze({sym("B"), kn(1), kn(5)}, 1)),
            Shape({sym("B"), kn(5)}));
  EXPECT_EQ(shapeOf(inferSqueeze({sym("B"), kn(1)}, -1)), Shape({sym("B")}));
  EXPECT_EQ(shapeOf(inferSqueeze({sym("B"), kn(5)}, 0)), Shape({kn(5)}));
  EXPECT_EQ(errorOf(inferSqueeze({sym("B"), kn(3)}, 1)),
            "cannot squeeze axis 1 of size 3");
  EXPECT_EQ(errorOf(inferSqueeze({sym("B"), kn(3)}, 2)),
            "axis 2 is out of range for rank 2 [B, 3]");
}

TEST(ShapeUnsqueeze, Axes) {
  Shape x = {sym("B"), kn(5)};
  EXPECT_EQ(shapeOf(inferUnsqueeze(x, 0)), Shape({kn(1), sym("B"), kn(5)}));
  EXPECT_EQ(shapeOf(inferUnsqueeze(x, 2)), Shape({sym("B"), kn(5), kn(1)}));
  EXPECT_EQ(shapeOf(inferUnsqueeze(x, -1)), Shape({sym("B"), kn(5), kn(1)}));
  EXPECT_EQ(shapeOf(inferUnsqueeze(x, -3)), Shape({kn(1), sym("B"), kn(5)}));
  EXPECT_EQ(errorOf(inferUnsqueeze(x, 3)),
            "new axis 3 is out of range for rank 2 [B, 5]");
  EXPECT_EQ(shapeOf(inferUnsqueeze({}, 0)), Shape({kn(1)}));
}

TEST(ShapeBroadcastTo, Targets) {
  EXPECT_EQ(shapeOf(inferBroadcastTo({kn(1), kn(5)}, {sym("B"), kn(3), kn(5)})),
            Shape({sym("B"), kn(3), kn(5)}));
  EXPECT_EQ(shapeOf(inferBroadcastTo({}, {sym("B")})), Shape({sym("B")}));
  EXPECT_EQ(shapeOf(inferBroadcastTo({kn(5)}, {unk()})), Shape({kn(5)}));
  EXPECT_EQ(errorOf(inferBroadcastTo({sym("B"), kn(10)}, {sym("B"), kn(5)})),
            "cannot broadcast [B, 10] to [B, 5]");
  EXPECT_EQ(errorOf(inferBroadcastTo({kn(2), kn(5)}, {kn(5)})),
            "cannot broadcast [2, 5] to [5]");
  // Broadcasting stretches only the source: [5] does not become [1].
  EXPECT_EQ(errorOf(inferBroadcastTo({kn(5)}, {kn(1)})),
            "cannot broadcast [5] to [1]");
}

TEST(ShapeEmbedding, Shapes) {
  EXPECT_EQ(shapeOf(inferEmbedding({kn(1000), kn(64)}, {sym("B"), sym("T")})),
            Shape({sym("B"), sym("T"), kn(64)}));
  EXPECT_EQ(shapeOf(inferEmbedding({sym("V"), sym("D")}, {})),
            Shape({sym("D")}));
  EXPECT_EQ(errorOf(inferEmbedding({kn(1000)}, {sym("B")})),
            "embedding table must have rank 2 [V, D], found rank 1 [1000]");
}

TEST(ShapeCrossEntropy, Shapes) {
  EXPECT_EQ(shapeOf(inferCrossEntropy({sym("B"), kn(10)}, {sym("B")})),
            Shape());
  EXPECT_EQ(errorOf(inferCrossEntropy({kn(32), kn(10)}, {kn(16)})),
            "batch sizes differ: logits have 32, labels have 16");
  EXPECT_EQ(errorOf(inferCrossEntropy({kn(32)}, {kn(32)})),
            "cross_entropy logits must have rank 2 [B, C], found rank 1 [32]");
  EXPECT_EQ(errorOf(inferCrossEntropy({kn(32), kn(10)}, {kn(32), kn(1)})),
            "cross_entropy labels must have rank 1 [B], found rank 2 "
            "[32, 1]");
}

//===----------------------------------------------------------------------===//
// Indexing
//===----------------------------------------------------------------------===//

TEST(ShapeIndex, IndicesDropAxes) {
  Shape x = {sym("B"), sym("T"), kn(64)};
  // x[:, t, :] with a loop variable t
  EXPECT_EQ(shapeOf(inferIndex(x, {slice(), index(std::nullopt), slice()})),
            Shape({sym("B"), kn(64)}));
  EXPECT_EQ(shapeOf(inferIndex(x, {index(0)})), Shape({sym("T"), kn(64)}));
  EXPECT_EQ(shapeOf(inferIndex({kn(10)}, {index(-10)})), Shape());
}

TEST(ShapeIndex, EllipsisAndNewAxis) {
  // x[..., 0:10]
  EXPECT_EQ(shapeOf(inferIndex({sym("B"), sym("T"), kn(20)},
                               {ellipsis(), slice(0, 10)})),
            Shape({sym("B"), sym("T"), kn(10)}));
  // b[None, :]
  EXPECT_EQ(shapeOf(inferIndex({kn(10)}, {newAxis(), slice()})),
            Shape({kn(1), kn(10)}));
  EXPECT_EQ(shapeOf(inferIndex({sym("B"), kn(3)},
                               {newAxis(), ellipsis(), newAxis()})),
            Shape({kn(1), sym("B"), kn(3), kn(1)}));
  EXPECT_EQ(
      shapeOf(inferIndex({sym("B"), kn(3)}, {ellipsis(), index(0), index(1)})),
      Shape());
  EXPECT_EQ(
      shapeOf(inferIndex({sym("B"), kn(3), kn(4)}, {index(0), ellipsis()})),
      Shape({kn(3), kn(4)}));
}

TEST(ShapeIndex, Errors) {
  Shape x = {sym("B"), kn(10)};
  EXPECT_EQ(errorOf(inferIndex(x, {index(0), index(1), index(2)})),
            "too many indices for [B, 10]: 3");
  EXPECT_EQ(errorOf(inferIndex(x, {slice(), index(10)})),
            "index 10 is out of range for dimension of size 10");
  EXPECT_EQ(errorOf(inferIndex(x, {slice(), index(-11)})),
            "index -11 is out of range for dimension of size 10");
  EXPECT_EQ(errorOf(inferIndex(x, {ellipsis(), ellipsis()})),
            "an index can have only one '...'");
  EXPECT_EQ(errorOf(inferIndex(x, {slice(std::nullopt, std::nullopt, 0)})),
            "slice step must be positive, found 0");
  EXPECT_EQ(errorOf(inferIndex(x, {slice(std::nullopt, std::nullopt, -1)})),
            "slice step must be positive, found -1");
  // An index into a symbolic dim cannot be checked.
  EXPECT_EQ(shapeOf(inferIndex(x, {index(100)})), Shape({kn(10)}));
}

TEST(ShapeIndex, KnownSlicesClampLikePython) {
  Shape x = {kn(10)};
  EXPECT_EQ(shapeOf(inferIndex(x, {slice(2, 100)})), Shape({kn(8)}));
  EXPECT_EQ(shapeOf(inferIndex(x, {slice(-3)})), Shape({kn(3)}));
  EXPECT_EQ(shapeOf(inferIndex(x, {slice(std::nullopt, -1)})), Shape({kn(9)}));
  EXPECT_EQ(shapeOf(inferIndex(x, {slice(5, 2)})), Shape({kn(0)}));
  EXPECT_EQ(shapeOf(inferIndex(x, {slice(-100, 3)})), Shape({kn(3)}));
  EXPECT_EQ(shapeOf(inferIndex(x, {slice(20)})), Shape({kn(0)}));
  // range(0, 10, 3) = 0 3 6 9; range(1, 8, 2) = 1 3 5 7
  EXPECT_EQ(shapeOf(inferIndex(x, {slice(std::nullopt, std::nullopt, 3)})),
            Shape({kn(4)}));
  EXPECT_EQ(shapeOf(inferIndex(x, {slice(1, 8, 2)})), Shape({kn(4)}));
}

TEST(ShapeIndex, SymbolicSlices) {
  Shape x = {sym("B")};
  EXPECT_EQ(shapeOf(inferIndex(x, {slice()})), Shape({sym("B")}));
  EXPECT_EQ(shapeOf(inferIndex(x, {slice(2, 5)})), Shape({kn(3)}));
  EXPECT_EQ(shapeOf(inferIndex(x, {slice(std::nullopt, 5)})), Shape({kn(5)}));
  EXPECT_EQ(shapeOf(inferIndex(x, {slice(1)})), Shape({ex("B-1")}));
  EXPECT_EQ(shapeOf(inferIndex(x, {slice(std::nullopt, -1)})),
            Shape({ex("B-1")}));
  EXPECT_EQ(shapeOf(inferIndex(x, {slice(1, -1)})), Shape({ex("B-2")}));
  EXPECT_EQ(shapeOf(inferIndex(x, {slice(-3)})), Shape({kn(3)}));
  EXPECT_EQ(shapeOf(inferIndex(x, {slice(-3, -1)})), Shape({kn(2)}));
  EXPECT_EQ(shapeOf(inferIndex(x, {slice(std::nullopt, std::nullopt, 2)})),
            Shape({ex("(B+1)/2")}));
  EXPECT_EQ(shapeOf(inferIndex(x, {slice(1, 7, 2)})), Shape({kn(3)}));
  EXPECT_EQ(shapeOf(inferIndex(x, {slice(-3, 5)})), Shape({unk()}));
  EXPECT_EQ(shapeOf(inferIndex({unk()}, {slice(1)})), Shape({unk()}));
}
