#include "text_util.h"

#include <cctype>

namespace afbench {
namespace {

bool IsSpace(char c) { return std::isspace(static_cast<unsigned char>(c)) != 0; }

}  // namespace

std::string TruncateUtf8(std::string_view text, size_t max_bytes) {
  if (text.size() <= max_bytes) return std::string(text);
  size_t end = max_bytes;
  // 0b10xxxxxx bytes continue a multi-byte sequence; cutting before one would leave invalid UTF-8.
  while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) --end;
  return std::string(text.substr(0, end)) + "...";
}

std::string Redact(std::string_view text, std::string_view secret) {
  if (secret.empty()) return std::string(text);
  std::string out;
  size_t start = 0;
  for (size_t hit = text.find(secret); hit != std::string_view::npos;
       hit = text.find(secret, start)) {
    out.append(text.substr(start, hit - start));
    out.append("[redacted]");
    start = hit + secret.size();
  }
  out.append(text.substr(start));
  return out;
}

std::string_view TrimTrailingWhitespace(std::string_view text) {
  while (!text.empty() && IsSpace(text.back())) text.remove_suffix(1);
  return text;
}

std::string JoinPrefill(std::string_view prefill, std::string_view continuation) {
  if (continuation.starts_with(prefill)) return std::string(continuation);
  std::string_view trimmed = TrimTrailingWhitespace(prefill);
  if (trimmed.size() < prefill.size() && !continuation.empty() && IsSpace(continuation.front())) {
    return std::string(trimmed) + std::string(continuation);
  }
  return std::string(prefill) + std::string(continuation);
}

}  // namespace afbench
