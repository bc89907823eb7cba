// libFuzzer target: IFA / securPharm ISO 15434 format 06 data.
#include "fuzz_common.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view input(reinterpret_cast<const char*>(data), size);
    medkiosk::fuzz::check_invariants(medkiosk::scanner::parse_scan(std::string("[)>\x1e"
                                                                               "06\x1d") +
                                                                       std::string(input),
                                                                   "]d1", medkiosk::fuzz::fuzz_today()));
    return 0;
}
