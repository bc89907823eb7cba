// Issue 16, item 9: the verdict chimes. Measured from the samples themselves — pitch by a windowed
// DFT, clicks by the signal's curvature — so a change of notes or envelope is judged, not a table.
// And one chime per verdict the donor is shown, driven through the real donation flow.
#include "medkiosk/kiosk/sound_cues.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <numbers>

#include "recording_ledger.hpp"
#include "scanned_box.hpp"

namespace medkiosk::kiosk {
namespace {

using namespace std::chrono_literals;

constexpr SoundCue kAllCues[] = {SoundCue::Accepted, SoundCue::NeedsPharmacist, SoundCue::NotAccepted};

// The strongest frequency (200–2500 Hz, 2 Hz steps) in a Hann window of 40 ms centred on `at` (a
// fraction of the cue's length).
double dominant_hz(const std::vector<std::int16_t>& samples, double at) {
    const std::size_t count = kCueSampleRate / 25;
    const auto centre = static_cast<std::size_t>(at * static_cast<double>(samples.size()));
    const std::size_t from = centre - count / 2;
    double best_hz = 0;
    double best_power = -1;
    for (double hz = 200; hz <= 2500; hz += 2) {
        double re = 0;
        double im = 0;
        for (std::size_t i = 0; i < count; ++i) {
            const double window =
                0.5 - 0.5 * std::cos(2 * std::numbers::pi * static_cast<double>(i) / (count - 1));
            const double phase = 2 * std::numbers::pi * hz * static_cast<double>(i) / kCueSampleRate;
            re += window * samples[from + i] * std::cos(phase);
            im += window * samples[from + i] * std::sin(phase);
        }
        if (re * re + im * im > best_power) {
            best_power = re * re + im * im;
            best_hz = hz;
        }
    }
    return best_hz;
}

int peak_of(const std::vector<std::int16_t>& samples) {
    int peak = 0;
    for (std::int16_t sample : samples) peak = std::max(peak, std::abs(static_cast<int>(sample)));
    return peak;
}

struct Contour {
    double first_hz;
    double last_hz;
};

Contour contour_of(SoundCue cue) {
    const auto samples = synthesise_cue(cue, 100);
    return {dominant_hz(samples, 0.25), dominant_hz(samples, 0.75)};
}

TEST(SoundCues, EachIsShortAndTheThreeSoundDifferent) {
    for (SoundCue cue : kAllCues) {
        const auto samples = synthesise_cue(cue, 70);
        ASSERT_FALSE(samples.empty()) << to_string(cue);
        EXPECT_LE(samples.size(), kCueSampleRate * 6 / 10) << to_string(cue) << " is longer than 0.6 s";
        EXPECT_GE(samples.size(), kCueSampleRate / 5) << to_string(cue) << " is too short to notice";
    }
    const Contour accepted = contour_of(SoundCue::Accepted);
    const Contour review = contour_of(SoundCue::NeedsPharmacist);
    const Contour refused = contour_of(SoundCue::NotAccepted);
    // Accepted rises, a pharmacist's check stays on one pitch, not accepted falls.
    EXPECT_GT(accepted.last_hz, accepted.first_hz * 1.2) << accepted.first_hz << " → " << accepted.last_hz;
    EXPECT_NEAR(review.last_hz / review.first_hz, 1.0, 0.03) << review.first_hz << " → " << review.last_hz;
    EXPECT_LT(refused.last_hz * 1.2, refused.first_hz) << refused.first_hz << " → " << refused.last_hz;
    // … and not accepted is the low one: even its first note is below every note of "accepted".
    EXPECT_LT(refused.first_hz, std::min(accepted.first_hz, accepted.last_hz));
    EXPECT_LT(refused.last_hz, review.first_hz);
    // In the range a small speaker plays and an older ear hears.
    for (const Contour& c : {accepted, review, refused}) {
        EXPECT_GE(std::min(c.first_hz, c.last_hz), 300);
        EXPECT_LE(std::max(c.first_hz, c.last_hz), 1500);
    }
}

TEST(SoundCues, NothingClicksEveryNoteStartsAndEndsAtZero) {
    for (SoundCue cue : kAllCues) {
        const auto samples = synthesise_cue(cue, 100);
        const int peak = peak_of(samples);
        EXPECT_LE(std::abs(samples.front()), peak / 1000) << to_string(cue);
        EXPECT_LE(std::abs(samples.back()), peak / 1000) << to_string(cue);
        // The first and last 2 ms are ramps, not the full swing.
        const std::size_t ramp = kCueSampleRate / 500;
        int loudest_edge = 0;
        for (std::size_t i = 0; i < ramp; ++i)
            loudest_edge = std::max({loudest_edge, std::abs(static_cast<int>(samples[i])),
                                     std::abs(static_cast<int>(samples[samples.size() - 1 - i]))});
        EXPECT_LT(loudest_edge, peak / 2) << to_string(cue) << " starts or ends abruptly";
        // A click is a jump: the curvature (second difference) of a 2 kHz tone is at most 7.5 % of its
        // amplitude per sample, a step's is the whole step. Nothing anywhere may bend harder than that.
        int worst = 0;
        std::size_t worst_at = 0;
        for (std::size_t i = 1; i + 1 < samples.size(); ++i) {
            const int curvature = std::abs(samples[i + 1] - 2 * samples[i] + samples[i - 1]);
            if (curvature > worst) {
                worst = curvature;
                worst_at = i;
            }
        }
        EXPECT_LT(worst, peak / 8) << to_string(cue) << ": a jump at sample " << worst_at;
    }
}

TEST(SoundCues, VolumeScalesTheAmplitudeAndZeroOrMuteGivesNothing) {
    for (SoundCue cue : kAllCues) {
        const int full = peak_of(synthesise_cue(cue, 100));
        EXPECT_GT(full, 32767 / 2) << "loud enough at 100";
        EXPECT_LT(full, 32767 * 7 / 10) << "headroom at 100: never clips";
        int previous = 0;
        for (int volume : {1, 10, 30, 50, 70, 90, 100}) {
            const auto samples = synthesise_cue(cue, volume);
            const int peak = peak_of(samples);
            EXPECT_GT(peak, previous) << to_string(cue) << " at " << volume;
            // The documented taper: amplitude ∝ (volume / 100)².
            EXPECT_NEAR(peak, full * (volume / 100.0) * (volume / 100.0), 2.0)
                << to_string(cue) << " at " << volume;
            EXPECT_EQ(samples.size(), synthesise_cue(cue, 100).size())
                << "volume changes loudness, not length";
            previous = peak;
        }
        EXPECT_TRUE(synthesise_cue(cue, 0).empty()) << "volume 0 is silence";
        EXPECT_TRUE(synthesise_cue(cue, -5).empty());
        EXPECT_EQ(synthesise_cue(cue, 150), synthesise_cue(cue, 100)) << "clamped to 100";
    }
}

TEST(SoundCues, EveryDonorOutcomeHasTheCueOfItsOutcomeWord) {
    for (const Assessment& outcome : donor_outcomes()) {
        const DonorVerdict verdict = donor_verdict(outcome);
        const SoundCue expected = std::string(verdict.word_key) == "result.word_accepted" ? SoundCue::Accepted
                                  : std::string(verdict.word_key) == "result.word_refused"
                                      ? SoundCue::NotAccepted
                                      : SoundCue::NeedsPharmacist;
        EXPECT_EQ(cue_for(verdict), expected) << outcome.reason;
    }
    EXPECT_EQ(cue_for(donor_verdict(donor_outcomes().front(), true)), SoundCue::NotAccepted)
        << "a pack the ledger could not record is not accepted";
}

// --- One chime per verdict shown, through the real donation flow.

const scanner::Date kToday{2026, 11, 29};

class VerdictCuesTest : public ::testing::Test {
  protected:
    RecordingLedger ledger;
    DonationFlow flow{ledger, FlowSettings{}};
    VerdictCues cues;
    Clock::time_point t0 = Clock::now();
    std::vector<SoundCue> played;

    void begin() {
        flow.start(t0);
        flow.on_reply(
            LedgerReply{ledger.tickets, storage::DonationSession{3, "ABCD", "2026-11-29T04:00:00Z"}});
        ASSERT_TRUE(flow.session());
    }
    // The kiosk's loop: every frame asks once.
    void frames(int count) {
        for (int i = 0; i < count; ++i)
            if (const auto cue = cues.on_frame(flow)) played.push_back(*cue);
    }
};

TEST_F(VerdictCuesTest, OneChimePerVerdictNotPerFrameNorWhenItStaysOrComesBack) {
    begin();
    frames(5);
    EXPECT_TRUE(played.empty()) << "no verdict on screen yet";

    flow.on_scan(scanned_box("06900000000021", scanner::Date{2027, 6, 30}), kToday, t0 + 1s);
    ASSERT_EQ(flow.screen(), Screen::Scan);
    frames(30);
    EXPECT_EQ(played, std::vector{SoundCue::Accepted});

    // Details and back: the same verdict again, no second chime.
    flow.choose(t0 + 2s);
    ASSERT_EQ(flow.screen(), Screen::Details);
    frames(5);
    flow.back(t0 + 3s);
    ASSERT_EQ(flow.screen(), Screen::Scan);
    frames(5);
    EXPECT_EQ(played.size(), 1u);

    // Put in the bin; the ledger fails: the verdict turns to "not accepted", which is new.
    flow.confirm(t0 + 4s);
    frames(5);
    EXPECT_EQ(played.size(), 1u) << "saving does not change the verdict";
    flow.on_reply(LedgerReply{ledger.tickets, Error{ErrorCode::Io, "disk full"}});
    ASSERT_EQ(flow.current()->state, CurrentPack::State::SaveFailed);
    frames(5);
    EXPECT_EQ(played, (std::vector{SoundCue::Accepted, SoundCue::NotAccepted}));
}

TEST_F(VerdictCuesTest, AnExpiredPackFallsAndAQuestionIsNoVerdictUntilAnswered) {
    begin();
    flow.on_scan(scanned_box("06900000000014", scanner::Date{2026, 1, 31}), kToday, t0 + 1s);
    frames(10);
    EXPECT_EQ(played, std::vector{SoundCue::NotAccepted});
    flow.dismiss(t0 + 5s);

    // A code without a date: the donor is asked first; the chime comes with the verdict after the answer.
    flow.on_scan(scanned_box("06901234567892", std::nullopt), kToday, t0 + 10s);
    ASSERT_EQ(flow.screen(), Screen::AskExpiry);
    frames(10);
    EXPECT_EQ(played.size(), 1u);
    flow.pick_expiry(2028, 5, t0 + 12s);
    ASSERT_EQ(flow.screen(), Screen::Scan);
    frames(10);
    ASSERT_EQ(played.size(), 2u);
    EXPECT_EQ(played.back(), cue_for(donor_verdict(flow.current()->assessment)));
}

}  // namespace
}  // namespace medkiosk::kiosk
