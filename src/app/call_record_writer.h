// Call records of telephony, written to the store (calls table, GET /api/v1/calls) through the
// database writer: created when the call arrives, updated when an agent answers, finished at
// hang-up. Never blocks the control loop; each write's outcome is logged, and a finished call
// counts as done only once its row is durable (so it survives a crash of the server).
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <string>

#include "store/agent_records.h"
#include "store/repositories.h"

namespace sy::app {

class CallRecordSink {
 public:
  virtual ~CallRecordSink() = default;
  virtual void call_started(const store::NewCall& call) = 0;
  virtual void call_answered(const std::string& id, const store::CallAnswered& answered) = 0;
  virtual void call_finished(const std::string& id, const store::CallFinished& finished) = 0;
  // A recording file of the call (WAV while it lasts); then its MP3 once encoded.
  virtual void recording_created(const store::Recording& recording) = 0;
  virtual void recording_encoded(const store::Recording& recording) = 0;
};

class CallRecordWriter final : public CallRecordSink {
 public:
  explicit CallRecordWriter(store::Repositories& repos) : repos_(repos) {}
  ~CallRecordWriter() override { flush(); }

  void call_started(const store::NewCall& call) override;
  void call_answered(const std::string& id, const store::CallAnswered& answered) override;
  void call_finished(const std::string& id, const store::CallFinished& finished) override;
  void recording_created(const store::Recording& recording) override;
  void recording_encoded(const store::Recording& recording) override;

  // Waits (up to 5 s) until every write handed over so far is durable; for shutdown.
  void flush();
  std::uint64_t finished_durable() const { return finished_.load(); }
  std::uint64_t failed() const { return failed_.load(); }

 private:
  void begin();
  void done(const std::string& what, const std::string& id, const Status& st);

  store::Repositories& repos_;
  std::mutex mu_;
  std::condition_variable cv_;
  int in_flight_ = 0;
  std::atomic<std::uint64_t> finished_{0};
  std::atomic<std::uint64_t> failed_{0};
};

}  // namespace sy::app
