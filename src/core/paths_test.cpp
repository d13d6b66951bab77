#include "afbench/paths.h"

#include <gtest/gtest.h>

#include "support/test_paths.h"

namespace afbench {
namespace {

TEST(PathBelow, AcceptsPathsBelowARootAndRefusesEscapes) {
  const auto root = testing::MakeTempDir();
  std::filesystem::create_directories(root / "scenario" / "sections");
  std::filesystem::create_directories(root / "sibling");
  const auto base = root / "scenario";
  EXPECT_TRUE(PathBelow({root}, base, "sections/a.md").has_value());
  EXPECT_TRUE(PathBelow({root}, base, "../sibling/b.md").has_value());
  auto escape = PathBelow({root}, base, "../../etc/passwd");
  ASSERT_FALSE(escape.has_value());
  EXPECT_EQ(escape.error().kind, ErrorKind::kInvalidInput);
  EXPECT_NE(escape.error().message.find("is outside"), std::string::npos);
  EXPECT_FALSE(PathBelow({root}, base, "/etc/passwd").has_value());
  EXPECT_TRUE(PathBelow({root, "/etc"}, base, "/etc/passwd").has_value());
  // A root's name as a prefix of another folder's is not "below" it.
  EXPECT_FALSE(PathBelow({root / "scen"}, base, "x.md").has_value());
}

TEST(PathBelow, FollowsSymlinksOutOfTheRoot) {
  const auto root = testing::MakeTempDir() / "root";
  const auto outside = testing::MakeTempDir() / "outside";
  std::filesystem::create_directories(root);
  testing::WriteFile(outside / "secret.txt", "s");
  std::filesystem::create_directory_symlink(outside, root / "link");
  EXPECT_FALSE(PathBelow({root}, root, "link/secret.txt").has_value());
}

}  // namespace
}  // namespace afbench
