// The SMS outbox as the admin page reads it: every message the centre queued for Kannel, its
// state (pending, sent, failed), attempts and last error; a failed message may be sent again.
// Supervisors see the messages about orders of their regions; admins see all.
#include "api/routes.h"
#include "api/session.h"
#include "store/sms_outbox_list.h"

namespace sy::api {
namespace {

using auth::Permission;

// The outbox's own words are queued | sent | failed; the API says pending for queued.
std::string api_state(const std::string& state) { return state == "queued" ? "pending" : state; }

nlohmann::json sms_json(const store::SmsListed& l) {
  const store::SmsMessage& m = l.message;
  nlohmann::json j = {{"id", m.id},
                      {"recipient", m.recipient},
                      {"message", m.message},
                      {"state", api_state(m.state)},
                      {"attempts", m.attempts},
                      {"last_error", m.last_error},
                      {"kind", m.kind},
                      {"order_id", m.order_id ? nlohmann::json(*m.order_id) : nlohmann::json()},
                      {"order_number", l.order_number},
                      {"region_code", l.region_code},
                      {"created_at", format_rfc3339(m.created_at)},
                      {"sent_at", time_or_null(m.sent_at)}};
  j["next_attempt_at"] = m.state == "queued" ? nlohmann::json(format_rfc3339(m.next_attempt_at))
                                             : nlohmann::json();
  return j;
}

http::Response list_outbox(Context& ctx, http::Request& req) {
  if (Status st = only_known_params(req, {"state", "page", "page_size"}); !st)
    return http::Response::error(st.error());
  store::SmsOutboxFilter f;
  if (auto state = req.query_param("state"); state && !state->empty()) {
    if (*state == "pending")
      f.state = "queued";
    else if (*state == "sent" || *state == "failed")
      f.state = *state;
    else
      return http::Response::error(ErrorKind::kInvalidInput, "invalid_state",
                                   "state must be pending, sent or failed", "state");
  }
  auto page = page_of(req);
  if (!page) return http::Response::error(page.error());
  f.scope = scope_of(req);
  auto found = store::list_sms_outbox(ctx.db, f, *page);
  if (!found) return http::Response::error(found.error());
  nlohmann::json items = nlohmann::json::array();
  for (const auto& l : found->items) items.push_back(sms_json(l));
  return http::Response::json(200, {{"items", std::move(items)},
                                    {"total", found->total},
                                    {"page", found->page},
                                    {"page_size", found->page_size}});
}

http::Response retry_sms(Context& ctx, http::Request& req) {
  auto id = id_param(req, "id", "sms_not_found");
  if (!id) return http::Response::error(id.error());
  auto r = store::retry_sms(ctx.db, *id, scope_of(req), ctx.clock.now());
  if (!r) return http::Response::error(r.error());
  audit(ctx, req, "sms.retry", std::string("sms:").append(std::to_string(*id)),
        {{"recipient", r->message.recipient}, {"attempts", r->message.attempts}});
  return http::Response::json(200, sms_json(*r));
}

}  // namespace

void add_sms_routes(http::Router& router, Context& ctx) {
  router.get("/api/v1/sms/outbox", [&ctx](http::Request& req) { return list_outbox(ctx, req); },
             route_doc("sms",
                       "The SMS outbox, newest first (state=pending|sent|failed, page, "
                       "page_size); supervisors see messages about orders of their regions",
                       Permission::kSmsRead));
  router.post("/api/v1/sms/outbox/{id}/retry",
              [&ctx](http::Request& req) { return retry_sms(ctx, req); },
              route_doc("sms", "Send a failed SMS again: it is queued, due now",
                        Permission::kSmsWrite));
}

}  // namespace sy::api
