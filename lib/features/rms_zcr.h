#pragma once
// Time-domain frame features of librosa < 0.9: RMS energy and zero-crossing rate.
// Frames are centred (center=True): n samples give 1 + n / hop_length frames.
#include <cstddef>
#include <vector>

namespace genrec {

// Root-mean-square of each frame of y after reflect padding by frame_length/2 (no window).
// ref: librosa.feature.rms(y, frame_length=2048, hop_length=512, center=True, pad_mode="reflect")
std::vector<double> rms(const float* y, std::size_t n, int frame_length = 2048,
                        int hop_length = 512);
// The same on an already padded signal: frame t is padded[t * hop_length, + frame_length).
std::vector<double> rms_frames(const float* padded, std::size_t n_frames, int frame_length,
                               int hop_length);

// Fraction of sign changes per frame after edge padding by frame_length/2; |y| <= 1e-10 counts
// as zero and zero as positive. ref: librosa.feature.zero_crossing_rate (center=True,
// np.pad mode="edge") over librosa.zero_crossings(threshold=1e-10, zero_pos=True, pad=False)
std::vector<double> zero_crossing_rate(const float* y, std::size_t n, int frame_length = 2048,
                                       int hop_length = 512);
// The same on an already edge-padded signal: frame t is padded[t * hop_length, + frame_length).
std::vector<double> zero_crossing_rate_frames(const float* padded, std::size_t n_frames,
                                              int frame_length, int hop_length);

}  // namespace genrec
