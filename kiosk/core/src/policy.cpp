#include "medkiosk/kiosk/policy.hpp"

#include <algorithm>
#include <nlohmann/json.hpp>

namespace medkiosk::kiosk {
namespace {

// Days since 1970-01-01 in the proleptic Gregorian calendar (H. Hinnant's days_from_civil).
int days_from_civil(int y, int m, int d) {
    y -= m <= 2;
    const int era = (y >= 0 ? y : y - 399) / 400;
    const int yoe = y - era * 400;
    const int doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    const int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

Assessment outcome(Decision decision, std::string reason, int days = 0) {
    // "ok" keeps the first version's key.
    std::string key = reason == "ok" ? std::string("result.accepted") : "result." + reason;
    std::replace(key.begin(), key.end(), '-', '_');
    return {decision, std::move(reason), std::move(key), days};
}

bool contains(const std::vector<std::string>& list, const std::string& value) {
    return std::find(list.begin(), list.end(), value) != list.end();
}

// The product's category plus its flags, each of which a county may exclude like a category.
std::vector<std::string> categories_of(const ProductInfo& product) {
    std::vector<std::string> categories{product.category};
    if (product.prescription) categories.push_back("prescription");
    if (product.controlled) categories.push_back("controlled");
    if (product.cold_chain) categories.push_back("cold-chain");
    if (product.injectable) categories.push_back("injectable");
    if (product.device) categories.push_back("device");
    return categories;
}

// A drive's rules override the county's field by field; a per-category limit beats the general one.
int minimum_shelf_life(const PolicyRules& rules, const std::optional<ProductInfo>& product,
                       const std::optional<DriveInfo>& drive) {
    int days = rules.minimum_shelf_life_days;
    std::map<std::string, int> by_category = rules.shelf_life_by_category;
    if (drive) {
        if (drive->minimum_shelf_life_days) days = *drive->minimum_shelf_life_days;
        for (const auto& [category, limit] : drive->shelf_life_by_category) by_category[category] = limit;
    }
    if (product) {
        if (auto it = by_category.find(product->category); it != by_category.end()) return it->second;
    }
    return days;
}

Assessment assess_expiry(const scanner::PackCode& pack, const scanner::Date& today, int minimum_days,
                         Decision missing_decision, const char* missing_reason) {
    if (!pack.expiry) return outcome(missing_decision, missing_reason);
    // A pack is still good on its expiry day; the parser already turned DD=00 into the month's last day.
    const int days_left = days_between(today, *pack.expiry);
    if (days_left < 0) return outcome(Decision::Refuse, "expired");
    if (days_left < minimum_days) return outcome(Decision::Refuse, "short-shelf-life", minimum_days);
    return outcome(Decision::Accept, "ok", minimum_days);
}

}  // namespace

std::string_view to_string(Decision decision) {
    switch (decision) {
        case Decision::Accept:
            return "accept";
        case Decision::Refuse:
            return "refuse";
        case Decision::Review:
            return "review";
        case Decision::AskExpiry:
            return "ask-expiry";
    }
    return "review";
}

int days_between(const scanner::Date& from, const scanner::Date& to) {
    return days_from_civil(to.year, to.month, to.day) - days_from_civil(from.year, from.month, from.day);
}

Assessment assess(const scanner::PackCode& pack, const scanner::Date& today, const PolicyRules& rules) {
    return assess_expiry(pack, today, rules.minimum_shelf_life_days, Decision::Review, "no-expiry");
}

Assessment assess(const scanner::PackCode& pack, const scanner::Date& today, const PolicyRules& rules,
                  const PolicyContext& context) {
    if (context.batch_recalled) return outcome(Decision::Refuse, "recalled");
    if (context.serial_already_recorded) return outcome(Decision::Refuse, "duplicate");

    const int minimum_days = minimum_shelf_life(rules, context.product, context.drive);
    if (!context.product) {
        if (!rules.accept_unknown_for_review) return outcome(Decision::Refuse, "unknown-product");
        // Still refuse what is plainly out of date; otherwise a pharmacist classifies it.
        Assessment dated = assess_expiry(pack, today, minimum_days, Decision::AskExpiry, "ask-expiry");
        if (dated.decision != Decision::Accept) return dated;
        return outcome(Decision::Review, "unclassified", minimum_days);
    }

    const auto categories = categories_of(*context.product);
    for (const auto& category : categories) {
        if (rules.excluded_categories.count(category) != 0)
            return outcome(Decision::Refuse, "excluded-category");
    }
    if (context.drive && !context.drive->accepted_categories.empty() &&
        !contains(context.drive->accepted_categories, context.product->category)) {
        return outcome(Decision::Refuse, "excluded-category");
    }

    if (context.product->device) {
        // A thermometer has no expiry; one that does still must not be past it.
        if (!pack.expiry) return outcome(Decision::Accept, "device");
        return assess_expiry(pack, today, 0, Decision::Accept, "device");
    }
    return assess_expiry(pack, today, minimum_days, Decision::AskExpiry, "ask-expiry");
}

Result<PolicyRules> policy_rules_from_json(const std::string& json_text, const PolicyRules& base) {
    const auto refuse = [](std::string why) { return Error{ErrorCode::Invalid, std::move(why)}; };
    const auto json = nlohmann::json::parse(json_text, nullptr, false);
    if (!json.is_object()) {
        return refuse("rules must be a JSON object");
    }
    PolicyRules rules = base;
    const auto days_ok = [](const nlohmann::json& v) {
        return v.is_number_integer() && v.get<long long>() >= 0 && v.get<long long>() <= 3650;
    };
    for (const auto& [key, value] : json.items()) {
        if (key == "minimum_shelf_life_days") {
            if (!days_ok(value)) {
                return refuse("minimum_shelf_life_days must be a whole number of days from 0 to 3650");
            }
            rules.minimum_shelf_life_days = value.get<int>();
        } else if (key == "shelf_life_by_category") {
            if (!value.is_object()) {
                return refuse("shelf_life_by_category must be an object {\"category\": days}");
            }
            rules.shelf_life_by_category.clear();
            for (const auto& [category, days] : value.items()) {
                if (!days_ok(days)) {
                    return refuse("shelf_life_by_category." + category +
                                  " must be a whole number of days from 0 to 3650");
                }
                rules.shelf_life_by_category[category] = days.get<int>();
            }
        } else if (key == "excluded_categories") {
            if (!value.is_array()) {
                return refuse("excluded_categories must be a list of category names");
            }
            rules.excluded_categories.clear();
            for (const auto& category : value) {
                if (!category.is_string()) {
                    return refuse("excluded_categories must be a list of category names");
                }
                rules.excluded_categories.insert(category.get<std::string>());
            }
        } else if (key == "accept_unknown_for_review") {
            if (!value.is_boolean()) {
                return refuse("accept_unknown_for_review must be true or false");
            }
            rules.accept_unknown_for_review = value.get<bool>();
        } else {
            return refuse("unknown rule '" + key +
                          "' (known: minimum_shelf_life_days, shelf_life_by_category, excluded_categories, "
                          "accept_unknown_for_review)");
        }
    }
    return rules;
}

std::string policy_rules_to_json(const PolicyRules& rules) {
    nlohmann::ordered_json json;
    json["minimum_shelf_life_days"] = rules.minimum_shelf_life_days;
    json["shelf_life_by_category"] = rules.shelf_life_by_category;
    json["excluded_categories"] = rules.excluded_categories;
    json["accept_unknown_for_review"] = rules.accept_unknown_for_review;
    return json.dump();
}

}  // namespace medkiosk::kiosk
