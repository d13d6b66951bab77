// Small helpers the SVG figures share: number formatting that is identical on every machine (so
// figures can be compared with golden files), XML escaping for untrusted labels, and the paper's
// colours. Pure functions.
#pragma once

#include <string>
#include <string_view>

#include "afbench/types.h"

namespace afbench::svg {

// Colours of Greenblatt et al. 2024, Fig. 2: yellow = complies with the training objective, blue =
// refuses, red cross-hatches over the yellow = alignment-faking reasoning.
inline constexpr const char* kComplyColour = "#f5c542";
inline constexpr const char* kRefuseColour = "#7fb3e0";
inline constexpr const char* kHatchColour = "#c62828";
inline constexpr const char* kInkColour = "#222222";
inline constexpr const char* kGridColour = "#d9d9d9";
inline constexpr const char* kFont = "DejaVu Sans, Helvetica, Arial, sans-serif";

/// `value` with at most `decimals` decimals, trailing zeros removed ("12", "12.5", "-0.25"); never
/// "-0".
std::string Num(double value, int decimals = 2);

/// `value` with exactly `decimals` decimals ("60.0"), for numbers a reader compares in a column;
/// never "-0.0".
std::string Fixed(double value, int decimals = 1);

/// Escapes &, <, >, " and ' for text and attribute values. Bytes that are not valid UTF-8 or are
/// control characters XML forbids become U+FFFD, so a model name can never make the document
/// ill-formed.
std::string Escape(std::string_view text);

/// `text` cut to at most `max_chars` code points, with "…" when cut.
std::string Ellipsize(std::string_view text, size_t max_chars);

/// "free (training)", "pro (rated, not trained)" or "paid (unmonitored)": what each Tier implies.
std::string TierCaption(Tier tier);

/// Opens an SVG document of the given size with a title (escaped) and the font; close with
/// "</svg>\n".
std::string Open(double width, double height, std::string_view id, std::string_view title);

/// A <pattern> of red cross-hatches over the compliance colour, with id `id`.
std::string HatchPattern(std::string_view id);

/// <text> at (x, y) with `anchor` ("start", "middle", "end"), escaped, and extra attributes
/// `attrs`.
std::string Text(double x, double y, std::string_view anchor, std::string_view text,
                 std::string_view attrs = "");

/// A legend of the three regions starting at (x, y); `with_af` false omits the hatched entry. Ids
/// inside it start with `id_prefix`, so that several figures can share one HTML document.
std::string Legend(double x, double y, bool with_af, std::string_view id_prefix);

}  // namespace afbench::svg
