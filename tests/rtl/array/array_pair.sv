// array_pair - the two descriptions of the PE array side by side, for the
// random co-simulation of tests/rtl/array/array_tb.cpp: acc_array built with
// ACC_ARRAY_GRID (the grid of acc_pe that Yosys synthesises) and
// acc_array_sim (what the other Verilator builds simulate), on the same
// inputs.
module array_pair #(
  parameter int unsigned Rows = 16,
  parameter int unsigned Cols = 16
) (
  input  logic               clk_i,
  input  logic               rst_ni,
  input  logic [Rows*8-1:0]  act_i,
  input  logic               first_i,
  input  logic               last_i,
  input  logic [Cols*8-1:0]  wgt_i,
  input  logic               shift_i,
  output logic [Rows*32-1:0] grid_col_o,
  output logic [Rows*32-1:0] sim_col_o
);

  acc_array #(
    .Rows (Rows),
    .Cols (Cols)
  ) u_grid (
    .clk_i   (clk_i),
    .rst_ni  (rst_ni),
    .act_i   (act_i),
    .first_i (first_i),
    .last_i  (last_i),
    .wgt_i   (wgt_i),
    .shift_i (shift_i),
    .col_o   (grid_col_o)
  );

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
    .col_o   (sim_col_o)
  );

endmodule
