// SlotTable without a model: where prompts go, how much of them is reused, when a prompt waits
// for a shared prefix, and what is evicted first.
#include "slot_table.h"

#include <gtest/gtest.h>

#include <numeric>
#include <vector>

namespace afbench::llama {
namespace {

// A "system prompt" of `shared` tokens 1000.. followed by `unique` tokens that depend on `id`.
std::vector<Token> Prompt(int shared, int unique, int id) {
  std::vector<Token> tokens(static_cast<size_t>(shared));
  std::iota(tokens.begin(), tokens.end(), 1000);
  for (int i = 0; i < unique; ++i) tokens.push_back(100000 * (id + 1) + i);
  return tokens;
}

// Admits `prompt` where the table says and evaluates the rest of it; returns the admission.
Admission RunPrompt(SlotTable& table, const std::vector<Token>& prompt) {
  const PlanResult plan = table.Plan(prompt);
  EXPECT_TRUE(plan.admission.has_value());
  if (!plan.admission) return {};
  table.Admit(*plan.admission, prompt);
  const size_t start = table.cached(plan.admission->slot).size();
  table.Append(plan.admission->slot, std::span(prompt).subspan(start));
  return *plan.admission;
}

TEST(CommonPrefix, CountsEqualLeadingTokens) {
  const std::vector<Token> a = {1, 2, 3, 4};
  const std::vector<Token> b = {1, 2, 9};
  EXPECT_EQ(CommonPrefix(a, b), 2u);
  EXPECT_EQ(CommonPrefix(a, a), 4u);
  EXPECT_EQ(CommonPrefix(a, {}), 0u);
}

TEST(SlotTable, FirstPromptRunsInAnEmptySlotWithNothingReused) {
  SlotTable table(4);
  const PlanResult plan = table.Plan(Prompt(100, 10, 0));
  ASSERT_TRUE(plan.admission);
  EXPECT_EQ(plan.admission->source, -1);
  EXPECT_EQ(plan.admission->reuse, 0u);
  EXPECT_EQ(plan.wait_for, -1);
}

TEST(SlotTable, PromptWaitsForABusySlotStillEvaluatingTheSharedPrefix) {
  SlotTable table(4);
  const std::vector<Token> first = Prompt(500, 10, 0);
  const Admission admitted = *table.Plan(first).admission;
  table.Admit(admitted, first);
  table.Append(admitted.slot, std::span(first).first(200));  // one chunk evaluated so far

  const PlanResult second = table.Plan(Prompt(500, 10, 1));
  EXPECT_FALSE(second.admission.has_value());
  EXPECT_EQ(second.wait_for, admitted.slot);
}

TEST(SlotTable, OnceThePrefixIsCachedTheNextPromptCopiesItIntoAnotherSlot) {
  SlotTable table(4);
  const Admission first = RunPrompt(table, Prompt(500, 10, 0));  // still busy: generating
  const PlanResult plan = table.Plan(Prompt(500, 20, 1));
  ASSERT_TRUE(plan.admission);
  EXPECT_EQ(plan.admission->source, first.slot);
  EXPECT_NE(plan.admission->slot, first.slot);
  EXPECT_EQ(plan.admission->reuse, 500u);
}

TEST(SlotTable, NextTurnExtendingAnIdleSlotsTokensRunsThereInPlace) {
  SlotTable table(2);
  std::vector<Token> turn = Prompt(300, 10, 0);
  const Admission first = RunPrompt(table, turn);
  const std::vector<Token> reply = {7, 8, 9};
  table.Append(first.slot, reply);
  table.Release(first.slot);
  RunPrompt(table, Prompt(300, 5, 1));  // another Sample, busy in the other slot

  turn.insert(turn.end(), reply.begin(), reply.end());
  turn.insert(turn.end(), {42, 43});  // the <NEXT/> user message
  const PlanResult plan = table.Plan(turn);
  ASSERT_TRUE(plan.admission);
  EXPECT_EQ(plan.admission->slot, first.slot);
  EXPECT_EQ(plan.admission->source, first.slot);
  EXPECT_EQ(plan.admission->reuse, 313u);
}

TEST(SlotTable, ReuseLeavesAtLeastOneTokenToEvaluate) {
  SlotTable table(2);
  const std::vector<Token> prompt = Prompt(50, 0, 0);
  const Admission first = RunPrompt(table, prompt);
  table.Release(first.slot);
  const PlanResult again = table.Plan(prompt);
  ASSERT_TRUE(again.admission);
  EXPECT_EQ(again.admission->reuse, prompt.size() - 1);  // its logits are needed to sample
}

TEST(SlotTable, NoIdleSlotMeansNoAdmission) {
  SlotTable table(1);
  RunPrompt(table, Prompt(10, 1, 0));
  const PlanResult plan = table.Plan(Prompt(10, 1, 1));
  EXPECT_FALSE(plan.admission);
  EXPECT_EQ(plan.wait_for, -1);
}

TEST(SlotTable, CopyGoesToTheLeastRecentlyUsedIdleSlot) {
  SlotTable table(3);
  const Admission a = RunPrompt(table, Prompt(0, 5, 0));
  const Admission b = RunPrompt(table, Prompt(0, 5, 1));
  const Admission c = RunPrompt(table, Prompt(100, 5, 2));
  table.Release(b.slot);
  table.Release(a.slot);
  // Only c (busy) holds the prefix; of the idle slots, b was released first.
  const PlanResult plan = table.Plan(Prompt(100, 9, 3));
  ASSERT_TRUE(plan.admission);
  EXPECT_EQ(plan.admission->source, c.slot);
  EXPECT_EQ(plan.admission->slot, b.slot);
  EXPECT_EQ(plan.admission->reuse, 100u);
}

TEST(SlotTable, SmallGainsDoNotWaitForABusySlot) {
  SlotTable table(2, /*min_wait_gain=*/32);
  const std::vector<Token> first = Prompt(10, 10, 0);
  const Admission admitted = *table.Plan(first).admission;
  table.Admit(admitted, first);
  const PlanResult plan = table.Plan(Prompt(10, 10, 1));  // would save only 10 tokens
  ASSERT_TRUE(plan.admission);
  EXPECT_EQ(plan.admission->reuse, 0u);
}

TEST(SlotTable, EvictionDropsUnsharedTailsFirstThenWholeIdleSlotsAndNeverBusyOnes) {
  SlotTable table(3);
  const Admission a = RunPrompt(table, Prompt(100, 20, 0));
  const Admission b = RunPrompt(table, Prompt(100, 30, 1));
  const Admission busy = RunPrompt(table, Prompt(100, 40, 2));
  table.Release(a.slot);
  table.Release(b.slot);

  std::optional<Eviction> eviction = table.NextEviction();
  ASSERT_TRUE(eviction);
  EXPECT_EQ(eviction->slot, a.slot);  // least recently used first
  EXPECT_EQ(eviction->keep, 100u);    // the shared prefix stays
  table.Truncate(eviction->slot, eviction->keep);
  eviction = table.NextEviction();
  ASSERT_TRUE(eviction);
  EXPECT_EQ(eviction->slot, b.slot);
  EXPECT_EQ(eviction->keep, 100u);
  table.Truncate(eviction->slot, eviction->keep);

  eviction = table.NextEviction();  // only shared tokens are left: whole idle slots go
  ASSERT_TRUE(eviction);
  EXPECT_EQ(eviction->keep, 0u);
  EXPECT_NE(eviction->slot, busy.slot);
}

// The bookkeeping of a whole Run: 40 Samples through 4 slots, each arriving while the previous
// wave is still running. The shared prefix is evaluated once; every Sample adds only its own
// tokens.
TEST(SlotTable, AWholeRunEvaluatesTheSharedPrefixOnceAndEachSamplesTokensOnce) {
  constexpr int kShared = 2000, kUnique = 50, kSamples = 40;
  SlotTable table(4);
  size_t evaluated = 0;
  for (int sample = 0; sample < kSamples; ++sample) {
    const std::vector<Token> prompt = Prompt(kShared, kUnique, sample);
    if (table.IdleCount() == 0) {
      for (int s = 0; s < table.size(); ++s) {
        if (table.busy(s) && table.PromptRemaining(s) == 0) table.Release(s);
      }
    }
    const Admission admission = RunPrompt(table, prompt);
    evaluated += prompt.size() - admission.reuse;
  }
  EXPECT_EQ(evaluated, static_cast<size_t>(kShared + kSamples * kUnique));
}

}  // namespace
}  // namespace afbench::llama
