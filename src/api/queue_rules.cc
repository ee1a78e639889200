// Queue rules codec (see queue_rules.h).
#include "api/queue_rules.h"

namespace sy::api {
namespace {

Error bad(const std::string& key, const std::string& why) {
  return make_error(ErrorKind::kInvalidInput, "invalid_rules", std::string("rules.").append(key).append(" ").append(why),
                    std::string("rules.").append(key));
}

Result<int> seconds(const nlohmann::json& v, const std::string& key, int max) {
  if (!v.is_number_integer()) return bad(key, "must be a whole number");
  auto n = v.get<std::int64_t>();
  if (n < 0 || n > max) return bad(key, std::string("must be 0..").append(std::to_string(max)));
  return static_cast<int>(n);
}

Result<std::string> text(const nlohmann::json& v, const std::string& key) {
  if (!v.is_string() || v.get<std::string>().size() > 64) return bad(key, "must be a short string");
  return v.get<std::string>();
}

}  // namespace

Result<routing::QueueRules> parse_queue_rules(const nlohmann::json& rules) {
  routing::QueueRules r;
  if (!rules.is_object())
    return make_error(ErrorKind::kInvalidInput, "invalid_rules", "rules must be an object", "rules");
  for (const auto& [key, v] : rules.items()) {
    if (key == "relax_after_s" || key == "backup_after_s" || key == "overflow_after_s" ||
        key == "max_wait_s") {
      auto s = seconds(v, key, 86400);
      if (!s) return s.error();
      (key == "relax_after_s"      ? r.relax_after_s
       : key == "backup_after_s"   ? r.backup_after_s
       : key == "overflow_after_s" ? r.overflow_after_s
                                   : r.max_wait_s) = *s;
    } else if (key == "relax_to_level") {
      auto s = seconds(v, key, 10);
      if (!s) return s.error();
      if (*s < 1) return bad(key, "must be 1..10");
      r.relax_to_level = static_cast<std::uint8_t>(*s);
    } else if (key == "backup_groups") {
      if (!v.is_array() || v.size() > 50) return bad(key, "must be a list of group names");
      for (const auto& g : v) {
        auto t = text(g, key);
        if (!t) return t.error();
        r.backup_groups.push_back(*t);
      }
    } else if (key == "overflow_queue" || key == "overflow_centre") {
      auto t = text(v, key);
      if (!t) return t.error();
      (key == "overflow_queue" ? r.overflow_queue : r.overflow_centre) = *t;
    } else if (key == "max_wait_action") {
      auto t = text(v, key);
      if (!t) return t.error();
      if (*t == "none") r.max_wait_action = routing::MaxWaitAction::kNone;
      else if (*t == "callback") r.max_wait_action = routing::MaxWaitAction::kCallback;
      else if (*t == "voicemail") r.max_wait_action = routing::MaxWaitAction::kVoicemail;
      else return bad(key, "must be none, callback or voicemail");
    } else {
      return bad(key, "is not a known rule");
    }
  }
  return r;
}

nlohmann::json queue_rules_to_json(const routing::QueueRules& r) {
  const char* action = r.max_wait_action == routing::MaxWaitAction::kCallback    ? "callback"
                       : r.max_wait_action == routing::MaxWaitAction::kVoicemail ? "voicemail"
                                                                                 : "none";
  return {{"relax_after_s", r.relax_after_s},   {"relax_to_level", r.relax_to_level},
          {"backup_after_s", r.backup_after_s}, {"backup_groups", r.backup_groups},
          {"overflow_after_s", r.overflow_after_s}, {"overflow_queue", r.overflow_queue},
          {"overflow_centre", r.overflow_centre}, {"max_wait_s", r.max_wait_s},
          {"max_wait_action", action}};
}

}  // namespace sy::api
