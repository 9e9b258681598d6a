//===- MLIRGen.cpp - Checked .nn programs to the nn dialect ---------------===//
//
// An Emitter (nnc/Sema/Emitter.h) that builds nn-dialect IR while Sema
// evaluates the forward pass: Sema resolves names, inlines calls and infers
// every type; this file only maps each reported operation to an op, with
// the result type Sema computed (symbolic dims become dynamic). Ops are
// built generically by name, since the builtin names are the mnemonics.
//
//===----------------------------------------------------------------------===//

#include "NNEmitter.h"
#include "nnc/Dialect/NN/NNOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/Verifier.h"
#include "llvm/Support/Format.h"

using namespace nnc;
using nnc::sema::DType;
using namespace mlir;
using K = sema::Value::Kind;


NNEmitter::NNEmitter(ModuleOp module, llvm::StringRef name,
                     const SourceManager &sm, DiagnosticEngine &diags)
    : ctx(*module.getContext()), sm(sm), diags(diags), b(&ctx) {
  b.setInsertionPointToEnd(module.getBody());
  func = b.create<func::FuncOp>(b.getUnknownLoc(), name,
                                b.getFunctionType({}, {}));
  b.setInsertionPointToStart(func.addEntryBlock());
}

Location NNEmitter::loc(SourceRange r) {
  if (!r.isValid())
    return b.getUnknownLoc();
  LineCol lc = sm.lineCol(r.begin);
  return FileLineColLoc::get(&ctx, sm.fileName(r.begin.file), lc.line,
                             lc.col);
}

void NNEmitter::inputDim(const sema::Value &v, unsigned axis,
                         sema::Value &size) {
  Value dim = b.create<tensor::DimOp>(func.getLoc(), get(v), axis);
  size.ir = record(dim);
}

void NNEmitter::finish(const sema::Value &result, bool withState) {
  SmallVector<Value> results;
  SmallVector<Attribute> resultDicts;
  auto addResult = [&](const sema::Value &v) {
    results.push_back(get(v));
    resultDicts.push_back(b.getDictionaryAttr({}));
    resultInfos.push_back(
        {"output", "output" + std::to_string(resultInfos.size()), v, {}});
  };
  if (result.kind == K::Tuple)
    llvm::for_each(result.elements, addResult);
  else
    addResult(result);
  for (auto &[path, v] : stateUpdates) {
    if (!withState)
      break;
    sema::Value type = sema::Value::tensor(sema::DType::F32, {});
    for (const ArgInfo &a : argInfos)
      if (a.name == path)
        type = a.type;
    resultInfos.push_back({"state", path, type, {}});
    results.push_back(v);
    resultDicts.push_back(b.getDictionaryAttr(
        {b.getNamedAttr("nn.state", b.getStringAttr(path))}));
  }
  b.create<func::ReturnOp>(func.getLoc(), results);
  Block &entry = func.getBody().front();
  func.setFunctionType(b.getFunctionType(entry.getArgumentTypes(),
                                         ValueRange(results).getTypes()));
  func.setAllArgAttrs(argDicts);
  func.setAllResultAttrs(resultDicts);
}

// ----- Types and values ------------------------------------------------------

Type NNEmitter::elementType(DType t) {
  switch (t) {
  case DType::F32: return b.getF32Type();
  case DType::F16: return b.getF16Type();
  case DType::BF16: return b.getBF16Type();
  case DType::F64: return b.getF64Type();
  case DType::I32: return b.getI32Type();
  case DType::I64: return b.getI64Type();
  case DType::Bool: return b.getI1Type();
  }
  llvm_unreachable("unknown dtype");
}

RankedTensorType NNEmitter::typeOf(const sema::Value &v) {
  SmallVector<int64_t> dims;
  for (const shape::Dim &d : v.shape)
    dims.push_back(d.isKnown() ? d.value() : ShapedType::kDynamic);
  return RankedTensorType::get(dims, elementType(v.dtype));
}

Value NNEmitter::get(const sema::Value &v, DType like) {
  if (v.ir >= 0)
    return values[v.ir];
  // A compile-time number or bool used as a tensor: a scalar fill.
  double x = v.kind == K::Bool ? double(v.flag.value_or(false))
                               : v.knownNumber().value_or(0.0);
  DType t = v.kind == K::Bool ? DType::Bool : like;
  auto type = RankedTensorType::get({}, elementType(t));
  return values[build("fill", {}, {}, {type}, {f64("value", x)})];
}

int64_t NNEmitter::addArgument(const sema::Value &v, llvm::StringRef kind,
                               const std::string &name, SourceRange r) {
  Block &entry = func.getBody().front();
  Value arg = entry.addArgument(typeOf(v), loc(r));
  argDicts.push_back(
      b.getDictionaryAttr({b.getNamedAttr(kind, b.getStringAttr(name))}));
  return record(arg);
}

int64_t NNEmitter::build(llvm::StringRef name, SourceRange r,
                         ValueRange operands, TypeRange types,
                         llvm::ArrayRef<NamedAttribute> attrs) {
  OperationState state(loc(r), ("nn." + name).str());
  state.addOperands(operands);
  state.addTypes(types);
  state.addAttributes(attrs);
  Operation *op = b.create(state);
  return record(op->getNumResults() ? op->getResult(0) : Value());
}

std::optional<SmallVector<Value>>
NNEmitter::dynamicSizes(const sema::Value &result, const sema::Value *shape,
                        SourceRange r) {
  SmallVector<Value> sizes;
  for (size_t i = 0; i < result.shape.size(); ++i) {
    if (result.shape[i].isKnown())
      continue;
    const sema::Value *e = shape && shape->kind == K::List &&
                                   i < shape->elements.size()
                               ? &shape->elements[i]
                               : nullptr;
    if (!e || e->ir < 0) {
      diags.error(r, "code generation needs the size of dimension " +
                         llvm::Twine(i) + " (" + result.shape[i].str() +
                         ") at run time; write it as a symbolic dim of an "
                         "input, such as B");
      return std::nullopt;
    }
    sizes.push_back(values[e->ir]);
  }
  return sizes;
}

// ----- Operators -----------------------------------------------------------------

static std::optional<nn::ComparePredicate> predicateOf(ast::BinaryOp op) {
  switch (op) {
  case ast::BinaryOp::Eq: return nn::ComparePredicate::eq;
  case ast::BinaryOp::Ne: return nn::ComparePredicate::ne;
  case ast::BinaryOp::Lt: return nn::ComparePredicate::lt;
  case ast::BinaryOp::Le: return nn::ComparePredicate::le;
  case ast::BinaryOp::Gt: return nn::ComparePredicate::gt;
  case ast::BinaryOp::Ge: return nn::ComparePredicate::ge;
  default: return std::nullopt;
  }
}

void NNEmitter::binary(ast::BinaryOp op, const sema::Value &lhs,
                       const sema::Value &rhs, sema::Value &result,
                       SourceRange r) {
  DType like = lhs.isTensor() ? lhs.dtype : rhs.dtype;
  Value a = get(lhs, like), c = get(rhs, like);
  if (auto pred = predicateOf(op)) {
    result.ir = build("compare", r, {a, c}, {typeOf(result)},
                      {i64("predicate", static_cast<int64_t>(*pred))});
    return;
  }
  static const std::pair<ast::BinaryOp, const char *> names[] = {
      {ast::BinaryOp::Add, "add"}, {ast::BinaryOp::Sub, "sub"},
      {ast::BinaryOp::Mul, "mul"}, {ast::BinaryOp::Div, "div"},
      {ast::BinaryOp::Mod, "mod"}, {ast::BinaryOp::Pow, "pow"},
      {ast::BinaryOp::Matmul, "matmul"}, {ast::BinaryOp::And, "and"},
      {ast::BinaryOp::Or, "or"}};
  for (auto &[o, name] : names)
    if (o == op)
      result.ir = build(name, r, {a, c}, {typeOf(result)}, {});
}

/// An int or a list of ints as int64 values (axes, permutations).
static SmallVector<int64_t> intsOf(const sema::Value *v) {
  SmallVector<int64_t> out;
  if (!v)
    return out;
  if (auto i = v->knownInt())
    out.push_back(*i);
  for (const sema::Value &e : v->elements)
    out.push_back(e.knownInt().value_or(0));
  return out;
}


static bool isUnaryElementwise(llvm::StringRef n) {
  return llvm::is_contained({"relu", "sigmoid", "tanh", "exp", "log", "sqrt",
                             "rsqrt", "abs", "neg", "sign", "erf"},
                            n);
}

void NNEmitter::builtin(llvm::StringRef name,
                        llvm::ArrayRef<const sema::Value *> args,
                        sema::Value &result, SourceRange r) {
  if (!result.isTensor() && result.kind != K::Tuple)
    return; // datasets and folded numbers have no IR
  auto arg = [&](unsigned i) { return i < args.size() ? args[i] : nullptr; };
  // An argument the op takes as an attribute: a compile-time number (the
  // default when absent). A run-time value there cannot be compiled.
  auto numberOr = [&](const sema::Value *v, double dflt) {
    if (!v)
      return dflt;
    if (std::optional<double> n = v->knownNumber())
      return *n;
    diags.error(r, "code generation needs a compile-time number for each "
                   "setting of '" + name.str() + "' (such as an alpha, a "
                   "probability or an epsilon), found " + v->typeStr());
    return dflt;
  };
  DType dt = result.isTensor() ? result.dtype : DType::F32;
  auto operand = [&](unsigned i) { return get(*args[i], dt); };
  Type type = result.isTensor() ? Type(typeOf(result)) : Type();
  if (isUnaryElementwise(name)) {
    result.ir = build(name, r, {operand(0)}, {type}, {});
    return;
  }
  if (name == "leaky_relu") {
    result.ir = build(name, r, {operand(0)}, {type},
                      {f64("alpha", numberOr(arg(1), 0.01))});
    return;
  }
  if (name == "maximum" || name == "minimum") {
    result.ir = build(name, r, {operand(0), operand(1)}, {type}, {});
    return;
  }
  if (name == "where") {
    result.ir = build(name, r, {get(*args[0]), operand(1), operand(2)}, {type},
                      {});
    return;
  }
  if (name == "clamp") {
    result.ir = build(name, r, {operand(0)}, {type},
                      {f64("lo", numberOr(arg(1), 0)),
                       f64("hi", numberOr(arg(2), 0))});
    return;
  }
  if (llvm::is_contained({"sum", "mean", "max", "min", "logsumexp"}, name)) {
    SmallVector<NamedAttribute> attrs{
        b.getNamedAttr("axes", b.getDenseI64ArrayAttr(intsOf(arg(1))))};
    if (arg(2) && arg(2)->flag.value_or(false))
      attrs.push_back(b.getNamedAttr("keepdim", b.getUnitAttr()));
    result.ir = build(name, r, {get(*args[0])}, {type}, attrs);
    return;
  }
  if (name == "argmax") {
    SmallVector<int64_t> axis = intsOf(arg(1));
    SmallVector<NamedAttribute> attrs{i64("axis", axis.empty() ? -1 : axis[0])};
    if (arg(2) && arg(2)->flag.value_or(false))
      attrs.push_back(b.getNamedAttr("keepdim", b.getUnitAttr()));
    result.ir = build(name, r, {get(*args[0])}, {type}, attrs);
    return;
  }
  if (name == "transpose") {
    result.ir = build(name, r, {get(*args[0])}, {type},
                      {b.getNamedAttr("perm",
                                      b.getDenseI64ArrayAttr(intsOf(arg(1))))});
    return;
  }
  if (name == "conv2d") {
    auto iv = [&](unsigned i, int64_t d) {
      return arg(i) ? arg(i)->knownInt().value_or(d) : d;
    };
    result.ir = build(name, r, {operand(0), operand(1)}, {type},
                      {i64("stride", iv(2, 1)), i64("padding", iv(3, 0)),
                       i64("dilation", iv(4, 1)), i64("groups", iv(5, 1))});
    return;
  }
  if (name == "max_pool2d" || name == "avg_pool2d") {
    int64_t k = arg(1)->knownInt().value_or(1);
    int64_t s = arg(2) ? arg(2)->knownInt().value_or(k) : k;
    int64_t p = arg(3) ? arg(3)->knownInt().value_or(0) : 0;
    result.ir = build(name, r, {operand(0)}, {type},
                      {i64("kernel", k), i64("stride", s), i64("padding", p)});
    return;
  }
  if (name == "softmax" || name == "log_softmax") {
    SmallVector<int64_t> axis = intsOf(arg(1));
    result.ir = build(name, r, {operand(0)}, {type},
                      {i64("axis", axis.empty() ? -1 : axis[0])});
    return;
  }
  if (name == "embedding") {
    result.ir = build(name, r, {operand(0), get(*args[1])}, {type}, {});
    return;
  }
  if (name == "dropout") {
    if (!training) { // identity outside training
      result.ir = args[0]->ir;
      return;
    }
    result.ir = build(name, r, {operand(0)}, {type},
                      {f64("p", numberOr(arg(1), 0.5)),
                       i64("seed_offset", nextSeedOffset++)});
    return;
  }
  if (name == "batch_norm") {
    result.ir = build(name, r, {operand(0), operand(1), operand(2)}, {type},
                      {f64("eps", numberOr(arg(3), 1e-5))});
    return;
  }
  if (name == "layer_norm") {
    result.ir = build(name, r, {operand(0)}, {type},
                      {f64("eps", numberOr(arg(1), 1e-5))});
    return;
  }
  if (name == "cross_entropy") {
    result.ir = build(name, r, {operand(0), get(*args[1])}, {type},
                      {f64("label_smoothing", numberOr(arg(2), 0))});
    return;
  }
  if (name == "flatten") {
    result.ir = build(name, r, {get(*args[0])}, {type}, {});
    return;
  }
  if (name == "reshape" || name == "broadcast_to") {
    auto sizes = dynamicSizes(result, arg(1), r);
    if (!sizes)
      return;
    SmallVector<Value> ops{get(*args[0])};
    ops.append(sizes->begin(), sizes->end());
    result.ir = build(name, r, ops, {type}, {});
    return;
  }
  if (name == "concat" || name == "stack") {
    SmallVector<Value> ops;
    for (const sema::Value &e : args[0]->elements)
      ops.push_back(get(e));
    SmallVector<int64_t> axis = intsOf(arg(1));
    result.ir = build(name, r, ops, {type},
                      {i64("axis", axis.empty() ? 0 : axis[0])});
    return;
  }
  if (name == "squeeze" || name == "unsqueeze") {
    result.ir = build(name, r, {get(*args[0])}, {type},
                      {i64("axis", intsOf(arg(1))[0])});
    return;
  }
  if (name == "split") {
    SmallVector<Type> types;
    for (const sema::Value &e : result.elements)
      types.push_back(typeOf(e));
    SmallVector<int64_t> axis = intsOf(arg(2));
    OperationState state(loc(r), "nn.split");
    state.addOperands(get(*args[0]));
    state.addTypes(types);
    state.addAttribute("axis", b.getI64IntegerAttr(axis.empty() ? 0 : axis[0]));
    Operation *op = b.create(state);
    for (size_t i = 0; i < result.elements.size(); ++i)
      result.elements[i].ir = record(op->getResult(i));
    return;
  }
  if (name == "zeros_like" || name == "ones_like") {
    SmallVector<Value> sizes;
    Value x = get(*args[0]);
    for (size_t i = 0; i < result.shape.size(); ++i)
      if (!result.shape[i].isKnown())
        sizes.push_back(b.create<tensor::DimOp>(loc(r), x, i));
    result.ir = build("fill", r, sizes, {type},
                      {f64("value", name == "ones_like" ? 1.0 : 0.0)});
    return;
  }
  // Constructors from a shape list: zeros ones full normal uniform bernoulli.
  auto sizes = dynamicSizes(result, arg(0), r);
  if (!sizes)
    return;
  if (name == "zeros" || name == "ones" || name == "full") {
    double v = name == "ones" ? 1.0 : name == "full" ? numberOr(arg(1), 0) : 0;
    result.ir = build("fill", r, *sizes, {type}, {f64("value", v)});
    return;
  }
  if (name == "arange") {
    result.ir = build(name, r, *sizes, {type}, {});
    return;
  }
  SmallVector<NamedAttribute> attrs{i64("seed_offset", nextSeedOffset++)};
  if (name == "normal")
    attrs.push_back(f64("std", numberOr(arg(1), 1.0)));
  else if (name == "uniform")
    attrs.append({f64("lo", numberOr(arg(1), 0)), f64("hi", numberOr(arg(2), 1))});
  else if (name == "bernoulli")
    attrs.push_back(f64("p", numberOr(arg(1), 0.5)));
  result.ir = build(name, r, *sizes, {type}, attrs);
}

// ----- Indexing ------------------------------------------------------------------

Value NNEmitter::indexValue(const sema::Value &v, Location l) {
  if (v.ir >= 0)
    return values[v.ir];
  return b.create<arith::ConstantIndexOp>(l, v.knownInt().value_or(0));
}

void NNEmitter::beginLoop(const sema::Value &lo, const sema::Value &hi,
                          sema::Value &index,
                          llvm::ArrayRef<sema::Value *> carried,
                          SourceRange r) {
  Location l = loc(r);
  Value from = indexValue(lo, l), to = indexValue(hi, l);
  Value one = b.create<arith::ConstantIndexOp>(l, 1);
  SmallVector<Value> inits;
  for (sema::Value *v : carried)
    inits.push_back(get(*v));
  auto loop = b.create<scf::ForOp>(l, from, to, one, inits);
  loops.push_back(loop);
  b.setInsertionPointToStart(loop.getBody());
  index.ir = record(loop.getInductionVar());
  for (size_t i = 0; i < carried.size(); ++i)
    carried[i]->ir = record(loop.getRegionIterArgs()[i]);
}

void NNEmitter::endLoop(llvm::ArrayRef<sema::Value *> carried, SourceRange r) {
  scf::ForOp loop = loops.pop_back_val();
  SmallVector<Value> yields;
  for (size_t i = 0; i < carried.size(); ++i) {
    Value v = get(*carried[i]);
    Type want = loop.getRegionIterArgs()[i].getType();
    // A body may make a dim static that the carried type has dynamic.
    if (v.getType() != want)
      v = b.create<tensor::CastOp>(loc(r), want, v);
    yields.push_back(v);
  }
  b.create<scf::YieldOp>(loc(r), yields);
  b.setInsertionPointAfter(loop);
  for (size_t i = 0; i < carried.size(); ++i)
    carried[i]->ir = record(loop.getResult(i));
}

void NNEmitter::index(const sema::Value &base,
                      llvm::ArrayRef<shape::IndexItem> items,
                      llvm::ArrayRef<int64_t> indexHandles,
                      sema::Value &result, SourceRange r) {
  using IK = shape::IndexItem::Kind;
  // Expand `...` and pad with full slices so there is one item per base dim
  // (new axes aside).
  size_t named = llvm::count_if(
      items, [](const auto &i) { return i.kind == IK::Index || i.kind == IK::Slice; });
  SmallVector<shape::IndexItem> full;
  SmallVector<int64_t> handles;
  for (size_t k = 0; k < items.size(); ++k) {
    const auto &it = items[k];
    if (it.kind != IK::Ellipsis) {
      full.push_back(it);
      handles.push_back(k < indexHandles.size() ? indexHandles[k] : -1);
      continue;
    }
    for (size_t i = named; i < base.shape.size(); ++i) {
      full.push_back({IK::Slice, std::nullopt, std::nullopt, 1});
      handles.push_back(-1);
    }
  }
  while (llvm::count_if(full, [](const auto &i) { return i.kind != IK::NewAxis; }) <
         (long)base.shape.size()) {
    full.push_back({IK::Slice, std::nullopt, std::nullopt, 1});
    handles.push_back(-1);
  }

  Location l = loc(r);
  Value x = get(base);
  SmallVector<OpFoldResult> offsets, sizes, strides;
  SmallVector<int64_t> sliceShape; // the kept dims, in order
  size_t dim = 0;
  for (size_t k = 0; k < full.size(); ++k) {
    const auto &it = full[k];
    if (it.kind == IK::NewAxis)
      continue;
    const shape::Dim &d = base.shape[dim];
    if (it.kind == IK::Index && !it.start) {
      // A run-time index (a loop variable): taken as given, in range.
      offsets.push_back(values[handles[k]]);
      sizes.push_back(b.getIndexAttr(1));
      strides.push_back(b.getIndexAttr(1));
      ++dim;
      continue;
    }
    if (it.kind == IK::Index) {
      int64_t n = *it.start;
      if (n < 0 && d.isKnown())
        n += d.value();
      offsets.push_back(b.getIndexAttr(n));
      sizes.push_back(b.getIndexAttr(1));
      strides.push_back(b.getIndexAttr(1));
      ++dim;
      continue;
    }
    bool whole = !it.start && !it.stop && it.step == 1;
    if (whole) {
      offsets.push_back(b.getIndexAttr(0));
      if (d.isKnown())
        sizes.push_back(b.getIndexAttr(d.value()));
      else
        sizes.push_back(b.create<tensor::DimOp>(l, x, dim).getResult());
      strides.push_back(b.getIndexAttr(1));
      sliceShape.push_back(d.isKnown() ? d.value() : ShapedType::kDynamic);
      ++dim;
      continue;
    }
    if (!d.isKnown()) {
      diags.error(r, "code generation supports slicing only dims of fixed "
                     "size (dimension " + llvm::Twine(dim) + " is " + d.str() +
                     ")");
      return;
    }
    int64_t size = d.value(), start = it.start.value_or(0),
            stop = it.stop.value_or(size);
    if (start < 0) start += size;
    if (stop < 0) stop += size;
    start = std::clamp<int64_t>(start, 0, size);
    stop = std::clamp<int64_t>(stop, start, size);
    int64_t len = (stop - start + it.step - 1) / it.step;
    offsets.push_back(b.getIndexAttr(start));
    sizes.push_back(b.getIndexAttr(len));
    strides.push_back(b.getIndexAttr(it.step));
    sliceShape.push_back(len);
    ++dim;
  }
  auto sliceType = RankedTensorType::get(sliceShape, elementType(base.dtype));
  Value slice = b.create<tensor::ExtractSliceOp>(l, sliceType, x, offsets,
                                                 sizes, strides);
  RankedTensorType resultType = typeOf(result);
  if (resultType == sliceType) {
    result.ir = record(slice);
    return;
  }
  // New axes: reshape the kept dims into the result (inserting 1s). New
  // axes are static, so the result's dynamic dims are the slice's, in order.
  SmallVector<Value> ops{slice};
  for (int64_t j = 0; j < sliceType.getRank(); ++j)
    if (sliceType.isDynamicDim(j))
      ops.push_back(b.create<tensor::DimOp>(l, slice, j));
  result.ir = build("reshape", r, ops, {resultType}, {});
}

