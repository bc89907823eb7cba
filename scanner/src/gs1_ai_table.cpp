// The whole GS1 AI table: a valid AI the kiosk does not use must not make a pack unreadable, while an
// AI that does not exist means the data is misread or not GS1 at all.

#include "gs1_ai_table.hpp"

#include <map>

#include "parse_internal.hpp"

namespace medkiosk::scanner::detail {
namespace {

struct Row {
    std::string_view ai;      // one AI, or a 4-digit family "310n" expanded over `last_digits`
    std::string_view format;  // "N14", "X..20", "N13 X..17", "N6 [N6]"
    std::string_view title;
    std::string_view last_digits = {};
};

// Formats follow the GS1 syntax dictionary; optional trailing components are in brackets.
constexpr Row kRows[] = {
    {"00", "N18", "SSCC"},
    {"01", "N14", "GTIN"},
    {"02", "N14", "contained GTIN"},
    {"03", "N14", "made-to-order GTIN"},
    {"10", "X..20", "batch or lot"},
    {"11", "N6", "production date"},
    {"12", "N6", "due date"},
    {"13", "N6", "packaging date"},
    {"15", "N6", "best before date"},
    {"16", "N6", "sell by date"},
    {"17", "N6", "expiry date"},
    {"20", "N2", "variant"},
    {"21", "X..20", "serial number"},
    {"22", "X..20", "consumer product variant"},
    {"235", "X..28", "third-party serial extension"},
    {"240", "X..30", "additional product identification"},
    {"241", "X..30", "customer part number"},
    {"242", "N..6", "made-to-order variation"},
    {"243", "X..20", "packaging component number"},
    {"250", "X..30", "secondary serial number"},
    {"251", "X..30", "reference to source entity"},
    {"253", "N13 X..17", "GDTI"},
    {"254", "X..20", "GLN extension"},
    {"255", "N13 N..12", "GCN"},
    {"30", "N..8", "variable count"},
    {"31n", "N6", "trade measure", "012345"},
    {"32n", "N6", "trade measure", "012345"},
    {"33n", "N6", "logistic measure", "012345"},
    {"34n", "N6", "logistic measure", "012345"},
    {"35n", "N6", "trade measure", "012345"},
    {"36n", "N6", "trade measure", "012345"},
    {"37", "N..8", "count of trade items"},
    {"390n", "N..15", "amount payable", "0123456789"},
    {"391n", "N3 N..15", "amount payable with currency", "0123456789"},
    {"392n", "N..15", "amount payable, variable measure", "0123456789"},
    {"393n", "N3 N..15", "amount payable with currency, variable measure", "0123456789"},
    {"394n", "N4", "percentage discount of a coupon", "0123"},
    {"395n", "N6", "amount payable per unit of measure", "012345"},
    {"400", "X..30", "customer purchase order number"},
    {"401", "X..30", "GINC"},
    {"402", "N17", "GSIN"},
    {"403", "X..30", "routing code"},
    {"410", "N13", "ship to GLN"},
    {"411", "N13", "bill to GLN"},
    {"412", "N13", "purchased from GLN"},
    {"413", "N13", "ship for GLN"},
    {"414", "N13", "GLN of a physical location"},
    {"415", "N13", "GLN of the invoicing party"},
    {"416", "N13", "GLN of the production or service location"},
    {"417", "N13", "party GLN"},
    {"420", "X..20", "ship to postal code"},
    {"421", "N3 X..9", "ship to postal code with country"},
    {"422", "N3", "country of origin"},
    {"423", "N3 N..12", "country of initial processing"},
    {"424", "N3", "country of processing"},
    {"425", "N3 N..12", "country of disassembly"},
    {"426", "N3", "country of full process chain"},
    {"427", "X..3", "country subdivision of origin"},
    {"4300", "X..35", "ship-to company name"},
    {"4301", "X..35", "ship-to contact"},
    {"4302", "X..70", "ship-to address line 1"},
    {"4303", "X..70", "ship-to address line 2"},
    {"4304", "X..70", "ship-to suburb"},
    {"4305", "X..70", "ship-to locality"},
    {"4306", "X..70", "ship-to region"},
    {"4307", "X2", "ship-to country code"},
    {"4308", "X..30", "ship-to telephone number"},
    {"4309", "N20", "ship-to GEO location"},
    {"4310", "X..35", "return-to company name"},
    {"4311", "X..35", "return-to contact"},
    {"4312", "X..70", "return-to address line 1"},
    {"4313", "X..70", "return-to address line 2"},
    {"4314", "X..70", "return-to suburb"},
    {"4315", "X..70", "return-to locality"},
    {"4316", "X..70", "return-to region"},
    {"4317", "X2", "return-to country code"},
    {"4318", "X..20", "return-to postal code"},
    {"4319", "X..30", "return-to telephone number"},
    {"4320", "X..35", "service code description"},
    {"4321", "N1", "dangerous goods flag"},
    {"4322", "N1", "authority to leave flag"},
    {"4323", "N1", "signature required flag"},
    {"4324", "N10", "not before delivery date time"},
    {"4325", "N10", "not after delivery date time"},
    {"4326", "N6", "release date"},
    {"4330", "N6 [X1]", "maximum temperature in Fahrenheit"},
    {"4331", "N6 [X1]", "maximum temperature in Celsius"},
    {"4332", "N6 [X1]", "minimum temperature in Fahrenheit"},
    {"4333", "N6 [X1]", "minimum temperature in Celsius"},
    {"7001", "N13", "NATO stock number"},
    {"7002", "X..30", "UN/ECE meat carcasses classification"},
    {"7003", "N10", "expiry date and time"},
    {"7004", "N..4", "active potency"},
    {"7005", "X..12", "catch area"},
    {"7006", "N6", "first freeze date"},
    {"7007", "N6 [N6]", "harvest date"},
    {"7008", "X..3", "species for fishery purposes"},
    {"7009", "X..10", "fishing gear type"},
    {"7010", "X..2", "production method"},
    {"7011", "N6 [N4]", "test by date"},
    {"7020", "X..20", "refurbishment lot"},
    {"7021", "X..20", "functional status"},
    {"7022", "X..20", "revision status"},
    {"7023", "X..30", "GIAI of an assembly"},
    {"703n", "N3 X..27", "processor approval number", "0123456789"},
    {"7040", "N1 X3", "GS1 UIC with extension 1 and importer index"},
    {"710", "X..20", "national healthcare reimbursement number (DE PZN)"},
    {"711", "X..20", "national healthcare reimbursement number (FR CIP)"},
    {"712", "X..20", "national healthcare reimbursement number (ES CN)"},
    {"713", "X..20", "national healthcare reimbursement number (BR DRN)"},
    {"714", "X..20", "national healthcare reimbursement number (PT AIM)"},
    {"715", "X..20", "national healthcare reimbursement number (US NDC)"},
    {"716", "X..20", "national healthcare reimbursement number (IT AIC)"},
    {"723n", "X2 X..28", "certification reference", "0123456789"},
    {"7240", "X..20", "protocol ID"},
    {"7241", "N2", "AIDC media type"},
    {"7242", "X..25", "version control number"},
    {"7250", "N8", "date of birth"},
    {"7251", "N12", "date and time of birth"},
    {"7252", "N1", "biological sex"},
    {"7253", "X..40", "family name of person"},
    {"7254", "X..40", "given name of person"},
    {"7255", "X..10", "name suffix of person"},
    {"7256", "X..90", "full name of person"},
    {"7257", "X..70", "address of person"},
    {"7258", "N1 X1 N1", "baby birth sequence indicator"},
    {"7259", "X..40", "baby of family name"},
    {"8001", "N14", "roll products dimensions"},
    {"8002", "X..20", "cellular mobile telephone identifier"},
    {"8003", "N14 X..16", "GRAI"},
    {"8004", "X..30", "GIAI"},
    {"8005", "N6", "price per unit of measure"},
    {"8006", "N14 N2 N2", "ITIP"},
    {"8007", "X..34", "IBAN"},
    {"8008", "N8 N..4", "date and time of production"},
    {"8009", "X..50", "optically readable sensor indicator"},
    {"8010", "Y..30", "CPID"},
    {"8011", "N..12", "CPID serial number"},
    {"8012", "X..20", "software version"},
    {"8013", "X..25", "GMN"},
    {"8017", "N18", "GSRN of a provider"},
    {"8018", "N18", "GSRN of a recipient"},
    {"8019", "N..10", "service relation instance number"},
    {"8020", "X..25", "payment slip reference number"},
    {"8026", "N14 N2 N2", "ITIP of contained pieces"},
    {"8030", "Z..90", "digital signature"},
    {"8110", "X..70", "coupon code (North America)"},
    {"8111", "N4", "loyalty points of a coupon"},
    {"8112", "X..70", "paperless coupon code (North America)"},
    {"8200", "X..70", "extended packaging URL"},
    {"90", "X..30", "information agreed between partners"},
    {"9n", "X..90", "company internal information", "123456789"},
};

// GS1 General Specifications figure 5.10.1-2: AIs starting with these digits have a predefined
// length, so no separator follows them even when another field comes next.
int predefined_length(std::string_view ai) {
    static const std::map<std::string, int, std::less<>> kPrefixes{
        {"00", 18}, {"01", 14}, {"02", 14}, {"03", 14}, {"04", 16}, {"11", 6}, {"12", 6}, {"13", 6},
        {"14", 6},  {"15", 6},  {"16", 6},  {"17", 6},  {"18", 6},  {"19", 6}, {"20", 2}, {"31", 6},
        {"32", 6},  {"33", 6},  {"34", 6},  {"35", 6},  {"36", 6},  {"41", 13}};
    const auto it = kPrefixes.find(ai.substr(0, 2));
    return it == kPrefixes.end() ? 0 : it->second;
}

std::vector<AiComponent> parse_format(std::string_view format) {
    std::vector<AiComponent> components;
    std::size_t pos = 0;
    while (pos < format.size()) {
        if (format[pos] == ' ') {
            ++pos;
            continue;
        }
        AiComponent component;
        if (format[pos] == '[') {
            component.optional = true;
            ++pos;
        }
        component.charset = format[pos++];
        const bool variable = format.substr(pos, 2) == "..";
        if (variable) pos += 2;
        int number = 0;
        while (pos < format.size() && format[pos] >= '0' && format[pos] <= '9')
            number = number * 10 + (format[pos++] - '0');
        component.max_length = number;
        component.min_length = variable ? 1 : number;
        if (pos < format.size() && format[pos] == ']') ++pos;
        components.push_back(component);
    }
    return components;
}

AiDefinition make_definition(std::string ai, const Row& row) {
    AiDefinition definition;
    definition.ai = std::move(ai);
    definition.title = std::string(row.title);
    definition.components = parse_format(row.format);
    for (const auto& component : definition.components) {
        if (!component.optional) definition.min_length += component.min_length;
        definition.max_length += component.max_length;
    }
    definition.predefined_length = predefined_length(definition.ai);
    return definition;
}

const std::map<std::string, AiDefinition, std::less<>>& table() {
    static const auto* const kTable = [] {
        auto* built = new std::map<std::string, AiDefinition, std::less<>>();
        for (const Row& row : kRows) {
            if (row.last_digits.empty()) {
                built->emplace(std::string(row.ai), make_definition(std::string(row.ai), row));
                continue;
            }
            const std::string stem(row.ai.substr(0, row.ai.size() - 1));
            for (char last : row.last_digits) {
                if (stem.size() == 2 && stem[0] == '3') {
                    // 31n..36n stand for the families 310n..369n that exist.
                    static constexpr std::string_view kMeasureFamilies[] = {
                        "310", "311", "312", "313", "314", "315", "316", "320", "321", "322", "323",
                        "324", "325", "326", "327", "328", "329", "330", "331", "332", "333", "334",
                        "335", "336", "337", "340", "341", "342", "343", "344", "345", "346", "347",
                        "348", "349", "350", "351", "352", "353", "354", "355", "356", "357", "360",
                        "361", "362", "363", "364", "365", "366", "367", "368", "369"};
                    for (std::string_view family : kMeasureFamilies)
                        if (family.substr(0, 2) == stem) {
                            const std::string ai = std::string(family) + last;
                            built->emplace(ai, make_definition(ai, row));
                        }
                    continue;
                }
                const std::string ai = stem + last;
                built->emplace(ai, make_definition(ai, row));
            }
        }
        return built;
    }();
    return *kTable;
}

bool in_charset(char charset, char c) {
    const bool digit = c >= '0' && c <= '9';
    const bool upper = c >= 'A' && c <= 'Z';
    const bool lower = c >= 'a' && c <= 'z';
    switch (charset) {
        case 'N':
            return digit;
        case 'Y':
            return digit || upper || c == '#' || c == '-' || c == '/';
        case 'Z':
            return digit || upper || lower || c == '-' || c == '_' || c == '=';
        default:
            break;
    }
    // GS1 AI encodable character set 82.
    if (digit || upper || lower) return true;
    constexpr std::string_view kSymbols = "!\"%&'()*+,-./:;<=>?_";
    return kSymbols.find(c) != std::string_view::npos;
}

std::string_view charset_name(char charset) {
    switch (charset) {
        case 'N':
            return "digits";
        case 'Y':
            return "characters of GS1 set 39";
        case 'Z':
            return "characters of GS1 set 64";
        default:
            return "characters of GS1 set 82";
    }
}

}  // namespace

const AiDefinition* find_ai_definition(std::string_view ai) {
    const auto& all = table();
    const auto it = all.find(ai);
    return it == all.end() ? nullptr : &it->second;
}

const AiDefinition* match_ai_prefix(std::string_view text) {
    for (std::size_t length = 2; length <= 4 && length <= text.size(); ++length)
        if (const AiDefinition* definition = find_ai_definition(text.substr(0, length))) return definition;
    return nullptr;
}

std::size_t ai_table_size() {
    return table().size();
}

std::optional<ParseError> check_ai_value(const AiDefinition& definition, std::string_view value) {
    const std::string name = "AI (" + definition.ai + ") " + definition.title;
    if (value.empty()) return make_error(ParseErrorKind::TruncatedField, name + " is empty.");
    if (definition.fixed_length() && value.size() < static_cast<std::size_t>(definition.min_length))
        return make_error(ParseErrorKind::TruncatedField,
                          name + " needs " + std::to_string(definition.min_length) +
                              " characters but has only " + std::to_string(value.size()) +
                              "; the code was cut off.");
    if (value.size() < static_cast<std::size_t>(definition.min_length))
        return make_error(ParseErrorKind::TruncatedField,
                          name + " needs at least " + std::to_string(definition.min_length) +
                              " characters, not " + std::to_string(value.size()) + ".");
    if (value.size() > static_cast<std::size_t>(definition.max_length))
        return make_error(ParseErrorKind::BadLength,
                          name + " has " + std::to_string(value.size()) + " characters; at most " +
                              std::to_string(definition.max_length) +
                              " are allowed (a lost group separator runs fields together).");
    std::size_t pos = 0;
    for (const AiComponent& component : definition.components) {
        if (pos == value.size() && component.optional) break;
        const std::size_t rest = value.size() - pos;
        std::size_t length = std::min<std::size_t>(rest, static_cast<std::size_t>(component.max_length));
        if (length < static_cast<std::size_t>(component.min_length))
            return make_error(ParseErrorKind::BadLength, name + " has a part of the wrong length.");
        if (component.min_length == component.max_length)
            length = static_cast<std::size_t>(component.max_length);
        for (std::size_t i = pos; i < pos + length; ++i)
            if (!in_charset(component.charset, value[i]))
                return make_error(ParseErrorKind::BadCharacter,
                                  name + " may hold only " + std::string(charset_name(component.charset)) +
                                      " but has '" + printable(value.substr(i, 1)) + "' at position " +
                                      std::to_string(i + 1) + ".");
        pos += length;
    }
    if (pos != value.size())
        return make_error(ParseErrorKind::BadLength, name + " has " + std::to_string(value.size()) +
                                                         " characters, which its format does not allow.");
    return std::nullopt;
}

}  // namespace medkiosk::scanner::detail
