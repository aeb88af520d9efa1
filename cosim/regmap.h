/* regmap.h - the accelerator's AXI4-Lite register map as the harness sees it
 * (docs/rtl.md, "Register map"): register offsets, the ID value, the bits of
 * CTRL and STATUS, the ERR_CODE values and the AXI response codes.  The one C
 * copy of rtl/acc_defs.svh's ACC_REG_*, ACC_ID_VALUE, ACC_ERR_* and ACC_RESP_*
 * (same names, same values) and of the CTRL and STATUS bits that
 * rtl/acc_regs.sv assigns; tests/test_regmap.c checks every value below
 * against those two files.
 *
 * Macros and enumerations only, so C and C++ (cosim/systemc/) include it
 * alike and nothing needs linking. */
#ifndef ACC_COSIM_REGMAP_H
#define ACC_COSIM_REGMAP_H

/* X(NAME, offset) for every register, in address order: the list the enum
 * below and the test are made from.  32-bit registers, byte offsets. */
#define ACC_REGMAP_REGS(X)                                                                         \
    X(CTRL, 0x00)                                                                                  \
    X(STATUS, 0x04)                                                                                \
    X(ERR_CODE, 0x08)                                                                              \
    X(ERR_INDEX, 0x0C)                                                                             \
    X(PROG_ADDR, 0x10)                                                                             \
    X(PROG_LEN, 0x14)                                                                              \
    X(CYCLES_LO, 0x18)                                                                             \
    X(CYCLES_HI, 0x1C)                                                                             \
    X(BUSY_LD, 0x20)                                                                               \
    X(BUSY_CP, 0x24)                                                                               \
    X(BUSY_ST, 0x28)                                                                               \
    X(RETIRED, 0x2C)                                                                               \
    X(ID, 0x30)                                                                                    \
    X(HWCFG, 0x34)                                                                                 \
    X(SPAD_BYTES, 0x38)

/* ACC_REG_CTRL = 0x00, ..., ACC_REG_SPAD_BYTES = 0x38. */
enum acc_reg {
#define ACC_REGMAP_ENUM_(name, offset) ACC_REG_##name = (offset),
    ACC_REGMAP_REGS(ACC_REGMAP_ENUM_)
#undef ACC_REGMAP_ENUM_
};

/* What the ID register reads. */
#define ACC_ID_VALUE 0xACC00001u

/* CTRL: writing this bit starts a run (ignored while busy). */
#define ACC_CTRL_START (1u << 0)

/* STATUS bits.  A start clears done and error. */
#define ACC_STATUS_BUSY (1u << 0)
#define ACC_STATUS_DONE (1u << 1)
#define ACC_STATUS_ERROR (1u << 2)

/* X(NAME, code) for every value of ERR_CODE (docs/isa.md, "Errors"). */
#define ACC_REGMAP_ERRORS(X)                                                                       \
    X(NONE, 0)                                                                                     \
    X(ILLEGAL, 1)                                                                                  \
    X(SPAD_RANGE, 2)                                                                               \
    X(DEADLOCK, 3)                                                                                 \
    X(AXI, 4)                                                                                      \
    X(NO_END, 5)                                                                                   \
    X(SPAD_RACE, 6)

/* ACC_ERR_NONE = 0, ..., ACC_ERR_SPAD_RACE = 6. */
enum acc_err_code {
#define ACC_REGMAP_ENUM_(name, code) ACC_ERR_##name = (code),
    ACC_REGMAP_ERRORS(ACC_REGMAP_ENUM_)
#undef ACC_REGMAP_ENUM_
};

/* AXI response codes (BRESP, RRESP) on every port. */
#define ACC_RESP_OKAY 0u
#define ACC_RESP_SLVERR 2u

#endif
