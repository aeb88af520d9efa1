// acc_pe - one processing element of the output-stationary systolic array.
//
// Each cycle the PE multiplies the int8 activation arriving from the left by
// the int8 weight arriving from above and adds the product to its int32
// accumulator (wrapping modulo 2^32).  The operands move on: the activation
// (with its "first step" and "last step" tags) to the right neighbour, the
// weight to the one below, each one cycle later.  The first tag marks step 0
// of a pass: the product replaces the accumulator instead of being added to
// it.  The last tag marks step L-1: the finished sum (the accumulator's next
// value) is also copied into the shadow register, so the accumulator is free
// for the next pass's first step in the following cycle.  While shift_i is
// high (drain) the shadow takes the left neighbour's shadow instead, so the
// shadows move one column to the right per cycle.  A capture and a shift
// never coincide (PeNoCaptureDuringShift).
//
// Datapath registers have no reset: every pass starts with a tagged step that
// overwrites the accumulator and ends with one that overwrites the shadow,
// and padding steps carry zero activations.
module acc_pe (
  input  logic        clk_i,
  input  logic        rst_ni,
  input  logic [7:0]  act_i,    // activation from the left
  input  logic        first_i,  // act_i is step 0 of a pass
  input  logic        last_i,   // act_i is step L-1 of a pass
  input  logic [7:0]  wgt_i,    // weight from above
  input  logic        shift_i,  // drain: the shadow takes shadow_left_i
  input  logic [31:0] shadow_left_i,
  output logic [7:0]  act_o,    // to the right neighbour
  output logic        first_o,
  output logic        last_o,
  output logic [7:0]  wgt_o,    // to the neighbour below
  output logic [31:0] shadow_o
);

  logic [7:0]  act_q, act_d;
  logic        first_q, first_d;
  logic        last_q, last_d;
  logic [7:0]  wgt_q, wgt_d;
  logic [31:0] acc_q, acc_d;
  logic [31:0] shadow_q, shadow_d;
  logic signed [31:0] prod;

  always_comb begin
    act_d    = act_i;
    first_d  = first_i;
    last_d   = last_i;
    wgt_d    = wgt_i;
    // Signed 8x8 product, one form for simulation and synthesis.  The
    // operands are sign-extended to 32 bits so that the product adds to the
    // accumulator with no further extension; Yosys narrows the multiplier
    // back to 8 x 8 -> 16 bits (wreduce), Verilator evaluates it as one
    // native 32-bit multiply.
    prod     = 32'($signed(act_i)) * 32'($signed(wgt_i));
    if (first_i) begin
      acc_d = prod;
    end else begin
      acc_d = acc_q + prod;
    end
    if (last_i) begin
      shadow_d = acc_d;
    end else if (shift_i) begin
      shadow_d = shadow_left_i;
    end else begin
      shadow_d = shadow_q;
    end
  end

  always_ff @(posedge clk_i) begin
    act_q    <= act_d;
    first_q  <= first_d;
    last_q   <= last_d;
    wgt_q    <= wgt_d;
    acc_q    <= acc_d;
    shadow_q <= shadow_d;
  end

  assign act_o    = act_q;
  assign first_o  = first_q;
  assign last_o   = last_q;
  assign wgt_o    = wgt_q;
  assign shadow_o = shadow_q;

  // rst_ni is part of the house port list; the datapath needs no reset.
  logic unused_rst;
  assign unused_rst = rst_ni;

`ifndef SYNTHESIS
  // The last step's capture into the shadow never coincides with the drain
  // shift (the pass spacing D >= R + 2C - 1 guarantees it).
  PeNoCaptureDuringShift: assert property (@(posedge clk_i) disable iff (!rst_ni)
      !(shift_i && last_i));

  // Cover points (make coverage): the largest product, (-128) * (-128).
  PeCoverLargestProduct: cover property (@(posedge clk_i) disable iff (!rst_ni)
      act_i == 8'h80 && wgt_i == 8'h80);
`endif

endmodule
