#include "http_error.h"

#include <time.h>

#include <charconv>
#include <cmath>
#include <ctime>
#include <nlohmann/json.hpp>

#include "json_util.h"
#include "text_util.h"

namespace afbench {
namespace {

constexpr size_t kMaxMessageBytes = 300;
// A Retry-After beyond a year is nonsense; beyond this it is rejected, below it the client's cap
// decides (BreakerPolicy). Keeps the conversion to milliseconds far inside int64_t.
constexpr double kMaxRetryAfterSeconds = 365.0 * 24 * 3600;
constexpr int kAnthropicOverloaded =
    529;  // Anthropic's "overloaded_error" status (Messages API errors page).

std::optional<double> ParseNumber(const std::string& text) {
  double value = 0;
  const char* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, value);
  if (ec != std::errc() || ptr != end || !std::isfinite(value) || value < 0) return std::nullopt;
  return value;
}

// IMF-fixdate, e.g. "Wed, 21 Oct 2015 07:28:00 GMT" (RFC 9110 section 5.6.7). Computed in whole
// seconds: a far-future date would overflow a nanosecond time_point.
std::optional<int64_t> HttpDateDelayMs(const std::string& text,
                                       std::chrono::system_clock::time_point now) {
  struct tm parsed = {};
  const char* end = strptime(text.c_str(), "%a, %d %b %Y %H:%M:%S GMT", &parsed);
  if (end == nullptr || *end != '\0') return std::nullopt;
  const double seconds = std::difftime(timegm(&parsed), std::chrono::system_clock::to_time_t(now));
  if (!std::isfinite(seconds) || seconds > kMaxRetryAfterSeconds) return std::nullopt;
  return seconds > 0 ? static_cast<int64_t>(seconds * 1000.0) : 0;
}

bool IsInsufficientQuota(std::string_view body) {
  nlohmann::json json = nlohmann::json::parse(body, nullptr, false);
  const nlohmann::json* error = FindField(json, "error");
  if (error == nullptr) return false;
  return StringField(*error, "code") == "insufficient_quota" ||
         StringField(*error, "type") == "insufficient_quota";
}

ErrorKind KindOfStatus(int status, std::string_view body) {
  if (status == 429) {
    return IsInsufficientQuota(body) ? ErrorKind::kInvalidRequest : ErrorKind::kRateLimited;
  }
  if (status == kAnthropicOverloaded) return ErrorKind::kRateLimited;
  if (status == 408 || (status >= 500 && status <= 599)) return ErrorKind::kTransient;
  if (status == 401 || status == 403) return ErrorKind::kAuth;
  return ErrorKind::kInvalidRequest;
}

}  // namespace

std::optional<int64_t> RetryAfterMs(const std::map<std::string, std::string>& headers,
                                    std::chrono::system_clock::time_point now) {
  if (auto it = headers.find("retry-after-ms"); it != headers.end()) {
    std::optional<double> ms = ParseNumber(it->second);
    if (ms && *ms <= kMaxRetryAfterSeconds * 1000.0) return static_cast<int64_t>(*ms);
  }
  auto it = headers.find("retry-after");
  if (it == headers.end()) return std::nullopt;
  if (std::optional<double> seconds = ParseNumber(it->second)) {
    if (*seconds > kMaxRetryAfterSeconds) return std::nullopt;
    return static_cast<int64_t>(std::llround(*seconds * 1000.0));
  }
  return HttpDateDelayMs(it->second, now);
}

std::string ApiErrorMessage(std::string_view body) {
  nlohmann::json json = nlohmann::json::parse(body, nullptr, false);
  std::string message;
  if (const nlohmann::json* error = FindField(json, "error")) {
    message = error->is_string() ? error->get<std::string>() : StringField(*error, "message");
  }
  if (message.empty()) message = StringField(json, "message");
  if (message.empty()) message = StringField(json, "detail");
  if (message.empty()) message = body.empty() ? "(empty body)" : std::string(body);
  return TruncateUtf8(message, kMaxMessageBytes);
}

Error HttpStatusError(std::string_view provider, const HttpResponse& response,
                      std::chrono::system_clock::time_point now) {
  Error error;
  error.kind = KindOfStatus(response.status, response.body);
  error.message = "backend: " + std::string(provider) + ": HTTP " +
                  std::to_string(response.status) + ": " + ApiErrorMessage(response.body);
  error.retry_after_ms = RetryAfterMs(response.headers, now);
  // Every later request would fail alike: no such model (or path), or no quota left.
  error.permanent =
      response.status == 404 || (response.status == 429 && IsInsufficientQuota(response.body));
  return error;
}

}  // namespace afbench
