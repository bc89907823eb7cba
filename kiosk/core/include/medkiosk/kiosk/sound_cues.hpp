#pragma once
// The short chimes that tell a donor the verdict without reading it (issue 16, item 9): one cue per
// outcome, synthesised here as plain samples so tests can measure them, and played by a CuePlayer (the
// ALSA one lives in kiosk/audio). Which verdict deserves a cue, and when, is decided by VerdictCues from
// the donation flow alone, so it is tested without a window or a sound card.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "medkiosk/kiosk/donation_flow.hpp"
#include "medkiosk/kiosk/donor_verdict.hpp"

namespace medkiosk::kiosk {

// accepted: a rising two-note chime; needs a pharmacist: two short notes on one pitch; not accepted: a
// lower, falling pair, soft like the others (it is the donor's box, not an alarm).
enum class SoundCue { Accepted, NeedsPharmacist, NotAccepted };
std::string_view to_string(SoundCue cue);  // "accepted", "needs-pharmacist", "not-accepted"

// kiosk.toml [sound]; the defaults match deploy/kiosk.toml.
struct SoundSettings {
    bool enabled = true;
    int volume = 70;                 // 0 to 100; 0 is silent like enabled = false
    std::string device = "default";  // an ALSA PCM name: "default", "plughw:1,0", …
    bool operator==(const SoundSettings&) const = default;
};

inline constexpr int kCueSampleRate = 48000;  // mono, signed 16-bit
inline constexpr int kMaxVolume = 100;

// The cue's samples at `volume` (0 to 100, clamped). Every note starts and ends at zero through short
// raised-cosine ramps, so nothing clicks. Volume follows a squared taper (amplitude ∝ (volume/100)²),
// which sounds even across the range where a linear one crowds all change into the low end. Empty for
// volume 0.
std::vector<std::int16_t> synthesise_cue(SoundCue cue, int volume, int sample_rate = kCueSampleRate);

// The cue a verdict gets: its tone (the outcome word the donor sees) decides.
SoundCue cue_for(const DonorVerdict& verdict);

// The port the kiosk plays cues through. play() never waits for the device: it only hands the cue over.
class CuePlayer {
  public:
    virtual ~CuePlayer() = default;
    virtual void play(SoundCue cue) = 0;
    // Plays at `volume` even when muted: the technician's "try it" button, before saving.
    virtual void preview(SoundCue cue, int volume) = 0;
    virtual void set_volume(bool enabled, int volume) = 0;  // applies from the next cue
};

// Once per frame: the cue for a verdict that has just appeared on the donor's screen, once per verdict.
// A verdict is on screen when the flow shows the scan screen with a final verdict (the ledger's checks
// back); it is "new" when the pack, its outcome word, its reason or its instruction changed (a date the
// donor picked, a failed save) — not when it merely stays, nor when the donor comes back to it.
class VerdictCues {
  public:
    std::optional<SoundCue> on_frame(const DonationFlow& flow);

  private:
    std::uint64_t pack_id_ = 0;
    std::string verdict_;  // tone, reason and instruction of the last verdict cued for pack_id_
};

}  // namespace medkiosk::kiosk
