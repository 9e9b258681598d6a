//===- options.cpp - The generated program's command line -----------------===//
//
// See options.h. Flags take their value as the next argument or after '='
// ("--seed=3"); "--" ends the flags; anything else not starting with '-' is
// an input file. Every value is checked here, so the commands see only
// values in range.
//
//===----------------------------------------------------------------------===//

#include "options.h"

#include <cmath>
#include <cstdlib>
#include <cstring>

using namespace nnrt;

namespace {
/// A flag and the commands that take it.
struct FlagSpec {
  const char *name;
  bool hasValue;
  std::vector<const char *> commands;
};
} // namespace

static const FlagSpec kFlags[] = {
    {"--seed", true, {"predict", "init", "train", "eval", "gradcheck"}},
    {"-o", true, {"predict", "init"}},
    {"--output", true, {"predict", "init"}},
    {"--load", true, {"predict", "train", "eval", "gradcheck"}},
    {"--epochs", true, {"train"}},
    {"--steps", true, {"train"}},
    {"--lr", true, {"train"}},
    {"--save", true, {"train"}},
    {"--log", true, {"train"}},
    {"--no-shuffle", false, {"train"}},
    {"--batch", true, {"train", "eval", "gradcheck"}},
    {"--data", true, {"train", "eval", "gradcheck"}},
};

bool nnrt::isCommand(const std::string &command) {
  for (const char *known :
       {"predict", "init", "info", "train", "eval", "gradcheck"})
    if (command == known)
      return true;
  return false;
}

/// The flag \p flag of \p command, or NULL when it takes none of that name.
static const FlagSpec *findFlag(const std::string &command,
                                const std::string &flag) {
  for (const FlagSpec &spec : kFlags) {
    if (flag != spec.name)
      continue;
    for (const char *c : spec.commands)
      if (command == c)
        return &spec;
  }
  return nullptr;
}

static bool parseUnsigned(const std::string &text, uint64_t &out) {
  if (text.empty() || text.size() > 20)
    return false;
  out = 0;
  for (char c : text) {
    if (c < '0' || c > '9' || __builtin_mul_overflow(out, 10, &out) ||
        __builtin_add_overflow(out, uint64_t(c - '0'), &out))
      return false;
  }
  return true;
}

/// A count flag's value: an integer in [1, 2^62].
static std::string parseCount(const std::string &flag, const std::string &text,
                              int64_t &out) {
  uint64_t value;
  if (!parseUnsigned(text, value) || value < 1 || value > (1ull << 62))
    return "'" + flag + "' expects an integer >= 1, got '" + text + "'";
  out = static_cast<int64_t>(value);
  return "";
}

static std::string parseRate(const std::string &text, double &out) {
  char *end = nullptr;
  out = text.empty() ? 0 : std::strtod(text.c_str(), &end);
  if (text.empty() || *end || !std::isfinite(out) || !(out > 0))
    return "'--lr' expects a number > 0, got '" + text + "'";
  return "";
}

/// Stores \p value of \p flag in \p opts.
static std::string setFlag(const std::string &flag, const std::string &value,
                           Options &opts) {
  if (flag == "--seed") {
    if (!parseUnsigned(value, opts.seed))
      return "'--seed' expects an integer in [0, 2^64), got '" + value + "'";
    opts.hasSeed = true;
    return "";
  }
  if (flag == "--epochs")
    return parseCount(flag, value, opts.epochs);
  if (flag == "--steps")
    return parseCount(flag, value, opts.steps);
  if (flag == "--batch")
    return parseCount(flag, value, opts.batch);
  if (flag == "--lr") {
    opts.hasLr = true;
    return parseRate(value, opts.lr);
  }
  std::string &target = flag == "--load"   ? opts.load
                        : flag == "--save" ? opts.save
                        : flag == "--data" ? opts.data
                        : flag == "--log"  ? opts.log
                                           : opts.output;
  if (value.empty())
    return "'" + flag + "' needs a non-empty value";
  target = value;
  return "";
}

std::string nnrt::parseFlags(int argc, char **argv, Options &opts) {
  bool flagsDone = false;
  std::vector<std::string> seen;
  for (int i = 2; i < argc; ++i) {
    std::string arg = argv[i];
    if (flagsDone || arg.empty() || arg[0] != '-' || arg == "-") {
      opts.inputs.push_back(arg);
      continue;
    }
    if (arg == "--") {
      flagsDone = true;
      continue;
    }
    std::string flag = arg, value;
    bool inlineValue = false;
    if (size_t eq = arg.find('='); arg.rfind("--", 0) == 0 && eq != arg.npos) {
      flag = arg.substr(0, eq);
      value = arg.substr(eq + 1);
      inlineValue = true;
    }
    const FlagSpec *spec = findFlag(opts.command, flag);
    if (!spec)
      return "unknown flag '" + flag + "' for '" + opts.command + "'";
    // -o and --output are one flag.
    std::string key = flag == "-o" ? "--output" : flag;
    for (const std::string &s : seen)
      if (s == key)
        return "'" + flag + "' given twice";
    seen.push_back(key);
    if (!spec->hasValue) {
      if (inlineValue)
        return "'" + flag + "' takes no value";
      opts.noShuffle = true;
      continue;
    }
    if (!inlineValue && i + 1 >= argc)
      return "'" + flag + "' needs a value";
    if (!inlineValue)
      value = argv[++i];
    std::string error = setFlag(flag, value, opts);
    if (!error.empty())
      return error;
  }
  return "";
}
