//===- main.cpp - The entry point of programs nnc builds ------------------===//
//
// The only `main` in the runtime, in its own library (nnrt_main) so that the
// driver can be linked into tests, which have their own main. Programs link
// the generated object, nnrt_main and nnrt, in that order.
//
//===----------------------------------------------------------------------===//

#include "nnrt/abi.h"

int main(int argc, char **argv) { return nnrt_main(argc, argv); }
