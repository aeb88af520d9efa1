// acc_dma_iter - walks the rows of a LOAD/STORE block (n2 planes x n1 rows
// x n0 bytes) in AXI beats or in AXI bursts.
//
// A row starting at external address a spans the DW-aligned words from
// a & ~(DW-1) on, ceil(((a mod DW) + n0) / DW) beats.  Each row is split into
// INCR bursts at 4 KiB boundaries and at 256 beats.  With BurstStep = 1 each
// position is one burst (for the AR channel); with BurstStep = 0 each
// position is one beat (for R data, W data, and the AW of the burst a beat
// starts).  start_i (with the fields) loads the first row, which is current
// in the next cycle; adv_i moves to the next position.
//
// Outputs of the current position:
//   addr_o        DW-aligned external word address (of the burst's first beat)
//   spad_o        scratchpad address of the beat's byte lane 0 (may point
//                 before the row when the row is unaligned: those lanes have
//                 be_o = 0 and wrap modulo 2^`ACC_SAW)
//   be_o          byte lanes holding bytes of the row
//   blen_o        beats of the burst starting here (meaningful when first_o)
//   first_o/last_o  first / last beat of a burst (BurstStep 0)
//   final_o       last position of the block
`include "acc_defs.svh"
module acc_dma_iter #(
  parameter int unsigned DwBytes   = 8,
  parameter bit          BurstStep = 1'b0
) (
  input  logic                  clk_i,
  input  logic                  rst_ni,
  input  logic                  start_i,
  input  logic [31:0]           dram_i,
  input  logic [19:0]           spad_i,
  input  logic [11:0]           n0_i,
  input  logic [11:0]           n1_i,
  input  logic [11:0]           n2_i,
  input  logic [23:0]           dram_s1_i,
  input  logic [23:0]           dram_s2_i,
  input  logic [19:0]           spad_s1_i,
  input  logic [19:0]           spad_s2_i,
  input  logic                  adv_i,
  output logic                  valid_o,
  output logic [31:0]           addr_o,
  output logic [`ACC_SAW-1:0]   spad_o,
  output logic [DwBytes-1:0]    be_o,
  output logic [8:0]            blen_o,
  output logic                  first_o,
  output logic                  last_o,
  output logic                  final_o
);

  localparam int unsigned DwBits = $clog2(DwBytes);
  localparam int unsigned Per4k  = 4096 / DwBytes;   // beats in 4 KiB

  // ---------------------------------------------------------------- state
  logic                valid_q, valid_d;
  logic [11:0]         n0_q, n0_d, n1_q, n1_d, n2_q, n2_d;
  logic [23:0]         ds1_q, ds1_d, ds2_q, ds2_d;
  logic [19:0]         ss1_q, ss1_d, ss2_q, ss2_d;
  logic [11:0]         r_q, r_d, p_q, p_d;             // row, plane
  logic [31:0]         prow_q, prow_d;                 // external address of plane's row 0
  logic [31:0]         arow_q, arow_d;                 // external address of the row
  logic [`ACC_SAW-1:0] sprow_q, sprow_d;               // scratchpad address of plane's row 0
  logic [`ACC_SAW-1:0] srow_q, srow_d;                 // scratchpad address of the row
  logic [31:0]         w_q, w_d;                       // current aligned word
  logic [`ACC_SAW-1:0] sp_q, sp_d;                     // scratchpad address of lane 0
  logic [12:0]         left_q, left_d;                 // beats left in the row
  logic                rfirst_q, rfirst_d;             // first beat of the row
  logic [DwBits-1:0]   lo_q, lo_d, hi_q, hi_d;         // first / last lane of the row
  logic [8:0]          bleft_q, bleft_d;               // beats left in the burst (0: new burst)

  // ---------------------------------------------------------------- helpers
  logic [12:0]         blen;        // beats of a burst starting at w_q
  logic [12:0]         to4k;
  logic                last_row;
  logic                step_row;    // this advance finishes the row
  logic [12:0]         step;        // beats consumed by this advance
  logic [31:0]         na;          // next row's external address
  logic [`ACC_SAW-1:0] ns;          // next row's scratchpad address

  function automatic logic [12:0] row_beats(input logic [DwBits-1:0] a, input logic [11:0] n0);
    row_beats = 13'((14'(a) + 14'(n0) + 14'(DwBytes - 1)) >> DwBits);
  endfunction

  always_comb begin
    to4k     = 13'(Per4k) - 13'(w_q[11:DwBits]);
    blen     = left_q;
    if (to4k < blen) blen = to4k;
    if (blen > 13'd256) blen = 13'd256;
    last_row = (r_q + 12'd1 == n1_q) && (p_q + 12'd1 == n2_q);
  end

  always_comb begin
    valid_d  = valid_q;
    n0_d     = n0_q;
    n1_d     = n1_q;
    n2_d     = n2_q;
    ds1_d    = ds1_q;
    ds2_d    = ds2_q;
    ss1_d    = ss1_q;
    ss2_d    = ss2_q;
    r_d      = r_q;
    p_d      = p_q;
    prow_d   = prow_q;
    arow_d   = arow_q;
    sprow_d  = sprow_q;
    srow_d   = srow_q;
    w_d      = w_q;
    sp_d     = sp_q;
    left_d   = left_q;
    rfirst_d = rfirst_q;
    lo_d     = lo_q;
    hi_d     = hi_q;
    bleft_d  = bleft_q;
    na       = arow_q;
    ns       = srow_q;
    step     = BurstStep ? blen : 13'd1;
    step_row = (left_q == step);

    if (start_i) begin
      valid_d = 1'b1;
      n0_d    = n0_i;
      n1_d    = n1_i;
      n2_d    = n2_i;
      ds1_d   = dram_s1_i;
      ds2_d   = dram_s2_i;
      ss1_d   = spad_s1_i;
      ss2_d   = spad_s2_i;
      r_d     = '0;
      p_d     = '0;
      prow_d  = dram_i;
      sprow_d = `ACC_SAW'(spad_i);
      na      = dram_i;
      ns      = `ACC_SAW'(spad_i);
      bleft_d = '0;
    end else if (valid_q && adv_i) begin
      // Inside the burst / row.
      w_d      = w_q + {19'd0, step} * 32'(DwBytes);
      sp_d     = sp_q + `ACC_SAW'({11'd0, step} * 24'(DwBytes));
      left_d   = left_q - step;
      rfirst_d = 1'b0;
      if (bleft_q == 9'd0) begin
        bleft_d = 9'(blen - 13'd1);
      end else begin
        bleft_d = bleft_q - 9'd1;
      end
      if (BurstStep) begin
        bleft_d = '0;
      end
      if (step_row) begin
        bleft_d = '0;
        if (last_row) begin
          valid_d = 1'b0;
        end else if (r_q + 12'd1 < n1_q) begin
          r_d = r_q + 12'd1;
          na  = arow_q + 32'(ds1_q);
          ns  = srow_q + `ACC_SAW'(ss1_q);
        end else begin
          r_d     = '0;
          p_d     = p_q + 12'd1;
          prow_d  = prow_q + 32'(ds2_q);
          sprow_d = sprow_q + `ACC_SAW'(ss2_q);
          na      = prow_q + 32'(ds2_q);
          ns      = sprow_q + `ACC_SAW'(ss2_q);
        end
      end
    end

    // Load a new row (first row on start, next row when one finishes).
    if (start_i || (valid_q && adv_i && step_row && !last_row)) begin
      arow_d   = na;
      srow_d   = ns;
      w_d      = {na[31:DwBits], {DwBits{1'b0}}};
      sp_d     = ns - `ACC_SAW'(na[DwBits-1:0]);
      left_d   = row_beats(na[DwBits-1:0], start_i ? n0_i : n0_q);
      rfirst_d = 1'b1;
      lo_d     = na[DwBits-1:0];
      hi_d     = DwBits'(na[DwBits-1:0] + DwBits'(start_i ? n0_i : n0_q) - DwBits'(1));
    end
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      valid_q  <= 1'b0;
      n0_q     <= '0;
      n1_q     <= '0;
      n2_q     <= '0;
      ds1_q    <= '0;
      ds2_q    <= '0;
      ss1_q    <= '0;
      ss2_q    <= '0;
      r_q      <= '0;
      p_q      <= '0;
      prow_q   <= '0;
      arow_q   <= '0;
      sprow_q  <= '0;
      srow_q   <= '0;
      w_q      <= '0;
      sp_q     <= '0;
      left_q   <= '0;
      rfirst_q <= 1'b0;
      lo_q     <= '0;
      hi_q     <= '0;
      bleft_q  <= '0;
    end else begin
      valid_q  <= valid_d;
      n0_q     <= n0_d;
      n1_q     <= n1_d;
      n2_q     <= n2_d;
      ds1_q    <= ds1_d;
      ds2_q    <= ds2_d;
      ss1_q    <= ss1_d;
      ss2_q    <= ss2_d;
      r_q      <= r_d;
      p_q      <= p_d;
      prow_q   <= prow_d;
      arow_q   <= arow_d;
      sprow_q  <= sprow_d;
      srow_q   <= srow_d;
      w_q      <= w_d;
      sp_q     <= sp_d;
      left_q   <= left_d;
      rfirst_q <= rfirst_d;
      lo_q     <= lo_d;
      hi_q     <= hi_d;
      bleft_q  <= bleft_d;
    end
  end

  // ---------------------------------------------------------------- outputs
  always_comb begin
    for (int l = 0; l < DwBytes; l++) begin
      be_o[l] = (!rfirst_q || (DwBits'(l) >= lo_q)) && ((left_q != 13'd1) || (DwBits'(l) <= hi_q));
    end
  end

  assign valid_o = valid_q;
  assign addr_o  = w_q;
  assign spad_o  = sp_q;
  assign blen_o  = 9'(blen);
  assign first_o = (bleft_q == 9'd0);
  assign last_o  = BurstStep ? 1'b1 : ((bleft_q == 9'd0) ? (blen == 13'd1) : (bleft_q == 9'd1));
  assign final_o = last_row && (left_q == step);

`ifndef SYNTHESIS
  // A burst never crosses 4 KiB and never exceeds 256 beats.
  DmaBurstLegal: assert property (@(posedge clk_i) disable iff (!rst_ni)
      valid_q && first_o |-> blen >= 13'd1 && blen <= 13'd256
                             && (32'(w_q[11:0]) + 32'(blen) * DwBytes <= 32'd4096));
  // Rows always have at least one beat left while the walk is running.
  DmaRowNotEmpty: assert property (@(posedge clk_i) disable iff (!rst_ni)
      valid_q |-> left_q != 13'd0);

  // Cover points (make coverage): bursts cut at a 4 KiB boundary and at the
  // maximum length, rows that start and end inside a bus word, plane steps.
  DmaCoverBurstCutAt4k: cover property (@(posedge clk_i) disable iff (!rst_ni)
      valid_q && first_o && to4k < left_q && to4k <= 13'd256);
  DmaCoverBurstMaxLength: cover property (@(posedge clk_i) disable iff (!rst_ni)
      valid_q && first_o && blen == 13'd256);
  DmaCoverRowUnalignedStart: cover property (@(posedge clk_i) disable iff (!rst_ni)
      valid_q && rfirst_q && lo_q != '0);
  DmaCoverRowPartialEnd: cover property (@(posedge clk_i) disable iff (!rst_ni)
      valid_q && left_q == 13'd1 && hi_q != '1);
  DmaCoverRowSingleBeat: cover property (@(posedge clk_i) disable iff (!rst_ni)
      valid_q && rfirst_q && left_q == 13'd1);
  DmaCoverNextPlane: cover property (@(posedge clk_i) disable iff (!rst_ni)
      valid_q && adv_i && step_row && !last_row && r_q + 12'd1 == n1_q);
`endif

endmodule
