#pragma once
// What the donor is told about a judged pack: one outcome word, why, and exactly one instruction (where
// the box goes). The words come from the language files' glossary ("term.*" entries: one name per bin
// and per person in each language, substituted into every sentence that names them when the files are
// loaded), so a screen can never name a bin two ways or give two instructions.

#include <string>
#include <string_view>
#include <vector>

#include "medkiosk/kiosk/policy.hpp"

namespace medkiosk::kiosk {

// Where the box goes: the one thing the donor must do.
enum class Destination {
    DonationBin,  // accepted, or accepted for a pharmacist's check
    DisposalBin,  // expired or expiring too soon
    Staff,        // recalled, already recorded, not recorded (ledger failure)
    TakeBack,     // not collected here: the donor keeps it
    AnotherSide,  // the code could not be read: show another side of the box
};
std::string_view to_string(Destination destination);  // "donation-bin", …

struct DonorVerdict {
    Decision tone = Decision::Review;  // Accept, Refuse or Review: the outcome word and its colour
    const char* word_key = "";  // "result.word_accepted" | "result.word_refused" | "result.word_review"
    std::string why_key;        // the assessment's message_key: why, and nothing to do
    Destination destination = Destination::Staff;
    const char* instruction_key = "";  // "result.do_donation_bin" …
};

// The verdict for an assessment the policy made (or the flow's "unreadable"); `save_failed` when the
// ledger did not record a pack the donor had put in the bin.
DonorVerdict donor_verdict(const Assessment& assessment, bool save_failed = false);

// Every outcome the donor can be shown, as the assessment that leads to it: for the glossary test.
std::vector<Assessment> donor_outcomes();

}  // namespace medkiosk::kiosk
