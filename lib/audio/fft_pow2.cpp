#include "audio/fft_pow2.h"

#include <cmath>
#include <cstddef>
#include <string>

#include "audio/error.h"

namespace genrec {
namespace {

// Radix-4 butterflies of n independent transforms laid out as rows of n contiguous values,
// one twiddle set shared by the whole row.
void butterfly_rows(int n, const float* __restrict ar_row, const float* __restrict ai_row,
                    const float* __restrict br_row, const float* __restrict bi_row,
                    const float* __restrict cr_row, const float* __restrict ci_row,
                    const float* __restrict dr_row, const float* __restrict di_row, float c1r,
                    float c1i, float c2r, float c2i, float c3r, float c3i, float* __restrict y0r,
                    float* __restrict y0i, float* __restrict y1r, float* __restrict y1i,
                    float* __restrict y2r, float* __restrict y2i, float* __restrict y3r,
                    float* __restrict y3i) {
  for (int q = 0; q < n; ++q) {
    const float ar = ar_row[q], ai = ai_row[q], br = br_row[q], bi = bi_row[q];
    const float cr = cr_row[q], ci = ci_row[q], dr = dr_row[q], di = di_row[q];
    const float apcr = ar + cr, apci = ai + ci, amcr = ar - cr, amci = ai - ci;
    const float bpdr = br + dr, bpdi = bi + di, bmdr = br - dr, bmdi = bi - di;
    const float t1r = amcr + bmdi, t1i = amci - bmdr;
    const float t3r = amcr - bmdi, t3i = amci + bmdr;
    const float t2r = apcr - bpdr, t2i = apci - bpdi;
    y0r[q] = apcr + bpdr;
    y0i[q] = apci + bpdi;
    y1r[q] = c1r * t1r - c1i * t1i;
    y1i[q] = c1r * t1i + c1i * t1r;
    y2r[q] = c2r * t2r - c2i * t2i;
    y2i[q] = c2r * t2i + c2i * t2r;
    y3r[q] = c3r * t3r - c3i * t3i;
    y3i[q] = c3r * t3i + c3i * t3r;
  }
}

// One Stockham decimation-in-frequency radix-4 pass (Van Loan, "Computational Frameworks for
// the FFT", sec. 1.7): x holds `stride` interleaved sequences of length len; the pass writes
// their len/4-point sub-problems, already in output order, to y.
void radix4_pass(int len, int stride, const float* w1r, const float* w1i, const float* w2r,
                 const float* w2i, const float* w3r, const float* w3i, const float* __restrict xr,
                 const float* __restrict xi, float* __restrict yr, float* __restrict yi) {
  const int q4 = len / 4;
  const int s = stride;
  if (s == 1) {
    // First pass: walk p so the loads are contiguous.
    for (int p = 0; p < q4; ++p) {
      const float ar = xr[p], ai = xi[p];
      const float br = xr[p + q4], bi = xi[p + q4];
      const float cr = xr[p + 2 * q4], ci = xi[p + 2 * q4];
      const float dr = xr[p + 3 * q4], di = xi[p + 3 * q4];
      const float apcr = ar + cr, apci = ai + ci, amcr = ar - cr, amci = ai - ci;
      const float bpdr = br + dr, bpdi = bi + di, bmdr = br - dr, bmdi = bi - di;
      // t1 = (a - c) - i(b - d), t3 = (a - c) + i(b - d), t2 = (a + c) - (b + d)
      const float t1r = amcr + bmdi, t1i = amci - bmdr;
      const float t3r = amcr - bmdi, t3i = amci + bmdr;
      const float t2r = apcr - bpdr, t2i = apci - bpdi;
      yr[4 * p] = apcr + bpdr;
      yi[4 * p] = apci + bpdi;
      yr[4 * p + 1] = w1r[p] * t1r - w1i[p] * t1i;
      yi[4 * p + 1] = w1r[p] * t1i + w1i[p] * t1r;
      yr[4 * p + 2] = w2r[p] * t2r - w2i[p] * t2i;
      yi[4 * p + 2] = w2r[p] * t2i + w2i[p] * t2r;
      yr[4 * p + 3] = w3r[p] * t3r - w3i[p] * t3i;
      yi[4 * p + 3] = w3r[p] * t3i + w3i[p] * t3r;
    }
    return;
  }
  const std::ptrdiff_t sq = static_cast<std::ptrdiff_t>(s) * q4;
  for (int p = 0; p < q4; ++p) {
    const float c1r = w1r[p], c1i = w1i[p], c2r = w2r[p], c2i = w2i[p], c3r = w3r[p], c3i = w3i[p];
    // Rows of s contiguous values: inputs p, p + len/4, ...; outputs 4p, 4p + 1, ...
    const float* __restrict ar_row = xr + static_cast<std::ptrdiff_t>(s) * p;
    const float* __restrict ai_row = xi + static_cast<std::ptrdiff_t>(s) * p;
    const float* __restrict br_row = ar_row + sq;
    const float* __restrict bi_row = ai_row + sq;
    const float* __restrict cr_row = br_row + sq;
    const float* __restrict ci_row = bi_row + sq;
    const float* __restrict dr_row = cr_row + sq;
    const float* __restrict di_row = ci_row + sq;
    float* __restrict y0r = yr + static_cast<std::ptrdiff_t>(s) * 4 * p;
    float* __restrict y0i = yi + static_cast<std::ptrdiff_t>(s) * 4 * p;
    float* __restrict y1r = y0r + s;
    float* __restrict y1i = y0i + s;
    float* __restrict y2r = y1r + s;
    float* __restrict y2i = y1i + s;
    float* __restrict y3r = y2r + s;
    float* __restrict y3i = y2i + s;
    butterfly_rows(s, ar_row, ai_row, br_row, bi_row, cr_row, ci_row, dr_row, di_row, c1r, c1i, c2r,
                   c2i, c3r, c3i, y0r, y0i, y1r, y1i, y2r, y2i, y3r, y3i);
  }
}

// The last pass when log2 of the complex size is odd: 2-point transforms, no twiddles.
void radix2_pass(int stride, const float* __restrict xr, const float* __restrict xi,
                 float* __restrict yr, float* __restrict yi) {
  for (int q = 0; q < stride; ++q) {
    const float ar = xr[q], ai = xi[q], br = xr[q + stride], bi = xi[q + stride];
    yr[q] = ar + br;
    yi[q] = ai + bi;
    yr[q + stride] = ar - br;
    yi[q + stride] = ai - bi;
  }
}

}  // namespace

bool Pow2RealFft::supports(int n) { return n >= 4 && (n & (n - 1)) == 0; }

Pow2RealFft::Pow2RealFft(int n) : n_(n), m_(n / 2) {
  if (!supports(n)) throw Error("fft", "size " + std::to_string(n), "not a power of two >= 4");
  int len = m_, stride = 1;
  while (len >= 4) {
    Stage st;
    st.len = len;
    st.stride = stride;
    for (int p = 0; p < len / 4; ++p) {
      const double a = -2.0 * M_PI * p / len;
      st.w1r.push_back(static_cast<float>(std::cos(a)));
      st.w1i.push_back(static_cast<float>(std::sin(a)));
      st.w2r.push_back(static_cast<float>(std::cos(2 * a)));
      st.w2i.push_back(static_cast<float>(std::sin(2 * a)));
      st.w3r.push_back(static_cast<float>(std::cos(3 * a)));
      st.w3i.push_back(static_cast<float>(std::sin(3 * a)));
    }
    stages_.push_back(std::move(st));
    len /= 4;
    stride *= 4;
  }
  radix2_last_ = len == 2;
  post_r_.resize(static_cast<std::size_t>(m_) + 1);
  post_i_.resize(static_cast<std::size_t>(m_) + 1);
  for (int k = 0; k <= m_; ++k) {
    const double a = -2.0 * M_PI * k / n_;
    post_r_[k] = static_cast<float>(std::cos(a));
    post_i_[k] = static_cast<float>(std::sin(a));
  }
  for (auto* v : {&ar_, &ai_, &br_, &bi_}) v->resize(static_cast<std::size_t>(m_));
}

void Pow2RealFft::forward(const float* in, std::complex<float>* out) {
  // z[j] = x[2j] + i x[2j+1]: one m-point complex FFT gives the n-point real one.
  float* xr = ar_.data();
  float* xi = ai_.data();
  float* yr = br_.data();
  float* yi = bi_.data();
  for (int j = 0; j < m_; ++j) {
    xr[j] = in[2 * j];
    xi[j] = in[2 * j + 1];
  }
  for (const Stage& st : stages_) {
    radix4_pass(st.len, st.stride, st.w1r.data(), st.w1i.data(), st.w2r.data(), st.w2i.data(),
                st.w3r.data(), st.w3i.data(), xr, xi, yr, yi);
    std::swap(xr, yr);
    std::swap(xi, yi);
  }
  if (radix2_last_) {
    radix2_pass(m_ / 2, xr, xi, yr, yi);
    std::swap(xr, yr);
    std::swap(xi, yi);
  }
  // Split Z into the transforms of the even and odd samples, E = (Z[k] + conj Z[m-k]) / 2 and
  // O = (Z[k] - conj Z[m-k]) / 2i, then X[k] = E + exp(-2 pi i k / n) O.
  float* o = reinterpret_cast<float*>(out);  // std::complex<float> is {re, im}
  o[0] = xr[0] + xi[0];
  o[1] = 0.0f;
  o[2 * m_] = xr[0] - xi[0];
  o[2 * m_ + 1] = 0.0f;
  for (int k = 1; k < m_; ++k) {
    const float zr = xr[k], zi = xi[k], cr = xr[m_ - k], ci = -xi[m_ - k];
    const float er = 0.5f * (zr + cr), ei = 0.5f * (zi + ci);
    const float odr = 0.5f * (zi - ci), odi = -0.5f * (zr - cr);
    o[2 * k] = er + post_r_[k] * odr - post_i_[k] * odi;
    o[2 * k + 1] = ei + post_r_[k] * odi + post_i_[k] * odr;
  }
}

}  // namespace genrec
