#include "label_faces.hpp"

#include <array>
#include <cmath>
#include <cstdio>
#include <memory>
#include <opencv2/freetype.hpp>
#include <opencv2/imgproc.hpp>
#include <random>

#include "medkiosk/scanner/parse.hpp"

namespace medkiosk::test::ocr {
namespace {

using scanner::Date;
using scanner::ExpiryPrecision;

constexpr int kFrameWidth = 1920;
constexpr int kFrameHeight = 1080;

std::string run_fc_match(const std::string& family) {
    const std::string command = "fc-match -f '%{file}\\t%{index}\\t%{family}' '" + family + "' 2>/dev/null";
    std::unique_ptr<FILE, int (*)(FILE*)> pipe(popen(command.c_str(), "r"), pclose);
    if (!pipe) return {};
    std::string out;
    char buffer[512];
    while (std::fgets(buffer, sizeof buffer, pipe.get())) out += buffer;
    return out;
}

class Random {
  public:
    explicit Random(std::uint64_t seed) : engine_(seed) {}
    int integer(int low, int high) { return std::uniform_int_distribution<int>(low, high)(engine_); }
    double real(double low, double high) {
        return std::uniform_real_distribution<double>(low, high)(engine_);
    }
    bool chance(double p) { return real(0, 1) < p; }
    template <typename T>
    const T& pick(const std::vector<T>& items) {
        return items[static_cast<std::size_t>(integer(0, static_cast<int>(items.size()) - 1))];
    }
    std::mt19937_64& engine() { return engine_; }

  private:
    std::mt19937_64 engine_;
};

int days_in(int year, int month) {
    return scanner::last_day_of_month(year, month).day;
}

std::string two(int value) {
    char buffer[8];
    std::snprintf(buffer, sizeof buffer, "%02d", value);
    return buffer;
}

std::string batch_for(Random& random) {
    static const std::vector<std::string> letters{"B", "A", "H", "C", "P", "K", ""};
    std::string batch = random.pick(letters);
    const int digits = batch.empty() ? 8 : random.integer(6, 7);
    for (int i = 0; i < digits; ++i) batch += static_cast<char>('0' + random.integer(0, 9));
    return batch;
}

struct Label {
    std::string title;
    std::string subtitle;
    std::vector<std::string> lines;  // the date/batch block
    std::vector<std::string> clutter;
    bool chinese = true;
};

constexpr std::array kForms{"zh-ym-cn",  "zh-ymd-cn",       "zh-dot",
                            "zh-slash",  "zh-dash",         "zh-compact",
                            "en-exp-my", "zh-invalid-from", "zh-production-shelf",
                            "zh-both",   "en-exp-iso",      "zh-one-line"};

Label make_label(int form, Random& random, FaceTruth& truth) {
    static const std::vector<std::string> zh_titles{"布洛芬缓释胶囊", "对乙酰氨基酚片", "复方氨酚烷胺片",
                                                    "阿莫西林胶囊",   "连花清瘟胶囊",   "蒙脱石散",
                                                    "氯雷他定片",     "奥司他韦胶囊"};
    static const std::vector<std::string> en_titles{"Ibuprofen Tablets",  "Paracetamol 500 mg",
                                                    "Loratadine Tablets", "Oseltamivir Capsules",
                                                    "Amoxicillin 250 mg", "Cetirizine 10 mg"};
    static const std::vector<std::string> zh_clutter{"规格:0.3g×20粒",         "国药准字H20013062",
                                                     "贮藏:密封,在阴凉处保存", "用法用量:详见说明书",
                                                     "OTC 非处方药",           "某某制药有限公司"};
    static const std::vector<std::string> en_clutter{"Store below 25°C", "Keep out of reach of children",
                                                     "20 tablets", "Read the leaflet before use",
                                                     "Made by Example Pharma Ltd."};
    Label label;
    const int year = random.integer(2024, 2031);
    const int month = random.integer(1, 12);
    const int day = random.integer(1, days_in(year, month));
    const std::string batch = batch_for(random);
    const int made_year = year - random.integer(2, 3);
    const int made_month = random.integer(1, 12);
    const int made_day = random.integer(1, days_in(made_year, made_month));
    const std::string made = std::to_string(made_year) + "." + two(made_month) + "." + two(made_day);
    const std::string y = std::to_string(year), m = two(month), d = two(day);
    auto month_only = [&] {
        truth.expiry = scanner::last_day_of_month(year, month);
        truth.precision = ExpiryPrecision::Month;
    };
    auto full_day = [&] {
        truth.expiry = Date{year, month, day};
        truth.precision = ExpiryPrecision::Day;
    };
    truth.batch = batch;
    truth.form = kForms[static_cast<std::size_t>(form)];
    label.chinese = truth.form.rfind("zh", 0) == 0;
    label.title = label.chinese ? random.pick(zh_titles) : random.pick(en_titles);
    label.subtitle = label.chinese ? random.pick(zh_clutter) : random.pick(en_clutter);
    const std::string batch_key = random.chance(0.5) ? "产品批号:" : "批号:";
    const bool with_production = random.chance(0.5);
    switch (form) {
        case 0:
            label.lines = {batch_key + batch, "有效期至:" + y + "年" + m + "月"};
            month_only();
            break;
        case 1:
            label.lines = {batch_key + batch, "有效期至:" + y + "年" + m + "月" + d + "日"};
            full_day();
            break;
        case 2:
            label.lines = {batch_key + batch, "有效期至 " + y + "." + m + "."};
            month_only();
            break;
        case 3:
            label.lines = {batch_key + batch, "有效期至 " + y + "/" + m + "/" + d};
            full_day();
            break;
        case 4:
            label.lines = {batch_key + batch, "有效期至:" + y + "-" + m};
            month_only();
            break;
        case 5:
            label.lines = {batch_key + batch, "有效期至 " + y + m + d};
            full_day();
            break;
        case 6:
            label.lines = {"LOT " + batch, "EXP " + m + "/" + y};
            month_only();
            break;
        case 7: {
            label.lines = {batch_key + batch, "失效期:" + y + "." + m};
            const Date first{year, month, 1};
            truth.expiry = month == 1 ? Date{year - 1, 12, 31} : scanner::last_day_of_month(year, month - 1);
            truth.precision = ExpiryPrecision::Month;
            (void)first;
            break;
        }
        case 8: {
            const int months = random.pick(std::vector<int>{12, 18, 24, 36});
            const int made_day_safe = random.integer(1, 28);
            const std::string made_safe =
                std::to_string(made_year) + "." + two(made_month) + "." + two(made_day_safe);
            label.lines = {batch_key + batch, "生产日期:" + made_safe,
                           "有效期:" + std::to_string(months) + "个月"};
            const int total = made_year * 12 + made_month - 1 + months;
            Date end{total / 12, total % 12 + 1, made_day_safe};
            // one day before the same day N months later
            if (end.day > 1)
                --end.day;
            else
                end = total % 12 == 0 ? Date{total / 12 - 1, 12, 31}
                                      : scanner::last_day_of_month(total / 12, total % 12);
            truth.expiry = end;
            truth.precision = ExpiryPrecision::Day;
            break;
        }
        case 9:
            label.lines = {"生产日期:" + made, batch_key + batch, "有效期至:" + y + "." + m + "." + d,
                           "有效期:36个月"};
            full_day();
            break;
        case 10:
            label.lines = {"Lot: " + batch, "MFG: " + std::to_string(made_year) + "-" + two(made_month),
                           "EXP: " + y + "-" + m + "-" + d};
            full_day();
            break;
        default:
            label.lines = {batch_key + batch + "  有效期至:" + y + "." + m};
            month_only();
            break;
    }
    if (with_production && form <= 5) label.lines.insert(label.lines.begin(), "生产日期:" + made);
    for (int i = 0; i < 2; ++i)
        label.clutter.push_back(label.chinese ? random.pick(zh_clutter) : random.pick(en_clutter));
    return label;
}

cv::Mat render_label(const Label& label, const LabelFont& font, Random& random) {
    const cv::Scalar paper = random.pick(
        std::vector<cv::Scalar>{{250, 250, 250}, {225, 240, 250}, {250, 235, 220}, {235, 250, 235}});
    const cv::Scalar band =
        random.pick(std::vector<cv::Scalar>{{160, 60, 20}, {40, 40, 180}, {40, 140, 40}, {20, 120, 220}});
    const cv::Scalar ink = random.pick(std::vector<cv::Scalar>{{20, 20, 20}, {60, 30, 10}, {30, 30, 90}});
    const int width = random.integer(900, 1150);
    const int date_size = random.integer(26, 36);
    const int line_gap = date_size / 2 + random.integer(4, 12);
    const int block_lines = static_cast<int>(label.lines.size() + label.clutter.size());
    const int height = 150 + 60 + block_lines * (date_size + line_gap) + 60;

    cv::Mat canvas(height, width, CV_8UC3, paper);
    auto ft = cv::freetype::createFreeType2();
    ft->loadFontData(font.file, font.face_index);
    cv::rectangle(canvas, cv::Rect(0, 0, width, 130), band, cv::FILLED);
    ft->putText(canvas, label.title, cv::Point(40, 30), 64, cv::Scalar(255, 255, 255), -1, cv::LINE_AA,
                false);
    ft->putText(canvas, label.subtitle, cv::Point(40, 150), 30, ink, -1, cv::LINE_AA, false);

    // Date block left or right, clutter interleaved so the reader must find the right lines.
    const int block_x = random.chance(0.5) ? 40 : width / 2 - random.integer(0, 80);
    int row = 210;
    std::vector<std::string> rows = label.lines;
    for (std::size_t i = 0; i < label.clutter.size(); ++i)
        rows.insert(random.chance(0.5) ? rows.begin() : rows.end(), label.clutter[i]);
    for (const std::string& text : rows) {
        const bool is_block = std::find(label.lines.begin(), label.lines.end(), text) != label.lines.end();
        ft->putText(canvas, text, cv::Point(is_block ? block_x : 40, row), date_size, ink, -1, cv::LINE_AA,
                    false);
        row += date_size + line_gap;
    }
    // A barcode-like stripe patch: strong edges that are not text.
    const int bars_x = width - 330, bars_y = 150;
    for (int x = 0; x < 260; x += random.integer(3, 8))
        cv::rectangle(canvas, cv::Rect(bars_x + x, bars_y, random.integer(1, 4), 45), cv::Scalar(0, 0, 0),
                      cv::FILLED);
    cv::rectangle(canvas, cv::Rect(0, 0, width, height), cv::Scalar(180, 180, 180), 3);
    return canvas;
}

}  // namespace

std::vector<LabelFont> find_label_fonts() {
    struct Wanted {
        const char* family;
        bool chinese;
    };
    static constexpr Wanted kWanted[] = {{"Noto Sans CJK SC", true},    {"Noto Serif CJK SC", true},
                                         {"WenQuanYi Micro Hei", true}, {"AR PL UKai CN", true},
                                         {"DejaVu Sans", false},        {"DejaVu Serif", false}};
    std::vector<LabelFont> fonts;
    for (const auto& wanted : kWanted) {
        const std::string out = run_fc_match(wanted.family);
        const auto tab1 = out.find('\t');
        const auto tab2 = out.find('\t', tab1 + 1);
        if (tab1 == std::string::npos || tab2 == std::string::npos) continue;
        const std::string family = out.substr(tab2 + 1);
        if (family.find(wanted.family) == std::string::npos)
            continue;  // fontconfig fell back to another font
        fonts.push_back(LabelFont{wanted.family, out.substr(0, tab1),
                                  std::stoi(out.substr(tab1 + 1, tab2 - tab1 - 1)), wanted.chinese});
    }
    return fonts;
}

FaceScene::FaceScene(int index, std::uint64_t seed, const std::vector<LabelFont>& fonts)
    : seed_(seed * 1000003u + static_cast<std::uint64_t>(index)) {
    Random random(seed_);
    const int form = index % static_cast<int>(kForms.size());
    Label label = make_label(form, random, truth_);
    std::vector<LabelFont> usable;
    for (const auto& font : fonts)
        if (font.has_chinese || !label.chinese) usable.push_back(font);
    const LabelFont& font =
        usable.at(static_cast<std::size_t>(index / static_cast<int>(kForms.size())) % usable.size());
    truth_.font = font.family;
    truth_.printed_lines = label.lines;
    label_ = render_label(label, font, random);

    // Background: a blurred noise "table" with a soft gradient, so edges exist outside the box.
    background_.create(kFrameHeight, kFrameWidth, CV_8UC3);
    cv::Mat noise(kFrameHeight / 16, kFrameWidth / 16, CV_8UC3);
    cv::RNG rng(seed_ ^ 0x5bd1e995u);
    rng.fill(noise, cv::RNG::UNIFORM, cv::Scalar::all(70), cv::Scalar::all(160));
    cv::resize(noise, background_, background_.size(), 0, 0, cv::INTER_CUBIC);

    angle_ = random.real(-30, 30);
    truth_.tilt_degrees = angle_;
    scale_ = random.real(0.8, 1.05);
    centre_ =
        cv::Point2d(kFrameWidth / 2.0 + random.real(-220, 220), kFrameHeight / 2.0 + random.real(-60, 60));
    blur_sigma_ = random.real(0.6, 1.6);

    lighting_.create(kFrameHeight, kFrameWidth, CV_32F);
    const double direction = random.real(0, 2 * M_PI);
    const double strength = random.real(0.2, 0.45);
    const double base = random.real(0.75, 1.0);
    for (int y = 0; y < kFrameHeight; ++y) {
        auto* row = lighting_.ptr<float>(y);
        for (int x = 0; x < kFrameWidth; ++x) {
            const double along = ((x - kFrameWidth / 2.0) * std::cos(direction) +
                                  (y - kFrameHeight / 2.0) * std::sin(direction)) /
                                 (kFrameWidth / 2.0);
            row[x] = static_cast<float>(std::clamp(base + strength * along, 0.35, 1.15));
        }
    }
}

cv::Mat FaceScene::frame(int frame_number) const {
    Random shake(seed_ * 31u + static_cast<std::uint64_t>(frame_number) + 7u);
    const double angle = angle_ + shake.real(-0.4, 0.4);
    const cv::Point2d centre = centre_ + cv::Point2d(shake.real(-2, 2), shake.real(-2, 2));
    cv::Mat transform = cv::getRotationMatrix2D(
        cv::Point2f(static_cast<float>(label_.cols) / 2.0f, static_cast<float>(label_.rows) / 2.0f), angle,
        scale_);
    transform.at<double>(0, 2) += centre.x - label_.cols / 2.0;
    transform.at<double>(1, 2) += centre.y - label_.rows / 2.0;

    cv::Mat placed, mask;
    cv::warpAffine(label_, placed, transform, background_.size(), cv::INTER_LINEAR, cv::BORDER_CONSTANT);
    cv::warpAffine(cv::Mat(label_.size(), CV_8U, cv::Scalar(255)), mask, transform, background_.size(),
                   cv::INTER_LINEAR, cv::BORDER_CONSTANT);
    cv::Mat scene = background_.clone();
    placed.copyTo(scene, mask);

    cv::Mat lit;
    scene.convertTo(lit, CV_32FC3);
    cv::Mat gain;
    cv::merge(std::vector<cv::Mat>{lighting_, lighting_, lighting_}, gain);
    cv::multiply(lit, gain, lit);
    cv::GaussianBlur(lit, lit, cv::Size(0, 0), blur_sigma_);
    cv::Mat noise(lit.size(), CV_32FC3);
    cv::RNG rng(seed_ * 131u + static_cast<std::uint64_t>(frame_number));
    rng.fill(noise, cv::RNG::NORMAL, cv::Scalar::all(0), cv::Scalar::all(4));
    lit += noise;
    cv::Mat out;
    lit.convertTo(out, CV_8UC3);
    return out;
}

}  // namespace medkiosk::test::ocr
