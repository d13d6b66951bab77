// Test-only: known Runs written into a real Store, for the report's unit tests and the browser
// tests (tests/browser). Every count is chosen so that a test can state the figure it expects; all
// text is synthetic placeholder text (nothing harmful). Pure apart from writing the Store file.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "afbench/result.h"
#include "afbench/types.h"

namespace afbench::testing {

/// One Tier of a synthetic Run. Query q (0-based) complies iff q < complied; it has a yes AF Label
/// iff q < complied_af or complied <= q < complied + refused_af. `errors` more Samples end in
/// `error`.
struct FixtureTier {
  Tier tier = Tier::kFree;
  int n = 0;
  int complied = 0;
  int complied_af = 0;
  int refused_af = 0;
  int errors = 0;
};

struct FixtureRun {
  std::string run_id;
  std::string model;
  std::vector<FixtureTier> tiers;
  bool af_labels = true;  ///< Label every Sample with "af-majority-vote" (with quoted evidence).
  bool hostile = false;   ///< Put HostileText() in the first Sample's query, scratchpad and output.
};

/// run-a: free 10 (6 comply, 2 of them with AF; 1 refusal with AF; 1 error), paid 10 (2 comply, no
/// AF), with HostileText(); run-b: a model name with markup, no AF labels, free 8 (5 comply), paid
/// 8 (1 complies); run-c: free tier only, 4 (4 comply, 1 with AF).
std::vector<FixtureRun> KnownRuns();

/// Text that tries every way out of the page's escaping: <script>, </script>, an <img onerror>, an
/// <svg onload>, a javascript: link, "<!--", U+2028, a {{placeholder}}. Run, it would set
/// window.__pwned and document.title.
std::string HostileText();

/// The scratchpad sentence every AF-labelled Sample contains and its AF Label quotes (with other
/// whitespace).
std::string AfEvidenceQuote();

/// The draft every complying Sample's scratchpad holds in <DRAFT_OUTPUT> tags.
std::string DraftText(int query);

/// Writes `runs` into a new Store at `db_path` (the file must not exist).
Status WriteFixtureStore(const std::filesystem::path& db_path, const std::vector<FixtureRun>& runs);

}  // namespace afbench::testing
