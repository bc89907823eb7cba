#include "medkiosk/kiosk/sound_cues.hpp"

#include <algorithm>
#include <cmath>
#include <numbers>

namespace medkiosk::kiosk {
namespace {

struct Note {
    double frequency_hz;
    double start_s;
    double length_s;
};

// Pitches in the range small kiosk speakers reproduce well and an older ear still hears (440–1050 Hz).
std::vector<Note> notes_of(SoundCue cue) {
    switch (cue) {
        case SoundCue::Accepted:  // G5 then C6: a rising fourth, the familiar "done" chime
            return {{783.99, 0.0, 0.15}, {1046.50, 0.15, 0.30}};
        case SoundCue::NeedsPharmacist:  // F5 twice: neither good nor bad news
            return {{698.46, 0.0, 0.13}, {698.46, 0.19, 0.13}};
        case SoundCue::NotAccepted:  // E5 down to A4: lower and falling, slow enough not to alarm
            return {{659.25, 0.0, 0.17}, {440.00, 0.17, 0.33}};
    }
    return {};
}

constexpr double kAttackS = 0.008;   // long enough to start without a click, short enough to sound struck
constexpr double kReleaseS = 0.025;  // every note fades to exactly zero at its end
constexpr double kDecayS = 0.18;     // a bell's exponential fade between the two
constexpr double kSecondHarmonic = 0.25;  // a little brightness; a pure sine sounds like a test tone
// Full volume peaks at -4.4 dBFS: room for the mixer, never clipping.
constexpr double kPeakAtFullVolume = 0.6 * 32767.0;

double envelope(double t, double length) {
    double gain = std::exp(-t / kDecayS);
    if (t < kAttackS) gain *= 0.5 - 0.5 * std::cos(std::numbers::pi * t / kAttackS);
    const double left = length - t;
    if (left < kReleaseS) gain *= 0.5 - 0.5 * std::cos(std::numbers::pi * std::max(left, 0.0) / kReleaseS);
    return gain;
}

}  // namespace

std::string_view to_string(SoundCue cue) {
    switch (cue) {
        case SoundCue::Accepted:
            return "accepted";
        case SoundCue::NeedsPharmacist:
            return "needs-pharmacist";
        case SoundCue::NotAccepted:
            return "not-accepted";
    }
    return "?";
}

std::vector<std::int16_t> synthesise_cue(SoundCue cue, int volume, int sample_rate) {
    volume = std::clamp(volume, 0, kMaxVolume);
    if (volume == 0 || sample_rate <= 0) return {};
    const std::vector<Note> notes = notes_of(cue);
    double end_s = 0;
    for (const Note& note : notes) end_s = std::max(end_s, note.start_s + note.length_s);
    const auto total = static_cast<std::size_t>(std::ceil(end_s * sample_rate)) + 1;

    std::vector<double> wave(total, 0.0);
    for (const Note& note : notes) {
        const auto first = static_cast<std::size_t>(std::lround(note.start_s * sample_rate));
        const auto count = static_cast<std::size_t>(std::lround(note.length_s * sample_rate));
        for (std::size_t i = 0; i <= count && first + i < total; ++i) {
            const double t = static_cast<double>(i) / sample_rate;
            const double phase = 2.0 * std::numbers::pi * note.frequency_hz * t;
            wave[first + i] +=
                envelope(t, note.length_s) * (std::sin(phase) + kSecondHarmonic * std::sin(2.0 * phase));
        }
    }
    // Every cue peaks at the same level, so none is louder than another at one volume setting.
    double peak = 0;
    for (double sample : wave) peak = std::max(peak, std::abs(sample));
    const double taper = static_cast<double>(volume) / kMaxVolume;
    const double scale = peak > 0 ? kPeakAtFullVolume * taper * taper / peak : 0.0;
    std::vector<std::int16_t> samples(total);
    std::transform(wave.begin(), wave.end(), samples.begin(),
                   [scale](double sample) { return static_cast<std::int16_t>(std::lround(sample * scale)); });
    return samples;
}

SoundCue cue_for(const DonorVerdict& verdict) {
    switch (verdict.tone) {
        case Decision::Accept:
            return SoundCue::Accepted;
        case Decision::Refuse:
            return SoundCue::NotAccepted;
        case Decision::Review:
        case Decision::AskExpiry:
            break;
    }
    return SoundCue::NeedsPharmacist;
}

std::optional<SoundCue> VerdictCues::on_frame(const DonationFlow& flow) {
    const auto& current = flow.current();
    if (flow.screen() != Screen::Scan || !current || !flow.verdict_ready()) return std::nullopt;
    const bool save_failed = current->state == CurrentPack::State::SaveFailed;
    const DonorVerdict verdict = donor_verdict(current->assessment, save_failed);
    std::string shown = verdict.word_key;
    shown += '|' + verdict.why_key + '|' + verdict.instruction_key;
    if (current->id == pack_id_ && shown == verdict_) return std::nullopt;
    pack_id_ = current->id;
    verdict_ = std::move(shown);
    return cue_for(verdict);
}

}  // namespace medkiosk::kiosk
