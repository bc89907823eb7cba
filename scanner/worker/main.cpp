// medkiosk-decoder: the decoding helper DecodeWorker starts. It reads grey images from shared memory
// (fd 4) when asked over its socket (fd 3) and answers with the symbols found. Whatever the decoding
// library does to this process, the kiosk only loses the image being read.

#include <signal.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <memory>
#include <opencv2/core.hpp>
#include <opencv2/core/utils/logger.hpp>
#include <string>
#include <string_view>

#include "../src/decode_worker_protocol.hpp"
#include "medkiosk/scanner/decoder.hpp"
#ifdef MEDKIOSK_DECODER_FAULT_HOOKS
#include "zxing_merging_read.hpp"  // tests/scanner, for the test build only
#endif

namespace {

using namespace medkiosk::scanner;
namespace protocol = medkiosk::scanner::detail::worker;

double process_cpu_ms() {
    timespec ts{};
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return static_cast<double>(ts.tv_sec) * 1e3 + static_cast<double>(ts.tv_nsec) / 1e6;
}

bool send_message(const void* data, std::size_t size) {
    for (;;) {
        const ssize_t sent = ::send(protocol::kSocketFd, data, size, MSG_NOSIGNAL);
        if (sent == static_cast<ssize_t>(size)) return true;
        if (sent < 0 && errno == EINTR) continue;
        return false;
    }
}

// The image memory, mapped again whenever the kiosk resized it.
class SharedFrame {
  public:
    ~SharedFrame() { unmap(); }
    const std::uint8_t* map(std::uint64_t bytes) {
        if (bytes != size_) {
            unmap();
            if (bytes == 0) return nullptr;
            void* address = ::mmap(nullptr, bytes, PROT_READ, MAP_SHARED, protocol::kFrameFd, 0);
            if (address == MAP_FAILED) return nullptr;
            data_ = static_cast<std::uint8_t*>(address);
            size_ = bytes;
        }
        return data_;
    }

  private:
    void unmap() {
        if (data_) ::munmap(data_, size_);
        data_ = nullptr;
        size_ = 0;
    }
    std::uint8_t* data_ = nullptr;
    std::uint64_t size_ = 0;
};

#ifdef MEDKIOSK_DECODER_FAULT_HOOKS
// Test builds only (never the installed helper): an image starting with "MKFAULT" and a letter makes
// the helper fail in that way, so the tests can prove every way of failing is contained. 'Z' reads the
// image the way zxing-cpp 1.4 aborts on some frames (tests/scanner/zxing_merging_read.hpp): a real
// abort of the library, where it happens, and on other frames the usual decode.
void fault_hook(const std::uint8_t* pixels, int width, int height, std::uint64_t id) {
    const std::uint64_t size = static_cast<std::uint64_t>(width) * static_cast<std::uint64_t>(height);
    if (size < 8 || std::memcmp(pixels, "MKFAULT", 7) != 0) return;
    switch (pixels[7]) {
        case 'Z':
            medkiosk::test::read_through_zxing_merge(pixels, width, height, width);
            break;
        case 'A':
            std::fputs("medkiosk-decoder: fault hook: abort\n", stderr);
            std::abort();
        case 'S':
            ::raise(SIGSEGV);
            break;
        case 'H':
            for (;;) ::pause();
        case 'X':
            std::_Exit(7);
        case 'G': {
            const char junk[] = "not a result";
            send_message(junk, sizeof junk);
            break;
        }
        case 'W': {  // a well-formed answer to another request
            const std::string answer = protocol::encode_result(id + 1000, {}, 0, 0);
            send_message(answer.data(), answer.size());
            break;
        }
        default:
            break;
    }
}
#endif

}  // namespace

int main(int argc, char** argv) {
    if (argc < 4 || std::string_view(argv[1]) != protocol::kServeArgument ||
        std::string_view(argv[2]) != "--parent") {
        std::fputs(
            "medkiosk-decoder: the decoding helper of medkiosk and medkioskctl, started by them; not for "
            "use on its own\n",
            stderr);
        return 2;
    }
    // One thread: the per-frame budget is one core's, the kiosk's UI needs the other, and OpenCV's
    // thread pool, idle between frames, cost 3-4x the CPU of the decode itself in waking and spinning
    // (tests/bench/decode_worker_bench).
    cv::setNumThreads(1);
    // OpenCV's own warnings would reach the technician's terminal through the inherited stderr; what
    // goes wrong in a decode is reported to the parent, which says it in its own words.
    if (!std::getenv("OPENCV_LOG_LEVEL"))
        cv::utils::logging::setLogLevel(cv::utils::logging::LOG_LEVEL_SILENT);
    // Ends with the program that started it, even while stuck in a decode.
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    // A stop meant for the kiosk (systemd's SIGTERM to the whole unit, Ctrl-C's SIGINT or a closed
    // terminal's SIGHUP to the whole group) is the kiosk's to act on: the helper ends when the kiosk
    // closes the socket or dies, not first — otherwise every clean stop logged a decoder crash.
    ::signal(SIGTERM, SIG_IGN);
    ::signal(SIGINT, SIG_IGN);
    ::signal(SIGHUP, SIG_IGN);
    if (std::to_string(::getppid()) != argv[3]) return 3;  // that program is already gone

    protocol::Ready ready;
    ready.header.type = protocol::Type::Ready;
    ready.pid = static_cast<std::int32_t>(::getpid());
    if (!send_message(&ready, sizeof ready)) return 4;

    DecoderOptions still_options;
    TrackingOptions live_options;
    auto still = std::make_unique<Decoder>(still_options);
    auto live = std::make_unique<TrackingDecoder>(live_options);
    SharedFrame frame;
    std::vector<char> buffer(protocol::kMaxMessage);
    for (;;) {
        const ssize_t received = ::recv(protocol::kSocketFd, buffer.data(), buffer.size(), 0);
        if (received < 0 && errno == EINTR) continue;
        if (received <= 0) return 0;  // the kiosk closed the socket: done
        const auto size = static_cast<std::size_t>(received);
        if (auto configure =
                protocol::read_message<protocol::Configure>(buffer.data(), size, protocol::Type::Configure)) {
            still_options = configure->still;
            live_options = configure->live;
            still = std::make_unique<Decoder>(still_options);
            live = std::make_unique<TrackingDecoder>(live_options);
            continue;
        }
        if (protocol::read_message<protocol::Header>(buffer.data(), size, protocol::Type::ResetLive)) {
            live = std::make_unique<TrackingDecoder>(live_options);
            continue;
        }
        const auto request =
            protocol::read_message<protocol::Decode>(buffer.data(), size, protocol::Type::Decode);
        if (!request) return 5;  // not from the kiosk we know: stop rather than guess
        const std::uint64_t pixels_size =
            static_cast<std::uint64_t>(request->width) * static_cast<std::uint64_t>(request->height);
        errno = 0;
        const std::uint8_t* pixels = frame.map(request->shared_bytes);
        const std::int32_t failure = pixels ? 0 : (errno != 0 ? errno : EINVAL);
        std::vector<DecodedSymbol> symbols;
        const double cpu_before = process_cpu_ms();
        const auto wall_before = std::chrono::steady_clock::now();
        if (pixels && request->width > 0 && request->height > 0 && pixels_size <= request->shared_bytes) {
#ifdef MEDKIOSK_DECODER_FAULT_HOOKS
            fault_hook(pixels, request->width, request->height, request->header.id);
#endif
            symbols = request->mode == 1
                          ? live->decode_grey(pixels, request->width, request->height, request->width)
                          : still->decode_grey(pixels, request->width, request->height, request->width);
        }
        const std::string answer = protocol::encode_result(
            request->header.id, symbols, process_cpu_ms() - cpu_before,
            std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - wall_before).count(),
            failure);
        if (!send_message(answer.data(), answer.size())) return 0;
    }
}
