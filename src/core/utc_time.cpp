#include "afbench/utc_time.h"

#include <ctime>

namespace afbench {

std::string UtcNow(const char* format) {
  const std::time_t now = std::time(nullptr);
  std::tm utc{};
  gmtime_r(&now, &utc);
  char buffer[64];
  const size_t length = std::strftime(buffer, sizeof(buffer), format, &utc);
  return std::string(buffer, length);
}

}  // namespace afbench
