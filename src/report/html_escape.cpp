#include "html_escape.h"

#include "afbench/hash.h"
#include "svg_writer.h"

namespace afbench::html {

std::string Escape(std::string_view text) { return svg::Escape(text); }

std::string JsonForScript(std::string_view json) {
  std::string out;
  out.reserve(json.size() + json.size() / 16);
  for (size_t i = 0; i < json.size(); ++i) {
    const char c = json[i];
    if (c == '<') {
      out += "\\u003c";
    } else if (c == '>') {
      out += "\\u003e";
    } else if (c == '&') {
      out += "\\u0026";
    } else if (c == '\xE2' && i + 2 < json.size() && json[i + 1] == '\x80' &&
               (json[i + 2] == '\xA8' || json[i + 2] == '\xA9')) {
      // U+2028 and U+2029 end lines in older JavaScript parsers.
      out += json[i + 2] == '\xA8' ? "\\u2028" : "\\u2029";
      i += 2;
    } else {
      out += c;
    }
  }
  return out;
}

std::string Base64(std::string_view bytes) {
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  for (size_t i = 0; i < bytes.size(); i += 3) {
    const size_t left = bytes.size() - i;
    uint32_t chunk = static_cast<uint32_t>(static_cast<unsigned char>(bytes[i])) << 16;
    if (left > 1) chunk |= static_cast<uint32_t>(static_cast<unsigned char>(bytes[i + 1])) << 8;
    if (left > 2) chunk |= static_cast<uint32_t>(static_cast<unsigned char>(bytes[i + 2]));
    out += kAlphabet[(chunk >> 18) & 63];
    out += kAlphabet[(chunk >> 12) & 63];
    out += left > 1 ? kAlphabet[(chunk >> 6) & 63] : '=';
    out += left > 2 ? kAlphabet[chunk & 63] : '=';
  }
  return out;
}

std::string CspHashSource(std::string_view content) {
  const std::string hex = Sha256Hex(content);
  std::string digest;
  const auto nibble = [](char c) { return c <= '9' ? c - '0' : c - 'a' + 10; };
  for (size_t i = 0; i + 1 < hex.size(); i += 2) {
    digest += static_cast<char>(nibble(hex[i]) * 16 + nibble(hex[i + 1]));
  }
  return "'sha256-" + Base64(digest) + "'";
}

Result<std::string> FillTemplate(std::string_view page,
                                 const std::map<std::string, std::string>& values) {
  std::string out;
  size_t position = 0;
  while (true) {
    const size_t open = page.find("{{", position);
    out.append(page.substr(
        position, open == std::string_view::npos ? page.size() - position : open - position));
    if (open == std::string_view::npos) return out;
    const size_t close = page.find("}}", open + 2);
    if (close == std::string_view::npos) {
      return Fail(ErrorKind::kInternal,
                  "report: template: unterminated placeholder at byte " + std::to_string(open));
    }
    const std::string name(page.substr(open + 2, close - open - 2));
    auto value = values.find(name);
    if (value == values.end()) {
      return Fail(ErrorKind::kInternal, "report: template: unknown placeholder {{" + name + "}}");
    }
    out += value->second;
    position = close + 2;
  }
}

}  // namespace afbench::html
