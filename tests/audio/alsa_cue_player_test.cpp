// The verdict chimes through the real alsa-lib, without a sound card (CI has no /dev/snd): an ALSA
// configuration given through ALSA_CONFIG_PATH adds a `file` PCM whose slave is `null`, so every sample
// the player writes lands in a file this test reads back and compares with the synthesised cue. The
// system's own alsa.conf is included, so "hw:99" fails the way a missing card fails on a kiosk.
#include "medkiosk/audio/alsa_cue_player.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "medkiosk/kiosk/event_log.hpp"
#include "support/temp_dir.hpp"

namespace medkiosk::audio {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using kiosk::SoundCue;

const fs::path kSystemAlsaConf = "/usr/share/alsa/alsa.conf";

// Set before any test (before alsa-lib reads its configuration for the first time in this process).
class CaptureDevice {
  public:
    CaptureDevice() {
        std::ofstream(config_) << "<" << kSystemAlsaConf.string() << ">\n"
                               << "pcm.medkiosk_capture {\n"
                               << "    type file\n"
                               << "    slave.pcm \"null\"\n"
                               << "    file \"" << capture_.string() << "\"\n"
                               << "    format \"raw\"\n"
                               << "}\n";
        ::setenv("ALSA_CONFIG_PATH", config_.string().c_str(), 1);
    }
    const fs::path& capture() const { return capture_; }
    std::vector<std::int16_t> take_samples() const {
        std::ifstream in(capture_, std::ios::binary);
        std::vector<std::int16_t> samples;
        std::int16_t sample = 0;
        while (in.read(reinterpret_cast<char*>(&sample), sizeof sample)) samples.push_back(sample);
        fs::remove(capture_);
        return samples;
    }

  private:
    test::TempDir dir_;
    fs::path config_ = dir_.path() / "asound.conf";
    fs::path capture_ = dir_.path() / "capture.raw";
};

const CaptureDevice& capture_device() {
    static const CaptureDevice device;
    return device;
}
[[maybe_unused]] const CaptureDevice& g_set_before_main = capture_device();

AlsaPlayerOptions options(std::string device, int volume = 70) {
    AlsaPlayerOptions options;
    options.settings.device = std::move(device);
    options.settings.volume = volume;
    return options;
}

std::size_t count_of(const std::string& text, const std::string& what) {
    std::size_t count = 0;
    for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++count;
    return count;
}

TEST(AlsaCuePlayer, PlaysTheSynthesisedCueThroughAlsaSampleForSample) {
    ASSERT_TRUE(fs::exists(kSystemAlsaConf)) << "libasound2-data missing";
    const CaptureDevice& device = capture_device();
    {
        AlsaCuePlayer player(options("medkiosk_capture", 70));
        player.play(SoundCue::NotAccepted);
        ASSERT_TRUE(player.wait_until_idle(5s));
        const AlsaPlayerStats stats = player.stats();
        EXPECT_EQ(stats.played, 1u);
        EXPECT_EQ(stats.failures, 0u);
        EXPECT_FALSE(stats.outage);
    }
    const auto written = device.take_samples();
    const auto expected = kiosk::synthesise_cue(SoundCue::NotAccepted, 70);
    ASSERT_EQ(written.size(), expected.size());
    EXPECT_TRUE(written == expected) << "the device got other samples than the cue";

    // A volume set later (the technician's screen) applies to the next cue.
    {
        AlsaCuePlayer player(options("medkiosk_capture", 70));
        player.set_volume(true, 30);
        player.play(SoundCue::Accepted);
        ASSERT_TRUE(player.wait_until_idle(5s));
    }
    EXPECT_TRUE(device.take_samples() == kiosk::synthesise_cue(SoundCue::Accepted, 30));
}

TEST(AlsaCuePlayer, MutedOrAtVolumeZeroNothingReachesTheDeviceButAPreviewDoes) {
    const CaptureDevice& device = capture_device();
    AlsaCuePlayer player(options("medkiosk_capture", 70));
    player.set_volume(false, 70);
    player.play(SoundCue::Accepted);
    ASSERT_TRUE(player.wait_until_idle(5s));
    player.set_volume(true, 0);
    player.play(SoundCue::NeedsPharmacist);
    ASSERT_TRUE(player.wait_until_idle(5s));
    EXPECT_EQ(player.stats().played, 0u);
    EXPECT_FALSE(fs::exists(device.capture())) << "muted, yet something was written";

    // The technician's "try it" plays at the volume being set, muted or not.
    player.set_volume(false, 0);
    player.preview(SoundCue::NeedsPharmacist, 40);
    ASSERT_TRUE(player.wait_until_idle(5s));
    EXPECT_EQ(player.stats().played, 1u);
    EXPECT_TRUE(device.take_samples() == kiosk::synthesise_cue(SoundCue::NeedsPharmacist, 40));
}

TEST(AlsaCuePlayer, ANewerCueReplacesOneStillWaiting) {
    const CaptureDevice& device = capture_device();
    AlsaCuePlayer player(options("medkiosk_capture", 70));
    // Fifty verdicts in a burst: at most the one playing and the newest are heard, never a backlog.
    for (int i = 0; i < 50; ++i) player.play(i % 2 == 0 ? SoundCue::Accepted : SoundCue::NotAccepted);
    player.play(SoundCue::NeedsPharmacist);
    ASSERT_TRUE(player.wait_until_idle(5s));
    const AlsaPlayerStats stats = player.stats();
    EXPECT_LE(stats.played, 2u);
    EXPECT_EQ(stats.played + stats.replaced, 51u);
    const auto written = device.take_samples();
    const auto last = kiosk::synthesise_cue(SoundCue::NeedsPharmacist, 70);
    ASSERT_GE(written.size(), last.size());
    EXPECT_TRUE(
        std::equal(last.begin(), last.end(), written.end() - static_cast<std::ptrdiff_t>(last.size())))
        << "the newest cue is the one heard last";
}

TEST(AlsaCuePlayer, AMissingDeviceIsLoggedOnceStaysSilentAndNeverHoldsTheCaller) {
    const std::uint64_t errors_before = kiosk::logged_error_count();
    ::testing::internal::CaptureStderr();
    {
        AlsaPlayerOptions missing = options("hw:99");
        missing.retry_after = 0ms;  // retry at every cue: still one line for the whole outage
        AlsaCuePlayer player(missing);
        for (int i = 0; i < 5; ++i) {
            const auto before = std::chrono::steady_clock::now();
            player.play(SoundCue::Accepted);
            const auto took = std::chrono::steady_clock::now() - before;
            EXPECT_LT(took, 5ms) << "play() waited for the device";
            ASSERT_TRUE(player.wait_until_idle(5s));
        }
        const AlsaPlayerStats stats = player.stats();
        EXPECT_EQ(stats.played, 0u);
        EXPECT_EQ(stats.failures, 5u) << "each cue tried the device again (retry_after 0)";
        EXPECT_TRUE(stats.outage);
    }
    const std::string output = ::testing::internal::GetCapturedStderr();
    EXPECT_EQ(count_of(output, "event=sound-error"), 1u) << output;
    EXPECT_EQ(count_of(output, "\n"), 1u) << "one line, and none of alsa-lib's own: " << output;
    EXPECT_NE(output.find("hw:99"), std::string::npos) << output;
    EXPECT_EQ(kiosk::logged_error_count(), errors_before + 1);
    const auto last = kiosk::last_logged_error();
    ASSERT_TRUE(last);
    EXPECT_EQ(last->event, "sound-error");
    EXPECT_NE(last->detail.find("kiosk.toml"), std::string::npos) << "tells the technician where to look";
}

TEST(AlsaCuePlayer, AfterAnOutageItWaitsBeforeTryingAgain) {
    AlsaPlayerOptions missing = options("hw:99");
    missing.retry_after = 1h;
    AlsaCuePlayer player(missing);
    for (int i = 0; i < 4; ++i) {
        player.play(SoundCue::NotAccepted);
        ASSERT_TRUE(player.wait_until_idle(5s));
    }
    EXPECT_EQ(player.stats().failures, 1u);
    EXPECT_EQ(player.stats().skipped, 3u) << "within the retry interval cues are dropped without a try";
}

}  // namespace
}  // namespace medkiosk::audio
