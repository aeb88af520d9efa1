// acc_array - the Rows x Cols output-stationary systolic array with its
// input skew registers.
//
// In every cycle the feeder presents one reduction step: Rows activations
// (lane r = output pixel ox0 + r) with the "first step" and "last step" tags,
// and Cols weights
// (column q = output channel k0 + q).  Row r is delayed r cycles and column q
// q cycles before entering the grid; inside the grid activations move one PE
// right and weights one PE down per cycle, so PE (r, q) multiplies a step
// presented in cycle X in cycle X + r + q.  With the last step each PE
// copies its finished sum into its shadow register; during the drain
// (shift_i) the shadows move one column right per cycle, while the
// accumulators already take the next pass.  col_o is the column leaving the
// array (the shadows of column Cols-1), lane r at bits [32r +: 32].
//
// Two descriptions of the same array: the grid of acc_pe instances below,
// which Yosys synthesises (and Verilator builds with ACC_ARRAY_GRID
// defined), and acc_array_sim, which every other Verilator build simulates
// (docs/rtl.md, "Simulation speed"; `make array-test` checks the two
// equal).
`ifdef VERILATOR
`ifndef ACC_ARRAY_GRID
`define ACC_ARRAY_SIM_DESCRIPTION
`endif
`endif
module acc_array #(
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

`ifdef ACC_ARRAY_SIM_DESCRIPTION
  acc_array_sim #(
    .Rows (Rows),
    .Cols (Cols)
  ) u_sim (
    .clk_i   (clk_i),
    .rst_ni  (rst_ni),
    .act_i   (act_i),
    .first_i (first_i),
    .last_i  (last_i),
    .wgt_i   (wgt_i),
    .shift_i (shift_i),
    .col_o   (col_o)
  );
`else

  // Operand nets between PEs: act/first/last flow along rows, wgt down
  // columns.  act_w[r][q] enters PE (r, q); index q = Cols is the (unused)
  // exit.
  logic [Rows*(Cols+1)*8-1:0]  act_w;
  logic [Rows*(Cols+1)-1:0]    first_w;
  logic [Rows*(Cols+1)-1:0]    last_w;
  logic [(Rows+1)*Cols*8-1:0]  wgt_w;
  logic [Rows*(Cols+1)*32-1:0] shd_w;  // shd_w[r][q+1] = shadow of PE (r, q)

  // ---------------------------------------------------------------- row skew
  for (genvar r = 0; r < Rows; r++) begin : g_row_skew
    if (r == 0) begin : g_direct
      assign act_w[0 +: 8] = act_i[0 +: 8];
      assign first_w[0]    = first_i;
      assign last_w[0]     = last_i;
    end else begin : g_delay
      // r stages of {last, first, act}; stage r-1 feeds the grid.
      logic [r*10-1:0] sk_q, sk_d;
      if (r == 1) begin : g_one
        assign sk_d = {last_i, first_i, act_i[r*8 +: 8]};
      end else begin : g_many
        assign sk_d = {sk_q[(r-1)*10-1:0], last_i, first_i, act_i[r*8 +: 8]};
      end
      always_ff @(posedge clk_i) begin
        sk_q <= sk_d;
      end
      assign act_w[(r*(Cols+1))*8 +: 8] = sk_q[(r-1)*10 +: 8];
      assign first_w[r*(Cols+1)]        = sk_q[(r-1)*10 + 8];
      assign last_w[r*(Cols+1)]         = sk_q[(r-1)*10 + 9];
    end
  end

  // ---------------------------------------------------------------- column skew
  for (genvar q = 0; q < Cols; q++) begin : g_col_skew
    if (q == 0) begin : g_direct
      assign wgt_w[0 +: 8] = wgt_i[0 +: 8];
    end else begin : g_delay
      logic [q*8-1:0] sk_q, sk_d;
      if (q == 1) begin : g_one
        assign sk_d = wgt_i[q*8 +: 8];
      end else begin : g_many
        assign sk_d = {sk_q[(q-1)*8-1:0], wgt_i[q*8 +: 8]};
      end
      always_ff @(posedge clk_i) begin
        sk_q <= sk_d;
      end
      assign wgt_w[q*8 +: 8] = sk_q[(q-1)*8 +: 8];
    end
  end

  // ---------------------------------------------------------------- grid
  for (genvar r = 0; r < Rows; r++) begin : g_r
    assign shd_w[(r*(Cols+1))*32 +: 32] = 32'd0;  // nothing enters from the left
    for (genvar q = 0; q < Cols; q++) begin : g_c
      acc_pe u_pe (
        .clk_i         (clk_i),
        .rst_ni        (rst_ni),
        .act_i         (act_w[(r*(Cols+1)+q)*8 +: 8]),
        .first_i       (first_w[r*(Cols+1)+q]),
        .last_i        (last_w[r*(Cols+1)+q]),
        .wgt_i         (wgt_w[(r*Cols+q)*8 +: 8]),
        .shift_i       (shift_i),
        .shadow_left_i (shd_w[(r*(Cols+1)+q)*32 +: 32]),
        .act_o         (act_w[(r*(Cols+1)+q+1)*8 +: 8]),
        .first_o       (first_w[r*(Cols+1)+q+1]),
        .last_o        (last_w[r*(Cols+1)+q+1]),
        .wgt_o         (wgt_w[((r+1)*Cols+q)*8 +: 8]),
        .shadow_o      (shd_w[(r*(Cols+1)+q+1)*32 +: 32])
      );
    end
    assign col_o[r*32 +: 32] = shd_w[(r*(Cols+1)+Cols)*32 +: 32];
  end

  // Operands leaving the right and bottom edges are not used.
  logic unused_exit;
  always_comb begin
    unused_exit = 1'b0;
    for (int r = 0; r < Rows; r++) begin
      unused_exit = unused_exit ^ (^act_w[(r*(Cols+1)+Cols)*8 +: 8]) ^ first_w[r*(Cols+1)+Cols]
                    ^ last_w[r*(Cols+1)+Cols];
    end
    unused_exit = unused_exit ^ (^wgt_w[Rows*Cols*8 +: Cols*8]);
  end


`ifndef SYNTHESIS
  // Cover points (make coverage): a drained column, a negative result.
  ArrayCoverDrain: cover property (@(posedge clk_i) disable iff (!rst_ni) shift_i);
  ArrayCoverNegativeResult: cover property (@(posedge clk_i) disable iff (!rst_ni)
      shift_i && col_o[31]);
`endif
`endif  // ACC_ARRAY_SIM_DESCRIPTION

endmodule
`undef ACC_ARRAY_SIM_DESCRIPTION
