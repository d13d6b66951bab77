// Test-only: drives a real headless Chromium through the DevTools protocol over a pipe
// (--remote-debugging-pipe: JSON messages separated by NUL bytes on file descriptors 3 and 4), so
// the browser tests need no npm package, no WebSocket and no open port. One Chromium per object,
// with its own temporary profile; the destructor closes it and kills its process group. Not
// thread-safe: one test thread drives it.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

namespace afbench::testing {

/// The Chromium to use: $AFBENCH_CHROMIUM if set, else the first of /usr/bin/chromium,
/// chromium-browser, google-chrome that exists; nullopt when there is none (browser tests then
/// skip).
std::optional<std::filesystem::path> FindChromium();

/// A page's console errors, uncaught exceptions and browser log errors (CSP violations, blocked
/// loads).
struct PageProblem {
  std::string kind;  ///< "console", "exception" or "log".
  std::string text;
};

class Chromium {
 public:
  /// Starts `executable` headless with a fresh profile in `profile_dir` and opens one blank page of
  /// `width` x `height` CSS pixels. Check ok() before use.
  Chromium(const std::filesystem::path& executable, const std::filesystem::path& profile_dir,
           int width = 1400, int height = 1000);
  ~Chromium();
  Chromium(const Chromium&) = delete;
  Chromium& operator=(const Chromium&) = delete;

  bool ok() const { return error_.empty(); }
  /// Why the last call failed ("" when all went well).
  const std::string& error() const { return error_; }

  /// Sends a command to the page (or to the browser when `to_browser`) and returns its result;
  /// nullopt on error, timeout or a protocol error (see error()).
  std::optional<nlohmann::json> Call(const std::string& method, const nlohmann::json& params = {},
                                     bool to_browser = false);
  /// Loads `url` and waits for the load event.
  bool Navigate(const std::string& url);
  /// Evaluates `expression` in the page (awaiting a promise) and returns its value as JSON; nullopt
  /// if it threw.
  std::optional<nlohmann::json> Evaluate(const std::string& expression);
  /// Polls `expression` until it is true, at most `timeout`.
  bool WaitFor(const std::string& expression,
               std::chrono::milliseconds timeout = std::chrono::seconds(20));
  /// A real mouse click (press and release) at page coordinates (x, y) in CSS pixels.
  bool Click(double x, double y);
  /// Clicks the centre of the first element matching `selector` after scrolling it into view.
  bool ClickSelector(const std::string& selector);
  /// A PNG of the viewport (or the whole page when `full_page`).
  std::optional<std::string> Screenshot(bool full_page);
  /// Every console error, uncaught exception and log error seen so far.
  std::vector<PageProblem> Problems();

 private:
  bool Send(const nlohmann::json& message);
  std::optional<nlohmann::json> Receive(std::chrono::steady_clock::time_point deadline);
  void Record(const nlohmann::json& event);
  bool Fail(std::string message);

  pid_t pid_ = -1;
  int to_browser_ = -1;
  int from_browser_ = -1;
  int next_id_ = 1;
  std::string buffer_;
  std::string session_;
  std::string error_;
  std::vector<nlohmann::json> events_;
  std::vector<PageProblem> problems_;
};

}  // namespace afbench::testing
