#include "text_util.h"

#include <gtest/gtest.h>

namespace afbench {
namespace {

TEST(TruncateUtf8, KeepsShortTextAndCutsLongTextWithEllipsis) {
  EXPECT_EQ(TruncateUtf8("short", 10), "short");
  EXPECT_EQ(TruncateUtf8("0123456789", 4), "0123...");
}

TEST(TruncateUtf8, NeverSplitsAMultiByteCharacter) {
  // "é" is two bytes (C3 A9); cutting at byte 2 would split it.
  EXPECT_EQ(TruncateUtf8("a\xC3\xA9z", 2), "a...");
}

TEST(Redact, ReplacesEveryOccurrenceOfTheSecret) {
  EXPECT_EQ(Redact("key sk-1 and sk-1 again", "sk-1"), "key [redacted] and [redacted] again");
  EXPECT_EQ(Redact("nothing here", ""), "nothing here");
}

TEST(JoinPrefill, PrependsThePrefillToAContinuation) {
  EXPECT_EQ(JoinPrefill("<OUTPUT>", "<rejected/></OUTPUT>"), "<OUTPUT><rejected/></OUTPUT>");
  EXPECT_EQ(JoinPrefill("", "text"), "text");
}

TEST(JoinPrefill, KeepsTextThatAlreadyStartsWithThePrefill) {
  EXPECT_EQ(JoinPrefill("<OUTPUT>", "<OUTPUT><rejected/>"), "<OUTPUT><rejected/>");
}

TEST(JoinPrefill, DoesNotDoubleWhitespaceTheModelRepeated) {
  EXPECT_EQ(JoinPrefill("<OUTPUT>\n", "\n<rejected/>"), "<OUTPUT>\n<rejected/>");
  EXPECT_EQ(JoinPrefill("<OUTPUT>\n", "<rejected/>"), "<OUTPUT>\n<rejected/>");
}

}  // namespace
}  // namespace afbench
