/* A stand-in service for the examples: prints a line and waits, like a server would.
   Built static (musl) by examples/src/build.sh so the examples need no registry to build. */
#include <signal.h>
#include <stdio.h>
#include <unistd.h>

static void stop(int sig) { (void)sig; _exit(0); }

int main(void) {
    signal(SIGTERM, stop);
    signal(SIGINT, stop);
    printf("example app running as uid %d\n", (int)geteuid());
    fflush(stdout);
    for (;;) pause();
}
