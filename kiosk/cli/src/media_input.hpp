#pragma once
// What medkioskctl's scan and ocr share when they read photos and videos from disk: the media libraries
// kept from printing over our messages, and the advice for a path that is not there.

#include <string>
#include <string_view>

namespace medkiosk::cli {

// OpenCV, FFmpeg and GStreamer print their own warnings ("[ WARN:0@0.01] global cap_gstreamer.cpp …",
// "[mjpeg @ 0x…] overread 8", "moov atom not found"): a technician takes them for the answer, and what
// they mean the command already says in its own line. A developer who sets OPENCV_LOG_LEVEL or
// OPENCV_FFMPEG_LOGLEVEL still gets them. Call before the first file is opened.
void quiet_media_libraries();

// libpng and OpenCV's imdecode write straight to stderr on a damaged image ("libpng error: PNG input
// buffer is incomplete", "imdecode_(''): can't read data: …"), past any log level. Only while an image
// is decoded, so our own messages and a crashing helper's still reach the terminal.
class StderrMuted {
  public:
    StderrMuted();
    ~StderrMuted();
    StderrMuted(const StderrMuted&) = delete;
    StderrMuted& operator=(const StderrMuted&) = delete;

  private:
    int saved_;
};

// "no such file: check the path for a typing mistake, …", `what` being "file" or "file or folder".
std::string no_such_path(std::string_view what);

}  // namespace medkiosk::cli
