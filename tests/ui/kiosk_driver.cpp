#include "kiosk_driver.hpp"

#include <algorithm>
#include <regex>
#include <thread>

namespace medkiosk::test {

using namespace std::chrono_literals;

KioskDriver::KioskDriver(const Xvfb& x, BackgroundProcess& kiosk, std::string shots_dir,
                         std::chrono::milliseconds settle, std::chrono::milliseconds paint)
    : x_(x), kiosk_(kiosk), shots_(std::move(shots_dir)), settle_(settle), paint_(paint) {}

std::string KioskDriver::screen() const {
    const std::string out = kiosk_.output();
    static const std::regex pattern("event=screen name=([a-z-]+)");
    std::string last;
    for (std::sregex_iterator it(out.begin(), out.end(), pattern), end; it != end; ++it)
        last = (*it)[1].str();
    return last;
}

bool KioskDriver::wait_screen(const std::string& name, std::chrono::milliseconds timeout) const {
    for (const auto until = std::chrono::steady_clock::now() + timeout;
         std::chrono::steady_clock::now() < until;) {
        if (screen() == name) return true;
        std::this_thread::sleep_for(50ms);
    }
    return false;
}

std::optional<Rect> KioskDriver::button(const std::string& screen_name, const std::string& id) const {
    const std::vector<Rect> logged = buttons_logged_since(0, screen_name, id);
    if (logged.empty()) return std::nullopt;
    return logged.back();
}

std::vector<Rect> KioskDriver::buttons_logged_since(std::size_t from, const std::string& screen_name,
                                                    const std::string& id) const {
    const std::string whole = kiosk_.output();
    const std::string out = from < whole.size() ? whole.substr(from) : std::string();
    const std::regex pattern("event=button screen=" + screen_name + " id=" + id +
                             " x=(-?\\d+) y=(-?\\d+) w=(\\d+) h=(\\d+)(?: hidden=([a-z]+))?");
    std::vector<Rect> found;
    for (std::sregex_iterator it(out.begin(), out.end(), pattern), end; it != end; ++it)
        found.push_back(Rect{std::stoi((*it)[1]), std::stoi((*it)[2]), std::stoi((*it)[3]),
                             std::stoi((*it)[4]), (*it)[5].str()});
    return found;
}

bool KioskDriver::wait_in_place(const std::string& screen_name, const std::string& id,
                                std::chrono::milliseconds timeout) const {
    const auto until = std::chrono::steady_clock::now() + timeout;
    std::size_t moves = buttons_logged_since(0, screen_name, id).size();
    auto since = std::chrono::steady_clock::now();
    while (std::chrono::steady_clock::now() < until) {
        std::this_thread::sleep_for(50ms);
        const std::size_t now_moves = buttons_logged_since(0, screen_name, id).size();
        if (now_moves != moves) {
            moves = now_moves;
            since = std::chrono::steady_clock::now();
        } else if (moves > 0 && std::chrono::steady_clock::now() - since >= 2 * settle_) {
            return true;
        }
    }
    return false;
}

std::optional<int> KioskDriver::min_touch_px() const {
    static const std::regex pattern("event=display [^\n]*min_touch_px=(\\d+)");
    const std::string out = kiosk_.output();
    std::smatch match;
    if (!std::regex_search(out, match, pattern)) return std::nullopt;
    return std::stoi(match[1]);
}

::testing::AssertionResult KioskDriver::click(const std::string& screen_name, const std::string& id) {
    if (!wait_screen(screen_name)) {
        return ::testing::AssertionFailure()
               << "screen " << screen_name << " never came; at " << screen() << "\n"
               << kiosk_.output();
    }
    std::optional<Rect> rect;
    for (int i = 0; i < 100 && !(rect = button(screen_name, id)); ++i) std::this_thread::sleep_for(50ms);
    if (!rect)
        return ::testing::AssertionFailure() << "no " << id << " on " << screen_name << "\n"
                                             << kiosk_.output();
    // Scrolled out of view (a long technician form, larger text on a small screen): the wheel over it
    // brings it in, a notch at a time.
    for (int notch = 0; notch < 30 && !rect->hidden.empty(); ++notch) {
        const int inside = rect->hidden == "below" ? -4 : 4;
        scroll(rect->x + std::max(rect->w / 2, 4), rect->y + (rect->h > 0 ? rect->h / 2 : inside), 1,
               rect->hidden == "below");
        rect = button(screen_name, id);
    }
    if (!rect->hidden.empty())
        return ::testing::AssertionFailure()
               << id << " on " << screen_name << " stays out of view (" << rect->hidden << ")";
    const std::optional<int> least = min_touch_px();
    if (!least)
        return ::testing::AssertionFailure() << "the kiosk logged no event=display min_touch_px=…\n"
                                             << kiosk_.output();
    if (rect->w < *least || rect->h < *least)
        return ::testing::AssertionFailure() << id << " on " << screen_name << " is only " << rect->w << "x"
                                             << rect->h << " px (< 11 mm = " << *least << " px here)";
    // The kiosk logs each press and release it sees. A click whose press never showed (two clicks in one
    // frame of a loaded machine) did nothing and is sent again; the next click waits for the release, so
    // that it cannot fall into the same frame.
    for (int attempt = 0; attempt < 3; ++attempt) {
        const std::size_t before = kiosk_.output().size();
        x_.run({"/usr/bin/xdotool", "mousemove", std::to_string(rect->x + rect->w / 2),
                std::to_string(rect->y + rect->h / 2), "click", "1"});
        bool pressed = false;
        for (const auto until = std::chrono::steady_clock::now() + 5s;
             std::chrono::steady_clock::now() < until;) {
            const std::string out = kiosk_.output();
            const std::size_t down = out.find("event=pointer screen=", before);
            pressed = down != std::string::npos;
            if (pressed && out.find(" phase=up", down) != std::string::npos) {
                std::this_thread::sleep_for(settle_);
                return ::testing::AssertionSuccess();
            }
            std::this_thread::sleep_for(20ms);
        }
        if (pressed) break;  // pressed but no release in 5 s: a second click could act twice
    }
    return ::testing::AssertionFailure()
           << "the kiosk did not see the click on " << id << " on " << screen_name << "\n"
           << kiosk_.output();
}

::testing::AssertionResult KioskDriver::click_to(const std::string& screen_name, const std::string& id,
                                                 const std::string& next) {
    for (int attempt = 0; attempt < 3; ++attempt) {
        if (screen() != screen_name && attempt > 0) break;
        const std::size_t before = kiosk_.output().size();
        auto clicked = click(screen_name, id);
        if (!clicked) return clicked;
        // `next` came after the tap, even if the kiosk has moved on since (the demo's next pack).
        for (const auto until = std::chrono::steady_clock::now() + 4s;
             std::chrono::steady_clock::now() < until;) {
            const std::string out = kiosk_.output();
            for (auto at = out.find("event=screen name=" + next, before); at != std::string::npos;
                 at = out.find("event=screen name=" + next, at + 1)) {
                const std::size_t end = at + std::string("event=screen name=").size() + next.size();
                if (end == out.size() || out[end] == '\n' || out[end] == ' ')
                    return ::testing::AssertionSuccess();
            }
            std::this_thread::sleep_for(50ms);
        }
    }
    return ::testing::AssertionFailure()
           << id << " on " << screen_name << " did not lead to " << next << "; at " << screen() << "\n"
           << kiosk_.output();
}

::testing::AssertionResult KioskDriver::type_into(const std::string& id, const std::string& text) {
    auto clicked = click(id);
    if (!clicked) return clicked;
    std::this_thread::sleep_for(300ms);  // the field is active (and the on-screen keyboard open) first
    hold_key("ctrl+a");
    hold_key("BackSpace");
    x_.run({"/usr/bin/xdotool", "type", "--delay", "10", text});
    // The tap opened the on-screen keyboard over the bottom of the screen; Enter closes it keeping the
    // text (as its Done key does), so the buttons under it can be clicked again.
    hold_key("Return");
    std::this_thread::sleep_for(300ms);
    return ::testing::AssertionSuccess();
}

void KioskDriver::hold_key(const std::string& name) {
    // Dear ImGui 1.86 sees a key as held once a frame: a press and release that fall between two frames of
    // a loaded machine are lost. Released only once the kiosk has logged a frame with every key of the
    // chord held (a frame may come between Ctrl's press and A's), and the next key waits for a frame with
    // none.
    const auto keys = static_cast<std::size_t>(std::count(name.begin(), name.end(), '+') + 1);
    const auto logged_after = [&](std::size_t from, bool held) {
        for (const auto until = std::chrono::steady_clock::now() + 5s;
             std::chrono::steady_clock::now() < until;) {
            const std::string out = kiosk_.output();
            for (std::size_t at = out.find("event=keys ", from); at != std::string::npos;
                 at = out.find("event=keys ", at + 1)) {
                const std::size_t end = out.find('\n', at);
                if (end == std::string::npos) break;
                const std::string line = out.substr(at, end - at);
                const std::size_t list = line.find("held=");
                if (list == std::string::npos) continue;
                const std::string value = line.substr(list + 5);
                const std::size_t count =
                    value == "\"\""
                        ? 0
                        : static_cast<std::size_t>(std::count(value.begin(), value.end(), ',') + 1);
                if (held ? count >= keys : count == 0) return end;
            }
            std::this_thread::sleep_for(20ms);
        }
        return std::string::npos;
    };
    std::size_t from = kiosk_.output().size();
    x_.run({"/usr/bin/xdotool", "keydown", name});
    if (const std::size_t down = logged_after(from, true); down != std::string::npos) from = down;
    x_.run({"/usr/bin/xdotool", "keyup", name});
    logged_after(from, false);
}

void KioskDriver::focus() const {
    x_.run({"/usr/bin/xdotool", "search", "--sync", "--name", "medkiosk", "windowfocus", "--sync"});
}

void KioskDriver::key(const std::string& name) {
    focus();
    x_.run({"/usr/bin/xdotool", "key", name});
    std::this_thread::sleep_for(150ms);
}

void KioskDriver::type(const std::string& text) {
    x_.run({"/usr/bin/xdotool", "type", "--delay", "40", text});
}

void KioskDriver::move_pointer(int x, int y) {
    x_.run({"/usr/bin/xdotool", "mousemove", std::to_string(x), std::to_string(y)});
}

void KioskDriver::hold_corner(int x, int y) {
    // The kiosk opens the PIN pad on the first frame it draws with the press held 3 s. A hold of 3.4 s
    // left 0.4 s for that frame, and under load in CI none came in time ("pin" never shown).
    x_.run({"/usr/bin/xdotool", "mousemove", std::to_string(x), std::to_string(y), "mousedown", "1", "sleep",
            "4.5", "mouseup", "1"});
}

void KioskDriver::scroll(int x, int y, int notches, bool down) {
    x_.run({"/usr/bin/xdotool", "mousemove", std::to_string(x), std::to_string(y), "click", "--repeat",
            std::to_string(notches), "--delay", "30", down ? "5" : "4"});
    std::this_thread::sleep_for(300ms);
}

void KioskDriver::shot(const std::string& name) {
    if (park_) move_pointer(park_->first, park_->second);
    std::this_thread::sleep_for(paint_);  // the answer and a frame or two painted
    EXPECT_TRUE(x_.screenshot(shots_ + "/" + name + ".png")) << name;
}

void KioskDriver::shots_both_languages(const std::string& name, const std::string& lang,
                                       const std::string& other) {
    const std::string screen_name = screen();
    shot(name + "-" + lang);
    ASSERT_TRUE(click(screen_name, "language"));
    shot(name + "-" + other);
    ASSERT_TRUE(click(screen_name, "language"));
}

}  // namespace medkiosk::test
