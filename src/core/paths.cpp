#include "afbench/paths.h"

#include <algorithm>
#include <system_error>

namespace afbench {
namespace {

std::filesystem::path Canonical(const std::filesystem::path& path) {
  std::error_code error;
  std::filesystem::path absolute = std::filesystem::absolute(path, error);
  if (error) absolute = path;
  std::filesystem::path canonical = std::filesystem::weakly_canonical(absolute, error);
  return error ? absolute.lexically_normal() : canonical;
}

bool IsBelow(const std::filesystem::path& path, const std::filesystem::path& root) {
  return std::mismatch(root.begin(), root.end(), path.begin(), path.end()).first == root.end();
}

}  // namespace

Result<std::filesystem::path> PathBelow(const std::vector<std::filesystem::path>& roots,
                                        const std::filesystem::path& base,
                                        const std::filesystem::path& path) {
  const std::filesystem::path resolved = Canonical(path.is_absolute() ? path : base / path);
  std::string names;
  for (const std::filesystem::path& root : roots) {
    const std::filesystem::path canonical_root = Canonical(root);
    if (IsBelow(resolved, canonical_root)) return resolved;
    names += (names.empty() ? "" : " or ") + canonical_root.string();
  }
  return Fail(ErrorKind::kInvalidInput,
              path.string() + " is outside " + names + " (a file may only name files below " +
                  "that folder; give a path elsewhere on the command line)");
}

}  // namespace afbench
