// Reading the text files of a scenario (private to the scenario component).
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

#include "afbench/result.h"

namespace afbench::scenario_internal {

/// Reads a whole file and converts "\r\n" line endings to "\n": published prompt files come with
/// either, and a prompt's hash must not depend on how the file was checked out. kNotFound when the
/// file does not exist, kIo when it cannot be read.
Result<std::string> ReadTextFile(const std::filesystem::path& path);

/// `text` without trailing newlines (files end with one; sections are joined with blank lines).
std::string_view TrimTrailingNewlines(std::string_view text);

}  // namespace afbench::scenario_internal
