// The SMS worker: drains the durable outbox (store/sms_outbox.h) through an SmsSender on its own
// thread, so a slow or absent Kannel never holds up the API or the control loop. A message is
// marked sent once Kannel accepted it; transport failures and 5xx answers are retried with
// exponential backoff; Kannel's 4xx refusals and messages past max_attempts end as failed.
#pragma once

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "core/clock.h"
#include "notify/kannel_sender.h"
#include "store/sms_outbox.h"

namespace sy::notify {

struct SmsWorkerOptions {
  Duration poll = std::chrono::seconds(1);  // how often the outbox is looked at
  int max_attempts = 8;
  Duration first_backoff = std::chrono::seconds(10);  // doubled per attempt
  Duration max_backoff = std::chrono::minutes(10);
};

class SmsWorker {
 public:
  SmsWorker(store::SmsOutboxRepository& outbox, SmsSender& sender, const Clock& clock,
            SmsWorkerOptions options = {});
  ~SmsWorker();
  SmsWorker(const SmsWorker&) = delete;
  SmsWorker& operator=(const SmsWorker&) = delete;

  // One pass: sends every message due at the clock's now. Returns how many Kannel accepted.
  int run_once();
  // The delay before attempt `attempts + 1` after `attempts` failed ones.
  Duration backoff(int attempts) const;

  void start();
  void wake();  // look at the outbox now (a message was just queued)
  void stop();

 private:
  void loop();

  store::SmsOutboxRepository& outbox_;
  SmsSender& sender_;
  const Clock& clock_;
  SmsWorkerOptions options_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stopping_ = false;
  bool woken_ = false;
  std::thread thread_;
};

}  // namespace sy::notify
