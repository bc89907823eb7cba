#include "source_reader.hpp"

#include <exception>

namespace medkiosk::scanner::detail {
namespace {

// How long the owner waits for a reader to end before leaving it behind: about one paced frame's sleep.
constexpr auto kJoinGrace = std::chrono::milliseconds(600);

}  // namespace

SourceReader::SourceReader(Opener open) : shared_(std::make_shared<Shared>()) {
    thread_ = std::thread([shared = shared_, open = std::move(open)] { run(shared, open); });
}

SourceReader::~SourceReader() {
    std::unique_lock lock(shared_->mutex);
    shared_->abandoned = true;
    shared_->changed.notify_all();
    const bool ended = shared_->changed.wait_for(lock, kJoinGrace, [&] { return shared_->done; });
    lock.unlock();
    if (ended)
        thread_.join();
    else
        thread_.detach();  // stuck in the source: it ends by itself if the call ever returns
}

std::optional<SourceEvent> SourceReader::wait(std::chrono::milliseconds timeout) {
    std::unique_lock lock(shared_->mutex);
    if (!shared_->changed.wait_for(lock, timeout, [&] { return !shared_->events.empty(); }))
        return std::nullopt;
    SourceEvent event = std::move(shared_->events.front());
    shared_->events.pop_front();
    shared_->changed.notify_all();  // room for the next frame
    return event;
}

void SourceReader::run(const std::shared_ptr<Shared>& shared, const Opener& open) {
    const auto post = [&](SourceEvent event) {
        std::lock_guard lock(shared->mutex);
        if (shared->abandoned) return;
        shared->events.push_back(std::move(event));
        shared->changed.notify_all();
    };
    const auto finish = [&] {
        std::lock_guard lock(shared->mutex);
        shared->done = true;
        shared->changed.notify_all();
    };
    // Any exception is a failure with a reason; none escapes the thread.
    const auto described = [](const char* doing, const std::string& name) {
        std::string reason;
        try {
            throw;
        } catch (const std::exception& e) {
            reason = e.what();
        } catch (...) {
            reason = "an unknown exception";
        }
        return name + " failed while " + doing + ": " +
               (reason.empty() ? "an exception without a message" : reason);
    };

    std::unique_ptr<FrameSource> source;
    std::string name = "the source";
    try {
        OpenedSource opened = open();
        if (!opened.source) {
            post({SourceEvent::Kind::Failed, std::nullopt,
                  opened.error.empty() ? "the source could not be opened (no reason given)" : opened.error});
            finish();
            return;
        }
        source = std::move(opened.source);
        name = source->name();
    } catch (...) {
        post({SourceEvent::Kind::Failed, std::nullopt, described("opening", name)});
        finish();
        return;
    }
    post({SourceEvent::Kind::Opened, std::nullopt, name});
    for (;;) {
        {
            // One frame in hand at a time: wait until the owner took the last one.
            std::unique_lock lock(shared->mutex);
            shared->changed.wait(lock, [&] { return shared->abandoned || shared->events.empty(); });
            if (shared->abandoned) break;
        }
        SourceEvent event;
        try {
            std::optional<Frame> frame = source->next();
            for (std::string& skipped : source->take_skipped())
                post({SourceEvent::Kind::Skipped, {}, skipped});
            if (frame) {
                event = {SourceEvent::Kind::Frame, std::move(frame), {}};
            } else if (source->finished()) {
                event = {SourceEvent::Kind::Finished, std::nullopt, {}};
            } else {
                std::string error = source->error();
                event = {SourceEvent::Kind::Failed, std::nullopt,
                         error.empty() ? name + " stopped delivering frames without saying why"
                                       : std::move(error)};
            }
        } catch (...) {
            event = {SourceEvent::Kind::Failed, std::nullopt, described("reading a frame", name)};
        }
        const bool last = event.kind != SourceEvent::Kind::Frame;
        post(std::move(event));
        if (last) break;
    }
    try {
        source.reset();  // the camera or file is released on this thread, however long that takes
    } catch (...) {
    }
    finish();
}

}  // namespace medkiosk::scanner::detail
