#include "http/admin_routes.h"

#include <gtest/gtest.h>

namespace recsys::http {
namespace {

TEST(AdminRolesTest, StrongerRolesIncludeWeakerOnes) {
  Caller viewer{"v", "user", "demo", {"viewer"}};
  Caller op{"o", "user", "demo", {"operator"}};
  Caller admin{"a", "user", "demo", {"admin"}};
  Caller none{"n", "user", "demo", {"guest"}};
  EXPECT_TRUE(HasRole(viewer, "viewer"));
  EXPECT_FALSE(HasRole(viewer, "operator"));
  EXPECT_TRUE(HasRole(op, "viewer"));
  EXPECT_TRUE(HasRole(op, "operator"));
  EXPECT_FALSE(HasRole(op, "admin"));
  EXPECT_TRUE(HasRole(admin, "operator"));
  EXPECT_FALSE(HasRole(none, "viewer"));
  EXPECT_FALSE(HasRole(admin, "superuser"));
}

TEST(QueryParamTest, DecodesPercentAndPlus) {
  HttpRequest r;
  r.query = "limit=20&before=2026-01-01T00%3A00%3A00.5%2B01%3A00&name=a+b&flag";
  EXPECT_EQ(r.QueryParam("limit"), "20");
  EXPECT_EQ(r.QueryParam("before"), "2026-01-01T00:00:00.5+01:00");
  EXPECT_EQ(r.QueryParam("name"), "a b");
  EXPECT_EQ(r.QueryParam("flag"), "");
  EXPECT_EQ(r.QueryParam("missing"), "");
}

}  // namespace
}  // namespace recsys::http
