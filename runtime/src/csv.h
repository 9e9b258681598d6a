//===- csv.h - CSV datasets --------------------------------------*- C++ -*-===//
//
// Reads a CSV file of numbers into a Dataset: the first line names the
// columns, every other non-blank line holds one example, a number per
// column, separated by commas. One column is the label; the others, in
// file order, are the example's features. The compiler reads the same
// header with the same rules (compiler/lib/Sema/DataFiles.cpp).
//
//===----------------------------------------------------------------------===//

#ifndef NNRT_SRC_CSV_H
#define NNRT_SRC_CSV_H

#include "dataset.h"

namespace nnrt {

/// Reads \p path into \p out: features F32 [count, columns - 1] and labels
/// from column \p label, class indices (I32) when \p classes, else F32
/// targets. Names in the header row are trimmed of blanks and of one pair
/// of double quotes, as are values; a UTF-8 byte order mark and "\r\n"
/// line ends are accepted. Fails (NNRT_ERR_IO, NNRT_ERR_FORMAT) with a
/// message "PATH:LINE: ..." for a row with another number of values than
/// the header has columns, a value that is not a finite number, or (with
/// \p classes) a label that is not an integer in [0, 2^31); and for a
/// missing label column, a repeated or empty column name, or no rows.
nnrt_status loadCsv(const std::string &path, const std::string &label,
                    bool classes, Dataset &out);

} // namespace nnrt

#endif // NNRT_SRC_CSV_H
