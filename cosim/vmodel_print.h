/* vmodel_print.h - where the Verilated model's printing goes.  The rtl
 * builds (mk/rtl.mk) compile the Verilated model, Verilator's runtime and
 * cosim/vmodel.cpp with -DVL_PRINTF=acc_vm_printf and this header forced in
 * (-include), so every message of the model (a failed assertion, $stop,
 * $display) reaches acc_vm_printf instead of printf.  C and C++ alike. */
#ifndef ACC_COSIM_VMODEL_PRINT_H
#define ACC_COSIM_VMODEL_PRINT_H

#ifdef __cplusplus
extern "C" {
#endif

/* printf's contract (returns the characters printed, or a negative value):
 * prints to stdout, as Verilator's default does, and keeps the text for the
 * model being evaluated on this thread (acc_vm_printed, cosim/vmodel.h).
 * Defined in cosim/vmodel.cpp. */
int acc_vm_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#ifdef __cplusplus
}

#include <algorithm>
#include <cstdarg>
#include <cstdio>
#include <string>
#include <vector>

/* The body of both builds' acc_vm_printf (cosim/vmodel.cpp for the rtl
 * builds, cosim/systemc/sc_backend.cpp for the SystemC one): formats like
 * vprintf, prints to stdout and, when kept is not NULL, appends the text to
 * *kept up to max bytes in all (a cut text ends in "...\n").  Returns
 * printf's value. */
inline int acc_vm_vprint(std::string *kept, std::size_t max, const char *fmt, va_list ap)
{
    va_list aq;
    va_copy(aq, ap);
    const int n = std::vsnprintf(nullptr, 0, fmt, aq);
    va_end(aq);
    if (n < 0)
        return n;
    std::vector<char> text(static_cast<std::size_t>(n) + 1);
    std::vsnprintf(text.data(), text.size(), fmt, ap);
    std::fputs(text.data(), stdout);
    if (kept && kept->size() < max) {
        kept->append(text.data(),
                     std::min<std::size_t>(static_cast<std::size_t>(n), max - kept->size()));
        if (kept->size() == max)
            kept->replace(kept->size() - 4, 4, "...\n");
    }
    return n;
}
#endif
#endif
