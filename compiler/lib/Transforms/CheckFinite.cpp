//===- CheckFinite.cpp - The check-finite pass ----------------------------===//
//
// Instruments a training step so that the runtime can say where a NaN or an
// infinity first appeared: after each op that computes f32 values, a call
// hands the values and the op's .nn locations (as text in a constant) to
// the runtime, which looks at them only while it is checking.
//
//===----------------------------------------------------------------------===//

#include "nnc/Transforms/Passes.h"
#include "nnc/Transforms/SourcePlace.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/IR/BuiltinOps.h"
#include "llvm/ADT/StringMap.h"

namespace nnc {
#define GEN_PASS_DEF_CHECKFINITEPASS
#include "nnc/Transforms/Passes.h.inc"
} // namespace nnc

using namespace mlir;

static constexpr llvm::StringLiteral kCheckFn = "nnrt_check_finite_f32";


/// The f32 memrefs `op` computes, or none for ops that only move values.
static SmallVector<Value> computedValues(Operation *op) {
  SmallVector<Value> out;
  auto isF32Memref = [](Value v) {
    auto t = dyn_cast<MemRefType>(v.getType());
    return t && t.getElementType().isF32();
  };
  if (auto linalgOp = dyn_cast<linalg::LinalgOp>(op)) {
    if (isa<linalg::FillOp, linalg::CopyOp, linalg::TransposeOp>(op))
      return out;
    for (OpOperand &init : linalgOp.getDpsInitsMutable())
      if (isF32Memref(init.get()))
        out.push_back(init.get());
  } else if (auto call = dyn_cast<func::CallOp>(op)) {
    // The runtime's kernels write their last memref operand.
    if (call.getCallee().starts_with("nnrt_") && call.getNumOperands() >= 3 &&
        call.getCallee() != kCheckFn && isF32Memref(call.getOperand(2)))
      out.push_back(call.getOperand(2));
  }
  return out;
}

namespace {
struct CheckFinitePass : nnc::impl::CheckFinitePassBase<CheckFinitePass> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    MLIRContext *ctx = &getContext();
    OpBuilder b(ctx);
    auto unranked = UnrankedMemRefType::get(b.getF32Type(), Attribute());
    auto text = MemRefType::get({ShapedType::kDynamic}, b.getI8Type());
    func::FuncOp check;
    llvm::StringMap<memref::GlobalOp> sites;

    // A constant holding `place`, one per distinct text.
    auto site = [&](const std::string &place) {
      memref::GlobalOp &global = sites[place];
      if (global)
        return global;
      SmallVector<int8_t> bytes(place.begin(), place.end());
      auto type = MemRefType::get({(int64_t)bytes.size()}, b.getI8Type());
      auto init = DenseElementsAttr::get(
          RankedTensorType::get(type.getShape(), b.getI8Type()),
          ArrayRef<int8_t>(bytes));
      OpBuilder::InsertionGuard guard(b);
      b.setInsertionPointToStart(module.getBody());
      global = b.create<memref::GlobalOp>(
          module.getLoc(), "nn_site_" + std::to_string(sites.size() - 1),
          b.getStringAttr("private"), type, init, /*constant=*/true,
          /*alignment=*/nullptr);
      return global;
    };

    for (auto func : module.getOps<func::FuncOp>()) {
      if (!func->hasAttr("nn.check_finite"))
        continue;
      if (!check) {
        OpBuilder::InsertionGuard guard(b);
        b.setInsertionPointToEnd(module.getBody());
        check = b.create<func::FuncOp>(
            module.getLoc(), kCheckFn, b.getFunctionType({unranked, text}, {}));
        check.setPrivate();
        check->setAttr("llvm.emit_c_interface", UnitAttr::get(ctx));
      }
      SmallVector<Operation *> ops;
      func.walk([&](Operation *op) { ops.push_back(op); });
      for (Operation *op : ops) {
        SmallVector<Value> values = computedValues(op);
        if (values.empty())
          continue;
        memref::GlobalOp global =
            site(nnc::describeSourcePlace(op->getLoc()));
        Location loc = op->getLoc();
        b.setInsertionPointAfter(op);
        Value where = b.create<memref::CastOp>(
            loc, text,
            b.create<memref::GetGlobalOp>(loc, global.getType(),
                                          global.getSymName()));
        for (Value v : values) {
          Value all = b.create<memref::CastOp>(loc, unranked, v);
          b.create<func::CallOp>(loc, check, ValueRange{all, where});
        }
      }
    }
  }
};
} // namespace
