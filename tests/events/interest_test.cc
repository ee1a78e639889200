// Who receives what: an agent their own events only, a supervisor the queues and the region
// subtree they supervise, everyone what is addressed to them, their role or everyone.
#include <gtest/gtest.h>

#include "events/interest.h"

namespace sy::events {
namespace {

Event event_to(Audiences to) {
  Event e;
  e.type = "test";
  e.to = std::move(to);
  return e;
}

TEST(Interest, AgentGetsOwnEventsOnly) {
  Interest a = interest_for(7, auth::Role::kAgent, "");
  EXPECT_TRUE(wants(a, event_to({Audience::user(7)})));
  EXPECT_FALSE(wants(a, event_to({Audience::user(8)})));
  // An agent is not a supervisor: queue and region events about others do not reach them.
  EXPECT_FALSE(wants(a, event_to({Audience::queue("repair")})));
  EXPECT_FALSE(wants(a, event_to({Audience::region("350102")})));
  EXPECT_FALSE(wants(a, event_to({Audience::user(8), Audience::queue("repair"),
                                   Audience::region("350100")})));
}

TEST(Interest, SupervisorGetsTheirRegionSubtreeAndQueues) {
  // Bound to Fuzhou (350100): the subtree prefix is "3501".
  Interest s = interest_for(2, auth::Role::kSupervisor, "3501");
  EXPECT_TRUE(wants(s, event_to({Audience::region("350100")})));
  EXPECT_TRUE(wants(s, event_to({Audience::region("350102-01")})));
  EXPECT_FALSE(wants(s, event_to({Audience::region("350200")})));  // Xiamen
  EXPECT_TRUE(wants(s, event_to({Audience::queue("general")})));
  EXPECT_TRUE(wants(s, event_to({Audience::user(2)})));
  EXPECT_FALSE(wants(s, event_to({Audience::user(3)})));
}

TEST(Interest, ProvinceSupervisorSeesEveryRegion) {
  Interest s = interest_for(2, auth::Role::kSupervisor, "");
  EXPECT_TRUE(wants(s, event_to({Audience::region("350200")})));
  EXPECT_TRUE(wants(s, event_to({Audience::region("350102-01")})));
}

TEST(Interest, ExplicitQueueListLimitsQueueEvents) {
  Interest s = interest_for(2, auth::Role::kSupervisor, "");
  s.queues = std::vector<std::string>{"repair", "complaint"};
  EXPECT_TRUE(wants(s, event_to({Audience::queue("repair")})));
  EXPECT_FALSE(wants(s, event_to({Audience::queue("general")})));
}

TEST(Interest, RoleAndEveryoneAudiences) {
  Interest agent = interest_for(7, auth::Role::kAgent, "");
  Interest field = interest_for(9, auth::Role::kField, "350102");
  EXPECT_TRUE(wants(agent, event_to({Audience::of_role(auth::Role::kAgent)})));
  EXPECT_FALSE(wants(field, event_to({Audience::of_role(auth::Role::kAgent)})));
  EXPECT_TRUE(wants(field, event_to({Audience::everyone()})));
  // Field crews and back office receive work-order pushes addressed to them.
  EXPECT_TRUE(wants(field, event_to({Audience::user(9)})));
  EXPECT_FALSE(wants(field, event_to({Audience::region("350102")})));
}

TEST(Interest, EmptyAudienceReachesNobody) {
  EXPECT_FALSE(wants(interest_for(1, auth::Role::kAdmin, ""), event_to({})));
}

}  // namespace
}  // namespace sy::events
