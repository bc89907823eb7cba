#pragma once
// Drives the real kiosk under Xvfb as a person does: real X input (xdotool) on the rectangles the kiosk
// logs with MEDKIOSK_LOG_BUTTONS=1, the screen it says it shows, and screenshots. Shared by the
// donation, staff and technician scripts.

#include <gtest/gtest.h>

#include <chrono>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "support/process.hpp"
#include "xvfb.hpp"

namespace medkiosk::test {

struct Rect {
    int x = 0, y = 0, w = 0, h = 0;
    // "below"/"above": a scrolling area shows the button only in part (the rectangle is that part) or
    // not at all (0x0 at the area's edge); click() scrolls it into view first, as a person would.
    std::string hidden;
};

class KioskDriver {
  public:
    // `settle`: how long after a click the next step waits, so the kiosk has drawn its answer; `paint`:
    // how long before a screenshot. The donation script runs against the demo camera's pace (a pack
    // every 5 s): longer waits there let the next pack arrive before the script acts on this one.
    KioskDriver(const Xvfb& x, BackgroundProcess& kiosk, std::string shots_dir,
                std::chrono::milliseconds settle = std::chrono::milliseconds(300),
                std::chrono::milliseconds paint = std::chrono::milliseconds(250));

    std::string screen() const;  // the last `event=screen name=…` the kiosk logged
    bool wait_screen(const std::string& name,
                     std::chrono::milliseconds timeout = std::chrono::seconds(20)) const;
    // The newest rectangle the kiosk logged for button or field `id` on `screen_name`.
    std::optional<Rect> button(const std::string& screen_name, const std::string& id) const;
    // Every rectangle it logged for them after byte `from` of its output, oldest first (it logs one
    // when the button appears or moves).
    std::vector<Rect> buttons_logged_since(std::size_t from, const std::string& screen_name,
                                           const std::string& id) const;

    // Whether button `id` on `screen_name` stays where it is (no new rectangle logged) for twice the settle
    // time within `timeout`: a list reflowing as a bar comes in moves its rows more than once, and a click
    // on a row's place before the last move lands on something else.
    bool wait_in_place(const std::string& screen_name, const std::string& id,
                       std::chrono::milliseconds timeout = std::chrono::seconds(10)) const;

    // The smallest touch target the kiosk computed for this screen (11 mm), from its event=display line.
    std::optional<int> min_touch_px() const;

    // Clicks the middle of a button once the kiosk shows `screen_name` and has laid it out; fails on a
    // target under the kiosk's own 11 mm (min_touch_px).
    ::testing::AssertionResult click(const std::string& screen_name, const std::string& id);
    // The same on whatever screen is shown now.
    ::testing::AssertionResult click(const std::string& id) { return click(screen(), id); }
    // Clicks a button that leads to another screen, again if a loaded machine dropped the tap.
    ::testing::AssertionResult click_to(const std::string& screen_name, const std::string& id,
                                        const std::string& next);
    // Replaces a text field's content as a technician with a keyboard does.
    ::testing::AssertionResult type_into(const std::string& id, const std::string& text);

    void focus() const;                 // keyboard focus to the kiosk's window
    void key(const std::string& name);  // one key press (xdotool key names), focused first
    // A key (or chord, "ctrl+a") held until the kiosk has seen it held in a frame, then released.
    void hold_key(const std::string& name);
    void type(const std::string& text);  // typed into the focused widget
    void move_pointer(int x, int y);     // e.g. off the buttons before a screenshot (no hover colour)
    // Presses and holds at (x, y) past the hidden entry's 3 s (staff: the top-left corner; technician:
    // the top-right corner), with room for a loaded machine that draws its frames late.
    void hold_corner(int x, int y);
    void scroll(int x, int y, int notches, bool down);

    void shot(const std::string& name);  // SHOTS_DIR/name.png after a frame or two
    // Before each shot, move the pointer here, off the buttons (a hover colour is not what a user sees).
    void park_pointer_for_shots(int x, int y) { park_ = std::make_pair(x, y); }
    // This screen in `lang`, then in `other` with the screen's own switch, then back.
    void shots_both_languages(const std::string& name, const std::string& lang, const std::string& other);

  private:
    const Xvfb& x_;
    BackgroundProcess& kiosk_;
    std::string shots_;
    std::chrono::milliseconds settle_;
    std::chrono::milliseconds paint_;
    std::optional<std::pair<int, int>> park_;
};

}  // namespace medkiosk::test
