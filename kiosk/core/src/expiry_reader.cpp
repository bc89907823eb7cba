#include "medkiosk/kiosk/expiry_reader.hpp"

#include <pthread.h>
#include <sched.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "medkiosk/scanner/ocr/expiry_text.hpp"

namespace medkiosk::kiosk {
namespace {

using Clock = std::chrono::steady_clock;

void lower_own_priority(WorkerPriority priority) {
    if (priority == WorkerPriority::Normal) return;
    // Failures are harmless (the thread just keeps normal priority), so they are not reported.
    const auto thread_id = static_cast<id_t>(syscall(SYS_gettid));
    (void)setpriority(PRIO_PROCESS, thread_id, 19);
    if (priority == WorkerPriority::Idle) {
        sched_param param{};
        param.sched_priority = 0;
        (void)pthread_setschedparam(pthread_self(), SCHED_IDLE, &param);
    }
}

}  // namespace

std::string_view to_string(ExpirySource source) {
    switch (source) {
        case ExpirySource::Code:
            return "code";
        case ExpirySource::OcrConfirmed:
            return "ocr-confirmed";
        case ExpirySource::Picker:
            return "picker";
    }
    return "picker";
}

std::optional<ExpirySource> expiry_source_from_string(std::string_view text) {
    for (ExpirySource source : {ExpirySource::Code, ExpirySource::OcrConfirmed, ExpirySource::Picker})
        if (to_string(source) == text) return source;
    return std::nullopt;
}

ExpiryReader::~ExpiryReader() {
    stop();
}

void ExpiryReader::start(ExpiryReaderOptions options) {
    std::lock_guard lock(mutex_);
    if (started_) return;
    started_ = true;
    stopping_ = false;
    options_ = std::move(options);
    agreement_ = scanner::ocr::ReadingAgreement(options_.frames_needed);
    worker_ = std::thread([this] { run(); });
}

void ExpiryReader::stop() {
    {
        std::lock_guard lock(mutex_);
        if (!started_) return;
        stopping_ = true;
    }
    wake_.notify_all();
    if (worker_.joinable()) worker_.join();
    std::lock_guard lock(mutex_);
    started_ = false;
    status_.ready = false;
}

void ExpiryReader::submit_frame(scanner::FramePtr frame) {
    if (!frame) return;
    {
        std::lock_guard lock(mutex_);
        if (proposed_) return;
        if (pending_ && pending_->sequence == frame->sequence) return;
        pending_ = std::move(frame);
    }
    wake_.notify_one();
}

std::optional<ExpiryProposal> ExpiryReader::take_proposal() {
    std::lock_guard lock(mutex_);
    std::optional<ExpiryProposal> taken = std::move(proposal_);
    proposal_.reset();
    return taken;
}

void ExpiryReader::reset() {
    std::lock_guard lock(mutex_);
    ++generation_;
    pending_.reset();
    agreement_.reset();
    proposed_ = false;
    proposal_.reset();
    first_frame_at_.reset();
    status_.ms_to_proposal.reset();
}

ExpiryReaderStatus ExpiryReader::status() const {
    std::lock_guard lock(mutex_);
    return status_;
}

void ExpiryReader::run() {
    lower_own_priority(options_.priority);
    auto opened = scanner::ocr::TextReader::open(options_.ocr);
    {
        std::lock_guard lock(mutex_);
        if (!opened.reader) {
            status_.error = std::string("printed-date reading is off: ") + opened.error;
            return;
        }
        status_.ready = true;
    }
    scanner::ocr::TextReader& reader = *opened.reader;
    for (;;) {
        scanner::FramePtr frame;
        std::uint64_t generation = 0;
        {
            std::unique_lock lock(mutex_);
            wake_.wait(lock, [&] { return stopping_ || (pending_ && !proposed_); });
            if (stopping_) return;
            frame = std::move(pending_);
            pending_.reset();
            generation = generation_;
            if (!first_frame_at_) first_frame_at_ = Clock::now();
        }
        const scanner::ocr::TextLines lines = reader.read(*frame, [&] {
            std::lock_guard lock(mutex_);
            return stopping_ || generation != generation_;
        });
        const scanner::ocr::ExpiryReading reading = scanner::ocr::parse_expiry_text(lines.joined());

        std::lock_guard lock(mutex_);
        ++status_.frames_read;
        status_.last_frame_ms = lines.locate_ms + lines.recognise_ms;
        if (generation != generation_ || proposed_) continue;  // the donor moved on to another pack
        agreement_.add(reading);
        if (auto agreed = agreement_.agreed()) {
            proposed_ = true;
            proposal_ =
                ExpiryProposal{*agreed->expiry, agreed->precision, agreed->batch, agreed->source_text};
            if (first_frame_at_)
                status_.ms_to_proposal =
                    std::chrono::duration<double, std::milli>(Clock::now() - *first_frame_at_).count();
        }
    }
}

}  // namespace medkiosk::kiosk
