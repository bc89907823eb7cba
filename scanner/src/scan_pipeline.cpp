// Two threads: capture publishes only the newest frame; decode always takes the newest and drops the
// rest, so a slow decode never makes the preview or the events lag behind the camera.
//
// Capture reads the source through a SourceReader, so a source stuck in a call is given up on and
// opened again; every way a source stops (an error, an exception, an end it should not have, a stall,
// a failed open) is reported and retried with backoff. Decoding happens in the medkiosk-decoder
// helper process: whatever the decoding library does, this process goes on.

#include "medkiosk/scanner/scan_pipeline.hpp"

#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>
#include <set>

#include "durations.hpp"
#include "medkiosk/scanner/confirmer.hpp"
#include "medkiosk/scanner/parse.hpp"
#include "source_reader.hpp"

namespace medkiosk::scanner {
namespace {

using Clock = std::chrono::steady_clock;

// A source that ran this long before failing was healthy: its next failure starts the backoff over.
constexpr auto kHealthyRun = std::chrono::seconds(60);
// The UI polls; if nobody does for a long time, keep the newest only.
constexpr std::size_t kKeptEvents = 100;
constexpr std::size_t kKeptIncidents = 200;

ScannerIncident::Kind incident_kind(DecodeIncident::Kind kind) {
    switch (kind) {
        case DecodeIncident::Kind::Crashed:
            return ScannerIncident::Kind::DecoderCrashed;
        case DecodeIncident::Kind::TimedOut:
            return ScannerIncident::Kind::DecoderTimedOut;
        case DecodeIncident::Kind::Unavailable:
            return ScannerIncident::Kind::DecoderUnavailable;
        case DecodeIncident::Kind::BadAnswer:
            break;
    }
    return ScannerIncident::Kind::DecoderBadAnswer;
}

}  // namespace

std::string_view to_string(ScannerIncident::Kind kind) {
    switch (kind) {
        case ScannerIncident::Kind::DecoderCrashed:
            return "decoder-crashed";
        case ScannerIncident::Kind::DecoderTimedOut:
            return "decoder-timed-out";
        case ScannerIncident::Kind::DecoderUnavailable:
            return "decoder-unavailable";
        case ScannerIncident::Kind::DecoderBadAnswer:
            return "decoder-bad-answer";
        case ScannerIncident::Kind::SourceFailed:
            return "source-failed";
        case ScannerIncident::Kind::SourceStalled:
            return "source-stalled";
        case ScannerIncident::Kind::InputSkipped:
            return "input-skipped";
    }
    return "unknown";
}

DecodeWorkerOptions live_decoding_defaults() {
    DecodeWorkerOptions options;
    options.restart_backoff = std::chrono::milliseconds(250);
    options.max_restart_backoff = std::chrono::seconds(2);
    return options;
}

ScanPipeline::ScanPipeline(SourceSpec spec, PipelineOptions options)
    : ScanPipeline([spec] { return open_source(spec); }, describe(spec), std::move(options)) {
    nominal_fps_ = spec.fps;
}

ScanPipeline::ScanPipeline(std::function<OpenedSource()> open, std::string description,
                           PipelineOptions options)
    : open_(std::move(open)), description_(std::move(description)), options_(std::move(options)) {}

ScanPipeline::~ScanPipeline() {
    stop();
}

void ScanPipeline::start() {
    if (running_.exchange(true)) return;
    capture_thread_ = std::thread([this] { capture_loop(); });
    decode_thread_ = std::thread([this] { decode_loop(); });
}

void ScanPipeline::stop() {
    {
        std::lock_guard lock(mutex_);
        running_ = false;
    }
    frame_ready_.notify_all();
    stopping_.notify_all();
    if (capture_thread_.joinable()) capture_thread_.join();
    if (decode_thread_.joinable()) decode_thread_.join();
}

FramePtr ScanPipeline::latest_frame() const {
    std::lock_guard lock(mutex_);
    return latest_;
}

std::vector<DecodedSymbol> ScanPipeline::latest_symbols() const {
    std::lock_guard lock(mutex_);
    return latest_symbols_;
}

DecodedView ScanPipeline::latest_decoded() const {
    std::lock_guard lock(mutex_);
    return DecodedView{latest_decoded_, latest_symbols_};
}

std::vector<ScanEvent> ScanPipeline::take_events() {
    std::lock_guard lock(mutex_);
    std::vector<ScanEvent> events(std::make_move_iterator(events_.begin()),
                                  std::make_move_iterator(events_.end()));
    events_.clear();
    return events;
}

std::vector<ScannerIncident> ScanPipeline::take_incidents() {
    std::lock_guard lock(mutex_);
    std::vector<ScannerIncident> incidents(std::make_move_iterator(incidents_.begin()),
                                           std::make_move_iterator(incidents_.end()));
    incidents_.clear();
    return incidents;
}

PipelineStats ScanPipeline::stats() const {
    std::lock_guard lock(mutex_);
    return stats_;
}

void ScanPipeline::report(ScannerIncident incident) {
    incidents_.push_back(std::move(incident));
    while (incidents_.size() > kKeptIncidents) incidents_.pop_front();
}

void ScanPipeline::capture_loop() {
    // Waits that stop() cuts short.
    const auto pause = [this](std::chrono::milliseconds total) {
        std::unique_lock lock(mutex_);
        stopping_.wait_for(lock, total, [this] { return !running_; });
    };
    // A paced slow source (images at 0.2 fps) legitimately waits between frames.
    auto stall_timeout = options_.stall_timeout;
    if (nominal_fps_ > 0)
        stall_timeout =
            std::max(stall_timeout, std::chrono::milliseconds(static_cast<long long>(3000 / nominal_fps_)));
    const auto slice = std::chrono::milliseconds(50);
    std::set<std::string> skipped_said;  // each passed-over file is reported once, not every reopen
    // Sequence numbers keep increasing across reopenings so the decoder never mistakes a new frame for old.
    std::uint64_t sequence = 0;
    auto backoff = options_.reopen_backoff;
    Clock::time_point last_frame_at{};
    while (running_) {
        std::string name = description_;
        std::string failure;
        auto failure_kind = ScannerIncident::Kind::SourceFailed;
        bool finished = false;
        Clock::time_point first_frame{};
        {
            detail::SourceReader reader(open_);
            auto deadline = Clock::now() + options_.open_timeout;
            while (running_ && failure.empty() && !finished) {
                std::optional<detail::SourceEvent> event = reader.wait(slice);
                const auto now = Clock::now();
                if (!event) {
                    if (now > deadline) {
                        failure_kind = ScannerIncident::Kind::SourceStalled;
                        const auto waited =
                            first_frame == Clock::time_point{} ? options_.open_timeout : stall_timeout;
                        failure = name +
                                  (first_frame == Clock::time_point{} ? " delivered no first frame"
                                                                      : " delivered no frame") +
                                  " for " + detail::duration_text(waited) + " (stalled)";
                    }
                    continue;
                }
                switch (event->kind) {
                    case detail::SourceEvent::Kind::Opened: {
                        name = event->message;
                        std::lock_guard lock(mutex_);
                        stats_.source_name = name;
                        break;
                    }
                    case detail::SourceEvent::Kind::Skipped:
                        if (skipped_said.size() < 10000 && skipped_said.insert(event->message).second) {
                            const std::size_t colon = event->message.find(": ");
                            std::lock_guard lock(mutex_);
                            report({ScannerIncident::Kind::InputSkipped, event->message.substr(0, colon),
                                    colon == std::string::npos ? std::string()
                                                               : event->message.substr(colon + 2)});
                        }
                        break;
                    case detail::SourceEvent::Kind::Frame: {
                        if (first_frame == Clock::time_point{}) first_frame = now;
                        deadline = now + stall_timeout;
                        Frame& frame = *event->frame;
                        frame.sequence = ++sequence;
                        auto shared = std::make_shared<const Frame>(std::move(frame));
                        {
                            std::lock_guard lock(mutex_);
                            stats_.source_error
                                .clear();  // cleared by a frame, not by an open that fails again
                            const double interval =
                                last_frame_at == Clock::time_point{}
                                    ? 0
                                    : std::chrono::duration<double>(now - last_frame_at).count();
                            last_frame_at = now;
                            latest_ = std::move(shared);
                            ++stats_.frames;
                            if (interval > 0) {
                                const double fps = 1.0 / interval;
                                stats_.capture_fps =
                                    stats_.capture_fps == 0 ? fps : 0.9 * stats_.capture_fps + 0.1 * fps;
                            }
                        }
                        frame_ready_.notify_one();
                        break;
                    }
                    case detail::SourceEvent::Kind::Failed:
                        failure = event->message;
                        break;
                    case detail::SourceEvent::Kind::Finished:
                        finished = true;
                        break;
                }
            }
        }  // the reader is given up on here, stuck or not
        if (!running_) break;
        if (finished) {
            // A non-looping file reached its end: nothing more will come, and that is not a fault.
            std::unique_lock lock(mutex_);
            stopping_.wait(lock, [this] { return !running_; });
            break;
        }
        if (first_frame != Clock::time_point{} && Clock::now() - first_frame >= kHealthyRun)
            backoff = options_.reopen_backoff;
        {
            std::lock_guard lock(mutex_);
            stats_.source_error = failure;
            if (stats_.source_name.empty()) stats_.source_name = name;
            ++stats_.source_failures;
            report({failure_kind, name, failure + "; opening it again in " + detail::duration_text(backoff)});
        }
        pause(backoff);
        backoff = std::min(backoff * 2, options_.max_reopen_backoff);
    }
}

void ScanPipeline::decode_loop() {
    CodeConfirmer confirmer(ConfirmOptions{options_.confirm_frames, options_.hold, std::chrono::seconds(1)});
    DecodeWorker worker(options_.decoding);
    // Started before the first frame, so that frame does not wait for it.
    if (auto error = worker.start()) {
        std::lock_guard lock(mutex_);
        stats_.decoder_error = *error;
        report({ScannerIncident::Kind::DecoderUnavailable, "the decoder", *error});
    }
    std::uint64_t last_sequence = 0;
    while (running_) {
        FramePtr frame;
        {
            std::unique_lock lock(mutex_);
            frame_ready_.wait_for(lock, std::chrono::milliseconds(100), [&] {
                return !running_ || (latest_ && latest_->sequence != last_sequence);
            });
            if (!running_) break;
            if (!latest_ || latest_->sequence == last_sequence) continue;
            if (last_sequence != 0) stats_.skipped_frames += latest_->sequence - last_sequence - 1;
            frame = latest_;
        }
        last_sequence = frame->sequence;
        const auto started = Clock::now();
        DecodeReport decoded;
        // The grey image is written straight into the memory the helper reads: no copy.
        std::uint8_t* grey =
            frame->width > 0 && frame->height > 0 &&
                    frame->rgb.size() >= std::size_t(frame->width) * std::size_t(frame->height) * 3
                ? worker.grey_buffer(frame->width, frame->height)
                : nullptr;
        if (grey) {
            const cv::Mat rgb(frame->height, frame->width, CV_8UC3,
                              const_cast<std::uint8_t*>(frame->rgb.data()));
            cv::Mat shared(frame->height, frame->width, CV_8UC1, grey);
            cv::cvtColor(rgb, shared, cv::COLOR_RGB2GRAY);
            decoded = worker.decode_buffer(DecodeMode::Live, frame->width, frame->height,
                                           "frame " + std::to_string(frame->sequence) + " (" +
                                               std::to_string(frame->width) + "x" +
                                               std::to_string(frame->height) + ")");
        } else {
            decoded.skipped = true;
        }
        const auto finished = Clock::now();
        const std::vector<DecodedSymbol> confirmed = confirmer.update(decoded.symbols, finished);

        std::vector<ScanEvent> events;
        if (!confirmed.empty()) {
            const Date today = local_today(options_.wall_clock);
            for (const auto& symbol : confirmed)
                events.push_back(
                    ScanEvent{symbol, parse_scan(symbol.text, symbol.symbology, today), frame->sequence});
        }
        std::lock_guard lock(mutex_);
        if (decoded.incident) {
            const auto kind = incident_kind(decoded.incident->kind);
            if (kind == ScannerIncident::Kind::DecoderUnavailable) {
                if (stats_.decoder_error != decoded.incident->detail)
                    report({kind, decoded.incident->skipped, decoded.incident->detail});
                stats_.decoder_error = decoded.incident->detail;
            } else {
                ++stats_.decoder_failures;
                report({kind, decoded.incident->skipped + " from " + stats_.source_name,
                        decoded.incident->detail});
            }
        }
        if (!decoded.skipped) stats_.decoder_error.clear();
        if (decoded.skipped) ++stats_.skipped_frames;
        latest_symbols_ = std::move(decoded.symbols);
        latest_decoded_ = frame;
        stats_.decode_ms = std::chrono::duration<double, std::milli>(finished - started).count();
        if (!decoded.skipped) ++stats_.decoded_frames;
        stats_.events += events.size();
        for (auto& event : events) events_.push_back(std::move(event));
        while (events_.size() > kKeptEvents) events_.pop_front();
    }
}

}  // namespace medkiosk::scanner
