#include "app/flow_registry.h"

#include <spdlog/spdlog.h>

#include "ivr/parser.h"

namespace sy::app {
namespace {

std::string errors_of(const std::string& path, const ivr::ParseOutcome& outcome) {
  std::string text;
  for (const auto& d : outcome.diagnostics) {
    if (d.severity != ivr::Diagnostic::Severity::kError) continue;
    if (!text.empty()) text += "; ";
    text += ivr::format_diagnostic(path, d);
  }
  return text;
}

}  // namespace

Result<std::unique_ptr<FlowRegistry>> FlowRegistry::load(
    const std::map<std::string, std::string>& services) {
  auto registry = std::make_unique<FlowRegistry>();
  for (const auto& [number, path] : services) {
    std::error_code ec;
    auto mtime = std::filesystem::last_write_time(path, ec);
    ivr::ParseOutcome outcome = ivr::parse_flow_file(path);
    if (!outcome.ok())
      return make_error(ErrorKind::kInvalidInput, "invalid_flow",
                        "service " + number + ": " + errors_of(path, outcome), "sip.services");
    registry->by_number_[number] =
        Entry{path, mtime, std::make_shared<const ivr::Flow>(std::move(*outcome.flow))};
    spdlog::info("service {}: flow '{}' from {}", number, registry->by_number_[number].flow->id,
                 path);
  }
  return registry;
}

std::shared_ptr<const ivr::Flow> FlowRegistry::flow_for(const std::string& number) const {
  auto it = by_number_.find(number);
  return it == by_number_.end() ? nullptr : it->second.flow;
}

int FlowRegistry::reload_changed() {
  int replaced = 0;
  for (auto& [number, entry] : by_number_) {
    std::error_code ec;
    auto mtime = std::filesystem::last_write_time(entry.path, ec);
    if (ec || mtime == entry.mtime) continue;
    entry.mtime = mtime;  // a broken file is reported once, not on every check
    ivr::ParseOutcome outcome = ivr::parse_flow_file(entry.path);
    if (!outcome.ok()) {
      spdlog::error("service {}: {} changed but does not load, keeping the previous flow: {}",
                    number, entry.path, errors_of(entry.path, outcome));
      continue;
    }
    entry.flow = std::make_shared<const ivr::Flow>(std::move(*outcome.flow));
    ++replaced;
    spdlog::info("service {}: reloaded flow '{}' from {}", number, entry.flow->id, entry.path);
  }
  return replaced;
}

}  // namespace sy::app
