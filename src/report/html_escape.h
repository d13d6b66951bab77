// Escaping for the HTML Report: model text is untrusted, so every string that reaches the page goes
// through one of these. Pure functions.
#pragma once

#include <map>
#include <string>
#include <string_view>

#include "afbench/result.h"

namespace afbench::html {

/// Escapes text for HTML element content and quoted attribute values (&, <, >, ", '); invalid UTF-8
/// and control characters become U+FFFD.
std::string Escape(std::string_view text);

/// Makes serialised JSON safe inside <script type="application/json">: <, >, & and U+2028/U+2029
/// become \u003c, \u003e, \u0026, \u2028, \u2029. These characters occur in JSON only inside
/// strings, where the escapes mean the same, so the result parses to the same value and can never
/// contain "</script" or "<!--".
std::string JsonForScript(std::string_view json);

/// Standard base64 (RFC 4648, with padding).
std::string Base64(std::string_view bytes);

/// The CSP source that allows exactly `content` as an inline script or style: 'sha256-<base64>'
/// (CSP Level 2 hash source; the hash covers the element's text exactly as written).
std::string CspHashSource(std::string_view content);

/// Replaces every {{name}} in `page` by values.at(name), in one pass (substituted text is never
/// scanned again, so a value containing "{{...}}" stays as it is). An unknown or unterminated
/// placeholder is an error.
Result<std::string> FillTemplate(std::string_view page,
                                 const std::map<std::string, std::string>& values);

}  // namespace afbench::html
