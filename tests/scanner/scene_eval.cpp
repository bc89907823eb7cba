#define ZX_USE_UTF8 1
#include "scene_eval.hpp"

#include <ZXing/ReadBarcode.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstring>
#include <ctime>

#include "sample_expectations.hpp"

namespace medkiosk::test {

double thread_cpu_ms() {
    timespec now{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now);
    return static_cast<double>(now.tv_sec) * 1e3 + static_cast<double>(now.tv_nsec) / 1e6;
}

double percentile(std::vector<double> values, double p) {
    if (values.empty()) return 0;
    std::sort(values.begin(), values.end());
    return values[std::min(values.size() - 1,
                           static_cast<std::size_t>(p * static_cast<double>(values.size() - 1) + 0.5))];
}

const ZXing::DecodeHints& naive_hints() {
    static const ZXing::DecodeHints hints = [] {
        ZXing::DecodeHints h;
        h.setFormats(ZXing::BarcodeFormatsFromString(scanner::decoder_format_names()));
        h.setTryHarder(true);
        h.setTryRotate(true);
        h.setMaxNumberOfSymbols(1);
        return h;
    }();
    return hints;
}

const cv::Mat& handed_over(const cv::Mat& frame, cv::Mat& buffer) {
    frame.copyTo(buffer);
    return buffer;
}

namespace {

void put_bytes(std::string& out, const void* data, std::size_t size) {
    out.append(static_cast<const char*>(data), size);
}

void put_string(std::string& out, const std::string& text) {
    const auto size = static_cast<std::uint32_t>(text.size());
    put_bytes(out, &size, sizeof size);
    out += text;
}

bool send_all(int fd, const void* data, std::size_t size) {
    const char* bytes = static_cast<const char*>(data);
    while (size > 0) {
        const ssize_t n = send(fd, bytes, size, MSG_NOSIGNAL);  // a dead child is an error, not SIGPIPE
        if (n <= 0) return false;
        bytes += n;
        size -= static_cast<std::size_t>(n);
    }
    return true;
}

bool receive_all(int fd, void* data, std::size_t size) {
    char* bytes = static_cast<char*>(data);
    while (size > 0) {
        const ssize_t n = ::read(fd, bytes, size);
        if (n <= 0) return false;
        bytes += n;
        size -= static_cast<std::size_t>(n);
    }
    return true;
}

bool receive_string(int fd, std::string& text) {
    std::uint32_t size = 0;
    if (!receive_all(fd, &size, sizeof size)) return false;
    text.resize(size);
    return size == 0 || receive_all(fd, text.data(), size);
}

// The child's loop: an image's size and rows in, its read out, until the socket closes.
[[noreturn]] void serve_naive_reads(int fd) {
    cv::Mat buffer;
    for (;;) {
        std::int32_t size[2] = {0, 0};
        if (!receive_all(fd, size, sizeof size) || size[0] <= 0 || size[1] <= 0) _exit(0);
        buffer.create(size[0], size[1], CV_8UC1);
        if (!receive_all(fd, buffer.data, buffer.total())) _exit(0);
        const ZXing::ImageView view(buffer.data, buffer.cols, buffer.rows, ZXing::ImageFormat::Lum,
                                    static_cast<int>(buffer.step));
        const double started = thread_cpu_ms();
        const ZXing::Result result = ZXing::ReadBarcode(view, naive_hints());
        const double ms = thread_cpu_ms() - started;
        std::string record;
        put_bytes(record, &ms, sizeof ms);
        put_string(record, result.isValid() ? ZXing::ToString(result.format()) : "");
        put_string(record, result.isValid() ? result.text() : "");
        if (!send_all(fd, record.data(), record.size())) _exit(3);
    }
}

}  // namespace

NaiveReader::NaiveReader() {
    start();
}

NaiveReader::~NaiveReader() {
    stop();
}

bool NaiveReader::start() {
    int fds[2];
    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds) != 0) return false;
    const pid_t child = fork();
    if (child < 0) {
        close(fds[0]);
        close(fds[1]);
        return false;
    }
    if (child == 0) {
        close(fds[0]);
        serve_naive_reads(fds[1]);
    }
    close(fds[1]);
    socket_ = fds[0];
    child_ = child;
    return true;
}

void NaiveReader::stop() {
    if (socket_ >= 0) close(socket_);  // the child sees the socket close and exits
    if (child_ > 0) waitpid(child_, nullptr, 0);
    socket_ = child_ = -1;
}

std::vector<NaiveRead> NaiveReader::read(const std::vector<cv::Mat>& images) {
    std::vector<NaiveRead> reads(images.size());
    cv::Mat contiguous;
    for (std::size_t i = 0; i < images.size(); ++i) {
        if (socket_ < 0 && !start()) {
            reads[i].aborted = true;
            continue;
        }
        images[i].copyTo(contiguous);
        const std::int32_t size[2] = {contiguous.rows, contiguous.cols};
        NaiveRead& read = reads[i];
        const bool answered = send_all(socket_, size, sizeof size) &&
                              send_all(socket_, contiguous.data, contiguous.total()) &&
                              receive_all(socket_, &read.cpu_ms, sizeof read.cpu_ms) &&
                              receive_string(socket_, read.format) && receive_string(socket_, read.text);
        if (!answered) {  // the library aborted on this image: count it, and start a fresh child
            read = NaiveRead{};
            read.aborted = true;
            stop();
        }
    }
    return reads;
}

std::vector<NaiveRead> read_naively(const std::vector<cv::Mat>& images) {
    static NaiveReader reader;  // one child for the whole process: see NaiveReader
    return reader.read(images);
}

SceneRunner::SceneRunner(scanner::TrackingOptions options) : decoder_(options) {}

ClipOutcome SceneRunner::run(const SceneClip& clip, bool with_naive) {
    ClipOutcome outcome;
    outcome.symbology = clip.primary.symbology;
    outcome.description = clip.describe();
    outcome.rotation_degrees = clip.rotation_degrees;
    outcome.module_pixels = clip.module_pixels;
    outcome.frames = static_cast<int>(clip.frames.size());
    outcome.first_still_frame = clip.first_still_frame;

    std::vector<std::string> expected = {clip.primary.expected_text};
    const bool distractor_readable = !clip.distractor.format.empty();
    if (distractor_readable) expected.push_back(clip.distractor.expected_text);
    auto which = [&](const std::string& text) -> int {
        for (std::size_t i = 0; i < expected.size(); ++i)
            if (same_code_text(expected[i], text)) return static_cast<int>(i);
        return -1;
    };

    std::vector<NaiveRead> naive;
    if (with_naive) {
        std::vector<cv::Mat> images;
        for (const SceneFrame& frame : clip.frames) images.push_back(frame.grey);
        naive = naive_.read(images);
        outcome.naive_ran = true;
    }
    std::vector<int> first_event(expected.size(), -1), event_count(expected.size(), 0);
    for (std::size_t f = 0; f < clip.frames.size(); ++f) {
        const cv::Mat& grey = handed_over(clip.frames[f].grey, handed_);
        clock_ms_ += 33;  // 30 frames a second
        const double started = thread_cpu_ms();
        const auto symbols =
            decoder_.decode_grey(grey.data, grey.cols, grey.rows, static_cast<int>(grey.step));
        outcome.ours_ms.push_back(thread_cpu_ms() - started);
        std::string log = "frame " + std::to_string(f) + " (" + phase_name(clip.frames[f].phase) + "):";
        for (const auto& symbol : symbols)
            log.append(" ").append(symbol.format).append(" '").append(symbol.text) += '\'';
        if (f < naive.size())
            log.append(" | zxing ")
                .append(naive[f].aborted ? "ABORTED" : naive[f].format + " '" + naive[f].text + "'");
        outcome.frame_log.push_back(std::move(log));
        for (const auto& symbol : symbols)
            if (which(symbol.text) < 0) {
                ++outcome.misreads;
                outcome.misread_texts.push_back("frame " + std::to_string(f) + " " + symbol.format + " '" +
                                                symbol.text + "'");
            }
        const auto now = scanner::CodeConfirmer::Clock::time_point(std::chrono::milliseconds(clock_ms_));
        for (const auto& event : confirmer_.update(symbols, now)) {
            const int code = which(event.text);
            if (code < 0) continue;  // counted as a misread above
            if (event_count[static_cast<std::size_t>(code)]++ == 0)
                first_event[static_cast<std::size_t>(code)] = static_cast<int>(f);
        }
        if (distractor_readable && clip.frames[f].phase == ScenePhase::Still &&
            clip.frames[f].distractor_in_view)
            outcome.distractor_expected = true;
    }
    for (int count : event_count) outcome.duplicate_events += std::max(0, count - 1);
    outcome.found = first_event[0] >= 0;
    outcome.event_frame = first_event[0];
    outcome.latency_frames = outcome.found ? first_event[0] - clip.first_still_frame : 0;
    outcome.distractor_found = distractor_readable && first_event[1] >= 0;

    for (std::size_t f = 0; f < naive.size(); ++f) {
        const NaiveRead& read = naive[f];
        if (read.aborted) {
            ++outcome.naive_aborts;
            continue;
        }
        outcome.naive_ms.push_back(read.cpu_ms);
        if (read.text.empty()) continue;
        const int code = which(read.text);
        if (code == 0) outcome.naive_found = true;
        if (code < 0) continue;  // plain zxing misread: its problem, not ours
        const int ours = first_event[static_cast<std::size_t>(code)];
        if (ours < 0 || ours > static_cast<int>(f) + 2) {
            ++outcome.naive_only;
            outcome.naive_only_notes.push_back(
                "frame " + std::to_string(f) + " (" + phase_name(clip.frames[f].phase) + ") " + read.format +
                " '" + read.text + "', our event " +
                (ours < 0 ? std::string("never") : "at " + std::to_string(ours)));
        }
    }
    return outcome;
}

namespace {

struct Tally {
    int clips = 0, found = 0, naive = 0, late = 0, misreads = 0, duplicates = 0, naive_only = 0;
    std::vector<double> latencies;
    void add(const ClipOutcome& o, int max_latency) {
        ++clips;
        found += o.found;
        naive += o.naive_found;
        late += o.found && o.latency_frames > max_latency;
        misreads += o.misreads;
        duplicates += o.duplicate_events;
        naive_only += o.naive_only;
        if (o.found) latencies.push_back(o.latency_frames);
    }
    double fraction() const { return clips ? static_cast<double>(found) / clips : 1.0; }
};

void print_header(std::FILE* out, const char* first) {
    std::fprintf(out, "%-18s %6s %6s %7s %6s %7s %8s %5s %8s %5s %10s\n", first, "clips", "found", "%",
                 "zxing", "%", "latency", "late", "misread", "dup", "zxing-only");
}

void print_row(std::FILE* out, const std::string& name, const Tally& t) {
    std::fprintf(out, "%-18s %6d %6d %6.1f%% %6d %6.1f%% %4.0f/%-3.0f %5d %8d %5d %10d\n", name.c_str(),
                 t.clips, t.found, 100 * t.fraction(), t.naive, t.clips ? 100.0 * t.naive / t.clips : 0.0,
                 percentile(t.latencies, 0.5), percentile(t.latencies, 1.0), t.late, t.misreads, t.duplicates,
                 t.naive_only);
}

std::string module_bucket(double module) {
    if (module < 2.5) return "2-2.5 px";
    if (module < 3.5) return "2.5-3.5 px";
    if (module < 5) return "3.5-5 px";
    if (module < 7) return "5-7 px";
    return "7-10 px";
}

}  // namespace

SceneSummary summarise(const std::vector<ClipOutcome>& outcomes, const Targets& targets, bool check_time,
                       std::FILE* out) {
    SceneSummary summary;
    std::map<int, Tally> by_rotation;
    std::map<std::string, Tally> by_module, by_format;
    Tally all;
    std::vector<double> ours, naive;
    for (const ClipOutcome& o : outcomes) {
        const int bucket = static_cast<int>(o.rotation_degrees / 15) % 24;
        by_rotation[bucket].add(o, targets.max_latency_frames);
        by_module[module_bucket(o.module_pixels)].add(o, targets.max_latency_frames);
        by_format[o.symbology].add(o, targets.max_latency_frames);
        all.add(o, targets.max_latency_frames);
        ours.insert(ours.end(), o.ours_ms.begin(), o.ours_ms.end());
        naive.insert(naive.end(), o.naive_ms.begin(), o.naive_ms.end());
        summary.naive_aborts += o.naive_aborts;
        summary.distractors += o.distractor_expected;
        summary.distractors_found += o.distractor_expected && o.distractor_found;
    }
    print_header(out, "rotation");
    for (const auto& [bucket, tally] : by_rotation) {
        print_row(out, std::to_string(bucket * 15) + "-" + std::to_string(bucket * 15 + 15) + " deg", tally);
        summary.worst_bucket_fraction = std::min(summary.worst_bucket_fraction, tally.fraction());
    }
    std::fprintf(out, "\n");
    print_header(out, "module");
    for (const auto& [name, tally] : by_module) print_row(out, name, tally);
    std::fprintf(out, "\n");
    print_header(out, "format");
    for (const auto& [name, tally] : by_format) print_row(out, name, tally);
    std::fprintf(out, "\n");
    print_row(out, "ALL", all);

    summary.clips = all.clips;
    summary.found = all.found;
    summary.naive_found = all.naive;
    summary.misreads = all.misreads;
    summary.duplicates = all.duplicates;
    summary.late = all.late;
    summary.naive_only = all.naive_only;
    summary.ours_p50 = percentile(ours, 0.5);
    summary.ours_p95 = percentile(ours, 0.95);
    summary.ours_max = percentile(ours, 1.0);
    summary.naive_p50 = percentile(naive, 0.5);
    summary.naive_p95 = percentile(naive, 0.95);
    std::fprintf(out, "\nper-frame decode, one core, thread CPU time (ms): %zu frames\n", ours.size());
    std::fprintf(out, "%-44s %8s %8s %8s\n", "", "p50", "p95", "max");
    std::fprintf(out, "%-44s %8.2f %8.2f %8.2f\n", "ours (TrackingDecoder)", summary.ours_p50,
                 summary.ours_p95, summary.ours_max);
    std::fprintf(out, "%-44s %8.2f %8.2f %8.2f\n", "plain zxing-cpp full frame, same formats",
                 summary.naive_p50, summary.naive_p95, percentile(naive, 1.0));
    if (summary.naive_p95 > 0)
        std::fprintf(out, "ratio ours/zxing: p50 %.2f, p95 %.2f\n", summary.ours_p50 / summary.naive_p50,
                     summary.ours_p95 / summary.naive_p95);
    std::fprintf(
        out,
        "distractor codes in view while still: %d, with an event: %d; zxing aborted on %d frames (not "
        "timed)\n",
        summary.distractors, summary.distractors_found, summary.naive_aborts);

    auto miss = [&](bool ok, const std::string& what) {
        std::fprintf(out, "target %-58s %s\n", what.c_str(), ok ? "met" : "MISSED");
        if (!ok) summary.misses.push_back(what);
    };
    char text[160];
    std::snprintf(text, sizeof text, "found >= %.0f%% (%.2f%%)", targets.found_fraction * 100,
                  100 * all.fraction());
    miss(all.fraction() >= targets.found_fraction, text);
    std::snprintf(text, sizeof text, "every 15 deg bucket >= %.0f%% (worst %.2f%%)",
                  targets.bucket_fraction * 100, 100 * summary.worst_bucket_fraction);
    miss(summary.worst_bucket_fraction >= targets.bucket_fraction, text);
    miss(all.misreads == 0, "0 misreads (" + std::to_string(all.misreads) + ")");
    miss(all.duplicates == 0, "0 duplicate events (" + std::to_string(all.duplicates) + ")");
    miss(all.late == 0, "first event <= " + std::to_string(targets.max_latency_frames) +
                            " frames after still (late: " + std::to_string(all.late) + ")");
    miss(all.naive_only == 0,
         "all zxing reads reported within 2 frames (missed: " + std::to_string(all.naive_only) + ")");
    if (check_time) {
        std::snprintf(text, sizeof text, "p95 <= %.2fx zxing p95 (%.2fx)", targets.p95_ratio,
                      summary.naive_p95 > 0 ? summary.ours_p95 / summary.naive_p95 : 0.0);
        miss(summary.naive_p95 > 0 && summary.ours_p95 <= targets.p95_ratio * summary.naive_p95, text);
        std::snprintf(text, sizeof text, "p95 <= %.0f ms (%.2f ms)", targets.p95_ms, summary.ours_p95);
        miss(summary.ours_p95 <= targets.p95_ms, text);
    }
    return summary;
}

}  // namespace medkiosk::test
