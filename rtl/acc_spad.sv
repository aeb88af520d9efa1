// acc_spad - the unified scratchpad: SpadBytes bytes in Banks word-interleaved
// banks of LineBytes-wide words (byte address A lives in line A / LineBytes,
// bank (A / LineBytes) mod Banks, word (A / LineBytes) / Banks of that bank).
//
// Every port accesses a contiguous window of bytes at any byte address; a
// window of up to (Banks-1)*LineBytes+1 bytes touches each bank at most once,
// so every port runs at full rate without conflicts or arbitration.  The
// rotation that lines the banks' words up with the window is done here,
// outside the banks.  Ports (each bank has 4 read and 2 write ports):
//   ra  compute activation read   window (R-1)*sw+1 bytes
//   rw  compute weight read       C bytes
//   rp  compute partial-sum read  4R bytes (ACC drain)
//   rs  store read                DW bytes
//   wl  load write                WlBytes (= DW) bytes with byte enables
//   wc  compute result write      WcBytes (= 4R) bytes with byte enables
// Read ports return their data one cycle after the request.  The rw, rp and
// rs ports return RwBytes, RpBytes and RsBytes bytes starting at the
// requested address (byte j = the byte at addr + j).  The ra port returns
// the banks' words unrotated (ra_line_o: bank b's word at bytes
// b*LineBytes ..) with the rotation registered with the read (ra_rot_o,
// addr mod Banks*LineBytes): byte j of the window is line byte
// (ra_rot_o + j) mod (Banks*LineBytes), which the reader selects per lane
// (acc_compute folds the rotation into its lane selects).  Each output
// byte is one byte select of the banks' words: no wide rotation is built
// (simulation speed, docs/rtl.md "Simulation speed").  Addresses are
// `ACC_SAW bits and wrap; a read outside the scratchpad returns junk (its
// lanes must be masked by the reader), a write outside it is an error.
//
// The two write ports may write one bank word in a cycle (their bytes
// merge); both writing one byte is a write race: race_o is high in that
// cycle (combinational, from this cycle's write ports) and the controller
// stops the run with SPAD_RACE.  What the raced byte then holds is undefined.
`include "acc_defs.svh"
module acc_spad #(
  parameter int unsigned SpadBytes = 65536,
  parameter int unsigned Banks     = 8,
  parameter int unsigned LineBytes = 16,
  parameter int unsigned WlBytes   = 8,
  parameter int unsigned WcBytes   = 64,
  parameter int unsigned RwBytes   = 16,
  parameter int unsigned RpBytes   = 64,
  parameter int unsigned RsBytes   = 8
) (
  input  logic                          clk_i,
  input  logic                          rst_ni,
  input  logic                          ra_en_i,
  input  logic [`ACC_SAW-1:0]           ra_addr_i,
  output logic [Banks*LineBytes*8-1:0]  ra_line_o,
  output logic [$clog2(Banks*LineBytes)-1:0] ra_rot_o,
  input  logic                          rw_en_i,
  input  logic [`ACC_SAW-1:0]           rw_addr_i,
  output logic [RwBytes*8-1:0]          rw_data_o,
  input  logic                          rp_en_i,
  input  logic [`ACC_SAW-1:0]           rp_addr_i,
  output logic [RpBytes*8-1:0]          rp_data_o,
  input  logic                          rs_en_i,
  input  logic [`ACC_SAW-1:0]           rs_addr_i,
  output logic [RsBytes*8-1:0]          rs_data_o,
  input  logic                          wl_en_i,
  input  logic [`ACC_SAW-1:0]           wl_addr_i,
  input  logic [WlBytes*8-1:0]          wl_data_i,
  input  logic [WlBytes-1:0]            wl_be_i,
  input  logic                          wc_en_i,
  input  logic [`ACC_SAW-1:0]           wc_addr_i,
  input  logic [WcBytes*8-1:0]          wc_data_i,
  input  logic [WcBytes-1:0]            wc_be_i,
  output logic                          race_o
);

  localparam int unsigned N      = Banks * LineBytes;      // bytes across all banks
  localparam int unsigned LwBits = $clog2(LineBytes);
  localparam int unsigned NbBits = $clog2(Banks);
  localparam int unsigned RotW   = LwBits + NbBits;        // log2 N
  localparam int unsigned Aw     = `ACC_SAW - RotW;        // bank word address width
  localparam int unsigned Depth  = SpadBytes / N;

  // ---------------------------------------------------------------- addressing
  // Word of bank b for a window starting at addr: the first line's word, plus
  // one for the banks that come before the first line's bank.
  function automatic logic [Aw-1:0] bank_word(input logic [`ACC_SAW-1:LwBits] line,
                                              input int b);
    logic [Aw-1:0]     row0;
    logic [NbBits-1:0] lb;
    row0 = line[`ACC_SAW-1:RotW];
    lb   = line[RotW-1:LwBits];
    bank_word = row0 + ((32'(b) < 32'(lb)) ? Aw'(1) : Aw'(0));
  endfunction

  logic [RotW-1:0] ra_rot_q, rw_rot_q, rp_rot_q, rs_rot_q;
  logic [RotW-1:0] ra_rot_d, rw_rot_d, rp_rot_d, rs_rot_d;

  always_comb begin
    ra_rot_d = ra_en_i ? ra_addr_i[RotW-1:0] : ra_rot_q;
    rw_rot_d = rw_en_i ? rw_addr_i[RotW-1:0] : rw_rot_q;
    rp_rot_d = rp_en_i ? rp_addr_i[RotW-1:0] : rp_rot_q;
    rs_rot_d = rs_en_i ? rs_addr_i[RotW-1:0] : rs_rot_q;
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      ra_rot_q <= '0;
      rw_rot_q <= '0;
      rp_rot_q <= '0;
      rs_rot_q <= '0;
    end else begin
      ra_rot_q <= ra_rot_d;
      rw_rot_q <= rw_rot_d;
      rp_rot_q <= rp_rot_d;
      rs_rot_q <= rs_rot_d;
    end
  end

  // ---------------------------------------------------------------- write data
  // Rotate the write windows left by addr mod N: line byte i takes window
  // byte j = (i - addr) mod N when j is inside the window, so that window
  // byte j lands in bank ((addr + j) / LineBytes) mod Banks; line bytes
  // outside the window get no byte enable.  Each line byte is one select of
  // the window's bytes, only for an active port (simulation speed; no wide
  // shift), and its index is a constant (a placement at a computed index,
  // one per window byte, took Yosys over 30 minutes and 20 GB).
  localparam int unsigned WlJW = (WlBytes > 1) ? $clog2(WlBytes) : 1;
  localparam int unsigned WcJW = (WcBytes > 1) ? $clog2(WcBytes) : 1;
  logic [N*8-1:0]   wl_all, wc_all;
  logic [N-1:0]     wl_ball, wc_ball;
  logic [RotW-1:0]  wl_rot, wc_rot;
  assign wl_rot = wl_addr_i[RotW-1:0];
  assign wc_rot = wc_addr_i[RotW-1:0];

  always_comb begin
    wl_all  = '0;
    wl_ball = '0;
    if (wl_en_i) begin
      for (int i = 0; i < N; i++) begin
        if ({1'b0, RotW'(RotW'(i) - wl_rot)} < (RotW+1)'(WlBytes)) begin
          wl_all[i*8 +: 8] = wl_data_i[WlJW'(RotW'(i) - wl_rot)*8 +: 8];
          wl_ball[i]       = wl_be_i[WlJW'(RotW'(i) - wl_rot)];
        end
      end
    end
  end
  always_comb begin
    wc_all  = '0;
    wc_ball = '0;
    if (wc_en_i) begin
      for (int i = 0; i < N; i++) begin
        if ({1'b0, RotW'(RotW'(i) - wc_rot)} < (RotW+1)'(WcBytes)) begin
          wc_all[i*8 +: 8] = wc_data_i[WcJW'(RotW'(i) - wc_rot)*8 +: 8];
          wc_ball[i]       = wc_be_i[WcJW'(RotW'(i) - wc_rot)];
        end
      end
    end
  end

  // ---------------------------------------------------------------- banks
  logic [N*8-1:0] ra_all, rw_all, rp_all, rs_all;
  logic [Banks-1:0] race_bank;      // both write ports hit one byte of bank b

  for (genvar b = 0; b < Banks; b++) begin : g_bank
    logic [4*LineBytes*8-1:0] rdata;
    logic [LineBytes-1:0]     be_l, be_c;

    assign be_l = wl_ball[b*LineBytes +: LineBytes];
    assign be_c = wc_ball[b*LineBytes +: LineBytes];
    // Both ports write a byte of this bank, and the same word of it.
    assign race_bank[b] = |(be_l & be_c)
        && (bank_word(wl_addr_i[`ACC_SAW-1:LwBits], b) == bank_word(wc_addr_i[`ACC_SAW-1:LwBits], b));

    acc_spad_bank #(
      .LineBytes (LineBytes),
      .Depth     (Depth),
      .Aw        (Aw)
    ) u_bank (
      .clk_i   (clk_i),
      .rst_ni  (rst_ni),
      .re_i    ({rp_en_i, rs_en_i, rw_en_i, ra_en_i}),
      .raddr_i ({bank_word(rp_addr_i[`ACC_SAW-1:LwBits], b), bank_word(rs_addr_i[`ACC_SAW-1:LwBits], b),
                 bank_word(rw_addr_i[`ACC_SAW-1:LwBits], b), bank_word(ra_addr_i[`ACC_SAW-1:LwBits], b)}),
      .rdata_o (rdata),
      .we_i    ({|be_c, |be_l}),
      .waddr_i ({bank_word(wc_addr_i[`ACC_SAW-1:LwBits], b), bank_word(wl_addr_i[`ACC_SAW-1:LwBits], b)}),
      .wdata_i ({wc_all[b*LineBytes*8 +: LineBytes*8], wl_all[b*LineBytes*8 +: LineBytes*8]}),
      .wbe_i   ({be_c, be_l})
    );

    assign ra_all[b*LineBytes*8 +: LineBytes*8] = rdata[0 +: LineBytes*8];
    assign rw_all[b*LineBytes*8 +: LineBytes*8] = rdata[LineBytes*8 +: LineBytes*8];
    assign rs_all[b*LineBytes*8 +: LineBytes*8] = rdata[2*LineBytes*8 +: LineBytes*8];
    assign rp_all[b*LineBytes*8 +: LineBytes*8] = rdata[3*LineBytes*8 +: LineBytes*8];
  end

  assign race_o = |race_bank;

  // ---------------------------------------------------------------- read data
  // Byte j of a port = the byte at addr + j: line byte (rot + j) mod N, rot
  // the registered addr mod N.  The ra port leaves the rotation to its
  // reader.
  always_comb begin
    for (int j = 0; j < RwBytes; j++) begin
      rw_data_o[j*8 +: 8] = rw_all[{RotW'(rw_rot_q + RotW'(j)), 3'b000} +: 8];
    end
    for (int j = 0; j < RpBytes; j++) begin
      rp_data_o[j*8 +: 8] = rp_all[{RotW'(rp_rot_q + RotW'(j)), 3'b000} +: 8];
    end
    for (int j = 0; j < RsBytes; j++) begin
      rs_data_o[j*8 +: 8] = rs_all[{RotW'(rs_rot_q + RotW'(j)), 3'b000} +: 8];
    end
  end
  assign ra_line_o = ra_all;
  assign ra_rot_o  = ra_rot_q;

`ifndef SYNTHESIS
  // Windows fit the interleaving: no bank is touched twice by one access.
  SpadLoadWindowFits: assert property (@(posedge clk_i) disable iff (!rst_ni)
      WlBytes <= (Banks - 1) * LineBytes + 1);
  SpadComputeWindowFits: assert property (@(posedge clk_i) disable iff (!rst_ni)
      WcBytes <= (Banks - 1) * LineBytes + 1);
  SpadReadWindowsFit: assert property (@(posedge clk_i) disable iff (!rst_ni)
      RwBytes <= N && RpBytes <= N && RsBytes <= N);
  // Writes inside the scratchpad: asserted per bank word in acc_spad_bank.

  // Cover points (make coverage): windows that wrap around the last bank.
  SpadCoverLoadWindowWraps: cover property (@(posedge clk_i) disable iff (!rst_ni)
      wl_en_i && |wl_be_i && 32'(wl_addr_i[RotW-1:0]) + WlBytes > N);
  SpadCoverResultWindowWraps: cover property (@(posedge clk_i) disable iff (!rst_ni)
      wc_en_i && |wc_be_i && 32'(wc_addr_i[RotW-1:0]) + WcBytes > N);
  SpadCoverStoreWindowWraps: cover property (@(posedge clk_i) disable iff (!rst_ni)
      rs_en_i && 32'(rs_addr_i[RotW-1:0]) + WlBytes > N);
  SpadCoverPartialSumWindowWraps: cover property (@(posedge clk_i) disable iff (!rst_ni)
      rp_en_i && 32'(rp_addr_i[RotW-1:0]) + WcBytes > N);
  // A write race (the run stops with SPAD_RACE).
  SpadCoverWriteRace: cover property (@(posedge clk_i) disable iff (!rst_ni) race_o);
`endif

endmodule
