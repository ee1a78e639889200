// Agents: SQL (see agent_repository.h).
#include "store/agent_repository.h"

#include <map>

#include "store/json_columns.h"
#include "store/region_scope.h"
#include "store/sql_support.h"

namespace sy::store {
namespace {

constexpr const char* kSelect =
    "SELECT a.id, a.user_id, u.username, u.display_name, u.region_code, a.extension, a.sip_ha1, "
    "a.sip_realm, a.languages, a.regions, a.agent_groups, a.chat_capacity, a.state, "
    "a.state_reason, a.state_since, a.created_at, a.updated_at";
constexpr const char* kFrom = " FROM agents a JOIN users u ON u.id = a.user_id";

Agent agent_from_row(const Row& r) {
  Agent a;
  a.id = r.i64(0);
  a.user_id = r.i64(1);
  a.username = r.text(2);
  a.display_name = r.text(3);
  a.region_code = r.opt_text(4);
  a.extension = r.text(5);
  a.sip_ha1 = r.text(6);
  a.sip_realm = r.text(7);
  a.languages = json_columns::decode_strings(r.text(8));
  a.regions = json_columns::decode_strings(r.text(9));
  a.groups = json_columns::decode_strings(r.text(10));
  a.chat_capacity = static_cast<int>(r.i64(11));
  a.state = parse_agent_presence(r.text(12)).value_or(AgentPresence::kOffline);
  a.state_reason = r.text(13);
  a.state_since = sql::time_at(r, 14);
  a.created_at = sql::time_at(r, 15);
  a.updated_at = sql::time_at(r, 16);
  return a;
}

Status load_skills(Connection& conn, Agent& a) {
  Value p[] = {Value{a.id}};
  auto rows = conn.query(
      "SELECT s.name, k.level FROM agent_skills k JOIN skills s ON s.id = k.skill_id "
      "WHERE k.agent_id = $1 ORDER BY s.name",
      p);
  if (!rows.ok()) return rows.error();
  a.skills.clear();
  for (const Row& r : *rows) a.skills.push_back({r.text(0), static_cast<int>(r.i64(1))});
  return ok_status();
}

Result<Agent> load(Connection& conn, std::string_view where, const Value& key) {
  Value p[] = {key};
  auto row = conn.query_one(std::string(kSelect) + kFrom + " WHERE " + std::string(where), p);
  if (!row.ok()) return row.error();
  if (!*row) return sql::not_found("agent_not_found", "no such agent");
  Agent a = agent_from_row(**row);
  SY_TRY(load_skills(conn, a));
  return a;
}

Status check_extension(const std::string& ext) {
  bool ok = ext.size() >= 2 && ext.size() <= 16 &&
            ext.find_first_not_of("0123456789") == std::string::npos;
  if (!ok) return sql::invalid("invalid_extension", "an extension is 2 to 16 digits", "extension");
  return ok_status();
}

Status check_values(const std::vector<NamedLevel>& skills, int chat_capacity) {
  for (const auto& l : skills)
    if (l.level < 1 || l.level > 10)
      return sql::invalid("invalid_level", "skill levels are 1..10", "skills." + l.skill);
  if (chat_capacity < 0 || chat_capacity > 20)
    return sql::invalid("invalid_capacity", "chat_capacity must be 0..20", "chat_capacity");
  return ok_status();
}

// The extension is free for this user (no other user, agent or seat phone holds it).
Status check_extension_free(Connection& conn, const std::string& ext, std::int64_t user_id) {
  Value p[] = {Value{ext}, Value{user_id}};
  auto taken = sql::exists(conn,
                           "SELECT 1 FROM users WHERE extension = $1 AND id <> $2 UNION ALL "
                           "SELECT 1 FROM agents WHERE extension = $1 AND user_id <> $2 UNION ALL "
                           "SELECT 1 FROM seats WHERE extension = $1",
                           p);
  if (!taken.ok()) return taken.error();
  if (*taken) return sql::conflict("extension_taken", "extension " + ext + " is in use", "extension");
  return ok_status();
}

Status write_skills(Connection& conn, std::int64_t agent_id, const std::vector<NamedLevel>& skills) {
  Value d[] = {Value{agent_id}};
  auto del = conn.exec("DELETE FROM agent_skills WHERE agent_id = $1", d);
  if (!del.ok()) return del.error();
  for (const auto& l : skills) {
    Value n[] = {Value{l.skill}};
    auto skill = conn.query_one("SELECT id FROM skills WHERE name = $1", n);
    if (!skill.ok()) return skill.error();
    if (!*skill) return sql::not_found("skill_not_found", "no skill " + l.skill, "skills." + l.skill);
    Value p[] = {Value{agent_id}, Value{(*skill)->i64(0)}, Value{std::int64_t{l.level}}};
    auto ins = conn.exec("INSERT INTO agent_skills (agent_id, skill_id, level) VALUES ($1, $2, $3)", p);
    if (!ins.ok()) {
      if (sql::is_unique_violation(ins.error(), "agent_skills"))
        return sql::invalid("duplicate_skill", "skill " + l.skill + " is listed twice", "skills");
      return ins.error();
    }
  }
  return ok_status();
}

Status set_user_extension(Connection& conn, std::int64_t user_id,
                          const std::optional<std::string>& ext) {
  Value p[] = {text_or_null(ext), Value{user_id}};
  auto r = conn.exec("UPDATE users SET extension = $1 WHERE id = $2", p);
  if (!r.ok()) {
    if (sql::is_unique_violation(r.error(), "extension"))
      return sql::conflict("extension_taken", "extension is in use", "extension");
    return r.error();
  }
  return ok_status();
}

Status write_state(Connection& conn, const AgentStateChange& c) {
  Value p[] = {Value{std::string(to_string(c.state))}, Value{c.reason}, sql::ms(c.at),
               Value{c.agent_id}};
  auto r = conn.exec(
      "UPDATE agents SET state = $1, state_reason = $2, state_since = $3 WHERE id = $4", p);
  if (!r.ok()) return r.error();
  if (*r == 0) return sql::not_found("agent_not_found", "no such agent");
  Value h[] = {Value{c.agent_id}, Value{std::string(to_string(c.state))}, Value{c.reason},
               Value{c.source}, sql::ms(c.at)};
  auto ins = conn.exec(
      "INSERT INTO agent_state_history (agent_id, state, reason, source, at) "
      "VALUES ($1, $2, $3, $4, $5)",
      h);
  if (!ins.ok()) return ins.error();
  return ok_status();
}

}  // namespace

Result<Agent> AgentRepository::create(const NewAgent& agent) {
  SY_TRY(check_extension(agent.extension));
  SY_TRY(check_values(agent.skills, agent.chat_capacity));
  std::int64_t now = to_unix_ms(clock_.now());
  std::int64_t id = 0;
  Status st = db_.write([&](Connection& conn) -> Status {
    Value u[] = {Value{agent.user_id}};
    auto user = sql::exists(conn, "SELECT 1 FROM users WHERE id = $1", u);
    if (!user.ok()) return user.error();
    if (!*user) return sql::not_found("user_not_found", "no such user", "user_id");
    auto already = sql::exists(conn, "SELECT 1 FROM agents WHERE user_id = $1", u);
    if (!already.ok()) return already.error();
    if (*already) return sql::conflict("agent_exists", "this user is an agent already", "user_id");
    SY_TRY(check_extension_free(conn, agent.extension, agent.user_id));
    Value p[] = {Value{agent.user_id},
                 Value{agent.extension},
                 Value{agent.sip_ha1},
                 Value{agent.sip_realm},
                 Value{json_columns::encode_strings(agent.languages)},
                 Value{json_columns::encode_strings(agent.regions)},
                 Value{json_columns::encode_strings(agent.groups)},
                 Value{std::int64_t{agent.chat_capacity}},
                 Value{now}};
    auto r = conn.insert_returning_id(
        "INSERT INTO agents (user_id, extension, sip_ha1, sip_realm, languages, regions, "
        "agent_groups, chat_capacity, state, state_reason, state_since, created_at, updated_at) "
        "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'offline', '', $9, $9, $9) RETURNING id",
        p);
    if (!r.ok()) {
      if (sql::is_unique_violation(r.error(), "extension"))
        return sql::conflict("extension_taken", "extension is in use", "extension");
      return r.error();
    }
    id = *r;
    SY_TRY(set_user_extension(conn, agent.user_id, agent.extension));
    return write_skills(conn, id, agent.skills);
  });
  if (!st.ok()) return st.error();
  return get(id);
}

Result<Agent> AgentRepository::get(std::int64_t id) {
  return sql::read_result<Agent>(db_, [&](Connection& c) { return load(c, "a.id = $1", Value{id}); });
}

Result<Agent> AgentRepository::get_by_user(std::int64_t user_id) {
  return sql::read_result<Agent>(
      db_, [&](Connection& c) { return load(c, "a.user_id = $1", Value{user_id}); });
}

Result<Agent> AgentRepository::get_by_extension(const std::string& extension) {
  return sql::read_result<Agent>(
      db_, [&](Connection& c) { return load(c, "a.extension = $1", Value{extension}); });
}

Result<PageResult<Agent>> AgentRepository::list(const AgentFilter& filter, const PageRequest& page) {
  SY_TRY(check_page(page));
  sql::Filter f;
  if (!filter.scope.empty()) f.scope("u.region_code", RegionScope(filter.scope));
  if (filter.state) f.where("a.state = " + f.param(Value{std::string(to_string(*filter.state))}));
  if (!filter.skill.empty())
    f.where("EXISTS (SELECT 1 FROM agent_skills k JOIN skills s ON s.id = k.skill_id "
            "WHERE k.agent_id = a.id AND s.name = " +
            f.param(Value{filter.skill}) + ")");
  if (!filter.q.empty()) {
    std::string p = f.param(Value{sql::like_contains(filter.q)});
    f.where("lower(u.username) LIKE lower(" + p + ") ESCAPE '\\' OR lower(u.display_name) LIKE lower(" +
            p + ") ESCAPE '\\' OR a.extension LIKE " + p + " ESCAPE '\\'");
  }
  return sql::read_result<PageResult<Agent>>(db_, [&](Connection& conn) -> Result<PageResult<Agent>> {
    auto out = sql::fetch_page<Agent>(conn, kSelect, kFrom, f, "a.extension", page, agent_from_row);
    if (!out.ok()) return out.error();
    for (Agent& a : out->items) SY_TRY(load_skills(conn, a));
    return out;
  });
}

Result<std::vector<Agent>> AgentRepository::all_enabled() {
  return sql::read_result<std::vector<Agent>>(db_, [&](Connection& conn) -> Result<std::vector<Agent>> {
    auto rows = conn.query(std::string(kSelect) + kFrom + " WHERE u.disabled = 0 ORDER BY a.id");
    if (!rows.ok()) return rows.error();
    std::vector<Agent> out;
    std::map<std::int64_t, std::size_t> index;
    for (const Row& r : *rows) {
      index[r.i64(0)] = out.size();
      out.push_back(agent_from_row(r));
    }
    auto skills = conn.query(
        "SELECT k.agent_id, s.name, k.level FROM agent_skills k JOIN skills s ON s.id = k.skill_id "
        "ORDER BY k.agent_id, s.name");
    if (!skills.ok()) return skills.error();
    for (const Row& r : *skills) {
      auto it = index.find(r.i64(0));
      if (it != index.end()) out[it->second].skills.push_back({r.text(1), static_cast<int>(r.i64(2))});
    }
    return out;
  });
}

Result<Agent> AgentRepository::update(std::int64_t id, const AgentUpdate& update) {
  if (update.extension) SY_TRY(check_extension(*update.extension));
  SY_TRY(check_values(update.skills.value_or(std::vector<NamedLevel>{}),
                      update.chat_capacity.value_or(0)));
  std::int64_t now = to_unix_ms(clock_.now());
  Status st = db_.write([&](Connection& conn) -> Status {
    auto current = load(conn, "a.id = $1", Value{id});
    if (!current.ok()) return current.error();
    Agent a = std::move(*current);
    if (update.extension) {
      SY_TRY(check_extension_free(conn, *update.extension, a.user_id));
      a.extension = *update.extension;
    }
    if (update.sip_ha1) a.sip_ha1 = *update.sip_ha1;
    if (update.sip_realm) a.sip_realm = *update.sip_realm;
    if (update.languages) a.languages = *update.languages;
    if (update.regions) a.regions = *update.regions;
    if (update.groups) a.groups = *update.groups;
    if (update.chat_capacity) a.chat_capacity = *update.chat_capacity;
    Value p[] = {Value{a.extension},
                 Value{a.sip_ha1},
                 Value{a.sip_realm},
                 Value{json_columns::encode_strings(a.languages)},
                 Value{json_columns::encode_strings(a.regions)},
                 Value{json_columns::encode_strings(a.groups)},
                 Value{std::int64_t{a.chat_capacity}},
                 Value{now},
                 Value{id}};
    auto r = conn.exec(
        "UPDATE agents SET extension = $1, sip_ha1 = $2, sip_realm = $3, languages = $4, "
        "regions = $5, agent_groups = $6, chat_capacity = $7, updated_at = $8 WHERE id = $9",
        p);
    if (!r.ok()) {
      if (sql::is_unique_violation(r.error(), "extension"))
        return sql::conflict("extension_taken", "extension is in use", "extension");
      return r.error();
    }
    if (update.extension) SY_TRY(set_user_extension(conn, a.user_id, a.extension));
    if (update.skills) SY_TRY(write_skills(conn, id, *update.skills));
    return ok_status();
  });
  if (!st.ok()) return st.error();
  return get(id);
}

Status AgentRepository::remove(std::int64_t id) {
  return db_.write([&](Connection& conn) -> Status {
    auto current = load(conn, "a.id = $1", Value{id});
    if (!current.ok()) return current.error();
    Value p[] = {Value{id}};
    auto del = conn.exec("DELETE FROM agents WHERE id = $1", p);
    if (!del.ok()) return del.error();
    return set_user_extension(conn, current->user_id, std::nullopt);
  });
}

void AgentRepository::submit_state(const AgentStateChange& change,
                                   std::function<void(Status)> done) {
  db_.submit([change](Connection& conn) { return write_state(conn, change); }, std::move(done));
}

Status AgentRepository::record_state(const AgentStateChange& change) {
  return db_.write([&](Connection& conn) { return write_state(conn, change); });
}

Result<PageResult<AgentStateChange>> AgentRepository::state_history(std::int64_t agent_id,
                                                                    const PageRequest& page) {
  SY_TRY(check_page(page));
  sql::Filter f;
  f.where("h.agent_id = " + f.param(Value{agent_id}));
  return sql::read_result<PageResult<AgentStateChange>>(db_, [&](Connection& conn) {
    return sql::fetch_page<AgentStateChange>(
        conn, "SELECT h.id, h.agent_id, h.state, h.reason, h.source, h.at",
        " FROM agent_state_history h", f, "h.at DESC, h.id DESC", page, [](const Row& r) {
          AgentStateChange c;
          c.id = r.i64(0);
          c.agent_id = r.i64(1);
          c.state = parse_agent_presence(r.text(2)).value_or(AgentPresence::kOffline);
          c.reason = r.text(3);
          c.source = r.text(4);
          c.at = sql::time_at(r, 5);
          return c;
        });
  });
}

}  // namespace sy::store
