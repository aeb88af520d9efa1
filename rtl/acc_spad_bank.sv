// acc_spad_bank - one bank of the scratchpad: Depth words of LineBytes bytes,
// four read ports and two write ports with byte enables (a multi-ported
// SRAM macro).  Reads are registered: the word addressed in cycle t appears on
// rdata in cycle t+1 and stays there until the port reads again.  A read and
// a write of one word in the same cycle return the old data.  Writes of the
// two ports to one word merge byte-wise; a byte written by both ports in one
// cycle is a write race, which acc_spad detects (race_o) and the controller
// reports as SPAD_RACE; the byte then holds the OR of the two (undefined for
// a real macro).  An address >= Depth reads zero and must not be written
// (asserted).
//
// For synthesis this module is a black box (define ACC_SPAD_BLACKBOX): the
// cell count of the accelerator excludes the SRAM macros.
`ifdef ACC_SPAD_BLACKBOX
(* blackbox *)
`endif
module acc_spad_bank #(
  parameter int unsigned LineBytes = 16,
  parameter int unsigned Depth     = 512,
  parameter int unsigned Aw        = 9
) (
  input  logic                     clk_i,
  input  logic                     rst_ni,
  // read ports 0..3
  input  logic [3:0]               re_i,
  input  logic [4*Aw-1:0]          raddr_i,
  output logic [4*LineBytes*8-1:0] rdata_o,
  // write ports 0..1
  input  logic [1:0]               we_i,
  input  logic [2*Aw-1:0]          waddr_i,
  input  logic [2*LineBytes*8-1:0] wdata_i,
  input  logic [2*LineBytes-1:0]   wbe_i
);
`ifndef ACC_SPAD_BLACKBOX

  localparam int unsigned Lb   = LineBytes * 8;
  localparam int unsigned IdxW = (Depth > 1) ? $clog2(Depth) : 1;

  logic [Lb-1:0] mem [Depth];
  logic [4*Lb-1:0] rdata_q;
  logic [Lb-1:0] mask0, mask1;
  logic [Aw-1:0] wa0, wa1;
  logic [IdxW-1:0] wi0, wi1;
  logic          same;

  // Byte enables to bit masks.
  always_comb begin
    mask0 = '0;
    mask1 = '0;
    if (we_i[0]) begin
      for (int b = 0; b < LineBytes; b++) begin
        mask0[b*8 +: 8] = {8{wbe_i[b]}};
      end
    end
    if (we_i[1]) begin
      for (int b = 0; b < LineBytes; b++) begin
        mask1[b*8 +: 8] = {8{wbe_i[LineBytes + b]}};
      end
    end
    wa0  = waddr_i[0 +: Aw];
    wa1  = waddr_i[Aw +: Aw];
    wi0  = wa0[IdxW-1:0];
    wi1  = wa1[IdxW-1:0];
    same = we_i[0] && we_i[1] && (wa0 == wa1);
  end

  // Memory array: written and read at the clock edge, no reset (an SRAM).
  always_ff @(posedge clk_i) begin
    if (same) begin
      mem[wi0] <= (mem[wi0] & ~(mask0 | mask1)) | (wdata_i[0 +: Lb] & mask0)
                | (wdata_i[Lb +: Lb] & mask1);
    end else begin
      if (we_i[0]) begin
        mem[wi0] <= (mem[wi0] & ~mask0) | (wdata_i[0 +: Lb] & mask0);
      end
      if (we_i[1]) begin
        mem[wi1] <= (mem[wi1] & ~mask1) | (wdata_i[Lb +: Lb] & mask1);
      end
    end
    for (int p = 0; p < 4; p++) begin
      if (re_i[p]) begin
        rdata_q[p*Lb +: Lb] <= (32'(raddr_i[p*Aw +: Aw]) < Depth) ? mem[raddr_i[p*Aw +: IdxW]] : '0;
      end
    end
  end

  assign rdata_o = rdata_q;

`ifndef SYNTHESIS
  // Writes stay inside the bank.
  SpadWrite0InRange: assert property (@(posedge clk_i) disable iff (!rst_ni)
      we_i[0] |-> 32'(wa0) < Depth);
  SpadWrite1InRange: assert property (@(posedge clk_i) disable iff (!rst_ni)
      we_i[1] |-> 32'(wa1) < Depth);

  // Cover points (make coverage): both write ports in one cycle, on one word.
  BankCoverTwoWrites: cover property (@(posedge clk_i) disable iff (!rst_ni)
      we_i == 2'b11);
  BankCoverTwoWritesSameWord: cover property (@(posedge clk_i) disable iff (!rst_ni)
      same);
`endif
`else
  // Black box: ports only.
`endif

endmodule
