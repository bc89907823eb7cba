#pragma once
// A page opened in Debian's headless Chromium the way a visitor's browser would: a screenshot at a
// given window size, every console message, and every request the page made (from Chromium's net
// log; the browser's own background requests are told apart by their network isolation key).

#include <filesystem>
#include <string>
#include <vector>

namespace medkiosk::test {

struct BrowserVisit {
    bool ran = false;                   // Chromium started and wrote the screenshot
    std::string problem;                // why not, when it did not
    std::vector<std::string> console;   // console messages (CSP violations, script errors …)
    std::vector<std::string> requests;  // URLs the page asked for beyond itself (http, https, ws …)
    std::filesystem::path screenshot;
    long unique_colours = 0;  // of the screenshot: a blank page has one or two
};

// Opens `page` (a local file) at width × height and saves the screenshot as `screenshot`.
BrowserVisit visit_in_chromium(const std::filesystem::path& page, int width, int height,
                               const std::filesystem::path& screenshot,
                               const std::filesystem::path& scratch_dir);

struct PrintedPdf {
    bool ran = false;     // Chromium started and wrote the PDF
    std::string problem;  // why not, when it did not
    int pages = 0;
};

// Prints `page` (a local file) with Chromium's print-to-PDF, as a staff PC's browser prints it, to `pdf`.
PrintedPdf print_in_chromium(const std::filesystem::path& page, const std::filesystem::path& pdf,
                             const std::filesystem::path& scratch_dir);

// The pages of a PDF: its page objects ("/Type /Page", not the "/Type /Pages" tree nodes).
int count_pdf_pages(const std::string& pdf_bytes);

}  // namespace medkiosk::test
