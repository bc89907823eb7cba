// Header parsing follows each format's published layout: PNG's IHDR chunk, JPEG's SOFn segment (after
// any APPn/EXIF segments), BMP's DIB header, WebP's VP8/VP8L/VP8X chunk.

#include "medkiosk/scanner/image_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdlib>
#include <fstream>
#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>
#include <system_error>

#include "image_file_internal.hpp"

namespace medkiosk::scanner {
namespace fs = std::filesystem;
namespace {

std::string lower_extension(const fs::path& path) {
    std::string ext = path.extension().string();
    std::transform(ext.begin(), ext.end(), ext.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return ext;
}

std::uint32_t big_endian(std::string_view bytes, std::size_t at, int count) {
    std::uint32_t value = 0;
    for (int i = 0; i < count; ++i) value = value << 8 | static_cast<std::uint8_t>(bytes[at + i]);
    return value;
}

std::uint32_t little_endian(std::string_view bytes, std::size_t at, int count) {
    std::uint32_t value = 0;
    for (int i = count - 1; i >= 0; --i) value = value << 8 | static_cast<std::uint8_t>(bytes[at + i]);
    return value;
}

bool starts_with(std::string_view bytes, std::string_view prefix) {
    return bytes.substr(0, prefix.size()) == prefix;
}

std::string errno_text(int error) {
    return std::error_code(error, std::generic_category()).message();
}

std::variant<ImageSize, std::string> sized(const char* format, std::uint64_t width, std::uint64_t height) {
    if (width == 0 || height == 0 || width > 0x7fffffff || height > 0x7fffffff)
        return std::string(format) + " header declares an impossible size " + std::to_string(width) + "x" +
               std::to_string(height);
    return ImageSize{format, static_cast<int>(width), static_cast<int>(height)};
}

std::variant<ImageSize, std::string> jpeg_size(std::string_view bytes) {
    std::size_t at = 2;
    while (at + 4 <= bytes.size()) {
        if (static_cast<std::uint8_t>(bytes[at]) != 0xFF) return std::string("JPEG segments are damaged");
        const auto marker = static_cast<std::uint8_t>(bytes[at + 1]);
        if (marker == 0xFF) {  // fill byte
            ++at;
            continue;
        }
        if (marker == 0xD8 || marker == 0x01 || (marker >= 0xD0 && marker <= 0xD7)) {  // no length
            at += 2;
            continue;
        }
        if (marker == 0xD9 || marker == 0xDA) break;  // end or image data before any frame header
        const std::uint32_t length = big_endian(bytes, at + 2, 2);
        if (length < 2) return std::string("JPEG segments are damaged");
        const bool frame_header =
            marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC;
        if (frame_header) {
            if (at + 9 > bytes.size()) break;
            return sized("JPEG", big_endian(bytes, at + 7, 2), big_endian(bytes, at + 5, 2));
        }
        at += 2 + length;
    }
    return std::string("JPEG has no frame header (truncated or damaged)");
}

std::variant<ImageSize, std::string> webp_size(std::string_view bytes) {
    if (bytes.size() < 30) return std::string("WebP header is truncated");
    const std::string_view chunk = bytes.substr(12, 4);
    if (chunk == "VP8 ") {
        if (big_endian(bytes, 23, 3) != 0x9D012A) return std::string("WebP (VP8) frame header is damaged");
        return sized("WebP", little_endian(bytes, 26, 2) & 0x3FFF, little_endian(bytes, 28, 2) & 0x3FFF);
    }
    if (chunk == "VP8L") {
        if (static_cast<std::uint8_t>(bytes[20]) != 0x2F)
            return std::string("WebP (lossless) header is damaged");
        const std::uint32_t bits = little_endian(bytes, 21, 4);
        return sized("WebP", (bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1);
    }
    if (chunk == "VP8X")
        return sized("WebP", std::uint64_t{little_endian(bytes, 24, 3)} + 1,
                     std::uint64_t{little_endian(bytes, 27, 3)} + 1);
    return std::string("WebP holds no image chunk it can be read from");
}

// How many scans (SOS segments) a JPEG holds, walking its segments and skipping each scan's entropy
// data, where a 0xFF byte is always stuffed (FF 00) or a restart marker (FF D0..D7): any other FF xx
// there is the next marker. A thumbnail inside an APP segment is skipped with its segment. Stops
// early once more than `enough` are found, or at damage (the decoder then says what is wrong).
std::size_t count_jpeg_scans(std::string_view bytes, std::size_t enough) {
    std::size_t scans = 0;
    std::size_t at = 2;
    while (at + 2 <= bytes.size() && scans <= enough) {
        if (static_cast<std::uint8_t>(bytes[at]) != 0xFF) break;
        const auto marker = static_cast<std::uint8_t>(bytes[at + 1]);
        if (marker == 0xFF) {  // fill byte
            ++at;
            continue;
        }
        if (marker == 0xD9) break;
        if (marker == 0xD8 || marker == 0x01 || (marker >= 0xD0 && marker <= 0xD7)) {
            at += 2;
            continue;
        }
        if (at + 4 > bytes.size()) break;
        const std::uint32_t length = big_endian(bytes, at + 2, 2);
        if (length < 2) break;
        at += 2 + length;
        if (marker != 0xDA) continue;
        ++scans;
        while (at + 1 < bytes.size()) {
            const auto next = static_cast<std::uint8_t>(bytes[at + 1]);
            if (static_cast<std::uint8_t>(bytes[at]) == 0xFF && next != 0x00 &&
                !(next >= 0xD0 && next <= 0xD7))
                break;
            ++at;
        }
    }
    return scans;
}

// Whether the segments lead to the end-of-image marker. Stray bytes between segments are passed over as
// libjpeg passes them over (to the next 0xFF), so only a file that stops before its end is refused.
bool jpeg_reaches_end(std::string_view bytes) {
    std::size_t at = 2;
    while (at + 2 <= bytes.size()) {
        if (static_cast<std::uint8_t>(bytes[at]) != 0xFF) {
            at = bytes.find('\xFF', at);
            if (at == std::string_view::npos) return false;
            continue;
        }
        const auto marker = static_cast<std::uint8_t>(bytes[at + 1]);
        if (marker == 0xFF) {  // fill byte
            ++at;
            continue;
        }
        if (marker == 0xD9) return true;
        if (marker == 0xD8 || marker == 0x01 || (marker >= 0xD0 && marker <= 0xD7) || marker == 0x00) {
            at += 2;
            continue;
        }
        if (at + 4 > bytes.size()) return false;
        const std::uint32_t length = big_endian(bytes, at + 2, 2);
        if (length < 2 || at + 2 + length > bytes.size()) return false;
        at += 2 + length;
        if (marker != 0xDA) continue;
        // Entropy-coded data: an FF there is stuffed (FF 00) or a restart marker, else the next marker.
        for (at = bytes.find('\xFF', at); at != std::string_view::npos && at + 1 < bytes.size();
             at = bytes.find('\xFF', at + 1)) {
            const auto next = static_cast<std::uint8_t>(bytes[at + 1]);
            if (next != 0x00 && !(next >= 0xD0 && next <= 0xD7)) break;
        }
        if (at == std::string_view::npos) return false;
    }
    return false;
}

std::string printable_box(const std::string& type) {
    std::string out;
    for (char c : type) out += std::isprint(static_cast<unsigned char>(c)) ? c : '?';
    return out;
}

// For the message: what the file is when it is none of the four.
std::string other_format(std::string_view bytes) {
    if (starts_with(bytes, "GIF8")) return " (it is a GIF)";
    if (starts_with(bytes, std::string_view("II*\0", 4)) || starts_with(bytes, std::string_view("MM\0*", 4)))
        return " (it is a TIFF)";
    if (bytes.size() > 2 && bytes[0] == 'P' && bytes[1] >= '1' && bytes[1] <= '7') return " (it is a PNM)";
    if (starts_with(bytes, std::string_view("\0\0\0\x0cjP", 6)) || starts_with(bytes, "\xFF\x4F\xFF\x51"))
        return " (it is a JPEG 2000)";
    if (starts_with(bytes, "v/1\x01")) return " (it is an OpenEXR)";
    if (starts_with(bytes, "#?RADIANCE") || starts_with(bytes, "#?RGBE")) return " (it is a Radiance HDR)";
    const std::string_view start = bytes.substr(0, 64);
    if (std::all_of(start.begin(), start.end(), [](char c) {
            return std::isprint(static_cast<unsigned char>(c)) || std::isspace(static_cast<unsigned char>(c));
        }))
        return " (it is text)";
    return {};
}

}  // namespace

bool has_image_extension(const fs::path& path) {
    const std::string ext = lower_extension(path);
    return ext == ".png" || ext == ".jpg" || ext == ".jpeg" || ext == ".bmp" || ext == ".webp";
}

bool has_video_extension(const fs::path& path) {
    const std::string ext = lower_extension(path);
    return ext == ".mp4" || ext == ".avi" || ext == ".mkv" || ext == ".mov" || ext == ".webm";
}

std::string why_not_a_regular_file(const fs::path& path) {
    struct stat target {};
    if (::stat(path.c_str(), &target) != 0) {
        const int error = errno;
        struct stat link {};
        if (error == ELOOP) return "a symbolic link that leads back to itself (a link loop)";
        if (::lstat(path.c_str(), &link) == 0 && S_ISLNK(link.st_mode)) {
            std::error_code ec;
            const fs::path to = fs::read_symlink(path, ec);
            return "a symbolic link to " + (ec ? std::string("a missing file") : to.string()) +
                   ", which does not exist (dangling link)";
        }
        return error == ENOENT ? std::string("no such file") : "cannot be looked at: " + errno_text(error);
    }
    if (S_ISREG(target.st_mode)) return {};
    if (S_ISDIR(target.st_mode)) return "a folder, not a file";
    if (S_ISFIFO(target.st_mode)) return "a FIFO (named pipe), not a file: reading it could wait for ever";
    if (S_ISSOCK(target.st_mode)) return "a socket, not a file";
    if (S_ISCHR(target.st_mode) || S_ISBLK(target.st_mode)) return "a device, not a file";
    return "not a regular file";
}

std::variant<ImageSize, std::string> read_image_size(std::string_view bytes) {
    if (starts_with(bytes, "\x89PNG\r\n\x1a\n")) {
        if (bytes.size() < 24 || bytes.substr(12, 4) != "IHDR")
            return std::string("PNG header is truncated or damaged");
        return sized("PNG", big_endian(bytes, 16, 4), big_endian(bytes, 20, 4));
    }
    if (starts_with(bytes, "\xFF\xD8\xFF")) return jpeg_size(bytes);
    if (starts_with(bytes, "BM")) {
        if (bytes.size() < 26) return std::string("BMP header is truncated");
        if (little_endian(bytes, 14, 4) == 12)  // OS/2 core header: 16-bit sizes
            return sized("BMP", little_endian(bytes, 18, 2), little_endian(bytes, 20, 2));
        const auto width = static_cast<std::int32_t>(little_endian(bytes, 18, 4));
        const auto height = static_cast<std::int32_t>(little_endian(bytes, 22, 4));  // negative: top-down
        return sized("BMP", static_cast<std::uint64_t>(std::abs(static_cast<std::int64_t>(width))),
                     static_cast<std::uint64_t>(std::abs(static_cast<std::int64_t>(height))));
    }
    if (starts_with(bytes, "RIFF") && bytes.size() >= 12 && bytes.substr(8, 4) == "WEBP")
        return webp_size(bytes);
    if (bytes.empty())
        return std::string("the file is empty (0 bytes): the copy or download did not finish; copy it again");
    return "not a PNG, JPEG, BMP or WebP image" + other_format(bytes) +
           ", whatever its name says: save or convert it as PNG or JPEG and use that copy";
}

std::string check_image_pixels(const ImageSize& size, std::uint64_t max_pixels, std::string_view advice) {
    const std::uint64_t pixels = std::uint64_t(size.width) * std::uint64_t(size.height);
    if (pixels <= max_pixels) return {};
    const auto megapixels = [](std::uint64_t count) {
        return count >= 1'000'000 ? std::to_string(count / 1'000'000) + " MP"
                                  : std::to_string(count) + " pixels";
    };
    std::string message = size.format + " declares " + std::to_string(size.width) + "x" +
                          std::to_string(size.height) + " pixels (" + megapixels(pixels) +
                          "), more than the limit of " + megapixels(max_pixels) + ": not decoded";
    if (!advice.empty()) {
        message += " (";
        message += advice;
        message += ')';
    }
    return message;
}

std::size_t max_jpeg_scans(const ImageSize& size) {
    const std::uint64_t pixels =
        std::max<std::uint64_t>(1, std::uint64_t(size.width) * std::uint64_t(size.height));
    return static_cast<std::size_t>(
        std::clamp<std::uint64_t>(kMaxJpegScanPixels / pixels, kMinJpegScanLimit, kMaxJpegScans));
}

std::string check_jpeg_scans(std::string_view bytes, const ImageSize& size) {
    const std::size_t limit = max_jpeg_scans(size);
    if (count_jpeg_scans(bytes, limit) <= limit) return {};
    return "JPEG holds more than " + std::to_string(limit) + " scans at " + std::to_string(size.width) + "x" +
           std::to_string(size.height) +
           " (a normal progressive JPEG has about 10; each scan is decoded over the whole image): not "
           "decoded";
}

std::string check_jpeg_complete(std::string_view bytes) {
    if (jpeg_reaches_end(bytes)) return {};
    return "JPEG is cut short (truncated): the file stops before its end-of-image marker, so only the part "
           "before the cut could be decoded; copy the photo again from the camera or phone";
}

std::string check_png_complete(std::string_view bytes) {
    // Chunks after the 8-byte signature: length (4), type (4), data, CRC (4).
    for (std::size_t at = 8; at + 8 <= bytes.size();) {
        if (bytes.substr(at + 4, 4) == "IEND") return {};
        at += 12 + std::size_t{big_endian(bytes, at, 4)};
    }
    return "PNG is cut short (truncated): the file stops before its end chunk (IEND), so at most the part "
           "before the cut could be decoded; copy the image again from where it came from";
}

std::variant<ImageFile, std::string> read_image_file(const fs::path& path, std::uint64_t max_pixels,
                                                     std::string_view limit_advice) {
    // O_NONBLOCK: opening a FIFO must not wait for a writer; what was opened is judged by fstat, so
    // the file cannot be swapped between the check and the read.
    const int fd = ::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
    if (fd < 0) {
        const int error = errno;
        if (std::string why = why_not_a_regular_file(path); !why.empty()) return why;
        return "cannot be opened: " + errno_text(error);
    }
    struct Closer {
        int fd;
        ~Closer() { ::close(fd); }
    } closer{fd};
    struct stat info {};
    if (::fstat(fd, &info) != 0) return "cannot be looked at: " + errno_text(errno);
    if (!S_ISREG(info.st_mode)) return why_not_a_regular_file(path);
    // No image within the limit is larger than four bytes a pixel plus room for metadata.
    const std::uint64_t max_bytes = max_pixels * 4 + (std::uint64_t{16} << 20);
    if (static_cast<std::uint64_t>(info.st_size) > max_bytes)
        return "is " + std::to_string(info.st_size >> 20) + " MB, larger than any image of at most " +
               std::to_string(max_pixels / 1'000'000) + " MP: not read";
    ImageFile image;
    image.bytes.resize(static_cast<std::size_t>(info.st_size));
    std::size_t got = 0;
    while (got < image.bytes.size()) {
        const ssize_t n = ::read(fd, image.bytes.data() + got, image.bytes.size() - got);
        if (n < 0 && (errno == EINTR || errno == EAGAIN)) continue;
        if (n < 0) return "cannot be read: " + errno_text(errno);
        if (n == 0) break;  // shrank while being read
        got += static_cast<std::size_t>(n);
    }
    image.bytes.resize(got);
    auto size = read_image_size(
        std::string_view(reinterpret_cast<const char*>(image.bytes.data()), image.bytes.size()));
    if (const auto* error = std::get_if<std::string>(&size)) return *error;
    image.size = std::get<ImageSize>(size);
    if (std::string error = check_image_pixels(image.size, max_pixels, limit_advice); !error.empty())
        return error;
    const std::string_view bytes(reinterpret_cast<const char*>(image.bytes.data()), image.bytes.size());
    if (image.size.format == "JPEG") {
        if (std::string error = check_jpeg_scans(bytes, image.size); !error.empty()) return error;
        image.damage = check_jpeg_complete(bytes);
    } else if (image.size.format == "PNG") {
        image.damage = check_png_complete(bytes);
    }
    return image;
}

std::string check_video_not_empty(const fs::path& path) {
    std::error_code ec;
    if (fs::file_size(path, ec) != 0 || ec) return {};
    return "the file is empty (0 bytes): the copy or download did not finish; copy the recording again";
}

std::string check_mp4_boxes(const fs::path& path) {
    std::ifstream file(path, std::ios::binary);
    std::error_code ec;
    const std::uintmax_t size = fs::file_size(path, ec);
    if (!file || ec) return {};
    // Without this, a file of no boxes at all read as an MP4 with no index.
    if (size < 8) return check_video_not_empty(path);
    bool moov = false;
    std::uintmax_t at = 0;
    for (int box = 0; at + 8 <= size; ++box) {
        std::string header(16, '\0');
        file.seekg(static_cast<std::streamoff>(at));
        if (!file.read(header.data(), 8)) return {};
        const std::string type = header.substr(4, 4);
        if (box == 0 && type != "ftyp") return {};  // not an ISO media file: OpenCV says enough
        std::uint64_t length = big_endian(header, 0, 4);
        if (length == 1) {  // a 64-bit size follows the type
            if (!file.read(header.data() + 8, 8)) return {};
            length = std::uint64_t{big_endian(header, 8, 4)} << 32 | big_endian(header, 12, 4);
        } else if (length == 0) {  // runs to the end of the file
            length = size - at;
        }
        if (length < 8) return "MP4 is damaged: its box '" + printable_box(type) + "' has an impossible size";
        if (type == "moov") moov = true;
        if (length > size - at)
            return "MP4 is cut short (truncated): its '" + printable_box(type) + "' box needs " +
                   std::to_string(length) + " bytes but the file ends after " + std::to_string(size - at) +
                   "; copy the recording again";
        at += length;
    }
    if (!moov)
        return "MP4 has no index ('moov' box): the recording was never finished (the camera stopped or "
               "lost power while recording) or the file is cut short; copy or record it again";
    return {};
}

std::string check_video_frame_count(long long frames_reached, double frames_declared) {
    if (!(frames_declared > 0) || frames_declared > 1e9) return {};  // not declared, or nonsense
    const auto declared = static_cast<long long>(frames_declared + 0.5);
    if (frames_reached + 1 + declared / 100 >= declared) return {};
    return "video is cut short (truncated or damaged): no frame after frame " +
           std::to_string(frames_reached - 1) + " (counted from 0) could be read, of the " +
           std::to_string(declared) + " it declares, so codes in the last " +
           std::to_string(declared - frames_reached) + " frames were not seen; copy the recording again";
}

namespace detail {

std::variant<DecodedImage, std::string> decode_image_file(const fs::path& path, std::uint64_t max_pixels,
                                                          std::string_view limit_advice, int imread_flags) {
    auto file = read_image_file(path, max_pixels, limit_advice);
    if (auto* error = std::get_if<std::string>(&file)) return std::move(*error);
    const ImageFile& image = std::get<ImageFile>(file);
    cv::Mat decoded;
    try {
        decoded = cv::imdecode(cv::Mat(1, static_cast<int>(image.bytes.size()), CV_8UC1,
                                       const_cast<std::uint8_t*>(image.bytes.data())),
                               imread_flags);
    } catch (const cv::Exception& e) {
        return std::string(image.size.format) + " could not be decoded: " + e.what();
    }
    if (decoded.empty()) {
        if (!image.damage.empty())
            return image.size.format +
                   " is cut short (truncated), and not even the part before the cut could be decoded: copy "
                   "it again from the camera or phone (or wherever it came from)";
        return image.size.format +
               " could not be decoded: its data is damaged although its header is whole; copy it again, or "
               "open it in an image viewer and save it again as PNG or JPEG";
    }
    if (std::uint64_t(decoded.cols) * std::uint64_t(decoded.rows) > max_pixels)  // a header that lied
        return check_image_pixels(ImageSize{image.size.format, decoded.cols, decoded.rows}, max_pixels,
                                  limit_advice);
    return DecodedImage{std::move(decoded), image.damage};
}

}  // namespace detail

std::variant<GreyImage, std::string> load_grey_image(const fs::path& path, std::uint64_t max_pixels,
                                                     std::string_view limit_advice) {
    auto decoded = detail::decode_image_file(path, max_pixels, limit_advice, cv::IMREAD_GRAYSCALE);
    if (auto* error = std::get_if<std::string>(&decoded)) return std::move(*error);
    const cv::Mat& grey = std::get<detail::DecodedImage>(decoded).image;
    GreyImage image;
    image.damage = std::move(std::get<detail::DecodedImage>(decoded).damage);
    image.width = grey.cols;
    image.height = grey.rows;
    image.pixels.resize(grey.total());
    for (int y = 0; y < grey.rows; ++y)
        std::copy(grey.ptr<std::uint8_t>(y), grey.ptr<std::uint8_t>(y) + grey.cols,
                  image.pixels.begin() + static_cast<std::ptrdiff_t>(y) * grey.cols);
    return image;
}

}  // namespace medkiosk::scanner
