//===- Shape.h - Tensor shapes with symbolic dimensions ---------*- C++ -*-===//
//
// Dimensions, shapes, unification of a signature's shape pattern against an
// actual shape, NumPy broadcasting, and the shape rule of every primitive op.
// Plain C++ with no MLIR dependency: Sema and (later) the nn op verifiers
// both call these rules, so compile-time checks and IR verification agree.
//
//===----------------------------------------------------------------------===//

#ifndef NNC_SHAPE_SHAPE_H
#define NNC_SHAPE_SHAPE_H

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace nnc::shape {

/// One dimension of a shape: a known integer, a symbolic name bound by
/// unification (`B`, `hidden`), a symbolic expression over such names
/// (`4*hidden`, `(H+2)/2`), or unknown (matches anything).
class Dim {
public:
  enum class Kind { Known, Symbol, Expr, Unknown };

  static Dim known(int64_t v) { return Dim(Kind::Known, v, {}); }
  static Dim symbol(std::string name) { return Dim(Kind::Symbol, 0, std::move(name)); }
  static Dim expr(std::string text) { return Dim(Kind::Expr, 0, std::move(text)); }
  static Dim unknown() { return Dim(Kind::Unknown, 0, {}); }

  Kind kind() const { return k; }
  bool isKnown() const { return k == Kind::Known; }
  bool isSymbol() const { return k == Kind::Symbol; }
  bool isExpr() const { return k == Kind::Expr; }
  bool isUnknown() const { return k == Kind::Unknown; }
  int64_t value() const { return v; }
  /// The symbol's name or the expression's text.
  const std::string &name() const { return n; }

  /// Exact identity: same kind and same value/name.
  bool operator==(const Dim &o) const { return k == o.k && v == o.v && n == o.n; }
  bool operator!=(const Dim &o) const { return !(*this == o); }
  /// Whether two dims may denote the same size: equal, or either is
  /// unknown or an expression (expressions are not compared symbolically).
  bool compatible(const Dim &o) const;
  /// `784`, `B`, `4*hidden`, `?`.
  std::string str() const;

private:
  Dim(Kind k, int64_t v, std::string n) : k(k), v(v), n(std::move(n)) {}
  Kind k;
  int64_t v;
  std::string n;
};

/// Arithmetic on dims: folds when both are known, else builds an expression
/// (`a*b`, with parentheses around non-atomic operands). Division is integer
/// floor division as in the language. Returns unknown for division by zero.
Dim addDims(const Dim &a, const Dim &b);
Dim subDims(const Dim &a, const Dim &b);
Dim mulDims(const Dim &a, const Dim &b);
Dim divDims(const Dim &a, const Dim &b);
Dim modDims(const Dim &a, const Dim &b);

/// A concrete shape: a list of dims (scalar = empty list).
using Shape = std::vector<Dim>;
/// `[B, 784]`, `[]` for a scalar.
std::string shapeStr(const Shape &s);
/// Product of the dims, or unknown/expression when not all are known.
Dim numElements(const Shape &s);

/// A shape as written in a signature: an optional leading `...` then dims.
struct ShapePattern {
  bool hasEllipsis = false;
  Shape dims; ///< the dims after `...` (all of them without it)
  /// `[..., inp]`.
  std::string str() const;
};

/// Bindings made while unifying patterns at one call: symbol name -> dim,
/// and the dims matched by `...` (all `...` of one call must agree).
struct Bindings {
  std::map<std::string, Dim> symbols;
  std::optional<Shape> ellipsis;
};

/// Result of a shape rule or unification: a shape, or an error message in
/// the language's spelling, e.g. "inner dimensions differ: 784 vs 128".
struct ShapeResult {
  std::optional<Shape> shape;
  std::string error;
  static ShapeResult ok(Shape s) { return {std::move(s), {}}; }
  static ShapeResult fail(std::string e) { return {std::nullopt, std::move(e)}; }
  explicit operator bool() const { return shape.has_value(); }
};

/// Unifies `pattern` against `actual`, extending `b`. A pattern symbol that is
/// unbound is bound to the actual dim; a bound one must be compatible. Returns
/// an empty string on success or the message, e.g.
/// "expected rank 2 [B, 784], found rank 3 [4, 28, 28]" or
/// "dimension 1 differs: expected 784 (inp), found 100".
std::string unify(const ShapePattern &pattern, const Shape &actual,
                  Bindings &b);
/// Replaces bound symbols and `...` of `pattern` by their bindings; unbound
/// symbols stay symbolic.
Shape substitute(const ShapePattern &pattern, const Bindings &b);

/// NumPy broadcasting of two shapes: "cannot broadcast [B, 10] with [5]".
ShapeResult broadcast(const Shape &a, const Shape &b);

/// Normalizes an axis in [-rank, rank) to [0, rank); nullopt when out of range.
std::optional<int64_t> normalizeAxis(int64_t axis, int64_t rank);

// ----- Shape rules of the primitive ops (LANGUAGE.md) ------------------------

/// `a @ b`, batched over leading dims with broadcasting; 1-d operands as NumPy.
ShapeResult inferMatmul(const Shape &a, const Shape &b);
/// `transpose(x, perm)`: perm must be a permutation of 0..rank-1.
ShapeResult inferTranspose(const Shape &x, const std::vector<int64_t> &perm);
/// `x.T`: swaps the last two axes (rank >= 2).
ShapeResult inferSwapLastTwo(const Shape &x);
/// Reductions `sum mean max min logsumexp argmax` over `axes` (empty = all).
ShapeResult inferReduce(const Shape &x, const std::vector<int64_t> &axes,
                        bool keepdim);
/// `conv2d(x: [N, C, H, W], w: [O, C/groups, kh, kw], ...)` -> [N, O, H', W'].
ShapeResult inferConv2d(const Shape &x, const Shape &w, int64_t stride,
                        int64_t padding, int64_t dilation, int64_t groups);
/// `max_pool2d/avg_pool2d(x: [N, C, H, W], k, stride, padding)`.
ShapeResult inferPool2d(const Shape &x, int64_t k, int64_t stride,
                        int64_t padding);
/// `reshape(x, dims)`: at most one -1, element counts must match when known.
ShapeResult inferReshape(const Shape &x, const Shape &target);
/// `flatten(x)`: [N, rest...] -> [N, prod(rest)].
ShapeResult inferFlatten(const Shape &x);
/// `concat(xs, axis)`: same rank, equal dims except along `axis`.
ShapeResult inferConcat(const std::vector<Shape> &xs, int64_t axis);
/// `split(x, n, axis)`: n equal parts (dim divisible by n when known).
ShapeResult inferSplitPart(const Shape &x, int64_t n, int64_t axis);
/// `stack(xs, axis)`: all shapes equal; a new axis of size xs.size().
ShapeResult inferStack(const std::vector<Shape> &xs, int64_t axis);
/// `squeeze(x, axis)`: that dim must be 1 (when known).
ShapeResult inferSqueeze(const Shape &x, int64_t axis);
/// `unsqueeze(x, axis)`: axis in [-(rank+1), rank].
ShapeResult inferUnsqueeze(const Shape &x, int64_t axis);
/// `broadcast_to(x, shape)`: x must broadcast to exactly `target`.
ShapeResult inferBroadcastTo(const Shape &x, const Shape &target);
/// `embedding(table: [V, D], ids: [...])` -> [..., D].
ShapeResult inferEmbedding(const Shape &table, const Shape &ids);
/// `cross_entropy(logits: [B, C], labels: [B])` -> [] (mean over the batch).
ShapeResult inferCrossEntropy(const Shape &logits, const Shape &labels);

/// One entry of an index expression `x[...]`.
struct IndexItem {
  enum class Kind { Index, Slice, NewAxis, Ellipsis } kind = Kind::Index;
  /// For Slice: start/stop when given (negative counts from the end); the
  /// step is 1 unless given. For Index: `start` holds the index (may be
  /// unknown at compile time, e.g. a loop variable: then nullopt).
  std::optional<int64_t> start, stop;
  int64_t step = 1;
};
/// `x[items]`: an index drops the axis, a slice keeps it (clamped as
/// Python does), `None` inserts an axis of 1, `...` stands for the axes not
/// otherwise named. Known out-of-range indices are errors.
ShapeResult inferIndex(const Shape &x, const std::vector<IndexItem> &items);

} // namespace nnc::shape

#endif // NNC_SHAPE_SHAPE_H
