// Small string helpers shared by the backend's codecs and error handling: truncation that keeps
// UTF-8 intact, redaction of secrets, and joining an assistant prefill with the continuation an API
// returned. Pure functions; thread-safe. Private to the backend component.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace afbench {

/// At most `max_bytes` bytes of `text`, cut before a UTF-8 continuation byte, with "..." appended
/// when cut.
std::string TruncateUtf8(std::string_view text, size_t max_bytes);

/// `text` with every occurrence of `secret` replaced by "[redacted]"; unchanged when `secret` is
/// empty.
std::string Redact(std::string_view text, std::string_view secret);

/// `text` without trailing whitespace.
std::string_view TrimTrailingWhitespace(std::string_view text);

/// The whole assistant text of a prefilled turn. Real APIs return only the continuation, some
/// servers echo the prefill: the prefill is prepended unless `continuation` already starts with it.
/// When the prefill was sent without its trailing whitespace (Anthropic rejects it) and the
/// continuation supplies its own leading whitespace, the trimmed prefill is used so that the
/// whitespace is not doubled.
std::string JoinPrefill(std::string_view prefill, std::string_view continuation);

}  // namespace afbench
