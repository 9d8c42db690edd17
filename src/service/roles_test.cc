#include "service/roles.h"

#include <gtest/gtest.h>

namespace recsys::service {
namespace {

TEST(RolesTest, HigherRolesGrantLowerOnes) {
  EXPECT_TRUE(GrantsRole({"admin"}, "viewer"));
  EXPECT_TRUE(GrantsRole({"viewer", "operator"}, "operator"));
  EXPECT_FALSE(GrantsRole({"viewer"}, "operator"));
  EXPECT_FALSE(GrantsRole({"owner"}, "viewer"));
  EXPECT_FALSE(GrantsRole({"admin"}, "owner"));  // not a role: never granted
  EXPECT_FALSE(GrantsRole({}, "viewer"));
}

TEST(RolesTest, SplitsCommaSeparatedListsSkippingEmptyParts) {
  EXPECT_EQ(SplitRoles("viewer,operator"), (std::vector<std::string>{"viewer", "operator"}));
  EXPECT_EQ(SplitRoles(",admin,,"), (std::vector<std::string>{"admin"}));
  EXPECT_TRUE(SplitRoles("").empty());
}

TEST(RolesTest, CheckRefusesEmptyListsAndUnknownRoles) {
  EXPECT_TRUE(CheckRoles({"viewer", "admin"}).ok());
  EXPECT_EQ(CheckRoles({}).code(), StatusCode::kInvalidArgument);
  Status unknown = CheckRoles({"viewer", "owner"});
  EXPECT_EQ(unknown.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(unknown.message(), "roles: \"owner\" is not one of viewer, operator, admin");
}

}  // namespace
}  // namespace recsys::service
