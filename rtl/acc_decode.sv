// acc_decode - combinational checks of the instruction at the head of the
// fetch queue: legality (docs/isa.md, the same rules as acc_instr_check /
// acc_decode in core/isa.c) and the scratchpad hulls of its operands
// (acc_instr_spad_ranges: every [lo, hi) must end at or below SpadBytes).
// A FLAT COMPUTE (flag bit 5) is legal only where its lanes fit one read
// window (model_compute_flat_ok): with G = sh*act_ph - tw*sw and
// X = floor((tw+R-2)/tw) (the most output-row boundaries R consecutive
// pixels cross), G >= 0 and X*G + (R-1)*sw + 1 <= W.
`include "acc_defs.svh"
module acc_decode #(
  parameter int unsigned SpadBytes = 65536,
  parameter int unsigned Rows      = 16,     // R
  parameter int unsigned Window    = 113     // W: bytes of a scratchpad read window
) (
  input  logic [255:0] instr_i,
  output logic [3:0]   op_o,
  output logic         legal_o,     // opcode, flags, reserved bits, field ranges
  output logic         in_spad_o    // every operand inside the scratchpad
);

  localparam logic [39:0] Limit = 40'(SpadBytes);
  localparam int unsigned RowsM2 = (Rows >= 2) ? Rows - 2 : 0;  // R-2 (R >= 2)

  logic [3:0]  op;
  logic [3:0]  flags;
  logic        legal;
  logic [39:0] dma_hi, act_hi, wgt_hi, out_hi;
  logic        in_spad;
  logic signed [16:0] gap;     // G
  logic [6:0]         rowx;    // X
  logic [31:0]        reach;   // X*G + (R-1)*sw + 1 (G >= 0)
  logic               flat_ok;

  // FLAT legality.  X without a divider: floor((tw+R-2)/tw) is 1 plus the
  // number of d in 1..R-2 with d*tw <= R-2 (R >= 2), and 0 for R = 1.
  always_comb begin
    gap = $signed({1'b0, 16'(13'(instr_i[`ACC_F_SH]) * 13'(instr_i[`ACC_F_ACT_PH]))})
          - $signed({1'b0, 16'(13'(instr_i[`ACC_F_TW]) * 13'(instr_i[`ACC_F_SW]))});
    rowx = (Rows >= 2) ? 7'd1 : 7'd0;
    for (int d = 1; d <= RowsM2; d++) begin
      if (32'(d) * 32'(instr_i[`ACC_F_TW]) <= 32'(RowsM2)) begin
        rowx = rowx + 7'd1;
      end
    end
    reach = 32'(rowx) * 32'(gap[15:0]) + 32'(Rows - 1) * 32'(instr_i[`ACC_F_SW]) + 32'd1;
    flat_ok = !gap[16] && (reach <= 32'(Window));
  end

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
        legal = (flags[3:2] == 2'd0) && (!flags[1] || flat_ok)
                && (instr_i[`ACC_F_CP_RSVD] == '0)
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
