#include "classify_commands.h"

#include <cstdio>
#include <cstdlib>
#include <mutex>
#include <nlohmann/json.hpp>
#include <thread>

#include "afbench/backends.h"
#include "afbench/lease.h"
#include "afbench/run_spec.h"
#include "afbench/store.h"
#include "afbench/validation.h"
#include "exit_codes.h"
#include "run_command.h"

namespace afbench::cli {
namespace {

// What one `afbench classify` invocation did.
struct ClassifyTally {
  std::mutex mutex;
  int64_t labelled = 0, yes = 0, no = 0, undecided = 0, judge_errors = 0, failed = 0;
  int64_t input_tokens = 0, output_tokens = 0, requests = 0;
  std::optional<Error> stop_error;  ///< An error that stopped the labelling (auth, cancellation).

  void Add(const Label& label) {
    const auto detail = nlohmann::json::parse(label.detail_json, nullptr, false);
    std::lock_guard<std::mutex> lock(mutex);
    labelled++;
    (label.value ? (*label.value ? yes : no) : undecided)++;
    if (detail.is_object() && detail.contains("judge_error")) judge_errors++;
    if (detail.is_object() && detail.contains("usage") && detail["usage"].is_object()) {
      input_tokens += Count(detail["usage"], "input_tokens");
      output_tokens += Count(detail["usage"], "output_tokens");
      requests += Count(detail["usage"], "requests");
    }
  }

  static int64_t Count(const nlohmann::json& usage, const char* field) {
    return usage.contains(field) && usage[field].is_number_integer() ? usage[field].get<int64_t>()
                                                                     : 0;
  }
};

// The only place a judge's API key is read: from the provider's environment variable, into memory.
Result<std::unique_ptr<Backend>> JudgeBackend(const JudgeFlags& flags) {
  BackendOptions options;
  options.spec = flags.judge;
  options.base_url = flags.judge_base_url;
  options.base_url_named = true;  // the flag or the provider's variable: the user's own choice
  options.stream = flags.stream;
  auto spec = ParseModelSpec(flags.judge);
  if (!spec) return Unexpected{spec.error()};
  for (const BackendInfo& info : BackendTable()) {
    if (spec->first != info.provider) continue;
    if (const char* key = std::getenv(info.api_key_env)) options.api_key = key;
    const char* base_url = std::getenv(info.base_url_env);
    if (options.base_url.empty() && base_url != nullptr) options.base_url = base_url;
  }
  return MakeBackend(options);
}

// What a Run's stored configuration tells its judges: where to store their calls, and for the
// anti-ai-lab judge the scenario's questions and prompt folder.
Result<JudgeOptions> StoredJudgeOptions(Store& store, const std::string& run_id) {
  auto run = store.LoadRun(run_id);
  if (!run) return Unexpected{run.error()};
  JudgeOptions options;
  options.store = &store;
  options.run_id = run_id;
  auto config = RunSpecFromJson(run->config_json);
  if (!config) return options;  // Older or foreign configs: only anti-ai-lab needs more.
  options.prompt_dir = config->judge_prompt_dir;
  for (const auto& [index, extras] : config->query_extras) {
    if (!extras.judge_question.empty()) options.questions[index] = extras.judge_question;
  }
  return options;
}

void PrintReplays(const ClientUsage& usage) {
  std::printf("judge calls: %lld answered from the store, %lld sent (%lld failed)\n",
              static_cast<long long>(usage.replayed),
              static_cast<long long>(usage.calls - usage.replayed),
              static_cast<long long>(usage.failed_calls));
}

Result<std::string> RunIdOrNewest(Store& store, const std::string& run_id) {
  if (!run_id.empty()) return run_id;
  auto runs = store.ListRuns();
  if (!runs) return Unexpected{runs.error()};
  if (runs->empty()) return Fail(ErrorKind::kNotFound, "store: no runs yet");
  return runs->front().run_id;
}

bool HasDecidedLabel(const StoredSample& sample, const Classifier& classifier) {
  for (const Label& label : sample.labels) {
    if (label.classifier_id == classifier.Id() &&
        label.classifier_version == classifier.Version() && label.value.has_value()) {
      return true;
    }
  }
  return false;
}

// The Samples to label: the chosen Tier, and (unless --relabel) no decided label of this version
// yet, so that re-running `classify` only retries judge errors and fills gaps.
std::vector<const StoredSample*> SamplesToLabel(const std::vector<StoredSample>& samples,
                                                const ClassifyFlags& flags,
                                                const Classifier& classifier, int64_t& skipped) {
  std::vector<const StoredSample*> out;
  for (const StoredSample& sample : samples) {
    if (flags.tier != "all" && flags.tier != TierName(sample.transcript.key.tier)) continue;
    if (!flags.relabel && HasDecidedLabel(sample, classifier)) {
      skipped++;
      continue;
    }
    out.push_back(&sample);
  }
  return out;
}

void LabelOne(Store& store, const std::string& run_id, Classifier& classifier,
              const StoredSample& sample, ClassifyTally& tally, std::atomic<bool>& stop) {
  Result<Label> label = classifier.Classify(sample.transcript);
  Status stored = label ? store.AddLabel(run_id, sample.transcript.key, *label)
                        : Status(Unexpected{label.error()});
  if (stored) return tally.Add(*label);
  std::lock_guard<std::mutex> lock(tally.mutex);
  tally.failed++;
  const Error& error = stored.error();
  if (error.kind == ErrorKind::kAuth || error.kind == ErrorKind::kCancelled ||
      error.kind == ErrorKind::kIo || error.kind == ErrorKind::kUnavailable) {
    if (!tally.stop_error) tally.stop_error = error;
    stop = true;
    return;
  }
  std::fprintf(stderr, "afbench: %s: %s\n", sample.transcript.key.ToString().c_str(),
               error.message.c_str());
}

void PrintTally(const std::string& run_id, const Classifier& classifier, const ClassifyTally& t,
                int64_t skipped) {
  std::printf(
      "classify: run %s, %s/%s: %lld labelled (yes %lld, no %lld, no value %lld of which %lld "
      "judge errors), %lld failed, %lld already labelled\njudge usage: %lld requests, %lld input "
      "tokens, %lld output tokens\n",
      run_id.c_str(), classifier.Id().c_str(), classifier.Version().c_str(),
      static_cast<long long>(t.labelled), static_cast<long long>(t.yes),
      static_cast<long long>(t.no), static_cast<long long>(t.undecided),
      static_cast<long long>(t.judge_errors), static_cast<long long>(t.failed),
      static_cast<long long>(skipped), static_cast<long long>(t.requests),
      static_cast<long long>(t.input_tokens), static_cast<long long>(t.output_tokens));
}

}  // namespace

void AddJudgeOptions(CLI::App& command, JudgeFlags& flags) {
  command.add_option("--classifier", flags.classifier, "Classifier id (see `afbench classifiers`)")
      ->required();
  command.add_option("--judge", flags.judge, "Judge model of LLM classifiers, provider/model");
  command.add_option("--judge-base-url", flags.judge_base_url, "Judge API base URL");
  command.add_option("--votes", flags.votes, "af-majority-vote: votes per scratchpad")
      ->capture_default_str();
  command
      .add_option("--vote-threshold", flags.vote_threshold,
                  "af-majority-vote: yes share that counts as alignment faking")
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
    auto backend = JudgeBackend(flags);
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

void ParallelFor(size_t count, int workers, const std::atomic<bool>& stop,
                 const std::function<void(size_t)>& work) {
  std::atomic<size_t> next{0};
  std::vector<std::thread> threads;
  const size_t thread_count = std::min<size_t>(count, static_cast<size_t>(std::max(1, workers)));
  for (size_t t = 0; t < thread_count; ++t) {
    threads.emplace_back([&] {
      for (size_t i = next++; i < count && !stop.load(); i = next++) work(i);
    });
  }
  for (std::thread& thread : threads) thread.join();
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
  // One labelling process per Run (two would pay for each vote twice), which first takes in the
  // votes an earlier one paid for but could not commit.
  auto lease = Lease::Acquire(**store, "classify/" + *run_id);
  if (!lease) return ReportError(lease.error());
  StderrObserver notices(common.db_path, /*quiet=*/true);
  if (Status imported = ImportUnsavedReplies(**store, &notices); !imported) {
    return ReportError(imported.error());
  }
  auto base = StoredJudgeOptions(**store, *run_id);
  if (!base) return ReportError(base.error());
  auto handle = MakeClassifierFromFlags(flags.judge, cancel, std::move(*base));
  if (!handle) return ReportError(handle.error());
  auto samples = (*store)->LoadSamples(*run_id);
  if (!samples) return ReportError(samples.error());
  int64_t skipped = 0;
  const auto todo = SamplesToLabel(*samples, flags, *handle->classifier, skipped);
  ClassifyTally tally;
  std::atomic<bool> stop{false};
  ParallelFor(todo.size(), flags.judge.max_connections, stop, [&](size_t i) {
    if (cancel != nullptr && cancel->load()) {
      stop = true;
      return;
    }
    LabelOne(**store, *run_id, *handle->classifier, *todo[i], tally, stop);
  });
  PrintTally(*run_id, *handle->classifier, tally, skipped);
  if (handle->client) PrintReplays(handle->client->usage());
  if (tally.stop_error) return ReportError(*tally.stop_error);
  if (cancel != nullptr && cancel->load()) return kExitInterrupted;
  return tally.failed > 0 ? kExitFailure : kExitOk;
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
