// Issue 12, item 5: on the appliance the kiosk runs as its own user, and a technician runs medkioskctl
// as root. Every file root creates for the kiosk must belong to the kiosk's user (the data directory's
// owner), or the kiosk cannot read its own ledger, keys or PIN pepper. `nobody` stands in for the
// medkiosk user. And a command that only reads never creates a data directory or a ledger.

#include <gtest/gtest.h>
#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>

#include <string>
#include <vector>

#include "support/cannot_run_here.hpp"
#include "support/process.hpp"
#include "support/temp_dir.hpp"

namespace medkiosk::test {
namespace {

namespace fs = std::filesystem;

class AppliancePermissionsTest : public ::testing::Test {
  protected:
    void SetUp() override {
        if (::geteuid() != 0) MEDKIOSK_CANNOT_RUN_HERE() << "needs root (CI runs the suite as root)";
        const passwd* nobody = ::getpwnam("nobody");
        ASSERT_NE(nobody, nullptr);
        kiosk_uid_ = nobody->pw_uid;
        kiosk_gid_ = nobody->pw_gid;
        // As on the appliance: the parent (/var/lib) is root's and traversable, the data directory the
        // kiosk user's own.
        ASSERT_EQ(::chmod(dir_.path().c_str(), 0755), 0);
        ASSERT_TRUE(fs::create_directory(data_dir()));
        ASSERT_EQ(::chown(data_dir().c_str(), kiosk_uid_, kiosk_gid_), 0);
        ASSERT_EQ(::chmod(data_dir().c_str(), 0750), 0);
    }
    fs::path data_dir() const { return dir_.path() / "medkiosk"; }
    fs::path pepper() const { return dir_.path() / "medkiosk.pin-pepper"; }

    ProcessResult as_root(std::vector<std::string> args, const std::string& input = {}) {
        args.insert(args.end(), {"--data-dir", data_dir().string()});
        return run_ctl(args, input);
    }
    ProcessResult as_kiosk_user(std::vector<std::string> args, const std::string& input = {}) {
        std::vector<std::string> argv{"/usr/sbin/runuser", "-u", "nobody", "--", MEDKIOSKCTL_PATH};
        argv.insert(argv.end(), args.begin(), args.end());
        argv.insert(argv.end(), {"--data-dir", data_dir().string()});
        return run_process(argv, input);
    }
    // Every file of the kiosk's that is not the kiosk user's, with its owner.
    std::vector<std::string> files_not_owned_by_kiosk_user() {
        std::vector<std::string> wrong;
        std::vector<fs::path> files{pepper()};
        for (const auto& entry : fs::directory_iterator(data_dir())) files.push_back(entry.path());
        for (const auto& file : files) {
            struct stat info {};
            if (::lstat(file.c_str(), &info) != 0) {
                wrong.push_back(file.string() + " (missing)");
            } else if (info.st_uid != kiosk_uid_ || info.st_gid != kiosk_gid_) {
                wrong.push_back(file.string() + " (uid " + std::to_string(info.st_uid) + ")");
            }
        }
        return wrong;
    }

    TempDir dir_;
    uid_t kiosk_uid_ = 0;
    gid_t kiosk_gid_ = 0;
};

TEST_F(AppliancePermissionsTest, FilesRootCreatesBelongToTheDataDirectorysOwnerAndTheKioskUserCanUseThem) {
    // The documented commands, run by root.
    auto init = as_root({"db", "init"});
    ASSERT_EQ(init.exit_code, 0) << init.err;
    auto added = as_root({"users", "add", "tech", "--role", "technician"}, "13579\n");
    ASSERT_EQ(added.exit_code, 0) << added.err;
    auto recorded = as_root({"record", "--today", "2026-11-29"},
                            std::string("]d2010690000000001417281231102611\x1d") + "21SERIAL-ROOT-0001\n");
    ASSERT_EQ(recorded.exit_code, 0) << recorded.err;
    const fs::path usb = dir_.path() / "usb";
    auto exported = as_root({"sync", "export", "--to", usb.string(), "--kiosk-id", "k1"});
    ASSERT_EQ(exported.exit_code, 0) << exported.err;
    ASSERT_TRUE(fs::exists(data_dir() / "ledger.db"));
    ASSERT_TRUE(fs::exists(data_dir() / "county.key"));
    ASSERT_TRUE(fs::exists(data_dir() / "kiosk_sign.key"));
    ASSERT_TRUE(fs::exists(pepper()));

    EXPECT_EQ(files_not_owned_by_kiosk_user(), std::vector<std::string>{});
    struct stat info {};
    ASSERT_EQ(::stat(pepper().c_str(), &info), 0);
    EXPECT_EQ(info.st_mode & 0777, 0600u) << "the pepper is the kiosk user's secret";

    // The kiosk's user reads and writes all of it: the PIN check needs the pepper and the ledger.
    auto listed = as_kiosk_user({"users", "list"});
    EXPECT_EQ(listed.exit_code, 0) << listed.err;
    EXPECT_NE(listed.out.find("tech"), std::string::npos) << listed.out;
    auto unlocked = as_kiosk_user({"users", "unlock", "tech", "--by", "tech"}, "13579\n");
    EXPECT_EQ(unlocked.exit_code, 0) << unlocked.err;
    auto more = as_kiosk_user({"record", "--today", "2026-11-29"},
                              std::string("]d2010690000000001417281231102611\x1d") + "21SERIAL-KIOSK-0002\n");
    EXPECT_EQ(more.exit_code, 0) << more.err;
    auto audit = as_kiosk_user({"db", "verify-audit"});
    EXPECT_EQ(audit.exit_code, 0) << audit.out << audit.err;
    const fs::path kiosk_usb = dir_.path() / "usb2";
    ASSERT_TRUE(fs::create_directory(kiosk_usb));
    ASSERT_EQ(::chown(kiosk_usb.c_str(), kiosk_uid_, kiosk_gid_), 0);
    auto again = as_kiosk_user({"sync", "export", "--to", kiosk_usb.string(), "--kiosk-id", "k1"});
    EXPECT_EQ(again.exit_code, 0) << again.err << " (the signing key must be readable)";
    EXPECT_EQ(files_not_owned_by_kiosk_user(), std::vector<std::string>{});
}

TEST(ReadOnlyCommands, RefuseADataDirectoryThatDoesNotExistAndCreateNothing) {
    TempDir dir;
    const fs::path typo = dir.path() / "medkoisk";
    const std::vector<std::vector<std::string>> commands = {
        {"users", "list"}, {"db", "summary"},  {"db", "check"},       {"dropoffs", "list"},
        {"rules", "show"}, {"sync", "status"}, {"catalog", "export"}, {"status"},
    };
    for (const auto& command : commands) {
        auto args = command;
        args.insert(args.end(), {"--data-dir", typo.string()});
        auto result = run_ctl(args);
        std::string joined;
        for (const auto& word : command) joined += word + " ";
        EXPECT_EQ(result.exit_code, 1) << joined << result.out << result.err;
        EXPECT_NE(result.err.find(typo.string()), std::string::npos) << joined << result.err;
        EXPECT_NE(result.err.find("does not exist"), std::string::npos) << joined << result.err;
        EXPECT_EQ(result.out.find("no users"), std::string::npos) << joined << result.out;
        EXPECT_FALSE(fs::exists(typo)) << joined << "created the directory";
    }
}

}  // namespace
}  // namespace medkiosk::test
