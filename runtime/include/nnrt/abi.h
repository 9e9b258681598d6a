/*===- abi.h - The contract between generated code and runtime ---*- C -*-===//
//
// What an object file produced by nnc defines, and what the runtime's
// program driver does with it. The compiler emits two symbols:
//
//   extern const char nnc_model_descriptor[];
//   void nnc_forward_packed(void **args);
//
// The descriptor is a NUL-terminated JSON text (version 1):
//
//   {"version": 1, "entry": "forward",
//    "args": [ARG...], "results": [RES...]}
//
//   ARG = {"role": "input", "name": "x", "dtype": "F32", "shape": [-1, 784]}
//       | {"role": "param" | "state", "name": "fc1.w", "dtype": "F32",
//          "shape": [256, 784], "init": INIT, "fan_in": 784, "fan_out": 256}
//   RES = {"role": "output" | "state", "name": "y", "dtype": "F32",
//          "shape": [-1, 10]}
//   INIT = {"name": "zeros"} | {"name": "ones"}
//        | {"name": "constant", "value": V}       (value required)
//        | {"name": "normal", "std": S}           (mean 0, std 1 by default)
//        | {"name": "uniform", "lo": L, "hi": H}  (defaults 0 and 1)
//        | {"name": "glorot_uniform"} | {"name": "glorot_normal"}
//        | {"name": "kaiming_uniform", "a": A}    (a 0 by default)
//        | {"name": "kaiming_normal", "a": A}
//
// Dtypes are spelled as in safetensors: F32 F64 F16 BF16 I32 I64 U8 BOOL.
// A -1 in a shape is a dimension fixed only at run time (the batch); only
// inputs and results may have one. A dynamic dim may instead be written as
// its symbol, a string ("shape": ["B", 784]): then every input dim with the
// same symbol must have the same size at run time (the driver checks), and
// messages use the symbol; a bare -1 is shown as "B" at position 0 and as
// "N<k>" at position k. Names are unique among the args and among
// the results. A "state" result is the new value of the state arg of the
// same name (same dtype and shape). fan_in/fan_out are PyTorch's
// (_calculate_fan_in_and_fan_out: for a weight [out, in, k...], fan_in = in
// * prod(k), fan_out = out * prod(k)); they may be omitted (0) when the
// initializer does not use them. Every key is checked: an unknown key, a
// missing required one, or any inconsistency makes the driver stop with
// "internal error" and exit code 3, since the descriptor is the compiler's.
//
// The entry point takes one array of pointers:
//   args[0]     -> the results: one memref descriptor per result, in the
//                  descriptor's order, laid out back to back;
//   args[1 + i] -> the memref descriptor of argument i (descriptor order).
// A memref descriptor of rank r is MLIR's
//   { void *allocated; void *aligned; int64_t offset;
//     int64_t sizes[r]; int64_t strides[r]; }
// eight bytes per field, (3 + 2r) * 8 bytes in all, so consecutive
// descriptors need no padding (MLIR's C interface for a function with
// several results takes a pointer to exactly this: a struct of the result
// descriptors). The runtime zero-fills the result slots before the call.
// Argument buffers belong to the caller (64-byte aligned, allocated ==
// aligned, offset 0, row-major strides) and are only read. Result buffers
// are allocated by the generated code with _mlir_memref_to_llvm_alloc (see
// "Memory of generated code"); the runtime reads element [i...] at aligned +
// offset + sum(i_k * strides_k) elements, then calls
// _mlir_memref_to_llvm_free(allocated) once per distinct pointer, except
// for a pointer that is an argument's buffer (a result may alias an
// argument) and MLIR's 0xdeadbeef marker for a memref.get_global.
//
// `predict` writes the results whose role is "output", numbered among the
// outputs: output 0 to OUT.npy, output k to OUT.k.npy. A program links
// <model>.o, libnnrt_main.a, libnnrt.a, in that order (C++ standard library
// and libm; no other dependency). A shared library made with `nnc build
// --export NAME` names the two symbols NAME_model_descriptor and
// NAME_forward_packed instead (its other definitions are internal), defines
// the embedding API of embed.h over them, and links <model>.o with
// libnnrt.a alone, with -shared.
//
// Training. A program built from a train block has a "train" key in its
// descriptor, and its object defines three more entry points in the same
// packed convention (args[0] -> the result descriptors back to back,
// args[1 + i] -> argument i):
//
//   void nnc_train_step_packed(void **args);   "step": one optimizer step
//   void nnc_eval_step_packed(void **args);    "eval": loss and metrics
//   void nnc_grad_packed(void **args);         "grad": loss and gradients
//
// The driver references them weakly, so a forward-only object still links
// (they are NULL there). The train section:
//
//   "train": {"name": "mlp", "batch": 64, "epochs": 5, "seed": 42,
//             "data": {"kind": "idx", "dir": "/usr/share/datasets/mnist"}
//                   | {"kind": "csv", "path": "/abs/data.csv", "label": "y",
//                      "classes": 0, "test": 0.2}
//                   | {"kind": "npy", "x": "/abs/x.npy", "y": "/abs/y.npy",
//                      "test": 0.2},
//             "optimizer": {"name": "Adam", "lr": 0.001, HPARAM...},
//             "schedule": {"kind": "cosine", "warmup": 1, "final": 0},
//             "clip_norm": 1.0, "augment": {"crop": 2, "flip": 1},
//             "samples": 64,
//             "step": FN, "eval": FN, "grad": FN}
//   FN = {"args": [ARG...], "results": [RES...]}
//
// name: a non-empty string; batch, epochs >= 1 and seed >= 0: integers (the
// defaults of `prog train`); data.kind: "idx" with data.dir a non-empty
// string, "csv" with path and label non-empty strings, classes 0 or 1 and
// test a number in (0, 1), or "npy" with x and y non-empty strings and test
// (csv and npy hold out the last round(test * N) examples as the test
// split, data_source.h); optimizer.name a non-empty string, optimizer.lr a
// number > 0 when present (the default of --lr), and any other optimizer
// key a number (a hyperparameter compiled into the step, shown by `info`);
// with several optimizers (a step's `minimize`s), the first one's.
// schedule.kind: "cosine" (keys warmup >= 0, final in [0, 1]),
// "step_decay" (every > 0, gamma > 0, warmup >= 0) or "warmup" (epochs > 0),
// every key of its kind present; clip_norm: a number > 0 (the step clips
// its gradients; informational); augment: optional integers crop >= 0 and
// flip (0 or 1), applied to the training images by the driver; samples:
// an integer >= 1 (samples.h).
// Every key above is required except optimizer.lr, the hyperparameters,
// schedule, clip_norm, augment and samples; no other key is allowed. ARG and RES are as above, with these roles:
//
//   FN args
//   "param", "state"  as in the forward's args (init, fan_in, fan_out); an
//                     FN may list params and states the forward does not
//                     use. Every arg of that name, in the forward and in
//                     each FN, has the same role, dtype, shape and init.
//   "opt_state"       optimizer state, "<optimizer field>/<param>/<state>"
//                     ("optimizer/fc1.w/m": the name holds a '/'), init
//                     {"name": "zeros"}, static shape; step only
//   "step"            F32 [] (named "t"): the 1-based number of this
//                     optimizer step; step only, at most one
//   "lr"              F32 [] (named "lr"): the learning rate of the
//                     first optimizer (the others keep their ratio to
//                     it); step only, present exactly when optimizer.lr is
//   "input"           the batch of examples: F32, rank >= 2, dim 0 dynamic
//                     (the batch, "B"), the others static with as many
//                     elements in all as an example has (["B", 1, 28, 28]
//                     for IDX images); exactly one
//   "label"           the labels: I32 [B] (class indices) or F32 [B, ...]
//                     (targets; dims after the first static); exactly one
//   FN results (all static: loss and metrics are scalars)
//   "loss"            F32 []: the mean loss over the batch; exactly one,
//                     results[0]
//   "param", "state", "opt_state"
//                     the new value of the arg with that role and name
//                     (same dtype and shape); an arg without one keeps its
//                     value
//   "metric"          F32 []: the batch mean of the metric so named
//                     ("accuracy"), or the loss of a further objective of a
//                     step with several ("loss_opt_g"); eval and step only
//   "grad"            F32, the param's shape: d loss / d param for the
//                     param arg of that name; grad only, at most one per
//                     param arg (the first objective's model's params)
//
//   step  args: param, state, opt_state, step, lr, input, label (any order)
//         results: loss, then the other objectives' losses (metrics), new
//         param / state / opt_state values
//   eval  args: param, state, input, label (dropout off, batch norm in
//         eval mode); results: loss, then metrics
//   grad  args: param, state, input, label (training semantics); results:
//         loss, then new state values (ignored), then one grad per param
//
// (results after the loss in any order; the driver matches them by role
// and name).
//
// Names are unique within an FN's args and within its results. The
// persistent tensors of training are the union of the params and states
// of the forward and the three FNs, and the step's opt_states; the driver
// keeps one buffer per name, passes it to every function that lists the
// name, and copies each new value into it after the step. Argument buffers
// are the runtime's, result buffers the generated code's (allocated and
// freed as for the forward).
//
// The random ops of the FNs draw as those of the forward (below), with the
// call number fixed by the driver: the global step number minus one
// (t - 1) for a step, 0 for every eval and grad call, so a resumed run
// draws the same dropout masks as an uninterrupted one.
//
// Checkpoints (safetensors) hold every param and state by name (`init`
// writes those of the forward and the FNs); a training checkpoint also
// holds every opt_state and "train.step" (I64 []: the number of optimizer
// steps taken). `predict`, `eval` and the embedding API accept training
// checkpoints: they ignore opt_state tensors (names with a '/'),
// "train.step" and the params and states of FNs the forward does not list.
//
// `prog train` (train.cpp): epoch e (0-based) visits the training split in
// the order nnrt::shuffledOrder(count, seed, e) (dataset.h; the identity
// with --no-shuffle) in ceil(count / batch) steps, the last one on the
// remaining examples (a smaller B). Step t (1-based, global) gets t and lr
// and copies its new values into the persistent buffers; a non-finite loss
// stops the run (exit 1) before anything more is saved. After each epoch,
// and when --steps N (steps of this run) runs out, the eval function runs
// over the test split in order (B = batch, the last one smaller; loss and
// metrics weighted by B), a line is printed, --log files get a record, and
// --save is written. --epochs is the total: a run loaded from a training
// checkpoint at step s resumes at epoch s / steps_per_epoch, batch
// s % steps_per_epoch, bit for bit as if never stopped. `prog gradcheck`
// (gradcheck.cpp) compares the grad function's gradients with central
// differences of its loss on the first 8 (--batch) training examples.
//
//===----------------------------------------------------------------------===*/

#ifndef NNRT_ABI_H
#define NNRT_ABI_H

#include "nnrt/nnrt.h"

#ifdef __cplusplus
extern "C" {
#endif

/*===----------------------------------------------------------------------===//
// Symbols the generated object defines
//===----------------------------------------------------------------------===*/

/// The model descriptor: NUL-terminated JSON as described above.
extern const char nnc_model_descriptor[];

/// The forward pass, packed calling convention (see above).
void nnc_forward_packed(void **args);

/// The training entry points, defined when the descriptor has "train":
/// one optimizer step, one evaluation, the gradient (see above).
void nnc_train_step_packed(void **args);
void nnc_eval_step_packed(void **args);
void nnc_grad_packed(void **args);

/// The type of every packed entry point, for nnrt_driver_main.
typedef void (*nnrt_forward_fn)(void **args);

/// The entry points of a program; those its object lacks are NULL.
typedef struct nnrt_entry_points {
  nnrt_forward_fn forward;    ///< nnc_forward_packed
  nnrt_forward_fn train_step; ///< nnc_train_step_packed
  nnrt_forward_fn eval_step;  ///< nnc_eval_step_packed
  nnrt_forward_fn grad;       ///< nnc_grad_packed
} nnrt_entry_points;

/*===----------------------------------------------------------------------===//
// The model descriptor, parsed
//===----------------------------------------------------------------------===*/

/// What an argument or result is.
typedef enum nnrt_role {
  NNRT_ROLE_INPUT,     ///< an argument read from the user's data
  NNRT_ROLE_PARAM,     ///< a trained argument, initialized or loaded
  NNRT_ROLE_STATE,     ///< an arg: a non-trained tensor saved in checkpoints;
                       ///< a result: the new value of the state arg so named
  NNRT_ROLE_OUTPUT,    ///< a result returned to the user
  NNRT_ROLE_OPT_STATE, ///< train FNs: optimizer state (arg and new value)
  NNRT_ROLE_STEP,      ///< train FN arg: the 1-based step number t
  NNRT_ROLE_LR,        ///< train FN arg: the learning rate
  NNRT_ROLE_LABEL,     ///< train FN arg: the batch's labels
  NNRT_ROLE_LOSS,      ///< train FN result: the batch's mean loss
  NNRT_ROLE_METRIC,    ///< train FN result: a metric's batch mean
  NNRT_ROLE_GRAD       ///< train FN result: the gradient of a param
} nnrt_role;

/// How a parameter or state is initialized.
typedef enum nnrt_init_kind {
  NNRT_INIT_NONE, ///< inputs and results
  NNRT_INIT_ZEROS,
  NNRT_INIT_ONES,
  NNRT_INIT_CONSTANT,
  NNRT_INIT_NORMAL,
  NNRT_INIT_UNIFORM,
  NNRT_INIT_GLOROT_UNIFORM,
  NNRT_INIT_GLOROT_NORMAL,
  NNRT_INIT_KAIMING_UNIFORM,
  NNRT_INIT_KAIMING_NORMAL
} nnrt_init_kind;

/// An initializer and its numbers (those it does not use are 0).
typedef struct nnrt_init_spec {
  nnrt_init_kind kind;
  double value;  ///< constant
  double std;    ///< normal (default 1)
  double lo, hi; ///< uniform (defaults 0 and 1)
  double a;      ///< kaiming_* negative slope (default 0)
} nnrt_init_spec;

/// One argument or result of the entry point.
typedef struct nnrt_arg_info {
  nnrt_role role;
  const char *name;
  nnrt_dtype dtype;
  int32_t rank;
  int64_t shape[NNRT_MAX_RANK]; ///< -1: dynamic (inputs and results only)
  /// The symbol of each dynamic dim written as a string ("B"), else NULL.
  const char *dim_names[NNRT_MAX_RANK];
  nnrt_init_spec init;     ///< params and states only
  int64_t fan_in, fan_out; ///< 0 when the descriptor omits them
} nnrt_arg_info;

/// One training function of the train section (the "step", "eval" or
/// "grad" FN): its args and results.
typedef struct nnrt_fn_info {
  size_t n_args;
  nnrt_arg_info *args;
  size_t n_results;
  nnrt_arg_info *results;
} nnrt_fn_info;

/// An optimizer hyperparameter other than lr ("momentum": 0.9).
typedef struct nnrt_hparam {
  const char *name;
  double value;
} nnrt_hparam;

/// The parsed train section.
/// How the driver scales the optimizer's learning rate at each step
/// (runtime/src/schedule.cpp has the formulas).
typedef enum nnrt_schedule_kind {
  NNRT_SCHEDULE_CONSTANT = 0,
  NNRT_SCHEDULE_COSINE,     ///< cosine decay to `final_factor` after warm-up
  NNRT_SCHEDULE_STEP_DECAY, ///< times `gamma` every `every` epochs
  NNRT_SCHEDULE_WARMUP,     ///< linear warm-up, then constant
} nnrt_schedule_kind;

typedef struct nnrt_schedule {
  nnrt_schedule_kind kind;
  double warmup;       ///< epochs (may be fractional) of linear warm-up, >= 0
  double final_factor; ///< COSINE: the factor at the last step, in [0, 1]
  double every;        ///< STEP_DECAY: epochs between decays, > 0
  double gamma;        ///< STEP_DECAY: the factor of each decay, > 0
} nnrt_schedule;

typedef struct nnrt_train_info {
  const char *name;
  int64_t batch, epochs; ///< >= 1
  uint64_t seed;
  const char *data_kind;  ///< "idx", "csv" or "npy"
  const char *data_dir;   ///< idx: the directory; csv: the file; npy: x's
  const char *data_y;     ///< npy: the labels file; else NULL
  const char *data_label; ///< csv: the label column; else NULL
  int32_t data_classes;   ///< csv: 1 when the labels are class indices
  double data_test;       ///< csv, npy: the fraction held out for testing
  const char *optimizer; ///< its name ("Adam")
  int32_t has_lr;        ///< 1 when the optimizer has a learning rate
  double lr;             ///< > 0 when has_lr, else 0
  size_t n_hparams;
  nnrt_hparam *hparams; ///< in descriptor order
  nnrt_schedule schedule;
  double clip_norm; ///< > 0 when the step clips its gradients, else 0
  int64_t augment_crop; ///< zero padding of the random crop of training images
  int32_t augment_flip; ///< 1: random horizontal flips of training images
  int64_t samples; ///< images the forward generates after each epoch; 0: none
  nnrt_fn_info step, eval, grad;
} nnrt_train_info;

/// A parsed, validated descriptor.
typedef struct nnrt_model_info {
  int32_t version;
  const char *entry;
  size_t n_args;
  nnrt_arg_info *args;
  size_t n_results;
  nnrt_arg_info *results;
  nnrt_train_info *train; ///< NULL when there is no train section
} nnrt_model_info;

/// Parses and validates \p json (see the grammar above) into *out, which the
/// caller frees with nnrt_model_free. Any violation is NNRT_ERR_FORMAT with
/// a message such as "model descriptor: args[2] ('fc1.w'): a param's shape
/// may not have a dynamic dimension"; *out is then NULL.
nnrt_status nnrt_model_parse(const char *json, nnrt_model_info **out);

/// Frees a descriptor from nnrt_model_parse; NULL is ignored.
void nnrt_model_free(nnrt_model_info *info);

/// Formats \p info's type as the language writes it, e.g. "f32[B, 784]"
/// (a dynamic dim by its symbol, or "B" at position 0, "N<k>" at k), into \p
/// buf of \p size bytes (truncated, always NUL-terminated). Returns \p buf.
char *nnrt_arg_type_string(const nnrt_arg_info *info, char *buf, size_t size);

/*===----------------------------------------------------------------------===//
// Memref descriptors
//===----------------------------------------------------------------------===*/

/// The size in bytes of a rank-\p rank memref descriptor: (3 + 2 rank) * 8.
size_t nnrt_memref_size(int rank);

/// Writes the descriptor of \p t into \p desc (nnrt_memref_size(t->rank)
/// bytes): allocated = aligned = t->data, offset 0, sizes = t->shape and
/// row-major strides.
void nnrt_memref_from_tensor(const nnrt_tensor *t, void *desc);

/// Copies the memref \p desc of rank \p rank and element type \p dtype into
/// a new dense tensor *out (data from nnrt_alloc, owned by the caller),
/// following the descriptor's offset and strides. NNRT_ERR_ARG for a rank
/// outside [0, 8], an unknown dtype, a negative size, or a NULL aligned
/// pointer with a non-empty shape; NNRT_ERR_NOMEM when allocation fails.
nnrt_status nnrt_tensor_from_memref(const void *desc, int rank,
                                    nnrt_dtype dtype, nnrt_tensor *out);

/// The `allocated` field of a memref descriptor.
void *nnrt_memref_allocated(const void *desc);

/*===----------------------------------------------------------------------===//
// Parameter initialization
//===----------------------------------------------------------------------===*/

/// The 64-bit FNV-1a hash of \p name: the Philox stream of the parameter so
/// named, so that a seed fixes every parameter independently of order.
uint64_t nnrt_fnv1a64(const char *name);

/// Allocates *out with \p info's dtype and (static) shape and fills it as
/// its initializer says, with Philox stream nnrt_fnv1a64(info->name) under
/// \p seed. Formulas (PyTorch's torch.nn.init):
///   glorot_uniform  U(-b, b), b = sqrt(6 / (fan_in + fan_out))
///   glorot_normal   N(0, std), std = sqrt(2 / (fan_in + fan_out))
///   kaiming_uniform U(-b, b), b = gain * sqrt(3 / fan_in),
///                   gain = sqrt(2 / (1 + a^2))
///   kaiming_normal  N(0, std), std = gain / sqrt(fan_in)
///   uniform U(lo, hi); normal N(0, std); constant; ones; zeros
/// Bounds are computed in double and rounded to float; the fills are
/// nnrt_fill_uniform / nnrt_fill_normal. zeros works for every dtype, the
/// others need F32 (NNRT_ERR_DTYPE). NNRT_ERR_ARG for a dynamic shape or a
/// fan the formula needs that is 0. On failure *out is zeroed.
nnrt_status nnrt_init_param(const nnrt_arg_info *info, uint64_t seed,
                            nnrt_tensor *out);

/*===----------------------------------------------------------------------===//
// Random ops in generated code
//===----------------------------------------------------------------------===*/

// The random ops of a forward pass (nn.normal, nn.uniform, nn.bernoulli,
// nn.dropout) compile to one call per element of nnrt_rand_uniform or
// nnrt_rand_normal(site, index): `site` is the op's seed_offset (numbered
// per call site by the compiler), `index` the element's row-major flat
// index. The value is element `index` of Philox stream
// nnrt_rand_stream(call, site) under the run seed (nnrt_uniform_f32 /
// nnrt_normal_f32), where `call` numbers the forward calls since the seed
// was set (0 for the first). The compiled code then maps it, in f32:
//   uniform(lo, hi)  lo + (hi - lo) * u, replaced by the float just below
//                    hi when rounding reaches hi (hi > lo)
//   normal(std)      std * n
//   bernoulli(p)     u < p (1.0 / 0.0, or true / false)
//   dropout(x, p)    u >= p ? x * (1 / (1 - p)) : 0
// so every value is a pure function of (seed, call, site, index): within
// one forward, recomputing or reordering elements gives the same bits.
// `predict --seed N` sets the run seed to N (the seed parameters are
// initialized from, default 0) and makes one call; nnrt_model_create sets
// it to its seed, and each nnrt_model_forward is the next call. The state
// is process-wide: models forwarded concurrently share it.

/// Sets the run seed and restarts the call numbering at 0.
void nnrt_set_run_seed(uint64_t seed);

/// Makes \p call the number of the next call (nnrt_begin_run's next
/// result), keeping the run seed: the training driver numbers its calls by
/// the global step.
void nnrt_set_run_call(uint64_t call);

/// Starts the next forward call and returns its number; the runtime calls it
/// before each call of the entry point.
uint64_t nnrt_begin_run(void);

/// The Philox stream of call site \p site in forward call \p call:
/// (call << 32) | (site & 0xffffffff).
uint64_t nnrt_rand_stream(uint64_t call, int64_t site);

/// nnrt_uniform_f32(run seed, nnrt_rand_stream(current call, site), index):
/// uniform in [0, 1) with 24 random bits.
float nnrt_rand_uniform(int64_t site, int64_t index);

/// nnrt_normal_f32(run seed, nnrt_rand_stream(current call, site), index):
/// standard normal.
float nnrt_rand_normal(int64_t site, int64_t index);

/*===----------------------------------------------------------------------===//
// Memory of generated code
//===----------------------------------------------------------------------===*/

/// Generated code allocates every buffer it makes (results included) with
/// _mlir_memref_to_llvm_alloc or _aligned_alloc (alignment <= 64) and frees
/// them with _mlir_memref_to_llvm_free, as does the runtime for results it
/// is done with. Freed blocks are cached by size and reused, so a training
/// step after the first takes no memory from the system. Blocks are 64-byte
/// aligned.
void *_mlir_memref_to_llvm_alloc(uint64_t bytes);
void *_mlir_memref_to_llvm_aligned_alloc(uint64_t alignment, uint64_t bytes);
void _mlir_memref_to_llvm_free(void *ptr);

/*===----------------------------------------------------------------------===//
// Finding where a non-finite value appeared
//===----------------------------------------------------------------------===*/

/// The training step calls this after each op that computes f32 values
/// (the check-finite pass), with the values as an unranked memref
/// {rank, descriptor} and the op's .nn locations as text in a memref<?xi8>
/// ("model.nn:12:5", "... (backward)"). It returns at once unless the
/// driver is checking (after a step whose loss was not finite, it runs the
/// step again that way); then it records the first text whose values hold
/// a NaN or an infinity.
void _mlir_ciface_nnrt_check_finite_f32(const void *values, const void *where);

/*===----------------------------------------------------------------------===//
// The program driver
//===----------------------------------------------------------------------===*/

/// The generated program's command line:
///   prog --help
///   prog info
///   prog init [--seed N] -o CKPT.safetensors
///   prog predict [--load CKPT.safetensors] [--seed N] IN.npy... -o OUT.npy
///   prog train [--epochs N] [--steps N] [--batch N] [--lr X] [--seed N]
///              [--data DIR] [--no-shuffle] [--load CKPT] [--save CKPT]
///              [--log DIR]
///   prog eval [--load CKPT] [--seed N] [--data DIR] [--batch N]
///   prog gradcheck [--load CKPT] [--seed N] [--data DIR] [--batch N]
/// (train, eval and gradcheck need a train section; see --help for what
/// they do). Messages go to stderr. Returns the exit code: 0 success, 1 bad
/// input (files, shapes, dtypes, a nan loss, a failed gradcheck), 2 bad
/// usage, 3 internal error (a malformed descriptor or results that
/// contradict it). Never calls exit(). \p entries must be non-NULL with a
/// non-NULL forward; the training commands need the other three.
int nnrt_driver_main(const char *descriptor, const nnrt_entry_points *entries,
                     int argc, char **argv);

/// nnrt_driver_main on nnc_model_descriptor and the nnc_*_packed entry
/// points (the training ones referenced weakly: NULL when the object lacks
/// them): what `main` calls (runtime/src/main.cpp, library nnrt_main).
int nnrt_main(int argc, char **argv);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* NNRT_ABI_H */
