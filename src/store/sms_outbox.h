// The SMS outbox: messages to send, written in the same transaction as the change they tell of
// (so an acknowledged push survives kill -9), and drained by the SMS worker with retries.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.h"
#include "core/result.h"
#include "store/db.h"

namespace sy::store {

struct SmsMessage {
  std::int64_t id = 0;
  std::string recipient;  // normalised mobile number
  std::string message;    // UTF-8
  std::string state;      // queued | sent | failed
  int attempts = 0;
  TimePoint next_attempt_at;
  std::string last_error;
  std::string kind;  // work_order.assigned | work_order.urged | work_order.warning | ...
  std::optional<std::int64_t> order_id;
  TimePoint created_at;
  std::optional<TimePoint> sent_at;
};

namespace sms_sql {
// Queues one message inside the caller's write.
Status enqueue(Connection& conn, const std::string& recipient, const std::string& message,
               std::string_view kind, std::optional<std::int64_t> order_id, TimePoint now);
// The text of a work-order SMS (Simplified Chinese). `kind` is the event type:
// work_order.assigned (detail: the description), work_order.urged (detail: the urging note),
// work_order.warning (detail: the local due time), work_order.overdue (detail: the new level).
std::string work_order_text(std::string_view kind, const std::string& number,
                            const std::string& type_name, const std::string& detail);
// The user's mobile number, if they have one.
Result<std::optional<std::string>> user_mobile(Connection& conn, std::int64_t user_id);
}  // namespace sms_sql

class SmsOutboxRepository {
 public:
  explicit SmsOutboxRepository(Database& db) : db_(db) {}

  // Queued messages whose next attempt is due at `now`, oldest first.
  Result<std::vector<SmsMessage>> due(TimePoint now, int limit = 50);
  Status mark_sent(std::int64_t id, TimePoint now);
  // Another attempt at `next_at`.
  Status mark_retry(std::int64_t id, int attempts, TimePoint next_at, const std::string& error);
  // Given up: the message stays in the outbox as failed.
  Status mark_failed(std::int64_t id, int attempts, const std::string& error);
  // Newest first; for the tests and the admin.
  Result<std::vector<SmsMessage>> recent(int limit = 100);

 private:
  Database& db_;
};

}  // namespace sy::store
