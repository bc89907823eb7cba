// `medkioskctl status` on a real ledger, and the journal entries a technician filters on.

#include "medkiosk/kiosk/status.hpp"

#include <gtest/gtest.h>
#include <poll.h>
#include <sched.h>
#include <sqlite3.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <nlohmann/json.hpp>

#include "medkiosk/kiosk/event_log.hpp"
#include "medkiosk/kiosk/translations.hpp"
#include "medkiosk/storage/ledger.hpp"
#include "support/cannot_run_here.hpp"
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

// What a child process saw of the kiosk's journal entries, or why it could not look.
struct JournalCapture {
    std::vector<std::string> entries;
    std::string last_error_event;
    std::string failure;
};

// journald's native protocol on a socket the test owns, whatever runs on the machine: a child process
// gets a private mount namespace whose /run is an empty tmpfs, binds /run/systemd/journal/socket there
// and logs through the kiosk's event log. A real journald's socket is never touched (it is hidden, not
// replaced), and nothing is left behind: the namespace ends with the child.
JournalCapture capture_journal_entries_in_private_run() {
    int pipe_fds[2];
    if (::pipe(pipe_fds) != 0) return {{}, {}, std::string("pipe: ") + std::strerror(errno)};
    const pid_t child = ::fork();
    if (child < 0) return {{}, {}, std::string("fork: ") + std::strerror(errno)};
    if (child == 0) {
        ::close(pipe_fds[0]);
        const auto send = [&](char kind, const std::string& text) {
            const std::uint32_t size = static_cast<std::uint32_t>(text.size());
            (void)!::write(pipe_fds[1], &kind, 1);
            (void)!::write(pipe_fds[1], &size, sizeof size);
            (void)!::write(pipe_fds[1], text.data(), text.size());
        };
        const auto fail = [&](const std::string& what) {
            send('F', errno != 0 ? what + ": " + std::strerror(errno) : what);
            ::_exit(1);
        };
        if (::unshare(CLONE_NEWNS) != 0) fail("unshare(CLONE_NEWNS) (needs root or CAP_SYS_ADMIN)");
        if (::mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) != 0) fail("making / private");
        if (::mount("tmpfs", "/run", "tmpfs", 0, "size=1m,mode=755") != 0) fail("mounting a tmpfs on /run");
        std::error_code ec;
        const fs::path socket_path = "/run/systemd/journal/socket";
        fs::create_directories(socket_path.parent_path(), ec);
        const int fd = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
        sockaddr_un address{};
        address.sun_family = AF_UNIX;
        socket_path.string().copy(address.sun_path, sizeof(address.sun_path) - 1);
        if (fd < 0 || ::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0)
            fail("binding " + socket_path.string());

        ::setenv("MEDKIOSK_LOG", "journal", 1);
        if (kiosk::log_sink() != kiosk::LogSink::Journal) {
            errno = 0;
            fail("MEDKIOSK_LOG=journal did not choose the journal");
        }
        kiosk::set_log_kiosk_id("k-journal");
        kiosk::log_event("camera-error", {{"detail", "camera /dev/video0 could not be opened"}});
        kiosk::log_event("dropoff-recorded", {{"uuid", "0d7c"}});
        for (int i = 0; i < 2; ++i) {
            pollfd p{fd, POLLIN, 0};
            if (::poll(&p, 1, 2000) <= 0) break;
            char buffer[8192];
            const ssize_t n = ::recv(fd, buffer, sizeof buffer, 0);
            if (n > 0) send('E', std::string(buffer, static_cast<std::size_t>(n)));
        }
        const auto last = kiosk::last_logged_error();
        send('L', last ? last->event : std::string());
        ::_exit(0);
    }
    ::close(pipe_fds[1]);
    JournalCapture capture;
    for (;;) {
        char kind = 0;
        std::uint32_t size = 0;
        if (::read(pipe_fds[0], &kind, 1) != 1 || ::read(pipe_fds[0], &size, sizeof size) != sizeof size)
            break;
        std::string text(size, '\0');
        std::size_t got = 0;
        while (got < size) {
            const ssize_t n = ::read(pipe_fds[0], text.data() + got, size - got);
            if (n <= 0) break;
            got += static_cast<std::size_t>(n);
        }
        if (kind == 'E') capture.entries.push_back(text);
        if (kind == 'L') capture.last_error_event = text;
        if (kind == 'F') capture.failure = text;
    }
    ::close(pipe_fds[0]);
    int status = 0;
    ::waitpid(child, &status, 0);
    if (capture.failure.empty() && !(WIFEXITED(status) && WEXITSTATUS(status) == 0))
        capture.failure = "the child process ended abnormally (status " + std::to_string(status) + ")";
    return capture;
}

TEST(EventLog, GoesToTheJournalWithKioskIdEventAndErrorFields) {
    if (::geteuid() != 0) MEDKIOSK_CANNOT_RUN_HERE() << "a private /run for journald's socket needs root";
    const JournalCapture capture = capture_journal_entries_in_private_run();
    ASSERT_EQ(capture.failure, "");
    const auto& entries = capture.entries;

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
    EXPECT_EQ(capture.last_error_event, "camera-error");
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
