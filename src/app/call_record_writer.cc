#include "app/call_record_writer.h"

#include <spdlog/spdlog.h>

#include <chrono>

namespace sy::app {

void CallRecordWriter::begin() {
  std::lock_guard lock(mu_);
  ++in_flight_;
}

void CallRecordWriter::done(const std::string& what, const std::string& id, const Status& st) {
  if (!st) {
    failed_.fetch_add(1);
    spdlog::error("call record {}: {}: {}", id, what, st.error().message);
  }
  {
    std::lock_guard lock(mu_);
    --in_flight_;
  }
  cv_.notify_all();
}

void CallRecordWriter::call_started(const store::NewCall& call) {
  begin();
  repos_.calls.create(call, [this, id = call.id](Status st) { done("create", id, st); });
}

void CallRecordWriter::call_answered(const std::string& id, const store::CallAnswered& answered) {
  begin();
  repos_.calls.update_on_answer(id, answered, [this, id](Status st) { done("answer", id, st); });
}

void CallRecordWriter::call_finished(const std::string& id, const store::CallFinished& finished) {
  std::string path;
  for (const auto& node : finished.ivr_path) path.append(path.empty() ? "" : ">").append(node);
  spdlog::info("call {} ended ({}), ivr path {}{}", id, finished.end_reason, path,
               finished.queue ? std::string(", queue ").append(*finished.queue) : std::string());
  begin();
  repos_.calls.finish(id, finished, [this, id](Status st) {
    if (st) finished_.fetch_add(1);
    done("finish", id, st);
  });
}

void CallRecordWriter::recording_created(const store::Recording& recording) {
  begin();
  repos_.recordings.create(recording, [this, id = recording.call_id](Status st) {
    done("recording", id, st);
  });
}

void CallRecordWriter::recording_encoded(const store::Recording& r) {
  begin();
  repos_.recordings.update_file(r.id, r.path, r.format, r.duration_ms, r.size_bytes,
                                [this, id = r.call_id](Status st) { done("recording file", id, st); });
}

void CallRecordWriter::flush() {
  std::unique_lock lock(mu_);
  cv_.wait_for(lock, std::chrono::seconds(5), [this] { return in_flight_ == 0; });
}

}  // namespace sy::app
