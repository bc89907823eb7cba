#include "scene_generator.hpp"

#include <unistd.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <opencv2/videoio.hpp>
#include <random>
#include <sstream>

namespace medkiosk::test {
namespace {

constexpr double kPi = 3.14159265358979323846;

std::uint64_t splitmix64(std::uint64_t x) {
    x += 0x9e3779b97f4a7c15ULL;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
    return x ^ (x >> 31);
}

// Uniform draws from the engine's raw output (std:: distributions differ between standard libraries).
struct Draw {
    std::mt19937_64 engine;
    explicit Draw(std::uint64_t seed) : engine(seed) {}
    double uniform(double low, double high) {
        return low + (high - low) * static_cast<double>(engine() >> 11) * (1.0 / 9007199254740992.0);
    }
    int integer(int low, int high) {  // inclusive
        return low + static_cast<int>(engine() % static_cast<std::uint64_t>(high - low + 1));
    }
    bool chance(double p) { return uniform(0, 1) < p; }
    double normal() {  // Box-Muller
        const double u = std::max(1e-12, uniform(0, 1)), v = uniform(0, 1);
        return std::sqrt(-2 * std::log(u)) * std::cos(2 * kPi * v);
    }
};

const char* const kWords[] = {"Amoxicillin", "Ibuprofen 400 mg", "Paracetamol 500mg", "Lot",
                              "EXP 2027-05", "Rx only",          "20 tablets",        "Store below 25 C",
                              "Metformin",   "Omeprazole 20 mg", "Keep out of reach", "Batch",
                              "Film-coated", "MFG 2025-01",      "Oral use",          "Cetirizine 10mg",
                              "Ganmao Keli", "Amlodipine 5 mg",  "Losartan",          "0.5 g x 24"};

// One box face in texture pixels: white label with the primary code, maybe a distractor code, text.
struct Face {
    cv::Mat texture;               // grey
    double texels_per_module;      // of the primary symbol
    cv::Point2f code_centre;       // texture coordinates
    cv::Point2f code_corners[4];   // the primary symbol without quiet zone
    cv::Point2f label_corners[4];  // the primary symbol with its quiet zone
    cv::Point2f distractor_corners[4];
    bool has_distractor = false;
    cv::Point2f glare_centre;
    double glare_radius = 0;
};

cv::Mat upscale(const cv::Mat& symbol, double factor) {
    cv::Mat scaled;
    cv::resize(symbol, scaled,
               cv::Size(std::max(1, static_cast<int>(std::lround(symbol.cols * factor))),
                        std::max(1, static_cast<int>(std::lround(symbol.rows * factor)))),
               0, 0, cv::INTER_NEAREST);
    return scaled;
}

double linear_bar_height(const std::string& symbology, int symbol_width_modules, Draw& draw) {
    if (symbology == "code128" || symbology == "gs1-128" || symbology == "code39")
        return std::clamp(symbol_width_modules * draw.uniform(0.12, 0.3), 18.0, 60.0);
    if (symbology == "ean13" || symbology == "upca" || symbology == "ean8") return draw.uniform(35, 70);
    return 0;  // DataBar: fixed by the standard
}

Face make_face(const SyntheticCode& primary, const SyntheticCode& distractor, const cv::Mat& primary_symbol,
               double texels, Draw& draw) {
    Face face;
    face.texels_per_module = texels;
    const bool linear = is_linear_symbology(primary.symbology);
    const cv::Mat code = upscale(primary_symbol, texels);
    double width_modules = primary_symbol.cols * (linear ? draw.uniform(1.25, 1.8) : draw.uniform(2.5, 5.0));
    double height_modules =
        std::max(primary_symbol.rows * (linear ? 2.2 : 1.8), width_modules * draw.uniform(0.45, 0.8));
    // Keep the texture at a sane size: a long code at 10 texels per module would need metres of RAM.
    int width = static_cast<int>(width_modules * texels), height = static_cast<int>(height_modules * texels);
    const double shrink = std::min(1.0, 4200.0 / std::max(width, height));
    width = std::max(code.cols + 8, static_cast<int>(width * shrink));
    height = std::max(code.rows + 8, static_cast<int>(height * shrink));

    const bool dark_print = draw.chance(0.25);
    face.texture = cv::Mat(height, width, CV_8UC1,
                           cv::Scalar(dark_print ? draw.uniform(70, 150) : draw.uniform(170, 245)));
    // A coloured band across the face, as many packs carry.
    if (draw.chance(0.6)) {
        const int band_y = draw.integer(0, height / 2), band_h = draw.integer(height / 10, height / 3);
        cv::rectangle(face.texture, cv::Rect(0, band_y, width, band_h), cv::Scalar(draw.uniform(40, 200)),
                      cv::FILLED);
    }
    std::vector<cv::Rect> taken;
    auto free_spot = [&](cv::Size size, cv::Rect& where) {
        for (int attempt = 0; attempt < 40; ++attempt) {
            if (size.width + 4 > width || size.height + 4 > height) return false;
            const cv::Rect candidate(draw.integer(2, width - size.width - 2),
                                     draw.integer(2, height - size.height - 2), size.width, size.height);
            const cv::Rect padded(candidate.x - 6, candidate.y - 6, candidate.width + 12,
                                  candidate.height + 12);
            if (std::none_of(taken.begin(), taken.end(),
                             [&](const cv::Rect& t) { return (t & padded).area() > 0; })) {
                where = candidate;
                return true;
            }
        }
        return false;
    };
    cv::Rect code_rect;
    if (!free_spot(code.size(), code_rect))
        code_rect = cv::Rect((width - code.cols) / 2, (height - code.rows) / 2, code.cols, code.rows);
    code.copyTo(face.texture(code_rect));
    taken.push_back(code_rect);
    face.code_centre = cv::Point2f(static_cast<float>(code_rect.x) + static_cast<float>(code.cols) / 2,
                                   static_cast<float>(code_rect.y) + static_cast<float>(code.rows) / 2);
    const float quiet_x = static_cast<float>((linear ? 10 : 2) * texels),
                quiet_y = static_cast<float>(2 * texels);
    const float x0 = static_cast<float>(code_rect.x), y0 = static_cast<float>(code_rect.y),
                x1 = static_cast<float>(code_rect.br().x), y1 = static_cast<float>(code_rect.br().y);
    const cv::Point2f label[4] = {{x0, y0}, {x1, y0}, {x1, y1}, {x0, y1}};
    const cv::Point2f symbol[4] = {{x0 + quiet_x, y0 + quiet_y},
                                   {x1 - quiet_x, y0 + quiet_y},
                                   {x1 - quiet_x, y1 - quiet_y},
                                   {x0 + quiet_x, y1 - quiet_y}};
    std::copy(label, label + 4, face.label_corners);
    std::copy(symbol, symbol + 4, face.code_corners);

    if (!distractor.symbology.empty()) {
        const cv::Mat other_symbol =
            render_symbol(distractor, linear_bar_height(distractor.symbology, 80, draw));
        const cv::Mat other = upscale(other_symbol, texels * draw.uniform(0.7, 1.2));
        cv::Rect other_rect;
        if (!other.empty() && free_spot(other.size(), other_rect)) {
            other.copyTo(face.texture(other_rect));
            taken.push_back(other_rect);
            face.has_distractor = true;
            const float a = static_cast<float>(other_rect.x), b = static_cast<float>(other_rect.y),
                        c = static_cast<float>(other_rect.br().x), d = static_cast<float>(other_rect.br().y);
            const cv::Point2f corners[4] = {{a, b}, {c, b}, {c, d}, {a, d}};
            std::copy(corners, corners + 4, face.distractor_corners);
        }
    }
    // Printed text wherever there is room: strokes are edges too, and a finder must not take them.
    const int lines = draw.integer(2, 7);
    for (int i = 0; i < lines; ++i) {
        const std::string text = kWords[draw.integer(0, static_cast<int>(std::size(kWords)) - 1)];
        const double font_scale = texels * draw.uniform(2.0, 5.0) / 22.0;
        int baseline = 0;
        const int thickness = std::max(1, static_cast<int>(font_scale * 1.6));
        const cv::Size size =
            cv::getTextSize(text, cv::FONT_HERSHEY_SIMPLEX, font_scale, thickness, &baseline);
        cv::Rect where;
        if (!free_spot(cv::Size(size.width, size.height + baseline), where)) continue;
        taken.push_back(where);
        const double ink = dark_print ? draw.uniform(200, 250) : draw.uniform(10, 90);
        cv::putText(face.texture, text, cv::Point(where.x, where.y + size.height), cv::FONT_HERSHEY_SIMPLEX,
                    font_scale, cv::Scalar(ink), thickness, cv::LINE_AA);
    }
    face.glare_centre =
        cv::Point2f(static_cast<float>(draw.uniform(0, width)), static_cast<float>(draw.uniform(0, height)));
    face.glare_radius = draw.uniform(0.08, 0.35) * std::max(width, height);
    return face;
}

// A highlight on the box (moves with it): brightens modules and paper alike, so contrast drops there.
void add_glare(Face& face, double amplitude) {
    if (amplitude <= 0) return;
    // A smooth blob: computed on a coarse grid and enlarged, as a textured face can be 4000 px wide.
    const int step = 8;
    cv::Mat coarse(face.texture.rows / step + 1, face.texture.cols / step + 1, CV_32F);
    const float r2 = static_cast<float>(face.glare_radius * face.glare_radius);
    for (int y = 0; y < coarse.rows; ++y) {
        auto* row = coarse.ptr<float>(y);
        const float dy = static_cast<float>(y * step) - face.glare_centre.y;
        for (int x = 0; x < coarse.cols; ++x) {
            const float dx = static_cast<float>(x * step) - face.glare_centre.x;
            row[x] = static_cast<float>(amplitude) * std::exp(-(dx * dx + dy * dy) / (2 * r2));
        }
    }
    cv::Mat glare, glare8;
    cv::resize(coarse, glare, cv::Size(coarse.cols * step, coarse.rows * step), 0, 0, cv::INTER_LINEAR);
    glare(cv::Rect(0, 0, face.texture.cols, face.texture.rows)).convertTo(glare8, CV_8U);
    cv::add(face.texture, glare8, face.texture);
}

// Where the face sits: in-plane rotation, tilt, size and the frame point under the code's centre.
struct Pose {
    cv::Point2f position;
    double rotation = 0;  // degrees
    double tilt_x = 0, tilt_y = 0;
    double module_pixels = 1;
};

// Texture → frame homography of a pinhole camera looking at the tilted face.
cv::Matx33d face_to_frame(const Face& face, const Pose& pose, double focal) {
    const double rz = pose.rotation * kPi / 180, rx = pose.tilt_x * kPi / 180, ry = pose.tilt_y * kPi / 180;
    const cv::Matx33d Rz(std::cos(rz), -std::sin(rz), 0, std::sin(rz), std::cos(rz), 0, 0, 0, 1);
    const cv::Matx33d Rx(1, 0, 0, 0, std::cos(rx), -std::sin(rx), 0, std::sin(rx), std::cos(rx));
    const cv::Matx33d Ry(std::cos(ry), 0, std::sin(ry), 0, 1, 0, -std::sin(ry), 0, std::cos(ry));
    const cv::Matx33d R = Rx * Ry * Rz;
    const double distance = focal / pose.module_pixels;  // one module (unit length) at the centre
    const double t = face.texels_per_module;
    const cv::Vec3d r1(R(0, 0), R(1, 0), R(2, 0)), r2(R(0, 1), R(1, 1), R(2, 1));
    const cv::Vec3d origin =
        cv::Vec3d(0, 0, distance) - (r1 * face.code_centre.x + r2 * face.code_centre.y) / t;
    const cv::Matx33d plane(r1[0] / t, r2[0] / t, origin[0], r1[1] / t, r2[1] / t, origin[1], r1[2] / t,
                            r2[2] / t, origin[2]);
    const cv::Matx33d K(focal, 0, pose.position.x, 0, focal, pose.position.y, 0, 0, 1);
    return K * plane;
}

cv::Point2f apply(const cv::Matx33d& h, cv::Point2f p) {
    const cv::Vec3d q = h * cv::Vec3d(p.x, p.y, 1);
    return {static_cast<float>(q[0] / q[2]), static_cast<float>(q[1] / q[2])};
}

bool inside(const cv::Point2f* corners, int width, int height, float margin) {
    return std::all_of(corners, corners + 4, [&](const cv::Point2f& p) {
        return p.x >= margin && p.y >= margin && p.x <= static_cast<float>(width) - margin &&
               p.y <= static_cast<float>(height) - margin;
    });
}

// The printed symbol's smallest module in the frame around its centre, after perspective.
double projected_module(const Face& face, const Pose& pose, double focal) {
    const cv::Matx33d h = face_to_frame(face, pose, focal);
    const float t = static_cast<float>(face.texels_per_module);
    const cv::Point2f c = apply(h, face.code_centre);
    const cv::Point2f dx = apply(h, face.code_centre + cv::Point2f(t, 0)) - c;
    const cv::Point2f dy = apply(h, face.code_centre + cv::Point2f(0, t)) - c;
    return std::min(std::hypot(dx.x, dx.y), std::hypot(dy.x, dy.y));
}

struct Camera {
    cv::Mat background;  // grey
    cv::Mat light;       // CV_8U, 128 = 1.0: the light's factor per pixel
    cv::Mat noise;       // CV_16S, a little larger than the frame: each frame takes a window of it
    double blur_sigma = 0.5;
    double noise_sigma = 2;
    double glare = 0;
    double exposure = 0.4;  // fraction of the frame interval the shutter is open: motion blur length
    int jpeg_quality = 0;   // 0: H.264 at clip level
};

void render_frame(const Face& face, const Pose& pose, const Pose& previous, double focal,
                  const Camera& camera, Draw& draw, SceneFrame& out) {
    const int width = camera.background.cols, height = camera.background.rows;
    cv::Mat frame = camera.background.clone();
    const cv::Matx33d h = face_to_frame(face, pose, focal);
    const cv::Point2f texture_corners[4] = {
        {0, 0},
        {static_cast<float>(face.texture.cols), 0},
        {static_cast<float>(face.texture.cols), static_cast<float>(face.texture.rows)},
        {0, static_cast<float>(face.texture.rows)}};
    std::vector<cv::Point2f> quad;
    for (const auto& corner : texture_corners) quad.push_back(apply(h, corner));
    const cv::Rect frame_rect(0, 0, width, height);
    // Motion blur along the code centre's movement since the last frame.
    const cv::Point2f velocity = pose.position - previous.position;
    const double blur_length = std::hypot(velocity.x, velocity.y) * camera.exposure;
    out.motion_blur_pixels = blur_length;
    const int pad = static_cast<int>(blur_length) + 4;
    const cv::Rect bounds = cv::boundingRect(quad);
    const cv::Rect roi =
        cv::Rect(bounds.x - pad, bounds.y - pad, bounds.width + 2 * pad, bounds.height + 2 * pad) &
        frame_rect;
    if (roi.area() > 0) {
        // Warp only the face's rectangle of the frame.
        const cv::Matx33d shift(1, 0, -roi.x, 0, 1, -roi.y, 0, 0, 1);
        cv::Mat layer, mask;
        cv::warpPerspective(face.texture, layer, shift * h, roi.size(), cv::INTER_LINEAR, cv::BORDER_CONSTANT,
                            cv::Scalar(0));
        mask = cv::Mat::zeros(roi.size(), CV_8UC1);
        std::vector<cv::Point> polygon;
        for (const auto& p : quad)
            polygon.emplace_back(static_cast<int>(std::lround(p.x)) - roi.x,
                                 static_cast<int>(std::lround(p.y)) - roi.y);
        cv::fillConvexPoly(mask, polygon, cv::Scalar(255), cv::LINE_AA);
        if (blur_length > 1.5) {
            const int length = static_cast<int>(std::ceil(blur_length)) | 1;
            cv::Mat kernel = cv::Mat::zeros(length, length, CV_32F);
            const double angle = std::atan2(velocity.y, velocity.x);
            const cv::Point2d centre(length / 2.0, length / 2.0),
                along(std::cos(angle) * blur_length / 2, std::sin(angle) * blur_length / 2);
            cv::line(kernel, centre - along, centre + along, cv::Scalar(1), 1, cv::LINE_AA);
            kernel /= cv::sum(kernel)[0];
            cv::filter2D(layer, layer, -1, kernel);
            cv::filter2D(mask, mask, -1, kernel);
        }
        cv::Mat background = frame(roi);
        cv::Mat alpha, inverse;
        mask.convertTo(alpha, CV_32F, 1.0 / 255);
        inverse = 1.0 - alpha;
        cv::blendLinear(layer, background, alpha, inverse, background);
    }
    // Light, lens and sensor.
    cv::multiply(frame, camera.light, frame, 1.0 / 128);
    if (camera.blur_sigma > 0.05) cv::GaussianBlur(frame, frame, cv::Size(0, 0), camera.blur_sigma);
    const cv::Rect window(draw.integer(0, camera.noise.cols - width),
                          draw.integer(0, camera.noise.rows - height), width, height);
    cv::Mat wide;
    frame.convertTo(wide, CV_16S);
    wide += camera.noise(window);
    wide.convertTo(out.grey, CV_8U);
    if (camera.jpeg_quality > 0) {
        std::vector<unsigned char> bytes;
        cv::imencode(".jpg", out.grey, bytes, {cv::IMWRITE_JPEG_QUALITY, camera.jpeg_quality});
        out.grey = cv::imdecode(bytes, cv::IMREAD_GRAYSCALE);
    }

    cv::Point2f label[4], symbol[4], other[4];
    for (int i = 0; i < 4; ++i) {
        label[i] = apply(h, face.label_corners[i]);
        symbol[i] = apply(h, face.code_corners[i]);
        other[i] = apply(h, face.distractor_corners[i]);
    }
    std::copy(symbol, symbol + 4, out.primary_corners);
    out.primary_in_view = inside(label, width, height, 1);
    out.distractor_in_view = face.has_distractor && inside(other, width, height, 1);
}

// Every frame of the clip through one H.264 encode and decode, as a camera's stream would be.
bool through_h264(std::vector<SceneFrame>& frames, int width, int height) {
    static std::atomic<int> counter{0};
    const std::filesystem::path path =
        std::filesystem::temp_directory_path() / (std::string("medkiosk-scene-")
                                                      .append(std::to_string(getpid()))
                                                      .append("-")
                                                      .append(std::to_string(counter++))
                                                      .append(".mp4"));
    bool ok = false;
    {
        cv::VideoWriter writer(path.string(), cv::VideoWriter::fourcc('a', 'v', 'c', '1'), 30,
                               cv::Size(width, height), false);
        if (writer.isOpened()) {
            for (const SceneFrame& frame : frames) writer.write(frame.grey);
            writer.release();
            cv::VideoCapture reader(path.string());
            std::size_t i = 0;
            cv::Mat decoded;
            while (i < frames.size() && reader.read(decoded)) {
                if (decoded.channels() == 3)
                    cv::cvtColor(decoded, frames[i].grey, cv::COLOR_BGR2GRAY);
                else
                    frames[i].grey = decoded.clone();
                ++i;
            }
            ok = i == frames.size();
        }
    }
    std::error_code ec;
    std::filesystem::remove(path, ec);
    return ok;
}

// Sensor noise for a clip: each frame adds a different window of it. Drawn from its own generator: drawn
// from OpenCV's shared one, a clip's noise depended on the clips made before it in the process, so a clip
// replayed alone was not the clip the benchmark had measured.
cv::Mat make_noise(int width, int height, double sigma, std::uint64_t seed) {
    cv::Mat noise(height + 64, width + 64, CV_32F);
    cv::RNG(seed).fill(noise, cv::RNG::NORMAL, 0, sigma);
    cv::Mat wide;
    noise.convertTo(wide, CV_16S);
    return wide;
}

cv::Mat make_light(int width, int height, Draw& draw, double& darkest) {
    cv::Mat light(height, width, CV_8U);
    const double base = draw.uniform(0.75, 1.1), gx = draw.uniform(-0.35, 0.35), gy = draw.uniform(-0.3, 0.3);
    const double vignette = draw.uniform(0, 0.35);
    darkest = 10;
    for (int y = 0; y < height; ++y) {
        auto* row = light.ptr<std::uint8_t>(y);
        const double v = (y - height / 2.0) / height;
        for (int x = 0; x < width; ++x) {
            const double u = (x - width / 2.0) / width;
            const double factor = std::clamp(
                base * (1 + gx * u * 2 + gy * v * 2) * (1 - vignette * (u * u + v * v) * 2), 0.35, 1.3);
            row[x] = static_cast<std::uint8_t>(std::lround(factor * 128));
        }
    }
    double low = 0;
    cv::minMaxLoc(light, &low);
    darkest = low / 128;
    return light;
}

}  // namespace

const char* phase_name(ScenePhase phase) {
    switch (phase) {
        case ScenePhase::Empty:
            return "empty";
        case ScenePhase::MovingIn:
            return "in";
        case ScenePhase::Still:
            return "still";
        case ScenePhase::MovingOut:
            return "out";
    }
    return "?";
}

std::string SceneClip::describe() const {
    char text[512];
    std::snprintf(
        text, sizeof text,
        "seed %llu clip %d: %s rot %.1f tilt %.0f/%.0f module %.2f px width %.0f px blur %.2f noise "
        "%.1f glare %.0f light %.2f %s distractor %s",
        static_cast<unsigned long long>(seed), index, primary.symbology.c_str(), rotation_degrees,
        tilt_x_degrees, tilt_y_degrees, module_pixels, symbol_width_pixels, blur_sigma, noise_sigma, glare,
        light_min, compression.c_str(), distractor.symbology.empty() ? "none" : distractor.symbology.c_str());
    return text;
}

SceneClip make_scene_clip(std::uint64_t seed, int index, const SceneOptions& options) {
    SceneClip clip;
    clip.seed = seed;
    clip.index = index;
    Draw draw(splitmix64(seed * 0x100000001b3ULL + static_cast<std::uint64_t>(index)));
    const int width = options.width, height = options.height;
    const double scale = height / 1080.0;  // sizes below are for 1080p

    const auto& kinds = pack_symbologies();
    const std::string kind =
        options.symbology.empty()
            ? kinds[static_cast<std::size_t>(draw.integer(0, static_cast<int>(kinds.size()) - 1))]
            : options.symbology;
    clip.primary = random_code(kind, draw.engine);
    std::vector<std::string> others;
    for (const auto& k : kinds)
        if (k != kind) others.push_back(k);
    others.push_back("code39");
    others.push_back("pdf417");
    // Drawn as when none is asked for, so the other seeded choices of a clip stay much the same.
    const bool drawn_distractor = draw.chance(0.8);
    std::string other_kind;
    if (drawn_distractor)
        other_kind = others[static_cast<std::size_t>(draw.integer(0, static_cast<int>(others.size()) - 1))];
    if (!options.distractor.empty())
        clip.distractor = random_code(options.distractor, draw.engine);
    else if (drawn_distractor)
        clip.distractor = random_code(other_kind, draw.engine);
    // Two codes of the same text would make the distractor's read look like the primary's.
    const bool linear = is_linear_symbology(kind);
    const cv::Mat symbol = render_symbol(clip.primary, linear_bar_height(kind, 120, draw));

    Pose still;
    still.rotation =
        options.fixed_rotation >= 0 ? options.fixed_rotation : (index % 24) * 15 + draw.uniform(0, 15);
    const double max_tilt = linear ? 15 : 30;
    still.tilt_x = draw.uniform(-max_tilt, max_tilt);
    still.tilt_y = draw.uniform(-max_tilt, max_tilt);
    const double min_module = (linear ? 2.0 : 3.0) * scale, max_module = 10.0 * scale;
    double module = min_module * std::exp(draw.uniform(0, std::log(max_module / min_module)));
    if (options.fixed_module > 0) module = options.fixed_module;
    const double texels = std::clamp(std::round(module * 1.5), 3.0, 10.0);
    Face face = make_face(clip.primary, clip.distractor, symbol, texels, draw);
    if (!face.has_distractor) clip.distractor = {};
    const double focal = 1.2 * width;

    // Place the symbol anywhere it fits; shrink it (not below the smallest module) until it does.
    for (int attempt = 0;; ++attempt) {
        still.module_pixels = module;
        const double smallest = projected_module(face, still, focal);
        if (smallest < min_module) {
            module *= min_module / smallest * 1.01;
            continue;
        }
        still.position = {0, 0};
        const cv::Matx33d h = face_to_frame(face, still, focal);
        std::vector<cv::Point2f> label;
        for (const auto& corner : face.label_corners) label.push_back(apply(h, corner));
        const cv::Rect2f extent(cv::boundingRect(label));
        const float margin = 4;
        const float low_x = -extent.x + margin, high_x = static_cast<float>(width) - extent.br().x - margin;
        const float low_y = -extent.y + margin, high_y = static_cast<float>(height) - extent.br().y - margin;
        if ((low_x <= high_x && low_y <= high_y) || attempt > 60) {
            still.position = {static_cast<float>(draw.uniform(low_x, std::max(low_x, high_x))),
                              static_cast<float>(draw.uniform(low_y, std::max(low_y, high_y)))};
            break;
        }
        if (module <= min_module * 1.02) {  // too wide for the frame at this angle: less tilt
            still.tilt_x *= 0.7;
            still.tilt_y *= 0.7;
        }
        module = std::max(min_module, module * 0.9);
    }
    clip.rotation_degrees = std::fmod(still.rotation + 360.0, 360.0);
    clip.tilt_x_degrees = still.tilt_x;
    clip.tilt_y_degrees = still.tilt_y;
    clip.module_pixels = projected_module(face, still, focal);
    {
        const cv::Matx33d h = face_to_frame(face, still, focal);
        const cv::Point2f a = apply(h, face.code_corners[0]), b = apply(h, face.code_corners[1]);
        clip.symbol_width_pixels = std::hypot(b.x - a.x, b.y - a.y);
    }

    Camera camera;
    camera.background = make_scene(width, height, static_cast<unsigned>(draw.engine() & 0xffff));
    camera.light = make_light(width, height, draw, clip.light_min);
    // Defocus a little; a 2 px module cannot survive more blur than a real reader would be asked to.
    camera.blur_sigma =
        draw.uniform(0.3, std::min(1.3, 0.2 + 0.3 * clip.module_pixels)) * std::max(0.5, scale);
    camera.noise_sigma = draw.uniform(1.5, 6.0);
    camera.noise = make_noise(width, height, camera.noise_sigma,
                              splitmix64(seed ^ (static_cast<std::uint64_t>(index) << 20) ^ 0x6e6f697365));
    camera.glare = draw.chance(0.4) ? draw.uniform(30, 110) : 0;
    add_glare(face, camera.glare);
    camera.exposure = draw.uniform(0.2, 0.5);
    const bool h264 = options.h264 && draw.chance(0.25);  // x264 costs ~0.2 s a 1080p frame here
    camera.jpeg_quality = h264 ? 0 : draw.integer(55, 92);
    clip.blur_sigma = camera.blur_sigma;
    clip.noise_sigma = camera.noise_sigma;
    clip.glare = camera.glare;
    clip.compression =
        h264 ? std::string("h264") : std::string("jpeg q").append(std::to_string(camera.jpeg_quality));

    // The hand: two empty frames, in from beyond an edge, held still (with a tremor), out again.
    const int empty = 2, moving_in = draw.integer(3, 6), held = draw.integer(6, 9),
              moving_out = draw.integer(2, 4);
    const double in_angle = draw.uniform(0, 2 * kPi), out_angle = draw.uniform(0, 2 * kPi);
    const double travel = draw.uniform(0.35, 0.7) * width;
    const cv::Point2f in_offset(static_cast<float>(std::cos(in_angle) * travel),
                                static_cast<float>(std::sin(in_angle) * travel));
    const cv::Point2f out_offset(static_cast<float>(std::cos(out_angle) * travel),
                                 static_cast<float>(std::sin(out_angle) * travel));
    const double in_turn = draw.uniform(-25, 25), out_turn = draw.uniform(-25, 25);
    std::vector<Pose> poses;
    std::vector<ScenePhase> phases;
    for (int k = 0; k < moving_in; ++k) {
        const double rest = std::pow(1.0 - (k + 1.0) / (moving_in + 1.0), 2);
        Pose pose = still;
        pose.position = still.position + in_offset * static_cast<float>(rest);
        pose.rotation = still.rotation + in_turn * rest;
        pose.module_pixels = still.module_pixels * (1 - 0.3 * rest);
        poses.push_back(pose);
        phases.push_back(ScenePhase::MovingIn);
    }
    for (int k = 0; k < held; ++k) {
        Pose pose = still;
        pose.position +=
            cv::Point2f(static_cast<float>(draw.normal() * 0.4), static_cast<float>(draw.normal() * 0.4));
        pose.rotation += draw.normal() * 0.15;
        poses.push_back(pose);
        phases.push_back(ScenePhase::Still);
    }
    for (int k = 1; k <= moving_out; ++k) {
        const double gone = std::pow(static_cast<double>(k) / moving_out, 2);
        Pose pose = still;
        pose.position = still.position + out_offset * static_cast<float>(gone);
        pose.rotation = still.rotation + out_turn * gone;
        poses.push_back(pose);
        phases.push_back(ScenePhase::MovingOut);
    }

    for (int k = 0; k < empty; ++k) {
        SceneFrame frame;
        Camera blank = camera;
        Pose away = still;
        away.position = {-100000.f, -100000.f};
        render_frame(face, away, away, focal, blank, draw, frame);
        frame.phase = ScenePhase::Empty;
        frame.primary_in_view = frame.distractor_in_view = false;
        clip.frames.push_back(std::move(frame));
    }
    for (std::size_t k = 0; k < poses.size(); ++k) {
        SceneFrame frame;
        const Pose& previous = k == 0 ? poses[0] : poses[k - 1];
        Pose before = previous;
        if (k == 0) before.position = poses[0].position + in_offset * 0.3f;  // already moving
        render_frame(face, poses[k], before, focal, camera, draw, frame);
        frame.phase = phases[k];
        clip.frames.push_back(std::move(frame));
    }
    // Still means still during the exposure: the frame the hand stops in is blurred by its last move.
    for (std::size_t k = 0; k < clip.frames.size(); ++k)
        if (clip.frames[k].phase == ScenePhase::Still && clip.frames[k].motion_blur_pixels < 1.5) {
            clip.first_still_frame = static_cast<int>(k);
            break;
        }
    if (h264 && !through_h264(clip.frames, width, height)) clip.compression = "h264 failed: uncompressed";
    return clip;
}

cv::Mat make_still(const SyntheticCode& code, double rotation_degrees, double module_pixels, int width,
                   int height, std::uint64_t seed, cv::Point2f centre, double tilt_x_degrees,
                   double tilt_y_degrees) {
    Draw draw(splitmix64(seed));
    const cv::Mat symbol = render_symbol(code, linear_bar_height(code.symbology, 120, draw));
    const double texels = std::clamp(std::round(module_pixels * 1.5), 3.0, 10.0);
    const Face face = make_face(code, {}, symbol, texels, draw);
    Pose pose;
    pose.rotation = rotation_degrees;
    pose.tilt_x = tilt_x_degrees;
    pose.tilt_y = tilt_y_degrees;
    pose.module_pixels = module_pixels;
    pose.position =
        centre.x >= 0 ? centre : cv::Point2f(static_cast<float>(width) / 2, static_cast<float>(height) / 2);
    const double focal = 1.2 * width;
    // Moved inward as far as needed for the whole symbol, quiet zones included, to lie in the frame: a
    // sweep judges the decoder, not how much of a cut-off symbol is left.
    {
        const cv::Matx33d h = face_to_frame(face, pose, focal);
        std::vector<cv::Point2f> label;
        for (const auto& corner : face.label_corners) label.push_back(apply(h, corner));
        const cv::Rect extent = cv::boundingRect(label);
        const float margin = 4;
        auto shift = [&](float low, float high, float limit) {
            if (low < margin) return margin - low;
            if (high > limit - margin) return std::max(margin - low, limit - margin - high);
            return 0.f;
        };
        pose.position.x +=
            shift(static_cast<float>(extent.x), static_cast<float>(extent.br().x), static_cast<float>(width));
        pose.position.y += shift(static_cast<float>(extent.y), static_cast<float>(extent.br().y),
                                 static_cast<float>(height));
    }
    Camera camera;
    camera.background = make_scene(width, height, static_cast<unsigned>(seed & 0xffff));
    camera.light = cv::Mat(height, width, CV_8U, cv::Scalar(128));
    camera.blur_sigma = 0.6;
    camera.noise_sigma = 2.5;
    camera.noise = make_noise(width, height, camera.noise_sigma, splitmix64(seed + 1));
    camera.exposure = 0;
    SceneFrame frame;
    render_frame(face, pose, pose, focal, camera, draw, frame);
    return frame.grey;
}

std::vector<TurnedStill> make_turned_stills(int count, std::uint64_t seed, int width, int height) {
    std::vector<TurnedStill> stills;
    const auto& symbologies = pack_symbologies();
    for (int i = 0; i < count; ++i) {
        std::mt19937_64 random(seed * 1000003 + static_cast<std::uint64_t>(i));
        const std::string& symbology = symbologies[random() % symbologies.size()];
        const SyntheticCode code = random_code(symbology, random);
        std::uniform_real_distribution<double> unit(0, 1);
        const bool linear = is_linear_symbology(symbology);
        const double rotation = 360 * unit(random);
        const double module = linear ? 2 + 3 * unit(random) : 3 + 5 * unit(random);
        const double tilt_x = -25 + 50 * unit(random), tilt_y = -25 + 50 * unit(random);
        // Anywhere: make_still moves a symbol that would not fit whole inward.
        const cv::Point2f centre(static_cast<float>(width * (0.1 + 0.8 * unit(random))),
                                 static_cast<float>(height * (0.1 + 0.8 * unit(random))));
        TurnedStill still;
        still.grey = make_still(code, rotation, module, width, height,
                                seed * 7919 + static_cast<std::uint64_t>(i), centre, tilt_x, tilt_y);
        still.expected_text = code.expected_text;
        char text[200];
        std::snprintf(text, sizeof text, "seed %llu #%d %s rotation %.0f module %.1f tilt %.0f/%.0f",
                      static_cast<unsigned long long>(seed), i, symbology.c_str(), rotation, module, tilt_x,
                      tilt_y);
        still.description = text;
        stills.push_back(std::move(still));
    }
    return stills;
}

}  // namespace medkiosk::test
