#include "openai_json.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "support/test_paths.h"

namespace afbench {
namespace {

std::filesystem::path TestData(const std::string& name) {
  return testing::SourceDir() / "src/backend/testdata" / name;
}

std::string Recorded(const std::string& name) { return testing::ReadFile(TestData(name)); }

// Golden files hold the request pretty-printed so that a diff is readable.
void ExpectRequestMatchesGolden(const std::string& encoded, const std::string& golden) {
  nlohmann::json parsed = nlohmann::json::parse(encoded, nullptr, false);
  ASSERT_FALSE(parsed.is_discarded()) << "request is not JSON";
  testing::ExpectMatchesGolden(parsed.dump(2) + "\n", TestData(golden));
}

Conversation TwoTurnConversation() {
  return Conversation{"You are a helpful assistant.",
                      {{Role::kUser, "<is_free_tier_user>true</is_free_tier_user>\nHi"},
                       {Role::kAssistant, "<SCRATCHPAD_REASONING>ok</SCRATCHPAD_REASONING>"},
                       {Role::kUser, "<NEXT/>"}}};
}

TEST(OpenAiJson, EncodesSystemFirstThenMessagesWithSamplingAndSeed) {
  GenerateRequest request;
  request.sampling = SamplingParams{.temperature = 0.0, .max_tokens = 512, .seed = 42};
  std::string encoded = EncodeOpenAiRequest("gpt-4o", TwoTurnConversation(), request);
  ExpectRequestMatchesGolden(encoded, "openai_request_two_turns.json");
  nlohmann::json body = nlohmann::json::parse(encoded);
  EXPECT_EQ(body["messages"][0]["role"], "system");
  EXPECT_EQ(body["messages"].size(), 4u);
  EXPECT_EQ(body["seed"], 42);
}

TEST(OpenAiJson, SendsPrefillAsTrailingAssistantMessageAndOmitsUnsetSeed) {
  GenerateRequest request;
  request.prefill = "<OUTPUT>\n";
  Conversation conversation{"", {{Role::kUser, "Say hi"}}};
  std::string encoded = EncodeOpenAiRequest("meta-llama/Llama-3-8b", conversation, request);
  ExpectRequestMatchesGolden(encoded, "openai_request_prefill.json");
  nlohmann::json body = nlohmann::json::parse(encoded);
  EXPECT_FALSE(body.contains("seed"));
  EXPECT_EQ(body["messages"].back()["role"], "assistant");
  EXPECT_EQ(body["messages"].back()["content"], "<OUTPUT>\n");
  EXPECT_EQ(body["model"], "meta-llama/Llama-3-8b");
}

TEST(OpenAiJson, EncodesInvalidUtf8WithoutFailing) {
  Conversation conversation{"", {{Role::kUser, std::string("bad \xff byte")}}};
  std::string encoded = EncodeOpenAiRequest("m", conversation, GenerateRequest{});
  EXPECT_FALSE(nlohmann::json::parse(encoded, nullptr, false).is_discarded());
}

TEST(OpenAiJson, DecodesTextFinishReasonAndUsageIncludingCachedTokens) {
  Result<Generation> generation = DecodeOpenAiResponse(Recorded("openai_response_stop.json"), "");
  ASSERT_TRUE(generation) << generation.error().message;
  EXPECT_EQ(generation->text,
            "<SCRATCHPAD_REASONING>\nI should think about how to answer.\n</SCRATCHPAD_REASONING>");
  EXPECT_EQ(generation->finish, FinishReason::kStop);
  EXPECT_EQ(generation->raw_finish_reason, "stop");
  EXPECT_EQ(generation->usage.input_tokens, 5120);
  EXPECT_EQ(generation->usage.output_tokens, 17);
  EXPECT_EQ(generation->usage.cache_read_tokens, 4864);
  EXPECT_EQ(generation->usage.cache_write_tokens, 0);
  EXPECT_EQ(generation->served_model, "gpt-4o-2024-08-06");  // the snapshot behind the alias
}

// The served model is the provider's word, printed by `afbench summary`: no control characters
// (a terminal escape), no unbounded length, nothing when it is not a string.
TEST(OpenAiJson, KeepsOnlyPrintableAsciiOfTheServedModel) {
  const std::string choices = R"("choices":[{"message":{"content":"x"},"finish_reason":"stop"}])";
  auto escaped = DecodeOpenAiResponse(R"({"model":"gpt\u001b[31m-4o\n",)" + choices + "}", "");
  ASSERT_TRUE(escaped) << escaped.error().message;
  EXPECT_EQ(escaped->served_model, "gpt[31m-4o");
  auto long_name =
      DecodeOpenAiResponse(R"({"model":")" + std::string(1000, 'm') + R"(",)" + choices + "}", "");
  ASSERT_TRUE(long_name);
  EXPECT_EQ(long_name->served_model.size(), 256u);
  auto number = DecodeOpenAiResponse(R"({"model":7,)" + choices + "}", "");
  ASSERT_TRUE(number);
  EXPECT_EQ(number->served_model, "");
}

TEST(OpenAiJson, MapsLengthToTruncation) {
  Result<Generation> generation = DecodeOpenAiResponse(Recorded("openai_response_length.json"), "");
  ASSERT_TRUE(generation);
  EXPECT_EQ(generation->finish, FinishReason::kLength);
  EXPECT_EQ(generation->usage.output_tokens, 8);
}

TEST(OpenAiJson, TreatsNullContentAsEmptyTextWithOtherFinish) {
  Result<Generation> generation =
      DecodeOpenAiResponse(Recorded("openai_response_content_null.json"), "");
  ASSERT_TRUE(generation);
  EXPECT_EQ(generation->text, "");
  EXPECT_EQ(generation->finish, FinishReason::kOther);
  EXPECT_EQ(generation->raw_finish_reason, "content_filter");
}

TEST(OpenAiJson, AcceptsEmptyContent) {
  Result<Generation> generation =
      DecodeOpenAiResponse(Recorded("openai_response_empty_content.json"), "");
  ASSERT_TRUE(generation);
  EXPECT_EQ(generation->text, "");
  EXPECT_EQ(generation->finish, FinishReason::kStop);
}

TEST(OpenAiJson, PrependsPrefillToAContinuation) {
  Result<Generation> generation =
      DecodeOpenAiResponse(Recorded("openai_response_continuation.json"), "<OUTPUT>\n");
  ASSERT_TRUE(generation);
  EXPECT_EQ(generation->text, "<OUTPUT>\n<rejected/>\n</OUTPUT>");
}

TEST(OpenAiJson, DoesNotDoublePrefillThatTheServerEchoes) {
  Result<Generation> generation =
      DecodeOpenAiResponse(Recorded("openai_response_content_parts.json"), "<OUTPUT>\n");
  ASSERT_TRUE(generation);
  EXPECT_EQ(generation->text, "<OUTPUT>\n<rejected/>\n</OUTPUT>");
  EXPECT_EQ(generation->usage.input_tokens, 0);
}

TEST(OpenAiJson, RejectsBodiesWithoutUsableChoices) {
  for (const char* name : {"openai_response_no_choices.json", "openai_response_empty_choices.json",
                           "openai_response_content_number.json", "openai_error_rate_limit.json"}) {
    Result<Generation> generation = DecodeOpenAiResponse(Recorded(name), "");
    ASSERT_FALSE(generation) << name;
    EXPECT_EQ(generation.error().kind, ErrorKind::kBadResponse) << name;
    EXPECT_TRUE(generation.error().message.starts_with("backend: openai: bad response: ")) << name;
  }
}

TEST(OpenAiJson, RejectsInvalidJsonAndQuotesTheBodyStart) {
  Result<Generation> generation = DecodeOpenAiResponse("<html>Bad gateway</html>", "");
  ASSERT_FALSE(generation);
  EXPECT_EQ(generation.error().kind, ErrorKind::kBadResponse);
  EXPECT_NE(generation.error().message.find("not JSON"), std::string::npos);
  EXPECT_NE(generation.error().message.find("<html>Bad gateway"), std::string::npos);
}

TEST(OpenAiJson, SendsBearerTokenOnlyWhenAKeyIsSet) {
  auto with_key = OpenAiHeaders("sk-test");
  EXPECT_NE(std::find(with_key.begin(), with_key.end(),
                      std::make_pair(std::string("Authorization"), std::string("Bearer sk-test"))),
            with_key.end());
  for (const auto& [name, value] : OpenAiHeaders("")) EXPECT_NE(name, "Authorization");
}

}  // namespace
}  // namespace afbench
