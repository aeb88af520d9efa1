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
// Read ports return, one cycle after the request, Banks*LineBytes bytes
// starting at the requested address (byte j = the byte at addr + j; bytes
// past the window the caller asked for are other data).  Addresses are
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
  parameter int unsigned WcBytes   = 64
) (
  input  logic                          clk_i,
  input  logic                          rst_ni,
  input  logic                          ra_en_i,
  input  logic [`ACC_SAW-1:0]           ra_addr_i,
  output logic [Banks*LineBytes*8-1:0]  ra_data_o,
  input  logic                          rw_en_i,
  input  logic [`ACC_SAW-1:0]           rw_addr_i,
  output logic [Banks*LineBytes*8-1:0]  rw_data_o,
  input  logic                          rp_en_i,
  input  logic [`ACC_SAW-1:0]           rp_addr_i,
  output logic [Banks*LineBytes*8-1:0]  rp_data_o,
  input  logic                          rs_en_i,
  input  logic [`ACC_SAW-1:0]           rs_addr_i,
  output logic [Banks*LineBytes*8-1:0]  rs_data_o,
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
  // Rotate the (zero-padded) write windows left by addr mod N so that byte j
  // lands in bank ((addr + j) / LineBytes) mod Banks.
  logic [2*N*8-1:0] wl_dbl, wc_dbl;
  logic [2*N-1:0]   wl_bdbl, wc_bdbl;
  logic [N*8-1:0]   wl_all, wc_all;
  logic [N-1:0]     wl_ball, wc_ball;

  // (Only computed for an active port: simulation speed.)
  always_comb begin
    wl_dbl  = '0;
    wl_bdbl = '0;
    if (wl_en_i) begin
      wl_dbl  = {(N*8)'(wl_data_i), (N*8)'(wl_data_i)} << {wl_addr_i[RotW-1:0], 3'b000};
      wl_bdbl = {N'(wl_be_i), N'(wl_be_i)} << wl_addr_i[RotW-1:0];
    end
    wl_all  = wl_dbl[N*8 +: N*8];
    wl_ball = wl_bdbl[N +: N];
  end
  always_comb begin
    wc_dbl  = '0;
    wc_bdbl = '0;
    if (wc_en_i) begin
      wc_dbl  = {(N*8)'(wc_data_i), (N*8)'(wc_data_i)} << {wc_addr_i[RotW-1:0], 3'b000};
      wc_bdbl = {N'(wc_be_i), N'(wc_be_i)} << wc_addr_i[RotW-1:0];
    end
    wc_all  = wc_dbl[N*8 +: N*8];
    wc_ball = wc_bdbl[N +: N];
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
  // Rotate right by the registered addr mod N: byte j = the byte at addr + j.
  logic [2*N*8-1:0] ra_dbl, rw_dbl, rp_dbl, rs_dbl;
  always_comb begin
    ra_dbl = {ra_all, ra_all} >> {ra_rot_q, 3'b000};
    rw_dbl = {rw_all, rw_all} >> {rw_rot_q, 3'b000};
    rp_dbl = {rp_all, rp_all} >> {rp_rot_q, 3'b000};
    rs_dbl = {rs_all, rs_all} >> {rs_rot_q, 3'b000};
  end
  assign ra_data_o = ra_dbl[0 +: N*8];
  assign rw_data_o = rw_dbl[0 +: N*8];
  assign rp_data_o = rp_dbl[0 +: N*8];
  assign rs_data_o = rs_dbl[0 +: N*8];

  logic unused_dbl;
  assign unused_dbl = ^{wl_dbl[0 +: N*8], wc_dbl[0 +: N*8], wl_bdbl[0 +: N], wc_bdbl[0 +: N],
                        ra_dbl[N*8 +: N*8], rw_dbl[N*8 +: N*8], rp_dbl[N*8 +: N*8],
                        rs_dbl[N*8 +: N*8]};

`ifndef SYNTHESIS
  // Windows fit the interleaving: no bank is touched twice by one access.
  SpadLoadWindowFits: assert property (@(posedge clk_i) disable iff (!rst_ni)
      WlBytes <= (Banks - 1) * LineBytes + 1);
  SpadComputeWindowFits: assert property (@(posedge clk_i) disable iff (!rst_ni)
      WcBytes <= (Banks - 1) * LineBytes + 1);
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
