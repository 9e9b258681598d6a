//===- TestUtil.cpp - Helpers shared by the runtime's tests ---------------===//
//
// See TestUtil.h.
//
//===----------------------------------------------------------------------===//

#include "TestUtil.h"

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <stdexcept>
#include <vector>

using namespace nnrt::test;

TempDir::TempDir() {
  const char *base = std::getenv("TMPDIR");
  std::string pattern =
      std::string(base && *base ? base : "/tmp") + "/nnrt-test-XXXXXX";
  std::vector<char> buffer(pattern.begin(), pattern.end());
  buffer.push_back('\0');
  if (!mkdtemp(buffer.data()))
    throw std::runtime_error("mkdtemp failed for " + pattern);
  path = buffer.data();
}

TempDir::~TempDir() {
  std::error_code ignored;
  std::filesystem::remove_all(path, ignored);
}

void nnrt::test::writeFile(const std::string &path, const std::string &bytes) {
  std::ofstream out(path, std::ios::binary);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

std::string nnrt::test::readFile(const std::string &path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

std::string nnrt::test::le(uint64_t value, int n) {
  std::string bytes;
  for (int i = 0; i < n; ++i)
    bytes += static_cast<char>((value >> (8 * i)) & 0xFF);
  return bytes;
}

static bool canImport(const std::string &python, const std::string &modules) {
  std::string imports;
  std::istringstream words(modules);
  for (std::string m; words >> m;)
    imports += (imports.empty() ? "import " : ", ") + m;
  std::string command = "'" + python + "' -c '" + imports + "' >/dev/null 2>&1";
  return std::system(command.c_str()) == 0;
}

std::string nnrt::test::findPython(const std::string &modules) {
  static std::map<std::string, std::string> cache;
  auto it = cache.find(modules);
  if (it != cache.end())
    return it->second;
  std::vector<std::string> candidates;
  if (const char *env = std::getenv("NNRT_TEST_PYTHON"))
    candidates.push_back(env);
  candidates.push_back(NNRT_TEST_PYTHON);
  candidates.push_back("python3");
  candidates.push_back("/usr/bin/python3");
  std::string found;
  for (const std::string &python : candidates) {
    if (!python.empty() && python.find('\'') == std::string::npos &&
        canImport(python, modules)) {
      found = python;
      break;
    }
  }
  return cache[modules] = found;
}

bool nnrt::test::runPython(const std::string &python, const std::string &script,
                           const std::string &arg, const TempDir &dir,
                           std::string &output) {
  std::string scriptPath = dir.file("script.py");
  std::string outputPath = dir.file("script.out");
  writeFile(scriptPath, script);
  std::string command = "'" + python + "' '" + scriptPath + "' '" + arg +
                        "' >'" + outputPath + "' 2>&1";
  int status = std::system(command.c_str());
  output = readFile(outputPath);
  return status == 0;
}
