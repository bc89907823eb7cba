// The kiosk's side of the decoding helper: starts medkiosk-decoder with posix_spawn (no fork of a
// process that runs camera, UI and database threads), shares one memfd for the image, asks over a
// SOCK_SEQPACKET socket and waits for the answer with a timeout. The helper's stderr comes back
// through a pipe, so an assertion's own words end up in the incident.

#include "medkiosk/scanner/decode_worker.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <system_error>
#include <thread>

#include "decode_worker_protocol.hpp"
#include "durations.hpp"

extern char** environ;

namespace medkiosk::scanner {
namespace protocol = detail::worker;
namespace {

using Clock = std::chrono::steady_clock;

constexpr const char* kHelperName = "medkiosk-decoder";
constexpr std::size_t kStderrTail = 2048;

std::string errno_text(int error) {
    return std::error_code(error, std::generic_category()).message();
}

std::string describe_status(int status) {
    if (WIFSIGNALED(status)) {
        const int signal = WTERMSIG(status);
        const char* abbreviation = sigabbrev_np(signal);
        const char* description = sigdescr_np(signal);
        std::string text = "killed by signal " + std::to_string(signal);
        if (abbreviation) {
            text += " (SIG";
            text += abbreviation;
            if (description) {
                text += ", ";
                text += description;
            }
            text += ')';
        }
        return text;
    }
    if (WIFEXITED(status)) return "exited with status " + std::to_string(WEXITSTATUS(status));
    return "ended (wait status " + std::to_string(status) + ")";
}

// The last line the helper wrote that says something, e.g. the failed assertion.
std::string last_line(std::string_view text) {
    while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.remove_suffix(1);
    const std::size_t start = text.rfind('\n');
    std::string line(start == std::string_view::npos ? text : text.substr(start + 1));
    if (line.size() > 400) line = line.substr(0, 400) + "…";
    return line;
}

void close_fd(int& fd) {
    if (fd >= 0) ::close(fd);
    fd = -1;
}

bool executable_file(const std::filesystem::path& path) {
    std::error_code ec;
    return std::filesystem::is_regular_file(path, ec) && ::access(path.c_str(), X_OK) == 0;
}

}  // namespace

std::string_view to_string(DecodeIncident::Kind kind) {
    switch (kind) {
        case DecodeIncident::Kind::Crashed:
            return "crashed";
        case DecodeIncident::Kind::TimedOut:
            return "timed-out";
        case DecodeIncident::Kind::Unavailable:
            return "unavailable";
        case DecodeIncident::Kind::BadAnswer:
            return "bad-answer";
    }
    return "unknown";
}

std::string find_decoder_executable() {
    std::error_code ec;
    const auto program = std::filesystem::read_symlink("/proc/self/exe", ec);
    std::vector<std::filesystem::path> candidates;
    if (!ec) {
        candidates.push_back(program.parent_path() / kHelperName);
        candidates.push_back(program.parent_path() / ".." / "lib" / "medkiosk" / kHelperName);
    }
#ifdef MEDKIOSK_DECODER_BUILD_PATH
    candidates.emplace_back(MEDKIOSK_DECODER_BUILD_PATH);
#endif
    for (const auto& candidate : candidates)
        if (executable_file(candidate)) return candidate.lexically_normal().string();
    return {};
}

struct DecodeWorker::Impl {
    DecodeWorkerOptions options;

    // The image memory, shared with every helper this worker starts.
    int frame_fd = -1;
    std::uint8_t* frame = nullptr;
    std::size_t frame_bytes = 0;
    std::string frame_error;

    // The helper now running (pid 0: none).
    pid_t pid = 0;
    int socket = -1;
    int helper_stderr = -1;
    std::string stderr_tail;
    std::string executable;

    std::uint64_t next_id = 1;
    std::uint64_t starts = 0;
    int failures_in_a_row = 0;
    Clock::time_point restart_at{};
    std::chrono::milliseconds restart_wait{0};
    std::vector<char> buffer = std::vector<char>(protocol::kMaxMessage);

    ~Impl() {
        stop();
        if (frame) ::munmap(frame, frame_bytes);
        close_fd(frame_fd);
    }

    bool ensure_frame(std::size_t bytes) {
        if (frame_fd < 0) {
            frame_fd = ::memfd_create("medkiosk-frame", MFD_CLOEXEC);
            if (frame_fd < 0) {
                frame_error = "shared image memory could not be created: " + errno_text(errno);
                return false;
            }
        }
        // Grows as needed; gives back memory after one very large still among small frames.
        const bool shrink = frame_bytes >= (std::size_t{64} << 20) && bytes < frame_bytes / 4;
        if (frame && bytes <= frame_bytes && !shrink) return true;
        const std::size_t page = static_cast<std::size_t>(::sysconf(_SC_PAGESIZE));
        const std::size_t size = std::max<std::size_t>(page, (bytes + page - 1) / page * page);
        if (frame) ::munmap(frame, frame_bytes);
        frame = nullptr;
        frame_bytes = 0;
        if (::ftruncate(frame_fd, static_cast<off_t>(size)) != 0) {
            frame_error = "shared image memory of " + std::to_string(size) +
                          " bytes could not be had: " + errno_text(errno);
            return false;
        }
        void* address = ::mmap(nullptr, size, PROT_READ | PROT_WRITE, MAP_SHARED, frame_fd, 0);
        if (address == MAP_FAILED) {
            frame_error = "shared image memory could not be mapped: " + errno_text(errno);
            return false;
        }
        frame = static_cast<std::uint8_t*>(address);
        frame_bytes = size;
        return true;
    }

    void drain_stderr() {
        char chunk[4096];
        while (helper_stderr >= 0) {
            const ssize_t got = ::read(helper_stderr, chunk, sizeof chunk);
            if (got > 0) {
                stderr_tail.append(chunk, static_cast<std::size_t>(got));
                if (stderr_tail.size() > kStderrTail) stderr_tail.erase(0, stderr_tail.size() - kStderrTail);
                continue;
            }
            if (got < 0 && errno == EINTR) continue;
            if (got == 0) close_fd(helper_stderr);  // the helper is gone
            return;
        }
    }

    // Ends the helper (killing it first when asked) and says how it ended, in its own words if it
    // left any on stderr.
    std::string finish_helper(bool kill_first) {
        if (pid == 0) return "not running";
        if (kill_first) ::kill(pid, SIGKILL);
        close_fd(socket);  // a helper still alive sees the end of its input and leaves
        int status = 0;
        pid_t reaped = 0;
        const auto give_up = Clock::now() + std::chrono::seconds(2);
        while ((reaped = ::waitpid(pid, &status, WNOHANG)) == 0) {
            if (Clock::now() > give_up) {
                ::kill(pid, SIGKILL);
                reaped = ::waitpid(pid, &status, 0);
                break;
            }
            drain_stderr();
            std::this_thread::sleep_for(std::chrono::milliseconds(2));
        }
        if (reaped < 0 && errno == EINTR) reaped = ::waitpid(pid, &status, 0);
        pid = 0;
        drain_stderr();
        close_fd(helper_stderr);
        std::string how =
            reaped == -1 ? "ended (its exit status was not available)" : describe_status(status);
        if (const std::string said = last_line(stderr_tail); !said.empty()) how += ": " + said;
        stderr_tail.clear();
        return how;
    }

    void stop() {
        if (pid == 0) return;
        close_fd(socket);
        // Give it a moment to leave on its own, then make sure.
        const auto deadline = Clock::now() + std::chrono::seconds(1);
        int status = 0;
        while (::waitpid(pid, &status, WNOHANG) == 0) {
            if (Clock::now() > deadline) {
                ::kill(pid, SIGKILL);
                ::waitpid(pid, &status, 0);
                break;
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(2));
        }
        pid = 0;
        close_fd(helper_stderr);
    }

    enum class Received { Message, Closed, TimedOut, Failed };

    // Waits for one message from the helper, reading its stderr meanwhile.
    Received receive(Clock::time_point deadline, std::size_t& size) {
        for (;;) {
            const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
            if (left.count() < 0) return Received::TimedOut;
            pollfd fds[2] = {{socket, POLLIN, 0}, {helper_stderr, POLLIN, 0}};
            const int ready = ::poll(fds, helper_stderr >= 0 ? 2 : 1, static_cast<int>(left.count()) + 1);
            if (ready < 0 && errno == EINTR) continue;
            if (ready < 0) return Received::Failed;
            if (helper_stderr >= 0 && fds[1].revents != 0) drain_stderr();
            if (fds[0].revents == 0) continue;
            const ssize_t got = ::recv(socket, buffer.data(), buffer.size(), MSG_DONTWAIT | MSG_TRUNC);
            if (got < 0 && (errno == EAGAIN || errno == EINTR)) continue;
            if (got == 0 || (got < 0 && errno == ECONNRESET)) return Received::Closed;
            if (got < 0) return Received::Failed;
            size = static_cast<std::size_t>(got);
            return Received::Message;
        }
    }

    std::optional<std::string> start() {
        if (pid != 0) return std::nullopt;
        executable = options.executable.empty() ? find_decoder_executable() : options.executable;
        if (executable.empty())
            return std::string("the decoding helper ") + kHelperName +
                   " is not installed beside this program or in ../lib/medkiosk/: reinstall medkiosk";
        if (!ensure_frame(frame_bytes)) return frame_error;
        int pair[2];
        if (::socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, pair) != 0)
            return "no socket for the decoding helper: " + errno_text(errno);
        int errors[2];
        if (::pipe2(errors, O_CLOEXEC) != 0) {
            const int saved = errno;
            ::close(pair[0]);
            ::close(pair[1]);
            return "no pipe for the decoding helper: " + errno_text(saved);
        }
        // The helper's ends, moved above 0–4 so that no dup2 below overwrites another one's source.
        int child_socket = ::fcntl(pair[1], F_DUPFD_CLOEXEC, 10);
        int child_frame = ::fcntl(frame_fd, F_DUPFD_CLOEXEC, 10);
        int child_stderr = ::fcntl(errors[1], F_DUPFD_CLOEXEC, 10);
        ::close(pair[1]);
        ::close(errors[1]);

        posix_spawn_file_actions_t actions;
        posix_spawn_file_actions_init(&actions);
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
        posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
        posix_spawn_file_actions_adddup2(&actions, child_stderr, 2);
        posix_spawn_file_actions_adddup2(&actions, child_socket, protocol::kSocketFd);
        posix_spawn_file_actions_adddup2(&actions, child_frame, protocol::kFrameFd);
        posix_spawn_file_actions_addclosefrom_np(&actions, protocol::kFrameFd + 1);  // nothing else leaks
        posix_spawnattr_t attributes;
        posix_spawnattr_init(&attributes);
        sigset_t none;
        sigemptyset(&none);
        posix_spawnattr_setsigmask(&attributes, &none);
        sigset_t defaults;
        sigemptyset(&defaults);
        for (int signal : {SIGPIPE, SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGCHLD}) sigaddset(&defaults, signal);
        posix_spawnattr_setsigdefault(&attributes, &defaults);
        posix_spawnattr_setflags(&attributes, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);

        const std::string parent = std::to_string(::getpid());
        std::string serve = protocol::kServeArgument;
        std::string parent_flag = "--parent";
        std::string program = executable;
        std::string parent_pid = parent;
        char* argv[] = {program.data(), serve.data(), parent_flag.data(), parent_pid.data(), nullptr};
        pid_t spawned = 0;
        const int spawn_error =
            ::posix_spawn(&spawned, executable.c_str(), &actions, &attributes, argv, environ);
        posix_spawn_file_actions_destroy(&actions);
        posix_spawnattr_destroy(&attributes);
        close_fd(child_socket);
        close_fd(child_frame);
        close_fd(child_stderr);
        if (spawn_error != 0) {
            ::close(pair[0]);
            ::close(errors[0]);
            return "the decoding helper " + executable + " could not be started: " + errno_text(spawn_error);
        }
        pid = spawned;
        socket = pair[0];
        helper_stderr = errors[0];
        ::fcntl(helper_stderr, F_SETFL, ::fcntl(helper_stderr, F_GETFL) | O_NONBLOCK);
        stderr_tail.clear();
        ++starts;

        std::size_t size = 0;
        const Received received = receive(Clock::now() + options.start_timeout, size);
        if (received != Received::Message) {
            const bool hung = received == Received::TimedOut;
            const std::string how = finish_helper(hung);
            return "the decoding helper " + executable +
                   (hung ? " did not report ready within " + detail::duration_text(options.start_timeout) +
                               " and was "
                         : " ") +
                   how + (hung ? "" : " before it was ready");
        }
        const auto ready =
            protocol::read_message<protocol::Ready>(buffer.data(), size, protocol::Type::Ready);
        if (!ready || ready->layout != protocol::kLayout) {
            finish_helper(true);
            return "the decoding helper " + executable +
                   " belongs to another version of medkiosk; restart medkiosk after an upgrade, or reinstall "
                   "it";
        }
        protocol::Configure configure{};
        configure.header.type = protocol::Type::Configure;
        configure.still = options.still;
        configure.live = options.live;
        if (::send(socket, &configure, sizeof configure, MSG_NOSIGNAL) !=
            static_cast<ssize_t>(sizeof configure)) {
            const std::string how = finish_helper(true);
            return "the decoding helper " + executable + " " + how + " while being configured";
        }
        return std::nullopt;
    }

    void note_failure() {
        ++failures_in_a_row;
        auto wait = std::chrono::milliseconds(0);
        if (failures_in_a_row > 1 && options.restart_backoff.count() > 0) {
            wait = options.restart_backoff;
            for (int i = 2; i < failures_in_a_row && wait < options.max_restart_backoff; ++i) wait *= 2;
            wait = std::min(wait, options.max_restart_backoff);
        }
        restart_wait = wait;
        restart_at = Clock::now() + wait;
    }

    std::string next_start_text() const {
        return restart_wait.count() > 0 ? "; the next helper starts in " + detail::duration_text(restart_wait)
                                        : "; a new helper takes the next image";
    }

    DecodeReport decode(DecodeMode mode, int width, int height, std::string_view what) {
        DecodeReport report;
        const auto skip = [&](DecodeIncident::Kind kind, std::string detail) {
            report.skipped = true;
            report.symbols.clear();
            report.incident = DecodeIncident{kind, std::string(what), std::move(detail)};
            return report;
        };
        if (width <= 0 || height <= 0 || !frame ||
            static_cast<std::size_t>(width) * static_cast<std::size_t>(height) > frame_bytes)
            return skip(DecodeIncident::Kind::BadAnswer, "no shared image of " + std::to_string(width) + "x" +
                                                             std::to_string(height) + " was prepared" +
                                                             (frame_error.empty() ? "" : ": " + frame_error));
        std::string died_idle;
        for (int attempt = 0;; ++attempt) {
            if (pid == 0) {
                if (Clock::now() < restart_at) {
                    report.skipped = true;  // still backing off after crashes in a row: skip quietly
                    return report;
                }
                if (auto error = start()) {
                    note_failure();
                    return skip(DecodeIncident::Kind::Unavailable, *error + next_start_text());
                }
            }
            drain_stderr();
            stderr_tail.clear();
            protocol::Decode request;
            request.header.type = protocol::Type::Decode;
            request.header.id = next_id++;
            request.mode = mode == DecodeMode::Live ? 1 : 0;
            request.width = width;
            request.height = height;
            request.shared_bytes = frame_bytes;
            if (::send(socket, &request, sizeof request, MSG_NOSIGNAL) ==
                static_cast<ssize_t>(sizeof request)) {
                report = answer(request.header.id, mode, what);
                if (!died_idle.empty() && !report.incident)
                    report.incident = DecodeIncident{DecodeIncident::Kind::Crashed, "nothing (it was idle)",
                                                     "the decoding helper " + died_idle};
                return report;
            }
            // It died while idle (killed from outside, out of memory): this image was not the
            // cause, so a new helper gets it once.
            died_idle = finish_helper(true);
            if (attempt > 0) {
                note_failure();
                return skip(DecodeIncident::Kind::Crashed,
                            "the decoding helper " + died_idle + " before it could read the image");
            }
        }
    }

    DecodeReport answer(std::uint64_t id, DecodeMode mode, std::string_view what) {
        DecodeReport report;
        const auto fail = [&](DecodeIncident::Kind kind, const std::string& detail) {
            note_failure();
            report.skipped = true;
            report.incident = DecodeIncident{kind, std::string(what), detail + next_start_text()};
            return report;
        };
        const auto timeout = mode == DecodeMode::Live ? options.live_timeout : options.still_timeout;
        std::size_t size = 0;
        switch (receive(Clock::now() + timeout, size)) {
            case Received::Message:
                break;
            case Received::Closed:
                return fail(DecodeIncident::Kind::Crashed, "the decoding helper " + finish_helper(false));
            case Received::TimedOut:
                return fail(DecodeIncident::Kind::TimedOut,
                            "no answer within " + detail::duration_text(timeout) +
                                "; the helper was stopped (" + finish_helper(true) + ")");
            case Received::Failed:
                return fail(DecodeIncident::Kind::BadAnswer, "the helper's socket failed (" +
                                                                 errno_text(errno) + "); it was stopped (" +
                                                                 finish_helper(true) + ")");
        }
        const auto result =
            size <= buffer.size() ? protocol::decode_result(buffer.data(), size) : std::nullopt;
        if (!result || result->id != id) {
            // A confused helper is not asked again.
            const std::string how = finish_helper(true);
            return fail(DecodeIncident::Kind::BadAnswer,
                        "the helper answered with " + std::to_string(size) +
                            " bytes that are not the result asked for; it was "
                            "stopped (" +
                            how + ")");
        }
        if (result->failure != 0)
            return fail(DecodeIncident::Kind::BadAnswer,
                        "the helper could not read the shared image: " + errno_text(result->failure));
        failures_in_a_row = 0;
        report.symbols = std::move(result->symbols);
        report.helper_cpu_ms = result->cpu_ms;
        report.helper_wall_ms = result->wall_ms;
        return report;
    }
};

DecodeWorker::DecodeWorker(DecodeWorkerOptions options) : impl_(std::make_unique<Impl>()) {
    impl_->options = std::move(options);
}

DecodeWorker::~DecodeWorker() = default;

std::optional<std::string> DecodeWorker::start() {
    return impl_->start();
}

std::uint8_t* DecodeWorker::grey_buffer(int width, int height) {
    if (width <= 0 || height <= 0) return nullptr;
    if (!impl_->ensure_frame(static_cast<std::size_t>(width) * static_cast<std::size_t>(height)))
        return nullptr;
    return impl_->frame;
}

DecodeReport DecodeWorker::decode_buffer(DecodeMode mode, int width, int height, std::string_view what) {
    return impl_->decode(mode, width, height, what);
}

DecodeReport DecodeWorker::decode_grey(DecodeMode mode, const std::uint8_t* pixels, int width, int height,
                                       int stride, std::string_view what) {
    std::uint8_t* buffer = pixels && stride >= width ? grey_buffer(width, height) : nullptr;
    if (buffer) {
        for (int y = 0; y < height; ++y)
            std::memcpy(buffer + static_cast<std::size_t>(y) * static_cast<std::size_t>(width),
                        pixels + static_cast<std::size_t>(y) * static_cast<std::size_t>(stride),
                        static_cast<std::size_t>(width));
    }
    return impl_->decode(mode, buffer ? width : 0, buffer ? height : 0, what);
}

void DecodeWorker::reset_live() {
    if (impl_->pid == 0) return;  // a new helper starts with nothing followed anyway
    protocol::Header reset;
    reset.type = protocol::Type::ResetLive;
    reset.id = impl_->next_id++;
    ::send(impl_->socket, &reset, sizeof reset, MSG_NOSIGNAL);  // a dead helper shows on the next decode
}

pid_t DecodeWorker::helper_pid() const {
    return impl_->pid;
}

std::uint64_t DecodeWorker::starts() const {
    return impl_->starts;
}

}  // namespace medkiosk::scanner
