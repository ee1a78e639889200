// The SMS worker (see sms_worker.h).
#include "notify/sms_worker.h"

#include <spdlog/spdlog.h>

namespace sy::notify {

SmsWorker::SmsWorker(store::SmsOutboxRepository& outbox, SmsSender& sender, const Clock& clock,
                     SmsWorkerOptions options)
    : outbox_(outbox), sender_(sender), clock_(clock), options_(options) {}

SmsWorker::~SmsWorker() { stop(); }

Duration SmsWorker::backoff(int attempts) const {
  Duration d = options_.first_backoff;
  for (int i = 1; i < attempts && d < options_.max_backoff; ++i) d *= 2;
  return std::min(d, options_.max_backoff);
}

int SmsWorker::run_once() {
  auto due = outbox_.due(clock_.now());
  if (!due) {
    spdlog::warn("SMS outbox: {}", due.error().message);
    return 0;
  }
  int sent = 0;
  for (const store::SmsMessage& m : *due) {
    SendOutcome out = sender_.send(m.recipient, m.message);
    const int attempts = m.attempts + 1;
    Status st;
    if (out.kind == SendOutcome::Kind::kSent) {
      st = outbox_.mark_sent(m.id, clock_.now());
      ++sent;
    } else if (out.kind == SendOutcome::Kind::kRejected || attempts >= options_.max_attempts) {
      spdlog::warn("SMS {} to {} failed after {} attempt(s): {}", m.id, m.recipient, attempts,
                   out.detail);
      st = outbox_.mark_failed(m.id, attempts, out.detail);
    } else {
      spdlog::info("SMS {} to {}: attempt {} failed ({}), retrying", m.id, m.recipient, attempts,
                   out.detail);
      st = outbox_.mark_retry(m.id, attempts, clock_.now() + backoff(attempts), out.detail);
    }
    if (!st) spdlog::warn("SMS outbox: {}", st.error().message);
  }
  return sent;
}

void SmsWorker::start() {
  std::lock_guard lock(mu_);
  if (thread_.joinable()) return;
  stopping_ = false;
  thread_ = std::thread([this] { loop(); });
}

void SmsWorker::wake() {
  {
    std::lock_guard lock(mu_);
    woken_ = true;
  }
  cv_.notify_one();
}

void SmsWorker::stop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  cv_.notify_one();
  if (thread_.joinable()) thread_.join();
}

void SmsWorker::loop() {
  while (true) {
    {
      std::unique_lock lock(mu_);
      cv_.wait_for(lock, options_.poll, [this] { return stopping_ || woken_; });
      if (stopping_) return;
      woken_ = false;
    }
    run_once();
  }
}

}  // namespace sy::notify
