//===- CheckExprs.cpp - Expressions: names, operators, indexing -----------===//
//
// Evaluates expressions to Values. Arithmetic on compile-time numbers folds
// (int dims symbolically); with a tensor operand, numbers become scalars of
// the tensor's dtype and shapes broadcast as in NumPy. Errors put the caret on
// the operator and tildes under both operands.
//
//===----------------------------------------------------------------------===//

#include "Checker.h"
#include "llvm/ADT/StringExtras.h"
#include <cctype>
#include <cmath>

using namespace nnc;
using namespace nnc::sema;
using namespace nnc::shape;
using ast::BinaryOp;
using llvm::cast;
using llvm::Twine;
using K = Value::Kind;

Value Checker::eval(const ast::Expr &e) {
  switch (e.getKind()) {
  case ast::Expr::Kind::IntLit:
    return Value::integer(cast<ast::IntLit>(e).value);
  case ast::Expr::Kind::FloatLit:
    return Value::floating(cast<ast::FloatLit>(e).value);
  case ast::Expr::Kind::StringLit:
    return Value::string(cast<ast::StringLit>(e).value);
  case ast::Expr::Kind::BoolLit:
    return Value::boolean(cast<ast::BoolLit>(e).value);
  case ast::Expr::Kind::NoneLit:
    return Value::none();
  case ast::Expr::Kind::Name:
    return evalName(cast<ast::NameExpr>(e));
  case ast::Expr::Kind::Unary:
    return evalUnary(cast<ast::UnaryExpr>(e));
  case ast::Expr::Kind::Binary:
    return evalBinary(cast<ast::BinaryExpr>(e));
  case ast::Expr::Kind::Call:
    return evalCall(cast<ast::CallExpr>(e));
  case ast::Expr::Kind::Index:
    return evalIndex(cast<ast::IndexExpr>(e));
  case ast::Expr::Kind::Member:
    return evalMember(cast<ast::MemberExpr>(e));
  case ast::Expr::Kind::Tuple:
  case ast::Expr::Kind::List: {
    bool isTuple = e.getKind() == ast::Expr::Kind::Tuple;
    const auto &elems = isTuple ? cast<ast::TupleExpr>(e).elements
                                : cast<ast::ListExpr>(e).elements;
    Value v = Value::of(isTuple ? K::Tuple : K::List);
    for (const ast::ExprPtr &x : elems) {
      v.elements.push_back(eval(*x));
      if (v.elements.back().isError())
        return Value::error();
    }
    return v;
  }
  }
  return Value::error();
}

Value Checker::lookupGlobal(const Global &g) {
  if (g.model) {
    Value v = Value::of(K::ModelDecl);
    v.modelDecl = g.model;
    return v;
  }
  if (g.fn) {
    Value v = Value::of(K::Function);
    v.fn = g.fn;
    return v;
  }
  if (g.optimizer) {
    Value v = Value::of(K::OptimizerDecl);
    v.optimizerDecl = g.optimizer;
    return v;
  }
  return constValue(*g.constant);
}

/// Edit distance in which swapping two adjacent characters, the commonest
/// typo, counts as one edit (optimal string alignment): `rleu` is 1 from
/// `relu` but 2 from `elu`.
static unsigned typoDistance(llvm::StringRef a, llvm::StringRef b) {
  std::vector<std::vector<unsigned>> d(a.size() + 1,
                                       std::vector<unsigned>(b.size() + 1));
  for (size_t i = 0; i <= a.size(); ++i)
    d[i][0] = i;
  for (size_t j = 0; j <= b.size(); ++j)
    d[0][j] = j;
  for (size_t i = 1; i <= a.size(); ++i)
    for (size_t j = 1; j <= b.size(); ++j) {
      d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1,
                          d[i - 1][j - 1] + (a[i - 1] != b[j - 1])});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
        d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
    }
  return d[a.size()][b.size()];
}

/// The closest name to `name` among `candidates`, or "".
static std::string closest(llvm::StringRef name,
                           const std::vector<std::string> &candidates) {
  std::string best;
  unsigned bestDist = name.size() <= 3 ? 1 : 2;
  for (const std::string &c : candidates) {
    size_t lengths = std::max(name.size(), c.size()) -
                     std::min(name.size(), c.size());
    if (lengths > bestDist)
      continue;
    unsigned d = typoDistance(name, c);
    if (d == 0 || d > bestDist)
      continue;
    if (best.empty() || d < bestDist) {
      best = c;
      bestDist = d;
    }
  }
  return best;
}

Value Checker::evalName(const ast::NameExpr &e) {
  if (Binding *b = lookupLocal(e.name))
    return b->value;
  if (frame.self)
    if (const ast::ModelMember *m = findMember(*frame.self->decl, e.name))
      return memberValue(frame.self, *m);
  const std::map<std::string, Global> &visible = globalsFor(e.range.begin);
  if (visible.count(e.name))
    return lookupGlobal(visible.at(e.name));
  if (lookupBuiltin(e.name)) {
    Value v = Value::of(K::Builtin);
    v.builtin = e.name;
    return v;
  }
  if (e.name == "training")
    return Value::boolean(emitter ? std::optional<bool>(training)
                                  : std::nullopt);
  if (dimSymbols && std::isupper(static_cast<unsigned char>(e.name[0]))) {
    dimSymbols->insert(e.name);
    return Value::integer(Dim::symbol(e.name));
  }
  std::vector<std::string> candidates;
  for (const auto &scope : scopes)
    for (const auto &[n, b] : scope)
      candidates.push_back(n);
  if (frame.self)
    for (const ast::ModelMember &m : frame.self->decl->members)
      candidates.push_back(m.name);
  for (const auto &[n, g] : visible)
    candidates.push_back(n);
  for (llvm::StringRef n : builtinNames())
    candidates.push_back(n.str());
  std::string hint = closest(e.name, candidates);
  if (dimSymbols)
    return fail(e.range, "unknown dimension '" + e.name +
                             "'; symbolic dimensions are capitalised (B, T) "
                             "and sizes come from hyperparameters" +
                             (hint.empty() ? "" : "; did you mean '" + hint +
                                                      "'?"));
  return fail(e.range, "unknown name '" + e.name + "'" +
                           (hint.empty() ? "" : "; did you mean '" + hint +
                                                    "'?"));
}

void Checker::noteDeclaration(const ast::Expr &operand, const Value &v) {
  const auto *name = llvm::dyn_cast<ast::NameExpr>(&operand);
  if (!name || !v.isTensor())
    return;
  SourceRange decl;
  if (Binding *b = lookupLocal(name->name))
    decl = b->decl;
  else if (frame.self)
    if (const ast::ModelMember *m = findMember(*frame.self->decl, name->name))
      decl = m->nameRange;
  if (decl.isValid())
    diags.note(decl, "'" + name->name + "' declared here as " + v.typeStr());
}

Value Checker::emitUnary(const ast::UnaryExpr &e, const Value &operand) {
  Value result = operand;
  if (emitter)
    emitter->unary(e.op, operand, result, e.range);
  return result;
}

Value Checker::evalUnary(const ast::UnaryExpr &e) {
  Value v = eval(*e.operand);
  if (v.isError())
    return v;
  if (e.op == ast::UnaryOp::Not) {
    if (v.kind == K::Bool)
      return Value::boolean(v.flag ? std::optional<bool>(!*v.flag)
                                   : std::nullopt);
    if (v.isTensor() && v.dtype == DType::Bool)
      return emitUnary(e, v);
    return fail(e.range, "'!' needs a bool, found " + v.typeStr());
  }
  if (v.kind == K::Int)
    return Value::integer(subDims(Dim::known(0), v.dim));
  if (v.kind == K::Float)
    return Value::floating(v.number ? std::optional<double>(-*v.number)
                                    : std::nullopt);
  if (v.isTensor() && v.dtype != DType::Bool)
    return emitUnary(e, v);
  return fail(e.range, "'-' needs a number or a numeric tensor, found " +
                           v.typeStr());
}

static bool isComparison(BinaryOp op) {
  return op == BinaryOp::Eq || op == BinaryOp::Ne || op == BinaryOp::Lt ||
         op == BinaryOp::Le || op == BinaryOp::Gt || op == BinaryOp::Ge;
}

static bool compare(BinaryOp op, double a, double b) {
  switch (op) {
  case BinaryOp::Eq: return a == b;
  case BinaryOp::Ne: return a != b;
  case BinaryOp::Lt: return a < b;
  case BinaryOp::Le: return a <= b;
  case BinaryOp::Gt: return a > b;
  default: return a >= b;
  }
}

/// `base ** exp` for `exp >= 0`; unknown when it overflows.
static Dim intPow(int64_t base, int64_t exp) {
  if (exp == 0 || base == 0 || base == 1)
    return Dim::known(exp == 0 ? 1 : base);
  if (base == -1)
    return Dim::known(exp % 2 ? -1 : 1);
  int64_t r = 1;
  for (int64_t i = 0; i < exp; ++i) // |base| >= 2 overflows within 63 steps
    if (__builtin_mul_overflow(r, base, &r))
      return Dim::unknown();
  return Dim::known(r);
}

/// Folds an operator on two compile-time values (numbers, bools, strings).
/// Known ints give an unknown int only on overflow or division by zero.
static std::optional<Value> foldScalars(BinaryOp op, const Value &a,
                                        const Value &b) {
  if (op == BinaryOp::And || op == BinaryOp::Or) {
    if (a.kind != K::Bool || b.kind != K::Bool)
      return std::nullopt;
    if (a.flag && b.flag)
      return Value::boolean(op == BinaryOp::And ? *a.flag && *b.flag
                                                : *a.flag || *b.flag);
    return Value::boolean(std::nullopt);
  }
  if ((op == BinaryOp::Eq || op == BinaryOp::Ne) && a.kind == b.kind &&
      (a.kind == K::Bool || a.kind == K::Str)) {
    bool known = a.kind == K::Bool ? a.flag && b.flag : a.text && b.text;
    if (!known)
      return Value::boolean(std::nullopt);
    bool eq = a.kind == K::Bool ? *a.flag == *b.flag : *a.text == *b.text;
    return Value::boolean(op == BinaryOp::Eq ? eq : !eq);
  }
  if (!a.isNumber() || !b.isNumber() || op == BinaryOp::Matmul)
    return std::nullopt;
  if (isComparison(op)) {
    if (a.kind == K::Int && b.kind == K::Int && (op == BinaryOp::Eq) &&
        a.dim == b.dim)
      return Value::boolean(true);
    auto x = a.knownNumber(), y = b.knownNumber();
    return Value::boolean(x && y ? std::optional<bool>(compare(op, *x, *y))
                                 : std::nullopt);
  }
  if (a.kind == K::Int && b.kind == K::Int) {
    switch (op) {
    case BinaryOp::Add: return Value::integer(addDims(a.dim, b.dim));
    case BinaryOp::Sub: return Value::integer(subDims(a.dim, b.dim));
    case BinaryOp::Mul: return Value::integer(mulDims(a.dim, b.dim));
    case BinaryOp::Div: return Value::integer(divDims(a.dim, b.dim));
    case BinaryOp::Mod: return Value::integer(modDims(a.dim, b.dim));
    default: break;
    }
    if (op == BinaryOp::Pow && a.dim.isKnown() && b.dim.isKnown() &&
        b.dim.value() >= 0)
      return Value::integer(intPow(a.dim.value(), b.dim.value()));
  }
  auto x = a.knownNumber(), y = b.knownNumber();
  if (!x || !y)
    return Value::floating(std::nullopt);
  switch (op) {
  case BinaryOp::Add: return Value::floating(*x + *y);
  case BinaryOp::Sub: return Value::floating(*x - *y);
  case BinaryOp::Mul: return Value::floating(*x * *y);
  case BinaryOp::Div: return Value::floating(*x / *y);
  case BinaryOp::Mod: return Value::floating(std::fmod(*x, *y));
  case BinaryOp::Pow: return Value::floating(std::pow(*x, *y));
  default: return std::nullopt;
  }
}

Value Checker::emitBinary(const ast::BinaryExpr &e, const Value &lhs,
                          const Value &rhs, Value result) {
  if (emitter)
    emitter->binary(e.op, lhs, rhs, result, e.range);
  return result;
}

Value Checker::evalBinary(const ast::BinaryExpr &e) {
  if (e.op == BinaryOp::Pipe) {
    // `x |> f(a)` is `f(x, a)`; `x |> f` is `f(x)`.
    std::vector<ArgValue> args{{"", e.lhs->range, eval(*e.lhs)}};
    const ast::Expr *callee = e.rhs.get();
    if (const auto *c = llvm::dyn_cast<ast::CallExpr>(callee)) {
      callee = c->callee.get();
      for (const ast::Arg &a : c->args)
        args.push_back({a.name, a.value->range, eval(*a.value), a.nameRange});
    }
    Value f = eval(*callee);
    if (args[0].value.isError() || f.isError())
      return Value::error();
    return call(f, args, e.rhs->range, callee->range);
  }
  Value a = eval(*e.lhs), b = eval(*e.rhs);
  if (a.isError() || b.isError())
    return Value::error();
  std::string op = ast::spelling(e.op);
  auto error = [&](const Twine &msg) {
    diags.error(e.opRange.begin, {e.lhs->range, e.opRange, e.rhs->range}, msg);
    noteDeclaration(*e.lhs, a);
    // `x @ x` needs the note once.
    const auto *l = llvm::dyn_cast<ast::NameExpr>(e.lhs.get());
    const auto *r = llvm::dyn_cast<ast::NameExpr>(e.rhs.get());
    if (!l || !r || l->name != r->name)
      noteDeclaration(*e.rhs, b);
    return Value::error();
  };
  if (!a.isTensor() && !b.isTensor()) {
    std::optional<Value> v = foldScalars(e.op, a, b);
    if (v && a.knownInt() && b.knownInt() && v->kind == K::Int &&
        !v->knownInt())
      return error(*b.knownInt() == 0 && (e.op == BinaryOp::Div ||
                                          e.op == BinaryOp::Mod)
                       ? Twine("division by zero")
                       : "integer overflow: " + Twine(*a.knownInt()) + " " +
                             op + " " + Twine(*b.knownInt()) +
                             " does not fit in 64 bits");
    if (v)
      return *v;
    return error("invalid operands to '" + op + "': " + a.typeStr() +
                 " and " + b.typeStr());
  }
  // At least one tensor: a number or bool on the other side is a scalar.
  auto asTensor = [](const Value &v, DType like) -> std::optional<Value> {
    if (v.isTensor())
      return v;
    if (v.isNumber())
      return Value::tensor(like, {});
    if (v.kind == K::Bool)
      return Value::tensor(DType::Bool, {});
    return std::nullopt;
  };
  DType like = a.isTensor() ? a.dtype : b.dtype;
  auto ta = asTensor(a, like), tb = asTensor(b, like);
  if (!ta || !tb)
    return error("invalid operands to '" + op + "': " + a.typeStr() +
                 " and " + b.typeStr());
  if (ta->dtype != tb->dtype)
    return error("operand types differ for '" + op + "': " + a.typeStr() +
                 " vs " + b.typeStr());
  bool logical = e.op == BinaryOp::And || e.op == BinaryOp::Or;
  if (logical != (ta->dtype == DType::Bool) && !isComparison(e.op))
    return error(logical ? "'" + op + "' needs bool operands, found " +
                               a.typeStr() + " and " + b.typeStr()
                         : "arithmetic on bool tensors; convert with "
                           "where(mask, 1.0, 0.0) first");
  if (e.op == BinaryOp::Matmul) {
    if (!isFloatType(ta->dtype))
      return error("'@' needs floating-point tensors, found " + a.typeStr());
    ShapeResult r = inferMatmul(ta->shape, tb->shape);
    if (!r)
      return error(r.error);
    return emitBinary(e, a, b, Value::tensor(ta->dtype, *r.shape));
  }
  ShapeResult r = broadcast(ta->shape, tb->shape);
  if (!r)
    return error(r.error);
  return emitBinary(e, a, b,
                    Value::tensor(isComparison(e.op) ? DType::Bool : ta->dtype,
                                  *r.shape));
}

Value Checker::evalIndex(const ast::IndexExpr &e) {
  Value base = eval(*e.base);
  if (base.isError())
    return base;
  // Compile-time lists and arrays of models take one integer index.
  if (base.kind == K::ModelArray || base.kind == K::List ||
      base.kind == K::Tuple) {
    const auto &it = e.items[0];
    if (e.items.size() != 1 || it.kind != ast::IndexItem::Kind::Index)
      return fail(e.range, base.typeStr() + " takes one integer index");
    Value i = eval(*it.index);
    if (i.isError())
      return i;
    if (i.kind != K::Int)
      return fail(it.range, "index must be an integer, found " + i.typeStr());
    Dim size = base.kind == K::ModelArray
                   ? base.dim
                   : Dim::known(base.elements.size());
    auto n = i.knownInt();
    if (n && size.isKnown() && (*n < 0 || *n >= size.value()))
      return fail(it.range, "index " + Twine(*n) + " is out of range for " +
                                base.typeStr() + " of length " + size.str());
    if (base.kind == K::ModelArray) {
      base.kind = K::Model;
      if (emitter && n)
        base.model = arrayElement(base.model, *n);
      return base;
    }
    if (!n)
      return fail(it.range, "a list or tuple index must be known at compile "
                            "time");
    return base.elements[*n];
  }
  if (!base.isTensor())
    return fail(e.base->range, "cannot index " + base.typeStr());
  std::vector<IndexItem> items;
  std::vector<int64_t> handles; // run-time indices, for code generation
  int64_t lastHandle = -1;
  auto intOf = [&](const ast::Expr *x,
                   std::optional<int64_t> &out) -> bool {
    if (!x)
      return true;
    Value v = eval(*x);
    lastHandle = v.ir;
    if (v.isError())
      return false;
    if (v.kind != K::Int) {
      fail(x->range, v.isTensor() ? "indexing with a tensor is not supported; "
                                    "use embedding(table, ids) to gather rows"
                                  : "index must be an integer, found " +
                                        v.typeStr());
      return false;
    }
    out = v.knownInt();
    return true;
  };
  for (const ast::IndexItem &it : e.items) {
    IndexItem item;
    if (it.kind == ast::IndexItem::Kind::Ellipsis) {
      item.kind = IndexItem::Kind::Ellipsis;
    } else if (it.kind == ast::IndexItem::Kind::Index &&
               llvm::isa<ast::NoneLit>(*it.index)) {
      item.kind = IndexItem::Kind::NewAxis;
    } else if (it.kind == ast::IndexItem::Kind::Index) {
      lastHandle = -1;
      if (!intOf(it.index.get(), item.start))
        return Value::error();
      if (emitter && !item.start && lastHandle < 0)
        return fail(it.range, "code generation needs this index at compile "
                              "time or as a loop variable");
    } else {
      item.kind = IndexItem::Kind::Slice;
      std::optional<int64_t> step;
      if (!intOf(it.start.get(), item.start) ||
          !intOf(it.stop.get(), item.stop) || !intOf(it.step.get(), step))
        return Value::error();
      if (it.step && !step)
        return fail(it.step->range, "slice step must be known at compile "
                                    "time");
      item.step = step.value_or(1);
    }
    items.push_back(item);
    handles.push_back(item.kind == IndexItem::Kind::Index ? lastHandle : -1);
  }
  ShapeResult r = inferIndex(base.shape, items);
  if (!r)
    return fail(e.range, r.error);
  Value result = Value::tensor(base.dtype, *r.shape);
  if (emitter)
    emitter->index(base, items, handles, result, e.range);
  return result;
}

Value Checker::evalMember(const ast::MemberExpr &e) {
  Value base = eval(*e.base);
  if (base.isError())
    return base;
  if (base.isTensor() && e.member == "T") {
    ShapeResult r = inferSwapLastTwo(base.shape);
    if (!r)
      return fail(e.memberRange, r.error);
    Value result = Value::tensor(base.dtype, *r.shape);
    if (emitter) {
      // `.T` is transpose with the last two axes swapped.
      Value perm = Value::of(K::List);
      for (size_t i = 0; i < base.shape.size(); ++i)
        perm.elements.push_back(Value::integer(int64_t(i)));
      std::swap(perm.elements[base.shape.size() - 1],
                perm.elements[base.shape.size() - 2]);
      const Value *args[] = {&base, &perm};
      emitter->builtin("transpose", args, result, e.range);
    }
    return result;
  }
  if (base.kind == K::Model) {
    if (const ast::ModelMember *m = findMember(*base.model->decl, e.member))
      return memberValue(base.model, *m);
    std::vector<std::string> names;
    for (const ast::ModelMember &m : base.model->decl->members)
      names.push_back(m.name);
    std::string hint = closest(e.member, names);
    return fail(e.memberRange,
                "model '" + base.model->decl->name + "' has no member '" +
                    e.member + "'" +
                    (hint.empty() ? "" : "; did you mean '" + hint + "'?"));
  }
  return fail(e.memberRange, base.typeStr() + " has no member '" + e.member +
                                 "'" +
                                 (base.isTensor() ? " (tensors have '.T')"
                                                  : ""));
}
