#include "svg_writer.h"

#include <gtest/gtest.h>

#include <limits>

namespace afbench::svg {
namespace {

TEST(SvgNum, PrintsAtMostTheDecimalsAskedWithoutTrailingZerosOrNegativeZero) {
  EXPECT_EQ(Num(12.0), "12");
  EXPECT_EQ(Num(12.5), "12.5");
  EXPECT_EQ(Num(0.123456, 4), "0.1235");
  EXPECT_EQ(Num(-0.0001), "0");
  EXPECT_EQ(Num(-3.25), "-3.25");
  EXPECT_EQ(Num(std::numeric_limits<double>::infinity()), "0");
}

TEST(SvgEscape, EscapesMarkupAndReplacesInvalidUtf8AndControlCharacters) {
  EXPECT_EQ(Escape("<b a=\"1\">'&'</b>"), "&lt;b a=&quot;1&quot;&gt;&#39;&amp;&#39;&lt;/b&gt;");
  EXPECT_EQ(Escape("caf\xC3\xA9 \xE2\x88\x92"), "caf\xC3\xA9 \xE2\x88\x92");
  EXPECT_EQ(Escape("a\xFF"
                   "b"),
            "a\xEF\xBF\xBD"
            "b");
  EXPECT_EQ(Escape("\xC0\xAF"), "\xEF\xBF\xBD\xEF\xBF\xBD");                  // overlong '/'
  EXPECT_EQ(Escape("\xED\xA0\x80"), "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");  // surrogate
  EXPECT_EQ(Escape("a\x01\tb\n"), "a\xEF\xBF\xBD\tb\n");
  EXPECT_EQ(Escape("\xE2\x82"), "\xEF\xBF\xBD\xEF\xBF\xBD");  // truncated sequence
}

TEST(SvgEllipsize, CutsAtCodePointsAndMarksTheCut) {
  EXPECT_EQ(Ellipsize("abcdef", 6), "abcdef");
  EXPECT_EQ(Ellipsize("abcdef", 3), "abc\xE2\x80\xA6");
  EXPECT_EQ(Ellipsize("\xC3\xA9\xC3\xA9\xC3\xA9", 2), "\xC3\xA9\xC3\xA9\xE2\x80\xA6");
}

TEST(SvgLegend, PrefixesItsIdsSoTwoFiguresCanShareAPage) {
  const std::string legend = Legend(0, 0, true, "bars");
  EXPECT_NE(legend.find("id=\"bars-legend-hatch\""), std::string::npos);
  EXPECT_NE(legend.find("url(#bars-legend-hatch)"), std::string::npos);
  EXPECT_EQ(Legend(0, 0, false, "gap").find("hatch"), std::string::npos);
}

}  // namespace
}  // namespace afbench::svg
