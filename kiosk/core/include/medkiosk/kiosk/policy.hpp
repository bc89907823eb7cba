#pragma once
// The acceptance decision for one pack: accept, refuse, or accept for pharmacist review.

#include <string>

#include "medkiosk/scanner/pack_code.hpp"

namespace medkiosk::kiosk {

enum class Decision { Accept, Refuse, Review };

std::string_view to_string(Decision decision);  // "accept", "refuse", "review"

struct Assessment {
    Decision decision = Decision::Review;
    std::string reason;        // stable reason code: "ok", "expired", "short-shelf-life", "no-expiry"
    std::string message_key;   // translation key of the one-sentence explanation for the donor
};

struct PolicyRules {
    int minimum_shelf_life_days = 90;
};

int days_between(const scanner::Date& from, const scanner::Date& to);

Assessment assess(const scanner::PackCode& pack, const scanner::Date& today, const PolicyRules& rules = {});

}  // namespace medkiosk::kiosk
