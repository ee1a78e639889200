// Answers the IVR's lookups from the database (caller id -> customer -> area outage, VIP, bill
// and arrears after account number + PIN, planned outages, business progress). Blocking reads:
// run on a worker thread, never on the control loop. Result keys per kind are those of
// ivr::lookup_result_keys; any store failure answers "error" (the flow has a branch for it).
#pragma once

#include <map>
#include <string>

#include "core/clock.h"
#include "ivr/session.h"
#include "store/repositories.h"

namespace sy::app {

struct LookupAnswer {
  std::string key;
  std::map<std::string, std::string> variables;
};

class IvrLookups {
 public:
  explicit IvrLookups(store::Repositories& repos) : repos_(repos) {}
  LookupAnswer run(const ivr::LookupAction& action, TimePoint now);

 private:
  LookupAnswer customer_by_caller(const std::string& caller, TimePoint now);
  LookupAnswer vip(const std::string& customer_id);
  LookupAnswer outage(const std::string& caller, bool planned_only, TimePoint now);
  LookupAnswer pin_check(const std::string& account_no, const std::string& pin);
  LookupAnswer bill(const std::string& account_no, bool arrears);
  std::string area_name(const std::string& region_code);
  store::Repositories& repos_;
};

}  // namespace sy::app
