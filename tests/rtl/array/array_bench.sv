// array_bench - the PE array as the COMPUTE engine drives it, for the bench
// of mk/bench_array.sh: every input of acc_array comes from a register (as
// from acc_compute), so the array's logic runs once per cycle, after the
// clock edge.  acc_array is the grid when built with ACC_ARRAY_GRID, the
// simulation description otherwise.
module array_bench #(
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
  output logic [Rows*32-1:0] col_o
);

  logic [Rows*8-1:0] act_q;
  logic              first_q, last_q, shift_q;
  logic [Cols*8-1:0] wgt_q;

  always_ff @(posedge clk_i) begin
    act_q   <= act_i;
    first_q <= first_i;
    last_q  <= last_i;
    wgt_q   <= wgt_i;
    shift_q <= shift_i;
  end

  acc_array #(
    .Rows (Rows),
    .Cols (Cols)
  ) u_array (
    .clk_i   (clk_i),
    .rst_ni  (rst_ni),
    .act_i   (act_q),
    .first_i (first_q),
    .last_i  (last_q),
    .wgt_i   (wgt_q),
    .shift_i (shift_q),
    .col_o   (col_o)
  );

endmodule
