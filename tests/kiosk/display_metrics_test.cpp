// Issue 16, elder-first sizes: millimetres from the monitor's report, the configured diagonal, or a
// conservative typical panel; body text with capitals ≥ 3 mm and touch targets ≥ 11 mm from them.

#include "medkiosk/kiosk/display_metrics.hpp"

#include <gtest/gtest.h>

#include <cmath>

namespace {

using medkiosk::kiosk::compute_display_metrics;
using medkiosk::kiosk::DisplayInputs;
using medkiosk::kiosk::DisplaySizeSource;

constexpr double kNotoCapPerPx = 733.0 / 1448.0;  // Noto Sans CJK SC: cap height / (ascent − descent)

DisplayInputs inputs(int w, int h, int w_mm, int h_mm, double configured = 0) {
    return DisplayInputs{w, h, w_mm, h_mm, configured};
}

// What a person measures on the glass, from the pixels and the panel's real size.
double cap_mm_on_panel(float body_px, double panel_mm_per_px) {
    return body_px * kNotoCapPerPx * panel_mm_per_px;
}

TEST(DisplayMetrics, AMonitorThatReportsItsSizeIsBelieved) {
    // A 10.1" 1280x800 panel: 217 x 136 mm.
    const auto m = compute_display_metrics(inputs(1280, 800, 217, 136), kNotoCapPerPx);
    EXPECT_EQ(m.source, DisplaySizeSource::Monitor);
    EXPECT_NEAR(m.mm_per_px, 217.0 / 1280.0, 0.001);
    EXPECT_GE(cap_mm_on_panel(m.body_px, m.mm_per_px), 3.0);
    EXPECT_LT(cap_mm_on_panel(m.body_px - 1, m.mm_per_px), 3.0) << "no bigger than needed";
    EXPECT_GE(m.min_touch_px * m.mm_per_px, 11.0);
    EXPECT_LT((m.min_touch_px - 1) * m.mm_per_px, 11.0);
    EXPECT_NEAR(m.cap_height_mm, cap_mm_on_panel(m.body_px, m.mm_per_px), 1e-9);
}

TEST(DisplayMetrics, NoSizeReportedAssumesASmallPanelForTheResolution) {
    struct Case {
        int w, h;
        double inches;
    };
    for (const Case c : {Case{1024, 600, 7.0}, Case{1280, 800, 10.1}, Case{1920, 1080, 21.5},
                         Case{800, 1280, 10.1}, Case{600, 1024, 7.0}}) {
        const auto m = compute_display_metrics(inputs(c.w, c.h, 0, 0), kNotoCapPerPx);
        EXPECT_EQ(m.source, DisplaySizeSource::Assumed) << c.w << "x" << c.h;
        EXPECT_DOUBLE_EQ(m.diagonal_inches, c.inches) << c.w << "x" << c.h;
        EXPECT_NEAR(m.mm_per_px, c.inches * 25.4 / std::hypot(c.w, c.h), 1e-9);
        EXPECT_GE(m.cap_height_mm, 3.0) << c.w << "x" << c.h;
        EXPECT_GE(m.min_touch_px * m.mm_per_px, 11.0) << c.w << "x" << c.h;
    }
    // 7" at 1024x600 is 0.15 mm a pixel: 20 px capitals, a 40 px font, 74 px targets.
    const auto small = compute_display_metrics(inputs(1024, 600, 0, 0), kNotoCapPerPx);
    EXPECT_EQ(small.body_px, 40.0f);
    EXPECT_EQ(small.min_touch_px, 74.0f);
}

TEST(DisplayMetrics, PortraitIsSizedLikeLandscapeByItsShortSide) {
    const auto landscape = compute_display_metrics(inputs(1280, 800, 0, 0), kNotoCapPerPx);
    const auto portrait = compute_display_metrics(inputs(800, 1280, 0, 0), kNotoCapPerPx);
    EXPECT_EQ(portrait.body_px, landscape.body_px);
    EXPECT_EQ(portrait.min_touch_px, landscape.min_touch_px);
    // A portrait monitor that reports its size the right way round is believed.
    EXPECT_EQ(compute_display_metrics(inputs(800, 1280, 136, 217), kNotoCapPerPx).source,
              DisplaySizeSource::Monitor);
}

TEST(DisplayMetrics, ImplausibleReportsAreNotBelieved) {
    // Xvfb and X servers without a size: GLFW reports the pixels at 96 dpi.
    EXPECT_EQ(compute_display_metrics(inputs(1024, 600, 270, 158), kNotoCapPerPx).source,
              DisplaySizeSource::Assumed);
    EXPECT_EQ(compute_display_metrics(inputs(800, 1280, 211, 338), kNotoCapPerPx).source,
              DisplaySizeSource::Assumed);
    // A television's EDID (a 65" panel) on a kiosk's HDMI port; an EDID with only the aspect in cm.
    EXPECT_EQ(compute_display_metrics(inputs(1920, 1080, 1439, 809), kNotoCapPerPx).source,
              DisplaySizeSource::Assumed);
    EXPECT_EQ(compute_display_metrics(inputs(1920, 1080, 16, 9), kNotoCapPerPx).source,
              DisplaySizeSource::Assumed);
    // Millimetres whose aspect ratio disagrees with the pixels (portrait pixels, landscape size).
    EXPECT_EQ(compute_display_metrics(inputs(800, 1280, 217, 136), kNotoCapPerPx).source,
              DisplaySizeSource::Assumed);
    // Negative or half-missing sizes.
    EXPECT_EQ(compute_display_metrics(inputs(1280, 800, 217, 0), kNotoCapPerPx).source,
              DisplaySizeSource::Assumed);
    EXPECT_EQ(compute_display_metrics(inputs(1280, 800, -217, -136), kNotoCapPerPx).source,
              DisplaySizeSource::Assumed);
    // Assumed means bigger text than the bogus size would have given.
    const auto from_tv = compute_display_metrics(inputs(1920, 1080, 1439, 809), kNotoCapPerPx);
    EXPECT_GE(from_tv.cap_height_mm, 3.0);
    EXPECT_DOUBLE_EQ(from_tv.diagonal_inches, 21.5);
}

TEST(DisplayMetrics, TheConfiguredDiagonalWinsOverTheMonitor) {
    const auto m = compute_display_metrics(inputs(1280, 800, 217, 136, 15.6), kNotoCapPerPx);
    EXPECT_EQ(m.source, DisplaySizeSource::Config);
    EXPECT_DOUBLE_EQ(m.diagonal_inches, 15.6);
    EXPECT_NEAR(m.mm_per_px, 15.6 * 25.4 / std::hypot(1280, 800), 1e-9);
    // A bigger panel than the 10.1" assumed: fewer pixels for the same millimetres.
    const auto assumed = compute_display_metrics(inputs(1280, 800, 0, 0), kNotoCapPerPx);
    EXPECT_LT(m.min_touch_px, assumed.min_touch_px);
    EXPECT_GE(m.min_touch_px * m.mm_per_px, 11.0);
}

TEST(DisplayMetrics, TheBodySizeComesFromTheFontsMeasuredCapitals) {
    // A font with taller capitals needs a smaller size for the same 3 mm.
    const auto noto = compute_display_metrics(inputs(1280, 800, 0, 0), kNotoCapPerPx);
    const auto tall_caps = compute_display_metrics(inputs(1280, 800, 0, 0), 0.70);
    EXPECT_LT(tall_caps.body_px, noto.body_px);
    EXPECT_GE(tall_caps.cap_height_mm, 3.0);
    // A measurement that makes no sense is treated as small capitals: bigger text, never smaller.
    EXPECT_GE(compute_display_metrics(inputs(1280, 800, 0, 0), 0.0).body_px, noto.body_px);
}

TEST(DisplayMetrics, LargeScreensKeepTheSizeTheLayoutsWereDrawnFor) {
    // A 21.5" 1080p panel needs only 24 px for 3 mm capitals; the layouts use 1/30 of the short side.
    const auto m = compute_display_metrics(inputs(1920, 1080, 476, 268), kNotoCapPerPx);
    EXPECT_EQ(m.source, DisplaySizeSource::Monitor);
    EXPECT_EQ(m.body_px, 36.0f);
}

TEST(DisplayMetrics, LargerTextIsAQuarterBigger) {
    const auto m = compute_display_metrics(inputs(1280, 800, 0, 0), kNotoCapPerPx);
    EXPECT_EQ(m.body_px_for(false), m.body_px);
    EXPECT_NEAR(m.body_px_for(true), m.body_px * 1.25f, 0.5f);
    EXPECT_GE(m.body_px_for(true) * kNotoCapPerPx * m.mm_per_px, 3.75 - 0.1);
}

}  // namespace
