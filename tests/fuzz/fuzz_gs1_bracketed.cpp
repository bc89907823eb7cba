// libFuzzer target: the bracketed human-readable GS1 form "(01)…(17)…".
#include "fuzz_common.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view input(reinterpret_cast<const char*>(data), size);
    medkiosk::fuzz::check_invariants(
        medkiosk::scanner::parse_scan("(" + std::string(input), "", medkiosk::fuzz::fuzz_today()));
    return 0;
}
