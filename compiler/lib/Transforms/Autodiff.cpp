//===- Autodiff.cpp - Reverse-mode automatic differentiation --------------===//
//
// The nn-autodiff pass: for each function marked `nn.differentiate` whose
// first result is a scalar loss, a `<name>_grad` function returning its
// results and the loss's gradient with respect to every argument marked
// `nn.param` (every float tensor argument when none is). Gradients flow
// backwards through the ops' VJPOpInterface rules (lib/Dialect/NN/NNVJP.cpp).
//
//===----------------------------------------------------------------------===//

#include "Autodiff.h"
#include "nnc/Transforms/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/SymbolTable.h"

namespace nnc {
#define GEN_PASS_DEF_NNAUTODIFFPASS
#include "nnc/Transforms/Passes.h.inc"
} // namespace nnc

using namespace mlir;
using namespace nnc::nn;
using namespace nnc::autodiff;

static constexpr llvm::StringLiteral kDifferentiateAttr = "nn.differentiate";

/// Whether `op` takes part in no gradient: it is marked NotDifferentiable,
/// or it has no float operand to pass a gradient to (a constant).
static bool passesNoGradient(Operation *op) {
  return op->hasTrait<NotDifferentiable>() ||
         llvm::none_of(op->getOperandTypes(), isFloatTensor);
}

namespace {
struct NNAutodiffPass : nnc::impl::NNAutodiffPassBase<NNAutodiffPass> {
  void runOnOperation() override;
};
} // namespace

LogicalResult nnc::autodiff::backpropagate(OpBuilder &b, Operation *op,
                                           GradientMap &grads) {
  SmallVector<Value> resultGrads;
  bool onPath = false;
  for (Value result : op->getResults()) {
    resultGrads.push_back(grads.lookup(result));
    onPath |= static_cast<bool>(resultGrads.back());
  }
  if (!onPath || passesNoGradient(op))
    return success();
  if (auto loop = dyn_cast<scf::ForOp>(op))
    return backpropagateLoop(b, loop, grads);
  auto vjp = dyn_cast<VJPOpInterface>(op);
  if (!vjp)
    return op->emitError() << "cannot differentiate the loss: '"
                           << op->getName().stripDialect()
                           << "' has no gradient rule yet";
  for (auto [i, result] : llvm::enumerate(op->getResults()))
    if (!resultGrads[i])
      resultGrads[i] = zerosLike(b, op->getLoc(), result);
  SmallVector<Value> operandGrads;
  if (failed(vjp.buildVJP(b, resultGrads, operandGrads)))
    return failure();
  assert(operandGrads.size() == op->getNumOperands() &&
         "a VJP rule gives one gradient per operand");
  for (auto [operand, grad] : llvm::zip(op->getOperands(), operandGrads))
    if (grad)
      grads.accumulate(b, op->getLoc(), operand, grad);
  return success();
}

/// Checks that `func` can be differentiated: one block, a rank-0 float
/// first result.
static LogicalResult checkDifferentiable(func::FuncOp func) {
  ArrayRef<Type> results = func.getFunctionType().getResults();
  auto loss = results.empty() ? RankedTensorType()
                              : dyn_cast<RankedTensorType>(results.front());
  if (!loss || loss.getRank() != 0 || !isFloatTensor(loss))
    return func.emitError("a function to differentiate must return a "
                          "rank-0 float tensor (the loss) first");
  if (!func.getBody().hasOneBlock())
    return func.emitError("a function to differentiate must have one block");
  return success();
}

/// The arguments to differentiate with respect to: those marked `nn.param`
/// (a model's parameters), or every float tensor argument when none is.
static SmallVector<BlockArgument> wrtArguments(func::FuncOp func) {
  SmallVector<BlockArgument> params, floats;
  for (BlockArgument arg : func.getArguments()) {
    if (!isFloatTensor(arg.getType()))
      continue;
    floats.push_back(arg);
    if (func.getArgAttr(arg.getArgNumber(), "nn.param"))
      params.push_back(arg);
  }
  return params.empty() ? floats : params;
}

/// Turns `gradFunc`, a clone of the function to differentiate, into its
/// gradient function: the function's results (the loss, then any others,
/// which are not differentiated), then d loss / d each argument that
/// wrtArguments selects.
static LogicalResult buildGradient(func::FuncOp gradFunc) {
  Block &body = gradFunc.getBody().front();
  auto ret = cast<func::ReturnOp>(body.getTerminator());
  Value loss = ret.getOperand(0);
  OpBuilder b(ret);
  GradientMap grads;
  auto seed = b.create<FillOp>(ret.getLoc(), loss.getType(), ValueRange{},
                               b.getF64FloatAttr(1.0));
  grads.accumulate(b, ret.getLoc(), loss, seed);
  SmallVector<Operation *> forward;
  for (Operation &op : body.without_terminator())
    forward.push_back(&op);
  for (Operation *op : llvm::reverse(forward))
    if (failed(backpropagate(b, op, grads)))
      return failure();

  // The ops the gradient added (from the seed on) say so in their
  // location, for messages about the values they compute (check-finite).
  StringAttr backward = b.getStringAttr("backward");
  for (Operation *op = seed; op != ret.getOperation(); op = op->getNextNode())
    op->setLoc(NameLoc::get(backward, op->getLoc()));

  SmallVector<Value> results(ret.getOperands());
  for (BlockArgument arg : wrtArguments(gradFunc)) {
    Value grad = grads.lookup(arg);
    results.push_back(grad ? grad : zerosLike(b, ret.getLoc(), arg));
  }
  b.create<func::ReturnOp>(ret.getLoc(), results);
  ret.erase();
  // The original results keep their attributes; the gradients have none.
  SmallVector<DictionaryAttr> resultAttrs;
  gradFunc.getAllResultAttrs(resultAttrs);
  resultAttrs.resize(results.size(), b.getDictionaryAttr({}));
  gradFunc.setFunctionType(b.getFunctionType(
      body.getArgumentTypes(), ValueRange(results).getTypes()));
  gradFunc.setAllResultAttrs(resultAttrs);
  return success();
}

void NNAutodiffPass::runOnOperation() {
  ModuleOp module = getOperation();
  SymbolTable symbols(module);
  SmallVector<func::FuncOp> marked;
  for (auto func : module.getOps<func::FuncOp>())
    if (func->hasAttr(kDifferentiateAttr))
      marked.push_back(func);
  for (func::FuncOp func : marked) {
    func->removeAttr(kDifferentiateAttr);
    if (failed(checkDifferentiable(func)))
      return signalPassFailure();
    std::string name = (func.getSymName() + "_grad").str();
    // A declaration of the gradient function lets code in the module call
    // it before the pass has run; the definition replaces it.
    if (auto decl = symbols.lookup<func::FuncOp>(name)) {
      if (!decl.isDeclaration()) {
        decl.emitError() << "'" << name << "' is already defined";
        return signalPassFailure();
      }
      symbols.erase(decl);
    }
    func::FuncOp gradFunc = func.clone();
    gradFunc.setSymName(name);
    symbols.insert(gradFunc, std::next(Block::iterator(func)));
    if (failed(buildGradient(gradFunc)))
      return signalPassFailure();
  }
}
