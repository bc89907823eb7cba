#pragma once
// Where frames come from: a V4L2 camera, a video file, a folder of images, or the built-in demo.

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "medkiosk/scanner/frame.hpp"
#include "medkiosk/scanner/image_file.hpp"

namespace medkiosk::scanner {

struct SourceSpec {
    enum class Kind { Camera, Video, Images, Demo };
    Kind kind = Kind::Demo;
    std::string location;  // camera index ("0") or device path ("/dev/video2"); file or folder path
    int width = 0;         // requested resolution, 0 = the device's default
    int height = 0;
    double fps = 0;    // pacing for files and the demo; 0 = the source's own rate (demo: 30)
    bool loop = true;  // files and folders start again at the end
    // Images and videos declaring more pixels than this are refused before they are decoded.
    std::uint64_t max_image_pixels = kDefaultMaxImagePixels;
};

// Parses "demo", "camera:0", "camera:/dev/video2", "video:clip.mp4", "images:dir", optionally with
// "@1280x720" appended. Returns an error message naming the accepted forms.
std::variant<SourceSpec, std::string> parse_source_spec(std::string_view text);
std::string describe(const SourceSpec& spec);

// The spec to use when none was configured: the first camera when /dev/video* exists, else the demo.
SourceSpec default_source_spec();

class FrameSource {
  public:
    virtual ~FrameSource() = default;
    // Blocks until the next frame is ready (paced to the source's rate). nullopt at the end of a
    // non-looping file (finished() is then true), or when the source failed; error() then says why.
    virtual std::optional<Frame> next() = 0;
    virtual std::string error() const = 0;
    virtual std::string name() const = 0;
    // True only once a non-looping file or folder delivered its last frame: the one way a source ends
    // without a fault. Every other end of frames is a failure, and the source is opened again.
    virtual bool finished() const { return false; }
    // Files passed over, or read only up to a cut, since the last call ("PATH: why"), each said once,
    // for the log.
    virtual std::vector<std::string> take_skipped() { return {}; }
};

struct OpenedSource {
    std::unique_ptr<FrameSource> source;  // null on failure
    std::string error;                    // names the device and the fix when source is null
};

OpenedSource open_source(const SourceSpec& spec);

}  // namespace medkiosk::scanner
