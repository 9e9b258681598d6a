//===- CheckCalls.cpp - Calls: builtins, functions, models, optimizers ----===//
//
// Arguments are matched to parameters (positional, then keyword), then
// checked against the callee's signature: each tensor argument's shape is
// unified with its parameter's pattern, binding the callee's symbolic dims
// and `...` consistently across arguments; the result type is the declared
// one with those bindings substituted. Hyperparameter-derived dims of the
// callee are fixed, not bound: Dense(784, 10)'s forward needs [..., 784].
//
//===----------------------------------------------------------------------===//

#include "Checker.h"

using namespace nnc;
using namespace nnc::sema;
using namespace nnc::shape;
using llvm::Twine;
using K = Value::Kind;

Value Checker::evalCall(const ast::CallExpr &e) {
  Value callee = eval(*e.callee);
  std::vector<ArgValue> args;
  bool ok = !callee.isError();
  for (const ast::Arg &a : e.args) {
    args.push_back({a.name, a.value->range, eval(*a.value), a.nameRange});
    ok &= !args.back().value.isError();
  }
  if (!ok)
    return Value::error();
  return call(callee, args, e.range, e.callee->range);
}

Value Checker::call(const Value &callee, std::vector<ArgValue> &args,
                    SourceRange callRange, SourceRange calleeRange) {
  switch (callee.kind) {
  case K::Error:
    return callee;
  case K::Builtin:
    return callBuiltin(*lookupBuiltin(callee.builtin), args, callRange);
  case K::Function:
    return callFunction(*callee.fn, callee.model, args, callRange,
                        callee.fn->name);
  case K::Model: {
    const ast::ModelMember *fwd = findMember(*callee.model->decl, "forward");
    if (!fwd || fwd->kind != ast::ModelMember::Kind::Method)
      return fail(calleeRange, "model '" + callee.model->decl->name +
                                   "' has no 'forward' method to call");
    return callFunction(*fwd->method, callee.model, args, callRange,
                        callee.model->decl->name);
  }
  case K::ModelDecl:
    return instantiateModel(*callee.modelDecl, args, callRange);
  case K::OptimizerDecl:
    return instantiateOptimizer(*callee.optimizerDecl, args, callRange);
  default:
    return fail(calleeRange, "cannot call " + callee.typeStr() +
                                 "; it is not a function or a model");
  }
}

std::optional<std::vector<const ArgValue *>>
Checker::matchArgs(llvm::ArrayRef<std::string> params, unsigned required,
                   std::vector<ArgValue> &args, const std::string &what,
                   SourceRange callRange) {
  std::vector<const ArgValue *> out(params.size(), nullptr);
  bool sawKeyword = false, ok = true;
  size_t next = 0;
  for (const ArgValue &a : args) {
    if (a.name.empty()) {
      if (sawKeyword) {
        fail(a.range, "positional argument after a keyword argument");
        ok = false;
        continue;
      }
      if (next >= params.size()) {
        fail(a.range, "too many arguments to '" + what + "': it takes " +
                          Twine(params.size()) + ", found " +
                          Twine(args.size()));
        return std::nullopt;
      }
      out[next++] = &a;
      continue;
    }
    sawKeyword = true;
    SourceRange keyword = joinRanges(a.nameRange, a.range);
    auto it = std::find(params.begin(), params.end(), a.name);
    if (it == params.end()) {
      std::string list;
      for (const std::string &p : params)
        list += (list.empty() ? "" : ", ") + p;
      fail(keyword, "'" + what + "' has no parameter named '" + a.name + "'" +
                        (list.empty() ? "" : " (it takes " + list + ")"));
      ok = false;
      continue;
    }
    if (const ArgValue *first = out[it - params.begin()]) {
      fail(keyword,
           "argument '" + a.name + "' of '" + what + "' is given twice");
      diags.note(joinRanges(first->nameRange, first->range),
                 "first given here");
      ok = false;
      continue;
    }
    out[it - params.begin()] = &a;
  }
  for (unsigned i = 0; i < required && ok; ++i)
    if (!out[i]) {
      fail(callRange, "missing argument '" + params[i] + "' in call to '" +
                          what + "'");
      ok = false;
    }
  if (!ok)
    return std::nullopt;
  return out;
}

Value Checker::callBuiltin(const BuiltinSpec &spec, std::vector<ArgValue> &args,
                           SourceRange callRange) {
  std::vector<std::string> names(spec.params.begin(), spec.params.end());
  auto matched = matchArgs(names, spec.required, args, spec.name, callRange);
  if (!matched)
    return Value::error();
  BuiltinCall c{spec.name, {}, {}, callRange, diags, sm};
  for (const ArgValue *a : *matched) {
    c.args.push_back(a ? &a->value : nullptr);
    c.ranges.push_back(a ? a->range : callRange);
  }
  Value result = spec.rule(c);
  // Datasets and other compile-time values generate no code.
  if (emitter && (result.isTensor() || result.kind == Value::Kind::Tuple))
    emitter->builtin(spec.name, c.args, result, callRange);
  return result;
}

/// Pre-binds the fixed symbols of a signature (those not bound per call,
/// such as the caller's hyperparameters) to themselves.
static void bindFixedSymbols(const TypePattern &t,
                             const std::set<std::string> &patternSymbols,
                             Bindings &b) {
  for (const Dim &d : t.shape.dims)
    if (d.isSymbol() && !patternSymbols.count(d.name()))
      b.symbols.emplace(d.name(), d);
  for (const TypePattern &e : t.elements)
    bindFixedSymbols(e, patternSymbols, b);
}

Value Checker::callFunction(const ast::FnDecl &f,
                            const std::shared_ptr<ModelInstance> &self,
                            std::vector<ArgValue> &args, SourceRange callRange,
                            const std::string &what) {
  Signature sig = signature(f, self);
  unsigned required = 0;
  for (size_t i = 0; i < sig.names.size(); ++i)
    if (!sig.defaults[i])
      required = i + 1;
  auto matched = matchArgs(sig.names, required, args, what, callRange);
  if (!matched)
    return Value::error();
  Bindings b;
  for (const auto &t : sig.types)
    if (t)
      bindFixedSymbols(*t, sig.patternSymbols, b);
  if (sig.result)
    bindFixedSymbols(*sig.result, sig.patternSymbols, b);
  bool ok = true;
  for (size_t i = 0; i < sig.names.size(); ++i) {
    const ArgValue *a = (*matched)[i];
    if (!a || !sig.types[i])
      continue;
    std::string err = matchValue(a->value, *sig.types[i], b);
    if (err.empty())
      continue;
    fail(a->range, "argument '" + sig.names[i] + "' of '" + what + "': " + err);
    diags.note(sig.ranges[i], "'" + sig.names[i] + "' declared here as " +
                                  sig.types[i]->str());
    ok = false;
  }
  if (!ok)
    return Value::error();
  if (sig.result && !emitter)
    return valueOfPattern(*sig.result, b);
  // No declared result, or generating code: evaluate the body with these
  // arguments and take what it returns (every call is inlined in generated
  // code; dataset helpers infer their result this way).
  if (++inlineDepth > 32) {
    --inlineDepth;
    return fail(callRange, "'" + f.name + "' calls itself too deeply to "
                           "infer its result; declare it with '-> TYPE'");
  }
  Value result = inEnv(self, [&]() -> Value {
    pushScope();
    // As where the method is checked: a model's forward updates its state
    // (batch-norm statistics when training).
    frame.stateAssignable = self && f.name == "forward";
    // The callee's symbolic dims name the sizes they were bound to.
    for (const std::string &s : sig.patternSymbols) {
      auto it = b.symbols.find(s);
      if (it != b.symbols.end())
        scopes.back()[s] = {symbolValue(it->second), {}, Binding::Kind::Symbol};
    }
    for (size_t i = 0; i < sig.names.size(); ++i) {
      const ArgValue *a = (*matched)[i];
      Value v = a ? a->value
                  : sig.defaults[i] ? eval(*sig.defaults[i]) : Value::error();
      scopes.back()[sig.names[i]] = {v, sig.ranges[i], Binding::Kind::Param};
    }
    block(f.body);
    if (frame.returns.empty())
      return fail(f.nameRange, "'" + f.name + "' returns nothing");
    return frame.returns.front();
  });
  --inlineDepth;
  return result;
}

bool Checker::bindHyper(const std::vector<ast::Param> &params,
                        std::vector<ArgValue> &args, SourceRange callRange,
                        const std::string &what,
                        std::map<std::string, Value> &out) {
  std::vector<std::string> names;
  unsigned required = 0;
  for (size_t i = 0; i < params.size(); ++i) {
    names.push_back(params[i].name);
    if (!params[i].defaultValue)
      required = i + 1;
  }
  auto matched = matchArgs(names, required, args, what, callRange);
  if (!matched)
    return false;
  bool ok = true;
  for (size_t i = 0; i < params.size(); ++i) {
    const ast::Param &p = params[i];
    const ArgValue *a = (*matched)[i];
    // Defaults may use the hyperparameters before them.
    auto earlier = std::make_shared<ModelInstance>();
    earlier->hyper = out;
    Value v = a ? a->value : inEnv(earlier, [&] {
      return eval(*p.defaultValue);
    });
    auto t = p.type ? inEnv(nullptr, [&] { return evalType(*p.type, nullptr); })
                    : std::nullopt;
    if (t && !v.isError()) {
      Bindings b;
      // A default of the wrong type is reported once, at its declaration.
      std::string err = matchValue(v, *t, b);
      if (!err.empty()) {
        if (a)
          fail(a->range,
               "hyperparameter '" + p.name + "' of '" + what + "': " + err);
        ok = false;
      }
      if (t->kind == TypePattern::Kind::Float && v.kind == K::Int)
        v = Value::floating(v.knownNumber());
      if (t->kind == TypePattern::Kind::Int) {
        if (auto n = v.knownInt(); n && *n < 0) {
          fail(a ? a->range : callRange, "hyperparameter '" + p.name +
                                             "' of '" + what +
                                             "' must not be negative, found " +
                                             Twine(*n));
          ok = false;
        }
      }
    }
    out[p.name] = v;
  }
  return ok;
}

Value Checker::instantiateModel(const ast::ModelDecl &m,
                                std::vector<ArgValue> &args,
                                SourceRange callRange) {
  if (!frame.createsModels)
    return fail(callRange, "models are created as members of a model or "
                           "fields of a train block, not inside functions");
  auto inst = std::make_shared<ModelInstance>();
  inst->decl = &m;
  if (!bindHyper(m.hyperParams, args, callRange, m.name, inst->hyper))
    return Value::error();
  Value v = Value::of(K::Model);
  v.model = inst;
  return v;
}

Value Checker::instantiateOptimizer(const ast::OptimizerDecl &o,
                                    std::vector<ArgValue> &args,
                                    SourceRange callRange) {
  if (!frame.createsModels)
    return fail(callRange, "optimizers are created as fields of a train block");
  auto inst = std::make_shared<OptimizerInstance>();
  inst->decl = &o;
  // An optional first positional argument names the model it updates.
  if (!args.empty() && args[0].name.empty() &&
      args[0].value.kind == K::Model) {
    inst->model = args[0].value.model;
    args.erase(args.begin());
  }
  if (!bindHyper(o.hyperParams, args, callRange, o.name, inst->hyper))
    return Value::error();
  Value v = Value::of(K::Optimizer);
  v.optimizer = inst;
  return v;
}
