#include "medkiosk/kiosk/packing_list.hpp"

#include <qrencode.h>

#include <cstdio>
#include <sstream>

#include "medkiosk/kiosk/html_escape.hpp"
#include "medkiosk/kiosk/translations.hpp"

namespace medkiosk::kiosk {

QrMatrix qr_matrix(const std::string& text) {
    QrMatrix qr;
    QRcode* code = QRcode_encodeData(static_cast<int>(text.size()),
                                     reinterpret_cast<const unsigned char*>(text.data()), 0, QR_ECLEVEL_M);
    if (code == nullptr) return qr;
    qr.width = code->width;
    qr.dark.resize(static_cast<std::size_t>(code->width * code->width));
    for (int i = 0; i < code->width * code->width; ++i)
        qr.dark[static_cast<std::size_t>(i)] = (code->data[i] & 1) != 0;
    QRcode_free(code);
    return qr;
}

std::string qr_svg(const QrMatrix& qr, double size_mm) {
    constexpr int kQuiet = 4;
    const int side = qr.width + 2 * kQuiet;
    std::ostringstream svg;
    svg << "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 " << side << ' ' << side << "\" width=\""
        << size_mm << "mm\" height=\"" << size_mm << "mm\" shape-rendering=\"crispEdges\">"
        << "<rect width=\"" << side << "\" height=\"" << side << "\" fill=\"#fff\"/><path fill=\"#000\" d=\"";
    // One path of unit squares, runs of dark modules merged per row: small files print fast.
    for (int y = 0; y < qr.width; ++y) {
        for (int x = 0; x < qr.width;) {
            if (!qr.at(x, y)) {
                ++x;
                continue;
            }
            int run = 1;
            while (x + run < qr.width && qr.at(x + run, y)) ++run;
            svg << 'M' << x + kQuiet << ' ' << y + kQuiet << 'h' << run << "v1h-" << run << 'z';
            x += run;
        }
    }
    svg << "\"/></svg>";
    return svg.str();
}

std::string packing_list_html(const PackingListContext& c) {
    const auto zh = [&](const std::string& key) { return html_escape(c.words(true, key)); };
    const auto en = [&](const std::string& key) { return html_escape(c.words(false, key)); };
    const auto both = [&](const std::string& key) {
        return zh(key) + " <span class=\"en\">" + en(key) + "</span>";
    };
    const auto& manifest = c.dispatch.manifest;
    const QrMatrix qr = qr_matrix(c.dispatch.manifest_code);
    // Up to kCompactFrom lines the page has room for names over several text lines; the denser
    // layouts are what fit kMaxManifestLines on one page (tests/county/packing_list_print_test.cpp).
    constexpr std::size_t kCompactFrom = 16, kDenseFrom = 36;
    const char* density = manifest.lines.size() >= kDenseFrom     ? " class=\"dense\""
                          : manifest.lines.size() >= kCompactFrom ? " class=\"compact\""
                                                                  : "";
    std::ostringstream html;
    html << "<!DOCTYPE html>\n<html lang=\"zh-CN\"><head><meta charset=\"utf-8\">"
         << "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src "
            "'unsafe-inline'; "
            "img-src data:\">"
         << "<title>" << zh("packing.title") << ' ' << en("packing.title") << ' '
         << html_escape(manifest.dispatched_on) << "</title><style>"
         << "@page{size:A4;margin:8mm 12mm}body{font-family:'Noto Sans CJK SC','Noto Sans SC',sans-serif;"
            "margin:0;font-size:10.5pt;color:#000}h1{font-size:16pt;margin:0 0 2mm}"
            ".en{color:#444;font-weight:normal}.top{display:flex;justify-content:space-between;gap:6mm;"
            "break-inside:avoid}.facts td{padding:.6mm 2mm .6mm 0;vertical-align:top}"
            ".qr{text-align:center;font-size:9pt}.qr svg{display:block;margin:0 auto}"
            "table.lines{border-collapse:collapse;width:100%;margin-top:4mm;table-layout:fixed}"
            "table.lines th,table.lines td{border:.3mm solid #000;padding:1mm 1.5mm;text-align:left;"
            "overflow-wrap:anywhere}table.lines th .en{display:block;font-size:8pt}tr{break-inside:avoid}"
            "td.n{text-align:right}td.code{font-size:8pt;color:#444}"
            ".sign{display:flex;gap:10mm;margin-top:8mm;break-inside:avoid}.sign div{flex:1;border-top:.3mm "
            "solid #000;padding-top:1mm}small{font-size:8pt;color:#444}"
            // Many lines: one text line a row, smaller type and the name cut short at the cell's end (the
            // code beside it names the product), so the longest dispatch a manifest holds stays on one
            // A4 page with its full-size QR.
            "body.compact,body.dense{font-size:8.5pt}body.dense{font-size:7pt}"
            ".compact h1,.dense h1{font-size:13pt;margin-bottom:1mm}.compact .facts td,.dense .facts "
            "td{padding:0 "
            "2mm 0 0}.compact .qr,.dense .qr{font-size:7pt}"
            ".compact table.lines,.dense table.lines{margin-top:1.5mm}"
            ".compact table.lines td,.dense table.lines td{white-space:nowrap;overflow:hidden;"
            "text-overflow:ellipsis;line-height:1.15;padding:.3mm 1mm}.dense table.lines td{line-height:1;"
            "padding:.1mm 1mm;border-width:.2mm}.compact table.lines th,.dense table.lines th{padding:.3mm "
            "1mm}"
            ".compact table.lines th .en,.dense table.lines th .en{font-size:6.5pt}"
            ".compact td.code{font-size:7.5pt}.dense td.code{font-size:inherit}.compact small,.dense "
            "small{font-size:6.5pt}"
            ".compact .sign{margin-top:5mm}.dense .sign{margin-top:3mm}.compact p,.dense p{margin:1.5mm 0 0}"
         << "</style></head><body" << density << ">\n";
    html << "<div class=\"top\"><div><h1>" << both("packing.title") << "</h1><table class=\"facts\">";
    const auto fact = [&](const std::string& key, const std::string& value) {
        html << "<tr><td>" << both(key) << "</td><td>" << value << "</td></tr>";
    };
    fact("packing.to", c.clinic.clinic_id.empty()
                           ? html_escape(c.dispatch.dispatch.clinic)
                           : html_escape(c.clinic.name_zh) + "<br><span class=\"en\">" +
                                 html_escape(c.clinic.name_en) + "</span><br>" +
                                 html_escape(c.clinic.township_zh) + " <span class=\"en\">" +
                                 html_escape(c.clinic.township_en) + "</span>");
    fact("packing.from",
         html_escape(manifest.kiosk_id) + (c.location.empty() ? "" : "<br>" + html_escape(c.location)));
    fact("packing.date", html_escape(manifest.dispatched_on));
    if (!manifest.order_uuid.empty())
        fact("packing.order", "<small>" + html_escape(manifest.order_uuid) + "</small>");
    fact("packing.dispatch", "<small>" + html_escape(manifest.dispatch_uuid) + "</small>");
    fact("packing.total", std::to_string(manifest.packs()));
    html << "</table></div><div class=\"qr\">" << (qr.width > 0 ? qr_svg(qr, 62) : std::string()) << "<br>"
         << both("packing.scan") << "</div></div>\n";
    html << "<table class=\"lines\"><colgroup><col style=\"width:7mm\"><col><col style=\"width:25mm\">"
         << "<col style=\"width:19mm\"><col style=\"width:16mm\"><col style=\"width:11mm\">"
         << "<col style=\"width:13mm\"><col style=\"width:13mm\"></colgroup><thead><tr><th>#</th>"
         << "<th colspan=\"2\">" << both("packing.product") << "</th><th>" << both("packing.expiry")
         << "</th><th>" << both("packing.category") << "</th><th>" << both("packing.packs") << "</th><th>"
         << both("packing.received") << "</th><th>" << both("packing.damaged") << "</th></tr></thead><tbody>";
    for (const auto& line : manifest.lines) {
        const PackingListNames names = c.names ? c.names(line.product) : PackingListNames{};
        const std::string category_key = "staff.category." + line.category;
        std::string category = c.words(true, category_key);
        if (category == category_key) category = line.category;  // no translation: the code itself
        html << "<tr><td class=\"n\">" << line.line << "</td><td>"
             << (names.product_zh.empty() ? "" : html_escape(names.product_zh) + " ")
             << (names.product_en.empty()
                     ? ""
                     : "<span class=\"en\">" + html_escape(names.product_en) + "</span> ")
             << "</td><td class=\"code\">" << html_escape(line.product) << "</td><td>"
             << (line.expiry.empty() ? std::string("—") : html_escape(line.expiry)) << "</td><td>"
             << html_escape(category) << "</td><td class=\"n\">" << line.quantity
             << "</td><td class=\"box\"></td><td class=\"box\"></td></tr>";
    }
    html << "</tbody></table>\n<div class=\"sign\"><div>" << both("packing.sent_by") << "</div><div>"
         << both("packing.received_by") << "</div></div>\n<p><small>" << zh("packing.note") << "<br>"
         << en("packing.note") << "</small></p>\n</body></html>\n";
    return html.str();
}

Result<std::string> render_packing_list(const storage::DispatchRecord& dispatch,
                                        const std::vector<storage::ClinicChoice>& clinics,
                                        storage::Ledger* names, const std::filesystem::path& assets_dir,
                                        const std::string& location) {
    Translations words;
    if (auto loaded = words.load(assets_dir / "lang"); !loaded)
        return Error{loaded.error().code, "cannot read the packing list's words: " + loaded.error().message};
    PackingListContext context;
    context.dispatch = dispatch;
    context.location = location;
    for (const auto& c : clinics)
        if (c.clinic_id == dispatch.clinic_id) context.clinic = c;
    context.names = [names](const std::string& product) {
        if (names == nullptr) return PackingListNames{};
        auto entry = names->reference().find_product(product);
        if (!entry || !entry.value()) return PackingListNames{};
        return PackingListNames{entry.value()->name_zh, entry.value()->name_en};
    };
    context.words = [&words](bool chinese, const std::string& key) {
        return words.text(chinese ? Language::Chinese : Language::English, key);
    };
    return packing_list_html(context);
}

}  // namespace medkiosk::kiosk
