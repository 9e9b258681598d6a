# lit configuration for nnc: FileCheck, not and friends from LLVM 19, nnc
# from the build tree. Each test directory mirrors a layer of compiler/lib.
import os
import lit.formats

config.name = "nnc"
config.test_format = lit.formats.ShTest(execute_external=True)
config.suffixes = [".nn", ".mlir", ".test"]
config.excludes = ["Inputs", "CMakeLists.txt", "lit.cfg.py", "lit.site.cfg.py"]
config.test_source_root = os.path.dirname(__file__)
config.test_exec_root = os.path.join(config.nnc_obj_root, "test")

config.environment["NNC_STDLIB_DIR"] = os.path.join(config.nnc_src_root, "stdlib")
path = os.pathsep.join([config.nnc_tools_dir, config.llvm_tools_dir,
                        config.environment.get("PATH", os.environ["PATH"])])
config.environment["PATH"] = path
config.substitutions.append(("%nnc_src", config.nnc_src_root))

# The libraries that mlir-cpu-runner loads for the end-to-end tests of the
# lowering pipelines (printMemrefF32 and the other runtime helpers), and the
# runtime's matmul and convolution kernels the CPU pipeline calls.
llvm_lib_dir = os.path.join(os.path.dirname(config.llvm_tools_dir), "lib")
config.substitutions.append(("%mlir_runner_libs", ",".join(
    [os.path.join(llvm_lib_dir, name)
     for name in ["libmlir_c_runner_utils.so", "libmlir_runner_utils.so"]] +
    [os.path.join(config.nnc_obj_root, "runtime", "libnnrt_kernels.so")])))

# End-to-end tests compare compiled programs with NumPy; they need a Python
# with NumPy (Debian's python3-numpy, which scripts/install-deps.sh installs).
import shutil
import subprocess


def _python_with_numpy():
    for candidate in ["/usr/bin/python3", shutil.which("python3")]:
        if candidate and subprocess.run([candidate, "-c", "import numpy"],
                                        capture_output=True).returncode == 0:
            return candidate
    return None


_python = _python_with_numpy()
if _python:
    config.available_features.add("numpy")
    config.substitutions.append(("%python", _python))
