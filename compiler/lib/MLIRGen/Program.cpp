//===- Program.cpp - The functions of a program and its descriptor --------===//
//
// Assembles the module nnc compiles: @forward (what `predict` and exported
// libraries call) and, for a train block, the training functions the
// runtime's `train`, `eval` and `gradcheck` call:
//   @train_step  per objective (the simple form's loss, or each `minimize`
//                of a step): loss and gradients (@loss_grad, made by the
//                nn-autodiff pass from @loss), then one optimizer update
//                per parameter
//   @eval_step   the losses and the metrics without training behaviour
//   @grad        the first loss and its gradients, for `gradcheck`
// Sema evaluates each of @forward, the losses, @eval_step and the updates
// with an NNEmitter; @train_step and @grad only call them. The model descriptor
// (runtime/include/nnrt/abi.h) lists every entry point's arguments and
// results and travels to the object emitter as the `nn.descriptor` module
// attribute.
//
//===----------------------------------------------------------------------===//

#include "NNEmitter.h"
#include "nnc/Dialect/NN/NNOps.h"
#include "nnc/MLIRGen/MLIRGen.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "llvm/Support/Format.h"

#include <set>

using namespace nnc;
using namespace mlir;
using sema::DType;

// ----- Model descriptor ------------------------------------------------------

static const char *descriptorDType(DType t) {
  static const char *names[] = {"F32", "F16", "BF16", "F64", "I32", "I64",
                                "BOOL"};
  return names[static_cast<int>(t)];
}

/// PyTorch's fan computation: [out, in, k...] gives in*k and out*k; vectors
/// and scalars use their length for both.
static std::pair<int64_t, int64_t> fans(const shape::Shape &s) {
  auto dim = [&](size_t i) { return s[i].isKnown() ? s[i].value() : 1; };
  if (s.size() < 2) {
    int64_t n = s.empty() ? 1 : dim(0);
    return {n, n};
  }
  int64_t receptive = 1;
  for (size_t i = 2; i < s.size(); ++i)
    receptive *= dim(i);
  return {dim(1) * receptive, dim(0) * receptive};
}

static void writeArg(llvm::raw_ostream &os, const ArgInfo &a) {
  os << "{\"role\": \"" << a.role << "\", \"name\": \"";
  os.write_escaped(a.name);
  os << "\", \"dtype\": \"" << descriptorDType(a.type.dtype)
     << "\", \"shape\": [";
  // A symbolic dim is named, so the runtime checks inputs sharing it.
  for (size_t i = 0; i < a.type.shape.size(); ++i) {
    const shape::Dim &d = a.type.shape[i];
    os << (i ? ", " : "");
    if (d.isKnown())
      os << d.value();
    else if (d.isSymbol())
      os << "\"" << d.name() << "\"";
    else
      os << -1;
  }
  os << "]";
  // Arguments that persist across calls say how they start.
  if (a.init.name.empty()) {
    os << "}";
    return;
  }
  os << ", \"init\": {\"name\": \"" << a.init.name << "\"";
  for (const auto &[k, v] : a.init.args)
    os << ", \"" << k << "\": " << llvm::format("%.17g", v);
  os << "}";
  if (a.role == "param" || a.role == "state") {
    auto [in, fanOut] = fans(a.type.shape);
    os << ", \"fan_in\": " << in << ", \"fan_out\": " << fanOut;
  }
  os << "}";
}

/// `"args": [...], "results": [...]`.
static void writeSignature(llvm::raw_ostream &os, llvm::ArrayRef<ArgInfo> args,
                           llvm::ArrayRef<ArgInfo> results) {
  auto list = [&](llvm::ArrayRef<ArgInfo> infos) {
    os << "[";
    for (size_t i = 0; i < infos.size(); ++i) {
      os << (i ? ", " : "");
      writeArg(os, infos[i]);
    }
    os << "]";
  };
  os << "\"args\": ";
  list(args);
  os << ", \"results\": ";
  list(results);
}

// ----- Training functions ------------------------------------------------------

namespace {
/// The training entry points' signatures, for the descriptor.
struct TrainingSignatures {
  std::vector<ArgInfo> stepArgs, stepResults, evalArgs, evalResults, gradArgs,
      gradResults;
  /// The descriptor's "train" object.
  std::string json;
};

/// One objective's functions: its loss, the gradient function nn-autodiff
/// will define, and one optimizer update per parameter it differentiates.
struct ObjectiveFns {
  std::unique_ptr<NNEmitter> loss;
  func::FuncOp lossGrad;
  std::vector<unsigned> params; ///< the loss's args it differentiates
  std::vector<std::unique_ptr<NNEmitter>> updates; ///< by param
  /// Scales the gradients to the `clip_norm` bound; null without one.
  std::unique_ptr<NNEmitter> clip;
};
} // namespace

/// Makes `func` an entry point the runtime calls through its C interface.
static void exposeToRuntime(func::FuncOp func) {
  func->setAttr("llvm.emit_c_interface", UnitAttr::get(func.getContext()));
}

/// Gives the loss function's inputs and results their training roles: the
/// batch's images ("input") and labels ("label"); the loss first.
static void markLossRoles(NNEmitter &e) {
  unsigned inputs = 0;
  for (ArgInfo &a : e.argInfos)
    if (a.role == "input" && inputs++ == 1)
      a.role = "label";
  e.resultInfos[0].role = "loss";
  e.resultInfos[0].name = "loss";
}

/// @clip_<k>(g...) -> (g...): objective k's gradients scaled by
/// min(1, max_norm / (global norm + 1e-6)), the global norm taken over all
/// of them together, exactly as torch.nn.utils.clip_grad_norm_.
static std::unique_ptr<NNEmitter> addClip(ModuleOp module,
                                          const SourceManager &sm,
                                          nnc::DiagnosticEngine &diags,
                                          unsigned k, const ObjectiveFns &o,
                                          double maxNorm) {
  using sema::Value;
  using ast::BinaryOp;
  auto e = std::make_unique<NNEmitter>(module, "clip_" + std::to_string(k),
                                       sm, diags);
  Value scalar = Value::tensor(DType::F32, {}), squares = scalar;
  std::vector<Value> grads;
  for (unsigned i : o.params) {
    const Value &type = o.loss->argInfos[i].type;
    Value g = Value::tensor(type.dtype, type.shape);
    e->input("g" + std::to_string(grads.size()), g, {});
    Value square = g, sum = scalar;
    e->binary(BinaryOp::Mul, g, g, square, {});
    e->builtin("sum", {&square}, sum, {});
    if (grads.empty())
      squares = sum;
    else
      e->binary(BinaryOp::Add, Value(squares), sum, squares, {});
    grads.push_back(g);
  }
  Value norm = scalar, denominator = scalar, coef = scalar, clamped = scalar;
  e->builtin("sqrt", {&squares}, norm, {});
  e->binary(BinaryOp::Add, norm, Value::floating(1e-6), denominator, {});
  e->binary(BinaryOp::Div, Value::floating(maxNorm), denominator, coef, {});
  Value one = Value::floating(1.0);
  e->builtin("minimum", {&coef, &one}, clamped, {});
  Value tuple = Value::of(Value::Kind::Tuple);
  for (const Value &g : grads) {
    Value scaled = g;
    e->binary(BinaryOp::Mul, g, clamped, scaled, {});
    tuple.elements.push_back(scaled);
  }
  e->finish(tuple, /*withState=*/false);
  e->func.setPrivate();
  return e;
}

/// Builds objective `k`'s loss (@loss, @loss_1, ...), marked for nn-autodiff
/// with respect to the parameters of its optimizer's model only (the others
/// are `nn.frozen`), its updates, and the declaration of its gradient.
static std::optional<ObjectiveFns>
addObjective(ModuleOp module, llvm::ArrayRef<SemaModule> modules,
             const SourceManager &sm, nnc::DiagnosticEngine &diags,
             const std::string &train, const sema::TrainSettings &settings,
             unsigned k) {
  ObjectiveFns o;
  std::string name = k ? "loss_" + std::to_string(k) : "loss";
  o.loss = std::make_unique<NNEmitter>(module, name, sm, diags);
  NNEmitter &loss = *o.loss;
  loss.training = true;
  std::optional<sema::Value> l =
      emitTrainLoss(modules, sm, diags, loss, train, k);
  if (!l)
    return std::nullopt;
  loss.finish(*l);
  markLossRoles(loss);
  loss.func.setPrivate();
  MLIRContext *ctx = module.getContext();
  loss.func->setAttr("nn.differentiate", UnitAttr::get(ctx));
  const sema::TrainObjective &objective = settings.objectives[k];
  for (unsigned i = 0; i < loss.argInfos.size(); ++i) {
    const ArgInfo &a = loss.argInfos[i];
    if (a.role != "param")
      continue;
    if (llvm::StringRef(a.name).starts_with(objective.modelPath)) {
      o.params.push_back(i);
      continue;
    }
    loss.func.removeArgAttr(i, "nn.param");
    loss.func.setArgAttr(i, "nn.frozen", StringAttr::get(ctx, a.name));
  }
  if (o.params.empty()) {
    diags.errorNoLoc("the loss minimized with '" + objective.optimizer +
                     "' uses no parameter of its optimizer's model");
    return std::nullopt;
  }
  for (unsigned i : o.params) {
    const ArgInfo &p = loss.argInfos[i];
    auto up = std::make_unique<NNEmitter>(
        module, "update_" + std::to_string(k) + "_" +
                    std::to_string(o.updates.size()),
        sm, diags);
    std::optional<sema::Value> u =
        emitOptimizerUpdate(modules, sm, diags, *up, train, k, p.name, p.type);
    if (!u)
      return std::nullopt;
    up->finish(*u, /*withState=*/false);
    up->func.setPrivate();
    o.updates.push_back(std::move(up));
  }
  // The loss's results, then the gradient of each parameter.
  OpBuilder b(ctx);
  b.setInsertionPointToEnd(module.getBody());
  FunctionType lossType = loss.func.getFunctionType();
  SmallVector<Type> gradTypes(lossType.getResults());
  for (unsigned i : o.params)
    gradTypes.push_back(lossType.getInput(i));
  o.lossGrad = b.create<func::FuncOp>(
      b.getUnknownLoc(), name + "_grad",
      b.getFunctionType(lossType.getInputs(), gradTypes));
  o.lossGrad.setPrivate();
  if (settings.clipNorm)
    o.clip = addClip(module, sm, diags, k, o, *settings.clipNorm);
  return o;
}

/// @eval_step: every objective's loss (the first as "loss", the others as
/// metrics "loss_<optimizer>"), then the metrics, without training
/// behaviour.
static bool addEval(ModuleOp module, llvm::ArrayRef<SemaModule> modules,
                    const SourceManager &sm, nnc::DiagnosticEngine &diags,
                    const std::string &train,
                    const sema::TrainSettings &settings,
                    TrainingSignatures &sig) {
  NNEmitter eval(module, "eval_step", sm, diags);
  std::optional<sema::Value> e =
      emitTrainLoss(modules, sm, diags, eval, train, std::nullopt);
  if (!e)
    return false;
  eval.finish(*e, /*withState=*/false);
  markLossRoles(eval);
  std::vector<std::string> names;
  for (size_t k = 1; k < settings.objectives.size(); ++k)
    names.push_back("loss_" + settings.objectives[k].optimizer);
  llvm::append_range(names, settings.metrics);
  for (size_t i = 1; i < eval.resultInfos.size(); ++i)
    eval.resultInfos[i] = {"metric", names[i - 1], eval.resultInfos[i].type,
                           {}};
  exposeToRuntime(eval.func);
  sig.evalArgs = eval.argInfos;
  sig.evalResults = eval.resultInfos;
  return true;
}

/// @grad: the first objective's @loss_grad as an entry point, for
/// `gradcheck`.
static void addGrad(ModuleOp module, ObjectiveFns &o,
                    TrainingSignatures &sig) {
  OpBuilder b(module.getContext());
  b.setInsertionPointToEnd(module.getBody());
  Location at = b.getUnknownLoc();
  auto grad = b.create<func::FuncOp>(at, "grad", o.lossGrad.getFunctionType());
  Block *body = grad.addEntryBlock();
  b.setInsertionPointToStart(body);
  auto call = b.create<func::CallOp>(at, o.lossGrad, body->getArguments());
  b.create<func::ReturnOp>(at, call.getResults());
  exposeToRuntime(grad);
  sig.gradArgs = o.loss->argInfos;
  sig.gradResults = o.loss->resultInfos;
  for (unsigned i : o.params)
    sig.gradResults.push_back({"grad", o.loss->argInfos[i].name,
                               o.loss->argInfos[i].type, {}});
}

/// @train_step(every loss's args..., optimizer states..., t[, lr]): each
/// objective in order computes its loss and gradients at the current
/// values and updates its parameters, so a later objective sees the
/// earlier ones' updates. Returns the first loss, the others as metrics,
/// then the new value of everything updated.
static void addStep(ModuleOp module, const sema::TrainSettings &settings,
                    llvm::MutableArrayRef<ObjectiveFns> objectives,
                    TrainingSignatures &sig) {
  OpBuilder b(module.getContext());
  b.setInsertionPointToEnd(module.getBody());
  Location at = b.getUnknownLoc();
  SmallVector<Type> stepTypes;
  std::map<std::string, unsigned> argIndex;
  auto addArg = [&](const ArgInfo &a, Type type) {
    if (argIndex.emplace(a.name, sig.stepArgs.size()).second) {
      sig.stepArgs.push_back(a);
      stepTypes.push_back(type);
    }
  };
  for (ObjectiveFns &o : objectives)
    for (auto [a, type] :
         llvm::zip(o.loss->argInfos, o.loss->func.getArgumentTypes()))
      addArg(a, type);
  bool hasLR = false;
  for (const ObjectiveFns &o : objectives)
    for (const auto &up : o.updates)
      for (const ArgInfo &a : up->argInfos) {
        if (a.role == "state")
          addArg({"opt_state", a.name, a.type, a.init}, up->typeOf(a.type));
        hasLR |= a.role == "input" && a.name == "lr";
      }
  auto scalar = RankedTensorType::get({}, b.getF32Type());
  sema::Value scalarType = sema::Value::tensor(DType::F32, {});
  addArg({"step", "t", scalarType, {}}, scalar);
  if (hasLR)
    addArg({"lr", "lr", scalarType, {}}, scalar);

  auto step = b.create<func::FuncOp>(at, "train_step",
                                     b.getFunctionType(stepTypes, {}));
  exposeToRuntime(step);
  // The runtime can find where a non-finite loss came from (check-finite).
  step->setAttr("nn.check_finite", UnitAttr::get(module.getContext()));
  Block *body = step.addEntryBlock();
  b.setInsertionPointToStart(body);
  // The current value of each argument, by name.
  std::map<std::string, Value> current;
  for (const auto &[name, i] : argIndex)
    current[name] = body->getArgument(i);
  std::set<std::string> updated;
  SmallVector<Value> losses;
  auto lookup = [&](const std::vector<ArgInfo> &infos) {
    SmallVector<Value> values;
    for (const ArgInfo &a : infos)
      values.push_back(current.at(a.name));
    return values;
  };
  for (ObjectiveFns &o : objectives) {
    auto lg = b.create<func::CallOp>(at, o.lossGrad, lookup(o.loss->argInfos));
    losses.push_back(lg.getResult(0));
    size_t numLossResults = o.loss->resultInfos.size();
    SmallVector<Value> grads(lg.getResults().drop_front(numLossResults));
    if (o.clip)
      grads = b.create<func::CallOp>(at, o.clip->func, grads).getResults();
    // The model's new state (batch-norm statistics).
    for (size_t i = 1; i < numLossResults; ++i) {
      current[o.loss->resultInfos[i].name] = lg.getResult(i);
      updated.insert(o.loss->resultInfos[i].name);
    }
    for (size_t k = 0; k < o.updates.size(); ++k) {
      NNEmitter &up = *o.updates[k];
      const std::string &param = o.loss->argInfos[o.params[k]].name;
      SmallVector<Value> operands;
      SmallVector<std::string> states;
      unsigned inputs = 0;
      for (const ArgInfo &a : up.argInfos) {
        if (a.role == "state") {
          operands.push_back(current.at(a.name));
          states.push_back(a.name);
          continue;
        }
        // The inputs are p, g, t and lr, in that order.
        switch (inputs++) {
        case 0: operands.push_back(current.at(param)); break;
        case 1: operands.push_back(grads[k]); break;
        case 2: operands.push_back(current.at("t")); break;
        default: operands.push_back(current.at("lr")); break;
        }
      }
      auto call = b.create<func::CallOp>(at, up.func, operands);
      current[param] = call.getResult(0);
      updated.insert(param);
      for (size_t s = 0; s < states.size(); ++s) {
        current[states[s]] = call.getResult(s + 1);
        updated.insert(states[s]);
      }
    }
  }
  SmallVector<Value> results(losses);
  sig.stepResults.push_back(objectives[0].loss->resultInfos[0]);
  for (size_t k = 1; k < objectives.size(); ++k)
    sig.stepResults.push_back({"metric",
                               "loss_" + settings.objectives[k].optimizer,
                               scalarType,
                               {}});
  for (const ArgInfo &a : sig.stepArgs)
    if (updated.count(a.name)) {
      results.push_back(current[a.name]);
      sig.stepResults.push_back({a.role, a.name, a.type, {}});
    }
  b.create<func::ReturnOp>(at, results);
  step.setFunctionType(
      b.getFunctionType(stepTypes, ValueRange(results).getTypes()));
}

/// `text` as the body of a JSON string: UTF-8 passes through (a path may
/// hold any), quotes, backslashes and control characters are escaped.
static void writeJSONText(llvm::raw_ostream &os, llvm::StringRef text) {
  for (unsigned char ch : text) {
    if (ch == '"' || ch == '\\')
      os << '\\' << ch;
    else if (ch < 0x20)
      os << llvm::format("\\u%04x", ch);
    else
      os << ch;
  }
}

/// The descriptor's "data" object: the reader and its files (abi.h).
static void writeDataJSON(llvm::raw_ostream &os,
                          const sema::TrainSettings &settings) {
  const sema::DataSource &src = settings.dataSource;
  auto string = [&](const char *key, llvm::StringRef value) {
    os << ", \"" << key << "\": \"";
    writeJSONText(os, value);
    os << "\"";
  };
  os << "{\"kind\": \"" << settings.dataKind << "\"";
  if (settings.dataKind == "idx") {
    string("dir", settings.dataDir);
  } else if (settings.dataKind == "csv") {
    string("path", settings.dataDir);
    string("label", src.label);
    os << ", \"classes\": " << (src.classes ? 1 : 0);
  } else {
    string("x", settings.dataDir);
    string("y", src.yPath);
  }
  if (settings.dataKind != "idx")
    os << ", \"test\": " << llvm::format("%.17g", src.test);
  os << "}";
}

/// The descriptor's "train" object.
static void writeTrainJSON(const sema::TrainSettings &settings,
                           TrainingSignatures &sig) {
  llvm::raw_string_ostream os(sig.json);
  const sema::TrainObjective &first = settings.objectives[0];
  os << "{\"name\": \"";
  os.write_escaped(settings.name);
  os << "\", \"batch\": " << settings.batch
     << ", \"epochs\": " << settings.epochs << ", \"seed\": " << settings.seed
     << ", \"data\": ";
  writeDataJSON(os, settings);
  os << ", \"optimizer\": {\"name\": \"" << first.optimizerName << "\"";
  if (first.lr)
    os << ", \"lr\": " << llvm::format("%.17g", *first.lr);
  os << "}";
  if (!settings.schedule.empty()) {
    os << ", \"schedule\": {\"kind\": \"" << settings.schedule << "\"";
    for (const auto &[name, value] : settings.scheduleSettings)
      os << ", \"" << name << "\": " << llvm::format("%.17g", value);
    os << "}";
  }
  if (settings.clipNorm)
    os << ", \"clip_norm\": " << llvm::format("%.17g", *settings.clipNorm);
  if (settings.samples)
    os << ", \"samples\": " << settings.samples;
  if (!settings.augment.empty()) {
    os << ", \"augment\": {";
    for (size_t i = 0; i < settings.augment.size(); ++i)
      os << (i ? ", \"" : "\"") << settings.augment[i].first
         << "\": " << static_cast<int64_t>(settings.augment[i].second);
    os << "}";
  }
  os << ", \"step\": {";
  writeSignature(os, sig.stepArgs, sig.stepResults);
  os << "}, \"eval\": {";
  writeSignature(os, sig.evalArgs, sig.evalResults);
  os << "}, \"grad\": {";
  writeSignature(os, sig.gradArgs, sig.gradResults);
  os << "}}";
}

/// Builds the losses, @eval_step, the updates, @grad and @train_step for
/// train block `train`; false after reporting errors.
static bool addTraining(ModuleOp module, llvm::ArrayRef<SemaModule> modules,
                        const SourceManager &sm, nnc::DiagnosticEngine &diags,
                        const std::string &train, TrainingSignatures &sig) {
  std::optional<sema::TrainSettings> settings =
      trainSettings(modules, sm, diags, train);
  if (!settings)
    return false;
  std::vector<ObjectiveFns> objectives;
  for (unsigned k = 0; k < settings->objectives.size(); ++k) {
    std::optional<ObjectiveFns> o =
        addObjective(module, modules, sm, diags, train, *settings, k);
    if (!o)
      return false;
    objectives.push_back(std::move(*o));
  }
  if (!addEval(module, modules, sm, diags, train, *settings, sig))
    return false;
  addGrad(module, objectives[0], sig);
  addStep(module, *settings, objectives, sig);
  writeTrainJSON(*settings, sig);
  return true;
}

// ----- Module --------------------------------------------------------------------

OwningOpRef<ModuleOp> nnc::generateForward(MLIRContext &ctx,
                                           llvm::ArrayRef<SemaModule> modules,
                                           const SourceManager &sm,
                                           nnc::DiagnosticEngine &diags,
                                           const sema::EmitRequest &req) {
  ctx.loadDialect<nn::NNDialect, func::FuncDialect, tensor::TensorDialect,
                  scf::SCFDialect, arith::ArithDialect>();
  OwningOpRef<ModuleOp> module = ModuleOp::create(UnknownLoc::get(&ctx));
  NNEmitter forward(*module, "forward", sm, diags);
  forward.training = req.training;
  std::optional<sema::Value> result =
      emitForward(modules, sm, diags, forward, req);
  if (!result || diags.hasErrors())
    return nullptr;
  forward.finish(*result);
  exposeToRuntime(forward.func);

  TrainingSignatures training;
  if (req.withTraining && !req.train.empty() &&
      !addTraining(*module, modules, sm, diags, req.train, training))
    return nullptr;

  std::string descriptor;
  llvm::raw_string_ostream os(descriptor);
  os << "{\"version\": 1, \"entry\": \"forward\", ";
  writeSignature(os, forward.argInfos, forward.resultInfos);
  if (!training.json.empty())
    os << ", \"train\": " << training.json;
  os << "}";
  (*module)->setAttr("nn.descriptor", StringAttr::get(&ctx, descriptor));
  return module;
}
