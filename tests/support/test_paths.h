// Where tests find their inputs: the source tree, ../shared beside it and the build tree, as
// configured by CMake (tests/support/CMakeLists.txt). The environment variables AFBENCH_SOURCE_DIR,
// AFBENCH_SHARED_DIR and AFBENCH_BINARY_DIR override them, e.g. to run a test binary against
// another checkout.
#pragma once

#include <filesystem>
#include <string>

namespace afbench::testing {

/// The repository root.
std::filesystem::path SourceDir();
/// ../shared beside the repository root (read-only data).
std::filesystem::path SharedDir();
/// The CMake build directory (where the afbench binary and test tools are).
std::filesystem::path BinaryDir();
/// A fresh, empty directory unique to the current test, under /tmp/afbench-test-<pid>/; that folder
/// is removed when the test process exits with every test passed, and kept after a failure.
std::filesystem::path MakeTempDir();
/// Reads a whole file; fails the current test if it cannot.
std::string ReadFile(const std::filesystem::path& path);
/// Writes a whole file.
void WriteFile(const std::filesystem::path& path, const std::string& content);
/// True when AFBENCH_UPDATE_GOLDEN=1: golden tests then rewrite their files instead of comparing.
bool UpdateGolden();
/// Compares `actual` with the golden file (or rewrites it when UpdateGolden()).
void ExpectMatchesGolden(const std::string& actual, const std::filesystem::path& golden);

}  // namespace afbench::testing
