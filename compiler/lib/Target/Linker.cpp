//===- Linker.cpp - Linking generated objects with the runtime ------------===//
//
// Executables link the object with nnrt_main and nnrt; shared libraries
// (`--export`) with nnrt alone and -shared. The runtime's static libraries
// are found in this build (paths set by CMake), or in NNC_RUNTIME_DIR when
// set; the linker driver is the first of clang++-19, c++, g++ on the PATH.
//
//===----------------------------------------------------------------------===//

#include "nnc/Target/Linker.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Program.h"

using namespace nnc;

/// The runtime archives, `main` first so its undefined symbols resolve
/// against the library after it.
static std::vector<std::string> runtimeLibraries() {
  std::vector<std::string> libs;
  if (const char *dir = std::getenv("NNC_RUNTIME_DIR")) {
    for (const char *name : {"libnnrt_main.a", "libnnrt.a"}) {
      llvm::SmallString<256> p(dir);
      llvm::sys::path::append(p, name);
      libs.push_back(std::string(p));
    }
    return libs;
  }
  return {NNC_RUNTIME_MAIN_LIB, NNC_RUNTIME_LIB};
}

/// Runs the first C++ compiler driver found on `object`, `libs` and `flags`
/// to produce `output`.
static bool link(const std::string &object,
                 const std::vector<std::string> &libs,
                 const std::vector<std::string> &flags,
                 const std::string &output, llvm::raw_ostream &errs) {
  std::string driver;
  for (const char *name : {"clang++-19", "c++", "g++"})
    if (auto p = llvm::sys::findProgramByName(name)) {
      driver = *p;
      break;
    }
  if (driver.empty()) {
    errs << "nnc: error: no C++ compiler driver (clang++-19, c++ or g++) on "
            "the PATH to link with\n";
    return false;
  }
  for (const std::string &lib : libs)
    if (!llvm::sys::fs::exists(lib)) {
      errs << "nnc: error: the runtime library '" << lib
           << "' is missing (build the 'nnrt' targets, or set "
              "NNC_RUNTIME_DIR)\n";
      return false;
    }
  std::vector<std::string> argv{driver, object};
  argv.insert(argv.end(), libs.begin(), libs.end());
  argv.insert(argv.end(), flags.begin(), flags.end());
  // The runtime's kernels run on a thread pool.
  for (const char *a : {"-lm", "-pthread", "-o"})
    argv.push_back(a);
  argv.push_back(output);
  llvm::SmallVector<llvm::StringRef> refs(argv.begin(), argv.end());
  std::string message;
  int rc = llvm::sys::ExecuteAndWait(driver, refs, std::nullopt, {}, 0, 0,
                                     &message);
  if (rc == 0)
    return true;
  errs << "nnc: error: linking '" << output << "' failed"
       << (message.empty() ? "" : ": " + message) << "\n";
  return false;
}

bool nnc::linkExecutable(const std::string &object, const std::string &output,
                         llvm::raw_ostream &errs) {
  return link(object, runtimeLibraries(), {}, output, errs);
}

bool nnc::linkSharedLibrary(const std::string &object,
                            const std::string &output,
                            const std::string &exportName,
                            llvm::raw_ostream &errs) {
  // Only the model's API and the runtime's C API are exported: the runtime's
  // C++ internals stay local, so libraries built by other nnc versions can
  // share a program.
  llvm::SmallString<128> script;
  int fd;
  if (llvm::sys::fs::createTemporaryFile("nnc", "map", fd, script)) {
    errs << "nnc: error: cannot create a temporary version script\n";
    return false;
  }
  {
    llvm::raw_fd_ostream os(fd, /*shouldClose=*/true);
    os << "{ global: " << exportName << "_*; nnrt_*; local: *; };\n";
  }
  // The runtime without `main`; it is built position-independent.
  std::vector<std::string> libs{runtimeLibraries().back()};
  bool ok = link(object, libs,
                 {"-shared", "-Wl,--version-script=" + std::string(script)},
                 output, errs);
  llvm::sys::fs::remove(script);
  return ok;
}
