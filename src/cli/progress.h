// The progress line of `afbench run`: samples done, rate, ETA, tokens and outcome counts. On a
// terminal it redraws one line at most five times a second; elsewhere (CI logs, pipes) it prints a
// line at every tenth of the Run. Update() is called from the Runner's workers, which serialise
// their calls.
#pragma once

#include <chrono>
#include <cstdio>
#include <string>

#include "afbench/runner.h"

namespace afbench::cli {

class ProgressPrinter {
 public:
  explicit ProgressPrinter(std::FILE* stream);
  void Update(const Progress& progress);
  /// Prints the final state and ends the line.
  void Finish(const Progress& progress);

 private:
  std::string Line(const Progress& progress) const;

  std::FILE* stream_;
  bool terminal_;
  std::chrono::steady_clock::time_point started_;
  std::chrono::steady_clock::time_point last_draw_;
  int64_t last_decile_ = -1;
  int64_t first_done_ = -1;  ///< Samples done when this invocation began (for the rate).
};

/// "1h02m", "3m07s", "12s".
std::string FormatDuration(double seconds);
/// "950", "12.3k", "4.5M".
std::string FormatCount(int64_t count);

}  // namespace afbench::cli
