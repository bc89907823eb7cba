#include "browser.hpp"

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <vector>

#include "support/process.hpp"

namespace medkiosk::test {

namespace {
// The flags the machine notes (cpp.md) found to work as root on a closed network.
std::vector<std::string> chromium_command(const std::filesystem::path& profile) {
    return {"/usr/bin/chromium",
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--user-data-dir=" + profile.string()};
}
}  // namespace

BrowserVisit visit_in_chromium(const std::filesystem::path& page, int width, int height,
                               const std::filesystem::path& screenshot,
                               const std::filesystem::path& scratch_dir) {
    BrowserVisit visit;
    visit.screenshot = screenshot;
    const auto profile = scratch_dir / ("chromium-profile-" + std::to_string(width));
    const auto net_log = scratch_dir / ("net-log-" + std::to_string(width) + ".json");
    std::filesystem::remove_all(profile);
    std::filesystem::remove(screenshot);
    std::filesystem::create_directories(screenshot.parent_path());
    auto command = chromium_command(profile);
    command.insert(
        command.end(),
        {"--hide-scrollbars", "--enable-logging=stderr", "--v=0", "--log-net-log=" + net_log.string(),
         "--window-size=" + std::to_string(width) + "," + std::to_string(height),
         "--screenshot=" + screenshot.string(), "file://" + std::filesystem::absolute(page).string()});
    const auto result = run_process(command, {}, std::chrono::seconds(90));
    if (result.exit_code != 0 || !std::filesystem::exists(screenshot)) {
        visit.problem = "chromium failed (exit " + std::to_string(result.exit_code) +
                        (result.timed_out ? ", timed out" : "") + "): " + result.err.substr(0, 2000) +
                        " — is Debian's chromium installed (deploy/setup.sh)?";
        return visit;
    }
    visit.ran = true;
    std::istringstream lines(result.err);
    for (std::string line; std::getline(lines, line);)
        if (line.find(":CONSOLE") != std::string::npos) visit.console.push_back(line);

    std::ifstream in(net_log);
    const auto log = nlohmann::json::parse(in, nullptr, false);
    if (log.is_discarded() || !log.contains("events")) {
        visit.problem = "chromium wrote no readable net log at " + net_log.string();
        visit.ran = false;
        return visit;
    }
    // Requests the page started carry the page's site (file://) in their network isolation key.
    for (const auto& event : log["events"]) {
        if (!event.contains("params") || !event["params"].is_object()) continue;
        const auto& params = event["params"];
        if (!params.contains("url") || !params.contains("network_isolation_key")) continue;
        const std::string url = params["url"].get<std::string>();
        const std::string key = params["network_isolation_key"].is_string()
                                    ? params["network_isolation_key"].get<std::string>()
                                    : "";
        if (key.find("file://") == std::string::npos) continue;
        if (url.rfind("file:", 0) == 0 || url.rfind("data:", 0) == 0) continue;
        visit.requests.push_back(url);
    }
    auto colours = run_process({"/usr/bin/identify", "-format", "%k", screenshot.string()});
    if (colours.exit_code == 0) visit.unique_colours = std::atol(colours.out.c_str());
    return visit;
}

PrintedPdf print_in_chromium(const std::filesystem::path& page, const std::filesystem::path& pdf,
                             const std::filesystem::path& scratch_dir) {
    PrintedPdf printed;
    const auto profile = scratch_dir / ("chromium-profile-" + pdf.stem().string());
    std::filesystem::remove_all(profile);
    std::filesystem::remove(pdf);
    auto command = chromium_command(profile);
    // Without the header and footer a staff PC's print dialog is set to drop (date, file path).
    command.insert(command.end(), {"--no-pdf-header-footer", "--print-to-pdf=" + pdf.string(),
                                   "file://" + std::filesystem::absolute(page).string()});
    const auto result = run_process(command, {}, std::chrono::seconds(90));
    std::ifstream in(pdf, std::ios::binary);
    if (result.exit_code != 0 || !in) {
        printed.problem = "chromium printed no PDF (exit " + std::to_string(result.exit_code) +
                          (result.timed_out ? ", timed out" : "") + "): " + result.err.substr(0, 2000) +
                          " — is Debian's chromium installed (deploy/setup.sh)?";
        return printed;
    }
    std::ostringstream bytes;
    bytes << in.rdbuf();
    printed.ran = true;
    printed.pages = count_pdf_pages(bytes.str());
    return printed;
}

int count_pdf_pages(const std::string& pdf_bytes) {
    int pages = 0;
    for (const std::string marker : {"/Type /Page", "/Type/Page"}) {
        for (auto at = pdf_bytes.find(marker); at != std::string::npos; at = pdf_bytes.find(marker, at + 1)) {
            const auto next = at + marker.size();
            if (next < pdf_bytes.size() && pdf_bytes[next] == 's') continue;  // the page tree, not a page
            ++pages;
        }
    }
    return pages;
}

}  // namespace medkiosk::test
