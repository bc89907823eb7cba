// The hub feeds the kiosk's clinic list (issue 16) through the sync worker, on a real PostgreSQL: the
// hub's clinics win over local ones of the same id, a local clinic the hub does not know stays, a
// clinic the hub retired is retired here and kept; pulling again changes nothing; a hub that cannot be
// reached leaves the list and its "last updated from the hub" time as they were; a connection cut in
// the middle of the pull (a proxy that stops forwarding) keeps what was stored, and the next round
// completes it. A clinic device also gets the collection points' manifest keys, and with them tells
// a delivery list the collection point signed from one changed or printed by someone else.

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <map>
#include <mutex>
#include <thread>
#include <tuple>
#include <vector>

#include "medkiosk/storage/clinic_list.hpp"
#include "medkiosk/storage/clinic_store.hpp"
#include "medkiosk/storage/county.hpp"
#include "medkiosk/storage/dispatch_book.hpp"
#include "medkiosk/storage/kiosk_key.hpp"
#include "sync_fixture.hpp"

namespace medkiosk::test {
namespace {

// A TCP relay to the hub that forwards the hub's first `cut_after` bytes (all connections together),
// then drops every connection and refuses new ones: a network that goes away in the middle.
class CuttingProxy {
  public:
    CuttingProxy(int target_port, std::int64_t cut_after) : target_port_(target_port), cut_after_(cut_after) {
        listener_ = ::socket(AF_INET, SOCK_STREAM, 0);
        sockaddr_in address{};
        address.sin_family = AF_INET;
        address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        address.sin_port = 0;
        ::bind(listener_, reinterpret_cast<sockaddr*>(&address), sizeof address);
        ::listen(listener_, 8);
        socklen_t length = sizeof address;
        ::getsockname(listener_, reinterpret_cast<sockaddr*>(&address), &length);
        port_ = ntohs(address.sin_port);
        accepting_ = std::thread([this] { accept_loop(); });
    }
    ~CuttingProxy() {
        stopping_ = true;
        accepting_.join();
        for (auto& relay : relays_) relay.join();
        ::close(listener_);
    }
    int port() const { return port_; }
    std::int64_t forwarded() const { return forwarded_; }  // the hub's bytes, all connections
    bool cut() const { return forwarded_ >= cut_after_; }

  private:
    void accept_loop() {
        while (!stopping_) {
            pollfd watched{listener_, POLLIN, 0};
            if (::poll(&watched, 1, 50) <= 0) continue;
            const int client = ::accept(listener_, nullptr, nullptr);
            if (client < 0) continue;
            if (cut()) {  // the network is gone
                ::close(client);
                continue;
            }
            const int server = ::socket(AF_INET, SOCK_STREAM, 0);
            sockaddr_in address{};
            address.sin_family = AF_INET;
            address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
            address.sin_port = htons(static_cast<std::uint16_t>(target_port_));
            if (::connect(server, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
                ::close(client);
                ::close(server);
                continue;
            }
            relays_.emplace_back([this, client, server] { relay(client, server); });
        }
    }

    void relay(int client, int server) {
        char buffer[16384];
        while (!stopping_ && !cut()) {
            pollfd watched[2] = {{client, POLLIN, 0}, {server, POLLIN, 0}};
            if (::poll(watched, 2, 50) <= 0) continue;
            if (watched[0].revents != 0) {
                const ssize_t n = ::read(client, buffer, sizeof buffer);
                if (n <= 0 || ::write(server, buffer, static_cast<std::size_t>(n)) != n) break;
            }
            if (watched[1].revents != 0) {
                ssize_t n = ::read(server, buffer, sizeof buffer);
                if (n <= 0) break;
                const std::int64_t room = cut_after_ - forwarded_.fetch_add(n);
                if (room < n) n = std::max<ssize_t>(0, static_cast<ssize_t>(room));
                if (n > 0 && ::write(client, buffer, static_cast<std::size_t>(n)) != n) break;
            }
        }
        ::close(client);
        ::close(server);
    }

    int target_port_;
    std::int64_t cut_after_;
    int listener_ = -1;
    int port_ = 0;
    std::atomic<bool> stopping_ = false;
    std::atomic<std::int64_t> forwarded_ = 0;
    std::thread accepting_;
    std::vector<std::thread> relays_;
};

// What the technician sees of each clinic: id → (source, retired, Chinese name).
using Seen = std::map<std::string, std::tuple<std::string, bool, std::string>>;
Seen seen(storage::Ledger& ledger) {
    Seen result;
    auto list = storage::read_clinic_list(ledger);
    EXPECT_TRUE(list.ok()) << list.error().message;
    if (!list) return result;
    for (const auto& c : list.value().clinics) result[c.clinic_id] = {c.source, c.retired, c.name_zh};
    return result;
}

std::string updated_at(storage::Ledger& ledger) {
    auto list = storage::read_clinic_list(ledger);
    return list ? list.value().updated_from_hub_at : "error";
}

storage::ClinicChoice local_clinic(std::string id, std::string name) {
    storage::ClinicChoice clinic;
    clinic.clinic_id = std::move(id);
    clinic.name_zh = std::move(name);
    clinic.township_zh = "石塘镇";
    return clinic;
}

class ClinicFeedTest : public SyncFixture {
  protected:
    void hub_exec(const std::string& sql) { (void)pg.scalar(database, sql); }
    // Dispatch `uuid` of collection point `point` to shitang-vc (3 packs of line 1), signed with the
    // point's key; its signature is empty when signing failed.
    static storage::Manifest signed_manifest(const TestKiosk& point, const std::string& uuid) {
        storage::Manifest manifest;
        manifest.kiosk_id = point.id;
        manifest.dispatch_uuid = uuid;
        manifest.clinic_id = "shitang-vc";
        manifest.dispatched_on = "2026-12-02";
        manifest.lines = {{1, "06901234567892", "2027-06-30", "fever", 3}};
        if (!storage::sign_manifest(manifest, storage::kiosk_key_file_beside(point.ledger_file)).ok())
            manifest.signature.clear();
        return manifest;
    }
    void add_hub_clinic(const std::string& id, const std::string& name_zh) {
        hub_exec(
            "INSERT INTO hub.clinic (clinic_id, name_zh, name_en, kind, township_zh, township_en) VALUES ('" +
            id + "', '" + name_zh + "', '" + id + " clinic', 'village-clinic', '石塘镇', 'Shitang')");
    }
};

TEST_F(ClinicFeedTest, TheHubsClinicsWinRetireAndLeaveLocalOnesAndAPullAgainChangesNothing) {
    TestKiosk kiosk = make_kiosk("clinics");
    ASSERT_TRUE(kiosk.ledger);
    add_hub_clinic("shitang-vc", "石塘村卫生室");
    add_hub_clinic("hetou-vc", "河头村卫生室");
    ASSERT_TRUE(storage::add_local_clinic(*kiosk.ledger, local_clinic("hetou-vc", "本机河头"), "tech").ok());
    ASSERT_TRUE(storage::add_local_clinic(*kiosk.ledger, local_clinic("only-here", "本机诊所"), "tech").ok());
    EXPECT_EQ(updated_at(*kiosk.ledger), "");

    auto worker = worker_for(kiosk);
    ASSERT_TRUE(worker);
    auto round = worker->run_round();
    ASSERT_TRUE(round.ok()) << round.error().message;
    const Seen first = seen(*kiosk.ledger);
    EXPECT_EQ(first, (Seen{{"hetou-vc", {"hub", false, "河头村卫生室"}},
                           {"only-here", {"local", false, "本机诊所"}},
                           {"shitang-vc", {"hub", false, "石塘村卫生室"}}}));
    const std::string pulled_at = updated_at(*kiosk.ledger);
    EXPECT_FALSE(pulled_at.empty());

    // Retired on the hub: retired here, kept; the dispatch picker no longer offers it.
    hub_exec("UPDATE hub.clinic SET deleted = true WHERE clinic_id = 'shitang-vc'");
    round = worker->run_round();
    ASSERT_TRUE(round.ok()) << round.error().message;
    Seen retired = first;
    std::get<1>(retired["shitang-vc"]) = true;
    EXPECT_EQ(seen(*kiosk.ledger), retired);
    auto book = storage::DispatchBook::open(kiosk.ledger_file, storage::LedgerOptions{kiosk.id, {}});
    ASSERT_TRUE(book.ok()) << book.error().message;
    std::vector<std::string> offered;
    auto clinics = book.value()->clinics();
    ASSERT_TRUE(clinics.ok()) << clinics.error().message;
    for (const auto& c : clinics.value()) offered.push_back(c.clinic_id);
    std::sort(offered.begin(), offered.end());
    EXPECT_EQ(offered, (std::vector<std::string>{"hetou-vc", "only-here"}));

    // The whole feed again from the start (a cursor lost, a pull repeated): nothing changes.
    {
        storage::testing::RawDb raw(kiosk.ledger_file);
        raw.exec("UPDATE sync_state SET value = '0' WHERE key = 'cursor:hub_clinic'");
    }
    round = worker->run_round();
    ASSERT_TRUE(round.ok()) << round.error().message;
    EXPECT_EQ(seen(*kiosk.ledger), retired);

    // The hub unreachable: the round fails, the list and its time stay as they were.
    const std::string before = updated_at(*kiosk.ledger);
    hub_exec("UPDATE hub.clinic SET name_zh = '改过的名字' WHERE clinic_id = 'hetou-vc'");
    auto options = options_for(kiosk);
    options.hub_conninfo =
        "host=127.0.0.1 port=1 dbname=nowhere user=nobody connect_timeout=1 sslmode=disable";
    auto unreachable = worker_with(options);
    ASSERT_TRUE(unreachable);
    EXPECT_FALSE(unreachable->run_round().ok());
    EXPECT_EQ(seen(*kiosk.ledger), retired);
    EXPECT_EQ(updated_at(*kiosk.ledger), before);
    storage::testing::RawDb raw(kiosk.ledger_file, true);
    EXPECT_EQ(raw.text("PRAGMA integrity_check"), "ok");
}

TEST_F(ClinicFeedTest, AClinicDeviceGetsTheCollectionPointsKeyAndTrustsOnlyWhatItSigned) {
    add_hub_clinic("shitang-vc", "石塘村卫生室");
    // The collection point: its first sync registers its key at the hub (trust on first use).
    TestKiosk point = make_kiosk("signer");
    ASSERT_TRUE(point.ledger);
    auto point_worker = worker_for(point);
    ASSERT_TRUE(point_worker);
    auto round = point_worker->run_round();
    ASSERT_TRUE(round.ok()) << round.error().message;

    TestKiosk device = make_clinic_kiosk("device", "shitang-vc");
    ASSERT_FALSE(device.role.empty());
    storage::LedgerOptions device_options;
    device_options.kiosk_id = device.id;
    auto store = storage::ClinicStore::open(device.ledger_file, device_options, "shitang-vc");
    ASSERT_TRUE(store.ok()) << store.error().message;

    const storage::Manifest manifest = signed_manifest(point, "8e0c2a9e-1111-4a4a-8a8a-000000000009");
    ASSERT_FALSE(manifest.signature.empty());
    storage::Manifest forged = manifest;
    forged.lines[0].quantity = 30;
    EXPECT_EQ(store.value()->manifest_signature(manifest).value(), storage::ManifestSignature::KeyUnknown);

    auto device_worker = worker_for(device);
    ASSERT_TRUE(device_worker);
    round = device_worker->run_round();
    ASSERT_TRUE(round.ok()) << round.error().message;
    EXPECT_EQ(store.value()->manifest_signature(manifest).value(), storage::ManifestSignature::Valid);
    EXPECT_EQ(store.value()->manifest_signature(forged).value(), storage::ManifestSignature::Invalid);
    EXPECT_EQ(hub_int("SELECT count(*) FROM hub.manifest_key_feed WHERE key = '" + device.id + "'"), 0)
        << "a clinic device signs no manifests: its own key is not fed";

    // The device's copy of the key is damaged (a disk fault, an edit by hand): lists from that
    // collection point are refused with what to do, and the next sync fetches the key again.
    {
        storage::testing::RawDb raw(device.ledger_file);
        raw.exec(
            "UPDATE hub_kiosk_key SET body = '{\"kiosk_id\": \"' || key || '\", \"public_key\": ' WHERE key "
            "= '" +
            point.id + "'");
    }
    auto damaged = store.value()->manifest_signature(manifest);
    ASSERT_FALSE(damaged.ok());
    EXPECT_NE(damaged.error().message.find("sync this device with the hub"), std::string::npos)
        << damaged.error().message;
    round = device_worker->run_round();
    ASSERT_TRUE(round.ok()) << round.error().message;
    auto refetched = store.value()->manifest_signature(manifest);
    ASSERT_TRUE(refetched.ok()) << refetched.error().message;
    EXPECT_EQ(refetched.value(), storage::ManifestSignature::Valid);
    EXPECT_EQ(store.value()->manifest_signature(forged).value(), storage::ManifestSignature::Invalid);

    // A row the sync did not write (deleted = 7; the key under the id in capitals, the exact row gone)
    // refuses lists, and the next sync fetches every key again, which rewrites the exact row; a row
    // under another spelling stays refused until a technician deletes it, as the message says.
    storage::testing::RawDb(device.ledger_file)
        .exec("UPDATE hub_kiosk_key SET deleted = 7 WHERE key = '" + point.id + "'");
    damaged = store.value()->manifest_signature(forged);
    ASSERT_FALSE(damaged.ok()) << "a key row with deleted = 7 let a list pass";
    EXPECT_NE(damaged.error().message.find("has deleted = 7"), std::string::npos) << damaged.error().message;
    round = device_worker->run_round();
    ASSERT_TRUE(round.ok()) << round.error().message;
    refetched = store.value()->manifest_signature(manifest);
    ASSERT_TRUE(refetched.ok()) << "the sync did not fetch the keys again: " << refetched.error().message;
    EXPECT_EQ(refetched.value(), storage::ManifestSignature::Valid);
    storage::testing::RawDb(device.ledger_file)
        .exec("UPDATE hub_kiosk_key SET key = upper(key) WHERE key = '" + point.id + "'");
    damaged = store.value()->manifest_signature(forged);
    ASSERT_FALSE(damaged.ok()) << "a key row under the id in capitals let a list pass";
    round = device_worker->run_round();
    ASSERT_TRUE(round.ok()) << round.error().message;
    damaged = store.value()->manifest_signature(manifest);
    ASSERT_FALSE(damaged.ok());
    const std::string capitals = storage::testing::RawDb(device.ledger_file)
                                     .text("SELECT key FROM hub_kiosk_key WHERE key <> '" + point.id +
                                           "' AND lower(key) = '" + point.id + "'");
    EXPECT_NE(damaged.error().message.find("deletes the row whose key is \"" + capitals + "\""),
              std::string::npos)
        << damaged.error().message;
    // That row is not fetched again for on every sync: the event names it for the technician.
    const auto events = [&](const std::string& kind) {
        return storage::testing::RawDb(device.ledger_file)
            .integer("SELECT count(*) FROM sync_event WHERE kind = '" + kind + "'");
    };
    const auto refetches = events("manifest-keys-refetched");
    EXPECT_GE(events("manifest-key-unrepaired"), 1);
    EXPECT_NE(
        storage::testing::RawDb(device.ledger_file)
            .text("SELECT detail FROM sync_event WHERE kind = 'manifest-key-unrepaired' ORDER BY rowid DESC")
            .find("\"" + capitals + "\""),
        std::string::npos);
    for (int i = 0; i < 2; ++i) {
        round = device_worker->run_round();
        ASSERT_TRUE(round.ok()) << round.error().message;
    }
    EXPECT_EQ(events("manifest-keys-refetched"), refetches)
        << "every sync fetched all keys again for a row the hub never sends";
    storage::testing::RawDb(device.ledger_file)
        .exec("DELETE FROM hub_kiosk_key WHERE key = '" + capitals + "'");
    EXPECT_EQ(store.value()->manifest_signature(manifest).value(), storage::ManifestSignature::Valid);
    EXPECT_EQ(store.value()->manifest_signature(forged).value(), storage::ManifestSignature::Invalid);

    // A refetch cut off (the hub refuses the feed mid-sync, as a lost connection would) goes on in the
    // next round, and the row it cannot repair is still named for the technician then.
    storage::testing::RawDb(device.ledger_file)
        .exec("UPDATE hub_kiosk_key SET key = key || ' ' WHERE key = '" + point.id + "'");
    ASSERT_FALSE(store.value()->manifest_signature(manifest).ok());
    const auto unrepaired_before = events("manifest-key-unrepaired");
    hub_exec("REVOKE SELECT ON hub.manifest_key_feed FROM medkiosk_clinic");
    round = device_worker->run_round();
    hub_exec("GRANT SELECT ON hub.manifest_key_feed TO medkiosk_clinic");
    ASSERT_FALSE(round.ok()) << "the feed was refused: the round cannot have completed";
    EXPECT_EQ(events("manifest-key-unrepaired"), unrepaired_before);
    round = device_worker->run_round();
    ASSERT_TRUE(round.ok()) << round.error().message;
    EXPECT_EQ(events("manifest-key-unrepaired"), unrepaired_before + 1)
        << "the refetch completed in a later round was never judged";
    EXPECT_NE(
        storage::testing::RawDb(device.ledger_file)
            .text("SELECT detail FROM sync_event WHERE kind = 'manifest-key-unrepaired' ORDER BY rowid DESC")
            .find("\"" + point.id + " \""),
        std::string::npos);
    storage::testing::RawDb(device.ledger_file)
        .exec("DELETE FROM hub_kiosk_key WHERE key = '" + point.id + " '");
    EXPECT_EQ(store.value()->manifest_signature(manifest).value(), storage::ManifestSignature::Valid)
        << "the completed refetch rewrote the exact row";

    // A technician deletes the point's own key row (say, before the sync could repair it): the feed's
    // cursor is past it, so only a count against the hub's brings it back, once.
    storage::testing::RawDb(device.ledger_file)
        .exec("DELETE FROM hub_kiosk_key WHERE key = '" + point.id + "'");
    EXPECT_EQ(store.value()->manifest_signature(manifest).value(), storage::ManifestSignature::KeyUnknown);
    const auto refetches_before_delete = events("manifest-keys-refetched");
    round = device_worker->run_round();
    ASSERT_TRUE(round.ok()) << round.error().message;
    EXPECT_EQ(store.value()->manifest_signature(manifest).value(), storage::ManifestSignature::Valid)
        << "a key row deleted on the device never came back";
    EXPECT_EQ(store.value()->manifest_signature(forged).value(), storage::ManifestSignature::Invalid);
    round = device_worker->run_round();
    ASSERT_TRUE(round.ok()) << round.error().message;
    EXPECT_EQ(events("manifest-keys-refetched"), refetches_before_delete + 1);

    // An administrator clears the key (a replaced kiosk): fed as deleted, it vouches for nothing.
    hub_exec("UPDATE hub.kiosk SET public_key = NULL WHERE kiosk_id = '" + point.id + "'");
    round = device_worker->run_round();
    ASSERT_TRUE(round.ok()) << round.error().message;
    EXPECT_EQ(store.value()->manifest_signature(manifest).value(), storage::ManifestSignature::KeyUnknown);
    // A collection point's login cannot read the keys (nor needs to).
    auto as_point = storage::HubSession::connect(point.conninfo, 5);
    ASSERT_TRUE(as_point.ok()) << as_point.error().message;
    EXPECT_FALSE(as_point.value()->query("SELECT count(*) FROM hub.manifest_key_feed", {}).ok());
}

// Red team 4: the device's key rows were only counted against the hub's. A row for a collection point
// the hub does not know (a key re-entered by hand under a misspelt id) made up for the point's own row,
// deleted: the counts agreed, the key was never fetched again, and a forged list from the point passed
// as from a point without a key.
TEST_F(ClinicFeedTest, ARowForAnUnknownCollectionPointDoesNotHideTheMissingKeyOfAKnownOne) {
    add_hub_clinic("shitang-vc", "石塘村卫生室");
    TestKiosk point = make_kiosk("signer");
    ASSERT_TRUE(point.ledger);
    auto point_worker = worker_for(point);
    ASSERT_TRUE(point_worker);
    auto round = point_worker->run_round();
    ASSERT_TRUE(round.ok()) << round.error().message;

    TestKiosk device = make_clinic_kiosk("device", "shitang-vc");
    ASSERT_FALSE(device.role.empty());
    storage::LedgerOptions device_options;
    device_options.kiosk_id = device.id;
    auto store = storage::ClinicStore::open(device.ledger_file, device_options, "shitang-vc");
    ASSERT_TRUE(store.ok()) << store.error().message;
    const storage::Manifest manifest = signed_manifest(point, "8e0c2a9e-1111-4a4a-8a8a-000000000019");
    ASSERT_FALSE(manifest.signature.empty());
    storage::Manifest forged = manifest;
    forged.lines[0].quantity = 30;
    auto device_worker = worker_for(device);
    ASSERT_TRUE(device_worker);
    round = device_worker->run_round();
    ASSERT_TRUE(round.ok()) << round.error().message;
    ASSERT_EQ(store.value()->manifest_signature(forged).value(), storage::ManifestSignature::Invalid);

    storage::testing::RawDb(device.ledger_file)
        .exec(
            "INSERT INTO hub_kiosk_key (key, body, change_seq, deleted) SELECT key || '-typo', body, "
            "change_seq, 0 FROM hub_kiosk_key WHERE key = '" +
            point.id + "'");
    storage::testing::RawDb(device.ledger_file)
        .exec("DELETE FROM hub_kiosk_key WHERE key = '" + point.id + "'");
    ASSERT_EQ(store.value()->manifest_signature(forged).value(), storage::ManifestSignature::KeyUnknown);
    for (int i = 0; i < 3; ++i) {
        round = device_worker->run_round();
        ASSERT_TRUE(round.ok()) << round.error().message;
    }
    EXPECT_EQ(store.value()->manifest_signature(forged).value(), storage::ManifestSignature::Invalid)
        << "the point's key, deleted on the device, never came back: a forged list passes";
    EXPECT_EQ(storage::testing::RawDb(device.ledger_file)
                  .integer("SELECT count(*) FROM sync_event WHERE kind = 'manifest-keys-refetched'"),
              1)
        << "fetched every key once for the missing one, not on every sync";
}

TEST_F(ClinicFeedTest, ACutInTheMiddleOfThePullKeepsWhatArrivedAndTheNextRoundCompletesIt) {
    // More clinics than one page of the feed (1000), so the pull takes two queries.
    hub_exec(
        "INSERT INTO hub.clinic (clinic_id, name_zh, name_en, kind, township_zh, township_en) "
        "SELECT 'vc-' || i, '村卫生室' || i, 'Village clinic ' || i, 'village-clinic', '石塘镇', 'Shitang' "
        "FROM generate_series(1, 1500) i");

    // A kiosk's round through the relay, which counts (or cuts) what the hub sends.
    const auto through = [&](const TestKiosk& kiosk, const CuttingProxy& proxy) {
        auto options = options_for(kiosk);
        options.hub_conninfo = pg.role_conninfo(database, kiosk.role, kiosk.password);
        const std::string port = "port=" + std::to_string(pg.port());
        options.hub_conninfo.replace(options.hub_conninfo.find(port), port.size(),
                                     "port=" + std::to_string(proxy.port()));
        return worker_with(options);
    };
    // How many bytes the hub sends for a whole first round, on a kiosk like the one below.
    std::int64_t round_bytes = 0;
    {
        TestKiosk measured = make_kiosk("measure");
        CuttingProxy counter(pg.port(), std::int64_t{1} << 40);
        auto worker = through(measured, counter);
        ASSERT_TRUE(worker);
        auto round = worker->run_round();
        ASSERT_TRUE(round.ok()) << round.error().message;
        ASSERT_EQ(measured.local("SELECT count(*) FROM clinic"), 1500);
        round_bytes = counter.forwarded();
    }

    TestKiosk kiosk = make_kiosk("cut");
    ASSERT_TRUE(storage::add_local_clinic(*kiosk.ledger, local_clinic("only-here", "本机诊所"), "tech").ok());
    {
        // The first page is about two thirds of the bytes: cut at 85 %, in the second page.
        CuttingProxy proxy(pg.port(), round_bytes * 85 / 100);
        auto worker = through(kiosk, proxy);
        ASSERT_TRUE(worker);
        auto round = worker->run_round();
        EXPECT_FALSE(round.ok()) << "the connection was cut";
        EXPECT_TRUE(proxy.cut());
    }
    EXPECT_EQ(kiosk.local("SELECT count(*) FROM clinic WHERE source = 'hub'"), 1000)
        << "the first page stayed";
    EXPECT_EQ(kiosk.local("SELECT count(*) FROM clinic WHERE source = 'local'"), 1);
    EXPECT_EQ(updated_at(*kiosk.ledger), "") << "not complete: not 'updated from the hub'";

    // The network back: the next round takes the rest; another changes nothing.
    auto worker = worker_for(kiosk);
    ASSERT_TRUE(worker);
    auto round = worker->run_round();
    ASSERT_TRUE(round.ok()) << round.error().message;
    const Seen complete = seen(*kiosk.ledger);
    EXPECT_EQ(complete.size(), 1501u);
    EXPECT_EQ(std::get<0>(complete.at("only-here")), "local");
    EXPECT_EQ(std::get<2>(complete.at("vc-1500")), "村卫生室1500");
    EXPECT_FALSE(updated_at(*kiosk.ledger).empty());
    round = worker->run_round();
    ASSERT_TRUE(round.ok()) << round.error().message;
    EXPECT_EQ(seen(*kiosk.ledger), complete);
    storage::testing::RawDb raw(kiosk.ledger_file, true);
    EXPECT_EQ(raw.text("PRAGMA integrity_check"), "ok");
}

}  // namespace
}  // namespace medkiosk::test
