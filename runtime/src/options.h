//===- options.h - The generated program's command line ---------*- C++ -*-===//
//
// The flags of every driver command, parsed and range-checked: which
// command takes which flag, values that must be integers >= 1 or positive
// numbers, flags given twice. What the flags mean, and the defaults the
// train section supplies for those left out, are the commands' business.
//
//===----------------------------------------------------------------------===//

#ifndef NNRT_SRC_OPTIONS_H
#define NNRT_SRC_OPTIONS_H

#include <cstdint>
#include <string>
#include <vector>

namespace nnrt {

/// The command line, parsed. A count of 0, an empty string or a false
/// has* flag means the flag was not given.
struct Options {
  std::string command;
  std::string load, output, save, data, log;
  uint64_t seed = 0;
  bool hasSeed = false;
  int64_t epochs = 0, steps = 0, batch = 0;
  double lr = 0;
  bool hasLr = false;
  bool noShuffle = false;
  std::vector<std::string> inputs; ///< the arguments that are not flags
};

/// Whether \p command is one the driver knows.
bool isCommand(const std::string &command);

/// Parses argv[2..] into \p opts (whose command is set); returns an error
/// message for the usage error, or "".
std::string parseFlags(int argc, char **argv, Options &opts);

} // namespace nnrt

#endif // NNRT_SRC_OPTIONS_H
