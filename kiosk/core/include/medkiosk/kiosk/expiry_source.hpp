#pragma once
// Where a recorded drop-off's expiry came from. Storage has no column for it yet, so the flow keeps
// it with the pack and the kiosk logs it with the recorded drop-off.

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
