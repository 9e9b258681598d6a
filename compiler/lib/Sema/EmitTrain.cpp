//===- EmitTrain.cpp - Evaluating a train block for code generation -------===//
//
// The functions a training program needs, each evaluated with an Emitter as
// EmitForward.cpp does for the forward pass: the loss of one batch (and the
// metrics, for evaluation), and one optimizer update per parameter. The
// train block's fields are evaluated afresh for each, so every function has
// its own parameter arguments. The settings the runtime needs (batch size,
// epochs, data, learning rate, ...) are read from the same fields. A step
// with several `minimize` statements gives one loss per objective, each
// evaluated after the step's statements before it.
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
  /// The optimizer field of each objective, in order.
  std::vector<std::string> optimizers;
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

/// The first `minimize` nested in a `for` or `if` of `body`, or null.
static const ast::Stmt *nestedMinimize(const ast::Block &body, bool nested) {
  for (const ast::StmtPtr &s : body) {
    if (nested && llvm::isa<ast::MinimizeStmt>(*s))
      return s.get();
    const ast::Stmt *found = nullptr;
    if (const auto *f = llvm::dyn_cast<ast::ForStmt>(s.get()))
      found = nestedMinimize(f->body, true);
    else if (const auto *i = llvm::dyn_cast<ast::IfStmt>(s.get()))
      found = nestedMinimize(i->thenBody, true)
                  ?: nestedMinimize(i->elseBody, true);
    if (found)
      return found;
  }
  return nullptr;
}

/// The step's objectives: its top-level `minimize` statements, each
/// optimizer once. Code generation differentiates one loss per optimizer,
/// evaluated once per step.
static bool collectObjectives(Checker &c, TrainFields &f) {
  const ast::FnDecl &step = *f.decl->step;
  if (const ast::Stmt *nested = nestedMinimize(step.body, false)) {
    c.fail(nested->range, "code generation supports 'minimize' only as a "
                          "statement of the step itself, not inside 'for' "
                          "or 'if'");
    return false;
  }
  for (const ast::StmtPtr &s : step.body) {
    const auto *m = llvm::dyn_cast<ast::MinimizeStmt>(s.get());
    if (!m)
      continue;
    if (llvm::is_contained(f.optimizers, m->optimizer)) {
      c.fail(m->optimizerRange,
             "optimizer '" + m->optimizer + "' is minimized twice in one "
             "step; code generation supports one 'minimize' per optimizer");
      return false;
    }
    f.optimizers.push_back(m->optimizer);
  }
  if (f.optimizers.empty()) {
    c.fail(step.nameRange, "the step of train block '" + f.decl->name +
                               "' has no 'minimize' to generate code for");
    return false;
  }
  return true;
}

/// Evaluates the fields of train block `name` into the current scope. In
/// the step form every model's checkpoint names start with its field
/// (`gen.fc1.w`), as there may be several.
static std::optional<TrainFields>
evalFields(Checker &c, llvm::ArrayRef<SemaModule> modules,
           const std::string &name) {
  TrainFields f;
  f.decl = findTrain(modules, name);
  if (!f.decl) {
    c.diags.errorNoLoc("no train block named '" + name + "'");
    return std::nullopt;
  }
  c.frame.createsModels = true;
  c.declare("B", {Value::integer(Dim::symbol("B")), f.decl->nameRange,
                  Binding::Kind::Symbol});
  for (const auto &field : f.decl->fields) {
    Value v = c.eval(*field.value);
    if (v.isError())
      return std::nullopt;
    if (f.decl->step && v.kind == Value::Kind::Model)
      v.model->path = field.name + ".";
    f.values[field.name] = v;
    c.declare(field.name, {v, field.nameRange, Binding::Kind::Field});
  }
  c.frame.createsModels = false;
  std::vector<const char *> required{"data"};
  if (!f.decl->step)
    required = {"model", "data", "optimizer"};
  for (const char *field : required)
    if (!f.values.count(field)) {
      c.fail(f.decl->nameRange, "train block '" + name + "' has no '" +
                                    field + "' to generate code for");
      return std::nullopt;
    }
  if (!f.decl->step) {
    f.optimizers = {"optimizer"};
    return f;
  }
  if (!collectObjectives(c, f))
    return std::nullopt;
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
    s.samples = intField("samples", 0);
    const Value &data = f->values["data"];
    s.dataKind = data.builtin;
    s.dataDir = data.text.value_or("");
    if (data.source)
      s.dataSource = *data.source;
    if (!data.source && s.dataKind != "idx") {
      for (const auto &field : f->decl->fields)
        if (field.name == "data")
          c.fail(field.value->range, "the files of '" + data.builtin +
                                         "' must be known at compile time");
      return std::nullopt;
    }
    for (const std::string &field : f->optimizers) {
      const OptimizerInstance &opt = *f->values[field].optimizer;
      TrainObjective o{field, opt.decl->name, std::nullopt, ""};
      if (auto lr = opt.hyper.find("lr"); lr != opt.hyper.end())
        o.lr = lr->second.knownNumber();
      if (f->decl->step)
        o.modelPath = opt.model->path;
      s.objectives.push_back(o);
    }
    if (auto m = f->values.find("metrics"); m != f->values.end())
      for (const Value &e : m->second.elements)
        s.metrics.push_back(e.kind == Value::Kind::Function ? e.fn->name
                                                            : e.builtin);
    if (auto it = f->values.find("schedule"); it != f->values.end()) {
      s.schedule = it->second.builtin;
      s.scheduleSettings = it->second.settings;
    }
    s.augment = data.settings;
    if (auto it = f->values.find("clip_norm"); it != f->values.end())
      s.clipNorm = it->second.knownNumber();
    return s;
  });
}

/// Appends each metric of the model's output on `x` and `y` to `tuple`.
static void emitMetrics(Checker &c, TrainFields &f, const Value &x,
                        const Value &y, Value &tuple) {
  auto metrics = f.values.find("metrics");
  if (metrics == f.values.end() || !f.values.count("model"))
    return;
  SourceRange at = f.decl->nameRange;
  for (const auto &field : f.decl->fields)
    if (field.name == "metrics")
      at = field.value->range;
  std::vector<ArgValue> fwdArgs{{"", at, x}};
  Value out = c.call(f.values["model"], fwdArgs, at, at);
  for (const Value &m : metrics->second.elements) {
    std::vector<ArgValue> args{{"", at, out}, {"", at, y}};
    tuple.elements.push_back(c.call(m, args, at, at));
  }
}

std::optional<Value>
nnc::emitTrainLoss(llvm::ArrayRef<SemaModule> modules, const SourceManager &sm,
                   DiagnosticEngine &diags, Emitter &emitter,
                   const std::string &train,
                   std::optional<unsigned> objective) {
  Checker c(sm, diags);
  c.collectGlobals(modules);
  unsigned before = diags.numErrors();
  std::optional<Value> result = c.inEnv(nullptr, [&]() -> std::optional<Value> {
    std::optional<TrainFields> f = evalFields(c, modules, train);
    if (!f)
      return std::nullopt;
    const ast::FnDecl *body = f->decl->step.get();
    for (const auto &fn : f->decl->functions)
      if (!body && fn->name == "loss")
        body = fn.get();
    if (!body || body->params.size() != 2) {
      c.fail(f->decl->nameRange, "train block '" + train +
                                     "' has no 'loss(x, y) = ...'");
      return std::nullopt;
    }
    c.emitter = &emitter;
    c.training = objective.has_value();
    c.frame.stateAssignable = true;
    // The batch: the images then the labels.
    const Value &data = f->values["data"];
    Value x = data.batch->first, y = data.batch->second;
    c.pushScope();
    for (unsigned i = 0; i < 2; ++i) {
      const ast::Param &p = body->params[i];
      Value &v = i ? y : x;
      c.emitInput(p.name, v, p.range);
      c.declare(p.name, {v, p.range, Binding::Kind::Let});
    }
    Value tuple = Value::of(Value::Kind::Tuple);
    if (!f->decl->step) {
      const auto &ret = llvm::cast<ast::ReturnStmt>(*body->body[0]);
      Value l = c.eval(*ret.value);
      if (l.isError() || objective)
        return l;
      tuple.elements.push_back(l);
    } else {
      // The step's statements in order; each objective's loss where its
      // `minimize` stands, the others' skipped.
      c.frame.inStep = true;
      unsigned k = 0;
      for (const ast::StmtPtr &s : body->body) {
        const auto *m = llvm::dyn_cast<ast::MinimizeStmt>(s.get());
        if (!m) {
          c.stmt(*s);
          continue;
        }
        if (!objective || *objective == k) {
          emitter.beginObjective(k);
          Value l = c.eval(*m->loss);
          emitter.endObjective();
          if (l.isError() || objective)
            return l;
          tuple.elements.push_back(l);
        }
        ++k;
      }
    }
    emitMetrics(c, *f, x, y, tuple);
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
    unsigned objective, const std::string &paramPath, const Value &param) {
  Checker c(sm, diags);
  c.collectGlobals(modules);
  std::optional<TrainFields> f = c.inEnv(
      nullptr, [&] { return evalFields(c, modules, train); });
  if (!f)
    return std::nullopt;
  // The objective's optimizer; its field names the states.
  const std::string &field = f->optimizers[objective];
  const OptimizerInstance &opt = *f->values[field].optimizer;
  const ast::OptimizerDecl &o = *opt.decl;
  c.emitter = &emitter;
  unsigned before = diags.numErrors();
  // The learning rate is a run-time input (`--lr`, schedules) of the first
  // objective's optimizer; another optimizer keeps its ratio to it. The
  // other hyperparameters stay compile-time constants.
  auto lrOf = [&](const std::string &name) -> std::optional<double> {
    const auto &h = f->values[name].optimizer->hyper;
    auto lr = h.find("lr");
    return lr == h.end() ? std::nullopt : lr->second.knownNumber();
  };
  std::optional<double> lr = lrOf(field), baseLR = lrOf(f->optimizers[0]);
  if (opt.hyper.count("lr") && !(lr && baseLR && *baseLR > 0)) {
    c.fail(f->decl->nameRange,
           "code generation needs a compile-time 'lr' > 0 for optimizer '" +
               field + "' and for the first one minimized, '" +
               f->optimizers[0] + "'");
    return std::nullopt;
  }
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
      Value runLR = Value::tensor(DType::F32, {});
      c.emitter->input("lr", runLR, {});
      Value scaled = runLR;
      if (*lr != *baseLR)
        c.emitter->binary(ast::BinaryOp::Mul, runLR,
                          Value::floating(*lr / *baseLR), scaled, {});
      c.scopes.back()["lr"] = {scaled, {}, Binding::Kind::Hyper};
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
