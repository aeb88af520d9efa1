// acc_top - the convolution accelerator: AXI4-Lite registers, instruction
// fetch, controller, LOAD / COMPUTE / STORE engines, banked scratchpad and an
// R x C output-stationary systolic array.  Timing: docs/model.md; structure,
// ports and pipelines: docs/rtl.md.
`include "acc_defs.svh"
module acc_top #(
  parameter int unsigned ArrayRows   = 16,    // R
  parameter int unsigned ArrayCols   = 16,    // C
  parameter int unsigned SpadBytes   = 65536,
  parameter int unsigned SpadBanks   = 8,     // NB
  parameter int unsigned LineBytes   = 16,    // LW: pow2 >= max(R, C)
  parameter int unsigned AxiDataBits = 64,    // DW*8
  parameter int unsigned FetchDepth  = 32     // F: pow2 >= max(4, Lr + 2)
) (
  input  logic clk_i,
  input  logic rst_ni,
  // AXI4-Lite slave: registers.
  input  logic [7:0]  s_axil_awaddr_i,
  input  logic        s_axil_awvalid_i,
  output logic        s_axil_awready_o,
  input  logic [31:0] s_axil_wdata_i,
  input  logic [3:0]  s_axil_wstrb_i,
  input  logic        s_axil_wvalid_i,
  output logic        s_axil_wready_o,
  output logic [1:0]  s_axil_bresp_o,
  output logic        s_axil_bvalid_o,
  input  logic        s_axil_bready_i,
  input  logic [7:0]  s_axil_araddr_i,
  input  logic        s_axil_arvalid_i,
  output logic        s_axil_arready_o,
  output logic [31:0] s_axil_rdata_o,
  output logic [1:0]  s_axil_rresp_o,
  output logic        s_axil_rvalid_o,
  input  logic        s_axil_rready_i,
  // AXI4 master: data (DMA).
  output logic [31:0]              m_axi_araddr_o,
  output logic [7:0]               m_axi_arlen_o,
  output logic [2:0]               m_axi_arsize_o,
  output logic [1:0]               m_axi_arburst_o,
  output logic                     m_axi_arvalid_o,
  input  logic                     m_axi_arready_i,
  input  logic [AxiDataBits-1:0]   m_axi_rdata_i,
  input  logic [1:0]               m_axi_rresp_i,
  input  logic                     m_axi_rlast_i,
  input  logic                     m_axi_rvalid_i,
  output logic                     m_axi_rready_o,
  output logic [31:0]              m_axi_awaddr_o,
  output logic [7:0]               m_axi_awlen_o,
  output logic [2:0]               m_axi_awsize_o,
  output logic [1:0]               m_axi_awburst_o,
  output logic                     m_axi_awvalid_o,
  input  logic                     m_axi_awready_i,
  output logic [AxiDataBits-1:0]   m_axi_wdata_o,
  output logic [AxiDataBits/8-1:0] m_axi_wstrb_o,
  output logic                     m_axi_wlast_o,
  output logic                     m_axi_wvalid_o,
  input  logic                     m_axi_wready_i,
  input  logic [1:0]               m_axi_bresp_i,
  input  logic                     m_axi_bvalid_i,
  output logic                     m_axi_bready_o,
  // AXI4 master: instruction fetch.
  output logic [31:0]  m_axi_i_araddr_o,
  output logic [7:0]   m_axi_i_arlen_o,
  output logic [2:0]   m_axi_i_arsize_o,
  output logic [1:0]   m_axi_i_arburst_o,
  output logic         m_axi_i_arvalid_o,
  input  logic         m_axi_i_arready_i,
  input  logic [255:0] m_axi_i_rdata_i,
  input  logic [1:0]   m_axi_i_rresp_i,
  input  logic         m_axi_i_rlast_i,
  input  logic         m_axi_i_rvalid_i,
  output logic         m_axi_i_rready_o,
  // Trace port
  output logic        trace_issue_o,
  output logic [31:0] trace_issue_idx_o,
  output logic [3:0]  trace_issue_op_o,
  output logic [2:0]  trace_done_o,
  output logic [31:0] trace_ld_idx_o,
  output logic [31:0] trace_cp_idx_o,
  output logic [31:0] trace_st_idx_o,
  output logic        irq_o
);

  localparam int unsigned SpadWidth = SpadBanks * LineBytes * 8;
  localparam int unsigned Window    = (SpadBanks - 1) * LineBytes + 1;  // W: bytes of a port read

  // ---------------------------------------------------------------- nets
  logic         start, start_block;
  logic [31:0]  prog_addr, prog_len;
  logic         busy, done, error;
  logic [2:0]   err_code;
  logic [31:0]  err_index;
  logic [63:0]  cycles;
  logic [31:0]  busy_ld, busy_cp, busy_st, retired;

  logic         head_valid, head_err, pop, fetch_stop;
  logic [255:0] head;

  logic         ld_issue, cp_issue, st_issue;
  logic [31:0]  issue_idx;
  logic         ld_busy, ld_done, ld_err;
  logic         cp_busy, cp_done;
  logic         st_busy, st_done, st_err;
  logic [31:0]  ld_idx, cp_idx, st_idx;

  logic                     ra_en, rw_en, rp_en, rs_en, wl_en, wc_en, spad_race;
  logic [`ACC_SAW-1:0]      ra_addr, rw_addr, rp_addr, rs_addr, wl_addr, wc_addr;
  logic [SpadWidth-1:0]     ra_line;
  logic [$clog2(SpadWidth/8)-1:0] ra_rot;
  logic [ArrayCols*8-1:0]   rw_data;
  logic [ArrayRows*32-1:0]  rp_data;
  logic [AxiDataBits-1:0]   rs_data;
  logic [AxiDataBits-1:0]   wl_data;
  logic [AxiDataBits/8-1:0] wl_be;
  logic [ArrayRows*32-1:0]  wc_data;
  logic [ArrayRows*4-1:0]   wc_be;

  // ---------------------------------------------------------------- registers
  acc_regs #(
    .ArrayRows   (ArrayRows),
    .ArrayCols   (ArrayCols),
    .SpadBytes   (SpadBytes),
    .SpadBanks   (SpadBanks),
    .LineBytes   (LineBytes),
    .AxiDataBits (AxiDataBits),
    .FetchDepth  (FetchDepth)
  ) u_regs (
    .clk_i         (clk_i),
    .rst_ni        (rst_ni),
    .awaddr_i      (s_axil_awaddr_i),
    .awvalid_i     (s_axil_awvalid_i),
    .awready_o     (s_axil_awready_o),
    .wdata_i       (s_axil_wdata_i),
    .wstrb_i       (s_axil_wstrb_i),
    .wvalid_i      (s_axil_wvalid_i),
    .wready_o      (s_axil_wready_o),
    .bresp_o       (s_axil_bresp_o),
    .bvalid_o      (s_axil_bvalid_o),
    .bready_i      (s_axil_bready_i),
    .araddr_i      (s_axil_araddr_i),
    .arvalid_i     (s_axil_arvalid_i),
    .arready_o     (s_axil_arready_o),
    .rdata_o       (s_axil_rdata_o),
    .rresp_o       (s_axil_rresp_o),
    .rvalid_o      (s_axil_rvalid_o),
    .rready_i      (s_axil_rready_i),
    .start_o       (start),
    .prog_addr_o   (prog_addr),
    .prog_len_o    (prog_len),
    .start_block_i (start_block),
    .busy_i        (busy),
    .done_i        (done),
    .error_i       (error),
    .err_code_i    (err_code),
    .err_index_i   (err_index),
    .cycles_i      (cycles),
    .busy_ld_i     (busy_ld),
    .busy_cp_i     (busy_cp),
    .busy_st_i     (busy_st),
    .retired_i     (retired)
  );

  // ---------------------------------------------------------------- fetch
  acc_fetch #(
    .Depth (FetchDepth)
  ) u_fetch (
    .clk_i        (clk_i),
    .rst_ni       (rst_ni),
    .start_i      (start),
    .prog_addr_i  (prog_addr),
    .prog_len_i   (prog_len),
    .stop_i       (fetch_stop),
    .ar_pending_o (start_block),
    .araddr_o     (m_axi_i_araddr_o),
    .arlen_o      (m_axi_i_arlen_o),
    .arsize_o     (m_axi_i_arsize_o),
    .arburst_o    (m_axi_i_arburst_o),
    .arvalid_o    (m_axi_i_arvalid_o),
    .arready_i    (m_axi_i_arready_i),
    .rdata_i      (m_axi_i_rdata_i),
    .rresp_i      (m_axi_i_rresp_i),
    .rlast_i      (m_axi_i_rlast_i),
    .rvalid_i     (m_axi_i_rvalid_i),
    .rready_o     (m_axi_i_rready_o),
    .head_valid_o (head_valid),
    .head_o       (head),
    .head_err_o   (head_err),
    .pop_i        (pop)
  );

  // ---------------------------------------------------------------- controller
  acc_ctrl #(
    .SpadBytes (SpadBytes),
    .Rows      (ArrayRows),
    .Window    (Window)
  ) u_ctrl (
    .clk_i         (clk_i),
    .rst_ni        (rst_ni),
    .start_i       (start),
    .prog_len_i    (prog_len),
    .head_valid_i  (head_valid),
    .head_i        (head),
    .head_err_i    (head_err),
    .pop_o         (pop),
    .fetch_stop_o  (fetch_stop),
    .ld_issue_o    (ld_issue),
    .cp_issue_o    (cp_issue),
    .st_issue_o    (st_issue),
    .issue_idx_o   (issue_idx),
    .ld_busy_i     (ld_busy),
    .ld_done_i     (ld_done),
    .ld_err_i      (ld_err),
    .ld_idx_i      (ld_idx),
    .cp_busy_i     (cp_busy),
    .cp_done_i     (cp_done),
    .cp_idx_i      (cp_idx),
    .st_busy_i     (st_busy),
    .st_done_i     (st_done),
    .st_err_i      (st_err),
    .st_idx_i      (st_idx),
    .spad_race_i   (spad_race),
    .busy_o        (busy),
    .done_o        (done),
    .error_o       (error),
    .err_code_o    (err_code),
    .err_index_o   (err_index),
    .cycles_o      (cycles),
    .busy_ld_o     (busy_ld),
    .busy_cp_o     (busy_cp),
    .busy_st_o     (busy_st),
    .retired_o     (retired),
    .trace_issue_o (trace_issue_o),
    .trace_op_o    (trace_issue_op_o)
  );

  // ---------------------------------------------------------------- engines
  acc_load #(
    .AxiDataBits (AxiDataBits),
    .MaxBursts   (FetchDepth)
  ) u_load (
    .clk_i     (clk_i),
    .rst_ni    (rst_ni),
    .issue_i   (ld_issue),
    .instr_i   (head),
    .idx_i     (issue_idx),
    .busy_o    (ld_busy),
    .done_o    (ld_done),
    .err_o     (ld_err),
    .idx_o     (ld_idx),
    .araddr_o  (m_axi_araddr_o),
    .arlen_o   (m_axi_arlen_o),
    .arsize_o  (m_axi_arsize_o),
    .arburst_o (m_axi_arburst_o),
    .arvalid_o (m_axi_arvalid_o),
    .arready_i (m_axi_arready_i),
    .rdata_i   (m_axi_rdata_i),
    .rresp_i   (m_axi_rresp_i),
    .rlast_i   (m_axi_rlast_i),
    .rvalid_i  (m_axi_rvalid_i),
    .rready_o  (m_axi_rready_o),
    .wr_en_o   (wl_en),
    .wr_addr_o (wl_addr),
    .wr_data_o (wl_data),
    .wr_be_o   (wl_be)
  );

  acc_compute #(
    .Rows      (ArrayRows),
    .Cols      (ArrayCols),
    .SpadBytes (SpadBytes),
    .SpadWidth (SpadWidth),
    .Window    (Window)
  ) u_compute (
    .clk_i     (clk_i),
    .rst_ni    (rst_ni),
    .issue_i   (cp_issue),
    .instr_i   (head),
    .idx_i     (issue_idx),
    .busy_o    (cp_busy),
    .done_o    (cp_done),
    .idx_o     (cp_idx),
    .ra_en_o   (ra_en),
    .ra_addr_o (ra_addr),
    .ra_line_i (ra_line),
    .ra_rot_i  (ra_rot),
    .rw_en_o   (rw_en),
    .rw_addr_o (rw_addr),
    .rw_data_i (rw_data),
    .rp_en_o   (rp_en),
    .rp_addr_o (rp_addr),
    .rp_data_i (rp_data),
    .wc_en_o   (wc_en),
    .wc_addr_o (wc_addr),
    .wc_data_o (wc_data),
    .wc_be_o   (wc_be)
  );

  acc_store #(
    .AxiDataBits (AxiDataBits)
  ) u_store (
    .clk_i     (clk_i),
    .rst_ni    (rst_ni),
    .issue_i   (st_issue),
    .instr_i   (head),
    .idx_i     (issue_idx),
    .busy_o    (st_busy),
    .done_o    (st_done),
    .err_o     (st_err),
    .idx_o     (st_idx),
    .awaddr_o  (m_axi_awaddr_o),
    .awlen_o   (m_axi_awlen_o),
    .awsize_o  (m_axi_awsize_o),
    .awburst_o (m_axi_awburst_o),
    .awvalid_o (m_axi_awvalid_o),
    .awready_i (m_axi_awready_i),
    .wdata_o   (m_axi_wdata_o),
    .wstrb_o   (m_axi_wstrb_o),
    .wlast_o   (m_axi_wlast_o),
    .wvalid_o  (m_axi_wvalid_o),
    .wready_i  (m_axi_wready_i),
    .bresp_i   (m_axi_bresp_i),
    .bvalid_i  (m_axi_bvalid_i),
    .bready_o  (m_axi_bready_o),
    .rd_en_o   (rs_en),
    .rd_addr_o (rs_addr),
    .rd_data_i (rs_data)
  );

  // ---------------------------------------------------------------- scratchpad
  acc_spad #(
    .SpadBytes (SpadBytes),
    .Banks     (SpadBanks),
    .LineBytes (LineBytes),
    .WlBytes   (AxiDataBits / 8),
    .WcBytes   (ArrayRows * 4),
    .RwBytes   (ArrayCols),
    .RpBytes   (ArrayRows * 4),
    .RsBytes   (AxiDataBits / 8)
  ) u_spad (
    .clk_i     (clk_i),
    .rst_ni    (rst_ni),
    .ra_en_i   (ra_en),
    .ra_addr_i (ra_addr),
    .ra_line_o (ra_line),
    .ra_rot_o  (ra_rot),
    .rw_en_i   (rw_en),
    .rw_addr_i (rw_addr),
    .rw_data_o (rw_data),
    .rp_en_i   (rp_en),
    .rp_addr_i (rp_addr),
    .rp_data_o (rp_data),
    .rs_en_i   (rs_en),
    .rs_addr_i (rs_addr),
    .rs_data_o (rs_data),
    .wl_en_i   (wl_en),
    .wl_addr_i (wl_addr),
    .wl_data_i (wl_data),
    .wl_be_i   (wl_be),
    .wc_en_i   (wc_en),
    .wc_addr_i (wc_addr),
    .wc_data_i (wc_data),
    .wc_be_i   (wc_be),
    .race_o    (spad_race)
  );

  // ---------------------------------------------------------------- trace
  assign trace_issue_idx_o = issue_idx;
  assign trace_done_o      = {st_done, cp_done, ld_done};
  assign trace_ld_idx_o    = ld_idx;
  assign trace_cp_idx_o    = cp_idx;
  assign trace_st_idx_o    = st_idx;
  assign irq_o             = done | error;

  // ---------------------------------------------------------------- parameters
  // TopParamsLegal: the parameter constraints of docs/rtl.md "Parameters",
  // checked at elaboration.  An illegal combination elaborates an `$error`
  // elaboration system task (IEEE 1800-2017 20.11), which stops Yosys and,
  // as a USERERROR, Verilator (mk/rtl.mk keeps it an error under -Wno-fatal).
  // Yosys 0.23 prints the message without substituting format arguments,
  // so the messages are plain strings.
  if ((ArrayRows < 1) || (ArrayRows > 64) || (ArrayCols < 1) || (ArrayCols > 64))
  begin : g_illegal_array
    $error("TopParamsLegal: ArrayRows and ArrayCols must be 1..64");
  end
  if (((LineBytes & (LineBytes - 1)) != 0) || (LineBytes < ArrayRows)
      || (LineBytes < ArrayCols)) begin : g_illegal_line
    $error("TopParamsLegal: LineBytes must be a power of two >= max(ArrayRows, ArrayCols)");
  end
  if ((SpadBanks < 1) || ((SpadBanks & (SpadBanks - 1)) != 0)) begin : g_illegal_banks
    $error("TopParamsLegal: SpadBanks must be a power of two");
  end
  if ((SpadBytes > (1 << 20)) || (SpadBytes % (SpadBanks * LineBytes) != 0))
  begin : g_illegal_spad
    $error("TopParamsLegal: SpadBytes must be <= 2^20 and a multiple of SpadBanks * LineBytes");
  end
  if (((ArrayRows - 1) * 7 + 1 > (SpadBanks - 1) * LineBytes + 1)
      || (ArrayRows * 4 > (SpadBanks - 1) * LineBytes + 1)
      || (AxiDataBits / 8 > (SpadBanks - 1) * LineBytes + 1)) begin : g_illegal_window
    $error("TopParamsLegal: a port window ((R-1)*7+1, 4R or DW bytes) exceeds (SpadBanks-1)*LineBytes+1");
  end
  if ((AxiDataBits < 32) || (AxiDataBits > 512) || ((AxiDataBits & (AxiDataBits - 1)) != 0))
  begin : g_illegal_axi
    $error("TopParamsLegal: AxiDataBits must be a power of two, 32..512");
  end
  if ((FetchDepth < 4) || ((FetchDepth & (FetchDepth - 1)) != 0)) begin : g_illegal_fetch
    $error("TopParamsLegal: FetchDepth must be a power of two >= 4");
  end


`ifndef SYNTHESIS
  // Cover points (make coverage): the three engines busy at once.
  TopCoverAllEnginesBusy: cover property (@(posedge clk_i) disable iff (!rst_ni)
      ld_busy && cp_busy && st_busy);
`endif

endmodule
