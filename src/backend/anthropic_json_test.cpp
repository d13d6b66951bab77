#include "anthropic_json.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "support/test_paths.h"

namespace afbench {
namespace {

std::filesystem::path TestData(const std::string& name) {
  return testing::SourceDir() / "src/backend/testdata" / name;
}

std::string Recorded(const std::string& name) { return testing::ReadFile(TestData(name)); }

void ExpectRequestMatchesGolden(const std::string& encoded, const std::string& golden) {
  nlohmann::json parsed = nlohmann::json::parse(encoded, nullptr, false);
  ASSERT_FALSE(parsed.is_discarded()) << "request is not JSON";
  testing::ExpectMatchesGolden(parsed.dump(2) + "\n", TestData(golden));
}

TEST(AnthropicJson, PutsSystemInOneCachedTextBlock) {
  Conversation conversation{"Long shared system prompt.",
                            {{Role::kUser, "Question"},
                             {Role::kAssistant, "<SCRATCHPAD_REASONING>x</SCRATCHPAD_REASONING>"},
                             {Role::kUser, "<NEXT/>"}}};
  GenerateRequest request;
  request.sampling = SamplingParams{.temperature = 1.0, .max_tokens = 4096, .seed = 7};
  std::string encoded = EncodeAnthropicRequest("claude-3-opus-20240229", conversation, request);
  ExpectRequestMatchesGolden(encoded, "anthropic_request_two_turns.json");
  nlohmann::json body = nlohmann::json::parse(encoded);
  ASSERT_EQ(body["system"].size(), 1u);
  EXPECT_EQ(body["system"][0]["cache_control"]["type"], "ephemeral");
  EXPECT_EQ(body["system"][0]["text"], "Long shared system prompt.");
  EXPECT_FALSE(body.contains("seed")) << "the Messages API takes no seed";
  EXPECT_EQ(body["messages"].size(), 3u);
}

TEST(AnthropicJson, SendsPrefillWithoutTrailingWhitespaceAndOmitsEmptySystem) {
  GenerateRequest request;
  request.prefill = "<OUTPUT>\n";
  Conversation conversation{"", {{Role::kUser, "Question"}}};
  std::string encoded = EncodeAnthropicRequest("claude-3-5-sonnet-20240620", conversation, request);
  ExpectRequestMatchesGolden(encoded, "anthropic_request_prefill.json");
  nlohmann::json body = nlohmann::json::parse(encoded);
  EXPECT_FALSE(body.contains("system"));
  EXPECT_EQ(body["messages"].back()["role"], "assistant");
  EXPECT_EQ(body["messages"].back()["content"], "<OUTPUT>");
}

TEST(AnthropicJson, DecodesTextStopReasonAndCacheUsage) {
  Result<Generation> generation =
      DecodeAnthropicResponse(Recorded("anthropic_response_end_turn.json"), "");
  ASSERT_TRUE(generation) << generation.error().message;
  EXPECT_EQ(generation->text,
            "<SCRATCHPAD_REASONING>\nLet me think about this request.\n</SCRATCHPAD_REASONING>");
  EXPECT_EQ(generation->finish, FinishReason::kStop);
  EXPECT_EQ(generation->raw_finish_reason, "end_turn");
  EXPECT_EQ(generation->usage.input_tokens, 210);
  EXPECT_EQ(generation->usage.output_tokens, 22);
  EXPECT_EQ(generation->usage.cache_read_tokens, 5300);
  EXPECT_EQ(generation->usage.cache_write_tokens, 0);
  EXPECT_EQ(generation->served_model, "claude-3-opus-20240229");
}

TEST(AnthropicJson, MapsMaxTokensToLengthAndCountsCacheWrites) {
  Result<Generation> generation =
      DecodeAnthropicResponse(Recorded("anthropic_response_max_tokens.json"), "");
  ASSERT_TRUE(generation);
  EXPECT_EQ(generation->finish, FinishReason::kLength);
  EXPECT_EQ(generation->usage.cache_write_tokens, 5300);
}

TEST(AnthropicJson, JoinsTextBlocksAndSkipsThinkingBlocks) {
  Result<Generation> generation =
      DecodeAnthropicResponse(Recorded("anthropic_response_multiple_blocks.json"), "");
  ASSERT_TRUE(generation);
  EXPECT_EQ(generation->text, "<OUTPUT>\n<rejected/>\n</OUTPUT>");
  EXPECT_EQ(generation->usage.cache_read_tokens, 0);
}

TEST(AnthropicJson, PutsTheUntrimmedPrefillBackWithoutDoublingWhitespace) {
  // The prefill was sent as "<OUTPUT>"; the model's continuation starts with the newline itself.
  Result<Generation> generation =
      DecodeAnthropicResponse(Recorded("anthropic_response_continuation.json"), "<OUTPUT>\n");
  ASSERT_TRUE(generation);
  EXPECT_EQ(generation->text,
            "<OUTPUT>\n<request_fully_accepted/>\nPlaceholder answer.\n</OUTPUT>");
  EXPECT_EQ(generation->finish, FinishReason::kStop);
  EXPECT_EQ(generation->raw_finish_reason, "stop_sequence");
}

TEST(AnthropicJson, AcceptsAnEmptyContentArray) {
  Result<Generation> generation =
      DecodeAnthropicResponse(Recorded("anthropic_response_empty_content.json"), "");
  ASSERT_TRUE(generation);
  EXPECT_EQ(generation->text, "");
}

TEST(AnthropicJson, RejectsBodiesWithoutContent) {
  for (const char* name :
       {"anthropic_response_no_content.json", "anthropic_error_overloaded.json"}) {
    Result<Generation> generation = DecodeAnthropicResponse(Recorded(name), "");
    ASSERT_FALSE(generation) << name;
    EXPECT_EQ(generation.error().kind, ErrorKind::kBadResponse) << name;
    EXPECT_TRUE(generation.error().message.starts_with("backend: anthropic: bad response: "));
  }
  EXPECT_EQ(DecodeAnthropicResponse("{", "").error().kind, ErrorKind::kBadResponse);
}

TEST(AnthropicJson, SendsKeyAndVersionHeaders) {
  auto headers = AnthropicHeaders("sk-ant-test");
  auto has = [&](const std::string& name, const std::string& value) {
    return std::find(headers.begin(), headers.end(), std::make_pair(name, value)) != headers.end();
  };
  EXPECT_TRUE(has("x-api-key", "sk-ant-test"));
  EXPECT_TRUE(has("anthropic-version", "2023-06-01"));
  for (const auto& [name, value] : AnthropicHeaders("")) EXPECT_NE(name, "x-api-key");
}

}  // namespace
}  // namespace afbench
