// Work orders: agents raise them from a call, back offices and field crews move them through
// the workflow, everyone searches them inside their regions, and lists export as CSV or XLSX.
#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>

#include "api/routes.h"
#include "api/session.h"
#include "api/work_order_json.h"
#include "auth/secrets.h"
#include "events/hub.h"

namespace sy::api {
namespace {

using auth::Permission;
namespace fs = std::filesystem;

constexpr int kMaxExportRows = 10000;

Result<store::WorkOrderFilter> read_filter(const http::Request& req) {
  SY_TRY(only_known_params(req, {"number", "customer_id", "phone", "account", "type", "state",
                                 "open", "region", "assignee", "department", "from", "to",
                                 "overdue", "sort", "format"}));
  store::WorkOrderFilter f;
  f.scope = scope_of(req);
  if (auto region = req.query_param("region")) {
    if (!f.scope.contains(*region))
      return make_error(ErrorKind::kForbidden, "region_out_of_scope",
                        "that region is outside yours", "region");
    f.region_code = *region;
  }
  f.number = req.query_param("number").value_or("");
  if (req.query_param("customer_id")) {
    auto id = int_query(req, "customer_id", 1, std::numeric_limits<int>::max());
    if (!id) return id.error();
    f.customer_id = **id;
  }
  f.phone = req.query_param("phone").value_or("");
  f.account_no = req.query_param("account").value_or("");
  f.type_code = req.query_param("type").value_or("");
  for (const std::string& s : req.query.get_all("state")) {
    // "state=new,dispatched" or repeated state= parameters.
    std::size_t start = 0;
    while (start <= s.size()) {
      std::size_t comma = s.find(',', start);
      std::string one = s.substr(start, comma == std::string::npos ? std::string::npos
                                                                   : comma - start);
      if (!workflow::parse_state(one))
        return make_error(ErrorKind::kInvalidInput, "invalid_parameter",
                          "'" + one + "' is not a work-order state", "state");
      f.states.push_back(one);
      if (comma == std::string::npos) break;
      start = comma + 1;
    }
  }
  auto open = bool_query(req, "open");
  if (!open) return open.error();
  f.open = *open;
  if (auto a = req.query_param("assignee")) {
    if (*a == "me") {
      f.assignee_user_id = signed_in(req).user.id;
    } else {
      auto id = int_query(req, "assignee", 1, std::numeric_limits<int>::max());
      if (!id) return id.error();
      f.assignee_user_id = **id;
    }
  }
  f.department = req.query_param("department").value_or("");
  auto from = time_query(req, "from");
  if (!from) return from.error();
  f.from = *from;
  auto to = time_query(req, "to");
  if (!to) return to.error();
  f.to = *to;
  auto overdue = bool_query(req, "overdue");
  if (!overdue) return overdue.error();
  f.overdue = *overdue;
  if (auto sort = req.query_param("sort")) {
    if (*sort != "newest" && *sort != "due")
      return make_error(ErrorKind::kInvalidInput, "invalid_parameter",
                        "'sort' must be newest or due", "sort");
    f.due_first = *sort == "due";
  }
  return f;
}

http::Response export_orders(Context& ctx, const store::WorkOrderFilter& f,
                             const std::string& format) {
  std::vector<store::WorkOrder> all;
  store::PageRequest page{1, store::kMaxPageSize};
  while (true) {
    auto chunk = ctx.repos.work_orders.search(f, page);
    if (!chunk) return http::Response::error(chunk.error());
    if (chunk->total > kMaxExportRows)
      return http::Response::error(
          ErrorKind::kTooLarge, "export_too_large",
          "the search matches " + std::to_string(chunk->total) + " orders; export at most " +
              std::to_string(kMaxExportRows) + " (narrow it by dates, region or state)");
    for (auto& o : chunk->items) all.push_back(std::move(o));
    if (static_cast<std::int64_t>(all.size()) >= chunk->total || chunk->items.empty()) break;
    ++page.page;
  }
  TimePoint now = ctx.clock.now();
  if (format == "csv") {
    return http::Response::text(200, work_orders_csv(all, now), "text/csv; charset=utf-8")
        .with_header("Content-Disposition", "attachment; filename=\"work-orders.csv\"");
  }
  auto xlsx = work_orders_xlsx(all, now);
  if (!xlsx) return http::Response::error(xlsx.error());
  return http::Response::text(
             200, std::move(*xlsx),
             "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
      .with_header("Content-Disposition", "attachment; filename=\"work-orders.xlsx\"");
}

http::Response list_orders(Context& ctx, http::Request& req) {
  auto f = read_filter(req);
  if (!f) return http::Response::error(f.error());
  if (auto format = req.query_param("format")) {
    if (*format == "csv" || *format == "xlsx") return export_orders(ctx, *f, *format);
    if (*format != "json")
      return http::Response::error(ErrorKind::kInvalidInput, "invalid_parameter",
                                   "'format' must be json, csv or xlsx", "format");
  }
  auto page = page_of(req);
  if (!page) return http::Response::error(page.error());
  auto found = ctx.repos.work_orders.search(*f, *page);
  if (!found) return http::Response::error(found.error());
  TimePoint now = ctx.clock.now();
  nlohmann::json items = nlohmann::json::array();
  for (const auto& o : found->items) items.push_back(work_order_json(o, now));
  return http::Response::json(200, {{"items", std::move(items)},
                                    {"total", found->total},
                                    {"page", found->page},
                                    {"page_size", found->page_size}});
}

http::Response create_order(Context& ctx, http::Request& req) {
  auto body = http::parse_json_body(req);
  if (!body) return http::Response::error(body.error());
  http::JsonObjectReader r(*body);
  store::NewWorkOrder o;
  o.type_code = r.required_string("type", 1, 32);
  o.subtype = r.optional_string("subtype", 0, 32).value_or("");
  if (auto id = r.optional_int("customer_id", 1)) o.customer_id = *id;
  o.account_no = r.optional_string("account_no", 1, 32);
  o.region_code = r.optional_string("region", 1, 32);
  o.description = r.optional_string("description", 0, 4000).value_or("");
  o.channel = r.required_enum("channel",
                              {"voice", "web", "wechat", "app", "sms", "email", "chat", "visit"});
  o.call_id = r.optional_string("call_id", 1, 128);
  o.phone = r.optional_string("phone", 0, 32).value_or("");
  if (const nlohmann::json* fields = r.raw("fields")) {
    if (!fields->is_object() || fields->dump().size() > 8192)
      r.fail("fields", "invalid_value", "'fields' must be an object of at most 8 KB");
    else
      o.fields_json = fields->dump();
  }
  if (Status st = r.finish(); !st) return http::Response::error(st.error());
  o.created_by = signed_in(req).user.id;
  o.scope = scope_of(req);
  auto created = ctx.repos.work_orders.create(o);
  if (!created) return http::Response::error(created.error());
  return http::Response::json(201, work_order_json(*created, ctx.clock.now()))
      .with_header("Location", "/api/v1/work-orders/" + std::to_string(created->id));
}

// The detail as the pages show it: who acted on each row of the timeline, who holds the order
// and who raised it, by name (display name, else user name) next to the ids.
nlohmann::json detail_with_names(Context& ctx, const store::WorkOrderDetail& d) {
  nlohmann::json j = work_order_detail_json(d, ctx.clock.now());
  std::map<std::int64_t, std::string> names;
  auto name_of = [&](const nlohmann::json& id) -> nlohmann::json {
    if (!id.is_number_integer()) return nullptr;
    std::int64_t uid = id.get<std::int64_t>();
    auto it = names.find(uid);
    if (it == names.end()) {
      auto u = ctx.repos.users.get(uid);
      std::string name = !u ? "" : u->display_name.empty() ? u->username : u->display_name;
      it = names.emplace(uid, std::move(name)).first;
    }
    return it->second.empty() ? nlohmann::json(nullptr) : nlohmann::json(it->second);
  };
  for (auto& t : j["transitions"]) t["user_name"] = name_of(t["user_id"]);
  // What a row carries beyond its note: an arrival's location, an edit's changes.
  if (auto data = ctx.repos.work_orders.transition_data(d.order.id); data && !data->empty()) {
    std::map<std::int64_t, nlohmann::json> by_id;
    for (const auto& [tid, text] : *data) {
      auto parsed = nlohmann::json::parse(text, nullptr, false);
      if (parsed.is_object()) by_id.emplace(tid, std::move(parsed));
    }
    for (auto& t : j["transitions"]) {
      auto it = by_id.find(t["id"].get<std::int64_t>());
      if (it == by_id.end()) continue;
      for (const auto& [key, value] : it->second.items()) t[key] = value;
    }
  }
  j["assignee_name"] = name_of(j["assignee_id"]);
  j["created_by_name"] = name_of(j["created_by"]);
  return j;
}

http::Response get_order(Context& ctx, http::Request& req) {
  auto id = id_param(req, "id", "work_order_not_found");
  if (!id) return http::Response::error(id.error());
  auto d = ctx.repos.work_orders.get(*id, scope_of(req));
  return d ? http::Response::json(200, detail_with_names(ctx, *d))
           : http::Response::error(d.error());
}

// The assignee's desktop hears of an order dispatched to them (or urged) at once; supervisors
// of the order's region see it too.
void push_to_assignee(Context& ctx, const store::WorkOrderDetail& d, const store::TransitionRequest& t) {
  const store::WorkOrder& o = d.order;
  if (!o.assignee_user_id) return;
  const char* type = nullptr;
  if (t.action == workflow::Action::kUrge)
    type = "work_order.urged";
  else if (t.assignee_user_id || t.action == workflow::Action::kDispatch)
    type = events::type::kWorkOrderAssigned;
  if (!type) return;
  ctx.events.publish(type,
                     {{"work_order", work_order_json(o, ctx.clock.now())},
                      {"by_user_id", t.actor_user_id ? nlohmann::json(*t.actor_user_id) : nlohmann::json()},
                      {"note", t.note}},
                     {events::Audience::user(*o.assignee_user_id),
                      events::Audience::region(o.region_code)});
}

std::string fmt_number(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g", v);
  return buf;
}

// The arrival location {"lat","lon","accuracy_m"?} as the field page's browser reports it;
// null when absent (errors go to the reader).
nlohmann::json read_location(http::JsonObjectReader& r) {
  const nlohmann::json* v = r.raw("location");
  if (!v || v->is_null()) return nullptr;
  auto number = [&](const char* key, double lo, double hi, bool required) -> std::optional<double> {
    auto it = v->find(key);
    if (it == v->end() || it->is_null()) {
      if (required)
        r.fail("location", "missing_field", std::string("'location' needs '").append(key) + "'");
      return std::nullopt;
    }
    if (!it->is_number() || it->get<double>() < lo || it->get<double>() > hi) {
      r.fail("location", "invalid_value",
             std::string("'location.").append(key) + "' must be a number from " +
                 fmt_number(lo) + " to " + fmt_number(hi));
      return std::nullopt;
    }
    return it->get<double>();
  };
  if (!v->is_object()) {
    r.fail("location", "invalid_type", "'location' must be an object {lat, lon, accuracy_m}");
    return nullptr;
  }
  for (const auto& [key, _] : v->items()) {
    if (key != "lat" && key != "lon" && key != "accuracy_m") {
      r.fail("location", "unknown_field",
             "'location' has lat, lon and accuracy_m only, not '" + key + "'");
      return nullptr;
    }
  }
  auto lat = number("lat", -90, 90, true);
  auto lon = number("lon", -180, 180, true);
  auto accuracy = number("accuracy_m", 0, 100000, false);
  if (!lat || !lon) return nullptr;
  nlohmann::json out = {{"lat", *lat}, {"lon", *lon}};
  out["accuracy_m"] = accuracy ? nlohmann::json(*accuracy) : nlohmann::json(nullptr);
  return out;
}

http::Response transition_order(Context& ctx, http::Request& req) {
  auto id = id_param(req, "id", "work_order_not_found");
  if (!id) return http::Response::error(id.error());
  auto body = http::parse_json_body(req);
  if (!body) return http::Response::error(body.error());
  http::JsonObjectReader r(*body);
  std::string action = r.required_enum("action", {"dispatch", "accept", "start", "resolve",
                                                  "return", "visit", "close", "reopen", "urge"});
  store::TransitionRequest t;
  t.note = r.optional_string("note", 0, 2000).value_or("");
  t.assignee_user_id = r.optional_int("assignee_id", 1);
  nlohmann::json location = read_location(r);
  if (Status st = r.finish(); !st) return http::Response::error(st.error());
  t.action = *workflow::parse_action(action);
  t.actor_user_id = signed_in(req).user.id;
  t.scope = scope_of(req);
  if (!location.is_null()) {
    if (t.action != workflow::Action::kStart)
      return http::Response::error(ErrorKind::kInvalidInput, "invalid_value",
                                   "'location' is recorded with the arrival (action start) only",
                                   "location");
    t.data_json = nlohmann::json{{"location", std::move(location)}}.dump();
  }
  if (t.assignee_user_id) {
    if (t.action != workflow::Action::kDispatch)
      return http::Response::error(ErrorKind::kInvalidInput, "invalid_value",
                                   "'assignee_id' is given with dispatch only", "assignee_id");
    auto people = ctx.repos.work_orders.assignees(*id, t.scope);
    if (!people) return http::Response::error(people.error());
    bool found = std::any_of(people->begin(), people->end(), [&](const auto& p) {
      return p.user_id == *t.assignee_user_id;
    });
    if (!found)
      return http::Response::error(
          ErrorKind::kInvalidInput, "assignee_not_assignable",
          "user " + std::to_string(*t.assignee_user_id) +
              " cannot take this order: pick an active back-office or field user of the order's "
              "region (GET /api/v1/work-orders/" + std::to_string(*id) + "/assignees)",
          "assignee_id");
  }
  auto d = ctx.repos.work_orders.transition(*id, t);
  if (!d) return http::Response::error(d.error());
  push_to_assignee(ctx, *d, t);
  return http::Response::json(200, detail_with_names(ctx, *d));
}

// Edits the order's own facts; the timeline gets an "edit" row naming what changed.
http::Response edit_order(Context& ctx, http::Request& req) {
  auto id = id_param(req, "id", "work_order_not_found");
  if (!id) return http::Response::error(id.error());
  auto body = http::parse_json_body(req);
  if (!body) return http::Response::error(body.error());
  http::JsonObjectReader r(*body);
  store::WorkOrderEdit e;
  e.description = r.optional_string("description", 0, 4000);
  e.subtype = r.optional_string("subtype", 0, 32);
  e.phone = r.optional_string("phone", 0, 32);
  e.region_code = r.optional_string("region", 1, 32);
  if (const nlohmann::json* fields = r.raw("fields"); fields && !fields->is_null()) {
    if (!fields->is_object() || fields->dump().size() > 8192)
      r.fail("fields", "invalid_value", "'fields' must be an object of at most 8 KB");
    else
      e.fields_json = fields->dump();
  }
  e.note = r.optional_string("note", 0, 2000).value_or("");
  if (Status st = r.finish(); !st) return http::Response::error(st.error());
  if (!e.description && !e.subtype && !e.phone && !e.region_code && !e.fields_json)
    return http::Response::error(ErrorKind::kInvalidInput, "missing_field",
                                 "give at least one of description, subtype, phone, region, "
                                 "fields");
  e.actor_user_id = signed_in(req).user.id;
  e.scope = scope_of(req);
  auto d = ctx.repos.work_orders.edit(*id, e);
  if (!d) return http::Response::error(d.error());
  return http::Response::json(200, detail_with_names(ctx, *d));
}

http::Response list_assignees(Context& ctx, http::Request& req) {
  auto id = id_param(req, "id", "work_order_not_found");
  if (!id) return http::Response::error(id.error());
  auto people = ctx.repos.work_orders.assignees(*id, scope_of(req));
  if (!people) return http::Response::error(people.error());
  nlohmann::json items = nlohmann::json::array();
  for (const auto& p : *people) {
    items.push_back({{"id", p.user_id},
                     {"username", p.username},
                     {"display_name", p.display_name},
                     {"name", p.display_name.empty() ? p.username : p.display_name},
                     {"role", p.role},
                     {"region_code", p.region_code},
                     {"open_orders", p.open_orders}});
  }
  return http::Response::json(200, {{"items", std::move(items)}});
}

// Photos and documents only; the type is checked against the file's first bytes too.
bool allowed_content(const std::string& type, const std::string& body) {
  auto starts = [&](std::string_view magic) { return body.compare(0, magic.size(), magic) == 0; };
  if (type == "image/jpeg") return starts("\xFF\xD8\xFF");
  if (type == "image/png") return starts("\x89PNG\r\n\x1A\n");
  if (type == "application/pdf") return starts("%PDF-");
  if (type == "image/webp") return starts("RIFF") && body.compare(8, 4, "WEBP") == 0;
  return false;
}

http::Response upload_attachment(Context& ctx, http::Request& req) {
  auto id = id_param(req, "id", "work_order_not_found");
  if (!id) return http::Response::error(id.error());
  auto order = ctx.repos.work_orders.get(*id, scope_of(req));
  if (!order) return http::Response::error(order.error());
  if (ctx.options.attachments_dir.empty())
    return http::Response::error(ErrorKind::kUnavailable, "attachments_unavailable",
                                 "this server stores no attachments");
  std::string type(req.headers.get("Content-Type").value_or(""));
  type = type.substr(0, type.find(';'));
  if (req.body.empty())
    return http::Response::error(ErrorKind::kInvalidInput, "empty_attachment",
                                 "the request body is the file and it is empty");
  if (req.body.size() > ctx.options.max_attachment_bytes)
    return http::Response::error(ErrorKind::kTooLarge, "attachment_too_large",
                                 "attachments are at most " +
                                     std::to_string(ctx.options.max_attachment_bytes) + " bytes");
  if (!allowed_content(type, req.body))
    return http::Response::error(
        ErrorKind::kInvalidInput, "unsupported_attachment_type",
        "attachments are JPEG, PNG or WebP photos or PDF documents, sent with their "
        "Content-Type");
  std::string name = req.query_param("name").value_or("attachment");
  if (name.empty() || name.size() > 200 || name.find('/') != std::string::npos)
    return http::Response::error(ErrorKind::kInvalidInput, "invalid_parameter",
                                 "'name' must be a file name of 1 to 200 bytes", "name");
  std::string hash = auth::sha256_hex(req.body);
  fs::path dir = fs::path(ctx.options.attachments_dir) / hash.substr(0, 2);
  fs::path file = dir / hash;
  std::error_code ec;
  if (!fs::exists(file, ec)) {
    fs::create_directories(dir, ec);
    fs::path tmp = dir / (hash + ".tmp" + std::to_string(signed_in(req).user.id));
    {
      std::ofstream out(tmp, std::ios::binary);
      out.write(req.body.data(), static_cast<std::streamsize>(req.body.size()));
      out.flush();
      if (!out) {
        fs::remove(tmp, ec);
        return http::Response::error(ErrorKind::kUnavailable, "attachment_store_failed",
                                     "the attachment could not be stored");
      }
    }
    fs::rename(tmp, file, ec);
    if (ec)
      return http::Response::error(ErrorKind::kUnavailable, "attachment_store_failed",
                                   "the attachment could not be stored");
  }
  store::WorkOrderAttachment a;
  a.order_id = *id;
  a.sha256 = hash;
  a.file_name = name;
  a.content_type = type;
  a.size_bytes = static_cast<std::int64_t>(req.body.size());
  a.uploaded_by = signed_in(req).user.id;
  auto saved = ctx.repos.work_orders.add_attachment(a);
  if (!saved) return http::Response::error(saved.error());
  return http::Response::json(201, attachment_json(*saved));
}

http::Response download_attachment(Context& ctx, http::Request& req) {
  auto id = id_param(req, "id", "work_order_not_found");
  if (!id) return http::Response::error(id.error());
  auto order = ctx.repos.work_orders.get(*id, scope_of(req));
  if (!order) return http::Response::error(order.error());
  auto aid = id_param(req, "attachment_id", "attachment_not_found");
  if (!aid) return http::Response::error(aid.error());
  auto a = ctx.repos.work_orders.get_attachment(*id, *aid);
  if (!a) return http::Response::error(a.error());
  std::ifstream in(fs::path(ctx.options.attachments_dir) / a->sha256.substr(0, 2) / a->sha256,
                   std::ios::binary);
  if (!in)
    return http::Response::error(ErrorKind::kNotFound, "attachment_not_found",
                                 "the attachment's file is missing");
  std::string data((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  return http::Response::text(200, std::move(data), a->content_type)
      .with_header("Content-Disposition", "inline")
      .with_header("X-Content-Type-Options", "nosniff");
}

}  // namespace

void add_work_order_routes(http::Router& router, Context& ctx) {
  router.get("/api/v1/work-orders", [&ctx](http::Request& req) { return list_orders(ctx, req); },
             route_doc("work-orders",
                       "Search work orders (number, customer_id, phone, account, type, state, "
                       "open, region, assignee, department, from, to, overdue, sort=newest|due; "
                       "paged; format=csv|xlsx exports)",
                       Permission::kWorkOrderRead));
  router.post("/api/v1/work-orders", [&ctx](http::Request& req) { return create_order(ctx, req); },
              route_doc("work-orders", "Raise a work order (201 once durable)",
                        Permission::kWorkOrderCreate,
                        object_schema({{"type", "string"},
                                       {"subtype", "string"},
                                       {"customer_id", "integer"},
                                       {"account_no", "string"},
                                       {"region", "string"},
                                       {"description", "string"},
                                       {"channel", "string"},
                                       {"call_id", "string"},
                                       {"phone", "string"},
                                       {"fields", "object"}},
                                      {"type", "channel"})));
  router.get("/api/v1/work-orders/{id}", [&ctx](http::Request& req) { return get_order(ctx, req); },
             route_doc("work-orders", "One work order with its transitions and attachments",
                       Permission::kWorkOrderRead));
  router.patch("/api/v1/work-orders/{id}",
               [&ctx](http::Request& req) { return edit_order(ctx, req); },
               route_doc("work-orders",
                         "Edit a work order's description, subtype, phone, type fields or (while "
                         "new) region; 409 work_order_closed once closed; each edit is an audit "
                         "row naming the changes",
                         Permission::kWorkOrderCreate,
                         object_schema({{"description", "string"},
                                        {"subtype", "string"},
                                        {"phone", "string"},
                                        {"region", "string"},
                                        {"fields", "object"},
                                        {"note", "string"}},
                                       {})));
  router.get("/api/v1/work-orders/{id}/assignees",
             [&ctx](http::Request& req) { return list_assignees(ctx, req); },
             route_doc("work-orders",
                       "Who the order may be dispatched to: back-office and field users of its "
                       "region, with the open orders each holds",
                       Permission::kWorkOrderAct));
  router.post("/api/v1/work-orders/{id}/transitions",
              [&ctx](http::Request& req) { return transition_order(ctx, req); },
              route_doc("work-orders",
                        "Move a work order: dispatch, accept, start, resolve, return, visit, "
                        "close, reopen or urge",
                        Permission::kWorkOrderAct,
                        object_schema({{"action", "string"},
                                       {"note", "string"},
                                       {"assignee_id", "integer"},
                                       {"location", "object"}},
                                      {"action"})));
  router.post("/api/v1/work-orders/{id}/attachments",
              [&ctx](http::Request& req) { return upload_attachment(ctx, req); },
              [&ctx] {
                auto doc = route_doc("work-orders",
                                     "Attach a photo or document (body = the file, Content-Type "
                                     "image/jpeg, image/png, image/webp or application/pdf; "
                                     "?name=; at most work_orders.max_attachment_bytes, 10 MB "
                                     "by default)",
                                     Permission::kWorkOrderAct);
                doc.max_body_bytes = ctx.options.max_attachment_bytes;
                return doc;
              }());
  router.get("/api/v1/work-orders/{id}/attachments/{attachment_id}",
             [&ctx](http::Request& req) { return download_attachment(ctx, req); },
             route_doc("work-orders", "Download an attachment", Permission::kWorkOrderRead));
}

}  // namespace sy::api
