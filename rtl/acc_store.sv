// acc_store - the STORE engine: scratchpad -> external memory (AXI4 write).
//
// Pipeline (s = issue cycle, B = beats, Lw = memory write latency):
//   edge ending s        latch the instruction
//   s+1 .. s+B           scratchpad read of beat k in cycle s+1+k
//   s+2 .. s+B+1         W beat k (data straight from the bank registers),
//                        wstrb = the row's bytes, wlast at burst ends; the AW
//                        of a burst in the cycle of its first W beat
//   s+B+1+Lw             last B response (done_o); e = s+B+Lw+2
// When AWREADY or WREADY is low the read stage waits (the bank output holds
// the beat), so VALID stays stable; the memory model is always ready, which
// gives the timing above.  BRESP != OKAY is reported as err_o with done_o.
`include "acc_defs.svh"
module acc_store #(
  parameter int unsigned AxiDataBits = 64
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
  // AXI4 write
  output logic [31:0]              awaddr_o,
  output logic [7:0]               awlen_o,
  output logic [2:0]               awsize_o,
  output logic [1:0]               awburst_o,
  output logic                     awvalid_o,
  input  logic                     awready_i,
  output logic [AxiDataBits-1:0]   wdata_o,
  output logic [AxiDataBits/8-1:0] wstrb_o,
  output logic                     wlast_o,
  output logic                     wvalid_o,
  input  logic                     wready_i,
  input  logic [1:0]               bresp_i,
  input  logic                     bvalid_i,
  output logic                     bready_o,
  // scratchpad read port
  output logic                     rd_en_o,
  output logic [`ACC_SAW-1:0]      rd_addr_o,
  input  logic [AxiDataBits-1:0]   rd_data_i
);

  localparam int unsigned DwBytes = AxiDataBits / 8;

  logic               busy_q, busy_d;
  logic               err_q, err_d;
  logic [31:0]        idx_q, idx_d;
  logic               wv_q, wv_d;
  logic [DwBytes-1:0] wstrb_q, wstrb_d;
  logic               wlast_q, wlast_d;
  logic               wfinal_q, wfinal_d;
  logic               wdone_q, wdone_d;    // the block's last W beat was sent
  logic               awv_q, awv_d;
  logic [31:0]        awaddr_q, awaddr_d;
  logic [7:0]         awlen_q, awlen_d;
  logic [31:0]        awcnt_q, awcnt_d;    // bursts whose AW was accepted
  logic [31:0]        bcnt_q, bcnt_d;      // B responses received

  logic               it_valid;
  logic [31:0]        it_addr;
  logic [`ACC_SAW-1:0] it_spad;
  logic [DwBytes-1:0] it_be;
  logic [8:0]         it_blen;
  logic               it_first, it_last, it_final;
  logic               rd_adv;
  logic               last_b;

  acc_dma_iter #(
    .DwBytes   (DwBytes),
    .BurstStep (1'b0)
  ) u_iter (
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
    .adv_i     (rd_adv),
    .valid_o   (it_valid),
    .addr_o    (it_addr),
    .spad_o    (it_spad),
    .be_o      (it_be),
    .blen_o    (it_blen),
    .first_o   (it_first),
    .last_o    (it_last),
    .final_o   (it_final)
  );

  // Read the next beat when the W (and, for a burst's first beat, the AW)
  // register is free or being emptied in this cycle.
  assign rd_adv = it_valid && (!wv_q || wready_i) && (!it_first || !awv_q || awready_i);
  assign last_b = bvalid_i && wdone_q && !awv_q && (bcnt_q + 32'd1 == awcnt_q);

  always_comb begin
    busy_d   = busy_q;
    err_d    = err_q;
    idx_d    = idx_q;
    wv_d     = wv_q;
    wstrb_d  = wstrb_q;
    wlast_d  = wlast_q;
    wfinal_d = wfinal_q;
    wdone_d  = wdone_q;
    awv_d    = awv_q;
    awaddr_d = awaddr_q;
    awlen_d  = awlen_q;
    awcnt_d  = awcnt_q;
    bcnt_d   = bcnt_q;

    if (issue_i) begin
      busy_d  = 1'b1;
      err_d   = 1'b0;
      idx_d   = idx_i;
      wdone_d = 1'b0;
      awcnt_d = '0;
      bcnt_d  = '0;
    end
    // W channel
    if (wv_q && wready_i) begin
      wv_d = 1'b0;
      if (wfinal_q) begin
        wdone_d = 1'b1;
      end
    end
    // AW channel
    if (awv_q && awready_i) begin
      awv_d   = 1'b0;
      awcnt_d = awcnt_q + 32'd1;
    end
    if (rd_adv) begin
      wv_d     = 1'b1;
      wstrb_d  = it_be;
      wlast_d  = it_last;
      wfinal_d = it_final;
      if (it_first) begin
        awv_d    = 1'b1;
        awaddr_d = it_addr;
        awlen_d  = 8'(it_blen - 9'd1);
      end
    end
    // B channel
    if (bvalid_i) begin
      bcnt_d = bcnt_q + 32'd1;
      if (bresp_i != `ACC_RESP_OKAY) begin
        err_d = 1'b1;
      end
    end
    if (last_b) begin
      busy_d = 1'b0;
    end
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      busy_q   <= 1'b0;
      err_q    <= 1'b0;
      idx_q    <= '0;
      wv_q     <= 1'b0;
      wstrb_q  <= '0;
      wlast_q  <= 1'b0;
      wfinal_q <= 1'b0;
      wdone_q  <= 1'b0;
      awv_q    <= 1'b0;
      awaddr_q <= '0;
      awlen_q  <= '0;
      awcnt_q  <= '0;
      bcnt_q   <= '0;
    end else begin
      busy_q   <= busy_d;
      err_q    <= err_d;
      idx_q    <= idx_d;
      wv_q     <= wv_d;
      wstrb_q  <= wstrb_d;
      wlast_q  <= wlast_d;
      wfinal_q <= wfinal_d;
      wdone_q  <= wdone_d;
      awv_q    <= awv_d;
      awaddr_q <= awaddr_d;
      awlen_q  <= awlen_d;
      awcnt_q  <= awcnt_d;
      bcnt_q   <= bcnt_d;
    end
  end

  assign busy_o    = busy_q;
  assign done_o    = busy_q && last_b;
  // The error flag includes a failing last response, reported with done_o.
  assign err_o     = err_q || (bvalid_i && (bresp_i != `ACC_RESP_OKAY));
  assign idx_o     = idx_q;
  assign awaddr_o  = awaddr_q;
  assign awlen_o   = awlen_q;
  assign awsize_o  = 3'($clog2(DwBytes));
  assign awburst_o = `ACC_BURST_INCR;
  assign awvalid_o = awv_q;
  assign wdata_o   = rd_data_i;
  assign wstrb_o   = wstrb_q;
  assign wlast_o   = wlast_q;
  assign wvalid_o  = wv_q;
  assign bready_o  = 1'b1;
  assign rd_en_o   = rd_adv;
  assign rd_addr_o = it_spad;

  logic unused_instr;
  assign unused_instr = ^instr_i[79:0];

`ifndef SYNTHESIS
  StoreIssueWhenIdle: assert property (@(posedge clk_i) disable iff (!rst_ni)
      issue_i |-> !busy_q);
  StoreAwStable: assert property (@(posedge clk_i) disable iff (!rst_ni)
      awvalid_o && !awready_i |=> awvalid_o && $stable(awaddr_o) && $stable(awlen_o));
  StoreWStable: assert property (@(posedge clk_i) disable iff (!rst_ni)
      wvalid_o && !wready_i |=> wvalid_o && $stable(wdata_o) && $stable(wstrb_o)
                                && $stable(wlast_o));
  // Responses only for bursts that were sent.
  StoreBExpected: assert property (@(posedge clk_i) disable iff (!rst_ni)
      bvalid_i |-> busy_q && bcnt_q < awcnt_q + 32'(awv_q && awready_i));

  // Cover points (make coverage).
  StoreCoverErrorResponse: cover property (@(posedge clk_i) disable iff (!rst_ni)
      bvalid_i && bresp_i != `ACC_RESP_OKAY);
  StoreCoverAwStalled: cover property (@(posedge clk_i) disable iff (!rst_ni)
      awvalid_o && !awready_i);
  StoreCoverWStalled: cover property (@(posedge clk_i) disable iff (!rst_ni)
      wvalid_o && !wready_i);
  StoreCoverManyBursts: cover property (@(posedge clk_i) disable iff (!rst_ni)
      done_o && awcnt_q > 32'd1);
`endif

endmodule
