//===- ParallelizeElementwise.cpp - The parallelize-elementwise pass ------===//
//
// Large parallel linalg.generic ops on memrefs are outlined into functions
// that run a range [begin, end) of one parallel loop, called through the
// runtime's nnrt_parallel_range over the kernels' thread pool (no OpenMP).
// The outlined function takes its operands from a stack struct whose
// address the runtime passes along: memrefs as their LLVM descriptors
// (unrealized casts, which cancel with those of the LLVM lowering), index
// values as i64, other scalars as they are. Every output element is
// computed by one task with the serial loop order, so results do not depend
// on the number of threads.
//
//===----------------------------------------------------------------------===//

#include "nnc/Conversion/Passes.h"

#include "mlir/Conversion/LLVMCommon/TypeConverter.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/IR/Matchers.h"
#include "mlir/IR/SymbolTable.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"
#include "mlir/Transforms/RegionUtils.h"

#include "llvm/ADT/SetVector.h"

namespace nnc {
#define GEN_PASS_DEF_PARALLELIZEELEMENTWISEPASS
#include "nnc/Conversion/Passes.h.inc"
} // namespace nnc

using namespace mlir;

static constexpr StringLiteral kRuntimeFn = "nnrt_parallel_range";

namespace {

/// A generic to outline: the loop dim to split, the values the outlined
/// function needs (operands, then scalars of the region) with their types
/// in the ctx struct, and the region's constants, cloned instead.
struct Candidate {
  linalg::GenericOp op;
  func::FuncOp parent;
  unsigned splitDim = 0;
  int64_t cost = 1; // ops per iteration
  llvm::SetVector<Value> captured;
  SmallVector<Type> fields;
  SmallVector<Value> constants;
};

} // namespace

/// The outermost parallel loop that indexes every output, so that each
/// output element is written by one task only.
static std::optional<unsigned> findSplitDim(linalg::GenericOp op) {
  for (unsigned d = 0, e = op.getNumLoops(); d < e; ++d) {
    if (op.getIteratorTypesArray()[d] != utils::IteratorType::parallel)
      continue;
    bool inAllOutputs = llvm::all_of(op.getDpsInitsMutable(), [&](auto &o) {
      return op.getMatchingIndexingMap(&o).getResultPosition(
                 getAffineDimExpr(d, op.getContext())) != std::nullopt;
    });
    if (inAllOutputs)
      return d;
  }
  return std::nullopt;
}

/// Whether the region may run on several threads at once: no memory
/// effects, but for the runtime's random draws, which are pure functions of
/// their site and counter.
static bool isThreadSafeRegion(Region &region) {
  WalkResult result = region.walk([](Operation *op) {
    if (isa<linalg::YieldOp, linalg::IndexOp>(op) ||
        op->hasTrait<OpTrait::HasRecursiveMemoryEffects>())
      return WalkResult::advance(); // nested ops are visited on their own
    if (auto call = dyn_cast<func::CallOp>(op))
      return call.getCallee() == "nnrt_rand_uniform" ||
                     call.getCallee() == "nnrt_rand_normal"
                 ? WalkResult::advance()
                 : WalkResult::interrupt();
    return isMemoryEffectFree(op) ? WalkResult::advance()
                                  : WalkResult::interrupt();
  });
  return !result.wasInterrupted();
}

/// The type `v` has in the ctx struct, or null when it cannot be passed.
static Type fieldType(const LLVMTypeConverter &converter, Value v) {
  Type t = v.getType();
  if (isa<IndexType>(t))
    return IntegerType::get(t.getContext(), 64);
  if (isa<IntegerType, FloatType>(t))
    return LLVM::isCompatibleType(t) ? t : Type();
  if (isa<MemRefType>(t))
    return dyn_cast_or_null<LLVM::LLVMStructType>(converter.convertType(t));
  return {};
}

/// `op` as a candidate, unless it is not one.
static std::optional<Candidate> analyze(linalg::GenericOp op,
                                        func::FuncOp parent,
                                        const LLVMTypeConverter &converter,
                                        int64_t minWork) {
  if (!op.hasPureBufferSemantics() || op.getNumLoops() == 0)
    return std::nullopt;
  if (!llvm::all_of(op.getIndexingMapsArray(), [](AffineMap m) {
        return m.isProjectedPermutation(/*allowZeroInResults=*/true);
      }))
    return std::nullopt;
  std::optional<unsigned> split = findSplitDim(op);
  if (!split || !isThreadSafeRegion(op.getRegion()))
    return std::nullopt;

  Candidate c;
  c.op = op;
  c.parent = parent;
  c.splitDim = *split;
  c.cost = std::max<int64_t>(
      1, llvm::count_if(op.getBody()->without_terminator(), [](Operation &o) {
        return !isa<linalg::IndexOp>(o);
      }));
  // Small static loops stay inline; dynamic ones are left to the runtime,
  // which sees their sizes.
  int64_t work = c.cost;
  for (int64_t size : op.getStaticLoopRanges()) {
    if (ShapedType::isDynamic(size)) {
      work = ShapedType::kDynamic;
      break;
    }
    work *= size;
  }
  if (!ShapedType::isDynamic(work) && work < minWork)
    return std::nullopt;

  for (Value v : op->getOperands())
    c.captured.insert(v);
  llvm::SetVector<Value> above;
  getUsedValuesDefinedAbove(op.getRegion(), above);
  for (Value v : above) {
    if (matchPattern(v, m_Constant()))
      c.constants.push_back(v);
    else
      c.captured.insert(v);
  }
  for (Value v : c.captured) {
    Type t = fieldType(converter, v);
    if (!t)
      return std::nullopt;
    c.fields.push_back(t);
  }
  return c;
}

/// The size of loop `d` of `op` as an i64: a dim of the first operand it
/// indexes.
static Value loopSize(OpBuilder &b, linalg::GenericOp op, unsigned d) {
  Location loc = op.getLoc();
  Type i64 = b.getI64Type();
  int64_t size = op.getStaticLoopRanges()[d];
  if (!ShapedType::isDynamic(size))
    return b.create<arith::ConstantIntOp>(loc, size, i64);
  AffineExpr dim = getAffineDimExpr(d, op.getContext());
  for (OpOperand &operand : op->getOpOperands()) {
    std::optional<unsigned> pos =
        op.getMatchingIndexingMap(&operand).getResultPosition(dim);
    if (pos)
      return b.create<arith::IndexCastOp>(
          loc, i64, b.create<memref::DimOp>(loc, operand.get(), *pos));
  }
  llvm_unreachable("a loop of a verified generic indexes some operand");
}

/// The work per index of the split dim: the other loops' sizes times the
/// cost of an iteration, as an i64.
static Value workPerIndex(OpBuilder &b, Candidate &c) {
  Location loc = c.op.getLoc();
  int64_t known = c.cost;
  SmallVector<unsigned> dynamic;
  for (auto [d, size] : llvm::enumerate(c.op.getStaticLoopRanges())) {
    if (d == c.splitDim)
      continue;
    if (ShapedType::isDynamic(size))
      dynamic.push_back(d);
    else
      known *= size;
  }
  Value work = b.create<arith::ConstantIntOp>(loc, known, b.getI64Type());
  for (unsigned d : dynamic)
    work = b.create<arith::MulIOp>(loc, work, loopSize(b, c.op, d));
  return work;
}

/// The runtime's entry point, declared once in `module`.
static func::FuncOp runtimeFunction(ModuleOp module, FunctionType bodyType) {
  if (auto fn = module.lookupSymbol<func::FuncOp>(kRuntimeFn))
    return fn;
  MLIRContext *ctx = module.getContext();
  Type i64 = IntegerType::get(ctx, 64);
  OpBuilder b = OpBuilder::atBlockEnd(module.getBody());
  auto fn = b.create<func::FuncOp>(
      module.getLoc(), kRuntimeFn,
      b.getFunctionType({bodyType, i64, i64, LLVM::LLVMPointerType::get(ctx)},
                        {}));
  fn.setPrivate();
  return fn;
}

/// `ctx`'s field `i` of `structType`.
static Value fieldAddress(OpBuilder &b, Location loc, Type structType,
                          Value ctx, unsigned i) {
  return b.create<LLVM::GEPOp>(
      loc, LLVM::LLVMPointerType::get(b.getContext()), structType, ctx,
      ArrayRef<LLVM::GEPArg>{0, static_cast<int32_t>(i)});
}

/// The outlined body of `c`, `@<parent>_par<k>` after `after`: the generic
/// on the [begin, end) slice of its split dim.
static func::FuncOp outline(Candidate &c, unsigned k, Operation *after,
                            SymbolTable &symbols, FunctionType type,
                            Type structType) {
  linalg::GenericOp op = c.op;
  Location loc = op.getLoc();
  OpBuilder b(op.getContext());
  b.setInsertionPointAfter(after);
  auto fn = b.create<func::FuncOp>(
      loc, (c.parent.getSymName() + "_par" + Twine(k)).str(), type);
  fn.setPrivate();
  // Internal in the object too: only its address escapes, to the runtime.
  fn->setAttr("llvm.linkage",
              LLVM::LinkageAttr::get(b.getContext(), LLVM::Linkage::Internal));
  symbols.insert(fn); // renamed if the name is taken
  Block *entry = fn.addEntryBlock();
  b.setInsertionPointToStart(entry);

  IRMapping mapping;
  Value ctx = entry->getArgument(0);
  for (auto [i, v] : llvm::enumerate(c.captured)) {
    Value field = b.create<LLVM::LoadOp>(
        loc, c.fields[i], fieldAddress(b, loc, structType, ctx, i));
    if (isa<MemRefType>(v.getType()))
      field = b.create<UnrealizedConversionCastOp>(loc, v.getType(), field)
                  .getResult(0);
    else if (isa<IndexType>(v.getType()))
      field = b.create<arith::IndexCastOp>(loc, v.getType(), field);
    mapping.map(v, field);
  }
  for (Value v : c.constants)
    mapping.map(v, b.clone(*v.getDefiningOp())->getResult(0));

  Type index = b.getIndexType();
  Value begin = b.create<arith::IndexCastOp>(loc, index, entry->getArgument(1));
  Value end = b.create<arith::IndexCastOp>(loc, index, entry->getArgument(2));
  Value length = b.create<arith::SubIOp>(loc, end, begin);

  // Each operand indexed by the split dim, restricted to the range.
  AffineExpr split = getAffineDimExpr(c.splitDim, op.getContext());
  SmallVector<Value> operands;
  for (OpOperand &operand : op->getOpOperands()) {
    Value whole = mapping.lookup(operand.get());
    std::optional<unsigned> pos =
        op.getMatchingIndexingMap(&operand).getResultPosition(split);
    if (!pos) {
      operands.push_back(whole);
      continue;
    }
    int64_t rank = cast<MemRefType>(whole.getType()).getRank();
    SmallVector<OpFoldResult> offsets(rank, b.getIndexAttr(0)), sizes;
    for (int64_t i = 0; i < rank; ++i)
      sizes.push_back(i == *pos ? OpFoldResult(length)
                                : memref::getMixedSize(b, loc, whole, i));
    offsets[*pos] = begin;
    SmallVector<OpFoldResult> strides(rank, b.getIndexAttr(1));
    operands.push_back(
        b.create<memref::SubViewOp>(loc, whole, offsets, sizes, strides));
  }
  auto clone = cast<linalg::GenericOp>(b.clone(*op, mapping));
  clone->setOperands(operands);

  // Loop indices of the split dim count from the range's start.
  clone.getRegion().walk([&](linalg::IndexOp index) {
    if (index.getDim() != c.splitDim)
      return;
    OpBuilder ib(index->getContext());
    ib.setInsertionPointAfter(index);
    auto shifted = ib.create<arith::AddIOp>(loc, index, begin);
    index.getResult().replaceAllUsesExcept(shifted.getResult(),
                                           shifted.getOperation());
  });
  b.create<func::ReturnOp>(loc);
  return fn;
}

/// Replaces `c.op` by a call of the runtime on `body` with its captured
/// values stored in a stack struct.
static void replaceByCall(Candidate &c, func::FuncOp body,
                          func::FuncOp runtime, Type structType) {
  linalg::GenericOp op = c.op;
  Location loc = op.getLoc();
  MLIRContext *ctx = op.getContext();
  Type i64 = IntegerType::get(ctx, 64);
  auto ptr = LLVM::LLVMPointerType::get(ctx);

  // In the entry block, so that a generic in a loop does not grow the stack.
  OpBuilder b = OpBuilder::atBlockBegin(&c.parent.front());
  Value one = b.create<LLVM::ConstantOp>(loc, i64, b.getI64IntegerAttr(1));
  Value frame = b.create<LLVM::AllocaOp>(loc, ptr, structType, one,
                                         /*alignment=*/8);

  b.setInsertionPoint(op);
  for (auto [i, v] : llvm::enumerate(c.captured)) {
    Value field = v;
    if (isa<MemRefType>(v.getType()))
      field = b.create<UnrealizedConversionCastOp>(loc, c.fields[i], v)
                  .getResult(0);
    else if (isa<IndexType>(v.getType()))
      field = b.create<arith::IndexCastOp>(loc, i64, v);
    b.create<LLVM::StoreOp>(loc, field,
                            fieldAddress(b, loc, structType, frame, i));
  }

  Value fn = b.create<func::ConstantOp>(loc, body.getFunctionType(),
                                        SymbolRefAttr::get(body));
  Value extent = loopSize(b, op, c.splitDim);
  Value work = workPerIndex(b, c);
  b.create<func::CallOp>(loc, runtime, ValueRange{fn, extent, work, frame});
  op.erase();
}

namespace {
struct ParallelizeElementwisePass
    : nnc::impl::ParallelizeElementwisePassBase<ParallelizeElementwisePass> {
  using Base::Base;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    MLIRContext *ctx = &getContext();
    LLVMTypeConverter converter(ctx);
    SmallVector<Candidate> candidates;
    for (auto parent : module.getOps<func::FuncOp>())
      parent.walk([&](linalg::GenericOp op) {
        if (auto c = analyze(op, parent, converter, minWork))
          candidates.push_back(std::move(*c));
      });
    if (candidates.empty())
      return;

    SymbolTable symbols(module);
    Type i64 = IntegerType::get(ctx, 64);
    auto ptr = LLVM::LLVMPointerType::get(ctx);
    auto bodyType = FunctionType::get(ctx, {ptr, i64, i64}, {});
    func::FuncOp runtime = runtimeFunction(module, bodyType);
    // Per parent: the number outlined so far and the last of them.
    DenseMap<Operation *, std::pair<unsigned, Operation *>> outlined;
    for (Candidate &c : candidates) {
      auto structType = LLVM::LLVMStructType::getLiteral(ctx, c.fields);
      auto &[k, last] = outlined[c.parent];
      func::FuncOp body = outline(c, k++, last ? last : c.parent.getOperation(),
                                  symbols, bodyType, structType);
      last = body;
      replaceByCall(c, body, runtime, structType);
    }
  }
};
} // namespace
