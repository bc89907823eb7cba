#include "line_finder.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <opencv2/imgproc.hpp>
#include <optional>

namespace medkiosk::scanner::ocr::detail {
namespace {

// Work width for finding lines: a 1080p frame is halved, where text 16 px tall in the frame is 8.
constexpr int kWorkWidth = 960;
// Work pixels: an edge running straight this far is a rule's, a stripe's or a box's, not a glyph's.
constexpr double kStraightEdge = 120;
// Perspective turns a long line's direction a little from the face's; a line printed askew turns it more.
constexpr double kMostPerspectiveTurn = 10;
constexpr double kMostOwnTurn = 35;
// A line's own direction is taken when its band of ink along it is this much thinner than along the
// face's lines (a line slanted 15° against the face makes a band 2-4× its text's height).
constexpr double kThinnerBandAlongItsOwnTurn = 0.6;
// Lines turned further than the level search joins (steep_lines): from this slant to that, either way,
// and this many times longer than their band is wide.
constexpr double kSteepFrom = 18;
constexpr double kSteepTo = 42;
constexpr double kSteepLineLength = 4;
// How thick a steep line's band may be at work scale (text about 6 to 35 px tall there), and against the
// face's typical line; how many a frame takes at most.
constexpr double kSteepAcrossFrom = 6;
constexpr double kSteepAcrossTo = 40;
constexpr double kSteepAsThickAs = 0.8;
constexpr std::size_t kMostSteepLines = 4;
// The face's roll is searched within ±kMaxSkew.
constexpr double kMaxSkew = 35;
// A rule (frame edge, table border) is a straight thin run at least this long at work scale: a table's
// border runs across several cells; a cell's side is about two text heights tall.
constexpr int kRuleLength = 31;
constexpr int kSideLength = 25;
// A faint edge counts where it is this many times its surroundings' mean edge strength.
constexpr double kFaintAboveSurroundings = 2.0;
// Lines the faint pass adds to a frame at most.
constexpr std::size_t kMostFaintLines = 8;

double radians(double degrees) {
    return degrees * CV_PI / 180.0;
}

// The tilt of the text lines: the angle whose projection of edge pixels onto the perpendicular gives
// the sharpest row profile. Lines of text give a comb of peaks at their own angle; clutter has none.
double profile_sharpness(const std::vector<cv::Point>& points, double degrees, int bins, double offset) {
    const double c = std::cos(radians(degrees)), s = std::sin(radians(degrees));
    std::vector<int> histogram(static_cast<std::size_t>(bins), 0);
    for (const auto& p : points) {
        const int bin = static_cast<int>(p.y * c - p.x * s + offset);
        if (bin >= 0 && bin < bins) ++histogram[static_cast<std::size_t>(bin)];
    }
    double sum_of_squares = 0;
    for (int count : histogram) sum_of_squares += static_cast<double>(count) * count;
    return sum_of_squares;
}

double estimate_skew(const cv::Mat& small, const cv::Mat& inside) {
    // At work scale: at half of it, small print (8 px here) fades into the background's texture.
    cv::Mat gradient, mask;
    cv::morphologyEx(small, gradient, cv::MORPH_GRADIENT, cv::getStructuringElement(cv::MORPH_RECT, {3, 3}));
    if (!inside.empty()) {
        cv::Mat inner;
        cv::erode(inside, inner, cv::Mat(), {-1, -1}, 2);
        gradient.setTo(0, inner == 0);
    }
    cv::threshold(gradient, mask, 0, 255, cv::THRESH_BINARY | cv::THRESH_OTSU);
    // Long straight rules point along the face too, but a barcode's bars would pull towards 90°.
    cv::Mat bars;
    cv::morphologyEx(mask, bars, cv::MORPH_OPEN, cv::getStructuringElement(cv::MORPH_RECT, {1, 25}));
    mask -= bars;
    const int bins = small.cols + small.rows;
    const double offset = small.cols;
    const auto edge_points = [](const cv::Mat& edges) {
        std::vector<cv::Point> points;
        cv::findNonZero(edges, points);
        if (points.size() > 40000) {  // every k-th point: the profile's shape is what counts
            const std::size_t step = points.size() / 40000 + 1;
            std::vector<cv::Point> fewer;
            for (std::size_t i = 0; i < points.size(); i += step) fewer.push_back(points[i]);
            points.swap(fewer);
        }
        return points;
    };
    const auto sharpest = [&](const std::vector<cv::Point>& points) {
        const auto best_in = [&](double from, double to, double step) {
            double best_angle = 0, best_score = -1;
            for (double angle = from; angle <= to + 1e-9; angle += step) {
                const double score = profile_sharpness(points, angle, bins, offset);
                if (score > best_score) {
                    best_score = score;
                    best_angle = angle;
                }
            }
            return best_angle;
        };
        const double coarse = best_in(-kMaxSkew, kMaxSkew, 1.0);
        return best_in(coarse - 1.0, coarse + 1.0, 0.25);
    };
    const std::vector<cv::Point> points = edge_points(mask);
    if (points.size() < 50) return 0;
    const double skew = sharpest(points);
    // A design's long straight stripes at another angle can outweigh the print: their edges are few but
    // all in line (red team rt54 F5: stripes at 30° set the face's roll, and its own lines were taken for
    // steep ones). Without the edges that run straight far (rules, stripes, a box's sides), the print's
    // own profile decides, unless it is about as sharp at the first angle (a table's rules agree with its
    // print; without them a sparse table's print may find another).
    std::vector<cv::Vec4i> straight;
    cv::HoughLinesP(mask, straight, 1, CV_PI / 180, 80, kStraightEdge, 2);
    if (straight.empty()) return skew;
    for (const cv::Vec4i& segment : straight)
        cv::line(mask, {segment[0], segment[1]}, {segment[2], segment[3]}, cv::Scalar(0), 5);
    const std::vector<cv::Point> print = edge_points(mask);
    if (print.size() < 50) return skew;
    const double print_skew = sharpest(print);
    constexpr double kAboutAsSharp = 0.8;
    return profile_sharpness(print, skew, bins, offset) >=
                   kAboutAsSharp * profile_sharpness(print, print_skew, bins, offset)
               ? skew
               : print_skew;
}

// Union-find over words: words on one baseline band, of similar height, close along the line.
std::vector<cv::Rect> group_into_lines(const std::vector<cv::Rect>& words) {
    const int n = static_cast<int>(words.size());
    std::vector<int> parent(static_cast<std::size_t>(n));
    std::iota(parent.begin(), parent.end(), 0);
    auto find = [&](int i) {
        while (parent[static_cast<std::size_t>(i)] != i) {
            parent[static_cast<std::size_t>(i)] =
                parent[static_cast<std::size_t>(parent[static_cast<std::size_t>(i)])];
            i = parent[static_cast<std::size_t>(i)];
        }
        return i;
    };
    std::vector<int> order(static_cast<std::size_t>(n));
    std::iota(order.begin(), order.end(), 0);
    std::sort(order.begin(), order.end(), [&](int a, int b) {
        return words[static_cast<std::size_t>(a)].x < words[static_cast<std::size_t>(b)].x;
    });
    for (int oi = 0; oi < n; ++oi) {
        const cv::Rect& a = words[static_cast<std::size_t>(order[static_cast<std::size_t>(oi)])];
        for (int oj = oi + 1; oj < n; ++oj) {
            const cv::Rect& b = words[static_cast<std::size_t>(order[static_cast<std::size_t>(oj)])];
            const int tall = std::max(a.height, b.height), short_side = std::min(a.height, b.height);
            if (b.x > a.br().x + 4 * tall) break;  // sorted by x: nothing nearer follows for this one
            // Spaced print ("2 0 2 5 . 0 5"): single characters in a row may stand further apart.
            const bool single_glyphs = a.width <= tall * 13 / 10 && b.width <= tall * 13 / 10;
            if (b.x - a.br().x > (single_glyphs ? tall * 5 / 2 : tall * 13 / 10)) continue;
            if (tall * 10 > short_side * 17) continue;
            const int overlap = std::min(a.br().y, b.br().y) - std::max(a.y, b.y);
            if (overlap * 10 < short_side * 6) continue;
            parent[static_cast<std::size_t>(find(order[static_cast<std::size_t>(oi)]))] =
                find(order[static_cast<std::size_t>(oj)]);
        }
    }
    std::vector<cv::Rect> lines(static_cast<std::size_t>(n));
    std::vector<bool> used(static_cast<std::size_t>(n), false);
    for (int i = 0; i < n; ++i) {
        const int root = find(i);
        lines[static_cast<std::size_t>(root)] =
            used[static_cast<std::size_t>(root)]
                ? (lines[static_cast<std::size_t>(root)] | words[static_cast<std::size_t>(i)])
                : words[static_cast<std::size_t>(i)];
        used[static_cast<std::size_t>(root)] = true;
    }
    std::vector<cv::Rect> out;
    for (int i = 0; i < n; ++i)
        if (used[static_cast<std::size_t>(i)]) out.push_back(lines[static_cast<std::size_t>(i)]);
    return out;
}

// Characters joined into one solid piece along a slant (kSteepFrom to kSteepTo degrees either way): a
// line printed steeply askew, or part of one. Joining runs along the level, so the characters of such a
// line join where they overlap one another's rows, and the piece's box is too tall to be a line's.
struct Slanted {
    cv::Point2d centre;
    double along = 0, across = 0, turn = 0;
};

std::optional<Slanted> slanted_print(const std::vector<cv::Point>& contour) {
    const cv::RotatedRect fitted = cv::minAreaRect(contour);
    cv::Point2f corners[4];
    fitted.points(corners);
    cv::Point2f side = corners[1] - corners[0], other = corners[2] - corners[1];
    if (cv::norm(other) > cv::norm(side)) std::swap(side, other);
    const double along = cv::norm(side), across = cv::norm(other);
    if (across < kSteepAcrossFrom || across > kSteepAcrossTo || along < 2.5 * across) return std::nullopt;
    double turn = std::atan2(side.y, side.x) * 180.0 / CV_PI;
    if (turn > 90) turn -= 180;
    if (turn <= -90) turn += 180;
    if (std::abs(turn) < kSteepFrom || std::abs(turn) > kSteepTo) return std::nullopt;
    // Solid: a line's characters joined fill most of their box; clutter that happens to lie along a
    // slant does not.
    if (cv::contourArea(contour) < 0.5 * along * across) return std::nullopt;
    return Slanted{cv::Point2d(fitted.center), along, across, turn};
}

// A straight line `length` long, `lean` pixels off the axis from one end to the other: a kernel that
// finds rules a few degrees off horizontal (or, transposed, vertical).
cv::Mat line_kernel(int length, int lean, bool vertical) {
    const int side = std::abs(lean) + 1;
    cv::Mat kernel = cv::Mat::zeros(vertical ? length : side, vertical ? side : length, CV_8U);
    const cv::Point from =
        vertical ? cv::Point(lean < 0 ? side - 1 : 0, 0) : cv::Point(0, lean < 0 ? side - 1 : 0);
    const cv::Point to = vertical ? cv::Point(lean < 0 ? 0 : side - 1, length - 1)
                                  : cv::Point(length - 1, lean < 0 ? 0 : side - 1);
    cv::line(kernel, from, to, cv::Scalar(1));
    return kernel;
}

// Paints out rules (table borders, frames, underlines) in the levelled grey image before any edges
// are found: thin (≤ 4 px) dark or light lines that run straight for long. Text touching a frame
// then stays a line of text instead of becoming part of the frame.
void erase_rules(cv::Mat& level) {
    for (const bool vertical : {false, true}) {
        const cv::Mat across =
            cv::getStructuringElement(cv::MORPH_RECT, vertical ? cv::Size(5, 1) : cv::Size(1, 5));
        for (const bool dark : {true, false}) {
            // From the level as the dark pass left it: the light pass painted a frame's dark line back
            // where the line's lit edge runs beside it (an embossed block's frame stayed, and its text,
            // joined to it, was dropped with it).
            cv::Mat without;  // dark (closing) or light (opening) thin lines gone
            cv::morphologyEx(level, without, dark ? cv::MORPH_CLOSE : cv::MORPH_OPEN, across);
            cv::Mat thin = dark ? cv::Mat(without - level) : cv::Mat(level - without);
            cv::threshold(thin, thin, 10, 255, cv::THRESH_BINARY);
            cv::Mat rules = cv::Mat::zeros(thin.size(), CV_8U);
            const int length = vertical ? kSideLength : kRuleLength;
            for (const int lean : {-3, -1, 0, 1, 3}) {
                cv::Mat found;
                cv::morphologyEx(thin, found, cv::MORPH_OPEN, line_kernel(length, lean, vertical));
                rules |= found;
            }
            if (cv::countNonZero(rules) == 0) continue;
            cv::dilate(rules, rules, cv::Mat());
            without.copyTo(level, rules);
        }
    }
}

// Lines from one edge mask (at work scale, levelled): rules removed, characters joined into words,
// words into lines. `mask` is left without its rules, as the characters' edges (for measuring each line's
// direction). With `slanted_out`, also the pieces of print joined along a slant (slanted_print); with
// `words_out`, the words.
std::vector<cv::Rect> lines_in(cv::Mat& mask, std::vector<Slanted>* slanted_out = nullptr,
                               std::vector<cv::Rect>* words_out = nullptr) {
    // A rule is a long straight run that is thin across: the edges of a dense line of small text
    // also make long runs, but there the print is as thick as the text is tall.
    auto thin_runs = [&](cv::Size along, cv::Size across) {
        cv::Mat runs, thick;
        cv::morphologyEx(mask, runs, cv::MORPH_OPEN, cv::getStructuringElement(cv::MORPH_RECT, along));
        cv::morphologyEx(mask, thick, cv::MORPH_OPEN, cv::getStructuringElement(cv::MORPH_RECT, across));
        return cv::Mat(runs & ~thick);
    };
    cv::Mat rules = thin_runs({kRuleLength, 1}, {1, 6}) | thin_runs({1, kSideLength}, {6, 1});
    cv::dilate(rules, rules, cv::getStructuringElement(cv::MORPH_RECT, {3, 3}));
    mask.setTo(0, rules);
    // What is left of slanted rules and frames (perspective turns them a few degrees): large, sparse
    // components. A character is compact; a frame is long and thin, or big and mostly empty.
    cv::Mat labels, stats, centroids;
    const int count = cv::connectedComponentsWithStats(mask, labels, stats, centroids, 8, CV_32S);
    std::vector<std::uint8_t> drop(static_cast<std::size_t>(count), 0);
    bool any = false;
    for (int i = 1; i < count; ++i) {
        const int w = stats.at<int>(i, cv::CC_STAT_WIDTH), h = stats.at<int>(i, cv::CC_STAT_HEIGHT);
        const double fill =
            static_cast<double>(stats.at<int>(i, cv::CC_STAT_AREA)) / (static_cast<double>(w) * h);
        const bool thin_rule = (w >= 25 && h <= 5) || (h >= 25 && w <= 5);
        const bool sparse_frame = std::max(w, h) >= 90 && fill < 0.08;
        if (thin_rule || sparse_frame) {
            drop[static_cast<std::size_t>(i)] = 1;
            any = true;
        }
    }
    if (any)
        for (int y = 0; y < mask.rows; ++y) {
            const int* l = labels.ptr<int>(y);
            std::uint8_t* m = mask.ptr<std::uint8_t>(y);
            for (int x = 0; x < mask.cols; ++x)
                if (drop[static_cast<std::size_t>(l[x])]) m[x] = 0;
        }
    // Dots of dot-matrix print first (a small closing in every direction), then characters along the line.
    cv::Mat joined;
    cv::morphologyEx(mask, joined, cv::MORPH_CLOSE, cv::getStructuringElement(cv::MORPH_ELLIPSE, {3, 3}));
    cv::morphologyEx(joined, joined, cv::MORPH_CLOSE, cv::getStructuringElement(cv::MORPH_RECT, {7, 1}));
    std::vector<std::vector<cv::Point>> contours;
    cv::findContours(joined, contours, cv::RETR_EXTERNAL, cv::CHAIN_APPROX_SIMPLE);
    std::vector<cv::Rect> words;
    for (const auto& contour : contours) {
        const cv::Rect box = cv::boundingRect(contour);
        if (slanted_out && box.height >= 16 && box.width >= 16)
            if (const auto slanted = slanted_print(contour)) slanted_out->push_back(*slanted);
        if (box.height < 4 || box.height > 90 || box.width < 3) continue;
        words.push_back(box);
    }
    if (words_out) *words_out = words;
    std::vector<cv::Rect> lines;
    for (const cv::Rect& line : group_into_lines(words)) {
        // Under 7 px here (14 px in a 1080p frame) print is not legible, and texture often is that thin.
        if (line.height < 7 || line.height > 80) continue;
        if (line.width * 10 < line.height * 15) continue;  // a lone glyph or a blob, not a line of text
        lines.push_back(line);
    }
    return lines;
}

// Intersection over union: a line found at both thresholds is one line; a longer one found only at
// the lower threshold (faint print beside bold) is another.
double overlap_ratio(const cv::Rect& a, const cv::Rect& b) {
    const double common = (a & b).area();
    return common / (a.area() + b.area() - common);
}

// The direction, within ±kMostOwnTurn of the level, along which a box's edge pixels pile up into the
// sharpest bands: a line of text makes a narrow peak at its own slant. (A straight fit through the ink's
// centres is pulled off the slant where a line ends early beside a longer one, or by a label's frame.)
double sharpest_turn(const std::vector<cv::Point>& points, const cv::Rect& box) {
    const int half = static_cast<int>(std::ceil(std::hypot(box.width, box.height) / 2.0)) + 2;
    std::vector<int> rows(static_cast<std::size_t>(2 * half + 1));
    const auto sharpness = [&](double turn) {
        const double c = std::cos(radians(turn)), s = std::sin(radians(turn));
        std::fill(rows.begin(), rows.end(), 0);
        for (const auto& p : points) {
            const double across = -(p.x - box.width / 2.0) * s + (p.y - box.height / 2.0) * c;
            ++rows[static_cast<std::size_t>(
                std::clamp(static_cast<int>(std::lround(across)) + half, 0, 2 * half))];
        }
        double sum = 0;
        for (const int n : rows) sum += static_cast<double>(n) * n;
        return sum;
    };
    double best = 0, best_score = -1;
    const auto try_turn = [&](double turn) {
        if (const double score = sharpness(turn); score > best_score) {
            best_score = score;
            best = turn;
        }
    };
    for (double turn = -kMostOwnTurn; turn <= kMostOwnTurn + 1e-9; turn += 2.0) try_turn(turn);
    const double coarse = best;
    for (double turn = coarse - 1.5; turn <= coarse + 1.5 + 1e-9; turn += 0.5) try_turn(turn);
    return best;
}

// A line's extent along a direction turned `turn` degrees from the level, and across it: the text band
// is where edge pixels are dense across the line (a cell's side or a frame's corner touching the line
// adds a few pixels to every row; text adds many to its own).
struct LineBand {
    double turn = 0;
    cv::Point2d mid;  // in the box
    double along = 0, across = 0;
};

LineBand band_of(const std::vector<cv::Point>& points, const cv::Rect& box, double turn) {
    const double c = std::cos(radians(turn)), s = std::sin(radians(turn));
    std::vector<double> along, across;
    along.reserve(points.size());
    across.reserve(points.size());
    for (const auto& p : points) {
        const double dx = p.x - box.width / 2.0, dy = p.y - box.height / 2.0;
        along.push_back(dx * c + dy * s);
        across.push_back(-dx * s + dy * c);
    }
    const auto [a0, a1] = std::minmax_element(along.begin(), along.end());
    const int half = static_cast<int>(std::ceil(std::hypot(box.width, box.height) / 2.0)) + 2;
    std::vector<int> rows(static_cast<std::size_t>(2 * half + 1), 0);
    for (double b : across)
        ++rows[static_cast<std::size_t>(std::clamp(static_cast<int>(std::lround(b)) + half, 0, 2 * half))];
    const int peak = static_cast<int>(std::max_element(rows.begin(), rows.end()) - rows.begin());
    const int floor_count = std::max(1, rows[static_cast<std::size_t>(peak)] / 5);
    auto dense = [&](int r) {
        // one sparse row inside the band (between two lines of a glyph) does not end it
        auto at = [&](int q) {
            return q >= 0 && q <= 2 * half && rows[static_cast<std::size_t>(q)] >= floor_count;
        };
        return at(r) || (at(r - 1) && at(r + 1));
    };
    int top = peak, bottom = peak;
    while (top > 0 && dense(top - 1)) --top;
    while (bottom < 2 * half && dense(bottom + 1)) ++bottom;
    const double b0 = top - half - 0.5, b1 = bottom - half + 0.5;
    LineBand band;
    band.turn = turn;
    band.mid = cv::Point2d(box.width / 2.0 + c * (*a0 + *a1) / 2 - s * (b0 + b1) / 2,
                           box.height / 2.0 + s * (*a0 + *a1) / 2 + c * (b0 + b1) / 2);
    band.along = *a1 - *a0 + 1;
    band.across = std::max(b1 - b0 + 1, 5.0);
    return band;
}

// A line found in the levelled work image: the middle of its band, its extent along and across, and the
// direction it runs, turned from the level.
struct LevelLine {
    cv::Point2d mid;
    double along = 0, across = 0, turn = 0;

    // Where `point` lies along and across this line, from its middle.
    cv::Point2d relative(const cv::Point2d& point) const {
        const double c = std::cos(radians(turn)), s = std::sin(radians(turn));
        const cv::Point2d d = point - mid;
        return {d.x * c + d.y * s, -d.x * s + d.y * c};
    }
};

// Lines printed steeply askew against the face's (a sticker put on at 30°). The level search joins
// characters only along the level and drops boxes as tall as such a line's, so it was never read, and a
// production date with a shelf life read elsewhere on the face made a date that was not the printed one
// (red team rt52 R2: lines at 28° and steeper). Here the pieces joined along a slant (slanted_print)
// that follow one another along the same slant, a space or two apart ("有效期至 2027/04/27" is two), are
// one line. (Turning the edges and searching them again found the same lines at 30-50 ms a frame.)
std::vector<LevelLine> steep_lines(const std::vector<Slanted>& pieces, const std::vector<cv::Rect>& words) {
    const std::size_t n = pieces.size();
    std::vector<std::size_t> parent(n);
    std::iota(parent.begin(), parent.end(), std::size_t{0});
    const auto find = [&](std::size_t i) {
        while (parent[i] != i) i = parent[i] = parent[parent[i]];
        return i;
    };
    const auto unit = [](double turn) {
        return cv::Point2d(std::cos(radians(turn)), std::sin(radians(turn)));
    };
    for (std::size_t i = 0; i < n; ++i)
        for (std::size_t j = i + 1; j < n; ++j) {
            const Slanted &a = pieces[i], &b = pieces[j];
            if (std::abs(a.turn - b.turn) > 6) continue;
            const cv::Point2d u = unit(a.turn), d = b.centre - a.centre;
            const double along = std::abs(d.dot(u)), across = std::abs(-d.x * u.y + d.y * u.x);
            const double thick = std::max(a.across, b.across);
            if (across < 0.5 * thick && along - (a.along + b.along) / 2 < 2.5 * thick)
                parent[find(i)] = find(j);
        }
    std::vector<LevelLine> found;
    for (std::size_t root = 0; root < n; ++root) {
        if (find(root) != root) continue;
        double turn = 0, weight = 0, across = 0;
        for (std::size_t i = 0; i < n; ++i)
            if (find(i) == root) {
                turn += pieces[i].turn * pieces[i].along;
                weight += pieces[i].along;
                across = std::max(across, pieces[i].across);
            }
        turn /= weight;
        const cv::Point2d u = unit(turn), origin = pieces[root].centre;
        double first = 0, last = 0, sideways = 0;
        bool any = false;
        int count = 0;
        for (std::size_t i = 0; i < n; ++i) {
            if (find(i) != root) continue;
            const cv::Point2d d = pieces[i].centre - origin;
            const double at = d.dot(u);
            first = any ? std::min(first, at - pieces[i].along / 2) : at - pieces[i].along / 2;
            last = any ? std::max(last, at + pieces[i].along / 2) : at + pieces[i].along / 2;
            sideways += -d.x * u.y + d.y * u.x;
            any = true;
            ++count;
        }
        sideways /= count;
        // Words too short to lie along a slant of their own that carry the line on at either end, close
        // to its axis: a day after the separator that parted it ("2028.07." then "19").
        for (bool grew = true; grew;) {
            grew = false;
            for (const cv::Rect& word : words) {
                if (word.height > 2 * across) continue;
                const cv::Point2d d =
                    cv::Point2d(word.x + word.width / 2.0, word.y + word.height / 2.0) - origin;
                if (std::abs(-d.x * u.y + d.y * u.x - sideways) > 0.5 * across) continue;
                double from = 1e9, to = -1e9;
                for (const cv::Point2d corner :
                     {cv::Point2d(word.tl()), cv::Point2d(word.br()), cv::Point2d(word.x, word.br().y),
                      cv::Point2d(word.br().x, word.y)}) {
                    from = std::min(from, (corner - origin).dot(u));
                    to = std::max(to, (corner - origin).dot(u));
                }
                if ((to > last && from < last + 1.5 * across) ||
                    (from < first && to > first - 1.5 * across)) {
                    first = std::min(first, from);
                    last = std::max(last, to);
                    grew = true;
                }
            }
        }
        const double along = last - first;
        if (along < kSteepLineLength * across) continue;
        const cv::Point2d normal(-u.y, u.x);
        found.push_back({origin + u * ((first + last) / 2) + normal * sideways, along, across, turn});
    }
    return found;
}

// The band of `line` measured as the level search's lines are (band_of), from the edges along it: the
// piece it was joined from is thicker or thinner than its print as the joining met the slant.
void measure_band(const cv::Mat& edges, LevelLine& line) {
    const double c = std::cos(radians(line.turn)), s = std::sin(radians(line.turn));
    const double half_along = line.along / 2, half_across = line.across;
    const cv::Point2d reach(std::abs(c) * half_along + std::abs(s) * half_across,
                            std::abs(s) * half_along + std::abs(c) * half_across);
    const cv::Rect box =
        cv::Rect(cv::Point(static_cast<int>(line.mid.x - reach.x), static_cast<int>(line.mid.y - reach.y)),
                 cv::Point(static_cast<int>(line.mid.x + reach.x) + 1,
                           static_cast<int>(line.mid.y + reach.y) + 1)) &
        cv::Rect(0, 0, edges.cols, edges.rows);
    if (box.empty()) return;
    std::vector<cv::Point> points;
    cv::findNonZero(edges(box), points);
    std::erase_if(points, [&](const cv::Point& p) {
        const cv::Point2d at = line.relative(cv::Point2d(p.x + box.x, p.y + box.y));
        return std::abs(at.x) > half_along || std::abs(at.y) > half_across;
    });
    if (points.size() < 10) return;
    const LineBand band = band_of(points, box, line.turn);
    line.mid = cv::Point2d(box.x + band.mid.x, box.y + band.mid.y);
    line.along = band.along;
    line.across = band.across;
}

// Takes `steep` into `lines` unless the level search has it already or it is a diagonal through other
// print; the level search's pieces of it are dropped.
void take_steep_line(const LevelLine& steep, std::vector<LevelLine>& lines) {
    // Where a level line's two ends lie across the steep one's band.
    const auto ends_across = [&](const LevelLine& line) {
        const double c = std::cos(radians(line.turn)), s = std::sin(radians(line.turn));
        const cv::Point2d half(c * line.along / 2, s * line.along / 2);
        return std::pair{steep.relative(line.mid - half), steep.relative(line.mid + half)};
    };
    // A level line cut out across the steep one's glyphs has a band much thicker than a line of print
    // (its glyphs run off it at the slant): a piece of it, not another line.
    const auto thick_piece = [&](const LevelLine& line) {
        const cv::Point2d at = steep.relative(line.mid);
        return line.across > 1.3 * steep.across && std::abs(at.y) < steep.across / 2 &&
               std::abs(at.x) < steep.along / 2;
    };
    // A level line that runs through the band from one side to the other: the steep line is a diagonal
    // through a block of text or a table (glyphs of rows one under the other fall in line at a slant; dev
    // seed 52711, face 16), not a line of its own.
    const auto crosses = [&](const LevelLine& line) {
        if (thick_piece(line)) return false;
        const auto [first, last] = ends_across(line);
        const double reach = 0.75 * steep.across;
        const bool through = (first.y < -reach && last.y > reach) || (first.y > reach && last.y < -reach);
        if (!through) return false;
        const double where = first.x + (last.x - first.x) * (-first.y) / (last.y - first.y);
        return std::abs(where) < steep.along / 2;
    };
    // A whole line of the level search's, running its own way, in the band: the steep line is its glyphs
    // and its neighbours' in line at a slant (dev seed 52711, face 30).
    const auto whole_line_in_band = [&](const LevelLine& line) {
        if (thick_piece(line)) return false;
        const cv::Point2d at = steep.relative(line.mid);
        return std::abs(line.turn - steep.turn) > 10 && line.along >= 3 * line.across &&
               std::abs(at.y) < (steep.across + line.across) / 2 && std::abs(at.x) < steep.along / 2;
    };
    // The level search has it when one of its lines runs the same way along the same band, and as far
    // within a glyph: a day set a space apart ("有效期至 2028.07. 14" at 30°) is in the steep line and
    // not in the level search's, which gave the month's last day (red team rt54 F3).
    const auto same_line = [&](const LevelLine& line) {
        const cv::Point2d at = steep.relative(line.mid);
        return std::abs(line.turn - steep.turn) < 6 && std::abs(at.y) < steep.across / 2 &&
               line.along >= steep.along - steep.across;
    };
    if (std::any_of(lines.begin(), lines.end(), [&](const LevelLine& line) {
            return crosses(line) || whole_line_in_band(line) || same_line(line);
        }))
        return;
    // The level search's pieces of it: thick pieces, and lines no longer than a few glyphs, or running its
    // way, that lie within its band from end to end.
    std::erase_if(lines, [&](const LevelLine& line) {
        if (thick_piece(line)) return true;
        const auto [first, last] = ends_across(line);
        const bool piece = std::abs(line.turn - steep.turn) <= 10 || line.along < 3 * line.across;
        return piece && std::abs(first.y) < steep.across && std::abs(last.y) < steep.across &&
               std::abs(first.x) < steep.along / 2 + steep.across &&
               std::abs(last.x) < steep.along / 2 + steep.across;
    });
    lines.push_back(steep);
}

}  // namespace

cv::Point2f LineBox::at(float along, float across) const {
    const float c = static_cast<float>(std::cos(radians(angle_degrees)));
    const float s = static_cast<float>(std::sin(radians(angle_degrees)));
    const float a = along * length, b = across * height;
    return centre + cv::Point2f(c * a - s * b, s * a + c * b);
}

FoundLines find_text_lines(const cv::Mat& grey, const std::optional<Quad>& roi) {
    FoundLines found;
    if (grey.empty() || grey.cols < 32 || grey.rows < 32) return found;
    const cv::Rect whole(0, 0, grey.cols, grey.rows);
    cv::Rect area = whole;
    if (roi) {
        std::vector<cv::Point2f> corners(roi->begin(), roi->end());
        area = cv::boundingRect(corners) & whole;
        if (area.width < 16 || area.height < 16) return found;
    }
    const double scale = std::min(1.0, static_cast<double>(kWorkWidth) / grey.cols);
    cv::Mat small;
    cv::resize(grey(area), small, cv::Size(), scale, scale, cv::INTER_AREA);
    cv::Mat inside;
    if (roi) {
        inside = cv::Mat::zeros(small.size(), CV_8U);
        std::vector<cv::Point> polygon;
        for (const auto& p : *roi)
            polygon.emplace_back(static_cast<int>(std::lround((p.x - static_cast<double>(area.x)) * scale)),
                                 static_cast<int>(std::lround((p.y - static_cast<double>(area.y)) * scale)));
        cv::fillConvexPoly(inside, polygon, cv::Scalar(255));
    }
    found.skew_degrees = estimate_skew(small, inside);

    // Level the work image so lines run horizontally; the canvas grows to keep the corners.
    const cv::Point2f centre(static_cast<float>(small.cols) / 2.0f, static_cast<float>(small.rows) / 2.0f);
    cv::Mat rotation = cv::getRotationMatrix2D(centre, found.skew_degrees, 1.0);
    const cv::Rect2f bounds =
        cv::RotatedRect(centre, small.size(), static_cast<float>(found.skew_degrees)).boundingRect2f();
    rotation.at<double>(0, 2) += bounds.width / 2.0 - centre.x;
    rotation.at<double>(1, 2) += bounds.height / 2.0 - centre.y;
    const cv::Size level_size(static_cast<int>(bounds.width), static_cast<int>(bounds.height));
    cv::Mat level, level_inside;
    cv::warpAffine(small, level, rotation, level_size, cv::INTER_LINEAR, cv::BORDER_REPLICATE);
    cv::warpAffine(inside.empty() ? cv::Mat(small.size(), CV_8U, cv::Scalar(255)) : inside, level_inside,
                   rotation, level_size, cv::INTER_NEAREST, cv::BORDER_CONSTANT, cv::Scalar(0));
    cv::erode(level_inside, level_inside, cv::Mat(), {-1, -1}, 2);

    erase_rules(level);
    cv::Mat gradient;
    cv::morphologyEx(level, gradient, cv::MORPH_GRADIENT,
                     cv::getStructuringElement(cv::MORPH_ELLIPSE, {3, 3}));
    gradient.setTo(0, level_inside == 0);
    // Thresholds from the pixels inside only: the levelled canvas's corners (and what lies outside
    // the region) are flat and would pull Otsu's cut down into the background's texture.
    std::vector<std::uint8_t> values;
    values.reserve(static_cast<std::size_t>(gradient.total() / 4 + 1));
    for (int y = 0; y < gradient.rows; y += 2) {
        const auto* g = gradient.ptr<std::uint8_t>(y);
        const auto* in = level_inside.ptr<std::uint8_t>(y);
        for (int x = 0; x < gradient.cols; x += 2)
            if (in[x]) values.push_back(g[x]);
    }
    if (values.size() < 64) return found;
    cv::Mat sample(1, static_cast<int>(values.size()), CV_8U, values.data()), ignored;
    const double strong_at = cv::threshold(sample, ignored, 0, 255, cv::THRESH_BINARY | cv::THRESH_OTSU);
    cv::Mat strong;
    cv::threshold(gradient, strong, strong_at, 255, cv::THRESH_BINARY);
    std::vector<cv::Rect> boxes;
    cv::Mat edges = cv::Mat::zeros(gradient.size(), CV_8U);
    std::vector<Slanted> slanted;
    std::vector<cv::Rect> strong_words;
    auto add_lines = [&](const cv::Mat& mask, std::vector<Slanted>* slanted_out,
                         std::vector<cv::Rect>* words_out) {
        cv::Mat cleaned = mask.clone();
        const std::vector<cv::Rect> found_here = lines_in(cleaned, slanted_out, words_out);
        edges |= cleaned;
        for (const cv::Rect& line : found_here) {
            bool duplicate = false;
            for (const cv::Rect& kept : boxes)
                if (overlap_ratio(kept, line) > 0.5) {
                    duplicate = true;
                    break;
                }
            if (!duplicate) boxes.push_back(line);
        }
    };
    add_lines(strong, &slanted, &strong_words);
    {
        const auto middle = values.begin() + static_cast<long>(values.size() / 2);
        std::nth_element(values.begin(), middle, values.end());
        const double paper = *middle;
        const double weak_at = std::max(paper * 2.5 + 6, strong_at * 0.4);
        if (weak_at < strong_at * 0.8) {
            cv::Mat weak;
            cv::threshold(gradient, weak, weak_at, 255, cv::THRESH_BINARY);
            add_lines(weak, nullptr, nullptr);
        }
        // Faint print (embossed, grey on grey, light inkjet): edges below the weak threshold that still
        // stand well above their own surroundings. A texture (wood grain, fabric) is about as strong all
        // around, so the comparison keeps it out; print on plain paper is not. Only lines apart from
        // those already found are taken: the pass is for what the two above missed.
        const double faint_at = std::max(paper * 1.5 + 3, strong_at * 0.22);
        if (faint_at < weak_at * 0.8) {
            cv::Mat surroundings;
            cv::blur(gradient, surroundings, cv::Size(41, 41));
            cv::Mat faint = (gradient > faint_at) & (gradient > surroundings * kFaintAboveSurroundings);
            const std::vector<cv::Rect> found_here = lines_in(faint);
            const std::size_t before = boxes.size();
            // Faint print is a field of a face whose other print was found: among those lines, not out in
            // the background (a busy texture's faint edges make lines of noise).
            std::vector<cv::Point> centres, hull;
            for (const cv::Rect& kept : boxes)
                centres.emplace_back(kept.x + kept.width / 2, kept.y + kept.height / 2);
            if (centres.size() >= 3) cv::convexHull(centres, hull);
            std::vector<cv::Rect> taken;
            for (const cv::Rect& line : found_here) {
                const cv::Point2f line_centre(
                    static_cast<float>(line.x) + static_cast<float>(line.width) / 2,
                    static_cast<float>(line.y) + static_cast<float>(line.height) / 2);
                if (hull.size() < 3 || cv::pointPolygonTest(hull, line_centre, true) < -2.0 * line.height)
                    continue;
                const bool apart = std::none_of(
                    boxes.begin(), boxes.begin() + static_cast<long>(before),
                    [&](const cv::Rect& kept) { return (kept & line).area() * 5 > line.area(); });
                if (!apart) continue;
                taken.push_back(line);
            }
            // Each line costs its cut and binarisation before any is read, within the frame's budget: on a
            // face with a busy pattern of its own, only the few whose edges are densest (print's strokes)
            // are kept.
            const auto density = [&](const cv::Rect& line) {
                return static_cast<double>(cv::countNonZero(faint(line))) / std::max(1, line.area());
            };
            std::stable_sort(taken.begin(), taken.end(),
                             [&](const cv::Rect& a, const cv::Rect& b) { return density(a) > density(b); });
            if (taken.size() > kMostFaintLines) taken.resize(kMostFaintLines);
            for (const cv::Rect& line : taken) {
                boxes.push_back(line);
                edges(line) |= faint(line);
            }
        }
    }

    // Each line's own direction (perspective turns lines a little), from its edge pixels.
    cv::Mat back;
    cv::invertAffineTransform(rotation, back);
    const double grow = 1.0 / scale;
    int typical_box_height = 0;
    if (!boxes.empty()) {
        std::vector<int> heights;
        for (const cv::Rect& box : boxes) heights.push_back(box.height);
        std::nth_element(heights.begin(), heights.begin() + static_cast<long>(heights.size() / 2),
                         heights.end());
        typical_box_height = heights[heights.size() / 2];
    }
    std::vector<LevelLine> level_lines;
    for (const cv::Rect& box : boxes) {
        std::vector<cv::Point> points;
        cv::findNonZero(edges(box), points);
        LineBand band{0, cv::Point2d(box.width / 2.0, box.height / 2.0), static_cast<double>(box.width),
                      static_cast<double>(box.height)};
        if (points.size() >= 10) {
            // Column-wise centre of the ink → a straight fit → the residual angle.
            std::vector<double> sum(static_cast<std::size_t>(box.width), 0),
                count(static_cast<std::size_t>(box.width), 0);
            for (const auto& p : points) {
                sum[static_cast<std::size_t>(p.x)] += p.y;
                count[static_cast<std::size_t>(p.x)] += 1;
            }
            std::vector<cv::Point2f> centres;
            for (int x = 0; x < box.width; ++x)
                if (count[static_cast<std::size_t>(x)] > 0)
                    centres.emplace_back(static_cast<float>(x),
                                         static_cast<float>(sum[static_cast<std::size_t>(x)] /
                                                            count[static_cast<std::size_t>(x)]));
            double fitted_angle = 0;
            if (centres.size() >= 8 && box.width * 10 >= box.height * 14) {
                cv::Vec4f fitted;
                cv::fitLine(centres, fitted, cv::DIST_HUBER, 0, 0.01, 0.01);
                fitted_angle = std::atan2(fitted[1], fitted[0]) * 180.0 / CV_PI;
                if (fitted_angle > 90) fitted_angle -= 180;
                if (fitted_angle < -90) fitted_angle += 180;
            }
            // Long lines turned a little by perspective.
            const double small_turn =
                box.width >= 4 * box.height
                    ? std::clamp(fitted_angle, -kMostPerspectiveTurn, kMostPerspectiveTurn)
                    : 0.0;
            band = band_of(points, box, small_turn);
            // A line printed askew on the face (a label stuck on at an angle, an inkjet head set crooked):
            // its own direction when along it the ink makes a band much thinner than across the face's.
            // Looked for where the fit turns away from the face's lines, or the box is much taller than
            // the face's lines are (a sticker's line 8° askew, fitted at 3°: dev seed 52711, face 33).
            const bool tall = box.height * 10 >= typical_box_height * 18;
            if ((tall || std::abs(fitted_angle - small_turn) > 4) && std::abs(fitted_angle) <= kMostOwnTurn &&
                box.width * 10 >= box.height * 14) {
                const LineBand own = band_of(points, box, sharpest_turn(points, box));
                if (own.across < kThinnerBandAlongItsOwnTurn * band.across) band = own;
            }
        }
        level_lines.push_back(
            {cv::Point2d(box.x + band.mid.x, box.y + band.mid.y), band.along, band.across, band.turn});
    }
    // Steep lines in print smaller than the face's own lines are a background's pattern (a security print
    // of small diagonal text: read, they crowded the face's own lines out of the frame's budget; red team
    // rt52 C11); an askew sticker's or label's print is no smaller than the rest. The few thickest only.
    std::vector<LevelLine> steep = steep_lines(slanted, strong_words);
    for (LevelLine& line : steep) measure_band(edges, line);
    if (!level_lines.empty()) {
        std::vector<double> thickness;
        for (const LevelLine& line : level_lines) thickness.push_back(line.across);
        std::nth_element(thickness.begin(), thickness.begin() + static_cast<long>(thickness.size() / 2),
                         thickness.end());
        const double typical = thickness[thickness.size() / 2];
        std::erase_if(steep, [&](const LevelLine& line) { return line.across < kSteepAsThickAs * typical; });
    }
    std::sort(steep.begin(), steep.end(),
              [](const LevelLine& a, const LevelLine& b) { return a.across > b.across; });
    if (steep.size() > kMostSteepLines) steep.resize(kMostSteepLines);
    for (const LevelLine& line : steep) take_steep_line(line, level_lines);
    for (const LevelLine& level_line : level_lines) {
        const cv::Point2d& mid = level_line.mid;
        const cv::Point2d in_small(
            back.at<double>(0, 0) * mid.x + back.at<double>(0, 1) * mid.y + back.at<double>(0, 2),
            back.at<double>(1, 0) * mid.x + back.at<double>(1, 1) * mid.y + back.at<double>(1, 2));
        LineBox line;
        line.centre = cv::Point2f(static_cast<float>(in_small.x * grow + area.x),
                                  static_cast<float>(in_small.y * grow + area.y));
        line.length = static_cast<float>(level_line.along * grow);
        line.height = static_cast<float>(level_line.across * grow);
        line.angle_degrees = static_cast<float>(found.skew_degrees + level_line.turn);
        if (roi) {
            std::vector<cv::Point2f> corners(roi->begin(), roi->end());
            if (cv::pointPolygonTest(corners, line.centre, false) < 0) continue;
        }
        found.lines.push_back(line);
    }
    return found;
}

cv::Mat cut_out_line(const cv::Mat& grey, const LineBox& line, int text_height,
                     const std::optional<Quad>& roi, float from, float to) {
    const double k = text_height / std::max(1.0, static_cast<double>(line.height));
    const double margin = 0.35 * line.height;
    const double length = std::max(1.0f, (to - from) * line.length);
    const int out_w = std::max(8, static_cast<int>(std::lround((length + 2 * margin) * k)));
    const int out_h = std::max(8, static_cast<int>(std::lround((line.height + 2 * margin) * k)));
    const cv::Point2f mid = line.at((from + to) / 2 - 0.5f, 0);
    const double c = std::cos(radians(line.angle_degrees)), s = std::sin(radians(line.angle_degrees));
    // Output (u, v) → frame (x, y), for WARP_INVERSE_MAP.
    cv::Mat map =
        (cv::Mat_<double>(2, 3) << c / k, -s / k, mid.x - (c * out_w / 2.0 - s * out_h / 2.0) / k,  //
         s / k, c / k, mid.y - (s * out_w / 2.0 + c * out_h / 2.0) / k);
    cv::Mat out;
    cv::warpAffine(grey, out, map, cv::Size(out_w, out_h),
                   (k > 1 ? cv::INTER_CUBIC : cv::INTER_LINEAR) | cv::WARP_INVERSE_MAP, cv::BORDER_REPLICATE);
    if (roi) {
        cv::Mat forward;
        cv::invertAffineTransform(map, forward);
        std::vector<cv::Point2f> corners(roi->begin(), roi->end()), moved;
        cv::transform(corners, moved, forward);
        std::vector<cv::Point> polygon;
        for (const auto& p : moved)
            polygon.emplace_back(static_cast<int>(std::lround(p.x)), static_cast<int>(std::lround(p.y)));
        cv::Mat inside = cv::Mat::zeros(out.size(), CV_8U);
        cv::fillConvexPoly(inside, polygon, cv::Scalar(255));
        if (cv::countNonZero(inside) < static_cast<int>(inside.total() / 4)) return cv::Mat();
        if (cv::countNonZero(inside) < static_cast<int>(inside.total())) {
            cv::Mat values;
            out.copyTo(values);
            values.setTo(cv::mean(out, inside)[0], inside == 0);
            out = values;
        }
    }
    return out;
}

cv::Mat normalise_line(const cv::Mat& crop) {
    if (crop.empty()) return {};
    cv::Mat binary;
    cv::threshold(crop, binary, 0, 255, cv::THRESH_BINARY | cv::THRESH_OTSU);
    cv::Mat work = crop.clone();
    // Text is the minority class: light print on a dark patch is turned into dark on light.
    if (cv::countNonZero(binary) < static_cast<int>(binary.total() / 2)) cv::bitwise_not(work, work);
    // Flatten the ground: a closing wider than a character stroke removes the print and leaves the
    // light falling across the line; dividing by it evens out glare and shadow.
    const int reach = std::max(3, crop.rows / 3) | 1;
    cv::Mat ground;
    cv::morphologyEx(work, ground, cv::MORPH_CLOSE,
                     cv::getStructuringElement(cv::MORPH_RECT, {reach, reach}));
    cv::blur(ground, ground, cv::Size(reach, reach));
    cv::Mat flat;
    work.convertTo(flat, CV_32F);
    ground.convertTo(ground, CV_32F);
    cv::max(ground, 1.0, ground);
    cv::divide(flat, ground, flat, 255.0);
    cv::Mat out;
    flat.convertTo(out, CV_8U);
    // Stretch: the darkest print to black, the ground to white.
    std::vector<std::uint8_t> values(out.begin<std::uint8_t>(), out.end<std::uint8_t>());
    const auto nth = [&](double f) {
        auto it = values.begin() + static_cast<long>(f * static_cast<double>(values.size() - 1));
        std::nth_element(values.begin(), it, values.end());
        return static_cast<double>(*it);
    };
    const double ink = nth(0.02), paper = nth(0.6);
    if (paper - ink < 12) return {};
    out.convertTo(out, CV_8U, 255.0 / (paper - ink), -ink * 255.0 / (paper - ink));
    return out;
}

cv::Mat join_dots(const cv::Mat& normalised) {
    const int reach = std::max(3, normalised.rows / 16) | 1;
    cv::Mat joined;
    // Dark dots grow into each other (erode spreads the minimum), then shrink back to stroke width.
    cv::erode(normalised, joined, cv::getStructuringElement(cv::MORPH_ELLIPSE, {reach, reach}));
    cv::dilate(joined, joined,
               cv::getStructuringElement(cv::MORPH_ELLIPSE,
                                         {std::max(1, reach - 2) | 1, std::max(1, reach - 2) | 1}));
    cv::GaussianBlur(joined, joined, cv::Size(3, 3), 0);
    return joined;
}

cv::Mat local_threshold(const cv::Mat& normalised) {
    const int block = std::max(15, normalised.rows) | 1;
    cv::Mat binary;
    cv::adaptiveThreshold(normalised, binary, 255, cv::ADAPTIVE_THRESH_MEAN_C, cv::THRESH_BINARY, block, 12);
    return binary;
}

std::vector<CellSide> remove_rules(cv::Mat& normalised) {
    if (normalised.empty()) return {};
    // Faint counts too: a border half erased by the line finder is still read as "1" or "|".
    const cv::Mat ink = normalised < 215;
    // Print spans about 60% of the crop's height (margins above and below); a cell's side spans it
    // all, possibly a few degrees off vertical (perspective): thin line kernels at a few slants.
    const int reach = normalised.rows * 80 / 100;
    cv::Mat rules = cv::Mat::zeros(ink.size(), CV_8U);
    for (const int lean : {-8, -5, -3, -1, 0, 1, 3, 5, 8}) {
        const int width = std::abs(lean) + 1;
        cv::Mat kernel = cv::Mat::zeros(reach, width, CV_8U);
        cv::line(kernel, {lean < 0 ? width - 1 : 0, 0}, {lean < 0 ? 0 : width - 1, reach - 1}, cv::Scalar(1));
        cv::Mat opened;
        cv::morphologyEx(ink, opened, cv::MORPH_OPEN, kernel);
        rules |= opened;
    }
    // Where the cells' sides stand: before rows through the print join the mask and cover every column.
    std::vector<CellSide> sides;
    cv::Mat side_columns;
    cv::reduce(rules / 255, side_columns, 0, cv::REDUCE_SUM, CV_32S);
    for (int x = 0; x < side_columns.cols;) {
        if (side_columns.at<int>(0, x) == 0) {
            ++x;
            continue;
        }
        const int first = x;
        while (x < side_columns.cols && side_columns.at<int>(0, x) > 0) ++x;
        sides.push_back({first, x - 1});
    }
    // A rule along the line is an unbroken run of ink two text heights long or more, looked at with the
    // rows beside it so that one a degree or two off is still a run. Above or below the print (in the
    // crop's margins) only its own ink is erased, never the strokes it touches: a "2" that lost its base
    // to an underline read as a "7" (red team red34b W1). Through the print, a row is erased whole only
    // when most of it is ink as well (a strike through the line). A row of print can be as dark in sum
    // (the bottom row of a dot-matrix "01/2032" is) but breaks between glyphs: erased, it cut the
    // value's digits in half.
    const cv::Mat dark = normalised < 128;
    cv::Mat near_rows;
    cv::dilate(dark, near_rows, cv::getStructuringElement(cv::MORPH_RECT, {1, 3}));
    const int long_run = std::min(normalised.cols / 2, normalised.rows * 12 / 10);
    const int print_top = normalised.rows * 18 / 100, print_bottom = normalised.rows - print_top;
    cv::Mat along = cv::Mat::zeros(ink.size(), CV_8U);
    for (int y = 0; y < normalised.rows; ++y) {
        const bool in_print = y >= print_top && y < print_bottom;
        const uchar* row = near_rows.ptr<uchar>(y);
        int start = 0, run = 0, gap = 0, longest = 0;
        for (int x = 0; x <= normalised.cols; ++x) {
            if (x < normalised.cols && row[x]) {
                if (run == 0) start = x;
                run += gap + 1;
                gap = 0;
                continue;
            }
            if (x < normalised.cols && run > 0 && ++gap <= 1) continue;
            longest = std::max(longest, run);
            if (!in_print && run >= long_run) {
                const cv::Range span(start, start + run);
                cv::Mat target = along.row(y).colRange(span);
                target.setTo(255, dark.row(y).colRange(span));
            }
            run = 0;
            gap = 0;
        }
        if (in_print && longest >= long_run && cv::countNonZero(dark.row(y)) >= normalised.cols * 6 / 10)
            rules.row(y).setTo(255);
    }
    cv::dilate(rules, rules, cv::Mat());
    cv::dilate(along, along, cv::Mat());
    along.rowRange(print_top, print_bottom).setTo(0);
    normalised.setTo(255, rules | along);
    return sides;
}

int digit_run(const cv::Mat& normalised, int text_height) {
    if (normalised.empty()) return 0;
    cv::Mat ink;
    cv::threshold(normalised, ink, 0, 255, cv::THRESH_BINARY_INV | cv::THRESH_OTSU);
    cv::Mat labels, stats, centroids;
    const int count = cv::connectedComponentsWithStats(ink, labels, stats, centroids, 8);
    struct Mark {
        int x, w, h;
    };
    std::vector<Mark> marks;
    const double middle = normalised.rows / 2.0;
    for (int i = 1; i < count; ++i) {
        const int w = stats.at<int>(i, cv::CC_STAT_WIDTH), h = stats.at<int>(i, cv::CC_STAT_HEIGHT);
        const int top = stats.at<int>(i, cv::CC_STAT_TOP);
        // A digit is about 0.7 of the line's text height (Chinese characters fill it) and narrow.
        if (h < text_height * 0.45 || h > text_height * 1.1) continue;
        if (w < h * 0.2 || w > h * 0.85) continue;
        if (std::abs(top + h / 2.0 - middle) > text_height * 0.35) continue;
        marks.push_back({stats.at<int>(i, cv::CC_STAT_LEFT), w, h});
    }
    std::sort(marks.begin(), marks.end(), [](const Mark& a, const Mark& b) { return a.x < b.x; });
    int best = 0, run = 0;
    for (std::size_t i = 0; i < marks.size(); ++i) {
        const bool continues =
            i > 0 && marks[i].x - (marks[i - 1].x + marks[i - 1].w) < marks[i].h &&
            std::abs(marks[i].h - marks[i - 1].h) * 5 <= std::max(marks[i].h, marks[i - 1].h);
        run = continues ? run + 1 : 1;
        best = std::max(best, run);
    }
    return best;
}

bool looks_like_text(const cv::Mat& normalised, int text_height) {
    if (normalised.empty()) return false;
    cv::Mat ink;
    cv::threshold(normalised, ink, 0, 255, cv::THRESH_BINARY_INV | cv::THRESH_OTSU);
    cv::Mat labels, stats, centroids;
    const int count = cv::connectedComponentsWithStats(ink, labels, stats, centroids, 8);
    int glyphs = 0, stripes = 0;
    for (int i = 1; i < count; ++i) {
        const int w = stats.at<int>(i, cv::CC_STAT_WIDTH), h = stats.at<int>(i, cv::CC_STAT_HEIGHT);
        if (h >= text_height * 0.3 && h <= text_height * 1.4 && w <= text_height * 2.5) ++glyphs;
        if (w > text_height * 3 && h < text_height * 0.35) ++stripes;
    }
    return glyphs >= 2 && stripes <= glyphs;
}

bool looks_dotted(const cv::Mat& normalised) {
    cv::Mat ink;
    cv::threshold(normalised, ink, 0, 255, cv::THRESH_BINARY_INV | cv::THRESH_OTSU);
    cv::Mat labels, stats, centroids;
    const int count = cv::connectedComponentsWithStats(ink, labels, stats, centroids, 8);
    if (count < 24) return false;
    // Dots are small and round, and most of the ink is in them; broken thin strokes are not round.
    const double text_height = normalised.rows * 0.6;  // margins above and below
    int dots = 0;
    for (int i = 1; i < count; ++i) {
        const int w = stats.at<int>(i, cv::CC_STAT_WIDTH), h = stats.at<int>(i, cv::CC_STAT_HEIGHT);
        if (h < text_height * 0.22 && w < text_height * 0.22 && w * 2 >= h && h * 2 >= w) ++dots;
    }
    return dots * 10 >= (count - 1) * 6;
}

}  // namespace medkiosk::scanner::ocr::detail
