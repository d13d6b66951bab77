// DiffText: a unified diff of two texts, by lines, optionally shown word by word.
//
// Longest common subsequence by dynamic programming: prompts are a few hundred lines (paragraphs
// are single lines), so the quadratic table stays small. Ties prefer deletions before insertions,
// as diff(1) prints them.
#include <algorithm>
#include <cctype>
#include <cstdint>
#include <string>
#include <vector>

#include "afbench/text.h"
#include "afbench/variation.h"

namespace afbench {
namespace {

enum class Op { kEqual, kDelete, kInsert };

struct Step {
  Op op;
  size_t from;  ///< Index in the first sequence (kEqual, kDelete).
  size_t to;    ///< Index in the second sequence (kEqual, kInsert).
};

// Above this many table cells a word diff falls back to showing whole blocks.
constexpr size_t kMaxCells = size_t{25} * 1000 * 1000;

/// The class of a byte for word splitting: whitespace, word characters (letters, digits, '_' and
/// the bytes of non-ASCII characters), or punctuation.
int CharClass(char c) {
  if (c == ' ' || c == '\n' || c == '\t') return 0;
  const unsigned char u = static_cast<unsigned char>(c);
  return (std::isalnum(u) || c == '_' || u >= 0x80) ? 1 : 2;
}

/// Words, runs of whitespace and single punctuation marks as separate tokens, so that joining gives
/// the text back and a cut clause shows without its neighbouring words.
std::vector<std::string> SplitWords(std::string_view text) {
  std::vector<std::string> tokens;
  size_t i = 0;
  while (i < text.size()) {
    const int kind = CharClass(text[i]);
    size_t j = i + 1;
    while (kind != 2 && j < text.size() && CharClass(text[j]) == kind) ++j;
    tokens.emplace_back(text.substr(i, j - i));
    i = j;
  }
  return tokens;
}

std::vector<Step> EditScript(const std::vector<std::string>& a, const std::vector<std::string>& b) {
  const size_t n = a.size();
  const size_t m = b.size();
  std::vector<uint32_t> lcs((n + 1) * (m + 1), 0);
  auto at = [m](size_t i, size_t j) { return i * (m + 1) + j; };
  for (size_t i = n; i-- > 0;) {
    for (size_t j = m; j-- > 0;) {
      lcs[at(i, j)] =
          a[i] == b[j] ? lcs[at(i + 1, j + 1)] + 1 : std::max(lcs[at(i + 1, j)], lcs[at(i, j + 1)]);
    }
  }
  std::vector<Step> steps;
  size_t i = 0;
  size_t j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && a[i] == b[j]) {
      steps.push_back({Op::kEqual, i++, j++});
    } else if (i < n && (j == m || lcs[at(i + 1, j)] >= lcs[at(i, j + 1)])) {
      steps.push_back({Op::kDelete, i++, j});
    } else {
      steps.push_back({Op::kInsert, i, j++});
    }
  }
  return steps;
}

std::string Join(const std::vector<std::string>& lines, size_t begin, size_t end) {
  std::string out;
  for (size_t i = begin; i < end; ++i) out += (i == begin ? "" : "\n") + lines[i];
  return out;
}

/// Removed text as [-...-], added text as {+...+}, equal text as it is.
std::string WordDiff(const std::string& from, const std::string& to) {
  const std::vector<std::string> a = SplitWords(from);
  const std::vector<std::string> b = SplitWords(to);
  if ((a.size() + 1) * (b.size() + 1) > kMaxCells) return "[-" + from + "-]{+" + to + "+}";
  std::string out;
  std::string removed;
  std::string added;
  auto flush = [&] {
    if (!removed.empty()) out += "[-" + removed + "-]";
    if (!added.empty()) out += "{+" + added + "+}";
    removed.clear();
    added.clear();
  };
  for (const Step& step : EditScript(a, b)) {
    if (step.op == Op::kDelete) removed += a[step.from];
    if (step.op == Op::kInsert) added += b[step.to];
    if (step.op != Op::kEqual) continue;
    flush();
    out += a[step.from];
  }
  flush();
  return out;
}

/// A hunk: a range of steps with its context.
struct Hunk {
  size_t begin = 0;
  size_t end = 0;
};

std::vector<Hunk> FindHunks(const std::vector<Step>& steps, size_t context) {
  std::vector<Hunk> hunks;
  for (size_t k = 0; k < steps.size(); ++k) {
    if (steps[k].op == Op::kEqual) continue;
    const size_t begin = k >= context ? k - context : 0;
    size_t last = k;
    size_t scan = k;
    while (scan < steps.size() && scan <= last + 2 * context) {
      if (steps[scan].op != Op::kEqual) last = scan;
      ++scan;
    }
    const size_t end = std::min(steps.size(), last + context + 1);
    if (!hunks.empty() && begin <= hunks.back().end) {
      hunks.back().end = end;
    } else {
      hunks.push_back({begin, end});
    }
    k = last;
  }
  return hunks;
}

std::string HunkHeader(const std::vector<Step>& steps, const Hunk& hunk) {
  size_t from_count = 0;
  size_t to_count = 0;
  for (size_t k = hunk.begin; k < hunk.end; ++k) {
    if (steps[k].op != Op::kInsert) ++from_count;
    if (steps[k].op != Op::kDelete) ++to_count;
  }
  const size_t from_start = steps[hunk.begin].from + (from_count > 0 ? 1 : 0);
  const size_t to_start = steps[hunk.begin].to + (to_count > 0 ? 1 : 0);
  return "@@ -" + std::to_string(from_start) + "," + std::to_string(from_count) + " +" +
         std::to_string(to_start) + "," + std::to_string(to_count) + " @@\n";
}

std::string HunkBody(const std::vector<Step>& steps, const Hunk& hunk,
                     const std::vector<std::string>& a, const std::vector<std::string>& b,
                     bool words) {
  std::string out;
  size_t k = hunk.begin;
  while (k < hunk.end) {
    if (steps[k].op == Op::kEqual) {
      out += (words ? "" : " ") + a[steps[k].from] + "\n";
      ++k;
      continue;
    }
    std::vector<std::string> removed;
    std::vector<std::string> added;
    for (; k < hunk.end && steps[k].op != Op::kEqual; ++k) {
      (steps[k].op == Op::kDelete ? removed : added)
          .push_back(steps[k].op == Op::kDelete ? a[steps[k].from] : b[steps[k].to]);
    }
    if (words) {
      out += WordDiff(Join(removed, 0, removed.size()), Join(added, 0, added.size())) + "\n";
      continue;
    }
    for (const std::string& line : removed) out += "-" + line + "\n";
    for (const std::string& line : added) out += "+" + line + "\n";
  }
  return out;
}

}  // namespace

std::string DiffText(std::string_view from, std::string_view to, const DiffOptions& options) {
  if (from == to) return "";
  const std::vector<std::string> a = SplitLines(from);
  const std::vector<std::string> b = SplitLines(to);
  const std::vector<Step> steps = EditScript(a, b);
  const size_t context = static_cast<size_t>(std::max(options.context_lines, 0));
  std::string out = "--- " + options.from_label + "\n+++ " + options.to_label + "\n";
  for (const Hunk& hunk : FindHunks(steps, context)) {
    out += HunkHeader(steps, hunk);
    out += HunkBody(steps, hunk, a, b, options.words);
  }
  return out;
}

}  // namespace afbench
