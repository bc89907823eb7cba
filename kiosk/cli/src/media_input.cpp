#include "media_input.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cstdlib>
#include <opencv2/core/utils/logger.hpp>

namespace medkiosk::cli {

void quiet_media_libraries() {
    if (!std::getenv("OPENCV_LOG_LEVEL"))
        cv::utils::logging::setLogLevel(cv::utils::logging::LOG_LEVEL_SILENT);
    ::setenv("OPENCV_FFMPEG_LOGLEVEL", "-8", 0);  // AV_LOG_QUIET; read when FFmpeg is first opened
}

StderrMuted::StderrMuted() : saved_(::fcntl(STDERR_FILENO, F_DUPFD_CLOEXEC, 0)) {
    const int null = ::open("/dev/null", O_WRONLY | O_CLOEXEC);
    if (saved_ >= 0 && null >= 0) ::dup2(null, STDERR_FILENO);
    if (null >= 0) ::close(null);
}

StderrMuted::~StderrMuted() {
    if (saved_ < 0) return;
    ::dup2(saved_, STDERR_FILENO);
    ::close(saved_);
}

std::string no_such_path(std::string_view what) {
    std::string message = "no such ";
    message += what;
    message += ": check the path for a typing mistake, or that the USB drive or share it is on is mounted";
    return message;
}

}  // namespace medkiosk::cli
