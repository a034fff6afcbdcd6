# lit configuration of dlc's test suites. Paths come from lit.site.cfg.py.
#
# Substitutions:
#   dlc, dlc-opt, FileCheck, not   the tools
#   %python                        Python with numpy (reference implementations)
#   %cc                            the C compiler used to link generated objects
#   %dlcrt_cflags / %dlcrt_libs    compile and link flags for libdlcrt
#                                  (the latter also in $DLC_RUNTIME_LIBS)
#   %e2e                           test/e2e/ (shared helper scripts)
import os

import lit.formats
from lit.llvm import llvm_config
from lit.llvm.subst import ToolSubst

config.name = "dlc"
config.test_format = lit.formats.ShTest(not llvm_config.use_lit_shell)
config.suffixes = [".mlir", ".json", ".test", ".c"]
config.excludes = ["Inputs", "CMakeLists.txt", "lit.cfg.py", "lit.site.cfg.py"]
config.test_source_root = os.path.dirname(__file__)
config.test_exec_root = os.path.join(config.dlc_obj_root, "test")

llvm_config.use_default_substitutions()
# `DLC_NUM_THREADS=4 lit build/test` runs the generated code of every test
# with 4 threads (default: all cores); a test may still set its own.
llvm_config.with_system_environment(["DLC_NUM_THREADS"])
llvm_config.with_environment("PATH", config.dlc_tools_dir, append_path=True)
llvm_config.with_environment("PATH", config.llvm_tools_dir, append_path=True)
# "=" joins the characters that may not precede a tool name, so that an
# option value such as --emit=dlc is not replaced by the tool's path.
llvm_config.add_tool_substitutions(
    [ToolSubst(t, pre=".-^/\\<=") for t in ["dlc", "dlc-opt"]],
    [config.dlc_tools_dir])

config.substitutions.append(("%python", config.dlc_python))
config.substitutions.append(("%cc", config.dlc_cc))
config.substitutions.append(("%dlcrt_cflags", "-I" + config.dlc_runtime_include))
config.substitutions.append(
    ("%dlcrt_libs", config.dlc_runtime_lib + " -lz -lm -lpthread"))
config.substitutions.append(("%e2e", os.path.join(config.test_source_root, "e2e")))
# The helper scripts that link lowered MLIR themselves (train_ops.py,
# gradcheck.py) add this: large loops call libdlcrt's dlc_parallel_for.
config.environment["DLC_RUNTIME_LIBS"] = config.dlc_runtime_lib + " -lz -lm -lpthread"

# PyTorch, where installed for %python, is a second reference for training
# (tests marked REQUIRES: torch); the suite never needs it.
import subprocess
if subprocess.run([config.dlc_python, "-c", "import torch"],
                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).returncode == 0:
    config.available_features.add("torch")
