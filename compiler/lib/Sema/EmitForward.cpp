//===- EmitForward.cpp - Evaluating a forward pass for code generation ----===//
//
// Runs the evaluator once more on a concrete model (a train block's `model`,
// or a model with default hyperparameters) with an Emitter attached: the
// forward's parameters become the entry's inputs, symbolic dims of the
// inputs become run-time sizes, every call is inlined and every loop with
// compile-time bounds unrolled. Runs only on programs that checked clean.
//
//===----------------------------------------------------------------------===//

#include "Checker.h"

using namespace nnc;
using namespace nnc::sema;
using namespace nnc::shape;

Emitter::~Emitter() = default;

Value Checker::symbolValue(const Dim &d) {
  Value v = Value::integer(d);
  if (d.isSymbol())
    if (auto it = symbolHandles.find(d.name()); it != symbolHandles.end())
      v.ir = it->second;
  return v;
}

void Checker::emitInput(const std::string &name, Value &v, SourceRange r) {
  emitter->input(name, v, r);
  // The first input dim a symbol appears at gives its run-time size.
  for (size_t axis = 0; axis < v.shape.size(); ++axis) {
    const Dim &d = v.shape[axis];
    if (!d.isSymbol() || symbolHandles.count(d.name()))
      continue;
    Value size = Value::integer(d);
    emitter->inputDim(v, axis, size);
    symbolHandles[d.name()] = size.ir;
    scopes.back()[d.name()] = {size, {}, Binding::Kind::Symbol};
  }
}

/// The model of train block `t` whose forward pass `predict` runs: its
/// `model`, or in the step form its first model field (a GAN's generator),
/// whose checkpoint names start with the field's name (`gen.fc1.w`). The
/// fields before it are evaluated too, as it may use them.
static std::shared_ptr<ModelInstance> trainModel(Checker &c,
                                                 const ast::TrainDecl &t) {
  return c.inEnv(nullptr, [&]() -> std::shared_ptr<ModelInstance> {
    c.frame.createsModels = true;
    for (const auto &f : t.fields) {
      if (!t.step && f.name != "model")
        continue;
      Value v = c.eval(*f.value);
      if (v.isError())
        return nullptr;
      if (v.kind == Value::Kind::Model && (t.step || f.name == "model")) {
        if (t.step)
          v.model->path = f.name + ".";
        return v.model;
      }
      c.declare(f.name, {v, f.nameRange, Binding::Kind::Field});
    }
    c.diags.errorNoLoc("train block '" + t.name + "' has no " +
                       (t.step ? "model" : "'model' field") +
                       " to generate code for");
    return nullptr;
  });
}

/// The model a request names, built with concrete hyperparameters.
static std::shared_ptr<ModelInstance> requestedModel(Checker &c,
                                                     const EmitRequest &req,
                                                     llvm::ArrayRef<SemaModule> modules) {
  if (!req.train.empty()) {
    for (const SemaModule &m : modules)
      for (const auto &t : m.module->trains)
        if (t->name == req.train)
          return trainModel(c, *t);
    c.diags.errorNoLoc("no train block named '" + req.train + "'");
    return nullptr;
  }
  auto it = c.globals.find(req.model);
  if (it == c.globals.end() || !it->second.model) {
    c.diags.errorNoLoc("no model named '" + req.model + "'");
    return nullptr;
  }
  const ast::ModelDecl &decl = *it->second.model;
  for (const ast::Param &p : decl.hyperParams)
    if (!p.defaultValue) {
      c.fail(p.range, "model '" + decl.name + "' needs a value for '" +
                          p.name + "' to be built; give it a default or "
                          "generate code for a train block instead");
      return nullptr;
    }
  return c.genericInstance(decl);
}

std::optional<Value> nnc::emitForward(llvm::ArrayRef<SemaModule> modules,
                                      const SourceManager &sm,
                                      DiagnosticEngine &diags,
                                      sema::Emitter &emitter,
                                      const sema::EmitRequest &req) {
  Checker c(sm, diags);
  c.collectGlobals(modules);
  std::shared_ptr<ModelInstance> inst = requestedModel(c, req, modules);
  if (!inst)
    return std::nullopt;
  const ast::ModelMember *fwd = c.findMember(*inst->decl, "forward");
  if (!fwd || fwd->kind != ast::ModelMember::Kind::Method) {
    c.fail(inst->decl->nameRange, "model '" + inst->decl->name +
                                      "' has no 'forward' method");
    return std::nullopt;
  }
  const ast::FnDecl &f = *fwd->method;
  Signature sig = c.signature(f, inst);
  c.emitter = &emitter;
  c.training = req.training;
  unsigned before = diags.numErrors();
  std::optional<Value> result = c.inEnv(inst, [&]() -> std::optional<Value> {
    c.pushScope();
    std::vector<Value> inputs;
    for (size_t i = 0; i < sig.names.size(); ++i) {
      const auto &t = sig.types[i];
      if (!t || t->kind != TypePattern::Kind::Tensor || t->shape.hasEllipsis) {
        c.fail(sig.ranges[i], "the inputs of the generated 'forward' must be "
                              "tensors of fixed rank, found '" +
                                  sig.names[i] + "'" +
                                  (t ? ": " + t->str() : ""));
        return std::nullopt;
      }
      Value v = Value::tensor(t->dtype, t->shape.dims);
      c.emitInput(sig.names[i], v, sig.ranges[i]);
      c.scopes.back()[sig.names[i]] = {v, sig.ranges[i], Binding::Kind::Param};
    }
    c.frame.stateAssignable = true;
    c.block(f.body);
    if (c.frame.returns.empty()) {
      c.fail(f.nameRange, "'forward' returns nothing");
      return std::nullopt;
    }
    return c.frame.returns.front();
  });
  if (diags.numErrors() != before)
    return std::nullopt;
  return result;
}
