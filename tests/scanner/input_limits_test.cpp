// Bad input from disk and stdin (issue 12): image bombs refused from their header, only regular files
// read (a FIFO named x.png must not hang), every file passed over reported with why, and floods of GS1
// data refused unread by `medkioskctl parse`.

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <opencv2/videoio.hpp>
#include <sstream>
#include <thread>

#include "json_lines.hpp"
#include "linear_sweep.hpp"
#include "medkiosk/scanner/frame_source.hpp"
#include "medkiosk/scanner/image_file.hpp"
#include "medkiosk/scanner/parse.hpp"
#include "medkiosk/scanner/scan_pipeline.hpp"
#include "scene_generator.hpp"
#include "support/cannot_run_here.hpp"
#include "support/process.hpp"
#include "support/temp_dir.hpp"
#include "synthetic_codes.hpp"

namespace fs = std::filesystem;
using namespace medkiosk::scanner;
using medkiosk::test::json_lines;
using nlohmann::json;

namespace {

// What the caller tells the reader of a too-many-pixels message to do; each caller says its own.
constexpr std::string_view kAdvice = "scale it down first";

void put_u32(std::string& out, std::uint32_t value) {
    for (int shift = 24; shift >= 0; shift -= 8) out += static_cast<char>((value >> shift) & 0xFF);
}

void put_chunk(std::ofstream& file, const char* type, const std::string& data) {
    std::string chunk;
    put_u32(chunk, static_cast<std::uint32_t>(data.size()));
    chunk += type;
    chunk += data;
    const auto* bytes = reinterpret_cast<const Bytef*>(chunk.data() + 4);
    put_u32(chunk, static_cast<std::uint32_t>(crc32(0, bytes, static_cast<uInt>(chunk.size() - 4))));
    file << chunk;
}

// A real PNG bomb: one bit per pixel, all zero, deflated: about 110 KB on disk for 30000×30000, which
// a decoder expands to 900 MB of grey pixels (and OpenCV to more).
fs::path make_png_bomb(const fs::path& path, std::uint32_t width, std::uint32_t height) {
    std::ofstream file(path, std::ios::binary);
    file << "\x89PNG\r\n\x1a\n";
    std::string header;
    put_u32(header, width);
    put_u32(header, height);
    header += std::string("\x01\x00\x00\x00\x00", 5);  // bit depth 1, grey, deflate, no filter, no interlace
    put_chunk(file, "IHDR", header);
    z_stream stream{};
    deflateInit(&stream, 9);
    const std::string row(1 + (width + 7) / 8, '\0');  // filter byte "none", then the bits
    std::string out(1 << 16, '\0');
    for (std::uint32_t y = 0; y <= height; ++y) {
        const bool last = y == height;
        stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(row.data()));
        stream.avail_in = last ? 0 : static_cast<uInt>(row.size());
        do {
            stream.next_out = reinterpret_cast<Bytef*>(out.data());
            stream.avail_out = static_cast<uInt>(out.size());
            deflate(&stream, last ? Z_FINISH : Z_NO_FLUSH);
            const std::size_t produced = out.size() - stream.avail_out;
            if (produced > 0) put_chunk(file, "IDAT", out.substr(0, produced));
        } while (stream.avail_out == 0);
    }
    deflateEnd(&stream);
    put_chunk(file, "IEND", "");
    return path;
}

std::string bytes_of(const std::vector<std::uint8_t>& encoded) {
    return std::string(encoded.begin(), encoded.end());
}

std::string encoded(const char* extension, const cv::Mat& image, const std::vector<int>& params = {}) {
    std::vector<std::uint8_t> out;
    EXPECT_TRUE(cv::imencode(extension, image, out, params)) << extension;
    return bytes_of(out);
}

// A progressive JPEG with its last scan repeated: each repeat is decoded again over the whole image,
// so a few MB of them keep libjpeg busy for minutes at 7000x7000 (the red team's 20,000-scan bomb).
std::string jpeg_with_repeated_scan(int side, int repeats) {
    cv::Mat noise(side, side, CV_8UC1);
    cv::randu(noise, cv::Scalar(0), cv::Scalar(255));
    const std::string jpeg = encoded(".jpg", noise, {cv::IMWRITE_JPEG_PROGRESSIVE, 1});
    const std::size_t last_scan = jpeg.rfind("\xFF\xDA");
    const std::size_t end = jpeg.rfind("\xFF\xD9");
    EXPECT_TRUE(last_scan != std::string::npos && end != std::string::npos && last_scan < end);
    std::string bomb = jpeg.substr(0, end);
    for (int i = 0; i < repeats; ++i) bomb += jpeg.substr(last_scan, end - last_scan);
    return bomb + jpeg.substr(end);
}

ImageSize size_of(const std::string& bytes) {
    auto size = read_image_size(bytes);
    if (auto* error = std::get_if<std::string>(&size)) ADD_FAILURE() << *error;
    return std::holds_alternative<ImageSize>(size) ? std::get<ImageSize>(size) : ImageSize{};
}

std::string error_of(const std::variant<ImageSize, std::string>& result) {
    return std::holds_alternative<std::string>(result) ? std::get<std::string>(result) : "(no error)";
}

// An MJPEG AVI of `frames` (grey or BGR, all one size) at 10 frames a second, as a camera app writes.
void write_mjpeg_video(const fs::path& path, const std::vector<cv::Mat>& frames) {
    cv::VideoWriter writer(path.string(), cv::CAP_FFMPEG, cv::VideoWriter::fourcc('M', 'J', 'P', 'G'), 10,
                           frames.front().size());
    ASSERT_TRUE(writer.isOpened()) << path;
    for (const cv::Mat& frame : frames) {
        cv::Mat bgr = frame;
        if (frame.channels() == 1) cv::cvtColor(frame, bgr, cv::COLOR_GRAY2BGR);
        writer.write(bgr);
    }
}

// Zeroes the JPEG data of frames [first, end) of an MJPEG AVI, every chunk keeping its place and size:
// frames damaged in a file that is not cut (red team F8).
void zero_mjpeg_frames(const fs::path& path, std::size_t first, std::size_t end) {
    std::string bytes;
    {
        std::ifstream in(path, std::ios::binary);
        bytes.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
    }
    std::vector<std::size_t> chunks;  // each frame's '00dc' chunk, whose data starts with a JPEG's FF D8
    for (std::size_t at = bytes.find("00dc"); at != std::string::npos; at = bytes.find("00dc", at + 4))
        if (at + 10 <= bytes.size() && bytes.compare(at + 8, 2, "\xFF\xD8") == 0) chunks.push_back(at);
    ASSERT_GE(chunks.size(), end) << path;
    for (std::size_t k = first; k < end; ++k) {
        std::uint32_t size = 0;
        for (int i = 3; i >= 0; --i) size = size << 8 | static_cast<std::uint8_t>(bytes[chunks[k] + 4 + i]);
        ASSERT_LE(chunks[k] + 8 + size, bytes.size());
        std::fill_n(bytes.begin() + static_cast<std::ptrdiff_t>(chunks[k] + 8), size, '\0');
    }
    std::ofstream(path, std::ios::binary | std::ios::trunc) << bytes;
}

TEST(scannerImageFile, EachFormatsHeaderGivesItsSize) {
    cv::Mat colour(45, 123, CV_8UC3, cv::Scalar(10, 200, 30));
    cv::Mat with_alpha(45, 123, CV_8UC4, cv::Scalar(10, 200, 30, 128));
    struct Case {
        std::string bytes;
        const char* format;
    };
    std::string jpeg = encoded(".jpg", colour);
    // An EXIF block before the frame header, as every phone photo has.
    const std::string exif =
        std::string("\xFF\xE1\x10\x08", 4) + "Exif" + std::string(2, '\0') + std::string(0x1000, 'x');
    const std::string jpeg_with_exif = jpeg.substr(0, 2) + exif + jpeg.substr(2);
    const Case cases[] = {
        {encoded(".png", colour), "PNG"},
        {jpeg, "JPEG"},
        {jpeg_with_exif, "JPEG"},
        {encoded(".jpg", colour, {cv::IMWRITE_JPEG_PROGRESSIVE, 1}), "JPEG"},
        {encoded(".bmp", colour), "BMP"},
        {encoded(".webp", colour, {cv::IMWRITE_WEBP_QUALITY, 80}), "WebP"},      // VP8
        {encoded(".webp", colour, {cv::IMWRITE_WEBP_QUALITY, 101}), "WebP"},     // VP8L
        {encoded(".webp", with_alpha, {cv::IMWRITE_WEBP_QUALITY, 80}), "WebP"},  // VP8X
    };
    for (const Case& c : cases) {
        const ImageSize size = size_of(c.bytes);
        EXPECT_EQ(size.format, c.format);
        EXPECT_EQ(size.width, 123) << c.format;
        EXPECT_EQ(size.height, 45) << c.format;
    }
    EXPECT_NE(
        error_of(read_image_size("GIF89a\x10\x00")).find("not a PNG, JPEG, BMP or WebP image (it is a GIF)"),
        std::string::npos);
    EXPECT_NE(error_of(read_image_size(std::string("II*\0", 4) + "rest")).find("TIFF"), std::string::npos);
    EXPECT_NE(
        error_of(read_image_size(encoded(".png", colour).substr(0, 20))).find("PNG header is truncated"),
        std::string::npos);
    EXPECT_NE(error_of(read_image_size(jpeg.substr(0, 40))).find("no frame header"), std::string::npos);
    EXPECT_NE(error_of(read_image_size("")).find("empty"), std::string::npos);
}

TEST(scannerImageFile, ABombIsRefusedFromItsHeaderBeforeDecoding) {
    medkiosk::test::TempDir dir;
    const fs::path bomb = make_png_bomb(dir.path() / "bomb.png", 30000, 30000);
    EXPECT_LT(fs::file_size(bomb), 1u << 20);
    const auto started = std::chrono::steady_clock::now();
    auto loaded = load_grey_image(bomb, kDefaultMaxImagePixels, kAdvice);
    const auto took = std::chrono::steady_clock::now() - started;
    ASSERT_TRUE(std::holds_alternative<std::string>(loaded));
    const std::string& error = std::get<std::string>(loaded);
    EXPECT_NE(
        error.find("PNG declares 30000x30000 pixels (900 MP), more than the limit of 50 MP: not decoded (" +
                   std::string(kAdvice) + ")"),
        std::string::npos)
        << error;
    EXPECT_LT(took, std::chrono::seconds(5)) << "refused from the header, not after decoding";

    // A JPEG whose frame header claims 60000x60000.
    std::string jpeg = encoded(".jpg", cv::Mat(16, 16, CV_8UC1, cv::Scalar(128)));
    const std::size_t sof = jpeg.find("\xFF\xC0");
    ASSERT_NE(sof, std::string::npos);
    jpeg[sof + 5] = '\xEA';  // height 0xEA60 = 60000
    jpeg[sof + 6] = '\x60';
    jpeg[sof + 7] = '\xEA';
    jpeg[sof + 8] = '\x60';
    std::ofstream(dir.path() / "tall.jpg", std::ios::binary) << jpeg;
    auto tall = load_grey_image(dir.path() / "tall.jpg", kDefaultMaxImagePixels, kAdvice);
    ASSERT_TRUE(std::holds_alternative<std::string>(tall));
    EXPECT_NE(std::get<std::string>(tall).find("JPEG declares 60000x60000 pixels (3600 MP)"),
              std::string::npos);

    // Within a raised limit the same reader decodes a genuine large image.
    const cv::Mat big(4000, 6000, CV_8UC1, cv::Scalar(200));
    ASSERT_TRUE(cv::imwrite((dir.path() / "big.png").string(), big));
    EXPECT_TRUE(
        std::holds_alternative<std::string>(load_grey_image(dir.path() / "big.png", 20'000'000, kAdvice)));
    auto fine = load_grey_image(dir.path() / "big.png", kDefaultMaxImagePixels, kAdvice);
    ASSERT_TRUE(std::holds_alternative<GreyImage>(fine)) << std::get<std::string>(fine);
    EXPECT_EQ(std::get<GreyImage>(fine).width, 6000);
}

TEST(scannerImageFile, AJpegWithThousandsOfScansIsRefusedBeforeDecoding) {
    medkiosk::test::TempDir dir;
    std::ofstream(dir.path() / "scans.jpg", std::ios::binary) << jpeg_with_repeated_scan(200, 2000);
    auto bomb = load_grey_image(dir.path() / "scans.jpg", kDefaultMaxImagePixels, kAdvice);
    ASSERT_TRUE(std::holds_alternative<std::string>(bomb)) << "decoded all 2000 scans";
    EXPECT_NE(std::get<std::string>(bomb).find("JPEG holds more than 100 scans at 200x200"),
              std::string::npos)
        << std::get<std::string>(bomb);
    // A big image gets fewer: the cost is scans times pixels.
    EXPECT_EQ(max_jpeg_scans({"JPEG", 7000, 7000}), 20u);
    EXPECT_EQ(max_jpeg_scans({"JPEG", 4000, 3000}), 83u);
    EXPECT_EQ(max_jpeg_scans({"JPEG", 3840, 2160}), 100u);

    // Ordinary JPEGs still decode: baseline, progressive colour, a few dozen scans, and one whose
    // EXIF segment holds a thumbnail with its own scans (skipped with its segment, not counted).
    cv::Mat colour(120, 160, CV_8UC3);
    cv::randu(colour, cv::Scalar::all(0), cv::Scalar::all(255));
    const std::string thumbnail = jpeg_with_repeated_scan(16, 150);
    std::string with_thumbnail = encoded(".jpg", colour);
    std::string app1 = "\xFF\xE1";
    app1 += static_cast<char>((thumbnail.size() + 2) >> 8);
    app1 += static_cast<char>((thumbnail.size() + 2) & 0xFF);
    with_thumbnail.insert(2, app1 + thumbnail);
    const std::map<std::string, std::string> fine = {
        {"baseline.jpg", encoded(".jpg", colour)},
        {"progressive.jpg", encoded(".jpg", colour, {cv::IMWRITE_JPEG_PROGRESSIVE, 1})},
        {"dozens.jpg", jpeg_with_repeated_scan(64, 40)},
        {"thumbnail.jpg", with_thumbnail},
    };
    for (const auto& [name, bytes] : fine) {
        std::ofstream(dir.path() / name, std::ios::binary) << bytes;
        auto loaded = load_grey_image(dir.path() / name, kDefaultMaxImagePixels, kAdvice);
        ASSERT_TRUE(std::holds_alternative<GreyImage>(loaded))
            << name << ": " << std::get<std::string>(loaded);
        EXPECT_EQ(std::get<GreyImage>(loaded).damage, "") << name << " is whole";
    }
}

TEST(scannerImageFile, OnlyRegularFilesAreRead) {
    medkiosk::test::TempDir dir;
    const fs::path fifo = dir.path() / "x.png";
    ASSERT_EQ(::mkfifo(fifo.c_str(), 0644), 0);
    const fs::path dangling = dir.path() / "gone.png";
    fs::create_symlink(dir.path() / "nowhere.png", dangling);
    const fs::path folder = dir.path() / "folder.png";
    fs::create_directory(folder);
    const fs::path good = dir.path() / "good.png";
    ASSERT_TRUE(cv::imwrite(good.string(), medkiosk::test::upright_ean13().grey));
    const fs::path link = dir.path() / "link.png";
    fs::create_symlink(good, link);
    const fs::path loop = dir.path() / "loop1.png";
    fs::create_symlink(dir.path() / "loop2.png", loop);
    fs::create_symlink(loop, dir.path() / "loop2.png");

    const auto error = [](const fs::path& path) {
        auto result = read_image_file(path, kDefaultMaxImagePixels, kAdvice);
        return std::holds_alternative<std::string>(result) ? std::get<std::string>(result) : std::string();
    };
    EXPECT_NE(error(fifo).find("a FIFO (named pipe), not a file"), std::string::npos) << error(fifo);
    EXPECT_NE(error(dangling).find("a symbolic link to " + (dir.path() / "nowhere.png").string() +
                                   ", which does not exist (dangling link)"),
              std::string::npos)
        << error(dangling);
    EXPECT_NE(error(folder).find("a folder, not a file"), std::string::npos);
    EXPECT_NE(error(loop).find("a symbolic link that leads back to itself (a link loop)"), std::string::npos)
        << error(loop);
    EXPECT_NE(error(dir.path() / "missing.png").find("no such file"), std::string::npos);
    EXPECT_NE(error("/dev/null").find("a device, not a file"), std::string::npos);
    EXPECT_EQ(error(good), "");
    EXPECT_EQ(error(link), "") << "a link to a regular file is read";
}

// The user the CLI runs as in the permission case: as root nothing is unreadable, so it runs as nobody.
std::vector<std::string> ctl_command(const std::vector<std::string>& args) {
    std::vector<std::string> argv;
    if (::geteuid() == 0) argv = {"/usr/sbin/runuser", "-u", "nobody", "--"};
    argv.push_back(MEDKIOSKCTL_PATH);
    argv.insert(argv.end(), args.begin(), args.end());
    return argv;
}

TEST(scannerCliInputs, ScanReportsEveryPathItPassesOverAndNeverHangs) {
    medkiosk::test::TempDir dir;
    fs::permissions(dir.path(), fs::perms::owner_all | fs::perms::group_read | fs::perms::group_exec |
                                    fs::perms::others_read | fs::perms::others_exec);
    const fs::path good = dir.path() / "a-good.png";
    ASSERT_TRUE(cv::imwrite(good.string(), medkiosk::test::upright_ean13().grey));
    make_png_bomb(dir.path() / "b-bomb.png", 30000, 30000);
    ASSERT_EQ(::mkfifo((dir.path() / "c-fifo.png").c_str(), 0644), 0);
    fs::create_symlink(dir.path() / "nowhere.jpg", dir.path() / "d-dangling.jpg");
    fs::create_directory(dir.path() / "e-folder.png");
    const fs::path unreadable = dir.path() / "f-unreadable.png";
    fs::copy_file(good, unreadable);
    fs::permissions(unreadable,
                    ::geteuid() == 0 ? fs::perms::owner_read | fs::perms::owner_write : fs::perms::none);
    std::ofstream(dir.path() / "g-scans.jpg", std::ios::binary) << jpeg_with_repeated_scan(200, 2000);
    std::ofstream(dir.path() / "notes.txt") << "not an image, passed quietly";

    const auto started = std::chrono::steady_clock::now();
    const auto result = medkiosk::test::run_process(ctl_command({"scan", "--json", dir.path().string()}), {},
                                                    std::chrono::seconds(60));
    ASSERT_FALSE(result.timed_out) << "scan hung";
    EXPECT_EQ(result.exit_code, 1) << result.err;
    EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(30));
    std::map<std::string, std::string> errors;
    std::string read;
    for (const json& line : json_lines(result.out)) {
        const std::string file = fs::path(line["file"].get<std::string>()).filename().string();
        if (line.contains("error")) errors[file] = line["error"];
        if (line.contains("codes") && !line["codes"].empty())
            read = file + ":" + line["codes"][0]["text"].get<std::string>();
    }
    EXPECT_EQ(read, "a-good.png:6901234567892") << result.out;
    EXPECT_NE(errors["b-bomb.png"].find("declares 30000x30000 pixels"), std::string::npos) << result.out;
    EXPECT_NE(errors["b-bomb.png"].find("medkioskctl scan --max-megapixels raises the limit"),
              std::string::npos)
        << "on the command line the option is the way: " << result.out;
    EXPECT_NE(errors["c-fifo.png"].find("FIFO"), std::string::npos) << result.out;
    EXPECT_NE(errors["d-dangling.jpg"].find("dangling link"), std::string::npos) << result.out;
    EXPECT_NE(errors["e-folder.png"].find("a folder, not a file"), std::string::npos) << result.out;
    EXPECT_NE(errors["f-unreadable.png"].find("Permission denied"), std::string::npos) << result.out;
    EXPECT_NE(errors["g-scans.jpg"].find("more than 100 scans"), std::string::npos) << result.out;
    EXPECT_EQ(errors.count("notes.txt"), 0u);
    EXPECT_EQ(errors.size(), 6u) << result.out;

    // Named directly, the FIFO is reported at once too; a lower limit refuses an ordinary frame.
    const auto fifo = medkiosk::test::run_ctl({"scan", (dir.path() / "c-fifo.png").string()});
    EXPECT_EQ(fifo.exit_code, 1);
    EXPECT_NE(fifo.err.find("FIFO"), std::string::npos) << fifo.err;
    const auto limited = medkiosk::test::run_ctl({"scan", "--json", "--max-megapixels", "1", good.string()});
    EXPECT_NE(limited.out.find("more than the limit of 1 MP"), std::string::npos) << limited.out;
    EXPECT_EQ(medkiosk::test::run_ctl({"scan", "--max-megapixels", "lots", good.string()}).exit_code, 2);
}

// Red team F8: a locked subfolder stopped the whole folder scan and the error named the folder above it.
TEST(scannerCliInputs, ALockedSubfolderIsReportedByNameAndTheRestIsScanned) {
    medkiosk::test::TempDir dir;
    fs::permissions(dir.path(), fs::perms::owner_all | fs::perms::group_read | fs::perms::group_exec |
                                    fs::perms::others_read | fs::perms::others_exec);
    const cv::Mat ean = medkiosk::test::upright_ean13().grey;
    fs::create_directories(dir.path() / "b-locked");
    fs::create_directories(dir.path() / "c-open");
    ASSERT_TRUE(cv::imwrite((dir.path() / "a.png").string(), ean));
    ASSERT_TRUE(cv::imwrite((dir.path() / "b-locked/inside.png").string(), ean));
    ASSERT_TRUE(cv::imwrite((dir.path() / "c-open/d.png").string(), ean));
    ASSERT_TRUE(cv::imwrite((dir.path() / "e.png").string(), ean));
    fs::permissions(dir.path() / "b-locked", fs::perms::none);

    const auto result = medkiosk::test::run_process(ctl_command({"scan", "--json", dir.path().string()}), {},
                                                    std::chrono::seconds(60));
    fs::permissions(dir.path() / "b-locked", fs::perms::owner_all | fs::perms::group_read |
                                                 fs::perms::group_exec | fs::perms::others_read |
                                                 fs::perms::others_exec);
    ASSERT_FALSE(result.timed_out);
    EXPECT_EQ(result.exit_code, 1) << "a folder was not scanned: " << result.err;
    std::vector<std::string> read;
    std::map<std::string, std::string> errors;
    for (const json& line : json_lines(result.out)) {
        const std::string file = fs::relative(line["file"].get<std::string>(), dir.path()).string();
        if (line.contains("error")) errors[file] = line["error"];
        if (line.contains("codes") && line["codes"].size() == 1) read.push_back(file);
    }
    EXPECT_EQ(read, (std::vector<std::string>{"a.png", "c-open/d.png", "e.png"})) << result.out;
    ASSERT_EQ(errors.size(), 1u) << result.out;
    EXPECT_NE(errors["b-locked"].find("Permission denied"), std::string::npos) << result.out;
    EXPECT_NE(errors["b-locked"].find("not scanned"), std::string::npos) << result.out;

    // Unlocked, the same tree reads in full.
    const auto open = medkiosk::test::run_process(ctl_command({"scan", "--json", dir.path().string()}), {},
                                                  std::chrono::seconds(60));
    EXPECT_EQ(open.exit_code, 0) << open.out;
    EXPECT_EQ(json_lines(open.out).size(), 4u) << open.out;
}

TEST(scannerCliInputs, AVideoDeclaringTooManyPixelsIsNotRead) {
    medkiosk::test::TempDir dir;
    const std::string video = (dir.path() / "small.mkv").string();
    {
        cv::VideoWriter writer(video, cv::VideoWriter::fourcc('F', 'F', 'V', '1'), 10, cv::Size(1280, 720),
                               false);
        ASSERT_TRUE(writer.isOpened());
        for (int i = 0; i < 3; ++i) writer.write(cv::Mat(720, 1280, CV_8UC1, cv::Scalar(90)));
    }
    const auto result = medkiosk::test::run_ctl({"scan", "--json", "--max-megapixels", "0.5", video});
    EXPECT_EQ(result.exit_code, 1);
    EXPECT_NE(result.out.find("declares 1280x720 pixels"), std::string::npos) << result.out;

    SourceSpec spec;
    spec.kind = SourceSpec::Kind::Video;
    spec.location = video;
    spec.max_image_pixels = 500'000;
    const OpenedSource opened = open_source(spec);
    EXPECT_FALSE(opened.source);
    EXPECT_NE(opened.error.find("declares 1280x720 pixels"), std::string::npos) << opened.error;
    // Shown on the kiosk's technician screen, where no command-line option can be given.
    EXPECT_EQ(opened.error.find("--max-megapixels"), std::string::npos) << opened.error;
    EXPECT_NE(opened.error.find("the kiosk has no setting for this limit: choose a smaller video on the "
                                "technician screen"),
              std::string::npos)
        << opened.error;
    spec.location = (dir.path() / "fifo.mp4").string();
    ASSERT_EQ(::mkfifo(spec.location.c_str(), 0644), 0);
    EXPECT_NE(open_source(spec).error.find("FIFO"), std::string::npos);
}

TEST(scannerCliInputs, TheKiosksImageSourcePassesOverBadFilesAndSaysWhy) {
    medkiosk::test::TempDir dir;
    const cv::Mat ean = medkiosk::test::upright_ean13().grey;
    ASSERT_TRUE(cv::imwrite((dir.path() / "a.png").string(), ean));
    ASSERT_TRUE(cv::imwrite((dir.path() / "b.png").string(), ean));
    make_png_bomb(dir.path() / "c-bomb.png", 30000, 30000);
    ASSERT_EQ(::mkfifo((dir.path() / "d-fifo.png").c_str(), 0644), 0);
    fs::create_symlink(dir.path() / "nowhere.png", dir.path() / "e-dangling.png");
    fs::create_directory(dir.path() / "f-folder.jpg");
    std::ofstream(dir.path() / "g-text.png") << "hello";
    std::ofstream(dir.path() / "h-scans.jpg", std::ios::binary) << jpeg_with_repeated_scan(200, 2000);

    SourceSpec spec;
    spec.kind = SourceSpec::Kind::Images;
    spec.location = dir.path().string();
    spec.fps = 20;
    ScanPipeline pipeline(spec);
    pipeline.start();
    std::map<std::string, std::string> skipped;
    std::vector<ScanEvent> events;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    while (std::chrono::steady_clock::now() < deadline && (skipped.size() < 6 || events.empty())) {
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
        for (const auto& incident : pipeline.take_incidents())
            if (incident.kind == ScannerIncident::Kind::InputSkipped)
                skipped[fs::path(incident.subject).filename().string()] = incident.detail;
        for (auto& event : pipeline.take_events()) events.push_back(std::move(event));
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(600));  // another round: nothing said twice
    for (const auto& incident : pipeline.take_incidents())
        EXPECT_NE(incident.kind, ScannerIncident::Kind::InputSkipped)
            << incident.subject << " reported again";
    const PipelineStats stats = pipeline.stats();
    pipeline.stop();
    ASSERT_EQ(events.size(), 1u) << "frames " << stats.frames << " error " << stats.source_error;
    EXPECT_EQ(events[0].symbol.text, "6901234567892");
    EXPECT_TRUE(stats.source_error.empty()) << stats.source_error;
    EXPECT_EQ(skipped.size(), 6u);
    EXPECT_NE(skipped["c-bomb.png"].find("declares 30000x30000"), std::string::npos);
    EXPECT_EQ(skipped["c-bomb.png"].find("--max-megapixels"), std::string::npos)
        << "no option can be given on the kiosk: " << skipped["c-bomb.png"];
    EXPECT_NE(skipped["c-bomb.png"].find("the kiosk has no setting for this limit: put a smaller copy of the "
                                         "image in the folder"),
              std::string::npos)
        << skipped["c-bomb.png"];
    EXPECT_NE(skipped["d-fifo.png"].find("FIFO"), std::string::npos);
    EXPECT_NE(skipped["e-dangling.png"].find("dangling"), std::string::npos);
    EXPECT_NE(skipped["f-folder.jpg"].find("a folder"), std::string::npos);
    EXPECT_NE(skipped["g-text.png"].find("not a PNG, JPEG, BMP or WebP image"), std::string::npos);
    EXPECT_NE(skipped["h-scans.jpg"].find("more than 100 scans"), std::string::npos);
}

// The kiosk's own video and image sources read a cut file up to the cut, as `scan` does, and say once
// that it is cut: the codes after the cut would otherwise silently never be seen.
TEST(scannerCliInputs, TheKiosksSourcesSayOnceThatAFileIsCutShort) {
    medkiosk::test::TempDir dir;
    cv::Mat picture(240, 320, CV_8UC3);
    cv::RNG(30).fill(picture, cv::RNG::UNIFORM, 0, 255);
    const fs::path whole = dir.path() / "whole.avi";
    {
        cv::VideoWriter writer(whole.string(), cv::CAP_FFMPEG, cv::VideoWriter::fourcc('M', 'J', 'P', 'G'),
                               10, picture.size());
        ASSERT_TRUE(writer.isOpened());
        for (int i = 0; i < 40; ++i) writer.write(picture);
    }
    const fs::path cut = dir.path() / "cut.avi";
    fs::copy_file(whole, cut);
    fs::resize_file(cut, fs::file_size(whole) / 2);

    // Frames read and notes said over `frames` calls of next(), or until the source ends.
    auto play = [](const fs::path& path, bool loop, int frames) {
        SourceSpec spec;
        spec.kind = SourceSpec::Kind::Video;
        spec.location = path.string();
        spec.loop = loop;
        spec.fps = 500;
        OpenedSource opened = open_source(spec);
        EXPECT_TRUE(opened.source) << opened.error;
        std::pair<int, std::vector<std::string>> played;
        if (!opened.source) return played;
        for (int i = 0; i < frames; ++i) {
            const bool got = opened.source->next().has_value();
            for (std::string& note : opened.source->take_skipped()) played.second.push_back(std::move(note));
            if (!got) {
                EXPECT_TRUE(opened.source->finished()) << opened.source->error();
                break;
            }
            ++played.first;
        }
        return played;
    };
    const auto [whole_frames, whole_notes] = play(whole, false, 100);
    EXPECT_EQ(whole_frames, 40);
    EXPECT_TRUE(whole_notes.empty()) << whole_notes.front();

    const auto [cut_frames, cut_notes] = play(cut, false, 100);
    EXPECT_GT(cut_frames, 0) << "what came before the cut is still played";
    EXPECT_LT(cut_frames, 40);
    ASSERT_EQ(cut_notes.size(), 1u);
    EXPECT_NE(cut_notes[0].find(cut.string() + ": video is cut short"), std::string::npos) << cut_notes[0];

    const auto [looped_frames, looped_notes] = play(cut, true, 3 * cut_frames + 5);
    EXPECT_EQ(looped_frames, 3 * cut_frames + 5) << "a looping demo video goes on past the cut";
    EXPECT_EQ(looped_notes.size(), 1u) << "said once, not on every pass";

    const fs::path folder = dir.path() / "photos";
    fs::create_directory(folder);
    std::vector<std::uint8_t> jpeg;
    ASSERT_TRUE(cv::imencode(".jpg", picture, jpeg));
    std::ofstream(folder / "cut.jpg", std::ios::binary)
        .write(reinterpret_cast<const char*>(jpeg.data()),
               static_cast<std::streamsize>(jpeg.size() * 6 / 10));
    SourceSpec spec;
    spec.kind = SourceSpec::Kind::Images;
    spec.location = folder.string();
    spec.fps = 500;
    OpenedSource opened = open_source(spec);
    ASSERT_TRUE(opened.source) << opened.error;
    std::vector<std::string> notes;
    for (int i = 0; i < 4; ++i) {
        EXPECT_TRUE(opened.source->next().has_value()) << "the part before the cut is still shown";
        for (std::string& note : opened.source->take_skipped()) notes.push_back(std::move(note));
    }
    ASSERT_EQ(notes.size(), 1u);
    EXPECT_NE(notes[0].find("cut.jpg: JPEG is cut short"), std::string::npos) << notes[0];
}

// Red team F8: frames damaged in the middle of a recording that is not cut ended the scan there, called
// the file cut short and lost every code after them. They are passed over and named once; a file that is
// garbage from some point to its end is given up on after a bounded number of tries, as cut short.
TEST(scannerCliInputs, ScanPassesOverDamagedFramesInAVideoAndReadsOnToItsEnd) {
    medkiosk::test::TempDir dir;
    const std::string trace = "85954733826049603359";
    const cv::Mat blank(600, 800, CV_8UC1, cv::Scalar(230));
    std::vector<cv::Mat> frames(80, blank);
    for (std::size_t k = 20; k < 23; ++k)
        frames[k] = medkiosk::test::make_still(medkiosk::test::code128_code(trace), 0, 4, 800, 600, 81);
    for (std::size_t k = 50; k < 53; ++k)
        frames[k] =
            medkiosk::test::make_still(medkiosk::test::ean13_code("690123456789"), 0, 4, 800, 600, 82);
    const fs::path whole = dir.path() / "whole.avi";
    write_mjpeg_video(whole, frames);
    const fs::path damaged = dir.path() / "damaged.avi";
    fs::copy_file(whole, damaged);
    zero_mjpeg_frames(damaged, 20, 23);
    const fs::path garbage_tail = dir.path() / "garbage-tail.avi";
    fs::copy_file(whole, garbage_tail);
    zero_mjpeg_frames(garbage_tail, 60, 80);

    // The codes a scan confirmed, by text, with the frame each was confirmed at.
    auto codes_of = [](const std::vector<json>& lines) {
        std::map<std::string, long long> found;
        for (const json& line : lines)
            for (const json& code : line.value("codes", json::array()))
                found[code["text"].get<std::string>()] = line["frame"].get<long long>();
        return found;
    };
    const auto clean = medkiosk::test::run_ctl({"scan", "--json", whole.string()});
    EXPECT_EQ(clean.exit_code, 0) << clean.out;
    EXPECT_EQ(codes_of(json_lines(clean.out)).size(), 2u)
        << "both codes read in the whole file: " << clean.out;

    const auto result = medkiosk::test::run_ctl({"scan", "--json", damaged.string()});
    EXPECT_EQ(result.exit_code, 1) << "codes may have been lost: not a clean read; " << result.out;
    const auto lines = json_lines(result.out);
    ASSERT_FALSE(lines.empty()) << result.out;
    const auto found = codes_of(lines);
    ASSERT_EQ(found.count("6901234567892"), 1u) << "the EAN-13 after the damaged frames: " << result.out;
    EXPECT_GE(found.at("6901234567892"), 50) << "frames keep their numbers in the file past the damage";
    EXPECT_EQ(found.count(trace), 0u) << "shown only in the damaged frames: " << result.out;
    const json& summary = lines.back();
    EXPECT_EQ(summary["frames"], 80) << "read to the end: " << result.out;
    EXPECT_EQ(summary["frames_passed_over"], 3) << result.out;
    const std::string error = summary.value("error", "");
    EXPECT_NE(error.find("3 frames could not be decoded and were passed over (frames 20-22"),
              std::string::npos)
        << error;
    EXPECT_EQ(error.find("cut short"), std::string::npos) << "the file is whole: " << error;
    EXPECT_FALSE(summary.contains("frames_declared")) << result.out;

    const auto readable = medkiosk::test::run_ctl({"scan", damaged.string()});
    EXPECT_EQ(readable.exit_code, 1);
    const std::string said = damaged.string() + ": video is damaged: 3 frames";
    const std::size_t at = readable.err.find(said);
    EXPECT_NE(at, std::string::npos) << readable.err;
    EXPECT_EQ(readable.err.find(said, at + 1), std::string::npos) << "said once: " << readable.err;

    const auto tail = medkiosk::test::run_ctl({"scan", "--json", garbage_tail.string()});
    EXPECT_FALSE(tail.timed_out) << "reading must give up on a file that is garbage to its end";
    EXPECT_EQ(tail.exit_code, 1) << tail.out;
    const auto tail_lines = json_lines(tail.out);
    ASSERT_FALSE(tail_lines.empty()) << tail.out;
    EXPECT_EQ(codes_of(tail_lines).count("6901234567892"), 1u) << "read before the garbage: " << tail.out;
    EXPECT_EQ(tail_lines.back()["frames"], 60) << tail.out;
    EXPECT_NE(
        tail_lines.back()
            .value("error", "")
            .find("cut short (truncated or damaged): no frame after frame 59 (counted from 0) could be read, "
                  "of the 80"),
        std::string::npos)
        << tail.out;
}

// The kiosk's video source passes over the same damaged frames, plays on to the end and round again,
// and says once which frames it passed over, not that the file is cut short.
TEST(scannerCliInputs, TheKiosksVideoSourcePassesOverDamagedFramesAndSaysSoOnce) {
    medkiosk::test::TempDir dir;
    std::vector<cv::Mat> frames;
    cv::RNG rng(8);
    for (int i = 0; i < 40; ++i) {
        cv::Mat frame(240, 320, CV_8UC3);
        rng.fill(frame, cv::RNG::UNIFORM, 0, 255);
        frames.push_back(frame);
    }
    const fs::path damaged = dir.path() / "damaged.avi";
    write_mjpeg_video(damaged, frames);
    zero_mjpeg_frames(damaged, 10, 13);

    for (const bool loop : {false, true}) {
        SourceSpec spec;
        spec.kind = SourceSpec::Kind::Video;
        spec.location = damaged.string();
        spec.loop = loop;
        spec.fps = 500;
        OpenedSource opened = open_source(spec);
        ASSERT_TRUE(opened.source) << opened.error;
        int played = 0;
        std::vector<std::string> notes;
        for (int i = 0; i < 3 * 37 + 5; ++i) {
            const bool got = opened.source->next().has_value();
            for (std::string& note : opened.source->take_skipped()) notes.push_back(std::move(note));
            if (!got) {
                EXPECT_TRUE(opened.source->finished()) << opened.source->error();
                break;
            }
            ++played;
        }
        EXPECT_EQ(played, loop ? 3 * 37 + 5 : 37) << "every whole frame, loop " << loop;
        ASSERT_EQ(notes.size(), 1u) << "said once, loop " << loop << (notes.empty() ? "" : ": " + notes[0]);
        EXPECT_NE(
            notes[0].find(damaged.string() + ": video is damaged: 3 frames could not be decoded and were "
                                             "passed over (frames 10-12"),
            std::string::npos)
            << notes[0];
        EXPECT_EQ(notes[0].find("cut short"), std::string::npos) << notes[0];
    }
}

// Red team 32a F1: in H.264 a failed read consumes several packets and the decoder drops frames up to the
// next key frame without a failed read, so counting failed reads numbered every frame after the damage
// too early (12 frames in the red team's file) and called the whole file cut short. After damage the
// frames' own timestamps number them.
TEST(scannerCliInputs, FramesAfterDamageInAnH264VideoKeepTheirNumbers) {
    medkiosk::test::TempDir dir;
    const cv::Mat blank(480, 640, CV_8UC1, cv::Scalar(230));
    std::vector<cv::Mat> frames(300, blank);
    for (std::size_t k = 260; k < 263; ++k)
        frames[k] =
            medkiosk::test::make_still(medkiosk::test::ean13_code("690123456789"), 0, 3, 640, 480, 83);
    const fs::path whole = dir.path() / "whole.mp4";
    {
        cv::VideoWriter writer(whole.string(), cv::CAP_FFMPEG, cv::VideoWriter::fourcc('a', 'v', 'c', '1'),
                               25, blank.size());
        if (!writer.isOpened()) MEDKIOSK_CANNOT_RUN_HERE() << "no H.264 encoder in this OpenCV's FFmpeg";
        for (const cv::Mat& frame : frames) {
            cv::Mat bgr;
            cv::cvtColor(frame, bgr, cv::COLOR_GRAY2BGR);
            writer.write(bgr);
        }
    }
    std::string bytes;
    {
        std::ifstream in(whole, std::ios::binary);
        bytes.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
    }
    // 400 bytes zeroed from the start of frame 100 (its offset from the sample sizes in 'stsz', the frames
    // following 'mdat' in order), the container left whole, as the red team did.
    auto u32_at = [&bytes](std::size_t at) {
        std::uint32_t value = 0;
        for (std::size_t i = at; i < at + 4; ++i) value = value << 8 | static_cast<std::uint8_t>(bytes[i]);
        return value;
    };
    const std::size_t mdat = bytes.find("mdat");
    const std::size_t stsz = bytes.find("stsz");
    ASSERT_NE(mdat, std::string::npos);
    ASSERT_NE(stsz, std::string::npos);
    ASSERT_EQ(u32_at(stsz + 8), 0u) << "frames of one size: not what an encoder writes";
    ASSERT_EQ(u32_at(stsz + 12), 300u);
    std::size_t damage_at = mdat + 4;
    for (std::size_t k = 0; k < 100; ++k) damage_at += u32_at(stsz + 16 + 4 * k);
    ASSERT_LE(damage_at + 400, bytes.size());
    std::fill_n(bytes.begin() + static_cast<std::ptrdiff_t>(damage_at), 400, '\0');
    const fs::path damaged = dir.path() / "damaged.mp4";
    std::ofstream(damaged, std::ios::binary) << bytes;

    auto scan = [](const fs::path& video) {
        const auto result = medkiosk::test::run_ctl({"scan", "--json", video.string()});
        std::pair<long long, json> found{-1, json()};
        for (const json& line : json_lines(result.out)) {
            if (line.contains("frames")) found.second = line;
            for (const json& code : line.value("codes", json::array()))
                if (code["text"] == "6901234567892") found.first = line["frame"].get<long long>();
        }
        return found;
    };
    const auto [whole_frame, whole_summary] = scan(whole);
    ASSERT_GE(whole_frame, 260) << whole_summary;
    ASSERT_EQ(whole_summary.value("frames", 0), 300) << whole_summary;
    const auto [damaged_frame, damaged_summary] = scan(damaged);
    EXPECT_EQ(damaged_frame, whole_frame) << "the same frame as in the whole file: " << damaged_summary;
    EXPECT_EQ(damaged_summary.value("frames", 0), 300) << damaged_summary;
    EXPECT_GT(damaged_summary.value("frames_passed_over", 0), 0) << damaged_summary;
    const std::string error = damaged_summary.value("error", "");
    EXPECT_NE(error.find("video is damaged: "), std::string::npos) << error;
    EXPECT_EQ(error.find("cut short"), std::string::npos) << "the file is not cut: " << error;
}

// Red team 32a F4: a video whose first 50 frames (or all of them) cannot be decoded was said to be cut
// short with "no frame after frame -1". It has no readable frames, and when it declares more frames
// than were tried, its damaged start is named.
TEST(scannerCliInputs, AVideoWithNoDecodableFrameSaysSoAndNotThatItIsCutShort) {
    medkiosk::test::TempDir dir;
    cv::Mat picture(120, 160, CV_8UC3);
    cv::RNG(41).fill(picture, cv::RNG::UNIFORM, 0, 255);
    const fs::path damaged_start = dir.path() / "damaged-start.avi";
    write_mjpeg_video(damaged_start, std::vector<cv::Mat>(70, picture));
    zero_mjpeg_frames(damaged_start, 0, 55);
    const fs::path all_damaged = dir.path() / "all-damaged.avi";
    write_mjpeg_video(all_damaged, std::vector<cv::Mat>(30, picture));
    zero_mjpeg_frames(all_damaged, 0, 30);

    auto scan_error = [](const fs::path& video) {
        const auto result = medkiosk::test::run_ctl({"scan", "--json", video.string()});
        EXPECT_EQ(result.exit_code, 1) << result.out;
        const auto lines = json_lines(result.out);
        return lines.empty() ? std::string() : lines.back().value("error", "");
    };
    const std::string start_error = scan_error(damaged_start);
    EXPECT_NE(start_error.find("video has no readable frames: its first 50 frames could not be decoded, "
                               "of the 70 it declares, and reading stopped there"),
              std::string::npos)
        << start_error;
    EXPECT_NE(start_error.find("copy the recording again"), std::string::npos) << start_error;
    const std::string all_error = scan_error(all_damaged);
    EXPECT_NE(all_error.find("video has no readable frames: it is damaged or empty"), std::string::npos)
        << all_error;
    for (const std::string& error : {start_error, all_error}) {
        EXPECT_EQ(error.find("cut short"), std::string::npos) << error;
        EXPECT_EQ(error.find("frame -1"), std::string::npos) << error;
    }

    SourceSpec spec;
    spec.kind = SourceSpec::Kind::Video;
    spec.location = damaged_start.string();
    spec.fps = 500;
    OpenedSource opened = open_source(spec);
    ASSERT_TRUE(opened.source) << opened.error;
    EXPECT_FALSE(opened.source->next().has_value());
    EXPECT_EQ(opened.source->error(), "video " + damaged_start.string() +
                                          " has no readable frames: its first 50 frames could not be "
                                          "decoded, of the 70 it declares, and reading stopped there (frames "
                                          "after them may be whole but are not reached): copy the recording "
                                          "again, or record it again.");
}

// Red team 32a F7: the kiosk said a 0-byte video was an MP4 with no index ('moov' box), whatever its
// name; scan said it was empty. Both say it is empty, in the same words; a few bytes of something else
// are not called an MP4 either.
TEST(scannerCliInputs, AnEmptyVideoIsSaidToBeEmptyByTheKioskAsByScan) {
    medkiosk::test::TempDir dir;
    const fs::path empty_avi = dir.path() / "empty.avi";
    const fs::path empty_mp4 = dir.path() / "empty.mp4";
    const fs::path tiny = dir.path() / "tiny.mp4";
    std::ofstream(empty_avi).close();
    std::ofstream(empty_mp4).close();
    std::ofstream(tiny) << "hello";
    auto kiosk_error = [](const fs::path& video) {
        SourceSpec spec;
        spec.kind = SourceSpec::Kind::Video;
        spec.location = video.string();
        OpenedSource opened = open_source(spec);
        EXPECT_FALSE(opened.source) << video;
        return opened.error;
    };
    const std::string said_empty =
        "the file is empty (0 bytes): the copy or download did not finish; copy the recording again";
    for (const fs::path& empty : {empty_avi, empty_mp4}) {
        EXPECT_EQ(kiosk_error(empty), "video " + empty.string() + " could not be opened: " + said_empty);
        const auto scanned = medkiosk::test::run_ctl({"scan", "--json", empty.string()});
        const auto lines = json_lines(scanned.out);
        ASSERT_EQ(lines.size(), 1u) << scanned.out;
        EXPECT_EQ(lines[0].value("error", ""), said_empty) << "the same words as scan";
    }
    EXPECT_EQ(kiosk_error(tiny).find("moov"), std::string::npos) << kiosk_error(tiny);
}

// Red team 32a F8: a looping video replaced while it was played ended with "could not be reopened at its
// end." (no reason, no advice), or with "(replaced or damaged while it was being played) (damaged or
// empty)". Each says why and what to do, once.
TEST(scannerCliInputs, AVideoChangedWhileItLoopsSaysWhyItCannotBePlayedAgain) {
    medkiosk::test::TempDir dir;
    cv::Mat picture(120, 160, CV_8UC3);
    cv::RNG(43).fill(picture, cv::RNG::UNIFORM, 0, 255);
    const fs::path whole = dir.path() / "whole.avi";
    write_mjpeg_video(whole, std::vector<cv::Mat>(8, picture));
    const fs::path all_damaged = dir.path() / "all-damaged.avi";
    write_mjpeg_video(all_damaged, std::vector<cv::Mat>(8, picture));
    zero_mjpeg_frames(all_damaged, 0, 8);

    // Plays a copy of `whole` in a loop, puts `change` in its place after 3 frames, and returns the
    // source's error once it stops.
    auto error_after = [&](const std::function<void(const fs::path&)>& change) {
        const fs::path playing = dir.path() / "playing.avi";
        fs::copy_file(whole, playing, fs::copy_options::overwrite_existing);
        SourceSpec spec;
        spec.kind = SourceSpec::Kind::Video;
        spec.location = playing.string();
        spec.loop = true;
        spec.fps = 500;
        OpenedSource opened = open_source(spec);
        EXPECT_TRUE(opened.source) << opened.error;
        if (!opened.source) return std::string();
        for (int i = 0; i < 40; ++i) {
            if (i == 3) change(playing);
            if (!opened.source->next()) return opened.source->error();
        }
        ADD_FAILURE() << "still playing after the change";
        return std::string();
    };
    const std::string text = error_after([](const fs::path& to) {
        std::ofstream(to, std::ios::binary | std::ios::trunc) << "not a video at all";
    });
    EXPECT_NE(text.find("could not be opened again to play it from its start: it was replaced while it "
                        "was being played by a file that is damaged or not a video OpenCV here can decode; "
                        "put the recording back or choose another video."),
              std::string::npos)
        << text;
    const std::string removed = error_after([](const fs::path& to) { fs::remove(to); });
    EXPECT_NE(removed.find("it is now no such file, so it was moved or deleted"), std::string::npos)
        << removed;
    const std::string damaged = error_after(
        [&](const fs::path& to) { fs::copy_file(all_damaged, to, fs::copy_options::overwrite_existing); });
    EXPECT_NE(damaged.find("has no readable frames any more, so it was replaced or damaged while it was "
                           "being played: it is damaged or empty"),
              std::string::npos)
        << damaged;
    for (const std::string& error : {text, removed, damaged})
        EXPECT_EQ(error.find(") ("), std::string::npos) << error;
}

TEST(scannerCliInputs, ParseRefusesFloodsUnreadAndDoesNotEchoThem) {
    std::string flood = "]d20109520123456788";
    while (flood.size() < 10u * 1024 * 1024) flood += "10ABC\x1d";
    const std::string input = flood + "\n" + std::string(100000, '\x1d') + "\r\n" + "]E06901234567892\n";
    const auto result = medkiosk::test::run_ctl({"parse", "--json"}, input);
    EXPECT_EQ(result.exit_code, 1) << result.err;
    EXPECT_LT(result.out.size(), 4096u) << "a flood is not echoed back";
    const auto lines = json_lines(result.out);
    ASSERT_EQ(lines.size(), 3u);
    EXPECT_EQ(lines[0]["error_kind"], "too-long");
    EXPECT_EQ(lines[0]["input_bytes"], flood.size());
    EXPECT_EQ(lines[0]["input"].get<std::string>().substr(0, 19), "]d20109520123456788");
    EXPECT_NE(lines[0]["error"].get<std::string>().find(std::to_string(kMaxScanBytes)), std::string::npos);
    EXPECT_EQ(lines[1]["error_kind"], "too-long");
    EXPECT_EQ(lines[1]["input_bytes"], 100000);
    EXPECT_EQ(lines[2]["ok"], true);
    EXPECT_EQ(lines[2]["gtin"], "06901234567892");
}

}  // namespace
