#include "service/tenant_status.h"

#include <gtest/gtest.h>

namespace recsys::service {
namespace {

TEST(TenantStatusTest, LabelsRoundTripAndUnknownOnesAreRefused) {
  for (TenantStatus s : {TenantStatus::kActive, TenantStatus::kSuspended, TenantStatus::kDeleted}) {
    EXPECT_EQ(ParseTenantStatus(TenantStatusName(s)), s);
  }
  EXPECT_EQ(ParseTenantStatus("Active"), std::nullopt);
  EXPECT_EQ(ParseTenantStatus(""), std::nullopt);
}

}  // namespace
}  // namespace recsys::service
