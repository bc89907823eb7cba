// The clinic list without a window (issue 16): the technician's Clinics tab on the real back office
// adds, renames, retires and restores the kiosk's own clinics (checked before anything is sent, each
// change in the audit log); the clinic-mode setting picks this kiosk's clinic from the list and writes
// it to kiosk.toml; the staff's dispatch picker offers what the list holds, not what is retired.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <functional>
#include <mutex>
#include <optional>
#include <sstream>
#include <thread>

#include "medkiosk/kiosk/back_office.hpp"
#include "medkiosk/kiosk/staff_flow.hpp"
#include "medkiosk/kiosk/technician_flow.hpp"
#include "medkiosk/kiosk/users.hpp"
#include "medkiosk/storage/ledger.hpp"
#include "support/temp_dir.hpp"

namespace medkiosk::kiosk {
namespace {

using namespace std::chrono_literals;

class TechnicianClinicsTest : public ::testing::Test {
  protected:
    test::TempDir dir;
    std::filesystem::path ledger_file = dir.path() / "ledger.db";
    std::filesystem::path pepper_file = dir.path() / "pin-pepper";
    storage::LedgerOptions ledger_options{"kiosk-clinics", dir.path() / "county.key"};
    std::unique_ptr<storage::Ledger> book = storage::Ledger::open(ledger_file, ledger_options).value();
    std::string pepper = load_pepper(pepper_file, true).value();
    std::unique_ptr<BackOffice> office = make_local_back_office(
        {.ledger_file = ledger_file, .ledger_options = ledger_options, .pepper_file = pepper_file});

    void SetUp() override {
        UserService users{*book, pepper, PinCost::minimal()};
        ASSERT_TRUE(users.add_user("li", "technician", "13579", "test").ok());
        ASSERT_TRUE(users.add_user("wang", "staff", "24681", "test").ok());
    }

    // The back office answers on its own thread; replies go to both flows, as the UI loop does.
    void pump(TechnicianFlow& tech, const std::function<bool()>& done, StaffFlow* staff = nullptr) {
        for (int i = 0; i < 2000 && !done(); ++i) {
            for (const auto& reply : office->take_replies()) {
                tech.on_reply(reply);
                if (staff != nullptr) staff->on_reply(reply, std::chrono::steady_clock::now());
            }
            if (!done()) std::this_thread::sleep_for(5ms);
        }
        ASSERT_TRUE(done()) << "no answer from the back office";
    }

    void sign_in_technician(TechnicianFlow& tech) {
        const auto ticket = office->verify_pin(Role::Technician, "13579");
        bool answered = false;
        for (int i = 0; i < 2000 && !answered; ++i) {
            for (const auto& reply : office->take_replies()) {
                if (reply.ticket == ticket) {
                    ASSERT_TRUE(reply.result.ok());
                    ASSERT_EQ(std::get<PinCheck>(reply.result.value()).outcome, PinCheck::Outcome::Accepted);
                    answered = true;
                } else {
                    tech.on_reply(reply);
                }
            }
            if (!answered) std::this_thread::sleep_for(5ms);
        }
        ASSERT_TRUE(answered);
    }

    static const storage::ClinicChoice* find(const TechnicianFlow& tech, const std::string& id) {
        if (!tech.clinics()) return nullptr;
        for (const auto& c : tech.clinics()->clinics)
            if (c.clinic_id == id) return &c;
        return nullptr;
    }
};

TEST_F(TechnicianClinicsTest, ClinicsAreAddedRenamedRetiredAndRestoredFromTheTab) {
    TechnicianFlow tech(*office, TechnicianSettings{});
    sign_in_technician(tech);
    tech.show(TechnicianTab::Clinics);
    pump(tech, [&] { return tech.clinics().has_value(); });
    EXPECT_TRUE(tech.clinics()->clinics.empty());
    EXPECT_EQ(tech.clinics()->updated_from_hub_at, "");
    EXPECT_FALSE(tech.clinics()->hub_configured);

    // Checked before anything is sent: the id's form, a name, a township.
    tech.clinic_draft() = {"Shitang VC", "", "", "", "", "village-clinic"};
    tech.add_clinic();
    EXPECT_FALSE(tech.clinic_action().running) << "nothing sent";
    EXPECT_EQ(tech.clinic_errors().at("clinic_id"), "tech.clinics.error.id");
    EXPECT_EQ(tech.clinic_errors().at("name"), "tech.clinics.error.name");
    EXPECT_EQ(tech.clinic_errors().at("township"), "tech.clinics.error.township");

    tech.clinic_draft() = {"shitang-vc", "", "Shitang village clinic", "", "Shitang", "village-clinic"};
    tech.add_clinic();
    EXPECT_TRUE(tech.clinic_errors().empty());
    ASSERT_TRUE(tech.clinic_action().running);
    pump(tech, [&] { return !tech.clinic_action().running && find(tech, "shitang-vc") != nullptr; });
    ASSERT_TRUE(tech.clinic_action().result->ok()) << outcome_text(*tech.clinic_action().result);
    EXPECT_EQ(tech.clinic_draft().clinic_id, "") << "the form is cleared for the next";
    EXPECT_EQ(find(tech, "shitang-vc")->source, "local");
    EXPECT_EQ(find(tech, "shitang-vc")->name_zh, "Shitang village clinic") << "shown in both languages";

    // The same id again: refused on the screen, with its reason, nothing sent.
    tech.clinic_draft() = {"shitang-vc", "石塘", "", "石塘镇", "", "village-clinic"};
    tech.add_clinic();
    EXPECT_FALSE(tech.clinic_action().running);
    EXPECT_EQ(tech.clinic_errors().at("clinic_id"), "tech.clinics.error.duplicate");

    tech.edit_clinic("shitang-vc");
    EXPECT_EQ(tech.clinic_editing(), "shitang-vc");
    tech.clinic_names() = {"石塘村卫生室", "Shitang VC"};
    tech.save_clinic_names();
    pump(tech, [&] {
        return !tech.clinic_action().running && find(tech, "shitang-vc")->name_zh == "石塘村卫生室";
    });
    EXPECT_EQ(tech.clinic_editing(), "") << "the rename form closes";

    tech.retire_clinic("shitang-vc");
    pump(tech, [&] { return !tech.clinic_action().running && find(tech, "shitang-vc")->retired; });
    EXPECT_TRUE(tech.clinic_choices().empty()) << "a retired clinic is not offered for clinic mode";
    tech.restore_clinic("shitang-vc");
    pump(tech, [&] { return !tech.clinic_action().running && !find(tech, "shitang-vc")->retired; });
    ASSERT_EQ(tech.clinic_choices().size(), 1u);

    // Each change in the audit log, by the signed-in technician.
    auto rows = book->audit().rows();
    ASSERT_TRUE(rows.ok());
    std::vector<std::string> actions;
    for (const auto& row : rows.value())
        if (row.entity == "clinic") actions.push_back(row.action + " " + row.actor);
    EXPECT_EQ(actions, (std::vector<std::string>{"clinic-add li", "clinic-rename li", "clinic-retire li",
                                                 "clinic-restore li"}));
}

TEST_F(TechnicianClinicsTest, ClinicModeTakesItsClinicFromTheListAndTheDispatchPickerOffersTheList) {
    const auto config = dir.path() / "kiosk.toml";
    std::ofstream(config) << "[kiosk]\nid = \"kiosk-clinics\"\n";
    TechnicianFlow tech(*office, TechnicianSettings{}, config);
    sign_in_technician(tech);
    tech.show(TechnicianTab::Clinics);
    pump(tech, [&] { return tech.clinics().has_value(); });
    for (const auto& draft :
         {ClinicDraft{"hetou-vc", "河头村卫生室", "Hetou village clinic", "河头镇", "Hetou",
                      "village-clinic"},
          ClinicDraft{"old-vc", "旧村卫生室", "Old village clinic", "河头镇", "Hetou", "village-clinic"}}) {
        tech.clinic_draft() = draft;
        tech.add_clinic();
        pump(tech, [&] { return !tech.clinic_action().running && find(tech, draft.clinic_id) != nullptr; });
    }
    tech.retire_clinic("old-vc");
    pump(tech, [&] { return !tech.clinic_action().running && find(tech, "old-vc")->retired; });

    // Clinic mode without a clinic is refused; then one is chosen from the list and saved.
    tech.show(TechnicianTab::Settings);
    tech.draft().mode = "clinic";
    EXPECT_FALSE(tech.save());
    EXPECT_EQ(tech.errors().at("clinic_id"), "tech.error.clinic_needed");
    tech.draft().clinic_id = "old-vc";
    EXPECT_FALSE(tech.save()) << "a retired clinic is not this kiosk's";
    EXPECT_EQ(tech.errors().at("clinic_id"), "tech.error.clinic_unknown");
    EXPECT_EQ(tech.clinic_choices().size(), 2u) << "the retired one stays shown while it is the choice";
    tech.draft().clinic_id.clear();
    const auto choices = tech.clinic_choices();
    ASSERT_EQ(choices.size(), 1u) << "a retired clinic is not offered";
    tech.draft().clinic_id = choices.front().clinic_id;
    ASSERT_TRUE(tech.save()) << tech.errors().size();
    pump(tech, [&] { return !tech.saving().running; });
    ASSERT_TRUE(tech.saving().result->ok()) << outcome_text(*tech.saving().result);
    std::stringstream saved;
    saved << std::ifstream(config).rdbuf();
    EXPECT_NE(saved.str().find("mode = \"clinic\""), std::string::npos) << saved.str();
    EXPECT_NE(saved.str().find("clinic_id = \"hetou-vc\""), std::string::npos) << saved.str();
    EXPECT_TRUE(tech.restart_needed()) << "only a restart changes the kiosk's mode";

    // The staff's dispatch picker: the list's clinics, not the retired one.
    StaffFlow staff(*office, *office);
    const auto now = std::chrono::steady_clock::now();
    staff.open_pin(Role::Staff, now);
    for (int digit : {2, 4, 6, 8, 1}) staff.press_digit(digit, now);
    staff.submit(now);
    pump(
        tech, [&] { return staff.screen() == StaffScreen::Queue && !staff.loading(); }, &staff);
    staff.open_dispatch(now);
    pump(
        tech, [&] { return !staff.dispatch_loading(); }, &staff);
    ASSERT_EQ(staff.clinics().size(), 1u);
    EXPECT_EQ(staff.clinics().front().clinic_id, "hetou-vc");
    EXPECT_EQ(staff.clinics().front().township_zh, "河头镇");
}

// The tab says how fresh the hub's part of the list is: the last complete pull, and a failure of the
// sync since (the hub unreachable: the list stays as it was), from the sync worker's figures.
TEST_F(TechnicianClinicsTest, TheListSaysWhenTheHubLastFedItAndWhenTheHubCouldNotBeReached) {
    {
        // As a pull stored them: the hub's clinic and when the pull completed.
        sqlite3* raw = nullptr;
        ASSERT_EQ(sqlite3_open(ledger_file.c_str(), &raw), SQLITE_OK);
        char* error = nullptr;
        const int rc = sqlite3_exec(
            raw,
            "INSERT INTO hub_clinic (key, body, change_seq, deleted) VALUES ('shitang-vc', "
            "json_object('clinic_id', 'shitang-vc', 'name_zh', '石塘村卫生室', 'name_en', 'Shitang', 'kind', "
            "'village-clinic', 'township_zh', '石塘镇', 'township_en', 'Shitang'), 3, 0);"
            "INSERT INTO sync_state (key, value) VALUES ('pulled_at:hub_clinic', "
            "'2026-12-03T06:00:00.000Z');",
            nullptr, nullptr, &error);
        EXPECT_EQ(rc, SQLITE_OK) << (error != nullptr ? error : "");
        sqlite3_free(error);
        sqlite3_close(raw);
    }
    storage::SyncProgress progress;
    progress.last_success_at = "2026-12-03T06:00:00.000Z";
    progress.last_error_at = "2026-12-03T07:30:00.000Z";
    progress.last_error = "connection refused — records stay queued; the kiosk keeps retrying";
    std::mutex mutex;
    auto synced = make_local_back_office(
        {.ledger_file = ledger_file, .ledger_options = ledger_options, .pepper_file = pepper_file}, [&] {
            std::lock_guard lock(mutex);
            return std::optional<storage::SyncProgress>(progress);
        });
    office = std::move(synced);
    TechnicianFlow tech(*office, TechnicianSettings{});
    tech.show(TechnicianTab::Clinics);
    pump(tech, [&] { return tech.clinics().has_value(); });
    ASSERT_EQ(tech.clinics()->clinics.size(), 1u);
    EXPECT_EQ(tech.clinics()->clinics[0].source, "hub");
    EXPECT_TRUE(tech.clinics()->hub_configured);
    EXPECT_EQ(tech.clinics()->updated_from_hub_at, "2026-12-03T06:00:00.000Z");
    EXPECT_EQ(tech.clinics()->hub_problem_at, "2026-12-03T07:30:00.000Z");
    EXPECT_NE(tech.clinics()->hub_problem.find("connection refused"), std::string::npos);

    // A round that worked since: no problem to show.
    {
        std::lock_guard lock(mutex);
        progress.last_success_at = "2026-12-03T07:31:00.000Z";
    }
    tech.refresh_clinics();
    pump(tech, [&] { return tech.clinics()->hub_problem.empty(); });
    EXPECT_EQ(tech.clinics()->updated_from_hub_at, "2026-12-03T06:00:00.000Z");
}

}  // namespace
}  // namespace medkiosk::kiosk
