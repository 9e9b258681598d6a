/*===- embed.h - Running a compiled model from a C or C++ program -*- C -*-===//
//
// The runtime side of `nnc build FILE --export NAME -o libNAME.so`. The
// library's generated header declares NAME_create, NAME_load, NAME_forward
// and NAME_destroy; each is a one-line call into the functions below with
// the library's own model descriptor and packed entry point (abi.h), so
// several exported models can live in one program. The model keeps its
// parameters (initialized from a seed as `prog init` does, or loaded from a
// checkpoint as `prog predict --load` does) between calls; inputs and
// outputs are nnrt_tensor (nnrt.h). Every failure returns a status and sets
// the message nnrt_last_error() returns, with the wording of the program
// driver's messages.
//
//===----------------------------------------------------------------------===*/

#ifndef NNRT_EMBED_H
#define NNRT_EMBED_H

#include "nnrt/nnrt.h"

#ifdef __cplusplus
extern "C" {
#endif

/// A compiled model with its parameters; opaque.
typedef struct nnrt_model nnrt_model;

/// Parses \p descriptor (abi.h), and initializes every parameter and state
/// from \p seed exactly as `prog init --seed SEED` does. On success *out owns
/// the model (free it with nnrt_model_destroy); on failure *out is NULL:
/// NNRT_ERR_FORMAT for a malformed descriptor (a compiler bug),
/// NNRT_ERR_NOMEM when the parameters cannot be allocated. Also sets the
/// process-wide run seed of the random ops to \p seed (abi.h).
nnrt_status nnrt_model_create(const char *descriptor,
                              void (*forward_packed)(void **args),
                              uint64_t seed, nnrt_model **out);

/// Replaces the parameters and states of \p model with those of the
/// safetensors checkpoint at \p path, checked as `prog predict --load` checks
/// them; every missing, mismatched or unexpected tensor is named in the
/// message, one per line, e.g. "ckpt.safetensors: 'fc1.w' has shape
/// [256, 10], expected [256, 784]". On failure the model is unchanged:
/// NNRT_ERR_IO or NNRT_ERR_FORMAT for an unreadable or malformed file,
/// NNRT_ERR_SHAPE when its tensors do not match the model.
nnrt_status nnrt_model_load(nnrt_model *model, const char *path);

/// Runs the forward pass on \p n_in inputs (in the descriptor's order, see
/// the generated header) and writes its \p n_out outputs into \p outputs:
/// dense tensors whose data the caller frees with nnrt_free. Each input is
/// checked first, e.g. "input 'x': expected f32[B, 1, 28, 28] (B any), found
/// f32[2, 784]" (NNRT_ERR_DTYPE for a wrong dtype, NNRT_ERR_SHAPE for a
/// wrong rank or size, named dims agreeing across inputs); a wrong \p n_in
/// or \p n_out, or a NULL pointer, is NNRT_ERR_ARG. On failure \p outputs
/// are zeroed and nothing is left to free.
nnrt_status nnrt_model_forward(nnrt_model *model, const nnrt_tensor *inputs,
                               size_t n_in, nnrt_tensor *outputs,
                               size_t n_out);

/// Frees \p model and its parameters; NULL is ignored.
void nnrt_model_destroy(nnrt_model *model);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* NNRT_EMBED_H */
