// The still decoder (Decoder::decode_grey) on generated 1600x1200 cards of the kinds the red team of
// stop 31 found it missing (findings F6 and F7, /work/coord/red31): symbols enlarged as an image editor's
// box filter enlarges them (each pixel one module's, so modules of 2.2 px are 2 or 3 px wide and crisp),
// on a plain grey card, blurred and noised from fixed seeds.

#include <gtest/gtest.h>

#include <opencv2/imgproc.hpp>
#include <random>
#include <string>
#include <vector>

#include "medkiosk/scanner/decoder.hpp"
#include "sample_expectations.hpp"
#include "synthetic_codes.hpp"

namespace {

using namespace medkiosk::test;

constexpr int kCardWidth = 1600, kCardHeight = 1200;
constexpr int kCardGrey = 217;

// `code` at `module_pixels` a module, crisp as an image editor's box filter enlarges it, with a white
// margin of `margin` pixels, turned by `degrees` on a white ground (as ImageMagick's -rotate).
cv::Mat resized_symbol(const SyntheticCode& code, double module_pixels, int margin, double degrees) {
    const cv::Mat symbol = render_symbol(code);
    cv::Mat resized;
    cv::resize(symbol, resized,
               cv::Size(static_cast<int>(symbol.cols * module_pixels),
                        static_cast<int>(symbol.rows * module_pixels)),
               0, 0, cv::INTER_NEAREST);
    cv::copyMakeBorder(resized, resized, margin, margin, margin, margin, cv::BORDER_CONSTANT,
                       cv::Scalar(255));
    if (degrees == 0) return resized;
    const cv::Point2f centre(static_cast<float>(resized.cols) / 2, static_cast<float>(resized.rows) / 2);
    cv::Mat turn = cv::getRotationMatrix2D(centre, degrees, 1);
    const cv::Rect2f bounds =
        cv::RotatedRect(centre, resized.size(), static_cast<float>(degrees)).boundingRect2f();
    turn.at<double>(0, 2) += bounds.width / 2 - centre.x;
    turn.at<double>(1, 2) += bounds.height / 2 - centre.y;
    cv::Mat turned;
    cv::warpAffine(resized, turned, turn, bounds.size(), cv::INTER_LINEAR, cv::BORDER_CONSTANT,
                   cv::Scalar(255));
    return turned;
}

void paste(cv::Mat& card, const cv::Mat& image, cv::Point at) {
    image.copyTo(card(cv::Rect(at, image.size()) & cv::Rect(0, 0, card.cols, card.rows)));
}

std::vector<std::string> texts_read(const cv::Mat& grey) {
    const medkiosk::scanner::Decoder decoder;
    std::vector<std::string> texts;
    for (const auto& symbol :
         decoder.decode_grey(grey.data, grey.cols, grey.rows, static_cast<int>(grey.step)))
        texts.push_back(symbol.text);
    return texts;
}

bool holds(const std::vector<std::string>& texts, const std::string& expected) {
    for (const std::string& text : texts)
        if (same_code_text(expected, text)) return true;
    return false;
}

std::string joined(const std::vector<std::string>& texts) {
    std::string all;
    for (const std::string& text : texts) all += " '" + text + "'";
    return all.empty() ? " nothing" : all;
}

// Red team F6: an upright DataBar Expanded of 2.2 px modules, alone in the middle of a card. zxing-cpp read
// all of its 8 cards and the still decoder none: its band was cut about a centre between two pixels, and
// the interpolation averaged every pair of neighbours, losing the one-pixel spaces. Every placement of the
// symbol on the pixel grid and each blur must read (6 of these 8 did not).
TEST(StillDecoder, UprightDataBarExpandedOfThinModulesIsRead) {
    const SyntheticCode code = databar_expanded_code("09520123456788", "260531", "ABC123", "12");
    const cv::Mat symbol = resized_symbol(code, 2.2, 18, 0);
    int card_index = 0;
    for (const double blur : {0.0, 0.7})
        for (const int shift : {0, 1, 2, 3}) {
            cv::Mat card(kCardHeight, kCardWidth, CV_8UC1, cv::Scalar(kCardGrey));
            paste(card, symbol,
                  {(kCardWidth - symbol.cols) / 2 + shift, (kCardHeight - symbol.rows) / 2 + shift});
            blur_and_noise(card, blur, 2.0, static_cast<unsigned>(600 + card_index++));
            const std::vector<std::string> texts = texts_read(card);
            EXPECT_TRUE(holds(texts, code.expected_text))
                << "blur " << blur << ", shifted " << shift << " px: read" << joined(texts);
            for (const std::string& text : texts)
                EXPECT_TRUE(same_code_text(code.expected_text, text)) << "misread '" << text << "'";
        }
}

// Red team F7: a Chinese pack's EAN-13 and, beside it, a GS1 DataMatrix of 3.5 px modules turned to any
// angle, among lines of print (some touching the DataMatrix's label) and a block of small print. The EAN-13
// reads in the first pass; the DataMatrix is left to the search for a further symbol, which ranked the
// patches of strong edges by the sum of their edges (the block of print and the long lines first) and
// ended at the first patch read in vain. It read the DataMatrix at 10 of these 18 angles (the red team's
// own cards: 2 of 18, where zxing-cpp read 10), and must read it at all.
TEST(StillDecoder, ASecondSymbolAmongPrintIsFound) {
    const SyntheticCode ean = ean13_code("690123456789");
    const SyntheticCode matrix = gs1_datamatrix_code("09520123456788", "260531", "ABC123", "XYZ987");
    const cv::Mat ean_image = resized_symbol(ean, 2.0, 8, 0);
    int missed = 0;
    std::string misses;
    for (int degrees = 0; degrees < 360; degrees += 20) {
        cv::Mat card(kCardHeight, kCardWidth, CV_8UC1, cv::Scalar(kCardGrey));
        // The red team's layout: lines 80 px apart, each starting and sized by the line and the angle.
        for (int line = 0; line < 14; ++line)
            cv::putText(card,
                        "LOT A" + std::to_string(line) + "7K" + std::to_string(degrees) + " 2026.0" +
                            std::to_string(line % 9 + 1) + " H2001" + std::to_string(line) + "06" +
                            std::to_string(degrees) + " EXP " + std::to_string(line * 31 + degrees),
                        {(line * 397 + degrees * 13) % 1300, 40 + line * 80}, cv::FONT_HERSHEY_SIMPLEX,
                        (16 + (line * 7 + degrees) % 24) / 20.0, cv::Scalar(50), 3, cv::LINE_AA);
        // A block of small print (the dosage and the maker's address) beside them, read in vain first.
        for (int line = 0; line < 12; ++line)
            cv::putText(
                card, "Tablets 0.25 g x 24  Store below 25 C  Batch " + std::to_string(4100 + 37 * line),
                {1000, 700 + 18 * line}, cv::FONT_HERSHEY_SIMPLEX, 0.45, cv::Scalar(40), 1, cv::LINE_AA);
        paste(card, ean_image, {100, 500});
        paste(card, resized_symbol(matrix, 3.5, 28, degrees), {700, 300});
        blur_and_noise(card, 0, 4.0, static_cast<unsigned>(700 + degrees));
        const std::vector<std::string> texts = texts_read(card);
        EXPECT_TRUE(holds(texts, ean.expected_text)) << degrees << " degrees: read" << joined(texts);
        for (const std::string& text : texts)
            EXPECT_TRUE(same_code_text(ean.expected_text, text) || same_code_text(matrix.expected_text, text))
                << degrees << " degrees: misread '" << text << "'";
        if (!holds(texts, matrix.expected_text)) ++missed, misses += " " + std::to_string(degrees);
    }
    EXPECT_EQ(missed, 0) << "DataMatrix not found at degrees:" << misses;
}

// Red team 32b F3: a long GS1-128 (2 px modules, 80 px high, 880 px long) with a second code 40 or
// 150 px below it, both on one white label turned 0, 90 or 180 degrees. zxing-cpp read both on every
// card; the still decoder lost one on 7 of 12 (all four upright): the search for a further symbol took a
// linear symbol's bars to reach as far across as along (true of an EAN-13), so the long code covered its
// neighbour, and the one patch left of the neighbour (joined to the label's edge) had the middle of its
// rectangle on the code read first.
TEST(StillDecoder, ACodeBelowALongGs1128IsFound) {
    const SyntheticCode long_code = gs1_128_code("09520123456788", "260531", "LOTABCDEFGHJKLMNPQRS");
    const SyntheticCode ean = ean13_code("690123456789");
    const SyntheticCode short_code = gs1_128_code("09520123456788", "261130", "WXYZ12");
    const cv::Mat long_bars = resized_symbol(long_code, 2.0, 0, 0);
    ASSERT_GT(long_bars.cols, 800);
    int card_index = 0;
    for (const SyntheticCode* second : {&ean, &short_code})
        for (const int gap : {40, 150})
            for (const int quarter_turns : {0, 1, 2}) {
                const cv::Mat second_bars = resized_symbol(*second, 2.0, 0, 0);
                // One label: the long code, the gap, the second code at its left end, a white border.
                cv::Mat label(long_bars.rows + gap + second_bars.rows + 24, long_bars.cols + 24, CV_8UC1,
                              cv::Scalar(255));
                paste(label, long_bars, {12, 12});
                paste(label, second_bars, {12, 12 + long_bars.rows + gap});
                if (quarter_turns == 1) cv::rotate(label, label, cv::ROTATE_90_COUNTERCLOCKWISE);
                if (quarter_turns == 2) cv::rotate(label, label, cv::ROTATE_180);
                cv::Mat card(1700, 1700, CV_8UC1, cv::Scalar(kCardGrey));
                paste(card, label, {(card.cols - label.cols) / 2, (card.rows - label.rows) / 2});
                blur_and_noise(card, 0, 2.0, static_cast<unsigned>(800 + card_index++));
                const std::vector<std::string> texts = texts_read(card);
                const std::string where = second->symbology + " " + std::to_string(gap) +
                                          " px below, turned " + std::to_string(90 * quarter_turns) +
                                          " degrees: read";
                EXPECT_TRUE(holds(texts, long_code.expected_text)) << where << joined(texts);
                EXPECT_TRUE(holds(texts, second->expected_text)) << where << joined(texts);
                for (const std::string& text : texts)
                    EXPECT_TRUE(same_code_text(long_code.expected_text, text) ||
                                same_code_text(second->expected_text, text))
                        << where << " a misread '" << text << "'";
            }
}

// Red team 32b F1: an upright DataBar Stacked Omnidirectional of 2 px modules on an 800x600 card was read
// only where its left edge lay on a multiple of 4 px (5 of 20 places; zxing-cpp read all 20), and an
// upright DataBar Expanded Stacked of three rows at 2 and 2.5 px modules at few places (4 and 0 of 16). The
// finder gives a stacked symbol's rows as one region or as a region each, by where the separators fall on
// its block grid; a region of one row was read cut about that row, which left the other rows out, and
// resampled between pixels. Every place on the pixel grid must read.
TEST(StillDecoder, UprightStackedDataBarIsReadAtEveryPlace) {
    const SyntheticCode stacked{"databar-stacked", "0952012345678", "09520123456788", "DataBar"};
    const SyntheticCode expanded_stacked{"databar-expanded-stacked", "[01]09520123456788[17]260531[10]ABC123",
                                         "(01)09520123456788(17)260531(10)ABC123", "DataBarExpanded"};
    int card_index = 0;
    std::string misses;
    for (const auto& [code, module] :
         {std::pair{&stacked, 2.0}, std::pair{&expanded_stacked, 2.0}, std::pair{&expanded_stacked, 2.5}}) {
        const cv::Mat symbol = resized_symbol(*code, module, 6, 0);
        for (const int shift : {0, 1, 2, 3, 5, 6}) {
            cv::Mat card(600, 800, CV_8UC1, cv::Scalar(230));
            paste(card, symbol, {190 + shift, 150 + shift / 2});
            blur_and_noise(card, 0, 2.0, static_cast<unsigned>(900 + card_index++));
            const std::vector<std::string> texts = texts_read(card);
            if (!holds(texts, code->expected_text))
                misses += " " + code->symbology + " " + std::to_string(module).substr(0, 3) + " px at +" +
                          std::to_string(shift) + " (read" + joined(texts) + ")";
            for (const std::string& text : texts)
                EXPECT_TRUE(same_code_text(code->expected_text, text)) << "misread '" << text << "'";
        }
    }
    EXPECT_TRUE(misses.empty()) << "not read:" << misses;
}

// Red team 32b F2: stacked DataBar turned in 10-degree steps on a 1000x800 card (a large photo, whose
// candidate regions are read before zxing's whole-image passes), where zxing-cpp read 210 of 288 and the
// still decoder 202, 61 of them read by zxing alone. The regions-first read had no stacked-rows read (see
// UprightStackedDataBarIsReadAtEveryPlace); with it, 266. Here a Stacked Omnidirectional of 2 px modules
// at every tenth degree: 19 of 36 read without it, 27 with it (the ones near 90 and 270 degrees gained);
// fewer is a regression. The rest (near 70, 110, 170-250, 310-330 degrees) are left to a later stop.
TEST(StillDecoder, TurnedStackedDataBarOnALargePhotoIsRead) {
    const SyntheticCode stacked{"databar-stacked", "0952012345678", "09520123456788", "DataBar"};
    int read = 0;
    std::string misses;
    for (int degrees = 0; degrees < 360; degrees += 10) {
        cv::Mat card(800, 1000, CV_8UC1, cv::Scalar(kCardGrey));
        const cv::Mat symbol = resized_symbol(stacked, 2.0, 6, degrees);
        paste(card, symbol, {(card.cols - symbol.cols) / 2, (card.rows - symbol.rows) / 2});
        blur_and_noise(card, degrees % 20 ? 0.8 : 0, 3.0, static_cast<unsigned>(1000 + degrees / 10));
        const std::vector<std::string> texts = texts_read(card);
        if (holds(texts, stacked.expected_text))
            ++read;
        else
            misses += " " + std::to_string(degrees);
        for (const std::string& text : texts)
            EXPECT_TRUE(same_code_text(stacked.expected_text, text)) << "misread '" << text << "'";
    }
    EXPECT_GE(read, 27) << "not read at degrees:" << misses;
}

}  // namespace
