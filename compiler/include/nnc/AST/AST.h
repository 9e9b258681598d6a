//===- AST.h - The .nn abstract syntax tree ----------------------*- C++ -*-===//
//
// A plain C++ tree built from the parse tree (compiler/lib/Parse). Every node
// carries the source range it was written at. Nodes are owned by their parent
// through unique_ptr; kinds are enums so passes use llvm::isa/dyn_cast.
//
//===----------------------------------------------------------------------===//

#ifndef NNC_AST_AST_H
#define NNC_AST_AST_H

#include "nnc/Support/SourceManager.h"
#include "llvm/Support/Casting.h"
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace nnc::ast {

// ----- Expressions -------------------------------------------------------------

class Expr {
public:
  enum class Kind {
    IntLit, FloatLit, StringLit, BoolLit, NoneLit, Name, Unary, Binary,
    Call, Index, Member, Tuple, List
  };
  Expr(Kind k, SourceRange r) : kind(k), range(r) {}
  virtual ~Expr() = default;
  Kind getKind() const { return kind; }
  const Kind kind;
  SourceRange range;
};
using ExprPtr = std::unique_ptr<Expr>;

template <Expr::Kind K> struct ExprOf : Expr {
  explicit ExprOf(SourceRange r) : Expr(K, r) {}
  static bool classof(const Expr *e) { return e->getKind() == K; }
};

struct IntLit : ExprOf<Expr::Kind::IntLit> {
  IntLit(SourceRange r, int64_t v) : ExprOf(r), value(v) {}
  int64_t value;
};
struct FloatLit : ExprOf<Expr::Kind::FloatLit> {
  FloatLit(SourceRange r, double v) : ExprOf(r), value(v) {}
  double value;
};
struct StringLit : ExprOf<Expr::Kind::StringLit> {
  StringLit(SourceRange r, std::string v) : ExprOf(r), value(std::move(v)) {}
  std::string value; ///< with escapes resolved
};
struct BoolLit : ExprOf<Expr::Kind::BoolLit> {
  BoolLit(SourceRange r, bool v) : ExprOf(r), value(v) {}
  bool value;
};
struct NoneLit : ExprOf<Expr::Kind::NoneLit> {
  using ExprOf::ExprOf;
};
struct NameExpr : ExprOf<Expr::Kind::Name> {
  NameExpr(SourceRange r, std::string n) : ExprOf(r), name(std::move(n)) {}
  std::string name;
};

enum class UnaryOp { Neg, Not };
struct UnaryExpr : ExprOf<Expr::Kind::Unary> {
  UnaryExpr(SourceRange r, UnaryOp op, ExprPtr e)
      : ExprOf(r), op(op), operand(std::move(e)) {}
  UnaryOp op;
  ExprPtr operand;
};

enum class BinaryOp {
  Pow, Mul, Div, Mod, Matmul, Add, Sub, Eq, Ne, Lt, Le, Gt, Ge, And, Or, Pipe
};
/// The operator as written: "**", "@", "|>", ...
const char *spelling(BinaryOp op);

struct BinaryExpr : ExprOf<Expr::Kind::Binary> {
  BinaryExpr(SourceRange r, BinaryOp op, SourceRange opRange, ExprPtr l,
             ExprPtr rhs)
      : ExprOf(r), op(op), opRange(opRange), lhs(std::move(l)),
        rhs(std::move(rhs)) {}
  BinaryOp op;
  SourceRange opRange; ///< the operator token, where diagnostics put the caret
  ExprPtr lhs, rhs;
};

/// One argument of a call; `name` is empty for a positional argument.
struct Arg {
  std::string name;
  SourceRange nameRange;
  ExprPtr value;
};
struct CallExpr : ExprOf<Expr::Kind::Call> {
  CallExpr(SourceRange r, ExprPtr callee, std::vector<Arg> args)
      : ExprOf(r), callee(std::move(callee)), args(std::move(args)) {}
  ExprPtr callee;
  std::vector<Arg> args;
};

/// One entry of `x[...]`: an index, a slice `start:stop:step` (each part
/// optional), `...`, or `None` (a new axis; parsed as an Index of NoneLit).
struct IndexItem {
  enum class Kind { Index, Slice, Ellipsis } kind = Kind::Index;
  SourceRange range;
  ExprPtr index;             ///< Kind::Index
  ExprPtr start, stop, step; ///< Kind::Slice, each may be null
};
struct IndexExpr : ExprOf<Expr::Kind::Index> {
  IndexExpr(SourceRange r, ExprPtr base, std::vector<IndexItem> items)
      : ExprOf(r), base(std::move(base)), items(std::move(items)) {}
  ExprPtr base;
  std::vector<IndexItem> items;
};
struct MemberExpr : ExprOf<Expr::Kind::Member> {
  MemberExpr(SourceRange r, ExprPtr base, std::string m, SourceRange mr)
      : ExprOf(r), base(std::move(base)), member(std::move(m)),
        memberRange(mr) {}
  ExprPtr base;
  std::string member;
  SourceRange memberRange;
};
struct TupleExpr : ExprOf<Expr::Kind::Tuple> {
  TupleExpr(SourceRange r, std::vector<ExprPtr> e)
      : ExprOf(r), elements(std::move(e)) {}
  std::vector<ExprPtr> elements;
};
struct ListExpr : ExprOf<Expr::Kind::List> {
  ListExpr(SourceRange r, std::vector<ExprPtr> e)
      : ExprOf(r), elements(std::move(e)) {}
  std::vector<ExprPtr> elements;
};

// ----- Types ---------------------------------------------------------------------

/// A type as written: `f32[B, 784]`, `(f32[B], f32[B])`, `int`.
struct TypeExpr {
  enum class Kind { Tensor, Tuple, Named } kind = Kind::Named;
  SourceRange range;
  std::string name; ///< dtype for Tensor, the type name for Named
  SourceRange nameRange;
  /// Tensor dims; a null expression stands for `...`.
  std::vector<ExprPtr> dims;
  std::vector<SourceRange> dimRanges;
  std::vector<std::unique_ptr<TypeExpr>> elements; ///< Tuple
};
using TypeExprPtr = std::unique_ptr<TypeExpr>;

// ----- Statements ----------------------------------------------------------------

class Stmt {
public:
  enum class Kind { Let, Var, Assign, For, If, Return, Minimize };
  Stmt(Kind k, SourceRange r) : kind(k), range(r) {}
  virtual ~Stmt() = default;
  Kind getKind() const { return kind; }
  const Kind kind;
  SourceRange range;
};
using StmtPtr = std::unique_ptr<Stmt>;
using Block = std::vector<StmtPtr>;

template <Stmt::Kind K> struct StmtOf : Stmt {
  explicit StmtOf(SourceRange r) : Stmt(K, r) {}
  static bool classof(const Stmt *s) { return s->getKind() == K; }
};

/// `let x = e`, `let x: T = e`, or `let (a, b) = e` (several names).
struct LetStmt : StmtOf<Stmt::Kind::Let> {
  using StmtOf::StmtOf;
  std::vector<std::string> names;
  std::vector<SourceRange> nameRanges;
  bool destructures = false;
  TypeExprPtr type; ///< optional
  ExprPtr value;
};
struct VarStmt : StmtOf<Stmt::Kind::Var> {
  using StmtOf::StmtOf;
  std::string name;
  SourceRange nameRange;
  TypeExprPtr type; ///< optional
  ExprPtr value;
};
struct AssignStmt : StmtOf<Stmt::Kind::Assign> {
  using StmtOf::StmtOf;
  std::string name;
  SourceRange nameRange;
  ExprPtr value;
};
struct ForStmt : StmtOf<Stmt::Kind::For> {
  using StmtOf::StmtOf;
  std::string var;
  SourceRange varRange;
  ExprPtr lo, hi;
  Block body;
};
struct IfStmt : StmtOf<Stmt::Kind::If> {
  using StmtOf::StmtOf;
  ExprPtr cond;
  Block thenBody;
  Block elseBody; ///< an `else if` is a single IfStmt here
  bool hasElse = false;
};
struct ReturnStmt : StmtOf<Stmt::Kind::Return> {
  using StmtOf::StmtOf;
  ExprPtr value;
};
/// `minimize OPT: expr` inside a train block's `step`.
struct MinimizeStmt : StmtOf<Stmt::Kind::Minimize> {
  using StmtOf::StmtOf;
  std::string optimizer;
  SourceRange optimizerRange;
  ExprPtr loss;
};

// ----- Declarations --------------------------------------------------------------

/// A parameter of a function, method, model, optimizer or train function;
/// type and default are optional where the grammar allows it.
struct Param {
  std::string name;
  SourceRange range;
  TypeExprPtr type;
  ExprPtr defaultValue;
};

struct FnDecl {
  std::string name;
  SourceRange range, nameRange;
  std::vector<Param> params;
  TypeExprPtr returnType; ///< null: inferred
  Block body;
};

/// A member of a model: param, state, sub-model, array of sub-models, method.
struct ModelMember {
  enum class Kind { Param, State, SubModel, Array, Method } kind;
  std::string name;
  SourceRange range, nameRange;
  TypeExprPtr type;      ///< Param, State
  ExprPtr init;          ///< Param/State initializer, SubModel/Array element
  ExprPtr count;         ///< Array: the number of copies
  std::unique_ptr<FnDecl> method;
};

struct ModelDecl {
  std::string name;
  SourceRange range, nameRange;
  std::vector<Param> hyperParams;
  std::vector<ModelMember> members;
};

struct OptimizerDecl {
  std::string name;
  SourceRange range, nameRange;
  std::vector<Param> hyperParams;
  struct State {
    std::string name;
    SourceRange range;
    ExprPtr init;
  };
  std::vector<State> states;
  std::unique_ptr<FnDecl> update; ///< `update(p, g, t) { ... }`
};

/// A train block: fields (`model = MLP()`), functions (`loss(x, y) = e`)
/// and an optional `step(x, y) { ... }`, in source order.
struct TrainDecl {
  std::string name;
  SourceRange range, nameRange;
  struct Field {
    std::string name;
    SourceRange nameRange;
    ExprPtr value;
  };
  std::vector<Field> fields;
  std::vector<std::unique_ptr<FnDecl>> functions; ///< body: one return
  std::unique_ptr<FnDecl> step;
};

struct ConstDecl {
  std::string name;
  SourceRange range, nameRange;
  TypeExprPtr type;
  ExprPtr value;
};

struct ImportDecl {
  std::string path;
  SourceRange range;
};

/// One parsed file, its declarations in source order by kind.
struct Module {
  uint32_t file = 0;
  std::vector<ImportDecl> imports;
  std::vector<std::unique_ptr<ConstDecl>> consts;
  std::vector<std::unique_ptr<ModelDecl>> models;
  std::vector<std::unique_ptr<FnDecl>> functions;
  std::vector<std::unique_ptr<OptimizerDecl>> optimizers;
  std::vector<std::unique_ptr<TrainDecl>> trains;
};

} // namespace nnc::ast

#endif // NNC_AST_AST_H
