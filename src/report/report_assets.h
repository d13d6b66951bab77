// The page template, style sheet and script of the HTML Report. They are data files in
// src/report/assets/, compiled into the binary at build time (embed_assets.cmake), so a report
// needs no files at run time. The views point at static storage and stay valid for the life of the
// program.
#pragma once

#include <string_view>

namespace afbench::report {

/// assets/report.html: the page with {{placeholders}} that html_report.cpp fills.
std::string_view PageTemplate();
/// assets/report.css: the page's only style sheet (inlined, allowed by its CSP hash).
std::string_view PageStyle();
/// assets/report.js: the page's only script (inlined, allowed by its CSP hash).
std::string_view PageScript();

}  // namespace afbench::report
