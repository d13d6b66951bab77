// What produced a Run: afbench's version and the git commit it was built from (baked in at
// configure time).
#pragma once

namespace afbench {

/// Semantic version of afbench, e.g. "0.1.0".
const char* Version();
/// Short git commit of the build, "-dirty" appended when the tree had changes, "unknown" outside
/// git.
const char* GitCommit();

}  // namespace afbench
