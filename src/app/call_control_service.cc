#include "app/call_control_service.h"

#include <chrono>
#include <future>
#include <memory>

namespace sy::app {
namespace {

Error unavailable() {
  return make_error(ErrorKind::kUnavailable, "telephony_unavailable",
                    "telephony did not answer in time; try again");
}

}  // namespace

Status CallControlService::on_loop(std::function<Status()> fn) {
  auto result = std::make_shared<std::promise<Status>>();
  auto answer = result->get_future();
  loop_.post([fn = std::move(fn), result] { result->set_value(fn()); });
  if (answer.wait_for(std::chrono::seconds(5)) != std::future_status::ready) return unavailable();
  return answer.get();
}

Result<api::LiveCall> CallControlService::find(const std::string& call_id) {
  auto result = std::make_shared<std::promise<Result<api::LiveCall>>>();
  auto answer = result->get_future();
  loop_.post([this, call_id, result] { result->set_value(calls_.live_call(call_id)); });
  if (answer.wait_for(std::chrono::seconds(5)) != std::future_status::ready) return unavailable();
  return answer.get();
}

Status CallControlService::action(const std::string& call_id, const api::CallActor& by,
                                  const std::string& what, const std::string& digits,
                                  const api::CallTarget& to) {
  return on_loop([this, call_id, by, what, digits, to] {
    return calls_.call_action(call_id, by, what, digits, to);
  });
}

// The phone's reply comes within SipOptions::remote_answer_timeout_ms (3 s), inside the 5 s.
Status CallControlService::answer(const std::string& id, const api::CallActor& by) {
  auto result = std::make_shared<std::promise<Status>>();
  auto answer = result->get_future();
  loop_.post([this, id, by, result] {
    calls_.answer(id, by, [result](Status st) { result->set_value(std::move(st)); });
  });
  if (answer.wait_for(std::chrono::seconds(5)) != std::future_status::ready) return unavailable();
  return answer.get();
}
Status CallControlService::hangup(const std::string& id, const api::CallActor& by) {
  return action(id, by, "hangup");
}
Status CallControlService::hold(const std::string& id, const api::CallActor& by) {
  return action(id, by, "hold");
}
Status CallControlService::resume(const std::string& id, const api::CallActor& by) {
  return action(id, by, "resume");
}
Status CallControlService::mute(const std::string& id, const api::CallActor& by) {
  return action(id, by, "mute");
}
Status CallControlService::unmute(const std::string& id, const api::CallActor& by) {
  return action(id, by, "unmute");
}
Status CallControlService::send_dtmf(const std::string& id, const api::CallActor& by,
                                     const std::string& digits) {
  return action(id, by, "dtmf", digits);
}
Status CallControlService::blind_transfer(const std::string& id, const api::CallActor& by,
                                          const api::CallTarget& to) {
  return action(id, by, "transfer", "", to);
}
Status CallControlService::consult(const std::string& id, const api::CallActor& by,
                                   const api::CallTarget& to) {
  return action(id, by, "consult", "", to);
}
Status CallControlService::complete_transfer(const std::string& id, const api::CallActor& by) {
  return action(id, by, "complete_transfer");
}
Status CallControlService::conference(const std::string& id, const api::CallActor& by) {
  return action(id, by, "conference");
}
Status CallControlService::cancel_consult(const std::string& id, const api::CallActor& by) {
  return action(id, by, "cancel_consult");
}
Status CallControlService::transfer_to_ivr(const std::string& id, const api::CallActor& by,
                                           const std::string& node) {
  return action(id, by, "to_ivr", node);
}
Status CallControlService::monitor(const std::string& id, const api::CallActor& supervisor,
                                   api::MonitorMode mode) {
  return on_loop([this, id, supervisor, mode] { return calls_.monitor(id, supervisor, mode); });
}

Result<std::vector<api::ReturnPoint>> CallControlService::return_points(
    const std::string& call_id, const api::CallActor& by) {
  using Points = Result<std::vector<api::ReturnPoint>>;
  auto result = std::make_shared<std::promise<Points>>();
  auto answer = result->get_future();
  loop_.post([this, call_id, by, result] { result->set_value(calls_.return_points(call_id, by)); });
  if (answer.wait_for(std::chrono::seconds(5)) != std::future_status::ready) return unavailable();
  return answer.get();
}

}  // namespace sy::app
