// The kiosk's clinic list (schema version 31, issue 16): a version-30 ledger gains it with the clinics
// it had pulled; the hub's rows (as the sync's pull or an offline import stores them) win over local
// ones of the same id and retire what the hub retired, idempotently; the technician's own clinics are
// checked (id, names, duplicates), changed with an audit row each, and offered to dispatches unless
// retired.

#include "medkiosk/storage/clinic_list.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>

#include "../../storage/src/migrations.hpp"
#include "medkiosk/storage/dispatch_book.hpp"
#include "medkiosk/storage/ledger.hpp"
#include "storage_test_util.hpp"
#include "support/temp_dir.hpp"

namespace medkiosk::storage {
namespace {

using testing::RawDb;

// As hub.clinic_feed sends a clinic, stored the way the sync worker's pull stores a feed row.
std::string hub_row_sql(const std::string& id, const std::string& name_zh, const std::string& name_en,
                        bool deleted, int change_seq) {
    return "INSERT INTO hub_clinic (key, body, change_seq, deleted) VALUES ('" + id +
           "', json_object('clinic_id', '" + id + "', 'name_zh', '" + name_zh + "', 'name_en', '" + name_en +
           "', 'kind', 'village-clinic', 'township_zh', '石塘镇', 'township_en', 'Shitang'), " +
           std::to_string(change_seq) + ", " + (deleted ? "1" : "0") +
           ") ON CONFLICT (key) DO UPDATE SET body = excluded.body, change_seq = excluded.change_seq, "
           "deleted = excluded.deleted;";
}

const ClinicChoice* find(const ClinicList& list, const std::string& id) {
    const auto it = std::find_if(list.clinics.begin(), list.clinics.end(),
                                 [&](const ClinicChoice& c) { return c.clinic_id == id; });
    return it == list.clinics.end() ? nullptr : &*it;
}

ClinicChoice local(std::string id, std::string name_en, std::string township_en = "Shitang") {
    ClinicChoice clinic;
    clinic.clinic_id = std::move(id);
    clinic.name_en = std::move(name_en);
    clinic.township_en = std::move(township_en);
    return clinic;
}

class ClinicListTest : public ::testing::Test {
  protected:
    std::filesystem::path file() const { return dir_.path() / "ledger.db"; }
    std::unique_ptr<Ledger> open() {
        auto ledger = Ledger::open(file(), LedgerOptions{"kiosk-clinics", dir_.path() / "county.key"});
        EXPECT_TRUE(ledger.ok()) << ledger.error().message;
        return ledger ? std::move(ledger).value() : nullptr;
    }
    medkiosk::test::TempDir dir_;
};

TEST_F(ClinicListTest, AVersion30LedgerGainsTheListWithTheClinicsItPulled) {
    {
        auto db = detail::Database::open(file(), SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE).value();
        std::vector<detail::Migration> up_to_30;
        for (const auto& m : detail::migrations())
            if (m.version <= 30) up_to_30.push_back(m);
        ASSERT_EQ(up_to_30.back().version, 30);
        ASSERT_TRUE(detail::apply_migrations(*db, 0, up_to_30).ok());
        ASSERT_TRUE(db->exec((hub_row_sql("shitang-vc", "石塘村卫生室", "Shitang village clinic", false, 4) +
                              hub_row_sql("old-vc", "旧村卫生室", "Old village clinic", true, 5))
                                 .c_str(),
                             "writing version 30 rows")
                        .ok());
    }
    auto ledger = open();
    ASSERT_TRUE(ledger);
    EXPECT_EQ(ledger->summary().value().schema_version, Ledger::kSchemaVersion);
    auto list = read_clinic_list(*ledger);
    ASSERT_TRUE(list.ok()) << list.error().message;
    ASSERT_EQ(list.value().clinics.size(), 2u);
    const auto* shitang = find(list.value(), "shitang-vc");
    ASSERT_NE(shitang, nullptr);
    EXPECT_EQ(shitang->name_zh, "石塘村卫生室");
    EXPECT_EQ(shitang->township_en, "Shitang");
    EXPECT_EQ(shitang->source, "hub");
    EXPECT_FALSE(shitang->retired);
    EXPECT_TRUE(find(list.value(), "old-vc")->retired) << "retired on the hub: kept, retired";
    EXPECT_EQ(list.value().updated_from_hub_at, "") << "no sync has pulled it at version 31 yet";
    // The dispatch picker offers the active one only.
    auto book = DispatchBook::open(file(), LedgerOptions{"kiosk-clinics", dir_.path() / "county.key"});
    ASSERT_TRUE(book.ok()) << book.error().message;
    auto offered = book.value()->clinics();
    ASSERT_TRUE(offered.ok());
    ASSERT_EQ(offered.value().size(), 1u);
    EXPECT_EQ(offered.value()[0].clinic_id, "shitang-vc");
    EXPECT_EQ(ledger->integrity_check().value(), "ok");
}

TEST_F(ClinicListTest, TheHubWinsOverALocalClinicRetiresWhatItRetiredAndLeavesTheRestLocal) {
    auto ledger = open();
    ASSERT_TRUE(ledger);
    ASSERT_TRUE(add_local_clinic(*ledger, local("hetou-vc", "Hetou clinic"), "tech").ok());
    ASSERT_TRUE(add_local_clinic(*ledger, local("only-here", "Only here"), "tech").ok());
    ASSERT_TRUE(add_local_clinic(*ledger, local("gone-vc", "Gone clinic"), "tech").ok());

    RawDb raw(file());
    const std::string pull = hub_row_sql("hetou-vc", "河头村卫生室", "Hetou village clinic", false, 7) +
                             hub_row_sql("gone-vc", "旧卫生室", "Gone village clinic", true, 8) +
                             hub_row_sql("new-vc", "新村卫生室", "New village clinic", false, 9);
    raw.exec(pull);
    const auto check = [&](const char* when) {
        SCOPED_TRACE(when);
        auto list = read_clinic_list(*ledger);
        ASSERT_TRUE(list.ok()) << list.error().message;
        ASSERT_EQ(list.value().clinics.size(), 4u);
        const auto* hetou = find(list.value(), "hetou-vc");
        EXPECT_EQ(hetou->source, "hub") << "the hub's entry wins";
        EXPECT_EQ(hetou->name_zh, "河头村卫生室");
        const auto* gone = find(list.value(), "gone-vc");
        EXPECT_EQ(gone->source, "hub");
        EXPECT_TRUE(gone->retired) << "retired by the hub, kept for history";
        const auto* only = find(list.value(), "only-here");
        EXPECT_EQ(only->source, "local") << "a clinic the hub does not know stays";
        EXPECT_EQ(only->name_zh, "Only here") << "one name given: shown in both languages";
        EXPECT_FALSE(only->retired);
        EXPECT_EQ(find(list.value(), "new-vc")->source, "hub");
    };
    check("first pull");
    raw.exec(pull);  // the same page again (a pull repeated after a cut): nothing changes
    check("repeated pull");

    // The hub's clinics are read-only here.
    auto renamed = rename_clinic(*ledger, "hetou-vc", "", "Mine now", "tech");
    ASSERT_FALSE(renamed.ok());
    EXPECT_NE(renamed.error().message.find("comes from the hub"), std::string::npos)
        << renamed.error().message;
    EXPECT_FALSE(set_clinic_retired(*ledger, "new-vc", true, "tech").ok());
    EXPECT_EQ(ledger->integrity_check().value(), "ok");
}

TEST_F(ClinicListTest, TheTechniciansChangesAreCheckedAndAuditedAndRetiredOnesAreNotOffered) {
    auto ledger = open();
    ASSERT_TRUE(ledger);
    const auto refused = [&](ClinicChoice clinic, const std::string& words) {
        auto added = add_local_clinic(*ledger, std::move(clinic), "tech");
        if (added.ok()) return ::testing::AssertionFailure() << "accepted";
        if (added.error().message.find(words) == std::string::npos)
            return ::testing::AssertionFailure() << added.error().message;
        if (added.error().message.find("nothing was changed") == std::string::npos)
            return ::testing::AssertionFailure() << added.error().message;
        return ::testing::AssertionSuccess();
    };
    EXPECT_TRUE(refused(local("Shitang VC", "Shitang"), "not usable"));
    EXPECT_TRUE(refused(local("", "Shitang"), "not usable"));
    EXPECT_TRUE(refused(local("shitang-vc", "  "), "needs a name"));
    EXPECT_TRUE(refused(local("shitang-vc", "Shitang", ""), "needs its township"));
    ClinicChoice chinese;
    chinese.clinic_id = "shitang-vc";
    chinese.name_zh = "石塘村卫生室";
    chinese.township_zh = "石塘镇";
    chinese.kind = "township-health-centre";
    ASSERT_TRUE(add_local_clinic(*ledger, chinese, "tech").ok());
    EXPECT_TRUE(refused(local("shitang-vc", "Another"), "already in the list"));

    ASSERT_TRUE(rename_clinic(*ledger, "shitang-vc", "石塘卫生院", "Shitang health centre", "tech").ok());
    EXPECT_FALSE(rename_clinic(*ledger, "shitang-vc", "", " ", "tech").ok()) << "a name stays";
    EXPECT_FALSE(rename_clinic(*ledger, "nowhere", "x", "x", "tech").ok());
    auto opened = DispatchBook::open(file(), LedgerOptions{"kiosk-clinics", dir_.path() / "county.key"});
    ASSERT_TRUE(opened.ok()) << opened.error().message;
    DispatchBook& book = *opened.value();
    ASSERT_EQ(book.clinics().value().size(), 1u);
    EXPECT_EQ(book.clinics().value()[0].name_en, "Shitang health centre");
    EXPECT_EQ(book.clinics().value()[0].kind, "township-health-centre");

    ASSERT_TRUE(set_clinic_retired(*ledger, "shitang-vc", true, "tech").ok());
    ASSERT_TRUE(set_clinic_retired(*ledger, "shitang-vc", true, "tech").ok()) << "already retired: fine";
    EXPECT_TRUE(book.clinics().value().empty()) << "a retired clinic is not offered";
    auto list = read_clinic_list(*ledger);
    ASSERT_EQ(list.value().clinics.size(), 1u) << "but kept";
    EXPECT_TRUE(list.value().clinics[0].retired);
    EXPECT_TRUE(refused(local("shitang-vc", "Again"), "already in the list")) << "a retired id stays taken";
    ASSERT_TRUE(set_clinic_retired(*ledger, "shitang-vc", false, "tech").ok());
    EXPECT_EQ(book.clinics().value().size(), 1u);

    // One audit row per change (the refused ones and the repeated retire wrote none), chain intact.
    auto rows = ledger->audit().rows();
    ASSERT_TRUE(rows.ok());
    std::vector<std::string> actions;
    for (const auto& row : rows.value())
        if (row.entity == "clinic") actions.push_back(row.action + " " + row.entity_id + " " + row.actor);
    EXPECT_EQ(actions,
              (std::vector<std::string>{"clinic-add shitang-vc tech", "clinic-rename shitang-vc tech",
                                        "clinic-retire shitang-vc tech", "clinic-restore shitang-vc tech"}));
    EXPECT_TRUE(ledger->audit().verify().value().ok());

    // The hub keeps 200 characters of a name: 201 English letters are refused, 200 Chinese ones are not.
    EXPECT_TRUE(refused(local("long-vc", std::string(201, 'a')), "at most 200 characters"));
    std::string two_hundred;
    for (int i = 0; i < 200; ++i) two_hundred += "卫";
    ASSERT_TRUE(add_local_clinic(*ledger, local("long-vc", two_hundred), "tech").ok());
}

}  // namespace
}  // namespace medkiosk::storage
