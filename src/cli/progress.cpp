#include "progress.h"

#include <unistd.h>

#include <cmath>

namespace afbench::cli {

std::string FormatDuration(double seconds) {
  auto total = static_cast<int64_t>(std::llround(std::max(0.0, seconds)));
  char buffer[32];
  if (total >= 3600) {
    std::snprintf(buffer, sizeof(buffer), "%lldh%02lldm", static_cast<long long>(total / 3600),
                  static_cast<long long>(total % 3600 / 60));
  } else if (total >= 60) {
    std::snprintf(buffer, sizeof(buffer), "%lldm%02llds", static_cast<long long>(total / 60),
                  static_cast<long long>(total % 60));
  } else {
    std::snprintf(buffer, sizeof(buffer), "%llds", static_cast<long long>(total));
  }
  return buffer;
}

std::string FormatCount(int64_t count) {
  char buffer[32];
  if (count >= 1000000) {
    std::snprintf(buffer, sizeof(buffer), "%.1fM", static_cast<double>(count) / 1e6);
  } else if (count >= 10000) {
    std::snprintf(buffer, sizeof(buffer), "%.1fk", static_cast<double>(count) / 1e3);
  } else {
    std::snprintf(buffer, sizeof(buffer), "%lld", static_cast<long long>(count));
  }
  return buffer;
}

ProgressPrinter::ProgressPrinter(std::FILE* stream)
    : stream_(stream),
      terminal_(isatty(fileno(stream)) != 0),
      started_(std::chrono::steady_clock::now()),
      last_draw_(started_ - std::chrono::seconds(1)) {}

std::string ProgressPrinter::Line(const Progress& progress) const {
  const int width = 24;
  double fraction = progress.total > 0
                        ? static_cast<double>(progress.done) / static_cast<double>(progress.total)
                        : 1.0;
  auto filled = static_cast<int>(fraction * width);
  std::string bar = std::string(static_cast<size_t>(filled), '#') +
                    std::string(static_cast<size_t>(width - filled), '.');
  double elapsed =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started_).count();
  int64_t done_here = progress.done - std::max<int64_t>(first_done_, 0);
  std::string eta = "?";
  if (done_here > 0 && elapsed > 0) {
    eta = FormatDuration(elapsed / static_cast<double>(done_here) *
                         static_cast<double>(progress.total - progress.done));
  }
  std::string line =
      "[" + bar + "] " + std::to_string(progress.done) + "/" + std::to_string(progress.total) +
      " ETA " + eta + " | tok in " + FormatCount(progress.usage.input_tokens) + " out " +
      FormatCount(progress.usage.output_tokens) + " | req " + FormatCount(progress.requests) +
      " | conc " + std::to_string(progress.concurrency_limit);
  for (const auto& [outcome, count] : progress.outcomes) {
    if (count > 0) line += std::string(" ") + OutcomeName(outcome) + "=" + std::to_string(count);
  }
  return line;
}

void ProgressPrinter::Update(const Progress& progress) {
  if (first_done_ < 0) first_done_ = progress.done;
  auto now = std::chrono::steady_clock::now();
  if (terminal_) {
    if (now - last_draw_ < std::chrono::milliseconds(200)) return;
    last_draw_ = now;
    std::fprintf(stream_, "\r\033[K%s", Line(progress).c_str());
    std::fflush(stream_);
    return;
  }
  int64_t decile = progress.total > 0 ? progress.done * 10 / progress.total : 10;
  if (decile == last_decile_) return;
  last_decile_ = decile;
  std::fprintf(stream_, "%s\n", Line(progress).c_str());
  std::fflush(stream_);
}

void ProgressPrinter::Finish(const Progress& progress) {
  if (first_done_ < 0) first_done_ = progress.done;
  if (!terminal_ && last_decile_ == 10) return;  // the last line already shows the finished run
  std::fprintf(stream_, terminal_ ? "\r\033[K%s\n" : "%s\n", Line(progress).c_str());
  std::fflush(stream_);
}

}  // namespace afbench::cli
