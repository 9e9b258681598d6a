//===- safetensors.cpp - Reading and writing safetensors checkpoints ------===//
//
// The checkpoint format (https://github.com/huggingface/safetensors): an
// 8-byte little-endian header length, a JSON header mapping tensor names to
// {"dtype", "shape", "data_offsets"} (plus optional "__metadata__"), then
// the raw little-endian data. Checkpoint loaders are an attack surface, so
// the reader validates the whole header and the data layout against the
// file's size before it allocates or reads any tensor data.
//
//===----------------------------------------------------------------------===//

#include "file.h"
#include "json.h"
#include "status.h"

#include <algorithm>
#include <cstring>
#include <new>
#include <vector>

using namespace nnrt;

/// The largest header the reader accepts (the limit of the reference Rust
/// implementation).
static constexpr uint64_t kMaxHeaderSize = 100000000;
static const char kMetadataKey[] = "__metadata__";

struct nnrt_st_file {
  std::vector<std::string> names; // sorted
  std::vector<nnrt_tensor> tensors;
  std::vector<std::string> metaKeys; // sorted
  std::vector<std::string> metaValues;

  ~nnrt_st_file() {
    for (nnrt_tensor &t : tensors)
      nnrt_free(t.data);
  }
};

namespace {
/// One tensor entry of the header, checked but not yet read.
struct Entry {
  std::string name;
  nnrt_tensor tensor = {};
  uint64_t begin = 0, end = 0;
};
} // namespace

static const struct {
  const char *name;
  nnrt_dtype dtype;
} kDtypes[] = {{"F32", NNRT_F32},   {"F64", NNRT_F64},  {"F16", NNRT_F16},
               {"BF16", NNRT_BF16}, {"I32", NNRT_I32},  {"I64", NNRT_I64},
               {"U8", NNRT_U8},     {"BOOL", NNRT_BOOL}};

static const char *stDtypeName(nnrt_dtype dtype) {
  for (const auto &entry : kDtypes) {
    if (entry.dtype == dtype)
      return entry.name;
  }
  return nullptr;
}

/// Reads a JSON array of non-negative integers into \p out (at most
/// \p maxSize of them); \p what names the field in messages.
static nnrt_status parseIndexArray(const char *path, const std::string &name,
                                   const json::Value *value, const char *what,
                                   size_t maxSize, std::vector<int64_t> &out) {
  if (!value)
    return fail(NNRT_ERR_FORMAT, "%s: tensor '%s' lacks \"%s\"", path,
                name.c_str(), what);
  if (value->kind != json::Value::Kind::Array)
    return fail(NNRT_ERR_FORMAT,
                "%s: tensor '%s': \"%s\" is %s, expected an array of integers",
                path, name.c_str(), what, json::kindName(value->kind));
  if (value->items.size() > maxSize)
    return fail(NNRT_ERR_FORMAT,
                "%s: tensor '%s': \"%s\" has %zu elements, at most %zu allowed",
                path, name.c_str(), what, value->items.size(), maxSize);
  for (const json::Value &item : value->items) {
    if (item.kind != json::Value::Kind::Int || item.integer < 0)
      return fail(NNRT_ERR_FORMAT,
                  "%s: tensor '%s': \"%s\" must hold non-negative integers",
                  path, name.c_str(), what);
    out.push_back(item.integer);
  }
  return NNRT_OK;
}

static nnrt_status parseDtype(const char *path, const std::string &name,
                              const json::Value *value, nnrt_dtype &out) {
  if (!value)
    return fail(NNRT_ERR_FORMAT, "%s: tensor '%s' lacks \"dtype\"", path,
                name.c_str());
  if (value->kind != json::Value::Kind::String)
    return fail(NNRT_ERR_FORMAT,
                "%s: tensor '%s': \"dtype\" is %s, expected a string", path,
                name.c_str(), json::kindName(value->kind));
  for (const auto &entry : kDtypes) {
    if (value->string == entry.name) {
      out = entry.dtype;
      return NNRT_OK;
    }
  }
  return fail(NNRT_ERR_FORMAT,
              "%s: tensor '%s' has unsupported dtype '%s' "
              "(supported: F32 F64 F16 BF16 I32 I64 U8 BOOL)",
              path, name.c_str(), value->string.c_str());
}

/// Checks one tensor entry's form, dtype, shape and byte size.
static nnrt_status parseEntry(const char *path, const std::string &name,
                              const json::Value &value, Entry &out) {
  if (value.kind != json::Value::Kind::Object)
    return fail(NNRT_ERR_FORMAT, "%s: tensor '%s' is %s, expected an object",
                path, name.c_str(), json::kindName(value.kind));
  for (const std::string &key : value.keys) {
    if (key != "dtype" && key != "shape" && key != "data_offsets")
      return fail(NNRT_ERR_FORMAT, "%s: tensor '%s' has unexpected key \"%s\"",
                  path, name.c_str(), key.c_str());
  }
  out.name = name;
  if (nnrt_status s =
          parseDtype(path, name, value.find("dtype"), out.tensor.dtype))
    return s;
  std::vector<int64_t> shape, offsets;
  if (nnrt_status s = parseIndexArray(path, name, value.find("shape"), "shape",
                                      NNRT_MAX_RANK, shape))
    return s;
  if (nnrt_status s = parseIndexArray(path, name, value.find("data_offsets"),
                                      "data_offsets", 2, offsets))
    return s;
  if (offsets.size() != 2)
    return fail(NNRT_ERR_FORMAT,
                "%s: tensor '%s': \"data_offsets\" must be [begin, end]", path,
                name.c_str());
  out.tensor.rank = static_cast<int32_t>(shape.size());
  std::copy(shape.begin(), shape.end(), out.tensor.shape);
  out.begin = static_cast<uint64_t>(offsets[0]);
  out.end = static_cast<uint64_t>(offsets[1]);
  if (out.end < out.begin)
    return fail(NNRT_ERR_FORMAT,
                "%s: tensor '%s' has data_offsets [%llu, "
                "%llu]: the end comes before the start",
                path, name.c_str(), (unsigned long long)out.begin,
                (unsigned long long)out.end);
  std::string shapeText = shapeString(out.tensor.shape, out.tensor.rank);
  size_t bytes = nnrt_tensor_bytes(&out.tensor);
  if (bytes == SIZE_MAX)
    return fail(NNRT_ERR_FORMAT,
                "%s: tensor '%s' has shape %s, whose byte size overflows", path,
                name.c_str(), shapeText.c_str());
  if (bytes != out.end - out.begin)
    return fail(NNRT_ERR_FORMAT,
                "%s: tensor '%s' has shape %s (%zu bytes) "
                "but data_offsets cover %llu bytes",
                path, name.c_str(), shapeText.c_str(), bytes,
                (unsigned long long)(out.end - out.begin));
  return NNRT_OK;
}

static nnrt_status parseMetadata(const char *path, const json::Value &value,
                                 nnrt_st_file &file) {
  if (value.kind != json::Value::Kind::Object)
    return fail(NNRT_ERR_FORMAT,
                "%s: \"__metadata__\" is %s, expected an object of strings",
                path, json::kindName(value.kind));
  std::vector<size_t> order(value.keys.size());
  for (size_t i = 0; i < order.size(); ++i) {
    order[i] = i;
    const json::Value &item = value.items[i];
    if (item.kind != json::Value::Kind::String)
      return fail(NNRT_ERR_FORMAT,
                  "%s: metadata entry '%s' is %s, expected a string", path,
                  value.keys[i].c_str(), json::kindName(item.kind));
    if (value.keys[i].find('\0') != std::string::npos ||
        item.string.find('\0') != std::string::npos)
      return fail(NNRT_ERR_FORMAT,
                  "%s: metadata entry '%s' contains a NUL character", path,
                  value.keys[i].c_str());
  }
  std::sort(order.begin(), order.end(),
            [&](size_t a, size_t b) { return value.keys[a] < value.keys[b]; });
  for (size_t i : order) {
    file.metaKeys.push_back(value.keys[i]);
    file.metaValues.push_back(value.items[i].string);
  }
  return NNRT_OK;
}

/// Checks the header's top level: tensor entries and "__metadata__".
static nnrt_status parseHeader(const char *path, const json::Value &root,
                               std::vector<Entry> &entries,
                               nnrt_st_file &file) {
  if (root.kind != json::Value::Kind::Object)
    return fail(NNRT_ERR_FORMAT, "%s: header is %s, expected an object", path,
                json::kindName(root.kind));
  for (size_t i = 0; i < root.keys.size(); ++i) {
    const std::string &name = root.keys[i];
    if (name == kMetadataKey) {
      if (nnrt_status s = parseMetadata(path, root.items[i], file))
        return s;
      continue;
    }
    if (name.empty())
      return fail(NNRT_ERR_FORMAT, "%s: a tensor has an empty name", path);
    if (name.find('\0') != std::string::npos)
      return fail(NNRT_ERR_FORMAT,
                  "%s: tensor name '%s' contains a NUL character", path,
                  name.c_str());
    entries.emplace_back();
    if (nnrt_status s = parseEntry(path, name, root.items[i], entries.back()))
      return s;
  }
  return NNRT_OK;
}

/// Checks that the entries, sorted by offset, tile [0, dataSize) exactly.
static nnrt_status checkLayout(const char *path, std::vector<Entry> &entries,
                               uint64_t dataSize) {
  std::sort(entries.begin(), entries.end(), [](const Entry &a, const Entry &b) {
    return a.begin != b.begin ? a.begin < b.begin : a.end < b.end;
  });
  uint64_t covered = 0;
  const Entry *previous = nullptr;
  for (const Entry &e : entries) {
    if (e.end > dataSize)
      return fail(NNRT_ERR_FORMAT,
                  "%s: tensor '%s' has data_offsets [%llu, "
                  "%llu] past the end of the data section (%llu bytes)",
                  path, e.name.c_str(), (unsigned long long)e.begin,
                  (unsigned long long)e.end, (unsigned long long)dataSize);
    if (e.begin < covered)
      return fail(NNRT_ERR_FORMAT,
                  "%s: tensor '%s' (data_offsets [%llu, "
                  "%llu]) overlaps tensor '%s' (data_offsets [%llu, %llu])",
                  path, e.name.c_str(), (unsigned long long)e.begin,
                  (unsigned long long)e.end, previous->name.c_str(),
                  (unsigned long long)previous->begin,
                  (unsigned long long)previous->end);
    if (e.begin > covered)
      return fail(NNRT_ERR_FORMAT,
                  "%s: gap in the data section: bytes "
                  "[%llu, %llu) belong to no tensor",
                  path, (unsigned long long)covered,
                  (unsigned long long)e.begin);
    covered = e.end;
    previous = &e;
  }
  if (covered != dataSize)
    return fail(NNRT_ERR_FORMAT,
                "%s: data section is %llu bytes but the "
                "tensors cover %llu: %llu trailing bytes",
                path, (unsigned long long)dataSize, (unsigned long long)covered,
                (unsigned long long)(dataSize - covered));
  return NNRT_OK;
}

/// Reads the header length and the header, and checks everything in it.
static nnrt_status readHeader(InputFile &in, std::vector<Entry> &entries,
                              nnrt_st_file &file) {
  const char *path = in.path();
  if (in.size() < 8)
    return fail(NNRT_ERR_FORMAT,
                "%s: file is %llu bytes, too short for the "
                "8-byte header length",
                path, (unsigned long long)in.size());
  unsigned char lenBytes[8];
  if (nnrt_status s = in.read(lenBytes, 8, "the header length"))
    return s;
  uint64_t headerLen = 0;
  for (int i = 0; i < 8; ++i)
    headerLen |= uint64_t(lenBytes[i]) << (8 * i);
  if (headerLen > in.size() - 8)
    return fail(NNRT_ERR_FORMAT,
                "%s: header length %llu extends past the end "
                "of the file (%llu bytes)",
                path, (unsigned long long)headerLen,
                (unsigned long long)in.size());
  if (headerLen > kMaxHeaderSize)
    return fail(NNRT_ERR_FORMAT,
                "%s: header length %llu exceeds the limit of %llu bytes", path,
                (unsigned long long)headerLen,
                (unsigned long long)kMaxHeaderSize);
  std::string text(headerLen, '\0');
  if (nnrt_status s = in.read(&text[0], text.size(), "the header"))
    return s;
  json::Value root;
  std::string error;
  if (!json::parse(text, root, error))
    return fail(NNRT_ERR_FORMAT, "%s: header is not valid JSON: %s", path,
                error.c_str());
  if (nnrt_status s = parseHeader(path, root, entries, file))
    return s;
  return checkLayout(path, entries, in.size() - 8 - headerLen);
}

/// Allocates and reads every tensor (entries are in file order), then files
/// them under their names in sorted order.
static nnrt_status readData(InputFile &in, std::vector<Entry> &entries,
                            nnrt_st_file &file) {
  for (Entry &e : entries) {
    size_t bytes = static_cast<size_t>(e.end - e.begin);
    e.tensor.data = nnrt_alloc(bytes);
    if (!e.tensor.data)
      return fail(NNRT_ERR_NOMEM,
                  "%s: cannot allocate %zu bytes for tensor '%s'", in.path(),
                  bytes, e.name.c_str());
    // Owned by the file from here on, so a failure below frees it.
    file.names.push_back(e.name);
    file.tensors.push_back(e.tensor);
    std::string what = "tensor '" + e.name + "'";
    if (nnrt_status s = in.read(e.tensor.data, bytes, what.c_str()))
      return s;
  }
  std::vector<size_t> order(entries.size());
  for (size_t i = 0; i < order.size(); ++i)
    order[i] = i;
  std::sort(order.begin(), order.end(),
            [&](size_t a, size_t b) { return file.names[a] < file.names[b]; });
  std::vector<std::string> names;
  std::vector<nnrt_tensor> tensors;
  for (size_t i : order) {
    names.push_back(std::move(file.names[i]));
    tensors.push_back(file.tensors[i]);
  }
  file.names = std::move(names);
  file.tensors = std::move(tensors);
  return NNRT_OK;
}

nnrt_status nnrt_safetensors_read(const char *path, nnrt_st_file **out) {
  if (!path || !out)
    return fail(NNRT_ERR_ARG,
                "nnrt_safetensors_read: path and out must not be NULL");
  *out = nullptr;
  InputFile in;
  if (nnrt_status s = in.open(path))
    return s;
  nnrt_st_file *file = new (std::nothrow) nnrt_st_file();
  if (!file)
    return fail(NNRT_ERR_NOMEM, "%s: out of memory", path);
  std::vector<Entry> entries;
  nnrt_status s = readHeader(in, entries, *file);
  if (s == NNRT_OK)
    s = readData(in, entries, *file);
  if (s != NNRT_OK) {
    delete file;
    return s;
  }
  *out = file;
  return NNRT_OK;
}

size_t nnrt_st_count(const nnrt_st_file *f) { return f ? f->names.size() : 0; }

const char *nnrt_st_name(const nnrt_st_file *f, size_t i) {
  return f && i < f->names.size() ? f->names[i].c_str() : nullptr;
}

/// The index of \p key in the sorted \p keys, or keys.size() when absent.
static size_t findSorted(const std::vector<std::string> &keys,
                         const char *key) {
  auto it = std::lower_bound(keys.begin(), keys.end(), key,
                             [](const std::string &a, const char *b) {
                               return std::strcmp(a.c_str(), b) < 0;
                             });
  if (it == keys.end() || *it != key)
    return keys.size();
  return static_cast<size_t>(it - keys.begin());
}

const nnrt_tensor *nnrt_st_get(const nnrt_st_file *f, const char *name) {
  if (!f || !name)
    return nullptr;
  size_t i = findSorted(f->names, name);
  return i < f->tensors.size() ? &f->tensors[i] : nullptr;
}

size_t nnrt_st_meta_count(const nnrt_st_file *f) {
  return f ? f->metaKeys.size() : 0;
}

const char *nnrt_st_meta_key(const nnrt_st_file *f, size_t i) {
  return f && i < f->metaKeys.size() ? f->metaKeys[i].c_str() : nullptr;
}

const char *nnrt_st_meta_get(const nnrt_st_file *f, const char *key) {
  if (!f || !key)
    return nullptr;
  size_t i = findSorted(f->metaKeys, key);
  return i < f->metaValues.size() ? f->metaValues[i].c_str() : nullptr;
}

void nnrt_st_free(nnrt_st_file *f) { delete f; }

//===----------------------------------------------------------------------===//
// Writing
//===----------------------------------------------------------------------===//

/// Sorts \p count strings' indices by byte order and reports the first
/// duplicate, if any, in \p duplicate.
static std::vector<size_t> sortedOrder(const char *const *strings, size_t count,
                                       const char **duplicate) {
  std::vector<size_t> order(count);
  for (size_t i = 0; i < count; ++i)
    order[i] = i;
  std::sort(order.begin(), order.end(), [&](size_t a, size_t b) {
    return std::strcmp(strings[a], strings[b]) < 0;
  });
  *duplicate = nullptr;
  for (size_t i = 1; i < count && !*duplicate; ++i) {
    if (std::strcmp(strings[order[i - 1]], strings[order[i]]) == 0)
      *duplicate = strings[order[i]];
  }
  return order;
}

static nnrt_status checkWriteArgs(const char *path, const char *const *names,
                                  const nnrt_tensor *tensors, size_t n,
                                  const char *const *metaKeys,
                                  const char *const *metaValues, size_t nMeta) {
  if ((n && (!names || !tensors)) || (nMeta && (!metaKeys || !metaValues)))
    return fail(NNRT_ERR_ARG, "%s: NULL array passed for a non-zero count",
                path);
  for (size_t i = 0; i < n; ++i) {
    if (!names[i] || !*names[i] || !std::strcmp(names[i], kMetadataKey) ||
        !json::isValidUtf8(names[i]))
      return fail(NNRT_ERR_ARG,
                  "%s: tensor %zu has a NULL, empty, reserved "
                  "or non-UTF-8 name",
                  path, i);
    const nnrt_tensor &t = tensors[i];
    size_t bytes = nnrt_tensor_bytes(&t);
    if (bytes == SIZE_MAX)
      return fail(NNRT_ERR_ARG,
                  "%s: tensor '%s' is invalid (rank %d, dtype %s)", path,
                  names[i], t.rank, nnrt_dtype_name(t.dtype));
    if (bytes > 0 && !t.data)
      return fail(NNRT_ERR_ARG, "%s: tensor '%s' has NULL data", path,
                  names[i]);
  }
  for (size_t i = 0; i < nMeta; ++i) {
    if (!metaKeys[i] || !metaValues[i] || !json::isValidUtf8(metaKeys[i]) ||
        !json::isValidUtf8(metaValues[i]))
      return fail(NNRT_ERR_ARG,
                  "%s: metadata entry %zu has a NULL or non-UTF-8 key or value",
                  path, i);
  }
  return NNRT_OK;
}

/// The JSON header, tensors in \p order, padded with spaces to a multiple
/// of 8 bytes.
static std::string buildHeader(const char *const *names,
                               const nnrt_tensor *tensors,
                               const std::vector<size_t> &order,
                               const char *const *metaKeys,
                               const char *const *metaValues,
                               const std::vector<size_t> &metaOrder) {
  std::string header = "{";
  if (!metaOrder.empty()) {
    header += "\"__metadata__\":{";
    for (size_t k = 0; k < metaOrder.size(); ++k) {
      header += k ? "," : "";
      json::appendQuoted(header, metaKeys[metaOrder[k]]);
      header += ':';
      json::appendQuoted(header, metaValues[metaOrder[k]]);
    }
    header += "}";
  }
  uint64_t offset = 0;
  for (size_t k = 0; k < order.size(); ++k) {
    const nnrt_tensor &t = tensors[order[k]];
    header += k || !metaOrder.empty() ? "," : "";
    json::appendQuoted(header, names[order[k]]);
    header += format(":{\"dtype\":\"%s\",\"shape\":[", stDtypeName(t.dtype));
    for (int32_t d = 0; d < t.rank; ++d)
      header += (d ? "," : "") + std::to_string(t.shape[d]);
    uint64_t end = offset + nnrt_tensor_bytes(&t);
    header += format("],\"data_offsets\":[%llu,%llu]}",
                     (unsigned long long)offset, (unsigned long long)end);
    offset = end;
  }
  header += "}";
  header.append((8 - header.size() % 8) % 8, ' ');
  return header;
}

nnrt_status nnrt_safetensors_write(const char *path, const char *const *names,
                                   const nnrt_tensor *tensors, size_t n,
                                   const char *const *meta_keys,
                                   const char *const *meta_values,
                                   size_t n_meta) {
  if (!path)
    return fail(NNRT_ERR_ARG, "nnrt_safetensors_write: path is NULL");
  if (nnrt_status s = checkWriteArgs(path, names, tensors, n, meta_keys,
                                     meta_values, n_meta))
    return s;
  const char *duplicate;
  std::vector<size_t> order = sortedOrder(names, n, &duplicate);
  if (duplicate)
    return fail(NNRT_ERR_ARG, "%s: duplicate tensor name '%s'", path,
                duplicate);
  std::vector<size_t> metaOrder = sortedOrder(meta_keys, n_meta, &duplicate);
  if (duplicate)
    return fail(NNRT_ERR_ARG, "%s: duplicate metadata key '%s'", path,
                duplicate);
  std::string header =
      buildHeader(names, tensors, order, meta_keys, meta_values, metaOrder);
  unsigned char lenBytes[8];
  for (int i = 0; i < 8; ++i)
    lenBytes[i] =
        static_cast<unsigned char>(uint64_t(header.size()) >> (8 * i));
  OutputFile out;
  if (nnrt_status s = out.open(path))
    return s;
  if (nnrt_status s = out.write(lenBytes, 8))
    return s;
  if (nnrt_status s = out.write(header.data(), header.size()))
    return s;
  for (size_t i : order) {
    if (nnrt_status s =
            out.write(tensors[i].data, nnrt_tensor_bytes(&tensors[i])))
      return s;
  }
  return out.commit();
}
