#pragma once
// The acceptance decision for one pack: accept, refuse, accept for pharmacist review, or ask the donor
// for the expiry printed on the box.

#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "medkiosk/result.hpp"
#include "medkiosk/scanner/pack_code.hpp"

namespace medkiosk::kiosk {

enum class Decision { Accept, Refuse, Review, AskExpiry };

std::string_view to_string(Decision decision);  // "accept", "refuse", "review", "ask-expiry"

struct Assessment {
    Decision decision = Decision::Review;
    // Stable reason code: "ok", "expired", "short-shelf-life", "no-expiry", "ask-expiry", "recalled",
    // "duplicate", "excluded-category", "unclassified", "unknown-product", "device".
    std::string reason;
    std::string message_key;          // translation key of the one-sentence explanation: "result." + reason
                                      // with '-' as '_'
    int minimum_shelf_life_days = 0;  // the limit applied, for the {days} placeholder
};

// The county's rules (settings key "policy.rules" as JSON, see policy_rules_from_json). A drive's rules
// override these field by field.
struct PolicyRules {
    int minimum_shelf_life_days = 90;
    std::map<std::string, int> shelf_life_by_category;  // category → minimum days, overrides the default
    // Categories refused outright. The catalogue flags count as categories too: "prescription",
    // "controlled", "cold-chain", "injectable".
    std::set<std::string> excluded_categories;
    bool accept_unknown_for_review = true;  // unknown product → accept for pharmacist review
};

// What the catalogue says about the product; mirrors storage::CatalogueEntry without depending on it.
// What the catalogue says about a product: its names for the donor and what the rules look at.
struct ProductInfo {
    std::string name_zh;
    std::string name_en;
    std::string category;  // catalogue category code, e.g. "antipyretic"
    bool prescription = false;
    bool controlled = false;
    bool cold_chain = false;
    bool injectable = false;
    bool device = false;
};

struct DriveInfo {
    std::string name;
    std::vector<std::string> accepted_categories;  // empty: every category
    std::optional<int> minimum_shelf_life_days;
    std::map<std::string, int> shelf_life_by_category;
};

// Everything besides the pack and today that the rules look at; the caller looks these up (see
// policy_lookup.hpp for the ledger-backed version).
struct PolicyContext {
    std::optional<ProductInfo> product;  // nullopt: not in the catalogue
    std::optional<DriveInfo> drive;      // the drive running today, if any
    bool batch_recalled = false;
    bool serial_already_recorded = false;
};

int days_between(const scanner::Date& from, const scanner::Date& to);

// The full policy. Order: recalled, duplicate, excluded category (county or drive), unknown product,
// then expiry (devices need none): missing → ask, expired, short shelf life, accept.
Assessment assess(const scanner::PackCode& pack, const scanner::Date& today, const PolicyRules& rules,
                  const PolicyContext& context);

// Expiry only, without catalogue or drive (the first kiosk version's policy): a pack without expiry
// goes to the pharmacist ("no-expiry").
Assessment assess(const scanner::PackCode& pack, const scanner::Date& today, const PolicyRules& rules = {});

// Reads {"minimum_shelf_life_days": 90, "shelf_life_by_category": {"antiviral": 180},
//        "excluded_categories": ["controlled"], "accept_unknown_for_review": true}; absent keys keep
// `base`'s value. A malformed document is refused with the reason.
Result<PolicyRules> policy_rules_from_json(const std::string& json_text, const PolicyRules& base);
std::string policy_rules_to_json(const PolicyRules& rules);

}  // namespace medkiosk::kiosk
