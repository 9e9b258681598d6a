//===- Sema.cpp - Names, types and shapes of a whole program --------------===//
//
// The entry point: collects the global declarations of every module (user
// declarations shadow stdlib ones; duplicates within either are errors) and
// checks each declaration once.
//
//===----------------------------------------------------------------------===//

#include "Checker.h"
#include "llvm/ADT/STLExtras.h"

using namespace nnc;
using namespace nnc::sema;

static const char *kindWord(const Checker::Global &g) {
  return g.model ? "model" : g.fn ? "function" : g.optimizer ? "optimizer"
                                                             : "constant";
}

void Checker::collectGlobals(llvm::ArrayRef<SemaModule> modules) {
  auto add = [&](const std::string &name, Global g) {
    if (g.isStdlib)
      stdlibGlobals.try_emplace(name, g); // a duplicate is reported below
    auto [it, inserted] = globals.try_emplace(name, g);
    if (inserted)
      return;
    if (it->second.isStdlib && !g.isStdlib) {
      it->second = g; // a user declaration shadows the stdlib's
      return;
    }
    if (!it->second.isStdlib && g.isStdlib)
      return;
    diags.error(g.nameRange, llvm::Twine("redefinition of '") + name + "'");
    diags.note(it->second.nameRange,
               llvm::Twine("previous definition of ") + kindWord(it->second) +
                   " '" + name + "' is here");
  };
  for (const SemaModule &sm : modules) {
    const ast::Module &m = *sm.module;
    if (sm.isStdlib)
      stdlibFiles.insert(m.file);
    std::vector<std::pair<std::string, Global>> decls;
    for (const auto &c : m.consts)
      decls.push_back(
          {c->name,
           {nullptr, nullptr, nullptr, c.get(), c->nameRange, sm.isStdlib}});
    for (const auto &d : m.models)
      decls.push_back(
          {d->name,
           {d.get(), nullptr, nullptr, nullptr, d->nameRange, sm.isStdlib}});
    for (const auto &f : m.functions)
      decls.push_back(
          {f->name,
           {nullptr, f.get(), nullptr, nullptr, f->nameRange, sm.isStdlib}});
    for (const auto &o : m.optimizers)
      decls.push_back(
          {o->name,
           {nullptr, nullptr, o.get(), nullptr, o->nameRange, sm.isStdlib}});
    // In source order, so that the later of two definitions is the one
    // reported as the redefinition.
    llvm::sort(decls, [](const auto &a, const auto &b) {
      return a.second.nameRange.begin.offset < b.second.nameRange.begin.offset;
    });
    for (const auto &[name, g] : decls)
      add(name, g);
  }
}

void Checker::run(llvm::ArrayRef<SemaModule> modules) {
  collectGlobals(modules);
  std::set<std::string> trainNames;
  for (const SemaModule &sm : modules) {
    const ast::Module &m = *sm.module;
    for (const auto &c : m.consts)
      constValue(*c);
    for (const auto &d : m.models)
      checkModel(*d);
    for (const auto &f : m.functions)
      inEnv(nullptr, [&] { checkBody(*f, signature(*f, nullptr)); });
    for (const auto &o : m.optimizers)
      checkOptimizer(*o);
    for (const auto &t : m.trains) {
      if (!trainNames.insert(t->name).second)
        diags.error(t->nameRange, "redefinition of train block '" + t->name +
                                      "'");
      checkTrain(*t);
    }
    if (diags.tooManyErrors())
      return;
  }
}

bool nnc::checkProgram(llvm::ArrayRef<SemaModule> modules,
                       const SourceManager &sm, DiagnosticEngine &diags) {
  unsigned before = diags.numErrors();
  sema::Checker(sm, diags).run(modules);
  return diags.numErrors() == before;
}
