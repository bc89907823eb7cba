// The .deb as a technician meets it: built with cpack from this build tree, installed with dpkg -i,
// upgraded over itself with a changed config, removed and purged. Needs root; CI runs as root on a
// throwaway machine. Refuses to run where a real medkiosk installation exists, and cleans up after
// itself: package purged, user and data directory removed.

#include <grp.h>
#include <gtest/gtest.h>
#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fstream>
#include <sstream>
#include <vector>

#include "support/cannot_run_here.hpp"
#include "support/process.hpp"
#include "support/temp_dir.hpp"

namespace medkiosk::test {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

ProcessResult sh(const std::string& command) {
    return run_process({"/bin/sh", "-c", command}, {}, 300s, {"DEBIAN_FRONTEND=noninteractive"});
}

bool package_installed() {
    return sh("dpkg-query -W -f='${Status}' medkiosk 2>/dev/null | grep -q 'install ok installed'")
               .exit_code == 0;
}

std::string read_file(const fs::path& file) {
    std::ifstream in(file);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

class DebPackage : public ::testing::Test {
  protected:
    void SetUp() override {
        if (::geteuid() != 0)
            MEDKIOSK_CANNOT_RUN_HERE() << "installing a .deb needs root (CI runs the suite as root)";
        if (sh("command -v dpkg && command -v cpack && command -v dpkg-shlibdeps").exit_code != 0)
            MEDKIOSK_CANNOT_RUN_HERE()
                << "dpkg, cpack or dpkg-shlibdeps missing (deploy/setup.sh installs them)";
        if (package_installed() || ::getpwnam("medkiosk") != nullptr)
            MEDKIOSK_CANNOT_RUN_HERE()
                << "the medkiosk package or its user is installed here, and this test purges both; run "
                   "the suite where the package is not installed (CI), or `dpkg --purge medkiosk` first";
        // What the README's run command leaves as root (a ledger in /var/lib/medkiosk, a config) is
        // set aside for the test and put back afterwards, never purged with the test's package.
        for (const fs::path& path : kKioskPaths) {
            const fs::path aside = set_aside_path(path);
            if (fs::exists(aside))
                MEDKIOSK_CANNOT_RUN_HERE() << aside << " is left from an interrupted package test: move it "
                                           << "back to " << path << " (or delete it) and run again";
        }
        for (const fs::path& path : kKioskPaths) {
            if (!fs::exists(path)) continue;
            std::error_code ec;
            fs::rename(path, set_aside_path(path), ec);
            ASSERT_FALSE(ec) << "could not set " << path << " aside: " << ec.message();
            set_aside_.push_back(path);
        }
        owns_cleanup_ = true;
    }
    void TearDown() override {
        if (!owns_cleanup_) return;
        sh("dpkg --purge medkiosk >/dev/null 2>&1; userdel medkiosk >/dev/null 2>&1; groupdel medkiosk "
           ">/dev/null 2>&1; "
           "rm -rf /var/lib/medkiosk /var/lib/medkiosk.pin-pepper /etc/medkiosk");
        EXPECT_FALSE(package_installed());
        EXPECT_EQ(::getpwnam("medkiosk"), nullptr);
        for (const fs::path& path : set_aside_) {
            std::error_code ec;
            fs::rename(set_aside_path(path), path, ec);
            EXPECT_FALSE(ec) << "could not put " << path << " back from " << set_aside_path(path) << ": "
                             << ec.message();
        }
    }
    static fs::path set_aside_path(const fs::path& path) { return path.string() + ".before-package-test"; }
    static inline const std::vector<fs::path> kKioskPaths = {"/var/lib/medkiosk",
                                                             "/var/lib/medkiosk.pin-pepper", "/etc/medkiosk"};
    std::vector<fs::path> set_aside_;
    bool owns_cleanup_ = false;
};

TEST_F(DebPackage, BuildsInstallsUpgradesKeepingTheConfigAndPurges) {
    TempDir out;
    const auto built = sh("cpack --config '" MEDKIOSK_BINARY_DIR "/CPackConfig.cmake' -G DEB -B '" +
                          out.path().string() + "' 2>&1");
    ASSERT_EQ(built.exit_code, 0) << built.out;
    fs::path deb;
    for (const auto& entry : fs::directory_iterator(out.path()))
        if (entry.path().extension() == ".deb") deb = entry.path();
    ASSERT_FALSE(deb.empty()) << built.out;

    const auto info = sh("dpkg-deb --field '" + deb.string() + "' Depends");
    for (const char* dependency :
         {"cage", "libtomlplusplus3", "libsystemd0", "libsqlite3-0", "libzxing", "fonts-noto-cjk"})
        EXPECT_NE(info.out.find(dependency), std::string::npos)
            << dependency << " missing from Depends: " << info.out;
    const auto conffiles = sh("dpkg-deb --ctrl-tarfile '" + deb.string() + "' | tar -xO ./conffiles");
    EXPECT_NE(conffiles.out.find("/etc/medkiosk/kiosk.toml"), std::string::npos) << conffiles.out;

    // Install.
    auto installed = sh("dpkg -i '" + deb.string() + "' 2>&1");
    ASSERT_EQ(installed.exit_code, 0) << installed.out;
    ASSERT_TRUE(package_installed());
    const passwd* user = ::getpwnam("medkiosk");
    ASSERT_NE(user, nullptr) << "postinst did not create the medkiosk user";
    EXPECT_EQ(std::string(user->pw_dir), "/var/lib/medkiosk");
    EXPECT_EQ(sh("id -nG medkiosk | tr ' ' '\\n' | grep -qx video").exit_code, 0) << sh("id medkiosk").out;
    struct stat data {};
    ASSERT_EQ(::stat("/var/lib/medkiosk", &data), 0);
    EXPECT_EQ(data.st_uid, user->pw_uid);
    EXPECT_TRUE(fs::exists("/usr/bin/medkiosk"));
    // A release kiosk: it reads no test hook, and the hooked build is not shipped (MEDKIOSK_TEST_HOOKS).
    EXPECT_FALSE(fs::exists("/usr/bin/medkiosk-test-hooks"));
    EXPECT_EQ(
        sh("grep -qaE 'MEDKIOSK_(STAFF_PIN|TECHNICIAN_PIN|BENCH_FRAMES|TEST_EXPIRY_PROPOSAL|LOG_LAYOUT)' "
           "/usr/bin/medkiosk")
            .exit_code,
        1)
        << "the installed kiosk holds a test hook";
    EXPECT_TRUE(fs::exists("/usr/share/medkiosk/assets/lang/zh-CN.json"));
    EXPECT_TRUE(fs::exists("/usr/lib/udev/rules.d/70-medkiosk-camera.rules"));
    EXPECT_TRUE(fs::exists("/etc/pam.d/medkiosk"));

    // The installed tools work against the installed files.
    auto check = sh("MEDKIOSK_CONFIG= /usr/bin/medkioskctl config check");
    EXPECT_EQ(check.exit_code, 0) << check.out << check.err;
    auto version = sh("/usr/bin/medkiosk --version");
    EXPECT_EQ(version.exit_code, 0) << version.err;
    auto status = sh("/usr/bin/medkioskctl status");
    EXPECT_EQ(status.exit_code, 0) << status.out << status.err;
    EXPECT_NE(status.out.find("version:"), std::string::npos) << status.out;
    if (fs::exists("/usr/bin/systemd-analyze")) {
        auto verified = sh("systemd-analyze verify /usr/lib/systemd/system/medkiosk.service 2>&1");
        EXPECT_EQ(verified.out, "") << verified.out;
    }

    // The PIN pepper is made for the kiosk's user, which cannot create it in /var/lib itself.
    struct stat pepper {};
    ASSERT_EQ(::stat("/var/lib/medkiosk.pin-pepper", &pepper), 0) << "postinst did not create the PIN pepper";
    EXPECT_EQ(pepper.st_uid, user->pw_uid);
    EXPECT_EQ(pepper.st_mode & 0777, 0600u);
    EXPECT_EQ(pepper.st_size, 32);
    const std::string pepper_bytes = read_file("/var/lib/medkiosk.pin-pepper");
    // The documented commands as root, then used by the kiosk's user (issue 12: root-owned files).
    auto added = sh("printf '13579\\n' | /usr/bin/medkioskctl users add tech --role technician 2>&1");
    ASSERT_EQ(added.exit_code, 0) << added.out;
    auto as_kiosk =
        sh("printf '13579\\n' | runuser -u medkiosk -- /usr/bin/medkioskctl users unlock tech --by tech "
           "2>&1 && runuser -u medkiosk -- /usr/bin/medkioskctl users list 2>&1");
    EXPECT_EQ(as_kiosk.exit_code, 0) << as_kiosk.out;
    EXPECT_EQ(sh("find /var/lib/medkiosk /var/lib/medkiosk.pin-pepper ! -user medkiosk").out, "")
        << "files root made that the kiosk's user does not own";

    // The technician's change to the conffile survives an upgrade (here: the same package again).
    auto set =
        sh("/usr/bin/medkioskctl config set kiosk.id county3-pharmacy12 --config /etc/medkiosk/kiosk.toml");
    ASSERT_EQ(set.exit_code, 0) << set.err;
    auto upgraded = sh("dpkg -i '" + deb.string() + "' 2>&1");
    ASSERT_EQ(upgraded.exit_code, 0) << upgraded.out;
    EXPECT_NE(read_file("/etc/medkiosk/kiosk.toml").find("id = \"county3-pharmacy12\""), std::string::npos)
        << "the upgrade replaced the technician's config";
    EXPECT_EQ(read_file("/var/lib/medkiosk.pin-pepper"), pepper_bytes) << "the upgrade replaced the pepper";
    EXPECT_NE(::getpwnam("medkiosk"), nullptr);

    // Remove keeps the conffile and the data, purge drops the conffile; the ledger stays (it may hold
    // donations the hub has not seen).
    std::ofstream("/var/lib/medkiosk/ledger.db") << "pretend";
    auto removed = sh("dpkg -r medkiosk 2>&1");
    ASSERT_EQ(removed.exit_code, 0) << removed.out;
    EXPECT_FALSE(fs::exists("/usr/bin/medkiosk"));
    EXPECT_TRUE(fs::exists("/etc/medkiosk/kiosk.toml"));
    auto purged = sh("dpkg -P medkiosk 2>&1");
    ASSERT_EQ(purged.exit_code, 0) << purged.out;
    EXPECT_FALSE(fs::exists("/etc/medkiosk/kiosk.toml"));
    EXPECT_TRUE(fs::exists("/var/lib/medkiosk/ledger.db"));
}

}  // namespace
}  // namespace medkiosk::test
