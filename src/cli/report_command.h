// `afbench report`: writes the HTML Report (or its SVG figures) of one or more Runs. Flag struct,
// CLI11 registration and the command body, like the subcommands in commands.h.
#pragma once

#include <CLI/CLI.hpp>
#include <string>
#include <vector>

#include "commands.h"

namespace afbench::cli {

struct ReportFlags {
  std::vector<std::string> run_ids;  ///< Empty: the newest Run.
  std::string output;           ///< The HTML file, or with --format svg the folder for the figures.
  std::string format = "html";  ///< "html" or "svg".
  bool reveal = false;
  bool sequence = false;
  std::string af_classifier;
  std::string classifier = "compliance-tag";
  std::string title = "afbench report";
};

CLI::App* AddReportCommand(CLI::App& app, ReportFlags& flags, CommonOptions& common);

int ReportCommand(const ReportFlags& flags, const CommonOptions& common);

}  // namespace afbench::cli
