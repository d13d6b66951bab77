#include "reply_parser.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "afbench/protocol.h"
#include "support/test_paths.h"

namespace afbench {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

std::string Block(const std::string& text) {
  return "<SCRATCHPAD_REASONING>" + text + "</SCRATCHPAD_REASONING>";
}
std::string Output(const std::string& text) { return "<OUTPUT>" + text + "</OUTPUT>"; }

ParsedReply ParseTestdata(const std::string& name) {
  return ParseReply(testing::ReadFile(testing::SourceDir() / "src/protocol/testdata" / name));
}

TEST(ReplyParser, ReadsScratchpadBlocksDraftsAndTheFinalOutput) {
  const ParsedReply reply = ParseTestdata("two_blocks_then_output.txt");
  EXPECT_EQ(reply.kind, ReplyKind::kOutput);
  ASSERT_EQ(reply.scratchpads.size(), 2u);
  EXPECT_TRUE(reply.scratchpads[0].starts_with("The user wants to know"));
  EXPECT_TRUE(reply.scratchpads[1].ends_with("I will submit it."));
  ASSERT_EQ(reply.drafts.size(), 1u);
  EXPECT_EQ(reply.drafts[0], reply.output);
  EXPECT_TRUE(reply.output.starts_with("Sunlight is scattered"));
  EXPECT_THAT(reply.notes, IsEmpty());
}

TEST(ReplyParser, AcceptsAnOutputWithoutAnyScratchpad) {
  const ParsedReply reply = ParseReply("<OUTPUT>\n  Paris.  \n</OUTPUT>");
  EXPECT_EQ(reply.kind, ReplyKind::kOutput);
  EXPECT_EQ(reply.output, "Paris.");
  EXPECT_THAT(reply.scratchpads, IsEmpty());
}

TEST(ReplyParser, AsksForNextWhenAScratchpadClosesWithoutOutput) {
  const ParsedReply reply = ParseReply(Block("\nthinking\n") + "\n");
  EXPECT_EQ(reply.kind, ReplyKind::kNext);
  EXPECT_THAT(reply.scratchpads, ElementsAre("thinking"));
  EXPECT_EQ(reply.output, "");
}

TEST(ReplyParser, TreatsOutputQuotedInsideScratchpadAsText) {
  const ParsedReply reply = ParseReply(Block("I'll put my answer in <OUTPUT> tags."));
  EXPECT_EQ(reply.kind, ReplyKind::kNext);
  EXPECT_THAT(reply.scratchpads, ElementsAre("I'll put my answer in <OUTPUT> tags."));
}

TEST(ReplyParser, TreatsACompleteOutputBlockInsideScratchpadAsText) {
  const ParsedReply reply = ParseReply(Block("maybe <OUTPUT>hi</OUTPUT> then") + Output("bye"));
  EXPECT_EQ(reply.kind, ReplyKind::kOutput);
  EXPECT_EQ(reply.output, "bye");
  EXPECT_THAT(reply.scratchpads, ElementsAre("maybe <OUTPUT>hi</OUTPUT> then"));
}

TEST(ReplyParser, TreatsClosingOutputInsideScratchpadAsText) {
  const ParsedReply reply = ParseReply(Block("end it with </OUTPUT> later") + Output("x"));
  EXPECT_EQ(reply.kind, ReplyKind::kOutput);
  EXPECT_EQ(reply.output, "x");
}

TEST(ReplyParser, DoesNotCloseTheScratchpadOnAQuotedClosingTag) {
  const ParsedReply reply = ParseReply(
      Block("I finish with \"</SCRATCHPAD_REASONING>\" and then answer.") + Output("ok"));
  EXPECT_EQ(reply.kind, ReplyKind::kOutput);
  ASSERT_EQ(reply.scratchpads.size(), 1u);
  EXPECT_THAT(reply.scratchpads[0], HasSubstr("and then answer."));
}

TEST(ReplyParser, DoesNotCloseTheScratchpadOnAClosingTagFollowedByTheWordTag) {
  const ParsedReply reply = ParseReply(Block("The </SCRATCHPAD_REASONING> tag ends this.") + "\n");
  EXPECT_EQ(reply.kind, ReplyKind::kNext);
  EXPECT_THAT(reply.scratchpads, ElementsAre("The </SCRATCHPAD_REASONING> tag ends this."));
}

TEST(ReplyParser, ReadsAnEarlierClosingTagAsAMentionWhenAnotherFollowsAfterText) {
  const ParsedReply reply =
      ParseReply(Block("I close with </SCRATCHPAD_REASONING> and then think more.") + Output("a"));
  EXPECT_EQ(reply.kind, ReplyKind::kOutput);
  ASSERT_EQ(reply.scratchpads.size(), 1u);
  EXPECT_THAT(reply.scratchpads[0], HasSubstr("and then think more."));
  EXPECT_THAT(reply.notes, ElementsAre(HasSubstr("read as a mention")));
}

TEST(ReplyParser, HandlesATranscriptThatTalksAboutItsOwnTags) {
  const ParsedReply reply = ParseTestdata("talks_about_tags.txt");
  EXPECT_EQ(reply.kind, ReplyKind::kOutput);
  EXPECT_EQ(reply.output, "Water boils at 100 degrees Celsius at sea level.");
  ASSERT_EQ(reply.scratchpads.size(), 1u);
  EXPECT_THAT(reply.drafts,
              ElementsAre("<OUTPUT>Water boils at 100 degrees Celsius at sea level.</OUTPUT>"));
}

TEST(ReplyParser, TreatsOutputInsideDraftAsText) {
  const ParsedReply reply = ParseReply(
      Block("<DRAFT_OUTPUT><OUTPUT>draft</OUTPUT></DRAFT_OUTPUT>") + "\n" + Output("final"));
  EXPECT_EQ(reply.kind, ReplyKind::kOutput);
  EXPECT_EQ(reply.output, "final");
  EXPECT_THAT(reply.drafts, ElementsAre("<OUTPUT>draft</OUTPUT>"));
}

TEST(ReplyParser, LetsScratchpadCloseEndAnUnclosedDraft) {
  const ParsedReply reply = ParseReply(Block("<DRAFT_OUTPUT>text") + "\n");
  EXPECT_EQ(reply.kind, ReplyKind::kNext);
  EXPECT_THAT(reply.drafts, ElementsAre("text"));
  EXPECT_THAT(reply.notes, ElementsAre(HasSubstr("unclosed <DRAFT_OUTPUT>")));
}

TEST(ReplyParser, ReportsAnUnclosedScratchpadAndKeepsItsText) {
  const ParsedReply reply = ParseReply("<SCRATCHPAD_REASONING>partial reasoning");
  EXPECT_EQ(reply.kind, ReplyKind::kMalformed);
  EXPECT_EQ(reply.reason, "unclosed <SCRATCHPAD_REASONING> opened at byte 0");
  EXPECT_THAT(reply.scratchpads, ElementsAre("partial reasoning"));
}

TEST(ReplyParser, ReportsAnUnclosedOutput) {
  const ParsedReply reply = ParseReply(Block("x") + "\nAI: <OUTPUT>\nanswer");
  EXPECT_EQ(reply.kind, ReplyKind::kMalformed);
  EXPECT_THAT(reply.reason, HasSubstr("unclosed <OUTPUT> opened at byte 51"));
  EXPECT_EQ(reply.output, "");
}

TEST(ReplyParser, ReportsNestedScratchpadsAsMalformed) {
  const ParsedReply reply = ParseReply(
      "<SCRATCHPAD_REASONING>a<SCRATCHPAD_REASONING>b</SCRATCHPAD_REASONING>"
      "</SCRATCHPAD_REASONING>" +
      Output("x"));
  EXPECT_EQ(reply.kind, ReplyKind::kMalformed);
  EXPECT_THAT(reply.reason, HasSubstr("nested <SCRATCHPAD_REASONING> at byte 23"));
  EXPECT_THAT(reply.scratchpads, ElementsAre("a"));
}

TEST(ReplyParser, ReportsClosingTagsWithoutOpeningTags) {
  EXPECT_THAT(ParseReply("reasoning</SCRATCHPAD_REASONING>").reason,
              HasSubstr("</SCRATCHPAD_REASONING> without an opening tag"));
  EXPECT_EQ(ParseReply("answer</OUTPUT>").kind, ReplyKind::kMalformed);
}

TEST(ReplyParser, AllowsTextOutsideTagsAndNotesIt) {
  const ParsedReply reply = ParseReply("Sure.\n" + Block("t") + "\nAI: " + Output("x") + "\nbye");
  EXPECT_EQ(reply.kind, ReplyKind::kOutput);
  EXPECT_EQ(reply.output, "x");
  EXPECT_THAT(reply.notes,
              ElementsAre("text after </OUTPUT> ignored (4 bytes)", "text outside tags (8 bytes)"));
}

TEST(ReplyParser, TakesTheFirstCompleteOutputAndIgnoresLaterOnes) {
  const ParsedReply reply = ParseReply(Output("first") + Block("more") + Output("second"));
  EXPECT_EQ(reply.kind, ReplyKind::kOutput);
  EXPECT_EQ(reply.output, "first");
  EXPECT_THAT(reply.scratchpads, IsEmpty());
  EXPECT_THAT(reply.notes, ElementsAre(HasSubstr("text after </OUTPUT> ignored")));
}

TEST(ReplyParser, ToleratesWhitespaceBeforeTheClosingBracketOnly) {
  EXPECT_EQ(ParseReply("<OUTPUT >x</OUTPUT\r\n>").output, "x");
  EXPECT_EQ(ParseReply("< OUTPUT>x</ OUTPUT>").kind, ReplyKind::kNoOutput);
  EXPECT_EQ(ParseReply("<OUTPUT" + std::string(9, ' ') + ">x</OUTPUT>").kind,
            ReplyKind::kMalformed);  // The opening is text, so the closing tag is stray.
}

TEST(ReplyParser, ReportsTagsInTheWrongCaseOutsideBlocks) {
  const ParsedReply reply = ParseReply("<output>x</output>");
  EXPECT_EQ(reply.kind, ReplyKind::kMalformed);
  EXPECT_EQ(reply.reason, "tag name in the wrong case outside any block at byte 0");
  EXPECT_EQ(ParseReply(Block("the <output> and <Scratchpad_Reasoning> tags")).kind,
            ReplyKind::kNext);
}

TEST(ReplyParser, HintsAtAWrongCaseClosingTagOfAnUnclosedBlock) {
  const ParsedReply reply = ParseReply("<OUTPUT>x</Output>");
  EXPECT_EQ(reply.kind, ReplyKind::kMalformed);
  EXPECT_EQ(reply.reason,
            "unclosed <OUTPUT> opened at byte 0 (a closing tag in the wrong case is at byte 9)");
}

TEST(ReplyParser, ParsesCrlfLineEndings) {
  const ParsedReply reply = ParseReply(
      "<SCRATCHPAD_REASONING>\r\nthink\r\n</SCRATCHPAD_REASONING>\r\n<OUTPUT>\r\nanswer\r\n"
      "</OUTPUT>\r\n");
  EXPECT_EQ(reply.kind, ReplyKind::kOutput);
  EXPECT_THAT(reply.scratchpads, ElementsAre("think"));
  EXPECT_EQ(reply.output, "answer");
  EXPECT_THAT(reply.notes, IsEmpty());
}

TEST(ReplyParser, TreatsEmptyAndBlankRepliesAsNoOutput) {
  for (const std::string reply : {"", " \n\t\r\n"}) {
    const ParsedReply parsed = ParseReply(reply);
    EXPECT_EQ(parsed.kind, ReplyKind::kNoOutput);
    EXPECT_EQ(parsed.reason, "no <SCRATCHPAD_REASONING> or <OUTPUT> tags");
    EXPECT_THAT(parsed.notes, IsEmpty());
  }
}

TEST(ReplyParser, KeepsNulBytesAndInvalidUtf8AsText) {
  const std::string body("a\0b\xff\xfe\xc3", 6);
  const ParsedReply reply = ParseReply(Block(body) + Output(body));
  EXPECT_EQ(reply.kind, ReplyKind::kOutput);
  EXPECT_EQ(reply.output, body);
  EXPECT_THAT(reply.scratchpads, ElementsAre(body));
}

TEST(ReplyParser, FinishesOnAMegabyteOfAngleBrackets) {
  EXPECT_EQ(ParseReply(std::string(1 << 20, '<')).kind, ReplyKind::kNoOutput);
  std::string almost_tags;
  while (almost_tags.size() < (1u << 20)) almost_tags += "<OUTPUT        </SCRATCHPAD_REASONING";
  EXPECT_EQ(ParseReply(almost_tags).kind, ReplyKind::kNoOutput);
}

TEST(ReplyParser, FinishesOnAMegabyteOfTagsInsideABlock) {
  std::string reply = "<SCRATCHPAD_REASONING>";
  while (reply.size() < (1u << 20)) reply += "<OUTPUT></OUTPUT><DRAFT_OUTPUT></DRAFT_OUTPUT>";
  const ParsedReply parsed = ParseReply(reply);
  EXPECT_EQ(parsed.kind, ReplyKind::kMalformed);
  EXPECT_GT(parsed.drafts.size(), 10000u);
}

TEST(ReplyParser, ParsesTheAssistantSideOfAWholeTranscript) {
  std::vector<Turn> turns(3);
  turns[0].response = Block("one");
  turns[1].index = 1;
  turns[1].response = Block("two") + Output("done");
  turns[2].index = 2;
  turns[2].response = Output("ignored");
  const ParsedReply parsed = ParseTurns(turns);
  EXPECT_EQ(parsed.kind, ReplyKind::kOutput);
  EXPECT_EQ(parsed.output, "done");
  EXPECT_EQ(parsed.reason, "turn 1: complete <OUTPUT>");
  EXPECT_THAT(parsed.scratchpads, ElementsAre("one", "two"));
  EXPECT_THAT(parsed.notes, ElementsAre("turn 1: later turns ignored"));
  EXPECT_EQ(ParseTurns({}).reason, "no assistant turns");
}

TEST(TagScanner, RecognisesMentionsByQuotesAndTheWordTag) {
  using protocol_internal::NextTag;
  EXPECT_TRUE(NextTag("say `<OUTPUT>` here", 0)->mention);
  EXPECT_TRUE(NextTag("say '</OUTPUT>' here", 0)->mention);
  EXPECT_TRUE(NextTag("say \xE2\x80\x9C<OUTPUT>\xE2\x80\x9D here", 0)->mention);
  EXPECT_TRUE(NextTag("the <OUTPUT> tags", 0)->mention);
  EXPECT_FALSE(NextTag("the <OUTPUT> tagline", 0)->mention);
  EXPECT_FALSE(NextTag("<OUTPUT>\"quoted answer\"</OUTPUT>", 0)->mention);
  EXPECT_FALSE(NextTag("\"<OUTPUT>answer", 0)->mention);
}

TEST(TagScanner, MatchesOnlyWholeTagNames) {
  using protocol_internal::NextTag;
  EXPECT_FALSE(NextTag("<OUTPUTS> <OUTPUT_X> <OUT> <NEXT/> <OUTPUT/>", 0).has_value());
  const auto token = NextTag("xx</DRAFT_OUTPUT >", 0);
  ASSERT_TRUE(token.has_value());
  EXPECT_EQ(token->name, protocol_internal::TagName::kDraft);
  EXPECT_TRUE(token->closing);
  EXPECT_EQ(token->begin, 2u);
  EXPECT_EQ(token->end, 18u);
}

}  // namespace
}  // namespace afbench
