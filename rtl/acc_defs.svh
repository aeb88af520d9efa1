// acc_defs.svh - constants shared by every module of the accelerator:
// opcodes, error codes, register offsets and the bit positions of the
// instruction fields (docs/isa.md; core/isa.c holds the same table).
//
// Yosys 0.23 does not read SystemVerilog packages, so the constants are
// macros.  A field macro expands to a bit range, e.g. instr[`ACC_F_N0].
`ifndef ACC_DEFS_SVH
`define ACC_DEFS_SVH

// ---------------------------------------------------------------- opcodes
`define ACC_OP_LOAD     4'd1
`define ACC_OP_STORE    4'd2
`define ACC_OP_COMPUTE  4'd3
`define ACC_OP_END      4'd4

// ---------------------------------------------------------------- errors
`define ACC_ERR_NONE       3'd0
`define ACC_ERR_ILLEGAL    3'd1  // opcode, flag, reserved bit or field range
`define ACC_ERR_SPAD_RANGE 3'd2  // an operand reaches past the scratchpad
`define ACC_ERR_DEADLOCK   3'd3  // a wait no earlier instruction can satisfy
`define ACC_ERR_AXI        3'd4  // SLVERR/DECERR on fetch or data
`define ACC_ERR_NO_END     3'd5  // PROG_LEN ran out before END
`define ACC_ERR_SPAD_RACE  3'd6  // LOAD and COMPUTE write one byte in one cycle

// ---------------------------------------------------------------- registers
// AXI4-Lite byte offsets (32-bit registers).
`define ACC_REG_CTRL       8'h00
`define ACC_REG_STATUS     8'h04
`define ACC_REG_ERR_CODE   8'h08
`define ACC_REG_ERR_INDEX  8'h0C
`define ACC_REG_PROG_ADDR  8'h10
`define ACC_REG_PROG_LEN   8'h14
`define ACC_REG_CYCLES_LO  8'h18
`define ACC_REG_CYCLES_HI  8'h1C
`define ACC_REG_BUSY_LD    8'h20
`define ACC_REG_BUSY_CP    8'h24
`define ACC_REG_BUSY_ST    8'h28
`define ACC_REG_RETIRED    8'h2C
`define ACC_REG_ID         8'h30
`define ACC_REG_HWCFG      8'h34
`define ACC_REG_SPAD_BYTES 8'h38
`define ACC_ID_VALUE       32'hACC00001

// AXI response codes.
`define ACC_RESP_OKAY   2'b00
`define ACC_RESP_SLVERR 2'b10
`define ACC_BURST_INCR  2'b01

// Internal scratchpad byte-address width.  Instruction fields are 20 bits;
// four more bits let address arithmetic of masked (padding) lanes wrap
// harmlessly modulo 2^24 while every used address stays exact.
`define ACC_SAW 24

// ---------------------------------------------------------------- fields
// Common header.
`define ACC_F_OPCODE   3:0
`define ACC_F_FLAGS    7:4
`define ACC_F_ACC      4
`define ACC_F_FLAT     5
`define ACC_F_WAIT_LD  27:8
`define ACC_F_WAIT_CP  47:28
`define ACC_F_WAIT_ST  67:48

// LOAD / STORE.
`define ACC_F_DMA_RSVD 79:68
`define ACC_F_DRAM     111:80
`define ACC_F_SPAD     131:112
`define ACC_F_N0       143:132
`define ACC_F_N1       155:144
`define ACC_F_N2       167:156
`define ACC_F_DRAM_S1  191:168
`define ACC_F_DRAM_S2  215:192
`define ACC_F_SPAD_S1  235:216
`define ACC_F_SPAD_S2  255:236

// COMPUTE.
`define ACC_F_SH       70:68
`define ACC_F_SW       73:71
`define ACC_F_DH       76:74
`define ACC_F_DW       79:77
`define ACC_F_ACT      99:80
`define ACC_F_WGT      119:100
`define ACC_F_OUT      139:120
`define ACC_F_FH       143:140
`define ACC_F_FW       147:144
`define ACC_F_TC       159:148
`define ACC_F_TK       171:160
`define ACC_F_TH       181:172
`define ACC_F_TW       191:182
`define ACC_F_ACT_PH   201:192
`define ACC_F_ACT_PC   221:202
`define ACC_F_VH       231:222
`define ACC_F_VW       241:232
`define ACC_F_PTOP     245:242
`define ACC_F_PLEFT    249:246
`define ACC_F_CP_RSVD  255:250

// END.
`define ACC_F_END_RSVD 255:68

`endif  // ACC_DEFS_SVH
