// switchyard: one binary, one command per operator task (design §4).
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "app/commands.h"

namespace {

struct CommandEntry {
  const char* name;
  const char* summary;
  int (*run)(const std::vector<std::string>& args);
};

const CommandEntry kCommands[] = {
    {"serve", "run the server", sy::app::serve_command},
    {"migrate", "apply schema migrations", sy::app::migrate_command},
    {"user add", "create a user (password from stdin)", sy::app::user_add_command},
    {"version", "print version and build information", sy::app::version_command},
    {"demo-data", "build a demo province (Fujian, two centres)", sy::app::demo_data_command},
    {"sim", "simulate a centre with the real routing engine", sy::app::sim_command},
    {"flow check", "validate an IVR flow", sy::app::flow_check_command},
};

void print_usage() {
  std::fprintf(stderr, "usage: switchyard <command> [options]\n\ncommands:\n");
  for (const auto& c : kCommands) std::fprintf(stderr, "  %-12s %s\n", c.name, c.summary);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2 || !std::strcmp(argv[1], "--help") || !std::strcmp(argv[1], "-h")) {
    print_usage();
    return argc < 2 ? 2 : 0;
  }
  std::string name = argv[1];
  std::vector<std::string> args(argv + 2, argv + argc);
  // Two-word commands: "user add", "flow check".
  for (const auto& c : kCommands) {
    std::string cname = c.name;
    auto space = cname.find(' ');
    if (space == std::string::npos) {
      if (cname == name) return c.run(args);
    } else if (cname.substr(0, space) == name && !args.empty() &&
               args[0] == cname.substr(space + 1)) {
      return c.run(std::vector<std::string>(args.begin() + 1, args.end()));
    }
  }
  std::fprintf(stderr, "switchyard: unknown command '%s'\n\n", name.c_str());
  print_usage();
  return 2;
}
