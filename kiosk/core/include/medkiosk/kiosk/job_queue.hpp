#pragma once
// One worker thread per service (the ledger worker, the back office) that runs jobs in order and hands
// each answer back by ticket, so the UI thread never waits on the database or the network. It is also
// the exception barrier of those threads: a job that throws becomes an error reply and a log event
// ("<name>-job-error"), and the thread goes on with the next job.

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <utility>
#include <variant>
#include <vector>

#include "medkiosk/result.hpp"

namespace medkiosk::kiosk {

// The thread and its queue, without the answers' type.
class JobThread {
  public:
    using Clock = std::chrono::steady_clock;
    enum class OnStop {
        Drain,  // run what is queued before stopping (a donor's confirmed pack must reach the disk)
        Drop,   // stop after the job running now
    };

    // `name` names the thread in log events, e.g. "ledger-worker".
    JobThread(std::string name, OnStop on_stop);
    ~JobThread();  // stop()
    JobThread(const JobThread&) = delete;
    JobThread& operator=(const JobThread&) = delete;

    // Runs `work` on the thread, after what was posted before it.
    void post(std::function<void()> work);
    // Runs `work` on the thread once `delay` has passed (a retry), unless the thread stops first.
    void post_after(Clock::duration delay, std::function<void()> work);
    // Stops and joins; idempotent. Call it in the owner's destructor before the members the jobs use
    // are destroyed.
    void stop();

    const std::string& name() const { return name_; }

  private:
    void run();
    // Runs one piece of work; anything it throws is logged and swallowed.
    void run_guarded(const std::function<void()>& work);

    std::string name_;
    OnStop on_stop_;
    std::mutex mutex_;
    std::condition_variable wake_;
    std::deque<std::function<void()>> queue_;
    std::vector<std::pair<Clock::time_point, std::function<void()>>> timed_;
    bool stopping_ = false;
    std::thread thread_;  // last: started once everything above exists
};

// Turns an exception escaping a job into the error a caller gets back, and logs it.
Error job_failure(const std::string& thread_name, const char* what);

// The answer to one request: the ticket the request returned, and what it produced or why it could not
// (a message a technician can act on).
template <typename Answer>
struct JobReply {
    std::uint64_t ticket = 0;
    Result<Answer> result;
};

// The answer of type T in a reply whose Answer is a variant, or nullptr (an error, or another kind).
template <typename T, typename Answer>
const T* answer_if(const JobReply<Answer>& reply) {
    return reply.result ? std::get_if<T>(&reply.result.value()) : nullptr;
}

// Jobs whose answers are Result<Answer>, delivered by ticket through take_replies().
template <typename Answer>
class JobQueue {
  public:
    using Reply = JobReply<Answer>;

    JobQueue(std::string name, JobThread::OnStop on_stop) : thread_(std::move(name), on_stop) {}

    // Queues `job` and returns its ticket at once; its answer arrives through take_replies().
    std::uint64_t submit(std::function<Result<Answer>()> job) {
        std::uint64_t ticket = 0;
        {
            std::lock_guard lock(mutex_);
            ticket = next_ticket_++;
        }
        thread_.post([this, ticket, job = std::move(job)] { deliver(ticket, run_guarded(job)); });
        return ticket;
    }
    // Work with no answer (a reload, a retry), in order with the jobs.
    void post(std::function<void()> work) { thread_.post(std::move(work)); }
    void post_after(JobThread::Clock::duration delay, std::function<void()> work) {
        thread_.post_after(delay, std::move(work));
    }

    std::vector<Reply> take_replies() {
        std::lock_guard lock(mutex_);
        return std::exchange(replies_, {});
    }

    void stop() { thread_.stop(); }

  private:
    Result<Answer> run_guarded(const std::function<Result<Answer>()>& job) {
        try {
            return job();
        } catch (const std::exception& e) {
            return job_failure(thread_.name(), e.what());
        } catch (...) {
            return job_failure(thread_.name(), nullptr);
        }
    }
    void deliver(std::uint64_t ticket, Result<Answer> answer) {
        std::lock_guard lock(mutex_);
        replies_.push_back(Reply{ticket, std::move(answer)});
    }

    std::mutex mutex_;
    std::vector<Reply> replies_;
    std::uint64_t next_ticket_ = 1;
    JobThread thread_;  // last: joined first, while the replies still exist
};

}  // namespace medkiosk::kiosk
