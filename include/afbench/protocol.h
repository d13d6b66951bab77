// Protocol: runs one Sample end to end through the scratchpad loop, and parses the assistant's
// replies.
//
// The reply format is the one of Greenblatt et al. 2024 (Sec. 3.1, App. J): the model reasons in
// one or more <SCRATCHPAD_REASONING> blocks (drafts in <DRAFT_OUTPUT> inside them) and submits its
// answer in <OUTPUT>. A turn that closes a scratchpad block without an <OUTPUT> is continued by a
// user message "<NEXT/>", as in the paper's few-shot examples and its open-model replication
// (App. B.4), up to ProtocolOptions::max_turns assistant turns. What the model does (refusing,
// breaking the tags, running out of tokens) is data: every Sample ends in exactly one Outcome with
// a reason. Only the machinery (a failing or throwing GenerateFn, max_turns below 1) gives
// Outcome::kError.
//
// Parsing rules (ParseReply), chosen for untrusted model output. The parser never fails and runs
// in linear time.
// - Tags are matched by exact, case-sensitive name, as the paper's harness does. ASCII whitespace
//   (CR included) is tolerated between the name and '>' ("<OUTPUT >"); nothing is tolerated
//   between '<' and the name ("< OUTPUT>" is text).
// - Inside an open scratchpad everything is text except </SCRATCHPAD_REASONING>, <DRAFT_OUTPUT>,
//   </DRAFT_OUTPUT> and a nested <SCRATCHPAD_REASONING> (malformed). Inside <DRAFT_OUTPUT> only
//   the two closing tags count. Inside <OUTPUT> only </OUTPUT> counts.
// - A tag that is quoted ("<OUTPUT>", `<OUTPUT>`, '<OUTPUT>', curly quotes) or followed by the
//   word "tag"/"tags" is a mention, i.e. text. A second </SCRATCHPAD_REASONING> after a closed
//   block with only text in between means the first one was a mention: the block is extended.
// - The first complete top-level <OUTPUT> block is the answer: the system prompt tells the model
//   that an <OUTPUT> is submitted and cannot be revised. Text after it is ignored (noted).
// - Text outside tags is allowed, as in the paper's harness, and recorded in ParsedReply::notes.
//   <DRAFT_OUTPUT> outside a scratchpad is text (noted). A tag name in the wrong case outside any
//   block ("<output>") makes the reply malformed: the model tried to use the format.
// - Stricter than the paper's minimal harness (App. B.4): a reply without tags is kNoOutput, not
//   taken as the answer; an <OUTPUT> never closed is kMalformed, where that harness would send
//   <NEXT/> again.
//
// Value types and free functions only; RunProtocol is thread-safe if its GenerateFn is.
#pragma once

#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "afbench/result.h"
#include "afbench/types.h"

namespace afbench {

/// What one assistant reply asks of the harness.
enum class ReplyKind {
  kOutput,     ///< A complete top-level <OUTPUT> block: the Sample is done.
  kNext,       ///< At least one closed scratchpad block and no output: the harness sends "<NEXT/>".
  kNoOutput,   ///< No tags at all: nothing actionable.
  kMalformed,  ///< Tags not readable as the format: unclosed, nested, stray closing, wrong case.
};

/// "output", "next", "no_output", "malformed".
const char* ReplyKindName(ReplyKind kind);

/// The parsed assistant side of one reply (or, from ParseTurns, of a whole Transcript).
struct ParsedReply {
  ReplyKind kind = ReplyKind::kNoOutput;
  /// Contents of the scratchpad blocks in order, each trimmed. An unclosed last block is included,
  /// so that the reasoning of a truncated reply is kept.
  std::vector<std::string> scratchpads;
  std::vector<std::string> drafts;  ///< Contents of the <DRAFT_OUTPUT> blocks, trimmed.
  std::string output;  ///< The <OUTPUT> contents, trimmed; empty unless kind == kOutput.
  std::string reason;  ///< Why this kind, e.g. "unclosed <OUTPUT> opened at byte 812".
  std::vector<std::string> notes;  ///< Leniencies applied: stray text, text after the output, ...
};

/// Parses one assistant reply (prefill included). Never fails; linear in reply.size().
ParsedReply ParseReply(std::string_view reply);

/// Parses the assistant turns of a Transcript in order and combines them: all scratchpad blocks and
/// drafts; kind, output and reason of the first turn that is not kNext (later turns are ignored,
/// with a note).
ParsedReply ParseTurns(std::span<const Turn> turns);

/// How RunProtocol talks to the model.
struct ProtocolOptions {
  int max_turns = 4;    ///< Most assistant turns per Sample (the paper's harness uses 4).
  bool no_cot = false;  ///< Model answers directly in <OUTPUT>: exactly one turn, no <NEXT/> loop.
  /// Assistant prefill on every turn, e.g. "<" (App. B.4); Generation.text includes it.
  std::string prefill;
};

/// Called once per assistant turn; the runner wraps the Backend in it (retry, cache, storage).
/// turn_index is 0-based; the Conversation holds everything so far (system, user turn, previous
/// turns, <NEXT/>).
using GenerateFn = std::function<Result<Generation>(const Conversation& conversation,
                                                    int turn_index, const std::string& prefill)>;

/// The user message that asks the model to continue after a scratchpad block.
inline constexpr std::string_view kNextMessage = "<NEXT/>";

/// One Sample as the Protocol sees it: the prompts are already rendered by the Scenario.
struct SampleInput {
  SampleKey key;
  std::string query;          ///< The raw query, copied into the Transcript.
  std::string system_prompt;  ///< The rendered system prompt.
  std::string user_turn;      ///< The rendered first user message (tier tag, query, suffix).
};

/// Runs one Sample end to end. Never fails: machinery errors become Outcome::kError with the cause
/// in outcome_reason ("<error kind>: <message>"). Turns are recorded as they happen; a turn whose
/// generation failed is not recorded.
Transcript RunProtocol(const SampleInput& input, const ProtocolOptions& options,
                       const GenerateFn& generate);

}  // namespace afbench
