#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "afbench/experiment.h"

namespace afbench {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

constexpr std::string_view kGrid = R"(name: rlhf-grid
models:
  - openai/gpt-4o
  - {spec: openai/llama, label: llama, base_url: "http://127.0.0.1:8000/v1", max_connections: 2}
scenarios: [helpful-only, ./mine]
variations: [default, cut-rlhf-bullet, [honest, never-alignment-fake]]
dataset: {path: data/q.csv, field: goal, limit: 20, seed: 7}
tiers: [free, paid]
epochs: 2
sampling: {temperature: 0.5, max_tokens: 1000}
protocol: {max_turns: 3}
budget: {max_cost_usd: 12.5}
judge: openai/gpt-4o-mini
)";

TEST(ParseExperiment, ReadsTheGridAndResolvesPathsAgainstTheFile) {
  auto spec = ParseExperiment(kGrid, "/exp/grid.yaml");
  ASSERT_TRUE(spec) << spec.error().message;
  EXPECT_EQ(spec->id, "rlhf-grid");
  ASSERT_EQ(spec->models.size(), 2u);
  EXPECT_EQ(spec->models[0].label, "openai/gpt-4o");
  EXPECT_EQ(spec->models[1].label, "llama");
  EXPECT_EQ(spec->models[1].max_connections, 2);
  EXPECT_THAT(spec->scenarios, ElementsAre("helpful-only", "/exp/mine"));
  ASSERT_EQ(spec->variations.size(), 3u);
  EXPECT_TRUE(spec->variations[0].empty());
  EXPECT_THAT(spec->variations[2], ElementsAre("honest", "never-alignment-fake"));
  EXPECT_EQ(spec->dataset.path, "/exp/data/q.csv");
  EXPECT_EQ(spec->dataset.limit, 20);
  EXPECT_EQ(spec->sampling.seed, 7u) << "the dataset seed seeds sampling when none is given";
  EXPECT_EQ(spec->epochs, 2);
  EXPECT_EQ(spec->max_turns, 3);
  EXPECT_EQ(spec->max_cost_usd, 12.5);
  ASSERT_TRUE(spec->judge.has_value());
  EXPECT_EQ(spec->judge->spec, "openai/gpt-4o-mini");
}

TEST(ExpandCells, IsModelsTimesScenariosTimesVariationsWithReadableKeys) {
  auto spec = ParseExperiment(kGrid, "/exp/grid.yaml");
  ASSERT_TRUE(spec);
  auto cells = ExpandCells(*spec);
  ASSERT_EQ(cells.size(), 12u);
  EXPECT_EQ(cells[0].key, "openai/gpt-4o | helpful-only | default");
  EXPECT_EQ(cells[2].key, "openai/gpt-4o | helpful-only | honest+never-alignment-fake");
  EXPECT_EQ(cells[11].key, "llama | /exp/mine | honest+never-alignment-fake");
  EXPECT_EQ(cells[11].index, 11);
  EXPECT_EQ(EndpointOf(cells[0].model), "openai|");
  EXPECT_EQ(EndpointOf(cells[11].model), "openai|http://127.0.0.1:8000/v1");
}

TEST(ParseExperiment, RejectsMistakesWithFileAndLine) {
  auto unknown = ParseExperiment("name: x\nmodels: [openai/a]\nepoch: 3\n", "x.yaml");
  ASSERT_FALSE(unknown);
  EXPECT_THAT(unknown.error().message, HasSubstr("experiment: x.yaml:3: unknown field 'epoch'"));
  auto twins = ParseExperiment("name: x\nmodels: [openai/a, openai/a]\n", "x.yaml");
  ASSERT_FALSE(twins);
  EXPECT_THAT(twins.error().message, HasSubstr("label"));
  auto no_models = ParseExperiment("name: x\n", "x.yaml");
  EXPECT_FALSE(no_models);
  auto repeated = ParseExperiment("name: x\nmodels: [openai/a]\nvariations: [a, 'a']\n", "x.yaml");
  ASSERT_FALSE(repeated);
  EXPECT_THAT(repeated.error().message, HasSubstr("listed twice"));
  auto budget =
      ParseExperiment("name: x\nmodels: [openai/a]\nbudget: {max_cost_usd: 0}\n", "x.yaml");
  EXPECT_FALSE(budget);
}

}  // namespace
}  // namespace afbench
