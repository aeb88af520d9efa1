/* vpins.hpp - byte conversions of a Verilated model's pins, for every width
 * Verilator may give a port: 8/16/32/64-bit scalars (CData .. QData) or
 * VlWide for wider buses.  Bytes are little-endian, lane i in bits
 * 8i+7 .. 8i.  Used by the harness (cosim/vmodel.cpp) and the array test
 * bench (tests/rtl/array/array_tb.cpp). */
#ifndef ACC_VPINS_HPP
#define ACC_VPINS_HPP

#include <cstddef>
#include <cstdint>

#include "verilated.h"

/* dst = the n bytes at src (bytes past a scalar's width are dropped, a
 * VlWide's words past n bytes are zero). */
template <typename T> static inline void acc_put_bytes(T &dst, const uint8_t *src, int n)
{
    uint64_t v = 0;
    for (int i = 0; i < n && i < 8; i++)
        v |= static_cast<uint64_t>(src[i]) << (8 * i);
    dst = static_cast<T>(v);
}
template <std::size_t N> static inline void acc_put_bytes(VlWide<N> &dst, const uint8_t *src, int n)
{
    for (std::size_t w = 0; w < N; w++) {
        uint32_t v = 0;
        for (int b = 0; b < 4; b++) {
            int i = static_cast<int>(w) * 4 + b;
            if (i < n)
                v |= static_cast<uint32_t>(src[i]) << (8 * b);
        }
        dst[w] = v;
    }
}

/* The n bytes of src into dst (bytes past a scalar's width read zero). */
template <typename T> static inline void acc_get_bytes(const T &src, uint8_t *dst, int n)
{
    uint64_t v = static_cast<uint64_t>(src);
    for (int i = 0; i < n; i++)
        dst[i] = i < 8 ? static_cast<uint8_t>(v >> (8 * i)) : 0;
}
template <std::size_t N> static inline void acc_get_bytes(const VlWide<N> &src, uint8_t *dst, int n)
{
    for (int i = 0; i < n; i++)
        dst[i] = static_cast<uint8_t>(src[i / 4] >> (8 * (i % 4)));
}

#endif
