#pragma once
// Runs generated scene clips (scene_generator.hpp) through the live decoding path — TrackingDecoder and
// CodeConfirmer, as ScanPipeline uses them — and through plain full-frame zxing-cpp (tryHarder,
// tryRotate, the same formats) on the same frames, and tallies what each found, when, and at what cost.
// Shared by the scene test suite and scanner_live_bench so both judge the same way.

#include <cstdint>
#include <cstdio>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "medkiosk/scanner/confirmer.hpp"
#include "medkiosk/scanner/decoder.hpp"
#include "scene_generator.hpp"

namespace medkiosk::test {

// What plain zxing-cpp (ReadBarcode, tryHarder, tryRotate, the decoders' formats) read in one image, and
// its thread CPU time. It runs in a child process: Debian's zxing-cpp 1.4 can abort on an assertion (GS1
// DataBar), and a baseline that takes the benchmark down measures nothing; after an abort the next
// images get a fresh child. read_naively uses one child for the whole process (see NaiveReader).
struct NaiveRead {
    bool aborted = false;
    double cpu_ms = 0;
    std::string format;
    std::string text;  // empty when nothing was read
};
// Each image as a decoder meets it in the kiosk: just copied into one reused buffer (the decode worker's
// shared memory, or a photo just decoded), so every reader timed starts from images as warm as there.
// read_naively hands each image over so; time our decoders on images handed over the same way.
const cv::Mat& handed_over(const cv::Mat& image, cv::Mat& buffer);
std::vector<NaiveRead> read_naively(const std::vector<cv::Mat>& images);

// The same reads by one child process kept for many calls, each image sent to it over a socket. A fork
// marks every page of this process copy-on-write, and on these VMs the first write to each afterwards
// costs about 20 us: a 1080p frame buffer 10 ms. The kiosk's decoder runs in a process that never forks
// (medkiosk-decoder, started by posix_spawn), so a benchmark that forked before every clip charged the
// decoder it times for a fork the kiosk never makes. Start it before the decoder's buffers exist; a child
// that aborted is replaced (a fork again, for the rare clip where zxing-cpp aborts).
class NaiveReader {
  public:
    NaiveReader();
    ~NaiveReader();
    NaiveReader(const NaiveReader&) = delete;
    NaiveReader& operator=(const NaiveReader&) = delete;
    std::vector<NaiveRead> read(const std::vector<cv::Mat>& images);

  private:
    bool start();
    void stop();
    int socket_ = -1;
    int child_ = -1;
};

struct ClipOutcome {
    // The clip's parameters (frames are not kept).
    std::string symbology;
    std::string description;
    double rotation_degrees = 0;
    double module_pixels = 0;
    int frames = 0;
    int first_still_frame = 0;

    bool found = false;        // an event for the primary code
    int event_frame = -1;      // clip-local frame of its first event
    int latency_frames = 0;    // event_frame - first_still_frame (negative: before it was still)
    int duplicate_events = 0;  // events beyond the first for any code in the clip
    int misreads = 0;          // symbols whose text is on nothing in the frame
    std::vector<std::string> misread_texts;
    bool distractor_expected = false;  // a pack-format distractor fully in view while still
    bool distractor_found = false;

    bool naive_ran = false;
    bool naive_found = false;  // plain zxing read the primary in some frame
    int naive_aborts = 0;
    // Frames where plain zxing read a code and the pipeline had no event for it within 2 frames.
    int naive_only = 0;
    std::vector<std::string> naive_only_notes;

    // One line per frame: its phase, what the decoder returned, what plain zxing read (for --verbose).
    std::vector<std::string> frame_log;

    std::vector<double> ours_ms;   // per frame, thread CPU time
    std::vector<double> naive_ms;  // per frame (not aborted), thread CPU time in the child
};

// A continuous stream: one decoder and one confirmer for every clip run, as the kiosk has.
class SceneRunner {
  public:
    explicit SceneRunner(scanner::TrackingOptions options = {});
    ClipOutcome run(const SceneClip& clip, bool with_naive);

  private:
    NaiveReader naive_;  // first: its child is forked before the decoder has buffers (see NaiveReader)
    scanner::TrackingDecoder decoder_;
    scanner::CodeConfirmer confirmer_;
    std::uint64_t clock_ms_ = 0;
    cv::Mat handed_;  // the frame being decoded, in one buffer reused for all, as the kiosk hands it over
};

struct Targets {
    double found_fraction = 0.99;
    double bucket_fraction = 0.97;
    int max_latency_frames = 2;
    double p95_ratio = 0.3;  // ours p95 / naive p95
    double p95_ms = 11;      // at 1080p
};

// The tables (rotation in 15° buckets, module size, format) and the summary; `verdicts` lists each
// target as met or missed. Returns true when every target is met.
struct SceneSummary {
    int clips = 0, found = 0, naive_found = 0;
    int misreads = 0, duplicates = 0, late = 0, naive_only = 0, naive_aborts = 0;
    int distractors = 0, distractors_found = 0;
    double ours_p50 = 0, ours_p95 = 0, ours_max = 0, naive_p50 = 0, naive_p95 = 0;
    double worst_bucket_fraction = 1;
    std::vector<std::string> misses;  // one line per target missed
};
SceneSummary summarise(const std::vector<ClipOutcome>& outcomes, const Targets& targets, bool check_time,
                       std::FILE* out);

double percentile(std::vector<double> values, double p);
// CPU time of the calling thread: per-core cost, which other work on a busy machine does not inflate.
double thread_cpu_ms();

}  // namespace medkiosk::test
