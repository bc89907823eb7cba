// The palette meets WCAG 2.x AAA contrast (≥ 7:1) for every text/background pair the screens use, and
// a disabled button's label is still ≥ 4.5:1 on its face (issue 16).
#include <gtest/gtest.h>

#include <cmath>

#include "widgets.hpp"

namespace medkiosk::ui {
namespace {

double channel(float c) {
    const double v = c;
    return v <= 0.03928 ? v / 12.92 : std::pow((v + 0.055) / 1.055, 2.4);
}

double luminance(const ImVec4& colour) {
    return 0.2126 * channel(colour.x) + 0.7152 * channel(colour.y) + 0.0722 * channel(colour.z);
}

double contrast(const ImVec4& a, const ImVec4& b) {
    const double la = luminance(a);
    const double lb = luminance(b);
    return (std::max(la, lb) + 0.05) / (std::min(la, lb) + 0.05);
}

const ImVec4 kWhite{1, 1, 1, 1};                     // only for checking the formula against known values
const ImVec4 kFieldFace{0.92f, 0.92f, 0.92f, 1.0f};  // ApplyKioskStyle's FrameBg

TEST(Palette, TheContrastFormulaMatchesKnownValues) {
    EXPECT_NEAR(contrast(ImVec4(0, 0, 0, 1), kWhite), 21.0, 0.01);
    EXPECT_NEAR(contrast(kWhite, kWhite), 1.0, 1e-9);
    EXPECT_NEAR(contrast(ImVec4(0.4627f, 0.4627f, 0.4627f, 1), kWhite), 4.54, 0.02);  // #767676
}

struct Pair {
    const char* name;
    ImVec4 foreground;
    ImVec4 background;
};

TEST(Palette, EveryTextPairReachesSevenToOne) {
    const Pair pairs[] = {
        {"text on background", colours::text, colours::background},
        {"muted text on background", colours::muted_text, colours::background},
        {"primary (next step) on background", colours::primary, colours::background},
        {"accept word on background", colours::accept, colours::background},
        {"refuse word on background", colours::refuse, colours::background},
        {"review word on background", colours::review, colours::background},
        {"label on primary button", colours::on_colour_text, colours::primary},
        {"label on accept button", colours::on_colour_text, colours::accept},
        {"label on refuse button", colours::on_colour_text, colours::refuse},
        {"label on review button", colours::on_colour_text, colours::review},
        {"label on neutral button", colours::on_colour_text, colours::neutral},
        {"label on the camera area", colours::on_colour_text, colours::preview_bg},
        {"text on panel", colours::text, colours::panel},
        {"muted text on panel", colours::muted_text, colours::panel},
        {"accept word on panel", colours::accept, colours::panel},
        {"refuse word on panel", colours::refuse, colours::panel},
        {"text on chosen choice", colours::text, colours::chosen_choice},
        {"text on unchosen choice", colours::text, colours::panel},
        {"primary (next step) on panel", colours::primary, colours::panel},
        {"review word on panel", colours::review, colours::panel},
        {"text on a text field", colours::text, kFieldFace},
        {"text on a touched choice", colours::text, ImVec4(0.80f, 0.87f, 0.95f, 1)},  // ChoiceButton
    };
    for (const auto& pair : pairs) {
        EXPECT_GE(contrast(pair.foreground, pair.background), 7.0)
            << pair.name << ": " << contrast(pair.foreground, pair.background);
    }
}

// A finger resting on a touch screen leaves a button "hovered": BigButton darkens it by 10 % (20 %
// while pressed), so its label keeps at least the resting contrast.
TEST(Palette, TouchedButtonsKeepTheirContrast) {
    for (const ImVec4& face :
         {colours::primary, colours::accept, colours::refuse, colours::review, colours::neutral}) {
        for (const float darken : {0.9f, 0.8f}) {
            const ImVec4 touched(face.x * darken, face.y * darken, face.z * darken, 1);
            EXPECT_GE(contrast(colours::on_colour_text, touched), 7.0);
        }
    }
}

TEST(Palette, DisabledButtonsReachFourAndAHalfToOneAndLookDifferent) {
    EXPECT_GE(contrast(colours::disabled_text, colours::disabled_face), 4.5)
        << contrast(colours::disabled_text, colours::disabled_face);
    // Not mistaken for a working button: a light face where the working ones are dark or white.
    for (const ImVec4& face : {colours::primary, colours::accept, colours::refuse, colours::review,
                               colours::neutral, colours::panel}) {
        EXPECT_GE(contrast(colours::disabled_face, face), 1.2);
    }
}

}  // namespace
}  // namespace medkiosk::ui
