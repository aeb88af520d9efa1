// acc_fetch - the instruction fetch unit and its queue.
//
// On start (cycle 0) it latches PROG_ADDR / PROG_LEN and sends the AR of
// instruction 0 in cycle 1 (arlen 0, arsize 5: one 256-bit beat), then one AR
// per cycle while instructions remain and the queue has room (ARs in flight +
// queued entries < Depth).  A returned beat enters the queue at the edge that
// ends its cycle; the head is visible to the issue logic in the next cycle.
// Each entry keeps whether its beat came back with an error, so a prefetch
// past the program is harmless until (and unless) it reaches the head.
// Beats of ARs still in flight from an earlier run are counted and dropped.
`include "acc_defs.svh"
module acc_fetch #(
  parameter int unsigned Depth = 32
) (
  input  logic         clk_i,
  input  logic         rst_ni,
  input  logic         start_i,
  input  logic [31:0]  prog_addr_i,
  input  logic [31:0]  prog_len_i,
  input  logic         stop_i,        // no further requests (END issued or error)
  output logic         ar_pending_o,  // an AR waits for ARREADY
  // AXI4 read (instruction port)
  output logic [31:0]  araddr_o,
  output logic [7:0]   arlen_o,
  output logic [2:0]   arsize_o,
  output logic [1:0]   arburst_o,
  output logic         arvalid_o,
  input  logic         arready_i,
  input  logic [255:0] rdata_i,
  input  logic [1:0]   rresp_i,
  input  logic         rlast_i,
  input  logic         rvalid_i,
  output logic         rready_o,
  // queue head
  output logic         head_valid_o,
  output logic [255:0] head_o,
  output logic         head_err_o,
  input  logic         pop_i
);

  localparam int unsigned PtrW = $clog2(Depth);
  localparam int unsigned CntW = PtrW + 1;
  localparam logic [CntW-1:0] DepthC = CntW'(Depth);

  logic             run_q, run_d;
  logic [31:0]      base_q, base_d;
  logic [31:0]      len_q, len_d;
  logic [31:0]      next_q, next_d;      // next instruction index to request
  logic             arv_q, arv_d;
  logic [31:0]      araddr_q, araddr_d;
  logic [CntW-1:0]  infl_q, infl_d;      // ARs accepted, beat not yet back
  logic [CntW-1:0]  disc_q, disc_d;      // beats still to drop (earlier run)
  logic [CntW-1:0]  cnt_q, cnt_d;        // queued entries
  logic [PtrW-1:0]  wp_q, wp_d, rp_q, rp_d;
  logic [256:0]     mem [Depth];         // {error, instruction}

  logic             ar_hs, beat, keep, pop;

  always_comb begin
    ar_hs = arv_q && arready_i;
    beat  = rvalid_i;
    keep  = beat && (disc_q == '0);
    pop   = pop_i && (cnt_q != '0);

    run_d    = run_q && !stop_i;
    base_d   = base_q;
    len_d    = len_q;
    next_d   = next_q + 32'(ar_hs);
    infl_d   = infl_q + CntW'(ar_hs) - CntW'(beat);
    disc_d   = disc_q - CntW'(beat && !keep);
    cnt_d    = cnt_q + CntW'(keep) - CntW'(pop);
    wp_d     = wp_q + PtrW'(keep);
    rp_d     = rp_q + PtrW'(pop);
    if (start_i) begin
      run_d  = 1'b1;
      base_d = prog_addr_i;
      len_d  = prog_len_i;
      next_d = '0;
      disc_d = infl_d;            // every beat still in flight is stale
      cnt_d  = '0;
      wp_d   = '0;
      rp_d   = '0;
    end
    // Request the next instruction when there is room for it.
    if (arv_q && !arready_i) begin
      arv_d    = 1'b1;
      araddr_d = araddr_q;
    end else begin
      arv_d    = run_d && (next_d < len_d) && (32'(infl_d) + 32'(cnt_d) < 32'(Depth));
      araddr_d = base_d + {next_d[26:0], 5'd0};
    end
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      run_q    <= 1'b0;
      base_q   <= '0;
      len_q    <= '0;
      next_q   <= '0;
      arv_q    <= 1'b0;
      araddr_q <= '0;
      infl_q   <= '0;
      disc_q   <= '0;
      cnt_q    <= '0;
      wp_q     <= '0;
      rp_q     <= '0;
    end else begin
      run_q    <= run_d;
      base_q   <= base_d;
      len_q    <= len_d;
      next_q   <= next_d;
      arv_q    <= arv_d;
      araddr_q <= araddr_d;
      infl_q   <= infl_d;
      disc_q   <= disc_d;
      cnt_q    <= cnt_d;
      wp_q     <= wp_d;
      rp_q     <= rp_d;
    end
  end

  // Queue storage (no reset: entries are valid only below cnt_q).
  always_ff @(posedge clk_i) begin
    if (keep) begin
      mem[wp_q] <= {rresp_i != `ACC_RESP_OKAY, rdata_i};
    end
  end

  assign ar_pending_o = arv_q;
  assign araddr_o     = araddr_q;
  assign arlen_o      = 8'd0;
  assign arsize_o     = 3'd5;
  assign arburst_o    = `ACC_BURST_INCR;
  assign arvalid_o    = arv_q;
  assign rready_o     = 1'b1;
  assign head_valid_o = cnt_q != '0;
  assign head_o       = mem[rp_q][255:0];
  assign head_err_o   = mem[rp_q][256];

  logic unused_rlast;
  assign unused_rlast = rlast_i;

`ifndef SYNTHESIS
  FetchArStable: assert property (@(posedge clk_i) disable iff (!rst_ni)
      arvalid_o && !arready_i |=> arvalid_o && $stable(araddr_o));
  FetchBeatExpected: assert property (@(posedge clk_i) disable iff (!rst_ni)
      rvalid_i |-> infl_q != '0);
  FetchRlastSingleBeat: assert property (@(posedge clk_i) disable iff (!rst_ni)
      rvalid_i |-> rlast_i);
  FetchNoOverflow: assert property (@(posedge clk_i) disable iff (!rst_ni)
      32'(infl_q) + 32'(cnt_q) <= 32'(Depth));
  FetchStartWhenIdle: assert property (@(posedge clk_i) disable iff (!rst_ni)
      start_i |-> !arv_q);
  FetchDepthPow2: assert property (@(posedge clk_i) disable iff (!rst_ni)
      (DepthC & (DepthC - CntW'(1))) == '0);

  // Cover points (make coverage).
  FetchCoverQueueFull: cover property (@(posedge clk_i) disable iff (!rst_ni)
      run_q && next_q < len_q && 32'(infl_q) + 32'(cnt_q) == 32'(Depth));
  FetchCoverErrorBeat: cover property (@(posedge clk_i) disable iff (!rst_ni)
      keep && rresp_i != `ACC_RESP_OKAY);
  FetchCoverStaleBeatDropped: cover property (@(posedge clk_i) disable iff (!rst_ni)
      beat && !keep);
  FetchCoverArStalled: cover property (@(posedge clk_i) disable iff (!rst_ni)
      arv_q && !arready_i);
`endif

endmodule
