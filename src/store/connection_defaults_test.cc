#include "store/connection_defaults.h"

#include <gtest/gtest.h>

namespace recsys::store {
namespace {

using std::chrono::milliseconds;

TEST(RetryBackoffTest, DoublesFromFirstUpToTheCapAndStartsOverAfterReset) {
  RetryBackoff backoff(milliseconds(100), milliseconds(500));
  EXPECT_EQ(backoff.Next(), milliseconds(100));
  EXPECT_EQ(backoff.Next(), milliseconds(200));
  EXPECT_EQ(backoff.Next(), milliseconds(400));
  EXPECT_EQ(backoff.Next(), milliseconds(500));
  EXPECT_EQ(backoff.Next(), milliseconds(500));
  backoff.Reset();
  EXPECT_EQ(backoff.Next(), milliseconds(100));
}

TEST(RetryBackoffTest, TheNamedPoliciesStartFromTheirFirstWait) {
  RetryBackoff listener = kListenerRetry;
  EXPECT_EQ(listener.Next(), milliseconds(100));
  RetryBackoff writer = kExposureWriterRetry;
  EXPECT_EQ(writer.Next(), milliseconds(250));
}

}  // namespace
}  // namespace recsys::store
