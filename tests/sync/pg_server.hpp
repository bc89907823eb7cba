#pragma once
// A real PostgreSQL 15 server for tests: initdb in a temporary directory owned by the postgres user,
// listening on a Unix socket in that directory and on 127.0.0.1 (a free port). One server per test
// process (PgServer::shared()); each test takes a fresh database cloned from a template that already
// holds the hub schema. Stopped at exit, and by a watchdog if the test process is killed.

#include <filesystem>
#include <memory>
#include <string>

#include "medkiosk/storage/sync.hpp"

namespace medkiosk::test {

class PgServer {
  public:
    // The process-wide server, started on first use. Fails the calling test when it cannot start.
    static PgServer& shared();

    PgServer();
    ~PgServer();
    PgServer(const PgServer&) = delete;
    PgServer& operator=(const PgServer&) = delete;

    const std::filesystem::path& socket_dir() const { return dir_; }
    int port() const { return port_; }
    // The server speaks TLS on 127.0.0.1 with a certificate for 127.0.0.1/localhost signed by
    // ca_file(); other_ca_file() is an unrelated CA a wrong configuration might name.
    std::filesystem::path ca_file() const { return dir_ / "ca.crt"; }
    std::filesystem::path other_ca_file() const { return dir_ / "other-ca.crt"; }

    // A new database with the hub schema applied (cloned from a template, then the schema applied again
    // for the database's own privileges, which a clone does not carry; ~0.2 s).
    std::string create_hub_database();
    // Connection strings: the superuser over the Unix socket; a role with a password over TCP, so
    // SCRAM authentication is really exercised.
    std::string admin_conninfo(const std::string& database) const;
    std::string role_conninfo(const std::string& database, const std::string& role,
                              const std::string& password) const;

    std::unique_ptr<storage::HubSession> admin(const std::string& database) const;
    // First column of the first row as text ("" when none); fails the test on an SQL error.
    std::string scalar(const std::string& database, const std::string& sql) const;

    void stop(const char* mode = "fast");  // pg_ctl stop -m MODE
    void kill_postmaster();                // SIGKILL, as a crash
    void start();
    bool running() const { return running_; }
    std::string log() const;

  private:
    void make_certificates();
    std::filesystem::path dir_;
    std::filesystem::path data_;
    int port_ = 0;
    bool running_ = false;
    int database_counter_ = 0;
    int watchdog_pid_ = -1;
};

// A unique kiosk id per test (roles are cluster-wide; databases are not).
std::string unique_kiosk_id(const std::string& stem);

}  // namespace medkiosk::test
