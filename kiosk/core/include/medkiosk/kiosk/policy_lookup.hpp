#pragma once
// Fills the policy's inputs from the ledger: the county's rules (setting "policy.rules"), the
// catalogue entry, the drive running today, the recall list and earlier drop-offs of the same serial.

#include "medkiosk/kiosk/policy.hpp"
#include "medkiosk/storage/ledger.hpp"

namespace medkiosk::kiosk {

inline constexpr const char* kPolicyRulesSetting = "policy.rules";

// The county's rules: defaults overlaid with the "policy.rules" setting.
Result<PolicyRules> load_policy_rules(storage::Ledger& ledger);

// The catalogue key of a pack: its GTIN-14, else its product id (trace codes, PZN …).
std::string catalogue_key(const scanner::PackCode& pack);

ProductInfo product_info(const storage::CatalogueEntry& entry);
// A drive's rules_json uses the same keys as PolicyRules' JSON (minimum_shelf_life_days,
// shelf_life_by_category); anything malformed is an error.
Result<DriveInfo> drive_info(const storage::Drive& drive);

struct PolicyInputs {
    PolicyRules rules;
    PolicyContext context;
    std::int64_t drive_id = 0;
    std::string category;  // the catalogue category, "" for an unknown product
};

Result<PolicyInputs> policy_inputs(storage::Ledger& ledger, const scanner::PackCode& pack,
                                   const scanner::Date& today);

}  // namespace medkiosk::kiosk
