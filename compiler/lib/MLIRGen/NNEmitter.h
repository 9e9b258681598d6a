//===- NNEmitter.h - Builds one nn-dialect function from Sema -----*- C++ -*-===//
//
// The Emitter (nnc/Sema/Emitter.h) that turns the operations Sema reports
// while evaluating a function into nn-dialect ops of one func.func: the
// forward pass, a train block's loss, an optimizer update. Private to
// MLIRGen; Program.cpp assembles the functions into a module.
//
//===----------------------------------------------------------------------===//

#ifndef NNC_LIB_MLIRGEN_NNEMITTER_H
#define NNC_LIB_MLIRGEN_NNEMITTER_H

#include "nnc/Sema/Emitter.h"
#include "nnc/Support/Diagnostics.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinOps.h"

#include <map>

namespace nnc {

/// An argument or result as the model descriptor lists it
/// (runtime/include/nnrt/abi.h): its role, name, type and initializer.
struct ArgInfo {
  std::string role, name;
  sema::Value type;
  sema::InitSpec init;
};

class NNEmitter : public sema::Emitter {
public:
  /// Starts an empty function `name` at the end of `module`.
  NNEmitter(mlir::ModuleOp module, llvm::StringRef name,
            const SourceManager &sm, DiagnosticEngine &diags);

  /// Returns `result` (each element of a tuple, as role "output"), then
  /// when `withState` the new value of every state assigned, and fixes the
  /// function's signature.
  void finish(const sema::Value &result, bool withState = true);

  mlir::func::FuncOp func;
  /// Whether the function is generated for training (dropout is active).
  bool training = false;
  /// The arguments and results, in order.
  std::vector<ArgInfo> argInfos, resultInfos;

  void input(const std::string &name, sema::Value &v, SourceRange r) override {
    v.ir = addArgument(v, "nn.input", name, r);
    argInfos.push_back({"input", name, v, {}});
  }
  void inputDim(const sema::Value &v, unsigned axis,
                sema::Value &size) override;
  void parameter(const std::string &path, bool isState,
                 const sema::InitSpec &init, sema::Value &v,
                 SourceRange r) override {
    v.ir = addArgument(v, isState ? "nn.state" : "nn.param", path, r);
    argInfos.push_back({isState ? "state" : "param", path, v, init});
  }
  void unary(ast::UnaryOp op, const sema::Value &operand, sema::Value &result,
             SourceRange r) override {
    result.ir = build(op == ast::UnaryOp::Neg ? "neg" : "not", r,
                      {get(operand)}, {typeOf(result)}, {});
  }
  void binary(ast::BinaryOp op, const sema::Value &lhs, const sema::Value &rhs,
              sema::Value &result, SourceRange r) override;
  void builtin(llvm::StringRef name, llvm::ArrayRef<const sema::Value *> args,
               sema::Value &result, SourceRange r) override;
  void index(const sema::Value &base, llvm::ArrayRef<shape::IndexItem> items,
             llvm::ArrayRef<int64_t> indexHandles, sema::Value &result,
             SourceRange r) override;
  void beginLoop(const sema::Value &lo, const sema::Value &hi,
                 sema::Value &index, llvm::ArrayRef<sema::Value *> carried,
                 SourceRange r) override;
  void endLoop(llvm::ArrayRef<sema::Value *> carried, SourceRange r) override;
  void assignState(const std::string &path, const sema::Value &v,
                   SourceRange) override {
    stateUpdates[path] = get(v);
  }

  void beginObjective(unsigned k) override {
    savedSeedOffset = nextSeedOffset;
    nextSeedOffset = (static_cast<int64_t>(k) + 1) << 20;
  }
  void endObjective() override { nextSeedOffset = savedSeedOffset; }

  /// The IR type of a Sema tensor type (symbolic dims become dynamic).
  mlir::RankedTensorType typeOf(const sema::Value &v);

private:
  mlir::Location loc(SourceRange r);
  int64_t record(mlir::Value v) {
    values.push_back(v);
    return values.size() - 1;
  }
  mlir::Type elementType(sema::DType t);
  /// The IR value of a tensor, or a number made a scalar of `like`'s dtype.
  mlir::Value get(const sema::Value &v, sema::DType like = sema::DType::F32);
  int64_t addArgument(const sema::Value &v, llvm::StringRef kind,
                      const std::string &name, SourceRange r);
  /// Creates `nn.<name>` with these operands, result types and attributes.
  int64_t build(llvm::StringRef name, SourceRange r, mlir::ValueRange operands,
                mlir::TypeRange types,
                llvm::ArrayRef<mlir::NamedAttribute> attrs);
  /// Index operands for the dynamic dims of `result`, from a shape list.
  std::optional<llvm::SmallVector<mlir::Value>>
  dynamicSizes(const sema::Value &result, const sema::Value *shape,
               SourceRange r);
  /// An int (known or a run-time size) as an `index` value.
  mlir::Value indexValue(const sema::Value &v, mlir::Location l);
  mlir::NamedAttribute i64(llvm::StringRef n, int64_t v) {
    return b.getNamedAttr(n, b.getI64IntegerAttr(v));
  }
  mlir::NamedAttribute f64(llvm::StringRef n, double v) {
    return b.getNamedAttr(n, b.getF64FloatAttr(v));
  }

  mlir::MLIRContext &ctx;
  const SourceManager &sm;
  DiagnosticEngine &diags;
  mlir::OpBuilder b;
  std::vector<mlir::Value> values;
  llvm::SmallVector<mlir::Attribute> argDicts;
  std::map<std::string, mlir::Value> stateUpdates;
  /// Open loops over run-time sizes, innermost last.
  llvm::SmallVector<mlir::scf::ForOp> loops;
  int64_t nextSeedOffset = 0, savedSeedOffset = 0;
};

} // namespace nnc

#endif // NNC_LIB_MLIRGEN_NNEMITTER_H
