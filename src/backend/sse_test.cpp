// The streamed replies of both APIs, assembled, decode to exactly what their non-streamed bodies
// decode to: a streamed Turn is stored as the non-streamed one. The stream files are written from
// the APIs' documented event shapes and carry the same reply as the JSON beside them.
#include "sse.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "anthropic_json.h"
#include "openai_json.h"
#include "support/test_paths.h"

namespace afbench {
namespace {

std::string Recorded(const std::string& name) {
  return testing::ReadFile(testing::SourceDir() / "src/backend/testdata" / name);
}

void ExpectSameGeneration(const Result<Generation>& streamed, const Result<Generation>& whole) {
  ASSERT_TRUE(streamed.has_value()) << streamed.error().message;
  ASSERT_TRUE(whole.has_value()) << whole.error().message;
  EXPECT_EQ(streamed->text, whole->text);
  EXPECT_EQ(streamed->finish, whole->finish);
  EXPECT_EQ(streamed->raw_finish_reason, whole->raw_finish_reason);
  EXPECT_EQ(streamed->usage.input_tokens, whole->usage.input_tokens);
  EXPECT_EQ(streamed->usage.output_tokens, whole->usage.output_tokens);
  EXPECT_EQ(streamed->usage.cache_read_tokens, whole->usage.cache_read_tokens);
  EXPECT_EQ(streamed->usage.cache_write_tokens, whole->usage.cache_write_tokens);
  EXPECT_EQ(streamed->served_model, whole->served_model);
  EXPECT_FALSE(streamed->served_model.empty());  // every recorded stream names its model
}

TEST(ParseSse, JoinsDataLinesSkipsCommentsAndReadsCrlf) {
  auto events = ParseSse("event: a\r\ndata: one\r\ndata:two\r\n\r\n: comment\n\ndata: x\n");
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[0].event, "a");
  EXPECT_EQ(events[0].data, "one\ntwo");
  EXPECT_EQ(events[1].event, "");
  EXPECT_EQ(events[1].data, "x");
}

TEST(AssembleOpenAiStream, DecodesToTheNonStreamedReply) {
  auto assembled = AssembleOpenAiStream(Recorded("openai_stream_stop.sse"));
  ASSERT_TRUE(assembled.has_value()) << assembled.error().message;
  ExpectSameGeneration(DecodeOpenAiResponse(*assembled, ""),
                       DecodeOpenAiResponse(Recorded("openai_response_stop.json"), ""));
  ExpectSameGeneration(
      DecodeOpenAiResponse(*assembled, "<SCRATCHPAD_REASONING>"),
      DecodeOpenAiResponse(Recorded("openai_response_stop.json"), "<SCRATCHPAD_REASONING>"));
}

TEST(AssembleAnthropicStream, DecodesToTheNonStreamedReply) {
  auto assembled = AssembleAnthropicStream(Recorded("anthropic_stream_end_turn.sse"));
  ASSERT_TRUE(assembled.has_value()) << assembled.error().message;
  ExpectSameGeneration(DecodeAnthropicResponse(*assembled, ""),
                       DecodeAnthropicResponse(Recorded("anthropic_response_end_turn.json"), ""));
  auto blocks = AssembleAnthropicStream(Recorded("anthropic_stream_multiple_blocks.sse"));
  ASSERT_TRUE(blocks.has_value()) << blocks.error().message;
  ExpectSameGeneration(
      DecodeAnthropicResponse(*blocks, ""),
      DecodeAnthropicResponse(Recorded("anthropic_response_multiple_blocks.json"), ""));
}

TEST(AssembleStream, AStreamCutBeforeItsEndIsATransientFailureNotAShorterReply) {
  std::string openai = Recorded("openai_stream_stop.sse");
  openai = openai.substr(0, openai.find("data: [DONE]"));
  auto cut = AssembleOpenAiStream(openai);
  ASSERT_FALSE(cut.has_value());
  EXPECT_EQ(cut.error().kind, ErrorKind::kTransient);
  std::string anthropic = Recorded("anthropic_stream_end_turn.sse");
  auto cut_anthropic =
      AssembleAnthropicStream(anthropic.substr(0, anthropic.find("event: message_stop")));
  ASSERT_FALSE(cut_anthropic.has_value());
  EXPECT_EQ(cut_anthropic.error().kind, ErrorKind::kTransient);
  EXPECT_FALSE(AssembleOpenAiStream("data: {not json\n\n").has_value());
  EXPECT_FALSE(AssembleOpenAiStream("").has_value());
}

TEST(AssembleStream, AnErrorEventIsAnErrorOfItsKind) {
  auto overloaded = AssembleAnthropicStream(Recorded("anthropic_stream_overloaded.sse"));
  ASSERT_FALSE(overloaded.has_value());
  EXPECT_EQ(overloaded.error().kind, ErrorKind::kRateLimited);
  EXPECT_NE(overloaded.error().message.find("Overloaded"), std::string::npos);
  auto openai = AssembleOpenAiStream(
      "data: {\"error\":{\"message\":\"boom\",\"type\":\"server_error\"}}\n\ndata: [DONE]\n\n");
  ASSERT_FALSE(openai.has_value());
  EXPECT_EQ(openai.error().kind, ErrorKind::kTransient);
  EXPECT_NE(openai.error().message.find("boom"), std::string::npos);
}

TEST(AssembleStream, AnErrorEventIsClassifiedAsTheResponseOfItsTypeWouldBe) {
  auto quota = AssembleOpenAiStream(
      "data: {\"error\":{\"message\":\"out\",\"type\":\"insufficient_quota\"}}\n\n");
  ASSERT_FALSE(quota.has_value());
  EXPECT_TRUE(quota.error().permanent) << "waiting does not add credit";
  auto key = AssembleAnthropicStream(
      "event: error\ndata: {\"type\":\"error\",\"error\":{\"type\":\"authentication_error\","
      "\"message\":\"bad key\"}}\n\n");
  ASSERT_FALSE(key.has_value());
  EXPECT_EQ(key.error().kind, ErrorKind::kAuth);
}

TEST(EncodeRequest, AsksForAStreamWithUsage) {
  const Conversation conversation{"sys", {{Role::kUser, "hi"}}};
  auto openai = nlohmann::json::parse(EncodeOpenAiRequest("m", conversation, {}, true));
  EXPECT_EQ(openai["stream"], true);
  EXPECT_EQ(openai["stream_options"]["include_usage"], true);
  EXPECT_FALSE(
      nlohmann::json::parse(EncodeOpenAiRequest("m", conversation, {})).contains("stream"));
  auto anthropic = nlohmann::json::parse(EncodeAnthropicRequest("m", conversation, {}, true));
  EXPECT_EQ(anthropic["stream"], true);
}

}  // namespace
}  // namespace afbench
