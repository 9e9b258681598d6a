//===- nnc-fuzz.cpp - libFuzzer entry point for the front end -------------===//
//
// Feeds arbitrary bytes through the whole front end (scanner, parser, AST,
// Sema with the real stdlib). Any crash, sanitizer report, leak or timeout
// is a bug: bad input must only ever produce diagnostics. The stdlib is not
// loaded: re-parsing it for every input would cut the executions per second
// by two orders of magnitude, and the seed corpus holds the stdlib files.
//
//===----------------------------------------------------------------------===//

#include "nnc/Driver/Frontend.h"
#include "llvm/Support/raw_ostream.h"
#include <cstddef>
#include <cstdint>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  std::string errors;
  llvm::raw_string_ostream os(errors);
  nnc::FrontendOptions opts;
  opts.useStdlib = false;
  nnc::Frontend fe(opts, os);
  if (fe.loadBuffer("fuzz.nn",
                    std::string(reinterpret_cast<const char *>(data), size)))
    fe.check();
  return 0;
}
