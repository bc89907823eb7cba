#include "medkiosk/kiosk/donor_verdict.hpp"

namespace medkiosk::kiosk {
namespace {

const char* word_key(Decision tone) {
    switch (tone) {
        case Decision::Accept:
            return "result.word_accepted";
        case Decision::Refuse:
            return "result.word_refused";
        case Decision::Review:
        case Decision::AskExpiry:
            break;
    }
    return "result.word_review";
}

const char* instruction_key(Destination destination) {
    switch (destination) {
        case Destination::DonationBin:
            return "result.do_donation_bin";
        case Destination::DisposalBin:
            return "result.do_disposal_bin";
        case Destination::Staff:
            return "result.do_staff";
        case Destination::TakeBack:
            return "result.do_take_back";
        case Destination::AnotherSide:
            return "result.do_another_side";
    }
    return "result.do_staff";
}

Destination destination_of(const Assessment& assessment) {
    const std::string& reason = assessment.reason;
    if (reason == "expired" || reason == "short-shelf-life") return Destination::DisposalBin;
    if (reason == "recalled" || reason == "duplicate") return Destination::Staff;
    if (reason == "excluded-category" || reason == "unknown-product") return Destination::TakeBack;
    if (reason == "unreadable") return Destination::AnotherSide;
    // Accepted, a device, unclassified or without an expiry: a pharmacist checks what needs it.
    if (assessment.decision == Decision::Refuse) return Destination::Staff;  // a reason added later
    return Destination::DonationBin;
}

}  // namespace

std::string_view to_string(Destination destination) {
    switch (destination) {
        case Destination::DonationBin:
            return "donation-bin";
        case Destination::DisposalBin:
            return "disposal-bin";
        case Destination::Staff:
            return "staff";
        case Destination::TakeBack:
            return "take-back";
        case Destination::AnotherSide:
            return "another-side";
    }
    return "staff";
}

DonorVerdict donor_verdict(const Assessment& assessment, bool save_failed) {
    DonorVerdict verdict;
    if (save_failed) {
        verdict.tone = Decision::Refuse;
        verdict.why_key = "status.save_failed";
        verdict.destination = Destination::Staff;
    } else {
        verdict.tone = assessment.decision == Decision::AskExpiry ? Decision::Review : assessment.decision;
        verdict.why_key = assessment.message_key;
        verdict.destination = destination_of(assessment);
    }
    verdict.word_key = word_key(verdict.tone);
    verdict.instruction_key = instruction_key(verdict.destination);
    return verdict;
}

std::vector<Assessment> donor_outcomes() {
    const auto outcome = [](Decision decision, const char* reason, const char* key) {
        return Assessment{decision, reason, key, 90};
    };
    return {
        outcome(Decision::Accept, "ok", "result.accepted"),
        outcome(Decision::Accept, "device", "result.device"),
        outcome(Decision::Review, "unclassified", "result.unclassified"),
        outcome(Decision::Review, "no-expiry", "result.no_expiry"),
        outcome(Decision::Refuse, "expired", "result.expired"),
        outcome(Decision::Refuse, "short-shelf-life", "result.short_shelf_life"),
        outcome(Decision::Refuse, "recalled", "result.recalled"),
        outcome(Decision::Refuse, "duplicate", "result.duplicate"),
        outcome(Decision::Refuse, "excluded-category", "result.excluded_category"),
        outcome(Decision::Refuse, "unknown-product", "result.unknown_product"),
        outcome(Decision::Refuse, "unreadable", "result.unreadable"),
    };
}

}  // namespace medkiosk::kiosk
