// Call records and recordings. Agents see only the calls they took; supervisors, managers and
// admins see the calls of their region (all when bound to none). Recording audio goes only to
// those who may see the call; everyone else gets 403 (by role) or 404 (by call).
#include <charconv>
#include <filesystem>

#include "api/floor_json.h"
#include "api/routes.h"
#include "api/session.h"

namespace sy::api {
namespace {

using auth::Permission;

// The agent id the signed-in user acts as, or nullopt when they have no agent row.
std::optional<std::int64_t> my_agent_id(Context& ctx, const http::Request& req) {
  auto agent = ctx.repos.agents.get_by_user(signed_in(req).user.id);
  return agent ? std::optional<std::int64_t>(agent->id) : std::nullopt;
}

bool is_agent(const http::Request& req) { return signed_in(req).user.role == auth::Role::kAgent; }

// The call, when this user may see it; call_not_found otherwise.
Result<store::CallRecord> visible_call(Context& ctx, const http::Request& req, const std::string& id) {
  auto call = ctx.repos.calls.get(id);
  if (!call) return call.error();
  Error hidden = make_error(ErrorKind::kNotFound, "call_not_found", "no such call");
  if (is_agent(req)) {
    auto me = my_agent_id(ctx, req);
    if (!me || call->agent_id != *me) return hidden;
    return call;
  }
  store::RegionScope scope = scope_of(req);
  if (!scope.unrestricted() && (!call->region_code || !scope.contains(*call->region_code)))
    return hidden;
  return call;
}

http::Response list_calls(Context& ctx, http::Request& req) {
  if (Status st = only_known_params(req, {"from", "to", "agent", "queue", "since", "until"}); !st)
    return http::Response::error(st.error());
  auto page = page_of(req);
  if (!page) return http::Response::error(page.error());
  store::CallFilter f;
  f.from_number = req.query_param("from").value_or("");
  f.to_number = req.query_param("to").value_or("");
  f.queue = req.query_param("queue").value_or("");
  if (auto agent = req.query_param("agent")) {
    std::int64_t v = 0;
    auto [p, ec] = std::from_chars(agent->data(), agent->data() + agent->size(), v);
    if (ec != std::errc() || p != agent->data() + agent->size() || v <= 0)
      return http::Response::error(ErrorKind::kInvalidInput, "invalid_parameter",
                                   "'agent' must be an agent id", "agent");
    f.agent_id = v;
  }
  auto since = time_query(req, "since");
  if (!since) return http::Response::error(since.error());
  auto until = time_query(req, "until");
  if (!until) return http::Response::error(until.error());
  f.from = *since;
  f.to = *until;
  if (is_agent(req)) {
    auto me = my_agent_id(ctx, req);
    if (!me || (f.agent_id && *f.agent_id != *me)) {
      store::PageResult<store::CallRecord> none;
      none.page = page->page;
      none.page_size = page->page_size;
      return http::Response::json(200, floor_page_to_json(none));
    }
    f.agent_id = *me;
  } else if (!sees_everything(req)) {
    f.scope = *signed_in(req).user.region_code;
  }
  auto calls = ctx.repos.calls.list(f, *page);
  return calls ? http::Response::json(200, floor_page_to_json(*calls))
                : http::Response::error(calls.error());
}

http::Response get_call(Context& ctx, http::Request& req) {
  auto call = visible_call(ctx, req, std::string(req.param("id")));
  if (!call) return http::Response::error(call.error());
  nlohmann::json j = to_json(*call);
  auto recordings = ctx.repos.recordings.list_by_call(call->id);
  if (!recordings) return http::Response::error(recordings.error());
  j["recordings"] = nlohmann::json::array();
  for (const auto& r : *recordings) j["recordings"].push_back(to_json(r));
  return http::Response::json(200, j);
}

Result<store::Recording> visible_recording(Context& ctx, const http::Request& req) {
  auto rec = ctx.repos.recordings.get(std::string(req.param("id")));
  if (!rec) return rec.error();
  auto call = visible_call(ctx, req, rec->call_id);
  if (!call) return make_error(ErrorKind::kNotFound, "recording_not_found", "no such recording");
  return rec;
}

http::Response get_recording(Context& ctx, http::Request& req) {
  auto rec = visible_recording(ctx, req);
  return rec ? http::Response::json(200, to_json(*rec)) : http::Response::error(rec.error());
}

http::Response get_recording_audio(Context& ctx, http::Request& req) {
  auto rec = visible_recording(ctx, req);
  if (!rec) return http::Response::error(rec.error());
  std::error_code ec;
  if (!std::filesystem::is_regular_file(rec->path, ec))
    return http::Response::error(ErrorKind::kNotFound, "recording_file_missing",
                                 "the recording's audio file is not on this server");
  http::Response res = http::Response::file(rec->path);  // path from the database, not the request
  if (res.status != 200) return res;
  bool mp3 = rec->format == store::RecordingFormat::kMp3;
  res.content_type = mp3 ? "audio/mpeg" : "audio/wav";
  std::string name = rec->id + (mp3 ? ".mp3" : ".wav");
  res.with_header("Content-Disposition", "attachment; filename=\"" + name + "\"");
  res.with_header("Cache-Control", "private, no-store");
  audit(ctx, req, "recording.download", "recording:" + rec->id, {{"call_id", rec->call_id}});
  return res;
}

}  // namespace

void add_call_routes(http::Router& router, Context& ctx) {
  http::RouteDoc list = route_doc(
      "calls",
      "List call records, newest first (from, to: numbers; agent: agent id; queue; since, until: "
      "RFC 3339 start-time range; paged). Agents see only their own calls.",
      Permission::kCallRead);
  router.get("/api/v1/calls", [&ctx](http::Request& req) { return list_calls(ctx, req); }, list);
  router.get("/api/v1/calls/{id}", [&ctx](http::Request& req) { return get_call(ctx, req); },
             route_doc("calls",
                       "One call record: times, end reason, IVR path, digits (PINs masked; menu "
                       "choices too), survey answers, "
                       "queue, wait, agent, routing reason and recordings",
                       Permission::kCallRead));
  router.get("/api/v1/recordings/{id}",
             [&ctx](http::Request& req) { return get_recording(ctx, req); },
             route_doc("recordings", "Recording metadata (format, duration, size)",
                       Permission::kRecordingRead));
  http::RouteDoc audio = route_doc(
      "recordings",
      "Download the recording (audio/wav or audio/mpeg); supervisors, managers, admins and the "
      "agent of the call only",
      Permission::kRecordingRead);
  audio.responses.push_back({200, "The audio file", nullptr});
  router.get("/api/v1/recordings/{id}/audio",
             [&ctx](http::Request& req) { return get_recording_audio(ctx, req); }, audio);
}

}  // namespace sy::api
