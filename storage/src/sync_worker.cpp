// The sync worker: drains the outbox to the hub in bounded, ordered batches. A batch is acknowledged
// locally only after the hub committed it; if the kiosk dies in between, the next attempt gets
// "duplicate" for those records and acknowledges them then — the hub's idempotent ingest is what makes
// at-least-once delivery exactly-once in effect.

#include <sodium.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <cstring>
#include <mutex>
#include <nlohmann/json.hpp>
#include <set>
#include <span>
#include <string_view>
#include <thread>
#include <unordered_map>

#include "identifiers.hpp"
#include "medkiosk/storage/bundle.hpp"
#include "medkiosk/storage/disk_space.hpp"
#include "medkiosk/storage/kiosk_key.hpp"
#include "medkiosk/storage/sync.hpp"
#include "outbox.hpp"

namespace medkiosk::storage {
namespace {

using Clock = std::chrono::steady_clock;
using detail::OutboxOutcome;
using detail::OutboxRow;

constexpr int kFeedPage = 1000;
struct Feed {
    const char* view;
    const char* table;
};
// What a collection point pulls: the reference data, the county's clinics and the bureau's orders
// for it. A clinic-mode device pulls what it shows (product names, the clinics) and the collection
// points' keys that sign the manifests it takes deliveries by.
constexpr Feed kCollectionPointFeeds[] = {
    {"hub.catalogue_feed", "hub_catalogue"}, {"hub.rule_feed", "hub_rule"},
    {"hub.recall_feed", "hub_recall"},       {"hub.drive_feed", "hub_drive"},
    {"hub.clinic_feed", "hub_clinic"},       {"hub.order_feed", "hub_order"},
};
constexpr Feed kClinicFeeds[] = {
    {"hub.catalogue_feed", "hub_catalogue"},
    {"hub.clinic_feed", "hub_clinic"},
    {"hub.manifest_key_feed", "hub_kiosk_key"},  // to check a delivery list's signature
};

std::int64_t wall_ms() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

std::string batch_json(const std::vector<OutboxRow>& rows) {
    nlohmann::json batch = nlohmann::json::array();
    for (const auto& row : rows) {
        batch.push_back({{"entity", row.entity}, {"id", row.entity_id}, {"payload", row.payload}});
    }
    return batch.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

Error broken(std::string message) {
    return Error{ErrorCode::Io, std::move(message)};
}

// What the hub answered for a batch, counted.
struct Tally {
    std::int64_t inserted = 0;
    std::int64_t duplicates = 0;
    std::int64_t dead = 0;  // mismatch or invalid: dead-lettered, never sent again

    void count(const std::string& outcome) {
        if (outcome == "inserted")
            ++inserted;
        else if (outcome == "duplicate")
            ++duplicates;
        else
            ++dead;
    }
};

}  // namespace

struct SyncWorker::Impl {
    SyncOptions options;
    std::unique_ptr<detail::OutboxStore> store;
    bool clinic_device = false;  // the ledger's device.mode: its records go through hub.clinic_ingest
    std::set<std::string> missing_feeds;  // views an older hub lacks: told once, then passed over
    std::unique_ptr<HubSession> hub;
    bool key_registered = false;
    Clock::time_point next_heartbeat{};

    mutable std::mutex progress_mutex;
    SyncProgress progress;

    std::mutex wake_mutex;
    std::condition_variable wake_cv;
    bool woken = false;
    bool stopping = false;
    std::thread thread;

    // The open connection's socket, so stop() can end a query a stalled hub never answers: a frozen
    // server still acknowledges TCP, so neither keepalives, the TCP user timeout nor the server's
    // statement timeout end it, and the kiosk's stop would wait for systemd's SIGKILL. The connection
    // is replaced and closed only under this lock, so stop() never shuts down a reused descriptor.
    std::mutex hub_socket_mutex;
    int hub_socket = -1;
    // Readable once stop() is called: ends a connect to a hub that never answers (a host that drops
    // the handshake, or accepts it and says nothing), which has no session socket to shut down yet.
    int stop_event = -1;

    ~Impl() {
        if (stop_event >= 0) ::close(stop_event);
    }
    void signal_stop() {
        const std::uint64_t one = 1;
        if (stop_event >= 0 && ::write(stop_event, &one, sizeof one) < 0) {
            // The counter is full only after 2^64 - 1 stops: it is readable whatever happened.
        }
    }
    void clear_stop_signal() {
        std::uint64_t count = 0;
        if (stop_event >= 0 && ::read(stop_event, &count, sizeof count) < 0) {
            // EAGAIN: nothing was signalled.
        }
    }

    void set_hub(std::unique_ptr<HubSession> session) {
        std::lock_guard lock(hub_socket_mutex);
        hub = std::move(session);
        hub_socket = hub ? hub->socket() : -1;
    }
    void cut_hub_connection() {
        std::lock_guard lock(hub_socket_mutex);
        if (hub_socket >= 0) ::shutdown(hub_socket, SHUT_RDWR);
    }
    bool stop_requested() {
        std::lock_guard lock(wake_mutex);
        return stopping;
    }

    template <typename Update>
    void publish(Update&& update) {
        std::lock_guard lock(progress_mutex);
        update(progress);
    }

    Result<void> fault(SyncPoint point) {
        if (options.fault_hook && !options.fault_hook(point)) {
            set_hub(nullptr);  // as if the connection broke
            return broken("connection lost (injected fault)");
        }
        return {};
    }

    Result<void> ensure_connected() {
        if (hub && hub->healthy()) return {};
        set_hub(nullptr);
        if (stop_requested()) return broken("the kiosk is stopping");
        auto session = HubSession::connect(options.hub_conninfo, options.connect_timeout_seconds, stop_event);
        if (!session) return session.error();
        set_hub(std::move(session).value());
        if (stop_requested()) cut_hub_connection();  // stop() came while connecting
        return {};
    }

    Result<void> register_key() {
        if (key_registered) return {};
        auto key = kiosk_public_key(options.kiosk_key_file);
        if (!key) return key.error();
        auto answer = hub->query("SELECT hub.register_public_key($1)", {key.value()});
        if (!answer) {
            if (!hub->healthy()) return answer.error();
            // A refused key must not stop the records: log it and go on.
            (void)store->record_event("key-refused", answer.error().message);
        }
        key_registered = true;
        return {};
    }

    Result<void> heartbeat() {
        auto backlog = store->backlog();
        if (!backlog) return backlog.error();
        auto age = store->oldest_pending_age_s();
        if (!age) return age.error();
        const auto directory = options.ledger_file.parent_path().empty() ? std::filesystem::path(".")
                                                                         : options.ledger_file.parent_path();
        const auto free_bytes = free_disk_bytes(directory);
        const std::int64_t disk_free = free_bytes ? static_cast<std::int64_t>(*free_bytes) : -1;
        std::optional<std::int64_t> skew;
        {
            std::lock_guard lock(progress_mutex);
            skew = progress.clock_skew_ms;
        }
        nlohmann::json body = {{"kiosk_time", detail::utc_now_iso8601_ms()},
                               {"version", options.kiosk_version},
                               {"backlog", backlog.value()},
                               {"oldest_unsynced_age_s", age.value()},
                               {"disk_free_bytes", disk_free}};
        if (skew) body["clock_skew_ms"] = *skew;
        auto head = store->audit_head();
        if (!head) return head.error();
        if (!head.value().empty()) body["audit_head"] = head.value();
        auto instance = store->instance_id();
        if (!instance) return instance.error();
        if (!instance.value().empty()) body["ledger_instance"] = instance.value();
        if (options.decode_stats) {
            const DecodeStats stats = options.decode_stats();
            body["decode_stats"] = {{"frames", stats.frames},
                                    {"decoded_frames", stats.decoded_frames},
                                    {"confirmed", stats.confirmed},
                                    {"last_decode_ms", stats.last_decode_ms},
                                    {"capture_fps", stats.capture_fps},
                                    {"source", stats.source},
                                    {"source_error", stats.source_error}};
        }
        const std::int64_t sent_at = wall_ms();
        auto answer = hub->query("SELECT (extract(epoch FROM hub.heartbeat($1::jsonb)) * 1000)::bigint",
                                 {body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace)});
        const std::int64_t received_at = wall_ms();
        if (!answer) {
            if (!hub->healthy()) return answer.error();
            // The hub refused this heartbeat (past its limits): say so, and never let telemetry hold
            // the donations back.
            (void)store->record_event("heartbeat-refused", answer.error().message);
            next_heartbeat = Clock::now() + options.heartbeat_interval;
            return {};
        }
        const auto hub_ms = std::stoll(answer.value().at(0).at(0).value_or("0"));
        const std::int64_t measured = hub_ms - (sent_at + received_at) / 2;
        const bool flagged = std::llabs(measured) > options.clock_skew_limit.count();
        (void)store->set_state("clock_skew_ms", std::to_string(measured));
        publish([&](SyncProgress& p) {
            p.clock_skew_ms = measured;
            p.clock_skew_flagged = flagged;
        });
        next_heartbeat = Clock::now() + options.heartbeat_interval;
        return {};
    }

    // Sends one batch through `hub_function` (hub.ingest, or hub.clinic_ingest for a clinic-mode
    // device's records), which is one hub transaction: the whole batch commits or none of it. Returns
    // the hub's rows (rec_id, outcome, detail).
    Result<std::vector<HubRow>> ingest(const std::vector<OutboxRow>& rows,
                                       std::string_view hub_function = "hub.ingest") {
        const std::string batch = batch_json(rows);
        if (auto s = fault(SyncPoint::BeforeUpload); !s) return s.error();
        auto answer = hub->query(
            "SELECT rec_id, outcome, coalesce(detail, '') FROM " + std::string(hub_function) + "($1::jsonb)",
            {batch});
        if (!answer) return answer.error();
        publish([&](SyncProgress& p) { p.bytes_sent += static_cast<std::int64_t>(batch.size()); });
        if (auto s = fault(SyncPoint::AfterHubCommit); !s) return s.error();
        return answer;
    }

    void publish_tally(const Tally& tally) {
        publish([&](SyncProgress& p) {
            p.inserted += tally.inserted;
            p.duplicates += tally.duplicates;
            p.acknowledged += tally.inserted + tally.duplicates;
            p.dead_lettered += tally.dead;
        });
    }

    // One batch of donation sessions; the cursor moves only after the hub committed. A session the hub
    // refuses is recorded as a sync event and passed over, so it never blocks the rest.
    Result<std::size_t> upload_sessions() {
        auto cursor = store->session_cursor();
        if (!cursor) return cursor.error();
        auto due = store->sessions_due(cursor.value(), options.batch_size);
        if (!due) return due.error();
        const auto& rows = due.value();
        if (rows.empty()) return std::size_t{0};
        auto answer = ingest(rows);
        if (!answer) return answer.error();
        Tally tally;
        for (const auto& row : answer.value()) {
            const auto outcome = row.at(1).value_or("");
            tally.count(outcome);
            if (outcome != "inserted" && outcome != "duplicate") {
                const std::string detail_text = row.at(2).value_or("");
                if (auto s = store->dead_letter_session(
                        row.at(0).value_or(""), outcome + (detail_text.empty() ? "" : ": " + detail_text));
                    !s)
                    return s.error();  // the cursor stays: the sessions go again and come back duplicate
            }
        }
        if (auto s = store->set_state("session_cursor", std::to_string(rows.back().id)); !s) return s.error();
        publish_tally(tally);
        if (auto s = fault(SyncPoint::AfterLocalMark); !s) return s.error();
        return rows.size();
    }

    // One batch of the records queued up to `up_to_id`; returns how many rows it took (0: none left).
    Result<std::size_t> upload_batch(std::int64_t up_to_id) {
        auto due = store->due(0, options.batch_size, up_to_id);
        if (!due) return due.error();
        const auto& rows = due.value();
        if (rows.empty()) return std::size_t{0};
        auto answer = ingest(rows, clinic_device ? "hub.clinic_ingest" : "hub.ingest");
        if (!answer) return answer.error();

        // Answers come back in batch order; match by id all the same, since an id may repeat.
        std::unordered_map<std::string, std::vector<std::pair<std::string, std::string>>> by_id;
        for (const auto& row : answer.value()) {
            by_id[row.at(0).value_or("")].emplace_back(row.at(1).value_or(""), row.at(2).value_or(""));
        }
        std::vector<OutboxOutcome> outcomes;
        outcomes.reserve(rows.size());
        Tally tally;
        for (const auto& row : rows) {
            auto found = by_id.find(row.entity_id);
            if (found == by_id.end() || found->second.empty()) continue;  // unanswered: stays queued
            auto [outcome, detail_text] = found->second.front();
            found->second.erase(found->second.begin());
            tally.count(outcome);
            outcomes.push_back({row.id, row.entity, row.entity_id, outcome, detail_text});
        }
        if (outcomes.empty()) {
            return Error{ErrorCode::Internal, "the hub answered none of the " + std::to_string(rows.size()) +
                                                  " records sent; check the hub's schema version (hub init)"};
        }
        if (auto s = store->apply(outcomes); !s) return s.error();
        publish_tally(tally);
        if (auto s = fault(SyncPoint::AfterLocalMark); !s) return s.error();
        return rows.size();
    }

    // "held/fed" when this device holds a usable key for fewer of the collection points the hub feeds
    // keys for than the hub does (a row deleted or damaged here), else empty; also empty when the hub
    // has no such feed yet (pull_feeds records that). The hub's ids are compared, not only counted: a
    // row here for a point the hub does not know (an id misspelt by hand) must not make up for a known
    // point's missing row, whose lists would pass unchecked. Whole again, it forgets the last shortfall
    // refetched for.
    Result<std::string> manifest_key_shortfall() {
        auto fed = hub->query("SELECT key FROM hub.manifest_key_feed WHERE NOT deleted", {});
        if (!fed) {
            if (hub->healthy() && fed.error().message.find("does not exist") != std::string::npos)
                return std::string();
            return fed.error();
        }
        auto usable = store->usable_manifest_keys();
        if (!usable) return usable.error();
        std::int64_t held = 0;
        for (const auto& row : fed.value())
            if (usable.value().count(row.at(0).value_or(""))) ++held;
        const auto hub_count = static_cast<std::int64_t>(fed.value().size());
        if (held < hub_count) return std::to_string(held) + "/" + std::to_string(hub_count);
        if (auto s = store->set_state("manifest-keys-missing-refetched-for", ""); !s) return s.error();
        return std::string();
    }

    // Why this device should fetch every key again although none of its rows is damaged: a shortfall
    // (manifest_key_shortfall) not yet refetched for; the feed's cursor is past a row deleted here, so
    // only a refetch from the start brings it back. Empty when there is none, or it was refetched for.
    Result<std::string> missing_manifest_keys() {
        auto shortfall = manifest_key_shortfall();
        if (!shortfall) return shortfall.error();
        if (shortfall.value().empty()) return std::string();
        auto tried = store->state("manifest-keys-missing-refetched-for");
        if (!tried) return tried.error();
        if (tried.value().value_or("") == shortfall.value()) return std::string();
        if (auto s = store->set_state("manifest-keys-missing-refetched-for", shortfall.value()); !s)
            return s.error();
        const auto slash = shortfall.value().find('/');
        return "this device holds " + shortfall.value().substr(0, slash) +
               " usable collection-point key(s) of the hub's " + shortfall.value().substr(slash + 1) +
               " (a key row was deleted or damaged here)";
    }

    Result<void> pull_feeds() {
        const std::span<const Feed> feeds = clinic_device ? std::span<const Feed>(kClinicFeeds)
                                                          : std::span<const Feed>(kCollectionPointFeeds);
        for (const auto& [view, table] : feeds) {
            if (missing_feeds.count(view)) continue;
            bool refetching_keys = false;
            if (std::string_view(table) == "hub_kiosk_key") {
                // A damaged key refuses every list of its collection point (ClinicStore): fetch all
                // keys again, as the hub holds them, instead of only the ones changed since — once for
                // the same damaged rows: a row the hub never sends (a collection point's id misspelt)
                // stays, and fetching every key on every sync would not repair it. A refetch cut off
                // (a lost connection) goes on from its cursor in the next round and is then judged.
                auto pending = store->state("manifest-keys-refetch-pending");
                if (!pending) return pending.error();
                auto damaged = store->damaged_manifest_keys();
                if (!damaged) return damaged.error();
                auto tried = store->state("manifest-keys-refetched-for");
                if (!tried) return tried.error();
                auto key_cursor = store->state("cursor:hub_kiosk_key");
                if (!key_cursor) return key_cursor.error();
                // From the start (a new device's first sync) every key comes anyway: no shortfall to
                // report as a row "deleted or damaged here".
                const bool from_the_start = key_cursor.value().value_or("0") == "0";
                if (!pending.value().value_or("").empty()) {
                    refetching_keys = true;
                } else if (from_the_start) {
                    // Nothing to compare yet: the pull below fetches every key.
                } else if (auto missing = missing_manifest_keys(); !missing) {
                    return missing.error();
                } else if (!missing.value().empty()) {
                    // A row deleted on this device (a technician removing a damaged one) is never sent
                    // again by the feed, whose cursor is past it: fetch every key again, once per count.
                    if (auto s = store->set_state("manifest-keys-refetch-pending", "missing"); !s) return s;
                    if (auto s = store->set_state("cursor:hub_kiosk_key", "0"); !s) return s;
                    (void)store->record_event("manifest-keys-refetched",
                                              missing.value() + "; all keys are fetched again from the hub");
                    refetching_keys = true;
                } else if (tried.value().value_or("") != damaged.value().version) {
                    if (damaged.value().rows.empty()) {
                        if (auto s = store->set_state("manifest-keys-refetched-for", damaged.value().version);
                            !s)
                            return s;
                    } else {
                        if (auto s =
                                store->set_state("manifest-keys-refetch-pending", damaged.value().version);
                            !s)
                            return s;
                        if (auto s = store->set_state("cursor:hub_kiosk_key", "0"); !s) return s;
                        (void)store->record_event("manifest-keys-refetched",
                                                  "a collection point's key on this device was damaged (" +
                                                      damaged.value().rows +
                                                      "); all keys are fetched again from the hub");
                        refetching_keys = true;
                    }
                }
            }
            bool pulled_to_end = false;
            for (;;) {
                auto cursor = store->state(std::string("cursor:") + table);
                if (!cursor) return cursor.error();
                const std::string after = cursor.value().value_or("0");
                auto rows =
                    hub->query(std::string("SELECT key, body::text, change_seq, deleted FROM ") + view +
                                   " WHERE change_seq > $1::bigint ORDER BY change_seq LIMIT " +
                                   std::to_string(kFeedPage),
                               {after});
                if (!rows && hub->healthy() &&
                    rows.error().message.find("does not exist") != std::string::npos) {
                    // A hub not yet upgraded (hub init) lacks this feed: the rest still syncs.
                    missing_feeds.insert(view);
                    (void)store->record_event("feed-missing", std::string(view) + ": " +
                                                                  rows.error().message +
                                                                  " — run medkioskctl hub init on the hub");
                    break;
                }
                if (!rows) return rows.error();
                std::vector<detail::FeedRow> page;
                for (const auto& row : rows.value()) {
                    page.push_back({row.at(0).value_or(""), row.at(1).value_or("{}"),
                                    std::stoll(row.at(2).value_or("0")), row.at(3).value_or("f") == "t"});
                }
                if (auto s = store->store_feed(table, page); !s) return s;
                publish([&](SyncProgress& p) { p.pulled += static_cast<std::int64_t>(page.size()); });
                if (page.size() < static_cast<std::size_t>(kFeedPage)) {
                    // The technician's Clinics tab says how fresh the hub's list is; a pull cut off
                    // before here leaves the old time (and the rows already stored are the hub's).
                    if (std::string_view(table) == "hub_clinic") {
                        if (auto s = store->set_state("pulled_at:hub_clinic", detail::utc_now_iso8601_ms());
                            !s)
                            return s;
                    }
                    pulled_to_end = true;
                    break;
                }
            }
            if (refetching_keys && pulled_to_end) {
                auto left = store->damaged_manifest_keys();
                if (!left) return left.error();
                if (auto s = store->set_state("manifest-keys-refetched-for", left.value().version); !s)
                    return s;
                if (auto s = store->set_state("manifest-keys-refetch-pending", ""); !s) return s;
                if (auto whole = manifest_key_shortfall(); !whole) return whole.error();
                if (!left.value().rows.empty()) {
                    (void)store->record_event(
                        "manifest-key-unrepaired",
                        "the key row(s) " + left.value().rows +
                            " in table hub_kiosk_key of this device stay damaged after every key was fetched "
                            "again from the hub, which does not send them; a technician should delete them "
                            "from this device's ledger (the sync will not fetch the keys again for them)");
                }
            }
        }
        return {};
    }

    Result<void> refresh_backlog() {
        auto backlog = store->backlog();
        if (!backlog) return backlog.error();
        auto age = store->oldest_pending_age_s();
        if (!age) return age.error();
        publish([&](SyncProgress& p) {
            p.backlog = backlog.value();
            p.oldest_unsynced_age_s = age.value();
        });
        return {};
    }

    Result<void> round() {
        if (auto s = refresh_backlog(); !s) return s;
        if (auto s = ensure_connected(); !s) return s;
        if (auto s = register_key(); !s) return s;
        if (auto s = heartbeat(); !s) return s;
        // Sessions first, so a drop-off never reaches the hub before its donation session. The kiosk
        // keeps recording meanwhile: records queued after the sessions were read may belong to a session
        // begun since, so they wait for the next pass, which sends that session first.
        for (;;) {
            auto sent_sessions_cover = store->last_outbox_id();
            if (!sent_sessions_cover) return sent_sessions_cover.error();
            for (;;) {
                auto taken = upload_sessions();
                if (!taken) return taken.error();
                if (taken.value() == 0) break;
            }
            for (;;) {
                auto taken = upload_batch(sent_sessions_cover.value());
                if (!taken) return taken.error();
                if (auto s = refresh_backlog(); !s) return s;
                if (taken.value() == 0) break;
            }
            auto newest = store->last_outbox_id();
            if (!newest) return newest.error();
            if (newest.value() <= sent_sessions_cover.value()) break;
        }
        if (auto s = pull_feeds(); !s) return s;
        return {};
    }

    Result<void> run_round_and_record() {
        Result<void> result;
        try {
            result = round();
        } catch (const std::exception& e) {
            result = Error{ErrorCode::Internal, std::string("sync round failed unexpectedly: ") + e.what()};
        }
        const std::string now = detail::utc_now_iso8601_ms();
        if (result) {
            (void)store->set_state("last_success_at", now);
            publish([&](SyncProgress& p) {
                p.last_success_at = now;
                p.consecutive_failures = 0;
                ++p.rounds;
            });
        } else if (stop_requested()) {
            // Cut short by stop(): not the hub's fault, and nothing to retry in this run; the
            // records stay queued (the hub rolled back whatever the cut transaction had sent).
            return result;
        } else {
            if (hub && !hub->healthy()) set_hub(nullptr);
            const std::string message =
                result.error().message + " — records stay queued; the kiosk keeps retrying";
            (void)store->set_state("last_error", now + " " + message);
            publish([&](SyncProgress& p) {
                p.last_error = message;
                p.last_error_at = now;
                ++p.consecutive_failures;
                ++p.failed_rounds;
                ++p.rounds;
            });
        }
        return result;
    }

    bool round_due() {
        auto backlog = store->backlog();
        return !backlog || backlog.value() > 0 || Clock::now() >= next_heartbeat;
    }

    // Exponential backoff with full jitter: a random wait in [0, min(max, initial * 2^failures)].
    std::chrono::milliseconds backoff(int failures) const {
        const auto shift = std::min(failures, 20);
        const auto ceiling =
            std::min<std::int64_t>(options.backoff_max.count(), options.backoff_initial.count() << shift);
        return std::chrono::milliseconds(
            randombytes_uniform(static_cast<std::uint32_t>(std::max<std::int64_t>(ceiling, 1))));
    }

    void loop() {
        int failures = 0;
        while (true) {
            std::chrono::milliseconds wait = options.idle_poll;
            if (round_due()) {
                if (run_round_and_record()) {
                    failures = 0;
                } else {
                    wait = backoff(failures++);
                }
            }
            std::unique_lock lock(wake_mutex);
            wake_cv.wait_for(lock, wait, [this] { return stopping || woken; });
            if (stopping) return;
            woken = false;
        }
    }
};

SyncWorker::SyncWorker(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

SyncWorker::~SyncWorker() {
    stop();
}

Result<std::unique_ptr<SyncWorker>> SyncWorker::create(SyncOptions options) {
    if (sodium_init() < 0) return Error{ErrorCode::Internal, "libsodium failed to initialise"};
    if (options.batch_size < 1) return Error{ErrorCode::Invalid, "sync batch size must be at least 1"};
    if (options.hub_conninfo.empty()) {
        return Error{ErrorCode::Invalid, "no hub connection string; pass --hub or set MEDKIOSK_HUB_URL"};
    }
    if (options.kiosk_key_file.empty()) options.kiosk_key_file = kiosk_key_file_beside(options.ledger_file);
    auto store = detail::OutboxStore::open(options.ledger_file);
    if (!store) return store.error();
    auto impl = std::make_unique<Impl>();
    impl->options = std::move(options);
    impl->stop_event = ::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    if (impl->stop_event < 0) {
        return Error{ErrorCode::Internal,
                     std::string("cannot create the sync worker's stop event: ") + std::strerror(errno)};
    }
    impl->store = std::move(store).value();
    auto mode = impl->store->state_setting("device.mode");
    if (!mode) return mode.error();
    impl->clinic_device = mode.value().value_or("") == "clinic";
    (void)impl->refresh_backlog();
    return std::unique_ptr<SyncWorker>(new SyncWorker(std::move(impl)));
}

void SyncWorker::start() {
    if (impl_->thread.joinable()) return;
    impl_->stopping = false;
    impl_->clear_stop_signal();
    impl_->publish([](SyncProgress& p) { p.running = true; });
    impl_->thread = std::thread([this] { impl_->loop(); });
}

void SyncWorker::stop() {
    if (!impl_ || !impl_->thread.joinable()) return;
    {
        std::lock_guard lock(impl_->wake_mutex);
        impl_->stopping = true;
    }
    impl_->wake_cv.notify_all();
    impl_->signal_stop();         // a connect waiting on a silent hub ends now
    impl_->cut_hub_connection();  // a round waiting on a stalled hub ends now
    impl_->thread.join();
    impl_->set_hub(nullptr);
    impl_->publish([](SyncProgress& p) { p.running = false; });
}

void SyncWorker::wake() {
    {
        std::lock_guard lock(impl_->wake_mutex);
        impl_->woken = true;
    }
    impl_->wake_cv.notify_all();
}

Result<void> SyncWorker::run_round() {
    return impl_->run_round_and_record();
}

SyncProgress SyncWorker::progress() const {
    std::lock_guard lock(impl_->progress_mutex);
    return impl_->progress;
}

bool SyncWorker::clinic_device() const {
    return impl_->clinic_device;
}

}  // namespace medkiosk::storage
