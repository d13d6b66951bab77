#include "support/test_paths.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

namespace afbench::testing {
namespace {

std::filesystem::path FromEnv(const char* name, const std::filesystem::path& fallback) {
  const char* value = std::getenv(name);
  return value != nullptr && *value != '\0' ? std::filesystem::path(value) : fallback;
}

// Removes this process's temporary root at exit when every test passed; after a failure it stays
// for inspection (the failing test's folder is named after it).
class TempRootCleaner {
 public:
  explicit TempRootCleaner(std::filesystem::path root) : root_(std::move(root)) {}
  ~TempRootCleaner() {
    // A forked child that exits normally must not remove its parent's folders.
    if (::getpid() != owner_ || !::testing::UnitTest::GetInstance()->Passed()) return;
    std::error_code ignored;
    std::filesystem::remove_all(root_, ignored);
  }
  TempRootCleaner(const TempRootCleaner&) = delete;
  TempRootCleaner& operator=(const TempRootCleaner&) = delete;

 private:
  std::filesystem::path root_;
  pid_t owner_ = ::getpid();
};

}  // namespace

std::filesystem::path SourceDir() {
  return FromEnv("AFBENCH_SOURCE_DIR", AFBENCH_DEFAULT_SOURCE_DIR);
}
std::filesystem::path SharedDir() {
  return FromEnv("AFBENCH_SHARED_DIR", AFBENCH_DEFAULT_SHARED_DIR);
}
std::filesystem::path BinaryDir() {
  return FromEnv("AFBENCH_BINARY_DIR", AFBENCH_DEFAULT_BINARY_DIR);
}

std::filesystem::path MakeTempDir() {
  const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
  std::string name = info != nullptr ? std::string(info->test_suite_name()) + "." + info->name()
                                     : std::string("no_test");
  for (char& c : name) {
    if (c == '/') c = '_';
  }
  const auto root =
      std::filesystem::temp_directory_path() / ("afbench-test-" + std::to_string(::getpid()));
  static TempRootCleaner cleaner(root);
  auto dir = root / name;
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir;
}

std::string ReadFile(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  EXPECT_TRUE(in.good()) << "cannot read " << path;
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

void WriteFile(const std::filesystem::path& path, const std::string& content) {
  if (path.has_parent_path()) std::filesystem::create_directories(path.parent_path());
  std::ofstream out(path, std::ios::binary);
  out << content;
  ASSERT_TRUE(out.good()) << "cannot write " << path;
}

bool UpdateGolden() {
  const char* value = std::getenv("AFBENCH_UPDATE_GOLDEN");
  return value != nullptr && std::string(value) == "1";
}

void ExpectMatchesGolden(const std::string& actual, const std::filesystem::path& golden) {
  if (UpdateGolden()) {
    WriteFile(golden, actual);
    return;
  }
  ASSERT_TRUE(std::filesystem::exists(golden))
      << golden << " is missing; run with AFBENCH_UPDATE_GOLDEN=1 to create it";
  EXPECT_EQ(actual, ReadFile(golden))
      << "differs from golden file " << golden << " (AFBENCH_UPDATE_GOLDEN=1 rewrites it)";
}

}  // namespace afbench::testing
