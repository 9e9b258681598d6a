//===- npy.cpp - Reading and writing NumPy .npy files ---------------------===//
//
// nnrt_npy_read and nnrt_npy_write. The reader treats the file as untrusted:
// it parses the header's Python dict literal with a small parser of its own
// (exactly the keys 'descr', 'fortran_order' and 'shape'), and checks that
// the shape's byte size equals what follows the header before allocating
// anything, so a crafted file can neither overflow a size nor make the
// runtime allocate more than the file holds.
//
//===----------------------------------------------------------------------===//

#include "file.h"
#include "status.h"

#include <cstring>
#include <string_view>

using namespace nnrt;

static const char kMagic[] = "\x93NUMPY";
static constexpr size_t kMagicSize = 6;
/// A real header is about 128 bytes; this bounds what a crafted file can
/// make the reader allocate before any check.
static constexpr uint64_t kMaxHeaderSize = 1 << 20;

namespace {
/// The three entries of an NPY header dict.
struct NpyHeader {
  std::string descr;
  bool fortranOrder = false;
  int32_t rank = 0;
  int64_t shape[NNRT_MAX_RANK] = {};
};

/// Parses the header's dict literal, e.g.
/// "{'descr': '<f4', 'fortran_order': False, 'shape': (3, 4), }".
class HeaderParser {
public:
  HeaderParser(std::string_view text, const char *path)
      : text(text), path(path) {}
  nnrt_status parse(NpyHeader &out);

private:
  nnrt_status error(const char *what);
  void skipSpace();
  bool consume(char c);
  bool parseString(std::string &out);
  nnrt_status parseEntry(const std::string &key, NpyHeader &out);
  nnrt_status parseShape(NpyHeader &out);
  nnrt_status parseDim(int64_t &out);

  std::string_view text;
  const char *path;
  size_t pos = 0;
};
} // namespace

nnrt_status HeaderParser::error(const char *what) {
  return fail(NNRT_ERR_FORMAT, "%s: malformed NPY header at byte %zu: %s", path,
              pos, what);
}

void HeaderParser::skipSpace() {
  while (pos < text.size() && (text[pos] == ' ' || text[pos] == '\t' ||
                               text[pos] == '\n' || text[pos] == '\r'))
    ++pos;
}

bool HeaderParser::consume(char c) {
  skipSpace();
  if (pos >= text.size() || text[pos] != c)
    return false;
  ++pos;
  return true;
}

/// A Python string literal in single or double quotes, without escapes.
bool HeaderParser::parseString(std::string &out) {
  skipSpace();
  if (pos >= text.size() || (text[pos] != '\'' && text[pos] != '"'))
    return false;
  char quote = text[pos];
  size_t end = text.find(quote, pos + 1);
  if (end == std::string_view::npos)
    return false;
  out.assign(text.substr(pos + 1, end - pos - 1));
  if (out.find('\\') != std::string::npos)
    return false;
  pos = end + 1;
  return true;
}

nnrt_status HeaderParser::parse(NpyHeader &out) {
  if (!consume('{'))
    return error("expected '{'");
  bool seen[3] = {false, false, false};
  static const char *const keys[3] = {"descr", "fortran_order", "shape"};
  while (!consume('}')) {
    std::string key;
    if (!parseString(key))
      return error("expected a quoted key or '}'");
    int which = -1;
    for (int i = 0; i < 3; ++i)
      which = key == keys[i] ? i : which;
    if (which < 0)
      return fail(NNRT_ERR_FORMAT, "%s: unexpected key '%s' in the NPY header",
                  path, key.c_str());
    if (seen[which])
      return fail(NNRT_ERR_FORMAT, "%s: duplicate key '%s' in the NPY header",
                  path, key.c_str());
    seen[which] = true;
    if (!consume(':'))
      return error("expected ':' after a key");
    if (nnrt_status status = parseEntry(key, out))
      return status;
    if (consume('}'))
      break;
    if (!consume(','))
      return error("expected ',' or '}' after a value");
  }
  skipSpace();
  if (pos != text.size())
    return error("unexpected text after the dict");
  for (int i = 0; i < 3; ++i) {
    if (!seen[i])
      return fail(NNRT_ERR_FORMAT, "%s: NPY header lacks the key '%s'", path,
                  keys[i]);
  }
  return NNRT_OK;
}

nnrt_status HeaderParser::parseEntry(const std::string &key, NpyHeader &out) {
  if (key == "shape")
    return parseShape(out);
  if (key == "descr") {
    skipSpace();
    if (pos < text.size() && text[pos] == '[')
      return fail(NNRT_ERR_DTYPE,
                  "%s: structured dtypes (record arrays) are not supported",
                  path);
    return parseString(out.descr) ? NNRT_OK
                                  : error("expected a string for 'descr'");
  }
  skipSpace();
  for (std::string_view word : {"True", "False"}) {
    if (text.substr(pos, word.size()) == word) {
      pos += word.size();
      out.fortranOrder = word == "True";
      return NNRT_OK;
    }
  }
  return error("expected True or False for 'fortran_order'");
}

/// A tuple of non-negative integers: "()", "(5,)", "(3, 4)".
nnrt_status HeaderParser::parseShape(NpyHeader &out) {
  if (!consume('('))
    return error("expected a tuple for 'shape'");
  bool trailingComma = false;
  while (!consume(')')) {
    if (out.rank == NNRT_MAX_RANK)
      return fail(NNRT_ERR_SHAPE, "%s: array has more than %d dimensions", path,
                  NNRT_MAX_RANK);
    if (nnrt_status status = parseDim(out.shape[out.rank++]))
      return status;
    trailingComma = consume(',');
    if (!trailingComma && !consume(')'))
      return error("expected ',' or ')' in 'shape'");
    if (!trailingComma)
      break;
  }
  if (out.rank == 1 && !trailingComma)
    return error("'shape' is a parenthesized integer, not a tuple");
  return NNRT_OK;
}

nnrt_status HeaderParser::parseDim(int64_t &out) {
  skipSpace();
  if (pos < text.size() && text[pos] == '-')
    return error("negative dimension in 'shape'");
  if (pos >= text.size() || text[pos] < '0' || text[pos] > '9')
    return error("expected an integer in 'shape'");
  out = 0;
  for (; pos < text.size() && text[pos] >= '0' && text[pos] <= '9'; ++pos) {
    if (__builtin_mul_overflow(out, 10, &out) ||
        __builtin_add_overflow(out, text[pos] - '0', &out))
      return error("dimension in 'shape' is too large");
  }
  return NNRT_OK;
}

namespace {
struct DescrEntry {
  const char *descr;
  nnrt_dtype dtype;
};
} // namespace

static const DescrEntry kDescrs[] = {
    {"<f4", NNRT_F32}, {"<f8", NNRT_F64}, {"<f2", NNRT_F16}, {"<i4", NNRT_I32},
    {"<i8", NNRT_I64}, {"|u1", NNRT_U8},  {"|b1", NNRT_BOOL}};

static nnrt_status dtypeFromDescr(const char *path, const std::string &descr,
                                  nnrt_dtype &out) {
  for (const DescrEntry &entry : kDescrs) {
    if (descr == entry.descr) {
      out = entry.dtype;
      return NNRT_OK;
    }
  }
  const char *why = "unsupported dtype";
  if (descr.size() > 1 && descr[0] == '>')
    why = "big-endian data is not supported (convert with .astype('<...'))";
  else if (descr.find('O') != std::string::npos)
    why = "object arrays are not supported";
  else if (descr.find('V') != std::string::npos)
    why = "structured (void) dtypes are not supported";
  return fail(NNRT_ERR_DTYPE,
              "%s: descr '%s': %s; supported: <f4 <f8 <f2 <i4 <i8 |u1 |b1",
              path, descr.c_str(), why);
}

/// Reads the magic, version and header length; on success \p headerOffset
/// and \p headerLen locate the header text.
static nnrt_status readPreamble(InputFile &file, uint64_t &headerOffset,
                                uint64_t &headerLen) {
  unsigned char pre[12];
  if (file.size() < 10)
    return fail(NNRT_ERR_FORMAT,
                "%s: file is %llu bytes, too short for an NPY header",
                file.path(), (unsigned long long)file.size());
  if (nnrt_status status = file.read(pre, 8, "the NPY preamble"))
    return status;
  if (std::memcmp(pre, kMagic, kMagicSize) != 0)
    return fail(NNRT_ERR_FORMAT,
                "%s: not an NPY file (bad magic; expected \\x93NUMPY)",
                file.path());
  if (pre[6] < 1 || pre[6] > 3 || pre[7] != 0)
    return fail(NNRT_ERR_FORMAT,
                "%s: unsupported NPY format version %d.%d "
                "(supported: 1.0, 2.0, 3.0)",
                file.path(), pre[6], pre[7]);
  size_t lenBytes = pre[6] == 1 ? 2 : 4;
  if (nnrt_status status = file.read(pre + 8, lenBytes, "the header length"))
    return status;
  headerLen = 0;
  for (size_t i = 0; i < lenBytes; ++i)
    headerLen |= uint64_t(pre[8 + i]) << (8 * i);
  headerOffset = 8 + lenBytes;
  if (headerOffset + headerLen > file.size())
    return fail(NNRT_ERR_FORMAT,
                "%s: NPY header length %llu extends past the "
                "end of the file (%llu bytes)",
                file.path(), (unsigned long long)headerLen,
                (unsigned long long)file.size());
  if (headerLen > kMaxHeaderSize)
    return fail(NNRT_ERR_FORMAT,
                "%s: NPY header length %llu exceeds the limit of %llu bytes",
                file.path(), (unsigned long long)headerLen,
                (unsigned long long)kMaxHeaderSize);
  return NNRT_OK;
}

/// The header text as NumPy writes the shape: "(3, 4)", "(5,)", "()".
static std::string tupleString(const int64_t *shape, int32_t rank) {
  std::string text = "(";
  for (int32_t i = 0; i < rank; ++i)
    text += (i ? ", " : "") + std::to_string(shape[i]);
  return text + (rank == 1 ? ",)" : ")");
}

static nnrt_status readNpy(InputFile &file, nnrt_tensor &out) {
  uint64_t headerOffset, headerLen;
  if (nnrt_status status = readPreamble(file, headerOffset, headerLen))
    return status;
  std::string text(headerLen, '\0');
  if (nnrt_status status = file.read(&text[0], headerLen, "the NPY header"))
    return status;
  NpyHeader header;
  if (nnrt_status status = HeaderParser(text, file.path()).parse(header))
    return status;
  if (header.fortranOrder)
    return fail(NNRT_ERR_FORMAT,
                "%s: Fortran-ordered arrays are not "
                "supported (save with np.ascontiguousarray)",
                file.path());
  nnrt_tensor t = {};
  if (nnrt_status status = dtypeFromDescr(file.path(), header.descr, t.dtype))
    return status;
  t.rank = header.rank;
  std::memcpy(t.shape, header.shape, sizeof(t.shape));
  size_t bytes = nnrt_tensor_bytes(&t);
  uint64_t available = file.size() - headerOffset - headerLen;
  if (bytes == SIZE_MAX)
    return fail(NNRT_ERR_FORMAT,
                "%s: shape %s of '%s' overflows the element count", file.path(),
                tupleString(t.shape, t.rank).c_str(), header.descr.c_str());
  if (bytes != available)
    return fail(NNRT_ERR_FORMAT,
                "%s: data is %llu bytes but shape %s of '%s' needs %zu bytes",
                file.path(), (unsigned long long)available,
                tupleString(t.shape, t.rank).c_str(), header.descr.c_str(),
                bytes);
  t.data = nnrt_alloc(bytes);
  if (!t.data)
    return fail(NNRT_ERR_NOMEM, "%s: cannot allocate %zu bytes for the data",
                file.path(), bytes);
  if (nnrt_status status = file.read(t.data, bytes, "the array data")) {
    nnrt_free(t.data);
    return status;
  }
  out = t;
  return NNRT_OK;
}

nnrt_status nnrt_npy_read(const char *path, nnrt_tensor *out) {
  if (!path || !out)
    return fail(NNRT_ERR_ARG, "nnrt_npy_read: path and out must not be NULL");
  *out = nnrt_tensor{};
  InputFile file;
  if (nnrt_status status = file.open(path))
    return status;
  return readNpy(file, *out);
}

static const char *descrFor(nnrt_dtype dtype) {
  for (const DescrEntry &entry : kDescrs) {
    if (entry.dtype == dtype)
      return entry.descr;
  }
  return nullptr;
}

nnrt_status nnrt_npy_write(const char *path, const nnrt_tensor *t) {
  if (!path || !t)
    return fail(NNRT_ERR_ARG, "nnrt_npy_write: path and t must not be NULL");
  size_t bytes = nnrt_tensor_bytes(t);
  if (t->rank < 0 || t->rank > NNRT_MAX_RANK)
    return fail(NNRT_ERR_ARG, "%s: invalid tensor rank %d", path, t->rank);
  if (bytes == SIZE_MAX)
    return fail(NNRT_ERR_ARG, "%s: invalid tensor: shape %s, dtype %s", path,
                shapeString(t->shape, t->rank).c_str(),
                nnrt_dtype_name(t->dtype));
  const char *descr = descrFor(t->dtype);
  if (!descr)
    return fail(NNRT_ERR_DTYPE, "%s: %s has no NPY equivalent", path,
                nnrt_dtype_name(t->dtype));
  if (bytes > 0 && !t->data)
    return fail(NNRT_ERR_ARG, "%s: tensor data is NULL", path);
  std::string header = format("{'descr': '%s', 'fortran_order': False, "
                              "'shape': %s, }",
                              descr, tupleString(t->shape, t->rank).c_str());
  // NumPy pads the preamble and header to a multiple of 64 bytes, ending
  // with '\n', so the data is aligned when the file is memory-mapped.
  size_t total = (10 + header.size() + 1 + 63) / 64 * 64;
  header.append(total - 10 - header.size() - 1, ' ');
  header += '\n';
  unsigned char pre[10];
  std::memcpy(pre, kMagic, kMagicSize);
  pre[6] = 1;
  pre[7] = 0;
  pre[8] = static_cast<unsigned char>(header.size() & 0xFF);
  pre[9] = static_cast<unsigned char>(header.size() >> 8);
  OutputFile file;
  if (nnrt_status status = file.open(path))
    return status;
  if (nnrt_status status = file.write(pre, sizeof(pre)))
    return status;
  if (nnrt_status status = file.write(header.data(), header.size()))
    return status;
  if (nnrt_status status = file.write(t->data, bytes))
    return status;
  return file.commit();
}
