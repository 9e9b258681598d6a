//===- MemoryReport.cpp - The planned memory of a training step -----------===//
//
// The step's persistent inputs are counted by their roles in the model
// descriptor (parameters, optimizer state, model state, the batch). Its
// intermediate tensors are planned on the fused linalg-on-tensors program,
// the one bufferization turns into buffers: each tensor occupies a buffer
// from the op that defines it to its last use (the deallocation pipeline
// frees buffers where they die); reshapes, slices and casts share their
// source's buffer; a loop body's tensors add to those alive around the
// loop. Dynamic dims are the batch, the only dynamic dim of a step. The
// runtime's kernels' packing buffers (a few hundred KB per thread) are not
// included.
//
//===----------------------------------------------------------------------===//

#include "nnc/Driver/MemoryReport.h"
#include "nnc/Conversion/Pipelines.h"
#include "nnc/Transforms/SourcePlace.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Pass/PassManager.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/JSON.h"

using namespace mlir;

namespace {
/// The bytes of the tensors alive at the step's peak, and where it is.
struct Peak {
  int64_t bytes = 0;
  Operation *at = nullptr;
};

class StepPlanner {
public:
  explicit StepPlanner(int64_t batch) : batch(batch) {}

  /// The bytes of `v`'s buffer, 0 for a non-tensor.
  int64_t bytes(Value v) const {
    auto type = dyn_cast<RankedTensorType>(v.getType());
    if (!type)
      return 0;
    int64_t n = (type.getElementTypeBitWidth() + 7) / 8;
    for (int64_t d : type.getShape())
      n *= ShapedType::isDynamic(d) ? batch : d;
    return n;
  }

  /// The peak of the tensors defined in `block` while `outside` bytes are
  /// alive around it.
  void plan(Block &block, int64_t outside, Peak &peak) {
    llvm::DenseMap<Operation *, size_t> index;
    size_t n = 0;
    for (Operation &op : block)
      index[&op] = n++;
    // The buffer each value lives in (a view's is its source's), and the
    // index of the last op of this block that uses that buffer.
    llvm::DenseMap<Value, Value> buffer;
    llvm::DenseMap<Value, size_t> lastUse;
    auto bufferOf = [&](Value v) {
      auto it = buffer.find(v);
      return it == buffer.end() ? v : it->second;
    };
    for (Operation &op : block) {
      if (isView(&op))
        buffer[op.getResult(0)] = bufferOf(op.getOperand(0));
      for (Value r : op.getResults())
        lastUse[bufferOf(r)] = std::max(lastUse.lookup(bufferOf(r)),
                                         index[&op]);
    }
    for (Operation &op : block)
      for (Value r : op.getResults())
        for (OpOperand &use : r.getUses()) {
          Operation *user = block.findAncestorOpInBlock(*use.getOwner());
          if (user) {
            Value buf = bufferOf(r);
            lastUse[buf] = std::max(lastUse[buf], index[user]);
          }
        }
    // Sweep: a buffer is alive from its definition to its last use.
    std::vector<int64_t> dies(n, 0);
    int64_t alive = 0;
    size_t i = 0;
    for (Operation &op : block) {
      for (Value r : op.getResults()) {
        if (bufferOf(r) != r)
          continue;
        alive += bytes(r);
        dies[lastUse[r]] += bytes(r);
      }
      int64_t here = outside + alive;
      if (here > peak.bytes)
        peak = {here, &op};
      for (Region &region : op.getRegions())
        for (Block &inner : region)
          plan(inner, here, peak);
      alive -= dies[i++];
    }
  }

private:
  static bool isView(Operation *op) {
    return isa<tensor::ExpandShapeOp, tensor::CollapseShapeOp,
               tensor::ExtractSliceOp, tensor::CastOp>(op);
  }

  int64_t batch;
};

/// Bytes per role of the step's args, from the descriptor.
struct Persistent {
  int64_t params = 0, optState = 0, state = 0, batch = 0;
};
} // namespace

/// "1.23 MB".
static std::string megabytes(int64_t bytes) {
  std::string text;
  llvm::raw_string_ostream(text) << llvm::format("%.2f MB", bytes / 1e6);
  return text;
}

static std::optional<Persistent> persistentOf(const llvm::json::Object &step,
                                              int64_t batch) {
  const llvm::json::Array *args = step.getArray("args");
  if (!args)
    return std::nullopt;
  Persistent p;
  for (const llvm::json::Value &arg : *args) {
    const llvm::json::Object *a = arg.getAsObject();
    if (!a)
      return std::nullopt;
    std::optional<llvm::StringRef> role = a->getString("role");
    std::optional<llvm::StringRef> dtype = a->getString("dtype");
    const llvm::json::Array *shape = a->getArray("shape");
    if (!role || !dtype || !shape)
      return std::nullopt;
    int64_t n = *dtype == "F64" || *dtype == "I64" ? 8
                : *dtype == "U8" || *dtype == "BOOL" ? 1
                                                     : 4;
    for (const llvm::json::Value &d : *shape)
      n *= d.getAsInteger().value_or(batch); // a named dim is the batch
    if (*role == "param")
      p.params += n;
    else if (*role == "opt_state")
      p.optState += n;
    else if (*role == "state")
      p.state += n;
    else if (*role == "input" || *role == "label")
      p.batch += n;
  }
  return p;
}

int nnc::reportStepMemory(ModuleOp module, llvm::raw_ostream &os,
                           llvm::raw_ostream &errs) {
  auto descriptor = module->getAttrOfType<StringAttr>("nn.descriptor");
  llvm::Expected<llvm::json::Value> json =
      llvm::json::parse(descriptor ? descriptor.getValue() : "");
  const llvm::json::Object *train =
      json && json->getAsObject() ? json->getAsObject()->getObject("train")
                                  : nullptr;
  if (!json)
    llvm::consumeError(json.takeError());
  if (!train) {
    errs << "nnc: error: '--memory-report' needs a train block\n";
    return 1;
  }
  int64_t batch = train->getInteger("batch").value_or(1);
  const llvm::json::Object *step = train->getObject("step");
  std::optional<Persistent> persistent =
      step ? persistentOf(*step, batch) : std::nullopt;
  if (!persistent) {
    errs << "nnc: internal error: the descriptor's step is malformed\n";
    return 3;
  }

  OwningOpRef<ModuleOp> tensors = module.clone();
  MLIRContext *ctx = module.getContext();
  DialectRegistry registry;
  registerCPUPipelineDependencies(registry);
  ctx->appendDialectRegistry(registry);
  ctx->loadAllAvailableDialects();
  PassManager pm(ctx);
  buildTensorPipeline(pm);
  auto fn = succeeded(pm.run(*tensors))
                ? tensors->lookupSymbol<func::FuncOp>("train_step")
                : nullptr;
  if (!fn || fn.isExternal()) {
    errs << "nnc: internal error: planning the step's memory failed\n";
    return 3;
  }
  Peak peak;
  StepPlanner(batch).plan(fn.getBody().front(), 0, peak);

  std::string name = train->getString("name").value_or("").str();
  int64_t total = persistent->params + persistent->optState +
                  persistent->state + persistent->batch + peak.bytes;
  os << "memory of one training step of '" << name << "' (batch " << batch
     << "), as planned:\n";
  auto line = [&](llvm::StringRef what, int64_t bytes) {
    os << "  " << llvm::left_justify(what, 26)
       << llvm::right_justify(megabytes(bytes), 12) << "\n";
  };
  line("parameters", persistent->params);
  line("optimizer state", persistent->optState);
  if (persistent->state)
    line("model state", persistent->state);
  line("batch", persistent->batch);
  line("intermediates at the peak", peak.bytes);
  if (peak.at)
    os << "    (at " << describeSourcePlace(peak.at->getLoc()) << ", "
       << peak.at->getName() << ")\n";
  line("total", total);
  return 0;
}
