#include "events/interest.h"

#include <algorithm>

namespace sy::events {

Interest interest_for(std::int64_t user_id, auth::Role role, std::string region_prefix) {
  Interest i;
  i.user_id = user_id;
  i.role = role;
  bool supervises =
      role == auth::Role::kSupervisor || role == auth::Role::kManager || role == auth::Role::kAdmin;
  if (supervises) {
    i.queues = std::nullopt;
    i.region_prefix = std::move(region_prefix);
  }
  return i;
}

bool matches(const Interest& who, const Audience& to) {
  switch (to.kind) {
    case Audience::Kind::kUser:
      return to.user_id == who.user_id;
    case Audience::Kind::kQueue:
      if (!who.queues) return true;
      return std::find(who.queues->begin(), who.queues->end(), to.name) != who.queues->end();
    case Audience::Kind::kRegion:
      return who.region_prefix && to.name.compare(0, who.region_prefix->size(),
                                                  *who.region_prefix) == 0;
    case Audience::Kind::kRole:
      return to.role == who.role;
    case Audience::Kind::kEveryone:
      return true;
  }
  return false;
}

bool wants(const Interest& who, const Event& event) {
  for (const Audience& a : event.to)
    if (matches(who, a)) return true;
  return false;
}

}  // namespace sy::events
