// The IVR interpreter's events and node entry. Digit input and branch conditions live in
// session_input.cc.
#include "ivr/session.h"

#include <algorithm>
#include <string_view>

#include "ivr/template.h"

namespace sy::ivr {
namespace {

// A flow whose instant nodes (set, branch) loop forever must not hang the control thread.
constexpr int kMaxStepsPerEvent = 64;

template <class... F>
struct Overload : F... {
  using F::operator()...;
};
template <class... F>
Overload(F...) -> Overload<F...>;

Error conflict(std::string code, std::string message) {
  return make_error(ErrorKind::kConflict, std::move(code), std::move(message));
}

}  // namespace

bool is_valid_dtmf(char key) {
  return std::string_view("0123456789*#ABCD").find(key) != std::string_view::npos;
}

Session::Session(std::shared_ptr<const Flow> flow) : flow_(std::move(flow)) {}

Status Session::check_active() const {
  if (state_ == SessionState::kNotStarted)
    return conflict("session_not_started", "the IVR session has not been started");
  if (state_ == SessionState::kEnded) return conflict("session_ended", "the IVR session has ended");
  return ok_status();
}

Result<Actions> Session::start(const std::string& caller, const std::string& called,
                               TimePoint now) {
  if (state_ != SessionState::kNotStarted)
    return conflict("session_started", "the IVR session was already started");
  vars_["caller"] = caller;
  vars_["called"] = called;
  Actions out;
  steps_ = 0;
  go(flow_->entry, now, out);
  return out;
}

Result<Actions> Session::digit(char key, TimePoint now) {
  if (!is_valid_dtmf(key))
    return make_error(ErrorKind::kInvalidInput, "invalid_dtmf",
                      "DTMF key must be one of 0-9 * # A-D", "key");
  SY_TRY(check_active());
  Actions out;
  steps_ = 0;
  switch (state_) {
    case SessionState::kPlaying:
      // Barge-in on a plain prompt skips it; the key itself only ends the prompt.
      if (std::holds_alternative<PlayNode>(node().body) &&
          std::get<PlayNode>(node().body).barge_in) {
        out.push_back(StopPlaybackAction{});
        go(std::get<PlayNode>(node().body).next, now, out);
      }
      break;
    case SessionState::kPrompting:
      if (!input().barge_in) break;
      out.push_back(StopPlaybackAction{});
      state_ = SessionState::kCollecting;
      input_digit(key, now, out);
      break;
    case SessionState::kCollecting:
      input_digit(key, now, out);
      break;
    default:
      break;  // keys while looking up, queued or recording mean nothing to the flow
  }
  return out;
}

Result<Actions> Session::prompt_finished(TimePoint now) {
  SY_TRY(check_active());
  Actions out;
  steps_ = 0;
  if (state_ == SessionState::kPrompting) {
    state_ = SessionState::kCollecting;
    deadline_ = now + std::chrono::seconds(input().timeout_s);
  } else if (state_ == SessionState::kPlaying) {
    if (after_play_ == AfterPlay::kHangup) {
      end(std::get<HangupNode>(node().body).reason, out, true);
    } else if (after_play_ == AfterPlay::kRecord) {
      const auto& v = std::get<VoicemailNode>(node().body);
      out.push_back(RecordVoicemailAction{v.mailbox, v.max_s});
      state_ = SessionState::kRecording;
    } else {
      go(std::get<PlayNode>(node().body).next, now, out);
    }
  }
  // Otherwise a late notice for a prompt already stopped by barge-in: nothing to do.
  return out;
}

Result<Actions> Session::tick(TimePoint now) {
  SY_TRY(check_active());
  Actions out;
  steps_ = 0;
  if (state_ != SessionState::kCollecting || !deadline_ || now < *deadline_) return out;
  deadline_.reset();
  if (!buffer_.empty() && std::holds_alternative<CollectNode>(node().body))
    collect_done(now, out);  // inter-digit timeout ends the entry
  else
    attempt_failed(true, now, out);
  return out;
}

Result<Actions> Session::lookup_result(const std::string& key,
                                       const std::map<std::string, std::string>& variables,
                                       TimePoint now) {
  SY_TRY(check_active());
  if (state_ != SessionState::kWaitingLookup)
    return conflict("no_lookup_pending", "the IVR is not waiting for a lookup result");
  const auto& lookup = std::get<LookupNode>(node().body);
  auto keys = lookup_result_keys(lookup.kind);
  if (std::find(keys.begin(), keys.end(), key) == keys.end())
    return make_error(
        ErrorKind::kInvalidInput, "unknown_lookup_result",
        "lookup '" + std::string(lookup_kind_name(lookup.kind)) + "' has no result '" + key + "'",
        "key");
  for (const auto& [name, value] : variables) vars_[name] = value;
  // Queues boost on `vip`; setting it here means an adapter cannot forget to.
  if (lookup.kind == LookupKind::kVip && key != "error") vars_["vip"] = key;
  Actions out;
  steps_ = 0;
  auto it = lookup.branches.find(key);
  go(it != lookup.branches.end() ? it->second : lookup.next, now, out);
  return out;
}

Result<Actions> Session::queue_outcome(const std::string& key, TimePoint now) {
  SY_TRY(check_active());
  if (state_ != SessionState::kQueued)
    return conflict("not_queued", "the caller is not queued by this IVR session");
  const auto& queue = std::get<QueueNode>(node().body);
  Actions out;
  steps_ = 0;
  auto it = queue.branches.find(key);
  if (it == queue.branches.end())
    end("queue_" + key, out, true);
  else
    go(it->second, now, out);
  return out;
}

Result<Actions> Session::voicemail_finished(TimePoint now) {
  SY_TRY(check_active());
  if (state_ != SessionState::kRecording)
    return conflict("not_recording", "no voicemail is being recorded");
  Actions out;
  steps_ = 0;
  const auto& v = std::get<VoicemailNode>(node().body);
  if (v.next.empty())
    end("voicemail", out, true);
  else
    go(v.next, now, out);
  return out;
}

Result<Actions> Session::call_ended(const std::string& reason, TimePoint) {
  SY_TRY(check_active());
  Actions out;
  end(reason, out, false);
  return out;
}

Result<Actions> Session::return_to(const std::string& node, TimePoint now,
                                   const std::map<std::string, std::string>& context) {
  if (state_ == SessionState::kNotStarted)
    return conflict("session_not_started", "the IVR session has not been started");
  if (!flow_->return_point(node))
    return make_error(ErrorKind::kNotFound, "not_a_return_point",
                      "node " + node + " is not a return point of flow " + flow_->id, "node");
  if (state_ != SessionState::kQueued && state_ != SessionState::kEnded)
    return conflict("in_ivr", "the caller is still in the IVR");
  for (const auto& [name, value] : context) vars_[name] = value;
  trace_.end_reason.clear();
  Actions out;
  steps_ = 0;
  go(node, now, out);
  return out;
}

std::optional<TimePoint> Session::next_deadline() const {
  if (state_ != SessionState::kCollecting) return std::nullopt;
  return deadline_;
}

void Session::end(const std::string& reason, Actions& out, bool hangup) {
  state_ = SessionState::kEnded;
  deadline_.reset();
  trace_.end_reason = reason;
  if (hangup) out.push_back(HangupAction{reason});
}

void Session::go(const std::string& id, TimePoint now, Actions& out) {
  const Node* n = flow_->find(id);
  if (!n) {  // only reachable through a flow built by hand, never through the parser
    end("flow_error", out, true);
    return;
  }
  if (++steps_ > kMaxStepsPerEvent) {
    end("flow_loop", out, true);
    return;
  }
  node_id_ = id;
  trace_.path.push_back(id);
  deadline_.reset();
  buffer_.clear();
  attempts_used_ = 0;
  question_ = 0;
  enter(*n, now, out);
}

void Session::enter(const Node& n, TimePoint now, Actions& out) {
  if (enter_input_or_ending(n, now, out)) return;
  std::visit(Overload{
                 [&](const PlayNode& p) {
                   out.push_back(render(p.prompt, p.barge_in));
                   state_ = SessionState::kPlaying;
                   after_play_ = AfterPlay::kNext;
                 },
                 [&](const LookupNode& l) {
                   LookupAction a{l.kind, {}};
                   for (const auto& [name, tmpl] : l.args) a.args[name] = render_text(tmpl);
                   out.push_back(std::move(a));
                   state_ = SessionState::kWaitingLookup;
                 },
                 [&](const SetNode& s) {
                   for (const auto& a : s.assignments) {
                     if (!a.add) {
                       vars_[a.var] = render_text(a.value_template);
                       continue;
                     }
                     long long current = 0;
                     auto it = vars_.find(a.var);
                     if (it != vars_.end()) current = std::strtoll(it->second.c_str(), nullptr, 10);
                     vars_[a.var] = std::to_string(current + *a.add);
                   }
                   go(s.next, now, out);
                 },
                 [&](const BranchNode& b) { go(*choose_branch(b, now), now, out); },
                 [&](const QueueNode& q) {
                   // Lets a flow send a caller back to the queue they came from (agent_return).
                   vars_["queue"] = q.spec.name;
                   out.push_back(make_enqueue(q.spec));
                   state_ = SessionState::kQueued;
                 },
                 [&](const auto&) {},
             },
             n.body);
}

// Nodes that take digits or end the IVR; false when `n` is of another kind.
bool Session::enter_input_or_ending(const Node& n, TimePoint now, Actions& out) {
  if (std::holds_alternative<MenuNode>(n.body) || std::holds_alternative<CollectNode>(n.body) ||
      std::holds_alternative<SurveyNode>(n.body)) {
    prompt_input(nullptr, now, out);
    return true;
  }
  if (const auto* t = std::get_if<TransferNode>(&n.body)) {
    out.push_back(TransferAction{render_text(t->target)});
    end("transferred", out, false);
    return true;
  }
  if (const auto* c = std::get_if<CallbackRequestNode>(&n.body)) {
    out.push_back(RequestCallbackAction{render_text(c->number)});
    if (c->next.empty())
      end("callback_requested", out, true);
    else
      go(c->next, now, out);
    return true;
  }
  if (const auto* v = std::get_if<VoicemailNode>(&n.body)) {
    if (v->prompt.empty()) {
      out.push_back(RecordVoicemailAction{v->mailbox, v->max_s});
      state_ = SessionState::kRecording;
    } else {
      out.push_back(render(v->prompt, false));
      state_ = SessionState::kPlaying;
      after_play_ = AfterPlay::kRecord;
    }
    return true;
  }
  if (const auto* h = std::get_if<HangupNode>(&n.body)) {
    if (h->prompt.empty()) {
      end(h->reason, out, true);
    } else {
      out.push_back(render(h->prompt, false));
      state_ = SessionState::kPlaying;
      after_play_ = AfterPlay::kHangup;
    }
    return true;
  }
  return false;
}

PlayAction Session::render(const Prompt& prompt, bool barge_in) const {
  PlayAction a{{}, barge_in};
  for (const auto& p : prompt)
    a.pieces.push_back({p.kind, p.kind == PromptPiece::Kind::kTts ? render_text(p.text) : p.text});
  return a;
}

std::string Session::render_text(const std::string& text) const {
  return render_template(text, vars_, flow_->utc_offset_min);
}

EnqueueAction Session::make_enqueue(const QueueSpec& spec) const {
  EnqueueAction a{spec, spec.priority, {}};
  auto vip = vars_.find("vip");
  if (vip != vars_.end() && (vip->second == "yes" || vip->second == "true" || vip->second == "1"))
    a.effective_priority = std::min(9, spec.priority + spec.vip_boost);
  for (const auto& name : spec.attach) {
    auto it = vars_.find(name);
    if (it != vars_.end()) a.attached[name] = it->second;
  }
  return a;
}

}  // namespace sy::ivr
