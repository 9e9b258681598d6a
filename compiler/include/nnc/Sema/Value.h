//===- Value.h - What Sema knows about an expression -------------*- C++ -*-===//
//
// Sema evaluates every expression to a Value: a tensor type (dtype + shape
// with symbolic dims), a compile-time scalar (int dims may be symbolic, other
// scalars may be unknown in generic code), a list or tuple, or a reference to
// a model instance, function, optimizer or dataset. One evaluator thus does
// both type checking and constant folding of hyperparameter arithmetic.
//
//===----------------------------------------------------------------------===//

#ifndef NNC_SEMA_VALUE_H
#define NNC_SEMA_VALUE_H

#include "nnc/Shape/Shape.h"
#include "llvm/ADT/StringRef.h"
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace nnc::ast {
struct FnDecl;
struct ModelDecl;
struct OptimizerDecl;
} // namespace nnc::ast

namespace nnc::sema {

enum class DType { F32, F16, BF16, F64, I32, I64, Bool };
const char *dtypeName(DType t);
std::optional<DType> parseDType(llvm::StringRef name);
inline bool isFloatType(DType t) {
  return t == DType::F32 || t == DType::F16 || t == DType::BF16 ||
         t == DType::F64;
}

struct Value;

/// A model with its hyperparameters bound (values may be symbolic).
struct ModelInstance {
  const ast::ModelDecl *decl = nullptr;
  std::map<std::string, Value> hyper;
  /// Checkpoint-name prefix of its members: "" for the trained model,
  /// "fc1." for its sub-model fc1, "blocks.2." for an array element.
  std::string path;
};

/// An optimizer with its hyperparameters and (once attached) its model.
struct OptimizerInstance {
  const ast::OptimizerDecl *decl = nullptr;
  std::map<std::string, Value> hyper;
  std::shared_ptr<ModelInstance> model;
};

/// Where a csv or npy Dataset reads its examples, beyond its reader
/// (`builtin`) and x file (`text`, an absolute path).
struct DataSource {
  std::string label;    ///< csv: the label column
  std::string yPath;    ///< npy: the labels file (absolute)
  bool classes = false; ///< csv: labels are class indices (i32)
  double test = 0.2;    ///< the fraction of examples held out for testing
};

struct Value {
  enum class Kind {
    Error, ///< already reported; silences follow-up errors
    Tensor, Int, Float, Bool, Str, None, List, Tuple,
    Model, ModelArray, ModelDecl, Function, Builtin, Optimizer,
    OptimizerDecl, Dataset, Schedule
  };
  Kind kind = Kind::Error;
  DType dtype = DType::F32;
  shape::Shape shape;                          ///< Tensor
  shape::Dim dim = shape::Dim::unknown();      ///< Int value; ModelArray count
  std::optional<double> number;                ///< Float
  std::optional<bool> flag;                    ///< Bool
  std::optional<std::string> text;             ///< Str
  std::vector<Value> elements;                 ///< List, Tuple
  std::shared_ptr<ModelInstance> model;        ///< Model, ModelArray, method owner
  const ast::ModelDecl *modelDecl = nullptr;   ///< ModelDecl
  const ast::FnDecl *fn = nullptr;             ///< Function
  std::string builtin;                         ///< Builtin name; Dataset reader
  ///< (`idx`, `csv`, `npy`), whose path is `text`
  std::shared_ptr<DataSource> source;          ///< Dataset: csv and npy
  std::shared_ptr<OptimizerInstance> optimizer;
  const ast::OptimizerDecl *optimizerDecl = nullptr;
  /// Dataset: the element types of one batch, x and y.
  std::shared_ptr<std::pair<Value, Value>> batch;
  /// Named numbers: a Schedule's settings (named by `builtin`; every one
  /// given or defaulted, in declaration order); a Dataset's augmentation.
  std::vector<std::pair<std::string, double>> settings;
  /// The code generator's handle for this value (an Emitter's; -1: none).
  int64_t ir = -1;

  static Value error() { return {}; }
  static Value tensor(DType t, shape::Shape s);
  static Value integer(shape::Dim d);
  static Value integer(int64_t v) { return integer(shape::Dim::known(v)); }
  static Value floating(std::optional<double> v);
  static Value boolean(std::optional<bool> v);
  static Value string(std::optional<std::string> v);
  static Value none() { return of(Kind::None); }
  static Value of(Kind k) {
    Value v;
    v.kind = k;
    return v;
  }

  bool isError() const { return kind == Kind::Error; }
  bool isTensor() const { return kind == Kind::Tensor; }
  /// A compile-time int or float (usable where a scalar tensor is).
  bool isNumber() const { return kind == Kind::Int || kind == Kind::Float; }
  /// The number's value when known (ints converted).
  std::optional<double> knownNumber() const;
  /// The int's value when known.
  std::optional<int64_t> knownInt() const {
    if (kind == Kind::Int && dim.isKnown())
      return dim.value();
    return std::nullopt;
  }
  /// The type as a user reads it: `f32[B, 784]`, `int`, `model Dense`, ...
  std::string typeStr() const;
};

} // namespace nnc::sema

#endif // NNC_SEMA_VALUE_H
