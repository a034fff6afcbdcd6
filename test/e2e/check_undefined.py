"""Checks the output of `llvm-nm -u OBJECT`: every undefined symbol must be a
libc/libm function of the explicit whitelist below, or part of libdlcrt's C
API (prefix dlc_), which the contract (docs: cli-and-abi) allows.

  check_undefined.py UNDEFINED.txt
"""

import re
import sys

LIBM = """
acos acosf acosh acoshf asin asinf asinh asinhf atan atanf atan2 atan2f atanh
atanhf cbrt cbrtf ceil ceilf copysign copysignf cos cosf cosh coshf erf erff
erfc erfcf exp expf exp2 exp2f expm1 expm1f fabs fabsf floor floorf fma fmaf
fmax fmaxf fmin fminf fmod fmodf hypot hypotf ldexp ldexpf lgamma lgammaf log
logf log10 log10f log1p log1pf log2 log2f lrint lrintf llrint llrintf lround
lroundf nearbyint nearbyintf pow powf remainder remainderf rint rintf round
roundf roundeven roundevenf sin sinf sincos sincosf sinh sinhf sqrt sqrtf tan
tanf tanh tanhf tgamma tgammaf trunc truncf frexp frexpf modf modff
""".split()

LIBC = """
memcpy memmove memset memcmp bzero malloc calloc realloc free aligned_alloc
posix_memalign abort __stack_chk_fail __stack_chk_guard
__memcpy_chk __memset_chk __memmove_chk
""".split()

# pthreads: allowed by the contract for the thread pool.
PTHREAD = """
pthread_create pthread_join pthread_mutex_lock pthread_mutex_unlock
pthread_cond_wait pthread_cond_signal pthread_cond_broadcast
""".split()

ALLOWED = set(LIBM) | set(LIBC) | set(PTHREAD)


def main():
    path = sys.argv[1]
    symbols = []
    with open(path) as f:
        for line in f:
            line = line.strip()
            if not line or line.endswith(":"):  # "file.o:" headers
                continue
            m = re.match(r"^(?:[0-9a-fA-F]+\s+)?[Uw]\s+(\S+)$", line) or \
                re.match(r"^(\S+)$", line)
            if not m:
                print("FAIL: cannot parse llvm-nm line: %r" % line)
                return 1
            symbols.append(m.group(1))
    bad = [s for s in symbols if s not in ALLOWED and not s.startswith("dlc_")]
    print("undefined symbols: %s" % (" ".join(symbols) or "(none)"))
    if bad:
        print("FAIL: undefined symbols outside the libc/libm whitelist: %s"
              % " ".join(bad))
        return 1
    print("ok: all undefined symbols are libc/libm%s" %
          (" or libdlcrt" if any(s.startswith("dlc_") for s in symbols) else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main())
