// acc_array_sim - the simulation description of acc_array: the same
// Rows x Cols output-stationary systolic array, cycle for cycle and bit for
// bit, written for Verilator's speed instead of as a grid of acc_pe
// instances.  Verilator builds select it (acc_array.sv); Yosys synthesises
// the PE grid.  tests/rtl/array/ checks the two equal (every operand pair
// through every PE of a 2x2 array, random co-simulation of 16x16 and 3x5
// arrays) - docs/rtl.md, "Simulation speed".
//
// The state is the grid's, kept in unpacked arrays indexed by PE,
// i = r*Cols + q: act_q[i], first_q[i], last_q[i], wgt_q[i] (the operands
// PE (r, q) holds for its right and lower neighbours), acc_q[i] and
// shadow_q[i].  Each cycle is a few loops over all PEs, each the same
// operation on every element with no branch (selects are masks): the
// Verilated model keeps them as C++ loops over plain arrays (for 16x16
// they run longer than the unroll limit of 64), and gcc at -O3 turns them
// into SIMD instructions, four PEs per instruction for the sums, sixteen
// for the operand bytes.  The next state goes into the *_d arrays (blocking
// assignments in always_comb); the registers copy them whole (see the
// always_ff).  Smaller arrays are unrolled by Verilator; same logic.
//
// The skew registers: row r's activation and tags are delayed r cycles,
// column q's weight q cycles.  Stage k of the delay lines holds every row
// (column) delayed k + 1 cycles: row r's activation at ask_q[k*Rows + r],
// the tags {last, first} at tsk_q[k] (one pair for all rows), column q's
// weight at wsk_q[k*Cols + q].  Stage k of row r is the grid's skew register
// of row r, stage k, for k < r (columns likewise); the others feed nothing.
//
// The per-PE assertion PeNoCaptureDuringShift becomes one check per cycle:
// a last tag entering any PE while shift_i is high.
module acc_array_sim #(
  parameter int unsigned Rows = 16,
  parameter int unsigned Cols = 16
) (
  input  logic                 clk_i,
  input  logic                 rst_ni,
  input  logic [Rows*8-1:0]    act_i,
  input  logic                 first_i,
  input  logic                 last_i,
  input  logic [Cols*8-1:0]    wgt_i,
  input  logic                 shift_i,
  output logic [Rows*32-1:0]   col_o
);

  localparam int unsigned N = Rows * Cols;
  localparam int unsigned R = Rows;
  localparam int unsigned C = Cols;

  // ---------------------------------------------------------------- skews
  logic [7:0] ask_q [R*R];
  logic [7:0] ask_d [R*R];
  logic [1:0] tsk_q [R];
  logic [1:0] tsk_d [R];
  logic [7:0] wsk_q [C*C];
  logic [7:0] wsk_d [C*C];

  always_comb begin
    for (int unsigned i = R; i < R * R; i++) begin
      ask_d[i] = ask_q[i - R];
    end
    for (int unsigned r = 0; r < R; r++) begin
      ask_d[r] = act_i[r*8 +: 8];
    end
    for (int unsigned k = 1; k < R; k++) begin
      tsk_d[k] = tsk_q[k - 1];
    end
    tsk_d[0] = {last_i, first_i};
    for (int unsigned i = C; i < C * C; i++) begin
      wsk_d[i] = wsk_q[i - C];
    end
    for (int unsigned q = 0; q < C; q++) begin
      wsk_d[q] = wgt_i[q*8 +: 8];
    end
  end

  // ---------------------------------------------------------------- PEs
  logic [7:0]  act_q [N];
  logic [7:0]  wgt_q [N];
  logic        first_q [N];
  logic        last_q [N];
  logic [31:0] acc_q [N];
  logic [31:0] shadow_q [N];

  // What enters each PE this cycle (the operand registers' next values),
  // and the accumulators' and shadows' next values.
  logic [7:0]  act_d [N];
  logic [7:0]  wgt_d [N];
  logic        first_d [N];
  logic        last_d [N];
  logic [31:0] acc_d [N];
  logic [31:0] shadow_d [N];
  logic        any_last;
  logic [Rows*32-1:0] col_q, col_d;

  always_comb begin
    // Operands: from the left (above) neighbour; at the edges, from the
    // skews (row r enters delayed r cycles, column q delayed q cycles).
    // (One array per loop: gcc vectorises a loop that writes one array.)
    for (int unsigned i = 1; i < N; i++) begin
      act_d[i] = act_q[i - 1];
    end
    for (int unsigned i = 1; i < N; i++) begin
      first_d[i] = first_q[i - 1];
    end
    for (int unsigned i = 1; i < N; i++) begin
      last_d[i] = last_q[i - 1];
    end
    for (int unsigned r = 0; r < R; r++) begin
      if (r == 0) begin
        act_d[0]   = act_i[7:0];
        first_d[0] = first_i;
        last_d[0]  = last_i;
      end else begin
        act_d[r*C]   = ask_q[(r-1)*R + r];
        first_d[r*C] = tsk_q[r-1][0];
        last_d[r*C]  = tsk_q[r-1][1];
      end
    end
    for (int unsigned i = C; i < N; i++) begin
      wgt_d[i] = wgt_q[i - C];
    end
    for (int unsigned q = 0; q < C; q++) begin
      if (q == 0) begin
        wgt_d[0] = wgt_i[7:0];
      end else begin
        wgt_d[q] = wsk_q[(q-1)*C + q];
      end
    end
    // The shadow takes its left neighbour's shadow (shift_i; zero at
    // q = 0) or holds ...  (The selects are masks, so that the loops have
    // no branches.)
    for (int unsigned i = 1; i < N; i++) begin
      shadow_d[i] = (shadow_q[i - 1] & {32{shift_i}}) | (shadow_q[i] & {32{!shift_i}});
    end
    for (int unsigned r = 0; r < R; r++) begin
      shadow_d[r*C] = shadow_q[r*C] & {32{!shift_i}};
    end
    // ... unless the last tag arrives: acc_pe's multiply-accumulate (the
    // product replaces (first tag) or adds to the accumulator), whose sum
    // the shadow takes with the last tag.
    for (int unsigned i = 0; i < N; i++) begin
      acc_d[i]    = (acc_q[i] & {32{!first_d[i]}})
                    + 32'($signed(act_d[i])) * 32'($signed(wgt_d[i]));
      shadow_d[i] = (acc_d[i] & {32{last_d[i]}}) | (shadow_d[i] & {32{!last_d[i]}});
    end
    for (int unsigned r = 0; r < R; r++) begin
      col_d[r*32 +: 32] = shadow_d[r*C + C-1];
    end
  end

  always_comb begin
    any_last = 1'b0;
    for (int unsigned i = 0; i < N; i++) begin
      any_last = any_last | last_d[i];
    end
  end

  // The PE arrays are copied whole, by blocking assignment: Verilator
  // would split a non-blocking copy of an unpacked array into one delayed
  // assignment per element.  Only this module reads them (the always_comb
  // above, which Verilator evaluates after this block); the column leaving
  // the array is a register of its own, col_q, written non-blocking, as
  // the registers of the grid that the COMPUTE engine reads.
  always_ff @(posedge clk_i) begin
    ask_q    = ask_d;
    tsk_q    = tsk_d;
    wsk_q    = wsk_d;
    act_q    = act_d;
    first_q  = first_d;
    last_q   = last_d;
    wgt_q    = wgt_d;
    acc_q    = acc_d;
    shadow_q = shadow_d;
    col_q   <= col_d;
  end

  assign col_o = col_q;

  // rst_ni only disables the assertions; the datapath needs no reset.
  logic unused_rst;
  assign unused_rst = rst_ni;

`ifndef SYNTHESIS
  // acc_pe's PeNoCaptureDuringShift for every PE at once.
  PeNoCaptureDuringShift: assert property (@(posedge clk_i) disable iff (!rst_ni)
      !(shift_i && any_last));

  ArrayCoverDrain: cover property (@(posedge clk_i) disable iff (!rst_ni) shift_i);
  ArrayCoverNegativeResult: cover property (@(posedge clk_i) disable iff (!rst_ni)
      shift_i && col_o[31]);
`endif

endmodule
