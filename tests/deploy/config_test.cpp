// kiosk.toml: the documented default file, garbage in every form a technician (or a failing disk) can
// produce, the last-good fallback and `config set`.

#include "medkiosk/kiosk/config.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <random>
#include <regex>
#include <sstream>

#include "support/process.hpp"
#include "support/temp_dir.hpp"

namespace medkiosk::test {
namespace {

namespace fs = std::filesystem;
using kiosk::ConfigParse;
using kiosk::parse_config;

std::string read_file(const fs::path& file) {
    std::ifstream in(file, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

void write_file(const fs::path& file, const std::string& text) {
    std::ofstream(file, std::ios::binary) << text;
}

std::string all_issues(const ConfigParse& parsed) {
    std::string text;
    for (const auto& issue : parsed.issues) text += issue.to_string() + "\n";
    return text;
}

const fs::path kDefaultFile = fs::path(MEDKIOSK_SOURCE_DIR) / "deploy/kiosk.toml";

TEST(Config, TheShippedDefaultFileIsValidAndEqualsTheBuiltInDefaults) {
    const ConfigParse parsed = kiosk::read_config_file(kDefaultFile);
    ASSERT_TRUE(parsed.ok()) << all_issues(parsed);
    EXPECT_EQ(kiosk::render_config(parsed.config), kiosk::render_config(kiosk::KioskConfig{}));
}

TEST(Config, EveryKeyIsDocumentedWithACommentInTheDefaultFile) {
    const std::string text = read_file(kDefaultFile);
    for (const auto& key : kiosk::config_keys()) {
        const std::string table(key.name.substr(0, key.name.find('.')));
        const std::string leaf(key.name.substr(key.name.find('.') + 1));
        const auto section = text.find("[" + table + "]");
        ASSERT_NE(section, std::string::npos) << key.name;
        const auto line = text.find("\n" + leaf + " = ", section);
        ASSERT_NE(line, std::string::npos) << key.name << " is missing from deploy/kiosk.toml";
        const auto previous_line = text.rfind('\n', line - 1);
        EXPECT_EQ(text.substr(previous_line + 1, 1), "#") << key.name << " has no comment above it";
    }
}

TEST(Config, UnknownKeysAndSectionsAreReportedWithFileAndLine) {
    const ConfigParse parsed =
        parse_config("[kiosk]\nid = \"k1\"\nidel_timeout_seconds = 60\n\n[camra]\nsource = \"demo\"\n",
                     "/etc/medkiosk/kiosk.toml");
    ASSERT_EQ(parsed.issues.size(), 2u) << all_issues(parsed);
    EXPECT_EQ(parsed.issues[0].to_string().rfind(
                  "/etc/medkiosk/kiosk.toml:3:1: kiosk.idel_timeout_seconds: unknown key", 0),
              0u)
        << all_issues(parsed);
    EXPECT_NE(parsed.issues[0].message.find("idle_timeout_seconds"), std::string::npos)
        << "should list the known keys";
    EXPECT_EQ(parsed.issues[1].line, 5);
    EXPECT_NE(parsed.issues[1].message.find("[camera]"), std::string::npos);
}

TEST(Config, WrongTypesAndValuesSayTheExpectedForm) {
    struct Case {
        std::string toml;
        std::string key;
        std::string expected_fragment;
    };
    const std::vector<Case> cases = {
        {"[kiosk]\nidle_timeout_seconds = \"90\"\n", "kiosk.idle_timeout_seconds", "whole number of seconds"},
        {"[kiosk]\nidle_timeout_seconds = 1.5\n", "kiosk.idle_timeout_seconds", "got a decimal number"},
        {"[kiosk]\nidle_timeout_seconds = 5\n", "kiosk.idle_timeout_seconds", "from 30 to 3600"},
        {"[kiosk]\nid = 42\n", "kiosk.id", "got 42"},
        {"[kiosk]\nid = \"has space\"\n", "kiosk.id", "letters, digits"},
        {"[kiosk]\nlanguage = \"fr\"\n", "kiosk.language", "\"zh\" or \"en\""},
        {"[camera]\nsource = \"floppy:0\"\n", "camera.source", "camera:/dev/video0"},
        {"[camera]\nresolution = \"big\"\n", "camera.resolution", "WIDTHxHEIGHT"},
        {"[camera]\nresolution = \"10x10\"\n", "camera.resolution", "WIDTHxHEIGHT"},
        {"[storage]\ndata_dir = \"relative/dir\"\n", "storage.data_dir", "absolute path"},
        {"[storage]\nmin_free_disk_mb = -1\n", "storage.min_free_disk_mb", "MiB"},
        {"[policy]\nmin_shelf_life_days = true\n", "policy.min_shelf_life_days", "got true/false"},
        {"[hub]\nurl = \"http://hub\"\n", "hub.url", "postgresql://"},
        {"[hub]\nurl = [1, 2]\n", "hub.url", "got an array"},
        {"kiosk = 3\n", "kiosk", "expected a section [kiosk]"},
        {"[kiosk]\nmode = \"clinc\"\n", "kiosk.mode", "\"collection-point\" (takes donations) or \"clinic\""},
        {"[kiosk]\nmode = \"clinic\"\n", "kiosk.clinic_id",
         "clinic_id = an id from medkioskctl hub clinics list"},
        {"[kiosk]\nclinic_id = \"Xinan VC\"\n", "kiosk.clinic_id", "shitang-vc"},
        {"[sound]\nvolume = 101\n", "sound.volume", "from 0 (silent) to 100"},
        {"[sound]\nvolume = -1\n", "sound.volume", "got -1"},
        {"[sound]\nvolume = \"loud\"\n", "sound.volume", "got \"loud\""},
        {"[sound]\nenabled = \"yes\"\n", "sound.enabled", "true (chimes on) or false (silent)"},
        {"[sound]\nenabled = 1\n", "sound.enabled", "got 1"},
        {"[sound]\ndevice = \"\"\n", "sound.device", "aplay -L"},
        {"[sound]\ndevice = \"my speaker\"\n", "sound.device", "\"plughw:1,0\""},
        {"[sound]\nloudness = 3\n", "sound.loudness", "[sound] has enabled, volume, device"},
        {"[display]\ndiagonal_inches = 2.5\n", "display.diagonal_inches", "from 4 to 100, e.g. 10.1"},
        {"[display]\ndiagonal_inches = 120\n", "display.diagonal_inches", "got 120"},
        {"[display]\ndiagonal_inches = -7.0\n", "display.diagonal_inches", "got -7.0"},
        {"[display]\ndiagonal_inches = \"10.1\"\n", "display.diagonal_inches", "got \"10.1\""},
        {"[display]\ndiagonal_inches = nan\n", "display.diagonal_inches", "or 0 to use the size the monitor"},
        {"[display]\ndiagonal = 10\n", "display.diagonal", "[display] has diagonal_inches"},
    };
    for (const auto& c : cases) {
        const ConfigParse parsed = parse_config(c.toml, "k.toml");
        ASSERT_EQ(parsed.issues.size(), 1u) << c.toml << all_issues(parsed);
        const auto& issue = parsed.issues.front();
        EXPECT_EQ(issue.key, c.key) << c.toml;
        EXPECT_GE(issue.line, 1) << c.toml;
        EXPECT_NE(issue.to_string().find("k.toml:" + std::to_string(issue.line) + ":"), std::string::npos)
            << issue.to_string();
        EXPECT_NE(issue.message.find(c.expected_fragment), std::string::npos) << c.toml << issue.to_string();
    }
}

TEST(Config, BrokenTomlEmptyFilesAndBinaryJunkAreRefusedWithAPosition) {
    const std::vector<std::pair<std::string, int>> broken = {
        {"[kiosk]\nid = \"unterminated\n", 2},
        {"[kiosk]\nid = \"a\"\nid = \"b\"\n", 3},  // the same key twice
        {"[kiosk\n", 1},
        {"\n\n= 5\n", 3},
        {"", 1},
        {"   \n\t\n", 1},
        {std::string("\x7f"
                     "ELF\x02\x01\x01\0\0\0",
                     10),
         1},
    };
    for (const auto& [text, line] : broken) {
        const ConfigParse parsed = parse_config(text, "junk.toml");
        ASSERT_FALSE(parsed.ok()) << "accepted: " << text;
        EXPECT_EQ(parsed.issues.front().line, line) << all_issues(parsed);
        EXPECT_EQ(parsed.issues.front().to_string().rfind("junk.toml:" + std::to_string(line), 0), 0u)
            << all_issues(parsed);
    }
    // Random bytes never crash the parser and are never taken for a config.
    std::mt19937 random(7);
    for (int round = 0; round < 200; ++round) {
        std::string junk(static_cast<std::size_t>(1 + random() % 400), '\0');
        for (char& c : junk) c = static_cast<char>(random() & 0xff);
        const ConfigParse parsed = parse_config(junk, "random.toml");
        ASSERT_FALSE(parsed.ok()) << "random bytes taken for a config, round " << round;
        const int lines_in_junk = 1 + static_cast<int>(std::count(junk.begin(), junk.end(), '\n'));
        const auto& first = parsed.issues.front();
        EXPECT_GE(first.line, 1) << "round " << round;
        EXPECT_LE(first.line, lines_in_junk) << "round " << round;
        EXPECT_EQ(first.to_string().rfind("random.toml:" + std::to_string(first.line) + ":", 0), 0u)
            << first.to_string();
    }
}

TEST(Config, AValidFileBecomesTheLastGoodCopyAndABrokenOneFallsBackToIt) {
    TempDir dir;
    const fs::path file = dir.path() / "kiosk.toml";
    const fs::path last_good = dir.path() / "data" / "kiosk.toml.last-good";
    write_file(file, "[kiosk]\nid = \"pharmacy-7\"\nidle_timeout_seconds = 120\n");

    auto loaded = kiosk::load_config_with_fallback(file, last_good);
    EXPECT_EQ(loaded.origin, kiosk::ConfigOrigin::File);
    EXPECT_EQ(loaded.config.kiosk_id, "pharmacy-7");
    ASSERT_TRUE(fs::exists(last_good)) << loaded.last_good_error;
    EXPECT_EQ(read_file(last_good), read_file(file));

    write_file(file, "[kiosk]\nid = \"pharmacy-7\"\nidle_timeout_seconds = \"two minutes\"\n");
    loaded = kiosk::load_config_with_fallback(file, last_good);
    EXPECT_EQ(loaded.origin, kiosk::ConfigOrigin::LastGood);
    EXPECT_EQ(loaded.config.idle_timeout_seconds, 120);
    ASSERT_EQ(loaded.issues.size(), 1u);
    EXPECT_EQ(loaded.issues[0].line, 3);
    EXPECT_EQ(read_file(last_good).find("two minutes"), std::string::npos)
        << "a broken file must never become last-good";

    fs::remove(last_good);
    loaded = kiosk::load_config_with_fallback(file, last_good);
    EXPECT_EQ(loaded.origin, kiosk::ConfigOrigin::Defaults);
    EXPECT_EQ(loaded.config.kiosk_id, "kiosk-local");

    fs::remove(file);
    loaded = kiosk::load_config_with_fallback(file, last_good);
    EXPECT_TRUE(loaded.file_missing);
    EXPECT_TRUE(loaded.issues.empty());
}

TEST(Config, SetKeepsCommentsValidatesFirstAndNeverLeavesAHalfWrittenFile) {
    TempDir dir;
    const fs::path file = dir.path() / "kiosk.toml";
    fs::copy_file(kDefaultFile, file);
    const std::string before = read_file(file);

    auto issues = kiosk::set_config_value(file, "camera.resolution", "1280x720");
    ASSERT_TRUE(issues.empty()) << issues.front().to_string();
    std::string after = read_file(file);
    EXPECT_NE(after.find("resolution = \"1280x720\""), std::string::npos);
    EXPECT_NE(after.find("# Capture size"), std::string::npos) << "comments must survive";
    EXPECT_EQ(kiosk::read_config_file(file).config.camera_width, 1280);

    issues = kiosk::set_config_value(file, "kiosk.idle_timeout_seconds", "soon");
    ASSERT_EQ(issues.size(), 1u);
    EXPECT_NE(issues[0].message.find("whole number of seconds"), std::string::npos);
    issues = kiosk::set_config_value(file, "kiosk.idle_timeout_seconds", "2");
    ASSERT_EQ(issues.size(), 1u);
    EXPECT_NE(issues[0].to_string().find(file.string() + ":"), std::string::npos) << issues[0].to_string();
    issues = kiosk::set_config_value(file, "kiosk.colour", "red");
    ASSERT_EQ(issues.size(), 1u);
    EXPECT_EQ(read_file(file), after) << "a refused set must not touch the file";

    // A key missing from the file is added under its section; a missing section is appended.
    write_file(file, "# mine\n[kiosk]\nid = \"x1\"\n");
    ASSERT_TRUE(kiosk::set_config_value(file, "kiosk.location", "Main St. \"3\"").empty());
    ASSERT_TRUE(kiosk::set_config_value(file, "hub.url", "postgresql://hub/medkiosk").empty());
    const ConfigParse parsed = kiosk::read_config_file(file);
    ASSERT_TRUE(parsed.ok()) << all_issues(parsed);
    EXPECT_EQ(parsed.config.location, "Main St. \"3\"");
    EXPECT_EQ(parsed.config.hub_url, "postgresql://hub/medkiosk");
    EXPECT_EQ(parsed.config.kiosk_id, "x1");
    EXPECT_EQ(read_file(file).rfind("# mine\n", 0), 0u);
    for (const auto& entry : fs::directory_iterator(dir.path()))
        EXPECT_EQ(entry.path().filename(), "kiosk.toml") << "temporary file left behind: " << entry.path();
}

TEST(Config, SoundKeysAreReadSetAsTomlBooleansAndRefusedOutOfRange) {
    const ConfigParse parsed = parse_config(
        "[sound]\nenabled = false\nvolume = 0\ndevice = \"plughw:CARD=Device,DEV=0\"\n", "k.toml");
    ASSERT_TRUE(parsed.ok()) << all_issues(parsed);
    EXPECT_FALSE(parsed.config.sound_enabled);
    EXPECT_EQ(parsed.config.sound_volume, 0);
    EXPECT_EQ(parsed.config.sound_device, "plughw:CARD=Device,DEV=0");
    EXPECT_TRUE(kiosk::KioskConfig{}.sound_enabled) << "chimes are on unless switched off";

    EXPECT_FALSE(kiosk::config_value_problem("sound.volume", "100"));
    EXPECT_TRUE(kiosk::config_value_problem("sound.volume", "100.5"));
    EXPECT_TRUE(kiosk::config_value_problem("sound.enabled", "yes"));
    EXPECT_FALSE(kiosk::config_value_problem("sound.enabled", "false"));

    TempDir dir;
    const fs::path file = dir.path() / "kiosk.toml";
    fs::copy_file(kDefaultFile, file);
    ASSERT_TRUE(kiosk::set_config_values(file, {{"sound.enabled", "false"}, {"sound.volume", "35"}}).empty());
    const std::string text = read_file(file);
    EXPECT_NE(text.find("\nenabled = false\n"), std::string::npos) << "a TOML boolean, not a string";
    EXPECT_NE(text.find("\nvolume = 35\n"), std::string::npos);
    const auto refused = kiosk::set_config_value(file, "sound.volume", "150");
    ASSERT_EQ(refused.size(), 1u);
    EXPECT_EQ(refused.front().key, "sound.volume");
    EXPECT_NE(refused.front().message.find("from 0 (silent) to 100"), std::string::npos)
        << refused.front().message;
    const auto not_a_switch = kiosk::set_config_value(file, "sound.enabled", "on");
    ASSERT_EQ(not_a_switch.size(), 1u);
    EXPECT_EQ(not_a_switch.front().key, "sound.enabled");
    EXPECT_EQ(read_file(file), text) << "a refused value leaves the file as it was";
}

TEST(Config, DisplayDiagonalIsADecimalNumberOfInchesOrZero) {
    ConfigParse parsed = parse_config("[display]\ndiagonal_inches = 10.1\n", "k.toml");
    ASSERT_TRUE(parsed.ok()) << all_issues(parsed);
    EXPECT_DOUBLE_EQ(parsed.config.display_diagonal_inches, 10.1);
    parsed = parse_config("[display]\ndiagonal_inches = 7\n", "k.toml");  // a TOML integer is fine too
    ASSERT_TRUE(parsed.ok()) << all_issues(parsed);
    EXPECT_DOUBLE_EQ(parsed.config.display_diagonal_inches, 7.0);
    EXPECT_EQ(kiosk::KioskConfig{}.display_diagonal_inches, 0.0) << "the monitor's size unless set";

    EXPECT_FALSE(kiosk::config_value_problem("display.diagonal_inches", "21.5"));
    EXPECT_FALSE(kiosk::config_value_problem("display.diagonal_inches", "0"));
    EXPECT_TRUE(kiosk::config_value_problem("display.diagonal_inches", "3.9"));
    EXPECT_TRUE(kiosk::config_value_problem("display.diagonal_inches", "1e1"));
    EXPECT_TRUE(kiosk::config_value_problem("display.diagonal_inches", "ten"));

    TempDir dir;
    const fs::path file = dir.path() / "kiosk.toml";
    fs::copy_file(kDefaultFile, file);
    ASSERT_TRUE(kiosk::set_config_value(file, "display.diagonal_inches", "15.6").empty());
    EXPECT_NE(read_file(file).find("\ndiagonal_inches = 15.6\n"), std::string::npos) << read_file(file);
    ASSERT_TRUE(kiosk::set_config_value(file, "display.diagonal_inches", "7").empty());
    EXPECT_NE(read_file(file).find("\ndiagonal_inches = 7.0\n"), std::string::npos) << "a TOML float";
    const auto refused = kiosk::set_config_value(file, "display.diagonal_inches", "200");
    ASSERT_EQ(refused.size(), 1u);
    EXPECT_NE(refused.front().message.find("from 4 to 100"), std::string::npos) << refused.front().message;
    EXPECT_DOUBLE_EQ(kiosk::read_config_file(file).config.display_diagonal_inches, 7.0);
}

TEST(Config, RenderedConfigParsesBackToTheSameSettings) {
    kiosk::KioskConfig config;
    config.kiosk_id = "k.9";
    config.location = "药房 \\ \"east\"";
    config.camera_width = 1920;
    config.camera_height = 1080;
    config.camera_source = "camera:/dev/medkiosk-camera";
    config.sound_enabled = false;
    config.sound_volume = 5;
    config.sound_device = "plughw:1,0";
    config.display_diagonal_inches = 10.1;
    const ConfigParse parsed = parse_config(kiosk::render_config(config), "rendered");
    ASSERT_TRUE(parsed.ok()) << all_issues(parsed);
    EXPECT_EQ(kiosk::render_config(parsed.config), kiosk::render_config(config));
}

TEST(ConfigCommand, CheckShowAndSetThroughMedkioskctl) {
    TempDir dir;
    const std::string file = (dir.path() / "kiosk.toml").string();
    fs::copy_file(kDefaultFile, file);
    auto result = run_ctl({"config", "check", "--config", file});
    EXPECT_EQ(result.exit_code, 0) << result.err;
    EXPECT_EQ(result.out, "ok\n");

    result = run_ctl({"config", "set", "kiosk.id", "county3-pharmacy12", "--config", file});
    EXPECT_EQ(result.exit_code, 0) << result.err;
    result = run_ctl({"config", "set", "kiosk.language", "fr", "--config", file});
    EXPECT_EQ(result.exit_code, 1);
    EXPECT_NE(result.err.find("\"zh\" or \"en\""), std::string::npos) << result.err;

    result = run_ctl({"config", "set", "sound.volume", "150", "--config", file});
    EXPECT_EQ(result.exit_code, 1);
    EXPECT_NE(result.err.find("sound.volume"), std::string::npos) << result.err;
    result = run_ctl({"config", "set", "sound.enabled", "false", "--config", file});
    EXPECT_EQ(result.exit_code, 0) << result.err;
    result = run_ctl({"config", "keys"});
    EXPECT_NE(result.out.find("sound.device"), std::string::npos) << result.out;

    result = run_ctl({"config", "show", "--config", file, "--data-dir", dir.path().string()});
    EXPECT_EQ(result.exit_code, 0);
    EXPECT_NE(result.out.find("id = \"county3-pharmacy12\""), std::string::npos) << result.out;
    EXPECT_NE(result.out.find("enabled = false"), std::string::npos) << result.out;

    write_file(file, read_file(file) + "\n[camera]\nfps = 30\n");  // a second [camera]: broken TOML
    result = run_ctl({"config", "check", "--config", file});
    EXPECT_EQ(result.exit_code, 1);
    EXPECT_TRUE(std::regex_search(
        result.err, std::regex(std::regex_replace(file, std::regex("[.]"), "\\.") + ":[0-9]+:[0-9]+: ")))
        << result.err;
    result = run_ctl({"config", "frobnicate", "--config", file});
    EXPECT_EQ(result.exit_code, 2);
}

// A refused hub address still holds the password: `config check` and `config set` name the problem
// with the password masked (red team F4).
TEST(ConfigCommand, ARefusedHubAddressIsShownWithItsPasswordMasked) {
    TempDir dir;
    const std::string file = (dir.path() / "kiosk.toml").string();
    fs::copy_file(kDefaultFile, file);
    auto result = run_ctl({"config", "set", "hub.url", "host=h password=topsecret", "--config", file});
    EXPECT_EQ(result.exit_code, 1);
    EXPECT_NE(result.err.find("hub.url"), std::string::npos) << result.err;
    EXPECT_NE(result.err.find("password=••••"), std::string::npos) << result.err;
    EXPECT_EQ(result.err.find("topsecret"), std::string::npos) << result.err;

    write_file(file, "[hub]\nurl = \"host=h password=topsecret\"\n");
    for (const char* command : {"check", "show"}) {
        result = run_ctl({"config", command, "--config", file, "--data-dir", dir.path().string()});
        EXPECT_NE(result.err.find("hub.url"), std::string::npos) << command << ": " << result.err;
        EXPECT_EQ(result.err.find("topsecret"), std::string::npos) << command << ": " << result.err;
        EXPECT_EQ(result.out.find("topsecret"), std::string::npos) << command << ": " << result.out;
    }
    const auto problem = kiosk::config_value_problem("hub.url", "host=h password=topsecret");
    ASSERT_TRUE(problem);
    EXPECT_EQ(problem->find("topsecret"), std::string::npos) << *problem;
}

// Red team 4: a refused hub address was masked after it was written as TOML, where a tab, a newline or
// a backslash is an escape ("\tpassword", "ab\\ cd"): the keyword was not found and the password shown.
// `config set`, `config check`, `config show` and `status` print the refusal.
TEST(ConfigCommand, ARefusedHubAddressWithTabsNewlinesOrBackslashesIsMasked) {
    TempDir dir;
    const std::string file = (dir.path() / "kiosk.toml").string();
    for (const char* address :
         {"host=h\tpassword=topsecret\tuser=k", "host=h\npassword=topsecret user=k",
          "host=h password\t=\ttopsecret user=k", "host=h password=ab\\ topsecret user=k",
          "host=h password='it\\'s topsecret' user=k", "postgresql://u@h/db?password=top secret"}) {
        fs::copy_file(kDefaultFile, file, fs::copy_options::overwrite_existing);
        auto result = run_ctl({"config", "set", "hub.url", address, "--config", file});
        EXPECT_EQ(result.out.find("secret"), std::string::npos) << address << ": " << result.out;
        EXPECT_EQ(result.err.find("secret"), std::string::npos) << address << ": " << result.err;
        write_file(file, std::string("[hub]\nurl = ") +
                             kiosk::config_value_text(
                                 [&] {
                                     kiosk::KioskConfig config;
                                     config.hub_url = address;
                                     return config;
                                 }(),
                                 "hub.url") +
                             "\n");
        for (const char* command : {"check", "show"}) {
            result = run_ctl({"config", command, "--config", file, "--data-dir", dir.path().string()});
            EXPECT_EQ(result.err.find("secret"), std::string::npos)
                << address << command << ": " << result.err;
            EXPECT_EQ(result.out.find("secret"), std::string::npos)
                << address << command << ": " << result.out;
        }
    }
}

// The masked form `config show` prints, pasted back, would replace the password with bullets: refused.
TEST(ConfigCommand, SettingTheMaskedHubAddressIsRefused) {
    TempDir dir;
    const std::string file = (dir.path() / "kiosk.toml").string();
    fs::copy_file(kDefaultFile, file);
    const std::string before = read_file(file);
    auto result =
        run_ctl({"config", "set", "hub.url", "postgresql://kiosk:••••@hub/county", "--config", file});
    EXPECT_EQ(result.exit_code, 1);
    EXPECT_NE(result.err.find("this is the masked form shown by config show; type the real password"),
              std::string::npos)
        << result.err;
    EXPECT_EQ(read_file(file), before);
    result = run_ctl({"config", "set", "hub.url", "postgresql://kiosk:secret@hub/county", "--config", file});
    EXPECT_EQ(result.exit_code, 0) << result.err;
}

// The red team's gap 4: the masked form pasted into kiosk.toml by hand would have the kiosk log in with
// "••••" as its password, and only the hub's refusal would tell. Refused when the file is read, as
// `config set` refuses it: `config check` and `status` name it, and the kiosk (config-error event) keeps
// its last good settings.
TEST(ConfigCommand, AHandEditedMaskedHubAddressIsRefusedWhenTheFileIsRead) {
    TempDir dir;
    const fs::path file = dir.path() / "kiosk.toml";
    const fs::path last_good = dir.path() / "kiosk.toml.last-good";
    write_file(file, "[hub]\nurl = \"postgresql://kiosk:secret@hub/county\"\n");
    ASSERT_TRUE(kiosk::load_config_with_fallback(file, last_good).issues.empty());
    const std::string kMessage = "this is the masked form shown by config show; type the real password";

    for (const char* masked :
         {"postgresql://kiosk:••••@hub/county", "host=hub password=•••• user=kiosk",
          "postgresql://kiosk@hub/county?password=••••", "postgresql://kiosk:••••/county"}) {
        write_file(file, std::string("[kiosk]\nid = \"k1\"\n\n[hub]\nurl = \"") + masked + "\"\n");
        const ConfigParse parsed = kiosk::read_config_file(file);
        ASSERT_EQ(parsed.issues.size(), 1u) << masked << "\n" << all_issues(parsed);
        EXPECT_EQ(parsed.issues[0].key, "hub.url");
        EXPECT_EQ(parsed.issues[0].line, 5) << all_issues(parsed);
        EXPECT_NE(parsed.issues[0].message.find(kMessage), std::string::npos) << all_issues(parsed);

        const kiosk::LoadedConfig loaded = kiosk::load_config_with_fallback(file, last_good);
        EXPECT_EQ(loaded.origin, kiosk::ConfigOrigin::LastGood) << masked;
        EXPECT_EQ(loaded.config.hub_url, "postgresql://kiosk:secret@hub/county") << masked;
        ASSERT_FALSE(loaded.issues.empty()) << masked;
        EXPECT_NE(loaded.issues[0].to_string().find(kMessage), std::string::npos) << masked;
        EXPECT_TRUE(kiosk::config_value_problem("hub.url", masked)) << masked;
    }

    auto result = run_ctl({"config", "check", "--config", file.string()});
    EXPECT_EQ(result.exit_code, 1);
    EXPECT_NE(result.err.find("hub.url: " + kMessage), std::string::npos) << result.err;
    result = run_ctl({"status", "--data-dir", dir.path().string(), "--config", file.string()});
    EXPECT_NE(result.out.find("HAS ERRORS"), std::string::npos) << result.out;
    EXPECT_NE(result.out.find(kMessage), std::string::npos) << result.out;
}

}  // namespace
}  // namespace medkiosk::test
