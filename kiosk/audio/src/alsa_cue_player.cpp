#include "medkiosk/audio/alsa_cue_player.hpp"

#include <alsa/asoundlib.h>

#include <cstdarg>
#include <cstdio>
#include <string>
#include <utility>
#include <vector>

#include "medkiosk/kiosk/event_log.hpp"

namespace medkiosk::audio {
namespace {

// alsa-lib prints its own complaints to stderr (several lines per failed open, on every retry). The
// kiosk logs one sound-error of its own instead, so the last complaint is kept for that line's detail.
thread_local std::string t_alsa_message;

void keep_alsa_message(const char* /*file*/, int /*line*/, const char* /*function*/, int /*err*/,
                       const char* format, ...) {
    char text[256];
    va_list args;
    va_start(args, format);
    std::vsnprintf(text, sizeof text, format, args);
    va_end(args);
    t_alsa_message = text;
}

std::once_flag g_quiet_alsa;

constexpr unsigned kLatencyMicroseconds = 100'000;  // a chime may start 0.1 s late; no underruns

}  // namespace

AlsaCuePlayer::AlsaCuePlayer(AlsaPlayerOptions options)
    : device_(options.settings.device),
      retry_after_(options.retry_after),
      enabled_(options.settings.enabled),
      volume_(options.settings.volume) {
    std::call_once(g_quiet_alsa, [] { snd_lib_error_set_handler(&keep_alsa_message); });
    thread_ = std::thread([this] { run(); });
}

AlsaCuePlayer::~AlsaCuePlayer() {
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
        waiting_.reset();
    }
    wake_.notify_all();
    if (thread_.joinable()) thread_.join();
}

void AlsaCuePlayer::play(kiosk::SoundCue cue) {
    {
        std::lock_guard lock(mutex_);
        if (!enabled_ || volume_ <= 0) return;  // muted: not even the thread is woken
    }
    enqueue({cue, std::nullopt});
}

void AlsaCuePlayer::preview(kiosk::SoundCue cue, int volume) {
    enqueue({cue, volume});
}

void AlsaCuePlayer::set_volume(bool enabled, int volume) {
    std::lock_guard lock(mutex_);
    enabled_ = enabled;
    volume_ = volume;
}

void AlsaCuePlayer::enqueue(Request request) {
    {
        std::lock_guard lock(mutex_);
        if (stopping_) return;
        if (waiting_) ++stats_.replaced;
        waiting_ = request;
    }
    wake_.notify_one();
}

AlsaPlayerStats AlsaCuePlayer::stats() const {
    std::lock_guard lock(mutex_);
    return stats_;
}

bool AlsaCuePlayer::wait_until_idle(std::chrono::milliseconds timeout) {
    std::unique_lock lock(mutex_);
    return idle_.wait_for(lock, timeout, [this] { return !waiting_ && !busy_; });
}

void AlsaCuePlayer::run() {
    for (;;) {
        Request request{};
        {
            std::unique_lock lock(mutex_);
            wake_.wait(lock, [this] { return stopping_ || waiting_.has_value(); });
            if (stopping_) break;
            request = *waiting_;
            waiting_.reset();
            busy_ = true;
        }
        play_now(request);
        {
            std::lock_guard lock(mutex_);
            busy_ = false;
        }
        idle_.notify_all();
    }
    {
        std::lock_guard lock(mutex_);
        busy_ = false;
    }
    idle_.notify_all();
}

void AlsaCuePlayer::play_now(const Request& request) {
    int volume = 0;
    bool outage = false;
    {
        std::lock_guard lock(mutex_);
        if (!request.volume && !enabled_) return;  // muted after it was asked for
        volume = request.volume.value_or(volume_);
        outage = stats_.outage;
    }
    if (outage && std::chrono::steady_clock::now() < retry_at_) {
        std::lock_guard lock(mutex_);
        ++stats_.skipped;
        return;
    }
    const std::vector<std::int16_t> samples = kiosk::synthesise_cue(request.cue, volume);
    if (samples.empty()) return;

    t_alsa_message.clear();
    snd_pcm_t* pcm = nullptr;
    // Opened non-blocking so a card another program holds is an error now, not a wait for ever; writes
    // then block, on this thread only.
    if (const int rc = snd_pcm_open(&pcm, device_.c_str(), SND_PCM_STREAM_PLAYBACK, SND_PCM_NONBLOCK); rc < 0)
        return failed("cannot open", rc);
    snd_pcm_nonblock(pcm, 0);
    if (const int rc = snd_pcm_set_params(pcm, SND_PCM_FORMAT_S16, SND_PCM_ACCESS_RW_INTERLEAVED, 1,
                                          kiosk::kCueSampleRate, 1, kLatencyMicroseconds);
        rc < 0) {
        snd_pcm_close(pcm);
        return failed("cannot set 48 kHz mono 16-bit on", rc);
    }
    std::size_t done = 0;
    while (done < samples.size()) {
        snd_pcm_sframes_t written = snd_pcm_writei(pcm, samples.data() + done, samples.size() - done);
        if (written < 0) written = snd_pcm_recover(pcm, static_cast<int>(written), 1);  // an underrun
        if (written < 0) {
            snd_pcm_close(pcm);
            return failed("cannot write to", static_cast<int>(written));
        }
        done += static_cast<std::size_t>(written);
    }
    snd_pcm_drain(pcm);
    snd_pcm_close(pcm);

    bool recovered = false;
    {
        std::lock_guard lock(mutex_);
        ++stats_.played;
        recovered = std::exchange(stats_.outage, false);
    }
    if (recovered) kiosk::log_event("sound-ok", {{"device", device_}});
}

void AlsaCuePlayer::failed(const char* what, int alsa_error) {
    std::string detail =
        std::string(what) + " the sound device \"" + device_ + "\": " + snd_strerror(alsa_error);
    if (!t_alsa_message.empty()) detail += " (" + t_alsa_message + ")";
    detail += "; the kiosk stays silent (check [sound] device in kiosk.toml, aplay -L lists the devices)";
    retry_at_ = std::chrono::steady_clock::now() + retry_after_;
    bool first = false;
    {
        std::lock_guard lock(mutex_);
        ++stats_.failures;
        first = !std::exchange(stats_.outage, true);
    }
    // Once per outage: the journal gets one line, not one per donor's box.
    if (first) kiosk::log_event("sound-error", {{"device", device_}, {"detail", detail}});
}

}  // namespace medkiosk::audio
