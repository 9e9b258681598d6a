//===- ASTPrinter.cpp - Readable dump of the AST ---------------------------===//
//
// Prints each node on its own line as `Kind fields <line:col>`, children
// indented by two spaces. Floats print with enough digits to round-trip.
//
//===----------------------------------------------------------------------===//

#include "nnc/AST/ASTPrinter.h"
#include "nnc/AST/AST.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/raw_ostream.h"

using namespace nnc;
using namespace nnc::ast;
using llvm::cast;

namespace {
class Printer {
public:
  Printer(const SourceManager &sm, llvm::raw_ostream &os) : sm(sm), os(os) {}

  void module(const Module &m);

private:
  llvm::raw_ostream &line(SourceRange r, llvm::StringRef head) {
    os.indent(depth * 2) << head;
    pendingLoc = r;
    return os;
  }
  void end() {
    LineCol lc = sm.lineCol(pendingLoc.begin);
    os << " <" << lc.line << ":" << lc.col << ">\n";
  }
  struct Nest {
    Printer &p;
    explicit Nest(Printer &p) : p(p) { ++p.depth; }
    ~Nest() { --p.depth; }
  };

  void params(llvm::StringRef what, const std::vector<Param> &ps);
  void fn(llvm::StringRef what, const FnDecl &f);
  void type(const TypeExpr &t);
  void block(llvm::StringRef label, const Block &b);
  void stmt(const Stmt &s);
  void expr(const Expr &e);
  void labelled(llvm::StringRef label, const Expr *e);

  const SourceManager &sm;
  llvm::raw_ostream &os;
  unsigned depth = 0;
  SourceRange pendingLoc;
};
} // namespace

void Printer::module(const Module &m) {
  line({}, "Module ") << sm.fileName(m.file) << "\n";
  Nest n(*this);
  for (const ImportDecl &i : m.imports) {
    line(i.range, "Import \"") << i.path << "\"";
    end();
  }
  for (const auto &c : m.consts) {
    line(c->range, "Const ") << c->name;
    end();
    Nest n2(*this);
    if (c->type)
      type(*c->type);
    expr(*c->value);
  }
  for (const auto &md : m.models) {
    line(md->range, "Model ") << md->name;
    end();
    Nest n2(*this);
    params("HyperParam", md->hyperParams);
    for (const ModelMember &mm : md->members) {
      static const char *kinds[] = {"Param", "State", "SubModel", "Array"};
      if (mm.kind == ModelMember::Kind::Method) {
        fn("Method", *mm.method);
        continue;
      }
      line(mm.range, kinds[(int)mm.kind]) << " " << mm.name;
      end();
      Nest n3(*this);
      if (mm.type)
        type(*mm.type);
      labelled("count", mm.count.get());
      expr(*mm.init);
    }
  }
  for (const auto &f : m.functions)
    fn("Fn", *f);
  for (const auto &o : m.optimizers) {
    line(o->range, "Optimizer ") << o->name;
    end();
    Nest n2(*this);
    params("HyperParam", o->hyperParams);
    for (const auto &s : o->states) {
      line(s.range, "State ") << s.name;
      end();
      Nest n3(*this);
      expr(*s.init);
    }
    if (o->update)
      fn("Update", *o->update);
  }
  for (const auto &t : m.trains) {
    line(t->range, "Train ") << t->name;
    end();
    Nest n2(*this);
    for (const auto &f : t->fields) {
      line(f.nameRange, "Field ") << f.name;
      end();
      Nest n3(*this);
      expr(*f.value);
    }
    for (const auto &f : t->functions)
      fn("Function", *f);
    if (t->step)
      fn("Step", *t->step);
  }
}

void Printer::params(llvm::StringRef what, const std::vector<Param> &ps) {
  for (const Param &p : ps) {
    line(p.range, what) << " " << p.name;
    end();
    Nest n(*this);
    if (p.type)
      type(*p.type);
    labelled("default", p.defaultValue.get());
  }
}

void Printer::fn(llvm::StringRef what, const FnDecl &f) {
  line(f.range, what) << " " << f.name;
  end();
  Nest n(*this);
  params("Param", f.params);
  if (f.returnType) {
    line(f.returnType->range, "Returns");
    end();
    Nest n2(*this);
    type(*f.returnType);
  }
  block("Body", f.body);
}

void Printer::type(const TypeExpr &t) {
  switch (t.kind) {
  case TypeExpr::Kind::Named:
    line(t.range, "Type ") << t.name;
    end();
    return;
  case TypeExpr::Kind::Tuple: {
    line(t.range, "TupleType");
    end();
    Nest n(*this);
    for (const auto &e : t.elements)
      type(*e);
    return;
  }
  case TypeExpr::Kind::Tensor: {
    line(t.range, "TensorType ") << t.name;
    end();
    Nest n(*this);
    for (size_t i = 0; i < t.dims.size(); ++i) {
      if (!t.dims[i]) {
        line(t.dimRanges[i], "Ellipsis");
        end();
        continue;
      }
      expr(*t.dims[i]);
    }
    return;
  }
  }
}

void Printer::block(llvm::StringRef label, const Block &b) {
  line({}, label) << "\n";
  Nest n(*this);
  for (const StmtPtr &s : b)
    stmt(*s);
}

void Printer::labelled(llvm::StringRef label, const Expr *e) {
  if (!e)
    return;
  line({}, label) << ":\n";
  Nest n(*this);
  expr(*e);
}

void Printer::stmt(const Stmt &s) {
  switch (s.getKind()) {
  case Stmt::Kind::Let: {
    const auto &l = cast<LetStmt>(s);
    line(s.range, "Let");
    for (const auto &nm : l.names)
      os << " " << nm;
    end();
    Nest n(*this);
    if (l.type)
      type(*l.type);
    expr(*l.value);
    return;
  }
  case Stmt::Kind::Var: {
    const auto &v = cast<VarStmt>(s);
    line(s.range, "Var ") << v.name;
    end();
    Nest n(*this);
    if (v.type)
      type(*v.type);
    expr(*v.value);
    return;
  }
  case Stmt::Kind::Assign: {
    const auto &a = cast<AssignStmt>(s);
    line(s.range, "Assign ") << a.name;
    end();
    Nest n(*this);
    expr(*a.value);
    return;
  }
  case Stmt::Kind::For: {
    const auto &f = cast<ForStmt>(s);
    line(s.range, "For ") << f.var;
    end();
    Nest n(*this);
    labelled("from", f.lo.get());
    labelled("to", f.hi.get());
    block("Body", f.body);
    return;
  }
  case Stmt::Kind::If: {
    const auto &i = cast<IfStmt>(s);
    line(s.range, "If");
    end();
    Nest n(*this);
    labelled("cond", i.cond.get());
    block("Then", i.thenBody);
    if (i.hasElse)
      block("Else", i.elseBody);
    return;
  }
  case Stmt::Kind::Return:
    line(s.range, "Return");
    end();
    {
      Nest n(*this);
      expr(*cast<ReturnStmt>(s).value);
    }
    return;
  case Stmt::Kind::Minimize: {
    const auto &m = cast<MinimizeStmt>(s);
    line(s.range, "Minimize ") << m.optimizer;
    end();
    Nest n(*this);
    expr(*m.loss);
    return;
  }
  }
}

void Printer::expr(const Expr &e) {
  switch (e.getKind()) {
  case Expr::Kind::IntLit:
    line(e.range, "Int ") << cast<IntLit>(e).value;
    return end();
  case Expr::Kind::FloatLit:
    line(e.range, "Float ") << llvm::format("%.17g", cast<FloatLit>(e).value);
    return end();
  case Expr::Kind::StringLit:
    line(e.range, "String \"");
    os.write_escaped(cast<StringLit>(e).value) << "\"";
    return end();
  case Expr::Kind::BoolLit:
    line(e.range, "Bool ") << (cast<BoolLit>(e).value ? "true" : "false");
    return end();
  case Expr::Kind::NoneLit:
    line(e.range, "None");
    return end();
  case Expr::Kind::Name:
    line(e.range, "Name ") << cast<NameExpr>(e).name;
    return end();
  case Expr::Kind::Unary: {
    const auto &u = cast<UnaryExpr>(e);
    line(e.range, "Unary ") << (u.op == UnaryOp::Neg ? "-" : "!");
    end();
    Nest n(*this);
    return expr(*u.operand);
  }
  case Expr::Kind::Binary: {
    const auto &b = cast<BinaryExpr>(e);
    line(e.range, "Binary ") << spelling(b.op);
    end();
    Nest n(*this);
    expr(*b.lhs);
    return expr(*b.rhs);
  }
  case Expr::Kind::Call: {
    const auto &c = cast<CallExpr>(e);
    line(e.range, "Call");
    end();
    Nest n(*this);
    expr(*c.callee);
    for (const Arg &a : c.args) {
      if (a.name.empty()) {
        expr(*a.value);
        continue;
      }
      line(a.nameRange, "Keyword ") << a.name;
      end();
      Nest n2(*this);
      expr(*a.value);
    }
    return;
  }
  case Expr::Kind::Index: {
    const auto &ix = cast<IndexExpr>(e);
    line(e.range, "Index");
    end();
    Nest n(*this);
    expr(*ix.base);
    for (const IndexItem &it : ix.items) {
      if (it.kind == IndexItem::Kind::Ellipsis) {
        line(it.range, "Ellipsis");
        end();
      } else if (it.kind == IndexItem::Kind::Index) {
        expr(*it.index);
      } else {
        line(it.range, "Slice");
        end();
        Nest n2(*this);
        labelled("start", it.start.get());
        labelled("stop", it.stop.get());
        labelled("step", it.step.get());
      }
    }
    return;
  }
  case Expr::Kind::Member: {
    const auto &m = cast<MemberExpr>(e);
    line(e.range, "Member ") << m.member;
    end();
    Nest n(*this);
    return expr(*m.base);
  }
  case Expr::Kind::Tuple:
  case Expr::Kind::List: {
    bool isTuple = e.getKind() == Expr::Kind::Tuple;
    line(e.range, isTuple ? "Tuple" : "List");
    end();
    Nest n(*this);
    const auto &elems = isTuple ? cast<TupleExpr>(e).elements
                                : cast<ListExpr>(e).elements;
    for (const ExprPtr &x : elems)
      expr(*x);
    return;
  }
  }
}

void nnc::ast::printModule(const Module &m, const SourceManager &sm,
                           llvm::raw_ostream &os) {
  Printer(sm, os).module(m);
}
