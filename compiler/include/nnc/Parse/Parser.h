//===- Parser.h - Source text to AST -----------------------------*- C++ -*-===//
//
// Runs the source scanner, the ANTLR-generated parser and the parse-tree to
// AST conversion. Syntax errors are reported through the diagnostics engine
// in plain words; ANTLR's console output is never shown.
//
//===----------------------------------------------------------------------===//

#ifndef NNC_PARSE_PARSER_H
#define NNC_PARSE_PARSER_H

#include "nnc/AST/AST.h"
#include <memory>

namespace nnc {
class DiagnosticEngine;

/// Parses file `fileId` of `sm`. Returns null after reporting errors.
std::unique_ptr<ast::Module> parseFile(const SourceManager &sm,
                                       uint32_t fileId,
                                       DiagnosticEngine &diags);

} // namespace nnc

#endif // NNC_PARSE_PARSER_H
