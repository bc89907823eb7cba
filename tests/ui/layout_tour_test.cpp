// Issue 16 items 5 and 8: every screen state at 1024x600, 1280x800, 1920x1080 and portrait 800x1280,
// in both languages (the donor's screens also with larger text), lies inside the window with nothing
// clipped or overlapping, and the Chinese screens hold no English word and no ASCII punctuation in a
// sentence. The real kiosk under Xvfb is driven through its screens by real X input; it checks each
// state it draws itself (MEDKIOSK_LOG_LAYOUT=1, kiosk/ui/src/layout_report.hpp: the glyphs read back
// from ImGui's draw data, the buttons and fields from the widgets) and logs every problem; this test
// fails listing them all. Each step waits for the kiosk's own `event=layout` line of the state it
// expects (logged once the state has stayed for two frames) instead of sleeping.
// Two cases a size: the donor's screens, and the staff's and technician's, so that each can be gated
// on its own; a third, the clinic-mode screens (issue 17), at the two tightest sizes only.
// Screenshots of each state and the kiosk's log go to build/screenshots/layout/<size>/.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <optional>
#include <regex>
#include <set>
#include <thread>
#include <tuple>

#include "clinic_device.hpp"
#include "kiosk_driver.hpp"
#include "support/process.hpp"
#include "support/temp_dir.hpp"
#include "synthetic_codes.hpp"
#include "xvfb.hpp"

namespace medkiosk::test {
namespace {

using namespace std::chrono_literals;

struct TourSize {
    int width;
    int height;
    // The technician's screen speaks the welcome screen's language and has no switch of its own: one
    // sign-in a size checks it in one language, English (the longer words) on the two tight sizes,
    // Chinese (its Latin-word and punctuation checks do not depend on the size) on the others.
    std::string technician_lang;
};

std::string size_name(const TourSize& size) {
    return std::to_string(size.width) + "x" + std::to_string(size.height);
}

void PrintTo(const TourSize& size, std::ostream* out) {
    *out << size_name(size) << " (technician in " << size.technician_lang << ")";
}

// The sample catalogue, so the boxes shown have names.
void import_catalogue(const std::filesystem::path& dir) {
    const auto imported =
        run_ctl({"catalog", "import", std::string(MEDKIOSK_ASSETS_DIR) + "/catalogue/sample_catalogue.csv",
                 "--data-dir", dir.string()});
    ASSERT_EQ(imported.exit_code, 0) << imported.out << imported.err;
}

// A ledger with something on every staff screen: users for both roles, the sample catalogue, packs
// accepted and one waiting for the pharmacist, the county's clinics.
void prepare_staff_data(const std::filesystem::path& dir, const std::string& pepper) {
    for (const auto& [login, role, pin] :
         {std::tuple{"wang", "staff", "2468"}, std::tuple{"li", "technician", "1357"}}) {
        const auto added = run_ctl(
            {"users", "add", login, "--role", role, "--data-dir", dir.string(), "--pepper-file", pepper},
            std::string(pin) + "\n");
        ASSERT_EQ(added.exit_code, 0) << added.out << added.err;
    }
    import_catalogue(dir);
    if (::testing::Test::HasFatalFailure()) return;
    for (const auto& [line, quantity] : {std::pair{"(01)06900000000014(17)270331(10)A1(21)SA", "2"},
                                         std::pair{"(01)06999999999997(17)290131(10)C1(21)SC", "1"},
                                         std::pair{"(01)06900000000021(17)280131(10)D1(21)SD", "1"}}) {
        const auto recorded =
            run_ctl({"record", "--data-dir", dir.string(), "--quantity", quantity}, std::string(line) + "\n");
        ASSERT_EQ(recorded.exit_code, 0) << recorded.out << recorded.err;
    }
    const auto clinics_csv = dir / "clinics.csv";
    std::ofstream(clinics_csv)
        << ("clinic_id,name_zh,name_en,kind,township_zh,township_en\n"
            "east-thc,东镇卫生院,East Town Health Centre,township-health-centre,东镇,East Town\n"
            "xinan-vc,西南村卫生室,Xinan Village Clinic,village-clinic,西镇,West Town\n");
    const auto clinics =
        run_ctl({"dispatch", "clinics", "import", clinics_csv.string(), "--data-dir", dir.string()});
    ASSERT_EQ(clinics.exit_code, 0) << clinics.out << clinics.err;
}

// Boxes held up to the camera on a plain counter: coloured cartons with a white label and their code
// on the frame's middle line (zxing 1.4 finds a DataMatrix only there). None: the bare counter.
cv::Mat counter_frame(const std::vector<SyntheticCode>& boxes) {
    cv::Mat frame(720, 1280, CV_8UC3, cv::Scalar(120, 140, 160));
    for (std::size_t slot = 0; slot < boxes.size(); ++slot) {
        const int left = boxes.size() == 1 ? 360 : 40 + static_cast<int>(slot) * 640;
        cv::rectangle(frame, cv::Rect(left, 140, 560, 440), cv::Scalar(40, 40, 200), cv::FILLED);
        cv::rectangle(frame, cv::Rect(left + 30, 230, 500, 310), cv::Scalar(250, 250, 250), cv::FILLED);
        cv::Mat symbol = render_symbol(boxes[slot]);
        const bool matrix = boxes[slot].symbology == "gs1-datamatrix";
        cv::resize(symbol, symbol, cv::Size(), matrix ? 7.0 : 3.0, matrix ? 7.0 : 1.6, cv::INTER_NEAREST);
        cv::Mat colour;
        cv::cvtColor(symbol, colour, cv::COLOR_GRAY2BGR);
        colour.copyTo(
            frame(cv::Rect(cv::Point(left + 280 - colour.cols / 2, 360 - colour.rows / 2), colour.size())));
    }
    return frame;
}

// The camera: an `images:` folder of one file, read again for each frame (2 a second), which the test
// replaces (written beside it, then renamed over it) to show what it wants when it wants it.
class Camera {
  public:
    explicit Camera(const std::filesystem::path& dir) : dir_(dir) {
        std::filesystem::create_directories(dir_);
        show({});
    }
    std::string source() const { return "images:" + dir_.string(); }
    void show(const std::vector<SyntheticCode>& boxes) { show_frame(counter_frame(boxes)); }
    void show_frame(const cv::Mat& frame) {
        ASSERT_FALSE(frame.empty()) << "no camera frame to show";
        const auto next = dir_.parent_path() / "next-frame.png";
        ASSERT_TRUE(cv::imwrite(next.string(), frame));
        std::filesystem::rename(next, dir_ / "frame.png");
    }

  private:
    std::filesystem::path dir_;
};

// Every problem the kiosk logged, once each (a state drawn again logs them again).
std::vector<std::string> problems_in(const std::string& log) {
    static const std::regex line("event=layout-problem ([^\n]*)");
    std::vector<std::string> found;
    std::set<std::string> seen;
    for (std::sregex_iterator it(log.begin(), log.end(), line), end; it != end; ++it) {
        std::string text = (*it)[1].str();
        const auto at = text.find(" at=");  // the same text at another place is the same problem
        const std::string key = text.substr(0, at);
        if (seen.insert(key).second) found.push_back(text);
    }
    return found;
}

// screen → the languages a layout check ran in.
std::map<std::string, std::set<std::string>> screens_checked(const std::string& log) {
    static const std::regex line("event=layout screen=([a-z-]+) size=\\S+ lang=([a-z]+)");
    std::map<std::string, std::set<std::string>> found;
    for (std::sregex_iterator it(log.begin(), log.end(), line), end; it != end; ++it)
        found[(*it)[1].str()].insert((*it)[2].str());
    return found;
}

// A screenshot of every state for people to look at (build/screenshots/layout/<size>/), unless
// MEDKIOSK_LAYOUT_SHOTS=0: ctest sets it, the checks need none and ~190 of them cost a minute there.
bool shots_wanted() {
    const char* value = std::getenv("MEDKIOSK_LAYOUT_SHOTS");
    return value == nullptr || std::string(value) != "0";
}

// One kiosk under one Xvfb, driven state by state.
class Tour {
  public:
    Tour(const Xvfb& x, BackgroundProcess& kiosk, const TourSize& size, std::string shots, std::string name)
        : x_(x),
          kiosk_(kiosk),
          size_(size),
          shots_(std::move(shots)),
          name_(std::move(name)),
          // No sleep after a click or before a shot: each step waits for the kiosk's layout line.
          k_(x, kiosk, shots_, 0ms, 0ms) {
        k_.park_pointer_for_shots(size.width / 2, size.height - 2);
    }
    // The kiosk's log beside the screenshots, also when a step failed half-way.
    ~Tour() { std::ofstream(shots_ + "/" + name_ + "-kiosk.log") << kiosk_.output(); }
    Tour(const Tour&) = delete;
    Tour& operator=(const Tour&) = delete;
    KioskDriver& driver() { return k_; }

    // Marks the log: the next `seen` looks only at what the kiosk logged after this.
    void mark() { mark_ = kiosk_.output().size(); }
    // Marks the log at the last `needle` in it: the state it announced may already have been checked
    // by the time the test saw it (the layout line follows the button line within a frame).
    void mark_at_last(const std::string& needle) {
        const std::string out = kiosk_.output();
        const auto at = out.rfind(needle);
        mark_ = at == std::string::npos ? out.size() : at;
    }

    // The kiosk has drawn button `id` on `screen` (within `timeout`); the log is marked at its line, so
    // the next `seen` finds the state that shows it. `why`: what did not happen when it never came.
    ::testing::AssertionResult await_button(const std::string& screen, const std::string& id,
                                            const std::string& why, std::chrono::milliseconds timeout = 15s) {
        for (const auto until = std::chrono::steady_clock::now() + timeout;
             !k_.button(screen, id) && std::chrono::steady_clock::now() < until;)
            std::this_thread::sleep_for(50ms);
        if (!k_.button(screen, id))
            return ::testing::AssertionFailure() << "no " << id << " on " << screen << ": " << why << "\n"
                                                 << kiosk_.output();
        mark_at_last("event=button screen=" + screen + " id=" + id + " ");
        return ::testing::AssertionSuccess();
    }
    // A tap whose outcome the kiosk logs as `outcome` (within 10 s); the log is marked before the tap.
    ::testing::AssertionResult tap_until_logged(const std::string& screen, const std::string& id,
                                                const std::string& outcome) {
        mark();
        if (auto clicked = k_.click(screen, id); !clicked) return clicked;
        if (!kiosk_.wait_for_output(outcome, 10s))
            return ::testing::AssertionFailure() << "no " << outcome << " after " << id << "\n"
                                                 << kiosk_.output();
        return ::testing::AssertionSuccess();
    }

    // The kiosk has checked a state of `screen` in `lang` since the mark; its screenshot as `name`.
    ::testing::AssertionResult seen(const std::string& screen, const std::string& lang,
                                    const std::string& name, std::chrono::milliseconds timeout = 10s) {
        const std::regex line("event=layout screen=" + screen + " size=\\S+ lang=" + lang + " ");
        for (const auto until = std::chrono::steady_clock::now() + timeout;
             std::chrono::steady_clock::now() < until;) {
            const std::string out = kiosk_.output();
            if (std::regex_search(out.begin() + static_cast<std::ptrdiff_t>(std::min(mark_, out.size())),
                                  out.end(), line)) {
                if (!name.empty() && shots_wanted()) {
                    k_.move_pointer(size_.width / 2, size_.height - 2);  // no hover colour in the shot
                    if (!x_.screenshot(shots_ + "/" + name + ".png"))
                        return ::testing::AssertionFailure() << "no screenshot " << name;
                }
                return ::testing::AssertionSuccess();
            }
            std::this_thread::sleep_for(30ms);
        }
        x_.screenshot(shots_ + "/" + (name.empty() ? screen : name) + "-never-checked.png");
        return ::testing::AssertionFailure() << "the kiosk never checked " << screen << " in " << lang
                                             << " (for " << name << "); at " << k_.screen();
    }

    // A tap, then the state it leads to checked.
    ::testing::AssertionResult tap(const std::string& screen, const std::string& id, const std::string& next,
                                   const std::string& lang, const std::string& name) {
        mark();
        if (auto clicked = k_.click(screen, id); !clicked) return clicked;
        return seen(next, lang, name);
    }

    // The screen's primary action lies whole inside the window as laid out now, without a scroll: the
    // kiosk's newest rectangle for it (logged whenever it changes) is not cut by a scrolling area and
    // lies within the window.
    ::testing::AssertionResult primary_in_view(const std::string& screen, const std::string& id,
                                               const std::string& state) const {
        const std::optional<Rect> rect = k_.button(screen, id);
        if (!rect)
            return ::testing::AssertionFailure() << "no " << id << " on " << screen << " (" << state << ")";
        if (!rect->hidden.empty() || rect->x < 0 || rect->y < 0 || rect->x + rect->w > size_.width ||
            rect->y + rect->h > size_.height || rect->w == 0 || rect->h == 0) {
            return ::testing::AssertionFailure()
                   << "the primary action " << id << " on " << screen << " (" << state
                   << ") is not whole in view at " << size_name(size_) << ": " << rect->x << "," << rect->y
                   << " " << rect->w << "x" << rect->h
                   << (rect->hidden.empty() ? "" : " hidden " + rect->hidden);
        }
        return ::testing::AssertionSuccess();
    }

    // The state shown now in `lang`, then in the other language, with larger text in both, and back
    // (the donor's screens: each has the language switch and "A+ Larger text"). With `primary`, the
    // screen's primary action is in view in each of them.
    void donor_variants(const std::string& screen, const std::string& name, const std::string& primary = {}) {
        const auto check = [&](const std::string& state) {
            if (primary.empty()) return;
            EXPECT_TRUE(primary_in_view(screen, primary, name + "-" + state));
        };
        ASSERT_TRUE(seen(screen, "zh", name + "-zh"));
        check("zh");
        ASSERT_TRUE(tap(screen, "language", screen, "en", name + "-en"));
        check("en");
        ASSERT_TRUE(tap(screen, "larger", screen, "en", name + "-en-larger"));
        check("en-larger");
        ASSERT_TRUE(tap(screen, "language", screen, "zh", name + "-zh-larger"));
        check("zh-larger");
        ASSERT_TRUE(tap(screen, "larger", screen, "zh", ""));
    }
    // The same in both languages (the staff's screens: no larger text there).
    void both_languages(const std::string& screen, const std::string& name) {
        ASSERT_TRUE(seen(screen, "zh", name + "-zh"));
        ASSERT_TRUE(tap(screen, "language", screen, "en", name + "-en"));
        ASSERT_TRUE(tap(screen, "language", screen, "zh", ""));
    }

    // Holds the hidden corner (top-left: staff, top-right: technician), types the PIN.
    void sign_in(bool technician, const std::string& lang) {
        mark();
        k_.hold_corner(technician ? size_.width - 8 : 8, 8);
        ASSERT_TRUE(seen("pin", lang, std::string(technician ? "technician" : "staff") + "-pin-" + lang));
        k_.focus();
        x_.run({"/usr/bin/xdotool", "type", "--delay", "60", technician ? "1357" : "2468"});
        ASSERT_TRUE(k_.click_to("pin", "ok", technician ? "technician" : "queue"));
    }

  private:
    const Xvfb& x_;
    BackgroundProcess& kiosk_;
    TourSize size_;
    std::string shots_;
    std::string name_;
    KioskDriver k_;
    std::size_t mark_ = 0;
};

class LayoutTour : public ::testing::TestWithParam<TourSize> {
  protected:
    void SetUp() override {
        size_ = GetParam();
        started_ = std::chrono::steady_clock::now();
        shots_ = std::string(MEDKIOSK_SCREENSHOT_DIR) + "/layout/" + size_name(size_);
        std::filesystem::create_directories(shots_);
    }

    std::vector<std::string> env(const Xvfb& x, const std::string& pepper) const {
        return {x.env(), "MEDKIOSK_LOG_BUTTONS=1", "MEDKIOSK_LOG_LAYOUT=1",
                // The OCR stand-in proposes June 2027 for a box whose code has no date.
                "MEDKIOSK_TEST_EXPIRY_PROPOSAL=2027-06,2027-02+derived", "MEDKIOSK_PEPPER_FILE=" + pepper,
                // the logins and clinic ids this test made, shown on the Users and Clinics tabs
                "MEDKIOSK_LAYOUT_DATA_WORDS=wang,li,east-thc,xinan-vc"};
    }

    void phase(const char* part, const char* name) const {
        std::cout << "  " << part << " " << size_name(size_) << " "
                  << std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() -
                                                                           started_)
                         .count()
                  << " ms: " << name << "\n";
    }

    // What the kiosks logged: every screen in `wanted` checked in its languages, and no problem.
    void expect_fits(const char* part, const std::string& log,
                     const std::map<std::string, std::set<std::string>>& wanted) {
        std::cout << "layout tour " << part << " at " << size_name(size_) << ": "
                  << std::chrono::duration_cast<std::chrono::seconds>(std::chrono::steady_clock::now() -
                                                                      started_)
                         .count()
                  << " s\n";
        const auto checked = screens_checked(log);
        for (const auto& [screen, languages] : wanted) {
            for (const auto& lang : languages) {
                const auto found = checked.find(screen);
                EXPECT_TRUE(found != checked.end() && found->second.count(lang))
                    << screen << " was not checked in " << lang;
            }
        }
        const auto problems = problems_in(log);
        std::string listed;
        for (const auto& problem : problems) listed += "  " + problem + "\n";
        EXPECT_TRUE(problems.empty()) << problems.size() << " layout problems on the " << part
                                      << " screens at " << size_name(size_) << ":\n"
                                      << listed;
    }

    TourSize size_;
    std::chrono::steady_clock::time_point started_;
    std::string shots_;
};

TEST_P(LayoutTour, Donor) {
    Xvfb x(size_.width, size_.height);
    ASSERT_TRUE(x.ok()) << x.error();
    TempDir data;
    import_catalogue(data.path());
    if (HasFatalFailure()) return;
    Camera camera(data.path() / "camera");
    if (HasFatalFailure()) return;
    // The shortest idle time a technician can set (30 s): "Still there?" 10 s after the last touch.
    const auto config = data.path() / "kiosk.toml";
    std::ofstream(config) << "[kiosk]\nidle_timeout_seconds = 30\n";
    const std::string pepper = (data.path() / "pin-pepper").string();
    std::string log;
    {
        BackgroundProcess kiosk(
            {MEDKIOSK_PATH, "--windowed", "--size", size_name(size_), "--config", config.string(), "--source",
             camera.source(), "--data-dir", data.path().string(), "--lang", "zh"},
            (data.path() / "kiosk").string(), env(x, pepper));
        Tour tour(x, kiosk, size_, shots_, "donor");
        KioskDriver& k = tour.driver();
        ASSERT_TRUE(tour.seen("welcome", "zh", "welcome-zh", 30s)) << kiosk.output();
        EXPECT_TRUE(tour.primary_in_view("welcome", "start", "welcome-zh"));
        ASSERT_TRUE(tour.tap("welcome", "larger", "welcome", "zh", "welcome-zh-larger"));
        EXPECT_TRUE(tour.primary_in_view("welcome", "start", "welcome-zh-larger"));
        ASSERT_TRUE(tour.tap("welcome", "en", "welcome", "en", "welcome-en-larger"));
        EXPECT_TRUE(tour.primary_in_view("welcome", "start", "welcome-en-larger"));
        ASSERT_TRUE(tour.tap("welcome", "larger", "welcome", "en", "welcome-en"));
        EXPECT_TRUE(tour.primary_in_view("welcome", "start", "welcome-en"));
        ASSERT_TRUE(tour.tap("welcome", "zh", "welcome", "zh", ""));
        phase("donor", "welcome");
        ASSERT_TRUE(tour.tap("welcome", "start", "scan", "zh", ""));
        tour.donor_variants("scan", "scan-looking");
        if (HasFatalFailure()) return;

        // Nothing in view and no touch: "Still there?" over the scan screen after 10 s. Meanwhile, on a
        // screen of its own, a kiosk whose camera is lost: the out-of-order screen, in both languages
        // at once.
        tour.mark();
        {
            Xvfb lost_x(size_.width, size_.height);
            ASSERT_TRUE(lost_x.ok()) << lost_x.error();
            const auto lost_data = data.path() / "lost";
            std::filesystem::create_directories(lost_data);
            BackgroundProcess lost({MEDKIOSK_PATH, "--windowed", "--size", size_name(size_), "--source",
                                    "camera:/dev/video97", "--data-dir", lost_data.string(), "--lang", "zh"},
                                   (data.path() / "kiosk-lost").string(), env(lost_x, pepper));
            Tour lost_tour(lost_x, lost, size_, shots_, "out-of-order");
            ASSERT_TRUE(lost_tour.seen("out-of-order", "zh", "out-of-order-zh", 30s)) << lost.output();
            EXPECT_EQ(lost.stop(), 0);
            log += lost.output();
        }
        ASSERT_TRUE(kiosk.wait_for_output("id=continue", 20s)) << kiosk.output();
        ASSERT_TRUE(tour.seen("scan", "zh", "still-there-zh"));
        ASSERT_TRUE(k.click("scan", "continue"));
        phase("donor", "still there");

        // A GS1 box: accepted; its details; recorded.
        const std::size_t before_box = kiosk.output().size();
        camera.show({gs1_datamatrix_code("SN20261203")});
        for (int i = 0; i < 300 && !k.button("scan", "donate"); ++i) std::this_thread::sleep_for(50ms);
        ASSERT_TRUE(k.button("scan", "donate")) << kiosk.output().substr(before_box);
        tour.mark_at_last("event=button screen=scan id=donate ");
        tour.donor_variants("scan", "scan-accepted", "donate");
        if (HasFatalFailure()) return;
        ASSERT_TRUE(tour.tap("scan", "donate", "details", "zh", ""));
        tour.donor_variants("details", "details", "put");
        if (HasFatalFailure()) return;
        ASSERT_TRUE(k.click_to("details", "put", "scan"));
        ASSERT_TRUE(kiosk.wait_for_output("event=dropoff-recorded", 20s)) << kiosk.output();
        phase("donor", "first box");

        // Two boxes without a date at once: the first one's proposed date, with the other waiting its
        // turn ("one box at a time"); then the donor's own date.
        tour.mark();
        camera.show({ean13_code("690123456789"), code128_code("81234567890123456789")});
        ASSERT_TRUE(k.wait_screen("confirm-expiry", 30s)) << kiosk.output();
        tour.donor_variants("confirm-expiry", "confirm-expiry", "yes");
        if (HasFatalFailure()) return;
        ASSERT_TRUE(tour.tap("confirm-expiry", "no", "ask-expiry", "zh", ""));
        ASSERT_TRUE(tour.tap("ask-expiry", "year-more", "ask-expiry", "zh", ""));
        tour.mark();
        ASSERT_TRUE(k.click("ask-expiry", "month6"));
        tour.donor_variants("ask-expiry", "ask-expiry", "use");
        if (HasFatalFailure()) return;
        ASSERT_TRUE(tour.tap("ask-expiry", "use", "scan", "zh", "scan-picked-zh"));
        // The box that waited, alone in view: a date worked out from production + shelf life, which
        // asks the donor to look for a printed one (a longer text above the same picture and buttons).
        camera.show({code128_code("81234567890123456789")});
        ASSERT_TRUE(k.click("scan", "another"));
        ASSERT_TRUE(k.wait_screen("confirm-expiry", 30s)) << kiosk.output();
        camera.show({});
        tour.donor_variants("confirm-expiry", "confirm-expiry-derived", "yes");
        if (HasFatalFailure()) return;
        tour.mark();
        // Whatever comes next (its verdict): on to the receipt.
        for (int i = 0; i < 40 && k.screen() != "receipt"; ++i) {
            if (k.screen() == "confirm-expiry") {
                k.click("confirm-expiry", "yes");
            } else if (k.screen() == "scan" && k.button("scan", "finish")) {
                k.click("scan", "finish");
            } else if (k.screen() != "scan") {
                k.key("Escape");
            }
            k.wait_screen("receipt", 500ms);
        }
        ASSERT_TRUE(k.wait_screen("receipt")) << kiosk.output();
        tour.donor_variants("receipt", "receipt", "done");
        if (HasFatalFailure()) return;
        ASSERT_TRUE(k.click_to("receipt", "done", "welcome"));
        phase("donor", "second box and receipt");
        EXPECT_EQ(kiosk.stop(), 0);
        log += kiosk.output();
    }
    const std::set<std::string> both{"zh", "en"};
    expect_fits("donor", log,
                {{"welcome", both},
                 {"scan", both},
                 {"details", both},
                 {"confirm-expiry", both},
                 {"ask-expiry", both},
                 {"receipt", both},
                 {"out-of-order", {"zh"}}});  // it shows both languages at once
}

TEST_P(LayoutTour, Staff) {
    Xvfb x(size_.width, size_.height);
    ASSERT_TRUE(x.ok()) << x.error();
    TempDir data;
    const std::string pepper = (data.path() / "pin-pepper").string();
    prepare_staff_data(data.path(), pepper);
    if (HasFatalFailure()) return;
    Camera camera(data.path() / "camera");  // the bare counter: nothing for the donor flow to do
    if (HasFatalFailure()) return;
    phase("staff", "data");
    std::string log;
    {
        BackgroundProcess kiosk({MEDKIOSK_PATH, "--windowed", "--size", size_name(size_), "--source",
                                 camera.source(), "--data-dir", data.path().string(), "--lang", "zh"},
                                (data.path() / "kiosk").string(), env(x, pepper));
        Tour tour(x, kiosk, size_, shots_, "staff");
        KioskDriver& k = tour.driver();
        ASSERT_TRUE(k.wait_screen("welcome", 30s)) << kiosk.output();

        // Staff: queue (and a refusal's undo bar), dispatch, charts, each in both languages.
        tour.sign_in(false, "zh");
        if (HasFatalFailure()) return;
        for (int i = 0; i < 100 && !k.button("queue", "row2"); ++i) std::this_thread::sleep_for(50ms);
        tour.mark_at_last("event=button screen=queue id=row2 ");
        tour.both_languages("queue", "queue");
        if (HasFatalFailure()) return;
        // Each tap waits for the state it leads to: the next button may have moved (no settling sleep).
        ASSERT_TRUE(tour.tap("queue", "row0", "queue", "zh", ""));
        ASSERT_TRUE(k.click("queue", "reject"));
        for (int i = 0; i < 100 && !k.button("queue", "undo"); ++i) std::this_thread::sleep_for(50ms);
        tour.mark_at_last("event=button screen=queue id=undo ");
        tour.both_languages("queue", "queue-undo");
        if (HasFatalFailure()) return;
        ASSERT_TRUE(tour.tap("queue", "undo", "queue", "zh", ""));
        ASSERT_TRUE(tour.tap("queue", "dispatch", "dispatch", "zh", ""));
        tour.both_languages("dispatch", "dispatch");
        if (HasFatalFailure()) return;
        ASSERT_TRUE(k.click_to("dispatch", "back", "queue"));
        ASSERT_TRUE(tour.tap("queue", "charts", "charts", "zh", ""));
        tour.both_languages("charts", "charts");
        if (HasFatalFailure()) return;
        ASSERT_TRUE(k.click_to("charts", "back", "queue"));
        ASSERT_TRUE(k.click_to("queue", "close", "welcome"));
        phase("staff", "staff");

        // The technician: every tab and the on-screen keyboard, in this size's language.
        const std::string& lang = size_.technician_lang;
        if (lang == "en") {
            ASSERT_TRUE(tour.tap("welcome", "en", "welcome", "en", ""));
        }
        tour.sign_in(true, lang);
        if (HasFatalFailure()) return;
        ASSERT_TRUE(tour.seen("technician", lang, "technician-settings-" + lang));
        for (const char* tab : {"camera", "users", "rules", "clinics"}) {
            ASSERT_TRUE(tour.tap("technician", std::string("tab-") + tab, "technician", lang,
                                 std::string("technician-") + tab + "-" + lang));
        }
        ASSERT_TRUE(tour.tap("technician", "tab-settings", "technician", lang, ""));
        // The on-screen keyboard, opened by a tap on a field; Return closes it.
        ASSERT_TRUE(tour.tap("technician", "location", "technician", lang, "technician-keyboard-" + lang));
        k.key("Return");
        ASSERT_TRUE(k.click_to("technician", "close", "welcome"));
        EXPECT_EQ(kiosk.stop(), 0);
        log += kiosk.output();
        phase("staff", "technician");
    }
    const std::string& lang = size_.technician_lang;
    expect_fits("staff", log,
                {{"pin", {"zh", lang}},
                 {"queue", {"zh", "en"}},
                 {"dispatch", {"zh", "en"}},
                 {"charts", {"zh", "en"}},
                 {"technician", {lang}}});
}

// The clinic-mode screens (issue 17): a device of a clinic with a long name, a delivery from its
// manifest QR with a long-named product, an extra pack scanned, a pack damaged and one missing, one
// pack given out, the stock with an expiry warning and an expired line sent to disposal; each state
// in both languages. Only at the two tightest sizes: what fits there fits at the larger ones.
class ClinicLayoutTour : public LayoutTour {};

TEST_P(ClinicLayoutTour, Clinic) {
    Xvfb x(size_.width, size_.height);
    ASSERT_TRUE(x.ok()) << x.error();
    TempDir data;
    const std::string pepper = (data.path() / "pin-pepper").string();
    ClinicDevice device;
    device.clinic_rows =
        "xinan-vc,西南片区第三行政村中心卫生室（原西南村与河东村卫生室）,"
        "Xinan Third Administrative Village Central Health Clinic (formerly Xinan and Hedong),"
        "village-clinic,西镇,West Town\n";
    device.extra_catalogue_rows =
        "06900000000908,小儿氨酚黄那敏颗粒（儿童感冒退热用，含对乙酰氨基酚与马来酸氯苯那敏）,"
        "Paediatric paracetamol and chlorphenamine maleate with artificial cow-bezoar granules for colds,"
        "granules,,fever,0,0,0,0,0\n";
    prepare_clinic_device(data.path(), pepper, device);
    if (HasFatalFailure()) return;
    Camera camera(data.path() / "camera");  // nothing in view until the delivery
    if (HasFatalFailure()) return;
    storage::Manifest manifest;
    manifest.kiosk_id = "dongcheng-1";
    manifest.dispatch_uuid = "5f0c3b1e-8a4d-4c2e-9b7a-1d2e3f4a5b6c";
    manifest.clinic_id = device.clinic_id;
    manifest.dispatched_on = local_day(-2);
    // A long-named product far from expiry, one expiring within 30 days, one already expired.
    manifest.lines = {{1, "06900000000908", local_day(400), "fever", 2},
                      {2, "06900000000069", local_day(12), "cough", 3},
                      {3, "06900000000021", local_day(-3), "fever", 1}};
    const std::string extra_expiry = local_day(200);  // YYYY-MM-DD; the pack's code takes YYMMDD
    const SyntheticCode extra_pack = gs1_datamatrix_code(
        "06900000000045", extra_expiry.substr(2, 2) + extra_expiry.substr(5, 2) + extra_expiry.substr(8, 2),
        "X1", "SX1");
    phase("clinic", "data");
    std::string log;
    {
        std::vector<std::string> environment = env(x, pepper);
        environment.push_back("MEDKIOSK_LAYOUT_DATA_WORDS=liu,xinan-vc,dongcheng-1");
        BackgroundProcess kiosk({MEDKIOSK_PATH, "--windowed", "--size", size_name(size_), "--config",
                                 clinic_config(data.path()).string(), "--source", camera.source(),
                                 "--data-dir", data.path().string(), "--lang", "zh"},
                                (data.path() / "kiosk").string(), environment);
        Tour tour(x, kiosk, size_, shots_, "clinic");
        KioskDriver& k = tour.driver();
        const std::string zh = "zh";
        ASSERT_TRUE(tour.seen("clinic-welcome", zh, "", 30s)) << kiosk.output();
        tour.both_languages("clinic-welcome", "clinic-welcome");
        if (HasFatalFailure()) return;

        // The PIN pad, then a wrong PIN's refusal, then the right one.
        ASSERT_TRUE(tour.tap("clinic-welcome", "sign-in", "clinic-pin", zh, ""));
        tour.both_languages("clinic-pin", "clinic-pin");
        if (HasFatalFailure()) return;
        for (const char* digit : {"digit9", "digit9", "digit9", "digit9"})
            ASSERT_TRUE(k.click("clinic-pin", digit));
        ASSERT_TRUE(tour.tap_until_logged("clinic-pin", "ok", "outcome=wrong"));
        tour.both_languages("clinic-pin", "clinic-pin-wrong");
        if (HasFatalFailure()) return;
        for (const char* digit : {"digit1", "digit3", "digit5", "digit7"})
            ASSERT_TRUE(k.click("clinic-pin", digit));
        tour.mark();
        ASSERT_TRUE(k.click_to("clinic-pin", "ok", "clinic-home")) << kiosk.output();
        tour.both_languages("clinic-home", "clinic-home-empty");
        if (HasFatalFailure()) return;
        phase("clinic", "sign-in");

        // The delivery: waiting for the manifest, its lines, an extra pack scanned (counting starts,
        // every listed line from zero), counted up by hand with one pack of line 2 missing and one of
        // line 1 damaged.
        ASSERT_TRUE(tour.tap("clinic-home", "arrival", "clinic-arrival", zh, ""));
        tour.both_languages("clinic-arrival", "clinic-arrival-scan");
        if (HasFatalFailure()) return;
        camera.show_frame(manifest_frame(manifest));
        if (HasFatalFailure()) return;
        ASSERT_TRUE(tour.await_button("clinic-arrival", "less-received-3", "the manifest QR was not read"));
        camera.show({});
        tour.both_languages("clinic-arrival", "clinic-arrival-listed");
        if (HasFatalFailure()) return;
        camera.show({extra_pack});
        ASSERT_TRUE(tour.await_button("clinic-arrival", "less-received-4", "the extra pack was not read"));
        camera.show({});
        for (const char* more : {"more-received-1", "more-received-1", "more-received-2", "more-received-2",
                                 "more-received-3", "more-damaged-1"})
            ASSERT_TRUE(tour.tap("clinic-arrival", more, "clinic-arrival", zh, "")) << more;
        tour.both_languages("clinic-arrival", "clinic-arrival-counted");
        if (HasFatalFailure()) return;
        EXPECT_TRUE(tour.primary_in_view("clinic-arrival", "confirm", "counted"));
        ASSERT_TRUE(tour.tap_until_logged("clinic-arrival", "confirm", "key=clinic.arrival_saved"));
        tour.both_languages("clinic-arrival", "clinic-arrival-saved");
        if (HasFatalFailure()) return;
        phase("clinic", "arrival");

        // The figures, one pack given out, the stock with its warnings, the expired line disposed of.
        ASSERT_TRUE(tour.tap("clinic-arrival", "back", "clinic-home", zh, ""));
        std::this_thread::sleep_for(800ms);  // the home figures come back from the office's queue
        tour.both_languages("clinic-home", "clinic-home");
        if (HasFatalFailure()) return;
        ASSERT_TRUE(k.click_to("clinic-home", "give-out", "clinic-give-out"));
        ASSERT_TRUE(tour.await_button("clinic-give-out", "give-0", "no stock to give out"));
        tour.both_languages("clinic-give-out", "clinic-give-out");
        if (HasFatalFailure()) return;
        ASSERT_TRUE(tour.tap_until_logged("clinic-give-out", "give-0", "key=clinic.given_out_saved"));
        tour.both_languages("clinic-give-out", "clinic-give-out-saved");
        if (HasFatalFailure()) return;
        ASSERT_TRUE(k.click_to("clinic-give-out", "back", "clinic-home"));
        ASSERT_TRUE(k.click_to("clinic-home", "stock", "clinic-stock"));
        ASSERT_TRUE(tour.await_button("clinic-stock", "dispose", "no expired line in the stock"));
        tour.both_languages("clinic-stock", "clinic-stock");
        if (HasFatalFailure()) return;
        EXPECT_TRUE(tour.primary_in_view("clinic-stock", "dispose", "stock"));
        ASSERT_TRUE(tour.tap_until_logged("clinic-stock", "dispose", "key=clinic.disposed_saved"));
        tour.both_languages("clinic-stock", "clinic-stock-disposed");
        if (HasFatalFailure()) return;
        ASSERT_TRUE(k.click_to("clinic-stock", "back", "clinic-home"));
        ASSERT_TRUE(k.click_to("clinic-home", "sign-out", "clinic-welcome"));
        phase("clinic", "stock");
        EXPECT_EQ(kiosk.stop(), 0);
        log += kiosk.output();
    }
    const std::set<std::string> both{"zh", "en"};
    expect_fits("clinic", log,
                {{"clinic-welcome", both},
                 {"clinic-pin", both},
                 {"clinic-home", both},
                 {"clinic-arrival", both},
                 {"clinic-give-out", both},
                 {"clinic-stock", both}});
}

INSTANTIATE_TEST_SUITE_P(TwoTightestSizes, ClinicLayoutTour,
                         ::testing::Values(TourSize{1024, 600, "en"}, TourSize{800, 1280, "en"}),
                         [](const auto& param_info) { return size_name(param_info.param); });

INSTANTIATE_TEST_SUITE_P(FourSizes, LayoutTour,
                         ::testing::Values(TourSize{1024, 600, "en"}, TourSize{1280, 800, "zh"},
                                           TourSize{1920, 1080, "zh"}, TourSize{800, 1280, "en"}),
                         [](const auto& param_info) { return size_name(param_info.param); });

}  // namespace
}  // namespace medkiosk::test
