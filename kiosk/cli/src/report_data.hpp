#pragma once
// The public report's figures, read from the hub's report views (deploy/hub/03 and 06) for a window
// of days: donations, dispatches to clinics, and the clinics' use — received, given out, expired
// unused, in stock — per clinic, township, category and week. Only counts; no person, no code.

#include <string>
#include <vector>

#include "medkiosk/storage/sync.hpp"

namespace medkiosk::cli::detail {

struct DonationCount {
    std::string key;  // a category, a drop-off point's location, or a week (YYYY-MM-DD, its Monday)
    // Boxes (packs), never drop-offs: accepted, refused, awaiting review, all.
    long long accepted = 0, refused = 0, review = 0, packs = 0;
    long long accepted_packs = 0;  // packs of the accepted drop-offs (= accepted)
};

struct DonationSection {
    std::string key_name;  // "category", "drop_off_point", "week"
    std::vector<DonationCount> rows;
};

struct DispatchCount {
    std::string key;  // clinic id, or the typed name of a dispatch that named no known clinic
    std::string name_zh, name_en, township_zh, township_en;
    long long dispatches = 0, packs = 0;
};

// One key's use in one week: flows during the week and the stock at its end.
struct UseCount {
    std::string key;  // clinic id, township (Chinese name) or category
    std::string label_zh, label_en;
    std::string week;  // its Monday, YYYY-MM-DD
    long long received = 0, given_out = 0, expired_unused = 0, in_stock = 0;
};

struct UseSection {
    std::string key_name;        // "clinic", "township", "category"
    std::vector<UseCount> rows;  // by key, then week
};

struct ReportData {
    std::string from, to;  // YYYY-MM-DD, both included
    std::vector<DonationSection> donations;
    std::vector<DispatchCount> dispatches;
    std::vector<UseSection> use;
};

Result<ReportData> read_report(storage::HubSession& hub, const std::string& from, const std::string& to);

std::string render_report_csv(const ReportData& data);
// One self-contained page: inline SVG charts and tables in Chinese and English, no script, no
// external request (a Content-Security-Policy forbids both), readable at phone and desktop width.
std::string render_report_html(const ReportData& data);

}  // namespace medkiosk::cli::detail
