#include "store/user_key_secret.h"

#include <gtest/gtest.h>

#include <string>
#include <thread>
#include <vector>

#include "testing/test_db.h"

namespace recsys::store {
namespace {

TEST(UserKeySecretTest, TheFirstCallStoresASecretThatEveryLaterConnectionGets) {
  auto db = testing::TestDatabase::Create("user_key_secret");
  PgConnection first = db->Connect();
  auto created = LoadOrCreateUserKeySecret(first);
  ASSERT_TRUE(created.ok()) << created.status().ToString();
  EXPECT_EQ(created.value().size(), 64u);
  EXPECT_EQ(created.value().find_first_not_of("0123456789abcdef"), std::string::npos);
  PgConnection second = db->Connect();  // another instance, or this one after a restart
  auto again = LoadOrCreateUserKeySecret(second);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again.value(), created.value());
  EXPECT_EQ(testing::QueryOne(second, "SELECT count(*) FROM instance_secrets"), "1");
}

TEST(UserKeySecretTest, InstancesStartingTogetherAgreeOnOneSecret) {
  auto db = testing::TestDatabase::Create("user_key_secret_race");
  constexpr int kInstances = 6;
  std::vector<std::string> secrets(kInstances);
  std::vector<std::thread> threads;
  for (int i = 0; i < kInstances; ++i) {
    threads.emplace_back([&, i] {
      PgConnection conn = db->Connect();
      auto secret = LoadOrCreateUserKeySecret(conn);
      if (secret.ok()) secrets[i] = secret.value();
    });
  }
  for (std::thread& t : threads) t.join();
  for (const std::string& secret : secrets) EXPECT_EQ(secret, secrets[0]);
  EXPECT_FALSE(secrets[0].empty());
}

TEST(UserKeySecretTest, ADatabaseWithoutTheTableIsAnError) {
  auto db = testing::TestDatabase::Create("user_key_secret_unmigrated", /*migrate=*/false);
  PgConnection conn = db->Connect();
  EXPECT_FALSE(LoadOrCreateUserKeySecret(conn).ok());
}

}  // namespace
}  // namespace recsys::store
