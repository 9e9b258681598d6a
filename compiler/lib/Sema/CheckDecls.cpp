//===- CheckDecls.cpp - Models, optimizers, train blocks, types -----------===//
//
// Declarations are checked generically: an int hyperparameter becomes a
// symbolic dim named after it, other hyperparameters unknown values of their
// type. A model's members are evaluated lazily per instance (memberValue), so
// `fc1 = Dense(784, hidden)` inside MLP gives fc1 a forward signature with
// `inp` = 784 and `out` = hidden.
//
//===----------------------------------------------------------------------===//

#include "Checker.h"
#include "llvm/ADT/StringExtras.h"

using namespace nnc;
using namespace nnc::sema;
using namespace nnc::shape;
using llvm::Twine;

std::string TypePattern::str() const {
  switch (kind) {
  case Kind::Tensor:
    return std::string(dtypeName(dtype)) + shape.str();
  case Kind::Tuple: {
    std::string s = "(";
    for (size_t i = 0; i < elements.size(); ++i)
      s += (i ? ", " : "") + elements[i].str();
    return s + ")";
  }
  case Kind::Int:
    return "int";
  case Kind::Float:
    return "float";
  case Kind::Bool:
    return "bool";
  case Kind::Str:
    return "str";
  }
  return "?";
}

// ----- Types -------------------------------------------------------------------

std::optional<TypePattern>
Checker::evalType(const ast::TypeExpr &t, std::set<std::string> *symbols) {
  TypePattern p;
  if (t.kind == ast::TypeExpr::Kind::Tuple) {
    p.kind = TypePattern::Kind::Tuple;
    for (const auto &e : t.elements) {
      auto et = evalType(*e, symbols);
      if (!et)
        return std::nullopt;
      p.elements.push_back(*et);
    }
    return p;
  }
  if (t.kind == ast::TypeExpr::Kind::Named) {
    static const std::pair<const char *, TypePattern::Kind> named[] = {
        {"int", TypePattern::Kind::Int},
        {"float", TypePattern::Kind::Float},
        {"bool", TypePattern::Kind::Bool},
        {"str", TypePattern::Kind::Str}};
    for (auto &[n, k] : named)
      if (t.name == n) {
        p.kind = k;
        return p;
      }
    if (parseDType(t.name))
      fail(t.range, "tensor type '" + t.name + "' needs dimensions, e.g. " +
                        t.name + "[B, 10] (or " + t.name + "[] for a scalar)");
    else
      fail(t.range, "unknown type '" + t.name +
                        "'; expected int, float, bool, str or a tensor type "
                        "such as f32[B, 10]");
    return std::nullopt;
  }
  auto dt = parseDType(t.name);
  if (!dt) {
    fail(t.nameRange, "unknown element type '" + t.name +
                          "'; expected f32, f16, bf16, f64, i32, i64 or bool");
    return std::nullopt;
  }
  p.dtype = *dt;
  bool ok = true;
  for (size_t i = 0; i < t.dims.size(); ++i) {
    if (!t.dims[i]) {
      if (i != 0) {
        fail(t.dimRanges[i], "'...' may only stand first in a shape");
        ok = false;
      }
      p.shape.hasEllipsis = true;
      continue;
    }
    std::set<std::string> *saved = dimSymbols;
    dimSymbols = symbols;
    Value v = eval(*t.dims[i]);
    dimSymbols = saved;
    if (v.isError()) {
      ok = false;
      continue;
    }
    if (v.kind != Value::Kind::Int) {
      fail(t.dimRanges[i], "a dimension must be an integer, found " +
                               v.typeStr());
      ok = false;
      continue;
    }
    if (v.dim.isKnown() && v.dim.value() < 0) {
      fail(t.dimRanges[i], "a dimension cannot be negative, found " +
                               Twine(v.dim.value()));
      ok = false;
      continue;
    }
    p.shape.dims.push_back(v.dim);
  }
  if (!ok)
    return std::nullopt;
  return p;
}

std::string Checker::matchValue(const Value &v, const TypePattern &t,
                                Bindings &b) {
  using K = TypePattern::Kind;
  if (v.isError())
    return "";
  switch (t.kind) {
  case K::Tensor:
    if (v.isNumber() || (v.kind == Value::Kind::Bool && t.dtype == DType::Bool))
      return ""; // a number is a scalar that broadcasts
    if (!v.isTensor())
      return "expected " + t.str() + ", found " + v.typeStr();
    if (v.dtype != t.dtype)
      return "expected " + t.str() + ", found " + v.typeStr();
    {
      std::string err = unify(t.shape, v.shape, b);
      return err.empty() ? "" : err + " (expected " + t.str() + ", found " +
                                    v.typeStr() + ")";
    }
  case K::Tuple:
    if (v.kind != Value::Kind::Tuple ||
        v.elements.size() != t.elements.size())
      return "expected " + t.str() + ", found " + v.typeStr();
    for (size_t i = 0; i < t.elements.size(); ++i) {
      std::string err = matchValue(v.elements[i], t.elements[i], b);
      if (!err.empty())
        return "element " + std::to_string(i) + ": " + err;
    }
    return "";
  case K::Int:
    return v.kind == Value::Kind::Int ? "" : "expected int, found " + v.typeStr();
  case K::Float:
    return v.isNumber() ? "" : "expected float, found " + v.typeStr();
  case K::Bool:
    return v.kind == Value::Kind::Bool ? ""
                                       : "expected bool, found " + v.typeStr();
  case K::Str:
    return v.kind == Value::Kind::Str ? "" : "expected str, found " + v.typeStr();
  }
  return "";
}

Value Checker::valueOfPattern(const TypePattern &t, const Bindings &b) {
  switch (t.kind) {
  case TypePattern::Kind::Tensor:
    return Value::tensor(t.dtype, substitute(t.shape, b));
  case TypePattern::Kind::Tuple: {
    Value v = Value::of(Value::Kind::Tuple);
    for (const TypePattern &e : t.elements)
      v.elements.push_back(valueOfPattern(e, b));
    return v;
  }
  case TypePattern::Kind::Int:
    return Value::integer(Dim::unknown());
  case TypePattern::Kind::Float:
    return Value::floating(std::nullopt);
  case TypePattern::Kind::Bool:
    return Value::boolean(std::nullopt);
  case TypePattern::Kind::Str:
    return Value::string(std::nullopt);
  }
  return Value::error();
}

/// The value a parameter has inside a generic body: its declared type, with
/// `...` standing for the leading dims and an int named after itself.
Value Checker::genericValue(const TypePattern &t, const std::string &name) {
  if (t.kind == TypePattern::Kind::Int)
    return Value::integer(Dim::symbol(name));
  if (t.kind != TypePattern::Kind::Tensor)
    return valueOfPattern(t, frame.rigid);
  Shape s;
  if (t.shape.hasEllipsis)
    s.push_back(Dim::expr("..."));
  s.insert(s.end(), t.shape.dims.begin(), t.shape.dims.end());
  return Value::tensor(t.dtype, s);
}

Signature Checker::signature(const ast::FnDecl &f,
                             const std::shared_ptr<ModelInstance> &self) {
  return inEnv(self, [&] {
    Signature sig;
    for (const ast::Param &p : f.params) {
      sig.names.push_back(p.name);
      sig.ranges.push_back(p.range);
      sig.defaults.push_back(p.defaultValue.get());
      sig.types.push_back(p.type ? evalType(*p.type, &sig.patternSymbols)
                                 : std::nullopt);
    }
    if (f.returnType)
      sig.result = evalType(*f.returnType, &sig.patternSymbols);
    return sig;
  });
}

// ----- Constants and hyperparameters -----------------------------------------

Value Checker::constValue(const ast::ConstDecl &c) {
  if (auto it = constValues.find(&c); it != constValues.end())
    return it->second;
  if (!constsInProgress.insert(&c).second)
    return fail(c.nameRange, "constant '" + c.name + "' is defined in terms "
                                                     "of itself");
  Value v = inEnv(nullptr, [&] { return eval(*c.value); });
  if (!v.isError() && !v.isNumber() && v.kind != Value::Kind::Bool &&
      v.kind != Value::Kind::Str && v.kind != Value::Kind::List)
    v = fail(c.value->range, "a constant must be a compile-time number, bool, "
                             "string or list, found " + v.typeStr());
  if (c.type && !v.isError()) {
    auto t = evalType(*c.type, nullptr);
    Bindings b;
    std::string err = t ? matchValue(v, *t, b) : "";
    if (!err.empty())
      v = fail(c.value->range, "constant '" + c.name + "': " + err);
  }
  constsInProgress.erase(&c);
  constValues[&c] = v;
  return v;
}

Value Checker::genericHyper(const ast::Param &p) {
  if (!p.type)
    return Value::error();
  auto t = evalType(*p.type, nullptr);
  if (!t)
    return Value::error();
  switch (t->kind) {
  case TypePattern::Kind::Int:
    return Value::integer(Dim::symbol(p.name));
  case TypePattern::Kind::Float:
    return Value::floating(std::nullopt);
  case TypePattern::Kind::Bool:
    return Value::boolean(std::nullopt);
  case TypePattern::Kind::Str:
    return Value::string(std::nullopt);
  default:
    return fail(p.type->range, "hyperparameter '" + p.name +
                                   "' must be int, float, bool or str, found " +
                                   t->str());
  }
}

/// Checks hyperparameter declarations: a type each, defaults of that type
/// (a default may use the hyperparameters before it: `stride: int = k`).
static void checkHyperDecls(Checker &c, const std::vector<ast::Param> &ps,
                            const std::string &owner) {
  std::set<std::string> seen;
  auto earlier = std::make_shared<ModelInstance>();
  for (const ast::Param &p : ps) {
    if (!seen.insert(p.name).second)
      c.fail(p.range, "duplicate hyperparameter '" + p.name + "' in '" +
                          owner + "'");
    if (!p.type) {
      c.fail(p.range, "hyperparameter '" + p.name +
                          "' needs a type: int, float, bool or str");
      continue;
    }
    if (p.defaultValue) {
      Value d = c.inEnv(earlier, [&] { return c.eval(*p.defaultValue); });
      auto t = c.evalType(*p.type, nullptr);
      Bindings b;
      std::string err = t ? c.matchValue(d, *t, b) : "";
      if (!err.empty())
        c.fail(p.defaultValue->range,
               "default of hyperparameter '" + p.name + "': " + err);
    }
    earlier->hyper[p.name] = c.inEnv(nullptr, [&] { return c.genericHyper(p); });
  }
}

// ----- Models ------------------------------------------------------------------

std::shared_ptr<ModelInstance>
Checker::genericInstance(const ast::ModelDecl &m) {
  auto inst = std::make_shared<ModelInstance>();
  inst->decl = &m;
  // Hyperparameters with a default take it (what `MLP()` gets); the others
  // stay symbolic. Other instantiations are checked by checkInstance.
  auto earlier = std::make_shared<ModelInstance>();
  for (const ast::Param &p : m.hyperParams) {
    Value v = inEnv(nullptr, [&] { return genericHyper(p); });
    if (p.defaultValue) {
      Value d = inEnv(earlier, [&] { return eval(*p.defaultValue); });
      if (d.kind == v.kind)
        v = d;
      else if (v.kind == Value::Kind::Float && d.isNumber())
        v = Value::floating(d.knownNumber());
    }
    inst->hyper[p.name] = v;
    earlier->hyper[p.name] = v;
  }
  return inst;
}

const ast::ModelMember *Checker::findMember(const ast::ModelDecl &d,
                                            llvm::StringRef name) {
  for (const ast::ModelMember &mm : d.members)
    if (mm.name == name)
      return &mm;
  return nullptr;
}

Value Checker::memberValue(const std::shared_ptr<ModelInstance> &inst,
                           const ast::ModelMember &m) {
  auto key = std::make_pair(inst.get(), &m);
  if (auto it = memberCache.find(key); it != memberCache.end())
    return it->second;
  memberCache[key] = Value::error(); // breaks self-reference cycles
  Value v = inEnv(inst, [&]() -> Value {
    frame.createsModels = true;
    switch (m.kind) {
    case ast::ModelMember::Kind::Param:
    case ast::ModelMember::Kind::State: {
      std::set<std::string> symbols;
      auto t = evalType(*m.type, &symbols);
      if (!t)
        return Value::error();
      if (!symbols.empty() || t->kind != TypePattern::Kind::Tensor ||
          t->shape.hasEllipsis)
        return fail(m.type->range,
                    "the shape of '" + m.name + "' must be fixed when the "
                    "model is built (hyperparameters and numbers only), "
                    "found " + t->str());
      Value v = Value::tensor(t->dtype, t->shape.dims);
      if (emitter)
        emitter->parameter(inst->path + m.name,
                           m.kind == ast::ModelMember::Kind::State,
                           initSpec(*m.init), v, m.nameRange);
      return v;
    }
    case ast::ModelMember::Kind::SubModel: {
      Value sub = eval(*m.init);
      if (!sub.isError() && sub.kind != Value::Kind::Model)
        return fail(m.init->range, "member '" + m.name + "' must be a model "
                                   "such as Dense(784, 10), found " +
                                   sub.typeStr());
      if (sub.kind == Value::Kind::Model)
        sub.model->path = inst->path + m.name + ".";
      return sub;
    }
    case ast::ModelMember::Kind::Array: {
      Value elem = eval(*m.init);
      Value count = eval(*m.count);
      if (elem.isError() || count.isError())
        return Value::error();
      if (elem.kind != Value::Kind::Model)
        return fail(m.init->range, "an array member repeats a model, found " +
                                       elem.typeStr());
      if (count.kind != Value::Kind::Int)
        return fail(m.count->range, "the length of an array of models must "
                                    "be an integer, found " + count.typeStr());
      if (auto n = count.knownInt(); n && *n < 1)
        return fail(m.count->range, "an array of models needs at least one "
                                    "element, found " + Twine(*n));
      Value arr = elem;
      arr.model->path = inst->path + m.name + ".";
      arr.kind = Value::Kind::ModelArray;
      arr.dim = count.dim;
      return arr;
    }
    case ast::ModelMember::Kind::Method: {
      Value f = Value::of(Value::Kind::Function);
      f.fn = m.method.get();
      f.model = inst;
      return f;
    }
    }
    return Value::error();
  });
  memberCache[key] = v;
  return v;
}

InitSpec Checker::initSpec(const ast::Expr &init) {
  // The initializer checked clean: a call of a known initializer.
  const auto &call = llvm::cast<ast::CallExpr>(init);
  const auto &name = llvm::cast<ast::NameExpr>(*call.callee);
  const BuiltinSpec *spec = lookupInitializer(name.name);
  InitSpec out{name.name, {}};
  for (size_t i = 0; i < call.args.size(); ++i) {
    const ast::Arg &a = call.args[i];
    std::string param = a.name.empty() && i < spec->params.size()
                            ? spec->params[i]
                            : a.name;
    out.args.push_back({param, eval(*a.value).knownNumber().value_or(0.0)});
  }
  return out;
}

std::shared_ptr<ModelInstance>
Checker::arrayElement(const std::shared_ptr<ModelInstance> &elem, int64_t i) {
  std::string path = elem->path + std::to_string(i) + ".";
  auto &slot = arrayElements[path];
  if (!slot) {
    slot = std::make_shared<ModelInstance>(*elem);
    slot->path = path;
  }
  return slot;
}

void Checker::checkInitializer(const ast::Expr &init,
                               const std::string &member) {
  const auto *call = llvm::dyn_cast<ast::CallExpr>(&init);
  const auto *name = call ? llvm::dyn_cast<ast::NameExpr>(call->callee.get())
                          : nullptr;
  const BuiltinSpec *spec = name ? lookupInitializer(name->name) : nullptr;
  if (!spec) {
    fail(init.range, "the initializer of '" + member + "' must be one of "
                     "zeros(), ones(), constant(v), normal(std), uniform(lo, "
                     "hi), glorot_uniform(), glorot_normal(), "
                     "kaiming_uniform(a), kaiming_normal(a)");
    return;
  }
  std::vector<ArgValue> args;
  for (const ast::Arg &a : call->args)
    args.push_back({a.name, a.value->range, eval(*a.value), a.nameRange});
  std::vector<std::string> names(spec->params.begin(), spec->params.end());
  auto matched = matchArgs(names, spec->required, args, name->name, init.range);
  if (!matched)
    return;
  BuiltinCall bc{name->name, {}, {}, init.range, diags, sm};
  for (const ArgValue *a : *matched) {
    bc.args.push_back(a ? &a->value : nullptr);
    bc.ranges.push_back(a ? a->range : init.range);
  }
  spec->rule(bc);
}

const ast::ModelDecl *Checker::subModelDecl(const ast::ModelMember &mm) {
  if (mm.kind != ast::ModelMember::Kind::SubModel &&
      mm.kind != ast::ModelMember::Kind::Array)
    return nullptr;
  const auto *call = llvm::dyn_cast<ast::CallExpr>(mm.init.get());
  const auto *name =
      call ? llvm::dyn_cast<ast::NameExpr>(call->callee.get()) : nullptr;
  const std::map<std::string, Global> &visible = globalsFor(mm.range.begin);
  auto it = name ? visible.find(name->name) : visible.end();
  return it == visible.end() ? nullptr : it->second.model;
}

bool Checker::containsModel(const ast::ModelDecl &d,
                            const ast::ModelDecl &target,
                            std::set<const ast::ModelDecl *> &visited) {
  if (&d == &target)
    return true;
  if (!visited.insert(&d).second)
    return false;
  for (const ast::ModelMember &mm : d.members)
    if (const ast::ModelDecl *sub = subModelDecl(mm))
      if (containsModel(*sub, target, visited))
        return true;
  return false;
}

void Checker::checkModel(const ast::ModelDecl &m) {
  unsigned before = diags.numErrors();
  checkHyperDecls(*this, m.hyperParams, m.name);
  auto inst = genericInstance(m);
  std::map<std::string, const ast::ModelMember *> seen;
  for (const ast::ModelMember &mm : m.members) {
    auto [it, inserted] = seen.emplace(mm.name, &mm);
    if (!inserted) {
      fail(mm.nameRange, "duplicate member '" + mm.name + "' in model '" +
                             m.name + "'");
      diags.note(it->second->nameRange, "previous declaration is here");
      continue;
    }
    if (inst->hyper.count(mm.name))
      fail(mm.nameRange, "member '" + mm.name + "' has the name of a "
                                                "hyperparameter of '" +
                             m.name + "'");
    std::set<const ast::ModelDecl *> visited;
    if (const ast::ModelDecl *sub = subModelDecl(mm);
        sub && containsModel(*sub, m, visited)) {
      fail(mm.init->range, "model '" + m.name +
                               "' contains itself through member '" + mm.name +
                               "', so it would be infinitely large");
      continue;
    }
    Value v = memberValue(inst, mm);
    if (mm.kind == ast::ModelMember::Kind::Param ||
        mm.kind == ast::ModelMember::Kind::State)
      inEnv(inst, [&] { checkInitializer(*mm.init, mm.name); });
    if (mm.kind == ast::ModelMember::Kind::Method)
      checkMethod(*mm.method, inst);
  }
  if (diags.numErrors() != before)
    declsWithErrors.insert(&m);
}

/// A key identifying an instantiation by its hyperparameter values.
static std::string instanceKey(const ModelInstance &inst) {
  std::string key = inst.decl->name;
  for (const auto &[name, v] : inst.hyper) {
    key += "," + name + "=";
    if (v.kind == Value::Kind::Int)
      key += v.dim.str();
    else if (v.knownNumber())
      key += std::to_string(*v.knownNumber());
    else if (v.flag)
      key += *v.flag ? "true" : "false";
    else if (v.text)
      key += "\"" + *v.text + "\"";
    else
      key += "?";
  }
  return key;
}

void Checker::checkInstance(const std::shared_ptr<ModelInstance> &inst) {
  // A model whose generic check failed would repeat its errors here.
  if (declsWithErrors.count(inst->decl) ||
      !checkedInstances.insert(instanceKey(*inst)).second)
    return;
  unsigned before = diags.numErrors();
  for (const ast::ModelMember &mm : inst->decl->members) {
    Value v = memberValue(inst, mm);
    if (v.kind == Value::Kind::Model || v.kind == Value::Kind::ModelArray)
      checkInstance(v.model);
    if (mm.kind == ast::ModelMember::Kind::Method)
      checkMethod(*mm.method, inst);
  }
  if (diags.numErrors() != before)
    declsWithErrors.insert(inst->decl);
}

void Checker::checkMethod(const ast::FnDecl &f,
                          std::shared_ptr<ModelInstance> self) {
  Signature sig = signature(f, self);
  inEnv(self, [&] {
    frame.stateAssignable = f.name == "forward";
    checkBody(f, sig);
  });
}

// ----- Optimizers --------------------------------------------------------------

void Checker::checkOptimizer(const ast::OptimizerDecl &o) {
  checkHyperDecls(*this, o.hyperParams, o.name);
  if (!o.update) {
    fail(o.nameRange, "optimizer '" + o.name + "' needs an 'update(p, g, t) "
                                               "{ ... }'");
    return;
  }
  if (o.update->params.size() != 3) {
    fail(o.update->nameRange, "'update' takes three parameters (p, g, t): "
                              "the parameter, its gradient and the step");
    return;
  }
  auto inst = std::make_shared<ModelInstance>(); // holds the hyperparameters
  inEnv(nullptr, [&] {
    for (const ast::Param &p : o.hyperParams)
      inst->hyper[p.name] = genericHyper(p);
  });
  inEnv(inst, [&] {
    // p and g have the shape of whichever parameter is being updated.
    Value param = Value::tensor(DType::F32, {Dim::expr("...")});
    const auto &ps = o.update->params;
    pushScope();
    declare(ps[0].name, {param, ps[0].range, Binding::Kind::Var});
    declare(ps[1].name, {param, ps[1].range, Binding::Kind::Var});
    declare(ps[2].name,
            {Value::tensor(DType::F32, {}), ps[2].range, Binding::Kind::Let});
    for (const auto &s : o.states) {
      Value v = eval(*s.init);
      if (!v.isError() && !v.isTensor())
        v = fail(s.init->range, "optimizer state '" + s.name +
                                    "' must be a tensor, found " + v.typeStr());
      declare(s.name, {v, s.range, Binding::Kind::State});
    }
    frame.stateAssignable = true;
    frame.fn = o.update.get();
    block(o.update->body);
  });
}
