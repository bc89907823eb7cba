// The systemd unit and the other files under deploy/ checked by the tools that will read them.

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "support/cannot_run_here.hpp"
#include "support/process.hpp"
#include "support/temp_dir.hpp"

namespace medkiosk::test {
namespace {

namespace fs = std::filesystem;
const fs::path kDeploy = fs::path(MEDKIOSK_SOURCE_DIR) / "deploy";

std::string read_file(const fs::path& file) {
    std::ifstream in(file);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

// systemd-analyze prints parse problems but still exits 0: a clean unit is one with nothing to say.
ProcessResult verify(const fs::path& unit) {
    return run_process({"/usr/bin/systemd-analyze", "verify", unit.string()}, {}, std::chrono::seconds(60),
                       {"SYSTEMD_LOG_COLOR=0"});
}

TEST(SystemdUnit, VerifiesCleanly) {
    if (!fs::exists("/usr/bin/systemd-analyze"))
        MEDKIOSK_CANNOT_RUN_HERE() << "systemd-analyze is not installed";
    const auto result = verify(kDeploy / "medkiosk.service");
    EXPECT_EQ(result.exit_code, 0) << result.err;
    EXPECT_EQ(result.err, "") << "systemd-analyze verify complained";
    EXPECT_EQ(result.out, "");
}

TEST(SystemdUnit, VerifyCatchesABrokenCopy) {
    if (!fs::exists("/usr/bin/systemd-analyze"))
        MEDKIOSK_CANNOT_RUN_HERE() << "systemd-analyze is not installed";
    TempDir dir;
    std::string text = read_file(kDeploy / "medkiosk.service");
    const auto at = text.find("WatchdogSec=30");
    ASSERT_NE(at, std::string::npos);
    text.replace(at, 14, "WatchdogSec=thirty");
    std::ofstream(dir.path() / "medkiosk.service") << text;
    const auto result = verify(dir.path() / "medkiosk.service");
    EXPECT_NE(result.err.find("Failed to parse"), std::string::npos) << result.err;
    EXPECT_NE(result.err.find("thirty"), std::string::npos) << result.err;
}

TEST(SystemdUnit, RunsTheKioskUnderCageOnTty1WithTheWatchdog) {
    const std::string unit = read_file(kDeploy / "medkiosk.service");
    for (const char* line :
         {"Type=notify", "NotifyAccess=all", "Restart=always", "User=medkiosk", "PAMName=medkiosk",
          "TTYPath=/dev/tty1", "Conflicts=getty@tty1.service", "ExecStart=/usr/bin/cage ",
          "/usr/bin/medkiosk", "Environment=MEDKIOSK_DATA_DIR=/var/lib/medkiosk", "consoleblank",
          "WantedBy=graphical.target"})
        EXPECT_NE(unit.find(line), std::string::npos) << line;
    EXPECT_NE(unit.find("\nWatchdogSec="), std::string::npos);
}

TEST(UdevRule, GivesCamerasToTheVideoGroupAndAStableName) {
    const std::string rules = read_file(kDeploy / "70-medkiosk-camera.rules");
    EXPECT_NE(rules.find("SUBSYSTEM==\"video4linux\""), std::string::npos);
    EXPECT_NE(rules.find("GROUP=\"video\""), std::string::npos);
    EXPECT_NE(rules.find("SYMLINK+=\"medkiosk-camera\""), std::string::npos);
    // Every rule line is a comma-separated list of KEY==/=/+= VALUE pairs with quoted values.
    std::istringstream lines(rules);
    std::string line;
    while (std::getline(lines, line)) {
        if (line.empty() || line[0] == '#') continue;
        std::istringstream pairs(line);
        std::string pair;
        while (std::getline(pairs, pair, ',')) {
            const auto quote = pair.find('"');
            ASSERT_NE(quote, std::string::npos) << line;
            EXPECT_EQ(pair.back(), '"') << line;
        }
    }
}

TEST(MaintainerScripts, AreValidShell) {
    for (const char* script : {"postinst", "prerm", "postrm"}) {
        const auto result = run_process({"/bin/sh", "-n", (kDeploy / "debian" / script).string()});
        EXPECT_EQ(result.exit_code, 0) << script << ": " << result.err;
        EXPECT_TRUE((fs::status(kDeploy / "debian" / script).permissions() & fs::perms::owner_exec) !=
                    fs::perms::none)
            << script << " must be executable";
    }
}

}  // namespace
}  // namespace medkiosk::test
