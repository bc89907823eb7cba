#pragma once
// Where a recorded drop-off's expiry came from; the ledger keeps it with the drop-off
// (DropOffInput::expiry_source) and syncs it to the hub.

#include <optional>
#include <string_view>

namespace medkiosk::kiosk {

enum class ExpirySource {
    Code,          // the scanned code carried it (GS1 AI 17, IFA "D")
    OcrConfirmed,  // read from the printed text by ExpiryReader and confirmed by the donor
    Picker,        // the donor chose month/year in the picker (OCR denied, timed out or unavailable)
};
std::string_view to_string(ExpirySource source);  // "code", "ocr-confirmed", "picker"
std::optional<ExpirySource> expiry_source_from_string(std::string_view text);

}  // namespace medkiosk::kiosk
