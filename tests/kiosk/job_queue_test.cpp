// The worker threads' shared queue: answers by ticket, in order, and an exception barrier that turns a
// throwing job into an error reply and a log event while the thread goes on.
#include "medkiosk/kiosk/job_queue.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <stdexcept>
#include <thread>

#include "medkiosk/kiosk/event_log.hpp"

namespace medkiosk::kiosk {
namespace {

using namespace std::chrono_literals;

std::vector<JobReply<int>> wait_for(JobQueue<int>& queue, std::size_t count) {
    std::vector<JobReply<int>> all;
    for (int i = 0; i < 2000 && all.size() < count; ++i) {
        for (auto& reply : queue.take_replies()) all.push_back(std::move(reply));
        std::this_thread::sleep_for(5ms);
    }
    return all;
}

TEST(JobQueue, AnswersEachJobByItsTicketInOrder) {
    JobQueue<int> queue("test-worker", JobThread::OnStop::Drop);
    const auto first = queue.submit([] { return Result<int>(1); });
    const auto second = queue.submit([] { return Result<int>(Error{ErrorCode::NotFound, "no such thing"}); });
    EXPECT_NE(first, second);
    const auto replies = wait_for(queue, 2);
    ASSERT_EQ(replies.size(), 2u);
    EXPECT_EQ(replies[0].ticket, first);
    EXPECT_EQ(replies[0].result.value(), 1);
    EXPECT_EQ(replies[1].ticket, second);
    EXPECT_EQ(replies[1].result.error().code, ErrorCode::NotFound);
}

TEST(JobQueue, AThrowingJobBecomesAnErrorReplyAndALogEventAndTheThreadGoesOn) {
    JobQueue<int> queue("test-worker", JobThread::OnStop::Drop);
    const auto errors_before = logged_error_count();
    const auto throwing = queue.submit([]() -> Result<int> { throw std::runtime_error("the disk said no"); });
    const auto strange = queue.submit([]() -> Result<int> { throw 42; });
    const auto after = queue.submit([] { return Result<int>(7); });
    const auto replies = wait_for(queue, 3);
    ASSERT_EQ(replies.size(), 3u) << "the thread survived both exceptions";

    EXPECT_EQ(replies[0].ticket, throwing);
    ASSERT_FALSE(replies[0].result.ok());
    EXPECT_EQ(replies[0].result.error().code, ErrorCode::Internal);
    EXPECT_NE(replies[0].result.error().message.find("the disk said no"), std::string::npos)
        << replies[0].result.error().message;
    EXPECT_EQ(replies[1].ticket, strange);
    ASSERT_FALSE(replies[1].result.ok());
    EXPECT_NE(replies[1].result.error().message.find("unknown type"), std::string::npos);
    EXPECT_EQ(replies[2].ticket, after);
    EXPECT_EQ(replies[2].result.value(), 7);

    EXPECT_EQ(logged_error_count(), errors_before + 2);
    const auto logged = last_logged_error();
    ASSERT_TRUE(logged.has_value());
    EXPECT_EQ(logged->event, "test-worker-job-error");
}

TEST(JobQueue, ThrowingWorkWithoutAnAnswerIsLoggedAndTheThreadGoesOn) {
    JobQueue<int> queue("test-worker", JobThread::OnStop::Drop);
    queue.post([] { throw std::logic_error("a reload broke"); });
    const auto ticket = queue.submit([] { return Result<int>(3); });
    const auto replies = wait_for(queue, 1);
    ASSERT_EQ(replies.size(), 1u);
    EXPECT_EQ(replies[0].ticket, ticket);
    EXPECT_EQ(replies[0].result.value(), 3);
    ASSERT_TRUE(last_logged_error().has_value());
    EXPECT_NE(last_logged_error()->detail.find("a reload broke"), std::string::npos);
}

TEST(JobQueue, DrainRunsWhatIsQueuedBeforeStoppingAndDropDoesNot) {
    std::atomic<int> drained{0};
    {
        JobQueue<int> queue("test-worker", JobThread::OnStop::Drain);
        queue.post([] { std::this_thread::sleep_for(50ms); });
        for (int i = 0; i < 5; ++i) queue.post([&] { ++drained; });
        queue.stop();
    }
    EXPECT_EQ(drained.load(), 5) << "a donor's confirmed pack must reach the disk";

    std::atomic<int> dropped{0};
    {
        JobQueue<int> queue("test-worker", JobThread::OnStop::Drop);
        queue.post([] { std::this_thread::sleep_for(50ms); });
        for (int i = 0; i < 5; ++i) queue.post([&] { ++dropped; });
        queue.stop();
    }
    EXPECT_LT(dropped.load(), 5);
}

TEST(JobQueue, DelayedWorkRunsAfterItsDelayAndNotAfterStop) {
    std::atomic<bool> ran{false};
    JobQueue<int> queue("test-worker", JobThread::OnStop::Drain);
    const auto posted = std::chrono::steady_clock::now();
    std::atomic<std::int64_t> waited_ms{0};
    queue.post_after(100ms, [&] {
        waited_ms =
            std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - posted)
                .count();
        ran = true;
    });
    for (int i = 0; i < 400 && !ran; ++i) std::this_thread::sleep_for(5ms);
    ASSERT_TRUE(ran.load());
    EXPECT_GE(waited_ms.load(), 100);

    std::atomic<bool> late{false};
    queue.post_after(10s, [&] { late = true; });
    queue.stop();
    EXPECT_FALSE(late.load()) << "stop does not wait for a retry that is not due";
}

}  // namespace
}  // namespace medkiosk::kiosk
