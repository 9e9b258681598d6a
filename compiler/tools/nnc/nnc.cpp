//===- nnc.cpp - The nnc command line -------------------------------------===//
//
// Flags in, Driver calls out. The work runs on a thread with a large stack
// so that deeply nested (but accepted) input cannot overflow it. Exit codes:
// 0 ok, 1 diagnostics in the input, 2 usage error, 3 internal error.
//
//===----------------------------------------------------------------------===//

#include "nnc/AST/ASTPrinter.h"
#include "nnc/Driver/Codegen.h"
#include "nnc/Driver/MemoryReport.h"
#include "nnc/Driver/Frontend.h"
#include "nnc/MLIRGen/MLIRGen.h"
#include "nnc/Sema/Emitter.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/IR/Verifier.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"
#include <pthread.h>
#include <string>
#include <vector>

using namespace nnc;

static const char *kUsage = R"(nnc - the .nn neural-network compiler

usage:
  nnc check FILE...                 parse and check names, types and shapes
  nnc build FILE -o PROG            an executable: PROG predict, PROG init, ...
  nnc build FILE --export NAME -o libNAME.so
                                    a shared library and its C header NAME.h
  nnc emit FILE --emit STAGE [-o OUT]  print a stage of the compilation
  nnc --help | --version

options:
  -I DIR            add DIR to the import search path
  --stdlib DIR      use the stdlib in DIR (default: the one of this build)
  --no-stdlib       do not load the stdlib
  --emit STAGE      for 'emit': ast (syntax tree), nn (the nn dialect: the
                    forward pass, and a train block's loss, evaluation and
                    optimizer updates), grad (nn with the loss gradient),
                    linalg, mlir-llvm (LLVM dialect), llvm (LLVM IR), asm, obj
  -o FILE           write the output to FILE (default: standard output)
  --cpu NAME        target CPU for llvm/asm/obj: native (default) or an LLVM
                    CPU name such as x86-64-v3
  -O0 .. -O3        optimization level (default -O3)
  --train NAME      generate code for train block NAME (default: the only one)
  --model NAME      generate code for model NAME with default hyperparameters
  --export NAME     for 'build': a shared library exporting model NAME (with
                    default hyperparameters) or train block NAME's model as
                    name_create, name_load, name_forward, name_destroy
                    (name: NAME in lower case)
  --header PATH     for '--export': where to write the C header (default:
                    name.h beside the library)
  --locations       print IR with the .nn source location of every op
  --memory-report   for 'build' of a train block: print the memory one
                    training step holds at its peak, as planned (parameters,
                    optimizer state, batch, intermediates)

exit codes: 0 ok, 1 errors in the input, 2 usage error, 3 internal error
)";

namespace {
struct Invocation {
  std::string command;
  std::vector<std::string> files;
  std::string emit;
  sema::EmitRequest request;
  bool locations = false;
  bool memoryReport = false;
  std::string output;
  std::string exportName; ///< as given; codegen.exportName is the C prefix
  std::string header;
  CodegenOptions codegen;
  FrontendOptions opts;
};
} // namespace

static int usageError(const std::string &msg) {
  llvm::errs() << "nnc: error: " << msg << "\n"
               << "run 'nnc --help' for usage\n";
  return 2;
}

/// The C identifier the symbols of export `name` start with: `name` in lower
/// case, other characters than letters, digits and '_' replaced by '_'.
static std::string exportPrefix(const std::string &name) {
  std::string prefix;
  for (char c : name)
    prefix += llvm::isAlnum(c) ? llvm::toLower(c) : '_';
  return llvm::isDigit(prefix[0]) ? "_" + prefix : prefix;
}

/// Checks --export and --header; returns -1 to continue, or an exit code.
static int checkExportArgs(Invocation &inv) {
  if (inv.exportName.empty()) {
    if (!inv.header.empty())
      return usageError("'--header' needs '--export NAME'");
    return -1;
  }
  if (inv.command != "build")
    return usageError("'--export' is for 'build'");
  if (!inv.request.train.empty() || !inv.request.model.empty())
    return usageError("'--export NAME' names the model; drop '--train' and "
                      "'--model'");
  inv.codegen.exportName = exportPrefix(inv.exportName);
  if (inv.header.empty()) {
    llvm::SmallString<256> path(inv.output);
    llvm::sys::path::remove_filename(path);
    llvm::sys::path::append(path, inv.codegen.exportName + ".h");
    inv.header = std::string(path);
  }
  return -1;
}

/// Parses argv; returns -1 to continue, or an exit code.
static int parseArgs(int argc, char **argv, Invocation &inv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  if (args.empty())
    return usageError("no command given");
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string &a = args[i];
    auto value = [&](const char *flag) -> const std::string * {
      if (i + 1 < args.size())
        return &args[++i];
      usageError(std::string("'") + flag + "' needs a value");
      return nullptr;
    };
    if (a == "--help" || a == "-h") {
      llvm::outs() << kUsage;
      return 0;
    }
    if (a == "--version") {
      llvm::outs() << "nnc " NNC_VERSION " (LLVM/MLIR 19)\n";
      return 0;
    }
    if (a.size() == 3 && a.rfind("-O", 0) == 0 && a[2] >= '0' && a[2] <= '3') {
      inv.codegen.optLevel = a[2] - '0';
      continue;
    }
    if (a == "-o" || a == "--cpu" || a == "--export" || a == "--header") {
      const std::string *v = value(a.c_str());
      if (!v)
        return 2;
      (a == "-o"         ? inv.output
       : a == "--cpu"    ? inv.codegen.cpu
       : a == "--export" ? inv.exportName
                         : inv.header) = *v;
      continue;
    }
    if (a == "--train" || a == "--model") {
      const std::string *v = value(a.c_str());
      if (!v)
        return 2;
      (a == "--train" ? inv.request.train : inv.request.model) = *v;
      continue;
    }
    if (a == "-I" || a == "--stdlib" || a == "--emit") {
      const std::string *v = value(a.c_str());
      if (!v)
        return 2;
      if (a == "-I")
        inv.opts.includeDirs.push_back(*v);
      else if (a == "--stdlib")
        inv.opts.stdlibDir = *v;
      else
        inv.emit = *v;
    } else if (a.rfind("-I", 0) == 0) {
      inv.opts.includeDirs.push_back(a.substr(2));
    } else if (a.rfind("--emit=", 0) == 0) {
      inv.emit = a.substr(7);
    } else if (a == "--locations") {
      inv.locations = true;
    } else if (a == "--memory-report") {
      inv.memoryReport = true;
    } else if (a == "--no-stdlib") {
      inv.opts.useStdlib = false;
    } else if (!a.empty() && a[0] == '-' && a != "-") {
      return usageError("unknown option '" + a + "'");
    } else if (inv.command.empty()) {
      inv.command = a;
    } else {
      inv.files.push_back(a);
    }
  }
  if (inv.command != "check" && inv.command != "emit" &&
      inv.command != "build")
    return usageError("unknown command '" + inv.command +
                      "' (available: check, build, emit)");
  if (inv.command == "build" && inv.output.empty())
    return usageError("'build' needs -o OUTPUT");
  if (inv.command == "build" && inv.files.size() != 1)
    return usageError("'build' takes one file");
  if (inv.memoryReport && (inv.command != "build" || !inv.exportName.empty()))
    return usageError("'--memory-report' is for 'build' of a program");
  if (inv.files.empty())
    return usageError("'" + inv.command + "' needs a .nn file");
  if (int rc = checkExportArgs(inv); rc >= 0)
    return rc;
  if (inv.command == "emit") {
    if (inv.emit.empty())
      return usageError("'emit' needs --emit STAGE (available: ast, nn, "
                        "grad, linalg, mlir-llvm, llvm, asm, obj)");
    if (inv.emit != "ast" && !parseStage(inv.emit))
      return usageError("unknown stage '" + inv.emit +
                        "' (available: ast, nn, grad, linalg, mlir-llvm, llvm, "
                        "asm, obj)");
    if (inv.files.size() != 1)
      return usageError("'emit' takes one file");
  }
  return -1;
}

static int reportErrors(Frontend &fe) {
  unsigned n = fe.diagnostics().numErrors();
  llvm::errs() << n << (n == 1 ? " error" : " errors") << " generated.\n";
  return 1;
}

/// The train block to generate code for when none is named: the only one
/// in the files given on the command line.
static bool defaultRequest(Frontend &fe, sema::EmitRequest &req) {
  if (!req.train.empty() || !req.model.empty())
    return true;
  std::vector<std::string> names;
  for (const LoadedModule &m : fe.modules())
    if (!m.isStdlib)
      for (const auto &t : m.module->trains)
        names.push_back(t->name);
  if (names.size() == 1) {
    req.train = names[0];
    return true;
  }
  usageError(names.empty() ? "no train block to generate code for; name a "
                             "model with --model NAME"
                           : "several train blocks; choose one with --train "
                             "NAME");
  return false;
}

/// What `--export NAME` generates: train block NAME's model if the files
/// given define such a block, else model NAME.
static sema::EmitRequest exportRequest(Frontend &fe, const std::string &name) {
  sema::EmitRequest req;
  for (const LoadedModule &m : fe.modules())
    if (!m.isStdlib)
      for (const auto &t : m.module->trains)
        if (t->name == name)
          req.train = name;
  if (req.train.empty())
    req.model = name;
  return req;
}

/// Reports the errors passes attach to ops (an op without a gradient) like
/// the front end's, at the .nn source line the op came from.
static mlir::LogicalResult reportPassError(Frontend &fe,
                                           mlir::Diagnostic &diag) {
  if (diag.getSeverity() != mlir::DiagnosticSeverity::Error)
    return mlir::failure(); // to MLIR's default handler
  auto at = mlir::dyn_cast<mlir::FileLineColLoc>(diag.getLocation());
  uint32_t file = at ? fe.sources().findFile(at.getFilename().strref()) : 0;
  if (!file) {
    fe.diagnostics().errorNoLoc(diag.str());
    return mlir::success();
  }
  SourceLoc loc = fe.sources().locAt(file, at.getLine(), at.getColumn());
  fe.diagnostics().error(SourceRange(loc), diag.str());
  return mlir::success();
}

static int emitIR(Frontend &fe, Invocation &inv) {
  if (!inv.exportName.empty())
    inv.request = exportRequest(fe, inv.exportName);
  if (!defaultRequest(fe, inv.request))
    return 2;
  // A program (not a library) built from a train block also trains.
  inv.request.withTraining = inv.exportName.empty();
  mlir::MLIRContext ctx;
  mlir::ScopedDiagnosticHandler passErrors(
      &ctx, [&](mlir::Diagnostic &d) { return reportPassError(fe, d); });
  mlir::OwningOpRef<mlir::ModuleOp> module = generateForward(
      ctx, fe.semaModules(), fe.sources(), fe.diagnostics(), inv.request);
  if (!module)
    return reportErrors(fe);
  if (mlir::failed(mlir::verify(*module))) {
    llvm::errs() << "nnc: internal error: the generated IR does not verify\n";
    return 3;
  }
  if (inv.command == "build" && !inv.exportName.empty())
    return buildLibrary(*module, inv.codegen, inv.exportName, inv.output,
                        inv.header, llvm::errs())
               ? 0
               : 1;
  if (inv.command == "build" && inv.memoryReport) {
    if (int rc = reportStepMemory(*module, llvm::outs(), llvm::errs()))
      return rc;
  }
  if (inv.command == "build")
    return buildExecutable(*module, inv.codegen, inv.output, llvm::errs()) ? 0
                                                                           : 1;
  std::error_code ec;
  std::optional<llvm::raw_fd_ostream> file;
  if (!inv.output.empty()) {
    file.emplace(inv.output, ec);
    if (ec) {
      llvm::errs() << "nnc: error: cannot write '" << inv.output
                   << "': " << ec.message() << "\n";
      return 1;
    }
  }
  llvm::raw_pwrite_stream &os =
      file ? static_cast<llvm::raw_pwrite_stream &>(*file) : llvm::outs();
  if (!emitStage(*module, *parseStage(inv.emit), inv.codegen, inv.locations,
                 os, llvm::errs()))
    return fe.diagnostics().hasErrors() ? 1 : 3;
  return 0;
}

static int runInvocation(Invocation &inv) {
  Frontend fe(inv.opts, llvm::errs());
  bool ok = true;
  for (const std::string &f : inv.files)
    ok &= fe.loadFile(f);
  if (ok && inv.command == "emit" && inv.emit == "ast") {
    for (const LoadedModule &m : fe.modules())
      if (!m.isStdlib && m.module->file == 1)
        ast::printModule(*m.module, fe.sources(), llvm::outs());
    return 0;
  }
  if (ok)
    ok = fe.check();
  if (ok && inv.command != "check")
    return emitIR(fe, inv);
  if (!ok)
    return reportErrors(fe);
  return 0;
}

namespace {
struct ThreadArgs {
  int argc;
  char **argv;
  int result;
};
} // namespace

static void *threadMain(void *p) {
  auto *t = static_cast<ThreadArgs *>(p);
  Invocation inv;
  int rc = parseArgs(t->argc, t->argv, inv);
  t->result = rc >= 0 ? rc : runInvocation(inv);
  return nullptr;
}

int main(int argc, char **argv) {
  // Parsing and checking recurse over the tree; give them room (the memory
  // is reserved, not committed).
  pthread_attr_t attr;
  pthread_attr_init(&attr);
  pthread_attr_setstacksize(&attr, size_t(1) << 30);
  ThreadArgs t{argc, argv, 3};
  pthread_t thread;
  if (pthread_create(&thread, &attr, threadMain, &t) != 0)
    threadMain(&t);
  else
    pthread_join(thread, nullptr);
  llvm::outs().flush();
  return t.result;
}
