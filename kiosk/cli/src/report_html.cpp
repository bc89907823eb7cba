// The public report as one self-contained HTML page: every label in Chinese and English (from
// assets/lang, like the kiosk's screens), charts as inline SVG, tables that scroll sideways on a
// phone, no script and nothing fetched — the Content-Security-Policy forbids both, so a browser
// refuses even a mistake.

#include <algorithm>
#include <chrono>
#include <ctime>
#include <map>
#include <sstream>

#include "medkiosk/kiosk/html_escape.hpp"
#include "medkiosk/kiosk/paths.hpp"
#include "medkiosk/kiosk/translations.hpp"
#include "report_data.hpp"

namespace medkiosk::cli::detail {
namespace {

using kiosk::html_escape;
using kiosk::Language;

struct Series {
    const char* key;  // translation key of its name
    const char* colour;
};
constexpr Series kReceived{"report.received", "#1565c0"};
constexpr Series kGivenOut{"report.given_out", "#2e7d32"};
constexpr Series kExpired{"report.expired_unused", "#c62828"};
constexpr Series kInStock{"report.in_stock", "#8d8d8d"};
constexpr Series kAccepted{"report.decision_accepted", "#2e7d32"};
constexpr Series kReview{"report.review", "#f9a825"};
constexpr Series kRefused{"report.refused", "#c62828"};

// A labelled row of a chart: one value per series.
struct ChartRow {
    std::string label;
    std::vector<long long> values;
};

class Page {
  public:
    explicit Page(const kiosk::Translations& words) : words_(words) {}

    std::string zh(const std::string& key) const { return words_.text(Language::Chinese, key); }
    std::string en(const std::string& key) const { return words_.text(Language::English, key); }
    // Both languages as HTML: Chinese first, English after it in its own span.
    std::string both(const std::string& key) const {
        return "<span lang=\"zh-CN\">" + html_escape(zh(key)) + "</span> <span lang=\"en\" class=\"en\">" +
               html_escape(en(key)) + "</span>";
    }
    std::string plain(const std::string& key) const { return zh(key) + " " + en(key); }
    // A category's name in both languages, as the kiosk's staff screens say it.
    std::string category(const std::string& code) const {
        const std::string key = "staff.category." + code;
        if (!words_.has(Language::Chinese, key)) return code;
        return zh(key) + " " + en(key);
    }

    // Horizontal bars, each row's label above its bar so a phone shows it whole; stacked series.
    std::string bars(const std::string& title_key, const std::vector<ChartRow>& rows,
                     const std::vector<Series>& series) const {
        if (rows.empty()) return {};
        long long most = 1;
        for (const auto& row : rows) {
            long long sum = 0;
            for (long long v : row.values) sum += v;
            most = std::max(most, sum);
        }
        constexpr int kWidth = 480, kBar = 14, kRow = 40, kValueRoom = 60;
        const int height = static_cast<int>(rows.size()) * kRow + 8;
        std::ostringstream svg;
        svg << "<svg class=\"chart\" viewBox=\"0 0 " << kWidth << ' ' << height << "\" role=\"img\"><title>"
            << html_escape(plain(title_key)) << "</title>";
        int y = 4;
        for (const auto& row : rows) {
            svg << "<text x=\"0\" y=\"" << y + 13 << "\" class=\"label\">" << html_escape(row.label)
                << "</text>";
            double x = 0;
            long long sum = 0;
            for (std::size_t s = 0; s < series.size() && s < row.values.size(); ++s) {
                const double w =
                    (kWidth - kValueRoom) * static_cast<double>(row.values[s]) / static_cast<double>(most);
                if (w > 0)
                    svg << "<rect x=\"" << x << "\" y=\"" << y + 18 << "\" width=\"" << w << "\" height=\""
                        << kBar << "\" fill=\"" << series[s].colour << "\"/>";
                x += w;
                sum += row.values[s];
            }
            svg << "<text x=\"" << x + 4 << "\" y=\"" << y + 30 << "\" class=\"value\">" << sum << "</text>";
            y += kRow;
        }
        svg << "</svg>";
        return svg.str();
    }

    // Columns per week, one per series side by side, with the week's Monday under them.
    std::string weeks(const std::string& title_key, const std::vector<ChartRow>& rows,
                      const std::vector<Series>& series) const {
        if (rows.empty()) return {};
        long long most = 1;
        for (const auto& row : rows)
            for (long long v : row.values) most = std::max(most, v);
        constexpr int kWidth = 480, kHeight = 200, kAxis = 28, kTop = 16;
        const double slot = static_cast<double>(kWidth) / static_cast<double>(rows.size());
        const double bar = std::min(18.0, (slot - 4) / static_cast<double>(series.size()));
        std::ostringstream svg;
        svg << "<svg class=\"chart\" viewBox=\"0 0 " << kWidth << ' ' << kHeight + kAxis
            << "\" role=\"img\"><title>" << html_escape(plain(title_key)) << "</title>";
        svg << "<text x=\"0\" y=\"11\" class=\"value\">" << most << "</text>"
            << "<line x1=\"0\" y1=\"" << kTop << "\" x2=\"" << kWidth << "\" y2=\"" << kTop
            << "\" class=\"grid\"/><line x1=\"0\" y1=\"" << kHeight << "\" x2=\"" << kWidth << "\" y2=\""
            << kHeight << "\" class=\"axis\"/>";
        for (std::size_t i = 0; i < rows.size(); ++i) {
            const double left =
                slot * static_cast<double>(i) + (slot - bar * static_cast<double>(series.size())) / 2;
            for (std::size_t s = 0; s < series.size() && s < rows[i].values.size(); ++s) {
                const double h =
                    (kHeight - kTop) * static_cast<double>(rows[i].values[s]) / static_cast<double>(most);
                if (h > 0)
                    svg << "<rect x=\"" << left + bar * static_cast<double>(s) << "\" y=\"" << kHeight - h
                        << "\" width=\"" << bar - 1 << "\" height=\"" << h << "\" fill=\"" << series[s].colour
                        << "\"/>";
            }
            // "MM-DD" of the Monday; every other one when the weeks are many.
            if (rows.size() <= 12 || i % 2 == 0)
                svg << "<text x=\"" << slot * (static_cast<double>(i) + 0.5) << "\" y=\"" << kHeight + 18
                    << "\" class=\"tick\">"
                    << html_escape(rows[i].label.size() == 10 ? rows[i].label.substr(5) : rows[i].label)
                    << "</text>";
        }
        svg << "</svg>";
        return svg.str();
    }

    std::string legend(const std::vector<Series>& series) const {
        std::string html = "<p class=\"legend\">";
        for (const auto& s : series)
            html +=
                "<span><i style=\"background:" + std::string(s.colour) + "\"></i>" + both(s.key) + "</span> ";
        return html + "</p>\n";
    }

    std::string table(const std::vector<std::string>& header_keys,
                      const std::vector<std::vector<std::string>>& rows) const {
        std::string html = "<div class=\"scroll\"><table><thead><tr>";
        for (const auto& key : header_keys) html += "<th>" + both(key) + "</th>";
        html += "</tr></thead><tbody>";
        for (const auto& row : rows) {
            html += "<tr>";
            for (std::size_t i = 0; i < row.size(); ++i) {
                const bool number =
                    !row[i].empty() && row[i].find_first_not_of("0123456789") == std::string::npos;
                html += (number ? "<td class=\"n\">" : "<td>") + row[i] + "</td>";
            }
            html += "</tr>";
        }
        return html + "</tbody></table></div>\n";
    }

  private:
    const kiosk::Translations& words_;
};

struct UseTotal {
    std::string label;
    std::string kind;
    std::string township;
    long long received = 0, given_out = 0, expired_unused = 0, in_stock = 0;
};

// Per key over the window: flows summed, stock as at the last week.
std::vector<UseTotal> totals(const UseSection& section) {
    std::vector<UseTotal> out;
    std::map<std::string, std::size_t> index;
    for (const auto& row : section.rows) {
        auto [it, added] = index.emplace(row.key, out.size());
        if (added) {
            UseTotal total;
            total.label = row.label_zh == row.label_en ? row.label_zh : row.label_zh + " " + row.label_en;
            out.push_back(total);
        }
        auto& total = out[it->second];
        total.received += row.received;
        total.given_out += row.given_out;
        total.expired_unused += row.expired_unused;
        total.in_stock = row.in_stock;  // rows come by week
    }
    return out;
}

// Every week's Monday from the one holding `from` to the one holding `to` (YYYY-MM-DD).
std::vector<std::string> mondays(const std::string& from, const std::string& to) {
    using namespace std::chrono;
    const auto parse = [](const std::string& text) {
        return sys_days(year_month_day(year(std::stoi(text.substr(0, 4))),
                                       month(static_cast<unsigned>(std::stoi(text.substr(5, 2)))),
                                       day(static_cast<unsigned>(std::stoi(text.substr(8, 2))))));
    };
    std::vector<std::string> weeks;
    const sys_days first = parse(from), last = parse(to);
    sys_days monday = first - (weekday(first) - Monday);
    for (; monday <= last && weeks.size() < 1000; monday += days(7)) {
        const year_month_day date(monday);
        char text[32];
        std::snprintf(text, sizeof text, "%04d-%02u-%02u", static_cast<int>(date.year()),
                      static_cast<unsigned>(date.month()), static_cast<unsigned>(date.day()));
        weeks.push_back(text);
    }
    return weeks;
}

std::string utc_now() {
    const std::time_t now = std::time(nullptr);
    std::tm tm{};
    gmtime_r(&now, &tm);
    char text[32];
    std::strftime(text, sizeof text, "%Y-%m-%d %H:%M", &tm);
    return text;
}

constexpr const char* kStyle =
    "body{font-family:'Noto Sans CJK SC','Noto Sans SC','PingFang SC','Microsoft YaHei',sans-serif;margin:0;"
    "color:#1d1d1d;background:#fafafa;line-height:1.45}"
    "main{max-width:60rem;margin:0 auto;padding:1rem}"
    "h1{font-size:1.6rem;margin:.2rem 0}h2{font-size:1.2rem;margin:1.8rem 0 .4rem;border-bottom:2px solid "
    "#ddd}"
    ".en{color:#555;font-weight:normal}h1 .en,h2 .en{display:block;font-size:.8em}"
    ".cards{display:grid;grid-template-columns:repeat(auto-fit,minmax(9rem,1fr));gap:.6rem;margin:1rem 0}"
    ".card{background:#fff;border:1px solid #ddd;border-radius:.4rem;padding:.6rem}"
    ".card b{display:block;font-size:1.7rem}.card .en{display:block;font-size:.85em}"
    ".chart{width:100%;max-width:40rem;height:auto;display:block;margin:.4rem 0}"
    ".chart text{font-size:15px;fill:#1d1d1d}.chart .tick{font-size:12px;text-anchor:middle;fill:#555}"
    ".chart .value{font-size:13px;fill:#555}.chart .axis{stroke:#999}.chart .grid{stroke:#e3e3e3}"
    ".legend span{margin-right:1rem;white-space:nowrap}.legend i{display:inline-block;width:.8em;height:.8em;"
    "margin-right:.3em;vertical-align:-.05em}"
    ".scroll{overflow-x:auto;-webkit-overflow-scrolling:touch}"
    "table{border-collapse:collapse;background:#fff;margin:.4rem 0;min-width:100%}"
    "th,td{border:1px solid #ddd;padding:.3rem .5rem;text-align:left;vertical-align:top}th .en{display:block;"
    "font-size:.8em}td.n{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}"
    "footer{margin:2rem 0 1rem;color:#555;font-size:.9rem}"
    "@media (max-width:30rem){main{padding:.6rem}h1{font-size:1.3rem}.card b{font-size:1.3rem}}";

}  // namespace

std::string render_report_html(const ReportData& data) {
    kiosk::Translations words;
    // A missing file shows keys, never stops the report; the caller checks the lang dir first.
    (void)words.load(kiosk::default_assets_dir() / "lang");
    const Page page(words);
    const auto n = [](long long v) { return std::to_string(v); };

    long long accepted = 0, dispatched = 0;
    for (const auto& row : data.donations.front().rows) accepted += row.accepted_packs;
    for (const auto& row : data.dispatches) dispatched += row.packs;
    const auto find_use = [&](const std::string& name) -> const UseSection* {
        for (const auto& s : data.use)
            if (s.key_name == name) return &s;
        return nullptr;
    };
    const UseSection* by_clinic = find_use("clinic");
    const UseSection* by_township = find_use("township");
    const UseSection* by_category = find_use("category");
    UseTotal county;
    if (by_clinic)
        for (const auto& t : totals(*by_clinic)) {
            county.received += t.received;
            county.given_out += t.given_out;
            county.expired_unused += t.expired_unused;
            county.in_stock += t.in_stock;
        }

    std::ostringstream html;
    html << "<!DOCTYPE html>\n<html lang=\"zh-CN\"><head><meta charset=\"utf-8\">"
         << "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
         << "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src "
            "'unsafe-inline'; "
            "img-src data:; base-uri 'none'; form-action 'none'\">"
         << "<meta name=\"referrer\" content=\"no-referrer\">"
         << "<title>" << html_escape(page.plain("report.title")) << " " << html_escape(data.from) << " – "
         << html_escape(data.to) << "</title><style>" << kStyle << "</style></head>\n<body><main>\n";
    html << "<header><h1>" << page.both("report.title") << "</h1><p>"
         << html_escape(kiosk::fill(page.zh("report.period"), {{"from", data.from}, {"to", data.to}}))
         << " · <span lang=\"en\">"
         << html_escape(kiosk::fill(page.en("report.period"), {{"from", data.from}, {"to", data.to}}))
         << "</span><br>"
         << "<small>" << html_escape(kiosk::fill(page.zh("report.generated"), {{"at", utc_now()}}))
         << " · <span lang=\"en\">"
         << html_escape(kiosk::fill(page.en("report.generated"), {{"at", utc_now()}}))
         << "</span></small></p></header>\n";

    html << "<h2>" << page.both("report.totals") << "</h2><div class=\"cards\">";
    for (const auto& [key, value] : {std::pair<const char*, long long>{"report.accepted", accepted},
                                     {"report.dispatched", dispatched},
                                     {"report.received", county.received},
                                     {"report.given_out", county.given_out},
                                     {"report.expired_unused", county.expired_unused},
                                     {"report.in_stock", county.in_stock}}) {
        html << "<div class=\"card\"><b>" << value << "</b>" << page.both(key) << "</div>";
    }
    html << "</div>\n";

    // The clinics' side first: what the public most wants to know is whether the medicine was used.
    const std::vector<Series> flows = {kReceived, kGivenOut, kExpired};
    html << "<h2>" << page.both("report.use_by_week") << "</h2>\n";
    if (by_category && !by_category->rows.empty()) {
        std::map<std::string, ChartRow> weekly;
        for (const auto& monday : mondays(data.from, data.to)) weekly[monday] = {monday, {0, 0, 0}};
        for (const auto& row : by_category->rows) {
            auto& week = weekly[row.week];
            week.label = row.week;
            week.values.resize(3);
            week.values[0] += row.received;
            week.values[1] += row.given_out;
            week.values[2] += row.expired_unused;
        }
        std::vector<ChartRow> rows;
        std::vector<std::vector<std::string>> table;
        for (auto& [week, row] : weekly) {
            table.push_back({html_escape(week), n(row.values[0]), n(row.values[1]), n(row.values[2])});
            rows.push_back(std::move(row));
        }
        html << page.legend(flows) << page.weeks("report.use_by_week", rows, flows)
             << page.table({"report.week", "report.received", "report.given_out", "report.expired_unused"},
                           table);
    } else {
        html << "<p>" << page.both("report.empty") << "</p>\n";
    }

    const std::vector<Series> use_bars = {kGivenOut, kInStock, kExpired};
    const auto use_section = [&](const UseSection* section, const char* title_key, const char* key_column) {
        html << "<h2>" << page.both(title_key) << "</h2>\n";
        if (!section || section->rows.empty()) {
            html << "<p>" << page.both("report.empty") << "</p>\n";
            return;
        }
        auto list = totals(*section);
        if (section->key_name == "category")
            for (auto& total : list) total.label = page.category(total.label);
        std::vector<ChartRow> rows;
        std::vector<std::vector<std::string>> table;
        for (const auto& t : list) {
            rows.push_back({t.label, {t.given_out, t.in_stock, t.expired_unused}});
            table.push_back(
                {html_escape(t.label), n(t.received), n(t.given_out), n(t.expired_unused), n(t.in_stock)});
        }
        html << page.legend(use_bars) << page.bars(title_key, rows, use_bars)
             << page.table({key_column, "report.received", "report.given_out", "report.expired_unused",
                            "report.in_stock"},
                           table);
    };
    use_section(by_township, "report.by_township", "report.township");
    use_section(by_clinic, "report.by_clinic", "report.clinic");
    use_section(by_category, "report.by_category", "report.category");

    html << "<h2>" << page.both("report.dispatched_to") << "</h2>\n";
    if (data.dispatches.empty()) {
        html << "<p>" << page.both("report.empty") << "</p>\n";
    } else {
        std::vector<std::vector<std::string>> table;
        for (const auto& d : data.dispatches) {
            const std::string clinic =
                d.township_zh.empty()
                    ? html_escape(d.name_zh) + " <small>(" + page.both("report.other_clinic") + ")</small>"
                    : html_escape(d.name_zh) + "<br><span lang=\"en\" class=\"en\">" +
                          html_escape(d.name_en) + "</span>";
            const std::string township = d.township_zh.empty() ? "—"
                                                               : html_escape(d.township_zh) +
                                                                     " <span lang=\"en\" class=\"en\">" +
                                                                     html_escape(d.township_en) + "</span>";
            table.push_back({clinic, township, n(d.dispatches), n(d.packs)});
        }
        html << page.table({"report.clinic", "report.township", "report.dispatches", "report.packs"}, table);
    }

    const std::vector<Series> decisions = {kAccepted, kReview, kRefused};
    html << "<h2>" << page.both("report.donations") << "</h2>\n<p>" << page.both("report.donations_note")
         << "</p>\n"
         << page.legend(decisions);
    const std::pair<const char*, const char*> donation_titles[] = {
        {"report.donations_by_category", "report.category"},
        {"report.donations_by_point", "report.point"},
        {"report.donations_by_week", "report.week"}};
    for (std::size_t i = 0; i < data.donations.size() && i < 3; ++i) {
        const auto& section = data.donations[i];
        html << "<h3>" << page.both(donation_titles[i].first) << "</h3>\n";
        if (section.rows.empty()) {
            html << "<p>" << page.both("report.empty") << "</p>\n";
            continue;
        }
        std::vector<ChartRow> rows;
        std::vector<std::vector<std::string>> table;
        auto listed = section.rows;
        if (section.key_name == "week") {
            // Every week of the period, the quiet ones too.
            std::map<std::string, DonationCount> by_week;
            for (const auto& monday : mondays(data.from, data.to)) by_week[monday] = {monday};
            for (const auto& r : section.rows) by_week[r.key] = r;
            listed.clear();
            for (auto& [week, r] : by_week) listed.push_back(r);
        }
        for (const auto& r : listed) {
            const std::string label = section.key_name == "category" ? page.category(r.key) : r.key;
            rows.push_back({label, {r.accepted, r.review, r.refused}});
            table.push_back({html_escape(label), n(r.accepted), n(r.review), n(r.refused), n(r.packs)});
        }
        html << (section.key_name == "week" ? page.weeks(donation_titles[i].first, rows, decisions)
                                            : page.bars(donation_titles[i].first, rows, decisions))
             << page.table({donation_titles[i].second, "report.accepted", "report.review", "report.refused",
                            "report.packs"},
                           table);
    }
    html << "<footer><p lang=\"zh-CN\">" << html_escape(page.zh("report.notes")) << "</p><p lang=\"en\">"
         << html_escape(page.en("report.notes")) << "</p></footer>\n</main></body></html>\n";
    return html.str();
}

}  // namespace medkiosk::cli::detail
