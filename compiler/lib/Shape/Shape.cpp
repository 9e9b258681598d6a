//===- Shape.cpp - Tensor shapes with symbolic dimensions -----------------===//
//
// Dim arithmetic, unification of signature shape patterns, NumPy broadcasting
// and the shape rule of every primitive op. Known sizes are folded and
// checked; symbolic sizes travel as names or expression text, and a check
// that cannot be decided at compile time is accepted rather than reported.
//
//===----------------------------------------------------------------------===//

#include "nnc/Shape/Shape.h"

#include <algorithm>
#include <cctype>

using namespace nnc;
using namespace nnc::shape;

//===----------------------------------------------------------------------===//
// Dims and their arithmetic
//===----------------------------------------------------------------------===//

bool Dim::compatible(const Dim &o) const {
  return *this == o || isUnknown() || o.isUnknown() || isExpr() || o.isExpr();
}

std::string Dim::str() const {
  switch (k) {
  case Kind::Known:
    return std::to_string(v);
  case Kind::Symbol:
  case Kind::Expr:
    return n;
  case Kind::Unknown:
    break;
  }
  return "?";
}

/// Whether `d` is the known size `v`.
static bool isValue(const Dim &d, int64_t v) {
  return d.isKnown() && d.value() == v;
}

/// How tightly a dim's text binds as an operand: 0 for a sum, a difference or
/// a negative number, 1 for a product or quotient, 2 for an atom.
static int precedence(const Dim &d) {
  if (d.isKnown())
    return d.value() < 0 ? 0 : 2;
  if (!d.isExpr())
    return 2;
  int depth = 0, prec = 2;
  for (char c : d.name()) {
    if (c == '(' || c == ')') {
      depth += c == '(' ? 1 : -1;
      continue;
    }
    if (depth != 0)
      continue;
    if (c == '+' || c == '-')
      return 0;
    if (c == '*' || c == '/' || c == '%')
      prec = 1;
  }
  return prec;
}

/// `d`'s text, in parentheses when `paren` is set.
static std::string operand(const Dim &d, bool paren) {
  return paren ? "(" + d.str() + ")" : d.str();
}

/// Builds the expression `a op b`, parenthesizing an operand that binds more
/// loosely than `op`; `b` also when it binds equally, as the operators are
/// left-associative and floor division does not reassociate.
static Dim buildExpr(const Dim &a, char op, const Dim &b) {
  if (a.isUnknown() || b.isUnknown())
    return Dim::unknown();
  int opPrec = (op == '+' || op == '-') ? 0 : 1;
  return Dim::expr(operand(a, precedence(a) < opPrec) + op +
                   operand(b, precedence(b) <= opPrec));
}

/// Integer division rounding towards negative infinity, as in the language.
static int64_t floorDiv(int64_t a, int64_t b) {
  int64_t q = a / b;
  bool inexact = a % b != 0;
  return inexact && ((a < 0) != (b < 0)) ? q - 1 : q;
}

Dim shape::addDims(const Dim &a, const Dim &b) {
  int64_t r;
  if (a.isKnown() && b.isKnown())
    return __builtin_add_overflow(a.value(), b.value(), &r) ? Dim::unknown()
                                                            : Dim::known(r);
  if (isValue(b, 0))
    return a;
  if (isValue(a, 0))
    return b;
  // Constants go last (`H+2`), and a negative one reads as a subtraction.
  if (a.isKnown())
    return addDims(b, a);
  if (b.isKnown() && b.value() < 0 && b.value() != INT64_MIN)
    return buildExpr(a, '-', Dim::known(-b.value()));
  return buildExpr(a, '+', b);
}

Dim shape::subDims(const Dim &a, const Dim &b) {
  int64_t r;
  if (a.isKnown() && b.isKnown())
    return __builtin_sub_overflow(a.value(), b.value(), &r) ? Dim::unknown()
                                                            : Dim::known(r);
  if (isValue(b, 0))
    return a;
  if (a == b && !a.isUnknown())
    return Dim::known(0);
  if (b.isKnown() && b.value() < 0 && b.value() != INT64_MIN)
    return buildExpr(a, '+', Dim::known(-b.value()));
  if (isValue(a, 0) && !b.isUnknown())
    return Dim::expr("-" + operand(b, precedence(b) < 2));
  return buildExpr(a, '-', b);
}

Dim shape::mulDims(const Dim &a, const Dim &b) {
  int64_t r;
  if (a.isKnown() && b.isKnown())
    return __builtin_mul_overflow(a.value(), b.value(), &r) ? Dim::unknown()
                                                            : Dim::known(r);
  if (isValue(a, 0) || isValue(b, 0))
    return Dim::known(0);
  if (isValue(a, 1))
    return b;
  if (isValue(b, 1))
    return a;
  // Constants go first: `4*hidden`.
  if (b.isKnown())
    return buildExpr(b, '*', a);
  return buildExpr(a, '*', b);
}

Dim shape::divDims(const Dim &a, const Dim &b) {
  if (isValue(b, 0))
    return Dim::unknown();
  if (a.isKnown() && b.isKnown()) {
    if (a.value() == INT64_MIN && b.value() == -1)
      return Dim::unknown();
    return Dim::known(floorDiv(a.value(), b.value()));
  }
  if (isValue(b, 1))
    return a;
  if (isValue(a, 0))
    return Dim::known(0);
  return buildExpr(a, '/', b);
}

Dim shape::modDims(const Dim &a, const Dim &b) {
  if (isValue(b, 0))
    return Dim::unknown();
  if (isValue(b, 1) || isValue(b, -1))
    return Dim::known(0);
  if (a.isKnown() && b.isKnown())
    return Dim::known(a.value() - floorDiv(a.value(), b.value()) * b.value());
  return buildExpr(a, '%', b);
}

//===----------------------------------------------------------------------===//
// Shapes and element counts
//===----------------------------------------------------------------------===//

std::string shape::shapeStr(const Shape &s) {
  std::string out = "[";
  for (size_t i = 0; i < s.size(); ++i)
    out += (i ? ", " : "") + s[i].str();
  return out + "]";
}

std::string ShapePattern::str() const {
  std::string inner = shapeStr(dims).substr(1);
  if (!hasEllipsis)
    return "[" + inner;
  return dims.empty() ? "[...]" : "[..., " + inner;
}

namespace {
/// An element count split into a known factor and opaque symbolic factors
/// (symbols and expressions); `unknown` when some dim is unknown.
struct Factors {
  Dim known = Dim::known(1);
  std::vector<Dim> symbolic;
  bool unknown = false;
};
} // namespace

/// Splits the element count of `s` into factors.
static Factors factorize(const Shape &s) {
  Factors f;
  for (const Dim &d : s) {
    if (d.isKnown())
      f.known = mulDims(f.known, d);
    else if (d.isUnknown())
      f.unknown = true;
    else
      f.symbolic.push_back(d);
  }
  return f;
}

/// The product of `f`'s factors, its constant first (`784*B`).
static Dim product(const Factors &f) {
  if (isValue(f.known, 0))
    return f.known;
  if (f.unknown)
    return Dim::unknown();
  Dim result = f.known;
  for (const Dim &d : f.symbolic)
    result = mulDims(result, d);
  return result;
}

/// Removes the symbolic factors that `a` and `b` have in common from both.
static void cancelCommon(Factors &a, Factors &b) {
  for (auto it = a.symbolic.begin(); it != a.symbolic.end();) {
    auto match = std::find(b.symbolic.begin(), b.symbolic.end(), *it);
    if (match == b.symbolic.end()) {
      ++it;
      continue;
    }
    b.symbolic.erase(match);
    it = a.symbolic.erase(it);
  }
}

Dim shape::numElements(const Shape &s) { return product(factorize(s)); }

//===----------------------------------------------------------------------===//
// Unification and substitution
//===----------------------------------------------------------------------===//

/// How much a dim says about a size: known, symbol, expression, unknown.
static int informativeness(const Dim &d) {
  switch (d.kind()) {
  case Dim::Kind::Known:
    return 3;
  case Dim::Kind::Symbol:
    return 2;
  case Dim::Kind::Expr:
    return 1;
  case Dim::Kind::Unknown:
    break;
  }
  return 0;
}

/// Of two compatible dims, the one that says more (`a` on a tie).
static const Dim &moreInformative(const Dim &a, const Dim &b) {
  return informativeness(b) > informativeness(a) ? b : a;
}

/// "dimension 1 differs: expected 784 (inp), found 100".
static std::string dimMismatch(size_t index, const Dim &expected,
                               const std::string &symbol, const Dim &found) {
  std::string want = expected.str();
  if (!symbol.empty() && symbol != want)
    want += " (" + symbol + ")";
  return "dimension " + std::to_string(index) + " differs: expected " + want +
         ", found " + found.str();
}

/// Unifies one pattern dim with the actual dim at `index`.
static std::string unifyDim(const Dim &pattern, const Dim &actual, size_t index,
                            Bindings &b) {
  if (pattern.isSymbol()) {
    auto [it, inserted] = b.symbols.emplace(pattern.name(), actual);
    if (inserted)
      return {};
    if (!it->second.compatible(actual))
      return dimMismatch(index, it->second, pattern.name(), actual);
    it->second = moreInformative(it->second, actual);
    return {};
  }
  if (pattern.isKnown() && !pattern.compatible(actual))
    return dimMismatch(index, pattern, "", actual);
  return {};
}

/// Binds `...` to `leading`, or checks it against an earlier binding.
static std::string unifyEllipsis(const Shape &leading, Bindings &b) {
  if (!b.ellipsis) {
    b.ellipsis = leading;
    return {};
  }
  Shape &bound = *b.ellipsis;
  bool same = bound.size() == leading.size();
  for (size_t i = 0; same && i < bound.size(); ++i)
    same = bound[i].compatible(leading[i]);
  if (!same)
    return "dimensions matched by '...' differ: expected " + shapeStr(bound) +
           ", found " + shapeStr(leading);
  for (size_t i = 0; i < bound.size(); ++i)
    bound[i] = moreInformative(bound[i], leading[i]);
  return {};
}

std::string shape::unify(const ShapePattern &pattern, const Shape &actual,
                         Bindings &b) {
  size_t n = pattern.dims.size();
  if (actual.size() < n || (!pattern.hasEllipsis && actual.size() != n))
    return "expected rank " +
           std::string(pattern.hasEllipsis ? "at least " : "") +
           std::to_string(n) + " " + pattern.str() + ", found rank " +
           std::to_string(actual.size()) + " " + shapeStr(actual);
  // Bind into a copy so that a failed unification leaves `b` untouched.
  Bindings result = b;
  size_t lead = actual.size() - n;
  if (pattern.hasEllipsis) {
    std::string err =
        unifyEllipsis(Shape(actual.begin(), actual.begin() + lead), result);
    if (!err.empty())
      return err;
  }
  for (size_t i = 0; i < n; ++i) {
    std::string err =
        unifyDim(pattern.dims[i], actual[lead + i], lead + i, result);
    if (!err.empty())
      return err;
  }
  b = std::move(result);
  return {};
}

namespace {
/// Re-evaluates the text of an expression dim with bound symbols replaced by
/// their bindings, by recursive descent over integers, names, parentheses,
/// unary minus and `+ - * / %`, folding through the dim arithmetic.
class ExprSubstituter {
public:
  ExprSubstituter(const std::string &text, const Bindings &b)
      : text(text), b(b) {}

  /// The rebuilt dim, or nullopt when the text does not parse.
  std::optional<Dim> run() {
    std::optional<Dim> d = parseSum();
    skipSpace();
    if (pos != text.size())
      return std::nullopt;
    return d;
  }
  /// Whether a bound symbol occurred in the text.
  bool substitutedAny = false;

private:
  std::optional<Dim> parseSum();
  std::optional<Dim> parseProduct();
  std::optional<Dim> parseUnary();
  std::optional<Dim> parseAtom();
  void skipSpace() {
    while (pos < text.size() && std::isspace((unsigned char)text[pos]))
      ++pos;
  }
  char peek() {
    skipSpace();
    return pos < text.size() ? text[pos] : '\0';
  }

  const std::string &text;
  const Bindings &b;
  size_t pos = 0;
};
} // namespace

std::optional<Dim> ExprSubstituter::parseSum() {
  std::optional<Dim> lhs = parseProduct();
  for (char op = peek(); lhs && (op == '+' || op == '-'); op = peek()) {
    ++pos;
    std::optional<Dim> rhs = parseProduct();
    if (!rhs)
      return std::nullopt;
    lhs = op == '+' ? addDims(*lhs, *rhs) : subDims(*lhs, *rhs);
  }
  return lhs;
}

std::optional<Dim> ExprSubstituter::parseProduct() {
  std::optional<Dim> lhs = parseUnary();
  for (char op = peek(); lhs && (op == '*' || op == '/' || op == '%');
       op = peek()) {
    ++pos;
    std::optional<Dim> rhs =
        op == '*' && peek() == '*' ? std::nullopt : parseUnary();
    if (!rhs)
      return std::nullopt;
    if (op == '*')
      lhs = mulDims(*lhs, *rhs);
    else
      lhs = op == '/' ? divDims(*lhs, *rhs) : modDims(*lhs, *rhs);
  }
  return lhs;
}

std::optional<Dim> ExprSubstituter::parseUnary() {
  if (peek() != '-')
    return parseAtom();
  ++pos;
  std::optional<Dim> d = parseUnary();
  return d ? std::optional<Dim>(subDims(Dim::known(0), *d)) : std::nullopt;
}

std::optional<Dim> ExprSubstituter::parseAtom() {
  char c = peek();
  if (c == '(') {
    ++pos;
    std::optional<Dim> d = parseSum();
    if (!d || peek() != ')')
      return std::nullopt;
    ++pos;
    return d;
  }
  size_t begin = pos;
  if (std::isdigit((unsigned char)c)) {
    while (pos < text.size() && std::isdigit((unsigned char)text[pos]))
      ++pos;
    if (pos - begin > 18)
      return std::nullopt;
    return Dim::known(std::stoll(text.substr(begin, pos - begin)));
  }
  if (!std::isalpha((unsigned char)c) && c != '_')
    return std::nullopt;
  while (pos < text.size() &&
         (std::isalnum((unsigned char)text[pos]) || text[pos] == '_'))
    ++pos;
  std::string name = text.substr(begin, pos - begin);
  auto it = b.symbols.find(name);
  if (it == b.symbols.end())
    return Dim::symbol(name);
  substitutedAny = true;
  return it->second;
}

/// `d` with bound symbols replaced; an expression is re-evaluated only when
/// it mentions a bound symbol, so unrelated text keeps its spelling.
static Dim substituteDim(const Dim &d, const Bindings &b) {
  if (d.isSymbol()) {
    auto it = b.symbols.find(d.name());
    return it == b.symbols.end() ? d : it->second;
  }
  if (!d.isExpr())
    return d;
  ExprSubstituter sub(d.name(), b);
  std::optional<Dim> result = sub.run();
  return result && sub.substitutedAny ? *result : d;
}

Shape shape::substitute(const ShapePattern &pattern, const Bindings &b) {
  Shape result;
  if (pattern.hasEllipsis && b.ellipsis)
    result = *b.ellipsis;
  for (const Dim &d : pattern.dims)
    result.push_back(substituteDim(d, b));
  return result;
}

//===----------------------------------------------------------------------===//
// Broadcasting and axes
//===----------------------------------------------------------------------===//

/// The dim `i` places from the end of `s` (0 = last), 1 past its front.
static Dim dimFromEnd(const Shape &s, size_t i) {
  return i < s.size() ? s[s.size() - 1 - i] : Dim::known(1);
}

/// The broadcast of two dims, or nullopt when they cannot broadcast. An
/// unknown or expression dim may turn out to be anything, so it yields to
/// the other dim.
static std::optional<Dim> broadcastDim(const Dim &a, const Dim &b) {
  if (a == b || isValue(b, 1))
    return a;
  if (isValue(a, 1) || a.isUnknown())
    return b;
  if (b.isUnknown())
    return a;
  if (a.isExpr() && !b.isExpr())
    return b;
  if (a.isExpr() || b.isExpr())
    return a;
  return std::nullopt;
}

ShapeResult shape::broadcast(const Shape &a, const Shape &b) {
  size_t rank = std::max(a.size(), b.size());
  Shape result(rank, Dim::known(1));
  for (size_t i = 0; i < rank; ++i) {
    std::optional<Dim> d = broadcastDim(dimFromEnd(a, i), dimFromEnd(b, i));
    if (!d)
      return ShapeResult::fail("cannot broadcast " + shapeStr(a) + " with " +
                               shapeStr(b));
    result[rank - 1 - i] = *d;
  }
  return ShapeResult::ok(std::move(result));
}

std::optional<int64_t> shape::normalizeAxis(int64_t axis, int64_t rank) {
  if (axis < -rank || axis >= rank)
    return std::nullopt;
  return axis < 0 ? axis + rank : axis;
}

/// "axis 2 is out of range for rank 2 [B, 10]".
static std::string axisOutOfRange(int64_t axis, const Shape &x) {
  return "axis " + std::to_string(axis) + " is out of range for rank " +
         std::to_string(x.size()) + " " + shapeStr(x);
}

/// "new axis 3 is out of range for rank 1 [4]", for ops that insert an axis
/// and so accept [-(rank+1), rank].
static std::string newAxisOutOfRange(int64_t axis, const Shape &x) {
  return "new " + axisOutOfRange(axis, x);
}

/// Normalizes `axes` for `x` into `out`; fails on an out-of-range axis or on
/// one named twice.
static std::string normalizeAxes(const std::vector<int64_t> &axes,
                                 const Shape &x, std::vector<int64_t> &out) {
  std::vector<bool> seen(x.size(), false);
  for (int64_t axis : axes) {
    std::optional<int64_t> n = normalizeAxis(axis, x.size());
    if (!n)
      return axisOutOfRange(axis, x);
    if (seen[*n])
      return "axis " + std::to_string(axis) + " is repeated" +
             (axis == *n ? "" : " (as " + std::to_string(*n) + ")");
    seen[*n] = true;
    out.push_back(*n);
  }
  return {};
}

/// "conv2d input must have rank 4 [N, C, H, W], found rank 3 [1, 28, 28]".
static std::string rankError(const std::string &what, size_t rank,
                             const std::string &layout, const Shape &x) {
  return what + " must have rank " + std::to_string(rank) + " " + layout +
         ", found rank " + std::to_string(x.size()) + " " + shapeStr(x);
}

//===----------------------------------------------------------------------===//
// Linear algebra and reductions
//===----------------------------------------------------------------------===//

ShapeResult shape::inferMatmul(const Shape &a, const Shape &b) {
  if (a.empty() || b.empty())
    return ShapeResult::fail("matmul needs operands of rank >= 1, found []");
  // NumPy: a 1-d lhs is a row vector, a 1-d rhs a column vector; the added
  // axis is removed from the result again.
  Shape lhs = a, rhs = b;
  if (a.size() == 1)
    lhs.insert(lhs.begin(), Dim::known(1));
  if (b.size() == 1)
    rhs.push_back(Dim::known(1));
  const Dim &inner = lhs.back(), &innerRhs = rhs[rhs.size() - 2];
  if (!inner.compatible(innerRhs))
    return ShapeResult::fail("inner dimensions differ: " + inner.str() +
                             " vs " + innerRhs.str());
  Shape lhsBatch(lhs.begin(), lhs.end() - 2),
      rhsBatch(rhs.begin(), rhs.end() - 2);
  ShapeResult batch = broadcast(lhsBatch, rhsBatch);
  if (!batch)
    return ShapeResult::fail("cannot broadcast batch dimensions " +
                             shapeStr(lhsBatch) + " with " +
                             shapeStr(rhsBatch));
  Shape result = *batch.shape;
  if (a.size() > 1)
    result.push_back(lhs[lhs.size() - 2]);
  if (b.size() > 1)
    result.push_back(rhs.back());
  return ShapeResult::ok(std::move(result));
}

ShapeResult shape::inferTranspose(const Shape &x,
                                  const std::vector<int64_t> &perm) {
  if (perm.size() != x.size()) {
    Shape permDims;
    for (int64_t p : perm)
      permDims.push_back(Dim::known(p));
    return ShapeResult::fail("permutation " + shapeStr(permDims) + " has " +
                             std::to_string(perm.size()) + " axes, expected " +
                             std::to_string(x.size()) + " for " + shapeStr(x));
  }
  std::vector<int64_t> axes;
  std::string err = normalizeAxes(perm, x, axes);
  if (!err.empty())
    return ShapeResult::fail(err);
  Shape result;
  for (int64_t axis : axes)
    result.push_back(x[axis]);
  return ShapeResult::ok(std::move(result));
}

ShapeResult shape::inferSwapLastTwo(const Shape &x) {
  if (x.size() < 2)
    return ShapeResult::fail("x.T needs rank >= 2, found rank " +
                             std::to_string(x.size()) + " " + shapeStr(x));
  Shape result = x;
  std::swap(result[x.size() - 2], result[x.size() - 1]);
  return ShapeResult::ok(std::move(result));
}

ShapeResult shape::inferReduce(const Shape &x, const std::vector<int64_t> &axes,
                               bool keepdim) {
  std::vector<int64_t> reduced;
  std::string err = normalizeAxes(axes, x, reduced);
  if (!err.empty())
    return ShapeResult::fail(err);
  std::vector<bool> isReduced(x.size(), axes.empty());
  for (int64_t axis : reduced)
    isReduced[axis] = true;
  Shape result;
  for (size_t i = 0; i < x.size(); ++i) {
    if (!isReduced[i])
      result.push_back(x[i]);
    else if (keepdim)
      result.push_back(Dim::known(1));
  }
  return ShapeResult::ok(std::move(result));
}

//===----------------------------------------------------------------------===//
// Convolution and pooling
//===----------------------------------------------------------------------===//

namespace {
/// How a window slides along one spatial axis.
struct Window {
  int64_t stride, padding, dilation;
};
} // namespace

/// Checks the window parameters: positive stride and dilation, padding >= 0.
static std::string checkWindow(const Window &w) {
  if (w.stride < 1)
    return "stride must be at least 1, found " + std::to_string(w.stride);
  if (w.dilation < 1)
    return "dilation must be at least 1, found " + std::to_string(w.dilation);
  if (w.padding < 0)
    return "padding must be non-negative, found " + std::to_string(w.padding);
  return {};
}

/// Sets `out` to the output size of a window of size `k` over `in`:
/// (in + 2p - d(k-1) - 1)/s + 1, computed as (in + 2p - span + s)/s with
/// span = d(k-1) + 1 (equal under floor division) so that a symbolic `in`
/// gives a compact expression such as `(H+1)/2`. Fails when a known output
/// would be empty.
static std::string windowOutput(const Dim &in, const Dim &k, const Window &w,
                                const std::string &axisName, Dim &out) {
  Dim one = Dim::known(1);
  Dim span =
      w.dilation == 1
          ? k
          : addDims(mulDims(Dim::known(w.dilation), subDims(k, one)), one);
  Dim padded = addDims(in, Dim::known(2 * w.padding));
  if (padded.isKnown() && span.isKnown() && padded.value() < span.value())
    return "output would be empty: padded " + axisName + " " + padded.str() +
           " is smaller than " + (w.dilation > 1 ? "dilated " : "") +
           "kernel " + span.str();
  Dim shift = subDims(Dim::known(2 * w.padding + w.stride), span);
  out = divDims(addDims(in, shift), Dim::known(w.stride));
  return {};
}

/// [N, C, H', W'] for a window of size kh x kw over `x` ([N, C, H, W]),
/// with C replaced by `channels`.
static ShapeResult slideWindow(const Shape &x, const Dim &channels,
                               const Dim &kh, const Dim &kw, const Window &w) {
  Dim h = Dim::unknown(), wd = Dim::unknown();
  std::string err = windowOutput(x[2], kh, w, "height", h);
  if (err.empty())
    err = windowOutput(x[3], kw, w, "width", wd);
  if (!err.empty())
    return ShapeResult::fail(err);
  return ShapeResult::ok({x[0], channels, h, wd});
}

/// Checks that conv2d's weight fits the input's channels and `groups`.
static std::string checkConvChannels(const Shape &x, const Shape &w,
                                     int64_t groups) {
  if (groups < 1)
    return "groups must be at least 1, found " + std::to_string(groups);
  Dim expected = mulDims(w[1], Dim::known(groups));
  if (!x[1].compatible(expected)) {
    std::string msg = "input channels differ: input has " + x[1].str() +
                      ", weight expects " + expected.str();
    if (groups > 1)
      msg += " (" + w[1].str() +
             " per group, groups=" + std::to_string(groups) + ")";
    return msg;
  }
  if (w[0].isKnown() && w[0].value() % groups != 0)
    return "output channels " + w[0].str() +
           " are not divisible by groups=" + std::to_string(groups);
  return {};
}

ShapeResult shape::inferConv2d(const Shape &x, const Shape &w, int64_t stride,
                               int64_t padding, int64_t dilation,
                               int64_t groups) {
  if (x.size() != 4)
    return ShapeResult::fail(rankError("conv2d input", 4, "[N, C, H, W]", x));
  if (w.size() != 4)
    return ShapeResult::fail(
        rankError("conv2d weight", 4, "[O, C/groups, kh, kw]", w));
  Window window{stride, padding, dilation};
  std::string err = checkWindow(window);
  if (err.empty())
    err = checkConvChannels(x, w, groups);
  if (!err.empty())
    return ShapeResult::fail(err);
  return slideWindow(x, w[0], w[2], w[3], window);
}

ShapeResult shape::inferPool2d(const Shape &x, int64_t k, int64_t stride,
                               int64_t padding) {
  if (x.size() != 4)
    return ShapeResult::fail(rankError("pooling input", 4, "[N, C, H, W]", x));
  if (k < 1)
    return ShapeResult::fail("kernel size must be at least 1, found " +
                             std::to_string(k));
  Window window{stride, padding, 1};
  std::string err = checkWindow(window);
  if (!err.empty())
    return ShapeResult::fail(err);
  return slideWindow(x, x[1], Dim::known(k), Dim::known(k), window);
}

//===----------------------------------------------------------------------===//
// Reshaping
//===----------------------------------------------------------------------===//

/// Whether the element counts may be equal: false only when they differ
/// after cancelling common symbolic factors and both remainders are known.
static bool mayHaveSameCount(Factors from, Factors to) {
  if (from.unknown || to.unknown || !from.known.isKnown() ||
      !to.known.isKnown())
    return true;
  cancelCommon(from, to);
  if (!from.symbolic.empty() || !to.symbolic.empty())
    return true;
  return from.known == to.known;
}

/// The size a -1 stands for so that `to` (the other target dims) holds as
/// many elements as `from`; nullopt when no size can.
static std::optional<Dim> inferMinusOne(Factors from, Factors to) {
  if (isValue(to.known, 0))
    return std::nullopt;
  if (from.unknown || to.unknown)
    return Dim::unknown();
  cancelCommon(from, to);
  bool divides = from.known.isKnown() && to.known.isKnown() &&
                 from.known.value() % to.known.value() == 0;
  if (to.symbolic.empty() && divides) {
    from.known = divDims(from.known, to.known);
    return product(from);
  }
  if (from.symbolic.empty() && to.symbolic.empty())
    return std::nullopt;
  return divDims(product(from), product(to));
}

ShapeResult shape::inferReshape(const Shape &x, const Shape &target) {
  std::optional<size_t> minusOne;
  for (size_t i = 0; i < target.size(); ++i) {
    const Dim &d = target[i];
    if (!d.isKnown() || d.value() >= 0)
      continue;
    if (d.value() != -1)
      return ShapeResult::fail("invalid dimension " + d.str() +
                               " in reshape target " + shapeStr(target));
    if (minusOne)
      return ShapeResult::fail("reshape target " + shapeStr(target) +
                               " has more than one -1");
    minusOne = i;
  }
  std::string cannot = "cannot reshape " + shapeStr(x) + " (" +
                       numElements(x).str() + " elements) to " +
                       shapeStr(target);
  if (!minusOne) {
    if (mayHaveSameCount(factorize(x), factorize(target)))
      return ShapeResult::ok(target);
    return ShapeResult::fail(cannot + " (" + numElements(target).str() +
                             " elements)");
  }
  Shape rest = target;
  rest.erase(rest.begin() + *minusOne);
  std::optional<Dim> inferred = inferMinusOne(factorize(x), factorize(rest));
  if (!inferred)
    return ShapeResult::fail(cannot);
  Shape result = target;
  result[*minusOne] = *inferred;
  return ShapeResult::ok(std::move(result));
}

ShapeResult shape::inferFlatten(const Shape &x) {
  if (x.empty())
    return ShapeResult::fail("flatten needs rank >= 1, found []");
  return ShapeResult::ok({x[0], numElements(Shape(x.begin() + 1, x.end()))});
}

/// Checks operand `i` of `op` against `ref` (operand 0, refined in place):
/// same rank, and compatible dims except along `skip` when given.
static std::string matchOperand(const std::string &op, size_t i, const Shape &x,
                                Shape &ref, std::optional<size_t> skip) {
  if (x.size() != ref.size())
    return op + " operand " + std::to_string(i) + " has rank " +
           std::to_string(x.size()) + " " + shapeStr(x) + ", expected rank " +
           std::to_string(ref.size()) + " " + shapeStr(ref);
  for (size_t d = 0; d < x.size(); ++d) {
    if (skip && d == *skip)
      continue;
    if (!ref[d].compatible(x[d]))
      return op + " operand " + std::to_string(i) + " differs in dimension " +
             std::to_string(d) + ": expected " + ref[d].str() + ", found " +
             x[d].str();
    ref[d] = moreInformative(ref[d], x[d]);
  }
  return {};
}

ShapeResult shape::inferConcat(const std::vector<Shape> &xs, int64_t axis) {
  if (xs.empty())
    return ShapeResult::fail("concat needs at least one tensor");
  std::optional<int64_t> ax = normalizeAxis(axis, xs[0].size());
  if (!ax)
    return ShapeResult::fail(axisOutOfRange(axis, xs[0]));
  Shape result = xs[0];
  for (size_t i = 1; i < xs.size(); ++i) {
    std::string err = matchOperand("concat", i, xs[i], result, *ax);
    if (!err.empty())
      return ShapeResult::fail(err);
    result[*ax] = addDims(result[*ax], xs[i][*ax]);
  }
  return ShapeResult::ok(std::move(result));
}

ShapeResult shape::inferSplitPart(const Shape &x, int64_t n, int64_t axis) {
  if (n < 1)
    return ShapeResult::fail("split needs at least 1 part, found " +
                             std::to_string(n));
  std::optional<int64_t> ax = normalizeAxis(axis, x.size());
  if (!ax)
    return ShapeResult::fail(axisOutOfRange(axis, x));
  const Dim &d = x[*ax];
  if (d.isKnown() && d.value() % n != 0)
    return ShapeResult::fail("cannot split dimension " + std::to_string(*ax) +
                             " of size " + d.str() + " into " +
                             std::to_string(n) + " equal parts");
  Shape result = x;
  result[*ax] = divDims(d, Dim::known(n));
  return ShapeResult::ok(std::move(result));
}

ShapeResult shape::inferStack(const std::vector<Shape> &xs, int64_t axis) {
  if (xs.empty())
    return ShapeResult::fail("stack needs at least one tensor");
  std::optional<int64_t> ax = normalizeAxis(axis, xs[0].size() + 1);
  if (!ax)
    return ShapeResult::fail(newAxisOutOfRange(axis, xs[0]));
  Shape result = xs[0];
  for (size_t i = 1; i < xs.size(); ++i) {
    std::string err = matchOperand("stack", i, xs[i], result, std::nullopt);
    if (!err.empty())
      return ShapeResult::fail(err);
  }
  result.insert(result.begin() + *ax, Dim::known(xs.size()));
  return ShapeResult::ok(std::move(result));
}

ShapeResult shape::inferSqueeze(const Shape &x, int64_t axis) {
  std::optional<int64_t> ax = normalizeAxis(axis, x.size());
  if (!ax)
    return ShapeResult::fail(axisOutOfRange(axis, x));
  const Dim &d = x[*ax];
  if (d.isKnown() && d.value() != 1)
    return ShapeResult::fail("cannot squeeze axis " + std::to_string(axis) +
                             " of size " + d.str());
  Shape result = x;
  result.erase(result.begin() + *ax);
  return ShapeResult::ok(std::move(result));
}

ShapeResult shape::inferUnsqueeze(const Shape &x, int64_t axis) {
  std::optional<int64_t> ax = normalizeAxis(axis, x.size() + 1);
  if (!ax)
    return ShapeResult::fail(newAxisOutOfRange(axis, x));
  Shape result = x;
  result.insert(result.begin() + *ax, Dim::known(1));
  return ShapeResult::ok(std::move(result));
}

ShapeResult shape::inferBroadcastTo(const Shape &x, const Shape &target) {
  std::string cannot =
      "cannot broadcast " + shapeStr(x) + " to " + shapeStr(target);
  if (x.size() > target.size())
    return ShapeResult::fail(cannot);
  Shape result = target;
  for (size_t i = 0; i < x.size(); ++i) {
    const Dim &d = dimFromEnd(x, i);
    Dim &t = result[result.size() - 1 - i];
    if (isValue(d, 1))
      continue;
    if (!d.compatible(t))
      return ShapeResult::fail(cannot);
    t = moreInformative(t, d);
  }
  return ShapeResult::ok(std::move(result));
}

//===----------------------------------------------------------------------===//
// Embedding and losses
//===----------------------------------------------------------------------===//

ShapeResult shape::inferEmbedding(const Shape &table, const Shape &ids) {
  if (table.size() != 2)
    return ShapeResult::fail(rankError("embedding table", 2, "[V, D]", table));
  Shape result = ids;
  result.push_back(table[1]);
  return ShapeResult::ok(std::move(result));
}

ShapeResult shape::inferCrossEntropy(const Shape &logits, const Shape &labels) {
  if (logits.size() != 2)
    return ShapeResult::fail(
        rankError("cross_entropy logits", 2, "[B, C]", logits));
  if (labels.size() != 1)
    return ShapeResult::fail(
        rankError("cross_entropy labels", 1, "[B]", labels));
  if (!logits[0].compatible(labels[0]))
    return ShapeResult::fail("batch sizes differ: logits have " +
                             logits[0].str() + ", labels have " +
                             labels[0].str());
  return ShapeResult::ok({});
}

//===----------------------------------------------------------------------===//
// Indexing
//===----------------------------------------------------------------------===//

/// Fails when a known index is out of range for a known dim.
static std::string checkIndex(const IndexItem &item, const Dim &d) {
  if (!item.start || !d.isKnown())
    return {};
  int64_t i = *item.start, n = d.value();
  if (i >= -n && i < n)
    return {};
  return "index " + std::to_string(i) +
         " is out of range for dimension of size " + std::to_string(n);
}

/// A slice bound resolved as Python does for a size-`n` axis: negative counts
/// from the end, then clamped into [0, n].
static int64_t clampBound(std::optional<int64_t> bound, int64_t absent,
                          int64_t n) {
  if (!bound)
    return absent;
  int64_t v = *bound < 0 ? *bound + n : *bound;
  return std::clamp<int64_t>(v, 0, n);
}

/// The number of elements a slice of `len` elements keeps with `step`.
static Dim ceilDivStep(const Dim &len, int64_t step) {
  return divDims(addDims(len, Dim::known(step - 1)), Dim::known(step));
}

/// The length of slice `s` over `d`. A symbolic `d` is assumed large enough
/// for the bounds (`x[:5]` has 5 elements); a length that depends on `d` in
/// a way not expressible as `d + c` is unknown.
static Dim sliceLength(const IndexItem &s, const Dim &d) {
  if (d.isKnown()) {
    int64_t n = d.value();
    int64_t start = clampBound(s.start, 0, n), stop = clampBound(s.stop, n, n);
    return Dim::known(stop > start ? (stop - start - 1) / s.step + 1 : 0);
  }
  // Each bound as an offset from the front or (when negative or an absent
  // stop) from the end of the axis.
  bool startFromEnd = s.start && *s.start < 0;
  bool stopFromEnd = !s.stop || *s.stop < 0;
  int64_t offset = s.stop.value_or(0) - s.start.value_or(0);
  if (startFromEnd == stopFromEnd)
    return ceilDivStep(Dim::known(std::max<int64_t>(offset, 0)), s.step);
  if (!stopFromEnd)
    return Dim::unknown();
  return ceilDivStep(addDims(d, Dim::known(offset)), s.step);
}

/// Checks the items of an index expression against rank `rank`: at most one
/// `...`, positive slice steps, no more indexed axes than `rank`.
static std::string checkIndexItems(const Shape &x,
                                   const std::vector<IndexItem> &items,
                                   size_t &named) {
  size_t ellipses = 0;
  named = 0;
  for (const IndexItem &item : items) {
    if (item.kind == IndexItem::Kind::Ellipsis)
      ++ellipses;
    else if (item.kind != IndexItem::Kind::NewAxis)
      ++named;
    if (item.kind == IndexItem::Kind::Slice && item.step <= 0)
      return "slice step must be positive, found " + std::to_string(item.step);
  }
  if (ellipses > 1)
    return "an index can have only one '...'";
  if (named > x.size())
    return "too many indices for " + shapeStr(x) + ": " + std::to_string(named);
  return {};
}

ShapeResult shape::inferIndex(const Shape &x,
                              const std::vector<IndexItem> &items) {
  size_t named;
  std::string err = checkIndexItems(x, items, named);
  if (!err.empty())
    return ShapeResult::fail(err);
  Shape result;
  size_t axis = 0;
  for (const IndexItem &item : items) {
    switch (item.kind) {
    case IndexItem::Kind::NewAxis:
      result.push_back(Dim::known(1));
      break;
    case IndexItem::Kind::Ellipsis:
      for (size_t i = named; i < x.size(); ++i)
        result.push_back(x[axis++]);
      break;
    case IndexItem::Kind::Slice:
      result.push_back(sliceLength(item, x[axis++]));
      break;
    case IndexItem::Kind::Index:
      err = checkIndex(item, x[axis++]);
      if (!err.empty())
        return ShapeResult::fail(err);
      break;
    }
  }
  result.insert(result.end(), x.begin() + axis, x.end());
  return ShapeResult::ok(std::move(result));
}
