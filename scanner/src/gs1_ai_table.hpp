#pragma once
// The GS1 application identifier table (GS1 General Specifications, syntax dictionary form): every AI
// that exists, its value format and whether its length is predefined (no FNC1 needed after it).

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "medkiosk/scanner/pack_code.hpp"

namespace medkiosk::scanner::detail {

// N digits, X GS1 character set 82, Y set 39, Z set 64 (base64url).
struct AiComponent {
    char charset = 'N';
    int min_length = 1;
    int max_length = 1;
    bool optional = false;
};

struct AiDefinition {
    std::string ai;
    std::string title;
    std::vector<AiComponent> components;
    int min_length = 0;
    int max_length = 0;
    // The value length when the AI's first two digits are in the predefined-length table, so the
    // element string needs no separator after it; 0 when the field must end with GS or the data.
    int predefined_length = 0;
    bool fixed_length() const { return min_length == max_length; }
};

const AiDefinition* find_ai_definition(std::string_view ai);
// The AI at the start of `text` (AIs are prefix-free: 2, 3 or 4 digits), or null.
const AiDefinition* match_ai_prefix(std::string_view text);
// Length, character set and component checks of one value; check digits and dates are separate.
std::optional<ParseError> check_ai_value(const AiDefinition& definition, std::string_view value);
std::size_t ai_table_size();

}  // namespace medkiosk::scanner::detail
