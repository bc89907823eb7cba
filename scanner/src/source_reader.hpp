#pragma once
// Opens a frame source and reads it on a thread of its own, handing over one frame at a time. A source
// stuck inside a call (a camera driver that never returns, a file on a hung mount) cannot be
// interrupted; the reader lets its owner give up on it instead: the thread is left to finish that
// call whenever it does, closes the source and ends, touching nothing but its own shared state.

#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "medkiosk/scanner/frame_source.hpp"

namespace medkiosk::scanner::detail {

struct SourceEvent {
    enum class Kind {
        Opened,   // message: the source's name
        Frame,    // frame set
        Skipped,  // a file the source passed over; message: "PATH: why"
        Failed,   // message: why (never empty)
        Finished  // a non-looping file or folder delivered its last frame
    };
    Kind kind = Kind::Failed;
    std::optional<Frame> frame;
    std::string message;
};

class SourceReader {
  public:
    using Opener = std::function<OpenedSource()>;
    // Starts reading at once.
    explicit SourceReader(Opener open);
    // Gives up on the source: waits up to `grace` for its thread to end, then leaves it behind.
    ~SourceReader();
    SourceReader(const SourceReader&) = delete;
    SourceReader& operator=(const SourceReader&) = delete;

    // The next thing that happened, or nothing within `timeout`.
    std::optional<SourceEvent> wait(std::chrono::milliseconds timeout);

  private:
    struct Shared {
        std::mutex mutex;
        std::condition_variable changed;
        std::deque<SourceEvent> events;
        bool abandoned = false;
        bool done = false;
    };
    static void run(const std::shared_ptr<Shared>& shared, const Opener& open);

    std::shared_ptr<Shared> shared_;
    std::thread thread_;
};

}  // namespace medkiosk::scanner::detail
