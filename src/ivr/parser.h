// Turns IVR flow YAML into a typed Flow once, at the edge, with file:line:column diagnostics.
// Never throws and never crashes on malformed input; used by the server and `switchyard flow
// check`.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "ivr/flow.h"

namespace sy::ivr {

struct Diagnostic {
  enum class Severity { kError, kWarning };
  Severity severity = Severity::kError;
  int line = 0;  // 1-based; 0 when the position is unknown
  int column = 0;
  std::string message;
};

struct ParseOutcome {
  std::optional<Flow> flow;  // set only when there are no errors
  std::vector<Diagnostic> diagnostics;
  int reachable_nodes = 0;

  bool ok() const { return flow.has_value(); }
  int error_count() const;
  int warning_count() const;
};

// Parses flow text. Inputs above `kMaxFlowBytes` are refused with an error.
ParseOutcome parse_flow(const std::string& text);
// Reads and parses a file; an unreadable file is one error at line 0.
ParseOutcome parse_flow_file(const std::string& path);

inline constexpr std::size_t kMaxFlowBytes = 1 << 20;

// "FILE:LINE:COL: error: message" (the format of compilers, so editors can jump to it).
std::string format_diagnostic(const std::string& file, const Diagnostic& d);

}  // namespace sy::ivr
