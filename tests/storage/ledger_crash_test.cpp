// Crash safety: a child process records drop-offs in a loop and is SIGKILLed at random moments.
// Every drop-off it printed (it prints only after COMMIT returned) must be in the ledger afterwards
// with the same sequence, no sequence may be handed out twice, and the file must pass integrity_check.
// Rounds: $MEDKIOSK_CRASH_ROUNDS (default 100; tests/storage/crash_loop.sh runs 1000).

#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <map>
#include <nlohmann/json.hpp>
#include <random>
#include <set>
#include <thread>

#include "medkiosk/storage/ledger.hpp"
#include "storage_test_util.hpp"
#include "support/temp_dir.hpp"

namespace medkiosk::storage {
namespace {

namespace fs = std::filesystem;
using testing::RawDb;

int crash_rounds() {
    const char* text = std::getenv("MEDKIOSK_CRASH_ROUNDS");
    const int rounds = text != nullptr ? std::atoi(text) : 0;
    return rounds > 0 ? rounds : 100;
}

struct Child {
    pid_t pid = -1;
    int out = -1;
};

std::string serial_for(int round, int i) {
    std::string serial = "R";
    serial += std::to_string(round);
    serial += 'N';
    serial += std::to_string(i);
    return serial;
}

// Forks a recorder: it opens the ledger as the kiosk does, writes "ready" once its session is open,
// and records drop-offs until killed, writing "SEQUENCE UUID" to the pipe only after record_dropoff
// returned (COMMIT done). No exec: medkioskctl
// loads OpenCV and takes ~0.6 s to start, which would leave few kills landing mid-commit.
Child start_recorder(const fs::path& data_dir, int round) {
    int out_pipe[2];
    if (pipe(out_pipe) != 0) return {};
    const pid_t pid = fork();
    if (pid == 0) {
        close(out_pipe[0]);
        auto ledger =
            Ledger::open(data_dir / "ledger.db", LedgerOptions{"kiosk-crash", data_dir / "county.key"});
        if (!ledger) _exit(3);
        auto session = ledger.value()->dropoffs().begin_session();
        if (!session) _exit(4);
        if (write(out_pipe[1], "ready\n", 6) != 6) _exit(6);
        for (int i = 0;; ++i) {
            auto input = testing::sample_dropoff(session.value().id, serial_for(round, i));
            auto record = ledger.value()->dropoffs().record(input);
            if (!record) _exit(5);
            std::string line = std::to_string(record.value().sequence);
            line += ' ';
            line += record.value().uuid;
            line += '\n';
            if (write(out_pipe[1], line.data(), line.size()) != static_cast<ssize_t>(line.size())) _exit(6);
        }
    }
    close(out_pipe[1]);
    return {pid, out_pipe[0]};
}

// Waits for the recorder's "ready" line; false if it ended first.
bool wait_until_ready(int fd) {
    std::string line;
    for (char c; read(fd, &c, 1) == 1;) {
        if (c == '\n') return line == "ready";
        line += c;
    }
    return false;
}

std::string read_all(int fd) {
    std::string text;
    char buffer[4096];
    for (ssize_t n; (n = read(fd, buffer, sizeof buffer)) > 0;)
        text.append(buffer, static_cast<std::size_t>(n));
    close(fd);
    return text;
}

TEST(LedgerCrash, RecordedDropOffsSurviveSigkillAtRandomMoments) {
    medkiosk::test::TempDir dir;
    const fs::path data_dir = dir.path() / "data";
    const int rounds = crash_rounds();
    std::mt19937 random(20261129u);
    std::uniform_int_distribution<int> kill_after_us(0, 80'000);

    std::map<std::int64_t, std::string> uuid_of_sequence;  // every sequence ever reported committed
    int kills_during_work = 0;
    for (int round = 0; round < rounds; ++round) {
        Child child = start_recorder(data_dir, round);
        ASSERT_GT(child.pid, 0);
        // One round in four is killed while the ledger opens (creation, migration, recovery); the
        // others from when the session is open, so a slow open on a busy machine cannot leave the
        // commits untested.
        const bool kill_while_opening = round % 4 == 0;
        if (!kill_while_opening) {
            ASSERT_TRUE(wait_until_ready(child.out)) << "round " << round;
        }
        std::this_thread::sleep_for(std::chrono::microseconds(kill_after_us(random)));
        kill(child.pid, SIGKILL);
        int status = 0;
        waitpid(child.pid, &status, 0);
        if (WIFSIGNALED(status)) {
            ++kills_during_work;
        } else {
            FAIL() << "round " << round << ": the recorder stopped by itself with status "
                   << WEXITSTATUS(status);
        }
        const std::string output = read_all(child.out);

        // What the child reported, up to its last complete line (a kill may cut the last one).
        std::vector<std::pair<std::int64_t, std::string>> reported;
        std::size_t start = 0;
        for (std::size_t end; (end = output.find('\n', start)) != std::string::npos; start = end + 1) {
            const std::string line = output.substr(start, end - start);
            if (line == "ready") continue;
            const auto space = line.find(' ');
            ASSERT_NE(space, std::string::npos) << line;
            reported.emplace_back(std::stoll(line.substr(0, space)), line.substr(space + 1));
        }
        for (const auto& [sequence, uuid] : reported) {
            auto [it, inserted] = uuid_of_sequence.emplace(sequence, uuid);
            ASSERT_TRUE(inserted) << "round " << round << ": sequence " << sequence << " reused (was "
                                  << it->second << ", now " << uuid << ")";
        }

        // Restart as the kiosk would: open (recovering the WAL) and look for every reported record.
        if (!fs::exists(data_dir / "ledger.db")) {
            ASSERT_TRUE(reported.empty());
            continue;
        }
        auto ledger =
            Ledger::open(data_dir / "ledger.db", LedgerOptions{"kiosk-crash", data_dir / "county.key"});
        ASSERT_TRUE(ledger.ok()) << "round " << round << ": " << ledger.error().message;
        ledger.value().reset();
        RawDb raw(data_dir / "ledger.db", true);
        for (const auto& [sequence, uuid] : reported) {
            ASSERT_EQ(raw.integer(std::string("SELECT count(*) FROM dropoff WHERE uuid = '") + uuid +
                                  "' AND sequence = " + std::to_string(sequence)),
                      1)
                << "round " << round << ": drop-off " << uuid << " #" << sequence
                << " was reported committed but is lost";
        }
        if (round % 10 == 9 || round == rounds - 1) {
            EXPECT_EQ(raw.text("PRAGMA integrity_check"), "ok") << "round " << round;
        }
    }

    RawDb raw(data_dir / "ledger.db", true);
    EXPECT_EQ(raw.text("PRAGMA integrity_check"), "ok");
    EXPECT_EQ(raw.integer("SELECT count(*) FROM dropoff"),
              raw.integer("SELECT count(DISTINCT sequence) FROM dropoff"));
    // Every drop-off committed together with its outbox and audit rows, or not at all.
    EXPECT_EQ(raw.integer("SELECT count(*) FROM dropoff d WHERE NOT EXISTS "
                          "(SELECT 1 FROM outbox o WHERE o.entity = 'dropoff' AND o.entity_id = d.uuid)"),
              0);
    EXPECT_EQ(raw.integer("SELECT count(*) FROM dropoff d WHERE NOT EXISTS "
                          "(SELECT 1 FROM audit_log a WHERE a.entity_id = d.uuid)"),
              0);
    EXPECT_EQ(raw.integer("SELECT count(*) FROM audit_log WHERE action = 'record-dropoff'"),
              raw.integer("SELECT count(*) FROM dropoff"));
    auto ledger = Ledger::open(data_dir / "ledger.db", LedgerOptions{"kiosk-crash", data_dir / "county.key"});
    ASSERT_TRUE(ledger.ok());
    EXPECT_TRUE(ledger.value()->audit().verify().value().ok());
    EXPECT_GE(uuid_of_sequence.size(), static_cast<std::size_t>(rounds / 2))
        << "the rounds killed after their session opened should mostly commit before the kill";
    std::printf("crash loop: %d rounds, %d killed mid-run, %zu drop-offs reported committed, all present\n",
                rounds, kills_during_work, uuid_of_sequence.size());
}

}  // namespace
}  // namespace medkiosk::storage
