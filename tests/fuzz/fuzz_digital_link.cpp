// libFuzzer target: GS1 Digital Link URIs (path, qualifiers, query, percent escapes).
#include "fuzz_common.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view input(reinterpret_cast<const char*>(data), size);
    medkiosk::fuzz::check_invariants(medkiosk::scanner::parse_scan("https://id.gs1.org/" + std::string(input),
                                                                   "]Q1", medkiosk::fuzz::fuzz_today()));
    return 0;
}
