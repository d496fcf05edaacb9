"""saxpy and sgemm for thinc's `CBlas` table, the two BLAS routines spaCy's parser steps and thinc's hash
embedding call from compiled code: the same arithmetic as the blis reference kernels, without their per-call cost.

Why by hand: thinc's `CBlas` points at blis, whose wheel does not recognise every CPU (AMD Zen 3 here: "selecting
sub-configuration 'generic'") and then runs its reference kernels behind a per-call framework (context lookup,
packing, thread decorator). The parser calls saxpy on 128 floats for every feature of every state at every
transition, and sgemm on a few dozen rows per transition, so the framework costs more than the arithmetic
(~5% of extraction's CPU, bench/extract_speed.py). No library offers C functions with blis's signature that
compute bit-for-bit what the reference kernels compute, which is what keeps every parse (and so every claim)
unchanged; numba compiles these loops to such functions. Exactness: each sum is accumulated in float32 in the
reference kernels' order (along k, in blocks of KC), products and sums rounded apart (no fused multiply-add);
tests/test_extract_speedups.py compares them bit for bit with blis.

`cblas()` gives a thinc `CBlas` whose saxpy and sgemm are these functions, set through the setters thinc exports
for that purpose (`thinc.backends.cblas.set_saxpy` / `set_sgemm`, reached through their Cython capsules).
"""
from __future__ import annotations

import ctypes
from functools import lru_cache
from typing import Any

import numpy as np
from numba import cfunc, njit, types
from numba.np.numpy_support import carray

KC = 256  # blis's k blocking for float gemm in the reference configuration: sums restart every KC terms

_F32P = types.CPointer(types.float32)  # type: ignore[no-untyped-call]
SAXPY_SIGNATURE = types.void(types.int32, types.float32, _F32P, types.int32, _F32P, types.int32)
SGEMM_SIGNATURE = types.void(types.int32, types.int32, types.int32, types.int32, types.int32, types.float32, _F32P,
                             types.int32, _F32P, types.int32, types.float32, _F32P, types.int32)


@cfunc(SAXPY_SIGNATURE, cache=True)
def saxpy(n: int, alpha: float, x: Any, incx: int, y: Any, incy: int) -> None:
    """y += alpha * x (n elements, strides incx and incy)."""
    if incx == 1 and incy == 1:
        for i in range(n):
            y[i] += alpha * x[i]
    else:
        for i in range(n):
            y[i * incy] += alpha * x[i * incx]


@njit(cache=True)
def _gemm(trans_a: bool, trans_b: bool, m: int, n: int, k: int, alpha: float, a: np.ndarray, lda: int,
          b: np.ndarray, ldb: int, beta: float, c: np.ndarray, ldc: int) -> None:
    """C = alpha * op(A) op(B) + beta * C on row-major buffers (blis's `cy.sgemm` convention)."""
    bt = np.empty((k, n), np.float32)  # op(B), k x n with contiguous rows: the inner loop runs along j
    for l in range(k):
        for j in range(n):
            bt[l, j] = b[j * ldb + l] if trans_b else b[l * ldb + j]
    acc = np.empty(n, np.float32)
    one = np.float32(1.0)
    for i in range(m):
        for l0 in range(0, max(k, 1), KC):
            acc[:] = 0
            for l in range(l0, min(k, l0 + KC)):
                av = a[l * lda + i] if trans_a else a[i * lda + l]
                for j in range(n):
                    acc[j] += av * bt[l, j]
            scale = beta if l0 == 0 else one  # later k blocks add to what the earlier ones wrote
            for j in range(n):
                if scale == 0:
                    c[i * ldc + j] = alpha * acc[j]
                else:
                    c[i * ldc + j] = scale * c[i * ldc + j] + alpha * acc[j]


@cfunc(SGEMM_SIGNATURE, cache=True)
def sgemm(trans_a: int, trans_b: int, m: int, n: int, k: int, alpha: float, a: Any, lda: int, b: Any, ldb: int,
          beta: float, c: Any, ldc: int) -> None:
    if m <= 0 or n <= 0:
        return
    a_rows, a_cols = (k, m) if trans_a else (m, k)
    b_rows, b_cols = (n, k) if trans_b else (k, n)
    _gemm(trans_a != 0, trans_b != 0, m, n, k, alpha,
          carray(a, (max(0, a_rows - 1) * lda + a_cols,)), lda,
          carray(b, (max(0, b_rows - 1) * ldb + b_cols,)), ldb, beta,
          carray(c, ((m - 1) * ldc + n,)), ldc)


def _capsule_pointer(capsule: Any) -> int:
    name = ctypes.pythonapi.PyCapsule_GetName
    name.restype, name.argtypes = ctypes.c_char_p, [ctypes.py_object]
    pointer = ctypes.pythonapi.PyCapsule_GetPointer
    pointer.restype, pointer.argtypes = ctypes.c_void_p, [ctypes.py_object, ctypes.c_char_p]
    return int(pointer(capsule, name(capsule)))


@lru_cache(maxsize=1)
def cblas() -> Any:
    """A thinc CBlas with this module's saxpy and sgemm (daxpy stays blis's: nothing here uses doubles)."""
    from thinc.backends import cblas as thinc_cblas

    setter = ctypes.CFUNCTYPE(None, ctypes.py_object, ctypes.c_void_p)
    table = thinc_cblas.CBlas()
    setter(_capsule_pointer(thinc_cblas.__pyx_capi__["set_saxpy"]))(table, saxpy.address)
    setter(_capsule_pointer(thinc_cblas.__pyx_capi__["set_sgemm"]))(table, sgemm.address)
    return table
