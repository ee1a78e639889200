// Call control from the desktop: POST /api/v1/calls/{id}/{action}. Agents act on their own
// calls only; supervisors listen, whisper or barge on calls of the queues and regions they
// supervise (audited). The work on the call is the telephony side's (CallControlPort); without
// one the endpoints answer 503 telephony_unavailable.
#include <algorithm>

#include "api/call_control.h"
#include "api/routes.h"
#include "api/session.h"

namespace sy::api {
namespace {

using auth::Permission;

Error unavailable() {
  return make_error(ErrorKind::kUnavailable, "telephony_unavailable",
                    "telephony is not running on this server; use the phone's own keys");
}

bool valid_call_id(std::string_view id) {
  if (id.empty() || id.size() > 128) return false;
  return std::all_of(id.begin(), id.end(), [](char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
           c == '-' || c == '_' || c == '.' || c == ':' || c == '@';
  });
}

// An action's body: empty, or a JSON object with exactly the fields `read` takes.
template <class ReadFields>
Status read_body(const http::Request& req, ReadFields&& read) {
  nlohmann::json body = nlohmann::json::object();
  if (!req.body.empty()) {
    auto parsed = http::parse_json_body(req);
    if (!parsed) return parsed.error();
    body = std::move(*parsed);
  }
  http::JsonObjectReader r(body);
  read(r);
  return r.finish();
}

CallActor actor_of(Context& ctx, const http::Request& req) {
  CallActor who;
  who.user_id = signed_in(req).user.id;
  if (auto agent = ctx.repos.agents.get_by_user(who.user_id)) {
    who.agent_id = agent->id;
    who.extension = agent->extension;
    // A seat phone the agent (or supervisor) picked is where their phone rings now.
    if (ctx.seats) {
      if (auto snap = ctx.seats->seat_snapshot(); snap && snap->picked.count(agent->id))
        who.extension = snap->picked.at(agent->id);
    }
  }
  return who;
}

// The live call when the asking agent may act on it.
Result<LiveCall> own_call(Context& ctx, const http::Request& req, const CallActor& who) {
  std::string id(req.param("id"));
  if (!valid_call_id(id))
    return make_error(ErrorKind::kNotFound, "call_not_found", "no live call " + id);
  auto call = ctx.call_control->find(id);
  if (!call) return call;
  if (!who.agent_id)
    return make_error(ErrorKind::kForbidden, "not_your_call",
                      "you are not set up as an agent, so no call is yours");
  if (call->agent_id != who.agent_id)
    return make_error(ErrorKind::kForbidden, "not_your_call",
                      "call " + id + " is not with you; agents act on their own calls only");
  return call;
}

// A supervisor may monitor a call of a queue they supervise, in a region they may see.
Status in_supervisors_reach(Context& ctx, const http::Request& req, const LiveCall& call) {
  const store::User& user = signed_in(req).user;
  std::optional<std::vector<std::string>> queues;
  if (ctx.supervised_queues) queues = ctx.supervised_queues(user);
  bool queue_ok = !queues || std::find(queues->begin(), queues->end(), call.queue) != queues->end();
  store::RegionScope scope = scope_of(req);
  bool region_ok =
      scope.unrestricted() || (call.region_code && scope.contains(*call.region_code));
  if (queue_ok && region_ok) return {};
  return make_error(ErrorKind::kForbidden, "call_out_of_scope",
                    "call " + call.call_id + " is not in a queue and region you supervise");
}

using AgentAction = std::function<Status(CallControlPort&, const std::string&, const CallActor&)>;

http::Response done(const std::string& call_id, std::string_view action) {
  return http::Response::json(200, {{"call_id", call_id}, {"action", action}});
}

// The shape of every agent action: body, telephony present, the agent's own call, the action.
http::Response agent_action(Context& ctx, http::Request& req, std::string_view action,
                            const std::function<void(http::JsonObjectReader&)>& read,
                            const AgentAction& act) {
  if (Status st = read_body(req, read); !st) return http::Response::error(st.error());
  if (!ctx.call_control) return http::Response::error(unavailable());
  CallActor who = actor_of(ctx, req);
  auto call = own_call(ctx, req, who);
  if (!call) return http::Response::error(call.error());
  if (Status st = act(*ctx.call_control, call->call_id, who); !st)
    return http::Response::error(st.error());
  return done(call->call_id, action);
}

void no_fields(http::JsonObjectReader&) {}

// {"extension": "1002"} or {"queue": "general"}: exactly one.
struct TargetReader {
  CallTarget target;
  void operator()(http::JsonObjectReader& r) {
    auto ext = r.optional_string("extension", 2, 16);
    auto queue = r.optional_string("queue", 1, 64);
    if (ext && queue) {
      r.fail("queue", "invalid_value", "give either 'extension' or 'queue', not both");
    } else if (ext) {
      if (ext->find_first_not_of("0123456789") != std::string::npos)
        r.fail("extension", "invalid_value", "an extension is 2 to 16 digits");
      target = {CallTarget::Kind::kExtension, *ext};
    } else if (queue) {
      target = {CallTarget::Kind::kQueue, *queue};
    } else {
      r.fail("extension", "missing_field", "give the target: 'extension' or 'queue'");
    }
  }
};

http::Response monitor_action(Context& ctx, http::Request& req, MonitorMode mode) {
  if (Status st = read_body(req, no_fields); !st) return http::Response::error(st.error());
  if (!ctx.call_control) return http::Response::error(unavailable());
  std::string id(req.param("id"));
  if (!valid_call_id(id))
    return http::Response::error(ErrorKind::kNotFound, "call_not_found", "no live call " + id);
  auto call = ctx.call_control->find(id);
  if (!call) return http::Response::error(call.error());
  if (Status st = in_supervisors_reach(ctx, req, *call); !st)
    return http::Response::error(st.error());
  CallActor who = actor_of(ctx, req);
  if (who.extension.empty())
    return http::Response::error(ErrorKind::kConflict, "no_supervisor_phone",
                                 "you have no extension: ask an admin for one to listen on");
  if (Status st = ctx.call_control->monitor(id, who, mode); !st)
    return http::Response::error(st.error());
  audit(ctx, req, std::string("call.").append(to_string(mode)), "call:" + id,
        {{"extension", who.extension}, {"queue", call->queue}, {"agent_id", call->agent_id
                                                                              ? nlohmann::json(*call->agent_id)
                                                                              : nlohmann::json()}});
  return done(id, to_string(mode));
}

// GET /api/v1/calls/{id}/return-points: the desktop's "back to IVR" choices for my call.
http::Response return_points(Context& ctx, http::Request& req) {
  if (!ctx.call_control) return http::Response::error(unavailable());
  CallActor who = actor_of(ctx, req);
  auto call = own_call(ctx, req, who);
  if (!call) return http::Response::error(call.error());
  auto points = ctx.call_control->return_points(call->call_id, who);
  if (!points) return http::Response::error(points.error());
  nlohmann::json items = nlohmann::json::array();
  for (const auto& p : *points)
    items.push_back({{"node", p.node}, {"label", p.label}, {"label_en", p.label_en}});
  return http::Response::json(200, {{"items", items}});
}

http::RouteDoc return_points_doc() {
  http::RouteDoc d = route_doc("call control",
                               "Where I may send my call's caller back to in the IVR (the "
                               "return points of the call's flow, for POST .../ivr)",
                               Permission::kCallControl);
  d.description =
      "The flow file's agent_return list, in file order: node id and the labels in Chinese and "
      "English. Errors: 404 call_not_found, 403 not_your_call, 503 telephony_unavailable.";
  nlohmann::json point = object_schema(
      {{"node", "string"}, {"label", "string"}, {"label_en", "string"}}, {"node", "label", "label_en"});
  nlohmann::json body = {{"type", "object"},
                         {"properties", {{"items", {{"type", "array"}, {"items", point}}}}},
                         {"required", {"items"}}};
  d.responses.push_back({200, "The return points", body});
  return d;
}

http::RouteDoc control_doc(std::string summary, nlohmann::json body = nullptr) {
  http::RouteDoc d = route_doc("call control", std::move(summary), Permission::kCallControl,
                               std::move(body));
  d.description =
      "Acts on the live call through the telephony side. Errors: 404 call_not_found, 403 "
      "not_your_call, 409 invalid_call_state / not_supported_by_phone / target_unavailable, "
      "404 target_not_found, 503 telephony_unavailable.";
  d.responses.push_back(
      {200, "Done", object_schema({{"call_id", "string"}, {"action", "string"}})});
  return d;
}

}  // namespace

void add_call_control_routes(http::Router& router, Context& ctx) {
  struct Simple {
    const char* path;
    const char* action;
    const char* summary;
    Status (CallControlPort::*method)(const std::string&, const CallActor&);
  };
  static const Simple kSimple[] = {
      {"answer", "answer",
       "Answer my ringing call: my desk phone is asked to pick up (NOTIFY Event: talk) and the "
       "reply waits for it (up to 3 s); 409 not_supported_by_phone when it cannot",
       &CallControlPort::answer},
      {"hangup", "hangup", "Hang up my call", &CallControlPort::hangup},
      {"hold", "hold", "Put my call on hold (the caller hears music)", &CallControlPort::hold},
      {"unhold", "resume", "Take my call off hold", &CallControlPort::resume},
      {"resume", "resume", "Take my call off hold (same as unhold)", &CallControlPort::resume},
      {"mute", "mute", "Mute my microphone on the call", &CallControlPort::mute},
      {"unmute", "unmute", "Unmute my microphone on the call", &CallControlPort::unmute},
      {"complete-transfer", "complete_transfer",
       "After a consultation: join the caller and the consulted party, and leave",
       &CallControlPort::complete_transfer},
      {"conference", "conference",
       "After a consultation: caller, me and the consulted party in a three-way conference",
       &CallControlPort::conference},
      {"cancel-consult", "cancel_consult",
       "End my consultation (or drop the third party of my conference): the caller and I talk "
       "again",
       &CallControlPort::cancel_consult},
  };
  for (const Simple& s : kSimple) {
    auto method = s.method;
    std::string action = s.action;
    router.post(
        std::string("/api/v1/calls/{id}/").append(s.path),
        [&ctx, method, action](http::Request& req) {
          return agent_action(ctx, req, action, no_fields,
                              [method](CallControlPort& port, const std::string& id,
                                       const CallActor& who) { return (port.*method)(id, who); });
        },
        control_doc(s.summary));
  }

  router.post(
      "/api/v1/calls/{id}/dtmf",
      [&ctx](http::Request& req) {
        std::string digits;
        auto read = [&digits](http::JsonObjectReader& r) {
          digits = r.required_string("digits", 1, 32);
          if (!digits.empty() &&
              digits.find_first_not_of("0123456789*#ABCD") != std::string::npos)
            r.fail("digits", "invalid_value", "digits are 0-9, *, # and A-D");
        };
        return agent_action(ctx, req, "dtmf", read,
                            [&digits](CallControlPort& port, const std::string& id,
                                      const CallActor& who) {
                              return port.send_dtmf(id, who, digits);
                            });
      },
      control_doc("Send DTMF digits on my call (0-9 * # A-D)",
                  object_schema({{"digits", "string"}}, {"digits"})));

  nlohmann::json target_schema = object_schema({{"extension", "string"}, {"queue", "string"}});
  router.post(
      "/api/v1/calls/{id}/transfer",
      [&ctx](http::Request& req) {
        TargetReader target;
        return agent_action(ctx, req, "transfer", std::ref(target),
                            [&target](CallControlPort& port, const std::string& id,
                                      const CallActor& who) {
                              return port.blind_transfer(id, who, target.target);
                            });
      },
      control_doc("Blind transfer of my call to an extension or a queue", target_schema));
  router.post(
      "/api/v1/calls/{id}/consult",
      [&ctx](http::Request& req) {
        TargetReader target;
        return agent_action(ctx, req, "consult", std::ref(target),
                            [&target](CallControlPort& port, const std::string& id,
                                      const CallActor& who) {
                              return port.consult(id, who, target.target);
                            });
      },
      control_doc("Consult an extension or a queue while the caller is held", target_schema));
  router.post(
      "/api/v1/calls/{id}/ivr",
      [&ctx](http::Request& req) {
        std::string node;
        auto read = [&node](http::JsonObjectReader& r) {
          node = r.required_string("node", 1, 64);
        };
        return agent_action(ctx, req, "ivr", read,
                            [&node](CallControlPort& port, const std::string& id,
                                    const CallActor& who) {
                              return port.transfer_to_ivr(id, who, node);
                            });
      },
      control_doc("Send the caller back to the IVR at a node (PIN entry, satisfaction survey); "
                  "only the call's return points (GET .../return-points), else 404 "
                  "target_not_found; the agent leaves the call",
                  object_schema({{"node", "string"}}, {"node"})));
  router.get("/api/v1/calls/{id}/return-points",
             [&ctx](http::Request& req) { return return_points(ctx, req); }, return_points_doc());

  for (MonitorMode mode : {MonitorMode::kListen, MonitorMode::kWhisper, MonitorMode::kBarge}) {
    http::RouteDoc d = route_doc(
        "call control",
        std::string("Supervisor: join the call from my phone to ").append(to_string(mode)),
        Permission::kCallMonitor);
    d.description =
        "listen: hear both sides unheard; whisper: speak to the agent only; barge: talk to "
        "both. Only calls of the queues and regions you supervise (403 call_out_of_scope); "
        "409 no_supervisor_phone without an extension. Audited.";
    router.post(std::string("/api/v1/calls/{id}/").append(to_string(mode)),
                [&ctx, mode](http::Request& req) { return monitor_action(ctx, req, mode); }, d);
  }
}

}  // namespace sy::api
