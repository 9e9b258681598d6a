//===- driver.cpp - The generated program's command line ------------------===//
//
// nnrt_driver_main: the `main` of every program nnc builds. It parses the
// model descriptor, then runs a subcommand: `init` writes freshly
// initialized parameters to a checkpoint, `predict` feeds NPY inputs through
// the compiled forward pass and writes its outputs as NPY, `info` prints the
// model's signature, and `train`, `eval` and `gradcheck` (train.cpp,
// gradcheck.cpp) run the train section's functions on a dataset. Every
// problem with the user's files is reported with the file's name and what
// was expected (exit 1), bad usage with a pointer to --help (exit 2), and
// an inconsistency in what the compiler emitted as an internal error
// (exit 3). Nothing here calls exit(), so tests can run the driver many
// times in one process.
//
//===----------------------------------------------------------------------===//

#include "nnrt/abi.h"

#include "bind.h"
#include "options.h"
#include "status.h"
#include "train.h"

#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

using namespace nnrt;

namespace {
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
      "  train [--epochs N] [--steps N] [--batch N] [--lr X] [--seed N]\n"
      "        [--data PATH] [--no-shuffle] [--load CKPT] [--save CKPT]\n"
      "        [--log DIR]\n"
      "      train on the dataset's training split, evaluating on its test\n"
      "      split after each epoch; a checkpoint saved by train resumes\n"
      "      where it stopped (--epochs counts from the start)\n"
      "  eval [--load CKPT] [--seed N] [--data PATH] [--batch N]\n"
      "      print the loss and metrics on the test split\n"
      "  gradcheck [--load CKPT] [--seed N] [--data PATH] [--batch N]\n"
      "      compare the compiled gradient with finite differences on the\n"
      "      first N (default 8) training examples\n"
      "\n"
      "flags:\n"
      "  --load CKPT   read parameters from a safetensors checkpoint\n"
      "                (default: initialize them from the seed)\n"
      "  --seed N      random seed for initialization, shuffling and the\n"
      "                random ops (default 0; train's default for train,\n"
      "                eval and gradcheck)\n"
      "  -o, --output  the file to write\n"
      "  --epochs N    train until the end of epoch N\n"
      "  --steps N     stop after N optimizer steps (in this run)\n"
      "  --batch N     examples per step\n"
      "  --lr X        learning rate\n"
      "  --data PATH   the dataset: a directory of IDX files (plain or .gz),\n"
      "                a CSV file, or X.npy,Y.npy (as the train block's)\n"
      "  --no-shuffle  take the training examples in order\n"
      "  --save CKPT   write params, states and optimizer state after each\n"
      "                epoch and at the end\n"
      "  --log DIR     append metrics to DIR/metrics.jsonl and write\n"
      "                TensorBoard events to DIR/events.out.tfevents.*\n"
      "  -h, --help    show this message\n"
      "train, eval and gradcheck take their defaults from the program's\n"
      "train block (see info).\n",
      prog);
}

static int usageError(const char *prog, const std::string &message) {
  std::fprintf(stderr, "%s: error: %s\n", prog, message.c_str());
  std::fprintf(stderr, "run '%s --help' for usage\n", prog);
  return kExitUsage;
}

static bool isTrainingCommand(const std::string &command) {
  return command == "train" || command == "eval" || command == "gradcheck";
}

/// Checks what each command needs beyond its flags.
static std::string checkCommand(const Options &opts,
                                const nnrt_model_info &model) {
  if (opts.command != "predict" && !opts.inputs.empty())
    return "'" + opts.command + "' takes no files, got '" + opts.inputs[0] +
           "'";
  if (isTrainingCommand(opts.command)) {
    if (!model.train)
      return "'" + opts.command +
             "' needs a program built from a train block; this one has none";
    if (opts.hasLr && !model.train->has_lr)
      return std::string("'--lr': the optimizer ") + model.train->optimizer +
             " has no learning rate";
    return "";
  }
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

/// The entry points \p command calls that \p entries lacks, as a message,
/// or "".
static std::string missingEntries(const std::string &command,
                                  const nnrt_entry_points &entries) {
  std::string missing;
  auto need = [&](nnrt_forward_fn fn, const char *symbol) {
    if (!fn)
      missing += (missing.empty() ? "" : ", ") + std::string(symbol);
  };
  if (command == "predict" && !entries.forward)
    return "the program lacks nnc_forward_packed";
  if (command == "train")
    need(entries.train_step, "nnc_train_step_packed");
  if (command == "train" || command == "eval")
    need(entries.eval_step, "nnc_eval_step_packed");
  if (command == "gradcheck")
    need(entries.grad, "nnc_grad_packed");
  if (missing.empty())
    return "";
  return "the descriptor has a train section but the program lacks " + missing;
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
  if (model.train)
    printTrainInfo(*model.train);
  return kExitOk;
}

/// Writes the params and states of the forward and of the train section's
/// functions, without optimizer state.
static int runInit(const nnrt_model_info &model, const Options &opts) {
  TrainState state;
  if (int code = state.init(model, opts.seed))
    return code;
  return state.save(opts.output.c_str(), false);
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

int nnrt_driver_main(const char *descriptor, const nnrt_entry_points *entries,
                     int argc, char **argv) {
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
  if (!isCommand(opts.command))
    return usageError(prog, "unknown command '" + opts.command + "'");
  std::string error = parseFlags(argc, argv, opts);
  if (error.empty())
    error = checkCommand(opts, *model.info);
  if (!error.empty())
    return usageError(prog, opts.command + ": " + error);
  setProgramName(prog);
  const nnrt_entry_points none = {};
  if (!entries)
    entries = &none;
  std::string missing = missingEntries(opts.command, *entries);
  if (!missing.empty())
    return internalError(missing);
  if (opts.command == "info")
    return runInfo(*model.info);
  if (opts.command == "init")
    return runInit(*model.info, opts);
  if (opts.command == "train")
    return runTrain(*model.info, *entries, opts);
  if (opts.command == "eval")
    return runEval(*model.info, *entries, opts);
  if (opts.command == "gradcheck")
    return runGradcheck(*model.info, *entries, opts);
  return runPredict(*model.info, entries->forward, opts);
}

// Programs built without a train block define none of these: weak
// references leave them NULL instead of failing the link.
extern "C" void nnc_train_step_packed(void **args) __attribute__((weak));
extern "C" void nnc_eval_step_packed(void **args) __attribute__((weak));
extern "C" void nnc_grad_packed(void **args) __attribute__((weak));

int nnrt_main(int argc, char **argv) {
  nnrt_entry_points entries = {nnc_forward_packed, nnc_train_step_packed,
                               nnc_eval_step_packed, nnc_grad_packed};
  return nnrt_driver_main(nnc_model_descriptor, &entries, argc, argv);
}
