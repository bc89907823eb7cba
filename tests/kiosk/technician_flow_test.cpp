// The technician's screen without a window: settings saved to kiosk.toml through the real back
// office (atomically, keeping the technician's comments and other keys), bad values refused with a
// translated reason and nothing written, write errors reported; rules, drives and users forms.
#include "medkiosk/kiosk/technician_flow.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "medkiosk/kiosk/back_office.hpp"
#include "medkiosk/kiosk/config.hpp"
#include "medkiosk/kiosk/translations.hpp"
#include "support/temp_dir.hpp"

namespace medkiosk::kiosk {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

constexpr const char* kUserFile = R"(# Pharmacy No. 3 — set up by Li, do not change the camera
[kiosk]
# our id at the county
id = "county3-pharmacy12"
language = "zh"
font = "/usr/share/fonts/custom.ttf"   # the county's font

[camera]
source = "demo"

[policy]
min_shelf_life_days = 120
)";

std::string read_file(const fs::path& file) {
    std::ifstream in(file, std::ios::binary);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
}

void write_file(const fs::path& file, const std::string& text) {
    std::ofstream(file, std::ios::binary) << text;
}

// The back office answers on its own thread; the test pumps replies like the UI loop does.
void pump_until(BackOffice& office, TechnicianFlow& flow, const std::function<bool()>& done) {
    for (int i = 0; i < 1000 && !done(); ++i) {
        for (const auto& reply : office.take_replies()) flow.on_reply(reply);
        if (!done()) std::this_thread::sleep_for(5ms);
    }
    ASSERT_TRUE(done()) << "no answer from the back office";
}

class TechnicianSettingsTest : public ::testing::Test {
  protected:
    test::TempDir dir;
    fs::path config = dir.path() / "etc" / "kiosk.toml";
    std::unique_ptr<BackOffice> office =
        make_local_back_office({.ledger_file = dir.path() / "data" / "ledger.db"});

    void SetUp() override {
        fs::create_directories(config.parent_path());
        write_file(config, kUserFile);
    }
    TechnicianSettings current() {
        const ConfigParse parsed = read_config_file(config);
        EXPECT_TRUE(parsed.ok());
        return technician_settings(parsed.config);
    }
    std::vector<std::string> files_in(const fs::path& folder) {
        std::vector<std::string> names;
        for (const auto& entry : fs::directory_iterator(folder))
            names.push_back(entry.path().filename().string());
        return names;
    }
};

TEST_F(TechnicianSettingsTest, SaveWritesTheFileKeepingCommentsAndOtherKeys) {
    TechnicianFlow flow(*office, current(), config);
    EXPECT_EQ(flow.saved().kiosk_id, "county3-pharmacy12");
    EXPECT_EQ(flow.saved().camera, "demo");
    flow.draft().kiosk_id = "county3-pharmacy14";
    flow.draft().idle_timeout_seconds = 120;
    flow.draft().language = Language::English;
    flow.draft().location = "Pharmacy No. 3, Main Street";
    flow.draft().width = 1280;
    flow.draft().height = 720;
    EXPECT_TRUE(flow.dirty());
    ASSERT_TRUE(flow.save());
    EXPECT_TRUE(flow.saving().running);
    pump_until(*office, flow, [&] { return !flow.saving().running; });
    ASSERT_TRUE(flow.saving().result && flow.saving().result->ok()) << outcome_text(*flow.saving().result);
    EXPECT_FALSE(flow.dirty());

    const std::string text = read_file(config);
    for (const char* kept :
         {"# Pharmacy No. 3 — set up by Li, do not change the camera", "# our id at the county",
          "font = \"/usr/share/fonts/custom.ttf\"   # the county's font", "min_shelf_life_days = 120"})
        EXPECT_NE(text.find(kept), std::string::npos) << "lost: " << kept << "\n" << text;
    const ConfigParse parsed = parse_config(text, "saved");
    ASSERT_TRUE(parsed.ok()) << text;
    EXPECT_EQ(parsed.config.kiosk_id, "county3-pharmacy14");
    EXPECT_EQ(parsed.config.idle_timeout_seconds, 120);
    EXPECT_EQ(parsed.config.language, "en");
    EXPECT_EQ(parsed.config.location, "Pharmacy No. 3, Main Street");
    EXPECT_EQ(parsed.config.camera_width, 1280);
    EXPECT_EQ(parsed.config.font, "/usr/share/fonts/custom.ttf");
    EXPECT_EQ(parsed.config.min_shelf_life_days, 120);
    EXPECT_EQ(files_in(config.parent_path()), std::vector<std::string>{"kiosk.toml"})
        << "no temporary file left behind";

    // What can apply live is handed over once; the kiosk id waits for a restart and the screen says so.
    const auto saved = flow.take_saved();
    ASSERT_TRUE(saved.has_value());
    EXPECT_EQ(saved->language, Language::English);
    EXPECT_FALSE(flow.take_saved().has_value());
    EXPECT_TRUE(flow.restart_needed());
}

TEST_F(TechnicianSettingsTest, OnlyLiveSettingsNeedNoRestart) {
    TechnicianFlow flow(*office, current(), config);
    flow.draft().idle_timeout_seconds = 60;
    flow.draft().location = "Hall B";
    ASSERT_TRUE(flow.save());
    pump_until(*office, flow, [&] { return !flow.saving().running; });
    ASSERT_TRUE(flow.saving().result->ok());
    EXPECT_FALSE(flow.restart_needed());
}

// A draft left unsaved when the screen closed (timeout, Escape) is not waiting, ready to be saved by
// mistake, for the next technician who signs in.
TEST_F(TechnicianSettingsTest, ANewSignInStartsFromTheSavedSettingsNotALeftDraft) {
    TechnicianFlow flow(*office, current(), config);
    const std::string saved_location = flow.draft().location;
    flow.draft().location = "Unsaved";
    flow.opened();
    EXPECT_EQ(flow.draft().location, saved_location);
}

TEST_F(TechnicianSettingsTest, ChimesOffAndTheirVolumeAreSavedAndApplyWithoutARestart) {
    TechnicianFlow flow(*office, current(), config);
    EXPECT_TRUE(flow.saved().sound_enabled) << "the file has no [sound]: the defaults";
    EXPECT_EQ(flow.saved().sound_volume, 70);
    // "Try it" plays the draft's volume, each tap the next cue, before anything is saved.
    flow.draft().sound_volume = 40;
    flow.preview_sound();
    EXPECT_EQ(flow.take_sound_preview(), std::pair(SoundCue::Accepted, 40));
    EXPECT_FALSE(flow.take_sound_preview()) << "taken once";
    flow.preview_sound();
    EXPECT_EQ(flow.take_sound_preview(), std::pair(SoundCue::NeedsPharmacist, 40));
    flow.preview_sound();
    EXPECT_EQ(flow.take_sound_preview(), std::pair(SoundCue::NotAccepted, 40));

    flow.draft().sound_enabled = false;
    ASSERT_TRUE(flow.save());
    pump_until(*office, flow, [&] { return !flow.saving().running; });
    ASSERT_TRUE(flow.saving().result && flow.saving().result->ok()) << outcome_text(*flow.saving().result);
    const ConfigParse parsed = read_config_file(config);
    ASSERT_TRUE(parsed.ok());
    EXPECT_FALSE(parsed.config.sound_enabled);
    EXPECT_EQ(parsed.config.sound_volume, 40);
    const auto saved = flow.take_saved();
    ASSERT_TRUE(saved);
    EXPECT_FALSE(saved->sound_enabled);
    EXPECT_FALSE(flow.restart_needed());
}

TEST_F(TechnicianSettingsTest, ABadValueIsRefusedWithATranslatedReasonAndNothingIsWritten) {
    Translations translations;
    ASSERT_TRUE(translations.load(fs::path(MEDKIOSK_ASSETS_DIR) / "lang").ok());
    const std::string before = read_file(config);
    const auto written_at = fs::last_write_time(config);

    struct Case {
        const char* field;
        std::function<void(TechnicianSettings&)> spoil;
    };
    const std::vector<Case> cases = {
        {"kiosk_id", [](TechnicianSettings& s) { s.kiosk_id = "pharmacy 12!"; }},
        {"kiosk_id", [](TechnicianSettings& s) { s.kiosk_id = ""; }},
        {"idle_timeout", [](TechnicianSettings& s) { s.idle_timeout_seconds = 10; }},
        {"idle_timeout", [](TechnicianSettings& s) { s.idle_timeout_seconds = 99999; }},
        {"camera", [](TechnicianSettings& s) { s.camera = "webcam please"; }},
        {"resolution", [](TechnicianSettings& s) { s.width = 100000, s.height = 20; }},
        {"hub_url", [](TechnicianSettings& s) { s.hub_url = "http://hub.example"; }},
        {"location", [](TechnicianSettings& s) { s.location = std::string(201, 'x'); }},
        {"catalogue_file", [](TechnicianSettings& s) { s.catalogue_file = "catalogue.csv"; }},
        {"volume", [](TechnicianSettings& s) { s.sound_volume = 101; }},
        {"volume", [](TechnicianSettings& s) { s.sound_volume = -10; }},
    };
    for (const auto& bad : cases) {
        TechnicianFlow flow(*office, current(), config);
        bad.spoil(flow.draft());
        EXPECT_FALSE(flow.save()) << bad.field;
        EXPECT_FALSE(flow.saving().running) << "nothing was sent to be written";
        ASSERT_EQ(flow.errors().size(), 1u) << bad.field;
        const auto& [field, key] = *flow.errors().begin();
        EXPECT_EQ(field, bad.field);
        for (const Language language : {Language::Chinese, Language::English}) {
            const std::string& reason = translations.text(language, key);
            EXPECT_FALSE(reason.empty()) << key;
            EXPECT_NE(reason, key) << "a translated reason, not the key";
        }
        flow.revert();
        EXPECT_TRUE(flow.errors().empty());
    }
    std::this_thread::sleep_for(20ms);
    for (const auto& reply : office->take_replies())
        ADD_FAILURE() << "unexpected back-office work, ticket " << reply.ticket;
    EXPECT_EQ(read_file(config), before);
    EXPECT_EQ(fs::last_write_time(config), written_at);
}

TEST_F(TechnicianSettingsTest, AWriteErrorIsReportedWithTheFileAndTheCause) {
    // The folder the file should be in is a regular file: no temporary file can be created there.
    const fs::path blocker = dir.path() / "not-a-folder";
    write_file(blocker, "x");
    TechnicianFlow flow(*office, current(), blocker / "kiosk.toml");
    flow.draft().location = "Hall C";
    ASSERT_TRUE(flow.save());
    pump_until(*office, flow, [&] { return !flow.saving().running; });
    ASSERT_TRUE(flow.saving().result.has_value());
    EXPECT_FALSE(flow.saving().result->ok());
    EXPECT_NE(outcome_text(*flow.saving().result).find(blocker.string()), std::string::npos)
        << outcome_text(*flow.saving().result);
    EXPECT_NE(outcome_text(*flow.saving().result).find("Not a directory"), std::string::npos)
        << outcome_text(*flow.saving().result);
    EXPECT_TRUE(flow.dirty()) << "the draft stays for another try";
    EXPECT_FALSE(flow.take_saved().has_value());
    EXPECT_EQ(read_file(blocker), "x");
}

TEST_F(TechnicianSettingsTest, AHandBrokenFileIsNotOverwrittenAndTheLineIsNamed) {
    const std::string broken = std::string(kUserFile) + "\n[camera\nresolution = 1\n";
    write_file(config, broken);
    TechnicianSettings settings;  // the kiosk runs on the last good copy
    TechnicianFlow flow(*office, settings, config);
    flow.draft().location = "Hall D";
    ASSERT_TRUE(flow.save());
    pump_until(*office, flow, [&] { return !flow.saving().running; });
    ASSERT_TRUE(flow.saving().result.has_value());
    EXPECT_FALSE(flow.saving().result->ok());
    EXPECT_NE(outcome_text(*flow.saving().result).find(config.string() + ":14:"), std::string::npos)
        << outcome_text(*flow.saving().result);
    EXPECT_EQ(read_file(config), broken);
}

TEST(TechnicianCameras, DevicesAreListedAfterAutoAndDemo) {
    test::TempDir dev;
    for (const char* name : {"video2", "video0", "medkiosk-camera", "sda", "null"})
        write_file(dev.path() / name, "");
    const auto sources = list_camera_sources(dev.path());
    const std::vector<std::string> expected = {
        "auto", "demo", "camera:" + (dev.path() / "medkiosk-camera").string(),
        "camera:" + (dev.path() / "video0").string(), "camera:" + (dev.path() / "video2").string()};
    EXPECT_EQ(sources, expected);
    // What the machine's own /dev offers is always something kiosk.toml accepts.
    for (const auto& source : list_camera_sources())
        EXPECT_FALSE(config_value_problem("camera.source", source).has_value()) << source;
}

TEST(TechnicianRulesDraft, RulesAreReadFromTheTechniciansTextOrRefusedWithTheReason) {
    std::map<std::string, std::string> errors;
    RulesDraft draft;
    draft.minimum_shelf_life_days = " 120 ";
    draft.shelf_life_by_category = "antiviral=180，vaccine = 30";  // a Chinese comma too
    draft.excluded_categories = "controlled, cold-chain";
    draft.accept_unknown_for_review = false;
    const auto rules = parse_rules_draft(draft, errors);
    ASSERT_TRUE(rules.has_value()) << errors.begin()->second;
    EXPECT_EQ(rules->minimum_shelf_life_days, 120);
    EXPECT_EQ(rules->shelf_life_by_category,
              (std::map<std::string, int>{{"antiviral", 180}, {"vaccine", 30}}));
    EXPECT_EQ(rules->excluded_categories, (std::set<std::string>{"cold-chain", "controlled"}));
    EXPECT_FALSE(rules->accept_unknown_for_review);
    EXPECT_EQ(parse_rules_draft(rules_draft(*rules), errors)->shelf_life_by_category,
              rules->shelf_life_by_category)
        << "what the screen shows reads back the same";

    const std::vector<std::tuple<std::string, std::string, std::string, std::string>> bad = {
        {"-5", "", "", "minimum_shelf_life_days"},
        {"ninety", "", "", "minimum_shelf_life_days"},
        {"90", "antiviral", "", "shelf_life_by_category"},
        {"90", "Antiviral=10", "", "shelf_life_by_category"},
        {"90", "antiviral=99999", "", "shelf_life_by_category"},
        {"90", "", "controlled substances", "excluded_categories"},
    };
    for (const auto& [days, by_category, excluded, field] : bad) {
        errors.clear();
        RulesDraft wrong{days, by_category, excluded, true};
        EXPECT_FALSE(parse_rules_draft(wrong, errors).has_value()) << field;
        EXPECT_EQ(errors.count(field), 1u) << field;
        EXPECT_EQ(errors.size(), 1u);
    }
}

TEST(TechnicianRulesDraft, DrivesNeedANameRealDatesInOrderAndCategoryCodes) {
    std::map<std::string, std::string> errors;
    const auto drive =
        parse_drive_draft({0, "Winter flu drive", "2026-12-01", "2027-02-28", "fever, cough", "{}"}, errors);
    ASSERT_TRUE(drive.has_value());
    EXPECT_EQ(drive->accepted_categories, (std::vector<std::string>{"fever", "cough"}));
    const std::vector<std::pair<DriveDraft, std::string>> bad = {
        {{0, "", "2026-12-01", "2026-12-31", "", "{}"}, "drive_name"},
        {{0, "x", "2026-02-30", "2026-12-31", "", "{}"}, "drive_starts_on"},
        {{0, "x", "2026-12-01", "31.12.2026", "", "{}"}, "drive_ends_on"},
        {{0, "x", "2026-12-31", "2026-12-01", "", "{}"}, "drive_ends_on"},
        {{0, "x", "2026-12-01", "2026-12-31", "Fever!", "{}"}, "drive_categories"},
    };
    for (const auto& [draft, field] : bad) {
        errors.clear();
        EXPECT_FALSE(parse_drive_draft(draft, errors).has_value()) << field;
        EXPECT_EQ(errors.count(field), 1u) << field;
    }
}

// The users form checks what it can before anything is sent: a name, a PIN's form, the PIN twice.
class CountingOffice : public TechnicianPort {
  public:
    int sent = 0;
    std::uint64_t test_hub(std::string) override { return ++sent; }
    std::uint64_t import_catalogue(std::filesystem::path) override { return ++sent; }
    TaskProgress import_progress() const override { return {}; }
    std::uint64_t save_settings(std::filesystem::path,
                                std::vector<std::pair<std::string, std::string>>) override {
        ++saves;
        return ++sent;
    }
    // Lists and the other commands are counted apart: the tests count what the forms send.
    std::uint64_t others = 1000;
    std::uint64_t list_users() override { return ++others; }
    std::uint64_t add_user(std::string, Role, std::string) override { return ++sent; }
    std::uint64_t reset_pin(std::string, std::string) override { return ++sent; }
    std::uint64_t disable_user(std::string) override { return ++others; }
    std::uint64_t unlock_user(std::string) override { return ++others; }
    std::uint64_t read_rules() override { return ++others; }
    std::uint64_t save_rules(PolicyRules) override { return ++others; }
    std::uint64_t save_drive(storage::Drive) override { return ++others; }
    std::uint64_t list_clinics() override { return ++others; }
    std::uint64_t add_clinic(storage::ClinicChoice) override { return ++others; }
    std::uint64_t rename_clinic(std::string, std::string, std::string) override { return ++others; }
    std::uint64_t set_clinic_retired(std::string, bool) override { return ++others; }
    int saves = 0;
};

// (Moved from staff_flow_test.cpp when saving became a real write through the back office.)
TEST(TechnicianFlow, EveryBadFieldIsRefusedAtOnceAndOnlyAGoodDraftIsSent) {
    CountingOffice office;
    TechnicianFlow tech(office, TechnicianSettings{}, "/nonexistent/kiosk.toml");
    tech.draft().camera = "floppy:0";
    tech.draft().idle_timeout_seconds = 5;
    tech.draft().kiosk_id = "Kiosk One";
    tech.draft().hub_url = "http://hub";
    tech.draft().width = 100;
    EXPECT_TRUE(tech.dirty());
    EXPECT_FALSE(tech.save());
    EXPECT_EQ(tech.errors().at("camera"), "tech.error.camera");
    EXPECT_EQ(tech.errors().at("idle_timeout"), "tech.error.idle_timeout");
    EXPECT_EQ(tech.errors().at("kiosk_id"), "tech.error.kiosk_id");
    EXPECT_EQ(tech.errors().at("hub_url"), "tech.error.hub_url");
    EXPECT_EQ(tech.errors().at("resolution"), "tech.error.resolution");
    EXPECT_EQ(tech.saved().camera, "auto");
    EXPECT_EQ(office.saves, 0);
    tech.revert();
    // The masked address the screen shows, typed back, is named as such (not "must start with …").
    tech.draft().hub_url = "postgresql://kiosk:••••@hub.example/medkiosk";
    EXPECT_FALSE(tech.save());
    EXPECT_EQ(tech.errors().at("hub_url"), "tech.error.hub_url_masked");
    EXPECT_EQ(office.saves, 0);
    tech.revert();
    tech.draft().camera = "camera:0";
    tech.draft().kiosk_id = "county-3-kiosk-7";
    tech.draft().hub_url = "postgresql://hub.example/medkiosk";
    EXPECT_TRUE(tech.save()) << tech.errors().size();
    EXPECT_EQ(office.saves, 1);
    EXPECT_TRUE(tech.dirty()) << "saved only once the file is written";
    tech.on_reply({static_cast<std::uint64_t>(office.sent), Done{"/nonexistent/kiosk.toml"}});
    EXPECT_EQ(tech.saved().kiosk_id, "county-3-kiosk-7");
    EXPECT_FALSE(tech.dirty());
}

TEST(TechnicianFlow, HubTestAndImportRunAsTasks) {
    CountingOffice office;
    TechnicianFlow tech(office, TechnicianSettings{});
    tech.test_hub();
    EXPECT_TRUE(tech.hub_test_running());
    tech.test_hub();
    EXPECT_EQ(office.sent, 1) << "one test at a time";
    tech.import_catalogue();
    tech.on_reply({2, Error{ErrorCode::Invalid, "no file"}});
    EXPECT_FALSE(tech.catalogue_import().running);
    EXPECT_TRUE(tech.hub_test_running());
    HubTestReport report;
    report.ok = true;
    report.server_version = "15.5";
    tech.on_reply({1, report});
    EXPECT_FALSE(tech.hub_test_running());
    ASSERT_TRUE(tech.hub_report().has_value());
    EXPECT_EQ(tech.hub_report()->server_version, "15.5");
}

// A hub test's result is about one address: an edit or an undo of that address forgets it, and a test
// still running for the old address is ignored when it answers.
TEST(TechnicianFlow, AnEditOrUndoOfTheHubAddressForgetsTheLastTestResult) {
    CountingOffice office;
    TechnicianSettings saved;
    saved.hub_url = "postgresql://hub.example/medkiosk";
    TechnicianFlow tech(office, saved);
    HubTestReport failed;
    failed.problem_key = "tech.hub.no_answer";
    failed.detail = "timeout expired";

    tech.set_hub_url("postgresql://hub.example:5433/medkiosk");
    tech.test_hub();
    tech.on_reply({static_cast<std::uint64_t>(office.sent), failed});
    ASSERT_TRUE(tech.hub_report().has_value());
    ASSERT_TRUE(tech.hub_test().result.has_value());
    tech.revert();  // back to the saved address: the failure was about the other one
    EXPECT_FALSE(tech.hub_report().has_value()) << "a stale result stays after undo";
    EXPECT_FALSE(tech.hub_test().result.has_value());

    tech.test_hub();
    tech.on_reply({static_cast<std::uint64_t>(office.sent), failed});
    ASSERT_TRUE(tech.hub_report().has_value());
    tech.set_hub_url(tech.draft().hub_url);  // no change: the result stays
    EXPECT_TRUE(tech.hub_report().has_value());
    tech.set_hub_url("postgresql://hub.example/medkiosk2");
    EXPECT_FALSE(tech.hub_report().has_value()) << "an edit forgets it";
    tech.set_hub_url("postgresql://hub.example/medkiosk");
    EXPECT_FALSE(tech.hub_report().has_value()) << "typing the old address back does not bring it back";

    // A test running while the address changes: its answer is about the old address.
    tech.test_hub();
    const auto running = static_cast<std::uint64_t>(office.sent);
    tech.set_hub_url("postgresql://other.example/medkiosk");
    EXPECT_FALSE(tech.hub_test_running()) << "a new test may start at once";
    tech.on_reply({running, failed});
    EXPECT_FALSE(tech.hub_report().has_value());
    // Even when the draft is changed behind the flow's back, a result never shows beside another address.
    tech.test_hub();
    tech.on_reply({static_cast<std::uint64_t>(office.sent), failed});
    ASSERT_TRUE(tech.hub_report().has_value());
    tech.draft().hub_url = "postgresql://third.example/medkiosk";
    EXPECT_FALSE(tech.hub_report().has_value());
}

TEST(TechnicianUsersForm, MistakesAreCaughtBeforeAnythingIsSentAndPinsAreNotKept) {
    CountingOffice office;
    TechnicianFlow flow(office, {});
    const std::vector<std::tuple<std::string, std::string, std::string, std::string>> bad = {
        {"", "2468", "2468", "tech.users.error.login"},
        {"wang wei", "2468", "2468", "tech.users.error.login"},
        {"wang", "24", "24", "tech.users.error.pin"},
        {"wang", "24a8", "24a8", "tech.users.error.pin"},
        {"wang", "2468", "2469", "tech.users.error.pin_again"},
    };
    for (const auto& [login, pin, again, key] : bad) {
        flow.new_user() = {login, Role::Staff, pin, again};
        flow.add_user();
        EXPECT_EQ(flow.user_error(), key) << login << " " << pin;
    }
    EXPECT_EQ(office.sent, 0);
    flow.on_reply({0, Done{"ignored: no ticket"}});
    flow.new_user() = {"wang", Role::Staff, "2468", "2468"};
    flow.add_user();
    EXPECT_EQ(flow.user_error(), "");
    EXPECT_EQ(office.sent, 1);
    EXPECT_TRUE(flow.new_user().pin.empty() && flow.new_user().pin_again.empty()) << "the PIN is not kept";
    flow.reset_pin();
    EXPECT_EQ(flow.user_error(), "tech.users.error.choose");
}

}  // namespace
}  // namespace medkiosk::kiosk
