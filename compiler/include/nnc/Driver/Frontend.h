//===- Frontend.h - Loading and checking a program ---------------*- C++ -*-===//
//
// The front half of the pipeline as a library call: read the named files,
// follow their imports (relative to the importing file, then the -I paths,
// then the stdlib directory), load the stdlib, parse everything and run Sema.
// The CLI (tools/nnc) and the fuzzer drive it.
//
//===----------------------------------------------------------------------===//

#ifndef NNC_DRIVER_FRONTEND_H
#define NNC_DRIVER_FRONTEND_H

#include "nnc/AST/AST.h"
#include "nnc/Sema/Sema.h"
#include "nnc/Support/Diagnostics.h"
#include "nnc/Support/SourceManager.h"
#include <memory>
#include <set>
#include <string>
#include <vector>

namespace nnc {

struct FrontendOptions {
  std::vector<std::string> includeDirs;
  /// Where the stdlib's .nn files are; empty: the built-in default.
  std::string stdlibDir;
  bool useStdlib = true;
};

/// A parsed file and whether it belongs to the stdlib (user declarations
/// shadow stdlib ones of the same name).
struct LoadedModule {
  std::unique_ptr<ast::Module> module;
  bool isStdlib = false;
};

class Frontend {
public:
  Frontend(FrontendOptions opts, llvm::raw_ostream &errs);
  ~Frontend();

  /// Reads and parses `path` and everything it imports.
  bool loadFile(const std::string &path);
  /// Parses `text` as if read from `name` (the fuzzer's entry point).
  bool loadBuffer(const std::string &name, std::string text);
  /// Loads the stdlib, then runs Sema on every loaded module.
  bool check();

  const std::vector<LoadedModule> &modules() const { return loaded; }
  /// The loaded modules as Sema takes them.
  std::vector<SemaModule> semaModules() const;
  SourceManager &sources() { return sm; }
  DiagnosticEngine &diagnostics() { return diags; }
  /// The default stdlib directory of this build.
  static std::string defaultStdlibDir();

private:
  bool loadResolved(const std::string &path, bool isStdlib,
                    const ast::ImportDecl *from);
  bool parseAndFollow(uint32_t fileId, bool isStdlib);
  std::string resolveImport(const std::string &spec, uint32_t fromFile);

  FrontendOptions opts;
  SourceManager sm;
  DiagnosticEngine diags;
  std::vector<LoadedModule> loaded;
  std::vector<std::string> loading; ///< the import chain, for cycle reports
  std::set<std::string> seenFiles;  ///< canonical paths already loaded
};

} // namespace nnc

#endif // NNC_DRIVER_FRONTEND_H
