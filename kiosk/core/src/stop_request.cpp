#include "medkiosk/kiosk/stop_request.hpp"

#include <signal.h>

#include <csignal>
#include <initializer_list>

namespace medkiosk::kiosk {
namespace {

volatile std::sig_atomic_t g_stop_requested = 0;
volatile std::sig_atomic_t g_stop_signal = 0;

extern "C" void on_stop_signal(int signal_number) {
    g_stop_signal = signal_number;
    g_stop_requested = 1;
}

}  // namespace

void install_stop_signal_handlers() {
    struct sigaction action {};
    action.sa_handler = on_stop_signal;
    sigemptyset(&action.sa_mask);
    // SA_RESTART: a system call the signal interrupts (a read in a library, the window's event wait)
    // goes on; the loop sees the flag at its next turn (at most half a second later).
    action.sa_flags = SA_RESTART;
    for (int signal_number : {SIGTERM, SIGINT, SIGHUP}) sigaction(signal_number, &action, nullptr);
}

void request_stop(int signal_number) {
    if (signal_number != 0) g_stop_signal = signal_number;
    g_stop_requested = 1;
}

bool stop_requested() {
    return g_stop_requested != 0;
}

int stop_signal() {
    return g_stop_signal;
}

}  // namespace medkiosk::kiosk
