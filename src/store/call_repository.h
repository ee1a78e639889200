// Call records: one row per call, written by telephony as the call goes (created at arrival,
// updated when an agent answers, finished at hang-up) and read by the API. Every write goes
// through the writer thread; the callback forms never block the telephony thread, and their
// `done` runs once the write is durable, so an ended call whose finish was acknowledged
// survives a crash. All SQL about calls lives here.
#pragma once

#include <functional>
#include <string>

#include "core/result.h"
#include "store/agent_records.h"
#include "store/db.h"

namespace sy::store {

class CallRepository {
 public:
  explicit CallRepository(Database& db) : db_(db) {}

  // Errors: invalid_input "invalid_call_id" (see valid_external_id), "invalid_direction";
  // conflict "call_exists"; not_found "customer_not_found".
  Status create(const NewCall& call);
  void create(const NewCall& call, std::function<void(Status)> done);
  // The call reached an agent. not_found "call_not_found", "agent_not_found".
  Status update_on_answer(const std::string& id, const CallAnswered& answered);
  void update_on_answer(const std::string& id, const CallAnswered& answered,
                        std::function<void(Status)> done);
  // The call ended: end time and reason, IVR path, digits (mask PINs with collected_digits), and
  // the queue facts for calls that never reached an agent. not_found "call_not_found".
  Status finish(const std::string& id, const CallFinished& finished);
  void finish(const std::string& id, const CallFinished& finished, std::function<void(Status)> done);

  // not_found "call_not_found".
  Result<CallRecord> get(const std::string& id);
  // Newest first.
  Result<PageResult<CallRecord>> list(const CallFilter& filter, const PageRequest& page);

 private:
  Database& db_;
};

}  // namespace sy::store
