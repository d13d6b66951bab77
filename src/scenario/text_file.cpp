#include "text_file.h"

#include <fstream>
#include <sstream>
#include <system_error>

namespace afbench::scenario_internal {

Result<std::string> ReadTextFile(const std::filesystem::path& path) {
  std::error_code ec;
  const bool exists = std::filesystem::exists(path, ec);
  if (!exists) {
    return Fail(ErrorKind::kNotFound, "scenario: " + path.string() + ": no such file");
  }
  if (std::filesystem::is_directory(path, ec)) {
    return Fail(ErrorKind::kIo, "scenario: " + path.string() + ": is a directory, expected a file");
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) return Fail(ErrorKind::kIo, "scenario: " + path.string() + ": cannot open file");
  std::ostringstream raw;
  raw << in.rdbuf();
  if (in.bad()) return Fail(ErrorKind::kIo, "scenario: " + path.string() + ": cannot read file");
  const std::string bytes = raw.str();
  std::string text;
  text.reserve(bytes.size());
  for (size_t i = 0; i < bytes.size(); ++i) {
    if (bytes[i] == '\r' && i + 1 < bytes.size() && bytes[i + 1] == '\n') continue;
    text.push_back(bytes[i]);
  }
  return text;
}

std::string_view TrimTrailingNewlines(std::string_view text) {
  while (!text.empty() && text.back() == '\n') text.remove_suffix(1);
  return text;
}

}  // namespace afbench::scenario_internal
