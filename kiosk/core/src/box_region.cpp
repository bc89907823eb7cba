#include "medkiosk/kiosk/box_region.hpp"

#include <algorithm>
#include <cmath>

#include "medkiosk/kiosk/donation_flow.hpp"

namespace medkiosk::kiosk {
namespace {

struct Vec {
    float x = 0;
    float y = 0;
};
Vec operator-(Vec a, Vec b) {
    return {a.x - b.x, a.y - b.y};
}
Vec operator+(Vec a, Vec b) {
    return {a.x + b.x, a.y + b.y};
}
Vec operator*(Vec a, float k) {
    return {a.x * k, a.y * k};
}
float dot(Vec a, Vec b) {
    return a.x * b.x + a.y * b.y;
}
float length(Vec a) {
    return std::sqrt(dot(a, a));
}

Vec corner(const scanner::DecodedSymbol& symbol, int i) {
    return {symbol.corners[i].x, symbol.corners[i].y};
}

Vec centre(const scanner::DecodedSymbol& symbol) {
    Vec sum;
    for (int i = 0; i < 4; ++i) sum = sum + corner(symbol, i);
    return sum * 0.25f;
}

}  // namespace

std::optional<FrameQuad> box_region(const std::vector<scanner::DecodedSymbol>& symbols,
                                    const std::string& code, int frame_width, int frame_height,
                                    const BoxRegionOptions& options) {
    const auto found =
        std::find_if(symbols.begin(), symbols.end(),
                     [&](const scanner::DecodedSymbol& symbol) { return code_key(symbol) == code; });
    if (code.empty() || found == symbols.end() || frame_width <= 0 || frame_height <= 0) return std::nullopt;
    const scanner::DecodedSymbol& own = *found;
    // The code's own axes: along its top edge and down its left edge (a 1D code's corners span its bars).
    const Vec c = centre(own);
    Vec u = (corner(own, 1) - corner(own, 0)) + (corner(own, 2) - corner(own, 3));
    Vec v = (corner(own, 3) - corner(own, 0)) + (corner(own, 2) - corner(own, 1));
    const float width = length(u) * 0.5f;
    float height = length(v) * 0.5f;
    if (width < 1.0f) return std::nullopt;
    u = u * (1.0f / (2.0f * width));
    if (height < 1.0f) {  // a 1D code reported as a line: its height across it is unknown
        v = {-u.y, u.x};
        height = width * 0.3f;
    } else {
        v = v * (1.0f / (2.0f * height));
    }
    const float reach = options.reach * std::max(width, height);
    // Extents along u and v, measured from the code's centre.
    float left = -(width * 0.5f + reach);
    float right = width * 0.5f + reach;
    float top = -(height * 0.5f + reach);
    float bottom = height * 0.5f + reach;
    for (const auto& other : symbols) {
        if (&other == &own || code_key(other) == code) continue;
        const Vec d = centre(other) - c;
        const float du = dot(d, u);
        const float dv = dot(d, v);
        // The side the other code lies on: cut that side half-way, never into the code itself.
        if (std::abs(du) / right >= std::abs(dv) / bottom) {
            if (du > 0)
                right = std::min(right, std::max(width * 0.5f, du * 0.5f));
            else
                left = std::max(left, std::min(-width * 0.5f, du * 0.5f));
        } else {
            if (dv > 0)
                bottom = std::min(bottom, std::max(height * 0.5f, dv * 0.5f));
            else
                top = std::max(top, std::min(-height * 0.5f, dv * 0.5f));
        }
    }
    FrameQuad quad;
    const float along[4] = {left, right, right, left};
    const float across[4] = {top, top, bottom, bottom};
    for (int i = 0; i < 4; ++i) {
        const Vec p = c + u * along[i] + v * across[i];
        quad[static_cast<std::size_t>(i)] = {std::clamp(p.x, 0.0f, static_cast<float>(frame_width - 1)),
                                             std::clamp(p.y, 0.0f, static_cast<float>(frame_height - 1))};
    }
    return quad;
}

bool contains(const FrameQuad& quad, FramePoint point) {
    // Inside a convex quadrilateral: on the same side of all four edges.
    int sign = 0;
    for (std::size_t i = 0; i < 4; ++i) {
        const FramePoint a = quad[i];
        const FramePoint b = quad[(i + 1) % 4];
        const float cross = (b.x - a.x) * (point.y - a.y) - (b.y - a.y) * (point.x - a.x);
        const int side = cross > 0 ? 1 : cross < 0 ? -1 : 0;
        if (side == 0) continue;
        if (sign == 0) sign = side;
        if (side != sign) return false;
    }
    return true;
}

}  // namespace medkiosk::kiosk
