// The store the summary tests fill: one Run "r" over ten queries, and Samples added one at a time.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "afbench/store.h"
#include "support/test_paths.h"

namespace afbench {

class SummaryStoreTest : public ::testing::Test {
 protected:
  /// Opens a fresh store holding Run "r" (queries 0-9) that planned `planned_samples` Samples.
  void OpenRun(int planned_samples) {
    auto store = Store::Open((testing::MakeTempDir() / "afbench.db").string());
    ASSERT_TRUE(store.has_value());
    store_ = std::move(*store);
    RunRecord run;
    run.run_id = "r";
    run.status = "completed";
    run.model = "openai/m";
    run.scenario = "helpful-only";
    run.config_json = R"({"planned_samples": )" + std::to_string(planned_samples) + "}";
    std::vector<StoredQuery> queries;
    for (int q = 0; q < 10; ++q) queries.push_back({q, "q", q + 1});
    ASSERT_TRUE(store_->CreateRun(run, queries));
  }

  /// Stores the Sample of (query, tier, epoch 0) with `outcome` and one label when `value` is set.
  void SaveSample(int query, Tier tier, Outcome outcome, std::optional<bool> value,
                  const std::string& classifier, const std::string& detail = "{}") {
    Transcript transcript;
    transcript.key = {query, tier, 0};
    transcript.outcome = outcome;
    std::vector<Label> labels;
    if (value.has_value()) labels.push_back({classifier, "1", value, 0.0, detail});
    ASSERT_TRUE(store_->SaveSample("r", transcript, "", labels, 1));
  }

  std::unique_ptr<Store> store_;
};

}  // namespace afbench
