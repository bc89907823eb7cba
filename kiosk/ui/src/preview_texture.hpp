#pragma once

#include <cstdint>
#include <vector>

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

    // A still grey picture beside the preview (the printed line the expiry was read from), uploaded
    // when `key` changes; in video memory only.
    void* picture(std::uint64_t key, int width, int height, const std::vector<std::uint8_t>& grey);

  private:
    unsigned int picture_texture_ = 0;
    std::uint64_t picture_key_ = 0;
    unsigned int texture_ = 0;
    int width_ = 0;
    int height_ = 0;
    std::uint64_t sequence_ = 0;
    bool has_frame_ = false;
};

}  // namespace medkiosk::ui
