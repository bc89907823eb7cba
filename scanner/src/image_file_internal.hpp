#pragma once
// read_image_file, then decoded by OpenCV from memory: for the sources inside the scanner library.

#include <cstdint>
#include <filesystem>
#include <opencv2/core.hpp>
#include <string>
#include <string_view>
#include <variant>

namespace medkiosk::scanner::detail {

struct DecodedImage {
    cv::Mat image;
    std::string damage;  // ImageFile::damage: the image is only what came before a cut
};

// `imread_flags` as cv::imdecode takes them (cv::IMREAD_COLOR, cv::IMREAD_GRAYSCALE).
std::variant<DecodedImage, std::string> decode_image_file(const std::filesystem::path& path,
                                                          std::uint64_t max_pixels,
                                                          std::string_view limit_advice, int imread_flags);

}  // namespace medkiosk::scanner::detail
