#pragma once
// One background thread that runs jobs in order and hands their results back by ticket, so a screen
// asks and goes on drawing: the answer is there on a later frame (take_replies). The jobs own every
// database or network wait; the UI thread only enqueues and collects.

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <utility>
#include <vector>

namespace medkiosk::kiosk {

template <typename Result>
class TicketWorker {
  public:
    struct Reply {
        std::uint64_t ticket = 0;
        Result result;
    };
    using Job = std::function<Result()>;

    TicketWorker() : thread_([this] { run(); }) {}
    ~TicketWorker() {
        {
            std::lock_guard lock(mutex_);
            stopping_ = true;
        }
        wake_.notify_all();
        thread_.join();
    }
    TicketWorker(const TicketWorker&) = delete;
    TicketWorker& operator=(const TicketWorker&) = delete;

    std::uint64_t enqueue(Job job) {
        std::lock_guard lock(mutex_);
        const std::uint64_t ticket = next_ticket_++;
        jobs_.emplace_back(ticket, std::move(job));
        wake_.notify_all();
        return ticket;
    }
    std::vector<Reply> take_replies() {
        std::lock_guard lock(mutex_);
        return std::exchange(replies_, {});
    }

  private:
    void run() {
        std::unique_lock lock(mutex_);
        while (true) {
            wake_.wait(lock, [this] { return stopping_ || !jobs_.empty(); });
            if (stopping_) return;
            auto [ticket, job] = std::move(jobs_.front());
            jobs_.pop_front();
            lock.unlock();
            Reply reply{ticket, job()};
            lock.lock();
            replies_.push_back(std::move(reply));
        }
    }

    std::mutex mutex_;
    std::condition_variable wake_;
    std::deque<std::pair<std::uint64_t, Job>> jobs_;
    std::vector<Reply> replies_;
    std::uint64_t next_ticket_ = 1;
    bool stopping_ = false;
    std::thread thread_;  // last: starts after the members it uses exist
};

}  // namespace medkiosk::kiosk
