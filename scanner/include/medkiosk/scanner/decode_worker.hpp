#pragma once
// Decoding in a process of its own. zxing-cpp 1.4 as Debian builds it keeps its assertions, and some
// frames (a GS1 DataBar Expanded turned a few degrees, for one) make it abort(): nothing in-process
// can catch that. The decoder therefore runs in `medkiosk-decoder`, a small helper program; the
// caller writes each grey image into memory shared with it (no copy, no encoding) and gets the
// symbols back over a socket. When the helper dies or hangs, the image it was reading is skipped,
// the cause is reported, and a fresh helper is started for the next one.

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "medkiosk/scanner/decoder.hpp"

namespace medkiosk::scanner {

// Still: one photo, read as thoroughly as Decoder does. Live: successive frames of one stream, read by
// a TrackingDecoder that lives in the helper between frames.
enum class DecodeMode { Still, Live };

struct DecodeWorkerOptions {
    std::string executable;  // empty: the installed helper (see find_decoder_executable)
    std::chrono::milliseconds start_timeout{std::chrono::seconds(10)};
    // A decode that takes longer is stopped (the helper is killed) and the image skipped.
    std::chrono::milliseconds still_timeout{std::chrono::seconds(60)};
    std::chrono::milliseconds live_timeout{std::chrono::seconds(5)};
    // The first crash restarts the helper at once; each further crash in a row doubles this wait
    // (frames offered meanwhile are skipped unread), up to the maximum. 0 = always at once.
    std::chrono::milliseconds restart_backoff{0};
    std::chrono::milliseconds max_restart_backoff{std::chrono::seconds(2)};
    DecoderOptions still;
    TrackingOptions live;
};

// Why an image was not decoded.
struct DecodeIncident {
    enum class Kind {
        Crashed,      // the helper died while decoding (an abort in the library, a fault)
        TimedOut,     // the helper took longer than the timeout and was stopped
        Unavailable,  // the helper could not be started (missing, wrong version, failed at start)
        BadAnswer,    // the helper answered something that is not a result
    };
    Kind kind = Kind::Crashed;
    std::string skipped;  // what was being decoded, as the caller described it (a file, "frame 12 …")
    std::string detail;   // how it ended, e.g. "killed by signal 6 (SIGABRT): …Assertion … failed."
};
std::string_view to_string(DecodeIncident::Kind kind);  // "crashed", "timed-out", …

struct DecodeReport {
    std::vector<DecodedSymbol> symbols;
    bool skipped = false;                    // not decoded: see incident (none while backing off)
    std::optional<DecodeIncident> incident;  // what went wrong, once per occurrence
    double helper_cpu_ms = 0;                // CPU time the helper spent on this image (all its threads)
    double helper_wall_ms = 0;               // time from the helper's reading the request to its answer
};

class DecodeWorker {
  public:
    explicit DecodeWorker(DecodeWorkerOptions options = {});
    ~DecodeWorker();  // ends the helper
    DecodeWorker(const DecodeWorker&) = delete;
    DecodeWorker& operator=(const DecodeWorker&) = delete;

    // Starts the helper now, so the first image does not wait for it. The error says why it cannot.
    std::optional<std::string> start();

    // A width×height grey buffer (row stride = width) shared with the helper: fill it, then call
    // decode_buffer(). Valid until the next call; null when the memory cannot be had.
    std::uint8_t* grey_buffer(int width, int height);
    DecodeReport decode_buffer(DecodeMode mode, int width, int height, std::string_view what);

    // Copies the image into the shared buffer first (for callers whose image is already in memory).
    DecodeReport decode_grey(DecodeMode mode, const std::uint8_t* pixels, int width, int height, int stride,
                             std::string_view what);

    // Forgets the codes the live decoder follows (a new video, a new source).
    void reset_live();

    pid_t helper_pid() const;      // 0 while no helper runs
    std::uint64_t starts() const;  // helpers started so far (restarts = starts - 1)

  private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

// The helper program: beside the running program, then where the package installs it
// (../lib/medkiosk/ from the program's folder), then the one in this build tree. Empty if none exists.
std::string find_decoder_executable();

}  // namespace medkiosk::scanner
