// Confinement of the paths that files name: a scenario manifest or an experiment file may read
// only below a folder (its own, or the scenario library it belongs to), so that a file from
// someone else cannot make afbench read, and send to a model, what lies elsewhere on the machine.
// Paths given on the command line are not confined. Pure functions; thread-safe.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "afbench/result.h"

namespace afbench {

/// `path` (relative to `base`, or absolute) resolved, symlinks included, when it lies below one of
/// `roots`; otherwise kInvalidInput "<path> is outside <roots>". Nothing needs to exist.
Result<std::filesystem::path> PathBelow(const std::vector<std::filesystem::path>& roots,
                                        const std::filesystem::path& base,
                                        const std::filesystem::path& path);

}  // namespace afbench
