//===- EmitTrain.cpp - Evaluating a train block for code generation -------===//
//
// The functions a training program needs, each evaluated with an Emitter as
// EmitForward.cpp does for the forward pass: the loss of one batch (and the
// metrics, for evaluation), and one optimizer update per parameter. The
// train block's fields are evaluated afresh for each, so every function has
// its own parameter arguments. The settings the runtime needs (batch size,
// epochs, data, learning rate, ...) are read from the same fields.
//
//===----------------------------------------------------------------------===//

#include "Checker.h"

using namespace nnc;
using namespace nnc::sema;
using namespace nnc::shape;

namespace {
/// A train block's fields, evaluated in a scope where `B` is the batch.
struct TrainFields {
  const ast::TrainDecl *decl = nullptr;
  std::map<std::string, Value> values;
};
} // namespace

static const ast::TrainDecl *findTrain(llvm::ArrayRef<SemaModule> modules,
                                       const std::string &name) {
  for (const SemaModule &m : modules)
    for (const auto &t : m.module->trains)
      if (t->name == name)
        return t.get();
  return nullptr;
}

/// Evaluates the fields of train block `name` into the current scope.
static std::optional<TrainFields>
evalFields(Checker &c, llvm::ArrayRef<SemaModule> modules,
           const std::string &name) {
  TrainFields f;
  f.decl = findTrain(modules, name);
  if (!f.decl) {
    c.diags.errorNoLoc("no train block named '" + name + "'");
    return std::nullopt;
  }
  if (f.decl->step) {
    c.fail(f.decl->step->nameRange,
           "code generation for a train block with a 'step' is not "
           "implemented yet; use the simple form (model, loss, optimizer)");
    return std::nullopt;
  }
  c.frame.createsModels = true;
  c.declare("B", {Value::integer(Dim::symbol("B")), f.decl->nameRange,
                  Binding::Kind::Symbol});
  for (const auto &field : f.decl->fields) {
    Value v = c.eval(*field.value);
    if (v.isError())
      return std::nullopt;
    f.values[field.name] = v;
    c.declare(field.name, {v, field.nameRange, Binding::Kind::Field});
  }
  c.frame.createsModels = false;
  for (const char *required : {"model", "data", "optimizer"})
    if (!f.values.count(required)) {
      c.fail(f.decl->nameRange, "train block '" + name + "' has no '" +
                                    required + "' to generate code for");
      return std::nullopt;
    }
  return f;
}

std::optional<TrainSettings>
nnc::trainSettings(llvm::ArrayRef<SemaModule> modules, const SourceManager &sm,
                   DiagnosticEngine &diags, const std::string &train) {
  Checker c(sm, diags);
  c.collectGlobals(modules);
  return c.inEnv(nullptr, [&]() -> std::optional<TrainSettings> {
    std::optional<TrainFields> f = evalFields(c, modules, train);
    if (!f)
      return std::nullopt;
    TrainSettings s;
    s.name = train;
    auto intField = [&](const char *name, int64_t dflt) {
      auto it = f->values.find(name);
      return it == f->values.end() ? dflt : it->second.knownInt().value_or(dflt);
    };
    s.batch = intField("batch", 64);
    s.epochs = intField("epochs", 1);
    s.seed = intField("seed", 0);
    const Value &data = f->values["data"];
    s.dataKind = data.builtin;
    s.dataDir = data.text.value_or("");
    const Value &opt = f->values["optimizer"];
    s.optimizerName = opt.optimizer->decl->name;
    if (auto lr = opt.optimizer->hyper.find("lr");
        lr != opt.optimizer->hyper.end())
      s.lr = lr->second.knownNumber();
    if (auto m = f->values.find("metrics"); m != f->values.end())
      for (const Value &e : m->second.elements)
        s.metrics.push_back(e.kind == Value::Kind::Function ? e.fn->name
                                                            : e.builtin);
    return s;
  });
}

std::optional<Value> nnc::emitTrainLoss(llvm::ArrayRef<SemaModule> modules,
                                        const SourceManager &sm,
                                        DiagnosticEngine &diags,
                                        Emitter &emitter,
                                        const std::string &train,
                                        bool training, bool withMetrics) {
  Checker c(sm, diags);
  c.collectGlobals(modules);
  unsigned before = diags.numErrors();
  std::optional<Value> result = c.inEnv(nullptr, [&]() -> std::optional<Value> {
    std::optional<TrainFields> f = evalFields(c, modules, train);
    if (!f)
      return std::nullopt;
    const ast::FnDecl *loss = nullptr;
    for (const auto &fn : f->decl->functions)
      if (fn->name == "loss")
        loss = fn.get();
    if (!loss || loss->params.size() != 2) {
      c.fail(f->decl->nameRange, "train block '" + train +
                                     "' has no 'loss(x, y) = ...'");
      return std::nullopt;
    }
    c.emitter = &emitter;
    c.training = training;
    c.frame.stateAssignable = true;
    // The batch: the images then the labels.
    const Value &data = f->values["data"];
    Value x = data.batch->first, y = data.batch->second;
    c.pushScope();
    c.emitInput(loss->params[0].name, x, loss->params[0].range);
    c.emitInput(loss->params[1].name, y, loss->params[1].range);
    c.declare(loss->params[0].name, {x, loss->params[0].range,
                                     Binding::Kind::Let});
    c.declare(loss->params[1].name, {y, loss->params[1].range,
                                     Binding::Kind::Let});
    const auto &ret = llvm::cast<ast::ReturnStmt>(*loss->body[0]);
    Value l = c.eval(*ret.value);
    if (l.isError() || !withMetrics)
      return l;
    // Metrics are called with the model's output and the labels.
    Value tuple = Value::of(Value::Kind::Tuple);
    tuple.elements.push_back(l);
    auto metrics = f->values.find("metrics");
    if (metrics == f->values.end())
      return tuple;
    SourceRange at = f->decl->nameRange;
    for (const auto &field : f->decl->fields)
      if (field.name == "metrics")
        at = field.value->range;
    std::vector<ArgValue> fwdArgs{{"", at, x}};
    Value out = c.call(f->values["model"], fwdArgs, at, at);
    for (const Value &m : metrics->second.elements) {
      std::vector<ArgValue> args{{"", at, out}, {"", at, y}};
      tuple.elements.push_back(c.call(m, args, at, at));
    }
    return tuple;
  });
  if (diags.numErrors() != before)
    return std::nullopt;
  return result;
}

/// Whether `init` is `zeros_like(...)` or `zeros(...)`: the optimizer states
/// code generation supports, which the runtime creates as zeros.
static bool isZerosInit(const ast::Expr &init) {
  const auto *call = llvm::dyn_cast<ast::CallExpr>(&init);
  const auto *callee =
      call ? llvm::dyn_cast<ast::NameExpr>(call->callee.get()) : nullptr;
  return callee && (callee->name == "zeros_like" || callee->name == "zeros");
}

std::optional<Value> nnc::emitOptimizerUpdate(
    llvm::ArrayRef<SemaModule> modules, const SourceManager &sm,
    DiagnosticEngine &diags, Emitter &emitter, const std::string &train,
    const std::string &paramPath, const Value &param) {
  Checker c(sm, diags);
  c.collectGlobals(modules);
  std::optional<TrainFields> f = c.inEnv(
      nullptr, [&] { return evalFields(c, modules, train); });
  if (!f)
    return std::nullopt;
  // The simple form's one optimizer; its field names the states.
  const std::string field = "optimizer";
  const OptimizerInstance &opt = *f->values[field].optimizer;
  const ast::OptimizerDecl &o = *opt.decl;
  c.emitter = &emitter;
  unsigned before = diags.numErrors();
  // The learning rate is a run-time input (`--lr`, schedules); the other
  // hyperparameters stay compile-time constants.
  auto hyper = std::make_shared<ModelInstance>();
  hyper->hyper = opt.hyper;
  std::optional<Value> result = c.inEnv(hyper, [&]() -> std::optional<Value> {
    const auto &ps = o.update->params;
    Value p = Value::tensor(param.dtype, param.shape);
    Value g = p, t = Value::tensor(DType::F32, {});
    c.emitter->input(ps[0].name, p, ps[0].range);
    c.emitter->input(ps[1].name, g, ps[1].range);
    c.emitter->input(ps[2].name, t, ps[2].range);
    if (hyper->hyper.count("lr")) {
      Value lr = Value::tensor(DType::F32, {});
      c.emitter->input("lr", lr, {});
      c.scopes.back()["lr"] = {lr, {}, Binding::Kind::Hyper};
    }
    c.pushScope();
    c.declare(ps[0].name, {p, ps[0].range, Binding::Kind::Var});
    c.declare(ps[1].name, {g, ps[1].range, Binding::Kind::Var});
    c.declare(ps[2].name, {t, ps[2].range, Binding::Kind::Let});
    for (const auto &s : o.states) {
      if (!isZerosInit(*s.init)) {
        c.fail(s.init->range, "code generation supports optimizer states "
                              "that start at zeros_like(p)");
        return std::nullopt;
      }
      Value v = Value::tensor(param.dtype, param.shape);
      c.emitter->parameter(field + "/" + paramPath + "/" + s.name,
                           /*isState=*/true, InitSpec{"zeros", {}}, v,
                           s.range);
      c.declare(s.name, {v, s.range, Binding::Kind::State});
    }
    c.frame.stateAssignable = true;
    c.frame.fn = o.update.get();
    c.block(o.update->body);
    Value tuple = Value::of(Value::Kind::Tuple);
    tuple.elements.push_back(c.lookupLocal(ps[0].name)->value);
    for (const auto &s : o.states)
      tuple.elements.push_back(c.lookupLocal(s.name)->value);
    return tuple;
  });
  if (diags.numErrors() != before)
    return std::nullopt;
  return result;
}
