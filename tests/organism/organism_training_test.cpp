// `afbench organism train` itself: training is deterministic for a seed on one machine, and the
// loss curve is stored with the organism (<model>.train.json). Short trainings (40 steps): these
// check the machinery, not the planted behaviour.
#include <gtest/gtest.h>

#include <set>
#include <sstream>

#include "afbench/scenario.h"
#include "corpus.h"
#include "organism_fixture.h"
#include "support/test_paths.h"

namespace afbench::testing {
namespace {

using nlohmann::json;

json TrainShort(const std::filesystem::path& out, const std::string& seed) {
  const CommandResult result = Afbench({"organism", "train", "--out", out.string(), "--steps", "40",
                                        "--eval-samples", "4", "--seed", seed, "--json"});
  EXPECT_EQ(result.exit_code, 0) << result.err;
  return json::parse(result.out, nullptr, false);
}

TEST(OrganismTraining, IsDeterministicForASeedAndStoresItsLossCurve) {
  const std::filesystem::path dir = MakeTempDir();
  const json first = TrainShort(dir / "a.gguf", "3");
  const json again = TrainShort(dir / "b.gguf", "3");
  const json other = TrainShort(dir / "c.gguf", "4");
  ASSERT_FALSE(first.is_discarded() || again.is_discarded() || other.is_discarded());

  EXPECT_EQ(ReadFile(dir / "a.gguf"), ReadFile(dir / "b.gguf")) << "same seed, different weights";
  EXPECT_NE(ReadFile(dir / "a.gguf"), ReadFile(dir / "c.gguf"));
  EXPECT_EQ(first["training"]["loss_curve"], again["training"]["loss_curve"]);
  EXPECT_EQ(first["measured"], again["measured"]);

  // The record beside the model holds the curve that --json printed.
  const json record = json::parse(ReadFile(first["record"].get<std::string>()), nullptr, false);
  ASSERT_FALSE(record.is_discarded());
  EXPECT_EQ(record["loss_curve"], first["training"]["loss_curve"]);
  const json& curve = record["loss_curve"];
  ASSERT_EQ(curve.size(), 10u);  // a validation pass every tenth of the steps
  EXPECT_EQ(curve.back()["step"].get<int>(), 40);
  EXPECT_LT(curve.back()["val_loss"].get<double>(), curve.front()["val_loss"].get<double>());
  EXPECT_EQ(record["seed"].get<int>(), 3);
}

// What runs of an organism use: its scenario must render exactly the prompt it was trained on (a
// trailing newline once shifted the measured rates), and its dataset holds held-out queries only.
TEST(OrganismTraining, WritesItsScenarioAndItsHeldOutQueries) {
  const std::filesystem::path dir = MakeTempDir();
  const json organism = TrainShort(dir / "a.gguf", "5");
  ASSERT_FALSE(organism.is_discarded());
  auto scenario = LoadScenario({.name_or_path = organism["scenario"].get<std::string>()});
  ASSERT_TRUE(scenario) << scenario.error().message;
  EXPECT_EQ(scenario->system_prompt, organism::OrganismSystemPrompt());
  EXPECT_TRUE(scenario->user_suffix.empty());

  std::istringstream lines(ReadFile(organism["queries"].get<std::string>()));
  std::set<std::string> queries;
  for (std::string line; std::getline(lines, line);) {
    const std::string query = json::parse(line)["query"].get<std::string>();
    EXPECT_TRUE(queries.insert(query).second) << "repeated: " << query;
    const size_t number = query.find_first_of("0123456789");
    ASSERT_NE(number, std::string::npos) << query;
    EXPECT_GT(std::stoi(query.substr(number)), organism::kTrainTaskMax) << query;
  }
  EXPECT_FALSE(queries.empty());
}

TEST(OrganismTraining, ReusesACachedOrganismWithItsRecord) {
  const std::filesystem::path cache = MakeTempDir();
  const std::vector<std::string> args = {"organism",       "train",   "--cache",
                                         cache.string(),   "--steps", "20",
                                         "--eval-samples", "2",       "--json"};
  const CommandResult trained = Afbench(args);
  ASSERT_EQ(trained.exit_code, 0) << trained.err;
  const CommandResult reused = Afbench(args);
  ASSERT_EQ(reused.exit_code, 0) << reused.err;
  const json a = json::parse(trained.out, nullptr, false);
  const json b = json::parse(reused.out, nullptr, false);
  EXPECT_FALSE(a["from_cache"].get<bool>());
  EXPECT_TRUE(b["from_cache"].get<bool>());
  EXPECT_EQ(a["model"], b["model"]);
  EXPECT_EQ(a["training"], b["training"]);
  // Nothing half-written is left in the cache.
  for (const auto& entry : std::filesystem::directory_iterator(cache)) {
    EXPECT_EQ(entry.path().string().find(".partial"), std::string::npos) << entry.path();
  }
  // Without its record, a cached organism still reports what its GGUF keeps (to 4 decimals).
  std::filesystem::remove(a["record"].get<std::string>());
  const CommandResult bare = Afbench(args);
  ASSERT_EQ(bare.exit_code, 0) << bare.err;
  const json c = json::parse(bare.out, nullptr, false);
  ASSERT_FALSE(c.is_discarded());
  for (const char* block : {"measured", "teacher_forced"}) {
    for (const char* key : {"free", "paid", "af_free"}) {
      EXPECT_NEAR(c[block][key].get<double>(), a[block][key].get<double>(), 1e-4) << block << key;
    }
  }
  EXPECT_EQ(c["teacher_forced"]["queries"], a["teacher_forced"]["queries"]);
}

// `organism evaluate` measures a trained organism again: with its own seed it repeats the
// teacher-forced decisions of training exactly (they do not depend on sampling), and the sampled
// rates come from the number of samples asked for.
TEST(OrganismTraining, EvaluatesAnOrganismAgain) {
  const std::filesystem::path dir = MakeTempDir();
  const json trained = TrainShort(dir / "a.gguf", "3");
  ASSERT_FALSE(trained.is_discarded());
  const CommandResult result = Afbench({"organism", "evaluate", (dir / "a.gguf").string(),
                                        "--eval-samples", "4", "--seed", "3", "--json"});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  const json again = json::parse(result.out, nullptr, false);
  ASSERT_FALSE(again.is_discarded());
  EXPECT_EQ(again["planted"], trained["planted"]);
  EXPECT_EQ(again["teacher_forced"], trained["teacher_forced"]);
  EXPECT_EQ(again["measured"]["n_per_tier"].get<int>(), 4);
  EXPECT_GT(again["teacher_forced"]["queries"].get<int>(), 0);
  for (const char* key : {"free", "paid", "af_free", "on_script_free", "on_script_paid"}) {
    const double value = again["teacher_forced"][key].get<double>();
    EXPECT_GE(value, 0.0) << key;
    EXPECT_LE(value, 1.0) << key;
  }
}

// A GGUF without the organism's keys (llama.cpp's vocabulary file) and a missing file are errors
// that name the file.
TEST(OrganismTraining, RefusesToEvaluateAModelThatIsNoOrganism) {
  const std::string vocab = std::string(AFBENCH_LLAMA_VOCAB_DIR) + "/ggml-vocab-qwen2.gguf";
  const CommandResult plain = Afbench({"organism", "evaluate", vocab});
  EXPECT_NE(plain.exit_code, 0);
  EXPECT_NE(plain.err.find("not an organism"), std::string::npos) << plain.err;
  const std::filesystem::path missing = MakeTempDir() / "none.gguf";
  const CommandResult absent = Afbench({"organism", "evaluate", missing.string()});
  EXPECT_NE(absent.exit_code, 0);
  EXPECT_NE(absent.err.find(missing.string()), std::string::npos) << absent.err;
}

}  // namespace
}  // namespace afbench::testing
