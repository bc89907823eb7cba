#include "medkiosk/kiosk/job_queue.hpp"

#include <algorithm>

#include "medkiosk/kiosk/event_log.hpp"

namespace medkiosk::kiosk {

JobThread::JobThread(std::string name, OnStop on_stop)
    : name_(std::move(name)), on_stop_(on_stop), thread_([this] { run(); }) {}

JobThread::~JobThread() {
    stop();
}

void JobThread::post(std::function<void()> work) {
    {
        std::lock_guard lock(mutex_);
        queue_.push_back(std::move(work));
    }
    wake_.notify_one();
}

void JobThread::post_after(Clock::duration delay, std::function<void()> work) {
    {
        std::lock_guard lock(mutex_);
        timed_.emplace_back(Clock::now() + delay, std::move(work));
    }
    wake_.notify_one();
}

void JobThread::stop() {
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    wake_.notify_all();
    if (thread_.joinable() && thread_.get_id() != std::this_thread::get_id()) thread_.join();
}

void JobThread::run_guarded(const std::function<void()>& work) {
    try {
        work();
    } catch (const std::exception& e) {
        (void)job_failure(name_, e.what());
    } catch (...) {
        (void)job_failure(name_, nullptr);
    }
}

void JobThread::run() {
    std::unique_lock lock(mutex_);
    for (;;) {
        // The earliest timed work that is due moves to the queue; otherwise wait until it is due.
        const auto due = std::min_element(timed_.begin(), timed_.end(),
                                          [](const auto& a, const auto& b) { return a.first < b.first; });
        if (!stopping_ && due != timed_.end() && due->first <= Clock::now()) {
            queue_.push_back(std::move(due->second));
            timed_.erase(due);
            continue;
        }
        if (queue_.empty() || (stopping_ && on_stop_ == OnStop::Drop)) {
            if (stopping_) return;
            if (due != timed_.end()) {
                wake_.wait_until(lock, due->first);
            } else {
                wake_.wait(lock);
            }
            continue;
        }
        std::function<void()> work = std::move(queue_.front());
        queue_.pop_front();
        lock.unlock();
        run_guarded(work);
        work = nullptr;  // what it captured is released outside the lock
        lock.lock();
    }
}

Error job_failure(const std::string& thread_name, const char* what) {
    std::string detail = what != nullptr ? what : "an exception of unknown type";
    log_event(thread_name + "-job-error", {{"detail", detail}});
    return Error{ErrorCode::Internal, thread_name + ": the request failed unexpectedly (" + detail +
                                          ") and may not have been done; the kiosk carries on — if it "
                                          "happens again, report it with the log"};
}

}  // namespace medkiosk::kiosk
