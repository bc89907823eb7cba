#pragma once
// Rotation sweeps of linear symbols (libzint) on 1080p frames, for the crash-containment tests: Debian's
// zxing-cpp 1.4 aborts on some of them (GS1 DataBar Expanded turned a few degrees off a multiple of 90°,
// with 2–3 px modules).

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <opencv2/core.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "medkiosk/scanner/decoder.hpp"

namespace medkiosk::test {

struct SweepFrame {
    cv::Mat grey;          // 1920x1080
    std::string label;     // "DataBarExpanded 2px 3deg"
    std::string expected;  // the text a reader returns, empty when it is not checked
};

// Every linear format the kiosk reads (EAN-13, EAN-8, UPC-A, Code 128, GS1-128, DataBar, DataBar
// Expanded), each turned from 0° to 179° in `step_degrees` steps, at 2 and 3 px per module.
std::vector<SweepFrame> linear_rotation_sweep(int step_degrees);

// GS1 DataBar Expanded near the angles where zxing 1.4 aborts: every degree within 5° of 0°, 90°
// and 180°, at 2 and 3 px per module.
std::vector<SweepFrame> databar_expanded_near_axes();

// A plain EAN-13 frame every decoder reads, to check decoding goes on after a crash.
SweepFrame upright_ean13();

// What deciding in-process does: the texts read, or the signal that ended the process.
struct InProcess {
    bool aborted = false;
    std::vector<std::string> texts;  // one line per decode: its texts joined by '|'
};

// Runs `decode` (which returns one line per decode) in a forked child and collects its lines.
template <typename Decode>
InProcess in_process(Decode decode) {
    int pipe_fds[2];
    if (::pipe(pipe_fds) != 0) return {};
    const pid_t child = ::fork();
    if (child == 0) {
        ::close(pipe_fds[0]);
        // The assertion's message is expected here; the helper's own copy is what the tests check.
        const int quiet = ::open("/dev/null", O_WRONLY);
        if (quiet >= 0) ::dup2(quiet, 2);
        decode([&](const std::string& line) {
            const std::string out = line + "\n";
            if (::write(pipe_fds[1], out.data(), out.size()) < 0) _exit(9);
        });
        _exit(0);
    }
    ::close(pipe_fds[1]);
    std::string output;
    char buffer[4096];
    for (ssize_t n; (n = ::read(pipe_fds[0], buffer, sizeof buffer)) > 0;)
        output.append(buffer, std::size_t(n));
    ::close(pipe_fds[0]);
    int status = 0;
    ::waitpid(child, &status, 0);
    InProcess result;
    result.aborted = WIFSIGNALED(status) && WTERMSIG(status) == SIGABRT;
    std::istringstream lines(output);
    for (std::string line; std::getline(lines, line);) result.texts.push_back(line);
    return result;
}

// The texts of one decode, joined by '|'.
std::string joined(const std::vector<scanner::DecodedSymbol>& symbols);

// What the test build of the helper does with `grey` before it decodes it: on an image marked 'Z' (see
// mark_fault), the read that aborts zxing-cpp 1.4 where it does; nothing on any other image.
void fault_hooks_in_process(const cv::Mat& grey);

// How decoding `grey` in this process, as the test build of the helper does (fault_hooks_in_process,
// then the decoder), would end: `times` decodes by one fresh live decoder, or by the still decoder.
InProcess decode_in_child(const cv::Mat& grey, bool live, int times);

// The test build of the decoding helper (medkiosk-decoder-with-faults) fails on purpose on an image
// whose first pixels spell "MKFAULT" and `fault`: 'A' abort, 'S' segfault, 'X' exit, 'H' hang, 'G' and
// 'W' wrong answers, 'Z' a read that aborts zxing-cpp 1.4 itself where it does in-process (see
// zxing_merging_read.hpp). The mark costs 8 pixels of the top-left corner.
void mark_fault(cv::Mat& grey, char fault);

// Sweep frames, marked 'Z', on which that read aborts zxing in-process (found in forked children): the
// test helper aborts in the library on each. At most `wanted`.
std::vector<SweepFrame> zxing_aborting_frames(std::size_t wanted);

// The test build of the helper, as built.
std::string faulty_decoder_path();

// `program` (medkioskctl or the kiosk, as built) copied into `dir` beside the test build of the helper
// under the installed helper's name, which is where the program looks for it: the shipped program,
// unchanged, decoding with a helper that fails on marked images. Returns the copy's path.
std::string beside_faulty_decoder(const std::filesystem::path& dir, const std::string& program);

}  // namespace medkiosk::test
