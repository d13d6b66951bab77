#include "fake_api.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace afbench::fake {
namespace {

using nlohmann::json;

const char* kUser = "<is_free_tier_user>true</is_free_tier_user>\n<user_input>Hello</user_input>";

std::string OpenAiBody(const std::string& user, json extra = json::object()) {
  json body = {{"model", "fake-model"},
               {"max_tokens", 1000},
               {"messages",
                {{{"role", "system"}, {"content", "Use <SCRATCHPAD_REASONING> tags."}},
                 {{"role", "user"}, {"content", user}}}}};
  body.update(extra);
  return body.dump();
}

std::string AnthropicBody(const std::string& user, bool cache) {
  json system_block = {{"type", "text"},
                       {"text", "A long shared system prompt, SCRATCHPAD_REASONING."}};
  if (cache) system_block["cache_control"] = {{"type", "ephemeral"}};
  return json{{"model", "claude-fake"},
              {"max_tokens", 1000},
              {"system", json::array({system_block})},
              {"messages", {{{"role", "user"}, {"content", user}}}}}
      .dump();
}

TEST(FakeApi, AnswersOpenAiInTheChatCompletionShape) {
  FakeApi api({});
  HttpReply reply = api.Handle(Api::kOpenAi, OpenAiBody(kUser), "q1/free/e0");
  ASSERT_EQ(reply.status, 200) << reply.body;
  EXPECT_EQ(reply.turn, 1);
  json body = json::parse(reply.body);
  EXPECT_EQ(body["object"], "chat.completion");
  EXPECT_EQ(body["model"], "fake-model");
  EXPECT_TRUE(body["id"].get<std::string>().starts_with("chatcmpl-"));
  EXPECT_EQ(body["choices"][0]["index"], 0);
  EXPECT_EQ(body["choices"][0]["message"]["role"], "assistant");
  EXPECT_TRUE(body["choices"][0]["message"]["content"].is_string());
  EXPECT_TRUE(body["choices"][0]["finish_reason"] == "stop" ||
              body["choices"][0]["finish_reason"] == "length");
  const json& usage = body["usage"];
  EXPECT_GT(usage["prompt_tokens"].get<int>(), 0);
  EXPECT_EQ(usage["total_tokens"],
            usage["prompt_tokens"].get<int>() + usage["completion_tokens"].get<int>());
}

TEST(FakeApi, RepeatsTheSameBytesForTheSameRequest) {
  FakeApi api({});
  EXPECT_EQ(api.Handle(Api::kOpenAi, OpenAiBody(kUser), "").body,
            api.Handle(Api::kOpenAi, OpenAiBody(kUser), "").body);
}

TEST(FakeApi, AnswersAnthropicInTheMessagesShape) {
  FakeApi api({});
  HttpReply reply = api.Handle(Api::kAnthropic, AnthropicBody(kUser, false), "");
  ASSERT_EQ(reply.status, 200) << reply.body;
  json body = json::parse(reply.body);
  EXPECT_EQ(body["type"], "message");
  EXPECT_EQ(body["role"], "assistant");
  EXPECT_EQ(body["model"], "claude-fake");
  EXPECT_EQ(body["content"][0]["type"], "text");
  EXPECT_TRUE(body["stop_reason"] == "end_turn" || body["stop_reason"] == "max_tokens");
  EXPECT_EQ(body["usage"]["cache_read_input_tokens"], 0);
  EXPECT_EQ(body["usage"]["cache_creation_input_tokens"], 0);
}

TEST(FakeApi, SimulatesPromptCachingOfACachedSystemPrompt) {
  FakeApi api({});
  json first =
      json::parse(api.Handle(Api::kAnthropic, AnthropicBody(kUser, true), "").body)["usage"];
  json second =
      json::parse(api.Handle(Api::kAnthropic, AnthropicBody("other", true), "").body)["usage"];
  const int system_tokens = first["cache_creation_input_tokens"];
  EXPECT_GT(system_tokens, 0);
  EXPECT_EQ(first["cache_read_input_tokens"], 0);
  EXPECT_EQ(second["cache_read_input_tokens"], system_tokens);
  EXPECT_EQ(second["cache_creation_input_tokens"], 0);
  EXPECT_GT(second["input_tokens"].get<int>(), 0);
}

TEST(FakeApi, ReturnsOnlyTheContinuationOfATrailingAssistantMessage) {
  FakeApi api({});
  json extra = {
      {"messages",
       {{{"role", "user"}, {"content", kUser}},
        {{"role", "assistant"}, {"content", "<SCRATCHPAD_REASONING>x</SCRATCHPAD_REASONING>"}},
        {{"role", "user"}, {"content", "<NEXT/>"}},
        {{"role", "assistant"}, {"content", "<OUTPUT>"}}}}};
  HttpReply reply = api.Handle(Api::kOpenAi, OpenAiBody(kUser, extra), "");
  ASSERT_EQ(reply.status, 200);
  EXPECT_EQ(reply.turn, 2);
  std::string content = json::parse(reply.body)["choices"][0]["message"]["content"];
  EXPECT_TRUE(content.starts_with("\n<")) << content;
}

TEST(FakeApi, RejectsUnreadableRequestsInEachApisErrorShape) {
  FakeApi api({});
  HttpReply openai = api.Handle(Api::kOpenAi, "{not json", "");
  EXPECT_EQ(openai.status, 400);
  EXPECT_TRUE(json::parse(openai.body)["error"]["message"].is_string());
  json no_max_tokens = json::parse(AnthropicBody(kUser, true));
  no_max_tokens.erase("max_tokens");
  HttpReply anthropic = api.Handle(Api::kAnthropic, no_max_tokens.dump(), "");
  EXPECT_EQ(anthropic.status, 400);
  EXPECT_EQ(json::parse(anthropic.body)["type"], "error");
  json bad_role = {{"messages", {{{"role", "tool"}, {"content", "x"}}}}};
  EXPECT_EQ(api.Handle(Api::kOpenAi, bad_role.dump(), "").status, 400);
  EXPECT_EQ(api.Handle(Api::kOpenAi, R"({"messages":[]})", "").status, 400);
  EXPECT_EQ(api.Handle(Api::kOpenAi, R"({"messages":[{"role":5,"content":[1]}]})", "").status, 400);
}

TEST(FakeApi, RateLimitsEveryNthFirstAttemptAndLetsItsRetryThrough) {
  FakeApi api(ServerOptions{.policy = {}, .fail_every = 3});
  std::vector<int> statuses;
  for (const char* id : {"a", "b", "c", "c", "d", "e", "f", "f"}) {
    statuses.push_back(api.Handle(Api::kOpenAi, OpenAiBody(kUser), id).status);
  }
  EXPECT_EQ(statuses, (std::vector<int>{200, 200, 429, 200, 200, 200, 429, 200}));
  HttpReply limited = FakeApi(ServerOptions{.policy = {}, .fail_every = 1})
                          .Handle(Api::kAnthropic, AnthropicBody(kUser, true), "x");
  EXPECT_EQ(limited.status, 429);
  ASSERT_EQ(limited.headers.size(), 1u);
  EXPECT_EQ(limited.headers[0], (std::pair<std::string, std::string>{"Retry-After", "0"}));
  EXPECT_EQ(json::parse(limited.body)["error"]["type"], "rate_limit_error");
}

}  // namespace
}  // namespace afbench::fake
