#include "service/preview_runner.h"

#include <gtest/gtest.h>

#include <condition_variable>
#include <future>
#include <mutex>

namespace recsys::service {
namespace {

using namespace std::chrono_literals;

// Blocks every preview until Release(), or until its budget is spent; reports the thread it ran on.
class GatedPreviewer : public ImpactPreviewer {
 public:
  Result<ImpactReport> Preview(const TenantRef& tenant, const PreviewRequest&,
                               const PreviewBudget& budget) const override {
    std::unique_lock<std::mutex> lock(mu_);
    ++started_;
    changed_.notify_all();
    while (!released_ && !budget.Spent()) changed_.wait_for(lock, 5ms);
    ImpactReport report;
    report.tenant_id = tenant.external_id;
    report.complete = !budget.Spent();
    ran_on_ = std::this_thread::get_id();
    return report;
  }
  void Release() {
    std::lock_guard<std::mutex> lock(mu_);
    released_ = true;
    changed_.notify_all();
  }
  bool WaitStarted(int n) {
    std::unique_lock<std::mutex> lock(mu_);
    return changed_.wait_for(lock, 5s, [&] { return started_ >= n; });
  }
  std::thread::id ran_on() const {
    std::lock_guard<std::mutex> lock(mu_);
    return ran_on_;
  }

 private:
  mutable std::mutex mu_;
  mutable std::condition_variable changed_;
  mutable int started_ = 0;
  mutable std::thread::id ran_on_;
  bool released_ = false;
};

const TenantRef kShop{"id-shop", "shop"};
const TenantRef kOther{"id-other", "other"};

struct Answer {
  std::promise<Result<ImpactReport>> promise;
  PreviewRunner::Done done() {
    return [this](Result<ImpactReport> r) { promise.set_value(std::move(r)); };
  }
};

TEST(PreviewRunnerTest, RunsOnAWorkerAndAnswersThroughDone) {
  GatedPreviewer previewer;
  previewer.Release();
  PreviewRunner runner(previewer, {});
  Answer answer;
  ASSERT_TRUE(runner.Submit(kShop, {}, answer.done()).ok());
  auto result = answer.promise.get_future().get();
  ASSERT_TRUE(result.ok());
  EXPECT_EQ(result.value().tenant_id, "shop");
  EXPECT_NE(previewer.ran_on(), std::this_thread::get_id());
}

TEST(PreviewRunnerTest, ASecondPreviewOfTheSameTenantIsRefusedWithARetryDelay) {
  GatedPreviewer previewer;
  PreviewRunner runner(previewer, {2, 4, std::chrono::milliseconds(10000)});
  Answer first, other;
  ASSERT_TRUE(runner.Submit(kShop, {}, first.done()).ok());
  ASSERT_TRUE(previewer.WaitStarted(1));
  const Status second = runner.Submit(kShop, {}, [](Result<ImpactReport>) { FAIL(); });
  EXPECT_EQ(second.code(), StatusCode::kResourceExhausted);
  EXPECT_GT(second.retry_after_s(), 0);
  EXPECT_TRUE(runner.Submit(kOther, {}, other.done()).ok());  // another tenant may run
  previewer.Release();
  EXPECT_TRUE(first.promise.get_future().get().ok());
  EXPECT_TRUE(other.promise.get_future().get().ok());
  // Done: the tenant may preview again.
  Answer again;
  ASSERT_TRUE(runner.Submit(kShop, {}, again.done()).ok());
  EXPECT_TRUE(again.promise.get_future().get().ok());
}

TEST(PreviewRunnerTest, TheDeadlineBoundsARunningPreview) {
  GatedPreviewer previewer;  // never released
  PreviewRunner runner(previewer, {1, 4, std::chrono::milliseconds(50)});
  Answer answer;
  ASSERT_TRUE(runner.Submit(kShop, {}, answer.done()).ok());
  auto result = answer.promise.get_future().get();
  ASSERT_TRUE(result.ok());
  EXPECT_FALSE(result.value().complete);
}

TEST(PreviewRunnerTest, AFullQueueIsRefusedAndALateOneIsUnavailable) {
  GatedPreviewer previewer;
  PreviewRunner runner(previewer, {1, 1, std::chrono::milliseconds(100)});
  Answer running, queued;
  ASSERT_TRUE(runner.Submit(kShop, {}, running.done()).ok());
  ASSERT_TRUE(previewer.WaitStarted(1));
  ASSERT_TRUE(runner.Submit(kOther, {}, queued.done()).ok());
  EXPECT_EQ(runner.Submit({"id-3", "third"}, {}, [](Result<ImpactReport>) { FAIL(); }).code(),
            StatusCode::kResourceExhausted);
  // The first runs out its 100 ms; the queued one's deadline has passed by then.
  auto late = queued.promise.get_future().get();
  ASSERT_FALSE(late.ok());
  EXPECT_EQ(late.status().code(), StatusCode::kUnavailable);
  EXPECT_GT(late.status().retry_after_s(), 0);
}

TEST(PreviewRunnerTest, StopAnswersRunningAndQueuedPreviewsAndRefusesNewOnes) {
  GatedPreviewer previewer;
  PreviewRunner runner(previewer, {1, 4, std::chrono::milliseconds(60000)});
  Answer running, queued;
  ASSERT_TRUE(runner.Submit(kShop, {}, running.done()).ok());
  ASSERT_TRUE(previewer.WaitStarted(1));
  ASSERT_TRUE(runner.Submit(kOther, {}, queued.done()).ok());
  runner.Stop();
  EXPECT_EQ(running.promise.get_future().get().status().code(), StatusCode::kUnavailable);
  EXPECT_EQ(queued.promise.get_future().get().status().code(), StatusCode::kUnavailable);
  EXPECT_EQ(runner
                .Submit(kShop, {},
                        [](Result<ImpactReport>) { ADD_FAILURE() << "a refused preview answered"; })
                .code(),
            StatusCode::kUnavailable);
}

}  // namespace
}  // namespace recsys::service
