#pragma once
// Image files read safely, for `medkioskctl scan` and the kiosk's images: source: only regular files
// (a FIFO named x.png would block the reader for ever), only PNG, JPEG, BMP and WebP as their bytes say
// (not their names), and the size an image declares checked before anything is decoded, so a small
// file declaring 30000×30000 pixels costs a few bytes read instead of gigabytes.

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace medkiosk::scanner {

// 50 megapixels: well above 4K video (8.3 MP) and any phone camera; a 30000×30000 bomb is 900 MP.
inline constexpr std::uint64_t kDefaultMaxImagePixels = 50'000'000;

bool has_image_extension(const std::filesystem::path& path);  // png, jpg, jpeg, bmp, webp
bool has_video_extension(const std::filesystem::path& path);  // mp4, avi, mkv, mov, webm

// Why `path` is not something to read (missing, a dangling link, a folder, a FIFO, a device, a
// socket), following links; empty for a regular file.
std::string why_not_a_regular_file(const std::filesystem::path& path);

struct ImageSize {
    std::string format;  // "PNG", "JPEG", "BMP", "WebP"
    int width = 0;
    int height = 0;
};

// The format and size an image declares in its first bytes; an error for anything else.
std::variant<ImageSize, std::string> read_image_size(std::string_view bytes);

// "declares 30000x30000 pixels (900 MP), more than the limit of 50 MP: not decoded (`advice`)", or
// empty when within it. `advice` is what the reader of the message can do about a genuine image that
// large where the message is shown (an option of the command, a smaller copy on the kiosk): the same
// limit is met on the command line and on the kiosk's screen, where no option can be given.
std::string check_image_pixels(const ImageSize& size, std::uint64_t max_pixels, std::string_view advice);

// A progressive JPEG is decoded scan by scan, each over the whole image: thousands of repeated scans
// in a 2 MB file kept libjpeg busy for minutes at 7000x7000. A normal progressive JPEG has about 10
// (simple progression), hand-tuned scan scripts a few dozen. So at most kMaxJpegScans scans, and fewer
// for a big image: scans x pixels within kMaxJpegScanPixels (20 scans at 50 MP, 100 up to 10 MP).
inline constexpr std::size_t kMaxJpegScans = 100;
inline constexpr std::size_t kMinJpegScanLimit = 20;
inline constexpr std::uint64_t kMaxJpegScanPixels = 1'000'000'000;
std::size_t max_jpeg_scans(const ImageSize& size);

// "JPEG holds more than 100 scans …" for a JPEG (whole file in `bytes`, declaring `size`) with more
// than max_jpeg_scans(size), or empty.
std::string check_jpeg_scans(std::string_view bytes, const ImageSize& size);

// Empty for a JPEG whose segments lead to its end-of-image marker; else says it is cut short. libjpeg
// decodes a cut JPEG without an error, greying out what is missing, so only this tells a half-copied
// photo from a whole one.
std::string check_jpeg_complete(std::string_view bytes);

// Empty for a PNG whose chunks lead to its end chunk (IEND); else says it is cut short. libpng refuses
// a cut PNG with the same error as a damaged one.
std::string check_png_complete(std::string_view bytes);

struct ImageFile {
    std::vector<std::uint8_t> bytes;  // the whole file, to decode from memory (never the path again)
    ImageSize size;
    std::string damage;  // non-empty: the file is cut short, so it decodes only in part; says why
};

// Reads an image file whole: refused before reading when it is not a regular file or bigger than an
// image within `max_pixels` can be, and before decoding when its header is not one of the four
// formats or declares more than `max_pixels`, or it is a JPEG with more than kMaxJpegScans scans. The error
// says why, for a technician; `limit_advice` ends the one for too many pixels (see check_image_pixels).
std::variant<ImageFile, std::string> read_image_file(const std::filesystem::path& path,
                                                     std::uint64_t max_pixels, std::string_view limit_advice);

// "the file is empty (0 bytes) …" for a video file of no bytes, else empty: said before anything else,
// since OpenCV cannot open it and the container checks would guess at why.
std::string check_video_not_empty(const std::filesystem::path& path);

// Why an MP4/MOV file is damaged, read from its top-level boxes: one running past the end of the file
// (cut short), or no 'moov' box (the index, written when recording stops: a recording never finished).
// Empty when the boxes are whole or the file is not an MP4/MOV. For the message when OpenCV cannot open
// it, which otherwise only says "moov atom not found" in FFmpeg's log.
std::string check_mp4_boxes(const std::filesystem::path& path);

// A video that stopped before the frames its header declares (a copy cut short, a damaged recording):
// "video is cut short …", or empty when `frames_reached` (VideoFrameTally::frames(): the frames read
// and those passed over between them) is all of them. Container frame counts estimated from the
// duration (Matroska, WebM) may be a frame off, so a shortfall of 1 frame plus 1% is allowed.
std::string check_video_frame_count(long long frames_reached, double frames_declared);

struct GreyImage {
    int width = 0;
    int height = 0;
    std::vector<std::uint8_t> pixels;  // row stride = width
    std::string damage;                // as ImageFile::damage: decoded in part, and why
};

// read_image_file, then decoded to 8-bit grey (EXIF orientation applied).
std::variant<GreyImage, std::string> load_grey_image(const std::filesystem::path& path,
                                                     std::uint64_t max_pixels, std::string_view limit_advice);

}  // namespace medkiosk::scanner
