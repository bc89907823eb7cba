#pragma once
// Small helpers shared by the ledger benchmarks: percentiles and a scratch directory.

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

namespace medkiosk::bench {

using Clock = std::chrono::steady_clock;

inline double ms_since(Clock::time_point start) {
    return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

inline double percentile(std::vector<double> values, double p) {
    if (values.empty()) return 0;
    std::sort(values.begin(), values.end());
    const auto index = static_cast<std::size_t>(p / 100.0 * static_cast<double>(values.size() - 1) + 0.5);
    return values[std::min(index, values.size() - 1)];
}

// A fresh directory under $MEDKIOSK_BENCH_DIR (default: the system temp dir); removed at exit.
class ScratchDir {
  public:
    explicit ScratchDir(const char* name) {
        const char* base = std::getenv("MEDKIOSK_BENCH_DIR");
        std::string pattern =
            (base != nullptr ? std::string(base) : std::filesystem::temp_directory_path().string());
        pattern += "/";
        pattern += name;
        pattern += "-XXXXXX";
        std::vector<char> buffer(pattern.begin(), pattern.end());
        buffer.push_back('\0');
        if (mkdtemp(buffer.data()) == nullptr) {
            std::perror("mkdtemp");
            std::exit(1);
        }
        path_ = buffer.data();
    }
    ~ScratchDir() {
        std::error_code ec;
        std::filesystem::remove_all(path_, ec);
    }
    const std::filesystem::path& path() const { return path_; }

  private:
    std::filesystem::path path_;
};

}  // namespace medkiosk::bench
