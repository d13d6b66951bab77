#include "records.h"

#include <string>
#include <string_view>
#include <vector>

namespace afbench::dataset {

std::string_view TrimWhitespace(std::string_view text) {
  constexpr std::string_view kWhitespace = " \t\r\n\v\f";
  const size_t first = text.find_first_not_of(kWhitespace);
  if (first == std::string_view::npos) return {};
  const size_t last = text.find_last_not_of(kWhitespace);
  return text.substr(first, last - first + 1);
}

Unexpected LineError(const std::string& file, int line, const std::string& what) {
  return Fail(ErrorKind::kInvalidInput,
              "dataset: " + file + ":" + std::to_string(line) + ": " + what);
}

std::string QuotedList(const std::vector<std::string>& names) {
  std::string out;
  for (const std::string& name : names) {
    if (!out.empty()) out += ", ";
    out += "\"" + name + "\"";
  }
  return out;
}

}  // namespace afbench::dataset
