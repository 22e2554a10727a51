import { afterAll, describe, expect, it, vi } from "vitest";
import { configureKernels, kernelInfo } from "../../src/engine/index.js";
import { wasmUnavailableReason } from "../../src/engine/wasm.js";
import { webAssembly } from "../../src/engine/webassembly.js";
import { useEngine } from "./compare.js";

afterAll(() => configureKernels({ engine: "wasm", threads: 1 }));

describe("engine choice", () => {
  it("runs WebAssembly SIMD on this machine", () => {
    expect(wasmUnavailableReason()).toBeNull();
    useEngine({ engine: "wasm", threads: 2 });
    expect(kernelInfo().engine).toMatch(/^wasm-simd(-fma)?$/);
    expect(kernelInfo().threads).toBe(2);
  });

  it("falls back to the TypeScript engine with one line on stderr when WebAssembly SIMD is missing", () => {
    const validate = vi.spyOn(webAssembly!, "validate").mockReturnValue(false);
    const warn = vi.spyOn(console, "warn").mockImplementation(() => undefined);
    try {
      expect(wasmUnavailableReason()).toBe("WebAssembly SIMD is not supported");
      expect(configureKernels({ engine: "wasm" }).engine).toBe("js");
      expect(warn).toHaveBeenCalledTimes(1);
      expect(String(warn.mock.calls[0][0])).toMatch(/WebAssembly SIMD is not supported; using the plain TypeScript kernels/);
    } finally {
      validate.mockRestore();
      warn.mockRestore();
    }
  });

  it("rejects a thread count that is not a positive integer", () => {
    expect(() => configureKernels({ threads: 0 })).toThrow("configureKernels: threads must be an integer >= 1, got 0");
  });
});
