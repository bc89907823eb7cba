// "Never a wrong date" as a property of the parser and the ≥ 2-frame agreement together: frames of
// one box read with the confusions OCR makes on printed dates (O for 0, S for 5, B for 8, a digit
// dropped or doubled, a label half read), drawn from a fixed seed. Whatever the noise, a wrong date
// must be proposed far more rarely than issue 14 allows (0 of 105 faces), and every other pack must
// end in the right date or in "unknown". Faces that print no expiry (a production date, a batch or
// an approval number, phone number or postcode that look like dates) never get one.

#include <gtest/gtest.h>

#include <array>
#include <cstdio>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "medkiosk/scanner/ocr/agreement.hpp"
#include "medkiosk/scanner/ocr/expiry_text.hpp"

namespace {

using medkiosk::scanner::Date;
using medkiosk::scanner::ExpiryPrecision;
using medkiosk::scanner::ocr::ExpiryReading;
using medkiosk::scanner::ocr::parse_expiry_text;
using medkiosk::scanner::ocr::ParseOptions;
using medkiosk::scanner::ocr::ReadingAgreement;

constexpr Date kToday{2026, 12, 1};

std::string two(int n) {
    char text[8];
    std::snprintf(text, sizeof text, "%02d", n);
    return text;
}

int days_in(int year, int month) {
    static constexpr std::array<int, 12> kDays{31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    return month == 2 && leap ? 29 : kDays[static_cast<std::size_t>(month - 1)];
}

// One box: its printed field block and the expiry a reader must propose (or none).
struct Box {
    std::vector<std::string> lines;
    std::optional<Date> expiry;
    ExpiryPrecision precision = ExpiryPrecision::Day;
};

Box random_box(std::mt19937_64& random) {
    auto pick = [&random](int low, int high) {
        return std::uniform_int_distribution<int>(low, high)(random);
    };
    const int year = pick(2026, 2031), month = pick(1, 12), day = pick(1, days_in(year, month));
    const std::string y = std::to_string(year), m = two(month), d = two(day);
    Box box;
    box.lines.push_back(std::string(pick(0, 1) ? "批号" : "LOT") + ": " + std::to_string(pick(2020, 2026)) +
                        two(pick(1, 12)) + two(pick(1, 28)));
    box.lines.push_back("生产日期: " + std::to_string(year - 2) + "." + m + "." + two(pick(1, 28)));
    bool to_the_day = true;
    switch (pick(0, 6)) {
        case 0:
            box.lines.push_back("有效期至: " + y + "." + m + "." + d);
            break;
        case 1:
            box.lines.push_back("有效期至 " + y + "年" + m + "月" + d + "日");
            break;
        case 2:
            box.lines.push_back("EXP " + y + m + d);
            break;
        case 3:
            box.lines.push_back("有效期至: " + y + "/" + m + "/" + d);
            break;
        case 4:
            box.lines.push_back("EXP: " + m + "/" + y);
            to_the_day = false;
            break;
        case 5:
            box.lines.push_back("有效期至 " + y + "." + m);
            to_the_day = false;
            break;
        default:
            box.lines.push_back("有效期至 " + y + "-" + m);
            to_the_day = false;
            break;
    }
    box.expiry = to_the_day ? Date{year, month, day} : Date{year, month, days_in(year, month)};
    box.precision = to_the_day ? ExpiryPrecision::Day : ExpiryPrecision::Month;
    switch (pick(0, 3)) {
        case 0:
            box.lines.push_back("国药准字H" + std::to_string(year - 6) + two(month) + two(pick(10, 99)));
            break;
        case 1:
            box.lines.push_back("电话: 400-" + two(month) + "0-" + std::to_string(pick(1000, 9999)));
            break;
        case 2:
            box.lines.push_back("邮政编码: " + std::to_string(pick(100000, 899999)));
            break;
        default:
            break;
    }
    return box;
}

// A face with no expiry printed: only fields that look like dates and must never become one.
Box random_box_without_expiry(std::mt19937_64& random) {
    Box box = random_box(random);
    box.lines.erase(box.lines.begin() + 2);
    box.expiry.reset();
    return box;
}

// What one frame's OCR might make of the box: each character of each line misread with the
// probability given, as OCR misreads printed dates.
std::string misread(const Box& box, double error_rate, std::mt19937_64& random) {
    static const std::vector<std::pair<char, std::string>> kLookAlikes{
        {'0', "OD86"}, {'1', "lI7|"}, {'2', "Z7"},   {'3', "89"},  {'4', "A9"},  {'5', "S63"},
        {'6', "5b80"}, {'7', "1T"},   {'8', "B360"}, {'9', "g40"}, {'.', ",: "}, {'/', "1l|"}};
    std::uniform_real_distribution<double> chance(0, 1);
    std::string text;
    for (const auto& line : box.lines) {
        const std::size_t line_start = text.size();
        for (std::size_t i = 0; i < line.size(); ++i) {
            const char c = line[i];
            if (chance(random) >= error_rate || (static_cast<unsigned char>(c) & 0x80) != 0) {
                text += c;
                continue;
            }
            const double kind = chance(random);
            if (kind < 0.15) continue;  // dropped
            if (kind < 0.25) {          // doubled
                text += c;
                text += c;
                continue;
            }
            bool replaced = false;
            for (const auto& [from, to] : kLookAlikes) {
                if (from != c) continue;
                text += to[static_cast<std::size_t>(
                    std::uniform_int_distribution<int>(0, static_cast<int>(to.size()) - 1)(random))];
                replaced = true;
            }
            if (!replaced) text += c;
        }
        // Now and then a Chinese label loses a character ("有效期至" read as "效期至").
        if (chance(random) < error_rate && text.size() > line_start + 3 &&
            (static_cast<unsigned char>(text[line_start]) & 0x80) != 0)
            text.erase(line_start, 3);
        text += '\n';
    }
    return text;
}

struct PackOutcome {
    int right = 0, wrong = 0, unknown = 0;
};

// Reads `packs` boxes, each frame after frame (up to six) until the agreement proposes a date.
PackOutcome read_packs(int packs, double error_rate, int frames_needed, bool with_expiry,
                       std::uint64_t seed) {
    std::mt19937_64 random(seed);
    ParseOptions options;
    options.today = kToday;
    PackOutcome outcome;
    for (int pack = 0; pack < packs; ++pack) {
        const Box box = with_expiry ? random_box(random) : random_box_without_expiry(random);
        ReadingAgreement agreement(frames_needed);
        std::optional<ExpiryReading> agreed;
        for (int frame = 0; frame < 6 && !agreed; ++frame) {
            agreement.add(parse_expiry_text(misread(box, error_rate, random), options));
            agreed = agreement.agreed();
        }
        if (!agreed)
            ++outcome.unknown;
        else if (agreed->expiry == box.expiry && agreed->precision == box.precision)
            ++outcome.right;
        else
            ++outcome.wrong;
    }
    return outcome;
}

// Noise heavy enough that single frames often read a wrong date (checked below, so the property
// is not met by noise too weak to matter), yet most boxes should still be read.
constexpr double kErrorRate = 0.04;
constexpr int kPacks = 4000;

TEST(NeverAWrongDate, NoisyFramesRarelyAgreeOnAWrongDate) {
    const PackOutcome agreed = read_packs(kPacks, kErrorRate, 2, true, 20261201);
    std::printf("2 agreeing frames: right %d, wrong %d, unknown %d of %d packs\n", agreed.right, agreed.wrong,
                agreed.unknown, kPacks);
    // The issue allows 0 wrong in 105 faces; the agreement must keep wrong proposals well under 1 in
    // 1000 packs even when a large share of frames is misread.
    EXPECT_LE(agreed.wrong * 1000, kPacks) << agreed.wrong << " wrong dates proposed";
    // Unknown is the answer when unsure, not the answer to everything.
    EXPECT_GE(agreed.right * 2, kPacks) << "most boxes should still be read";

    // The same noise read one frame at a time proposes wrong dates often: the noise is real.
    const PackOutcome single = read_packs(kPacks, kErrorRate, 1, true, 20261201);
    std::printf("1 frame: right %d, wrong %d, unknown %d of %d packs\n", single.right, single.wrong,
                single.unknown, kPacks);
    EXPECT_GE(single.wrong * 100, kPacks * 2)
        << "the noise no longer misleads single frames; raise kErrorRate";
}

TEST(NeverAWrongDate, FacesWithoutAnExpiryNeverGetOne) {
    for (const double error_rate : {0.0, kErrorRate}) {
        const PackOutcome outcome = read_packs(kPacks, error_rate, 2, false, 777);
        EXPECT_EQ(outcome.right + outcome.wrong, 0)
            << "a production date, batch, approval number, phone or postcode was proposed as the expiry "
               "(error rate "
            << error_rate << ")";
    }
}

}  // namespace
