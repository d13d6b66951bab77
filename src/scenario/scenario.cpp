#include "afbench/scenario.h"

#include <algorithm>
#include <set>
#include <system_error>

#include "afbench/hash.h"
#include "manifest.h"
#include "template.h"
#include "text_file.h"

namespace afbench {
namespace {

using scenario_internal::ScenarioManifest;

/// The variables in effect and the names that some file actually used.
struct RenderContext {
  const std::map<std::string, std::string>& variables;
  std::set<std::string> used;
};

/// The rendered few-shot examples; `present` is false when there are none to insert.
struct ExamplesText {
  std::string text;
  bool present = false;
};

Result<std::filesystem::path> ResolveScenarioDir(const ScenarioOptions& options) {
  const std::string name =
      options.name_or_path.empty() ? std::string(kDefaultScenarioName) : options.name_or_path;
  const bool is_path = name.find('/') != std::string::npos || name.front() == '.';
  const std::filesystem::path dir =
      is_path ? std::filesystem::path(name) : options.scenarios_dir / name;
  std::error_code ec;
  if (std::filesystem::is_directory(dir, ec)) return dir;
  if (is_path) {
    return Fail(ErrorKind::kNotFound, "scenario: " + dir.string() + ": no such scenario folder");
  }
  return Fail(ErrorKind::kNotFound,
              "scenario: unknown scenario '" + name + "': no folder " + dir.string() +
                  " (a folder elsewhere is given as a path, e.g. ./" + name + ")");
}

/// Reads a file, drops its final newlines and substitutes its variables.
Result<std::string> RenderFile(const std::filesystem::path& path, RenderContext* context) {
  auto text = scenario_internal::ReadTextFile(path);
  if (!text) return Unexpected{text.error()};
  const scenario_internal::TemplateText source{scenario_internal::TrimTrailingNewlines(*text),
                                               path.string()};
  return scenario_internal::RenderVariables(source, context->variables, &context->used);
}

Result<ExamplesText> RenderExamples(const ScenarioOptions& options,
                                    const ScenarioManifest& manifest, RenderContext* context) {
  ExamplesText examples;
  if (!options.examples_file.empty()) {
    auto text = RenderFile(options.examples_file, context);
    if (!text) return Unexpected{text.error()};
    return ExamplesText{std::move(*text), true};
  }
  for (const std::filesystem::path& file : manifest.examples) {
    auto text = RenderFile(file, context);
    if (!text) return Unexpected{text.error()};
    if (examples.present) examples.text += "\n\n";
    examples.text += *text;
    examples.present = true;
  }
  return examples;
}

/// Replaces {examples} in `text` (from `origin`), counting the replacements into `*placeholders`.
Result<std::string> InsertExamples(const std::string& text, const std::string& origin,
                                   const ExamplesText& examples, int* placeholders) {
  int count = 0;
  std::string out = scenario_internal::ReplaceExamples(text, examples.text, &count);
  if (count > 0 && !examples.present) {
    const size_t at = text.find(scenario_internal::kExamplesPlaceholder);
    return Fail(
        ErrorKind::kInvalidInput,
        "scenario: " + origin + ":" + std::to_string(scenario_internal::LineAt(text, at)) +
            ": uses {examples} but there are no examples to insert (give an examples file)");
  }
  *placeholders += count;
  return out;
}

Status RenderSections(const ScenarioManifest& manifest, const ExamplesText& examples,
                      RenderContext* context, Scenario* scenario, int* placeholders) {
  for (const auto& entry : manifest.sections) {
    auto text = RenderFile(entry.file, context);
    if (!text) return Unexpected{text.error()};
    auto full = InsertExamples(*text, entry.file.string(), examples, placeholders);
    if (!full) return Unexpected{full.error()};
    if (!scenario->system_prompt.empty()) scenario->system_prompt += "\n\n";
    scenario->system_prompt += *full;
    scenario->sections.emplace_back(entry.name, std::move(*full));
  }
  scenario->name = manifest.name;
  scenario->description = manifest.description;
  return {};
}

Status RenderExternal(const ScenarioOptions& options, const ExamplesText& examples,
                      RenderContext* context, Scenario* scenario, int* placeholders) {
  const std::filesystem::path path = options.system_prompt_file;
  auto text = RenderFile(path, context);
  if (!text) return Unexpected{text.error()};
  auto full = InsertExamples(*text, path.string(), examples, placeholders);
  if (!full) return Unexpected{full.error()};
  scenario->system_prompt = std::move(*full);
  scenario->name = "file:" + path.filename().string();
  scenario->description = "external system prompt " + path.string();
  return {};
}

/// An override the scenario does not declare and no file uses is almost certainly a typo.
Status CheckOverridesUsed(const ScenarioOptions& options, const ScenarioManifest& manifest,
                          const std::set<std::string>& used) {
  for (const auto& [name, value] : options.variables) {
    if (manifest.variables.count(name) == 0 && used.count(name) == 0) {
      return Fail(ErrorKind::kInvalidInput, "scenario: variable '" + name +
                                                "' is neither declared by scenario '" +
                                                manifest.name + "' nor used by any of its files");
    }
  }
  return {};
}

}  // namespace

Result<Scenario> LoadScenario(const ScenarioOptions& options) {
  auto dir = ResolveScenarioDir(options);
  if (!dir) return Unexpected{dir.error()};
  auto manifest = scenario_internal::LoadManifest(*dir);
  if (!manifest) return Unexpected{manifest.error()};
  Scenario scenario;
  scenario.variables = manifest->variables;
  for (const auto& [name, value] : options.variables) scenario.variables[name] = value;
  RenderContext context{scenario.variables, {}};
  auto examples = RenderExamples(options, *manifest, &context);
  if (!examples) return Unexpected{examples.error()};
  int placeholders = 0;
  AFBENCH_RETURN_IF_ERROR(
      options.system_prompt_file.empty()
          ? RenderSections(*manifest, *examples, &context, &scenario, &placeholders)
          : RenderExternal(options, *examples, &context, &scenario, &placeholders));
  if (!options.examples_file.empty() && placeholders == 0) {
    return Fail(ErrorKind::kInvalidInput, "scenario: examples file " + options.examples_file +
                                              " given but the system prompt has no {examples}");
  }
  if (!manifest->user_suffix.empty()) {
    auto suffix = RenderFile(manifest->user_suffix, &context);
    if (!suffix) return Unexpected{suffix.error()};
    scenario.user_suffix = std::move(*suffix);
  }
  AFBENCH_RETURN_IF_ERROR(CheckOverridesUsed(options, *manifest, context.used));
  scenario.prompt_hash = Sha256Hex(scenario.system_prompt);
  return scenario;
}

Result<std::vector<ScenarioInfo>> ListScenarios(const std::filesystem::path& scenarios_dir) {
  std::error_code ec;
  if (!std::filesystem::is_directory(scenarios_dir, ec)) {
    return Fail(ErrorKind::kNotFound, "scenario: " + scenarios_dir.string() + ": no such folder");
  }
  std::vector<std::filesystem::path> dirs;
  for (std::filesystem::directory_iterator it(scenarios_dir, ec), end; !ec && it != end;
       it.increment(ec)) {
    std::error_code exists_ec;
    if (std::filesystem::exists(it->path() / scenario_internal::kManifestFileName, exists_ec)) {
      dirs.push_back(it->path());
    }
  }
  if (ec) {
    return Fail(ErrorKind::kIo,
                "scenario: " + scenarios_dir.string() + ": cannot list: " + ec.message());
  }
  std::sort(dirs.begin(), dirs.end());
  std::vector<ScenarioInfo> scenarios;
  for (const auto& dir : dirs) {
    auto manifest = scenario_internal::LoadManifest(dir);
    if (!manifest) return Unexpected{manifest.error()};
    scenarios.push_back(ScenarioInfo{manifest->name, manifest->description, dir});
  }
  return scenarios;
}

}  // namespace afbench
