#pragma once
// Reads the printed text lines on a box face in one camera frame with Tesseract 5 (the Simplified
// Chinese model, which covers Latin letters and digits too): finds text lines on a downscaled copy,
// estimates and removes the tilt, binarises each line and recognises it on its own. Slow (hundreds of ms per
// frame): run it on a worker thread. One TextReader is not thread-safe; use one per thread.

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "medkiosk/scanner/frame.hpp"

namespace medkiosk::scanner::ocr {

struct TextReaderOptions {
    std::string tessdata_dir;  // empty: find_tessdata_dir()
    // chi_sim alone also reads the Latin letters and digits on these labels (EXP, LOT): on the
    // generated set it was as accurate as chi_sim+eng at ~⅔ of the time and ⅛ of the load time.
    std::string languages = "chi_sim";
    int max_lines = 14;  // most line candidates recognised per frame, largest first
};

struct GreyImage {
    int width = 0;
    int height = 0;
    const std::uint8_t* pixels = nullptr;
    std::size_t stride = 0;  // bytes per row
};

struct TextLines {
    std::vector<std::string> lines;  // recognised text per line candidate, top to bottom after deskew
    double skew_degrees = 0;         // the tilt that was removed
    int candidates = 0;              // line candidates found before the max_lines cut
    double locate_ms = 0;
    double recognise_ms = 0;
    std::string joined() const;  // lines separated by '\n', for parse_expiry_text
};

class TextReader {
  public:
    struct Opened;
    // Loads the language models (about a second); the error says which file or folder is missing.
    static Opened open(const TextReaderOptions& options = {});
    ~TextReader();
    TextReader(const TextReader&) = delete;
    TextReader& operator=(const TextReader&) = delete;

    // `cancelled` is asked between text lines: a reader at idle CPU priority must not hold up shutdown
    // or a new pack for a whole frame's worth of OCR.
    TextLines read(const Frame& frame, const std::function<bool()>& cancelled = {});
    TextLines read(const GreyImage& image, const std::function<bool()>& cancelled = {});

  private:
    struct Engine;
    explicit TextReader(std::unique_ptr<Engine> engine, TextReaderOptions options);
    std::unique_ptr<Engine> engine_;
    TextReaderOptions options_;
};

struct TextReader::Opened {
    std::unique_ptr<TextReader> reader;  // null on failure
    std::string error;
};

// Where Tesseract's *.traineddata live: $TESSDATA_PREFIX (the folder itself or its tessdata/
// sub-folder), else the folder Debian's tesseract-ocr-* packages install (/usr/share/tesseract-ocr/
// <version>/tessdata). `languages` ("chi_sim+eng") must all be present. The error names what is missing.
struct TessdataLookup {
    std::string dir;
    std::string error;
};
TessdataLookup find_tessdata_dir(const std::string& languages);

}  // namespace medkiosk::scanner::ocr
