// The current time in UTC as text: the one clock behind every stored timestamp and run id.
#pragma once

#include <string>

namespace afbench {

/// Now in UTC, formatted by strftime's `format` (default ISO 8601, "2026-12-03T14:05:09Z").
std::string UtcNow(const char* format = "%Y-%m-%dT%H:%M:%SZ");

}  // namespace afbench
