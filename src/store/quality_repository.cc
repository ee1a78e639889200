// Agent quality scoring: SQL (see quality_repository.h).
#include "store/quality_repository.h"

#include <map>
#include <nlohmann/json.hpp>
#include <set>

#include "store/sql_support.h"

namespace sy::store {
namespace {

std::size_t utf8_length(std::string_view s) {
  std::size_t n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80;
  return n;
}

bool blank(std::string_view s) { return s.find_first_not_of(" \t\r\n") == std::string_view::npos; }

Error form_not_found(std::string field = {}) {
  return sql::not_found("quality_form_not_found", "no quality form with this id",
                        std::move(field));
}

Status check_name(const std::string& name) {
  if (blank(name) || utf8_length(name) > 64)
    return sql::invalid("invalid_name", "the name is required, at most 64 characters", "name");
  return ok_status();
}

Status check_items(const std::vector<NewQualityFormItem>& items) {
  if (items.empty() || items.size() > 50)
    return sql::invalid("invalid_items", "a form has 1 to 50 items", "items");
  for (const auto& it : items) {
    if (blank(it.name) || utf8_length(it.name) > 64)
      return sql::invalid("invalid_items", "every item needs a name of at most 64 characters",
                          "items");
    if (utf8_length(it.description) > 500)
      return sql::invalid("invalid_items", "an item description is at most 500 characters",
                          "items");
    if (it.max_points < 1 || it.max_points > 1000)
      return sql::invalid("invalid_items", "max_points of an item is 1 to 1000", "items");
    if (it.weight < 1 || it.weight > 100)
      return sql::invalid("invalid_items", "weight of an item is 1 to 100", "items");
  }
  return ok_status();
}

Status insert_items(Connection& conn, std::int64_t form_id,
                    const std::vector<NewQualityFormItem>& items) {
  int position = 0;
  for (const auto& it : items) {
    Value p[] = {Value{form_id}, Value{std::int64_t{++position}}, Value{it.name},
                 Value{it.description}, Value{std::int64_t{it.max_points}},
                 Value{std::int64_t{it.weight}}};
    auto r = conn.exec(
        "INSERT INTO quality_form_items (form_id, position, name, description, max_points, "
        "weight) VALUES ($1, $2, $3, $4, $5, $6)",
        p);
    if (!r) return r.error();
  }
  return ok_status();
}

constexpr const char* kFormColumns =
    "f.id, f.name, f.description, f.active, f.created_by, f.created_at, f.updated_at";

QualityForm form_from_row(const Row& r) {
  QualityForm f;
  f.id = r.i64(0);
  f.name = r.text(1);
  f.description = r.text(2);
  f.active = r.i64(3) != 0;
  f.created_by = r.opt_i64(4);
  f.created_at = sql::time_at(r, 5);
  f.updated_at = sql::time_at(r, 6);
  return f;
}

Status load_items(Connection& conn, std::vector<QualityForm>& forms) {
  if (forms.empty()) return ok_status();
  sql::Filter f;
  std::map<std::int64_t, QualityForm*> by_id;
  std::string in;
  for (auto& form : forms) {
    by_id[form.id] = &form;
    if (!in.empty()) in += ", ";
    in += f.param(Value{form.id});
  }
  auto rows = conn.query(
      "SELECT form_id, id, name, description, max_points, weight FROM quality_form_items "
      "WHERE form_id IN (" + in + ") ORDER BY form_id, position",
      f.params());
  if (!rows) return rows.error();
  for (const Row& r : *rows) {
    QualityFormItem it;
    it.id = r.i64(1);
    it.name = r.text(2);
    it.description = r.text(3);
    it.max_points = static_cast<int>(r.i64(4));
    it.weight = static_cast<int>(r.i64(5));
    by_id[r.i64(0)]->items.push_back(std::move(it));
  }
  return ok_status();
}

Result<std::optional<QualityForm>> load_form(Connection& conn, std::int64_t id) {
  Value p[] = {Value{id}};
  auto row = conn.query_one(std::string("SELECT ") + kFormColumns +
                                " FROM quality_forms f WHERE f.id = $1",
                            p);
  if (!row) return row.error();
  if (!*row) return std::optional<QualityForm>();
  std::vector<QualityForm> one{form_from_row(**row)};
  SY_TRY(load_items(conn, one));
  return std::optional<QualityForm>(std::move(one.front()));
}

std::string encode_items(const std::vector<QualityScoreItem>& items) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& it : items)
    out.push_back({{"item_id", it.item_id},
                   {"name", it.name},
                   {"points", it.points},
                   {"max_points", it.max_points},
                   {"weight", it.weight}});
  return out.dump();
}

std::vector<QualityScoreItem> decode_items(const std::string& text) {
  std::vector<QualityScoreItem> out;
  auto j = nlohmann::json::parse(text, nullptr, false);
  if (!j.is_array()) return out;
  for (const auto& e : j) {
    if (!e.is_object()) continue;
    QualityScoreItem it;
    it.item_id = e.value("item_id", std::int64_t{0});
    it.name = e.value("name", std::string());
    it.points = e.value("points", 0);
    it.max_points = e.value("max_points", 0);
    it.weight = e.value("weight", 1);
    out.push_back(std::move(it));
  }
  return out;
}

constexpr const char* kScoreSelect =
    "SELECT s.id, s.call_id, s.agent_id, s.form_id, f.name, s.items, s.total, s.max_total, "
    "s.comment, s.scored_by, s.scored_at";
constexpr const char* kScoreFrom =
    " FROM quality_scores s JOIN quality_forms f ON f.id = s.form_id";

QualityScore score_from_row(const Row& r) {
  QualityScore s;
  s.id = r.i64(0);
  s.call_id = r.text(1);
  s.agent_id = r.i64(2);
  s.form_id = r.i64(3);
  s.form_name = r.text(4);
  s.items = decode_items(r.text(5));
  s.total = r.i64(6);
  s.max_total = r.i64(7);
  s.comment = r.text(8);
  s.scored_by = r.opt_i64(9);
  s.scored_at = sql::time_at(r, 10);
  return s;
}

// The points given, checked against the form: every item once, within 0..max_points.
Result<std::vector<QualityScoreItem>> score_items(const QualityForm& form,
                                                  const std::vector<ItemPoints>& points) {
  std::map<std::int64_t, int> given;
  for (const auto& p : points) {
    if (!given.emplace(p.item_id, p.points).second)
      return sql::invalid("invalid_points", "item " + std::to_string(p.item_id) + " scored twice",
                          "points");
  }
  std::vector<QualityScoreItem> out;
  for (const auto& it : form.items) {
    auto g = given.find(it.id);
    if (g == given.end())
      return sql::invalid("invalid_points", "no points given for 「" + it.name + "」", "points");
    if (g->second < 0 || g->second > it.max_points)
      return sql::invalid("invalid_points",
                          "points for 「" + it.name + "」 must be 0 to " +
                              std::to_string(it.max_points),
                          "points");
    out.push_back({it.id, it.name, g->second, it.max_points, it.weight});
    given.erase(g);
  }
  if (!given.empty())
    return sql::invalid("invalid_points",
                        "item " + std::to_string(given.begin()->first) + " is not on this form",
                        "points");
  return out;
}

}  // namespace

std::int64_t QualityForm::max_total() const {
  std::int64_t total = 0;
  for (const auto& it : items) total += std::int64_t{it.max_points} * it.weight;
  return total;
}

Result<QualityForm> QualityRepository::create_form(const NewQualityForm& form) {
  SY_TRY(check_name(form.name));
  SY_TRY(check_items(form.items));
  if (utf8_length(form.description) > 2000)
    return sql::invalid("invalid_description", "the description is at most 2000 characters",
                        "description");
  std::int64_t id = 0;
  SY_TRY(db_.write([&](Connection& conn) -> Status {
    TimePoint now = clock_.now();
    Value p[] = {Value{form.name}, Value{form.description}, sql::flag(form.active),
                 form.created_by ? Value{*form.created_by} : Value{}, sql::ms(now),
                 sql::ms(now)};
    auto r = conn.insert_returning_id(
        "INSERT INTO quality_forms (name, description, active, created_by, created_at, "
        "updated_at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
        p);
    if (!r && sql::is_unique_violation(r.error(), "quality_forms"))
      return sql::conflict("quality_form_exists", "a quality form of that name exists", "name");
    if (!r) return r.error();
    id = *r;
    return insert_items(conn, id, form.items);
  }));
  return get_form(id);
}

Result<QualityForm> QualityRepository::get_form(std::int64_t id) {
  return sql::read_result<QualityForm>(
      db_, [&](Connection& conn) { return sql::found_or(load_form(conn, id), form_not_found()); });
}

Result<std::vector<QualityForm>> QualityRepository::forms(bool active_only) {
  return sql::read_result<std::vector<QualityForm>>(
      db_, [&](Connection& conn) -> Result<std::vector<QualityForm>> {
        auto rows = conn.query(std::string("SELECT ") + kFormColumns + " FROM quality_forms f" +
                               (active_only ? " WHERE f.active = 1" : "") +
                               " ORDER BY f.name, f.id");
        if (!rows) return rows.error();
        std::vector<QualityForm> out;
        for (const Row& r : *rows) out.push_back(form_from_row(r));
        SY_TRY(load_items(conn, out));
        return out;
      });
}

Result<QualityForm> QualityRepository::update_form(std::int64_t id, const QualityFormUpdate& u) {
  if (u.name) SY_TRY(check_name(*u.name));
  if (u.items) SY_TRY(check_items(*u.items));
  if (u.description && utf8_length(*u.description) > 2000)
    return sql::invalid("invalid_description", "the description is at most 2000 characters",
                        "description");
  SY_TRY(db_.write([&](Connection& conn) -> Status {
    auto current = load_form(conn, id);
    if (!current) return current.error();
    if (!*current) return form_not_found();
    const QualityForm& f = **current;
    Value p[] = {Value{u.name.value_or(f.name)}, Value{u.description.value_or(f.description)},
                 sql::flag(u.active.value_or(f.active)), sql::ms(clock_.now()), Value{id}};
    auto r = conn.exec(
        "UPDATE quality_forms SET name = $1, description = $2, active = $3, updated_at = $4 "
        "WHERE id = $5",
        p);
    if (!r && sql::is_unique_violation(r.error(), "quality_forms"))
      return sql::conflict("quality_form_exists", "a quality form of that name exists", "name");
    if (!r) return r.error();
    if (u.items) {
      Value k[] = {Value{id}};
      auto d = conn.exec("DELETE FROM quality_form_items WHERE form_id = $1", k);
      if (!d) return d.error();
      SY_TRY(insert_items(conn, id, *u.items));
    }
    return ok_status();
  }));
  return get_form(id);
}

Status QualityRepository::remove_form(std::int64_t id) {
  return db_.write([&](Connection& conn) -> Status {
    Value p[] = {Value{id}};
    auto found = sql::exists(conn, "SELECT 1 FROM quality_forms WHERE id = $1", p);
    if (!found) return found.error();
    if (!*found) return form_not_found();
    auto used = sql::exists(conn, "SELECT 1 FROM quality_scores WHERE form_id = $1", p);
    if (!used) return used.error();
    if (*used)
      return sql::conflict("quality_form_in_use",
                           "calls were scored with this form; deactivate it instead");
    auto d = conn.exec("DELETE FROM quality_form_items WHERE form_id = $1", p);
    if (!d) return d.error();
    auto r = conn.exec("DELETE FROM quality_forms WHERE id = $1", p);
    if (!r) return r.error();
    return ok_status();
  });
}

Result<QualityScore> QualityRepository::score_call(const NewQualityScore& s) {
  if (utf8_length(s.comment) > 2000)
    return sql::invalid("invalid_comment", "the comment is at most 2000 characters", "comment");
  std::int64_t id = 0;
  SY_TRY(db_.write([&](Connection& conn) -> Status {
    Value c[] = {Value{s.call_id}};
    auto call = conn.query_one("SELECT agent_id FROM calls WHERE id = $1", c);
    if (!call) return call.error();
    if (!*call) return sql::not_found("call_not_found", "no such call", "call_id");
    auto agent = (*call)->opt_i64(0);
    if (!agent)
      return sql::invalid("call_without_agent", "no agent took this call, there is nobody to score",
                          "call_id");
    auto form = load_form(conn, s.form_id);
    if (!form) return form.error();
    if (!*form) return form_not_found("form_id");
    if (!(*form)->active)
      return sql::conflict("quality_form_inactive", "this quality form is no longer in use",
                           "form_id");
    auto items = score_items(**form, s.points);
    if (!items) return items.error();
    std::int64_t total = 0;
    for (const auto& it : *items) total += std::int64_t{it.points} * it.weight;
    Value p[] = {Value{s.call_id},       Value{*agent},
                 Value{s.form_id},       Value{encode_items(*items)},
                 Value{total},           Value{(*form)->max_total()},
                 Value{s.comment},       s.scored_by ? Value{*s.scored_by} : Value{},
                 sql::ms(clock_.now())};
    auto r = conn.insert_returning_id(
        "INSERT INTO quality_scores (call_id, agent_id, form_id, items, total, max_total, "
        "comment, scored_by, scored_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
        p);
    if (!r) return r.error();
    id = *r;
    return ok_status();
  }));
  return get_score(id);
}

Result<QualityScore> QualityRepository::get_score(std::int64_t id) {
  return sql::read_result<QualityScore>(db_, [&](Connection& conn) -> Result<QualityScore> {
    Value p[] = {Value{id}};
    auto row = conn.query_one(std::string(kScoreSelect) + kScoreFrom + " WHERE s.id = $1", p);
    if (!row) return row.error();
    if (!*row) return sql::not_found("quality_score_not_found", "no quality score with this id");
    return score_from_row(**row);
  });
}

Result<PageResult<QualityScore>> QualityRepository::scores(const QualityScoreFilter& filter,
                                                           const PageRequest& page) {
  SY_TRY(check_page(page));
  return sql::read_result<PageResult<QualityScore>>(
      db_, [&](Connection& conn) -> Result<PageResult<QualityScore>> {
        sql::Filter f;
        if (filter.agent_id) f.where("s.agent_id = " + f.param(Value{*filter.agent_id}));
        if (filter.call_id) f.where("s.call_id = " + f.param(Value{*filter.call_id}));
        if (filter.form_id) f.where("s.form_id = " + f.param(Value{*filter.form_id}));
        if (filter.from) f.where("s.scored_at >= " + f.param(sql::ms(*filter.from)));
        if (filter.to) f.where("s.scored_at < " + f.param(sql::ms(*filter.to)));
        return sql::fetch_page<QualityScore>(conn, kScoreSelect, kScoreFrom, f,
                                             "s.scored_at DESC, s.id DESC", page, score_from_row);
      });
}

}  // namespace sy::store
