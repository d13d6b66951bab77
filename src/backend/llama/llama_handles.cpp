#include "llama_handles.h"

#include <mutex>

namespace afbench::llama {
namespace {

std::mutex& LogMutex() {
  static std::mutex mutex;
  return mutex;
}

std::string& LastError() {
  static std::string last;
  return last;
}

// llama.cpp logs every load and context creation to stderr; afbench's library code never prints.
// Errors are kept so that a failed load can say why.
void KeepErrors(ggml_log_level level, const char* text, void* /*user_data*/) {
  if (level != GGML_LOG_LEVEL_ERROR || text == nullptr) return;
  std::lock_guard<std::mutex> lock(LogMutex());
  std::string line(text);
  while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) line.pop_back();
  if (!line.empty()) LastError() = line;
}

}  // namespace

void InitLlamaOnce() {
  static std::once_flag once;
  std::call_once(once, [] {
    llama_log_set(&KeepErrors, nullptr);
    llama_backend_init();
  });
}

std::string LastLlamaError() {
  std::lock_guard<std::mutex> lock(LogMutex());
  return LastError().empty() ? "llama.cpp gave no reason" : LastError();
}

}  // namespace afbench::llama
