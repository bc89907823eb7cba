// Camera (V4L2), video file and image folder sources on OpenCV; all errors become messages.

#include "medkiosk/scanner/frame_source.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <opencv2/videoio.hpp>
#include <set>
#include <system_error>
#include <utility>
#include <vector>

#include "image_file_internal.hpp"
#include "medkiosk/scanner/demo_source.hpp"
#include "medkiosk/scanner/image_file.hpp"
#include "medkiosk/scanner/video_frames.hpp"
#include "pacer.hpp"

namespace medkiosk::scanner {
namespace fs = std::filesystem;

namespace {

constexpr std::string_view kAcceptedForms =
    "accepted forms: demo, camera:N, camera:/dev/videoN, video:PATH, images:DIR, each optionally followed by "
    "@WIDTHxHEIGHT (e.g. camera:0@1280x720)";

// Ends the message for an image or video over the pixel limit. It is shown on the kiosk (the technician
// screen, the log), where no command-line option can raise the limit.
constexpr std::string_view kSmallerImage =
    "the kiosk has no setting for this limit: put a smaller copy of the image in the folder instead, e.g. "
    "scaled to 4000x3000";
constexpr std::string_view kSmallerVideo =
    "the kiosk has no setting for this limit: choose a smaller video on the technician screen, e.g. one "
    "recorded or converted at 1920x1080";

std::optional<Frame> to_frame(const cv::Mat& bgr, std::uint64_t sequence) {
    if (bgr.empty()) return std::nullopt;
    cv::Mat rgb;
    if (bgr.channels() == 1)
        cv::cvtColor(bgr, rgb, cv::COLOR_GRAY2RGB);
    else if (bgr.channels() == 4)
        cv::cvtColor(bgr, rgb, cv::COLOR_BGRA2RGB);
    else
        cv::cvtColor(bgr, rgb, cv::COLOR_BGR2RGB);
    if (rgb.depth() != CV_8U) rgb.convertTo(rgb, CV_8U);
    if (!rgb.isContinuous()) rgb = rgb.clone();
    Frame frame;
    frame.width = rgb.cols;
    frame.height = rgb.rows;
    frame.rgb.assign(rgb.data, rgb.data + rgb.total() * 3);
    frame.sequence = sequence;
    frame.captured = std::chrono::steady_clock::now();
    return frame;
}

std::string camera_device_path(const std::string& location) {
    if (!location.empty() &&
        std::all_of(location.begin(), location.end(), [](unsigned char c) { return std::isdigit(c); }))
        return "/dev/video" + location;
    return location;
}

class CameraSource final : public FrameSource {
  public:
    CameraSource(cv::VideoCapture capture, std::string device)
        : capture_(std::move(capture)), device_(std::move(device)) {}
    std::optional<Frame> next() override {
        cv::Mat image;
        try {
            if (!capture_.read(image) || image.empty()) {
                error_ = "camera " + device_ +
                         " stopped delivering frames (unplugged?). Check the cable and `ls /dev/video*`.";
                return std::nullopt;
            }
        } catch (const cv::Exception& e) {
            error_ = "camera " + device_ + " failed: " + e.what();
            return std::nullopt;
        }
        return to_frame(image, ++sequence_);
    }
    std::string error() const override { return error_; }
    std::string name() const override { return "camera " + device_; }

  private:
    cv::VideoCapture capture_;
    std::string device_;
    std::string error_;
    std::uint64_t sequence_ = 0;
};

class VideoSource final : public FrameSource {
  public:
    VideoSource(cv::VideoCapture capture, SourceSpec spec, std::string container_damage)
        : capture_(std::move(capture)), spec_(std::move(spec)), pacer_(0) {
        const double file_fps = capture_.get(cv::CAP_PROP_FPS);
        if (file_fps > 0 && file_fps < 1000) file_fps_ = file_fps;
        double fps = spec_.fps;
        if (fps <= 0) fps = file_fps;
        if (!(fps > 0 && fps < 1000)) fps = 25;
        pacer_.set_fps(fps);
        note_damage(container_damage);
    }
    std::optional<Frame> next() override {
        try {
            cv::Mat image;
            while (!read(image)) {
                if (tally_.undecodable()) continue;  // a damaged frame: the next one may be whole
                if (tally_.frames() == 0) {
                    std::string why = check_mp4_boxes(spec_.location);
                    if (why.empty())
                        why = VideoFrameTally::no_frames_reason(capture_.get(cv::CAP_PROP_FRAME_COUNT));
                    error_ =
                        "video " + spec_.location +
                        (sequence_ == 0 ? std::string(" has no readable frames: ")
                                        : std::string(" has no readable frames any more, so it was "
                                                      "replaced or damaged while it was being played: ")) +
                        why + ".";
                    return std::nullopt;
                }
                note_damage(tally_.passed_over_message());
                // FFmpeg reads a cut file up to the cut without an error: only the declared frame count
                // tells, and the codes after the cut would silently never be seen.
                note_damage(check_video_frame_count(tally_.frames(), capture_.get(cv::CAP_PROP_FRAME_COUNT)));
                if (!spec_.loop) {
                    finished_ = true;
                    return std::nullopt;
                }
                // Seeking is unreliable for some containers; reopening always starts at frame 0.
                capture_.release();
                tally_.restart();
                if (!capture_.open(spec_.location)) {
                    error_ = "video " + spec_.location +
                             " could not be opened again to play it from its start: " + why_not_reopened() +
                             ".";
                    return std::nullopt;
                }
            }
            tally_.decoded(capture_.get(cv::CAP_PROP_POS_MSEC), file_fps_);
            pacer_.wait();
            return to_frame(image, ++sequence_);
        } catch (const cv::Exception& e) {
            error_ = "video " + spec_.location + " failed: " + e.what();
            return std::nullopt;
        }
    }
    std::string error() const override { return error_; }
    std::string name() const override { return "video " + spec_.location; }
    bool finished() const override { return finished_; }
    std::vector<std::string> take_skipped() override { return std::exchange(damage_notes_, {}); }

  private:
    // A frame whose data is damaged throws from some decoders; it is passed over like one that is not
    // returned at all.
    bool read(cv::Mat& image) {
        try {
            return capture_.read(image) && !image.empty();
        } catch (const cv::Exception&) {
            return false;
        }
    }

    // It opened once, so it was changed while it was being played: moved, deleted, emptied or replaced.
    std::string why_not_reopened() const {
        std::string why = why_not_a_regular_file(spec_.location);
        if (!why.empty())
            return "it is now " + why +
                   ", so it was moved or deleted while it was being "
                   "played; put the recording back or choose another video";
        why = check_video_not_empty(spec_.location);
        if (why.empty()) why = check_mp4_boxes(spec_.location);
        if (!why.empty()) return "it was replaced while it was being played, and " + why;
        return "it was replaced while it was being played by a file that is damaged or not a video OpenCV "
               "here can decode; put the recording back or choose another video";
    }

    // Each once per source: a looping demo video would otherwise repeat it every pass.
    void note_damage(const std::string& damage) {
        if (damage.empty() || !damage_noted_.insert(damage).second) return;
        damage_notes_.push_back(spec_.location + ": " + damage);
    }

    cv::VideoCapture capture_;
    SourceSpec spec_;
    detail::Pacer pacer_;
    VideoFrameTally tally_;
    double file_fps_ = 0;  // the file's own frame rate (0: unknown), not the pace it is played at
    std::string error_;
    std::vector<std::string> damage_notes_;
    std::set<std::string> damage_noted_;
    bool finished_ = false;
    std::uint64_t sequence_ = 0;
};

class ImageFolderSource final : public FrameSource {
  public:
    ImageFolderSource(std::vector<fs::path> files, std::vector<std::string> skipped, SourceSpec spec)
        : files_(std::move(files)),
          skipped_(std::move(skipped)),
          spec_(std::move(spec)),
          pacer_(spec_.fps > 0 ? spec_.fps : 2.0) {}
    std::optional<Frame> next() override {
        // Skip files that cannot be read (each said once), but give up after a full round without a
        // single image.
        for (std::size_t attempts = 0; attempts < files_.size(); ++attempts) {
            if (index_ >= files_.size()) {
                if (!spec_.loop) {
                    finished_ = true;
                    return std::nullopt;
                }
                index_ = 0;
            }
            const fs::path& path = files_[index_++];
            auto decoded =
                detail::decode_image_file(path, spec_.max_image_pixels, kSmallerImage, cv::IMREAD_COLOR);
            if (const auto* why = std::get_if<std::string>(&decoded)) {
                if (said_.insert(path.string()).second) skipped_.push_back(path.string() + ": " + *why);
                continue;
            }
            auto& [image, damage] = std::get<detail::DecodedImage>(decoded);
            // A cut JPEG still shows what came before the cut; the technician hears once that it is cut.
            if (!damage.empty() && said_.insert(path.string()).second)
                skipped_.push_back(path.string() + ": " + damage);
            if (spec_.width > 0 && spec_.height > 0 &&
                (image.cols != spec_.width || image.rows != spec_.height))
                cv::resize(image, image, cv::Size(spec_.width, spec_.height), 0, 0, cv::INTER_AREA);
            pacer_.wait();
            return to_frame(image, ++sequence_);
        }
        error_ = "no file in " + spec_.location + " could be read as an image.";
        return std::nullopt;
    }
    std::string error() const override { return error_; }
    std::string name() const override { return "images " + spec_.location; }
    bool finished() const override { return finished_; }
    std::vector<std::string> take_skipped() override { return std::exchange(skipped_, {}); }

  private:
    std::vector<fs::path> files_;
    std::vector<std::string> skipped_;
    std::set<std::string> said_;
    SourceSpec spec_;
    detail::Pacer pacer_;
    std::string error_;
    bool finished_ = false;
    std::size_t index_ = 0;
    std::uint64_t sequence_ = 0;
};

OpenedSource open_camera(const SourceSpec& spec) {
    const std::string device = camera_device_path(spec.location);
    const std::string fix =
        ". Plug the camera in, check `ls /dev/video*`, and that the kiosk user is in the 'video' group; or "
        "start "
        "with --source demo";
    std::error_code ec;
    if (!fs::exists(device, ec))
        return {nullptr, "camera " + device + " could not be opened: no such device" + fix};
    // Ask the kernel first: OpenCV only logs why V4L2 failed, the errno tells the technician more.
    const int fd = ::open(device.c_str(), O_RDWR | O_NONBLOCK);
    if (fd < 0) {
        const int saved = errno;
        return {nullptr, "camera " + device + " could not be opened: " + std::strerror(saved) + fix};
    }
    ::close(fd);
    try {
        cv::VideoCapture capture;
        const bool opened = std::all_of(spec.location.begin(), spec.location.end(),
                                        [](unsigned char c) { return std::isdigit(c); })
                                ? capture.open(std::stoi(spec.location), cv::CAP_V4L2)
                                : capture.open(device, cv::CAP_V4L2);
        if (!opened || !capture.isOpened())
            return {nullptr, "camera " + device +
                                 " could not be opened: the V4L2 driver refused it (not a capture device?)" +
                                 fix};
        if (spec.width > 0 && spec.height > 0) {
            capture.set(cv::CAP_PROP_FRAME_WIDTH, spec.width);
            capture.set(cv::CAP_PROP_FRAME_HEIGHT, spec.height);
        }
        if (spec.fps > 0) capture.set(cv::CAP_PROP_FPS, spec.fps);
        return {std::make_unique<CameraSource>(std::move(capture), device), {}};
    } catch (const std::exception& e) {
        return {nullptr, "camera " + device + " could not be opened: " + e.what() + fix};
    }
}

OpenedSource open_video(const SourceSpec& spec) {
    if (std::string why = why_not_a_regular_file(spec.location); !why.empty())
        return {nullptr, "video " + spec.location + " could not be opened: " + why};
    try {
        cv::VideoCapture capture(spec.location);
        const std::string container_damage = check_mp4_boxes(spec.location);
        if (!capture.isOpened())
            return {nullptr, "video " + spec.location + " could not be opened: " +
                                 (container_damage.empty()
                                      ? "damaged, or a format OpenCV here cannot decode (H.264, MJPEG, "
                                        "MPEG-4 and FFV1 in mp4, avi, mkv or mov are read)"
                                      : container_damage)};
        const ImageSize size{"video", static_cast<int>(capture.get(cv::CAP_PROP_FRAME_WIDTH)),
                             static_cast<int>(capture.get(cv::CAP_PROP_FRAME_HEIGHT))};
        if (std::string error = check_image_pixels(size, spec.max_image_pixels, kSmallerVideo);
            !error.empty())
            return {nullptr, "video " + spec.location + ": " + error};
        return {std::make_unique<VideoSource>(std::move(capture), spec, container_damage), {}};
    } catch (const cv::Exception& e) {
        return {nullptr, "video " + spec.location + " could not be opened: " + e.what()};
    }
}

OpenedSource open_images(const SourceSpec& spec) {
    std::error_code ec;
    if (!fs::is_directory(spec.location, ec))
        return {nullptr, "image folder " + spec.location + " does not exist or is not a folder"};
    std::vector<fs::path> files;
    std::vector<std::string> skipped;
    for (fs::directory_iterator it(spec.location, ec), end; !ec && it != end; it.increment(ec)) {
        if (!has_image_extension(it->path())) continue;
        if (std::string why = why_not_a_regular_file(it->path()); !why.empty())
            skipped.push_back(it->path().string() + ": " + why);
        else
            files.push_back(it->path());
    }
    if (ec) return {nullptr, "image folder " + spec.location + " could not be listed: " + ec.message()};
    if (files.empty()) {
        std::string error =
            "image folder " + spec.location + " holds no images (png, jpg, jpeg, bmp or webp)";
        if (!skipped.empty()) error += "; passed over: " + skipped.front();
        return {nullptr, error};
    }
    std::sort(files.begin(), files.end());
    std::sort(skipped.begin(), skipped.end());
    return {std::make_unique<ImageFolderSource>(std::move(files), std::move(skipped), spec), {}};
}

}  // namespace

std::variant<SourceSpec, std::string> parse_source_spec(std::string_view text) {
    auto bad = [&](std::string_view why) {
        return std::variant<SourceSpec, std::string>(std::string("bad source '") + std::string(text) + "': " +
                                                     std::string(why) + "; " + std::string(kAcceptedForms));
    };
    SourceSpec spec;
    std::string_view body = text;
    // "@WxH" at the end; paths may contain '@' earlier, so only the last one counts and only if it parses.
    if (const std::size_t at = body.rfind('@'); at != std::string_view::npos) {
        const std::string_view size = body.substr(at + 1);
        const std::size_t x = size.find('x');
        auto number = [](std::string_view digits, int& out) {
            if (digits.empty() || digits.size() > 5) return false;
            out = 0;
            for (char c : digits) {
                if (c < '0' || c > '9') return false;
                out = out * 10 + (c - '0');
            }
            return out > 0;
        };
        if (x == std::string_view::npos || !number(size.substr(0, x), spec.width) ||
            !number(size.substr(x + 1), spec.height))
            return bad("the size after '@' must be WIDTHxHEIGHT");
        body = body.substr(0, at);
    }
    if (body == "demo") {
        spec.kind = SourceSpec::Kind::Demo;
        return spec;
    }
    const std::size_t colon = body.find(':');
    if (colon == std::string_view::npos) return bad("unknown source");
    const std::string_view kind = body.substr(0, colon);
    const std::string location(body.substr(colon + 1));
    if (location.empty()) return bad("nothing after ':'");
    if (kind == "camera") {
        const bool index =
            std::all_of(location.begin(), location.end(), [](unsigned char c) { return std::isdigit(c); });
        if (!index && location.rfind("/dev/", 0) != 0)
            return bad("a camera is an index (camera:0) or a /dev path");
        spec.kind = SourceSpec::Kind::Camera;
    } else if (kind == "video") {
        spec.kind = SourceSpec::Kind::Video;
    } else if (kind == "images") {
        spec.kind = SourceSpec::Kind::Images;
    } else {
        return bad("unknown source kind '" + std::string(kind) + "'");
    }
    spec.location = location;
    return spec;
}

std::string describe(const SourceSpec& spec) {
    std::string text;
    switch (spec.kind) {
        case SourceSpec::Kind::Demo:
            text = "demo";
            break;
        case SourceSpec::Kind::Camera:
            text = "camera:" + spec.location;
            break;
        case SourceSpec::Kind::Video:
            text = "video:" + spec.location;
            break;
        case SourceSpec::Kind::Images:
            text = "images:" + spec.location;
            break;
    }
    if (spec.width > 0 && spec.height > 0) {
        // Appended piecewise: GCC 12 at -O3 warns falsely (-Wrestrict) on a chain of temporaries here.
        text += '@';
        text += std::to_string(spec.width);
        text += 'x';
        text += std::to_string(spec.height);
    }
    return text;
}

SourceSpec default_source_spec() {
    std::error_code ec;
    std::vector<std::string> devices;
    for (fs::directory_iterator it("/dev", ec), end; !ec && it != end; it.increment(ec)) {
        const std::string name = it->path().filename().string();
        if (name.rfind("video", 0) == 0 && name.size() > 5 &&
            std::all_of(name.begin() + 5, name.end(), [](unsigned char c) { return std::isdigit(c); }))
            devices.push_back(it->path().string());
    }
    SourceSpec spec;
    if (devices.empty()) return spec;  // demo
    // video0 before video10: compare by number, not text.
    std::sort(devices.begin(), devices.end(), [](const std::string& a, const std::string& b) {
        return a.size() != b.size() ? a.size() < b.size() : a < b;
    });
    spec.kind = SourceSpec::Kind::Camera;
    spec.location = devices.front();
    return spec;
}

OpenedSource open_source(const SourceSpec& spec) {
    switch (spec.kind) {
        case SourceSpec::Kind::Camera:
            return open_camera(spec);
        case SourceSpec::Kind::Video:
            return open_video(spec);
        case SourceSpec::Kind::Images:
            return open_images(spec);
        case SourceSpec::Kind::Demo:
            break;
    }
    DemoOptions options;
    if (spec.width > 0 && spec.height > 0) {
        options.width = spec.width;
        options.height = spec.height;
    }
    if (spec.fps > 0) options.fps = spec.fps;
    return {make_demo_source(options), {}};
}

}  // namespace medkiosk::scanner
