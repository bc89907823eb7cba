// `medkioskctl status` on a real ledger, and the journal entries a technician filters on.

#include "medkiosk/kiosk/status.hpp"

#include <gtest/gtest.h>
#include <poll.h>
#include <sqlite3.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstdlib>
#include <nlohmann/json.hpp>

#include "medkiosk/kiosk/event_log.hpp"
#include "medkiosk/kiosk/translations.hpp"
#include "medkiosk/storage/ledger.hpp"
#include "support/process.hpp"
#include "support/temp_dir.hpp"

namespace medkiosk::test {
namespace {

namespace fs = std::filesystem;

storage::DropOffInput sample(std::int64_t session) {
    storage::DropOffInput input;
    input.session_id = session;
    input.scheme = "gs1";
    input.gtin = "06941234567892";
    input.expiry = "2030-01-31";
    input.expiry_precision = "day";
    input.decision = "accept";
    input.reason = "ok";
    return input;
}

TEST(StatusCommand, ReportsDatabaseSizeBacklogLastSyncAndTheKioskState) {
    TempDir data;
    {
        auto opened =
            storage::Ledger::open(data.path() / "ledger.db", storage::LedgerOptions{"k-status", {}});
        ASSERT_TRUE(opened) << opened.error().message;
        auto& ledger = *opened.value();
        const auto session = ledger.dropoffs().begin_session();
        ASSERT_TRUE(session);
        for (int i = 0; i < 3; ++i) ASSERT_TRUE(ledger.dropoffs().record(sample(session.value().id)));
    }
    auto result =
        run_ctl({"status", "--data-dir", data.path().string(), "--config", "/nonexistent/kiosk.toml"});
    ASSERT_EQ(result.exit_code, 0) << result.err;
    EXPECT_NE(result.out.find("backlog:     3 rows waiting for the hub"), std::string::npos) << result.out;
    EXPECT_NE(result.out.find("last sync:   never"), std::string::npos) << result.out;
    EXPECT_NE(result.out.find("3 drop-offs"), std::string::npos) << result.out;
    EXPECT_NE(result.out.find("never started"), std::string::npos) << result.out;
    EXPECT_NE(result.out.find("version:     medkiosk "), std::string::npos) << result.out;
    EXPECT_NE(result.out.find("(missing: built-in defaults)"), std::string::npos) << result.out;

    // The hub acknowledged two rows (what the sync worker will do).
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open((data.path() / "ledger.db").c_str(), &db), SQLITE_OK);
    ASSERT_EQ(
        sqlite3_exec(
            db,
            "UPDATE outbox SET acked_at = '2026-11-28T10:00:00Z' WHERE id = (SELECT min(id) FROM outbox);"
            "UPDATE outbox SET acked_at = '2026-11-28T11:30:00Z' WHERE id = (SELECT min(id) FROM outbox "
            "WHERE acked_at IS NULL);",
            nullptr, nullptr, nullptr),
        SQLITE_OK);
    sqlite3_close(db);

    // A kiosk that ran, lost its camera and stopped.
    kiosk::RuntimeStatus runtime;
    runtime.version = "0.1.0";
    runtime.pid = 999999;  // not running
    runtime.kiosk_id = "k-status";
    runtime.state = "stopped";
    runtime.updated_at = "2026-11-28T12:00:00Z";
    runtime.camera_source = "camera /dev/video0";
    runtime.camera_error = "camera /dev/video0 could not be opened: no such device";
    runtime.last_error_event = "camera-error";
    runtime.last_error = runtime.camera_error;
    runtime.last_error_at = "2026-11-28T11:59:00Z";
    ASSERT_TRUE(kiosk::write_runtime_status(data.path(), runtime).ok());

    result = run_ctl({"status", "--data-dir", data.path().string(), "--config", "/nonexistent/kiosk.toml"});
    ASSERT_EQ(result.exit_code, 0) << result.err;
    EXPECT_NE(result.out.find("backlog:     1 rows"), std::string::npos) << result.out;
    EXPECT_NE(result.out.find("last sync:   2026-11-28T11:30:00Z"), std::string::npos) << result.out;
    EXPECT_NE(result.out.find("not running (last: stopped"), std::string::npos) << result.out;
    EXPECT_NE(result.out.find("ERROR camera /dev/video0 could not be opened"), std::string::npos)
        << result.out;
    EXPECT_NE(result.out.find("last error:  2026-11-28T11:59:00Z camera-error"), std::string::npos)
        << result.out;

    result = run_ctl(
        {"status", "--json", "--data-dir", data.path().string(), "--config", "/nonexistent/kiosk.toml"});
    const auto json = nlohmann::json::parse(result.out, nullptr, false);
    ASSERT_FALSE(json.is_discarded()) << result.out;
    EXPECT_EQ(json["backlog"], 1);
    EXPECT_EQ(json["running"], false);
    EXPECT_GT(json["database_bytes"].get<std::uint64_t>(), 0u);
}

TEST(StatusCommand, ACorruptDatabaseIsTheLastErrorAndFailsTheCommand) {
    TempDir data;
    std::FILE* file = std::fopen((data.path() / "ledger.db").c_str(), "wb");
    ASSERT_NE(file, nullptr);
    std::fputs("this is not a database, it is a shopping list", file);
    std::fclose(file);
    const auto result =
        run_ctl({"status", "--data-dir", data.path().string(), "--config", "/nonexistent/kiosk.toml"});
    EXPECT_EQ(result.exit_code, 1);
    EXPECT_NE(result.out.find("last error:  database: "), std::string::npos) << result.out;
}

// journald's native protocol on a socket we own: the test binds /run/systemd/journal/socket only where
// no journald runs (containers, CI), and removes it afterwards.
TEST(EventLog, GoesToTheJournalWithKioskIdEventAndErrorFields) {
    const fs::path socket_path = "/run/systemd/journal/socket";
    if (fs::exists(socket_path)) GTEST_SKIP() << "a real journald runs here; not touching its socket";
    if (::geteuid() != 0) GTEST_SKIP() << "binding journald's socket path needs root";
    std::error_code ec;
    const bool created_dir = fs::create_directories(socket_path.parent_path(), ec);
    const int fd = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    // Removed however the test ends, or every later run would take it for a real journald and skip.
    struct Cleanup {
        int fd;
        bool created_dir;
        fs::path socket_path;
        ~Cleanup() {
            std::error_code ignored;
            ::close(fd);
            ::unsetenv("MEDKIOSK_LOG");
            fs::remove(socket_path, ignored);
            if (created_dir) fs::remove_all(socket_path.parent_path(), ignored);
        }
    } cleanup{fd, created_dir, socket_path};
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    socket_path.string().copy(address.sun_path, sizeof(address.sun_path) - 1);
    ASSERT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address), 0);

    ::setenv("MEDKIOSK_LOG", "journal", 1);
    ASSERT_EQ(kiosk::log_sink(), kiosk::LogSink::Journal);
    kiosk::set_log_kiosk_id("k-journal");
    kiosk::log_event("camera-error", {{"detail", "camera /dev/video0 could not be opened"}});
    kiosk::log_event("dropoff-recorded", {{"uuid", "0d7c"}});

    std::vector<std::string> entries;
    for (int i = 0; i < 2; ++i) {
        pollfd p{fd, POLLIN, 0};
        if (::poll(&p, 1, 2000) <= 0) break;
        char buffer[8192];
        const ssize_t n = ::recv(fd, buffer, sizeof buffer, 0);
        if (n > 0) entries.emplace_back(buffer, static_cast<std::size_t>(n));
    }

    ASSERT_EQ(entries.size(), 2u);
    const std::string& error = entries[0];
    EXPECT_NE(error.find("\nKIOSK_ID=k-journal\n"), std::string::npos) << error;
    EXPECT_NE(error.find("\nEVENT=camera-error\n"), std::string::npos) << error;
    EXPECT_NE(error.find("\nERROR=camera /dev/video0 could not be opened\n"), std::string::npos) << error;
    EXPECT_NE(error.find("\nPRIORITY=3\n"), std::string::npos) << error;
    EXPECT_NE(error.find(
                  "MESSAGE=medkiosk: event=camera-error detail=\"camera /dev/video0 could not be opened\"\n"),
              std::string::npos)
        << error;
    const std::string& info = entries[1];
    EXPECT_NE(info.find("\nEVENT=dropoff-recorded\n"), std::string::npos) << info;
    EXPECT_EQ(info.find("ERROR="), std::string::npos) << info;
    EXPECT_NE(info.find("\nMEDKIOSK_UUID=0d7c\n"), std::string::npos) << info;
    const auto last = kiosk::last_logged_error();
    ASSERT_TRUE(last);
    EXPECT_EQ(last->event, "camera-error");
}

TEST(EventLog, StaysOnStderrWhenJournalStreamIsNotOurs) {
    ::unsetenv("MEDKIOSK_LOG");
    ::setenv("JOURNAL_STREAM", "1:1", 1);
    EXPECT_EQ(kiosk::log_sink(), kiosk::LogSink::Stderr);
}

}  // namespace
}  // namespace medkiosk::test

namespace medkiosk::test {
namespace {

// The out-of-order screen's strings exist in both languages (the screen shows both at once).
TEST(OutOfOrderScreen, EveryStringExistsInChineseAndEnglish) {
    kiosk::Translations translations;
    ASSERT_TRUE(translations.load(std::filesystem::path(MEDKIOSK_ASSETS_DIR) / "lang").ok());
    for (const char* key :
         {"out_of_order.title", "out_of_order.camera", "out_of_order.storage", "out_of_order.help"}) {
        EXPECT_TRUE(translations.has(kiosk::Language::Chinese, key)) << key;
        EXPECT_TRUE(translations.has(kiosk::Language::English, key)) << key;
    }
}

}  // namespace
}  // namespace medkiosk::test
