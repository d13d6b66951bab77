// LlamaServer, the test guard around the real llama-server process: it comes up on a free loopback
// port with a tiny model, answers /health, and is gone after Stop(); failures quote its log.
#include "llama_server.h"

#include <gtest/gtest.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <string_view>

#include "support/test_paths.h"

namespace afbench::testing {
namespace {

bool HaveLlama() { return !std::string_view(AFBENCH_LLAMA_SERVER_BIN).empty(); }

// A tiny model from the test tool (tests/tools); fails the test when the tool fails.
std::filesystem::path TinyModel(const std::filesystem::path& dir) {
  const auto model = dir / "tiny.gguf";
  const Status made = MakeTinyModel(
      AFBENCH_TINY_MODEL_TOOL,
      std::filesystem::path(AFBENCH_LLAMA_VOCAB_DIR) / "ggml-vocab-qwen2.gguf", model);
  EXPECT_TRUE(made) << made.error().message;
  return model;
}

TEST(PickFreeLoopbackPort, ReturnsAPortThatCanBeBoundAgain) {
  Result<int> port = PickFreeLoopbackPort();
  ASSERT_TRUE(port) << port.error().message;
  EXPECT_GT(*port, 0);
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = htons(static_cast<uint16_t>(*port));
  EXPECT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)), 0);
  ::close(fd);
}

// Removes the test's directory (a 25 MB model) unless the test failed.
class LlamaServerProcess : public ::testing::Test {
 protected:
  void TearDown() override {
    if (!HasFailure()) std::filesystem::remove_all(dir_);
  }
  std::filesystem::path dir_ = MakeTempDir();
};

TEST_F(LlamaServerProcess, ServesHealthOnAFreeLoopbackPortAndExitsOnSigterm) {
  if (!HaveLlama()) GTEST_SKIP() << "llama.cpp was not built (scripts/llama.sh, then reconfigure)";
  const auto& dir = dir_;
  auto server = LlamaServer::Start({.binary = AFBENCH_LLAMA_SERVER_BIN,
                                    .model = TinyModel(dir),
                                    .log_path = dir / "server.log"});
  ASSERT_TRUE(server) << server.error().message;
  const int port = (*server)->port();
  EXPECT_EQ(HttpGetStatus(port, "/health"), 200);
  EXPECT_EQ(HttpGetStatus(port, "/v1/models"), 200);

  const std::optional<int> exit_status = (*server)->Stop();
  ASSERT_TRUE(exit_status.has_value());
  EXPECT_NE(*exit_status, 128 + SIGKILL) << "llama-server ignored SIGTERM";
  EXPECT_FALSE((*server)->Running());
  EXPECT_EQ(HttpGetStatus(port, "/health"), std::nullopt);
  EXPECT_EQ((*server)->Stop(), std::nullopt) << "a second Stop() has nothing to stop";
}

TEST_F(LlamaServerProcess, QuotesTheServerLogWhenTheModelCannotBeLoaded) {
  if (!HaveLlama()) GTEST_SKIP() << "llama.cpp was not built (scripts/llama.sh, then reconfigure)";
  const auto& dir = dir_;
  WriteFile(dir / "broken.gguf", "not a model");
  auto server = LlamaServer::Start({.binary = AFBENCH_LLAMA_SERVER_BIN,
                                    .model = dir / "broken.gguf",
                                    .log_path = dir / "server.log",
                                    .start_timeout = std::chrono::seconds(30)});
  ASSERT_FALSE(server);
  EXPECT_EQ(server.error().kind, ErrorKind::kTransient);
  EXPECT_NE(server.error().message.find("exited before /health answered"), std::string::npos)
      << server.error().message;
  EXPECT_NE(server.error().message.find("broken.gguf"), std::string::npos)
      << "the log tail should name the model it failed to load: " << server.error().message;
}

TEST_F(LlamaServerProcess, ReportsAMissingBinaryAsNotFound) {
  const auto& dir = dir_;
  auto server = LlamaServer::Start({.binary = dir / "no-such-llama-server",
                                    .model = dir / "tiny.gguf",
                                    .log_path = dir / "server.log"});
  ASSERT_FALSE(server);
  EXPECT_EQ(server.error().kind, ErrorKind::kNotFound);
  EXPECT_NE(server.error().message.find("no-such-llama-server"), std::string::npos);
}

}  // namespace
}  // namespace afbench::testing
