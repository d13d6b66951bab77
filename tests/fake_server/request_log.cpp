#include "request_log.h"

#include <nlohmann/json.hpp>

namespace afbench::fake {

std::string RequestLogLine(const std::string& request_id, const std::string& path, int status,
                           int turn, const std::string& fault) {
  nlohmann::ordered_json line = {
      {"request_id", request_id}, {"path", path}, {"status", status}, {"turn", turn}};
  if (!fault.empty()) line["fault"] = fault;
  return line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

bool RequestLog::Open(const std::string& file) {
  std::lock_guard<std::mutex> lock(mutex_);
  out_.open(file, std::ios::app);
  return out_.is_open();
}

void RequestLog::Write(const std::string& request_id, const std::string& path, int status, int turn,
                       const std::string& fault) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (!out_.is_open()) return;
  out_ << RequestLogLine(request_id, path, status, turn, fault);
  out_.flush();
}

}  // namespace afbench::fake
