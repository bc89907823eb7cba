// Offline bundles through the real medkioskctl: export, import, import again, tampered, foreign.

#include "medkiosk/storage/bundle.hpp"

#include <fstream>

#include "medkiosk/storage/clinic_store.hpp"
#include "support/cannot_run_here.hpp"
#include "support/process.hpp"
#include "sync_fixture.hpp"

namespace medkiosk::test {
namespace {

namespace fs = std::filesystem;

fs::path only_bundle_in(const fs::path& directory) {
    fs::path found;
    for (const auto& entry : fs::directory_iterator(directory)) {
        if (entry.path().extension() == ".mkbundle") found = entry.path();
    }
    return found;
}

class BundleTest : public SyncFixture {
  protected:
    ProcessResult ctl(const std::vector<std::string>& args) { return run_ctl(args); }
    ProcessResult import(const fs::path& file) {
        return ctl({"hub", "import", file.string(), "--hub", pg.admin_conninfo(database)});
    }
    // The kiosk registers its bundle key on its first sync; a site that never synced gets it from
    // the technician through hub add-kiosk --public-key.
    void register_key(const TestKiosk& kiosk) {
        auto key = storage::kiosk_public_key(kiosk.data_dir / "kiosk_sign.key");
        ASSERT_TRUE(key.ok());
        auto admin = pg.admin(database);
        ASSERT_TRUE(storage::add_kiosk(*admin, kiosk.id, kiosk.password, key.value()).ok());
    }
    fs::path export_bundle(const TestKiosk& kiosk, const std::string& name) {
        const fs::path usb = temp.path() / name;
        auto exported = ctl({"sync", "export", "--to", usb.string(), "--data-dir", kiosk.data_dir.string()});
        EXPECT_EQ(exported.exit_code, 0) << exported.err;
        return only_bundle_in(usb);
    }
};

TEST_F(BundleTest, ExportImportAndImportAgainChangesNothing) {
    auto kiosk = make_kiosk("bundle");
    kiosk.record(40);
    register_key(kiosk);
    const auto bundle = export_bundle(kiosk, "usb");
    ASSERT_FALSE(bundle.empty());

    auto first = import(bundle);
    EXPECT_EQ(first.exit_code, 0) << first.err;
    EXPECT_NE(first.out.find("41 inserted, 0 duplicate"), std::string::npos) << first.out;
    EXPECT_EQ(hub_dropoffs(kiosk), 40);
    EXPECT_EQ(hub_int("SELECT count(*) FROM hub.ingest_record WHERE source = 'bundle'"), 41);

    auto second = import(bundle);
    EXPECT_EQ(second.exit_code, 0) << second.err;
    EXPECT_NE(second.out.find("0 inserted, 41 duplicate"), std::string::npos) << second.out;
    EXPECT_EQ(hub_dropoffs(kiosk), 40);

    // The kiosk later reaches the hub: its records come back "duplicate" and are acknowledged.
    auto worker = worker_for(kiosk);
    ASSERT_TRUE(worker->run_round().ok()) << worker->progress().last_error;
    EXPECT_EQ(worker->progress().duplicates, 41);
    expect_agreement(kiosk);
    // Nothing left to export.
    const auto empty = export_bundle(kiosk, "usb2");
    EXPECT_NE(storage::testing::read_file_bytes(empty).find("\"records\":[]"), std::string::npos);
}

TEST_F(BundleTest, TamperedForeignAndUnregisteredBundlesAreRefusedWithoutWriting) {
    auto a = make_kiosk("signa");
    auto b = make_kiosk("signb");
    a.record(5);
    b.record(5);
    register_key(b);
    const auto bundle_b = export_bundle(b, "usb-b");
    const std::string original = storage::testing::read_file_bytes(bundle_b);

    // Unregistered key: kiosk a never synced and nobody registered its key.
    const auto bundle_a = export_bundle(a, "usb-a");
    auto unregistered = import(bundle_a);
    EXPECT_EQ(unregistered.exit_code, 1);
    EXPECT_NE(unregistered.err.find("no registered bundle key"), std::string::npos) << unregistered.err;

    // Tampered: one quantity changed inside the signed body.
    std::string tampered = original;
    const auto at = tampered.find("\\\"quantity\\\":1");
    ASSERT_NE(at, std::string::npos);
    tampered.replace(at, 14, "\\\"quantity\\\":9");
    storage::testing::write_file_bytes(temp.path() / "tampered.mkbundle", tampered);
    auto refused = import(temp.path() / "tampered.mkbundle");
    EXPECT_EQ(refused.exit_code, 1);
    EXPECT_NE(refused.err.find("signature does not match"), std::string::npos) << refused.err;

    // Foreign: a's records (signed by a's key) relabelled as b's.
    register_key(a);
    std::string foreign = storage::testing::read_file_bytes(bundle_a);
    for (std::size_t pos; (pos = foreign.find(a.id)) != std::string::npos;)
        foreign.replace(pos, a.id.size(), b.id);
    storage::testing::write_file_bytes(temp.path() / "foreign.mkbundle", foreign);
    auto foreign_import = import(temp.path() / "foreign.mkbundle");
    EXPECT_EQ(foreign_import.exit_code, 1);
    EXPECT_NE(foreign_import.err.find("signature does not match"), std::string::npos) << foreign_import.err;

    // Garbage and a missing file.
    storage::testing::write_file_bytes(temp.path() / "junk.mkbundle", "hello\n");
    EXPECT_EQ(import(temp.path() / "junk.mkbundle").exit_code, 1);
    EXPECT_EQ(import(temp.path() / "missing.mkbundle").exit_code, 1);

    EXPECT_EQ(hub_int("SELECT count(*) FROM hub.ingest_record"), 0);

    // Replayed: the genuine bundle twice is harmless.
    EXPECT_EQ(import(bundle_b).exit_code, 0);
    EXPECT_EQ(import(bundle_b).exit_code, 0);
    EXPECT_EQ(hub_dropoffs(b), 5);
    EXPECT_EQ(hub_dropoffs(a), 0);
}

TEST_F(BundleTest, HubCommandsInitAddKioskAndUsageErrors) {
    const std::string fresh = pg.create_hub_database();
    auto init = ctl({"hub", "init", "--hub", pg.admin_conninfo(fresh)});
    EXPECT_EQ(init.exit_code, 0) << init.err;
    const std::string id = unique_kiosk_id("ctl");
    auto added = ctl({"hub", "add-kiosk", id, "--hub", pg.admin_conninfo(fresh)});
    EXPECT_EQ(added.exit_code, 0) << added.err;
    const auto password_at = added.out.find("password: ");
    ASSERT_NE(password_at, std::string::npos) << added.out;
    const std::string password =
        added.out.substr(password_at + 10, added.out.find(' ', password_at + 10) - password_at - 10);
    auto login = storage::HubSession::connect(pg.role_conninfo(fresh, std::string("kiosk_") + id, password));
    EXPECT_TRUE(login.ok()) << (login.ok() ? "" : login.error().message);

    auto sql = ctl({"hub", "add-kiosk", id, "--password", "x'y", "--print-sql"});
    EXPECT_EQ(sql.exit_code, 0);
    EXPECT_NE(sql.out.find("'x''y'"), std::string::npos) << sql.out;
    EXPECT_EQ(ctl({"hub", "add-kiosk", "Bad Id!", "--hub", pg.admin_conninfo(fresh)}).exit_code, 1);
    EXPECT_EQ(ctl({"hub", "frobnicate"}).exit_code, 2);
    EXPECT_EQ(ctl({"sync", "export"}).exit_code, 2);
    auto no_hub =
        run_process({MEDKIOSKCTL_PATH, "hub", "init"}, {}, std::chrono::seconds(10), {"MEDKIOSK_HUB_URL="});
    EXPECT_EQ(no_hub.exit_code, 1);
    EXPECT_NE(no_hub.err.find("MEDKIOSK_HUB_URL"), std::string::npos) << no_hub.err;
}

TEST_F(BundleTest, SyncRunAndStatusThroughTheCommandLine) {
    auto kiosk = make_kiosk("ctlsync");
    kiosk.record(12);
    auto status = ctl({"sync", "status", "--data-dir", kiosk.data_dir.string()});
    EXPECT_EQ(status.exit_code, 0) << status.err;
    EXPECT_NE(status.out.find("queued:          12"), std::string::npos) << status.out;

    auto bad = ctl({"sync", "run", "--data-dir", kiosk.data_dir.string(), "--hub",
                    pg.role_conninfo(database, kiosk.role, "wrong")});
    EXPECT_EQ(bad.exit_code, 1);
    EXPECT_NE(bad.err.find("password authentication failed"), std::string::npos) << bad.err;

    auto run = ctl({"sync", "run", "--data-dir", kiosk.data_dir.string(), "--hub", kiosk.conninfo});
    EXPECT_EQ(run.exit_code, 0) << run.err;
    EXPECT_NE(run.out.find("13 inserted"), std::string::npos) << run.out;
    status = ctl({"sync", "status", "--data-dir", kiosk.data_dir.string()});
    EXPECT_NE(status.out.find("queued:          0"), std::string::npos) << status.out;
    EXPECT_NE(status.out.find("sent:            12"), std::string::npos) << status.out;
    expect_agreement(kiosk);
}

TEST_F(BundleTest, AKioskClockTenMinutesFastIsMeasuredAndFlagged) {
    const char* faketime = "/usr/lib/x86_64-linux-gnu/faketime/libfaketimeMT.so.1";
    if (!fs::exists(faketime)) MEDKIOSK_CANNOT_RUN_HERE() << "libfaketime is not installed";
    auto kiosk = make_kiosk("skew");
    kiosk.record(1);
    auto run = run_process(
        {MEDKIOSKCTL_PATH, "sync", "run", "--data-dir", kiosk.data_dir.string(), "--hub", kiosk.conninfo}, {},
        std::chrono::seconds(60),
        {std::string("LD_PRELOAD=") + faketime, "FAKETIME=+10m", "FAKETIME_DONT_FAKE_MONOTONIC=1"});
    EXPECT_EQ(run.exit_code, 0) << run.err;
    EXPECT_NE(run.err.find("the kiosk's clock differs from the hub's"), std::string::npos)
        << run.out << run.err;
    // Hub minus kiosk: about minus ten minutes, kept in the ledger for the status screen.
    const auto status = run_ctl({"sync", "status", "--data-dir", kiosk.data_dir.string()});
    const auto at = status.out.find("clock skew:      -");
    ASSERT_NE(at, std::string::npos) << status.out;
    const long long measured = std::stoll(status.out.substr(at + 17));
    EXPECT_NEAR(static_cast<double>(measured), -600000.0, 5000.0);
}

// A clinic device syncs through the same command; the warning names it, not a kiosk it does not have.
TEST_F(BundleTest, AClinicDevicesFastClockIsFlaggedAsTheClinicDevicesClock) {
    const char* faketime = "/usr/lib/x86_64-linux-gnu/faketime/libfaketimeMT.so.1";
    if (!fs::exists(faketime)) MEDKIOSK_CANNOT_RUN_HERE() << "libfaketime is not installed";
    const auto device = make_clinic_kiosk("skewdev", "shitang-vc");
    {
        storage::LedgerOptions options;
        options.kiosk_id = device.id;
        // Opening the clinic's store marks the ledger as a clinic device's (device.mode = clinic).
        auto store = storage::ClinicStore::open(device.ledger_file, options, "shitang-vc");
        ASSERT_TRUE(store.ok()) << store.error().message;
    }
    auto run = run_process(
        {MEDKIOSKCTL_PATH, "sync", "run", "--data-dir", device.data_dir.string(), "--hub", device.conninfo},
        {}, std::chrono::seconds(60),
        {std::string("LD_PRELOAD=") + faketime, "FAKETIME=+10m", "FAKETIME_DONT_FAKE_MONOTONIC=1"});
    EXPECT_EQ(run.exit_code, 0) << run.err;
    EXPECT_NE(run.err.find("the clinic device's clock differs from the hub's"), std::string::npos)
        << run.out << run.err;
    EXPECT_EQ(run.err.find("kiosk's"), std::string::npos) << run.err;
}

}  // namespace
}  // namespace medkiosk::test
