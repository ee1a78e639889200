// `switchyard migrate`: applies every schema migration not yet applied (serve does it too).
#include <cstdio>

#include "app/commands.h"
#include "config/config.h"
#include "store/db.h"

namespace sy::app {

int migrate_command(const std::vector<std::string>& args) {
  std::vector<std::string> rest;
  auto config = config::load(args, config::environment(), &rest);
  if (!config) {
    std::fprintf(stderr, "switchyard migrate: %s\n", config.error().message.c_str());
    return 2;
  }
  if (!rest.empty()) {
    std::fprintf(stderr, "switchyard migrate: unknown argument '%s'\n", rest[0].c_str());
    return 2;
  }
  auto db = store::Database::open(config->db_url);
  if (!db) {
    std::fprintf(stderr, "switchyard migrate: %s\n", db.error().message.c_str());
    return 1;
  }
  auto applied = (*db)->migrate();
  if (!applied) {
    std::fprintf(stderr, "switchyard migrate: %s\n", applied.error().message.c_str());
    return 1;
  }
  auto version = (*db)->schema_version();
  std::printf("%s: %d migration(s) applied, schema version %d\n", (*db)->display_url().c_str(),
              *applied, version ? *version : -1);
  return 0;
}

}  // namespace sy::app
