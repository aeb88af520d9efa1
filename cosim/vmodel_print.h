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
#endif
#endif
