//===- ASTPrinter.h - Readable dump of the AST -------------------*- C++ -*-===//
//
// `nnc emit FILE --emit ast`: one node per line, indented by depth, each with
// its kind, its salient fields and its `line:col` — stable, so tests can
// FileCheck it.
//
//===----------------------------------------------------------------------===//

#ifndef NNC_AST_ASTPRINTER_H
#define NNC_AST_ASTPRINTER_H

namespace llvm {
class raw_ostream;
}

namespace nnc {
class SourceManager;
namespace ast {
struct Module;
/// Prints `m` to `os`.
void printModule(const Module &m, const SourceManager &sm, llvm::raw_ostream &os);
} // namespace ast
} // namespace nnc

#endif // NNC_AST_ASTPRINTER_H
