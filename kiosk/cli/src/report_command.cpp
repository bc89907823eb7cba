// medkioskctl report: the bureau's public report from the hub's report views, as CSV or as one
// self-contained HTML page with inline SVG charts; and a donor's receipt-code lookup.

#include <algorithm>
#include <map>
#include <ostream>
#include <sstream>

#include "hub_options.hpp"
#include "medkiosk/cli/commands.hpp"
#include "medkiosk/iso_date.hpp"
#include "medkiosk/storage/sync.hpp"

namespace medkiosk::cli {
namespace {

namespace storage = medkiosk::storage;

constexpr std::string_view kUsage =
    R"(usage: medkioskctl report --from DATE --to DATE [--format csv|html] [--hub CONNINFO]
       medkioskctl report --receipt CODE [--hub CONNINFO]

Donations accepted and refused by category, drop-off point and week, and dispatches by clinic, for
drop-offs recorded from DATE through DATE (YYYY-MM-DD, both included). --format html writes one page
with inline charts that needs no other file. --receipt shows one donation's items and their outcome.
CONNINFO needs the medkiosk_report role (default $MEDKIOSK_HUB_URL).
)";

struct Section {
    std::string title;
    std::string key_name;
    std::vector<storage::HubRow> rows;  // key, accepted, refused, review, packs
};

std::string html_escape(const std::string& text) {
    std::string out;
    for (char c : text) {
        switch (c) {
            case '&':
                out += "&amp;";
                break;
            case '<':
                out += "&lt;";
                break;
            case '>':
                out += "&gt;";
                break;
            case '"':
                out += "&quot;";
                break;
            default:
                out += c;
        }
    }
    return out;
}

std::string csv_field(const std::string& text) {
    if (text.find_first_of(",\"\n") == std::string::npos) return text;
    std::string out = "\"";
    for (char c : text) {
        if (c == '"') out += '"';
        out += c;
    }
    return out + "\"";
}

long long number(const std::optional<std::string>& text) {
    return text ? std::stoll(*text) : 0;
}

// Horizontal stacked bars: accepted (green) and refused (red) per key.
std::string svg_chart(const Section& section) {
    long long max_total = 1;
    for (const auto& row : section.rows)
        max_total = std::max(max_total, number(row[1]) + number(row[2]) + number(row[3]));
    constexpr int kBarHeight = 22, kLabelWidth = 180, kChartWidth = 420;
    const int height = static_cast<int>(section.rows.size()) * (kBarHeight + 6) + 10;
    std::ostringstream svg;
    svg << "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" << kLabelWidth + kChartWidth + 80
        << "\" height=\"" << height << "\" role=\"img\" aria-label=\"" << html_escape(section.title) << "\">";
    int y = 5;
    for (const auto& row : section.rows) {
        const long long accepted = number(row[1]), refused = number(row[2]), review = number(row[3]);
        const int accepted_width = static_cast<int>(kChartWidth * accepted / max_total);
        const int review_width = static_cast<int>(kChartWidth * review / max_total);
        const int refused_width = static_cast<int>(kChartWidth * refused / max_total);
        svg << "<text x=\"0\" y=\"" << y + 16 << "\" font-size=\"13\">" << html_escape(row[0].value_or(""))
            << "</text>"
            << "<rect x=\"" << kLabelWidth << "\" y=\"" << y << "\" width=\"" << accepted_width
            << "\" height=\"" << kBarHeight << "\" fill=\"#2e7d32\"/>"
            << "<rect x=\"" << kLabelWidth + accepted_width << "\" y=\"" << y << "\" width=\"" << review_width
            << "\" height=\"" << kBarHeight << "\" fill=\"#f9a825\"/>"
            << "<rect x=\"" << kLabelWidth + accepted_width + review_width << "\" y=\"" << y << "\" width=\""
            << refused_width << "\" height=\"" << kBarHeight << "\" fill=\"#c62828\"/>"
            << "<text x=\"" << kLabelWidth + accepted_width + review_width + refused_width + 6 << "\" y=\""
            << y + 16 << "\" font-size=\"12\">" << accepted + refused + review << "</text>";
        y += kBarHeight + 6;
    }
    svg << "</svg>";
    return svg.str();
}

int fail(CommandIo io, const std::string& message) {
    io.err << "medkioskctl report: " << message << '\n';
    return 1;
}

}  // namespace

int run_report(const Args& args, CommandIo io) {
    const auto options =
        detail::parse_options(args, {"--hub", "--from", "--to", "--format", "--receipt"}, {"--help", "-h"});
    if (!options.error.empty() || !options.positional.empty()) {
        io.err << "medkioskctl report: " << (options.error.empty() ? "unexpected argument" : options.error)
               << "\n\n"
               << kUsage;
        return 2;
    }
    if (options.has("--help") || options.has("-h")) {
        io.out << kUsage;
        return 0;
    }
    const std::string receipt = options.value("--receipt");
    const std::string from = options.value("--from"), to = options.value("--to");
    const std::string format = options.value("--format", "csv");
    if (receipt.empty() && (!is_iso_date(from) || !is_iso_date(to))) {
        io.err << "medkioskctl report: --from and --to must be dates YYYY-MM-DD\n\n" << kUsage;
        return 2;
    }
    if (format != "csv" && format != "html") {
        io.err << "medkioskctl report: --format must be csv or html\n\n" << kUsage;
        return 2;
    }
    auto session = storage::HubSession::connect(detail::hub_conninfo(options));
    if (!session) return fail(io, session.error().message);
    auto& hub = *session.value();

    if (!receipt.empty()) {
        auto items = hub.query(
            "SELECT recorded_at::text, product, quantity::text, decision, reason, review_state "
            "FROM hub.receipt_lookup($1)",
            {receipt});
        if (!items) return fail(io, items.error().message);
        if (items.value().empty()) {
            io.out << "no donation with receipt code " << receipt << " has reached the hub yet\n";
            return 1;
        }
        for (const auto& row : items.value()) {
            io.out << row[0].value_or("") << "  " << row[1].value_or("") << "  x" << row[2].value_or("")
                   << "  " << row[3].value_or("") << '/' << row[4].value_or("") << "  " << row[5].value_or("")
                   << '\n';
        }
        return 0;
    }

    const std::string counts =
        "count(*) FILTER (WHERE decision = 'accept')::text, count(*) FILTER (WHERE decision = "
        "'refuse')::text, "
        "count(*) FILTER (WHERE decision = 'review')::text, coalesce(sum(quantity), 0)::text";
    const std::string range = " WHERE recorded_at >= $1::date AND recorded_at < $2::date + 1 ";
    std::vector<Section> sections = {
        {"Donations by category", "category", {}},
        {"Donations by drop-off point", "drop_off_point", {}},
        {"Donations by week", "week", {}},
    };
    const std::string keys[] = {"category", "location", "week::text"};
    for (std::size_t i = 0; i < sections.size(); ++i) {
        auto rows = hub.query("SELECT " + keys[i] + ", " + counts + " FROM hub.report_dropoff" + range +
                                  "GROUP BY 1 ORDER BY 1",
                              {from, to});
        if (!rows) return fail(io, rows.error().message);
        sections[i].rows = std::move(rows).value();
    }
    auto dispatches = hub.query(
        "SELECT clinic, count(*)::text, coalesce(sum(item_count), 0)::text FROM hub.report_dispatch "
        "WHERE dispatched_at >= $1::date AND dispatched_at < $2::date + 1 GROUP BY 1 ORDER BY 1",
        {from, to});
    if (!dispatches) return fail(io, dispatches.error().message);

    if (format == "csv") {
        io.out << "section,key,accepted,refused,review,packs\n";
        for (const auto& section : sections) {
            for (const auto& row : section.rows) {
                io.out << section.key_name << ',' << csv_field(row[0].value_or("")) << ','
                       << row[1].value_or("0") << ',' << row[2].value_or("0") << ',' << row[3].value_or("0")
                       << ',' << row[4].value_or("0") << '\n';
            }
        }
        for (const auto& row : dispatches.value()) {
            io.out << "dispatch_clinic," << csv_field(row[0].value_or("")) << ',' << row[1].value_or("0")
                   << ",,," << row[2].value_or("0") << '\n';
        }
        return 0;
    }

    io.out
        << "<!DOCTYPE html>\n<html lang=\"zh-CN\"><head><meta charset=\"utf-8\"><title>Donated medicine "
           "report "
        << from << " – " << to
        << "</title><style>body{font-family:sans-serif;max-width:60em;margin:2em auto}table{border-collapse:"
           "collapse}td,th{border:1px solid #ccc;padding:.2em "
           ".6em;text-align:right}td:first-child{text-align:"
           "left}</style></head><body>\n<h1>Donated medicine "
        << from << " – " << to
        << "</h1>\n<p><span style=\"color:#2e7d32\">■ accepted</span> <span style=\"color:#f9a825\">■ "
           "awaiting "
           "review</span> <span style=\"color:#c62828\">■ refused</span></p>\n";
    for (const auto& section : sections) {
        io.out << "<h2>" << html_escape(section.title) << "</h2>\n"
               << svg_chart(section) << "\n<table><tr><th>" << html_escape(section.key_name)
               << "</th><th>accepted</th><th>refused</th><th>review</th><th>packs</th></tr>";
        for (const auto& row : section.rows) {
            io.out << "<tr><td>" << html_escape(row[0].value_or("")) << "</td><td>" << row[1].value_or("0")
                   << "</td><td>" << row[2].value_or("0") << "</td><td>" << row[3].value_or("0")
                   << "</td><td>" << row[4].value_or("0") << "</td></tr>";
        }
        io.out << "</table>\n";
    }
    io.out
        << "<h2>Dispatched to clinics</h2>\n<table><tr><th>clinic</th><th>dispatches</th><th>items</th></tr>";
    for (const auto& row : dispatches.value()) {
        io.out << "<tr><td>" << html_escape(row[0].value_or("")) << "</td><td>" << row[1].value_or("0")
               << "</td><td>" << row[2].value_or("0") << "</td></tr>";
    }
    io.out << "</table>\n</body></html>\n";
    return 0;
}

}  // namespace medkiosk::cli
