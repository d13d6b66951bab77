// Private to the protocol component: the tag scanner behind ParseReply
// (include/afbench/protocol.h).
//
// The scanner finds the format's tags in untrusted text. It looks at each '<' once and does bounded
// work there (name, at most kMaxTagSpaces whitespace bytes, a few bytes of context for the mention
// test), so scanning a whole reply is linear. Pure functions; thread-safe.
#pragma once

#include <cstddef>
#include <optional>
#include <string_view>

namespace afbench::protocol_internal {

/// The tag names of the format.
enum class TagName { kScratchpad, kOutput, kDraft };

/// The tag's name as the format spells it ("SCRATCHPAD_REASONING", "OUTPUT", "DRAFT_OUTPUT").
std::string_view TagNameText(TagName name);

/// Most whitespace bytes accepted between a tag's name and its '>'.
inline constexpr size_t kMaxTagSpaces = 8;

/// One tag occurrence in a reply.
struct TagToken {
  TagName name = TagName::kOutput;
  bool closing = false;    ///< "</NAME>".
  size_t begin = 0;        ///< Offset of '<'.
  size_t end = 0;          ///< Offset one past '>'.
  bool exact_case = true;  ///< The name matched case-sensitively.
  bool mention = false;    ///< Quoted or followed by " tag(s)": text that talks about the tag.
};

/// The first tag token starting at or after `from`, or nullopt.
std::optional<TagToken> NextTag(std::string_view text, size_t from);

/// `text` without leading and trailing ASCII whitespace (space, \t, \r, \n, \f, \v).
std::string_view TrimAsciiWhitespace(std::string_view text);

/// True when `text` is empty or only ASCII whitespace.
bool IsBlank(std::string_view text);

}  // namespace afbench::protocol_internal
