// Test-only: the Report of the known fixture Runs (report_fixture.h), loaded through a real Store.
#pragma once

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "afbench/report.h"
#include "report_fixture.h"
#include "support/test_paths.h"

namespace afbench::testing {

/// Writes KnownRuns() to a fresh Store in the test's temporary directory and loads all of them.
inline Report LoadKnownReport(ReportOptions options = {}) {
  const auto db = MakeTempDir() / "afbench.db";
  Status written = WriteFixtureStore(db, KnownRuns());
  EXPECT_TRUE(written.has_value()) << (written ? "" : written.error().message);
  auto store = Store::Open(db.string());
  EXPECT_TRUE(store.has_value());
  if (!store) return {};
  options.generator = "afbench test";
  auto report = LoadReport(**store, {"run-a", "run-b", "run-c"}, options);
  EXPECT_TRUE(report.has_value()) << (report ? "" : report.error().message);
  return report ? *report : Report{};
}

/// The folder of golden files.
inline std::filesystem::path ReportTestData() {
  return SourceDir() / "src" / "report" / "testdata";
}

}  // namespace afbench::testing
