#include "medkiosk/kiosk/policy_lookup.hpp"

#include <nlohmann/json.hpp>

namespace medkiosk::kiosk {

Result<PolicyRules> load_policy_rules(storage::Ledger& ledger) {
    auto stored = ledger.reference().setting(kPolicyRulesSetting);
    if (!stored) return stored.error();
    if (!stored.value()) return PolicyRules{};
    auto rules = policy_rules_from_json(*stored.value(), PolicyRules{});
    if (!rules) {
        return Error{ErrorCode::Invalid, "ledger " + ledger.file().string() + ": setting " +
                                             kPolicyRulesSetting + " is invalid (" + rules.error().message +
                                             "); fix it with 'medkioskctl rules set'"};
    }
    return rules;
}

std::string catalogue_key(const scanner::PackCode& pack) {
    return pack.gtin.empty() ? pack.product_id : pack.gtin;
}

ProductInfo product_info(const storage::CatalogueEntry& entry) {
    return {entry.name_zh,    entry.name_en,    entry.category,   entry.prescription,
            entry.controlled, entry.cold_chain, entry.injectable, entry.device};
}

Result<DriveInfo> drive_info(const storage::Drive& drive) {
    DriveInfo info;
    info.name = drive.name;
    info.accepted_categories = drive.accepted_categories;
    const auto json = nlohmann::json::parse(drive.rules_json, nullptr, false);
    std::string error;
    if (json.is_object()) {
        PolicyRules base;
        base.minimum_shelf_life_days = -1;  // marks "not set by the drive"
        nlohmann::json known = nlohmann::json::object();
        for (const char* key : {"minimum_shelf_life_days", "shelf_life_by_category"})
            if (json.contains(key)) known[key] = json[key];
        if (known.size() != json.size())
            error = "only minimum_shelf_life_days and shelf_life_by_category apply to a drive";
        if (error.empty()) {
            auto rules = policy_rules_from_json(known.dump(), base);
            if (rules) {
                if (rules->minimum_shelf_life_days >= 0)
                    info.minimum_shelf_life_days = rules->minimum_shelf_life_days;
                info.shelf_life_by_category = rules->shelf_life_by_category;
                return info;
            }
            error = rules.error().message;
        }
    } else {
        error = "not a JSON object";
    }
    return Error{ErrorCode::Invalid, "drive '" + drive.name + "' has invalid rules (" + error + ")"};
}

Result<PolicyInputs> policy_inputs(storage::Ledger& ledger, const scanner::PackCode& pack,
                                   const scanner::Date& today) {
    PolicyInputs inputs;
    auto rules = load_policy_rules(ledger);
    if (!rules) return rules.error();
    inputs.rules = rules.value();

    if (const std::string key = catalogue_key(pack); !key.empty()) {
        auto entry = ledger.reference().find_product(key);
        if (!entry) return entry.error();
        if (entry.value()) {
            inputs.context.product = product_info(*entry.value());
            inputs.category = entry.value()->category;
        }
    }
    auto drive = ledger.reference().active_drive(scanner::to_iso(today));
    if (!drive) return drive.error();
    if (drive.value()) {
        auto info = drive_info(*drive.value());
        if (!info) return info.error();
        inputs.context.drive = info.value();
        inputs.drive_id = drive.value()->id;
    }
    auto recalled = ledger.reference().is_recalled(pack.gtin, pack.batch);
    if (!recalled) return recalled.error();
    inputs.context.batch_recalled = recalled.value();
    auto duplicate = ledger.dropoffs().serial_recorded(pack.serial);
    if (!duplicate) return duplicate.error();
    inputs.context.serial_already_recorded = duplicate.value();
    return inputs;
}

}  // namespace medkiosk::kiosk
