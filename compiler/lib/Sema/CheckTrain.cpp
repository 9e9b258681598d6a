//===- CheckTrain.cpp - Train blocks --------------------------------------===//
//
// A train block's fields are evaluated in order into one scope, with the
// batch size as the symbol `B`. The simple form needs model, data, loss and
// optimizer (which then updates `model`); the general form needs data and a
// `step(x, y)` whose `minimize` statements name optimizers bound to models.
//
//===----------------------------------------------------------------------===//

#include "Checker.h"

using namespace nnc;
using namespace nnc::sema;
using namespace nnc::shape;
using llvm::Twine;

namespace {
/// What a well-known field must hold.
enum class FieldRule {
  Model, Dataset, Optimizer, PositiveInt, Int, List, Schedule, PositiveNumber
};
} // namespace

static std::optional<FieldRule> ruleFor(llvm::StringRef name) {
  if (name == "model") return FieldRule::Model;
  if (name == "data") return FieldRule::Dataset;
  if (name == "optimizer") return FieldRule::Optimizer;
  if (name == "batch" || name == "epochs" || name == "samples")
    return FieldRule::PositiveInt;
  if (name == "seed") return FieldRule::Int;
  if (name == "metrics") return FieldRule::List;
  if (name == "schedule") return FieldRule::Schedule;
  if (name == "clip_norm") return FieldRule::PositiveNumber;
  return std::nullopt;
}

static std::string checkField(FieldRule rule, const Value &v) {
  using K = Value::Kind;
  switch (rule) {
  case FieldRule::Model:
    return v.kind == K::Model ? "" : "a model such as MLP()";
  case FieldRule::Dataset:
    return v.kind == K::Dataset ? "" : "a dataset such as fashion_mnist()";
  case FieldRule::Optimizer:
    return v.kind == K::Optimizer ? "" : "an optimizer such as Adam(lr = 1e-3)";
  case FieldRule::PositiveInt:
    if (auto n = v.knownInt(); n && *n > 0)
      return "";
    return "a positive integer";
  case FieldRule::Int:
    if (auto n = v.knownInt(); n && *n >= 0)
      return "";
    return "a non-negative integer";
  case FieldRule::List:
    return v.kind == K::List ? "" : "a list such as [accuracy]";
  case FieldRule::Schedule:
    return v.kind == K::Schedule ? ""
                                 : "a learning-rate schedule such as "
                                   "cosine(warmup = 1)";
  case FieldRule::PositiveNumber:
    if (auto n = v.knownNumber(); n && *n > 0)
      return "";
    return "a number greater than 0";
  }
  return "";
}

void Checker::checkTrain(const ast::TrainDecl &t) {
  unsigned errorsBefore = diags.numErrors();
  inEnv(nullptr, [&] {
    frame.createsModels = true;
    pushScope();
    declare("B", {Value::integer(Dim::symbol("B")), t.nameRange,
                  Binding::Kind::Symbol});
    std::map<std::string, Value> fields;
    for (const auto &f : t.fields) {
      Value v = eval(*f.value);
      if (!v.isError()) {
        auto rule = ruleFor(f.name);
        std::string want = rule ? checkField(*rule, v) : "";
        if (!rule && v.kind != Value::Kind::Model &&
            v.kind != Value::Kind::Optimizer)
          want = "a model or an optimizer (the known fields are model, data, "
                 "loss, optimizer, batch, epochs, metrics, seed, schedule, "
                 "clip_norm and samples)";
        // An integer field holding an int out of range shows the value.
        bool intRule = rule && (*rule == FieldRule::PositiveInt ||
                                *rule == FieldRule::Int);
        std::string found = intRule && v.knownInt()
                                ? std::to_string(*v.knownInt())
                                : v.typeStr();
        if (!want.empty())
          v = fail(f.value->range, "train field '" + f.name + "' must be " +
                                       want + ", found " + found);
      }
      if (fields.count(f.name)) {
        fail(f.nameRange, "duplicate field '" + f.name + "' in train block '" +
                              t.name + "'");
        if (Binding *prev = lookupLocal(f.name))
          diags.note(prev->decl, "previous definition is here");
        continue;
      }
      fields[f.name] = v;
      declare(f.name, {v, f.nameRange, Binding::Kind::Field});
      if (v.kind == Value::Kind::Model)
        checkInstance(v.model);
    }
    frame.createsModels = false;

    // The simple form's optimizer updates the parameters of `model`.
    auto opt = fields.find("optimizer");
    auto model = fields.find("model");
    if (opt != fields.end() && opt->second.kind == Value::Kind::Optimizer &&
        !opt->second.optimizer->model && model != fields.end() &&
        model->second.kind == Value::Kind::Model)
      opt->second.optimizer->model = model->second.model;

    auto data = fields.find("data");
    Value x = Value::error(), y = Value::error();
    if (data != fields.end() && data->second.kind == Value::Kind::Dataset) {
      x = data->second.batch->first;
      y = data->second.batch->second;
    }
    auto require = [&](const char *name, const char *example) {
      if (fields.count(name))
        return;
      fail(t.nameRange, "train block '" + t.name + "' needs '" + name +
                            "' (e.g. " + example + ")");
    };
    require("data", "data = fashion_mnist()");
    bool hasLoss = false;
    for (const auto &fn : t.functions) {
      if (fn->name != "loss") {
        fail(fn->nameRange, "a train block defines only 'loss(x, y) = ...', "
                            "found '" + fn->name + "'");
        continue;
      }
      hasLoss = true;
      if (fn->params.size() != 2) {
        fail(fn->nameRange, "'loss' takes the batch's inputs and labels: "
                            "loss(x, y)");
        continue;
      }
      pushScope();
      declare(fn->params[0].name, {x, fn->params[0].range, Binding::Kind::Let});
      declare(fn->params[1].name, {y, fn->params[1].range, Binding::Kind::Let});
      const auto &ret = llvm::cast<ast::ReturnStmt>(*fn->body[0]);
      Value l = eval(*ret.value);
      if (!l.isError() && !(l.isTensor() && l.shape.empty() &&
                            isFloatType(l.dtype)))
        fail(ret.value->range, "the loss must be a scalar f32[], found " +
                                   l.typeStr() + " (reduce it with mean or sum)");
      popScope();
    }
    if (!t.step) {
      require("model", "model = MLP()");
      if (!hasLoss)
        fail(t.nameRange, "train block '" + t.name + "' needs 'loss(x, y) = "
                          "...' or a 'step(x, y) { ... }'");
      require("optimizer", "optimizer = Adam(lr = 1e-3)");
    } else {
      const auto &ps = t.step->params;
      if (ps.size() != 2) {
        fail(t.step->nameRange, "'step' takes the batch's inputs and labels: "
                                "step(x, y)");
        return;
      }
      pushScope();
      declare(ps[0].name, {x, ps[0].range, Binding::Kind::Let});
      declare(ps[1].name, {y, ps[1].range, Binding::Kind::Let});
      frame.inStep = true;
      block(t.step->body);
      frame.inStep = false;
      popScope();
    }
    // Metrics are called like accuracy(model(x), y). They run the model
    // again, so after an error in this block they would only repeat it.
    auto metrics = fields.find("metrics");
    if (metrics == fields.end() || metrics->second.kind != Value::Kind::List ||
        model == fields.end() || model->second.kind != Value::Kind::Model ||
        x.isError() || diags.numErrors() != errorsBefore)
      return;
    const ast::Expr *listExpr = nullptr;
    for (const auto &f : t.fields)
      if (f.name == "metrics")
        listExpr = f.value.get();
    const auto *list = llvm::dyn_cast<ast::ListExpr>(listExpr);
    std::vector<ArgValue> fwdArgs{{"", listExpr->range, x}};
    Value out = call(model->second, fwdArgs, listExpr->range, listExpr->range);
    if (out.isError())
      return;
    for (size_t i = 0; i < metrics->second.elements.size(); ++i) {
      const Value &m = metrics->second.elements[i];
      SourceRange at = list ? list->elements[i]->range : listExpr->range;
      if (m.kind != Value::Kind::Function && m.kind != Value::Kind::Builtin) {
        fail(at, "a metric must be a function such as accuracy, found " +
                     m.typeStr());
        continue;
      }
      std::vector<ArgValue> args{{"", at, out}, {"", at, y}};
      unsigned errors = diags.numErrors();
      Value r = call(m, args, at, at);
      if (diags.numErrors() != errors)
        diags.note(at, "a metric is called with the model's output and the "
                       "labels: " +
                           sm.rangeText(at) + "(model(x), y)");
      else if (!r.isError() && !(r.isTensor() && r.shape.empty()))
        fail(at, "a metric must return a scalar, '" + m.typeStr() +
                     "' returns " + r.typeStr());
    }
  });
}
