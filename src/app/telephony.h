// The telephony side of `serve`: the service flows, the media host, the inbound-call service on
// the control loop and the SIP adapter, started and stopped in the right order.
#pragma once

#include <memory>

#include "api/call_control.h"
#include "app/acd_service.h"
#include "app/control_loop.h"
#include "config/config.h"
#include "core/result.h"
#include "store/repositories.h"

namespace sy::app {

class Telephony {
 public:
  // `acd` (may be null: queued callers then only wait) takes the IVR's queued calls and offers
  // them back for delivery to agent phones.
  static Result<std::unique_ptr<Telephony>> start(const config::Config& config,
                                                  store::Repositories& repos, ControlLoop& loop,
                                                  AcdService* acd);
  virtual ~Telephony() = default;
  // Stops SIP (BYE to live calls), media and the workers; call before the control loop stops.
  virtual void stop() = 0;
  // The desktop's call control on this server's live calls (set it as api::Context::call_control).
  virtual api::CallControlPort* call_control() = 0;
};

}  // namespace sy::app
