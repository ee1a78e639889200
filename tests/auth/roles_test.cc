#include "auth/roles.h"

#include <gtest/gtest.h>

namespace sy::auth {
namespace {

TEST(Roles, RoundTripNames) {
  for (Role r : all_roles()) EXPECT_EQ(parse_role(to_string(r)), r);
  EXPECT_FALSE(parse_role("root").has_value());
  EXPECT_EQ(all_roles().size(), 6u);
}

TEST(Roles, FieldCrewsDoNotBrowseCustomers) {
  EXPECT_FALSE(allows(Role::kField, Permission::kCustomerRead));
  EXPECT_TRUE(allows(Role::kField, Permission::kOutageRead));
  EXPECT_TRUE(allows(Role::kAgent, Permission::kCustomerRead));
  EXPECT_FALSE(allows(Role::kAgent, Permission::kUserWrite));
  EXPECT_TRUE(allows(Role::kAdmin, Permission::kUserWrite));
}

}  // namespace
}  // namespace sy::auth
