// acc_load - the LOAD engine: external memory -> scratchpad (AXI4 read).
//
// Pipeline (s = issue cycle, B = beats, Lr = memory read latency):
//   edge ending s        latch the instruction (both row walkers start)
//   s+1, s+2, ...        one AR per cycle (one burst each, INCR, aligned)
//   s+1+Lr .. s+Lr+B     R beats, back to back, always accepted
//   s+2+Lr .. s+Lr+B+1   each beat's row bytes written to the scratchpad
//                        (registered: one cycle after the beat)
//   s+Lr+B+1             last busy cycle (done_o); e = s+Lr+B+2
// Beats are counted by a second walker over the same rows, so the schedule
// never depends on rlast (an assertion checks that rlast agrees).  At most
// MaxBursts bursts are outstanding (AR accepted, last beat not yet back); with
// MaxBursts >= Lr + 2 (FetchDepth is used) the limit never delays an AR past
// the cycle its beats are due, because the beats of the bursts in flight fit
// in the Lr cycles between an AR and its first beat.  A beat
// with RRESP != OKAY is not written; the transfer runs to its end and the
// engine then reports err_o with done_o.
`include "acc_defs.svh"
module acc_load #(
  parameter int unsigned AxiDataBits = 64,
  parameter int unsigned MaxBursts   = 32
) (
  input  logic                     clk_i,
  input  logic                     rst_ni,
  // issue
  input  logic                     issue_i,
  input  logic [255:0]             instr_i,
  input  logic [31:0]              idx_i,
  output logic                     busy_o,
  output logic                     done_o,
  output logic                     err_o,
  output logic [31:0]              idx_o,
  // AXI4 read
  output logic [31:0]              araddr_o,
  output logic [7:0]               arlen_o,
  output logic [2:0]               arsize_o,
  output logic [1:0]               arburst_o,
  output logic                     arvalid_o,
  input  logic                     arready_i,
  input  logic [AxiDataBits-1:0]   rdata_i,
  input  logic [1:0]               rresp_i,
  input  logic                     rlast_i,
  input  logic                     rvalid_i,
  output logic                     rready_o,
  // scratchpad write port
  output logic                     wr_en_o,
  output logic [`ACC_SAW-1:0]      wr_addr_o,
  output logic [AxiDataBits-1:0]   wr_data_o,
  output logic [AxiDataBits/8-1:0] wr_be_o
);

  localparam int unsigned DwBytes = AxiDataBits / 8;

  logic                   busy_q, busy_d;
  logic                   err_q, err_d;
  logic [31:0]            idx_q, idx_d;
  logic                   wv_q, wv_d;          // a scratchpad write is pending
  logic                   wlast_q, wlast_d;    // ... and it is the last beat
  logic [`ACC_SAW-1:0]    wa_q, wa_d;
  logic [AxiDataBits-1:0] wd_q, wd_d;
  logic [DwBytes-1:0]     wbe_q, wbe_d;
  logic [15:0]            out_q, out_d;        // bursts outstanding

  // AR side: one position per burst.
  logic                   ar_valid;
  logic [31:0]            ar_addr;
  logic [8:0]             ar_blen;
  logic                   ar_adv;
  // R side: one position per beat.
  logic                   r_valid;
  logic [`ACC_SAW-1:0]    r_spad;
  logic [DwBytes-1:0]     r_be;
  logic                   r_last;
  logic                   r_final;
  logic                   r_adv;

  acc_dma_iter #(
    .DwBytes   (DwBytes),
    .BurstStep (1'b1)
  ) u_ar_iter (
    .clk_i     (clk_i),
    .rst_ni    (rst_ni),
    .start_i   (issue_i),
    .dram_i    (instr_i[`ACC_F_DRAM]),
    .spad_i    (instr_i[`ACC_F_SPAD]),
    .n0_i      (instr_i[`ACC_F_N0]),
    .n1_i      (instr_i[`ACC_F_N1]),
    .n2_i      (instr_i[`ACC_F_N2]),
    .dram_s1_i (instr_i[`ACC_F_DRAM_S1]),
    .dram_s2_i (instr_i[`ACC_F_DRAM_S2]),
    .spad_s1_i (instr_i[`ACC_F_SPAD_S1]),
    .spad_s2_i (instr_i[`ACC_F_SPAD_S2]),
    .adv_i     (ar_adv),
    .valid_o   (ar_valid),
    .addr_o    (ar_addr),
    .spad_o    (),
    .be_o      (),
    .blen_o    (ar_blen),
    .first_o   (),
    .last_o    (),
    .final_o   ()
  );

  acc_dma_iter #(
    .DwBytes   (DwBytes),
    .BurstStep (1'b0)
  ) u_r_iter (
    .clk_i     (clk_i),
    .rst_ni    (rst_ni),
    .start_i   (issue_i),
    .dram_i    (instr_i[`ACC_F_DRAM]),
    .spad_i    (instr_i[`ACC_F_SPAD]),
    .n0_i      (instr_i[`ACC_F_N0]),
    .n1_i      (instr_i[`ACC_F_N1]),
    .n2_i      (instr_i[`ACC_F_N2]),
    .dram_s1_i (instr_i[`ACC_F_DRAM_S1]),
    .dram_s2_i (instr_i[`ACC_F_DRAM_S2]),
    .spad_s1_i (instr_i[`ACC_F_SPAD_S1]),
    .spad_s2_i (instr_i[`ACC_F_SPAD_S2]),
    .adv_i     (r_adv),
    .valid_o   (r_valid),
    .addr_o    (),
    .spad_o    (r_spad),
    .be_o      (r_be),
    .blen_o    (),
    .first_o   (),
    .last_o    (r_last),
    .final_o   (r_final)
  );

  assign ar_adv = ar_valid && arready_i && (out_q < 16'(MaxBursts));
  assign r_adv  = r_valid && rvalid_i;

  always_comb begin
    busy_d  = busy_q;
    err_d   = err_q;
    idx_d   = idx_q;
    wv_d    = 1'b0;
    wlast_d = 1'b0;
    wa_d    = wa_q;
    wd_d    = wd_q;
    wbe_d   = '0;
    out_d   = out_q + 16'(ar_adv) - 16'(r_adv && r_last);
    if (issue_i) begin
      busy_d = 1'b1;
      err_d  = 1'b0;
      idx_d  = idx_i;
    end
    if (r_adv) begin
      wv_d    = 1'b1;
      wlast_d = r_final;
      wa_d    = r_spad;
      wd_d    = rdata_i;
      wbe_d   = (rresp_i == `ACC_RESP_OKAY) ? r_be : '0;
      if (rresp_i != `ACC_RESP_OKAY) begin
        err_d = 1'b1;
      end
    end
    if (wv_q && wlast_q) begin
      busy_d = 1'b0;
    end
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      busy_q  <= 1'b0;
      err_q   <= 1'b0;
      idx_q   <= '0;
      wv_q    <= 1'b0;
      wlast_q <= 1'b0;
      wa_q    <= '0;
      wd_q    <= '0;
      wbe_q   <= '0;
      out_q   <= '0;
    end else begin
      busy_q  <= busy_d;
      err_q   <= err_d;
      idx_q   <= idx_d;
      wv_q    <= wv_d;
      wlast_q <= wlast_d;
      wa_q    <= wa_d;
      wd_q    <= wd_d;
      wbe_q   <= wbe_d;
      out_q   <= out_d;
    end
  end

  assign busy_o    = busy_q;
  assign done_o    = wv_q && wlast_q;
  assign err_o     = err_q;
  assign idx_o     = idx_q;
  assign araddr_o  = ar_addr;
  assign arlen_o   = 8'(ar_blen - 9'd1);
  assign arsize_o  = 3'($clog2(DwBytes));
  assign arburst_o = `ACC_BURST_INCR;
  assign arvalid_o = ar_valid && (out_q < 16'(MaxBursts));
  assign rready_o  = 1'b1;
  assign wr_en_o   = wv_q;
  assign wr_addr_o = wa_q;
  assign wr_data_o = wd_q;
  assign wr_be_o   = wbe_q;

  logic unused_instr;
  assign unused_instr = ^{instr_i[79:0]};

`ifndef SYNTHESIS
  // Issue only to an idle engine.
  LoadIssueWhenIdle: assert property (@(posedge clk_i) disable iff (!rst_ni)
      issue_i |-> !busy_q);
  // AR held stable until accepted.
  LoadArStable: assert property (@(posedge clk_i) disable iff (!rst_ni)
      arvalid_o && !arready_i |=> arvalid_o && $stable(araddr_o) && $stable(arlen_o));
  // Beats arrive only for an instruction in flight, and rlast ends each burst.
  LoadBeatExpected: assert property (@(posedge clk_i) disable iff (!rst_ni)
      rvalid_i |-> r_valid);
  LoadBurstsBounded: assert property (@(posedge clk_i) disable iff (!rst_ni)
      out_q <= 16'(MaxBursts));
  LoadRlastMatches: assert property (@(posedge clk_i) disable iff (!rst_ni)
      rvalid_i && r_valid |-> rlast_i == r_last);

  // Cover points (make coverage).
  LoadCoverErrorBeat: cover property (@(posedge clk_i) disable iff (!rst_ni)
      r_adv && rresp_i != `ACC_RESP_OKAY);
  LoadCoverArStalled: cover property (@(posedge clk_i) disable iff (!rst_ni)
      arvalid_o && !arready_i);
  LoadCoverBurstLimitHolds: cover property (@(posedge clk_i) disable iff (!rst_ni)
      ar_valid && out_q == 16'(MaxBursts));
`endif

endmodule
