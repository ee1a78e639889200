// The IVR flows of the service numbers (sip.services: number -> flow file), loaded at start and
// hot-reloaded: reload_changed() (run on a control-loop timer) re-parses a file whose mtime moved.
// A file that no longer parses keeps the previous flow and logs the line-numbered errors. Calls
// in progress keep the flow they started with (ivr::Session holds it).
#pragma once

#include <filesystem>
#include <map>
#include <memory>
#include <string>

#include "core/result.h"
#include "ivr/flow.h"

namespace sy::app {

class FlowRegistry {
 public:
  // Fails when a configured file cannot be read or parsed at start (naming file:line).
  static Result<std::unique_ptr<FlowRegistry>> load(const std::map<std::string, std::string>& services);

  // The flow for a dialled number, or null when the number is not a service number.
  std::shared_ptr<const ivr::Flow> flow_for(const std::string& number) const;
  // Re-parses changed files; returns how many flows were replaced.
  int reload_changed();

 private:
  struct Entry {
    std::string path;
    std::filesystem::file_time_type mtime;
    std::shared_ptr<const ivr::Flow> flow;
  };
  std::map<std::string, Entry> by_number_;
};

}  // namespace sy::app
