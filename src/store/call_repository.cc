// Call records: SQL (see call_repository.h).
#include "store/call_repository.h"

#include "store/json_columns.h"
#include "store/region_scope.h"
#include "store/sql_support.h"

namespace sy::store {
namespace {

constexpr const char* kSelect =
    "SELECT c.id, c.direction, c.from_number, c.to_number, c.customer_id, c.region_code, "
    "c.started_at, c.answered_at, c.ended_at, c.end_reason, c.ivr_path, c.digits, c.queue_name, "
    "c.wait_s, c.agent_id, u.username, c.recording_id, c.routing_reason, c.survey_answers";
constexpr const char* kFrom =
    " FROM calls c LEFT JOIN agents a ON a.id = c.agent_id LEFT JOIN users u ON u.id = a.user_id";

CallRecord call_from_row(const Row& r) {
  CallRecord c;
  c.id = r.text(0);
  c.direction = r.text(1);
  c.from_number = r.text(2);
  c.to_number = r.text(3);
  c.customer_id = r.opt_i64(4);
  c.region_code = r.opt_text(5);
  c.started_at = sql::time_at(r, 6);
  c.answered_at = sql::opt_time_at(r, 7);
  c.ended_at = sql::opt_time_at(r, 8);
  c.end_reason = r.opt_text(9);
  c.ivr_path = json_columns::decode_strings(r.text(10));
  c.digits = json_columns::decode_digits(r.text(11));
  c.queue = r.opt_text(12);
  if (auto w = r.opt_i64(13)) c.wait_s = static_cast<int>(*w);
  c.agent_id = r.opt_i64(14);
  c.agent_username = r.opt_text(15);
  c.recording_id = r.opt_text(16);
  c.routing_reason = r.text(17);
  c.survey_answers = json_columns::decode_survey_answers(r.text(18));
  return c;
}

Status check_new(const NewCall& call) {
  if (!valid_external_id(call.id))
    return sql::invalid("invalid_call_id", "a call id is 1 to 64 of [A-Za-z0-9._@-]", "id");
  if (call.direction != "inbound" && call.direction != "outbound")
    return sql::invalid("invalid_direction", "direction must be inbound or outbound", "direction");
  return ok_status();
}

WriteFn create_fn(NewCall call) {
  return [call = std::move(call)](Connection& conn) -> Status {
    Value k[] = {Value{call.id}};
    auto taken = sql::exists(conn, "SELECT 1 FROM calls WHERE id = $1", k);
    if (!taken.ok()) return taken.error();
    if (*taken) return sql::conflict("call_exists", "call " + call.id + " exists", "id");
    if (call.customer_id) {
      Value c[] = {Value{*call.customer_id}};
      auto found = sql::exists(conn, "SELECT 1 FROM customers WHERE id = $1", c);
      if (!found.ok()) return found.error();
      if (!*found) return sql::not_found("customer_not_found", "no such customer", "customer_id");
    }
    Value p[] = {Value{call.id},          Value{call.direction},        Value{call.from_number},
                 Value{call.to_number},   int_or_null(call.customer_id), text_or_null(call.region_code),
                 sql::ms(call.started_at)};
    auto r = conn.exec(
        "INSERT INTO calls (id, direction, from_number, to_number, customer_id, region_code, "
        "started_at) VALUES ($1, $2, $3, $4, $5, $6, $7)",
        p);
    if (!r.ok()) return r.error();
    return ok_status();
  };
}

Status expect_one(const Result<std::int64_t>& changed) {
  if (!changed.ok()) return changed.error();
  if (*changed == 0) return sql::not_found("call_not_found", "no such call");
  return ok_status();
}

WriteFn answer_fn(std::string id, CallAnswered a) {
  return [id = std::move(id), a = std::move(a)](Connection& conn) -> Status {
    Value k[] = {Value{a.agent_id}};
    auto agent = sql::exists(conn, "SELECT 1 FROM agents WHERE id = $1", k);
    if (!agent.ok()) return agent.error();
    if (!*agent) return sql::not_found("agent_not_found", "no such agent", "agent_id");
    Value p[] = {sql::ms(a.answered_at),          Value{a.agent_id},
                 Value{a.queue},                  Value{std::int64_t{a.wait_s}},
                 Value{a.routing_reason},         text_or_null(a.recording_id),
                 Value{id}};
    return expect_one(conn.exec(
        "UPDATE calls SET answered_at = $1, agent_id = $2, queue_name = $3, wait_s = $4, "
        "routing_reason = $5, recording_id = COALESCE($6, recording_id) WHERE id = $7",
        p));
  };
}

WriteFn finish_fn(std::string id, CallFinished f) {
  return [id = std::move(id), f = std::move(f)](Connection& conn) -> Status {
    Value p[] = {sql::ms(f.ended_at),
                 Value{f.end_reason},
                 Value{json_columns::encode_strings(f.ivr_path)},
                 Value{json_columns::encode_digits(f.digits)},
                 text_or_null(f.queue),
                 f.wait_s ? Value{std::int64_t{*f.wait_s}} : Value{},
                 text_or_null(f.routing_reason),
                 text_or_null(f.recording_id),
                 int_or_null(f.customer_id),
                 text_or_null(f.region_code),
                 Value{json_columns::encode_survey_answers(f.survey_answers)},
                 Value{id}};
    return expect_one(conn.exec(
        "UPDATE calls SET ended_at = $1, end_reason = $2, ivr_path = $3, digits = $4, "
        "queue_name = COALESCE($5, queue_name), wait_s = COALESCE($6, wait_s), "
        "routing_reason = COALESCE($7, routing_reason), "
        "recording_id = COALESCE($8, recording_id), customer_id = COALESCE($9, customer_id), "
        "region_code = COALESCE($10, region_code), survey_answers = $11 WHERE id = $12",
        p));
  };
}

}  // namespace

Status CallRepository::create(const NewCall& call) {
  SY_TRY(check_new(call));
  return db_.write(create_fn(call));
}

void CallRepository::create(const NewCall& call, std::function<void(Status)> done) {
  if (Status st = check_new(call); !st.ok()) {
    done(st);
    return;
  }
  db_.submit(create_fn(call), std::move(done));
}

Status CallRepository::update_on_answer(const std::string& id, const CallAnswered& answered) {
  return db_.write(answer_fn(id, answered));
}

void CallRepository::update_on_answer(const std::string& id, const CallAnswered& answered,
                                      std::function<void(Status)> done) {
  db_.submit(answer_fn(id, answered), std::move(done));
}

Status CallRepository::finish(const std::string& id, const CallFinished& finished) {
  return db_.write(finish_fn(id, finished));
}

void CallRepository::finish(const std::string& id, const CallFinished& finished,
                            std::function<void(Status)> done) {
  db_.submit(finish_fn(id, finished), std::move(done));
}

Result<CallRecord> CallRepository::get(const std::string& id) {
  if (!valid_external_id(id)) return sql::not_found("call_not_found", "no such call");
  return sql::read_result<CallRecord>(db_, [&](Connection& conn) -> Result<CallRecord> {
    Value p[] = {Value{id}};
    auto row = conn.query_one(std::string(kSelect) + kFrom + " WHERE c.id = $1", p);
    if (!row.ok()) return row.error();
    if (!*row) return sql::not_found("call_not_found", "no such call");
    return call_from_row(**row);
  });
}

Result<PageResult<CallRecord>> CallRepository::list(const CallFilter& filter,
                                                    const PageRequest& page) {
  SY_TRY(check_page(page));
  sql::Filter f;
  if (!filter.scope.empty()) f.scope("c.region_code", RegionScope(filter.scope));
  if (!filter.from_number.empty()) f.where("c.from_number = " + f.param(Value{filter.from_number}));
  if (!filter.to_number.empty()) f.where("c.to_number = " + f.param(Value{filter.to_number}));
  if (filter.agent_id) f.where("c.agent_id = " + f.param(Value{*filter.agent_id}));
  if (!filter.queue.empty()) f.where("c.queue_name = " + f.param(Value{filter.queue}));
  if (filter.from) f.where("c.started_at >= " + f.param(sql::ms(*filter.from)));
  if (filter.to) f.where("c.started_at < " + f.param(sql::ms(*filter.to)));
  return sql::read_result<PageResult<CallRecord>>(db_, [&](Connection& conn) {
    return sql::fetch_page<CallRecord>(conn, kSelect, kFrom, f, "c.started_at DESC, c.id DESC",
                                       page, call_from_row);
  });
}

}  // namespace sy::store
