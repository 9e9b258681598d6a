//===- Frontend.cpp - Loading and checking a program ----------------------===//
//
// File loading with import resolution and cycle detection, then Sema. Each
// file is read once, however many files import it.
//
//===----------------------------------------------------------------------===//

#include "nnc/Driver/Frontend.h"
#include "nnc/Parse/Parser.h"
#include "nnc/Sema/Sema.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include <algorithm>

using namespace nnc;

/// Files larger than this are refused before reading: a .nn program is text
/// written by people (the largest example is a few KiB), and the limit keeps
/// a wrong path (a dataset, a binary) from costing seconds and memory.
static constexpr uint64_t kMaxFileBytes = 1u << 20;

Frontend::Frontend(FrontendOptions o, llvm::raw_ostream &errs)
    : opts(std::move(o)), diags(sm, errs) {
  if (opts.stdlibDir.empty())
    opts.stdlibDir = defaultStdlibDir();
}

Frontend::~Frontend() = default;

std::string Frontend::defaultStdlibDir() {
  if (const char *env = std::getenv("NNC_STDLIB_DIR"))
    return env;
  return NNC_STDLIB_DIR;
}

static std::string canonical(const std::string &path) {
  llvm::SmallString<256> real;
  if (llvm::sys::fs::real_path(path, real))
    return path;
  return std::string(real);
}

bool Frontend::loadFile(const std::string &path) {
  return loadResolved(path, /*isStdlib=*/false, nullptr);
}

bool Frontend::loadBuffer(const std::string &name, std::string text) {
  return parseAndFollow(sm.addFile(name, std::move(text)), false);
}

bool Frontend::loadResolved(const std::string &path, bool isStdlib,
                            const ast::ImportDecl *from) {
  std::string key = canonical(path);
  auto cycleStart = std::find(loading.begin(), loading.end(), key);
  if (cycleStart != loading.end()) {
    std::string chain;
    for (auto it = cycleStart; it != loading.end(); ++it)
      chain += llvm::sys::path::filename(*it).str() + " -> ";
    chain += llvm::sys::path::filename(key).str();
    diags.error(from->range, "import cycle: " + chain);
    return false;
  }
  if (!seenFiles.insert(key).second)
    return true; // already loaded through another import
  auto report = [&](const llvm::Twine &msg) {
    if (from)
      diags.error(from->range, msg);
    else
      diags.errorNoLoc(msg);
    return false;
  };
  if (llvm::sys::fs::is_directory(path))
    return report("'" + path + "' is a directory, not a .nn file");
  uint64_t size = 0;
  if (!llvm::sys::fs::file_size(path, size) && size > kMaxFileBytes)
    return report("'" + path + "' is too large for a .nn source file (" +
                  llvm::Twine(size >> 10) + " KiB; the limit is 1024 KiB)");
  auto buf = llvm::MemoryBuffer::getFile(path, /*IsText=*/false,
                                         /*RequiresNullTerminator=*/false);
  if (!buf)
    return report("cannot open '" + path + "': " + buf.getError().message());
  // Diagnostics name files as the user wrote them; the key detects repeats.
  uint32_t id = sm.addFile(path, (*buf)->getBuffer().str());
  loading.push_back(key);
  bool ok = parseAndFollow(id, isStdlib);
  loading.pop_back();
  return ok;
}

bool Frontend::parseAndFollow(uint32_t fileId, bool isStdlib) {
  auto module = parseFile(sm, fileId, diags);
  if (!module)
    return false;
  bool ok = true;
  for (const ast::ImportDecl &imp : module->imports) {
    std::string path = resolveImport(imp.path, fileId);
    if (path.empty()) {
      diags.error(imp.range, "cannot find imported file '" + imp.path +
                                 "' (searched next to this file, the -I "
                                 "directories and the stdlib)");
      ok = false;
      continue;
    }
    ok &= loadResolved(path, isStdlib, &imp);
  }
  loaded.push_back({std::move(module), isStdlib});
  return ok;
}

std::string Frontend::resolveImport(const std::string &spec,
                                    uint32_t fromFile) {
  std::vector<std::string> dirs;
  llvm::SmallString<256> here(sm.fileName(fromFile));
  llvm::sys::path::remove_filename(here);
  dirs.push_back(here.empty() ? "." : std::string(here));
  dirs.insert(dirs.end(), opts.includeDirs.begin(), opts.includeDirs.end());
  dirs.push_back(opts.stdlibDir);
  for (const std::string &d : dirs) {
    llvm::SmallString<256> p(d);
    llvm::sys::path::append(p, spec);
    if (llvm::sys::fs::is_regular_file(p))
      return std::string(p);
  }
  return {};
}

std::vector<SemaModule> Frontend::semaModules() const {
  std::vector<SemaModule> mods;
  for (const LoadedModule &m : loaded)
    mods.push_back({m.module.get(), m.isStdlib});
  return mods;
}

bool Frontend::check() {
  if (opts.useStdlib) {
    std::error_code ec;
    std::vector<std::string> files;
    for (llvm::sys::fs::directory_iterator it(opts.stdlibDir, ec), end;
         it != end && !ec; it.increment(ec))
      if (llvm::StringRef(it->path()).ends_with(".nn"))
        files.push_back(it->path());
    if (ec || files.empty()) {
      diags.errorNoLoc("cannot read the stdlib in '" + opts.stdlibDir +
                       "' (set NNC_STDLIB_DIR or pass --stdlib DIR)");
      return false;
    }
    std::sort(files.begin(), files.end());
    for (const std::string &f : files)
      loadResolved(f, /*isStdlib=*/true, nullptr);
  }
  if (diags.hasErrors())
    return false;
  return checkProgram(semaModules(), sm, diags);
}
