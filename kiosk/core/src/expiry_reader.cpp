#include "medkiosk/kiosk/expiry_reader.hpp"

#include <pthread.h>
#include <sched.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "medkiosk/kiosk/event_log.hpp"

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

namespace {

// The kiosk's reader: ExpiryOcr behind the port.
class OcrBoxTextReader final : public BoxTextReader {
  public:
    explicit OcrBoxTextReader(std::unique_ptr<scanner::ocr::ExpiryOcr> ocr) : ocr_(std::move(ocr)) {}
    scanner::ocr::FrameOutcome read(const scanner::Frame& frame,
                                    const std::optional<scanner::ocr::Quad>& region,
                                    const std::function<bool()>& cancelled) override {
        return ocr_->read(frame, region, cancelled);
    }
    void start_pack() override { ocr_->start_pack(); }

  private:
    std::unique_ptr<scanner::ocr::ExpiryOcr> ocr_;
};

}  // namespace

ExpiryReader::~ExpiryReader() {
    stop();
}

void ExpiryReader::start(ExpiryReaderOptions options) {
    std::lock_guard lock(mutex_);
    if (started_) return;
    started_ = true;
    stopping_ = false;
    options_ = std::move(options);
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

void ExpiryReader::submit_frame(scanner::FramePtr frame, std::optional<scanner::ocr::Quad> region) {
    if (!frame) return;
    {
        std::lock_guard lock(mutex_);
        if (proposed_) return;
        // A frame taken before the pack changed may show the previous box.
        if (frame->captured != Clock::time_point{} && frame->captured < reset_at_) return;
        if (pending_ && pending_->sequence == frame->sequence) return;
        pending_ = std::move(frame);
        pending_region_ = region;
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
    reset_at_ = Clock::now();
    pending_.reset();
    pending_region_.reset();
    proposed_ = false;
    proposal_.reset();
    first_frame_at_.reset();
    status_.ms_to_proposal.reset();
}

std::uint64_t ExpiryReader::pack() const {
    std::lock_guard lock(mutex_);
    return generation_;
}

ExpiryReaderStatus ExpiryReader::status() const {
    std::lock_guard lock(mutex_);
    return status_;
}

void ExpiryReader::run() {
    lower_own_priority(options_.priority);
    OpenedBoxTextReader opened;
    try {
        if (options_.open) {
            opened = options_.open();
        } else {
            auto ocr = scanner::ocr::ExpiryOcr::open(options_.ocr);
            if (ocr.ocr)
                opened.reader = std::make_unique<OcrBoxTextReader>(std::move(ocr.ocr));
            else
                opened.error = ocr.error;
        }
    } catch (const std::exception& e) {
        opened = {nullptr, e.what()};
    } catch (...) {
        opened = {nullptr, "unknown failure while loading the OCR models"};
    }
    {
        std::lock_guard lock(mutex_);
        if (!opened.reader) {
            status_.error = std::string("printed-date reading is off: ") + opened.error;
            log_event("ocr-error", {{"detail", status_.error}});
            return;
        }
        status_.ready = true;
    }
    BoxTextReader& reader = *opened.reader;
    std::optional<std::uint64_t> reading_pack;  // the generation the reader's state belongs to
    for (;;) {
        scanner::FramePtr frame;
        std::optional<scanner::ocr::Quad> region;
        std::uint64_t generation = 0;
        {
            std::unique_lock lock(mutex_);
            wake_.wait(lock, [&] { return stopping_ || (pending_ && !proposed_); });
            if (stopping_) return;
            frame = std::move(pending_);
            region = pending_region_;
            pending_.reset();
            generation = generation_;
            if (!first_frame_at_) first_frame_at_ = Clock::now();
        }
        scanner::ocr::FrameOutcome outcome;
        std::string failure;
        try {
            if (reading_pack != generation) {
                reader.start_pack();  // hints and readings of the previous box go
                reading_pack = generation;
            }
            outcome = reader.read(*frame, region, [&] {
                std::lock_guard lock(mutex_);
                return stopping_ || generation != generation_;
            });
        } catch (const std::exception& e) {
            failure = e.what();
        } catch (...) {
            failure = "unknown exception";
        }
        if (failure.empty()) failure = outcome.error;

        std::lock_guard lock(mutex_);
        ++status_.frames_read;
        status_.last_frame_ms = outcome.cpu_ms;
        if (!failure.empty()) {
            // The frame's reading is lost, and whatever the reader had gathered for this box may be
            // half-updated: start the box over.
            ++status_.failures;
            status_.last_failure = "reading a frame failed: " + failure;
            log_event("ocr-error", {{"detail", status_.last_failure}});
            reading_pack.reset();
            continue;
        }
        if (generation != generation_ || proposed_) continue;  // the donor moved on to another pack
        if (outcome.proposal) {
            proposed_ = true;
            const auto& p = *outcome.proposal;
            proposal_ =
                ExpiryProposal{p.expiry, p.precision, p.batch, p.source_text, p.basis, p.picture, generation};
            if (first_frame_at_)
                status_.ms_to_proposal =
                    std::chrono::duration<double, std::milli>(Clock::now() - *first_frame_at_).count();
        }
    }
}

}  // namespace medkiosk::kiosk
