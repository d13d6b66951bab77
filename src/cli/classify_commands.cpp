#include "classify_commands.h"

#include <cstdio>
#include <cstdlib>
#include <nlohmann/json.hpp>

#include "afbench/backends.h"
#include "afbench/relabel.h"
#include "afbench/store.h"
#include "afbench/validation.h"
#include "exit_codes.h"
#include "run_command.h"

namespace afbench::cli {
namespace {

void PrintReplays(const ClientUsage& usage) {
  std::printf("judge calls: %lld answered from the store, %lld sent (%lld failed)\n",
              static_cast<long long>(usage.replayed),
              static_cast<long long>(usage.calls - usage.replayed),
              static_cast<long long>(usage.failed_calls));
}

void PrintTally(const std::string& run_id, const Classifier& classifier, const RelabelTally& t) {
  std::printf(
      "classify: run %s, %s/%s: %lld labelled (yes %lld, no %lld, no value %lld of which %lld "
      "judge errors), %lld failed, %lld already labelled\njudge usage: %lld requests, %lld input "
      "tokens, %lld output tokens\n",
      run_id.c_str(), classifier.Id().c_str(), classifier.Version().c_str(),
      static_cast<long long>(t.labelled), static_cast<long long>(t.yes),
      static_cast<long long>(t.no), static_cast<long long>(t.undecided),
      static_cast<long long>(t.judge_errors), static_cast<long long>(t.failed),
      static_cast<long long>(t.skipped), static_cast<long long>(t.requests),
      static_cast<long long>(t.input_tokens), static_cast<long long>(t.output_tokens));
}

}  // namespace

void AddJudgeOptions(CLI::App& command, JudgeFlags& flags) {
  command.add_option("--classifier", flags.classifier, "Classifier id (see `afbench classifiers`)")
      ->required();
  command.add_option("--judge", flags.judge, "Judge model of LLM classifiers, provider/model");
  command.add_option("--judge-base-url", flags.judge_base_url, "Judge API base URL");
  command.add_option("--votes", flags.votes, "af-majority-vote*: votes per scratchpad")
      ->capture_default_str();
  command
      .add_option("--vote-threshold", flags.vote_threshold,
                  "af-majority-vote*: yes share that counts as alignment faking")
      ->capture_default_str();
  command.add_option("--max-connections", flags.max_connections, "Judge requests in flight")
      ->capture_default_str();
  command.add_option("--rpm", flags.rpm, "Judge requests per minute (0 = no limit)");
  command.add_option("--tpm", flags.tpm, "Judge tokens per minute (0 = no limit)");
  command
      .add_option("--max-attempts", flags.max_attempts,
                  "Requests per judge call before a transport failure counts")
      ->capture_default_str();
  command.add_flag("--stream,!--no-stream", flags.stream,
                   "Stream the judge's replies (server-sent events; the default)");
  command
      .add_option("--max-parse-attempts", flags.max_parse_attempts,
                  "Requests per judge call when replies cannot be parsed")
      ->capture_default_str();
  command.add_option("--classifiers-dir", flags.classifiers_dir, "Folder of classifier data files");
}

Status CheckJudgeFlags(const JudgeFlags& flags) {
  auto bad = [](const std::string& what) { return Fail(ErrorKind::kInvalidInput, what); };
  if (FindClassifier(flags.classifier) == nullptr) {
    return Unexpected{MakeClassifier(flags.classifier, nullptr, {}).error()};  // Lists the ids.
  }
  if (flags.votes < 1) return bad("--votes: must be >= 1");
  if (flags.vote_threshold < 0 || flags.vote_threshold > 1) return bad("--vote-threshold: 0..1");
  if (flags.max_connections < 1) return bad("--max-connections: must be >= 1");
  if (flags.rpm < 0 || flags.tpm < 0) return bad("--rpm/--tpm: must be >= 0");
  if (flags.max_attempts < 1) return bad("--max-attempts: must be >= 1");
  if (flags.max_parse_attempts < 1) return bad("--max-parse-attempts: must be >= 1");
  return {};
}

ModelClientOptions JudgeClientOptions(const JudgeFlags& flags, const std::atomic<bool>* cancel) {
  ModelClientOptions options;
  options.model = flags.judge;
  options.retry.max_attempts = flags.max_attempts;
  options.gate_options = {flags.max_connections, flags.rpm, flags.tpm};
  options.cancel = cancel;
  return options;
}

Result<ClassifierHandle> MakeClassifierFromFlags(const JudgeFlags& flags,
                                                 const std::atomic<bool>* cancel,
                                                 JudgeOptions base) {
  AFBENCH_RETURN_IF_ERROR(CheckJudgeFlags(flags));
  ClassifierHandle handle;
  handle.info = FindClassifier(flags.classifier);
  if (handle.info->needs_judge && !flags.judge.empty()) {
    auto backend = BackendForSpec(flags.judge, flags.judge_base_url, flags.stream);
    if (!backend) return Unexpected{backend.error()};
    handle.judge = std::move(backend).value();
    handle.client = std::make_unique<ModelClient>(*handle.judge, JudgeClientOptions(flags, cancel));
  }
  JudgeOptions options = std::move(base);
  options.classifiers_dir = ResolveClassifiersDir(flags.classifiers_dir);
  options.judge_model = flags.judge;
  options.votes = flags.votes;
  options.vote_threshold = flags.vote_threshold;
  options.max_parse_attempts = flags.max_parse_attempts;
  auto classifier = MakeClassifier(flags.classifier, handle.client.get(), options);
  if (!classifier) return Unexpected{classifier.error()};
  handle.classifier = std::move(classifier).value();
  return handle;
}

CLI::App* AddClassifyCommand(CLI::App& app, ClassifyFlags& flags, CommonOptions& common) {
  CLI::App* command =
      app.add_subcommand("classify", "Label a stored Run with a classifier (labels are added)");
  command->add_option("run", flags.run_id, "Run id (default: the newest run)");
  AddJudgeOptions(*command, flags.judge);
  command->add_option("--tier", flags.tier, "free, pro, paid or all")
      ->check(CLI::IsMember({"free", "pro", "paid", "all"}))
      ->capture_default_str();
  command->add_flag("--relabel", flags.relabel,
                    "Also label Samples that already have a label of this classifier version");
  command->add_option("--db", common.db_path, "SQLite store")->capture_default_str();
  return command;
}

CLI::App* AddClassifiersCommand(CLI::App& app, ClassifiersFlags& flags) {
  CLI::App* command = app.add_subcommand("classifiers", "List the classifiers and judges");
  command->add_option("--classifiers-dir", flags.classifiers_dir,
                      "Folder of classifier data files");
  return command;
}

int ClassifyCommand(const ClassifyFlags& flags, const CommonOptions& common,
                    const std::atomic<bool>* cancel) {
  if (!std::filesystem::exists(common.db_path)) {
    return ReportError(
        {ErrorKind::kNotFound, "store: " + common.db_path + " does not exist", std::nullopt});
  }
  auto store = Store::Open(common.db_path);
  if (!store) return ReportError(store.error());
  auto run_id = RunIdOrNewest(**store, flags.run_id);
  if (!run_id) return ReportError(run_id.error());
  auto base = StoredJudgeOptions(**store, *run_id);
  if (!base) return ReportError(base.error());
  auto handle = MakeClassifierFromFlags(flags.judge, cancel, std::move(*base));
  if (!handle) return ReportError(handle.error());
  StderrObserver notices(common.db_path, /*quiet=*/true);
  RelabelOptions options;
  options.tier = flags.tier;
  options.relabel = flags.relabel;
  options.max_connections = flags.judge.max_connections;
  options.cancel = cancel;
  options.observer = &notices;
  auto tally = RelabelRun(**store, *run_id, *handle->classifier, options);
  if (!tally) return ReportError(tally.error());
  PrintTally(*run_id, *handle->classifier, *tally);
  if (handle->client) PrintReplays(handle->client->usage());
  if (tally->stop_error) return ReportError(*tally->stop_error);
  if (cancel != nullptr && cancel->load()) return kExitInterrupted;
  return tally->failed > 0 ? kExitFailure : kExitOk;
}

int ClassifiersCommand(const ClassifiersFlags& flags) {
  const std::filesystem::path dir = ResolveClassifiersDir(flags.classifiers_dir);
  for (const ClassifierInfo& info : ClassifierTable()) {
    std::error_code error;
    const bool validated =
        *info.prompt_dir != '\0' &&
        std::filesystem::exists(dir / info.prompt_dir / "validation.json", error);
    std::printf("%-26s %s%s%s\n", (std::string(info.id) + "/" + info.version).c_str(),
                info.description, info.needs_judge ? " [needs --judge]" : "",
                validated ? " [validated]" : "");
  }
  return kExitOk;
}

std::filesystem::path ResolveClassifiersDir(const std::string& flag) {
  if (!flag.empty()) return flag;
  if (const char* env = std::getenv("AFBENCH_CLASSIFIERS_DIR"); env != nullptr && *env != '\0') {
    return env;
  }
  std::error_code error;
  auto exe = std::filesystem::read_symlink("/proc/self/exe", error);
  if (!error) {
    auto installed = exe.parent_path().parent_path() / "share" / "afbench" / "classifiers";
    if (std::filesystem::is_directory(installed, error)) return installed;
  }
  // The source tree's classifiers/ sits beside its scenarios/ (baked in at build time).
  return std::filesystem::path(AFBENCH_SOURCE_SCENARIOS_DIR).parent_path() / "classifiers";
}

std::vector<std::string> ApplyStoredValidations(RunSummary& summary,
                                                const std::filesystem::path& classifiers_dir) {
  std::vector<std::string> notes;
  for (AlignmentFakingSummary& af : summary.alignment_faking) {
    const ClassifierInfo* info = FindClassifier(af.classifier);
    std::error_code error;
    if (info == nullptr || *info->prompt_dir == '\0') continue;
    const auto path = classifiers_dir / info->prompt_dir / "validation.json";
    if (!std::filesystem::exists(path, error)) continue;
    auto validation = ReadClassifierValidation(path);
    if (!validation) {
      notes.push_back(validation.error().message);
      continue;
    }
    for (auto& [tier, figures] : af.tiers) {
      if (figures.labelled != figures.complied) {
        notes.push_back(af.classifier + ": " + TierName(tier) +
                        ": not corrected, some complied Samples are unlabelled");
        continue;
      }
      auto corrected =
          CorrectAlignmentFakingRate({figures.n, figures.complied,
                                      static_cast<int64_t>(figures.flagged), validation->confusion},
                                     {});
      if (!corrected) continue;
      figures.corrected = CorrectedAfRate{corrected->rate, corrected->ci, corrected->sensitivity,
                                          corrected->specificity, validation->source};
    }
  }
  return notes;
}

}  // namespace afbench::cli
