// Two threads: capture publishes only the newest frame; decode always takes the newest and drops the
// rest, so a slow decode never makes the preview or the events lag behind the camera.

#include "medkiosk/scanner/scan_pipeline.hpp"

#include "medkiosk/scanner/confirmer.hpp"
#include "medkiosk/scanner/parse.hpp"

namespace medkiosk::scanner {

ScanPipeline::ScanPipeline(SourceSpec spec, PipelineOptions options)
    : spec_(std::move(spec)), options_(options) {}

ScanPipeline::~ScanPipeline() {
    stop();
}

void ScanPipeline::start() {
    if (running_.exchange(true)) return;
    capture_thread_ = std::thread([this] { capture_loop(); });
    decode_thread_ = std::thread([this] { decode_loop(); });
}

void ScanPipeline::stop() {
    running_ = false;
    frame_ready_.notify_all();
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

std::vector<ScanEvent> ScanPipeline::take_events() {
    std::lock_guard lock(mutex_);
    std::vector<ScanEvent> events(std::make_move_iterator(events_.begin()),
                                  std::make_move_iterator(events_.end()));
    events_.clear();
    return events;
}

PipelineStats ScanPipeline::stats() const {
    std::lock_guard lock(mutex_);
    return stats_;
}

void ScanPipeline::capture_loop() {
    // Waits in short slices so stop() is never held up by a long reopen delay.
    auto pause = [this](std::chrono::milliseconds total) {
        const auto until = std::chrono::steady_clock::now() + total;
        while (running_ && std::chrono::steady_clock::now() < until)
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
    };
    // Sequence numbers keep increasing across reopenings so the decoder never mistakes a new frame for old.
    std::uint64_t sequence = 0;
    while (running_) {
        OpenedSource opened;
        try {
            opened = open_source(spec_);
        } catch (const std::exception& e) {
            opened.error = std::string("source could not be opened: ") + e.what();
        }
        if (!opened.source) {
            {
                std::lock_guard lock(mutex_);
                stats_.source_error = opened.error;
                stats_.source_name = describe(spec_);
            }
            pause(options_.reopen_delay);
            continue;
        }
        {
            std::lock_guard lock(mutex_);
            stats_.source_error.clear();
            stats_.source_name = opened.source->name();
        }
        auto last = std::chrono::steady_clock::now();
        bool ended_cleanly = false;
        while (running_) {
            std::optional<Frame> frame;
            try {
                frame = opened.source->next();
            } catch (const std::exception&) {
                frame.reset();
            }
            if (!frame) {
                const std::string error = opened.source->error();
                ended_cleanly = error.empty();
                std::lock_guard lock(mutex_);
                stats_.source_error = error;
                break;
            }
            frame->sequence = ++sequence;
            const auto now = std::chrono::steady_clock::now();
            const double interval = std::chrono::duration<double>(now - last).count();
            last = now;
            auto shared = std::make_shared<const Frame>(std::move(*frame));
            {
                std::lock_guard lock(mutex_);
                latest_ = std::move(shared);
                ++stats_.frames;
                if (interval > 0) {
                    const double fps = 1.0 / interval;
                    stats_.capture_fps = stats_.capture_fps == 0 ? fps : 0.9 * stats_.capture_fps + 0.1 * fps;
                }
            }
            frame_ready_.notify_one();
        }
        if (ended_cleanly) {
            // A non-looping file reached its end: nothing more will come, and that is not a fault.
            while (running_) pause(std::chrono::milliseconds(200));
            break;
        }
        if (running_) pause(options_.reopen_delay);
    }
}

void ScanPipeline::decode_loop() {
    CodeConfirmer confirmer(ConfirmOptions{options_.confirm_frames, options_.hold, std::chrono::seconds(1)});
    TrackingDecoder decoder(options_.tracking);
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
            frame = latest_;
        }
        last_sequence = frame->sequence;
        const auto started = std::chrono::steady_clock::now();
        std::vector<DecodedSymbol> symbols = decoder.decode(*frame);
        const auto finished = std::chrono::steady_clock::now();
        const std::vector<DecodedSymbol> confirmed = confirmer.update(symbols, finished);

        std::vector<ScanEvent> events;
        if (!confirmed.empty()) {
            const Date today = today_utc();
            for (const auto& symbol : confirmed)
                events.push_back(
                    ScanEvent{symbol, parse_scan(symbol.text, symbol.symbology, today), frame->sequence});
        }
        std::lock_guard lock(mutex_);
        latest_symbols_ = std::move(symbols);
        stats_.decode_ms = std::chrono::duration<double, std::milli>(finished - started).count();
        ++stats_.decoded_frames;
        stats_.events += events.size();
        for (auto& event : events) events_.push_back(std::move(event));
        // The UI polls; if nobody does for a long time, keep the newest events only.
        while (events_.size() > 100) events_.pop_front();
    }
}

}  // namespace medkiosk::scanner
