/* Static stand-in for a shell-less service: sleeps argv[1] seconds, exits on SIGTERM/SIGINT. */
#include <signal.h>
#include <stdlib.h>
#include <unistd.h>

static void bye(int sig) {
  (void)sig;
  _exit(0);
}

int main(int argc, char **argv) {
  signal(SIGTERM, bye);
  signal(SIGINT, bye);
  sleep(argc > 1 ? (unsigned)atoi(argv[1]) : 30);
  return 0;
}
