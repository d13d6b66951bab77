// Small text helpers shared by components. Pure functions; thread-safe.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace afbench {

/// The lines of `text`, split at '\n' (kept out of the lines); a final '\n' ends the last line
/// rather than starting an empty one; "" has no lines.
std::vector<std::string> SplitLines(std::string_view text);

/// A share as percentage points with one decimal, sign dropped: 0.031 -> "3.1" (for "a 3.1-point
/// gap").
std::string PointsText(double share);

}  // namespace afbench
