#include "medkiosk/kiosk/policy_snapshot.hpp"

#include "medkiosk/kiosk/policy_lookup.hpp"

namespace medkiosk::kiosk {

std::optional<ProductInfo> PolicySnapshot::find(const scanner::PackCode& pack) const {
    const std::string key = catalogue_key(pack);
    if (key.empty()) return std::nullopt;
    const auto it = products.find(key);
    if (it == products.end()) return std::nullopt;
    return it->second;
}

PolicyRules PolicySnapshot::rules(const PolicyRules& base) const {
    if (!rules_json) return base;
    // Checked when loaded; a failure here cannot happen, and base is the safe answer if it did.
    return policy_rules_from_json(*rules_json, base).value_or(base);
}

Result<PolicySnapshot> load_policy_snapshot(storage::Ledger& ledger, const scanner::Date& today) {
    PolicySnapshot snapshot;
    snapshot.loaded_for = today;
    // load_policy_rules gives the technician-facing message for a malformed setting.
    if (auto rules = load_policy_rules(ledger); !rules) return rules.error();
    auto stored = ledger.reference().setting(kPolicyRulesSetting);
    if (!stored) return stored.error();
    snapshot.rules_json = stored.value();

    auto catalogue = ledger.reference().catalogue();
    if (!catalogue) return catalogue.error();
    for (const auto& entry : catalogue.value())
        snapshot.products.emplace(entry.product_id, product_info(entry));

    auto drive = ledger.reference().active_drive(scanner::to_iso(today));
    if (!drive) return drive.error();
    if (drive.value()) {
        auto info = drive_info(*drive.value());
        if (!info) return info.error();
        snapshot.drive = info.value();
        snapshot.drive_id = drive.value()->id;
    }
    return snapshot;
}

std::optional<ProductInfo> SnapshotProductInfo::find(const scanner::PackCode& pack) const {
    const auto snapshot = source_.policy();
    if (!snapshot) return std::nullopt;
    return snapshot->find(pack);
}

}  // namespace medkiosk::kiosk
