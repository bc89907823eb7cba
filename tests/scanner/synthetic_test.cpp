// Generated symbols (libzint) at many positions, tilted, warped, blurred, noised and at low contrast,
// read back through the still-image decoder, the tracking decoder and `medkioskctl scan` on a video.

#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <numbers>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <opencv2/videoio.hpp>
#include <set>
#include <sstream>

#include "medkiosk/scanner/confirmer.hpp"
#include "medkiosk/scanner/decoder.hpp"
#include "scene_generator.hpp"
#include "support/process.hpp"
#include "support/temp_dir.hpp"
#include "synthetic_codes.hpp"

using namespace medkiosk::scanner;
using namespace medkiosk::test;

namespace {

struct Variant {
    const char* name;
    double angle, module, perspective, contrast, blur, noise;
};

constexpr Variant kVariants[] = {
    {"plain", 0, 5, 0, 1, 0.6, 2},      {"tilted", 17, 5, 0, 1, 0.8, 3},
    {"warped", -8, 5, 0.15, 1, 0.8, 3}, {"blurred", 5, 6, 0, 1, 1.6, 3},
    {"noisy", -12, 5, 0, 1, 0.8, 12},   {"low-contrast", 9, 5, 0, 0.45, 0.8, 3},
    {"small", 3, 3, 0, 1, 0.5, 2},
};

std::vector<cv::Point2f> nine_positions(int width, int height) {
    std::vector<cv::Point2f> positions;
    for (float fy : {0.18f, 0.5f, 0.82f})
        for (float fx : {0.14f, 0.5f, 0.86f})
            positions.emplace_back(fx * static_cast<float>(width), fy * static_cast<float>(height));
    return positions;
}

TEST(scannerSynthetic, StillDecoderFindsGeneratedSymbolsAnywhere) {
    const int width = 960, height = 540;
    const cv::Mat scene = make_scene(width, height, 7);
    const Decoder decoder;
    std::map<std::string, int> read, total;
    int misreads = 0;
    unsigned seed = 1;
    const std::vector<SyntheticCode> codes = {gs1_datamatrix_code("SYN0001"), ean13_code("690123456789"),
                                              code128_code("81234560000123456789")};
    for (const SyntheticCode& code : codes) {
        const cv::Mat symbol = render_symbol(code);
        ASSERT_FALSE(symbol.empty()) << code.zint_input;
        const bool linear = code.symbology != "gs1-datamatrix";
        for (const Variant& variant : kVariants) {
            auto positions = nine_positions(width, height);
            if (linear)  // the linear reader scans every row anyway; a long Code 128 needs room to fit
                positions = {{0.3f * static_cast<float>(width), 0.18f * static_cast<float>(height)},
                             {0.5f * static_cast<float>(width), 0.5f * static_cast<float>(height)},
                             {0.7f * static_cast<float>(width), 0.82f * static_cast<float>(height)}};
            for (const cv::Point2f& at : positions) {
                cv::Mat frame = scene.clone();
                Placement placement{at, variant.angle, linear ? variant.module * 0.6 : variant.module,
                                    variant.perspective, variant.contrast};
                place_symbol(frame, symbol, placement);
                blur_and_noise(frame, variant.blur, variant.noise, seed++);
                const std::string key = code.symbology + "/" + variant.name;
                ++total[key];
                bool ok = false;
                for (const auto& found :
                     decoder.decode_grey(frame.data, frame.cols, frame.rows, static_cast<int>(frame.step))) {
                    if (found.text == code.expected_text)
                        ok = true;
                    else {
                        ++misreads;
                        std::cout << "[synthetic] MISREAD " << key << " at " << at << ": " << found.format
                                  << " '" << found.text << "'\n";
                    }
                }
                read[key] += ok;
            }
        }
    }
    int all_read = 0, all_total = 0;
    for (const auto& [key, count] : total) {
        std::cout << "[synthetic] " << key << ": " << read[key] << "/" << count << "\n";
        all_read += read[key];
        all_total += count;
    }
    EXPECT_EQ(misreads, 0);
    // DataMatrix anywhere is the point of the region search: every position of the plain, tilted and
    // warped variants must be read.
    for (const Variant& variant : kVariants)
        EXPECT_EQ(read[std::string("gs1-datamatrix/") + variant.name], 9) << variant.name;
    EXPECT_GE(all_read, all_total * 85 / 100) << all_read << "/" << all_total;
}

// A photo read by one whole-image pass is searched further only where it plainly holds another symbol:
// the second symbol of a pack must still be reported, whichever one the first pass reads, wherever and
// at whatever angle the other lies, and also when it is printed paler or lit less than the first.
TEST(scannerSynthetic, StillDecoderReportsTheOtherSymbolOfAPackAfterTheFirstPassReadsOne) {
    const int width = 1280, height = 720;
    const SyntheticCode datamatrix = gs1_datamatrix_code("PAIR0001"), ean13 = ean13_code("690123456789"),
                        code128 = code128_code("81234560000123456789");
    struct Pair {
        const char* name;
        const SyntheticCode* first;  // upright and large: read by a whole-image pass
        const SyntheticCode* other;
        double first_module, other_module;
    };
    const Pair pairs[] = {{"ean13 then datamatrix", &ean13, &datamatrix, 3, 5},
                          {"code128 then datamatrix", &code128, &datamatrix, 2.5, 5},
                          {"datamatrix then ean13", &datamatrix, &ean13, 8, 2.5},
                          {"ean13 then code128", &ean13, &code128, 3, 2.2}};
    const cv::Point2f first_at(384, 360);
    const cv::Point2f others_at[] = {{960, 180}, {1024, 540}};
    const Decoder decoder;
    int firsts = 0, others = 0, cases = 0, misreads = 0;
    std::string missed;
    unsigned seed = 11;
    for (const Pair& pair : pairs) {
        for (const cv::Point2f& other_at : others_at) {
            for (const double angle : {0.0, 35.0, 100.0}) {
                for (const double contrast : {1.0, 0.6}) {
                    cv::Mat frame = make_scene(width, height, seed);
                    place_symbol(frame, render_symbol(*pair.first),
                                 Placement{first_at, 0, pair.first_module, 0, 1});
                    place_symbol(frame, render_symbol(*pair.other),
                                 Placement{other_at, angle, pair.other_module, 0, contrast});
                    blur_and_noise(frame, 0.6, 2, seed++);
                    bool first = false, other = false;
                    for (const DecodedSymbol& symbol : decoder.decode_grey(frame.data, frame.cols, frame.rows,
                                                                           static_cast<int>(frame.step))) {
                        if (symbol.text == pair.first->expected_text)
                            first = true;
                        else if (symbol.text == pair.other->expected_text)
                            other = true;
                        else
                            ++misreads;
                    }
                    ++cases, firsts += first, others += other;
                    if (!other)
                        missed.append("; ")
                            .append(pair.name)
                            .append(" at ")
                            .append(std::to_string(static_cast<int>(other_at.x)))
                            .append(",")
                            .append(std::to_string(static_cast<int>(other_at.y)))
                            .append(" turned ")
                            .append(std::to_string(static_cast<int>(angle)))
                            .append(contrast < 1 ? " pale" : "");
                }
            }
        }
    }
    std::cout << "[pairs] first symbol read in " << firsts << "/" << cases << ", the other in " << others
              << "/" << cases << "\n";
    // Forward only: what the decoder achieves (the whole-image candidate search it replaced found 28).
    constexpr int kMinOthers = 38;
    if (others > kMinOthers)
        std::cout << "[pairs] UNEXPECTED SUCCESS: raise kMinOthers to " << others << "\n";
    EXPECT_EQ(firsts, cases);
    EXPECT_GE(others, kMinOthers) << "missed" << missed;
    EXPECT_EQ(misreads, 0);
}

TEST(scannerSynthetic, TrackingDecoderFindsAMovingCodeWithinTwoFrames) {
    const int width = 1920, height = 1080;
    const cv::Mat scene = make_scene(width, height, 3);
    TrackingDecoder tracker;
    CodeConfirmer confirmer;
    auto now = CodeConfirmer::Clock::time_point{};
    int position_index = 0;
    for (const cv::Point2f& start : nine_positions(width, height)) {
        const SyntheticCode code = gs1_datamatrix_code("MOV" + std::to_string(position_index++));
        const cv::Mat symbol = render_symbol(code);
        int event_frame = -1;
        for (int f = 0; f < 6; ++f) {
            cv::Mat frame = scene.clone();
            place_symbol(
                frame, symbol,
                Placement{start + cv::Point2f(6.f * static_cast<float>(f), 3.f * static_cast<float>(f)),
                          10.0 + f, 6, 0.05, 0.8});
            blur_and_noise(frame, 1.0, 4, static_cast<unsigned>(f + 100 * position_index));
            now += std::chrono::milliseconds(33);
            const auto symbols =
                tracker.decode_grey(frame.data, frame.cols, frame.rows, static_cast<int>(frame.step));
            for (const auto& s : confirmer.update(symbols, now))
                if (s.text == code.expected_text && event_frame < 0) event_frame = f;
        }
        EXPECT_GE(event_frame, 1) << "one frame is never enough to confirm";
        EXPECT_LE(event_frame, 2) << "position " << start;
    }
}

// zxing 1.4 reads linear symbols along rows only: tilted beyond about 10° a Code 128 or EAN-13 is
// never read unless the tracker turns it upright. Both directions of tilt, as a hand holds a box.
TEST(scannerSynthetic, TrackingDecoderReadsSteeplyTiltedLinearCodesAndFollowsThem) {
    const int width = 1920, height = 1080;
    const cv::Mat scene = make_scene(width, height, 4);
    const std::vector<std::pair<SyntheticCode, double>> cases = {{code128_code("81234560000987654321"), 25},
                                                                 {code128_code("81234560000987654321"), -35},
                                                                 {ean13_code("690123456780"), -30},
                                                                 {ean13_code("690123456780"), 40}};
    for (const auto& [code, angle] : cases) {
        TrackingDecoder tracker;
        const cv::Mat symbol = render_symbol(code);
        int read = 0, misreads = 0;
        for (int f = 0; f < 8; ++f) {
            cv::Mat frame = scene.clone();
            place_symbol(frame, symbol,
                         Placement{{700.f + 8.f * static_cast<float>(f), 500.f + 3.f * static_cast<float>(f)},
                                   angle + 0.7 * f,
                                   3,
                                   0.04,
                                   0.85});
            blur_and_noise(frame, 1.1, 4, static_cast<unsigned>(f + 7));
            for (const auto& found :
                 tracker.decode_grey(frame.data, frame.cols, frame.rows, static_cast<int>(frame.step))) {
                if (found.text == code.expected_text)
                    ++read;
                else
                    ++misreads;
            }
        }
        EXPECT_EQ(misreads, 0) << code.symbology << " at " << angle << "°";
        // The first frame finds it among the candidates; every following frame follows it.
        EXPECT_GE(read, 7) << code.symbology << " at " << angle << "°";
    }
}

// A plain DataBar, once read, is followed while it stays in view. zxing 1.4 reports it as two lines, its
// left pair's and its right pair's, each on the row that read it: a band cut along the first alone was
// half the symbol, and the DataBar was lost on the next frame (read on 1-2 of 8 frames here). A noisy
// frame may still miss it once.
TEST(scannerSynthetic, TrackingDecoderFollowsAPlainDataBar) {
    const int width = 1920, height = 1080;
    const cv::Mat scene = make_scene(width, height, 9);
    const SyntheticCode code = databar_code("06849110003501");
    const cv::Mat symbol = render_symbol(code);
    // No candidate regions: what reads it after the idle passes' first read is the follow alone.
    TrackingOptions follow_only;
    follow_only.max_candidates = 0;
    for (const double angle : {0.0, 6.0, -8.0, 3.0}) {
        TrackingDecoder tracker(follow_only);
        int first_read = -1, frames_read = 0;
        for (int f = 0; f < 10; ++f) {
            cv::Mat frame = scene.clone();
            place_symbol(frame, symbol,
                         Placement{{1000.f + static_cast<float>(f), 500.f}, angle, 3.3, 0.04, 0.85});
            blur_and_noise(frame, 0.8, 3, static_cast<unsigned>(f + 61));
            for (const auto& found :
                 tracker.decode_grey(frame.data, frame.cols, frame.rows, static_cast<int>(frame.step)))
                if (found.text == code.expected_text) {
                    if (first_read < 0) first_read = f;
                    ++frames_read;
                }
        }
        ASSERT_GE(first_read, 0) << "DataBar at " << angle << " degrees never read";
        EXPECT_GE(frames_read, 10 - first_read - 1)
            << "DataBar at " << angle << " degrees lost after its first read on frame " << first_read
            << ": read on " << frames_read;
    }
}

// Large matrix symbols (10 px modules, a pack's DataMatrix of 26 modules and a QR of 37) turned far in
// the plane: the crop around a candidate is square to the frame, so at 37 degrees the symbol's corners
// reach beyond a crop sized for it upright, and a crop that cut them off left both unread.
TEST(scannerSynthetic, TrackingDecoderReadsLargeMatrixSymbolsTurnedAnyWay) {
    const int width = 1920, height = 1080;
    const cv::Mat scene = make_scene(width, height, 5);
    const std::vector<SyntheticCode> codes = {
        gs1_datamatrix_code("06901234567892", "271130", "LOT2026A7", "SERIAL00042X"),
        qr_code("https://id.gs1.org/01/06901234567892/10/LOT2026A7?17=271130&note=large-qr-test")};
    for (const SyntheticCode& code : codes) {
        const cv::Mat symbol = render_symbol(code);
        ASSERT_FALSE(symbol.empty()) << code.zint_input;
        const int modules = symbol.cols - 4;  // the quiet zone is 2 modules a side
        EXPECT_GE(modules, code.symbology == "qr" ? 33 : 24) << code.symbology << " symbol too small";
        for (const double angle : {0.0, 37.0, 200.0}) {
            TrackingDecoder tracker;
            int first_read = -1, misreads = 0;
            for (int f = 0; f < 4 && first_read < 0; ++f) {
                cv::Mat frame = scene.clone();
                place_symbol(frame, symbol,
                             Placement{{900.f + 4.f * static_cast<float>(f), 540.f}, angle, 10, 0.03, 0.9});
                blur_and_noise(frame, 0.9, 3, static_cast<unsigned>(f + 31));
                for (const auto& found :
                     tracker.decode_grey(frame.data, frame.cols, frame.rows, static_cast<int>(frame.step))) {
                    if (found.text == code.expected_text)
                        first_read = f;
                    else
                        ++misreads;
                }
            }
            EXPECT_EQ(misreads, 0) << code.symbology << " at " << angle << " degrees";
            EXPECT_EQ(first_read, 0) << code.symbology << " (" << modules << " modules) at " << angle
                                     << " degrees: not read on the first frame";
        }
    }
}

// A trace code held at 45 degrees with a DataMatrix printed beside its bars: once the Code 128 is read
// and followed, the ground it covers must not hide the DataMatrix. Its box square to the frame did (the
// box of a long symbol at 45 degrees is a square its own length a side), and the DataMatrix was never read.
TEST(scannerSynthetic, TrackingDecoderReadsASymbolBesideATurnedLinearOne) {
    const int width = 1920, height = 1080;
    const cv::Mat scene = make_scene(width, height, 8);
    const SyntheticCode trace = code128_code("81234560000987654321");
    const SyntheticCode matrix = gs1_datamatrix_code("BESIDE42");
    const cv::Point2f trace_centre(960, 540);
    // 190 px off the bars' line, across it: inside their box, clear of the bars and their label.
    const cv::Point2f matrix_centre = trace_centre + cv::Point2f(-134, 134);
    TrackingDecoder tracker;
    bool trace_read = false, matrix_read = false;
    for (int f = 0; f < 10; ++f) {
        cv::Mat frame = scene.clone();
        place_symbol(frame, render_symbol(trace), Placement{trace_centre, 45, 3, 0, 1});
        // The DataMatrix comes into view once the trace code is being followed.
        if (f >= 3) place_symbol(frame, render_symbol(matrix), Placement{matrix_centre, 45, 4, 0, 1});
        blur_and_noise(frame, 0.7, 2, static_cast<unsigned>(f + 51));
        for (const auto& found :
             tracker.decode_grey(frame.data, frame.cols, frame.rows, static_cast<int>(frame.step))) {
            trace_read |= found.text == trace.expected_text;
            matrix_read |= found.text == matrix.expected_text;
        }
    }
    EXPECT_TRUE(trace_read);
    EXPECT_TRUE(matrix_read) << "the DataMatrix beside the turned trace code was never read";
}

// An EAN-8 printed just above a UPC-A, their bars parallel and a few modules apart. The finder joins both
// bar fields into one region; the band along its middle gave one of the two, frame after frame, and once
// that one was followed the region was taken for its ground. The other was never read (upright, 5 modules
// apart: the EAN-8 alone), and no idle full-frame slice ran while a code was being read. The live decoder
// must report both within four frames of a still box, in every layout that lies inside the frame.
TEST(scannerSynthetic, TrackingDecoderReadsAnEanSetCloseAboveAFollowedUpc) {
    const int width = 1920, height = 1080;
    const cv::Mat scene = make_scene(width, height, 62002);
    std::mt19937_64 random(62002);
    int both = 0, layouts = 0, misreads = 0;
    std::string missed;
    for (const double angle : {0.0, 12.0, 47.0, 84.0, 96.0, 133.0, 172.0, 251.0})
        for (const double gap_modules : {5.0, 7.0, 10.0})
            for (const double shift : {-0.2, 0.2}) {
                ++layouts;
                const SyntheticCode upca = random_code("upca", random);
                const SyntheticCode ean8 = random_code("ean8", random);
                const double module = 6 + (layouts % 3);  // 6-8 px: 64 samples of the line saw too few bars
                const double radians = angle * std::numbers::pi / 180;
                const cv::Point2f along(static_cast<float>(std::cos(radians)),
                                        static_cast<float>(std::sin(radians)));
                const cv::Point2f across(-along.y, along.x);
                // Both symbols' bars are 40 modules high: their middles 40 modules apart plus the gap.
                const cv::Point2f apart = across * static_cast<float>((40 + gap_modules) * module) +
                                          along * static_cast<float>(shift * 95 * module);
                const cv::Point2f upca_centre(width / 2.f, height / 2.f);
                const cv::Point2f ean8_centre = upca_centre + apart;
                // A layout whose bars leave the frame is left out: a code cut by the edge is another test's.
                bool inside = true;
                for (const auto& [middle, half_length] :
                     {std::pair{upca_centre, 47.5f}, std::pair{ean8_centre, 33.5f}})
                    for (const float a : {-1.f, 1.f})
                        for (const float b : {-1.f, 1.f}) {
                            const cv::Point2f corner =
                                middle + (along * (a * half_length) + across * (b * 20.f)) *
                                             static_cast<float>(module);
                            inside = inside && corner.x >= 8 && corner.y >= 8 && corner.x < width - 8 &&
                                     corner.y < height - 8;
                        }
                if (!inside) {
                    --layouts;
                    continue;
                }
                cv::Mat frame = scene.clone();
                place_symbol(frame, render_symbol(upca), Placement{upca_centre, angle, module, 0, 1});
                place_symbol(frame, render_symbol(ean8), Placement{ean8_centre, angle, module, 0, 1});
                TrackingDecoder tracker;
                bool upca_read = false, ean8_read = false;
                for (int f = 0; f < 4; ++f) {
                    cv::Mat shot = frame.clone();
                    blur_and_noise(shot, 0.8, 2, static_cast<unsigned>(layouts * 7 + f));
                    for (const auto& symbol :
                         tracker.decode_grey(shot.data, shot.cols, shot.rows, static_cast<int>(shot.step))) {
                        if (symbol.text == upca.expected_text)
                            upca_read = true;
                        else if (symbol.text == ean8.expected_text)
                            ean8_read = true;
                        else
                            ++misreads;
                    }
                }
                if (upca_read && ean8_read)
                    ++both;
                else
                    missed += " " + std::to_string(static_cast<int>(angle)) + "deg/gap" +
                              std::to_string(static_cast<int>(gap_modules)) +
                              (shift < 0 ? "/left" : "/right") + (upca_read ? "" : "(upca)") +
                              (ean8_read ? "" : "(ean8)");
            }
    std::cout << "[ean-above-upc] both read in " << both << " of " << layouts << " layouts\n";
    EXPECT_EQ(both, layouts) << "missed:" << missed;
    EXPECT_EQ(misreads, 0);
}

// A frame full of large symbols is read over a few frames, not all at once: after the first new
// candidate, a frame stops reading candidates once zxing has been handed its budget of pixels. None is
// lost by it: the rest come on the next frames.
TEST(scannerSynthetic, TrackingDecoderHoldsAFrameToItsPixelBudget) {
    const int width = 1920, height = 1080;
    cv::Mat frame = make_scene(width, height, 6);
    std::set<std::string> expected;
    const cv::Point2f centres[] = {{380, 300}, {1000, 300}, {1560, 320}, {420, 800}, {1100, 790}};
    for (int i = 0; i < 5; ++i) {
        const SyntheticCode code = gs1_datamatrix_code("BUDGET" + std::to_string(i) + "XYZ0123456789");
        place_symbol(frame, render_symbol(code), Placement{centres[i], 20.0 * i, 14, 0, 1});
        expected.insert(code.expected_text);
    }
    blur_and_noise(frame, 0.7, 2, 17);
    const auto first_frame_reads = [&](TrackingOptions options) {
        TrackingDecoder tracker(options);
        return tracker.decode_grey(frame.data, frame.cols, frame.rows, static_cast<int>(frame.step)).size();
    };
    TrackingOptions unbounded;
    unbounded.max_pixels_read = 0;
    unbounded.max_candidates = 5;
    TrackingOptions bounded = unbounded;
    bounded.max_pixels_read = TrackingOptions{}.max_pixels_read;
    EXPECT_EQ(first_frame_reads(unbounded), 5u) << "without a budget every candidate is read at once";
    EXPECT_LT(first_frame_reads(bounded), 5u) << "the budget left every large candidate in one frame";

    TrackingDecoder tracker(bounded);
    std::set<std::string> read;
    for (int f = 0; f < 8; ++f)
        for (const auto& found :
             tracker.decode_grey(frame.data, frame.cols, frame.rows, static_cast<int>(frame.step)))
            read.insert(found.text);
    EXPECT_EQ(read, expected) << "the budget must only defer candidates, never lose them";
}

std::vector<nlohmann::json> json_lines(const std::string& out) {
    std::vector<nlohmann::json> lines;
    std::istringstream in(out);
    for (std::string line; std::getline(in, line);)
        if (!line.empty()) lines.push_back(nlohmann::json::parse(line));
    return lines;
}

// A pack held in view 4 s, taken away 1.5 s, shown again 1 s, at 10 frames per second.
std::string write_hold_video(const TempDir& dir) {
    const std::string video = (dir.path() / "hold.avi").string();
    const int width = 640, height = 360;
    const cv::Mat scene = make_scene(width, height, 11);
    const SyntheticCode code = gs1_datamatrix_code("HOLD1");
    const cv::Mat symbol = render_symbol(code);
    cv::VideoWriter writer(video, cv::VideoWriter::fourcc('M', 'J', 'P', 'G'), 10, cv::Size(width, height),
                           false);
    EXPECT_TRUE(writer.isOpened());
    for (int f = 0; f < 65; ++f) {
        cv::Mat frame = scene.clone();
        const bool visible = f < 40 || f >= 55;
        if (visible)
            place_symbol(frame, symbol,
                         Placement{{200.f + 2.f * static_cast<float>(f % 40), 150.f}, 5, 4, 0, 1});
        blur_and_noise(frame, 0.6, 2, static_cast<unsigned>(f));
        writer.write(frame);
    }
    return video;
}

// The live decoder's idle passes read the whole frame as plain zxing-cpp does, a slice a frame; the
// column pass reads a copy of the frame turned onto its diagonal. With no candidate regions read at all,
// an EAN-13 standing upright or lying flat is read by those passes alone, and reported where it lies: on
// a frame whose sides are no multiple of the 8-pixel blocks the copy is made in.
// DataBar too: along rows in a slice of its own, along columns on the linear slice's transposed copy.
TEST(scannerSynthetic, TrackingDecodersIdlePassesReadRowsAndColumnsOfTheWholeFrame) {
    for (const SyntheticCode& code : {ean13_code("590123412345"), databar_code("09520123456788")}) {
        const cv::Mat symbol = render_symbol(code);
        for (const double angle : {0.0, 90.0, -90.0}) {
            cv::Mat frame = make_scene(1283, 721, 11);
            const cv::Rect placed = place_symbol(frame, symbol, Placement{{903, 377}, angle, 3, 0, 1});
            blur_and_noise(frame, 0.6, 2, 5);
            TrackingOptions only_idle_passes;
            only_idle_passes.max_candidates = 0;
            TrackingDecoder tracker(only_idle_passes);
            std::optional<DecodedSymbol> read;
            for (int f = 0; f < 4 && !read; ++f)
                for (const auto& s :
                     tracker.decode_grey(frame.data, frame.cols, frame.rows, static_cast<int>(frame.step)))
                    if (s.text == code.expected_text) read = s;
            ASSERT_TRUE(read) << code.symbology << " at " << angle << " degrees not read by the idle passes";
            cv::Point2f centre(0, 0);
            for (const Point& p : read->corners) centre += cv::Point2f(p.x / 4, p.y / 4);
            EXPECT_TRUE(placed.contains(cv::Point(centre)))
                << code.symbology << " at " << angle << " degrees reported at " << centre << ", drawn in "
                << placed;
        }
    }
}

TEST(scannerSynthetic, VideoDuplicateSuppressionAndHold) {
    TempDir dir;
    const std::string video = write_hold_video(dir);
    const std::string expected = gs1_datamatrix_code("HOLD1").expected_text;

    // Default hold (8 s): one event while in view, one more after it left and came back.
    auto result = run_ctl({"scan", "--json", video});
    ASSERT_EQ(result.exit_code, 0) << result.err;
    auto lines = json_lines(result.out);
    ASSERT_EQ(lines.size(), 3u) << result.out;
    EXPECT_EQ(lines[0]["frame"], 1);
    EXPECT_EQ(lines[0]["codes"].at(0)["text"], expected);
    EXPECT_EQ(lines[0]["codes"].at(0)["pack"]["serial"], "HOLD1");
    EXPECT_EQ(lines[1]["frame"], 56);
    EXPECT_EQ(lines[2]["frames"], 65);
    EXPECT_TRUE(lines[2]["decode_ms_p50"].is_number());
    EXPECT_TRUE(lines[2]["decode_ms_p95"].is_number());

    // A 2 s hold: the pack staying in view fires again once the hold has run out.
    result = run_ctl({"scan", "--json", "--hold", "2", video});
    ASSERT_EQ(result.exit_code, 0) << result.err;
    lines = json_lines(result.out);
    ASSERT_EQ(lines.size(), 4u) << result.out;
    EXPECT_EQ(lines[0]["frame"], 1);
    EXPECT_EQ(lines[1]["frame"], 21);
    EXPECT_EQ(lines[2]["frame"], 56);

    EXPECT_EQ(run_ctl({"scan", "--json", "--hold", "soon", video}).exit_code, 2);
}

#if MEDKIOSK_HAVE_TESTDATA  // real photos beside the repository (../shared/testdata)
TEST(scannerSynthetic, UnreadableFilesGiveErrorLinesAndTheRunGoesOn) {
    TempDir dir;
    const std::string broken_png = (dir.path() / "broken.png").string();
    const std::string broken_video = (dir.path() / "broken.mp4").string();
    const std::string text_file = (dir.path() / "notes.txt").string();
    for (const std::string& path : {broken_png, broken_video, text_file}) {
        std::ofstream out(path);
        out << "not really";
    }
    const std::string good = (dir.path() / "good.png").string();
    ASSERT_TRUE(cv::imwrite(good, make_still(ean13_code("978076454420"), 4, 5, 800, 600, 17)));
    const auto result = run_ctl({"scan", "--json", broken_png, broken_video, text_file, good});
    EXPECT_EQ(result.exit_code, 1);
    const auto lines = json_lines(result.out);
    ASSERT_EQ(lines.size(), 4u) << result.out;
    for (int i = 0; i < 3; ++i)
        EXPECT_TRUE(lines[static_cast<std::size_t>(i)].contains("error"))
            << lines[static_cast<std::size_t>(i)];
    EXPECT_EQ(lines[3]["codes"].at(0)["text"], "9780764544200");
}

#endif  // MEDKIOSK_HAVE_TESTDATA

}  // namespace
