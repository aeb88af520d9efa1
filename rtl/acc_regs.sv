// acc_regs - the AXI4-Lite register slave (8-bit byte addresses, 32-bit
// data).  A write completes with BVALID in the cycle after its AW+W handshake
// (both are accepted together, in the same cycle); a read returns RVALID in
// the cycle after its AR handshake.  Unmapped addresses answer SLVERR.  A
// write of 1 to CTRL bit 0 starts the accelerator in the handshake cycle
// (cycle 0); it is ignored while busy.  Register map: docs/rtl.md.
`include "acc_defs.svh"
module acc_regs #(
  parameter int unsigned ArrayRows   = 16,
  parameter int unsigned ArrayCols   = 16,
  parameter int unsigned SpadBytes   = 65536,
  parameter int unsigned SpadBanks   = 8,
  parameter int unsigned LineBytes   = 16,
  parameter int unsigned AxiDataBits = 64,
  parameter int unsigned FetchDepth  = 32
) (
  input  logic         clk_i,
  input  logic         rst_ni,
  // AXI4-Lite
  input  logic [7:0]   awaddr_i,
  input  logic         awvalid_i,
  output logic         awready_o,
  input  logic [31:0]  wdata_i,
  input  logic [3:0]   wstrb_i,
  input  logic         wvalid_i,
  output logic         wready_o,
  output logic [1:0]   bresp_o,
  output logic         bvalid_o,
  input  logic         bready_i,
  input  logic [7:0]   araddr_i,
  input  logic         arvalid_i,
  output logic         arready_o,
  output logic [31:0]  rdata_o,
  output logic [1:0]   rresp_o,
  output logic         rvalid_o,
  input  logic         rready_i,
  // to the core
  output logic         start_o,
  output logic [31:0]  prog_addr_o,
  output logic [31:0]  prog_len_o,
  // from the core
  input  logic         start_block_i,   // a fetch request of an earlier run is pending
  input  logic         busy_i,
  input  logic         done_i,
  input  logic         error_i,
  input  logic [2:0]   err_code_i,
  input  logic [31:0]  err_index_i,
  input  logic [63:0]  cycles_i,
  input  logic [31:0]  busy_ld_i,
  input  logic [31:0]  busy_cp_i,
  input  logic [31:0]  busy_st_i,
  input  logic [31:0]  retired_i
);

  // HWCFG: rows [7:0], cols [15:8], log2 line bytes [19:16], log2 banks
  // [23:20], log2 AXI data bytes [27:24], log2 fetch depth [31:28].
  localparam logic [31:0] HwCfg = {4'($clog2(FetchDepth)), 4'($clog2(AxiDataBits / 8)),
                                   4'($clog2(SpadBanks)), 4'($clog2(LineBytes)),
                                   8'(ArrayCols), 8'(ArrayRows)};

  logic        bvalid_q, bvalid_d;
  logic [1:0]  bresp_q, bresp_d;
  logic        rvalid_q, rvalid_d;
  logic [1:0]  rresp_q, rresp_d;
  logic [31:0] rdata_q, rdata_d;
  logic [31:0] paddr_q, paddr_d;
  logic [31:0] plen_q, plen_d;

  logic        wr, rd, wr_mapped, rd_mapped;
  logic [31:0] rval;

  function automatic logic [31:0] apply_strb(input logic [31:0] old, input logic [31:0] d,
                                             input logic [3:0] strb);
    logic [31:0] v;
    v = old;
    for (int b = 0; b < 4; b++) begin
      if (strb[b]) begin
        v[b*8 +: 8] = d[b*8 +: 8];
      end
    end
    apply_strb = v;
  endfunction

  always_comb begin
    wr        = awvalid_i && wvalid_i && !bvalid_q;
    rd        = arvalid_i && !rvalid_q;
    wr_mapped = awaddr_i[7:2] <= 6'(`ACC_REG_SPAD_BYTES >> 2);
    rd_mapped = araddr_i[7:2] <= 6'(`ACC_REG_SPAD_BYTES >> 2);

    case ({araddr_i[7:2], 2'b00})
      `ACC_REG_CTRL:       rval = 32'd0;
      `ACC_REG_STATUS:     rval = {29'd0, error_i, done_i, busy_i};
      `ACC_REG_ERR_CODE:   rval = 32'(err_code_i);
      `ACC_REG_ERR_INDEX:  rval = err_index_i;
      `ACC_REG_PROG_ADDR:  rval = paddr_q;
      `ACC_REG_PROG_LEN:   rval = plen_q;
      `ACC_REG_CYCLES_LO:  rval = cycles_i[31:0];
      `ACC_REG_CYCLES_HI:  rval = cycles_i[63:32];
      `ACC_REG_BUSY_LD:    rval = busy_ld_i;
      `ACC_REG_BUSY_CP:    rval = busy_cp_i;
      `ACC_REG_BUSY_ST:    rval = busy_st_i;
      `ACC_REG_RETIRED:    rval = retired_i;
      `ACC_REG_ID:         rval = `ACC_ID_VALUE;
      `ACC_REG_HWCFG:      rval = HwCfg;
      `ACC_REG_SPAD_BYTES: rval = SpadBytes;
      default:             rval = 32'd0;
    endcase
  end

  always_comb begin
    bvalid_d = bvalid_q;
    bresp_d  = bresp_q;
    rvalid_d = rvalid_q;
    rresp_d  = rresp_q;
    rdata_d  = rdata_q;
    paddr_d  = paddr_q;
    plen_d   = plen_q;
    start_o  = 1'b0;
    if (bvalid_q && bready_i) begin
      bvalid_d = 1'b0;
    end
    if (wr) begin
      bvalid_d = 1'b1;
      bresp_d  = wr_mapped ? `ACC_RESP_OKAY : `ACC_RESP_SLVERR;
      case ({awaddr_i[7:2], 2'b00})
        `ACC_REG_CTRL:      start_o = wstrb_i[0] && wdata_i[0] && !busy_i && !start_block_i;
        `ACC_REG_PROG_ADDR: paddr_d = apply_strb(paddr_q, wdata_i, wstrb_i);
        `ACC_REG_PROG_LEN:  plen_d  = apply_strb(plen_q, wdata_i, wstrb_i);
        default: ;
      endcase
    end
    if (rvalid_q && rready_i) begin
      rvalid_d = 1'b0;
    end
    if (rd) begin
      rvalid_d = 1'b1;
      rresp_d  = rd_mapped ? `ACC_RESP_OKAY : `ACC_RESP_SLVERR;
      rdata_d  = rd_mapped ? rval : 32'd0;
    end
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      bvalid_q <= 1'b0;
      bresp_q  <= `ACC_RESP_OKAY;
      rvalid_q <= 1'b0;
      rresp_q  <= `ACC_RESP_OKAY;
      rdata_q  <= '0;
      paddr_q  <= '0;
      plen_q   <= '0;
    end else begin
      bvalid_q <= bvalid_d;
      bresp_q  <= bresp_d;
      rvalid_q <= rvalid_d;
      rresp_q  <= rresp_d;
      rdata_q  <= rdata_d;
      paddr_q  <= paddr_d;
      plen_q   <= plen_d;
    end
  end

  assign awready_o   = wr;
  assign wready_o    = wr;
  assign bvalid_o    = bvalid_q;
  assign bresp_o     = bresp_q;
  assign arready_o   = !rvalid_q;
  assign rvalid_o    = rvalid_q;
  assign rresp_o     = rresp_q;
  assign rdata_o     = rdata_q;
  assign prog_addr_o = paddr_q;
  assign prog_len_o  = plen_q;

  logic unused_addr;
  assign unused_addr = ^{awaddr_i[1:0], araddr_i[1:0]};

`ifndef SYNTHESIS
  RegsBStable: assert property (@(posedge clk_i) disable iff (!rst_ni)
      bvalid_o && !bready_i |=> bvalid_o && $stable(bresp_o));
  RegsRStable: assert property (@(posedge clk_i) disable iff (!rst_ni)
      rvalid_o && !rready_i |=> rvalid_o && $stable(rdata_o) && $stable(rresp_o));

  // Cover points (make coverage).
  RegsCoverReadUnmapped: cover property (@(posedge clk_i) disable iff (!rst_ni)
      rd && !rd_mapped);
  RegsCoverWriteUnmapped: cover property (@(posedge clk_i) disable iff (!rst_ni)
      wr && !wr_mapped);
  RegsCoverWritePartialStrobe: cover property (@(posedge clk_i) disable iff (!rst_ni)
      wr && wstrb_i != 4'hf && wstrb_i != 4'h0);
  RegsCoverStartIgnoredWhileBusy: cover property (@(posedge clk_i) disable iff (!rst_ni)
      wr && {awaddr_i[7:2], 2'b00} == `ACC_REG_CTRL && wdata_i[0] && busy_i);
  RegsCoverBStalled: cover property (@(posedge clk_i) disable iff (!rst_ni)
      bvalid_q && !bready_i);
  RegsCoverRStalled: cover property (@(posedge clk_i) disable iff (!rst_ni)
      rvalid_q && !rready_i);
`endif

endmodule
