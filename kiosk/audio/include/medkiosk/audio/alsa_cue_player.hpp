#pragma once
// Plays the verdict chimes (kiosk/core sound_cues) through ALSA on a thread of its own. The UI thread
// only hands a cue over — play() takes a mutex nobody holds across a device call and returns — and a
// newer cue replaces one still waiting, so a quick run of verdicts never queues up stale sounds.
//
// The device is opened for each cue and closed after it: a USB speaker unplugged and plugged back works
// again without a restart, and nothing else is kept from the card between chimes. A device that cannot
// be opened or written is logged once (event sound-error) and the kiosk stays silent; the next cue at
// least `retry_after` later tries again, and the first one that plays logs sound-ok. No exception leaves
// this class, and nothing here can stop the kiosk.

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "medkiosk/kiosk/sound_cues.hpp"

namespace medkiosk::audio {

struct AlsaPlayerOptions {
    kiosk::SoundSettings settings;
    std::chrono::milliseconds retry_after{std::chrono::minutes(1)};
};

struct AlsaPlayerStats {
    std::uint64_t played = 0;    // cues written to the device to the end
    std::uint64_t failures = 0;  // cues the device refused (open, set-up or write)
    std::uint64_t skipped = 0;   // cues dropped silently while waiting to retry a failed device
    std::uint64_t replaced = 0;  // cues a newer one replaced before they started
    bool outage = false;         // the last attempt failed
};

class AlsaCuePlayer final : public kiosk::CuePlayer {
  public:
    explicit AlsaCuePlayer(AlsaPlayerOptions options);
    ~AlsaCuePlayer() override;  // lets a chime being played finish (at most ~0.6 s), drops one waiting
    AlsaCuePlayer(const AlsaCuePlayer&) = delete;
    AlsaCuePlayer& operator=(const AlsaCuePlayer&) = delete;

    void play(kiosk::SoundCue cue) override;
    void preview(kiosk::SoundCue cue, int volume) override;
    void set_volume(bool enabled, int volume) override;

    AlsaPlayerStats stats() const;
    // True once no cue is waiting or playing; false when `timeout` passed first.
    bool wait_until_idle(std::chrono::milliseconds timeout);

  private:
    struct Request {
        kiosk::SoundCue cue;
        std::optional<int> volume;  // a preview's own volume; otherwise the setting when it plays
    };
    void enqueue(Request request);
    void run();
    void play_now(const Request& request);
    void failed(const char* what, int alsa_error);

    const std::string device_;
    const std::chrono::milliseconds retry_after_;
    mutable std::mutex mutex_;
    std::condition_variable wake_;
    std::condition_variable idle_;
    bool stopping_ = false;
    bool busy_ = false;
    std::optional<Request> waiting_;
    bool enabled_;
    int volume_;
    AlsaPlayerStats stats_;
    // Only the audio thread touches these.
    std::chrono::steady_clock::time_point retry_at_{};
    std::thread thread_;
};

}  // namespace medkiosk::audio
