//===- Checker.h - Sema's internal state (private to lib/Sema) ---*- C++ -*-===//
//
// The checker walks declarations (CheckDecls.cpp), statements
// (CheckStmts.cpp) and expressions (CheckExprs.cpp, CheckCalls.cpp). Scopes
// are a stack of name maps; a Frame says what the body being checked may do
// (assign state, minimize, create models) and what it must return.
//
//===----------------------------------------------------------------------===//

#ifndef NNC_LIB_SEMA_CHECKER_H
#define NNC_LIB_SEMA_CHECKER_H

#include "nnc/AST/AST.h"
#include "nnc/Sema/Builtins.h"
#include "nnc/Sema/Emitter.h"
#include "nnc/Sema/Sema.h"
#include "nnc/Sema/Value.h"
#include "nnc/Support/Diagnostics.h"
#include "llvm/ADT/Twine.h"
#include <map>
#include <set>

namespace nnc::sema {

/// A name in scope.
struct Binding {
  Value value;
  SourceRange decl;
  enum class Kind { Hyper, Param, Let, Var, State, Loop, Field, Symbol } kind;
};

/// A type as declared, evaluated: dims resolved to known values, hyper-
/// parameter symbols, or pattern symbols bound at each call.
struct TypePattern {
  enum class Kind { Tensor, Tuple, Int, Float, Bool, Str } kind = Kind::Tensor;
  DType dtype = DType::F32;
  shape::ShapePattern shape;
  std::vector<TypePattern> elements;
  std::string str() const;
};

/// A declared signature: parameter names, their types (null = untyped),
/// the return type, and which symbols are bound per call.
struct Signature {
  std::vector<std::string> names;
  std::vector<std::optional<TypePattern>> types;
  std::vector<const ast::Expr *> defaults;
  std::vector<SourceRange> ranges;
  std::optional<TypePattern> result;
  std::set<std::string> patternSymbols;
};

/// A call's argument, evaluated.
struct ArgValue {
  std::string name; ///< empty when positional
  SourceRange range;
  Value value;
  SourceRange nameRange; ///< the keyword, when named
};

struct Frame {
  std::shared_ptr<ModelInstance> self;
  const ast::FnDecl *fn = nullptr;
  std::optional<TypePattern> result;
  shape::Bindings rigid; ///< the body's own symbols, bound to themselves
  std::vector<Value> returns;
  bool stateAssignable = false;
  bool inStep = false;
  bool createsModels = false;
  unsigned loopDepth = 0;
};

class Checker {
public:
  Checker(const SourceManager &sm, DiagnosticEngine &diags)
      : sm(sm), diags(diags) {}
  void run(llvm::ArrayRef<SemaModule> modules);

  // ----- Declarations (CheckDecls.cpp) -----
  void collectGlobals(llvm::ArrayRef<SemaModule> modules);
  void checkModel(const ast::ModelDecl &m);
  void checkMethod(const ast::FnDecl &f, std::shared_ptr<ModelInstance> self);
  /// Checks a model again with concrete hyperparameters (from a train
  /// block), so errors show actual sizes and rules needing known ints run.
  void checkInstance(const std::shared_ptr<ModelInstance> &inst);
  void checkOptimizer(const ast::OptimizerDecl &o);
  void checkTrain(const ast::TrainDecl &t);
  void checkInitializer(const ast::Expr &init, const std::string &member);
  Value memberValue(const std::shared_ptr<ModelInstance> &inst,
                    const ast::ModelMember &m);
  const ast::ModelMember *findMember(const ast::ModelDecl &d,
                                     llvm::StringRef name);
  /// The model a sub-model or array member instantiates (`fc = Dense(...)`
  /// gives Dense); null when its initializer is not such a call.
  const ast::ModelDecl *subModelDecl(const ast::ModelMember &mm);
  /// Whether `d` is `target` or holds one among its sub-models, at any depth.
  bool containsModel(const ast::ModelDecl &d, const ast::ModelDecl &target,
                     std::set<const ast::ModelDecl *> &visited);
  std::shared_ptr<ModelInstance> genericInstance(const ast::ModelDecl &m);
  Value genericHyper(const ast::Param &p);
  Value constValue(const ast::ConstDecl &c);

  // ----- Types and signatures -----
  std::optional<TypePattern> evalType(const ast::TypeExpr &t,
                                      std::set<std::string> *patternSymbols);
  Signature signature(const ast::FnDecl &f,
                      const std::shared_ptr<ModelInstance> &self);
  Signature hyperSignature(const std::vector<ast::Param> &params);
  /// Checks `v` against `t`; returns "" or what differs.
  std::string matchValue(const Value &v, const TypePattern &t,
                         shape::Bindings &b);
  Value valueOfPattern(const TypePattern &t, const shape::Bindings &b);
  Value genericValue(const TypePattern &t, const std::string &name);

  // ----- Statements (CheckStmts.cpp) -----
  void checkBody(const ast::FnDecl &f, const Signature &sig);
  void block(const ast::Block &b);
  void stmt(const ast::Stmt &s);
  void assign(const ast::AssignStmt &s);
  /// Generated code unrolls loops with compile-time bounds.
  void unrollFor(const ast::ForStmt &f, const Value &lo, const Value &hi);
  /// Generated code loops over run-time sizes with scf.for.
  void emitRuntimeLoop(const ast::ForStmt &f, const Value &lo,
                       const Value &hi);
  unsigned runtimeLoopDepth = 0;

  // ----- Expressions (CheckExprs.cpp) -----
  Value eval(const ast::Expr &e);
  Value evalName(const ast::NameExpr &e);
  Value evalUnary(const ast::UnaryExpr &e);
  Value emitUnary(const ast::UnaryExpr &e, const Value &operand);
  Value emitBinary(const ast::BinaryExpr &e, const Value &lhs,
                   const Value &rhs, Value result);
  Value evalBinary(const ast::BinaryExpr &e);
  Value evalIndex(const ast::IndexExpr &e);
  Value evalMember(const ast::MemberExpr &e);
  struct Global;
  /// The value of a global declaration (a constant is evaluated).
  Value lookupGlobal(const Global &g);
  /// After an error about `operand`: a note at the declaration of the name
  /// it refers to, with its type.
  void noteDeclaration(const ast::Expr &operand, const Value &v);

  // ----- Calls (CheckCalls.cpp) -----
  Value evalCall(const ast::CallExpr &e);
  Value call(const Value &callee, std::vector<ArgValue> &args,
             SourceRange callRange, SourceRange calleeRange);
  std::optional<std::vector<const ArgValue *>>
  matchArgs(llvm::ArrayRef<std::string> params, unsigned required,
            std::vector<ArgValue> &args, const std::string &what,
            SourceRange callRange);
  Value callBuiltin(const BuiltinSpec &spec, std::vector<ArgValue> &args,
                    SourceRange callRange);
  Value callFunction(const ast::FnDecl &f,
                     const std::shared_ptr<ModelInstance> &self,
                     std::vector<ArgValue> &args, SourceRange callRange,
                     const std::string &what);
  Value instantiateModel(const ast::ModelDecl &m, std::vector<ArgValue> &args,
                         SourceRange callRange);
  Value instantiateOptimizer(const ast::OptimizerDecl &o,
                             std::vector<ArgValue> &args,
                             SourceRange callRange);
  bool bindHyper(const std::vector<ast::Param> &params,
                 std::vector<ArgValue> &args, SourceRange callRange,
                 const std::string &what, std::map<std::string, Value> &out);

  // ----- Scopes -----
  void pushScope() { scopes.emplace_back(); }
  void popScope() { scopes.pop_back(); }
  bool declare(const std::string &name, Binding b);
  Binding *lookupLocal(llvm::StringRef name);
  /// Runs `fn` with a fresh scope stack holding `inst`'s hyperparameters
  /// (globals only when null) and a fresh frame.
  template <typename Fn>
  // `inst` is taken by value: callers pass `frame.self`, which is moved away
  // below.
  auto inEnv(std::shared_ptr<ModelInstance> inst, Fn fn) {
    std::vector<std::map<std::string, Binding>> savedScopes;
    savedScopes.swap(scopes);
    Frame savedFrame = std::move(frame);
    frame = Frame();
    // An instance without a declaration only carries hyperparameters (an
    // optimizer's, or those bound so far while binding defaults).
    if (inst && inst->decl)
      frame.self = inst;
    pushScope();
    if (inst)
      for (const auto &[name, v] : inst->hyper)
        scopes.back()[name] = Binding{v, {}, Binding::Kind::Hyper};
    auto restore = [&] {
      scopes.swap(savedScopes);
      frame = std::move(savedFrame);
    };
    if constexpr (std::is_void_v<decltype(fn())>) {
      fn();
      restore();
    } else {
      auto r = fn();
      restore();
      return r;
    }
  }

  Value fail(SourceRange r, const llvm::Twine &msg) {
    diags.error(r, msg);
    return Value::error();
  }

  const SourceManager &sm;
  DiagnosticEngine &diags;
  std::vector<std::map<std::string, Binding>> scopes;
  Frame frame;
  /// Set while evaluating a type's dims: unknown capitalised names become
  /// pattern symbols, recorded here.
  std::set<std::string> *dimSymbols = nullptr;

  struct Global {
    const ast::ModelDecl *model = nullptr;
    const ast::FnDecl *fn = nullptr;
    const ast::OptimizerDecl *optimizer = nullptr;
    const ast::ConstDecl *constant = nullptr;
    SourceRange nameRange;
    bool isStdlib = false;
  };
  std::map<std::string, Global> globals;
  /// The stdlib's declarations, which are all that stdlib code sees: a user
  /// declaration shadows a stdlib one for user code only, so it cannot
  /// change what the stdlib means (a user's `model H` is not the `H` of the
  /// stdlib's `f32[B, C, H, W]`).
  std::map<std::string, Global> stdlibGlobals;
  std::set<uint32_t> stdlibFiles;
  /// The globals visible from code at `loc`.
  const std::map<std::string, Global> &globalsFor(SourceLoc loc) const {
    return stdlibFiles.count(loc.file) ? stdlibGlobals : globals;
  }
  std::map<const ast::ConstDecl *, Value> constValues;
  std::set<const ast::ConstDecl *> constsInProgress;
  std::map<std::pair<const ModelInstance *, const ast::ModelMember *>, Value>
      memberCache;
  unsigned inlineDepth = 0;

  // ----- Code generation (EmitForward.cpp) -----
  /// Set while generating code: every operation is reported to it.
  Emitter *emitter = nullptr;
  /// The value of `training` while generating code.
  bool training = false;
  /// Run-time sizes of the entry's symbolic dims (`B`), by name.
  std::map<std::string, int64_t> symbolHandles;
  /// Reports `v` as an input of the entry function, and the run-time size
  /// of each symbolic dim it introduces (bound in the innermost scope).
  void emitInput(const std::string &name, Value &v, SourceRange r);
  /// An int value for a dim, carrying the run-time size of a symbol.
  Value symbolValue(const shape::Dim &d);
  /// Element `i` of an array of models, one instance per element so each
  /// has its own parameters (`blocks.2.w`).
  std::shared_ptr<ModelInstance>
  arrayElement(const std::shared_ptr<ModelInstance> &elem, int64_t i);
  std::map<std::string, std::shared_ptr<ModelInstance>> arrayElements;
  /// The initializer of a parameter or state, with its arguments evaluated.
  InitSpec initSpec(const ast::Expr &init);
  std::set<std::string> checkedInstances;
  std::set<const ast::ModelDecl *> declsWithErrors;
};

} // namespace nnc::sema

#endif // NNC_LIB_SEMA_CHECKER_H
