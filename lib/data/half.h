#pragma once
// IEEE 754 binary16 ("float16") conversions for compact feature caches. Own code:
// round-to-nearest-even, subnormals kept, overflow to +-inf, NaN stays NaN.
#include <cstddef>
#include <cstdint>

namespace genrec {

// float -> binary16 bits, e.g. 1.0f -> 0x3C00, 65504.0f -> 0x7BFF, 65520.0f -> 0x7C00 (inf).
std::uint16_t float_to_half(float value);
// binary16 bits -> float (exact).
float half_to_float(std::uint16_t bits);

// Array forms.
void floats_to_halves(const float* in, std::size_t n, std::uint16_t* out);
void halves_to_floats(const std::uint16_t* in, std::size_t n, float* out);

}  // namespace genrec
