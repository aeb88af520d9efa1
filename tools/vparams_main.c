/* vparams - prints the elaboration parameters of a configuration, so that
 * the Makefile builds the Verilated model from the same numbers the model and
 * the planner use:
 *   vparams CONFIG --verilator   -GArrayRows=16 -GArrayCols=16 ...
 *   vparams CONFIG --cflags      -DACC_VM_ROWS=16 ...            */
#include <stdio.h>
#include <string.h>

#include "core/config.h"

int main(int argc, char **argv)
{
    if (argc != 3 || (strcmp(argv[2], "--verilator") != 0 && strcmp(argv[2], "--cflags") != 0)) {
        fprintf(stderr, "usage: vparams CONFIG --verilator|--cflags\n");
        return 2;
    }
    acc_config c;
    acc_error err;
    if (acc_config_load(argv[1], &c, &err) != 0) {
        fprintf(stderr, "error: %s\n", err.msg);
        return 1;
    }
    if (strcmp(argv[2], "--verilator") == 0)
        printf("-GArrayRows=%d -GArrayCols=%d -GSpadBytes=%u -GSpadBanks=%d -GLineBytes=%d "
               "-GAxiDataBits=%d -GFetchDepth=%d\n",
               c.rows, c.cols, c.spad_bytes, c.spad_banks, c.line_bytes, c.axi_data_bits,
               c.fetch_depth);
    else
        printf("-DACC_VM_ROWS=%d -DACC_VM_COLS=%d -DACC_VM_SPAD_BYTES=%u -DACC_VM_SPAD_BANKS=%d "
               "-DACC_VM_LINE_BYTES=%d -DACC_VM_AXI_DATA_BITS=%d -DACC_VM_FETCH_DEPTH=%d\n",
               c.rows, c.cols, c.spad_bytes, c.spad_banks, c.line_bytes, c.axi_data_bits,
               c.fetch_depth);
    return 0;
}
