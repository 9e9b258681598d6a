//===- Builtins.cpp - The primitive ops' signatures and type rules --------===//
//
// Each rule checks its arguments' kinds and dtypes, then defers the shape
// computation to nnc/Shape so that Sema and the op verifiers agree. Rules of
// one family share a function (all unary elementwise ops use `unaryRule`).
// Elementwise math on compile-time numbers folds, so hyperparameter
// expressions like `1.0 / sqrt(inp)` are known at compile time.
//
//===----------------------------------------------------------------------===//

#include "nnc/Sema/Builtins.h"
#include "nnc/Sema/DataFiles.h"
#include "nnc/Support/Diagnostics.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringMap.h"
#include <cmath>
#include <cstdio>

using namespace nnc;
using namespace nnc::sema;
using namespace nnc::shape;
using Kind = Value::Kind;

Value BuiltinCall::fail(unsigned i, const llvm::Twine &msg) {
  diags.error(ranges[i], msg);
  return Value::error();
}

Value BuiltinCall::failCall(const llvm::Twine &msg) {
  diags.error(callRange, msg);
  return Value::error();
}

// ----- Argument helpers --------------------------------------------------------

/// Any argument already in error: the rule returns an error silently.
static bool anyError(const BuiltinCall &c) {
  for (const Value *v : c.args)
    if (v && v->isError())
      return true;
  return false;
}

static bool needTensor(BuiltinCall &c, unsigned i) {
  if (c.arg(i).isTensor())
    return true;
  c.fail(i, "'" + c.name + "' expects a tensor for '" +
                llvm::Twine(i == 0 ? "x" : "argument") + "', found " +
                c.arg(i).typeStr());
  return false;
}

static bool needFloatTensor(BuiltinCall &c, unsigned i) {
  if (!needTensor(c, i))
    return false;
  if (isFloatType(c.arg(i).dtype))
    return true;
  c.fail(i, "'" + c.name + "' expects a floating-point tensor, found " +
                c.arg(i).typeStr());
  return false;
}

/// A compile-time int argument that must be known (axes, strides, ...).
static std::optional<int64_t> knownInt(BuiltinCall &c, unsigned i,
                                       int64_t dflt) {
  if (!c.has(i))
    return dflt;
  if (auto v = c.arg(i).knownInt())
    return v;
  if (c.arg(i).kind == Kind::Int) {
    c.symbolic = true;
    return dflt;
  }
  c.fail(i, "'" + c.name + "' expects a compile-time integer here, found " +
                c.arg(i).typeStr());
  return std::nullopt;
}

static std::optional<std::vector<int64_t>> knownInts(BuiltinCall &c,
                                                     unsigned i) {
  std::vector<int64_t> out;
  if (!c.has(i))
    return out;
  const Value &v = c.arg(i);
  if (auto x = v.knownInt())
    return std::vector<int64_t>{*x};
  if (v.kind == Kind::Int) {
    c.symbolic = true;
    return std::vector<int64_t>{0};
  }
  if (v.kind == Kind::List) {
    for (const Value &e : v.elements) {
      auto x = e.knownInt();
      if (!x && e.kind == Kind::Int) {
        c.symbolic = true;
        x = 0;
      }
      if (!x) {
        c.fail(i, "expected a list of compile-time integers, found " +
                      v.typeStr());
        return std::nullopt;
      }
      out.push_back(*x);
    }
    return out;
  }
  c.fail(i, "expected an integer or a list of integers, found " + v.typeStr());
  return std::nullopt;
}

/// A shape argument: a list of compile-time ints (symbolic dims allowed).
static std::optional<Shape> shapeArg(BuiltinCall &c, unsigned i) {
  const Value &v = c.arg(i);
  if (v.kind == Kind::List) {
    Shape s;
    for (const Value &e : v.elements) {
      if (e.kind != Kind::Int)
        break;
      s.push_back(e.dim);
    }
    if (s.size() == v.elements.size())
      return s;
  }
  c.fail(i, "expected a shape (a list of dimensions such as [B, 10]), found " +
                v.typeStr());
  return std::nullopt;
}

static bool needNumber(BuiltinCall &c, unsigned i) {
  if (!c.has(i) || c.arg(i).isNumber() ||
      (c.arg(i).isTensor() && c.arg(i).shape.empty()))
    return true;
  c.fail(i, "expected a number, found " + c.arg(i).typeStr());
  return false;
}

/// A tensor of `rank` unknown dims: the result of a rule whose int
/// arguments are symbolic.
static Value unknownTensor(DType t, int64_t rank) {
  return Value::tensor(t, Shape(std::max<int64_t>(rank, 0), Dim::unknown()));
}

static Value fromShape(BuiltinCall &c, unsigned i, DType t,
                       const ShapeResult &r) {
  if (!r)
    return c.fail(i, r.error);
  return Value::tensor(t, *r.shape);
}

// ----- Elementwise ---------------------------------------------------------------

static std::optional<double> foldUnary(llvm::StringRef op, double x) {
  if (op == "exp") return std::exp(x);
  if (op == "log") return std::log(x);
  if (op == "sqrt") return std::sqrt(x);
  if (op == "rsqrt") return 1.0 / std::sqrt(x);
  if (op == "abs") return std::fabs(x);
  if (op == "neg") return -x;
  if (op == "tanh") return std::tanh(x);
  if (op == "sigmoid") return 1.0 / (1.0 + std::exp(-x));
  if (op == "relu") return x > 0 ? x : 0.0;
  if (op == "erf") return std::erf(x);
  if (op == "sign") return double((x > 0) - (x < 0));
  return std::nullopt;
}

static Value unaryRule(BuiltinCall &c) {
  if (anyError(c))
    return Value::error();
  const Value &x = c.arg(0);
  if (x.isNumber()) {
    auto n = x.knownNumber();
    return Value::floating(n ? foldUnary(c.name, *n) : std::nullopt);
  }
  bool intOk = c.name == "abs" || c.name == "neg" || c.name == "sign";
  if (!(intOk ? needTensor(c, 0) : needFloatTensor(c, 0)))
    return Value::error();
  if (c.name == "leaky_relu" && !needNumber(c, 1))
    return Value::error();
  return x;
}

/// The tensor type of an elementwise combination of tensors and numbers.
static Value combine(BuiltinCall &c, llvm::ArrayRef<unsigned> idx) {
  std::optional<DType> dt;
  Shape shape;
  for (unsigned i : idx) {
    if (!c.has(i))
      continue;
    const Value &v = c.arg(i);
    if (v.isNumber())
      continue;
    if (!needTensor(c, i))
      return Value::error();
    if (dt && *dt != v.dtype)
      return c.fail(i, "'" + c.name + "' operands have different types: " +
                           llvm::Twine(dtypeName(*dt)) + " vs " + v.typeStr());
    dt = v.dtype;
    ShapeResult r = broadcast(shape, v.shape);
    if (!r)
      return c.fail(i, r.error);
    shape = *r.shape;
  }
  if (!dt) {
    // Only numbers: a float result, folded by the caller when it can be.
    return Value::floating(std::nullopt);
  }
  return Value::tensor(*dt, shape);
}

static Value binaryRule(BuiltinCall &c) {
  if (anyError(c))
    return Value::error();
  if (c.arg(0).isNumber() && c.arg(1).isNumber()) {
    auto a = c.arg(0).knownNumber(), b = c.arg(1).knownNumber();
    if (!a || !b)
      return Value::floating(std::nullopt);
    return Value::floating(c.name == "maximum" ? std::max(*a, *b)
                                               : std::min(*a, *b));
  }
  return combine(c, {0, 1});
}

static Value whereRule(BuiltinCall &c) {
  if (anyError(c) || !needTensor(c, 0))
    return Value::error();
  if (c.arg(0).dtype != DType::Bool)
    return c.fail(0, "'where' expects a bool mask, found " + c.arg(0).typeStr() +
                         " (compare first, e.g. x > 0)");
  Value v = combine(c, {1, 2});
  if (v.isError())
    return v;
  DType dt = v.isTensor() ? v.dtype : DType::F32;
  ShapeResult r = broadcast(c.arg(0).shape, v.isTensor() ? v.shape : Shape{});
  return fromShape(c, 0, dt, r);
}

static Value clampRule(BuiltinCall &c) {
  if (anyError(c) || !needTensor(c, 0) || !needNumber(c, 1) ||
      !needNumber(c, 2))
    return Value::error();
  return c.arg(0);
}

// ----- Reductions and linear algebra ---------------------------------------------

static Value reduceRule(BuiltinCall &c) {
  if (anyError(c) || !needTensor(c, 0))
    return Value::error();
  bool isArgmax = c.name == "argmax";
  auto axes = knownInts(c, 1);
  if (!axes)
    return Value::error();
  if (isArgmax && axes->size() > 1)
    return c.fail(1, "'argmax' reduces over one axis, found " +
                         llvm::Twine(axes->size()));
  if (isArgmax && axes->empty())
    axes->push_back(-1);
  bool keepdim = c.has(2) && c.arg(2).flag.value_or(false);
  if (c.has(2) && c.arg(2).kind != Kind::Bool)
    return c.fail(2, "'keepdim' must be a bool, found " + c.arg(2).typeStr());
  DType dt = isArgmax ? DType::I32 : c.arg(0).dtype;
  if (c.symbolic)
    return unknownTensor(dt, c.arg(0).shape.size() -
                                 (keepdim ? 0 : axes->size()));
  return fromShape(c, c.has(1) ? 1 : 0, dt,
                   inferReduce(c.arg(0).shape, *axes, keepdim));
}

static Value transposeRule(BuiltinCall &c) {
  if (anyError(c) || !needTensor(c, 0))
    return Value::error();
  auto perm = knownInts(c, 1);
  if (!perm)
    return Value::error();
  if (c.symbolic)
    return unknownTensor(c.arg(0).dtype, c.arg(0).shape.size());
  return fromShape(c, 1, c.arg(0).dtype, inferTranspose(c.arg(0).shape, *perm));
}

// ----- Neural ------------------------------------------------------------------

static Value conv2dRule(BuiltinCall &c) {
  if (anyError(c) || !needFloatTensor(c, 0) || !needFloatTensor(c, 1))
    return Value::error();
  auto s = knownInt(c, 2, 1), p = knownInt(c, 3, 0), d = knownInt(c, 4, 1),
       g = knownInt(c, 5, 1);
  if (!s || !p || !d || !g)
    return Value::error();
  if (c.symbolic) {
    const Shape &x = c.arg(0).shape, &w = c.arg(1).shape;
    if (x.size() != 4 || w.size() != 4)
      return unknownTensor(c.arg(0).dtype, 4);
    return Value::tensor(c.arg(0).dtype, {x[0], w[0], Dim::unknown(),
                                          Dim::unknown()});
  }
  if (*s < 1 || *d < 1 || *g < 1 || *p < 0)
    return c.failCall("conv2d needs stride, dilation and groups >= 1 and "
                      "padding >= 0");
  return fromShape(c, 0, c.arg(0).dtype,
                   inferConv2d(c.arg(0).shape, c.arg(1).shape, *s, *p, *d, *g));
}

static Value poolRule(BuiltinCall &c) {
  if (anyError(c) || !needFloatTensor(c, 0))
    return Value::error();
  auto k = knownInt(c, 1, 1);
  if (!k)
    return Value::error();
  auto s = knownInt(c, 2, *k), p = knownInt(c, 3, 0);
  if (!s || !p)
    return Value::error();
  if (c.symbolic) {
    const Shape &x = c.arg(0).shape;
    if (x.size() != 4)
      return unknownTensor(c.arg(0).dtype, 4);
    return Value::tensor(c.arg(0).dtype, {x[0], x[1], Dim::unknown(),
                                          Dim::unknown()});
  }
  if (*k < 1 || *s < 1 || *p < 0 || *p * 2 > *k)
    return c.failCall("'" + c.name + "' needs k >= 1, stride >= 1 and "
                      "0 <= padding <= k/2");
  return fromShape(c, 0, c.arg(0).dtype,
                   inferPool2d(c.arg(0).shape, *k, *s, *p));
}

static Value softmaxRule(BuiltinCall &c) {
  if (anyError(c) || !needFloatTensor(c, 0))
    return Value::error();
  auto axis = knownInt(c, 1, -1);
  if (!axis)
    return Value::error();
  if (!c.symbolic && !normalizeAxis(*axis, c.arg(0).shape.size()))
    return c.fail(1, "axis " + llvm::Twine(*axis) + " is out of range for " +
                         c.arg(0).typeStr());
  return c.arg(0);
}

static Value embeddingRule(BuiltinCall &c) {
  if (anyError(c) || !needFloatTensor(c, 0) || !needTensor(c, 1))
    return Value::error();
  DType ids = c.arg(1).dtype;
  if (ids != DType::I32 && ids != DType::I64)
    return c.fail(1, "embedding ids must be i32 or i64, found " +
                         c.arg(1).typeStr());
  return fromShape(c, 0, c.arg(0).dtype,
                   inferEmbedding(c.arg(0).shape, c.arg(1).shape));
}

/// A number as a user writes it: 0.5, 1e-08, 2.
static std::string numberStr(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g", v);
  return buf;
}

static Value dropoutRule(BuiltinCall &c) {
  if (anyError(c) || !needFloatTensor(c, 0) || !needNumber(c, 1))
    return Value::error();
  if (auto p = c.arg(1).knownNumber(); p && (*p < 0 || *p >= 1))
    return c.fail(1, "dropout probability must be in [0, 1), found " +
                         numberStr(*p));
  return c.arg(0);
}

static Value batchNormRule(BuiltinCall &c) {
  if (anyError(c) || !needFloatTensor(c, 0) || !needFloatTensor(c, 1) ||
      !needFloatTensor(c, 2) || !needNumber(c, 3))
    return Value::error();
  const Shape &x = c.arg(0).shape;
  if (x.size() < 2)
    return c.fail(0, "batch_norm expects [N, C, ...], found " +
                         c.arg(0).typeStr());
  for (unsigned i : {1u, 2u}) {
    const Shape &s = c.arg(i).shape;
    if (s.size() != 1 || !s[0].compatible(x[1]))
      return c.fail(i, "batch_norm statistics must be f32[" + x[1].str() +
                           "] (one per channel), found " + c.arg(i).typeStr());
  }
  return c.arg(0);
}

static Value layerNormRule(BuiltinCall &c) {
  if (anyError(c) || !needFloatTensor(c, 0) || !needNumber(c, 1))
    return Value::error();
  if (c.arg(0).shape.empty())
    return c.fail(0, "layer_norm needs a tensor of rank >= 1, found " +
                         c.arg(0).typeStr());
  return c.arg(0);
}

static Value crossEntropyRule(BuiltinCall &c) {
  if (anyError(c) || !needFloatTensor(c, 0) || !needTensor(c, 1) ||
      !needNumber(c, 2))
    return Value::error();
  DType t = c.arg(1).dtype;
  if (t != DType::I32 && t != DType::I64)
    return c.fail(1, "cross_entropy labels must be class indices (i32[B]), "
                     "found " + c.arg(1).typeStr());
  return fromShape(c, 0, c.arg(0).dtype,
                   inferCrossEntropy(c.arg(0).shape, c.arg(1).shape));
}

// ----- Shape ops -----------------------------------------------------------------

static Value reshapeRule(BuiltinCall &c) {
  if (anyError(c) || !needTensor(c, 0))
    return Value::error();
  auto target = shapeArg(c, 1);
  if (!target)
    return Value::error();
  return fromShape(c, 1, c.arg(0).dtype, inferReshape(c.arg(0).shape, *target));
}

static Value flattenRule(BuiltinCall &c) {
  if (anyError(c) || !needTensor(c, 0))
    return Value::error();
  return fromShape(c, 0, c.arg(0).dtype, inferFlatten(c.arg(0).shape));
}

/// The tensors of a list argument (concat, stack), all of one dtype.
static std::optional<std::vector<Shape>> tensorList(BuiltinCall &c,
                                                    unsigned i, DType &dt) {
  const Value &v = c.arg(i);
  if (v.kind != Kind::List || v.elements.empty()) {
    c.fail(i, "'" + c.name + "' expects a non-empty list of tensors, found " +
                  v.typeStr());
    return std::nullopt;
  }
  std::vector<Shape> shapes;
  for (const Value &e : v.elements) {
    if (!e.isTensor() || e.dtype != v.elements[0].dtype) {
      c.fail(i, "'" + c.name + "' expects tensors of one dtype, found " +
                    v.typeStr());
      return std::nullopt;
    }
    shapes.push_back(e.shape);
  }
  dt = v.elements[0].dtype;
  return shapes;
}

static Value concatRule(BuiltinCall &c) {
  DType dt;
  if (anyError(c))
    return Value::error();
  auto shapes = tensorList(c, 0, dt);
  auto axis = knownInt(c, 1, 0);
  if (!shapes || !axis)
    return Value::error();
  if (c.symbolic)
    return unknownTensor(dt, (*shapes)[0].size() + (c.name == "stack"));
  ShapeResult r = c.name == "concat" ? inferConcat(*shapes, *axis)
                                     : inferStack(*shapes, *axis);
  return fromShape(c, 0, dt, r);
}

static Value splitRule(BuiltinCall &c) {
  if (anyError(c) || !needTensor(c, 0))
    return Value::error();
  auto n = knownInt(c, 1, 1), axis = knownInt(c, 2, 0);
  if (!n || !axis)
    return Value::error();
  if (c.symbolic)
    return Value::error(); // the number of parts is not known generically
  if (*n < 1 || *n > 4096)
    return c.fail(1, "split count must be between 1 and 4096, found " +
                         llvm::Twine(*n));
  ShapeResult r = inferSplitPart(c.arg(0).shape, *n, *axis);
  if (!r)
    return c.fail(1, r.error);
  Value t = Value::of(Kind::Tuple);
  t.elements.assign(*n, Value::tensor(c.arg(0).dtype, *r.shape));
  return t;
}

static Value squeezeRule(BuiltinCall &c) {
  if (anyError(c) || !needTensor(c, 0))
    return Value::error();
  auto axis = knownInt(c, 1, 0);
  if (!axis)
    return Value::error();
  if (c.symbolic)
    return unknownTensor(c.arg(0).dtype, c.arg(0).shape.size() +
                                             (c.name == "squeeze" ? -1 : 1));
  ShapeResult r = c.name == "squeeze" ? inferSqueeze(c.arg(0).shape, *axis)
                                      : inferUnsqueeze(c.arg(0).shape, *axis);
  return fromShape(c, 1, c.arg(0).dtype, r);
}

static Value broadcastToRule(BuiltinCall &c) {
  if (anyError(c) || !needTensor(c, 0))
    return Value::error();
  auto target = shapeArg(c, 1);
  if (!target)
    return Value::error();
  return fromShape(c, 1, c.arg(0).dtype,
                   inferBroadcastTo(c.arg(0).shape, *target));
}

// ----- Constructors and random -------------------------------------------------

static Value constructorRule(BuiltinCall &c) {
  if (anyError(c))
    return Value::error();
  auto shape = shapeArg(c, 0);
  if (!shape)
    return Value::error();
  for (unsigned i = 1; i < c.args.size(); ++i)
    if (!needNumber(c, i))
      return Value::error();
  return Value::tensor(DType::F32, *shape);
}

static Value likeRule(BuiltinCall &c) {
  if (anyError(c) || !needTensor(c, 0))
    return Value::error();
  return c.arg(0);
}

static Value arangeRule(BuiltinCall &c) {
  if (anyError(c))
    return Value::error();
  if (c.arg(0).kind != Kind::Int)
    return c.fail(0, "'arange' expects an integer length, found " +
                         c.arg(0).typeStr());
  return Value::tensor(DType::I32, {c.arg(0).dim});
}

// ----- Datasets ----------------------------------------------------------------

/// The first arguments of a dataset reader, named `names`, are strings
/// (paths, a column name).
static bool needStrings(BuiltinCall &c,
                        std::initializer_list<const char *> names) {
  unsigned i = 0;
  for (const char *name : names) {
    if (c.has(i) && c.arg(i).kind != Kind::Str) {
      c.fail(i, "'" + c.name + "' expects a string for '" + name +
                    "', found " + c.arg(i).typeStr());
      return false;
    }
    ++i;
  }
  return true;
}

/// A Dataset value yielding batches (x, y).
static Value dataset(BuiltinCall &c, std::string path, Value x, Value y) {
  Value d = Value::of(Kind::Dataset);
  // The reader and its paths travel to the runtime in the model descriptor.
  d.builtin = c.name;
  d.text = std::move(path);
  d.batch = std::make_shared<std::pair<Value, Value>>(std::move(x),
                                                      std::move(y));
  return d;
}

/// idx(dir): MNIST-format images, 1x28x28, and their class labels.
static Value idxRule(BuiltinCall &c) {
  if (anyError(c) || !needStrings(c, {"dir"}))
    return Value::error();
  Dim batch = Dim::symbol("B");
  return dataset(c, c.arg(0).text.value_or(""),
                 Value::tensor(DType::F32, {batch, Dim::known(1),
                                            Dim::known(28), Dim::known(28)}),
                 Value::tensor(DType::I32, {batch}));
}

/// A csv or npy dataset whose strings are not known yet, as in a helper
/// function checked generically: the files are read once they are, at
/// each call.
static Value unknownDataset(BuiltinCall &c) {
  Dim batch = Dim::symbol("B");
  return dataset(c, "", Value::tensor(DType::F32, {batch, Dim::unknown()}),
                 Value::tensor(DType::F32, {batch}));
}

static bool stringsKnown(BuiltinCall &c, llvm::ArrayRef<unsigned> which) {
  for (unsigned i : which)
    if (!c.arg(i).text)
      return false;
  return true;
}

/// The compile-time bool argument `i` (named `what` in the message), or
/// nothing after reporting it.
static std::optional<bool> knownFlag(BuiltinCall &c, unsigned i,
                                     const char *what) {
  if (c.arg(i).kind == Kind::Bool && c.arg(i).flag)
    return c.arg(i).flag;
  c.fail(i, "'" + c.name + "': '" + what + "' must be true or false, found " +
                c.arg(i).typeStr());
  return std::nullopt;
}

/// The `test` argument of a csv or npy reader (default 0.2), in (0, 1).
static std::optional<double> testFraction(BuiltinCall &c, unsigned i) {
  if (!c.has(i))
    return 0.2;
  std::optional<double> f = c.arg(i).knownNumber();
  if (f && *f > 0 && *f < 1)
    return f;
  char found[32];
  if (f)
    std::snprintf(found, sizeof found, "%g", *f);
  c.fail(i, "'" + c.name + "': 'test' (the fraction of examples held out "
                "for evaluation) must be a compile-time number in (0, 1), "
                "found " + (f ? std::string(found) : c.arg(i).typeStr()));
  return std::nullopt;
}

/// The file argument `i` resolved against the file of the call.
static std::string dataPath(BuiltinCall &c, unsigned i) {
  return resolveDataPath(*c.arg(i).text,
                         c.sm.fileName(c.callRange.begin.file));
}

/// csv(path, label, classes = false, test = 0.2): the header row names the
/// columns; x holds the others, in file order.
static Value csvRule(BuiltinCall &c) {
  if (anyError(c) || !needStrings(c, {"path", "label"}))
    return Value::error();
  if (!stringsKnown(c, {0, 1}))
    return unknownDataset(c);
  auto source = std::make_shared<DataSource>();
  source->label = *c.arg(1).text;
  if (c.has(2)) {
    std::optional<bool> classes = knownFlag(c, 2, "classes");
    if (!classes)
      return Value::error();
    source->classes = *classes;
  }
  std::optional<double> test = testFraction(c, 3);
  if (!test)
    return Value::error();
  source->test = *test;
  std::string path = dataPath(c, 0);
  std::vector<std::string> columns;
  if (std::string err = readCsvHeader(path, columns); !err.empty())
    return c.fail(0, "'csv': " + err);
  if (!llvm::is_contained(columns, source->label)) {
    std::string names;
    for (const std::string &col : columns)
      names += (names.empty() ? "'" : ", '") + col + "'";
    return c.fail(1, "'csv': '" + path + "' has no column '" +
                         source->label + "'; its columns are " + names);
  }
  if (columns.size() < 2)
    return c.fail(0, "'csv': '" + path + "' has no column besides the label "
                     "'" + source->label + "'");
  Dim batch = Dim::symbol("B");
  Value d = dataset(
      c, path,
      Value::tensor(DType::F32,
                    {batch, Dim::known(int64_t(columns.size()) - 1)}),
      Value::tensor(source->classes ? DType::I32 : DType::F32, {batch}));
  d.source = source;
  return d;
}

/// The header of NPY argument `i`, or an error reported there.
static std::optional<NpyInfo> npyArg(BuiltinCall &c, unsigned i,
                                     std::string &path) {
  path = dataPath(c, i);
  NpyInfo info;
  if (std::string err = readNpyHeader(path, info); !err.empty()) {
    c.fail(i, "'npy': " + err);
    return std::nullopt;
  }
  return info;
}

/// npy(x_path, y_path, test = 0.2): x [N, ...] as f32; y [N] of integers
/// gives class indices (i32), y [N, ...] of floats (or bools) f32 targets.
static Value npyRule(BuiltinCall &c) {
  if (anyError(c) || !needStrings(c, {"x_path", "y_path"}))
    return Value::error();
  if (!stringsKnown(c, {0, 1}))
    return unknownDataset(c);
  auto source = std::make_shared<DataSource>();
  std::optional<double> test = testFraction(c, 2);
  if (!test)
    return Value::error();
  source->test = *test;
  std::string xPath;
  std::optional<NpyInfo> x = npyArg(c, 0, xPath);
  if (!x)
    return Value::error();
  std::optional<NpyInfo> y = npyArg(c, 1, source->yPath);
  if (!y)
    return Value::error();
  if (x->shape.size() < 2)
    return c.fail(0, "'npy': '" + xPath + "' must hold the examples as [N, "
                     "features...] (rank 2 or more), found rank " +
                         std::to_string(x->shape.size()));
  if (y->shape.empty() || y->shape[0] != x->shape[0])
    return c.fail(1, "'npy': '" + source->yPath + "' must hold one label per "
                     "example of '" + xPath + "' (" +
                         std::to_string(x->shape[0]) + ")");
  bool classes = y->kind == 'i' || y->kind == 'u';
  if (classes && y->shape.size() != 1)
    return c.fail(1, "'npy': integer labels (class indices) must be [N], "
                     "found rank " + std::to_string(y->shape.size()) +
                         " in '" + source->yPath + "'");
  Dim batch = Dim::symbol("B");
  Shape xShape{batch}, yShape{batch};
  for (size_t i = 1; i < x->shape.size(); ++i)
    xShape.push_back(Dim::known(x->shape[i]));
  for (size_t i = 1; i < y->shape.size(); ++i)
    yShape.push_back(Dim::known(y->shape[i]));
  source->classes = classes;
  Value d = dataset(c, xPath, Value::tensor(DType::F32, xShape),
                    Value::tensor(classes ? DType::I32 : DType::F32, yShape));
  d.source = source;
  return d;
}

/// augment(data, crop = 0, flip = false): the training split's images are
/// augmented per example by the runtime's loader; the evaluation is not.
static Value augmentRule(BuiltinCall &c) {
  if (anyError(c))
    return Value::error();
  const Value &data = c.arg(0);
  if (data.kind != Kind::Dataset || data.batch->first.shape.size() != 4)
    return c.fail(0, "'augment' expects an image dataset such as "
                     "fashion_mnist(), found " + data.typeStr());
  Value d = data;
  d.settings.clear();
  if (c.has(1)) {
    std::optional<int64_t> crop = c.arg(1).knownInt();
    if (!crop || *crop < 0)
      return c.fail(1, "'augment': 'crop' (the zero padding of a random "
                       "crop) must be a compile-time integer >= 0, found " +
                           (crop ? std::to_string(*crop)
                                 : c.arg(1).typeStr()));
    d.settings.emplace_back("crop", static_cast<double>(*crop));
  }
  if (c.has(2)) {
    std::optional<bool> flip = knownFlag(c, 2, "flip");
    if (!flip)
      return Value::error();
    d.settings.emplace_back("flip", *flip ? 1.0 : 0.0);
  }
  return d;
}

// ----- Learning-rate schedules -------------------------------------------------

namespace {
/// A schedule and its settings with their defaults; the first `required`
/// must be given. The runtime computes the factor from these (schedule.cpp).
struct ScheduleSpec {
  const char *name;
  std::vector<std::pair<const char *, double>> settings;
  unsigned required;
};
} // namespace

static const std::vector<ScheduleSpec> &scheduleTable() {
  static const std::vector<ScheduleSpec> table = {
      {"cosine", {{"warmup", 0.0}, {"final", 0.0}}, 0},
      {"step_decay", {{"every", 0.0}, {"gamma", 0.1}, {"warmup", 0.0}}, 1},
      {"warmup", {{"epochs", 0.0}}, 1},
  };
  return table;
}

/// A schedule is a compile-time value: it travels to the runtime in the
/// model descriptor, and the driver scales the learning rate by its factor
/// before each step.
static Value scheduleRule(BuiltinCall &c) {
  if (anyError(c))
    return Value::error();
  const ScheduleSpec *spec = nullptr;
  for (const ScheduleSpec &s : scheduleTable())
    if (c.name == s.name)
      spec = &s;
  Value d = Value::of(Kind::Schedule);
  d.builtin = c.name.str();
  for (unsigned i = 0; i < spec->settings.size(); ++i) {
    auto [name, dflt] = spec->settings[i];
    double v = dflt;
    if (c.has(i)) {
      std::optional<double> n = c.arg(i).knownNumber();
      if (!n)
        return c.fail(i, "'" + c.name + "' expects a compile-time number for '" +
                             name + "', found " + c.arg(i).typeStr());
      v = *n;
    }
    llvm::StringRef key = name;
    bool ok = key == "final"   ? v >= 0 && v <= 1
              : key == "every" || key == "gamma" || key == "epochs" ? v > 0
                                                                    : v >= 0;
    if (!ok) {
      char found[32];
      std::snprintf(found, sizeof found, "%g", v);
      return c.fail(i, "'" + c.name + "': '" + name + "' must be " +
                           (key == "final"    ? "in [0, 1]"
                            : key == "warmup" ? "at least 0"
                                              : "greater than 0") +
                           ", found " + found);
    }
    d.settings.emplace_back(name, v);
  }
  return d;
}

// ----- Initializers --------------------------------------------------------------

static Value initRule(BuiltinCall &c) {
  if (anyError(c))
    return Value::error();
  for (unsigned i = 0; i < c.args.size(); ++i)
    if (!needNumber(c, i))
      return Value::error();
  return Value::none();
}

// ----- Tables --------------------------------------------------------------------

static const std::vector<BuiltinSpec> &builtinTable() {
  static const std::vector<BuiltinSpec> table = [] {
    std::vector<BuiltinSpec> t;
    for (const char *n : {"relu", "sigmoid", "tanh", "exp", "log", "sqrt",
                          "rsqrt", "abs", "neg", "sign", "erf"})
      t.push_back({n, {"x"}, 1, unaryRule});
    t.push_back({"leaky_relu", {"x", "alpha"}, 1, unaryRule});
    t.push_back({"maximum", {"a", "b"}, 2, binaryRule});
    t.push_back({"minimum", {"a", "b"}, 2, binaryRule});
    t.push_back({"where", {"mask", "a", "b"}, 3, whereRule});
    t.push_back({"clamp", {"x", "lo", "hi"}, 3, clampRule});
    for (const char *n : {"sum", "mean", "max", "min", "logsumexp", "argmax"})
      t.push_back({n, {"x", "axis", "keepdim"}, 1, reduceRule});
    t.push_back({"transpose", {"x", "perm"}, 2, transposeRule});
    t.push_back({"conv2d",
                 {"x", "w", "stride", "padding", "dilation", "groups"},
                 2, conv2dRule});
    t.push_back({"max_pool2d", {"x", "k", "stride", "padding"}, 2, poolRule});
    t.push_back({"avg_pool2d", {"x", "k", "stride", "padding"}, 2, poolRule});
    t.push_back({"softmax", {"x", "axis"}, 1, softmaxRule});
    t.push_back({"log_softmax", {"x", "axis"}, 1, softmaxRule});
    t.push_back({"embedding", {"table", "ids"}, 2, embeddingRule});
    t.push_back({"dropout", {"x", "p"}, 2, dropoutRule});
    t.push_back({"batch_norm", {"x", "mean", "var", "eps"}, 3, batchNormRule});
    t.push_back({"layer_norm", {"x", "eps"}, 1, layerNormRule});
    t.push_back({"cross_entropy", {"logits", "labels", "label_smoothing"}, 2,
                 crossEntropyRule});
    t.push_back({"reshape", {"x", "shape"}, 2, reshapeRule});
    t.push_back({"flatten", {"x"}, 1, flattenRule});
    t.push_back({"concat", {"xs", "axis"}, 1, concatRule});
    t.push_back({"stack", {"xs", "axis"}, 1, concatRule});
    t.push_back({"split", {"x", "n", "axis"}, 2, splitRule});
    t.push_back({"squeeze", {"x", "axis"}, 2, squeezeRule});
    t.push_back({"unsqueeze", {"x", "axis"}, 2, squeezeRule});
    t.push_back({"broadcast_to", {"x", "shape"}, 2, broadcastToRule});
    t.push_back({"zeros", {"shape"}, 1, constructorRule});
    t.push_back({"ones", {"shape"}, 1, constructorRule});
    t.push_back({"full", {"shape", "value"}, 2, constructorRule});
    t.push_back({"normal", {"shape", "std"}, 1, constructorRule});
    t.push_back({"uniform", {"shape", "lo", "hi"}, 3, constructorRule});
    t.push_back({"bernoulli", {"shape", "p"}, 2, constructorRule});
    t.push_back({"zeros_like", {"x"}, 1, likeRule});
    t.push_back({"ones_like", {"x"}, 1, likeRule});
    t.push_back({"arange", {"n"}, 1, arangeRule});
    t.push_back({"idx", {"dir"}, 1, idxRule});
    t.push_back({"csv", {"path", "label", "classes", "test"}, 2, csvRule});
    t.push_back({"npy", {"x_path", "y_path", "test"}, 2, npyRule});
    t.push_back({"augment", {"data", "crop", "flip"}, 1, augmentRule});
    for (const ScheduleSpec &s : scheduleTable()) {
      std::vector<const char *> params;
      for (const auto &setting : s.settings)
        params.push_back(setting.first);
      t.push_back({s.name, params, s.required, scheduleRule});
    }
    return t;
  }();
  return table;
}

static const std::vector<BuiltinSpec> &initializerTable() {
  static const std::vector<BuiltinSpec> table = {
      {"zeros", {}, 0, initRule},
      {"ones", {}, 0, initRule},
      {"constant", {"value"}, 1, initRule},
      {"normal", {"std"}, 0, initRule},
      {"uniform", {"lo", "hi"}, 2, initRule},
      {"glorot_uniform", {}, 0, initRule},
      {"glorot_normal", {}, 0, initRule},
      {"kaiming_uniform", {"a"}, 0, initRule},
      {"kaiming_normal", {"a"}, 0, initRule},
  };
  return table;
}

static const BuiltinSpec *find(const std::vector<BuiltinSpec> &t,
                               llvm::StringRef name) {
  for (const BuiltinSpec &s : t)
    if (name == s.name)
      return &s;
  return nullptr;
}

const BuiltinSpec *sema::lookupBuiltin(llvm::StringRef name) {
  return find(builtinTable(), name);
}

const BuiltinSpec *sema::lookupInitializer(llvm::StringRef name) {
  return find(initializerTable(), name);
}

std::vector<llvm::StringRef> sema::builtinNames() {
  std::vector<llvm::StringRef> names;
  for (const BuiltinSpec &s : builtinTable())
    names.push_back(s.name);
  return names;
}
