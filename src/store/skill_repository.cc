// Skills: SQL (see skill_repository.h).
#include "store/skill_repository.h"

#include "store/json_columns.h"
#include "store/sql_support.h"

namespace sy::store {
namespace {

constexpr const char* kColumns = "s.id, s.name, s.display_name, s.kind, s.created_at, s.updated_at";

Skill skill_from_row(const Row& r) {
  Skill s;
  s.id = r.i64(0);
  s.name = r.text(1);
  s.display_name = r.text(2);
  s.kind = r.text(3);
  s.created_at = sql::time_at(r, 4);
  s.updated_at = sql::time_at(r, 5);
  return s;
}

Result<Skill> load(Connection& conn, std::string_view where, const Value& key) {
  Value p[] = {key};
  auto row = conn.query_one(std::string("SELECT ") + kColumns + " FROM skills s WHERE " +
                                std::string(where),
                            p);
  if (!row.ok()) return row.error();
  if (!*row) return sql::not_found("skill_not_found", "no such skill");
  return skill_from_row(**row);
}

Status check_kind(const std::string& kind) {
  if (kind != "business" && kind != "language")
    return sql::invalid("invalid_skill_kind", "kind must be business or language", "kind");
  return ok_status();
}

}  // namespace

bool valid_routing_name(std::string_view name) {
  if (name.empty() || name.size() > 32) return false;
  for (char c : name)
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_')) return false;
  return true;
}

Result<Skill> SkillRepository::create(const NewSkill& skill) {
  if (!valid_routing_name(skill.name))
    return sql::invalid("invalid_skill_name",
                        "a skill name is 1 to 32 lower-case letters, digits or '_'", "name");
  SY_TRY(check_kind(skill.kind));
  std::int64_t now = to_unix_ms(clock_.now());
  std::int64_t id = 0;
  Status st = db_.write([&](Connection& conn) -> Status {
    Value k[] = {Value{skill.name}};
    auto taken = sql::exists(conn, "SELECT 1 FROM skills WHERE name = $1", k);
    if (!taken.ok()) return taken.error();
    if (*taken) return sql::conflict("skill_exists", "skill " + skill.name + " exists", "name");
    Value p[] = {Value{skill.name}, Value{skill.display_name}, Value{skill.kind}, Value{now},
                 Value{now}};
    auto r = conn.insert_returning_id(
        "INSERT INTO skills (name, display_name, kind, created_at, updated_at) "
        "VALUES ($1, $2, $3, $4, $5) RETURNING id",
        p);
    if (!r.ok()) {
      if (sql::is_unique_violation(r.error(), "name"))
        return sql::conflict("skill_exists", "skill " + skill.name + " exists", "name");
      return r.error();
    }
    id = *r;
    return ok_status();
  });
  if (!st.ok()) return st.error();
  return get(id);
}

Result<Skill> SkillRepository::get(std::int64_t id) {
  return sql::read_result<Skill>(db_, [&](Connection& c) { return load(c, "s.id = $1", Value{id}); });
}

Result<Skill> SkillRepository::get_by_name(const std::string& name) {
  return sql::read_result<Skill>(db_,
                                 [&](Connection& c) { return load(c, "s.name = $1", Value{name}); });
}

Result<PageResult<Skill>> SkillRepository::list(const std::string& q, const PageRequest& page) {
  SY_TRY(check_page(page));
  sql::Filter f;
  if (!q.empty()) {
    std::string p = f.param(Value{sql::like_contains(q)});
    f.where("lower(s.name) LIKE lower(" + p + ") ESCAPE '\\' OR lower(s.display_name) LIKE lower(" +
            p + ") ESCAPE '\\'");
  }
  return sql::read_result<PageResult<Skill>>(db_, [&](Connection& conn) {
    return sql::fetch_page<Skill>(conn, std::string("SELECT ") + kColumns, " FROM skills s", f,
                                  "s.name", page, skill_from_row);
  });
}

Result<std::vector<Skill>> SkillRepository::all() {
  return sql::read_result<std::vector<Skill>>(db_, [&](Connection& conn) -> Result<std::vector<Skill>> {
    auto rows = conn.query(std::string("SELECT ") + kColumns + " FROM skills s ORDER BY s.name");
    if (!rows.ok()) return rows.error();
    std::vector<Skill> out;
    for (const Row& r : *rows) out.push_back(skill_from_row(r));
    return out;
  });
}

Result<Skill> SkillRepository::update(std::int64_t id, const SkillUpdate& update) {
  if (update.kind) SY_TRY(check_kind(*update.kind));
  std::int64_t now = to_unix_ms(clock_.now());
  Status st = db_.write([&](Connection& conn) -> Status {
    auto current = load(conn, "s.id = $1", Value{id});
    if (!current.ok()) return current.error();
    Value p[] = {Value{update.display_name.value_or(current->display_name)},
                 Value{update.kind.value_or(current->kind)}, Value{now}, Value{id}};
    auto r = conn.exec(
        "UPDATE skills SET display_name = $1, kind = $2, updated_at = $3 WHERE id = $4", p);
    if (!r.ok()) return r.error();
    return ok_status();
  });
  if (!st.ok()) return st.error();
  return get(id);
}

Status SkillRepository::remove(std::int64_t id) {
  return db_.write([&](Connection& conn) -> Status {
    auto current = load(conn, "s.id = $1", Value{id});
    if (!current.ok()) return current.error();
    auto rows = conn.query("SELECT name, skills FROM queues ORDER BY name");
    if (!rows.ok()) return rows.error();
    for (const Row& r : *rows) {
      for (const auto& l : json_columns::decode_levels(r.text(1)))
        if (l.skill == current->name)
          return sql::conflict("skill_in_use", "queue " + r.text(0) + " requires this skill");
    }
    Value p[] = {Value{id}};
    auto del = conn.exec("DELETE FROM skills WHERE id = $1", p);
    if (!del.ok()) return del.error();
    return ok_status();
  });
}

}  // namespace sy::store
