// Recording metadata: one row per recording file of a call (stereo WAV while the call lasts,
// MP3 after hang-up). The file path stays on the server; the API streams the file only to
// authorised users. All SQL about recordings lives here.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "core/result.h"
#include "store/agent_records.h"
#include "store/db.h"

namespace sy::store {

class RecordingRepository {
 public:
  explicit RecordingRepository(Database& db) : db_(db) {}

  // Errors: invalid_input "invalid_recording_id", "invalid_path" (empty); not_found
  // "call_not_found"; conflict "recording_exists".
  Status create(const Recording& recording);
  void create(const Recording& recording, std::function<void(Status)> done);
  // The file changed (WAV encoded to MP3): new path, format, duration and size.
  // not_found "recording_not_found".
  Status update_file(const std::string& id, const std::string& path, RecordingFormat format,
                     std::int64_t duration_ms, std::int64_t size_bytes);
  void update_file(const std::string& id, const std::string& path, RecordingFormat format,
                   std::int64_t duration_ms, std::int64_t size_bytes,
                   std::function<void(Status)> done);

  // not_found "recording_not_found".
  Result<Recording> get(const std::string& id);
  Result<std::vector<Recording>> list_by_call(const std::string& call_id);

 private:
  Database& db_;
};

}  // namespace sy::store
