#include "reply_parser.h"

#include <array>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "afbench/protocol.h"

namespace afbench {
namespace protocol_internal {
namespace {

constexpr std::array<std::pair<TagName, std::string_view>, 3> kTagNames = {{
    {TagName::kScratchpad, "SCRATCHPAD_REASONING"},
    {TagName::kDraft, "DRAFT_OUTPUT"},
    {TagName::kOutput, "OUTPUT"},
}};

constexpr std::string_view kLeftDoubleQuote = "\xE2\x80\x9C";   // U+201C
constexpr std::string_view kRightDoubleQuote = "\xE2\x80\x9D";  // U+201D
constexpr std::string_view kLeftSingleQuote = "\xE2\x80\x98";   // U+2018
constexpr std::string_view kRightSingleQuote = "\xE2\x80\x99";  // U+2019

bool IsAsciiSpace(char c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == '\v';
}

bool IsAsciiAlnum(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

char ToUpperAscii(char c) { return (c >= 'a' && c <= 'z') ? static_cast<char>(c - 'a' + 'A') : c; }

// nullopt if `text` at `pos` does not spell `name` in any case; else whether the case is exact.
std::optional<bool> MatchName(std::string_view text, size_t pos, std::string_view name) {
  if (pos > text.size() || text.size() - pos < name.size()) return std::nullopt;
  bool exact = true;
  for (size_t i = 0; i < name.size(); ++i) {
    const char c = text[pos + i];
    if (c == name[i]) continue;
    if (ToUpperAscii(c) != name[i]) return std::nullopt;
    exact = false;
  }
  return exact;
}

bool WrappedIn(std::string_view text, size_t begin, size_t end, std::string_view left,
               std::string_view right) {
  return text.substr(0, begin).ends_with(left) && text.substr(end).starts_with(right);
}

// Models talk about the format ("I'll put the answer in <OUTPUT> tags",
// "`</SCRATCHPAD_REASONING>`"); such mentions must not open or close blocks. Real tags are neither
// quoted nor followed by the word "tag".
bool IsMention(std::string_view text, size_t begin, size_t end) {
  for (std::string_view quote : {"\"", "'", "`"}) {
    if (WrappedIn(text, begin, end, quote, quote)) return true;
  }
  if (WrappedIn(text, begin, end, kLeftDoubleQuote, kRightDoubleQuote) ||
      WrappedIn(text, begin, end, kLeftSingleQuote, kRightSingleQuote)) {
    return true;
  }
  const std::string_view rest = text.substr(end);
  if (!rest.starts_with(" tag")) return false;
  size_t after = 4;
  if (after < rest.size() && rest[after] == 's') ++after;
  return after == rest.size() || !IsAsciiAlnum(rest[after]);
}

std::optional<TagToken> MatchTagAt(std::string_view text, size_t begin) {
  size_t pos = begin + 1;
  const bool closing = pos < text.size() && text[pos] == '/';
  if (closing) ++pos;
  for (const auto& [name, spelled] : kTagNames) {
    const std::optional<bool> exact = MatchName(text, pos, spelled);
    if (!exact) continue;
    size_t after = pos + spelled.size();
    size_t spaces = 0;
    while (after < text.size() && spaces < kMaxTagSpaces && IsAsciiSpace(text[after])) {
      ++after;
      ++spaces;
    }
    if (after >= text.size() || text[after] != '>') return std::nullopt;
    return TagToken{.name = name,
                    .closing = closing,
                    .begin = begin,
                    .end = after + 1,
                    .exact_case = *exact,
                    .mention = IsMention(text, begin, after + 1)};
  }
  return std::nullopt;
}

}  // namespace

std::string_view TagNameText(TagName name) {
  for (const auto& [candidate, spelled] : kTagNames) {
    if (candidate == name) return spelled;
  }
  return "OUTPUT";
}

std::optional<TagToken> NextTag(std::string_view text, size_t from) {
  size_t pos = from;
  while ((pos = text.find('<', pos)) != std::string_view::npos) {
    if (std::optional<TagToken> token = MatchTagAt(text, pos)) return token;
    ++pos;
  }
  return std::nullopt;
}

std::string_view TrimAsciiWhitespace(std::string_view text) {
  size_t begin = 0;
  size_t end = text.size();
  while (begin < end && IsAsciiSpace(text[begin])) ++begin;
  while (end > begin && IsAsciiSpace(text[end - 1])) --end;
  return text.substr(begin, end - begin);
}

bool IsBlank(std::string_view text) { return TrimAsciiWhitespace(text).empty(); }

}  // namespace protocol_internal

namespace {

using protocol_internal::NextTag;
using protocol_internal::TagName;
using protocol_internal::TagToken;
using protocol_internal::TrimAsciiWhitespace;

std::string At(size_t offset) { return " at byte " + std::to_string(offset); }

// One pass over the reply's tags; a small state machine (see the rules in
// include/afbench/protocol.h).
class ReplyParser {
 public:
  explicit ReplyParser(std::string_view text) : text_(text) {}

  ParsedReply Run() {
    size_t pos = 0;
    while (state_ != State::kDone) {
      const std::optional<TagToken> token = NextTag(text_, pos);
      if (!token) break;
      Dispatch(*token);
      pos = token->end;
    }
    Finish();
    return std::move(result_);
  }

 private:
  enum class State { kTop, kScratchpad, kDraft, kOutput, kDone };

  void Dispatch(const TagToken& token) {
    switch (state_) {
      case State::kTop:
        return OnTop(token);
      case State::kScratchpad:
        return OnScratchpad(token);
      case State::kDraft:
        return OnDraft(token);
      case State::kOutput:
        return OnOutput(token);
      case State::kDone:
        return;
    }
  }

  void OnTop(const TagToken& token) {
    if (token.mention) return;
    if (token.name == TagName::kDraft) {
      return AddNoteOnce("<DRAFT_OUTPUT> tag outside a scratchpad read as text");
    }
    if (!token.exact_case) {
      return Fail("tag name in the wrong case outside any block" + At(token.begin));
    }
    if (token.name == TagName::kScratchpad && token.closing) return OnTopScratchpadClose(token);
    if (token.closing) return Fail("</OUTPUT> without an opening tag" + At(token.begin));
    NoteStrayText(top_text_begin_, token.begin);
    block_open_at_ = token.begin;
    block_begin_ = token.end;
    last_closed_scratchpad_ = false;
    state_ = token.name == TagName::kScratchpad ? State::kScratchpad : State::kOutput;
  }

  // A second closing tag after a closed block, with only text between: the first was a mention.
  void OnTopScratchpadClose(const TagToken& token) {
    if (!last_closed_scratchpad_) {
      return Fail("</SCRATCHPAD_REASONING> without an opening tag" + At(token.begin));
    }
    result_.scratchpads.back() = Slice(block_begin_, token.begin);
    top_text_begin_ = token.end;
    AddNoteOnce("a </SCRATCHPAD_REASONING> followed by more reasoning was read as a mention");
  }

  void OnScratchpad(const TagToken& token) {
    if (token.mention) return;
    if (!token.exact_case) {
      if (token.closing && token.name == TagName::kScratchpad) NoteWrongCaseClose(token);
      return;
    }
    if (token.name == TagName::kOutput) return;  // Text: the model may talk about its output.
    if (token.name == TagName::kDraft) {
      if (token.closing) return AddNoteOnce("</DRAFT_OUTPUT> without an opening tag read as text");
      draft_begin_ = token.end;
      state_ = State::kDraft;
      return;
    }
    if (!token.closing) {
      result_.scratchpads.push_back(Slice(block_begin_, token.begin));
      return Fail("nested <SCRATCHPAD_REASONING>" + At(token.begin) + " inside the block opened" +
                  At(block_open_at_));
    }
    CloseScratchpad(token);
  }

  void OnDraft(const TagToken& token) {
    if (token.mention || !token.exact_case || !token.closing) return;
    if (token.name == TagName::kDraft) {
      result_.drafts.push_back(Slice(draft_begin_, token.begin));
      state_ = State::kScratchpad;
    } else if (token.name == TagName::kScratchpad) {
      // Lenient: a forgotten </DRAFT_OUTPUT> does not hide the end of the block.
      result_.drafts.push_back(Slice(draft_begin_, token.begin));
      AddNoteOnce("unclosed <DRAFT_OUTPUT> ended by </SCRATCHPAD_REASONING>");
      CloseScratchpad(token);
    }
  }

  void OnOutput(const TagToken& token) {
    if (token.mention || token.name != TagName::kOutput || !token.closing) return;
    if (!token.exact_case) return NoteWrongCaseClose(token);
    result_.kind = ReplyKind::kOutput;
    result_.output = Slice(block_begin_, token.begin);
    result_.reason = "complete <OUTPUT>";
    const std::string_view rest = text_.substr(token.end);
    if (!protocol_internal::IsBlank(rest)) {
      AddNoteOnce("text after </OUTPUT> ignored (" + std::to_string(rest.size()) + " bytes)");
    }
    state_ = State::kDone;
  }

  void CloseScratchpad(const TagToken& token) {
    result_.scratchpads.push_back(Slice(block_begin_, token.begin));
    top_text_begin_ = token.end;
    last_closed_scratchpad_ = true;
    state_ = State::kTop;
  }

  void Finish() {
    switch (state_) {
      case State::kDone:
        break;
      case State::kOutput:
        Fail("unclosed <OUTPUT> opened" + At(block_open_at_) + WrongCaseHint());
        break;
      case State::kDraft:
      case State::kScratchpad:
        result_.scratchpads.push_back(Slice(block_begin_, text_.size()));
        Fail("unclosed <SCRATCHPAD_REASONING> opened" + At(block_open_at_) + WrongCaseHint());
        break;
      case State::kTop:
        FinishAtTop();
        break;
    }
    if (stray_bytes_ > 0) {
      result_.notes.push_back("text outside tags (" + std::to_string(stray_bytes_) + " bytes)");
    }
  }

  void FinishAtTop() {
    if (result_.scratchpads.empty()) {
      result_.kind = ReplyKind::kNoOutput;
      result_.reason = "no <SCRATCHPAD_REASONING> or <OUTPUT> tags";
      return;
    }
    NoteStrayText(top_text_begin_, text_.size());
    result_.kind = ReplyKind::kNext;
    result_.reason = "scratchpad closed without <OUTPUT>";
  }

  void Fail(std::string reason) {
    result_.kind = ReplyKind::kMalformed;
    result_.reason = std::move(reason);
    result_.output.clear();
    state_ = State::kDone;
  }

  void NoteStrayText(size_t begin, size_t end) {
    const std::string_view text = text_.substr(begin, end - begin);
    if (!protocol_internal::IsBlank(text)) stray_bytes_ += TrimAsciiWhitespace(text).size();
  }

  void NoteWrongCaseClose(const TagToken& token) {
    if (!wrong_case_close_at_) wrong_case_close_at_ = token.begin;
  }

  std::string WrongCaseHint() const {
    if (!wrong_case_close_at_) return "";
    return " (a closing tag in the wrong case is" + At(*wrong_case_close_at_) + ")";
  }

  void AddNoteOnce(const std::string& note) {
    for (const std::string& existing : result_.notes) {
      if (existing == note) return;
    }
    result_.notes.push_back(note);
  }

  std::string Slice(size_t begin, size_t end) const {
    return std::string(TrimAsciiWhitespace(text_.substr(begin, end - begin)));
  }

  std::string_view text_;
  State state_ = State::kTop;
  ParsedReply result_;
  size_t block_open_at_ = 0;  // Offset of the '<' that opened the current block.
  size_t block_begin_ = 0;    // First byte of the current (or last closed) block's contents.
  size_t draft_begin_ = 0;
  size_t top_text_begin_ = 0;  // Start of the current run of text outside blocks.
  bool last_closed_scratchpad_ = false;
  size_t stray_bytes_ = 0;
  std::optional<size_t> wrong_case_close_at_;
};

}  // namespace

const char* ReplyKindName(ReplyKind kind) {
  switch (kind) {
    case ReplyKind::kOutput:
      return "output";
    case ReplyKind::kNext:
      return "next";
    case ReplyKind::kNoOutput:
      return "no_output";
    case ReplyKind::kMalformed:
      return "malformed";
  }
  return "malformed";
}

ParsedReply ParseReply(std::string_view reply) { return ReplyParser(reply).Run(); }

ParsedReply ParseTurns(std::span<const Turn> turns) {
  ParsedReply combined;
  combined.reason = "no assistant turns";
  for (size_t i = 0; i < turns.size(); ++i) {
    ParsedReply reply = ParseReply(turns[i].response);
    const std::string prefix = "turn " + std::to_string(turns[i].index) + ": ";
    for (std::string& block : reply.scratchpads) combined.scratchpads.push_back(std::move(block));
    for (std::string& draft : reply.drafts) combined.drafts.push_back(std::move(draft));
    for (const std::string& note : reply.notes) combined.notes.push_back(prefix + note);
    combined.kind = reply.kind;
    combined.output = std::move(reply.output);
    combined.reason = prefix + reply.reason;
    if (reply.kind != ReplyKind::kNext) {
      if (i + 1 < turns.size()) combined.notes.push_back(prefix + "later turns ignored");
      break;
    }
  }
  return combined;
}

}  // namespace afbench
