//===- nnc-fuzz.cpp - libFuzzer entry point for the front end -------------===//
//
// Feeds arbitrary bytes through the whole front end (scanner, parser, AST,
// Sema with the real stdlib). Any crash, sanitizer report, leak or timeout
// is a bug: bad input must only ever produce diagnostics.
//
//===----------------------------------------------------------------------===//

#include "nnc/Driver/Frontend.h"
#include "llvm/Support/raw_ostream.h"
#include <cstddef>
#include <cstdint>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  std::string errors;
  llvm::raw_string_ostream os(errors);
  nnc::Frontend fe(nnc::FrontendOptions(), os);
  if (fe.loadBuffer("fuzz.nn",
                    std::string(reinterpret_cast<const char *>(data), size)))
    fe.check();
  return 0;
}
