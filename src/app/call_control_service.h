// The desktop's call control (api::CallControlPort) on the real calls: every request is posted
// to the control loop, where InboundCalls owns the calls, and answered from there (bounded wait:
// telephony_unavailable after 5 s).
#pragma once

#include <functional>

#include "api/call_control.h"
#include "app/control_loop.h"
#include "app/inbound_calls.h"

namespace sy::app {

class CallControlService final : public api::CallControlPort {
 public:
  CallControlService(ControlLoop& loop, InboundCalls& calls) : loop_(loop), calls_(calls) {}

  Result<api::LiveCall> find(const std::string& call_id) override;
  Status answer(const std::string& call_id, const api::CallActor& by) override;
  Status hangup(const std::string& call_id, const api::CallActor& by) override;
  Status hold(const std::string& call_id, const api::CallActor& by) override;
  Status resume(const std::string& call_id, const api::CallActor& by) override;
  Status mute(const std::string& call_id, const api::CallActor& by) override;
  Status unmute(const std::string& call_id, const api::CallActor& by) override;
  Status send_dtmf(const std::string& call_id, const api::CallActor& by,
                   const std::string& digits) override;
  Status blind_transfer(const std::string& call_id, const api::CallActor& by,
                        const api::CallTarget& to) override;
  Status consult(const std::string& call_id, const api::CallActor& by,
                 const api::CallTarget& to) override;
  Status complete_transfer(const std::string& call_id, const api::CallActor& by) override;
  Status conference(const std::string& call_id, const api::CallActor& by) override;
  Status cancel_consult(const std::string& call_id, const api::CallActor& by) override;
  Status transfer_to_ivr(const std::string& call_id, const api::CallActor& by,
                         const std::string& node) override;
  Status monitor(const std::string& call_id, const api::CallActor& supervisor,
                 api::MonitorMode mode) override;
  Result<std::vector<api::ReturnPoint>> return_points(const std::string& call_id,
                                                      const api::CallActor& by) override;

 private:
  Status on_loop(std::function<Status()> fn);
  Status action(const std::string& call_id, const api::CallActor& by, const std::string& what,
                const std::string& digits = "", const api::CallTarget& to = {});

  ControlLoop& loop_;
  InboundCalls& calls_;
};

}  // namespace sy::app
