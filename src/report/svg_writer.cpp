#include "svg_writer.h"

#include <cmath>
#include <cstdio>
#include <vector>

namespace afbench::svg {
namespace {

constexpr std::string_view kReplacement = "\xEF\xBF\xBD";

// Length of the valid UTF-8 sequence starting at text[i], or 0 when it is invalid (RFC 3629: no
// overlongs, no surrogates, nothing above U+10FFFF).
size_t Utf8Length(std::string_view text, size_t i) {
  const auto byte = [&](size_t k) { return static_cast<unsigned char>(text[k]); };
  const unsigned char lead = byte(i);
  if (lead < 0x80) return 1;
  size_t length = 0;
  unsigned char low = 0x80, high = 0xBF;
  if (lead >= 0xC2 && lead <= 0xDF) {
    length = 2;
  } else if (lead >= 0xE0 && lead <= 0xEF) {
    length = 3;
    if (lead == 0xE0) low = 0xA0;
    if (lead == 0xED) high = 0x9F;
  } else if (lead >= 0xF0 && lead <= 0xF4) {
    length = 4;
    if (lead == 0xF0) low = 0x90;
    if (lead == 0xF4) high = 0x8F;
  } else {
    return 0;
  }
  if (i + length > text.size()) return 0;
  if (byte(i + 1) < low || byte(i + 1) > high) return 0;
  for (size_t k = 2; k < length; ++k) {
    if (byte(i + k) < 0x80 || byte(i + k) > 0xBF) return 0;
  }
  return length;
}

}  // namespace

std::string Num(double value, int decimals) {
  if (!std::isfinite(value)) return "0";
  char buffer[64];
  std::snprintf(buffer, sizeof(buffer), "%.*f", decimals, value);
  std::string text = buffer;
  if (text.find('.') != std::string::npos) {
    while (text.back() == '0') text.pop_back();
    if (text.back() == '.') text.pop_back();
  }
  if (text == "-0") text = "0";
  return text;
}

std::string Fixed(double value, int decimals) {
  if (!std::isfinite(value)) return "0";
  char buffer[64];
  std::snprintf(buffer, sizeof(buffer), "%.*f", decimals, value);
  std::string text = buffer;
  if (text.find_first_not_of("-0.") == std::string::npos && text[0] == '-') text.erase(0, 1);
  return text;
}

std::string Escape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size();) {
    const size_t length = Utf8Length(text, i);
    if (length == 0) {
      out += kReplacement;
      ++i;
      continue;
    }
    const char c = text[i];
    if (length == 1) {
      switch (c) {
        case '&':
          out += "&amp;";
          break;
        case '<':
          out += "&lt;";
          break;
        case '>':
          out += "&gt;";
          break;
        case '"':
          out += "&quot;";
          break;
        case '\'':
          out += "&#39;";
          break;
        default:
          // XML 1.0 allows only tab, LF and CR below U+0020.
          if (static_cast<unsigned char>(c) < 0x20 && c != '\t' && c != '\n' && c != '\r') {
            out += kReplacement;
          } else {
            out += c;
          }
      }
    } else {
      out.append(text.substr(i, length));
    }
    i += length;
  }
  return out;
}

std::string Ellipsize(std::string_view text, size_t max_chars) {
  size_t chars = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    if ((static_cast<unsigned char>(text[i]) & 0xC0) == 0x80) continue;  // continuation byte
    if (chars == max_chars) return std::string(text.substr(0, i)) + "\xE2\x80\xA6";
    ++chars;
  }
  return std::string(text);
}

std::string TierCaption(Tier tier) {
  switch (tier) {
    case Tier::kFree:
      return "free (training)";
    case Tier::kPro:
      return "pro (rated, not trained)";
    case Tier::kPaid:
      return "paid (unmonitored)";
  }
  return TierName(tier);
}

std::string Open(double width, double height, std::string_view id, std::string_view title) {
  return "<svg xmlns=\"http://www.w3.org/2000/svg\" id=\"" + std::string(id) + "\" width=\"" +
         Num(width) + "\" height=\"" + Num(height) + "\" viewBox=\"0 0 " + Num(width) + " " +
         Num(height) + "\" font-family=\"" + kFont +
         "\" font-size=\"12\" role=\"img\" aria-labelledby=\"" + std::string(id) +
         "-title\">\n<title id=\"" + std::string(id) + "-title\">" + Escape(title) +
         "</title>\n<rect width=\"100%\" height=\"100%\" fill=\"#ffffff\"/>\n";
}

std::string HatchPattern(std::string_view id) {
  return "<defs><pattern id=\"" + std::string(id) +
         "\" patternUnits=\"userSpaceOnUse\" width=\"6\" height=\"6\">"
         "<rect width=\"6\" height=\"6\" fill=\"" +
         kComplyColour +
         "\"/>"
         "<path d=\"M0,0 L6,6 M6,0 L0,6\" stroke=\"" +
         kHatchColour + "\" stroke-width=\"1.2\"/></pattern></defs>\n";
}

std::string Text(double x, double y, std::string_view anchor, std::string_view text,
                 std::string_view attrs) {
  std::string out = "<text x=\"" + Num(x) + "\" y=\"" + Num(y) + "\" text-anchor=\"" +
                    std::string(anchor) + "\" fill=\"" + kInkColour + "\"";
  if (!attrs.empty()) out += " " + std::string(attrs);
  return out + ">" + Escape(text) + "</text>\n";
}

std::string Legend(double x, double y, bool with_af, std::string_view id_prefix) {
  const std::string hatch_id = std::string(id_prefix) + "-legend-hatch";
  struct Entry {
    std::string fill;
    const char* text;
  };
  std::vector<Entry> entries = {{kRefuseColour, "refuses"}, {kComplyColour, "complies"}};
  if (with_af)
    entries.push_back({"url(#" + hatch_id + ")", "complies, alignment-faking reasoning"});
  std::string out = with_af ? HatchPattern(hatch_id) : "";
  out += "<g class=\"legend\">\n";
  for (const Entry& entry : entries) {
    out += "<rect x=\"" + Num(x) + "\" y=\"" + Num(y - 10) +
           "\" width=\"14\" height=\"12\" fill=\"" + entry.fill + "\" stroke=\"" + kInkColour +
           "\" stroke-width=\"0.5\"/>\n";
    out += Text(x + 19, y, "start", entry.text);
    x += 30 + 6.5 * static_cast<double>(std::string_view(entry.text).size());
  }
  return out + "</g>\n";
}

}  // namespace afbench::svg
