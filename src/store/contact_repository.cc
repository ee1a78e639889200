// Contact history: SQL for contact rows (see contact_repository.h).
#include "store/contact_repository.h"

#include "store/row_codecs.h"
#include "store/sql_support.h"

namespace sy::store {
namespace {

Status check_contact(const NewContact& c) {
  static const char* const kChannels[] = {"voice", "chat", "email", "sms", "callback", "visit"};
  bool channel_ok = false;
  for (const char* ch : kChannels) channel_ok = channel_ok || c.channel == ch;
  if (!channel_ok) {
    return sql::invalid("invalid_channel",
                        "channel must be voice, chat, email, sms, callback or visit", "channel");
  }
  if (c.direction != "inbound" && c.direction != "outbound") {
    return sql::invalid("invalid_direction", "direction must be inbound or outbound", "direction");
  }
  return ok_status();
}

Status check_reference(Connection& conn, const char* sql_text, std::int64_t id, const char* code,
                       const char* field) {
  Value p[] = {Value{id}};
  auto found = sql::exists(conn, sql_text, p);
  if (!found.ok()) return found.error();
  if (!*found) return sql::not_found(code, std::string("no such ") + field, field);
  return ok_status();
}

}  // namespace

Result<Contact> ContactRepository::create(const NewContact& contact) {
  SY_TRY(check_contact(contact));
  Contact c = contact;
  if (!c.phone.empty()) {
    auto n = normalize_phone(c.phone);
    if (n.ok()) c.phone = *n;
  }
  Status st = db_.write([&](Connection& conn) -> Status {
    if (c.customer_id) {
      SY_TRY(check_reference(conn, "SELECT 1 FROM customers WHERE id = $1", *c.customer_id,
                             "customer_not_found", "customer_id"));
    }
    if (c.agent_user_id) {
      SY_TRY(check_reference(conn, "SELECT 1 FROM users WHERE id = $1", *c.agent_user_id,
                             "user_not_found", "agent_user_id"));
    }
    Value p[] = {int_or_null(c.customer_id), Value{c.channel},
                 Value{c.direction},         Value{c.phone},
                 text_or_null(c.call_id),    int_or_null(c.agent_user_id),
                 Value{c.category},          Value{c.disposition},
                 Value{c.summary},           text_or_null(c.region_code),
                 sql::ms(c.started_at),      sql::opt_ms(c.ended_at)};
    auto id = conn.insert_returning_id(
        "INSERT INTO contacts (customer_id, channel, direction, phone, call_id, agent_user_id, "
        "category, disposition, summary, region_code, started_at, ended_at) "
        "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING id",
        p);
    if (!id.ok()) return id.error();
    c.id = *id;
    return ok_status();
  });
  if (!st.ok()) return st.error();
  c.started_at = from_unix_ms(to_unix_ms(c.started_at));  // as stored (ms)
  if (c.ended_at) c.ended_at = from_unix_ms(to_unix_ms(*c.ended_at));
  return c;
}

Result<PageResult<Contact>> ContactRepository::list_by_customer(std::int64_t customer_id,
                                                                const PageRequest& page) {
  SY_TRY(check_page(page));
  sql::Filter f;
  f.where("k.customer_id = " + f.param(Value{customer_id}));
  return sql::read_result<PageResult<Contact>>(db_, [&](Connection& conn) {
    return sql::fetch_page<Contact>(conn, std::string("SELECT ") + codec::kContactColumns,
                                    " FROM contacts k", f, "k.started_at DESC, k.id DESC", page,
                                    [](const Row& r) { return codec::contact_from_row(r); });
  });
}

}  // namespace sy::store
