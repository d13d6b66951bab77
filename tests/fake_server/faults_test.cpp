#include "faults.h"

#include <gtest/gtest.h>

#include <map>
#include <nlohmann/json.hpp>

namespace afbench::fake {
namespace {

TEST(FaultInjector, InjectsAtTheConfiguredRateAndCoversEveryKind) {
  FaultInjector injector({0.2, 42, 0, 16});
  std::map<Fault, int> counts;
  const int n = 20000;
  for (int i = 0; i < n; ++i) counts[injector.Next()]++;
  EXPECT_NEAR(static_cast<double>(n - counts[Fault::kNone]) / n, 0.2, 0.015);
  for (Fault fault : AllFaults()) EXPECT_GT(counts[fault], 200) << FaultName(fault);
}

TEST(FaultInjector, IsReproducibleForASeedAndSilentAtRateZero) {
  FaultInjector a({0.5, 7, 0, 16}), b({0.5, 7, 0, 16}), off({0.0, 7, 0, 16});
  for (int i = 0; i < 100; ++i) {
    EXPECT_EQ(a.Next(), b.Next());
    EXPECT_EQ(off.Next(), Fault::kNone);
  }
}

TEST(ApplyBodyFault, BreaksOrRewritesTheBodyAsNamed) {
  const std::string openai = R"({"choices":[{"message":{"role":"assistant","content":"hi"}}]})";
  EXPECT_FALSE(nlohmann::json::accept(ApplyBodyFault(Fault::kTruncatedJson, openai, false, 8)));
  EXPECT_FALSE(nlohmann::json::accept(ApplyBodyFault(Fault::kInvalidJson, openai, false, 8)));
  auto empty = nlohmann::json::parse(ApplyBodyFault(Fault::kEmptyCompletion, openai, false, 8));
  EXPECT_EQ(empty["choices"][0]["message"]["content"], "");
  const std::string anthropic = R"({"content":[{"type":"text","text":"hi"}]})";
  auto huge = nlohmann::json::parse(ApplyBodyFault(Fault::kHugeCompletion, anthropic, true, 1000));
  EXPECT_EQ(huge["content"][0]["text"].get<std::string>().size(), 1000u);
  EXPECT_EQ(ApplyBodyFault(Fault::kServerError, openai, false, 8), openai);
  EXPECT_EQ(FaultStatus(Fault::kOverloaded), 529);
  EXPECT_EQ(FaultStatus(Fault::kReset), 200);
}

}  // namespace
}  // namespace afbench::fake
