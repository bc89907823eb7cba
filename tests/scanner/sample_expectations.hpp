#pragma once
// The expectations that come with the real-photo samples (shared/testdata/zxing-samples, upstream's
// blackbox format: NAME.txt or NAME.bin beside each image, and optionally NAME.result.txt with key=value
// lines), loaded one way for the blackbox test and the stills benchmark alike.

#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace medkiosk::test {

struct SampleImage {
    std::filesystem::path image;
    std::string expected_text;                // UTF-8; a .bin's bytes read as ISO-8859-1
    std::map<std::string, std::string> keys;  // from NAME.result.txt, e.g. symbologyIdentifier
    // Texts of other real symbols in the photo (upstream expects one per image): reading one of them is
    // not a misread, though it does not count as reading the image either.
    std::vector<std::string> other_symbols;
};

// The folder's images (png, jpg, jpeg, webp) with their expectations, sorted by name. Images without an
// expectation file are left out; `error` says why when the folder cannot be read at all.
std::vector<SampleImage> load_samples(const std::filesystem::path& folder, std::string* error = nullptr);

// Sample folders under `root` (shared/testdata/zxing-samples), sorted; empty when it does not exist.
std::vector<std::filesystem::path> sample_folders(const std::filesystem::path& root);

// The same code, as a reader may report it: equal texts, or equal GTIN-14 for EAN/UPC digits (an
// EAN-13 starting with 0 comes back as a 12-digit UPC-A when UPC-A is enabled).
bool same_code_text(const std::string& expected, const std::string& actual);

}  // namespace medkiosk::test
