// `switchyard user add --username U --role R [--region CODE] [--extension N]
//  [--display-name NAME] --password-stdin`: creates a user; the password is read from stdin so
// it never appears in the process list or shell history.
#include <cstdio>
#include <iostream>
#include <map>

#include "app/commands.h"
#include "auth/roles.h"
#include "auth/secrets.h"
#include "config/config.h"
#include "store/repositories.h"

namespace sy::app {
namespace {

int fail(const std::string& message, int code = 1) {
  std::fprintf(stderr, "switchyard user add: %s\n", message.c_str());
  return code;
}

}  // namespace

int user_add_command(const std::vector<std::string>& args) {
  std::vector<std::string> rest;
  auto config = config::load(args, config::environment(), &rest);
  if (!config) return fail(config.error().message, 2);
  std::map<std::string, std::string> opts;
  bool password_stdin = false;
  for (std::size_t i = 0; i < rest.size(); ++i) {
    const std::string& a = rest[i];
    if (a == "--password-stdin") {
      password_stdin = true;
    } else if (a == "--username" || a == "--role" || a == "--region" || a == "--extension" ||
               a == "--display-name") {
      if (i + 1 >= rest.size()) return fail(a + " needs a value", 2);
      opts[a] = rest[++i];
    } else {
      return fail("unknown argument '" + a + "'", 2);
    }
  }
  if (!opts.count("--username")) return fail("--username is required", 2);
  if (!opts.count("--role")) return fail("--role is required", 2);
  if (!password_stdin) return fail("--password-stdin is required (the password is read from stdin)", 2);
  auto role = auth::parse_role(opts["--role"]);
  if (!role)
    return fail("unknown role '" + opts["--role"] +
                    "' (agent, supervisor, backoffice, field, manager, admin)",
                2);
  std::string password;
  if (!std::getline(std::cin, password)) return fail("no password on stdin");
  if (!password.empty() && password.back() == '\r') password.pop_back();
  if (Status st = auth::check_password_policy(password); !st) return fail(st.error().message);

  auto db = store::Database::open(config->db_url);
  if (!db) return fail(db.error().message);
  if (auto applied = (*db)->migrate(); !applied) return fail(applied.error().message);
  store::Repositories repos(**db, SystemClock::instance());
  auto hash = auth::hash_password(password);
  if (!hash) return fail(hash.error().message);
  store::NewUser u;
  u.username = opts["--username"];
  u.display_name = opts.count("--display-name") ? opts["--display-name"] : "";
  u.role = *role;
  if (opts.count("--region")) u.region_code = opts["--region"];
  if (opts.count("--extension")) u.extension = opts["--extension"];
  u.password_hash = *hash;
  auto created = repos.users.create(u);
  if (!created) return fail(created.error().message);
  (void)repos.audit.append(std::nullopt, "user.create", "user:" + std::to_string(created->id),
                           "{\"via\":\"command line\",\"username\":\"" + created->username + "\"}");
  std::printf("created user %s (id %lld, role %s%s%s)\n", created->username.c_str(),
              static_cast<long long>(created->id), opts["--role"].c_str(),
              u.region_code ? ", region " : "", u.region_code ? u.region_code->c_str() : "");
  return 0;
}

}  // namespace sy::app
