//===- Program.cpp - The functions of a program and its descriptor --------===//
//
// Assembles the module nnc compiles: @forward (what `predict` and exported
// libraries call) and, for a train block, the training functions the
// runtime's `train`, `eval` and `gradcheck` call:
//   @train_step  loss and gradients (@loss_grad, made by the nn-autodiff
//                pass from @loss), then one optimizer update per parameter
//   @eval_step   the loss and the metrics without training behaviour
//   @grad        the loss and its gradients, for `gradcheck`
// Sema evaluates each of @forward, @loss, @eval_step and the updates with
// an NNEmitter; @train_step and @grad only call them. The model descriptor
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

/// Builds @loss, @eval_step, the updates, @grad and @train_step for train
/// block `train`; false after reporting errors.
static bool addTraining(ModuleOp module, llvm::ArrayRef<SemaModule> modules,
                        const SourceManager &sm, nnc::DiagnosticEngine &diags,
                        const std::string &train, TrainingSignatures &sig) {
  // The loss with training behaviour, to differentiate.
  NNEmitter loss(module, "loss", sm, diags);
  loss.training = true;
  std::optional<sema::Value> l =
      emitTrainLoss(modules, sm, diags, loss, train, /*training=*/true,
                    /*withMetrics=*/false);
  if (!l)
    return false;
  loss.finish(*l);
  markLossRoles(loss);
  loss.func.setPrivate();
  loss.func->setAttr("nn.differentiate", UnitAttr::get(module.getContext()));

  // Evaluation: the loss and the metrics, without training behaviour.
  NNEmitter eval(module, "eval_step", sm, diags);
  std::optional<sema::Value> e =
      emitTrainLoss(modules, sm, diags, eval, train, /*training=*/false,
                    /*withMetrics=*/true);
  if (!e)
    return false;
  eval.finish(*e, /*withState=*/false);
  markLossRoles(eval);
  std::optional<sema::TrainSettings> settings =
      trainSettings(modules, sm, diags, train);
  if (!settings)
    return false;
  for (size_t i = 1; i < eval.resultInfos.size(); ++i)
    eval.resultInfos[i] = {"metric", settings->metrics[i - 1],
                           eval.resultInfos[i].type, {}};
  exposeToRuntime(eval.func);
  sig.evalArgs = eval.argInfos;
  sig.evalResults = eval.resultInfos;

  // One update per parameter the loss uses, in argument order.
  std::vector<unsigned> params;
  for (unsigned i = 0; i < loss.argInfos.size(); ++i)
    if (loss.argInfos[i].role == "param")
      params.push_back(i);
  std::vector<std::unique_ptr<NNEmitter>> updates;
  for (unsigned i : params) {
    const ArgInfo &p = loss.argInfos[i];
    auto up = std::make_unique<NNEmitter>(
        module, "update_" + std::to_string(updates.size()), sm, diags);
    std::optional<sema::Value> u =
        emitOptimizerUpdate(modules, sm, diags, *up, train, p.name, p.type);
    if (!u)
      return false;
    up->finish(*u, /*withState=*/false);
    up->func.setPrivate();
    updates.push_back(std::move(up));
  }

  // @loss_grad, declared here and defined by the nn-autodiff pass: the
  // loss's results, then the gradient of each parameter.
  OpBuilder b(module.getContext());
  b.setInsertionPointToEnd(module.getBody());
  Location at = b.getUnknownLoc();
  FunctionType lossType = loss.func.getFunctionType();
  SmallVector<Type> gradTypes(lossType.getResults());
  for (unsigned i : params)
    gradTypes.push_back(lossType.getInput(i));
  auto lossGrad = b.create<func::FuncOp>(
      at, "loss_grad", b.getFunctionType(lossType.getInputs(), gradTypes));
  lossGrad.setPrivate();
  size_t numLossResults = lossType.getNumResults();

  // @grad: @loss_grad as an entry point, for `gradcheck`.
  auto grad = b.create<func::FuncOp>(at, "grad", lossGrad.getFunctionType());
  {
    OpBuilder::InsertionGuard guard(b);
    Block *body = grad.addEntryBlock();
    b.setInsertionPointToStart(body);
    auto call = b.create<func::CallOp>(at, lossGrad, body->getArguments());
    b.create<func::ReturnOp>(at, call.getResults());
  }
  exposeToRuntime(grad);
  sig.gradArgs = loss.argInfos;
  sig.gradResults = loss.resultInfos;
  for (unsigned i : params)
    sig.gradResults.push_back({"grad", loss.argInfos[i].name,
                               loss.argInfos[i].type, {}});

  // @train_step(loss args..., optimizer states..., t[, lr]).
  sig.stepArgs = loss.argInfos;
  SmallVector<Type> stepTypes(lossType.getInputs());
  auto scalar = RankedTensorType::get({}, b.getF32Type());
  sema::Value scalarType = sema::Value::tensor(DType::F32, {});
  bool hasLR = false;
  for (const auto &up : updates) {
    for (const ArgInfo &a : up->argInfos)
      if (a.role == "state") {
        sig.stepArgs.push_back({"opt_state", a.name, a.type, a.init});
        stepTypes.push_back(up->typeOf(a.type));
      }
    hasLR |= llvm::any_of(up->argInfos, [](const ArgInfo &a) {
      return a.role == "input" && a.name == "lr";
    });
  }
  sig.stepArgs.push_back({"step", "t", scalarType, {}});
  stepTypes.push_back(scalar);
  if (hasLR) {
    sig.stepArgs.push_back({"lr", "lr", scalarType, {}});
    stepTypes.push_back(scalar);
  }
  auto step = b.create<func::FuncOp>(at, "train_step",
                                     b.getFunctionType(stepTypes, {}));
  exposeToRuntime(step);
  Block *body = step.addEntryBlock();
  b.setInsertionPointToStart(body);
  ValueRange args = body->getArguments();
  unsigned nextState = lossType.getNumInputs();
  unsigned tIndex = nextState + llvm::count_if(sig.stepArgs, [](const ArgInfo &a) {
                      return a.role == "opt_state";
                    });
  Value t = args[tIndex], lr = hasLR ? args[tIndex + 1] : Value();
  auto lg = b.create<func::CallOp>(at, lossGrad,
                                   args.take_front(lossType.getNumInputs()));
  SmallVector<Value> results{lg.getResult(0)};
  SmallVector<Value> newStates;
  sig.stepResults.push_back(loss.resultInfos[0]);
  std::vector<ArgInfo> stateResults;
  for (size_t k = 0; k < updates.size(); ++k) {
    NNEmitter &up = *updates[k];
    SmallVector<Value> operands;
    unsigned inputs = 0;
    for (const ArgInfo &a : up.argInfos) {
      if (a.role == "state") {
        operands.push_back(args[nextState++]);
        continue;
      }
      // The inputs are p, g, t and lr, in that order.
      switch (inputs++) {
      case 0: operands.push_back(args[params[k]]); break;
      case 1: operands.push_back(lg.getResult(numLossResults + k)); break;
      case 2: operands.push_back(t); break;
      default: operands.push_back(lr); break;
      }
    }
    auto call = b.create<func::CallOp>(at, up.func, operands);
    results.push_back(call.getResult(0));
    sig.stepResults.push_back(loss.argInfos[params[k]]);
    sig.stepResults.back().init = {};
    for (size_t s = 1; s < call.getNumResults(); ++s)
      newStates.push_back(call.getResult(s));
  }
  // The model's state (batch-norm statistics), then the optimizer's.
  for (size_t i = 1; i < numLossResults; ++i) {
    results.push_back(lg.getResult(i));
    sig.stepResults.push_back(loss.resultInfos[i]);
  }
  results.append(newStates);
  for (const ArgInfo &a : sig.stepArgs)
    if (a.role == "opt_state")
      sig.stepResults.push_back({"opt_state", a.name, a.type, {}});
  b.create<func::ReturnOp>(at, results);
  step.setFunctionType(
      b.getFunctionType(stepTypes, ValueRange(results).getTypes()));

  // The descriptor's training section.
  std::string &json = sig.json;
  llvm::raw_string_ostream os(json);
  os << "{\"name\": \"";
  os.write_escaped(settings->name);
  os << "\", \"batch\": " << settings->batch
     << ", \"epochs\": " << settings->epochs << ", \"seed\": " << settings->seed
     << ", \"data\": {\"kind\": \"" << settings->dataKind << "\", \"dir\": \"";
  os.write_escaped(settings->dataDir);
  os << "\"}, \"optimizer\": {\"name\": \"" << settings->optimizerName << "\"";
  if (settings->lr)
    os << ", \"lr\": " << llvm::format("%.17g", *settings->lr);
  os << "}, \"step\": {";
  writeSignature(os, sig.stepArgs, sig.stepResults);
  os << "}, \"eval\": {";
  writeSignature(os, sig.evalArgs, sig.evalResults);
  os << "}, \"grad\": {";
  writeSignature(os, sig.gradArgs, sig.gradResults);
  os << "}}";
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
