//===- DataFiles.cpp - Dataset file headers read at check time ------------===//
//
// See DataFiles.h. The files are the user's, so anything may be in them:
// reads are bounded, and every problem becomes a message for a diagnostic
// at the call that names the file.
//
//===----------------------------------------------------------------------===//

#include "nnc/Sema/DataFiles.h"
#include "llvm/ADT/SmallString.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"
#include <cerrno>
#include <cstdio>
#include <cstring>

using namespace nnc;
using namespace nnc::sema;

/// A header row longer than this is not a header (a binary file, or one
/// without line breaks).
static constexpr size_t kMaxHeaderBytes = 1 << 20;

std::string nnc::sema::resolveDataPath(llvm::StringRef path,
                                       llvm::StringRef fromFile) {
  llvm::SmallString<256> full;
  if (llvm::sys::path::is_absolute(path)) {
    full = path;
  } else {
    full = llvm::sys::path::parent_path(fromFile);
    llvm::sys::path::append(full, path);
    llvm::sys::fs::make_absolute(full);
  }
  llvm::sys::path::remove_dots(full, /*remove_dot_dot=*/true);
  return std::string(full);
}

/// The first `limit` bytes of `path` (fewer if the file is shorter), or an
/// error message.
static std::string readPrefix(const std::string &path, size_t limit,
                              std::string &out) {
  if (llvm::sys::fs::is_directory(path))
    return "'" + path + "' is a directory, not a file";
  // Not a device or a pipe, which could block the compiler.
  if (llvm::sys::fs::exists(path) && !llvm::sys::fs::is_regular_file(path))
    return "'" + path + "' is not a regular file";
  std::FILE *f = std::fopen(path.c_str(), "rb");
  if (!f)
    return "cannot open '" + path + "': " + std::strerror(errno);
  out.resize(limit);
  size_t n = std::fread(&out[0], 1, limit, f);
  bool failed = std::ferror(f);
  std::fclose(f);
  if (failed)
    return "cannot read '" + path + "'";
  out.resize(n);
  return "";
}

std::string nnc::sema::readCsvHeader(const std::string &path,
                                     std::vector<std::string> &columns) {
  std::string text;
  if (std::string err = readPrefix(path, kMaxHeaderBytes, text); !err.empty())
    return err;
  llvm::StringRef rest(text);
  // Spreadsheets often start the file with a UTF-8 byte order mark.
  rest.consume_front("\xEF\xBB\xBF");
  size_t end = rest.find('\n');
  if (end == llvm::StringRef::npos && text.size() >= kMaxHeaderBytes)
    return "'" + path + "': no header row in the first 1 MiB";
  llvm::StringRef header = rest.substr(0, end).rtrim("\r");
  if (header.trim().empty())
    return "'" + path + "' has no header row (the first line must name the "
                        "columns, separated by commas)";
  llvm::SmallVector<llvm::StringRef> names;
  header.split(names, ',');
  llvm::StringSet<> seen;
  for (size_t i = 0; i < names.size(); ++i) {
    llvm::StringRef name = names[i].trim(" \t");
    if (name.size() >= 2 && name.front() == '"' && name.back() == '"')
      name = name.drop_front().drop_back();
    if (name.empty())
      return "'" + path + "': column " + std::to_string(i + 1) +
             " of the header row has no name";
    if (!seen.insert(name).second)
      return "'" + path + "': the header row names column '" + name.str() +
             "' twice";
    columns.push_back(name.str());
  }
  return "";
}

namespace {
/// The dtypes the runtime's NPY reader converts (runtime/src/npy.cpp).
struct NpyDescr {
  const char *descr;
  char kind;
};
} // namespace

static const NpyDescr kDescrs[] = {{"<f4", 'f'}, {"<f8", 'f'}, {"<f2", 'f'},
                                   {"<i4", 'i'}, {"<i8", 'i'}, {"|u1", 'u'},
                                   {"|b1", 'b'}};

/// The quoted value after `'key':` in an NPY header dict, or "".
static llvm::StringRef dictValue(llvm::StringRef dict, llvm::StringRef key) {
  size_t at = dict.find(("'" + key + "'").str());
  if (at == llvm::StringRef::npos)
    return "";
  llvm::StringRef rest = dict.substr(at + key.size() + 2).ltrim();
  if (!rest.consume_front(":"))
    return "";
  return rest.ltrim();
}

std::string nnc::sema::readNpyHeader(const std::string &path, NpyInfo &out) {
  std::string text;
  if (std::string err = readPrefix(path, 1 << 16, text); !err.empty())
    return err;
  std::string bad = "'" + path + "' is not a valid NPY file: ";
  if (text.size() < 10 || text.compare(0, 6, "\x93NUMPY") != 0)
    return bad + "bad magic (expected \\x93NUMPY)";
  unsigned major = static_cast<unsigned char>(text[6]);
  size_t lenBytes = major == 1 ? 2 : 4;
  if (major < 1 || major > 3 || text.size() < 8 + lenBytes)
    return bad + "unsupported format version " + std::to_string(major);
  size_t len = 0;
  for (size_t i = 0; i < lenBytes; ++i)
    len |= size_t(static_cast<unsigned char>(text[8 + i])) << (8 * i);
  if (8 + lenBytes + len > text.size())
    return bad + "truncated header";
  llvm::StringRef dict = llvm::StringRef(text).substr(8 + lenBytes, len);

  llvm::StringRef descr = dictValue(dict, "descr");
  if (descr.empty() || (descr.front() != '\'' && descr.front() != '"'))
    return bad + "no 'descr' string in the header";
  out.descr = descr.drop_front().take_until([&](char c) {
    return c == descr.front();
  }).str();
  out.kind = 0;
  for (const NpyDescr &d : kDescrs)
    if (out.descr == d.descr)
      out.kind = d.kind;
  if (!out.kind)
    return "'" + path + "': dtype '" + out.descr +
           "' is not supported (supported: <f4 <f8 <f2 <i4 <i8 |u1 |b1)";
  if (dictValue(dict, "fortran_order").starts_with("True"))
    return "'" + path + "': Fortran-ordered arrays are not supported (save "
                        "with np.ascontiguousarray)";

  llvm::StringRef shape = dictValue(dict, "shape");
  if (!shape.consume_front("("))
    return bad + "no 'shape' tuple in the header";
  shape = shape.take_until([](char c) { return c == ')'; });
  llvm::SmallVector<llvm::StringRef> dims;
  shape.split(dims, ',', -1, /*KeepEmpty=*/false);
  out.shape.clear();
  for (llvm::StringRef d : dims) {
    if (d.trim().empty())
      continue; // "(5, )"
    int64_t n = 0;
    if (d.trim().getAsInteger(10, n) || n < 0)
      return bad + "bad dimension '" + d.trim().str() + "' in 'shape'";
    out.shape.push_back(n);
  }
  return "";
}
