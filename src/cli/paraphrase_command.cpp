// `afbench variations paraphrase --model M -n 8`: writes paraphrased variants of a scenario as
// variation files (the work is ParaphraseScenario, afbench/paraphrase.h).
#include <cstdio>
#include <fstream>
#include <iterator>

#include "afbench/paraphrase.h"
#include "afbench/scenario.h"
#include "commands.h"
#include "exit_codes.h"
#include "variations_command.h"

namespace afbench::cli {
namespace {

Result<std::string> ReadPrompt(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Fail(ErrorKind::kNotFound, "paraphrase: cannot read " + path.string());
  return std::string(std::istreambuf_iterator<char>(in), {});
}

// Every file is checked before any is written, so a refusal leaves the folder as it was.
Status CheckTargets(const std::vector<std::filesystem::path>& files, bool force) {
  for (const auto& file : files) {
    if (!force && std::filesystem::exists(file)) {
      return Fail(ErrorKind::kInvalidInput,
                  "paraphrase: " + file.string() + " exists (--force overwrites it)");
    }
  }
  return {};
}

Status WriteFile(const std::filesystem::path& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
  out.close();
  if (!out) return Fail(ErrorKind::kIo, "paraphrase: cannot write " + path.string());
  return {};
}

ParaphraseOptions OptionsOf(const VariationsFlags& flags, std::string prompt) {
  ParaphraseOptions options;
  options.count = flags.count;
  options.prompt = std::move(prompt);
  options.generator = flags.model;
  options.seed = flags.seed;
  options.max_attempts = flags.max_attempts;
  options.min_word_ratio = flags.min_word_ratio;
  return options;
}

}  // namespace

void AddParaphraseCommand(CLI::App& variations, VariationsFlags& flags) {
  CLI::App* command = variations.add_subcommand(
      "paraphrase", "Write paraphrased variants of a scenario's prompt as variation files");
  command->add_option("--model", flags.model, "The paraphraser, provider/model")->required();
  command->add_option("--base-url", flags.base_url, "Its API base URL");
  command->add_option("-n,--count", flags.count, "Variants to write")
      ->check(CLI::Range(1, 100))
      ->capture_default_str();
  command->add_option("--scenario", flags.scenario,
                      "Scenario to paraphrase (default helpful-only)");
  command->add_option("--seed", flags.seed, "Seed of the requests")->capture_default_str();
  command->add_option("--prompt", flags.prompt_file,
                      "Request template with {{section}} (default: paraphrase/section.md in the "
                      "variations folder)");
  command->add_option("--out", flags.out_dir,
                      "Folder for the files (default: the variations folder)");
  command->add_option("--max-attempts", flags.max_attempts, "Requests per section")
      ->check(CLI::Range(1, 20))
      ->capture_default_str();
  command
      ->add_option("--min-word-ratio", flags.min_word_ratio,
                   "Refuse paraphrases shorter than this share of the original's words")
      ->check(CLI::Range(0.0, 1.0))
      ->capture_default_str();
  command->add_flag("--force", flags.force, "Overwrite existing files");
  command->callback([&flags] { flags.action = "paraphrase"; });
}

// The files are checked before any request, so nothing is paid for that could not be written.
Result<std::vector<std::filesystem::path>> TargetFiles(const VariationsFlags& flags,
                                                       const std::string& scenario,
                                                       const ParaphraseOptions& options,
                                                       const std::filesystem::path& out) {
  std::vector<std::filesystem::path> files;
  for (const std::string& name : ParaphraseNames(scenario, options)) {
    files.push_back(out / (name + ".yaml"));
  }
  AFBENCH_RETURN_IF_ERROR(CheckTargets(files, flags.force));
  return files;
}

int ParaphraseCommand(const VariationsFlags& flags, const std::atomic<bool>* cancel) {
  const std::filesystem::path variations_dir = ResolveVariationsDir(flags.variations_dir);
  auto prompt = ReadPrompt(flags.prompt_file.empty() ? variations_dir / "paraphrase" / "section.md"
                                                     : std::filesystem::path(flags.prompt_file));
  if (!prompt) return ReportError(prompt.error());
  const ParaphraseOptions options = OptionsOf(flags, std::move(*prompt));
  ScenarioOptions scenario_options;
  scenario_options.name_or_path = flags.scenario.empty() ? "helpful-only" : flags.scenario;
  scenario_options.scenarios_dir = ResolveScenariosDir(flags.scenarios_dir);
  auto scenario = LoadScenario(scenario_options);
  if (!scenario) return ReportError(scenario.error());
  auto files =
      TargetFiles(flags, scenario->name, options,
                  flags.out_dir.empty() ? variations_dir : std::filesystem::path(flags.out_dir));
  if (!files) return ReportError(files.error());
  auto backend = BackendForSpec(flags.model, flags.base_url, false);
  if (!backend) return ReportError(backend.error());
  ModelClientOptions client_options;
  client_options.model = flags.model;
  client_options.cancel = cancel;
  ModelClient client(**backend, client_options);
  auto result = ParaphraseScenario(*scenario, options, client);
  if (!result) return ReportError(result.error());
  for (size_t i = 0; i < files->size(); ++i) {
    const std::filesystem::path& file = (*files)[i];
    if (Status written = WriteFile(file, VariationToYaml(result->variations[i])); !written) {
      return ReportError(written.error());
    }
    std::printf("wrote %s\n", file.string().c_str());
  }
  std::printf("%lld requests, %lld replies refused and asked for again\n",
              static_cast<long long>(result->requests), static_cast<long long>(result->rejected));
  return kExitOk;
}

}  // namespace afbench::cli
