#include "report_command.h"

#include <cstdio>
#include <filesystem>
#include <fstream>

#include "afbench/report.h"
#include "afbench/store.h"
#include "exit_codes.h"

namespace afbench::cli {
namespace {

// Writes `content` to a temporary file beside `path` and renames it over `path`, so that a reader
// never sees a half-written report.
Status WriteFileAtomically(const std::filesystem::path& path, const std::string& content) {
  const std::filesystem::path temporary = path.string() + ".tmp";
  {
    std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
    out.write(content.data(), static_cast<std::streamsize>(content.size()));
    if (!out.flush()) return Fail(ErrorKind::kIo, "report: cannot write " + temporary.string());
  }
  std::error_code error;
  std::filesystem::rename(temporary, path, error);
  if (error)
    return Fail(ErrorKind::kIo, "report: cannot write " + path.string() + ": " + error.message());
  return {};
}

Result<std::vector<std::string>> RunIds(Store& store, const std::vector<std::string>& named) {
  if (!named.empty()) return named;
  auto runs = store.ListRuns();
  if (!runs) return Unexpected{runs.error()};
  if (runs->empty()) return Fail(ErrorKind::kNotFound, "store: no runs yet");
  return std::vector<std::string>{runs->front().run_id};
}

Status WriteSvgFigures(const Report& report, const std::filesystem::path& folder) {
  std::error_code error;
  std::filesystem::create_directories(folder, error);
  if (error)
    return Fail(ErrorKind::kIo,
                "report: cannot create " + folder.string() + ": " + error.message());
  for (const SvgFigure& figure : RenderFigures(report)) {
    const std::filesystem::path path = folder / (figure.name + ".svg");
    AFBENCH_RETURN_IF_ERROR(WriteFileAtomically(path, figure.svg));
    std::printf("%s\n", path.string().c_str());
  }
  return {};
}

}  // namespace

CLI::App* AddReportCommand(CLI::App& app, ReportFlags& flags, CommonOptions& common) {
  CLI::App* command = app.add_subcommand(
      "report",
      "Write one self-contained HTML report (figures, tables, transcripts) of one or more runs");
  command->add_option("runs", flags.run_ids,
                      "Run ids, in the order to show them (default: the newest run)");
  command
      ->add_option("-o,--output", flags.output,
                   "HTML file; with --format svg, a folder for the figures")
      ->required();
  command->add_option("--format", flags.format, "html, or svg for the figures alone")
      ->check(CLI::IsMember({"html", "svg"}))
      ->capture_default_str();
  command->add_flag("--reveal", flags.reveal, "Show outputs of compliant samples without a click");
  command->add_flag("--sequence", flags.sequence,
                    "The runs are a sequence (e.g. checkpoints): add stacked areas over them");
  command->add_option(
      "--af-classifier", flags.af_classifier,
      "Classifier whose labels mark alignment-faking reasoning (default: the first af-* or "
      "offline-af id found in each run)");
  command->add_option("--classifier", flags.classifier, "Classifier whose labels define compliance")
      ->capture_default_str();
  command->add_option("--title", flags.title, "Title of the report")->capture_default_str();
  command->add_option("--db", common.db_path, "SQLite store")->capture_default_str();
  return command;
}

int ReportCommand(const ReportFlags& flags, const CommonOptions& common) {
  // Reading commands must not create an empty store.
  if (!std::filesystem::exists(common.db_path)) {
    return ReportError(
        {ErrorKind::kNotFound,
         "store: " + common.db_path + " does not exist (use --db to point at a store)",
         std::nullopt});
  }
  auto store = Store::Open(common.db_path);
  if (!store) return ReportError(store.error());
  auto run_ids = RunIds(**store, flags.run_ids);
  if (!run_ids) return ReportError(run_ids.error());
  ReportOptions options;
  options.compliance_classifier = flags.classifier;
  options.af_classifier = flags.af_classifier;
  options.reveal = flags.reveal;
  options.sequence = flags.sequence;
  options.title = flags.title;
  options.generator = VersionText();
  auto report = LoadReport(**store, *run_ids, options);
  if (!report) return ReportError(report.error());
  if (flags.format == "svg") {
    auto written = WriteSvgFigures(*report, flags.output);
    return written ? kExitOk : ReportError(written.error());
  }
  auto page = RenderReportHtml(*report);
  if (!page) return ReportError(page.error());
  auto written = WriteFileAtomically(flags.output, *page);
  if (!written) return ReportError(written.error());
  std::printf("%s\n", flags.output.c_str());
  return kExitOk;
}

}  // namespace afbench::cli
