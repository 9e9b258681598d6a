//===- driver.cpp - The generated program's command line ------------------===//
//
// nnrt_driver_main: the `main` of every program nnc builds. It parses the
// model descriptor, then runs a subcommand: `init` writes freshly
// initialized parameters to a checkpoint, `predict` feeds NPY inputs through
// the compiled forward pass and writes its outputs as NPY, `info` prints the
// model's signature. Every problem with the user's files is reported with
// the file's name and what was expected (exit 1), bad usage with a pointer
// to --help (exit 2), and an inconsistency in what the compiler emitted as
// an internal error (exit 3). Nothing here calls exit(), so tests can run
// the driver many times in one process.
//
//===----------------------------------------------------------------------===//

#include "nnrt/abi.h"

#include "bind.h"
#include "status.h"

#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

using namespace nnrt;

namespace {
/// The command line, parsed.
struct Options {
  std::string command;
  std::string load, output;
  uint64_t seed = 0;
  std::vector<std::string> inputs;
};

/// A parsed descriptor, freed at the end of the scope.
struct ModelHandle {
  nnrt_model_info *info = nullptr;
  ~ModelHandle() { nnrt_model_free(info); }
};
} // namespace

static void printUsage(std::FILE *out, const char *prog) {
  std::fprintf(
      out,
      "usage: %s <command> [flags]\n"
      "\n"
      "commands:\n"
      "  predict [--load CKPT] [--seed N] IN.npy... -o OUT.npy\n"
      "      run the model on one NPY file per input; writes output 0 to\n"
      "      OUT.npy and output k > 0 to OUT.k.npy\n"
      "  init [--seed N] -o CKPT.safetensors\n"
      "      write freshly initialized parameters and states\n"
      "  info\n"
      "      print the model's inputs, parameters and outputs\n"
      "\n"
      "flags:\n"
      "  --load CKPT   read parameters from a safetensors checkpoint\n"
      "                (default: initialize them from the seed)\n"
      "  --seed N      random seed for initialization and the random ops\n"
      "                (default 0)\n"
      "  -o, --output  the file to write\n"
      "  -h, --help    show this message\n",
      prog);
}

static int usageError(const char *prog, const std::string &message) {
  std::fprintf(stderr, "%s: error: %s\n", prog, message.c_str());
  std::fprintf(stderr, "run '%s --help' for usage\n", prog);
  return kExitUsage;
}

static bool parseSeed(const std::string &text, uint64_t &out) {
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

/// Which flags \p command takes.
static bool takesFlag(const std::string &command, const std::string &flag) {
  if (flag == "--seed" || flag == "-o" || flag == "--output")
    return command == "predict" || command == "init";
  return flag == "--load" && command == "predict";
}

/// Parses argv[2..] into \p opts; returns an error message or "".
static std::string parseFlags(int argc, char **argv, Options &opts) {
  bool seenSeed = false, flagsDone = false;
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
    if (!takesFlag(opts.command, flag))
      return "unknown flag '" + flag + "' for '" + opts.command + "'";
    if (!inlineValue && i + 1 >= argc)
      return "'" + flag + "' needs a value";
    if (!inlineValue)
      value = argv[++i];
    if (flag == "--seed") {
      if (seenSeed)
        return "'--seed' given twice";
      seenSeed = true;
      if (!parseSeed(value, opts.seed))
        return "'--seed' expects an integer in [0, 2^64), got '" + value + "'";
    } else if (flag == "--load") {
      if (!opts.load.empty())
        return "'--load' given twice";
      opts.load = value;
    } else {
      if (!opts.output.empty())
        return "'" + flag + "' given twice";
      opts.output = value;
    }
    if (value.empty())
      return "'" + flag + "' needs a non-empty value";
  }
  return "";
}

/// Checks what each command needs beyond its flags.
static std::string checkCommand(const Options &opts,
                                const nnrt_model_info &model) {
  if (opts.command != "predict" && !opts.inputs.empty())
    return "'" + opts.command + "' takes no files, got '" + opts.inputs[0] +
           "'";
  if (opts.command != "info" && opts.output.empty())
    return "'" + opts.command + "' needs -o " +
           (opts.command == "init" ? "CKPT.safetensors" : "OUT.npy");
  if (opts.command != "predict")
    return "";
  std::vector<const nnrt_arg_info *> inputs =
      argsWithRole(model, NNRT_ROLE_INPUT);
  if (opts.inputs.size() == inputs.size())
    return "";
  std::string names;
  for (const nnrt_arg_info *arg : inputs)
    names += (names.empty() ? "" : ", ") + std::string(arg->name) + ": " +
             typeString(*arg);
  return format("the model takes %zu input file%s (%s), got %zu", inputs.size(),
                inputs.size() == 1 ? "" : "s", names.c_str(),
                opts.inputs.size());
}

static int runInfo(const nnrt_model_info &model) {
  std::printf("entry: %s\n", model.entry);
  for (size_t i = 0; i < model.n_args; ++i)
    std::printf("%-6s %s: %s\n", roleName(model.args[i].role),
                model.args[i].name, typeString(model.args[i]).c_str());
  for (size_t i = 0; i < model.n_results; ++i) {
    const nnrt_arg_info &result = model.results[i];
    std::printf("%-6s %s: %s%s\n", roleName(result.role), result.name,
                typeString(result).c_str(),
                result.role == NNRT_ROLE_STATE ? " (new value)" : "");
  }
  return kExitOk;
}

static int runInit(const nnrt_model_info &model, const Options &opts) {
  TensorSet params;
  if (int code = initParams(model, opts.seed, params))
    return code;
  std::vector<const char *> names;
  std::vector<nnrt_tensor> tensors;
  for (size_t i = 0; i < model.n_args; ++i) {
    if (model.args[i].role == NNRT_ROLE_INPUT)
      continue;
    names.push_back(model.args[i].name);
    tensors.push_back(params.tensors[i]);
  }
  const char *metaKeys[] = {"format", "step"};
  const char *metaValues[] = {"nnc", "0"};
  if (nnrt_safetensors_write(opts.output.c_str(), names.data(), tensors.data(),
                             names.size(), metaKeys, metaValues, 2))
    return reportError();
  return kExitOk;
}

/// The path of output \p k: OUT itself for k = 0, else OUT with ".k"
/// inserted before a final ".npy" (or appended when there is none).
static std::string outputPath(const std::string &out, size_t k) {
  if (k == 0)
    return out;
  std::string suffix = "." + std::to_string(k);
  size_t n = out.size();
  if (n > 4 && out.compare(n - 4, 4, ".npy") == 0)
    return out.substr(0, n - 4) + suffix + ".npy";
  return out + suffix;
}

static int runPredict(const nnrt_model_info &model, nnrt_forward_fn forward,
                      const Options &opts) {
  TensorSet args;
  args.resize(model.n_args);
  CheckpointHandle checkpoint;
  Bindings bindings;
  if (int code = bindInputs(model, opts.inputs, args, bindings))
    return code;
  if (int code = opts.load.empty()
                     ? initParams(model, opts.seed, args)
                     : loadParams(model, opts.load.c_str(), checkpoint, args))
    return code;
  // The random ops draw from the same seed as the initializers, on streams
  // of their own (abi.h).
  nnrt_set_run_seed(opts.seed);
  TensorSet results;
  if (int code = callForward(model, forward, args, bindings, results))
    return code;
  size_t k = 0;
  for (size_t i = 0; i < model.n_results; ++i) {
    if (model.results[i].role != NNRT_ROLE_OUTPUT)
      continue;
    std::string path = outputPath(opts.output, k++);
    if (nnrt_npy_write(path.c_str(), &results.tensors[i]))
      return reportError();
  }
  return kExitOk;
}

int nnrt_driver_main(const char *descriptor, nnrt_forward_fn forward, int argc,
                     char **argv) {
  const char *prog = argc > 0 && argv[0] ? argv[0] : "prog";
  if (const char *slash = std::strrchr(prog, '/'))
    prog = slash + 1;
  for (int i = 1; i < argc; ++i) {
    if (!std::strcmp(argv[i], "--"))
      break;
    if (!std::strcmp(argv[i], "--help") || !std::strcmp(argv[i], "-h")) {
      printUsage(stdout, prog);
      return kExitOk;
    }
  }
  ModelHandle model;
  if (nnrt_model_parse(descriptor, &model.info)) {
    std::fprintf(stderr, "%s: internal error: %s\n", prog, nnrt_last_error());
    return kExitInternal;
  }
  if (argc < 2)
    return usageError(prog, "no command given");
  Options opts;
  opts.command = argv[1];
  if (opts.command != "predict" && opts.command != "init" &&
      opts.command != "info")
    return usageError(prog, "unknown command '" + opts.command + "'");
  std::string error = parseFlags(argc, argv, opts);
  if (error.empty())
    error = checkCommand(opts, *model.info);
  if (!error.empty())
    return usageError(prog, opts.command + ": " + error);
  setProgramName(prog);
  if (opts.command == "info")
    return runInfo(*model.info);
  if (opts.command == "init")
    return runInit(*model.info, opts);
  return runPredict(*model.info, forward, opts);
}

int nnrt_main(int argc, char **argv) {
  return nnrt_driver_main(nnc_model_descriptor, nnc_forward_packed, argc, argv);
}
