#include "pg_server.hpp"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <pwd.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <thread>

#include "support/process.hpp"

namespace medkiosk::test {
namespace {

namespace fs = std::filesystem;
constexpr const char* kBin = "/usr/lib/postgresql/15/bin/";
constexpr const char* kTemplate = "hub_template";

int free_tcp_port() {
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    address.sin_port = 0;
    ::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address);
    socklen_t length = sizeof address;
    ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length);
    const int port = ntohs(address.sin_port);
    ::close(fd);
    return port;
}

std::vector<std::string> as_postgres(std::vector<std::string> argv) {
    // initdb and the server refuse to run as root.
    if (::geteuid() != 0) return argv;
    argv.insert(argv.begin(), {"/usr/sbin/runuser", "-u", "postgres", "--"});
    return argv;
}

void check(const ProcessResult& result, const std::string& what) {
    if (result.exit_code != 0) {
        throw std::runtime_error(what + " failed (exit " + std::to_string(result.exit_code) +
                                 "): " + result.out + result.err);
    }
}

}  // namespace

PgServer& PgServer::shared() {
    static std::unique_ptr<PgServer> server;
    if (!server) {
        server = std::make_unique<PgServer>();
        // gtest keeps running after a failed test; the static's destructor stops the server at exit.
    }
    return *server;
}

PgServer::PgServer() {
    char pattern[] = "/tmp/medkiosk-pg-XXXXXX";
    if (!::mkdtemp(pattern)) throw std::runtime_error("mkdtemp failed");
    dir_ = pattern;
    data_ = dir_ / "data";
    if (::geteuid() == 0) {
        const passwd* postgres = ::getpwnam("postgres");
        if (!postgres)
            throw std::runtime_error("no 'postgres' user; install PostgreSQL 15 (deploy/setup.sh)");
        if (::chown(dir_.c_str(), postgres->pw_uid, postgres->pw_gid) != 0)
            throw std::runtime_error("chown failed");
    }
    check(run_process(as_postgres({std::string(kBin) + "initdb", "-N", "-D", data_.string(), "-U", "postgres",
                                   "--auth=trust", "-E", "UTF8", "--locale=C"})),
          "initdb");
    {
        std::ofstream hba(data_ / "pg_hba.conf", std::ios::trunc);
        hba << "local all postgres trust\n"
               "local all all scram-sha-256\n"
               "host all postgres 127.0.0.1/32 trust\n"
               "host all all 127.0.0.1/32 scram-sha-256\n";
        std::ofstream conf(data_ / "postgresql.conf", std::ios::app);
        conf << "ssl = on\nssl_cert_file = 'server.crt'\nssl_key_file = 'server.key'\n";
        conf << "fsync = off\nfull_page_writes = off\nmax_connections = 60\nshared_buffers = 32MB\n"
                "password_encryption = 'scram-sha-256'\nlog_min_messages = warning\n";
    }
    make_certificates();
    port_ = free_tcp_port();
    start();

    // The watchdog stops the server if this process dies without running destructors (a ctest
    // timeout, SIGKILL).
    // It runs as this user (the postgres user may not signal a root test process); only pg_ctl runs
    // as postgres.
    const std::string pg_ctl = ::geteuid() == 0
                                   ? "/usr/sbin/runuser -u postgres -- " + std::string(kBin) + "pg_ctl"
                                   : std::string(kBin) + "pg_ctl";
    const std::string script = "while kill -0 " + std::to_string(::getpid()) +
                               " 2>/dev/null; do sleep 1; done; " + pg_ctl + " -D " + data_.string() +
                               " -m immediate stop >/dev/null 2>&1; " + "rm -rf " + dir_.string();
    const pid_t pid = ::fork();
    if (pid == 0) {
        ::setsid();
        const std::vector<std::string> argv = {"/bin/sh", "-c", script};
        std::vector<char*> c_argv;
        for (const auto& arg : argv) c_argv.push_back(const_cast<char*>(arg.c_str()));
        c_argv.push_back(nullptr);
        ::execv(c_argv[0], c_argv.data());
        ::_exit(127);
    }
    watchdog_pid_ = pid;

    auto session = admin("postgres");
    auto created = session->exec(std::string("CREATE DATABASE ") + kTemplate);
    if (!created) throw std::runtime_error(created.error().message);
    auto hub = admin(kTemplate);
    if (auto s = storage::init_hub(*hub); !s) throw std::runtime_error(s.error().message);
}

PgServer::~PgServer() {
    if (running_) stop("immediate");
    if (watchdog_pid_ > 0) {
        ::kill(-watchdog_pid_, SIGKILL);
        ::kill(watchdog_pid_, SIGKILL);
    }
    std::error_code ec;
    fs::remove_all(dir_, ec);
}

void PgServer::make_certificates() {
    const auto openssl = [](std::vector<std::string> args, const std::string& what) {
        args.insert(args.begin(), "/usr/bin/openssl");
        check(run_process(args), what);
    };
    const std::string dir = dir_.string(), data = data_.string();
    // A CA, a server certificate it signs for 127.0.0.1 and localhost, and an unrelated CA.
    openssl({"req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-days",
             "2", "-subj", "/CN=medkiosk test CA", "-keyout", dir + "/ca.key", "-out", dir + "/ca.crt"},
            "making the test CA");
    openssl(
        {"req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-days", "2",
         "-subj", "/CN=someone else's CA", "-keyout", dir + "/other-ca.key", "-out", dir + "/other-ca.crt"},
        "making the unrelated CA");
    openssl({"req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-subj",
             "/CN=localhost", "-keyout", data + "/server.key", "-out", dir + "/server.csr"},
            "making the server key");
    {
        std::ofstream ext(dir_ / "server.ext");
        ext << "subjectAltName = IP:127.0.0.1, DNS:localhost\n";
    }
    openssl({"x509", "-req", "-in", dir + "/server.csr", "-CA", dir + "/ca.crt", "-CAkey", dir + "/ca.key",
             "-CAcreateserial", "-days", "2", "-extfile", dir + "/server.ext", "-out", data + "/server.crt"},
            "signing the server certificate");
    if (::geteuid() == 0) {
        const passwd* postgres = ::getpwnam("postgres");
        for (const char* name : {"server.key", "server.crt"}) {
            if (::chown((data_ / name).c_str(), postgres->pw_uid, postgres->pw_gid) != 0)
                throw std::runtime_error("chown");
        }
    }
    ::chmod((data_ / "server.key").c_str(), 0600);
}

void PgServer::start() {
    const std::string options =
        std::string("-k ") + dir_.string() + " -c listen_addresses=127.0.0.1 -p " + std::to_string(port_);
    check(run_process(as_postgres({std::string(kBin) + "pg_ctl", "-D", data_.string(), "-o", options, "-l",
                                   (dir_ / "server.log").string(), "-w", "-t", "60", "start"})),
          "pg_ctl start");
    running_ = true;
}

void PgServer::stop(const char* mode) {
    run_process(as_postgres({std::string(kBin) + "pg_ctl", "-D", data_.string(), "-m", mode, "-w", "stop"}));
    running_ = false;
}

void PgServer::kill_postmaster() {
    std::ifstream pid_file(data_ / "postmaster.pid");
    int pid = 0;
    pid_file >> pid;
    if (pid > 0) ::kill(pid, SIGKILL);
    // Children notice the postmaster's death and exit; wait until the socket is gone so a restart works.
    for (int i = 0; i < 100 && ::kill(pid, 0) == 0; ++i)
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    for (int i = 0; i < 200; ++i) {
        auto r = run_process({"/usr/bin/pgrep", "-u", "postgres", "-f", data_.string()});
        if (r.out.empty()) break;
        std::this_thread::sleep_for(std::chrono::milliseconds(25));
    }
    running_ = false;
}

std::string PgServer::log() const {
    std::ifstream in(dir_ / "server.log");
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
}

std::string PgServer::admin_conninfo(const std::string& database) const {
    return std::string("host=") + dir_.string() + " port=" + std::to_string(port_) +
           " user=postgres dbname=" + database;
}

std::string PgServer::role_conninfo(const std::string& database, const std::string& role,
                                    const std::string& password) const {
    return std::string("host=127.0.0.1 port=") + std::to_string(port_) + " user=" + role +
           " password=" + password + std::string(" dbname=") + database + " sslmode=disable";
}

std::unique_ptr<storage::HubSession> PgServer::admin(const std::string& database) const {
    auto session = storage::HubSession::connect(admin_conninfo(database));
    if (!session) throw std::runtime_error(session.error().message);
    return std::move(session).value();
}

std::string PgServer::create_hub_database() {
    const std::string name =
        std::string("hub_") + std::to_string(::getpid()) + "_" + std::to_string(++database_counter_);
    auto session = admin("postgres");
    auto created = session->exec(std::string("CREATE DATABASE ") + name + " TEMPLATE " + kTemplate);
    if (!created) throw std::runtime_error(created.error().message);
    // A clone carries the template's schema but not its database privileges (PUBLIC has TEMPORARY
    // again), exactly as after a restore: apply the schema again, as the README says to.
    auto hub = admin(name);
    if (auto s = storage::init_hub(*hub); !s) throw std::runtime_error(s.error().message);
    return name;
}

std::string PgServer::scalar(const std::string& database, const std::string& sql) const {
    auto rows = admin(database)->query(sql);
    if (!rows) {
        ADD_FAILURE() << sql << ": " << rows.error().message;
        return {};
    }
    if (rows.value().empty() || rows.value().front().empty()) return {};
    return rows.value().front().front().value_or("");
}

std::string unique_kiosk_id(const std::string& stem) {
    static std::atomic<int> counter{0};
    return stem + "-" + std::to_string(::getpid()) + "-" + std::to_string(++counter);
}

}  // namespace medkiosk::test
