// Issue 16: the printed expiry is read only inside the box that carries the code being asked about.
#include "medkiosk/kiosk/box_region.hpp"

#include <gtest/gtest.h>

#include <cmath>

#include "medkiosk/kiosk/donation_flow.hpp"

namespace medkiosk::kiosk {
namespace {

// A code of `w` × `h` pixels centred on (cx, cy), turned by `degrees`.
scanner::DecodedSymbol code(const std::string& text, float cx, float cy, float w, float h,
                            float degrees = 0) {
    scanner::DecodedSymbol symbol;
    symbol.format = "EAN-13";
    symbol.text = text;
    const float a = degrees * 3.14159265f / 180.0f;
    const float along[4] = {-w / 2, w / 2, w / 2, -w / 2};
    const float across[4] = {-h / 2, -h / 2, h / 2, h / 2};
    for (int i = 0; i < 4; ++i) {
        symbol.corners[i].x = cx + along[i] * std::cos(a) - across[i] * std::sin(a);
        symbol.corners[i].y = cy + along[i] * std::sin(a) + across[i] * std::cos(a);
    }
    return symbol;
}

TEST(BoxRegion, CoversTheFaceAroundTheCodeAndTheLineUnderIt) {
    const auto a = code("6901234567892", 400, 300, 200, 100);
    const auto region = box_region({a}, code_key(a), 1280, 720);
    ASSERT_TRUE(region);
    EXPECT_TRUE(contains(*region, {400, 300}));
    EXPECT_TRUE(contains(*region, {400, 420})) << "the EXP line printed under the code";
    EXPECT_TRUE(contains(*region, {220, 300})) << "beside it";
    EXPECT_FALSE(contains(*region, {1000, 300})) << "far across the frame";
    for (const auto& corner : *region) {
        EXPECT_GE(corner.x, 0);
        EXPECT_GE(corner.y, 0);
        EXPECT_LE(corner.x, 1279);
        EXPECT_LE(corner.y, 719);
    }
}

TEST(BoxRegion, StopsHalfWayToAnotherBoxsCode) {
    const auto a = code("6901234567892", 300, 360, 160, 90);
    const auto b = code("6909876543217", 700, 360, 160, 90);
    const auto region_a = box_region({a, b}, code_key(a), 1280, 720);
    const auto region_b = box_region({a, b}, code_key(b), 1280, 720);
    ASSERT_TRUE(region_a && region_b);
    // Text printed under each code belongs to its own box only.
    EXPECT_TRUE(contains(*region_a, {300, 450}));
    EXPECT_FALSE(contains(*region_a, {700, 450}));
    EXPECT_TRUE(contains(*region_b, {700, 450}));
    EXPECT_FALSE(contains(*region_b, {300, 450}));
    for (int i = 0; i < 4; ++i) EXPECT_FALSE(contains(*region_a, {b.corners[i].x, b.corners[i].y}));
    // Without the other box in the frame, the region reaches where it would have been.
    EXPECT_TRUE(contains(*box_region({a}, code_key(a), 1280, 720), {560, 360}));
}

TEST(BoxRegion, FollowsATurnedBox) {
    const auto a = code("6901234567892", 640, 360, 100, 60, 30);  // the box held at 30°
    const auto region = box_region({a}, code_key(a), 1280, 720);
    ASSERT_TRUE(region);
    // Its edges run along the code's: the first edge is parallel to the code's top edge.
    const float code_dx = a.corners[1].x - a.corners[0].x;
    const float code_dy = a.corners[1].y - a.corners[0].y;
    const float dx = (*region)[1].x - (*region)[0].x;
    const float dy = (*region)[1].y - (*region)[0].y;
    EXPECT_NEAR(code_dx * dy - code_dy * dx, 0.0f, 1e-2f * std::hypot(dx, dy) * std::hypot(code_dx, code_dy));
    // "Under the code" on the turned box is down and to the left.
    const float a30 = 30 * 3.14159265f / 180;
    EXPECT_TRUE(contains(*region, {640 - 90 * std::sin(a30), 360 + 90 * std::cos(a30)}));
}

TEST(BoxRegion, NoRegionForACodeNotInTheFrame) {
    const auto a = code("6901234567892", 400, 300, 200, 100);
    EXPECT_FALSE(box_region({a}, "EAN-13\n6909876543217", 1280, 720));
    EXPECT_FALSE(box_region({}, code_key(a), 1280, 720));
    EXPECT_FALSE(box_region({a}, "", 1280, 720));
}

}  // namespace
}  // namespace medkiosk::kiosk
