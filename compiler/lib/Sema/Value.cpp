//===- Value.cpp - What Sema knows about an expression ---------------------===//
//
// Constructors and the user-facing spelling of values' types.
//
//===----------------------------------------------------------------------===//

#include "nnc/Sema/Value.h"
#include "nnc/AST/AST.h"
#include "llvm/ADT/StringSwitch.h"

using namespace nnc;
using namespace nnc::sema;

const char *sema::dtypeName(DType t) {
  static const char *names[] = {"f32", "f16", "bf16", "f64", "i32", "i64",
                                "bool"};
  return names[static_cast<int>(t)];
}

std::optional<DType> sema::parseDType(llvm::StringRef name) {
  return llvm::StringSwitch<std::optional<DType>>(name)
      .Case("f32", DType::F32)
      .Case("f16", DType::F16)
      .Case("bf16", DType::BF16)
      .Case("f64", DType::F64)
      .Case("i32", DType::I32)
      .Case("i64", DType::I64)
      .Case("bool", DType::Bool)
      .Default(std::nullopt);
}

Value Value::tensor(DType t, shape::Shape s) {
  Value v = of(Kind::Tensor);
  v.dtype = t;
  v.shape = std::move(s);
  return v;
}

Value Value::integer(shape::Dim d) {
  Value v = of(Kind::Int);
  v.dim = std::move(d);
  return v;
}

Value Value::floating(std::optional<double> x) {
  Value v = of(Kind::Float);
  v.number = x;
  return v;
}

Value Value::boolean(std::optional<bool> b) {
  Value v = of(Kind::Bool);
  v.flag = b;
  return v;
}

Value Value::string(std::optional<std::string> s) {
  Value v = of(Kind::Str);
  v.text = std::move(s);
  return v;
}

std::optional<double> Value::knownNumber() const {
  if (kind == Kind::Float)
    return number;
  if (auto i = knownInt())
    return static_cast<double>(*i);
  return std::nullopt;
}

std::string Value::typeStr() const {
  switch (kind) {
  case Kind::Error:
    return "<error>";
  case Kind::Tensor:
    return std::string(dtypeName(dtype)) + shape::shapeStr(shape);
  case Kind::Int:
    return "int";
  case Kind::Float:
    return "float";
  case Kind::Bool:
    return "bool";
  case Kind::Str:
    return "str";
  case Kind::None:
    return "None";
  case Kind::List:
  case Kind::Tuple: {
    std::string s = kind == Kind::List ? "[" : "(";
    for (size_t i = 0; i < elements.size(); ++i)
      s += (i ? ", " : "") + elements[i].typeStr();
    return s + (kind == Kind::List ? "]" : ")");
  }
  case Kind::Model:
    return "model " + model->decl->name;
  case Kind::ModelArray:
    return "array of model " + model->decl->name;
  case Kind::ModelDecl:
    return "model type " + modelDecl->name;
  case Kind::Function:
    return "function " + fn->name;
  case Kind::Builtin:
    return "function " + builtin;
  case Kind::Optimizer:
    return "optimizer " + optimizer->decl->name;
  case Kind::OptimizerDecl:
    return "optimizer type " + optimizerDecl->name;
  case Kind::Dataset:
    return "dataset";
  case Kind::Schedule:
    return "schedule " + builtin;
  }
  return "?";
}
