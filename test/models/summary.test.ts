import { describe, expect, it } from "vitest";
import { describeLayer } from "../../src/models/layer-spec.js";
import { alexnet, lenet5, mlp, vgg16 } from "../../src/models/specs.js";
import { build } from "../../src/models/sequential.js";
import {
  convLayerStats,
  convWeights,
  countMlp,
  formatSummary,
  fullyConnectedWeights,
  summary,
} from "../../src/summary.js";

describe("the slides' counts", () => {
  it("3-4-2 net: 6 neurons, 20 weights, 6 biases, 26 parameters", () => {
    expect(countMlp([3, 4, 2])).toEqual({ neurons: 6, weights: 20, biases: 6, params: 26 });
    // 4-layer example from the same slide family: [3, 4, 4, 1] → 9 neurons, 32 weights, 41 params
    expect(countMlp([3, 4, 4, 1])).toEqual({ neurons: 9, weights: 32, biases: 9, params: 41 });
  });

  it("200×200 image fully connected to 40K units: 1.6 billion weights; one 10×10 filter 100; 20 filters 2,000", () => {
    expect(fullyConnectedWeights(200 * 200, 40_000)).toBe(1_600_000_000);
    expect(convWeights(10)).toBe(100);
    expect(convWeights(10, 20)).toBe(2_000);
  });

  it("conv 3×32×32, 10 filters 5×5, stride 1, pad 2 → 10×32×32, 760 parameters, 768,000 multiply-adds", () => {
    expect(convLayerStats([3, 32, 32], 10, 5, { stride: 1, pad: 2 })).toEqual({
      outputShape: [10, 32, 32],
      params: 760,
      macs: 768_000,
    });
  });

  it("7×7 input, 3×3 filter, stride 2 → 3×3; max-pool 2×2 stride 2 on 64×224×224 → 64×112×112", () => {
    expect(convLayerStats([1, 7, 7], 1, 3, { stride: 2 }).outputShape).toEqual([1, 3, 3]);
    expect(describeLayer({ kind: "maxpool2d", size: 2, stride: 2 }, [64, 224, 224]).outputShape).toEqual([64, 112, 112]);
  });

  it("shapes that do not tile are an error naming the layer and the sizes", () => {
    expect(() => convLayerStats([1, 7, 7], 1, 3, { stride: 3 })).toThrow(/Conv2d 1→1 3×3 stride 3: along height.*not an integer/);
    expect(() => summary(lenet5(), [1, 32, 32])).toThrow(/layer 8 of 10: Linear 2450→500: input shape \[3200\] does not fit, expected \[2450\]/);
  });
});

describe("LeNet-5 (the lecture's variant)", () => {
  const s = summary(lenet5());

  it("matches the slide's table row by row", () => {
    const rows = s.rows.map((r) => [r.name, r.outputShape, r.weightShape, r.params, r.macs]);
    expect(rows).toEqual([
      ["Conv2d 1→20 5×5 pad 2", [20, 28, 28], [20, 1, 5, 5], 520, 392_000],
      ["ReLU", [20, 28, 28], null, 0, 0],
      ["MaxPool2d 2×2 stride 2", [20, 14, 14], null, 0, 0],
      ["Conv2d 20→50 5×5 pad 2", [50, 14, 14], [50, 20, 5, 5], 25_050, 4_900_000],
      ["ReLU", [50, 14, 14], null, 0, 0],
      ["MaxPool2d 2×2 stride 2", [50, 7, 7], null, 0, 0],
      ["Flatten", [2450], null, 0, 0],
      ["Linear 2450→500", [500], [2450, 500], 1_225_500, 1_225_000],
      ["ReLU", [500], null, 0, 0],
      ["Linear 500→10", [10], [500, 10], 5_010, 5_000],
    ]);
    expect(s.totalParams).toBe(1_256_080);
    expect(s.totalMacs).toBe(6_522_000);
    expect(s.weights + s.biases).toBe(1_256_080);
  });

  it("prints as a fixed-width table with thousands separators", () => {
    const text = formatSummary(s);
    console.log(text);
    const lines = text.split("\n");
    expect(lines[0]).toBe("LeNet-5");
    expect(lines[1]).toMatch(/^Layer\s+Output shape\s+Weight shape\s+Parameters\s+Multiply-adds$/);
    expect(text).toMatch(/\nConv2d 1→20 5×5 pad 2 +20×28×28 +20×1×5×5 \+ 20 +520 +392,000\n/);
    expect(text).toMatch(/\nLinear 2450→500 +500 +2450×500 \+ 500 +1,225,500 +1,225,000\n/);
    expect(text).toMatch(/\nTotal +1,256,080 +6,522,000\n/);
    // every row of the body is aligned: the parameters column ends at the same place
    const header = lines[1];
    const end = header.indexOf("Parameters") + "Parameters".length;
    for (const l of lines.slice(3, 14)) if (/\d$/.test(l)) expect(l.slice(0, end)).toMatch(/(\d|\s)$/);
  });

  it("a built model summarizes the same as its spec", () => {
    const model = build(lenet5());
    expect(model.paramCount()).toBe(1_256_080);
    expect(summary(model)).toEqual(summary(lenet5()));
  });
});

describe("AlexNet and VGG-16", () => {
  it("AlexNet (torchvision): 61,100,840 parameters, ≈0.714 G multiply-adds at 224×224", () => {
    const s = summary(alexnet());
    console.log(`AlexNet: ${s.totalParams} parameters, ${s.totalMacs} multiply-adds`);
    expect(s.totalParams).toBe(61_100_840);
    expect(Math.abs(s.totalMacs / 0.714e9 - 1)).toBeLessThan(0.005);
    expect(s.totalMacs).toBe(714_188_480);
    expect(s.rows[0].outputShape).toEqual([64, 55, 55]); // torchvision rounds (224 + 4 − 11)/4 + 1 down
    expect(s.rows.find((r) => r.name.startsWith("AdaptiveAvgPool2d"))!.outputShape).toEqual([256, 6, 6]);
  });

  it("VGG-16: 138,357,544 parameters, ≈15.47 G multiply-adds", () => {
    const s = summary(vgg16());
    console.log(`VGG-16: ${s.totalParams} parameters, ${s.totalMacs} multiply-adds`);
    expect(s.totalParams).toBe(138_357_544);
    expect(Math.abs(s.totalMacs / 15.47e9 - 1)).toBeLessThan(0.005);
    expect(s.totalMacs).toBe(15_470_264_320);
  });

  it("mlp spec: Linear layers with ReLU between", () => {
    expect(mlp([784, 100, 10]).layers.map((l) => l.kind)).toEqual(["linear", "relu", "linear"]);
    expect(() => mlp([3])).toThrow(/mlp: sizes must be at least two/);
  });
});
