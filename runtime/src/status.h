//===- status.h - Setting the runtime's last error ---------------*- C++
//-*-===//
//
// The runtime's private helpers for failing with a message: every public
// function that returns an error status sets the thread's message through
// these, so nnrt_last_error() always explains the most recent failure.
//
//===----------------------------------------------------------------------===//

#ifndef NNRT_SRC_STATUS_H
#define NNRT_SRC_STATUS_H

#include "nnrt/nnrt.h"

#include <string>

namespace nnrt {

/// Sets the thread's last error to the printf-formatted message and returns
/// \p code, so a failing path reads `return fail(NNRT_ERR_IO, ...)`.
nnrt_status fail(nnrt_status code, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/// Formats like printf into a std::string.
std::string format(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/// Prints a shape as the language writes it: "[784, 256]".
std::string shapeString(const int64_t *shape, int32_t rank);

} // namespace nnrt

#endif // NNRT_SRC_STATUS_H
