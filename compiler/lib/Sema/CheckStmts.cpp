//===- CheckStmts.cpp - Function bodies and statements --------------------===//
//
// Bodies are checked once, generically: parameters take their declared
// types, symbolic dims stay symbols. `if` on a compile-time condition checks
// only the branch taken (both when the condition is a generic
// hyperparameter); `for` bodies are checked once, and a `var` keeps its type
// across iterations, which is what makes loop-carried values well-typed.
//
//===----------------------------------------------------------------------===//

#include "Checker.h"

using namespace nnc;
using namespace nnc::sema;
using namespace nnc::shape;
using llvm::cast;
using llvm::Twine;

bool Checker::declare(const std::string &name, Binding b) {
  auto [it, inserted] = scopes.back().try_emplace(name, b);
  if (inserted)
    return true;
  fail(b.decl, "'" + name + "' is already defined in this scope");
  if (it->second.decl.isValid())
    diags.note(it->second.decl, "previous definition is here");
  return false;
}

Binding *Checker::lookupLocal(llvm::StringRef name) {
  for (auto it = scopes.rbegin(); it != scopes.rend(); ++it)
    if (auto f = it->find(std::string(name)); f != it->end())
      return &f->second;
  return nullptr;
}

/// Whether a statement list always returns (so the function cannot fall off
/// its end).
static bool alwaysReturns(const ast::Block &b) {
  for (const ast::StmtPtr &s : b) {
    if (llvm::isa<ast::ReturnStmt>(*s))
      return true;
    if (const auto *i = llvm::dyn_cast<ast::IfStmt>(s.get()))
      if (i->hasElse && alwaysReturns(i->thenBody) &&
          alwaysReturns(i->elseBody))
        return true;
  }
  return false;
}

void Checker::checkBody(const ast::FnDecl &f, const Signature &sig) {
  frame.fn = &f;
  frame.result = sig.result;
  pushScope();
  std::set<std::string> seen;
  for (const std::string &s : sig.patternSymbols) {
    frame.rigid.symbols.emplace(s, Dim::symbol(s));
    scopes.back()[s] = {Value::integer(Dim::symbol(s)), {}, Binding::Kind::Symbol};
  }
  frame.rigid.ellipsis = Shape{Dim::expr("...")};
  for (size_t i = 0; i < sig.names.size(); ++i) {
    if (!seen.insert(sig.names[i]).second) {
      fail(sig.ranges[i], "duplicate parameter '" + sig.names[i] + "'");
      continue;
    }
    if (!f.params[i].type) {
      fail(sig.ranges[i], "parameter '" + sig.names[i] +
                              "' needs a type, e.g. " + sig.names[i] +
                              ": f32[B, 10]");
      declare(sig.names[i], {Value::error(), sig.ranges[i], Binding::Kind::Param});
      continue;
    }
    Value v = sig.types[i] ? genericValue(*sig.types[i], sig.names[i])
                           : Value::error();
    if (sig.defaults[i] && sig.types[i]) {
      Value d = eval(*sig.defaults[i]);
      Bindings b;
      std::string err = matchValue(d, *sig.types[i], b);
      if (!err.empty())
        fail(sig.defaults[i]->range,
             "default of '" + sig.names[i] + "': " + err);
    }
    // Capitalised symbols also name their size inside the body.
    declare(sig.names[i], {v, sig.ranges[i], Binding::Kind::Param});
  }
  if (f.returnType && !alwaysReturns(f.body))
    fail(f.nameRange, "'" + f.name + "' must end with a 'return' of " +
                          (sig.result ? sig.result->str() : "its result"));
  block(f.body);
  popScope();
}

void Checker::block(const ast::Block &b) {
  pushScope();
  for (const ast::StmtPtr &s : b) {
    stmt(*s);
    if (diags.tooManyErrors())
      break;
  }
  popScope();
}

/// Whether a compile-time condition is known, and its value.
static std::optional<bool> knownCondition(const Value &v) {
  return v.kind == Value::Kind::Bool ? v.flag : std::nullopt;
}

void Checker::stmt(const ast::Stmt &s) {
  switch (s.getKind()) {
  case ast::Stmt::Kind::Let: {
    const auto &l = cast<ast::LetStmt>(s);
    Value v = eval(*l.value);
    if (l.type && !v.isError()) {
      auto t = evalType(*l.type, nullptr);
      Bindings b = frame.rigid;
      std::string err = t ? matchValue(v, *t, b) : "";
      if (!err.empty())
        v = fail(l.value->range, "'" + l.names[0] + "': " + err);
    }
    if (!l.destructures) {
      declare(l.names[0], {v, l.nameRanges[0], Binding::Kind::Let});
      return;
    }
    bool ok = v.kind == Value::Kind::Tuple &&
              v.elements.size() == l.names.size();
    if (!ok && !v.isError())
      fail(l.value->range, "cannot destructure " + v.typeStr() + " into " +
                               Twine(l.names.size()) + " names");
    for (size_t i = 0; i < l.names.size(); ++i)
      declare(l.names[i], {ok ? v.elements[i] : Value::error(),
                           l.nameRanges[i], Binding::Kind::Let});
    return;
  }
  case ast::Stmt::Kind::Var: {
    const auto &vs = cast<ast::VarStmt>(s);
    Value v = eval(*vs.value);
    if (vs.type && !v.isError()) {
      auto t = evalType(*vs.type, nullptr);
      Bindings b = frame.rigid;
      std::string err = t ? matchValue(v, *t, b) : "";
      if (!err.empty())
        v = fail(vs.value->range, "'" + vs.name + "': " + err);
    }
    declare(vs.name, {v, vs.nameRange, Binding::Kind::Var});
    return;
  }
  case ast::Stmt::Kind::Assign:
    return assign(cast<ast::AssignStmt>(s));
  case ast::Stmt::Kind::For: {
    const auto &f = cast<ast::ForStmt>(s);
    Value lo = eval(*f.lo), hi = eval(*f.hi);
    for (auto [v, e] : {std::pair{&lo, f.lo.get()}, {&hi, f.hi.get()}})
      if (!v->isError() && v->kind != Value::Kind::Int)
        fail(e->range, "the bounds of a 'for' range must be integers known "
                       "at compile time or symbolic dims, found " +
                           v->typeStr());
    if (emitter)
      return unrollFor(f, lo, hi);
    pushScope();
    declare(f.var, {Value::integer(Dim::unknown()), f.varRange,
                    Binding::Kind::Loop});
    ++frame.loopDepth;
    block(f.body);
    --frame.loopDepth;
    popScope();
    return;
  }
  case ast::Stmt::Kind::If: {
    const auto &i = cast<ast::IfStmt>(s);
    Value c = eval(*i.cond);
    if (c.isError())
      return;
    if (c.kind != Value::Kind::Bool) {
      fail(i.cond->range, "the condition of 'if' must be a bool known at "
                          "compile time (a hyperparameter or 'training'), "
                          "found " + c.typeStr() +
                          (c.isTensor() ? "; use where(mask, a, b) to "
                                          "choose per element"
                                        : ""));
      return;
    }
    auto known = knownCondition(c);
    if (!known || *known)
      block(i.thenBody);
    if (!known || !*known)
      block(i.elseBody);
    return;
  }
  case ast::Stmt::Kind::Return: {
    const auto &r = cast<ast::ReturnStmt>(s);
    Value v = eval(*r.value);
    if (!frame.result) {
      frame.returns.push_back(v); // an error too: the body does return
      return;
    }
    if (v.isError())
      return;
    Bindings b = frame.rigid;
    std::string err = matchValue(v, *frame.result, b);
    if (!err.empty())
      fail(r.value->range, "returned value does not match the declared "
                           "result: " + err);
    return;
  }
  case ast::Stmt::Kind::Minimize: {
    const auto &m = cast<ast::MinimizeStmt>(s);
    Value loss = eval(*m.loss);
    if (!frame.inStep) {
      fail(s.range, "'minimize' is only allowed in a train block's step");
      return;
    }
    Binding *b = lookupLocal(m.optimizer);
    if (!b || b->value.kind != Value::Kind::Optimizer) {
      fail(m.optimizerRange,
           "'" + m.optimizer + "' is not an optimizer of this train block" +
               (b ? ", it is " + b->value.typeStr() : std::string()));
      return;
    }
    if (!b->value.optimizer->model)
      fail(m.optimizerRange, "optimizer '" + m.optimizer + "' has no model; "
                             "pass it first, e.g. Adam(gen, lr = 2e-4)");
    if (!loss.isError() &&
        !(loss.isTensor() && loss.shape.empty() && isFloatType(loss.dtype)))
      fail(m.loss->range, "'minimize' needs a scalar loss f32[], found " +
                              loss.typeStr());
    return;
  }
  }
}

/// Whether a value may replace `old` in an assignment: same kind, and for
/// tensors the same dtype and rank with compatible dims.
static bool sameType(const Value &old, const Value &v) {
  if (old.isError() || v.isError())
    return true;
  if (old.isTensor() && v.isNumber())
    return true; // a number broadcasts into the tensor
  if (old.kind != v.kind)
    return old.isNumber() && v.isNumber();
  if (!old.isTensor())
    return true;
  if (old.dtype != v.dtype || old.shape.size() != v.shape.size())
    return false;
  for (size_t i = 0; i < old.shape.size(); ++i)
    if (!old.shape[i].compatible(v.shape[i]))
      return false;
  return true;
}

void Checker::unrollFor(const ast::ForStmt &f, const Value &lo,
                        const Value &hi) {
  auto from = lo.knownInt(), to = hi.knownInt();
  if (!from || !to)
    return emitRuntimeLoop(f, lo, hi);
  for (int64_t i = *from; i < *to && !diags.hasErrors(); ++i) {
    pushScope();
    declare(f.var, {Value::integer(i), f.varRange, Binding::Kind::Loop});
    block(f.body);
    popScope();
  }
}

/// The names assigned anywhere in `b` (nested blocks included).
static void assignedNames(const ast::Block &b, std::set<std::string> &out) {
  for (const ast::StmtPtr &s : b) {
    if (const auto *a = llvm::dyn_cast<ast::AssignStmt>(s.get()))
      out.insert(a->name);
    else if (const auto *f = llvm::dyn_cast<ast::ForStmt>(s.get()))
      assignedNames(f->body, out);
    else if (const auto *i = llvm::dyn_cast<ast::IfStmt>(s.get())) {
      assignedNames(i->thenBody, out);
      assignedNames(i->elseBody, out);
    }
  }
}

void Checker::emitRuntimeLoop(const ast::ForStmt &f, const Value &lo,
                              const Value &hi) {
  if ((!lo.knownInt() && lo.ir < 0) || (!hi.knownInt() && hi.ir < 0)) {
    fail(f.range, "code generation needs the bounds of this loop as numbers "
                  "or sizes of the inputs (such as T)");
    return;
  }
  // The tensor vars of enclosing scopes that the body assigns are carried
  // from one iteration to the next.
  std::set<std::string> names;
  assignedNames(f.body, names);
  std::vector<Value *> carried;
  for (const std::string &n : names)
    if (Binding *b = lookupLocal(n);
        b && b->kind == Binding::Kind::Var && b->value.isTensor())
      carried.push_back(&b->value);
  Value index = Value::integer(Dim::unknown());
  emitter->beginLoop(lo, hi, index, carried, f.range);
  pushScope();
  declare(f.var, {index, f.varRange, Binding::Kind::Loop});
  ++runtimeLoopDepth;
  block(f.body);
  --runtimeLoopDepth;
  popScope();
  emitter->endLoop(carried, f.range);
}

void Checker::assign(const ast::AssignStmt &s) {
  Value v = eval(*s.value);
  Binding *b = lookupLocal(s.name);
  Value *target = b ? &b->value : nullptr;
  const ast::ModelMember *member =
      !b && frame.self ? findMember(*frame.self->decl, s.name) : nullptr;
  Value memberVal;
  if (member) {
    if (member->kind != ast::ModelMember::Kind::State) {
      fail(s.nameRange, "cannot assign to " +
                            std::string(member->kind ==
                                                ast::ModelMember::Kind::Param
                                            ? "parameter"
                                            : "member") +
                            " '" + s.name + "'; only 'state' members and "
                            "'var' locals can be reassigned");
      diags.note(member->nameRange, "'" + s.name + "' declared here");
      return;
    }
    if (!frame.stateAssignable) {
      fail(s.nameRange, "state '" + s.name + "' can only be assigned in "
                                             "'forward'");
      return;
    }
    memberVal = memberValue(frame.self, *member);
    target = &memberVal;
  } else if (!b) {
    fail(s.nameRange, "unknown name '" + s.name + "'; declare it with 'var " +
                          s.name + " = ...' first");
    return;
  } else if (b->kind != Binding::Kind::Var &&
             !(b->kind == Binding::Kind::State && frame.stateAssignable)) {
    fail(s.nameRange, "cannot assign to '" + s.name +
                          "'; it is not a 'var' (declare it with 'var " +
                          s.name + " = ...' to reassign it)");
    if (b->decl.isValid())
      diags.note(b->decl, "'" + s.name + "' declared here");
    return;
  }
  if (!sameType(*target, v)) {
    fail(s.value->range, "cannot assign " + v.typeStr() + " to '" + s.name +
                             "' of type " + target->typeStr());
    SourceRange decl = b ? b->decl : member->nameRange;
    if (decl.isValid())
      diags.note(decl,
                 "'" + s.name + "' declared here as " + target->typeStr());
    return;
  }
  if (emitter) {
    // Generated code follows the new value from here on.
    if (member && runtimeLoopDepth) {
      fail(s.nameRange, "code generation cannot yet assign state inside a "
                        "loop over a run-time size");
    } else if (member) {
      emitter->assignState(frame.self->path + s.name, v, s.range);
      memberCache[{frame.self.get(), member}] = v;
    } else if (target->isTensor() && !v.isTensor()) {
      fail(s.value->range, "code generation cannot yet assign a number to "
                           "tensor '" + s.name + "'; use full([...], v)");
    } else {
      b->value = v;
    }
    return;
  }
  // A compile-time scalar changed in a loop is no longer known afterwards.
  if (b && !target->isTensor() && !v.isError()) {
    b->value = v;
    if (frame.loopDepth) {
      b->value.dim = Dim::unknown();
      b->value.number.reset();
      b->value.flag.reset();
    }
  }
}
