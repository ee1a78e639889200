// Queues: SQL (see queue_repository.h).
#include "store/queue_repository.h"

#include "store/json_columns.h"
#include "store/skill_repository.h"
#include "store/sql_support.h"

namespace sy::store {
namespace {

constexpr const char* kColumns =
    "q.id, q.name, q.display_name, q.strategy, q.service_level_s, q.skills, q.rules, "
    "q.created_at, q.updated_at";

Queue queue_from_row(const Row& r) {
  Queue q;
  q.id = r.i64(0);
  q.name = r.text(1);
  q.display_name = r.text(2);
  q.strategy = r.text(3);
  q.service_level_s = static_cast<int>(r.i64(4));
  q.skills = json_columns::decode_levels(r.text(5));
  q.rules_json = r.text(6);
  q.created_at = sql::time_at(r, 7);
  q.updated_at = sql::time_at(r, 8);
  return q;
}

Result<Queue> load(Connection& conn, std::string_view where, const Value& key) {
  Value p[] = {key};
  auto row = conn.query_one(
      std::string("SELECT ") + kColumns + " FROM queues q WHERE " + std::string(where), p);
  if (!row.ok()) return row.error();
  if (!*row) return sql::not_found("queue_not_found", "no such queue");
  return queue_from_row(**row);
}

Status check_fields(const std::string& strategy, int service_level_s,
                    const std::vector<NamedLevel>& skills, const std::string& rules) {
  if (!valid_strategy(strategy))
    return sql::invalid("invalid_strategy",
                        "strategy must be longest_idle, least_occupied, best_skill, round_robin "
                        "or preferred_agent",
                        "strategy");
  if (service_level_s < 1 || service_level_s > 3600)
    return sql::invalid("invalid_service_level", "service_level_s must be 1..3600",
                        "service_level_s");
  for (const auto& l : skills)
    if (l.level < 1 || l.level > 10)
      return sql::invalid("invalid_level", "skill levels are 1..10", "skills." + l.skill);
  if (!json_columns::is_json_object(rules))
    return sql::invalid("invalid_rules", "rules must be a JSON object", "rules");
  return ok_status();
}

// Every named skill exists.
Status check_skills(Connection& conn, const std::vector<NamedLevel>& skills) {
  for (const auto& l : skills) {
    Value p[] = {Value{l.skill}};
    auto found = sql::exists(conn, "SELECT 1 FROM skills WHERE name = $1", p);
    if (!found.ok()) return found.error();
    if (!*found) return sql::not_found("skill_not_found", "no skill " + l.skill, "skills." + l.skill);
  }
  return ok_status();
}

}  // namespace

bool valid_strategy(std::string_view name) {
  return name == "longest_idle" || name == "least_occupied" || name == "best_skill" ||
         name == "round_robin" || name == "preferred_agent";
}

Result<Queue> QueueRepository::create(const NewQueue& queue) {
  if (!valid_routing_name(queue.name))
    return sql::invalid("invalid_queue_name",
                        "a queue name is 1 to 32 lower-case letters, digits or '_'", "name");
  SY_TRY(check_fields(queue.strategy, queue.service_level_s, queue.skills, queue.rules_json));
  std::int64_t now = to_unix_ms(clock_.now());
  std::int64_t id = 0;
  Status st = db_.write([&](Connection& conn) -> Status {
    Value k[] = {Value{queue.name}};
    auto taken = sql::exists(conn, "SELECT 1 FROM queues WHERE name = $1", k);
    if (!taken.ok()) return taken.error();
    if (*taken) return sql::conflict("queue_exists", "queue " + queue.name + " exists", "name");
    SY_TRY(check_skills(conn, queue.skills));
    Value p[] = {Value{queue.name},
                 Value{queue.display_name},
                 Value{queue.strategy},
                 Value{std::int64_t{queue.service_level_s}},
                 Value{json_columns::encode_levels(queue.skills)},
                 Value{queue.rules_json},
                 Value{now},
                 Value{now}};
    auto r = conn.insert_returning_id(
        "INSERT INTO queues (name, display_name, strategy, service_level_s, skills, rules, "
        "created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
        p);
    if (!r.ok()) {
      if (sql::is_unique_violation(r.error(), "name"))
        return sql::conflict("queue_exists", "queue " + queue.name + " exists", "name");
      return r.error();
    }
    id = *r;
    return ok_status();
  });
  if (!st.ok()) return st.error();
  return get(id);
}

Result<Queue> QueueRepository::get(std::int64_t id) {
  return sql::read_result<Queue>(db_, [&](Connection& c) { return load(c, "q.id = $1", Value{id}); });
}

Result<Queue> QueueRepository::get_by_name(const std::string& name) {
  return sql::read_result<Queue>(db_,
                                 [&](Connection& c) { return load(c, "q.name = $1", Value{name}); });
}

Result<PageResult<Queue>> QueueRepository::list(const std::string& q, const PageRequest& page) {
  SY_TRY(check_page(page));
  sql::Filter f;
  if (!q.empty()) {
    std::string p = f.param(Value{sql::like_contains(q)});
    f.where("lower(q.name) LIKE lower(" + p + ") ESCAPE '\\' OR lower(q.display_name) LIKE lower(" +
            p + ") ESCAPE '\\'");
  }
  return sql::read_result<PageResult<Queue>>(db_, [&](Connection& conn) {
    return sql::fetch_page<Queue>(conn, std::string("SELECT ") + kColumns, " FROM queues q", f,
                                  "q.name", page, queue_from_row);
  });
}

Result<std::vector<Queue>> QueueRepository::all() {
  return sql::read_result<std::vector<Queue>>(db_, [&](Connection& conn) -> Result<std::vector<Queue>> {
    auto rows = conn.query(std::string("SELECT ") + kColumns + " FROM queues q ORDER BY q.name");
    if (!rows.ok()) return rows.error();
    std::vector<Queue> out;
    for (const Row& r : *rows) out.push_back(queue_from_row(r));
    return out;
  });
}

Result<Queue> QueueRepository::update(std::int64_t id, const QueueUpdate& update) {
  std::int64_t now = to_unix_ms(clock_.now());
  Status st = db_.write([&](Connection& conn) -> Status {
    auto current = load(conn, "q.id = $1", Value{id});
    if (!current.ok()) return current.error();
    Queue q = std::move(*current);
    if (update.display_name) q.display_name = *update.display_name;
    if (update.strategy) q.strategy = *update.strategy;
    if (update.service_level_s) q.service_level_s = *update.service_level_s;
    if (update.skills) q.skills = *update.skills;
    if (update.rules_json) q.rules_json = *update.rules_json;
    SY_TRY(check_fields(q.strategy, q.service_level_s, q.skills, q.rules_json));
    if (update.skills) SY_TRY(check_skills(conn, q.skills));
    Value p[] = {Value{q.display_name},
                 Value{q.strategy},
                 Value{std::int64_t{q.service_level_s}},
                 Value{json_columns::encode_levels(q.skills)},
                 Value{q.rules_json},
                 Value{now},
                 Value{id}};
    auto r = conn.exec(
        "UPDATE queues SET display_name = $1, strategy = $2, service_level_s = $3, skills = $4, "
        "rules = $5, updated_at = $6 WHERE id = $7",
        p);
    if (!r.ok()) return r.error();
    return ok_status();
  });
  if (!st.ok()) return st.error();
  return get(id);
}

Status QueueRepository::remove(std::int64_t id) {
  return db_.write([&](Connection& conn) -> Status {
    Value p[] = {Value{id}};
    auto del = conn.exec("DELETE FROM queues WHERE id = $1", p);
    if (!del.ok()) return del.error();
    if (*del == 0) return sql::not_found("queue_not_found", "no such queue");
    return ok_status();
  });
}

}  // namespace sy::store
