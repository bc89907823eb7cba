#pragma once
// What leaves with a dispatch: its manifest as a QR code (modules from libqrencode, drawn by the
// screen or as SVG) and a one-page packing list to print — an HTML file in Chinese and English with
// the QR, every line with its product, expiry and packs, and boxes to tick at the clinic. The page
// needs no other file and no script, so any browser on the staff PC prints it as it is.

#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "medkiosk/storage/dispatch_book.hpp"
#include "medkiosk/storage/ledger.hpp"

namespace medkiosk::kiosk {

struct QrMatrix {
    int width = 0;           // modules per side; 0 when the text does not fit a QR code
    std::vector<bool> dark;  // row by row
    bool at(int x, int y) const { return dark[static_cast<std::size_t>(y * width + x)]; }
};
// Error correction M, binary mode, the smallest version that holds the text.
QrMatrix qr_matrix(const std::string& text);
// The QR as an SVG element `size_mm` wide, with a quiet zone of 4 modules.
std::string qr_svg(const QrMatrix& qr, double size_mm);

struct PackingListNames {
    std::string product_zh;
    std::string product_en;
};

struct PackingListContext {
    storage::DispatchRecord dispatch;
    storage::ClinicChoice clinic;  // clinic_id empty when the dispatch named no known clinic
    std::string location;          // the collection point's place, as configured
    // The catalogue's names of a product code ("" when unknown).
    std::function<PackingListNames(const std::string& product)> names;
    // Chinese and English words (translation keys "packing.*", "staff.category.*").
    std::function<std::string(bool chinese, const std::string& key)> words;
};

std::string packing_list_html(const PackingListContext& context);

// The packing list of `dispatch` as the kiosk and medkioskctl write it: the clinic looked up in
// `clinics`, product names from `names` (null: codes only), words from `assets_dir`/lang.
Result<std::string> render_packing_list(const storage::DispatchRecord& dispatch,
                                        const std::vector<storage::ClinicChoice>& clinics,
                                        storage::Ledger* names, const std::filesystem::path& assets_dir,
                                        const std::string& location);

}  // namespace medkiosk::kiosk
