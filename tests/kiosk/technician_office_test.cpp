// The technician's work on the real local back office (its own thread, a real ledger, real users):
// catalogue import with progress, users added / re-PINned / disabled / unlocked with audit rows,
// rules and drives stored and picked up by the donation flow's policy snapshot.
#include "medkiosk/kiosk/technician_office.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <fstream>
#include <thread>

#include "medkiosk/kiosk/back_office.hpp"
#include "medkiosk/kiosk/conninfo_mask.hpp"
#include "medkiosk/kiosk/ledger_worker.hpp"
#include "medkiosk/kiosk/users.hpp"
#include "medkiosk/scanner/calendar.hpp"
#include "medkiosk/scanner/parse.hpp"
#include "medkiosk/storage/sync.hpp"
#include "support/temp_dir.hpp"

namespace medkiosk::kiosk {
namespace {

using namespace std::chrono_literals;

// How a failed hub connection is named, from what the probe saw (the real servers behind each of these
// are in tests/sync/technician_hub_test.cpp). The messages are libpq 15's own.
TEST(HubProblemKey, EachFailureIsNamedByWhatHappened) {
    struct Case {
        storage::HubProbe probe;
        const char* key;
    };
    const auto probe = [](bool tcp, bool postgres, std::string sqlstate, std::string message) {
        storage::HubProbe made;
        made.tcp_connected = tcp;
        made.postgres_answered = postgres;
        made.sqlstate = std::move(sqlstate);
        made.message = std::move(message);
        return made;
    };
    const Case cases[] = {
        {probe(false, false, "",
               "connection to server at \"127.0.0.1\", port 1 failed: Connection refused\n\t"
               "Is the server running on that host and accepting TCP/IP connections?"),
         "tech.hub.no_answer"},
        {probe(false, false, "",
               "could not translate host name \"hub.invalid\" to address: Name or service not known"),
         "tech.hub.no_answer"},
        {probe(false, false, "", "timeout expired after 3 s"), "tech.hub.no_answer"},
        {probe(true, false, "", "timeout expired after 3 s"), "tech.hub.not_postgresql"},
        {probe(true, false, "",
               "connection to server at \"127.0.0.1\", port 8080 failed: received invalid "
               "response to SSL negotiation: H"),
         "tech.hub.not_postgresql"},
        {probe(true, false, "",
               "connection to server at \"127.0.0.1\", port 8080 failed: expected "
               "authentication request from server, but received H"),
         "tech.hub.not_postgresql"},
        {probe(true, false, "",
               "connection to server at \"127.0.0.1\", port 8080 failed: server closed the "
               "connection unexpectedly"),
         "tech.hub.not_postgresql"},
        {probe(true, false, "",
               "connection to server at \"127.0.0.1\", port 5432 failed: SSL error: "
               "certificate verify failed"),
         "tech.hub.tls"},
        {probe(true, true, "", "server certificate for \"hub\" does not match host name \"10.0.0.2\""),
         "tech.hub.tls"},
        {probe(true, true, "",
               "connection to server at \"127.0.0.1\", port 5432 failed: fe_sendauth: no "
               "password supplied"),
         "tech.hub.auth"},
        {probe(true, true, "28P01", "FATAL:  28P01: password authentication failed for user \"kiosk_k1\""),
         "tech.hub.auth"},
        // The server may speak Chinese: its code still says what happened.
        {probe(true, true, "28000", "FATAL:  28000: 没有用于主机 \"10.0.0.9\" 的 pg_hba.conf 记录"),
         "tech.hub.auth"},
        {probe(true, true, "3D000", "FATAL:  3D000: database \"hubb\" does not exist"),
         "tech.hub.no_database"},
        {probe(true, true, "53300", "FATAL:  53300: sorry, too many clients already"), "tech.hub.other"},
        {probe(true, true, "", "something libpq has not said before"), "tech.hub.other"},
    };
    for (const auto& [seen, key] : cases) EXPECT_EQ(hub_problem_key(seen), key) << seen.message;
    storage::HubProbe connected;
    connected.connected = true;
    EXPECT_EQ(hub_problem_key(connected), "");
}

TEST(HubProblem, TheServersCodeIsReadWhateverLanguageItsSeverityIsIn) {
    EXPECT_EQ(storage::sqlstate_in("connection to server at \"10.0.0.9\", port 5432 failed: FATAL:  28P01: "
                                   "password authentication failed for user \"kiosk_k1\""),
              "28P01");
    EXPECT_EQ(
        storage::sqlstate_in("connection to server at \"10.0.0.9\", port 5432 failed: 致命错误:  28P01: "
                             "用户 \"kiosk_k1\" Password 认证失败"),
        "28P01");
    EXPECT_EQ(storage::sqlstate_in("致命错误:  3D000: 数据库 \"hubb\" 不存在"), "3D000");
    EXPECT_EQ(storage::sqlstate_in("SSL error: certificate verify failed"), "");
    EXPECT_EQ(
        storage::sqlstate_in("could not translate host name \"hub\" to address: Name or service not known"),
        "");
}

// A hub address libpq cannot use is named as such, not as "no answer": nothing is tried, so the test
// is instant. A value libpq refuses is named in libpq's words; an address libpq cannot parse is not
// (its words quote the fragment, which can be the password).
TEST(HubProblem, AMalformedAddressIsNamedAndNotTried) {
    struct Case {
        const char* address;
        const char* words;
    };
    for (const Case& c : {Case{"postgresql://kiosk@127.0.0.1:1/hub?sslmode=requir", "sslmode"},
                          Case{"host=127.0.0.1 port=1 dbname=hub colour=blue", "parameter names"},
                          Case{"postgresql://kiosk@127.0.0.1:1/hub?application=x", "parameter names"},
                          Case{"host=127.0.0.1 port=fifty dbname=hub", "port"},
                          Case{"postgresql://kiosk@127.0.0.1/hub?hostaddr=garbage", "garbage"}}) {
        const auto started = std::chrono::steady_clock::now();
        const storage::HubProbe probe = storage::probe_hub(c.address, 3);
        EXPECT_TRUE(probe.malformed) << c.address << ": " << probe.message;
        EXPECT_NE(probe.message.find(c.words), std::string::npos) << c.address << ": " << probe.message;
        EXPECT_EQ(hub_problem_key(probe), "tech.hub.malformed") << c.address;
        const HubTestReport report = check_hub(c.address, 3);
        EXPECT_EQ(report.problem_key, "tech.hub.malformed") << c.address;
        EXPECT_EQ(report.detail, probe.message);
        EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(1)) << c.address;
    }
    // libpq's parse errors quote the password: the probe says what to check instead.
    for (const char* address :
         {"postgresql://kiosk:pa%zzss@127.0.0.1:1/hub", "postgresql://kiosk:top%00secret@127.0.0.1:1/hub",
          "host=/x password=top secret"}) {
        const storage::HubProbe probe = storage::probe_hub(address, 3);
        EXPECT_TRUE(probe.malformed) << address;
        EXPECT_EQ(probe.message.find("zz"), std::string::npos) << probe.message;
        EXPECT_EQ(probe.message.find("secret"), std::string::npos) << probe.message;
        EXPECT_NE(probe.message.find("the hub address cannot be read"), std::string::npos) << probe.message;
        EXPECT_EQ(check_hub(address, 3).detail.find("secret"), std::string::npos);
    }
    // "user:123456" without '@host': libpq refuses 123456 as a port. The refusal names no part of it, and
    // the masking the screen applies leaves its advice readable.
    for (const char* address :
         {"postgresql://kiosk:123456/hub", "postgresql://kiosk:pa/ss123456@127.0.0.1/hub"}) {
        const HubTestReport report = check_hub(address, 3);
        EXPECT_EQ(report.problem_key, "tech.hub.malformed") << address << ": " << report.detail;
        EXPECT_EQ(report.detail.find("123456"), std::string::npos) << report.detail;
        EXPECT_NE(report.detail.find("%-escape any / ? # @ :"), std::string::npos) << report.detail;
        EXPECT_EQ(mask_conninfo_password(report.detail), report.detail);
        auto session = storage::HubSession::connect(address, 3);
        ASSERT_FALSE(session.ok()) << address;
        EXPECT_EQ(session.error().message.find("123456"), std::string::npos) << session.error().message;
        EXPECT_EQ(mask_conninfo_password(session.error().message), session.error().message);
    }
    // A well-formed address where nothing listens is still "no answer".
    const storage::HubProbe nobody =
        storage::probe_hub("postgresql://kiosk@127.0.0.1:1/hub?sslmode=disable", 3);
    EXPECT_FALSE(nobody.malformed) << nobody.message;
    EXPECT_EQ(hub_problem_key(nobody), "tech.hub.no_answer") << nobody.message;
}

class TechnicianOfficeTest : public ::testing::Test {
  protected:
    test::TempDir dir;
    std::filesystem::path ledger_file = dir.path() / "ledger.db";
    std::filesystem::path pepper_file = dir.path() / "pin-pepper";
    storage::LedgerOptions ledger_options{"kiosk-tech", dir.path() / "county.key"};
    std::unique_ptr<storage::Ledger> book = open_ledger();
    std::string pepper = load_pepper(pepper_file, true).value();
    UserService users{*book, pepper, PinCost::minimal()};
    std::unique_ptr<BackOffice> office = make_local_back_office(
        {.ledger_file = ledger_file, .ledger_options = ledger_options, .pepper_file = pepper_file});

    std::unique_ptr<storage::Ledger> open_ledger() {
        auto opened = storage::Ledger::open(ledger_file, ledger_options);
        EXPECT_TRUE(opened.ok()) << opened.error().message;
        return std::move(opened.value());
    }
    Result<BackOfficeAnswer> wait(std::uint64_t ticket) {
        EXPECT_NE(ticket, 0u);
        for (int i = 0; i < 3000; ++i) {
            for (auto& reply : office->take_replies())
                if (reply.ticket == ticket) return reply.result;
            std::this_thread::sleep_for(5ms);
        }
        ADD_FAILURE() << "no reply for ticket " << ticket;
        return Error{ErrorCode::Internal, "no reply"};
    }
    // A command's outcome: Done, or why not.
    Result<Done> task(std::uint64_t ticket) {
        const auto result = wait(ticket);
        if (!result) return result.error();
        const auto* done = std::get_if<Done>(&result.value());
        EXPECT_NE(done, nullptr);
        if (done == nullptr) return Error{ErrorCode::Internal, "not a command's answer"};
        return *done;
    }
    void sign_in_technician() {
        ASSERT_TRUE(users.add_user("li", "technician", "13579", "test").ok());
        const auto result = wait(office->verify_pin(Role::Technician, "13579"));
        ASSERT_EQ(std::get<PinCheck>(result.value()).outcome, PinCheck::Outcome::Accepted);
    }
    std::map<std::string, UserSummary> listed() {
        const auto result = wait(office->list_users());
        std::map<std::string, UserSummary> by_login;
        for (const auto& user : std::get<UserList>(result.value()).users) by_login[user.login] = user;
        return by_login;
    }
    std::vector<storage::AuditRow> all_audit() {
        auto rows = book->audit().rows();
        EXPECT_TRUE(rows.ok());
        std::vector<storage::AuditRow> all;
        if (rows.ok()) all = std::move(rows).value();
        return all;
    }
    std::vector<storage::AuditRow> audit(const std::string& action) {
        std::vector<storage::AuditRow> rows = all_audit();
        std::erase_if(rows, [&](const storage::AuditRow& row) { return row.action != action; });
        return rows;
    }
};

TEST_F(TechnicianOfficeTest, ImportReportsRowsDoneWhileItRuns) {
    sign_in_technician();
    const std::filesystem::path csv = dir.path() / "catalogue.csv";
    constexpr int kRows = 40000;
    {
        std::ofstream out(csv);
        out << "product_id,name_zh,name_en,form,strength,category,prescription,controlled,cold_chain,"
               "injectable,device\n";
        for (int i = 0; i < kRows; ++i)
            out << "P" << i << ",药品" << i << ",Medicine " << i << ",tablet,10 mg,fever,0,0,0,0,0\n";
    }
    EXPECT_FALSE(office->import_progress().known) << "nothing runs yet";
    const std::uint64_t ticket = office->import_catalogue(csv);
    std::vector<TaskProgress> seen;
    std::optional<Result<BackOfficeAnswer>> result;
    for (int i = 0; i < 20000 && !result; ++i) {
        const TaskProgress progress = office->import_progress();
        if (progress.known && (seen.empty() || seen.back().label != progress.label)) seen.push_back(progress);
        for (auto& reply : office->take_replies())
            if (reply.ticket == ticket) result = reply.result;
        std::this_thread::sleep_for(1ms);
    }
    ASSERT_TRUE(result.has_value());
    ASSERT_TRUE(result->ok()) << result->error().message;
    ASSERT_GE(seen.size(), 3u) << "the bar moves through the import";
    const bool part_way = std::any_of(seen.begin(), seen.end(), [](const TaskProgress& p) {
        return p.fraction > 0.0 && p.fraction < 0.9 &&
               p.label.find(" / " + std::to_string(kRows)) != std::string::npos;
    });
    EXPECT_TRUE(part_way) << seen.front().label << " … " << seen.back().label;
    for (std::size_t i = 1; i < seen.size(); ++i)
        EXPECT_GE(seen[i].fraction, seen[i - 1].fraction) << "never goes back";
    EXPECT_FALSE(office->import_progress().known) << "cleared when done";
    EXPECT_EQ(book->reference().catalogue().value().size(), static_cast<std::size_t>(kRows));
}

TEST_F(TechnicianOfficeTest, UsersAreAddedRePinnedDisabledAndUnlockedWithAuditRowsAndNoPins) {
    sign_in_technician();
    EXPECT_TRUE(task(office->add_user("wang", Role::Staff, "24681")).ok());
    const auto bad_pin = task(office->add_user("zhao", Role::Staff, "12"));
    ASSERT_FALSE(bad_pin.ok());
    EXPECT_NE(bad_pin.error().message.find("4 to 12 digits"), std::string::npos) << bad_pin.error().message;
    EXPECT_FALSE(task(office->add_user("wang", Role::Staff, "86420")).ok()) << "the name is taken";
    auto shown = listed();
    ASSERT_EQ(shown.size(), 2u);
    EXPECT_EQ(shown["wang"].role, "staff");
    EXPECT_FALSE(shown["wang"].locked || shown["wang"].disabled);
    const auto first_pin = wait(office->verify_pin(Role::Staff, "24681"));
    ASSERT_TRUE(first_pin.ok()) << first_pin.error().message;
    EXPECT_TRUE(std::holds_alternative<PinCheck>(first_pin.value()));
    EXPECT_EQ(std::get<PinCheck>(wait(office->verify_pin(Role::Staff, "24681")).value()).outcome,
              PinCheck::Outcome::Accepted);

    // Locked by wrong PINs, then unlocked by the technician.
    storage::UserRecord wang = book->users().find("wang").value().value();
    wang.failed_attempts = UserService::kLockAfter;
    wang.locked = true;
    ASSERT_TRUE(book->users().update_login_state(wang, "lock", "test").ok());
    EXPECT_TRUE(listed()["wang"].locked);
    EXPECT_TRUE(task(office->unlock_user("wang")).ok());
    EXPECT_FALSE(listed()["wang"].locked);

    EXPECT_TRUE(task(office->reset_pin("wang", "97531")).ok());
    EXPECT_EQ(std::get<PinCheck>(wait(office->verify_pin(Role::Staff, "97531")).value()).outcome,
              PinCheck::Outcome::Accepted);

    EXPECT_TRUE(task(office->disable_user("wang")).ok());
    EXPECT_TRUE(listed()["wang"].disabled);
    EXPECT_NE(std::get<PinCheck>(wait(office->verify_pin(Role::Staff, "97531")).value()).outcome,
              PinCheck::Outcome::Accepted)
        << "a disabled user cannot sign in";
    EXPECT_FALSE(task(office->unlock_user("wang")).ok()) << "unlock does not enable a disabled user";
    EXPECT_FALSE(task(office->disable_user("li")).ok()) << "the technician cannot disable themself";
    EXPECT_TRUE(task(office->reset_pin("wang", "11223")).ok()) << "a new PIN enables again";
    EXPECT_FALSE(listed()["wang"].disabled);

    for (const char* action : {"add-user", "unlock", "reset-pin", "disable-user"}) {
        bool by_li = false;
        for (const auto& row : audit(action)) by_li = by_li || row.actor == "li";
        EXPECT_TRUE(by_li) << action << " is in the audit log as li's";
    }
    for (const auto& row : all_audit()) {
        for (const char* pin : {"24681", "97531", "11223", "13579"})
            EXPECT_EQ(row.detail.find(pin), std::string::npos) << row.action << " logs a PIN";
    }
    ASSERT_TRUE(book->audit().verify().ok());
}

TEST_F(TechnicianOfficeTest, WithoutASignedInTechnicianNothingChanges) {
    ASSERT_TRUE(users.add_user("wang", "staff", "24681", "test").ok());
    EXPECT_FALSE(task(office->add_user("zhao", Role::Staff, "13579")).ok());
    EXPECT_FALSE(task(office->disable_user("wang")).ok());
    PolicyRules rules;
    rules.minimum_shelf_life_days = 10;
    EXPECT_FALSE(task(office->save_rules(rules)).ok());
    EXPECT_EQ(book->users().list().value().size(), 1u);
    EXPECT_FALSE(book->reference().setting("policy.rules").value().has_value());
}

TEST_F(TechnicianOfficeTest, RulesAndDrivesAreStoredAndTheDonationFlowsPolicyPicksThemUp) {
    sign_in_technician();
    LedgerWorker worker(ledger_file, ledger_options);
    for (int i = 0; i < 500 && !worker.policy(); ++i) std::this_thread::sleep_for(5ms);
    ASSERT_TRUE(worker.policy());
    EXPECT_EQ(worker.policy()->rules(PolicyRules{}).minimum_shelf_life_days, 90);

    const auto view = std::get<RulesView>(wait(office->read_rules()).value());
    EXPECT_EQ(view.rules.minimum_shelf_life_days, 90);
    EXPECT_TRUE(view.drives.empty());

    PolicyRules rules;
    rules.minimum_shelf_life_days = 150;
    rules.shelf_life_by_category = {{"antiviral", 200}};
    rules.excluded_categories = {"controlled"};
    rules.accept_unknown_for_review = false;
    ASSERT_TRUE(task(office->save_rules(rules)).ok());
    PolicyRules impossible;
    impossible.minimum_shelf_life_days = -3;
    EXPECT_FALSE(task(office->save_rules(impossible)).ok());

    const std::string today = scanner::to_iso(scanner::local_today());
    storage::Drive drive{0, "Winter drive", today, "2099-12-31", {"fever", "cough"}, "{}"};
    ASSERT_TRUE(task(office->save_drive(drive)).ok());
    auto stored = std::get<RulesView>(wait(office->read_rules()).value());
    EXPECT_EQ(stored.rules.minimum_shelf_life_days, 150);
    EXPECT_EQ(stored.rules.excluded_categories, std::set<std::string>{"controlled"});
    EXPECT_FALSE(stored.rules.accept_unknown_for_review);
    ASSERT_EQ(stored.drives.size(), 1u);
    storage::Drive edited = stored.drives.front();
    edited.name = "Winter flu drive";
    edited.accepted_categories = {"fever"};
    ASSERT_TRUE(task(office->save_drive(edited)).ok());
    storage::Drive backwards = edited;
    backwards.ends_on = "2000-01-01";
    EXPECT_FALSE(task(office->save_drive(backwards)).ok());
    stored = std::get<RulesView>(wait(office->read_rules()).value());
    ASSERT_EQ(stored.drives.size(), 1u);
    EXPECT_EQ(stored.drives.front().name, "Winter flu drive");
    EXPECT_EQ(stored.drives.front().accepted_categories, std::vector<std::string>{"fever"});
    EXPECT_EQ(stored.drives.front().ends_on, "2099-12-31");
    EXPECT_EQ(audit("set-setting").back().actor, "li");
    EXPECT_EQ(audit("change-drive").size(), 1u);

    // What the kiosk does after a stored change (TechnicianFlow::take_policy_changed → refresh_policy).
    worker.refresh_policy();
    std::shared_ptr<const PolicySnapshot> snapshot;
    for (int i = 0; i < 500; ++i) {
        snapshot = worker.policy();
        if (snapshot && snapshot->drive && snapshot->rules(PolicyRules{}).minimum_shelf_life_days == 150)
            break;
        std::this_thread::sleep_for(5ms);
    }
    ASSERT_TRUE(snapshot && snapshot->drive);
    EXPECT_EQ(snapshot->rules(PolicyRules{}).minimum_shelf_life_days, 150);
    EXPECT_EQ(snapshot->drive->name, "Winter flu drive");
    EXPECT_EQ(snapshot->drive->accepted_categories, std::vector<std::string>{"fever"});
}

TEST_F(TechnicianOfficeTest, AFreshKioskGetsItsFirstTechnicianThroughTheDevelopmentPin) {
    auto fresh_office = make_local_back_office({.ledger_file = ledger_file,
                                                .technician_pin = "2468",
                                                .ledger_options = ledger_options,
                                                .pepper_file = pepper_file});
    const auto signed_in = [&] {
        const std::uint64_t ticket = fresh_office->verify_pin(Role::Technician, "2468");
        for (int i = 0; i < 1000; ++i) {
            for (auto& reply : fresh_office->take_replies())
                if (reply.ticket == ticket) return std::get<PinCheck>(reply.result.value()).outcome;
            std::this_thread::sleep_for(5ms);
        }
        return PinCheck::Outcome::Unavailable;
    }();
    ASSERT_EQ(signed_in, PinCheck::Outcome::Accepted);
    const std::uint64_t ticket = fresh_office->add_user("li", Role::Technician, "13579");
    std::optional<Result<BackOfficeAnswer>> added;
    for (int i = 0; i < 1000 && !added; ++i) {
        for (auto& reply : fresh_office->take_replies())
            if (reply.ticket == ticket) added = reply.result;
        std::this_thread::sleep_for(5ms);
    }
    ASSERT_TRUE(added && added->ok()) << (added ? added->error().message : "no reply");
    EXPECT_EQ(audit("add-user").back().actor, "technician-development-pin");
    // Now a user exists: the development PIN no longer signs in, and cannot add another.
    const std::uint64_t second = fresh_office->add_user("wang", Role::Staff, "24681");
    std::optional<Result<BackOfficeAnswer>> refused;
    for (int i = 0; i < 1000 && !refused; ++i) {
        for (auto& reply : fresh_office->take_replies())
            if (reply.ticket == second) refused = reply.result;
        std::this_thread::sleep_for(5ms);
    }
    ASSERT_TRUE(refused.has_value());
    EXPECT_FALSE(refused->ok());
}

}  // namespace
}  // namespace medkiosk::kiosk
