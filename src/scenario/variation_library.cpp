// The variation library: listing, loading by name and naming compositions.
#include <algorithm>
#include <system_error>

#include "afbench/variation.h"
#include "text_file.h"

namespace afbench {

Result<std::vector<Variation>> ListVariations(const std::filesystem::path& dir) {
  std::error_code ec;
  if (!std::filesystem::is_directory(dir, ec)) {
    return Fail(ErrorKind::kNotFound, "variation: " + dir.string() + ": no such folder");
  }
  std::vector<std::filesystem::path> files;
  for (std::filesystem::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    if (it->path().extension() == ".yaml") files.push_back(it->path());
  }
  if (ec) return Fail(ErrorKind::kIo, "variation: " + dir.string() + ": " + ec.message());
  std::sort(files.begin(), files.end(),
            [](const auto& a, const auto& b) { return a.stem() < b.stem(); });
  std::vector<Variation> variations;
  for (const auto& file : files) {
    auto text = scenario_internal::ReadTextFile(file);
    if (!text) return Unexpected{text.error()};
    auto variation = ParseVariation(*text, file);
    if (!variation) return Unexpected{variation.error()};
    variations.push_back(std::move(*variation));
  }
  return variations;
}

std::vector<std::string> SplitVariationNames(std::string_view names) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= names.size()) {
    size_t comma = names.find(',', start);
    if (comma == std::string_view::npos) comma = names.size();
    std::string name(names.substr(start, comma - start));
    name.erase(0, name.find_first_not_of(" \t"));
    name.erase(name.find_last_not_of(" \t") + 1);
    if (!name.empty() && name != "default") out.push_back(name);
    start = comma + 1;
  }
  return out;
}

std::string VariationLabel(std::span<const std::string> names) {
  std::string label;
  for (const std::string& name : names) label += (label.empty() ? "" : "+") + name;
  return label.empty() ? "default" : label;
}

Result<std::vector<Variation>> LoadVariations(const std::filesystem::path& dir,
                                              std::span<const std::string> names) {
  std::vector<std::string> wanted;
  for (const std::string& entry : names) {
    for (std::string& name : SplitVariationNames(entry)) wanted.push_back(std::move(name));
  }
  std::vector<Variation> variations;
  if (wanted.empty()) return variations;
  auto all = ListVariations(dir);
  if (!all) return Unexpected{all.error()};
  for (const std::string& name : wanted) {
    auto found = std::find_if(all->begin(), all->end(),
                              [&name](const Variation& v) { return v.name == name; });
    if (found == all->end()) {
      std::string known;
      for (const Variation& v : *all) known += (known.empty() ? "" : ", ") + v.name;
      return Fail(ErrorKind::kNotFound, "variation: unknown variation '" + name + "' in " +
                                            dir.string() + " (known: " + known + ")");
    }
    if (std::count(wanted.begin(), wanted.end(), name) > 1) {
      return Fail(ErrorKind::kInvalidInput, "variation: '" + name + "' given twice");
    }
    variations.push_back(*found);
  }
  return variations;
}

}  // namespace afbench
