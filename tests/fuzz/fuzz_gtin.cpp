// libFuzzer target: EAN-13 / EAN-8 / UPC-A / UPC-E as a retail reader delivers them.
#include "fuzz_common.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view input(reinterpret_cast<const char*>(data), size);
    medkiosk::fuzz::check_invariants(
        medkiosk::scanner::parse_scan(input, size % 2 ? "]E0" : "]E4", medkiosk::fuzz::fuzz_today()));
    return 0;
}
