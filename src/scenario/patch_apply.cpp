#include "patch_apply.h"

#include <algorithm>
#include <set>

namespace afbench::scenario_internal {
namespace {

/// One located text edit: replace [begin, end) of the unpatched section text with `text`.
struct Edit {
  size_t begin = 0;
  size_t end = 0;
  std::string text;
  const OwnedPatch* owner = nullptr;
  size_t index = 0;  ///< Position of the patch in its composition (ties at one point).
};

/// A section while patches are applied.
struct Entry {
  std::string name;
  std::string text;
  bool deleted = false;
  std::string added_after;            ///< For added sections: their anchor ("" for base sections).
  const OwnedPatch* owner = nullptr;  ///< The section-level patch that replaced or deleted it.
};

std::string Snippet(std::string_view text) {
  std::string out;
  for (char c : text.substr(0, 60)) out += c == '\n' ? std::string("\\n") : std::string(1, c);
  return text.size() > 60 ? out + "..." : out;
}

std::string Where(const OwnedPatch& owned) {
  return "variation: " + owned.variation + ":" + std::to_string(owned.patch.line);
}

Unexpected PatchError(const OwnedPatch& owned, const std::string& what) {
  return Fail(ErrorKind::kInvalidInput, Where(owned) + ": " + what);
}

Unexpected Conflict(const OwnedPatch& a, const OwnedPatch& b, const std::string& what) {
  return Fail(ErrorKind::kInvalidInput, "variation: '" + a.variation + "' and '" + b.variation +
                                            "' conflict: " + what + " (lines " +
                                            std::to_string(a.patch.line) + " and " +
                                            std::to_string(b.patch.line) + ")");
}

bool IsSectionOp(PatchOp op) {
  return op == PatchOp::kReplaceSection || op == PatchOp::kDeleteSection;
}

/// The span of the line holding `pos`, with its line break; a line that stands alone as a
/// paragraph takes one of its blank lines too, so that no double blank line is left behind.
std::pair<size_t, size_t> LineSpan(std::string_view text, size_t pos) {
  const size_t start =
      text.rfind('\n', pos) == std::string_view::npos ? 0 : text.rfind('\n', pos) + 1;
  size_t end = text.find('\n', pos);
  const bool blank_before = start >= 2 && text[start - 2] == '\n';
  if (end == std::string_view::npos) {
    // The last line: take the line break(s) before it instead.
    const size_t cut = start == 0 ? 0 : (blank_before ? start - 2 : start - 1);
    return {cut, text.size()};
  }
  ++end;
  const bool blank_after = end < text.size() && text[end] == '\n';
  if (blank_before && blank_after) ++end;
  if (start == 0 && blank_after) ++end;
  return {start, end};
}

Result<Edit> Locate(const OwnedPatch& owned, const std::string& section_name,
                    const std::string& text, const std::string& scenario) {
  const Patch& patch = owned.patch;
  if (patch.op == PatchOp::kAppend) {
    return Edit{text.size(), text.size(), (text.empty() ? "" : "\n\n") + patch.text, &owned, 0};
  }
  size_t count = 0;
  size_t pos = std::string::npos;
  for (size_t hit = text.find(patch.target); hit != std::string::npos;
       hit = text.find(patch.target, hit + 1)) {
    if (count++ == 0) pos = hit;
  }
  if (count != 1) {
    return PatchError(owned, "section '" + section_name + "' of scenario '" + scenario + "' " +
                                 (count == 0 ? "has no text" : "has more than one copy of") + " '" +
                                 Snippet(patch.target) + "'");
  }
  const size_t end = pos + patch.target.size();
  switch (patch.op) {
    case PatchOp::kReplace:
      return Edit{pos, end, patch.text, &owned, 0};
    case PatchOp::kDelete:
      return Edit{pos, end, "", &owned, 0};
    case PatchOp::kInsertBefore:
      return Edit{pos, pos, patch.text, &owned, 0};
    case PatchOp::kInsertAfter:
      return Edit{end, end, patch.text, &owned, 0};
    case PatchOp::kDeleteLine: {
      auto [begin, stop] = LineSpan(text, pos);
      return Edit{begin, stop, "", &owned, 0};
    }
    default:
      break;
  }
  return Fail(ErrorKind::kInternal, Where(owned) + ": not a text patch");
}

bool Overlaps(const Edit& a, const Edit& b) {
  const bool a_point = a.begin == a.end;
  const bool b_point = b.begin == b.end;
  if (a_point && b_point) return false;  // Two insertions: kept in composition order.
  if (a_point) return b.begin < a.begin && a.begin < b.end;
  if (b_point) return a.begin < b.begin && b.begin < a.end;
  return std::max(a.begin, b.begin) < std::min(a.end, b.end);
}

Result<std::string> ApplyEdits(const std::string& text, std::vector<Edit> edits,
                               const std::string& section_name) {
  for (size_t i = 0; i < edits.size(); ++i) {
    for (size_t j = i + 1; j < edits.size(); ++j) {
      if (!Overlaps(edits[i], edits[j])) continue;
      const OwnedPatch& a = *edits[i].owner;
      const OwnedPatch& b = *edits[j].owner;
      const std::string what = "both change '" +
                               Snippet(text.substr(edits[i].begin, edits[i].end - edits[i].begin)) +
                               "' in section '" + section_name + "'";
      if (a.variation == b.variation)
        return PatchError(b, "overlaps the patch at line " + std::to_string(a.patch.line));
      return Conflict(a, b, what);
    }
  }
  // Insertions at a point go before an edit that starts there; ties keep composition order.
  std::sort(edits.begin(), edits.end(), [](const Edit& a, const Edit& b) {
    const bool a_span = a.begin != a.end;
    const bool b_span = b.begin != b.end;
    return std::tie(a.begin, a_span, a.owner->order, a.index) <
           std::tie(b.begin, b_span, b.owner->order, b.index);
  });
  std::string out;
  size_t cursor = 0;
  for (const Edit& edit : edits) {
    out.append(text, cursor, edit.begin - std::min(cursor, edit.begin));
    out += edit.text;
    cursor = std::max(cursor, edit.end);
  }
  out.append(text, std::min(cursor, text.size()), std::string::npos);
  return out;
}

Entry* FindEntry(std::vector<Entry>& entries, const std::string& name) {
  auto it = std::find_if(entries.begin(), entries.end(),
                         [&name](const Entry& e) { return e.name == name; });
  return it == entries.end() ? nullptr : &*it;
}

Status ApplySectionOp(std::vector<Entry>& entries, const OwnedPatch& owned,
                      const std::string& scenario) {
  const Patch& patch = owned.patch;
  Entry* entry = FindEntry(entries, patch.section);
  if (entry == nullptr) {
    return PatchError(owned, "scenario '" + scenario + "' has no section '" + patch.section + "'");
  }
  if (entry->owner != nullptr) {
    const bool both_delete = entry->deleted && patch.op == PatchOp::kDeleteSection;
    if (entry->owner->variation == owned.variation) {
      return PatchError(owned, "section '" + patch.section + "' is already replaced or deleted");
    }
    if (!both_delete) return Conflict(*entry->owner, owned, "section '" + patch.section + "'");
    return {};
  }
  entry->owner = &owned;
  if (patch.op == PatchOp::kDeleteSection) entry->deleted = true;
  if (patch.op == PatchOp::kReplaceSection) entry->text = patch.text;
  return {};
}

Status AddSection(std::vector<Entry>& entries, const OwnedPatch& owned) {
  const Patch& patch = owned.patch;
  if (FindEntry(entries, patch.section) != nullptr) {
    return PatchError(owned, "section '" + patch.section + "' already exists");
  }
  size_t at = entries.size();
  if (!patch.target.empty()) {
    Entry* anchor = FindEntry(entries, patch.target);
    if (anchor == nullptr) return PatchError(owned, "no section '" + patch.target + "' to follow");
    if (anchor->deleted && anchor->owner->variation != owned.variation) {
      return Conflict(*anchor->owner, owned, "section '" + patch.target + "' is deleted");
    }
    at = static_cast<size_t>(anchor - entries.data()) + 1;
    while (at < entries.size() && entries[at].added_after == patch.target) ++at;
  }
  Entry entry{patch.section, patch.text, false, patch.target.empty() ? "<end>" : patch.target,
              nullptr};
  entries.insert(entries.begin() + static_cast<std::ptrdiff_t>(at), std::move(entry));
  return {};
}

Status ApplyTextPatches(std::vector<Entry>& entries, const std::vector<OwnedPatch>& patches,
                        const std::string& scenario) {
  std::map<std::string, std::vector<Edit>> edits;
  for (size_t i = 0; i < patches.size(); ++i) {
    const OwnedPatch& owned = patches[i];
    const PatchOp op = owned.patch.op;
    if (IsSectionOp(op) || op == PatchOp::kAddSection) continue;
    Entry* entry = FindEntry(entries, owned.patch.section);
    if (entry == nullptr) {
      return PatchError(owned,
                        "scenario '" + scenario + "' has no section '" + owned.patch.section + "'");
    }
    if (entry->owner != nullptr) {
      if (entry->owner->variation == owned.variation) {
        return PatchError(owned, "edits section '" + entry->name + "', which it also replaces");
      }
      return Conflict(*entry->owner, owned, "section '" + entry->name + "'");
    }
    auto edit = Locate(owned, entry->name, entry->text, scenario);
    if (!edit) return Unexpected{edit.error()};
    edit->index = i;
    edits[entry->name].push_back(std::move(*edit));
  }
  for (auto& [name, section_edits] : edits) {
    Entry* entry = FindEntry(entries, name);
    auto text = ApplyEdits(entry->text, std::move(section_edits), name);
    if (!text) return Unexpected{text.error()};
    entry->text = std::move(*text);
  }
  return {};
}

}  // namespace

Result<Sections> ApplyPatches(const Sections& sections, const std::vector<OwnedPatch>& patches,
                              const std::string& scenario_name) {
  std::vector<Entry> entries;
  for (const auto& [name, text] : sections)
    entries.push_back(Entry{name, text, false, "", nullptr});
  for (const OwnedPatch& owned : patches) {
    if (IsSectionOp(owned.patch.op)) {
      AFBENCH_RETURN_IF_ERROR(ApplySectionOp(entries, owned, scenario_name));
    }
  }
  for (const OwnedPatch& owned : patches) {
    if (owned.patch.op == PatchOp::kAddSection) AFBENCH_RETURN_IF_ERROR(AddSection(entries, owned));
  }
  AFBENCH_RETURN_IF_ERROR(ApplyTextPatches(entries, patches, scenario_name));
  Sections out;
  for (Entry& entry : entries) {
    if (!entry.deleted && !entry.text.empty()) out.emplace_back(entry.name, std::move(entry.text));
  }
  return out;
}

}  // namespace afbench::scenario_internal
