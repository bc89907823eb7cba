// Disk faults: a full data partition must give a clear error, record nothing, and keep what was there.

#include <gtest/gtest.h>
#include <sys/mount.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>

#include "medkiosk/storage/ledger.hpp"
#include "storage_test_util.hpp"
#include "support/cannot_run_here.hpp"
#include "support/temp_dir.hpp"

namespace medkiosk::storage {
namespace {

namespace fs = std::filesystem;
using testing::sample_dropoff;

// A small tmpfs of its own, so filling it up touches nothing else on the machine.
class TinyTmpfs {
  public:
    explicit TinyTmpfs(const fs::path& mount_point, const char* size) : mount_point_(mount_point) {
        fs::create_directories(mount_point_);
        const std::string options = std::string("size=") + size + ",mode=0700";
        if (::mount("tmpfs", mount_point_.c_str(), "tmpfs", MS_NOSUID | MS_NODEV, options.c_str()) == 0) {
            mounted_ = true;
        } else {
            error_ = std::strerror(errno);
        }
    }
    ~TinyTmpfs() {
        if (mounted_) ::umount2(mount_point_.c_str(), MNT_DETACH);
    }
    TinyTmpfs(const TinyTmpfs&) = delete;
    TinyTmpfs& operator=(const TinyTmpfs&) = delete;
    bool mounted() const { return mounted_; }
    const std::string& error() const { return error_; }

  private:
    fs::path mount_point_;
    bool mounted_ = false;
    std::string error_;
};

// Writes until the file system says ENOSPC; returns the bytes written.
std::size_t fill_up(const fs::path& file) {
    std::FILE* out = std::fopen(file.c_str(), "wb");
    if (out == nullptr) return 0;
    std::setvbuf(out, nullptr, _IONBF, 0);
    const std::string block(4096, 'x');
    std::size_t total = 0;
    while (std::fwrite(block.data(), 1, block.size(), out) == block.size()) total += block.size();
    // Fill the last partial page too.
    while (std::fwrite("x", 1, 1, out) == 1) ++total;
    std::fclose(out);
    return total;
}

TEST(LedgerFaultTest, DiskFullIsReportedAndEarlierRecordsStayIntact) {
    medkiosk::test::TempDir dir;
    const fs::path mount_point = dir.path() / "data";
    TinyTmpfs tmpfs(mount_point, "1m");
    if (!tmpfs.mounted()) {
        MEDKIOSK_CANNOT_RUN_HERE() << "cannot mount a tmpfs here (" << tmpfs.error()
                                   << "); needs root or CAP_SYS_ADMIN";
    }
    const fs::path ledger_path = mount_point / "ledger.db";
    const LedgerOptions options{"kiosk-fault", mount_point / "county.key"};

    auto opened = Ledger::open(ledger_path, options);
    ASSERT_TRUE(opened.ok()) << opened.error().message;
    auto& ledger = *opened.value();
    const auto session_id = ledger.dropoffs().begin_session().value().id;

    std::vector<std::string> committed;
    for (int i = 0; i < 5; ++i) {
        auto record = ledger.dropoffs().record(sample_dropoff(session_id, "BEFORE-" + std::to_string(i)));
        ASSERT_TRUE(record.ok()) << record.error().message;
        committed.push_back(record.value().uuid);
    }

    ASSERT_GT(fill_up(mount_point / "filler"), 0u);

    // The WAL may still have room in pages it already owns; keep going until the disk refuses.
    std::optional<Error> failure;
    for (int i = 0; i < 5000 && !failure; ++i) {
        auto record = ledger.dropoffs().record(sample_dropoff(session_id, "DURING-" + std::to_string(i)));
        if (record.ok()) {
            committed.push_back(record.value().uuid);
        } else {
            failure = record.error();
        }
    }
    ASSERT_TRUE(failure.has_value()) << "the disk never filled up";
    EXPECT_EQ(failure->code, ErrorCode::DiskFull) << failure->message;
    EXPECT_NE(failure->message.find("disk is full"), std::string::npos) << failure->message;
    EXPECT_NE(failure->message.find("free space"), std::string::npos) << failure->message;
    EXPECT_NE(failure->message.find("nothing was recorded"), std::string::npos) << failure->message;
    EXPECT_NE(failure->message.find(ledger_path.string()), std::string::npos) << failure->message;

    // Everything committed before the failure is still there, on the same connection...
    auto recent = ledger.dropoffs().recent(100000);
    ASSERT_TRUE(recent.ok()) << recent.error().message;
    EXPECT_EQ(recent.value().size(), committed.size());
    EXPECT_EQ(ledger.integrity_check().value(), "ok");

    // ... and after space is freed the kiosk carries on without a restart.
    fs::remove(mount_point / "filler");
    auto after = ledger.dropoffs().record(sample_dropoff(session_id, "AFTER"));
    ASSERT_TRUE(after.ok()) << after.error().message;
    committed.push_back(after.value().uuid);
    opened = Error{};  // close

    auto reopened = Ledger::open(ledger_path, options);
    ASSERT_TRUE(reopened.ok()) << reopened.error().message;
    auto all = reopened.value()->dropoffs().recent(100000);
    ASSERT_TRUE(all.ok());
    ASSERT_EQ(all.value().size(), committed.size());
    // Newest first; sequences have no gaps, so the failed attempt left nothing half-written.
    for (std::size_t i = 0; i < all.value().size(); ++i) {
        EXPECT_EQ(all.value()[i].uuid, committed[committed.size() - 1 - i]);
        EXPECT_EQ(all.value()[i].sequence, static_cast<std::int64_t>(committed.size() - i));
    }
    EXPECT_EQ(reopened.value()->summary().value().outbox_pending,
              static_cast<std::int64_t>(committed.size()));
    EXPECT_EQ(reopened.value()->integrity_check().value(), "ok");
}

}  // namespace
}  // namespace medkiosk::storage
