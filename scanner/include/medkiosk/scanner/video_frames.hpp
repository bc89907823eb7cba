#pragma once
// Reading a video file past frames that cannot be decoded. OpenCV's VideoCapture answers "no frame"
// alike for a frame whose data is damaged and for the end of the file, and the next read after a
// damaged frame goes on with the frame after it. Ending the reading at the first such answer lost every
// code after a damaged stretch in the middle of a recording and called the file cut short; reading on
// regardless never ends at the end of a file. So reads that fail are tried again, but only so many in
// a row, and the frames passed over are counted and named.

#include <string>
#include <utility>
#include <vector>

namespace medkiosk::scanner {

// Failed reads in a row after which the video is taken to end there: 2 seconds at 25 frames a second.
// A damaged stretch longer than this reads as the end of the file (and is reported as cut short when
// the file declares more frames); a read at the real end fails at once, so the tries cost nothing.
inline constexpr int kMaxUndecodableFramesInARow = 50;

class VideoFrameTally {
  public:
    // A frame was read: returns its index in the file from 0. `position_ms` is OpenCV's
    // CAP_PROP_POS_MSEC after the read (the frame's own timestamp, 0 when it has none) and `fps` the
    // file's frame rate. Until a read fails, frames are counted. After one, the timestamp gives the
    // index when it can: an inter-frame codec (H.264, MPEG-4) loses more frames than reads fail
    // (reads that fail consume several packets, and frames up to the next key frame are dropped
    // silently), so counting numbered every later frame too early and called a whole file cut short.
    // The frames between two timestamps are those passed over; a frame the decoder returns late, after
    // damage, keeps its own index and passes nothing over. Without a timestamp, failed reads are
    // counted as one frame each.
    long long decoded(double position_ms = 0, double fps = 0);
    // A read gave no frame: true to try the next one, false once kMaxUndecodableFramesInARow reads in
    // a row gave none (the end of the file, or damage beyond use from the last frame read on).
    bool undecodable();
    // The index after the last frame read: the frames reached, those passed over included.
    long long frames() const { return frames_; }
    long long frames_passed_over() const;
    // "3 frames could not be decoded and were passed over (frames 99-101) …", or empty. Failed reads
    // after the last frame read are the end of the file, not frames passed over.
    std::string passed_over_message() const;
    // Another pass over the file (a looping video) starts from frame 0.
    void restart();
    // Why no frame at all was read, to follow "video has no readable frames: ". Taking the file for cut
    // short at frame -1 said nothing true: when it declares more frames than the reads tried, its start
    // is damaged and reading stopped there; otherwise it is damaged or empty.
    static std::string no_frames_reason(double frames_declared);

  private:
    std::vector<std::pair<long long, long long>> passed_over_;  // first and last frame of each stretch
    long long frames_ = 0;
    int failed_in_a_row_ = 0;
    bool failed_before_ = false;  // a read failed in this pass: timestamps number the frames
};

}  // namespace medkiosk::scanner
