// libFuzzer target: GS1 element strings as a GS1 DataMatrix / GS1-128 reader delivers them.
#include "fuzz_common.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view input(reinterpret_cast<const char*>(data), size);
    medkiosk::fuzz::check_invariants(
        medkiosk::scanner::parse_scan(input, "]d2", medkiosk::fuzz::fuzz_today()));
    return 0;
}
