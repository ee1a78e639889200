// `switchyard flow check FILE`: validates an IVR flow the way the server loads it, printing
// compiler-style diagnostics so editors and CI can point at the offending line.
#include <cstdio>

#include "app/commands.h"
#include "ivr/parser.h"

namespace sy::app {

int flow_check_command(const std::vector<std::string>& args) {
  if (args.size() != 1 || args[0].empty() || args[0][0] == '-') {
    std::fprintf(stderr, "usage: switchyard flow check FILE\n");
    return 2;
  }
  const std::string& file = args[0];
  ivr::ParseOutcome outcome = ivr::parse_flow_file(file);
  for (const auto& d : outcome.diagnostics)
    std::fprintf(stderr, "%s\n", ivr::format_diagnostic(file, d).c_str());
  if (!outcome.ok()) {
    std::fprintf(stderr, "%s: %d error(s), %d warning(s)\n", file.c_str(), outcome.error_count(),
                 outcome.warning_count());
    return 1;
  }
  std::printf("%s: OK: flow '%s', %zu nodes, %d reachable from '%s', %d warning(s)\n", file.c_str(),
              outcome.flow->id.c_str(), outcome.flow->nodes.size(), outcome.reachable_nodes,
              outcome.flow->entry.c_str(), outcome.warning_count());
  return 0;
}

}  // namespace sy::app
