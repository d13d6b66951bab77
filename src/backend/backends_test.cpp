#include "afbench/backends.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>

#include "afbench/llama_backend.h"

namespace afbench {
namespace {

TEST(BackendTable, ListsOpenAiAndAnthropicWithTheirEnvironmentVariables) {
  const std::vector<BackendInfo>& table = BackendTable();
  ASSERT_EQ(table.size(), LlamaBackendAvailable() ? 3u : 2u);
  EXPECT_STREQ(table[0].provider, "openai");
  EXPECT_STREQ(table[0].api_key_env, "OPENAI_API_KEY");
  EXPECT_STREQ(table[0].default_base_url, "https://api.openai.com/v1");
  EXPECT_STREQ(table[1].provider, "anthropic");
  EXPECT_STREQ(table[1].api_key_env, "ANTHROPIC_API_KEY");
  EXPECT_STREQ(table[1].base_url_env, "ANTHROPIC_BASE_URL");
}

// The in-process provider exists only in builds with llama.cpp, and says so otherwise.
TEST(BackendTable, HasTheLlamaRowExactlyWhenBuiltWithLlamaCpp) {
  const std::vector<BackendInfo>& table = BackendTable();
  const bool listed = std::any_of(table.begin(), table.end(), [](const BackendInfo& info) {
    return std::string(info.provider) == "llama";
  });
  EXPECT_EQ(listed, LlamaBackendAvailable());
  auto missing = MakeBackend({.spec = "llama/no-such-model.gguf"});
  ASSERT_FALSE(missing);
  if (LlamaBackendAvailable()) {
    EXPECT_EQ(missing.error().kind, ErrorKind::kNotFound) << missing.error().message;
  } else {
    EXPECT_NE(missing.error().message.find("built without llama.cpp"), std::string::npos)
        << missing.error().message;
  }
}

TEST(ParseModelSpec, SplitsAtTheFirstSlashOnly) {
  auto parsed = ParseModelSpec("openai/meta-llama/Llama-3-8b");
  ASSERT_TRUE(parsed) << parsed.error().message;
  EXPECT_EQ(parsed->first, "openai");
  EXPECT_EQ(parsed->second, "meta-llama/Llama-3-8b");
  EXPECT_EQ(ParseModelSpec("anthropic/claude-3-opus-20240229")->second, "claude-3-opus-20240229");
}

TEST(ParseModelSpec, NamesTheKnownProvidersForAnUnknownOne) {
  auto parsed = ParseModelSpec("gemini/pro");
  ASSERT_FALSE(parsed);
  EXPECT_EQ(parsed.error().kind, ErrorKind::kInvalidInput);
  EXPECT_NE(parsed.error().message.find("unknown provider \"gemini\""), std::string::npos);
  EXPECT_NE(parsed.error().message.find("openai, anthropic"), std::string::npos);
}

TEST(ParseModelSpec, RejectsAMissingSlashOrEmptyModel) {
  EXPECT_EQ(ParseModelSpec("gpt-4o").error().kind, ErrorKind::kInvalidInput);
  auto empty = ParseModelSpec("openai/");
  ASSERT_FALSE(empty);
  EXPECT_NE(empty.error().message.find("empty model"), std::string::npos);
}

TEST(MakeBackend, BuildsBothProvidersForALocalServerWithoutKey) {
  for (const char* spec : {"openai/local-model", "anthropic/claude-x"}) {
    auto backend = MakeBackend({.spec = spec, .base_url = "http://127.0.0.1:1"});
    ASSERT_TRUE(backend) << backend.error().message;
    EXPECT_NE(backend->get(), nullptr);
  }
}

TEST(MakeBackend, RequiresAKeyForThePublicEndpoint) {
  auto backend = MakeBackend({.spec = "anthropic/claude-3-opus-20240229"});
  ASSERT_FALSE(backend);
  EXPECT_EQ(backend.error().kind, ErrorKind::kAuth);
  EXPECT_NE(backend.error().message.find("ANTHROPIC_API_KEY"), std::string::npos);
  EXPECT_TRUE(MakeBackend({.spec = "openai/gpt-4o", .api_key = "sk-x"}));
}

TEST(MakeBackend, RejectsBadUrlsTimeoutsAndSpecs) {
  EXPECT_EQ(MakeBackend({.spec = "openai/m", .base_url = "localhost:8000"}).error().kind,
            ErrorKind::kInvalidInput);
  EXPECT_EQ(MakeBackend({.spec = "openai/m", .base_url = "http://h", .request_timeout_ms = 0})
                .error()
                .kind,
            ErrorKind::kInvalidInput);
  EXPECT_EQ(MakeBackend({.spec = "nope/m"}).error().kind, ErrorKind::kInvalidInput);
}

TEST(CheckBaseUrl, RefusesCredentialsWithoutPrintingThem) {
  Status refused = CheckBaseUrl("https://user:hunter2@proxy.example/v1");
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().kind, ErrorKind::kInvalidInput);
  EXPECT_EQ(refused.error().message.find("hunter2"), std::string::npos) << refused.error().message;
  EXPECT_NE(refused.error().message.find("https://***@proxy.example/v1"), std::string::npos)
      << refused.error().message;
  EXPECT_FALSE(MakeBackend({.spec = "openai/m", .base_url = "http://k@127.0.0.1:1/v1"}));
  EXPECT_FALSE(CheckBaseUrl("ftp://h/v1"));
  EXPECT_FALSE(CheckBaseUrl("http:///v1"));
  EXPECT_TRUE(CheckBaseUrl("http://127.0.0.1:8000/v1?user=a@b"));  // '@' after the host is fine
}

TEST(UrlHost, IsLowercaseWithoutPortOrCredentials) {
  EXPECT_EQ(UrlHost("https://API.OpenAI.com/v1"), "api.openai.com");
  EXPECT_EQ(UrlHost("http://127.0.0.1:8000/v1"), "127.0.0.1");
  EXPECT_EQ(UrlHost("http://[::1]:8000/v1"), "[::1]");
  EXPECT_EQ(UrlHost("http://u:p@host.example:1"), "host.example");
  EXPECT_EQ(UrlHost("not a url"), "");
}

TEST(SendsKeyTo, TheProvidersOwnHostOrANamedOne) {
  const BackendInfo& openai = BackendTable()[0];
  EXPECT_TRUE(SendsKeyTo({.spec = "openai/m"}, openai));
  EXPECT_TRUE(SendsKeyTo({.spec = "openai/m", .base_url = "https://api.openai.com/v1/"}, openai));
  EXPECT_FALSE(
      SendsKeyTo({.spec = "openai/m", .base_url = "https://api.openai.com.evil/v1"}, openai));
  EXPECT_FALSE(SendsKeyTo({.spec = "openai/m", .base_url = "http://127.0.0.1:8000/v1"}, openai));
  EXPECT_TRUE(SendsKeyTo(
      {.spec = "openai/m", .base_url = "http://127.0.0.1:8000/v1", .base_url_named = true},
      openai));
}

}  // namespace
}  // namespace afbench
