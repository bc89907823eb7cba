// libFuzzer target: a whole input line as `medkioskctl parse` reads it: optional AIM identifier, then any
// scheme (trace code, inference).
#include "fuzz_common.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view input(reinterpret_cast<const char*>(data), size);
    const auto split = medkiosk::scanner::split_symbology(input);
    medkiosk::fuzz::check_invariants(
        medkiosk::scanner::parse_scan(split.data, split.symbology, medkiosk::fuzz::fuzz_today()));
    return 0;
}
