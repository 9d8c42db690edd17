// Authentication modes and tenant resolution in memory (no server, no database).
#include "http/auth.h"

#include <gtest/gtest.h>

#include "core/time.h"
#include "crypto/api_key.h"

namespace recsys::http {
namespace {

constexpr const char* kSecret = "api-key-secret-0123456789";

HttpRequest With(std::vector<std::pair<std::string_view, std::string_view>> headers) {
  HttpRequest request;
  request.headers = std::move(headers);
  return request;
}

TEST(AuthenticatorTest, DevHeadersOnlyWhenEnabledAndBothGiven) {
  const HttpRequest both = With({{"X-Dev-User-Id", "me"}, {"X-Dev-Org-Id", "shop"}});
  EXPECT_EQ(DevHeaderAuthenticator(false).Authenticate(both).status().code(),
            StatusCode::kUnauthenticated);
  auto caller = DevHeaderAuthenticator(true).Authenticate(both);
  ASSERT_TRUE(caller.ok());
  EXPECT_EQ(caller.value().subject, "me");
  EXPECT_EQ(caller.value().tenant, "shop");
  EXPECT_EQ(caller.value().roles, std::vector<std::string>{"admin"});
  EXPECT_EQ(
      DevHeaderAuthenticator(true).Authenticate(With({{"X-Dev-User-Id", "me"}})).status().code(),
      StatusCode::kUnauthenticated);
}

class ApiKeyAuthTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto state = std::make_shared<service::ServingState>();
    state->api_keys[crypto::ApiKeyHash(kSecret, "rk_good")] = {"key-1", "shop", {"viewer"}, {}};
    state->api_keys[crypto::ApiKeyHash(kSecret, "rk_old")] = {
        "key-2", "shop", {"admin"}, NowUs() - 1};
    holder_.Publish(std::move(state));
  }
  service::StateHolder holder_;
  std::vector<std::string> used_;
  ApiKeyAuthenticator auth_{holder_, kSecret,
                            [this](const std::string& id) { used_.push_back(id); }};
};

TEST_F(ApiKeyAuthTest, AKnownKeyIsItsTenantsCallerAndIsCountedAsUsed) {
  auto caller = auth_.Authenticate(With({{"X-API-Key", "rk_good"}}));
  ASSERT_TRUE(caller.ok());
  EXPECT_EQ(caller.value().subject, "key:key-1");
  EXPECT_EQ(caller.value().type, "api_key");
  EXPECT_EQ(caller.value().tenant, "shop");
  EXPECT_EQ(caller.value().roles, std::vector<std::string>{"viewer"});
  EXPECT_EQ(used_, std::vector<std::string>{"key-1"});
}

TEST_F(ApiKeyAuthTest, UnknownExpiredEmptyAndHugeKeysAreTheSame401) {
  const std::string huge(300, 'k');
  for (std::string_view key : {std::string_view("rk_bad"), std::string_view("rk_old"),
                               std::string_view(""), std::string_view(huge)}) {
    auto refused = auth_.Authenticate(With({{"X-API-Key", key}}));
    EXPECT_EQ(refused.status().code(), StatusCode::kUnauthenticated) << key.substr(0, 10);
    EXPECT_EQ(refused.status().message(), "missing or invalid credentials");
  }
  EXPECT_TRUE(used_.empty());
}

TEST_F(ApiKeyAuthTest, TheChainPicksTheModeByTheCredentialSent) {
  DevHeaderAuthenticator dev(true);
  ChainAuthenticator chain(&auth_, nullptr, &dev);
  // An API key wins over dev headers, so a key's tenant binding cannot be sidestepped.
  auto keyed = chain.Authenticate(
      With({{"X-API-Key", "rk_good"}, {"X-Dev-User-Id", "me"}, {"X-Dev-Org-Id", "other"}}));
  ASSERT_TRUE(keyed.ok());
  EXPECT_EQ(keyed.value().tenant, "shop");
  auto dev_caller = chain.Authenticate(With({{"X-Dev-User-Id", "me"}, {"X-Dev-Org-Id", "x"}}));
  ASSERT_TRUE(dev_caller.ok());
  EXPECT_EQ(dev_caller.value().type, "user");
  // Bearer is not configured: a token is refused, not passed on to another mode.
  EXPECT_EQ(chain.Authenticate(With({{"Authorization", "Bearer abc"}})).status().code(),
            StatusCode::kUnauthenticated);
}

TEST(ResolveTenantTest, TheOrgHeaderElseTheCallersOwnNeverAnothers) {
  const Caller bound{"key:1", "api_key", "shop", {"admin"}};
  const Caller unbound{"me", "user", "", {"admin"}};
  EXPECT_EQ(ResolveTenant(With({}), bound).value(), "shop");
  EXPECT_EQ(ResolveTenant(With({{"X-Org-Id", "shop"}}), bound).value(), "shop");
  EXPECT_EQ(ResolveTenant(With({{"X-Org-Id", "other"}}), bound).status().code(),
            StatusCode::kPermissionDenied);
  EXPECT_EQ(ResolveTenant(With({{"X-Org-Id", "other"}}), unbound).value(), "other");
  EXPECT_EQ(ResolveTenant(With({}), unbound).status().code(), StatusCode::kPermissionDenied);
  EXPECT_EQ(
      ResolveTenant(With({{"X-Org-Id", "shop"}, {"X-Org-Id", "shop"}}), bound).status().code(),
      StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace recsys::http
