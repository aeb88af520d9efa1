// acc_ctrl - the controller: issues the instruction at the head of the fetch
// queue, keeps the dependency counters, the status and the performance
// counters.
//
// The head issues in a cycle when it is legal, inside the scratchpad, its
// waits can be satisfied (wait_X <= X instructions already issued) and are
// satisfied (wait_X <= X instructions completed), and its engine is idle (END:
// all three engines idle).  The queue shows the next instruction one cycle
// after a pop, so at most one instruction issues per cycle.  Completion
// counters increment at the edge that ends an engine's last busy cycle, so a
// dependent instruction can issue in cycle e_i.  END sets status.done at the
// edge ending its issue cycle (e_END = s_END + 1).
//
// Errors (first one wins): a fetch beat with SLVERR at the head (AXI_ERROR),
// an illegal head (ILLEGAL), an operand past the scratchpad (SPAD_RANGE), an
// unsatisfiable wait (DEADLOCK), a data transfer with an error response
// (AXI_ERROR, reported when the engine finishes), a LOAD and a COMPUTE
// writing one scratchpad byte in one cycle (SPAD_RACE, reported in that cycle
// with the index of the later-issued of the two, the larger index), or the
// program running out before END (NO_END, index PROG_LEN).  Engine errors
// (a transfer's AXI_ERROR, SPAD_RACE) come before a head fault of the same
// cycle; among them the lower index wins, and at one index AXI_ERROR.  Issue
// stops, the running engines finish, then status.error is set with ERR_CODE
// and ERR_INDEX.
`include "acc_defs.svh"
module acc_ctrl #(
  parameter int unsigned SpadBytes = 65536,
  parameter int unsigned Rows      = 16,     // R: the FLAT legality rule
  parameter int unsigned Window    = 113     // W: bytes of a scratchpad read window
) (
  input  logic          clk_i,
  input  logic          rst_ni,
  input  logic          start_i,
  input  logic [31:0]   prog_len_i,
  // fetch queue head
  input  logic          head_valid_i,
  input  logic [255:0]  head_i,
  input  logic          head_err_i,
  output logic          pop_o,
  output logic          fetch_stop_o,
  // engines
  output logic          ld_issue_o,
  output logic          cp_issue_o,
  output logic          st_issue_o,
  output logic [31:0]   issue_idx_o,
  input  logic          ld_busy_i,
  input  logic          ld_done_i,
  input  logic          ld_err_i,
  input  logic [31:0]   ld_idx_i,
  input  logic          cp_busy_i,
  input  logic          cp_done_i,
  input  logic [31:0]   cp_idx_i,
  input  logic          st_busy_i,
  input  logic          st_done_i,
  input  logic          st_err_i,
  input  logic [31:0]   st_idx_i,
  // scratchpad: the two write ports hit one byte in this cycle
  input  logic          spad_race_i,
  // status and counters
  output logic          busy_o,
  output logic          done_o,
  output logic          error_o,
  output logic [2:0]    err_code_o,
  output logic [31:0]   err_index_o,
  output logic [63:0]   cycles_o,
  output logic [31:0]   busy_ld_o,
  output logic [31:0]   busy_cp_o,
  output logic [31:0]   busy_st_o,
  output logic [31:0]   retired_o,
  // trace
  output logic          trace_issue_o,
  output logic [3:0]    trace_op_o
);

  typedef enum logic [1:0] {
    StIdle,   // stopped (done, error or after reset)
    StRun,    // issuing
    StDrain   // error seen: waiting for the engines to finish
  } state_e;

  state_e       state_q, state_d;
  logic         done_q, done_d;
  logic         error_q, error_d;
  logic [2:0]   code_q, code_d;
  logic [31:0]  eidx_q, eidx_d;
  logic [31:0]  len_q, len_d;
  logic [31:0]  idx_q, idx_d;                       // index of the head
  logic [31:0]  iss_ld_q, iss_ld_d, iss_cp_q, iss_cp_d, iss_st_q, iss_st_d;
  logic [31:0]  cmp_ld_q, cmp_ld_d, cmp_cp_q, cmp_cp_d, cmp_st_q, cmp_st_d;
  logic [63:0]  cycles_q, cycles_d;
  logic [31:0]  bld_q, bld_d, bcp_q, bcp_d, bst_q, bst_d;
  logic [31:0]  ret_q, ret_d;

  logic [3:0]   op;
  logic         legal, in_spad;
  logic [31:0]  wait_ld, wait_cp, wait_st;
  logic         deadlock, waits_met, engine_free;
  logic         eng_err;                            // an engine error in this cycle
  logic [2:0]   eng_err_code;
  logic [31:0]  eng_err_idx;
  logic         ld_fault, st_fault;                 // a transfer ends with an error
  logic [31:0]  race_idx;                           // the later-issued writer
  logic         issue, head_fault;
  logic [2:0]   head_code;
  logic         is_ld, is_cp, is_st, is_end;
  logic         all_idle;

  acc_decode #(
    .SpadBytes (SpadBytes),
    .Rows      (Rows),
    .Window    (Window)
  ) u_decode (
    .instr_i   (head_i),
    .op_o      (op),
    .legal_o   (legal),
    .in_spad_o (in_spad)
  );

  always_comb begin
    wait_ld     = 32'(head_i[`ACC_F_WAIT_LD]);
    wait_cp     = 32'(head_i[`ACC_F_WAIT_CP]);
    wait_st     = 32'(head_i[`ACC_F_WAIT_ST]);
    is_ld       = (op == `ACC_OP_LOAD);
    is_cp       = (op == `ACC_OP_COMPUTE);
    is_st       = (op == `ACC_OP_STORE);
    is_end      = (op == `ACC_OP_END);
    all_idle    = !ld_busy_i && !cp_busy_i && !st_busy_i;
    deadlock    = (wait_ld > iss_ld_q) || (wait_cp > iss_cp_q) || (wait_st > iss_st_q);
    waits_met   = (wait_ld <= cmp_ld_q) && (wait_cp <= cmp_cp_q) && (wait_st <= cmp_st_q);
    engine_free = (is_ld && !ld_busy_i) || (is_cp && !cp_busy_i) || (is_st && !st_busy_i)
                  || (is_end && all_idle);

    // Faults of the head, in priority order.
    head_fault = 1'b1;
    if (head_err_i) begin
      head_code = `ACC_ERR_AXI;
    end else if (!legal) begin
      head_code = `ACC_ERR_ILLEGAL;
    end else if (!in_spad) begin
      head_code = `ACC_ERR_SPAD_RANGE;
    end else if (deadlock) begin
      head_code = `ACC_ERR_DEADLOCK;
    end else begin
      head_code  = `ACC_ERR_NONE;
      head_fault = 1'b0;
    end

    // Engine errors: the lower instruction index wins; at one index the
    // transfer's AXI_ERROR.  A race is between the running LOAD and COMPUTE
    // (the only two write ports); the later-issued has the larger index.
    ld_fault     = ld_done_i && ld_err_i;
    st_fault     = st_done_i && st_err_i;
    race_idx     = (cp_idx_i > ld_idx_i) ? cp_idx_i : ld_idx_i;
    eng_err      = ld_fault || st_fault || spad_race_i;
    eng_err_code = `ACC_ERR_AXI;
    eng_err_idx  = ld_idx_i;
    if (st_fault && (!ld_fault || (st_idx_i < ld_idx_i))) begin
      eng_err_idx = st_idx_i;
    end
    if (spad_race_i && (!(ld_fault || st_fault) || (race_idx < eng_err_idx))) begin
      eng_err_code = `ACC_ERR_SPAD_RACE;
      eng_err_idx  = race_idx;
    end

    issue = (state_q == StRun) && !eng_err && head_valid_i && !head_fault
            && waits_met && engine_free;
  end

  always_comb begin
    state_d  = state_q;
    done_d   = done_q;
    error_d  = error_q;
    code_d   = code_q;
    eidx_d   = eidx_q;
    len_d    = len_q;
    idx_d    = idx_q + 32'(issue);
    iss_ld_d = iss_ld_q + 32'(issue && is_ld);
    iss_cp_d = iss_cp_q + 32'(issue && is_cp);
    iss_st_d = iss_st_q + 32'(issue && is_st);
    cmp_ld_d = cmp_ld_q + 32'(ld_done_i);
    cmp_cp_d = cmp_cp_q + 32'(cp_done_i);
    cmp_st_d = cmp_st_q + 32'(st_done_i);
    cycles_d = cycles_q + 64'(state_q != StIdle);
    bld_d    = bld_q + 32'((issue && is_ld) || ld_busy_i);
    bcp_d    = bcp_q + 32'((issue && is_cp) || cp_busy_i);
    bst_d    = bst_q + 32'((issue && is_st) || st_busy_i);
    ret_d    = ret_q + 32'(ld_done_i) + 32'(cp_done_i) + 32'(st_done_i)
             + 32'(issue && is_end);

    case (state_q)
      StIdle: begin
        if (start_i) begin
          state_d  = StRun;
          done_d   = 1'b0;
          error_d  = 1'b0;
          code_d   = `ACC_ERR_NONE;
          eidx_d   = '0;
          len_d    = prog_len_i;
          idx_d    = '0;
          iss_ld_d = '0;
          iss_cp_d = '0;
          iss_st_d = '0;
          cmp_ld_d = '0;
          cmp_cp_d = '0;
          cmp_st_d = '0;
          cycles_d = 64'd1;     // cycle 0 (the start write) has passed
          bld_d    = '0;
          bcp_d    = '0;
          bst_d    = '0;
          ret_d    = '0;
        end
      end
      StRun: begin
        if (eng_err) begin
          state_d = StDrain;
          code_d  = eng_err_code;
          eidx_d  = eng_err_idx;
        end else if (head_valid_i && head_fault) begin
          state_d = StDrain;
          code_d  = head_code;
          eidx_d  = idx_q;
        end else if (!head_valid_i && (idx_q == len_q)) begin
          state_d = StDrain;
          code_d  = `ACC_ERR_NO_END;
          eidx_d  = len_q;
        end else if (issue && is_end) begin
          state_d = StIdle;
          done_d  = 1'b1;
        end
      end
      StDrain: begin
        if (all_idle) begin
          state_d = StIdle;
          error_d = 1'b1;
        end
      end
      default: state_d = StIdle;
    endcase
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      state_q  <= StIdle;
      done_q   <= 1'b0;
      error_q  <= 1'b0;
      code_q   <= `ACC_ERR_NONE;
      eidx_q   <= '0;
      len_q    <= '0;
      idx_q    <= '0;
      iss_ld_q <= '0;
      iss_cp_q <= '0;
      iss_st_q <= '0;
      cmp_ld_q <= '0;
      cmp_cp_q <= '0;
      cmp_st_q <= '0;
      cycles_q <= '0;
      bld_q    <= '0;
      bcp_q    <= '0;
      bst_q    <= '0;
      ret_q    <= '0;
    end else begin
      state_q  <= state_d;
      done_q   <= done_d;
      error_q  <= error_d;
      code_q   <= code_d;
      eidx_q   <= eidx_d;
      len_q    <= len_d;
      idx_q    <= idx_d;
      iss_ld_q <= iss_ld_d;
      iss_cp_q <= iss_cp_d;
      iss_st_q <= iss_st_d;
      cmp_ld_q <= cmp_ld_d;
      cmp_cp_q <= cmp_cp_d;
      cmp_st_q <= cmp_st_d;
      cycles_q <= cycles_d;
      bld_q    <= bld_d;
      bcp_q    <= bcp_d;
      bst_q    <= bst_d;
      ret_q    <= ret_d;
    end
  end

  assign pop_o         = issue;
  assign fetch_stop_o  = (state_q != StRun) || (state_d != StRun);
  assign ld_issue_o    = issue && is_ld;
  assign cp_issue_o    = issue && is_cp;
  assign st_issue_o    = issue && is_st;
  assign issue_idx_o   = idx_q;
  assign busy_o        = state_q != StIdle;
  assign done_o        = done_q;
  assign error_o       = error_q;
  assign err_code_o    = code_q;
  assign err_index_o   = eidx_q;
  assign cycles_o      = cycles_q;
  assign busy_ld_o     = bld_q;
  assign busy_cp_o     = bcp_q;
  assign busy_st_o     = bst_q;
  assign retired_o     = ret_q;
  assign trace_issue_o = issue;
  assign trace_op_o    = op;

`ifndef SYNTHESIS
  CtrlStateLegal: assert property (@(posedge clk_i) disable iff (!rst_ni)
      state_q inside {StIdle, StRun, StDrain});
  CtrlIssueOnlyRunning: assert property (@(posedge clk_i) disable iff (!rst_ni)
      issue |-> state_q == StRun);
  CtrlLdIssueIdle: assert property (@(posedge clk_i) disable iff (!rst_ni)
      ld_issue_o |-> !ld_busy_i);
  CtrlCpIssueIdle: assert property (@(posedge clk_i) disable iff (!rst_ni)
      cp_issue_o |-> !cp_busy_i);
  CtrlStIssueIdle: assert property (@(posedge clk_i) disable iff (!rst_ni)
      st_issue_o |-> !st_busy_i);
  CtrlDoneOnlyIfBusy: assert property (@(posedge clk_i) disable iff (!rst_ni)
      (!ld_done_i || ld_busy_i) && (!cp_done_i || cp_busy_i) && (!st_done_i || st_busy_i));
  CtrlCompletedLeIssued: assert property (@(posedge clk_i) disable iff (!rst_ni)
      cmp_ld_q <= iss_ld_q && cmp_cp_q <= iss_cp_q && cmp_st_q <= iss_st_q);
  CtrlCyclesNoWrap: assert property (@(posedge clk_i) disable iff (!rst_ni)
      cycles_q != '1);
  CtrlCountersNoWrap: assert property (@(posedge clk_i) disable iff (!rst_ni)
      bld_q != '1 && bcp_q != '1 && bst_q != '1 && ret_q != '1 && idx_q != '1);
  CtrlDoneAndErrorExclusive: assert property (@(posedge clk_i) disable iff (!rst_ni)
      !(done_q && error_q));
  // A write race happens only while a LOAD and a COMPUTE run, and a race
  // while issuing stops the run with SPAD_RACE at the later writer (or a
  // lower-indexed AXI_ERROR of the same cycle).
  CtrlRaceOnlyWhileBothRun: assert property (@(posedge clk_i) disable iff (!rst_ni)
      spad_race_i |-> ld_busy_i && cp_busy_i);
  CtrlRaceStops: assert property (@(posedge clk_i) disable iff (!rst_ni)
      state_q == StRun && spad_race_i |=> state_q == StDrain
      && (code_q == `ACC_ERR_SPAD_RACE || code_q == `ACC_ERR_AXI) && eidx_q <= $past(race_idx));

  // Cover points (make coverage, docs/rtl.md "Coverage"): every opcode and
  // flag issued, every wait kind holding an instruction back, every error
  // code, restarts.
  CtrlCoverIssueLoad: cover property (@(posedge clk_i) disable iff (!rst_ni) issue && is_ld);
  CtrlCoverIssueStore: cover property (@(posedge clk_i) disable iff (!rst_ni) issue && is_st);
  CtrlCoverIssueCompute: cover property (@(posedge clk_i) disable iff (!rst_ni)
      issue && is_cp && !head_i[`ACC_F_ACC]);
  CtrlCoverIssueComputeAcc: cover property (@(posedge clk_i) disable iff (!rst_ni)
      issue && is_cp && head_i[`ACC_F_ACC]);
  CtrlCoverIssueEnd: cover property (@(posedge clk_i) disable iff (!rst_ni) issue && is_end);
  CtrlCoverIllegalOpcode: cover property (@(posedge clk_i) disable iff (!rst_ni)
      state_q == StRun && head_valid_i && !head_err_i
      && !(is_ld || is_st || is_cp || is_end));
  CtrlCoverIllegalFlag: cover property (@(posedge clk_i) disable iff (!rst_ni)
      state_q == StRun && head_valid_i && !head_err_i && (is_ld || is_st || is_cp || is_end)
      && (is_cp ? head_i[7:5] != 3'd0 : head_i[`ACC_F_FLAGS] != 4'd0));
  CtrlCoverIllegalField: cover property (@(posedge clk_i) disable iff (!rst_ni)
      state_q == StRun && head_valid_i && !head_err_i && (is_ld || is_st || is_cp || is_end)
      && (is_cp ? head_i[7:5] == 3'd0 : head_i[`ACC_F_FLAGS] == 4'd0) && !legal);
  CtrlCoverWaitLdHolds: cover property (@(posedge clk_i) disable iff (!rst_ni)
      state_q == StRun && head_valid_i && !head_fault && wait_ld > cmp_ld_q);
  CtrlCoverWaitCpHolds: cover property (@(posedge clk_i) disable iff (!rst_ni)
      state_q == StRun && head_valid_i && !head_fault && wait_cp > cmp_cp_q);
  CtrlCoverWaitStHolds: cover property (@(posedge clk_i) disable iff (!rst_ni)
      state_q == StRun && head_valid_i && !head_fault && wait_st > cmp_st_q);
  CtrlCoverEngineBusyHolds: cover property (@(posedge clk_i) disable iff (!rst_ni)
      state_q == StRun && head_valid_i && !head_fault && waits_met && !engine_free && !is_end);
  CtrlCoverEndWaitsForIdle: cover property (@(posedge clk_i) disable iff (!rst_ni)
      state_q == StRun && head_valid_i && !head_fault && waits_met && is_end && !all_idle);
  CtrlCoverErrIllegal: cover property (@(posedge clk_i) disable iff (!rst_ni)
      state_q == StRun && state_d == StDrain && code_d == `ACC_ERR_ILLEGAL);
  CtrlCoverErrSpadRange: cover property (@(posedge clk_i) disable iff (!rst_ni)
      state_q == StRun && state_d == StDrain && code_d == `ACC_ERR_SPAD_RANGE);
  CtrlCoverErrDeadlock: cover property (@(posedge clk_i) disable iff (!rst_ni)
      state_q == StRun && state_d == StDrain && code_d == `ACC_ERR_DEADLOCK);
  CtrlCoverErrAxiFetch: cover property (@(posedge clk_i) disable iff (!rst_ni)
      state_q == StRun && !eng_err && head_valid_i && head_err_i);
  CtrlCoverErrAxiLoad: cover property (@(posedge clk_i) disable iff (!rst_ni)
      state_q == StRun && ld_done_i && ld_err_i);
  CtrlCoverErrAxiStore: cover property (@(posedge clk_i) disable iff (!rst_ni)
      state_q == StRun && st_done_i && st_err_i);
  CtrlCoverErrNoEnd: cover property (@(posedge clk_i) disable iff (!rst_ni)
      state_q == StRun && state_d == StDrain && code_d == `ACC_ERR_NO_END);
  CtrlCoverErrSpadRace: cover property (@(posedge clk_i) disable iff (!rst_ni)
      state_q == StRun && state_d == StDrain && code_d == `ACC_ERR_SPAD_RACE);
  CtrlCoverDrainWaitsForEngines: cover property (@(posedge clk_i) disable iff (!rst_ni)
      state_q == StDrain && !all_idle);
  CtrlCoverRestartAfterDone: cover property (@(posedge clk_i) disable iff (!rst_ni)
      start_i && done_q);
  CtrlCoverRestartAfterError: cover property (@(posedge clk_i) disable iff (!rst_ni)
      start_i && error_q);
`endif

endmodule
