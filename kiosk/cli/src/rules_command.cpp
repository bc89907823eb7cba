// medkioskctl rules: the county's acceptance rules, drives and recalls.

#include <nlohmann/json.hpp>
#include <ostream>

#include "ledger_cli.hpp"
#include "medkiosk/kiosk/policy_lookup.hpp"

namespace medkiosk::cli {
namespace {

constexpr std::string_view kUsage = R"(usage: medkioskctl rules COMMAND [--data-dir DIR] [--today YYYY-MM-DD]

Commands:
  show [--json]                     the county's rules and the drive running today
  set NAME VALUE                    change one rule:
        minimum_shelf_life_days DAYS
        shelf_life_by_category.CATEGORY DAYS   (DAYS "-" removes the category's own limit)
        excluded_categories CAT,CAT,…          ("" for none; flags count: prescription,
                                                controlled, cold-chain, injectable)
        accept_unknown_for_review true|false
  drive NAME START END [--categories CAT,CAT] [--rules JSON]
                                    add a drive (dates YYYY-MM-DD, inclusive); --rules takes
                                    minimum_shelf_life_days and shelf_life_by_category
  recall GTIN BATCH [--note TEXT]   add a recalled batch
)";

std::vector<std::string> split_list(const std::string& text) {
    std::vector<std::string> items;
    std::size_t start = 0;
    while (start <= text.size()) {
        const std::size_t end = std::min(text.find(',', start), text.size());
        if (end > start) items.push_back(text.substr(start, end - start));
        start = end + 1;
    }
    return items;
}

int fail(CommandIo io, const std::string& message) {
    io.err << "medkioskctl rules: " << message << '\n';
    return 1;
}

}  // namespace

int run_rules(const Args& args, CommandIo io) {
    ledger_cli::CommonOptions options;
    if (auto error = ledger_cli::parse(args, {"--categories", "--rules", "--note"}, {}, options)) {
        io.err << "medkioskctl rules: " << *error << "\n\n" << kUsage;
        return 2;
    }
    if (options.help) {
        io.out << kUsage;
        return 0;
    }
    const auto& w = options.positional;
    const std::string command = w.empty() ? "" : w.front();
    const bool usage_ok = (command == "show" && w.size() == 1) || (command == "set" && w.size() == 3) ||
                          (command == "drive" && w.size() == 4) || (command == "recall" && w.size() == 3);
    if (!usage_ok) {
        io.err << "medkioskctl rules: which command? show, set NAME VALUE, drive NAME START END or recall "
                  "GTIN BATCH\n\n"
               << kUsage;
        return 2;
    }

    auto opened =
        command == "show" ? ledger_cli::open_read_only(options) : ledger_cli::open_writable(options);
    if (!opened) return fail(io, opened.error().message);
    storage::Ledger& ledger = *opened.value();
    auto rules = kiosk::load_policy_rules(ledger);
    if (!rules) return fail(io, rules.error().message);

    if (command == "show") {
        auto drive = ledger.reference().active_drive(scanner::to_iso(ledger_cli::today(options)));
        if (!drive) return fail(io, drive.error().message);
        nlohmann::ordered_json out;
        out["rules"] = nlohmann::json::parse(kiosk::policy_rules_to_json(rules.value()));
        if (drive.value()) {
            const auto& d = *drive.value();
            out["active_drive"] = {{"id", d.id},
                                   {"name", d.name},
                                   {"starts_on", d.starts_on},
                                   {"ends_on", d.ends_on},
                                   {"accepted_categories", d.accepted_categories},
                                   {"rules", nlohmann::json::parse(d.rules_json, nullptr, false)}};
        } else {
            out["active_drive"] = nullptr;
        }
        io.out << (options.json ? ledger_cli::dump(out) : out.dump(2)) << '\n';
        return 0;
    }

    if (command == "set") {
        const std::string& name = w[1];
        const std::string& value = w[2];
        nlohmann::json patch = nlohmann::json::object();
        if (name == "minimum_shelf_life_days") {
            patch[name] = nlohmann::json::parse(value, nullptr, false);
        } else if (name.rfind("shelf_life_by_category.", 0) == 0) {
            const std::string category = name.substr(std::string("shelf_life_by_category.").size());
            nlohmann::json by_category = rules.value().shelf_life_by_category;
            if (value == "-")
                by_category.erase(category);
            else
                by_category[category] = nlohmann::json::parse(value, nullptr, false);
            patch["shelf_life_by_category"] = by_category;
        } else if (name == "excluded_categories") {
            patch[name] = split_list(value);
        } else if (name == "accept_unknown_for_review") {
            patch[name] = nlohmann::json::parse(value, nullptr, false);
        } else {
            io.err << "medkioskctl rules: unknown rule '" << name << "'\n\n" << kUsage;
            return 2;
        }
        auto updated = kiosk::policy_rules_from_json(patch.dump(), rules.value());
        if (!updated) return fail(io, updated.error().message + " — nothing was changed");
        if (auto s = ledger.reference().set_setting(kiosk::kPolicyRulesSetting,
                                                    kiosk::policy_rules_to_json(*updated), "medkioskctl");
            !s)
            return fail(io, s.error().message);
        io.out << kiosk::policy_rules_to_json(*updated) << '\n';
        return 0;
    }

    if (command == "drive") {
        storage::Drive drive;
        drive.name = w[1];
        drive.starts_on = w[2];
        drive.ends_on = w[3];
        if (auto categories = ledger_cli::named(options, "--categories"))
            drive.accepted_categories = split_list(*categories);
        drive.rules_json = ledger_cli::named(options, "--rules").value_or("{}");
        if (auto info = kiosk::drive_info(drive); !info)
            return fail(io, info.error().message + " — nothing was changed");
        auto added = ledger.reference().add_drive(drive, "medkioskctl");
        if (!added) return fail(io, added.error().message);
        io.out << "drive " << added.value().id << " '" << drive.name << "' added\n";
        return 0;
    }

    // recall
    storage::Recall recall{w[1], w[2], ledger_cli::named(options, "--note").value_or("")};
    if (recall.gtin.size() != 14 || recall.gtin.find_first_not_of("0123456789") != std::string::npos)
        return fail(io, "the recall's GTIN must be 14 digits (GTIN-14), got '" + recall.gtin + "'");
    if (auto s = ledger.reference().add_recall(recall, "medkioskctl"); !s) return fail(io, s.error().message);
    io.out << "recall of batch " << recall.batch << " of " << recall.gtin << " added\n";
    return 0;
}

}  // namespace medkiosk::cli
