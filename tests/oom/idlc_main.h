/*
 * idlc_main.h - test_oom_idlc compiles idlc/main.c with main renamed, so
 * that it runs idlc in its own process where allocations can fail.
 */
#ifndef IDLC_MAIN_H
#define IDLC_MAIN_H

int idlc_main(int argc, char **argv);

#endif
