// TokenMemo without a model: exact-text lookup, refresh and the least-recently-used bound.
#include "token_memo.h"

#include <gtest/gtest.h>

namespace afbench::llama {
namespace {

TEST(TokenMemo, FindsTokensOnlyForExactlyTheRememberedText) {
  TokenMemo memo(4);
  memo.Remember("prompt+reply", {1, 2, 3});
  EXPECT_EQ(memo.Find("prompt+reply"), (std::vector<Token>{1, 2, 3}));
  EXPECT_FALSE(memo.Find("prompt+repl"));
  EXPECT_FALSE(memo.Find("prompt+reply!"));
}

TEST(TokenMemo, RememberingTheSameTextAgainReplacesItsTokens) {
  TokenMemo memo(4);
  memo.Remember("a", {1});
  memo.Remember("a", {2});
  EXPECT_EQ(memo.size(), 1u);
  EXPECT_EQ(memo.Find("a"), (std::vector<Token>{2}));
}

TEST(TokenMemo, DropsTheLeastRecentlyUsedEntryBeyondItsCapacity) {
  TokenMemo memo(2);
  memo.Remember("a", {1});
  memo.Remember("b", {2});
  ASSERT_TRUE(memo.Find("a"));  // "b" is now the least recently used
  memo.Remember("c", {3});
  EXPECT_TRUE(memo.Find("a"));
  EXPECT_FALSE(memo.Find("b"));
  EXPECT_TRUE(memo.Find("c"));
}

}  // namespace
}  // namespace afbench::llama
