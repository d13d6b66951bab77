#include "afbench/text.h"

#include <cmath>
#include <cstdio>

namespace afbench {

std::vector<std::string> SplitLines(std::string_view text) {
  std::vector<std::string> lines;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    lines.emplace_back(text.substr(start, end - start));
    start = end + 1;
  }
  return lines;
}

std::string PointsText(double share) {
  char buffer[32];
  std::snprintf(buffer, sizeof(buffer), "%.1f", 100 * std::abs(share));
  return buffer;
}

}  // namespace afbench
