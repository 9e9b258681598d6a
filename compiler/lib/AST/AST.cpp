//===- AST.cpp - The .nn abstract syntax tree ------------------------------===//
//
// Small helpers on AST nodes; the nodes themselves are plain structs.
//
//===----------------------------------------------------------------------===//

#include "nnc/AST/AST.h"
#include "llvm/Support/ErrorHandling.h"

using namespace nnc::ast;

const char *nnc::ast::spelling(BinaryOp op) {
  switch (op) {
  case BinaryOp::Pow: return "**";
  case BinaryOp::Mul: return "*";
  case BinaryOp::Div: return "/";
  case BinaryOp::Mod: return "%";
  case BinaryOp::Matmul: return "@";
  case BinaryOp::Add: return "+";
  case BinaryOp::Sub: return "-";
  case BinaryOp::Eq: return "==";
  case BinaryOp::Ne: return "!=";
  case BinaryOp::Lt: return "<";
  case BinaryOp::Le: return "<=";
  case BinaryOp::Gt: return ">";
  case BinaryOp::Ge: return ">=";
  case BinaryOp::And: return "&&";
  case BinaryOp::Or: return "||";
  case BinaryOp::Pipe: return "|>";
  }
  llvm_unreachable("unknown binary operator");
}
