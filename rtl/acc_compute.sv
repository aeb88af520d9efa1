// acc_compute - the COMPUTE engine: operand feeder, systolic array, drain and
// result write-back.
//
// The instruction is latched at the edge ending its issue cycle s.  Passes
// run in the order pixel group (outer), k-segment (k0 = 0, C, 2C, ...,
// inner).  A pixel group is R output pixels, lane r its r-th:
//   row passes   (no FLAT)  the groups of output row oy are ox0 = 0, R, 2R,
//                ...; lane r is pixel (oy, ox0 + r), a pixel iff ox0 + r < tw;
//                P = th * ceil(tw/R) * ceil(tk/C)
//   FLAT passes  (flag bit 5) the tile's pixels flattened row-major,
//                q = oy*tw + ox: group g's lane r is pixel q = g*R + r, a
//                pixel iff q < th*tw; P = ceil(th*tw/R) * ceil(tk/C)
// Pass p starts in cycle b = s+1+p*D with the pass spacing
// D = max(L, R+2C-1).  With pc = cycle - b:
//   pc = t < L          feeder step t = (c*fh + i)*fw + j: one read of the
//                       window at lane 0's activation address (lane r takes
//                       its byte off_r; zero when its tap is padding or the
//                       lane is no pixel) and of the C weights (zero for
//                       k0 + q >= tk)
//   pc = t+1            the scratchpad data enters the array skew registers;
//                       PE (r, q) multiplies step t at pc = t+1+r+q; with
//                       step L-1 it copies its sum into its shadow register
//   pc = L-1            the drain state (output address, channel and lane
//                       masks, last-pass flag) is copied from the feeder's
//                       pass state, and the drain counter starts
//   pc = L+R+C-1 ..     drain: C cycles of shadow column shifts; the column
//        L+R+2C-2       leaving the array (q = C-1 first) is captured, and
//                       with ACC its old partial sums are read (port rp)
//   pc = L+R+C ..       the captured column (output channel k0+q) is written
//        L+R+2C-1       at out + (k*th*tw + q0)*4 (q0 = oy*tw + ox of lane 0),
//                       pixel lanes only (nothing for k >= tk); the last
//                       pass's last write is the engine's last busy cycle,
//                       e-1 = s+(P-1)*D+L+R+2C
// The feeder moves on to pass p+1 at pc = D while pass p drains: its pass
// state and the drain's are separate registers.  D >= R+2C-1 puts pass
// p+1's first shadow capture (pc = D+L) after pass p's last shift, and its
// drain load (pc = D+L-1) no earlier than that shift: one drain at a time.
//
// Lanes.  A pass's lanes are registers loaded at issue and at every
// pixel-group advance (k-segments share them) from one combinational lane
// chain that walks R+1 pixels from a start pixel (issue: (0, 0); a group
// advance: the registered next start): a step adds sw to the lane's window
// offset and to its ox*sw; at the end of an output row (ox+1 = tw) a FLAT
// step wraps to the next row (ox = 0, dy+1, offset + sw + G with
// G = sh*act_ph - tw*sw).  So lane r holds: pixel (valid), window offset
// off_r = r*sw + dy_r*G (kept as off_r - r: it lies in r .. r+W-R), dy_r*sh
// and ox_r*sw; element R is the next start
// and the offset and row step to it.  Row passes are the same chain
// without wraps (lanes past tw are no pixels) except the step to element
// R, which starts the next row.  Adds only; no multiplier or divider runs
// per pass or step.  Lane r's tap of step (c, i, j) is padding unless
//   0 <= vy + dy_r*sh < vh  and  0 <= vx + ox_r*sw < vw,
//   vy = oy_a*sh - ptop + i*dh,  vx = j*dw - pleft   (oy_a: lane 0's row)
// and its byte is window byte off_r of the read at lane 0's address
//   act + c*act_pc + (vy0 + i*dh)*act_ph + ox_a*sw - pleft + j*dw,
// which advances from group to group by element R's offset (FLAT), or by
// R*sw along a row and to the row base act + (oy*sh - ptop)*act_ph - pleft
// at a new row (row passes).  The window suffices: a pass's lanes cross at
// most X = floor((tw+R-2)/tw) row boundaries, so off_r <= X*G + (R-1)*sw,
// and acc_decode admits FLAT only when X*G + (R-1)*sw + 1 <= W (and G >= 0);
// row passes need (R-1)*sw + 1 <= W, an elaboration check of acc_top.
// The lanes cost 6 % of the default accelerator's cells (mostly the lane
// byte selects; docs/rtl.md, "Lanes") and run a tile narrower than the
// array in ceil(th*tw/R) pixel groups instead of th*ceil(tw/R).
`include "acc_defs.svh"
module acc_compute #(
  parameter int unsigned Rows      = 16,
  parameter int unsigned Cols      = 16,
  parameter int unsigned SpadBytes = 65536,
  parameter int unsigned SpadWidth = 1024,   // bits of a scratchpad read port
  parameter int unsigned Window    = 113      // W: valid bytes of a read from its address
) (
  input  logic                   clk_i,
  input  logic                   rst_ni,
  // issue
  input  logic                   issue_i,
  input  logic [255:0]           instr_i,
  input  logic [31:0]            idx_i,
  output logic                   busy_o,
  output logic                   done_o,
  output logic [31:0]            idx_o,
  // scratchpad: activation read, weight read, partial-sum read, result write
  output logic                   ra_en_o,
  output logic [`ACC_SAW-1:0]    ra_addr_o,
  input  logic [SpadWidth-1:0]   ra_line_i,  // the banks' words, unrotated
  input  logic [$clog2(SpadWidth/8)-1:0] ra_rot_i,  // ... and the read's rotation
  output logic                   rw_en_o,
  output logic [`ACC_SAW-1:0]    rw_addr_o,
  input  logic [Cols*8-1:0]      rw_data_i,
  output logic                   rp_en_o,
  output logic [`ACC_SAW-1:0]    rp_addr_o,
  input  logic [Rows*32-1:0]     rp_data_i,
  output logic                   wc_en_o,
  output logic [`ACC_SAW-1:0]    wc_addr_o,
  output logic [Rows*32-1:0]     wc_data_o,
  output logic [Rows*4-1:0]      wc_be_o
);

  // Lane r's window byte off_r lies in r .. r+W-R (off_r >= off_(r-1) + 1 and
  // off_(R-1) <= W-1): a lane keeps off_r - r, one of RelBytes values.
  localparam int unsigned RelBytes   = Window - Rows + 1;
  localparam int unsigned RelW       = (RelBytes > 1) ? $clog2(RelBytes) : 1;
  localparam logic [20:0] R2C1   = 21'(Rows + 2 * Cols - 1);  // smallest pass spacing
  localparam logic [7:0]  DShift = 8'(Rows + Cols);            // drain counter: first shift
  localparam logic [7:0]  DLast  = 8'(Rows + 2 * Cols - 1);    // ... and last shift

  // ---------------------------------------------------------------- instruction
  // The fields the engine uses and the products formed once in the issue
  // cycle, latched together at the edge ending it.  Every field is written
  // at issue and matters only while busy_q is set (idx also after it, as
  // idx_o), so the whole record resets to zero.
  typedef struct packed {
    logic [31:0]         idx;
    logic                accf;
    logic                flat;
    logic [2:0]          sw;
    logic [2:0]          sh;
    logic [2:0]          dh;
    logic [2:0]          dw;
    logic [3:0]          fh;
    logic [3:0]          fw;
    logic [11:0]         tc;
    logic [11:0]         tk;
    logic [9:0]          th;
    logic [9:0]          tw;
    logic [9:0]          vh;
    logic [9:0]          vw;
    logic [3:0]          pleft;
    logic [19:0]         actpc;
    logic [`ACC_SAW-1:0] wgt;
    logic [12:0]         dhph;     // dh * act_ph
    logic [12:0]         shph;     // sh * act_ph
    logic [15:0]         gap;      // G = sh*act_ph - tw*sw (mod 2^16; in [0, W) when FLAT)
    logic [`ACC_SAW-1:0] chstep;   // th * tw * 4: bytes per output channel
    logic [`ACC_SAW-1:0] cstep;    // C * chstep
    logic [`ACC_SAW-1:0] kofs0;    // (C-1) * chstep
    logic [20:0]         lenm1;    // L - 1 (L = tc * fh * fw): the last step
    logic [20:0]         dm1;      // D - 1 = max(L, R + 2C - 1) - 1: last feeder cycle of a pass
  } cp_instr_t;

  logic                busy_q, busy_d;     // issue .. last write
  cp_instr_t           instr_q, instr_d;

  // ---------------------------------------------------------------- feeder pass state
  // A pass covers the pixel group of its first pixel (oy_a, ox_a); each lane
  // r holds its pixel's place relative to it, loaded from the lane chain at
  // issue and at every pixel-group advance (k-segments share the group).
  logic                fact_q, fact_d;     // the feeder has passes left
  logic [12:0]         remk_q, remk_d;     // tk - k0: columns q < remk are channels
  logic signed [15:0]  vy0_q, vy0_d;       // oy_a*sh - ptop
  logic [`ACC_SAW-1:0] arow_q, arow_d;     // act + vy0*act_ph - pleft (row passes)
  logic [`ACC_SAW-1:0] abase_q, abase_d;   // arow + ox_a*sw: lane 0's pixel
  logic [`ACC_SAW-1:0] wbase_q, wbase_d;   // wgt + k0
  logic [`ACC_SAW-1:0] pixrow_q, pixrow_d; // out + oy_a*tw*4 (row passes)
  logic [`ACC_SAW-1:0] pix_q, pix_d;       // out + (oy_a*tw + ox_a)*4
  logic [`ACC_SAW-1:0] kofs_q, kofs_d;     // (k0 + C-1) * chstep
  logic [20:0]         pc_q, pc_d;         // feeder cycle within the pass, 0 .. D-1
  // The lanes of the pass (r = 0 .. R-1).
  logic [Rows-1:0]     lv_q, lv_d;         // lane r is a pixel of the tile
  logic [Rows*RelW-1:0] loff_q, loff_d;    // its byte in the window, off_r = r*sw + dy_r*G, less r
  logic [Rows*10-1:0]  lvy_q, lvy_d;       // dy_r*sh (dy_r: output rows crossed)
  logic [Rows*14-1:0]  lvx_q, lvx_d;       // ox_r*sw
  // The next pass's first pixel (the chain's element R) and the steps to it.
  logic [10:0]         noy_q, noy_d;       // its row (>= th: no pixel group left)
  logic [10:0]         nox_q, nox_d;       // its column
  logic [13:0]         nvx_q, nvx_d;       // nox*sw
  logic [15:0]         noff_q, noff_d;     // its activation byte from lane 0's
  logic [9:0]          nvy_q, nvy_d;       // rows it crosses, times sh
  logic                nrow_q, nrow_d;     // it starts another output row

  // ---------------------------------------------------------------- step state
  logic [11:0]         c_q, c_d;
  logic [3:0]          i_q, i_d, j_q, j_d;
  logic signed [15:0]  vy_q, vy_d, vx_q, vx_d;
  logic [`ACC_SAW-1:0] ac_q, ac_d, aci_q, aci_d, a_q, a_d, w_q, w_d;

  // ---------------------------------------------------------------- operand pipeline
  logic                first_q, first_d;   // ... and it is step 0
  logic                last_q, last_d;     // ... and it is step L-1
  logic [Rows-1:0]     amask_q, amask_d;   // activation lanes that are not padding
  logic [Rows*RelW-1:0] aoff_q, aoff_d;    // ... and their window bytes (less r)
  logic [Cols-1:0]     wmask_q, wmask_d;   // weight columns that are channels (k < tk)

  // ---------------------------------------------------------------- drain state
  // The pass being drained, copied from the feeder's pass state at its last
  // step (the feeder has moved on by the time the shadows drain).
  logic                dv_q, dv_d;         // a drain is under way
  logic [7:0]          dc_q, dc_d;         // drain counter: pc - (L-1) of the drained pass
  logic [`ACC_SAW-1:0] da_q, da_d;         // address of the column being drained
  logic [5:0]          dq_q, dq_d;         // its column index
  logic [12:0]         dremk_q, dremk_d;   // tk - k0 of the drained pass
  logic [Rows-1:0]     dlanes_q, dlanes_d; // its pixel lanes (ox < tw)
  logic                dlast_q, dlast_d;   // it is the instruction's last pass

  // ---------------------------------------------------------------- write-back
  logic                ov_q, ov_d;         // a drained column is to be written
  logic [Rows-1:0]     obe_q, obe_d;       // ... its lanes to write (none for k >= tk)
  logic                odone_q, odone_d;   // ... and it is the instruction's last write
  logic [`ACC_SAW-1:0] oaddr_q, oaddr_d;
  logic [Rows*32-1:0]  out_q, out_d;

  // ---------------------------------------------------------------- datapath nets
  logic                feed, feed_last, shift, pass_end, last_pass;
  logic [Rows*16-1:0]  vyr, vxr;         // vy, vx of every lane's tap
  logic [Rows-1:0]     lanemask;
  logic [Cols-1:0]     colmask;
  logic [Rows*8-1:0]   arr_act;
  logic [Cols*8-1:0]   arr_wgt;
  logic [Rows*32-1:0]  arr_col;
  logic [Rows*32-1:0]  wsum;

  // Issue-cycle products (from the head instruction).
  logic [19:0]         i_L;
  logic [19:0]         i_chstep;
  logic [12:0]         i_shph;
  logic [15:0]         i_gap;

  always_comb begin
    i_L      = 20'(instr_i[`ACC_F_TC]) * 20'(instr_i[`ACC_F_FH]) * 20'(instr_i[`ACC_F_FW]);
    i_chstep = 20'(instr_i[`ACC_F_TH]) * 20'(instr_i[`ACC_F_TW]);
    i_shph   = 13'(instr_i[`ACC_F_SH]) * 13'(instr_i[`ACC_F_ACT_PH]);
    i_gap    = 16'(i_shph) - 16'(instr_i[`ACC_F_TW]) * 16'(instr_i[`ACC_F_SW]);
  end

  // ---------------------------------------------------------------- lane chain
  // From a start pixel (issue: (0, 0); a pixel-group advance: the next
  // start), pixel by pixel: element r is lane r (r < R), element R the next
  // pass's first pixel.  Stepping to the next pixel adds sw to the window
  // offset and to ox*sw; at the end of an output row (ox+1 = tw) a FLAT step
  // wraps to the next row: ox = 0, dy+1, offset + sw + G.  Without FLAT only
  // the step to element R wraps (the lanes past tw are not pixels), so the
  // next pass starts the next ox-segment or the next row.  Adds only.
  logic                ch_flat;
  logic [9:0]          ch_th, ch_tw;
  logic [2:0]          ch_sw, ch_sh;
  logic [15:0]         ch_gap;
  logic [10:0]         ch_oy, ch_ox;     // walking pixel
  logic [13:0]         ch_vx;            // ox*sw
  logic [15:0]         ch_off;           // byte offset from lane 0
  logic [9:0]          ch_vy;            // dy*sh
  logic                ch_wrap, ch_row;
  logic [Rows-1:0]     ch_lv;
  logic [Rows*RelW-1:0] ch_loff;
  logic [Rows*10-1:0]  ch_lvy;
  logic [Rows*14-1:0]  ch_lvx;
  logic [Rows*16-1:0]  ch_lofs;          // full offsets (assertion)
  logic                chain_load;       // the lanes load from the chain

  // The chain is walked only in the cycles whose lanes load from it (its
  // outputs are zero otherwise): the other cycles do not evaluate it
  // (simulation speed).
  always_comb begin
    chain_load = issue_i || (pass_end && !last_pass && (remk_q <= 13'(Cols)));
    ch_lv   = '0;
    ch_loff = '0;
    ch_lofs = '0;
    ch_lvy  = '0;
    ch_lvx  = '0;
    ch_flat = issue_i ? instr_i[`ACC_F_FLAT] : instr_q.flat;
    ch_th   = issue_i ? instr_i[`ACC_F_TH] : instr_q.th;
    ch_tw   = issue_i ? instr_i[`ACC_F_TW] : instr_q.tw;
    ch_sw   = issue_i ? instr_i[`ACC_F_SW] : instr_q.sw;
    ch_sh   = issue_i ? instr_i[`ACC_F_SH] : instr_q.sh;
    ch_gap  = issue_i ? i_gap : instr_q.gap;
    ch_oy   = issue_i ? 11'd0 : noy_q;
    ch_ox   = issue_i ? 11'd0 : nox_q;
    ch_vx   = issue_i ? 14'd0 : nvx_q;
    ch_off  = '0;
    ch_vy   = '0;
    ch_row  = 1'b0;
    ch_wrap = 1'b0;
    if (chain_load) begin
      for (int r = 0; r < Rows; r++) begin
        ch_lv[r]                 = (ch_oy < {1'b0, ch_th}) && (ch_ox < {1'b0, ch_tw});
        ch_loff[r*RelW +: RelW]  = RelW'(ch_off - 16'(r));
        ch_lofs[r*16 +: 16]      = ch_off;
        ch_lvy[r*10 +: 10]       = ch_vy;
        ch_lvx[r*14 +: 14]       = ch_vx;
        ch_wrap = (ch_ox + 11'd1 >= {1'b0, ch_tw}) && (ch_flat || (r == Rows - 1));
        ch_off  = ch_off + 16'(ch_sw) + (ch_wrap ? ch_gap : 16'd0);
        ch_vy   = ch_vy + (ch_wrap ? 10'(ch_sh) : 10'd0);
        ch_vx   = ch_wrap ? 14'd0 : ch_vx + 14'(ch_sw);
        ch_oy   = ch_oy + 11'(ch_wrap);
        ch_ox   = ch_wrap ? 11'd0 : ch_ox + 11'd1;
        ch_row  = ch_row || ch_wrap;
      end
    end
  end

  always_comb begin
    feed      = fact_q && (pc_q <= instr_q.lenm1);
    feed_last = fact_q && (pc_q == instr_q.lenm1);
    pass_end  = fact_q && (pc_q == instr_q.dm1);
    shift     = dv_q && (dc_q >= DShift);
    last_pass = (remk_q <= 13'(Cols)) && (noy_q >= {1'b0, instr_q.th});
    // Lane r's tap: row vy + dy_r*sh, column vx + ox_r*sw of the stored tile.
    for (int r = 0; r < Rows; r++) begin
      vyr[r*16 +: 16] = vy_q + $signed({6'd0, lvy_q[r*10 +: 10]});
      vxr[r*16 +: 16] = vx_q + $signed({2'd0, lvx_q[r*14 +: 14]});
      lanemask[r] = lv_q[r]
                    && ($signed(vyr[r*16 +: 16]) >= 16'sd0)
                    && ($signed(vyr[r*16 +: 16]) < $signed({6'd0, instr_q.vh}))
                    && ($signed(vxr[r*16 +: 16]) >= 16'sd0)
                    && ($signed(vxr[r*16 +: 16]) < $signed({6'd0, instr_q.vw}));
    end
    for (int q = 0; q < Cols; q++) begin
      colmask[q] = 13'(q) < remk_q;
    end
  end

  // ---------------------------------------------------------------- next state
  always_comb begin
    busy_d   = busy_q;
    fact_d   = fact_q;
    instr_d  = instr_q;
    remk_d   = remk_q;
    vy0_d    = vy0_q;
    arow_d   = arow_q;
    abase_d  = abase_q;
    wbase_d  = wbase_q;
    pixrow_d = pixrow_q;
    pix_d    = pix_q;
    kofs_d   = kofs_q;
    pc_d     = pc_q;
    lv_d     = lv_q;
    loff_d   = loff_q;
    lvy_d    = lvy_q;
    lvx_d    = lvx_q;
    noy_d    = noy_q;
    nox_d    = nox_q;
    nvx_d    = nvx_q;
    noff_d   = noff_q;
    nvy_d    = nvy_q;
    nrow_d   = nrow_q;
    c_d      = c_q;
    i_d      = i_q;
    j_d      = j_q;
    vy_d     = vy_q;
    vx_d     = vx_q;
    ac_d     = ac_q;
    aci_d    = aci_q;
    a_d      = a_q;
    w_d      = w_q;

    if (issue_i) begin
      // Latch the instruction, its products and the first pass.
      busy_d   = 1'b1;
      fact_d   = 1'b1;
      instr_d.idx     = idx_i;
      instr_d.accf    = instr_i[`ACC_F_ACC];
      instr_d.flat    = instr_i[`ACC_F_FLAT];
      instr_d.sw      = instr_i[`ACC_F_SW];
      instr_d.sh      = instr_i[`ACC_F_SH];
      instr_d.dh      = instr_i[`ACC_F_DH];
      instr_d.dw      = instr_i[`ACC_F_DW];
      instr_d.fh      = instr_i[`ACC_F_FH];
      instr_d.fw      = instr_i[`ACC_F_FW];
      instr_d.tc      = instr_i[`ACC_F_TC];
      instr_d.tk      = instr_i[`ACC_F_TK];
      instr_d.th      = instr_i[`ACC_F_TH];
      instr_d.tw      = instr_i[`ACC_F_TW];
      instr_d.vh      = instr_i[`ACC_F_VH];
      instr_d.vw      = instr_i[`ACC_F_VW];
      instr_d.pleft   = instr_i[`ACC_F_PLEFT];
      instr_d.actpc   = instr_i[`ACC_F_ACT_PC];
      instr_d.wgt     = `ACC_SAW'(instr_i[`ACC_F_WGT]);
      instr_d.dhph    = 13'(instr_i[`ACC_F_DH]) * 13'(instr_i[`ACC_F_ACT_PH]);
      instr_d.shph    = i_shph;
      instr_d.gap     = i_gap;
      instr_d.chstep  = `ACC_SAW'({i_chstep, 2'b00});
      instr_d.cstep   = `ACC_SAW'({i_chstep, 2'b00}) * `ACC_SAW'(Cols);
      instr_d.kofs0   = `ACC_SAW'({i_chstep, 2'b00}) * `ACC_SAW'(Cols - 1);
      instr_d.lenm1   = 21'(i_L) - 21'd1;
      instr_d.dm1     = ((21'(i_L) > R2C1) ? 21'(i_L) : R2C1) - 21'd1;
      remk_d   = 13'(instr_i[`ACC_F_TK]);
      vy0_d    = -$signed(16'(instr_i[`ACC_F_PTOP]));
      arow_d   = `ACC_SAW'(instr_i[`ACC_F_ACT])
                 - `ACC_SAW'(instr_i[`ACC_F_PTOP]) * `ACC_SAW'(instr_i[`ACC_F_ACT_PH])
                 - `ACC_SAW'(instr_i[`ACC_F_PLEFT]);
      abase_d  = arow_d;
      wbase_d  = `ACC_SAW'(instr_i[`ACC_F_WGT]);
      pixrow_d = `ACC_SAW'(instr_i[`ACC_F_OUT]);
      pix_d    = `ACC_SAW'(instr_i[`ACC_F_OUT]);
      kofs_d   = instr_d.kofs0;
      pc_d     = '0;
    end else if (fact_q) begin
      pc_d = pc_q + 21'd1;
      // Feeder: advance (c, i, j) and the addresses.
      if (feed) begin
        w_d = w_q + `ACC_SAW'(instr_q.tk);
        if (j_q + 4'd1 < instr_q.fw) begin
          j_d  = j_q + 4'd1;
          vx_d = vx_q + $signed({13'd0, instr_q.dw});
          a_d  = a_q + `ACC_SAW'(instr_q.dw);
        end else begin
          j_d  = '0;
          vx_d = -$signed({12'd0, instr_q.pleft});
          if (i_q + 4'd1 < instr_q.fh) begin
            i_d   = i_q + 4'd1;
            vy_d  = vy_q + $signed({13'd0, instr_q.dh});
            aci_d = aci_q + `ACC_SAW'(instr_q.dhph);
            a_d   = aci_q + `ACC_SAW'(instr_q.dhph);
          end else begin
            i_d   = '0;
            vy_d  = vy0_q;
            c_d   = c_q + 12'd1;
            ac_d  = ac_q + `ACC_SAW'(instr_q.actpc);
            aci_d = ac_q + `ACC_SAW'(instr_q.actpc);
            a_d   = ac_q + `ACC_SAW'(instr_q.actpc);
          end
        end
      end
      // Pass end (pc = D-1): the feeder moves on to the next pass
      // (k-segment innermost, then the next pixel group) or stops.
      if (pass_end) begin
        pc_d = '0;
        if (last_pass) begin
          fact_d = 1'b0;
        end else if (remk_q > 13'(Cols)) begin
          remk_d  = remk_q - 13'(Cols);
          wbase_d = wbase_q + `ACC_SAW'(Cols);
          kofs_d  = kofs_q + instr_q.cstep;
        end else begin
          remk_d  = 13'(instr_q.tk);
          wbase_d = instr_q.wgt;
          kofs_d  = instr_q.kofs0;
          // The next pixel group starts at the next start: lane 0's
          // activation byte moves by its offset, the output by R pixels;
          // a row pass that starts another row restarts from the row base.
          vy0_d = vy0_q + $signed({6'd0, nvy_q});
          if (nrow_q && !instr_q.flat) begin
            arow_d   = arow_q + `ACC_SAW'(instr_q.shph);
            abase_d  = arow_q + `ACC_SAW'(instr_q.shph);
            pixrow_d = pixrow_q + `ACC_SAW'({instr_q.tw, 2'b00});
            pix_d    = pixrow_q + `ACC_SAW'({instr_q.tw, 2'b00});
          end else begin
            abase_d  = abase_q + `ACC_SAW'(noff_q);
            pix_d    = pix_q + `ACC_SAW'(4 * Rows);
          end
        end
      end
    end

    // The engine is busy until the last pass's last write.
    if (odone_q) begin
      busy_d = 1'b0;
    end

    // The lanes of a new pixel group and its next start, from the chain.
    if (chain_load) begin
      lv_d   = ch_lv;
      loff_d = ch_loff;
      lvy_d  = ch_lvy;
      lvx_d  = ch_lvx;
      noy_d  = ch_oy;
      nox_d  = ch_ox;
      nvx_d  = ch_vx;
      noff_d = ch_off;
      nvy_d  = ch_vy;
      nrow_d = ch_row;
    end

    // Step state restarts from the pass base at the start of every pass.
    if (issue_i || pass_end) begin
      c_d   = '0;
      i_d   = '0;
      j_d   = '0;
      vy_d  = vy0_d;
      vx_d  = -$signed({12'd0, issue_i ? instr_i[`ACC_F_PLEFT] : instr_q.pleft});
      ac_d  = abase_d;
      aci_d = abase_d;
      a_d   = abase_d;
      w_d   = wbase_d;
    end
  end

  // Operand pipeline.
  always_comb begin
    first_d = feed && (pc_q == 21'd0);
    last_d  = feed_last;
    amask_d = feed ? lanemask : '0;
    aoff_d  = loff_q;
    wmask_d = feed ? colmask : '0;
  end

  // Drain and write-back.  The drain state is loaded at the feeder's last
  // step of a pass (which may be the cycle of the previous drain's last
  // shift: that shift has its address and column already); the counter
  // then runs to the pass's last shift, dc = R+2C-1.
  always_comb begin
    dv_d     = dv_q;
    dc_d     = dc_q;
    da_d     = da_q;
    dq_d     = dq_q;
    dremk_d  = dremk_q;
    dlanes_d = dlanes_q;
    dlast_d  = dlast_q;
    if (feed_last) begin
      dv_d    = 1'b1;
      dc_d    = 8'd1;
      da_d    = pix_q + kofs_q;
      dq_d    = 6'(Cols - 1);
      dremk_d = remk_q;
      dlanes_d = lv_q;
      dlast_d = last_pass;
    end else if (dv_q) begin
      dc_d = dc_q + 8'd1;
      if (shift) begin
        da_d = da_q - instr_q.chstep;
        dq_d = dq_q - 6'd1;
      end
      if (dc_q == DLast) begin
        dv_d = 1'b0;
      end
    end
    ov_d    = shift;
    obe_d   = (shift && (13'(dq_q) < dremk_q)) ? dlanes_q : '0;
    odone_d = shift && (dc_q == DLast) && dlast_q;
    oaddr_d = da_q;
    out_d   = shift ? arr_col : out_q;
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      busy_q   <= 1'b0;
      fact_q   <= 1'b0;
      instr_q  <= '0;
      remk_q   <= '0;
      vy0_q    <= '0;
      arow_q   <= '0;
      abase_q  <= '0;
      wbase_q  <= '0;
      pixrow_q <= '0;
      pix_q    <= '0;
      kofs_q   <= '0;
      pc_q     <= '0;
      lv_q     <= '0;
      loff_q   <= '0;
      lvy_q    <= '0;
      lvx_q    <= '0;
      noy_q    <= '0;
      nox_q    <= '0;
      nvx_q    <= '0;
      noff_q   <= '0;
      nvy_q    <= '0;
      nrow_q   <= 1'b0;
      c_q      <= '0;
      i_q      <= '0;
      j_q      <= '0;
      vy_q     <= '0;
      vx_q     <= '0;
      ac_q     <= '0;
      aci_q    <= '0;
      a_q      <= '0;
      w_q      <= '0;
      first_q  <= 1'b0;
      last_q   <= 1'b0;
      amask_q  <= '0;
      aoff_q   <= '0;
      wmask_q  <= '0;
      dv_q     <= 1'b0;
      dc_q     <= '0;
      da_q     <= '0;
      dq_q     <= '0;
      dremk_q  <= '0;
      dlanes_q <= '0;
      dlast_q  <= 1'b0;
      ov_q     <= 1'b0;
      obe_q    <= '0;
      odone_q  <= 1'b0;
      oaddr_q  <= '0;
      out_q    <= '0;
    end else begin
      busy_q   <= busy_d;
      fact_q   <= fact_d;
      instr_q  <= instr_d;
      remk_q   <= remk_d;
      vy0_q    <= vy0_d;
      arow_q   <= arow_d;
      abase_q  <= abase_d;
      wbase_q  <= wbase_d;
      pixrow_q <= pixrow_d;
      pix_q    <= pix_d;
      kofs_q   <= kofs_d;
      pc_q     <= pc_d;
      lv_q     <= lv_d;
      loff_q   <= loff_d;
      lvy_q    <= lvy_d;
      lvx_q    <= lvx_d;
      noy_q    <= noy_d;
      nox_q    <= nox_d;
      nvx_q    <= nvx_d;
      noff_q   <= noff_d;
      nvy_q    <= nvy_d;
      nrow_q   <= nrow_d;
      c_q      <= c_d;
      i_q      <= i_d;
      j_q      <= j_d;
      vy_q     <= vy_d;
      vx_q     <= vx_d;
      ac_q     <= ac_d;
      aci_q    <= aci_d;
      a_q      <= a_d;
      w_q      <= w_d;
      first_q  <= first_d;
      last_q   <= last_d;
      amask_q  <= amask_d;
      aoff_q   <= aoff_d;
      wmask_q  <= wmask_d;
      dv_q     <= dv_d;
      dc_q     <= dc_d;
      da_q     <= da_d;
      dq_q     <= dq_d;
      dremk_q  <= dremk_d;
      dlanes_q <= dlanes_d;
      dlast_q  <= dlast_d;
      ov_q     <= ov_d;
      obe_q    <= obe_d;
      odone_q  <= odone_d;
      oaddr_q  <= oaddr_d;
      out_q    <= out_d;
    end
  end

  // ---------------------------------------------------------------- array inputs
  // Lane r takes byte r + aoff_r of the window read one cycle earlier (its
  // offset from lane 0, less r, copied with the lane mask when the read was
  // made), one of the RelBytes bytes from byte r on (zero past them: the
  // select never reaches there).  Window byte j is line byte
  // (ra_rot + j) mod N of the scratchpad's unrotated read: the rotation and
  // the lane's select are one byte select (simulation speed).
  localparam int unsigned RotW = $clog2(SpadWidth / 8);
  for (genvar r = 0; r < Rows; r++) begin : g_lane
    logic [RelW-1:0] rel;
    logic [RotW-1:0] at;
    assign rel = aoff_q[r*RelW +: RelW];
    assign at  = ra_rot_i + RotW'(r) + RotW'(rel);
    assign arr_act[r*8 +: 8] = (amask_q[r] && (32'(rel) < RelBytes)) ? ra_line_i[{at, 3'b000} +: 8]
                                                                       : 8'd0;
  end

  for (genvar q = 0; q < Cols; q++) begin : g_col
    assign arr_wgt[q*8 +: 8] = wmask_q[q] ? rw_data_i[q*8 +: 8] : 8'd0;
  end

  acc_array #(
    .Rows (Rows),
    .Cols (Cols)
  ) u_array (
    .clk_i   (clk_i),
    .rst_ni  (rst_ni),
    .act_i   (arr_act),
    .first_i (first_q),
    .last_i  (last_q),
    .wgt_i   (arr_wgt),
    .shift_i (shift),
    .col_o   (arr_col)
  );

  // ---------------------------------------------------------------- write-back
  always_comb begin
    for (int r = 0; r < Rows; r++) begin
      wsum[r*32 +: 32] = out_q[r*32 +: 32] + (instr_q.accf ? rp_data_i[r*32 +: 32] : 32'd0);
      wc_be_o[r*4 +: 4] = {4{obe_q[r]}};
    end
  end

  assign wc_en_o   = ov_q;
  assign wc_addr_o = oaddr_q;
  assign wc_data_o = wsum;
  assign ra_en_o   = feed;
  assign ra_addr_o = a_q;
  assign rw_en_o   = feed;
  assign rw_addr_o = w_q;
  assign rp_en_o   = shift && instr_q.accf;
  assign rp_addr_o = da_q;
  assign busy_o    = busy_q;
  assign done_o    = odone_q;
  assign idx_o     = instr_q.idx;

  logic unused_instr;
  assign unused_instr = ^{instr_i[67:0], instr_i[255:250], instr_q.tc, c_q};

`ifndef SYNTHESIS
  // Every activation lane that is read lies inside the scratchpad.
  logic                act_oob;
  logic [`ACC_SAW-1:0] lane_addr;
  always_comb begin
    act_oob   = 1'b0;
    lane_addr = '0;
    for (int r = 0; r < Rows; r++) begin
      lane_addr = a_q + `ACC_SAW'(r) + `ACC_SAW'(loff_q[r*RelW +: RelW]);   // wraps like the scratchpad
      if (feed && lanemask[r] && (32'(lane_addr) >= SpadBytes)) begin
        act_oob = 1'b1;
      end
    end
  end
  // Every pixel lane loaded from the chain lies inside the window (the
  // FLAT legality rule of acc_decode; r*sw < W without FLAT), and every
  // lane's offset in r .. r+W-R, the range its select covers.
  logic lane_load, lane_oow;
  always_comb begin
    lane_load = chain_load;
    lane_oow  = 1'b0;
    for (int r = 0; r < Rows; r++) begin
      if (lane_load && ch_lv[r] && (32'(ch_lofs[r*16 +: 16]) >= Window)) begin
        lane_oow = 1'b1;
      end
      if (lane_load && ((32'(ch_lofs[r*16 +: 16]) < 32'(r))
                        || (32'(ch_lofs[r*16 +: 16]) - 32'(r) >= RelBytes))) begin
        lane_oow = 1'b1;
      end
    end
  end
  // Lane 0's tap row inside the stored tile; a pixel lane right of the
  // stored tile (right padding); the most rows a pass's pixel lanes cross
  // (times sh); a pixel lane whose tap is padding.
  logic       row_ok, cov_pad_right, cov_pad_lane;
  logic [9:0] cov_dy;
  always_comb begin
    row_ok = ($signed(vyr[15:0]) >= 16'sd0) && ($signed(vyr[15:0]) < $signed({6'd0, instr_q.vh}));
    cov_pad_right = 1'b0;
    cov_pad_lane  = |(lv_q & ~lanemask);
    cov_dy        = '0;
    for (int r = 0; r < Rows; r++) begin
      if (lv_q[r] && ($signed(vxr[r*16 +: 16]) >= $signed({6'd0, instr_q.vw}))) begin
        cov_pad_right = 1'b1;
      end
      if (lv_q[r] && (lvy_q[r*10 +: 10] > cov_dy)) begin
        cov_dy = lvy_q[r*10 +: 10];
      end
    end
  end

  // Cover points (make coverage): kernel, stride and dilation extremes,
  // padding on each side, edge tiles (partial pixel and channel segments),
  // several passes, accumulation.
  CpCoverKernel1x1: cover property (@(posedge clk_i) disable iff (!rst_ni)
      issue_i && instr_i[`ACC_F_FH] == 4'd1 && instr_i[`ACC_F_FW] == 4'd1);
  CpCoverKernelHeight15: cover property (@(posedge clk_i) disable iff (!rst_ni)
      issue_i && instr_i[`ACC_F_FH] == 4'd15);
  CpCoverKernelWidth15: cover property (@(posedge clk_i) disable iff (!rst_ni)
      issue_i && instr_i[`ACC_F_FW] == 4'd15);
  CpCoverStride1: cover property (@(posedge clk_i) disable iff (!rst_ni)
      issue_i && instr_i[`ACC_F_SH] == 3'd1 && instr_i[`ACC_F_SW] == 3'd1);
  CpCoverStrideH7: cover property (@(posedge clk_i) disable iff (!rst_ni)
      issue_i && instr_i[`ACC_F_SH] == 3'd7);
  CpCoverStrideW7: cover property (@(posedge clk_i) disable iff (!rst_ni)
      issue_i && instr_i[`ACC_F_SW] == 3'd7);
  CpCoverDilationH7: cover property (@(posedge clk_i) disable iff (!rst_ni)
      issue_i && instr_i[`ACC_F_DH] == 3'd7);
  CpCoverDilationW7: cover property (@(posedge clk_i) disable iff (!rst_ni)
      issue_i && instr_i[`ACC_F_DW] == 3'd7);
  CpCoverPadTop: cover property (@(posedge clk_i) disable iff (!rst_ni)
      feed && vy_q < 16'sd0);
  CpCoverPadBottom: cover property (@(posedge clk_i) disable iff (!rst_ni)
      feed && vy_q >= $signed({6'd0, instr_q.vh}));
  CpCoverPadLeft: cover property (@(posedge clk_i) disable iff (!rst_ni)
      feed && row_ok && $signed(vxr[15:0]) < 16'sd0);
  CpCoverPadRight: cover property (@(posedge clk_i) disable iff (!rst_ni)
      feed && row_ok && cov_pad_right);
  CpCoverEdgeTilePixels: cover property (@(posedge clk_i) disable iff (!rst_ni)
      feed && !lv_q[Rows-1]);
  CpCoverEdgeTileChannels: cover property (@(posedge clk_i) disable iff (!rst_ni)
      feed && remk_q < 13'(Cols));
  CpCoverNextChannelSegment: cover property (@(posedge clk_i) disable iff (!rst_ni)
      pass_end && remk_q > 13'(Cols));
  CpCoverNextPixelSegment: cover property (@(posedge clk_i) disable iff (!rst_ni)
      pass_end && remk_q <= 13'(Cols) && !instr_q.flat && !nrow_q);
  CpCoverNextOutputRow: cover property (@(posedge clk_i) disable iff (!rst_ni)
      pass_end && !last_pass && remk_q <= 13'(Cols) && !instr_q.flat && nrow_q);
  CpCoverAccumulateWrite: cover property (@(posedge clk_i) disable iff (!rst_ni)
      ov_q && |obe_q && instr_q.accf);
  CpCoverAccumulateWraps: cover property (@(posedge clk_i) disable iff (!rst_ni)
      ov_q && obe_q[0] && instr_q.accf && (out_q[31] == rp_data_i[31]) && (wsum[31] != out_q[31]));
  // Overlapped drain: a pass drains while the next one feeds, with ACC too;
  // pass spacing set by the drain (D = R+2C-1 > L), where the next drain is
  // loaded in the cycle of the previous one's last shift, and by the feed
  // (D = L > R+2C-1); a pass of one step (first and last step together).
  CpCoverDrainDuringFeed: cover property (@(posedge clk_i) disable iff (!rst_ni)
      shift && feed);
  CpCoverAccDrainDuringFeed: cover property (@(posedge clk_i) disable iff (!rst_ni)
      shift && feed && instr_q.accf);
  CpCoverSpacingByDrain: cover property (@(posedge clk_i) disable iff (!rst_ni)
      pass_end && !last_pass && (instr_q.lenm1 + 21'd1 < R2C1));
  CpCoverDrainHandover: cover property (@(posedge clk_i) disable iff (!rst_ni)
      feed_last && shift);
  CpCoverSpacingByFeed: cover property (@(posedge clk_i) disable iff (!rst_ni)
      pass_end && !last_pass && (instr_q.lenm1 + 21'd1 > R2C1));
  CpCoverOneStepPass: cover property (@(posedge clk_i) disable iff (!rst_ni)
      feed && (pc_q == 21'd0) && feed_last);
  // FLAT passes: pixel lanes that cross one output row and several (the
  // most rows first seen in the pass's first step), an edge pass (lanes past
  // the tile's last pixel), a pixel lane on padding, the next pixel group
  // starting in a later row, accumulation.
  CpCoverFlatCrossesOneRow: cover property (@(posedge clk_i) disable iff (!rst_ni)
      feed && (pc_q == 21'd0) && instr_q.flat && (cov_dy == 10'(instr_q.sh)));
  CpCoverFlatCrossesRows: cover property (@(posedge clk_i) disable iff (!rst_ni)
      feed && (pc_q == 21'd0) && instr_q.flat && (cov_dy >= 10'({instr_q.sh, 1'b0})));
  CpCoverFlatEdgePass: cover property (@(posedge clk_i) disable iff (!rst_ni)
      feed && instr_q.flat && !lv_q[Rows-1]);
  CpCoverFlatPadding: cover property (@(posedge clk_i) disable iff (!rst_ni)
      feed && instr_q.flat && cov_pad_lane);
  CpCoverFlatNextRow: cover property (@(posedge clk_i) disable iff (!rst_ni)
      pass_end && !last_pass && remk_q <= 13'(Cols) && instr_q.flat && nrow_q);
  CpCoverFlatAccumulate: cover property (@(posedge clk_i) disable iff (!rst_ni)
      ov_q && |obe_q && instr_q.accf && instr_q.flat);
  CpIssueWhenIdle: assert property (@(posedge clk_i) disable iff (!rst_ni)
      issue_i |-> !busy_q);
  CpActReadInRange: assert property (@(posedge clk_i) disable iff (!rst_ni) !act_oob);
  CpLaneInWindow: assert property (@(posedge clk_i) disable iff (!rst_ni) !lane_oow);
  // The feeder never runs past the reduction of the pass.
  CpStepInRange: assert property (@(posedge clk_i) disable iff (!rst_ni)
      feed |-> c_q < instr_q.tc);
  // One drain at a time: a pass's drain state is loaded only once the
  // previous pass has no shift left (at most its last shift in this cycle),
  // so the result write port serves one pass at a time.
  CpOneDrainAtATime: assert property (@(posedge clk_i) disable iff (!rst_ni)
      feed_last && dv_q |-> dc_q == DLast);
  // The feeder has finished when the last write ends the instruction, and
  // nothing drains or writes while the engine is idle.
  CpFeederDoneAtLastWrite: assert property (@(posedge clk_i) disable iff (!rst_ni)
      odone_q |-> !fact_q && !dv_q);
  CpIdleIsQuiet: assert property (@(posedge clk_i) disable iff (!rst_ni)
      !busy_q |-> !fact_q && !dv_q && !ov_q);
`endif

endmodule
