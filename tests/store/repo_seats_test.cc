// Seat phones (hot-desking): what the admin screen and the registrar rely on. A seat's extension
// is unique among seats, agents and users; seats are found by extension and by region.
#include "store/repo_test_support.h"

namespace sy::store::testing {
namespace {

class SeatRepoTest : public RepoTest {
 protected:
  NewSeat seat(const std::string& ext, const std::string& region, const std::string& label) {
    return NewSeat{ext, "0123456789abcdef0123456789abcdef", "switchyard.local", region, label};
  }
};

TEST_P(SeatRepoTest, AdminsRegisterSeatsThatNoAgentOwns) {
  seed_regions();
  auto a = repos_->seats.create(seat("8101", "350100", "3楼A区12号"));
  SY_ASSERT_OK(a);
  EXPECT_EQ(a->extension, "8101");
  EXPECT_EQ(a->label, "3楼A区12号");
  EXPECT_EQ(a->region_code, "350100");
  EXPECT_EQ(a->sip_realm, "switchyard.local");
  SY_ASSERT_OK(repos_->seats.create(seat("8102", "350203", "厦门 2楼 5号")));

  auto by_ext = repos_->seats.get_by_extension("8101");
  SY_ASSERT_OK(by_ext);
  EXPECT_EQ(by_ext->id, a->id);
  SY_EXPECT_CODE(repos_->seats.get_by_extension("8199"), "seat_not_found");

  // Bad input is refused before anything is written.
  SY_EXPECT_CODE(repos_->seats.create(seat("81a", "350100", "")), "invalid_extension");
  SY_EXPECT_CODE(repos_->seats.create(seat("8103", "999999", "")), "region_not_found");
  SY_EXPECT_CODE(repos_->seats.create(seat("8101", "350100", "again")), "extension_taken");
  SY_EXPECT_CODE(repos_->seats.create(seat("8104", "350100", std::string(65, 'x'))),
                 "invalid_label");
  auto all = repos_->seats.list({}, {1, 50});
  SY_ASSERT_OK(all);
  EXPECT_EQ(all->total, 2);

  // Listing by region scope, and the seats an agent of a county may pick (the city's too).
  auto fuzhou = repos_->seats.list({"3501", ""}, {1, 50});
  SY_ASSERT_OK(fuzhou);
  ASSERT_EQ(fuzhou->total, 1);
  EXPECT_EQ(fuzhou->items[0].extension, "8101");
  auto by_label = repos_->seats.list({"", "2楼"}, {1, 50});
  SY_ASSERT_OK(by_label);
  ASSERT_EQ(by_label->total, 1);
  EXPECT_EQ(by_label->items[0].extension, "8102");
  auto county = repos_->seats.for_region("350102");
  SY_ASSERT_OK(county);
  ASSERT_EQ(county->size(), 1u);
  EXPECT_EQ(county->front().extension, "8101");
  auto everywhere = repos_->seats.for_region("");
  SY_ASSERT_OK(everywhere);
  EXPECT_EQ(everywhere->size(), 2u);

  // Change the label and region; a new extension needs a new HA1.
  SeatUpdate u;
  u.label = "3楼B区1号";
  u.region_code = "350102";
  auto changed = repos_->seats.update(a->id, u);
  SY_ASSERT_OK(changed);
  EXPECT_EQ(changed->label, "3楼B区1号");
  EXPECT_EQ(changed->region_code, "350102");
  SeatUpdate ext_only;
  ext_only.extension = "8111";
  SY_EXPECT_CODE(repos_->seats.update(a->id, ext_only), "sip_password_required");
  SeatUpdate clash;
  clash.extension = "8102";
  clash.sip_ha1 = "ffffffffffffffffffffffffffffffff";
  SY_EXPECT_CODE(repos_->seats.update(a->id, clash), "extension_taken");

  SY_ASSERT_OK(repos_->seats.remove(a->id));
  SY_EXPECT_CODE(repos_->seats.get(a->id), "seat_not_found");
  SY_EXPECT_CODE(repos_->seats.remove(a->id), "seat_not_found");
}

TEST_P(SeatRepoTest, ASeatExtensionIsNeverAnAgentsOwn) {
  seed_regions();
  NewUser u;
  u.username = "zhang.san";
  u.role = auth::Role::kAgent;
  u.region_code = "350102";
  u.password_hash = "$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA";
  auto user = repos_->users.create(u);
  SY_ASSERT_OK(user);
  NewAgent agent;
  agent.user_id = user->id;
  agent.extension = "1001";
  SY_ASSERT_OK(repos_->agents.create(agent));

  SY_EXPECT_CODE(repos_->seats.create(seat("1001", "350100", "")), "extension_taken");
  SY_ASSERT_OK(repos_->seats.create(seat("8101", "350100", "")));
  // And the other way round: an agent may not take a seat's extension.
  AgentUpdate move;
  move.extension = "8101";
  auto me = repos_->agents.get_by_user(user->id);
  SY_ASSERT_OK(me);
  SY_EXPECT_CODE(repos_->agents.update(me->id, move), "extension_taken");
  // Nor a user.
  NewUser other;
  other.username = "li.si";
  other.role = auth::Role::kSupervisor;
  other.extension = "8101";
  other.password_hash = u.password_hash;
  SY_EXPECT_CODE(repos_->users.create(other), "extension_taken");
}

SY_STORE_TEST_BOTH_BACKENDS(SeatRepoTest);

}  // namespace
}  // namespace sy::store::testing
