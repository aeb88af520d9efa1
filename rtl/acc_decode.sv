// acc_decode - combinational checks of the instruction at the head of the
// fetch queue: legality (docs/isa.md, the same rules as acc_instr_check /
// acc_decode in core/isa.c) and the scratchpad hulls of its operands
// (acc_instr_spad_ranges: every [lo, hi) must end at or below SpadBytes).
`include "acc_defs.svh"
module acc_decode #(
  parameter int unsigned SpadBytes = 65536
) (
  input  logic [255:0] instr_i,
  output logic [3:0]   op_o,
  output logic         legal_o,     // opcode, flags, reserved bits, field ranges
  output logic         in_spad_o    // every operand inside the scratchpad
);

  localparam logic [39:0] Limit = 40'(SpadBytes);

  logic [3:0]  op;
  logic [3:0]  flags;
  logic        legal;
  logic [39:0] dma_hi, act_hi, wgt_hi, out_hi;
  logic        in_spad;

  always_comb begin
    op    = instr_i[`ACC_F_OPCODE];
    flags = instr_i[`ACC_F_FLAGS];
    legal = 1'b0;
    case (op)
      `ACC_OP_LOAD, `ACC_OP_STORE: begin
        legal = (flags == 4'd0) && (instr_i[`ACC_F_DMA_RSVD] == '0)
                && (instr_i[`ACC_F_N0] != '0) && (instr_i[`ACC_F_N1] != '0)
                && (instr_i[`ACC_F_N2] != '0);
      end
      `ACC_OP_COMPUTE: begin
        legal = (flags[3:1] == 3'd0) && (instr_i[`ACC_F_CP_RSVD] == '0)
                && (instr_i[`ACC_F_SH] != '0) && (instr_i[`ACC_F_SW] != '0)
                && (instr_i[`ACC_F_DH] != '0) && (instr_i[`ACC_F_DW] != '0)
                && (instr_i[`ACC_F_FH] != '0) && (instr_i[`ACC_F_FW] != '0)
                && (instr_i[`ACC_F_TC] != '0) && (instr_i[`ACC_F_TK] != '0)
                && (instr_i[`ACC_F_TH] != '0) && (instr_i[`ACC_F_TW] != '0)
                && (instr_i[`ACC_F_VH] != '0) && (instr_i[`ACC_F_VW] != '0)
                && (instr_i[`ACC_F_ACT_PH] >= instr_i[`ACC_F_VW])
                && ((instr_i[`ACC_F_TC] == 12'd1)
                    || (32'(instr_i[`ACC_F_ACT_PC])
                        >= 32'(instr_i[`ACC_F_ACT_PH]) * (32'(instr_i[`ACC_F_VH]) - 32'd1)
                           + 32'(instr_i[`ACC_F_VW])));
      end
      `ACC_OP_END: begin
        legal = (flags == 4'd0) && (instr_i[`ACC_F_END_RSVD] == '0);
      end
      default: legal = 1'b0;
    endcase
  end

  // Operand hulls; only meaningful (and only used) for a legal instruction.
  always_comb begin
    dma_hi = 40'(instr_i[`ACC_F_SPAD])
           + (40'(instr_i[`ACC_F_N2]) - 40'd1) * 40'(instr_i[`ACC_F_SPAD_S2])
           + (40'(instr_i[`ACC_F_N1]) - 40'd1) * 40'(instr_i[`ACC_F_SPAD_S1])
           + 40'(instr_i[`ACC_F_N0]);
    act_hi = 40'(instr_i[`ACC_F_ACT])
           + (40'(instr_i[`ACC_F_TC]) - 40'd1) * 40'(instr_i[`ACC_F_ACT_PC])
           + (40'(instr_i[`ACC_F_VH]) - 40'd1) * 40'(instr_i[`ACC_F_ACT_PH])
           + 40'(instr_i[`ACC_F_VW]);
    wgt_hi = 40'(instr_i[`ACC_F_WGT])
           + 40'(instr_i[`ACC_F_TC]) * 40'(instr_i[`ACC_F_FH]) * 40'(instr_i[`ACC_F_FW])
             * 40'(instr_i[`ACC_F_TK]);
    out_hi = 40'(instr_i[`ACC_F_OUT])
           + 40'(instr_i[`ACC_F_TK]) * 40'(instr_i[`ACC_F_TH]) * 40'(instr_i[`ACC_F_TW]) * 40'd4;
    case (op)
      `ACC_OP_LOAD, `ACC_OP_STORE: in_spad = dma_hi <= Limit;
      `ACC_OP_COMPUTE:             in_spad = (act_hi <= Limit) && (wgt_hi <= Limit)
                                             && (out_hi <= Limit);
      default:                     in_spad = 1'b1;
    endcase
  end

  assign op_o      = op;
  assign legal_o   = legal;
  assign in_spad_o = in_spad;

  // The waits are the controller's.
  logic unused_waits;
  assign unused_waits = ^instr_i[67:8];

endmodule
