//===- ExportHeader.cpp - The C header of an exported model ---------------===//
//
// Reads the model descriptor (runtime/include/nnrt/abi.h) back to list the
// inputs and outputs in the header's comment, in the language's spelling
// (`f32[B, 1, 28, 28]`), so a C programmer knows what to pass without the
// .nn source. The declarations themselves are the same for every model.
//
//===----------------------------------------------------------------------===//

#include "nnc/Target/ExportHeader.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/JSON.h"

using namespace nnc;

/// `f32[B, 10]`: a dynamic dim by its symbol, else `B` at position 0 and
/// `N<k>` at k (as the runtime prints it).
static std::string typeString(const llvm::json::Object &arg) {
  std::string text = llvm::StringRef(arg.getString("dtype").value_or("?"))
                         .lower();
  text += "[";
  const llvm::json::Array *shape = arg.getArray("shape");
  for (size_t d = 0; shape && d < shape->size(); ++d) {
    const llvm::json::Value &dim = (*shape)[d];
    text += d ? ", " : "";
    if (auto symbol = dim.getAsString())
      text += symbol->str();
    else if (dim.getAsInteger().value_or(-1) >= 0)
      text += std::to_string(*dim.getAsInteger());
    else
      text += d == 0 ? "B" : "N" + std::to_string(d);
  }
  return text + "]";
}

/// Lists the entries of `list` whose role is `role`, one per line.
static void listArgs(const llvm::json::Array *list, llvm::StringRef role,
                     llvm::raw_ostream &os) {
  unsigned k = 0;
  for (const llvm::json::Value &v : list ? *list : llvm::json::Array()) {
    const llvm::json::Object *arg = v.getAsObject();
    if (!arg || arg->getString("role") != role)
      continue;
    os << "//   [" << k++ << "] "
       << arg->getString("name").value_or("?") << ": " << typeString(*arg)
       << "\n";
  }
}

/// The number of entries of `list` whose role is not `input`.
static unsigned countParams(const llvm::json::Array *list) {
  unsigned n = 0;
  for (const llvm::json::Value &v : list ? *list : llvm::json::Array())
    if (const llvm::json::Object *arg = v.getAsObject())
      n += arg->getString("role") != "input";
  return n;
}

bool nnc::writeExportHeader(llvm::StringRef descriptor, llvm::StringRef model,
                            llvm::StringRef prefix, llvm::raw_ostream &os,
                            llvm::raw_ostream &errs) {
  llvm::Expected<llvm::json::Value> json = llvm::json::parse(descriptor);
  const llvm::json::Object *root = json ? json->getAsObject() : nullptr;
  if (!root) {
    if (!json)
      llvm::consumeError(json.takeError());
    errs << "nnc: internal error: the model descriptor is not a JSON object\n";
    return false;
  }
  const llvm::json::Array *args = root->getArray("args");
  std::string guard = llvm::StringRef(prefix).upper() + "_H";
  os << "/* " << prefix << ".h - the model " << model
     << ", exported by nnc (generated; do not edit).\n"
     << "//\n"
     << "// Link with the shared library `nnc build --export` wrote beside "
        "this\n"
     << "// header; compile with -I pointing at nnc's runtime/include (for\n"
     << "// nnrt/embed.h and nnrt/nnrt.h), here " NNC_RUNTIME_INCLUDE_DIR ".\n"
     << "// Calls return NNRT_OK (0) or a status with the message in\n"
     << "// nnrt_last_error().\n"
     << "//\n"
     << "// Inputs of " << prefix
     << "_forward (nnrt_tensor, dense, in this order; a dim\n"
     << "// written as a name, such as B, takes any size, the same in every "
        "input):\n";
  listArgs(args, "input", os);
  os << "// Outputs (their data comes from nnrt_alloc: free it with "
        "nnrt_free):\n";
  listArgs(root->getArray("results"), "output", os);
  os << "// Parameters and states: " << countParams(args)
     << " tensors, initialized from the seed by " << prefix
     << "_create or\n// read from a safetensors checkpoint by " << prefix
     << "_load.\n*/\n\n"
     << "#ifndef " << guard << "\n#define " << guard << "\n\n"
     << "#include \"nnrt/embed.h\"\n\n"
     << "#ifdef __cplusplus\nextern \"C\" {\n#endif\n\n"
     << "/* A model with parameters initialized from `seed` (as `prog init "
        "--seed`). */\n"
     << "nnrt_status " << prefix
     << "_create(uint64_t seed, nnrt_model **out);\n\n"
     << "/* Replaces the parameters with a safetensors checkpoint's. */\n"
     << "nnrt_status " << prefix
     << "_load(nnrt_model *model, const char *path);\n\n"
     << "/* Runs the model: n_in inputs in, n_out outputs out (see above). "
        "*/\n"
     << "nnrt_status " << prefix
     << "_forward(nnrt_model *model, const nnrt_tensor *inputs,\n"
     << std::string(prefix.size() + 21, ' ')
     << "size_t n_in, nnrt_tensor *outputs, size_t n_out);\n\n"
     << "/* Frees the model; NULL is ignored. */\n"
     << "void " << prefix << "_destroy(nnrt_model *model);\n\n"
     << "#ifdef __cplusplus\n} /* extern \"C\" */\n#endif\n\n"
     << "#endif /* " << guard << " */\n";
  return true;
}
