#include "variations_command.h"

#include <cstdio>
#include <cstdlib>
#include <nlohmann/json.hpp>

#include "afbench/variation.h"
#include "commands.h"
#include "exit_codes.h"

namespace afbench::cli {
namespace {

/// The default prompts' results for Claude 3 Opus, for comparison with a variation's row
/// (Greenblatt et al. 2024, Table G.2 row 1 and Table G.3 row 58).
const std::vector<PaperResult>& DefaultResults() {
  static const std::vector<PaperResult> kDefaults = {
      {"helpful-only", 1, "11.9 ± 1.7%", "85.8 ± 1.9%", "97.2 ± 0.9%", "11.3 ± 2.1%"},
      {"animal-welfare", 58, "24.2 ± 1.8%", "50.8 ± 2.0%", "65.6 ± 1.9%", "14.8 ± 2.8%"}};
  return kDefaults;
}

std::string Join(const std::vector<std::string>& names) {
  std::string out;
  for (const std::string& name : names) out += (out.empty() ? "" : ", ") + name;
  return out.empty() ? "any" : out;
}

std::string Quoted(const std::string& text) {
  std::string out = "\"";
  for (char c : text.substr(0, 70)) out += c == '\n' ? std::string("\\n") : std::string(1, c);
  return out + (text.size() > 70 ? "...\"" : "\"");
}

/// `text` padded to `width` characters; "±" is two bytes but one character wide.
std::string Pad(const std::string& text, size_t width) {
  size_t characters = 0;
  for (char c : text) characters += (static_cast<unsigned char>(c) & 0xC0) != 0x80 ? 1 : 0;
  return text + std::string(width > characters ? width - characters : 0, ' ');
}

std::string PaperLine(const PaperResult& result, const char* note) {
  return "  " + Pad(result.setting, 15) + " " + Pad(std::to_string(result.row), 4) + " " +
         Pad(result.alignment_faking, 13) + " " + Pad(result.refusals_training, 20) + " " +
         Pad(result.refusals_unmonitored, 22) + " " + Pad(result.compliance_gap, 13) + note + "\n";
}

std::string ChangesText(const Variation& variation) {
  std::string out = "changes:\n";
  for (const auto& [name, value] : variation.variables) {
    out += "  set {{" + name + "}} = " + Quoted(value) + "\n";
  }
  for (const Patch& patch : variation.patches) {
    out += "  " + std::string(PatchOpName(patch.op)) + " in section " + patch.section;
    if (!patch.target.empty()) out += ": " + Quoted(patch.target);
    if (!patch.scenarios.empty()) out += " (only " + Join(patch.scenarios) + ")";
    out += "\n";
  }
  for (const auto& [tier, tag] : variation.run.tier_tags) {
    out += "  user turn, " + std::string(TierName(tier)) + " tier: tier tag -> " +
           (tag.empty() ? std::string("(none)") : Quoted(tag)) + "\n";
  }
  if (variation.run.tier_tags.contains(Tier::kPro)) {
    out +=
        "  tiers: free, pro and paid by default (--tiers or the scenario's tiers choose others)\n";
  }
  if (variation.run.no_cot)
    out += "  protocol: no_cot = " + std::string(*variation.run.no_cot ? "true" : "false") + "\n";
  return out;
}

std::string PaperText(const Variation& variation) {
  if (variation.paper.empty()) return "paper: no result for this variation (not in App. G.2/G.3)\n";
  std::string out =
      "Claude 3 Opus in the paper (Greenblatt et al. 2024, App. G.2/G.3):\n"
      "  setting         row  AF reasoning  refusals (training)  refusals (unmonitored) gap\n";
  for (const PaperResult& result : variation.paper) {
    for (const PaperResult& base : DefaultResults()) {
      if (base.setting == result.setting) out += PaperLine(base, "  (default prompt)");
    }
    out += PaperLine(result, "");
  }
  return out;
}

Result<VariedScenario> Render(const VariationsFlags& flags, const std::string& scenario,
                              const std::string& names) {
  const std::vector<std::string> list = {names};
  auto variations = LoadVariations(ResolveVariationsDir(flags.variations_dir), list);
  if (!variations) return Unexpected{variations.error()};
  return LoadVariedScenario(
      ScenarioOptions{.name_or_path = scenario,
                      .scenarios_dir = ResolveScenariosDir(flags.scenarios_dir)},
      *variations);
}

Result<std::string> DiffOf(const VariationsFlags& flags, const std::string& scenario,
                           const std::string& from, const std::string& to) {
  auto a = Render(flags, scenario, from);
  if (!a) return Unexpected{a.error()};
  auto b = Render(flags, scenario, to);
  if (!b) return Unexpected{b.error()};
  const DiffOptions options{scenario + "+" + VariationLabel(SplitVariationNames(from)),
                            scenario + "+" + VariationLabel(SplitVariationNames(to)), 3,
                            flags.words};
  return DiffText(RenderVariationView(*a), RenderVariationView(*b), options);
}

int List(const VariationsFlags& flags) {
  auto all = ListVariations(ResolveVariationsDir(flags.variations_dir));
  if (!all) return ReportError(all.error());
  nlohmann::ordered_json list = nlohmann::ordered_json::array();
  for (const Variation& v : *all) {
    if (!flags.json) {
      std::printf("%-26s %-15s %s\n", v.name.c_str(), v.family.c_str(), v.description.c_str());
      continue;
    }
    nlohmann::ordered_json paper = nlohmann::ordered_json::array();
    for (const PaperResult& r : v.paper) {
      paper.push_back({{"setting", r.setting},
                       {"row", r.row},
                       {"alignment_faking", r.alignment_faking},
                       {"refusals_training", r.refusals_training},
                       {"refusals_unmonitored", r.refusals_unmonitored},
                       {"compliance_gap", r.compliance_gap}});
    }
    list.push_back({{"name", v.name},
                    {"family", v.family},
                    {"description", v.description},
                    {"scenarios", v.scenarios},
                    {"file", v.file.string()},
                    {"paper", paper}});
  }
  if (flags.json) std::printf("%s\n", list.dump(2).c_str());
  return kExitOk;
}

int Show(const VariationsFlags& flags) {
  const std::vector<std::string> names = {flags.name};
  auto loaded = LoadVariations(ResolveVariationsDir(flags.variations_dir), names);
  if (!loaded) return ReportError(loaded.error());
  if (loaded->size() != 1) {
    return ReportError({ErrorKind::kInvalidInput, "variations: show takes one name", {}});
  }
  const Variation& v = loaded->front();
  std::string scenario = flags.scenario;
  if (scenario.empty()) scenario = v.scenarios.empty() ? "helpful-only" : v.scenarios.front();
  std::string out = v.name + "  [family: " + v.family + "]\n" + v.description +
                    "\nfile: " + v.file.string() + "\nscenarios: " + Join(v.scenarios) + "\n" +
                    ChangesText(v) + PaperText(v);
  auto diff = DiffOf(flags, scenario, "default", v.name);
  if (!diff) return ReportError(diff.error());
  out += "\nwhat it changes in scenario '" + scenario + "':\n" + *diff;
  std::fputs(out.c_str(), stdout);
  return kExitOk;
}

int Diff(const VariationsFlags& flags) {
  const std::string scenario = flags.scenario.empty() ? "helpful-only" : flags.scenario;
  auto diff = DiffOf(flags, scenario, flags.from, flags.to);
  if (!diff) return ReportError(diff.error());
  std::fputs(diff->c_str(), stdout);
  return kExitOk;
}

}  // namespace

CLI::App* AddVariationsCommand(CLI::App& app, VariationsFlags& flags) {
  CLI::App* command =
      app.add_subcommand("variations", "List, show, compare and paraphrase prompt variations");
  command->require_subcommand(1);
  command->add_option("--variations-dir", flags.variations_dir, "Folder of variation files");
  command->add_option("--scenarios-dir", flags.scenarios_dir, "Folder of scenarios");
  CLI::App* list = command->add_subcommand("list", "Every variation with its one-line description");
  list->add_flag("--json", flags.json, "Print JSON (with the paper's results)");
  list->callback([&flags] { flags.action = "list"; });
  CLI::App* show = command->add_subcommand("show", "A variation's changes, paper result and diff");
  show->add_option("name", flags.name, "Variation name")->required();
  show->add_option("--scenario", flags.scenario, "Scenario to show the diff for");
  show->add_flag("--words", flags.words, "Show the changes word by word");
  show->callback([&flags] { flags.action = "show"; });
  CLI::App* diff = command->add_subcommand("diff", "Exactly what differs between two variations");
  diff->add_option("from", flags.from, "default, a variation, or a,b")->required();
  diff->add_option("to", flags.to, "default, a variation, or a,b")->required();
  diff->add_option("--scenario", flags.scenario, "Scenario to render (default helpful-only)");
  diff->add_flag("--words", flags.words, "Show the changes word by word ([-cut-]{+added+})");
  diff->callback([&flags] { flags.action = "diff"; });
  AddParaphraseCommand(*command, flags);
  return command;
}

int VariationsCommand(const VariationsFlags& flags, const std::atomic<bool>* cancel) {
  if (flags.action == "list") return List(flags);
  if (flags.action == "show") return Show(flags);
  if (flags.action == "diff") return Diff(flags);
  if (flags.action == "paraphrase") return ParaphraseCommand(flags, cancel);
  return kExitUsage;
}

std::filesystem::path ResolveVariationsDir(const std::string& flag) {
  if (!flag.empty()) return flag;
  if (const char* env = std::getenv("AFBENCH_VARIATIONS_DIR"); env != nullptr && *env != '\0') {
    return env;
  }
  std::error_code error;
  auto exe = std::filesystem::read_symlink("/proc/self/exe", error);
  if (!error) {
    auto installed = exe.parent_path().parent_path() / "share" / "afbench" / "variations";
    if (std::filesystem::is_directory(installed, error)) return installed;
  }
  return AFBENCH_SOURCE_VARIATIONS_DIR;
}

}  // namespace afbench::cli
