#pragma once

#include <cstdint>

#include "medkiosk/scanner/frame.hpp"

namespace medkiosk::ui {

// An OpenGL texture that shows the newest camera frame; uploads only when the frame changed.
class PreviewTexture {
  public:
    PreviewTexture() = default;
    ~PreviewTexture();
    PreviewTexture(const PreviewTexture&) = delete;
    PreviewTexture& operator=(const PreviewTexture&) = delete;

    void update(const scanner::FramePtr& frame);
    void* id() const;  // ImTextureID, null before the first frame
    int width() const { return width_; }
    int height() const { return height_; }

  private:
    unsigned int texture_ = 0;
    int width_ = 0;
    int height_ = 0;
    std::uint64_t sequence_ = 0;
    bool has_frame_ = false;
};

}  // namespace medkiosk::ui
