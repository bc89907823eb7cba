// German IFA / securPharm codes: ISO 15434 format 06 with ASC MH10.8.2 data identifiers.

#include <map>
#include <vector>

#include "parse_internal.hpp"

namespace medkiosk::scanner::detail {
namespace {

bool ppn_check_ok(std::string_view ppn) {
    if (ppn.size() < 3) return false;
    const std::string_view body = ppn.substr(0, ppn.size() - 2);
    const std::string_view check = ppn.substr(ppn.size() - 2);
    if (!all_digits(check)) return false;
    int sum = 0;
    for (std::size_t i = 0; i < body.size(); ++i)
        sum += static_cast<unsigned char>(body[i]) * static_cast<int>(i + 2);
    return sum % 97 == (check[0] - '0') * 10 + (check[1] - '0');
}

bool pzn8_check_ok(std::string_view pzn) {
    if (pzn.size() != 8 || !all_digits(pzn)) return false;
    int sum = 0;
    for (std::size_t i = 0; i < 7; ++i) sum += (pzn[i] - '0') * static_cast<int>(i + 1);
    const int check = sum % 11;
    return check != 10 && check == pzn[7] - '0';
}

std::string ntin_from_pzn(std::string_view pzn) {
    std::string body = "04150" + std::string(pzn);  // 13 digits; the 14th is the GTIN check digit
    for (char digit = '0'; digit <= '9'; ++digit)
        if (gtin_check_digit_ok(body + digit)) return body + digit;
    return {};
}

}  // namespace

ParseResult parse_ifa(std::string_view data, const Date& today) {
    constexpr std::string_view kHeader =
        "[)>\x1e"
        "06\x1d";
    if (data.substr(0, kHeader.size()) != kHeader)
        return make_error(ParseErrorKind::UnsupportedFormat,
                          "ISO 15434 data that is not format 06: '" + printable(data.substr(0, 12)) + "'.");
    std::string_view body = data.substr(kHeader.size());
    if (const std::size_t end = body.find('\x1e'); end != std::string_view::npos) body = body.substr(0, end);
    if (!body.empty() && body.back() == '\x04') body.remove_suffix(1);

    PackCode code;
    code.scheme = Scheme::Ifa;
    std::string ppn;
    std::map<std::string, std::string, std::less<>> seen;  // data identifier -> value
    std::size_t start = 0;
    while (start <= body.size()) {
        const std::size_t end = std::min(body.find('\x1d', start), body.size());
        const std::string_view field = body.substr(start, end - start);
        start = end + 1;
        if (field.empty()) continue;
        auto take = [&](std::string_view id) { return field.substr(0, id.size()) == id; };
        // The identifier is the leading digits plus one letter (9N, 1T, 16D, D, S, 8P).
        std::size_t id_length = 0;
        while (id_length < field.size() && field[id_length] >= '0' && field[id_length] <= '9') ++id_length;
        const std::string identifier(field.substr(0, std::min(id_length + 1, field.size())));
        const std::string field_value(field.substr(identifier.size()));
        if (const auto it = seen.find(identifier); it != seen.end() && it->second != field_value)
            return make_error(ParseErrorKind::ConflictingAi,
                              "IFA data identifier " + identifier + " appears twice with different values.");
        seen[identifier] = field_value;
        if (take("9N")) {
            ppn = std::string(field.substr(2));
        } else if (take("1T")) {
            code.batch = std::string(field.substr(2));
        } else if (take("8P")) {
            code.gtin = to_gtin14(field.substr(2));
            if (!gtin_check_digit_ok(code.gtin))
                return make_error(ParseErrorKind::BadCheckDigit, "IFA 8P GTIN fails its check digit.");
        } else if (take("16D")) {
            const std::string_view value = field.substr(3);
            std::optional<Date> date;
            if (value.size() == 8 && all_digits(value))
                date =
                    parse_iso_date(std::string(value.substr(0, 4)) + "-" + std::string(value.substr(4, 2)) +
                                   "-" + std::string(value.substr(6, 2)));
            if (!date)
                return make_error(ParseErrorKind::ImpossibleDate, "IFA production date 16D is not YYYYMMDD.");
            code.production = date;
        } else if (take("D")) {
            auto date = parse_yymmdd(field.substr(1), today, true);
            if (!date)
                return make_error(
                    ParseErrorKind::ImpossibleDate,
                    "IFA expiry D '" + printable(field.substr(1)) + "' is not a real date (YYMMDD).");
            code.expiry = date->date;
            code.expiry_precision = date->precision;
        } else if (take("S")) {
            code.serial = std::string(field.substr(1));
        }
        // Other data identifiers are legal in ISO 15434 and carry nothing we need.
    }
    if (ppn.empty()) return make_error(ParseErrorKind::MissingGtin, "IFA code without a PPN (9N).");
    if (ppn.size() < 4 || ppn.size() > 22)
        return make_error(ParseErrorKind::BadLength,
                          "IFA PPN must have 4 to 22 characters, not " + std::to_string(ppn.size()) + ".");
    for (char c : ppn)
        if (!((c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z')))
            return make_error(ParseErrorKind::BadCharacter,
                              "IFA PPN may hold only digits and capital letters: '" + printable(ppn) + "'.");
    if (!ppn_check_ok(ppn))
        return make_error(ParseErrorKind::BadCheckDigit,
                          "IFA PPN " + printable(ppn) + " fails its check characters.");
    if (ppn.size() == 12 && ppn.substr(0, 2) == "11") {
        const std::string pzn = ppn.substr(2, 8);
        if (!pzn8_check_ok(pzn))
            return make_error(ParseErrorKind::BadCheckDigit, "PZN " + pzn + " fails its check digit.");
        code.product_id = pzn;
        if (code.gtin.empty()) code.gtin = ntin_from_pzn(pzn);
    } else {
        code.product_id = ppn;
    }
    return code;
}

}  // namespace medkiosk::scanner::detail
