// acc_pe - one processing element of the output-stationary systolic array.
//
// Each cycle the PE multiplies the int8 activation arriving from the left by
// the int8 weight arriving from above and adds the product to its int32
// accumulator (wrapping modulo 2^32).  The operands move on: the activation
// (with its "first step" tag) to the right neighbour, the weight to the one
// below, each one cycle later.  The tag marks step 0 of a pass: the product
// replaces the accumulator instead of being added to it.  While shift_i is
// high (drain) the accumulator takes the left neighbour's value instead, so
// the accumulators move one column to the right per cycle.
//
// Datapath registers have no reset: every pass starts with a tagged step that
// overwrites the accumulator, and padding steps carry zero activations.
module acc_pe (
  input  logic        clk_i,
  input  logic        rst_ni,
  input  logic [7:0]  act_i,    // activation from the left
  input  logic        first_i,  // act_i is step 0 of a pass
  input  logic [7:0]  wgt_i,    // weight from above
  input  logic        shift_i,  // drain: take acc_left_i
  input  logic [31:0] acc_left_i,
  output logic [7:0]  act_o,    // to the right neighbour
  output logic        first_o,
  output logic [7:0]  wgt_o,    // to the neighbour below
  output logic [31:0] acc_o
);

  logic [7:0]  act_q, act_d;
  logic        first_q, first_d;
  logic [7:0]  wgt_q, wgt_d;
  logic [31:0] acc_q, acc_d;
  logic signed [31:0] prod;

  always_comb begin
    act_d   = act_i;
    first_d = first_i;
    wgt_d   = wgt_i;
    // Signed 8x8 product, one form for simulation and synthesis.  The
    // operands are sign-extended to 32 bits so that the product adds to the
    // accumulator with no further extension; Yosys narrows the multiplier
    // back to 8 x 8 -> 16 bits (wreduce), Verilator evaluates it as one
    // native 32-bit multiply.
    prod    = 32'($signed(act_i)) * 32'($signed(wgt_i));
    if (shift_i) begin
      acc_d = acc_left_i;
    end else if (first_i) begin
      acc_d = prod;
    end else begin
      acc_d = acc_q + prod;
    end
  end

  always_ff @(posedge clk_i) begin
    act_q   <= act_d;
    first_q <= first_d;
    wgt_q   <= wgt_d;
    acc_q   <= acc_d;
  end

  assign act_o   = act_q;
  assign first_o = first_q;
  assign wgt_o   = wgt_q;
  assign acc_o   = acc_q;

  // rst_ni is part of the house port list; the datapath needs no reset.
  logic unused_rst;
  assign unused_rst = rst_ni;

`ifndef SYNTHESIS
  // A tagged first step never coincides with the drain shift.
  PeNoFirstDuringShift: assert property (@(posedge clk_i) disable iff (!rst_ni)
      !(shift_i && first_i));

  // Cover points (make coverage): the largest product, (-128) * (-128).
  PeCoverLargestProduct: cover property (@(posedge clk_i) disable iff (!rst_ni)
      !shift_i && act_i == 8'h80 && wgt_i == 8'h80);
`endif

endmodule
