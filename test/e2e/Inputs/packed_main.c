/* Driver of the training-op e2e tests (train_ops.py): calls f_packed(args)
 * of an object lowered by hand with dlc-opt. Each argument after the program
 * name describes one slot of args, in order:
 *   i:PATH         an input, the raw bytes of PATH
 *   o:PATH:BYTES   an output of BYTES bytes, written raw to PATH afterwards
 *   w:BYTES        the workspace (zeroed)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void f_packed(void **args);

static void *read_file(const char *path) {
  FILE *f = fopen(path, "rb");
  if (!f) { perror(path); exit(2); }
  fseek(f, 0, SEEK_END);
  long n = ftell(f);
  fseek(f, 0, SEEK_SET);
  void *p = malloc(n > 0 ? (size_t)n : 1);
  if (n > 0 && fread(p, 1, (size_t)n, f) != (size_t)n) { perror(path); exit(2); }
  fclose(f);
  return p;
}

int main(int argc, char **argv) {
  void **args = calloc((size_t)argc, sizeof(void *));
  size_t *sizes = calloc((size_t)argc, sizeof(size_t));
  char **paths = calloc((size_t)argc, sizeof(char *));
  for (int i = 1; i < argc; ++i) {
    char *spec = argv[i];
    if (spec[0] == 'i' && spec[1] == ':') {
      args[i - 1] = read_file(spec + 2);
    } else if (spec[0] == 'o' && spec[1] == ':') {
      char *colon = strrchr(spec + 2, ':');
      if (!colon) { fprintf(stderr, "bad spec %s\n", spec); return 2; }
      *colon = '\0';
      paths[i - 1] = spec + 2;
      sizes[i - 1] = strtoul(colon + 1, NULL, 10);
      args[i - 1] = calloc(1, sizes[i - 1] ? sizes[i - 1] : 1);
    } else if (spec[0] == 'w' && spec[1] == ':') {
      args[i - 1] = calloc(1, strtoul(spec + 2, NULL, 10) + 64);
    } else {
      fprintf(stderr, "bad spec %s\n", spec);
      return 2;
    }
  }
  f_packed(args);
  for (int i = 1; i < argc; ++i) {
    if (!paths[i - 1]) continue;
    FILE *f = fopen(paths[i - 1], "wb");
    if (!f || fwrite(args[i - 1], 1, sizes[i - 1], f) != sizes[i - 1]) {
      perror(paths[i - 1]);
      return 2;
    }
    fclose(f);
  }
  return 0;
}
