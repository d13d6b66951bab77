// RequestLog: the fake server's trace, one JSON object per line
// {"request_id": ..., "path": ..., "status": ..., "turn": ...}, appended and flushed per line so
// that a test can read it while the server runs, or after killing it. Thread-safe: lines are
// written under a mutex.
#pragma once

#include <fstream>
#include <mutex>
#include <string>

namespace afbench::fake {

/// One log line, newline included.
/// One log line. `fault` is the injected fault's name ("none" when the reply was genuine); it is
/// left out of the line when empty.
std::string RequestLogLine(const std::string& request_id, const std::string& path, int status,
                           int turn, const std::string& fault = "");

class RequestLog {
 public:
  /// Opens `file` for appending; false when it cannot be opened. Without Open, Write does nothing.
  bool Open(const std::string& file);
  void Write(const std::string& request_id, const std::string& path, int status, int turn,
             const std::string& fault = "");

 private:
  std::mutex mutex_;
  std::ofstream out_;
};

}  // namespace afbench::fake
