#pragma once
// A stand-in for systemd's notification socket: binds NOTIFY_SOCKET's path and collects what a
// service sends (READY=1, WATCHDOG=1, STATUS=…) with the time each datagram arrived.

#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <string>
#include <vector>

namespace medkiosk::test {

class FakeNotifySocket {
  public:
    using Clock = std::chrono::steady_clock;
    struct Message {
        std::string text;
        Clock::time_point at;
    };

    explicit FakeNotifySocket(const std::filesystem::path& path) : path_(path.string()) {
        fd_ = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
        sockaddr_un address{};
        address.sun_family = AF_UNIX;
        path_.copy(address.sun_path, sizeof(address.sun_path) - 1);
        ok_ = fd_ >= 0 && ::bind(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0;
    }
    ~FakeNotifySocket() {
        if (fd_ >= 0) ::close(fd_);
        ::unlink(path_.c_str());
    }
    FakeNotifySocket(const FakeNotifySocket&) = delete;
    FakeNotifySocket& operator=(const FakeNotifySocket&) = delete;

    bool ok() const { return ok_; }
    const std::string& path() const { return path_; }

    // Collects every datagram that arrives within `window`.
    std::vector<Message> collect(std::chrono::milliseconds window) {
        std::vector<Message> messages;
        const auto until = Clock::now() + window;
        for (;;) {
            const auto left =
                std::chrono::duration_cast<std::chrono::milliseconds>(until - Clock::now()).count();
            if (left <= 0) break;
            pollfd p{fd_, POLLIN, 0};
            if (::poll(&p, 1, static_cast<int>(left)) <= 0) continue;
            char buffer[4096];
            const ssize_t n = ::recv(fd_, buffer, sizeof buffer, 0);
            if (n > 0) messages.push_back({std::string(buffer, static_cast<std::size_t>(n)), Clock::now()});
        }
        return messages;
    }

    // Waits for a datagram containing `text`; false on timeout.
    bool wait_for(const std::string& text, std::chrono::milliseconds timeout) {
        const auto until = Clock::now() + timeout;
        while (Clock::now() < until) {
            for (const auto& message : collect(std::chrono::milliseconds(100)))
                if (message.text.find(text) != std::string::npos) return true;
        }
        return false;
    }

  private:
    std::string path_;
    int fd_ = -1;
    bool ok_ = false;
};

inline int count_containing(const std::vector<FakeNotifySocket::Message>& messages, const std::string& text) {
    int count = 0;
    for (const auto& message : messages) count += message.text.find(text) != std::string::npos ? 1 : 0;
    return count;
}

}  // namespace medkiosk::test
