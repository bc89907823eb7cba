#pragma once
// How the kiosk is asked to stop: SIGTERM (systemd), SIGINT (Ctrl-C) and SIGHUP (the terminal or SSH
// session that started it went away) all mean a clean stop, which drains the queues and logs
// event=stopped; the kiosk has no reload (a technician's restart is a stop too, and systemd's
// Restart=always starts it again). main installs the handlers before anything else, so a signal during
// start-up (before the window exists) is a stop request too, never the default death.

namespace medkiosk::kiosk {

void install_stop_signal_handlers();
// Async-signal-safe; also the technician's restart.
void request_stop(int signal_number = 0);
bool stop_requested();
// The signal that asked for the stop (SIGTERM, SIGINT, SIGHUP), 0 for none or a request in the code.
int stop_signal();

}  // namespace medkiosk::kiosk
