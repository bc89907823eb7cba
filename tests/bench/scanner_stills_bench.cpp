// Still photos: the kiosk's Decoder against plain zxing-cpp ReadBarcodes with its defaults (tryHarder),
// on the same images in the same run. ReadBarcodes can abort on Debian's assertion-enabled build, so
// each baseline read runs in a forked child; an abort is counted, not fatal.
//   scanner_stills_bench [--smoke] [FOLDER...]   (default: shared/testdata/zxing-samples/*)

#define ZX_USE_UTF8 1
#include <ZXing/ReadBarcode.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <opencv2/imgcodecs.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "medkiosk/scanner/decoder.hpp"
#include "medkiosk/scanner/parse.hpp"

namespace fs = std::filesystem;
// CPU time of the calling thread: both readers run on one core, and other work on a busy machine must
// not count for either.
double thread_cpu_ms() {
    timespec now{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now);
    return static_cast<double>(now.tv_sec) * 1e3 + static_cast<double>(now.tv_nsec) / 1e6;
}

namespace {

std::string read_file(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

std::string latin1_to_utf8(const std::string& bytes) {
    std::string text;
    for (unsigned char c : bytes) {
        if (c < 0x80) {
            text.push_back(static_cast<char>(c));
        } else {
            text.push_back(static_cast<char>(0xc0 | (c >> 6)));
            text.push_back(static_cast<char>(0x80 | (c & 0x3f)));
        }
    }
    return text;
}

std::string expected_text(const fs::path& image) {
    fs::path path = image;
    path.replace_extension(".txt");
    if (fs::exists(path)) return read_file(path);
    path.replace_extension(".bin");
    return fs::exists(path) ? latin1_to_utf8(read_file(path)) : std::string();
}

bool matches(const std::string& expected, const std::string& actual) {
    if (expected == actual) return true;
    const bool digits = !expected.empty() && std::all_of(expected.begin(), expected.end(), ::isdigit) &&
                        !actual.empty() && std::all_of(actual.begin(), actual.end(), ::isdigit);
    return digits && expected.size() <= 14 && actual.size() <= 14 &&
           medkiosk::scanner::to_gtin14(expected) == medkiosk::scanner::to_gtin14(actual);
}

struct BaselineRead {
    bool aborted = false;
    double ms = 0;
    std::vector<std::string> texts;
};

// Runs ReadBarcodes(defaults) in a child; texts come back NUL-separated through a pipe.
BaselineRead baseline_read(const cv::Mat& grey) {
    BaselineRead read;
    int fds[2];
    if (pipe(fds) != 0) return read;
    const pid_t child = fork();
    if (child == 0) {
        close(fds[0]);
        const double started = thread_cpu_ms();
        const ZXing::ImageView view(grey.data, grey.cols, grey.rows, ZXing::ImageFormat::Lum,
                                    static_cast<int>(grey.step));
        const auto results = ZXing::ReadBarcodes(view);
        const double ms = thread_cpu_ms() - started;
        std::string out = std::to_string(ms);
        out.push_back('\0');
        for (const auto& result : results)
            if (result.isValid()) {
                out += result.text();
                out.push_back('\0');
            }
        std::size_t written = 0;
        while (written < out.size()) {
            const ssize_t n = write(fds[1], out.data() + written, out.size() - written);
            if (n <= 0) break;
            written += static_cast<std::size_t>(n);
        }
        _exit(0);
    }
    close(fds[1]);
    std::string in;
    char buffer[4096];
    for (ssize_t n; (n = ::read(fds[0], buffer, sizeof buffer)) > 0;)
        in.append(buffer, static_cast<std::size_t>(n));
    close(fds[0]);
    int status = 0;
    waitpid(child, &status, 0);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        read.aborted = true;
        return read;
    }
    std::size_t start = 0;
    bool first = true;
    for (std::size_t end; (end = in.find('\0', start)) != std::string::npos; start = end + 1) {
        const std::string part = in.substr(start, end - start);
        if (first)
            read.ms = std::atof(part.c_str());
        else
            read.texts.push_back(part);
        first = false;
    }
    return read;
}

}  // namespace

int main(int argc, char** argv) {
    bool smoke = false;
    std::vector<fs::path> folders;
    for (int i = 1; i < argc; ++i) {
        const std::string arg = argv[i];
        if (arg == "--smoke")
            smoke = true;
        else
            folders.emplace_back(arg);
    }
    if (folders.empty()) {
        const fs::path root = fs::path(MEDKIOSK_TESTDATA_DIR) / "zxing-samples";
        std::error_code ec;
        for (const auto& entry : fs::directory_iterator(root, ec))
            if (entry.is_directory()) folders.push_back(entry.path());
        std::sort(folders.begin(), folders.end());
    }
    const medkiosk::scanner::Decoder decoder;
    std::printf("%-16s %7s | %-22s | %-22s | %s\n", "folder", "images", "ours read/misread",
                "zxing read/other/abort", "ms per image ours vs zxing");
    int total_images = 0, ours_read = 0, ours_misread = 0, base_read = 0, base_misread = 0, base_aborts = 0;
    double ours_total_ms = 0, base_total_ms = 0;
    for (const fs::path& folder : folders) {
        std::vector<fs::path> images;
        std::error_code ec;
        for (const auto& entry : fs::directory_iterator(folder, ec)) {
            const std::string ext = entry.path().extension().string();
            if (ext == ".png" || ext == ".jpg" || ext == ".jpeg" || ext == ".webp")
                images.push_back(entry.path());
        }
        std::sort(images.begin(), images.end());
        if (smoke && images.size() > 2) images.resize(2);
        int f_images = 0, f_ours = 0, f_ours_bad = 0, f_base = 0, f_base_bad = 0, f_aborts = 0;
        double f_ours_ms = 0, f_base_ms = 0;
        for (const fs::path& image : images) {
            const cv::Mat grey = cv::imread(image.string(), cv::IMREAD_GRAYSCALE);
            const std::string expected = expected_text(image);
            if (grey.empty() || expected.empty()) continue;
            ++f_images;
            const double started = thread_cpu_ms();
            const auto symbols =
                decoder.decode_grey(grey.data, grey.cols, grey.rows, static_cast<int>(grey.step));
            f_ours_ms += thread_cpu_ms() - started;
            bool ok = false;
            for (const auto& symbol : symbols) {
                if (matches(expected, symbol.text))
                    ok = true;
                else
                    ++f_ours_bad;
            }
            f_ours += ok;
            const BaselineRead baseline = baseline_read(grey);
            if (baseline.aborted) {
                ++f_aborts;
                continue;
            }
            f_base_ms += baseline.ms;
            bool base_ok = false;
            for (const auto& text : baseline.texts) {
                if (matches(expected, text))
                    base_ok = true;
                else
                    ++f_base_bad;
            }
            f_base += base_ok;
        }
        std::printf("%-16s %7d | %10d / %-9d | %8d / %3d / %-6d | %8.1f vs %8.1f\n",
                    folder.filename().c_str(), f_images, f_ours, f_ours_bad, f_base, f_base_bad, f_aborts,
                    f_images ? f_ours_ms / f_images : 0.0, f_images ? f_base_ms / f_images : 0.0);
        total_images += f_images;
        ours_read += f_ours;
        ours_misread += f_ours_bad;
        base_read += f_base;
        base_misread += f_base_bad;
        base_aborts += f_aborts;
        ours_total_ms += f_ours_ms;
        base_total_ms += f_base_ms;
    }
    std::printf("%-16s %7d | %10d / %-9d | %8d / %3d / %-6d | %8.1f vs %8.1f\n", "TOTAL", total_images,
                ours_read, ours_misread, base_read, base_misread, base_aborts,
                total_images ? ours_total_ms / total_images : 0.0,
                total_images ? base_total_ms / total_images : 0.0);
    std::printf(
        "images %d: detections ours %d vs zxing %d; misreads ours %d; texts zxing returned that are not the "
        "expected one %d (other symbols in the photo, or misreads); time ratio ours/zxing %.2f "
        "(zxing time excludes its %d aborted reads)\n",
        total_images, ours_read, base_read, ours_misread, base_misread,
        base_total_ms > 0 ? ours_total_ms / base_total_ms : 0.0, base_aborts);
    return total_images > 0 ? 0 : 1;
}
