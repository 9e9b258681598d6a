//===- csv.cpp - CSV datasets ---------------------------------------------===//
//
// loadCsv (see csv.h). The file is the user's: every value is checked, and
// a bad one is reported by line and column name rather than read as 0.
//
//===----------------------------------------------------------------------===//

#include "csv.h"
#include "file.h"
#include "status.h"

#include <cmath>
#include <cstdlib>
#include <string_view>

using namespace nnrt;

/// \p s without leading and trailing blanks, then without one pair of
/// double quotes around it.
static std::string_view trimField(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t'))
    s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t'))
    s.remove_suffix(1);
  if (s.size() >= 2 && s.front() == '"' && s.back() == '"')
    s = s.substr(1, s.size() - 2);
  return s;
}

/// Splits \p line at commas into trimmed fields.
static void splitFields(std::string_view line,
                        std::vector<std::string_view> &fields) {
  fields.clear();
  for (;;) {
    size_t comma = line.find(',');
    fields.push_back(trimField(line.substr(0, comma)));
    if (comma == std::string_view::npos)
      return;
    line.remove_prefix(comma + 1);
  }
}

/// Parses a whole field as a finite float; false if it is not one.
static bool parseNumber(std::string_view field, float &out) {
  if (field.empty() || field.size() > 64)
    return false;
  char buf[65];
  field.copy(buf, field.size());
  buf[field.size()] = '\0';
  char *end = nullptr;
  double v = std::strtod(buf, &end);
  if (end != buf + field.size() || !std::isfinite(v) ||
      !std::isfinite(static_cast<float>(v)))
    return false;
  out = static_cast<float>(v);
  return true;
}

namespace {
/// The lines of a text, numbered from 1, with "\r\n" ends accepted.
class Lines {
public:
  explicit Lines(std::string_view text) : rest(text) {}
  bool next(std::string_view &line) {
    if (done)
      return false;
    size_t end = rest.find('\n');
    line = rest.substr(0, end);
    if (!line.empty() && line.back() == '\r')
      line.remove_suffix(1);
    done = end == std::string_view::npos;
    if (!done)
      rest.remove_prefix(end + 1);
    ++number;
    return true;
  }
  int64_t number = 0;

private:
  std::string_view rest;
  bool done = false;
};
} // namespace

static bool isBlank(std::string_view line) {
  return line.find_first_not_of(" \t") == std::string_view::npos;
}

nnrt_status nnrt::loadCsv(const std::string &path, const std::string &label,
                          bool classes, Dataset &out) {
  const char *p = path.c_str();
  InputFile file;
  if (nnrt_status status = file.open(p))
    return status;
  std::string text(file.size(), '\0');
  if (nnrt_status status = file.read(&text[0], text.size(), "the file"))
    return status;
  std::string_view view(text);
  if (view.substr(0, 3) == "\xEF\xBB\xBF")
    view.remove_prefix(3);

  Lines lines(view);
  std::string_view line;
  std::vector<std::string_view> columns, fields;
  if (!lines.next(line) || isBlank(line))
    return fail(NNRT_ERR_FORMAT,
                "%s:1: no header row (the first line must name the columns, "
                "separated by commas)",
                p);
  splitFields(line, columns);
  size_t labelColumn = columns.size();
  for (size_t i = 0; i < columns.size(); ++i) {
    if (columns[i].empty())
      return fail(NNRT_ERR_FORMAT, "%s:1: column %zu has no name", p, i + 1);
    for (size_t j = 0; j < i; ++j) {
      if (columns[j] == columns[i])
        return fail(NNRT_ERR_FORMAT, "%s:1: column '%s' is named twice", p,
                    std::string(columns[i]).c_str());
    }
    if (columns[i] == label)
      labelColumn = i;
  }
  if (labelColumn == columns.size())
    return fail(NNRT_ERR_FORMAT, "%s:1: no column '%s' (the label)", p,
                label.c_str());
  if (columns.size() < 2)
    return fail(NNRT_ERR_FORMAT, "%s:1: no column besides the label '%s'", p,
                label.c_str());

  out = Dataset{};
  out.features = int64_t(columns.size()) - 1;
  out.labelType = classes ? NNRT_I32 : NNRT_F32;
  while (lines.next(line)) {
    if (isBlank(line))
      continue;
    splitFields(line, fields);
    if (fields.size() != columns.size())
      return fail(NNRT_ERR_FORMAT,
                  "%s:%lld: %zu values, but the header names %zu columns", p,
                  (long long)lines.number, fields.size(), columns.size());
    for (size_t i = 0; i < fields.size(); ++i) {
      float v;
      if (fields[i].empty())
        return fail(NNRT_ERR_FORMAT, "%s:%lld: column '%s': no value", p,
                    (long long)lines.number, std::string(columns[i]).c_str());
      if (!parseNumber(fields[i], v))
        return fail(NNRT_ERR_FORMAT,
                    "%s:%lld: column '%s': '%s' is not a finite number", p,
                    (long long)lines.number, std::string(columns[i]).c_str(),
                    std::string(fields[i].substr(0, 64)).c_str());
      if (i != labelColumn) {
        out.values.push_back(v);
      } else if (!classes) {
        out.targets.push_back(v);
      } else if (v >= 0 && v < 2147483648.0f && v == std::floor(v)) {
        out.classes.push_back(static_cast<int32_t>(v));
      } else {
        return fail(NNRT_ERR_FORMAT,
                    "%s:%lld: column '%s': class label '%s' is not an "
                    "integer >= 0",
                    p, (long long)lines.number, label.c_str(),
                    std::string(fields[i].substr(0, 64)).c_str());
      }
    }
    ++out.count;
  }
  if (out.count == 0)
    return fail(NNRT_ERR_FORMAT, "%s: no rows after the header", p);
  return NNRT_OK;
}
